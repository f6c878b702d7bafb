//! Runnable apps for `session-core`.
//!
//! * [`shop`]: the demo shop, `cargo run -p examples --bin shop`.
//! * `src/bin/plain_tower.rs`: a session in a plain tower service, without axum,
//!   `cargo run -p examples --bin plain_tower`.

#![forbid(unsafe_code)]

pub mod shop;
