//! The request's view of its server-side session: what was loaded, and what the handler changed.
//!
//! Pure bookkeeping, no I/O: [`RawSession`](super::RawSession) loads and commits around it.

use smallvec::SmallVec;

use std::sync::Arc;

use crate::{
    id::StoreKey,
    store::{OwnerChange, OwnerKey, Record},
    SessionId,
};

/// Field-level changes, at most one per field; `None` removes the field. Inline for two fields, the most
/// handlers change, so recording them allocates nothing.
pub(super) type Changes = SmallVec<[(&'static str, Option<Vec<u8>>); 2]>;

/// What the request knows about its stored session.
#[derive(Debug, Default)]
pub(super) struct RecordState {
    /// `None` until the first `#[session]` access loads it.
    pub(super) loaded: Option<Loaded>,
    pub(super) changes: Changes,
    /// What the handler did to the session's owner (`#[session(owner)]`), relative to the loaded record.
    pub(super) owner: OwnerChange,
    /// An id change asked for by `cycle_id` or `destroy`.
    pub(super) pending: Pending,
    /// The handler set or removed a `#[session]` field or called `remember_for`, whether or not that
    /// changed anything: on a request whose authentic id the store does not know, a change that finds no
    /// session may have been meant for one that a sign-in alongside has just moved (see `moved`).
    pub(super) asked_for_change: bool,
    /// The id this request gives the session: after `cycle_id`, or chosen for a new session.
    pub(super) new_id: Option<SessionId>,
    /// An accessor is loading the record: the request's other accessors wait for it.
    pub(super) loading: bool,
    /// Some accessor is waiting for that load, and must be woken when it ends.
    pub(super) awaited: bool,
}

/// The outcome of loading.
#[derive(Debug)]
pub(super) enum Loaded {
    /// The request's id cookie named a live record.
    Existing {
        id: SessionId,
        /// The id's store key, computed once.
        key: StoreKey,
        /// Shared with the store when it keeps records in memory: released before the commit, so the
        /// store may change its own in place.
        record: Arc<Record>,
        /// The clock when it was loaded, in milliseconds since the Unix epoch.
        loaded_at: u64,
    },
    /// No live record: the visitor is new, or their id was unknown, forged, malformed or expired.
    Fresh {
        /// The request carried an id cookie that was not adopted, so it must be cleared unless replaced.
        rejected_cookie: bool,
        /// A record the store still returned although it has expired: delete it.
        expired: Option<StoreKey>,
        /// The key of an authentic id the store did not know: perhaps one a sign-in alongside has just
        /// moved (see `moved`), which a write must not replace.
        unknown: Option<StoreKey>,
        /// The request carried different authentic ids (see `IncomingId::Conflicting`): a write must not
        /// start a session, whose cookie would replace the visitor's own.
        ambiguous: bool,
    },
}

impl Loaded {
    /// No live record, and nothing else to know of the id cookie than whether it was `rejected`.
    pub(super) fn fresh(rejected_cookie: bool) -> Self {
        Loaded::Fresh { rejected_cookie, expired: None, unknown: None, ambiguous: false }
    }
}

/// An id change that the commit carries out.
#[derive(Debug, Default)]
pub(super) enum Pending {
    #[default]
    None,
    /// `cycle_id`: the record moves from `old` to `new_id`.
    Cycle { old: SessionId },
    /// `destroy`: the record under `old` is deleted and the id cookie cleared, and so are the records of
    /// `others`, the authentic ids sent beside it (see `IncomingId::Conflicting`), so that none is left to
    /// become the session once the cookie is cleared.
    Destroy { old: StoreKey, others: Vec<StoreKey> },
}

impl RecordState {
    /// The serialized value of `field` as the handler sees it: its own change, else the loaded record.
    pub(super) fn current(&self, field: &str) -> Option<&[u8]> {
        match self.changes.iter().find(|(name, _)| *name == field) {
            Some((_, change)) => change.as_deref(),
            None => self.stored(field),
        }
    }

    fn stored(&self, field: &str) -> Option<&[u8]> {
        match &self.loaded {
            Some(Loaded::Existing { record, .. }) => record.fields.get(field).map(Vec::as_slice),
            _ => None,
        }
    }

    /// Records that `field` now holds `value` (`None`: removed). A value equal to the stored one cancels
    /// any change, so an unmodified session is never rewritten.
    pub(super) fn change(&mut self, field: &'static str, value: Option<Vec<u8>>) {
        let unchanged = self.stored(field) == value.as_deref();
        let existing = self.changes.iter().position(|(name, _)| *name == field);
        match (existing, unchanged) {
            (Some(index), true) => {
                self.changes.swap_remove(index);
            }
            (Some(index), false) => self.changes[index].1 = value,
            (None, true) => {}
            (None, false) => self.changes.push((field, value)),
        }
    }

    /// The owner of the loaded record.
    fn stored_owner(&self) -> Option<OwnerKey> {
        match &self.loaded {
            Some(Loaded::Existing { record, .. }) => record.owner,
            _ => None,
        }
    }

    /// The session's owner as the handler sees it: its own change, else the loaded record's.
    pub(super) fn current_owner(&self) -> Option<OwnerKey> {
        self.owner.applied_to(self.stored_owner())
    }

    /// Records that the session now belongs to `owner`. The loaded record's own owner is no change, so
    /// writing the same user id again touches no index.
    pub(super) fn change_owner(&mut self, owner: Option<OwnerKey>) {
        self.owner = match owner {
            _ if owner == self.stored_owner() => OwnerChange::Keep,
            Some(owner) => OwnerChange::Set(owner),
            None => OwnerChange::Clear,
        };
    }

    /// Indexes the loaded record under `owner` if it has none, unless the handler changes the owner
    /// anyway: see [`OwnerChange::Adopt`].
    pub(super) fn adopt_owner(&mut self, owner: OwnerKey) {
        if self.owner == OwnerChange::Keep && self.stored_owner().is_none() {
            self.owner = OwnerChange::Adopt(owner);
        }
    }

    /// The store key of the live session, if the request has one.
    pub(super) fn existing_key(&self) -> Option<StoreKey> {
        match &self.loaded {
            Some(Loaded::Existing { key, .. }) => Some(*key),
            _ => None,
        }
    }

    /// The key of the authentic id the request carried that the store did not know, if it did.
    pub(super) fn unknown_key(&self) -> Option<StoreKey> {
        match &self.loaded {
            Some(Loaded::Fresh { unknown, .. }) => *unknown,
            _ => None,
        }
    }

    /// The id of the live session, if the request has one.
    pub(super) fn existing_id(&self) -> Option<&SessionId> {
        match &self.loaded {
            Some(Loaded::Existing { id, .. }) => Some(id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing(field: &str, value: &[u8]) -> RecordState {
        let mut record = Record::default();
        record.fields.insert(field.to_owned(), value.to_vec());
        let (id, record) = (SessionId::generate(), Arc::new(record));
        let loaded = Loaded::Existing { key: id.store_key(), id, record, loaded_at: 0 };
        RecordState { loaded: Some(loaded), ..Default::default() }
    }

    #[test]
    fn writing_the_stored_value_is_no_change() {
        let mut state = existing("cart", b"[]");
        state.change("cart", Some(b"[]".to_vec()));
        assert!(state.changes.is_empty());
    }

    #[test]
    fn writing_back_the_stored_value_cancels_a_change() {
        let mut state = existing("cart", b"[]");
        state.change("cart", Some(b"[1]".to_vec()));
        assert_eq!(state.current("cart"), Some(&b"[1]"[..]));
        state.change("cart", Some(b"[]".to_vec()));
        assert!(state.changes.is_empty());
    }

    #[test]
    fn removing_an_absent_field_is_no_change() {
        let mut state = existing("cart", b"[]");
        state.change("notice", None);
        assert!(state.changes.is_empty());
        state.change("cart", None);
        assert_eq!(state.current("cart"), None);
        assert_eq!(state.changes.len(), 1);
    }
}
