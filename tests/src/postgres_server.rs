//! [`PostgresServer`]: a private PostgreSQL cluster for one test, from the binaries of Debian's
//! `postgresql` package.
//!
//! The cluster lives in its own temporary directory and listens only on a unix socket there (no TCP). It
//! preloads `pg_stat_statements`, so a test can count the statements its app ran from the server's side
//! ([`PostgresServer::statements`]). It is stopped and its directory removed on drop.
//!
//! PostgreSQL refuses to run as root: as root, `initdb` and `pg_ctl` run as the `postgres` user the
//! package creates, in a directory that user owns. Without the binaries, [`PostgresServer::start`] returns
//! `None` after printing why, so the tests that need it skip; with the environment variable `CI` set it
//! panics instead, so CI never passes by skipping them.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use sqlx::{Connection, PgConnection};

use crate::temp_dir::TempDir;

/// Where Debian's `postgresql-NN` packages put their programs.
const DEBIAN_BINARIES: &str = "/usr/lib/postgresql";

/// The database the app under test uses; [`PostgresServer::statements`] counts only its statements.
pub const APP_DATABASE: &str = "app";

/// A PostgreSQL cluster of this test's own, stopped on drop.
#[derive(Debug)]
pub struct PostgresServer {
    bin: PathBuf,
    dir: TempDir,
    /// Run the programs as the `postgres` user: we are root.
    as_postgres: bool,
    running: bool,
}

impl PostgresServer {
    /// A running cluster with an empty database [`APP_DATABASE`]; `None` (with the reason printed) when
    /// PostgreSQL is not installed and `CI` is unset.
    pub fn start() -> Option<Self> {
        let bin = find_binaries()?;
        let as_postgres = is_root();
        let dir = TempDir::new("pg");
        let server = PostgresServer { bin, dir, as_postgres, running: false };
        if as_postgres {
            server.succeed(Command::new("chown").args(["postgres:postgres"]).arg(server.dir()), "chown");
        }
        let mut initdb = server.command("initdb");
        initdb.arg("-D").arg(server.data()).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ]);
        server.succeed(&mut initdb, "initdb");
        let mut config = std::fs::OpenOptions::new()
            .append(true)
            .open(server.data().join("postgresql.conf"))
            .expect("postgresql.conf");
        // Only the socket in our own directory; durability against a crash of the server (which the
        // outage tests stage) without paying for fsync, which only matters when the machine crashes.
        writeln!(
            config,
            "listen_addresses = ''\nunix_socket_directories = '{}'\nfsync = off\nfull_page_writes = off\n\
             shared_preload_libraries = 'pg_stat_statements'\nmax_connections = 50\n",
            server.dir().display()
        )
        .expect("writes postgresql.conf");
        let mut server = server;
        server.restart();
        server.psql("postgres", &format!("CREATE DATABASE {APP_DATABASE}"));
        // In the database the counts are read from, so the app's own database holds only what it made.
        server.psql("postgres", "CREATE EXTENSION pg_stat_statements");
        Some(server)
    }

    /// The URL of [`APP_DATABASE`] on the socket.
    pub fn url(&self) -> String {
        self.database_url(APP_DATABASE)
    }

    /// The URL of `database` on the socket.
    pub fn database_url(&self, database: &str) -> String {
        format!("postgres://postgres@localhost/{database}?host={}", self.dir().display())
    }

    /// Stops the server at once (`-m immediate`: no checkpoint, like a crash; what was acknowledged is in
    /// its write-ahead log), and waits until it has.
    pub fn stop(&mut self) {
        if self.running {
            let mut stop = self.command("pg_ctl");
            stop.arg("-D").arg(self.data()).args(["-m", "immediate", "-w", "stop"]);
            self.succeed(&mut stop, "pg_ctl stop");
            self.running = false;
        }
    }

    /// Starts the server (again) on the same socket and data, and waits until it accepts connections.
    pub fn restart(&mut self) {
        self.stop();
        let mut start = self.command("pg_ctl");
        start.arg("-D").arg(self.data()).arg("-l").arg(self.log_file()).args(["-w", "-t", "60", "start"]);
        self.succeed(&mut start, "pg_ctl start");
        self.running = true;
    }

    /// Statements run so far in [`APP_DATABASE`], by the server's count (`pg_stat_statements`).
    pub async fn statements(&self) -> i64 {
        let mut connection = PgConnection::connect(&self.database_url("postgres")).await.expect("connects");
        let count: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements \
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)",
        )
        .bind(APP_DATABASE)
        .fetch_one(&mut connection)
        .await
        .expect("pg_stat_statements answers");
        let _ = connection.close().await;
        count
    }

    /// The statements counted so far in [`APP_DATABASE`], with their counts, to say what a count was made of.
    pub async fn statement_texts(&self) -> Vec<(String, i64)> {
        let mut connection = PgConnection::connect(&self.database_url("postgres")).await.expect("connects");
        let rows = sqlx::query_as(
            "SELECT query, calls FROM pg_stat_statements \
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) ORDER BY calls DESC",
        )
        .bind(APP_DATABASE)
        .fetch_all(&mut connection)
        .await
        .expect("pg_stat_statements answers");
        let _ = connection.close().await;
        rows
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_file()).unwrap_or_default()
    }

    fn data(&self) -> PathBuf {
        self.dir().join("data")
    }

    fn log_file(&self) -> PathBuf {
        self.dir().join("server.log")
    }

    /// Runs `sql` in `database` with the cluster's own `psql`, as its superuser.
    fn psql(&self, database: &str, sql: &str) {
        let mut psql = Command::new(self.bin.join("psql"));
        psql.arg("-h").arg(self.dir()).args(["-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qc", sql]);
        self.succeed(&mut psql, "psql");
    }

    /// `program` of the cluster's binaries, run as the `postgres` user when we are root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    fn succeed(&self, command: &mut Command, what: &str) {
        let output = command.stdin(Stdio::null()).output().unwrap_or_else(|error| panic!("{what} runs: {error}"));
        assert!(
            output.status.success(),
            "{what} failed ({}): {}{}\nserver log:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
    }

    /// The server's own directory, removed on drop.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        if self.running {
            let mut stop = self.command("pg_ctl");
            stop.arg("-D").arg(self.data()).args(["-m", "immediate", "-w", "stop"]);
            let _ = stop.stdout(Stdio::null()).stderr(Stdio::null()).status();
        }
    }
}

/// The `bin` directory of the newest PostgreSQL installed, or `None` after saying why (a panic when
/// `CI` is set: CI must run every test, never pass by skipping one).
fn find_binaries() -> Option<PathBuf> {
    let newest = std::fs::read_dir(DEBIAN_BINARIES)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|version| Some((version.file_name().to_str()?.parse::<u32>().ok()?, version.path().join("bin"))))
        .filter(|(_, bin)| ["initdb", "pg_ctl", "postgres", "psql"].iter().all(|program| bin.join(program).exists()))
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin);
    let missing = match newest {
        Some(bin) if !is_root() || has_postgres_user() => return Some(bin),
        Some(_) => "we are root and there is no `postgres` user to run PostgreSQL as",
        None => "PostgreSQL is not installed (no initdb and pg_ctl under /usr/lib/postgresql/*/bin)",
    };
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but {missing}: the PostgreSQL tests must run in CI");
    }
    eprintln!("skipping: {missing} (apt-get install postgresql to run this test)");
    None
}

fn is_root() -> bool {
    let output = Command::new("id").arg("-u").output().expect("`id -u` runs");
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

fn has_postgres_user() -> bool {
    Command::new("id").arg("postgres").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}
