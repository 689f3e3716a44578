//! `dockscape lint`: the risk catalogue of `RULES.md` over Kubernetes manifests, Compose files and
//! `docker run` lines.
//!
//! The pipeline, per input: detect the kind, parse (YAML with positions, one document at a time,
//! [`source`]), normalise into the IR ([`ir`]: `k8s.rs`, `compose.rs`, `run.rs`), run every
//! selected rule of the registry ([`rules`]) over it, and turn the hits into [`Finding`]s (message
//! rendering, field paths, suppressions) in one place here. Reports render in `report.rs`.

mod compose;
mod ir;
mod k8s;
mod paths;
mod registry;
mod report;
mod rules;
mod run;
mod scenario;
pub(crate) mod source;
mod suppress;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::{Error, ErrorKind};
use ir::{Field, Loc, Unit, WorkloadKind};
use registry::{Checker, Meta, Rule};
use rules::RULES;
use source::{Doc, Loader};

pub use scenario::WorkloadScenario;

/// Where the rule pages live (SARIF `helpUri`, `dockscape rule`).
pub const RULE_DOCS_BASE: &str = "https://github.com/dockscape/dockscape/blob/main/docs/rules/";

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Root on the node, directly.
    Critical,
    /// A likely path to the node or the daemon.
    High,
    /// Weakens a boundary.
    Medium,
    /// Worth knowing.
    Low,
    /// Dead configuration, notes.
    Info,
}

impl Severity {
    /// All severities, most serious first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    fn rank(self) -> u8 {
        match self {
            Severity::Critical => 4,
            Severity::High => 3,
            Severity::Medium => 2,
            Severity::Low => 1,
            Severity::Info => 0,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

impl PartialOrd for Severity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Severity {
    /// `Critical` is the greatest.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidParameter,
                    format!("unknown severity `{s}` (critical, high, medium, low, info)"),
                )
            })
    }
}

/// What an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// Kubernetes manifests (YAML or JSON, any number of documents).
    Kubernetes,
    /// A Compose file.
    Compose,
    /// A shell script (or any text) with `docker run` / `docker create` lines.
    Run,
}

impl FromStr for InputKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "k8s" | "kubernetes" | "kube" => Ok(InputKind::Kubernetes),
            "compose" | "docker-compose" => Ok(InputKind::Compose),
            "run" | "sh" | "shell" | "docker-run" => Ok(InputKind::Run),
            _ => Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("unknown input kind `{s}` (k8s, compose, run)"),
            )),
        }
    }
}

/// One input: a display name, its text, and its kind (detected when `None`).
#[derive(Debug, Clone, Copy)]
pub struct LintInput<'a> {
    /// The name findings report (a path, `-` for stdin, a playground tab).
    pub file: &'a str,
    /// The text.
    pub text: &'a str,
    /// The kind; `None` detects it: `.sh`-like names and non-YAML text are `docker run` lines, a
    /// YAML document with a top-level `services:` is Compose, anything else Kubernetes.
    pub kind: Option<InputKind>,
}

/// Which rules run and what fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintOptions {
    /// Rules to run, by code (`DS001`), code prefix (`DS00`), name (`runtime-socket-mount`) or
    /// `ALL`; empty means all.
    pub select: Vec<String>,
    /// Rules not to run, same forms as `select`.
    pub ignore: Vec<String>,
    /// The least severity that makes [`LintReport::exit_code`] 1.
    pub fail_on: Severity,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            select: Vec::new(),
            ignore: Vec::new(),
            fail_on: Severity::High,
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `DS001`.
    pub code: &'static str,
    /// `runtime-socket-mount`.
    pub name: &'static str,
    /// How serious.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
    /// The input's display name.
    pub file: String,
    /// 1-based line of the offending key or value (0 when the input has no position).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Field path (`spec.volumes[0].hostPath.path`), or the `docker run` flag.
    pub path: String,
    /// The workload: `kind/namespace/name` (`kind/name` without a namespace).
    pub workload: Option<String>,
    /// The container's name.
    pub container: Option<String>,
    /// The reason, when a suppression (annotation or comment) covers this finding.
    pub suppressed: Option<String>,
    /// The source line, for the code frame.
    #[serde(skip)]
    pub source_line: String,
}

impl Finding {
    /// Whether a suppression covers it.
    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }
}

