//! [`PostgresStore`]: sessions in PostgreSQL, for apps on several machines that already run it.
//!
//! Each session is one row keyed by the 32-byte [`StoreKey`] (`BYTEA`), its fields one `JSONB` object of
//! base64url strings, its times `BIGINT` milliseconds on the app's clock. Every operation but
//! `revoke_owner` is one statement, so one round trip: a save merges its fields into the object on the
//! server (`(fields || $set) - $removed`), which is what keeps concurrent requests' fields, and every
//! statement that needs a live record compares the row's own deadline with the app's `now_millis()`, bound
//! as a parameter.
//!
//! The owner of a session is a column of its row (`owner BYTEA`, the [`OwnerKey`], `NULL` for none) with a
//! partial index on the owned rows: every write keeps it in step in its one statement, a cycle copies it
//! to the new row, and an ended row drops out of a listing by its deadline. Patches that change the owner
//! use their own statements (`save_owner`, `cycle_owner`, and `save_adopt` and `cycle_adopt` for
//! [`OwnerChange::Adopt`]); the others are the plain ones.

mod statements;

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions, PgRow},
    Executor, PgPool, Row,
};

use self::statements::Statements;
use super::{
    now_millis,
    sql::{self, CleanupTask},
    OwnedSession, OwnerChange, OwnerKey, Patch, Record, SessionStore,
};
use crate::{id::StoreKey, StoreError};

/// A session store in a PostgreSQL table: a cheap [`Clone`] handle over a connection pool.
///
/// [`connect`](Self::connect) creates the table `sessions` when it is missing. Apps that run their own
/// pool and migrations build the store with [`from_pool`](Self::from_pool), choose where it lives with
/// [`with_schema`](Self::with_schema) and [`with_table_name`](Self::with_table_name), and create the table
/// with [`migrate`](Self::migrate) (or with the statement it runs, in their own migrations).
///
/// An operation that has not finished within [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT) (2 seconds; see
/// [`with_timeout`](Self::with_timeout)) fails with a [`StoreError`], which the layer answers with a 503;
/// a stopped server usually fails it at once. Once the server is back, requests work again without
/// restarting the app: connections the server closed meanwhile are replaced on first use.
///
/// Each statement is prepared once per connection (a round trip of its own, the first time) and then
/// runs in one round trip. Ended sessions read as absent at once; their rows are deleted by
/// [`delete_expired`](Self::delete_expired), which [`spawn_cleanup`](Self::spawn_cleanup) runs in the
/// background.
///
/// ```no_run
/// # async fn run() -> Result<(), session_core::StoreError> {
/// use std::time::Duration;
///
/// use session_core::{Key, PostgresStore, SessionLayer};
///
/// let store = PostgresStore::connect("postgres://app:secret@db.internal/app").await?;
/// let cleanup = store.spawn_cleanup(Duration::from_secs(600));
/// let layer = SessionLayer::new(store, Key::generate());
/// # drop(cleanup); let _ = layer;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    statements: Arc<Statements>,
    timeout: Duration,
    cleanup_batch: i64,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("table", &self.statements.table)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Refuses to create the owner index when another relation has its name: `CREATE INDEX IF NOT EXISTS` would
/// skip it without a word, and listing or revoking an owner's sessions would scan the whole table while
/// `revoke_owner` holds its lock on it.
async fn check_owner_index_name(
    transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    statements: &Statements,
) -> Result<(), StoreError> {
    let index = statements.owner_index_name();
    match relation_kind(transaction, &index).await? {
        Some(kind) => Err(name_taken(&format!("{index}, the name of the sessions table's owner index,"), &kind)),
        None => Ok(()),
    }
}

/// The kind of relation (`pg_class.relkind`) named `name`, if there is one: tables, views, indexes and
/// sequences share one namespace per schema.
async fn relation_kind(
    transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    name: &str,
) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)")
        .bind(name)
        .fetch_optional(&mut **transaction)
        .await
        .map_err(failure)
}

/// The error for a name the store needs that a relation of `kind` holds already.
fn name_taken(what: &str, kind: &str) -> StoreError {
    let kind = match kind {
        "i" | "I" => "an index",
        "v" | "m" => "a view",
        "S" => "a sequence",
        "r" | "p" => "another table",
        _ => "another relation",
    };
    StoreError::new(format!("{what} is {kind} in this database: choose another table name with `with_table_name`"))
}

