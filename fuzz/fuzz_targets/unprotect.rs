//! The signed, private and id cookie decoders on forged values: see `tests::fuzzing::unprotect_forged`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzzing::unprotect_forged(data));
