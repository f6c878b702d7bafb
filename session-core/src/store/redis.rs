//! [`RedisStore`]: sessions in Redis (or Valkey), for apps on several machines.
//!
//! Each session is one Redis hash under `session:<hex of the id's SHA-256>`: a field `f:<name>` per session
//! field, `c` (created, ms since the epoch) and `e` (deadline). The key's own expiry is set to the deadline,
//! so Redis reclaims ended sessions by itself. Every write is one Lua script: the existence check, the
//! field-level change and the expiry happen atomically, in one round trip.

use std::{collections::HashMap, sync::LazyLock, time::Duration};

use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig},
    AsyncCommands, Script,
};

use super::{Patch, Record, SessionStore};
use crate::{id::StoreKey, StoreError};

/// A session store in Redis: a cheap [`Clone`] handle over one multiplexed, self-reconnecting connection.
///
/// Requests fail with a [`StoreError`] after [`RedisStore::DEFAULT_RESPONSE_TIMEOUT`] when Redis does not
/// answer, and work again as soon as it is back, without restarting the app.
///
/// ```no_run
/// # async fn run() -> Result<(), session_core::StoreError> {
/// use session_core::{store::RedisStore, Key, SessionLayer};
///
/// let store = RedisStore::connect("redis://127.0.0.1:6379").await?;
/// let layer = SessionLayer::new(store, Key::generate());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

const CREATED: &str = "c";
const EXPIRES: &str = "e";
const FIELD_PREFIX: &str = "f:";

/// KEYS[1]: the session. ARGV: created, expires, then field/value pairs. Refuses to overwrite a live record.
const CREATE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'c', ARGV[1], 'e', ARGV[2], unpack(ARGV, 3))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
";

/// KEYS[1]: the session. ARGV: expires, the number of fields set, their name/value pairs, then the names of
/// the fields removed. Changes nothing if the record is gone.
const SAVE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local set_count = tonumber(ARGV[2])
local set = {'e', ARGV[1]}
for i = 3, 2 + 2 * set_count do set[#set + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(set))
if #ARGV > 2 + 2 * set_count then redis.call('HDEL', KEYS[1], unpack(ARGV, 3 + 2 * set_count)) end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
";

/// KEYS[1]: the old session, KEYS[2]: the new one. ARGV as for CREATE.
const CYCLE: &str = r"
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'c', ARGV[1], 'e', ARGV[2], unpack(ARGV, 3))
redis.call('PEXPIREAT', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[1])
return 1
";

// Compiled once: `Script` hashes its source, and calls go out as EVALSHA.
static CREATE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CREATE));
static SAVE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(SAVE));
static CYCLE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CYCLE));

impl RedisStore {
    /// How long a command may wait for Redis before the request fails.
    pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

    /// Connects to the Redis server at `url` (`redis://host:port/db`, `unix:///path/to/socket`, or any
    /// other URL the `redis` crate accepts).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|error| StoreError::with_source("invalid Redis URL", error))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Self::DEFAULT_RESPONSE_TIMEOUT))
            .set_response_timeout(Some(Self::DEFAULT_RESPONSE_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_with_config(client, config).await.map_err(unavailable)?;
        Ok(RedisStore { connection, prefix: "session:".to_owned() })
    }

    /// Files sessions under `prefix` instead of `session:`, to share one database between apps.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, key: &StoreKey) -> String {
        format!("{}{}", self.prefix, key.to_hex())
    }
}

fn unavailable(error: redis::RedisError) -> StoreError {
    StoreError::with_source("Redis is unavailable", error)
}

/// `created, expires, f:name, value, ...`: the arguments of CREATE and CYCLE.
fn record_args(record: &Record) -> Vec<Vec<u8>> {
    let mut args = Vec::with_capacity(2 + 2 * record.fields.len());
    args.push(record.created_at.to_string().into_bytes());
    args.push(record.expires_at.to_string().into_bytes());
    for (name, value) in &record.fields {
        args.push(format!("{FIELD_PREFIX}{name}").into_bytes());
        args.push(value.clone());
    }
    args
}

fn parse_millis(fields: &HashMap<Vec<u8>, Vec<u8>>, name: &str) -> Result<u64, StoreError> {
    fields
        .get(name.as_bytes())
        .and_then(|bytes| std::str::from_utf8(bytes).ok()?.parse().ok())
        .ok_or_else(|| StoreError::new(format!("session record without a valid `{name}` field")))
}

impl SessionStore for RedisStore {
    async fn load(&self, key: &StoreKey) -> Result<Option<Record>, StoreError> {
        let mut connection = self.connection.clone();
        let raw: HashMap<Vec<u8>, Vec<u8>> = connection.hgetall(self.key(key)).await.map_err(unavailable)?;
        if raw.is_empty() {
            return Ok(None);
        }
        let created_at = parse_millis(&raw, CREATED)?;
        let expires_at = parse_millis(&raw, EXPIRES)?;
        let fields = raw
            .into_iter()
            .filter_map(|(name, value)| {
                let name = String::from_utf8(name).ok()?;
                Some((name.strip_prefix(FIELD_PREFIX)?.to_owned(), value))
            })
            .collect();
        let record = Record { fields, created_at, expires_at };
        Ok((!record.is_expired(super::now_millis())).then_some(record))
    }

    async fn create(&self, key: &StoreKey, record: &Record) -> Result<bool, StoreError> {
        let mut invocation = CREATE_SCRIPT.key(self.key(key));
        invocation.arg(record_args(record));
        let created: i64 = invocation.invoke_async(&mut self.connection.clone()).await.map_err(unavailable)?;
        Ok(created == 1)
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let (set, removed): (Vec<_>, Vec<_>) = patch.changes.iter().partition(|(_, value)| value.is_some());
        let mut invocation = SAVE_SCRIPT.key(self.key(key));
        invocation.arg(patch.expires_at).arg(set.len());
        for (name, value) in set {
            invocation.arg(format!("{FIELD_PREFIX}{name}")).arg(value.as_deref().unwrap_or_default());
        }
        for (name, _) in removed {
            invocation.arg(format!("{FIELD_PREFIX}{name}"));
        }
        let saved: i64 = invocation.invoke_async(&mut self.connection.clone()).await.map_err(unavailable)?;
        Ok(saved == 1)
    }

    async fn delete(&self, key: &StoreKey) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let _: i64 = connection.del(self.key(key)).await.map_err(unavailable)?;
        Ok(())
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, record: &Record) -> Result<bool, StoreError> {
        let mut invocation = CYCLE_SCRIPT.key(self.key(old));
        invocation.key(self.key(new)).arg(record_args(record));
        let moved: i64 = invocation.invoke_async(&mut self.connection.clone()).await.map_err(unavailable)?;
        Ok(moved == 1)
    }
}
