//! The `shop` binary as its users start it: a child process configured by its environment, on a free
//! port, spoken to over HTTP by a client that keeps the cookies it is sent. SQLite is embedded, so none of
//! these tests needs a server.

use std::{
    cell::Cell,
    collections::BTreeMap,
    fs,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use axum::body::Body;
use cookie::Cookie;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use hyper_util::{
    client::legacy::{connect::HttpConnector, Client},
    rt::TokioExecutor,
};

/// How long the shop may take to listen, or to exit when it refuses to start.
const START_TIMEOUT: Duration = Duration::from_secs(60);

const SIGNED_IN: &str = "<p>Signed in as <strong>alice</strong> (roles: customer).</p>";
const SIGNED_OUT: &str = "<p>Not signed in.</p>";

#[tokio::test]
async fn sqlite_sessions_survive_a_restart_under_the_key_kept_beside_the_database() {
    let dir = TempDir::new("sqlite-restart");
    let store = format!("sqlite://{}?mode=rwc", dir.path().join("sessions.db").display());
    let key_file = dir.path().join("sessions.db.key");
    let env = [("SESSION_STORE", store.as_str())];

    let shop = Shop::start(&env, &dir);
    let mut visitor = Visitor::default();
    assert!(visitor.get(&shop, "/").await.contains(SIGNED_OUT));
    visitor.sign_in(&shop, "alice").await;
    assert!(visitor.get(&shop, "/").await.contains(SIGNED_IN));
    let log = shop.stop();
    assert!(log.contains("sessions in SQLite"), "{log}");
    assert!(log.contains("session key made and kept in a new file"), "{log}");
    assert!(log.contains(&key_file.display().to_string()), "the log names the key file: {log}");
    let secret = fs::read_to_string(&key_file).expect("the key file is beside the database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "only its owner reads the key file: {mode:o}");
    }

    // The same database and the same cookies, the id cookie among them, whatever it is called.
    let cookies = visitor.jar.clone();
    let shop = Shop::start(&env, &dir);
    let page = visitor.get(&shop, "/").await;
    assert!(page.contains(SIGNED_IN), "the session outlived the process: {page}");
    assert_eq!(visitor.jar, cookies, "by the same id cookie: none was replaced");
    let log = shop.stop();
    assert!(log.contains("session key read from its file"), "{log}");
    assert_eq!(fs::read_to_string(&key_file).unwrap(), secret, "a restart reads the key, never remakes it");

    // The key file is what kept them: without it the next start signs everyone out.
    fs::remove_file(&key_file).unwrap();
    let shop = Shop::start(&env, &dir);
    let page = visitor.get(&shop, "/").await;
    assert!(page.contains(SIGNED_OUT), "cookies signed under the old key name no session: {page}");
    shop.stop();
    assert_ne!(fs::read_to_string(&key_file).unwrap(), secret, "a new key was made");
}

#[tokio::test]
async fn a_configured_key_keeps_sqlite_sessions_without_a_key_file() {
    let dir = TempDir::new("sqlite-configured-key");
    let store = format!("sqlite://{}?mode=rwc", dir.path().join("sessions.db").display());
    let env = [("SESSION_STORE", store.as_str()), ("SESSION_KEY", "a master secret of at least 32 bytes, for tests")];

    let shop = Shop::start(&env, &dir);
    let mut visitor = Visitor::default();
    visitor.sign_in(&shop, "alice").await;
    shop.stop();
    let shop = Shop::start(&env, &dir);
    let page = visitor.get(&shop, "/").await;
    assert!(page.contains(SIGNED_IN), "{page}");
    let log = shop.stop();
    assert!(!log.contains("session key"), "{log}");
    assert!(!dir.path().join("sessions.db.key").exists(), "SESSION_KEY leaves no key file");
}

/// What `cargo run -p examples --bin shop` does: no store and no key configured.
#[tokio::test]
async fn with_no_setup_the_shop_keeps_sessions_in_memory() {
    let dir = TempDir::new("memory");
    let shop = Shop::start(&[], &dir);
    let mut visitor = Visitor::default();
    assert!(visitor.get(&shop, "/").await.contains(SIGNED_OUT));
    visitor.sign_in(&shop, "alice").await;
    assert!(visitor.get(&shop, "/").await.contains(SIGNED_IN));
    let log = shop.stop();
    assert!(log.contains("sessions in memory"), "{log}");

    let shop = Shop::start(&[("SESSION_STORE", "memory")], &dir);
    assert!(visitor.get(&shop, "/").await.contains(SIGNED_OUT), "memory sessions end with the process");
    shop.stop();
    let mut written: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    written.sort();
    assert_eq!(written, ["shop-0.log", "shop-1.log"], "no key file, no database: nothing but the logs");
}

#[test]
fn an_unknown_store_is_refused_with_the_accepted_forms() {
    let dir = TempDir::new("unknown-store");
    let (status, log) = Shop::refused(&[("SESSION_STORE", "mysql://shop:hunter2@db.example/shop")], &dir);
    assert!(!status.success());
    assert!(log.contains("error: SESSION_STORE: unknown scheme `mysql:`"), "{log}");
    for form in ["`memory`", "`sqlite://", "`postgres://", "`redis://", "`rediss://", "`unix://"] {
        assert!(log.contains(form), "{form} is named: {log}");
    }
    assert!(!log.contains("hunter2"), "the URL's password is never echoed: {log}");
}

#[test]
fn a_shared_store_without_a_key_is_refused_with_the_fix() {
    let dir = TempDir::new("shared-store");
    // Port 9 (discard): refused before any connection is tried, so no server is needed.
    for (store, name) in [("postgres://shop@127.0.0.1:9/shop", "PostgreSQL"), ("redis://127.0.0.1:9", "Redis")] {
        let (status, log) = Shop::refused(&[("SESSION_STORE", store)], &dir);
        assert!(!status.success(), "{store}");
        assert!(log.contains(&format!("error: SESSION_KEY is not set. Sessions in {name}")), "{log}");
        assert!(log.contains("export SESSION_KEY=\"$(openssl rand -base64 48)\""), "{log}");
    }
}

/// The `shop` binary, listening on a free loopback port; killed when dropped.
struct Shop {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Shop {
    /// Starts the shop in `dir` with `env` on top of an environment with no `SESSION_STORE` or
    /// `SESSION_KEY`, logging into a new file there.
    fn start(env: &[(&str, &str)], dir: &TempDir) -> Self {
        let (mut command, log) = command(env, dir);
        let mut child = command.stdout(Stdio::piped()).spawn().expect("the shop binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let mut shop = Shop { child, url: String::new(), log };
        match line.trim().strip_prefix("listening on ") {
            Some(url) => shop.url = url.to_owned(),
            None => panic!("the shop did not start: {line:?}\n{}", shop.stop()),
        }
        shop
    }

    /// Runs the shop with `env` until it exits, which it must do by itself: its exit status and its log.
    fn refused(env: &[(&str, &str)], dir: &TempDir) -> (ExitStatus, String) {
        let (mut command, log) = command(env, dir);
        let mut child = command.stdout(Stdio::null()).spawn().expect("the shop binary starts");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = child.try_wait().expect("the shop can be waited for") {
                return (status, fs::read_to_string(&log).unwrap_or_default());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the shop started instead of refusing:\n{}", fs::read_to_string(&log).unwrap_or_default());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the shop, as a crash would stop it: nothing is flushed or closed on the way out.
    /// Returns its log.
    fn stop(mut self) -> String {
        self.kill();
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The shop, run in `dir` (so that any file it makes lands there) with `env`, its log in a new file.
fn command(env: &[(&str, &str)], dir: &TempDir) -> (Command, PathBuf) {
    let log = dir.new_log();
    let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
    command
        .env_remove("SESSION_STORE")
        .env_remove("SESSION_KEY")
        .env("SHOP_ADDR", "127.0.0.1:0")
        // The assertions read the log at its default level, whatever the test runner's is.
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stderr(fs::File::create(&log).expect("a log file"));
    (command, log)
}

/// A client that keeps every cookie it is sent, as a browser would, and sends them back.
#[derive(Default)]
struct Visitor {
    jar: BTreeMap<String, String>,
}

impl Visitor {
    /// The body of `GET path`, which must answer 200.
    async fn get(&mut self, shop: &Shop, path: &str) -> String {
        let (status, body) = self.send(shop, Request::get(format!("{}{path}", shop.url)), Body::empty()).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    async fn sign_in(&mut self, shop: &Shop, user: &str) {
        let request = Request::post(format!("{}/login", shop.url))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let before = self.jar.clone();
        let (status, body) = self.send(shop, request, Body::from(format!("user={user}"))).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "POST /login: {body}");
        assert_ne!(self.jar, before, "signing in sets a new id cookie");
    }

    async fn send(&mut self, shop: &Shop, mut request: http::request::Builder, body: Body) -> (StatusCode, String) {
        if !self.jar.is_empty() {
            let cookies: Vec<String> = self.jar.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(header::COOKIE, cookies.join("; "));
        }
        let client = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
        let response = client
            .request(request.body(body).expect("a valid request"))
            .await
            .unwrap_or_else(|error| panic!("{} answers: {error}", shop.url));
        for set_cookie in response.headers().get_all(header::SET_COOKIE) {
            let set_cookie = set_cookie.to_str().expect("a Set-Cookie header is ASCII");
            let cookie = Cookie::parse(set_cookie).unwrap_or_else(|error| panic!("{set_cookie}: {error}"));
            if cookie.max_age().is_some_and(|max_age| max_age.is_zero() || max_age.is_negative()) {
                self.jar.remove(cookie.name());
            } else {
                self.jar.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        let status = response.status();
        let body = response.into_body().collect().await.expect("the body is read").to_bytes();
        (status, String::from_utf8(body.to_vec()).expect("the shop answers UTF-8"))
    }
}

/// A directory of this test's own, removed when dropped.
struct TempDir {
    dir: tempfile::TempDir,
    logs: Cell<usize>,
}

impl TempDir {
    fn new(test: &str) -> Self {
        let dir = tempfile::Builder::new().prefix(&format!("shop-binary-{test}-")).tempdir();
        TempDir { dir: dir.expect("a temporary directory"), logs: Cell::new(0) }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The path of a log file not used before.
    fn new_log(&self) -> PathBuf {
        let n = self.logs.get();
        self.logs.set(n + 1);
        self.path().join(format!("shop-{n}.log"))
    }
}
