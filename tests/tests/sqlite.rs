//! `SqliteStore` behind the real `SessionLayer` and an axum router, on files in temporary directories:
//! concurrent requests, sessions that outlive the app, a read-only and a locked file, table names, and
//! the cleanup of ended sessions. (The statements per request are counted in `sqlite_statements.rs`, a
//! test binary of their own.)

use std::{
    str::FromStr,
    sync::Arc,
    time::{Duration, Instant},
};

use http::StatusCode;
use session_core::{
    store::{now_millis, Record},
    Key, SessionLayer, SessionStore, SqliteStore, StoreKey,
};
use sha2::{Digest, Sha256};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions},
    Connection, SqliteConnection,
};
use tests::{
    apps::{app, expect_unavailable, no_lost_updates},
    browser::Browser,
    captured_logs::CapturedLogs,
    sqlite_statements::StatementLog,
    temp_dir::TempDir,
};
async fn open(dir: &TempDir) -> SqliteStore {
    SqliteStore::connect(&dir.sqlite_url("sessions.db", "mode=rwc")).await.expect("opens the file")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_lose_no_update_in_sqlite() {
    let dir = TempDir::new("sqlite-concurrent");
    no_lost_updates(open(&dir).await).await;
}

#[tokio::test]
async fn sessions_outlive_the_app_that_wrote_them() {
    let dir = TempDir::new("sqlite-restart");
    let key = Key::generate();
    let mut browser = Browser::new(app(SessionLayer::new(open(&dir).await, key.clone())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    assert_eq!(browser.post("/cart/apple").await.status, StatusCode::OK);
    let jar = browser.cookies.clone();
    drop(browser);

    let mut browser = Browser::new(app(SessionLayer::new(open(&dir).await, key)));
    browser.cookies = jar;
    assert_eq!(browser.get("/user").await.body, "Some(7) Some([\"apple\"])");
}

/// An in-memory database lives only while a connection to it is open, and sqlx's pool closes connections
/// after ten idle minutes, and every one after thirty: the store's pool keeps them, so sessions last as
/// long as the app rather than failing on a database that came back without its table.
#[tokio::test]
async fn an_in_memory_database_keeps_its_connections_for_as_long_as_the_store() {
    let store = SqliteStore::connect("sqlite::memory:").await.expect("opens");
    let options = store.pool().options();
    assert!(options.get_min_connections() >= 1, "the pool may close its last connection");
    assert_eq!((options.get_idle_timeout(), options.get_max_lifetime()), (None, None));
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    assert_eq!(browser.get("/user").await.body, "Some(7) None");
}

/// A row edited by hand into something the store cannot read is no outage: the visitor is treated as new,
/// its id cookie cleared, and signs in again under a new id, rather than answered 503 on every request
/// until the row ends; the row is left as it was.
#[tokio::test]
async fn a_row_edited_into_nonsense_lets_its_visitor_start_over() {
    let dir = TempDir::new("sqlite-edited");
    let mut browser = Browser::new(app(SessionLayer::new(open(&dir).await, Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    let old_id = browser.cookies["__Host-id"].to_owned();
    let pool = SqlitePool::connect(&dir.sqlite_url("sessions.db", "mode=rw")).await.unwrap();
    sqlx::query("UPDATE sessions SET fields = '{\"user_id\": 7}'").execute(&pool).await.unwrap();

    let reply = browser.get("/user").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "None None"));
    assert!(reply.set_cookie("__Host-id").is_some_and(|line| line.starts_with("__Host-id=;")), "{reply:?}");
    assert_eq!(browser.post("/login/8").await.status, StatusCode::OK);
    assert_ne!(browser.cookies["__Host-id"], old_id, "a new session under a new id");
    assert_eq!(browser.get("/user").await.body, "Some(8) None");
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT fields FROM sessions ORDER BY created_at").fetch_all(&pool).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, "{\"user_id\": 7}", "the unreadable row was changed");

    // SQLite keeps text where the store writes an integer, too.
    sqlx::query("UPDATE sessions SET expires_at = 'never' WHERE created_at = (SELECT max(created_at) FROM sessions)")
        .execute(&pool)
        .await
        .unwrap();
    let reply = browser.get("/user").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "None None"));
}

/// A file opened read-only (`mode=ro`: SQLite opens it so even for root, whom file modes do not stop):
/// sessions still load, and a write answers 503 with the store's reason, never a panic.
#[tokio::test]
async fn a_read_only_file_serves_reads_and_answers_writes_with_503() {
    let dir = TempDir::new("sqlite-read-only");
    let key = Key::generate();
    let mut browser = Browser::new(app(SessionLayer::new(open(&dir).await, key.clone())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);

    let read_only = SqliteStore::connect(&dir.sqlite_url("sessions.db", "mode=ro")).await.expect("opens read-only");
    let error = read_only
        .create(&StoreKey::from_bytes([7; 32]), &Arc::new(Record { expires_at: u64::MAX, ..Record::default() }))
        .await
        .expect_err("a write to a read-only file");
    assert_eq!(error.to_string(), "the SQLite database is read-only");
    println!("a write to a read-only file: {error:?}");

    let jar = browser.cookies.clone();
    let (logs, _guard) = CapturedLogs::everything_logged_here();
    let read_only_app = app(SessionLayer::new(read_only.clone(), key.clone()));
    let mut browser = Browser::new(read_only_app.clone());
    browser.cookies = jar.clone();
    assert_eq!(browser.get("/user").await.body, "Some(7) None", "reads work");
    expect_unavailable(&mut browser, "POST", "/cart/apple").await;
    expect_unavailable(&mut Browser::new(read_only_app), "POST", "/login/8").await;
    assert_eq!(browser.post("/theme/dark").await.status, StatusCode::OK, "cookie-only requests carry on");
    assert_eq!(browser.get("/user").await.body, "Some(7) None", "the failed write changed nothing");
    // The log says what SQLite said, not only that the store failed: the layer answered for the app, which
    // never saw the error.
    let logged = logs.text();
    assert!(
        logged.contains("session store failed: the SQLite database is read-only: error returned from database: (code: 8) attempt to write a readonly database"),
        "{logged}"
    );

    // A read whose idle refresh is due (every read's, here) serves its page: only the deadline could not
    // move, and the session stays live until the one stored.
    let mut browser = Browser::new(app(SessionLayer::new(read_only, key).with_idle_refresh(0.0)));
    browser.cookies = jar;
    let reply = browser.get("/user").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "Some(7) None"));
    assert!(logs.text().contains("the session's idle deadline could not be pushed back"), "{}", logs.text());

    // A file it cannot open is named, with what it takes to create one.
    for (file, mode) in [("missing.db", "mode=ro"), ("missing.db", ""), ("no-such-directory/sessions.db", "mode=rwc")] {
        let error = SqliteStore::connect(&dir.sqlite_url(file, mode)).await.expect_err("no such file");
        let message = error.to_string();
        assert!(message.starts_with("the SQLite database `"), "{message}");
        assert!(message.contains(&format!("{file}` cannot be opened")), "{message}");
        assert!(message.contains("`?mode=rwc`"), "{message}");
    }
    // No path at all: each connection would get a database of its own.
    for url in ["sqlite:", "sqlite://", "sqlite://?mode=rwc", "sqlite://?mode=memory"] {
        let error = SqliteStore::connect(url).await.expect_err("no database");
        assert!(error.to_string().contains("names no database"), "{url}: {error}");
    }
}

/// Another process holds the file's write lock (`BEGIN EXCLUSIVE`): writes wait the store's busy
/// timeout, then answer 503; reads carry on (the store's files use write-ahead logging); and once the
/// lock is released, writes work again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_file_answers_writes_with_503_after_the_busy_timeout() {
    let dir = TempDir::new("sqlite-locked");
    open(&dir).await;
    let url = dir.sqlite_url("sessions.db", "mode=rwc");
    let options = SqliteConnectOptions::from_str(&url).unwrap().busy_timeout(Duration::from_millis(200));
    let store = SqliteStore::from_pool(SqlitePoolOptions::new().connect_with(options).await.unwrap());
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);

    let mut holder = SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("BEGIN EXCLUSIVE").execute(&mut holder).await.unwrap();
    let took = expect_unavailable(&mut browser, "POST", "/cart/apple").await;
    assert!((Duration::from_millis(150)..Duration::from_secs(2)).contains(&took), "took {took:?}");
    println!("a write to a locked file answered 503 in {took:?}");
    let started = Instant::now();
    assert_eq!(browser.get("/user").await.body, "Some(7) None", "reads carry on");
    assert!(started.elapsed() < Duration::from_millis(150), "a read waited for the lock");
    sqlx::raw_sql("ROLLBACK").execute(&mut holder).await.unwrap();

    assert_eq!(browser.post("/cart/apple").await.status, StatusCode::OK);
    assert_eq!(browser.get("/user").await.body, "Some(7) Some([\"apple\"])");
}

