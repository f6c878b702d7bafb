//! Reading cookies straight from the request's `Cookie` headers.
//!
//! The header is scanned on demand for the one name asked for, without building a jar or allocating,
//! and values are taken byte for byte (no percent-decoding), so what we wrote is exactly what we read.

use http::HeaderValue;

/// Every value sent under `name`, in header order. Pairs that are not UTF-8 are skipped.
pub(crate) fn values<'h>(headers: &'h [HeaderValue], name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
    headers.iter().flat_map(|header| header.as_bytes().split(|&b| b == b';')).filter_map(move |pair| {
        let pair = trim(pair);
        let eq = pair.iter().position(|&b| b == b'=')?;
        if trim(&pair[..eq]) != name.as_bytes() {
            return None;
        }
        let mut value = trim(&pair[eq + 1..]);
        if value.len() >= 2 && value[0] == b'"' && value[value.len() - 1] == b'"' {
            value = &value[1..value.len() - 1];
        }
        std::str::from_utf8(value).ok()
    })
}

/// True if the request carries a cookie called `name`.
pub(crate) fn contains(headers: &[HeaderValue], name: &str) -> bool {
    values(headers, name).next().is_some()
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !matches!(b, b' ' | b'\t')).map_or(start, |i| i + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&[u8]]) -> Vec<HeaderValue> {
        values.iter().map(|v| HeaderValue::from_bytes(v).unwrap()).collect()
    }

    #[test]
    fn finds_every_value_of_a_name_across_headers() {
        let h = headers(&[b"a=1; theme=dark;b", b"theme = \"light\" ; x=%41"]);
        assert_eq!(values(&h, "theme").collect::<Vec<_>>(), ["dark", "light"]);
        assert_eq!(values(&h, "x").collect::<Vec<_>>(), ["%41"]);
        assert!(!contains(&h, "b"));
    }

    #[test]
    fn skips_values_that_are_not_utf8() {
        let h = headers(&[b"a=\xff\xfe; a=ok"]);
        assert_eq!(values(&h, "a").collect::<Vec<_>>(), ["ok"]);
    }
}
