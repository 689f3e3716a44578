//! `dockscape::lint` on any bytes, read as every input kind: detected from a few file names and forced to
//! each `InputKind`. Whatever the input, lint must return a report (no panic, no hang, bounded memory),
//! and every rendering of that report must succeed.

use dockscape::{InputKind, LintInput, LintOptions, lint};

const KINDS: [InputKind; 10] = [
    InputKind::Kubernetes,
    InputKind::Compose,
    InputKind::Run,
    InputKind::Tekton,
    InputKind::GithubArc,
    InputKind::Jenkins,
    InputKind::Gitlab,
    InputKind::Drone,
    InputKind::GitlabRunner,
    InputKind::GithubActions,
];

/// Names that steer detection (`kind: None`) to each reader.
const NAMES: [&str; 8] = [
    "input.yaml",
    "run.sh",
    "Jenkinsfile",
    ".gitlab-ci.yml",
    ".drone.yml",
    "config.toml",
    ".github/workflows/ci.yml",
    "-",
];

/// One fuzz input; shared by the fuzz target and `tests/tests/fuzz_regressions.rs`.
pub fn run(data: &[u8]) {
    // Invalid UTF-8 is the CLI's to report; the library takes text. Lossy keeps the rest of the bytes.
    let text = String::from_utf8_lossy(data);
    let options = LintOptions::default();
    for file in NAMES {
        let input = LintInput {
            file,
            text: &text,
            kind: None,
        };
        let _ = lint(&[input], &options).exit_code();
    }
    let mut all = Vec::new();
    for kind in KINDS {
        let input = LintInput {
            file: "input",
            text: &text,
            kind: Some(kind),
        };
        let report = lint(&[input], &options);
        let _ = report.exit_code();
        all.push(input);
    }
    // Every renderer once, over a report of every reading together.
    let report = lint(&all, &options);
    let _ = report.to_text(true);
    let _ = report.to_json();
    let _ = report.to_sarif();
    let _ = report.to_github();
}
