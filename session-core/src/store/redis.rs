//! [`RedisStore`]: sessions in Redis (or Valkey), for apps on several machines.
//!
//! Each session is one Redis hash under `session:<hex of the id's SHA-256>`: a field `f:<name>` per session
//! field, and `t`, the record's times as decimal milliseconds since the epoch: `<expires> <last seen>
//! <created>`. The times share one field because every pair of a hash is two values of the `HGETALL` reply
//! for the client to parse, and that parsing is most of what a load costs this process; the deadline comes
//! first so that a script reads it with one pattern. The key's own expiry is set to the deadline, so Redis
//! reclaims ended sessions by itself. Every write is one Lua script: the existence check, the field-level
//! change and the expiry happen atomically, in one round trip. (Lua hands a command its arguments on its
//! stack, which caps one write at 3,500 fields; a larger one is refused before it is sent, with
//! [`StoreError::too_large`].) The scripts touch one key, except `cycle`'s, which
//! touches two: on Redis Cluster the two would need the same hash slot, so this store is for a single Redis
//! (or Valkey) server or primary.
//!
//! An owned session's hash also holds `o`: the name of its owner's index, a set under
//! `session:owner:<hex of the owner key>` whose members are the names of the owner's session hashes.
//! The scripts that write an owned session keep the set in step in the same script. The set has no
//! expiry of its own (an idle refresh would outlive it), so the scripts that use it clear it of members
//! whose session is gone (Redis reclaimed the key at its expiry, or another owner has it now): listing and
//! revoking drop every such member, and a sign-in (a member added) those among [`DRAWN_PER_SIGN_IN`]
//! members drawn at random, which bounds a sign-in's work however many sessions the owner has. For an owner
//! who keeps signing in, the set holds their live sessions and, in expectation, about one gone one per
//! `DRAWN_PER_SIGN_IN - 1` live ones; it goes when its last member does. Under a `maxmemory-policy` of
//! `allkeys-*`, Redis may evict the set while its sessions stay, out of `revoke_owner`'s reach; the store
//! warns when it connects to such a Redis (`volatile-*` policies evict only keys with an expiry, sessions).

use std::{
    io::Write,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, LazyLock, Mutex, PoisonError,
    },
    time::Duration,
};

use redis::{
    aio::MultiplexedConnection, AsyncConnectionConfig, Cmd, ErrorKind, RedisResult, RedisWrite, Script,
    ServerErrorKind, ToRedisArgs, Value,
};

use super::{now_millis, OwnedSession, OwnerChange, OwnerKey, Patch, Record, SessionStore};
use crate::{id::StoreKey, StoreError};

/// A session store in Redis: a cheap [`Clone`] handle over one multiplexed connection, which it replaces
/// when it breaks.
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
    connection: Arc<Connection>,
    prefix: String,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

const TIMES: &str = "t";
const FIELD_PREFIX: &str = "f:";
const OWNER: &str = "o";
/// After the prefix, what names an owner's index rather than a session.
const OWNER_INDEX: &str = "owner:";

// Every script is given the app's clock (`now_millis`) as ARGV[1] and judges a record live by its own
// deadline, the first number of `t`, against it: Redis's clock only reclaims keys, so a Redis whose clock
// lags the app's can never keep a session alive that the app has ended.

