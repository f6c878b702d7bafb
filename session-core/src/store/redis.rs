//! [`RedisStore`]: sessions in Redis (or Valkey), for apps on several machines.
//!
//! Each session is one Redis hash under `session:<hex of the id's SHA-256>`: a field `f:<name>` per session
//! field, `c` (created, ms since the epoch), `s` (last seen) and `e` (deadline). The key's own expiry is set to the deadline,
//! so Redis reclaims ended sessions by itself. Every write is one Lua script: the existence check, the
//! field-level change and the expiry happen atomically, in one round trip. (Lua passes a script's arguments
//! on its stack, which caps one write at about 4000 fields.) The scripts touch one key, except `cycle`'s,
//! which touches two: on Redis Cluster the two would need the same hash slot, so this store is for a
//! single Redis (or Valkey) server or primary.
//!
//! An owned session's hash also holds `o`: the name of its owner's index, a set under
//! `session:owner:<hex of the owner key>` whose members are the names of the owner's session hashes.
//! The scripts that write an owned session keep the set in step in the same script; the set has no
//! expiry of its own (an idle refresh would outlive it), so listing and revoking drop members whose
//! session has ended, and the set goes when its last member does.

use std::{
    future::Future,
    sync::{Arc, LazyLock},
    time::Duration,
};

use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig},
    AsyncCommands, Script, ScriptInvocation,
};

use super::{now_millis, OwnedSession, OwnerChange, OwnerKey, Patch, Record, SessionStore};
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
const LAST_SEEN: &str = "s";
const EXPIRES: &str = "e";
const FIELD_PREFIX: &str = "f:";
const OWNER: &str = "o";
/// After the prefix, what names an owner's index rather than a session.
const OWNER_INDEX: &str = "owner:";

// Every script is given the app's clock (`now_millis`) and judges a record live by its own deadline, the
// `e` field, against it: Redis's clock only reclaims keys, so a Redis whose clock lags the app's can never
// keep a session alive that the app has ended.

/// KEYS[1]: the session. ARGV: now, created, last seen, expires, the key's expiry, then field/value pairs.
/// Refuses to overwrite a live record; an ended one that Redis has not reclaimed yet is replaced whole.
const CREATE: &str = r"
local e = redis.call('HGET', KEYS[1], 'e')
if e and tonumber(e) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'c', ARGV[2], 's', ARGV[3], 'e', ARGV[4], unpack(ARGV, 6))
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
return 1
";

/// Applies a patch to KEYS[1]. ARGV from `first`: last seen, expires, the key's expiry, the number of
/// fields set, their name/value pairs, then the names of the fields removed. Shared by SAVE and CYCLE.
const APPLY_PATCH: &str = r"
local function apply_patch(key, first)
  local last_set = first + 3 + 2 * tonumber(ARGV[first + 3])
  redis.call('HSET', key, 's', ARGV[first], 'e', ARGV[first + 1], unpack(ARGV, first + 4, last_set))
  if #ARGV > last_set then redis.call('HDEL', key, unpack(ARGV, last_set + 1)) end
  redis.call('PEXPIREAT', key, ARGV[first + 2])
end
local function live(key)
  local e = redis.call('HGET', key, 'e')
  return e and tonumber(e) > tonumber(ARGV[1])
end
";

/// KEYS[1]: the session. ARGV: now, then the patch. Changes nothing if the record is gone or ended.
const SAVE: &str = r"
if not live(KEYS[1]) then return 0 end
apply_patch(KEYS[1], 2)
return 1
";

/// KEYS[1]: the old session, KEYS[2]: the new one. ARGV: now, then the patch. Changes nothing if the old
/// record is gone or ended, or the new key holds a live one. An owned record's index entry moves with it.
const CYCLE: &str = r"
if not live(KEYS[1]) or live(KEYS[2]) then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
apply_patch(KEYS[2], 2)
local o = redis.call('HGET', KEYS[2], 'o')
if o then
  redis.call('SREM', o, KEYS[1])
  redis.call('SADD', o, KEYS[2])
end
return 1
";

