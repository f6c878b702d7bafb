//! Per-request overhead of session-core's layer beside tower-sessions 0.15 (MemoryStore; its id cookie as it
//! comes, unsigned, and signed) and tower-cookies (signed jar), beside a bare handler that returns a
//! constant, and, for a new visitor, beside the same work written into a handler by hand, all in one run;
//! then what a new visitor's work cannot do without (the id cookie's cryptography, an id's random bytes, the
//! clock); then `MemoryStore` at a million sessions.
//!
//! ```sh
//! cargo bench -p bench --bench layer                                  # the default run, under a minute
//! BENCH_ROUNDS=101 cargo bench -p bench --bench layer                 # longer, steadier
//! BENCH_SESSIONS=100000 cargo bench -p bench --bench layer           # a smaller scale test
//! BENCH_PARTS=0 BENCH_SCALE=0 cargo bench -p bench --bench layer      # the requests alone
//! BENCH_ONLY=S4 BENCH_PARTS=0 BENCH_SCALE=0 cargo bench -p bench --bench layer   # one scenario, to profile
//! ```
//!
//! Requests go straight into an axum router with `tower::ServiceExt::oneshot` on a current-thread runtime.
//! Every router is finished with `with_state(())`, as serving it does, so layers wrap each route once rather
//! than on every request.
//! Each round runs every contender of every scenario for `BENCH_ITERS` requests in turn, so drift hits all
//! of them alike; the table shows medians over `BENCH_ROUNDS` rounds, and each overhead is the median of
//! the differences within a round (a contender against the bare handler timed just before or after it),
//! with the range the middle half of the rounds' ratios fell in beside their median.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc, LazyLock,
    },
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    routing::{get, post},
    Extension, Router,
};
use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use session_core::{
    store::{now_millis, Patch, Record},
    Key, MemoryStore, SessionLayer, SessionSchema, SessionStore, StoreKey,
};
use tower::ServiceExt;
use tower_cookies::{Cookie, CookieManagerLayer, Cookies};
use tower_sessions_015::{MemoryStore as PeerStore, Session, SessionManagerLayer};

/// Counts live heap bytes, for the bytes-per-session figure.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to `System` unchanged; the counter is only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(SessionSchema)]
struct Bench {
    #[cookie(max_len = 16)]
    locale: String,
    #[cookie]
    theme: u8,
    #[cookie]
    visits: u32,
    #[session]
    user_id: u64,
    #[session]
    counter: u64,
}

/// A value that differs on every request, so writes are never cancelled as unchanged.
static NEXT: AtomicU64 = AtomicU64::new(1);

fn next() -> u64 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

static PEER_KEY: LazyLock<tower_cookies::Key> = LazyLock::new(tower_cookies::Key::generate);

type Result<T> = std::result::Result<T, session_core::Error>;

fn ours() -> Router {
    Router::new()
        .route(
            "/setup",
            post(|s: BenchSession| async move {
                s.set_locale("en-GB".to_owned())?;
                s.set_theme(1)?;
                s.set_visits(3)?;
                s.set_user_id(7).await?;
                s.set_counter(1).await?;
                Result::Ok("ok")
            }),
        )
        .route("/s1", get(|s: BenchSession| async move { if s.locale().is_some() { "ok" } else { "missing" } }))
        .route(
            "/s2",
            get(|s: BenchSession| async move { Result::Ok(if s.user_id().await?.is_some() { "ok" } else { "missing" }) }),
        )
        .route(
            "/s3",
            post(|s: BenchSession| async move {
                s.set_counter(next()).await?;
                Result::Ok("ok")
            }),
        )
        .route("/s5", post(|s: BenchSession| async move { s5_ours(s).await }))
        .layer(SessionLayer::new(MemoryStore::default(), Key::generate()).with_secure(false))
        .with_state(())
}

async fn s5_ours(s: BenchSession) -> Result<&'static str> {
    let cookies = (s.locale(), s.theme(), s.visits());
    let user = s.user_id().await?;
    let counter = s.counter().await?;
    s.set_visits(cookies.2.unwrap_or(0).wrapping_add(next() as u32))?;
    s.set_counter(next()).await?;
    Ok(if cookies.0.is_some() && cookies.1.is_some() && user.is_some() && counter.is_some() { "ok" } else { "missing" })
}

