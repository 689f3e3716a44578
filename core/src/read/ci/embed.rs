//! Text embedded in a CI file (a `docker run` line in a YAML scalar) is read on its own, with the
//! map of its characters back to where the text sits in the file.

use crate::read::Sink;
use crate::read::context::PosMap;
use crate::read::run;
use crate::read::source::{Doc, NodeId};

/// Read the `docker run` lines of one YAML scalar (a CI script line) as embedded text.
pub(crate) fn shell_scalar(doc: &Doc<'_>, id: NodeId, sink: &mut dyn Sink) {
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
    let src: String = sink
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
    sink.embedded(&unit, None, text, &map);
}
