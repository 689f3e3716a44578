//! No false all-clear: an input that is none of the kinds the linter reads, a template, or a forced
//! kind that finds no workload is listed as skipped (text and JSON), never a silent "no findings";
//! and no value of a hostile input can forge the text or GitHub output.

use dockscape::{InputKind, LintInput, LintOptions, LintReport, lint};

fn run(file: &str, text: &str, kind: Option<InputKind>) -> LintReport {
    lint(&[LintInput { file, text, kind }], &LintOptions::default())
}

fn reasons(r: &LintReport) -> Vec<(&str, &str)> {
    r.skipped
        .iter()
        .map(|s| (s.file.as_str(), s.reason.as_str()))
        .collect()
}

#[test]
fn yaml_that_is_no_known_kind_is_skipped() {
    let r = run("values.yaml", "replicaCount: 3\nimage:\n  tag: v1\n", None);
    assert_eq!(r.skipped.len(), 1, "{:?}", reasons(&r));
    assert!(r.skipped[0].reason.contains("not a Kubernetes object"));
    assert_eq!(r.exit_code(), 0, "skipping is not an error");
    let text = r.to_text(false);
    assert!(
        text.contains("skipped: values.yaml: not a Kubernetes object"),
        "{text}"
    );
    assert!(text.ends_with("nothing linted, 1 skipped\n"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["skipped"][0]["file"], "values.yaml");
}

#[test]
fn kubernetes_objects_without_workloads_are_looked_at() {
    let r = run(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        None,
    );
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
    assert!(r.to_text(false).ends_with("no findings\n"));
    let r = run("build.sh", "#!/bin/sh\nmake all\n", None);
    assert!(
        r.skipped.is_empty(),
        "a script is looked at: {:?}",
        reasons(&r)
    );
}

#[test]
fn a_forced_kind_that_finds_nothing_says_so() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: x}\n";
    let r = run("pod.yaml", pod, Some(InputKind::Compose));
    assert_eq!(r.skipped.len(), 1, "{:?}", reasons(&r));
    assert!(
        r.skipped[0].reason.contains("read as compose (forced)"),
        "{:?}",
        reasons(&r)
    );
    let r = run("pod.yaml", pod, Some(InputKind::Kubernetes));
    assert!(r.skipped.is_empty());
}

#[test]
fn templates_are_skipped_with_a_pointer_to_the_rendered_output() {
    let helm = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n{{- range .Values.containers }}\n  - name: {{ .name }}\n{{- end }}\n";
    let r = run("chart/templates/pod.yaml", helm, None);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.skipped.len(), 1);
    assert!(
        r.skipped[0].reason.contains("helm template"),
        "{:?}",
        reasons(&r)
    );
    // `{{ }}` inside values is the document's own (Argo parameters): linted, not skipped
    let argo = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  templates:\n  - name: t\n    container:\n      image: \"{{inputs.parameters.image}}\"\n";
    let r = run("wf.yaml", argo, None);
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
}

#[test]
fn hostile_names_and_values_cannot_forge_output() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"p\\e[2J\\rfake.yaml:1:1: ok\"}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n";
    let r = run("evil\n1:1: DS000.yaml\u{1b}]0;t\u{7}", pod, None);
    assert!(!r.findings.is_empty());
    for out in [r.to_text(false), r.to_github()] {
        assert!(!out.contains('\u{1b}'), "ESC in {out:?}");
        assert!(!out.contains('\u{7}'), "BEL in {out:?}");
        assert!(!out.contains('\r'), "CR in {out:?}");
        assert!(
            !out.lines().any(|l| l.starts_with("1:1:")),
            "a forged position line in {out}"
        );
    }
}

#[test]
fn sarif_uris_are_relative_references() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n";
    let r = run("x:y.yaml", pod, None);
    let sarif: serde_json::Value = serde_json::from_str(&r.to_sarif()).unwrap();
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uri, "./x:y.yaml");
}
