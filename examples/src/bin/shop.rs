//! The demo shop on `http://127.0.0.1:3000` (or `SHOP_ADDR`), sessions in memory, or in Redis when
//! `SESSION_STORE` holds a Redis URL.
//!
//! ```sh
//! cargo run -p examples --bin shop
//! SHOP_ADDR=127.0.0.1:0 cargo run -p examples --bin shop   # any free port
//! SESSION_STORE=redis://127.0.0.1:6379 cargo run -p examples --bin shop
//! ```
//!
//! Several shops can share one Redis only if they share the key as well: set `SESSION_KEY` to the same
//! secret of at least 32 bytes (`openssl rand -base64 48`) for each; without it every process generates
//! its own key, and a restart signs everyone out.

#![forbid(unsafe_code)]

use std::{
    env,
    io::{self, IsTerminal},
};

use session_core::{store::RedisStore, Key, MemoryStore};
use tracing_subscriber::EnvFilter;

const DEFAULT_ADDR: &str = "127.0.0.1:3000";

#[tokio::main]
async fn main() -> io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();

    let key = match env::var_os("SESSION_KEY") {
        Some(_) => Key::from_env("SESSION_KEY").map_err(io::Error::other)?,
        None => Key::generate(),
    };
    let app = match env::var("SESSION_STORE") {
        Ok(url) if !url.trim().is_empty() && url.trim() != "memory" => {
            let store = RedisStore::connect(url.trim())
                .await
                .map_err(|error| io::Error::other(format!("SESSION_STORE: {error}")))?;
            // Not the URL itself: it may carry a password.
            tracing::info!("sessions in Redis");
            examples::shop::app_with(store, key)
        }
        _ => {
            tracing::info!("sessions in memory");
            examples::shop::app_with(MemoryStore::default(), key)
        }
    };
    let addr = env::var("SHOP_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    // Tests start the shop on port 0 and read the real address from this line.
    println!("listening on http://{}", listener.local_addr()?);

    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!(%error, "cannot listen for Ctrl-C; stop the shop by killing it");
        std::future::pending::<()>().await;
    }
}
