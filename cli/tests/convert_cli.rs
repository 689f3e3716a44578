//! `dockscape convert` from the command line: stdout, stderr, JSON and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn convert(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .arg("convert")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

const LINE: &str =
    "docker run -d --name web -p 8080:80 -v /var/run/docker.sock:/var/run/docker.sock nginx:1.27\n";

#[test]
fn text_output_goes_to_stdout_and_reports_to_stderr() {
    let o = convert(&["--to", "pod", "-"], LINE);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        out.contains("kind: Pod") && out.contains("type: Socket"),
        "{out}"
    );
    assert!(err.contains("dropped: -:1:12: -d: "), "{err}");
    assert!(err.contains("DS001"), "{err}");
}

#[test]
fn json_has_outputs_notes_dropped_and_exit_2_on_an_unreadable_line() {
    let o = convert(
        &["--format", "json", "-"],
        &format!("docker run --bogus x\n{LINE}"),
    );
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["outputs"][0]["text"].as_str().unwrap().contains("web:"));
    assert_eq!(v["dropped"][0]["key_or_flag"], "-d");
    assert_eq!(v["dropped"][0]["line"], 2);
    assert_eq!(v["errors"][0]["location"]["line"], 1);
    assert!(v["notes"].is_array());
}

/// A scratch folder removed on drop.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn compose_input_reads_the_env_beside_it_and_groups_pods() {
    let dir = Scratch(std::env::temp_dir().join(format!("ds-convert-cli-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let file = dir.0.join("compose.yaml");
    std::fs::write(
        &file,
        "services:\n  a:\n    image: app:${TAG}\n    ports: [\"8080:80\"]\n  b:\n    image: busybox\n    logging: {driver: none}\n",
    )
    .unwrap();
    std::fs::write(dir.0.join(".env"), "TAG=3.1\n").unwrap();
    let f = file.to_str().unwrap();
    let o = convert(&["--pod", "ab=a,b", f], "");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        out.contains("image: app:3.1") && out.contains("name: ab\n"),
        "{out}"
    );
    assert!(out.contains("kind: Service"), "{out}");
    assert_eq!(out.matches("kind: Pod").count(), 1, "{out}");
    assert!(
        err.contains(&format!("dropped: {f}:7:5: logging: ")),
        "{err}"
    );
    let o = convert(&["--to", "run", "--shell", "cmd", f], "");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("@echo off") && out.contains("app:3.1"),
        "{out}"
    );
    // a --pod naming no service is an input error, the rest still converted
    let o = convert(&["--pod", "x=a,nope", f], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no service `nope`"));
}
