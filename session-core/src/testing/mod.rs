//! Helpers for your app's own tests (feature `testing`): a [`Browser`] that keeps cookies in front of any
//! tower service or axum router and reads the session state, and [`assert_schema_lock`], which fails CI
//! when a schema change would leave stored sessions unreadable.
//!
//! Enable the feature for tests only:
//!
//! ```toml
//! [dev-dependencies]
//! session-core = { path = "../session-schema/session-core", features = ["testing"] }
//! ```
//!
//! The guide's [`testing`](crate::guide::testing) page walks through both.

mod browser;
mod jar;
mod lock_file;

pub use crate::schema_lock::compare::LockComparison;
pub use browser::{Browser, Reply};
pub use jar::Jar;
pub use lock_file::{assert_schema_lock, compare_schema_locks, LOCK_ENV};
