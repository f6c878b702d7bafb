//! What a request gets when it carries an id that a sign-in running alongside has just moved to a new
//! one: a browser that sent a request, then a sign-in, has both in flight with the old id. Once the
//! sign-in's cycle has committed, the store no longer knows the old id, and a write would start a new
//! session whose cookie replaces the signed-in one in the browser: a sign-out nobody asked for.
//!
//! So before a cycle, the commit leaves a marker under a key derived from the old one, for
//! [`GRACE_MS`]. A request whose authentic id the store does not know looks for it only when its handler
//! asked for a change (set or removed a field, `remember_for`, "sign out everywhere else"), and finding it
//! answers 409 ([`Error::EndedDuringRequest`](crate::Error::EndedDuringRequest)), setting no cookie: a
//! write would start a session in the signed-in one's place, and a removal or a revocation would find
//! nothing to change and report a success that left the session, under its new id, as it was. Reads cost
//! nothing extra: a request that only reads starts no session and replaces no cookie. A logout whose
//! delete finds nothing looks too: the session it meant to end lives on under the new id, so it answers
//! 409 rather than a success that leaves the visitor signed in.

use std::{collections::HashMap, sync::Arc};

use sha2::{Digest, Sha256};

use crate::{
    store::{LoadRecord, Record, SessionStore},
    StoreError, StoreKey,
};

/// How long a moved id is recognised as moved: longer than a request that set out before the sign-in
/// takes to arrive and run. After it, the old id is unknown like any other.
pub(super) const GRACE_MS: u64 = 60_000;

/// Where the marker of a move away from `old` is kept: a hash of the old key, under a label of its own so
/// that it can never be the key of a session.
fn marker_key(old: &StoreKey) -> StoreKey {
    let mut hash = Sha256::new();
    hash.update(b"session-core moved id\0");
    hash.update(old.as_bytes());
    StoreKey::from_bytes(hash.finalize().into())
}

/// Records, before the session under `old` moves to a new id at `now`, that it moved. A marker already
/// there (left by a cycle of the same id alongside) is left as it is.
///
/// A marker is never taken back, not even when the store then refuses the move (the session ended
/// first): of two cycles of one id at once, the one that marked is not always the one that moves, and
/// taking the marker back would leave a moved id unmarked. A marker of an id that did not move costs
/// nothing but a 409 for a write with that id, which is dead either way.
pub(super) async fn mark<S: SessionStore>(store: &S, old: &StoreKey, now: u64) -> Result<(), StoreError> {
    let marker = Record {
        fields: HashMap::new(),
        created_at: now,
        last_seen: now,
        expires_at: now.saturating_add(GRACE_MS),
        owner: None,
    };
    store.create(&marker_key(old), &Arc::new(marker)).await?;
    Ok(())
}

/// True if the session under `old` moved to a new id within the last [`GRACE_MS`].
pub(super) async fn was_moved(store: &dyn LoadRecord, old: &StoreKey) -> Result<bool, StoreError> {
    Ok(store.load(&marker_key(old)).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryStore, SessionId};

    #[tokio::test]
    async fn a_marker_is_found_under_its_own_key_only() {
        let store = MemoryStore::default();
        let (moved, other) = (SessionId::generate().store_key(), SessionId::generate().store_key());
        assert_ne!(marker_key(&moved), moved, "a marker never takes the place of a session");
        mark(&store, &moved, crate::store::now_millis()).await.unwrap();
        mark(&store, &moved, crate::store::now_millis()).await.unwrap();
        assert!(was_moved(&store, &moved).await.unwrap());
        assert!(!was_moved(&store, &other).await.unwrap());
        assert!(SessionStore::load(&store, &moved).await.unwrap().is_none());
        assert_eq!(store.len(), 1, "a second cycle of one id leaves the first marker");
    }

    #[tokio::test]
    async fn a_marker_lasts_its_grace_period() {
        let store = MemoryStore::default();
        let (recent, old) = (SessionId::generate().store_key(), SessionId::generate().store_key());
        let now = crate::store::now_millis();
        mark(&store, &recent, now - GRACE_MS + 1_000).await.unwrap();
        mark(&store, &old, now - GRACE_MS - 1).await.unwrap();
        assert!(was_moved(&store, &recent).await.unwrap(), "within the minute");
        assert!(!was_moved(&store, &old).await.unwrap(), "past it");
    }
}
