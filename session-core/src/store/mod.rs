//! Server-side session stores: the [`SessionStore`] trait, the embedded [`MemoryStore`], `RedisStore`
//! (feature `redis`), and the conformance suite every store should pass (`conformance`, feature
//! `conformance`).
//!
//! A store keeps [`Record`]s under the [`StoreKey`] (hash) of a session id. It is small on purpose: five
//! operations, each one round trip, and field-level saves so concurrent requests never undo each other.

mod clock;
#[cfg(feature = "conformance")]
pub mod conformance;
mod loaded;
mod memory;
mod record;
#[cfg(feature = "redis")]
mod redis;

pub use clock::now_millis;
#[doc(hidden)]
pub use loaded::LoadedRecord;
pub use memory::MemoryStore;
pub use record::{Patch, Record};
#[cfg(feature = "redis")]
pub use redis::RedisStore;

use std::{future::Future, pin::Pin};

use crate::{id::StoreKey, StoreError};

/// Where `#[session]` fields live.
///
/// Every method is one round trip. Records whose `expires_at` has passed must read as absent, whatever
/// the store does to reclaim them.
pub trait SessionStore: Clone + Send + Sync + 'static {
    /// The record under `key`, or `None` if there is none or it has expired.
    fn load(&self, key: &StoreKey) -> impl Future<Output = Result<Option<Record>, StoreError>> + Send;

    /// Stores a new record under `key`. Returns `false`, changing nothing, if a live record is already there
    /// (an id collision), so a session can never be taken over by creating over it.
    fn create(&self, key: &StoreKey, record: &Record) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Applies `patch` to the live record under `key`, atomically, touching only the fields it names.
    /// Returns `false`, changing nothing, if there is no live record.
    fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes the record under `key`, if any.
    fn delete(&self, key: &StoreKey) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// True for a store whose futures are ready when first polled, because it needs no I/O
    /// (`MemoryStore`): the layer then runs a commit where it stands instead of boxing it to wait. Leave it
    /// false: a store that sets it and then waits has its commit reported as failed.
    #[doc(hidden)]
    const ANSWERS_AT_ONCE: bool = false;

    /// [`load`](Self::load) answered on the spot, at the request's clock `now`, by a store that needs no
    /// I/O; `None` (the default) means "call `load`". Implement `load`, not this: it exists so that
    /// `MemoryStore` can share a record with the request instead of copying it, without a future.
    #[doc(hidden)]
    fn load_ready(&self, key: &StoreKey, now: u64) -> Option<Result<Option<LoadedRecord>, StoreError>> {
        let _ = (key, now);
        None
    }

    /// [`load`](Self::load) in the form the layer keeps for a request, for a store that can build it with
    /// less copying than a [`Record`]'s map (`RedisStore` packs the reply into one block). Implement
    /// `load`, not this.
    #[doc(hidden)]
    fn load_for_request(
        &self,
        key: &StoreKey,
    ) -> impl Future<Output = Result<Option<LoadedRecord>, StoreError>> + Send {
        let load = self.load(key);
        async move { Ok(load.await?.map(LoadedRecord::from)) }
    }

    /// [`save`](Self::save) at the request's clock `now`, so one request reads the clock once. Implement
    /// `save`, not this.
    #[doc(hidden)]
    fn save_at(
        &self,
        key: &StoreKey,
        patch: &Patch<'_>,
        now: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let _ = now;
        self.save(key, patch)
    }

    /// [`create`](Self::create) of a record holding what `patch` sets, created at `now`, without building a
    /// [`Record`] first when the store has a form of its own. Implement `create`, not this.
    #[doc(hidden)]
    fn create_at(
        &self,
        key: &StoreKey,
        patch: &Patch<'_>,
        now: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let mut record = Record { created_at: now, ..Record::default() };
        record.apply(patch);
        async move { self.create(key, &record).await }
    }

    /// Moves a session to a new id: `record` is created under `new` and `old` is deleted. Returns `false` if
    /// `new` is taken. The default creates first, so a failure never loses the session; stores that can
    /// should do both in one round trip.
    fn cycle(
        &self,
        old: &StoreKey,
        new: &StoreKey,
        record: &Record,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        async move {
            if !self.create(new, record).await? {
                return Ok(false);
            }
            self.delete(old).await?;
            Ok(true)
        }
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The part of a store that request handles call, object-safe so that generated handles need not be
/// generic over the store. Only loading goes through it; saves happen in the layer, which knows the type.
pub(crate) trait LoadRecord: Send + Sync {
    /// The record, if the store can tell without waiting (see [`SessionStore::load_ready`]).
    fn load_ready(&self, key: &StoreKey, now: u64) -> Option<Result<Option<LoadedRecord>, StoreError>>;

    fn load<'a>(&'a self, key: &'a StoreKey) -> BoxFuture<'a, Result<Option<LoadedRecord>, StoreError>>;
}

impl<S: SessionStore> LoadRecord for S {
    fn load_ready(&self, key: &StoreKey, now: u64) -> Option<Result<Option<LoadedRecord>, StoreError>> {
        SessionStore::load_ready(self, key, now)
    }

    fn load<'a>(&'a self, key: &'a StoreKey) -> BoxFuture<'a, Result<Option<LoadedRecord>, StoreError>> {
        Box::pin(SessionStore::load_for_request(self, key))
    }
}
