//! The demo shop on `http://127.0.0.1:3000` (or `SHOP_ADDR`), its sessions in the store `SESSION_STORE`
//! names.
//!
//! ```sh
//! cargo run -p examples --bin shop                         # sessions in memory, no setup
//! SHOP_ADDR=127.0.0.1:0 cargo run -p examples --bin shop   # any free port
//! SESSION_STORE='sqlite://sessions.db?mode=rwc' cargo run -p examples --bin shop
//! export SESSION_KEY="$(openssl rand -base64 48)"          # once, for the shared stores below
//! SESSION_STORE=postgres://shop@localhost/shop cargo run -p examples --bin shop
//! SESSION_STORE=redis://127.0.0.1:6379 cargo run -p examples --bin shop
//! ```
//!
//! `SESSION_STORE` takes:
//!
//! * `memory`, or nothing: a `MemoryStore`. Sessions end when the shop stops.
//! * `sqlite://path/to/sessions.db?mode=rwc`: a `SqliteStore`, for one machine whose sessions should
//!   survive a restart (`?mode=rwc` creates the file when it is missing).
//! * `postgres://...` (or `postgresql://`): a `PostgresStore`.
//! * `redis://host:port/db`, `unix:///path/to/redis.sock`, `rediss://...`: a `RedisStore` (`rediss://`
//!   needs session-core's feature `redis-tls`).
//!
//! Anything else stops the shop at start with an error that lists these forms.
//!
//! # The key
//!
//! Every cookie, the session id's included, is signed with one key, so a session outlives a restart only
//! if the key does. `SESSION_KEY`, a secret of at least 32 bytes, sets it for any store. Without it the
//! shop does what each store needs for its sessions to last as long as the store keeps them:
//!
//! * memory: a key generated at each start; the sessions it signs end with the process anyway.
//! * SQLite: the key is kept in a file beside the database (`sessions.db.key` for `sessions.db`), made on
//!   the first start with a random secret and permissions 0600 (owner only), read on every start after;
//!   the log names it. A single-machine shop thus keeps its sessions across restarts with no setup, as the
//!   database file does. Treat the file like the key it is: whoever reads it can forge cookies. Deleting
//!   it signs everyone out at the next start; `SESSION_KEY="$(cat sessions.db.key)"` gives another process
//!   the same key. (An in-memory SQLite database, `sqlite::memory:`, gets a generated key, as memory does.)
//! * PostgreSQL and Redis: the shop refuses to start, with an error that says how to set `SESSION_KEY`.
//!   These stores serve several shops, which must all sign with one key: a file on one machine cannot
//!   give them that, and a key generated at each start would sign everyone out at every restart.
//!
//! The SQL stores delete the rows of ended sessions every ten minutes.

#![forbid(unsafe_code)]

mod key;
mod store;

use std::{
    env,
    error::Error,
    io::{self, IsTerminal},
    process::ExitCode,
    time::Duration,
};

use axum::Router;
use examples::shop::app_with;
use session_core::{store::CleanupTask, Key, MemoryStore, PostgresStore, RedisStore, SqliteStore};
use store::StoreUrl;
use tracing_subscriber::EnvFilter;

const DEFAULT_ADDR: &str = "127.0.0.1:3000";

/// How often the SQL stores delete the rows of ended sessions (which read as absent meanwhile).
const CLEANUP_PERIOD: Duration = Duration::from_secs(10 * 60);

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();

    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        // A sentence for whoever started the shop, rather than the `Debug` of an error.
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let store = StoreUrl::from_env()?;
    let configured_key = key::from_env()?;
    // Held until the shop stops: dropping it would stop the deletion of ended sessions.
    let (app, _cleanup) = open(store, configured_key).await?;

    let addr = env::var("SHOP_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|error| {
        format!("cannot listen on {addr}: {error} (choose another address with SHOP_ADDR=127.0.0.1:PORT)")
    })?;
    let local = listener.local_addr().map_err(|error| format!("cannot listen on {addr}: {error}"))?;
    // Tests start the shop on port 0 and read the real address from this line.
    println!("listening on http://{local}");

    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.map_err(|error| error.to_string())
}

/// The shop over the store `url` names, signing with `configured_key` or the key that store calls for
/// (see the module documentation), and the task deleting ended sessions when the store keeps rows.
async fn open(url: StoreUrl, configured_key: Option<Key>) -> Result<(Router, Option<CleanupTask>), String> {
    match url {
        StoreUrl::Memory => {
            tracing::info!("sessions in memory: they end when the shop stops");
            let key = configured_key.unwrap_or_else(Key::generate);
            Ok((app_with(MemoryStore::default(), key), None))
        }
        StoreUrl::Sqlite(url) => {
            // The store's error says what the URL needs (`?mode=rwc` for a missing file, a path).
            let store = SqliteStore::connect(&url).await.map_err(|error| cannot_connect(&error))?;
            let key = if store::sqlite_in_memory(&url) {
                tracing::info!("sessions in an in-memory SQLite database: they end when the shop stops");
                configured_key.unwrap_or_else(Key::generate)
            } else {
                // The file sqlx opened, however the URL spelled it.
                let database = store.pool().connect_options().get_filename().to_owned();
                tracing::info!(path = %database.display(), "sessions in SQLite");
                match configured_key {
                    Some(key) => key,
                    None => key::kept_in(&key::file_beside(&database))?,
                }
            };
            let cleanup = store.spawn_cleanup(CLEANUP_PERIOD);
            Ok((app_with(store, key), Some(cleanup)))
        }
        StoreUrl::Postgres(url) => {
            // Refused before connecting, so the fix is known without a server.
            let key = configured_key.ok_or_else(|| key::required_for("PostgreSQL"))?;
            let store = PostgresStore::connect(&url).await.map_err(|error| cannot_connect(&error))?;
            // Not the URL itself: it may carry a password.
            tracing::info!("sessions in PostgreSQL");
            let cleanup = store.spawn_cleanup(CLEANUP_PERIOD);
            Ok((app_with(store, key), Some(cleanup)))
        }
        StoreUrl::Redis(url) => {
            let key = configured_key.ok_or_else(|| key::required_for("Redis"))?;
            let store = RedisStore::connect(&url).await.map_err(|error| cannot_connect(&error))?;
            tracing::info!("sessions in Redis");
            Ok((app_with(store, key), None))
        }
    }
}

/// A store's failure to start, with its causes: the store's message says what failed, they say why.
fn cannot_connect(error: &dyn Error) -> String {
    let mut message = format!("SESSION_STORE: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        // Some errors print their source within their own message already.
        let cause_text = cause.to_string();
        if !message.contains(&cause_text) {
            message.push_str(": ");
            message.push_str(&cause_text);
        }
        source = cause.source();
    }
    message
}

async fn shutdown() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!(%error, "cannot listen for Ctrl-C; stop the shop by killing it");
        std::future::pending::<()>().await;
    }
}
