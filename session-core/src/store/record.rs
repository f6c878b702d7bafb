//! What a store keeps per session, and the field-level change a request makes to it.

use std::collections::HashMap;

use super::{OwnerChange, OwnerKey};

/// One session as stored: its fields, serialized, and its times, in milliseconds since the Unix epoch.
///
/// Stores hand records to the layer behind an [`Arc`](std::sync::Arc), so a store that keeps them in
/// memory shares them with the request instead of copying every field.
///
/// `Debug` shows field names and sizes, never values: a store cannot know which fields are sensitive.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Serialized field values by store key.
    pub fields: HashMap<String, Vec<u8>>,
    /// When the session was created, or last signed in ([`Patch::created_at`]): the absolute timeout counts
    /// from here.
    pub created_at: u64,
    /// When a request last wrote the session or pushed its deadline back: the idle timeout in force
    /// counts from here, whatever deadline an older setting gave the record.
    pub last_seen: u64,
    /// When the store may forget the record: the earlier of the idle and the absolute deadline at the
    /// last write. Past it, a store must read the record as absent.
    pub expires_at: u64,
    /// Who owns the session (`#[session(owner)]`), if anyone: the store lists the record under this
    /// owner until it ends, is deleted, or a patch changes its owner.
    pub owner: Option<OwnerKey>,
}

impl Record {
    /// True if the record's deadline has passed at `now`.
    pub fn is_expired(&self, now: u64) -> bool {
        self.expires_at <= now
    }

    /// Applies the changes of `patch` and its times.
    pub fn apply(&mut self, patch: &Patch<'_>) {
        let mut removed = false;
        for (field, value) in patch.changes {
            match (value, self.fields.get_mut(*field)) {
                // Into the value's own buffer, which a value of the same length fills without allocating,
                // and then no larger than the value: a store that keeps records in memory must not keep a
                // large value's buffer under a short value it counts as short.
                (Some(bytes), Some(stored)) => {
                    stored.clone_from(bytes);
                    stored.shrink_to_fit();
                }
                (Some(bytes), None) => {
                    self.fields.insert((*field).to_owned(), bytes.clone());
                }
                (None, _) => removed |= self.fields.remove(*field).is_some(),
            }
        }
        if removed {
            // As with values: a table that held many fields must not stay that large under the few left.
            self.fields.shrink_to_fit();
        }
        self.created_at = patch.created_at.unwrap_or(self.created_at);
        self.last_seen = patch.last_seen;
        self.expires_at =
            if patch.replaces_deadline { patch.expires_at } else { self.expires_at.max(patch.expires_at) };
        self.owner = patch.owner.applied_to(self.owner);
    }
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Record")
            .field("fields", &RedactedFields(self.fields.iter().map(|(name, value)| (name.as_str(), Some(value)))))
            .field("created_at", &self.created_at)
            .field("last_seen", &self.last_seen)
            .field("expires_at", &self.expires_at)
            .field("owner", &self.owner)
            .finish()
    }
}

/// The changes one request makes to a stored session: fields set (`Some`) or removed (`None`), and its new
/// times. Fields it does not name are left as they are.
///
/// `Debug` shows field names and sizes, never values.
#[derive(Clone, Copy)]
pub struct Patch<'a> {
    /// Field-level changes, at most one per field.
    pub changes: &'a [(&'static str, Option<Vec<u8>>)],
    /// The request's time, the record's new [`Record::last_seen`].
    pub last_seen: u64,
    /// The record's new deadline, unless the stored one is later and [`replaces_deadline`] is false.
    ///
    /// [`replaces_deadline`]: Patch::replaces_deadline
    pub expires_at: u64,
    /// The record's new owner, or [`OwnerChange::Keep`].
    pub owner: OwnerChange,
    /// Whether [`expires_at`](Patch::expires_at) replaces the stored deadline even if that is later: true
    /// when the request changed the session's own lifetime (`remember_for`). Otherwise a deadline only
    /// moves later, so that a request that loaded the session before another lengthened its lifetime does
    /// not take that back.
    pub replaces_deadline: bool,
    /// The record's new [`Record::created_at`] when the request signed the session in (set its owner, see
    /// [`OwnerChange::Set`]): the absolute timeout counts from the sign-in, not from the visit before it.
    /// `None` keeps the stored one.
    pub created_at: Option<u64>,
}

impl std::fmt::Debug for Patch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Patch")
            .field("changes", &RedactedFields(self.changes.iter().map(|(name, value)| (*name, value.as_ref()))))
            .field("last_seen", &self.last_seen)
            .field("expires_at", &self.expires_at)
            .field("owner", &self.owner)
            .field("replaces_deadline", &self.replaces_deadline)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// Field names with the size of their values (`removed` for a removal), for `Debug`.
struct RedactedFields<I>(I);

impl<'a, I: Iterator<Item = (&'a str, Option<&'a Vec<u8>>)> + Clone> std::fmt::Debug for RedactedFields<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0.clone() {
            match value {
                Some(bytes) => map.entry(&name, &format_args!("<{} bytes>", bytes.len())),
                None => map.entry(&name, &format_args!("removed")),
            };
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_and_sizes_but_never_values() {
        let record = Record {
            fields: HashMap::from([("roles".to_owned(), b"[\"admin\"]".to_vec())]),
            created_at: 1,
            last_seen: 2,
            expires_at: 3,
            owner: None,
        };
        let shown = format!("{record:?}");
        assert!(shown.contains("roles") && shown.contains("<9 bytes>"), "{shown}");
        assert!(!shown.contains("admin"), "{shown}");

        let changes = [("password_hash", Some(b"\"hunter2\"".to_vec())), ("cart", None)];
        let shown = format!(
            "{:?}",
            Patch {
                changes: &changes,
                last_seen: 0,
                expires_at: 0,
                owner: OwnerChange::Keep,
                replaces_deadline: false,
                created_at: None,
            }
        );
        assert!(shown.contains("password_hash") && shown.contains("removed"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
