//! Requests per second through a session layer and an axum router against a local Redis: session-core's
//! `RedisStore` beside tower-sessions with its Redis store, in the same run, on the same server.
//!
//! ```sh
//! cargo bench -p bench                                  # 3 rounds of 3 s per workload and library
//! BENCH_SECONDS=1 BENCH_ROUNDS=1 cargo bench -p bench   # a quick look
//! ```
//!
//! The comparison is tower-sessions 0.14 with tower-sessions-redis-store 0.16: that store, the latest, is
//! built on tower-sessions-core 0.14, so it cannot be paired with tower-sessions 0.15 (whose core differs
//! from 0.14 only in a bug fix of `insert`/`remove` return values and a `rand` upgrade).
//!
//! Both talk to one `redis-server` (started here, on a free port of 127.0.0.1) over one multiplexed
//! connection each (redis-rs' `ConnectionManager`, fred's `Client`). Requests go straight into the router
//! (`tower::ServiceExt::oneshot`), no HTTP, from `BENCH_CLIENTS` (default 32) concurrent visitors, each
//! with a session of its own holding a counter and a user name. "read" reads both fields; "write" reads
//! the counter and stores it plus one.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    routing::{get, post},
    Router,
};
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use session_core::{store::RedisStore, Key, SessionLayer, SessionSchema};
use tests::redis_server::RedisServer;
use tower::ServiceExt;
use tower_sessions::{Session, SessionManagerLayer};
use tower_sessions_redis_store::{fred::prelude::*, RedisStore as TowerRedisStore};

#[derive(SessionSchema)]
struct Visit {
    #[session]
    visits: u64,
    #[session]
    user: String,
}

type Result<T> = std::result::Result<T, session_core::Error>;

fn session_core_app(store: RedisStore) -> Router {
    Router::new()
        .route(
            "/read",
            get(|s: VisitSession| async move { Result::Ok(format!("{:?} {:?}", s.visits().await?, s.user().await?)) }),
        )
        .route(
            "/write",
            post(|s: VisitSession| async move {
                let visits = s.visits().await?.unwrap_or(0);
                s.set_visits(visits + 1).await?;
                if visits == 0 {
                    s.set_user("visitor@example.com".to_owned()).await?;
                }
                Result::Ok(format!("{}", visits + 1))
            }),
        )
        .layer(SessionLayer::new(store, Key::generate()).with_secure(false))
}

fn tower_sessions_app(store: TowerRedisStore<Client>) -> Router {
    async fn read(session: Session) -> String {
        let visits: Option<u64> = session.get("visits").await.expect("tower-sessions read");
        let user: Option<String> = session.get("user").await.expect("tower-sessions read");
        format!("{visits:?} {user:?}")
    }
    async fn write(session: Session) -> String {
        let visits: u64 = session.get("visits").await.expect("tower-sessions read").unwrap_or(0);
        session.insert("visits", visits + 1).await.expect("tower-sessions write");
        if visits == 0 {
            session.insert("user", "visitor@example.com").await.expect("tower-sessions write");
        }
        format!("{}", visits + 1)
    }
    Router::new()
        .route("/read", get(read))
        .route("/write", post(write))
        .layer(SessionManagerLayer::new(store).with_secure(false).with_name("id"))
}

