//! [`SessionLayer`]: the tower layer that gives every request its session.

mod config;
mod future;
mod schemas;
mod service;

pub(crate) use config::Shared;
use config::Transport;
pub use future::ResponseFuture;
pub use schemas::SchemaMarks;
pub use service::SessionService;

use std::{borrow::Cow, sync::Arc, time::Duration};

use tower_layer::Layer;

use crate::{cookie::SameSite, store::SessionStore, Error, Key};

/// Gives every request a session: cookie fields read from the request, `#[session]` fields loaded from
/// `S` on first use, and every change written back once, before the response leaves.
///
/// It reads the `Cookie` header and writes its own `Set-Cookie` headers. Handlers that also take
/// `tower_cookies::Cookies` need `tower_cookies::CookieManagerLayer` beside it, outside it (see below).
///
/// In any tower stack, the inner service's response body must be one the layer can build an error
/// response of: `From<String>`, as axum's `Body`, `String` and `http_body_util::Full<Bytes>` are (map
/// another body type to one of these inside the layer, with `MapResponseBody`). When committing the
/// session fails (the store is down: 503; the session ended meanwhile: 409), the layer answers with that
/// error in place of the handler's response, whose headers, `Set-Cookie` from layers inside this one
/// among them, do not go out: put layers whose headers must always go out (CORS, `CookieManagerLayer`)
/// outside it. A layer that turns a dropped handler into a response (a timeout) belongs inside it, and
/// should answer 503 or 504: a 5xx saves none of the handler's changes. (A 408 is treated alike, but
/// browsers may send the request again on their own after one.)
///
/// One layer per request: every handle finds the same session. A request that passes through two (a
/// router with a layer of its own nested in one that has a layer, or one layer added twice) is answered
/// with a 500 before any handler runs, and the log says to remove one; routers with a layer each belong
/// side by side (`merge`), not one inside the other's layer.
///
/// ```
/// use std::time::Duration;
/// use session_core::{Key, MemoryStore, SessionLayer};
///
/// let layer = SessionLayer::new(MemoryStore::default(), Key::generate())
///     .with_idle_timeout(Duration::from_secs(30 * 60))
///     .with_absolute_timeout(Duration::from_secs(12 * 60 * 60));
/// let app: axum::Router = axum::Router::new().layer(layer);
/// ```
#[derive(Clone)]
pub struct SessionLayer<S: SessionStore> {
    store: S,
    shared: Arc<Shared>,
}

impl<S: SessionStore> SessionLayer<S> {
    /// A layer keeping sessions in `store`, signing and encrypting cookies with `key`.
    ///
    /// Defaults: id cookie `__Host-id` (HttpOnly, Secure, SameSite=Lax, Path=/, gone when the browser
    /// closes; `id` under `with_secure(false)`),
    /// idle timeout 24 hours, absolute timeout 7 days.
    pub fn new(store: S, key: Key) -> Self {
        let shared = Shared::new(Arc::new(store.clone()), key);
        SessionLayer { store, shared: Arc::new(shared) }
    }

    /// The path the id cookie is sent to, where [`Browser::session`](crate::testing::Browser::session)
    /// sends its request.
    #[cfg(feature = "testing")]
    pub(crate) fn id_cookie_path(&self) -> &str {
        &self.shared.id_cookie.path
    }

    fn configure(mut self, change: impl FnOnce(&mut Shared)) -> Self {
        let shared = Arc::make_mut(&mut self.shared);
        change(shared);
        shared.write_id_cookie_lines();
        shared.update_reach();
        self
    }

    /// Ends a session after this long without a request that writes it or refreshes its deadline.
    /// Enforced on the server, whatever cookie the client replays. Reading a session pushes its deadline
    /// back only once the fraction set by [`with_idle_refresh`](Self::with_idle_refresh) (default one
    /// half) of the timeout has passed, so reads do not write on every request: a session that is only
    /// read may end as soon as the rest of the timeout (by default half of it) after its last request.
    pub fn with_idle_timeout(self, timeout: Duration) -> Self {
        self.configure(|shared| shared.set_idle_timeout(timeout))
    }

    /// How much of the session's idle timeout (the layer's, or the longer one
    /// [`remember_for`](crate::guide::owners#remember-me) gave it) must have passed before a request that only reads
    /// the session pushes its deadline back (one store write): `0.0` refreshes on every request, `1.0` never
    /// on reads alone. The default, `0.5`, writes at most twice per idle timeout for an active reader. A
    /// fraction outside that range counts as its nearer end; NaN is refused when the layer is applied.
    pub fn with_idle_refresh(self, fraction: f64) -> Self {
        self.configure(|shared| shared.set_refresh_fraction(fraction))
    }

    /// Ends a session this long after it was created, however active it is.
    pub fn with_absolute_timeout(self, timeout: Duration) -> Self {
        self.configure(|shared| shared.set_absolute_timeout(timeout))
    }

    /// Keys that signed or encrypted cookies before the current one: their cookies still verify and are
    /// re-issued under the current key, so rotating keys logs nobody out (on several instances, in two
    /// deploys: see the [rotation guide](crate::guide::rotation#replacing-the-key)).
    pub fn with_previous_keys(self, keys: impl IntoIterator<Item = Key>) -> Self {
        self.configure(|shared| {
            shared.keys.truncate(1);
            shared.keys.extend(keys);
        })
    }

