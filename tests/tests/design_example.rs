//! The "What a user writes" example of the design, unchanged but for imports, a definition of
//! `CartItem`, and the test around `let app`.

use axum::{body::Body, routing::get};
use http::{header, Request, StatusCode};
use serde::{Deserialize, Serialize};
use session_core::{CookieValue, Key, MemoryStore, Secret, SessionLayer, SessionSchema};
use tests::browser::Browser;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct CartItem {
    sku: String,
    qty: u32,
}

// `Secret` is imported by the design's example; it is what a `#[session]` field holding a secret uses.
#[allow(dead_code)]
type ApiToken = Secret<String>;

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
enum Theme {
    Light,
    Dark,
} // encodes as `light` / `dark`

#[derive(SessionSchema)]
struct Visitor {
    /// Front-end JS reads it, so it is a plain cookie without HttpOnly.
    #[cookie(plain, http_only = false, max_age = "400d")]
    theme: Theme,
    /// Signed (the default): readable, but tampering is detected.
    #[cookie(max_len = 16)]
    locale: String,
    #[session]
    user_id: u64,
    #[session(sensitive)]
    roles: Vec<String>,
    #[session]
    cart: Vec<CartItem>,
    #[session(flash)]
    notice: String,
}

async fn home(s: VisitorSession) -> Result<String, session_core::Error> {
    let theme = s.theme().unwrap_or(Theme::Light); // cookie: sync, no I/O
    let user = s.user_id().await?; // session: async, loads the record once
    s.set_locale("en-GB".into())?; // size-checked, signed
    s.set_cart(vec![]).await?;
    Ok(format!("{theme:?} {user:?}"))
}

#[tokio::test]
async fn the_design_example_runs() {
    let app =
        axum::Router::new().route("/", get(home)).layer(SessionLayer::new(MemoryStore::default(), Key::generate()));

    let mut browser = Browser::new(app);
    let reply = browser.send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "Light None"));
    // The locale cookie is signed: 43 characters of signature, then the readable value.
    let locale = reply.set_cookie("locale").expect("the locale cookie is set");
    assert!(locale.starts_with("locale=") && locale.contains("en-GB;"), "{locale}");
    // An empty cart is a change for a new visitor, so it now has a session.
    assert!(reply.set_cookie("__Host-id").is_some());
    assert_eq!(reply.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");

    browser.cookies.insert("theme", "dark"); // what the page's JavaScript may write
    assert_eq!(browser.get("/").await.body, "Dark None");
}
