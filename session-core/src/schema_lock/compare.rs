//! Comparing a committed schema lock with the schema's current one: which differences leave stored values
//! readable (a new field, a rename with `rename_from`, a type change with `migrate_from`) and which strand
//! them, each with the field, the change and the attribute that would make it safe.

use super::{
    encoding::{lost_variants, without_field_names},
    keys,
    parse::parse,
    parse::Entry,
    shape::UNTRACED,
};
use crate::value::HAND_WRITTEN;

/// How a user records the current schema as the lock.
const OVERWRITE: &str = "SESSION_SCHEMA_LOCK=overwrite";

impl Entry {
    fn is_cookie(&self) -> bool {
        self.get(keys::PLACE) == Some("cookie")
    }

    fn is_owner(&self) -> bool {
        self.get(keys::OWNER) == Some("true")
    }

    /// What a release reads the stored value under: the store key, or the cookie name.
    fn stored_under(&self) -> &str {
        let key = if self.is_cookie() { keys::NAME } else { keys::KEY };
        self.get(key).unwrap_or_default()
    }

    /// How the field is described in messages: `field `cart` (store key `cart`)`.
    fn describe(&self) -> String {
        let what = if self.is_cookie() { "cookie" } else { "store key" };
        format!("field `{}` ({what} `{}`)", self.field, self.stored_under())
    }

    /// The form a value is stored in: the type as written and its shape.
    fn form(&self) -> Form<'_> {
        Form { ty: self.get(keys::TYPE).unwrap_or_default(), shape: self.get(keys::SHAPE).unwrap_or_default() }
    }

    /// The earlier form `migrate_from` converts, if it is given.
    fn migrate_form(&self) -> Option<Form<'_>> {
        Some(Form { ty: self.get(keys::MIGRATE_FROM)?, shape: self.get(keys::MIGRATE_SHAPE).unwrap_or_default() })
    }

    /// Whether the field reads values stored in `form`, as its own type or through `migrate_from`.
    fn reads_form(&self, form: &Form<'_>) -> bool {
        self.form().reads(form) || self.migrate_form().is_some_and(|migrate| migrate.reads(form))
    }

    /// Whether the field reads values stored under `name`, as its own or through `rename_from`.
    fn reads_name(&self, name: &str) -> bool {
        self.stored_under() == name || self.get(keys::RENAME_FROM) == Some(name)
    }

    fn attribute(&self) -> &'static str {
        if self.is_cookie() {
            "cookie"
        } else {
            "session"
        }
    }
}

/// A form values are stored in.
struct Form<'a> {
    ty: &'a str,
    shape: &'a str,
}

impl Form<'_> {
    /// Whether a value stored in `stored` decodes as this form. The same traced shape means the same JSON.
    /// An untraced stored form says nothing of the type (`serde_json::Value` and an untagged enum look
    /// alike), so then the type as written decides, whatever reason the tracer gave (its wording may change
    /// with a dependency's error messages) and whether it traces now (a later tracer may follow a type an
    /// earlier one could not). A traced stored form against an untraced one is a change: what the type
    /// stored was known, and what it reads now is not.
    fn reads(&self, stored: &Form<'_>) -> bool {
        match (stored.is_untraced(), self.is_untraced()) {
            (false, false) => self.shape == stored.shape,
            (true, _) => self.ty == stored.ty,
            (false, true) => false,
        }
    }

    /// Whether the shape is `untraced (...)`: a type the tracer cannot follow.
    fn is_untraced(&self) -> bool {
        self.shape.starts_with(UNTRACED)
    }
}

/// What changed between a committed lock and the current schema.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LockComparison {
    /// Changes that leave values stored under the committed lock unreadable, or not where they were read
    /// (the owner moved to another field, a cookie's scope changed), each naming the field, the change,
    /// and (after `help:`) what makes it safe.
    pub breaking: Vec<String>,
    /// Changes that keep stored values readable: new fields, renames with `rename_from`, type changes with
    /// `migrate_from`, a field that became the owner.
    pub compatible: Vec<String>,
}

