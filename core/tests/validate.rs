//! Each validation check has a failing case with its exact message. Pods are written as JSON, the way the
//! API server receives them.

use dockscape::{Problem, validate_compose, validate_pod};
use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "job", "namespace": "ci"},
        "spec": {
            "restartPolicy": "Never",
            "containers": [{
                "name": "client", "image": "docker:28-cli",
                "env": [{"name": "DOCKER_HOST", "value": "tcp://localhost:2376"}],
                "ports": [{"containerPort": 80, "name": "http"}],
                "resources": {"requests": {"cpu": "10m", "memory": "256Mi"}},
                "volumeMounts": [{"name": "certs", "mountPath": "/certs/client", "readOnly": true}]
            }],
            "initContainers": [{
                "name": "dind", "image": "docker:28-dind", "restartPolicy": "Always",
                "volumeMounts": [{"name": "certs", "mountPath": "/certs/client"}]
            }],
            "volumes": [
                {"name": "certs", "emptyDir": {"medium": "Memory"}},
                {"name": "sock", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}}
            ]
        }
    })
}

fn problems(pod: Value) -> Vec<String> {
    let pod: Pod = serde_json::from_value(pod).unwrap();
    validate_pod(&pod).iter().map(Problem::to_string).collect()
}

type Edit = Box<dyn FnOnce(&mut Value)>;

fn with(edit: Edit) -> Vec<String> {
    let mut p = base();
    edit(&mut p);
    problems(p)
}

#[test]
fn the_base_pod_is_valid() {
    assert_eq!(problems(base()), Vec::<String>::new());
}

#[test]
fn pod_checks_fail_with_exact_messages() {
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|p| p["metadata"]["name"] = json!("Job_1")),
            "metadata.name: `Job_1` is not a DNS-1123 subdomain (lowercase alphanumerics, `-` and `.`, at most 253)",
        ),
        (
            Box::new(|p| p["metadata"]["namespace"] = json!("ci.prod")),
            "metadata.namespace: `ci.prod` is not a DNS-1123 label",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["name"] = json!("Client")),
            "spec.containers[0].name: `Client` is not a DNS-1123 label",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["name"] = json!("dind")),
            "spec.containers[0].name: duplicate container name `dind`",
        ),
        (
            Box::new(|p| {
                p["spec"]["ephemeralContainers"] = json!([{"name": "client", "image": "busybox"}])
            }),
            "spec.ephemeralContainers[0].name: duplicate container name `client`",
        ),
        (
            Box::new(|p| p["spec"]["volumes"][1]["name"] = json!("certs")),
            "spec.volumes[1].name: duplicate volume name `certs`",
        ),
        (
            Box::new(|p| p["spec"]["volumes"][1]["name"] = json!("Sock")),
            "spec.volumes[1].name: `Sock` is not a DNS-1123 label",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["volumeMounts"][0]["name"] = json!("cert")),
            "spec.containers[0].volumeMounts[0].name: volume `cert` is not declared in spec.volumes",
        ),
        (
            Box::new(|p| {
                p["spec"]["containers"][0]["volumeMounts"][0]["mountPath"] = json!("certs")
            }),
            "spec.containers[0].volumeMounts[0].mountPath: `certs` is not an absolute path",
        ),
        (
            Box::new(|p| {
                p["spec"]["containers"][0]["volumeMounts"] = json!([{"name": "certs", "mountPath": "/x"}, {"name": "sock", "mountPath": "/x"}])
            }),
            "spec.containers[0].volumeMounts[1].mountPath: duplicate mount path `/x`",
        ),
        (
            Box::new(|p| {
                p["spec"]["containers"][0]["volumeMounts"][0]["subPath"] = json!("../etc")
            }),
            "spec.containers[0].volumeMounts[0].subPath: `../etc` must be a relative path without `..`",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["ports"][0]["containerPort"] = json!(70000)),
            "spec.containers[0].ports[0].containerPort: 70000 is not between 1 and 65535",
        ),
        (
            Box::new(
                |p| p["spec"]["containers"][0]["ports"] = json!([{"containerPort": 80, "name": "http"}, {"containerPort": 81, "name": "http"}]),
            ),
            "spec.containers[0].ports[1].name: duplicate port name `http`",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["ports"][0]["name"] = json!("HTTP")),
            "spec.containers[0].ports[0].name: `HTTP` is not an IANA service name (at most 15 lowercase alphanumerics or `-`, with a letter)",
        ),
        (
            Box::new(|p| p["spec"]["volumes"][1]["hostPath"]["type"] = json!("socket")),
            "spec.volumes[1].hostPath.type: unsupported value `socket`: expected one of DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice",
        ),
        (
            Box::new(|p| p["spec"]["restartPolicy"] = json!("Sometimes")),
            "spec.restartPolicy: unsupported value `Sometimes`: expected `Always`, `OnFailure` or `Never`",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["restartPolicy"] = json!("Always")),
            "spec.containers[0].restartPolicy: may only be set on init containers",
        ),
        (
            Box::new(|p| {
                p["spec"]["containers"][0]["resources"]["requests"]["memory"] = json!("256MB")
            }),
            "spec.containers[0].resources.requests.memory: `256MB` is not a quantity",
        ),
        (
            Box::new(|p| {
                p["spec"]["containers"][0]["resources"]["requests"]["cpu"] = json!("-10m")
            }),
            "spec.containers[0].resources.requests.cpu: `-10m` must be greater than or equal to 0",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["resources"]["limits"] = json!({"cpu": "5m"})),
            "spec.containers[0].resources.requests.cpu: must be less than or equal to the cpu limit",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["env"][0]["name"] = json!("1DOCKER")),
            "spec.containers[0].env[0].name: `1DOCKER` is not a valid environment variable name: letters, digits, `_`, `-` or `.`, not starting with a digit",
        ),
        (
            Box::new(|p| p["spec"]["containers"][0]["image"] = json!(" ")),
            "spec.containers[0].image: required",
        ),
        (
            Box::new(|p| p["spec"]["volumes"][0] = json!({"name": "certs"})),
            "spec.volumes[0]: must specify a volume type",
        ),
        (
            Box::new(|p| p["spec"]["containers"] = json!([])),
            "spec.containers: at least one container is required",
        ),
    ];
    for (edit, expected) in cases {
        let got = with(edit);
        assert!(
            got.contains(&expected.to_owned()),
            "expected {expected:?} in {got:#?}"
        );
    }
}

