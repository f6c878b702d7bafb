//! Key material for signing and encrypting cookies.

use aes_gcm::{Aes256Gcm, KeyInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Error;

/// 64 bytes of key material: the first half signs cookies (HMAC-SHA256), the second half encrypts them
/// (AES-256-GCM). The session id cookie is signed under a key derived from the first half (HKDF-SHA256),
/// so no value signed for a cookie field is ever a valid id cookie, or the other way round, whatever the
/// cookies are called.
///
/// `Debug` never prints the bytes.
///
/// # Example
///
/// ```
/// use session_core::Key;
///
/// let fresh = Key::generate();
/// let from_config = Key::from_master_secret(b"a master secret of at least 32 bytes!!").unwrap();
/// assert!(Key::from_bytes(&[7; 16]).is_err()); // too short
/// # let _ = (fresh, from_config);
/// ```
#[derive(Clone)]
pub struct Key {
    /// HMAC-SHA256 keyed with the first half, its key schedule done once: every signature clones it.
    signer: Hmac<Sha256>,
    /// HMAC-SHA256 keyed with the id cookie's key, derived from the first half.
    id_signer: Hmac<Sha256>,
    /// AES-256-GCM keyed with the second half, its key schedule done once.
    cipher: Aes256Gcm,
}

impl Key {
    /// Bytes of key material.
    pub const LEN: usize = 64;

    /// The shortest master secret [`Key::from_master_secret`] accepts.
    pub const MIN_MASTER_LEN: usize = 32;

    /// A new random key from the operating system's CSPRNG. Cookies signed with it stop verifying when the
    /// process restarts: use [`Key::from_bytes`] or [`Key::from_master_secret`] in production.
    ///
    /// # Panics
    ///
    /// If the operating system refuses randomness (a sandbox that forbids the call, say).
    pub fn generate() -> Self {
        let mut bytes = [0; Self::LEN];
        crate::entropy::from_os(&mut bytes);
        Self::from_material(&bytes)
    }

    fn from_material(bytes: &[u8; Self::LEN]) -> Self {
        let (signing, encryption) = bytes.split_at(32);
        let mut id_signing = [0; 32];
        Hkdf::<Sha256>::new(None, signing)
            .expand(b"session-core id cookie v1", &mut id_signing)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        let hmac = |key: &[u8]| <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
        Key {
            signer: hmac(signing),
            id_signer: hmac(&id_signing),
            cipher: Aes256Gcm::new_from_slice(encryption).expect("AES-256 takes 32-byte keys"),
        }
    }

    /// Uses the first 64 bytes of `bytes` as they are: 32 sign, 32 encrypt. Bytes past the 64th are not
    /// used (they would add nothing to either key), so give 64 random bytes, or derive a key from a longer
    /// secret with [`Key::from_master_secret`], which uses all of it. Fails with [`Error::KeyTooShort`]
    /// for fewer than 64.
    ///
    /// Material that repeats a pattern of up to 16 bytes (a placeholder left in a config template: 64
    /// zeros, `changeme` over and over) fails with [`Error::Config`]: anyone could forge cookies under it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let material = bytes.get(..Self::LEN).ok_or(Error::KeyTooShort { len: bytes.len(), min: Self::LEN })?;
        refuse_placeholder(material)?;
        let mut key = [0; Self::LEN];
        key.copy_from_slice(material);
        Ok(Self::from_material(&key))
    }

    /// Derives a key from a master secret of at least 32 bytes with HKDF-SHA256, under a label of this
    /// crate's own: a secret the app also uses for something else (another library's HMAC, say) gives
    /// this key no relation to that use. Two apps given the same secret derive the same key, and each
    /// accepts the other's cookies: give each app a secret of its own.
    ///
    /// The bytes are used exactly as given. A secret read from a file usually ends with a newline: trim
    /// it, as [`Key::from_env`] does, or instances that read the secret in different ways derive
    /// different keys and refuse each other's cookies. A secret that repeats a pattern of up to 16 bytes (a
    /// placeholder left in a config template) fails with [`Error::Config`].
    pub fn from_master_secret(master: &[u8]) -> Result<Self, Error> {
        if master.len() < Self::MIN_MASTER_LEN {
            return Err(Error::KeyTooShort { len: master.len(), min: Self::MIN_MASTER_LEN });
        }
        refuse_placeholder(master)?;
        let mut key = [0; Self::LEN];
        Hkdf::<Sha256>::new(None, master)
            .expand(b"session-core cookie key v1", &mut key)
            .expect("64 bytes is a valid HKDF-SHA256 output length");
        Ok(Self::from_material(&key))
    }

    /// Derives the key from the master secret in the environment variable `name` (at least 32 bytes, such
    /// as the output of `openssl rand -base64 48`), as [`Key::from_master_secret`] does, without the
    /// whitespace around it (the newline a secrets file ends with, say). Fails with [`Error::Config`],
    /// naming the variable, if it is not set, not UTF-8, too short or a short pattern repeated.
    pub fn from_env(name: &str) -> Result<Self, Error> {
        let secret = std::env::var(name).map_err(|error| {
            // Not `VarError`'s own message: for a value that is not UTF-8 it quotes the value, the secret.
            let problem = match error {
                std::env::VarError::NotPresent => "is not set",
                std::env::VarError::NotUnicode(_) => "is not UTF-8 (give the secret as text, such as base64)",
            };
            Error::Config(format!("the session key variable `{name}` {problem}"))
        })?;
        // `from_master_secret`'s own checks, reworded to name the variable.
        Self::from_master_secret(secret.trim().as_bytes()).map_err(|error| match error {
            Error::KeyTooShort { len, min } => Error::Config(format!(
                "the session key variable `{name}` holds {len} bytes, without the whitespace around them; at least \
                 {min} are needed: fill it with `openssl rand -base64 48`"
            )),
            Error::Config(problem) => Error::Config(format!("the session key variable `{name}`: {problem}")),
            other => other,
        })
    }

    /// A fresh HMAC-SHA256 computation under this key, for cookie fields.
    pub(crate) fn signer(&self) -> Hmac<Sha256> {
        self.signer.clone()
    }

    /// A fresh HMAC-SHA256 computation under the id cookie's key.
    pub(crate) fn id_signer(&self) -> Hmac<Sha256> {
        self.id_signer.clone()
    }

    pub(crate) fn cipher(&self) -> &Aes256Gcm {
        &self.cipher
    }
}

/// The longest pattern whose repetition is refused as a placeholder. Random material of 32 bytes or more
/// repeats one this short with a chance below 2^-120; what a person types into a template does often.
const PLACEHOLDER_PATTERN_MAX: usize = 16;

/// Refuses key material that is a short pattern repeated: a placeholder, not a secret. The error does not
/// quote the pattern, which may be a real password pasted where a key belongs.
fn refuse_placeholder(material: &[u8]) -> Result<(), Error> {
    let repeats_every =
        |period: usize| material.iter().zip(material.get(period..).unwrap_or_default()).all(|(a, b)| a == b);
    let Some(period) = (1..=PLACEHOLDER_PATTERN_MAX).find(|&period| repeats_every(period)) else { return Ok(()) };
    let pattern = if period == 1 { "one byte".to_owned() } else { format!("a pattern of {period} bytes") };
    Err(Error::Config(format!(
        "the key material is {pattern} repeated, a placeholder anyone could forge cookies under: give random bytes, \
         such as `openssl rand -base64 48` prints"
    )))
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}
