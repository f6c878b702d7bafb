//! No session id, key or cookie value ever reaches the logs, at any level.

use std::time::Duration;

use axum::{
    routing::{get, post},
    Router,
};
use session_core::{Key, MemoryStore, SessionLayer, SessionSchema};
use tests::{browser::Browser, captured_logs::CapturedLogs};

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 16)]
    locale: String,
    #[cookie(private, max_len = 16)]
    nickname: String,
    #[session]
    user: String,
    #[session]
    stale: Vec<u8>,
}

/// The same session as a later deploy sees it, with `user` changed to another type: reading the stored
/// string fails, and the decoder's message would quote it.
#[derive(SessionSchema)]
struct VisitorAfterDeploy {
    #[session]
    user: u64,
}

type Result<T = &'static str> = std::result::Result<T, session_core::Error>;

fn routes() -> Router {
    Router::new()
        .route(
            "/login",
            post(|s: VisitorSession| async move {
                s.cycle_id().await?;
                s.set_user("ZEBRA-user".into()).await?;
                s.set_locale("ZEBRA-loc".into())?;
                s.set_nickname("ZEBRA-nick".into())?;
                Result::Ok("ok")
            }),
        )
        .route(
            "/read",
            get(|s: VisitorSession| async move {
                Result::Ok(format!("{:?} {:?} {:?} {:?}", s.user().await?, s.stale().await?, s.locale(), s.nickname()))
            }),
        )
        .route(
            "/read-after-deploy",
            get(|s: VisitorAfterDeploySession| async move { Result::Ok(format!("{:?}", s.user().await?)) }),
        )
        .route(
            "/logout",
            post(|s: VisitorSession| async move {
                s.destroy().await?;
                Result::Ok("ok")
            }),
        )
}

#[tokio::test]
async fn no_id_key_or_cookie_value_is_ever_logged() {
    let (captured, _guard) = CapturedLogs::everything_logged_here();

    let key = Key::generate();
    let store = MemoryStore::default();
    let layer = SessionLayer::new(store.clone(), key.clone()).with_idle_timeout(Duration::from_millis(200));
    let mut browser = Browser::new(routes().layer(layer));
    let mut secrets = Vec::new();

    browser.post("/login").await; // created
    secrets.extend(browser.cookies.iter().map(|(_, value)| value.to_owned()));
    browser.post("/login").await; // cycled
    secrets.extend(browser.cookies.iter().map(|(_, value)| value.to_owned()));
    browser.get("/read").await;
    browser.get("/read-after-deploy").await;
    // Tampered cookies and a forged id.
    let mut tampered = browser.clone();
    let sent: Vec<(String, String)> =
        browser.cookies.iter().map(|(name, value)| (name.to_owned(), value.replace('A', "B"))).collect();
    for (name, value) in sent {
        secrets.push(value.clone());
        tampered.cookies.insert(name, value);
    }
    tampered.get("/read").await;
    browser.post("/logout").await; // destroyed
                                   // An expired id.
    browser.post("/login").await;
    secrets.extend(browser.cookies.iter().map(|(_, value)| value.to_owned()));
    tokio::time::sleep(Duration::from_millis(250)).await;
    browser.get("/read").await;

    let logs = captured.text();
    for expected in [
        "session created",
        "session id cycled",
        "session destroyed",
        "failed verification",
        "expired",
        "no longer decodes",
    ] {
        assert!(logs.contains(expected), "the logs say `{expected}`:\n{logs}");
    }
    // Every id appears in the logs only as the short hash prefix, never as itself.
    for secret in &secrets {
        assert!(secret.len() > 20, "a real cookie value: {secret}");
        assert!(!logs.contains(secret.as_str()), "`{secret}` leaked into the logs:\n{logs}");
        // The id is the part after the 43-character signature.
        if let Some(id) = secret.get(43..) {
            assert!(id.len() < 8 || !logs.contains(id), "an id leaked:\n{logs}");
        }
    }
    assert!(!logs.contains("ZEBRA"), "a cookie or session value leaked:\n{logs}");
}

#[tokio::test]
async fn a_value_too_large_for_its_cookie_is_logged_below_error() {
    let (captured, _guard) = CapturedLogs::everything_logged_here();

    let routes = Router::new().route(
        "/too-large",
        post(|s: VisitorSession| async move {
            s.set_locale("ZEBRA-far-too-long-for-sixteen".into())?;
            Result::Ok("ok")
        }),
    );
    let mut browser = Browser::new(routes.layer(SessionLayer::new(MemoryStore::default(), Key::generate())));
    assert_eq!(browser.post("/too-large").await.status, http::StatusCode::BAD_REQUEST);

    let logs = captured.text();
    let line =
        logs.lines().find(|line| line.contains("over its `max_len`")).unwrap_or_else(|| panic!("logged:\n{logs}"));
    assert!(line.contains(" WARN "), "a client's oversized value is not a server error:\n{logs}");
    assert!(!logs.contains("ERROR"), "{logs}");
    assert!(!logs.contains("ZEBRA"), "the refused value leaked:\n{logs}");
}

/// A tower service without axum answers a session error with `Error::to_response`, as the plain-tower
/// example does: the log line, with the causes the response's body leaves out, is the operator's only
/// clue, as it is in axum.
#[tokio::test]
async fn a_plain_tower_service_that_answers_with_to_response_logs_the_error_and_its_causes() {
    use session_core::RequestSessionExt;
    use tower::Layer;

    let (captured, _guard) = CapturedLogs::everything_logged_here();
    // `POST` signs in, `GET` reads who is signed in.
    let handle = |request: http::Request<String>| async move {
        let answer = async {
            let session = request.session::<VisitorSession>()?;
            if request.method() == http::Method::POST {
                session.set_user("someone".into()).await?;
            }
            session.user().await
        };
        Ok::<_, std::convert::Infallible>(match answer.await {
            Ok(user) => http::Response::new(format!("{user:?}")),
            Err(error) => error.to_response(),
        })
    };
    let store = tests::stores::FaultyStore::new(MemoryStore::default());
    let service = SessionLayer::new(store.clone(), Key::generate()).layer(tower::service_fn(handle));
    let mut browser = session_core::testing::Browser::new(service);
    assert_eq!(browser.post("/").await.body, "Some(\"someone\")");

    store.set_down(true);
    let reply = browser.get("/").await;
    assert_eq!(reply.status, http::StatusCode::SERVICE_UNAVAILABLE);
    let logs = captured.text();
    let line = logs.lines().find(|line| line.contains("session error")).unwrap_or_else(|| panic!("logged:\n{logs}"));
    assert!(line.contains(" ERROR "), "{line}");
    assert!(line.contains("connection refused (injected fault)"), "the store's own reason is not logged: {line}");
}

/// A logout is logged at `info` when it ends a session; one whose session had already ended (an old tab,
/// a replayed cookie) changes nothing, and says so at `debug`.
#[tokio::test]
async fn a_logout_is_logged_as_a_destroyed_session_only_when_one_was() {
    let (captured, _guard) = CapturedLogs::everything_logged_here();
    let layer = SessionLayer::new(MemoryStore::default(), Key::generate());
    let mut browser = Browser::new(routes().layer(layer));

    browser.post("/login").await;
    let mut old_tab = browser.clone();
    browser.post("/logout").await;
    old_tab.post("/logout").await;

    let logs = captured.text();
    assert_eq!(logs.matches("session destroyed").count(), 1, "{logs}");
    let already = logs.lines().find(|line| line.contains("had already ended")).unwrap_or_else(|| panic!("{logs}"));
    assert!(already.contains("DEBUG"), "{already}");
}
