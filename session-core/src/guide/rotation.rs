//! Rotation: new session ids at login, ending sessions at logout, and replacing the key.
//!
//! # A new id at every change of privilege
//!
//! A session id is a credential: whoever holds it is the user. If an attacker can plant a known id in a
//! victim's browser before they log in (session fixation), the attacker shares the logged-in session,
//! unless the id changes at login. So call `cycle_id()` on the handle whenever the session gains or loses
//! privileges: at login, at logout if the session lives on, when roles change.
//!
//! `cycle_id()` keeps the data and gives the session a new id: when the response leaves, the record is
//! stored under the new id before the old one is deleted, so a failure never loses the session, and the
//! new id cookie is set. The old id loads nothing from then on. On a visitor who has no session yet it does
//! nothing: the session created when the handler sets a field already has a fresh id, minted by the
//! server. The server never adopts an id it did not issue, whether unknown, expired or forged.
//!
//! `destroy()` ends the session: the record is deleted and the id cookie cleared. Cookie fields are not
//! part of the session and stay as they are; remove those that should go with their `remove_*` methods.
//!
//! ```
//! use axum::{routing::get, Router};
//! use session_core::{Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session]
//!     user: String,
//!     #[session]
//!     cart_lines: u32,
//! }
//!
//! async fn add_to_cart(visitor: VisitorSession) -> Result<(), session_core::Error> {
//!     let lines = visitor.cart_lines().await?.unwrap_or(0);
//!     visitor.set_cart_lines(lines + 1).await
//! }
//!
//! async fn log_in(visitor: VisitorSession) -> Result<(), session_core::Error> {
//!     // (Check the credentials first.)
//!     visitor.cycle_id().await?;
//!     visitor.set_user("alice".into()).await
//! }
//!
//! async fn whoami(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     let user = visitor.user().await?.unwrap_or_else(|| "nobody".into());
//!     let lines = visitor.cart_lines().await?.unwrap_or(0);
//!     Ok(format!("{user}, {lines} line(s)"))
//! }
//!
//! async fn log_out(visitor: VisitorSession) -> Result<(), session_core::Error> {
//!     visitor.destroy().await
//! }
//!
//! let app: Router = Router::new()
//!     .route("/add", get(add_to_cart))
//!     .route("/login", get(log_in))
//!     .route("/whoami", get(whoami))
//!     .route("/logout", get(log_out))
//!     .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
//! # tokio::runtime::Runtime::new().unwrap().block_on(async move {
//! # use tower_service::Service;
//! # let mut app = app;
//! # async fn send(app: &mut Router, path: &str, cookies: &str) -> (String, Vec<String>) {
//! #     let mut request = http::Request::get(path);
//! #     if !cookies.is_empty() { request = request.header("cookie", cookies); }
//! #     let response = app.call(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
//! #     let set: Vec<String> = response.headers().get_all("set-cookie").iter()
//! #         .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned()).collect();
//! #     let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
//! #     (String::from_utf8(body.to_vec()).unwrap(), set)
//! # }
//! let (_, set) = send(&mut app, "/add", "").await;
//! let anonymous = set[0].clone();
//! let (_, set) = send(&mut app, "/login", &anonymous).await;
//! let logged_in = set[0].clone();
//! assert_ne!(logged_in, anonymous);
//! assert_eq!(send(&mut app, "/whoami", &logged_in).await.0, "alice, 1 line(s)"); // the cart came along
//! assert_eq!(send(&mut app, "/whoami", &anonymous).await.0, "nobody, 0 line(s)"); // the old id is dead
//!
//! let (_, set) = send(&mut app, "/logout", &logged_in).await;
//! assert_eq!(set, ["__Host-id="]); // cleared
//! assert_eq!(send(&mut app, "/whoami", &logged_in).await.0, "nobody, 0 line(s)"); // replaying it gets nothing
//! # });
//! ```
//!
//! # Replacing the key
//!
//! The [`Key`](crate::Key) signs the id cookie and every signed cookie field, and encrypts the private
//! ones. To replace it without logging everyone out, deploy the new key as the current one and the old
//! one as a previous key with [`SessionLayer::with_previous_keys`]:
//!
//! - cookies signed or encrypted with a previous key still verify;
//! - each one that is read is re-issued under the current key in the same response;
//! - new cookies are always written with the current key.
//!
//! Once the longest-lived cookie has had time to come back (for the id cookie the idle timeout, or the
//! longest `remember_for` in use, at most the absolute timeout; for cookie fields the largest `max_age`),
//! drop the old key. A signed or private cookie field without a `max_age` lasts as long as the browser
//! keeps it (one that restores its last session keeps it for good), and is re-issued only on a request
//! that reads it: one that no handler read during the wait reads as `None` once the old key is gone.
//! Dropping a key at once instead revokes every cookie it protected: that is the response to a leaked key.
//!
//! An app on several instances rotates in two deploys, because a rollout leaves old and new instances
//! serving the same browser for a while, and an instance that does not know the new key cannot read the
//! cookies a new one re-issued under it: it clears the id cookie, signing the visitor out.
//!
//! 1. Every instance learns the new key as a previous one, the old key staying the current one:
//!    `SessionLayer::new(store, old_key).with_previous_keys([new_key])`.
//! 2. Once that deploy is everywhere, the new key becomes the current one, as above:
//!    `SessionLayer::new(store, new_key).with_previous_keys([old_key])`.
//! 3. After the wait above, the old key goes.
//!
//! [`SessionLayer::with_previous_keys`]: crate::SessionLayer::with_previous_keys
//!
//! ```
//! use axum::{routing::get, Router};
//! use session_core::{Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(max_len = 16)]
//!     locale: String,
//! }
//!
//! async fn set(visitor: VisitorSession) -> Result<(), session_core::Error> {
//!     visitor.set_locale("en-GB".into())
//! }
//!
//! async fn show(visitor: VisitorSession) -> String {
//!     visitor.locale().unwrap_or_default()
//! }
//!
//! let old_key = Key::from_master_secret(b"the secret of last year, 32 bytes or more").unwrap();
//! let new_key = Key::from_master_secret(b"the secret of this year, 32 bytes or more").unwrap();
//! let routes = Router::new().route("/set", get(set)).route("/show", get(show));
//!
//! let before = routes.clone().layer(SessionLayer::new(MemoryStore::default(), old_key.clone()));
//! let after = routes.layer(SessionLayer::new(MemoryStore::default(), new_key).with_previous_keys([old_key]));
//! # tokio::runtime::Runtime::new().unwrap().block_on(async move {
//! # use tower_service::Service;
//! # let (mut before, mut after): (Router, Router) = (before, after);
//! # async fn send(app: &mut Router, path: &str, cookies: &str) -> (String, Vec<String>) {
//! #     let mut request = http::Request::get(path);
//! #     if !cookies.is_empty() { request = request.header("cookie", cookies); }
//! #     let response = app.call(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
//! #     let set: Vec<String> = response.headers().get_all("set-cookie").iter()
//! #         .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned()).collect();
//! #     let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
//! #     (String::from_utf8(body.to_vec()).unwrap(), set)
//! # }
//! let (_, set) = send(&mut before, "/set", "").await;
//! let signed_with_old_key = set[0].clone();
//!
//! let (locale, set) = send(&mut after, "/show", &signed_with_old_key).await;
//! assert_eq!(locale, "en-GB");                       // still verifies...
//! assert_eq!(set.len(), 1);                          // ...and is re-issued
//! assert_ne!(set[0], signed_with_old_key);           // under the new key
//! assert_eq!(send(&mut after, "/show", &set[0]).await, ("en-GB".to_owned(), vec![]));
//! # });
//! ```
