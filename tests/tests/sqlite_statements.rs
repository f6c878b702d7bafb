//! The statements `SqliteStore` runs per request, counted from sqlx's log: every statement, a `BEGIN` or
//! `COMMIT` as much as a query on the table. A binary of its own, so that no other test's statements are
//! counted with them.

use axum::body::Body;
use http::{Request, StatusCode};
use session_core::{Key, SessionLayer, SqliteStore};
use sqlx::sqlite::SqlitePoolOptions;
use tests::{apps::app, browser::Browser, sqlite_statements::StatementLog, temp_dir::TempDir};

#[tokio::test]
async fn statements_are_one_per_read_two_per_write_and_three_for_a_new_id() {
    let log = StatementLog::global();
    let dir = TempDir::new("sqlite-counted");
    // One connection, opened here: what sqlx runs to open one (`PRAGMA`s) is not a request's.
    let pool = SqlitePoolOptions::new()
        .min_connections(1)
        .max_connections(1)
        .connect(&dir.sqlite_url("sessions.db", "mode=rwc"))
        .await
        .unwrap();
    let store = SqliteStore::from_pool(pool);
    store.migrate().await.unwrap();
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));

    let mut steps = Vec::new();
    for (method, path, expected, what) in [
        ("GET", "/theme", 0, "a cookie-only read"),
        ("POST", "/theme/dark", 0, "a cookie-only write"),
        ("POST", "/login/7", 1, "a new visitor's first write: one insert"),
        ("GET", "/user", 1, "a read of two session fields: one select"),
        ("GET", "/user", 1, "another read"),
        ("POST", "/cart/apple", 2, "read and write: one select, one update"),
        ("GET", "/theme", 0, "a cookie-only read with a session"),
        ("POST", "/cycle", 3, "a new id: one select, the old id's marker, one update"),
        ("GET", "/user", 1, "a read under the new id"),
        ("POST", "/logout", 1, "destroy: one delete"),
    ] {
        let before = log.all().len();
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let reply = browser.send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{method} {path}: {}", reply.body);
        let ran = &log.all()[before..];
        steps.push(format!("{method} {path}: {}", ran.len()));
        assert_eq!(ran.len(), expected, "{what} ({method} {path}) ran {ran:#?}; so far: {steps:?}");
    }
    println!("statements per request: {steps:?}");
}