impl PostgresStore {
    /// How long one operation may take, waiting for a connection included, before it fails.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

    /// Rows [`delete_expired`](Self::delete_expired) looks at per statement, unless
    /// [`with_cleanup_batch_size`](Self::with_cleanup_batch_size) says otherwise.
    pub const DEFAULT_CLEANUP_BATCH_SIZE: u32 = 1000;

    /// Connects to the database at `url` (`postgres://user:password@host:port/database`; a unix socket
    /// with `?host=/run/postgresql`) and creates the table `sessions` if it is missing.
    ///
    /// The pool gives up waiting for a connection after [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT), and
    /// does not ping a connection before each use: that would be a second round trip per operation. A
    /// connection the server has closed is found by its first failure, and the operation is retried on
    /// another one.
    ///
    /// Its connections ask the server to cancel any statement still running after `DEFAULT_TIMEOUT`
    /// (PostgreSQL's `statement_timeout`, unless the URL sets one; it takes the place of one set for the
    /// role or the database), whatever [`with_timeout`](Self::with_timeout) says later. The store stops
    /// waiting at its own timeout, but the connection stays busy until the server ends the statement:
    /// without that limit, a few writes stuck behind one row's lock (a transaction left open in a console)
    /// would hold every connection of the pool for as long as the lock lasts, and every other session would
    /// fail meanwhile.
    ///
    /// The setting travels in the connection's startup `options`. PgBouncer refuses a startup parameter it
    /// does not handle (`unsupported startup parameter`) unless its `ignore_startup_parameters` lists it, as
    /// sqlx's `extra_float_digits` needs already: behind PgBouncer, list `options` there too, and give the
    /// database role a `statement_timeout` of its own (`ALTER ROLE ... SET statement_timeout = '2s'`).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut options = PgConnectOptions::from_str(url)
            .map_err(|error| StoreError::with_source("invalid PostgreSQL URL", error))?;
        if !options.get_options().is_some_and(|set| set.contains("statement_timeout")) {
            options = options.options([("statement_timeout", Self::DEFAULT_TIMEOUT.as_millis().to_string())]);
        }
        let pool = PgPoolOptions::new()
            .acquire_timeout(Self::DEFAULT_TIMEOUT)
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(failure)?;
        let store = Self::from_pool(pool);
        store.migrate().await?;
        Ok(store)
    }

    /// A store over a pool the app made, using the table `sessions`, which it does not create: call
    /// [`migrate`](Self::migrate) for that, after choosing the table.
    ///
    /// The pool's own settings apply beneath the store's timeout. sqlx's pools ping a connection before
    /// each use unless told not to (`test_before_acquire(false)`, as [`connect`](Self::connect)'s pool
    /// is): that ping is a round trip of its own on every operation. Give the pool's connections a
    /// `statement_timeout` too, as `connect` does (`PgConnectOptions::options([("statement_timeout",
    /// "2000")])`), so that statements stuck behind a lock do not keep the pool's connections busy after
    /// the store has given up on them.
    ///
    /// ```no_run
    /// # async fn run(pool: sqlx::PgPool) -> Result<(), session_core::StoreError> {
    /// use session_core::PostgresStore;
    ///
    /// let store = PostgresStore::from_pool(pool).with_schema("auth")?.with_table_name("web_sessions")?;
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    pub fn from_pool(pool: PgPool) -> Self {
        PostgresStore {
            pool,
            statements: Arc::new(Statements::new(None, "sessions".to_owned())),
            timeout: Self::DEFAULT_TIMEOUT,
            cleanup_batch: Self::DEFAULT_CLEANUP_BATCH_SIZE.into(),
        }
    }

    /// Keeps sessions in the table `name` instead of `sessions`. Refuses, with a [`StoreError`], a name
    /// that is not 1 to 48 ASCII letters, digits and underscores starting with a letter or underscore; the
    /// name is quoted in statements, so its case is kept.
    pub fn with_table_name(self, name: &str) -> Result<Self, StoreError> {
        let name = sql::identifier("table name", name)?;
        let statements = Statements::new(self.statements.schema.clone(), name);
        Ok(PostgresStore { statements: Arc::new(statements), ..self })
    }

    /// Puts the table in the schema `schema` instead of the first of the connection's `search_path`.
    /// The same names are accepted as by [`with_table_name`](Self::with_table_name).
    pub fn with_schema(self, schema: &str) -> Result<Self, StoreError> {
        let schema = sql::identifier("schema name", schema)?;
        let statements = Statements::new(Some(schema), self.statements.name.clone());
        Ok(PostgresStore { statements: Arc::new(statements), ..self })
    }

    /// Fails an operation that has not finished within `timeout` (waiting for a connection included)
    /// instead of [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT). The pool's own acquire timeout, which
    /// [`connect`](Self::connect) sets to the default, should not be longer.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        PostgresStore { timeout, ..self }
    }

    /// Looks at `rows` sessions per statement in [`delete_expired`](Self::delete_expired) instead of
    /// [`DEFAULT_CLEANUP_BATCH_SIZE`](Self::DEFAULT_CLEANUP_BATCH_SIZE), so that no statement reads or locks a
    /// large part of the table (at least 1).
    pub fn with_cleanup_batch_size(self, rows: u32) -> Self {
        PostgresStore { cleanup_batch: rows.max(1).into(), ..self }
    }

    /// The pool the store uses.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Creates the schema (if one was chosen) and the table, unless the table exists. Several instances
    /// starting at once are fine: they take turns on an advisory lock, one per schema.
    ///
    /// The statement, for an app that puts it in its own migrations instead:
    ///
    /// ```sql
    /// CREATE TABLE IF NOT EXISTS "sessions" (
    ///     key BYTEA PRIMARY KEY,
    ///     fields JSONB NOT NULL,
    ///     created_at BIGINT NOT NULL,
    ///     last_seen BIGINT NOT NULL,
    ///     expires_at BIGINT NOT NULL,
    ///     owner BYTEA
    /// );
    /// CREATE INDEX IF NOT EXISTS "sessions_owner" ON "sessions" (owner) WHERE owner IS NOT NULL;
    /// ```
    ///
    /// A table created before sessions had owners gets the `owner` column and its index here (in an app's
    /// own migrations, `ALTER TABLE "sessions" ADD COLUMN owner BYTEA;` and the `CREATE INDEX` above). Its
    /// locks are awaited the store's timeout at most, so an upgrade behind a long transaction fails with an
    /// error rather than holding up the running instances' session writes queued behind it. A table of that
    /// name that is not a sessions table (an app's own) is refused, changing nothing; so is a schema
    /// (`with_schema`) that is missing and that the role may not create, while one that exists only needs
    /// the right to create tables in it.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let statements = &self.statements;
        let mut transaction = self.pool.begin().await.map_err(failure)?;
        // Running instances' session writes would queue behind the `ALTER TABLE` of an upgrade while it
        // waits for its lock: it waits the store's timeout at most, and `connect` fails with a clear error.
        // Once it has the lock, building the owner index of a large table may take longer than any
        // statement of a request should: the connection's `statement_timeout` is lifted for it.
        // Read committed whatever the database's default: at a stricter level the snapshot would be taken
        // before the advisory lock is granted, and an instance that waited for another's upgrade would not
        // see it, and make it again.
        let settings = format!(
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = {}; \
             SET LOCAL statement_timeout = 0",
            self.timeout.as_millis().max(1)
        );
        (&mut *transaction).execute(settings.as_str()).await.map_err(failure)?;
        // Instances take turns per schema, not per table: two tables' first migrations in one new schema
        // would both create it.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(statements.schema.as_deref().unwrap_or(&statements.table))
            .execute(&mut *transaction)
            .await
            .map_err(failure)?;
        // Checked first, so that a role allowed to use an existing table but not to create one can start.
        // Tables, views and indexes share one namespace: the name must be a table's, if anything's.
        let exists = match relation_kind(&mut transaction, &statements.table).await?.as_deref() {
            None => false,
            Some("r" | "p") => true,
            Some(kind) => return Err(name_taken(&format!("{}, the sessions table's name,", statements.table), kind)),
        };
        if !exists {
            check_owner_index_name(&mut transaction, statements).await?;
            if let Some(schema) = &statements.schema {
                // Looked for first: `CREATE SCHEMA IF NOT EXISTS` needs the right to create schemas in the
                // database even when the schema is there, which a role given one schema lacks.
                let missing: bool = sqlx::query_scalar("SELECT to_regnamespace($1) IS NULL")
                    .bind(format!("\"{schema}\""))
                    .fetch_one(&mut *transaction)
                    .await
                    .map_err(failure)?;
                if missing {
                    let create = format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
                    (&mut *transaction).execute(create.as_str()).await.map_err(failure)?;
                }
            }
            (&mut *transaction).execute(statements.create_table().as_str()).await.map_err(failure)?;
        } else {
            let columns: Vec<String> = sqlx::query_scalar(
                "SELECT attname::text FROM pg_attribute \
                 WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            )
            .bind(&statements.table)
            .fetch_all(&mut *transaction)
            .await
            .map_err(failure)?;
            // A table from before sessions had owners gets the column and its index.
            if !sql::session_table_has_owner(&statements.table, &columns)? {
                check_owner_index_name(&mut transaction, statements).await?;
                let add =
                    format!("ALTER TABLE {} ADD COLUMN owner BYTEA;\n{}", statements.table, statements.owner_index());
                (&mut *transaction).execute(add.as_str()).await.map_err(failure)?;
            }
        }
        transaction.commit().await.map_err(failure)
    }

    /// Deletes the rows of ended sessions, walking the table [`DEFAULT_CLEANUP_BATCH_SIZE`](Self::DEFAULT_CLEANUP_BATCH_SIZE)
    /// rows at a time (one statement each) in the order of their keys; returns how many it deleted.
    pub async fn delete_expired(&self) -> Result<u64, StoreError> {
        sql::delete_expired_by_key(self.cleanup_batch, |after| async move {
            let now = sql::to_sql_millis(now_millis());
            let after = &after;
            let (last_key, keys, deleted): (Option<Vec<u8>>, i64, i64) = self
                .run(|| {
                    sqlx::query_as(&self.statements.delete_expired)
                        .bind(after)
                        .bind(self.cleanup_batch)
                        .bind(now)
                        .fetch_one(&self.pool)
                })
                .await?;
            Ok(sql::CleanupStep { last_key, keys, deleted: deleted.unsigned_abs() })
        })
        .await
    }

    /// Runs [`delete_expired`](Self::delete_expired) now and then every `period` in a background task,
    /// until the returned [`CleanupTask`] is dropped or stopped.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or if `period` is zero.
    pub fn spawn_cleanup(&self, period: Duration) -> CleanupTask {
        let store = self.clone();
        CleanupTask::spawn(period, move || {
            let store = store.clone();
            async move { store.delete_expired().await }
        })
    }

    /// Runs one statement, within the store's timeout, and again on another connection if the one it got
    /// had been closed by the server (a restart since it was last used), or again at once if the server
    /// refused it as a serialization failure or a deadlock: where the database's default isolation level
    /// is above read committed, concurrent saves of one session's row fail that way, changing nothing.
    ///
    /// Running a statement twice is safe here: a load, save or delete that did reach the server does the
    /// same again, and a create or cycle that did answers "taken" or "ended", as the trait allows.
    async fn run<T, F>(&self, statement: impl Fn() -> F) -> Result<T, StoreError>
    where
        F: std::future::Future<Output = Result<T, sqlx::Error>>,
    {
        let attempts = self.pool.options().get_max_connections() + 1;
        let retried = async {
            let mut attempt = 1;
            loop {
                match statement().await {
                    Err(error) if attempt < attempts && connection_closed(&error) => {
                        tracing::debug!(%error, "PostgreSQL connection closed; retrying on another");
                        attempt += 1;
                    }
                    Err(error) if serialization_failure(&error) => {
                        // Bounded by the store's timeout, like every other wait here.
                        tracing::debug!(%error, "PostgreSQL refused a statement that met another; retrying");
                    }
                    result => return result.map_err(failure),
                }
            }
        };
        tokio::time::timeout(self.timeout, retried).await.unwrap_or_else(|_| {
            // The wait may have been for a connection of the pool, not for the server: an app's own queries
            // can hold all of a pool it shares with the store.
            let pool_in_use =
                self.pool.num_idle() == 0 && self.pool.size() >= self.pool.options().get_max_connections();
            let waited_for = if pool_in_use {
                "; every connection of its pool was in use (by the app's own queries, if it shares the pool, or \
                 by requests waiting on the server)"
            } else {
                ""
            };
            Err(StoreError::new(format!("PostgreSQL did not answer within {:?}{waited_for}", self.timeout)))
        })
    }
}

