//! Suppressions: the workload annotation `dockscape.io/ignore: "DS001: reason"` (Compose: the
//! label) and the comment `# dockscape: ignore DS001 reason` on the finding's line or the line
//! above. A suppression needs a reason: one without is reported (DS000) and suppresses nothing.

use super::registry::{Meta, render};
use super::rules::RULES;
use super::types::{Finding, LintReport};
use crate::read::context::FileCtx;
use crate::read::ir::{Loc, Workload};

/// The code of `suppression-without-reason`.
pub(crate) const CODE: &str = "DS000";
/// The annotation (Compose label) key.
pub(crate) const ANNOTATION: &str = "dockscape.io/ignore";
/// The comment marker.
pub(crate) use crate::read::context::MARKER;

/// One suppression.
#[derive(Debug, Clone)]
pub(crate) struct Directive<'t> {
    pub codes: Vec<String>,
    pub reason: Option<String>,
    pub loc: Loc<'t>,
}

impl Directive<'_> {
    /// Whether it names the rule (by code, any case, or name; `all` names every rule).
    pub(crate) fn covers(&self, meta: &Meta) -> bool {
        self.codes.iter().any(|c| {
            c.eq_ignore_ascii_case(meta.code) || c == meta.name || c.eq_ignore_ascii_case("all")
        })
    }
}

/// DS000's metadata.
pub(crate) fn meta() -> Option<&'static Meta> {
    RULES.iter().map(|r| r.meta()).find(|m| m.code == CODE)
}

fn is_rule_token(t: &str) -> bool {
    let t = t.trim_matches(',');
    if t.is_empty() {
        return false;
    }
    t.split(',').filter(|s| !s.is_empty()).all(|s| {
        s.eq_ignore_ascii_case("all")
            || (s.len() == 5
                && s.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("ds"))
                && s.get(2..)
                    .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit())))
            || RULES.iter().any(|r| r.meta().name == s)
    })
}

/// Split `DS001,DS005 the reason` into codes and reason.
fn codes_and_reason(text: &str) -> (Vec<String>, Option<String>) {
    let mut codes = Vec::new();
    let mut rest = text.trim();
    loop {
        let (tok, after) = match rest.find(char::is_whitespace) {
            Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
            None => (rest, ""),
        };
        if tok.is_empty() || !is_rule_token(tok) {
            break;
        }
        codes.extend(tok.split(',').filter(|s| !s.is_empty()).map(str::to_string));
        rest = after.trim_start();
    }
    let reason = rest.trim().trim_start_matches([':', '-', '—']).trim();
    let reason = if reason.is_empty() {
        None
    } else {
        Some(reason.to_string())
    };
    (codes, reason)
}

/// Directives of a workload's `dockscape.io/ignore` annotation: entries separated by newlines or
/// `;`, each `DS001: reason` (or `DS001, DS005: reason`).
pub(crate) fn annotation_directives<'t>(w: &Workload<'t>) -> Vec<Directive<'t>> {
    let Some(v) = w.annotation(ANNOTATION) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let text = v.as_str();
    for entry in text.split(['\n', ';']) {
        // the entry's line, for block scalars (`|`) whose entries sit one per line
        let before = text.get(..(entry.as_ptr() as usize).saturating_sub(text.as_ptr() as usize));
        let line_offset = before.map_or(0, |b| b.matches('\n').count()) as u32;
        let mut loc = v.loc;
        if line_offset > 0 {
            loc.line += line_offset;
        }
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let (codes, reason) = match entry.split_once(':') {
            Some((c, r)) => {
                let codes: Vec<String> = c
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                let r = r.trim();
                (
                    codes,
                    if r.is_empty() {
                        None
                    } else {
                        Some(r.to_string())
                    },
                )
            }
            None => codes_and_reason(entry),
        };
        if !codes.is_empty() {
            out.push(Directive { codes, reason, loc });
        }
    }
    out
}

/// The directive in a comment on `line`, if any: (column of `#`, codes, reason).
fn comment_directive(line: &str) -> Option<(usize, Vec<String>, Option<String>)> {
    let at = line.find(MARKER)?;
    let before = line.get(..at)?.trim_end();
    if !(before.ends_with('#') || before.ends_with("//") || before.ends_with("REM")) {
        return None;
    }
    let hash = before.len().saturating_sub(1);
    let after = line.get(at + MARKER.len()..)?.trim_start();
    let after = after.strip_prefix("ignore")?;
    let (codes, reason) = codes_and_reason(after);
    if codes.is_empty() {
        return None;
    }
    let col = line.get(..hash).map_or(0, |s| s.chars().count()) + 1;
    Some((col, codes, reason))
}

/// The reason of an inline suppression of `meta` on `line` or the line above, if any.
pub(crate) fn inline_for(ctx: &mut FileCtx<'_>, line: usize, meta: &Meta) -> Option<String> {
    if !ctx.has_directives() {
        return None;
    }
    for l in [line, line.saturating_sub(1)] {
        if l == 0 {
            continue;
        }
        if let Some((_, codes, reason)) = comment_directive(ctx.line(l)) {
            let d = Directive {
                codes,
                reason,
                loc: Loc::NONE,
            };
            if d.covers(meta) {
                return d.reason;
            }
        }
    }
    None
}

/// Report every comment directive of the input that has no reason (DS000).
pub(crate) fn reasonless_comments(ctx: &mut FileCtx<'_>, report: &mut LintReport) {
    let Some(meta) = meta() else { return };
    if !ctx.has_directives() {
        return;
    }
    let text = ctx.text;
    for (i, line) in text.lines().enumerate() {
        if !line.contains(MARKER) {
            continue;
        }
        let Some((col, codes, None)) = comment_directive(line) else {
            continue;
        };
        let args = [codes.join(", ")];
        let template = meta.messages.first().copied().unwrap_or("");
        report.findings.push(Finding {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            message: render(template, &args),
            help: render(meta.help, &args),
            file: ctx.file.to_string(),
            line: i + 1,
            column: col,
            path: String::new(),
            workload: None,
            container: None,
            suppressed: None,
            fix: None,
            source_line: line.trim_end_matches('\r').to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comments() {
        let (col, codes, reason) =
            comment_directive("    path: /x  # dockscape: ignore DS001,DS005 CI only")
                .unwrap_or_default();
        assert_eq!(col, 15);
        assert_eq!(codes, vec!["DS001", "DS005"]);
        assert_eq!(reason.as_deref(), Some("CI only"));
        let (_, codes, reason) =
            comment_directive("# dockscape: ignore runtime-socket-mount").unwrap_or_default();
        assert_eq!(codes, vec!["runtime-socket-mount"]);
        assert_eq!(reason, None);
        assert!(comment_directive("path: dockscape: ignore DS001 x").is_none());
    }
}
