//! [`MemoryStore`]: the embedded store, for one process.

mod deadlines;
mod packed;

pub(super) use packed::PackedFields;

use std::{
    cell::Cell,
    collections::{hash_map, HashMap},
    hash::{BuildHasherDefault, Hasher},
    ops::{Deref, DerefMut},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard,
    },
};

use deadlines::{bucket_of, Deadlines};

use super::{now_millis, LoadedRecord, Patch, Record, SessionStore};
use crate::{id::StoreKey, StoreError};

/// Shards of the map; each has its own lock so concurrent requests rarely wait on each other.
const SHARDS: usize = 16;

/// An in-memory session store: a cheap [`Clone`] handle to one shared, sharded map.
///
/// Expired records are reclaimed as the store is used (every operation sweeps the expired records of its
/// shard and of one other, taking turns, when any are due), without anyone having to read them, and the
/// number of sessions is bounded: when full, the session closest to expiry makes room. A session of a few
/// small fields takes about 250 bytes, and every operation costs one hash lookup however many sessions
/// there are.
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
    /// When each shard's earliest deadline bucket comes due (milliseconds since the Unix epoch), written
    /// whenever its lock is let go: an operation skips sweeping a shard with nothing due without taking
    /// its lock. A stale value only moves a sweep to a later operation.
    next_due: [AtomicU64; SHARDS],
    max_per_shard: usize,
}

#[derive(Default)]
struct Shard {
    records: HashMap<StoreKey, Entry, BuildHasherDefault<KeyHasher>>,
    deadlines: Deadlines,
}

/// One stored session.
struct Entry {
    /// Shared with the requests that loaded it. A save changes it in place only while no request holds
    /// it; otherwise the save points the entry at a new block and the requests keep the old one.
    fields: PackedFields,
    created_at: u64,
    expires_at: u64,
    /// The bucket of `deadlines` this record is filed in: never later than the one of `expires_at`.
    /// Saves that push the deadline back leave it alone, which keeps a save at one hash lookup; the
    /// sweep files the record again when the old bucket comes due.
    bucket: u64,
}

impl Entry {
    fn new(fields: PackedFields, created_at: u64, expires_at: u64) -> Self {
        Entry { fields, created_at, expires_at, bucket: bucket_of(expires_at) }
    }

    fn record(&self) -> Record {
        Record { fields: self.fields.unpack(), created_at: self.created_at, expires_at: self.expires_at }
    }

    fn is_expired(&self, now: u64) -> bool {
        self.expires_at <= now
    }
}

/// Hashes [`StoreKey`]s, which are SHA-256 outputs: uniformly random already, and not chosen by clients
/// (ids are ours, and a forged id cookie fails its MAC before any lookup), so SipHash's protection
/// against crafted keys buys nothing here. The words are folded FxHash-style so that every byte reaches
/// the low bits, where the first byte alone would not vary within a shard.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for word in bytes.chunks(8) {
            let mut padded = [0; 8];
            padded[..word.len()].copy_from_slice(word);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(padded)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
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
                next_due: std::array::from_fn(|_| AtomicU64::new(u64::MAX)),
                max_per_shard: max_sessions.div_ceil(SHARDS).max(1),
            }),
        }
    }

    /// The number of records held, expired ones not yet reclaimed included.
    pub fn len(&self) -> usize {
        (0..SHARDS).map(|index| self.lock(index).records.len()).sum()
    }

    /// True if no records are held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reclaims every expired record now.
    pub fn purge_expired(&self) {
        let now = now_millis();
        for index in 0..SHARDS {
            self.lock(index).sweep(now);
        }
    }

    /// Locks the shard of `key`, having swept it and one other shard (each in turn, so that shards
    /// nobody's sessions live in are swept too) if anything in them is due.
    fn shard(&self, key: &StoreKey, now: u64) -> LockedShard<'_> {
        thread_local! {
            // Per thread, so that turning it costs no write to memory that other threads share.
            static SWEEP_CURSOR: Cell<usize> = const { Cell::new(0) };
        }
        let other = SWEEP_CURSOR.with(|cursor| cursor.replace((cursor.get() + 1) % SHARDS));
        let index = shard_index(key);
        if other != index && self.is_due(other, now) {
            self.lock(other).sweep(now);
        }
        let mut shard = self.lock(index);
        if self.is_due(index, now) {
            shard.sweep(now);
        }
        shard
    }

    fn is_due(&self, index: usize, now: u64) -> bool {
        self.inner.next_due[index].load(Ordering::Relaxed) <= now
    }

    fn lock(&self, index: usize) -> LockedShard<'_> {
        // A poisoned lock only means another request panicked mid-operation; every operation leaves a
        // shard consistent before it can panic, so the data is still good.
        let shard = self.inner.shards[index].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        LockedShard { shard, next_due: &self.inner.next_due[index] }
    }
}