/// Gives the session KEYS[1] the owner index KEYS[2] (if given; none otherwise), leaving its former one.
const SET_OWNER: &str = r"
local function set_owner(key, index)
  local before = redis.call('HGET', key, 'o')
  if before then redis.call('SREM', before, key) end
  if index then
    redis.call('HSET', key, 'o', index)
    redis.call('SADD', index, key)
  else
    redis.call('HDEL', key, 'o')
  end
end
";

/// CREATE for an owned record: KEYS[2] is its owner's index, ARGV as CREATE's.
const CREATE_OWNED: &str = r"
local e = redis.call('HGET', KEYS[1], 'e')
if e and tonumber(e) > tonumber(ARGV[1]) then return 0 end
local before = redis.call('HGET', KEYS[1], 'o')
if before then redis.call('SREM', before, KEYS[1]) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'c', ARGV[2], 's', ARGV[3], 'e', ARGV[4], 'o', KEYS[2], unpack(ARGV, 6))
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
redis.call('SADD', KEYS[2], KEYS[1])
return 1
";

/// SAVE of a patch that changes the owner: KEYS[2], if given, is the new owner's index.
const SAVE_OWNER: &str = r"
if not live(KEYS[1]) then return 0 end
apply_patch(KEYS[1], 2)
set_owner(KEYS[1], KEYS[2])
return 1
";

/// CYCLE of a patch that changes the owner: KEYS[3], if given, is the new owner's index.
const CYCLE_OWNER: &str = r"
if not live(KEYS[1]) or live(KEYS[2]) then return 0 end
local before = redis.call('HGET', KEYS[1], 'o')
if before then redis.call('SREM', before, KEYS[1]) end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HDEL', KEYS[2], 'o')
apply_patch(KEYS[2], 2)
set_owner(KEYS[2], KEYS[3])
return 1
";

/// KEYS[1]: a session. Deletes it and its owner index entry.
const DELETE: &str = r"
local o = redis.call('HGET', KEYS[1], 'o')
if o then redis.call('SREM', o, KEYS[1]) end
return redis.call('DEL', KEYS[1])
";

/// KEYS[1]: an owner's index. ARGV: now. Returns name, created, last seen, expires of each live session
/// in it, dropping the members whose session has ended.
const LIST_OWNER: &str = r"
local listed = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local times = redis.call('HMGET', key, 'c', 's', 'e', 'o')
  if times[3] and tonumber(times[3]) > tonumber(ARGV[1]) and times[4] == KEYS[1] then
    table.insert(listed, key)
    table.insert(listed, times[1])
    table.insert(listed, times[2] or times[1])
    table.insert(listed, times[3])
  else
    redis.call('SREM', KEYS[1], key)
  end
end
return listed
";

/// KEYS[1]: an owner's index. ARGV: now, then the name of the session to keep (or nothing). Deletes every
/// other session in it and returns how many were live.
const REVOKE_OWNER: &str = r"
local revoked = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if key ~= ARGV[2] then
    local state = redis.call('HMGET', key, 'e', 'o')
    if state[2] == KEYS[1] then
      if tonumber(state[1]) > tonumber(ARGV[1]) then revoked = revoked + 1 end
      redis.call('DEL', key)
    end
    redis.call('SREM', KEYS[1], key)
  end
end
return revoked
";

/// The latest expiry Redis accepts (a signed 64-bit count of milliseconds). A record's own deadline can be
/// later (`u64::MAX` when there is no timeout); it is kept exactly in the `e` field, and the key's expiry is
/// capped here, some 292 million years out.
const MAX_KEY_EXPIRY: u64 = i64::MAX as u64;

// Compiled once: `Script` hashes its source, and calls go out as EVALSHA.
static CREATE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CREATE));
static SAVE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(&format!("{APPLY_PATCH}{SAVE}")));
static CYCLE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(&format!("{APPLY_PATCH}{CYCLE}")));
static CREATE_OWNED_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CREATE_OWNED));
static SAVE_OWNER_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{APPLY_PATCH}{SET_OWNER}{SAVE_OWNER}")));
static CYCLE_OWNER_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{APPLY_PATCH}{SET_OWNER}{CYCLE_OWNER}")));
static DELETE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(DELETE));
static LIST_OWNER_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(LIST_OWNER));
static REVOKE_OWNER_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(REVOKE_OWNER));

