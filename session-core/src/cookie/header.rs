//! Reading cookies straight from the request's `Cookie` headers.
//!
//! Nothing is parsed until a handle asks for a cookie; the first lookup then notes where each pair of the
//! header lies, in one pass and without allocating, and every lookup compares names against that index.
//! Values are taken byte for byte (no percent-decoding), so what we wrote is exactly what we read.

use std::{ops::Range, sync::OnceLock};

use http::{header::COOKIE, HeaderMap, HeaderValue};

/// The request's `Cookie` header values, kept so the request's handles can read them later.
///
/// HTTP/1.1 clients send one header; HTTP/2 clients may send one per cookie. The first is kept inline,
/// so the usual request costs no allocation here, and the first lookup indexes its pairs in one pass,
/// so a request that reads several cookies scans it once.
#[derive(Debug, Default)]
pub(crate) struct CookieHeader {
    first: Option<HeaderValue>,
    rest: Vec<HeaderValue>,
    pairs: OnceLock<Pairs>,
}

impl CookieHeader {
    /// Takes (a cheap reference-counted copy of) every `Cookie` header of `headers`.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let mut all = headers.get_all(COOKIE).iter();
        let first = all.next().cloned();
        CookieHeader { first, rest: all.cloned().collect(), pairs: OnceLock::new() }
    }

    /// Every value sent under `name`, in header order. Values that are not UTF-8 are skipped.
    pub(crate) fn values<'h>(&'h self, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
        let first = self.first.as_ref().map_or(&b""[..], HeaderValue::as_bytes);
        let pairs = self.pairs.get_or_init(|| Pairs::index(first));
        let indexed = pairs.spans[..pairs.len]
            .iter()
            .filter(move |span| &first[span.name()] == name.as_bytes())
            .map(move |span| unquote(&first[span.value()]));
        // Pairs past the index's capacity, then any further headers, are scanned.
        let scanned = std::iter::once(&first[pairs.end..])
            .chain(self.rest.iter().map(HeaderValue::as_bytes))
            .flat_map(move |header| Values::new(header, name.as_bytes()));
        indexed.chain(scanned).filter_map(|value| std::str::from_utf8(value).ok())
    }

    /// True if the request carries a cookie called `name`.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.values(name).next().is_some()
    }
}

/// Where the pairs of one header lie: the name (before the first `=`, spaces trimmed) and the value
/// (after it, spaces trimmed) of up to [`INDEXED_PAIRS`] of them, and where indexing stopped.
#[derive(Debug)]
struct Pairs {
    spans: [Span; INDEXED_PAIRS],
    len: usize,
    /// The header's length if every pair is indexed, else where the first unindexed pair starts.
    end: usize,
}

/// More pairs than browsers usually send to one site; the rest of a longer header is scanned per lookup.
const INDEXED_PAIRS: usize = 16;

/// A pair's name and value as offsets into the header (`u16`, to keep the index small: it is part of
/// every request's state).
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    name: (u16, u16),
    value: (u16, u16),
}

impl Span {
    fn name(&self) -> Range<usize> {
        self.name.0 as usize..self.name.1 as usize
    }

    fn value(&self) -> Range<usize> {
        self.value.0 as usize..self.value.1 as usize
    }
}

impl Pairs {
    fn index(header: &[u8]) -> Pairs {
        let mut pairs = Pairs { spans: [Span::default(); INDEXED_PAIRS], len: 0, end: header.len() };
        // Offsets must fit a `u16`; a header over 64 KiB (more than servers accept by default) is left to
        // the scan.
        if u16::try_from(header.len()).is_err() {
            pairs.end = 0;
            return pairs;
        }
        let mut start = 0;
        while start <= header.len() {
            let end = memchr::memchr(b';', &header[start..]).map_or(header.len(), |at| start + at);
            if let Some(equals) = memchr::memchr(b'=', &header[start..end]).map(|at| start + at) {
                if pairs.len == INDEXED_PAIRS {
                    pairs.end = start;
                    break;
                }
                let name = trimmed(header, start, equals);
                let value = trimmed(header, equals + 1, end);
                // Both ends lie within a header shorter than 64 KiB, so they fit.
                let offsets = |range: Range<usize>| (range.start as u16, range.end as u16);
                pairs.spans[pairs.len] = Span { name: offsets(name), value: offsets(value) };
                pairs.len += 1;
            }
            start = end + 1;
        }
        pairs
    }
}

/// `start..end` of `header` without the spaces and tabs at either end.
fn trimmed(header: &[u8], mut start: usize, mut end: usize) -> Range<usize> {
    while start < end && is_space(&header[start]) {
        start += 1;
    }
    while end > start && is_space(&header[end - 1]) {
        end -= 1;
    }
    start..end
}

/// A value without the double quotes RFC 6265 allows around it.
fn unquote(value: &[u8]) -> &[u8] {
    match value {
        [b'"', inner @ .., b'"'] => inner,
        _ => value,
    }
}

/// The values of one cookie name in one header, for the pairs the index does not hold. One vectorised
/// pass finds the `;` separators; only pairs whose first byte matches the name are looked at closely.
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
            return Some(unquote(trim(value)));
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

    /// Every value of `name` by scanning alone, the reference the index must agree with.
    fn scanned<'h>(headers: &'h [&'h [u8]], name: &'h str) -> Vec<&'h [u8]> {
        headers.iter().flat_map(|header| Values::new(header, name.as_bytes())).collect()
    }

    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let many: String = (0..40).map(|i| format!("c{}={i}; ", i % 7)).collect();
        let huge = format!("a=1; x={}; b=2; a=3", "y".repeat(70_000)); // past what the index can address
        let cases: [&[&[u8]]; 7] = [
            &[huge.as_bytes()],
            &[b"a=1; b = 2 ;c=\"3\"; a=4"],
            &[b";;  ; =x; a; a=; b=1=2;\ta\t=\t5\t"],
            &[many.as_bytes()],
            &[many.as_bytes(), b"c3=late; x=1"],
            &[b""],
            &[b"b=1", b"a=2; a=3"],
        ];
        for headers in cases {
            let header = header(headers);
            for name in ["a", "b", "c", "x", "c0", "c3", "c6", "=x"] {
                let indexed: Vec<&[u8]> = header.values(name).map(str::as_bytes).collect();
                assert_eq!(indexed, scanned(headers, name), "{name} in {headers:?}");
            }
        }
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
