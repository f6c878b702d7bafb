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

mod command;
mod connection;
mod reply;
mod scripts;

use std::{sync::Arc, time::Duration};

use redis::{
    aio::MultiplexedConnection, AsyncConnectionConfig, Cmd, ErrorKind, RedisResult, Script, ServerErrorKind, Value,
};

use self::{
    command::{
        check_field_args, check_patch, key_expiry, patch_command, script_command, FieldName, RedisKey, Times,
        NUMBER_ARGS_BYTES,
    },
    connection::Connection,
    reply::{hash_at_end, parse_record, parse_times},
    scripts::*,
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

// The layout of a session's hash (above), which the scripts spell out too.
const TIMES: &str = "t";
const FIELD_PREFIX: &str = "f:";
const OWNER: &str = "o";
/// After the prefix, what names an owner's index rather than a session.
const OWNER_INDEX: &str = "owner:";

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
/// that does not let this client read its configuration (a managed one, an ACL without `CONFIG`) gets the
/// same advice as a question: the policy is set where the client cannot see it.
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
        Err(error) => tracing::warn!(
            %error,
            "Redis's maxmemory-policy could not be read: if it is an allkeys- policy, Redis may evict an owner's \
             index of sessions when its memory is full, after which revoke_owner misses that owner's sessions; \
             make sure it is a volatile- policy (which evicts only sessions) or noeviction"
        ),
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

impl SessionStore for RedisStore {
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        let key = self.key(key);
        let mut command = Cmd::with_capacity(2, "HGETALL".len() + key.len());
        command.arg("HGETALL").arg(key);
        let reply = self.connection.send(&command).await.map_err(|error| match error.code() {
            // Another type of key under a session's name (a hand edit, another app): no record of ours, and
            // nothing a retry would change.
            Some("WRONGTYPE") => StoreError::with_source("a session's key holds no hash", error).unreadable(),
            _ => unavailable(error),
        })?;
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
