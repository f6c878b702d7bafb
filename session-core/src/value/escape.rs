//! Percent-escaping into RFC 6265 cookie-octets.
//!
//! Bytes outside the safe set become `%XX`. The safe set is every `cookie-octet` except `%` (the escape
//! itself) and `:` (the separator of composite values), so an escaped string never contains either.

/// The most bytes one input byte can become (`%XX`).
pub const ESCAPE_GROWTH: usize = 3;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// True for the bytes that are written as they are.
const fn is_safe(byte: u8) -> bool {
    // cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E, minus `%` and `:`.
    matches!(byte, 0x21 | 0x23..=0x24 | 0x26..=0x2B | 0x2D..=0x39 | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// Appends `input` to `out`, escaping every byte that is not a safe cookie-octet.
pub fn escape_into(input: &str, out: &mut String) {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !is_safe(byte) {
            // Every byte of a multi-byte character is unsafe, so a run of safe bytes starts and ends on
            // character boundaries.
            if start < i {
                out.push_str(&input[start..i]);
            }
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0x0F)] as char);
            start = i + 1;
        }
    }
    out.push_str(&input[start..]);
}

/// Reverses [`escape_into`]. Returns `None` for a malformed escape, a byte that [`escape_into`] would
/// have escaped, or a result that is not UTF-8. Escapes it would not have written (of a safe byte, or in
/// lowercase hex) read as the byte they escape: a `plain` cookie the page's JavaScript wrote with
/// `encodeURIComponent`, which escapes `/`, `?`, `=` and more, reads as the text it escaped.
pub fn unescape(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    // Most values escaped nothing: then they are the string itself, already checked UTF-8.
    if bytes.iter().all(|&byte| is_safe(byte)) {
        return Some(input.to_owned());
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%' {
            let high = hex_digit(*bytes.get(i + 1)?)?;
            let low = hex_digit(*bytes.get(i + 2)?)?;
            out.push(high << 4 | low);
            i += 3;
        } else if is_safe(byte) {
            out.push(byte);
            i += 1;
        } else {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

/// A hexadecimal digit, in either case.
fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).and_then(|digit| u8::try_from(digit).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_text_is_unchanged() {
        let mut out = String::new();
        escape_into("en-GB", &mut out);
        assert_eq!(out, "en-GB");
    }

    #[test]
    fn separators_and_unicode_are_escaped() {
        let mut out = String::new();
        escape_into("a:b%c; d\"é", &mut out);
        assert_eq!(out, "a%3Ab%25c%3B%20d%22%C3%A9");
        assert_eq!(unescape(&out).as_deref(), Some("a:b%c; d\"é"));
    }

    #[test]
    fn malformed_escapes_are_refused() {
        for bad in ["%", "%4", "%zz", "%+1", "a b", "%FF", "a:b"] {
            assert_eq!(unescape(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn what_javascripts_encode_uri_component_writes_reads_as_the_text_it_escaped() {
        // encodeURIComponent("/shop/cart?x=1&y=2"), ("a:é"), ("100%").
        assert_eq!(unescape("%2Fshop%2Fcart%3Fx%3D1%26y%3D2").as_deref(), Some("/shop/cart?x=1&y=2"));
        assert_eq!(unescape("a%3A%C3%A9").as_deref(), Some("a:é"));
        assert_eq!(unescape("100%25").as_deref(), Some("100%"));
        // Lowercase hex and escapes of safe bytes, which `escape_into` never writes, read the same.
        assert_eq!(unescape("%3a%41%c3%a9").as_deref(), Some(":Aé"));
    }
}
