//! The compiler output quoted in the documentation is the compile-fail suite's, to the byte.
//!
//! The lints guide page and the README quote `tests/ui/fail` cases: each quote is introduced by the case's
//! path, followed by the case's code (the guide only) and its `.stderr` snapshot. When a snapshot changes,
//! this test names the quote to update, so the documentation never shows output the compiler no longer
//! gives.

use std::{fs, path::Path};

const UI_FAIL: &str = "ui/fail";

/// Every quote in `text`: the case name and the code blocks that follow its marker, up to the next
/// marker. A marker is a case path in backticks, such as `` `tests/ui/fail/secret_in_cookie.rs` ``.
fn quotes(text: &str) -> Vec<(String, Vec<String>)> {
    let marker = "`tests/ui/fail/";
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(marker) {
        let after = &rest[start + marker.len()..];
        let name_end = after.find(".rs`").expect("a case path ends with `.rs`");
        let name = after[..name_end].to_owned();
        let body = &after[name_end..];
        let section = &body[..body.find(marker).unwrap_or(body.len())];
        found.push((name, code_blocks(section)));
        rest = body;
    }
    found
}

/// The contents of the fenced code blocks in `section`, without the fences.
fn code_blocks(section: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in section.lines() {
        match (&mut current, line.starts_with("```")) {
            (None, true) => current = Some(Vec::new()),
            (Some(lines), true) => {
                blocks.push(lines.join("\n"));
                current = None;
            }
            (Some(lines), false) => lines.push(line),
            (None, false) => {}
        }
    }
    blocks
}

/// `//! ` comment lines back to Markdown.
fn doc_comment_text(source: &str) -> String {
    source
        .lines()
        .map(|line| line.strip_prefix("//! ").or_else(|| line.strip_prefix("//!")).unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

fn case_file(name: &str, extension: &str) -> String {
    let path = Path::new(UI_FAIL).join(format!("{name}.{extension}"));
    let text = fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    text.trim_end_matches('\n').to_owned()
}

#[test]
fn the_lints_guide_quotes_the_suite_verbatim() {
    let page = doc_comment_text(&fs::read_to_string("../session-core/src/guide/lints.rs").unwrap());
    let quotes = quotes(&page);
    assert!(quotes.len() >= 20, "only {} quoted cases", quotes.len());
    for (name, blocks) in quotes {
        let [code, output, ..] = &blocks[..] else { panic!("{name}: expected the case's code and its output") };
        assert_eq!(*code, case_file(&name, "rs"), "the code quoted for {name} differs from the case");
        assert_eq!(*output, case_file(&name, "stderr"), "the output quoted for {name} differs from its snapshot");
    }
}

#[test]
fn the_readme_quotes_the_suite_verbatim() {
    let readme = fs::read_to_string("../README.md").unwrap();
    let quotes = quotes(&readme);
    assert!(!quotes.is_empty(), "the README quotes no compile-fail case");
    for (name, blocks) in quotes {
        let snapshot = case_file(&name, "stderr");
        assert!(blocks.contains(&snapshot), "the README's quote of {name} differs from its snapshot");
    }
}
