//! The cases of the owner index: every store lists an owner's live sessions, follows them through
//! `save`, `cycle`, `delete` and expiry, and revokes them atomically.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use tokio::task::JoinSet;

use super::{assert_same_record, new_key, ok, patch, record, sleep_past, LONG};
use crate::{
    id::StoreKey,
    store::{now_millis, OwnerChange, OwnerKey, Patch, Record, SessionStore},
};

/// An owner no other case uses: stores may keep one table or database for every case.
fn new_owner() -> OwnerKey {
    OwnerKey::of(new_key().as_bytes())
}

/// A record owned by `owner`, ending `lifetime` from now.
fn owned(owner: OwnerKey, lifetime: Duration) -> Arc<Record> {
    Arc::new(Record { owner: Some(owner), ..Record::clone(&record(&[("user_id", b"7")], lifetime)) })
}

/// The keys `store` lists for `owner`.
async fn listed<S: SessionStore>(store: &S, owner: &OwnerKey) -> BTreeSet<StoreKey> {
    ok("owner_sessions", store.owner_sessions(owner).await).into_iter().map(|session| session.key).collect()
}

pub(super) async fn an_owners_live_sessions_are_listed_with_their_times<S: SessionStore>(store: S) {
    let (alice, bob) = (new_owner(), new_owner());
    let (first, second, bobs, nobodys) = (new_key(), new_key(), new_key(), new_key());
    let mut stored = Record::clone(&owned(alice, LONG));
    stored.created_at -= 2_000;
    stored.last_seen -= 1_000;
    let stored = Arc::new(stored);
    assert!(ok("create", store.create(&first, &stored).await));
    assert!(ok("create", store.create(&second, &owned(alice, LONG)).await));
    assert!(ok("create", store.create(&bobs, &owned(bob, LONG)).await));
    assert!(ok("create", store.create(&nobodys, &record(&[("cart", b"[]")], LONG)).await));
    assert_same_record(ok("load", store.load(&first).await), &stored, "an owned record did not load as stored");

    let sessions = ok("owner_sessions", store.owner_sessions(&alice).await);
    assert_eq!(sessions.len(), 2, "alice's sessions: {sessions:?}");
    let listed_first = sessions.iter().find(|session| session.key == first).expect("the first session is not listed");
    assert_eq!(
        (listed_first.created_at, listed_first.last_seen, listed_first.expires_at),
        (stored.created_at, stored.last_seen, stored.expires_at),
        "a listed session's times are not its record's"
    );
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([first, second]));
    assert_eq!(listed(&store, &bob).await, BTreeSet::from([bobs]));
    assert_eq!(listed(&store, &new_owner()).await, BTreeSet::new(), "an unknown owner has sessions");
}

