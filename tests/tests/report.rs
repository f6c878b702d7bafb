//! `session_core::report`: the routing table stays a table whatever the names and reasons in a schema hold.

use session_core::{report, SessionSchema};

/// Names that Markdown would otherwise read as cell borders, code fences or line breaks: `|` is allowed in
/// a cookie name (an RFC 6265 token), and a store key may hold anything.
#[derive(SessionSchema)]
struct Odd {
    #[cookie(plain, name = "a|b", max_len = 8)]
    theme: String,
    #[cookie(max_len = 8, allow_sensitive = "a hint | not\na secret")]
    password_hint: String,
    #[session(name = "`cart|v2`")]
    cart: Vec<String>,
    #[session(name = "line\nbreak")]
    note: String,
}

/// The cells of a table row, split on the `|`s that are not escaped.
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cells.last_mut().unwrap().push(c);
                cells.last_mut().unwrap().extend(chars.next());
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

#[test]
fn every_row_keeps_five_cells_and_each_name_reads_back() {
    let table = report::<Odd>();
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 2 + 4, "{table}");
    for row in &rows {
        // The outer borders give an empty first and last cell around the five.
        assert_eq!(cells(row).len(), 7, "{row}");
    }
    assert!(rows[2].starts_with(r"| `theme` | browser cookie `a\|b` (plain) |"), "{}", rows[2]);
    assert!(rows[3].contains(r"(sensitive name allowed: a hint \| not\na secret)"), "{}", rows[3]);
    assert!(rows[4].starts_with(r"| `cart` | server store, key `` `cart\|v2` `` |"), "{}", rows[4]);
    assert!(rows[5].starts_with(r"| `note` | server store, key `line\nbreak` |"), "{}", rows[5]);
}
