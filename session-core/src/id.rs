//! Session ids: random, carried signed in one cookie, and stored only as a hash.

use sha2::{Digest, Sha256};

use crate::base64url;

/// Random bytes in a session id: 128 bits from a CSPRNG.
const ID_BYTES: usize = 16;
/// Characters of an id in base64url.
pub(crate) const ID_TEXT_LEN: usize = 22;
/// Characters of the id cookie's value: the signature and the id.
/// The longest name the id cookie may have: what every schema's `cookie_budget` keeps room for.
pub(crate) const ID_COOKIE_NAME_MAX_LEN: usize = 32;
pub(crate) const ID_COOKIE_VALUE_LEN: usize = crate::cookie::Protection::Signed.protected_len(ID_TEXT_LEN);

/// True if `value` has the length and the base64url alphabet of an id cookie's value: the check that
/// needs no cryptography, made on every request that carries the cookie.
pub(crate) fn has_id_cookie_shape(value: &[u8]) -> bool {
    // Folded with `&` rather than `all`, so the check has no early exit and compiles to vector code
    // (a third of the time of checking the tag and the id as canonical base64url).
    let in_alphabet = |b: &u8| b.is_ascii_alphanumeric() | (*b == b'-') | (*b == b'_');
    value.len() == ID_COOKIE_VALUE_LEN && value.iter().fold(true, |shaped, b| shaped & in_alphabet(b))
}

/// A session id: 128 random bits, written as 22 base64url characters.
///
/// It is a credential, so its `Debug` shows only a short prefix of its hash, as do the logs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionId([u8; ID_BYTES]);

impl SessionId {
    pub(crate) fn generate() -> Self {
        // rand's thread-local CSPRNG (ChaCha12, seeded from the OS and reseeded as it goes), as the Rust
        // session libraries draw their ids: a system call per id is most of a new visitor's cost where
        // the C library has no vDSO for `getrandom` (BENCHMARKS.md). A thread that draws ids and then
        // forks gives the child its generator state, so both would draw the same ids until the next
        // reseed; tokio's worker threads are not carried into a child, so only a process that forks from
        // a thread that served requests (a current-thread runtime) is exposed.
        let mut bytes = [0; ID_BYTES];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        SessionId(bytes)
    }

    /// Parses the 22-character text form; anything else is refused.
    pub(crate) fn parse(text: &[u8]) -> Option<Self> {
        // Exactly 16 bytes, canonical encoding only: no two texts name one id.
        base64url::decode_exact(text).map(SessionId)
    }

    #[cfg(test)]
    pub(crate) fn to_text(&self) -> String {
        self.write_text(&mut [0; ID_TEXT_LEN]).to_owned()
    }

    /// The text form, written into `out` rather than a new string.
    pub(crate) fn write_text<'b>(&self, out: &'b mut [u8; ID_TEXT_LEN]) -> &'b str {
        // 16 bytes are always 22 base64url characters.
        base64url::encode_into(&self.0, out).unwrap_or_default()
    }

    /// The key the store files this session under: the SHA-256 of the id, so a dump of the store does not
    /// hand out live session ids.
    pub fn store_key(&self) -> StoreKey {
        StoreKey(Sha256::digest(self.0).into())
    }

    /// A short, non-reversible tag for logs: the first 8 hex digits of the id's hash.
    pub fn short_hash(&self) -> String {
        self.store_key().to_hex()[..8].to_owned()
    }
}

impl std::fmt::Debug for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SessionId({}..)", self.short_hash())
    }
}

/// The SHA-256 of a session id: what stores key records by.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreKey([u8; 32]);

impl StoreKey {
    /// The 32 bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A key from its 32 bytes, as a store that keeps keys in binary reads them back.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        StoreKey(bytes)
    }

    /// A key from the 64 lowercase hex digits of [`StoreKey::to_hex`]; `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 {
            return None;
        }
        // Lowercase digits only, as `to_hex` writes them: `from_str_radix` alone would also take a `+`.
        let digit = |byte: u8| match byte {
            b'0'..=b'9' => Some(byte - b'0'),
            b'a'..=b'f' => Some(byte - b'a' + 10),
            _ => None,
        };
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            *byte = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Some(StoreKey(bytes))
    }

    /// The hash as 64 lowercase hex digits, for stores that key by text.
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for byte in self.0 {
            out.push(char::from(DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
        }
        out
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreKey({}..)", &self.to_hex()[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = SessionId::generate();
        assert_eq!(id.to_text().len(), ID_TEXT_LEN);
        assert_eq!(SessionId::parse(id.to_text().as_bytes()), Some(id));
    }

    #[test]
    fn id_cookie_shape_is_the_length_and_alphabet_of_what_we_issue() {
        let key = crate::Key::generate();
        let issued =
            crate::cookie::protect(crate::cookie::Protection::Signed, "id", &SessionId::generate().to_text(), &key);
        assert!(has_id_cookie_shape(issued.as_bytes()));
        assert!(!has_id_cookie_shape(&issued.as_bytes()[1..]));
        assert!(!has_id_cookie_shape(format!("{issued}A").as_bytes()));
        for odd in ["=", "+", "/", ".", " ", "é"] {
            // In the tag, where the id starts, at the end.
            let id_starts = crate::cookie::Protection::Signed.protected_len(0);
            for at in [0, id_starts, issued.len() - odd.len()] {
                let forged = format!("{}{odd}{}", &issued[..at], &issued[at + odd.len()..]);
                assert!(!has_id_cookie_shape(forged.as_bytes()), "{odd:?} at {at}");
            }
        }
    }

    #[test]
    fn malformed_ids_are_refused() {
        let good = SessionId::generate().to_text();
        for bad in ["", "short", &good[..21], &format!("{good}A"), "!!!!!!!!!!!!!!!!!!!!!!", "AAAAAAAAAAAAAAAAAAAAAB"] {
            assert_eq!(SessionId::parse(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn store_keys_round_trip_through_hex() {
        let key = SessionId::generate().store_key();
        assert_eq!(StoreKey::from_hex(&key.to_hex()), Some(key));
        assert_eq!(StoreKey::from_bytes(*key.as_bytes()), key);
        assert_eq!(StoreKey::from_hex("zz"), None);
        assert_eq!(StoreKey::from_hex(&"g".repeat(64)), None);
        // One text per key: no sign, no uppercase.
        assert_eq!(StoreKey::from_hex(&"+a".repeat(32)), None);
        assert_eq!(StoreKey::from_hex(&key.to_hex().to_uppercase()), None);
    }

    #[test]
    fn the_store_key_is_not_the_id() {
        let id = SessionId::generate();
        assert_ne!(&id.store_key().as_bytes()[..16], &id.0[..]);
        assert!(!format!("{id:?}").contains(&id.to_text()));
    }
}
