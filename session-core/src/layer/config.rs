//! The settings a [`SessionLayer`](super::SessionLayer) shares with every request it serves.

use std::{borrow::Cow, sync::Arc, time::Duration};

use crate::{cookie::SameSite, store::LoadRecord, Key};

/// Settings shared by all requests of one layer.
#[derive(Clone)]
pub(crate) struct Shared {
    /// The current key first, then the previous keys that still verify.
    pub(crate) keys: Vec<Key>,
    pub(crate) id_cookie: IdCookie,
    /// `false` only for plain-HTTP development: drops `Secure` from every cookie.
    pub(crate) secure: bool,
    pub(crate) idle_timeout: Duration,
    pub(crate) absolute_timeout: Duration,
    /// A loaded session whose idle deadline has used up at least this much of the idle timeout gets its
    /// deadline pushed back, even if nothing changed.
    pub(crate) refresh_after: Duration,
    pub(crate) loader: Arc<dyn LoadRecord>,
}

/// How the session id cookie is written.
#[derive(Clone, Debug)]
pub(crate) struct IdCookie {
    pub(crate) name: Cow<'static, str>,
    pub(crate) same_site: SameSite,
    pub(crate) path: Cow<'static, str>,
    pub(crate) domain: Option<Cow<'static, str>>,
    /// `None`: a browser-session cookie, gone when the browser closes.
    pub(crate) max_age: Option<Duration>,
    pub(crate) partitioned: bool,
}

impl Default for IdCookie {
    fn default() -> Self {
        IdCookie {
            name: Cow::Borrowed("id"),
            same_site: SameSite::Lax,
            path: Cow::Borrowed("/"),
            domain: None,
            max_age: None,
            partitioned: false,
        }
    }
}

/// Default idle timeout: a day without a request ends the session.
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);
/// Default absolute timeout: no session lives longer than a week, however active.
pub(crate) const DEFAULT_ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 60 * 60);

impl Shared {
    pub(crate) fn new(loader: Arc<dyn LoadRecord>, key: Key) -> Self {
        Shared {
            keys: vec![key],
            id_cookie: IdCookie::default(),
            secure: true,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            absolute_timeout: DEFAULT_ABSOLUTE_TIMEOUT,
            refresh_after: DEFAULT_IDLE_TIMEOUT / 2,
            loader,
        }
    }

    /// The deadline of a session created at `created_at`, seen at `now`: idle and absolute, the earlier.
    pub(crate) fn deadline(&self, created_at: u64, now: u64) -> u64 {
        let idle = now.saturating_add(millis(self.idle_timeout));
        let absolute = created_at.saturating_add(millis(self.absolute_timeout));
        idle.min(absolute)
    }

    /// True if a record created at `created_at` has outlived the absolute timeout, whatever its stored
    /// deadline says: the server enforces its own limits even against a store that does not.
    pub(crate) fn past_absolute(&self, created_at: u64, now: u64) -> bool {
        created_at.saturating_add(millis(self.absolute_timeout)) <= now
    }

    pub(crate) fn refresh_after_millis(&self) -> u64 {
        millis(self.refresh_after)
    }
}

pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
