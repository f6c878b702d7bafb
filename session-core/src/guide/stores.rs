//! Stores: where `#[session]` fields are kept.
//!
//! [`SessionLayer`](crate::SessionLayer) is generic over its store, so the store is chosen once, where the
//! layer is built, and handlers do not change with it. Records are filed under the SHA-256 of the session
//! id ([`StoreKey`](crate::StoreKey)): the id itself is never stored, so a dump of the store does not hand
//! out live sessions.
//!
//! # `MemoryStore`: one process
//!
//! [`MemoryStore::default()`](crate::MemoryStore) keeps sessions in the process, so they end when it
//! exits. A clone is a cheap handle to the same map. It is sharded so concurrent requests rarely wait on
//! each other, reclaims expired sessions as it is used (nothing needs to read them first), and is bounded
//! in sessions ([`MemoryStore::DEFAULT_MAX_SESSIONS`](crate::MemoryStore::DEFAULT_MAX_SESSIONS), a
//! million) and in bytes ([`MemoryStore::DEFAULT_MAX_BYTES`](crate::MemoryStore::DEFAULT_MAX_BYTES)): when
//! a new or growing session would pass a bound, the sessions closest to expiry make room, so visitors who
//! each fill a large cart cannot grow the process without limit. A session counts for the heap it takes,
//! its tables included (see [`with_max_bytes`](crate::MemoryStore::with_max_bytes)). Closest to expiry
//! means the earliest stored deadline, which a read moves only once half the idle timeout has passed
//! since the last write: under a flood of new sessions, a visitor who has only read for a while goes
//! before one who wrote a minute ago. Size the bounds for your peak with room to spare.
//!
//! ```
//! use session_core::{Key, MemoryStore, SessionLayer};
//!
//! let store = MemoryStore::default().with_max_sessions(10_000).with_max_bytes(64 << 20);
//! let layer = SessionLayer::new(store.clone(), Key::generate());
//! assert!(store.is_empty()); // the layer's handle and this one see the same sessions
//! # let _ = layer;
//! ```
//!
//! # `SqliteStore`: one machine, sessions that survive a restart
//!
//! `SqliteStore` (feature `sqlite`, with SQLite compiled in) keeps each session as one row of a table in
//! an SQLite file, keyed by the 32-byte store key, its fields one JSON object of base64url strings.
//! Every load and every write is one statement: a save merges its fields into the stored object
//! (`json_patch`), a new id moves the row with one `UPDATE`, and each statement compares the row's
//! deadline with the app's clock, passed as a parameter. `SqliteStore::connect` creates
//! the table when it is missing and puts a new database in write-ahead-log mode, so requests that read
//! never wait for one that writes. The store's writes take turns: a write waits up to
//! `SqliteStore::DEFAULT_BUSY_TIMEOUT` (2 seconds) for its turn, then, if another connection holds the
//! file's lock, up to its connection's busy timeout (2 seconds more on the connections `connect` opens);
//! that, or a file opened read-only (`?mode=ro`), answers the request with a 503.
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//!
//! use session_core::{Key, SessionLayer, SqliteStore};
//!
//! let store = SqliteStore::connect("sqlite://sessions.db?mode=rwc").await?;
//! let _cleanup = store.spawn_cleanup(Duration::from_secs(600)); // deletes ended rows until dropped
//! let layer = SessionLayer::new(store, Key::from_env("SESSION_KEY")?);
//! # let _ = layer;
//! # Ok(()) }
//! ```
//!
//! # `PostgresStore`: several machines and PostgreSQL
//!
//! `PostgresStore` (feature `postgres`) keeps the same rows in PostgreSQL, the fields in a `JSONB`
//! column merged by the server (`(fields || $set) - $removed`), so concurrent requests that set different
//! fields all survive. Every operation is one statement (a new id too: one statement locks the old row,
//! writes the new one and deletes the old), without a transaction around it, except `revoke_owner`,
//! which locks the table in a short transaction so that no save or new id slips past it. The pool does
//! not ping before each use, so a request costs the round trips of its statements. An operation that has not
//! finished within `PostgresStore::DEFAULT_TIMEOUT` (2 seconds) answers 503; a stopped server answers at
//! once, and after a restart the connections it closed are replaced on first use, without restarting the
//! app. The connections `connect` opens have the server cancel a statement at that timeout too, so that
//! writes stuck behind a lock on one session's row cannot hold the pool's connections from the others (give
//! a pool of the app's own a `statement_timeout` for the same reason). Behind PgBouncer, which refuses the
//! startup `options` that carry it, see `PostgresStore::connect` for the setting to add.
//!
//! ```no_run
//! # #[cfg(feature = "postgres")]
//! # async fn run(pool: sqlx::PgPool) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//!
//! use session_core::{Key, PostgresStore, SessionLayer};
//!
//! // The table `sessions`, created if missing.
//! let store = PostgresStore::connect("postgres://app:secret@db.internal/app").await?;
//! // Or the app's own pool, schema and table; `migrate` creates them if missing.
//! let store = PostgresStore::from_pool(pool).with_schema("auth")?.with_table_name("web_sessions")?;
//! store.migrate().await?;
//! let _cleanup = store.spawn_cleanup(Duration::from_secs(600));
//! let layer = SessionLayer::new(store, Key::from_env("SESSION_KEY")?);
//! # let _ = layer;
//! # Ok(()) }
//! ```
//!
//! Table and schema names are refused, with a `StoreError`, unless they are 1 to 48 ASCII letters,
//! digits and underscores not starting with a digit: they are the only text written into a statement;
//! keys, fields and times are always bound as parameters. Ended sessions read as absent at once; their
//! rows are deleted in batches of at most `DEFAULT_CLEANUP_BATCH_SIZE` (1000) by `delete_expired`, which
//! `spawn_cleanup` runs every period until its `CleanupTask` is dropped or stopped. Deadlines are kept
//! exactly up to `i64::MAX` milliseconds; a later one (no timeout at all) is kept as that and read back as
//! `u64::MAX`.
//!
//! # `RedisStore`: several processes or machines
//!
//! `RedisStore` (feature `redis`) keeps each session in one Redis (or Valkey) hash, under
//! `session:<hex of the id's SHA-256>`. Each load is one round trip, and each write one Lua script that
//! checks the session is live by its own deadline on the app's clock, applies the field-level change and
//! sets the key's expiry atomically, so Redis reclaims ended sessions by itself and a Redis whose clock
//! lags the app's cannot keep one alive. When Redis does not answer within
//! `RedisStore::DEFAULT_RESPONSE_TIMEOUT` (2 seconds) the request fails with a 503, and sessions work again
//! as soon as Redis is back; requests that only use cookie fields never notice. After a timeout the store
//! opens a new connection in the background, so one that went silent while Redis is fine (a failover
//! behind a virtual address, say) is replaced within seconds.
//!
//! ```toml
//! session-core = { git = "...", features = ["redis"] }          # redis:// and unix://
//! session-core = { git = "...", features = ["redis-tls"] }      # rediss:// as well
//! ```
//!
//! ```no_run
//! # #[cfg(feature = "redis")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use session_core::{store::RedisStore, Key, SessionLayer};
//!
//! let store = RedisStore::connect("redis://127.0.0.1:6379/0").await?.with_prefix("shop:session:");
//! let layer = SessionLayer::new(store, Key::from_env("SESSION_KEY")?);
//! # let _ = layer;
//! # Ok(()) }
//! ```
//!
//! Every instance behind one Redis must use the same [`Key`](crate::Key), or each rejects the others' id
//! cookies. `with_prefix` lets several apps share one database. The store targets a single Redis server or
//! primary: moving a session to a new id touches two keys in one script, which Redis Cluster allows only
//! within one hash slot.
//!
//! Give Redis a `maxmemory-policy` of `noeviction` (its default) or a `volatile-` one, such as
//! `volatile-lru`, which evicts only keys with an expiry, sessions, signing their visitors out. An
//! `allkeys-` policy may also evict an owner's index of sessions (a set without an expiry) while the
//! sessions stay, and `revoke_owner` would no longer find them; the store warns when it connects to such
//! a Redis, or to one that does not let it read the policy.
//!
//! A Redis user limited by an ACL needs, on the store's keys (`~session:*`, or the `with_prefix` chosen, and
//! the owner indexes under it), the commands `HGETALL`, `EVALSHA` and `SCRIPT LOAD`, and those its scripts
//! call: `HGET`, `HMGET`, `HSET`, `HDEL`, `HEXISTS`, `EXISTS`, `TYPE`, `DEL`, `UNLINK`, `RENAME`, `PEXPIREAT`,
//! `SADD`, `SREM`, `SMEMBERS` and `SRANDMEMBER` (`CONFIG GET`, for the check above, is optional). The
//! categories `+@read +@write +@scripting +@connection` cover them. A script whose command an ACL refuses
//! stops there, and Redis keeps what it had done: give the user all of them, or a session may be left
//! without its expiry or outside its owner's index.
//!
//! # Your own store
//!
//! Implement all seven methods of [`SessionStore`](crate::SessionStore): `load`, `create`, `save`,
//! `delete` and `cycle`, and `owner_sessions` and `revoke_owner`, which serve sessions with an owner
//! ([`guide::owners`](super::owners)). They are everything the layer will ever call. The rules the trait documents are what the layer relies on:
//! a record past its `expires_at` reads as absent and no write brings it back; `create` refuses a key that
//! holds a live record, so a session can never be taken over; `save` applies a
//! [`Patch`](crate::store::Patch) atomically, touching only the fields it names, so concurrent requests
//! that set different fields both survive, and keeping the later of the stored deadline and the patch's
//! unless [`Patch::replaces_deadline`](crate::store::Patch::replaces_deadline) says otherwise, so a
//! request that loaded before a `remember_for` does not take it back, and keeping the creation time unless
//! [`Patch::created_at`](crate::store::Patch::created_at) gives one (a sign-in); `cycle` moves only a live
//! record, in one step, so a logout
//! in between is never undone and two logins at once never split a session in two; and a record's
//! [`owner`](crate::store::Record::owner) (changed by a patch's [`OwnerChange`](crate::store::OwnerChange))
//! is what `owner_sessions` lists and `revoke_owner` ends, atomically.
//!
//! ```
//! use std::{collections::HashMap, sync::{Arc, Mutex}};
//!
//! use session_core::{
//!     store::{now_millis, OwnedSession, OwnerKey, Patch, Record},
//!     Key, SessionLayer, SessionStore, StoreError, StoreKey,
//! };
//!
//! /// Sessions in one locked map. Unlike `MemoryStore`, it never reclaims expired records.
//! #[derive(Clone, Default)]
//! struct MapStore(Arc<Mutex<HashMap<StoreKey, Arc<Record>>>>);
//!
//! type Map = HashMap<StoreKey, Arc<Record>>;
//!
//! fn live<'m>(map: &'m mut Map, key: &StoreKey) -> Option<&'m mut Arc<Record>> {
//!     map.get_mut(key).filter(|record| !record.is_expired(now_millis()))
//! }
//!
//! impl SessionStore for MapStore {
//!     async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
//!         Ok(live(&mut self.0.lock().unwrap(), key).cloned())
//!     }
//!
//!     async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
//!         let mut map = self.0.lock().unwrap();
//!         if live(&mut map, key).is_some() {
//!             return Ok(false);
//!         }
//!         map.insert(*key, record.clone());
//!         Ok(true)
//!     }
//!
//!     async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
//!         let mut map = self.0.lock().unwrap();
//!         let record = live(&mut map, key);
//!         Ok(record.map(|record| Arc::make_mut(record).apply(patch)).is_some())
//!     }
//!
//!     async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
//!         Ok(self.0.lock().unwrap().remove(key).is_some())
//!     }
//!
//!     async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
//!         let mut map = self.0.lock().unwrap();
//!         if live(&mut map, new).is_some() || live(&mut map, old).is_none() {
//!             return Ok(false);
//!         }
//!         let mut record = map.remove(old).expect("live, so present");
//!         Arc::make_mut(&mut record).apply(patch);
//!         map.insert(*new, record);
//!         Ok(true)
//!     }
//!
//!     /// A scan of the whole map: a store with many sessions keeps an index from owner to keys instead.
//!     async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
//!         let map = self.0.lock().unwrap();
//!         let owned = map.iter().filter(|(_, record)| record.owner == Some(*owner) && !record.is_expired(now_millis()));
//!         let listed = owned.map(|(key, record)| OwnedSession {
//!             key: *key,
//!             created_at: record.created_at,
//!             last_seen: record.last_seen,
//!             expires_at: record.expires_at,
//!         });
//!         Ok(listed.collect())
//!     }
//!
//!     /// Under the one lock, so no save or cycle comes between; nothing while the record to keep has
//!     /// ended or moved to a new key.
//!     async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
//!         let mut map = self.0.lock().unwrap();
//!         if except.is_some_and(|key| map.get(key).is_none_or(|record| record.is_expired(now_millis()))) {
//!             return Ok(None);
//!         }
//!         let before = map.len();
//!         map.retain(|key, record| {
//!             record.owner != Some(*owner) || Some(key) == except || record.is_expired(now_millis())
//!         });
//!         Ok(Some(before - map.len()))
//!     }
//! }
//!
//! let layer = SessionLayer::new(MapStore::default(), Key::generate());
//! # let _ = layer;
//! ```
//!
//! Report failures as a [`StoreError`](crate::StoreError) (with its cause, through
//! [`StoreError::with_source`](crate::StoreError::with_source), which the layer's log line spells out
//! after your message); the layer answers them with a 503 and `Retry-After: 1`, and sends none of the
//! request's cookies. The one write the layer makes on its own, a read's idle refresh, is the exception:
//! when it fails, the page is served and the failure logged as a warning, since the handler changed nothing
//! and the session stays live until the deadline already stored. (What a write that timed out did is unknown: a
//! server that received it may still apply it, as [`Error::Store`](crate::Error::Store) says.) Fail promptly:
//! a store that hangs holds the request. A write you refuse because it would make one session larger than
//! your store keeps is no outage: report it with [`StoreError::too_large`](crate::StoreError::too_large), and
//! the layer answers it with a 400 instead. Nor is a record you read but cannot make sense of (edited by
//! hand, say): mark it [`unreadable`](crate::StoreError::unreadable), and the layer treats the session as
//! absent, so its visitor starts over.
//!
//! Records without fields must load as stored: before a new id, the layer keeps one for a minute under a
//! key derived from the old id, to answer requests still carrying it (so a store that never reclaims ended
//! records, as above, gains one per sign-in).
//!
//! Then check it with the conformance suite (feature `conformance`), the cases every store here
//! passes: loading what was stored, exact times, field-level and concurrent saves, `delete`,
//! `cycle` of a live, an ended and a concurrently cycled session, the owner index through all of these and
//! revocation against concurrent writes, and optionally behaviour during an outage (`store::conformance::Suite::with_outages`).
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use session_core::{store::{OwnedSession, OwnerKey, Patch, Record}, SessionStore, StoreError, StoreKey};
//! # #[derive(Clone)] struct MapStore;
//! # impl SessionStore for MapStore {
//! #     async fn load(&self, _: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> { Ok(None) }
//! #     async fn create(&self, _: &StoreKey, _: &Arc<Record>) -> Result<bool, StoreError> { Ok(true) }
//! #     async fn save(&self, _: &StoreKey, _: &Patch<'_>) -> Result<bool, StoreError> { Ok(true) }
//! #     async fn delete(&self, _: &StoreKey) -> Result<bool, StoreError> { Ok(true) }
//! #     async fn cycle(&self, _: &StoreKey, _: &StoreKey, _: &Patch<'_>) -> Result<bool, StoreError> { Ok(true) }
//! #     async fn owner_sessions(&self, _: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> { Ok(Vec::new()) }
//! #     async fn revoke_owner(&self, _: &OwnerKey, _: Option<&StoreKey>) -> Result<Option<usize>, StoreError> { Ok(Some(0)) }
//! # }
//! # impl MapStore { fn default() -> Self { MapStore } }
//! # #[cfg(feature = "conformance")]
//! #[tokio::test(flavor = "multi_thread")] // the concurrent cases need threads that run at once
//! async fn map_store_conforms() {
//!     session_core::store::conformance::run(|| async { MapStore::default() }).await;
//! }
//! ```
