//! The request lifecycle through a real axum router, with a store that counts its round trips.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{Extension, Path},
    routing::{get, post},
    Router,
};
use http::{header, Request, StatusCode};
use session_core::{CookieValue, Key, MemoryStore, SessionLayer, SessionSchema, SessionStore};
use tests::{
    browser::{send, Browser},
    stores::{CallCounts, CountingStore, FaultyStore, SlowStore},
};
use tokio::sync::Barrier;

#[derive(Clone, Copy, Debug, PartialEq, CookieValue)]
enum Theme {
    Light,
    Dark,
}

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(plain, http_only = false)]
    theme: Theme,
    #[cookie(max_len = 16)]
    locale: String,
    #[cookie(private, max_len = 16)]
    nickname: String,
    #[session]
    user_id: u64,
    #[session]
    cart: Vec<String>,
    #[session(flash)]
    notice: String,
}

/// The same store key as `Visitor::cart`, read as another type: a deploy that changed the field.
#[derive(SessionSchema)]
struct VisitorAfterDeploy {
    #[session(name = "cart")]
    cart: u64,
}

type Result<T = String> = std::result::Result<T, session_core::Error>;

fn ok() -> Result {
    Ok("ok".into())
}

fn routes() -> Router {
    Router::new()
        .route("/nothing", get(|| async { "ok" }))
        .route("/theme", get(|s: VisitorSession| async move { format!("{:?}", s.theme()) }))
        .route(
            "/theme/dark",
            post(|s: VisitorSession| async move {
                s.set_theme(Theme::Dark)?;
                ok()
            }),
        )
        .route("/locale", get(|s: VisitorSession| async move { format!("{:?}", s.locale()) }))
        .route(
            "/locale/{value}",
            post(|s: VisitorSession, Path(value): Path<String>| async move {
                s.set_locale(value)?;
                ok()
            }),
        )
        .route("/nickname", get(|s: VisitorSession| async move { format!("{:?}", s.nickname()) }))
        .route(
            "/nickname/{value}",
            post(|s: VisitorSession, Path(value): Path<String>| async move {
                s.set_nickname(value)?;
                ok()
            }),
        )
        .route("/user", get(|s: VisitorSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }))
        .route(
            "/user/{id}",
            post(|s: VisitorSession, Path(id): Path<u64>| async move {
                s.set_user_id(id).await?;
                ok()
            }),
        )
        .route("/cart", get(|s: VisitorSession| async move { Result::Ok(format!("{:?}", s.cart().await?)) }))
        .route(
            "/cart/{item}",
            post(|s: VisitorSession, Path(item): Path<String>| async move {
                let mut cart = s.cart().await?.unwrap_or_default();
                cart.push(item);
                s.set_cart(cart).await?;
                ok()
            }),
        )
        .route(
            "/login/{id}",
            post(|s: VisitorSession, Path(id): Path<u64>| async move {
                s.cycle_id().await?;
                s.set_user_id(id).await?;
                ok()
            }),
        )
        .route(
            "/logout",
            post(|s: VisitorSession| async move {
                s.destroy().await?;
                ok()
            }),
        )
        .route(
            "/notice/{text}",
            post(|s: VisitorSession, Path(text): Path<String>| async move {
                s.set_notice(text).await?;
                ok()
            }),
        )
        .route("/notice", get(|s: VisitorSession| async move { Result::Ok(format!("{:?}", s.take_notice().await?)) }))
        .route(
            "/after-deploy/cart",
            get(|s: VisitorAfterDeploySession| async move { Result::Ok(format!("{:?}", s.cart().await?)) }),
        )
}

fn app<S: SessionStore>(store: S, key: Key) -> Router {
    routes().layer(SessionLayer::new(store, key))
}

fn counting() -> (CountingStore<MemoryStore>, Browser) {
    let store = CountingStore::new(MemoryStore::default());
    (store.clone(), Browser::new(app(store, Key::generate())))
}

fn parse(set_cookie: &str) -> cookie::Cookie<'static> {
    cookie::Cookie::parse(set_cookie.to_owned()).unwrap()
}

#[tokio::test]
async fn an_untouched_request_sets_no_cookie_and_never_calls_the_store() {
    let (store, mut browser) = counting();
    let reply = browser.get("/nothing").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.set_cookies.is_empty());
    assert_eq!(store.counts(), CallCounts::default());
}

