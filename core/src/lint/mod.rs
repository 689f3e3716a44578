//! `dockscape lint`: the risk catalogue of `RULES.md` over Kubernetes manifests, Compose files and
//! `docker run` lines.
//!
//! The pipeline, per input: detect the kind and read it into the IR (the readers of
//! `crate::read`: YAML with positions, one document at a time; Kubernetes, Compose, `docker run`
//! lines and CI configurations), run every selected rule of the registry ([`rules`]) over it, and
//! turn the hits into [`Finding`]s (message rendering, field paths, suppressions) in one place
//! here. The shared types are in `types.rs`, the report renderers in `report/`.

mod baseline;
mod diagram;
mod embed;
mod fix;
mod registry;
mod report;
mod rules;
mod scenario;
mod suppress;
mod types;

use crate::read::context::{FileCtx, PosMap};
use crate::read::ir::{self, Field, Loc, Unit, WorkloadKind};
use crate::read::source::{Doc, Loader};
use crate::read::{ReadError, Sink, ci, compose, detect, is_compose, k8s, run};
use registry::{Checker, Meta, Rule};
use rules::RULES;
use serde::Serialize;

pub use crate::read::InputKind;
pub use baseline::{
    BASELINE_VERSION, BASELINED, Baseline, BaselineEntry, BaselineStats, finding_fingerprint,
};
pub use fix::{Fixed, apply_fixes, fix, fix_summary, fix_with};
pub use scenario::WorkloadScenario;
pub(crate) use scenario::classify;
pub use types::{
    Applicability, Finding, Fix, LintError, LintInput, LintOptions, LintReport, LintedWorkload,
    REPORT_SCHEMA_VERSION, ReportMeta, ReportTotals, Severity, Skipped,
};

/// Where the rule pages live (SARIF `helpUri`, `dockscape rule`).
pub const RULE_DOCS_BASE: &str = "https://github.com/dockscape/dockscape/blob/main/docs/rules/";

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
    /// Whether its findings carry a fix, and of which kind (`lint --fix`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Applicability>,
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
            fix: m.fix.as_ref().map(|f| f.applicability),
        }
    }
}

