//! What the SQL stores share and SQL does not say: table names that are safe to write into a statement,
//! field values as JSON text, times as SQL integers, and the background task that deletes ended rows.

use std::{collections::HashMap, future::Future, time::Duration};

use tokio::{sync::oneshot, task::JoinHandle};

use super::{OwnedSession, OwnerKey, Patch};
use crate::{base64url, error::Causes, id::StoreKey, StoreError};

/// The longest table or schema name the SQL stores accept. PostgreSQL keeps 63 bytes of a name: this leaves
/// room for names made from the table's, such as an index's.
pub(super) const MAX_IDENTIFIER_LEN: usize = 48;

/// The only names ever written into a statement's text: ASCII letters, digits and `_`, not starting with
/// a digit, at most [`MAX_IDENTIFIER_LEN`] bytes. Everything else (values, keys, times) is bound as a
/// parameter. The stores also quote the names they write, so a name that is a keyword still works.
pub(super) fn identifier(what: &str, name: &str) -> Result<String, StoreError> {
    let well_formed = name.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
        && name.bytes().next().is_some_and(|first| !first.is_ascii_digit());
    if !well_formed || name.len() > MAX_IDENTIFIER_LEN {
        return Err(StoreError::new(format!(
            "invalid {what} {name:?}: use 1 to {MAX_IDENTIFIER_LEN} ASCII letters, digits or underscores, \
             not starting with a digit"
        )));
    }
    Ok(name.to_owned())
}

/// The columns every version of the sessions table has; `owner` came later.
const SESSION_COLUMNS: [&str; 5] = ["key", "fields", "created_at", "last_seen", "expires_at"];

/// Whether an existing table named as the sessions table, with `columns`, is one: an app's own table of
/// that name (a `sessions` table of another framework) must be refused, not altered and then written to.
/// `Ok(true)` if it has the `owner` column, `Ok(false)` if it is a table from before sessions had owners.
pub(super) fn session_table_has_owner(table: &str, columns: &[String]) -> Result<bool, StoreError> {
    let has = |wanted: &str| columns.iter().any(|column| column.eq_ignore_ascii_case(wanted));
    if let Some(missing) = SESSION_COLUMNS.into_iter().find(|column| !has(column)) {
        return Err(StoreError::new(format!(
            "the table {table} exists but is not a sessions table: it has no `{missing}` column (its columns: \
             {}); nothing was changed: choose another table name with `with_table_name`",
            columns.join(", ")
        )));
    }
    Ok(has("owner"))
}

/// A time as SQL's signed 64-bit integers hold it. Deadlines past `i64::MAX` milliseconds (some 292
/// million years) mean "never" and are kept as `i64::MAX`, which [`from_sql_millis`] reads back as
/// `u64::MAX`.
pub(super) fn to_sql_millis(millis: u64) -> i64 {
    i64::try_from(millis).unwrap_or(i64::MAX)
}

/// The inverse of [`to_sql_millis`].
pub(super) fn from_sql_millis(millis: i64) -> u64 {
    if millis == i64::MAX {
        u64::MAX
    } else {
        u64::try_from(millis).unwrap_or(0)
    }
}

/// A record's fields as a JSON object of base64url strings: JSON text cannot hold arbitrary bytes.
pub(super) fn fields_json<'a>(fields: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    let object: HashMap<&str, String> = fields.map(|(name, value)| (name, base64(value))).collect();
    serde_json::to_string(&object).expect("a map of strings serializes")
}

/// The fields `patch` sets, as [`fields_json`] writes them, with the fields it removes as `null` when
/// `removals_as_null` (a JSON merge patch, where `null` deletes) and left out otherwise.
pub(super) fn patch_json(patch: &Patch<'_>, removals_as_null: bool) -> String {
    let object: HashMap<&str, Option<String>> = patch
        .changes
        .iter()
        .filter(|(_, value)| removals_as_null || value.is_some())
        .map(|(name, value)| (*name, value.as_deref().map(base64)))
        .collect();
    serde_json::to_string(&object).expect("a map of strings serializes")
}