#[tokio::test]
async fn cookie_fields_never_call_the_store() {
    let (store, mut browser) = counting();
    browser.post("/user/7").await;
    store.take_counts();

    assert_eq!(browser.post("/theme/dark").await.set_cookie("theme"), Some("theme=dark; SameSite=Lax; Secure; Path=/"));
    assert_eq!(browser.get("/theme").await.body, "Some(Dark)");
    browser.post("/locale/en-GB").await;
    assert_eq!(browser.get("/locale").await.body, "Some(\"en-GB\")");
    assert_eq!(store.counts(), CallCounts::default(), "the visitor has a session, but cookie fields never load it");
}

#[tokio::test]
async fn reads_never_write() {
    let (store, mut browser) = counting();
    browser.post("/user/7").await;
    store.take_counts();
    for _ in 0..3 {
        let reply = browser.get("/user").await;
        assert_eq!(reply.body, "Some(7)");
        assert!(reply.set_cookies.is_empty());
    }
    assert_eq!(store.counts(), CallCounts { load: 3, ..Default::default() });
}

#[tokio::test]
async fn a_new_visitors_first_write_is_one_store_write_and_one_hardened_id_cookie() {
    let (store, mut browser) = counting();
    let reply = browser.post("/user/7").await;
    assert_eq!(reply.status, StatusCode::OK);
    // A new visitor has nothing to load: the only round trip is the write.
    assert_eq!(store.counts(), CallCounts { create: 1, ..Default::default() });
    assert_eq!(reply.set_cookies.len(), 1);
    let id = parse(reply.set_cookie("__Host-id").expect("an id cookie"));
    assert_eq!(id.http_only(), Some(true));
    assert_eq!(id.secure(), Some(true));
    assert_eq!(id.same_site(), Some(cookie::SameSite::Lax));
    assert_eq!(id.path(), Some("/"));
    assert_eq!(id.max_age(), None, "a browser-session cookie by default");
    assert_eq!(id.value().len(), 65, "43 characters of signature and 22 of id");
    assert_eq!(reply.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");

    // Changing it again is one save, no new id.
    store.take_counts();
    let reply = browser.post("/user/8").await;
    assert!(reply.set_cookies.is_empty());
    assert_eq!(store.counts(), CallCounts { load: 1, save: 1, ..Default::default() });
    // Writing the value it already has is no write at all.
    store.take_counts();
    browser.post("/user/8").await;
    assert_eq!(store.counts(), CallCounts { load: 1, ..Default::default() });
}

#[tokio::test]
async fn tampered_or_moved_signed_cookies_read_as_absent() {
    let (_, mut browser) = counting();
    browser.post("/locale/en-GB").await;
    let signed = browser.cookies["locale"].to_owned();
    assert!(signed.ends_with("en-GB"), "signed values stay readable: {signed}");

    browser.cookies.insert("locale", signed.replace("en-GB", "fr-FR"));
    assert_eq!(browser.get("/locale").await.body, "None");

    // A valid signature, moved under another cookie name.
    browser.cookies.insert("locale", signed.clone());
    browser.post("/nickname/bob").await;
    let private = browser.cookies["nickname"].to_owned();
    assert!(!private.contains("bob"), "private values are hidden");
    assert_eq!(browser.get("/nickname").await.body, "Some(\"bob\")");
    browser.cookies.insert("nickname", signed);
    assert_eq!(browser.get("/nickname").await.body, "None");
    browser.cookies.insert("nickname", private.clone());
    browser.cookies.insert("locale", private);
    assert_eq!(browser.get("/locale").await.body, "None");
}

#[tokio::test]
async fn cookies_signed_by_another_key_read_as_absent() {
    let store = MemoryStore::default();
    let mut first = Browser::new(app(store.clone(), Key::generate()));
    first.post("/locale/en-GB").await;
    let mut second = Browser::new(app(store, Key::generate()));
    second.cookies = first.cookies.clone();
    assert_eq!(second.get("/locale").await.body, "None");
}

#[tokio::test]
async fn unknown_malformed_or_forged_ids_are_never_adopted() {
    let key = Key::generate();
    let store = CountingStore::new(MemoryStore::default());
    let mut genuine = Browser::new(app(store.clone(), key.clone()));
    genuine.post("/user/7").await;
    let real_id = genuine.cookies["__Host-id"].to_owned();

    // Forged: the id part changed, signature kept. Malformed: garbage. Unknown: a well-formed, correctly
    // signed id the store has never seen, minted by another deployment with the same key.
    let mut other = Browser::new(app(MemoryStore::default(), key.clone()));
    other.post("/user/1").await;
    let unknown = other.cookies["__Host-id"].to_owned();
    let forged = format!("{}{}", &real_id[..43], "A".repeat(22));
    for (what, sent) in [("forged", forged), ("malformed", "not-an-id".to_owned()), ("unknown", unknown)] {
        let mut browser = Browser::new(app(store.clone(), key.clone()));
        browser.cookies.insert("__Host-id", sent.clone());
        store.take_counts();
        assert_eq!(browser.get("/user").await.body, "None", "{what}");
        let reply = browser.post("/user/9").await;
        let issued = parse(reply.set_cookie("__Host-id").unwrap_or_else(|| panic!("{what}: a fresh id")));
        assert_ne!(issued.value(), sent, "{what} id adopted");
        assert_ne!(issued.value(), real_id);
        assert_eq!(store.counts().create, 1, "{what}: a new session was created, none was overwritten");
        if what != "unknown" {
            assert_eq!(store.counts().load, 0, "{what}: an unauthentic id is never looked up");
        }
    }
    assert_eq!(genuine.get("/user").await.body, "Some(7)", "the real session is untouched");
}

#[tokio::test]
async fn cycle_id_gives_a_new_id_keeps_the_data_and_kills_the_old_id() {
    let (store, mut browser) = counting();
    browser.post("/cart/apple").await;
    let old = browser.cookies["__Host-id"].to_owned();
    store.take_counts();

    let reply = browser.post("/login/42").await;
    let new = browser.cookies["__Host-id"].to_owned();
    assert_ne!(new, old);
    assert_eq!(reply.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert_eq!(
        store.counts(),
        CallCounts { load: 1, create: 1, cycle: 1, ..Default::default() },
        "one write moves the session, after one that marks the old id as moved"
    );
    assert_eq!(browser.get("/cart").await.body, "Some([\"apple\"])");
    assert_eq!(browser.get("/user").await.body, "Some(42)");

    let mut attacker = browser.clone();
    attacker.cookies.insert("__Host-id", old);
    assert_eq!(attacker.get("/user").await.body, "None");
    assert_eq!(attacker.get("/cart").await.body, "None");
}

#[tokio::test]
async fn a_request_sent_before_a_sign_in_and_run_after_it_cannot_sign_the_visitor_out() {
    let (store, mut browser) = counting();
    browser.post("/cart/apple").await;
    // The browser sends a write, then signs in; the write is still in flight with the old id when the
    // sign-in's response gives the browser the new one.
    let mut in_flight = browser.clone();
    assert_eq!(browser.post("/login/42").await.status, StatusCode::OK);
    store.take_counts();

    let reply = in_flight.post("/cart/pear").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert!(reply.set_cookies.is_empty(), "no new session's cookie replaces the signed-in one");
    assert_eq!(store.counts(), CallCounts { load: 2, ..Default::default() }, "the old id, then the marker of its move");
    assert_eq!(in_flight.get("/cart").await.status, StatusCode::OK, "a read is answered, as for an unknown id");

    assert_eq!(browser.get("/user").await.body, "Some(42)", "still signed in");
    assert_eq!(browser.get("/cart").await.body, "Some([\"apple\"])");

    // An id the store never knew (or forgot as it expired) still starts a new session on a write.
    let key = Key::generate();
    let mut forgotten = Browser::new(app(MemoryStore::default(), key.clone()));
    forgotten.post("/cart/apple").await;
    let mut restarted = Browser::new(app(MemoryStore::default(), key));
    restarted.cookies.insert("__Host-id", forgotten.cookies["__Host-id"].to_owned());
    let reply = restarted.post("/cart/pear").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.set_cookie("__Host-id").is_some(), "a new session's id");
}

#[tokio::test]
async fn destroy_deletes_the_record_and_clears_the_id_cookie() {
    let (store, mut browser) = counting();
    browser.post("/user/7").await;
    browser.post("/theme/dark").await;
    let old = browser.cookies["__Host-id"].to_owned();
    assert_eq!(store.inner().len(), 1);

    let reply = browser.post("/logout").await;
    let removal = parse(reply.set_cookie("__Host-id").expect("a removal cookie"));
    assert_eq!(removal.value(), "");
    assert_eq!(removal.max_age(), Some(cookie::time::Duration::ZERO));
    assert_eq!(removal.path(), Some("/"));
    assert_eq!(store.inner().len(), 0, "the record is gone");
    assert!(!browser.cookies.contains("__Host-id"));
    assert_eq!(browser.get("/theme").await.body, "Some(Dark)", "cookie fields are untouched");

    browser.cookies.insert("__Host-id", old);
    assert_eq!(browser.get("/user").await.body, "None", "replay after logout gets no session");
}

#[tokio::test]
async fn idle_timeout_expires_a_session_even_when_the_cookie_is_replayed() {
    let store = MemoryStore::default();
    let layer = SessionLayer::new(store, Key::generate()).with_idle_timeout(Duration::from_millis(300));
    let mut browser = Browser::new(routes().layer(layer));
    browser.post("/user/7").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(browser.get("/user").await.body, "Some(7)");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let id = browser.cookies["__Host-id"].to_owned();
    let reply = browser.get("/user").await;
    assert_eq!(reply.body, "None");
    // Left in place rather than cleared: a dead id is indistinguishable from one a concurrent sign-in has
    // just replaced, whose new cookie a removal could delete.
    assert!(reply.set_cookie("__Host-id").is_none(), "{reply:?}");
    browser.cookies.insert("__Host-id", id);
    assert_eq!(browser.get("/user").await.body, "None");
}

#[tokio::test]
async fn activity_keeps_a_session_past_its_idle_timeout_but_not_past_its_absolute_timeout() {
    let store = CountingStore::new(MemoryStore::default());
    let layer = SessionLayer::new(store.clone(), Key::generate())
        .with_idle_timeout(Duration::from_millis(400))
        .with_absolute_timeout(Duration::from_millis(1_000));
    let mut browser = Browser::new(routes().layer(layer));
    browser.post("/user/7").await;
    // Reads only: the deadline is pushed back at most once per half idle timeout.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(browser.get("/user").await.body, "Some(7)");
    }
    // Each read came over half the idle timeout after the last write: each pushed the deadline back.
    let refreshed = CallCounts { load: 3, create: 1, save: 3, ..CallCounts::default() };
    assert_eq!(store.counts(), refreshed, "one write to create, one refresh per read");
    // A read within half the idle timeout of the last refresh writes nothing.
    assert_eq!(browser.get("/user").await.body, "Some(7)");
    assert_eq!(store.counts(), CallCounts { load: 4, ..refreshed }, "a read this soon is not a write");
    tokio::time::sleep(Duration::from_millis(300)).await;
    // 1050 ms after creation: past the absolute timeout though never idle for 400 ms.
    assert_eq!(browser.get("/user").await.body, "None");
}

