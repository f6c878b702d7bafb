//! `PostgresStore` behind the real `SessionLayer` and an axum router, against a private PostgreSQL cluster:
//! statements counted by the server, what the table holds, concurrent requests, a stopped and restarted
//! server, table names, and the cleanup of ended sessions.
//!
//! Each test starts its own cluster (see `tests::postgres_server`); without PostgreSQL installed they skip,
//! unless `CI` is set, where they fail.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::body::Body;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::{Request, StatusCode};
use session_core::{
    store::{now_millis, OwnerChange, OwnerKey, Patch, Record},
    Key, PostgresStore, SessionLayer, SessionStore, StoreKey,
};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tests::{
    apps::{app, expect_unavailable, no_lost_updates},
    browser::Browser,
    owned::{expect_round_trips, owned_app},
    postgres_server::PostgresServer,
};

async fn connect(server: &PostgresServer) -> PostgresStore {
    PostgresStore::connect(&server.url()).await.expect("connects to the test cluster")
}

/// A pool of our own on the app's database, to look at what the store wrote.
async fn inspector(server: &PostgresServer) -> PgPool {
    PgPool::connect(&server.url()).await.expect("connects to the test cluster")
}

/// The session id carried in the browser's id cookie: a signature, then the 22-character id.
fn session_id(browser: &Browser) -> String {
    let cookie = &browser.cookies["__Host-id"];
    cookie[cookie.len() - 22..].to_owned()
}

/// The key a session id is stored under: the SHA-256 of the id's bytes.
fn store_key(id: &str) -> Vec<u8> {
    Sha256::digest(URL_SAFE_NO_PAD.decode(id).unwrap()).to_vec()
}

/// Statements counted by the server itself (`pg_stat_statements`), so a `BEGIN`, a `COMMIT` or a
/// second query would show. A prepared statement's first use on a connection adds a parse round trip,
/// which is not a statement; every request here runs on a connection that has already prepared its
/// statements after the first requests, and the counts hold either way.
#[tokio::test]
async fn statements_on_the_server_are_one_per_read_two_per_write_and_three_for_a_new_id() {
    let Some(server) = PostgresServer::start() else { return };
    let mut browser = Browser::new(app(SessionLayer::new(connect(&server).await, Key::generate())));

    let mut steps = Vec::new();
    for (method, path, expected, what) in [
        ("GET", "/theme", 0, "a cookie-only read"),
        ("POST", "/theme/dark", 0, "a cookie-only write"),
        ("POST", "/login/7", 1, "a new visitor's first write: one insert"),
        ("GET", "/user", 1, "a read of two session fields: one select"),
        ("GET", "/user", 1, "another read"),
        ("POST", "/cart/apple", 2, "read and write: one select, one update"),
        ("POST", "/cart/pear", 2, "again, on prepared statements"),
        ("GET", "/theme", 0, "a cookie-only read with a session"),
        ("POST", "/cycle", 3, "a new id: one select, the old id's marker, one cycle statement"),
        ("GET", "/user", 1, "a read under the new id"),
        ("POST", "/logout", 1, "destroy: one delete"),
    ] {
        let before = server.statements().await;
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let reply = browser.send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{method} {path}: {}", reply.body);
        let made = server.statements().await - before;
        steps.push(format!("{method} {path}: {made}"));
        assert_eq!(made, expected, "{what} ({method} {path}) ran {made} statements; so far: {steps:?}");
    }
    println!("statements per request: {steps:?}");
    let texts = server.statement_texts().await;
    for (text, calls) in &texts {
        println!("{calls:>4} {text}");
    }
    let transactions: Vec<_> = texts.iter().filter(|(text, _)| text.starts_with("BEGIN")).collect();
    assert_eq!(transactions.len(), 1, "only the table's creation runs in a transaction: {transactions:?}");
}