/// A store's writes queue for their turn rather than meet at the file's write lock, and the queue is
/// bounded: with the file locked by another process, five concurrent writes all answer 503 within the
/// store's wait for a turn plus one wait for the lock, where waiting one after the other would take five
/// waits for the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_queued_behind_a_locked_file_answer_503_within_a_bound() {
    let dir = TempDir::new("sqlite-queue");
    open(&dir).await;
    let url = dir.sqlite_url("sessions.db", "mode=rwc");
    let lock_wait = Duration::from_millis(800);
    let options = SqliteConnectOptions::from_str(&url).unwrap().busy_timeout(lock_wait);
    let store = SqliteStore::from_pool(SqlitePoolOptions::new().connect_with(options).await.unwrap());
    let app = app(SessionLayer::new(store, Key::generate()));
    let mut browsers: Vec<Browser> = (0..5).map(|_| Browser::new(app.clone())).collect();
    for (user, browser) in browsers.iter_mut().enumerate() {
        assert_eq!(browser.post(&format!("/login/{user}")).await.status, StatusCode::OK);
    }

    let mut holder = SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("BEGIN EXCLUSIVE").execute(&mut holder).await.unwrap();
    let started = Instant::now();
    let writes = browsers.iter_mut().map(|browser| expect_unavailable(browser, "POST", "/cart/apple"));
    futures::future::join_all(writes).await;
    let took = started.elapsed();
    println!("five writes queued behind a locked file answered 503 in {took:?}");
    let bound = SqliteStore::DEFAULT_BUSY_TIMEOUT + lock_wait + Duration::from_millis(400);
    assert!(took < bound, "took {took:?}, more than the bound {bound:?}");
    sqlx::raw_sql("ROLLBACK").execute(&mut holder).await.unwrap();

    for browser in &mut browsers {
        assert_eq!(browser.post("/cart/apple").await.status, StatusCode::OK, "writes work again");
    }
}