#[tokio::test]
async fn a_flash_field_reads_once() {
    let (_, mut browser) = counting();
    browser.post("/notice/saved").await;
    assert_eq!(browser.get("/notice").await.body, "Some(\"saved\")");
    assert_eq!(browser.get("/notice").await.body, "None");
}

#[tokio::test]
async fn concurrent_requests_setting_different_fields_both_survive() {
    let barrier = Arc::new(Barrier::new(2));
    let racing = Router::new()
        .route(
            "/race/user",
            post(|s: VisitorSession, Extension(b): Extension<Arc<Barrier>>| async move {
                s.user_id().await?; // both requests load the same record...
                b.wait().await; // ...before either writes
                s.set_user_id(99).await?;
                ok()
            }),
        )
        .route(
            "/race/cart",
            post(|s: VisitorSession, Extension(b): Extension<Arc<Barrier>>| async move {
                s.cart().await?;
                b.wait().await;
                s.set_cart(vec!["pear".into()]).await?;
                ok()
            }),
        )
        .merge(routes())
        .layer(Extension(barrier))
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
    let mut browser = Browser::new(racing);
    browser.post("/user/1").await;
    let (mut a, mut b) = (browser.clone(), browser.clone());
    tokio::join!(a.post("/race/user"), b.post("/race/cart"));
    assert_eq!(browser.get("/user").await.body, "Some(99)");
    assert_eq!(browser.get("/cart").await.body, "Some([\"pear\"])");
}

