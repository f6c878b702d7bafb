//! The settings a [`SessionLayer`](super::SessionLayer) shares with every request it serves.

use std::{borrow::Cow, sync::Arc, time::Duration};

use http::HeaderValue;

use super::schemas::{Reach, Schemas};
use crate::{
    cookie::{
        domain_match, has_prefix, path_match, LineTemplate, SameSite, SetCookie, MAX_ATTRIBUTE_BYTES, MAX_LIFETIME_SECS,
    },
    id::ID_COOKIE_NAME_MAX_LEN,
    store::{LoadRecord, Record},
    Error, Key,
};

/// Settings shared by all requests of one layer.
#[derive(Clone)]
pub(crate) struct Shared {
    /// The current key first, then the previous keys that still verify.
    pub(crate) keys: Vec<Key>,
    pub(crate) id_cookie: IdCookie,
    /// When cookies carry `Secure`.
    pub(crate) transport: Transport,
    /// The timeouts in milliseconds, the unit of deadlines, converted once rather than per request.
    idle_ms: u64,
    absolute_ms: u64,
    /// A loaded session that has used up at least this fraction of its idle timeout gets its deadline
    /// pushed back, even if nothing changed.
    refresh_fraction: f64,
    /// The id cookie's `Set-Cookie` line on plain-HTTP and on HTTPS requests, by `secure as usize`,
    /// written by the `cookie` crate once for these settings rather than on every new session.
    id_cookie_lines: [LineTemplate; 2],
    pub(crate) loader: Arc<dyn LoadRecord>,
    /// The check that the schemas whose handles this layer and its clones hand out agree on their store
    /// keys.
    pub(crate) schemas: Arc<Schemas>,
    /// Where this layer reads its id cookie, and so which other layers' schemas it shares sessions with.
    pub(crate) reach: Reach,
}

/// When cookies carry the `Secure` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transport {
    /// Always (the default): browsers send them over HTTPS only.
    Https,
    /// Never: plain-HTTP development only.
    PlainHttp,
    /// Always but on requests known to have arrived over plain HTTP: with `trust_proxy`,
    /// `X-Forwarded-Proto: http` (or `ws`); else an `http` (or `ws`) URI.
    Detect { trust_proxy: bool },
}

impl Transport {
    fn may_be_secure(self) -> bool {
        self != Transport::PlainHttp
    }

    /// Whether cookies set in answer to a request with this URI and these headers carry `Secure`.
    pub(crate) fn secure_for(self, uri: &http::Uri, headers: &http::HeaderMap) -> bool {
        match self {
            Transport::Https => true,
            Transport::PlainHttp => false,
            // An HTTP/1.1 request's URI has no scheme, over TLS as over plain HTTP: only what says plain
            // HTTP drops `Secure`, so that a server taking TLS itself never sends a session id in the clear.
            Transport::Detect { trust_proxy } => {
                let forwarded = || {
                    headers
                        .get("x-forwarded-proto")
                        .and_then(|value| value.to_str().ok())
                        // A chain of proxies appends: the first entry is what the client used.
                        .and_then(|value| value.split(',').next())
                        .map(str::trim)
                };
                // A trusted proxy saw the client's request; the URI's scheme is of the proxy's own hop. A
                // WebSocket upgrade says `ws` (some proxies forward that) for plain HTTP.
                let plain = |scheme: &str| scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("ws");
                let plain = match (trust_proxy.then(forwarded).flatten(), uri.scheme_str()) {
                    (Some(proto), _) => plain(proto),
                    (None, Some(scheme)) => plain(scheme),
                    (None, None) => false,
                };
                !plain
            }
        }
    }
}

/// How the session id cookie is written.
#[derive(Clone, Debug)]
pub(crate) struct IdCookie {
    /// Set by `with_cookie_name`; `None` for the default, which depends on the request (see `name`).
    custom_name: Option<Cow<'static, str>>,
    pub(crate) same_site: SameSite,
    pub(crate) path: Cow<'static, str>,
    pub(crate) domain: Option<Cow<'static, str>>,
    /// `None`: a browser-session cookie, gone when the browser closes.
    pub(crate) max_age: Option<Duration>,
    pub(crate) partitioned: bool,
}

