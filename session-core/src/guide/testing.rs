//! Testing your app: a browser that keeps cookies, the session as the server holds it, and the schema lock.
//!
//! Everything here is in `session_core::testing`, behind the feature `testing`. Enable it for your tests
//! only:
//!
//! ```toml
//! [dev-dependencies]
//! session-core = { path = "../session-schema/session-core", features = ["testing"] }
//! tokio = { version = "1", features = ["macros", "rt"] }
//! ```
//!
//! # A browser in front of your app
//!
//! [`Browser`](crate::testing::Browser) sends requests straight into your axum `Router` (or any tower
//! `Service<http::Request<B>>`), without a socket, and keeps the cookies the responses set, as a browser
//! would: the next request sends them back, and a deleted cookie leaves the jar. Each answer is a
//! [`Reply`](crate::testing::Reply) with the status, headers, `Set-Cookie` lines and body.
//!
//! [`Browser::session`](crate::testing::Browser::session) reads the session as the server holds it: pass the
//! layer your app uses (same store, same key) and a closure that takes the handle.
//!
//! ```
//! use axum::{routing::{get, post}, Router};
//! use session_core::{testing::Browser, Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session]
//!     user: String,
//!     #[session]
//!     cart: Vec<String>,
//! }
//!
//! /// Takes the form `user=<name>` (a real app checks a password, with `axum::extract::Form`).
//! async fn log_in(visitor: VisitorSession, form: String) -> Result<(), session_core::Error> {
//!     visitor.cycle_id().await?;
//!     visitor.set_user(form.trim_start_matches("user=").to_owned()).await
//! }
//!
//! async fn add(visitor: VisitorSession) -> Result<(), session_core::Error> {
//!     let mut cart = visitor.cart().await?.unwrap_or_default();
//!     cart.push("apple".into());
//!     visitor.set_cart(cart).await
//! }
//!
//! async fn home(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     Ok(format!("hello {}", visitor.user().await?.unwrap_or_default()))
//! }
//!
//! fn app(layer: SessionLayer<MemoryStore>) -> Router {
//!     Router::new()
//!         .route("/", get(home))
//!         .route("/login", post(log_in))
//!         .route("/cart", post(add))
//!         .layer(layer)
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let layer = SessionLayer::new(MemoryStore::default(), Key::generate());
//! let mut browser = Browser::new(app(layer.clone()));
//!
//! browser.post_form("/login", "user=alice").await;
//! browser.post("/cart").await;
//! assert_eq!(browser.get("/").await.body, "hello alice");
//! assert!(browser.cookie("__Host-id").is_some(), "the session id cookie is kept");
//!
//! let cart = browser.session(&layer, |visitor: VisitorSession| async move { visitor.cart().await }).await;
//! assert_eq!(cart.unwrap(), Some(vec!["apple".to_owned()]));
//! # });
//! ```
//!
//! The browser is on `https://localhost` (another site with `with_origin`) and keeps and sends cookies by
//! browsers' rules: a cookie goes only to its `Path` and `Domain`, a `Secure` one only over HTTPS (or to
//! `localhost`), and one that has expired or broken its `__Host-` or `__Secure-` prefix's rules not at
//! all, so a test passes only where a browser would. `browser.cookies` is the
//! [`Jar`](crate::testing::Jar), for tests that plant, forge or drop a cookie. A second visitor is a
//! second `Browser` over a clone of the router (clones share the store). `send` takes any `http::Request`
//! for what the shortcuts (`get`, `post`, `post_form`) do not cover.
//!
//! # The schema lock
//!
//! One more test keeps deploys from stranding stored sessions: it compares the schema with a lock file
//! committed beside it, and fails when a change would leave what the last release stored unreadable. The
//! [`schema_changes`](super::schema_changes) page explains the rules and what to write.
//!
//! ```no_run
//! # use session_core::SessionSchema;
//! # #[derive(SessionSchema)]
//! # struct Visitor { #[session] user: String }
//! #[test]
//! fn sessions_stored_by_the_last_release_stay_readable() {
//!     session_core::testing::assert_schema_lock::<Visitor>(
//!         concat!(env!("CARGO_MANIFEST_DIR"), "/tests/visitor.schema.lock"),
//!     );
//! }
//! ```
//!
//! Create the file, and later record changes, with `SESSION_SCHEMA_LOCK=overwrite cargo test`.
