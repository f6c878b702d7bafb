//! Checks on names: RFC 6265 tokens, names that look like they hold secrets, and names that look like they
//! hold authorization or identity data.

/// True if `name` is a non-empty RFC 6265 `token` (RFC 2616: any visible ASCII except separators).
pub(crate) fn is_cookie_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

/// Whether `name` starts with the cookie prefix `prefix`, which browsers match without regard to case
/// (RFC 6265bis): `__host-theme` makes the same promises as `__Host-theme`.
pub(crate) fn has_prefix(name: &str, prefix: &str) -> bool {
    name.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
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
    "pincode",
    "passcode",
    "jwt",
    "otp",
    "totp",
    "hotp",
    "credential",
    "credentials",
    "apikey",
    "creditcard",
    "cardnumber",
    "privatekey",
    "secretkey",
    "accesskey",
    "sessionid",
    "sid",
];

/// Pairs of adjacent words that do the same (`api_key`, `apiKey`, `api-key`).
const SENSITIVE_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("credit", "card"),
    ("card", "number"),
    ("private", "key"),
    ("secret", "key"),
    ("session", "id"),
    ("sess", "id"),
    ("access", "key"),
    ("pass", "word"),
    ("signing", "key"),
    ("session", "key"),
    ("mfa", "code"),
    ("cc", "number"),
    ("social", "security"),
    ("card", "security"),
];

/// Endings that mark a word run together from others (`accesstoken`, `clientsecret`, `newpassword`,
/// `stripeapikey`, `creditcardnumber`, `cardcvv`), the session cookies of other frameworks among them
/// (`JSESSIONID`, `PHPSESSID`). No English word ends in `ssn`, `cvv` or `cvc`.
const SENSITIVE_ENDINGS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "passcode",
    "secret",
    "credential",
    "sessionid",
    "sessid",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "creditcard",
    "cardnumber",
    "signingkey",
    "sessionkey",
    "mfacode",
    "ccnumber",
    "socialsecurity",
    "securitynumber",
    "ssn",
    "cvv",
    "cvc",
];

/// Words that start like `auth` but are not about authentication.
const AUTH_LOOKALIKES: &[&str] = &["author", "authors", "authored", "authoring", "authorship"];

/// The part of `name` that makes it look sensitive, if any: a word such as `password`, `token` or `pin`
/// (also plural, numbered or run together with others, as `tokens`, `password2`, `accesstoken`), a pair
/// such as `api_key`, or any word starting with `auth` (but not `author`).
pub(crate) fn sensitive_part(name: &str) -> Option<String> {
    let words = words(name);
    let sensitive = |index: usize| {
        let word = words[index].as_str();
        let forms = forms(word);
        forms
            .iter()
            .any(|form| SENSITIVE_WORDS.contains(form) || SENSITIVE_ENDINGS.iter().any(|ending| form.ends_with(ending)))
            || (word.starts_with("auth") && !AUTH_LOOKALIKES.contains(&word))
    };
    matching_part(&words, sensitive, SENSITIVE_PAIRS)
}

/// The forms of `word` a list is searched for: the word without trailing digits (`password2`), and that
/// without a plural `s` (`tokens`).
fn forms(word: &str) -> [&str; 2] {
    let numbered = word.trim_end_matches(|c: char| c.is_ascii_digit());
    [numbered, numbered.strip_suffix('s').unwrap_or(numbered)]
}

/// Words that say a value decides who the visitor is or what they may do: a user who can change it can
/// make themselves someone else, or more.
const AUTHORIZATION_WORDS: &[&str] = &[
    "administrator",
    "administrators",
    "superuser",
    "superusers",
    "sudo",
    "staff",
    "moderator",
    "moderators",
    "role",
    "roles",
    "permission",
    "permissions",
    "perm",
    "perms",
    "privilege",
    "privileges",
    "scope",
    "scopes",
    "group",
    "groups",
    "acl",
    "acls",
    "entitlement",
    "entitlements",
    "uid",
];

/// Endings that mark a word, alone or run together from others: `admin`, `isadmin`, `superadmin`, `userid`,
/// `customerid`, `steamid`.
const AUTHORIZATION_ENDINGS: &[&str] =
    &["admin", "userid", "accountid", "tenantid", "orgid", "teamid", "memberid", "customerid", "ownerid", "groupid"];

/// Pairs of adjacent words that do the same (`user_id`, `userId`, `user-id`).
const AUTHORIZATION_PAIRS: &[(&str, &str)] = &[
    ("super", "user"),
    ("user", "id"),
    ("user", "type"),
    ("user", "level"),
    ("account", "id"),
    ("account", "type"),
    ("tenant", "id"),
    ("org", "id"),
    ("organization", "id"),
    ("team", "id"),
    ("member", "id"),
    ("customer", "id"),
    ("owner", "id"),
    ("access", "level"),
];

/// Pairs in which an authorization word names a view instead: grouping rows is not belonging to a group.
const AUTHORIZATION_LOOKALIKES: &[(&str, &str)] = &[("group", "by")];

