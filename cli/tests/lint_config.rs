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

/// A Pod with a critical finding (DS006, privileged) and a low one (DS024, hostPort).
const POD_TWO: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n    ports: [{containerPort: 80, hostPort: 80}]\n";

/// The codes of each file's findings, `!` before a suppressed one.
fn codes_by_file(o: &Output) -> std::collections::BTreeMap<String, Vec<String>> {
    let v: serde_json::Value =
        serde_json::from_str(&out(o)).unwrap_or_else(|e| panic!("{e}: {}{}", out(o), err(o)));
    let mut map: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in v["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        let code = if f["suppressed"].is_null() {
            code.to_string()
        } else {
            format!("!{code}")
        };
        map.entry(f["file"].as_str().unwrap().to_string())
            .or_default()
            .push(code);
    }
    map
}

#[test]
fn each_path_is_linted_with_its_nearest_configuration() {
    let t = Tree::repo("subtrees");
    // a/: every rule but DS006, failing from `low`, vendor/ excluded
    t.file(
        "a/dockscape.toml",
        "ignore = [\"DS006\"]\nfail-on = \"low\"\nexclude = [\"vendor/**\"]\n",
    )
    .file("a/pod.yaml", POD_TWO)
    .file("a/deep/er/pod.yaml", POD_TWO)
    .file("a/vendor/pod.yaml", POD_TWO)
    // b/: only DS006, its legacy/ suppressed; nothing excluded (a's exclude is a's)
    .file(
        "b/.dockscape.toml",
        "select = [\"DS006\"]\nfail-on = \"critical\"\n\n[per-file-ignores]\n\"legacy/*.yaml\" = { codes = [\"DS006\"], reason = \"dedicated nodes\" }\n",
    )
    .file("b/pod.yaml", POD_TWO)
    .file("b/vendor/pod.yaml", POD_TWO)
    .file("b/legacy/pod.yaml", POD_TWO)
    // c/: only DS024, failing from `high` (the default): its findings never fail
    .file("c/dockscape.toml", "select = [\"DS024\"]\n")
    .file("c/pod.yaml", POD_TWO)
    // no configuration up to the repository root: every rule
    .file("d/pod.yaml", POD_TWO);
    let expected: std::collections::BTreeMap<String, Vec<String>> = [
        ("a/deep/er/pod.yaml", vec!["DS024"]),
        ("a/pod.yaml", vec!["DS024"]),
        ("b/legacy/pod.yaml", vec!["!DS006"]),
        ("b/pod.yaml", vec!["DS006"]),
        ("b/vendor/pod.yaml", vec!["DS006"]),
        ("c/pod.yaml", vec!["DS024"]),
        ("d/pod.yaml", vec!["DS006", "DS024"]),
    ]
    .into_iter()
    .map(|(f, c)| (f.to_string(), c.into_iter().map(String::from).collect()))
    .collect();
    // whichever path comes first, each file gets its own configuration
    for order in [["a", "b", "c", "d"], ["d", "c", "b", "a"]] {
        let mut args = vec!["lint", "--format", "json"];
        args.extend(order);
        let o = run(&args, &t.0);
        assert_eq!(codes_by_file(&o), expected, "{order:?}");
        assert_eq!(o.status.code(), Some(1), "{order:?}: {}", err(&o));
    }
    // each finding fails by its own file's fail-on: c's low DS024 does not fail, a's does
    let o = run(&["lint", "c"], &t.0);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = run(&["lint", "c", "a/pod.yaml"], &t.0);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    let o = run(&["lint", "b/legacy", "c"], &t.0);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // from inside a subtree, and with paths that walk out of it
    let o = run(
        &["lint", "--format", "json", ".", "../b/pod.yaml"],
        &t.0.join("a"),
    );
    let got = codes_by_file(&o);
    assert_eq!(
        got.get("pod.yaml").map(Vec::as_slice),
        Some(&["DS024".to_string()][..]),
        "{got:?}"
    );
    assert_eq!(
        got.get("../b/pod.yaml").map(Vec::as_slice),
        Some(&["DS006".to_string()][..]),
        "{got:?}"
    );
    assert!(!got.keys().any(|f| f.starts_with("vendor/")), "{got:?}");
    // the command line wins over every file: --select replaces each file's selection
    let o = run(
        &["lint", "--format", "json", "--select", "DS024", "a", "b"],
        &t.0,
    );
    let got = codes_by_file(&o);
    assert_eq!(
        got.get("b/pod.yaml").map(Vec::as_slice),
        Some(&["DS024".to_string()][..]),
        "{got:?}"
    );
    assert_eq!(
        got.get("a/vendor/pod.yaml"),
        None,
        "a's exclude still applies: {got:?}"
    );
    let o = run(&["lint", "--fail-on", "critical", "a"], &t.0);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // --config names one file for all; --isolated none
    let o = run(
        &[
            "lint",
            "--format",
            "json",
            "--config",
            "c/dockscape.toml",
            "a",
            "b",
        ],
        &t.0,
    );
    let got = codes_by_file(&o);
    assert!(got.values().all(|c| c == &["DS024"]), "{got:?}");
    assert!(got.contains_key("a/vendor/pod.yaml"), "{got:?}");
    let o = run(&["lint", "--format", "json", "--isolated", "a", "b"], &t.0);
    let got = codes_by_file(&o);
    assert_eq!(got.len(), 6, "{got:?}");
    assert!(got.values().all(|c| c == &["DS006", "DS024"]), "{got:?}");
    // `dockscape config PATH` shows the configuration that governs PATH
    let o = run(&["config", "a/deep/er/pod.yaml"], &t.0);
    let shown = out(&o);
    assert!(shown.contains("a/dockscape.toml"), "{shown}");
    assert!(shown.contains("ignore = [\"DS006\"]"), "{shown}");
    assert!(shown.contains("fail-on = \"low\""), "{shown}");
    let o = run(&["config", "b"], &t.0);
    let shown = out(&o);
    assert!(shown.contains("b/.dockscape.toml"), "{shown}");
    assert!(shown.contains("select = [\"DS006\"]"), "{shown}");
    let o = run(&["config", "d/pod.yaml"], &t.0);
    assert!(
        out(&o).contains("no configuration file found"),
        "{}",
        out(&o)
    );
    // a broken configuration of one subtree is an error naming it, whichever path comes first
    t.file("c/dockscape.toml", "selekt = [\"DS024\"]\n");
    let o = run(&["lint", "a", "c"], &t.0);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(err(&o).contains("c/dockscape.toml:1:1"), "{}", err(&o));
}

#[test]
fn each_configuration_baseline_covers_the_files_it_governs() {
    let t = Tree::repo("subtree-baselines");
    t.file("a/dockscape.toml", "baseline = \"base.json\"\n")
        .file("a/pod.yaml", POD_TWO)
        .file("b/pod.yaml", POD_TWO);
    let o = run(&["lint", "--write-baseline", "a/base.json", "a"], &t.0);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(&["lint", "--format", "json", "b", "a"], &t.0);
    let got = codes_by_file(&o);
    assert_eq!(got.get("a/pod.yaml").map(Vec::len), Some(2), "{got:?}");
    assert!(
        got["a/pod.yaml"].iter().all(|c| c.starts_with('!')),
        "{got:?}"
    );
    assert!(
        got["b/pod.yaml"].iter().all(|c| !c.starts_with('!')),
        "b has no baseline: {got:?}"
    );
    assert!(
        err(&o).contains("2 findings in the baseline")
            && err(&o).contains("a/base.json, 0 baseline entries no longer match"),
        "{}",
        err(&o)
    );
    assert_eq!(o.status.code(), Some(1), "b's findings fail");
    let o = run(&["lint", "a"], &t.0);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
}
