//! [`assert_schema_lock`]: the committed schema lock against the schema as it is now.

use std::path::Path;

use crate::{schema_lock::compare::compare, schema_lock::compare::LockComparison, SessionSchema};

/// The environment variable that makes [`assert_schema_lock`] write the current lock instead of checking
/// it: `SESSION_SCHEMA_LOCK=overwrite cargo test`.
pub const LOCK_ENV: &str = "SESSION_SCHEMA_LOCK";

/// Compares the lock file at `path` with [`schema_lock::<S>()`](crate::schema_lock()) and panics, naming
/// each field, what changed and the attribute that makes the change safe, when a change would leave
/// values stored by the release that wrote the file unreadable: a session field's type changed without
/// `migrate_from`, a field removed, a store key or cookie name changed without `rename_from`, a cookie's
/// protection or encoding changed, its `max_len` lowered, or a `rename_from` or `migrate_from` of the locked
/// release dropped (sessions written before that release may still hold the earlier name or form until
/// they end); or not where they were read: the owner moved to another field (a new one included), a
/// cookie's `path`, `domain` or `partitioned` changed, a derived cookie struct's fields reordered. It
/// passes when nothing changed, or when every change is compatible (a new field that is not the owner in
/// place of another, a rename with `rename_from`, a type change with `migrate_from`, a variant added to a
/// cookie's enum, a `max_len` raised, a field that becomes or stops being the owner), and then prints the
/// compatible changes, which are recorded by rewriting the file: until then, later changes are judged
/// against the release the file describes. A
/// type whose serde format cannot be traced (one that reads any JSON, such as `serde_json::Value` or an
/// untagged enum) is compared by its name alone: change its definition under a new name, so that this
/// check sees the change (see the guide's [schema changes](crate::guide::schema_changes)).
///
/// With `SESSION_SCHEMA_LOCK=overwrite` in the environment it writes the current lock to `path` instead
/// (also the way to create it). A missing file fails, so CI never passes without a lock; and where `CI` is
/// set (as CI services set it; not to `false`, `0` or nothing), `overwrite` is refused, so a variable left
/// in a CI job's settings cannot turn the check off.
///
/// ```no_run
/// # use session_core::SessionSchema;
/// # #[derive(SessionSchema)]
/// # struct Visitor { #[session] user: String }
/// #[test]
/// fn sessions_stored_by_the_last_release_stay_readable() {
///     session_core::testing::assert_schema_lock::<Visitor>(
///         concat!(env!("CARGO_MANIFEST_DIR"), "/tests/visitor.schema.lock"),
///     );
/// }
/// ```
///
/// # Panics
///
/// When the check fails, the file is missing, unreadable or not a schema lock (see
/// [`compare_schema_locks`]), or it cannot be written under `SESSION_SCHEMA_LOCK=overwrite`.
#[track_caller]
pub fn assert_schema_lock<S: SessionSchema>(path: impl AsRef<Path>) {
    let asked = std::env::var(LOCK_ENV).ok();
    let ci = std::env::var_os("CI").map(|ci| ci.to_string_lossy().into_owned());
    let checked = overwrite_asked(asked.as_deref(), in_ci(ci.as_deref()))
        .and_then(|overwrite| check_lock_file(path.as_ref(), &crate::schema_lock::<S>(), overwrite));
    if let Err(message) = checked {
        panic!("{message}");
    }
}

/// Whether the environment variable `CI` says this runs in CI: set, as CI services set it (`true`, or a
/// name), and not to what a developer sets to say it does not (`false`, `0`, or nothing).
fn in_ci(ci: Option<&str>) -> bool {
    ci.is_some_and(|ci| !(ci.is_empty() || ci == "0" || ci.eq_ignore_ascii_case("false")))
}

/// Whether `SESSION_SCHEMA_LOCK` (`asked`) asks to write the lock rather than check it: refused in CI
/// (`in_ci`), where the check is the point.
fn overwrite_asked(asked: Option<&str>, in_ci: bool) -> Result<bool, String> {
    let overwrite = asked == Some("overwrite");
    if overwrite && in_ci {
        return Err(format!(
            "{LOCK_ENV}=overwrite is refused where CI is set: CI checks the committed schema lock, and writing it \
             there would pass any change. Record the lock where you develop (without `CI`, or with `CI=false`), \
             and commit it"
        ));
    }
    Ok(overwrite)
}

/// The check of [`assert_schema_lock`], with the environment read by the caller: `Ok` with the compatible
/// changes it found (none after an overwrite), or the failure's message.
fn check_lock_file(path: &Path, current: &str, overwrite: bool) -> Result<Vec<String>, String> {
    let shown = path.display();
    if overwrite {
        std::fs::write(path, current).map_err(|error| format!("cannot write the schema lock {shown}: {error}"))?;
        return Ok(Vec::new());
    }
    let locked = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("no schema lock at {shown}: create it with {LOCK_ENV}=overwrite, and commit it"))
        }
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
            return Err(format!(
                "the schema lock {shown} is not UTF-8 text, as `schema_lock` writes it: regenerate it with \
                 {LOCK_ENV}=overwrite, and check the diff before committing it"
            ))
        }
        Err(error) => return Err(format!("cannot read the schema lock {shown}: {error}")),
    };
    let comparison = compare(&locked, current).map_err(|error| format!("{shown}: {error}"))?;
    if !comparison.breaking.is_empty() {
        return Err(format!(
            "the schema no longer reads what the release that wrote {shown} stored:\n\n{}\n\nOnce every change is \
             safe for live sessions (or their loss is accepted), record the schema with {LOCK_ENV}=overwrite.",
            comparison.breaking.join("\n\n")
        ));
    }
    if !comparison.compatible.is_empty() {
        eprintln!(
            "schema lock {shown}: compatible changes, to record with {LOCK_ENV}=overwrite:\n  {}",
            comparison.compatible.join("\n  ")
        );
    }
    Ok(comparison.compatible)
}

