//! Text edits on a YAML (or JSON) document, computed from the byte spans of its nodes: remove,
//! replace and add list items and mapping keys, written in the block or flow style of the place
//! they go and with the file's indentation.

use serde_json::Value;

use super::Edit;
use crate::read::source::{Doc, Kind, NONE, NodeId, Scalar, Tag, resolve_scalar};

/// How the surrounding file writes YAML.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    /// Columns a nested mapping is indented by (`2` in `a:\n  b: 1`).
    pub map_step: usize,
    /// Columns a block sequence under a key is indented by (`0` for kubectl's `a:\n- x`).
    pub seq_offset: usize,
    /// `\r\n` when the file uses it.
    pub crlf: bool,
}

/// The editor of one document.
pub(crate) struct Editor<'d, 'a> {
    pub doc: &'d Doc<'a>,
    pub text: &'d str,
    pub style: Style,
}

impl<'d, 'a> Editor<'d, 'a> {
    pub(crate) fn new(doc: &'d Doc<'a>, text: &'d str, near: NodeId) -> Self {
        Self::new_with_crlf(doc, text, near, text.contains("\r\n"))
    }

    /// [`Editor::new`] with the line ending given (`lint --fix` finds it once per document).
    pub(crate) fn new_with_crlf(doc: &'d Doc<'a>, text: &'d str, near: NodeId, crlf: bool) -> Self {
        let style = Style {
            map_step: detect_map_step(doc, text, near).unwrap_or(2),
            seq_offset: detect_seq_offset(doc, text, near).unwrap_or(2),
            crlf,
        };
        Editor { doc, text, style }
    }