/// The shard a key lives in: keys are hashes, so their first byte spreads them evenly.
fn shard_index(key: &StoreKey) -> usize {
    usize::from(key.as_bytes()[0]) % SHARDS
}

/// A locked shard, which publishes when its next deadline comes due as it is unlocked.
struct LockedShard<'a> {
    shard: MutexGuard<'a, Shard>,
    next_due: &'a AtomicU64,
}

impl Deref for LockedShard<'_> {
    type Target = Shard;

    fn deref(&self) -> &Shard {
        &self.shard
    }
}

impl DerefMut for LockedShard<'_> {
    fn deref_mut(&mut self) -> &mut Shard {
        &mut self.shard
    }
}

impl Drop for LockedShard<'_> {
    fn drop(&mut self) {
        // Still under the lock, so the value written is the shard's as it is left.
        self.next_due.store(self.shard.deadlines.next_due().unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

/// The error of a record that cannot be packed (also `RedisStore`'s, which packs what it loads).
pub(super) fn too_large() -> StoreError {
    StoreError::new("a session field is larger than 4 GiB")
}

impl Shard {
    fn sweep(&mut self, now: u64) {
        while let Some((bucket, keys)) = self.deadlines.pop_due(now) {
            for key in keys {
                self.expire_or_refile(key, bucket, now);
            }
        }
    }

    /// Handles the entry of `key` in `bucket`, which has come due (or is being evicted from): removes
    /// the record if its deadline has passed at `now`, files it again under its own later deadline if
    /// that moved, and skips a stale entry. Returns true if it removed the record.
    fn expire_or_refile(&mut self, key: StoreKey, bucket: u64, now: u64) -> bool {
        let Some(entry) = self.records.get_mut(&key) else {
            return false;
        };
        if entry.bucket != bucket {
            return false;
        }
        if entry.is_expired(now) {
            self.records.remove(&key);
            return true;
        }
        entry.bucket = bucket_of(entry.expires_at);
        self.deadlines.file(entry.bucket, key);
        false
    }

    /// The record under `key` if it is live. One found expired is removed on the spot, so an expired
    /// session is gone as soon as anyone asks for it, not only when the sweep reaches its bucket.
    /// (A lookup, not `HashMap::entry`: that reserves room on a miss, so an unknown id could grow the table.)
    fn live(&mut self, key: &StoreKey, now: u64) -> Option<&mut Entry> {
        if self.records.get(key)?.is_expired(now) {
            self.records.remove(key);
            return None;
        }
        self.records.get_mut(key)
    }

    /// Evicts the records closest to expiry until at most `len` remain: files again the ones whose
    /// deadline moved until one goes.
    fn evict_to(&mut self, len: usize) {
        while self.records.len() > len {
            let Some((bucket, soonest)) = self.deadlines.pop_earliest() else {
                break;
            };
            self.expire_or_refile(soonest, bucket, bucket.saturating_mul(deadlines::GRAIN_MS));
        }
    }

    /// Files `entry` under `key` unless a live record is there, in one lookup: a create is the one
    /// operation that means to add a key, so here the table may grow on a miss.
    fn insert_unless_live(&mut self, key: StoreKey, entry: Entry, now: u64) -> bool {
        let bucket = entry.bucket;
        match self.records.entry(key) {
            hash_map::Entry::Occupied(occupied) if !occupied.get().is_expired(now) => return false,
            hash_map::Entry::Occupied(mut expired) => {
                expired.insert(entry);
            }
            hash_map::Entry::Vacant(vacant) => {
                vacant.insert(entry);
            }
        }
        self.deadlines.file(bucket, key);
        true
    }

    fn remove(&mut self, key: &StoreKey) {
        if self.records.remove(key).is_some() {
            self.compact_if_stale();
        }
    }

    /// Rebuilds the index once stale entries outnumber the live ones, so it stays within twice the size
    /// of the map. Rare enough that its cost spreads to a constant per removal.
    fn compact_if_stale(&mut self) {
        if self.deadlines.len() <= 2 * self.records.len() + 64 {
            return;
        }
        self.deadlines.clear();
        let mut filed: Vec<(u64, StoreKey)> = self.records.iter().map(|(key, entry)| (entry.bucket, *key)).collect();
        filed.sort_unstable_by_key(|&(bucket, _)| bucket);
        for (bucket, key) in filed {
            self.deadlines.file(bucket, key);
        }
    }
}

impl MemoryStore {
    /// Files a new entry under `key` unless a live record is there.
    fn insert_new(&self, key: &StoreKey, entry: Entry, now: u64) -> bool {
        let mut shard = self.shard(key, now);
        if shard.records.len() >= self.inner.max_per_shard {
            // Full: look first, so that a refused create evicts nobody.
            if shard.live(key, now).is_some() {
                return false;
            }
            shard.evict_to(self.inner.max_per_shard - 1);
        }
        shard.insert_unless_live(*key, entry, now)
    }
}

impl SessionStore for MemoryStore {
    /// Every operation is a lock and a lookup; no future here ever waits.
    const ANSWERS_AT_ONCE: bool = true;

    async fn load(&self, key: &StoreKey) -> Result<Option<Record>, StoreError> {
        let now = now_millis();
        Ok(self.shard(key, now).live(key, now).map(|entry| entry.record()))
    }

    /// The request shares the stored fields (one reference count) instead of copying them into a map.
    fn load_ready(&self, key: &StoreKey, now: u64) -> Option<Result<Option<LoadedRecord>, StoreError>> {
        let mut shard = self.shard(key, now);
        let loaded = shard
            .live(key, now)
            .map(|entry| LoadedRecord::shared(entry.fields.clone(), entry.created_at, entry.expires_at));
        Some(Ok(loaded))
    }

    async fn create(&self, key: &StoreKey, record: &Record) -> Result<bool, StoreError> {
        let fields = record.fields.iter().map(|(name, value)| (name.as_str(), value.as_slice()));
        let packed = PackedFields::pack(fields).ok_or_else(too_large)?;
        Ok(self.insert_new(key, Entry::new(packed, record.created_at, record.expires_at), now_millis()))
    }

    /// Packs the new record straight from the request's changes, without a map in between.
    async fn create_at(&self, key: &StoreKey, patch: &Patch<'_>, now: u64) -> Result<bool, StoreError> {
        let fields = patch.changes.iter().filter_map(|(name, value)| Some((*name, value.as_deref()?)));
        let packed = PackedFields::pack(fields).ok_or_else(too_large)?;
        Ok(self.insert_new(key, Entry::new(packed, now, patch.expires_at), now))
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        self.save_at(key, patch, now_millis()).await
    }

    async fn save_at(&self, key: &StoreKey, patch: &Patch<'_>, now: u64) -> Result<bool, StoreError> {
        let mut shard = self.shard(key, now);
        let Some(entry) = shard.live(key, now) else {
            return Ok(false);
        };
        if !patch.changes.is_empty() {
            packed::patch(&mut entry.fields, patch.changes).ok_or_else(too_large)?;
        }
        entry.expires_at = patch.expires_at;
        // A later deadline (the usual idle refresh) is left to the sweep; an earlier one is filed now.
        let bucket = bucket_of(patch.expires_at);
        if bucket < entry.bucket {
            entry.bucket = bucket;
            shard.deadlines.file(bucket, *key);
            shard.compact_if_stale();
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
        std::thread::sleep(std::time::Duration::from_millis(deadlines::GRAIN_MS + 5));
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
        std::thread::sleep(std::time::Duration::from_millis(deadlines::GRAIN_MS + 5));
        store.purge_expired();
        assert_eq!(store.len(), 0);
    }

    #[tokio::test]
    async fn deleted_sessions_leave_the_deadline_index_bounded() {
        let store = MemoryStore::default();
        for _ in 0..10_000 {
            let key = SessionId::generate().store_key();
            store.create(&key, &record(60_000)).await.unwrap();
            store.delete(&key).await.unwrap();
        }
        assert!(store.is_empty());
        let indexed: usize = (0..SHARDS).map(|index| store.lock(index).deadlines.len()).sum();
        assert!(indexed <= SHARDS * 65, "{indexed} index entries for no sessions");
    }

    #[tokio::test]
    async fn records_come_back_as_stored_and_saves_patch_them() {
        let store = MemoryStore::default();
        let key = SessionId::generate().store_key();
        let mut stored = record(60_000);
        stored.fields.insert("cart".to_owned(), b"[1,2,3]".to_vec());
        assert!(store.create(&key, &stored).await.unwrap());
        assert_eq!(store.load(&key).await.unwrap().as_ref(), Some(&stored));

        let changes = [("a", None), ("notice", Some(b"\"hi\"".to_vec()))];
        let patch = Patch { changes: &changes, expires_at: stored.expires_at + 1_000 };
        assert!(store.save(&key, &patch).await.unwrap());
        stored.apply(&patch);
        assert_eq!(store.load(&key).await.unwrap(), Some(stored));
    }
}
