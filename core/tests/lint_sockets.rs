//! One test per socket path and normalisation case of RULES.md, and the seeds' own examples.

#![allow(clippy::disallowed_methods)] // tests read fixtures and write snapshots; the library stays pure

use dockscape::{LintInput, LintOptions, WorkloadScenario, lint};

/// A pod mounting `host` (with an optional `subPath`), run as non-root so only path rules fire.
fn pod(host: &str, sub_path: Option<&str>) -> String {
    let sub = sub_path
        .map(|s| format!("\n          subPath: {s}"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: c
      image: alpine:3.20
      volumeMounts:
        - name: v
          mountPath: /mnt/x
          readOnly: true{sub}
  volumes:
    - name: v
      hostPath:
        path: '{host}'
"
    )
}

fn codes(file: &str, text: &str) -> Vec<&'static str> {
    let r = lint(
        &[LintInput {
            file,
            text,
            kind: None,
        }],
        &LintOptions::default(),
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let mut c: Vec<&'static str> = r.findings.iter().map(|f| f.code).collect();
    c.sort_unstable();
    c
}

fn socket(host: &str) -> Vec<&'static str> {
    codes("p.yaml", &pod(host, None))
}

#[test]
fn docker_socket() {
    assert_eq!(socket("/var/run/docker.sock"), ["DS001"]);
}

#[test]
fn run_docker_sock() {
    assert_eq!(socket("/run/docker.sock"), ["DS001"]);
}

#[test]
fn double_slash() {
    assert_eq!(socket("//var/run/docker.sock"), ["DS001"]);
}

#[test]
fn trailing_slash() {
    assert_eq!(socket("/var/run/docker.sock/"), ["DS001"]);
}

#[test]
fn dot_and_dot_dot() {
    assert_eq!(socket("/var/./lib/../run/docker.sock"), ["DS001"]);
}

#[test]
fn var_run_plus_sub_path() {
    let text = pod("/var/run", Some("docker.sock"));
    assert_eq!(codes("p.yaml", &text), ["DS001"]);
    // and the finding points at the subPath, where the socket is named
    let r = lint(
        &[LintInput {
            file: "p.yaml",
            text: &text,
            kind: None,
        }],
        &LintOptions::default(),
    );
    assert_eq!(
        r.findings[0].path,
        "spec.containers[0].volumeMounts[0].subPath"
    );
    assert_eq!((r.findings[0].line, r.findings[0].column), (15, 20));
}

#[test]
fn directory_without_sub_path_is_ds002() {
    assert_eq!(socket("/var/run"), ["DS002"]);
    assert_eq!(socket("/var/run/"), ["DS002"]);
    assert_eq!(socket("/"), ["DS002"]);
    assert_eq!(socket("/var"), ["DS002"]);
    assert_eq!(socket("/run"), ["DS002"]);
}

#[test]
fn containerd() {
    assert_eq!(socket("/run/containerd/containerd.sock"), ["DS001"]);
    assert_eq!(socket("/var/run/containerd/containerd.sock"), ["DS001"]);
    assert_eq!(socket("/run/containerd/containerd.sock.ttrpc"), ["DS001"]);
    assert_eq!(socket("/run/containerd"), ["DS002"]);
}

#[test]
fn cri_o() {
    assert_eq!(socket("/var/run/crio/crio.sock"), ["DS001"]);
    assert_eq!(socket("/run/crio/crio.sock"), ["DS001"]);
}

#[test]
fn podman() {
    assert_eq!(socket("/run/podman/podman.sock"), ["DS001"]);
    assert_eq!(socket("/run/user/1000/podman/podman.sock"), ["DS001"]);
}

#[test]
fn rootless() {
    assert_eq!(socket("/run/user/1000/docker.sock"), ["DS001"]);
    assert_eq!(socket("/run/user/1000"), ["DS002"]);
    assert_eq!(socket("/run/user/1000/buildkit/buildkitd.sock"), ["DS001"]);
}

#[test]
fn k3s_microk8s_k0s_and_others() {
    assert_eq!(socket("/run/k3s/containerd/containerd.sock"), ["DS001"]);
    assert_eq!(
        socket("/var/snap/microk8s/common/run/containerd.sock"),
        ["DS001"]
    );
    assert_eq!(socket("/run/k0s/containerd.sock"), ["DS001"]);
    assert_eq!(socket("/var/run/cri-dockerd.sock"), ["DS001"]);
    assert_eq!(socket("/var/run/dockershim.sock"), ["DS001"]);
    assert_eq!(socket("/var/run/docker-host.sock"), ["DS001"]);
    assert_eq!(socket("/run/buildkit/buildkitd.sock"), ["DS001"]);
}

