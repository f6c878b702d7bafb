//! [`MemoryStore`]: the embedded store, for one process.

use std::{
    collections::{BTreeSet, HashMap},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, MutexGuard,
    },
};

use super::{now_millis, Patch, Record, SessionStore};
use crate::{id::StoreKey, StoreError};

/// Shards of the map; each has its own lock so concurrent requests rarely wait on each other.
const SHARDS: usize = 16;

/// An in-memory session store: a cheap [`Clone`] handle to one shared, sharded map.
///
/// Expired records are reclaimed as the store is used (every operation sweeps the expired records of its
/// shard and of one other), without anyone having to read them, and the number of sessions is bounded:
/// when full, the session closest to expiry makes room.
///
/// ```
/// use session_core::MemoryStore;
///
/// let store = MemoryStore::default();
/// let same_sessions = store.clone();
/// assert_eq!(same_sessions.len(), 0);
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    inner: Arc<Inner>,
}

struct Inner {
    shards: [Mutex<Shard>; SHARDS],
    max_per_shard: usize,
    /// Which shard the next operation sweeps besides its own.
    sweep_cursor: AtomicUsize,
}

#[derive(Default)]
struct Shard {
    records: HashMap<StoreKey, Entry>,
    /// `(deadline, key)`, one per record, so the expired ones are found without a scan. A deadline may be
    /// earlier than the record's own (saves that extend it leave the index alone, which keeps a save at one
    /// hash lookup however many sessions there are); the sweep re-files such a record when it comes up.
    deadlines: BTreeSet<(u64, StoreKey)>,
}

struct Entry {
    record: Record,
    /// The deadline this record is filed under in `deadlines`, never later than `record.expires_at`.
    indexed: u64,
}

impl Default for MemoryStore {
    /// A store for up to [`MemoryStore::DEFAULT_MAX_SESSIONS`] sessions.
    fn default() -> Self {
        Self::with_max_sessions(Self::DEFAULT_MAX_SESSIONS)
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").field("sessions", &self.len()).finish()
    }
}

impl MemoryStore {
    /// The default bound on live sessions.
    pub const DEFAULT_MAX_SESSIONS: usize = 1_000_000;

    /// A store that keeps at most about `max_sessions` sessions (rounded up to a multiple of its shard
    /// count), evicting the one closest to expiry when full.
    pub fn with_max_sessions(max_sessions: usize) -> Self {
        MemoryStore {
            inner: Arc::new(Inner {
                shards: std::array::from_fn(|_| Mutex::default()),
                max_per_shard: max_sessions.div_ceil(SHARDS).max(1),
                sweep_cursor: AtomicUsize::new(0),
            }),
        }
    }

    /// The number of records held, expired ones not yet reclaimed included.
    pub fn len(&self) -> usize {
        self.inner.shards.iter().map(|shard| lock(shard).records.len()).sum()
    }

    /// True if no records are held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reclaims every expired record now.
    pub fn purge_expired(&self) {
        let now = now_millis();
        for shard in &self.inner.shards {
            lock(shard).sweep(now);
        }
    }

    /// Locks the shard of `key` after sweeping it and one other shard.
    fn shard(&self, key: &StoreKey, now: u64) -> MutexGuard<'_, Shard> {
        let index = shard_index(key);
        let other = self.inner.sweep_cursor.fetch_add(1, Ordering::Relaxed) % SHARDS;
        if other != index {
            lock(&self.inner.shards[other]).sweep(now);
        }
        let mut shard = lock(&self.inner.shards[index]);
        shard.sweep(now);
        shard
    }
}

/// The shard a key lives in: keys are hashes, so their first byte spreads them evenly.
fn shard_index(key: &StoreKey) -> usize {
    usize::from(key.as_bytes()[0]) % SHARDS
}

/// A poisoned lock only means another request panicked mid-operation; every operation leaves a shard
/// consistent before it can panic, so the data is still good.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shard {
    fn sweep(&mut self, now: u64) {
        while let Some(&(deadline, key)) = self.deadlines.first() {
            if deadline > now {
                break;
            }
            self.deadlines.pop_first();
            self.expire_or_refile(key, now);
        }
    }

    /// Handles a record whose indexed deadline has come: removes it if it has really expired at `now`,
    /// else files it under its own, later deadline.
    /// Returns true if it removed the record.
    fn expire_or_refile(&mut self, key: StoreKey, now: u64) -> bool {
        match self.records.get_mut(&key) {
            Some(entry) if !entry.record.is_expired(now) => {
                entry.indexed = entry.record.expires_at;
                self.deadlines.insert((entry.indexed, key));
                false
            }
            _ => {
                self.records.remove(&key);
                true
            }
        }
    }

    fn live(&mut self, key: &StoreKey, now: u64) -> Option<&mut Entry> {
        self.records.get_mut(key).filter(|entry| !entry.record.is_expired(now))
    }

    fn insert(&mut self, key: StoreKey, record: Record, max: usize) {
        if self.records.len() >= max {
            // Evict the record closest to expiry: re-file the ones whose deadline moved until one is found.
            while let Some((deadline, soonest)) = self.deadlines.pop_first() {
                if self.expire_or_refile(soonest, deadline) {
                    break;
                }
            }
        }
        let indexed = record.expires_at;
        self.deadlines.insert((indexed, key));
        self.records.insert(key, Entry { record, indexed });
    }

    fn remove(&mut self, key: &StoreKey) {
        if let Some(entry) = self.records.remove(key) {
            self.deadlines.remove(&(entry.indexed, *key));
        }
    }
}

