//! [`Browser`]: sends requests through a service and keeps the cookies it is given, as a browser would.

use std::{
    convert::Infallible,
    fmt::Debug,
    future::Future,
    marker::PhantomData,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode, Version};
use http_body_util::BodyExt;
use tower_layer::Layer;
use tower_service::Service;

use super::jar::{Jar, Origin};
use crate::{RequestSessionExt, SessionHandle, SessionLayer, SessionStore};

/// What came back from one request, read in full.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The response status.
    pub status: StatusCode,
    /// Every response header, `Set-Cookie` included.
    pub headers: HeaderMap,
    /// The response body, as text (invalid UTF-8 replaced).
    pub body: String,
    /// The raw `Set-Cookie` header values, in order.
    pub set_cookies: Vec<String>,
}

impl Reply {
    /// The `Set-Cookie` value for the cookie `name`, if the response sent one.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies.iter().map(String::as_str).find(|line| line.split('=').next() == Some(name))
    }

    /// The `Location` header, for a redirect.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|value| value.to_str().ok())
    }
}

/// A cookie jar in front of a tower service (an axum `Router`, or any `Service<http::Request<B>>`): each
/// request carries the cookies earlier responses set, as a browser sends them, and a cookie a response
/// deletes or lets expire leaves the jar.
///
/// The browser is on `https://localhost` unless [`with_origin`](Browser::with_origin) says otherwise, and
/// follows browsers' rules for `Path`, `Domain`, `Secure`, expiry and the cookie prefixes (see [`Jar`]): a
/// cookie set for `/account` is not sent to `/`, so a test passes only where a browser would. Its requests go
/// out as a browser sends them: a path with a `Host`, and an absolute URL as HTTP/2 over HTTPS, or on a
/// plain-HTTP site, whose browser speaks HTTP/1.1, as its path with a `Host`. ([`send`](Browser::send) hands
/// the app the request as built.) The jar is public for tests that plant, forge or drop a cookie.
///
/// ```
/// use axum::{routing::{get, post}, Router};
/// use session_core::{testing::Browser, Key, MemoryStore, SessionLayer, SessionSchema};
///
/// #[derive(SessionSchema)]
/// struct Visitor {
///     #[session]
///     user: String,
/// }
///
/// async fn log_in(visitor: VisitorSession) -> Result<(), session_core::Error> {
///     visitor.cycle_id().await?;
///     visitor.set_user("alice".into()).await
/// }
///
/// async fn home(visitor: VisitorSession) -> Result<String, session_core::Error> {
///     Ok(visitor.user().await?.unwrap_or_default())
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let layer = SessionLayer::new(MemoryStore::default(), Key::generate());
/// let app = Router::new().route("/", get(home)).route("/login", post(log_in)).layer(layer.clone());
///
/// let mut browser = Browser::new(app);
/// browser.post("/login").await;
/// assert_eq!(browser.get("/").await.body, "alice");
/// // The session as the server holds it, through the same layer:
/// let user = browser.session(&layer, |visitor: VisitorSession| async move { visitor.user().await }).await;
/// assert_eq!(user.unwrap().as_deref(), Some("alice"));
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct Browser<S> {
    service: S,
    /// The cookies the browser holds, which the next requests send where their domain and path match.
    pub cookies: Jar,
}

impl<S> Browser<S> {
    /// A browser without cookies, on `https://localhost`, in front of `service`.
    pub fn new(service: S) -> Self {
        Browser { service, cookies: Jar::default() }
    }

    /// The browser on the site `origin` instead (`http://localhost:3000`, `https://shop.example.com`), with
    /// an empty jar: the site's host decides which `Domain` attributes it accepts, and its scheme whether
    /// it keeps and sends `Secure` cookies (browsers do over HTTPS, and over plain HTTP to `localhost`).
    /// A request whose URI names its own scheme and host goes to that site instead.
    ///
    /// # Panics
    ///
    /// If `origin` is not an `http` or `https` URL with a host.
    pub fn with_origin(self, origin: &str) -> Self {
        let origin = Origin::parse(origin).unwrap_or_else(|| panic!("{origin:?} is not an http or https origin"));
        Browser { service: self.service, cookies: Jar::on(origin) }
    }

    /// The service this browser sends to.
    pub fn service(&self) -> &S {
        &self.service
    }