impl Default for IdCookie {
    fn default() -> Self {
        IdCookie {
            custom_name: None,
            same_site: SameSite::Lax,
            path: Cow::Borrowed("/"),
            domain: None,
            max_age: None,
            partitioned: false,
        }
    }
}

impl IdCookie {
    /// The id cookie's name on a request whose cookies are `secure` or not. The default is `__Host-id`:
    /// a browser keeps a `__Host-` cookie only if this host set it, Secure, on `/` and without a domain,
    /// so a sibling subdomain cannot plant an id under it (cookie tossing). With a domain or another path
    /// it is `__Secure-id`, and on plain HTTP, which a prefixed cookie cannot use, `id`.
    pub(crate) fn name(&self, secure: bool) -> Cow<'static, str> {
        match &self.custom_name {
            Some(name) => name.clone(),
            None if !secure => Cow::Borrowed("id"),
            None if self.domain.is_none() && self.path == "/" => Cow::Borrowed("__Host-id"),
            None => Cow::Borrowed("__Secure-id"),
        }
    }

    /// Whether a browser could send this cookie and `other` with one request: whether their paths and
    /// domains overlap (RFC 6265's path-match and domain-match), whatever their names. A domain left unset
    /// is this host's, which may lie under any domain set.
    pub(crate) fn scope_overlaps(&self, other: &IdCookie) -> bool {
        let paths = path_match(&self.path, &other.path) || path_match(&other.path, &self.path);
        let domains = match (&self.domain, &other.domain) {
            (Some(one), Some(other)) => {
                let [one, other] = [one, other].map(|name| name.strip_prefix('.').unwrap_or(name).to_ascii_lowercase());
                domain_match(&one, &other) || domain_match(&other, &one)
            }
            _ => true,
        };
        paths && domains
    }

    pub(crate) fn rename(&mut self, name: Cow<'static, str>) {
        self.custom_name = Some(name);
    }

    /// The id cookie named `name`, with `value`, on a request whose cookies are `secure`.
    pub(crate) fn set_cookie<'a>(&'a self, name: &'a str, secure: bool, value: &'a str) -> SetCookie<'a> {
        SetCookie {
            name,
            value,
            http_only: true,
            same_site: self.same_site,
            partitioned: self.partitioned,
            secure,
            path: &self.path,
            domain: self.domain.as_deref(),
            max_age_secs: self.max_age.map(|max_age| max_age.as_secs()),
        }
    }
}

/// Default idle timeout: a day without a request ends the session.
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);
/// Default absolute timeout: no session lives longer than a week, however active.
pub(crate) const DEFAULT_ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 60 * 60);

impl Shared {
    pub(crate) fn new(loader: Arc<dyn LoadRecord>, key: Key) -> Self {
        let id_cookie = IdCookie::default();
        let schemas = Arc::new(Schemas::default());
        let reach = schemas.reach(&id_cookie, Transport::Https);
        let mut shared = Shared {
            keys: vec![key],
            id_cookie,
            transport: Transport::Https,
            idle_ms: millis(DEFAULT_IDLE_TIMEOUT),
            absolute_ms: millis(DEFAULT_ABSOLUTE_TIMEOUT),
            refresh_fraction: 0.5,
            id_cookie_lines: Default::default(),
            loader,
            schemas,
            reach,
        };
        shared.write_id_cookie_lines();
        shared
    }

    /// After a setting changed: where the layer now reads its id cookie, which decides the schemas its
    /// handles are compared with.
    pub(crate) fn update_reach(&mut self) {
        self.reach = self.schemas.reach(&self.id_cookie, self.transport);
    }

    /// Writes the id cookie's lines for the current settings: called whenever a setting changes.
    pub(crate) fn write_id_cookie_lines(&mut self) {
        let cookie = &self.id_cookie;
        self.id_cookie_lines =
            [false, true].map(|secure| cookie.set_cookie(&cookie.name(secure), secure, "").template());
    }

    /// The `Set-Cookie` line that gives the id cookie `value` on a request whose cookies are `secure`:
    /// with `Max-Age=max_age_secs` for a remembered session, else as the layer's settings say.
    pub(crate) fn id_cookie_line(
        &self,
        name: &str,
        secure: bool,
        value: &str,
        max_age_secs: Option<u64>,
    ) -> Option<HeaderValue> {
        match max_age_secs {
            None => self.id_cookie_lines[usize::from(secure)].header(value),
            Some(secs) => {
                crate::cookie::SetCookie { max_age_secs: Some(secs), ..self.id_cookie.set_cookie(name, secure, value) }
                    .header()
            }
        }
    }