fn peer_cookies() -> Router {
    async fn setup(cookies: Cookies) -> &'static str {
        let jar = cookies.signed(&PEER_KEY);
        jar.add(Cookie::new("locale", "en-GB"));
        jar.add(Cookie::new("theme", "1"));
        jar.add(Cookie::new("visits", "3"));
        "ok"
    }
    async fn s1(cookies: Cookies) -> &'static str {
        if cookies.signed(&PEER_KEY).get("locale").is_some() {
            "ok"
        } else {
            "missing"
        }
    }
    Router::new().route("/setup", post(setup)).route("/s1", get(s1)).layer(CookieManagerLayer::new()).with_state(())
}

async fn peer_session_setup(session: Session) -> &'static str {
    session.insert("user_id", 7_u64).await.expect("tower-sessions insert");
    session.insert("counter", 1_u64).await.expect("tower-sessions insert");
    "ok"
}

fn peer_sessions() -> Router {
    peer_session_routes().layer(SessionManagerLayer::new(PeerStore::default()).with_secure(false)).with_state(())
}

/// tower-sessions with its id cookie signed (`with_signed`), as ours always is: the same work as ours.
fn peer_sessions_signed() -> Router {
    let layer = SessionManagerLayer::new(PeerStore::default()).with_secure(false);
    peer_session_routes().layer(layer.with_signed(PEER_KEY.clone())).with_state(())
}

fn peer_session_routes() -> Router {
    async fn s2(session: Session) -> &'static str {
        let user: Option<u64> = session.get("user_id").await.expect("tower-sessions get");
        if user.is_some() {
            "ok"
        } else {
            "missing"
        }
    }
    async fn s3(session: Session) -> &'static str {
        session.insert("counter", next()).await.expect("tower-sessions insert");
        "ok"
    }
    Router::new().route("/setup", post(peer_session_setup)).route("/s2", get(s2)).route("/s3", post(s3))
}

fn peer_both() -> Router {
    async fn setup(cookies: Cookies, session: Session) -> &'static str {
        let jar = cookies.signed(&PEER_KEY);
        jar.add(Cookie::new("locale", "en-GB"));
        jar.add(Cookie::new("theme", "1"));
        jar.add(Cookie::new("visits", "3"));
        peer_session_setup(session).await
    }
    async fn s5(cookies: Cookies, session: Session) -> &'static str {
        let jar = cookies.signed(&PEER_KEY);
        let locale = jar.get("locale");
        let theme = jar.get("theme");
        let visits: u32 = jar.get("visits").and_then(|c| c.value().parse().ok()).unwrap_or(0);
        let user: Option<u64> = session.get("user_id").await.expect("tower-sessions get");
        let counter: Option<u64> = session.get("counter").await.expect("tower-sessions get");
        jar.add(Cookie::new("visits", visits.wrapping_add(next() as u32).to_string()));
        session.insert("counter", next()).await.expect("tower-sessions insert");
        if locale.is_some() && theme.is_some() && user.is_some() && counter.is_some() {
            "ok"
        } else {
            "missing"
        }
    }
    Router::new()
        .route("/setup", post(setup))
        .route("/s5", post(s5))
        .layer(SessionManagerLayer::new(PeerStore::default()).with_secure(false))
        .layer(CookieManagerLayer::new())
        .with_state(())
}

/// An HMAC-SHA256 signer for id cookies, its key schedule done once.
type IdSigner = hmac::Hmac<sha2::Sha256>;

fn id_signer() -> IdSigner {
    hmac::Mac::new_from_slice(&[7; 32]).expect("any key length")
}

/// An id cookie's tag as ours computes it: HMAC-SHA256 over `id=` and the id's 22 characters.
fn id_cookie_tag(signer: &IdSigner, id_text: &[u8; 22]) -> [u8; 32] {
    use hmac::Mac;
    let mut mac = signer.clone();
    mac.update(b"id=");
    mac.update(id_text);
    mac.finalize().into_bytes().into()
}

