//! [`ShopServer`]: the demo shop served on a free port of 127.0.0.1 for one test, recording every
//! `Set-Cookie` it sends so the test can check the browser kept each one.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use axum::response::Response;
use cookie::{time::OffsetDateTime, Cookie};
use http::header;
use tokio::task::JoinHandle;
use tower::util::MapResponseLayer;

/// The shop, listening until dropped.
pub struct ShopServer {
    url: String,
    set_cookies: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl ShopServer {
    /// Starts [`examples::shop::app`] on a free loopback port.
    pub async fn start() -> Self {
        let set_cookies = Arc::new(Mutex::new(Vec::new()));
        let recorded = set_cookies.clone();
        // Outside the session layer, so it sees the responses as they leave the shop.
        let app = examples::shop::app().layer(MapResponseLayer::new(move |response: Response| {
            let values = response.headers().get_all(header::SET_COOKIE).iter();
            let values = values.map(|value| value.to_str().expect("a Set-Cookie header is ASCII").to_owned());
            recorded.lock().expect("not poisoned").extend(values);
            response
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
        let url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the shop serves");
        });
        ShopServer { url, set_cookies, task }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Every `Set-Cookie` header sent so far, in the order the responses left.
    pub fn set_cookies(&self) -> Vec<String> {
        self.set_cookies.lock().expect("not poisoned").clone()
    }

    /// What a browser that kept every cookie it was sent holds now: for each name, the value of the last
    /// `Set-Cookie`, unless that one removed the cookie.
    pub fn expected_jar(&self) -> BTreeMap<String, String> {
        let mut jar = BTreeMap::new();
        for set_cookie in self.set_cookies() {
            let cookie = Cookie::parse(set_cookie.as_str()).unwrap_or_else(|error| panic!("{set_cookie}: {error}"));
            if removes(&cookie) {
                jar.remove(cookie.name());
            } else {
                jar.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        jar
    }
}

impl Drop for ShopServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// True for a `Set-Cookie` that deletes its cookie: one already expired (RFC 6265 §5.3: `Max-Age` wins
/// over `Expires`).
fn removes(cookie: &Cookie<'_>) -> bool {
    match cookie.max_age() {
        Some(max_age) => max_age.is_zero() || max_age.is_negative(),
        None => cookie.expires_datetime().is_some_and(|expires| expires <= OffsetDateTime::now_utc()),
    }
}
