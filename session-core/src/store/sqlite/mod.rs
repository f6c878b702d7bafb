//! [`SqliteStore`]: sessions in an SQLite file, for one machine whose sessions should survive a restart.
//!
//! Each session is one row keyed by the 32-byte [`StoreKey`] (`BLOB`), its fields one JSON object of
//! base64url strings (`TEXT`), its times `INTEGER` milliseconds on the app's clock. Every operation is one
//! statement, and SQLite runs one writing statement at a time, so each is atomic: a save merges its
//! fields into the stored object with `json_patch` (whose `null` removes a field), and a cycle moves the
//! row to its new key with one `UPDATE`. Every statement that needs a live record compares the row's own
//! deadline with the app's `now_millis()`, bound as a parameter. The store's own writing statements take
//! turns in the process (`SqliteStore::write` says why).
//!
//! The owner of a session is a column of its row (`owner`, the 32-byte [`OwnerKey`], `NULL` for none),
//! with a partial index on the owned rows: the index from owners to sessions is the table itself, so
//! every write keeps it in step, a cycle carries it along, and an ended row drops out of a listing by
//! its deadline. Patches that change the owner use their own statements (`save_owner`, `cycle_owner`,
//! and `save_adopt` and `cycle_adopt` for [`OwnerChange::Adopt`]); the others are the plain ones.

mod statements;

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePoolOptions},
    Executor, SqlitePool,
};

use self::statements::Statements;
use super::{
    now_millis,
    sql::{self, CleanupTask},
    OwnedSession, OwnerChange, OwnerKey, Patch, Record, SessionStore,
};
use crate::{id::StoreKey, StoreError};

/// A session store in an SQLite table: a cheap [`Clone`] handle over a connection pool.
///
/// [`connect`](Self::connect) opens the file (`?mode=rwc` creates it) and creates the table `sessions`
/// when it is missing. Apps that open their own pool build the store with [`from_pool`](Self::from_pool),
/// choose the table with [`with_table_name`](Self::with_table_name) and create it with
/// [`migrate`](Self::migrate).
///
/// The writes of a store and its clones take turns, each starting as soon as the one before it has ended.
/// A write waits up to [`DEFAULT_BUSY_TIMEOUT`](Self::DEFAULT_BUSY_TIMEOUT) (2 seconds) for its turn, and
/// then, if another connection holds the file's lock (another process's, or one the app writes its own
/// tables with), up to its connection's busy timeout (on the connections [`connect`](Self::connect) opens,
/// `DEFAULT_BUSY_TIMEOUT` too); then it fails with a [`StoreError`], as does a write to a file opened
/// read-only. The layer answers both with a 503.
///
/// Ended sessions read as absent at once; their rows are deleted by [`delete_expired`](Self::delete_expired),
/// which [`spawn_cleanup`](Self::spawn_cleanup) runs in the background.
///
/// ```no_run
/// # async fn run() -> Result<(), session_core::StoreError> {
/// use std::time::Duration;
///
/// use session_core::{Key, SessionLayer, SqliteStore};
///
/// let store = SqliteStore::connect("sqlite://sessions.db?mode=rwc").await?;
/// let cleanup = store.spawn_cleanup(Duration::from_secs(600));
/// let layer = SessionLayer::new(store, Key::generate());
/// # drop(cleanup); let _ = layer;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    statements: Arc<Statements>,
    cleanup_batch: i64,
    /// Taken by every statement that writes, by this store and its clones: see [`SqliteStore::write`].
    writes: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("table", &self.statements.name).finish_non_exhaustive()
    }
}

/// Whether the table `?1` exists. SQLite matches names without regard to ASCII case: `Sessions` is the table
/// `sessions`.
const HAS_TABLE: &str = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE)";

impl SqliteStore {
    /// How long a write waits for its turn among the store's writes, and, on the connections
    /// [`connect`](Self::connect) opens, for a lock on the file that another connection holds, before it
    /// fails.
    pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(2);

    /// Rows [`delete_expired`](Self::delete_expired) looks at per step, unless
    /// [`with_cleanup_batch_size`](Self::with_cleanup_batch_size) says otherwise.
    pub const DEFAULT_CLEANUP_BATCH_SIZE: u32 = 1000;

