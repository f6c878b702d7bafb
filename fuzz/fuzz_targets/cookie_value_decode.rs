//! `CookieValue::decode` on arbitrary text: see `tests::fuzzing::cookie_value_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzzing::cookie_value_decode(data));
