//! The text report: a code frame per finding, a summary, colours when asked.

use std::fmt::Write as _;

use super::escape;
use crate::lint::types::{Applicability, Finding, LintReport, Severity};

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
    /// Human output: each unsuppressed finding with a code frame and a caret under its column,
    /// then input errors and a summary. ANSI colour only when `color` is set.
    pub fn to_text(&self, color: bool) -> String {
        let c = Paint { on: color };
        let mut out = String::new();
        for f in self.active() {
            render_finding(&mut out, f, &c);
        }
        for e in &self.errors {
            let _ = writeln!(
                out,
                "{}error{}: {}",
                c.p("\x1b[1;31m"),
                c.p(RESET),
                escape::text(&e.to_string())
            );
        }
        for k in &self.skipped {
            let _ = writeln!(
                out,
                "{}skipped{}: {}: {}",
                c.p(DIM),
                c.p(RESET),
                escape::text(&k.file),
                escape::text(&k.reason)
            );
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }
}

fn render_finding(out: &mut String, f: &Finding, c: &Paint) {
    let sev = f.severity;
    let _ = writeln!(
        out,
        "{}{}:{}:{}{}: {}{} [{}]{} {}{}{}: {}",
        c.p(BOLD),
        escape::text(&f.file),
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
        escape::text(&f.message)
    );
    if f.line > 0 && !f.source_line.is_empty() {
        let num = f.line.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(out, "{}{pad} |{}", c.p(BLUE), c.p(RESET));
        let (shown, prefix) = escape::frame(&f.source_line, f.column);
        let _ = writeln!(out, "{}{num} |{} {shown}", c.p(BLUE), c.p(RESET));
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
        ctx.push(format!("workload {}", escape::text(w)));
    }
    if let Some(ct) = &f.container {
        ctx.push(format!("container {}", escape::text(ct)));
    }
    if !f.path.is_empty() {
        ctx.push(format!("at {}", escape::text(&f.path)));
    }
    if !ctx.is_empty() {
        let _ = writeln!(out, "  {}= {}{}", c.p(DIM), ctx.join(", "), c.p(RESET));
    }
    let _ = writeln!(
        out,
        "  {}= help{}: {}",
        c.p(CYAN),
        c.p(RESET),
        escape::text(&f.help)
    );
    if let Some(fix) = &f.fix {
        let how = match fix.applicability {
            Applicability::Safe => "--fix",
            Applicability::Unsafe => "--fix --unsafe-fixes",
        };
        let _ = writeln!(
            out,
            "  {}= fix available{} ({}, `{how}`): {}",
            c.p(CYAN),
            c.p(RESET),
            fix.applicability.as_str(),
            escape::text(&fix.message)
        );
    }
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
