//! Replays the fuzz corpus committed in `fuzz/corpus/<target>/seed-*` and every crash ever found, kept in
//! `fuzz/regressions/<target>/`, through the same checks the fuzz targets run.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut replayed = 0;
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if folder == "regressions" || path.file_name().unwrap().to_string_lossy().starts_with("seed-") {
                check(&std::fs::read(&path).unwrap());
                replayed += 1;
            }
        }
    }
    assert!(replayed > 0, "no inputs found for {target}");
}

#[test]
fn cookie_value_decode() {
    replay("cookie_value_decode", tests::fuzzing::cookie_value_decode);
}

#[test]
fn unprotect() {
    replay("unprotect", tests::fuzzing::unprotect_forged);
}

#[test]
fn cookie_header() {
    replay("cookie_header", tests::fuzzing::cookie_header);
}

#[test]
fn genuine_id_among_junk() {
    replay("genuine_id_among_junk", tests::fuzzing::genuine_id_among_junk);
}

#[test]
fn cookie_round_trip() {
    replay("cookie_round_trip", tests::fuzzing::cookie_round_trip);
}
