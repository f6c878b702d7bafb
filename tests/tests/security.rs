//! Security behaviour: key rotation, and the session behaviours users rely on from express-session,
//! Rails, Django, tower-sessions and actix-session. (The lifecycle basics — untouched sessions store
//! nothing, unmodified ones are not rewritten, modified ones are written once, forged ids are never looked
//! up, unknown ids are never adopted — are in `http.rs`.)

use std::{sync::Arc, time::Duration};

use axum::{
    extract::Extension,
    response::{AppendHeaders, IntoResponse},
    routing::{get, post},
    Router,
};
use http::{header, StatusCode};
use session_core::{
    cookie::SameSite, testing::Jar, CookieValue, Key, MemoryStore, SessionLayer, SessionSchema, SessionStore,
};
use tests::{
    browser::Browser,
    gate::Gate,
    stores::{CallCounts, CountingStore},
};
use tokio::sync::Barrier;

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
enum Theme {
    Light,
    Dark,
}

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    theme: Theme,
    #[cookie(max_len = 16)]
    locale: String,
    #[cookie(private, max_len = 16)]
    nickname: String,
    #[session]
    user_id: u64,
}

type Result<T = &'static str> = std::result::Result<T, session_core::Error>;

fn routes() -> Router {
    Router::new()
        .route("/nothing", get(|| async { "ok" }))
        .route(
            "/cookies",
            get(|s: VisitorSession| async move { format!("{:?} {:?} {:?}", s.theme(), s.locale(), s.nickname()) }),
        )
        .route(
            "/cookies/set",
            post(|s: VisitorSession| async move {
                s.set_theme(Theme::Dark)?;
                s.set_locale("en-GB".into())?;
                s.set_nickname("bob".into())?;
                Result::Ok("ok")
            }),
        )
        .route("/user", get(|s: VisitorSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }))
        .route(
            "/user/set",
            post(|s: VisitorSession| async move {
                s.set_user_id(7).await?;
                Result::Ok("ok")
            }),
        )
        .route(
            "/logout",
            post(|s: VisitorSession| async move {
                s.destroy().await?;
                Result::Ok("ok")
            }),
        )
        .route(
            "/own-cookie",
            post(|s: VisitorSession| async move {
                s.set_user_id(7).await?;
                Result::Ok((AppendHeaders([(header::SET_COOKIE, "analytics=off; Path=/")]), "ok").into_response())
            }),
        )
        .route(
            "/fail",
            post(|s: VisitorSession| async move {
                s.set_user_id(13).await?;
                s.set_locale("half-done".into())?;
                Result::Ok((StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response())
            }),
        )
}

fn app<S: SessionStore>(layer: SessionLayer<S>) -> Browser {
    Browser::new(routes().layer(layer))
}

fn parse(set_cookie: &str) -> cookie::Cookie<'static> {
    cookie::Cookie::parse(set_cookie.to_owned()).unwrap()
}

#[tokio::test]
async fn cookies_of_a_previous_key_verify_and_come_back_under_the_current_key() {
    let (old, new) = (Key::generate(), Key::generate());
    let store = MemoryStore::default();
    let mut before = app(SessionLayer::new(store.clone(), old.clone()));
    before.post("/cookies/set").await;
    before.post("/user/set").await;
    let old_cookies = before.cookies.clone();

    let mut rotating = app(SessionLayer::new(store.clone(), new.clone()).with_previous_keys([old]));
    rotating.cookies = old_cookies.clone();
    let reply = rotating.get("/cookies").await;
    assert_eq!(reply.body, "Some(Dark) Some(\"en-GB\") Some(\"bob\")");
    for name in ["locale", "nickname"] {
        let reissued = parse(reply.set_cookie(name).unwrap_or_else(|| panic!("{name} is re-issued")));
        assert_ne!(reissued.value(), &old_cookies[name], "{name} changed key");
    }
    assert!(reply.set_cookie("theme").is_none(), "plain cookies have no key to rotate");
    let reply = rotating.get("/user").await;
    assert_eq!(reply.body, "Some(7)", "the session survives the rotation");
    assert!(reply.set_cookie("__Host-id").is_some(), "the id cookie is re-issued too");

    // Once the old key is retired, the re-issued cookies still work and the old ones no longer do.
    let mut after = app(SessionLayer::new(store, new));
    after.cookies = rotating.cookies.clone();
    assert_eq!(after.get("/cookies").await.body, "Some(Dark) Some(\"en-GB\") Some(\"bob\")");
    assert_eq!(after.get("/user").await.body, "Some(7)");
    after.cookies = old_cookies;
    assert_eq!(after.get("/cookies").await.body, "Some(Dark) None None");
    assert_eq!(after.get("/user").await.body, "None");
}

/// Rotating the key of an app on several instances, whose rollout leaves old and new instances serving the
/// same browser for a while, signs nobody out when done in two deploys: first every instance learns the new
/// key as a previous one, then each makes it the current one. In one step, an instance not yet rolled out
/// cannot read the cookies a new one re-issued, and clears the id cookie: the visitor is signed out.
#[tokio::test]
async fn a_rolling_key_rotation_in_two_deploys_signs_nobody_out() {
    let (old, new) = (Key::generate(), Key::generate());
    let store = MemoryStore::default();
    let instance = |current: &Key, previous: Option<&Key>| {
        routes().layer(SessionLayer::new(store.clone(), current.clone()).with_previous_keys(previous.cloned()))
    };
    let before = instance(&old, None);
    let learning = instance(&old, Some(&new));
    let switched = instance(&new, Some(&old));
    let after = instance(&new, None);
    let signed_in = || async {
        let mut browser = Browser::new(before.clone());
        browser.post("/user/set").await;
        browser.post("/cookies/set").await;
        browser.cookies
    };
    // A request of the browser whose cookies are in `jar`, served by `instance`.
    async fn visit(instance: &Router, jar: &mut Jar, path: &str) -> String {
        let mut browser = Browser::new(instance.clone());
        browser.cookies = std::mem::take(jar);
        let body = browser.get(path).await.body;
        *jar = browser.cookies;
        body
    }

    // The browser's requests alternate between the old and new instances of each deploy as it rolls out.
    let mut jar = signed_in().await;
    for rollout in [[&before, &learning], [&learning, &switched], [&switched, &after]] {
        for instance in rollout.into_iter().cycle().take(4) {
            assert_eq!(visit(instance, &mut jar, "/user").await, "Some(7)");
            assert_eq!(visit(instance, &mut jar, "/cookies").await, "Some(Dark) Some(\"en-GB\") Some(\"bob\")");
        }
    }

    // In one step, the first instance not yet rolled out signs the visitor out.
    let mut jar = signed_in().await;
    assert_eq!(visit(&switched, &mut jar, "/user").await, "Some(7)");
    assert_eq!(visit(&before, &mut jar, "/user").await, "None");
    assert_eq!(visit(&switched, &mut jar, "/user").await, "None");
}

