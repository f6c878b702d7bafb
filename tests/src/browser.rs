//! [`Browser`]: sends requests through a service and keeps the cookies it is given, as a browser would.

use std::collections::BTreeMap;

use axum::{body::Body, Router};
use http::{header, HeaderMap, Request, Response, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// What came back from one request.
#[derive(Debug)]
pub struct Reply {
    /// The response status.
    pub status: StatusCode,
    /// Every response header, `Set-Cookie` included.
    pub headers: HeaderMap,
    /// The response body, as text.
    pub body: String,
    /// The raw `Set-Cookie` header values.
    pub set_cookies: Vec<String>,
}

impl Reply {
    /// The `Set-Cookie` value for `name`, if one was sent.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies.iter().map(String::as_str).find(|c| c.split('=').next() == Some(name))
    }
}

/// A cookie jar in front of a router.
#[derive(Clone)]
pub struct Browser {
    app: Router,
    /// Cookie name to value.
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    /// A browser without cookies, in front of `app`.
    pub fn new(app: Router) -> Self {
        Browser { app, cookies: BTreeMap::new() }
    }

    /// The `Cookie` header this browser would send.
    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    }

    /// GETs `path`, sending and then updating the jar.
    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    /// POSTs nothing to `path`.
    pub async fn post(&mut self, path: &str) -> Reply {
        self.send(Request::post(path).body(Body::empty()).unwrap()).await
    }

    /// Sends `request` with this browser's cookies and keeps what the response sets.
    pub async fn send(&mut self, mut request: Request<Body>) -> Reply {
        if !self.cookies.is_empty() {
            request.headers_mut().insert(header::COOKIE, self.cookie_header().parse().unwrap());
        }
        let reply = send(&self.app, request).await;
        for set_cookie in &reply.set_cookies {
            let cookie = cookie::Cookie::parse(set_cookie.clone()).expect("Set-Cookie parses");
            let removed = cookie.max_age().is_some_and(|age| age.is_zero() || age.is_negative());
            if removed {
                self.cookies.remove(cookie.name());
            } else {
                self.cookies.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        reply
    }
}

/// Sends one request through `app` without any jar.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response: Response<Body> = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let set_cookies = headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Reply { status, headers, body, set_cookies }
}