/// Compares the `locked` text (committed) with the `current` one (from [`schema_lock`](crate::schema_lock())).
pub(crate) fn compare(locked: &str, current: &str) -> Result<LockComparison, String> {
    let locked = parse(locked).map_err(|problems| not_a_lock("the committed lock", &problems, REGENERATE))?;
    let current = parse(current).map_err(|problems| not_a_lock("the current lock", &problems, RENDER))?;
    if locked.is_empty() && !current.is_empty() {
        let fields: Vec<String> = current.iter().map(|entry| format!("`{}`", entry.field)).collect();
        let problem = format!("no `[field ...]` entry at all (the schema's fields: {})", fields.join(", "));
        return Err(not_a_lock("the committed lock", &[problem], REGENERATE));
    }
    let mut comparison = LockComparison::default();
    // For each current entry, the locked one it reads, once found.
    let mut matched: Vec<Option<&Entry>> = vec![None; current.len()];
    let locked_owner = locked.iter().find(|entry| entry.is_owner());
    for old in &locked {
        let same_place = |new: &&Entry| new.is_cookie() == old.is_cookie();
        let found = current
            .iter()
            .enumerate()
            .filter(|(_, new)| same_place(new))
            .find(|(_, new)| new.reads_name(old.stored_under()));
        match found {
            Some((index, new)) => match matched[index].replace(old) {
                Some(other) => comparison.breaking.push(merged(other, old, new)),
                None => compare_entry(old, new, locked_owner, &mut comparison),
            },
            None => comparison.breaking.push(lost(old, &current)),
        }
    }
    for (new, _) in current.iter().zip(&matched).filter(|(_, matched)| matched.is_none()) {
        match locked_owner.filter(|_| new.is_owner()) {
            Some(earlier) => comparison.breaking.push(owner_moved(new, earlier)),
            None => comparison.compatible.push(format!("{}: new", new.describe())),
        }
    }
    // Sessions no longer get an owner: listed (where the field stays; a removed one is reported as such), so
    // that the lock is rewritten and a release that brings the owner back is judged against that.
    let still_owned = current.iter().any(Entry::is_owner);
    let kept_unowned =
        locked_owner.and_then(|earlier| matched.iter().zip(&current).find(|(old, _)| *old == &Some(earlier)));
    if let (false, Some((_, new))) = (still_owned, kept_unowned) {
        comparison.compatible.push(format!(
            "{}: no longer the owner; sessions stored from now on are in no owner's index, so a later release \
             that makes it the owner again finds them only once a request reads the field",
            new.describe()
        ));
    }
    Ok(comparison)
}

/// How to repair a committed lock that does not parse.
const REGENERATE: &str = "regenerate it with SESSION_SCHEMA_LOCK=overwrite, and check the diff before committing it: \
                          an overwrite records the schema as it is now, so the diff must show the repair and no \
                          field whose stored form changed since the lock was written";

/// Where a current lock comes from.
const RENDER: &str = "compare the text `session_core::schema_lock` renders";

/// Why `which` lock cannot be compared: every problem found, then the repair.
fn not_a_lock(which: &str, problems: &[String], help: &str) -> String {
    format!("{which} is not a schema lock:\n  {}\n  help: {help}", problems.join("\n  "))
}