/// The part of `name` that makes it look like authorization or identity data, if any: a word such as
/// `admin`, `roles` or `uid`, or a pair such as `user_id` or `tenantId`. Only whole words count, so
/// `telescope`, `console` and `fluid` do not.
pub(crate) fn authorization_part(name: &str) -> Option<String> {
    let words = words(name);
    let authorization = |index: usize| {
        let word = words[index].as_str();
        let lookalike =
            words.get(index + 1).is_some_and(|next| AUTHORIZATION_LOOKALIKES.contains(&(word, next.as_str())));
        let listed = |form: &&str| {
            AUTHORIZATION_WORDS.contains(form) || AUTHORIZATION_ENDINGS.iter().any(|ending| form.ends_with(ending))
        };
        forms(word).iter().any(listed) && !lookalike
    };
    matching_part(&words, authorization, AUTHORIZATION_PAIRS)
}

/// The first word for which `matches` (given its index) holds, else the first adjacent pair listed in
/// `pairs` (its second word in any of its [`forms`], as `api_keys`), written `first_second`.
fn matching_part(words: &[String], matches: impl Fn(usize) -> bool, pairs: &[(&str, &str)]) -> Option<String> {
    if let Some(index) = (0..words.len()).find(|&index| matches(index)) {
        return Some(words[index].clone());
    }
    words.windows(2).find_map(|pair| {
        let listed = forms(&pair[1]).iter().any(|second| pairs.contains(&(pair[0].as_str(), *second)));
        listed.then(|| format!("{}_{}", pair[0], pair[1]))
    })
}

/// Words that mark a field's name but are too common in the names of types to mark them: `Pin` is
/// `std::pin::Pin`, and a `MapPin`, `TabGroup`, `SearchScope` or `StaffPick` holds nothing of the kind.
const TOO_COMMON_IN_TYPE_NAMES: &[&str] = &["pin", "sid", "group", "scope", "staff"];

/// `part_of` ([`sensitive_part`] or [`authorization_part`]) of the name of a type, but for the words too
/// common in type names to mark one.
pub(crate) fn part_of_type_name(part_of: fn(&str) -> Option<String>, name: &str) -> Option<String> {
    part_of(name).filter(|part| !forms(part).iter().any(|form| TOO_COMMON_IN_TYPE_NAMES.contains(form)))
}

/// Lowercase words of a name, for the checks: split at `_`, `-`, `.`, camelCase boundaries and where an
/// acronym of two capitals or more meets the next word (`OTPCode`, `JWTClaims`), but not before a plural
/// `s` (`UserIDs`), nor after a single capital (`OAuth` is one word).
fn words(name: &str) -> Vec<String> {
    split(name, true)
}

/// `snake_case` of a Rust identifier (`HighContrast` → `high_contrast`). Acronyms stay whole
/// (`HTTPMode` → `httpmode`): this names a variant in the cookies browsers already hold.
pub(crate) fn snake_case(ident: &str) -> String {
    split(ident, false).join("_")
}

/// Whether rustc's `non_snake_case` lint takes `ident` as snake case: no capital, and no `__` once leading
/// and trailing underscores are set aside.
pub(crate) fn is_snake_case(ident: &str) -> bool {
    let inner = ident.trim_matches('_');
    !inner.chars().any(char::is_uppercase) && !inner.contains("__")
}