    pub(crate) fn set_idle_timeout(&mut self, timeout: Duration) {
        self.idle_ms = millis(timeout);
    }

    pub(crate) fn set_absolute_timeout(&mut self, timeout: Duration) {
        self.absolute_ms = millis(timeout);
    }

    pub(crate) fn set_refresh_fraction(&mut self, fraction: f64) {
        self.refresh_fraction = fraction.clamp(0.0, 1.0);
    }

    /// The deadline of a session created at `created_at`, seen at `now`, whose idle timeout is `idle_ms`:
    /// idle and absolute, the earlier.
    pub(crate) fn deadline(&self, created_at: u64, now: u64, idle_ms: u64) -> u64 {
        let idle = now.saturating_add(idle_ms);
        let absolute = created_at.saturating_add(self.absolute_ms);
        idle.min(absolute)
    }

    /// The idle timeout of a session that `remember_for` gave `remembered` milliseconds (if it did): that
    /// long, but never shorter than the layer's.
    pub(crate) fn idle_ms(&self, remembered: Option<u64>) -> u64 {
        remembered.map_or(self.idle_ms, |remembered| remembered.max(self.idle_ms))
    }

    /// The idle timeout of `record`: the layer's, or the longer one `remember_for` gave it.
    fn idle_ms_of(&self, record: &Record) -> u64 {
        self.idle_ms(crate::session::remembered(record))
    }

    /// The `Max-Age`, in seconds, of the id cookie of a session created at `created_at` and remembered
    /// for `remembered` milliseconds, set at `now`: that long, within the absolute timeout. Rounded up: in
    /// a live session's last second, `Max-Age=0` would delete the cookie of a request that succeeded.
    pub(crate) fn remembered_cookie_secs(&self, created_at: u64, now: u64, remembered: u64) -> u64 {
        let left = created_at.saturating_add(self.absolute_ms).saturating_sub(now);
        remembered.min(left).div_ceil(1000)
    }

    /// Whether a session created at `created_at` is still within the absolute timeout at `now`.
    pub(crate) fn within_absolute_timeout(&self, created_at: u64, now: u64) -> bool {
        created_at.saturating_add(self.absolute_ms) > now
    }

    /// Whether `record` is live at `now` under this layer's timeouts. The timeouts in force are the
    /// current ones: a session written under a longer idle timeout than today's ends by today's, counted
    /// from its last activity, whatever deadline it was stored with.
    pub(crate) fn is_live(&self, record: &Record, now: u64) -> bool {
        !record.is_expired(now)
            && record.last_seen.saturating_add(self.idle_ms_of(record)) > now
            && self.within_absolute_timeout(record.created_at, now)
    }