/// A workload seen in the input, with its scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintedWorkload {
    /// The input's display name.
    pub file: String,
    /// 1-based line where it starts.
    pub line: usize,
    /// `kind/namespace/name`.
    pub workload: String,
    /// `Deployment`, `Pod`, ..., `service` (Compose), `run` (`docker run`).
    pub kind: String,
    /// The name.
    pub name: String,
    /// The namespace, when set.
    pub namespace: Option<String>,
    /// How Docker is reached from it.
    pub scenario: WorkloadScenario,
}

/// An input (or one document of it) that could not be linted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintError {
    /// The input's display name.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// The result of [`lint`]: serialises to `{ "findings": [...], "workloads": [...], "errors": [...] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// Findings, suppressed ones included (see [`Finding::suppressed`]), by file, line, column.
    pub findings: Vec<Finding>,
    /// Every workload, with its scenario.
    pub workloads: Vec<LintedWorkload>,
    /// Inputs or documents that could not be linted.
    pub errors: Vec<LintError>,
    #[serde(skip)]
    fail_on: Severity,
}

impl LintReport {
    /// 2 when an input could not be linted; else 1 when an unsuppressed finding is at or above
    /// `fail_on`; else 0.
    pub fn exit_code(&self) -> i32 {
        if !self.errors.is_empty() {
            2
        } else if self
            .findings
            .iter()
            .any(|f| !f.is_suppressed() && f.severity >= self.fail_on)
        {
            1
        } else {
            0
        }
    }

    /// The severity that fails ([`LintOptions::fail_on`]).
    pub fn fail_on(&self) -> Severity {
        self.fail_on
    }

    /// Unsuppressed findings.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }
}

/// A rule of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// `DS001`.
    pub code: &'static str,
    /// `runtime-socket-mount`.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// The help text of its findings.
    pub help: &'static str,
    /// The full page, Markdown (what `docs/rules/<name>.md` holds).
    pub docs: String,
    /// Where the page is published.
    pub help_uri: String,
}

impl RuleInfo {
    fn from_meta(m: &'static Meta) -> Self {
        RuleInfo {
            code: m.code,
            name: m.name,
            severity: m.severity,
            summary: m.summary,
            help: m.help,
            docs: rule_page(m),
            help_uri: format!("{RULE_DOCS_BASE}{}.md", m.name),
        }
    }
}

fn rule_page(m: &Meta) -> String {
    format!(
        "# {} {}\n\nSeverity: **{}**. {}.\n\n{}",
        m.code,
        m.name,
        m.severity,
        capitalise(m.summary),
        m.markdown()
    )
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every rule, in code order.
pub fn rules() -> Vec<RuleInfo> {
    RULES
        .iter()
        .map(|r| RuleInfo::from_meta(r.meta()))
        .collect()
}

/// A rule by code (`DS001`, any case) or name (`runtime-socket-mount`).
pub fn rule(code_or_name: &str) -> Option<RuleInfo> {
    let q = code_or_name.trim();
    RULES
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code.eq_ignore_ascii_case(q) || m.name == q)
        .map(RuleInfo::from_meta)
}

fn selector_matches(sel: &str, m: &Meta) -> bool {
    let s = sel.trim();
    s.eq_ignore_ascii_case("all")
        || m.name == s
        || (s.len() >= 2
            && m.code
                .get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s)))
}

/// Whether a selector (`--select`/`--ignore` value) names at least one rule.
pub fn selector_is_known(sel: &str) -> bool {
    RULES.iter().any(|r| selector_matches(sel, r.meta()))
}

fn enabled(options: &LintOptions) -> Vec<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .filter(|r| {
            let m = r.meta();
            (options.select.is_empty() || options.select.iter().any(|s| selector_matches(s, m)))
                && !options.ignore.iter().any(|s| selector_matches(s, m))
        })
        .collect()
}

/// Lint every input. Never panics; inputs that cannot be read are in [`LintReport::errors`].
pub fn lint<'a>(inputs: &[LintInput<'a>], options: &LintOptions) -> LintReport {
    let rules = enabled(options);
    let mut report = LintReport {
        findings: Vec::new(),
        workloads: Vec::new(),
        errors: Vec::new(),
        fail_on: options.fail_on,
    };
    let mut loader = Loader::default();
    for input in inputs {
        lint_one(input, &rules, &mut loader, &mut report);
    }
    report
}

