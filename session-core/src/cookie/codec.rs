//! Protection of cookie values: plain, signed (HMAC-SHA256) and private (AES-256-GCM).
//!
//! The cookie name is bound into the MAC (and is the AEAD's associated data), so a valid value copied
//! under another cookie's name does not verify. The session id cookie is signed under a key of its own
//! ([`Purpose::Id`]), so a cookie field, whatever its name, can neither read nor mint a session id.

use aes_gcm::{
    aead::{Aead, Payload},
    Nonce,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::borrow::Cow;

use super::spec::{Protection, SIGNATURE_LEN};
use crate::{base64url, Key};

type HmacSha256 = Hmac<Sha256>;

const NONCE_LEN: usize = 12;

/// Protects `value` (already cookie-octets, as [`CookieValue::encode`](crate::CookieValue::encode) writes
/// them) for the cookie `name` under `key`. The result is at most
/// [`Protection::protected_len`]`(value.len())` bytes of cookie-octets.
///
/// ```
/// use session_core::{cookie::{protect, unprotect, Protection}, Key};
///
/// let key = Key::generate();
/// let sealed = protect(Protection::Private, "cart", "3:apples", &key);
/// let (plain, key_index) = unprotect(Protection::Private, "cart", &sealed, &[key]).unwrap();
/// assert_eq!((plain.as_ref(), key_index), ("3:apples", 0));
/// ```
///
/// # Panics
///
/// If `name` holds `=`, which no cookie name may: a signature covers `name=value`, so such a name could
/// hand part of itself to the value, and [`unprotect`] reads nothing under such a name, whatever the
/// protection. For [`Protection::Private`], also if the operating system refuses randomness for the nonce.
pub fn protect(protection: Protection, name: &str, value: &str, key: &Key) -> String {
    assert!(is_unambiguous(name), "the cookie name `{}` holds `=`, which no cookie name may", name.escape_debug());
    match protection {
        Protection::Plain => value.to_owned(),
        Protection::Signed => {
            let mut out = String::with_capacity(SIGNATURE_LEN + value.len());
            base64url::encode_append(&signature(Purpose::Field, name, value.as_bytes(), key), &mut out);
            out.push_str(value);
            out
        }
        Protection::Private => {
            let mut nonce = [0u8; NONCE_LEN];
            crate::entropy::from_os(&mut nonce);
            let sealed = key
                .cipher()
                .encrypt(Nonce::from_slice(&nonce), Payload { msg: value.as_bytes(), aad: name.as_bytes() })
                .expect("AES-GCM encrypts any cookie-sized message");
            let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
            bytes.extend_from_slice(&nonce);
            bytes.extend_from_slice(&sealed);
            let mut text = String::new();
            base64url::encode_append(&bytes, &mut text);
            text
        }
    }
}

/// Which of a [`Key`]'s MAC keys signs a value.
#[derive(Clone, Copy, Debug)]
enum Purpose {
    /// A signed cookie field.
    Field,
    /// The session id cookie: a key of its own, so that no field's value verifies as an id or the other way
    /// round, even when a field and the id cookie share a name.
    Id,
}

/// Signs `value` for the cookie field `name` into `out`, which must be exactly
/// [`Protection::Signed`]`.protected_len(value.len())` bytes: the same text as [`protect`] returns, without
/// allocating. `None` if `out` has another length.
fn sign_into<'b>(name: &str, value: &str, key: &Key, out: &'b mut [u8]) -> Option<&'b str> {
    sign(Purpose::Field, name, value, key, out)
}

/// Signs a session id's text for the id cookie `name` into `out`, as [`sign_into`] does for a field but
/// under the id cookie's own key.
pub(crate) fn sign_id<'b>(name: &str, id_text: &str, key: &Key, out: &'b mut [u8]) -> Option<&'b str> {
    sign(Purpose::Id, name, id_text, key, out)
}

