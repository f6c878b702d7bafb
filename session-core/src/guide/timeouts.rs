//! Timeouts: when a session ends, and how long cookies last.
//!
//! # Session timeouts
//!
//! A session ends at the earlier of two deadlines, both enforced by the server from the record's own
//! timestamps, whatever cookie the client sends and however long the browser keeps it:
//!
//! - the **idle timeout** ([`SessionLayer::with_idle_timeout`], default 24 hours): this long after the
//!   session was last written or had its deadline refreshed. A request that only reads it refreshes the
//!   deadline once a fraction of the timeout has passed (half by default, see
//!   [`SessionLayer::with_idle_refresh`]), so a session that is only read may end as soon as the rest of
//!   the timeout after its last request;
//! - the **absolute timeout** ([`SessionLayer::with_absolute_timeout`], default 7 days): this long after
//!   the session was created, however active it is. A sign-in (the `#[session(owner)]` field set to a new
//!   owner) counts as the session's creation, so the timeout counts from it, not from an anonymous visit
//!   before it. Every other move to a new id (`cycle_id`, a `privilege` field changed) keeps the creation
//!   time, so only a new sign-in takes a session past the absolute timeout. In a schema without an owner
//!   field, the session was created by its first write.
//!
//! After either, the session's `#[session]` fields read as `None`, as for a new visitor, and the record is
//! never read again; the store reclaims it (below). Cookie fields are not part of the session: they last as
//! their own `max_age` says.
//!
//! The timeouts in force are the layer's current ones, also for sessions created under older settings:
//! each record keeps when it was created and when it was last active, and the layer judges both against
//! its own timeouts. A deploy that shortens the idle timeout from a day to an hour ends, within that hour,
//! every session idle for longer, whatever deadline it was stored with; one that lengthens it lets active
//! sessions live longer from their next request on.
//!
//! [`SessionLayer::with_idle_timeout`]: crate::SessionLayer::with_idle_timeout
//! [`SessionLayer::with_absolute_timeout`]: crate::SessionLayer::with_absolute_timeout
//!
//! # Refreshing without a write per request
//!
//! Every write pushes the idle deadline back. A request that only reads the session pushes it back only
//! once a fraction of the idle timeout has passed since the session was last active: one half by default, so
//! an active reader costs at most about two store writes per idle timeout instead of one per request. For a
//! session that `remember_for` gave a longer idle timeout, the fraction is of that one.
//! [`SessionLayer::with_idle_refresh`] sets the fraction: `0.0` refreshes on every request that loads the
//! session, `1.0` only on writes.
//!
//! [`SessionLayer::with_idle_refresh`]: crate::SessionLayer::with_idle_refresh
//!
//! ```
//! use std::time::Duration;
//! use session_core::{Key, MemoryStore, SessionLayer};
//!
//! let layer = SessionLayer::new(MemoryStore::default(), Key::generate())
//!     .with_idle_timeout(Duration::from_secs(30 * 60))       // 30 minutes idle
//!     .with_absolute_timeout(Duration::from_secs(8 * 3600))  // a working day at most
//!     .with_idle_refresh(0.25);                              // re-arm after 7.5 minutes of reading
//! # let _ = layer;
//! ```
//!
//! Stores reclaim what has ended: `MemoryStore` sweeps expired records as it is used, `RedisStore` sets
//! each key's expiry to the session's deadline, and the SQL stores delete ended rows when the app runs
//! their `spawn_cleanup` (or `delete_expired`): without it, their tables keep growing
//! ([`guide::stores`](super::stores)).
//!
//! # An idle session ending
//!
//! With a one-second idle timeout, a visitor who comes back in time keeps the session, and one who
//! waits longer finds it gone. (The hidden lines play the browser.)
//!
//! ```
//! use std::time::Duration;
//! use axum::{routing::get, Router};
//! use session_core::{Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session]
//!     visits: u32,
//! }
//!
//! async fn count(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     let visits = visitor.visits().await?.unwrap_or(0) + 1;
//!     visitor.set_visits(visits).await?;
//!     Ok(visits.to_string())
//! }
//!
//! let app: Router = Router::new().route("/", get(count)).layer(
//!     SessionLayer::new(MemoryStore::default(), Key::generate()).with_idle_timeout(Duration::from_secs(1)),
//! );
//! # tokio::runtime::Runtime::new().unwrap().block_on(async move {
//! # use tower_service::Service;
//! # let mut app = app;
//! # async fn send(app: &mut Router, cookies: &str) -> (String, Vec<String>) {
//! #     let mut request = http::Request::get("/");
//! #     if !cookies.is_empty() { request = request.header("cookie", cookies); }
//! #     let response = app.call(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
//! #     let set: Vec<String> = response.headers().get_all("set-cookie").iter()
//! #         .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned()).collect();
//! #     let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
//! #     (String::from_utf8(body.to_vec()).unwrap(), set)
//! # }
//! let (visits, id_cookie) = send(&mut app, "").await;
//! assert_eq!(visits, "1");
//! tokio::time::sleep(Duration::from_millis(100)).await;
//! assert_eq!(send(&mut app, &id_cookie[0]).await.0, "2"); // in time: the deadline moves on
//! tokio::time::sleep(Duration::from_millis(1500)).await;
//! assert_eq!(send(&mut app, &id_cookie[0]).await.0, "1"); // too late: a new session
//! # });
//! ```
//!
//! # How long cookies last
//!
//! The id cookie is, by default, a browser-session cookie: it goes when the browser closes, even if the
//! server would keep the session longer. [`SessionLayer::with_cookie_max_age`] makes it persistent for every
//! visitor; for a "remember me" box at sign-in, call `remember_for` on that one session instead (see
//! [`owners`](super::owners)). The server's timeouts apply either way.
//!
//! A `#[cookie]` field is a browser-session cookie too unless it has `max_age` (`"400d"`, `"12h"`, `"30m"`,
//! `"45s"`; at most 400 days, the most browsers keep). These are client state: the browser, not the
//! server, decides when they go, and nothing ends them at logout unless the handler removes them.
//!
//! [`SessionLayer::with_cookie_max_age`]: crate::SessionLayer::with_cookie_max_age
