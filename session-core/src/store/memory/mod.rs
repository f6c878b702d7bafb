//! [`MemoryStore`]: the embedded store, for one process.

mod deadlines;

use std::{
    collections::{hash_map, HashMap, HashSet},
    hash::{BuildHasherDefault, Hasher},
    sync::{Arc, Mutex, MutexGuard},
};

use deadlines::{bucket_of, Deadlines};

use super::{now_millis, OwnedSession, OwnerChange, OwnerKey, Patch, Record, SessionStore};
use crate::{id::StoreKey, StoreError};

/// The most shards a store splits its map into; each has its own lock so concurrent requests rarely wait on
/// each other. A power of two, as every shard count is, so a key's shard is a mask of its first byte.
const MAX_SHARDS: usize = 16;

/// What each shard keeps at least, of sessions and of bytes: a smaller store has fewer shards, down to one.
/// Each shard holds its share of the bounds, and sessions fall into shards at random, so the fullest shard
/// makes room before the store as a whole is full; with this many sessions to a shard, that is within a few
/// percent of the bound. And one session may grow to its shard's share of bytes (less its index entry).
const MIN_SESSIONS_PER_SHARD: usize = 4096;
const MIN_BYTES_PER_SHARD: usize = 1 << 20;

/// Bytes a session is counted for besides its fields: the record and its handle, its entry in the shard's
/// map, and the smallest table of fields (the deadline index counts its own heap: see `deadlines`).
/// Measured, with each table as large as it is right after it doubled, so that the heap the store holds
/// stays within what it counts (a test holds it to that).
const RECORD_OVERHEAD: usize = 512;

/// Bytes each field is counted for besides its name and value: its slot in the record's table of fields,
/// right after the table doubled.
const FIELD_OVERHEAD: usize = 112;

/// Bytes a session with an owner is counted for besides: its entry in the shard's owner index, whose first
/// entry for an owner also makes the owner's slot and set.
const OWNER_OVERHEAD: usize = 336;

/// An in-memory session store: a cheap [`Clone`] handle to one shared, sharded map.
///
/// Expired records are reclaimed as the store is used (an operation first reclaims what has expired in
/// the part of the map it locks), without anyone having to read them. The store is bounded, in sessions
/// ([`with_max_sessions`](Self::with_max_sessions)) and in bytes ([`with_max_bytes`](Self::with_max_bytes)):
/// when a new or growing session would pass a bound, the sessions closest to expiry make room, so a
/// flood of new visitors can end the oldest idle sessions but never grows the process past the bounds.
/// The map is split into up to 16 shards, each with its own lock and its share of both bounds: as many as
/// leave each at least 4,096 sessions and 1 MiB (16 for the defaults, one for a store of under 8,192
/// sessions or 2 MiB), so the bounds hold for the store as a whole within a few percent. A create, save or
/// cycle that would make one session larger than its shard's share of the byte bound (less its entry in
/// the index of deadlines) is refused with
/// [`StoreError::too_large`], changing nothing: the request gets a 400
/// ([`Error::SessionTooLarge`](crate::Error::SessionTooLarge)), not a 503 inviting a retry. The
/// minute-long marker the layer stores before a new id is a record too, and counts against the bounds.
///
/// Requests share the stored record when they load it (one reference count, no copy); a save changes
/// the stored record in place unless a request still holds it. Every operation on a session is one hash
/// lookup however many sessions there are; listing or revoking an owner's sessions costs in proportion to
/// that owner's.
///
/// ```
/// use session_core::MemoryStore;
///
/// let store = MemoryStore::default().with_max_sessions(10_000).with_max_bytes(64 << 20);
/// let same_sessions = store.clone();
/// assert_eq!(same_sessions.len(), 0);
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    inner: Arc<Inner>,
}

struct Inner {
    /// A power of two of them, at most [`MAX_SHARDS`].
    shards: Vec<Mutex<Shard>>,
    /// The bounds of each shard.
    limits: Limits,
    /// The bounds of the store as configured, which the shards share.
    max_sessions: usize,
    max_bytes: usize,
}

/// The bounds of one shard.
#[derive(Clone, Copy)]
struct Limits {
    sessions: usize,
    bytes: usize,
}

impl Limits {
    /// Refuses a session of `bytes`, as [`counted_bytes`] counts them, over the bound of one session: the
    /// shard's share, less what its entry in the deadline index may take, so that one that is taken fits.
    fn check_session(self, bytes: usize) -> Result<(), StoreError> {
        let most = self.bytes.saturating_sub(deadlines::NEW_BUCKET_BYTES);
        if bytes > most {
            return Err(StoreError::too_large(format!(
                "a session of {bytes} bytes is over the {most} bytes one session may take in this memory store \
                 (a shard's share of `MemoryStore::with_max_bytes`, less its entry in the store's index): keep \
                 less in the session, or raise that bound"
            )));
        }
        Ok(())
    }
}

