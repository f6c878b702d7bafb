//! The properties the fuzz targets check, shared with the stable test that replays the committed corpus
//! and every crash ever found (`fuzz/corpus`, `fuzz/regressions`). Inputs are raw bytes, so a crash file
//! replays as it is.

use std::sync::LazyLock;

use axum::{body::Body, routing::get, Router};
use http::{header, HeaderValue, Request, StatusCode};
use session_core::{
    cookie::{unprotect, Protection},
    CookieValue, Key, MemoryStore, SessionLayer, SessionSchema,
};
use tower::ServiceExt;

fn check_decode<T: CookieValue + PartialEq + std::fmt::Debug>(text: &str, has_max_len: bool) {
    if let Some(value) = T::decode(text) {
        let mut again = String::new();
        value.encode(&mut again);
        assert_eq!(T::decode(&again).as_ref(), Some(&value), "{text:?}");
        let bound = T::BOUND.worst_case(has_max_len.then(|| value.len_units()));
        if let Some(bound) = bound {
            assert!(again.len() <= bound, "{value:?}: {} > {bound}", again.len());
        }
    }
}

/// `CookieValue::decode` of UTF-8 `data` for a spread of types: never panics, and what decodes re-encodes
/// within its bound to the same value.
pub fn cookie_value_decode(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    check_decode::<String>(text, true);
    check_decode::<char>(text, false);
    check_decode::<i64>(text, false);
    check_decode::<bool>(text, false);
    check_decode::<Option<(u8, char)>>(text, false);
    check_decode::<Vec<Option<char>>>(text, true);
    check_decode::<[(bool, char); 2]>(text, false);
    check_decode::<(u16, Vec<u16>)>(text, false);
}

static KEYS: LazyLock<[Key; 2]> =
    LazyLock::new(|| [Key::from_bytes(&[7; 64]).unwrap(), Key::from_bytes(&[9; 64]).unwrap()]);

/// The cookie decoders on `name\nvalue`: never panic, and nothing made without the key verifies. A name
/// holding `=`, which no cookie name does, reads nothing at all.
pub fn unprotect_forged(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (name, value) = text.split_once('\n').unwrap_or(("name", text));
    let plain = unprotect(Protection::Plain, name, value, &*KEYS).map(|(v, _)| v.into_owned());
    assert_eq!(plain.as_deref(), (!name.contains('=')).then_some(value));
    assert!(unprotect(Protection::Signed, name, value, &*KEYS).is_none(), "a forged signature verified");
    assert!(unprotect(Protection::Private, name, value, &*KEYS).is_none(), "a forged ciphertext decrypted");
    assert!(unprotect(Protection::Signed, "id", value, &*KEYS).is_none(), "a forged id verified");
}

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
enum Theme {
    Light,
    Dark,
}

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain)]
    theme: Theme,
    #[cookie(max_len = 32)]
    locale: String,
    #[cookie(private, max_len = 32)]
    nickname: String,
    #[session]
    user: u64,
}

async fn handler(s: VisitorSession) -> Result<String, session_core::Error> {
    let seen = format!("{:?} {:?} {:?}", s.locale(), s.nickname(), s.user().await?);
    let _ = s.theme();
    s.set_user(1).await?;
    Ok(seen)
}

static APP: LazyLock<Router> = LazyLock::new(|| {
    let layer = SessionLayer::new(MemoryStore::default(), Key::from_bytes(&[3; 64]).unwrap());
    Router::new().route("/", get(handler)).layer(layer)
});

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().build().unwrap());

/// `data`, split on newlines, as the request's `Cookie` headers through the whole layer: a well-formed
/// 200 that believes nothing forged.
pub fn cookie_header(data: &[u8]) {
    let mut request = Request::get("/").body(Body::empty()).unwrap();
    for line in data.split(|&b| b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            request.headers_mut().append(header::COOKIE, value);
        }
    }
    let response = RUNTIME.block_on(APP.clone().oneshot(request)).unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    for set_cookie in response.headers().get_all(header::SET_COOKIE) {
        let text = set_cookie.to_str().expect("Set-Cookie is visible ASCII");
        assert!(cookie::Cookie::parse(text).is_ok(), "{text}");
    }
}
