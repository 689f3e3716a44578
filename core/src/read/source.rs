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

/// Largest document accepted, in characters (64 Mi; the parser counts characters, so a document
/// refused is at least 64 MiB). The budget is per document, not per input: a stream of any length
/// is read one document at a time, each under it.
pub(crate) const MAX_DOC_CHARS: usize = 64 * 1024 * 1024;
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

/// The tag of a node, as far as reading it goes (YAML 1.1 core tags; any other is `Other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Tag {
    /// No tag: a plain scalar is resolved by its text, a quoted one is a string.
    #[default]
    None,
    /// `!!str`
    Str,
    /// `!!bool`
    Bool,
    /// `!!int`
    Int,
    /// `!!float`
    Float,
    /// `!!null`
    Null,
    /// `!!timestamp`
    Timestamp,
    /// Any other tag (`!foo`, `!`, `!!binary`, ...): go-yaml v2 keeps the text as a string.
    Other,
}

impl Tag {
    fn of(tag: Option<&saphyr_parser::Tag>) -> Tag {
        let Some(t) = tag else { return Tag::None };
        if !t.is_yaml_core_schema() {
            return Tag::Other;
        }
        match t.suffix.as_str() {
            "str" => Tag::Str,
            "bool" => Tag::Bool,
            "int" => Tag::Int,
            "float" => Tag::Float,
            "null" => Tag::Null,
            "timestamp" => Tag::Timestamp,
            _ => Tag::Other,
        }
    }
}

/// A scalar as go-yaml v2 (YAML 1.1, what `sigs.k8s.io/yaml` decodes Kubernetes objects with)
/// resolves it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar<'x> {
    /// `null`, `~`, empty.
    Null,
    /// `true`/`false` and the YAML 1.1 words (`yes`, `on`, `y`, ...).
    Bool(bool),
    /// An integer (decimal, `0x`, `0o`, `0b`, leading-zero octal, `_` separators).
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// A float (`1.5`, `1e3`, `.inf`, `.nan`).
    Float(f64),
    /// Anything else, quoted scalars and `!!str` included; timestamps are kept as their text.
    Str(&'x str),
}

/// A plain scalar's boolean value in YAML 1.1 as go-yaml v2 reads it.
pub(crate) fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

fn yaml11_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// An integer as Go's `strconv.ParseInt(s, 0, 64)` reads it after go-yaml v2 removed every `_`.
fn go_int(text: &str) -> Option<Scalar<'static>> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match plain.as_bytes().first() {
        Some(b'-') => (true, plain.get(1..)?),
        Some(b'+') => (false, plain.get(1..)?),
        _ => (false, plain.as_str()),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..)?)
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = u128::from_str_radix(digits, radix).ok()?;
    if neg {
        let v = i128::try_from(mag).ok()?.checked_neg()?;
        i64::try_from(v).ok().map(Scalar::Int)
    } else if let Ok(v) = i64::try_from(mag) {
        Some(Scalar::Int(v))
    } else {
        u64::try_from(mag).ok().map(Scalar::UInt)
    }
}

/// A float as go-yaml v2 reads one: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (after
/// removing `_`), or one of the `.inf`/`.nan` words.
fn go_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let b = plain.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    } else {
        if digits(&mut i) == 0 {
            return None;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    plain.parse().ok()
}

/// Resolve a scalar's text the way go-yaml v2 does, given its tag and whether it was plain.
pub(crate) fn resolve_scalar<'x>(text: &'x str, plain: bool, tag: Tag) -> Scalar<'x> {
    match tag {
        Tag::Str | Tag::Other | Tag::Timestamp => return Scalar::Str(text),
        Tag::None if !plain => return Scalar::Str(text),
        _ => {}
    }
    if yaml11_null(text) && matches!(tag, Tag::None | Tag::Null) {
        return Scalar::Null;
    }
    if let Some(b) = yaml11_bool(text) {
        return Scalar::Bool(b);
    }
    // go-yaml v2 tries numbers only for text starting with a sign, a digit or a dot
    if !text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Scalar::Str(text);
    }
    if let Some(i) = go_int(text) {
        return match (tag, i) {
            (Tag::Float, Scalar::Int(v)) => Scalar::Float(v as f64),
            (Tag::Float, Scalar::UInt(v)) => Scalar::Float(v as f64),
            _ => i,
        };
    }
    if let Some(f) = go_float(text) {
        return Scalar::Float(f);
    }
    Scalar::Str(text)
}

