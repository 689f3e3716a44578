//! `dockscape::migrate` over the CI fixtures of the lint corpus (`core/tests/fixtures/lint/_ci/`):
//! ARC's Helm values (`template.spec`, a pod spec) are rewritten exactly as the same pod spec in a
//! Pod is, for every DinD target and the socket proxy, with a note naming the Helm upgrade; every
//! other DooD workload of a CI input is refused with its system's reason, and nothing is edited.
#![allow(clippy::disallowed_methods)] // tests read fixtures; the library stays pure

mod common;

use std::path::{Path, PathBuf};

use dockscape::{
    LintInput, LintOptions, MigrateOptions, MigrateTarget, WorkloadScenario, lint, migrate,
};
use serde_json::Value;

fn ci() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/_ci")
}

fn options(file: &str) -> MigrateOptions {
    MigrateOptions {
        file: file.to_string(),
        ..Default::default()
    }
}

/// The first YAML document of `text` as JSON.
fn json(text: &str) -> Value {
    dockscape::debug_yaml_to_json(text)
        .into_iter()
        .next()
        .unwrap()
}

/// The values' `template:` block as a Pod manifest in the same block style (its `spec:` lines,
/// dedented by the two spaces of `template:`).
fn as_pod(values: &str) -> String {
    let mut pod = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: runner\n");
    let block = values
        .lines()
        .skip_while(|l| *l != "template:")
        .skip(1)
        .take_while(|l| l.starts_with(' '));
    for l in block {
        pod.push_str(l.strip_prefix("  ").unwrap());
        pod.push('\n');
    }
    pod
}

#[test]
fn arc_values_are_rewritten_as_their_pod_spec_is() {
    let file = "values-dood.yaml";
    let text = std::fs::read_to_string(ci().join("github-arc").join(file)).unwrap();
    for target in [
        MigrateTarget::Dind,
        MigrateTarget::DindRootless,
        MigrateTarget::Sysbox,
        MigrateTarget::SocketProxy,
    ] {
        let m = migrate(&text, target, &options(file)).unwrap();
        assert_eq!(
            m.migrated,
            ["AutoscalingRunnerSet/runner-scale-set"],
            "{target:?}: {:?}",
            m.refusals
        );
        // the values' pod template becomes what the same pod spec becomes in a Pod
        let pod = migrate(&as_pod(&text), target, &MigrateOptions::default()).unwrap();
        assert_eq!(pod.migrated, ["Pod/runner"], "{target:?}");
        let after = json(&m.text);
        assert_eq!(
            after["template"]["spec"],
            json(&pod.text)["spec"],
            "{target:?}\n{}",
            m.text
        );
        // the rest of the values is untouched, byte for byte outside the edits
        let before = json(&text);
        for key in ["githubConfigUrl", "githubConfigSecret", "listenerTemplate"] {
            assert_eq!(after[key], before[key], "{target:?} {key}");
        }
        let first = m.edits.first().unwrap().start;
        let last = m.edits.last().unwrap().end;
        assert_eq!(text[..first], m.text[..first]);
        assert!(m.text.ends_with(&text[last..]));
        assert!(m.notes.iter().any(|n| n.message.contains("helm upgrade")));
        // lint: the socket is gone (socket-proxy: on the proxy container only)
        let report = lint(
            &[LintInput {
                file,
                text: &m.text,
                kind: None,
            }],
            &LintOptions::default(),
        );
        for f in &report.findings {
            if ["DS001", "DS002", "DS016"].contains(&f.code) {
                assert_eq!(target, MigrateTarget::SocketProxy, "{f:?}");
                assert_eq!(f.container.as_deref(), Some("docker-socket-proxy"), "{f:?}");
            }
        }
        let scenario = report.workloads.first().unwrap().scenario;
        let want = match target {
            MigrateTarget::Dind => WorkloadScenario::Dind,
            MigrateTarget::DindRootless => WorkloadScenario::DindRootless,
            MigrateTarget::Sysbox => WorkloadScenario::Sysbox,
            _ => WorkloadScenario::Dood,
        };
        assert_eq!(scenario, want, "{target:?}");
        // idempotent
        let again = migrate(&m.text, target, &options(file)).unwrap();
        assert!(again.edits.is_empty(), "{target:?}: {:?}", again.edits);
    }
    let b = migrate(&text, MigrateTarget::Buildkit, &options(file)).unwrap();
    assert!(b.migrated.is_empty() && b.refusals[0].reason.contains("runner pods"));
}

#[test]
fn every_other_dood_ci_input_is_refused_with_its_systems_reason() {
    let mut seen = std::collections::BTreeSet::new();
    for p in common::files_under(&ci(), &["yaml", "yml", "toml", "Jenkinsfile", "groovy"]) {
        let rel = p.strip_prefix(ci()).unwrap().display().to_string();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let report = lint(
            &[LintInput {
                file: &name,
                text: &text,
                kind: None,
            }],
            &LintOptions::default(),
        );
        let dood: Vec<&str> = report
            .workloads
            .iter()
            .filter(|w| w.scenario == WorkloadScenario::Dood)
            .map(|w| w.workload.as_str())
            .collect();
        if dood.is_empty() || rel.starts_with("github-arc/") {
            continue;
        }
        let m = migrate(&text, MigrateTarget::Dind, &options(&name)).unwrap();
        assert!(m.edits.is_empty(), "{rel}");
        for w in &dood {
            let r = m
                .refusals
                .iter()
                .find(|r| r.workload == *w)
                .unwrap_or_else(|| panic!("{rel}: {w} not refused: {:?}", m.refusals));
            assert!(
                !r.reason.contains("not implemented yet"),
                "{rel}: {}",
                r.reason
            );
            assert!(
                r.reason.contains("generate dind --format") || r.reason.contains("docker:29-dind"),
                "{rel}: {}",
                r.reason
            );
        }
        seen.insert(rel.split('/').next().unwrap().to_string());
    }
    for system in ["drone", "github-actions", "gitlab", "jenkins", "tekton"] {
        assert!(
            seen.contains(system),
            "no DooD fixture of {system}: {seen:?}"
        );
    }
}
