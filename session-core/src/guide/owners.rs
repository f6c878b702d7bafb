//! Who owns a session: "sign out everywhere else", a new id at every sign-in without calling for it, and
//! "remember me" for one session.
//!
//! # The owner
//!
//! Mark the `#[session]` field that says who is signed in (a user id, of any type that serialises) with
//! `owner`. The store then keeps an index from that owner to the owner's sessions, written in the same
//! atomic step as the session itself: when a request signs in, when the id is cycled, when a session is
//! destroyed, and dropped when a session expires. The index holds hashes only: the hash of the owner's
//! value and the store key of each session (itself a hash of the id), so a dump of it signs nobody in.
//! An `Option` owner set to `None` is no owner: a session whose field holds `None` (or that never set it)
//! is in no index, lists no sessions and revokes none.
//!
//! The handle gains three methods, and two associated functions for code that has the store but no
//! request (a password reset job, an admin page):
//!
//! | method | what it does |
//! |---|---|
//! | `owner_sessions()` | the live sessions of this session's owner, as [`SessionInfo`](crate::SessionInfo)s, this one marked `current` |
//! | `revoke_other_sessions()` | "sign out everywhere else": ends the others, now, and says how many (none, with a 409, if another tab gave this session a new id meanwhile, which would otherwise count as another) |
//! | `revoke_session(&key)` | "sign out that device": ends one of them, by the `key` of its `SessionInfo` |
//! | `VisitorSession::sessions_of(&store, &owner)` | the owner's live sessions, without a request |
//! | `VisitorSession::revoke_owner(&store, &owner)` | ends them all, without a request |
//!
//! Revoking is atomic in every store: a request of a revoked session that is under way when it happens
//! cannot write the session back, under its old id or a new one. A request that never changes the owner
//! costs what it did before: one load to read, one write to change, nothing more.
//!
//! What a revocation cannot end is a sign-in still under way, in a session that has no such owner yet:
//! a sign-in that checked the old password before a reset and commits after it is signed in. Where a
//! reset must also stop those, keep the credential's generation in the session (a `#[session]` field set
//! at sign-in, such as a counter that each password change bumps) and compare it with the account's on
//! each request that trusts the session, as Django does with a hash of the password.
//!
//! # Marking a field of a live app as the owner
//!
//! Sessions stored before a field became the owner are not in any owner's index yet. Each joins its
//! owner's index in the first request that reads the field, in that request's one write (unless a request
//! that set the field meanwhile indexed it already: that one's value wins), and `revoke_owner` does not
//! end it before then. The schema lock notes the change. If a password reset right after the
//! deploy must end every older session too, end all of them with the deploy: a new [`Key`](crate::Key)
//! without [`with_previous_keys`](crate::SessionLayer::with_previous_keys) signs everyone out.
//! Moving the owner from one field to another is different: a session stored before is indexed under the
//! earlier field's value already, and stays there until it ends, out of reach of `revoke_owner` with the
//! new owner. The schema lock fails that change, naming these two ways out.
//!
//! The owner's stored form must not change either (the index is keyed by it): an owner's type changes as
//! [guide::schema_changes](super::schema_changes#an-owners-type) shows, without `migrate_from`.
//!
//! # Privilege fields
//!
//! Mark with `privilege` the fields whose change must give the session a new id: who is signed in, their
//! roles. Writing one with a new value cycles the id in the same commit, exactly as `cycle_id()` would, so
//! a sign-in can never keep the id the visitor had before it (session fixation), whoever writes the
//! handler. Reading a privilege field, or writing the value it already has, does not.
//!
//! ```
//! use axum::{extract::Path, routing::{get, post}, Router};
//! use session_core::{Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     /// Who is signed in: the owner, and a privilege.
//!     #[session(owner, privilege)]
//!     user_id: u64,
//!     #[session]
//!     cart_lines: u32,
//! }
//!
//! async fn sign_in(visitor: VisitorSession, Path(user): Path<u64>) -> Result<(), session_core::Error> {
//!     // (Check the credentials first.) No `cycle_id()` to forget: writing `user_id` cycles the id.
//!     visitor.set_user_id(user).await
//! }
//!
//! async fn devices(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     let sessions = visitor.owner_sessions().await?;
//!     let others = sessions.iter().filter(|session| !session.current).count();
//!     Ok(format!("{} session(s), {others} elsewhere", sessions.len()))
//! }
//!
//! async fn sign_out_elsewhere(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     Ok(format!("{} ended", visitor.revoke_other_sessions().await?))
//! }
//!
//! async fn whoami(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     Ok(format!("{:?}", visitor.user_id().await?))
//! }
//!
//! let store = MemoryStore::default();
//! let app: Router = Router::new()
//!     .route("/sign-in/{user}", post(sign_in))
//!     .route("/devices", get(devices))
//!     .route("/devices/others", post(sign_out_elsewhere))
//!     .route("/whoami", get(whoami))
//!     .layer(SessionLayer::new(store.clone(), Key::generate()));
//! # tokio::runtime::Runtime::new().unwrap().block_on(async move {
//! # use tower_service::Service;
//! # let mut app = app;
//! # async fn send(app: &mut Router, method: &str, path: &str, cookies: &str) -> (String, Vec<String>) {
//! #     let mut request = http::Request::builder().method(method).uri(path);
//! #     if !cookies.is_empty() { request = request.header("cookie", cookies); }
//! #     let response = app.call(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
//! #     let set: Vec<String> = response.headers().get_all("set-cookie").iter()
//! #         .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned()).collect();
//! #     let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
//! #     (String::from_utf8(body.to_vec()).unwrap(), set)
//! # }
//! // Signed in on a laptop, a phone and a tablet.
//! let mut cookies = Vec::new();
//! for _ in 0..3 {
//!     let (_, set) = send(&mut app, "POST", "/sign-in/7", "").await;
//!     cookies.push(set[0].clone());
//! }
//! let (laptop, phone) = (&cookies[0], &cookies[1]);
//! assert_eq!(send(&mut app, "GET", "/devices", laptop).await.0, "3 session(s), 2 elsewhere");
//! assert_eq!(send(&mut app, "POST", "/devices/others", laptop).await.0, "2 ended");
//! assert_eq!(send(&mut app, "GET", "/whoami", laptop).await.0, "Some(7)");
//! assert_eq!(send(&mut app, "GET", "/whoami", phone).await.0, "None"); // signed out
//!
//! // A password reset, with the store and the user id but no request.
//! assert_eq!(VisitorSession::sessions_of(&store, &7).await.unwrap().len(), 1);
//! assert_eq!(VisitorSession::revoke_owner(&store, &7).await.unwrap(), 1);
//! assert_eq!(send(&mut app, "GET", "/whoami", laptop).await.0, "None");
//! # });
//! ```
//!
//! # Remember me
//!
//! By default the id cookie ends with the browser session, and a session ends after the layer's idle
//! timeout without a request. `remember_for(duration)` changes both, for this one session: its id cookie
//! becomes persistent (`Max-Age`) for `duration`, and the server keeps the session that long without a
//! request (never less than the layer's idle timeout). The layer's absolute timeout still caps both. The
//! choice is kept in the session, so it survives `cycle_id()`, and every write of the session slides the
//! cookie on with its deadline. Sessions that do not ask keep browser-session cookies, and
//! `remember_for(Duration::ZERO)` forgets: the cookie ends with the browser session again. Every schema has
//! `remember_for`, owner or not.
//!
//! ```
//! use std::time::Duration;
//!
//! use axum::{routing::post, Router};
//! use session_core::{Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[session(owner, privilege)]
//!     user_id: u64,
//! }
//!
//! async fn sign_in(visitor: VisitorSession) -> Result<(), session_core::Error> {
//!     visitor.set_user_id(7).await
//! }
//!
//! async fn sign_in_and_remember(visitor: VisitorSession) -> Result<(), session_core::Error> {
//!     visitor.set_user_id(7).await?;
//!     visitor.remember_for(Duration::from_secs(30 * 24 * 60 * 60)).await
//! }
//!
//! let app: Router = Router::new()
//!     .route("/sign-in", post(sign_in))
//!     .route("/sign-in/remember", post(sign_in_and_remember))
//!     .layer(
//!         SessionLayer::new(MemoryStore::default(), Key::generate())
//!             .with_absolute_timeout(Duration::from_secs(14 * 24 * 60 * 60)),
//!     );
//! # tokio::runtime::Runtime::new().unwrap().block_on(async move {
//! # use tower_service::Service;
//! # let mut app = app;
//! # async fn set_cookie(app: &mut Router, path: &str) -> String {
//! #     let request = http::Request::post(path).body(axum::body::Body::empty()).unwrap();
//! #     let response = app.call(request).await.unwrap();
//! #     response.headers()["set-cookie"].to_str().unwrap().to_owned()
//! # }
//! let remembered = set_cookie(&mut app, "/sign-in/remember").await;
//! assert!(remembered.contains("Max-Age=1209600"), "{remembered}"); // 30 days, capped at the 14-day absolute timeout
//! let plain = set_cookie(&mut app, "/sign-in").await;
//! assert!(!plain.contains("Max-Age"), "{plain}"); // ends with the browser session
//! # });
//! ```
//!
//! # What the compiler refuses
//!
//! `owner` and `privilege` on a cookie field (a cookie is not in the store, and changes without the id
//! changing), two `owner` fields, an `owner` that is also `flash` (a read would remove it), and an `owner`
//! with `migrate_from` (sessions not yet converted would escape `revoke_owner`; see
//! [`schema_changes`](super::schema_changes#an-owners-type) for how an owner's type changes): see
//! [`lints`](super::lints#owners-and-privileges).
