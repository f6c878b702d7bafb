//! [`RawSession`]: one request's session, shared by every handle the request extracts.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, Mutex, MutexGuard,
};

use serde::de::DeserializeOwned;

use super::{
    cookies::{CookieLog, IncomingId},
    record_state::{Loaded, Pending, RecordState},
};
use crate::{
    __private::SessionField,
    cookie::CookieHeader,
    layer::Shared,
    store::{now_millis, Patch, SessionStore},
    Error, SessionId, StoreError,
};

/// One request's session. Generated handles wrap it; users never name it.
#[doc(hidden)]
#[derive(Clone)]
pub struct RawSession(pub(super) Arc<RequestSession>);

pub(super) struct RequestSession {
    pub(super) shared: Arc<Shared>,
    /// The request's `Cookie` headers, indexed on the first lookup.
    pub(super) cookie_header: CookieHeader,
    pub(super) cookie_log: Mutex<CookieLog>,
    /// Set before this request first records a cookie change in `cookie_log`.
    pub(super) cookies_changed: AtomicBool,
    /// Whether cookies set for this request carry `Secure` (see `SessionLayer::with_secure`).
    pub(super) secure: bool,
    /// Set by the first `#[session]` access: a request that never touches the session costs no commit.
    touched: AtomicBool,
    state: Mutex<RecordState>,
    /// Wakes the accessors that waited for another accessor's load (see `RecordState::loading`), so
    /// concurrent accessors of one request load the record once.
    load_ended: tokio::sync::Notify,
}

/// How many new ids to try when the store reports a collision (with 128-bit ids, never in practice).
const CREATE_ATTEMPTS: usize = 3;

impl RawSession {
    pub(crate) fn new(shared: Arc<Shared>, cookie_header: CookieHeader, secure: bool) -> Self {
        RawSession(Arc::new(RequestSession {
            shared,
            cookie_header,
            cookie_log: Mutex::default(),
            cookies_changed: AtomicBool::new(false),
            secure,
            touched: AtomicBool::new(false),
            state: Mutex::default(),
            load_ended: tokio::sync::Notify::const_new(),
        }))
    }

    fn state(&self) -> MutexGuard<'_, RecordState> {
        // Bookkeeping never panics halfway, so a poisoned lock still holds consistent data.
        self.0.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The session id: the one this request gave the session (new, or cycled), else the live one it
    /// loaded, else, before loading, the authentic one the browser sent. `None` for a visitor without a
    /// session.
    pub fn id(&self) -> Option<SessionId> {
        let state = self.state();
        if let Some(id) = state.new_id.clone().or_else(|| state.existing_id().cloned()) {
            return Some(id);
        }
        match state.loaded {
            Some(_) => None,
            None => match self.incoming_id() {
                IncomingId::Valid { id, .. } => Some(id),
                _ => None,
            },
        }
    }

    /// Reads a `#[session]` field. A stored value that no longer decodes as `T` reads as `None`.
    pub async fn get<F: SessionField>(&self) -> Result<Option<F::Value>, Error> {
        let field = F::KEY;
        self.ensure_loaded().await?;
        let state = self.state();
        Ok(state.current(field).and_then(|bytes| decode_field(field, bytes)))
    }

    /// Sets a `#[session]` field; stored when the response leaves.
    pub async fn set<F: SessionField>(&self, value: &F::Value) -> Result<(), Error> {
        let field = F::KEY;
        let bytes = serde_json::to_vec(value).map_err(|source| Error::Serialize { field, source })?;
        self.ensure_loaded().await?;
        self.state().change(field, Some(bytes));
        Ok(())
    }

    /// Removes a `#[session]` field.
    pub async fn remove<F: SessionField>(&self) -> Result<(), Error> {
        let field = F::KEY;
        self.ensure_loaded().await?;
        self.state().change(field, None);
        Ok(())
    }

    /// Reads a flash field and removes it, so it is seen once.
    pub async fn take<F: SessionField>(&self) -> Result<Option<F::Value>, Error> {
        let field = F::KEY;
        self.ensure_loaded().await?;
        let mut state = self.state();
        let value = state.current(field).and_then(|bytes| decode_field(field, bytes));
        state.change(field, None);
        Ok(value)
    }

    /// Gives the session a new id, keeping its data; the old id stops working when the response leaves.
    pub async fn cycle_id(&self) -> Result<(), Error> {
        self.ensure_loaded().await?;
        let mut state = self.state();
        if let Some(id) = state.existing_id().cloned() {
            if matches!(state.pending, Pending::None) {
                state.pending = Pending::Cycle { old: id };
            }
            state.new_id = Some(SessionId::generate());
        }
        Ok(())
    }