fn rule_page(m: &Meta) -> String {
    let fix = match &m.fix {
        Some(f) => format!(
            " Fix: **{}**, {} (`dockscape lint --fix{}`).",
            f.applicability.as_str(),
            f.message,
            if f.applicability == Applicability::Unsafe {
                " --unsafe-fixes"
            } else {
                ""
            }
        ),
        None => String::new(),
    };
    format!(
        "# {} {}\n\nSeverity: **{}**. {}.{fix}\n\n{}",
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
    let mut report = empty_report(inputs, &rules, options);
    let mut loader = Loader::default();
    for input in inputs {
        lint_one(input, &rules, options, &mut loader, &mut report);
    }
    report
}

fn empty_report(
    inputs: &[LintInput<'_>],
    rules: &[&'static dyn Rule],
    options: &LintOptions,
) -> LintReport {
    LintReport {
        findings: Vec::new(),
        workloads: Vec::new(),
        errors: Vec::new(),
        skipped: Vec::new(),
        dockscape: types::ReportMeta::default(),
        inputs: inputs.len(),
        files: inputs.iter().map(|i| i.file.to_string()).collect(),
        ran: rules
            .iter()
            .map(|r| (r.meta().code, r.meta().name))
            .collect(),
        skipped_given: 0,
        fail_on: options.fail_on,
        reach: Vec::new(),
    }
}

/// A piece of a longer input, for linting a stream in bounded memory ([`lint_piece`]): a run of
/// its whole YAML documents, or one item of the `items` of a `kind: List` document.
#[derive(Debug, Clone, Copy)]
pub struct LintPiece<'a> {
    /// The input's name and kind, and the piece's text.
    pub input: LintInput<'a>,
    /// The 1-based line of the input that is the piece's first line.
    pub first_line: usize,
    /// The byte offset in the (decoded) input of the piece's first byte: the edits of the
    /// findings' fixes are shifted by it, so they stay offsets into the whole input.
    pub first_byte: usize,
    /// `Some(n)`: the piece is item `n` of a List's `items`, its leading `-` replaced by a space
    /// (so every column stays); field paths then start with `items[n]`, as in the whole document.
    pub item: Option<usize>,
}

/// Lint one piece of an input: what [`lint`] reports for those lines of the whole input, with
/// the input's lines (findings, workloads, errors and the names of `docker run` lines named by
/// their line). The piece does not count as an input: the report of the whole input is the
/// pieces' reports appended ([`LintReport::append`]) in order, then [`lint_pieces_end`]. A
/// piece's [`LintReport::skipped`] (nothing the linter reads in it, a template) is the caller's
/// to keep or drop: an input is skipped only when every piece of it is.
///
/// ```
/// use dockscape::{LintInput, LintOptions, LintPiece};
/// // item 3 of a List, its `- ` blanked, starting at line 40 of the stream
/// let item = "  apiVersion: v1\n  kind: Pod\n  metadata: {name: ci}\n  spec:\n    containers:\n    - name: c\n      image: x\n      securityContext: {privileged: true}\n";
/// let piece = LintPiece {
///     input: LintInput { file: "-", text: item, kind: None },
///     first_line: 40,
///     first_byte: 2_000,
///     item: Some(3),
/// };
/// let options = LintOptions { select: vec!["DS006".into()], ..LintOptions::default() };
/// let report = dockscape::lint_piece(&piece, &options);
/// let f = &report.findings[0];
/// assert_eq!((f.line, f.column), (47, 37));
/// assert_eq!(f.path, "items[3].spec.containers[0].securityContext.privileged");
/// ```
pub fn lint_piece(piece: &LintPiece<'_>, options: &LintOptions) -> LintReport {
    let rules = enabled(options);
    let mut report = empty_report(&[], &rules, options);
    let mut loader = Loader::default();
    loader.set_item(piece.item);
    lint_one(&piece.input, &rules, options, &mut loader, &mut report);
    report.skipped_given = 0;
    shift_lines(&mut report, piece.first_line.saturating_sub(1));
    if piece.first_byte > 0 {
        for e in report
            .findings
            .iter_mut()
            .filter_map(|f| f.fix.as_mut())
            .flat_map(|fix| fix.edits.iter_mut())
        {
            e.start += piece.first_byte;
            e.end += piece.first_byte;
        }
    }
    report
}

/// The end of an input linted in pieces ([`lint_piece`]): it counts the input once, as linted,
/// or as skipped for `skipped`.
pub fn lint_pieces_end(file: &str, skipped: Option<Skipped>, options: &LintOptions) -> LintReport {
    let rules = enabled(options);
    let mut report = empty_report(&[], &rules, options);
    report.inputs = 1;
    report.files.push(file.to_string());
    if let Some(s) = skipped {
        report.skipped.push(s);
        report.skipped_given = 1;
    }
    report
}

/// Whether an input can be linted in pieces ([`lint_piece`]), judged on its name, its forced
/// kind and `head`, its first part: YAML or JSON documents (Kubernetes, Compose, YAML CI
/// configurations), not a script, a Jenkinsfile, a runner's `config.toml` or a template.
pub fn lint_in_pieces(file: &str, head: &str, kind: Option<InputKind>) -> bool {
    if kind.is_none() && template_reason(file, head).is_some() {
        return false;
    }
    match kind.or_else(|| detect(file, head)) {
        None => true,
        Some(k) => k != InputKind::Run && !ci::is_text(k),
    }
}

/// Move every line of `report` down by `by` lines.
fn shift_lines(report: &mut LintReport, by: usize) {
    if by == 0 {
        return;
    }
    let mut renames: Vec<(String, String)> = Vec::new();
    for w in &mut report.workloads {
        if w.line == 0 {
            continue;
        }
        let old = w.line;
        w.line += by;
        // a `docker run` without `--name` is named by its line
        if w.kind == "run" && w.name == format!("line {old}") {
            let label = w.workload.clone();
            w.name = format!("line {}", w.line);
            w.workload = format!("run/{}", w.name);
            renames.push((label, w.workload.clone()));
        }
    }
    for f in &mut report.findings {
        if f.line > 0 {
            f.line += by;
        }
        if let Some(label) = &f.workload
            && let Some((_, new)) = renames.iter().find(|(old, _)| old == label)
        {
            f.workload = Some(new.clone());
        }
    }
    for e in &mut report.errors {
        if let Some(l) = e.line.as_mut().filter(|l| **l > 0) {
            *l += by;
        }
    }
}

/// Lint an already-parsed object: a Kubernetes object or a Compose file as a `serde_json::Value`, a
/// k8s-openapi `Pod`, `PodSpec` (linted as the spec of a Pod named `name`), `Deployment`, or any
/// value that serialises to one. Returns the same findings as the text would, by field path: there
/// is no text, so `line` and `column` are 0.
///
/// ```
/// let pod = serde_json::json!({
///     "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ci"},
///     "spec": {"containers": [{"name": "job", "image": "docker:29-cli",
///         "securityContext": {"privileged": true}}]}
/// });
/// let report = dockscape::lint_value("ci", &pod, &dockscape::LintOptions::default());
/// let f = report.findings.iter().find(|f| f.code == "DS006").unwrap();
/// assert_eq!(f.path, "spec.containers[0].securityContext.privileged");
/// assert_eq!(f.line, 0);
/// ```
pub fn lint_value<T: serde::Serialize + ?Sized>(
    name: &str,
    value: &T,
    options: &LintOptions,
) -> LintReport {
    let mut json = match serde_json::to_value(value) {
        Ok(v) => v,
        Err(e) => {
            return lint(
                &[LintInput {
                    file: name,
                    text: "",
                    kind: None,
                }],
                options,
            )
            .with_error(name, format!("cannot serialise the value: {e}"));
        }
    };
    // a bare PodSpec (it has `containers` at the top) is linted as the spec of a Pod
    if json.get("containers").is_some() && json.get("kind").is_none() {
        json = serde_json::json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": json
        });
    }
    let text = serde_json::to_string(&json).unwrap_or_default();
    let mut report = lint(
        &[LintInput {
            file: name,
            text: &text,
            kind: None,
        }],
        options,
    );
    for f in &mut report.findings {
        f.line = 0;
        f.column = 0;
        f.source_line.clear();
    }
    for w in &mut report.workloads {
        w.line = 0;
    }
    for e in &mut report.errors {
        e.line = None;
        e.column = None;
    }
    report
}

