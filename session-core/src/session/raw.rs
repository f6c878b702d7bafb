//! [`RawSession`]: one request's session, shared by every handle the request extracts.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, MutexGuard,
    },
};

use super::{
    cookies::{CookieLog, IncomingId},
    moved,
    record_state::{Changes, Loaded, Pending, RecordState},
    remember::{self, REMEMBER_FIELD},
    stored_value,
};
use crate::{
    __private::SessionField,
    cookie::CookieHeader,
    error::Causes,
    layer::Shared,
    store::{now_millis, OwnerChange, Patch, Record, SessionStore},
    Error, SessionId, StoreError,
};

/// One request's session. Generated handles wrap it; users never name it.
#[doc(hidden)]
#[derive(Clone)]
pub struct RawSession(pub(super) Arc<RequestSession>);

impl std::fmt::Debug for RawSession {
    /// The session's id as [`RawSession::id`] gives it (its `Debug` shows a hash prefix, never the id),
    /// without counting as a read: formatting a handle for a log changes no response header.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.current_id(), f)
    }
}

pub(super) struct RequestSession {
    pub(super) shared: Arc<Shared>,
    /// The request's `Cookie` headers, read for each cookie a handle asks for.
    pub(super) cookie_header: CookieHeader,
    pub(super) cookie_log: Mutex<CookieLog>,
    /// Set before this request first records a cookie change in `cookie_log`.
    pub(super) cookies_changed: AtomicBool,
    /// Whether cookies set for this request carry `Secure` (see `SessionLayer::with_secure`).
    pub(super) secure: bool,
    /// The id cookie's name for this request, which depends on `secure` (see `IdCookie::name`).
    pub(super) id_cookie_name: std::borrow::Cow<'static, str>,
    /// Set by the first `#[session]` access: a request that never touches the session costs no commit.
    touched: AtomicBool,
    /// Set by the first read of a cookie field or the id: the response may then differ from one visitor's
    /// cookies to another's.
    read: AtomicBool,
    /// Set when the handler has returned (see [`RawSession::close`]): from then on the layer commits,
    /// and an access from code still holding a handle answers [`Error::HandlerReturned`].
    closed: AtomicBool,
    state: Mutex<RecordState>,
    /// Wakes the accessors that waited for another accessor's load (see `RecordState::loading`), so
    /// concurrent accessors of one request load the record once.
    load_ended: tokio::sync::Notify,
}

impl RawSession {
    pub(crate) fn new(shared: Arc<Shared>, cookie_header: CookieHeader, secure: bool) -> Self {
        let id_cookie_name = shared.id_cookie.name(secure);
        RawSession(Arc::new(RequestSession {
            id_cookie_name,
            shared,
            cookie_header,
            cookie_log: Mutex::default(),
            cookies_changed: AtomicBool::new(false),
            secure,
            touched: AtomicBool::new(false),
            read: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            state: Mutex::default(),
            load_ended: tokio::sync::Notify::const_new(),
        }))
    }

