//! [`Jar`]: the cookies a [`Browser`](super::Browser) holds, kept and sent by the rules browsers follow
//! (RFC 6265bis): by name, domain and path, until they expire, and `Secure` ones only over HTTPS.

use std::{fmt, ops::Index};

use cookie::{
    time::{Duration, OffsetDateTime},
    Cookie, Expiration, SameSite,
};
use http::Uri;

use crate::cookie::{
    domain_match, has_prefix, needs_http_only, needs_secure, path_match, MAX_ATTRIBUTE_BYTES, MAX_COOKIE_BYTES,
    MAX_LIFETIME_SECS,
};

/// The site a [`Browser`](super::Browser) visits: whether it is reached over HTTPS, its host and its port.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    https: bool,
    /// The host cookies are kept for: a name or address, lowercased, without a port.
    host: String,
    /// The port, where it is not the scheme's default, which a browser leaves out of `Host`.
    port: Option<u16>,
}

impl Origin {
    /// `https://localhost`, the origin a browser starts on.
    pub(crate) fn localhost() -> Self {
        Origin { https: true, host: "localhost".to_owned(), port: None }
    }

    /// The origin of `url` (`https://shop.example`, `http://localhost:3000`), or `None` if it has no
    /// `http` or `https` scheme and a host.
    pub(crate) fn parse(url: &str) -> Option<Self> {
        let uri: Uri = url.parse().ok()?;
        matches!(uri.scheme_str()?, "https" | "http").then(|| Self::of_absolute(&uri)).flatten()
    }

    /// The origin a request for `uri` goes to: its own scheme and host if it is absolute, else this one.
    pub(crate) fn of(&self, uri: &Uri) -> Self {
        Self::of_absolute(uri).unwrap_or_else(|| self.clone())
    }

    /// The origin of `uri` if it has a scheme and a host.
    fn of_absolute(uri: &Uri) -> Option<Self> {
        let https = uri.scheme_str()?.eq_ignore_ascii_case("https");
        let default_port = if https { 443 } else { 80 };
        let port = uri.port_u16().filter(|&port| port != default_port);
        Some(Origin { https, host: uri.host()?.to_ascii_lowercase(), port })
    }

    /// The origin's host and port, as a browser names them in `Host`: without user information, and
    /// without the scheme's default port.
    pub(crate) fn authority(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// Whether the origin's scheme is `https`.
    pub(crate) fn is_https(&self) -> bool {
        self.https
    }

    /// Whether browsers treat the origin as secure: HTTPS, or this machine over plain HTTP (`localhost`, a
    /// name under it, a loopback address), where they keep and send `Secure` cookies so that development
    /// works without certificates.
    fn is_secure(&self) -> bool {
        let host = self.host.as_str();
        let loopback = match host.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
            Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok_and(|ip| ip.is_loopback()),
            None => host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback()),
        };
        self.https || host == "localhost" || host.ends_with(".localhost") || loopback
    }
}

/// One cookie as the jar keeps it.
#[derive(Clone, Debug)]
struct Stored {
    name: String,
    value: String,
    /// The host it was set by, or its `Domain` attribute.
    domain: String,
    /// No `Domain` attribute: sent to exactly that host, not to its subdomains.
    host_only: bool,
    path: String,
    secure: bool,
    /// `None` for a browser-session cookie.
    expires: Option<OffsetDateTime>,
    /// The order cookies were first set in, which breaks ties when they are sent.
    created: u64,
}

impl Stored {
    fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires.is_some_and(|expires| expires <= now)
    }

    /// Whether `other` is this cookie again, to be replaced: the same name, domain, kind of domain and path.
    /// A host-only cookie and a `Domain` one of the same name and host are two cookies, as in browsers.
    fn is_same_as(&self, other: &Stored) -> bool {
        self.name == other.name
            && self.domain == other.domain
            && self.host_only == other.host_only
            && self.path == other.path
    }

    fn is_sent_to(&self, origin: &Origin, path: &str) -> bool {
        let domain_matches =
            if self.host_only { origin.host == self.domain } else { domain_match(&origin.host, &self.domain) };
        domain_matches && path_match(path, &self.path) && (!self.secure || origin.is_secure())
    }
}

