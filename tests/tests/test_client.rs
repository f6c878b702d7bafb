//! `session_core::testing::Browser` in front of a plain tower service (no axum): it keeps the cookies a
//! response sets, drops those a response deletes, and reads the session through the app's layer.

use std::convert::Infallible;

use http::{Request, Response};
use session_core::{testing::Browser, Key, MemoryStore, RequestSessionExt, SessionLayer, SessionSchema};
use tests::stores::FaultyStore;
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

/// A change made through `Browser::session` that the store refuses to commit fails the test there, rather
/// than letting it go on as if the change were made.
#[tokio::test]
#[should_panic(expected = "the session's changes could not be committed: 503")]
async fn a_change_through_the_test_browser_that_is_not_committed_panics() {
    let store = FaultyStore::new(MemoryStore::default());
    let layer = SessionLayer::new(store.clone(), Key::generate());
    let mut browser = Browser::new(layer.layer(service_fn(handle)));
    assert_eq!(browser.get("/").await.body, "1");
    browser
        .session(&layer, |counter: CounterSession| async move {
            counter.set_visits(41).await.unwrap();
            store.set_down(true);
        })
        .await;
}

#[tokio::test]
async fn a_browser_only_sends_what_it_holds() {
    let layer = SessionLayer::new(MemoryStore::default(), Key::generate());
    let mut alice = Browser::new(layer.layer(service_fn(handle)));
    let mut bob = alice.clone();
    assert_eq!(alice.get("/").await.body, "1");
    assert_eq!(alice.get("/").await.body, "2");
    assert_eq!(bob.get("/").await.body, "1", "a clone made before is another visitor");
    assert_eq!(alice.cookie_header("/").matches("__Host-id=").count(), 1, "{}", alice.cookie_header("/"));
}

/// Answers with the `Cookie` header it got, and sets each cookie the request lists in `x-set-cookie`
/// headers: a site whose responses a test writes line by line.
async fn echo(request: Request<String>) -> Result<Response<String>, Infallible> {
    let sent = request.headers().get(http::header::COOKIE).map(|value| value.to_str().unwrap().to_owned());
    let mut response = Response::new(sent.unwrap_or_default());
    for line in request.headers().get_all("x-set-cookie") {
        response.headers_mut().append(http::header::SET_COOKIE, line.clone());
    }
    Ok(response)
}

type EchoBrowser = Browser<tower::util::ServiceFn<fn(Request<String>) -> EchoFuture>>;
type EchoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response<String>, Infallible>> + Send>>;

fn echo_browser(origin: &str) -> EchoBrowser {
    let boxed: fn(Request<String>) -> EchoFuture = |request| Box::pin(echo(request));
    Browser::new(service_fn(boxed)).with_origin(origin)
}

/// Requests `path` on the browser's site, with the response setting `set_cookies`; returns the `Cookie`
/// header the request carried.
async fn visit(browser: &mut EchoBrowser, path: &str, set_cookies: &[&str]) -> String {
    let mut request = Request::get(path);
    for line in set_cookies {
        request = request.header("x-set-cookie", *line);
    }
    browser.send(request.body(String::new()).unwrap()).await.body
}

#[tokio::test]
async fn cookies_go_only_to_their_path_longest_path_first() {
    let mut browser = echo_browser("https://shop.example");
    visit(&mut browser, "/", &["t=root; Path=/", "adm=1; Path=/admin", "t=shop; Path=/shop"]).await;
    // No `Path`: the directory of the request that set it.
    visit(&mut browser, "/account/login", &["acct=1"]).await;

    assert_eq!(visit(&mut browser, "/", &[]).await, "t=root");
    assert_eq!(visit(&mut browser, "/admin/users", &[]).await, "adm=1; t=root");
    assert_eq!(visit(&mut browser, "/administrator", &[]).await, "t=root", "a path matches whole segments");
    assert_eq!(visit(&mut browser, "/shop/cart", &[]).await, "t=shop; t=root", "two cookies of one name");
    assert_eq!(visit(&mut browser, "/account", &[]).await, "acct=1; t=root");
    assert_eq!(browser.cookie("t"), Some("shop"), "the one sent first");

    // Deleting one path's cookie leaves the other path's.
    visit(&mut browser, "/", &["t=; Path=/shop; Max-Age=0"]).await;
    assert_eq!(visit(&mut browser, "/shop/cart", &[]).await, "t=root");
}

