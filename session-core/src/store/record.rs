//! What a store keeps per session, and the field-level change a request makes to it.

use std::collections::HashMap;

/// One session as stored: its fields, serialized, and its deadlines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Serialized field values by store key.
    pub fields: HashMap<String, Vec<u8>>,
    /// When the session was created, in milliseconds since the Unix epoch; the absolute timeout counts
    /// from here and never moves.
    pub created_at: u64,
    /// When the record stops being valid, in milliseconds since the Unix epoch: the earlier of the idle
    /// and the absolute deadline.
    pub expires_at: u64,
}

impl Record {
    /// True if the record's deadline has passed at `now` (milliseconds since the Unix epoch).
    pub fn is_expired(&self, now: u64) -> bool {
        self.expires_at <= now
    }

    /// Applies the changes of `patch` and its deadline.
    pub fn apply(&mut self, patch: &Patch<'_>) {
        for (field, value) in patch.changes {
            match value {
                Some(bytes) => {
                    self.fields.insert((*field).to_owned(), bytes.clone());
                }
                None => {
                    self.fields.remove(*field);
                }
            }
        }
        self.expires_at = patch.expires_at;
    }
}

/// The changes one request makes to a stored session: fields set (`Some`) or removed (`None`), and the
/// new deadline. Fields it does not name are left as they are.
#[derive(Clone, Copy, Debug)]
pub struct Patch<'a> {
    /// Field-level changes, at most one per field.
    pub changes: &'a [(&'static str, Option<Vec<u8>>)],
    /// The record's new deadline, in milliseconds since the Unix epoch.
    pub expires_at: u64,
}
