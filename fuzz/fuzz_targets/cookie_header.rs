//! Arbitrary `Cookie` headers through the whole layer: see `tests::fuzzing::cookie_header`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzzing::cookie_header(data));