/// The fields of a stored record, from the JSON object [`fields_json`] wrote.
pub(super) fn parse_fields(json: &[u8]) -> Result<HashMap<String, Vec<u8>>, StoreError> {
    let malformed =
        |what: &str| StoreError::new(format!("a stored session's fields are malformed: {what}")).unreadable();
    let object: HashMap<String, String> = serde_json::from_slice(json).map_err(|error| {
        StoreError::with_source("a stored session's fields are not a JSON object of strings", error).unreadable()
    })?;
    object
        .into_iter()
        .map(|(name, value)| match base64url::decode_to_vec(value.as_bytes()) {
            Some(bytes) => Ok((name, bytes)),
            None => Err(malformed(&format!("`{name}` is not base64url"))),
        })
        .collect()
}

/// An owner as stored in the `owner` column: its 32 bytes.
pub(super) fn parse_owner(bytes: Vec<u8>) -> Result<OwnerKey, StoreError> {
    let bytes: [u8; 32] =
        bytes.try_into().map_err(|_| StoreError::new("a stored session's owner is not 32 bytes long").unreadable())?;
    Ok(OwnerKey::from_bytes(bytes))
}

/// One row of an owner listing: key, created, last seen, expires.
pub(super) fn owned_session(
    (key, created_at, last_seen, expires_at): (Vec<u8>, i64, i64, i64),
) -> Result<OwnedSession, StoreError> {
    let key: [u8; 32] =
        key.try_into().map_err(|_| StoreError::new("a stored session's key is not 32 bytes long").unreadable())?;
    Ok(OwnedSession {
        key: StoreKey::from_bytes(key),
        created_at: from_sql_millis(created_at),
        last_seen: from_sql_millis(last_seen),
        expires_at: from_sql_millis(expires_at),
    })
}

fn base64(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(base64url::encoded_len(bytes.len()));
    base64url::encode_append(bytes, &mut text);
    text
}

/// What one step of [`delete_expired_by_key`] did.
pub(super) struct CleanupStep {
    /// The last key of the batch looked at, `None` if there was none.
    pub last_key: Option<Vec<u8>>,
    /// How many keys the batch held.
    pub keys: i64,
    /// How many of their rows had ended and were deleted.
    pub deleted: u64,
}

/// Deletes ended rows by walking the table in key order, `batch` keys per step: `step(after)` looks at the
/// first `batch` keys after `after` (empty at first: every key is longer) and deletes the ended rows among
/// them. Returns how many it deleted once a step finds fewer than `batch` keys.
///
/// Why by key and not by deadline: an index on the deadline would find ended rows directly, but every save
/// moves the deadline, so every save would write that index too. In PostgreSQL that also keeps the update
/// from being HOT (in place on its page, no index touched); in SQLite it is a second page in the log on
/// every commit. Saves are a session store's most frequent write and cleanup its rarest, so cleanup pays:
/// each step reads at most `batch` rows through the primary key and holds locks on at most that many, and
/// a round reads the whole table once.
pub(super) async fn delete_expired_by_key<F>(batch: i64, mut step: impl FnMut(Vec<u8>) -> F) -> Result<u64, StoreError>
where
    F: Future<Output = Result<CleanupStep, StoreError>>,
{
    let (mut after, mut deleted) = (Vec::new(), 0);
    loop {
        let done = step(after).await?;
        deleted += done.deleted;
        match done.last_key {
            Some(last_key) if done.keys >= batch => after = last_key,
            _ => return Ok(deleted),
        }
    }
}

