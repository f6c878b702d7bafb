//! Random bytes for keys and AES-GCM nonces: the operating system's CSPRNG, read for each use.

use rand::{rngs::OsRng, TryRngCore};

/// Fills `out` straight from the OS RNG, so no generator state lives in this process that a `fork` could
/// duplicate: a repeated nonce would break AES-GCM.
///
/// Panics if the OS refuses (a sandbox that forbids the call, say): there is no safe id, key or nonce
/// to fall back to.
pub(crate) fn from_os(out: &mut [u8]) {
    if let Err(error) = OsRng.try_fill_bytes(out) {
        panic!("the operating system's random number generator failed: {error}");
    }
}