#[tokio::test]
async fn cookies_expire_as_max_age_or_expires_says() {
    let mut browser = echo_browser("https://shop.example");
    let past = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    let future = "Expires=Fri, 01 Jan 2100 00:00:00 GMT";
    visit(&mut browser, "/", &["a=1", "b=1", "short=1; Max-Age=1", &format!("long=1; {future}")]).await;
    visit(&mut browser, "/", &[&format!("a=; {past}"), &format!("b=2; Max-Age=60; {past}")]).await;
    assert_eq!(
        visit(&mut browser, "/", &[]).await,
        "b=2; short=1; long=1",
        "an Expires in the past deletes; Max-Age wins"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(visit(&mut browser, "/", &[]).await, "b=2; long=1", "Max-Age=1 has run out");
    assert_eq!(browser.cookies.len(), 2);

    // A `Max-Age` that is not a number is ignored, as browsers ignore it, so `Expires` decides.
    let set = [
        &format!("empty=1; Max-Age=; {past}") as &str,
        &format!("word=1; Max-Age=soon; {past}"),
        &format!("plus=1; Max-Age=+60; {past}"),
        "negative=1; Max-Age=-1",
        "huge=1; Max-Age=99999999999999999999999",
        &format!("last=1; Max-Age=60; Max-Age=x; Max-Age=0; {future}"),
    ];
    visit(&mut browser, "/", &set).await;
    assert_eq!(visit(&mut browser, "/", &[]).await, "b=2; long=1; huge=1");
}

#[tokio::test]
async fn cookies_a_browser_refuses_are_not_kept() {
    let mut browser = echo_browser("https://shop.example");
    // Browsers keep a name and value of 4096 bytes together, and no more.
    let largest = format!("big={}", "x".repeat(4093));
    let too_big = format!("bigger={}", "x".repeat(4091));
    let refused = [
        "other=1; Domain=evil.example",
        "sub=1; Domain=www.shop.example",
        "__Secure-s=1",
        "__Host-h=1; Secure; Domain=shop.example; Path=/",
        "__Host-p=1; Secure; Path=/app",
        "__host-n=1; Secure",
        "none=1; SameSite=None",
        "no-equals-sign",
        "=nameless",
        "part=1; Partitioned",
        &too_big,
    ];
    let kept = [
        "d=1; Domain=shop.example",
        "__Secure-s=2; Secure",
        "__Host-h=2; Secure; Path=/",
        "none=2; SameSite=None; Secure",
        "part=2; Partitioned; Secure",
        &largest,
    ];
    visit(&mut browser, "/", &[refused.as_slice(), kept.as_slice()].concat()).await;
    assert_eq!(
        visit(&mut browser, "/", &[]).await,
        format!("d=1; __Secure-s=2; __Host-h=2; none=2; part=2; {largest}")
    );
}

#[tokio::test]
async fn an_attribute_value_longer_than_browsers_read_is_ignored() {
    let mut browser = echo_browser("https://shop.example");
    let long_path = format!("/{}", "a".repeat(1024));
    let long_domain = format!("{}.shop.example", "a".repeat(1012));
    visit(
        &mut browser,
        "/app/page",
        &[&format!("p=1; Path={long_path}") as &str, &format!("d=1; Domain={long_domain}; Path=/")],
    )
    .await;
    assert_eq!(visit(&mut browser, "/app/x", &[]).await, "p=1; d=1", "the request's directory, this host only");
    assert_eq!(visit(&mut browser, "/", &[]).await, "d=1");

    // Skipped, not taken for the last: the one before it stands.
    let mut browser = echo_browser("https://www.shop.example");
    let lines = [
        &format!("p=2; Path=/app; Path={long_path}") as &str,
        &format!("d=2; Domain=shop.example; Domain={long_domain}; Path=/"),
    ];
    visit(&mut browser, "/", &lines).await;
    assert_eq!(visit(&mut browser, "/app", &[]).await, "p=2; d=2");
    let parent = "https://shop.example/";
    assert_eq!(visit(&mut browser, parent, &[]).await, "d=2", "a domain cookie reaches the parent domain");

    // A `Domain` that is only a dot leaves the cookie host-only; an empty one is skipped. A `Path` that is
    // no path is the request's directory, which can be the `/` a `__Host-` cookie needs.
    let lines = ["h=3; Domain=shop.example; Domain=.", "e=3; Domain=shop.example; Domain=", "__Host-p=3; Secure; Path"];
    visit(&mut browser, "/login", &lines).await;
    assert_eq!(visit(&mut browser, parent, &[]).await, "d=2; e=3");
    assert_eq!(visit(&mut browser, "/", &[]).await, "d=2; h=3; e=3; __Host-p=3");
}

#[tokio::test]
async fn domain_cookies_reach_subdomains_and_host_only_ones_do_not() {
    let mut browser = echo_browser("https://shop.example");
    visit(&mut browser, "/", &["wide=1; Domain=.Shop.Example", "narrow=1"]).await;
    let request = Request::get("https://www.shop.example/").body(String::new()).unwrap();
    assert_eq!(browser.send(request).await.body, "wide=1");
    let request = Request::get("https://elsewhere.example/").body(String::new()).unwrap();
    assert_eq!(browser.send(request).await.body, "");
}

#[tokio::test]
async fn secure_cookies_need_https_except_on_localhost() {
    let mut plain = echo_browser("http://shop.example");
    visit(&mut plain, "/", &["s=1; Secure", "p=1"]).await;
    assert_eq!(visit(&mut plain, "/", &[]).await, "p=1", "a Secure cookie from plain HTTP is refused");

    let mut local = echo_browser("http://localhost:3000");
    visit(&mut local, "/", &["s=1; Secure"]).await;
    assert_eq!(visit(&mut local, "/", &[]).await, "s=1", "localhost counts as secure");

    let mut https = echo_browser("https://shop.example");
    visit(&mut https, "/", &["s=1; Secure", "p=1"]).await;
    let request = Request::get("http://shop.example/").body(String::new()).unwrap();
    assert_eq!(https.send(request).await.body, "p=1", "a Secure cookie is not sent over plain HTTP");
}

#[tokio::test]
async fn a_host_only_cookie_and_a_domain_cookie_of_one_name_are_two() {
    let mut browser = echo_browser("https://shop.example");
    visit(&mut browser, "/", &["sid=host", "sid=wide; Domain=shop.example"]).await;
    assert_eq!(visit(&mut browser, "/", &[]).await, "sid=host; sid=wide");
    visit(&mut browser, "/", &["sid=; Domain=shop.example; Max-Age=0"]).await;
    assert_eq!(visit(&mut browser, "/", &[]).await, "sid=host", "deleting the domain cookie leaves the other");
}

/// A browser removes a cookie once it expires: set again, it is a new cookie, sent after older ones.
#[tokio::test]
async fn a_cookie_set_again_after_it_expired_is_newer_than_one_set_meanwhile() {
    let mut browser = echo_browser("https://shop.example");
    visit(&mut browser, "/", &["a=1; Max-Age=1"]).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    visit(&mut browser, "/", &["b=1"]).await;
    visit(&mut browser, "/", &["a=2"]).await;
    assert_eq!(visit(&mut browser, "/", &[]).await, "b=1; a=2");
}

#[tokio::test]
async fn plain_http_cannot_replace_a_secure_cookie() {
    let mut browser = echo_browser("https://shop.example");
    visit(&mut browser, "/", &["tok=secure; Secure"]).await;
    let request = Request::get("http://shop.example/").header("x-set-cookie", "tok=evil").body(String::new());
    browser.send(request.unwrap()).await;
    assert_eq!(visit(&mut browser, "/", &[]).await, "tok=secure");

    // Once the `Secure` cookie has expired it is gone, as in a browser, and shadows nothing.
    visit(&mut browser, "/", &["tok=brief; Secure; Max-Age=1"]).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let request = Request::get("http://shop.example/").header("x-set-cookie", "tok=plain").body(String::new());
    browser.send(request.unwrap()).await;
    assert_eq!(browser.cookie("tok"), Some("plain"));
}

#[tokio::test]
async fn loopback_names_and_addresses_count_as_secure() {
    for origin in ["http://app.localhost:3000", "http://127.0.0.2", "http://[::1]:8080"] {
        let mut browser = echo_browser(origin);
        visit(&mut browser, "/", &["s=1; Secure"]).await;
        assert_eq!(visit(&mut browser, "/", &[]).await, "s=1", "{origin}");
    }
}

#[tokio::test]
async fn the_cookie_header_of_a_path_ignores_its_query() {
    let mut browser = echo_browser("https://shop.example");
    visit(&mut browser, "/", &["p=1; Path=/acct"]).await;
    assert_eq!(browser.cookie_header("/acct?tab=1"), "p=1");
    assert_eq!(visit(&mut browser, "/acct?tab=1", &[]).await, "p=1");
}

#[tokio::test]
async fn a_cookie_header_the_test_wrote_is_kept_before_the_jars() {
    let mut browser = echo_browser("https://shop.example");
    visit(&mut browser, "/", &["a=1"]).await;
    let request = Request::get("/").header(http::header::COOKIE, "planted=x").body(String::new()).unwrap();
    assert_eq!(browser.send(request).await.body, "planted=x; a=1");
    // Every header of its own, as an HTTP/2 client may send one per cookie.
    let request = Request::get("/")
        .header(http::header::COOKIE, "planted=x")
        .header(http::header::COOKIE, "other=y")
        .body(String::new())
        .unwrap();
    assert_eq!(browser.send(request).await.body, "planted=x; other=y; a=1");
}

#[tokio::test]
async fn a_cookie_scoped_to_a_path_is_read_only_there() {
    #[derive(SessionSchema)]
    struct Account {
        #[cookie(plain, path = "/account", max_len = 8)]
        colour: String,
    }
    let app = axum::Router::new()
        .route("/account/colour", axum::routing::post(|s: AccountSession| async move { s.set_colour("teal".into()) }))
        .route("/account", axum::routing::get(|s: AccountSession| async move { format!("{:?}", s.colour()) }))
        .route("/", axum::routing::get(|s: AccountSession| async move { format!("{:?}", s.colour()) }))
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
    let mut browser = Browser::new(app);
    browser.post("/account/colour").await;
    assert_eq!(browser.get("/account").await.body, "Some(\"teal\")");
    assert_eq!(browser.get("/").await.body, "None", "a browser does not send it outside its path");
}

/// A browser on a plain-HTTP site speaks HTTP/1.1: its request line holds the path alone, and `Host` the
/// site. So a layer that judges the scheme by the URI sees none and keeps `Secure`, as in production, and
/// the browser, on plain HTTP away from this machine, refuses the cookie: the test fails where the
/// browser would, not passes because it handed the app the absolute URL it was given.
#[tokio::test]
async fn a_browser_on_a_plain_http_site_sends_the_path_and_host_as_http1_does() {
    async fn seen(request: Request<String>) -> Result<Response<String>, Infallible> {
        let host = request.headers().get(http::header::HOST).map(|host| host.to_str().unwrap().to_owned());
        let visits = async {
            let session = request.session::<CounterSession>()?;
            let visits = session.visits().await?.unwrap_or(0) + 1;
            session.set_visits(visits).await?;
            Ok::<_, session_core::Error>(visits)
        };
        let visits = visits.await.map_or_else(|error| error.to_string(), |visits| visits.to_string());
        Ok(Response::new(format!("{} {host:?} {visits}", request.uri())))
    }
    let layer = SessionLayer::new(MemoryStore::default(), Key::generate()).with_secure_detected(false);
    let mut browser = Browser::new(layer.layer(service_fn(seen))).with_origin("http://staging.example.com");

    let reply = browser.get("http://staging.example.com/count").await;
    assert_eq!(reply.body, "/count Some(\"staging.example.com\") 1");
    assert!(reply.set_cookies[0].starts_with("__Host-id=") && reply.set_cookies[0].contains("Secure"), "{reply:?}");
    assert!(browser.cookies.is_empty(), "a browser keeps no Secure cookie from plain HTTP away from localhost");
    assert_eq!(browser.get("/count").await.body, "/count Some(\"staging.example.com\") 1", "no session");

    // On this machine, where browsers keep `Secure` cookies over plain HTTP, with the port in `Host`.
    let mut local = Browser::new(layer.layer(service_fn(seen))).with_origin("http://localhost:3000");
    assert_eq!(local.get("/count").await.body, "/count Some(\"localhost:3000\") 1");
    assert_eq!(local.get("http://localhost:3000/count").await.body, "/count Some(\"localhost:3000\") 2");
}

/// Over HTTPS a browser speaks HTTP/2 where it can, whose request carries the host in its URI; a path
/// goes as HTTP/1.1 sends it, with a `Host` that leaves out the scheme's default port.
#[tokio::test]
async fn a_browser_names_its_host_as_browsers_do() {
    async fn seen(request: Request<String>) -> Result<Response<String>, Infallible> {
        let host = request.headers().get(http::header::HOST).map(|host| host.to_str().unwrap().to_owned());
        Ok(Response::new(format!("{:?} {} {host:?}", request.version(), request.uri())))
    }
    let mut browser = Browser::new(service_fn(seen)).with_origin("https://shop.example.com:443");
    assert_eq!(browser.get("/cart").await.body, "HTTP/1.1 /cart Some(\"shop.example.com\")");
    for url in
        ["https://shop.example.com/cart", "https://Shop.Example.COM:443/cart", "https://ada@shop.example.com/cart"]
    {
        let seen = browser.get(url).await.body;
        assert_eq!(seen, "HTTP/2.0 https://shop.example.com/cart None", "HTTP/2 carries the host in the URI: {url}");
    }
    let mut browser = Browser::new(service_fn(seen)).with_origin("http://localhost:80");
    assert_eq!(browser.get("http://localhost:8080/").await.body, "HTTP/1.1 / Some(\"localhost:8080\")");
    assert_eq!(browser.get("/").await.body, "HTTP/1.1 / Some(\"localhost\")");
    assert_eq!(browser.get("http://localhost?page=2").await.body, "HTTP/1.1 /?page=2 Some(\"localhost\")");
}
