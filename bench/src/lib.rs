//! Benchmarks only: `benches/layer.rs` (per-request overhead beside the peer libraries, and `MemoryStore` at
//! scale) and `benches/stores.rs` (`RedisStore`, `PostgresStore` and `SqliteStore` beside tower-sessions'
//! stores, on private servers); run with `cargo bench -p bench`.
