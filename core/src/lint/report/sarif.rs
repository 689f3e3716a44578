//! SARIF 2.1.0, as GitHub code scanning reads it.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::lint::RULE_DOCS_BASE;
use crate::lint::rules::RULES;
use crate::lint::types::{Fix, LintInput, LintReport, Severity};

impl LintReport {
    /// SARIF 2.1.0. Every rule is described (help text and `helpUri`); suppressed findings are
    /// results with `suppressions` carrying the reason; input errors are tool notifications. A
    /// finding's fix is a result's `fixes` entry with binary regions (byte offsets; the inserted
    /// content base64): [`to_sarif_with_sources`](Self::to_sarif_with_sources) gives the text
    /// regions the SARIF spec prefers for text files.
    pub fn to_sarif(&self) -> String {
        self.sarif(&[])
    }

    /// [`to_sarif`](Self::to_sarif), with the linted texts: the `fixes` of the findings of these
    /// inputs (matched by file name) have text regions (lines, columns and character offsets, in
    /// Unicode code points as the run's `columnKind` says), not byte offsets.
    pub fn to_sarif_with_sources(&self, sources: &[LintInput<'_>]) -> String {
        self.sarif(sources)
    }

    fn sarif(&self, sources: &[LintInput<'_>]) -> String {
        let mut texts: HashMap<&str, Option<TextIndex<'_>>> = HashMap::new();
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
                if let Some(x) = &f.fix {
                    let index = texts
                        .entry(&*f.file)
                        .or_insert_with(|| {
                            sources
                                .iter()
                                .find(|s| s.file == &*f.file)
                                .map(|s| TextIndex::new(s.text))
                        })
                        .as_ref();
                    set(&mut result, "fixes", json!([sarif_fix(x, &f.file, index)]));
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

/// A finding's fix as a SARIF `fix`: one artifact change with the edits as replacements (each
/// `deletedRegion` at offsets of the unmodified file, as SARIF says).
fn sarif_fix(fix: &Fix, file: &str, text: Option<&TextIndex<'_>>) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            match text.and_then(|t| t.region(e.start, e.end)) {
                Some(region) => {
                    let mut r = json!({ "deletedRegion": region });
                    if !e.replacement.is_empty() {
                        set(&mut r, "insertedContent", json!({ "text": e.replacement }));
                    }
                    r
                }
                None => {
                    let mut r = json!({ "deletedRegion": {
                        "byteOffset": e.start,
                        "byteLength": e.end.saturating_sub(e.start),
                    }});
                    // a binary region's content SHALL be binary
                    if !e.replacement.is_empty() {
                        set(
                            &mut r,
                            "insertedContent",
                            json!({ "binary": base64(e.replacement.as_bytes()) }),
                        );
                    }
                    r
                }
            }
        })
        .collect();
    json!({
        "description": { "text": format!("{} ({} fix)", fix.message, fix.applicability.as_str()) },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri(file) },
            "replacements": replacements,
        }],
        "properties": { "applicability": fix.applicability.as_str() },
    })
}

/// Where lines start in a text, and how many characters come before each: byte offsets into
/// SARIF text regions without rescanning the text for every edit.
struct TextIndex<'a> {
    text: &'a str,
    /// (byte offset, characters before it) of each line's start.
    lines: Vec<(usize, usize)>,
}

impl<'a> TextIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = vec![(0, 0)];
        let mut chars = 0;
        for (i, c) in text.char_indices() {
            chars += 1;
            if c == '\n' {
                lines.push((i + 1, chars));
            }
        }
        TextIndex { text, lines }
    }

    /// (1-based line, 1-based column in characters, characters before) of byte offset `at`.
    fn position(&self, at: usize) -> Option<(usize, usize, usize)> {
        let line = self.lines.partition_point(|&(start, _)| start <= at);
        let &(start, before) = self.lines.get(line.checked_sub(1)?)?;
        let column = self.text.get(start..at)?.chars().count();
        Some((line, column + 1, before + column))
    }

    /// The text region of bytes `start..end`: lines and columns, and character offsets.
    fn region(&self, start: usize, end: usize) -> Option<Value> {
        let (sl, sc, so) = self.position(start)?;
        let (el, ec, eo) = self.position(end)?;
        Some(json!({
            "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec,
            "charOffset": so, "charLength": eo.checked_sub(so)?,
        }))
    }
}

/// Standard base64 with padding (RFC 4648), as SARIF's `binary` content is.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |n: u32| char::from(ABC.get((n & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}
