//! Typed sessions for tower and axum.
//!
//! One annotated struct says where each piece of per-visitor state lives: `#[cookie]` fields in client
//! cookies (plain, signed or encrypted), `#[session]` fields in a server-side store under a random session
//! id. The derive generates a typed handle with one reader, writer and remover per field, and the compiler
//! refuses sensitive data headed for a cookie and cookies that could outgrow the 4096 bytes a browser keeps.
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
//!     #[session]
//!     user_id: u64,
//! }
//!
//! async fn home(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     let theme = visitor.theme().unwrap_or(Theme::Light); // cookie: no I/O
//!     let user = visitor.user_id().await?;                 // session: loaded once per request
//!     Ok(format!("{theme:?} {user:?}"))
//! }
//!
//! let app: Router = Router::new()
//!     .route("/", get(home))
//!     .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
//! ```
//!
//! See `README.md` for the attribute language and the compile-time lints, and `ARCHITECTURE.md` for how a
//! request flows through the layer.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod cookie;
mod error;
mod id;
mod key;
mod layer;
mod report;
mod schema;
mod secret;
mod session;
pub mod store;
mod value;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use error::{Error, StoreError};
pub use id::{SessionId, StoreKey};
pub use key::Key;
pub use layer::{SessionLayer, SessionService};
pub use report::report;
pub use schema::{FieldInfo, Place, SessionSchema};
pub use secret::Secret;
pub use session::{RequestSessionExt, SessionHandle};
pub use store::{MemoryStore, SessionStore};
pub use value::{Bound, CookieValue};

#[cfg(feature = "derive")]
pub use session_derive::{CookieValue, SessionSchema};