#[derive(Default)]
struct Shard {
    records: HashMap<StoreKey, Entry, BuildHasherDefault<KeyHasher>>,
    deadlines: Deadlines,
    /// The sum of the entries' `bytes`.
    bytes: usize,
    /// The keys of this shard's owned records, by owner. Kept in step by `file_unless_live`, `take` and
    /// `patch`, the only places a record comes, goes or changes owner, so it never names an ended one. A
    /// set, so that ending one of an owner's many sessions (an account signed in thousands of times, its
    /// sessions revoked or expiring together) does not scan all the others.
    owners: HashMap<OwnerKey, OwnedKeys>,
}

/// The keys of one owner's records in a shard.
type OwnedKeys = HashSet<StoreKey, BuildHasherDefault<KeyHasher>>;

/// Hashes a [`StoreKey`] by its first eight bytes. Keys are SHA-256 outputs of ids that only the server
/// draws (a forged id cookie fails its MAC before any lookup), so they are uniformly random and no client
/// can choose them: hashing them again buys nothing.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        // A `[u8; 32]` hashes as one write of its bytes, without a length prefix.
        if let Some(first) = bytes.first_chunk::<8>() {
            self.0 = u64::from_le_bytes(*first);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One stored session.
struct Entry {
    record: Arc<Record>,
    /// What the record counts for against the byte bound.
    bytes: usize,
    /// The bucket of `deadlines` this record is filed in: never later than the one of its deadline.
    /// Saves that push the deadline back leave it alone, which keeps a save at one hash lookup; the
    /// sweep files the record again when the old bucket comes due.
    bucket: u64,
}

impl Entry {
    fn new(record: Arc<Record>) -> Self {
        let bucket = bucket_of(record.expires_at);
        Entry { bytes: counted_bytes(&record), record, bucket }
    }

    /// What the record will count for once `patch` is applied: this count, changed by the fields the patch
    /// names (at most once each, as `Patch` promises) and by its owner, without looking at the others.
    fn bytes_after(&self, patch: &Patch<'_>) -> usize {
        let owner = |owner: Option<OwnerKey>| owner.map_or(0, |_| OWNER_OVERHEAD);
        let before = owner(self.record.owner);
        let after = owner(patch.owner.applied_to(self.record.owner));
        patch.changes.iter().fold((self.bytes + after).saturating_sub(before), |bytes, (field, value)| {
            let before = self.record.fields.get(*field).map_or(0, |stored| field_bytes(field, stored));
            let after = value.as_ref().map_or(0, |new| field_bytes(field, new));
            (bytes + after).saturating_sub(before)
        })
    }
}

/// What `record` counts for against the byte bound.
fn counted_bytes(record: &Record) -> usize {
    let owner = record.owner.map_or(0, |_| OWNER_OVERHEAD);
    RECORD_OVERHEAD + owner + record.fields.iter().map(|(name, value)| field_bytes(name, value)).sum::<usize>()
}

/// What one field counts for against the byte bound.
fn field_bytes(name: &str, value: &[u8]) -> usize {
    FIELD_OVERHEAD + name.len() + value.len()
}

impl Default for MemoryStore {
    /// A store for up to [`DEFAULT_MAX_SESSIONS`](Self::DEFAULT_MAX_SESSIONS) sessions and
    /// [`DEFAULT_MAX_BYTES`](Self::DEFAULT_MAX_BYTES).
    fn default() -> Self {
        MemoryStore::with_limits(Self::DEFAULT_MAX_SESSIONS, Self::DEFAULT_MAX_BYTES)
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

    /// The default bound on memory: 512 MiB of sessions, counted as
    /// [`with_max_bytes`](Self::with_max_bytes) says.
    pub const DEFAULT_MAX_BYTES: usize = 512 << 20;

    fn with_limits(max_sessions: usize, max_bytes: usize) -> Self {
        let mut count = MAX_SHARDS;
        while count > 1 && (max_sessions / count < MIN_SESSIONS_PER_SHARD || max_bytes / count < MIN_BYTES_PER_SHARD) {
            count /= 2;
        }
        let limits = Limits { sessions: max_sessions.div_ceil(count).max(1), bytes: max_bytes.div_ceil(count).max(1) };
        let shards = std::iter::repeat_with(Mutex::default).take(count).collect();
        MemoryStore { inner: Arc::new(Inner { shards, limits, max_sessions, max_bytes }) }
    }

    /// A new, empty store keeping at most about `max_sessions` sessions, with this store's byte bound.
    /// Configure a store before handing it to a layer: the result shares no sessions with `self`.
    ///
    /// "About": each shard of the store (see [`MemoryStore`]) keeps its share, so the first session to
    /// make room may go a few percent before the bound, or, with up to 8,191 sessions (one shard), exactly
    /// at it.
    pub fn with_max_sessions(self, max_sessions: usize) -> Self {
        Self::with_limits(max_sessions, self.inner.max_bytes)
    }

    /// A new, empty store keeping at most about `max_bytes` of sessions, with this store's session bound.
    /// Configure a store before handing it to a layer: the result shares no sessions with `self`.
    ///
    /// A session counts for the heap it takes: its field names and values, plus 112 bytes per field and
    /// 512 per session for the tables and the record that hold them, and 336 for its entry in the owner
    /// index if it has an owner. A small session (a user id) counts for about 630 bytes, signed in as its
    /// owner about 970. The index of deadlines counts its heap too: from 32 bytes a session where many
    /// share a deadline (a busy site) to about 450 where visitors arrive apart and some log out.
    ///
    /// One session may take up to its shard's share of the bound (see [`MemoryStore`]), less 224 bytes for
    /// its entry in the index of deadlines: all of it in a store of under 2 MiB or 8,192 sessions, a
    /// sixteenth of it from 16 MiB and 65,536 sessions on. A session that would grow larger is refused with
    /// a 400.
    pub fn with_max_bytes(self, max_bytes: usize) -> Self {
        Self::with_limits(self.inner.max_sessions, max_bytes)
    }

    /// The number of records held, expired ones not yet reclaimed included.
    pub fn len(&self) -> usize {
        self.inner.shards.iter().map(|shard| lock(shard).records.len()).sum()
    }

    /// True if no records are held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the held records, and the index of their deadlines, count for against
    /// [`with_max_bytes`](Self::with_max_bytes).
    pub fn bytes(&self) -> usize {
        self.inner.shards.iter().map(|shard| lock(shard).total_bytes()).sum()
    }

    /// Reclaims every expired record now.
    pub fn purge_expired(&self) {
        let now = now_millis();
        for shard in &self.inner.shards {
            lock(shard).sweep(now, self.inner.limits);
        }
    }

    /// Locks the shard with index `index`, having reclaimed what has expired in it.
    fn shard(&self, index: usize, now: u64) -> MutexGuard<'_, Shard> {
        let mut shard = lock(&self.inner.shards[index]);
        shard.sweep(now, self.inner.limits);
        shard
    }

    /// Every shard, locked in index order (the order `cycle` locks two in, so neither waits on the
    /// other), each having reclaimed what has expired in it: for the operations on an owner, whose
    /// records may be in any shard and must not move between shards while they run.
    fn all_shards(&self, now: u64) -> Vec<MutexGuard<'_, Shard>> {
        (0..self.inner.shards.len()).map(|index| self.shard(index, now)).collect()
    }

    /// The index of the shard `key` lives in: keys are hashes, so their first byte spreads them evenly.
    fn shard_index(&self, key: &StoreKey) -> usize {
        usize::from(key.as_bytes()[0]) & (self.inner.shards.len() - 1)
    }

    /// Files `record` under `key` in `to`, unless a live record is there, making room within the bounds.
    fn insert(&self, to: &mut Shard, key: StoreKey, record: Arc<Record>, now: u64) -> Result<bool, StoreError> {
        let entry = Entry::new(record);
        let limits = self.inner.limits;
        limits.check_session(entry.bytes)?;
        if to.records.len() >= limits.sessions || to.total_bytes() + entry.bytes > limits.bytes {
            // Full: look first, so that a refused create evicts nobody.
            if to.live(&key, now).is_some() {
                return Ok(false);
            }
            to.make_room(limits.sessions - 1, limits.bytes - entry.bytes, None);
        }
        let filed = to.file_unless_live(key, entry, now);
        // Its entry in the deadline index may need a bucket of its own.
        if filed && to.total_bytes() > limits.bytes {
            to.make_room(limits.sessions, limits.bytes, Some(&key));
        }
        Ok(filed)
    }
}