#[tokio::test]
async fn keys_come_from_bytes_a_master_secret_or_the_environment_with_clear_errors() {
    let material: Vec<u8> = (0..64).collect();
    assert!(Key::from_bytes(&material).is_ok());
    let short = Key::from_bytes(&material[..63]).unwrap_err();
    assert_eq!(
        short.to_string(),
        "key material is 63 bytes; at least 64 are needed: give random bytes, such as the 64 characters \
         `openssl rand -base64 48` prints (as they are: decoded, they are 48 bytes)"
    );
    assert!(Key::from_master_secret(&material[..31]).is_err());
    // A placeholder left in a config template is no key: anyone could forge cookies under it.
    for placeholder in [Key::from_bytes(&[0; 64]), Key::from_master_secret(&[b'x'; 48])] {
        assert!(placeholder.unwrap_err().to_string().contains("one byte repeated"));
    }
    for (placeholder, pattern) in [("changeme".repeat(8), "8 bytes"), ("0123456789abcdef".repeat(2), "16 bytes")] {
        let refused = Key::from_master_secret(placeholder.as_bytes()).unwrap_err().to_string();
        assert!(refused.contains(&format!("a pattern of {pattern} repeated")), "{refused}");
        assert!(!refused.contains(&placeholder[..8]), "the error quotes the secret: {refused}");
    }
    // A longer pattern is taken: the check catches what templates hold, it does not judge strength.
    assert!(Key::from_master_secret("0123456789abcdefg".repeat(2).as_bytes()).is_ok());

    // Derivation is deterministic: two instances configured alike verify each other's cookies.
    let secret = "a master secret shared by every instance of the app";
    let mut first = app(SessionLayer::new(MemoryStore::default(), Key::from_master_secret(secret.as_bytes()).unwrap()));
    first.post("/cookies/set").await;
    // No other test reads or writes this variable.
    // As a secrets file holds it, with a newline, which `from_env` trims.
    std::env::set_var("SECURITY_TEST_SESSION_KEY", format!("{secret}\n"));
    let mut second =
        app(SessionLayer::new(MemoryStore::default(), Key::from_env("SECURITY_TEST_SESSION_KEY").unwrap()));
    second.cookies = first.cookies.clone();
    assert_eq!(second.get("/cookies").await.body, "Some(Dark) Some(\"en-GB\") Some(\"bob\")");
    let missing = Key::from_env("SECURITY_TEST_UNSET_VARIABLE").unwrap_err().to_string();
    assert!(missing.contains("SECURITY_TEST_UNSET_VARIABLE") && missing.contains("is not set"), "{missing}");
    // A variable set but blank, or short, is named, with the way to fill it.
    std::env::set_var("SECURITY_TEST_BLANK_SESSION_KEY", "  \n");
    let blank = Key::from_env("SECURITY_TEST_BLANK_SESSION_KEY").unwrap_err().to_string();
    assert!(blank.contains("`SECURITY_TEST_BLANK_SESSION_KEY` holds 0 bytes") && blank.contains("openssl"), "{blank}");
    std::env::set_var("SECURITY_TEST_PLACEHOLDER_SESSION_KEY", "x".repeat(48));
    let placeholder = Key::from_env("SECURITY_TEST_PLACEHOLDER_SESSION_KEY").unwrap_err().to_string();
    assert!(placeholder.contains("`SECURITY_TEST_PLACEHOLDER_SESSION_KEY`: the key material is one byte repeated"));

    // A secret set as raw bytes is refused without being quoted: the error may well be logged.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let raw = std::ffi::OsString::from_vec(b"\xffTOP-SECRET-master-key-material-0123456789".to_vec());
        std::env::set_var("SECURITY_TEST_RAW_SESSION_KEY", raw);
        let not_text = Key::from_env("SECURITY_TEST_RAW_SESSION_KEY").unwrap_err();
        let shown = format!("{not_text} {not_text:?}");
        assert!(shown.contains("is not UTF-8") && !shown.contains("TOP-SECRET"), "{shown}");
    }
}

#[tokio::test]
async fn an_unknown_but_well_formed_id_gets_a_different_id_back() {
    let key = Key::generate();
    let mut elsewhere = app(SessionLayer::new(MemoryStore::default(), key.clone()));
    elsewhere.post("/user/set").await;
    let unknown = elsewhere.cookies["__Host-id"].to_owned();

    let mut browser = app(SessionLayer::new(MemoryStore::default(), key));
    browser.cookies.insert("__Host-id", unknown.clone());
    let reply = browser.post("/user/set").await;
    assert_ne!(parse(reply.set_cookie("__Host-id").unwrap()).value(), unknown);
}

#[tokio::test]
async fn a_malformed_id_cookie_is_answered_with_a_removal_cookie_and_a_200() {
    let store = CountingStore::new(MemoryStore::default());
    for path in ["/nothing", "/cookies", "/user"] {
        let mut browser = app(SessionLayer::new(store.clone(), Key::generate()));
        browser.cookies.insert("__Host-id", "%%not-an-id%%");
        let reply = browser.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let removal = parse(reply.set_cookie("__Host-id").unwrap_or_else(|| panic!("{path}: removal cookie")));
        assert_eq!((removal.value(), removal.max_age()), ("", Some(cookie::time::Duration::ZERO)), "{path}");
    }
    assert_eq!(store.counts(), CallCounts::default(), "a malformed id is never looked up");
}

#[tokio::test]
async fn an_expired_id_yields_a_new_session_and_the_expired_record_is_gone() {
    let store = MemoryStore::default();
    let layer = SessionLayer::new(store.clone(), Key::generate()).with_idle_timeout(Duration::from_millis(100));
    let mut browser = app(layer);
    browser.post("/user/set").await;
    let expired = browser.cookies["__Host-id"].to_owned();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(browser.get("/user").await.body, "None");
    assert_eq!(store.len(), 0, "the expired record is gone");
    browser.cookies.insert("__Host-id", expired.clone());
    let reply = browser.post("/user/set").await;
    assert_ne!(parse(reply.set_cookie("__Host-id").unwrap()).value(), expired);
    assert_eq!(store.len(), 1);
}