    pub(super) fn state(&self) -> MutexGuard<'_, RecordState> {
        // Bookkeeping never panics halfway, so a poisoned lock still holds consistent data.
        self.0.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The state, for an access the handler asked for: refused once the handler has returned, when the
    /// commit has taken the state or is about to, so a change would be lost and a read would see nothing.
    pub(super) fn handler_state(&self) -> Result<MutexGuard<'_, RecordState>, Error> {
        let state = self.state();
        if self.is_closed() {
            return Err(Error::HandlerReturned);
        }
        Ok(state)
    }

    /// Marks the handler as returned, before the layer commits: from here on, a handle kept by a response
    /// body, an upgrade callback or a spawned task gets [`Error::HandlerReturned`] for any `#[session]`
    /// access or any change, rather than a change that would silently not be saved or sent. Set while the
    /// state is locked, so a change either lands before it, in time for the commit, or is refused.
    pub(crate) fn close(&self) {
        let awaited = {
            let state = self.state();
            self.0.closed.store(true, Ordering::Release);
            state.awaited
        };
        // The same for the cookies: a field cookie queued under the log's lock before this is sent, and
        // one queued after it sees the flag (the response reads `cookies_changed` without the lock).
        drop(self.cookie_log());
        // Accessors waiting for another's load, which the commit may take from the state before it ends,
        // look again and find the session closed.
        if awaited {
            self.0.load_ended.notify_waiters();
        }
    }

    /// True once the handler has returned.
    pub(crate) fn is_closed(&self) -> bool {
        self.0.closed.load(Ordering::Acquire)
    }

    /// The session id: the one `cycle_id` (or a privilege field) gave the session in this request, else the
    /// live one it loaded, else, before any `#[session]` accessor has loaded the session, the authentic one
    /// the browser sent, which may name a session that has since ended (only loading can tell). `None` for
    /// a visitor without a session, and for a session this request starts, whose id is drawn when the
    /// response leaves. It answers for the handler: after the response, it does not follow the commit.
    pub fn id(&self) -> Option<SessionId> {
        self.mark_read();
        self.current_id()
    }

    /// [`id`](Self::id), without counting as a read of the session (for `Debug`).
    fn current_id(&self) -> Option<SessionId> {
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

    /// Reads a `#[session]` field. A stored value that no longer decodes as `T` (nor through its
    /// `migrate_from` type) reads as `None`.
    pub async fn get<F: SessionField>(&self) -> Result<Option<F::Value>, Error> {
        self.ensure_loaded().await?;
        Ok(stored_value::read::<F>(&mut *self.handler_state()?))
    }

    /// Sets a `#[session]` field; stored when the response leaves.
    pub async fn set<F: SessionField>(&self, value: &F::Value) -> Result<(), Error> {
        let bytes = stored_value::encode_stored::<F>(value)?;
        self.ensure_loaded().await?;
        let mut state = self.handler_state()?;
        change_field::<F>(&mut state, Some(bytes));
        stored_value::drop_old_key::<F>(&mut state);
        Ok(())
    }

    /// Removes a `#[session]` field.
    pub async fn remove<F: SessionField>(&self) -> Result<(), Error> {
        self.ensure_loaded().await?;
        let mut state = self.handler_state()?;
        change_field::<F>(&mut state, None);
        stored_value::drop_old_key::<F>(&mut state);
        Ok(())
    }

    /// Reads a flash field and removes it, so it is seen once. A stored value that no longer decodes reads
    /// as `None` and stays, as it does for any field: a release that reads it may follow.
    pub async fn take<F: SessionField>(&self) -> Result<Option<F::Value>, Error> {
        self.ensure_loaded().await?;
        let mut state = self.handler_state()?;
        let value = stored_value::read::<F>(&mut state);
        if value.is_some() {
            change_field::<F>(&mut state, None);
            stored_value::drop_old_key::<F>(&mut state);
        }
        Ok(value)
    }

    /// Gives the session a new id, keeping its data; the old id stops working when the response leaves.
    pub async fn cycle_id(&self) -> Result<(), Error> {
        self.ensure_loaded().await?;
        schedule_cycle(&mut *self.handler_state()?);
        Ok(())
    }

    /// Makes this session's id cookie persistent for `duration` (within the absolute timeout, and the 400
    /// days browsers keep a cookie: it is sent again with each write), and its idle timeout that long
    /// (never shorter than the layer's); kept through `cycle_id`. Under a second (`Duration::ZERO`) it
    /// forgets: the cookie ends with the browser session again. Like `cycle_id`, it starts no session: a
    /// visitor without one gets it only if the request also sets a `#[session]` field.
    pub async fn remember_for(&self, duration: std::time::Duration) -> Result<(), Error> {
        self.ensure_loaded().await?;
        // A `Max-Age` counts whole seconds: under one, the cookie would be deleted on arrival.
        let lifetime =
            (duration.as_secs() > 0).then(|| remember::encode(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)));
        let mut state = self.handler_state()?;
        state.asked_for_change = true;
        state.change(REMEMBER_FIELD, lifetime);
        Ok(())
    }

    /// Ends the session: its record is deleted and the id cookie cleared when the response leaves.
    pub async fn destroy(&self) -> Result<(), Error> {
        self.0.touched.store(true, Ordering::Relaxed);
        let (incoming, sent_beside) = match self.incoming_id() {
            IncomingId::Valid { id, .. } => (Some(id.store_key()), Vec::new()),
            IncomingId::Conflicting(ids) => {
                let mut keys = ids.iter().map(SessionId::store_key);
                (keys.next(), keys.collect())
            }
            IncomingId::Absent | IncomingId::Rejected => (None, Vec::new()),
        };
        let mut state = self.handler_state()?;
        let (old, others) = match std::mem::take(&mut state.pending) {
            Pending::Cycle { old } => (Some(old.store_key()), Vec::new()),
            Pending::Destroy { old, others } => (Some(old), others),
            Pending::None => match state.existing_id() {
                Some(id) => (Some(id.store_key()), Vec::new()),
                None => (incoming, sent_beside),
            },
        };
        let rejected_cookie = old.is_some() || self.has_id_cookie();
        state.pending = old.map_or(Pending::None, |old| Pending::Destroy { old, others });
        state.loaded = Some(Loaded::fresh(rejected_cookie));
        state.changes.clear();
        state.owner = OwnerChange::Keep;
        state.new_id = None;
        Ok(())
    }

    pub(super) async fn ensure_loaded(&self) -> Result<(), Error> {
        self.0.touched.store(true, Ordering::Relaxed);
        loop {
            let wait = {
                // Refused once closed: the commit has the state, or is about to, so a load now would be of
                // no use to the request, and one that was awaited may never say it ended.
                let mut state = self.handler_state()?;
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
            IncomingId::Absent => return Ok(Loaded::fresh(false)),
            IncomingId::Rejected => {
                tracing::debug!("session id cookie failed verification; starting a new session");
                return Ok(Loaded::fresh(true));
            }
            IncomingId::Conflicting(_) => {
                return Ok(Loaded::Fresh { rejected_cookie: false, expired: None, unknown: None, ambiguous: true });
            }
            IncomingId::Valid { id, verified_with_previous_key } => (id, verified_with_previous_key),
        };
        let key = id.store_key();
        let now = now_millis();
        let loaded = match self.0.shared.loader.load(&key).await {
            Err(error) if error.is_unreadable() => {
                // Nothing a retry would change: starting over beats a session that fails every request. The
                // cookie is cleared, as for an expired record, so the error is logged once, not per request.
                tracing::error!(
                    session = %id.short_hash(),
                    error = %Causes(&error),
                    "stored session unreadable; treated as absent"
                );
                return Ok(Loaded::fresh(true));
            }
            loaded => loaded?,
        };
        match loaded {
            Some(record) if self.0.shared.is_live(&record, now) => {
                if reissue {
                    let remembered = remember::remembered(&record);
                    self.set_id_cookie(&id, self.cookie_lifetime(record.created_at, now, remembered));
                }
                Ok(Loaded::Existing { id, key, record, loaded_at: now })
            }
            Some(_) => {
                tracing::debug!(session = %id.short_hash(), "session expired");
                Ok(Loaded::Fresh { rejected_cookie: true, expired: Some(key), unknown: None, ambiguous: false })
            }
            None => {
                // Not cleared: another request may have just moved this session to a new id (a sign-in
                // running alongside), whose cookie the browser may hold by the time this response lands.
                // A dead id costs its browser one load per request until a new session replaces it.
                tracing::debug!(session = %id.short_hash(), "unknown or expired session id; starting a new session");
                Ok(Loaded::Fresh { rejected_cookie: false, expired: None, unknown: Some(key), ambiguous: false })
            }
        }
    }

    /// True once a `#[session]` accessor, `cycle_id` or `destroy` ran: only then is there anything to commit.
    pub(crate) fn touched(&self) -> bool {
        self.0.touched.load(Ordering::Relaxed)
    }

    /// Notes that the handler read the visitor's cookies (a cookie field, the id).
    pub(super) fn mark_read(&self) {
        self.0.read.store(true, Ordering::Relaxed);
    }

    /// True once the handler read anything of the session (a cookie field, the id, a `#[session]` field):
    /// then its response may differ from one visitor's cookies to another's.
    pub(crate) fn was_read(&self) -> bool {
        self.0.read.load(Ordering::Relaxed) || self.touched()
    }

    /// Finishes the commit here and now when it needs no store call: nothing changed, no idle refresh
    /// due, nothing to delete. Returns false when the store must be called: then [`commit`](Self::commit)
    /// does the work. Most requests that only read end here, so they cost no store round trip and no
    /// extra future.
    pub(crate) fn commit_without_store(&self) -> bool {
        let mut state = self.state();
        let clears_cookie = match (&state.pending, &state.loaded) {
            (Pending::None, None) => false,
            (Pending::None, Some(Loaded::Existing { record, loaded_at, .. }))
                if state.changes.is_empty()
                    && state.owner == OwnerChange::Keep
                    && !self.0.shared.refresh_due(record, *loaded_at) =>
            {
                false
            }
            // Unless it starts a session, or asks for a change with an id that may have just moved.
            (Pending::None, Some(Loaded::Fresh { rejected_cookie, expired: None, unknown, .. }))
                if !(sets_a_schema_field(&state.changes) || state.asked_for_change && unknown.is_some()) =>
            {
                *rejected_cookie
            }
            _ => return false,
        };
        *state = RecordState::default();
        drop(state);
        if clears_cookie {
            self.clear_id_cookie();
        }
        true
    }

    /// Writes what the handler changed, in at most one store write (plus a delete when the session ends
    /// or is found expired; before a new id, the marker of the move; and before a write with an authentic
    /// id the store does not know, or after a delete that found nothing, a look for such a marker: see
    /// `moved`), and queues the id cookie.
    pub(crate) async fn commit<S: SessionStore>(&self, store: &S) -> Result<(), Error> {
        let state = std::mem::take(&mut *self.state());
        let shared = &self.0.shared;
        let now = now_millis();
        let RecordState { loaded, changes, pending, new_id, owner, asked_for_change, .. } = state;
        match (pending, loaded) {
            (Pending::Destroy { old, others }, _) => {
                // Nothing to delete may mean that a sign-in running alongside moved the session to a new id,
                // which this request cannot end and the browser may hold by now: a logout that said it
                // succeeded would leave it signed in. Such a move left its marker (see `moved`). Every id
                // sent is treated alike: which of several is the visitor's own cannot be told.
                let (mut moved_meanwhile, mut deleted) = (false, false);
                for key in std::iter::once(&old).chain(&others) {
                    let found = store.delete(key).await?;
                    deleted |= found;
                    if !found && moved::was_moved(store, key).await? {
                        let session = &key.to_hex()[..8];
                        tracing::debug!(session, "id moved to a new one moments ago; not destroyed");
                        moved_meanwhile = true;
                    }
                }
                if moved_meanwhile {
                    return Err(Error::EndedDuringRequest);
                }
                if deleted {
                    tracing::info!(session = %old.to_hex()[..8], "session destroyed");
                } else {
                    // A logout of a session that had ended: nothing happened that an operator needs to see.
                    tracing::debug!(session = %old.to_hex()[..8], "session to destroy had already ended");
                }
                if !self.create(store, changes, owner, now).await? {
                    self.clear_id_cookie();
                }
            }
            (Pending::Cycle { old }, Some(Loaded::Existing { record, .. })) => {
                let (patch, created_at, remembered) = patch_over(shared, &record, &changes, owner, now);
                // Let go of the loaded record first, so a store that shares it may change its own in place.
                drop(record);
                let new_id = new_id.unwrap_or_else(SessionId::generate);
                // First, so that no request can find the old id gone without finding it moved. A move the
                // store then refuses leaves its marker: writes with that id, dead either way, answer 409
                // for the marker's minute instead of starting a session.
                let old_key = old.store_key();
                moved::mark(store, &old_key, now).await?;
                if store.cycle(&old_key, &new_id.store_key(), &patch).await? {
                    tracing::info!(from = %old.short_hash(), to = %new_id.short_hash(), "session id cycled");
                    self.set_id_cookie(&new_id, self.cookie_lifetime(created_at, now, remembered));
                } else {
                    // Ended meanwhile (a logout, another request's cycle): its changes belong to a session
                    // that is over, and must not bring it back under a new id.
                    tracing::debug!(session = %old.short_hash(), "session ended during the request; changes dropped");
                    return Err(Error::EndedDuringRequest);
                }
            }
            (_, Some(Loaded::Existing { id, key, record, .. })) => {
                if changes.is_empty() && owner == OwnerChange::Keep && !shared.refresh_due(&record, now) {
                    return Ok(());
                }
                let (patch, created_at, remembered) = patch_over(shared, &record, &changes, owner, now);
                drop(record);
                let saved = match store.save(&key, &patch).await {
                    Ok(saved) => saved,
                    Err(error) if changes.is_empty() && !owner.asked_by_handler() => {
                        // Only the idle refresh (or the indexing of an owner read) failed: the handler
                        // changed nothing, and the session stays live until its stored deadline, so the
                        // page it answered is still right. A store that takes reads but refuses writes (a
                        // replica after a failover, a full Redis, a read-only file) must not turn every
                        // signed-in page into a 503 as its refresh falls due.
                        tracing::warn!(
                            session = %id.short_hash(),
                            error = %Causes(&error),
                            "the session's idle deadline could not be pushed back; the page is served as it is"
                        );
                        return Ok(());
                    }
                    Err(error) => return Err(error.into()),
                };
                if saved {
                    if remembered.is_some() || patch.replaces_deadline || shared.id_cookie.max_age.is_some() {
                        // A persistent cookie slides with the server-side deadline, as it is written (a
                        // change or the idle refresh); a session that stopped being remembered gets the
                        // layer's cookie back.
                        self.set_id_cookie(&id, self.cookie_lifetime(created_at, now, remembered));
                    }
                } else if !changes.is_empty() || owner.asked_by_handler() {
                    // The record vanished during the request (destroyed, revoked, or moved to a new id by
                    // another): its changes belong to a session that has ended, so they are dropped rather
                    // than resurrecting it, and the response says so. The id cookie is left alone: the
                    // browser may hold the new id of a concurrent sign-in by now, which clearing would end.
                    tracing::debug!(session = %id.short_hash(), "session ended during the request; changes dropped");
                    return Err(Error::EndedDuringRequest);
                } else {
                    // Only the idle refresh (or the indexing of an owner read) was refused: nothing the
                    // handler did is lost.
                    tracing::debug!(session = %id.short_hash(), "session ended during the request");
                }
            }
            (_, Some(Loaded::Fresh { rejected_cookie, expired, unknown, ambiguous })) => {
                if let Some(key) = expired {
                    store.delete(&key).await?;
                }
                let starts_a_session = sets_a_schema_field(&changes);
                if ambiguous && starts_a_session {
                    // A new session's cookie would take the place of the visitor's own (it has this layer's
                    // name, path and domain), not of the one planted beside it: signed out everywhere, or
                    // signed in as whoever the next write makes them.
                    tracing::warn!("two authentic session ids sent; changes dropped rather than starting a session");
                    return Err(Error::AmbiguousSession);
                }
                if let Some(key) = unknown.filter(|_| asked_for_change) {
                    if moved::was_moved(store, &key).await? {
                        // The browser holds, or is about to, the new id of a sign-in that moved this one: a
                        // new session's cookie would replace it and sign the visitor out, and a removal meant
                        // for that session would find nothing here and report a success.
                        tracing::debug!(session = %key.to_hex()[..8], "id moved to a new one moments ago; changes dropped");
                        return Err(Error::EndedDuringRequest);
                    }
                }
                if !self.create(store, changes, owner, now).await? && rejected_cookie {
                    self.clear_id_cookie();
                }
            }
            (_, None) => {}
        }
        Ok(())
    }

    /// Stores a new session holding `changes`, if they set anything, and queues its id cookie. Returns
    /// whether it did.
    async fn create<S: SessionStore>(
        &self,
        store: &S,
        changes: Changes,
        owner: OwnerChange,
        now: u64,
    ) -> Result<bool, Error> {
        if !sets_a_schema_field(&changes) {
            return Ok(false);
        }
        let remembered = remembered_in(&changes).flatten();
        // Each value in a buffer of its size: `serde_json` grows its buffer by doubling, and a store that
        // keeps the record it is given (`MemoryStore`) would hold up to twice what it counts against its
        // bound. (A save's values are copied into the stored record instead, at their size.)
        let exact = |mut value: Vec<u8>| {
            value.shrink_to_fit();
            value
        };
        let fields: HashMap<String, Vec<u8>> =
            changes.into_iter().filter_map(|(name, value)| Some((name.to_owned(), exact(value?)))).collect();
        let shared = &self.0.shared;
        let expires_at = shared.deadline(now, now, shared.idle_ms(remembered));
        let owner = owner.applied_to(None);
        let record = Arc::new(Record { fields, created_at: now, last_seen: now, expires_at, owner });
        let id = SessionId::generate();
        if !store.create(&id.store_key(), &record).await? {
            // 128 random bits from a CSPRNG never repeat a live id: a collision means the generator is broken
            // (or its state was copied by a fork), and retrying would hide it.
            return Err(StoreError::new("a new session id collided with a live one").into());
        }
        tracing::info!(session = %id.short_hash(), "session created");
        self.state().new_id = Some(id.clone());
        self.set_id_cookie(&id, self.cookie_lifetime(now, now, remembered));
        Ok(true)
    }

    /// The `Max-Age` of the id cookie of a session created at `created_at`, set at `now`: `None` (the
    /// layer's setting) unless `remember_for` gave it `remembered` milliseconds.
    fn cookie_lifetime(&self, created_at: u64, now: u64, remembered: Option<u64>) -> Option<u64> {
        remembered.map(|remembered| self.0.shared.remembered_cookie_secs(created_at, now, remembered))
    }
}

