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

#[test]
fn compose_input_is_refused_with_a_message() {
    let o = convert(&["-"], "services:\n  a:\n    image: x\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not implemented yet"));
}
