//! The JSON report follows its documented schema (`docs/report.schema.json`), checked by Python's
//! `jsonschema` over the report of every lint fixture at once; and the check can fail.

#![allow(clippy::disallowed_methods)] // tests read fixtures; the library stays pure

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use dockscape::{LintInput, LintOptions, lint};

fn fixtures(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixtures(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| matches!(e.to_str(), Some("yaml" | "yml" | "json" | "sh")))
            && let Ok(text) = std::fs::read_to_string(&p)
        {
            out.push((p.display().to_string(), text));
        }
    }
}

fn validate(doc: &str) -> (bool, String) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/report.schema.json");
    let script = "import json,sys,jsonschema\nschema=json.load(open(sys.argv[1]))\ncls=jsonschema.validators.validator_for(schema)\ncls.check_schema(schema)\nerrs=list(cls(schema).iter_errors(json.loads(sys.stdin.read())))\nfor e in errs[:20]: print('/'.join(map(str,e.absolute_path)), e.message)\nprint(cls.__name__, 'errors', len(errs))\nsys.exit(1 if errs else 0)";
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with jsonschema (scripts/install-test-tools)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn every_fixtures_report_follows_the_schema_and_a_broken_one_does_not() {
    let mut files = Vec::new();
    fixtures(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint"),
        &mut files,
    );
    files.push(("broken.yaml".into(), "a: [\n".into()));
    files.push(("values.yaml".into(), "replicas: 2\n".into()));
    let inputs: Vec<LintInput> = files
        .iter()
        .map(|(f, t)| LintInput {
            file: f,
            text: t,
            kind: None,
        })
        .collect();
    let report = lint(&inputs, &LintOptions::default());
    assert!(!report.findings.is_empty() && !report.errors.is_empty() && !report.skipped.is_empty());
    let (ok, text) = validate(&report.to_json());
    assert!(ok, "{text}");
    assert!(text.contains("Draft202012Validator errors 0"), "{text}");
    let mut v: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    v["findings"][0]["severity"] = serde_json::json!("severe");
    let (ok, text) = validate(&v.to_string());
    assert!(!ok, "the schema must reject an unknown severity: {text}");
}