    /// Whether a request that changed nothing should still write `record` at `now` to push its idle
    /// deadline back: once the fraction set by `with_idle_refresh` of its idle timeout (the layer's, or the
    /// longer one `remember_for` gave it) has passed since its last activity, or once its stored deadline
    /// lags the one today's timeouts give by as much (after the idle timeout was lengthened).
    pub(crate) fn refresh_due(&self, record: &Record, now: u64) -> bool {
        let idle_ms = self.idle_ms_of(record);
        // Exact for any timeout below 2^53 ms (285,000 years).
        let refresh_after_ms = (idle_ms as f64 * self.refresh_fraction) as u64;
        now.saturating_sub(record.last_seen) >= refresh_after_ms
            || self.deadline(record.created_at, now, idle_ms).saturating_sub(record.expires_at) >= refresh_after_ms
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        self.validate_timeouts()?;
        let cookie = &self.id_cookie;
        // The default name suits every setting; a chosen one must suit the settings it was given with.
        let name = cookie.custom_name.as_deref().unwrap_or("id");
        let problem = if !is_cookie_token(name) {
            Some(format!("`{}` is not a valid cookie name", name.escape_debug()))
        } else if name.len() > ID_COOKIE_NAME_MAX_LEN {
            // Every schema's `cookie_budget` keeps this much room for it, and no more.
            Some(format!(
                "the id cookie's name is {} bytes long, over the {ID_COOKIE_NAME_MAX_LEN} that every schema's \
                 `cookie_budget` keeps room for; choose a shorter name",
                name.len()
            ))
        } else if cookie.path.len() > MAX_ATTRIBUTE_BYTES {
            Some(format!(
                "the id cookie's path is {} bytes long; browsers ignore an attribute longer than \
                 {MAX_ATTRIBUTE_BYTES} bytes: choose a shorter path",
                cookie.path.len()
            ))
        } else if cookie.max_age.is_some_and(|max_age| max_age.as_secs() == 0) {
            Some(
                "the id cookie's max age is under a second, which is written as `Max-Age=0` and deletes the \
                 cookie at once: give `with_cookie_max_age` at least one second, and at least the idle timeout"
                    .to_owned(),
            )
        } else if cookie.max_age.is_some_and(|max_age| max_age.as_secs() > MAX_LIFETIME_SECS) {
            Some(
                "the id cookie's max age is longer than the 400 days browsers keep a cookie: give \
                 `with_cookie_max_age` at most 400 days"
                    .to_owned(),
            )
        } else if has_prefix(name, "__Host-") && !self.transport.may_be_secure() {
            Some(format!("the id cookie `{name}` needs `Secure`: remove `with_secure(false)` or the `__Host-` prefix"))
        } else if has_prefix(name, "__Host-") && cookie.domain.is_some() {
            Some(format!(
                "the id cookie `{name}` cannot have a domain: remove `with_cookie_domain` or the `__Host-` prefix"
            ))
        } else if has_prefix(name, "__Host-") && cookie.path != "/" {
            Some(format!(
                "the id cookie `{name}` must have the path `/`: remove `with_cookie_path` or the `__Host-` prefix"
            ))
        } else if let Some(prefix) = ["__Secure-", "__Http-"]
            .into_iter()
            .find(|prefix| has_prefix(name, prefix) && !self.transport.may_be_secure())
        {
            Some(format!("the id cookie `{name}` needs `Secure`: remove `with_secure(false)` or the `{prefix}` prefix"))
        } else if cookie.same_site == SameSite::None && !self.transport.may_be_secure() {
            Some("`SameSite=None` needs `Secure`: remove `with_secure(false)` or use another `SameSite`".to_owned())
        } else if !cookie.path.starts_with('/') || cookie.path.bytes().any(|b| !b.is_ascii_graphic() || b == b';') {
            Some(format!(
                "`{}` is not a valid cookie path: give one that starts with `/` and holds only visible ASCII \
                 characters other than `;` (no spaces; percent-encode the others)",
                cookie.path.escape_debug()
            ))
        } else {
            cookie.domain.as_deref().filter(|domain| !is_host_name(domain)).map(|domain| {
                format!(
                    "`{}` is not a valid cookie domain: give a host name such as `example.com` \
                     (letters, digits, `-` and `.` only)",
                    domain.escape_debug()
                )
            })
        };
        problem.map_or(Ok(()), |problem| Err(Error::Config(problem)))
    }

    /// Refuses timeouts that would end every session as it starts, and a refresh fraction that is no number.
    fn validate_timeouts(&self) -> Result<(), Error> {
        let problem = if self.idle_ms == 0 {
            "an idle timeout of zero (under a millisecond) ends every session as it starts: give \
             `with_idle_timeout` a longer one"
        } else if self.absolute_ms == 0 {
            "an absolute timeout of zero (under a millisecond) ends every session as it starts: give \
             `with_absolute_timeout` a longer one"
        } else if self.refresh_fraction.is_nan() {
            "`with_idle_refresh` was given NaN: give a fraction from 0.0 (refresh on every read) to 1.0 (never on \
             reads alone)"
        } else {
            return Ok(());
        };
        Err(Error::Config(problem.to_owned()))
    }
}

/// True if `domain` is a host name (letters, digits, `-` and `.`, at most 253 bytes): anything else could
/// smuggle an attribute of its own into the `Set-Cookie` line, such as `example.com; SameSite=None`.
fn is_host_name(domain: &str) -> bool {
    let domain = domain.strip_prefix('.').unwrap_or(domain);
    !domain.is_empty()
        && domain.len() <= 253
        && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// True if `name` is a non-empty RFC 6265 token.
fn is_cookie_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
