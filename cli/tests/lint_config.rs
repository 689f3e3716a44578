//! `dockscape.toml` (found walking up to the repository root, `--config`, `--isolated`, flags over
//! the file, errors with line and accepted values), `dockscape config`, and baselines.

mod common;
use common::Tree;
use std::path::Path;
use std::process::{Command, Output};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n";

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_nearest_file_applies_and_flags_win() {
    let t = Tree::repo("apply");
    t.file("dockscape.toml", "fail-on = \"critical\"\nignore = [\"DS006\"]\nexclude = [\"vendor/**\"]\n\n[per-file-ignores]\n\"legacy/*.yaml\" = { codes = [\"DS0\"], reason = \"dedicated nodes\" }\n")
        .file("k8s/pod.yaml", POD)
        .file("vendor/pod.yaml", POD)
        .file("legacy/pod.yaml", POD);
    // found from a sub-folder, walking up
    let o = run(&["lint", "--select", "DS006", "."], &t.0.join("k8s"));
    assert_eq!(
        o.status.code(),
        Some(1),
        "--select wins over the file's ignore: {}",
        out(&o)
    );
    let o = run(&["lint", "."], &t.0.join("k8s"));
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = run(&["lint", "--format", "json", "."], &t.0);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let files: Vec<&str> = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["file"].as_str().unwrap())
        .collect();
    assert!(
        !files.iter().any(|f| f.starts_with("vendor/")),
        "excluded: {files:?}"
    );
    let o = run(&["lint", "--isolated", "--format", "json", "legacy"], &t.0);
    assert_eq!(o.status.code(), Some(1), "--isolated ignores the file");
    let o = run(
        &["lint", "--select", "DS006", "--format", "json", "legacy"],
        &t.0,
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["findings"][0]["suppressed"], "dedicated nodes", "{v}");
    let o = run(&["config"], &t.0);
    let shown = out(&o);
    assert!(shown.contains("fail-on = \"critical\""), "{shown}");
    assert!(shown.contains("select = []  # default"), "{shown}");
    assert!(shown.contains("exclude = [\"vendor/**\"]"), "{shown}");
}

#[test]
fn bad_keys_and_values_are_errors_with_line_and_accepted_values() {
    let t = Tree::repo("bad");
    t.file(
        "dockscape.toml",
        "select = [\"DS001\"]\nfail-on = \"severe\"\n",
    )
    .file("pod.yaml", POD);
    let o = run(&["lint", "."], &t.0);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("dockscape.toml:2:"), "{}", err(&o));
    assert!(
        err(&o).contains("critical, high, medium, low, info"),
        "{}",
        err(&o)
    );
    t.file("dockscape.toml", "selekt = [\"DS001\"]\n");
    let o = run(&["lint", "."], &t.0);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("dockscape.toml:1:1") && err(&o).contains("select"),
        "{}",
        err(&o)
    );
    t.file(
        "dockscape.toml",
        "[per-file-ignores]\n\"x/*\" = { codes = [\"DS001\"], reason = \"\" }\n",
    );
    let o = run(&["lint", "."], &t.0);
    assert!(err(&o).contains("a reason is required"), "{}", err(&o));
}

#[test]
fn generate_takes_the_files_defaults_below_set() {
    let t = Tree::repo("generate");
    t.file("dockscape.toml", "[generate]\nnamespace = \"ci\"\n");
    let o = run(&["generate", "dind", "--format", "pod"], &t.0);
    assert!(out(&o).contains("namespace: ci"), "{}", out(&o));
    let o = run(
        &[
            "generate",
            "dind",
            "--format",
            "pod",
            "--set",
            "namespace=other",
        ],
        &t.0,
    );
    assert!(out(&o).contains("namespace: other"), "{}", out(&o));
}

#[test]
fn baselines_report_only_what_is_new_and_what_no_longer_matches() {
    let t = Tree::repo("baseline");
    t.file("pod.yaml", POD);
    let o = run(&["lint", "--write-baseline", "base.json", "."], &t.0);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("wrote 1 finding"));
    // an unrelated edit moves the line: still baselined
    t.file("pod.yaml", format!("# moved\n\n{POD}"));
    let o = run(&["lint", "--baseline", "base.json", "."], &t.0);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert!(err(&o).contains("1 finding in the baseline"), "{}", err(&o));
    assert!(
        err(&o).contains("0 baseline entries no longer match"),
        "{}",
        err(&o)
    );
    // a new finding is reported; a fixed one leaves a stale entry
    t.file(
        "pod.yaml",
        POD.replace(
            "{privileged: true}",
            "{privileged: true}\n    ports: [{containerPort: 80, hostPort: 80}]",
        ),
    );
    let o = run(
        &["lint", "--baseline", "base.json", "--fail-on", "info", "."],
        &t.0,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("DS"), "{}", out(&o));
    assert!(!out(&o).contains("DS006"), "{}", out(&o));
    t.file("pod.yaml", POD.replace("{privileged: true}", "{}"));
    let o = run(&["lint", "--baseline", "base.json", "."], &t.0);
    assert!(
        err(&o).contains("1 baseline entry no longer matches"),
        "{}",
        err(&o)
    );
}
