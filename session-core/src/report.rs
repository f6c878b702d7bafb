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
            let mut who = spec.protection.exposure().to_owned();
            if !spec.http_only {
                who.push_str("; readable by the page's scripts");
            }
            if let Some(reason) = allow_sensitive {
                let _ = write!(who, " (sensitive name allowed: {})", text(reason));
            }
            format!(
                "| {} | browser cookie {} ({}) | {max_bytes} of {MAX_COOKIE_BYTES} bytes, worst case | {who} | {lasts} |",
                code(field.field),
                code(spec.name),
                spec.protection.as_str(),
            )
        }
        Place::Session { key, sensitive, flash, .. } => {
            let who = if *sensitive { "hidden; sensitive, redacted from logs" } else { "hidden from the user" };
            let lasts = if *flash {
                "read once, within the session's idle and absolute timeouts"
            } else {
                // The id cookie is a browser-session cookie unless `remember_for` or the layer's
                // `with_cookie_max_age` makes it last.
                "until the session ends: its idle or absolute timeout, or by default the browser closing"
            };
            format!("| {} | server store, key {} | the store's | {who} | {lasts} |", code(field.field), code(key))
        }
    }
}

/// `name` as a code span that stays within its table cell, whatever it holds: a cookie name may contain `|`
/// (an RFC 6265 token), and a store key anything at all. A backtick in it lengthens the span's fences, a
/// `|` is escaped (GitHub's tables split cells on it even inside code), and a control character is written
/// as its Rust escape so that a line break cannot end the row.
fn code(name: &str) -> String {
    let escaped = text(name);
    let longest_run = escaped.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    // A span that starts or ends with a backtick needs a space between it and the fence.
    let pad = if escaped.starts_with('`') || escaped.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{escaped}{pad}{fence}")
}

/// `prose` made safe for a table cell: `|` escaped and control characters written as Rust escapes.
fn text(prose: &str) -> String {
    prose
        .chars()
        .map(|c| match c {
            '|' => "\\|".to_owned(),
            c if c.is_control() => c.escape_debug().to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn human_duration(secs: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    UNITS
        .iter()
        .find(|(unit, _)| secs.is_multiple_of(*unit) && secs >= *unit)
        .map_or_else(|| format!("{secs}s"), |(unit, suffix)| format!("{}{suffix}", secs / unit))
}
