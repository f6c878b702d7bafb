//! Who owns a session: listing and ending an owner's sessions, from a request or without one.

use std::time::{Duration, SystemTime};

use super::{moved, RawSession};
use crate::{
    __private::SessionField,
    id::StoreKey,
    store::{now_millis, OwnedSession, OwnerKey, SessionStore},
    Error,
};

/// One live session of an owner, as `owner_sessions()` and `sessions_of(&store, &owner)` list it: for a
/// "your devices" page, or an admin's.
///
/// It names its session only by the [`StoreKey`], a hash of the id, so a page can offer to end that one
/// session without ever handling a live id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionInfo {
    /// The session's store key: the hash of its id, not the id.
    pub key: StoreKey,
    /// When the session was created (a sign-in, or the first write of a visitor).
    pub created_at: SystemTime,
    /// When a request last wrote it or pushed its deadline back.
    pub last_seen: SystemTime,
    /// When it ends unless a request comes first.
    pub expires_at: SystemTime,
    /// True for the session of the request that asked.
    pub current: bool,
}

impl SessionInfo {
    fn new(listed: OwnedSession, current: Option<StoreKey>) -> Self {
        // A deadline of "never" is `u64::MAX` ms, past what some platforms' `SystemTime` holds (Windows'
        // ends in the year 30828): a time that far reads as 10,000 years after 1970, rather than panicking.
        const FAR: Duration = Duration::from_secs(10_000 * 365 * 24 * 60 * 60);
        let time = |millis: u64| SystemTime::UNIX_EPOCH + Duration::from_millis(millis).min(FAR);
        SessionInfo {
            key: listed.key,
            created_at: time(listed.created_at),
            last_seen: time(listed.last_seen),
            expires_at: time(listed.expires_at),
            current: Some(listed.key) == current,
        }
    }
}

/// The index key of the owner `owner`, serialized as the field `F` stores it.
fn owner_key<F: SessionField>(owner: &F::Value) -> Result<OwnerKey, Error> {
    let bytes = serde_json::to_vec(owner).map_err(|source| Error::Serialize { field: F::KEY, source })?;
    Ok(OwnerKey::of(&bytes))
}

/// The live sessions of `owner`, the value of the owner field `F`, without a request (an admin page).
/// Generated as `VisitorSession::sessions_of(&store, &owner)`.
pub async fn sessions_of<S: SessionStore, F: SessionField>(
    store: &S,
    owner: &F::Value,
) -> Result<Vec<SessionInfo>, Error> {
    let listed = store.owner_sessions(&owner_key::<F>(owner)?).await?;
    let now = now_millis();
    Ok(listed
        .into_iter()
        .filter(|listed| listed.expires_at > now)
        .map(|listed| SessionInfo::new(listed, None))
        .collect())
}

/// Ends every session of `owner`, the value of the owner field `F`, and says how many ended (a password
/// reset). Generated as `VisitorSession::revoke_owner(&store, &owner)`.
pub async fn revoke_owner<S: SessionStore, F: SessionField>(store: &S, owner: &F::Value) -> Result<usize, Error> {
    // Without a session to keep, there is always a count.
    Ok(store.revoke_owner(&owner_key::<F>(owner)?, None).await?.unwrap_or(0))
}

impl RawSession {
    /// The owner of this session and its store key, as the request sees them (its own change of owner
    /// included).
    async fn owner_and_key(&self) -> Result<(Option<OwnerKey>, Option<StoreKey>), Error> {
        self.ensure_loaded().await?;
        let state = self.handler_state()?;
        Ok((state.current_owner(), state.existing_key()))
    }

    /// The live sessions of this session's owner; none for a session without one.
    ///
    /// A session is listed until the deadline it was last written with, or the layer's absolute timeout,
    /// passes: after a deploy that shortens the idle timeout, a session idle for longer than the new one is
    /// listed until its stored deadline, although a request of it would find it ended.
    pub async fn owner_sessions(&self) -> Result<Vec<SessionInfo>, Error> {
        let (Some(owner), current) = self.owner_and_key().await? else {
            return Ok(Vec::new());
        };
        let listed = self.0.shared.loader.owner_sessions(&owner).await?;
        let now = now_millis();
        let shared = &self.0.shared;
        Ok(listed
            .into_iter()
            .filter(|listed| listed.expires_at > now && shared.within_absolute_timeout(listed.created_at, now))
            .map(|listed| SessionInfo::new(listed, current))
            .collect())
    }

    /// Ends every other session of this session's owner, now, and says how many ended. Ends none, with
    /// [`Error::EndedDuringRequest`], if this session ended or moved to a new id since the request loaded
    /// it (a sign-in in another tab): the new id would otherwise count as another session and be ended,
    /// signing this browser out. The same if it moved moments before the request arrived with its old id:
    /// the session has no owner here, and "none ended" would be untrue of the one under the new id. A retry
    /// carries the new id.
    pub async fn revoke_other_sessions(&self) -> Result<usize, Error> {
        let (Some(owner), current) = self.owner_and_key().await? else {
            let unknown = self.handler_state()?.unknown_key();
            if let Some(key) = unknown {
                if moved::was_moved(&*self.0.shared.loader, &key).await? {
                    return Err(Error::EndedDuringRequest);
                }
            }
            return Ok(0);
        };
        self.0.shared.loader.revoke_owner(&owner, current.as_ref()).await?.ok_or(Error::EndedDuringRequest)
    }

    /// Ends the session `key` of this session's owner (from its [`SessionInfo`]), now: "sign out that
    /// device". False, ending nothing, if it is not one of the owner's live sessions, so a key from
    /// elsewhere ends nobody else's session; false too if that session moved to a new id since it was
    /// listed (list again to end it).
    pub async fn revoke_session(&self, key: &StoreKey) -> Result<bool, Error> {
        if !self.owner_sessions().await?.iter().any(|session| session.key == *key) {
            return Ok(false);
        }
        Ok(self.0.shared.loader.delete(key).await?)
    }
}