impl LintReport {
    fn with_error(mut self, file: &str, message: String) -> Self {
        self.errors.push(LintError {
            file: file.to_string(),
            line: None,
            column: None,
            message,
        });
        self
    }
}

/// The lint pipeline as a reader's [`Sink`]: every unit is checked by the rules and its hits
/// become findings of the file.
struct LintSink<'r, 'c, 'i> {
    rules: &'r [&'static dyn Rule],
    ctx: &'c mut FileCtx<'i>,
    report: &'r mut LintReport,
}

/// Documents of one input that the readers could not judge, and why (see [`Sink::skip`]).
type DocSkips = Vec<String>;

impl Sink for LintSink<'_, '_, '_> {
    fn unit(&mut self, unit: &Unit<'_>, doc: Option<&Doc<'_>>) {
        // units of CI text (a Jenkinsfile's pods): no fixes
        process(unit, doc, self.rules, self.ctx, self.report, false);
    }

    fn embedded(&mut self, unit: &Unit<'_>, doc: Option<&Doc<'_>>, text: &str, map: &PosMap<'_>) {
        embed::process_embedded(unit, doc, text, self.rules, self.ctx, self.report, map);
    }

    fn error(&mut self, error: ReadError) {
        self.report.errors.push(LintError {
            file: self.ctx.file.to_string(),
            line: error.line,
            column: error.column,
            message: error.message,
        });
    }

    fn skip(&mut self, reason: String) {
        // a skipped document: listed, the input still linted (counted as skipped only when
        // nothing else of it was read, at the end of `lint_one`)
        self.report.skipped.push(Skipped {
            file: self.ctx.file.to_string(),
            reason,
        });
    }

    fn line(&mut self, n: usize) -> &str {
        self.ctx.line(n)
    }
}