/// KEYS[1]: the session. ARGV: now, the record's `t`, the key's expiry, then field/value pairs.
/// Refuses to overwrite a live record; an ended one that Redis has not reclaimed yet is replaced whole.
const CREATE: &str = r"
local t = redis.call('HGET', KEYS[1], 't')
local expires = t and tonumber(string.match(t, '^%d+'))
if expires and expires > tonumber(ARGV[1]) then return 0 end
redis.call('UNLINK', KEYS[1])
redis.call('HSET', KEYS[1], 't', ARGV[2], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1
";

/// Shared by SAVE and CYCLE, whose ARGV are: now, the new deadline, the new last-seen time (the creation
/// time stays), the key's expiry, `1` if the patch replaces the deadline (else `0`), the number of fields
/// set, their name/value pairs, then the names of the fields removed. `created_if_live` gives a live
/// record's creation time and deadline; `apply_patch` keeps the later of that deadline and the patch's
/// unless the patch replaces it (see `Patch::replaces_deadline`), and with it the key's expiry.
const PATCH: &str = r"
local function created_if_live(key)
  local t = redis.call('HGET', key, 't')
  if not t then return nil end
  local expires, created = string.match(t, '^(%d+) %d+ (%d+)$')
  if expires and tonumber(expires) > tonumber(ARGV[1]) then return created, expires end
end
local function apply_patch(key, created, expires)
  local last_set = 6 + 2 * tonumber(ARGV[6])
  local keeps = ARGV[5] == '0' and tonumber(expires) > tonumber(ARGV[2])
  local times = (keeps and expires or ARGV[2]) .. ' ' .. ARGV[3] .. ' ' .. created
  redis.call('HSET', key, 't', times, unpack(ARGV, 7, last_set))
  if #ARGV > last_set then redis.call('HDEL', key, unpack(ARGV, last_set + 1)) end
  if not keeps then redis.call('PEXPIREAT', key, ARGV[4]) end
end
";

/// KEYS[1]: the session. ARGV: as [`PATCH`] says. Changes nothing if the record is gone or ended.
const SAVE: &str = r"
local created, expires = created_if_live(KEYS[1])
if not created then return 0 end
apply_patch(KEYS[1], created, expires)
return 1
";

/// Shared by CYCLE and CYCLE_ADOPT, whose KEYS[1] is the old session and KEYS[2] the new one, ARGV as
/// [`PATCH`] says. `cycle_keeping_owner` moves the record unless the old one is gone or ended or the new
/// key holds a live one (then it returns nil), with its owner's index entry if it has an owner (then it
/// returns the index's name; false if it has none).
const CYCLE_KEEPING_OWNER: &str = r"
local function cycle_keeping_owner()
  local created, expires = created_if_live(KEYS[1])
  if not created or created_if_live(KEYS[2]) then return nil end
  redis.call('RENAME', KEYS[1], KEYS[2])
  apply_patch(KEYS[2], created, expires)
  local o = redis.call('HGET', KEYS[2], 'o')
  if o then
    redis.pcall('SREM', o, KEYS[1])
    redis.pcall('SADD', o, KEYS[2])
  end
  return o or false
end
";

/// A cycle that keeps the owner. Needs [`CYCLE_KEEPING_OWNER`].
const CYCLE: &str = r"
if cycle_keeping_owner() == nil then return 0 end
return 1
";

/// How many members of an owner's index a sign-in draws at random, to drop those whose session is gone.
const DRAWN_PER_SIGN_IN: u32 = 16;

/// Shared by the scripts that read an owner's index, through [`members`]. ARGV[1]: now.
///
/// A member leaves the index only once its record is gone (Redis reclaimed or deleted it) or belongs to
/// another owner: never for a deadline passed by this app's clock alone. Another app server whose clock is
/// a little behind may still save that session, extending it, and a save does not rejoin the index, so
/// dropping it here would hide a live session from `revoke_owner`.
///
/// `owned_t`: the `t` of the session `key` if Redis holds it and it is still `index`'s owner's. A member
/// naming a key that is not a hash (a hand edit) is no session, and gone like one: `redis.pcall`, because
/// a command's error would stop the script midway, and Redis does not undo what it had done by then.
/// `live_members`: the names and `t` of the live sessions in `index`, dropping the members gone.
/// `drop_some_gone`: drops the gone ones among `DRAWN` members of `index` drawn at random.
/// `refuse_index`: an error reply if `index` is a key of another type than a set (a hand edit), which a
/// script that adds to it checks before it changes anything; nil otherwise.
///
/// Elsewhere the scripts remove a session from its index, or move it to its new name, with `redis.pcall`:
/// an index that is not a set holds no entry, and must not stop a logout or a new id halfway.
const MEMBERS: &str = r"
local function refuse_index(index)
  local kind = index and redis.call('TYPE', index)['ok']
  if kind and kind ~= 'none' and kind ~= 'set' then
    return redis.error_reply('the owner index ' .. index .. ' is a ' .. kind .. ', not a set: nothing was changed')
  end
end
local function owned_t(index, key)
  local state = redis.pcall('HMGET', key, 't', 'o')
  if not state.err and state[1] and state[2] == index then return state[1] end
end
local function live_members(index)
  local listed = {}
  for _, key in ipairs(redis.call('SMEMBERS', index)) do
    local t = owned_t(index, key)
    local expires = t and tonumber(string.match(t, '^%d+'))
    if not t then
      redis.call('SREM', index, key)
    elseif expires and expires > tonumber(ARGV[1]) then
      table.insert(listed, key)
      table.insert(listed, t)
    end
  end
  return listed
end
local function drop_some_gone(index)
  for _, key in ipairs(redis.call('SRANDMEMBER', index, DRAWN)) do
    if not owned_t(index, key) then redis.call('SREM', index, key) end
  end
end
";

/// [`MEMBERS`], with `DRAWN` set to [`DRAWN_PER_SIGN_IN`].
fn members() -> String {
    format!("local DRAWN = {DRAWN_PER_SIGN_IN}\n{MEMBERS}")
}

/// Gives the session `key` the owner index `index` (if given; none otherwise), leaving its former one.
/// Needs [`members`].
const SET_OWNER: &str = r"
local function set_owner(key, index)
  local before = redis.call('HGET', key, 'o')
  if before then redis.pcall('SREM', before, key) end
  if index then
    drop_some_gone(index)
    redis.call('HSET', key, 'o', index)
    redis.call('SADD', index, key)
  else
    redis.call('HDEL', key, 'o')
  end
end
";

/// CREATE for an owned record: KEYS[2] is its owner's index, ARGV as CREATE's. An ended record it
/// replaces leaves its own owner's index. Needs [`members`].
const CREATE_OWNED: &str = r"
local refused = refuse_index(KEYS[2])
if refused then return refused end
local t = redis.call('HGET', KEYS[1], 't')
local expires = t and tonumber(string.match(t, '^%d+'))
if expires and expires > tonumber(ARGV[1]) then return 0 end
local before = redis.call('HGET', KEYS[1], 'o')
if before then redis.pcall('SREM', before, KEYS[1]) end
redis.call('UNLINK', KEYS[1])
drop_some_gone(KEYS[2])
redis.call('HSET', KEYS[1], 't', ARGV[2], 'o', KEYS[2], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], KEYS[1])
return 1
";