/// S4's work written straight into the handler, with no session layer: what a new visitor costs any
/// implementation that keeps the promises ours does, before any glue. An id of 16 bytes from rand's
/// thread-local generator (as ours are), its SHA-256 as
/// the key of a record (its counter, serialised, its last activity and its expiry) in a locked table that
/// keeps its visitors, and a `Set-Cookie` line with the id signed by HMAC-SHA256 (key schedule done once),
/// as long as ours and with the same attributes (checked before timing), with `Cache-Control: no-store`
/// and `Vary: Cookie` beside it. Leaner than a layer can be: no expiry index, no field names, no state shared with the
/// handler, no error paths.
fn by_hand() -> Router {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    use sha2::{Digest, Sha256};
    use std::{hash::BuildHasherDefault, io::Write, sync::Mutex};

    /// The table's hash: the key is a SHA-256 already, so its first 8 bytes are as good as any hash of it.
    #[derive(Default)]
    struct FirstBytes(u64);
    impl std::hash::Hasher for FirstBytes {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            // Arrays hash as their bytes, after no length prefix: this sees the key's 32 bytes at once.
            if let Some(first) = bytes.first_chunk::<8>() {
                self.0 = u64::from_le_bytes(*first);
            }
        }
    }
    struct Stored {
        _last_seen: u64,
        _expires_at: u64,
        _counter: Vec<u8>,
    }
    struct ByHand {
        table: Mutex<HashMap<[u8; 32], Stored, BuildHasherDefault<FirstBytes>>>,
        signer: IdSigner,
    }

    const ATTRIBUTES: &str = "; HttpOnly; SameSite=Lax; Path=/";
    async fn first_write(Extension(by_hand): Extension<Arc<ByHand>>) -> Response<Body> {
        let mut id = [0; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
        let mut counter = Vec::with_capacity(20);
        write!(counter, "{}", next()).expect("a Vec takes every byte");
        let now = now_millis();
        let stored = Stored { _last_seen: now, _expires_at: now + 86_400_000, _counter: counter };
        by_hand.table.lock().expect("not poisoned").insert(Sha256::digest(id).into(), stored);

        let (mut id_text, mut tag) = ([0; 22], [0; 43]);
        URL_SAFE_NO_PAD.encode_slice(id, &mut id_text).expect("22 characters");
        URL_SAFE_NO_PAD.encode_slice(id_cookie_tag(&by_hand.signer, &id_text), &mut tag).expect("43 characters");
        let mut line = Vec::with_capacity("id=".len() + tag.len() + id_text.len() + ATTRIBUTES.len());
        for piece in [&b"id="[..], &tag, &id_text, ATTRIBUTES.as_bytes()] {
            line.extend_from_slice(piece);
        }
        let mut response = axum::response::IntoResponse::into_response("ok");
        let headers = response.headers_mut();
        headers.append(header::SET_COOKIE, HeaderValue::try_from(line).expect("a valid header"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.append(header::VARY, HeaderValue::from_static("Cookie"));
        response
    }

    let by_hand = ByHand { table: Mutex::default(), signer: id_signer() };
    let handler = get(first_write).post(first_write);
    let routes = PATHS.iter().fold(Router::new(), |router, path| router.route(path, handler.clone()));
    routes.layer(Extension(Arc::new(by_hand))).with_state(())
}

/// The scenarios' paths. The bare and floor routers route them exactly as the contenders do: a wildcard
/// route would cost more to match (it captures the path) and so hide part of every contender's overhead.
const PATHS: [&str; 4] = ["/s1", "/s2", "/s3", "/s5"];

fn bare() -> Router {
    let routes = PATHS
        .iter()
        .fold(Router::new(), |router, path| router.route(path, get(|| async { "ok" }).post(|| async { "ok" })));
    routes.with_state(())
}

/// The least any session layer can cost: a layer that puts one shared value into each request and an
/// extractor that takes it out (axum's `Extension`), and nothing else.
fn floor() -> Router {
    let handler = |Extension(_): Extension<Arc<u64>>| async { "ok" };
    let routes = PATHS.iter().fold(Router::new(), |router, path| router.route(path, get(handler).post(handler)));
    routes.layer(Extension(Arc::new(0_u64))).with_state(())
}

/// One request, with the Cookie header a browser would send.
fn request(method: &str, path: &str, cookie: Option<&HeaderValue>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie.clone());
    }
    builder.body(Body::empty()).expect("valid request")
}

