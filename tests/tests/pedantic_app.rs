//! An app that denies clippy's pedantic lints and forbids one of its default ones: the derives add no
//! warning of their own, allow no clippy lint (a `forbid` refuses an `allow` of its lint or of a group
//! that holds it, even on generated items), and a lint the app allows on a field holds as well for the
//! accessors generated from it, which carry the field's docs. (CI's `cargo clippy --all-targets -- -D
//! warnings` is what checks this file; the test checks the accessors work.)
#![deny(clippy::pedantic)]
#![forbid(clippy::await_holding_lock)]

use axum::{body::Body, routing::get};
use http::{Request, StatusCode};
use session_core::{CookieValue, Key, MemoryStore, SessionLayer, SessionSchema};
use tests::browser::Browser;

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
enum Theme {
    Light,
    Dark,
}

#[derive(SessionSchema)]
struct Shopper {
    /// The theme, as the front end's ThemePicker last set it.
    #[allow(clippy::doc_markdown)]
    #[cookie(plain)]
    theme: Theme,
    /// How many items the ShoppingCart holds.
    #[allow(clippy::doc_markdown)]
    #[session]
    items: u32,
}

/// A cart type the next release retires.
#[deprecated = "use `Vec<u64>`"]
#[derive(serde::Serialize, serde::Deserialize)]
struct OldCart(Vec<u64>);

/// Two fields that allow one lint for reasons of their own: the generated items get it once, or clippy's
/// `duplicated_attributes` would report the app's own attributes.
#[derive(SessionSchema)]
struct Checkout {
    #[expect(deprecated, reason = "read until the sessions that hold it end")]
    #[session]
    cart: OldCart,
    #[expect(deprecated, reason = "the wish list moves with the cart")]
    #[session]
    wishes: OldCart,
}

async fn add_item(s: ShopperSession) -> Result<String, session_core::Error> {
    let items = s.items().await?.unwrap_or(0) + 1;
    s.set_items(items).await?;
    if items == 2 {
        s.set_theme(Theme::Dark)?;
    }
    Ok(format!("{items} {:?}", s.theme().unwrap_or(Theme::Light)))
}

#[tokio::test]
async fn accessors_of_fields_with_allowed_lints_work() {
    let app = axum::Router::new()
        .route("/add", get(add_item))
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
    let mut browser = Browser::new(app);
    for expected in ["1 Light", "2 Dark", "3 Dark"] {
        let reply = browser.send(Request::get("/add").body(Body::empty()).unwrap()).await;
        assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, expected));
    }
}