    /// `false` drops the `Secure` attribute from every cookie, for development over plain HTTP only (it logs
    /// a warning), except a `SameSite=None` or partitioned one or one named `__Host-...` or `__Secure-...`,
    /// which browsers refuse without it (and accept from `localhost` over plain HTTP). The id cookie is
    /// named `id` then, not `__Host-id`; a prefixed name or `SameSite=None` given to it as well is refused
    /// by [`validate`](Self::validate), which names the setting to drop. The default, `true`, sets `Secure`
    /// on every cookie.
    pub fn with_secure(self, secure: bool) -> Self {
        if !secure {
            tracing::warn!("session cookies are sent without `Secure`: use this for plain-HTTP development only");
        }
        self.configure(|shared| shared.transport = if secure { Transport::Https } else { Transport::PlainHttp })
    }

    /// Drops `Secure` from cookies answering requests known to have arrived over plain HTTP: when
    /// `trust_proxy` is true, an `X-Forwarded-Proto: http` (or `ws`) header, which wins over the URI (the
    /// proxy saw the client's request, the URI is of its own hop); else an `http` (or `ws`) request URI
    /// (an absolute one, or HTTP/2's scheme). Trust that header only behind a reverse proxy you control
    /// that always overwrites it: a client can send it too. Anything else keeps `Secure`: an HTTP/1.1
    /// request does not say whether it came over TLS, so a server that takes TLS itself must not send the
    /// id in the clear on a guess. Browsers accept `Secure` cookies from `localhost` over plain HTTP, but
    /// from no other plain-HTTP host: a staging server on plain HTTP without such a proxy needs
    /// [`with_secure(false)`](Self::with_secure). A `SameSite=None`, partitioned or prefixed cookie keeps
    /// `Secure` on plain HTTP too, as with `with_secure(false)`. Off by default; behind a proxy, like
    /// express-session's `secure: "auto"` with `proxy`.
    pub fn with_secure_detected(self, trust_proxy: bool) -> Self {
        self.configure(|shared| shared.transport = Transport::Detect { trust_proxy })
    }

    /// The name of the session id cookie. The default is `__Host-id` on Secure cookies, which a browser
    /// keeps only when this host set it without a domain on `/`, so a sibling subdomain cannot plant a
    /// session id (`__Secure-id` with `with_cookie_domain` or `with_cookie_path`, and `id` when cookies are
    /// not Secure). A chosen `__Host-` name requires `Secure`, no domain and the path `/`; a `__Secure-`
    /// name requires `Secure`. A name has at most 32 bytes, the room every schema's `cookie_budget` keeps
    /// for the id cookie. The layer checks this when it is applied.
    pub fn with_cookie_name(self, name: impl Into<Cow<'static, str>>) -> Self {
        self.configure(|shared| shared.id_cookie.rename(name.into()))
    }

    /// Makes the id cookie persistent for `max_age`, instead of ending with the browser session. It is sent
    /// again each time the session is written (a change, or the idle refresh), so it lasts `max_age` from
    /// the last write: give it at least the idle timeout, so that it outlives the stretch between two
    /// refreshes of a visitor who only reads, and at most the 400 days browsers keep a cookie (the layer
    /// checks this when it is applied, and that it is at least a second: `Max-Age` counts whole seconds,
    /// and `Max-Age=0` deletes the cookie). (As with `remember_for`: a response that re-sends it and reaches
    /// the browser after that of a sign-in the same browser made at the same moment puts back the id the
    /// sign-in replaced.)
    pub fn with_cookie_max_age(self, max_age: Duration) -> Self {
        self.configure(|shared| shared.id_cookie.max_age = Some(max_age))
    }

    /// The `Domain` of the id cookie, to share the session with subdomains (default: this host only).
    pub fn with_cookie_domain(self, domain: impl Into<Cow<'static, str>>) -> Self {
        self.configure(|shared| shared.id_cookie.domain = Some(domain.into()))
    }

    /// The `Path` of the id cookie (default `/`).
    pub fn with_cookie_path(self, path: impl Into<Cow<'static, str>>) -> Self {
        self.configure(|shared| shared.id_cookie.path = path.into())
    }

    /// The `SameSite` attribute of the id cookie (default `Lax`). `None` requires `Secure`.
    pub fn with_same_site(self, same_site: SameSite) -> Self {
        self.configure(|shared| shared.id_cookie.same_site = same_site)
    }

    /// Adds the `Partitioned` attribute (CHIPS) to the id cookie, for apps embedded in other sites.
    pub fn with_partitioned(self, partitioned: bool) -> Self {
        self.configure(|shared| shared.id_cookie.partitioned = partitioned)
    }

    /// Checks the settings: an id cookie name that is a valid cookie name of at most 32 bytes (the room
    /// every schema's `cookie_budget` keeps for the id cookie), the rules of the `__Host-` and `__Secure-`
    /// prefixes, `SameSite=None` only with `Secure`, a path and domain browsers accept, a max age from a
    /// second to 400 days, idle and absolute timeouts of at least a millisecond, and an idle refresh
    /// fraction that is a number. [`Layer::layer`] calls it and panics on an error, at start-up, like a
    /// conflicting axum route; call it first to handle the error yourself.
    pub fn validate(&self) -> Result<(), Error> {
        self.shared.validate()
    }
}

impl<S: SessionStore, I> Layer<I> for SessionLayer<S> {
    type Service = SessionService<S, I>;

    fn layer(&self, inner: I) -> Self::Service {
        if let Err(error) = self.validate() {
            panic!("{error}");
        }
        SessionService::new(inner, self.store.clone(), self.shared.clone())
    }
}
