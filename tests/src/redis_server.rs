//! [`RedisServer`]: a private `redis-server` for one test, which reports the commands it has run
//! ([`RedisServer::command_calls`], its own count), and [`CommandCounter`], a proxy in front of it that
//! counts the commands clients send (their round trips) on the wire, and can make the connections open
//! through it go silent.
//!
//! The server listens on a unix socket in its own temporary directory (no TCP port unless asked for one,
//! and then only on 127.0.0.1), and is killed when the value is dropped. Without `redis-server` on the
//! `PATH`, [`RedisServer::start`] returns `None` after printing why, so the tests that need it skip; with
//! the environment variable `CI` set it panics instead, so CI never passes by skipping them.

use std::{
    collections::BTreeMap,
    io::{Read, Write},
    os::unix::net::UnixStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{UnixListener, UnixStream as AsyncUnixStream},
    task::JoinHandle,
};

use crate::temp_dir::TempDir;

/// How long a starting server may take to answer PING.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// How a [`RedisServer`] keeps its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// Memory only: a restart starts empty.
    None,
    /// An append-only file, synced on every write: every acknowledged write survives a `kill -9`.
    EveryWrite,
}

/// A `redis-server` process of this test's own, killed on drop.
#[derive(Debug)]
pub struct RedisServer {
    dir: TempDir,
    socket: PathBuf,
    /// Set for a server reachable on 127.0.0.1 as well.
    port: Option<u16>,
    /// Set for a server serving TLS on 127.0.0.1.
    tls_port: Option<u16>,
    persistence: Persistence,
    child: Option<Child>,
}

impl RedisServer {
    /// A server on a private unix socket, data in memory only; `None` (with the reason printed) when
    /// `redis-server` is not installed and `CI` is unset.
    pub fn start() -> Option<Self> {
        Self::launch(Persistence::None, false)
    }

    /// As [`RedisServer::start`], with every acknowledged write synced to disk so it survives
    /// [`RedisServer::kill`] and [`RedisServer::restart`].
    pub fn start_durable() -> Option<Self> {
        Self::launch(Persistence::EveryWrite, false)
    }

    /// As [`RedisServer::start`], also listening on a free port of 127.0.0.1 (for clients without unix
    /// socket support).
    pub fn start_with_tcp() -> Option<Self> {
        Self::launch(Persistence::None, true)
    }

    /// As [`RedisServer::start`], also serving TLS on a free port of 127.0.0.1 with a certificate for
    /// 127.0.0.1 from a certificate authority of its own ([`RedisServer::ca_certificate`]). Needs `openssl`
    /// on the `PATH` as well.
    pub fn start_with_tls() -> Option<Self> {
        let mut server = Self::new(Persistence::None, false)?;
        if !installed("openssl", "version") {
            return None;
        }
        make_certificates(server.dir());
        server.tls_port = Some(free_loopback_port());
        server.restart();
        Some(server)
    }

    fn launch(persistence: Persistence, tcp: bool) -> Option<Self> {
        let mut server = Self::new(persistence, tcp)?;
        server.restart();
        Some(server)
    }

    /// A server not yet started, or `None` if it cannot be.
    fn new(persistence: Persistence, tcp: bool) -> Option<Self> {
        if !installed("redis-server", "--version") {
            return None;
        }
        let dir = TempDir::new("redis");
        let port = tcp.then(free_loopback_port);
        Some(RedisServer { socket: dir.path().join("redis.sock"), dir, port, tls_port: None, persistence, child: None })
    }

    /// The URL to connect to: `unix://` for the socket.
    pub fn url(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// `redis://127.0.0.1:PORT`, for a server started with [`RedisServer::start_with_tcp`].
    pub fn tcp_url(&self) -> Option<String> {
        self.port.map(|port| format!("redis://127.0.0.1:{port}"))
    }

    /// `rediss://127.0.0.1:PORT`, for a server started with [`RedisServer::start_with_tls`].
    pub fn tls_url(&self) -> Option<String> {
        self.tls_port.map(|port| format!("rediss://127.0.0.1:{port}"))
    }

    /// The PEM certificate of the authority that signed the TLS certificate of the server.
    pub fn ca_certificate(&self) -> Vec<u8> {
        std::fs::read(self.dir().join("ca.crt")).expect("the server was started with TLS")
    }

    /// The commands the server has run so far and how many times each, by its own count (`INFO
    /// commandstats`): commands that scripts run included, each under its own name (an `EVALSHA` and the
    /// `HSET` its script ran are two), and `INFO` left out, which reading the count runs.
    pub fn command_calls(&self) -> BTreeMap<String, u64> {
        let info = request(&self.socket, "INFO commandstats").expect("the server answers INFO");
        let mut calls = BTreeMap::new();
        for line in info.lines() {
            // `cmdstat_<name>:calls=<n>,usec=...`
            let Some((name, stats)) = line.strip_prefix("cmdstat_").and_then(|line| line.split_once(':')) else {
                continue;
            };
            let count = stats.split(',').find_map(|stat| stat.strip_prefix("calls="));
            let count = count.and_then(|count| count.parse().ok()).unwrap_or_else(|| panic!("no count: {line}"));
            if name != "info" {
                calls.insert(name.to_owned(), count);
            }
        }
        calls
    }

    /// The server's socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The server's own directory, removed on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Kills the server (SIGKILL: no chance to save anything on the way out) and waits for it to die.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes the server (SIGSTOP): connections stay open but nothing is answered, as with a hung host.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Thaws a [`RedisServer::pause`]d server (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("the server is running").id().to_string();
        let status = Command::new("kill").args([signal, &pid]).status().expect("kill runs");
        assert!(status.success(), "kill {signal} {pid} failed");
    }

