//! Requests per second through each library's session layer and an axum router, store by store, in one
//! run: session-core's `RedisStore` beside tower-sessions with tower-sessions-redis-store, and its
//! `PostgresStore` and `SqliteStore` beside tower-sessions with tower-sessions-sqlx-store's.
//!
//! ```sh
//! cargo bench -p bench --bench stores                                      # 21 rounds of 0.5 s: about 3 minutes
//! BENCH_ROUNDS=3 cargo bench -p bench --bench stores                       # a quick look
//! BENCH_STORES=postgres BENCH_ROUNDS=1 cargo bench -p bench --bench stores # one store, to profile
//! ```
//!
//! The peers are tower-sessions 0.14 with tower-sessions-redis-store 0.16 and tower-sessions-sqlx-store
//! 0.15, the latest of each: both stores are built on tower-sessions-core 0.14, so neither can be paired
//! with tower-sessions 0.15 (whose core differs from 0.14 only in a bug fix of `insert`/`remove` return
//! values and a `rand` upgrade).
//!
//! Each server is private, started here as the tests start theirs, and a store whose server is not
//! installed is skipped with the reason printed. Redis: one `redis-server` on a free port of 127.0.0.1,
//! one multiplexed connection per library (the redis-rs `MultiplexedConnection` that `RedisStore` keeps,
//! fred's `Client`). PostgreSQL: one cluster on a unix socket, a table per library in one database.
//! SQLite: a file per library in one temporary directory. The peer's SQL pools are set up as ours are (as
//! many connections, the same wait for one, no ping before each use; for SQLite the same connection options
//! and write-ahead logging), so the rows compare the stores and not the pool settings.
//!
//! Requests go straight into each router (`tower::ServiceExt::oneshot`), no HTTP, from `BENCH_CLIENTS`
//! (default 16) concurrent tasks on a multi-thread runtime, each a returning visitor with a session of its
//! own (a counter and a user name), and each store first holds `BENCH_OTHERS` (default 10,000) sessions of
//! other visitors, as a server's store does. "read" reads the counter; "write" sets it to a value no request
//! has written before, so neither library can skip the write. Each round measures both workloads for both
//! libraries, `BENCH_SECONDS` (default 0.5) each, ours first in even rounds and the peer first in odd ones,
//! so drift hits both alike; the tables show medians over `BENCH_ROUNDS` (default 21) rounds, and the
//! ratio is the median of the rounds' own, beside the range the middle half of them fell in. Many short
//! rounds rather than a few long ones: on a machine that other work shares, the load changes within
//! seconds, and the two measurements a ratio compares should be as close in time as they can be.
//!
//! CPU time per request is read around each measurement: the server's (Redis by `INFO cpu`; the
//! PostgreSQL cluster's processes from `/proc`), for SQLite the threads sqlx runs its connections on
//! (SQLite runs in them, in this process), and this whole process's (clients, layer, client library).
//!
//! By default Redis and PostgreSQL share the machine's CPUs with this process. `BENCH_SERVER_CPU=own` gives
//! each server the last CPU to itself and this process the others (with `taskset`, for the server's section
//! only), as a server on a machine of its own would be: then a library's throughput is bounded by the CPU it
//! costs on the side where it costs most, and the two placements show which side that is.

use std::{
    path::Path,
    process::Command,
    str::FromStr,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, LazyLock,
    },
    time::{Duration, Instant},
};

use axum::{
    body::{Body, Bytes},
    routing::{get, post},
    Router,
};
use http::{header, HeaderValue, Method, Request, StatusCode};
use session_core::{Key, PostgresStore, RedisStore, SessionLayer, SessionSchema, SessionStore, SqliteStore};
use sqlx::{
    postgres::PgPoolOptions,
    sqlite::{SqliteJournalMode, SqlitePoolOptions},
    Connection, PgConnection,
};
use tests::{postgres_server::PostgresServer, redis_server::RedisServer, temp_dir::TempDir};
use tower::ServiceExt;
use tower_sessions::{Session, SessionManagerLayer};
use tower_sessions_redis_store::{fred::prelude::*, RedisStore as PeerRedisStore};
use tower_sessions_sqlx_store::{PostgresStore as PeerPostgresStore, SqliteStore as PeerSqliteStore};

