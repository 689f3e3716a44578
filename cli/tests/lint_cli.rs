//! The `dockscape lint`, `rules` and `rule` commands, run as a user would.

mod common;
use common::Tree;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockscape"));
    c.env_remove("NO_COLOR");
    c
}

fn run(args: &[&str], cwd: &Path, stdin: Option<&[u8]>) -> Output {
    let mut child = bin()
        .args(args)
        .current_dir(cwd)
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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const SOCKET_POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: ci}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
    - name: c
      image: docker:27-cli
      volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]
  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]
";

#[test]
fn directories_are_walked_recursively() {
    let t = Tree::new("walk");
    t.file("k8s/app/pod.yaml", SOCKET_POD.as_bytes())
        .file(
            "compose/docker-compose.yml",
            b"services:\n  a:\n    image: x\n    privileged: true\n",
        )
        .file("scripts/ci.sh", b"docker run --privileged alpine\n")
        .file("notes.txt", b"docker run --privileged alpine\n")
        .file(".git/hooks/x.yaml", SOCKET_POD.as_bytes());
    let o = run(&["lint", "--format", "json", "."], &t.0, None);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_default();
    let mut files: Vec<String> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["file"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    files.dedup();
    assert_eq!(
        files,
        [
            "compose/docker-compose.yml",
            "k8s/app/pod.yaml",
            "scripts/ci.sh"
        ]
    );
}

#[test]
fn exit_codes() {
    let t = Tree::new("exit");
    t.file("bad.yaml", format!("{SOCKET_POD}---\nkind: [\n").as_bytes())
        .file("ok.yaml", b"apiVersion: v1\nkind: ConfigMap\n")
        .file(
            "info.yaml",
            SOCKET_POD
                .replace(
                    "volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]",
                    "",
                )
                .as_bytes(),
        );
    assert_eq!(run(&["lint", "ok.yaml"], &t.0, None).status.code(), Some(0));
    assert_eq!(
        run(&["lint", "info.yaml"], &t.0, None).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["lint", "--fail-on", "info", "info.yaml"], &t.0, None)
            .status
            .code(),
        Some(1)
    );
    let o = run(&["lint", "bad.yaml"], &t.0, None);
    assert_eq!(o.status.code(), Some(2), "input errors win over findings");
    let out = stdout(&o);
    assert!(
        out.contains("DS001") && out.contains("error: bad.yaml:13:"),
        "{out}"
    );
    assert_eq!(
        run(&["lint", "missing.yaml"], &t.0, None).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["lint", "--select", "nope", "ok.yaml"], &t.0, None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["lint", "--fail-on", "severe", "ok.yaml"], &t.0, None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn stdin_and_forced_input() {
    let t = Tree::new("stdin");
    let o = run(&["lint", "-"], &t.0, Some(SOCKET_POD.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("-:10:"), "{}", stdout(&o));
    let o = run(
        &["lint", "--input", "run", "-"],
        &t.0,
        Some(b"docker run -v /run/docker.sock:/s x"),
    );
    assert!(stdout(&o).contains("DS001"));
    let o = run(
        &["lint", "--input", "compose", "-"],
        &t.0,
        Some(SOCKET_POD.as_bytes()),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "a pod read as Compose has no services"
    );
}

#[test]
fn invalid_utf8_is_an_input_error() {
    let t = Tree::new("utf8");
    t.file("bin.yaml", b"kind: Pod\nname: \xff\xfe\n")
        .file("pod.yaml", SOCKET_POD.as_bytes());
    let o = run(&["lint", "."], &t.0, None);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(
        out.contains("bin.yaml:2:7: invalid UTF-8 (bytes FF)"),
        "{out}"
    );
    assert!(
        out.contains("pod.yaml:10:"),
        "the other file is still linted: {out}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let t = Tree::new("colour");
    t.file("pod.yaml", SOCKET_POD.as_bytes());
    let piped = run(&["lint", "pod.yaml"], &t.0, None);
    assert!(!stdout(&piped).contains('\x1b'), "piped output is plain");
    let forced = run(&["lint", "--color", "always", "pod.yaml"], &t.0, None);
    assert!(stdout(&forced).contains("\x1b["));
    let o = bin()
        .args(["lint", "--color", "auto", "pod.yaml"])
        .current_dir(&t.0)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\x1b'));
}

#[test]
fn formats() {
    let t = Tree::new("formats");
    t.file("pod.yaml", SOCKET_POD.as_bytes());
    let gh = stdout(&run(
        &["lint", "--format", "github", "pod.yaml"],
        &t.0,
        None,
    ));
    assert!(
        gh.starts_with("::error file=pod.yaml,line=10,col=40,title=DS001"),
        "{gh}"
    );
    let sarif = stdout(&run(&["lint", "--format", "sarif", "pod.yaml"], &t.0, None));
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap_or_default();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "DS001");
    let json = stdout(&run(
        &["lint", "--format", "json", "--ignore", "DS001", "pod.yaml"],
        &t.0,
        None,
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["workloads"][0]["scenario"], "dood");
}

#[test]
fn rules_and_rule() {
    let t = Tree::new("rules");
    let o = run(&["rules"], &t.0, None);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.starts_with("DS001  critical runtime-socket-mount")),
        "{out}"
    );
    let by_code = stdout(&run(&["rule", "DS002"], &t.0, None));
    let by_name = stdout(&run(&["rule", "socket-directory-mount"], &t.0, None));
    assert_eq!(by_code, by_name);
    assert!(by_code.starts_with("# DS002 socket-directory-mount\n"));
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules/socket-directory-mount.md"),
    )
    .unwrap_or_default();
    assert_eq!(by_code, page, "`dockscape rule` prints the docs page");
    assert_eq!(run(&["rule", "DS999"], &t.0, None).status.code(), Some(2));
    let json = stdout(&run(&["rules", "--format", "json"], &t.0, None));
    assert!(json.contains("\"help_uri\""));
}

#[test]
fn help_has_examples() {
    let t = Tree::new("help");
    let out = stdout(&run(&["lint", "--help"], &t.0, None));
    for s in [
        "Examples:",
        "--format",
        "--fail-on",
        "--select",
        "--ignore",
        "--input",
        "dockscape.io/ignore",
    ] {
        assert!(out.contains(s), "help lacks {s}");
    }
}