    /// Starts the server (again) on the same socket, port and directory, and waits until it answers.
    pub fn restart(&mut self) {
        self.kill();
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &self.port.unwrap_or(0).to_string(), "--bind", "127.0.0.1"])
            .arg("--unixsocket")
            .arg(&self.socket)
            .args(["--unixsocketperm", "700", "--save", "", "--daemonize", "no"])
            .arg("--dir")
            .arg(self.dir())
            .arg("--logfile")
            .arg(self.dir().join("redis.log"));
        if let Some(port) = self.tls_port {
            command.args(["--tls-port", &port.to_string(), "--tls-auth-clients", "no"]);
            for (option, file) in
                [("--tls-cert-file", "server.crt"), ("--tls-key-file", "server.key"), ("--tls-ca-cert-file", "ca.crt")]
            {
                command.arg(option).arg(self.dir().join(file));
            }
        }
        match self.persistence {
            Persistence::None => command.args(["--appendonly", "no"]),
            Persistence::EveryWrite => command.args(["--appendonly", "yes", "--appendfsync", "always"]),
        };
        let child = command.stdin(Stdio::null()).stdout(Stdio::null()).spawn().expect("redis-server starts");
        self.child = Some(child);
        self.wait_until_ready();
    }

    fn wait_until_ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if let Some(status) = self.child.as_mut().and_then(|child| child.try_wait().ok().flatten()) {
                panic!("redis-server exited with {status}; its log:\n{}", self.log());
            }
            // Redis answers LOADING while it replays its append-only file: only PONG means ready.
            if ping(&self.socket).is_some_and(|reply| reply.starts_with("+PONG")) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server did not answer within {START_TIMEOUT:?}; its log:\n{}", self.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir().join("redis.log")).unwrap_or_default()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// True if `program version_flag` runs. If not, says so and returns false, or panics when `CI` is set: CI must run
/// every test, never pass by skipping one.
fn installed(program: &str, version_flag: &str) -> bool {
    if Command::new(program).arg(version_flag).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but `{program}` is not on the PATH: the Redis tests must run in CI");
    }
    eprintln!("skipping: `{program}` is not on the PATH (apt-get install redis-server openssl to run this test)");
    false
}

/// A certificate authority (`ca.crt`, `ca.key`) and a certificate for 127.0.0.1 that it signed
/// (`server.crt`, `server.key`), in `dir`.
fn make_certificates(dir: &Path) {
    let openssl = |args: &str| {
        let args: Vec<_> = args.split_whitespace().collect();
        let output = Command::new("openssl").current_dir(dir).args(&args).output().expect("openssl runs");
        assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    };
    let new_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    openssl(&format!("req -x509 -days 2 -subj /CN=session-core-test-CA {new_key} -keyout ca.key -out ca.crt"));
    openssl(&format!("req -subj /CN=127.0.0.1 {new_key} -keyout server.key -out server.csr"));
    std::fs::write(dir.join("server.ext"), "subjectAltName = IP:127.0.0.1\nbasicConstraints = CA:FALSE\n").unwrap();
    openssl(
        "x509 -req -days 2 -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -extfile server.ext \
         -out server.crt",
    );
}

/// Sends the inline command `command` and returns the bulk string it answers with.
fn request(socket: &Path, command: &str) -> Option<String> {
    let mut stream = UnixStream::connect(socket).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.write_all(format!("{command}\r\n").as_bytes()).ok()?;
    let mut reply = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let read = stream.read(&mut chunk).ok().filter(|read| *read > 0)?;
        reply.extend_from_slice(&chunk[..read]);
        if let Some((header, start)) = line(&reply, 0) {
            let length = parse_number(header.strip_prefix(b"$")?)?;
            if reply.len() >= start + length {
                return String::from_utf8(reply[start..start + length].to_vec()).ok();
            }
        }
    }
}

