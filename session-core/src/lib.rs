//! Typed sessions for tower and axum.
//!
//! One annotated struct says where each piece of per-visitor state lives: `#[cookie]` fields in client
//! cookies (plain, signed or encrypted), `#[session]` fields in a server-side store under a random session
//! id. The derive generates a typed handle with one reader, writer and remover per field, and the compiler
//! refuses sensitive data headed for a cookie and cookies that could outgrow the 4096 bytes a browser keeps.
//!
//! # Quick start
//!
//! The crate is not published on crates.io: depend on it by path or by git. `derive` (the derives) and
//! `axum` (the extractor) are on by default.
//!
//! ```toml
//! [dependencies]
//! session-core = { path = "../session-schema/session-core" }   # or { git = "<repository URL>" }
//! axum = "0.8"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! Declare the schema, use the generated handle (`VisitorSession`) as an extractor, and add the layer:
//!
//! ```
//! use axum::{routing::get, Router};
//! use session_core::{CookieValue, Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
//! enum Theme { Light, Dark }
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     /// Front-end JavaScript reads it.
//!     #[cookie(plain, http_only = false, max_age = "400d")]
//!     theme: Theme,
//!     /// Signed (the default): readable, but tampering is detected.
//!     #[cookie(max_len = 16)]
//!     locale: String,
//!     #[session]
//!     user_id: u64,
//!     #[session(sensitive)]
//!     roles: Vec<String>,
//! }
//!
//! async fn home(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     let theme = visitor.theme().unwrap_or(Theme::Light); // cookie: no I/O
//!     let user = visitor.user_id().await?;                 // session: loaded once per request
//!     visitor.set_locale("en-GB".into())?;                 // size-checked and signed
//!     Ok(format!("{theme:?} {user:?}"))
//! }
//!
//! let app: Router = Router::new()
//!     .route("/", get(home))
//!     .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
//! // Serve it as any axum app: `axum::serve(listener, app).await`.
//! ```
//!
//! Routing a sensitive value to a cookie does not compile. The cookie below is named `password`, and the
//! compiler answers with the error and its fix (the full output of each check is in [`guide::lints`]):
//!
//! ```compile_fail
//! # use session_core::SessionSchema;
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 64)]
//!     password: String,
//! }
//! ```
//!
//! ```text
//! error: cookie `password` looks like it holds sensitive data (`password`)
//!
//!        help: keep it on the server with `#[session(sensitive)]`; if it is truly harmless, say why with `#[cookie(allow_sensitive = "...")]`
//! ```
//!
//! # The guide
//!
//! - [`guide::routing`]: cookie or server store, and the accessors the derive generates;
//! - [`guide::lints`]: every compile-time check, with the compiler's output;
//! - [`guide::protection`]: `plain`, `signed` and `private` cookies, cookie attributes, the id cookie;
//! - [`guide::stores`]: [`MemoryStore`], `SqliteStore`, `PostgresStore`, `RedisStore`, and your own
//!   [`SessionStore`];
//! - [`guide::timeouts`]: idle and absolute timeouts, and cookie lifetimes;
//! - [`guide::rotation`]: `cycle_id` at login, `destroy` at logout, and replacing the [`Key`];
//! - [`guide::owners`]: "sign out everywhere else" (`#[session(owner)]`), ids that change at every
//!   sign-in (`#[session(privilege)]`), and "remember me" (`remember_for`);
//! - [`guide::schema_changes`]: renames, type changes and the schema lock, for values stored by the last
//!   release;
//! - [`guide::testing`]: your app's tests, with a browser that keeps cookies;
//! - [`guide::migrating_from_tower_sessions`]: `tower-sessions` calls beside these.
//!
//! # Main items
//!
//! - [`SessionSchema`]: the derive, and the trait it implements (with the schema's metadata);
//!   [`report`] renders that metadata as a Markdown table, and [`schema_lock`] as the text a test keeps
//!   beside the code so that CI catches changes that would strand stored sessions.
//! - [`CookieValue`]: the derive for your own cookie types, and the trait with its worst-case length
//!   ([`Bound`]). [`Secret`] wraps values that may never reach a cookie.
//! - [`SessionLayer`]: the tower layer, configured with `with_*` methods; [`Key`] signs and encrypts.
//! - [`SessionStore`], [`MemoryStore`] and, with their features, `SqliteStore`, `PostgresStore` and
//!   `RedisStore` (each also under [`store`]).
//! - [`RequestSessionExt`]: a handle from a plain `http::Request`, for tower services without axum.
//! - [`Error`]: what can fail; with the feature `axum` it is a response (400 for a value too large for its
//!   cookie or a session too large for its store, 409 when the session ended or got a new id while the
//!   request ran or a moment before it arrived, 503 when the store is down, 500 otherwise).
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `derive` | yes | `#[derive(SessionSchema)]` and `#[derive(CookieValue)]` |
//! | `axum` | yes | generated handles are axum extractors; [`Error`] implements `IntoResponse` |
//! | `sqlite` | | `SqliteStore`: sessions in an SQLite file (SQLite compiled in) |
//! | `postgres` | | `PostgresStore`: sessions in PostgreSQL |
//! | `redis` | | `RedisStore` |
//! | `redis-tls` | | `rediss://` URLs for `RedisStore` |
//! | `uuid`, `time` | | [`CookieValue`] for `uuid::Uuid` and `time::OffsetDateTime` |
//! | `conformance` | | `store::conformance`, the test suite for your own store |
//! | `testing` | | `session_core::testing`: a cookie-keeping test client and the schema lock check, for your app's tests |
//!
//! `ARCHITECTURE.md`, at the root of the repository, describes how a request flows through the layer.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod base64url;
pub mod cookie;
mod entropy;
mod error;
pub mod guide;
mod id;
mod key;
mod layer;
mod report;
mod schema;
mod schema_lock;
mod secret;
mod session;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod value;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use error::{Error, StoreError};
pub use id::{SessionId, StoreKey};
pub use key::Key;
pub use layer::{ResponseFuture, SessionLayer, SessionService};
pub use report::report;
pub use schema::{FieldInfo, Migration, Place, SessionSchema};
pub use schema_lock::schema_lock;
pub use secret::Secret;
pub use session::{RequestSessionExt, SessionHandle, SessionInfo};
#[cfg(feature = "postgres")]
pub use store::PostgresStore;
#[cfg(feature = "redis")]
pub use store::RedisStore;
#[cfg(feature = "sqlite")]
pub use store::SqliteStore;
pub use store::{MemoryStore, SessionStore};
pub use value::{Bound, CookieValue};

#[cfg(feature = "derive")]
pub use session_derive::{CookieValue, SessionSchema};
