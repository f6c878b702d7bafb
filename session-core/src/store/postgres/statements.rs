//! The SQL of [`PostgresStore`](crate::PostgresStore): every statement on its table, written once when the
//! table's name is chosen.

/// The table's name and every statement on it, written once when the name is chosen.
#[derive(Debug)]
pub(super) struct Statements {
    pub(super) schema: Option<String>,
    pub(super) name: String,
    /// `"schema"."name"`, or `"name"`.
    pub(super) table: String,
    pub(super) load: String,
    pub(super) create: String,
    pub(super) save: String,
    pub(super) delete: String,
    pub(super) cycle: String,
    pub(super) delete_expired: String,
    pub(super) save_owner: String,
    pub(super) cycle_owner: String,
    pub(super) save_adopt: String,
    pub(super) cycle_adopt: String,
    pub(super) owner_sessions: String,
    pub(super) revoke_owner: String,
}

/// The deadline a patch leaves: `new`, if the boolean parameter `replaces` says so, else the later of
/// `stored` and `new` (see `Patch::replaces_deadline`).
fn deadline(stored: &str, new: &str, replaces: &str) -> String {
    format!("CASE WHEN {replaces} THEN {new} ELSE GREATEST({stored}, {new}) END")
}

/// The creation time a patch leaves: the parameter `new` (`Patch::created_at`), or `stored` where that is
/// null.
fn created_at(stored: &str, new: &str) -> String {
    format!("COALESCE({new}::bigint, {stored})")
}

/// SAVE of a patch that changes the owner to `owner`, an expression of the parameter `$7`; `$8` is
/// `Patch::replaces_deadline`, `$9` `Patch::created_at`.
fn save_owner(table: &str, owner: &str) -> String {
    let (expires_at, created_at) = (deadline("expires_at", "$5", "$8"), created_at("created_at", "$9"));
    format!(
        "UPDATE {table} SET fields = (fields || $2::jsonb) - $3::text[], created_at = {created_at}, \
         last_seen = $4, expires_at = {expires_at}, owner = {owner} WHERE key = $1 AND expires_at > $6"
    )
}

impl Statements {
    pub(super) fn new(schema: Option<String>, name: String) -> Self {
        let table = match &schema {
            Some(schema) => format!("\"{schema}\".\"{name}\""),
            None => format!("\"{name}\""),
        };
        Statements {
            load: format!(
                "SELECT fields, created_at, last_seen, expires_at, owner FROM {table} \
                 WHERE key = $1 AND expires_at > $2"
            ),
            // An ended record that is still there is replaced whole; a live one is left alone, and the
            // count of rows written says which happened.
            create: format!(
                "INSERT INTO {table} AS s (key, fields, created_at, last_seen, expires_at, owner) \
                 VALUES ($1, $2::jsonb, $3, $4, $5, $7) \
                 ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, created_at = EXCLUDED.created_at, \
                 last_seen = EXCLUDED.last_seen, expires_at = EXCLUDED.expires_at, owner = EXCLUDED.owner \
                 WHERE s.expires_at <= $6"
            ),
            // The merge happens on the row as it is when this statement gets its lock, so a concurrent
            // save of another field is never overwritten with what this request once read.
            save: format!(
                "UPDATE {table} SET fields = (fields || $2::jsonb) - $3::text[], created_at = {}, \
                 last_seen = $4, expires_at = {} WHERE key = $1 AND expires_at > $6",
                created_at("created_at", "$8"),
                deadline("expires_at", "$5", "$7")
            ),
            delete: format!("DELETE FROM {table} WHERE key = $1"),
            // One statement: lock the live old row, write the new one from it unless a live record holds
            // the new key, and delete the old row only if the new one was written. Two cycles of one
            // session queue on the lock, and the second finds the old row gone.
            cycle: cycle(&table, "old.owner", "$8", "$9"),
            cycle_owner: cycle(&table, "$8", "$9", "$10"),
            save_owner: save_owner(&table, "$7"),
            // `OwnerChange::Adopt`: the owner given only to a row that has none when the statement runs.
            cycle_adopt: cycle(&table, "COALESCE(old.owner, $8)", "$9", "$10"),
            save_adopt: save_owner(&table, "COALESCE(owner, $7)"),
            owner_sessions: format!(
                "SELECT key, created_at, last_seen, expires_at FROM {table} WHERE owner = $1 AND expires_at > $2"
            ),
            // Whether the row to keep is live, and the owner's other rows deleted only if it is: under the
            // table lock `revoke_owner` takes, no write comes between the look and the delete.
            revoke_owner: format!(
                "WITH kept AS (SELECT $3::bytea IS NULL \
                 OR EXISTS (SELECT 1 FROM {table} WHERE key = $3 AND expires_at > $2) AS live), \
                 gone AS (DELETE FROM {table} WHERE owner = $1 AND expires_at > $2 AND key IS DISTINCT FROM $3 \
                 AND (SELECT live FROM kept) RETURNING 1) \
                 SELECT (SELECT live FROM kept), (SELECT count(*) FROM gone)"
            ),
            // One step of `sql::delete_expired_by_key`: the `$2` keys after `$1`, and the ended rows among
            // them deleted. A row that a save is changing meanwhile is deleted only if its deadline, read
            // again once the save is done, has still passed.
            delete_expired: format!(
                "WITH batch AS (SELECT key FROM {table} WHERE key > $1 ORDER BY key LIMIT $2), \
                 gone AS (DELETE FROM {table} WHERE key IN (SELECT key FROM batch) AND expires_at <= $3 RETURNING 1) \
                 SELECT (SELECT key FROM batch ORDER BY key DESC LIMIT 1), (SELECT count(*) FROM batch), \
                 (SELECT count(*) FROM gone)"
            ),
            schema,
            name,
            table,
        }
    }