#[tokio::test]
async fn the_id_cookie_is_a_browser_session_cookie_unless_a_lifetime_is_configured_which_slides_with_writes() {
    let mut browser = app(SessionLayer::new(MemoryStore::default(), Key::generate()));
    let id = parse(browser.post("/user/set").await.set_cookie("__Host-id").unwrap());
    assert_eq!((id.max_age(), id.expires()), (None, None));

    let layer =
        SessionLayer::new(MemoryStore::default(), Key::generate()).with_cookie_max_age(Duration::from_secs(3600));
    let set_8 = post(|s: VisitorSession| async move {
        s.set_user_id(8).await?;
        Result::Ok("ok")
    });
    let mut browser = Browser::new(routes().route("/user/set/8", set_8).layer(layer));
    let id = parse(browser.post("/user/set").await.set_cookie("__Host-id").unwrap());
    assert_eq!(id.max_age(), Some(cookie::time::Duration::hours(1)));

    // Each write sends it again, so it lasts an hour from the last one, not from the first: an active
    // visitor's browser never drops it while the server keeps the session. A read writes nothing.
    let again = browser.post("/user/set/8").await;
    let resent = parse(again.set_cookie("__Host-id").expect("a write re-sends the persistent id cookie"));
    assert_eq!((resent.value(), resent.max_age()), (id.value(), Some(cookie::time::Duration::hours(1))));
    assert_eq!(browser.get("/user").await.set_cookie("__Host-id"), None);
}

#[tokio::test]
async fn destroy_sends_a_removal_cookie_that_keeps_path_domain_and_secure() {
    // Each layer with the site and the paths its cookie is sent to.
    let configured = [
        (
            SessionLayer::new(MemoryStore::default(), Key::generate()).with_cookie_name("__Host-id"),
            "https://localhost",
            "",
        ),
        (
            SessionLayer::new(MemoryStore::default(), Key::generate())
                .with_cookie_name("sid")
                .with_cookie_domain("example.com")
                .with_cookie_path("/app")
                .with_same_site(SameSite::Strict)
                .with_partitioned(true),
            "https://shop.example.com",
            "/app",
        ),
    ];
    for (layer, origin, prefix) in configured {
        let routes = if prefix.is_empty() { routes() } else { Router::new().nest(prefix, routes()) };
        let mut browser = Browser::new(routes.layer(layer)).with_origin(origin);
        let set = parse(browser.post(&format!("{prefix}/user/set")).await.set_cookies[0].as_str());
        let reply = browser.post(&format!("{prefix}/logout")).await;
        let removal = parse(reply.set_cookie(set.name()).expect("a removal cookie"));
        assert_eq!(removal.value(), "");
        assert_eq!(removal.max_age(), Some(cookie::time::Duration::ZERO));
        assert_eq!(
            (removal.path(), removal.domain(), removal.secure(), removal.same_site(), removal.partitioned()),
            (set.path(), set.domain(), set.secure(), set.same_site(), set.partitioned()),
            "{}",
            set.name()
        );
        assert_eq!(reply.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    }
}

#[tokio::test]
async fn other_set_cookie_headers_of_the_handler_are_preserved() {
    let mut browser = app(SessionLayer::new(MemoryStore::default(), Key::generate()));
    let reply = browser.post("/own-cookie").await;
    assert_eq!(reply.set_cookie("analytics"), Some("analytics=off; Path=/"));
    assert!(reply.set_cookie("__Host-id").is_some());
}

#[tokio::test]
async fn nothing_is_saved_or_sent_when_the_handler_answers_with_a_5xx() {
    let store = CountingStore::new(MemoryStore::default());
    let mut browser = app(SessionLayer::new(store.clone(), Key::generate()));
    let reply = browser.post("/fail").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(reply.set_cookie("__Host-id").is_none());
    assert!(reply.set_cookie("locale").is_none(), "a half-done cookie change went out");
    assert_eq!(store.counts().writes(), 0);
}

#[tokio::test]
async fn the_layer_works_beside_tower_cookies() {
    use tower_cookies::{Cookie, CookieManagerLayer, Cookies};

    let routes = Router::new().route(
        "/both",
        post(|s: VisitorSession, jar: Cookies| async move {
            let seen = jar.get("analytics").map(|cookie| cookie.value().to_owned());
            jar.add(Cookie::new("analytics", "on"));
            s.set_locale("en-GB".into())?;
            s.set_user_id(7).await?;
            Result::Ok(format!("{seen:?}"))
        }),
    );
    for app in [
        routes
            .clone()
            .layer(SessionLayer::new(MemoryStore::default(), Key::generate()))
            .layer(CookieManagerLayer::new()),
        routes.layer(CookieManagerLayer::new()).layer(SessionLayer::new(MemoryStore::default(), Key::generate())),
    ] {
        let mut browser = Browser::new(app);
        browser.cookies.insert("analytics", "off");
        let reply = browser.post("/both").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, "Some(\"off\")", "tower-cookies reads the request's cookies");
        for name in ["analytics", "locale", "__Host-id"] {
            assert!(reply.set_cookie(name).is_some(), "{name} was not set");
        }
        assert_eq!(browser.get("/").await.status, StatusCode::NOT_FOUND);
        assert_eq!(browser.cookies.get("analytics"), Some("on"));
    }
}