pub(super) async fn save_changes_the_owner_and_keep_leaves_it<S: SessionStore>(store: S) {
    let (alice, bob) = (new_owner(), new_owner());
    let key = new_key();
    let created = record(&[("cart", b"[]")], LONG);
    assert!(ok("create", store.create(&key, &created).await));
    let expires_at = created.expires_at + 1_000;

    let changes = [("user_id", Some(b"1".to_vec()))];
    let sign_in = Patch { owner: OwnerChange::Set(alice), ..patch(&changes, expires_at) };
    assert!(ok("save", store.save(&key, &sign_in).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([key]), "a save that sets the owner did not index it");
    assert_eq!(ok("load", store.load(&key).await).and_then(|record| record.owner), Some(alice));

    assert!(ok("save", store.save(&key, &patch(&[], expires_at)).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([key]), "a save that keeps the owner changed the index");
    assert_eq!(ok("load", store.load(&key).await).and_then(|record| record.owner), Some(alice));

    let switch = Patch { owner: OwnerChange::Set(bob), ..patch(&[], expires_at) };
    assert!(ok("save", store.save(&key, &switch).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::new(), "the former owner still lists the session");
    assert_eq!(listed(&store, &bob).await, BTreeSet::from([key]));

    let sign_out = Patch { owner: OwnerChange::Clear, ..patch(&[], expires_at) };
    assert!(ok("save", store.save(&key, &sign_out).await));
    assert_eq!(listed(&store, &bob).await, BTreeSet::new(), "a cleared owner still lists the session");
    assert_eq!(ok("load", store.load(&key).await).and_then(|record| record.owner), None);
}

pub(super) async fn cycle_keeps_the_owners_list_right<S: SessionStore>(store: S) {
    let (alice, bob) = (new_owner(), new_owner());
    let (old, new, newer) = (new_key(), new_key(), new_key());
    let created = owned(alice, LONG);
    assert!(ok("create", store.create(&old, &created).await));
    let expires_at = created.expires_at + 1_000;
    assert!(ok("cycle", store.cycle(&old, &new, &patch(&[], expires_at)).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([new]), "the list did not follow the cycle");
    assert_eq!(ok("load", store.load(&new).await).and_then(|record| record.owner), Some(alice));

    // A sign-in as someone else that cycles the id in the same write.
    let switch = Patch { owner: OwnerChange::Set(bob), ..patch(&[], expires_at) };
    assert!(ok("cycle", store.cycle(&new, &newer, &switch).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::new(), "the former owner still lists the cycled session");
    assert_eq!(listed(&store, &bob).await, BTreeSet::from([newer]));

    // A refused cycle changes no list.
    let refused = Patch { owner: OwnerChange::Set(alice), ..patch(&[], expires_at) };
    assert!(!ok("cycle", store.cycle(&old, &new_key(), &refused).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::new(), "a refused cycle indexed a session");

    // A sign-out that keeps the session under a new id: it belongs to nobody, and leaves bob's list.
    let newest = new_key();
    let sign_out = Patch { owner: OwnerChange::Clear, ..patch(&[], expires_at) };
    assert!(ok("cycle", store.cycle(&newer, &newest, &sign_out).await));
    assert_eq!(listed(&store, &bob).await, BTreeSet::new(), "a cycle that cleared the owner left the session listed");
    assert_eq!(ok("load", store.load(&newest).await).and_then(|record| record.owner), None);
}

/// An owner's list follows a record's deadline as saves move it: a busy session stays listed, and revoked,
/// past the deadline it was created with.
pub(super) async fn a_save_that_moves_the_deadline_keeps_the_session_listed<S: SessionStore>(store: S) {
    let alice = new_owner();
    let key = new_key();
    let short = owned(alice, Duration::from_millis(300));
    assert!(ok("create", store.create(&key, &short).await));
    let later = now_millis() + 60_000;
    assert!(ok("save", store.save(&key, &patch(&[], later)).await));
    sleep_past(short.expires_at).await;
    let sessions = ok("owner_sessions", store.owner_sessions(&alice).await);
    let listed: Vec<(StoreKey, u64)> = sessions.iter().map(|session| (session.key, session.expires_at)).collect();
    assert_eq!(listed, [(key, later)], "a session saved past its first deadline is not listed with its new one");
    assert_eq!(ok("revoke_owner", store.revoke_owner(&alice, None).await), Some(1), "not revoked");
    assert_eq!(ok("load", store.load(&key).await), None, "a revoked session still loads");
}

/// `OwnerChange::Adopt`, which a request that read an owner stored before its field was the owner sends:
/// it indexes a record that has no owner, through `save` and `cycle`, and leaves one that has.
pub(super) async fn adopt_indexes_only_a_record_without_an_owner<S: SessionStore>(store: S) {
    let (alice, bob) = (new_owner(), new_owner());
    let (unowned, owned_by_bob, unowned_cycled, owned_cycled) = (new_key(), new_key(), new_key(), new_key());
    let created = record(&[("user_id", b"1")], LONG);
    assert!(ok("create", store.create(&unowned, &created).await));
    assert!(ok("create", store.create(&owned_by_bob, &owned(bob, LONG)).await));
    let expires_at = created.expires_at + 1_000;
    let adopt = Patch { owner: OwnerChange::Adopt(alice), ..patch(&[], expires_at) };

    assert!(ok("save", store.save(&unowned, &adopt).await));
    assert!(ok("save", store.save(&owned_by_bob, &adopt).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([unowned]), "adopt indexed the wrong records");
    assert_eq!(listed(&store, &bob).await, BTreeSet::from([owned_by_bob]), "adopt took a record from its owner");
    assert_eq!(ok("load", store.load(&owned_by_bob).await).and_then(|record| record.owner), Some(bob));

    let other = new_key();
    assert!(ok("create", store.create(&other, &created).await));
    assert!(ok("cycle", store.cycle(&other, &unowned_cycled, &adopt).await));
    assert!(ok("cycle", store.cycle(&owned_by_bob, &owned_cycled, &adopt).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([unowned, unowned_cycled]), "adopt through a cycle");
    assert_eq!(listed(&store, &bob).await, BTreeSet::from([owned_cycled]), "a cycle that adopts left bob's list");
    assert_eq!(ok("load", store.load(&owned_cycled).await).and_then(|record| record.owner), Some(bob));
}

pub(super) async fn delete_and_expiry_remove_entries<S: SessionStore>(store: S) {
    let alice = new_owner();
    let (deleted, expiring, kept) = (new_key(), new_key(), new_key());
    assert!(ok("create", store.create(&deleted, &owned(alice, LONG)).await));
    assert!(ok("create", store.create(&kept, &owned(alice, LONG)).await));
    ok("delete", store.delete(&deleted).await);
    // Created last and given a second, so that a store a network away still lists it before it ends.
    let short = owned(alice, Duration::from_secs(1));
    assert!(ok("create", store.create(&expiring, &short).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([expiring, kept]), "a deleted session is listed");
    sleep_past(short.expires_at).await;
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([kept]), "an expired session is listed");

    // A key that ended and was created again for nobody belongs to nobody.
    assert!(ok("create", store.create(&expiring, &record(&[("cart", b"[]")], LONG)).await));
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([kept]), "a new record inherited an ended one's owner");
}

pub(super) async fn revoke_ends_every_session_but_the_one_kept<S: SessionStore>(store: S) {
    let (alice, bob) = (new_owner(), new_owner());
    let (here, phone, laptop, bobs) = (new_key(), new_key(), new_key(), new_key());
    for key in [&here, &phone, &laptop] {
        assert!(ok("create", store.create(key, &owned(alice, LONG)).await));
    }
    let ended = owned(alice, Duration::from_millis(200));
    let expired = new_key();
    assert!(ok("create", store.create(&expired, &ended).await));
    assert!(ok("create", store.create(&bobs, &owned(bob, LONG)).await));
    sleep_past(ended.expires_at).await;

    assert_eq!(
        ok("revoke_owner", store.revoke_owner(&alice, Some(&here)).await),
        Some(2),
        "not the live others counted"
    );
    assert!(ok("load", store.load(&here).await).is_some(), "the session kept was revoked");
    for key in [&phone, &laptop] {
        assert_eq!(ok("load", store.load(key).await), None, "a revoked session still loads");
        let changes = [("user_id", Some(b"8".to_vec()))];
        assert!(!ok("save", store.save(key, &patch(&changes, now_millis() + 60_000)).await), "save revived it");
        assert_eq!(ok("load", store.load(key).await), None, "a save brought a revoked session back");
    }
    assert!(ok("load", store.load(&bobs).await).is_some(), "another owner's session was revoked");
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([here]));

    assert_eq!(ok("revoke_owner", store.revoke_owner(&alice, None).await), Some(1));
    assert_eq!(ok("load", store.load(&here).await), None);
    assert_eq!(ok("revoke_owner", store.revoke_owner(&alice, None).await), Some(0), "nothing left, yet some counted");
    assert_eq!(listed(&store, &bob).await, BTreeSet::from([bobs]));
}

/// "Sign out everywhere else" from a session that another request has just moved to a new key: the new
/// key is the same browser's session, not another, so nothing is deleted, and `None` says why. The same
/// for a session kept that has ended.
pub(super) async fn revoke_keeping_a_session_that_moved_or_ended_deletes_nothing<S: SessionStore>(store: S) {
    let alice = new_owner();
    let (here, moved_to, phone, ended) = (new_key(), new_key(), new_key(), new_key());
    for key in [&here, &phone, &ended] {
        assert!(ok("create", store.create(key, &owned(alice, LONG)).await));
    }
    let expires_at = now_millis() + 60_000;
    assert!(ok("cycle", store.cycle(&here, &moved_to, &patch(&[], expires_at)).await));
    assert!(ok("delete", store.delete(&ended).await));

    for gone in [&here, &ended, &new_key()] {
        assert_eq!(ok("revoke_owner", store.revoke_owner(&alice, Some(gone)).await), None, "a count, or a deletion");
    }
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([moved_to, phone]), "a session was revoked");
    assert_eq!(ok("revoke_owner", store.revoke_owner(&alice, Some(&moved_to)).await), Some(1));
    assert_eq!(listed(&store, &alice).await, BTreeSet::from([moved_to]));
}

/// Sessions of one owner keep cycling and saving while they are revoked: once `revoke_owner` has
/// returned, none of them may live on, under its old key or a new one.
pub(super) async fn revoke_is_atomic_against_concurrent_writes<S: SessionStore>(store: S) {
    const SESSIONS: usize = 16;
    let alice = new_owner();
    let mut keys = Vec::new();
    for _ in 0..SESSIONS {
        let key = new_key();
        assert!(ok("create", store.create(&key, &owned(alice, LONG)).await));
        keys.push(key);
    }
    let revoked = Arc::new(tokio::sync::Notify::new());
    let mut tasks = JoinSet::new();
    for (index, mut key) in keys.into_iter().enumerate() {
        let (store, revoked) = (store.clone(), revoked.clone());
        tasks.spawn(async move {
            let changes = [("cart", Some(format!("[{index}]").into_bytes()))];
            let mut revoked = std::pin::pin!(revoked.notified());
            // Writes until a write is refused or the revocation has returned (a bounded number of rounds,
            // yielding after each, so the revocation gets its turn on any runtime).
            for _ in 0..10_000 {
                let next = new_key();
                let moved = ok("cycle", store.cycle(&key, &next, &patch(&changes, now_millis() + 60_000)).await);
                if moved {
                    key = next;
                }
                let saved = ok("save", store.save(&key, &patch(&changes, now_millis() + 60_000)).await);
                if !moved || !saved || poll_once(revoked.as_mut()).await {
                    break;
                }
                tokio::task::yield_now().await;
            }
            key
        });
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let count = ok("revoke_owner", store.revoke_owner(&alice, None).await).expect("a count: no session was kept");
    revoked.notify_waiters();
    assert_eq!(count, SESSIONS, "every session is revoked once, whether mid-move or not");
    while let Some(last_key) = tasks.join_next().await {
        let last_key = last_key.expect("a writer panicked");
        assert_eq!(ok("load", store.load(&last_key).await), None, "a session outlived its revocation");
    }
    assert_eq!(listed(&store, &alice).await, BTreeSet::new(), "sessions are listed after the revocation");
}

/// Whether `future` is ready on one poll, without waiting for it.
async fn poll_once<F: std::future::Future + Unpin>(future: F) -> bool {
    let mut future = future;
    std::future::poll_fn(|cx| std::task::Poll::Ready(std::pin::Pin::new(&mut future).poll(cx).is_ready())).await
}