/// A store that counts its round trips behind one that takes `delay` to load.
fn slow_counting(delay: Duration) -> (CountingStore<SlowStore<MemoryStore>>, Router) {
    let store = CountingStore::new(SlowStore::new(MemoryStore::default(), delay));
    let overlapping = Router::new()
        .route(
            "/overlapping",
            get(|s: VisitorSession| async move {
                let (user, cart, again) = tokio::join!(s.user_id(), s.cart(), s.user_id());
                Result::Ok(format!("{:?} {:?} {:?}", user?, cart?, again?))
            }),
        )
        .route(
            "/abandoned",
            get(|s: VisitorSession| async move {
                // The first accessor's load is dropped halfway; the next one must not wait for it forever.
                let abandoned = tokio::time::timeout(Duration::from_millis(10), s.user_id()).await;
                assert!(abandoned.is_err(), "the slow load was still running");
                Result::Ok(format!("{:?}", s.user_id().await?))
            }),
        )
        .merge(routes());
    (store.clone(), overlapping.layer(SessionLayer::new(store, Key::generate())))
}

#[tokio::test]
async fn overlapping_accessors_of_one_request_load_the_session_once() {
    let (store, app) = slow_counting(Duration::from_millis(20));
    let mut browser = Browser::new(app);
    browser.post("/user/7").await;
    browser.post("/cart/apple").await;
    store.take_counts();
    assert_eq!(browser.get("/overlapping").await.body, "Some(7) Some([\"apple\"]) Some(7)");
    assert_eq!(store.counts(), CallCounts { load: 1, ..CallCounts::default() });
}