#[test]
fn invalid_layer_settings_are_refused_when_the_layer_is_built() {
    let layer = || SessionLayer::new(MemoryStore::default(), Key::generate());
    let refused = [
        (layer().with_cookie_name("__Host-id").with_secure(false), "needs `Secure`"),
        (layer().with_cookie_name("__Host-id").with_cookie_domain("example.com"), "cannot have a domain"),
        (layer().with_cookie_name("__Host-id").with_cookie_path("/app"), "must have the path `/`"),
        (layer().with_cookie_name("__Secure-id").with_secure(false), "needs `Secure`"),
        // Browsers match the prefixes without regard to case.
        (layer().with_cookie_name("__host-id").with_cookie_domain("example.com"), "cannot have a domain"),
        (layer().with_cookie_name("__SECURE-id").with_secure(false), "needs `Secure`"),
        (layer().with_cookie_name("__Http-id").with_secure(false), "needs `Secure`"),
        (layer().with_cookie_name("__Host-Http-id").with_secure(false), "needs `Secure`"),
        (layer().with_same_site(SameSite::None).with_secure(false), "`SameSite=None` needs `Secure`"),
        (layer().with_cookie_name("my id"), "not a valid cookie name"),
        // A domain or path that would smuggle an attribute of its own into the Set-Cookie line.
        (layer().with_cookie_domain("example.com; SameSite=None"), "not a valid cookie domain"),
        (layer().with_cookie_domain("example.com\r\nSet-Cookie: a=b"), "not a valid cookie domain"),
        (layer().with_cookie_domain(""), "not a valid cookie domain"),
        (layer().with_cookie_path("/; Domain=evil.example"), "not a valid cookie path"),
        // Browsers would drop the cookie, or ignore its path.
        (layer().with_cookie_name("n".repeat(33)), "choose a shorter name"),
        (layer().with_cookie_path(format!("/{}", "p".repeat(1024))), "choose a shorter path"),
        (layer().with_cookie_max_age(Duration::from_secs(400 * 86_400 + 1)), "at most 400 days"),
        // Settings that would end every session as it starts.
        (layer().with_cookie_max_age(Duration::from_millis(999)), "`Max-Age=0`"),
        (layer().with_idle_timeout(Duration::ZERO), "idle timeout of zero"),
        (layer().with_absolute_timeout(Duration::from_micros(999)), "absolute timeout of zero"),
        (layer().with_idle_refresh(f64::NAN), "NaN"),
        (layer().with_cookie_path("/my shop"), "visible ASCII"),
    ];
    for (layer, message) in refused {
        let error = layer.validate().unwrap_err().to_string();
        assert!(error.contains(message), "{error}");
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Router::<()>::new().route("/", get(|| async { "" })).layer(layer)
        }));
        assert!(panic.is_err(), "applying the layer fails at start-up: {message}");
    }
    assert!(layer().with_cookie_name("__Host-id").validate().is_ok());
    assert!(layer().with_cookie_name("n".repeat(32)).validate().is_ok());
    assert!(layer().with_cookie_path(format!("/{}", "p".repeat(1023))).validate().is_ok());
    assert!(layer().with_cookie_domain("shop.example.com").validate().is_ok());
    assert!(layer().with_cookie_max_age(Duration::from_secs(400 * 86_400)).validate().is_ok());
    assert!(layer().with_cookie_max_age(Duration::from_secs(1)).validate().is_ok());
    assert!(layer().with_idle_timeout(Duration::from_millis(1)).validate().is_ok());
}

#[tokio::test]
async fn secure_is_dropped_only_where_a_request_is_known_to_be_plain_http() {
    use axum::body::Body;
    use http::Request;

    async fn secure_flag(layer: SessionLayer<MemoryStore>, uri: &str, forwarded: Option<&str>) -> bool {
        let mut request = Request::post(uri);
        if let Some(proto) = forwarded {
            request = request.header("x-forwarded-proto", proto);
        }
        let reply = tests::browser::send(&routes().layer(layer), request.body(Body::empty()).unwrap()).await;
        let id_cookie = parse(&reply.set_cookies[0]);
        let secure = id_cookie.secure() == Some(true);
        // A `__Host-` cookie must be Secure, so a plain-HTTP request gets the unprefixed name.
        assert_eq!(id_cookie.name(), if secure { "__Host-id" } else { "id" }, "{uri}");
        secure
    }
    let layer = || SessionLayer::new(MemoryStore::default(), Key::generate());

    assert!(secure_flag(layer(), "/user/set", None).await, "Secure by default");
    assert!(secure_flag(layer(), "/user/set", Some("http")).await, "whatever the proxy says");
    let detect = || layer().with_secure_detected(false);
    assert!(secure_flag(detect(), "https://shop.example/user/set", None).await);
    assert!(!secure_flag(detect(), "http://shop.example/user/set", None).await, "known to be plain HTTP");
    // An HTTP/1.1 request line has no scheme, over TLS as over plain HTTP: no guess sends the id in clear.
    assert!(secure_flag(detect(), "/user/set", None).await);
    assert!(secure_flag(detect(), "/user/set", Some("http")).await, "an untrusted header is ignored");
    let behind_proxy = || layer().with_secure_detected(true);
    assert!(secure_flag(behind_proxy(), "/user/set", Some("https, http")).await);
    assert!(!secure_flag(behind_proxy(), "/user/set", Some("http")).await);
    assert!(secure_flag(behind_proxy(), "/user/set", None).await, "a proxy that says nothing");
    assert!(!secure_flag(behind_proxy(), "/user/set", Some("ws")).await, "a WebSocket upgrade over plain HTTP");
    assert!(secure_flag(behind_proxy(), "/user/set", Some("wss")).await);
    // The proxy's own hop may be plain HTTP/2: what the client used is what the trusted header says.
    assert!(secure_flag(behind_proxy(), "http://app.internal/user/set", Some("https")).await);
    assert!(!secure_flag(behind_proxy(), "https://app.internal/user/set", Some("http")).await);
}

