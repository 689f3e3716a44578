//! The evasion corpus: `fixtures/lint/_evasion/<class>.<ext>`, one file per way of walking around
//! the linter that was found (by an attacker's reading of Kubernetes, Compose and the shell), each
//! with `<class>.<ext>.expect` beside it. The expect file lists, one per line:
//! - a rule code (`DS001`): an unsuppressed finding of that code must be reported;
//! - `error`: the input must be reported as (partly) unreadable, exit 2;
//! - `skipped`: the input must be listed as skipped (not linted, not an error);
//! - `clean`: a neighbour that must stay quiet: no unsuppressed finding and no error;
//! - `# ...`: a comment saying what the file tries.
//!
//! A code or `error` may be followed by `LINE:COL`: the finding (or error) must be there; `!CODE`
//! says no unsuppressed finding of that code may be reported.
//!
//! Whatever it lists, an evasion file never exits 0 unless the expect file says `clean` (a
//! neighbour that must stay quiet). `docs/lint-evasion.md` lists what the linter promises to see.

#![allow(clippy::disallowed_methods)] // tests read fixtures; the library stays pure

use std::path::{Path, PathBuf};

use dockscape::{LintInput, LintOptions, lint};

#[test]
fn every_evasion_is_caught() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/_evasion");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e != "expect" && e != "md"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expect_path = file.with_file_name(format!("{name}.expect"));
        let Ok(expect) = std::fs::read_to_string(&expect_path) else {
            failures.push(format!("{name}: no {name}.expect beside it"));
            continue;
        };
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // the library takes text: the bytes as the CLI decodes them (lossy here; the encodings
        // themselves are tested through the CLI)
        let text = String::from_utf8_lossy(&bytes);
        let display = format!("_evasion/{name}");
        let report = lint(
            &[LintInput {
                file: &display,
                text: &text,
                kind: None,
            }],
            &LintOptions::default(),
        );
        let codes: Vec<&str> = report.active().map(|f| f.code).collect();
        let wants: Vec<&str> = expect
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let clean = wants.contains(&"clean");
        for want in &wants {
            let (want, at) = match want.split_once(' ') {
                Some((w, at)) => (w, parse_at(at.trim())),
                None => (*want, None),
            };
            if let Some((line, col)) = at {
                let found = if want == "error" {
                    report
                        .errors
                        .iter()
                        .any(|e| e.line == Some(line) && e.column == Some(col))
                } else {
                    report
                        .active()
                        .any(|f| f.code == want && f.line == line && f.column == col)
                };
                if !found {
                    let got: Vec<String> = report
                        .active()
                        .map(|f| format!("{} {}:{}", f.code, f.line, f.column))
                        .chain(report.errors.iter().map(|e| {
                            format!("error {}:{}", e.line.unwrap_or(0), e.column.unwrap_or(0))
                        }))
                        .collect();
                    failures.push(format!(
                        "{name}: expected {want} at {line}:{col}, got {got:?}"
                    ));
                }
                continue;
            }
            if let Some(code) = want.strip_prefix('!') {
                if codes.contains(&code) {
                    failures.push(format!(
                        "{name}: {code} must not be reported, got {codes:?}"
                    ));
                }
                continue;
            }
            match want {
                "clean" if !codes.is_empty() || !report.errors.is_empty() => {
                    failures.push(format!(
                        "{name}: expected clean, got {codes:?} (errors: {:?})",
                        report.errors
                    ))
                }
                "clean" => {}
                "error" if report.errors.is_empty() => {
                    failures.push(format!("{name}: expected an input error, got none"));
                }
                "error" => {}
                "skipped" if !report_skipped(&report) => {
                    failures.push(format!("{name}: expected to be listed as skipped"));
                }
                "skipped" => {}
                code if !codes.contains(&code) => failures.push(format!(
                    "{name}: expected {code}, got {codes:?} (errors: {:?})",
                    report.errors
                )),
                _ => {}
            }
        }
        if !clean && !wants.contains(&"skipped") && report.exit_code() == 0 {
            failures.push(format!("{name}: exits 0 (findings {codes:?})"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0 || files.is_empty());
}

/// `LINE:COL` of an expect line.
fn parse_at(at: &str) -> Option<(usize, usize)> {
    let (l, c) = at.split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// Whether the report lists its input as skipped.
fn report_skipped(report: &dockscape::LintReport) -> bool {
    serde_json::to_value(report)
        .ok()
        .and_then(|v| {
            v.get("skipped")
                .and_then(|s| s.as_array())
                .map(|a| !a.is_empty())
        })
        .unwrap_or(false)
}
