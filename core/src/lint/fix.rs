//! `dockscape lint --fix`: the mechanical fixes some rules declare (ruff's model).
//!
//! A rule with a fix says so in `declare_rule!` (`fix: Safe("...")` or `fix: Unsafe("...")`) and
//! defines `fn fix(cx, hit)`, which returns the text edits that remove its finding, computed with
//! the byte-span editor `migrate` uses (`crate::migrate::yaml::Editor`): every byte outside the
//! edits is kept, and what is inserted follows the file's own style. Fixes are offered on
//! Kubernetes manifests and Compose files only (not on scripts, CI configurations or YAML embedded
//! in other text), never on a suppressed finding, and never where an edit would land inside a
//! node some YAML alias repeats (the edit would change the other places too).
//!
//! [`fix`] lints, applies the fixes of the findings (the safe ones, and the unsafe ones when
//! asked), and lints again until nothing more applies: two fixes whose edits overlap are applied
//! in turn, one per pass.

use super::registry::{Hit, Meta, Rule};
use super::types::{Applicability, Finding, Fix, LintInput, LintOptions, LintReport};
use crate::migrate::Edit;
use crate::migrate::yaml::{Editor, Style};
use crate::read::ir::{Field, Unit};
use crate::read::source::{Doc, Kind, NONE, NodeId};
use crate::{Error, ErrorKind, Result};

/// What the fixes of one document share, found once per document (the first time one of its
/// findings has a fix): its style and the ranges YAML aliases repeat. Finding them again for each
/// finding made a document with thousands of fixable findings quadratic.
#[derive(Debug)]
pub(crate) struct DocFacts {
    style: Style,
    /// Byte ranges of the nodes an alias points at (to the end of their last line).
    aliased: Vec<(usize, usize)>,
}

impl DocFacts {
    pub(super) fn new(doc: &Doc<'_>, text: &str) -> Self {
        // the style of the document's start; whether its own text (not the whole input) uses CRLF
        let probe = Editor::new_with_crlf(doc, text, 0, false);
        let (start, end) = doc
            .root()
            .and_then(|r| probe.span(r))
            .unwrap_or((0, text.len()));
        let crlf = text
            .get(start..probe.line_end(end))
            .is_some_and(|t| t.contains("\r\n"));
        let style = Style {
            crlf,
            ..probe.style
        };
        let aliased = doc
            .nodes
            .iter()
            .filter(|n| n.kind == Kind::Alias)
            .filter_map(|n| probe.span(n.first))
            .map(|(s, e)| (s, probe.line_end(e)))
            .collect();
        DocFacts { style, aliased }
    }

    /// Whether an edit lands in a node a YAML alias repeats elsewhere (or an alias-merged mapping).
    fn through_alias(&self, edits: &[Edit]) -> bool {
        self.aliased
            .iter()
            .any(|&(s, end)| edits.iter().any(|x| x.start <= end && x.end >= s))
    }
}

/// What a rule's fix reads: the unit the hit is in, its YAML document and the input's text.
pub(crate) struct FixCx<'c> {
    pub unit: &'c Unit<'c>,
    pub doc: &'c Doc<'c>,
    pub text: &'c str,
    facts: &'c DocFacts,
}

impl<'c> FixCx<'c> {
    /// The editor of the document, in the document's style (the style of its start: the fixes
    /// insert scalars, which only need the line ending).
    pub(crate) fn editor(&self, _near: NodeId) -> Editor<'c, 'c> {
        Editor {
            doc: self.doc,
            text: self.text,
            style: self.facts.style,
        }
    }

    /// The node a hit points at.
    pub(crate) fn node(hit: &Hit<'_>) -> Option<NodeId> {
        match hit.loc.field {
            Field::Node(id) => Some(id),
            _ => None,
        }
    }

