//! What "Where your data lives" shows: the schema's routing report as HTML, and an inventory of the
//! cookies the browser sent, with sizes but without the values of anything signed, encrypted or unknown.

use std::fmt::Write;

use http::{header, HeaderMap};
use session_core::{cookie::Protection, Place, SessionSchema};

use super::{pages::escape, schema::Visitor, SESSION_COOKIE};

/// One cookie of the request's `Cookie` header.
#[derive(Debug, PartialEq, Eq)]
pub struct SentCookie {
    /// The cookie name, as sent.
    pub name: String,
    /// Bytes of name and value: what a browser measures against its 4096-byte limit.
    pub bytes: usize,
    /// What the shop knows about it.
    pub kind: CookieKind,
}

/// What a sent cookie is to the shop.
#[derive(Debug, PartialEq, Eq)]
pub enum CookieKind {
    /// The session id cookie. Its value is a bearer credential: never shown.
    SessionId,
    /// The cookie of a `#[cookie]` field of [`Visitor`].
    Field {
        /// The Rust field name.
        field: &'static str,
        /// How the value is protected.
        protection: Protection,
        /// The value as sent, kept only for plain cookies, which the user can read anyway.
        plain_value: Option<String>,
    },
    /// A cookie the shop did not set (another app on the same host, say). Its value is not ours to show.
    Foreign,
}

impl SentCookie {
    /// An HTML description of the cookie; user-controlled text is escaped.
    pub fn describe(&self) -> String {
        match &self.kind {
            CookieKind::SessionId => {
                "the session id (signed, HttpOnly): it points at your record in the server store; value hidden"
                    .to_owned()
            }
            CookieKind::Field { field, protection, plain_value } => {
                let mut text = format!("field <code>{field}</code>, {} cookie", protection.as_str());
                match plain_value {
                    Some(value) => {
                        let _ = write!(text, "; value <code>{}</code>", escape(value));
                    }
                    None => text.push_str("; value hidden"),
                }
                text
            }
            CookieKind::Foreign => "not set by this shop; value hidden".to_owned(),
        }
    }
}

/// Parses the request's `Cookie` headers, in the order sent.
pub fn sent_cookies(headers: &HeaderMap) -> Vec<SentCookie> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            let (name, value) = (name.trim(), value.trim());
            (!name.is_empty()).then(|| SentCookie {
                name: name.to_owned(),
                bytes: name.len() + value.len(),
                kind: kind_of(name, value),
            })
        })
        .collect()
}

fn kind_of(name: &str, value: &str) -> CookieKind {
    if name == SESSION_COOKIE {
        return CookieKind::SessionId;
    }
    let field = Visitor::FIELDS.iter().find_map(|field| match &field.place {
        Place::Cookie { spec, .. } if spec.name == name => Some((field.field, spec.protection)),
        _ => None,
    });
    match field {
        Some((field, protection)) => CookieKind::Field {
            field,
            protection,
            plain_value: (protection == Protection::Plain).then(|| value.to_owned()),
        },
        None => CookieKind::Foreign,
    }
}

/// Converts the Markdown table that [`session_core::report`] renders (a header row, a `|---|` separator
/// row, then one row per field) into an HTML table; `` `code` `` spans become `<code>`.
pub fn report_table(markdown: &str) -> String {
    let mut rows = markdown.lines().map(str::trim).filter(|line| line.starts_with('|'));
    let mut html = String::from("<table class=\"report\"><thead><tr>");
    if let Some(header) = rows.next() {
        for cell in cells(header) {
            let _ = write!(html, "<th>{}</th>", inline(cell));
        }
    }
    html.push_str("</tr></thead><tbody>");
    for row in rows.filter(|row| !is_separator(row)) {
        html.push_str("<tr>");
        for cell in cells(row) {
            let _ = write!(html, "<td>{}</td>", inline(cell));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

fn cells(row: &str) -> impl Iterator<Item = &str> {
    let inner = row.strip_prefix('|').unwrap_or(row);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(str::trim)
}

fn is_separator(row: &str) -> bool {
    cells(row).all(|cell| !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':')))
}

/// Escapes a cell and turns each pair of backticks into a `<code>` span; a lone backtick stays as it is.
fn inline(cell: &str) -> String {
    let parts: Vec<&str> = cell.split('`').collect();
    let paired = if parts.len() % 2 == 1 { parts.len() } else { parts.len() - 1 };
    let mut out = String::new();
    for (index, part) in parts[..paired].iter().enumerate() {
        if index % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    if let Some(rest) = parts.get(paired) {
        out.push('`');
        out.push_str(&escape(rest));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_table_becomes_html() {
        let markdown = "| Field | Stored in |\n|---|---|\n| `theme` | browser cookie `theme` (plain) |\n";
        assert_eq!(
            report_table(markdown),
            "<table class=\"report\"><thead><tr><th>Field</th><th>Stored in</th></tr></thead><tbody>\
             <tr><td><code>theme</code></td><td>browser cookie <code>theme</code> (plain)</td></tr></tbody></table>"
        );
    }

    #[test]
    fn cells_are_escaped_and_lone_backticks_kept() {
        assert_eq!(inline("a <b> `c&d` e`f"), "a &lt;b&gt; <code>c&amp;d</code> e`f");
    }

    #[test]
    fn cookie_values_are_shown_only_for_plain_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "theme=dark; locale=SIG.en-GB; id=SECRET; other=<x>".parse().unwrap());
        let cookies = sent_cookies(&headers);
        assert_eq!(
            cookies.iter().map(|c| (c.name.as_str(), c.bytes)).collect::<Vec<_>>(),
            [("theme", 9), ("locale", 15), ("id", 8), ("other", 8)]
        );
        let described: Vec<String> = cookies.iter().map(SentCookie::describe).collect();
        assert_eq!(described[0], "field <code>theme</code>, plain cookie; value <code>dark</code>");
        assert_eq!(described[1], "field <code>locale</code>, signed cookie; value hidden");
        assert!(!described.concat().contains("SECRET") && !described.concat().contains("SIG"));
        assert!(!described.concat().contains("<x>"));
    }
}