    fn nl(&self) -> &'static str {
        if self.style.crlf { "\r\n" } else { "\n" }
    }

    /// The byte span of a node.
    pub(crate) fn span(&self, id: NodeId) -> Option<(usize, usize)> {
        self.doc
            .span(id)
            .map(|(s, e)| (s as usize, e as usize))
            .filter(|&(s, e)| s <= e && e <= self.text.len())
    }

    /// Whether a collection is written in flow style (`[...]`, `{...}`, JSON).
    pub(crate) fn is_flow(&self, id: NodeId) -> bool {
        self.span(id)
            .and_then(|(s, _)| self.text.get(s..))
            .is_some_and(|t| t.starts_with(['[', '{']))
    }

    /// 0-based column (in bytes from the line start) of a position.
    fn column(&self, pos: usize) -> usize {
        pos - self.line_start(pos)
    }

    fn line_start(&self, pos: usize) -> usize {
        self.text
            .get(..pos)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1)
    }

    /// The end of the line `pos` is on (before its `\r\n` or `\n`), after any trailing comment.
    pub(crate) fn line_end(&self, pos: usize) -> usize {
        let nl = self
            .text
            .get(pos..)
            .and_then(|t| t.find('\n'))
            .map_or(self.text.len(), |i| pos + i);
        if nl > pos && self.text.as_bytes().get(nl - 1) == Some(&b'\r') {
            nl - 1
        } else {
            nl
        }
    }

    /// The line break after `pos`'s line, included in a deleted line.
    fn after_line(&self, pos: usize) -> usize {
        let end = self.line_end(pos);
        let rest = self.text.get(end..).unwrap_or("");
        if rest.starts_with("\r\n") {
            end + 2
        } else if rest.starts_with('\n') {
            end + 1
        } else {
            end
        }
    }

    /// Append `value` as the last item of sequence `seq`.
    pub(crate) fn append_item(&self, seq: NodeId, value: &Value) -> Option<Edit> {
        let (s, e) = self.span(seq)?;
        if self.is_flow(seq) {
            let close = e.checked_sub(1)?;
            let empty = self.doc.items(seq).next().is_none();
            let sep = if empty { "" } else { ", " };
            return Some(Edit::insert(close, format!("{sep}{}", flow(value))));
        }
        let col = self.column(s);
        let at = self.line_end(e);
        let mut out = String::new();
        out.push_str(self.nl());
        self.block_item(&mut out, value, col);
        Some(Edit::insert(at, out))
    }

    /// Insert `value` as the first item of sequence `seq`.
    pub(crate) fn prepend_item(&self, seq: NodeId, value: &Value) -> Option<Edit> {
        let (s, _) = self.span(seq)?;
        if self.is_flow(seq) {
            let empty = self.doc.items(seq).next().is_none();
            let sep = if empty { "" } else { ", " };
            return Some(Edit::insert(s + 1, format!("{}{sep}", flow(value))));
        }
        // inserted where the first item's `-` is: its indentation is already there
        let col = self.column(s);
        let mut out = String::new();
        self.block_item(&mut out, value, col);
        let mut out = out.split_off(col.min(out.len()));
        out.push_str(self.nl());
        out.push_str(&" ".repeat(col));
        Some(Edit::insert(s, out))
    }

    /// Replace item `item` (a node of a sequence) by `values`.
    pub(crate) fn replace_item(&self, item: NodeId, values: &[Value]) -> Option<Edit> {
        let (s, e) = self.span(item)?;
        let seq = self.doc.nodes.get(item as usize)?.parent;
        let (seq_start, _) = self.span(seq)?;
        let mut out = String::new();
        if self.is_flow(seq) {
            let parts: Vec<String> = values.iter().map(flow).collect();
            out.push_str(&parts.join(", "));
            return Some(Edit::replace(s, e, out));
        }
        let dash = self.column(seq_start);
        let content = self.column(s);
        for (i, v) in values.iter().enumerate() {
            if i == 0 {
                self.block_value_inline(&mut out, v, content);
            } else {
                out.push_str(self.nl());
                self.block_item(&mut out, v, dash);
            }
        }
        Some(Edit::replace(s, e, out))
    }

    /// Remove item `item` of its sequence: its lines (block style), or it and a comma (flow).
    pub(crate) fn delete_item(&self, item: NodeId) -> Option<Edit> {
        let (s, e) = self.span(item)?;
        let seq = self.doc.nodes.get(item as usize)?.parent;
        if self.is_flow(seq) {
            let rest = self.text.get(e..)?;
            let after = rest.len() - rest.trim_start().len();
            if rest.get(after..)?.starts_with(',') {
                let tail = rest.get(after + 1..)?;
                let ws = tail.len() - tail.trim_start().len();
                return Some(Edit::replace(s, e + after + 1 + ws, String::new()));
            }
            let before = self.text.get(..s)?;
            let trimmed = before.trim_end();
            if trimmed.ends_with(',') {
                return Some(Edit::replace(trimmed.len() - 1, e, String::new()));
            }
            return Some(Edit::replace(s, e, String::new()));
        }
        // `- ` (and only that) before the item on its first line
        let ls = self.line_start(s);
        let lead = self.text.get(ls..s)?.trim();
        if lead != "-" {
            return None;
        }
        Some(Edit::replace(ls, self.after_line(e), String::new()))
    }

    /// Remove the entry of block mapping `map` whose value is `value` (its key's line to the
    /// value's last line); `None` in a flow mapping or when the key does not start its line.
    pub(crate) fn delete_entry(&self, map: NodeId, value: NodeId) -> Option<Edit> {
        if self.is_flow(map) {
            return None;
        }
        let (key, _) = self.doc.raw_pairs(map).find(|&(_, v)| v == value)?;
        let (ks, _) = self.span(key)?;
        // the end of its last item (a collection's own end may be the next line's start)
        let last = self.doc.items(value).last().unwrap_or(value);
        let (_, ve) = self.span(last)?;
        let ls = self.line_start(ks);
        if !self.text.get(ls..ks)?.trim().is_empty() {
            return None;
        }
        // from the line break before the key to the end of the value's last line, so a key added
        // after it (at the end of that line) does not overlap
        let before = self.text.get(..ls)?;
        let start = if before.ends_with("\r\n") {
            ls - 2
        } else if before.ends_with('\n') {
            ls - 1
        } else {
            return None;
        };
        Some(Edit::replace(start, self.line_end(ve), String::new()))
    }

    /// Replace the scalar `id` by `value` (quoted as its context needs).
    pub(crate) fn replace_scalar(&self, id: NodeId, value: &Value) -> Option<Edit> {
        let (s, e) = self.span(id)?;
        let flow_context = self
            .doc
            .nodes
            .get(id as usize)
            .is_some_and(|n| n.parent != NONE && self.is_flow(n.parent));
        let text = if flow_context {
            flow(value)
        } else {
            scalar(value)
        };
        Some(Edit::replace(s, e, text))
    }

    /// Replace the value `value` of its key in mapping `map` by `new` (written as `add_key` writes
    /// it, from the key's colon to the end of the value's last line; in a flow mapping, the value's
    /// span in flow style).
    pub(super) fn replace_value(&self, map: NodeId, value: NodeId, new: &Value) -> Option<Edit> {
        let (key, _) = self.doc.raw_pairs(map).find(|&(_, v)| v == value)?;
        let (vs, _) = self.span(value)?;
        let (_, ve) = self.span(self.last_leaf(value))?;
        if self.is_flow(map) {
            let (s, e) = self.span(value)?;
            return Some(Edit::replace(s, e, flow(new)));
        }
        let (ks, ke) = self.span(key)?;
        let colon = ke + self.text.get(ke..vs)?.find(':')?;
        let col = self.column(ks);
        let mut out = String::from(":");
        self.after_key(&mut out, new, col);
        Some(Edit::replace(colon, self.line_end(ve.max(vs)), out))
    }

    /// The last scalar (or empty collection) written inside `id`: where its text ends (a block
    /// collection's own end may be the next line's start).
    fn last_leaf(&self, id: NodeId) -> NodeId {
        let mut at = id;
        for _ in 0..64 {
            let next = if self.doc.is_map(at) {
                self.doc.raw_pairs(at).last().map(|(_, v)| v)
            } else {
                self.doc.items(at).last()
            };
            match next {
                Some(n) if n != at => at = n,
                _ => break,
            }
        }
        at
    }

    /// Add `key: value` as the last entry of mapping `map`.
    pub(crate) fn add_key(&self, map: NodeId, key: &str, value: &Value) -> Option<Edit> {
        let (s, e) = self.span(map)?;
        if self.is_flow(map) {
            let close = e.checked_sub(1)?;
            let empty = self.doc.raw_pairs(map).next().is_none();
            let sep = if empty { "" } else { ", " };
            return Some(Edit::insert(
                close,
                format!("{sep}{}: {}", flow_key(key), flow(value)),
            ));
        }
        let col = self.column(s);
        let mut out = String::new();
        out.push_str(self.nl());
        out.push_str(&" ".repeat(col));
        out.push_str(&plain_or_quoted(key));
        out.push(':');
        self.after_key(&mut out, value, col);
        Some(Edit::insert(self.line_end(e), out))
    }

    /// `- value` at column `dash`.
    fn block_item(&self, out: &mut String, v: &Value, dash: usize) {
        out.push_str(&" ".repeat(dash));
        out.push_str("- ");
        self.block_value_inline(out, v, dash + 2);
    }

    /// A value whose first line continues the current line at column `col` (after `- `).
    fn block_value_inline(&self, out: &mut String, v: &Value, col: usize) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(self.nl());
                        out.push_str(&" ".repeat(col));
                    }
                    out.push_str(&plain_or_quoted(k));
                    out.push(':');
                    self.after_key(out, v, col);
                }
            }
            Value::Array(a) if !a.is_empty() => out.push_str(&flow(v)),
            _ => out.push_str(&scalar(v)),
        }
    }

    /// The value of a key written at column `col`.
    fn after_key(&self, out: &mut String, v: &Value, col: usize) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                let inner = col + self.style.map_step;
                for (k, v) in m {
                    out.push_str(self.nl());
                    out.push_str(&" ".repeat(inner));
                    out.push_str(&plain_or_quoted(k));
                    out.push(':');
                    self.after_key(out, v, inner);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for item in a {
                    out.push_str(self.nl());
                    self.block_item(out, item, col + self.style.seq_offset);
                }
            }
            _ => {
                out.push(' ');
                out.push_str(&scalar(v));
            }
        }
    }
}