    /// The collection `id` is written in.
    pub(crate) fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.doc
            .nodes
            .get(id as usize)
            .map(|n| n.parent)
            .filter(|&p| p != NONE)
    }

    /// The key text of value `id` in its mapping.
    pub(crate) fn key_of(&self, id: NodeId) -> Option<&str> {
        let n = self.doc.nodes.get(id as usize)?;
        let parent = self.doc.nodes.get(n.parent as usize)?;
        if parent.kind != Kind::Map || n.slot == NONE {
            return None;
        }
        self.doc.nodes.get(n.slot as usize).map(|k| &*k.text)
    }

    /// The value of `key` written in mapping `map` itself (not through a merge key or an alias).
    pub(crate) fn own(&self, map: NodeId, key: &str) -> Option<NodeId> {
        let v = self.doc.get(map, key)?;
        (self.doc.resolve(v) == v && self.parent(v) == Some(map)).then_some(v)
    }

    /// The source text of a node.
    pub(crate) fn source(&self, id: NodeId) -> Option<&'c str> {
        let (s, e) = self.doc.span(id)?;
        self.text.get(s as usize..e as usize)
    }

    /// A scalar node itself (not an alias, not a collection), with its text.
    pub(crate) fn scalar_text(&self, id: NodeId) -> Option<&'c str> {
        let n = self.doc.nodes.get(id as usize)?;
        (n.kind == Kind::Scalar).then_some(&*n.text)
    }

    /// Edits that append `suffix` to the content of scalar `id`, keeping its quoting: after a
    /// plain scalar, before the closing quote of a quoted one without escapes.
    pub(crate) fn append_to_scalar(&self, id: NodeId, suffix: &str) -> Option<Edit> {
        let text = self.scalar_text(id)?;
        let src = self.source(id)?;
        let (_, end) = self.doc.span(id)?;
        let end = end as usize;
        let quoted = |q: char| {
            src.len() == text.len() + 2
                && src.starts_with(q)
                && src.ends_with(q)
                && src.get(1..src.len() - 1) == Some(text)
        };
        if src == text && !text.is_empty() {
            Some(Edit::insert(end, suffix.to_string()))
        } else if quoted('"') || quoted('\'') {
            Some(Edit::insert(end - 1, suffix.to_string()))
        } else {
            None
        }
    }
}

/// The fix of `hit` (of rule `rule`), when the rule has one and it applies.
pub(super) fn fix_of(
    rule: &dyn Rule,
    meta: &'static Meta,
    hit: &Hit<'_>,
    unit: &Unit<'_>,
    doc: &Doc<'_>,
    text: &str,
    facts: &mut Option<DocFacts>,
) -> Option<Fix> {
    let fm = meta.fix.as_ref()?;
    let facts = facts.get_or_insert_with(|| DocFacts::new(doc, text));
    let cx = FixCx {
        unit,
        doc,
        text,
        facts,
    };
    let mut edits = rule.fix(&cx, hit)?;
    edits.sort_by_key(|e| (e.start, e.end));
    edits.dedup();
    let ordered = edits
        .windows(2)
        .all(|w| matches!(w, [a, b] if a.end <= b.start && a.start < b.start));
    let inside = edits.iter().all(|e| {
        e.start <= e.end && text.get(e.start..e.end).is_some() && text.is_char_boundary(e.start)
    });
    if edits.is_empty() || !ordered || !inside || facts.through_alias(&edits) {
        return None;
    }
    Some(Fix {
        applicability: fm.applicability,
        message: super::registry::render(fm.message, &hit.args),
        edits,
    })
}

/// Whether two edits of different fixes cannot both be applied (the same place, or overlapping).
fn conflict(a: &Edit, b: &Edit) -> bool {
    a != b && (a.start == b.start || (a.start < b.end && b.start < a.end))
}

/// Apply, in one pass, the fixes of `findings` (unsuppressed ones, safe ones and also unsafe ones
/// when `unsafe_fixes`) to `text`, the text they were found in. Of fixes whose edits conflict the
/// first (by position) is applied; the others wait for the next pass. Returns the new text and
/// how many findings were fixed.
///
/// ```
/// use dockscape::{LintInput, LintOptions};
/// let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n  - name: app\n    image: alpine:3.20\n    securityContext:\n      allowPrivilegeEscalation: true\n";
/// let report = dockscape::lint(&[LintInput { file: "pod.yaml", text: pod, kind: None }], &LintOptions::default());
/// let (fixed, n) = dockscape::apply_fixes(pod, &report.findings, true)?;
/// assert_eq!(n, 1);
/// assert!(fixed.contains("allowPrivilegeEscalation: false"));
/// # Ok::<(), dockscape::Error>(())
/// ```
pub fn apply_fixes(
    text: &str,
    findings: &[Finding],
    unsafe_fixes: bool,
) -> Result<(String, usize)> {
    apply_pass(text, findings, unsafe_fixes).map(|(_, out, n)| (out, n))
}

/// [`apply_fixes`], with the edits it applied (sorted).
fn apply_pass(
    text: &str,
    findings: &[Finding],
    unsafe_fixes: bool,
) -> Result<(Vec<Edit>, String, usize)> {
    let mut fixes: Vec<&Fix> = findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .filter_map(|f| f.fix.as_ref())
        .filter(|x| unsafe_fixes || x.applicability == Applicability::Safe)
        .collect();
    fixes.sort_by_key(|x| x.edits.first().map(|e| (e.start, e.end)));
    let mut chosen: Vec<Edit> = Vec::new();
    let mut fixed = 0;
    for x in fixes {
        if x.edits
            .iter()
            .any(|e| chosen.iter().any(|c| conflict(c, e)))
        {
            continue;
        }
        for e in &x.edits {
            if !chosen.contains(e) {
                chosen.push(e.clone());
            }
        }
        fixed += 1;
    }
    let (edits, out) = crate::migrate::apply(text, chosen)?;
    Ok((edits, out, fixed))
}