impl RedisStore {
    /// How long a command may wait for Redis before the request fails.
    pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

    /// Connects to the Redis server at `url`: `redis://[user:password@]host:port[/db]`,
    /// `unix:///path/to/socket[?db=N]`, or `rediss://...` (TLS: needs the feature `redis-tls`, and a server
    /// certificate from a public authority; see [`RedisStore::with_client`] for a private one).
    ///
    /// The store's scripts are loaded here, so that every write afterwards is one round trip. (A Redis
    /// that restarts forgets them; the first write after that loads them again.)
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|error| StoreError::with_source("invalid Redis URL", error))?;
        Self::with_client(client).await
    }

    /// Connects with a client configured beyond what a URL says: for instance TLS with a private
    /// certificate authority, `redis::Client::build_with_tls(url, TlsCertificates { root_cert, .. })`
    /// (feature `redis-tls`).
    pub async fn with_client(client: redis::Client) -> Result<Self, StoreError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Self::DEFAULT_RESPONSE_TIMEOUT))
            .set_response_timeout(Some(Self::DEFAULT_RESPONSE_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let mut connection = ConnectionManager::new_with_config(client, config).await.map_err(unavailable)?;
        for script in [
            &*CREATE_SCRIPT,
            &*SAVE_SCRIPT,
            &*CYCLE_SCRIPT,
            &*CREATE_OWNED_SCRIPT,
            &*SAVE_OWNER_SCRIPT,
            &*CYCLE_OWNER_SCRIPT,
            &*DELETE_SCRIPT,
            &*LIST_OWNER_SCRIPT,
            &*REVOKE_OWNER_SCRIPT,
        ] {
            script.load_async(&mut connection).await.map_err(unavailable)?;
        }
        Ok(RedisStore { connection, prefix: "session:".to_owned() })
    }

    /// Files sessions under `prefix` instead of `session:`, to share one database between apps.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Runs `command`, and once more if the connection turned out to be broken.
    ///
    /// After Redis comes back, the connection manager still holds the failed connection of the outage: the
    /// first command fails on it, and starts a reconnection that the retry then waits for, so the first
    /// request after an outage already succeeds. Retrying never does harm: a load, save or delete that did
    /// reach Redis does the same again, and a create or cycle that did is refused the second time (the key
    /// is taken, or the old record is gone), so the request fails or ends its session rather than acting
    /// twice, and the copy it wrote expires unreferenced. A timeout is not retried, so
    /// a hung server fails a request after one [`RedisStore::DEFAULT_RESPONSE_TIMEOUT`].
    async fn run<T, F>(&self, command: impl Fn(ConnectionManager) -> F) -> Result<T, StoreError>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        match command(self.connection.clone()).await {
            Err(error) if error.is_io_error() && !error.is_timeout() => {
                tracing::debug!(%error, "Redis connection broken; retrying once on a new one");
                command(self.connection.clone()).await.map_err(unavailable)
            }
            result => result.map_err(unavailable),
        }
    }

    /// The prefix and the key's hex digits, as [`StoreKey::to_hex`] writes them (without `fmt`: this is on
    /// every request's path).
    fn key(&self, key: &StoreKey) -> String {
        const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut name = String::with_capacity(self.prefix.len() + 64);
        name.push_str(&self.prefix);
        for byte in key.as_bytes() {
            name.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            name.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        }
        name
    }

    /// The name of `owner`'s index: the prefix, `owner:` and the owner key's hex digits.
    fn owner_index(&self, owner: &OwnerKey) -> String {
        format!("{}{OWNER_INDEX}{}", self.prefix, owner.to_hex())
    }

    /// The session hash under `key`, if it is there and live.
    async fn hgetall(&self, key: &StoreKey) -> Result<Option<Hash>, StoreError> {
        let key = &self.key(key);
        let reply: Vec<(Vec<u8>, Vec<u8>)> =
            self.run(|mut connection| async move { connection.hgetall(key).await }).await?;
        Hash::parse(reply)
    }
}

