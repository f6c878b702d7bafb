//! `Set-Cookie` header values for the layer's cookies, written straight into one buffer.
//!
//! Our cookies use a handful of attributes, their names are RFC 6265 tokens and their values cookie-octets
//! already, so a line is a few string appends; a general formatter (such as the `cookie` crate's
//! `Display`, whose output this matches attribute for attribute) spends several times longer on it, and
//! that was a visible share of a new visitor's first request. The tests parse every line we write back
//! with the `cookie` crate.

use http::HeaderValue;

use super::SameSite;

/// The attributes of one `Set-Cookie` line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SetCookie<'a> {
    pub(crate) name: &'a str,
    /// Already protected and made of cookie-octets. Ignored by a removal.
    pub(crate) value: &'a str,
    pub(crate) http_only: bool,
    pub(crate) same_site: SameSite,
    /// CHIPS; implies `Secure`, which browsers require of it.
    pub(crate) partitioned: bool,
    pub(crate) secure: bool,
    pub(crate) path: &'a str,
    pub(crate) domain: Option<&'a str>,
    /// `None`: a browser-session cookie.
    pub(crate) max_age_secs: Option<u64>,
}

/// An `Expires` in the past, which browsers that ignore `Max-Age=0` still obey.
const LONG_AGO: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

impl SetCookie<'_> {
    /// The header value that sets this cookie. `None` only if a name, value or attribute holds a byte a
    /// header cannot carry, which the derive's checks and the layer's validation rule out.
    pub(crate) fn header(&self) -> Option<HeaderValue> {
        self.write(self.value, self.max_age_secs, false)
    }

    /// The header value that removes this cookie from the browser: the same name, path and domain, an
    /// empty value, `Max-Age=0` and an `Expires` in the past.
    pub(crate) fn removal_header(&self) -> Option<HeaderValue> {
        self.write("", Some(0), true)
    }

    fn write(&self, value: &str, max_age_secs: Option<u64>, expired: bool) -> Option<HeaderValue> {
        let mut digits = [0; 20];
        let max_age = max_age_secs.map(|secs| decimal(secs, &mut digits));
        let pieces = [
            self.name,
            "=",
            value,
            if self.http_only { "; HttpOnly" } else { "" },
            match self.same_site {
                SameSite::Lax => "; SameSite=Lax",
                SameSite::Strict => "; SameSite=Strict",
                SameSite::None => "; SameSite=None",
            },
            if self.partitioned { "; Partitioned" } else { "" },
            if self.secure || self.partitioned { "; Secure" } else { "" },
            "; Path=",
            self.path,
            if self.domain.is_some() { "; Domain=" } else { "" },
            self.domain.unwrap_or(""),
            if max_age.is_some() { "; Max-Age=" } else { "" },
            max_age.unwrap_or(""),
            if expired { "; Expires=" } else { "" },
            if expired { LONG_AGO } else { "" },
        ];
        // Sized exactly: a buffer with no spare room becomes the header's bytes as it is, where one with
        // spare room would cost a second allocation to share.
        let mut line = Vec::with_capacity(pieces.iter().map(|piece| piece.len()).sum());
        for piece in pieces {
            line.extend_from_slice(piece.as_bytes());
        }
        HeaderValue::try_from(line).ok()
    }
}