#[derive(SessionSchema)]
struct Visit {
    #[session]
    counter: u64,
    #[session]
    user: String,
}

/// A value that differs on every request, so no write is skipped as unchanged.
static NEXT: AtomicU64 = AtomicU64::new(1);

fn next() -> u64 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

type Result<T> = std::result::Result<T, session_core::Error>;

fn ours<S: SessionStore>(store: S) -> Router {
    Router::new()
        .route(
            "/start",
            post(|s: VisitSession| async move {
                s.set_user("visitor@example.com".to_owned()).await?;
                s.set_counter(next()).await?;
                Result::Ok("ok")
            }),
        )
        .route("/read", get(|s: VisitSession| async move { Result::Ok(format!("{:?}", s.counter().await?)) }))
        .route(
            "/write",
            post(|s: VisitSession| async move {
                s.set_counter(next()).await?;
                Result::Ok("ok")
            }),
        )
        .layer(SessionLayer::new(store, Key::generate()).with_secure(false))
        // As serving it does: the layer wraps each route once, not on every request.
        .with_state(())
}

fn peer<S: tower_sessions::SessionStore + Clone>(store: S) -> Router {
    async fn start(session: Session) -> &'static str {
        session.insert("user", "visitor@example.com").await.expect("tower-sessions write");
        session.insert("counter", next()).await.expect("tower-sessions write");
        "ok"
    }
    async fn read(session: Session) -> String {
        let counter: Option<u64> = session.get("counter").await.expect("tower-sessions read");
        format!("{counter:?}")
    }
    async fn write(session: Session) -> &'static str {
        session.insert("counter", next()).await.expect("tower-sessions write");
        "ok"
    }
    Router::new()
        .route("/start", post(start))
        .route("/read", get(read))
        .route("/write", post(write))
        .layer(SessionManagerLayer::new(store).with_secure(false))
        .with_state(())
}

#[derive(Clone, Copy, Debug)]
enum Workload {
    Read,
    Write,
}

const WORKLOADS: [Workload; 2] = [Workload::Read, Workload::Write];

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Read => "read",
            Workload::Write => "write",
        }
    }

    fn request(self, cookie: &HeaderValue) -> Request<Body> {
        let (method, path) = match self {
            Workload::Read => (Method::GET, "/read"),
            Workload::Write => (Method::POST, "/write"),
        };
        let request = Request::builder().method(method).uri(path).header(header::COOKIE, cookie.clone());
        request.body(Body::empty()).expect("a valid request")
    }

    /// A read answers `Some(n)`: a visitor whose session was not found would read `None`.
    fn answered(self, body: &[u8]) -> bool {
        match self {
            Workload::Read => body.starts_with(b"Some("),
            Workload::Write => body == b"ok",
        }
    }
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Bytes) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    (status, axum::body::to_bytes(response.into_body(), 1024).await.expect("a short body"))
}

/// One library on one store: its router, and each client's `Cookie` header, naming a session of its own.
struct Contender {
    app: Router,
    cookies: Vec<HeaderValue>,
}

impl Contender {
    /// Starts a session for each of `settings.clients` visitors, and `settings.others` sessions of other
    /// visitors who do not come back during the run, so that the store holds as many as a server's does.
    async fn start(app: Router, settings: &Settings) -> Self {
        let mut cookies = Vec::with_capacity(settings.clients);
        for _ in 0..settings.clients {
            cookies.push(start_session(&app).await);
        }
        let mut starters = tokio::task::JoinSet::new();
        for starter in 0..settings.clients {
            let share = settings.others / settings.clients + usize::from(starter < settings.others % settings.clients);
            let app = app.clone();
            starters.spawn(async move {
                for _ in 0..share {
                    start_session(&app).await;
                }
            });
        }
        while let Some(starter) = starters.join_next().await {
            starter.expect("a session could not be started");
        }
        Contender { app, cookies }
    }