/// One node of the arena.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub kind: Kind,
    /// Plain (unquoted) scalar: `null`, `~` and the empty plain scalar mean null.
    pub plain: bool,
    /// The node's tag.
    pub tag: Tag,
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
    /// Byte span (start, end) of each node in the whole input text, parallel to `nodes`. A block
    /// collection ends where its last child ends; a flow collection after its closing bracket.
    pub spans: Vec<(u32, u32)>,
    /// Work done resolving aliases and iterating; bounded by `budget`.
    work: Cell<u64>,
    budget: u64,
    exceeded: Cell<bool>,
    /// Keys that repeat an earlier key of the same mapping: (the repeated key, the earlier one).
    pub dups: Vec<(NodeId, NodeId)>,
    /// Input errors the readers found in this document (a field of the wrong type, a duplicate
    /// key): 1-based line, column, message. The pipeline takes them with [`Doc::take_problems`].
    problems: std::cell::RefCell<Vec<(u32, u32, String)>>,
    /// When the text is item `n` of a `kind: List` document's `items`, cut out of its stream: every
    /// field path starts with `items[n]`, as in the whole document.
    item: Option<usize>,
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
        self.spans.clear();
        self.work.set(0);
        self.exceeded.set(false);
        self.dups.clear();
        self.problems.borrow_mut().clear();
    }

    /// The key `k` as the API machinery names it (`sigs.k8s.io/yaml` turns a non-string key into
    /// its JSON text): `'on'` is the key `on`, a plain `on` is the key `true`.
    pub fn key_name(&self, k: NodeId) -> Option<Cow<'_, str>> {
        let n = self.node(k)?;
        if n.kind != Kind::Scalar {
            return None;
        }
        Some(match resolve_scalar(&n.text, n.plain, n.tag) {
            Scalar::Str(s) => Cow::Borrowed(s),
            Scalar::Null => Cow::Borrowed("null"),
            s => match scalar_json(s) {
                serde_json::Value::String(s) => Cow::Owned(s),
                other => Cow::Owned(other.to_string()),
            },
        })
    }

    /// Record an input error at node `id`.
    pub fn problem(&self, id: NodeId, message: String) {
        let (line, col) = self.pos(id);
        if let Ok(mut p) = self.problems.try_borrow_mut() {
            p.push((line, col, message));
        }
    }

    /// The input errors recorded so far (once each, in position order).
    pub fn take_problems(&self) -> Vec<(u32, u32, String)> {
        let mut p = self
            .problems
            .try_borrow_mut()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        p.sort();
        p.dedup();
        p
    }

    /// The scalar `id` (aliases followed) as go-yaml v2 resolves it; `None` for collections.
    pub fn scalar(&self, id: NodeId) -> Option<Scalar<'_>> {
        let n = self.node(id)?;
        if n.kind != Kind::Scalar {
            return None;
        }
        Some(resolve_scalar(&n.text, n.plain, n.tag))
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
    pub fn raw_pairs(&self, id: NodeId) -> impl DoubleEndedIterator<Item = (NodeId, NodeId)> + '_ {
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
        let before = out.len();
        // own keys, the last of duplicates winning, in the order of their last occurrence
        let mut own = Vec::new();
        for (k, v) in self.raw_pairs(id).rev() {
            if self.is_merge_key(k) {
                merges.push(v);
                continue;
            }
            let kt = self.key_name(k);
            self.charge(1);
            if out
                .iter()
                .chain(own.iter())
                .any(|&(ok, _)| self.key_name(ok) == kt)
            {
                continue;
            }
            own.push((k, v));
        }
        own.reverse();
        merges.reverse();
        out.splice(before..before, own);
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

    /// The document as go-yaml v2 and `sigs.k8s.io/yaml` hand it to the API machinery, as JSON:
    /// YAML 1.1 scalars, merge keys applied, duplicate keys last-wins, keys as strings.
    pub fn to_json(&self, id: NodeId) -> serde_json::Value {
        self.json_depth(id, 0)
    }

    fn json_depth(&self, id: NodeId, depth: usize) -> serde_json::Value {
        use serde_json::Value as J;
        if depth > MAX_DEPTH * 2 || self.exceeded() {
            return J::Null;
        }
        self.charge(1);
        let Some(n) = self.node(id) else {
            return J::Null;
        };
        match n.kind {
            Kind::Scalar | Kind::Alias => match self.scalar(id) {
                Some(s) => scalar_json(s),
                None => J::Null,
            },
            Kind::Seq => J::Array(
                self.items(id)
                    .map(|i| self.json_depth(i, depth + 1))
                    .collect(),
            ),
            Kind::Map => {
                let mut m = serde_json::Map::new();
                for (k, v) in self.pairs(id) {
                    let key = match self.key_name(k) {
                        Some(s) => s.into_owned(),
                        None => self.json_depth(k, depth + 1).to_string(),
                    };
                    m.insert(key, self.json_depth(v, depth + 1));
                }
                J::Object(m)
            }
        }
    }

    /// The value of `key` in mapping `id`, merge keys included.
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.get_depth(id, key, 0)
    }

    /// The first value written for `key` in mapping `id` (of duplicate keys the first one wins,
    /// as yaml.v3 readers that keep the first do), else [`Doc::get`] (merge keys included).
    pub fn get_first(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.raw_pairs(id)
            .find(|&(k, _)| self.str(k) == Some(key))
            .map(|(_, v)| v)
            .or_else(|| self.get(id, key))
    }

    fn get_depth(&self, id: NodeId, key: &str, depth: u32) -> Option<NodeId> {
        if depth > 16 {
            return None;
        }
        self.charge(1);
        let mut merged = None;
        // from the end: of duplicate keys the last one wins (go-yaml v2, PyYAML)
        for (k, v) in self.raw_pairs(id).rev() {
            let Some(kn) = self.node(k) else { continue };
            if kn.kind != Kind::Scalar {
                continue;
            }
            if kn.text == key && !(kn.plain && kn.text == "<<") {
                return Some(v);
            }
            if merged.is_none() && kn.plain && kn.text == "<<" {
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

    /// Byte span (start, end) of a node (of the alias itself, not its target) in the input text.
    pub fn span(&self, id: NodeId) -> Option<(u32, u32)> {
        self.spans.get(id as usize).copied()
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
        if let Some(i) = self.item {
            let _ = write!(out, "items[{i}]");
        }
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

fn scalar_json(s: Scalar<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match s {
        Scalar::Null => J::Null,
        Scalar::Bool(b) => J::Bool(b),
        Scalar::Int(i) => J::from(i),
        Scalar::UInt(u) => J::from(u),
        // JSON has no infinity or NaN: their YAML text
        Scalar::Float(f) => {
            serde_json::Number::from_f64(f).map_or_else(|| J::String(format!("{f}")), J::Number)
        }
        Scalar::Str(t) => J::String(t.to_string()),
    }
}

/// Length and first, second and last bytes of a key name: equal names have equal fingerprints.
fn fingerprint(name: &str) -> u64 {
    let b = name.as_bytes();
    let byte = |i: usize| u64::from(b.get(i).copied().unwrap_or(0));
    ((b.len() as u64) << 24) | (byte(0) << 16) | (byte(1) << 8) | byte(b.len().wrapping_sub(1))
}

/// Builds documents from a text, reusing its buffers.
#[derive(Debug, Default)]
pub(crate) struct Loader<'a> {
    doc: Doc<'a>,
    /// (node, start in `pending`) for each open collection.
    stack: Vec<(NodeId, usize)>,
    pending: Vec<NodeId>,
    anchors: Vec<NodeId>,
    /// Byte span of the event being read, for [`Loader::push`].
    span: (u32, u32),
    /// Converts the parser's character indices into byte offsets of the input.
    bytes: ByteIndex,
    /// The per-document budget in characters; 0 is [`MAX_DOC_CHARS`] (tests set a small one).
    max_doc_chars: usize,
    /// Scratch for [`Loader::find_dups`]: (fingerprint, key) of one mapping's keys.
    dup_keys: Vec<(u64, NodeId)>,
}

/// Turns the parser's character indices in a chunk into byte offsets of the whole input: the
/// identity plus the chunk's offset for ASCII text, else a walk from the last position converted
/// (events come almost in text order, so the walk is short).
#[derive(Debug, Default)]
struct ByteIndex {
    /// Byte offset of the chunk in the whole input.
    base: u32,
    ascii: bool,
    /// Last (character index, byte offset in the chunk) converted.
    at: (usize, usize),
}

impl ByteIndex {
    fn reset(&mut self, chunk: &str, base: usize) {
        self.base = u32::try_from(base).unwrap_or(u32::MAX);
        self.ascii = chunk.is_ascii();
        self.at = (0, 0);
    }

    fn byte(&mut self, chunk: &str, index: usize) -> u32 {
        let local = if self.ascii {
            index.min(chunk.len())
        } else {
            let (mut ci, mut bi) = self.at;
            while ci < index && bi < chunk.len() {
                bi += chunk
                    .get(bi..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                ci += 1;
            }
            while ci > index && bi > 0 {
                bi -= 1;
                while bi > 0 && !chunk.is_char_boundary(bi) {
                    bi -= 1;
                }
                ci -= 1;
            }
            self.at = (ci, bi);
            bi
        };
        self.base
            .saturating_add(u32::try_from(local).unwrap_or(u32::MAX))
    }
}

impl<'a> Loader<'a> {
    /// Read the text as item `item` of a List's `items` (field paths start with `items[n]`).
    pub fn set_item(&mut self, item: Option<usize>) {
        self.doc.item = item;
    }

    /// Parse every document of `text`, calling `on_doc` for each complete one and `on_err` for
    /// each that fails. After a syntax error, parsing resumes at the next `---` line.
    pub fn run(
        &mut self,
        text: &'a str,
        mut on_doc: impl FnMut(&Doc<'a>, bool),
        mut on_err: impl FnMut(ParseError),
    ) {
        let mut start = 0usize; // byte offset
        let mut line_offset = 0u32; // lines before `start`
        loop {
            let chunk = text.get(start..).unwrap_or("");
            let mut doc_start = line_offset as usize + 1;
            self.bytes.reset(chunk, start);
            match self.parse_chunk(chunk, line_offset, &mut doc_start, &mut on_doc) {
                Ok(()) => return,
                Err(e) => {
                    // resume at the next document after the one that failed
                    let resume_after = doc_start;
                    on_err(e);
                    // find the next document marker after the error line
                    match next_doc_start(text, start, line_offset, resume_after) {
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
        let limit = if self.max_doc_chars == 0 {
            MAX_DOC_CHARS
        } else {
            self.max_doc_chars
        };
        // where the current document starts, in characters of `chunk`
        let mut doc_from = 0usize;
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
            if span.end.index().saturating_sub(doc_from) > limit {
                return Err(ParseError {
                    line: *doc_start,
                    column: 1,
                    message: format!(
                        "document is more than {limit} characters long (the per-document budget); \
                         split it into several documents"
                    ),
                    budget: true,
                });
            }
            self.span = (
                self.bytes.byte(chunk, span.start.index()),
                self.bytes.byte(chunk, span.end.index()),
            );
            match ev {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => return Ok(()),
                Event::DocumentStart(e) => {
                    self.reset();
                    explicit = e;
                    doc_from = span.start.index();
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
                Event::Scalar(text, style, anchor, tag) => {
                    let plain = style == ScalarStyle::Plain;
                    if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                        self.span.1 = block_scalar_end(chunk, self.bytes.base, self.span);
                    }
                    let id = self.push(Kind::Scalar, plain, text, line, col, anchor);
                    let tag = Tag::of(tag.as_deref());
                    if tag != Tag::None
                        && let Some(n) = self.doc.nodes.get_mut(id as usize)
                    {
                        n.tag = tag;
                    }
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
                    if kind == Kind::Seq {
                        // an indentless block sequence (`key:\n- a`) is marked at its first
                        // item: its span starts at the item's `-`
                        self.span.0 = dash_before(chunk, self.bytes.base, self.span.0);
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
                    if matches!(ev, Event::MappingEnd) {
                        self.find_dups(from);
                    }
                    self.doc.children.extend(self.pending.drain(from..));
                    if let Some(n) = self.doc.nodes.get_mut(id as usize) {
                        n.first = first;
                        n.len = len;
                    }
                    // a flow collection ends after its bracket, a block one with its last child
                    let end = if self.span.1 > self.span.0 {
                        Some(self.span.1)
                    } else {
                        self.doc
                            .children
                            .last()
                            .filter(|_| len > 0)
                            .and_then(|&c| self.doc.spans.get(c as usize))
                            .map(|s| s.1)
                    };
                    if let (Some(end), Some(s)) = (end, self.doc.spans.get_mut(id as usize)) {
                        s.1 = end.max(s.0);
                    }
                }
            }
        }
        Ok(())
    }

    /// Record the keys of the mapping whose entries start at `pending[from]` that repeat an
    /// earlier scalar key (merge keys aside).
    ///
    /// Every mapping is scanned, so this is on the hot path: keys are compared by a fingerprint
    /// (length and a few bytes of the name the API machinery sees) kept in a buffer reused from one
    /// mapping to the next, and only keys with equal fingerprints are compared by name.
    fn find_dups(&mut self, from: usize) {
        let Some(entries) = self.pending.get(from..) else {
            return;
        };
        if entries.len() < 4 {
            return;
        }
        let doc = &self.doc;
        let name = |id: NodeId| {
            doc.nodes
                .get(id as usize)
                .filter(|n| n.kind == Kind::Scalar && !(n.plain && n.text == "<<"))
                .and_then(|_| doc.key_name(id))
        };
        let keys = &mut self.dup_keys;
        keys.clear();
        for &k in entries.iter().step_by(2) {
            if let Some(kt) = name(k) {
                keys.push((fingerprint(&kt), k));
            }
        }
        let mut found = Vec::new();
        if keys.len() <= 24 {
            for (i, &(fp, k)) in keys.iter().enumerate() {
                let Some(earlier) = keys.get(..i).and_then(|ks| {
                    ks.iter()
                        .rev()
                        .filter(|(efp, _)| *efp == fp)
                        .map(|&(_, e)| e)
                        .find(|&e| name(e) == name(k))
                }) else {
                    continue;
                };
                found.push((k, earlier));
            }
        } else {
            let mut seen: std::collections::HashMap<Cow<'_, str>, NodeId> =
                std::collections::HashMap::with_capacity(keys.len());
            for &(_, k) in keys.iter() {
                let Some(kt) = name(k) else { continue };
                if let Some(earlier) = seen.insert(kt, k) {
                    found.push((k, earlier));
                }
            }
        }
        self.doc.dups.extend(found);
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
            tag: Tag::None,
            text,
            line,
            col,
            parent,
            slot,
            first: 0,
            len: 0,
        });
        self.doc.spans.push(self.span);
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

/// The offset of the `-` before `at` when only spaces separate them on its line, else `at`.
fn dash_before(chunk: &str, base: u32, at: u32) -> u32 {
    let Some(local) = at.checked_sub(base).map(|v| v as usize) else {
        return at;
    };
    let Some(before) = chunk.get(..local) else {
        return at;
    };
    if chunk
        .get(local..)
        .is_some_and(|r| r.starts_with(['-', '[']))
    {
        return at;
    }
    let trimmed = before.trim_end_matches(' ');
    if trimmed.ends_with('-') && trimmed.len() < local {
        base.saturating_add(u32::try_from(trimmed.len() - 1).unwrap_or(u32::MAX))
    } else {
        at
    }
}

/// Where a block scalar (`|`, `>`) starting at `span.0` really ends: the parser's end is the next
/// token, after blank lines and less indented comments; this is the end of its last content line.
fn block_scalar_end(chunk: &str, base: u32, span: (u32, u32)) -> u32 {
    let (Some(s), Some(e)) = (
        span.0.checked_sub(base).map(|v| v as usize),
        span.1.checked_sub(base).map(|v| v as usize),
    ) else {
        return span.1;
    };
    let Some(body) = chunk.get(s..e) else {
        return span.1;
    };
    // the first line (the header, or the first content line where the parser starts it) is
    // kept; a later line belongs to the scalar while it is indented at least as far
    let first = body.find('\n').unwrap_or(body.len());
    let mut end = s + body.get(..first).map_or(0, |h| h.trim_end().len());
    let line_start = chunk
        .get(..s)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let indent = s - line_start;
    let mut at = s + first + 1;
    for line in body.get(first + 1..).unwrap_or("").split_inclusive('\n') {
        let content = line.trim_end();
        let depth = line.len() - line.trim_start_matches(' ').len();
        if !content.trim().is_empty() {
            if depth < indent {
                break;
            }
            end = at + content.len();
        }
        at += line.len();
    }
    base.saturating_add(u32::try_from(end).unwrap_or(u32::MAX))
        .min(span.1)
}

/// Every document of `text` as the Kubernetes API machinery would receive it (go-yaml v2 under
/// `sigs.k8s.io/yaml`), as JSON; a document that fails to parse is `null`.
pub(crate) fn to_json(text: &str) -> Vec<serde_json::Value> {
    let out = std::cell::RefCell::new(Vec::new());
    let mut loader = Loader::default();
    loader.run(
        text,
        |d, _| {
            out.borrow_mut()
                .push(d.root().map_or(serde_json::Value::Null, |r| d.to_json(r)));
        },
        |_| out.borrow_mut().push(serde_json::Value::Null),
    );
    out.into_inner()
}

/// Byte offset and 0-based line number of the first `---` line after 1-based line `after`,
/// looking from byte `from` (the start of a line, with `from_line` lines before it).
fn next_doc_start(text: &str, from: usize, from_line: u32, after: usize) -> Option<(usize, u32)> {
    let mut offset = from;
    let rest = text.get(from..)?;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let i = i + from_line as usize;
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
    fn the_size_budget_is_per_document() {
        let mut l = Loader {
            max_doc_chars: 200,
            ..Loader::default()
        };
        // 100 small documents, 20 times the budget in all: every one is read
        let stream: String = (0..100)
            .map(|i| format!("---\na: {i}\nb: [x, y]\n"))
            .collect();
        let (mut read, mut errs) = (0, Vec::new());
        l.run(&stream, |_, _| read += 1, |e| errs.push(e));
        assert_eq!((read, errs.len()), (100, 0), "{errs:?}");
        // one document over it is refused, and the reading goes on after it
        let big = format!(
            "a: 1\n---\nb: [{}]\n---\nc: 3\n",
            vec!["word"; 100].join(", ")
        );
        let mut seen = Vec::new();
        let mut errs = Vec::new();
        l.run(
            &big,
            |d, _| seen.push(d.raw_pairs(0).count()),
            |e| errs.push(e),
        );
        assert_eq!(seen.len(), 2, "{errs:?}");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].budget && errs[0].message.contains("per-document budget"));
        assert_eq!(errs[0].line, 2);
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

#[cfg(test)]
mod span_tests {
    use super::*;

    /// (text of every node's span) for each document of `text`.
    fn spans(text: &str) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        Loader::default().run(
            text,
            |d, _| {
                out.push(
                    (0..d.nodes.len() as NodeId)
                        .map(|id| {
                            let (s, e) = d.span(id).unwrap_or((0, 0));
                            text.get(s as usize..e as usize).unwrap_or("?").to_string()
                        })
                        .collect(),
                );
            },
            |_| {},
        );
        out
    }

    #[test]
    fn every_node_spans_its_text() {
        let t = "a:\n  - name: x  # c\n    v: |\n      lit\n        more\n      last\n\n  # gone\n  - [1, {b: 2}]\n  - w: >-\n      f\n      g\n# end\nz: \"q\"\n---\nß: é\nk: [ü]\n";
        let got = spans(t);
        let want: Vec<Vec<&str>> = vec![
            vec![
                t.split("\n---").next().unwrap().trim_end(),
                "a",
                "- name: x  # c\n    v: |\n      lit\n        more\n      last\n\n  # gone\n  - [1, {b: 2}]\n  - w: >-\n      f\n      g",
                "name: x  # c\n    v: |\n      lit\n        more\n      last",
                "name",
                "x",
                "v",
                "lit\n        more\n      last",
                "[1, {b: 2}]",
                "1",
                "{b: 2}",
                "b",
                "2",
                "w: >-\n      f\n      g",
                "w",
                "f\n      g",
                "z",
                "\"q\"",
            ],
            vec!["ß: é\nk: [ü]", "ß", "é", "k", "[ü]", "ü"],
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn an_indentless_sequence_starts_at_its_dash() {
        let t = "a:\n- x\n- y\nb:\n  - - z\n";
        assert_eq!(
            spans(t)[0],
            vec![
                t.trim_end(),
                "a",
                "- x\n- y",
                "x",
                "y",
                "b",
                "- - z",
                "- z",
                "z"
            ]
        );
    }

    #[test]
    fn spans_are_absolute_after_a_broken_document() {
        let t = "a: 1\n---\na: [\n---\nbé: *x\n---\nc: &x ö\nd: *x\n";
        let got = spans(t);
        assert_eq!(
            got.last().unwrap(),
            &vec!["c: &x ö\nd: *x", "c", "&x ö", "d", "*x"]
        );
    }
}