fn lint_one<'a>(
    input: &LintInput<'a>,
    rules: &[&'static dyn Rule],
    options: &LintOptions,
    loader: &mut Loader<'a>,
    report: &mut LintReport,
) {
    if input.kind.is_none()
        && let Some(reason) = template_reason(input.file, input.text)
    {
        skip(report, input.file, reason);
        return;
    }
    let kind = input.kind.or_else(|| detect(input.file, input.text));
    let first_workload = report.workloads.len();
    let first_error = report.errors.len();
    // whether anything of the input is a kind the linter reads
    let mut recognised = false;
    let mut ctx = FileCtx {
        file: input.file,
        text: input.text,
        lines: None,
        has_directives: None,
    };
    let first_finding = report.findings.len();
    let mut doc_skips = DocSkips::new();
    if let Some(k) = kind.filter(|k| ci::is_text(*k)) {
        let mut sink = LintSink {
            rules,
            ctx: &mut ctx,
            report,
        };
        ci::read_text(k, input.text, &mut sink);
        recognised = true;
    } else if kind == Some(InputKind::Run) {
        let (unit, errors) = run::read(input.text);
        // a script named as one was looked at, with or without `docker run` lines; other text
        // is only something the linter reads when it holds one
        recognised = !unit.workloads.is_empty() || is_script_name(input.file);
        process(&unit, None, rules, &mut ctx, report, false);
        report.errors.extend(errors.into_iter().map(|e| LintError {
            file: input.file.to_string(),
            line: e.line,
            column: e.column,
            message: e.message,
        }));
    } else {
        let mut errors = Vec::new();
        let mut budget_errors = Vec::new();
        let mut compose_errors = Vec::new();
        // what the Tekton runs of the input give the Tasks they name (empty for other inputs)
        let runs = ci::Runs::scan(input.text);
        let doc_skips = &mut doc_skips;
        loader.run(
            input.text,
            |doc, _| {
                let compose = match kind {
                    Some(InputKind::Compose) => true,
                    Some(_) => false,
                    None => is_compose(doc),
                };
                let ci_kind = ci::doc_kind(kind, doc);
                recognised |= compose || ci_kind.is_some() || is_k8s_object(doc);
                let unit = if let Some(k) = ci_kind {
                    ci::unit(k, doc, &runs)
                } else if compose {
                    let (unit, errs) = compose::unit_with(doc, options.compose_env.as_ref());
                    compose_errors.extend(errs.into_iter().map(|e| LintError {
                        file: input.file.to_string(),
                        line: e.line,
                        column: e.column,
                        message: e.message,
                    }));
                    unit
                } else {
                    k8s::unit(doc)
                };
                // input errors the reader found (wrong types, duplicate keys)
                for (line, column, message) in doc.take_problems() {
                    report.errors.push(LintError {
                        file: input.file.to_string(),
                        line: Some(line as usize),
                        column: Some(column as usize),
                        message,
                    });
                }
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
                let start = report.findings.len();
                let workloads_start = report.workloads.len();
                process(&unit, Some(doc), rules, &mut ctx, report, ci_kind.is_none());
                if compose && ci_kind.is_none() {
                    // Compose values read several ways (unknown variables, duplicate keys): one
                    // finding per value
                    dedupe(report, start);
                }
                if let Some(k) = ci_kind {
                    // GitLab hands the same `variables` to the job and its services: one finding
                    // per value
                    if k == InputKind::Gitlab {
                        dedupe(report, start);
                    }
                    let mut sink = LintSink {
                        rules,
                        ctx: &mut ctx,
                        report,
                    };
                    if let Some(reason) = ci::skipped(k, doc, &runs) {
                        doc_skips.push(reason.clone());
                        sink.skip(reason);
                    }
                    for id in ci::scripts(k, doc) {
                        ci::shell_scalar(doc, id, &mut sink);
                    }
                    if k == InputKind::Kubernetes {
                        // an Argo Workflows object: containers whose command is the CLI, and
                        // the objects its `resource` templates make
                        for args in k8s::argvs(doc) {
                            ci::argv(doc, &args, &mut sink);
                        }
                        for id in ci::manifests(doc) {
                            ci::yaml_scalar(doc, id, &mut sink);
                        }
                    }
                } else if !compose {
                    // the shell text any Kubernetes container runs (`command: [sh, -c, "..."]`,
                    // lifecycle hooks, exec probes): its `docker run` lines are judged where they are
                    let mut sink = LintSink {
                        rules,
                        ctx: &mut ctx,
                        report,
                    };
                    let (scripts, argvs) = k8s::commands(doc, true);
                    for id in scripts {
                        ci::shell_scalar(doc, id, &mut sink);
                    }
                    // a container whose command is the container CLI itself (argv, no shell)
                    for args in argvs {
                        ci::argv(doc, &args, &mut sink);
                    }
                }
                if compose && ci_kind.is_none() {
                    // the shell text and the argument vectors the services run
                    let mut sink = LintSink {
                        rules,
                        ctx: &mut ctx,
                        report,
                    };
                    let cmds = compose::commands(doc, options.compose_env.as_ref());
                    for (id, text, from) in &cmds.scripts {
                        ci::shell_text(doc, *id, text, Some(from), &mut sink);
                    }
                    for args in &cmds.argvs {
                        ci::argv(doc, args, &mut sink);
                    }
                }
                if !compose && matches!(ci_kind, None | Some(InputKind::Kubernetes)) {
                    // a List's items each with the `docker run` lines of its scripts, in the
                    // file's order (as when the items are linted one by one, streamed)
                    if let Some(ws) = report.workloads.get_mut(workloads_start..) {
                        ws.sort_by_key(|w| w.line);
                    }
                }
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
        report.errors.extend(compose_errors);
    }
    let nothing = report.workloads.len() == first_workload && report.errors.len() == first_error;
    if !doc_skips.is_empty() {
        // documents skipped, each listed with its reason (`` `Kind/name`: … ``): the input was
        // read, so it is not one of the inputs skipped, and it is judged the same streamed
    } else if let Some(k) = input.kind.filter(|_| nothing) {
        skip(
            report,
            input.file,
            format!(
                "read as {} (forced), but no workload was found in it",
                k.as_str()
            ),
        );
    } else if !recognised && nothing {
        skip(
            report,
            input.file,
            "not a Kubernetes object, Compose file, CI configuration or script with `docker run` lines"
                .to_string(),
        );
    }
    if rules.iter().any(|r| r.meta().code == suppress::CODE) {
        suppress::reasonless_comments(&mut ctx, report);
    }
    if let Some(slice) = report.findings.get_mut(first_finding..) {
        slice.sort_by(|a, b| (a.line, a.column, a.code).cmp(&(b.line, b.column, b.code)));
    }
}

fn skip(report: &mut LintReport, file: &str, reason: String) {
    report.skipped.push(Skipped {
        file: file.to_string(),
        reason,
    });
    report.skipped_given += 1;
}

/// Whether a name says it is a script (`.sh`, a `Makefile`...), linted even without `docker run`.
fn is_script_name(file: &str) -> bool {
    let name = file.to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "sh" | "bash" | "zsh" | "ksh" | "bats" | "ps1" | "cmd" | "bat"
    ) || name.ends_with("makefile")
        || name.ends_with("dockerfile")
}

/// Whether a YAML document is a Kubernetes object (`apiVersion` and `kind` at the top).
fn is_k8s_object(doc: &Doc<'_>) -> bool {
    doc.root().is_some_and(|r| {
        doc.is_map(r) && doc.get(r, "kind").is_some() && doc.get(r, "apiVersion").is_some()
    })
}

/// Why an input is a template to render before linting (Helm's `{{ }}` actions on lines of their
/// own or in keys, Jinja's `{% %}`, a `.tpl`/`.j2`/`.gotmpl` name), if it is one. A `{{ }}` inside
/// a value is not enough: Argo Workflows and GitHub Actions write those in the documents
/// themselves.
fn template_reason(file: &str, text: &str) -> Option<String> {
    let name = file.to_ascii_lowercase();
    let templated_name = [".tpl", ".j2", ".jinja", ".jinja2", ".gotmpl", ".tmpl"]
        .iter()
        .any(|e| name.ends_with(e));
    // The substring search (memchr-fast) rules out almost every file before the line scan.
    let action_line = (text.contains("{{") || text.contains("{%"))
        && text.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with("{{") || t.starts_with("{%") || t.starts_with("- {{-")
        });
    if !(templated_name || action_line) {
        return None;
    }
    let helm = name.contains("templates/") || name.contains("templates\\");
    Some(
        if helm || text.contains(".Values") || text.contains(".Release") {
            "a Helm template: lint the rendered output (`helm template . | dockscape lint -`)"
                .into()
        } else {
            "a template (`{{ }}` or `{% %}` actions): lint the rendered output".into()
        },
    )
}

