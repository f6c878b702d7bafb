//! Unpadded base64url, the alphabet of session ids, MAC tags and private cookies.
//!
//! Tags and ids are decoded on most requests, so this uses `base64-simd` (vectorised, about three times
//! as fast as the `base64` crate on a 43-character tag here). Its `encode` and `decode` panic on an
//! output buffer that is too short; these wrappers check lengths first, so they never do.

use base64_simd::{Out, URL_SAFE_NO_PAD};

/// Decodes `text` into exactly `N` bytes. `None` if it is not the canonical unpadded base64url of `N`
/// bytes: another length, a character outside the alphabet, or set padding bits (which would give two
/// texts for one value).
pub(crate) fn decode_exact<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.len() != encoded_len(N) {
        return None;
    }
    let mut bytes = [0; N];
    let decoded = URL_SAFE_NO_PAD.decode(text, Out::from_slice(&mut bytes)).ok()?.len();
    (decoded == N).then_some(bytes)
}

/// Decodes `text` of any length. `None` if it is not canonical unpadded base64url.
pub(crate) fn decode_to_vec(text: &[u8]) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode_to_vec(text).ok()
}

/// Writes the encoding of `bytes` into `out`, which must be exactly [`encoded_len`]`(bytes.len())` long;
/// `None` (and nothing written) otherwise.
pub(crate) fn encode_into<'o>(bytes: &[u8], out: &'o mut [u8]) -> Option<&'o str> {
    if out.len() != encoded_len(bytes.len()) {
        return None;
    }
    Some(URL_SAFE_NO_PAD.encode_as_str(bytes, Out::from_slice(out)))
}

/// Appends the encoding of `bytes` to `out`.
pub(crate) fn encode_append(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_append(bytes, out);
}

/// The length of the encoding of `n` bytes.
pub(crate) const fn encoded_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length_and_agrees_with_the_base64_crate() {
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD as REFERENCE, Engine};
        for n in 0..70 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let mut text = String::new();
            encode_append(&bytes, &mut text);
            assert_eq!(text, REFERENCE.encode(&bytes), "{n} bytes");
            assert_eq!(text.len(), encoded_len(n));
            let mut out = vec![0; encoded_len(n)];
            assert_eq!(encode_into(&bytes, &mut out), Some(text.as_str()));
            assert_eq!(decode_to_vec(text.as_bytes()), Some(bytes));
        }
        assert_eq!(decode_exact::<16>(b"AAECAwQFBgcICQoLDA0ODw"), Some(std::array::from_fn(|i| i as u8)));
    }

    #[test]
    fn wrong_lengths_are_refused_without_panicking() {
        assert_eq!(encode_into(&[1, 2, 3], &mut [0; 3]), None);
        assert_eq!(encode_into(&[1, 2, 3], &mut [0; 5]), None);
        assert_eq!(decode_exact::<16>(b"AAECAwQFBgcICQoLDA0ODwA"), None, "one character too many");
        assert_eq!(decode_exact::<16>(b"AAECAwQFBgcICQoLDA0OD"), None, "one too few");
        assert_eq!(decode_exact::<32>(b"AAECAwQFBgcICQoLDA0ODw"), None);
    }

    #[test]
    fn only_the_canonical_text_decodes() {
        // 16 bytes end in one character carrying 2 data bits and 4 padding bits: `w` leaves them clear,
        // `x` sets one, a text that a lenient decoder would read as the same bytes.
        assert_eq!(decode_exact::<16>(b"AAECAwQFBgcICQoLDA0ODw"), Some(std::array::from_fn(|i| i as u8)));
        assert_eq!(decode_exact::<16>(b"AAECAwQFBgcICQoLDA0ODx"), None);
        for odd in [b'=', b'+', b'/', b' ', b'.', 0xc3] {
            let mut text = *b"AAECAwQFBgcICQoLDA0ODw";
            text[5] = odd;
            assert_eq!(decode_exact::<16>(&text), None, "{odd:#x}");
        }
        assert_eq!(decode_to_vec(b"AAE="), None, "padding");
        assert_eq!(decode_to_vec(b"A"), None, "a length no bytes encode to");
    }
}