/// SAVE of a patch that changes the owner: KEYS[2], if given, is the new owner's index.
const SAVE_OWNER: &str = r"
local refused = refuse_index(KEYS[2])
if refused then return refused end
local created, expires = created_if_live(KEYS[1])
if not created then return 0 end
apply_patch(KEYS[1], created, expires)
set_owner(KEYS[1], KEYS[2])
return 1
";

/// CYCLE of a patch that changes the owner: KEYS[3], if given, is the new owner's index.
const CYCLE_OWNER: &str = r"
local refused = refuse_index(KEYS[3])
if refused then return refused end
local created, expires = created_if_live(KEYS[1])
if not created or created_if_live(KEYS[2]) then return 0 end
local before = redis.call('HGET', KEYS[1], 'o')
if before then redis.pcall('SREM', before, KEYS[1]) end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HDEL', KEYS[2], 'o')
apply_patch(KEYS[2], created, expires)
set_owner(KEYS[2], KEYS[3])
return 1
";

/// SAVE of a patch that adopts an owner ([`OwnerChange::Adopt`]): KEYS[2] is that owner's index, which the
/// session joins only if it has no owner by now.
const SAVE_ADOPT: &str = r"
local refused = refuse_index(KEYS[2])
if refused then return refused end
local created, expires = created_if_live(KEYS[1])
if not created then return 0 end
apply_patch(KEYS[1], created, expires)
if redis.call('HEXISTS', KEYS[1], 'o') == 0 then set_owner(KEYS[1], KEYS[2]) end
return 1
";

/// CYCLE of a patch that adopts an owner: KEYS[3] is that owner's index, which the session joins only if
/// it has no owner by now; one that has moves its index entry, as CYCLE does. Needs
/// [`CYCLE_KEEPING_OWNER`].
const CYCLE_ADOPT: &str = r"
local refused = refuse_index(KEYS[3])
if refused then return refused end
local owner = cycle_keeping_owner()
if owner == nil then return 0 end
if not owner then set_owner(KEYS[2], KEYS[3]) end
return 1
";

/// KEYS[1]: a session. Deletes it and its owner index entry; 1 if it was there, 0 if not. An index that is
/// not a set (a hand edit) holds no entry to remove, and does not stop the session from ending.
const DELETE: &str = r"
local o = redis.call('HGET', KEYS[1], 'o')
if o then redis.pcall('SREM', o, KEYS[1]) end
return redis.call('DEL', KEYS[1])
";

/// KEYS[1]: an owner's index. ARGV: now. Returns name, `t` of each live session in it, dropping the members
/// whose session is gone or belongs to another owner now. Needs [`members`].
const LIST_OWNER: &str = r"
return live_members(KEYS[1])
";

/// KEYS[1]: an owner's index. ARGV: now, then the name of the session to keep (or an empty string).
/// Deletes every other session in it and returns how many were live; -1, deleting nothing, if the session
/// to keep is not live. A member naming a key that is not a hash (a hand edit) leaves the index, the key
/// untouched, as in [`MEMBERS`].
const REVOKE_OWNER: &str = r"
if ARGV[2] ~= '' then
  local kept = redis.call('HGET', ARGV[2], 't')
  local expires = kept and tonumber(string.match(kept, '^%d+'))
  if not (expires and expires > tonumber(ARGV[1])) then return -1 end
