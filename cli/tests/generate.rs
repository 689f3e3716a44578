//! The `dockscape` binary: `scenarios`, `generate`, exit codes and messages scripts can rely on.

use std::path::PathBuf;
use std::process::{Command, Output};

fn dockscape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dockscape-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn scenarios_lists_every_id_with_a_summary() {
    let out = dockscape(&["scenarios"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let ids: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        ids,
        [
            "linux",
            "windows",
            "kubernetes",
            "dood",
            "dind",
            "dind-rootless",
            "sysbox",
            "buildkit"
        ]
    );
    assert!(
        stdout.lines().all(|l| l.split_whitespace().count() > 3),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&dockscape(&["scenarios", "--format", "json"]).stdout).unwrap();
    let dind = json
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "dind")
        .unwrap();
    let transport = dind["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "transport")
        .unwrap();
    assert_eq!(
        transport["accepted"],
        serde_json::json!(["tls", "unix", "tcp"])
    );
    assert_eq!(transport["default"], "tls");
}

#[test]
fn generate_writes_each_format() {
    let out = dockscape(&["generate", "dind", "--format", "pod"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pod = text(&out.stdout);
    assert!(
        pod.contains("kind: Pod") && pod.contains("privileged: true"),
        "{pod}"
    );
    let all = text(&dockscape(&["generate", "dind"]).stdout);
    for name in [
        "==> pod.yaml <==",
        "==> compose.yaml <==",
        "==> run.sh <==",
        "==> explain.md <==",
    ] {
        assert!(all.contains(name), "{name} missing");
    }
    let ps = text(&dockscape(&["generate", "windows", "--format", "run"]).stdout);
    assert!(
        ps.contains("$env:DOCKER_HOST = 'npipe:////./pipe/docker_engine'"),
        "{ps}"
    );
    let cmd =
        text(&dockscape(&["generate", "windows", "--format", "run", "--shell", "cmd"]).stdout);
    assert!(
        cmd.starts_with("@echo off")
            && cmd.contains("set \"DOCKER_HOST=npipe:////./pipe/docker_engine\""),
        "{cmd}"
    );
}

#[test]
fn not_applicable_formats_say_why_on_stderr_and_offer_the_nearest_equivalent() {
    let out = dockscape(&["generate", "kubernetes", "--format", "run"]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("crictl ps"),
        "stdout must not be empty"
    );
    assert!(
        text(&out.stderr).contains("note: docker run does not apply to `kubernetes`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn insecure_variants_warn_on_stderr() {
    let out = dockscape(&[
        "generate",
        "dind",
        "--set",
        "transport=tcp",
        "--format",
        "pod",
    ]);
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("warning: INSECURE"), "{stderr}");
    assert!(text(&out.stdout).contains(
        "# dockscape lint reports: DS006 privileged-container, DS007 dind-daemon, DS008"
    ));
}

#[test]
fn output_dir_gets_one_file_per_format() {
    let dir = temp_dir("out");
    let out = dockscape(&[
        "generate",
        "dood",
        "-o",
        dir.to_str().unwrap(),
        "--shell",
        "powershell",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["compose.yaml", "explain.md", "pod.yaml", "run.ps1"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn spec_files_and_set_combine() {
    let dir = temp_dir("spec");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, "scenario: dind\ntransport: unix\nenv:\n  FOO: bar\n").unwrap();
    let out = dockscape(&[
        "generate",
        "-f",
        spec.to_str().unwrap(),
        "--set",
        "sidecar=native",
        "--format",
        "pod",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pod = text(&out.stdout);
    assert!(
        pod.contains("initContainers:")
            && pod.contains("unix:///var/run/docker.sock")
            && pod.contains("FOO"),
        "{pod}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn input_errors_exit_2_with_one_line() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["generate", "dnd"],
            "error: unknown scenario `dnd`: expected one of",
        ),
        (
            &["generate", "dind", "--set", "transport=ssh"],
            "error: invalid value `ssh` for `transport`: expected one of `tls`, `unix`, `tcp`",
        ),
        (
            &["generate", "dind", "--set", "nope=1"],
            "error: unknown parameter `nope` for scenario `dind`",
        ),
        (
            &["generate", "dind", "--set", "novalue"],
            "error: --set novalue: expected `key=value`, got `novalue`",
        ),
        (&["generate"], "error: no scenario"),
        (
            &["generate", "-f", "/nonexistent/spec.yaml"],
            "error: /nonexistent/spec.yaml: ",
        ),
    ];
    for (args, expected) in cases {
        let out = dockscape(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{args:?}: one line expected: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let usage = dockscape(&["generate", "dind", "--format", "yaml"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn help_teaches_and_version_prints() {
    let help = text(&dockscape(&["generate", "--help"]).stdout);
    assert!(
        help.contains("Examples:") && help.contains("--set") && help.contains("--shell"),
        "{help}"
    );
    let version = text(&dockscape(&["--version"]).stdout);
    assert_eq!(
        version.trim(),
        format!(
            "dockscape {} (Kubernetes API {})",
            env!("CARGO_PKG_VERSION"),
            dockscape::KUBERNETES_API_VERSION
        )
    );
}

#[test]
fn recipes_and_diagrams_by_format_and_clear_errors_where_a_recipe_does_not_apply() {
    let out = dockscape(&["generate", "dind", "--format", "gitlab"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("services:\n  - name: docker:29-dind"),
        "{}",
        text(&out.stdout)
    );
    let out = dockscape(&["generate", "dood", "--format", "svg"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    let out = dockscape(&["generate", "dood", "--format", "mermaid"]);
    assert!(text(&out.stdout).contains("flowchart TB"));
    let dir = temp_dir("recipes");
    let out = dockscape(&[
        "generate",
        "dind",
        "--format",
        "jenkins",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(dir.join("Jenkinsfile").is_file());
    let out = dockscape(&["generate", "linux", "--format", "tekton"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("error: `tekton` does not apply to `linux`: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // `all` stays the four base formats.
    let all = text(&dockscape(&["generate", "dind"]).stdout);
    assert!(!all.contains("Jenkinsfile") && !all.contains("<svg"));
}
