//! Checks on names: RFC 6265 tokens, and cookie names that look like they hold secrets.

/// True if `name` is a non-empty RFC 6265 `token` (RFC 2616: any visible ASCII except separators).
pub(crate) fn is_cookie_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

/// Words that mark a name as sensitive wherever they stand in it.
const SENSITIVE_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "ssn",
    "cvv",
    "cvc",
    "pin",
    "jwt",
    "otp",
    "credential",
    "credentials",
    "apikey",
    "creditcard",
    "cardnumber",
    "privatekey",
    "sessionid",
    "sid",
];

/// Pairs of adjacent words that do the same (`api_key`, `apiKey`, `api-key`).
const SENSITIVE_PAIRS: &[(&str, &str)] =
    &[("api", "key"), ("credit", "card"), ("card", "number"), ("private", "key"), ("session", "id"), ("access", "key")];

/// Words that start like `auth` but are not about authentication.
const AUTH_LOOKALIKES: &[&str] = &["author", "authors", "authored", "authoring", "authorship"];

/// The part of `name` that makes it look sensitive, if any: a word such as `password`, `token` or `pin`, a
/// pair such as `api_key`, or any word starting with `auth` (but not `author`).
pub(crate) fn sensitive_part(name: &str) -> Option<String> {
    let words = words(name);
    for word in &words {
        if SENSITIVE_WORDS.contains(&word.as_str())
            || (word.starts_with("auth") && !AUTH_LOOKALIKES.contains(&word.as_str()))
        {
            return Some(word.clone());
        }
    }
    words.windows(2).find_map(|pair| {
        SENSITIVE_PAIRS.contains(&(pair[0].as_str(), pair[1].as_str())).then(|| format!("{}_{}", pair[0], pair[1]))
    })
}

/// Lowercase words of a name split at `_`, `-`, `.` and camelCase boundaries.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// `snake_case` of a Rust identifier (`HighContrast` → `high_contrast`).
pub(crate) fn snake_case(ident: &str) -> String {
    words(ident).join("_")
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, by the usual two-row dynamic programme.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_names_are_found_on_word_boundaries() {
        for name in [
            "password",
            "user_password",
            "apiKey",
            "api-key",
            "card_pin",
            "auth",
            "auth_token",
            "authorization",
            "Session_ID",
            "__Host-sid",
        ] {
            assert!(sensitive_part(name).is_some(), "{name}");
        }
        for name in ["theme", "spinner", "author", "locale", "tokenizer_mode", "keyboard", "pinned_tab"] {
            assert_eq!(sensitive_part(name), None, "{name}");
        }
    }

    #[test]
    fn tokens_exclude_separators() {
        assert!(is_cookie_token("__Host-theme"));
        for bad in ["", "a b", "a;b", "a=b", "é", "a:b"] {
            assert!(!is_cookie_token(bad), "{bad}");
        }
    }

    #[test]
    fn close_keys_are_suggested() {
        let keys = ["http_only", "max_len", "same_site"];
        assert_eq!(closest("httponly", keys.into_iter()), Some("http_only"));
        assert_eq!(closest("maxlen", keys.into_iter()), Some("max_len"));
        assert_eq!(closest("colour", keys.into_iter()), None);
    }

    #[test]
    fn snake_case_of_variants() {
        assert_eq!(snake_case("HighContrast"), "high_contrast");
        assert_eq!(snake_case("Dark"), "dark");
    }
}