fn detect(input: &LintInput<'_>) -> Option<InputKind> {
    let name = input.file.to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "yaml" | "yml" | "json" => return None,
        "sh" | "bash" | "zsh" | "ksh" | "bats" | "ps1" | "cmd" | "bat" | "txt" => {
            return Some(InputKind::Run);
        }
        _ => {}
    }
    if name.ends_with("makefile") || name.ends_with("dockerfile") || name.ends_with("jenkinsfile") {
        return Some(InputKind::Run);
    }
    // first meaningful line: YAML if it looks like a key, a document marker or a flow collection
    for line in input.text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            if t.starts_with("#!") {
                return Some(InputKind::Run);
            }
            continue;
        }
        if t.starts_with("---") || t.starts_with('{') || t.starts_with('[') || t.starts_with("- ") {
            return None;
        }
        let key = t.split_once(':').map(|(k, _)| k.trim_matches(['"', '\'']));
        let yaml_key = key.is_some_and(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        }) && !t.contains(" docker ")
            && !t.starts_with("docker ");
        return if yaml_key { None } else { Some(InputKind::Run) };
    }
    None
}

/// Whether a document is a Compose file: a top-level `services:` mapping and no `apiVersion`/`kind`.
fn is_compose(doc: &Doc<'_>) -> bool {
    let Some(root) = doc.root() else { return false };
    doc.get(root, "services").is_some_and(|s| doc.is_map(s))
        && doc.get(root, "apiVersion").is_none()
        && doc.get(root, "kind").is_none()
}

/// Per-input state for turning hits into findings.
struct FileCtx<'i> {
    file: &'i str,
    text: &'i str,
    lines: Option<Vec<usize>>,
    /// Whether the text has a `dockscape:` comment at all (computed once).
    has_directives: Option<bool>,
}

impl<'i> FileCtx<'i> {
    /// Whether any `dockscape:` directive may be in the text.
    fn has_directives(&mut self) -> bool {
        let text = self.text;
        *self
            .has_directives
            .get_or_insert_with(|| text.contains(suppress::MARKER))
    }

