//! Benchmarks only: `benches/layer.rs` (per-request overhead beside the peer libraries, and `MemoryStore` at
//! scale) and `benches/redis.rs` (`RedisStore` on a local Redis); run with `cargo bench -p bench`.
