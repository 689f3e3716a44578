//! SARIF output against the official SARIF 2.1.0 schema, with a real JSON-schema validator
//! (Python's `jsonschema`; the schema file's provenance is in `fixtures/lint/_sarif/README.md`).

#![allow(clippy::disallowed_methods)] // tests read fixtures and write snapshots; the library stays pure

use std::path::PathBuf;
use std::process::Command;

use dockscape::{LintInput, LintOptions, lint};

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: ci
  annotations:
    dockscape.io/ignore: \"DS025: kept for the migration, see CHG-7\"
spec:
  containers:
    - name: build
      image: docker:27-dind
      securityContext: {privileged: true}
      env: [{name: DOCKER_HOST, value: \"tcp://localhost:2375\"}]
      volumeMounts: [{name: run, mountPath: /var/run}]
  volumes:
    - {name: run, hostPath: {path: /var/run}}
    - {name: spare, hostPath: {path: /run/docker.sock}}
---
kind: Pod
spec: [broken
";

fn sarif() -> String {
    let inputs = [
        LintInput {
            file: "deploy/ci pod.yaml",
            text: POD,
            kind: None,
        },
        LintInput {
            file: "scripts/run.sh",
            text: "docker run -v /var/run/docker.sock:/var/run/docker.sock x\n",
            kind: None,
        },
    ];
    lint(&inputs, &LintOptions::default()).to_sarif()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint/_sarif/sarif-2.1.0-rtm.5.json");
    let dir = std::env::temp_dir().join(format!("dockscape-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let doc = dir.join("out.sarif");
    std::fs::write(&doc, sarif()).unwrap_or_else(|e| panic!("{e}"));
    let script = "
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print('/'.join(map(str, e.absolute_path)), ':', e.message)
print('validator', cls.__name__, 'errors', len(errors))
sys.exit(1 if errors else 0)
";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&schema)
        .arg(&doc)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed for this test: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !stderr.contains("No module named 'jsonschema'"),
        "this test needs Python's jsonschema: pip install jsonschema"
    );
    assert!(
        out.status.success(),
        "SARIF does not validate:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("Draft4Validator errors 0"), "{stdout}");
}

#[test]
fn the_validator_rejects_a_broken_log() {
    // the same check must be able to fail: a result without a message is invalid
    let mut v: serde_json::Value = serde_json::from_str(&sarif()).unwrap_or_default();
    v["runs"][0]["results"][0]["message"] = serde_json::json!(42);
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint/_sarif/sarif-2.1.0-rtm.5.json");
    let script = "import json,sys,jsonschema\nschema=json.load(open(sys.argv[1]))\ndoc=json.loads(sys.stdin.read())\njsonschema.validators.validator_for(schema)(schema).validate(doc)";
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&schema)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(v.to_string().as_bytes());
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success(), "a broken log validated");
}

#[test]
fn sarif_content() {
    let v: serde_json::Value = serde_json::from_str(&sarif()).unwrap_or_default();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rules.len(), dockscape::rules().len());
    for r in &rules {
        assert!(r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(r["helpUri"].as_str().is_some_and(|u| u.ends_with(".md")));
    }
    let results = run["results"].as_array().cloned().unwrap_or_default();
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "DS025");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "kept for the migration, see CHG-7"
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/ci%20pod.yaml"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(notes.len(), 1);
}
