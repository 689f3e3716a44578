//! `dockscape lint --threads N`: the same report, byte for byte, on any number of threads, in every
//! format; and `--format jsonl`, one JSON object a line, agreeing with `--format json`.
//!
//! The inputs are the linter's own fixtures (`core/tests/fixtures/lint`: every rule, the evasion
//! corpus, CI files, unreadable and skipped inputs), several hundred files of every kind.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/lint")
}

fn lint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .arg("lint")
        .arg("--isolated")
        .args(args)
        .arg(fixtures())
        .output()
        .unwrap()
}

#[test]
fn every_format_is_the_same_on_any_number_of_threads() {
    for format in [
        "text",
        "json",
        "jsonl",
        "sarif",
        "github",
        "junit",
        "codequality",
    ] {
        let one = lint(&["--threads", "1", "--format", format]);
        let stdout = String::from_utf8_lossy(&one.stdout);
        assert!(
            stdout.contains("DS001"),
            "{format}: no finding on the fixtures?\n{stdout}"
        );
        for threads in ["2", "5"] {
            let many = lint(&["--threads", threads, "--format", format]);
            assert_eq!(
                one.status.code(),
                many.status.code(),
                "{format} on {threads} threads: another exit code"
            );
            assert!(
                one.stdout == many.stdout,
                "{format} on {threads} threads: another report"
            );
        }
    }
}

#[test]
fn zero_threads_is_refused() {
    let o = lint(&["--threads", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--threads"));
}

#[test]
fn jsonl_is_the_json_report_one_object_a_line() {
    let jsonl = lint(&["--format", "jsonl"]);
    let json = lint(&["--format", "json"]);
    assert_eq!(jsonl.status.code(), json.status.code());
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&jsonl.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    for (ty, key) in [
        ("finding", "findings"),
        ("workload", "workloads"),
        ("error", "errors"),
        ("skipped", "skipped"),
    ] {
        let mut of_type: Vec<serde_json::Value> =
            lines.iter().filter(|l| l["type"] == ty).cloned().collect();
        for v in &mut of_type {
            v.as_object_mut().unwrap().remove("type");
        }
        let expected = report[key].as_array().unwrap();
        assert!(!expected.is_empty(), "the fixtures have no {key}?");
        assert_eq!(&of_type, expected, "{ty} lines differ from the JSON {key}");
    }
    assert!(lines.iter().all(|l| l["type"].is_string()));
}
