//! YAML (and JSON) with positions: a flat arena tree built from saphyr-parser's events, one
//! document at a time, under budgets.
//!
//! Why not `saphyr::MarkedYaml`: its loader expands every alias into a copy (an alias bomb is
//! exponential memory) and builds hash maps we never need. Here an alias is a node pointing at its
//! anchor, children live in one shared vector, parents are kept so a field path is built only for
//! the few nodes a finding points at, and the arena is reused from one document to the next.

use std::borrow::Cow;
use std::cell::Cell;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// Index of a node in a [`Doc`].
pub(crate) type NodeId = u32;

/// "No node": the parent of a root, or a location without a node.
pub(crate) const NONE: NodeId = u32::MAX;

/// Largest input accepted, in bytes.
pub(crate) const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Deepest nesting accepted.
pub(crate) const MAX_DEPTH: usize = 512;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A scalar; its text is in `Node::text`.
    Scalar,
    /// A sequence; children are the items.
    Seq,
    /// A mapping; children alternate key, value.
    Map,
    /// An alias of the node in `Node::target`.
    Alias,
}

/// One node of the arena.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub kind: Kind,
    /// Plain (unquoted) scalar: `null`, `~` and the empty plain scalar mean null.
    pub plain: bool,
    /// Scalar text (empty for collections).
    pub text: Cow<'a, str>,
    /// 1-based line and column.
    pub line: u32,
    pub col: u32,
    /// Parent collection, or [`NONE`].
    pub parent: NodeId,
    /// In a sequence: the item index. In a mapping: for a value, the key node; for a key, [`NONE`].
    pub slot: u32,
    /// Children range in `Doc::children` (collections), or the alias target (aliases).
    pub first: u32,
    pub len: u32,
}

/// One parsed document.
#[derive(Debug, Default)]
pub(crate) struct Doc<'a> {
    pub nodes: Vec<Node<'a>>,
    pub children: Vec<NodeId>,
    /// Work done resolving aliases and iterating; bounded by `budget`.
    work: Cell<u64>,
    budget: u64,
    exceeded: Cell<bool>,
}

/// A parse failure: 1-based position and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// A budget (not a syntax error).
    pub budget: bool,
}

impl<'a> Doc<'a> {
    fn clear(&mut self) {
        self.nodes.clear();
        self.children.clear();
        self.work.set(0);
        self.exceeded.set(false);
    }

    /// The root node of the document, if it has one.
    pub fn root(&self) -> Option<NodeId> {
        if self.nodes.is_empty() { None } else { Some(0) }
    }

