//! `Set-Cookie` header values for the layer's cookies, written by the `cookie` crate.

use cookie::{time::Duration, Cookie};
use http::HeaderValue;

use super::{needs_http_only, needs_secure, SameSite, MAX_LIFETIME_SECS};

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
    /// Implied as well by a name starting with `__Host-`, `__Secure-` or `__Http-`, which browsers refuse
    /// without it.
    pub(crate) secure: bool,
    pub(crate) path: &'a str,
    pub(crate) domain: Option<&'a str>,
    /// `None`: a browser-session cookie.
    pub(crate) max_age_secs: Option<u64>,
}

/// Room for the longest run of attributes we write besides the name, value, path and domain themselves.
const ATTRIBUTES_LEN: usize = 160;

impl SetCookie<'_> {
    /// The header value that sets this cookie. `None` only if a name, value or attribute holds a byte a
    /// header cannot carry, which the derive's checks and the layer's validation rule out.
    pub(crate) fn header(&self) -> Option<HeaderValue> {
        self.line(&self.cookie(self.value))
    }

    /// The header value that removes this cookie from the browser: the same name, path and domain, an
    /// empty value, `Max-Age=0` and an `Expires` in the past (for browsers that ignore `Max-Age`).
    pub(crate) fn removal_header(&self) -> Option<HeaderValue> {
        let mut cookie = self.cookie("");
        // Sets `Max-Age=0` over any lifetime the cookie has.
        cookie.make_removal();
        self.line(&cookie)
    }

    fn cookie<'c>(&'c self, value: &'c str) -> Cookie<'c> {
        let same_site = match self.same_site {
            SameSite::Lax => cookie::SameSite::Lax,
            SameSite::Strict => cookie::SameSite::Strict,
            SameSite::None => cookie::SameSite::None,
        };
        // `Secure` is always said outright, so that the line says what this decides. Browsers drop a
        // `SameSite=None`, partitioned or prefixed cookie without it (and accept it from `localhost` over
        // plain HTTP), so those keep it whatever `with_secure` says.
        let secure = self.secure || self.same_site == SameSite::None || self.partitioned || needs_secure(self.name);
        // Likewise `HttpOnly` for the prefixes that promise it: the derive refuses a field without it, but
        // the line that clears a `rename_from` cookie takes the new field's attributes.
        let mut cookie = Cookie::build((self.name, value))
            .http_only(self.http_only || needs_http_only(self.name))
            .same_site(same_site)
            .partitioned(self.partitioned)
            .secure(secure)
            .path(self.path)
            .build();
        if let Some(domain) = self.domain {
            cookie.set_domain(domain);
        }
        if let Some(secs) = self.max_age_secs {
            // Written as browsers will read it, so that the header says how long the cookie lasts.
            cookie.set_max_age(Duration::seconds(secs.min(MAX_LIFETIME_SECS) as i64));
        }
        cookie
    }

    /// This cookie's line as the crate writes it for an empty value, cut where the value goes: for a cookie
    /// set with the same attributes on every request, so that each request only splices its value in.
    pub(crate) fn template(&self) -> LineTemplate {
        // The crate writes `name=value` first, then the attributes.
        let line = self.cookie("").to_string();
        let after = line.get(self.name.len() + 1..).unwrap_or_default().to_owned();
        LineTemplate { name: self.name.to_owned(), after }
    }

    fn line(&self, cookie: &Cookie<'_>) -> Option<HeaderValue> {
        use std::fmt::Write;
        // Sized for the whole line, so it is written without growing.
        let len = self.name.len() + self.value.len() + self.path.len() + self.domain.map_or(0, str::len);
        let mut line = String::with_capacity(len + ATTRIBUTES_LEN);
        write!(line, "{cookie}").ok()?;
        HeaderValue::try_from(line).ok()
    }
}

/// A `Set-Cookie` line written once by the `cookie` crate, without its value (see [`SetCookie::template`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct LineTemplate {
    name: String,
    /// Everything after the value: the attributes.
    after: String,
}