    /// Requests answered by one task per client, each sending `workload`'s request after the last until
    /// `duration` has passed.
    async fn run(&self, workload: Workload, duration: Duration) -> u64 {
        let done = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients = tokio::task::JoinSet::new();
        for cookie in &self.cookies {
            let (app, cookie, done, stop) = (self.app.clone(), cookie.clone(), done.clone(), stop.clone());
            clients.spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let (status, body) = send(&app, workload.request(&cookie)).await;
                    assert!(
                        status == StatusCode::OK && workload.answered(&body),
                        "{}: {status} {body:?}",
                        workload.name()
                    );
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        tokio::time::sleep(duration).await;
        stop.store(true, Ordering::Relaxed);
        while let Some(client) = clients.join_next().await {
            client.expect("a client failed");
        }
        done.load(Ordering::Relaxed)
    }

    /// Panics unless every client's session is still there with a counter of at least `since`: after
    /// writes, one written during them, so they went to the visitors' own sessions and not to new ones.
    async fn check(&self, since: u64) {
        for cookie in &self.cookies {
            let (status, body) = send(&self.app, Workload::Read.request(cookie)).await;
            let counter = std::str::from_utf8(&body)
                .ok()
                .and_then(|body| body.strip_prefix("Some(")?.strip_suffix(')')?.parse::<u64>().ok());
            assert!(
                status == StatusCode::OK && counter.is_some_and(|counter| counter >= since),
                "a session was lost or not written: {status} {body:?}"
            );
        }
    }
}

/// A new visitor's first request: the cookie that names its session.
async fn start_session(app: &Router) -> HeaderValue {
    let start = Request::post("/start").body(Body::empty()).expect("a valid request");
    let response = app.clone().oneshot(start).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = response.headers().get(header::SET_COOKIE).expect("a session cookie");
    let pair = set_cookie.to_str().expect("ASCII").split(';').next().expect("name=value");
    HeaderValue::from_str(pair).expect("a valid Cookie header")
}

/// Where CPU time is read, before and after each measurement.
enum Meter {
    /// The Redis server, by its own count (`INFO cpu`).
    Redis(redis::aio::MultiplexedConnection),
    /// A PostgreSQL cluster: its postmaster, every process it started, and those that ended.
    Postgres { postmaster: u32 },
    /// The threads sqlx runs SQLite connections on, which run SQLite itself.
    SqliteThreads,
    /// This whole process: the clients, the layer and the client library.
    Process,
}

impl Meter {
    fn label(&self) -> &'static str {
        match self {
            Meter::Redis(_) => "redis-server",
            Meter::Postgres { .. } => "PostgreSQL",
            Meter::SqliteThreads => "SQLite threads",
            Meter::Process => "this process",
        }
    }

    /// CPU time used so far, or `None` where it cannot be read.
    async fn read(&mut self) -> Option<Duration> {
        match self {
            Meter::Redis(redis) => {
                let info: String = redis::cmd("INFO").arg("cpu").query_async(redis).await.ok()?;
                let seconds = ["used_cpu_user", "used_cpu_sys"]
                    .into_iter()
                    .map(|name| info_field(&info, name)?.parse::<f64>().ok())
                    .sum::<Option<f64>>()?;
                Some(Duration::from_secs_f64(seconds))
            }
            Meter::Postgres { postmaster } => postgres_cpu(*postmaster),
            Meter::SqliteThreads => sqlite_threads_cpu(),
            Meter::Process => Some(ticks(ProcStat::read(Path::new("/proc/self/stat"))?.cpu)),
        }
    }
}

/// The value of `name` in an `INFO` reply.
fn info_field<'a>(info: &'a str, name: &str) -> Option<&'a str> {
    info.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(':')).map(str::trim)
}

/// What `/proc/<pid>/stat` (or a thread's, under `task/`) says of CPU time, in clock ticks.
struct ProcStat {
    parent: u32,
    /// User and system time of the process or thread itself.
    cpu: u64,
    /// User and system time of the children it has waited for: where the time of a process that ended goes.
    children: u64,
}

impl ProcStat {
    fn read(path: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(path).ok()?;
        // The command name comes in parentheses and may hold spaces: fields are counted after it, from the
        // state (the third field of proc(5)).
        let fields: Vec<&str> = text.rsplit_once(") ")?.1.split_whitespace().collect();
        let field = |number: usize| fields.get(number - 3)?.parse::<u64>().ok();
        Some(ProcStat {
            parent: u32::try_from(field(4)?).ok()?,
            cpu: field(14)? + field(15)?,
            children: field(16)? + field(17)?,
        })
    }
}

