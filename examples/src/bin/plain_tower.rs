//! A session in a plain tower service, without axum: a visit counter.
//!
//! `main` plays the browser: it calls the service three times, sending back the id cookie it was given,
//! and prints the count each time. No network is involved.
//!
//! ```sh
//! cargo run -p examples --bin plain_tower
//! ```

#![forbid(unsafe_code)]

use std::convert::Infallible;

use http::{header, Request, Response, StatusCode};
use session_core::{Key, MemoryStore, RequestSessionExt, SessionLayer, SessionSchema};
use tower::{service_fn, Layer, ServiceExt};

/// What the counter remembers per visitor.
#[derive(SessionSchema)]
struct Counter {
    /// How many requests this visitor made.
    #[session]
    visits: u32,
}

/// Counts the visit; any session error becomes its own response.
async fn count_visit(request: Request<String>) -> Result<Response<String>, Infallible> {
    Ok(match visit(&request).await {
        Ok(visits) => Response::new(format!("visit number {visits}")),
        Err(error) => error.to_response(),
    })
}

async fn visit(request: &Request<String>) -> Result<u32, session_core::Error> {
    let session = request.session::<CounterSession>()?;
    let visits = session.visits().await?.unwrap_or(0) + 1;
    session.set_visits(visits).await?;
    Ok(visits)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A real service would load its key from configuration; the demo signs with a throwaway one.
    let service = SessionLayer::new(MemoryStore::default(), Key::generate()).layer(service_fn(count_visit));

    let mut id_cookie: Option<String> = None;
    for _ in 0..3 {
        let sent = if id_cookie.is_some() { "sent the id cookie" } else { "no cookie yet" };
        let mut request = Request::get("/").body(String::new())?;
        if let Some(cookie) = &id_cookie {
            request.headers_mut().insert(header::COOKIE, cookie.parse()?);
        }
        let response = service.clone().oneshot(request).await?;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
        // The first response sets the id cookie; keep its `name=value` part, as a browser would.
        if let Some(set_cookie) = response.headers().get(header::SET_COOKIE) {
            let pair = set_cookie.to_str()?.split(';').next().unwrap_or_default();
            id_cookie = Some(pair.to_owned());
        }
        println!("{} ({sent})", response.body());
    }
    Ok(())
}
