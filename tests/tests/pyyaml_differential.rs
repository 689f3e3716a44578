//! Differential test of dockscape's YAML reading (the Kubernetes half of issue 9 item 12): every
//! document of every Kubernetes lint fixture, and a generated corpus of edge-case documents
//! (YAML 1.1 booleans, duplicate keys, merge keys, anchors, tags, quoting, numbers), read by
//! dockscape (`dockscape::debug_yaml_to_json`: the document as the linter reads a Kubernetes input)
//! and by PyYAML's `yaml.safe_load_all` (the real PyYAML, installed by `scripts/install-test-tools`),
//! must be the same JSON.
//!
//! PyYAML is a YAML 1.1 reader, the nearest to go-yaml v2 (what `sigs.k8s.io/yaml` hands the API
//! machinery) that runs here. Where the two differ, dockscape follows go-yaml v2, and the test
//! accepts exactly these known differences (`known_difference`):
//! - `y`, `Y`, `n`, `N`: booleans to go-yaml v2, strings to PyYAML;
//! - number forms only go-yaml v2 reads (Go's `strconv` after removing `_`): `1e3` and `1.0e3`
//!   (PyYAML wants a dot and a signed exponent), `0o17`, `08`; PyYAML reads them as strings;
//! - sexagesimal numbers (`1:30`): integers to PyYAML, strings to go-yaml v2;
//! - timestamps (`2001-12-14`): PyYAML builds dates (printed here with `str()`), go-yaml v2 a
//!   `time.Time` that `sigs.k8s.io/yaml` prints in RFC 3339; dockscape keeps the text, since no
//!   field it reads is a timestamp.
//! - saphyr (dockscape's parser) refuses a lone `-` inside a flow collection (`{a: -}`), which
//!   PyYAML reads as the string `-`: an input error (exit 2), never a different reading, so the
//!   generator leaves it out.
//!
//! Both keep the last of duplicate keys and let explicit keys win over merged ones.

#![allow(clippy::disallowed_methods)] // tests run PyYAML and read fixtures

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use proptest::prelude::*;
use serde_json::Value;

const PYTHON_READER: &str = r#"
import json, math, sys, yaml
def clean(v):
    if isinstance(v, float):
        if math.isnan(v): return "NaN"
        if math.isinf(v): return "inf" if v > 0 else "-inf"
        return v
    if isinstance(v, dict):
        return {json.dumps(k) if not isinstance(k, (str, bool, int, float, type(None))) else k: clean(x) for k, x in v.items()}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v
out = []
for text in json.load(sys.stdin):
    try:
        out.append({"docs": [clean(d) for d in yaml.safe_load_all(text)]})
    except Exception as e:
        out.append({"error": str(e).splitlines()[0] if str(e) else type(e).__name__})
print(json.dumps(out, default=str))
"#;

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Each text read by PyYAML: `Ok(documents)` or `Err(message)`.
fn pyyaml(texts: &[String]) -> Vec<Result<Vec<Value>, String>> {
    let mut child = Command::new(python())
        .args(["-c", PYTHON_READER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (scripts/install-test-tools installs PyYAML)");
    let input = serde_json::to_vec(texts).expect("json");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write");
    let out = child.wait_with_output().expect("python");
    assert!(
        out.status.success(),
        "PyYAML reader failed (is PyYAML installed? scripts/install-test-tools): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).expect("PyYAML output");
    v.into_iter()
        .map(|r| match r.get("docs") {
            Some(Value::Array(d)) => Ok(d.clone()),
            _ => Err(r.get("error").map(Value::to_string).unwrap_or_default()),
        })
        .collect()
}

/// Whether a leaf that differs is one of the listed go-yaml v2 / PyYAML differences.
fn known_difference(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Bool(_), Value::String(s)) => matches!(s.as_str(), "y" | "Y" | "n" | "N"),
        (Value::Number(n), Value::String(s)) => {
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            let go = if let Some(o) = plain.strip_prefix("0o") {
                i64::from_str_radix(o, 8).ok().map(|i| i as f64)
            } else {
                plain.parse::<f64>().ok()
            };
            go.is_some_and(|g| n.as_f64() == Some(g))
        }
        (Value::String(s), Value::Number(_)) => s.contains(':'),
        (Value::String(s), Value::String(_)) => {
            let b = s.as_bytes();
            b.len() >= 8 && b.iter().take(4).all(u8::is_ascii_digit) && b.get(4) == Some(&b'-')
        }
        _ => false,
    }
}

/// Differences between the two readings, each as `path: ours != theirs`.
fn diff(ours: &Value, theirs: &Value, path: &str, out: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                match b.get(k) {
                    Some(vb) => diff(va, vb, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: only dockscape has it")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}.{k}: only PyYAML has it"));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                diff(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        (a, b) if a == b => {}
        (Value::Number(a), Value::Number(b))
            if a.as_f64() == b.as_f64() && a.is_f64() == b.is_f64() => {}
        (a, b) if known_difference(a, b) => {}
        (a, b) => out.push(format!("{path}: dockscape {a} != PyYAML {b}")),
    }
}

/// Compare dockscape's and PyYAML's readings of every text; the differences found.
fn compare(names: &[String], texts: &[String]) -> (usize, Vec<String>) {
    let theirs = pyyaml(texts);
    let mut problems = Vec::new();
    let mut compared = 0;
    for ((name, text), theirs) in names.iter().zip(texts).zip(theirs) {
        let Ok(theirs) = theirs else {
            continue; // a document PyYAML refuses (a broken fixture, a tag it has no constructor for)
        };
        let ours: Vec<Value> = dockscape::debug_yaml_to_json(text);
        let theirs: Vec<Value> = theirs.into_iter().filter(|d| !d.is_null()).collect();
        let ours: Vec<Value> = ours.into_iter().filter(|d| !d.is_null()).collect();
        if ours.len() != theirs.len() {
            problems.push(format!(
                "{name}: dockscape reads {} documents, PyYAML {}\n--- text:\n{text}",
                ours.len(),
                theirs.len()
            ));
            continue;
        }
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            let mut d = Vec::new();
            diff(a, b, &format!("doc{i}"), &mut d);
            problems.extend(
                d.into_iter()
                    .map(|p| format!("{name}: {p}\n--- text:\n{text}")),
            );
        }
        compared += 1;
    }
    (compared, problems)
}

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            fixture_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(p);
        }
    }
}

