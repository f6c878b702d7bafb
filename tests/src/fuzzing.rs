//! The properties the fuzz targets check, shared with the stable test that replays the committed corpus
//! and every crash ever found (`fuzz/corpus`, `fuzz/regressions`). Inputs are raw bytes, so a crash file
//! replays as it is.

use std::sync::LazyLock;

use axum::{
    body::Body,
    routing::{get, post},
    Router,
};
use http::{header, HeaderValue, Request, StatusCode};
use session_core::{
    cookie::{protect, unprotect, Protection},
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

/// Fixed keys, so that a crash found once replays.
fn fixed_key(label: &str) -> Key {
    Key::from_master_secret(format!("the fuzz targets' {label} key, fixed so that runs replay").as_bytes()).unwrap()
}

static KEYS: LazyLock<[Key; 2]> = LazyLock::new(|| [fixed_key("current"), fixed_key("previous")]);

/// The field cookie decoders on `name\nvalue`: never panic, and nothing made without the key verifies. A
/// name holding `=`, which no cookie name does, reads nothing at all. What the previous key protects reads
/// back as it was, saying which key verified it, and the same text with one character changed reads as
/// nothing. (The id cookie's own check runs in [`cookie_header`], through the layer.)
pub fn unprotect_forged(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (name, value) = text.split_once('\n').unwrap_or(("name", text));
    let plain = unprotect(Protection::Plain, name, value, &*KEYS).map(|(v, _)| v.into_owned());
    assert_eq!(plain.as_deref(), (!name.contains('=')).then_some(value));
    assert!(unprotect(Protection::Signed, name, value, &*KEYS).is_none(), "a forged signature verified");
    assert!(unprotect(Protection::Private, name, value, &*KEYS).is_none(), "a forged ciphertext decrypted");
    if name.contains('=') {
        return;
    }
    for protection in [Protection::Signed, Protection::Private] {
        let protected = protect(protection, name, value, &KEYS[1]);
        let read = unprotect(protection, name, &protected, &*KEYS).map(|(value, key)| (value.into_owned(), key));
        assert_eq!(read, Some((value.to_owned(), 1)), "{protection:?} {protected:?}");
        // One character of the signature, or of the ciphertext, changed: both are base64url, so ASCII.
        let at = data.len() % protected.len().min(43);
        let mut tampered = protected.into_bytes();
        tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("an ASCII character replaced by another");
        assert!(unprotect(protection, name, &tampered, &*KEYS).is_none(), "{protection:?} {tampered:?} verified");
    }
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
    let layer = SessionLayer::new(MemoryStore::default(), fixed_key("layer's"));
    Router::new().route("/", get(handler)).layer(layer)
});

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().build().unwrap());

/// How many values the layer reads under the default id cookie name, `__Host-id`, in the `Cookie` headers
/// `headers`. Past eight it adopts none, and a write then starts no session (409): the visitor's own id
/// may be among those left unread, and a new session's cookie would replace it.
pub fn id_cookie_values<'h>(headers: impl IntoIterator<Item = &'h [u8]>) -> usize {
    let is_id = |pair: &&[u8]| {
        let equals = pair.iter().position(|&b| b == b'=');
        equals.is_some_and(|equals| pair[..equals].trim_ascii() == b"__Host-id")
    };
    headers.into_iter().flat_map(|header| header.split(|&b| b == b';')).filter(is_id).count()
}

/// `data`, split on newlines, as the request's `Cookie` headers through the whole layer: a well-formed
/// 200 that believes nothing forged, cookie fields and session ids alike (the app's store holds only the
/// sessions it started, whose ids no input knows); or, for more than eight id cookies, which only a forged
/// header sends, the 409 of a write that starts no session beside ids it could not all read.
pub fn cookie_header(data: &[u8]) {
    let mut request = Request::get("/").body(Body::empty()).unwrap();
    for line in data.split(|&b| b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            request.headers_mut().append(header::COOKIE, value);
        }
    }
    let response = RUNTIME.block_on(APP.clone().oneshot(request)).unwrap();
    let status = response.status();
    for set_cookie in response.headers().get_all(header::SET_COOKIE) {
        let text = set_cookie.to_str().expect("Set-Cookie is visible ASCII");
        assert!(cookie::Cookie::parse(text).is_ok(), "{text}");
    }
    let body = RUNTIME.block_on(axum::body::to_bytes(response.into_body(), 1024)).unwrap();
    match status {
        StatusCode::OK => assert_eq!(body, "None None None", "a forged cookie or id was believed"),
        StatusCode::CONFLICT => {
            let lines = data.split(|&b| b == b'\n').filter(|line| HeaderValue::from_bytes(line).is_ok());
            let id_cookies = id_cookie_values(lines);
            assert!(id_cookies > 8, "409 with {id_cookies} id cookies: {body:?}");
        }
        status => panic!("{status}: {body:?}"),
    }
}

/// The id cookie of the one session [`APP`] holds that no input started, as a `name=value` pair: made once
/// by a first visit, so its value is authentic, and no input can know it.
static GENUINE_ID: LazyLock<String> = LazyLock::new(|| {
    let first_visit = Request::get("/").body(Body::empty()).unwrap();
    let response = RUNTIME.block_on(APP.clone().oneshot(first_visit)).unwrap();
    let line = response.headers().get(header::SET_COOKIE).expect("a first write sets the id cookie");
    line.to_str().unwrap().split(';').next().unwrap().to_owned()
});

