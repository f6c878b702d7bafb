//! [`now_millis`]: the wall clock that record deadlines are kept in, read from the CPU's cycle counter.
//!
//! Loading and committing a session each read the clock, and `SystemTime::now` (`clock_gettime` through the
//! vDSO, then a conversion) measured 40-46 ns on a virtual machine: a twentieth of what the layer adds to a
//! request that reads one field. Counting from the cycle counter, read through `quanta`, measured 11 to 18
//! ns on the same machine (the benchmark's building blocks time both). Each thread pins the counter to the
//! wall clock once and counts from there, and pins it again every [`REPIN_EVERY_NS`], so a change to the
//! system clock (NTP, an administrator) shows within that period and the counter's drift never builds up. A
//! machine without a usable cycle counter gets `quanta`'s fallback, the monotonic clock, pinned the same
//! way.

use std::{
    cell::Cell,
    sync::OnceLock,
    time::{SystemTime, UNIX_EPOCH},
};

/// How long a thread counts from one reading of the wall clock before it reads it again.
const REPIN_EVERY_NS: u64 = 1_000_000_000;

/// Where a thread's counting starts: the counter's raw value and the wall clock at that moment.
#[derive(Clone, Copy)]
struct Pin {
    raw: u64,
    wall_ns: u64,
}

thread_local! {
    // `raw: u64::MAX` is never reached by a counter, so the first reading on each thread pins.
    static PIN: Cell<Pin> = const { Cell::new(Pin { raw: u64::MAX, wall_ns: 0 }) };
}

/// The counter, calibrated against the monotonic clock once per process (under a millisecond).
fn counter() -> &'static quanta::Clock {
    static COUNTER: OnceLock<quanta::Clock> = OnceLock::new();
    COUNTER.get_or_init(quanta::Clock::new)
}

/// Milliseconds since the Unix epoch, the clock of [`Record`](super::Record) deadlines.
///
/// Within a millisecond of `SystemTime::now` (the wall clock is read at least once a second per thread),
/// at a third of its cost or less.
pub fn now_millis() -> u64 {
    let counter = counter();
    let raw = counter.raw();
    let pin = PIN.get();
    // A counter that seems to run backwards (a thread moved to a core whose counter lags) pins again too.
    let elapsed_ns = counter.delta_as_nanos(pin.raw, raw);
    let wall_ns = if raw < pin.raw || elapsed_ns >= REPIN_EVERY_NS {
        let wall_ns = wall_clock_ns();
        PIN.set(Pin { raw, wall_ns });
        wall_ns
    } else {
        pin.wall_ns.saturating_add(elapsed_ns)
    };
    wall_ns / 1_000_000
}

fn wall_clock_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system_millis() -> u64 {
        wall_clock_ns() / 1_000_000
    }

    #[test]
    fn agrees_with_the_system_clock_to_the_millisecond() {
        for _ in 0..1_000 {
            let before = system_millis();
            let ours = now_millis();
            let after = system_millis();
            assert!(before <= ours + 1 && ours <= after + 1, "{before} <= {ours} <= {after}, give or take 1 ms");
        }
    }

    #[test]
    fn keeps_agreeing_as_time_passes() {
        let first = now_millis();
        std::thread::sleep(std::time::Duration::from_millis(30));
        let (before, ours, after) = (system_millis(), now_millis(), system_millis());
        assert!(ours + 1 >= first + 30, "{ours} counts on from {first}");
        assert!(before <= ours + 1 && ours <= after + 1, "{before} <= {ours} <= {after}, give or take 1 ms");
    }

    #[test]
    fn agrees_on_threads_that_never_read_it_before() {
        let readings: Vec<(u64, u64, u64)> = (0..4)
            .map(|_| std::thread::spawn(|| (system_millis(), now_millis(), system_millis())))
            .map(|thread| thread.join().expect("no panic"))
            .collect();
        for (before, ours, after) in readings {
            assert!(before <= ours + 1 && ours <= after + 1, "{before} <= {ours} <= {after}, give or take 1 ms");
        }
    }
}