/// Lowercase words of `name` split at `_`, `-`, `.` and camelCase boundaries, and at the end of an acronym
/// if `acronyms`.
fn split(name: &str, acronyms: bool) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    // Whether the last character was lowercase (or a digit), and how many capitals ran up to it.
    let (mut previous_lower, mut capitals) = (false, 0);
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            (previous_lower, capitals) = (false, 0);
            continue;
        }
        // `OTPCode`: the `C` starts a word; `UserIDs`: the `s` is the acronym's plural.
        let next = |offset: usize| chars.get(index + offset).copied();
        let plural = next(1) == Some('s') && !next(2).is_some_and(char::is_lowercase);
        let acronym_ends = acronyms && capitals >= 2 && next(1).is_some_and(char::is_lowercase) && !plural;
        if c.is_uppercase() && (previous_lower || acronym_ends) {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        capitals = if c.is_uppercase() { capitals + 1 } else { 0 };
        current.extend(c.to_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo; else the
/// longest candidate that `word` spells out further (`max_length` and `maxlength` for `max_len`,
/// `same_site_policy` for `same_site`), underscores aside.
pub(crate) fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.collect();
    let squashed = |text: &str| text.replace('_', "");
    candidates
        .iter()
        .map(|candidate| (edit_distance(word, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
        .or_else(|| {
            // Four letters at least, so that a short key does not claim every word it begins.
            candidates
                .iter()
                .copied()
                .filter(|candidate| candidate.len() >= 4 && squashed(word).starts_with(&squashed(candidate)))
                .max_by_key(|candidate| candidate.len())
        })
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
            "tokens",
            "passwords",
            "secrets",
            "api_keys",
            "password2",
            "accesstoken",
            "refreshtoken",
            "clientSecret2",
            "OTPCode",
            "JWTClaims",
            "SSNLast4",
            "JSESSIONID",
            "PHPSESSID",
            "passWord",
            "secretkey",
            "secret_key",
            "accesskey",
            "creditcardnumber",
            "stripeapikey",
            "sshprivatekey",
            "awssecretkey",
            "pincode",
            "userssn",
            "cardcvv",
            "sess_id",
            "passcode",
            "new_passcode",
            "totp_seed",
            "mfa_code",
            "signing_key",
            "session_key",
            "cc_number",
            "social_security_number",
            "sessionkey",
            "apisessionkey",
            "signingkey",
            "mfacode",
            "ccnumber",
            "socialsecuritynumber",
            "cardsecuritynumber",
            "card_security_number",
            "cardSecurityNumber",
        ] {
            assert!(sensitive_part(name).is_some(), "{name}");
        }
        for name in [
            "theme",
            "spinner",
            "author",
            "locale",
            "tokenizer_mode",
            "keyboard",
            "pinned_tab",
            "lessons",
            "session_ttl",
            "sessionKeyboardLayout",
            "mfa_enabled",
            "security_number_format",
        ] {
            assert_eq!(sensitive_part(name), None, "{name}");
        }
    }

    #[test]
    fn authorization_names_are_found_on_word_boundaries() {
        for (name, part) in [
            ("admin", "admin"),
            ("is_admin", "admin"),
            ("isAdmin", "admin"),
            ("is-admin", "admin"),
            ("IsAdmin", "admin"),
            ("isadmin", "isadmin"),
            ("role", "role"),
            ("roles", "roles"),
            ("user_role", "role"),
            ("userRoles", "roles"),
            ("permissions", "permissions"),
            ("perms", "perms"),
            ("scope", "scope"),
            ("oauth-scopes", "scopes"),
            ("group", "group"),
            ("groups", "groups"),
            ("group_id", "group"),
            ("privileges", "privileges"),
            ("superuser", "superuser"),
            ("super_user", "super_user"),
            ("is_staff", "staff"),
            ("uid", "uid"),
            ("user_id", "user_id"),
            ("userId", "user_id"),
            ("UserID", "user_id"),
            ("user-id", "user_id"),
            ("userid", "userid"),
            ("USER_ID", "user_id"),
            ("accountId", "account_id"),
            ("tenant_id", "tenant_id"),
            ("access_level", "access_level"),
            ("__Host-role", "role"),
            ("role2", "role2"),
            ("user_ids", "user_ids"),
            ("UserIDs", "user_ids"),
            ("RBACRole", "role"),
            ("ACLEntry", "acl"),
            ("is_superadmin", "superadmin"),
            ("sysadmin", "sysadmin"),
            ("customerid", "customerid"),
            ("orgid", "orgid"),
            ("steamid", "steamid"),
            ("groupids", "groupids"),
        ] {
            assert_eq!(authorization_part(name).as_deref(), Some(part), "{name}");
        }
        for name in [
            "theme",
            "locale",
            "telescope",
            "scoped_search",
            "console",
            "roller",
            "payroll",
            "enrolled",
            "fluid",
            "uuid",
            "guid",
            "grouped_view",
            "group_by",
            "groupBy",
            "permalink",
            "badminton",
            "administer",
            "pseudo",
            "oracle",
            "user_theme",
            "account_menu",
            "id",
            "idle_hint",
        ] {
            assert_eq!(authorization_part(name), None, "{name}");
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
        assert_eq!(closest("max_length", keys.into_iter()), Some("max_len"));
        assert_eq!(closest("maxlength", keys.into_iter()), Some("max_len"));
        assert_eq!(closest("same_site_policy", keys.into_iter()), Some("same_site"));
        assert_eq!(closest("max", keys.into_iter()), None);
    }

    #[test]
    fn snake_case_as_rustc_lints_it() {
        for snake in ["theme", "set_theme", "_legacy", "remove_a1", "__private__"] {
            assert!(is_snake_case(snake), "{snake}");
        }
        for not_snake in ["set__legacy", "set_lastSeen", "None", "a__b"] {
            assert!(!is_snake_case(not_snake), "{not_snake}");
        }
    }

    #[test]
    fn snake_case_of_variants() {
        assert_eq!(snake_case("HighContrast"), "high_contrast");
        assert_eq!(snake_case("Dark"), "dark");
        assert_eq!(snake_case("HTTPMode"), "httpmode", "as cookies already hold it");
    }

    #[test]
    fn acronyms_end_where_the_next_word_starts() {
        assert_eq!(words("OTPCode"), ["otp", "code"]);
        assert_eq!(words("UserIDs"), ["user", "ids"]);
        assert_eq!(words("URLsSeen"), ["urls", "seen"]);
        assert_eq!(words("HTTPMode"), ["http", "mode"]);
        assert_eq!(words("OAuthProvider"), ["oauth", "provider"], "one capital is no acronym");
        assert_eq!(sensitive_part("GitHubOAuthState"), None);
    }
}
