//! Support for the workspace's behaviour tests: stores that count or fail, an HTTP client that keeps
//! cookies like a browser, a gate that holds a request open, and private Redis and PostgreSQL servers.

#![forbid(unsafe_code)]

pub mod apps;
pub mod browser;
pub mod captured_logs;
pub mod fuzzing;
pub mod gate;
pub mod owned;
pub mod postgres_server;
pub mod redis_server;
pub mod sqlite_statements;
pub mod stores;
pub mod temp_dir;