/// A Cookie header value the way hyper hands one over: a slice of a reference-counted buffer, so that
/// cloning it, as layers do, costs a reference count and not an allocation. (Built from a `String`
/// instead, its first clone would allocate, a cost no server request carries.)
fn shared_header(cookie: &str) -> Option<HeaderValue> {
    if cookie.is_empty() {
        return None;
    }
    let bytes = Bytes::from(cookie.to_owned());
    // Cloning a buffer that came from a `Vec` moves it to the shared representation, for good.
    drop(bytes.clone());
    Some(HeaderValue::from_maybe_shared(bytes).expect("a valid Cookie header"))
}

/// The Cookie header a browser would send back after `response`.
fn cookie_header(response: &Response<Body>) -> String {
    let pairs: Vec<&str> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok()?.split(';').next())
        .collect();
    pairs.join("; ")
}

/// The first `Set-Cookie` line a new visitor's first write gets, with its value's characters replaced by
/// `x`: what two implementations' id cookies must agree on to cost the same to write.
async fn id_cookie_shape(app: &Router) -> String {
    let response = app.clone().oneshot(request("POST", "/s3", None)).await.expect("infallible");
    let line = response.headers().get(header::SET_COOKIE).expect("an id cookie").to_str().expect("ASCII");
    let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
    let (name, value) = pair.split_once('=').expect("name=value");
    format!("{name}={};{attributes}", "x".repeat(value.len()))
}

async fn setup(app: &Router) -> String {
    let response = app.clone().oneshot(request("POST", "/setup", None)).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    cookie_header(&response)
}

/// The `name=value` pair called `name` of a Cookie header, alone.
fn only(cookie: &str, name: &str) -> String {
    let pair = cookie.split("; ").find(|pair| pair.split_once('=').is_some_and(|(n, _)| n == name));
    pair.unwrap_or_else(|| panic!("no cookie `{name}` in {cookie}")).to_owned()
}

/// One contender of one scenario: a router, the request it gets, the Cookie header it carries.
struct Contender {
    app: Router,
    method: &'static str,
    path: &'static str,
    cookie: Option<HeaderValue>,
}

impl Contender {
    /// Mean time per request over `iters` requests, every one of which must be answered 200: a contender
    /// that failed fast partway through would otherwise look cheap.
    async fn time(&self, iters: u32) -> Duration {
        let start = Instant::now();
        let mut failed = 0_u32;
        for _ in 0..iters {
            let response = self
                .app
                .clone()
                .oneshot(request(self.method, self.path, self.cookie.as_ref()))
                .await
                .expect("infallible");
            failed += u32::from(response.status() != StatusCode::OK);
        }
        let elapsed = start.elapsed();
        assert_eq!(failed, 0, "{} {}: {failed} of {iters} requests were not answered 200", self.method, self.path);
        elapsed / iters
    }

    async fn check(&self) {
        let response =
            self.app.clone().oneshot(request(self.method, self.path, self.cookie.as_ref())).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK, "{} {}", self.method, self.path);
        let body = axum::body::to_bytes(response.into_body(), 1024).await.expect("body");
        assert_eq!(&body[..], b"ok", "{} {}", self.method, self.path);
    }
}

struct Scenario {
    name: &'static str,
    ours: Contender,
    peer: Contender,
    bare: Contender,
    floor: Contender,
    /// Set for S4: its work written into the handler by hand, with no layer, timed beside the rest.
    by_hand: Option<Contender>,
}

impl Scenario {
    /// Times the work by hand beside the rest, given the request ours gets, as bare and floor are.
    fn beside_the_work_by_hand(self) -> Self {
        let ours = &self.ours;
        let by_hand = Contender { app: by_hand(), method: ours.method, path: ours.path, cookie: ours.cookie.clone() };
        Scenario { by_hand: Some(by_hand), ..self }
    }