/// Owned sessions cost what others do: the owner is a column of the row, written by the statement that
/// writes the row, and a read is still one statement.
#[tokio::test]
async fn owned_sessions_cost_the_same_statements() {
    let Some(server) = PostgresServer::start() else { return };
    let app = owned_app(SessionLayer::new(connect(&server).await, Key::generate()));
    expect_round_trips(app, async || usize::try_from(server.statements().await).unwrap()).await;
}

#[tokio::test]
async fn the_table_holds_the_hash_of_the_id_and_base64_fields_never_the_id() {
    let Some(server) = PostgresServer::start() else { return };
    let mut browser = Browser::new(app(SessionLayer::new(connect(&server).await, Key::generate())));
    browser.post("/login/7").await;
    browser.post("/cart/apple").await;
    let first_id = session_id(&browser);
    browser.post("/cycle").await;
    browser.post("/cart/pear").await;
    let live_id = session_id(&browser);
    assert_ne!(first_id, live_id);

    let rows: Vec<(Vec<u8>, String, i64, i64, i64)> =
        sqlx::query_as("SELECT key, fields::text, created_at, last_seen, expires_at FROM sessions")
            .fetch_all(&inspector(&server).await)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2, "the live session's row and the marker of the old id's move: {rows:?}");
    let (marker, live): (Vec<_>, Vec<_>) = rows.iter().partition(|row| row.1 == "{}");
    let [(key, fields, created_at, last_seen, expires_at)] = live[..] else { panic!("one live session: {rows:?}") };
    let [(marker_key, _, moved_at, _, marker_expires)] = marker[..] else { panic!("one marker: {rows:?}") };
    assert!(
        ![store_key(&first_id), store_key(&live_id)].contains(marker_key),
        "a marker is keyed by neither id's hash"
    );
    assert_eq!(marker_expires - moved_at, 60_000, "a marker lasts a minute");
    assert_eq!(key, &store_key(&live_id), "keyed by the hash of the live id");
    let fields: serde_json::Value = serde_json::from_str(fields).unwrap();
    let cart = URL_SAFE_NO_PAD.decode(fields["cart"].as_str().unwrap()).unwrap();
    assert_eq!(cart, br#"["apple","pear"]"#, "the cart survived the new id");
    assert_eq!(URL_SAFE_NO_PAD.decode(fields["user_id"].as_str().unwrap()).unwrap(), b"7");
    assert!(created_at <= last_seen && last_seen < expires_at);
    let now = i64::try_from(now_millis()).unwrap();
    assert!((now - 10_000..=now).contains(last_seen), "times are the app's milliseconds: {last_seen}");
    for id in [&first_id, &live_id] {
        assert!(!fields.to_string().contains(id.as_str()), "the id is stored");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_lose_no_update_in_postgres() {
    let Some(server) = PostgresServer::start() else { return };
    no_lost_updates(connect(&server).await).await;
}

/// The server stopped as by a crash (`pg_ctl stop -m immediate`) while the app runs: requests that need
/// the session answer 503 within the store's two-second bound (measured and printed), cookie-only
/// requests carry on, and after the restart the same app, not restarted, serves every acknowledged write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_postgres_stopped_session_requests_get_503_fast_and_all_comes_back_after_a_restart() {
    let Some(mut server) = PostgresServer::start() else { return };
    let app = app(SessionLayer::new(connect(&server).await, Key::generate()));
    let mut browser = Browser::new(app.clone());
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    let mut acknowledged = Vec::new();
    for item in 0..20 {
        let item = format!("item{item}");
        assert_eq!(browser.post(&format!("/cart/{item}")).await.status, StatusCode::OK);
        acknowledged.push(item);
    }

    server.stop();
    let outage = Instant::now();
    let mut newcomer = Browser::new(app.clone());
    let mut theme = "None";
    let mut slowest = Duration::ZERO;
    while outage.elapsed() < Duration::from_secs(3) {
        slowest = slowest.max(expect_unavailable(&mut browser, "GET", "/user").await);
        slowest = slowest.max(expect_unavailable(&mut browser, "POST", "/cart/lost").await);
        slowest = slowest.max(expect_unavailable(&mut newcomer, "POST", "/login/8").await);
        assert_eq!(browser.get("/theme").await.body, theme, "a cookie-only read during the outage");
        let reply = browser.post("/theme/dark").await;
        assert_eq!(reply.status, StatusCode::OK, "a cookie-only write during the outage");
        assert!(reply.set_cookie("theme").is_some());
        theme = "Some(Dark)";
    }
    assert!(slowest <= PostgresStore::DEFAULT_TIMEOUT + Duration::from_millis(500), "a 503 took {slowest:?}");
    println!("slowest 503 while PostgreSQL was stopped: {slowest:?}");

    let restarting = Instant::now();
    server.restart();
    let restarted = restarting.elapsed();
    let first = Instant::now();
    let reply = browser.get("/user").await;
    assert_eq!(reply.status, StatusCode::OK, "the first request after the restart: {}", reply.body);
    assert_eq!(reply.body, format!("Some(7) Some({acknowledged:?})"), "every acknowledged write survived");
    println!("restart took {restarted:?}; the first request after it succeeded in {:?}", first.elapsed());
    assert_eq!(browser.post("/cart/after").await.status, StatusCode::OK);
    acknowledged.push("after".into());
    assert_eq!(browser.get("/user").await.body, format!("Some(7) Some({acknowledged:?})"));
    assert_eq!(newcomer.post("/login/8").await.status, StatusCode::OK, "new sessions start again");
    assert_eq!(browser.get("/theme").await.body, "Some(Dark)");
}

/// The pool holds several connections when the server restarts unseen (no request in between): the
/// first requests afterwards meet connections the server closed, and must still succeed, each retried
/// on a fresh connection rather than answered with a 503.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_closed_by_a_restart_are_replaced_on_first_use() {
    let Some(mut server) = PostgresServer::start() else { return };
    let store = connect(&server).await;
    let keys = create_sessions(&store, 1, Duration::from_secs(3600)).await;
    let mut loads = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (store, key) = (store.clone(), keys[0]);
        loads.spawn(async move { store.load(&key).await.unwrap().is_some() });
    }
    assert!(loads.join_all().await.into_iter().all(|found| found));
    // sqlx returns a connection to its pool in a task of its own, which a busy machine may run late.
    let returned = Instant::now() + Duration::from_secs(5);
    while store.pool().num_idle() <= 1 && Instant::now() < returned {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let idle = store.pool().num_idle();
    assert!(idle > 1, "the pool kept {idle} connections");

    server.restart();
    for _ in 0..idle + 2 {
        assert!(store.load(&keys[0]).await.expect("a load after the restart").is_some());
    }
}