fn sign<'b>(purpose: Purpose, name: &str, value: &str, key: &Key, out: &'b mut [u8]) -> Option<&'b str> {
    if out.len() != Protection::Signed.protected_len(value.len()) {
        return None;
    }
    let (tag, rest) = out.split_at_mut(SIGNATURE_LEN);
    base64url::encode_into(&signature(purpose, name, value.as_bytes(), key), tag)?;
    rest.copy_from_slice(value.as_bytes());
    std::str::from_utf8(out).ok()
}

/// [`protect`] without a buffer of its own where none is needed: a plain value is returned as it is, and a
/// signed one whose protected form fits in `scratch` is signed into it. Private values, and signed ones too
/// long for `scratch`, are protected into a new `String`.
pub(crate) fn protect_in<'a>(
    protection: Protection,
    name: &str,
    value: &'a str,
    key: &Key,
    scratch: &'a mut [u8],
) -> Cow<'a, str> {
    let in_scratch = match protection {
        Protection::Plain => return Cow::Borrowed(value),
        Protection::Signed => {
            let signed_len = Protection::Signed.protected_len(value.len());
            scratch.get_mut(..signed_len).and_then(|out| sign_into(name, value, key, out))
        }
        Protection::Private => None,
    };
    in_scratch.map_or_else(|| Cow::Owned(protect(protection, name, value, key)), Cow::Borrowed)
}

/// Verifies (and decrypts) `protected` with each key in turn. Returns the plain value and the index of
/// the key that verified it (0 is the current key), or `None` if no key does, or if `name` holds `=`,
/// which no cookie name may.
pub fn unprotect<'v>(
    protection: Protection,
    name: &str,
    protected: &'v str,
    keys: &[Key],
) -> Option<(Cow<'v, str>, usize)> {
    if !is_unambiguous(name) {
        return None;
    }
    unprotect_bytes(protection, name, protected.as_bytes(), keys)
}

/// True if `name` holds no `=`, as no cookie name does. A signature covers `name=value`, so a name holding
/// `=` could hand part of itself to the value: `a=b` signing `c` would verify as `a` signing `b=c`. The
/// derive and the layer only ever use cookie names; these public functions check for themselves.
fn is_unambiguous(name: &str) -> bool {
    !name.contains('=')
}

/// [`unprotect`] for a value straight from the request, which may not be text: only what is returned
/// has to be, so a signed value's tag is never checked for UTF-8 on its own.
pub(crate) fn unprotect_bytes<'v>(
    protection: Protection,
    name: &str,
    protected: &'v [u8],
    keys: &[Key],
) -> Option<(Cow<'v, str>, usize)> {
    match protection {
        Protection::Plain => Some((Cow::Borrowed(std::str::from_utf8(protected).ok()?), 0)),
        Protection::Signed => {
            let (value, index) = verify(Purpose::Field, name, protected, keys)?;
            Some((Cow::Borrowed(std::str::from_utf8(value).ok()?), index))
        }
        Protection::Private => {
            let bytes = base64url::decode_to_vec(protected)?;
            if bytes.len() < NONCE_LEN + 16 {
                return None;
            }
            let (nonce, sealed) = bytes.split_at(NONCE_LEN);
            keys.iter().enumerate().find_map(|(index, key)| {
                let plain = key
                    .cipher()
                    .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: name.as_bytes() })
                    .ok()?;
                String::from_utf8(plain).ok().map(|text| (Cow::Owned(text), index))
            })
        }
    }
}

/// Verifies the id cookie `name`'s value with each key in turn: the id's text, as bytes (its form is checked
/// where it is parsed, so it is never checked for UTF-8 on its own), and the index of the key that signed it.
pub(crate) fn verify_id<'v>(name: &str, protected: &'v [u8], keys: &[Key]) -> Option<(&'v [u8], usize)> {
    verify(Purpose::Id, name, protected, keys)
}