/// An old entry that no current field reads.
fn lost(old: &Entry, current: &[Entry]) -> String {
    let attribute = old.attribute();
    let under = old.stored_under();
    match current.iter().find(|new| new.field == old.field) {
        Some(new) if new.is_cookie() == old.is_cookie() => {
            let what = if old.is_cookie() { "cookie name" } else { "store key" };
            format!(
                "{}: the {what} changed from `{under}` to `{}` without `rename_from`, so values stored under \
                 `{under}` are no longer read\n  help: add `rename_from = \"{under}\"` to its \
                 `#[{attribute}(...)]`",
                old.describe(),
                new.stored_under(),
            )
        }
        Some(new) => format!(
            "{}: moved from {} to {}, so the values stored there are no longer read\n  help: keep \
             `#[{attribute}]` on it; values do not move between cookies and the session store",
            old.describe(),
            place_words(old),
            place_words(new),
        ),
        None => format!(
            "{}: removed, so the values stored under `{under}` are lost\n  help: if another field replaces it, \
             add `rename_from = \"{under}\"` to that field's `#[{attribute}(...)]`{migrate}; if the values may go, \
             rewrite the lock with SESSION_SCHEMA_LOCK=overwrite",
            old.describe(),
            // A cookie keeps its type's encoding: a changed type is a new cookie, not a migration.
            migrate = if attribute == "session" { " (and `migrate_from` if its type changed)" } else { "" },
        ),
    }
}

/// Two locked entries, `first` and `second`, that the one current entry `new` reads: its own name and its
/// `rename_from`. A session or browser holding both sees only the value under `new`'s name, and the first
/// write drops the other.
fn merged(first: &Entry, second: &Entry, new: &Entry) -> String {
    let (kept, dropped) = if second.stored_under() == new.stored_under() { (second, first) } else { (first, second) };
    let (kept, dropped) = (kept.stored_under(), dropped.stored_under());
    format!(
        "{}: reads both `{kept}` and, through `rename_from`, `{dropped}`, which the locked release kept apart: \
         where both hold a value, the one under `{dropped}` is never read, and the first write drops it\n  help: \
         keep a field that reads `{dropped}` until its values have expired, or move them by hand before the deploy",
        new.describe(),
    )
}

fn place_words(entry: &Entry) -> &'static str {
    if entry.is_cookie() {
        "a cookie"
    } else {
        "the session store"
    }
}

/// `locked_owner`: the field that was the owner in the locked release, if any.
fn compare_entry(old: &Entry, new: &Entry, locked_owner: Option<&Entry>, comparison: &mut LockComparison) {
    let renamed = new.stored_under() != old.stored_under();
    if renamed {
        comparison.compatible.push(format!(
            "{}: renamed from `{}`, read through `rename_from`",
            new.describe(),
            old.stored_under()
        ));
    }
    if new.is_cookie() {
        compare_cookie(old, new, comparison);
    } else {
        compare_session(old, new, locked_owner, comparison);
    }
    compare_earlier_reads(old, new, comparison);
}

/// What the locked release read from the release before it, through `rename_from` and `migrate_from`, the
/// schema must still read: sessions written before the locked release may hold the earlier name or form
/// until they end, since only a request that sets the field moves or converts its value.
fn compare_earlier_reads(old: &Entry, new: &Entry, comparison: &mut LockComparison) {
    let until = if new.is_cookie() {
        let earlier = old.get(keys::RENAME_FROM).unwrap_or_default();
        format!("every `{earlier}` cookie set before the locked release has expired")
    } else {
        "every session written before the locked release has ended (its absolute timeout)".to_owned()
    };
    if let Some(earlier) = old.get(keys::RENAME_FROM).filter(|earlier| !new.reads_name(earlier)) {
        let lost = if new.is_cookie() {
            format!("`{earlier}` cookies set before that release are no longer read")
        } else {
            format!("what sessions written before that release still hold under `{earlier}` is lost")
        };
        let help = if new.stored_under() == old.stored_under() {
            format!("keep `rename_from = \"{earlier}\"` until {until}, then record the lock again with {OVERWRITE}")
        } else {
            let what = if new.is_cookie() { "cookie name" } else { "store key" };
            format!(
                "a field reads one earlier name: keep the {what} `{}` with `rename_from = \"{earlier}\"` until \
                 {until}, record the lock again with {OVERWRITE}, and rename the {} in a later release",
                old.stored_under(),
                if new.is_cookie() { "cookie" } else { "key" },
            )
        };
        comparison.breaking.push(format!(
            "{}: no longer reads `{earlier}`, which the locked release read through `rename_from = \"{earlier}\"`, \
             so {lost}\n  help: {help}",
            new.describe()
        ));
    }
    if let Some(earlier) = old.migrate_form().filter(|earlier| !new.reads_form(earlier)) {
        let help = if !new.form().reads(&old.form()) {
            format!(
                "a field converts from one earlier type: keep the type `{}` with `migrate_from = {}` until {until}, \
                 record the lock again with {OVERWRITE}, and change the type in a later release",
                old.form().ty,
                earlier.ty
            )
        } else if new.is_owner() {
            // An owner cannot take `migrate_from`, so the field becomes the owner once it needs none.
            format!(
                "an owner cannot take `migrate_from`: keep `migrate_from = {}` without `owner` until {until}, record \
                 the lock again with {OVERWRITE}, and make the field the owner in a later release",
                earlier.ty
            )
        } else {
            format!("keep `migrate_from = {}` until {until}, then record the lock again with {OVERWRITE}", earlier.ty)
        };
        comparison.breaking.push(format!(
            "{}: no longer reads `{}` (type `{}`), which the locked release converted through `migrate_from = {}`, \
             so values that sessions written before that release still hold in that form read as `None`\n  help: \
             {help}",
            new.describe(),
            earlier.shape,
            earlier.ty,
            earlier.ty,
        ));
    }
}

