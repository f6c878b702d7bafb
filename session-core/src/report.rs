//! [`report`]: the routing table of a schema, as Markdown.

use std::fmt::Write;

use crate::{
    cookie::MAX_COOKIE_BYTES,
    schema::{FieldInfo, Place},
    SessionSchema,
};

/// Renders where each field of `S` lives, as a Markdown table with one row per field and the factors
/// people weigh when choosing between a cookie and the session store: where it is stored, how large it
/// can get, who can see or change it, and how long it lasts. Values never appear in it.
///
/// ```
/// use session_core::{report, SessionSchema};
///
/// #[derive(SessionSchema)]
/// struct Visitor {
///     #[cookie(plain, max_len = 8)]
///     theme: String,
///     #[session(sensitive)]
///     roles: Vec<String>,
/// }
///
/// let table = report::<Visitor>();
/// assert!(table.contains("| `theme` | browser cookie `theme` (plain) |"));
/// assert!(table.contains("| `roles` | server store, key `roles` |"));
/// ```
pub fn report<S: SessionSchema>() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| Field | Stored in | Size limit | Who can see or change it | How long it lasts |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for field in S::FIELDS {
        let _ = writeln!(out, "{}", row(field));
    }
    out
}

fn row(field: &FieldInfo) -> String {
    match &field.place {
        Place::Cookie { spec, max_bytes, allow_sensitive } => {
            let lasts = match spec.max_age_secs {
                Some(secs) => format!("max-age {}", human_duration(secs)),
                None => "until the browser closes".to_owned(),
            };
            let who = match allow_sensitive {
                Some(reason) => format!("{} (sensitive name allowed: {reason})", spec.protection.exposure()),
                None => spec.protection.exposure().to_owned(),
            };
            format!(
                "| `{}` | browser cookie `{}` ({}) | {max_bytes} of {MAX_COOKIE_BYTES} bytes, worst case | {who} | {lasts} |",
                field.field,
                spec.name,
                spec.protection.as_str(),
            )
        }
        Place::Session { key, sensitive, flash, .. } => {
            let who = if *sensitive { "hidden; sensitive, redacted from logs" } else { "hidden from the user" };
            let lasts = if *flash {
                "read once, within the session's idle and absolute timeouts"
            } else {
                "until the session's idle or absolute timeout"
            };
            format!("| `{}` | server store, key `{key}` | the store's | {who} | {lasts} |", field.field)
        }
    }
}

fn human_duration(secs: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    UNITS
        .iter()
        .find(|(unit, _)| secs.is_multiple_of(*unit) && secs >= *unit)
        .map_or_else(|| format!("{secs}s"), |(unit, suffix)| format!("{}{suffix}", secs / unit))
}