#[tokio::test]
async fn an_abandoned_load_does_not_block_the_next_accessor() {
    // A load takes fifty times as long as the first accessor waits, so it cannot finish in time.
    let (store, app) = slow_counting(Duration::from_millis(500));
    let mut browser = Browser::new(app);
    browser.post("/user/7").await;
    store.take_counts();
    let reply = tokio::time::timeout(Duration::from_secs(5), browser.get("/abandoned")).await;
    assert_eq!(reply.expect("the request finished").body, "Some(7)");
    assert_eq!(store.counts().load, 2, "the abandoned load, then the next accessor's own");
}

#[tokio::test]
async fn a_stored_field_that_no_longer_decodes_reads_as_absent() {
    let (_, mut browser) = counting();
    browser.post("/cart/apple").await;
    let reply = browser.get("/after-deploy/cart").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "None"));
    assert_eq!(browser.get("/cart").await.body, "Some([\"apple\"])", "the stored data is not lost");
}

#[tokio::test]
async fn a_store_failure_is_a_clear_error_response_and_cookie_fields_still_work() {
    let store = FaultyStore::new(MemoryStore::default());
    let mut browser = Browser::new(app(store.clone(), Key::generate()));
    browser.post("/user/7").await;
    store.set_down(true);

    for reply in [browser.get("/user").await, browser.post("/user/8").await] {
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.body, "session storage is unavailable, please retry");
        assert_eq!(reply.headers.get(header::RETRY_AFTER).unwrap(), "1");
    }
    assert_eq!(browser.post("/theme/dark").await.status, StatusCode::OK);
    assert_eq!(browser.get("/theme").await.body, "Some(Dark)");

    store.set_down(false);
    assert_eq!(browser.get("/user").await.body, "Some(7)", "the failed write did not corrupt the session");
}

#[tokio::test]
async fn a_session_grown_past_its_stores_bound_is_refused_with_a_400_and_kept_as_it_was() {
    // A store of 4 KiB: one shard, whose bound is also the bound of one session.
    let store = MemoryStore::default().with_max_bytes(4 << 10);
    let mut browser = Browser::new(app(store, Key::generate()));
    assert_eq!(browser.post("/cart/apple").await.status, StatusCode::OK);

    let reply = browser.post(&format!("/cart/{}", "a".repeat(8 << 10))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "the request grew the session; the store is fine");
    assert_eq!(reply.body, "the session is too large to store; nothing was saved");
    assert!(reply.headers.get(header::RETRY_AFTER).is_none(), "a retry would be refused the same way");
    assert!(reply.set_cookies.is_empty());
    assert_eq!(browser.get("/cart").await.body, "Some([\"apple\"])", "the session is as it was");
}

#[tokio::test]
async fn a_value_over_max_len_is_refused_with_a_400_and_sets_no_cookie() {
    let (_, mut browser) = counting();
    let reply = browser.post(&format!("/locale/{}", "a".repeat(17))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "the value came with the request");
    assert!(reply.set_cookies.is_empty());
    assert_eq!(browser.post(&format!("/locale/{}", "a".repeat(16))).await.status, StatusCode::OK);
}