/// Records a change of the field `F`: of the session's owner too for `#[session(owner)]`, and a new id
/// for a `#[session(privilege)]` field whose value changes.
fn change_field<F: SessionField>(state: &mut RecordState, value: Option<Vec<u8>>) {
    state.asked_for_change = true;
    // Compared with what a read of the field sees, its `rename_from` key's value included: writing back
    // the value a session holds under the old name is no sign-in and no change of privilege, and removing
    // it is both.
    let changed = stored_value::current::<F>(state) != value.as_deref();
    if F::OWNER {
        let owner = value.as_deref().and_then(stored_value::owner_key);
        match owner {
            // The value the field holds already: no sign-in, whatever the index says. A session stored
            // before its field was the owner is indexed, as a read of the field would.
            Some(owner) if !changed => state.adopt_owner(owner),
            _ => state.change_owner(owner),
        }
    }
    if F::PRIVILEGE && changed {
        schedule_cycle(state);
    }
    state.change(F::KEY, value);
}

/// Asks the commit to move the live session, if there is one, to a new id.
fn schedule_cycle(state: &mut RecordState) {
    if let Some(id) = state.existing_id().cloned() {
        if matches!(state.pending, Pending::None) {
            state.pending = Pending::Cycle { old: id };
        }
        state.new_id = Some(SessionId::generate());
    }
}