end
local revoked = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if key ~= ARGV[2] then
    local state = redis.pcall('HMGET', key, 't', 'o')
    if not state.err and state[2] == KEYS[1] then
      local expires = state[1] and tonumber(string.match(state[1], '^%d+'))
      if expires and expires > tonumber(ARGV[1]) then revoked = revoked + 1 end
      redis.call('DEL', key)
    end
    redis.call('SREM', KEYS[1], key)
  end
end
return revoked
";

/// The latest expiry Redis accepts (a signed 64-bit count of milliseconds). A record's own deadline can be
/// later (`u64::MAX` when there is no timeout); it is kept exactly in `t`, and the key's expiry is capped
/// here, some 292 million years out.
const MAX_KEY_EXPIRY: u64 = i64::MAX as u64;

// Compiled once: `Script` hashes its source, and calls go out as EVALSHA.
static CREATE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CREATE));
static SAVE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(&format!("{PATCH}{SAVE}")));
static CYCLE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(&format!("{PATCH}{CYCLE_KEEPING_OWNER}{CYCLE}")));
static CREATE_OWNED_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(&format!("{}{CREATE_OWNED}", members())));
static SAVE_OWNER_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{}{SET_OWNER}{SAVE_OWNER}", members())));
static CYCLE_OWNER_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{}{SET_OWNER}{CYCLE_OWNER}", members())));
static SAVE_ADOPT_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{}{SET_OWNER}{SAVE_ADOPT}", members())));
static CYCLE_ADOPT_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{CYCLE_KEEPING_OWNER}{}{SET_OWNER}{CYCLE_ADOPT}", members())));
static DELETE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(DELETE));
static LIST_OWNER_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(&format!("{}{LIST_OWNER}", members())));
static REVOKE_OWNER_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(REVOKE_OWNER));

/// Every script of the store, loaded when it connects.
fn scripts() -> [&'static Script; 11] {
    [
        &CREATE_SCRIPT,
        &SAVE_SCRIPT,
        &CYCLE_SCRIPT,
        &CREATE_OWNED_SCRIPT,
        &SAVE_OWNER_SCRIPT,
        &CYCLE_OWNER_SCRIPT,
        &SAVE_ADOPT_SCRIPT,
        &CYCLE_ADOPT_SCRIPT,
        &DELETE_SCRIPT,
        &LIST_OWNER_SCRIPT,
        &REVOKE_OWNER_SCRIPT,
    ]
}

/// The store's one connection to Redis, shared by its clones.
///
/// A multiplexed connection carries the commands of every concurrent request, so one is all a store
/// needs. It is used directly rather than through redis-rs' `ConnectionManager`, whose shared future,
/// atomic swap and boxed call per command cost this process more than the command's own sending did; what
/// the manager is for, a new connection once the old one broke, is [`Connection::replace`] here.
struct Connection {
    client: redis::Client,
    config: AsyncConnectionConfig,
    /// The connection in use, and how many times it has been replaced.
    current: Mutex<(u64, MultiplexedConnection)>,
    /// Held while a broken connection is replaced, so that the requests that found it broken make one new
    /// connection between them.
    replacing: tokio::sync::Mutex<()>,
    /// Set while a background task replaces the connection after a timeout: the requests that time out
    /// meanwhile leave it to that one.
    replacing_after_timeout: AtomicBool,
}

impl Connection {
    async fn open(client: redis::Client, config: AsyncConnectionConfig) -> RedisResult<Self> {
        let connection = client.get_multiplexed_async_connection_with_config(&config).await?;
        Ok(Connection {
            client,
            config,
            current: Mutex::new((0, connection)),
            replacing: tokio::sync::Mutex::new(()),
            replacing_after_timeout: AtomicBool::new(false),
        })
    }