impl RedisStore {
    /// Runs one of the store's scripts, which answer 1 for done and 0 for refused.
    async fn invoke(&self, invocation: &ScriptInvocation<'_>) -> Result<bool, StoreError> {
        let done: i64 =
            self.run(|mut connection| async move { invocation.invoke_async(&mut connection).await }).await?;
        Ok(done == 1)
    }
}

fn unavailable(error: redis::RedisError) -> StoreError {
    let message = if error.is_io_error() || error.is_timeout() || error.is_connection_dropped() {
        "Redis is unavailable"
    } else {
        "Redis refused a session command"
    };
    StoreError::with_source(message, error)
}

fn key_expiry(expires_at: u64) -> u64 {
    expires_at.min(MAX_KEY_EXPIRY)
}

/// `now, created, last seen, expires, key expiry, f:name, value, ...`: the arguments of CREATE.
fn record_args(record: &Record) -> Vec<Vec<u8>> {
    let mut args = Vec::with_capacity(5 + 2 * record.fields.len());
    for number in [now_millis(), record.created_at, record.last_seen, record.expires_at, key_expiry(record.expires_at)]
    {
        args.push(number.to_string().into_bytes());
    }
    for (name, value) in &record.fields {
        args.push(format!("{FIELD_PREFIX}{name}").into_bytes());
        args.push(value.clone());
    }
    args
}

/// Adds `now` and `patch` as SAVE and CYCLE take them: last seen, expires, the key's expiry, the number of
/// fields set, their name/value pairs, the names of the fields removed.
fn add_patch_args(invocation: &mut ScriptInvocation<'_>, patch: &Patch<'_>) {
    let (set, removed): (Vec<_>, Vec<_>) = patch.changes.iter().partition(|(_, value)| value.is_some());
    invocation.arg(now_millis()).arg(patch.last_seen).arg(patch.expires_at).arg(key_expiry(patch.expires_at));
    invocation.arg(set.len());
    for (name, value) in set {
        invocation.arg(format!("{FIELD_PREFIX}{name}")).arg(value.as_deref().unwrap_or_default());
    }
    for (name, _) in removed {
        invocation.arg(format!("{FIELD_PREFIX}{name}"));
    }
}

