//! Property tests: every cookie value encodes within its declared bound and round-trips, in every
//! protection mode; the largest value `max_len` allows fits a browser; and no Cookie header can make the
//! layer panic or answer with a malformed response.

use std::fmt::Debug;

use axum::{body::Body, routing::get, Router};
use http::{header, HeaderValue, Request, StatusCode};
use proptest::prelude::*;
use session_core::{
    cookie::{protect, unprotect, Protection, MAX_COOKIE_BYTES},
    CookieValue, Key, MemoryStore, SessionLayer, SessionSchema,
};
use tests::browser::send;

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
enum Theme {
    Light,
    Dark,
    HighContrast,
}

#[derive(Clone, Debug, PartialEq, CookieValue)]
struct Preferences {
    theme: Theme,
    font_size: u8,
    initial: char,
    beta: Option<bool>,
}

const MODES: [Protection; 3] = [Protection::Plain, Protection::Signed, Protection::Private];

fn is_cookie_octet(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// `value` encodes to cookie-octets within its bound (for `max_len` units) and decodes back, and so does
/// its protected form in every mode.
fn assert_sound<T: CookieValue + PartialEq + Debug>(value: &T, max_len: Option<usize>) {
    let mut encoded = String::new();
    value.encode(&mut encoded);
    let bound = T::BOUND.worst_case(max_len).expect("a bounded type");
    assert!(encoded.len() <= bound, "{value:?} encodes to {} bytes, over its bound {bound}", encoded.len());
    assert!(encoded.bytes().all(is_cookie_octet), "{value:?} encodes to {encoded:?}");
    assert_eq!(T::decode(&encoded).as_ref(), Some(value), "{encoded:?}");

    // A private cookie seals the plain form, which need not be cookie-safe but has its own bound.
    let mut private = String::new();
    value.encode_private(&mut private);
    let private_bound = T::PRIVATE_BOUND.worst_case(max_len).expect("a bounded type");
    assert!(private.len() <= private_bound, "{value:?} seals {} bytes, over {private_bound}", private.len());
    assert_eq!(T::decode_private(&private).as_ref(), Some(value), "{private:?}");
    let key = Key::generate();
    let sealed = protect(Protection::Private, "name", &private, &key);
    assert!(sealed.len() <= Protection::Private.protected_len(private_bound), "private: {}", sealed.len());
    let (plain, _) = unprotect(Protection::Private, "name", &sealed, std::slice::from_ref(&key)).expect("opens");
    assert_eq!(plain, private);

    for mode in MODES {
        let sealed = protect(mode, "name", &encoded, &key);
        assert!(
            sealed.len() <= mode.protected_len(bound),
            "{mode:?}: {} > {}",
            sealed.len(),
            mode.protected_len(bound)
        );
        assert!(sealed.bytes().all(is_cookie_octet), "{mode:?}: {sealed:?}");
        let (plain, _) = unprotect(mode, "name", &sealed, std::slice::from_ref(&key)).expect("verifies");
        assert_eq!(plain, encoded);
    }
}

/// Characters that all need escaping, and the widest ones: the adversarial alphabet.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![' ', '"', ',', ';', '\\', '%', ':', '~', '\u{0}', '\u{7f}', '\t', '\n']),
        prop::sample::select(vec!['é', '€', '\u{10FFFF}', '😀', '\u{FEFF}']),
        any::<char>(),
    ]
}

fn hostile_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..=max).prop_map(move |chars| {
        let mut s: String = chars.into_iter().collect();
        while s.len() > max {
            s.pop();
        }
        s
    })
}