    /// The value of the cookie `name` in the jar (see [`Jar::get`]).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name)
    }

    /// The `Cookie` header a request for `path` (a query after it is left out of the match) carries, empty
    /// when it carries none.
    pub fn cookie_header(&self, path: &str) -> String {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        self.cookies.header_for(self.cookies.origin(), path).unwrap_or_default()
    }

    /// Sends `request` with the cookies that go with it, keeps what the response sets, and reads the whole
    /// response. The `Cookie` headers the request already has come first, followed by the jar's cookies.
    /// Its URI goes as built (an absolute one as HTTP/2 carries it), with a `Host` if it has none.
    ///
    /// # Panics
    ///
    /// If the service or its response body fails (an axum `Router` never does).
    pub async fn send<B, ResBody>(&mut self, request: Request<B>) -> Reply
    where
        S: Service<Request<B>, Response = Response<ResBody>> + Clone,
        S::Error: Debug,
        ResBody: http_body::Body,
        ResBody::Error: Debug,
    {
        exchange(&mut self.cookies, self.service.clone(), request, Framing::AsGiven).await
    }

    /// GETs `path`.
    pub async fn get<ResBody>(&mut self, path: &str) -> Reply
    where
        S: Service<Request<String>, Response = Response<ResBody>> + Clone,
        S::Error: Debug,
        ResBody: http_body::Body,
        ResBody::Error: Debug,
    {
        exchange(&mut self.cookies, self.service.clone(), request(http::Method::GET, path, None), Framing::Browser)
            .await
    }

    /// POSTs an empty body to `path`.
    pub async fn post<ResBody>(&mut self, path: &str) -> Reply
    where
        S: Service<Request<String>, Response = Response<ResBody>> + Clone,
        S::Error: Debug,
        ResBody: http_body::Body,
        ResBody::Error: Debug,
    {
        exchange(&mut self.cookies, self.service.clone(), request(http::Method::POST, path, None), Framing::Browser)
            .await
    }

    /// POSTs `form`, already `application/x-www-form-urlencoded` (`user=alice&remember=on`), to `path`.
    pub async fn post_form<ResBody>(&mut self, path: &str, form: &str) -> Reply
    where
        S: Service<Request<String>, Response = Response<ResBody>> + Clone,
        S::Error: Debug,
        ResBody: http_body::Body,
        ResBody::Error: Debug,
    {
        exchange(
            &mut self.cookies,
            self.service.clone(),
            request(http::Method::POST, path, Some(form)),
            Framing::Browser,
        )
        .await
    }

    /// Runs `read` on this browser's session as the server holds it, through `layer` (the one the app
    /// uses: same store, same key), and returns what it returns. The request goes to the layer's cookie
    /// path and carries the jar's cookies for it, and the jar keeps what its response sets, so whatever
    /// `read` changes is committed as by any request. For a layer `with_cookie_domain`, put the browser on
    /// that domain with [`with_origin`](Self::with_origin): a browser elsewhere never keeps the id cookie.
    ///
    /// # Panics
    ///
    /// If the layer cannot hand `read` the session, or answers with an error instead of committing what
    /// `read` changed (its store is down, the session ended meanwhile): the status and body say which.
    pub async fn session<Store, H, T, F, Fut>(&mut self, layer: &SessionLayer<Store>, read: F) -> T
    where
        Store: SessionStore,
        H: SessionHandle,
        F: FnOnce(H) -> Fut,
        Fut: Future<Output = T> + 'static,
        T: 'static,
    {
        let slot = Arc::new(Mutex::new(None));
        let probe = Probe { read: Some(read), slot: slot.clone(), handle: PhantomData };
        // The layer's cookie path, so that the request carries the id cookie.
        let path = layer.id_cookie_path().to_owned();
        let request = request(http::Method::GET, &path, None);
        let reply = exchange(&mut self.cookies, layer.layer(probe), request, Framing::Browser).await;
        let value = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        // `read` ran before the commit: the layer's answer in place of the probe's 200 says that failed.
        match value {
            Some(value) if reply.status.is_success() => value,
            Some(_) => panic!("the session's changes could not be committed: {} {}", reply.status, reply.body),
            None => panic!("the session could not be read: {} {}", reply.status, reply.body),
        }
    }
}

fn request(method: http::Method, path: &str, form: Option<&str>) -> Request<String> {
    let mut builder = Request::builder().method(method).uri(path);
    if form.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    builder.body(form.unwrap_or_default().to_owned()).unwrap_or_else(|error| panic!("request to {path:?}: {error}"))
}

