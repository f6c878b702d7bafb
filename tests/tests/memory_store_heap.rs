//! `MemoryStore`'s byte bound held against the heap the store really keeps. A global allocator counts the
//! live bytes of the process, so a store that counts a value by its length while it keeps a larger buffer,
//! or that counts a session for less than its entry in the map costs, fails here: its `with_max_bytes`
//! would then let visitors grow the process past the bound an operator set.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    collections::{HashMap, VecDeque},
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc,
    },
};

use axum::{body::Body, routing::post, Router};
use http::{header, HeaderValue, Request, StatusCode};
use session_core::{
    store::{now_millis, Record},
    Key, MemoryStore, SessionLayer, SessionSchema, SessionStore, StoreKey,
};
use sha2::Digest;
use tower::ServiceExt;

/// Counts the bytes the process holds: the requested sizes of every live allocation.
struct LiveBytes;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to `System` unchanged; the counter is only bookkeeping.
unsafe impl GlobalAlloc for LiveBytes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LiveBytes = LiveBytes;

/// The allocator counts the whole process, so the tests take turns.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[derive(SessionSchema)]
struct Visitor {
    /// A sign-in files the session in the owner index, and moves a session to a new id, leaving a marker.
    #[session(owner, privilege)]
    user_id: u64,
    #[session]
    draft: String,
    #[session]
    name: String,
    #[session]
    email: String,
    #[session]
    locale: String,
    #[session]
    theme: String,
    #[session]
    visits: u32,
    #[session]
    cart: Vec<u64>,
    /// Answers to a survey of eight questions.
    #[session]
    q1: u8,
    #[session]
    q2: u8,
    #[session]
    q3: u8,
    #[session]
    q4: u8,
    #[session]
    q5: u8,
    #[session]
    q6: u8,
    #[session]
    q7: u8,
    #[session]
    q8: u8,
}

/// The users who sign in, one after the other: each a new owner.
static NEXT_USER: AtomicU64 = AtomicU64::new(1);

fn app(store: MemoryStore) -> Router {
    Router::new()
        .route(
            "/sign-in",
            post(|s: VisitorSession| async move {
                s.set_user_id(NEXT_USER.fetch_add(1, Ordering::Relaxed)).await?;
                Ok::<_, session_core::Error>("ok")
            }),
        )
        .route(
            "/profile",
            post(|s: VisitorSession| async move {
                s.set_name("Ada".to_owned()).await?;
                s.set_email("ada@example.com".to_owned()).await?;
                s.set_locale("en-GB".to_owned()).await?;
                s.set_theme("dark".to_owned()).await?;
                s.set_visits(1).await?;
                s.set_cart(vec![42]).await?;
                Ok::<_, session_core::Error>("ok")
            }),
        )
        .route(
            "/survey",
            post(|s: VisitorSession| async move {
                s.set_q1(1).await?;
                s.set_q2(2).await?;
                s.set_q3(3).await?;
                s.set_q4(4).await?;
                s.set_q5(5).await?;
                s.set_q6(6).await?;
                s.set_q7(7).await?;
                s.set_q8(8).await?;
                Ok::<_, session_core::Error>("ok")
            }),
        )
        .route(
            "/survey/clear",
            post(|s: VisitorSession| async move {
                s.remove_q1().await?;
                s.remove_q2().await?;
                s.remove_q3().await?;
                s.remove_q4().await?;
                s.remove_q5().await?;
                s.remove_q6().await?;
                s.remove_q7().await?;
                s.remove_q8().await?;
                s.remove_email().await?;
                s.remove_locale().await?;
                s.remove_theme().await?;
                s.remove_visits().await?;
                s.remove_cart().await?;
                Ok::<_, session_core::Error>("ok")
            }),
        )
        .route(
            "/draft",
            post(|s: VisitorSession, draft: String| async move {
                s.set_draft(draft).await?;
                Ok::<_, session_core::Error>("ok")
            }),
        )
        .layer(SessionLayer::new(store, Key::generate()).with_secure(false))
}

/// Posts `body` to `path` and returns the id cookie the response sets, if any.
async fn post_to(app: &Router, path: &str, cookie: Option<&HeaderValue>, body: String) -> Option<HeaderValue> {
    let mut request = Request::post(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response =
        app.clone().oneshot(request.body(Body::from(body)).expect("a valid request")).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK, "POST {path}");
    let line = response.headers().get(header::SET_COOKIE)?.to_str().expect("ASCII");
    Some(HeaderValue::from_str(line.split(';').next().expect("a name and value")).expect("a valid header"))
}

/// What the process holds beyond `baseline`, less nothing the test itself keeps (it keeps no cookies).
fn held_since(baseline: usize) -> usize {
    LIVE.load(Ordering::Relaxed).saturating_sub(baseline)
}

