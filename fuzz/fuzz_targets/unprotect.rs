//! The signed and private cookie decoders on forged and tampered values: see `tests::fuzzing::unprotect_forged`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzzing::unprotect_forged(data));