/// How a request reaches the service.
#[derive(Clone, Copy, PartialEq)]
enum Framing {
    /// As the test built it ([`Browser::send`]): an absolute URI stays, as HTTP/2 carries one.
    AsGiven,
    /// As a browser sends it: on a plain-HTTP origin it speaks HTTP/1.1, whose request line holds the path
    /// and query alone, so a layer that judges the scheme by the URI (`with_secure_detected`) sees none,
    /// as in production; over HTTPS, an absolute URL goes as HTTP/2 carries it, host and all, and a path
    /// as HTTP/1.1 sends it, with a `Host`. (Browsers speak HTTP/2 only over TLS.)
    Browser,
}

/// Sends `request` through `service` with the cookies of `jar` that go with it, and updates `jar` from the
/// response.
async fn exchange<S, B, ResBody>(jar: &mut Jar, mut service: S, mut request: Request<B>, framing: Framing) -> Reply
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    S::Error: Debug,
    ResBody: http_body::Body,
    ResBody::Error: Debug,
{
    let origin = jar.origin().of(request.uri());
    let path = request.uri().path().to_owned();
    let host = origin.authority();
    if framing == Framing::Browser && request.uri().scheme().is_some() {
        // The path (`/` where the URL has none, as in `http://localhost:3000?page=2`) and the query.
        let uri = request.uri();
        let path = if uri.path().is_empty() { "/" } else { uri.path() };
        let path_and_query = uri.query().map_or_else(|| path.to_owned(), |query| format!("{path}?{query}"));
        if origin.is_https() {
            // As a browser writes `:authority`: the host lowercased, no user information, no default port.
            let uri = format!("https://{host}{path_and_query}");
            *request.uri_mut() = uri.parse().unwrap_or_else(|error| panic!("{uri:?}: {error}"));
            *request.version_mut() = Version::HTTP_2;
        } else {
            *request.uri_mut() = path_and_query.parse().expect("a path and query is a URI");
        }
    }
    // A request line of the path alone names its host in `Host`, as every HTTP/1.1 request does.
    if request.uri().authority().is_none() && !request.headers().contains_key(header::HOST) {
        let host = HeaderValue::from_str(&host).unwrap_or_else(|error| panic!("host {host:?}: {error}"));
        request.headers_mut().insert(header::HOST, host);
    }
    if let Some(cookies) = jar.header_for(&origin, &path) {
        // The request's own `Cookie` headers come first, all of them (an HTTP/2 client may send one per
        // cookie), joined into one with the jar's.
        let mut bytes = Vec::new();
        for own in request.headers().get_all(header::COOKIE) {
            bytes.extend_from_slice(own.as_bytes());
            bytes.extend_from_slice(b"; ");
        }
        bytes.extend_from_slice(cookies.as_bytes());
        let value =
            HeaderValue::from_bytes(&bytes).unwrap_or_else(|error| panic!("Cookie header {cookies:?}: {error}"));
        request.headers_mut().insert(header::COOKIE, value);
    }
    std::future::poll_fn(|cx| service.poll_ready(cx)).await.expect("the service is ready");
    let response = service.call(request).await.expect("the service answers");
    let status = response.status();
    let headers = response.headers().clone();
    let set_cookies: Vec<String> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect();
    for line in &set_cookies {
        jar.receive(&origin, &path, line);
    }
    let bytes = response.into_body().collect().await.expect("the response body is read").to_bytes();
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), set_cookies }
}

/// The service behind the layer in [`Browser::session`]: hands the request's session to `read` once.
struct Probe<H, F, T> {
    read: Option<F>,
    slot: Arc<Mutex<Option<T>>>,
    handle: PhantomData<fn() -> H>,
}

impl<H, F, Fut, T, B> Service<Request<B>> for Probe<H, F, T>
where
    H: SessionHandle,
    F: FnOnce(H) -> Fut,
    Fut: Future<Output = T> + 'static,
    T: 'static,
{
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<String>, Infallible>>>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let read = match request.session::<H>() {
            Ok(handle) => self.read.take().map(|read| read(handle)),
            // In the reply, which `Browser::session` panics with: the reason is what the test needs.
            Err(error) => {
                let mut reply = Response::new(error.to_string());
                *reply.status_mut() = error.status();
                return Box::pin(std::future::ready(Ok(reply)));
            }
        };
        let slot = self.slot.clone();
        Box::pin(async move {
            if let Some(reading) = read {
                let value = reading.await;
                *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(value);
            }
            Ok(Response::new(String::new()))
        })
    }
}