#[tokio::test]
async fn a_paused_server_fails_requests_within_the_timeout() {
    let Some(server) = PostgresServer::start() else { return };
    let store = connect(&server).await.with_timeout(Duration::from_millis(500));
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    // Every backend waits for this lock, as for a server that no longer answers.
    let blocker = inspector(&server).await;
    let mut transaction = blocker.begin().await.unwrap();
    sqlx::query("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE").execute(&mut *transaction).await.unwrap();
    let took = expect_unavailable(&mut browser, "GET", "/user").await;
    assert!(took < Duration::from_secs(1), "the 500 ms timeout took {took:?}");
    assert_eq!(browser.post("/theme/dark").await.status, StatusCode::OK, "cookie-only requests never wait");
    transaction.rollback().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let reply = browser.get("/user").await;
        if reply.status == StatusCode::OK {
            assert_eq!(reply.body, "Some(7) None");
            break;
        }
        assert!(Instant::now() < deadline, "still failing after the lock was released: {}", reply.body);
    }
}

/// A transaction left open on one session's row (in a console, say) stalls that session's writes, not
/// the store: the server cancels each stuck statement at the store's timeout, so every connection of the
/// pool is soon free again for the other sessions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_stuck_behind_one_rows_lock_do_not_hold_the_pool() {
    let Some(server) = PostgresServer::start() else { return };
    let store = connect(&server).await;
    let [locked, other] = create_sessions(&store, 2, Duration::from_secs(3600)).await[..] else { unreachable!() };
    let console = inspector(&server).await;
    let mut transaction = console.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM sessions WHERE key = $1 FOR UPDATE")
        .bind(&locked.as_bytes()[..])
        .execute(&mut *transaction)
        .await
        .unwrap();

    // More stuck writes than the pool has connections.
    let patch = Patch {
        changes: &[],
        last_seen: now_millis(),
        expires_at: now_millis() + 3_600_000,
        owner: OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    let stuck = (0..12).map(|_| store.save(&locked, &patch));
    for result in futures::future::join_all(stuck).await {
        assert!(result.is_err(), "a write went through the row's lock");
    }
    let started = Instant::now();
    let saved = store.save(&other, &patch).await;
    assert!(saved.expect("another session's write fails while one row is locked"), "the other session ended");
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(1), "another session's write waited {waited:?} for a connection");
    assert!(store.load(&other).await.unwrap().is_some());

    // The locked session's writes work again once the lock is gone.
    transaction.rollback().await.unwrap();
    assert!(store.save(&locked, &patch).await.unwrap());
}

