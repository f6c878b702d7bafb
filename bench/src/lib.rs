//! Benchmarks only: see `benches/redis.rs`, run with `cargo bench -p bench`.
