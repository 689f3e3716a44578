//! Report renderers: text (code frame), JSON, SARIF 2.1.0, GitHub workflow commands.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::rules::RULES;
use super::{Finding, LintReport, RULE_DOCS_BASE, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const BLUE: &str = "\x1b[34m";
const CYAN: &str = "\x1b[36m";

fn sev_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;31m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[34m",
        Severity::Info => "\x1b[2m",
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    fn p(&self, code: &'static str) -> &'static str {
        if self.on { code } else { "" }
    }
}

impl LintReport {
    /// The JSON document: `{ "findings": [...], "workloads": [...], "errors": [...] }`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Human output: each unsuppressed finding with a code frame and a caret under its column,
    /// then input errors and a summary. ANSI colour only when `color` is set.
    pub fn to_text(&self, color: bool) -> String {
        let c = Paint { on: color };
        let mut out = String::new();
        for f in self.active() {
            render_finding(&mut out, f, &c);
        }
        for e in &self.errors {
            let _ = writeln!(out, "{}error{}: {}", c.p("\x1b[1;31m"), c.p(RESET), e);
        }
        let active: Vec<&Finding> = self.active().collect();
        let suppressed = self.findings.len() - active.len();
        if active.is_empty() {
            out.push_str("no findings");
        } else {
            let _ = write!(
                out,
                "{} finding{}",
                active.len(),
                if active.len() == 1 { "" } else { "s" }
            );
            let parts: Vec<String> = Severity::ALL
                .iter()
                .filter_map(|s| {
                    let n = active.iter().filter(|f| f.severity == *s).count();
                    (n > 0).then(|| format!("{n} {s}"))
                })
                .collect();
            let _ = write!(out, " ({})", parts.join(", "));
        }
        if suppressed > 0 {
            let _ = write!(out, ", {suppressed} suppressed");
        }
        if !self.errors.is_empty() {
            let n = self.errors.len();
            let _ = write!(out, ", {n} input error{}", if n == 1 { "" } else { "s" });
        }
        out.push('\n');
        out
    }

    /// GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per unsuppressed
    /// finding and input error.
    pub fn to_github(&self) -> String {
        let mut out = String::new();
        for f in self.active() {
            let level = match f.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low | Severity::Info => "notice",
            };
            let _ = write!(out, "::{level} file={}", gh_prop(&f.file));
            if f.line > 0 {
                let _ = write!(out, ",line={},col={}", f.line, f.column);
            }
            let title = format!("{} {} ({})", f.code, f.name, f.severity);
            let _ = writeln!(
                out,
                ",title={}::{}",
                gh_prop(&title),
                gh_data(&format!("{}\nhelp: {}", f.message, f.help))
            );
        }
        for e in &self.errors {
            let _ = write!(out, "::error file={}", gh_prop(&e.file));
            if let Some(l) = e.line {
                let _ = write!(out, ",line={l}");
            }
            if let Some(c) = e.column {
                let _ = write!(out, ",col={c}");
            }
            let _ = writeln!(out, ",title=dockscape input error::{}", gh_data(&e.message));
        }
        out
    }

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

fn render_finding(out: &mut String, f: &Finding, c: &Paint) {
    let sev = f.severity;
    let _ = writeln!(
        out,
        "{}{}:{}:{}{}: {}{} [{}]{} {}{}{}: {}",
        c.p(BOLD),
        f.file,
        f.line,
        f.column,
        c.p(RESET),
        c.p(sev_colour(sev)),
        f.code,
        sev,
        c.p(RESET),
        c.p(BOLD),
        f.name,
        c.p(RESET),
        f.message
    );
    if f.line > 0 && !f.source_line.is_empty() {
        let num = f.line.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(out, "{}{pad} |{}", c.p(BLUE), c.p(RESET));
        let _ = writeln!(out, "{}{num} |{} {}", c.p(BLUE), c.p(RESET), f.source_line);
        let prefix: String = f
            .source_line
            .chars()
            .take(f.column.saturating_sub(1))
            .map(|ch| if ch == '\t' { '\t' } else { ' ' })
            .collect();
        let width = token_width(&f.source_line, f.column);
        let _ = writeln!(
            out,
            "{}{pad} |{} {prefix}{}{}{}",
            c.p(BLUE),
            c.p(RESET),
            c.p(sev_colour(sev)),
            "^".repeat(width),
            c.p(RESET)
        );
    }
    let mut ctx = Vec::new();
    if let Some(w) = &f.workload {
        ctx.push(format!("workload {w}"));
    }
    if let Some(ct) = &f.container {
        ctx.push(format!("container {ct}"));
    }
    if !f.path.is_empty() {
        ctx.push(format!("at {}", f.path));
    }
    if !ctx.is_empty() {
        let _ = writeln!(out, "  {}= {}{}", c.p(DIM), ctx.join(", "), c.p(RESET));
    }
    let _ = writeln!(out, "  {}= help{}: {}", c.p(CYAN), c.p(RESET), f.help);
    out.push('\n');
}

/// How many characters to underline from 1-based `column`: a quoted string to its closing quote,
/// else up to whitespace or a flow delimiter.
fn token_width(line: &str, column: usize) -> usize {
    let mut chars = line.chars().skip(column.saturating_sub(1));
    let n = match chars.next() {
        Some(q @ ('"' | '\'')) => {
            let mut n = 1;
            let mut escaped = false;
            for ch in chars {
                n += 1;
                if ch == q && !escaped {
                    break;
                }
                escaped = q == '"' && ch == '\\' && !escaped;
            }
            n
        }
        Some(first) if !first.is_whitespace() => {
            1 + chars
                .take_while(|ch| !ch.is_whitespace() && !matches!(ch, ',' | '}' | ']'))
                .count()
        }
        _ => 1,
    };
    n.max(1)
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
    for ch in file.replace('\\', "/").chars() {
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

fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Set `key` on a JSON object (a no-op on anything else, which the values built here never are).
fn set(value: &mut Value, key: &str, v: Value) {
    if let Some(o) = value.as_object_mut() {
        o.insert(key.to_owned(), v);
    }
}