impl LineTemplate {
    /// The line with `value` (cookie-octets) in its place. `None` as for [`SetCookie::header`].
    pub(crate) fn header(&self, value: &str) -> Option<HeaderValue> {
        let mut line = String::with_capacity(self.name.len() + 1 + value.len() + self.after.len());
        for piece in [&self.name, "=", value, &self.after] {
            line.push_str(piece);
        }
        HeaderValue::try_from(line).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_with_its_value_spliced_in_is_the_crates_line() {
        let all = SetCookie {
            same_site: SameSite::None,
            partitioned: true,
            path: "/shop",
            domain: Some("example.com"),
            max_age_secs: Some(400 * 86_400),
            ..lax("__Secure-id", "")
        };
        for cookie in [lax("__Host-id", ""), lax("id", ""), all] {
            for value in ["", "abc", "0123456789abcdefghijklmnopqrstuvwxyz-_ABCDEFGHIJKLMNOPQRSTUVWXYZ"] {
                let direct = SetCookie { value, ..cookie }.header().unwrap();
                assert_eq!(cookie.template().header(value).unwrap(), direct, "{value:?}");
            }
        }
    }

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
        let cookie = SetCookie { domain: Some("example.com"), max_age_secs: Some(60), ..lax("__Secure-id", "abc") };
        let removal = cookie.removal_header().unwrap();
        let removal = removal.to_str().unwrap();
        let expected = "__Secure-id=; HttpOnly; SameSite=Lax; Secure; Path=/; Domain=example.com; Max-Age=0; Expires=";
        assert!(removal.starts_with(expected), "{removal}");
        let expires = cookie::Cookie::parse(removal).unwrap().expires_datetime().unwrap();
        assert!(expires < cookie::time::OffsetDateTime::now_utc(), "{removal}");
    }

    #[test]
    fn max_age_is_written_in_decimal_and_at_most_the_400_days_browsers_keep_a_cookie() {
        for (secs, written) in
            [(0, "0"), (7, "7"), (10, "10"), (34_560_000, "34560000"), (34_560_001, "34560000"), (u64::MAX, "34560000")]
        {
            let line = SetCookie { max_age_secs: Some(secs), ..lax("id", "abc") }.header().unwrap();
            assert_eq!(
                line.to_str().unwrap(),
                format!("id=abc; HttpOnly; SameSite=Lax; Secure; Path=/; Max-Age={written}")
            );
        }
    }

    #[test]
    fn secure_is_written_only_when_asked_for_same_site_none_partitioned_or_prefixed() {
        let unsecured = SetCookie { secure: false, ..lax("id", "abc") };
        assert_eq!(unsecured.header().unwrap(), "id=abc; HttpOnly; SameSite=Lax; Path=/");
        let cross_site = SetCookie { same_site: SameSite::None, ..unsecured };
        assert_eq!(cross_site.header().unwrap(), "id=abc; HttpOnly; SameSite=None; Secure; Path=/");
        let partitioned = SetCookie { partitioned: true, ..unsecured };
        assert_eq!(partitioned.header().unwrap(), "id=abc; HttpOnly; SameSite=Lax; Partitioned; Secure; Path=/");
        for name in ["__Host-id", "__secure-id"] {
            let prefixed = SetCookie { name, ..unsecured };
            assert_eq!(prefixed.header().unwrap(), format!("{name}=abc; HttpOnly; SameSite=Lax; Secure; Path=/"));
            let removal = prefixed.removal_header().unwrap();
            assert!(removal.to_str().unwrap().contains("; Secure;"), "{removal:?}");
        }
    }

    #[test]
    fn a_byte_a_header_cannot_carry_is_refused_not_sent() {
        assert!(lax("id", "a\nb").header().is_none());
    }

    proptest::proptest! {
        #[test]
        fn the_cookie_crate_reads_back_what_we_wrote(
            name in "(__Host-|__Secure-)?[A-Za-z0-9_-]{1,20}",
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
            let prefixed = crate::cookie::has_prefix(&name, "__Host-") || crate::cookie::has_prefix(&name, "__Secure-");
            proptest::prop_assert_eq!(
                parsed.secure(),
                (secure || partitioned || prefixed || same_site == SameSite::None).then_some(true)
            );
            proptest::prop_assert_eq!(parsed.partitioned(), partitioned.then_some(true));
            proptest::prop_assert_eq!(parsed.path(), Some(path.as_str()));
            proptest::prop_assert_eq!(parsed.domain(), domain.as_deref());
            let expected_age = if removal { Some(0) } else { max_age_secs.map(|s| s.min(400 * 86_400) as i64) };
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
