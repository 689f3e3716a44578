//! Kubernetes JSON input (`kubectl get -o json`: one object or a `List`) and Compose JSON are
//! detected and converted like their YAML, with positions in the JSON text.

use dockscape::{ConvertOptions, ConvertSource, ConvertTarget, convert};

/// What `kubectl get pod,deploy -o json` prints (trimmed): a `List` of a Pod and a Deployment,
/// with the fields the API server fills in.
const LIST: &str = r#"{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "creationTimestamp": "2026-11-30T10:00:00Z",
                "labels": {"app": "web"},
                "name": "web",
                "namespace": "default",
                "resourceVersion": "4711",
                "uid": "6d1f6a52-1b2c-4c1e-9a51-0c1b8f1d2e3f"
            },
            "spec": {
                "containers": [
                    {
                        "image": "nginx:1.27",
                        "name": "web",
                        "ports": [{"containerPort": 80, "hostPort": 8080, "protocol": "TCP"}],
                        "env": [{"name": "MODE", "value": "prod"}],
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [{"mountPath": "/var/run/docker.sock", "name": "sock"}]
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "schedulerName": "default-scheduler",
                "serviceAccountName": "default",
                "restartPolicy": "Always",
                "nodeName": "node-1",
                "volumes": [{"hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}, "name": "sock"}]
            },
            "status": {"phase": "Running"}
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "default"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "api"}},
                "template": {
                    "metadata": {"labels": {"app": "api"}},
                    "spec": {"containers": [{"image": "api:1", "name": "api", "args": ["--port", "9000"]}]}
                }
            }
        }
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
"#;

fn conv(text: &str, target: ConvertTarget) -> dockscape::Conversion {
    let c = convert(text, target, &ConvertOptions::default()).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    c
}

#[test]
fn kubectl_json_is_detected_and_converted_like_its_yaml() {
    assert_eq!(ConvertSource::detect(LIST), ConvertSource::K8s);
    let one = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": [{"name": "x", "image": "busybox"}]}}"#;
    assert_eq!(ConvertSource::detect(one), ConvertSource::K8s);
    assert_eq!(
        ConvertSource::detect(r#"{"services": {"a": {"image": "busybox"}}}"#),
        ConvertSource::Compose
    );
    assert_eq!(ConvertSource::detect("{ echo hi; }"), ConvertSource::Run);
    let c = conv(LIST, ConvertTarget::Compose);
    assert_eq!(c.source, ConvertSource::K8s);
    let y = &c.outputs[0].text;
    assert!(y.contains("  web:\n    image: nginx:1.27\n"), "{y}");
    assert!(y.contains("- \"8080:80\""), "{y}");
    assert!(
        y.contains("/var/run/docker.sock:/var/run/docker.sock"),
        "{y}"
    );
    assert!(
        y.contains("  api:\n    image: api:1\n    command:\n    - --port\n    - \"9000\"\n"),
        "{y}"
    );
    // the socket mount is linted in the output
    assert!(
        c.findings.iter().any(|f| f.code == "DS001"),
        "{:?}",
        c.findings
    );
    // what is not carried is reported at its place in the JSON text
    let at = |key: &str| {
        c.dropped
            .iter()
            .find(|d| d.key_or_flag.ends_with(key))
            .map(|d| (d.line, d.column))
    };
    assert_eq!(at("spec.nodeName"), Some((32, 17)), "{:?}", c.dropped);
    assert_eq!(at("spec.replicas"), Some((42, 17)), "{:?}", c.dropped);
    assert_eq!(c.dropped.len(), 2, "{:?}", c.dropped);
    // the API server's defaults are one note, not a list of dropped fields
    assert!(
        c.notes.iter().any(|n| n.message
            == "left out, at the values the API server fills in: `enableServiceLinks`, `schedulerName`, `serviceAccountName`, `terminationMessagePath`, `terminationMessagePolicy`"),
        "{:?}",
        c.notes
    );
    // and into Kubernetes again: one Pod per object
    let pods = conv(LIST, ConvertTarget::Pod);
    assert_eq!(pods.outputs.len(), 2, "{:?}", pods.outputs);
    assert!(
        pods.outputs[0].text.contains("type: Socket"),
        "{}",
        pods.outputs[0].text
    );
}

#[test]
fn a_json_syntax_error_is_reported_at_its_place() {
    let bad =
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"spec\": {\"containers\": [}\n}\n";
    assert_eq!(ConvertSource::detect(bad), ConvertSource::K8s);
    let c = convert(bad, ConvertTarget::Compose, &ConvertOptions::default()).unwrap();
    assert!(!c.errors.is_empty());
    assert_eq!(
        c.errors[0].location().map(|l| l.line),
        Some(4),
        "{:?}",
        c.errors
    );
}

#[test]
fn a_compose_file_in_json_converts_with_positions() {
    let compose = "{\n  \"services\": {\n    \"web\": {\n      \"image\": \"nginx:1.27\",\n      \"ports\": [\"8080:80\"],\n      \"init\": true,\n      \"logging\": {\"driver\": \"none\"}\n    }\n  }\n}\n";
    let c = conv(compose, ConvertTarget::Pod);
    assert_eq!(c.source, ConvertSource::Compose);
    assert!(
        c.outputs[0].text.contains("containerPort: 80"),
        "{}",
        c.outputs[0].text
    );
    let d: Vec<(u32, u32, &str)> = c
        .dropped
        .iter()
        .map(|d| (d.line, d.column, d.key_or_flag.as_str()))
        .collect();
    assert_eq!(d, [(6, 7, "init"), (7, 7, "logging")], "{:?}", c.dropped);
}
