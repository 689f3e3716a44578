//! The generator and the linter agree: every scenario's artifacts lint to exactly the rule codes the
//! scenario declares, in every format, and its explanation names the same codes.

use dockscape::{Format, InputKind, LintInput, LintOptions, Options, Shell};
use dockscape_tests::golden::scenarios;
use std::collections::BTreeSet;

fn codes(file: &str, text: &str, kind: InputKind) -> BTreeSet<String> {
    let report = dockscape::lint(
        &[LintInput {
            file,
            text,
            kind: Some(kind),
        }],
        &LintOptions::default(),
    );
    assert!(
        report.errors.is_empty(),
        "{file}: {:?}\n{text}",
        report.errors
    );
    report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| f.code.to_string())
        .collect()
}

#[test]
fn every_artifact_lints_to_the_declared_codes() {
    let mut failures = Vec::new();
    for (name, s) in scenarios() {
        let declared: BTreeSet<String> = s.risk_codes().iter().map(|c| (*c).to_owned()).collect();
        let mut check = |label: &str, text: String, kind: InputKind| {
            let got = codes(&format!("{name}/{label}"), &text, kind);
            if got != declared {
                failures.push(format!(
                    "{name} {label}: declared {declared:?}, lint found {got:?}"
                ));
            }
        };
        let emit = |f: Format, shell: Option<Shell>| {
            dockscape::generate(&s, f, &Options { shell }).map(|a| a.text)
        };
        check(
            "pod",
            emit(Format::Pod, None).unwrap(),
            InputKind::Kubernetes,
        );
        check(
            "compose",
            emit(Format::Compose, None).unwrap(),
            InputKind::Compose,
        );
        if s.id != dockscape::ScenarioId::Kubernetes {
            for shell in [Shell::Sh, Shell::Gitbash] {
                check(
                    &format!("run-{}", shell.id()),
                    emit(Format::Run, Some(shell)).unwrap(),
                    InputKind::Run,
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "generator and linter disagree:\n{}",
        failures.join("\n")
    );
}

#[test]
fn explanations_name_exactly_the_declared_codes() {
    for (name, s) in scenarios() {
        let text = dockscape::generate(&s, Format::Explain, &Options::default())
            .unwrap()
            .text;
        let named: BTreeSet<&str> = text
            .match_indices("DS0")
            .filter_map(|(i, _)| text.get(i..i + 5))
            .filter(|c| c[2..].chars().all(|d| d.is_ascii_digit()))
            .collect();
        let declared: BTreeSet<&str> = s.risk_codes().into_iter().collect();
        // The DooD page also names DS027 when it tells the name-conflict story of seed 001.
        let extra: BTreeSet<&str> = named
            .difference(&declared)
            .copied()
            .filter(|c| *c != "DS027")
            .collect();
        assert!(
            declared.is_subset(&named),
            "{name}: explain lacks {:?}",
            declared.difference(&named)
        );
        assert!(
            extra.is_empty(),
            "{name}: explain names codes the artifacts do not carry: {extra:?}"
        );
    }
}

#[test]
fn declared_risks_are_rules_of_the_registry() {
    for (name, s) in scenarios() {
        for r in &s.risks {
            let rule = dockscape::rule(r.code)
                .unwrap_or_else(|| panic!("{name}: {} is not a rule", r.code));
            assert_eq!(rule.name, r.name, "{name}: {}", r.code);
            assert!(!r.why.is_empty());
        }
    }
}
