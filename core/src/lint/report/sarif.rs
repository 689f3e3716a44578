//! SARIF 2.1.0, as GitHub code scanning reads it.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::lint::RULE_DOCS_BASE;
use crate::lint::rules::RULES;
use crate::lint::types::{LintReport, Severity};

impl LintReport {
    /// SARIF 2.1.0. Every rule is described (help text and `helpUri`); suppressed findings are
    /// results with `suppressions` carrying the reason; input errors are tool notifications.
    pub fn to_sarif(&self) -> String {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| {
                let m = r.meta();
                json!({
                    "id": m.code,
                    "name": m.name,
                    "shortDescription": { "text": m.summary },
                    "fullDescription": { "text": m.summary },
                    "help": { "text": m.help, "markdown": m.markdown() },
                    "helpUri": format!("{RULE_DOCS_BASE}{}.md", m.name),
                    "defaultConfiguration": { "level": sarif_level(m.severity) },
                    "properties": {
                        "tags": ["security"],
                        "security-severity": security_severity(m.severity),
                        "problem.severity": m.severity.as_str(),
                    }
                })
            })
            .collect();
        let results: Vec<Value> = self
            .findings
            .iter()
            .map(|f| {
                let index = RULES.iter().position(|r| r.meta().code == f.code);
                let mut physical = json!({ "artifactLocation": { "uri": uri(&f.file) } });
                if f.line > 0 {
                    let mut region = json!({ "startLine": f.line, "startColumn": f.column.max(1) });
                    if !f.source_line.is_empty() {
                        set(&mut region, "snippet", json!({ "text": f.source_line }));
                    }
                    set(&mut physical, "region", region);
                }
                let mut location = json!({ "physicalLocation": physical });
                let mut logical = Vec::new();
                if let Some(w) = &f.workload {
                    let fq = match (&f.container, f.path.is_empty()) {
                        (Some(c), _) => format!("{w}/{c}"),
                        (None, _) => w.clone(),
                    };
                    logical.push(json!({ "fullyQualifiedName": fq, "kind": "object" }));
                }
                if !f.path.is_empty() {
                    logical.push(json!({ "fullyQualifiedName": f.path, "kind": "member" }));
                }
                if !logical.is_empty() {
                    set(&mut location, "logicalLocations", Value::Array(logical));
                }
                let mut result = json!({
                    "ruleId": f.code,
                    "level": sarif_level(f.severity),
                    "message": { "text": format!("{}\nhelp: {}", f.message, f.help) },
                    "locations": [location],
                    "properties": { "severity": f.severity.as_str(), "name": f.name },
                });
                if let Some(i) = index {
                    set(&mut result, "ruleIndex", json!(i));
                }
                if let Some(reason) = &f.suppressed {
                    set(&mut result, "suppressions", json!([{ "kind": "inSource", "status": "accepted", "justification": reason }]));
                }
                result
            })
            .collect();
        let notifications: Vec<Value> = self
            .errors
            .iter()
            .map(|e| {
                let mut physical = json!({ "artifactLocation": { "uri": uri(&e.file) } });
                if let Some(l) = e.line.filter(|l| *l > 0) {
                    set(
                        &mut physical,
                        "region",
                        json!({ "startLine": l, "startColumn": e.column.unwrap_or(1).max(1) }),
                    );
                }
                json!({
                    "level": "error",
                    "message": { "text": e.message },
                    "locations": [{ "physicalLocation": physical }],
                })
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "dockscape",
                    "version": crate::VERSION,
                    "semanticVersion": crate::VERSION,
                    "informationUri": "https://github.com/dockscape/dockscape",
                    "properties": { "kubernetesApiVersion": crate::KUBERNETES_API_VERSION },
                    "rules": rules,
                }},
                "invocations": [{
                    "executionSuccessful": self.errors.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }]
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` (CVSS-like score as a string).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// A relative URI reference for a file name (`-` is stdin).
fn uri(file: &str) -> String {
    if file == "-" {
        return "stdin".into();
    }
    let mut out = String::with_capacity(file.len());
    let file = file.replace('\\', "/");
    // a relative reference whose first segment holds a `:` would read as a scheme (`x:y.yaml`)
    let first = file.split('/').next().unwrap_or("");
    let relative = !file.starts_with('/') && !is_drive(&file);
    if relative && first.contains(':') {
        out.push_str("./");
    } else if is_drive(&file) {
        out.push_str("file:///");
    }
    for ch in file.chars() {
        match ch {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '.' | '_' | '~' | '/' | ':' | '@' | '+' => {
                out.push(ch)
            }
            _ => {
                let mut buf = [0u8; 4];
                for b in ch.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
        }
    }
    out
}

/// A Windows drive path (`C:/x`), which SARIF readers take as an absolute file path.
fn is_drive(file: &str) -> bool {
    let mut b = file.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.next() == Some(b':')
        && b.next() == Some(b'/')
}

/// Set `key` on a JSON object (a no-op on anything else, which the values built here never are).
fn set(value: &mut Value, key: &str, v: Value) {
    if let Some(o) = value.as_object_mut() {
        o.insert(key.to_owned(), v);
    }
}
