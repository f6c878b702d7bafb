//! Stores for tests: [`CountingStore`] counts every round trip, [`FaultyStore`] fails on demand,
//! [`SlowStore`] takes its time to load.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use session_core::{
    store::{OwnedSession, OwnerKey, Patch, Record},
    SessionStore, StoreError, StoreKey,
};

/// Round trips made to a [`CountingStore`], by operation.
#[derive(Debug, Default)]
pub struct Calls {
    /// `load` calls.
    pub load: AtomicUsize,
    /// `create` calls.
    pub create: AtomicUsize,
    /// `save` calls.
    pub save: AtomicUsize,
    /// `delete` calls.
    pub delete: AtomicUsize,
    /// `cycle` calls.
    pub cycle: AtomicUsize,
    /// `owner_sessions` calls.
    pub owner_sessions: AtomicUsize,
    /// `revoke_owner` calls.
    pub revoke_owner: AtomicUsize,
}

/// A snapshot of [`Calls`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// `load` calls.
    pub load: usize,
    /// `create` calls.
    pub create: usize,
    /// `save` calls.
    pub save: usize,
    /// `delete` calls.
    pub delete: usize,
    /// `cycle` calls.
    pub cycle: usize,
    /// `owner_sessions` calls.
    pub owner_sessions: usize,
    /// `revoke_owner` calls.
    pub revoke_owner: usize,
}

impl CallCounts {
    /// Every round trip.
    pub fn total(&self) -> usize {
        self.load + self.create + self.save + self.delete + self.cycle + self.owner_sessions + self.revoke_owner
    }

    /// Round trips that change the store.
    pub fn writes(&self) -> usize {
        self.create + self.save + self.delete + self.cycle + self.revoke_owner
    }
}

/// Wraps a store and counts the calls made to it.
#[derive(Clone, Debug)]
pub struct CountingStore<S> {
    inner: S,
    calls: Arc<Calls>,
}

impl<S> CountingStore<S> {
    /// Counts the calls made to `inner`, from zero.
    pub fn new(inner: S) -> Self {
        CountingStore { inner, calls: Arc::default() }
    }

    /// The wrapped store, for looking at it without counting.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The counts so far.
    pub fn counts(&self) -> CallCounts {
        let c = &self.calls;
        CallCounts {
            load: c.load.load(Ordering::SeqCst),
            create: c.create.load(Ordering::SeqCst),
            save: c.save.load(Ordering::SeqCst),
            delete: c.delete.load(Ordering::SeqCst),
            cycle: c.cycle.load(Ordering::SeqCst),
            owner_sessions: c.owner_sessions.load(Ordering::SeqCst),
            revoke_owner: c.revoke_owner.load(Ordering::SeqCst),
        }
    }

    /// The counts so far, and zero them.
    pub fn take_counts(&self) -> CallCounts {
        let counts = self.counts();
        let c = &self.calls;
        for counter in [&c.load, &c.create, &c.save, &c.delete, &c.cycle, &c.owner_sessions, &c.revoke_owner] {
            counter.store(0, Ordering::SeqCst);
        }
        counts
    }
}

impl<S: SessionStore> SessionStore for CountingStore<S> {
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        self.calls.load.fetch_add(1, Ordering::SeqCst);
        self.inner.load(key).await
    }

    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        self.calls.create.fetch_add(1, Ordering::SeqCst);
        self.inner.create(key, record).await
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        self.calls.save.fetch_add(1, Ordering::SeqCst);
        self.inner.save(key, patch).await
    }

    async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        self.calls.delete.fetch_add(1, Ordering::SeqCst);
        self.inner.delete(key).await
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        self.calls.cycle.fetch_add(1, Ordering::SeqCst);
        self.inner.cycle(old, new, patch).await
    }

    async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
        self.calls.owner_sessions.fetch_add(1, Ordering::SeqCst);
        self.inner.owner_sessions(owner).await
    }

    async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
        self.calls.revoke_owner.fetch_add(1, Ordering::SeqCst);
        self.inner.revoke_owner(owner, except).await
    }
}

/// Wraps a store and fails every call while it is switched off.
#[derive(Clone, Debug)]
pub struct FaultyStore<S> {
    inner: S,
    down: Arc<AtomicBool>,
}

impl<S> FaultyStore<S> {
    /// `inner`, switched on: calls pass through until [`FaultyStore::set_down`] says otherwise.
    pub fn new(inner: S) -> Self {
        FaultyStore { inner, down: Arc::default() }
    }

    /// Makes every call fail (`true`) or pass through (`false`).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            Err(StoreError::new("connection refused (injected fault)"))
        } else {
            Ok(())
        }
    }
}

impl<S: SessionStore> SessionStore for FaultyStore<S> {
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        self.check()?;
        self.inner.load(key).await
    }

    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.create(key, record).await
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.save(key, patch).await
    }

    async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.delete(key).await
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.cycle(old, new, patch).await
    }

    async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
        self.check()?;
        self.inner.owner_sessions(owner).await
    }

    async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
        self.check()?;
        self.inner.revoke_owner(owner, except).await
    }
}

/// Wraps a store and waits before every load, as a store across a network does, so that the
/// accessors of one request can overlap.
#[derive(Clone, Debug)]
pub struct SlowStore<S> {
    inner: S,
    delay: Duration,
}

impl<S> SlowStore<S> {
    /// `inner`, each load of which first waits `delay`.
    pub fn new(inner: S, delay: Duration) -> Self {
        SlowStore { inner, delay }
    }
}

impl<S: SessionStore> SessionStore for SlowStore<S> {
    async fn load(&self, key: &StoreKey) -> Result<Option<Arc<Record>>, StoreError> {
        tokio::time::sleep(self.delay).await;
        self.inner.load(key).await
    }

    async fn create(&self, key: &StoreKey, record: &Arc<Record>) -> Result<bool, StoreError> {
        self.inner.create(key, record).await
    }

    async fn save(&self, key: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        self.inner.save(key, patch).await
    }

    async fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        self.inner.delete(key).await
    }

    async fn cycle(&self, old: &StoreKey, new: &StoreKey, patch: &Patch<'_>) -> Result<bool, StoreError> {
        self.inner.cycle(old, new, patch).await
    }

    async fn owner_sessions(&self, owner: &OwnerKey) -> Result<Vec<OwnedSession>, StoreError> {
        self.inner.owner_sessions(owner).await
    }

    async fn revoke_owner(&self, owner: &OwnerKey, except: Option<&StoreKey>) -> Result<Option<usize>, StoreError> {
        self.inner.revoke_owner(owner, except).await
    }
}