#[tokio::test]
async fn the_heap_a_memory_store_holds_stays_within_what_it_counts() {
    let _turn = ONE_AT_A_TIME.lock().await;
    const MAX_BYTES: usize = 8 << 20;
    let store = MemoryStore::default().with_max_bytes(MAX_BYTES);
    let app = app(store.clone());
    // One request first, so that what the runtime, the router and logging set up once is in the baseline.
    post_to(&app, "/sign-in", None, String::new()).await;
    let (baseline, counted_before) = (LIVE.load(Ordering::Relaxed), store.bytes());

    // Small sessions: of fourteen fields of which thirteen were then removed, signed in (one field, and an
    // owner of its own), signed in after a first visit (the marker of the move to a new id, too), and of
    // six fields. What a session costs besides its values (its record, its table of fields, its entries in
    // the map, the deadline index and the owner index) must be counted in full, at the sizes the tables
    // grow through. (From a few hundred on: each shard's first session also sets up the shard's own
    // tables, a cost of the store, not of the session. And those first: a shape counted for more than it
    // holds would make room for one counted for less.)
    let visits = [
        (&["/profile", "/survey", "/survey/clear"][..], 1_000),
        (&["/sign-in"], 2_000),
        (&["/draft", "/sign-in"], 1_000),
        (&["/profile"], 2_000),
    ];
    for (visit, sessions) in visits {
        for visitors in 1..=sessions {
            let cookie = post_to(&app, visit[0], None, String::new()).await.expect("a new session");
            for then in &visit[1..] {
                post_to(&app, then, Some(&cookie), String::new()).await;
            }
            drop(cookie);
            let (held, counted) = (held_since(baseline), store.bytes() - counted_before);
            assert!(
                visitors % 250 != 0 || held <= counted,
                "after {visitors} visits of {visit:?}, the store holds {held} bytes of heap, counted as {counted}"
            );
        }
    }

    // A visitor whose draft grows large and then short again: the store counts the short value, so it must
    // not keep the large one's buffer. And a value's buffer must be no larger than the value.
    let long_draft = "x".repeat(100_000);
    for _ in 0..40 {
        let cookie = post_to(&app, "/draft", None, long_draft.clone()).await.expect("a new session");
        post_to(&app, "/draft", Some(&cookie), "short".to_owned()).await;
    }
    let (held, counted) = (held_since(baseline), store.bytes() - counted_before);
    assert!(held <= counted, "after drafts that shrank, the store holds {held} bytes of heap, counted as {counted}");

    // And so the bound an operator sets holds for the process: more long drafts than fit, each evicting
    // the sessions closest to their deadline.
    for _ in 0..200 {
        post_to(&app, "/draft", None, long_draft.clone()).await.expect("a new session");
    }
    let held = held_since(baseline);
    assert!(held <= MAX_BYTES, "a store bounded at {MAX_BYTES} bytes holds {held} bytes of heap");
}

/// Visitors who arrive more than the deadline index's grain apart, as on most sites most of the time,
/// each take a bucket of the index of their own, and those who log out leave their entries behind until
/// the index is rebuilt: the index's heap is counted too, so the process stays within the bound.
#[tokio::test]
async fn sessions_that_arrive_apart_stay_within_the_bound() {
    const MAX_BYTES: usize = 1 << 20;
    let _turn = ONE_AT_A_TIME.lock().await;
    let session = |expires_at| {
        let now = now_millis();
        let fields = HashMap::from([("user_id".to_owned(), b"12345".to_vec())]);
        Arc::new(Record { fields, created_at: now, last_seen: now, expires_at, owner: None })
    };
    // Keys as the store gets them: hashes of the ids.
    let key = |visitor: u64| StoreKey::from_bytes(sha2::Sha256::digest(visitor.to_le_bytes()).into());
    let store = MemoryStore::default().with_max_bytes(MAX_BYTES);
    // The first session sets up the store's own tables, which the baseline then holds.
    let first = now_millis() + 3_600_000;
    store.create(&key(0), &session(first)).await.unwrap();
    let (baseline, counted_before) = (LIVE.load(Ordering::Relaxed), store.bytes());

    let mut recent = VecDeque::new();
    for visitor in 1..=8_000u64 {
        store.create(&key(visitor), &session(first + visitor * 65)).await.unwrap();
        recent.push_back(key(visitor));
        // One visitor in three logs out soon after arriving.
        if visitor % 3 == 0 {
            let leaving = recent.swap_remove_back(recent.len().saturating_sub(2)).expect("a recent visitor");
            store.delete(&leaving).await.unwrap();
        }
        recent.truncate(16);
        let (held, counted) = (held_since(baseline), store.bytes() - counted_before);
        assert!(
            visitor % 250 != 0 || (held <= counted && held <= MAX_BYTES),
            "after {visitor} visitors, the store holds {held} bytes of heap, counted as {counted}, bound {MAX_BYTES}"
        );
    }
}