/// Removes `key` from `owner`'s keys, and the owner once it has none.
fn unindex(owners: &mut HashMap<OwnerKey, OwnedKeys>, owner: &OwnerKey, key: &StoreKey) {
    if let hash_map::Entry::Occupied(mut keys) = owners.entry(*owner) {
        let set = keys.get_mut();
        set.remove(key);
        if set.is_empty() {
            keys.remove();
        } else if set.capacity() > 4 * set.len() + 64 {
            // An owner whose many sessions were revoked but one: see `Shard::shrink_if_mostly_empty`.
            set.shrink_to(2 * set.len());
        }
    }
    if owners.capacity() > 4 * owners.len() + 64 {
        owners.shrink_to(2 * owners.len());
    }
}

fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    // A poisoned lock only means another request panicked mid-operation; every operation leaves a shard
    // consistent before it can panic, so the data is still good.
    shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shard {
    /// What the shard counts against its share of the byte bound: its records and its deadline index.
    fn total_bytes(&self) -> usize {
        self.bytes + self.deadlines.heap()
    }

    /// Reclaims what has expired at `now`. Records whose deadline moved later are filed again under it,
    /// which can grow the deadline index by a bucket each: past the bound, the records closest to expiry
    /// make room.
    fn sweep(&mut self, now: u64, limits: Limits) {
        while let Some((bucket, keys)) = self.deadlines.pop_due(now) {
            for key in keys {
                self.expire_or_refile(key, bucket, now);
            }
        }
        if self.total_bytes() > limits.bytes {
            self.make_room(limits.sessions, limits.bytes, None);
        }
    }

    /// Handles the entry of `key` in `bucket`, which has come due (or is being evicted from): removes
    /// the record if its deadline has passed at `now`, files it again under its own later deadline if
    /// that moved, and skips a stale entry.
    fn expire_or_refile(&mut self, key: StoreKey, bucket: u64, now: u64) {
        let Some(entry) = self.records.get_mut(&key) else {
            return;
        };
        if entry.bucket != bucket {
            return;
        }
        if entry.record.is_expired(now) {
            self.take(&key);
            return;
        }
        entry.bucket = bucket_of(entry.record.expires_at);
        self.deadlines.file(entry.bucket, key);
    }

    /// The entry under `key` if it is live. One found expired is removed on the spot, so an expired
    /// session is gone as soon as anyone asks for it, not only when the sweep reaches its bucket. (A
    /// lookup, not `HashMap::entry`: that reserves room on a miss, so an unknown id could grow the table.)
    fn live(&mut self, key: &StoreKey, now: u64) -> Option<&mut Entry> {
        if self.records.get(key)?.record.is_expired(now) {
            self.take(key);
            return None;
        }
        self.records.get_mut(key)
    }

    /// Files `entry` under `key` unless a live record is there, in one lookup: a create is the one
    /// operation that means to add a key, so here the table may grow on a miss.
    fn file_unless_live(&mut self, key: StoreKey, entry: Entry, now: u64) -> bool {
        let (added, bucket) = (entry.bytes, entry.bucket);
        match self.records.entry(key) {
            hash_map::Entry::Occupied(live) if !live.get().record.is_expired(now) => return false,
            hash_map::Entry::Occupied(mut ended) => {
                self.bytes -= ended.get().bytes;
                let ended = ended.insert(entry);
                if let Some(owner) = ended.record.owner {
                    unindex(&mut self.owners, &owner, &key);
                }
            }
            hash_map::Entry::Vacant(vacant) => {
                vacant.insert(entry);
            }
        }
        if let Some(owner) = self.records[&key].record.owner {
            self.owners.entry(owner).or_default().insert(key);
        }
        self.bytes += added;
        self.deadlines.file(bucket, key);
        true
    }

    /// Removes the entry under `key`, keeping the byte count and the deadline index in step.
    fn take(&mut self, key: &StoreKey) -> Option<Entry> {
        let entry = self.records.remove(key)?;
        self.bytes -= entry.bytes;
        if let Some(owner) = entry.record.owner {
            unindex(&mut self.owners, &owner, key);
        }
        self.compact_if_stale();
        self.shrink_if_mostly_empty();
        Some(entry)
    }

    /// Evicts the records closest to expiry until at most `sessions` remain holding at most `bytes`,
    /// never the record under `keep` (the one a save is growing).
    fn make_room(&mut self, sessions: usize, bytes: usize, keep: Option<&StoreKey>) {
        let mut kept = false;
        while self.records.len() > sessions || self.total_bytes() > bytes {
            let Some((bucket, soonest)) = self.deadlines.pop_earliest() else {
                break;
            };
            if Some(&soonest) == keep {
                kept = true;
                continue;
            }
            // Evicting means expiring as if the whole bucket had come due; a record whose deadline moved
            // later is filed again under it instead, and the loop goes on to the next.
            self.expire_or_refile(soonest, bucket, bucket.saturating_mul(deadlines::GRAIN_MS));
        }
        // Under the bucket it is filed by now: what was popped may have been a stale entry of an earlier
        // deadline, or both that and the current one.
        if let Some((key, entry)) = keep.filter(|_| kept).and_then(|key| Some((key, self.records.get(key)?))) {
            self.deadlines.file(entry.bucket, *key);
        }
    }

    /// Rebuilds the index once stale entries outnumber the live ones, so it stays within twice the size
    /// of the map, and empties it with the map. Rare enough that its cost spreads to a constant per
    /// removal.
    fn compact_if_stale(&mut self) {
        if self.records.is_empty() {
            // Every entry left is stale: an empty shard holds nothing, and counts nothing.
            self.deadlines.clear();
            return;
        }
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

    /// Gives the map's room back once three quarters of it are unused: a map keeps the room it grew to,
    /// which the byte bound does not count, so a flood of small sessions that large ones then evicted
    /// would otherwise leave it held beyond the bound. Rare enough that its cost spreads to a constant per
    /// removal. (`unindex` does the same for the owner index.)
    fn shrink_if_mostly_empty(&mut self) {
        if self.records.capacity() > 4 * self.records.len() + 64 {
            self.records.shrink_to(2 * self.records.len());
        }
    }

    /// Applies `patch` to the live entry under `key`, making room if it grows. False if there is none;
    /// refused, changing nothing, if it would grow the session past the bound of one.
    fn patch(&mut self, key: &StoreKey, patch: &Patch<'_>, limits: Limits, now: u64) -> Result<bool, StoreError> {
        let Some(entry) = self.live(key, now) else {
            return Ok(false);
        };
        limits.check_session(entry.bytes_after(patch))?;
        // In place unless a request still holds the record; then the request keeps reading its copy.
        let record = Arc::make_mut(&mut entry.record);
        let owner_before = record.owner;
        record.apply(patch);
        let owner_after = record.owner;
        let (before, after) = (entry.bytes, counted_bytes(record));
        entry.bytes = after;
        // A later deadline (the usual idle refresh) is left to the sweep; an earlier one (a lifetime
        // shortened on purpose) is filed now.
        let bucket = bucket_of(record.expires_at);
        let refile = bucket < entry.bucket;
        if refile {
            entry.bucket = bucket;
        }
        self.bytes = self.bytes + after - before;
        if patch.owner != OwnerChange::Keep && owner_before != owner_after {
            if let Some(owner) = owner_before {
                unindex(&mut self.owners, &owner, key);
            }
            if let Some(owner) = owner_after {
                self.owners.entry(owner).or_default().insert(*key);
            }
        }
        if refile {
            self.deadlines.file(bucket, *key);
            self.compact_if_stale();
        }
        // Grown, or filed under a bucket of its own.
        if self.total_bytes() > limits.bytes {
            self.make_room(limits.sessions, limits.bytes, Some(key));
        }
        Ok(true)
    }
}

impl SessionStore for MemoryStore {
    /// Shares the stored record with the request: one reference count, no copy.
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        let now = now_millis();
        let mut shard = self.shard(self.shard_index(key), now);
        Ok(shard.live(key, now).map(|entry| entry.record.clone()))
    }

    /// Judges a record already under `key` live or ended by the clock, not by the new record's
    /// `created_at`: a record claiming a later creation must not count a live one as ended.
    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut shard = self.shard(self.shard_index(key), now);
        self.insert(&mut shard, *key, record.clone(), now)
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let now = now_millis();
        self.shard(self.shard_index(key), now).patch(key, patch, self.inner.limits, now)
    }

    async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        Ok(self.shard(self.shard_index(key), now_millis()).take(key).is_some())
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        let now = now_millis();
        let (from, to) = (self.shard_index(old), self.shard_index(new));
        // Both shards stay locked for the whole move, taken in index order so that two moves in opposite
        // directions cannot wait on each other.
        let mut first = self.shard(from.min(to), now);
        let mut second = (from != to).then(|| self.shard(from.max(to), now));
        let (from_shard, mut to_shard) = match second.as_deref_mut() {
            None => (&mut *first, None),
            Some(other) if from < to => (&mut *first, Some(other)),
            Some(other) => (other, Some(&mut *first)),
        };
        if to_shard.as_deref_mut().unwrap_or(&mut *from_shard).live(new, now).is_some() {
            return Ok(false);
        }
        let Some(entry) = from_shard.live(old, now) else {
            return Ok(false);
        };
        // Checked before the old record is taken, so that a refused move leaves the session where it was.
        self.inner.limits.check_session(entry.bytes_after(patch))?;
        let Some(Entry { mut record, .. }) = from_shard.take(old) else {
            return Ok(false);
        };
        Arc::make_mut(&mut record).apply(patch);
        self.insert(to_shard.unwrap_or(from_shard), *new, record, now)
    }

    /// Holds every shard while it reads, so a record cycled meanwhile is listed once, under one key.
    async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
        let now = now_millis();
        let mut listed = Vec::new();
        for mut shard in self.all_shards(now) {
            let keys = shard.owners.get(owner).cloned().unwrap_or_default();
            for key in keys {
                if let Some(entry) = shard.live(&key, now) {
                    let Record { created_at, last_seen, expires_at, .. } = *entry.record;
                    listed.push(OwnedSession { key, created_at, last_seen, expires_at });
                }
            }
        }
        Ok(listed)
    }

    /// Holds every shard while it looks and deletes: no save or cycle of the owner's records can run in
    /// between.
    async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
        let now = now_millis();
        let mut shards = self.all_shards(now);
        if except.is_some_and(|except| shards[self.shard_index(except)].live(except, now).is_none()) {
            return Ok(None);
        }
        let mut revoked = 0;
        for shard in &mut shards {
            let keys = shard.owners.get(owner).cloned().unwrap_or_default();
            for key in keys.iter().filter(|key| Some(*key) != except) {
                if shard.live(key, now).is_some() {
                    shard.take(key);
                    revoked += 1;
                }
            }
        }
        Ok(Some(revoked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SessionId;

    fn record(expires_in: u64) -> Arc<Record> {
        let now = now_millis();
        Arc::new(Record {
            fields: HashMap::from([("a".to_owned(), b"1".to_vec())]),
            created_at: now,
            last_seen: now,
            expires_at: now + expires_in,
            owner: None,
        })
    }

    fn patch<'a>(changes: &'a [(&'static str, Option<Vec<u8>>)], expires_in: u64) -> Patch<'a> {
        Patch {
            changes,
            last_seen: now_millis(),
            expires_at: now_millis() + expires_in,
            owner: OwnerChange::Keep,
            replaces_deadline: false,
            created_at: None,
        }
    }

    /// Keys that all fall in shard 0, however many shards a store has, so that one shard's bounds can be
    /// filled.
    fn keys_in_one_shard(count: usize) -> Vec<StoreKey> {
        std::iter::repeat_with(|| SessionId::generate().store_key())
            .filter(|key| usize::from(key.as_bytes()[0]) % MAX_SHARDS == 0)
            .take(count)
            .collect()
    }

    #[tokio::test]
    async fn expired_records_are_reclaimed_without_being_read() {
        let store = MemoryStore::default();
        let keys = keys_in_one_shard(64);
        for key in &keys {
            store.create(key, &record(1)).await.unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(deadlines::GRAIN_MS + 5));
        // Traffic for another session of the shard reclaims them.
        store.load(&keys_in_one_shard(1)[0]).await.unwrap();
        assert_eq!((store.len(), store.bytes()), (0, 0));
    }

    /// A small store is one shard holding its whole bounds: as many sessions as it was given room for, and
    /// one session as large as its byte bound. A larger store has as many shards as leave each 4,096
    /// sessions and 1 MiB, up to 16.
    #[tokio::test]
    async fn a_small_store_holds_its_whole_bounds_and_a_large_one_shares_them_among_its_shards() {
        let store = MemoryStore::default().with_max_sessions(16);
        for _ in 0..16 {
            assert!(store.create(&SessionId::generate().store_key(), &record(60_000)).await.unwrap());
        }
        assert_eq!(store.len(), 16, "a session made room before the store was full");

        let store = MemoryStore::default().with_max_bytes(64 << 10);
        let mut large = Record::clone(&record(60_000));
        large.fields.insert("cart".to_owned(), vec![b'x'; 60 << 10]);
        assert!(store.create(&SessionId::generate().store_key(), &Arc::new(large)).await.unwrap());

        let shards = |store: MemoryStore| store.inner.shards.len();
        assert_eq!(shards(MemoryStore::default()), 16);
        assert_eq!(shards(MemoryStore::default().with_max_sessions(8_191)), 1);
        assert_eq!(shards(MemoryStore::default().with_max_sessions(10_000)), 2);
        assert_eq!(shards(MemoryStore::default().with_max_sessions(65_536).with_max_bytes(16 << 20)), 16);
        assert_eq!(shards(MemoryStore::default().with_max_bytes((16 << 20) - 1)), 8);
        assert_eq!(shards(MemoryStore::default().with_max_bytes(64 << 10)), 1);
    }

    #[tokio::test]
    async fn the_session_bound_evicts_the_session_closest_to_expiry() {
        let store = MemoryStore::default().with_max_sessions(1);
        let keys = keys_in_one_shard(2);
        store.create(&keys[0], &record(60_000)).await.unwrap();
        store.create(&keys[1], &record(120_000)).await.unwrap();
        assert!(store.load(&keys[0]).await.unwrap().is_none());
        assert!(store.load(&keys[1]).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn the_byte_bound_holds_against_many_large_sessions() {
        // Room for about four sessions of 10 kB, in the one shard of a store this small.
        let max_bytes = 4 * (10_000 + RECORD_OVERHEAD + FIELD_OVERHEAD + 8);
        let store = MemoryStore::default().with_max_bytes(max_bytes);
        let cart = vec![b'x'; 10_000];
        let mut keys = Vec::new();
        for _ in 0..1_000 {
            let key = SessionId::generate().store_key();
            let mut large = Record::clone(&record(60_000));
            large.fields.insert("cart".to_owned(), cart.clone());
            assert!(store.create(&key, &Arc::new(large)).await.unwrap());
            keys.push(key);
        }
        assert!(store.bytes() <= max_bytes, "{} bytes held, bound {max_bytes}", store.bytes());
        assert!(store.len() <= 4, "{} sessions held", store.len());
        let newest = keys.last().unwrap();
        assert!(store.load(newest).await.unwrap().is_some(), "the newest session was kept");

        // A save that grows a session makes room too, and keeps the session it grows.
        let bigger = [("cart", Some(vec![b'y'; 30_000]))];
        assert!(store.save(newest, &patch(&bigger, 60_000)).await.unwrap());
        assert!(store.bytes() <= max_bytes, "{} bytes held after growing, bound {max_bytes}", store.bytes());
        assert_eq!(store.load(newest).await.unwrap().unwrap().fields["cart"].len(), 30_000);

        // One session larger than a shard's share is refused, not stored.
        let mut huge = Record::clone(&record(60_000));
        huge.fields.insert("cart".to_owned(), vec![0; max_bytes]);
        assert!(store.create(&SessionId::generate().store_key(), &Arc::new(huge)).await.is_err());
    }

    #[tokio::test]
    async fn a_save_or_cycle_past_the_bound_of_one_session_is_refused_and_changes_nothing() {
        let per_session = 20_000;
        let store = MemoryStore::default().with_max_bytes(per_session);
        let key = SessionId::generate().store_key();
        store.create(&key, &record(60_000)).await.unwrap();
        let held = store.bytes();
        let too_large = [("cart", Some(vec![b'x'; per_session]))];

        let error = store.save(&key, &patch(&too_large, 60_000)).await.unwrap_err();
        assert!(error.to_string().contains("bytes one session may take in this memory store"), "{error}");
        assert!(error.to_string().contains("keep less in the session, or raise that bound"), "{error}");
        assert!(error.is_too_large(), "a refusal, not an outage");
        assert_eq!(store.load(&key).await.unwrap().unwrap().fields.len(), 1, "the refused save changed the session");
        assert_eq!(store.bytes(), held);

        let new = SessionId::generate().store_key();
        assert!(store.cycle(&key, &new, &patch(&too_large, 60_000)).await.is_err());
        assert!(store.load(&key).await.unwrap().is_some(), "a refused cycle ended the session");
        assert!(store.load(&new).await.unwrap().is_none());
        assert_eq!(store.bytes(), held);

        // Within the bound, both go through; a patch that replaces or removes fields is counted as such.
        let fits = [("cart", Some(vec![b'x'; per_session / 2])), ("a", None)];
        assert!(store.save(&key, &patch(&fits, 60_000)).await.unwrap());
        assert!(store.cycle(&key, &new, &patch(&fits, 60_000)).await.unwrap());
        let index = lock(&store.inner.shards[0]).deadlines.heap();
        assert_eq!(store.bytes(), RECORD_OVERHEAD + FIELD_OVERHEAD + "cart".len() + per_session / 2 + index);
    }

    /// A session that would fit its shard only without its entry in the deadline index is refused, as too
    /// large, changing nothing: taken, it would evict every other session, and then itself.
    #[tokio::test]
    async fn a_session_that_fits_only_without_its_index_entry_is_refused() {
        let max_bytes = MIN_BYTES_PER_SHARD;
        let store = MemoryStore::default().with_max_bytes(max_bytes);
        let keys = keys_in_one_shard(2);
        store.create(&keys[0], &record(60_000)).await.unwrap();
        let value = max_bytes - RECORD_OVERHEAD - FIELD_OVERHEAD - "a".len() - deadlines::NEW_BUCKET_BYTES / 2;
        let large = |now: u64| {
            let fields = HashMap::from([("a".to_owned(), vec![b'x'; value])]);
            Arc::new(Record { fields, created_at: now, last_seen: now, expires_at: now + 60_000, owner: None })
        };
        let error = store.create(&keys[1], &large(now_millis())).await.unwrap_err();
        assert!(error.is_too_large(), "{error}");
        assert_eq!(store.len(), 1, "the refused session evicted another");
        let error = store.save(&keys[0], &patch(&[("a", Some(vec![b'x'; value]))], 60_000)).await.unwrap_err();
        assert!(error.is_too_large(), "{error}");
        assert!(store.load(&keys[0]).await.unwrap().is_some(), "the refused save lost the session");
    }

    #[tokio::test]
    async fn a_deadline_extended_by_a_save_still_counts_for_eviction_and_expiry() {
        let store = MemoryStore::default().with_max_sessions(2);
        let keys = keys_in_one_shard(3);
        store.create(&keys[0], &record(60_000)).await.unwrap();
        // Extended past the record that comes next, so that one is now closest to expiry.
        assert!(store.save(&keys[0], &patch(&[], 600_000)).await.unwrap());
        store.create(&keys[1], &record(120_000)).await.unwrap();
        store.create(&keys[2], &record(180_000)).await.unwrap();
        assert!(store.load(&keys[0]).await.unwrap().is_some(), "evicted by its stale deadline");
        assert!(store.load(&keys[1]).await.unwrap().is_none(), "the record closest to expiry makes room");

        // A save that shortens the deadline on purpose takes effect at once.
        let shortened = |changes| Patch { replaces_deadline: true, ..patch(changes, 1) };
        assert!(store.save(&keys[0], &shortened(&[])).await.unwrap());
        assert!(store.save(&keys[2], &shortened(&[])).await.unwrap());
        std::thread::sleep(std::time::Duration::from_millis(deadlines::GRAIN_MS + 5));
        store.purge_expired();
        assert_eq!((store.len(), store.bytes()), (0, 0));
    }

    /// A session whose deadline was shortened is in the index twice, under its old bucket too; a save that
    /// grows it and makes room past both keeps it filed under the one that counts, so the sweep finds it.
    #[tokio::test]
    async fn a_shortened_session_that_grows_stays_filed_under_its_deadline() {
        let store = MemoryStore::default().with_max_bytes(20_000);
        let keys = keys_in_one_shard(3);
        let shortened = |changes, expires_in| Patch { replaces_deadline: true, ..patch(changes, expires_in) };
        store.create(&keys[0], &record(600_000)).await.unwrap();
        assert!(store.save(&keys[0], &shortened(&[], 300_000)).await.unwrap());
        store.create(&keys[1], &record(400_000)).await.unwrap();
        let mut large = Record::clone(&record(900_000));
        large.fields.insert("cart".to_owned(), vec![0; 12_000]);
        store.create(&keys[2], &Arc::new(large)).await.unwrap();

        let grown = [("cart", Some(vec![1; 12_000]))];
        assert!(store.save(&keys[0], &shortened(&grown, 1)).await.unwrap());
        assert_eq!(store.len(), 1, "the two others made room");
        std::thread::sleep(std::time::Duration::from_millis(deadlines::GRAIN_MS + 5));
        store.purge_expired();
        assert_eq!(store.len(), 0, "the ended session was left out of the deadline index");
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
        let indexed: usize = store.inner.shards.iter().map(|shard| lock(shard).deadlines.len()).sum();
        assert!(indexed <= MAX_SHARDS * 65, "{indexed} index entries for no sessions");
    }

    #[tokio::test]
    async fn a_loaded_record_is_shared_and_a_save_leaves_the_requests_copy_alone() {
        let store = MemoryStore::default();
        let key = SessionId::generate().store_key();
        let created = record(60_000);
        store.create(&key, &created).await.unwrap();
        let held = store.load(&key).await.unwrap().unwrap();
        assert!(Arc::ptr_eq(&held, &created), "loading shares the stored record");
        let changes = [("a", Some(b"2".to_vec()))];
        assert!(store.save(&key, &patch(&changes, 60_000)).await.unwrap());
        assert_eq!(held.fields["a"], b"1", "a request's copy never changes under it");
        assert_eq!(store.load(&key).await.unwrap().unwrap().fields["a"], b"2");
    }
}