/// True for a statement the server refused because it met a concurrent one (SQLSTATE 40001, a serialization
/// failure; 40P01, a deadlock): it changed nothing, and running it again is what PostgreSQL asks for.
fn serialization_failure(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(error) if matches!(error.code().as_deref(), Some("40001" | "40P01")))
}

/// True for the errors of a connection that is gone: the server closed it (a restart, an administrator)
/// or the socket broke. Another connection may well work.
fn connection_closed(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) => true,
        // 57P01-57P03: shutting down, crashed, starting up; 08: connection exceptions.
        sqlx::Error::Database(error) => {
            error.code().is_some_and(|code| code.starts_with("57P") || code.starts_with("08"))
        }
        _ => false,
    }
}

/// The names of the fields `patch` removes, for the `- $removed::text[]` of SAVE and CYCLE.
fn removed_fields<'p>(patch: &Patch<'p>) -> Vec<&'p str> {
    patch.changes.iter().filter(|(_, value)| value.is_none()).map(|(name, _)| *name).collect()
}

/// The JSON text of LOAD's `fields`, as sent in `JSONB`'s binary form: a format version (1), then the
/// text. Selecting the column as it is costs the server less than casting it to `text` (BENCHMARKS.md).
fn jsonb_text(row: &PgRow) -> Result<&[u8], StoreError> {
    // Unchecked: sqlx would refuse to read a `JSONB` column as bytes, which is all its binary form is.
    let jsonb: &[u8] = row.try_get_unchecked(0).map_err(failure)?;
    jsonb.strip_prefix(&[1]).ok_or_else(|| StoreError::new("PostgreSQL sent `fields` in an unknown JSONB format"))
}