/// Verifies a signed value with each key in turn: its value part, as bytes, and the index of the key that
/// signed it.
fn verify<'v>(purpose: Purpose, name: &str, protected: &'v [u8], keys: &[Key]) -> Option<(&'v [u8], usize)> {
    let (tag, value) = (protected.get(..SIGNATURE_LEN)?, protected.get(SIGNATURE_LEN..)?);
    // A tag that is not exactly 32 bytes of canonical base64url is a forgery, not a near miss.
    // (Decoding theirs measured faster than encoding ours and comparing the texts.)
    let tag_bytes = base64url::decode_exact::<32>(tag)?;
    // The MAC crate's own check, which compares in constant time.
    let verifies = |key: &Key| mac(purpose, key, name, value).verify_slice(&tag_bytes).is_ok();
    keys.iter().position(verifies).map(|index| (value, index))
}

fn mac(purpose: Purpose, key: &Key, name: &str, value: &[u8]) -> HmacSha256 {
    let mut mac = match purpose {
        Purpose::Field => key.signer(),
        Purpose::Id => key.id_signer(),
    };
    // A cookie name is an RFC 6265 token, which never contains `=`: `name=value` is unambiguous.
    mac.update(name.as_bytes());
    mac.update(b"=");
    mac.update(value);
    mac
}

