//! `dockscape lint --fix`: in place (atomic, permissions kept), `--diff`, `--check`,
//! `--unsafe-fixes`, stdin, the report of what remains, the summary line and the exit codes.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{Tree, out, readme_block};

/// DS015 (unsafe fix) and DS025 (safe fix), and DS005 (unsafe) on a mount; comments kept.
const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: app  # keep me
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: alpine:3.20
      securityContext:
        allowPrivilegeEscalation: true
  volumes:
    # left over
    - name: sock
      hostPath:
        path: /var/run/docker.sock
    - name: tmp
      emptyDir: {}
";

/// Nothing to fix, one medium finding without a fix (DS026).
const CLEAN: &str = "apiVersion: v1
kind: Pod
metadata:
  name: clean
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: alpine:3.20
";

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .arg("lint")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn read(t: &Tree, rel: &str) -> String {
    std::fs::read_to_string(t.0.join(rel)).unwrap()
}

#[test]
fn fix_applies_the_safe_fixes_in_place_and_keeps_permissions() {
    let t = Tree::repo("fix-write");
    t.file("pod.yaml", POD);
    let path = t.0.join("pod.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, stdout, stderr) = out(&run(&["--fix", "pod.yaml"], &t.0));
    let fixed = read(&t, "pod.yaml");
    // the unused socket volume is gone (safe), the escalation is not touched (unsafe)
    assert_eq!(
        fixed,
        POD.replace(
            "    - name: sock\n      hostPath:\n        path: /var/run/docker.sock\n",
            ""
        ),
        "{stdout}{stderr}"
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    // the report lists what remains, with the summary ruff prints
    assert!(stdout.contains("DS015"), "{stdout}");
    assert!(!stdout.contains("DS025"), "{stdout}");
    assert!(
        stdout.ends_with("Fixed 1 finding (1 remaining), 1 more with --unsafe-fixes\n"),
        "{stdout}"
    );
    // a medium finding remains: below the default --fail-on high
    assert_eq!(code, 0, "{stderr}");
    // no temporary file left beside it
    let names: Vec<String> = std::fs::read_dir(&t.0)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    // findings at or above --fail-on remain: exit 1; a second --fix changes nothing
    let (code, stdout, _) = out(&run(&["--fix", "--fail-on", "medium", "pod.yaml"], &t.0));
    assert_eq!(code, 1);
    assert!(stdout.ends_with("Fixed 0 findings (1 remaining), 1 more with --unsafe-fixes\n"));
    assert_eq!(read(&t, "pod.yaml"), fixed);
}

#[test]
fn unsafe_fixes_apply_the_rest() {
    let t = Tree::repo("fix-unsafe");
    t.file("pod.yaml", POD);
    let (code, stdout, stderr) = out(&run(&["--fix", "--unsafe-fixes", "pod.yaml"], &t.0));
    let fixed = read(&t, "pod.yaml");
    assert!(
        fixed.contains("        allowPrivilegeEscalation: false\n"),
        "{fixed}"
    );
    assert!(fixed.contains("  name: app  # keep me\n"));
    assert!(!fixed.contains("docker.sock"));
    assert!(
        stdout.ends_with("no findings\nFixed 2 findings (0 remaining)\n"),
        "{stdout}"
    );
    assert_eq!(code, 0, "{stderr}");
    // --unsafe-fixes alone is a usage error
    let (code, _, stderr) = out(&run(&["--unsafe-fixes", "pod.yaml"], &t.0));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--unsafe-fixes needs --fix, --diff or --check"),
        "{stderr}"
    );
}

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let t = Tree::repo("fix-diff");
    t.file("a.yaml", POD).file("b.yaml", CLEAN);
    let (code, stdout, stderr) = out(&run(
        &["--diff", "--unsafe-fixes", "a.yaml", "b.yaml"],
        &t.0,
    ));
    assert_eq!(read(&t, "a.yaml"), POD);
    assert!(
        stdout.starts_with("--- a/a.yaml\n+++ b/a.yaml\n"),
        "{stdout}"
    );
    assert!(stdout.contains(
        "-        allowPrivilegeEscalation: true\n+        allowPrivilegeEscalation: false\n"
    ));
    assert!(stdout.contains("-    - name: sock\n"));
    assert!(!stdout.contains("b.yaml"), "{stdout}");
    assert_eq!(stderr, "Would fix 2 findings (0 remaining)\n");
    assert_eq!(code, 1, "a fix is pending");
    // nothing to fix: no diff, exit 0
    let (code, stdout, stderr) = out(&run(&["--diff", "b.yaml"], &t.0));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
}