    /// Ours, the peer, bare, floor and, if set, the work by hand: the order a round's samples are kept in
    /// (see `OURS` and the indices after it).
    fn contenders(&self) -> Vec<&Contender> {
        [&self.ours, &self.peer, &self.bare, &self.floor].into_iter().chain(&self.by_hand).collect()
    }
}

// Where each contender's samples are kept: the order `Scenario::contenders` lists them in.
const OURS: usize = 0;
const PEER: usize = 1;
const BARE: usize = 2;
const FLOOR: usize = 3;
const BY_HAND: usize = 4;
/// How many places a round's samples have, one per contender (the work by hand's stays empty where unset).
const CONTENDERS: usize = BY_HAND + 1;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn median<T: Copy + PartialOrd>(samples: &[T]) -> T {
    quantile(samples, 0.5)
}

/// The sample a fraction `q` of the way up the sorted samples (0.5: the median).
fn quantile<T: Copy + PartialOrd>(samples: &[T], q: f64) -> T {
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}

/// A contender's overhead (µs) in each round: its time less that of the bare handler timed beside it.
fn overheads(samples: &[Vec<Duration>; CONTENDERS], contender: usize) -> Vec<f64> {
    samples[contender].iter().zip(&samples[BARE]).map(|(t, bare)| micros(*t) - micros(*bare)).collect()
}

/// Round by round, one overhead over another.
fn ratios(numerators: &[f64], denominators: &[f64]) -> Vec<f64> {
    numerators.iter().zip(denominators).map(|(n, d)| n / d).collect()
}

