//! `dockscape lint` over CI files, and `--format svg|mermaid` lint diagrams, run as a user would.

mod common;
use common::Tree;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], cwd: &Path, stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    if let Some(mut s) = child.stdin.take() {
        let _ = s.write_all(stdin.unwrap_or_default());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait: {e}"))
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const DIND_POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: dind}
spec:
  containers:
    - name: client
      image: docker:27-cli
      env: [{name: DOCKER_HOST, value: 'tcp://localhost:2375'}]
    - name: daemon
      image: docker:27-dind
      securityContext: {privileged: true}
";

const JENKINSFILE: &str = "podTemplate(yaml: '''
    apiVersion: v1
    kind: Pod
    spec:
      containers:
      - name: docker
        image: docker:27-cli
        volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]
      volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]
''') { node(POD_LABEL) { sh 'docker ps' } }
";

const GITLAB: &str = "build:
  image: docker:27-cli
  services: [docker:27-dind]
  script: [docker info]
";

#[test]
fn ci_files_in_a_directory_are_found_and_detected() {
    let t = Tree::new("dir");
    t.file("Jenkinsfile", JENKINSFILE)
        .file(".gitlab-ci.yml", GITLAB)
        .file("ci/tekton.yaml", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  sidecars:\n  - {name: d, image: 'docker:dind', securityContext: {privileged: true}}\n");
    let o = run(
        &[
            "lint",
            "--format",
            "json",
            "Jenkinsfile",
            ".gitlab-ci.yml",
            "ci",
        ],
        &t.0,
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap_or_else(|e| panic!("{e}"));
    let codes: Vec<(String, String)> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["file"].as_str().unwrap_or("").to_string(),
                        f["code"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for want in [
        ("Jenkinsfile", "DS001"),
        (".gitlab-ci.yml", "DS006"),
        (".gitlab-ci.yml", "DS007"),
        ("ci/tekton.yaml", "DS006"),
        ("ci/tekton.yaml", "DS007"),
    ] {
        assert!(
            codes.iter().any(|(f, c)| f == want.0 && c == want.1),
            "{want:?} missing from {codes:?}"
        );
    }
    // a bare directory walk finds the Jenkinsfile and a runner's config.toml too
    t.file(
        "runner/config.toml",
        "[[runners]]\n  name = \"r\"\n  [runners.docker]\n    privileged = true\n",
    );
    let o = run(&["lint", "."], &t.0, None);
    assert!(out(&o).contains("Jenkinsfile:9:"), "{}", out(&o));
    assert!(
        out(&o).contains("runner/config.toml:4:18: DS006"),
        "{}",
        out(&o)
    );
}

#[test]
fn forced_ci_input_from_stdin() {
    let t = Tree::new("stdin");
    let o = run(
        &["lint", "--input", "gitlab", "-"],
        &t.0,
        Some(GITLAB.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(out(&o).contains("DS007"), "{}", out(&o));
    let o = run(
        &["lint", "--input", "jenkins", "-"],
        &t.0,
        Some(JENKINSFILE.as_bytes()),
    );
    assert!(out(&o).contains("-:9:"), "{}", out(&o));
}

#[test]
fn svg_and_mermaid_of_one_workload() {
    let t = Tree::new("svg");
    t.file("dind.yaml", DIND_POD);
    let o = run(&["lint", "--format", "svg", "dind.yaml"], &t.0, None);
    // findings at or above --fail-on still make the exit code 1
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let svg = out(&o);
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{svg}");
    assert!(svg.contains("DS008"), "{svg}");
    let o = run(&["lint", "--format", "mermaid", "dind.yaml"], &t.0, None);
    assert!(out(&o).contains("flowchart TB"), "{}", out(&o));
    assert!(out(&o).contains("DS008"), "{}", out(&o));
}

#[test]
fn diagrams_need_exactly_one_workload() {
    let t = Tree::new("many");
    t.file(
        "two.yaml",
        format!(
            "{DIND_POD}---\n{}",
            DIND_POD.replace("name: dind", "name: other")
        ),
    )
    .file(
        "none.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    let o = run(&["lint", "--format", "svg", "two.yaml"], &t.0, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).is_empty());
    assert!(
        err(&o).contains("2 workloads match") && err(&o).contains("`Pod/other`"),
        "{}",
        err(&o)
    );
    let o = run(
        &[
            "lint",
            "--format",
            "svg",
            "--workload",
            "Pod/other",
            "two.yaml",
        ],
        &t.0,
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(out(&o).contains("Pod/other"));
    let o = run(&["lint", "--format", "mermaid", "none.yaml"], &t.0, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no workload to draw"), "{}", err(&o));
}
