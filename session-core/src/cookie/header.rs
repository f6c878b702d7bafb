//! Reading cookies straight from the request's `Cookie` headers.
//!
//! Nothing is parsed until a handle asks for a cookie; the first lookup of a cookie field then notes where
//! each pair of the header lies, in one pass and without allocating, and every later lookup compares names
//! against that index. The id cookie, which most requests look up alone, is searched for by name instead
//! while no index exists. Values are taken byte for byte (no percent-decoding), so what we wrote is exactly
//! what we read.

use std::{ops::Range, sync::OnceLock};

use http::{header::COOKIE, HeaderMap, HeaderValue};
use memchr::memmem::Finder;

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

    /// Every value sent under `name`, in header order, as bytes: most lookups only compare or verify
    /// them, and a value that must be text is checked where it is decoded.
    pub(crate) fn values<'h>(&'h self, name: &'h str) -> Values<'h> {
        self.indexed_values(name.as_bytes())
    }

    /// Every value sent under the name `search` looks for, like [`values`](Self::values), but found with
    /// one vectorised search per value rather than by splitting every pair: for the id cookie, which most
    /// requests look up alone. An index that a cookie field's lookup already built is used instead.
    pub(crate) fn values_searched<'h>(&'h self, search: &'h Finder<'h>) -> Values<'h> {
        let name = search.needle();
        if self.pairs.get().is_some() {
            return self.indexed_values(name);
        }
        let (first, rest) = self.headers();
        Values { first, rest, name, indexed: [].iter(), scan: (0, 0), search: Some(search) }
    }

    fn indexed_values<'h>(&'h self, name: &'h [u8]) -> Values<'h> {
        let (first, rest) = self.headers();
        let pairs = self.pairs.get_or_init(|| Pairs::index(first));
        let indexed = pairs.spans[..pairs.len].iter();
        Values { first, rest, name, indexed, scan: (0, pairs.end), search: None }
    }

    fn headers(&self) -> (&[u8], &[HeaderValue]) {
        (self.first.as_ref().map_or(&b""[..], HeaderValue::as_bytes), &self.rest)
    }

    /// True if the request carries a cookie called `name`.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.values(name).next().is_some()
    }
}

/// The values of one name, from [`CookieHeader::values`]: first the indexed pairs of the first header,
/// then a scan of the pairs past the index and of any further headers; or, from
/// [`CookieHeader::values_searched`], a search of every header.
pub(crate) struct Values<'h> {
    first: &'h [u8],
    rest: &'h [HeaderValue],
    name: &'h [u8],
    indexed: std::slice::Iter<'h, Span>,
    /// Where the scan goes on: which header (0 is the first, then `rest` in order) and from which byte.
    scan: (usize, usize),
    /// Set when the scan searches for the name rather than splitting pair after pair.
    search: Option<&'h Finder<'h>>,
}

impl<'h> Iterator for Values<'h> {
    type Item = &'h [u8];

    fn next(&mut self) -> Option<&'h [u8]> {
        let first = self.first;
        if let Some(span) = self.indexed.find(|span| &first[span.name()] == self.name) {
            return Some(unquote(&first[span.value()]));
        }
        loop {
            let (index, from) = self.scan;
            let header = match index {
                0 => first,
                _ => self.rest.get(index - 1)?.as_bytes(),
            };
            let found = match self.search {
                Some(search) => searched_pair(header, from, search),
                None => named_pair(header, from, self.name),
            };
            match found {
                Some(pair) => {
                    self.scan.1 = pair.next;
                    return Some(unquote(&header[pair.value]));
                }
                None => self.scan = (index + 1, 0),
            }
        }
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
        let mut from = 0;
        while let Some(pair) = next_pair(header, from) {
            if pairs.len == INDEXED_PAIRS {
                pairs.end = pair.start;
                break;
            }
            from = pair.next;
            // Both ends lie within a header shorter than 64 KiB, so they fit.
            let offsets = |range: Range<usize>| (range.start as u16, range.end as u16);
            pairs.spans[pairs.len] = Span { name: offsets(pair.name), value: offsets(pair.value) };
            pairs.len += 1;
        }
        pairs
    }
}

/// One `name=value` pair of a header, as offsets into it.
struct Pair {
    /// Where its segment starts.
    start: usize,
    /// Before the first `=`, spaces and tabs trimmed.
    name: Range<usize>,
    /// After it, trimmed too.
    value: Range<usize>,
    /// Where the next segment starts.
    next: usize,
}

/// The first pair of `header` from byte `from` on, which starts a segment: the one place that says how a
/// `Cookie` header splits. Segments without `=` are not pairs.
fn next_pair(header: &[u8], from: usize) -> Option<Pair> {
    let mut start = from;
    while start <= header.len() {
        let segment = start;
        let end = memchr::memchr(b';', &header[segment..]).map_or(header.len(), |at| segment + at);
        start = end + 1;
        if let Some(equals) = memchr::memchr(b'=', &header[segment..end]).map(|at| segment + at) {
            let (name, value) = (trimmed(header, segment, equals), trimmed(header, equals + 1, end));
            return Some(Pair { start: segment, name, value, next: start });
        }
    }
    None
}