    /// Ends the session: its record is deleted and the id cookie cleared when the response leaves.
    pub async fn destroy(&self) -> Result<(), Error> {
        self.0.touched.store(true, Ordering::Relaxed);
        let incoming = match self.incoming_id() {
            IncomingId::Valid { id, .. } => Some(id),
            _ => None,
        };
        let mut state = self.state();
        let old = match std::mem::take(&mut state.pending) {
            Pending::Cycle { old } => Some(old.store_key()),
            Pending::Destroy { old } => Some(old),
            Pending::None => state.existing_id().or(incoming.as_ref()).map(SessionId::store_key),
        };
        let rejected_cookie = old.is_some() || self.has_id_cookie();
        state.pending = old.map_or(Pending::None, |old| Pending::Destroy { old });
        state.loaded = Some(Loaded::Fresh { rejected_cookie, expired: None });
        state.changes.clear();
        state.new_id = None;
        Ok(())
    }

    async fn ensure_loaded(&self) -> Result<(), Error> {
        self.0.touched.store(true, Ordering::Relaxed);
        loop {
            let wait = {
                let mut state = self.state();
                if state.loaded.is_some() {
                    return Ok(());
                }
                if !state.loading {
                    state.loading = true;
                    break;
                }
                state.awaited = true;
                // Made while the lock is held, so the loader's wake-up cannot come before it.
                self.0.load_ended.notified()
            };
            // Loaded, or failed (then this accessor tries in turn).
            wait.await;
        }
        // Ends the load whatever happens: on an error, or if this accessor's future is dropped, the
        // others stop waiting.
        let mut loading = LoadInProgress { session: self, loaded: None };
        loading.loaded = Some(self.load().await?);
        Ok(())
    }

    async fn load(&self) -> Result<Loaded, Error> {
        let (id, reissue) = match self.incoming_id() {
            IncomingId::Absent => return Ok(Loaded::Fresh { rejected_cookie: false, expired: None }),
            IncomingId::Rejected => {
                tracing::debug!("session id cookie failed verification; starting a new session");
                return Ok(Loaded::Fresh { rejected_cookie: true, expired: None });
            }
            IncomingId::Valid { id, verified_with_previous_key } => (id, verified_with_previous_key),
        };
        let key = id.store_key();
        let now = now_millis();
        let loader = &self.0.shared.loader;
        let found = match loader.load_ready(&key, now) {
            Some(found) => found?,
            None => loader.load(&key).await?,
        };
        match found {
            Some(record) if record.expires_at() > now && !self.0.shared.past_absolute(record.created_at(), now) => {
                if reissue {
                    self.set_id_cookie(&id);
                }
                Ok(Loaded::Existing { id, key, record, loaded_at: now })
            }
            Some(_) => {
                tracing::debug!(session = %id.short_hash(), "session expired");
                Ok(Loaded::Fresh { rejected_cookie: true, expired: Some(key) })
            }
            None => {
                tracing::debug!(session = %id.short_hash(), "unknown or expired session id; starting a new session");
                Ok(Loaded::Fresh { rejected_cookie: true, expired: None })
            }
        }
    }

    /// True once a `#[session]` accessor, `cycle_id` or `destroy` ran: only then is there anything to commit.
    pub(crate) fn touched(&self) -> bool {
        self.0.touched.load(Ordering::Relaxed)
    }

    /// Finishes the commit here and now when it needs no store call: nothing changed, no idle refresh
    /// due, nothing to delete. Returns whether the id cookie was cleared, or `None` when the store must be
    /// called: then [`commit`](Self::commit) does the work. Most requests that only read end here, so
    /// they cost no store round trip and no extra future.
    pub(crate) fn commit_without_store(&self) -> Option<bool> {
        let mut state = self.state();
        let clears_cookie = match (&state.pending, &state.loaded) {
            (Pending::None, None) => false,
            (Pending::None, Some(Loaded::Existing { record, loaded_at, .. })) => {
                let (_, refresh_due) = self.0.shared.renewed_deadline(record, *loaded_at);
                if refresh_due || !state.changes.is_empty() {
                    return None;
                }
                false
            }
            (Pending::None, Some(Loaded::Fresh { rejected_cookie, expired: None })) => {
                if state.changes.iter().any(|(_, value)| value.is_some()) {
                    return None;
                }
                *rejected_cookie
            }
            _ => return None,
        };
        *state = RecordState::default();
        drop(state);
        if clears_cookie {
            self.clear_id_cookie();
        }
        Some(clears_cookie)
    }

