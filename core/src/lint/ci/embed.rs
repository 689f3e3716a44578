//! Text embedded in a CI file (a Pod YAML in a Groovy string, a `docker run` line in a YAML
//! scalar) is linted on its own, then every finding and workload is moved back to where the text
//! sits in the file: line, column, the code frame's line, and inline suppressions there.

use super::super::ir::Unit;
use super::super::registry::Rule;
use super::super::source::{Doc, NodeId};
use super::super::{FileCtx, LintReport, process, run, suppress};

/// Where the characters of an embedded text are in the file.
pub(super) enum PosMap<'m> {
    /// Per embedded line, each character's 1-based (line, column) in the file.
    Table(&'m [Vec<(u32, u32)>]),
    /// A YAML scalar whose node is at (`line`, `col`): `offset` is set when its first line is
    /// written as is from there (plain, or quoted without escapes: 1), so its columns map exactly;
    /// anything else (a block scalar, folded lines) is found by searching the words.
    Scalar {
        line: u32,
        col: u32,
        offset: Option<u32>,
        text: &'m str,
    },
}

impl PosMap<'_> {
    fn map(&self, ctx: &mut FileCtx<'_>, line: usize, col: usize) -> (usize, usize) {
        match self {
            PosMap::Table(rows) => {
                let row = line.checked_sub(1).and_then(|l| rows.get(l));
                let hit = row.and_then(|r| {
                    col.checked_sub(1)
                        .and_then(|c| r.get(c))
                        .copied()
                        .or_else(|| r.last().map(|&(l, c)| (l, c + 1)))
                });
                hit.map_or((0, 0), |(l, c)| (l as usize, c as usize))
            }
            PosMap::Scalar {
                line: nl,
                col: nc,
                offset,
                text,
            } => {
                if line == 1
                    && let Some(off) = offset
                {
                    return (
                        *nl as usize,
                        (*nc as usize + *off as usize + col).saturating_sub(1),
                    );
                }
                let word: String = text
                    .lines()
                    .nth(line.saturating_sub(1))
                    .unwrap_or("")
                    .chars()
                    .skip(col.saturating_sub(1))
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                if !word.is_empty() {
                    let span = text.lines().count() + 2;
                    for l in *nl as usize..*nl as usize + span {
                        let src = ctx.line(l);
                        if let Some(b) = src.find(word.as_str()) {
                            let c = src.get(..b).map_or(0, |s| s.chars().count()) + 1;
                            return (l, c);
                        }
                    }
                }
                (*nl as usize, *nc as usize)
            }
        }
    }
}

/// Lint `unit` (built from the embedded `text`, and from `doc` when it is YAML) and move what it
/// found back into the file.
#[allow(clippy::too_many_arguments)]
pub(super) fn process_embedded(
    unit: &Unit<'_>,
    doc: Option<&Doc<'_>>,
    text: &str,
    rules: &[&'static dyn Rule],
    ctx: &mut FileCtx<'_>,
    report: &mut LintReport,
    map: &PosMap<'_>,
) {
    let fstart = report.findings.len();
    let wstart = report.workloads.len();
    let mut ectx = FileCtx {
        file: ctx.file,
        text,
        lines: None,
        has_directives: None,
    };
    process(unit, doc, rules, &mut ectx, report);
    for f in report.findings.iter_mut().skip(fstart) {
        // a pipeline step added to an embedded Pod's container is already placed in the file
        if f.line > 0 && f.path != super::jenkins::SH_FIELD {
            let (l, c) = map.map(ctx, f.line, f.column);
            f.line = l;
            f.column = c;
        }
        f.source_line = ctx.line(f.line).to_string();
        if f.suppressed.is_none()
            && let Some(r) = rules.iter().find(|r| r.meta().code == f.code)
        {
            f.suppressed = suppress::inline_for(ctx, f.line, r.meta());
        }
    }
    let mut renames: Vec<(String, String)> = Vec::new();
    for w in report.workloads.iter_mut().skip(wstart) {
        let old_line = w.line;
        if w.line > 0 {
            w.line = map.map(ctx, w.line, 1).0;
        }
        // a `docker run` without `--name` is named by its line
        if w.kind == "run" && w.name == format!("line {old_line}") {
            let old = w.workload.clone();
            w.name = format!("line {}", w.line);
            w.workload = format!("run/{}", w.name);
            renames.push((old, w.workload.clone()));
        }
    }
    for f in report.findings.iter_mut().skip(fstart) {
        if let Some(label) = &f.workload
            && let Some((_, new)) = renames.iter().find(|(old, _)| old == label)
        {
            f.workload = Some(new.clone());
        }
    }
}

/// Lint the `docker run` lines of one YAML scalar (a CI script line).
pub(super) fn shell_scalar(
    doc: &Doc<'_>,
    id: NodeId,
    rules: &[&'static dyn Rule],
    ctx: &mut FileCtx<'_>,
    report: &mut LintReport,
) {
    let Some(text) = doc.str(id) else { return };
    if !text.contains("docker") {
        return;
    }
    let unit = run::unit(text);
    if unit.workloads.is_empty() {
        return;
    }
    let (line, col) = doc.pos(id);
    let first = text.lines().next().unwrap_or("");
    let src: String = ctx
        .line(line as usize)
        .chars()
        .skip(col.saturating_sub(1) as usize)
        .collect();
    let offset = if src.starts_with(first) {
        Some(0)
    } else if src
        .get(1..)
        .is_some_and(|s| s.starts_with(first) && src.starts_with(['"', '\'']))
    {
        Some(1)
    } else {
        None
    };
    let map = PosMap::Scalar {
        line,
        col,
        offset,
        text,
    };
    process_embedded(&unit, None, text, rules, ctx, report, &map);
}

/// Every character of `text` with its 1-based line and column.
pub(super) fn positions(text: &str) -> Vec<(char, u32, u32)> {
    let mut chars: Vec<(char, u32, u32)> = Vec::with_capacity(text.len());
    let (mut line, mut col) = (1u32, 1u32);
    for ch in text.chars() {
        chars.push((ch, line, col));
        if ch == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    chars
}