impl SessionStore for MemoryStore {
    async fn load(&self, key: &StoreKey) -> Result<Option<Record>, StoreError> {
        let now = now_millis();
        Ok(self.shard(key, now).live(key, now).map(|entry| entry.record.clone()))
    }

    async fn create(&self, key: &StoreKey, record: &Record) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut shard = self.shard(key, now);
        if shard.live(key, now).is_some() {
            return Ok(false);
        }
        shard.insert(*key, record.clone(), self.inner.max_per_shard);
        Ok(true)
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut shard = self.shard(key, now);
        let Some(entry) = shard.live(key, now) else {
            return Ok(false);
        };
        entry.record.apply(patch);
        // A later deadline (the usual idle refresh) is left to the sweep; an earlier one must be filed now.
        let old_indexed = entry.indexed;
        if patch.expires_at < old_indexed {
            entry.indexed = patch.expires_at;
            shard.deadlines.remove(&(old_indexed, *key));
            shard.deadlines.insert((patch.expires_at, *key));
        }
        Ok(true)
    }

    async fn delete(&self, key: &StoreKey) -> Result<(), StoreError> {
        self.shard(key, now_millis()).remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SessionId;

    fn record(expires_in: u64) -> Record {
        let now = now_millis();
        Record {
            fields: HashMap::from([("a".to_owned(), b"1".to_vec())]),
            created_at: now,
            expires_at: now + expires_in,
        }
    }

    #[tokio::test]
    async fn expired_records_are_reclaimed_without_being_read() {
        let store = MemoryStore::default();
        for _ in 0..64 {
            store.create(&SessionId::generate().store_key(), &record(1)).await.unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        // Unrelated traffic sweeps every shard in turn.
        let other = SessionId::generate().store_key();
        for _ in 0..SHARDS {
            store.load(&other).await.unwrap();
        }
        assert_eq!(store.len(), 0);
    }

    #[tokio::test]
    async fn the_bound_evicts_the_session_closest_to_expiry() {
        let store = MemoryStore::with_max_sessions(SHARDS);
        let mut keys = Vec::new();
        // Fill one shard beyond its single slot: keys are spread by their first byte.
        while keys.len() < 2 {
            let key = SessionId::generate().store_key();
            if shard_index(&key) == 0 {
                keys.push(key);
            }
        }
        store.create(&keys[0], &record(60_000)).await.unwrap();
        store.create(&keys[1], &record(120_000)).await.unwrap();
        assert!(store.load(&keys[0]).await.unwrap().is_none());
        assert!(store.load(&keys[1]).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_deadline_extended_by_a_save_still_counts_for_eviction_and_expiry() {
        let store = MemoryStore::with_max_sessions(2 * SHARDS);
        let mut keys = Vec::new();
        while keys.len() < 3 {
            let key = SessionId::generate().store_key();
            if shard_index(&key) == 0 {
                keys.push(key);
            }
        }
        store.create(&keys[0], &record(60_000)).await.unwrap();
        // Extended past the record that comes next, so that one is now closest to expiry.
        let patch = Patch { changes: &[], expires_at: now_millis() + 600_000 };
        assert!(store.save(&keys[0], &patch).await.unwrap());
        store.create(&keys[1], &record(120_000)).await.unwrap();
        store.create(&keys[2], &record(180_000)).await.unwrap();
        assert!(store.load(&keys[0]).await.unwrap().is_some(), "evicted by its stale deadline");
        assert!(store.load(&keys[1]).await.unwrap().is_none(), "the record closest to expiry makes room");

        // A save that shortens the deadline takes effect at once.
        let short = Patch { changes: &[], expires_at: now_millis() + 1 };
        assert!(store.save(&keys[0], &short).await.unwrap());
        assert!(store.save(&keys[2], &short).await.unwrap());
        std::thread::sleep(std::time::Duration::from_millis(5));
        store.purge_expired();
        assert_eq!(store.len(), 0);
    }
}
