//! GitLab Code Quality: a JSON array of issues with the fields GitLab documents (`description`,
//! `check_name`, `fingerprint`, `severity`, `location.path`, `location.lines.begin`). The fingerprint
//! is stable across unrelated edits: it hashes the rule, the file, the workload, the container, the
//! field path and the offending source line's text, never the line number.

use serde_json::{Value, json};

use crate::lint::types::{LintReport, Severity};

/// GitLab's severities.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

/// 64-bit FNV-1a.
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A 32-hex-digit fingerprint of `parts`.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let joined = parts.join("\u{1f}");
    format!(
        "{:016x}{:016x}",
        fnv(joined.as_bytes(), 0),
        fnv(joined.as_bytes(), 0x9e37_79b9_7f4a_7c15)
    )
}

impl LintReport {
    /// GitLab Code Quality JSON (one issue per unsuppressed finding and input error).
    pub fn to_codequality(&self) -> String {
        let mut issues: Vec<Value> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for f in self.active() {
            let base = fingerprint(&[
                f.code,
                &f.file,
                f.workload.as_deref().unwrap_or(""),
                f.container.as_deref().unwrap_or(""),
                &f.path,
                f.source_line.trim(),
            ]);
            // the same finding twice in one file (two identical lines) stays two issues
            let mut fp = base.clone();
            let mut n = 1;
            while seen.contains(&fp) {
                n += 1;
                fp = fingerprint(&[&base, &n.to_string()]);
            }
            seen.push(fp.clone());
            issues.push(json!({
                "type": "issue",
                "description": format!("{} {}: {}", f.code, f.name, f.message),
                "check_name": f.code,
                "categories": ["Security"],
                "fingerprint": fp,
                "severity": severity(f.severity),
                "location": { "path": f.file, "lines": { "begin": f.line.max(1) } },
            }));
        }
        for e in &self.errors {
            issues.push(json!({
                "type": "issue",
                "description": format!("input error: {}", e.message),
                "check_name": "input-error",
                "categories": ["Bug Risk"],
                "fingerprint": fingerprint(&["input-error", &e.file, &e.message]),
                "severity": "blocker",
                "location": { "path": e.file, "lines": { "begin": e.line.unwrap_or(1).max(1) } },
            }));
        }
        serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into())
    }
}
