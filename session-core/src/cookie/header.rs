//! Reading cookies from the request's `Cookie` headers.
//!
//! Nothing is parsed until a handle asks for a cookie, and each lookup reads the headers afresh: they are
//! short, a request looks up a few names, and a lookup that keeps no state has none to get wrong. A pair
//! is read as the `cookie` crate's `Cookie::split_parse` reads it (the tests hold the two side by side),
//! but split here: the crate builds a whole `Cookie` for every pair it passes, which measured as a visible
//! share of the layer's time on a request that reads a few cookies. Values are taken byte for byte (no
//! percent-decoding, no quotes removed), so what we wrote is exactly what we read.

use http::{header::COOKIE, HeaderMap, HeaderValue};
use smallvec::SmallVec;

/// The request's `Cookie` header values, kept so the request's handles can read them later.
///
/// HTTP/1.1 clients send one header; HTTP/2 clients may send one per cookie. The first is kept inline,
/// so the usual request costs no allocation here.
#[derive(Debug, Default)]
pub(crate) struct CookieHeader {
    headers: SmallVec<[HeaderValue; 1]>,
}

impl CookieHeader {
    /// Takes (a cheap reference-counted copy of) every `Cookie` header of `headers`.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        CookieHeader { headers: headers.get_all(COOKIE).iter().cloned().collect() }
    }

    /// Every value sent under `name`, in the order of the headers and of the pairs within each, as bytes:
    /// a header may carry other sites' bytes that are not text, and a value that must be text is checked
    /// where it is decoded. A segment without `=` is no pair, and is skipped.
    pub(crate) fn values<'h>(&'h self, name: &'h str) -> impl Iterator<Item = &'h [u8]> + 'h {
        self.headers.iter().flat_map(|header| header.as_bytes().split(|&byte| byte == b';')).filter_map(move |pair| {
            let equals = pair.iter().position(|&byte| byte == b'=')?;
            (pair[..equals].trim_ascii() == name.as_bytes()).then(|| pair[equals + 1..].trim_ascii())
        })
    }

    /// True if the request carries a cookie called `name`.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.values(name).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(values: &[&[u8]]) -> CookieHeader {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(COOKIE, HeaderValue::from_bytes(value).unwrap());
        }
        CookieHeader::from_headers(&headers)
    }

    fn values<'h>(header: &'h CookieHeader, name: &'h str) -> Vec<&'h [u8]> {
        header.values(name).collect()
    }

    #[test]
    fn finds_every_value_of_a_name_across_headers_in_order() {
        let h = header(&[b"a=1; theme=dark;b", b"theme = light ; x=%41", b"themes=no; theme="]);
        assert_eq!(values(&h, "theme"), [&b"dark"[..], b"light", b""]);
        assert_eq!(values(&h, "x"), [b"%41"], "no percent-decoding");
        assert!(!h.contains("b"), "a segment without `=` is no cookie");
        assert!(!h.contains("them"));
        assert!(!header(&[]).contains("theme"));
    }

    #[test]
    fn values_are_read_as_written() {
        let h = header(&[b"a=\"quoted\"; b=\"; c=x=y; d=caf\xc3\xa9"]);
        assert_eq!(values(&h, "a"), [b"\"quoted\""]);
        assert_eq!(values(&h, "b"), [b"\""]);
        assert_eq!(values(&h, "c"), [b"x=y"]);
        assert_eq!(values(&h, "d"), ["café".as_bytes()]);
    }

    #[test]
    fn bytes_that_are_not_text_hide_nothing_around_them() {
        let h = header(&[b"a=1", b"x=\xff\xfe; a=2", b"a=\xc3"]);
        assert_eq!(values(&h, "a"), [&b"1"[..], b"2", b"\xc3"]);
        assert_eq!(values(&h, "x"), [b"\xff\xfe"]);
    }

    /// Every value of `name` as the `cookie` crate reads the header.
    fn as_the_cookie_crate_reads(text: &str, name: &str) -> Vec<String> {
        let cookies = cookie::Cookie::split_parse(text).filter_map(Result::ok);
        cookies.filter(|cookie| cookie.name() == name).map(|cookie| cookie.value().to_owned()).collect()
    }

    fn assert_read_as_the_cookie_crate_reads(text: &str, names: &[&str]) {
        let h = header(&[text.as_bytes()]);
        for name in names {
            let ours: Vec<String> = h.values(name).map(|value| String::from_utf8(value.to_vec()).unwrap()).collect();
            assert_eq!(ours, as_the_cookie_crate_reads(text, name), "{name} in {text:?}");
        }
    }

    #[test]
    fn headers_read_as_the_cookie_crate_reads_them() {
        let many: String = (0..40).map(|i| format!("c{}={i}; ", i % 7)).collect();
        let huge = format!("a=1; x={}; b=2; a=3", "y".repeat(70_000));
        for text in ["a=1; b = 2 ;c=\"3\"; a=4", ";;  ; =x; a; =; a=; b=1=2;\ta\t=\t5\t; ;", &many, &huge, ""] {
            assert_read_as_the_cookie_crate_reads(text, &["a", "b", "c", "x", "c0", "c3", "=x"]);
        }
    }

    #[test]
    fn random_headers_read_as_the_cookie_crate_reads_them() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let len = (state % 200) as usize;
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ['a', 'b', ';', '=', ' ', '\t', '"', 'x'][(state % 8) as usize]
                })
                .collect();
            assert_read_as_the_cookie_crate_reads(&text, &["a", "b", "ab", "ba", "x"]);
        }
    }
}