/// `new` is the owner in place of the locked release's `earlier` owner, whether it was a field of that
/// release or is a new one. A session stored before already has an owner, from the other field, so reading
/// this one does not index it: it stays where the earlier owner's value put it until it ends.
fn owner_moved(new: &Entry, earlier: &Entry) -> String {
    format!(
        "{}: now the owner in place of {}; a session stored before stays indexed under its `{}`, so \
         `revoke_owner` with the new owner does not end it\n  help: keep `{}` the owner, or end every session \
         with the deploy (a new `Key` without `with_previous_keys` signs everyone out) and record the lock again \
         with {OVERWRITE}",
        new.describe(),
        earlier.describe(),
        earlier.field,
        earlier.field,
    )
}

fn compare_session(old: &Entry, new: &Entry, locked_owner: Option<&Entry>, comparison: &mut LockComparison) {
    if let Some(earlier) = locked_owner.filter(|_| new.is_owner() && !old.is_owner()) {
        comparison.breaking.push(owner_moved(new, earlier));
    } else if new.is_owner() && !old.is_owner() {
        comparison.compatible.push(format!(
            "{}: now the owner; a session stored before joins its owner's index when a request reads the field, \
             and until then `revoke_owner` does not end it",
            new.describe()
        ));
    }
    let (stored, current) = (old.form(), new.form());
    if current.reads(&stored) {
        if current.ty != stored.ty {
            // The tracer builds each type from a sample value (`""`, `0`): a `Deserialize` that checks
            // values and accepts the sample traces like the plain type, yet may refuse what was stored.
            let mut change = format!(
                "{}: type changed from `{}` to `{}`, stored the same way (`{}`); a stored value that `{}` refuses \
                 to decode (one whose `Deserialize` checks values) reads as absent",
                new.describe(),
                stored.ty,
                current.ty,
                current.shape,
                current.ty,
            );
            if new.is_owner() {
                // The index is keyed by the stored JSON, and `revoke_owner` looks up the new type's: a
                // conversion that tidies the value (lowercases an e-mail address) loses the session.
                change.push_str(&format!(
                    "; as the owner, `{}` must serialize each value it reads as the JSON it was read from (no \
                     lowercasing or trimming in its `From`), or `revoke_owner` misses the sessions stored before",
                    current.ty,
                ));
            }
            comparison.compatible.push(change);
        }
        return;
    }
    let Form { ty: old_type, shape: old_shape } = stored;
    let Form { ty: new_type, shape: new_shape } = current;
    // A type that kept its name but not its form cannot convert from itself: the earlier form must become
    // a type of its own for `serde(from)` or `migrate_from` to name.
    let same_name = old_type == new_type;
    let mut message = if new.is_owner() {
        // `migrate_from` is refused on an owner (sessions not yet converted would stay indexed under the
        // earlier form), so the fix to name is the one that keeps the form.
        let earlier = if same_name { "Old" } else { old_type };
        let copy = if same_name {
            format!(", `Old` being a copy of the earlier `{old_type}` under another name")
        } else {
            String::new()
        };
        format!(
            "{}: type changed from `{old_type}` (`{old_shape}`) to `{new_type}` (`{new_shape}`), so the values \
             stored may no longer decode, and their sessions may stay indexed under the earlier form\n  help: this \
             field is the owner: keep the stored form with `#[serde(from = \"{earlier}\", into = \"{earlier}\")]` \
             on `{new_type}`, or on a newtype of yours around it if it is not yours{copy}",
            new.describe()
        )
    } else if same_name && new.migrate_form().is_none() {
        format!(
            "{}: type `{new_type}` changed from `{old_shape}` to `{new_shape}`, so the values stored may no longer \
             decode\n  help: keep the earlier definition as a type of its own (a copy under another name, `Old` \
             say), add `migrate_from = Old` to the field's `#[session(...)]` and implement `From<Old> for \
             {new_type}` (with `#[serde(transparent)]` newtypes of yours where a type is not yours)",
            new.describe()
        )
    } else {
        match new.migrate_form() {
            Some(migrate) if migrate.reads(&stored) => {
                // The field's own type is tried first, so a stored value that it also decodes (an integer
                // for a float, a struct for one with a `#[serde(default)]` field more) is never converted.
                comparison.compatible.push(format!(
                    "{}: type changed to `{new_type}`, read through `migrate_from = {}` where a stored value does \
                     not decode as `{new_type}` (one that does is read as it is, not converted)",
                    new.describe(),
                    migrate.ty
                ));
                return;
            }
            Some(migrate) => format!(
                "{}: `migrate_from = {}` reads `{}`, but the values stored are `{old_shape}` (type `{old_type}`)\n  \
                 help: name in `migrate_from` a type whose serde format is the stored one, such as the earlier \
                 `{old_type}`",
                new.describe(),
                migrate.ty,
                migrate.shape,
            ),
            None => format!(
                "{}: type changed from `{old_type}` (`{old_shape}`) to `{new_type}` (`{new_shape}`), so the values \
                 stored may no longer decode\n  help: add `migrate_from = {old_type}` to its `#[session(...)]` and \
                 implement `From<{old_type}> for {new_type}` (with a `#[serde(transparent)]` newtype of yours around \
                 the earlier type if neither is yours)",
                new.describe()
            ),
        }
    };
    // A change the lock sees can still read every stored value, which only the user can know. An owner's
    // values must also serialize as before: the owner index holds the hash of their JSON.
    let (still_read, for_example) = if new.is_owner() {
        (
            format!("every value stored still decodes as `{new_type}` and serializes as the same JSON"),
            "a variant added to an enum",
        )
    } else {
        (
            format!("every value stored still decodes as `{new_type}`"),
            "a variant added to an enum, a new `Option` field",
        )
    };
    let escape = if stored.is_untraced() {
        format!(
            "the serde format of `{}` cannot be traced, so the lock compares the types as written: if {still_read}, \
             record the lock again with {OVERWRITE}",
            stored.ty
        )
    } else if current.is_untraced() {
        format!(
            "the serde format of `{}` cannot be traced, so the lock cannot tell whether it reads what was stored: \
             if {still_read}, record the lock again with {OVERWRITE}",
            current.ty
        )
    } else {
        format!("if {still_read} ({for_example}), record the lock again with {OVERWRITE}")
    };
    message.push_str(&format!("\n  help: {escape}"));
    comparison.breaking.push(message);
}

