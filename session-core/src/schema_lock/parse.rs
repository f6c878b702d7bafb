//! Reading a schema lock back, strictly: a file edited by hand, merged badly or cut short within an entry
//! fails naming the line or entry to repair. Read leniently, a misspelled key or an entry missing its name
//! would leave fields that no entry matches, and the check would pass them all as new. (A whole entry
//! missing, a file cut just before one, reads as a lock of a release without that field: the check then
//! lists the field as new among the compatible changes it prints.)

use std::collections::{BTreeMap, BTreeSet};

use super::keys;

/// One `[field ...]` entry of a lock, holding the keys [`schema_lock`](crate::schema_lock()) writes for its
/// place and no other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub(super) field: String,
    values: BTreeMap<String, String>,
}

impl Entry {
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }
}

/// An entry as read so far, with the line of its header and of each key, for the messages.
struct Draft {
    field: String,
    line: usize,
    values: BTreeMap<String, (usize, String)>,
}

impl Draft {
    fn describe(&self) -> String {
        format!("`[field {}]` (line {})", self.field, self.line)
    }

    /// The entry, or what is wrong with it added to `problems`.
    fn finish(self, problems: &mut Vec<String>) -> Option<Entry> {
        let before = problems.len();
        let Some((_, place)) = self.values.get(keys::PLACE) else {
            problems.push(format!("{}: no `place`", self.describe()));
            return None;
        };
        let (required, optional) = match place.as_str() {
            "cookie" => (keys::COOKIE_ALWAYS, keys::COOKIE_WHEN_GIVEN),
            "session" => (keys::SESSION_ALWAYS, keys::SESSION_WHEN_GIVEN),
            _ => {
                problems.push(format!("{}: `place = {place}` is neither `cookie` nor `session`", self.describe()));
                return None;
            }
        };
        for key in required.iter().filter(|key| !self.values.contains_key(**key)) {
            problems.push(format!("{}: no `{key}`, which every {place} field has", self.describe()));
        }
        for (key, (line, _)) in &self.values {
            if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
                problems.push(format!("line {line}: `{key}` is not a key of a {place} field"));
            }
        }
        let has = |key: &str| self.values.contains_key(key);
        for (given, missing) in [(keys::MIGRATE_FROM, keys::MIGRATE_SHAPE), (keys::MIGRATE_SHAPE, keys::MIGRATE_FROM)] {
            if has(given) && !has(missing) {
                problems.push(format!("{}: `{given}` without `{missing}`", self.describe()));
            }
        }
        if let Some((line, owner)) = self.values.get(keys::OWNER).filter(|(_, owner)| owner != "true") {
            problems.push(format!("line {line}: `owner = {owner}`; the key is written only as `owner = true`"));
        }
        if let Some((line, limit)) =
            self.values.get(keys::MAX_LEN).filter(|(_, limit)| limit != "none" && limit.parse::<usize>().is_err())
        {
            problems.push(format!("line {line}: `max_len = {limit}` is neither a number nor `none`"));
        }
        (problems.len() == before).then(|| Entry {
            field: self.field,
            values: self.values.into_iter().map(|(key, (_, value))| (key, value)).collect(),
        })
    }
}