    /// The partial index of owned rows, for listing and revoking an owner's sessions. Saves leave `owner`
    /// as it is unless the owner changes, so the index does not keep their updates from being HOT.
    pub(super) fn owner_index(&self) -> String {
        let (table, name) = (&self.table, &self.name);
        format!("CREATE INDEX IF NOT EXISTS \"{name}_owner\" ON {table} (owner) WHERE owner IS NOT NULL;")
    }

    /// The owner index's name as [`owner_index`](Self::owner_index) creates it, quoted and qualified like
    /// the table's: tables and indexes share one namespace per schema, so another table can hold it.
    pub(super) fn owner_index_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("\"{schema}\".\"{}_owner\"", self.name),
            None => format!("\"{}_owner\"", self.name),
        }
    }

    /// The statements that create the table and its owner index, for
    /// [`PostgresStore::migrate`](crate::PostgresStore::migrate). It has no index on `expires_at`: see
    /// `sql::delete_expired_by_key` for why. Nor has it a `CHECK` on the
    /// key's length: the store only ever writes the 32 bytes of a `StoreKey`, and PostgreSQL prepares a
    /// check's expression again for every statement that writes a row, a cost each save paid
    /// (BENCHMARKS.md has the figures).
    pub(super) fn create_table(&self) -> String {
        let table = &self.table;
        format!(
            "CREATE TABLE IF NOT EXISTS {table} (\n\
             \x20   key BYTEA PRIMARY KEY,\n\
             \x20   fields JSONB NOT NULL,\n\
             \x20   created_at BIGINT NOT NULL,\n\
             \x20   last_seen BIGINT NOT NULL,\n\
             \x20   expires_at BIGINT NOT NULL,\n\
             \x20   owner BYTEA\n\
             );\n\
             {}",
            self.owner_index()
        )
    }
}

/// CYCLE, giving the new row the owner `owner` (`old.owner` keeps it), with `replaces` the parameter that is
/// `Patch::replaces_deadline` and `created` the one that is `Patch::created_at`. One statement: lock the live
/// old row, write the new one from it unless a live record holds the new key, and delete the old row only if
/// the new one was written. Two cycles of one session queue on the lock, and the second finds the old row gone.
fn cycle(table: &str, owner: &str, replaces: &str, created: &str) -> String {
    let (expires_at, created_at) = (deadline("old.expires_at", "$6", replaces), created_at("old.created_at", created));
    format!(
        "WITH old AS (\
             SELECT fields, created_at, expires_at, owner FROM {table} WHERE key = $1 AND expires_at > $7 FOR UPDATE\
         ), moved AS (\
             INSERT INTO {table} AS s (key, fields, created_at, last_seen, expires_at, owner) \
             SELECT $2, (old.fields || $3::jsonb) - $4::text[], {created_at}, $5, {expires_at}, {owner} \
             FROM old \
             ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, created_at = EXCLUDED.created_at, \
             last_seen = EXCLUDED.last_seen, expires_at = EXCLUDED.expires_at, owner = EXCLUDED.owner \
             WHERE s.expires_at <= $7 \
             RETURNING 1\
         ), gone AS (\
             DELETE FROM {table} WHERE key = $1 AND EXISTS (SELECT 1 FROM moved)\
         ) \
         SELECT count(*) FROM moved"
    )
}
