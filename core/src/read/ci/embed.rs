//! Text embedded in a CI file (a `docker run` line in a YAML scalar) is read on its own, with the
//! map of its characters back to where the text sits in the file.

use crate::read::context::{Lines, PosMap};
use crate::read::source::{Doc, NodeId};
use crate::read::{ReadError, Sink, run};

/// A sink's lines, to place embedded text.
struct SinkLines<'s>(&'s mut dyn Sink);

impl Lines for SinkLines<'_> {
    fn text_of(&mut self, n: usize) -> &str {
        self.0.line(n)
    }
}

/// Hand the errors of embedded text to `sink`, each placed in the file by `map` (`what` names the
/// embedding, for the message).
pub(crate) fn place_errors(
    sink: &mut dyn Sink,
    map: &PosMap<'_>,
    errors: Vec<ReadError>,
    what: &str,
) {
    for e in errors {
        let (line, column) = match (e.line, e.column) {
            (Some(l), c) => {
                let (l, c) = map.map(&mut SinkLines(sink), l, c.unwrap_or(1));
                (Some(l).filter(|&l| l > 0), Some(c).filter(|&c| c > 0))
            }
            (None, c) => (None, c),
        };
        sink.error(ReadError {
            line,
            column,
            message: format!("{what}: {}", e.message),
        });
    }
}

/// Read the `docker run` lines of one YAML scalar (a CI script line) as embedded text.
pub(crate) fn shell_scalar(doc: &Doc<'_>, id: NodeId, sink: &mut dyn Sink) {
    let Some(text) = doc.str(id) else { return };
    if !run::mentions_runtime(text) {
        return;
    }
    let (unit, errors) = run::read(text);
    if unit.workloads.is_empty() && errors.is_empty() {
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
    if !unit.workloads.is_empty() {
        sink.embedded(&unit, None, text, &map);
    }
    place_errors(sink, &map, errors, "in this script");
}
