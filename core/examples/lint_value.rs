//! Lint an object another tool already holds (an admission webhook's request, a `kube` client's
//! result) as a `serde_json::Value`: it is written as JSON text, which is YAML, and linted like a
//! file; findings carry the field path of the offending value.
//!
//! ```sh
//! cargo run -p dockscape --example lint_value
//! ```

use dockscape::{Finding, LintInput, LintOptions, lint};
use serde_json::{Value, json};

/// The findings of one Kubernetes object.
fn lint_value(name: &str, object: &Value) -> Result<Vec<Finding>, String> {
    let text = serde_json::to_string_pretty(object).map_err(|e| e.to_string())?;
    let input = LintInput {
        file: name,
        text: &text,
        kind: Some(dockscape::InputKind::Kubernetes),
    };
    let report = lint(&[input], &LintOptions::default());
    match report.errors.first() {
        Some(e) => Err(e.message.clone()),
        None => Ok(report.findings),
    }
}

/// A CI Pod that borrows the node's Docker daemon.
fn ci_pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": "ci", "namespace": "builds" },
        "spec": {
            "containers": [{
                "name": "job",
                "image": "docker:cli",
                "securityContext": { "runAsUser": 1000, "runAsNonRoot": true },
                "volumeMounts": [{ "name": "sock", "mountPath": "/var/run/docker.sock" }]
            }],
            "volumes": [{ "name": "sock", "hostPath": { "path": "/var/run/docker.sock" } }]
        }
    })
}

fn main() -> std::process::ExitCode {
    match lint_value("ci-pod", &ci_pod()) {
        Ok(findings) => {
            for f in &findings {
                println!("{} [{}] {} at {}", f.code, f.severity, f.message, f.path);
            }
            std::process::ExitCode::from(u8::from(!findings.is_empty()))
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn the_socket_mount_is_found_at_its_field_path() {
        let findings = super::lint_value("ci-pod", &super::ci_pod()).unwrap();
        let ds001 = findings.iter().find(|f| f.code == "DS001").unwrap();
        assert_eq!(ds001.path, "spec.volumes[0].hostPath.path");
        assert_eq!(ds001.workload.as_deref(), Some("Pod/builds/ci"));
        assert_eq!(ds001.container.as_deref(), Some("job"));
    }

    #[test]
    fn a_pod_without_the_socket_has_no_findings() {
        let mut pod = super::ci_pod();
        pod["spec"]["volumes"][0] = json!({ "name": "sock", "emptyDir": {} });
        assert_eq!(super::lint_value("ci-pod", &pod).unwrap(), Vec::new());
    }
}