/// The first pair called `name` of `header` from byte `from` on, pair after pair.
fn named_pair(header: &[u8], mut from: usize, name: &[u8]) -> Option<Pair> {
    while let Some(pair) = next_pair(header, from) {
        if header[pair.name.clone()] == *name {
            return Some(pair);
        }
        from = pair.next;
    }
    None
}

/// The first pair of `header` from byte `from` on whose name `search` finds: where the name occurs, it
/// names a pair if only spaces or tabs lie between it and the segment's start and between it and an `=`.
/// Agrees with [`next_pair`]'s reading, since a cookie name cannot contain `;` or `=`.
fn searched_pair(header: &[u8], mut from: usize, search: &Finder<'_>) -> Option<Pair> {
    while let Some(at) = search.find(header.get(from..)?).map(|at| from + at) {
        from = at + 1;
        let before = header[..at].iter().rposition(|byte| !is_space(byte));
        let after = at + search.needle().len();
        let equals = after + header[after..].iter().position(|byte| !is_space(byte))?;
        if before.is_none_or(|before| header[before] == b';') && header[equals] == b'=' {
            let end = memchr::memchr(b';', &header[equals + 1..]).map_or(header.len(), |at| equals + 1 + at);
            let start = before.map_or(0, |before| before + 1);
            return Some(Pair { start, name: at..after, value: trimmed(header, equals + 1, end), next: end + 1 });
        }
    }
    None
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

fn is_space(byte: &u8) -> bool {
    matches!(byte, b' ' | b'\t')
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
        assert_eq!(h.values("theme").collect::<Vec<_>>(), [&b"dark"[..], b"light", b""]);
        assert_eq!(h.values("x").collect::<Vec<_>>(), [b"%41"]);
        assert!(!h.contains("b"));
        assert!(!h.contains("them"));
    }

    /// Every value of `name`, read the plain way (split on `;`, then on the first `=`, trim), the
    /// reference the index and the scan past it must agree with.
    fn plainly(headers: &[&[u8]], name: &str) -> Vec<Vec<u8>> {
        let trim = |bytes: &[u8]| bytes.trim_ascii_start().trim_ascii_end().to_vec();
        let pairs = headers.iter().flat_map(|header| header.split(|&b| b == b';'));
        let values = pairs.filter_map(|pair| {
            let equals = pair.iter().position(|&b| b == b'=')?;
            (trim(&pair[..equals]) == name.as_bytes()).then(|| trim(&pair[equals + 1..]))
        });
        let unquoted = |value: Vec<u8>| match value.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")) {
            Some(inner) => inner.to_vec(),
            None => value,
        };
        values.map(unquoted).collect()
    }

    /// The values of `name` searched for (before anything indexed the header), then through the index.
    fn both_readings(headers: &[&[u8]], name: &str) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let (header, search) = (header(headers), Finder::new(name));
        let searched = header.values_searched(&search).map(<[u8]>::to_vec).collect();
        let indexed = header.values(name).map(<[u8]>::to_vec).collect();
        (searched, indexed)
    }

    #[test]
    fn the_search_the_index_and_the_scan_find_what_a_plain_reading_finds() {
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
            for name in ["a", "b", "c", "x", "c0", "c3", "c6", "=x"] {
                let plain = plainly(headers, name);
                let (searched, indexed) = both_readings(headers, name);
                assert_eq!(searched, plain, "searched {name} in {headers:?}");
                assert_eq!(indexed, plain, "indexed {name} in {headers:?}");
            }
        }
    }

    #[test]
    fn the_search_the_index_and_the_scan_agree_with_a_plain_reading_on_random_headers() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            // Up to about 25 pairs, past what the index holds.
            let len = (state % 200) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    b"ab;= \t\"x"[(state % 8) as usize]
                })
                .collect();
            for name in ["a", "b", "ab", "ba", "x"] {
                let plain = plainly(&[&bytes], name);
                let (searched, indexed) = both_readings(&[&bytes], name);
                assert_eq!(searched, plain, "searched {name} in {:?}", String::from_utf8_lossy(&bytes));
                assert_eq!(indexed, plain, "indexed {name} in {:?}", String::from_utf8_lossy(&bytes));
            }
        }
    }

    #[test]
    fn values_that_are_not_utf8_are_found_as_they_are() {
        let h = header(&[b"a=\xff\xfe; a=ok"]);
        assert_eq!(h.values("a").collect::<Vec<_>>(), [&b"\xff\xfe"[..], b"ok"]);
    }

    #[test]
    fn a_lone_quote_is_kept() {
        let h = header(&[b"a=\"; b=\"\""]);
        assert_eq!(h.values("a").collect::<Vec<_>>(), [b"\""]);
        assert_eq!(h.values("b").collect::<Vec<_>>(), [b""]);
    }
}
