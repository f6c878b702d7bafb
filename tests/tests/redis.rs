//! `RedisStore` behind the real `SessionLayer` and an axum router, against a private `redis-server`: round
//! trips counted on the wire, what Redis holds, expiry, concurrent requests, and outages.
//!
//! Each test starts its own server (see `tests::redis_server`); without `redis-server` (and, for the TLS
//! test, `openssl`) installed they skip, unless `CI` is set, where they fail.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
    time::{Duration, Instant},
};

use axum::body::Body;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::{Request, StatusCode};
use redis::AsyncCommands;
use session_core::{
    store::{now_millis, OwnerChange, OwnerKey, Patch, Record, RedisStore},
    Key, MemoryStore, SessionLayer, SessionStore, StoreKey,
};
use sha2::{Digest, Sha256};
use tests::{
    apps::{app, expect_unavailable, no_lost_updates},
    browser::Browser,
    captured_logs::CapturedLogs,
    owned::{expect_round_trips, owned_app},
    redis_server::{CommandCounter, RedisServer},
};

async fn connect(url: &str) -> RedisStore {
    RedisStore::connect(url).await.expect("connects to the test server")
}

async fn inspector(server: &RedisServer) -> redis::aio::MultiplexedConnection {
    let client = redis::Client::open(server.url()).unwrap();
    client.get_multiplexed_async_connection().await.unwrap()
}

/// Every key in the server's database.
async fn all_keys(redis: &mut redis::aio::MultiplexedConnection) -> Vec<String> {
    let mut keys = Vec::new();
    let mut cursor = 0_u64;
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN").arg(cursor).query_async(redis).await.unwrap();
        keys.extend(batch);
        if next == 0 {
            return keys;
        }
        cursor = next;
    }
}

/// The session id carried in the browser's id cookie: a signature, then the 22-character id.
fn session_id(browser: &Browser) -> String {
    let cookie = &browser.cookies["__Host-id"];
    cookie[cookie.len() - 22..].to_owned()
}

/// The key `RedisStore` should file a session id under: `session:` and the hex SHA-256 of the id's bytes.
fn expected_key(id: &str) -> String {
    let digest = Sha256::digest(URL_SAFE_NO_PAD.decode(id).unwrap());
    format!("session:{}", digest.iter().map(|byte| format!("{byte:02x}")).collect::<String>())
}

/// The commands the store's scripts run inside the one round trip of their `EVALSHA`, which Redis counts
/// under their own names; the store never sends them itself.
const RUN_BY_SCRIPTS: [&str; 12] = [
    "hget",
    "hmget",
    "hset",
    "hdel",
    "pexpireat",
    "unlink",
    "del",
    "rename",
    "sadd",
    "srem",
    "smembers",
    "srandmember",
];

/// Round trips counted twice: on the wire, by a proxy between the store and Redis, and by Redis itself
/// (`INFO commandstats`), where every command a client sent counts once, an `EVALSHA` as one whatever its
/// script runs.
#[tokio::test]
async fn round_trips_are_one_per_read_two_per_write_and_three_for_a_new_id_on_the_wire_and_by_the_servers_count() {
    let Some(server) = RedisServer::start() else { return };
    let counter = CommandCounter::start(&server);
    let store = connect(&counter.url()).await;
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));

    let mut steps = Vec::new();
    for (method, path, expected, what) in [
        ("GET", "/theme", 0, "a cookie-only read"),
        ("POST", "/theme/dark", 0, "a cookie-only write"),
        ("POST", "/login/7", 1, "a new visitor's first write: one create"),
        ("GET", "/user", 1, "a read of two session fields: one load"),
        ("GET", "/user", 1, "another read"),
        ("POST", "/cart/apple", 2, "read and write: one load, one save"),
        ("GET", "/theme", 0, "a cookie-only read with a session"),
        ("POST", "/cycle", 3, "a new id: one load, the old id's marker, one cycle"),
        ("GET", "/user", 1, "a read under the new id"),
        ("POST", "/logout", 1, "destroy: one delete"),
    ] {
        let (on_the_wire, by_redis) = (counter.commands(), server.command_calls());
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let reply = browser.send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{method} {path}: {}", reply.body);
        let sent = counter.commands() - on_the_wire;
        let ran: BTreeMap<String, u64> = (server.command_calls().into_iter())
            .filter_map(|(name, calls)| {
                let calls = calls - by_redis.get(&name).copied().unwrap_or(0);
                (calls > 0).then_some((name, calls))
            })
            .collect();
        let counted: u64 =
            ran.iter().filter(|(name, _)| !RUN_BY_SCRIPTS.contains(&name.as_str())).map(|(_, calls)| calls).sum();
        steps.push(format!("{method} {path}: {sent} sent, Redis ran {ran:?}"));
        assert_eq!(sent, expected, "{what} ({method} {path}) sent {sent} commands; so far: {steps:?}");
        assert_eq!(counted, expected as u64, "{what} ({method} {path}): Redis counted {counted}; so far: {steps:?}");
    }
}