/// A handler that passes a session error on with `?` stopped halfway: what it changed before is not saved,
/// as after a 5xx, though the error answers 400.
#[tokio::test]
async fn a_handler_that_passes_a_session_error_on_saves_none_of_its_changes() {
    let halfway = Router::new().route(
        "/profile/{locale}",
        post(|s: VisitorSession, Path(locale): Path<String>| async move {
            s.set_user_id(2).await?;
            s.set_theme(Theme::Dark)?;
            s.set_locale(locale)?;
            ok()
        }),
    );
    let store = CountingStore::new(MemoryStore::default());
    let mut browser = Browser::new(routes().merge(halfway).layer(SessionLayer::new(store.clone(), Key::generate())));
    browser.post("/user/1").await;
    let writes = store.counts().writes();

    let reply = browser.post(&format!("/profile/{}", "a".repeat(17))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);
    assert_eq!(store.counts().writes(), writes, "nothing was written");
    assert_eq!(browser.get("/user").await.body, "Some(1)");
    assert_eq!(browser.get("/theme").await.body, "None");

    assert_eq!(browser.post("/profile/en").await.status, StatusCode::OK);
    assert_eq!(browser.get("/user").await.body, "Some(2)");
}

/// A timeout layer inside the session layer drops a slow handler and answers 408: what the handler changed
/// before it was cut short is neither saved nor sent.
#[tokio::test]
async fn a_handler_cut_short_by_a_timeout_saves_none_of_its_changes() {
    use axum::error_handling::HandleErrorLayer;
    use tower::{timeout::TimeoutLayer, ServiceBuilder};

    let slow = Router::new()
        .route(
            "/checkout",
            post(|s: VisitorSession| async move {
                s.set_user_id(2).await?;
                s.set_theme(Theme::Dark)?;
                tokio::time::sleep(Duration::from_millis(500)).await;
                s.set_cart(vec!["paid".into()]).await?;
                ok()
            }),
        )
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|_| async { StatusCode::REQUEST_TIMEOUT }))
                .layer(TimeoutLayer::new(Duration::from_millis(50))),
        );
    let mut browser =
        Browser::new(routes().merge(slow).layer(SessionLayer::new(MemoryStore::default(), Key::generate())));
    browser.post("/user/1").await;

    let reply = browser.post("/checkout").await;
    assert_eq!(reply.status, StatusCode::REQUEST_TIMEOUT);
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);
    assert_eq!(browser.get("/user").await.body, "Some(1)", "the half-made change was not saved");
    assert_eq!(browser.get("/theme").await.body, "None");
}

/// One long signed cookie field.
#[derive(SessionSchema)]
struct Notepad {
    #[cookie(max_len = 1000)]
    note: String,
}

#[tokio::test]
async fn signed_cookies_of_every_length_round_trip() {
    let app = Router::new()
        .route("/note", get(|s: NotepadSession| async move { s.note().unwrap_or_default() }))
        .route(
            "/note/{len}",
            post(|s: NotepadSession, Path(len): Path<usize>| async move {
                s.set_note("n".repeat(len))?;
                ok()
            }),
        )
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()));
    let mut browser = Browser::new(app);
    // Short values are signed in a buffer on the stack, long ones in one of their own: both must verify.
    for len in [0, 1, 200, 212, 213, 214, 300, 1000] {
        assert_eq!(browser.post(&format!("/note/{len}")).await.status, StatusCode::OK, "length {len}");
        assert_eq!(browser.get("/note").await.body, "n".repeat(len), "length {len}");
    }
}

