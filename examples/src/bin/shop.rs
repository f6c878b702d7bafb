//! The demo shop on `http://127.0.0.1:3000` (or `SHOP_ADDR`), sessions in memory.
//!
//! ```sh
//! cargo run -p examples --bin shop
//! SHOP_ADDR=127.0.0.1:0 cargo run -p examples --bin shop   # any free port
//! ```

#![forbid(unsafe_code)]

use std::{
    env,
    io::{self, IsTerminal},
};

use tracing_subscriber::EnvFilter;

const DEFAULT_ADDR: &str = "127.0.0.1:3000";

#[tokio::main]
async fn main() -> io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();

    let addr = env::var("SHOP_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    // Tests start the shop on port 0 and read the real address from this line.
    println!("listening on http://{}", listener.local_addr()?);

    axum::serve(listener, examples::shop::app()).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!(%error, "cannot listen for Ctrl-C; stop the shop by killing it");
        std::future::pending::<()>().await;
    }
}