    /// The connection in use (a clone: a handle onto the same one) and its generation.
    fn current(&self) -> (u64, MultiplexedConnection) {
        self.current.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// A new connection in place of generation `broken`, or the one that already replaced it.
    async fn replace(&self, broken: u64) -> RedisResult<MultiplexedConnection> {
        let _turn = self.replacing.lock().await;
        let (generation, connection) = self.current();
        if generation != broken {
            return Ok(connection);
        }
        let connection = self.client.get_multiplexed_async_connection_with_config(&self.config).await?;
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = (generation + 1, connection.clone());
        Ok(connection)
    }

    /// Sends `command`, and once more on a new connection if the one in use turned out to be broken.
    ///
    /// After Redis comes back, the store still holds the connection of the outage: the first command fails
    /// on it and is sent again on a new one, so the first request after an outage already succeeds.
    /// Sending again never does harm: a load, save, delete, listing or revocation that did reach Redis does
    /// the same again (a revocation sent twice counts only what the second one ended), and
    /// a create or cycle that did is refused the second time (the key is taken, or the old record is gone),
    /// so the request fails or ends its session rather than acting twice, and the copy it wrote expires
    /// unreferenced. A timeout is not retried, so a hung server fails a request after one
    /// [`RedisStore::DEFAULT_RESPONSE_TIMEOUT`]; a new connection must be made within one as well.
    ///
    /// After a timeout, a new connection is made in the background for the requests that follow. A
    /// connection can go silent while Redis is fine (a failover behind a virtual address, a NAT entry
    /// dropped): nothing breaks it, so without that it would be kept, every request on it timing out, until
    /// the operating system gave up on it many minutes later. A Redis that is only slow loses nothing by it:
    /// the commands already sent on the old connection still get their replies.
    ///
    /// An error that Redis answers with (`NOSCRIPT`, a script's own) comes back as an `Err` too.
    async fn send(self: &Arc<Self>, command: &Cmd) -> RedisResult<Value> {
        let (generation, mut connection) = self.current();
        let reply = match connection.send_packed_command(command).await {
            Err(error) if error.is_timeout() => {
                if !self.replacing_after_timeout.swap(true, Ordering::AcqRel) {
                    let this = Arc::clone(self);
                    tokio::spawn(async move {
                        if let Err(error) = this.replace(generation).await {
                            tracing::debug!(%error, "no new Redis connection after a timeout; keeping the one in use");
                        }
                        this.replacing_after_timeout.store(false, Ordering::Release);
                    });
                }
                Err(error)
            }
            Err(error) if error.is_io_error() && !error.is_timeout() => {
                tracing::debug!(%error, "Redis connection broken; retrying once on a new one");
                let replaced = tokio::time::timeout(RedisStore::DEFAULT_RESPONSE_TIMEOUT, self.replace(generation))
                    .await
                    .map_err(|_| redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::TimedOut)))?;
                replaced?.send_packed_command(command).await
            }
            reply => reply,
        };
        reply?.extract_error()
    }
}

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
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(Self::DEFAULT_RESPONSE_TIMEOUT))
            .set_response_timeout(Some(Self::DEFAULT_RESPONSE_TIMEOUT));
        let connection = Connection::open(client, config).await.map_err(unavailable)?;
        for script in scripts() {
            script.load_async(&mut connection.current().1).await.map_err(unavailable)?;
        }
        warn_if_owner_indexes_may_be_evicted(&mut connection.current().1).await;
        Ok(RedisStore { connection: Arc::new(connection), prefix: "session:".to_owned() })
    }

    /// Files sessions under `prefix` instead of `session:`, to share one database between apps.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The Redis key of the session under `key`, to put in a command.
    fn key<'a>(&'a self, key: &'a StoreKey) -> RedisKey<'a> {
        RedisKey { prefix: &self.prefix, kind: "", hash: key.as_bytes() }
    }

    /// The Redis key of `owner`'s index.
    fn owner_index<'a>(&'a self, owner: &'a OwnerKey) -> RedisKey<'a> {
        RedisKey { prefix: &self.prefix, kind: OWNER_INDEX, hash: owner.as_bytes() }
    }

    /// Runs a command of one of the store's scripts, which answer 1 for done and 0 for refused.
    async fn eval(&self, script: &Script, command: &Cmd) -> Result<bool, StoreError> {
        match self.run_script(script, command).await? {
            Value::Int(done) => Ok(done == 1),
            other => Err(StoreError::new(format!("a session script answered {other:?}"))),
        }
    }

    /// Runs a command of one of the store's scripts; loads the script first if Redis has forgotten it (a
    /// restart).
    async fn run_script(&self, script: &Script, command: &Cmd) -> Result<Value, StoreError> {
        let reply = match self.connection.send(command).await {
            Err(error) if error.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                script.load_async(&mut self.connection.current().1).await.map_err(unavailable)?;
                self.connection.send(command).await
            }
            reply => reply,
        };
        reply.map_err(unavailable)
    }
}

/// Warns when Redis may evict keys that have no expiry (`maxmemory-policy allkeys-*`): an owner's index is
/// such a key, and once it is evicted while its sessions stay, `revoke_owner` no longer finds them. A Redis
/// that does not let this client read its configuration (a managed one) is taken as it is.
async fn warn_if_owner_indexes_may_be_evicted(connection: &mut MultiplexedConnection) {
    let policy: RedisResult<(String, String)> =
        redis::cmd("CONFIG").arg("GET").arg("maxmemory-policy").query_async(connection).await;
    match policy {
        Ok((_, policy)) if policy.starts_with("allkeys-") => tracing::warn!(
            policy,
            "Redis may evict any key when its memory is full (maxmemory-policy {policy}), an owner's index of \
             sessions included, after which revoke_owner misses that owner's sessions: set maxmemory-policy \
             to volatile-lru (or another volatile- policy, which evicts only sessions) or noeviction"
        ),
        Ok(_) => {}
        Err(error) => tracing::debug!(%error, "Redis's maxmemory-policy could not be read"),
    }
}