#[tokio::test]
async fn a_handler_without_the_layer_gets_an_error_that_names_the_fix() {
    let (captured, _guard) = tests::captured_logs::CapturedLogs::everything_logged_here();
    let app = routes();
    let reply = send(&app, Request::get("/user").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    // The fix is for the developer, in the log; the client gets a 500 that names nothing.
    let logs = captured.text();
    assert!(logs.contains("SessionLayer::new"), "{logs}");
    // The usual cause in axum: a route added after `.layer(...)`, which wraps only those before it.
    assert!(logs.contains("wraps only the routes added before it"), "{logs}");
    assert!(!reply.body.contains("SessionLayer"), "{}", reply.body);
}

/// A handle kept past the handler's return (by a streaming body here; an upgrade callback or a spawned task
/// alike) runs after the layer has committed: each access is refused with an error that says so, rather
/// than a change that reports success and is never saved or sent.
#[tokio::test]
async fn a_handle_used_after_its_handler_returned_is_refused_not_silently_lost() {
    let late = Router::new().route(
        "/late",
        post(|s: VisitorSession| async move {
            Body::from_stream(futures::stream::once(async move {
                let results = [
                    s.set_user_id(99).await.map(drop),
                    s.set_locale("late".into()),
                    s.take_notice().await.map(drop),
                    s.user_id().await.map(drop),
                    s.cycle_id().await,
                    s.destroy().await,
                ];
                // Refused too (it can only say so in the log). A cookie read now reads as absent: the
                // response has gone without the `Vary: Cookie` a read adds.
                s.remove_locale();
                let refused = results.iter().filter(|r| matches!(r, Err(session_core::Error::HandlerReturned))).count();
                Ok::<_, std::convert::Infallible>(format!("{refused} refused, locale {:?}", s.locale()))
            }))
        }),
    );
    let store = MemoryStore::default();
    let mut browser = Browser::new(routes().merge(late).layer(SessionLayer::new(store.clone(), Key::generate())));
    browser.post("/user/1").await;
    browser.post("/locale/en").await;
    browser.post("/notice/saved").await;

    let reply = browser.post("/late").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "6 refused, locale None"));
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);
    assert_eq!(browser.get("/user").await.body, "Some(1)");
    assert_eq!(browser.get("/locale").await.body, r#"Some("en")"#);
    assert_eq!(browser.get("/notice").await.body, r#"Some("saved")"#, "the flash was not taken");
    let error = session_core::Error::HandlerReturned.to_string();
    assert!(error.contains("before returning the response"), "{error}");
}

/// Two tasks a handler spawned, one loading the session and one waiting for that load, when the handler
/// returns meanwhile: both are told, rather than the waiter waiting forever for a load the commit took.
#[tokio::test]
async fn tasks_waiting_on_a_load_when_the_handler_returns_are_refused_not_left_waiting() {
    let (tasks_tx, tasks_rx) = std::sync::mpsc::channel();
    let spawning = Router::new().route(
        "/spawn",
        get(move |s: VisitorSession| {
            let tasks_tx = tasks_tx.clone();
            async move {
                let loader = tokio::spawn({
                    let s = s.clone();
                    async move { s.user_id().await }
                });
                tokio::time::sleep(Duration::from_millis(50)).await;
                let waiter = tokio::spawn(async move { s.user_id().await });
                // Both are under way, the load not yet done, when the handler returns.
                tokio::time::sleep(Duration::from_millis(50)).await;
                tasks_tx.send((loader, waiter)).unwrap();
                "ok"
            }
        }),
    );
    let store = SlowStore::new(MemoryStore::default(), Duration::from_millis(300));
    let mut browser = Browser::new(routes().merge(spawning).layer(SessionLayer::new(store, Key::generate())));
    browser.post("/user/7").await;

    assert_eq!(browser.get("/spawn").await.body, "ok");
    let (loader, waiter) = tasks_rx.recv().unwrap();
    for task in [loader, waiter] {
        let read = tokio::time::timeout(Duration::from_secs(3), task).await.expect("a task still waits");
        assert!(matches!(read.unwrap(), Err(session_core::Error::HandlerReturned)));
    }
}

/// A request dropped before its handler returned (the client went away, a timeout around the app) saves
/// nothing, so a task the handler spawned is refused from then on rather than told its change was made.
#[tokio::test]
async fn a_request_dropped_before_its_handler_returned_refuses_its_tasks_changes() {
    let (tasks_tx, tasks_rx) = std::sync::mpsc::channel();
    let slow = Router::new().route(
        "/slow",
        post(move |s: VisitorSession| {
            let tasks_tx = tasks_tx.clone();
            async move {
                tasks_tx
                    .send(tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        s.set_user_id(5).await
                    }))
                    .unwrap();
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }
        }),
    );
    let store = MemoryStore::default();
    let mut browser = Browser::new(routes().merge(slow).layer(SessionLayer::new(store, Key::generate())));
    browser.post("/user/1").await;

    let dropped = tokio::time::timeout(Duration::from_millis(100), browser.post("/slow")).await;
    assert!(dropped.is_err(), "the request finished");
    let task = tasks_rx.recv().unwrap();
    assert!(matches!(task.await.unwrap(), Err(session_core::Error::HandlerReturned)));
    assert_eq!(browser.get("/user").await.body, "Some(1)");
}