/// Browsers keep a `__Host-`, `__Secure-` or `__Http-` cookie only if it is `Secure`, and accept one from
/// `localhost` over plain HTTP. So a prefixed cookie keeps `Secure` where the others lose it: a chosen id
/// cookie name under `with_secure_detected` answering a plain-HTTP request, and a prefixed field cookie
/// under `with_secure(false)`, as does a `SameSite=None` one. Without it, development on
/// `http://localhost` loses the session and the cookie on every request.
#[tokio::test]
async fn a_prefixed_cookie_keeps_secure_on_plain_http_so_a_local_browser_keeps_it() {
    #[derive(SessionSchema)]
    struct Prefixed {
        #[cookie(name = "__Host-pref", max_len = 8)]
        pref: String,
        #[cookie(name = "__Http-mode")]
        mode: bool,
        #[cookie(plain, same_site = "none")]
        embedded: bool,
        #[session]
        visits: u32,
    }
    let routes = || {
        Router::new()
            .route(
                "/",
                get(|s: PrefixedSession| async move {
                    Result::Ok(format!("{:?} {:?} {:?} {:?}", s.pref(), s.mode(), s.embedded(), s.visits().await?))
                }),
            )
            .route(
                "/set",
                post(|s: PrefixedSession| async move {
                    s.set_pref("x".into())?;
                    s.set_mode(true)?;
                    s.set_embedded(true)?;
                    s.set_visits(1).await?;
                    Result::Ok("ok")
                }),
            )
    };
    let layer = || SessionLayer::new(MemoryStore::default(), Key::generate());
    for layer in [layer().with_secure_detected(false).with_cookie_name("__Host-sid"), layer().with_secure(false)] {
        let mut browser = Browser::new(routes().layer(layer)).with_origin("http://localhost:3000");
        let set = browser.post("/set").await;
        assert!(
            set.set_cookies
                .iter()
                .filter(|line| line.starts_with("__Host-")
                    || line.starts_with("__Http-")
                    || line.contains("SameSite=None"))
                .all(|line| line.contains("; Secure")),
            "{:?}",
            set.set_cookies
        );
        assert_eq!(browser.get("/").await.body, r#"Some("x") Some(true) Some(true) Some(1)"#, "{:?}", set.set_cookies);
    }
}

/// A request that loaded the session before a logout and calls `cycle_id` after it (a login or privilege
/// change still in flight) must not bring the logged-out session back under a new id and hand that id out.
#[tokio::test]
async fn a_logout_is_not_undone_by_a_request_in_flight_that_cycles_the_id() {
    let store = MemoryStore::default();
    let gate = Arc::new(Gate::default());
    let racing = Router::new()
        .route(
            "/login/held",
            post(|s: VisitorSession, Extension(gate): Extension<Arc<Gate>>| async move {
                s.user_id().await?;
                gate.hold().await;
                s.cycle_id().await?;
                Result::Ok("ok")
            }),
        )
        .merge(routes())
        .layer(Extension(gate.clone()))
        .layer(SessionLayer::new(store.clone(), Key::generate()));
    let mut browser = Browser::new(racing);
    browser.post("/user/set").await;

    let (mut held, mut logout) = (browser.clone(), browser.clone());
    let (held_reply, logout_reply) = gate.one_in_between(held.post("/login/held"), logout.post("/logout")).await;
    assert_eq!(logout_reply.status, StatusCode::OK, "the logout went through");

    let live_id = held_reply.set_cookie("__Host-id").map(parse).filter(|cookie| !cookie.value().is_empty());
    assert!(
        live_id.is_none(),
        "the request in flight handed out a live id after the logout: {:?}",
        held_reply.set_cookies
    );
    assert_eq!(held.get("/user").await.body, "None", "the logged-out session's data is reachable again");
    // The sign-in marked the id as moved before its move was refused: one record, holding no field (a
    // record counts 512 bytes besides its fields, and its bucket of the deadline index 96 and room for
    // four keys of 32).
    assert_eq!((store.len(), store.bytes()), (1, 512 + 96 + 4 * 32), "the logged-out session's data is stored again");
}

/// The routes, with `POST /cycle` (a sign-in's new id) and `POST /user/held`, which loads the session, waits
/// for `gate`, then sets the user id to 8: a request in flight while another changes the session.
fn racing_app(gate: Arc<Gate>) -> Browser {
    let racing = Router::new()
        .route(
            "/user/held",
            post(|s: VisitorSession, Extension(gate): Extension<Arc<Gate>>| async move {
                s.user_id().await?;
                gate.hold().await;
                s.set_user_id(8).await?;
                Result::Ok("ok")
            }),
        )
        .route(
            "/cycle",
            post(|s: VisitorSession| async move {
                s.cycle_id().await?;
                Result::Ok("ok")
            }),
        )
        .merge(routes())
        .layer(Extension(gate))
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
    Browser::new(racing)
}

/// A request that loaded the session before a concurrent sign-in moved it to a new id cannot save into the
/// old one. It answers 409, saying its changes were not saved, and leaves the id cookie alone: clearing it
/// would sign the browser out whenever this response lands after the sign-in's.
#[tokio::test]
async fn a_write_to_a_session_a_concurrent_sign_in_moved_answers_409_and_keeps_the_new_id() {
    let gate = Arc::new(Gate::default());
    let mut browser = racing_app(gate.clone());
    browser.post("/user/set").await;

    let (mut held, mut sign_in) = (browser.clone(), browser.clone());
    let (held_reply, signed_in) = gate.one_in_between(held.post("/user/held"), sign_in.post("/cycle")).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    assert_eq!(held_reply.status, StatusCode::CONFLICT, "{held_reply:?}");
    assert!(held_reply.body.contains("not saved"), "{}", held_reply.body);
    assert!(held_reply.set_cookie("__Host-id").is_none(), "the id cookie was touched: {held_reply:?}");
    assert_eq!(sign_in.get("/user").await.body, "Some(7)", "the session under its new id changed or ended");
}

/// A logout sent with the id a sign-in has just moved (sent before the sign-in's answer came back) cannot
/// end the session under its new id. A success would leave the visitor signed in, so it answers 409 and
/// leaves the id cookie alone; sent again, with the new id, it ends the session.
#[tokio::test]
async fn a_logout_with_the_id_a_concurrent_sign_in_moved_answers_409_and_leaves_the_new_id() {
    let mut browser = racing_app(Arc::new(Gate::default()));
    browser.post("/user/set").await;
    let mut sent_before = browser.clone();
    assert!(browser.post("/cycle").await.set_cookie("__Host-id").is_some());

    let reply = sent_before.post("/logout").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{reply:?}");
    assert!(reply.set_cookie("__Host-id").is_none(), "the id cookie was touched: {reply:?}");
    assert_eq!(browser.get("/user").await.body, "Some(7)", "the moved session is untouched");

    let reply = browser.post("/logout").await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(browser.get("/user").await.body, "None", "the logout with the new id did not end the session");
}

/// A request sent with the id a concurrent sign-in has just replaced finds no session, and must not clear
/// the id cookie: by the time its response lands, the browser may hold the new id.
#[tokio::test]
async fn a_read_with_the_id_a_concurrent_sign_in_replaced_leaves_the_id_cookie_alone() {
    let mut browser = racing_app(Arc::new(Gate::default()));
    browser.post("/user/set").await;
    let mut sent_before = browser.clone();
    assert!(browser.post("/cycle").await.set_cookie("__Host-id").is_some());

    let reply = sent_before.get("/user").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "None"));
    assert!(reply.set_cookie("__Host-id").is_none(), "the id cookie was touched: {reply:?}");
    assert_eq!(browser.get("/user").await.body, "Some(7)");
}