#[tokio::test]
async fn names_that_are_not_plain_identifiers_are_refused_before_any_statement() {
    let dir = TempDir::new("sqlite-names");
    let store = open(&dir).await;
    for attempt in [
        "sessions; DROP TABLE sessions; --",
        "x\" (key); DROP TABLE sessions; --",
        "main.sessions",
        "sessions'",
        "",
        "1sessions",
        "séssions",
        &"s".repeat(49),
    ] {
        let error = store.clone().with_table_name(attempt).expect_err(attempt).to_string();
        assert!(error.starts_with("invalid table name"), "{attempt:?}: {error}");
    }
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(tables, ["sessions"], "nothing was created or dropped");

    // A keyword is fine: names are quoted.
    let store = store.with_table_name("select").unwrap();
    store.migrate().await.unwrap();
    let mut browser = Browser::new(app(SessionLayer::new(store.clone(), Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    let rows: i64 = sqlx::query_scalar(r#"SELECT count(*) FROM "select""#).fetch_one(store.pool()).await.unwrap();
    assert_eq!(rows, 1);
}

/// The owner index's name taken by another table's index would make `CREATE INDEX IF NOT EXISTS` skip it
/// without a word, and every owner listing a scan of the whole table.
#[tokio::test]
async fn a_table_whose_owner_index_name_is_taken_is_refused() {
    let dir = TempDir::new("sqlite-index-name");
    let store = open(&dir).await;
    sqlx::raw_sql(r#"CREATE TABLE other (x); CREATE INDEX "Web_Owner" ON other (x);"#)
        .execute(store.pool())
        .await
        .unwrap();
    let error = store.clone().with_table_name("web").unwrap().migrate().await.unwrap_err().to_string();
    assert_eq!(
        error,
        "`web_owner`, the name of the sessions table's owner index, is the name of another index in this \
         database (on `other`): choose another table name with `with_table_name`"
    );
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'web'").fetch_all(store.pool()).await.unwrap();
    assert!(tables.is_empty(), "the table was created without its index");
    store.with_table_name("web2").unwrap().migrate().await.expect("a free name");
}

/// Creates `count` sessions whose deadline is `expires_in` from now, directly through the store.
async fn create_sessions(store: &SqliteStore, count: usize, expires_in: Duration) {
    let now = now_millis();
    let record = Arc::new(Record {
        fields: [("user_id".to_owned(), b"7".to_vec())].into(),
        created_at: now,
        last_seen: now,
        expires_at: now + u64::try_from(expires_in.as_millis()).unwrap(),
        owner: None,
    });
    for i in 0..count {
        let key = StoreKey::from_bytes(Sha256::digest(format!("{now}-{i}-{expires_in:?}")).into());
        assert!(store.create(&key, &record).await.unwrap());
    }
}

#[tokio::test]
async fn ended_sessions_are_deleted_in_bounded_batches_and_in_the_background() {
    let log = StatementLog::global();
    let dir = TempDir::new("sqlite-cleanup");
    let pool = SqlitePool::connect(&dir.sqlite_url("sessions.db", "mode=rwc")).await.unwrap();
    let store = SqliteStore::from_pool(pool).with_table_name("counted_cleanup").unwrap().with_cleanup_batch_size(10);
    store.migrate().await.unwrap();
    let rows = async || -> i64 {
        sqlx::query_scalar(r#"SELECT count(*) FROM "counted_cleanup""#).fetch_one(store.pool()).await.unwrap()
    };
    create_sessions(&store, 3, Duration::from_secs(3600)).await;
    create_sessions(&store, 25, Duration::from_millis(200)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rows().await, 28, "ended rows stay until deleted");

    let before = log.on("counted_cleanup").iter().filter(|text| text.starts_with("DELETE")).count();
    assert_eq!(store.delete_expired().await.unwrap(), 25);
    let deletes = log.on("counted_cleanup").iter().filter(|text| text.starts_with("DELETE")).count() - before;
    assert_eq!(deletes, 3, "28 rows looked at 10 at a time: three deletes");
    assert_eq!(rows().await, 3);

    let cleanup = store.spawn_cleanup(Duration::from_millis(100));
    create_sessions(&store, 5, Duration::from_millis(100)).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while rows().await > 3 {
        assert!(Instant::now() < deadline, "the background task did not delete the ended sessions");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(cleanup);
    create_sessions(&store, 2, Duration::from_millis(50)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(rows().await, 5, "a dropped cleanup deletes nothing more");

    // A zero period would stop the task on its first round, unseen: refused where it is asked for.
    let zero = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store.spawn_cleanup(Duration::ZERO)));
    let message = zero.expect_err("a cleanup every zero seconds started").downcast::<&str>().unwrap();
    assert!(message.contains("needs a period above zero"), "{message}");
}

/// A table as the release before sessions had owners made it, in the file at `url`.
async fn create_older_table(url: &str) -> SqlitePool {
    let pool = SqlitePool::connect(url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE sessions (key BLOB PRIMARY KEY NOT NULL CHECK (length(key) = 32), fields TEXT NOT NULL, \
         created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL); \
         CREATE INDEX sessions_expires_at ON sessions (expires_at);",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool
}

/// A table made before sessions had owners gets the `owner` column and its index from `migrate`, keeps
/// its sessions, and indexes owners from then on.
#[tokio::test]
async fn migrate_gives_an_older_table_its_owner_column() {
    let dir = TempDir::new("sqlite-owner-migration");
    let url = dir.sqlite_url("old.db", "mode=rwc");
    let pool = create_older_table(&url).await;
    let now = now_millis();
    let (old, owned) = (StoreKey::from_bytes([1; 32]), StoreKey::from_bytes([2; 32]));
    sqlx::query("INSERT INTO sessions VALUES (?1, '{\"cart\":\"W10\"}', ?2, ?2, ?3)")
        .bind(&old.as_bytes()[..])
        .bind(i64::try_from(now).unwrap())
        .bind(i64::try_from(now + 3_600_000).unwrap())
        .execute(&pool)
        .await
        .unwrap();

    let store = SqliteStore::from_pool(pool.clone());
    store.migrate().await.unwrap();
    store.migrate().await.expect("migrating twice changes nothing");
    let loaded = store.load(&old).await.unwrap().expect("the older session survives the migration");
    assert_eq!((loaded.fields["cart"].as_slice(), loaded.owner), (&b"[]"[..], None));

    let owner = session_core::store::OwnerKey::of(b"7");
    let record = Record { owner: Some(owner), ..Record::clone(&loaded) };
    assert!(store.create(&owned, &Arc::new(record)).await.unwrap());
    let listed: Vec<StoreKey> = store.owner_sessions(&owner).await.unwrap().into_iter().map(|s| s.key).collect();
    assert_eq!(listed, [owned]);
    let indexes: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'sessions_owner'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(indexes, ["sessions_owner"]);
}

/// SQLite matches table names without regard to case, and so does `migrate`: a store configured as
/// `Sessions` upgrades the older table `sessions` instead of taking it for missing.
#[tokio::test]
async fn migrate_finds_an_older_table_named_in_another_case() {
    let dir = TempDir::new("sqlite-owner-migration-case");
    let pool = create_older_table(&dir.sqlite_url("old.db", "mode=rwc")).await;
    let store = SqliteStore::from_pool(pool).with_table_name("Sessions").unwrap();
    store.migrate().await.expect("the older table gets its owner column");
    let owner = session_core::store::OwnerKey::of(b"7");
    let now = now_millis();
    let record = Record {
        fields: Default::default(),
        created_at: now,
        last_seen: now,
        expires_at: now + 60_000,
        owner: Some(owner),
    };
    assert!(store.create(&StoreKey::from_bytes([3; 32]), &Arc::new(record)).await.unwrap());
    assert_eq!(store.owner_sessions(&owner).await.unwrap().len(), 1);
}

/// Instances of an app starting at once on one file (a restart of several workers) take turns migrating
/// it: each starts, and the table gets its `owner` column once.
#[tokio::test]
async fn instances_starting_at_once_on_an_older_file_all_start() {
    let dir = TempDir::new("sqlite-concurrent-migration");
    let url = dir.sqlite_url("old.db", "mode=rwc");
    create_older_table(&url).await.close().await;
    let started = futures::future::join_all((0..8).map(|_| SqliteStore::connect(&url))).await;
    let stores: Vec<SqliteStore> =
        started.into_iter().map(|store| store.expect("an instance failed to start")).collect();
    let owner_columns: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'owner'")
            .fetch_one(stores[0].pool())
            .await
            .unwrap();
    assert_eq!(owner_columns, 1);
    for store in &stores {
        assert!(store.load(&StoreKey::from_bytes([1; 32])).await.unwrap().is_none());
    }
}

/// A table of the store's name that is the app's own (another framework's `sessions`, in the database the
/// app also uses) is refused when the store starts, naming the fix, and left exactly as it was.
#[tokio::test]
async fn a_table_of_the_stores_name_that_is_not_a_sessions_table_is_refused_unchanged() {
    let dir = TempDir::new("sqlite-foreign-table");
    let url = dir.sqlite_url("app.db", "mode=rwc");
    let app_pool = SqlitePool::connect(&url).await.unwrap();
    sqlx::query("CREATE TABLE sessions (id INTEGER PRIMARY KEY, session_id TEXT, data TEXT)")
        .execute(&app_pool)
        .await
        .unwrap();
    let error = SqliteStore::connect(&url).await.expect_err("the app's own table").to_string();
    assert!(
        error.contains(
            "the table \"sessions\" exists but is not a sessions table: it has no `key` column (its columns: id, \
             session_id, data); nothing was changed: choose another table name with `with_table_name`"
        ),
        "{error}"
    );
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('sessions')").fetch_all(&app_pool).await.unwrap();
    assert_eq!(columns, ["id", "session_id", "data"]);
}
