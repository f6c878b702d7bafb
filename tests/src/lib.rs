//! Support for the workspace's behaviour tests: stores that count or fail, and an HTTP client that
//! keeps cookies like a browser.

#![forbid(unsafe_code)]

pub mod browser;
pub mod stores;
