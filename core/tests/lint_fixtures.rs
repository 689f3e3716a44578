//! Per-rule fixtures: `fixtures/lint/<rule-name>/{valid,invalid}*.{yaml,yml,json,sh}`. Every
//! `invalid*` file fires its folder's rule, no `valid*` file does, and the text output (what a user
//! sees) is snapshotted beside the fixture as `<file>.snap`.

#![allow(clippy::disallowed_methods)] // tests read fixtures and write snapshots; the library stays pure

use std::path::{Path, PathBuf};

use dockscape::{LintInput, LintOptions, lint, rules};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

#[test]
fn fixtures() {
    let root = fixture_root();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        // `_seeds` and other `_` folders are read by their own tests
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        let rule_name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(rule) = rules().into_iter().find(|r| r.name == rule_name) else {
            failures.push(format!("{}: no rule named {rule_name}", dir.display()));
            continue;
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| matches!(e.to_str(), Some("yaml" | "yml" | "json" | "sh")))
            })
            .collect();
        files.sort();
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let display = format!("{rule_name}/{name}");
            let report = lint(
                &[LintInput {
                    file: &display,
                    text: &text,
                    kind: None,
                }],
                &LintOptions::default(),
            );
            let fired = report
                .findings
                .iter()
                .filter(|f| f.code == rule.code && !f.is_suppressed())
                .count();
            if name.starts_with("invalid") && fired == 0 {
                failures.push(format!("{display}: expected {} to fire", rule.code));
            }
            if name.starts_with("valid") && fired > 0 {
                failures.push(format!("{display}: {} fired {fired} time(s)", rule.code));
            }
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(&dir);
            settings.set_prepend_module_to_snapshot(false);
            settings.set_input_file(&file);
            settings.set_omit_expression(true);
            settings.bind(|| insta::assert_snapshot!(name.clone(), report.to_text(false)));
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0, "no fixtures found");
}

/// The seeds' own examples (`_seeds/`), snapshotted as users see them.
#[test]
fn seeds() {
    let dir = fixture_root().join("_seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "sh"))
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    for file in files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
        let display = format!("seeds/{name}");
        let report = lint(
            &[LintInput {
                file: &display,
                text: &text,
                kind: None,
            }],
            &LintOptions::default(),
        );
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&file);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name.clone(), report.to_text(false)));
    }
}