    /// The node, following aliases.
    pub fn node(&self, id: NodeId) -> Option<&Node<'a>> {
        let mut id = id;
        for _ in 0..64 {
            let n = self.nodes.get(id as usize)?;
            if n.kind != Kind::Alias {
                return Some(n);
            }
            self.charge(1);
            id = n.first;
        }
        None
    }

    /// The id, following aliases.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        let mut id = id;
        for _ in 0..64 {
            match self.nodes.get(id as usize) {
                Some(n) if n.kind == Kind::Alias => {
                    self.charge(1);
                    id = n.first;
                }
                _ => return id,
            }
        }
        NONE
    }

    /// Charge `n` units of work; once over budget every accessor returns nothing.
    fn charge(&self, n: u64) {
        let w = self.work.get().saturating_add(n);
        self.work.set(w);
        if w > self.budget {
            self.exceeded.set(true);
        }
    }

    /// Whether the work budget (alias expansion) ran out.
    pub fn exceeded(&self) -> bool {
        self.exceeded.get()
    }

    fn kids(&self, id: NodeId, kind: Kind) -> &[NodeId] {
        if self.exceeded.get() {
            return &[];
        }
        match self.node(id) {
            Some(n) if n.kind == kind => {
                let start = n.first as usize;
                let end = start + n.len as usize;
                let s = self.children.get(start..end).unwrap_or(&[]);
                if kind == Kind::Seq {
                    self.charge(s.len() as u64);
                }
                s
            }
            _ => &[],
        }
    }

    /// Items of a sequence (empty when `id` is not a sequence).
    pub fn items(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.kids(id, Kind::Seq).iter().copied()
    }

    /// Direct key/value pairs of a mapping, merge keys (`<<`) included as written.
    pub fn raw_pairs(&self, id: NodeId) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.kids(id, Kind::Map)
            .chunks_exact(2)
            .filter_map(|c| match c {
                [k, v] => Some((*k, *v)),
                _ => None,
            })
    }

    /// Key/value pairs of a mapping with YAML merge keys (`<<: *base`) applied: own keys first, then
    /// merged keys that are not overridden.
    pub fn pairs(&self, id: NodeId) -> Vec<(NodeId, NodeId)> {
        let mut out = Vec::new();
        self.collect_pairs(id, &mut out, 0);
        out
    }

    fn collect_pairs(&self, id: NodeId, out: &mut Vec<(NodeId, NodeId)>, depth: u32) {
        if depth > 16 {
            return;
        }
        let mut merges = Vec::new();
        for (k, v) in self.raw_pairs(id) {
            if self.is_merge_key(k) {
                merges.push(v);
                continue;
            }
            let kt = self.str(k).unwrap_or("");
            self.charge(1);
            if out.iter().any(|&(ok, _)| self.str(ok) == Some(kt)) {
                continue;
            }
            out.push((k, v));
        }
        for m in merges {
            let m = self.resolve(m);
            match self.node(m).map(|n| n.kind) {
                Some(Kind::Map) => self.collect_pairs(m, out, depth + 1),
                Some(Kind::Seq) => {
                    let items: Vec<NodeId> = self.items(m).collect();
                    for i in items {
                        self.collect_pairs(i, out, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    fn is_merge_key(&self, k: NodeId) -> bool {
        self.node(k)
            .is_some_and(|n| n.kind == Kind::Scalar && n.plain && n.text == "<<")
    }

    /// The value of `key` in mapping `id`, merge keys included.
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.get_depth(id, key, 0)
    }

    fn get_depth(&self, id: NodeId, key: &str, depth: u32) -> Option<NodeId> {
        if depth > 16 {
            return None;
        }
        self.charge(1);
        let mut merged = None;
        for (k, v) in self.raw_pairs(id) {
            let Some(kn) = self.node(k) else { continue };
            if kn.kind != Kind::Scalar {
                continue;
            }
            if kn.text == key {
                return Some(v);
            }
            if kn.plain && kn.text == "<<" {
                merged = Some(v);
            }
        }
        let m = self.resolve(merged?);
        match self.node(m)?.kind {
            Kind::Map => self.get_depth(m, key, depth + 1),
            Kind::Seq => self
                .items(m)
                .find_map(|i| self.get_depth(i, key, depth + 1)),
            _ => None,
        }
    }

    /// Follow a dotted path of mapping keys.
    pub fn path(&self, id: NodeId, keys: &[&str]) -> Option<NodeId> {
        keys.iter().try_fold(id, |n, k| self.get(n, k))
    }

    /// Scalar text, or `None` for collections and nulls.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        let n = self.node(id)?;
        if n.kind != Kind::Scalar || self.null_node(n) {
            return None;
        }
        Some(&n.text)
    }

    fn null_node(&self, n: &Node<'_>) -> bool {
        n.plain && matches!(&*n.text, "" | "~" | "null" | "Null" | "NULL")
    }

    /// Whether the node is a mapping.
    pub fn is_map(&self, id: NodeId) -> bool {
        self.node(id).is_some_and(|n| n.kind == Kind::Map)
    }

    /// Whether the node is a sequence.
    pub fn is_seq(&self, id: NodeId) -> bool {
        self.node(id).is_some_and(|n| n.kind == Kind::Seq)
    }

    /// 1-based line and column of a node (of the alias itself, not its target).
    pub fn pos(&self, id: NodeId) -> (u32, u32) {
        self.nodes
            .get(id as usize)
            .map_or((0, 0), |n| (n.line, n.col))
    }

    /// The field path of a node: `spec.volumes[0].hostPath.path`.
    pub fn field_path(&self, id: NodeId) -> String {
        use std::fmt::Write as _;
        // (key text, or item index) from the node up to the root
        let mut parts: Vec<Result<&str, u32>> = Vec::new();
        let mut cur = id;
        let mut guard = 0;
        while let Some(n) = self.nodes.get(cur as usize) {
            guard += 1;
            if guard > MAX_DEPTH + 2 {
                break;
            }
            let Some(parent) = self.nodes.get(n.parent as usize) else {
                break;
            };
            match parent.kind {
                Kind::Seq => parts.push(Err(n.slot)),
                // a key's path is its mapping's; a value's adds the key
                Kind::Map if n.slot != NONE => {
                    parts.push(Ok(self
                        .nodes
                        .get(n.slot as usize)
                        .map_or("?", |k| &*k.text)));
                }
                _ => {}
            }
            cur = n.parent;
        }
        let mut out = String::with_capacity(parts.len() * 12);
        for p in parts.iter().rev() {
            let _ = match p {
                Err(i) => write!(out, "[{i}]"),
                Ok(key) if needs_quoting(key) => write!(out, "[{key:?}]"),
                Ok(key) if out.is_empty() => write!(out, "{key}"),
                Ok(key) => write!(out, ".{key}"),
            };
        }
        out
    }
}

fn needs_quoting(key: &str) -> bool {
    key.is_empty() || key.contains(['.', '[', ']', ' ', '"'])
}

/// Builds documents from a text, reusing its buffers.
#[derive(Debug, Default)]
pub(crate) struct Loader<'a> {
    doc: Doc<'a>,
    /// (node, start in `pending`) for each open collection.
    stack: Vec<(NodeId, usize)>,
    pending: Vec<NodeId>,
    anchors: Vec<NodeId>,
}

impl<'a> Loader<'a> {
    /// Parse every document of `text`, calling `on_doc` for each complete one and `on_err` for
    /// each that fails. After a syntax error, parsing resumes at the next `---` line.
    pub fn run(
        &mut self,
        text: &'a str,
        mut on_doc: impl FnMut(&Doc<'a>, bool),
        mut on_err: impl FnMut(ParseError),
    ) {
        if text.len() > MAX_INPUT_BYTES {
            on_err(ParseError {
                line: 1,
                column: 1,
                message: format!(
                    "input is {} bytes, more than the {} byte limit",
                    text.len(),
                    MAX_INPUT_BYTES
                ),
                budget: true,
            });
            return;
        }
        let mut start = 0usize; // byte offset
        let mut line_offset = 0u32; // lines before `start`
        loop {
            let chunk = text.get(start..).unwrap_or("");
            let mut doc_start = line_offset as usize + 1;
            match self.parse_chunk(chunk, line_offset, &mut doc_start, &mut on_doc) {
                Ok(()) => return,
                Err(e) => {
                    // resume at the next document after the one that failed
                    let resume_after = doc_start;
                    on_err(e);
                    // find the next document marker after the error line
                    match next_doc_start(text, resume_after) {
                        Some((byte, line)) if byte > start => {
                            start = byte;
                            line_offset = line;
                        }
                        _ => return,
                    }
                }
            }
        }
    }

    fn parse_chunk(
        &mut self,
        chunk: &'a str,
        line_offset: u32,
        doc_start: &mut usize,
        on_doc: &mut impl FnMut(&Doc<'a>, bool),
    ) -> Result<(), ParseError> {
        let mut parser = Parser::new_from_str(chunk);
        self.reset();
        let mut explicit = false;
        // Budget for alias expansion and iteration, set per document once its size is known.
        while let Some(ev) = parser.next_event() {
            let (ev, span) = ev.map_err(|e| {
                let recursion = e.info().contains("recursion limit");
                ParseError {
                    line: e.marker().line() + line_offset as usize,
                    column: e.marker().col() + 1,
                    message: if recursion {
                        "nesting too deep (the parser's recursion limit)".to_string()
                    } else {
                        e.info().to_string()
                    },
                    budget: recursion,
                }
            })?;
            let line = span.start.line() as u32 + line_offset;
            let col = span.start.col() as u32 + 1;
            match ev {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => return Ok(()),
                Event::DocumentStart(e) => {
                    self.reset();
                    explicit = e;
                    *doc_start = line as usize;
                }
                Event::DocumentEnd => {
                    self.doc.budget = 4 * self.doc.nodes.len() as u64 + 100_000;
                    on_doc(&self.doc, explicit);
                    self.reset();
                }
                Event::Alias(anchor) => {
                    let target = self.anchors.get(anchor).copied().unwrap_or(NONE);
                    if target == NONE {
                        return Err(ParseError {
                            line: line as usize,
                            column: col as usize,
                            message: "alias of an unknown anchor".into(),
                            budget: false,
                        });
                    }
                    let id = self.push(Kind::Alias, false, Cow::Borrowed(""), line, col, 0);
                    if let Some(n) = self.doc.nodes.get_mut(id as usize) {
                        n.first = target;
                    }
                }
                Event::Scalar(text, style, anchor, _tag) => {
                    let plain = style == ScalarStyle::Plain;
                    self.push(Kind::Scalar, plain, text, line, col, anchor);
                }
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    let kind = if matches!(ev, Event::SequenceStart(..)) {
                        Kind::Seq
                    } else {
                        Kind::Map
                    };
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(ParseError {
                            line: line as usize,
                            column: col as usize,
                            message: format!("nesting deeper than {MAX_DEPTH} levels"),
                            budget: true,
                        });
                    }
                    let id = self.push(kind, false, Cow::Borrowed(""), line, col, anchor);
                    self.stack.push((id, self.pending.len()));
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some((id, from)) = self.stack.pop() else {
                        continue;
                    };
                    let first = self.doc.children.len() as u32;
                    let len = self.pending.len().saturating_sub(from) as u32;
                    self.doc.children.extend(self.pending.drain(from..));
                    if let Some(n) = self.doc.nodes.get_mut(id as usize) {
                        n.first = first;
                        n.len = len;
                    }
                }
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.doc.clear();
        self.stack.clear();
        self.pending.clear();
        self.anchors.clear();
    }

    fn push(
        &mut self,
        kind: Kind,
        plain: bool,
        text: Cow<'a, str>,
        line: u32,
        col: u32,
        anchor: usize,
    ) -> NodeId {
        let id = self.doc.nodes.len() as NodeId;
        let (parent, slot) = match self.stack.last() {
            Some(&(p, from)) => {
                let pos = self.pending.len().saturating_sub(from);
                let pk = self.doc.nodes.get(p as usize).map(|n| n.kind);
                match pk {
                    Some(Kind::Map) => {
                        if pos.is_multiple_of(2) {
                            (p, NONE)
                        } else {
                            (p, self.pending.last().copied().unwrap_or(NONE))
                        }
                    }
                    _ => (p, pos as u32),
                }
            }
            None => (NONE, 0),
        };
        self.doc.nodes.push(Node {
            kind,
            plain,
            text,
            line,
            col,
            parent,
            slot,
            first: 0,
            len: 0,
        });
        if self.stack.last().is_some() {
            self.pending.push(id);
        }
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, NONE);
            }
            if let Some(a) = self.anchors.get_mut(anchor) {
                *a = id;
            }
        }
        id
    }
}

/// Byte offset and 0-based line number of the first `---` line after 1-based line `after`.
fn next_doc_start(text: &str, after: usize) -> Option<(usize, u32)> {
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let lineno = i + 1;
        if lineno > after
            && line.starts_with("---")
            && line
                .get(3..)
                .is_none_or(|r| r.is_empty() || r.starts_with([' ', '\t', '\n', '\r']))
        {
            return Some((offset, i as u32));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> (Vec<String>, Vec<ParseError>) {
        let mut out = Vec::new();
        let mut errs = Vec::new();
        let mut l = Loader::default();
        l.run(
            text,
            |d, _| {
                let root = d.root().unwrap_or(NONE);
                out.push(
                    d.str(d.get(root, "a").unwrap_or(NONE))
                        .unwrap_or("-")
                        .to_string(),
                );
            },
            |e| errs.push(e),
        );
        (out, errs)
    }

    #[test]
    fn multi_document_with_a_broken_one() {
        let (d, e) = docs("a: 1\n---\na: [\n---\na: 3\n");
        assert_eq!(d, vec!["1", "3"]);
        assert_eq!(e.len(), 1);
        assert!(e[0].line >= 3, "{e:?}");
    }

    #[test]
    fn positions_and_paths() {
        let text = "spec:\n  volumes:\n    - name: x\n      hostPath:\n        path: /var/run\n";
        let mut l = Loader::default();
        let mut seen = None;
        l.run(
            text,
            |d, _| {
                let p = d.path(0, &["spec", "volumes"]).unwrap_or(NONE);
                let item = d.items(p).next().unwrap_or(NONE);
                let path = d.path(item, &["hostPath", "path"]).unwrap_or(NONE);
                seen = Some((
                    d.pos(path),
                    d.field_path(path),
                    d.str(path).map(str::to_string),
                ));
            },
            |_| {},
        );
        assert_eq!(
            seen,
            Some((
                (5, 15),
                "spec.volumes[0].hostPath.path".to_string(),
                Some("/var/run".into())
            ))
        );
    }

    #[test]
    fn merge_keys() {
        let (d, _) = docs("b: &b {a: 7}\nc: {<<: *b}\n");
        assert_eq!(d, vec!["-"]);
        let mut l = Loader::default();
        let mut got = None;
        l.run(
            "b: &b {a: 7}\nc:\n  <<: *b\n  z: 1\n",
            |d, _| {
                let c = d.get(0, "c").unwrap_or(NONE);
                got = d.str(d.get(c, "a").unwrap_or(NONE)).map(str::to_string);
                assert_eq!(d.pairs(c).len(), 2);
            },
            |_| {},
        );
        assert_eq!(got.as_deref(), Some("7"));
    }

    #[test]
    fn deep_nesting_is_a_budget_error() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let (_, e) = docs(&text);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].budget && e[0].message.contains("nesting too deep"),
            "{e:?}"
        );
    }

    #[test]
    fn json_positions() {
        let text = "{\n  \"a\": \"x\"\n}\n";
        let mut l = Loader::default();
        let mut pos = None;
        l.run(text, |d, _| pos = d.get(0, "a").map(|v| d.pos(v)), |_| {});
        assert_eq!(pos, Some((2, 8)));
    }
}
