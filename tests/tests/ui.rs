//! Compile-time behaviour of the derives: every lint fails to compile with its expected message
//! (`ui/fail`, one mistake per file, `.stderr` snapshots), and valid schemas compile warning-free under
//! `#![deny(warnings, missing_docs)]` (`ui/pass`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
    cases.pass("ui/pass/*.rs");
}