    /// Writes what the handler changed, in at most one store write (plus a delete when the session
    /// changes id), and queues the id cookie. Returns whether the id cookie was set or cleared.
    pub(crate) async fn commit<S: SessionStore>(&self, store: &S) -> Result<bool, Error> {
        let state = std::mem::take(&mut *self.state());
        let shared = &self.0.shared;
        let now = now_millis();
        let RecordState { loaded, changes, pending, new_id, .. } = state;
        match (pending, loaded) {
            (Pending::Destroy { old }, _) => {
                store.delete(&old).await?;
                tracing::info!(session = %old.to_hex()[..8], "session destroyed");
                if !self.create(store, &changes, now).await? {
                    self.clear_id_cookie();
                }
                Ok(true)
            }
            (Pending::Cycle { old }, Some(Loaded::Existing { record, .. })) => {
                let mut record = record.into_record();
                let expires_at = shared.deadline(record.created_at, now);
                record.apply(&Patch { changes: &changes, expires_at });
                let mut new_id = new_id.unwrap_or_else(SessionId::generate);
                for _ in 0..CREATE_ATTEMPTS {
                    if store.cycle(&old.store_key(), &new_id.store_key(), &record).await? {
                        tracing::info!(from = %old.short_hash(), to = %new_id.short_hash(), "session id cycled");
                        self.set_id_cookie(&new_id);
                        return Ok(true);
                    }
                    new_id = SessionId::generate();
                }
                Err(StoreError::new("no free session id after several attempts").into())
            }
            (_, Some(Loaded::Existing { id, key, record, .. })) => {
                let (expires_at, refresh_due) = shared.renewed_deadline(&record, now);
                if changes.is_empty() && !refresh_due {
                    return Ok(false);
                }
                // Let go of the loaded fields first: a store that holds no other reference to them may
                // then change them where they lie.
                drop(record);
                if store.save_at(&key, &Patch { changes: &changes, expires_at }, now).await? {
                    return Ok(false);
                }
                // The record vanished during the request (destroyed or expired by another): its changes
                // belong to a session that has ended, so they are dropped rather than resurrecting it.
                tracing::warn!(session = %id.short_hash(), "session ended during the request; changes dropped");
                self.clear_id_cookie();
                Ok(true)
            }
            (_, Some(Loaded::Fresh { rejected_cookie, expired })) => {
                if let Some(key) = expired {
                    store.delete(&key).await?;
                }
                if self.create(store, &changes, now).await? {
                    return Ok(true);
                }
                if rejected_cookie {
                    self.clear_id_cookie();
                }
                Ok(rejected_cookie)
            }
            (_, None) => Ok(false),
        }
    }

    /// Stores a new session holding `changes`, if they set anything, and queues its id cookie.
    async fn create<S: SessionStore>(
        &self,
        store: &S,
        changes: &[(&'static str, Option<Vec<u8>>)],
        now: u64,
    ) -> Result<bool, Error> {
        if changes.iter().all(|(_, value)| value.is_none()) {
            return Ok(false);
        }
        let patch = Patch { changes, expires_at: self.0.shared.deadline(now, now) };
        for _ in 0..CREATE_ATTEMPTS {
            let id = SessionId::generate();
            if store.create_at(&id.store_key(), &patch, now).await? {
                tracing::info!(session = %id.short_hash(), "session created");
                self.state().new_id = Some(id.clone());
                self.set_id_cookie(&id);
                return Ok(true);
            }
        }
        Err(StoreError::new("no free session id after several attempts").into())
    }
}

/// The load an accessor is doing for its request. Dropped, it records what was loaded (if it got that
/// far, and unless `destroy` decided meanwhile) and wakes the accessors waiting for it.
struct LoadInProgress<'s> {
    session: &'s RawSession,
    loaded: Option<Loaded>,
}

impl Drop for LoadInProgress<'_> {
    fn drop(&mut self) {
        let mut state = self.session.state();
        if state.loaded.is_none() {
            state.loaded = self.loaded.take();
        }
        state.loading = false;
        let awaited = std::mem::take(&mut state.awaited);
        drop(state);
        if awaited {
            self.session.0.load_ended.notify_waiters();
        }
    }
}

fn decode_field<T: DeserializeOwned>(field: &'static str, bytes: &[u8]) -> Option<T> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Some(value),
        Err(error) => {
            // serde_json's message can quote the stored value, which may be sensitive: log only what kind
            // of mismatch it was and where.
            let kind = match error.classify() {
                serde_json::error::Category::Data => "a value of another type",
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "malformed JSON",
                serde_json::error::Category::Io => "unreadable bytes",
            };
            tracing::warn!(
                field,
                found = kind,
                column = error.column(),
                "stored session field no longer decodes; reading it as absent"
            );
            None
        }
    }
}
