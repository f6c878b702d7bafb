//! Random bytes for session ids: the operating system's CSPRNG, read a block at a time.
//!
//! One `getrandom` call costs far more than the 16 bytes an id needs: on a virtual machine it was most
//! of the time spent creating a session. So each thread reads [`BLOCK`] bytes at once and hands them
//! out in order, each byte once and then wiped. The bytes are the OS RNG's own, unmixed and unstretched,
//! so an id is exactly as unpredictable as one read on its own.
//!
//! One caveat, shared with every user-space random pool (rand's `ThreadRng` among them): a process
//! that forks after generating ids gives the child a copy of the calling thread's unread bytes. Stores
//! refuse to create a session under an id they already hold, so two processes sharing a store can never
//! share a session; processes that fork and then keep separate in-memory stores should not serve
//! sessions from both sides of the fork.

use std::cell::RefCell;

use rand::{rngs::OsRng, TryRngCore};

/// Bytes read from the OS per call: 256 session ids. Measured on a virtual machine, a call cost 0.6 µs
/// plus 3.5-4 ns per byte, so at 512 bytes the call itself was still a quarter of an id's cost and at
/// 4096 it is a twentieth; the bytes themselves cost the same however they are read.
const BLOCK: usize = 4096;

struct Pool {
    bytes: [u8; BLOCK],
    /// How many bytes from the start have been handed out (and wiped).
    used: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = const { RefCell::new(Pool { bytes: [0; BLOCK], used: BLOCK }) };
}

/// Fills `out` (at most [`BLOCK`] bytes) with bytes from the OS RNG that no one else has been given.
pub(crate) fn fill(out: &mut [u8]) {
    assert!(out.len() <= BLOCK, "ask for at most one block at a time");
    POOL.with_borrow_mut(|pool| {
        if BLOCK - pool.used < out.len() {
            from_os(&mut pool.bytes);
            pool.used = 0;
        }
        let fresh = &mut pool.bytes[pool.used..pool.used + out.len()];
        out.copy_from_slice(fresh);
        fresh.fill(0);
        pool.used += out.len();
    });
}

/// Fills `out` straight from the OS RNG. On Linux this calls the C library's `getrandom`, which with
/// glibc 2.41 or later on Linux 6.11 or later answers from the vDSO, without a system call.
///
/// Panics if the OS refuses (a sandbox that forbids the call, say): there is no safe id, key or nonce
/// to fall back to.
pub(crate) fn from_os(out: &mut [u8]) {
    if let Err(error) = OsRng.try_fill_bytes(out) {
        panic!("the operating system's random number generator failed: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_draws_are_alike_across_many_blocks() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10 * BLOCK / 16 {
            let mut id = [0; 16];
            fill(&mut id);
            assert!(seen.insert(id), "a draw repeated");
        }
    }

    #[test]
    fn handed_out_bytes_are_wiped_from_the_pool() {
        let mut id = [0; 16];
        fill(&mut id);
        POOL.with_borrow(|pool| assert!(pool.bytes[..pool.used].iter().all(|&b| b == 0)));
    }
}