fn theme() -> impl Strategy<Value = Theme> {
    prop::sample::select(vec![Theme::Light, Theme::Dark, Theme::HighContrast])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn integers_and_bools(a: u8, b: i8, c: u16, d: i16, e: u32, f: i32, g: u64, h: i64, i: u128, j: i128, k: usize, l: isize, m: bool) {
        assert_sound(&a, None); assert_sound(&b, None); assert_sound(&c, None); assert_sound(&d, None);
        assert_sound(&e, None); assert_sound(&f, None); assert_sound(&g, None); assert_sound(&h, None);
        assert_sound(&i, None); assert_sound(&j, None); assert_sound(&k, None); assert_sound(&l, None);
        assert_sound(&m, None);
    }

    #[test]
    fn chars(c in hostile_char()) {
        assert_sound(&c, None);
    }

    #[test]
    fn strings(s in hostile_string(64)) {
        assert_sound(&s, Some(s.len()));
        assert_sound(&Some(s.clone()), Some(s.len()));
    }

    #[test]
    fn options_arrays_and_tuples(o: Option<u32>, n: Option<Option<i8>>, arr: [u16; 4], c in hostile_char(), t in theme()) {
        assert_sound(&o, None);
        assert_sound(&n, None);
        assert_sound(&arr, None);
        assert_sound(&[c, c], None);
        assert_sound(&(arr[0], c, t, Some(c)), None);
        assert_sound(&((c, t), [Some(c), None]), None);
    }

    #[test]
    fn vectors(v in prop::collection::vec(any::<u16>(), 0..20), w in prop::collection::vec((hostile_char(), any::<bool>()), 0..20)) {
        assert_sound(&v, Some(v.len()));
        assert_sound(&w, Some(w.len()));
        let nested: Vec<Option<char>> = w.iter().map(|(c, b)| b.then_some(*c)).collect();
        assert_sound(&nested, Some(nested.len()));
    }

    #[test]
    fn derived_types(t in theme(), size: u8, initial in hostile_char(), beta: Option<bool>) {
        assert_sound(&t, None);
        let prefs = Preferences { theme: t, font_size: size, initial, beta };
        assert_sound(&prefs, None);
        assert_sound(&vec![prefs.clone(), prefs], Some(2));
    }

    #[test]
    fn ids_and_times(bytes: [u8; 16], nanos in -377_705_116_800_000_000_000i128..253_402_300_799_999_999_999i128) {
        assert_sound(&uuid::Uuid::from_bytes(bytes), None);
        let instant = time::OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap();
        assert_sound(&instant, None);
        assert_sound(&(uuid::Uuid::from_bytes(bytes), Some(instant)), None);
    }

    #[test]
    fn decoding_never_panics(s in ".*") {
        let _ = String::decode(&s);
        let _ = <Vec<(char, Option<u8>)>>::decode(&s);
        let _ = Preferences::decode(&s);
        let _ = <[Theme; 3]>::decode(&s);
        let _ = uuid::Uuid::decode(&s);
        let _ = time::OffsetDateTime::decode(&s);
        let key = Key::generate();
        for mode in MODES {
            let _ = unprotect(mode, "x", &s, std::slice::from_ref(&key));
        }
    }
}

/// The largest `max_len` each mode allows for a one-letter `String` cookie, as the compiler computes:
/// signed `1 + 43 + 3 * 1350 = 4094` (every byte may need escaping), private `1 + base64(12 + 3043 + 16) =
/// 4096` (it seals the string's own bytes).
#[derive(SessionSchema)]
#[schema(cookie_budget = 16384)]
struct Largest {
    #[cookie(plain, max_len = 1365)]
    a: String,
    #[cookie(max_len = 1350)]
    s: String,
    #[cookie(private, max_len = 3043)]
    p: String,
}

fn largest_app() -> Router {
    async fn set(
        session: LargestSession,
        axum::extract::Path((which, len)): axum::extract::Path<(char, usize)>,
    ) -> String {
        // Every byte needs escaping: the worst case.
        let value = " ".repeat(len);
        let result = match which {
            'a' => session.set_a(value),
            's' => session.set_s(value),
            _ => session.set_p(value),
        };
        format!("{result:?}")
    }
    Router::new().route("/{which}/{len}", get(set)).layer(SessionLayer::new(MemoryStore::default(), Key::generate()))
}

#[tokio::test]
async fn the_largest_value_max_len_allows_fits_and_one_byte_more_is_refused() {
    let app = largest_app();
    // Name and value in bytes at `max_len`, as `Largest` computes them.
    for (which, max, bytes) in [('a', 1365, 4096), ('s', 1350, 4094), ('p', 3043, 4096)] {
        let reply = send(&app, Request::get(format!("/{which}/{max}")).body(Body::empty()).unwrap()).await;
        assert_eq!(reply.body, "Ok(())");
        let set_cookie = &reply.set_cookies[0];
        let cookie = cookie::Cookie::parse(set_cookie.clone()).unwrap();
        let size = cookie.name().len() + cookie.value().len();
        assert_eq!(size, bytes, "{which}: the bound is tight");
        assert!(size <= MAX_COOKIE_BYTES);

        let reply = send(&app, Request::get(format!("/{which}/{}", max + 1)).body(Body::empty()).unwrap()).await;
        let name = which.to_string();
        assert_eq!(reply.body, format!("Err(CookieTooLarge {{ cookie: {name:?}, len: {}, limit: {max} }})", max + 1));
        assert!(reply.set_cookies.is_empty(), "no Set-Cookie for a refused value");
    }
}

/// A private cookie counts the bytes it seals, not their escaped text: `max_len = 3000` fits (a one-letter
/// name and `base64(12 + 3000 + 16)`: 4039 bytes), where every byte escaped would not.
#[derive(SessionSchema)]
struct PrivateNote {
    #[cookie(private, max_len = 3000)]
    n: String,
}