#[tokio::test]
async fn names_that_are_not_plain_identifiers_are_refused_before_any_statement() {
    // A pool that never connects: the names are refused by the builder, before anything reaches a server.
    let pool = PgPool::connect_lazy("postgres://nobody@localhost/none?host=/nonexistent").unwrap();
    let store = PostgresStore::from_pool(pool);
    for attempt in [
        "sessions; DROP TABLE users; --",
        "sessions\" (key int); DROP TABLE users; --",
        "public.sessions",
        "sessions'",
        "",
        "1sessions",
        "séssions",
        "sessions\n",
        &"s".repeat(49),
    ] {
        let error = store.clone().with_table_name(attempt).expect_err(attempt).to_string();
        assert!(error.starts_with("invalid table name"), "{attempt:?}: {error}");
        assert!(error.contains("ASCII letters, digits or underscores"), "{error}");
        let error = store.clone().with_schema(attempt).expect_err(attempt).to_string();
        assert!(error.starts_with("invalid schema name"), "{attempt:?}: {error}");
    }
    for fine in ["web_sessions", "_s", "Sessions2", "select", &"s".repeat(48)] {
        store.clone().with_table_name(fine).expect(fine).with_schema(fine).expect(fine);
    }
}

/// A schema and table of the app's choosing, created by `migrate`, hold the sessions; the names are
/// quoted, so a keyword and capitals work, and the default table is never created.
/// Tables and indexes share one namespace: a table name that is an index's (another store's owner index),
/// or whose owner index would take another table's name, is refused with the fix rather than used.
#[tokio::test]
async fn a_table_name_taken_by_an_index_or_an_owner_index_name_taken_by_a_table_is_refused() {
    let Some(server) = PostgresServer::start() else { return };
    let pool = inspector(&server).await;
    let store = |name: &str| PostgresStore::from_pool(pool.clone()).with_table_name(name).unwrap();
    store("x").migrate().await.expect("the table `x` and its index `x_owner`");
    let error = store("x_owner").migrate().await.expect_err("an index taken for the table").to_string();
    assert!(error.contains("\"x_owner\", the sessions table's name, is an index"), "{error}");

    sqlx::query("CREATE TABLE y_owner (n int)").execute(&pool).await.unwrap();
    let error = store("y").migrate().await.expect_err("a table's name taken for the index").to_string();
    assert!(error.contains("\"y_owner\", the name of the sessions table's owner index, is another table"), "{error}");
    assert!(error.contains("with_table_name"), "{error}");
    let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE tablename = 'y'")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(tables.is_empty(), "the refused migration left a table behind");
}

