//! Findings of text embedded in a file (a Pod YAML in a Groovy string, a `docker run` line in a
//! YAML scalar) are found on the embedded text alone, then every finding and workload is moved back
//! to where the text sits in the file: line, column, the code frame's line, and inline suppressions
//! there.

use super::registry::Rule;
use super::types::LintReport;
use super::{process, suppress};
use crate::read::context::{FileCtx, PosMap};
use crate::read::ir::Unit;
use crate::read::source::Doc;

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
    process(unit, doc, rules, &mut ectx, report, false);
    for f in report.findings.iter_mut().skip(fstart) {
        // a pipeline step added to an embedded Pod's container is already placed in the file
        if f.line > 0 && f.path != crate::read::ci::SH_FIELD {
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
