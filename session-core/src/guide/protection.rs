//! Protection: what the user can see and change in each cookie.
//!
//! # The three modes
//!
//! Each `#[cookie]` field picks one; the default is `signed`.
//!
//! | mode | the user can read it | a change by the user | cost over the encoded value |
//! |---|---|---|---|
//! | `plain` | yes | is accepted as the new value | none |
//! | `signed` | yes | makes the cookie read as `None` | 43 bytes: a base64url HMAC-SHA256 tag |
//! | `private` | no | makes the cookie read as `None` | nonce and tag (28 bytes), then base64url: about a third more |
//!
//! `signed` is right for most values: the app trusts what it reads, and the user can still see (and delete)
//! their own preferences. Use `plain` only for values the page's JavaScript reads or writes (a string it
//! writes through `encodeURIComponent` reads as the text), and `private` for values the user should not read,
//! such as an experiment bucket. Whatever the mode, a cookie is still the user's to delete or to replay from
//! an earlier response: state that must end when the server says so (a login, roles) belongs in the session
//! store, and secrets in no cookie at all (see [`lints`](super::lints)). A `plain` cookie named like
//! authorization or identity data (`role`, `is_admin`, `user_id`) does not compile: the user could grant
//! themselves the role.
//!
//! The cookie name is part of what is signed (for `private`, the associated data of the encryption), so a
//! valid value copied into another cookie does not verify either. Tags are checked by the `hmac` crate's
//! constant-time verification.
//! A signed or private cookie that does not verify under the current key or any previous key (see
//! [`rotation`](super::rotation)) reads as `None`, and the handler carries on as for a visitor without
//! it. A request may carry a name more than once (a browser sends one per path and domain that holds
//! it): of up to eight values, the one that verifies and decodes is read, and a header of forged copies
//! costs no more than eight checks. Two different values that both verify read as `None`: where a
//! cookie has a `domain`, a sibling subdomain can plant a copy on a longer path, and an authentic one at
//! that (a value this app once gave the planter), and which of the two is the visitor's own cannot be told.
//! More than eight values read as `None` too, since the visitor's own may be among those left unread, so
//! that copies of one planted value cannot win by their number. Either way the field reads as `None` on
//! the paths the copies are sent to: a denial, never a value of theirs. A visitor who holds no value of
//! the field reads a planted one, though, as with any cookie a sibling can set; a field named `__Host-...`
//! (host-only, `Secure`, on `/`) cannot be planted at all.
//!
//! The size check at compile time includes this overhead: [`Protection::protected_len`] is the worst
//! case the derive adds up.
//!
//! ```
//! use session_core::cookie::Protection;
//!
//! assert_eq!(Protection::Plain.protected_len(100), 100);
//! assert_eq!(Protection::Signed.protected_len(100), 143);
//! assert_eq!(Protection::Private.protected_len(100), 171);
//! ```
//!
//! [`Protection::protected_len`]: crate::cookie::Protection::protected_len
//!
//! # In practice
//!
//! The hidden lines of this example play a browser that edits its cookies before sending them back.
//!
//! ```
//! use axum::{routing::get, Router};
//! use session_core::{CookieValue, Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
//! enum Theme { Light, Dark }
//!
//! #[derive(SessionSchema)]
//! struct Prefs {
//!     #[cookie(plain, http_only = false)]
//!     theme: Theme,
//!     #[cookie(max_len = 16)]
//!     locale: String,
//!     #[cookie(private)]
//!     bucket: u8,
//! }
//!
//! async fn set(prefs: PrefsSession) -> Result<(), session_core::Error> {
//!     prefs.set_theme(Theme::Dark)?;
//!     prefs.set_locale("en-GB".into())?;
//!     prefs.set_bucket(3)
//! }
//!
//! async fn show(prefs: PrefsSession) -> String {
//!     format!("{:?} {:?} {:?}", prefs.theme(), prefs.locale(), prefs.bucket())
//! }
//!
//! let app: Router = Router::new()
//!     .route("/set", get(set))
//!     .route("/show", get(show))
//!     .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
//! # tokio::runtime::Runtime::new().unwrap().block_on(async move {
//! # use tower_service::Service;
//! # let mut app = app;
//! # async fn send(app: &mut Router, path: &str, cookies: &str) -> (String, Vec<String>) {
//! #     let mut request = http::Request::get(path);
//! #     if !cookies.is_empty() { request = request.header("cookie", cookies); }
//! #     let response = app.call(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
//! #     let set: Vec<String> = response.headers().get_all("set-cookie").iter()
//! #         .map(|v| v.to_str().unwrap().to_owned()).collect();
//! #     let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
//! #     (String::from_utf8(body.to_vec()).unwrap(), set)
//! # }
//! let (_, set_cookies) = send(&mut app, "/set", "").await;
//! // What the browser is asked to keep:
//! let named = |name: &str| set_cookies.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap().clone();
//! let (theme, locale, bucket) = (named("theme"), named("locale"), named("bucket"));
//! assert!(theme.starts_with("theme=dark;") && !theme.contains("HttpOnly")); // scripts can read it
//! assert!(locale.contains("en-GB;") && locale.contains("HttpOnly"));         // readable, after its tag
//! assert!(!bucket.starts_with("bucket=3;"));                                 // encrypted
//! let sent: Vec<&str> = [&theme, &locale, &bucket].map(|c| c.split(';').next().unwrap()).to_vec();
//! let (page, _) = send(&mut app, "/show", &sent.join("; ")).await;
//! assert_eq!(page, r#"Some(Dark) Some("en-GB") Some(3)"#);
//!
//! // The user edits every cookie: the plain one is taken as it is, the others no longer verify.
//! let edited = [
//!     "theme=light".to_owned(),
//!     sent[1].replace("en-GB", "fr-FR"),
//!     sent[2].replace("bucket=", "bucket=A"),
//! ];
//! let (page, _) = send(&mut app, "/show", &edited.join("; ")).await;
//! assert_eq!(page, "Some(Light) None None");
//! # });
//! ```
//!
//! # Cookie attributes
//!
//! Each `#[cookie(...)]` sets its own attributes; the defaults are the safe ones.
//!
//! | key | default | meaning |
//! |---|---|---|
//! | `http_only = bool` | `true` | `false` lets the page's JavaScript read the cookie |
//! | `secure = bool` | `true` | sent over HTTPS only |
//! | `same_site = "lax" \| "strict" \| "none"` | `"lax"` | whether other sites' requests carry it; `"none"` requires `secure` |
//! | `max_age = "400d" \| "12h" \| "30m" \| "45s"` | none: gone when the browser closes | at most 400 days |
//! | `path = "/..."` | `/` | the paths the browser sends it to |
//! | `domain = "..."` | this host only | share with subdomains |
//! | `partitioned` | off | CHIPS: a separate cookie per top-level site, for embedded apps |
//! | `name = "..."` | the field name | `__Host-` and `__Secure-` prefixes are checked |
//!
//! [`SessionLayer::with_secure`](crate::SessionLayer::with_secure)`(false)` drops `Secure` from every
//! cookie, the fields' and the id's, for development over plain HTTP; it logs a warning. A `partitioned`
//! cookie keeps it: browsers refuse a partitioned cookie without `Secure`, and accept a `Secure` one from
//! `localhost` over plain HTTP.
//! [`SessionLayer::with_secure_detected`](crate::SessionLayer::with_secure_detected) drops it only on
//! responses to requests known to have arrived over plain HTTP: with `trust_proxy`, a proxy's
//! `X-Forwarded-Proto: http`; else an `http` request URI.
//!
//! # The id cookie
//!
//! The session id cookie is written by the layer, not by a field: always signed, under a key derived for it alone,
//! so no cookie field (whatever its name) can read or mint a session id; `HttpOnly`, and by default `Secure`,
//! `SameSite=Lax`, `Path=/`, gone when the browser closes, and named `__Host-id`: a browser keeps a `__Host-`
//! cookie only from this very host, Secure, on `/` and without a domain, so an attacker who controls a sibling
//! subdomain cannot plant a session id of their choosing (and a request that still carries two different authentic
//! ids gets no session at all, and keeps both cookies: clearing would remove only this layer's own, and leave the
//! planted one to be the session; a logout ends both sessions, and until the planted cookie expires, the paths it
//! is sent to have no session, since which of two ids is the visitor's own cannot be told, and a write there fails
//! with [`Error::AmbiguousSession`](crate::Error::AmbiguousSession) (409) rather than start a session whose cookie
//! would replace the visitor's own; a request with more than eight id cookies, which no browser sends, gets no
//! session either, nor can it start one, and its logout ends the sessions of the first eight). It is `__Secure-id`
//! with a domain or another path, and `id` under `with_secure(false)`, which a prefixed cookie cannot use. The
//! layer's `with_cookie_name`, `with_same_site`, `with_cookie_path`, `with_cookie_domain`, `with_cookie_max_age`
//! and `with_partitioned` change it; [`SessionLayer::validate`](crate::SessionLayer::validate) checks the result
//! against the same rules as the derive's (a `__Host-` name needs `Secure`, no domain and the path `/`), and
//! applying an invalid layer panics at start-up. Responses that set or clear it, or any cookie field, carry
//! `Cache-Control: no-store`, and every response whose handler read the session (a cookie field, a `#[session]`
//! field, the id) `Vary: Cookie`, so that a shared cache never hands one visitor's page to another.
//!
//! ```
//! use session_core::{cookie::SameSite, Key, MemoryStore, SessionLayer};
//!
//! let layer = SessionLayer::new(MemoryStore::default(), Key::generate())
//!     .with_cookie_name("__Host-sid")
//!     .with_same_site(SameSite::Strict);
//! assert!(layer.validate().is_ok());
//!
//! let broken = layer.with_cookie_domain("example.com");
//! assert!(broken.validate().is_err()); // `__Host-` cookies cannot have a domain
//! ```
//!
//! # The key
//!
//! One [`Key`](crate::Key) (64 bytes: half signs, half encrypts) serves every cookie of a layer. Every
//! instance of an app must use the same key, and it must survive restarts: load it with
//! [`Key::from_master_secret`](crate::Key::from_master_secret) (HKDF-SHA256 from a secret of at least 32
//! bytes), [`Key::from_env`](crate::Key::from_env) or [`Key::from_bytes`](crate::Key::from_bytes).
//! [`Key::generate`](crate::Key::generate) is for tests and demos: its cookies stop verifying when the
//! process exits. To replace a key without logging anyone out, see [`rotation`](super::rotation).