/// What [`fix`] did to one input.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The fixed text (the input itself when no fix applied).
    pub text: String,
    /// How many findings were fixed.
    pub fixed: usize,
    /// The lint report of the fixed text: the findings that remain.
    pub report: LintReport,
    /// The edits that turn the input into `text`, at byte offsets of the input (every pass's
    /// edits composed: a later pass's edit of inserted text is part of the insertion), sorted and
    /// not overlapping; empty when nothing changed.
    pub edits: Vec<Edit>,
}

impl Fixed {
    /// Whether the text changed.
    pub fn changed(&self, original: &str) -> bool {
        self.text != original
    }

    /// `Fixed N findings (M remaining)`, as ruff says it (M: unsuppressed findings left).
    pub fn summary(&self) -> String {
        summary(self.fixed, self.report.active().count(), false)
    }
}

/// `Fixed 2 findings (1 remaining)`, or `Would fix ...` when nothing is written.
pub fn fix_summary(fixed: usize, remaining: usize, dry_run: bool) -> String {
    summary(fixed, remaining, dry_run)
}

fn summary(fixed: usize, remaining: usize, dry_run: bool) -> String {
    format!(
        "{} {fixed} finding{} ({remaining} remaining)",
        if dry_run { "Would fix" } else { "Fixed" },
        if fixed == 1 { "" } else { "s" }
    )
}

/// The most passes [`fix`] makes (each applies the fixes that do not conflict with another).
const MAX_PASSES: usize = 8;

/// Lint `input`, apply the fixes of its findings (safe ones; unsafe ones too when
/// `unsafe_fixes`), and lint again, until no fix applies. The report of the fixed text lists the
/// findings that remain.
///
/// An input that lints with errors is not fixed (its spans may be incomplete); a fix that would
/// make the text fail to read is an error (a bug in dockscape), and nothing is changed.
///
/// ```
/// use dockscape::{LintInput, LintOptions};
/// let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n  - name: agent\n    image: example/agent:1.0\n    volumeMounts:\n    - name: etc\n      mountPath: /host/etc\n  volumes:\n  - name: etc\n    hostPath:\n      path: /etc\n";
/// let input = LintInput { file: "pod.yaml", text: pod, kind: None };
/// // DS005's fix (`readOnly: true`) is unsafe: only with `unsafe_fixes`
/// let safe = dockscape::fix(&input, &LintOptions::default(), false)?;
/// assert_eq!(safe.fixed, 0);
/// let fixed = dockscape::fix(&input, &LintOptions::default(), true)?;
/// assert!(fixed.text.contains("      mountPath: /host/etc\n      readOnly: true\n"));
/// assert!(fixed.report.findings.iter().all(|f| f.code != "DS005"));
/// # Ok::<(), dockscape::Error>(())
/// ```
pub fn fix(input: &LintInput<'_>, options: &LintOptions, unsafe_fixes: bool) -> Result<Fixed> {
    fix_with(input, options, unsafe_fixes, |_| {})
}

/// [`fix`], with `adjust` run on each report before its fixes are applied (the CLI marks the
/// findings its configuration files suppress there, and drops those of rules they do not select).
pub fn fix_with(
    input: &LintInput<'_>,
    options: &LintOptions,
    unsafe_fixes: bool,
    mut adjust: impl FnMut(&mut LintReport),
) -> Result<Fixed> {
    let lint_text = |text: &str, adjust: &mut dyn FnMut(&mut LintReport)| {
        let mut r = super::lint(
            &[LintInput {
                file: input.file,
                text,
                kind: input.kind,
            }],
            options,
        );
        adjust(&mut r);
        r
    };
    let mut text = input.text.to_string();
    let mut report = lint_text(&text, &mut adjust);
    let mut fixed = 0;
    if !report.errors.is_empty() {
        return Ok(Fixed {
            text,
            fixed,
            report,
            edits: Vec::new(),
        });
    }
    // where each byte of the text comes from: the input's bytes, or text a fix inserted
    let mut pieces = vec![Piece::Kept(0, input.text.len())];
    for _ in 0..MAX_PASSES {
        let (edits, next, n) = apply_pass(&text, &report.findings, unsafe_fixes)?;
        if n == 0 || next == text {
            break;
        }
        let next_report = lint_text(&next, &mut adjust);
        if let Some(e) = next_report.errors.first() {
            return Err(Error::new(
                ErrorKind::Validation,
                format!(
                    "a fix made the file unreadable ({e}); nothing was changed (a bug in dockscape)"
                ),
            ));
        }
        // every fix removes its finding: a fix that does not would be offered again
        if next_report.active().count() + n > report.active().count() {
            return Err(Error::new(
                ErrorKind::Validation,
                "a fix did not remove its finding; nothing was changed (a bug in dockscape)",
            ));
        }
        fixed += n;
        pieces = rebase(&pieces, &edits);
        text = next;
        report = next_report;
    }
    let edits = if text == input.text {
        Vec::new()
    } else {
        edits_of(&pieces, input.text.len())
    };
    Ok(Fixed {
        text,
        fixed,
        report,
        edits,
    })
}