#[test]
fn check_changes_nothing_and_exits_1_when_a_fix_is_pending() {
    let t = Tree::repo("fix-check");
    t.file("a.yaml", POD).file("b.yaml", CLEAN);
    let (code, stdout, stderr) = out(&run(&["--check", "a.yaml", "b.yaml"], &t.0));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(read(&t, "a.yaml"), POD);
    assert!(stderr.contains("would fix 1 finding: a.yaml"), "{stderr}");
    assert!(
        stdout.ends_with("Would fix 1 finding (1 remaining), 1 more with --unsafe-fixes\n"),
        "{stdout}"
    );
    let (code, stdout, _) = out(&run(&["--check", "b.yaml"], &t.0));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.ends_with("no findings\nWould fix 0 findings (0 remaining)\n"),
        "{stdout}"
    );
}

#[test]
fn input_errors_exit_2_and_stdin_prints_the_fixed_text() {
    let t = Tree::repo("fix-errors");
    t.file("bad.yaml", "a: [\n").file("ok.yaml", POD);
    let (code, _, _) = out(&run(&["--fix", "bad.yaml", "ok.yaml"], &t.0));
    assert_eq!(code, 2);
    // the good file is still fixed
    assert!(!read(&t, "ok.yaml").contains("docker.sock"));
    let (code, _, stderr) = out(&run(&["--fix", "missing.yaml"], &t.0));
    assert_eq!(code, 2, "{stderr}");
    // stdin: the fixed text on stdout, the report on stderr
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .args(["lint", "--fix", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(POD.as_bytes())
            .unwrap();
    }
    let o = child.wait_with_output().unwrap();
    let (code, stdout, stderr) = out(&o);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("apiVersion: v1\n") && !stdout.contains("docker.sock"),
        "{stdout}"
    );
    assert!(
        stderr.ends_with("Fixed 1 finding (1 remaining), 1 more with --unsafe-fixes\n"),
        "{stderr}"
    );
}

#[test]
fn json_report_carries_the_fix() {
    let t = Tree::repo("fix-json");
    t.file("a.yaml", POD);
    let (code, stdout, stderr) = out(&run(&["--format", "json", "a.yaml"], &t.0));
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let fixes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["fix"]["applicability"].as_str())
        .collect();
    assert_eq!(fixes, vec!["unsafe", "safe"]);
    // --fix --format json: the report of what remains on stdout, the summary on stderr
    let (_, stdout, stderr) = out(&run(&["--fix", "--format", "json", "a.yaml"], &t.0));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert!(stderr.contains("Fixed 1 finding (1 remaining)"), "{stderr}");
}

#[test]
fn readme_before_and_diff_are_what_fix_does() {
    let t = Tree::repo("fix-readme");
    t.file("agent.yaml", readme_block("fix-before"));
    let (code, stdout, stderr) = out(&run(&["--diff", "--unsafe-fixes", "agent.yaml"], &t.0));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, readme_block("fix-diff"));
    assert_eq!(stderr, "Would fix 3 findings (1 remaining)\n");
}

/// A Compose service whose socket mount is a variable: `lint` judges it with the `.env` beside the
/// file, and so does `--fix` (without it, the unknown variable is an input error and nothing is
/// fixed); `--env-file` replaces it. DS015's fix is unsafe.
const COMPOSE_WITH_VARIABLE: &str = "services:
  app:
    image: x
    security_opt:
      - no-new-privileges:false
    volumes:
      - ${SOCK}:/var/run/docker.sock
";