/// The cookies a [`Browser`](super::Browser) holds: what earlier responses set, less what they deleted
/// and what has expired.
///
/// A response's `Set-Cookie` is kept, replaced or deleted as browsers do: a cookie is one per name,
/// domain (host-only or `Domain`) and path; a missing `Path` defaults to the request path's directory;
/// `Max-Age` wins over `Expires`, a time in the past deletes, and neither keeps a cookie past 400 days.
/// Ignored, as browsers ignore them: a cookie whose name and value are longer than 4096 bytes; a cookie
/// for another domain; a `Secure` one from plain HTTP (but for `localhost`); one from plain HTTP that
/// would shadow a `Secure` cookie; a `__Secure-`, `__Host-`, `__Http-` or `__Host-Http-` cookie that
/// breaks its prefix's rules;
/// `SameSite=None` or `Partitioned` without `Secure`; an attribute value
/// longer than 1024 bytes, or a `Max-Age` that is not a number. A request carries the cookies whose domain
/// and path match it, longest path first, then oldest first. Ignored too, where browsers keep them: a line
/// the `cookie` crate does not parse, such as one without a name (`=value` or `value` alone). (Not
/// modelled: the public suffix list, `SameSite` on cross-site requests, and the limits on cookies per
/// domain and per `Cookie` header.)
///
/// Tests can also plant, read and drop cookies by name, as a forged request or an attacker would:
///
/// ```
/// use session_core::testing::Jar;
///
/// let mut jar = Jar::default();
/// jar.insert("theme", "dark");
/// assert_eq!(jar.get("theme"), Some("dark"));
/// assert_eq!(&jar["theme"], "dark");
/// jar.remove("theme");
/// assert!(jar.is_empty());
/// ```
#[derive(Clone)]
pub struct Jar {
    /// The site the browser is on: what a planted cookie belongs to.
    origin: Origin,
    cookies: Vec<Stored>,
    next_created: u64,
}

impl Default for Jar {
    /// An empty jar of a browser on `https://localhost`.
    fn default() -> Self {
        Jar::on(Origin::localhost())
    }
}

impl Jar {
    /// An empty jar of a browser on `origin`.
    pub(crate) fn on(origin: Origin) -> Self {
        Jar { origin, cookies: Vec::new(), next_created: 0 }
    }

    /// The site the browser is on.
    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The value of the cookie `name`. Of several (set for different paths or domains), the one a request
    /// to their paths sends first: the longest path, then the oldest.
    pub fn get(&self, name: &str) -> Option<&str> {
        let now = OffsetDateTime::now_utc();
        let mut named: Vec<&Stored> = self.cookies.iter().filter(|c| c.name == name && !c.is_expired(now)).collect();
        named.sort_by_key(|c| (std::cmp::Reverse(c.path.len()), c.created));
        named.first().map(|c| c.value.as_str())
    }

