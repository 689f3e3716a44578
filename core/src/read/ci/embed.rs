//! Text embedded in a CI file (a `docker run` line in a YAML scalar) is read on its own, with the
//! map of its characters back to where the text sits in the file.

use crate::read::context::{Lines, PosMap, table_pos};
use crate::read::source::{Doc, Loader, NodeId};
use crate::read::{ReadError, Sink, k8s, run};

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
    shell_text(doc, id, text, None, sink);
}

/// Read the `docker run` lines of `text`, the shell text of scalar `id` (its own text, or one
/// derived from it character by character), placed in the file.
pub(crate) fn shell_text(
    doc: &Doc<'_>,
    id: NodeId,
    text: &str,
    derived: Option<&[u32]>,
    sink: &mut dyn Sink,
) {
    if !run::mentions_runtime(text) {
        return;
    }
    let (unit, errors) = run::read(text);
    if unit.workloads.is_empty() && errors.is_empty() {
        return;
    }
    let (line, col) = doc.pos(id);
    let written = doc.str(id).unwrap_or(text);
    let first = written.lines().next().unwrap_or("");
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
    // a derived one-line text whose scalar is written as is: each character's own place
    let rows: Vec<Vec<(u32, u32)>>;
    let map = match (derived, offset) {
        (Some(from), Some(off)) if !written.contains('\n') => {
            rows = vec![
                from.iter()
                    .map(|&i| (line, col + off + i))
                    .collect::<Vec<_>>(),
            ];
            PosMap::Table(&rows)
        }
        _ => PosMap::Scalar {
            line,
            col,
            offset: offset.filter(|_| derived.is_none()),
            text,
        },
    };
    if !unit.workloads.is_empty() {
        sink.embedded(&unit, None, text, &map);
    }
    place_errors(sink, &map, errors, "in this script");
}

/// One word of an argument vector a container runs (no shell between): from YAML node `id` (a
/// virtual word, the image's entrypoint's `docker`, stands at the first argument), its text, and
/// what it is as written for the `docker run` reader (`"${VAR}"` where the value is not known).
pub(crate) struct Arg {
    pub id: NodeId,
    pub text: String,
    pub written: String,
}

/// Read the `docker run` an argument vector runs (`[docker, run, --privileged, …]`), each word
/// where it is written.
pub(crate) fn argv(doc: &Doc<'_>, args: &[Arg], sink: &mut dyn Sink) {
    if !args.iter().any(|a| run::mentions_runtime(&a.text)) {
        return;
    }
    let words: Vec<run::ArgWord> = args
        .iter()
        .map(|a| {
            let (line, col) = doc.pos(a.id);
            // a quoted scalar's text starts after its quote
            let quoted = sink
                .line(line as usize)
                .chars()
                .nth(col.saturating_sub(1) as usize)
                .is_some_and(|c| c == '"' || c == '\'');
            run::ArgWord {
                text: a.text.clone(),
                written: a.written.clone(),
                line,
                col: col + u32::from(quoted),
            }
        })
        .collect();
    let (unit, errors) = run::read_argv(words);
    if !unit.workloads.is_empty() {
        sink.unit(&unit, None);
    }
    for e in errors {
        sink.error(ReadError {
            message: format!("in this command: {}", e.message),
            ..e
        });
    }
}

/// What a Kubernetes argument (`$(VAR)`, from the container's environment) is as written for the
/// `docker run` reader: `$(VAR)` an expansion nobody knows, one word (`"${VAR}"`); the rest
/// literal.
pub(crate) fn k8s_written(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("$$") {
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix("$(")
            && let Some(end) = after.find(')')
            && let Some(name) = after.get(..end)
            && !name.is_empty()
            && name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            out.push_str("${");
            out.push_str(name);
            out.push('}');
            rest = after.get(end + 1..).unwrap_or("");
            continue;
        }
        if !matches!(c, '$' | '`' | '"' | '\'' | '\\') {
            out.push(c);
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out.push('"');
    out
}

/// Where each character of the text of scalar `id` is in the file: each line of the text found
/// on its own line of the file, in order (a block scalar's lines, indented; a one-line scalar
/// after its key), else at the scalar's start.
fn scalar_rows(doc: &Doc<'_>, id: NodeId, text: &str, sink: &mut dyn Sink) -> Vec<Vec<(u32, u32)>> {
    let (hl, hc) = doc.pos(id);
    let mut rows = Vec::new();
    let mut next = hl as usize;
    for tl in text.split('\n') {
        if tl.trim().is_empty() {
            rows.push(Vec::new());
            if next > hl as usize {
                next += 1;
            }
            continue;
        }
        let mut found = None;
        for cand in next..next + 4 {
            let src = sink.line(cand);
            if let Some(b) = src.find(tl)
                && (cand == hl as usize || src.get(..b).is_some_and(|p| p.trim().is_empty()))
            {
                let c = src.get(..b).map_or(0, |p| p.chars().count()) + 1;
                found = Some((cand, c));
                break;
            }
        }
        match found {
            Some((l, c)) => {
                let (l, c) = (u32::try_from(l).unwrap_or(0), u32::try_from(c).unwrap_or(0));
                rows.push((0..tl.chars().count()).map(|k| (l, c + k as u32)).collect());
                next = l as usize + 1;
            }
            None => rows.push(tl.chars().map(|_| (hl, hc)).collect()),
        }
    }
    rows
}

/// Read the YAML string of scalar `id` (an Argo `resource.manifest`) as Kubernetes YAML: its
/// objects linted, their findings and input errors placed in the file.
pub(crate) fn yaml_scalar(doc: &Doc<'_>, id: NodeId, sink: &mut dyn Sink) {
    let Some(text) = doc.str(id) else { return };
    let rows = scalar_rows(doc, id, text, sink);
    let map = PosMap::Table(&rows);
    let start = doc.pos(id);
    let place = |l: usize, c: usize| -> (Option<usize>, Option<usize>) {
        let (l, c) = table_pos(&rows, l, c).unwrap_or((start.0 as usize, start.1 as usize));
        (Some(l), Some(c))
    };
    let mut errors: Vec<ReadError> = Vec::new();
    let mut parse_errors: Vec<ReadError> = Vec::new();
    let mut loader = Loader::default();
    loader.run(
        text,
        |inner, _| {
            let unit = k8s::unit(inner);
            for (l, c, message) in inner.take_problems() {
                let (line, column) = place(l as usize, c as usize);
                errors.push(ReadError {
                    line,
                    column,
                    message: format!("in the resource manifest: {message}"),
                });
            }
            if inner.exceeded() {
                let (line, column) = place(1, 1);
                errors.push(ReadError {
                    line,
                    column,
                    message: "in the resource manifest: document expands too many aliases (alias budget exceeded)".into(),
                });
                return;
            }
            if !unit.workloads.is_empty() {
                sink.embedded(&unit, Some(inner), text, &map);
            }
        },
        |e| {
            let (line, column) = place(e.line, e.column);
            parse_errors.push(ReadError {
                line,
                column,
                message: format!("in the resource manifest: {}", e.message),
            });
        },
    );
    for e in parse_errors.into_iter().chain(errors) {
        sink.error(e);
    }
}