/// Two requests that loaded one session and both call `cycle_id` (two logins racing) must not split it
/// into two live sessions: a logout on one would leave the other copy, with the same data, alive. Nor may
/// they lose it: the first to commit moves it, the second is refused with 409 and moves nothing.
#[tokio::test]
async fn two_concurrent_cycles_of_one_session_leave_exactly_one_live_copy() {
    let barrier = Arc::new(Barrier::new(2));
    let racing = Router::new()
        .route(
            "/cycle/race",
            post(|s: VisitorSession, Extension(barrier): Extension<Arc<Barrier>>| async move {
                s.user_id().await?; // both requests load the session...
                barrier.wait().await; // ...before either cycles it
                s.cycle_id().await?;
                Result::Ok("ok")
            }),
        )
        .merge(routes())
        .layer(Extension(barrier))
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
    let mut browser = Browser::new(racing);
    browser.post("/user/set").await;

    let (mut first, mut second) = (browser.clone(), browser.clone());
    let (one, other) = tokio::join!(first.post("/cycle/race"), second.post("/cycle/race"));
    let mut statuses = [one.status, other.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{one:?} {other:?}");
    let seen = [first.get("/user").await.body, second.get("/user").await.body];
    let live_copies = seen.iter().filter(|body| *body == "Some(7)").count();
    assert_eq!(live_copies, 1, "the session was split or lost: {seen:?}");
    assert_eq!(browser.get("/user").await.body, "None", "the old id still works");
}

/// During a key rotation the id cookie is re-issued under the current key; a response carrying it without
/// `Cache-Control: no-store` can be kept by a shared cache and replayed, session id included, to others.
#[tokio::test]
async fn a_reissued_id_cookie_is_sent_with_cache_control_no_store() {
    let (old, new) = (Key::generate(), Key::generate());
    let store = MemoryStore::default();
    let mut before = app(SessionLayer::new(store.clone(), old.clone()));
    before.post("/user/set").await;
    let old_cookies = before.cookies.clone();

    let bump = post(|s: VisitorSession| async move {
        s.set_user_id(8).await?;
        Result::Ok("ok")
    });
    let rotating = routes().route("/user/bump", bump).layer(SessionLayer::new(store, new).with_previous_keys([old]));
    let mut missing = Vec::new();
    for (method, path) in [("GET", "/user"), ("POST", "/user/bump")] {
        let mut browser = Browser::new(rotating.clone());
        browser.cookies = old_cookies.clone();
        let request = http::Request::builder().method(method).uri(path).body(axum::body::Body::empty()).unwrap();
        let reply = browser.send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{method} {path}");
        assert!(reply.set_cookie("__Host-id").is_some(), "{method} {path}: the id cookie is re-issued");
        let cache_control = reply.headers.get(header::CACHE_CONTROL).map(|value| value.to_str().unwrap().to_owned());
        if cache_control.as_deref() != Some("no-store") {
            missing.push(format!("{method} {path}: Cache-Control {cache_control:?}"));
        }
    }
    assert!(missing.is_empty(), "a re-issued id cookie went out cacheable: {missing:?}");
}

/// A cookie field's `Set-Cookie` is as much one visitor's as the id cookie's: a shared cache that kept it
/// would hand one visitor's nickname, encrypted, to everyone. So every response the layer adds a cookie
/// to is `no-store`, one that only re-issues a field under a rotated key included.
#[tokio::test]
async fn a_response_that_sets_a_cookie_field_is_sent_with_cache_control_no_store() {
    let (old, new) = (Key::generate(), Key::generate());
    let mut browser = app(SessionLayer::new(MemoryStore::default(), old.clone()));
    let reply = browser.post("/cookies/set").await;
    assert!(reply.set_cookie("nickname").is_some());
    assert_eq!(reply.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let reply = browser.get("/cookies").await;
    assert_eq!((reply.set_cookie("nickname"), reply.headers.get(header::CACHE_CONTROL)), (None, None));

    let mut rotated =
        Browser::new(routes().layer(SessionLayer::new(MemoryStore::default(), new).with_previous_keys([old])));
    rotated.cookies = browser.cookies.clone();
    let reply = rotated.get("/cookies").await;
    assert_eq!(reply.body, "Some(Dark) Some(\"en-GB\") Some(\"bob\")");
    assert!(reply.set_cookie("nickname").is_some(), "re-issued under the current key");
    assert_eq!(reply.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
}

/// Shortening the idle timeout (after an incident, say) must reach the sessions that exist: one idle for
/// longer than the timeout now in force has ended, whatever deadline the longer setting stored for it.
#[tokio::test]
async fn a_shortened_idle_timeout_ends_sessions_created_under_the_longer_one() {
    let (store, key) = (MemoryStore::default(), Key::generate());
    let mut before = app(SessionLayer::new(store.clone(), key.clone()).with_idle_timeout(Duration::from_secs(3600)));
    before.post("/user/set").await;

    let mut after = app(SessionLayer::new(store, key).with_idle_timeout(Duration::from_millis(300)));
    after.cookies = before.cookies.clone();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(after.get("/user").await.body, "None", "idle for twice the idle timeout in force, and still alive");
}

/// The other way round: a lengthened idle timeout applies to a session created under the shorter one from
/// its next request on, so raising the setting does not log out the users who keep using the app.
#[tokio::test]
async fn a_lengthened_idle_timeout_keeps_an_active_session_created_under_the_shorter_one() {
    let (store, key) = (MemoryStore::default(), Key::generate());
    let mut before = app(SessionLayer::new(store.clone(), key.clone()).with_idle_timeout(Duration::from_millis(500)));
    before.post("/user/set").await;

    let mut after = app(SessionLayer::new(store, key).with_idle_timeout(Duration::from_secs(3600)));
    after.cookies = before.cookies.clone();
    assert_eq!(after.get("/user").await.body, "Some(7)");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(after.get("/user").await.body, "Some(7)", "ended by the idle timeout no longer in force");
}

/// A schema with a signed cookie field under the name the layer below gives its id cookie.
#[derive(SessionSchema)]
struct Lookalike {
    #[cookie(name = "visit", max_len = 64)]
    visit: String,
    #[session]
    user_id: u64,
}

fn lookalike_app(store: MemoryStore, key: Key) -> Browser {
    let routes = Router::new()
        .route("/visit", get(|s: LookalikeSession| async move { format!("{:?}", s.visit()) }))
        .route(
            "/visit/{value}",
            post(|s: LookalikeSession, axum::extract::Path(value): axum::extract::Path<String>| async move {
                s.set_visit(value)?;
                Result::Ok("ok")
            }),
        )
        .route("/user", get(|s: LookalikeSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }))
        .route(
            "/user/set",
            post(|s: LookalikeSession| async move {
                s.set_user_id(7).await?;
                Result::Ok("ok")
            }),
        );
    Browser::new(routes.layer(SessionLayer::new(store, key).with_cookie_name("visit")))
}

#[tokio::test]
async fn a_field_named_like_a_chosen_id_cookie_neither_reads_replaces_nor_mints_session_ids() {
    let (store, key) = (MemoryStore::default(), Key::generate());
    let mut owner = lookalike_app(store.clone(), key.clone());
    owner.post("/user/set").await;
    let id_cookie = owner.cookies["visit"].to_owned();
    let id_text = id_cookie[43..].to_owned();
    assert_eq!(owner.get("/user").await.body, "Some(7)");

    // The field does not take the id cookie for one of its own values, so it cannot hand the id out.
    assert_eq!(owner.get("/visit").await.body, "None", "the session id read as the field's value");

    // Its setter is refused, naming the clash, so it can neither replace the visitor's session id nor
    // sign one that whoever chooses the value picked.
    let reply = owner.post("/visit/home").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(reply.set_cookie("visit").is_none(), "{reply:?}");
    assert_eq!(owner.get("/user").await.body, "Some(7)", "setting the field replaced the session");
    let mut minting = lookalike_app(store, key);
    assert_eq!(minting.post(&format!("/visit/{id_text}")).await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(minting.get("/user").await.body, "None", "the field's setter minted a session id");
}

#[tokio::test]
async fn two_different_authentic_ids_in_one_request_give_no_session() {
    let (store, key) = (MemoryStore::default(), Key::generate());
    let mut victim = app(SessionLayer::new(store.clone(), key.clone()));
    victim.post("/user/set").await;
    let mut planter = app(SessionLayer::new(store.clone(), key.clone()));
    planter.post("/user/set").await;
    let (theirs, ours) = (planter.cookies["__Host-id"].to_owned(), victim.cookies["__Host-id"].to_owned());
    assert_ne!(theirs, ours);

    let routes = routes().layer(SessionLayer::new(store, key));
    let user = |cookie_header: String| {
        let routes = routes.clone();
        async move {
            let request = http::Request::get("/user").header(header::COOKIE, cookie_header);
            tests::browser::send(&routes, request.body(axum::body::Body::empty()).unwrap()).await
        }
    };
    // A planted cookie with a longer path comes first (a browser keeps a `__Host-` cookie only from this
    // host, so this takes a name without the prefix, or a browser that ignores it); either order gets no
    // session.
    for header in [format!("__Host-id={theirs}; __Host-id={ours}"), format!("__Host-id={ours}; __Host-id={theirs}")] {
        let reply = user(header).await;
        assert_eq!(reply.body, "None", "a session was adopted from two ids");
        assert_eq!(reply.set_cookie("__Host-id"), None, "a removal would reach only the visitor's own cookie");
    }
    // HTTP/2 sends each cookie in a header of its own: the same rule holds across headers.
    let request = http::Request::get("/user")
        .header(header::COOKIE, format!("__Host-id={theirs}"))
        .header(header::COOKIE, format!("__Host-id={ours}"))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(tests::browser::send(&routes, request).await.body, "None");

    // One id sent twice, or beside a forged one, is still the session.
    for header in [
        format!("__Host-id={ours}; __Host-id={ours}"),
        format!("__Host-id={ours}; __Host-id=forged; __Host-id={}", &ours[..60]),
    ] {
        let reply = user(header).await;
        assert_eq!(reply.body, "Some(7)");
        assert!(reply.set_cookie("__Host-id").is_none());
    }
}

/// A browser sends an id cookie per path and domain that holds one: a handful at most. A request with
/// more gets no session, whatever they hold, and its logout makes a bounded number of store calls: every
/// ended session's cookie stays authentic, so a client could otherwise collect thousands and replay them.
#[tokio::test]
async fn a_request_with_more_id_cookies_than_a_browser_sends_gets_no_session_and_a_bounded_logout() {
    let (store, key) = (CountingStore::new(MemoryStore::default()), Key::generate());
    let mut ids = Vec::new();
    for _ in 0..20 {
        let mut visitor = app(SessionLayer::new(store.clone(), key.clone()));
        visitor.post("/user/set").await;
        ids.push(visitor.cookies["__Host-id"].to_owned());
    }
    let routes = routes().layer(SessionLayer::new(store.clone(), key));
    let send = |path: &'static str, ids: &[String]| {
        let header = ids.iter().map(|id| format!("__Host-id={id}")).collect::<Vec<_>>().join("; ");
        let request = http::Request::builder().uri(path).method(if path == "/user" { "GET" } else { "POST" });
        let request = request.header(header::COOKIE, header).body(axum::body::Body::empty()).unwrap();
        tests::browser::send(&routes, request)
    };

    // Copies of one planted id, however many, never push the visitor's own out of sight.
    let mut planted = vec![ids[0].clone(); 12];
    planted.push(ids[1].clone());
    assert_eq!(send("/user", &planted).await.body, "None");
    assert_eq!(send("/user", &ids[..1]).await.body, "Some(7)");

    store.take_counts();
    for _ in 0..2 {
        assert_eq!(send("/logout", &ids).await.status, StatusCode::OK);
        let counts = store.take_counts();
        assert!(counts.delete <= 8 && counts.load <= 8, "one logout of 20 ids made {counts:?}");
    }
}

/// A cookie field is read from the first eight values sent under its name, as the id cookie is: a header
/// of thousands of forged copies costs eight MAC checks per key, not thousands. Past eight it reads as
/// absent: the visitor's own may be among those left unread, behind copies of one authentic value that a
/// sibling subdomain planted on longer paths (one this app once gave the planter), which must not win by
/// their number; nor may a key rotation re-issue such a copy site-wide as the visitor's own.
#[tokio::test]
async fn a_cookie_field_is_read_from_the_first_eight_values_sent_under_its_name() {
    let (old_key, key) = (Key::generate(), Key::generate());
    let set_theirs = post(|s: VisitorSession| async move {
        s.set_locale("fr".into())?;
        Result::Ok("ok")
    });
    let value_under = |key: &Key, path: &'static str| {
        let mut visitor = Browser::new(
            routes()
                .route("/locale/fr", set_theirs.clone())
                .layer(SessionLayer::new(MemoryStore::default(), key.clone())),
        );
        async move {
            visitor.post(path).await;
            visitor.cookies["locale"].to_owned()
        }
    };
    let authentic = value_under(&key, "/cookies/set").await;
    let routes =
        routes().layer(SessionLayer::new(MemoryStore::default(), key.clone()).with_previous_keys([old_key.clone()]));
    let read_after = |planted: &str, copies: usize| {
        let mut pairs = vec![format!("locale={planted}"); copies];
        pairs.push(format!("locale={authentic}"));
        let request = http::Request::get("/cookies").header(header::COOKIE, pairs.join("; "));
        tests::browser::send(&routes, request.body(axum::body::Body::empty()).unwrap())
    };
    // The signature's first character changed.
    let forged = format!("{}{}", if authentic.starts_with('A') { 'B' } else { 'A' }, &authentic[1..]);
    assert_eq!(read_after(&forged, 7).await.body, "None Some(\"en-GB\") None", "the eighth value is read");
    assert_eq!(read_after(&forged, 8).await.body, "None None None", "the ninth is not");

    for theirs in [value_under(&key, "/locale/fr").await, value_under(&old_key, "/locale/fr").await] {
        let reply = read_after(&theirs, 8).await;
        assert_eq!(reply.body, "None None None", "eight planted copies outnumbered the visitor's own");
        assert_eq!(reply.set_cookie("locale"), None, "a planted copy was re-issued as the visitor's own");
        assert_eq!(read_after(&theirs, 1).await.body, "None None None", "two different authentic values");
    }
}

/// Under an id cookie without the `__Host-` prefix, a sibling subdomain can plant an authentic id of its
/// own for the whole site on a longer path, which the browser then sends first. While it is there the
/// visitor has no session, and the planted one never becomes it: a removal cookie would clear only the
/// visitor's own, leaving the planted one alone in the jar. A logout the planted id is sent to ends both
/// (one it is not sent to cannot know of it: the `__Host-` prefix of the default name is what keeps a
/// sibling from planting one at all), and treats them alike: it cannot tell which is the visitor's own.
#[tokio::test]
async fn a_planted_id_beside_the_visitors_never_becomes_the_session() {
    let (store, key) = (MemoryStore::default(), Key::generate());
    let set_666 = post(|s: VisitorSession| async move {
        s.set_user_id(666).await?;
        Result::Ok("ok")
    });
    let layer = SessionLayer::new(store.clone(), key).with_cookie_name("sid");
    let mut planter = Browser::new(routes().route("/user/set/666", set_666).layer(layer.clone()));
    planter.post("/user/set/666").await;
    let planted = planter.cookies["sid"].to_owned();
    let plant = get(move || {
        let line = format!("sid={planted}; Domain=example.com; Path=/user; Secure; HttpOnly");
        async move { AppendHeaders([(header::SET_COOKIE, line)]) }
    });
    let logout = post(|s: VisitorSession| async move {
        s.destroy().await?;
        Result::Ok("ok")
    });
    let cycle = post(|s: VisitorSession| async move {
        s.cycle_id().await?;
        Result::Ok("ok")
    });
    let site = routes().route("/user/logout", logout).route("/cycle", cycle).layer(layer).route("/plant", plant);
    let mut victim = Browser::new(site).with_origin("https://app.example.com");
    victim.post("/user/set").await;
    assert_eq!(victim.get("/user").await.body, "Some(7)");

    victim.get("https://evil.example.com/plant").await;
    assert_eq!(victim.cookie_header("/user").matches("sid=").count(), 2, "both ids are sent");
    for _ in 0..2 {
        let reply = victim.get("/user").await;
        assert_eq!((reply.body.as_str(), reply.set_cookie("sid")), ("None", None));
    }
    assert_eq!(store.len(), 2);
    // Nor does a write there start a session: its cookie would replace the visitor's own, not the planted
    // one, signing the visitor out everywhere.
    let reply = victim.post("/user/set").await;
    assert_eq!((reply.status, reply.set_cookie("sid")), (StatusCode::CONFLICT, None), "{reply:?}");
    assert_eq!(store.len(), 2);

    // A logout sent with both ids while a sign-in elsewhere on the site, which only the visitor's own
    // reaches, gives that session a new id: it cannot end the session, and says so, whichever id came
    // first.
    let mut elsewhere = victim.clone();
    assert_eq!(elsewhere.post("/cycle").await.status, StatusCode::OK);
    let reply = victim.post("/user/logout").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{reply:?}");

    // With the ids the browser holds by now, it ends both: only the minute-long marker of the move is left.
    victim.cookies = elsewhere.cookies.clone();
    let reply = victim.post("/user/logout").await;
    assert!(reply.set_cookie("sid").is_some_and(|line| line.starts_with("sid=;")), "{reply:?}");
    assert_eq!(store.len(), 1, "the logout left a session");
}

/// A sibling subdomain can plant a cookie field's value on a longer path, and an authentic one: a value
/// this app gave the planter, under the current key or a retired one. Beside the visitor's own, which of
/// the two is theirs cannot be told, so the field reads as absent there, and nothing re-issues the
/// planted value as the visitor's own.
#[tokio::test]
async fn a_planted_authentic_field_value_beside_the_visitors_is_never_read() {
    let (old_key, key) = (Key::generate(), Key::generate());
    let set_mallory = post(|s: VisitorSession| async move {
        s.set_locale("xx-EVIL".into())?;
        s.set_nickname("mallory".into())?;
        Result::Ok("ok")
    });
    // The planter got its values while `old_key` was the current one.
    let mut planter = Browser::new(
        routes()
            .route("/cookies/mallory", set_mallory)
            .layer(SessionLayer::new(MemoryStore::default(), old_key.clone())),
    );
    planter.post("/cookies/mallory").await;
    let planted =
        [("locale", planter.cookies["locale"].to_owned()), ("nickname", planter.cookies["nickname"].to_owned())];
    let plant = get(move || {
        let lines = planted.clone().map(|(name, value)| {
            (header::SET_COOKIE, format!("{name}={value}; Domain=example.com; Path=/cookies; Secure"))
        });
        async move { AppendHeaders(lines) }
    });
    let layer = SessionLayer::new(MemoryStore::default(), key).with_previous_keys([old_key]);
    let prefs = get(|s: VisitorSession| async move { format!("{:?} {:?}", s.locale(), s.nickname()) });
    let site = routes().route("/prefs", prefs).layer(layer).route("/plant", plant);
    let mut victim = Browser::new(site).with_origin("https://app.example.com");
    victim.post("/cookies/set").await;
    assert_eq!(victim.get("/cookies").await.body, "Some(Dark) Some(\"en-GB\") Some(\"bob\")");

    victim.get("https://evil.example.com/plant").await;
    let reply = victim.get("/cookies").await;
    assert_eq!(reply.body, "Some(Dark) None None", "a planted value was read");
    assert_eq!((reply.set_cookie("locale"), reply.set_cookie("nickname")), (None, None), "re-issued as the visitor's");
    // Where the planted copies are not sent, the visitor's own values are as they were.
    assert_eq!(victim.get("/prefs").await.body, "Some(\"en-GB\") Some(\"bob\")");
}

/// A plain sequence limited to four elements, which a client can send longer.
#[derive(SessionSchema)]
struct Recent {
    #[cookie(plain, max_len = 4)]
    recent: Vec<u32>,
}

#[tokio::test]
async fn a_cookie_longer_than_its_max_len_reads_as_absent() {
    let routes = Router::new()
        .route("/recent", get(|s: RecentSession| async move { format!("{:?}", s.recent()) }))
        .route(
            "/recent/again",
            post(|s: RecentSession| async move {
                s.set_recent(s.recent().unwrap_or_default())?;
                Result::Ok("ok")
            }),
        )
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
    let mut browser = Browser::new(routes);
    let sent = |len: u32| {
        let mut encoded = String::new();
        (0..len).collect::<Vec<u32>>().encode(&mut encoded);
        encoded
    };

    browser.cookies.insert("recent", sent(4));
    assert_eq!(browser.get("/recent").await.body, "Some([0, 1, 2, 3])");
    for len in [5, 1000] {
        browser.cookies.insert("recent", sent(len));
        assert_eq!(browser.get("/recent").await.body, "None", "{len} elements");
        let reply = browser.post("/recent/again").await;
        assert_eq!(reply.status, StatusCode::OK, "{len} elements read back and written again");
    }
}