#[test]
fn fix_reads_the_env_file_beside_the_compose_file_as_lint_does() {
    let t = Tree::new("fix-dotenv");
    t.file("compose.yaml", COMPOSE_WITH_VARIABLE)
        .file(".env", "SOCK=/var/run/docker.sock\n")
        .file("other.env", "SOCK=/tmp/not-a-socket\n");
    let fixed = COMPOSE_WITH_VARIABLE.replace("no-new-privileges:false", "no-new-privileges:true");

    // --diff: the fix is made with the variable known (no input error); DS001 remains
    let (code, stdout, stderr) = out(&run(&["--diff", "--unsafe-fixes", "compose.yaml"], &t.0));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("+      - no-new-privileges:true\n"),
        "{stdout}"
    );
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(
        stderr.contains("Would fix 1 finding (2 remaining)"),
        "{stderr}"
    );

    // --fix: written; the report of what remains is `lint`'s report of the fixed file
    let (code, stdout, stderr) = out(&run(
        &[
            "--fix",
            "--unsafe-fixes",
            "--format",
            "json",
            "compose.yaml",
        ],
        &t.0,
    ));
    assert_eq!(code, 1, "DS001 remains: {stdout}{stderr}");
    assert_eq!(read(&t, "compose.yaml"), fixed);
    assert!(stderr.contains("Fixed 1 finding (2 remaining)"), "{stderr}");
    let remaining: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let (_, linted, _) = out(&run(&["--format", "json", "compose.yaml"], &t.0));
    let linted: serde_json::Value = serde_json::from_str(&linted).unwrap();
    assert_eq!(remaining["findings"], linted["findings"]);
    assert_eq!(remaining["errors"], serde_json::json!([]));
    let codes: Vec<&str> = remaining["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"DS001"), "{codes:?}");

    // --env-file instead of the .env: the mount is no socket, nothing remains
    std::fs::write(t.0.join("compose.yaml"), COMPOSE_WITH_VARIABLE).unwrap();
    let (code, stdout, stderr) = out(&run(
        &[
            "--fix",
            "--unsafe-fixes",
            "--env-file",
            "other.env",
            "compose.yaml",
        ],
        &t.0,
    ));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Fixed 1 finding (0 remaining)"), "{stdout}");
    assert_eq!(read(&t, "compose.yaml"), fixed);

    // an env file that cannot be read is an input error, as in `lint`
    let (code, stdout, stderr) = out(&run(
        &["--check", "--env-file", "missing.env", "compose.yaml"],
        &t.0,
    ));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.contains("missing.env"), "{stdout}");
}

#[test]
fn sarif_output_carries_the_fixes_at_text_regions() {
    let t = Tree::new("fix-sarif");
    t.file("pod.yaml", POD);
    let (code, stdout, stderr) = out(&run(&["--format", "sarif", "pod.yaml"], &t.0));
    assert_eq!(code, 0, "medium and info findings: {stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let fix_of = |code: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == code)
            .map(|r| r["fixes"][0].clone())
            .unwrap()
    };
    // DS015: `true` replaced by `false` where it is written, in lines and columns
    let ds015 = fix_of("DS015");
    assert_eq!(ds015["properties"]["applicability"], "unsafe");
    let change = &ds015["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "pod.yaml");
    let r = &change["replacements"][0];
    let line = POD
        .lines()
        .position(|l| l.contains("allowPrivilegeEscalation: true"))
        .unwrap()
        + 1;
    let column = POD.lines().nth(line - 1).unwrap().find("true").unwrap() + 1;
    assert_eq!(
        r["deletedRegion"],
        serde_json::json!({
            "startLine": line, "startColumn": column, "endLine": line, "endColumn": column + 4,
            "charOffset": POD.find("allowPrivilegeEscalation: true").unwrap() + 26, "charLength": 4,
        }),
        "{r}"
    );
    assert_eq!(r["insertedContent"], serde_json::json!({ "text": "false" }));
    // DS025's safe fix deletes lines: no inserted content
    let ds025 = fix_of("DS025");
    assert_eq!(ds025["properties"]["applicability"], "safe");
    let r = &ds025["artifactChanges"][0]["replacements"][0];
    assert!(r.get("insertedContent").is_none(), "{r}");
    assert!(
        r["deletedRegion"]["charLength"].as_u64().unwrap() > 0,
        "{r}"
    );
    // a finding without a fix has no `fixes`
    assert!(!stdout.contains("\"byteOffset\""));
    assert!(
        results
            .iter()
            .filter(|r| r["ruleId"] == "DS026")
            .all(|r| r.get("fixes").is_none())
    );
}
