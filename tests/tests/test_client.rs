//! `session_core::testing::Browser` in front of a plain tower service (no axum): it keeps the cookies a
//! response sets, drops those a response deletes, and reads the session through the app's layer.

use std::convert::Infallible;

use http::{Request, Response};
use session_core::{testing::Browser, Key, MemoryStore, RequestSessionExt, SessionLayer, SessionSchema};
use tower::{service_fn, Layer};

#[derive(SessionSchema)]
struct Counter {
    #[session]
    visits: u32,
    #[cookie(plain, max_len = 8)]
    colour: String,
}

/// Counts visits in the session; `/colour` sets a cookie, `/forget` ends the session and the cookie.
async fn handle(request: Request<String>) -> Result<Response<String>, Infallible> {
    let session = request.session::<CounterSession>().expect("behind the layer");
    let body = match request.uri().path() {
        "/colour" => session.set_colour("teal".into()).map(|()| "set".to_owned()),
        "/forget" => {
            session.remove_colour();
            session.destroy().await.map(|()| "forgotten".to_owned())
        }
        _ => {
            async {
                let visits = session.visits().await?.unwrap_or(0) + 1;
                session.set_visits(visits).await?;
                Ok(visits.to_string())
            }
            .await
        }
    };
    Ok(Response::new(body.unwrap_or_else(|error| error.to_string())))
}

#[tokio::test]
async fn a_plain_tower_service_keeps_its_session_across_requests() {
    let layer = SessionLayer::new(MemoryStore::default(), Key::generate());
    let mut browser = Browser::new(layer.layer(service_fn(handle)));

    assert_eq!(browser.get("/").await.body, "1");
    assert_eq!(browser.get("/").await.body, "2");
    assert_eq!(browser.post("/colour").await.body, "set");
    assert_eq!(browser.cookie("colour"), Some("teal"));
    assert_eq!(browser.cookies.len(), 2, "{:?}", browser.cookies);

    let visits = browser.session(&layer, |counter: CounterSession| async move { counter.visits().await }).await;
    assert_eq!(visits.unwrap(), Some(2));

    let reply = browser.post("/forget").await;
    assert_eq!(reply.body, "forgotten");
    assert_eq!(reply.set_cookies.len(), 2, "{:?}", reply.set_cookies);
    assert!(browser.cookies.is_empty(), "deleted cookies leave the jar: {:?}", browser.cookies);
    assert_eq!(browser.get("/").await.body, "1", "a new session");
}

#[tokio::test]
async fn a_browser_only_sends_what_it_holds() {
    let layer = SessionLayer::new(MemoryStore::default(), Key::generate());
    let mut alice = Browser::new(layer.layer(service_fn(handle)));
    let mut bob = alice.clone();
    assert_eq!(alice.get("/").await.body, "1");
    assert_eq!(alice.get("/").await.body, "2");
    assert_eq!(bob.get("/").await.body, "1", "a clone made before is another visitor");
    assert_eq!(alice.cookie_header().matches("__Host-id=").count(), 1, "{}", alice.cookie_header());
}
