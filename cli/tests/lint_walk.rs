//! What `dockscape lint DIR` reads: the walk (ripgrep's `ignore` walker), symlink loops, files that
//! are not regular files, files reached twice, `.gitignore`, hidden CI folders, and inputs read in
//! bounded pieces.

mod common;
use common::Tree;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n";

/// Writes a test's standard input.
type Feed<'f> = &'f mut dyn FnMut(&mut dyn Write);

fn run(args: &[&str], cwd: &Path, stdin: Option<Feed<'_>>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(mut s) = child.stdin.take()
        && let Some(feed) = stdin
    {
        feed(&mut s);
    }
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn symlink_cycles_are_walked_once_and_each_real_file_linted_once() {
    let t = Tree::new("cycle");
    t.file("a/pod.yaml", POD);
    symlink(t.0.join("a"), t.0.join("a/again")).unwrap();
    symlink(t.0.join("a/pod.yaml"), t.0.join("alias.yaml")).unwrap();
    let o = run(&["lint", "--format", "json", ".", "a/pod.yaml"], &t.0, None);
    let text = out(&o);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ds006 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "DS006")
        .count();
    assert_eq!(ds006, 1, "one real file, linted once: {text}");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn fifos_and_devices_are_noted_when_reached_and_errors_when_named() {
    let t = Tree::new("fifo");
    t.file(
        "ok.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    let fifo = t.0.join("pipe.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    symlink("/dev/zero", t.0.join("zero.yaml")).unwrap();
    let o = run(&["lint", "."], &t.0, None);
    let text = out(&o);
    assert!(text.contains("skipped: pipe.yaml: a FIFO"), "{text}");
    assert!(text.contains("skipped: zero.yaml: a device"), "{text}");
    assert_eq!(o.status.code(), Some(0), "a note, not an error: {text}");
    for named in ["pipe.yaml", "zero.yaml"] {
        let o = run(&["lint", named], &t.0, None);
        assert_eq!(o.status.code(), Some(2), "{named}: {}", out(&o));
        assert!(out(&o).contains("not a regular file"), "{}", out(&o));
    }
}

#[test]
fn stdin_is_read_in_bounded_pieces() {
    let t = Tree::new("stdin");
    let chunk = vec![0u8; 1 << 20];
    let mut feed = |w: &mut dyn Write| {
        for _ in 0..200 {
            if w.write_all(&chunk).is_err() {
                break; // the reader stopped at its budget
            }
        }
    };
    let o = run(&["lint", "-"], &t.0, Some(&mut feed));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        out(&o).contains("larger than the 64 MiB budget"),
        "{}",
        out(&o)
    );
}

#[test]
fn gitignore_is_respected_counted_and_overridable_and_hidden_ci_folders_are_linted() {
    let t = Tree::new("ignore");
    t.file(".gitignore", "build/\n")
        .file("build/pod.yaml", POD)
        .file(".github/workflows/ci.yml", "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    container:\n      image: x\n      options: --privileged\n    steps:\n    - run: true\n")
        .file(".git/config.yaml", POD);
    let o = run(&["lint", "."], &t.0, None);
    let text = out(&o);
    assert!(text.contains(".github/workflows/ci.yml"), "{text}");
    assert!(!text.contains("build/pod.yaml"), "{text}");
    assert!(!text.contains(".git/config.yaml"), "{text}");
    assert!(text.contains("1 file ignored by .gitignore"), "{text}");
    let o = run(&["lint", "--no-ignore", "."], &t.0, None);
    let text = out(&o);
    assert!(text.contains("build/pod.yaml"), "{text}");
    assert!(!text.contains(".git/config.yaml"), "{text}");
    assert_eq!(count(&text, "ignored by .gitignore"), 0, "{text}");
}

#[test]
fn output_file_quiet_statistics_and_exit_zero() {
    let t = Tree::new("flags");
    t.file("pod.yaml", POD);
    let o = run(
        &["lint", "--format", "junit", "-o", "report.xml", "pod.yaml"],
        &t.0,
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "the report went to the file");
    let xml = std::fs::read_to_string(t.0.join("report.xml")).unwrap();
    assert!(
        xml.contains("<testsuites") && xml.contains("DS006"),
        "{xml}"
    );
    let o = run(&["lint", "--quiet", "pod.yaml"], &t.0, None);
    assert_eq!(out(&o), "1 finding (1 critical)\n");
    let o = run(&["lint", "--statistics", "pod.yaml"], &t.0, None);
    assert_eq!(
        out(&o),
        "1  DS006  privileged-container [critical]\n1 finding (1 critical)\n"
    );
    let o = run(&["lint", "--exit-zero", "pod.yaml"], &t.0, None);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["lint", "--exit-zero", "missing.yaml"], &t.0, None);
    assert_eq!(o.status.code(), Some(2), "input errors still fail");
}

#[test]
fn encodings_are_decoded_and_bad_bytes_reported_where_they_are() {
    let t = Tree::new("enc");
    let mut bad = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"x\xff\"}\n---\n".to_vec();
    bad.extend_from_slice(POD.as_bytes());
    std::fs::write(t.0.join("bad.yaml"), &bad).unwrap();
    let o = run(&["lint", "--format", "json", "bad.yaml"], &t.0, None);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(o.status.code(), Some(2), "{v}");
    assert_eq!(v["errors"][0]["line"], 3, "{v}");
    assert!(v["errors"][0]["column"].as_u64().is_some(), "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "DS006"),
        "the other document is linted: {v}"
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for u in POD.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(t.0.join("utf16.yaml"), &utf16).unwrap();
    let o = run(&["lint", "--format", "json", "utf16.yaml"], &t.0, None);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["findings"][0]["code"], "DS006", "{v}");
    assert_eq!(v["findings"][0]["line"], 8, "{v}");
    std::fs::write(
        t.0.join("nul.sh"),
        b"docker run \0 -v /var/run/docker.sock:/s x\n",
    )
    .unwrap();
    let o = run(&["lint", "--format", "json", "nul.sh"], &t.0, None);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert!(
        v["errors"][0]["message"].as_str().unwrap().contains("NUL"),
        "{v}"
    );
}

#[test]
fn the_env_file_beside_the_compose_file_is_read() {
    let t = Tree::new("dotenv");
    t.file(
        "compose.yaml",
        "services:\n  app:\n    image: x\n    volumes:\n    - ${SOCK}:/var/run/docker.sock\n",
    )
    .file(".env", "SOCK=/var/run/docker.sock\n");
    let o = run(&["lint", "--format", "json", "."], &t.0, None);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "DS001"),
        "{v}"
    );
    assert_eq!(
        v["errors"].as_array().map(Vec::len),
        Some(0),
        "the variable is known: {v}"
    );
    std::fs::write(t.0.join("other.env"), "SOCK=/tmp/ok\n").unwrap();
    let o = run(
        &[
            "lint",
            "--format",
            "json",
            "--env-file",
            "other.env",
            "compose.yaml",
        ],
        &t.0,
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "DS001"),
        "{v}"
    );
}