/// The background task of a SQL store that deletes ended sessions (`spawn_cleanup`): stops when
/// dropped, or when [`CleanupTask::stop`] is awaited.
///
/// Ended sessions read as absent whether or not it runs; it only gives their rows' space back.
#[derive(Debug)]
#[must_use = "the cleanup stops when its task is dropped"]
pub struct CleanupTask {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl CleanupTask {
    /// Runs `delete_expired` now and then every `period`, until stopped. A failure is logged, and the
    /// next round tries again.
    pub(super) fn spawn<F, Fut>(period: Duration, delete_expired: F) -> Self
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = Result<u64, StoreError>> + Send,
    {
        // Here, where the caller sees it, rather than in the task, where it would stop the cleanup unseen.
        assert!(!period.is_zero(), "`spawn_cleanup` needs a period above zero, such as `Duration::from_secs(60)`");
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut rounds = tokio::time::interval(period);
            rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = &mut stopped => return,
                    _ = rounds.tick() => {}
                }
                match delete_expired().await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::debug!(deleted, "ended sessions deleted"),
                    Err(error) => {
                        tracing::warn!(error = %Causes(&error), "deleting ended sessions failed; trying again later")
                    }
                }
            }
        });
        CleanupTask { stop: Some(stop), task: Some(task) }
    }

    /// Stops the task after the round it may be in, and waits until it has.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for CleanupTask {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_identifiers_pass() {
        for good in ["sessions", "_s", "Web_Sessions_2", &"s".repeat(MAX_IDENTIFIER_LEN)] {
            assert_eq!(identifier("table name", good).unwrap(), good);
        }
        for bad in [
            "",
            "2sessions",
            "sessions; DROP TABLE users",
            "sessions\"",
            "a.b",
            "a-b",
            "s\u{e9}ssions",
            "sessions\0",
            "sessions --",
            &"s".repeat(MAX_IDENTIFIER_LEN + 1),
        ] {
            let error = identifier("table name", bad).unwrap_err().to_string();
            assert!(error.starts_with("invalid table name"), "{bad:?}: {error}");
        }
    }

    #[test]
    fn times_round_trip_and_never_stays_never() {
        for millis in [0, 1, 1_700_000_000_000, i64::MAX as u64 - 1, u64::MAX] {
            assert_eq!(from_sql_millis(to_sql_millis(millis)), millis);
        }
        assert_eq!(to_sql_millis(u64::MAX), i64::MAX);
        assert_eq!(from_sql_millis(-5), 0);
    }

    #[test]
    fn fields_round_trip_through_json_whatever_their_bytes() {
        let every_byte: Vec<u8> = (0..=255).collect();
        let fields = [("bytes", &every_byte[..]), ("empty", &[][..]), ("\u{e9}t\u{e9}", &b"\"x\""[..])];
        let json = fields_json(fields.iter().copied());
        let parsed = parse_fields(json.as_bytes()).unwrap();
        assert_eq!(parsed, fields.iter().map(|(name, value)| ((*name).to_owned(), value.to_vec())).collect());
    }

    #[test]
    fn patches_name_removals_as_the_database_wants_them() {
        let changes = [("set", Some(b"1".to_vec())), ("gone", None)];
        let patch = Patch {
            changes: &changes,
            last_seen: 0,
            expires_at: 0,
            owner: super::super::OwnerChange::Keep,
            replaces_deadline: false,
            created_at: None,
        };
        let merge: serde_json::Value = serde_json::from_str(&patch_json(&patch, true)).unwrap();
        assert_eq!(merge, serde_json::json!({ "set": "MQ", "gone": null }));
        let set: serde_json::Value = serde_json::from_str(&patch_json(&patch, false)).unwrap();
        assert_eq!(set, serde_json::json!({ "set": "MQ" }));
    }

    #[test]
    fn malformed_fields_are_an_error() {
        for json in ["[]", "{\"a\": 1}", "{\"a\": \"not base64!\"}", "nonsense"] {
            assert!(parse_fields(json.as_bytes()).is_err(), "{json}");
        }
    }
}