    /// Opens the database at `url` (`sqlite://path/to/sessions.db`; add `?mode=rwc` to create the file
    /// if it is missing, `?mode=ro` to only read it) and creates the table `sessions` if it is missing.
    ///
    /// A database whose table this creates is switched to write-ahead logging, so that requests reading
    /// sessions never wait for one that writes. Writes wait for another connection's lock on the file up to
    /// [`DEFAULT_BUSY_TIMEOUT`](Self::DEFAULT_BUSY_TIMEOUT).
    ///
    /// An in-memory database (`sqlite::memory:`) lasts as long as the store, and ends with the process: the
    /// store keeps its connections open. [`MemoryStore`](crate::MemoryStore) is faster for sessions that
    /// need not outlive the process. A URL without
    /// a path (`sqlite://`, `sqlite://?mode=memory`) is refused: SQLite would give each connection of the
    /// pool a database of its own, so a session written on one would be missing on the next.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|error| StoreError::with_source("invalid SQLite URL", error))?
            .busy_timeout(Self::DEFAULT_BUSY_TIMEOUT);
        if options.get_filename().as_os_str().is_empty() {
            return Err(StoreError::new(
                "the SQLite URL names no database: write the file's path, as in `sqlite://sessions.db?mode=rwc` \
                 (or `sqlite::memory:` for one in memory, shared by the store's connections)",
            ));
        }
        let pool = SqlitePoolOptions::new()
            .acquire_timeout(Self::DEFAULT_BUSY_TIMEOUT)
            // A connection to a file does not go away by itself: checking it before each use would only
            // add a trip to its thread.
            .test_before_acquire(false)
            // Nor does it go stale: connections are kept, not closed after an idle time or a lifetime. An
            // in-memory database lives only while a connection to it is open, and would come back empty,
            // without its table, once the pool had closed them all.
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.clone())
            .await
            .map_err(|error| opening_failure(options.get_filename(), error))?;
        let store = Self::from_pool(pool);
        // A database the store sets up goes to write-ahead logging before its table is made: a switch that
        // fails (another connection reading the file at that moment) then fails `connect` with the table
        // still missing, so the next start switches it; after the table, it would be skipped for good.
        let has_table: bool =
            sqlx::query_scalar(HAS_TABLE).bind(&store.statements.name).fetch_one(&store.pool).await.map_err(failure)?;
        if !has_table {
            sqlx::query("PRAGMA journal_mode = WAL").execute(&store.pool).await.map_err(failure)?;
        }
        store.migrate().await?;
        Ok(store)
    }

    /// A store over a pool the app made, using the table `sessions`, which it does not create: call
    /// [`migrate`](Self::migrate) for that, after choosing the table.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::{str::FromStr, time::Duration};
    ///
    /// use session_core::SqliteStore;
    /// use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
    ///
    /// let options = SqliteConnectOptions::from_str("sqlite://app.db")?.busy_timeout(Duration::from_millis(500));
    /// let store = SqliteStore::from_pool(SqlitePool::connect_with(options).await?).with_table_name("web_sessions")?;
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    pub fn from_pool(pool: SqlitePool) -> Self {
        SqliteStore {
            pool,
            statements: Arc::new(Statements::new("sessions".to_owned())),
            cleanup_batch: Self::DEFAULT_CLEANUP_BATCH_SIZE.into(),
            writes: Arc::default(),
        }
    }

    /// Keeps sessions in the table `name` instead of `sessions`. Refuses, with a [`StoreError`], a name
    /// that is not 1 to 48 ASCII letters, digits and underscores starting with a letter or underscore.
    pub fn with_table_name(self, name: &str) -> Result<Self, StoreError> {
        let name = sql::identifier("table name", name)?;
        Ok(SqliteStore { statements: Arc::new(Statements::new(name)), ..self })
    }

    /// Looks at `rows` sessions per step of [`delete_expired`](Self::delete_expired) instead of
    /// [`DEFAULT_CLEANUP_BATCH_SIZE`](Self::DEFAULT_CLEANUP_BATCH_SIZE), so that no `DELETE` holds the file's
    /// write lock for long (at least 1).
    pub fn with_cleanup_batch_size(self, rows: u32) -> Self {
        SqliteStore { cleanup_batch: rows.max(1).into(), ..self }
    }

    /// The pool the store uses.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Creates the table, unless it exists (so a read-only
    /// database with the table opens fine).
    ///
    /// The statement, for an app that puts it in its own migrations instead:
    ///
    /// ```sql
    /// CREATE TABLE IF NOT EXISTS "sessions" (
    ///     key BLOB PRIMARY KEY NOT NULL CHECK (length(key) = 32),
    ///     fields TEXT NOT NULL,
    ///     created_at INTEGER NOT NULL,
    ///     last_seen INTEGER NOT NULL,
    ///     expires_at INTEGER NOT NULL,
    ///     owner BLOB
    /// );
    /// CREATE INDEX IF NOT EXISTS "sessions_owner" ON "sessions" (owner) WHERE owner IS NOT NULL;
    /// ```
    ///
    /// A table created before sessions had owners gets the `owner` column and its index here (in an app's
    /// own migrations, `ALTER TABLE "sessions" ADD COLUMN owner BLOB;` and the `CREATE INDEX` above). A
    /// table of that name that is not a sessions table (an app's own) is refused, changing nothing.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        // The look and the change are one `IMMEDIATE` transaction, which holds the file's write lock from its
        // start: instances starting at once on one file take turns, and each later one finds the table done.
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(failure)?;
        let name = &self.statements.name;
        let has_table: bool =
            sqlx::query_scalar(HAS_TABLE).bind(name).fetch_one(&mut *transaction).await.map_err(failure)?;
        let change = if !has_table {
            Some(self.statements.create_table())
        } else if !sql::session_table_has_owner(&format!("\"{name}\""), &self.columns(&mut transaction).await?)? {
            // A table from before sessions had owners gets the column and its index.
            Some(format!("ALTER TABLE \"{name}\" ADD COLUMN owner BLOB;\n{}", self.statements.owner_index()))
        } else {
            None
        };
        if let Some(change) = &change {
            self.check_owner_index_name(&mut transaction).await?;
            // Text without parameters runs as a script, all of its statements.
            (&mut *transaction).execute(change.as_str()).await.map_err(failure)?;
        }
        transaction.commit().await.map_err(failure)
    }

    /// The names of the sessions table's columns.
    async fn columns(&self, transaction: &mut SqliteConnection) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar("SELECT name FROM pragma_table_info(?1)")
            .bind(&self.statements.name)
            .fetch_all(transaction)
            .await
            .map_err(failure)
    }

    /// Refuses to create the owner index when something else in the database has its name: `CREATE INDEX
    /// IF NOT EXISTS` would skip it without a word, and listing or revoking an owner's sessions would scan
    /// the whole table, `revoke_owner` holding the file's write lock meanwhile.
    async fn check_owner_index_name(&self, transaction: &mut SqliteConnection) -> Result<(), StoreError> {
        let index = self.statements.owner_index_name();
        let taken: Option<(String, String)> =
            sqlx::query_as("SELECT type, tbl_name FROM sqlite_master WHERE name = ?1 COLLATE NOCASE")
                .bind(&index)
                .fetch_optional(transaction)
                .await
                .map_err(failure)?;
        match taken {
            Some((kind, table)) => Err(StoreError::new(format!(
                "`{index}`, the name of the sessions table's owner index, is the name of another {kind} in this \
                 database (on `{table}`): choose another table name with `with_table_name`"
            ))),
            None => Ok(()),
        }
    }

    /// Runs a statement that writes, in its turn among this store's writes: they queue here, each starting
    /// as soon as the one before it has ended, waiting at most
    /// [`DEFAULT_BUSY_TIMEOUT`](Self::DEFAULT_BUSY_TIMEOUT) for their turn.
    ///
    /// Without the queue they would meet at the file's write lock, where SQLite has a writer that finds the
    /// lock taken sleep a millisecond or more before it tries again, and the lock would go unused while it
    /// sleeps (BENCHMARKS.md has what that cost). Other connections' writers, in other processes or on the
    /// app's own tables, still meet this store's there.
    async fn write<'q>(
        &self,
        statement: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ) -> Result<sqlx::sqlite::SqliteQueryResult, StoreError> {
        let _turn = tokio::time::timeout(Self::DEFAULT_BUSY_TIMEOUT, self.writes.lock())
            .await
            .map_err(|_| StoreError::new("the SQLite database is locked: a write waited too long for its turn"))?;
        statement.execute(&self.pool).await.map_err(failure)
    }

    /// Deletes the rows of ended sessions, walking the table [`DEFAULT_CLEANUP_BATCH_SIZE`](Self::DEFAULT_CLEANUP_BATCH_SIZE)
    /// rows at a time (one `DELETE` each) in the order of their keys; returns how many it deleted.
    pub async fn delete_expired(&self) -> Result<u64, StoreError> {
        sql::delete_expired_by_key(self.cleanup_batch, |after| async move {
            let (last_key, keys): (Option<Vec<u8>>, i64) = sqlx::query_as(&self.statements.cleanup_batch)
                .bind(&after)
                .bind(self.cleanup_batch)
                .fetch_one(&self.pool)
                .await
                .map_err(failure)?;
            let Some(last_key) = last_key else { return Ok(sql::CleanupStep { last_key, keys, deleted: 0 }) };
            let statement = sqlx::query(&self.statements.delete_expired)
                .bind(&after)
                .bind(&last_key)
                .bind(sql::to_sql_millis(now_millis()));
            let deleted = self.write(statement).await?.rows_affected();
            Ok(sql::CleanupStep { last_key: Some(last_key), keys, deleted })
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
}

// SQLite's primary result codes, below its extended ones' low byte.
const BUSY: i32 = 5;
const LOCKED: i32 = 6;
const READONLY: i32 = 8;
const CANTOPEN: i32 = 14;

/// SQLite's primary result code for `error`, if SQLite gave one.
fn primary_code(error: &sqlx::Error) -> Option<i32> {
    error.as_database_error().and_then(|error| error.code()?.parse::<i32>().ok()).map(|code| code & 0xff)
}

fn failure(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::ColumnDecode { .. } = error {
        // SQLite keeps whatever type a statement writes in a column: a row edited by hand can hold text
        // where the store writes an integer. Nothing a retry would change.
        let message = "a stored session's row holds a value of another type than the store writes";
        return StoreError::with_source(message, error).unreadable();
    }
    let message = match (&error, primary_code(&error)) {
        (_, Some(BUSY | LOCKED)) => "the SQLite database is locked",
        (_, Some(READONLY)) => "the SQLite database is read-only",
        (_, Some(CANTOPEN)) | (sqlx::Error::Io(_), _) => "the SQLite database cannot be opened",
        (sqlx::Error::PoolTimedOut, _) => "no SQLite connection was free in time",
        _ => "SQLite refused a session statement",
    };
    StoreError::with_source(message, error)
}

/// [`failure`] of `connect`, which knows the file: one it cannot open is named, with the usual causes.
fn opening_failure(path: &std::path::Path, error: sqlx::Error) -> StoreError {
    if primary_code(&error) != Some(CANTOPEN) {
        return failure(error);
    }
    let message = format!(
        "the SQLite database `{}` cannot be opened: a file that does not exist yet is created only with \
         `?mode=rwc` in the URL (`sqlite://sessions.db?mode=rwc`), in a directory that exists and the app may \
         write to",
        path.display()
    );
    StoreError::with_source(message, error)
}

/// Binds the new owner of a patch that changes it, as the statement's last parameter (`save_owner`,
/// `cycle_owner` and their `adopt` forms); a patch that keeps it runs the plain statement, which has no
/// such parameter.
fn bind_owner<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    change: OwnerChange,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    match change {
        OwnerChange::Keep => query,
        change => query.bind(change.applied_to(None).map(|owner| owner.as_bytes().to_vec())),
    }
}

/// A session row as LOAD reads it: fields (JSON text), created, last seen, expires, owner.
type RecordRow = (String, i64, i64, i64, Option<Vec<u8>>);

impl SessionStore for SqliteStore {
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        let row: Option<RecordRow> = sqlx::query_as(&self.statements.load)
            .bind(&key.as_bytes()[..])
            .bind(sql::to_sql_millis(now_millis()))
            .fetch_optional(&self.pool)
            .await
            .map_err(failure)?;
        let Some((fields, created_at, last_seen, expires_at, owner)) = row else { return Ok(None) };
        Ok(Some(Arc::new(Record {
            fields: sql::parse_fields(fields.as_bytes())?,
            created_at: sql::from_sql_millis(created_at),
            last_seen: sql::from_sql_millis(last_seen),
            expires_at: sql::from_sql_millis(expires_at),
            owner: owner.map(sql::parse_owner).transpose()?,
        })))
    }

    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        let fields = sql::fields_json(record.fields.iter().map(|(name, value)| (name.as_str(), value.as_slice())));
        let statement = sqlx::query(&self.statements.create)
            .bind(&key.as_bytes()[..])
            .bind(fields)
            .bind(sql::to_sql_millis(record.created_at))
            .bind(sql::to_sql_millis(record.last_seen))
            .bind(sql::to_sql_millis(record.expires_at))
            .bind(sql::to_sql_millis(now_millis()))
            .bind(record.owner.as_ref().map(|owner| &owner.as_bytes()[..]));
        let done = self.write(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let statement = match patch.owner {
            OwnerChange::Keep => &self.statements.save,
            OwnerChange::Adopt(_) => &self.statements.save_adopt,
            OwnerChange::Set(_) | OwnerChange::Clear => &self.statements.save_owner,
        };
        let done = sqlx::query(statement)
            .bind(&key.as_bytes()[..])
            .bind(sql::patch_json(patch, true))
            .bind(sql::to_sql_millis(patch.last_seen))
            .bind(sql::to_sql_millis(patch.expires_at))
            .bind(sql::to_sql_millis(now_millis()));
        let done = bind_owner(done, patch.owner).bind(patch.replaces_deadline);
        let done = self.write(done.bind(patch.created_at.map(sql::to_sql_millis))).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        let done = self.write(sqlx::query(&self.statements.delete).bind(&key.as_bytes()[..])).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let statement = match patch.owner {
            OwnerChange::Keep => &self.statements.cycle,
            OwnerChange::Adopt(_) => &self.statements.cycle_adopt,
            OwnerChange::Set(_) | OwnerChange::Clear => &self.statements.cycle_owner,
        };
        let done = sqlx::query(statement)
            .bind(&old.as_bytes()[..])
            .bind(&new.as_bytes()[..])
            .bind(sql::patch_json(patch, true))
            .bind(sql::to_sql_millis(patch.last_seen))
            .bind(sql::to_sql_millis(patch.expires_at))
            .bind(sql::to_sql_millis(now_millis()));
        let done = bind_owner(done, patch.owner).bind(patch.replaces_deadline);
        let done = self.write(done.bind(patch.created_at.map(sql::to_sql_millis))).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
        let rows: Vec<(Vec<u8>, i64, i64, i64)> = sqlx::query_as(&self.statements.owner_sessions)
            .bind(&owner.as_bytes()[..])
            .bind(sql::to_sql_millis(now_millis()))
            .fetch_all(&self.pool)
            .await
            .map_err(failure)?;
        rows.into_iter().map(sql::owned_session).collect()
    }

    /// One statement, which deletes nothing unless the row to keep is live. Only when it deleted nothing
    /// is there a second look, to say whether that is why.
    async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
        let statement = sqlx::query(&self.statements.revoke_owner)
            .bind(&owner.as_bytes()[..])
            .bind(sql::to_sql_millis(now_millis()))
            .bind(except.map(|key| &key.as_bytes()[..]));
        let revoked = usize::try_from(self.write(statement).await?.rows_affected()).unwrap_or(usize::MAX);
        if let Some(except) = except.filter(|_| revoked == 0) {
            if self.load(except).await?.is_none() {
                return Ok(None);
            }
        }
        Ok(Some(revoked))
    }
}
