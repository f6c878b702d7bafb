//! The SQL of [`SqliteStore`](crate::SqliteStore): every statement on its table, written once when the
//! table's name is chosen.

/// The table's name and every statement on it, written once when the name is chosen.
#[derive(Debug)]
pub(super) struct Statements {
    pub(super) name: String,
    pub(super) load: String,
    pub(super) create: String,
    pub(super) save: String,
    pub(super) delete: String,
    pub(super) cycle: String,
    pub(super) cleanup_batch: String,
    pub(super) delete_expired: String,
    pub(super) save_owner: String,
    pub(super) cycle_owner: String,
    pub(super) save_adopt: String,
    pub(super) cycle_adopt: String,
    pub(super) owner_sessions: String,
    pub(super) revoke_owner: String,
}

/// The deadline a patch leaves: `new`, if the parameter `replaces` says so, else the later of the stored
/// one and `new` (see `Patch::replaces_deadline`).
fn deadline(new: &str, replaces: &str) -> String {
    format!("CASE WHEN {replaces} THEN {new} ELSE max(expires_at, {new}) END")
}

/// The creation time a patch leaves: the parameter `new` (`Patch::created_at`), or the stored one where that
/// is null.
fn created_at(new: &str) -> String {
    format!("coalesce({new}, created_at)")
}

/// SAVE of a patch that changes the owner to `owner`, an expression of the parameter `?6`; `?7` is
/// `Patch::replaces_deadline`, `?8` `Patch::created_at`.
fn save_owner(table: &str, owner: &str) -> String {
    let (expires_at, created_at) = (deadline("?4", "?7"), created_at("?8"));
    format!(
        "UPDATE {table} SET fields = json_patch(fields, ?2), created_at = {created_at}, last_seen = ?3, \
         expires_at = {expires_at}, owner = {owner} WHERE key = ?1 AND expires_at > ?5"
    )
}

/// CYCLE of a patch that changes the owner to `owner`, an expression of the parameter `?7`; `?8` is
/// `Patch::replaces_deadline`, `?9` `Patch::created_at`.
fn cycle_owner(table: &str, owner: &str) -> String {
    let (expires_at, created_at) = (deadline("?5", "?8"), created_at("?9"));
    format!(
        "UPDATE OR REPLACE {table} SET key = ?2, fields = json_patch(fields, ?3), created_at = {created_at}, \
         last_seen = ?4, expires_at = {expires_at}, owner = {owner} \
         WHERE key = ?1 AND expires_at > ?6 \
         AND NOT EXISTS (SELECT 1 FROM {table} WHERE key = ?2 AND expires_at > ?6)"
    )
}

impl Statements {
    pub(super) fn new(name: String) -> Self {
        let table = format!("\"{name}\"");
        Statements {
            load: format!(
                "SELECT fields, created_at, last_seen, expires_at, owner FROM {table} WHERE key = ?1 AND expires_at > ?2"
            ),
            // An ended record that is still there is replaced whole; a live one is left alone, and the
            // count of rows written says which happened.
            create: format!(
                "INSERT INTO {table} (key, fields, created_at, last_seen, expires_at, owner) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?7) \
                 ON CONFLICT (key) DO UPDATE SET fields = excluded.fields, created_at = excluded.created_at, \
                 last_seen = excluded.last_seen, expires_at = excluded.expires_at, owner = excluded.owner \
                 WHERE {table}.expires_at <= ?6"
            ),
            save: format!(
                "UPDATE {table} SET fields = json_patch(fields, ?2), created_at = {}, last_seen = ?3, \
                 expires_at = {} WHERE key = ?1 AND expires_at > ?5",
                created_at("?7"),
                deadline("?4", "?6")
            ),
            delete: format!("DELETE FROM {table} WHERE key = ?1"),
            // The row takes its new key in place, keeping its creation time unless the patch gives one. The
            // new key may hold only an ended record (the subquery makes sure), which OR REPLACE deletes
            // instead of failing on it.
            cycle: format!(
                "UPDATE OR REPLACE {table} SET key = ?2, fields = json_patch(fields, ?3), created_at = {}, \
                 last_seen = ?4, expires_at = {} \
                 WHERE key = ?1 AND expires_at > ?6 \
                 AND NOT EXISTS (SELECT 1 FROM {table} WHERE key = ?2 AND expires_at > ?6)",
                created_at("?8"),
                deadline("?5", "?7")
            ),
            // The two statements of a step of `sql::delete_expired_by_key`: the last of the `?2` keys after
            // `?1` and how many there are, then the ended rows among them deleted.
            cleanup_batch: format!(
                "SELECT max(key), count(*) FROM (SELECT key FROM {table} WHERE key > ?1 ORDER BY key LIMIT ?2)"
            ),
            delete_expired: format!("DELETE FROM {table} WHERE key > ?1 AND key <= ?2 AND expires_at <= ?3"),
            save_owner: save_owner(&table, "?6"),
            cycle_owner: cycle_owner(&table, "?7"),
            // `OwnerChange::Adopt`: the owner given only to a row that has none when the statement runs.
            save_adopt: save_owner(&table, "coalesce(owner, ?6)"),
            cycle_adopt: cycle_owner(&table, "coalesce(owner, ?7)"),
            owner_sessions: format!(
                "SELECT key, created_at, last_seen, expires_at FROM {table} WHERE owner = ?1 AND expires_at > ?2"
            ),
            // One statement, and SQLite runs one writing statement at a time: no save can come between.
            // Deletes nothing while the row to keep is not live.
            revoke_owner: format!(
                "DELETE FROM {table} WHERE owner = ?1 AND expires_at > ?2 AND key IS NOT ?3 \
                 AND (?3 IS NULL OR EXISTS (SELECT 1 FROM {table} WHERE key = ?3 AND expires_at > ?2))"
            ),
            name,
        }
    }

    /// The statements that create the table, for [`SqliteStore::migrate`](crate::SqliteStore::migrate). It
    /// has no index on `expires_at`: see `sql::delete_expired_by_key` for why.
    pub(super) fn create_table(&self) -> String {
        let name = &self.name;
        format!(
            "CREATE TABLE IF NOT EXISTS \"{name}\" (\n\
             \x20   key BLOB PRIMARY KEY NOT NULL CHECK (length(key) = 32),\n\
             \x20   fields TEXT NOT NULL,\n\
             \x20   created_at INTEGER NOT NULL,\n\
             \x20   last_seen INTEGER NOT NULL,\n\
             \x20   expires_at INTEGER NOT NULL,\n\
             \x20   owner BLOB\n\
             );\n\
             {}",
            self.owner_index()
        )
    }

    /// The partial index of owned rows, for listing and revoking an owner's sessions.
    pub(super) fn owner_index(&self) -> String {
        let (name, index) = (&self.name, self.owner_index_name());
        format!("CREATE INDEX IF NOT EXISTS \"{index}\" ON \"{name}\" (owner) WHERE owner IS NOT NULL;")
    }

    pub(super) fn owner_index_name(&self) -> String {
        format!("{}_owner", self.name)
    }
}
