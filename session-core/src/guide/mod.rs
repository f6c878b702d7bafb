//! The guide: one page per concept, each with examples that compile and run as doctests.
//!
//! This module holds documentation only; it has no items.
//!
//! | page | what it answers |
//! |---|---|
//! | [`routing`] | which fields go to a cookie and which to the server store, and what the derive generates for each |
//! | [`lints`] | every compile-time check, with the code that trips it and the compiler's output |
//! | [`protection`] | `plain`, `signed` and `private` cookies, their size cost, and the cookie attributes |
//! | [`stores`] | [`MemoryStore`](crate::MemoryStore), `SqliteStore`, `PostgresStore`, `RedisStore`, and writing your own store |
//! | [`timeouts`] | idle and absolute timeouts, how reads refresh them, and cookie lifetimes |
//! | [`rotation`] | a new session id on login with `cycle_id`, and rotating the signing key |
//! | [`owners`] | who owns a session: "sign out everywhere else", privilege fields, "remember me" |
//! | [`schema_changes`] | renaming fields and changing their types without losing what live sessions hold, and the schema lock that catches it in CI |
//! | [`testing`] | your app's tests: a browser that keeps cookies, and reading the session state |
//! | [`migrating_from_tower_sessions`] | `tower-sessions` calls beside their equivalents here |
//!
//! Read [`routing`] first: the other pages assume its vocabulary (a *schema* is the annotated struct, a
//! *handle* is the type the derive generates from it, such as `VisitorSession` for `struct Visitor`).

pub mod lints;
pub mod migrating_from_tower_sessions;
pub mod owners;
pub mod protection;
pub mod rotation;
pub mod routing;
pub mod schema_changes;
pub mod stores;
pub mod testing;
pub mod timeouts;