fn ping(socket: &Path) -> Option<String> {
    let mut stream = UnixStream::connect(socket).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
    stream.write_all(b"PING\r\n").ok()?;
    let mut reply = [0; 64];
    let read = stream.read(&mut reply).ok()?;
    Some(String::from_utf8_lossy(&reply[..read]).into_owned())
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_loopback_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("a bound address").port()
}

/// A proxy on a unix socket of its own, in front of a [`RedisServer`], that counts the commands (round
/// trips) its clients send. Stops on drop.
#[derive(Debug)]
pub struct CommandCounter {
    socket: PathBuf,
    commands: Arc<AtomicUsize>,
    /// Bumped to silence the connections accepted before: each relays only while it is the one it saw.
    epoch: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl CommandCounter {
    /// Starts a proxy to `server`.
    pub fn start(server: &RedisServer) -> Self {
        let socket = server.dir().join("counter.sock");
        let upstream = server.socket().to_owned();
        let listener = UnixListener::bind(&socket).expect("the counter's socket");
        let commands = Arc::new(AtomicUsize::new(0));
        let epoch = Arc::new(AtomicU64::new(0));
        let (counter, epochs) = (commands.clone(), epoch.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = AsyncUnixStream::connect(&upstream).await else { continue };
                let relayed = Relayed {
                    commands: counter.clone(),
                    epoch: epochs.clone(),
                    accepted_in: epochs.load(Ordering::SeqCst),
                };
                tokio::spawn(relay(client, server, relayed));
            }
        });
        CommandCounter { socket, commands, epoch, task }
    }

    /// The URL to connect to instead of the server's.
    pub fn url(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Commands sent through the proxy so far.
    pub fn commands(&self) -> usize {
        self.commands.load(Ordering::SeqCst)
    }

    /// Makes every connection open through the proxy go silent, as one whose packets a failover or a
    /// dropped NAT entry sends nowhere: what its client sends from now on never reaches the server, and no
    /// reply or error comes back; the connection stays open. Connections made afterwards work.
    pub fn silence_open_connections(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for CommandCounter {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What one relayed connection counts into, and when it was accepted.
struct Relayed {
    commands: Arc<AtomicUsize>,
    epoch: Arc<AtomicU64>,
    accepted_in: u64,
}

async fn relay(client: AsyncUnixStream, server: AsyncUnixStream, relayed: Relayed) {
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let replies = tokio::spawn(async move { tokio::io::copy(&mut from_server, &mut to_client).await });
    let mut pending = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    while let Ok(read) = from_client.read(&mut chunk).await {
        if read == 0 {
            break;
        }
        if relayed.epoch.load(Ordering::SeqCst) != relayed.accepted_in {
            // Silenced: hold both sockets open, passing nothing on, until the test ends.
            std::future::pending::<()>().await;
        }
        pending.extend_from_slice(&chunk[..read]);
        // Counted before they are passed on, so a reply never arrives ahead of its count.
        while let Some(length) = command_length(&pending) {
            relayed.commands.fetch_add(1, Ordering::SeqCst);
            pending.drain(..length);
        }
        if to_server.write_all(&chunk[..read]).await.is_err() {
            break;
        }
    }
    replies.abort();
}

/// The length of the first complete command in `bytes` (a RESP array of bulk strings, or an inline
/// command line), or `None` if it has not fully arrived.
fn command_length(bytes: &[u8]) -> Option<usize> {
    let (header, mut at) = line(bytes, 0)?;
    let Some(count) = header.strip_prefix(b"*") else {
        return Some(at);
    };
    for _ in 0..parse_number(count)? {
        let (bulk, next) = line(bytes, at)?;
        let length = parse_number(bulk.strip_prefix(b"$")?)?;
        at = next + length + 2;
        if bytes.len() < at {
            return None;
        }
    }
    Some(at)
}

/// The line starting at `start` (without its CRLF) and where the next one starts.
fn line(bytes: &[u8], start: usize) -> Option<(&[u8], usize)> {
    let end = start + bytes.get(start..)?.windows(2).position(|pair| pair == b"\r\n")?;
    Some((&bytes[start..end], end + 2))
}

fn parse_number(digits: &[u8]) -> Option<usize> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::command_length;

    #[test]
    fn commands_are_found_whole_or_not_at_all() {
        let get = b"*2\r\n$3\r\nGET\r\n$4\r\nk\r\nx\r\n";
        assert_eq!(command_length(get), Some(get.len()));
        for cut in 0..get.len() {
            assert_eq!(command_length(&get[..cut]), None, "{cut}");
        }
        assert_eq!(command_length(b"PING\r\n*1"), Some(6));
    }
}
