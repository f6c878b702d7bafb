//! The browser the workspace's tests drive apps with: `session_core::testing::Browser`, the client an app's
//! own tests use, in front of an axum router.

use axum::{body::Body, Router};
use http::Request;

pub use session_core::testing::Reply;

/// A cookie jar in front of a router.
pub type Browser = session_core::testing::Browser<Router>;

/// Sends one request through `app` without any jar.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    Browser::new(app.clone()).send(request).await
}
