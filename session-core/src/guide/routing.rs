//! Routing: where each field lives, and what the derive generates for it.
//!
//! A schema is a struct whose every field carries one of two attributes:
//!
//! - `#[cookie(...)]`: the value lives in a client cookie of its own. Reading it costs no I/O and it
//!   survives server restarts and store outages, but it travels with every request, the browser keeps at
//!   most 4096 bytes of it, and the user can see it unless it is `private` (see [`protection`]).
//! - `#[session(...)]`: the value lives in the server-side store, in one record per visitor filed under a
//!   random session id that travels in one signed cookie (`__Host-id` by default). It can be large, is never
//!   shown to the user, and ends when the server says so (logout, timeouts), whatever the browser keeps.
//!
//! A field with neither attribute, or with both, does not compile (see [`lints`]).
//!
//! [`protection`]: super::protection
//! [`lints`]: super::lints
//!
//! # Choosing
//!
//! | the value is... | route it to |
//! |---|---|
//! | a preference the page's JavaScript reads (theme) | `#[cookie(plain, http_only = false)]` |
//! | small and harmless, wanted across restarts (locale, last-seen banner) | `#[cookie]` (signed) |
//! | small, and the user should not read it (an A/B bucket) | `#[cookie(private)]` |
//! | who the user is, what they may do (user id, roles) | `#[session]`, roles `#[session(sensitive)]` |
//! | a credential for another service | `#[session(sensitive)]` holding a [`Secret`](crate::Secret) |
//! | large or growing (a cart, a draft) | `#[session]` |
//! | a one-time message for the next page | `#[session(flash)]` |
//!
//! `sensitive` redacts the field in logs and in [`report`](crate::report()), and makes any attempt to route
//! it to a cookie a compile error.
//!
//! # What the derive generates
//!
//! `#[derive(SessionSchema)]` on `struct Visitor` generates a handle, `VisitorSession`, with the struct's
//! visibility and one documented accessor per field (rename the handle with `#[schema(handle = "Name")]`,
//! as when another type in the module already has the name).
//! For a field `x: T`:
//!
//! | field | reader | writer | remover |
//! |---|---|---|---|
//! | `#[cookie]` | `fn x(&self) -> Option<T>` | `fn set_x(&self, v: T) -> Result<(), Error>` | `fn remove_x(&self)` |
//! | `#[session]` | `async fn x(&self) -> Result<Option<T>, Error>` | `async fn set_x(&self, v: T) -> Result<(), Error>` | `async fn remove_x(&self) -> Result<(), Error>` |
//! | `#[session(flash)]` | `async fn take_x(&self) -> Result<Option<T>, Error>` | as `#[session]` | as `#[session]` |
//!
//! Every handle also has `id()`, `cycle_id()` and `destroy()` (see [`rotation`](super::rotation)).
//!
//! A field's `///` docs become its reader's. Its `#[deprecated]` and `#[allow(...)]` attributes go on all
//! three accessors, so the app's uses of a field being phased out warn, and a lint allowed on a field (say
//! clippy's `doc_markdown`, for its docs) is allowed where they are copied too; those on the struct hold
//! for the handle.
//!
//! Cookie accessors are synchronous: a reader verifies and decodes the cookie the request carried (or the
//! value this request set), a writer encodes, signs or encrypts and queues a `Set-Cookie`. Session
//! accessors are `async` because the first one in a request loads the record from the store; later ones
//! read the request's copy. Writers only record the change: when the handler has answered, the layer
//! applies all of them in at most one store write (a new id adds, before it, a short-lived marker of the
//! move, see below). So:
//!
//! - a handler that uses only cookie fields never touches the store;
//! - a visitor gets a session id (and the store a record) only when a request sets a `#[session]` field;
//! - reading, or writing back the value already stored, costs no write (but for the idle refresh that
//!   pushes an active session's deadline back: see [`guide::timeouts`](super::timeouts));
//! - a handler that answers with a 5xx status (a timeout layer inside `SessionLayer` that dropped it
//!   should answer 503 or 504; a 408 counts too), or with the response of a `session_core::Error` (what
//!   `?` gives in a handler returning `Result<_, session_core::Error>`), saves nothing, so a half-done
//!   change is never stored;
//! - if the store fails while saving, the response becomes a 503 instead of losing the write silently;
//! - if the session ended or got a new id while the request ran (a sign-out, a revocation, a sign-in
//!   alongside), its changes are not saved and the response becomes a 409
//!   ([`Error::EndedDuringRequest`](crate::Error::EndedDuringRequest)), which the client can retry; so
//!   does a write that arrives, within a minute, with an id a sign-in has moved (sent before the sign-in's
//!   answer came back), instead of starting a new session whose cookie would sign the browser out;
//! - a write that would make the session larger than its store keeps for one answers 400
//!   ([`Error::SessionTooLarge`](crate::Error::SessionTooLarge)), changing nothing.
//!
//! A reader returns `None` when the value is absent, when a cookie fails verification or holds more than
//! its `max_len`, and when a stored or cookie value no longer decodes as `T` (a deploy changed the type). It never panics and never fails
//! the request; it logs a warning that names the cookie or field.
//!
//! # Example
//!
//! The handler below uses both kinds of field. The hidden lines of this example (shown in the source)
//! play the browser: they call the app twice, sending back the cookies the first response set.
//!
//! ```
//! use axum::{routing::get, Router};
//! use serde::{Deserialize, Serialize};
//! use session_core::{CookieValue, Key, MemoryStore, SessionLayer, SessionSchema};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
//! enum Theme { Light, Dark }
//!
//! #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
//! struct CartItem { sku: String, qty: u32 }
//!
//! #[derive(SessionSchema)]
//! struct Visitor {
//!     #[cookie(plain, http_only = false, max_age = "400d")]
//!     theme: Theme,
//!     #[cookie(max_len = 16)]
//!     locale: String,
//!     #[session]
//!     user_id: u64,
//!     #[session(sensitive)]
//!     roles: Vec<String>,
//!     #[session]
//!     cart: Vec<CartItem>,
//!     #[session(flash)]
//!     notice: String,
//! }
//!
//! async fn add_to_cart(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     visitor.set_theme(Theme::Dark)?;                    // queues a Set-Cookie, no I/O
//!     let mut cart = visitor.cart().await?.unwrap_or_default(); // loads the record
//!     cart.push(CartItem { sku: "tea".into(), qty: 2 });
//!     visitor.set_cart(cart).await?;                      // recorded; saved after the handler
//!     visitor.set_notice("Added tea".into()).await?;
//!     Ok("added".into())
//! }
//!
//! async fn show_cart(visitor: VisitorSession) -> Result<String, session_core::Error> {
//!     let theme = visitor.theme().unwrap_or(Theme::Light);
//!     let notice = visitor.take_notice().await?.unwrap_or_default(); // gone after this request
//!     let lines = visitor.cart().await?.map_or(0, |cart| cart.len());
//!     Ok(format!("{theme:?}, {lines} line(s), notice: {notice:?}"))
//! }
//!
//! let app: Router = Router::new()
//!     .route("/add", get(add_to_cart))
//!     .route("/cart", get(show_cart))
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
//! let (_, set_cookies) = send(&mut app, "/add", "").await;
//! // Two cookies: the theme field, and the id of the new session that holds the cart and the notice.
//! assert_eq!(set_cookies.len(), 2);
//! assert!(set_cookies.contains(&"theme=dark".to_owned()));
//!
//! let cookies = set_cookies.join("; ");
//! let (page, _) = send(&mut app, "/cart", &cookies).await;
//! assert_eq!(page, r#"Dark, 1 line(s), notice: "Added tea""#);
//! let (page, _) = send(&mut app, "/cart", &cookies).await;
//! assert_eq!(page, r#"Dark, 1 line(s), notice: """#); // the flash was read once
//! # });
//! ```
//!
//! In a tower service without axum, take the handle from the request with
//! [`RequestSessionExt::session`](crate::RequestSessionExt::session) instead of extracting it.
//!
//! Every request behind the layer has a handle, a visitor without a session included (its readers
//! answer `None` and start nothing): take `VisitorSession` itself, not `Option<VisitorSession>`, which
//! axum cannot extract. Only a request the layer did not pass fails to extract one, with a 500 whose log
//! line names the fix.
//!
//! # Names
//!
//! The cookie of a `#[cookie]` field is named after the field, and a `#[session]` field is stored under
//! its field name; `#[cookie(name = "...")]` and `#[session(name = "...")]` change that, so a field can
//! be renamed in Rust without losing what browsers and the store already hold. A cookie name must be an
//! RFC 6265 token; the `__Host-` and `__Secure-` prefixes are checked (see [`lints`](super::lints)).
//!
//! # Several schemas under one layer
//!
//! Handlers may take the handles of several schemas under one layer: each request still has one session, and
//! every schema reads and writes the same record, so a store key that two schemas name is one value. That is
//! how an admin area's schema reads the `user_id` the visitor's schema wrote. The same holds across a layer's
//! clones, configured anew or not, wherever a request can carry an id cookie two of them read, or one that a
//! third issues and both read: clones at `/admin` and `/shop` under one cookie name share no session, unless
//! a clone at `/` hands out sessions whose cookie reaches both. The marks that change what a write does must
//! then agree: a field marked `owner` or `privilege` in one schema must be marked so in every schema that
//! stores its key (or reads it through `rename_from`), or a write through the unmarked one would skip the new
//! id or the owner's index; and only one key may be marked `owner`, as a session has one owner. The derive
//! sees one schema at a time, so the layer checks: the first time a request takes a schema's handle through a
//! layer, it compares that schema's keys with those of the schemas handed out before by the layer and by
//! those of its clones it shares sessions with, and on a disagreement answers
//! [`Error::SchemaConflict`](crate::Error), with a 500 whose log line names the key, both fields and the fix,
//! for that handle and every one of the layer and its clones after. (Layers built apart are checked apart,
//! even on one store and key: in one process, they are as likely two releases of one app, in a test of a
//! deploy, whose marks may differ while sessions move across.) The cookie budget, by contrast, is each
//! schema's own (see [`lints`](super::lints)).
//!
//! # The routing table
//!
//! [`report`](crate::report()) renders where each field lives as Markdown, for a design review or the
//! project's documentation. Values never appear in it. For the schema above:
//!
//! ```
//! # use serde::{Deserialize, Serialize};
//! # use session_core::{CookieValue, SessionSchema};
//! # #[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
//! # enum Theme { Light, Dark }
//! # #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
//! # struct CartItem { sku: String, qty: u32 }
//! # #[derive(SessionSchema)]
//! # struct Visitor {
//! #     #[cookie(plain, http_only = false, max_age = "400d")]
//! #     theme: Theme,
//! #     #[cookie(max_len = 16)]
//! #     locale: String,
//! #     #[session]
//! #     user_id: u64,
//! #     #[session(sensitive)]
//! #     roles: Vec<String>,
//! #     #[session]
//! #     cart: Vec<CartItem>,
//! #     #[session(flash)]
//! #     notice: String,
//! # }
//! let table = session_core::report::<Visitor>();
//! assert_eq!(table, "\
//! | Field | Stored in | Size limit | Who can see or change it | How long it lasts |
//! |---|---|---|---|---|
//! | `theme` | browser cookie `theme` (plain) | 10 of 4096 bytes, worst case | visible and modifiable by the user; readable by the page's scripts | max-age 400d |
//! | `locale` | browser cookie `locale` (signed) | 97 of 4096 bytes, worst case | visible to the user, tampering detected | until the browser closes |
//! | `user_id` | server store, key `user_id` | the store's | hidden from the user | until the session ends: its idle or absolute timeout, or by default the browser closing |
//! | `roles` | server store, key `roles` | the store's | hidden; sensitive, redacted from logs | until the session ends: its idle or absolute timeout, or by default the browser closing |
//! | `cart` | server store, key `cart` | the store's | hidden from the user | until the session ends: its idle or absolute timeout, or by default the browser closing |
//! | `notice` | server store, key `notice` | the store's | hidden from the user | read once, within the session's idle and absolute timeouts |
//! ");
//! ```
//!
//! The same facts are available as data through [`SessionSchema::FIELDS`](crate::SessionSchema::FIELDS).
