//! Comparing two cookie encodings as [`CookieValue::shape`](crate::CookieValue::shape) describes them:
//! equal but for the variants of derived enums (`enum {"light" | "dark"}`), wherever those sit in the
//! shape (`option<enum {...}>`, `(u8, enum {...})`), which one release may add to and another rename; or
//! equal but for the names of a derived struct's fields (`(size: u8, zoom: u16)`), which its cookie does
//! not hold.

/// How every derived enum's variants begin in a shape.
const ENUM_OPEN: &str = "enum {";

/// The variants of the `old` encoding that the `new` one no longer decodes, when the two are the same but
/// for the variants of derived enums; `None` when they differ otherwise. An empty list: `new` decodes
/// every value `old` wrote (variants added or reordered).
pub(super) fn lost_variants<'a>(mut old: &'a str, mut new: &str) -> Option<Vec<&'a str>> {
    let mut lost = Vec::new();
    loop {
        if let (Some(old_rest), Some(new_rest)) = (old.strip_prefix(ENUM_OPEN), new.strip_prefix(ENUM_OPEN)) {
            let (old_variants, old_after) = variants(old_rest)?;
            let (new_variants, new_after) = variants(new_rest)?;
            lost.extend(old_variants.into_iter().filter(|variant| !new_variants.contains(variant)));
            (old, new) = (old_after, new_after);
            continue;
        }
        let (mut old_chars, mut new_chars) = (old.chars(), new.chars());
        match (old_chars.next(), new_chars.next()) {
            (None, None) => return Some(lost),
            (Some(a), Some(b)) if a == b => (old, new) = (old_chars.as_str(), new_chars.as_str()),
            _ => return None,
        }
    }
}

/// `shape` without the field names of derived structs (`(size: u8, zoom: u16)` gives `(u8, u16)`), and
/// those names in order, nested structs' included. A name begins a part (after `(` or `, `) and is an
/// identifier followed by `: `; quoted variants are copied as they are, whatever they hold.
pub(super) fn without_field_names(shape: &str) -> (String, Vec<&str>) {
    let (mut kept, mut names) = (String::new(), Vec::new());
    let mut rest = shape;
    let mut part_begins = false;
    while let Some(c) = rest.chars().next() {
        if part_begins {
            part_begins = false;
            let length = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if length > 0 && rest[length..].starts_with(": ") {
                names.push(&rest[..length]);
                rest = &rest[length + 2..];
                continue;
            }
        }
        if c == '"' {
            let end = rest[1..].find('"').map_or(rest.len(), |end| end + 2);
            kept.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        kept.push(c);
        rest = &rest[c.len_utf8()..];
        part_begins = c == '(' || kept.ends_with(", ");
    }
    (kept, names)
}

/// The quoted variants at the start of `text` (`"light" | "dark"}`, after [`ENUM_OPEN`]) and what follows
/// the closing brace. A variant's encoding never holds `"` (the derive refuses it), so the quotes delimit
/// it whatever else it holds.
fn variants(text: &str) -> Option<(Vec<&str>, &str)> {
    let mut found = Vec::new();
    let mut rest = text;
    loop {
        let quoted = rest.strip_prefix('"')?;
        let end = quoted.find('"')?;
        found.push(&quoted[..end]);
        rest = &quoted[end + 1..];
        if let Some(after) = rest.strip_prefix('}') {
            return Some((found, after));
        }
        rest = rest.strip_prefix(" | ")?;
    }
}

#[cfg(test)]
mod tests {
    use super::{lost_variants, without_field_names};

    #[test]
    fn variants_added_anywhere_lose_nothing() {
        let two = r#"enum {"light" | "dark"}"#;
        let three = r#"enum {"light" | "dark" | "sepia"}"#;
        assert_eq!(lost_variants(two, three), Some(vec![]));
        assert_eq!(lost_variants(&format!("option<{two}>"), &format!("option<{three}>")), Some(vec![]));
        assert_eq!(lost_variants(&format!("(u8, {two}, {two})"), &format!("(u8, {three}, {two})")), Some(vec![]));
        assert_eq!(lost_variants(three, two), Some(vec!["sepia"]));
    }

    #[test]
    fn any_other_difference_is_none() {
        let two = r#"enum {"light" | "dark"}"#;
        assert_eq!(lost_variants(&format!("option<{two}>"), &format!("[{two}]")), None);
        assert_eq!(lost_variants("u8", "u16"), None);
        assert_eq!(lost_variants(two, "str"), None);
        assert_eq!(lost_variants(r#"enum {"a}"#, r#"enum {"a"}"#), None, "an unterminated list is no list");
    }

    #[test]
    fn field_names_are_told_from_the_encoding() {
        let shape = r#"(size: u8, theme: enum {"a, b: c" | "d"}, inner: (x: [u16; 2], (u8, str)))"#;
        assert_eq!(
            without_field_names(shape),
            (r#"(u8, enum {"a, b: c" | "d"}, ([u16; 2], (u8, str)))"#.to_owned(), vec!["size", "theme", "inner", "x"])
        );
        assert_eq!(without_field_names("option<(u8, str)>"), ("option<(u8, str)>".to_owned(), vec![]));
    }

    #[test]
    fn a_variant_may_hold_what_separates_shapes() {
        assert_eq!(lost_variants(r#"enum {"a|b" | "}"}"#, r#"enum {"}" | "x"}"#), Some(vec!["a|b"]));
    }
}