/// What a commit at `now` writes over the loaded `record`: `changes` and `owner`, with the times they give
/// it. Also the record's creation time after it, and its remembered lifetime, which the id cookie's
/// lifetime follows.
///
/// A sign-in (an owner set, or changed) counts as the session's start, so the absolute timeout counts
/// from it rather than from the anonymous visit before it. Every other write keeps the creation time, a
/// move to a new id included, so a session outlives the absolute timeout only by a new sign-in.
fn patch_over<'c>(
    shared: &Shared,
    record: &Record,
    changes: &'c Changes,
    owner: OwnerChange,
    now: u64,
) -> (Patch<'c>, u64, Option<u64>) {
    let asked = remembered_in(changes);
    let remembered = asked.unwrap_or_else(|| remember::remembered(record));
    let restarted = matches!(owner, OwnerChange::Set(_)).then_some(now);
    let created_at = restarted.unwrap_or(record.created_at);
    let expires_at = shared.deadline(created_at, now, shared.idle_ms(remembered));
    let replaces_deadline = asked.is_some();
    let patch = Patch { changes, last_seen: now, expires_at, owner, replaces_deadline, created_at: restarted };
    (patch, created_at, remembered)
}

/// Whether `changes` set a field of the schema: what starts a session. `remember_for` sets only its
/// reserved field, so alone it starts none, as `cycle_id` does not.
fn sets_a_schema_field(changes: &Changes) -> bool {
    changes.iter().any(|(name, value)| value.is_some() && *name != REMEMBER_FIELD)
}

/// The lifetime `remember_for` gave the session in this request (`Some(None)`: a lifetime that does not
/// decode, which counts as none), or `None` when the request did not call it.
fn remembered_in(changes: &Changes) -> Option<Option<u64>> {
    changes
        .iter()
        .find(|(name, _)| *name == REMEMBER_FIELD)
        .map(|(_, value)| value.as_deref().and_then(remember::decode))
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