    /// True if the jar holds a cookie `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets the cookie `name`, as `Set-Cookie: name=value; Path=/` would: for the browser's host only, every
    /// path, until the browser closes. It replaces the cookie of that name set the same way, or by a
    /// response without `Domain` and with `Path=/`, `HttpOnly` or not (which a page's script could not).
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.store(Stored {
            name: name.into(),
            value: value.into(),
            domain: self.origin.host.clone(),
            host_only: true,
            path: "/".to_owned(),
            secure: false,
            expires: None,
            created: 0,
        });
    }

    /// Drops every cookie called `name`, whatever its domain and path.
    pub fn remove(&mut self, name: &str) {
        self.cookies.retain(|c| c.name != name);
    }

    /// Drops every cookie.
    pub fn clear(&mut self) {
        self.cookies.clear();
    }

    /// How many cookies the jar holds, expired ones not counted.
    pub fn len(&self) -> usize {
        let now = OffsetDateTime::now_utc();
        self.cookies.iter().filter(|c| !c.is_expired(now)).count()
    }

    /// True if the jar holds no cookie.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every cookie's name and value, expired ones left out, in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let now = OffsetDateTime::now_utc();
        self.cookies.iter().filter(move |c| !c.is_expired(now)).map(|c| (c.name.as_str(), c.value.as_str()))
    }

    /// The `Cookie` header of a request for `path` on `origin`, or `None` when no cookie goes with it.
    pub(crate) fn header_for(&self, origin: &Origin, path: &str) -> Option<String> {
        let now = OffsetDateTime::now_utc();
        let mut sent: Vec<&Stored> =
            self.cookies.iter().filter(|c| !c.is_expired(now) && c.is_sent_to(origin, path)).collect();
        sent.sort_by_key(|c| (std::cmp::Reverse(c.path.len()), c.created));
        let pairs: Vec<String> = sent.iter().map(|c| format!("{}={}", c.name, c.value)).collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// Keeps, replaces or deletes what the `Set-Cookie` line `line` says, received from `origin` in answer
    /// to a request for `request_path`; ignores it where a browser would.
    pub(crate) fn receive(&mut self, origin: &Origin, request_path: &str, line: &str) {
        let Ok(cookie) = Cookie::parse(line) else { return };
        let name = cookie.name();
        if name.is_empty() || name.len() + cookie.value().len() > MAX_COOKIE_BYTES {
            return;
        }
        let secure = cookie.secure() == Some(true);
        if secure && !origin.is_secure() {
            return;
        }
        if (cookie.same_site() == Some(SameSite::None) || cookie.partitioned() == Some(true)) && !secure {
            return;
        }
        // An empty `Domain` is skipped; one that is only a dot leaves the cookie host-only.
        let domain = last_attribute(line, "domain", |domain| {
            (!domain.is_empty()).then(|| domain.strip_prefix('.').unwrap_or(domain).to_ascii_lowercase())
        });
        let (domain, host_only) = match domain.filter(|domain| !domain.is_empty()) {
            Some(domain) if domain_match(&origin.host, &domain) => (domain, false),
            Some(_) => return,
            None => (origin.host.clone(), true),
        };
        // The last `Path` counts even when it is no path: then the request's directory stands in for it.
        let set_path = last_attribute(line, "path", Some);
        let path = match set_path.filter(|path| path.starts_with('/')) {
            Some(path) => path.to_owned(),
            None => default_path(request_path),
        };
        let http_only = cookie.http_only() == Some(true);
        if (needs_secure(name) && !secure) || (needs_http_only(name) && !http_only) {
            return;
        }
        if has_prefix(name, "__Host-") && !(host_only && set_path.is_some() && path == "/") {
            return;
        }
        let now = OffsetDateTime::now_utc();
        // `Max-Age` wins over `Expires`; either in the past deletes the cookie, and neither keeps it longer
        // than browsers do.
        let longest = Duration::seconds(MAX_LIFETIME_SECS as i64);
        let expires = match (max_age_secs(line), cookie.expires()) {
            (Some(secs), _) => Some(now + Duration::seconds(secs).clamp(Duration::ZERO, longest)),
            (None, Some(Expiration::DateTime(at))) => Some(at.min(now + longest)),
            _ => None,
        };
        let stored = Stored {
            name: name.to_owned(),
            value: cookie.value().to_owned(),
            domain,
            host_only,
            path,
            secure,
            expires,
            created: 0,
        };
        // A plain-HTTP response may not set or delete a cookie that shadows a `Secure` one: otherwise a
        // network attacker could replace a session cookie the site set over HTTPS. One that has expired is
        // gone, as browsers have it, and shadows nothing.
        let shadows_secure = |c: &Stored| {
            c.secure
                && !c.is_expired(now)
                && c.name == stored.name
                && (domain_match(&c.domain, &stored.domain) || domain_match(&stored.domain, &c.domain))
                && path_match(&stored.path, &c.path)
        };
        if !origin.is_secure() && !stored.secure && self.cookies.iter().any(shadows_secure) {
            return;
        }
        if stored.is_expired(now) {
            self.cookies.retain(|c| !c.is_same_as(&stored));
        } else {
            self.store(stored);
        }
    }

    /// Adds `cookie`, or replaces the one it is the same as (`Stored::is_same_as`), keeping that one's
    /// creation order. A browser removes a cookie once it expires, so one set again after that is new.
    fn store(&mut self, mut cookie: Stored) {
        let now = OffsetDateTime::now_utc();
        self.cookies.retain(|c| !(c.is_same_as(&cookie) && c.is_expired(now)));
        match self.cookies.iter().position(|c| c.is_same_as(&cookie)) {
            Some(index) => {
                cookie.created = self.cookies[index].created;
                self.cookies[index] = cookie;
            }
            None => {
                cookie.created = self.next_created;
                self.next_created += 1;
                self.cookies.push(cookie);
            }
        }
    }
}