/// Starts a session per client and returns each one's `Cookie` header.
async fn sessions(app: &Router, clients: usize) -> Vec<String> {
    let mut cookies = Vec::with_capacity(clients);
    for _ in 0..clients {
        let response = app.clone().oneshot(Request::post("/write").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let set_cookie = response.headers().get(header::SET_COOKIE).expect("a session cookie").to_str().unwrap();
        cookies.push(set_cookie.split(';').next().unwrap().to_owned());
    }
    cookies
}

/// What one measurement saw: requests per second, and the Redis server's CPU time per request.
struct Rate {
    per_second: f64,
    server_cpu_per_request: Duration,
}

/// The CPU time the Redis server has used so far (`INFO cpu`).
async fn server_cpu(redis: &mut redis::aio::MultiplexedConnection) -> Duration {
    let info: String = redis::cmd("INFO").arg("cpu").query_async(redis).await.expect("INFO cpu");
    let seconds = info
        .lines()
        .filter_map(|line| line.strip_prefix("used_cpu_user:").or_else(|| line.strip_prefix("used_cpu_sys:")))
        .map(|value| value.trim().parse::<f64>().expect("a CPU time"))
        .sum();
    Duration::from_secs_f64(seconds)
}

/// Requests per second of `method path` from one task per cookie, for `duration`.
async fn measure(
    app: &Router,
    mut redis: redis::aio::MultiplexedConnection,
    cookies: &[String],
    method: &str,
    path: &str,
    duration: Duration,
) -> Rate {
    let cpu_before = server_cpu(&mut redis).await;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for cookie in cookies {
        let (app, cookie, done, stop) = (app.clone(), cookie.clone(), done.clone(), stop.clone());
        let (method, path) = (method.to_owned(), path.to_owned());
        clients.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let request = Request::builder()
                    .method(method.as_str())
                    .uri(path.as_str())
                    .header(header::COOKIE, cookie.as_str())
                    .body(Body::empty())
                    .unwrap();
                let response = app.clone().oneshot(request).await.unwrap();
                let status = response.status();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                assert_eq!(status, StatusCode::OK, "{method} {path}: {body:?}");
                assert!(response_is_a_session(&body), "{method} {path} lost the session: {body:?}");
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    while let Some(client) = clients.join_next().await {
        client.unwrap();
    }
    let requests = done.load(Ordering::Relaxed);
    let server_cpu_per_request = (server_cpu(&mut redis).await - cpu_before) / u32::try_from(requests.max(1)).unwrap();
    Rate { per_second: requests as f64 / started.elapsed().as_secs_f64(), server_cpu_per_request }
}

/// A read answers `Some(n) Some("user")`, a write a count above 1: never a fresh session.
fn response_is_a_session(body: &[u8]) -> bool {
    let body = String::from_utf8_lossy(body);
    body.starts_with("Some(") || body.parse::<u64>().is_ok_and(|visits| visits > 1)
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn median(mut rates: Vec<Rate>) -> Rate {
    rates.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    rates.swap_remove(rates.len() / 2)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let Some(server) = RedisServer::start_with_tcp() else { return };
    let url = server.tcp_url().expect("a TCP port");
    let duration = Duration::from_secs(setting("BENCH_SECONDS", 3));
    let rounds = setting("BENCH_ROUNDS", 3);
    let clients = usize::try_from(setting("BENCH_CLIENTS", 32)).unwrap();

    let ours = session_core_app(RedisStore::connect(&url).await.expect("RedisStore connects"));
    let client = Client::new(Config::from_url(&url).expect("a fred config"), None, None, None);
    client.init().await.expect("fred connects");
    let theirs = tower_sessions_app(TowerRedisStore::new(client));

    let redis = redis::Client::open(url.as_str()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let our_cookies = sessions(&ours, clients).await;
    let their_cookies = sessions(&theirs, clients).await;
    println!(
        "redis-server on {url}; {clients} concurrent clients, {rounds} round(s) of {duration:?} per workload, \
         median shown (with the Redis server's CPU time per request)"
    );
    println!("{:<8} {:>28} {:>28} {:>8}", "workload", "session-core", "tower-sessions 0.14", "ratio");
    for (workload, method) in [("read", "GET"), ("write", "POST")] {
        let path = format!("/{workload}");
        let (mut our_rates, mut their_rates) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            // Alternate which goes first, so neither always runs on a warmer machine.
            let ours = measure(&ours, redis.clone(), &our_cookies, method, &path, duration);
            if round % 2 == 0 {
                our_rates.push(ours.await);
                their_rates.push(measure(&theirs, redis.clone(), &their_cookies, method, &path, duration).await);
            } else {
                their_rates.push(measure(&theirs, redis.clone(), &their_cookies, method, &path, duration).await);
                our_rates.push(ours.await);
            }
        }
        let (our_rate, their_rate) = (median(our_rates), median(their_rates));
        println!(
            "{workload:<8} {:>12.0} rq/s ({:>5.1} µs) {:>12.0} rq/s ({:>5.1} µs) {:>7.2}x",
            our_rate.per_second,
            our_rate.server_cpu_per_request.as_secs_f64() * 1e6,
            their_rate.per_second,
            their_rate.server_cpu_per_request.as_secs_f64() * 1e6,
            our_rate.per_second / their_rate.per_second
        );
    }
}