/// A run of the text after some passes: bytes `start..end` of the input, or inserted text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Kept(usize, usize),
    Inserted(String),
}

impl Piece {
    fn len(&self) -> usize {
        match self {
            Piece::Kept(s, e) => e - s,
            Piece::Inserted(t) => t.len(),
        }
    }

    /// Bytes `a..b` of this piece (`a <= b <= len`, on character boundaries: the edits are).
    fn cut(&self, a: usize, b: usize) -> Piece {
        match self {
            Piece::Kept(s, _) => Piece::Kept(s + a, s + b),
            Piece::Inserted(t) => Piece::Inserted(t.get(a..b).unwrap_or_default().to_string()),
        }
    }
}

/// The pieces of the text after `edits` (sorted, not overlapping, at offsets of the text
/// `pieces` make up) are applied to it.
fn rebase(pieces: &[Piece], edits: &[Edit]) -> Vec<Piece> {
    let mut out = Vec::with_capacity(pieces.len() + 2 * edits.len());
    // the cursor: piece `i`, `off` bytes into it, at offset `at` of the text
    let (mut i, mut off, mut at) = (0, 0, 0);
    let mut walk = |to: usize, keep: bool, out: &mut Vec<Piece>| {
        while at < to {
            let Some(p) = pieces.get(i) else { break };
            let n = (p.len() - off).min(to - at);
            if keep && n > 0 {
                out.push(p.cut(off, off + n));
            }
            off += n;
            at += n;
            if off == p.len() {
                i += 1;
                off = 0;
            }
        }
    };
    for e in edits {
        walk(e.start, true, &mut out);
        walk(e.end, false, &mut out);
        if !e.replacement.is_empty() {
            out.push(Piece::Inserted(e.replacement.clone()));
        }
    }
    walk(usize::MAX, true, &mut out);
    out
}

/// The edits of the input (of `len` bytes) that give the text `pieces` make up.
fn edits_of(pieces: &[Piece], len: usize) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut at = 0;
    let mut inserted = String::new();
    for p in pieces {
        match p {
            Piece::Inserted(t) => inserted.push_str(t),
            Piece::Kept(s, e) => {
                if *s != at || !inserted.is_empty() {
                    edits.push(Edit::replace(at, *s, std::mem::take(&mut inserted)));
                }
                at = *e;
            }
        }
    }
    if at != len || !inserted.is_empty() {
        edits.push(Edit::replace(at, len, inserted));
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[Edit]) -> String {
        crate::migrate::apply(text, edits.to_vec())
            .map(|(_, t)| t)
            .unwrap_or_default()
    }

    /// Passes composed: each pass's edits at offsets of the text before it; the composed edits at
    /// offsets of the input give the same text, an edit inside inserted text is part of it.
    #[test]
    fn passes_compose_into_edits_of_the_input() {
        let input = "héllo wörld, bye\n";
        let passes: [Vec<Edit>; 3] = [
            // "héllo wörld, bye" -> "héllo, wörld! bye"
            vec![
                Edit::insert(6, ",".into()),
                Edit::replace(13, 14, "!".into()),
            ],
            // inside and around the comma just inserted, and the end
            vec![
                Edit::replace(6, 7, ";;".into()),
                Edit::insert(19, " now".into()),
            ],
            // a deletion over kept and inserted bytes
            vec![Edit::replace(0, 8, "H".into())],
        ];
        let mut text = input.to_string();
        let mut pieces = vec![Piece::Kept(0, input.len())];
        for p in &passes {
            text = apply(&text, p);
            pieces = rebase(&pieces, p);
            let edits = edits_of(&pieces, input.len());
            assert_eq!(apply(input, &edits), text, "{edits:?}");
            assert!(
                edits
                    .windows(2)
                    .all(|w| matches!(w, [a, b] if a.end <= b.start)),
                "{edits:?}"
            );
        }
        assert_eq!(text, "H wörld! bye now\n");
        assert_eq!(
            edits_of(&pieces, input.len()),
            [
                Edit::replace(0, 6, "H".into()),
                Edit::replace(13, 14, "!".into()),
                Edit::insert(18, " now".into()),
            ]
        );
        assert!(edits_of(&[Piece::Kept(0, input.len())], input.len()).is_empty());
    }
}