/// Compares a committed lock (`locked`) with a current one, as [`assert_schema_lock`] does, without files:
/// for tools of your own, and to see what a change would do.
///
/// ```
/// use session_core::{schema_lock, testing::compare_schema_locks, SessionSchema};
///
/// #[derive(SessionSchema)]
/// struct Before { #[session] cart: Vec<String> }
/// #[derive(SessionSchema)]
/// struct After { #[session] cart: Vec<u32> }
///
/// let comparison = compare_schema_locks(&schema_lock::<Before>(), &schema_lock::<After>()).unwrap();
/// assert!(comparison.breaking[0].contains("add `migrate_from = Vec<String>`"));
/// ```
///
/// # Errors
///
/// When either text is not a schema lock as [`schema_lock`](crate::schema_lock()) writes it: a line that
/// is neither `[field name]` nor `key = value`, an unknown key, a key twice, an entry without a key every
/// field of its place has, or no entry at all while the current lock has some. The message names each
/// line or entry.
pub fn compare_schema_locks(locked: &str, current: &str) -> Result<LockComparison, String> {
    compare(locked, current)
}

#[cfg(test)]
mod tests {
    use super::{check_lock_file, in_ci, overwrite_asked};

    const LOCK: &str = "[field cart]\nplace = session\nkey = cart\ntype = Vec<String>\nshape = [str]\n";

    /// A directory of the test's own, removed when dropped.
    fn temp_dir() -> tempfile::TempDir {
        tempfile::Builder::new().prefix("session-core-lock-").tempdir().unwrap()
    }

    #[test]
    fn a_missing_lock_fails_until_overwrite_writes_it() {
        let dir = temp_dir();
        let path = dir.path().join("schema.lock");
        let error = check_lock_file(&path, LOCK, false).unwrap_err();
        assert!(error.contains("SESSION_SCHEMA_LOCK=overwrite"), "{error}");
        assert_eq!(check_lock_file(&path, LOCK, true), Ok(Vec::new()));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), LOCK);
        assert_eq!(check_lock_file(&path, LOCK, false), Ok(Vec::new()));
    }

    #[test]
    fn overwrite_is_refused_in_ci() {
        assert_eq!(overwrite_asked(Some("overwrite"), false), Ok(true));
        assert_eq!(overwrite_asked(None, true), Ok(false));
        assert_eq!(overwrite_asked(Some("check"), false), Ok(false));
        let refused = overwrite_asked(Some("overwrite"), true).unwrap_err();
        assert!(refused.contains("refused where CI is set") && refused.contains("commit it"), "{refused}");
        assert!(refused.contains("without `CI`, or with `CI=false`"), "{refused}");
    }

    /// CI services set `CI` to `true` (or to their name); a developer who sets it to say otherwise may
    /// record the lock.
    #[test]
    fn ci_is_what_ci_services_set() {
        for ci in ["true", "1", "TRUE", "woodpecker"] {
            assert!(in_ci(Some(ci)), "{ci}");
        }
        for ci in [None, Some(""), Some("0"), Some("false"), Some("False")] {
            assert!(!in_ci(ci), "{ci:?}");
        }
    }

    #[test]
    fn overwrite_records_a_breaking_change() {
        let dir = temp_dir();
        let path = dir.path().join("schema.lock");
        std::fs::write(&path, LOCK).unwrap();
        let changed = LOCK.replace("[str]", "[u32]").replace("Vec<String>", "Vec<u32>");
        let error = check_lock_file(&path, &changed, false).unwrap_err();
        assert!(error.contains("field `cart` (store key `cart`): type changed"), "{error}");
        check_lock_file(&path, &changed, true).unwrap();
        assert_eq!(check_lock_file(&path, &changed, false), Ok(Vec::new()));
    }

    #[test]
    fn a_lock_that_is_not_utf8_is_refused_naming_the_fix() {
        let dir = temp_dir();
        let path = dir.path().join("schema.lock");
        std::fs::write(&path, b"[field cart]\nplace = session\nkey = caf\xe9\n").unwrap();
        let error = check_lock_file(&path, LOCK, false).unwrap_err();
        assert!(error.contains("is not UTF-8 text") && error.contains("SESSION_SCHEMA_LOCK=overwrite"), "{error}");
    }

    #[test]
    fn text_that_is_not_a_lock_is_refused() {
        let dir = temp_dir();
        let path = dir.path().join("schema.lock");
        std::fs::write(&path, "cart: [str]\n").unwrap();
        let error = check_lock_file(&path, LOCK, false).unwrap_err();
        assert!(error.contains("not a schema lock"), "{error}");
    }
}
