//! Text written into cookie fields of every protection and read back through `Set-Cookie`: see
//! `tests::fuzzing::cookie_round_trip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzzing::cookie_round_trip(data));
