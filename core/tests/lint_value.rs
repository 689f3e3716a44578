//! Lint already-parsed objects (`serde_json::Value`, k8s-openapi types): the same findings as the
//! text, by field path, without line numbers.

use dockscape::{LintInput, LintOptions, lint, lint_value};
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec, SecurityContext};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: ci}\nspec:\n  containers:\n  - name: job\n    image: docker:29-cli\n    securityContext: {privileged: true}\n    volumeMounts:\n    - {name: s, mountPath: /var/run/docker.sock}\n  volumes:\n  - name: s\n    hostPath: {path: /var/run/docker.sock, type: Socket}\n";

fn key(r: &dockscape::LintReport) -> Vec<(String, String)> {
    r.findings
        .iter()
        .map(|f| (f.code.to_string(), f.path.clone()))
        .collect()
}

#[test]
fn a_value_lints_as_its_text_does() {
    let text = lint(
        &[LintInput {
            file: "ci",
            text: POD,
            kind: None,
        }],
        &LintOptions::default(),
    );
    let value: serde_json::Value =
        serde_json::to_value(dockscape::debug_yaml_to_json(POD).remove(0)).unwrap();
    let from_value = lint_value("ci", &value, &LintOptions::default());
    assert!(!text.findings.is_empty());
    assert_eq!(key(&text), key(&from_value));
    assert!(
        from_value
            .findings
            .iter()
            .all(|f| f.line == 0 && f.column == 0)
    );
}

#[test]
fn k8s_openapi_pods_and_pod_specs_lint() {
    let spec = PodSpec {
        containers: vec![Container {
            name: "job".into(),
            image: Some("docker:29-cli".into()),
            security_context: Some(SecurityContext {
                privileged: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    let r = lint_value("ci", &spec, &LintOptions::default());
    assert!(r.findings.iter().any(|f| f.code == "DS006" && f.path == "spec.containers[0].securityContext.privileged"), "{:?}", key(&r));
    let pod = Pod {
        spec: Some(spec),
        ..Default::default()
    };
    let r = lint_value("ci", &pod, &LintOptions::default());
    assert!(
        r.findings.iter().any(|f| f.code == "DS006"),
        "{:?}",
        key(&r)
    );
}