/// Drop findings that repeat an earlier one (same code, position and workload).
fn dedupe(report: &mut LintReport, start: usize) {
    let Some(tail) = report.findings.get(start..) else {
        return;
    };
    let mut keep: Vec<Finding> = Vec::with_capacity(tail.len());
    for f in tail {
        if !keep.iter().any(|k| {
            k.code == f.code && k.line == f.line && k.column == f.column && k.workload == f.workload
        }) {
            keep.push(f.clone());
        }
    }
    report.findings.truncate(start);
    report.findings.extend(keep);
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

/// `fixes`: whether the findings get their rules' fixes (a Kubernetes or Compose document of the
/// file itself, not a CI configuration or embedded text).
fn process(
    unit: &Unit<'_>,
    doc: Option<&Doc<'_>>,
    rules: &[&'static dyn Rule],
    ctx: &mut FileCtx<'_>,
    report: &mut LintReport,
    fixes: bool,
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
        report.reach.push(diagram::reach(w));
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
    // found once per document, when a finding first has a fix
    let mut facts = None;
    for (meta, hit) in &cx.hits {
        let reason = directives
            .get(hit.workload)
            .and_then(|ds| {
                ds.iter()
                    .filter(|d| d.covers(meta))
                    .find_map(|d| d.reason.clone())
            })
            .or_else(|| suppress::inline_for(ctx, hit.loc.line as usize, meta));
        let mut f = finding(meta, hit, unit, doc, &labels, ctx, reason);
        if fixes
            && f.suppressed.is_none()
            && meta.fix.is_some()
            && let Some(d) = doc
            && let Some(rule) = rules.iter().find(|r| r.meta().code == meta.code)
        {
            f.fix = fix::fix_of(*rule, meta, hit, unit, d, ctx.text, &mut facts);
        }
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
        fix: None,
        source_line: ctx.line(line).to_string(),
    }
}
