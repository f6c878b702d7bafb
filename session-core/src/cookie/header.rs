//! Reading cookies straight from the request's `Cookie` headers.
//!
//! The header is scanned on demand for the one name asked for, without building a jar or allocating,
//! and values are taken byte for byte (no percent-decoding), so what we wrote is exactly what we read.

use http::{header::COOKIE, HeaderMap, HeaderValue};

/// The request's `Cookie` header values, kept so the request's handles can read them later.
///
/// HTTP/1.1 clients send one header; HTTP/2 clients may send one per cookie. The first is kept inline,
/// so the usual request costs no allocation here.
#[derive(Clone, Debug, Default)]
pub(crate) struct CookieHeader {
    first: Option<HeaderValue>,
    rest: Vec<HeaderValue>,
}

impl CookieHeader {
    /// Takes (a cheap reference-counted copy of) every `Cookie` header of `headers`.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let mut all = headers.get_all(COOKIE).iter();
        let first = all.next().cloned();
        CookieHeader { first, rest: all.cloned().collect() }
    }

    /// Every value sent under `name`, in header order. Values that are not UTF-8 are skipped.
    pub(crate) fn values<'h>(&'h self, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
        let mut headers = self.first.iter().chain(&self.rest);
        let mut current: Option<Values<'h>> = None;
        std::iter::from_fn(move || loop {
            if let Some(value) = current.as_mut().and_then(Iterator::next) {
                match std::str::from_utf8(value) {
                    Ok(value) => return Some(value),
                    Err(_) => continue,
                }
            }
            current = Some(Values::new(headers.next()?.as_bytes(), name.as_bytes()));
        })
    }

    /// True if the request carries a cookie called `name`.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.values(name).next().is_some()
    }
}

/// The values of one cookie name in one header. One vectorised pass finds the `;` separators; only
/// pairs whose first byte matches the name are looked at closely.
struct Values<'h> {
    header: &'h [u8],
    separators: memchr::Memchr<'h>,
    /// Where the next pair starts; past the end once the last pair was looked at.
    start: usize,
    name: &'h [u8],
}

impl<'h> Values<'h> {
    fn new(header: &'h [u8], name: &'h [u8]) -> Self {
        Values { header, separators: memchr::memchr_iter(b';', header), start: 0, name }
    }
}

impl<'h> Iterator for Values<'h> {
    type Item = &'h [u8];

    fn next(&mut self) -> Option<&'h [u8]> {
        while self.start <= self.header.len() {
            let end = self.separators.next().unwrap_or(self.header.len());
            let pair = trim_start(&self.header[self.start..end]);
            self.start = end + 1;
            // Most pairs are someone else's: one byte tells.
            if pair.first() != self.name.first() {
                continue;
            }
            let Some(after_name) = pair.strip_prefix(self.name) else {
                continue;
            };
            let Some(value) = trim_start(after_name).strip_prefix(b"=") else {
                continue;
            };
            let value = trim(value);
            return Some(match value {
                [b'"', inner @ .., b'"'] => inner,
                _ => value,
            });
        }
        None
    }
}

fn is_space(byte: &u8) -> bool {
    matches!(byte, b' ' | b'\t')
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !is_space(b)).unwrap_or(bytes.len());
    &bytes[start..]
}

fn trim(bytes: &[u8]) -> &[u8] {
    let bytes = trim_start(bytes);
    let end = bytes.iter().rposition(|b| !is_space(b)).map_or(0, |i| i + 1);
    &bytes[..end]
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

    #[test]
    fn finds_every_value_of_a_name_across_headers() {
        let h = header(&[b"a=1; theme=dark;b", b"theme = \"light\" ; x=%41", b"themes=no; theme="]);
        assert_eq!(h.values("theme").collect::<Vec<_>>(), ["dark", "light", ""]);
        assert_eq!(h.values("x").collect::<Vec<_>>(), ["%41"]);
        assert!(!h.contains("b"));
        assert!(!h.contains("them"));
    }

    #[test]
    fn skips_values_that_are_not_utf8() {
        let h = header(&[b"a=\xff\xfe; a=ok"]);
        assert_eq!(h.values("a").collect::<Vec<_>>(), ["ok"]);
    }

    #[test]
    fn a_lone_quote_is_kept() {
        let h = header(&[b"a=\"; b=\"\""]);
        assert_eq!(h.values("a").collect::<Vec<_>>(), ["\""]);
        assert_eq!(h.values("b").collect::<Vec<_>>(), [""]);
    }
}