#[test]
fn desktop_colima_rancher() {
    assert_eq!(socket("/Users/dev/.docker/run/docker.sock"), ["DS001"]);
    assert_eq!(socket("/home/dev/.docker/desktop/docker.sock"), ["DS001"]);
    assert_eq!(socket("/var/run/docker.sock.raw"), ["DS001"]);
    assert_eq!(socket("/home/dev/.colima/default/docker.sock"), ["DS001"]);
    assert_eq!(socket("/home/dev/.rd/docker.sock"), ["DS001"]);
    assert_eq!(socket("/home/dev/.docker"), ["DS002"]);
}

#[test]
fn named_pipe() {
    assert_eq!(socket("\\\\.\\pipe\\docker_engine"), ["DS020"]);
    assert_eq!(socket("//./pipe/docker_engine"), ["DS020"]);
    assert_eq!(socket("\\\\.\\pipe\\dockerDesktopLinuxEngine"), ["DS020"]);
    assert_eq!(socket("\\\\.\\pipe\\containerd-containerd"), ["DS020"]);
}

#[test]
fn look_alikes_are_not_sockets() {
    assert!(socket("/var/run/docker").is_empty());
    assert!(socket("/var/run/dockerd.sock.bak/x").is_empty());
    assert!(socket("/srv/var/run/docker.sock").is_empty());
    assert!(socket("/var/lib").is_empty());
}

#[test]
fn declared_only_socket_volume_is_ds025_not_ds001() {
    let text = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
    - {name: c, image: alpine:3.20}
  volumes:
    - name: sock
      hostPath: {path: /var/run/docker.sock}
";
    assert_eq!(codes("p.yaml", text), ["DS025"]);
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/lint/_seeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn seed_dood_pod_mounting_var_run() {
    let text = fixture("002-dood.yaml");
    let r = lint(
        &[LintInput {
            file: "002-dood.yaml",
            text: &text,
            kind: None,
        }],
        &LintOptions::default(),
    );
    let got: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
    assert!(got.contains(&"DS002"), "{got:?}");
    assert!(got.contains(&"DS005"), "{got:?}");
    assert!(!got.contains(&"DS001"), "{got:?}");
    let ds002 = r
        .findings
        .iter()
        .find(|f| f.code == "DS002")
        .map(|f| (f.line, f.path.as_str()));
    assert_eq!(ds002, Some((20, "spec.volumes[0].hostPath.path")));
    // the pod, and the `docker run -p 80:80 httpd:latest` its command runs (argv, no shell)
    assert_eq!(r.workloads.len(), 2);
    assert_eq!(r.workloads[0].scenario, WorkloadScenario::Dood);
    assert_eq!(r.workloads[1].workload, "run/line 9");
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn seed_dind_pod_with_plain_tcp() {
    let text = fixture("002-dind.yaml");
    let r = lint(
        &[LintInput {
            file: "002-dind.yaml",
            text: &text,
            kind: None,
        }],
        &LintOptions::default(),
    );
    let got: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
    for code in ["DS006", "DS007", "DS008"] {
        assert!(got.contains(&code), "{code} missing from {got:?}");
    }
    let by = |code: &str| {
        r.findings
            .iter()
            .find(|f| f.code == code)
            .map(|f| f.container.clone())
    };
    assert_eq!(by("DS006"), Some(Some("dind-daemon".into())));
    assert_eq!(by("DS008"), Some(Some("docker-cmds".into())));
    assert_eq!(r.workloads[0].scenario, WorkloadScenario::Dind);
}

#[test]
fn seed_dood_run_line() {
    let text = fixture("001-dood.sh");
    let r = lint(
        &[LintInput {
            file: "001.sh",
            text: &text,
            kind: None,
        }],
        &LintOptions::default(),
    );
    let got: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
    assert!(got.contains(&"DS002") && got.contains(&"DS005"), "{got:?}");
    assert_eq!(r.workloads[0].scenario, WorkloadScenario::Dood);
    assert_eq!(r.workloads[0].name, "run_docker_cmds");
}

#[test]
fn environment_variables_that_place_sockets() {
    let run = |text: &str| codes("x.sh", text);
    assert_eq!(
        run("docker run -v \"$XDG_RUNTIME_DIR/docker.sock:/var/run/docker.sock\" --user 1000 x\n"),
        ["DS001"]
    );
    assert_eq!(
        run("docker run -v $HOME/.docker/run/docker.sock:/var/run/docker.sock -u 1000 x\n"),
        ["DS001"]
    );
    let compose = "services:\n  a:\n    image: x\n    user: '1000'\n    volumes:\n      - ${XDG_RUNTIME_DIR}/docker.sock:/var/run/docker.sock\n      - ${HOME}/.colima/default/docker.sock:/colima.sock\n";
    assert_eq!(codes("compose.yaml", compose), ["DS001", "DS001"]);
}