#[tokio::test]
async fn a_private_string_of_3000_bytes_fits_and_round_trips() {
    async fn write(session: PrivateNoteSession, body: String) -> Result<&'static str, session_core::Error> {
        session.set_n(body)?;
        Ok("ok")
    }
    async fn read(session: PrivateNoteSession) -> String {
        session.n().unwrap_or_default()
    }
    let app = Router::new()
        .route("/", get(read).post(write))
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
    // 3000 bytes that all need escaping in a cookie-safe encoding: spaces, quotes, semicolons and `é`.
    let note: String = " \";é".repeat(600);
    assert_eq!(note.len(), 3000);
    let reply = send(&app, Request::post("/").body(Body::from(note.clone())).unwrap()).await;
    assert_eq!(reply.body, "ok");
    let cookie = cookie::Cookie::parse(reply.set_cookies[0].clone()).unwrap();
    assert_eq!(cookie.name().len() + cookie.value().len(), 1 + 4038, "base64url of 3028 bytes is 4038 long");

    let pair = format!("{}={}", cookie.name(), cookie.value());
    let reply = send(&app, Request::get("/").header(http::header::COOKIE, pair).body(Body::empty()).unwrap()).await;
    assert_eq!(reply.body, note, "the sealed value reads back byte for byte");
}

#[derive(SessionSchema)]
struct Everything {
    #[cookie(plain)]
    theme: Theme,
    #[cookie(max_len = 32)]
    locale: String,
    #[cookie(private)]
    prefs: Preferences,
    #[session]
    user: u64,
}

fn everything_app() -> Router {
    async fn handler(s: EverythingSession) -> Result<String, session_core::Error> {
        let seen = format!("{:?} {:?} {:?} {:?}", s.theme(), s.locale(), s.prefs(), s.user().await?);
        s.set_locale("en".into())?;
        s.set_user(1).await?;
        Ok(seen)
    }
    Router::new().route("/", get(handler)).layer(SessionLayer::new(MemoryStore::default(), Key::generate()))
}

/// Bytes a client can put in a header value: visible ASCII, space, tab and obs-text.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    pairs(prop_oneof![0x20u8..=0x7E, Just(b'\t'), 0x80u8..=0xFF, Just(b';'), Just(b'='), Just(b'%')])
}

/// A header of up to a dozen `name=value` pairs, under the names the app reads and others, made of `byte`s.
fn pairs(byte: impl Strategy<Value = u8>) -> impl Strategy<Value = Vec<u8>> {
    let pair = (
        prop::sample::select(vec!["id", "__Host-id", "theme", "locale", "prefs", "x", "", " id "]),
        prop::collection::vec(byte, 0..200),
    )
        .prop_map(|(name, value)| [name.as_bytes(), b"=", &value].concat());
    prop::collection::vec(pair, 0..12).prop_map(|pairs| pairs.join(&b"; "[..]))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_cookie_header_makes_the_layer_misbehave(headers in prop::collection::vec(header_bytes(), 0..3)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let app = everything_app();
        let mut request = Request::get("/").body(Body::empty()).unwrap();
        for bytes in &headers {
            let value = HeaderValue::from_bytes(bytes).expect("valid header bytes");
            request.headers_mut().append(header::COOKIE, value);
        }
        let reply = runtime.block_on(send(&app, request));
        if tests::fuzzing::id_cookie_values(headers.iter().map(Vec::as_slice)) > 8 {
            // Too many to tell the visitor's own among them: the write starts no session.
            prop_assert_eq!(reply.status, StatusCode::CONFLICT);
            prop_assert!(reply.set_cookies.is_empty());
            return Ok(());
        }
        prop_assert_eq!(reply.status, StatusCode::OK);
        prop_assert_eq!(reply.body.as_str(), "None None None None", "nothing forged or malformed is believed");
        prop_assert_eq!(reply.set_cookies.len(), 2);
        for set_cookie in &reply.set_cookies {
            let cookie = cookie::Cookie::parse(set_cookie.clone());
            prop_assert!(cookie.is_ok(), "{}", set_cookie);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn a_cookie_among_hostile_pairs_is_still_read(
        before in pairs(prop_oneof![0x20u8..=0x7E, Just(b'\t')]),
        after in pairs(prop_oneof![0x20u8..=0x7E, Just(b'\t')]),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let header = [&before[..], b"; theme=dark; ", &after[..]].concat();
        let mut request = Request::get("/").body(Body::empty()).unwrap();
        request.headers_mut().insert(header::COOKIE, HeaderValue::from_bytes(&header).expect("valid header bytes"));
        let reply = runtime.block_on(send(&everything_app(), request));
        prop_assert_eq!(reply.status, StatusCode::OK);
        prop_assert!(reply.body.starts_with("Some(Dark) "), "{}", reply.body);
    }
}

#[tokio::test]
async fn a_huge_cookie_header_is_handled() {
    let app = everything_app();
    let mut huge = String::from("theme=dark; ");
    // Id cookies under the layer's own name and of an id cookie's shape, so that each would go to verification.
    for i in 0..20_000 {
        huge.push_str(&format!("__Host-id={i:0>65}; "));
    }
    let request = Request::get("/").header(header::COOKIE, huge).body(Body::empty()).unwrap();
    let reply = send(&app, request).await;
    // Too many id cookies to tell the visitor's own among them: the handler's write starts no session.
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.body, "conflicting session cookies were sent; the changes were not saved");
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);
}