#[tokio::test]
async fn a_chosen_schema_and_table_are_created_and_used() {
    let Some(server) = PostgresServer::start() else { return };
    let pool = inspector(&server).await;
    let store = PostgresStore::from_pool(pool.clone()).with_schema("Auth").unwrap().with_table_name("select").unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.expect("a second migrate finds the table and changes nothing");
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    assert_eq!(browser.get("/user").await.body, "Some(7) None");

    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_schema::text, table_name::text FROM information_schema.tables \
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(tables, [("Auth".to_owned(), "select".to_owned())]);
    let rows: i64 = sqlx::query_scalar(r#"SELECT count(*) FROM "Auth"."select""#).fetch_one(&pool).await.unwrap();
    assert_eq!(rows, 1);
}

/// Creates `count` sessions whose deadline is `expires_in` from now, directly through the store.
async fn create_sessions(store: &PostgresStore, count: usize, expires_in: Duration) -> Vec<StoreKey> {
    let now = now_millis();
    let record = Arc::new(Record {
        fields: [("user_id".to_owned(), b"7".to_vec())].into(),
        created_at: now,
        last_seen: now,
        expires_at: now + u64::try_from(expires_in.as_millis()).unwrap(),
        owner: None,
    });
    let mut keys = Vec::new();
    for i in 0..count {
        let key = StoreKey::from_bytes(Sha256::digest(format!("{now}-{i}-{expires_in:?}")).into());
        assert!(store.create(&key, &record).await.unwrap());
        keys.push(key);
    }
    keys
}

#[tokio::test]
async fn ended_sessions_are_deleted_in_bounded_batches_and_in_the_background() {
    let Some(server) = PostgresServer::start() else { return };
    let store = connect(&server).await.with_cleanup_batch_size(10);
    let pool = inspector(&server).await;
    let rows = async || -> i64 { sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&pool).await.unwrap() };
    let live = create_sessions(&store, 3, Duration::from_secs(3600)).await;
    create_sessions(&store, 25, Duration::from_millis(200)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rows().await, 28, "ended rows stay until deleted");

    let statements = server.statements().await;
    assert_eq!(store.delete_expired().await.unwrap(), 25);
    assert_eq!(server.statements().await - statements, 3, "28 rows looked at 10 at a time: three statements");
    assert_eq!(rows().await, 3);
    for key in &live {
        assert!(store.load(key).await.unwrap().is_some(), "a live session was deleted");
    }

    let cleanup = store.spawn_cleanup(Duration::from_millis(100));
    create_sessions(&store, 5, Duration::from_millis(100)).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while rows().await > 3 {
        assert!(Instant::now() < deadline, "the background task did not delete the ended sessions");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cleanup.stop().await;
    create_sessions(&store, 2, Duration::from_millis(50)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(rows().await, 5, "a stopped cleanup deletes nothing more");
}

#[tokio::test]
async fn connect_reports_a_bad_url_or_an_absent_server_promptly() {
    let error = PostgresStore::connect("postgres://localhost:port/db").await.unwrap_err();
    assert!(error.to_string().contains("invalid PostgreSQL URL"), "{error}");
    let started = Instant::now();
    let error = PostgresStore::connect("postgres://nobody@localhost/none?host=/nonexistent").await.unwrap_err();
    assert!(error.to_string().contains("PostgreSQL is unavailable"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

/// A row whose `fields` something else rewrote into what the store never writes reads as a clear error
/// naming the fields, never a panic or a session with the wrong values.
#[tokio::test]
async fn fields_rewritten_outside_the_store_are_an_error_on_load() {
    let Some(server) = PostgresServer::start() else { return };
    let store = connect(&server).await;
    let key = create_sessions(&store, 1, Duration::from_secs(3600)).await[0];
    let pool = inspector(&server).await;
    for fields in ["[]", "\"text\"", r#"{"user_id": 7}"#, r#"{"user_id": "not base64!"}"#, r#"{"user_id": "\u00e9"}"#] {
        sqlx::query("UPDATE sessions SET fields = $1::jsonb").bind(fields).execute(&pool).await.unwrap();
        let error = store.load(&key).await.expect_err(fields);
        assert!(error.to_string().contains("fields"), "{fields}: {error}");
    }
    sqlx::query("UPDATE sessions SET fields = '{\"user_id\": \"Nw\"}'").execute(&pool).await.unwrap();
    let record = store.load(&key).await.unwrap().expect("live");
    assert_eq!(record.fields["user_id"], b"7", "a row put back in shape reads again");
}

/// Apps build their store where they like, a spawned task included, so its futures must be `Send`.
#[test]
fn connecting_and_migrating_can_run_in_a_spawned_task() {
    fn spawnable<F: std::future::Future + Send + 'static>(_: F) {}
    spawnable(PostgresStore::connect("postgres://localhost/app"));
    spawnable(async { PostgresStore::connect("postgres://localhost/app").await?.migrate().await });
}

/// `revoke_owner` locks the table against writes, and every session's writes queue behind that lock while
/// it is awaited. Behind a long transaction with a conflicting lock (the one `VACUUM` takes), it gives up
/// after a quarter of the store's timeout with an error to retry, and the writes queued behind it go on.
#[tokio::test]
async fn a_revocation_behind_a_long_lock_fails_soon_and_does_not_stall_other_sessions() {
    let Some(server) = PostgresServer::start() else { return };
    let store = connect(&server).await;
    let [owned, other] = create_sessions(&store, 2, Duration::from_secs(3600)).await[..] else { unreachable!() };
    let owner = OwnerKey::of(b"7");
    let patch = |owner| Patch {
        changes: &[],
        last_seen: now_millis(),
        expires_at: now_millis() + 3_600_000,
        owner,
        replaces_deadline: false,
        created_at: None,
    };
    assert!(store.save(&owned, &patch(OwnerChange::Set(owner))).await.unwrap());

    let pool = inspector(&server).await;
    let mut vacuum = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE sessions IN SHARE UPDATE EXCLUSIVE MODE").execute(&mut *vacuum).await.unwrap();
    let started = Instant::now();
    let (revoked, saved) = tokio::join!(store.revoke_owner(&owner, None), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        store.save(&other, &patch(OwnerChange::Keep)).await
    });
    let error = revoked.expect_err("revoked behind the lock");
    assert!(error.to_string().contains("another transaction holds a lock"), "{error}");
    assert!(saved.unwrap(), "the other session's write was lost");
    let waited = started.elapsed();
    assert!(waited < PostgresStore::DEFAULT_TIMEOUT, "writes stalled for {waited:?}");
    assert!(store.load(&owned).await.unwrap().is_some(), "a failed revocation ended the session");

    vacuum.rollback().await.unwrap();
    assert_eq!(store.revoke_owner(&owner, None).await.unwrap(), Some(1));
    assert_eq!(store.load(&owned).await.unwrap(), None);
}

/// A table of the store's name that is the app's own (another framework's `sessions`) is refused when the
/// store starts, naming the fix, and left exactly as it was: not given an `owner` column and then written
/// to, failing every sign-in.
#[tokio::test]
async fn a_table_of_the_stores_name_that_is_not_a_sessions_table_is_refused_unchanged() {
    let Some(server) = PostgresServer::start() else { return };
    let pool = inspector(&server).await;
    sqlx::query("CREATE TABLE sessions (id serial PRIMARY KEY, session_id text, data text)")
        .execute(&pool)
        .await
        .unwrap();
    let error = PostgresStore::connect(&server.url()).await.expect_err("the app's own table").to_string();
    assert!(
        error.contains(
            "the table \"sessions\" exists but is not a sessions table: it has no `key` column (its columns: id, \
             session_id, data); nothing was changed: choose another table name with `with_table_name`"
        ),
        "{error}"
    );
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'sessions' ORDER BY ordinal_position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(columns, ["id", "session_id", "data"]);
}

/// A role of the app's own, allowed to create tables only in the schema a DBA made for it (not schemas in
/// the database), migrates and serves sessions there.
#[tokio::test]
async fn a_role_that_may_create_only_in_its_own_schema_migrates_there() {
    let Some(server) = PostgresServer::start() else { return };
    let admin = inspector(&server).await;
    for statement in ["CREATE ROLE web LOGIN", "CREATE SCHEMA auth", "GRANT USAGE, CREATE ON SCHEMA auth TO web"] {
        sqlx::query(statement).execute(&admin).await.unwrap();
    }
    let pool = PgPool::connect(&server.url().replacen("postgres@", "web@", 1)).await.unwrap();
    let store = PostgresStore::from_pool(pool).with_schema("auth").unwrap();
    store.migrate().await.expect("the table in the role's own schema");
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    assert_eq!(browser.get("/user").await.body, "Some(7) None");
}

/// Where the database's default isolation level is above read committed, concurrent saves of one row fail
/// as serialization failures: the store runs them again, and no request loses its write or answers 503.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_lose_no_update_under_a_stricter_default_isolation_level() {
    let Some(server) = PostgresServer::start() else { return };
    let admin = inspector(&server).await;
    let strict = "ALTER DATABASE app SET default_transaction_isolation = 'serializable'";
    sqlx::query(strict).execute(&admin).await.unwrap();
    no_lost_updates(connect(&server).await).await;
}

/// A pool the app shares with the store, all of whose connections the app holds: the store's timeout says
/// so, rather than blaming the server.
#[tokio::test]
async fn a_pool_held_by_the_app_is_named_when_the_store_times_out() {
    let Some(server) = PostgresServer::start() else { return };
    connect(&server).await;
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&server.url()).await.unwrap();
    let store = PostgresStore::from_pool(pool.clone()).with_timeout(Duration::from_millis(300));
    let _held = pool.acquire().await.unwrap();
    let error = store.load(&StoreKey::from_bytes([7; 32])).await.expect_err("no connection free").to_string();
    assert_eq!(
        error,
        "PostgreSQL did not answer within 300ms; every connection of its pool was in use (by the app's own \
         queries, if it shares the pool, or by requests waiting on the server)"
    );
}

/// Two apps' instances starting at once, each with its own table in one new schema: both start (they take
/// turns creating the schema, rather than both creating it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tables_migrated_at_once_into_one_new_schema_both_start() {
    let Some(server) = PostgresServer::start() else { return };
    let pool = inspector(&server).await;
    for round in 0..10 {
        let schema = format!("auth{round}");
        let store = |table: &str| {
            PostgresStore::from_pool(pool.clone()).with_schema(&schema).unwrap().with_table_name(table).unwrap()
        };
        let (web, api) = (store("web"), store("api"));
        let (web, api) =
            tokio::join!(tokio::spawn(async move { web.migrate().await }), async move { api.migrate().await });
        web.unwrap().unwrap_or_else(|error| panic!("round {round}, web: {error:?}"));
        api.unwrap_or_else(|error| panic!("round {round}, api: {error:?}"));
    }
}

/// Two instances upgrading a table from before sessions had owners at once (a rolling deploy), where the
/// database's default isolation level is `serializable`: the one that waited for the other's upgrade sees
/// it, and both start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_upgrading_at_once_both_start_under_a_stricter_default_isolation_level() {
    let Some(server) = PostgresServer::start() else { return };
    let admin = inspector(&server).await;
    for statement in [
        "CREATE TABLE sessions (key BYTEA PRIMARY KEY, fields JSONB NOT NULL, created_at BIGINT NOT NULL, \
         last_seen BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
        "ALTER DATABASE app SET default_transaction_isolation = 'serializable'",
    ] {
        sqlx::query(statement).execute(&admin).await.unwrap();
    }
    // The lock the store's migration takes, held so that both instances queue on it.
    let mut held = admin.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('\"sessions\"'))").execute(&mut *held).await.unwrap();
    let mut instances = Vec::new();
    for _ in 0..2 {
        let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&server.url()).await.unwrap();
        let store = PostgresStore::from_pool(pool).with_timeout(Duration::from_secs(10));
        instances.push(tokio::spawn(async move { store.migrate().await }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    held.commit().await.unwrap();
    for instance in instances {
        instance.await.unwrap().expect("an instance that waited for the other's upgrade");
    }
}