/// `data` as [`cookie_header`] reads it, with the visitor's own id cookie put among its lines, after the
/// line its first byte picks: whatever the junk around it (forged ids and field values, odd bytes), the
/// visitor is still signed in, and nothing clears or replaces the id cookie. Unless the id cookie has more
/// than eight values, which no browser sends of one cookie set by this app: then none is read, and the
/// write starts no session beside them (409), which clears nothing either.
pub fn genuine_id_among_junk(data: &[u8]) {
    let genuine = GENUINE_ID.as_bytes();
    let mut lines: Vec<HeaderValue> =
        data.split(|&b| b == b'\n').filter_map(|line| HeaderValue::from_bytes(line).ok()).collect();
    let at = data.first().map_or(0, |&b| usize::from(b) % (lines.len() + 1));
    let beside =
        lines.get(at).and_then(|line| HeaderValue::from_bytes(&[line.as_bytes(), b"; ", genuine].concat()).ok());
    match beside {
        Some(line) => lines[at] = line,
        None => lines.insert(at, HeaderValue::from_bytes(genuine).unwrap()),
    }
    let id_values = id_cookie_values(lines.iter().map(HeaderValue::as_bytes));

    let mut request = Request::get("/").body(Body::empty()).unwrap();
    for line in lines {
        request.headers_mut().append(header::COOKIE, line);
    }
    let response = RUNTIME.block_on(APP.clone().oneshot(request)).unwrap();
    let status = response.status();
    for set_cookie in response.headers().get_all(header::SET_COOKIE) {
        let text = set_cookie.to_str().expect("Set-Cookie is visible ASCII");
        assert!(!text.starts_with("__Host-id="), "the visitor's id cookie was changed: {text}");
    }
    let body = RUNTIME.block_on(axum::body::to_bytes(response.into_body(), 1024)).unwrap();
    if id_values <= 8 {
        assert_eq!((status, &body[..]), (StatusCode::OK, &b"None None Some(1)"[..]), "the visitor was not signed in");
    } else {
        assert_eq!(status, StatusCode::CONFLICT, "{id_values} id cookies: {body:?}");
    }
}

/// Every kind of cookie field a handler can write text into, read back in the next request.
#[derive(SessionSchema)]
struct Notes {
    #[cookie(plain, max_len = 64)]
    note: String,
    #[cookie(max_len = 64)]
    signed_note: String,
    #[cookie(private, max_len = 64)]
    hidden_note: String,
    #[cookie(plain, max_len = 16)]
    letters: Vec<char>,
}

/// The longest text the fields of [`Notes`] take: their `max_len` in bytes.
const NOTE_BYTES: usize = 64;

fn notes_seen(note: Option<&str>, letters: Option<&[char]>) -> String {
    format!("{note:?} {note:?} {note:?} {letters:?}")
}

static NOTES_APP: LazyLock<Router> = LazyLock::new(|| {
    let write = post(|s: NotesSession, text: String| async move {
        s.set_note(text.clone())?;
        s.set_signed_note(text.clone())?;
        s.set_hidden_note(text.clone())?;
        s.set_letters(text.chars().take(16).collect())?;
        Result::<_, session_core::Error>::Ok("written")
    });
    let read = get(|s: NotesSession| async move {
        let (note, signed, hidden, letters) = (s.note(), s.signed_note(), s.hidden_note(), s.letters());
        assert!(signed == note && hidden == note, "{note:?} {signed:?} {hidden:?}");
        notes_seen(note.as_deref(), letters.as_deref())
    });
    let layer = SessionLayer::new(MemoryStore::default(), fixed_key("notes'"));
    Router::new().route("/write", write).route("/read", read).layer(layer)
});

/// UTF-8 `data`, cut to 64 bytes, written by a handler into a plain, a signed and a private cookie field
/// (and its first 16 characters into a list), then read back through the `Set-Cookie` lines the response
/// carried, as a browser sends them: every field reads exactly what was written.
pub fn cookie_round_trip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut end = text.len().min(NOTE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let write = Request::post("/write").body(Body::from(text.to_owned())).unwrap();
    let written = RUNTIME.block_on(NOTES_APP.clone().oneshot(write)).unwrap();
    assert_eq!(written.status(), StatusCode::OK, "{text:?}");
    let sent: Vec<String> = written
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|line| {
            let cookie = cookie::Cookie::parse(line.to_str().expect("Set-Cookie is visible ASCII")).unwrap();
            format!("{}={}", cookie.name(), cookie.value())
        })
        .collect();
    let read = Request::get("/read").header(header::COOKIE, sent.join("; ")).body(Body::empty()).unwrap();
    let read = RUNTIME.block_on(NOTES_APP.clone().oneshot(read)).unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let body = RUNTIME.block_on(axum::body::to_bytes(read.into_body(), 4096)).unwrap();
    let letters: Vec<char> = text.chars().take(16).collect();
    assert_eq!(String::from_utf8_lossy(&body), notes_seen(Some(text), Some(&letters)), "{sent:?}");
}
