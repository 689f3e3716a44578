//! Tests over the whole rule registry: codes, names, doc sections, and every rule's Example and
//! Use-instead blocks.

#![allow(clippy::disallowed_methods)] // tests read fixtures and write snapshots; the library stays pure

use std::collections::HashSet;
use std::path::Path;

use dockscape::{LintInput, LintOptions, RuleInfo, lint, rule, rules};

/// The body of the first fenced block after `heading` (a line starting with it).
fn block_after<'a>(docs: &'a str, heading: &str) -> Option<&'a str> {
    let at = docs.find(heading)?;
    let rest = docs.get(at..)?;
    let open = rest.find("```")?;
    let body_start = rest.get(open..)?.find('\n')? + open + 1;
    let body = rest.get(body_start..)?;
    let close = body.find("\n```")?;
    body.get(..close + 1)
}

fn codes_of(file: &str, text: &str) -> Vec<&'static str> {
    let report = lint(
        &[LintInput {
            file,
            text,
            kind: None,
        }],
        &LintOptions::default(),
    );
    assert!(report.errors.is_empty(), "{file}: {:?}", report.errors);
    report
        .findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .map(|f| f.code)
        .collect()
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let all = rules();
    assert!(all.len() >= 3);
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in &all {
        assert!(codes.insert(r.code), "duplicate code {}", r.code);
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        assert!(r.code.len() == 5 && r.code.starts_with("DS"), "{}", r.code);
        assert!(
            r.code[2..].chars().all(|c| c.is_ascii_digit()),
            "{}",
            r.code
        );
        assert!(
            r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !r.name.starts_with('-'),
            "{} is not kebab-case",
            r.name
        );
        assert!(
            !r.summary.ends_with('.') && !r.help.ends_with('.'),
            "{}: trailing period",
            r.code
        );
        assert!(r.help_uri.ends_with(&format!("/{}.md", r.name)));
    }
    let mut sorted: Vec<&str> = all.iter().map(|r| r.code).collect();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        all.iter().map(|r| r.code).collect::<Vec<_>>(),
        "registry not in code order"
    );
}

#[test]
fn every_rule_has_its_doc_sections_in_order() {
    for r in rules() {
        let sections = [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
        ];
        let mut last = 0;
        for s in sections {
            let at = r
                .docs
                .find(s)
                .unwrap_or_else(|| panic!("{}: no `{s}` section", r.code));
            assert!(at >= last, "{}: `{s}` out of order", r.code);
            last = at;
        }
        assert!(
            block_after(&r.docs, "## Example").is_some(),
            "{}: no Example block",
            r.code
        );
        assert!(
            block_after(&r.docs, "Use instead:").is_some(),
            "{}: no Use-instead block",
            r.code
        );
    }
}

/// Codes a rule's docs declare its Example also fires (`Also fires: DS004 (why)`): only for rules
/// whose every hit implies another rule's, such as DS005.
fn also_fires(docs: &str) -> Vec<String> {
    docs.lines()
        .filter_map(|l| l.strip_prefix("Also fires:"))
        .map(|rest| rest.split('(').next().unwrap_or(rest))
        .flat_map(|rest| {
            rest.split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() == 5 && w.starts_with("DS"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_example_fires_exactly_its_rule_once() {
    for r in rules() {
        let example = block_after(&r.docs, "## Example").unwrap_or_default();
        let also = also_fires(&r.docs);
        let got = codes_of(&format!("{}-example.yaml", r.name), example);
        let own = got.iter().filter(|c| **c == r.code).count();
        let others: Vec<&&str> = got.iter().filter(|c| **c != r.code).collect();
        assert_eq!(own, 1, "{} Example fires it {own} times: {got:?}", r.code);
        for o in &others {
            assert!(
                also.iter().any(|a| a == **o),
                "{} Example also fires {o} (undeclared)",
                r.code
            );
        }
        for a in &also {
            assert!(
                got.iter().any(|c| c == a),
                "{} declares `Also fires: {a}` but it does not",
                r.code
            );
        }
    }
}

#[test]
fn every_use_instead_fires_nothing() {
    for r in rules() {
        let good = block_after(&r.docs, "Use instead:").unwrap_or_default();
        let got = codes_of(&format!("{}-use-instead.yaml", r.name), good);
        assert!(got.is_empty(), "{} Use instead fires {got:?}", r.code);
    }
}

#[test]
fn every_rule_has_valid_and_invalid_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    for r in rules() {
        let dir = root.join(r.name);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: no fixture folder {}: {e}", r.code, dir.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("valid")),
            "{}: no valid fixture",
            r.code
        );
        assert!(
            names.iter().any(|n| n.starts_with("invalid")),
            "{}: no invalid fixture",
            r.code
        );
    }
}

#[test]
fn rules_are_found_by_code_or_name() {
    let by_code: Option<RuleInfo> = rule("ds001");
    let by_name = rule("runtime-socket-mount");
    assert_eq!(
        by_code.as_ref().map(|r| r.name),
        Some("runtime-socket-mount")
    );
    assert_eq!(by_code, by_name);
    assert!(rule("DS999").is_none());
}