    /// The text of 1-based line `n`, without its line break.
    fn line(&mut self, n: usize) -> &'i str {
        let text = self.text;
        let starts = self.lines.get_or_insert_with(|| {
            let mut v = Vec::with_capacity(text.len() / 32 + 1);
            v.push(0);
            for (i, b) in text.bytes().enumerate() {
                if b == b'\n' {
                    v.push(i + 1);
                }
            }
            v
        });
        let Some(&start) = n.checked_sub(1).and_then(|i| starts.get(i)) else {
            return "";
        };
        let end = starts.get(n).map_or(text.len(), |&e| e.saturating_sub(1));
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

fn lint_one<'a>(
    input: &LintInput<'a>,
    rules: &[&'static dyn Rule],
    loader: &mut Loader<'a>,
    report: &mut LintReport,
) {
    let kind = input.kind.or_else(|| detect(input));
    let mut ctx = FileCtx {
        file: input.file,
        text: input.text,
        lines: None,
        has_directives: None,
    };
    let first_finding = report.findings.len();
    if kind == Some(InputKind::Run) {
        let unit = run::unit(input.text);
        process(&unit, None, rules, &mut ctx, report);
    } else {
        let mut errors = Vec::new();
        let mut budget_errors = Vec::new();
        loader.run(
            input.text,
            |doc, _| {
                let compose = match kind {
                    Some(InputKind::Compose) => true,
                    Some(_) => false,
                    None => is_compose(doc),
                };
                let unit = if compose {
                    compose::unit(doc)
                } else {
                    k8s::unit(doc)
                };
                if doc.exceeded() {
                    let (line, column) = doc.pos(0);
                    budget_errors.push(LintError {
                        file: input.file.to_string(),
                        line: Some(line as usize),
                        column: Some(column as usize),
                        message: "document expands too many aliases (alias budget exceeded)".into(),
                    });
                    return;
                }
                process(&unit, Some(doc), rules, &mut ctx, report);
            },
            |e| {
                let err = LintError {
                    file: input.file.to_string(),
                    line: Some(e.line),
                    column: Some(e.column),
                    message: e.message,
                };
                // a document re-read after recovery may fail at the same place again
                if errors.last() != Some(&err) {
                    errors.push(err);
                }
            },
        );
        report.errors.extend(errors);
        report.errors.extend(budget_errors);
    }
    if rules.iter().any(|r| r.meta().code == suppress::CODE) {
        suppress::reasonless_comments(&mut ctx, report);
    }
    if let Some(slice) = report.findings.get_mut(first_finding..) {
        slice.sort_by(|a, b| (a.line, a.column, a.code).cmp(&(b.line, b.column, b.code)));
    }
}

fn workload_label(w: &ir::Workload<'_>) -> String {
    let name = if w.name.is_empty() {
        "unnamed"
    } else {
        &w.name
    };
    match &w.namespace {
        Some(ns) => format!("{}/{}/{}", w.kind, ns, name),
        None => format!("{}/{}", w.kind, name),
    }
}

fn process(
    unit: &Unit<'_>,
    doc: Option<&Doc<'_>>,
    rules: &[&'static dyn Rule],
    ctx: &mut FileCtx<'_>,
    report: &mut LintReport,
) {
    let mut cx = Checker::default();
    for rule in rules {
        cx.current = Some(rule.meta());
        rule.check(unit, &mut cx);
    }
    let labels: Vec<String> = unit.workloads.iter().map(workload_label).collect();
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        report.workloads.push(LintedWorkload {
            file: ctx.file.to_string(),
            line: w.loc.line as usize,
            workload: labels.get(wi).cloned().unwrap_or_default(),
            kind: w.kind.to_string(),
            name: w.name.to_string(),
            namespace: w.namespace.as_ref().map(|n| n.to_string()),
            scenario: scenario::classify(w),
        });
    }
    let ds000 = rules.iter().any(|r| r.meta().code == suppress::CODE);
    let directives: Vec<Vec<suppress::Directive<'_>>> = unit
        .workloads
        .iter()
        .map(suppress::annotation_directives)
        .collect();
    if ds000 && let Some(meta) = suppress::meta() {
        for (wi, ds) in directives.iter().enumerate() {
            for d in ds.iter().filter(|d| d.reason.is_none()) {
                let hit = registry::Hit::new(wi, None, d.loc).args([d.codes.join(", ")]);
                let f = finding(meta, &hit, unit, doc, &labels, ctx, None);
                report.findings.push(f);
            }
        }
    }
    for (meta, hit) in &cx.hits {
        let reason = directives
            .get(hit.workload)
            .and_then(|ds| {
                ds.iter()
                    .filter(|d| d.covers(meta))
                    .find_map(|d| d.reason.clone())
            })
            .or_else(|| suppress::inline_for(ctx, hit.loc.line as usize, meta));
        let f = finding(meta, hit, unit, doc, &labels, ctx, reason);
        report.findings.push(f);
    }
}

fn finding(
    meta: &'static Meta,
    hit: &registry::Hit<'_>,
    unit: &Unit<'_>,
    doc: Option<&Doc<'_>>,
    labels: &[String],
    ctx: &mut FileCtx<'_>,
    suppressed: Option<String>,
) -> Finding {
    let template = meta
        .messages
        .get(hit.message)
        .or(meta.messages.first())
        .copied()
        .unwrap_or("");
    let w = unit.workloads.get(hit.workload);
    let container = w
        .and_then(|w| hit.container.and_then(|c| w.containers.get(c)))
        .map(|c| c.name.to_string());
    let loc: Loc<'_> = if hit.loc.line == 0 {
        w.map_or(Loc::NONE, |w| w.loc)
    } else {
        hit.loc
    };
    let path = match (loc.field, doc) {
        (Field::Node(id), Some(d)) => d.field_path(id),
        (Field::Text(t), _) => t.to_string(),
        _ => String::new(),
    };
    let line = loc.line as usize;
    Finding {
        code: meta.code,
        name: meta.name,
        severity: hit.severity.unwrap_or(meta.severity),
        message: registry::render(template, &hit.args),
        help: registry::render(meta.help, &hit.args),
        file: ctx.file.to_string(),
        line,
        column: loc.col as usize,
        path,
        workload: labels.get(hit.workload).cloned(),
        container,
        suppressed,
        source_line: ctx.line(line).to_string(),
    }
}