/// Two table cells: the median ratio, and the range the middle half of the rounds' ratios fell in.
fn with_middle_half(ratios: &[f64]) -> String {
    format!("{:.2} | {:.2}-{:.2}", median(ratios), quantile(ratios, 0.25), quantile(ratios, 0.75))
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

async fn requests() {
    let rounds = env("BENCH_ROUNDS", 41) as usize;
    let iters = env("BENCH_ITERS", 5_000) as u32;

    let (ours, peer_cookies, peer_sessions, peer_both) = (ours(), peer_cookies(), peer_sessions(), peer_both());
    let peer_sessions_signed = peer_sessions_signed();
    let our_cookie = setup(&ours).await;
    let peer_cookie_jar = setup(&peer_cookies).await;
    let peer_session_cookie = setup(&peer_sessions).await;
    let peer_signed_session_cookie = setup(&peer_sessions_signed).await;
    let peer_both_cookie = setup(&peer_both).await;
    assert_eq!(id_cookie_shape(&by_hand()).await, id_cookie_shape(&ours).await, "S4 by hand writes another cookie");

    // Every contender gets the Cookie header of the same visitor: three signed cookies and a session id,
    // each library's own. (A peer given only the cookies it reads would be spared parsing the rest, which
    // a browser always sends.)
    let peer_visitor = format!("{peer_cookie_jar}; {peer_session_cookie}");
    let peer_signed_visitor = format!("{peer_cookie_jar}; {peer_signed_session_cookie}");
    let contender = |app: &Router, method, path, cookie: &str| Contender {
        app: app.clone(),
        method,
        path,
        cookie: shared_header(cookie),
    };
    let scenario = |name, ours: Contender, peer: Contender| {
        let bare = Contender { app: bare(), cookie: ours.cookie.clone(), ..ours };
        let floor = Contender { app: floor(), cookie: ours.cookie.clone(), ..ours };
        Scenario { name, ours, peer, bare, floor, by_hand: None }
    };
    let scenarios = [
        scenario(
            "S1 read one signed cookie",
            contender(&ours, "GET", "/s1", &our_cookie),
            contender(&peer_cookies, "GET", "/s1", &peer_visitor),
        ),
        scenario(
            "S2 read one session field",
            contender(&ours, "GET", "/s2", &our_cookie),
            contender(&peer_sessions, "GET", "/s2", &peer_visitor),
        ),
        scenario(
            "S3 write one session field",
            contender(&ours, "POST", "/s3", &our_cookie),
            contender(&peer_sessions, "POST", "/s3", &peer_visitor),
        ),
        scenario(
            "S4 new visitor's first write",
            contender(&ours, "POST", "/s3", ""),
            contender(&peer_sessions, "POST", "/s3", ""),
        )
        .beside_the_work_by_hand(),
        scenario(
            "S5 3 cookies + 2 fields, write 1 + 1",
            contender(&ours, "POST", "/s5", &our_cookie),
            contender(&peer_both, "POST", "/s5", &peer_both_cookie),
        ),
        // S2 again with nothing but the id cookie on either side: what the session costs by itself.
        scenario(
            "S2 with the id cookie alone",
            contender(&ours, "GET", "/s2", &only(&our_cookie, "id")),
            contender(&peer_sessions, "GET", "/s2", &peer_session_cookie),
        ),
        // S2 and S4 again beside tower-sessions signing its id cookie too, as ours always does: the peer
        // doing the same work. (The rows above compare against its default, an unsigned id cookie.)
        scenario(
            "S2, the peer's id cookie signed too",
            contender(&ours, "GET", "/s2", &our_cookie),
            contender(&peer_sessions_signed, "GET", "/s2", &peer_signed_visitor),
        ),
        scenario(
            "S4, the peer's id cookie signed too",
            // A store of its own, as the signed peer has, so neither side's holds more sessions.
            contender(&crate::ours(), "POST", "/s3", ""),
            contender(&peer_sessions_signed, "POST", "/s3", ""),
        ),
    ];

    // `BENCH_ONLY=S2` runs the scenarios whose name starts with it (for profiling one path).
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let scenarios: Vec<Scenario> = scenarios.into_iter().filter(|s| s.name.starts_with(only.as_str())).collect();
    let mut samples: Vec<[Vec<Duration>; CONTENDERS]> = scenarios.iter().map(|_| Default::default()).collect();
    for scenario in &scenarios {
        for c in scenario.contenders() {
            c.check().await;
            c.time(iters / 10 + 1).await; // warm up
        }
    }
    for round in 0..rounds {
        for (scenario, samples) in scenarios.iter().zip(&mut samples) {
            let contenders = scenario.contenders();
            // Every other round runs them in reverse, so none always follows the same neighbour.
            let mut order: Vec<usize> = (0..contenders.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for i in order {
                samples[i].push(contenders[i].time(iters).await);
            }
        }
    }

    println!("\nPer request, median of {rounds} rounds of {iters} requests per contender (µs); overheads and");
    println!("their ratio are medians of each round's own, so drift between rounds cancels out. The last column");
    println!("is the ratio's spread: the middle half of the rounds fell within it.\n");
    println!(
        "| scenario | bare | floor | session-core | peer | floor overhead | our overhead | peer overhead | ours / peer | middle half |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (scenario, samples) in scenarios.iter().zip(&samples) {
        let [ours, peer, bare, floor] = [OURS, PEER, BARE, FLOOR].map(|contender| micros(median(&samples[contender])));
        let (our_over, peer_over, floor_over) =
            (overheads(samples, OURS), overheads(samples, PEER), overheads(samples, FLOOR));
        let ratios = ratios(&our_over, &peer_over);
        println!(
            "| {} | {bare:.2} | {floor:.2} | {ours:.2} | {peer:.2} | {:.2} | {:.2} | {:.2} | {} |",
            scenario.name,
            median(&floor_over),
            median(&our_over),
            median(&peer_over),
            with_middle_half(&ratios),
        );
    }
    println!("\nPeers: S1 tower-cookies 0.11 signed jar; S2–S4 tower-sessions 0.15 with its MemoryStore and");
    println!("its default, unsigned id cookie; S5 both. Bare: an axum handler that returns a constant, same");
    println!("request. Floor: the same handler behind axum's `Extension` layer, taking the value out: what any");
    println!("layer plus extractor costs. S4's stores keep every session of the run. The last two rows give");
    println!("tower-sessions a signed id cookie (`with_signed`), as ours always is.");

    let with_by_hand: Vec<_> =
        scenarios.iter().zip(&samples).filter(|(scenario, _)| scenario.by_hand.is_some()).collect();
    if !with_by_hand.is_empty() {
        println!("\nS4's work written into the handler by hand, with no layer (a signed id cookie, the id hashed");
        println!("into its key, each id from rand's generator, a table that keeps its visitors), beside ours and");
        println!("tower-sessions in the same rounds (overheads in µs; ratios with the middle half of the rounds'):\n");
        println!("| scenario | by hand | session-core | peer | by hand / peer | middle half | ours / by hand | middle half |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    }
    for (scenario, samples) in with_by_hand {
        let (our_over, peer_over, hand_over) =
            (overheads(samples, OURS), overheads(samples, PEER), overheads(samples, BY_HAND));
        let (hand_to_peer, ours_to_hand) = (ratios(&hand_over, &peer_over), ratios(&our_over, &hand_over));
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {} | {} |",
            scenario.name,
            median(&hand_over),
            median(&our_over),
            median(&peer_over),
            with_middle_half(&hand_to_peer),
            with_middle_half(&ours_to_hand),
        );
    }
}

fn record() -> Arc<Record> {
    let now = now_millis();
    Arc::new(Record {
        fields: HashMap::from([("user_id".to_owned(), b"7".to_vec()), ("counter".to_owned(), b"12345".to_vec())]),
        created_at: now,
        last_seen: now,
        expires_at: now + 86_400_000,
        owner: None,
    })
}

/// For each store and key set: the time of one load and of one save (ns) in each of 15 rounds of `ops`
/// operations on random keys of the set. The sets take turns within every round, so drift in the machine's
/// speed hits them alike and times of one round can be compared.
async fn store_rounds(sets: &[(&MemoryStore, &[StoreKey])], ops: usize) -> Vec<(Vec<f64>, Vec<f64>)> {
    let changes = [("counter", Some(b"12346".to_vec()))];
    let now = now_millis();
    let patch = Patch {
        changes: &changes,
        last_seen: now,
        expires_at: now + 86_400_000,
        owner: session_core::store::OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut pick = |keys: &[StoreKey]| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        keys[(state % keys.len() as u64) as usize]
    };
    let mut samples: Vec<(Vec<f64>, Vec<f64>)> = sets.iter().map(|_| Default::default()).collect();
    for _ in 0..15 {
        for ((store, keys), (loads, saves)) in sets.iter().zip(&mut samples) {
            let start = Instant::now();
            for _ in 0..ops {
                std::hint::black_box(store.load(&pick(keys)).await.expect("load").expect("a live session"));
            }
            loads.push(micros(start.elapsed()) * 1000.0 / ops as f64);
            let start = Instant::now();
            for _ in 0..ops {
                std::hint::black_box(store.save(&pick(keys), &patch).await.expect("save"));
            }
            saves.push(micros(start.elapsed()) * 1000.0 / ops as f64);
        }
    }
    samples
}

/// The median of `times` and the median of their ratios to `base`, round by round.
fn against(times: &[f64], base: &[f64]) -> (f64, f64) {
    let ratios: Vec<f64> = times.iter().zip(base).map(|(time, base)| time / base).collect();
    (median(times), median(&ratios))
}

/// A store key as stores see them: 32 bytes that look random (the SHA-256 of an id).
fn random_key() -> StoreKey {
    static STATE: AtomicU64 = AtomicU64::new(0x2545_F491_4F6C_DD1D);
    let mut bytes = [0; 32];
    for chunk in bytes.chunks_mut(8) {
        let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(x ^ (x >> 31)).to_le_bytes());
    }
    StoreKey::from_bytes(bytes)
}

/// A store of `sessions` records, their keys, and the heap bytes it took.
async fn filled(sessions: usize) -> (MemoryStore, Vec<StoreKey>, usize) {
    let keys: Vec<_> = (0..sessions).map(|_| random_key()).collect();
    // Bounds well above what the test fills, so no session is evicted and every key stays live.
    let store = MemoryStore::default()
        .with_max_sessions((sessions * 2).max(MemoryStore::DEFAULT_MAX_SESSIONS))
        .with_max_bytes((sessions * 2 * 1024).max(MemoryStore::DEFAULT_MAX_BYTES));
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    for key in &keys {
        assert!(store.create(key, &record()).await.expect("create"), "a fresh key");
    }
    let bytes = LIVE_BYTES.load(Ordering::Relaxed) - before;
    assert_eq!(store.len(), sessions);
    (store, keys, bytes)
}

async fn scale() {
    let sessions = env("BENCH_SESSIONS", 1_000_000) as usize;
    let ops = env("BENCH_STORE_OPS", 50_000) as usize;

    println!("\nMemoryStore, records of two small fields, median of 15 rounds of {ops} operations (ns), each a");
    println!("`SessionStore::load` or `save` as the layer calls it. Same 16: operations on the same 16 sessions,");
    println!("whatever else the store holds, so the count is all that changes. All: operations on sessions");
    println!("picked at random among all of them, so each one also waits on memory no cache holds. In brackets:");
    println!("against the store of 16, timed in the same rounds (the median of the rounds' ratios).\n");
    println!("| sessions | bytes per session | load, same 16 | save, same 16 | load, all | save, all |");
    println!("|---:|---:|---:|---:|---:|---:|");
    // The store of 16 is timed beside every other size, in the same rounds, and each ratio is the median
    // of the rounds' own: timed one after the other, the sizes would also measure the machine's drift.
    let (base, base_keys, base_bytes) = filled(16).await;
    store_rounds(&[(&base, &base_keys)], ops).await; // warms up the allocator and the caches
    for size in [16, 10_000, 100_000, sessions] {
        let filled_store = if size == 16 { None } else { Some(filled(size).await) };
        let (store, keys, bytes) =
            filled_store.as_ref().map_or((&base, &base_keys, base_bytes), |(s, k, b)| (s, k, *b));
        let rounds = store_rounds(&[(&base, &base_keys), (store, &keys[..16]), (store, keys)], ops).await;
        let ((base_loads, base_saves), (hot_loads, hot_saves), (loads, saves)) = (&rounds[0], &rounds[1], &rounds[2]);
        let cells = [(hot_loads, base_loads), (hot_saves, base_saves), (loads, base_loads), (saves, base_saves)].map(
            |(times, base)| {
                let (time, ratio) = against(times, base);
                format!("{time:.0} ({ratio:.2}x)")
            },
        );
        println!("| {size} | {} | {} |", bytes / size, cells.join(" | "));
    }
}

/// Mean time of `op` over `iters` calls, in ns, as the median of 15 rounds.
fn nanos_per_call(iters: u32, mut op: impl FnMut(u32) -> u64) -> f64 {
    let rounds: Vec<f64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            let mut sink = 0_u64;
            for i in 0..iters {
                sink ^= op(i);
            }
            std::hint::black_box(sink);
            start.elapsed().as_secs_f64() * 1e9 / f64::from(iters)
        })
        .collect();
    median(&rounds)
}