/// The encodings of a cookie field's type in the two releases, as [`CookieValue::shape`] describes them.
/// The types as written do not matter (`String` or `std::string::String`), only whether the cookies
/// browsers hold still decode.
///
/// [`CookieValue::shape`]: crate::CookieValue::shape
fn compare_cookie_encoding(old: &Entry, new: &Entry, comparison: &mut LockComparison) {
    let name = new.stored_under();
    let (Form { ty: old_type, shape: old_shape }, Form { ty: new_type, shape: new_shape }) = (old.form(), new.form());
    if old_shape == new_shape {
        return;
    }
    let ((old_kept, old_names), (new_kept, new_names)) =
        (without_field_names(old_shape), without_field_names(new_shape));
    if old_kept == new_kept {
        // Only names differ. A cookie holds a struct's fields by position, so a rename reads as before, but
        // a position that held another name before, and now holds a name found elsewhere in the old
        // encoding, means a field reads what another one wrote. (A nested struct used twice holds the same
        // names at two positions: those stay where they were.)
        let moved = new_names
            .iter()
            .enumerate()
            .find(|(at, name)| old_names.get(*at) != Some(*name) && old_names.contains(*name));
        match moved {
            Some((_, field)) => comparison.breaking.push(format!(
                "{}: field `{field}` of `{new_type}` moved to another position, so from the `{name}` cookies \
                 browsers hold it reads what another field wrote (`{old_shape}` is now `{new_shape}`)\n  help: \
                 keep the fields in their order; a cookie holds them by position, not by name",
                new.describe(),
            )),
            None => comparison.compatible.push(format!(
                "{}: fields of `{new_type}` renamed, read as before (a cookie holds them by position)",
                new.describe()
            )),
        }
        return;
    }
    match lost_variants(old_shape, new_shape) {
        Some(lost) if lost.is_empty() => {
            comparison.compatible.push(format!("{}: variants added to `{new_type}`", new.describe()));
        }
        Some(lost) => {
            let lost_list = lost.iter().map(|variant| format!("`{variant}`")).collect::<Vec<_>>().join(", ");
            comparison.breaking.push(format!(
                "{}: `{new_type}` no longer decodes {lost_list}, so `{name}` cookies that hold {} read as \
                 absent\n  help: give the variant that replaces it `#[cookie_value(rename = \"{}\")]`, or keep \
                 the variant; if resetting those cookies is acceptable, record the lock again with {OVERWRITE}",
                new.describe(),
                if lost.len() == 1 { "it" } else { "one of them" },
                lost[0],
            ));
        }
        None => {
            // A hand-written impl that keeps the default shape is known by its type's path alone.
            let hand_written = if old_shape.starts_with(HAND_WRITTEN) || new_shape.starts_with(HAND_WRITTEN) {
                " (a hand-written `CookieValue` is known by its type's path unless it describes its encoding in \
                 `shape()`)"
            } else {
                ""
            };
            comparison.breaking.push(format!(
                "{}: encoding changed from `{old_shape}` (type `{old_type}`) to `{new_shape}` (type `{new_type}`), \
                 so `{name}` cookies read as absent where their value does not decode as `{new_type}`, and as \
                 another value where it decodes otherwise (a `String` reads the `~` of an `Option` as \
                 text){hand_written}\n  help: keep the type `{old_type}`, or one that encodes as `{old_shape}`; if \
                 every cookie browsers hold still decodes as `{new_type}` to what it meant (a wider integer), or \
                 resetting them is acceptable, record the lock again with {OVERWRITE}",
                new.describe(),
            ));
        }
    }
}

