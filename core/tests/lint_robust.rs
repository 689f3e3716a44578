//! Never a panic: every prefix of every fixture, and arbitrary YAML-ish text, lints to findings
//! or errors.

#![allow(clippy::disallowed_methods)] // tests read fixtures and write snapshots; the library stays pure

use std::path::Path;

use dockscape::{InputKind, LintInput, LintOptions, lint};
use proptest::prelude::*;

fn fixtures() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| matches!(x.to_str(), Some("yaml" | "yml" | "json" | "sh")))
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                out.push((p.display().to_string(), t));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_prefix_of_every_fixture() {
    let files = fixtures();
    assert!(files.len() > 20);
    let mut runs = 0;
    for (name, text) in &files {
        // about 40 cut points per file, each read as every kind
        let step = (text.len() / 40).max(1);
        let cuts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .filter(|i| i % step == 0)
            .collect();
        for i in cuts {
            let prefix = &text[..i];
            for kind in [None, Some(InputKind::Compose), Some(InputKind::Run)] {
                let r = lint(
                    &[LintInput {
                        file: name,
                        text: prefix,
                        kind,
                    }],
                    &LintOptions::default(),
                );
                let _ = (r.to_text(true), r.to_github(), r.exit_code());
                runs += 1;
            }
        }
    }
    assert!(runs > 500);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_text_never_panics(text in "[a-z:\\- \\[\\]{}&*!|>'\"#\\n\\t\\\\/.0-9$]{0,200}") {
        for kind in [None, Some(InputKind::Compose), Some(InputKind::Run)] {
            let r = lint(&[LintInput { file: "x.yaml", text: &text, kind }], &LintOptions::default());
            let _ = r.to_text(false);
        }
    }

    #[test]
    fn spliced_fixture_lines_never_panic(seed in 0usize..10_000, cut in 0usize..400) {
        let files = fixtures();
        let (name, text) = &files[seed % files.len()];
        let lines: Vec<&str> = text.lines().collect();
        let mut mixed: Vec<&str> = lines.clone();
        if !lines.is_empty() {
            mixed.insert(cut % (lines.len() + 1), lines[seed % lines.len()]);
            mixed.swap(seed % lines.len(), cut % lines.len());
        }
        let t = mixed.join("\n");
        let r = lint(&[LintInput { file: name, text: &t, kind: None }], &LintOptions::default());
        let _ = r.to_json();
    }
}