fn compose() -> Value {
    json!({
        "name": "dind",
        "services": {
            "docker": {"image": "docker:28-dind", "privileged": true, "volumes": ["storage:/var/lib/docker"]},
            "client": {"image": "docker:28-cli", "depends_on": {"docker": {"condition": "service_healthy"}},
                        "ports": ["8080:80", "127.0.0.1:53:53/udp"], "volumes": ["/src:/src:ro"]}
        },
        "volumes": {"storage": {}}
    })
}

fn compose_problems(edit: Edit) -> Vec<String> {
    let mut c = compose();
    edit(&mut c);
    validate_compose(&c)
        .iter()
        .map(Problem::to_string)
        .collect()
}

#[test]
fn compose_checks_fail_with_exact_messages() {
    assert_eq!(compose_problems(Box::new(|_| {})), Vec::<String>::new());
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|c| c["services"]["client"]["depends_on"] = json!(["dockerd"])),
            "services.client.depends_on: service `dockerd` is not defined",
        ),
        (
            Box::new(|c| c["services"]["client"]["depends_on"] = json!(["client"])),
            "services.client.depends_on: a service cannot depend on itself",
        ),
        (
            Box::new(|c| c["services"]["docker"]["volumes"] = json!(["store:/var/lib/docker"])),
            "services.docker.volumes[0]: volume `store` is not declared in the top-level `volumes`",
        ),
        (
            Box::new(|c| c["services"]["docker"]["volumes"] = json!(["storage:var/lib/docker"])),
            "services.docker.volumes[0]: target `var/lib/docker` is not an absolute path",
        ),
        (
            Box::new(|c| {
                c["services"]["docker"]["volumes"] = json!(["storage:/var/lib/docker:rx"])
            }),
            "services.docker.volumes[0]: unsupported mode `rx`",
        ),
        (
            Box::new(|c| c["services"]["docker"]["volumes"] = json!(["a:b:c:d"])),
            "services.docker.volumes[0]: `a:b:c:d` is not `[source:]target[:mode]`",
        ),
        (
            Box::new(|c| {
                c["services"]["docker"]["volumes"] =
                    json!([{"type": "volume", "source": "x", "target": "/x"}])
            }),
            "services.docker.volumes[0].source: volume `x` is not declared in the top-level `volumes`",
        ),
        (
            Box::new(|c| c["services"]["client"]["ports"] = json!(["80:0"])),
            "services.client.ports[0]: `80:0` is not `[ip:][host:]container[/protocol]` with ports 1-65535",
        ),
        (
            Box::new(|c| c["services"]["client"]["ports"] = json!(["80/icmp"])),
            "services.client.ports[0]: `80/icmp` is not `[ip:][host:]container[/protocol]` with ports 1-65535",
        ),
        (
            Box::new(|c| c["services"]["-bad"] = json!({"image": "x"})),
            "services.-bad: `-bad` is not a valid service name: letters, digits, `_`, `.` and `-`, starting with a letter or digit",
        ),
        (
            Box::new(|c| {
                c["services"]["client"]
                    .as_object_mut()
                    .unwrap()
                    .remove("image");
            }),
            "services.client: needs `image` or `build`",
        ),
        (
            Box::new(|c| c["services"]["client"]["environment"] = json!({"A=B": "1"})),
            "services.client.environment: `A=B` is not a valid variable name",
        ),
        (
            Box::new(|c| {
                c.as_object_mut().unwrap().remove("services");
            }),
            "services: required: a mapping of services",
        ),
    ];
    for (edit, expected) in cases {
        let got = compose_problems(edit);
        assert!(
            got.contains(&expected.to_owned()),
            "expected {expected:?} in {got:#?}"
        );
    }
}
