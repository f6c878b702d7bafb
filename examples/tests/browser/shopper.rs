//! [`Shopper`]: a headless Chromium visiting a [`ShopServer`] of its own, with the few page actions the
//! tests need, each of which returns only once the page it leads to has loaded.

use std::{
    collections::BTreeMap,
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use fantoccini::{cookies::Cookie, elements::Element, Client, Locator};
use serde_json::Value;

use crate::{chromium::Chromium, shop_server::ShopServer};

/// How long a page may take to load, or a condition to come true.
const TIMEOUT: Duration = Duration::from_secs(30);
/// How often a condition is checked.
const POLL: Duration = Duration::from_millis(25);

/// A browser and the shop it visits.
pub struct Shopper {
    /// Declared first: the browser closes before the shop stops.
    chromium: Chromium,
    /// Shared with the other devices of the same test, if any.
    shop: Arc<ShopServer>,
}

impl Shopper {
    /// A fresh shop and a fresh browser (no cookies), or `None` when the browser is not installed and
    /// the test should skip.
    pub async fn start() -> Option<Self> {
        let shop = Arc::new(ShopServer::start().await);
        let chromium = Chromium::start().await?;
        Some(Shopper { chromium, shop })
    }

    /// Another browser, with a profile of its own (no cookies), visiting the same shop: a second device.
    pub async fn another_device(&self) -> Option<Self> {
        let chromium = Chromium::start().await?;
        Some(Shopper { chromium, shop: self.shop.clone() })
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        self.chromium.client()
    }

    /// The shop being visited.
    pub fn shop(&self) -> &ShopServer {
        &self.shop
    }

    /// Navigates to `path` of the shop and waits for the page to load.
    pub async fn open(&self, path: &str) {
        self.client().goto(&self.shop.url(path)).await.unwrap_or_else(|error| panic!("GET {path}: {error}"));
    }

    /// Reloads the page.
    pub async fn reload(&self) {
        self.client().refresh().await.expect("the page reloads");
    }

    /// Clicks what `css` selects and waits until the next page has replaced this one: a form post and its
    /// redirect, or a link.
    pub async fn click(&self, css: &str) {
        // A mark on this document's window: it is gone once another document has loaded.
        self.client().execute("window.__leaving = true;", vec![]).await.expect("a page is loaded");
        self.find(css).await.click().await.unwrap_or_else(|error| panic!("click {css}: {error}"));
        eventually(&format!("the page after clicking {css} loads"), || async {
            let script = "return window.__leaving === undefined && document.readyState === 'complete';";
            // Scripts fail while the old document is being replaced: not loaded yet.
            self.client().execute(script, vec![]).await.is_ok_and(|ready| ready == Value::Bool(true))
        })
        .await;
    }

    /// Types `text` into the field `css` selects, after clearing it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("the field clears");
        field.send_keys(text).await.unwrap_or_else(|error| panic!("type into {css}: {error}"));
    }

    /// Signs in as `user` through the form on the home page.
    pub async fn sign_in(&self, user: &str) {
        self.open("/").await;
        self.type_into("form[action='/login'] input[name=user]", user).await;
        self.click("form[action='/login'] button").await;
    }

    /// Signs in as `user` with "remember me" ticked.
    pub async fn sign_in_remembered(&self, user: &str) {
        self.open("/").await;
        self.type_into("form[action='/login'] input[name=user]", user).await;
        self.find("form[action='/login'] input[name=remember]").await.click().await.expect("the box ticks");
        self.click("form[action='/login'] button").await;
    }

    /// Adds `qty` of a product to the cart through the form on the cart page.
    pub async fn add_to_cart(&self, sku: &str, name: &str, qty: u32) {
        self.open("/cart").await;
        self.type_into("form[action='/cart/add'] input[name=sku]", sku).await;
        self.type_into("form[action='/cart/add'] input[name=name]", name).await;
        self.type_into("form[action='/cart/add'] input[name=qty]", &qty.to_string()).await;
        self.click("form[action='/cart/add'] button").await;
    }

    /// The element `css` selects on the current page.
    pub async fn find(&self, css: &str) -> Element {
        self.client().find(Locator::Css(css)).await.unwrap_or_else(|error| panic!("no {css} on the page: {error}"))
    }

    /// The text of every element `css` selects, in document order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.client().find_all(Locator::Css(css)).await.expect("find_all") {
            texts.push(element.text().await.expect("an element's text"));
        }
        texts
    }

    /// The text of each cell of each table row `css` selects, in document order.
    pub async fn rows(&self, css: &str) -> Vec<Vec<String>> {
        // One script rather than a WebDriver round trip per cell: a cart has hundreds.
        let script = "return Array.from(document.querySelectorAll(arguments[0]), \
                      row => Array.from(row.cells, cell => cell.textContent.trim()));";
        let rows = self.client().execute(script, vec![Value::from(css)]).await.expect("a script runs");
        serde_json::from_value(rows).expect("rows of strings")
    }

    /// The visible text of the page.
    pub async fn page_text(&self) -> String {
        self.find("body").await.text().await.expect("the body's text")
    }

    /// The flash notices on the current page.
    pub async fn notices(&self) -> Vec<String> {
        self.texts(".notice").await
    }

    /// Makes the window tall enough to show the whole page without scrolling, for a screenshot.
    pub async fn fit_window_to_page(&self) {
        let script = "return document.documentElement.scrollHeight - window.innerHeight;";
        let overflow = self.client().execute(script, vec![]).await.expect("a script runs");
        let overflow = overflow.as_i64().expect("a height in pixels").clamp(0, 20_000);
        let (width, height) = self.client().get_window_size().await.expect("the window's size");
        let height = u32::try_from(height + overflow.unsigned_abs()).expect("a sane height");
        let width = u32::try_from(width).expect("a sane width");
        self.client().set_window_size(width, height).await.expect("the window resizes");
        eventually("the page fits the window", || async {
            let fits =
                self.client().execute("return document.documentElement.scrollHeight <= window.innerHeight;", vec![]);
            fits.await.is_ok_and(|fits| fits == Value::Bool(true))
        })
        .await;
    }

    /// Every cookie the browser holds for the shop, `HttpOnly` ones included, by name.
    pub async fn cookies(&self) -> BTreeMap<String, Cookie<'static>> {
        let cookies = self.client().get_all_cookies().await.expect("the browser's cookies");
        cookies.into_iter().map(|cookie| (cookie.name().to_owned(), cookie)).collect()
    }

    /// What the page's JavaScript sees in `document.cookie`: name and value pairs.
    pub async fn document_cookie(&self) -> BTreeMap<String, String> {
        let value = self.client().execute("return document.cookie;", vec![]).await.expect("a script runs");
        let text = value.as_str().expect("document.cookie is a string").to_owned();
        text.split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect()
    }

    /// Asserts that the browser holds exactly what the shop's `Set-Cookie` headers, applied in order,
    /// leave: no cookie dropped, none changed, none left over.
    pub async fn assert_kept_every_cookie(&self) {
        let held: BTreeMap<String, String> =
            self.cookies().await.into_iter().map(|(name, cookie)| (name, cookie.value().to_owned())).collect();
        assert_eq!(held, self.shop.expected_jar(), "the browser's cookies against {:#?}", self.shop.set_cookies());
    }

    /// Ends the WebDriver session; drop kills whatever is left.
    pub async fn close(self) {
        self.chromium.close().await;
    }
}

/// Polls `check` until it returns true, or panics naming `what` once [`TIMEOUT`] has passed.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < TIMEOUT, "{what}: not within {TIMEOUT:?}");
        tokio::time::sleep(POLL).await;
    }
}