impl Index<&str> for Jar {
    type Output = str;

    /// The value of the cookie `name`, as [`get`](Jar::get) finds it.
    ///
    /// # Panics
    ///
    /// If the jar holds no cookie `name`.
    fn index(&self, name: &str) -> &str {
        self.get(name).unwrap_or_else(|| panic!("no cookie `{name}` in the jar: {self:?}"))
    }
}

impl fmt::Debug for Jar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for c in &self.cookies {
            list.entry(&format_args!("{}={} (domain {}, path {})", c.name, c.value, c.domain, c.path));
        }
        list.finish()
    }
}

/// The attribute `name` (any case) of the `Set-Cookie` line `line` as browsers read it (RFC 6265bis): the
/// last one whose value `read` accepts, an attribute whose value is longer than 1024 bytes skipped as if
/// it were not there. Read here rather than through the `cookie` crate, which keeps only the last of each
/// attribute, however long, and takes an empty `Max-Age` for the longest lifetime, where browsers ignore
/// it.
fn last_attribute<'l, T>(line: &'l str, name: &str, read: impl Fn(&'l str) -> Option<T>) -> Option<T> {
    let attributes = line.split(';').skip(1).map(|attribute| attribute.split_once('=').unwrap_or((attribute, "")));
    attributes
        .filter(|(attribute, value)| {
            attribute.trim().eq_ignore_ascii_case(name) && value.trim().len() <= MAX_ATTRIBUTE_BYTES
        })
        .filter_map(|(_, value)| read(value.trim()))
        .last()
}

/// The `Max-Age` of the `Set-Cookie` line `line` as browsers read it: the last whose value is an optional
/// `-` and digits, saturating; `None` when there is none.
fn max_age_secs(line: &str) -> Option<i64> {
    last_attribute(line, "max-age", |value| {
        let digits = value.strip_prefix('-').unwrap_or(value);
        let valid = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        valid.then(|| value.parse().unwrap_or(if value.starts_with('-') { i64::MIN } else { i64::MAX }))
    })
}

/// RFC 6265's default-path: the directory of `request_path`, `/` for one at the top.
fn default_path(request_path: &str) -> String {
    match request_path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(last) => request_path[..last].to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_without_a_path_gets_its_request_s_directory() {
        assert_eq!(default_path("/account/login"), "/account");
        assert_eq!(default_path("/login"), "/");
        assert_eq!(default_path(""), "/");
    }

    #[test]
    fn no_cookie_is_kept_past_400_days() {
        let mut jar = Jar::default();
        let origin = Origin::localhost();
        for line in ["a=1; Max-Age=99999999999", "b=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT", "c=1; Max-Age=34560000"]
        {
            jar.receive(&origin, "/", line);
        }
        let limit = OffsetDateTime::now_utc() + Duration::days(400);
        assert_eq!(jar.len(), 3);
        for cookie in &jar.cookies {
            let expires = cookie.expires.unwrap();
            assert!(expires <= limit && expires > limit - Duration::minutes(1), "{}: {expires}", cookie.name);
        }
    }
}