/// Clock ticks as a duration, at the kernel's tick rate.
fn ticks(count: u64) -> Duration {
    static PER_SECOND: LazyLock<f64> = LazyLock::new(|| {
        let output = Command::new("getconf").arg("CLK_TCK").output().ok();
        let rate = output.and_then(|output| String::from_utf8(output.stdout).ok()?.trim().parse().ok());
        rate.unwrap_or(100.0)
    });
    Duration::from_secs_f64(count as f64 / *PER_SECOND)
}

/// The CPU time of the cluster whose postmaster is `postmaster`: every PostgreSQL process is its child.
fn postgres_cpu(postmaster: u32) -> Option<Duration> {
    let own = ProcStat::read(&Path::new("/proc").join(postmaster.to_string()).join("stat"))?;
    // A process that ended since `/proc` was listed is left out: its time is in `own.children` next time.
    let running: u64 = children(postmaster).map(|(_, child)| child.cpu).sum();
    Some(ticks(own.cpu + own.children + running))
}

/// The running processes whose parent is `parent`, with what their `stat` says.
fn children(parent: u32) -> impl Iterator<Item = (u32, ProcStat)> {
    let entries = std::fs::read_dir("/proc").into_iter().flatten().flatten();
    entries.filter_map(move |entry| {
        let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
        Some((pid, ProcStat::read(&entry.path().join("stat")).filter(|process| process.parent == parent)?))
    })
}

/// Which CPUs a server runs on, beside this process (`BENCH_SERVER_CPU`).
#[derive(Clone, Copy, PartialEq)]
enum Placement {
    /// Wherever the kernel puts it, on the CPUs this process uses too.
    Shared,
    /// The last CPU to itself, this process on the others.
    Own,
}

impl Placement {
    fn describe(self, cpus: usize) -> String {
        match self {
            Placement::Own if cpus >= 2 => {
                format!("Redis and PostgreSQL alone on CPU {}, this process on CPUs 0-{}", cpus - 1, cpus - 2)
            }
            Placement::Own => "one CPU only: Redis and PostgreSQL share it with this process".to_owned(),
            Placement::Shared => "Redis and PostgreSQL share the CPUs with this process".to_owned(),
        }
    }

    /// Moves the server's processes `server` (all their threads) to the last CPU and this process to the
    /// others, until the returned guard is dropped; does nothing for `Shared` or on a machine of one CPU,
    /// and says so when the server's processes are not known.
    fn apply(self, server: &[u32]) -> Option<OwnCpu> {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        if self == Placement::Shared || cpus < 2 {
            return None;
        }
        if server.is_empty() {
            println!("\n(The server's processes are not known here: it shares the CPUs with this process.)");
            return None;
        }
        for pid in server {
            pin(*pid, &(cpus - 1).to_string());
        }
        pin(std::process::id(), &format!("0-{}", cpus - 2));
        Some(OwnCpu { cpus })
    }
}

/// This process kept off the CPU a server has to itself; dropped, it may use every CPU again.
struct OwnCpu {
    cpus: usize,
}

impl Drop for OwnCpu {
    fn drop(&mut self) {
        pin(std::process::id(), &format!("0-{}", self.cpus - 1));
    }
}

