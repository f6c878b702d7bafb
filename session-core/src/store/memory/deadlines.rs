//! The deadline index of a [`MemoryStore`](super::MemoryStore) shard: which records may have expired.
//!
//! Keys are filed in buckets of [`GRAIN_MS`] by their deadline, rounded up, so a bucket whose time has
//! come holds only records whose filed deadline has passed. New deadlines almost always land in the
//! newest bucket (they are "now plus the idle timeout"), so filing is a push onto a vector, not a tree
//! insertion. Entries are never removed one by one: a record that is deleted, or filed again under
//! another deadline, leaves a stale entry that its owner skips, and the index is rebuilt once stale
//! entries outnumber live ones, so it stays within twice the record count.
//!
//! The index counts the heap it holds, which the store's byte bound includes: on a site whose visitors
//! arrive more than a bucket apart, each session (and each stale entry) has a bucket of its own, which
//! costs several times the key it holds.

use std::{
    collections::{btree_map, BTreeMap},
    mem::size_of,
};

use crate::id::StoreKey;

/// Width of a bucket. Expired records are reclaimed at most this late (reads check the exact deadline).
pub(super) const GRAIN_MS: u64 = 64;

/// Bytes a bucket takes besides its vector's keys: its deadline and vector in a node of the tree, at
/// the half-full nodes that filing in order leaves, and its share of the nodes above. Measured (a test
/// holds the store's heap to what it counts with a bucket per session).
const BUCKET_OVERHEAD: usize = 96;

/// The most a session's first entry adds to the index: a bucket of its own, with the vector's first
/// room (four keys, as `Vec` first allocates for keys of this size).
pub(super) const NEW_BUCKET_BYTES: usize = BUCKET_OVERHEAD + 4 * size_of::<StoreKey>();

#[derive(Debug, Default)]
pub(super) struct Deadlines {
    buckets: BTreeMap<u64, Vec<StoreKey>>,
    /// Entries over all buckets, stale ones included.
    len: usize,
    /// The heap the buckets hold, as [`BUCKET_OVERHEAD`] and their vectors' capacities count it.
    heap: usize,
}

/// The heap a bucket of `keys` holds.
fn bucket_heap(keys: &Vec<StoreKey>) -> usize {
    BUCKET_OVERHEAD + keys.capacity() * size_of::<StoreKey>()
}

/// The bucket a deadline (milliseconds since the Unix epoch) is filed in.
pub(super) fn bucket_of(deadline: u64) -> u64 {
    deadline.div_ceil(GRAIN_MS)
}

impl Deadlines {
    /// Files `key` in `bucket`.
    pub(super) fn file(&mut self, bucket: u64, key: StoreKey) {
        self.len += 1;
        let keys = match self.buckets.last_entry() {
            Some(newest) if *newest.key() == bucket => newest.into_mut(),
            _ => match self.buckets.entry(bucket) {
                btree_map::Entry::Occupied(filed) => filed.into_mut(),
                btree_map::Entry::Vacant(new) => new.insert(Vec::new()),
            },
        };
        let (capacity, new_bucket) = (keys.capacity(), keys.is_empty());
        keys.push(key);
        self.heap +=
            (keys.capacity() - capacity) * size_of::<StoreKey>() + if new_bucket { BUCKET_OVERHEAD } else { 0 };
    }

    /// Takes out the earliest bucket if its time has come at `now`, with its keys.
    pub(super) fn pop_due(&mut self, now: u64) -> Option<(u64, Vec<StoreKey>)> {
        let first = self.buckets.first_entry()?;
        if first.key().saturating_mul(GRAIN_MS) > now {
            return None;
        }
        let (bucket, keys) = first.remove_entry();
        self.len -= keys.len();
        self.heap -= bucket_heap(&keys);
        Some((bucket, keys))
    }

    /// Takes out one key of the earliest bucket, due or not: the candidate for eviction.
    pub(super) fn pop_earliest(&mut self) -> Option<(u64, StoreKey)> {
        let mut first = self.buckets.first_entry()?;
        let bucket = *first.key();
        let key = first.get_mut().pop();
        if first.get().is_empty() {
            self.heap -= bucket_heap(&first.remove());
        }
        let key = key?;
        self.len -= 1;
        Some((bucket, key))
    }

    /// Entries held, stale ones included.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The heap the index holds, which the store counts against its byte bound.
    pub(super) fn heap(&self) -> usize {
        self.heap
    }

    /// Drops every entry, to refile the live ones.
    pub(super) fn clear(&mut self) {
        self.buckets.clear();
        self.len = 0;
        self.heap = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> StoreKey {
        StoreKey::from_bytes([byte; 32])
    }

    #[test]
    fn buckets_come_due_in_order_and_only_when_their_time_has_passed() {
        let mut index = Deadlines::default();
        index.file(bucket_of(1_024), key(1)); // 1024 is a bucket boundary: 16 * 64
        index.file(bucket_of(5_000), key(2));
        index.file(bucket_of(1_030), key(3)); // rounds up into the next bucket, due at 1088
        assert_eq!(index.len(), 3);
        assert!(index.pop_due(1_023).is_none());
        assert_eq!(index.pop_due(1_024), Some((bucket_of(1_024), vec![key(1)])));
        assert!(index.pop_due(1_030).is_none(), "a bucket is due only once its whole span has passed");
        assert_eq!(index.pop_due(1_088), Some((bucket_of(1_030), vec![key(3)])));
        assert_eq!(index.pop_earliest(), Some((bucket_of(5_000), key(2))));
        assert_eq!((index.len(), index.pop_earliest()), (0, None));
    }
}