/// Kubernetes input: an `apiVersion` and a `kind` at the top of a document, and no Compose
/// `services:` (the CI fixtures are other readers' inputs).
fn is_kubernetes(text: &str) -> bool {
    let top = |key: &str| {
        text.lines()
            .any(|l| l.starts_with(key) || l.trim_start().starts_with(&format!("\"{key}")))
    };
    top("apiVersion") && top("kind") && !text.lines().any(|l| l.starts_with("services:"))
}

#[test]
fn every_kubernetes_fixture_reads_as_pyyaml_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/lint");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    files.sort();
    let mut names = Vec::new();
    let mut texts = Vec::new();
    for f in files
        .iter()
        .filter(|f| !f.to_string_lossy().contains("/_ci/"))
    {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        if is_kubernetes(&text) {
            names.push(f.strip_prefix(&root).unwrap_or(f).display().to_string());
            texts.push(text);
        }
    }
    let (compared, problems) = compare(&names, &texts);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        compared >= 40,
        "only {compared} of {} Kubernetes fixtures were compared",
        names.len()
    );
}

/// The edge cases the generated documents are made of.
fn scalar() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        // YAML 1.1 booleans, plain, quoted and tagged
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "on",
        "On",
        "ON",
        "true",
        "True",
        "TRUE",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "off",
        "Off",
        "OFF",
        "false",
        "False",
        "FALSE",
        "'on'",
        "\"yes\"",
        "\"true\"",
        "!!bool \"on\"",
        "!!bool 'no'",
        "!!str on",
        "!!str true",
        "!!str 12",
        "yES",
        "oN",
        // nulls
        "~",
        "null",
        "Null",
        "NULL",
        "''",
        "!!null ''",
        // numbers
        "0",
        "12",
        "-7",
        "+3",
        "012",
        "0x1F",
        "0b101",
        "1_000",
        "1.5",
        ".5",
        "1.",
        "-1.25",
        "1e3",
        "1.0e+3",
        "0o17",
        "08",
        ".inf",
        "-.Inf",
        ".nan",
        "!!int \"12\"",
        "!!float 3",
        "'12'",
        "\"0x1F\"",
        // sexagesimal and timestamps
        "1:30",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        // strings
        "/var/run/docker.sock",
        "\"a: b\"",
        "'it''s'",
        "plain text",
        "_1",
        "x-y",
    ])
    .prop_map(str::to_string)
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "privileged",
        "hostNetwork",
        "a",
        "b",
        "path",
        "name",
        "on",
        "yes",
        "off",
        "12",
        "true",
        "\"quoted\"",
        "'on'",
    ])
    .prop_map(str::to_string)
}

/// One document: an anchored base mapping, then entries (scalars, flow lists with aliases, a
/// nested mapping that merges the base or a list of mappings, duplicate keys).
fn document() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        4 => (key(), scalar()).prop_map(|(k, v)| format!("{k}: {v}")),
        1 => (key(), prop::collection::vec(scalar(), 0..4))
            .prop_map(|(k, v)| format!("{k}: [{}, *base]", v.join(", "))),
        1 => (key(), key(), scalar(), scalar())
            .prop_map(|(k, k2, v, v2)| format!("{k}:\n  <<: *base\n  {k2}: {v}\n  {k2}: {v2}")),
        1 => (key(), scalar())
            .prop_map(|(k, v)| format!("{k}:\n  <<: [{{a: {v}}}, *base]\n  b: 1")),
        1 => (key(), key(), scalar()).prop_map(|(k, k2, v)| format!("{k}: {{{k2}: {v}, {k2}: *v1}}")),
    ];
    (
        prop::collection::vec((key(), scalar()), 1..4),
        scalar(),
        prop::collection::vec(entry, 1..6),
    )
        .prop_map(|(base, v1, entries)| {
            let base: Vec<String> = base.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!(
                "base: &base {{{}}}\nv1: &v1 {v1}\n{}\n",
                base.join(", "),
                entries.join("\n")
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn generated_edge_cases_read_as_pyyaml_reads_them(docs in prop::collection::vec(document(), 150)) {
        let names: Vec<String> = (0..docs.len()).map(|i| format!("generated[{i}]")).collect();
        let (compared, problems) = compare(&names, &docs);
        prop_assert!(problems.is_empty(), "{}", problems.join("\n"));
        // most generated documents are valid YAML for both readers
        prop_assert!(compared * 2 > docs.len(), "only {compared} compared");
    }
}