/// Owned sessions cost what others do: the index is written in the same script as the record, and a read
/// never touches it.
#[tokio::test]
async fn owned_sessions_cost_the_same_round_trips_and_their_index_holds_no_id() {
    let Some(server) = RedisServer::start() else { return };
    let counter = CommandCounter::start(&server);
    let store = connect(&counter.url()).await;
    let app = owned_app(SessionLayer::new(store, Key::generate()));
    let [mut laptop, _] = expect_round_trips(app, async || counter.commands()).await;
    let mut redis = inspector(&server).await;
    let mut keys = all_keys(&mut redis).await;
    keys.sort();
    let live = expected_key(&session_id(&laptop));
    let index = keys.iter().find(|key| key.starts_with("session:owner:")).expect("an owner index").clone();
    // Markers of the ids that sign-ins and the new id moved (with no fields, owner or index), gone in a minute.
    let markers: Vec<String> = keys.iter().filter(|key| **key != live && **key != index).cloned().collect();
    assert_eq!(markers.len(), 2, "the live session, its owner's index and two markers: {keys:?}");
    for marker in &markers {
        let fields: Vec<String> = redis::cmd("HKEYS").arg(marker).query_async(&mut redis).await.unwrap();
        assert_eq!(fields, ["t"], "a marker holds nothing but its times");
        let ttl: i64 = redis.pttl(marker).await.unwrap();
        assert!(0 < ttl && ttl <= 60_000, "{ttl}");
    }
    let members: Vec<String> = redis::cmd("SMEMBERS").arg(&index).query_async(&mut redis).await.unwrap();
    assert_eq!(members, std::slice::from_ref(&live), "the index names the hash of the live id, and nothing else");
    let owner: String = redis::cmd("HGET").arg(&live).arg("o").query_async(&mut redis).await.unwrap();
    assert_eq!(owner, index);
    let hashed_owner = session_core::store::OwnerKey::of(b"7").to_hex();
    assert_eq!(index, format!("session:owner:{hashed_owner}"), "the index is named by the hash of the owner");

    laptop.post("/logout").await;
    let mut left = all_keys(&mut redis).await;
    left.sort();
    let mut markers = markers;
    markers.sort();
    assert_eq!(left, markers, "a destroyed session leaves no index behind");
}

#[tokio::test]
async fn redis_holds_the_hash_of_the_id_never_the_id() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));
    browser.post("/login/7").await;
    browser.post("/cart/apple").await;
    let first_id = session_id(&browser);
    browser.post("/cycle").await;
    browser.post("/cart/pear").await;
    let live_id = session_id(&browser);
    assert_ne!(first_id, live_id);

    let mut redis = inspector(&server).await;
    let mut keys = all_keys(&mut redis).await;
    // The marker of the old id's move: no fields, and a key of its own, named by neither id.
    let live = expected_key(&live_id);
    assert_eq!(keys.len(), 2, "the live session and the marker of the old id's move: {keys:?}");
    assert!(keys.contains(&live), "one key named by the hash of the live id: {keys:?}");
    assert!(!keys.contains(&expected_key(&first_id)));
    keys.retain(|key| *key != live);
    let marker_fields: Vec<String> = redis::cmd("HKEYS").arg(&keys[0]).query_async(&mut redis).await.unwrap();
    assert_eq!(marker_fields, ["t"], "a marker holds nothing but its times");
    let keys = [live];
    let mut stored = keys.to_vec();
    for key in &keys {
        let fields: Vec<(String, Vec<u8>)> = redis.hgetall(key).await.unwrap();
        assert_eq!(
            fields.iter().map(|(name, _)| name.as_str()).collect::<BTreeSet<_>>(),
            BTreeSet::from(["f:cart", "f:user_id", "t"]),
        );
        // `t`: the deadline, the last activity and the creation, in ms.
        let times = &fields.iter().find(|(name, _)| name == "t").unwrap().1;
        let times: Vec<u64> = std::str::from_utf8(times).unwrap().split(' ').map(|n| n.parse().unwrap()).collect();
        let [expires, last_seen, created] = times[..] else { panic!("three times: {times:?}") };
        assert!(created <= last_seen && last_seen < expires, "{times:?}");
        stored.extend(fields.into_iter().flat_map(|(name, value)| [name, String::from_utf8_lossy(&value).into()]));
    }
    for id in [&first_id, &live_id] {
        let raw = URL_SAFE_NO_PAD.decode(id).unwrap();
        for text in &stored {
            assert!(!text.contains(id.as_str()), "the id text is stored: {text:?}");
            assert!(!text.as_bytes().windows(raw.len()).any(|window| window == raw), "the raw id is stored");
        }
    }
    let old_exists: bool = redis.exists(expected_key(&first_id)).await.unwrap();
    assert!(!old_exists, "the old id's record outlived cycle_id");
}

