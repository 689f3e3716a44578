//! GitHub workflow commands (`::error file=...::message`), one per finding.

use std::fmt::Write as _;

use super::escape;
use crate::lint::types::{LintReport, Severity};

impl LintReport {
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
}

/// A workflow command's data: `%`, CR and LF as GitHub escapes them, every other control
/// character made visible (a log line must not carry ESC sequences or a forged command).
fn gh_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    escape::text(&s).into_owned()
}

fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}