/// A scalar (or an empty collection) in block context.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => plain_or_quoted(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// A string plain when YAML 1.1 and 1.2 both read it back as that string, else double-quoted.
pub(crate) fn plain_or_quoted(s: &str) -> String {
    let safe_chars = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | ':' | '='));
    let safe_start = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/');
    let resolves = matches!(resolve_scalar(s, true, Tag::None), Scalar::Str(t) if t == s);
    // a timestamp-looking or sexagesimal text reads differently in YAML 1.1
    let numberish = s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '-' | '.' | '_'));
    if safe_chars && safe_start && resolves && !numberish && !s.ends_with(':') {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

fn flow_key(k: &str) -> String {
    serde_json::to_string(k).unwrap_or_else(|_| "\"\"".into())
}

/// A value in flow style, JSON with spaces (valid YAML 1.1 and 1.2, and JSON).
pub(crate) fn flow(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", flow_key(k), flow(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(flow).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

/// 0-based column of byte `pos` in `text`, and its line's start.
fn col_line(text: &str, pos: usize) -> (usize, usize) {
    let start = text
        .get(..pos)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    (pos - start, start)
}

/// Columns between a key and its block value on the next lines (the keys of a mapping, the `-`
/// of a sequence), found nearest after `near` (else the first in the document).
fn detect(doc: &Doc<'_>, text: &str, near: NodeId, kind: Kind) -> Option<usize> {
    let mut best = None;
    for (id, n) in doc.nodes.iter().enumerate() {
        let id = id as NodeId;
        let parent_map = doc
            .nodes
            .get(n.parent as usize)
            .is_some_and(|p| p.kind == Kind::Map);
        if n.kind != kind || !parent_map || n.slot == NONE {
            continue;
        }
        let (Some(k), Some(v)) = (doc.span(n.slot), doc.span(id)) else {
            continue;
        };
        let (k, v) = (k.0 as usize, v.0 as usize);
        if text.get(v..).is_some_and(|t| t.starts_with(['{', '['])) {
            continue;
        }
        let ((kc, kl), (vc, vl)) = (col_line(text, k), col_line(text, v));
        if vl <= kl || vc < kc || (kind == Kind::Map && vc == kc) {
            continue;
        }
        if id >= near {
            return Some(vc - kc);
        }
        best.get_or_insert(vc - kc);
    }
    best
}

fn detect_map_step(doc: &Doc<'_>, text: &str, near: NodeId) -> Option<usize> {
    detect(doc, text, near, Kind::Map)
}

fn detect_seq_offset(doc: &Doc<'_>, text: &str, near: NodeId) -> Option<usize> {
    detect(doc, text, near, Kind::Seq)
}