/// A body streamed after the handler returned goes out under headers already made without `Vary: Cookie`:
/// a cookie field it reads reads as absent, so no cache can hand one visitor's cookies to another.
#[tokio::test]
async fn a_cookie_field_read_in_a_streaming_body_reads_as_absent() {
    let streaming = Router::new().route(
        "/theme/streamed",
        get(|s: VisitorSession| async move {
            let chunk = futures::stream::once(async move { Ok::<_, std::io::Error>(format!("{:?}", s.theme())) });
            Body::from_stream(chunk)
        }),
    );
    let mut browser =
        Browser::new(routes().merge(streaming).layer(SessionLayer::new(MemoryStore::default(), Key::generate())));
    browser.post("/theme/dark").await;
    assert_eq!(browser.get("/theme").await.body, "Some(Dark)");
    let reply = browser.get("/theme/streamed").await;
    assert_eq!((reply.body.as_str(), reply.headers.get(header::VARY)), ("None", None));
}

/// A handle finds one session on a request. Under two layers, the outer one would still commit its own:
/// clear an id cookie the inner layer's key did not sign, signing the visitor out by a read, or send a
/// second id cookie of the same name. So no handler runs under two, and the log names the fix.
#[tokio::test]
async fn a_request_through_two_session_layers_is_refused_naming_the_fix() {
    let (logs, _guard) = tests::captured_logs::CapturedLogs::everything_logged_here();
    let layer = || SessionLayer::new(MemoryStore::default(), Key::generate());
    let admin = Router::new()
        .route("/peek", get(|s: VisitorSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }));
    let nested = routes().nest("/admin", admin.layer(layer())).layer(layer());
    let mut browser = Browser::new(nested);
    assert_eq!(browser.post("/user/7").await.status, StatusCode::OK, "outside the nested router, one layer");
    assert_eq!(browser.get("/admin/peek").await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(browser.get("/user").await.body, "Some(7)", "the refused request signed the visitor out");
    let mut browser = Browser::new(routes().layer(layer()).layer(layer()));
    assert_eq!(browser.post("/user/7").await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(browser.cookies.is_empty(), "{:?}", browser.cookies);
    assert!(logs.text().contains("this request passed through two SessionLayers"), "{}", logs.text());
    assert!(logs.text().contains("remove the inner one"), "{}", logs.text());

    // Routers with a layer each, merged side by side, give each request one.
    let user = routes().layer(layer());
    let admin = Router::new()
        .route("/admin/peek", get(|s: VisitorSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }))
        .layer(layer());
    let mut browser = Browser::new(user.merge(admin));
    assert_eq!(browser.post("/user/7").await.status, StatusCode::OK);
    assert_eq!(browser.get("/admin/peek").await.status, StatusCode::OK);
}

/// A response made from what the session holds differs from one visitor to the next, so it says `Vary:
/// Cookie`, once, beside what the handler varies on; one that never read the session does not.
#[tokio::test]
async fn responses_that_read_the_session_vary_on_cookie() {
    let varies = |vary: &'static str| {
        get(move |s: VisitorSession| async move { ([(header::VARY, vary)], format!("{:?}", s.theme())) })
    };
    let routes = routes().route("/theme/encoded", varies("Accept-Encoding"));
    let routes = routes.route("/theme/cookie", varies("accept, COOKIE")).route("/theme/any", varies("*"));
    // A handle formatted for a log (`#[tracing::instrument]` does it to every argument) reads nothing.
    let routes = routes.route("/logged", get(|s: VisitorSession| async move { format!("{s:?}") }));
    let mut browser = Browser::new(routes.layer(SessionLayer::new(MemoryStore::default(), Key::generate())));
    browser.post("/user/7").await;
    let vary = |reply: &tests::browser::Reply| -> Vec<String> {
        reply.headers.get_all(header::VARY).iter().map(|value| value.to_str().unwrap().to_owned()).collect()
    };
    for path in ["/theme", "/user", "/cart", "/notice"] {
        assert_eq!(vary(&browser.get(path).await), ["Cookie"], "{path}");
    }
    assert!(vary(&browser.get("/nothing").await).is_empty());
    let logged = browser.get("/logged").await;
    assert!(logged.body.starts_with("VisitorSession { id: Some(SessionId("), "{}", logged.body);
    assert!(vary(&logged).is_empty());
    assert_eq!(vary(&browser.get("/theme/encoded").await), ["Accept-Encoding", "Cookie"]);
    assert_eq!(vary(&browser.get("/theme/cookie").await), ["accept, COOKIE"]);
    assert_eq!(vary(&browser.get("/theme/any").await), ["*"]);
}
