//! Support for the workspace's behaviour tests: stores that count or fail, an HTTP client that keeps
//! cookies like a browser, and a private Redis server.

#![forbid(unsafe_code)]

pub mod browser;
pub mod fuzzing;
pub mod redis_server;
pub mod stores;
