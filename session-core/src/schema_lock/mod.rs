//! [`schema_lock`]: the stored form of every field of a schema, as stable text to commit beside the code,
//! so that a change that would make live sessions unreadable shows up in review and fails in CI.

#[cfg(feature = "testing")]
pub(crate) mod compare;
#[cfg(feature = "testing")]
mod encoding;
#[cfg(feature = "testing")]
mod parse;
mod shape;
mod trace;

use std::fmt::Write;

use crate::{
    schema::{FieldInfo, Place},
    SessionSchema,
};

pub(crate) use shape::serde_shape;

/// The keys of one field's entry, in the order they are written.
pub(crate) mod keys {
    pub(crate) const PLACE: &str = "place";
    pub(crate) const KEY: &str = "key";
    pub(crate) const OWNER: &str = "owner";
    pub(crate) const NAME: &str = "name";
    pub(crate) const PROTECTION: &str = "protection";
    pub(crate) const MAX_LEN: &str = "max_len";
    pub(crate) const PATH: &str = "path";
    pub(crate) const DOMAIN: &str = "domain";
    pub(crate) const PARTITIONED: &str = "partitioned";
    pub(crate) const TYPE: &str = "type";
    pub(crate) const SHAPE: &str = "shape";
    pub(crate) const RENAME_FROM: &str = "rename_from";
    pub(crate) const MIGRATE_FROM: &str = "migrate_from";
    pub(crate) const MIGRATE_SHAPE: &str = "migrate_shape";

    /// Every key, in the order they are written.
    #[cfg(feature = "testing")]
    pub(crate) const ALL: &[&str] = &[
        PLACE,
        KEY,
        OWNER,
        NAME,
        PROTECTION,
        MAX_LEN,
        PATH,
        DOMAIN,
        PARTITIONED,
        TYPE,
        SHAPE,
        RENAME_FROM,
        MIGRATE_FROM,
        MIGRATE_SHAPE,
    ];

    // What `entry` writes for each place: the keys of every field of it, and those written only when the
    // field has them. Reading a lock back holds each entry to them; since every check also reads the lock
    // rendered now, a key `entry` writes that is not listed here fails every check at once.
    #[cfg(feature = "testing")]
    pub(crate) const COOKIE_ALWAYS: &[&str] = &[PLACE, NAME, PROTECTION, MAX_LEN, TYPE, SHAPE];
    #[cfg(feature = "testing")]
    pub(crate) const COOKIE_WHEN_GIVEN: &[&str] = &[PATH, DOMAIN, PARTITIONED, RENAME_FROM];
    #[cfg(feature = "testing")]
    pub(crate) const SESSION_ALWAYS: &[&str] = &[PLACE, KEY, TYPE, SHAPE];
    #[cfg(feature = "testing")]
    pub(crate) const SESSION_WHEN_GIVEN: &[&str] = &[OWNER, RENAME_FROM, MIGRATE_FROM, MIGRATE_SHAPE];
}

/// A cookie's `Path` when the field does not set one.
pub(crate) const DEFAULT_PATH: &str = "/";

/// Renders, for each field of `S`, what a later release needs to read the values this one stores: where the
/// field lives, its store key or cookie name, a cookie's protection, `max_len`, and its `path`, `domain` and
/// `partitioned` where given (a browser keeps a cookie set with other ones beside the new), the type as
/// written, and its *shape*. A session field's shape is the serde format of its type, traced through its
/// `Deserialize` (struct fields, every variant of every enum, number widths: what the stored JSON holds); a
/// cookie field's is its `CookieValue` encoding, as [`CookieValue::shape`](crate::CookieValue::shape) (or, in
/// a `private` cookie, `private_shape`) describes it. `rename_from` and `migrate_from` (with the shape of the
/// earlier type) are listed where given, and `owner = true` on the owner field.
///
/// Commit the text and check it in a test with `session_core::testing::assert_schema_lock` (feature
/// `testing`): it fails when a change would strand stored values, and says which attribute makes the
/// change safe.
///
/// ```
/// use session_core::{schema_lock, SessionSchema};
///
/// #[derive(SessionSchema)]
/// struct Visitor {
///     #[cookie(plain, max_len = 8)]
///     theme: String,
///     #[session]
///     cart: Vec<String>,
/// }
///
/// let lock = schema_lock::<Visitor>();
/// assert!(lock.contains("[field cart]\nplace = session\nkey = cart\ntype = Vec<String>\nshape = [str]\n"));
/// assert!(lock.contains("[field theme]\nplace = cookie\nname = theme\nprotection = plain\nmax_len = 8\n"));
/// ```
pub fn schema_lock<S: SessionSchema>() -> String {
    let mut out = format!(
        "# The stored form of each field of `{}`, rendered by `session_core::schema_lock`.\n\
         # A test compares it with the schema (`session_core::testing::assert_schema_lock`) and fails when a\n\
         # change would leave stored values unreadable. Rewrite it with SESSION_SCHEMA_LOCK=overwrite.\n",
        S::NAME
    );
    for field in S::FIELDS {
        out.push('\n');
        entry(&mut out, field);
    }
    out
}

fn entry(out: &mut String, field: &FieldInfo) {
    let _ = writeln!(out, "[field {}]", field.field);
    // A store key may hold anything, a line break included: control characters are written as Rust
    // escapes, so that every value stays on its line and reads back as written, and so are whitespace at
    // either end, which reading a line trims (`cart ` and `cart` are two keys), and the backslash that
    // begins an escape (so no two keys are written alike).
    let mut line = |key: &str, value: &str| {
        let last = value.chars().count().saturating_sub(1);
        let value: String = value
            .chars()
            .enumerate()
            .map(|(index, c)| {
                if c.is_control() || c == '\\' {
                    c.escape_debug().to_string()
                } else if c.is_whitespace() && (index == 0 || index == last) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        let _ = writeln!(out, "{key} = {value}");
    };
    match &field.place {
        Place::Cookie { spec, .. } => {
            line(keys::PLACE, "cookie");
            line(keys::NAME, spec.name);
            line(keys::PROTECTION, spec.protection.as_str());
            line(keys::MAX_LEN, &spec.max_len.map_or_else(|| "none".to_owned(), |n| n.to_string()));
            // Only where not the default, so that the lock of a schema that never sets them stays as it was.
            if spec.path != DEFAULT_PATH {
                line(keys::PATH, spec.path);
            }
            if let Some(domain) = spec.domain {
                line(keys::DOMAIN, domain);
            }
            if spec.partitioned {
                line(keys::PARTITIONED, "true");
            }
        }
        Place::Session { key, owner, .. } => {
            line(keys::PLACE, "session");
            line(keys::KEY, key);
            if *owner {
                line(keys::OWNER, "true");
            }
        }
    }
    line(keys::TYPE, field.ty);
    line(keys::SHAPE, &(field.shape)());
    if let Some(old) = field.rename_from {
        line(keys::RENAME_FROM, old);
    }
    if let Some(migration) = &field.migrate_from {
        line(keys::MIGRATE_FROM, migration.ty);
        line(keys::MIGRATE_SHAPE, &(migration.shape)());
    }
}
