//! Heap allocations the layer adds to a request, counted exactly and held to a bound each: a count that
//! grows past it means a new allocation on a hot path, which the benchmark would only show as noise. (A
//! bound rather than the count itself, so that a dependency that saves one does not fail the build.)
//!
//! Each request is counted against the same request through the floor: the same routes behind axum's
//! `Extension` layer, which puts one value into the request as ours does. Counts are the least over many
//! requests: now and then a store's table or deadline index grows, a cost spread over all its sessions,
//! and that is not what a request itself allocates.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    cell::Cell,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use axum::{
    body::Body,
    routing::{get, post},
    Extension, Router,
};
use http::{header, HeaderValue, Request, StatusCode};
use session_core::{Key, MemoryStore, SessionLayer, SessionSchema};
use tower::ServiceExt;

/// Counts the allocations (and reallocations) of the thread that makes them: tests run side by side on
/// threads of their own, and a current-thread runtime polls a request on the test's thread.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the allocator is also called while a thread's locals are being torn down.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// SAFETY: every call forwards to `System` unchanged; the counter is only bookkeeping.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[derive(SessionSchema)]
struct Visitor {
    #[cookie(max_len = 16)]
    locale: String,
    #[cookie]
    theme: u8,
    #[session]
    user_id: u64,
    #[session]
    counter: u64,
}

type Result<T> = std::result::Result<T, session_core::Error>;

/// A value that differs on every request, so that no write is skipped as unchanged.
static NEXT: AtomicU64 = AtomicU64::new(1);

fn ours() -> Router {
    Router::new()
        .route(
            "/setup",
            post(|s: VisitorSession| async move {
                s.set_locale("en-GB".to_owned())?;
                s.set_theme(1)?;
                s.set_user_id(7).await?;
                Result::Ok("ok")
            }),
        )
        // Every handler answers as the floor's does, with a constant body, and reads turn a missing value
        // into an error status: a response of another shape would be counted against the layer.
        .route("/read-cookie", get(|s: VisitorSession| async move { found(s.locale().as_deref() == Some("en-GB")) }))
        .route("/read-field", get(|s: VisitorSession| async move { Result::Ok(found(s.user_id().await? == Some(7))) }))
        .route(
            "/write-field",
            post(|s: VisitorSession| async move {
                s.set_counter(NEXT.fetch_add(1, Ordering::Relaxed)).await?;
                Result::Ok("ok")
            }),
        )
        .route(
            "/write-both",
            post(|s: VisitorSession| async move {
                s.set_theme(NEXT.fetch_add(1, Ordering::Relaxed) as u8)?;
                s.set_counter(NEXT.fetch_add(1, Ordering::Relaxed)).await?;
                Result::Ok("ok")
            }),
        )
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()).with_secure(false))
        .with_state(())
}

fn found(found: bool) -> (StatusCode, &'static str) {
    if found {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::NOT_FOUND, "missing")
    }
}

/// The same routes behind the least a layer can do: one value into the request, taken out by the handler.
fn floor() -> Router {
    let handler = |Extension(_): Extension<Arc<u64>>| async { "ok" };
    ["/read-cookie", "/read-field", "/write-field", "/write-both"]
        .iter()
        .fold(Router::new(), |router, path| router.route(path, get(handler).post(handler)))
        .layer(Extension(Arc::new(0_u64)))
        .with_state(())
}

fn request(method: &str, path: &str, cookie: Option<&HeaderValue>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie.clone());
    }
    builder.body(Body::empty()).expect("a valid request")
}

/// The fewest allocations one request to `app` made, over 101 of them.
async fn allocations(app: &Router, method: &str, path: &str, cookie: Option<&HeaderValue>) -> u64 {
    let mut counts = Vec::new();
    for _ in 0..101 {
        let request = request(method, path, cookie);
        let before = ALLOCATIONS.with(Cell::get);
        let response = app.clone().oneshot(request).await.expect("infallible");
        counts.push(ALLOCATIONS.with(Cell::get) - before);
        assert_eq!(response.status(), StatusCode::OK, "{method} {path}");
    }
    counts.into_iter().min().expect("101 counts")
}

/// The Cookie header of a visitor with two signed cookies and a session, as a browser sends it back: in
/// a buffer that is already shared, as hyper hands one over, so cloning it allocates nothing.
async fn returning_visitor(app: &Router) -> HeaderValue {
    let response = app.clone().oneshot(request("POST", "/setup", None)).await.expect("infallible");
    let pairs: Vec<&str> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok()?.split(';').next())
        .collect();
    let header = HeaderValue::from_maybe_shared(axum::body::Bytes::from(pairs.join("; "))).expect("a valid header");
    // Cloning a buffer that came from a `String` moves it to the shared representation, for good.
    drop(header.clone());
    header
}

/// How many allocations the layer adds to one request: the fewest `ours` made, less the fewest `floor` made.
async fn added(ours: &Router, floor: &Router, method: &str, path: &str, cookie: Option<&HeaderValue>) -> u64 {
    let (ours, floor) = (allocations(ours, method, path, cookie).await, allocations(floor, method, path, cookie).await);
    ours.checked_sub(floor).expect("the layer never allocates less than nothing")
}

#[tokio::test]
async fn each_kind_of_request_costs_the_layer_a_known_number_of_allocations() {
    let (ours, floor) = (ours(), floor());
    let visitor = returning_visitor(&ours).await;
    let visitor = Some(&visitor);

    // Upper bounds, not exact counts: a dependency may shave one off, and that must not fail the build;
    // one more than these means the layer grew a cost on every request of that kind.
    //
    // Reads: the request's session state, the boxed load of a store behind a trait object, and the value a
    // cookie reader hands out; cookies are verified in place, the record is shared with the store, and a
    // commit that needs no store call builds nothing.
    let read_cookie = added(&ours, &floor, "GET", "/read-cookie", visitor).await;
    assert!(read_cookie <= 2, "reading a signed cookie: {read_cookie} (the session state and the value's `String`)");
    let read_field = added(&ours, &floor, "GET", "/read-field", visitor).await;
    assert!(read_field <= 2, "reading a session field: {read_field} (the session state and the load)");

    // Writes: as above, the value's serialised bytes and the boxed commit; for a new visitor, the record
    // (its map, the field's name and value, trimmed to the value's size, so that a store keeping the record
    // holds no more than it counts) and the id cookie's line (the text the `cookie` crate formats, and the
    // header's handle on it).
    let write_field = added(&ours, &floor, "POST", "/write-field", visitor).await;
    assert!(write_field <= 4, "writing a session field: {write_field}");
    let first_write = added(&ours, &floor, "POST", "/write-field", None).await;
    assert!(first_write <= 8, "a new visitor's first write: {first_write}");
    let write_both = added(&ours, &floor, "POST", "/write-both", visitor).await;
    assert!(write_both <= 7, "a cookie and a field: {write_both}");
}
