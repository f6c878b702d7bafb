//! Migrating from `tower-sessions` (0.15).
//!
//! `tower-sessions` gives each request a `Session`: a map from string keys to JSON values, kept in a store
//! under an id cookie. Here the keys become the fields of one struct, each routed to a cookie or to the
//! store, and the accessors are generated. Most calls translate one for one; what changes is that a typo
//! in a key, a value of the wrong type, or a secret headed for a cookie no longer compiles.
//!
//! # The schema replaces the keys
//!
//! Collect every key your handlers pass to `session.get` and `session.insert`, with the type they use it
//! at, into one struct. Keys that held server-side data become `#[session]` fields named after the key
//! (or with `#[session(name = "the old key")]` when the Rust name differs). Values you kept in
//! `tower_cookies::Cookies` beside the session can move into the same struct as `#[cookie]` fields.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use session_core::SessionSchema;
//!
//! #[derive(Clone, Debug, Serialize, Deserialize)]
//! struct CartItem { sku: String, qty: u32 }
//!
//! // Was: session.get::<u64>("user_id"), session.get::<Vec<CartItem>>("cart"),
//! //      session.get::<String>("flash.notice")
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session]
//!     user_id: u64,
//!     #[session]
//!     cart: Vec<CartItem>,
//!     #[session(flash, name = "flash.notice")]
//!     notice: String,
//! }
//! ```
//!
//! # Calls, side by side
//!
//! | `tower-sessions` 0.15 | `session-core` |
//! |---|---|
//! | `SessionManagerLayer::new(store)` | `SessionLayer::new(store, key)`: a [`Key`](crate::Key) is required, because the id cookie is always signed |
//! | `.with_signed(key)` / `.with_private(key)` (the id cookie) | nothing: the id cookie is always signed; cookie fields pick `plain`, `signed` or `private` each |
//! | `tower_sessions::cookie::Key::generate()` / `Key::from(&bytes)` | `Key::generate()` / `Key::from_bytes(&bytes)?`, or `Key::from_master_secret`, `Key::from_env` |
//! | `.with_secure(false)` | `.with_secure(false)` (logs a warning); behind a proxy that sets `X-Forwarded-Proto`, `.with_secure_detected(true)`, which drops `Secure` only where a request is known to be plain HTTP |
//! | `.with_expiry(Expiry::OnInactivity(Duration::hours(1)))` | `.with_idle_timeout(Duration::from_secs(3600))` (a `std::time::Duration`) |
//! | `.with_expiry(Expiry::AtDateTime(t))` | `.with_absolute_timeout(d)`: a lifetime counted from creation, for every session |
//! | `.with_expiry(Expiry::OnSessionEnd)` (and the default) | the default: a browser-session id cookie, with the server's idle and absolute timeouts |
//! | `.with_always_save(true)` | `.with_idle_refresh(0.0)`: refresh the deadline on every request that loads the session |
//! | `.with_name("sid")` | `.with_cookie_name("sid")` |
//! | `.with_same_site(SameSite::Lax)` | `.with_same_site(session_core::cookie::SameSite::Lax)` |
//! | `.with_path(p)` / `.with_domain(d)` | `.with_cookie_path(p)` / `.with_cookie_domain(d)` |
//! | `.with_http_only(false)` | no equivalent: the id cookie is always `HttpOnly`; a value scripts must read is a `#[cookie(plain, http_only = false)]` field |
//! | `session: Session` (extractor) | `visitor: VisitorSession` (extractor generated for `struct Visitor`) |
//! | `session.get::<u64>("user_id").await?` | `visitor.user_id().await?` |
//! | `session.insert("user_id", 42).await?` | `visitor.set_user_id(42).await?` |
//! | `session.remove::<u64>("user_id").await?` | `visitor.user_id().await?` then `visitor.remove_user_id().await?` (the remover returns nothing) |
//! | `session.remove::<String>("notice")` to read a message once | `visitor.take_notice().await?` on a `#[session(flash)]` field |
//! | `session.cycle_id().await?` | `visitor.cycle_id().await?` |
//! | `session.flush().await?` | `visitor.destroy().await?` |
//! | `session.delete().await?` | `visitor.destroy().await?` (which also clears the id cookie) |
//! | `session.clear().await` | `remove_*` for each field, or `destroy()` |
//! | `session.id()` (`Option<Id>`) | `visitor.id()` (`Option<SessionId>`, whose `Debug` shows only a hash prefix) |
//! | `session.save().await?` | nothing: changes are saved when the handler has answered |
//! | `session.set_expiry(..)` ("remember me") | `visitor.remember_for(duration).await?`: this session's id cookie persists, and the server keeps it that long ([guide::owners](super::owners#remember-me)); the timeouts are set on the layer |
//! | `tower_sessions::MemoryStore::default()` | `MemoryStore::default()` |
//! | `tower_sessions_redis_store::RedisStore::new(fred_pool)` | `store::RedisStore::connect("redis://...").await?` (feature `redis`) |
//! | `tower_sessions_sqlx_store::{SqliteStore, PostgresStore}` | `store::SqliteStore::connect("sqlite://sessions.db?mode=rwc").await?`, `store::PostgresStore::connect("postgres://...").await?` (features `sqlite`, `postgres`) |
//! | `ExpiredDeletion::continuously_delete_expired` | for `SqliteStore` and `PostgresStore`, `store.spawn_cleanup(period)` (or `delete_expired` from a job of your own); nothing to run for `MemoryStore`, which reclaims expired sessions as it is used, nor for Redis, whose keys expire |
//! | `impl SessionStore` with `create(&mut Record)`, `save`, `load`, `delete` over `Id` | [`SessionStore`](crate::SessionStore) with `load`, `create`, `save` (a field-level [`Patch`](crate::store::Patch)), `delete`, `cycle`, `owner_sessions` and `revoke_owner` over [`StoreKey`](crate::StoreKey) (see [`stores`](super::stores)) |
//! | `tower_sessions::session::Error` | [`session_core::Error`](crate::Error), which is an axum response |
//!
//! # A handler, before and after
//!
//! With `tower-sessions`:
//!
//! ```ignore
//! async fn log_in(session: Session) -> Result<Redirect, AppError> {
//!     let (user_id, name) = authenticate()?;
//!     session.cycle_id().await?;
//!     session.insert("user_id", user_id).await?;
//!     session.insert("flash.notice", format!("Welcome, {name}")).await?;
//!     Ok(Redirect::to("/"))
//! }
//! ```
//!
//! Here:
//!
//! ```
//! # use axum::{response::Redirect, routing::post, Router};
//! # use session_core::{Key, MemoryStore, SessionLayer, SessionSchema};
//! # fn authenticate() -> Result<(u64, String), session_core::Error> { Ok((7, "alice".into())) }
//! # type AppError = session_core::Error;
//! # #[derive(SessionSchema)]
//! # struct Visitor {
//! #     #[session]
//! #     user_id: u64,
//! #     #[session(flash, name = "flash.notice")]
//! #     notice: String,
//! # }
//! async fn log_in(visitor: VisitorSession) -> Result<Redirect, AppError> {
//!     let (user_id, name) = authenticate()?;
//!     visitor.cycle_id().await?;
//!     visitor.set_user_id(user_id).await?;
//!     visitor.set_notice(format!("Welcome, {name}")).await?;
//!     Ok(Redirect::to("/"))
//! }
//!
//! let app: Router = Router::new()
//!     .route("/login", post(log_in))
//!     .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
//! ```
//!
//! # What behaves differently
//!
//! - **Where a value lives is fixed by its field.** There is no string key to mistype and no value read at
//!   the wrong type; each field is either a cookie or in the store, and the compiler checks the choice
//!   (see [`lints`](super::lints)).
//! - **A value that no longer decodes reads as `None`.** `session.get` fails with a serde error when a
//!   stored value no longer matches the type asked for; here the reader returns `None` and logs a warning,
//!   so a deploy that changes a field's type does not turn into errors for every existing visitor.
//! - **Saves are field-level.** `tower-sessions` writes the whole record when anything changed; here the
//!   store receives only the fields that changed, so two concurrent requests that set different fields
//!   both keep their change. A value set to what was already stored costs no write.
//! - **The store key is a hash.** Records are filed under the SHA-256 of the id, not the id, so existing
//!   records of a `tower-sessions` store cannot be read: users sign in again once after the switch.
//! - **Both timeouts are enforced by the server.** `tower-sessions` computes one expiry date (two weeks by
//!   default, or from `Expiry`) and stores it with the record. Here every session has an idle timeout (24
//!   hours by default) and an absolute one (7 days), checked against the record's own timestamps at each
//!   load, and the id cookie lasts until the browser closes unless `with_cookie_max_age` (every session) or
//!   `remember_for` (one session) says otherwise.
//! - **Reading counts as activity.** With `Expiry::OnInactivity`, only modifying the session pushes its
//!   expiry back (or every request, with `with_always_save`). Here a request that reads the session
//!   also refreshes it, at most once per half idle timeout (see [`timeouts`](super::timeouts)).
//! - **`cycle_id` never loses the session.** `tower-sessions` deletes the old record at once and creates
//!   the new one when the session is saved; here, after the handler, the record is stored under the new
//!   id before the old id is deleted.
//! - **The id cookie defaults to `SameSite=Lax`** (`tower-sessions`: `Strict`), so a visitor following a
//!   link from another site arrives signed in. Set `with_same_site(SameSite::Strict)` to keep the old
//!   behaviour.
//! - **A store failure is a 503** with `Retry-After: 1`, instead of an empty 500. As before, nothing is
//!   saved when the handler answers with a 5xx status (a timeout layer inside the session layer should
//!   answer 503 or 504; a 408 counts too), and now also when it answers with the response of a
//!   `session_core::Error`, as `?` gives (a 400 for a value too large for its cookie), since it stopped
//!   halfway.
//! - **`tower_cookies::Cookies`**: `SessionManagerLayer` installs `tower-cookies`' cookie manager for you.
//!   `SessionLayer` does not need it for its own cookies; handlers that still take `Cookies` need
//!   `tower_cookies::CookieManagerLayer` added beside it, outside it (`.layer(session_layer)` first, then
//!   `.layer(CookieManagerLayer::new())`): a response the session layer answers itself (a 503 while the
//!   store is down) replaces the handler's, with the `Set-Cookie` lines of the layers inside it.
