//! An app whose sessions have an owner, for the HTTP and store tests: [`Account`] behind [`owned_app`],
//! and [`expect_round_trips`] for what its requests cost a store.

use std::time::Duration;

use axum::{
    body::Body,
    extract::Path,
    routing::{get, post},
    Router,
};
use http::{Request, StatusCode};
use session_core::{SessionInfo, SessionLayer, SessionSchema, SessionStore};

use crate::browser::Browser;

/// A signed-in user, their roles and a cart.
#[derive(SessionSchema)]
pub struct Account {
    /// Who is signed in: the owner, and a privilege (signing in cycles the id).
    #[session(owner, privilege)]
    pub user_id: u64,
    /// Roles: a privilege too.
    #[session(privilege)]
    pub roles: Vec<String>,
    /// Read and written back by `/cart/{item}`.
    #[session]
    pub cart: Vec<String>,
}

type Result<T = String> = std::result::Result<T, session_core::Error>;

fn ok() -> Result {
    Ok("ok".into())
}

/// One day, the unit of `/login/{id}/remember/{days}`.
pub const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// One line per session of the owner: its key's hex digits, and ` current` for the one asking.
fn devices(sessions: &[SessionInfo]) -> String {
    let mut lines: Vec<String> = sessions
        .iter()
        .map(|session| format!("{}{}", session.key.to_hex(), if session.current { " current" } else { "" }))
        .collect();
    lines.sort();
    lines.join("\n")
}

/// `POST /login/{id}` (sets the owner), `POST /login/{id}/remember/{days}` (and `remember_for`), `GET /me`,
/// `GET` and `POST /roles` (reads, or sets `["admin"]`), `POST /cart/{item}` (a read and a write),
/// `POST /cycle`, `GET /devices` (one line per session of the owner, see `devices`), `POST /devices/others`
/// (ends the others, answers how many), `POST /logout`, behind `layer`.
pub fn owned_app<S: SessionStore>(layer: SessionLayer<S>) -> Router {
    Router::new()
        .route(
            "/login/{id}",
            post(|s: AccountSession, Path(id): Path<u64>| async move {
                s.set_user_id(id).await?;
                ok()
            }),
        )
        .route(
            "/login/{id}/remember/{days}",
            post(|s: AccountSession, Path((id, days)): Path<(u64, u32)>| async move {
                s.set_user_id(id).await?;
                s.remember_for(DAY * days).await?;
                ok()
            }),
        )
        .route("/me", get(|s: AccountSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }))
        .route(
            "/roles",
            get(|s: AccountSession| async move { Result::Ok(format!("{:?}", s.roles().await?)) }).post(
                |s: AccountSession| async move {
                    s.set_roles(vec!["admin".into()]).await?;
                    ok()
                },
            ),
        )
        .route(
            "/cart/{item}",
            post(|s: AccountSession, Path(item): Path<String>| async move {
                let mut cart = s.cart().await?.unwrap_or_default();
                cart.push(item);
                s.set_cart(cart).await?;
                ok()
            }),
        )
        .route("/devices", get(|s: AccountSession| async move { Result::Ok(devices(&s.owner_sessions().await?)) }))
        .route(
            "/devices/others",
            post(|s: AccountSession| async move { Result::Ok(s.revoke_other_sessions().await?.to_string()) }),
        )
        .route(
            "/cycle",
            post(|s: AccountSession| async move {
                s.cycle_id().await?;
                ok()
            }),
        )
        .route(
            "/logout",
            post(|s: AccountSession| async move {
                s.destroy().await?;
                ok()
            }),
        )
        .layer(layer)
}

/// A user signs in on a laptop and a phone of `app` (an [`owned_app`]) and uses both, and each request
/// must make exactly the round trips given, as `round_trips` counts them so far: owned sessions cost what
/// others do. A write the phone sent before its sign-in, run after it, is refused without signing the
/// phone out. Returns the two browsers, laptop first.
pub async fn expect_round_trips(app: Router, mut round_trips: impl AsyncFnMut() -> usize) -> [Browser; 2] {
    const LAPTOP: usize = 0;
    const PHONE: usize = 1;
    let mut browsers = [Browser::new(app.clone()), Browser::new(app)];
    let mut steps = Vec::new();
    // The phone as it was before its sign-in: a request it sent then, still running when the sign-in ends.
    let mut in_flight = None;
    for (which, method, path, expected, what) in [
        (LAPTOP, "POST", "/login/7", 1, "a sign-in of a new visitor: one create, index included"),
        (PHONE, "POST", "/cart/apple", 1, "another visitor's first write"),
        (PHONE, "POST", "/login/7", 3, "a sign-in that cycles the id: one load, the old id's marker, one cycle"),
        (LAPTOP, "GET", "/me", 1, "a plain read of an owned session: one load"),
        (LAPTOP, "POST", "/cart/pear", 2, "read and write: one load, one save"),
        (LAPTOP, "POST", "/cycle", 3, "a new id: one load, the old id's marker, one cycle that carries the owner"),
        (LAPTOP, "GET", "/devices", 2, "the owner's sessions: one load, one listing"),
    ] {
        if (which, path) == (PHONE, "/login/7") {
            in_flight = Some(browsers[PHONE].clone());
        }
        let before = round_trips().await;
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let reply = browsers[which].send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{method} {path}: {}", reply.body);
        let made = round_trips().await - before;
        steps.push(format!("{method} {path}: {made}"));
        assert_eq!(made, expected, "{what} ({method} {path}) made {made} round trips; so far: {steps:?}");
    }
    let mut in_flight: Browser = in_flight.expect("the phone signs in");
    let before = round_trips().await;
    let reply = in_flight.post("/cart/plum").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "a write with the id the sign-in moved: {}", reply.body);
    assert!(reply.set_cookies.is_empty(), "no new session's cookie replaces the signed-in one");
    assert_eq!(round_trips().await - before, 2, "the moved id's load, then its marker's");

    let [laptop, phone] = &mut browsers;
    assert_eq!(laptop.get("/devices").await.body.lines().count(), 2);
    assert_eq!(phone.get("/me").await.body, "Some(7)");
    assert_eq!(laptop.post("/devices/others").await.body, "1");
    assert_eq!(phone.get("/me").await.body, "None", "the revoked session is still signed in");
    assert_eq!(laptop.get("/devices").await.body.lines().count(), 1);
    browsers
}