/// A cookie's `path` or `domain` (`attribute`, which is `default` when the lock omits it): a browser keeps
/// a cookie set with the earlier one beside the new, as another cookie of the same name, until it expires
/// (a cookie without a domain and one with are two cookies too).
fn compare_cookie_scope(
    old: &Entry,
    new: &Entry,
    attribute: &str,
    default: Option<&str>,
    comparison: &mut LockComparison,
) {
    let (before, after) = (old.get(attribute).or(default), new.get(attribute).or(default));
    if before == after {
        return;
    }
    let shown = |value: Option<&str>| value.map_or_else(|| "none".to_owned(), |value| format!("`{value}`"));
    let keep = before.map_or_else(|| format!("no `{attribute}`"), |value| format!("`{attribute} = \"{value}\"`"));
    comparison.breaking.push(old_cookie_stays(
        new,
        &format!("{attribute} changed from {} to {}", shown(before), shown(after)),
        &format!("`{}` cookie set with the earlier {attribute}", new.stored_under()),
        &format!("keep {keep}"),
    ));
}

/// A cookie that became `partitioned` or stopped being one: browsers key a partitioned cookie by the site
/// it was set under too (CHIPS), so the earlier one stays beside the new, as with a changed path.
fn compare_cookie_partition(old: &Entry, new: &Entry, comparison: &mut LockComparison) {
    let partitioned = |entry: &Entry| entry.get(keys::PARTITIONED) == Some("true");
    if partitioned(old) == partitioned(new) {
        return;
    }
    let (before, after) =
        if partitioned(old) { ("partitioned", "unpartitioned") } else { ("unpartitioned", "partitioned") };
    let keep = if partitioned(old) { "keep `partitioned`" } else { "leave out `partitioned`" };
    comparison.breaking.push(old_cookie_stays(
        new,
        &format!("now {after}"),
        &format!("{before} `{}` cookie", new.stored_under()),
        keep,
    ));
}