fn signature(purpose: Purpose, name: &str, value: &[u8], key: &Key) -> [u8; 32] {
    mac(purpose, key, name, value).finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protecting_in_scratch_writes_what_protect_writes_and_allocates_only_when_it_must() {
        let key = Key::generate();
        let mut scratch = [0; 64];
        for value in ["", "en-GB", &"n".repeat(21), &"n".repeat(22)] {
            // A signed value fits in 64 bytes up to 21 bytes long (43 of them are the tag).
            let fits = value.len() <= 21;
            for protection in [Protection::Plain, Protection::Signed, Protection::Private] {
                let written = protect_in(protection, "note", value, &key, &mut scratch);
                let borrowed = matches!(written, Cow::Borrowed(_));
                match protection {
                    Protection::Plain => assert_eq!(written, value),
                    Protection::Signed => assert_eq!(written, protect(protection, "note", value, &key)),
                    Protection::Private => {
                        let (plain, _) = unprotect(protection, "note", &written, std::slice::from_ref(&key)).unwrap();
                        assert_eq!(plain, value);
                    }
                }
                let expected = match protection {
                    Protection::Plain => true,
                    Protection::Signed => fits,
                    Protection::Private => false,
                };
                assert_eq!(borrowed, expected, "{protection:?}, {} bytes", value.len());
            }
        }
    }

    #[test]
    fn every_mode_round_trips() {
        let key = Key::generate();
        for protection in [Protection::Plain, Protection::Signed, Protection::Private] {
            let sealed = protect(protection, "locale", "en-GB", &key);
            assert_eq!(sealed.len(), protection.protected_len(5), "{protection:?}");
            let (plain, index) = unprotect(protection, "locale", &sealed, std::slice::from_ref(&key)).unwrap();
            assert_eq!((plain.as_ref(), index), ("en-GB", 0));
        }
    }

    #[test]
    fn signing_in_place_writes_what_protect_returns() {
        let key = Key::generate();
        let mut out = [0; SIGNATURE_LEN + 5];
        assert_eq!(
            sign_into("locale", "en-GB", &key, &mut out),
            Some(&*protect(Protection::Signed, "locale", "en-GB", &key))
        );
        assert_eq!(sign_into("locale", "en-GB!", &key, &mut out), None, "a buffer of the wrong length");
    }

    #[test]
    fn a_value_moved_to_another_name_does_not_verify() {
        let key = Key::generate();
        for protection in [Protection::Signed, Protection::Private] {
            let sealed = protect(protection, "locale", "en", &key);
            assert!(unprotect(protection, "theme", &sealed, std::slice::from_ref(&key)).is_none());
        }
    }

    #[test]
    fn a_name_holding_an_equals_sign_is_refused_so_no_name_hands_part_of_itself_to_the_value() {
        let key = Key::generate();
        // Were `a=b` signable, its tag over `a=b=c` would verify as the cookie `a` holding `b=c`.
        assert!(std::panic::catch_unwind(|| protect(Protection::Signed, "a=b", "c", &key)).is_err());
        let tag = &protect(Protection::Signed, "a", "b=c", &key)[..SIGNATURE_LEN];
        assert_eq!(unprotect(Protection::Signed, "a=b", &format!("{tag}c"), std::slice::from_ref(&key)), None);
        assert!(unprotect(Protection::Signed, "a", &format!("{tag}b=c"), std::slice::from_ref(&key)).is_some());
        // Nor is any such name taken to protect a value that it could never read back.
        for protection in [Protection::Private, Protection::Plain] {
            assert!(std::panic::catch_unwind(|| protect(protection, "a=b", "c", &key)).is_err(), "{protection:?}");
        }
    }

    #[test]
    fn a_tag_differing_in_any_byte_does_not_verify() {
        let key = Key::generate();
        let tag = signature(Purpose::Field, "locale", b"en", &key);
        let signed = |tag: &[u8; 32]| {
            let mut text = String::new();
            base64url::encode_append(tag, &mut text);
            text + "en"
        };
        let keys = std::slice::from_ref(&key);
        assert!(unprotect(Protection::Signed, "locale", &signed(&tag), keys).is_some());
        for i in 0..32 {
            let mut other = tag;
            other[i] ^= 1;
            assert!(unprotect(Protection::Signed, "locale", &signed(&other), keys).is_none(), "byte {i}");
        }
    }

    #[test]
    fn field_values_and_id_values_never_verify_as_each_other() {
        let key = Key::generate();
        let keys = std::slice::from_ref(&key);
        let id_text = "AAECAwQFBgcICQoLDA0ODw";
        let mut out = [0; SIGNATURE_LEN + 22];
        let as_field = sign_into("id", id_text, &key, &mut out).unwrap().to_owned();
        let as_id = sign_id("id", id_text, &key, &mut out).unwrap().to_owned();
        assert_ne!(as_field, as_id);
        assert_eq!(verify_id("id", as_id.as_bytes(), keys), Some((id_text.as_bytes(), 0)));
        assert_eq!(verify_id("id", as_field.as_bytes(), keys), None, "a field's value verified as an id");
        assert!(unprotect(Protection::Signed, "id", &as_id, keys).is_none(), "an id verified as a field's value");
        assert!(unprotect(Protection::Signed, "id", &as_field, keys).is_some());
    }

    #[test]
    fn a_tag_in_a_non_canonical_encoding_does_not_verify() {
        let key = Key::generate();
        let sealed = protect(Protection::Signed, "locale", "en", &key);
        // The last character of 32 bytes in base64 carries 2 bits of padding; setting one of them gives
        // another text that decodes leniently to the same tag.
        let last = sealed.as_bytes()[SIGNATURE_LEN - 1];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let index = alphabet.iter().position(|&c| c == last).unwrap();
        let twin = alphabet[index ^ 1] as char;
        let forged = format!("{}{twin}{}", &sealed[..SIGNATURE_LEN - 1], &sealed[SIGNATURE_LEN..]);
        assert!(unprotect(Protection::Signed, "locale", &forged, std::slice::from_ref(&key)).is_none());
    }

    #[test]
    fn previous_keys_verify_and_are_reported() {
        let (old, new) = (Key::generate(), Key::generate());
        let sealed = protect(Protection::Signed, "a", "1", &old);
        let keys = [new.clone(), old];
        assert_eq!(unprotect(Protection::Signed, "a", &sealed, &keys).unwrap().1, 1);
        assert!(unprotect(Protection::Signed, "a", &sealed, &[new]).is_none());
    }
}