/// A session hash as `HGETALL` returns it: its timestamps, and its other pairs as they came.
struct Hash {
    created_at: u64,
    last_seen: u64,
    expires_at: u64,
    /// The owner, read from the name of its index in `o`.
    owner: Option<OwnerKey>,
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Hash {
    /// `None` for an empty reply (no such key) and for a record past its deadline, which Redis has not
    /// reclaimed yet.
    fn parse(reply: Vec<(Vec<u8>, Vec<u8>)>) -> Result<Option<Hash>, StoreError> {
        if reply.is_empty() {
            return Ok(None);
        }
        let (mut created_at, mut last_seen, mut expires_at, mut owner) = (None, None, None, None);
        let mut pairs = Vec::with_capacity(reply.len().saturating_sub(2));
        for (name, value) in reply {
            if name == CREATED.as_bytes() {
                created_at = parse_millis(&value);
            } else if name == LAST_SEEN.as_bytes() {
                last_seen = parse_millis(&value);
            } else if name == EXPIRES.as_bytes() {
                expires_at = parse_millis(&value);
            } else if name == OWNER.as_bytes() {
                // The index name ends in the owner key's 64 hex digits.
                let hex = value.len().checked_sub(64).and_then(|start| std::str::from_utf8(&value[start..]).ok());
                owner = Some(hex.and_then(OwnerKey::from_hex).ok_or_else(|| {
                    StoreError::new("session record with an owner index name that does not end in an owner key")
                })?);
            } else {
                pairs.push((name, value));
            }
        }
        let missing = |name: &str| StoreError::new(format!("session record without a valid `{name}` field"));
        let created_at = created_at.ok_or_else(|| missing(CREATED))?;
        let expires_at = expires_at.ok_or_else(|| missing(EXPIRES))?;
        let last_seen = last_seen.unwrap_or(created_at);
        let live = expires_at > now_millis();
        Ok(live.then_some(Hash { created_at, last_seen, expires_at, owner, pairs }))
    }

    /// The session fields: the pairs under `f:`, by their names.
    fn fields(&self) -> impl Iterator<Item = (&str, &[u8])> + Clone {
        self.pairs.iter().filter_map(|(name, value)| {
            let name = std::str::from_utf8(name.strip_prefix(FIELD_PREFIX.as_bytes())?).ok()?;
            Some((name, value.as_slice()))
        })
    }
}

fn parse_millis(bytes: &[u8]) -> Option<u64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

impl SessionStore for RedisStore {
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        Ok(self.hgetall(key).await?.map(|hash| {
            Arc::new(Record {
                fields: hash.fields().map(|(name, value)| (name.to_owned(), value.to_vec())).collect(),
                created_at: hash.created_at,
                last_seen: hash.last_seen,
                expires_at: hash.expires_at,
                owner: hash.owner,
            })
        }))
    }

    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        let mut invocation = match &record.owner {
            None => CREATE_SCRIPT.key(self.key(key)),
            Some(owner) => {
                let mut invocation = CREATE_OWNED_SCRIPT.key(self.key(key));
                invocation.key(self.owner_index(owner));
                invocation
            }
        };
        invocation.arg(record_args(record));
        self.invoke(&invocation).await
    }

    /// A patch that keeps the owner runs the plain SAVE script: only a change of owner touches an index.
    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let mut invocation = match patch.owner {
            OwnerChange::Keep => SAVE_SCRIPT.key(self.key(key)),
            change => {
                let mut invocation = SAVE_OWNER_SCRIPT.key(self.key(key));
                if let OwnerChange::Set(owner) = change {
                    invocation.key(self.owner_index(&owner));
                }
                invocation
            }
        };
        add_patch_args(&mut invocation, patch);
        self.invoke(&invocation).await
    }

    async fn delete(&self, key: &StoreKey) -> Result<(), StoreError> {
        let invocation = &DELETE_SCRIPT.key(self.key(key));
        let _: i64 = self.run(|mut connection| async move { invocation.invoke_async(&mut connection).await }).await?;
        Ok(())
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let mut invocation = match patch.owner {
            OwnerChange::Keep => CYCLE_SCRIPT.key(self.key(old)),
            _ => CYCLE_OWNER_SCRIPT.key(self.key(old)),
        };
        invocation.key(self.key(new));
        if let OwnerChange::Set(owner) = patch.owner {
            invocation.key(self.owner_index(&owner));
        }
        add_patch_args(&mut invocation, patch);
        self.invoke(&invocation).await
    }

    async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
        let mut invocation = LIST_OWNER_SCRIPT.key(self.owner_index(owner));
        invocation.arg(now_millis());
        let invocation = &invocation;
        let listed: Vec<Vec<u8>> =
            self.run(|mut connection| async move { invocation.invoke_async(&mut connection).await }).await?;
        let malformed = || StoreError::new("an owner's session listed without a valid key or times");
        listed
            .chunks_exact(4)
            .map(|session| {
                let hex = session[0].len().checked_sub(64).map(|start| &session[0][start..]);
                let key = hex.and_then(|hex| StoreKey::from_hex(std::str::from_utf8(hex).ok()?));
                let time = |index: usize| parse_millis(&session[index]);
                Ok(OwnedSession {
                    key: key.ok_or_else(malformed)?,
                    created_at: time(1).ok_or_else(malformed)?,
                    last_seen: time(2).ok_or_else(malformed)?,
                    expires_at: time(3).ok_or_else(malformed)?,
                })
            })
            .collect()
    }

    async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<usize, StoreError> {
        let mut invocation = REVOKE_OWNER_SCRIPT.key(self.owner_index(owner));
        invocation.arg(now_millis()).arg(except.map(|key| self.key(key)).unwrap_or_default());
        let invocation = &invocation;
        let revoked: usize =
            self.run(|mut connection| async move { invocation.invoke_async(&mut connection).await }).await?;
        Ok(revoked)
    }
}