/// What a `change` to the cookie of `new` that makes it another cookie to browsers does: each `old_cookie`
/// they hold stays beside the new one, and `keep` is what avoids it.
fn old_cookie_stays(new: &Entry, change: &str, old_cookie: &str, keep: &str) -> String {
    format!(
        "{}: {change}, so browsers keep each {old_cookie} beside the new one until it expires, may send it first, \
         and the field then reads its old value; removing the field deletes only the new one\n  help: {keep}; if \
         the old values showing until those cookies expire is acceptable, record the lock again with {OVERWRITE}",
        new.describe(),
    )
}

fn compare_cookie(old: &Entry, new: &Entry, comparison: &mut LockComparison) {
    let name = new.stored_under();
    let (old_protection, new_protection) =
        (old.get(keys::PROTECTION).unwrap_or_default(), new.get(keys::PROTECTION).unwrap_or_default());
    if old_protection != new_protection {
        comparison.breaking.push(format!(
            "{}: protection changed from `{old_protection}` to `{new_protection}`, so every `{name}` cookie \
             browsers hold stops verifying and reads as absent\n  help: keep `#[cookie({old_protection})]`",
            new.describe()
        ));
    } else {
        // After a change of protection no cookie is read, whatever its encoding: that says it all.
        compare_cookie_encoding(old, new, comparison);
    }
    compare_cookie_scope(old, new, keys::PATH, Some(super::DEFAULT_PATH), comparison);
    compare_cookie_scope(old, new, keys::DOMAIN, None, comparison);
    compare_cookie_partition(old, new, comparison);
    let limit = |entry: &Entry| entry.get(keys::MAX_LEN).and_then(|n| n.parse::<usize>().ok());
    if let (Some(old_limit), Some(new_limit)) = (limit(old), limit(new)) {
        if new_limit < old_limit {
            comparison.breaking.push(format!(
                "{}: `max_len` lowered from {old_limit} to {new_limit}, so longer `{name}` cookies read as \
                 absent\n  help: keep `max_len = {old_limit}`",
                new.describe()
            ));
        } else if new_limit > old_limit {
            // Recorded, so that lowering it again later is judged against the values written meanwhile.
            comparison.compatible.push(format!(
                "{}: `max_len` raised from {old_limit} to {new_limit}; the longer values browsers then hold are \
                 read as absent by a release with the lower limit",
                new.describe()
            ));
        }
    }
}