/// An `EVALSHA` of `script` on `keys`, its arguments to be added: `args` more of them, of `bytes` in all.
///
/// The command's buffers are sized for all of it up front, since growing them argument by argument
/// reallocated them several times per command (BENCHMARKS.md has what that cost).
fn script_command(script: &Script, keys: &[RedisKey<'_>], args: usize, bytes: usize) -> Cmd {
    // The script's SHA-1 in hex, and the number of keys.
    const HEAD_BYTES: usize = "EVALSHA".len() + 40 + 4;
    let key_bytes: usize = keys.iter().map(RedisKey::len).sum();
    let mut command = Cmd::with_capacity(3 + keys.len() + args, HEAD_BYTES + key_bytes + bytes);
    command.arg("EVALSHA").arg(script.get_hash()).arg(keys.len());
    for key in keys {
        command.arg(key);
    }
    command
}

/// Bytes enough for the decimal times and counts a script's arguments start with (a `u64` has at most 20
/// digits).
const NUMBER_ARGS_BYTES: usize = 4 * 20;

/// The most field names and values one write passes on to one Redis command. Redis's Lua hands a command at
/// most some 8,000 values, and a script that asks for more fails where it asks, after the commands before
/// it ran: a cycle would have moved the record and not patched it. So a larger write is refused before it
/// is sent, changing nothing.
const MAX_FIELD_ARGS: usize = 7_000;

/// Refuses a write that sets `set` fields (a name and a value each) or removes `removed` (a name each):
/// each is one command's arguments.
fn check_field_args(set: usize, removed: usize) -> Result<(), StoreError> {
    if 2 * set > MAX_FIELD_ARGS || removed > MAX_FIELD_ARGS {
        return Err(StoreError::too_large(format!(
            "a write that sets {set} fields and removes {removed} is more than RedisStore writes at once \
             ({} set, {MAX_FIELD_ARGS} removed at most)",
            MAX_FIELD_ARGS / 2
        )));
    }
    Ok(())
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

/// A key of this store, written straight into a command's buffer: a session's hash,
/// `<prefix><hex of the store key>`, or an owner's index, `<prefix>owner:<hex of the owner key>`.
struct RedisKey<'a> {
    prefix: &'a str,
    kind: &'static str,
    hash: &'a [u8; 32],
}

impl RedisKey<'_> {
    /// Its length in a command.
    fn len(&self) -> usize {
        self.prefix.len() + self.kind.len() + 2 * self.hash.len()
    }
}

impl ToRedisArgs for RedisKey<'_> {
    fn write_redis_args<W: ?Sized + RedisWrite>(&self, out: &mut W) {
        const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0; 64];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(self.hash) {
            pair[0] = HEX_DIGITS[usize::from(byte >> 4)];
            pair[1] = HEX_DIGITS[usize::from(byte & 0x0f)];
        }
        write_parts(out, &[self.prefix.as_bytes(), self.kind.as_bytes(), &hex]);
    }
}

/// A session field's name as stored: `f:` and the name, written straight into a command's buffer.
struct FieldName<'a>(&'a str);

impl ToRedisArgs for FieldName<'_> {
    fn write_redis_args<W: ?Sized + RedisWrite>(&self, out: &mut W) {
        write_parts(out, &[FIELD_PREFIX.as_bytes(), self.0.as_bytes()]);
    }
}

/// Times as `t` holds them: decimal numbers separated by spaces.
struct Times<const N: usize>([u64; N]);

impl<const N: usize> ToRedisArgs for Times<N> {
    fn write_redis_args<W: ?Sized + RedisWrite>(&self, out: &mut W) {
        let mut arg = out.writer_for_next_arg();
        for (index, time) in self.0.iter().enumerate() {
            // Into the command's own buffer, which cannot fail.
            let _ = if index == 0 { write!(arg, "{time}") } else { write!(arg, " {time}") };
        }
    }
}

/// One argument made of `parts`.
fn write_parts<W: ?Sized + RedisWrite>(out: &mut W, parts: &[&[u8]]) {
    let mut arg = out.writer_for_next_arg();
    for part in parts {
        // Into the command's own buffer, which cannot fail.
        let _ = arg.write_all(part);
    }
}

