//! [`now_millis`]: the clock that record times are kept in.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, the clock of [`Record`](super::Record) times.
///
/// The app's wall clock, which the layer reads once when it loads a session and once when it commits.
/// Stores compare a record's deadline with this clock, read when they are called, never with a clock of
/// their own, so a store server whose clock drifts cannot keep a session alive that the app has ended. A
/// write that then waits (for a lock, or its turn) is judged by the time it was called: it can land up
/// to the store's timeout after a deadline that had not passed then.
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
}