/// `n` in decimal, written into `buffer` (20 bytes hold every `u64`).
fn decimal(n: u64, buffer: &mut [u8; 20]) -> &str {
    let mut rest = &mut buffer[..];
    // Cannot fail: the digits fit.
    let _ = std::io::Write::write_fmt(&mut rest, format_args!("{n}"));
    let written = 20 - rest.len();
    // Only ASCII digits were written.
    std::str::from_utf8(&buffer[..written]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lax(name: &'static str, value: &'static str) -> SetCookie<'static> {
        SetCookie {
            name,
            value,
            http_only: true,
            same_site: SameSite::Lax,
            partitioned: false,
            secure: true,
            path: "/",
            domain: None,
            max_age_secs: None,
        }
    }

    #[test]
    fn writes_the_attributes_in_the_usual_order() {
        let line = lax("id", "abc").header().unwrap();
        assert_eq!(line, "id=abc; HttpOnly; SameSite=Lax; Secure; Path=/");

        let all = SetCookie {
            http_only: false,
            same_site: SameSite::None,
            partitioned: true,
            secure: false,
            path: "/shop",
            domain: Some("example.com"),
            max_age_secs: Some(400 * 86_400),
            ..lax("theme", "dark")
        };
        assert_eq!(
            all.header().unwrap(),
            "theme=dark; SameSite=None; Partitioned; Secure; Path=/shop; Domain=example.com; Max-Age=34560000"
        );
    }

    #[test]
    fn a_removal_keeps_path_and_domain_and_expires_at_once() {
        let cookie = SetCookie { domain: Some("example.com"), ..lax("__Secure-id", "abc") };
        assert_eq!(
            cookie.removal_header().unwrap(),
            "__Secure-id=; HttpOnly; SameSite=Lax; Secure; Path=/; Domain=example.com; Max-Age=0; \
             Expires=Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }

    #[test]
    fn max_age_is_written_in_decimal_at_both_ends_of_its_range() {
        for (secs, written) in [(0, "0"), (7, "7"), (10, "10"), (u64::MAX, "18446744073709551615")] {
            let line = SetCookie { max_age_secs: Some(secs), ..lax("id", "abc") }.header().unwrap();
            assert_eq!(
                line.to_str().unwrap(),
                format!("id=abc; HttpOnly; SameSite=Lax; Secure; Path=/; Max-Age={written}")
            );
        }
    }

    #[test]
    fn a_byte_a_header_cannot_carry_is_refused_not_sent() {
        assert!(lax("id", "a\nb").header().is_none());
    }

    proptest::proptest! {
        #[test]
        fn the_cookie_crate_reads_back_what_we_wrote(
            name in "[A-Za-z0-9_-]{1,20}",
            value in "[!#-+./-:<-\\[\\]-~]{0,60}",
            http_only: bool,
            same_site in 0..3_u8,
            partitioned: bool,
            secure: bool,
            path in "/[a-z/]{0,10}",
            domain in proptest::option::of("[a-z]{1,10}\\.example"),
            max_age_secs in proptest::option::of(0..40_000_000_u64),
            removal: bool,
        ) {
            let same_site = [SameSite::Lax, SameSite::Strict, SameSite::None][usize::from(same_site)];
            let ours = SetCookie {
                name: &name, value: &value, http_only, same_site, partitioned, secure,
                path: &path, domain: domain.as_deref(), max_age_secs,
            };
            let header = if removal { ours.removal_header() } else { ours.header() }.unwrap();
            let parsed = cookie::Cookie::parse(header.to_str().unwrap()).unwrap();
            proptest::prop_assert_eq!(parsed.name(), name.as_str());
            proptest::prop_assert_eq!(parsed.value(), if removal { "" } else { value.as_str() });
            proptest::prop_assert_eq!(parsed.http_only(), http_only.then_some(true));
            proptest::prop_assert_eq!(parsed.secure(), (secure || partitioned).then_some(true));
            proptest::prop_assert_eq!(parsed.partitioned(), partitioned.then_some(true));
            proptest::prop_assert_eq!(parsed.path(), Some(path.as_str()));
            proptest::prop_assert_eq!(parsed.domain(), domain.as_deref());
            let expected_age = if removal { Some(0) } else { max_age_secs.map(|s| s as i64) };
            proptest::prop_assert_eq!(parsed.max_age().map(|age| age.whole_seconds()), expected_age);
            proptest::prop_assert_eq!(parsed.expires_datetime().is_some(), removal);
            let expected_same_site = match same_site {
                SameSite::Lax => cookie::SameSite::Lax,
                SameSite::Strict => cookie::SameSite::Strict,
                SameSite::None => cookie::SameSite::None,
            };
            proptest::prop_assert_eq!(parsed.same_site(), Some(expected_same_site));
        }
    }
}
