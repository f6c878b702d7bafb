//! A schema with an owner and privilege fields: the owner methods, with and without a request.
#![deny(warnings, missing_docs, unused_qualifications)]

use std::time::Duration;

use serde::{Deserialize, Serialize};
use session_core::{MemoryStore, SessionInfo, SessionSchema};

/// A user id of the app's own type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserId(pub u64);

/// A signed-in visitor.
#[derive(SessionSchema)]
pub struct Account {
    /// Who is signed in: the owner; signing in gives the session a new id.
    #[session(owner, privilege, sensitive)]
    pub user: UserId,
    /// Roles: a new id whenever they change.
    #[session(privilege)]
    pub roles: Vec<String>,
    /// Shown once.
    #[session(flash)]
    pub notice: String,
}

/// "Your devices", with "remember me" and "sign out everywhere else".
pub async fn handler(session: AccountSession) -> Result<usize, session_core::Error> {
    session.set_user(UserId(7)).await?;
    session.remember_for(Duration::from_secs(30 * 24 * 60 * 60)).await?;
    let devices: Vec<SessionInfo> = session.owner_sessions().await?;
    if let Some(other) = devices.iter().find(|device| !device.current) {
        session.revoke_session(&other.key).await?;
    }
    session.revoke_other_sessions().await
}

/// A password reset, without a request.
pub async fn reset(store: &MemoryStore) -> Result<usize, session_core::Error> {
    let _listed: Vec<SessionInfo> = AccountSession::sessions_of(store, &UserId(7)).await?;
    AccountSession::revoke_owner(store, &UserId(7)).await
}

/// A schema without an owner still has `remember_for`.
#[derive(SessionSchema)]
pub struct Guest {
    /// The cart.
    #[session]
    pub cart: Vec<u32>,
}

/// Remembers a guest.
pub async fn remember(guest: GuestSession) -> Result<(), session_core::Error> {
    guest.remember_for(Duration::from_secs(60)).await
}

fn main() {}