fn failure(error: sqlx::Error) -> StoreError {
    let message = match &error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => "PostgreSQL is unavailable",
        error if connection_closed(error) => "PostgreSQL is unavailable",
        // 55P03: a `lock_timeout` ran out.
        sqlx::Error::Database(error) if error.code().as_deref() == Some("55P03") => {
            "PostgreSQL: another transaction holds a lock on the sessions table (a manual VACUUM or an index \
             build, say); nothing was changed, retry once it is done"
        }
        // 57014: cancelled, here by the connection's `statement_timeout`.
        sqlx::Error::Database(error) if error.code().as_deref() == Some("57014") => {
            "PostgreSQL cancelled a session statement that ran past its statement_timeout (waiting, most \
             likely, for a lock another transaction holds on the session's row); nothing was changed"
        }
        _ => "PostgreSQL refused a session statement",
    };
    StoreError::with_source(message, error)
}

impl SessionStore for PostgresStore {
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        let (key, now) = (&key.as_bytes()[..], sql::to_sql_millis(now_millis()));
        let row =
            self.run(|| sqlx::query(&self.statements.load).bind(key).bind(now).fetch_optional(&self.pool)).await?;
        let Some(row) = row else { return Ok(None) };
        let time = |column| row.try_get::<i64, _>(column).map(sql::from_sql_millis).map_err(failure);
        let owner: Option<Vec<u8>> = row.try_get(4).map_err(failure)?;
        Ok(Some(Arc::new(Record {
            fields: sql::parse_fields(jsonb_text(&row)?)?,
            created_at: time(1)?,
            last_seen: time(2)?,
            expires_at: time(3)?,
            owner: owner.map(sql::parse_owner).transpose()?,
        })))
    }

    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        let key = &key.as_bytes()[..];
        let fields = sql::fields_json(record.fields.iter().map(|(name, value)| (name.as_str(), value.as_slice())));
        let now = sql::to_sql_millis(now_millis());
        let owner = record.owner.as_ref().map(|owner| &owner.as_bytes()[..]);
        let done = self
            .run(|| {
                sqlx::query(&self.statements.create)
                    .bind(key)
                    .bind(&fields)
                    .bind(sql::to_sql_millis(record.created_at))
                    .bind(sql::to_sql_millis(record.last_seen))
                    .bind(sql::to_sql_millis(record.expires_at))
                    .bind(now)
                    .bind(owner)
                    .execute(&self.pool)
            })
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let key = &key.as_bytes()[..];
        let (set, removed) = (sql::patch_json(patch, false), removed_fields(patch));
        let now = sql::to_sql_millis(now_millis());
        let done = self
            .run(|| {
                let (statement, owner) = match patch.owner {
                    OwnerChange::Keep => (&self.statements.save, None),
                    change @ OwnerChange::Adopt(_) => (&self.statements.save_adopt, Some(change.applied_to(None))),
                    change => (&self.statements.save_owner, Some(change.applied_to(None))),
                };
                let query = sqlx::query(statement)
                    .bind(key)
                    .bind(&set)
                    .bind(&removed)
                    .bind(sql::to_sql_millis(patch.last_seen))
                    .bind(sql::to_sql_millis(patch.expires_at))
                    .bind(now);
                let query = match owner {
                    None => query,
                    Some(owner) => query.bind(owner.map(|owner| owner.as_bytes().to_vec())),
                };
                query.bind(patch.replaces_deadline).bind(patch.created_at.map(sql::to_sql_millis)).execute(&self.pool)
            })
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        let key = &key.as_bytes()[..];
        let done = self.run(|| sqlx::query(&self.statements.delete).bind(key).execute(&self.pool)).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let (old, new) = (&old.as_bytes()[..], &new.as_bytes()[..]);
        let (set, removed) = (sql::patch_json(patch, false), removed_fields(patch));
        let now = sql::to_sql_millis(now_millis());
        let moved: i64 = self
            .run(|| {
                let (statement, owner) = match patch.owner {
                    OwnerChange::Keep => (&self.statements.cycle, None),
                    change @ OwnerChange::Adopt(_) => (&self.statements.cycle_adopt, Some(change.applied_to(None))),
                    change => (&self.statements.cycle_owner, Some(change.applied_to(None))),
                };
                let query = sqlx::query_scalar(statement)
                    .bind(old)
                    .bind(new)
                    .bind(&set)
                    .bind(&removed)
                    .bind(sql::to_sql_millis(patch.last_seen))
                    .bind(sql::to_sql_millis(patch.expires_at))
                    .bind(now);
                let query = match owner {
                    None => query,
                    Some(owner) => query.bind(owner.map(|owner| owner.as_bytes().to_vec())),
                };
                query.bind(patch.replaces_deadline).bind(patch.created_at.map(sql::to_sql_millis)).fetch_one(&self.pool)
            })
            .await?;
        Ok(moved == 1)
    }

    async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
        let (owner, now) = (&owner.as_bytes()[..], sql::to_sql_millis(now_millis()));
        let rows: Vec<(Vec<u8>, i64, i64, i64)> = self
            .run(|| sqlx::query_as(&self.statements.owner_sessions).bind(owner).bind(now).fetch_all(&self.pool))
            .await?;
        rows.into_iter().map(sql::owned_session).collect()
    }

    /// In a transaction that first locks the table against writes (`SHARE ROW EXCLUSIVE`, which waits for
    /// the writes under way): a cycle that committed just before would otherwise have written a row that
    /// the delete's snapshot cannot see, and that session would outlive its revocation.
    ///
    /// Every session's writes queue behind that lock while it is awaited, so it is awaited a quarter of the
    /// store's timeout at most (`lock_timeout`): a long transaction holding a conflicting lock (a manual
    /// `VACUUM`, an index build) fails the revocation with an error to retry, rather than stalling every
    /// request for as long as it runs.
    async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
        let (owner, now) = (&owner.as_bytes()[..], sql::to_sql_millis(now_millis()));
        let except = except.map(|key| &key.as_bytes()[..]);
        let statements = &self.statements;
        let lock = format!(
            "SET LOCAL lock_timeout = {}; LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE",
            (self.timeout / 4).as_millis().max(1),
            statements.table
        );
        let lock = lock.as_str();
        let (kept_live, revoked): (bool, i64) = self
            .run(|| async move {
                let mut transaction = self.pool.begin().await?;
                // Both in one round trip: text without parameters goes as one simple query.
                (&mut *transaction).execute(lock).await?;
                let done = sqlx::query_as(&statements.revoke_owner)
                    .bind(owner)
                    .bind(now)
                    .bind(except)
                    .fetch_one(&mut *transaction)
                    .await?;
                transaction.commit().await?;
                Ok(done)
            })
            .await?;
        Ok(kept_live.then(|| usize::try_from(revoked).unwrap_or(usize::MAX)))
    }
}