/// What a new visitor's work cannot do without, whoever writes it, timed on its own: the part of S4's
/// work by hand (and of ours) that no implementation keeping the same promises can shave off.
fn parts() {
    use sha2::{Digest, Sha256};

    println!("\nWhat a new visitor's work is made of, median of 15 rounds (ns per call):\n");
    println!("| what | ns |");
    println!("|---|---:|");
    let row = |what: &str, ns: f64| println!("| {what} | {ns:.1} |");

    // Ids come from rand's thread-local generator.
    let mut id = [0_u8; 16];
    row(
        "an id's 16 bytes from rand's thread-local generator",
        nanos_per_call(200_000, |_| {
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
            u64::from(id[0])
        }),
    );
    // The id's store key (SHA-256 of 16 bytes) and the id cookie's MAC (HMAC-SHA256 over `id=` and 22
    // characters, key schedule done once): the three compressions every session access pays.
    row("SHA-256 of an id (its store key)", nanos_per_call(200_000, |i| u64::from(Sha256::digest([i as u8; 16])[0])));
    let signer = id_signer();
    row(
        "HMAC-SHA256 of an id cookie",
        nanos_per_call(200_000, |i| u64::from(id_cookie_tag(&signer, &[b'A' + (i % 26) as u8; 22])[0])),
    );
    // The record's times: one reading of the wall clock, in ms.
    row("`now_millis` (the wall clock, in ms)", nanos_per_call(1_000_000, |_| now_millis()));
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(requests());
    if env("BENCH_PARTS", 1) != 0 {
        parts();
    }
    if env("BENCH_SCALE", 1) != 0 {
        runtime.block_on(scale());
    }
}
