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

/// A Pod with a safe fix (DS025) and two unsafe ones (DS005, DS015), non-ASCII text before each.
const FIXABLE: &str = "apiVersion: v1
kind: Pod
metadata:
  name: agent
  annotations:
    note: \"h\u{e9}llo \u{1f433} w\u{f6}rld\"
spec:
  containers:
  - name: agent
    image: example/agent:1.0
    securityContext: {allowPrivilegeEscalation: true}   # \u{e9}t\u{e9}
    volumeMounts:
    - name: etc
      mountPath: /host/etc
  volumes:
  - name: etc
    hostPath:
      path: /etc
  - name: sock
    hostPath:
      path: /var/run/docker.sock
      type: Socket
";

fn inputs() -> [LintInput<'static>; 3] {
    [
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
        LintInput {
            file: "fix/agent.yaml",
            text: FIXABLE,
            kind: None,
        },
    ]
}

/// The log without the sources (fixes by byte offsets) and with them (text regions).
fn sarif() -> String {
    lint(&inputs(), &LintOptions::default()).to_sarif()
}

fn sarif_with_sources() -> String {
    let inputs = inputs();
    lint(&inputs, &LintOptions::default()).to_sarif_with_sources(&inputs)
}

#[test]
fn sarif_validates_against_the_official_schema() {
    validate(&sarif());
    validate(&sarif_with_sources());
}

fn validate(log: &str) {
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint/_sarif/sarif-2.1.0-rtm.5.json");
    let dir = std::env::temp_dir().join(format!("dockscape-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let doc = dir.join("out.sarif");
    std::fs::write(&doc, log).unwrap_or_else(|e| panic!("{e}"));
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

/// The SARIF replacements of one result, applied to `text`: by text region (lines and columns, and
/// character offsets, each checked) or by binary region.
fn apply_sarif_fix(text: &str, result: &serde_json::Value) -> String {
    let change = &result["fixes"][0]["artifactChanges"][0];
    assert_eq!(
        change["artifactLocation"]["uri"],
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    );
    let chars: Vec<char> = text.chars().collect();
    // byte offset of (1-based line, 1-based column in characters)
    let at_line_col = |line: u64, col: u64| -> usize {
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize - 1)
            .map(str::len)
            .sum();
        start
            + text[start..]
                .chars()
                .take(col as usize - 1)
                .map(char::len_utf8)
                .sum::<usize>()
    };
    let at_char = |n: u64| -> usize { chars[..n as usize].iter().map(|c| c.len_utf8()).sum() };
    let mut edits = Vec::new();
    for r in change["replacements"].as_array().unwrap() {
        let d = &r["deletedRegion"];
        let (start, end, inserted) = if let Some(offset) = d["byteOffset"].as_u64() {
            let bytes = base64_decode(r["insertedContent"]["binary"].as_str().unwrap_or(""));
            assert!(r["insertedContent"].get("text").is_none(), "{r}");
            let end = offset + d["byteLength"].as_u64().unwrap();
            (
                offset as usize,
                end as usize,
                String::from_utf8(bytes).unwrap(),
            )
        } else {
            let start = at_line_col(
                d["startLine"].as_u64().unwrap(),
                d["startColumn"].as_u64().unwrap(),
            );
            let end = at_line_col(
                d["endLine"].as_u64().unwrap(),
                d["endColumn"].as_u64().unwrap(),
            );
            let offset = d["charOffset"].as_u64().unwrap();
            assert_eq!(at_char(offset), start, "{d}");
            assert_eq!(
                at_char(offset + d["charLength"].as_u64().unwrap()),
                end,
                "{d}"
            );
            let inserted = r["insertedContent"]["text"].as_str().unwrap_or("");
            (start, end, inserted.to_string())
        };
        edits.push((start, end, inserted));
    }
    // offsets of the unmodified text, applied from the end
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, inserted) in edits {
        out.replace_range(start..end, &inserted);
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    let abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.chars().filter(|&c| c != '=') {
        bits = (bits << 6) | abc.find(c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// Every finding with a fix has a `fixes` entry, in both forms, that applied gives what
/// `apply_fixes` gives for that finding alone; the others have none.
#[test]
fn sarif_fixes_apply_as_the_findings_fixes() {
    let report = lint(&inputs(), &LintOptions::default());
    let fixable: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter(|f| f.fix.is_some())
        .map(|f| (f.file.as_str(), f.code))
        .collect();
    assert_eq!(
        fixable,
        [
            ("deploy/ci pod.yaml", "DS005"),
            ("fix/agent.yaml", "DS015"),
            ("fix/agent.yaml", "DS005"),
            ("fix/agent.yaml", "DS025")
        ],
        "the fixtures' fixes"
    );
    let text_of = |file: &str| inputs().iter().find(|i| i.file == file).unwrap().text;
    for log in [sarif(), sarif_with_sources()] {
        let v: serde_json::Value = serde_json::from_str(&log).unwrap();
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), report.findings.len());
        let mut kinds = Vec::new();
        for (f, r) in report.findings.iter().zip(results) {
            assert_eq!(r["ruleId"], f.code);
            let Some(x) = &f.fix else {
                assert!(r.get("fixes").is_none(), "{r}");
                continue;
            };
            let fixes = r["fixes"].as_array().unwrap();
            assert_eq!(fixes.len(), 1);
            assert_eq!(
                fixes[0]["properties"]["applicability"],
                x.applicability.as_str()
            );
            assert!(
                fixes[0]["description"]["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(&x.message)),
                "{r}"
            );
            let text = text_of(&f.file);
            let (want, n) = dockscape::apply_fixes(text, std::slice::from_ref(f), true).unwrap();
            assert_eq!(n, 1);
            assert_eq!(apply_sarif_fix(text, r), want, "{}: {r}", f.code);
            let region = &fixes[0]["artifactChanges"][0]["replacements"][0]["deletedRegion"];
            kinds.push(region.get("byteOffset").is_some());
        }
        // without the sources every region is binary, with them every one is text
        assert!(
            kinds.len() == 4 && kinds.iter().all(|&b| b == kinds[0]),
            "{kinds:?}"
        );
    }
    // the binary form is taken without the sources only
    assert!(sarif().contains("\"byteOffset\""));
    assert!(!sarif_with_sources().contains("\"byteOffset\""));
}