/// The record in an `HGETALL` reply (a RESP2 array of names and values, or a RESP3 map), its buffers moved
/// into it, not copied. `None` for an empty reply (no such key), for a hash without `t` (no record of this
/// store) and for a record past its deadline, which Redis has not reclaimed yet.
fn parse_record(reply: Value) -> Result<Option<Record>, StoreError> {
    let pairs: Vec<(Value, Value)> = match reply {
        Value::Array(items) => {
            let mut items = items.into_iter();
            std::iter::from_fn(|| Some((items.next()?, items.next()?))).collect()
        }
        Value::Map(pairs) => pairs,
        Value::Nil => Vec::new(),
        other => return Err(StoreError::new(format!("Redis answered HGETALL with {other:?}"))),
    };
    let (mut times, mut owner) = (None, None);
    let mut fields = std::collections::HashMap::with_capacity(pairs.len().saturating_sub(1));
    for pair in pairs {
        let (Value::BulkString(name), Value::BulkString(value)) = pair else {
            return Err(StoreError::new("Redis answered HGETALL with a value that is not a string"));
        };
        if name == TIMES.as_bytes() {
            let malformed = || StoreError::new("a session record's `t` is malformed").unreadable();
            times = Some(parse_times(&value).ok_or_else(malformed)?);
        } else if name == OWNER.as_bytes() {
            let malformed = || StoreError::new("a session record's `o` is malformed").unreadable();
            owner = Some(owner_of_index(&value).ok_or_else(malformed)?);
        } else if let Some(field) = field_name(name) {
            fields.insert(field, value);
        }
    }
    let Some([expires_at, last_seen, created_at]) = times else { return Ok(None) };
    let record = Record { fields, created_at, last_seen, expires_at, owner };
    Ok((!record.is_expired(now_millis())).then_some(record))
}

/// The session field a stored name holds, `f:` taken off in place: no copy.
fn field_name(mut name: Vec<u8>) -> Option<String> {
    if !name.starts_with(FIELD_PREFIX.as_bytes()) {
        return None;
    }
    name.drain(..FIELD_PREFIX.len());
    String::from_utf8(name).ok()
}

/// The key an index or session name ends in: its last 64 hex digits.
fn hash_at_end(name: &[u8]) -> Option<&str> {
    let start = name.len().checked_sub(64)?;
    std::str::from_utf8(&name[start..]).ok()
}

/// The owner whose index is named `index`.
fn owner_of_index(index: &[u8]) -> Option<OwnerKey> {
    OwnerKey::from_hex(hash_at_end(index)?)
}

/// `<expires> <last seen> <created>`.
fn parse_times(bytes: &[u8]) -> Option<[u64; 3]> {
    let mut numbers = std::str::from_utf8(bytes).ok()?.split(' ').map(|number| number.parse().ok());
    let times = [numbers.next()??, numbers.next()??, numbers.next()??];
    numbers.next().is_none().then_some(times)
}

