//! Server-side session stores: the [`SessionStore`] trait, the embedded [`MemoryStore`], `SqliteStore`
//! (feature `sqlite`), `PostgresStore` (feature `postgres`), `RedisStore` (feature `redis`), and the
//! conformance suite every store should pass (`conformance`, feature `conformance`).
//!
//! A store keeps [`Record`]s under the [`StoreKey`] (a hash) of a session id. The trait is the whole
//! path: the layer calls these seven methods and nothing else, and the conformance suite runs each of
//! them against every store.
//!
//! A record may have an owner ([`Record::owner`], set by a `#[session(owner)]` field): the store keeps
//! an index from [`OwnerKey`] to the store keys of that owner's records, written in the same atomic step
//! as the record itself, so that [`owner_sessions`](SessionStore::owner_sessions) and
//! [`revoke_owner`](SessionStore::revoke_owner) can find them.

mod clock;
#[cfg(feature = "conformance")]
pub mod conformance;
mod memory;
mod owner;
#[cfg(feature = "postgres")]
mod postgres;
mod record;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use clock::now_millis;
pub use memory::MemoryStore;
pub use owner::{OwnedSession, OwnerChange, OwnerKey};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use record::{Patch, Record};
#[cfg(feature = "redis")]
pub use redis::RedisStore;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use sql::CleanupTask;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use std::{future::Future, pin::Pin, sync::Arc};

use crate::{id::StoreKey, StoreError};

/// Where `#[session]` fields live.
///
/// Each method must be atomic: requests of one visitor run concurrently, and a store that reads, changes
/// and writes back in separate steps loses their updates. Those a request makes (`load`, `create`, `save`,
/// `delete`, `cycle`) should be one round trip each; the owner methods, which pages such as "your devices"
/// call, may take more (in-tree, PostgreSQL's `revoke_owner` is a short transaction).
/// A record whose [`expires_at`](Record::expires_at) has passed must read as absent, and no write may
/// bring it back, whatever the store does to reclaim it: a write is judged live or not by the clock when
/// it is called (a write that waits for a lock meanwhile may still land, within the store's timeout).
/// Times are milliseconds since the Unix epoch on the app's clock ([`now_millis`]), which a store compares
/// with, not with a clock of its own.
///
/// Records travel behind an [`Arc`]: a store that keeps them in memory can hand out the one it holds,
/// and one that reads them from elsewhere wraps what it read (`Arc::new(record)`).
///
/// A record may have no fields at all: before it gives a session a new id, the layer stores such a record
/// for a minute under a key derived from the old one, to recognise requests still carrying the old id.
/// It must load as stored, like any other.
pub trait SessionStore: Clone + Send + Sync + 'static {
    /// The record under `key`, or `None` if there is none or it has expired. A record it holds but cannot
    /// make sense of fails with [`StoreError::unreadable`], which the layer answers by starting over.
    fn load(&self, key: &StoreKey) -> impl Future<Output = Result<Option<Arc<Record>>, StoreError>> + Send;

    /// Stores a new record under `key`, listed under its [`owner`](Record::owner) if it has one. Returns
    /// `false`, changing nothing, if a live record is already there (an id collision), so a session can
    /// never be taken over by creating over it. An ended record it replaces leaves its owner's list.
    fn create(&self, key: &StoreKey, record: &Arc<Record>) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Applies `patch` to the live record under `key`, touching only the fields it names, and sets its
    /// times (the deadline only later, unless [`Patch::replaces_deadline`]; the creation time only if
    /// [`Patch::created_at`] gives one) and, unless the patch keeps it, its owner (moving it between
    /// owners' lists in the same step).
    /// Returns `false`, changing nothing, if there is no live record.
    fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes the record under `key`, if any, and its entry in its owner's list. Returns whether there was
    /// one (an ended record the store still held may count either way): `false` after a `cycle` moved it or
    /// another delete took it, which tells a logout that lost a race with a sign-in from one that ended the
    /// session.
    fn delete(&self, key: &StoreKey) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Moves the live record under `old` to `new`, applying `patch` on the way (as [`save`](Self::save)
    /// would; its creation time and owner stay unless the patch changes them, so the owner's list
    /// names `new` instead of `old`), and deletes `old`, all at once. Returns `false`, changing
    /// nothing, if there is no live record under `old` (the session ended meanwhile: a logout, another
    /// request's cycle) or if `new` holds a live record. So an ended session is never brought back under a
    /// new id, and two requests that cycle one session at the same time cannot split it in two.
    fn cycle(
        &self,
        old: &StoreKey,
        new: &StoreKey,
        patch: &Patch<'_>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The live records of `owner`: each one's key and times, in no particular order. A record is listed
    /// from the moment a `create`, `save` or `cycle` gives it this owner until it ends (expiry, `delete`,
    /// revocation) or a patch gives it another owner or none; it follows its record through `cycle`.
    /// Expired records are never listed, and a store may drop them from its index here.
    fn owner_sessions(&self, owner: &OwnerKey) -> impl Future<Output = Result<Vec<OwnedSession>, StoreError>> + Send;

    /// Deletes every live record of `owner` except the one under `except`, and returns how many it
    /// deleted: "sign out everywhere else" for the session under `except`, or everywhere when it is
    /// `None`. Atomic against the other operations: a `save` or `cycle` of one of these records that
    /// comes after it finds no record (and returns `false`), so a revoked session never comes back.
    ///
    /// `None`, deleting nothing, when `except` names no live record: the session that asked has ended, or
    /// another request moved it to a new key, which would otherwise be deleted as one of the others.
    fn revoke_owner(
        &self,
        owner: &OwnerKey,
        except: Option<&StoreKey>,
    ) -> impl Future<Output = Result<Option<usize>, StoreError>> + Send;
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The store calls a handle makes during a request, behind a trait object, so that generated handles
/// need not be generic over the store: loading, and an owner's list and revocations. Commits happen in
/// the layer, which knows the store's type.
pub(crate) trait LoadRecord: Send + Sync {
    fn load<'a>(&'a self, key: &'a StoreKey) -> BoxFuture<'a, Result<Option<Arc<Record>>, StoreError>>;

    fn owner_sessions<'a>(&'a self, owner: &'a OwnerKey) -> BoxFuture<'a, Result<Vec<OwnedSession>, StoreError>>;

    fn revoke_owner<'a>(
        &'a self,
        owner: &'a OwnerKey,
        except: Option<&'a StoreKey>,
    ) -> BoxFuture<'a, Result<Option<usize>, StoreError>>;

    fn delete<'a>(&'a self, key: &'a StoreKey) -> BoxFuture<'a, Result<bool, StoreError>>;
}

impl<S: SessionStore> LoadRecord for S {
    fn load<'a>(&'a self, key: &'a StoreKey) -> BoxFuture<'a, Result<Option<Arc<Record>>, StoreError>> {
        Box::pin(SessionStore::load(self, key))
    }

    fn owner_sessions<'a>(&'a self, owner: &'a OwnerKey) -> BoxFuture<'a, Result<Vec<OwnedSession>, StoreError>> {
        Box::pin(SessionStore::owner_sessions(self, owner))
    }

    fn revoke_owner<'a>(
        &'a self,
        owner: &'a OwnerKey,
        except: Option<&'a StoreKey>,
    ) -> BoxFuture<'a, Result<Option<usize>, StoreError>> {
        Box::pin(SessionStore::revoke_owner(self, owner, except))
    }

    fn delete<'a>(&'a self, key: &'a StoreKey) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(SessionStore::delete(self, key))
    }
}