/// Runs every thread of process `pid` on the CPUs `list` (`taskset`'s syntax).
fn pin(pid: u32, list: &str) {
    let status = Command::new("taskset")
        .args(["--all-tasks", "--pid", "--cpu-list", list, &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("`taskset` (util-linux) runs, for BENCH_SERVER_CPU=own");
    assert!(status.success(), "taskset could not move process {pid} to CPUs {list}");
}

/// The CPU time of this process's threads that sqlx named for SQLite connections.
fn sqlite_threads_cpu() -> Option<Duration> {
    let mut total = 0;
    for thread in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        // Thread names are cut to 15 bytes: `sqlx-sqlite-worker-N` reads `sqlx-sqlite-wor`.
        let name = std::fs::read_to_string(thread.path().join("comm")).unwrap_or_default();
        if name.starts_with("sqlx-sqlite") {
            total += ProcStat::read(&thread.path().join("stat")).map_or(0, |thread| thread.cpu);
        }
    }
    Some(ticks(total))
}

/// One measurement: requests per second, and CPU time per request by each meter.
struct Sample {
    per_second: f64,
    cpu_per_request: Vec<Option<Duration>>,
}

async fn measure(contender: &Contender, workload: Workload, duration: Duration, meters: &mut [Meter]) -> Sample {
    let written_from = NEXT.load(Ordering::Relaxed);
    let mut before = Vec::with_capacity(meters.len());
    for meter in meters.iter_mut() {
        before.push(meter.read().await);
    }
    let started = Instant::now();
    let requests = contender.run(workload, duration).await;
    let elapsed = started.elapsed();
    let mut cpu_per_request = Vec::with_capacity(meters.len());
    for (meter, before) in meters.iter_mut().zip(before) {
        let used = meter.read().await.zip(before).map(|(after, before)| after.saturating_sub(before));
        cpu_per_request.push(used.map(|used| used.div_f64(requests.max(1) as f64)));
    }
    contender.check(if matches!(workload, Workload::Write) { written_from } else { 0 }).await;
    Sample { per_second: requests as f64 / elapsed.as_secs_f64(), cpu_per_request }
}

/// One store's comparison.
struct Pair {
    /// The table's heading: the store, its server's version, the peer.
    title: String,
    ours: Contender,
    peer: Contender,
    meters: Vec<Meter>,
}

const OURS: usize = 0;
const PEER: usize = 1;

impl Pair {
    async fn compare(mut self, settings: &Settings) {
        let contenders = [&self.ours, &self.peer];
        // Fills the pools, prepares the statements and loads the scripts before anything is timed.
        for workload in WORKLOADS {
            for contender in contenders {
                contender.run(workload, settings.warm_up).await;
            }
        }
        let mut samples: [[Vec<Sample>; 2]; WORKLOADS.len()] = Default::default();
        for round in 0..settings.rounds {
            for (workload, samples) in WORKLOADS.into_iter().zip(&mut samples) {
                // Every other round the peer goes first, so neither always runs on a warmer machine.
                let order = if round % 2 == 0 { [OURS, PEER] } else { [PEER, OURS] };
                for contender in order {
                    let sample = measure(contenders[contender], workload, settings.duration, &mut self.meters).await;
                    samples[contender].push(sample);
                }
            }
        }
        self.print(&samples);
    }

    fn print(&self, samples: &[[Vec<Sample>; 2]; WORKLOADS.len()]) {
        println!("\n### {}\n", self.title);
        let mut head = "| workload | session-core (rq/s) | peer (rq/s) | ours / peer | middle half |".to_owned();
        let mut rule = "|---|---:|---:|---:|---:|".to_owned();
        for meter in &self.meters {
            head += &format!(" {0}, ours (µs/rq) | {0}, peer (µs/rq) |", meter.label());
            rule += "---:|---:|";
        }
        println!("{head}\n{rule}");
        for (workload, [ours, peer]) in WORKLOADS.into_iter().zip(samples) {
            let rates = |samples: &[Sample]| samples.iter().map(|sample| sample.per_second).collect::<Vec<_>>();
            let (our_rates, peer_rates) = (rates(ours), rates(peer));
            let ratios: Vec<f64> = our_rates.iter().zip(&peer_rates).map(|(ours, peer)| ours / peer).collect();
            let mut row = format!(
                "| {} | {:.0} | {:.0} | {:.2} | {:.2}-{:.2} |",
                workload.name(),
                median(&our_rates),
                median(&peer_rates),
                median(&ratios),
                quantile(&ratios, 0.25),
                quantile(&ratios, 0.75),
            );
            for meter in 0..self.meters.len() {
                for samples in [ours, peer] {
                    let cpu: Option<Vec<f64>> =
                        samples.iter().map(|sample| Some(micros(sample.cpu_per_request[meter]?))).collect();
                    row += &cpu.map_or(" n/a |".to_owned(), |cpu| format!(" {:.1} |", median(&cpu)));
                }
            }
            println!("{row}");
        }
    }
}

fn median(samples: &[f64]) -> f64 {
    quantile(samples, 0.5)
}

/// The sample a fraction `q` of the way up the sorted samples (0.5: the median).
fn quantile(samples: &[f64], q: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

struct Settings {
    duration: Duration,
    warm_up: Duration,
    rounds: usize,
    clients: usize,
    others: usize,
    stores: String,
    placement: Placement,
}

impl Settings {
    fn from_env() -> Self {
        fn setting<T: FromStr>(name: &str, default: T) -> T {
            std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
        }
        let duration = Duration::from_secs_f64(setting("BENCH_SECONDS", 0.5_f64).max(0.01));
        Settings {
            duration,
            warm_up: (duration / 4).max(Duration::from_millis(500)),
            rounds: setting("BENCH_ROUNDS", 21_usize).max(1),
            clients: setting("BENCH_CLIENTS", 16_usize).max(1),
            others: setting("BENCH_OTHERS", 10_000_usize),
            stores: setting("BENCH_STORES", "redis,postgres,sqlite".to_owned()),
            placement: match std::env::var("BENCH_SERVER_CPU").as_deref() {
                Ok("own") => Placement::Own,
                Ok("shared") | Err(_) => Placement::Shared,
                Ok(other) => panic!("BENCH_SERVER_CPU={other}: expected `own` or `shared`"),
            },
        }
    }

    fn runs(&self, store: &str) -> bool {
        self.stores.split(',').any(|name| name.trim() == store)
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let settings = Settings::from_env();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "{} concurrent clients on a tokio runtime of {threads} worker threads, {} other sessions in each store; \
         {} round(s) of {:?} per workload and library, after {:?} each to warm up. Medians over the rounds; CPU \
         time per request in µs. {}.",
        settings.clients,
        settings.others,
        settings.rounds,
        settings.duration,
        settings.warm_up,
        settings.placement.describe(threads)
    );
    println!("Peers: tower-sessions 0.14 with tower-sessions-redis-store 0.16 and tower-sessions-sqlx-store 0.15.");
    if settings.runs("redis") {
        redis(&settings).await;
    }
    if settings.runs("postgres") {
        postgres(&settings).await;
    }
    if settings.runs("sqlite") {
        sqlite(&settings).await;
    }
}

async fn redis(settings: &Settings) {
    let Some(server) = RedisServer::start_with_tcp() else {
        println!("\n### Redis: skipped, `redis-server` is not installed");
        return;
    };
    let url = server.tcp_url().expect("a TCP port");
    let our_store = RedisStore::connect(&url).await.expect("RedisStore connects");
    let client = Client::new(Config::from_url(&url).expect("a fred config"), None, None, None);
    client.init().await.expect("fred connects");
    let mut redis = redis::Client::open(url.as_str()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let info: String = redis::cmd("INFO").arg("server").query_async(&mut redis).await.expect("INFO server");
    let version = info_field(&info, "redis_version").unwrap_or("(version unknown)").to_owned();
    let server: Vec<u32> = info_field(&info, "process_id").and_then(|pid| pid.parse().ok()).into_iter().collect();
    let _placement = settings.placement.apply(&server);
    Pair {
        title: format!("Redis {version}: `RedisStore` beside tower-sessions-redis-store"),
        ours: Contender::start(ours(our_store), settings).await,
        peer: Contender::start(peer(PeerRedisStore::new(client)), settings).await,
        meters: vec![Meter::Redis(redis), Meter::Process],
    }
    .compare(settings)
    .await;
}

async fn postgres(settings: &Settings) {
    let Some(server) = PostgresServer::start() else {
        println!("\n### PostgreSQL: skipped, PostgreSQL is not installed");
        return;
    };
    let url = server.url();
    let our_store = PostgresStore::connect(&url).await.expect("PostgresStore connects");
    let ours_pool = our_store.pool().options();
    let pool = PgPoolOptions::new()
        .max_connections(ours_pool.get_max_connections())
        .acquire_timeout(ours_pool.get_acquire_timeout())
        .test_before_acquire(ours_pool.get_test_before_acquire())
        .min_connections(ours_pool.get_min_connections())
        .idle_timeout(ours_pool.get_idle_timeout())
        .max_lifetime(ours_pool.get_max_lifetime())
        // The same connection settings too (`statement_timeout`, which `connect` sets).
        .connect_with((*our_store.pool().connect_options()).clone())
        .await
        .expect("the peer's pool connects");
    let peer_store = PeerPostgresStore::new(pool);
    peer_store.migrate().await.expect("the peer's table");

    // Every process of the cluster is a child of its postmaster, whose id is a backend's parent.
    let mut connection = PgConnection::connect(&url).await.expect("connects");
    let backend: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut connection).await.expect("a pid");
    let version: String =
        sqlx::query_scalar("SHOW server_version").fetch_one(&mut connection).await.expect("a version");
    connection.close().await.expect("closes");
    let backend = Path::new("/proc").join(backend.to_string()).join("stat");
    let postmaster = ProcStat::read(&backend).map(|backend| backend.parent);
    if postmaster.is_none() {
        println!("\n(PostgreSQL's processes cannot be read from /proc here: no server CPU column.)");
    }
    // Backends started later are forked by the postmaster, and keep the CPUs it has.
    let cluster: Vec<u32> = postmaster
        .into_iter()
        .flat_map(|postmaster| children(postmaster).map(|(pid, _)| pid).chain([postmaster]))
        .collect();
    let _placement = settings.placement.apply(&cluster);
    Pair {
        title: format!("PostgreSQL {version}: `PostgresStore` beside tower-sessions-sqlx-store's"),
        ours: Contender::start(ours(our_store), settings).await,
        peer: Contender::start(peer(peer_store), settings).await,
        meters: postmaster
            .map(|postmaster| Meter::Postgres { postmaster })
            .into_iter()
            .chain([Meter::Process])
            .collect(),
    }
    .compare(settings)
    .await;
    print_hot_updates(&url).await;
}

/// How many of each table's updates were HOT (the new row version on the same page, no index written),
/// by PostgreSQL's own count: an update that changes an indexed column never is.
async fn print_hot_updates(url: &str) {
    // Backends report their counts to the statistics within about a second of going idle.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut connection = PgConnection::connect(url).await.expect("connects");
    let tables: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT schemaname || '.' || relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables ORDER BY 1",
    )
    .fetch_all(&mut connection)
    .await
    .expect("pg_stat_user_tables answers");
    for (table, updates, hot) in tables {
        let share = if updates > 0 { 100.0 * hot as f64 / updates as f64 } else { 0.0 };
        println!("\n`{table}`: {updates} rows updated, {share:.1}% of them HOT.");
    }
}

async fn sqlite(settings: &Settings) {
    let dir = TempDir::new("bench-sqlite");
    let our_store = SqliteStore::connect(&dir.sqlite_url("ours.db", "mode=rwc")).await.expect("SqliteStore opens");
    let ours_pool = our_store.pool().options();
    // Ours' own connection options on another file, in the write-ahead logging ours switches its file to.
    let options = our_store
        .pool()
        .connect_options()
        .as_ref()
        .clone()
        .filename(dir.path().join("peer.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    let pool = SqlitePoolOptions::new()
        .max_connections(ours_pool.get_max_connections())
        .acquire_timeout(ours_pool.get_acquire_timeout())
        .test_before_acquire(ours_pool.get_test_before_acquire())
        .min_connections(ours_pool.get_min_connections())
        .idle_timeout(ours_pool.get_idle_timeout())
        .max_lifetime(ours_pool.get_max_lifetime())
        .connect_with(options)
        .await
        .expect("the peer's pool opens");
    let peer_store = PeerSqliteStore::new(pool);
    peer_store.migrate().await.expect("the peer's table");
    let version: String =
        sqlx::query_scalar("SELECT sqlite_version()").fetch_one(our_store.pool()).await.expect("a version");
    Pair {
        title: format!("SQLite {version}: `SqliteStore` beside tower-sessions-sqlx-store's"),
        ours: Contender::start(ours(our_store), settings).await,
        peer: Contender::start(peer(peer_store), settings).await,
        meters: vec![Meter::SqliteThreads, Meter::Process],
    }
    .compare(settings)
    .await;
}