impl SessionStore for RedisStore {
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        let key = self.key(key);
        let mut command = Cmd::with_capacity(2, "HGETALL".len() + key.len());
        command.arg("HGETALL").arg(key);
        let reply = self.connection.send(&command).await.map_err(unavailable)?;
        Ok(parse_record(reply)?.map(Arc::new))
    }

    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        check_field_args(record.fields.len(), 0)?;
        let (args, bytes) = record.fields.iter().fold((3, NUMBER_ARGS_BYTES), |(args, bytes), (name, value)| {
            (args + 2, bytes + FIELD_PREFIX.len() + name.len() + value.len())
        });
        let (script, mut command) = match &record.owner {
            None => (&*CREATE_SCRIPT, script_command(&CREATE_SCRIPT, &[self.key(key)], args, bytes)),
            Some(owner) => {
                let keys = [self.key(key), self.owner_index(owner)];
                (&*CREATE_OWNED_SCRIPT, script_command(&CREATE_OWNED_SCRIPT, &keys, args, bytes))
            }
        };
        command
            .arg(now_millis())
            .arg(Times([record.expires_at, record.last_seen, record.created_at]))
            .arg(key_expiry(record.expires_at));
        for (name, value) in &record.fields {
            command.arg(FieldName(name)).arg(value.as_slice());
        }
        self.eval(script, &command).await
    }

    /// A patch that keeps the owner runs the plain SAVE script: only a change of owner touches an index.
    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        check_patch(patch)?;
        let (script, command) = match &patch.owner {
            OwnerChange::Keep => (&*SAVE_SCRIPT, patch_command(&SAVE_SCRIPT, &[self.key(key)], patch)),
            OwnerChange::Set(owner) => {
                let keys = [self.key(key), self.owner_index(owner)];
                (&*SAVE_OWNER_SCRIPT, patch_command(&SAVE_OWNER_SCRIPT, &keys, patch))
            }
            OwnerChange::Clear => (&*SAVE_OWNER_SCRIPT, patch_command(&SAVE_OWNER_SCRIPT, &[self.key(key)], patch)),
            OwnerChange::Adopt(owner) => {
                let keys = [self.key(key), self.owner_index(owner)];
                (&*SAVE_ADOPT_SCRIPT, patch_command(&SAVE_ADOPT_SCRIPT, &keys, patch))
            }
        };
        self.eval(script, &command).await
    }

    async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        self.eval(&DELETE_SCRIPT, &script_command(&DELETE_SCRIPT, &[self.key(key)], 0, 0)).await
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        check_patch(patch)?;
        let (old, new) = (self.key(old), self.key(new));
        let (script, command) = match &patch.owner {
            OwnerChange::Keep => (&*CYCLE_SCRIPT, patch_command(&CYCLE_SCRIPT, &[old, new], patch)),
            OwnerChange::Set(owner) => {
                let keys = [old, new, self.owner_index(owner)];
                (&*CYCLE_OWNER_SCRIPT, patch_command(&CYCLE_OWNER_SCRIPT, &keys, patch))
            }
            OwnerChange::Clear => (&*CYCLE_OWNER_SCRIPT, patch_command(&CYCLE_OWNER_SCRIPT, &[old, new], patch)),
            OwnerChange::Adopt(owner) => {
                let keys = [old, new, self.owner_index(owner)];
                (&*CYCLE_ADOPT_SCRIPT, patch_command(&CYCLE_ADOPT_SCRIPT, &keys, patch))
            }
        };
        self.eval(script, &command).await
    }

    async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
        let mut command = script_command(&LIST_OWNER_SCRIPT, &[self.owner_index(owner)], 1, NUMBER_ARGS_BYTES);
        command.arg(now_millis());
        let listed = self.run_script(&LIST_OWNER_SCRIPT, &command).await?;
        let malformed = || StoreError::new("an owner's session listed without a valid key or times").unreadable();
        let Value::Array(listed) = listed else { return Err(malformed()) };
        listed
            .chunks_exact(2)
            .map(|session| {
                let [Value::BulkString(name), Value::BulkString(times)] = session else { return Err(malformed()) };
                let key = hash_at_end(name).and_then(StoreKey::from_hex).ok_or_else(malformed)?;
                let [expires_at, last_seen, created_at] = parse_times(times).ok_or_else(malformed)?;
                Ok(OwnedSession { key, created_at, last_seen, expires_at })
            })
            .collect()
    }

    async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
        let except_bytes = except.map_or(0, |key| self.key(key).len());
        let mut command =
            script_command(&REVOKE_OWNER_SCRIPT, &[self.owner_index(owner)], 2, NUMBER_ARGS_BYTES + except_bytes);
        command.arg(now_millis());
        match except {
            Some(key) => command.arg(self.key(key)),
            None => command.arg(""),
        };
        match self.run_script(&REVOKE_OWNER_SCRIPT, &command).await? {
            // -1: the record to keep is not live.
            Value::Int(revoked) => Ok(usize::try_from(revoked).ok()),
            other => Err(StoreError::new(format!("the revoking script answered {other:?}"))),
        }
    }
}

/// Refuses a patch that sets, or removes, more fields than one command of a script takes.
fn check_patch(patch: &Patch<'_>) -> Result<(), StoreError> {
    let set = patch.changes.iter().filter(|(_, value)| value.is_some()).count();
    check_field_args(set, patch.changes.len() - set)
}

/// SAVE's or CYCLE's command: now, the deadline, the last-seen time, the key's expiry, whether the patch
/// replaces the deadline, the number of fields set, their name/value pairs, the names of the fields removed.
fn patch_command(script: &Script, keys: &[RedisKey<'_>], patch: &Patch<'_>) -> Cmd {
    let (args, bytes) = patch.changes.iter().fold((6, NUMBER_ARGS_BYTES + 21), |(args, bytes), (name, value)| {
        let name = FIELD_PREFIX.len() + name.len();
        match value {
            Some(value) => (args + 2, bytes + name + value.len()),
            None => (args + 1, bytes + name),
        }
    });
    let mut command = script_command(script, keys, args, bytes);
    let set = patch.changes.iter().filter(|(_, value)| value.is_some());
    command
        .arg(now_millis())
        .arg(patch.expires_at)
        .arg(patch.last_seen)
        .arg(key_expiry(patch.expires_at))
        .arg(if patch.replaces_deadline { "1" } else { "0" })
        .arg(set.clone().count());
    for (name, value) in set {
        command.arg(FieldName(name)).arg(value.as_deref().unwrap_or_default());
    }
    for (name, _) in patch.changes.iter().filter(|(_, value)| value.is_none()) {
        command.arg(FieldName(name));
    }
    command
}
