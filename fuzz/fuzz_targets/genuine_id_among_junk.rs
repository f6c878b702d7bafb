//! The visitor's own id cookie among arbitrary `Cookie` headers: see `tests::fuzzing::genuine_id_among_junk`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzzing::genuine_id_among_junk(data));
