//! Random bytes for session ids, keys and nonces: the operating system's CSPRNG, read for each use.

use rand::{rngs::OsRng, TryRngCore};

/// Fills `out` straight from the OS RNG, so no copy of the bytes lives in this process before they
/// are used (nothing for a `fork` to duplicate).
///
/// Panics if the OS refuses (a sandbox that forbids the call, say): there is no safe id, key or nonce
/// to fall back to.
pub(crate) fn from_os(out: &mut [u8]) {
    if let Err(error) = OsRng.try_fill_bytes(out) {
        panic!("the operating system's random number generator failed: {error}");
    }
}