#[tokio::test]
async fn the_key_expires_with_the_session_and_redis_reclaims_it_unasked() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let idle = Duration::from_millis(600);
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate()).with_idle_timeout(idle)));
    browser.post("/login/7").await;
    let mut redis = inspector(&server).await;
    let key = expected_key(&session_id(&browser));
    let ttl: i64 = redis.pttl(&key).await.unwrap();
    assert!(0 < ttl && ttl <= 600, "the key's TTL follows the idle timeout: {ttl} ms");

    // Nobody reads the session again: Redis's own expiry reclaims it.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let size: usize = redis::cmd("DBSIZE").query_async(&mut redis).await.unwrap();
        if size == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "Redis still holds the ended session");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(browser.get("/user").await.body, "None None");
}

#[tokio::test]
async fn activity_moves_the_key_expiry_but_never_past_the_absolute_timeout() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let layer = SessionLayer::new(store, Key::generate())
        .with_idle_timeout(Duration::from_millis(1_000))
        .with_absolute_timeout(Duration::from_millis(2_500));
    let mut browser = Browser::new(app(layer));
    let started = Instant::now();
    browser.post("/login/7").await;
    let mut redis = inspector(&server).await;
    let key = expected_key(&session_id(&browser));

    // Writes every 300 ms keep the session past its first idle deadline...
    for item in 0.. {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if started.elapsed() > Duration::from_millis(1_800) {
            break;
        }
        assert_eq!(browser.post(&format!("/cart/{item}")).await.status, StatusCode::OK);
        let ttl: i64 = redis.pttl(&key).await.unwrap();
        let to_absolute = 2_500 - i64::try_from(started.elapsed().as_millis()).unwrap();
        assert!(
            0 < ttl && ttl <= to_absolute.min(1_000) + 50,
            "TTL {ttl} ms, {to_absolute} ms to the absolute deadline"
        );
    }
    assert!(browser.get("/user").await.body.starts_with("Some(7)"), "the session outlived its first idle deadline");
    // ...but not past the absolute one.
    tokio::time::sleep(Duration::from_millis(2_600).saturating_sub(started.elapsed())).await;
    let exists: bool = redis.exists(&key).await.unwrap();
    assert!(!exists, "the key outlived the absolute timeout");
    assert_eq!(browser.get("/user").await.body, "None None");
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_lose_no_update_in_redis() {
    let Some(server) = RedisServer::start() else { return };
    no_lost_updates(connect(&server.url()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_lose_no_update_in_memory() {
    no_lost_updates(MemoryStore::default()).await;
}

#[tokio::test]
async fn with_redis_killed_session_requests_get_503_fast_and_all_comes_back_after_a_restart() {
    let Some(mut server) = RedisServer::start_durable() else { return };
    let app = app(SessionLayer::new(connect(&server.url()).await, Key::generate()));
    let mut browser = Browser::new(app.clone());
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    let mut acknowledged = Vec::new();
    for item in 0..20 {
        let item = format!("item{item}");
        assert_eq!(browser.post(&format!("/cart/{item}")).await.status, StatusCode::OK);
        acknowledged.push(item);
    }

    server.kill();
    let outage = Instant::now();
    let mut newcomer = Browser::new(app.clone());
    let mut theme = "None";
    while outage.elapsed() < Duration::from_secs(3) {
        expect_unavailable(&mut browser, "GET", "/user").await;
        expect_unavailable(&mut browser, "POST", "/cart/lost").await;
        expect_unavailable(&mut newcomer, "POST", "/login/8").await;
        assert_eq!(browser.get("/theme").await.body, theme, "a cookie-only read during the outage");
        let reply = browser.post("/theme/dark").await;
        assert_eq!(reply.status, StatusCode::OK, "a cookie-only write during the outage");
        assert!(reply.set_cookie("theme").is_some());
        theme = "Some(Dark)";
    }
    // A quiet spell, so the client's reconnection attempts have all failed and it holds a dead connection
    // when Redis returns: the first request after the restart must still succeed.
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.restart();

    let reply = browser.get("/user").await;
    assert_eq!(reply.status, StatusCode::OK, "the first request after the restart: {}", reply.body);
    assert_eq!(reply.body, format!("Some(7) Some({acknowledged:?})"), "every acknowledged write survived");
    assert_eq!(browser.post("/cart/after").await.status, StatusCode::OK);
    acknowledged.push("after".into());
    assert_eq!(browser.get("/user").await.body, format!("Some(7) Some({acknowledged:?})"));
    assert_eq!(newcomer.post("/login/8").await.status, StatusCode::OK, "new sessions start again");
    assert_eq!(browser.get("/theme").await.body, "Some(Dark)");
}

#[tokio::test]
async fn with_redis_hung_session_requests_time_out_with_503_and_recover() {
    let Some(server) = RedisServer::start() else { return };
    let mut browser = Browser::new(app(SessionLayer::new(connect(&server.url()).await, Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);

    server.pause();
    expect_unavailable(&mut browser, "GET", "/user").await;
    assert_eq!(browser.post("/theme/dark").await.status, StatusCode::OK, "cookie-only requests never wait");
    server.resume();

    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let reply = browser.get("/user").await;
        if reply.status == StatusCode::OK {
            assert_eq!(reply.body, "Some(7) None");
            break;
        }
        assert!(Instant::now() < deadline, "still failing after Redis resumed: {}", reply.body);
    }
}

/// A connection that goes silent while Redis is fine (a failover behind a virtual address, a NAT entry
/// dropped) fails the requests on it at the timeout, and is replaced: sessions work again without
/// restarting the app, not only once the operating system gives up on the connection.
#[tokio::test]
async fn a_connection_gone_silent_is_replaced_after_a_timeout() {
    let Some(server) = RedisServer::start() else { return };
    let proxy = CommandCounter::start(&server);
    let store = connect(&proxy.url()).await;
    create(&store, &key(1), None, an_hour_from_now()).await;

    proxy.silence_open_connections();
    let started = Instant::now();
    store.load(&key(1)).await.expect_err("loaded over a silent connection");
    let waited = started.elapsed();
    assert!(waited < RedisStore::DEFAULT_RESPONSE_TIMEOUT + Duration::from_secs(1), "failed after {waited:?}");
    let deadline = Instant::now() + 2 * RedisStore::DEFAULT_RESPONSE_TIMEOUT;
    loop {
        match store.load(&key(1)).await {
            Ok(record) => break assert!(record.is_some(), "the session was lost"),
            Err(error) => assert!(Instant::now() < deadline, "still failing: {error}"),
        }
    }
}

#[tokio::test]
async fn connect_reports_a_bad_url_or_an_absent_server() {
    let error = RedisStore::connect("http://127.0.0.1:1").await.unwrap_err();
    assert!(error.to_string().contains("invalid Redis URL"), "{error}");
    let started = Instant::now();
    let error = RedisStore::connect("unix:///nonexistent/redis.sock").await.unwrap_err();
    assert!(error.to_string().contains("unavailable"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn rediss_connects_over_tls() {
    let Some(server) = RedisServer::start_with_tls() else { return };
    let url = server.tls_url().unwrap();
    let certificates = redis::TlsCertificates { client_tls: None, root_cert: Some(server.ca_certificate()) };
    let client = redis::Client::build_with_tls(url.as_str(), certificates).unwrap();
    let store = RedisStore::with_client(client).await.expect("connects over TLS, trusting the test authority");
    let mut browser = Browser::new(app(SessionLayer::new(store, Key::generate())));
    assert_eq!(browser.post("/login/7").await.status, StatusCode::OK);
    assert_eq!(browser.post("/cart/apple").await.status, StatusCode::OK);
    assert_eq!(browser.get("/user").await.body, "Some(7) Some([\"apple\"])");

    // A bare URL trusts only public authorities: this server's certificate is refused, promptly.
    let started = Instant::now();
    let error = RedisStore::connect(&url).await.expect_err("a certificate from an unknown authority");
    assert!(format!("{error:?}").contains("UnknownIssuer"), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Creates, through `store`, a one-field session under `key` whose own deadline is `ttl` from now.
async fn create_short_lived(store: &RedisStore, key: &StoreKey, ttl: Duration) {
    create(store, key, None, now_millis() + u64::try_from(ttl.as_millis()).unwrap()).await;
}

/// Creates, through `store`, a one-field session under `key`, owned by `owner`, that ends at `expires_at`.
async fn create(store: &RedisStore, key: &StoreKey, owner: Option<OwnerKey>, expires_at: u64) {
    let now = now_millis();
    let record = Record {
        fields: [("user_id".to_owned(), b"7".to_vec())].into(),
        created_at: now,
        last_seen: now,
        expires_at,
        owner,
    };
    assert!(store.create(key, &Arc::new(record)).await.unwrap(), "created");
}

/// Leaves the key of `key`'s record in Redis past the record's own deadline, as a Redis whose clock runs
/// behind the app's does: the key's expiry is removed (`PERSIST`), the record's deadline (`e`) kept. The
/// key's name is the store's layout: `session:` and the hex of the store key.
async fn keep_past_its_deadline_in_redis(server: &RedisServer, key: &StoreKey) {
    let mut redis = inspector(server).await;
    let persisted: bool = redis.persist(format!("session:{}", key.to_hex())).await.unwrap();
    assert!(persisted, "the key had an expiry to remove");
}

/// A deadline an hour from now, as a request's commit would give a session.
fn an_hour_from_now() -> u64 {
    now_millis() + 3_600_000
}

/// The app, not Redis's clock, decides when a session has ended: a save that arrives after the record's own
/// deadline (a request that loaded it just before) must not revive it, although Redis still holds the key.
#[tokio::test]
async fn a_save_after_the_records_own_deadline_revives_nothing_though_redis_still_holds_the_key() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let key = StoreKey::from_bytes([1; 32]);
    create_short_lived(&store, &key, Duration::from_millis(500)).await;
    keep_past_its_deadline_in_redis(&server, &key).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(store.load(&key).await.unwrap(), None, "a record past its own deadline reads as absent");

    let changes = [("user_id", Some(b"8".to_vec()))];
    let patch = Patch {
        changes: &changes,
        last_seen: now_millis(),
        expires_at: an_hour_from_now(),
        owner: session_core::store::OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    let saved = store.save(&key, &patch).await.unwrap();
    assert!(!saved, "the save was applied to a record past its own deadline");
    assert_eq!(store.load(&key).await.unwrap(), None, "the save revived the session");
}

/// As for a save: moving a session to a new id after the record's own deadline must move nothing, although
/// Redis still holds the old key.
#[tokio::test]
async fn a_cycle_after_the_records_own_deadline_moves_nothing_though_redis_still_holds_the_key() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let (old, new) = (StoreKey::from_bytes([1; 32]), StoreKey::from_bytes([2; 32]));
    create_short_lived(&store, &old, Duration::from_millis(500)).await;
    keep_past_its_deadline_in_redis(&server, &old).await;
    tokio::time::sleep(Duration::from_millis(700)).await;

    // The commit of a request that loaded the record before its deadline.
    let changes = [("roles", Some(b"[]".to_vec()))];
    let patch = Patch {
        changes: &changes,
        last_seen: now_millis(),
        expires_at: an_hour_from_now(),
        owner: session_core::store::OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    let cycled = store.cycle(&old, &new, &patch).await.unwrap();
    assert!(!cycled, "a record past its own deadline was moved to a new id");
    assert_eq!(store.load(&new).await.unwrap(), None, "the cycle revived the session under the new id");
}

/// The key of test session `byte`: 32 times that byte.
fn key(byte: u8) -> StoreKey {
    StoreKey::from_bytes([byte; 32])
}

/// The name of `owner`'s index: `session:owner:` and the hex of the owner key.
fn owner_index(owner: &OwnerKey) -> String {
    format!("session:owner:{}", owner.to_hex())
}

/// Creates test sessions `bytes`, owned by `owner`, and waits until they have ended and their keys expired.
async fn create_owned_and_let_end(store: &RedisStore, owner: OwnerKey, bytes: impl IntoIterator<Item = u8>) {
    for byte in bytes {
        create(store, &key(byte), Some(owner), now_millis() + 300).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// A hand-edited owner index whose member names a key that is no session hash, or whose own key is no
/// set, breaks none of the owner's operations: the listing and "sign out everywhere" find the sessions and
/// drop the member, leaving the key it names alone, and a logout or a new id completes. A sign-in into an
/// index that is no set is refused before it changes anything, rather than failing halfway.
#[tokio::test]
async fn keys_of_another_type_in_an_owners_index_are_skipped_not_fatal() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let mut redis = inspector(&server).await;
    let owner = OwnerKey::of(b"7");
    let index = owner_index(&owner);
    for byte in [1, 2, 3] {
        create(&store, &key(byte), Some(owner), an_hour_from_now()).await;
    }
    let () = redis.set("other-apps-key", "kept").await.unwrap();
    let _: usize = redis.sadd(&index, "other-apps-key").await.unwrap();

    assert_eq!(store.owner_sessions(&owner).await.unwrap().len(), 3);
    let is_member: bool = redis.sismember(&index, "other-apps-key").await.unwrap();
    assert!(!is_member, "the listing kept a member that is no session");
    let _: usize = redis.sadd(&index, "other-apps-key").await.unwrap();
    assert_eq!(store.revoke_owner(&owner, Some(&key(1))).await.unwrap(), Some(2));
    assert_eq!((store.load(&key(2)).await.unwrap(), store.load(&key(3)).await.unwrap()), (None, None));
    let other: String = redis.get("other-apps-key").await.unwrap();
    assert_eq!(other, "kept", "a revocation touched a key that is no session");

    // The index replaced by a string: a new id and the logout still complete.
    let () = redis.set(&index, "not a set").await.unwrap();
    let keep = Patch {
        changes: &[],
        last_seen: now_millis(),
        expires_at: an_hour_from_now(),
        owner: OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    assert!(store.cycle(&key(1), &key(4), &keep).await.unwrap());
    assert!(store.delete(&key(4)).await.unwrap());
    assert_eq!(store.load(&key(4)).await.unwrap(), None);

    // A sign-in into it is refused, and the session is as it was.
    create(&store, &key(5), None, an_hour_from_now()).await;
    let changes = [("roles", Some(b"[]".to_vec()))];
    let sign_in = Patch { changes: &changes, owner: OwnerChange::Set(owner), ..keep };
    let error = store.save(&key(5), &sign_in).await.expect_err("joined an index that is no set");
    assert!(format!("{error:?}").contains("is a string, not a set: nothing was changed"), "{error:?}");
    let record = store.load(&key(5)).await.unwrap().expect("the session is there");
    assert_eq!((record.fields.get("roles"), record.owner), (None, None), "the refused sign-in changed the session");
    let index_now: String = redis.get(&index).await.unwrap();
    assert_eq!(index_now, "not a set");
}

/// A session hash edited by hand into times the store cannot read, or its key replaced by one of another
/// type, is reported as unreadable, which the layer answers by starting over, not as an outage; the key is
/// left as it is.
#[tokio::test]
async fn a_session_key_edited_by_hand_is_unreadable_not_an_outage() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let mut redis = inspector(&server).await;
    create(&store, &key(1), None, an_hour_from_now()).await;
    let name = format!("session:{}", key(1).to_hex());
    let _: usize = redis.hset(&name, "t", "yesterday").await.unwrap();
    let error = store.load(&key(1)).await.expect_err("loaded times that are no times");
    assert!(error.is_unreadable(), "{error:?}");
    let times: String = redis.hget(&name, "t").await.unwrap();
    assert_eq!(times, "yesterday");

    let () = redis.set(&name, "edited by hand").await.unwrap();
    let error = store.load(&key(1)).await.expect_err("loaded a key that is no hash");
    assert!(error.is_unreadable(), "{error:?}");
    let value: String = redis.get(&name).await.unwrap();
    assert_eq!(value, "edited by hand");
}

/// A sign-in whose commit gives the session a deadline already past (a "remember me" that reached the
/// absolute timeout during the request) ends it, and Redis deletes its key: the owner must not bring the
/// key back, holding nothing but the owner, with no expiry for Redis to reclaim it by.
#[tokio::test]
async fn a_sign_in_that_ends_the_session_leaves_no_key_behind() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let mut redis = inspector(&server).await;
    let owner = OwnerKey::of(b"7");
    let changes = [("user_id", Some(b"7".to_vec()))];
    let ended = |owner| Patch {
        changes: &changes,
        last_seen: now_millis(),
        expires_at: now_millis() - 1,
        owner,
        replaces_deadline: true,
        created_at: None,
    };
    for change in [OwnerChange::Set(owner), OwnerChange::Adopt(owner)] {
        create(&store, &key(1), None, an_hour_from_now()).await;
        create(&store, &key(2), None, an_hour_from_now()).await;
        store.save(&key(1), &ended(change)).await.unwrap();
        store.cycle(&key(2), &key(3), &ended(change)).await.unwrap();
        assert_eq!(all_keys(&mut redis).await, Vec::<String>::new(), "a key outlived its session");
    }
}

/// An owner's index holds their live sessions, not every sign-in since their first: each way a session joins
/// it (created owned, or given the owner by a save or a cycle) first drops the members whose session has
/// ended among those it draws, all of them in a set this small, though nothing listed or revoked the
/// owner's sessions in between.
#[tokio::test]
async fn a_sign_in_drops_the_owners_ended_sessions_from_their_index() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let mut redis = inspector(&server).await;
    let owner = OwnerKey::of(b"7");
    let index = owner_index(&owner);
    let members = async |redis: &mut redis::aio::MultiplexedConnection| {
        let members: BTreeSet<String> = redis.smembers(&index).await.unwrap();
        members
    };
    let names = |bytes: &[u8]| -> BTreeSet<String> {
        bytes.iter().map(|byte| format!("session:{}", key(*byte).to_hex())).collect()
    };
    let give_owner = Patch {
        changes: &[],
        last_seen: now_millis(),
        expires_at: an_hour_from_now(),
        owner: OwnerChange::Set(owner),
        replaces_deadline: false,
        created_at: None,
    };

    create_owned_and_let_end(&store, owner, 1..=3).await;
    assert_eq!(members(&mut redis).await, names(&[1, 2, 3]), "ended sessions stay members until a sign-in");
    create(&store, &key(10), Some(owner), an_hour_from_now()).await;
    assert_eq!(members(&mut redis).await, names(&[10]), "a session created owned");

    create_owned_and_let_end(&store, owner, 4..=5).await;
    create(&store, &key(11), None, an_hour_from_now()).await;
    assert!(store.save(&key(11), &give_owner).await.unwrap());
    assert_eq!(members(&mut redis).await, names(&[10, 11]), "a session given its owner by a save");

    create_owned_and_let_end(&store, owner, [6]).await;
    create(&store, &key(12), None, an_hour_from_now()).await;
    assert!(store.cycle(&key(12), &key(13), &give_owner).await.unwrap());
    assert_eq!(members(&mut redis).await, names(&[10, 11, 13]), "a session given its owner by a cycle");

    let listed: BTreeSet<StoreKey> = store.owner_sessions(&owner).await.unwrap().into_iter().map(|s| s.key).collect();
    assert_eq!(listed, BTreeSet::from([10, 11, 13].map(key)), "the listing agrees");
}

/// A sign-in's work on the index is bounded, whatever the owner's sessions: it draws 16 members, and drops
/// the ended ones among them.
#[tokio::test]
async fn a_sign_in_looks_at_sixteen_members_of_a_large_index() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let mut redis = inspector(&server).await;
    let owner = OwnerKey::of(b"7");
    create_owned_and_let_end(&store, owner, 0..40).await;

    create(&store, &key(100), Some(owner), an_hour_from_now()).await;
    let members: usize = redis.scard(owner_index(&owner)).await.unwrap();
    assert_eq!(members, 40 - 16 + 1, "16 ended members dropped, the new one added");
    let listed = store.owner_sessions(&owner).await.unwrap();
    assert_eq!(listed.len(), 1, "the one live session listed");
    let members: usize = redis.scard(owner_index(&owner)).await.unwrap();
    assert_eq!(members, 1, "a listing drops every ended member");
}

/// App servers' clocks differ a little. A session that one server's clock has just ended may be saved, and
/// so extended, by another whose clock is behind; a save does not rejoin the owner's index, so a listing on
/// the first server must not drop it from the index, or a later password reset would miss a live session.
#[tokio::test]
async fn a_session_ended_by_one_servers_clock_alone_stays_in_its_owners_index() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let mut redis = inspector(&server).await;
    let owner = OwnerKey::of(b"7");
    create(&store, &key(1), Some(owner), an_hour_from_now()).await;
    let hash = format!("session:{}", key(1).to_hex());
    let times: String = redis.hget(&hash, "t").await.unwrap();

    // As a server whose clock is past the deadline sees it: the record's own deadline is behind.
    let (_, rest) = times.split_once(' ').unwrap();
    let () = redis.hset(&hash, "t", format!("{} {rest}", now_millis() - 1)).await.unwrap();
    assert_eq!(store.owner_sessions(&owner).await.unwrap(), Vec::new(), "an ended session was listed");
    let member: bool = redis.sismember(owner_index(&owner), &hash).await.unwrap();
    assert!(member, "a listing dropped a session that Redis still holds");

    // A server whose clock is behind saved it meanwhile, an hour on.
    let () = redis.hset(&hash, "t", times).await.unwrap();
    assert_eq!(store.owner_sessions(&owner).await.unwrap().len(), 1);
    assert_eq!(store.revoke_owner(&owner, None).await.unwrap(), Some(1), "the password reset missed it");
    assert_eq!(store.load(&key(1)).await.unwrap(), None);
}

/// Redis's Lua passes at most some 8,000 values to one command, and a script that fails midway keeps what
/// it did before: a write of more fields than one command takes is refused before it is sent, changing
/// nothing, where a cycle used to move the session and then fail.
#[tokio::test]
async fn a_write_of_more_fields_than_one_command_takes_is_refused_changing_nothing() {
    let Some(server) = RedisServer::start() else { return };
    let store = connect(&server.url()).await;
    let names: Vec<&'static str> = (0..3_501).map(|i| &*Box::leak(format!("field{i}").into_boxed_str())).collect();
    let now = now_millis();
    let record = |count: usize| {
        let fields = names[..count].iter().map(|name| ((*name).to_owned(), b"1".to_vec())).collect();
        Arc::new(Record { fields, created_at: now, last_seen: now, expires_at: now + 60_000, owner: None })
    };
    let (old, new) = (StoreKey::from_bytes([1; 32]), StoreKey::from_bytes([2; 32]));
    assert!(store.create(&old, &record(3_500)).await.unwrap(), "as many fields as one write takes");
    let refused = store.create(&new, &record(3_501)).await.unwrap_err();
    assert!(refused.is_too_large(), "{refused}");

    let changes: Vec<(&'static str, Option<Vec<u8>>)> = names.iter().map(|name| (*name, Some(b"2".to_vec()))).collect();
    let patch = Patch {
        changes: &changes,
        last_seen: now,
        expires_at: now + 60_000,
        owner: OwnerChange::Keep,
        replaces_deadline: false,
        created_at: None,
    };
    assert!(store.cycle(&old, &new, &patch).await.unwrap_err().is_too_large());
    assert!(store.save(&old, &patch).await.unwrap_err().is_too_large());
    let kept = store.load(&old).await.unwrap().expect("the session stays under its key");
    assert_eq!(kept.fields.len(), 3_500);
    assert!(kept.fields.values().all(|value| value == b"1"), "a refused write changed a field");
    assert!(store.load(&new).await.unwrap().is_none());
}

/// A Redis that may evict any key when its memory is full could evict an owner's index while its sessions
/// stay, and `revoke_owner` would miss them: connecting to one logs a warning that names the setting to use.
#[tokio::test]
async fn connecting_to_a_redis_that_evicts_any_key_warns_naming_the_policy_to_use() {
    let Some(server) = RedisServer::start() else { return };
    let (logs, _guard) = CapturedLogs::everything_logged_here();
    connect(&server.url()).await;
    assert!(!logs.text().contains("maxmemory-policy"), "Redis's default, noeviction, is fine:\n{}", logs.text());

    let mut redis = inspector(&server).await;
    let () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory-policy")
        .arg("allkeys-lru")
        .query_async(&mut redis)
        .await
        .unwrap();
    connect(&server.url()).await;
    let text = logs.text();
    let warning =
        text.lines().find(|line| line.contains("maxmemory-policy allkeys-lru")).unwrap_or_else(|| panic!("{text}"));
    assert!(warning.contains(" WARN ") && warning.contains("volatile-lru"), "{warning}");

    // A user whose ACL does not allow `CONFIG` (as on managed Redis) cannot see the policy: the same advice,
    // as a question.
    let () = redis::cmd("ACL")
        .arg(&["SETUSER", "web", "on", "nopass", "~*", "+@all", "-@dangerous"])
        .query_async(&mut redis)
        .await
        .unwrap();
    connect(&format!("{}?user=web&pass=any", server.url())).await;
    let text = logs.text();
    let warning = text
        .lines()
        .find(|line| line.contains("maxmemory-policy could not be read"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(warning.contains(" WARN ") && warning.contains("volatile-"), "{warning}");
}