/// Reads a lock: its entries, or every problem found, each naming its line or entry.
pub(super) fn parse(text: &str) -> Result<Vec<Entry>, Vec<String>> {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut draft: Option<Draft> = None;
    let mut fields = BTreeSet::new();
    // A byte-order mark, which some editors add, is no part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(field) = line.strip_prefix("[field ").and_then(|rest| rest.strip_suffix(']')) {
            entries.extend(draft.take().and_then(|done| done.finish(&mut problems)));
            if field.trim().is_empty() {
                problems.push(format!("line {number}: `[field ]` names no field"));
            } else if !fields.insert(field) {
                problems.push(format!("line {number}: a second entry for field `{field}`"));
            }
            draft = Some(Draft { field: field.to_owned(), line: number, values: BTreeMap::new() });
            continue;
        }
        // An empty value (a hand-written `CookieValue::shape` may be one) is written `key = `, which the
        // trimming of the line leaves as `key =`.
        let Some((key, value)) = line.split_once(" = ").or_else(|| line.strip_suffix(" =").map(|key| (key, ""))) else {
            problems.push(format!("line {number} is neither `[field name]` nor `key = value`: {line:?}"));
            continue;
        };
        let Some(draft) = &mut draft else {
            problems.push(format!("line {number}: `{key}` before the first `[field name]`"));
            continue;
        };
        if !keys::ALL.contains(&key) {
            problems.push(format!(
                "line {number}: unknown key `{key}` in `[field {}]`; the keys are {}",
                draft.field,
                keys::ALL.join(", ")
            ));
        } else if draft.values.contains_key(key) {
            problems.push(format!("line {number}: a second `{key}` in `[field {}]`", draft.field));
        } else {
            draft.values.insert(key.to_owned(), (number, value.to_owned()));
        }
    }
    entries.extend(draft.and_then(|done| done.finish(&mut problems)));
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::parse;
    use crate::schema_lock::compare::compare;

    const ENTRY: &str = "[field cart]\nplace = session\nkey = cart\ntype = Vec<String>\nshape = [str]\n";

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = "[field cart]\nplase = session\nkey = cart\nkey = basket\nshape = [str]\nmax_len = 8\n\
                    migrate_from = SkuList\n[field cart]\nplace = cookie\nname = cart\n";
        assert_eq!(
            parse(text).unwrap_err(),
            [
                "line 2: unknown key `plase` in `[field cart]`; the keys are place, key, owner, name, protection, \
                 max_len, path, domain, partitioned, \
                 type, shape, rename_from, migrate_from, migrate_shape",
                "line 4: a second `key` in `[field cart]`",
                "`[field cart]` (line 1): no `place`",
                "line 8: a second entry for field `cart`",
                "`[field cart]` (line 8): no `protection`, which every cookie field has",
                "`[field cart]` (line 8): no `max_len`, which every cookie field has",
                "`[field cart]` (line 8): no `type`, which every cookie field has",
                "`[field cart]` (line 8): no `shape`, which every cookie field has",
            ]
        );
    }

    #[test]
    fn keys_of_the_other_place_and_malformed_values_are_refused() {
        let text = format!("{ENTRY}owner = yes\nname = cart\nmigrate_shape = [u32]\n");
        assert_eq!(
            parse(&text).unwrap_err(),
            [
                "line 7: `name` is not a key of a session field",
                "`[field cart]` (line 1): `migrate_shape` without `migrate_from`",
                "line 6: `owner = yes`; the key is written only as `owner = true`",
            ]
        );
    }

    #[test]
    fn a_lock_as_written_parses() {
        let entries = parse(&format!("# a comment\n\n{ENTRY}\n{}", ENTRY.replace("cart", "wishlist"))).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].get("key"), Some("wishlist"));
    }

    #[test]
    fn an_empty_value_parses_as_written() {
        let entry = ENTRY.replace("shape = [str]", "shape = ");
        assert_eq!(parse(&entry).unwrap()[0].get("shape"), Some(""));
        assert_eq!(compare(&entry, &entry).unwrap(), Default::default());
    }

    #[test]
    fn a_lock_saved_with_a_byte_order_mark_or_crlf_parses_as_written() {
        let saved = format!("\u{feff}{}", ENTRY.replace('\n', "\r\n"));
        assert_eq!(parse(&saved), parse(ENTRY));
        assert_eq!(compare(&saved, ENTRY).unwrap(), Default::default());
    }

    proptest! {
        #[test]
        fn any_text_is_compared_or_refused_without_a_panic(
            lines in prop::collection::vec(
                prop::sample::select(vec![
                    "[field cart]", "[field ]", "[field", "]", "place = session", "place = cookie", "place = ",
                    "key = cart", "name = cart", "owner = true", "max_len = x", "max_len = 8", "type = u8",
                    "shape = u8", "migrate_from = u8", "migrate_shape = u8", "rename_from = c", " = ", "=", "#",
                    "", "\u{feff}", "[field é]",
                ]),
                0..24,
            )
        ) {
            let text = lines.join("\n");
            let _ = compare(&text, ENTRY);
            let _ = compare(ENTRY, &text);
        }
    }
}
