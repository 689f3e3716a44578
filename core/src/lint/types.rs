//! The types every part of the linter shares, at the bottom of it: [`Severity`], what goes in
//! ([`LintInput`], [`LintOptions`]) and what comes out ([`Finding`], [`LintedWorkload`],
//! [`LintError`], [`LintReport`]). Rules, readers, suppressions and report renderers import them
//! from here, never from the module above.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::diagram::Reach;
use super::scenario::WorkloadScenario;
use crate::read::InputKind;
use crate::{Error, ErrorKind};

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

    pub(crate) fn rank(self) -> u8 {
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

/// One input: a display name, its text, and its kind (detected when `None`).
#[derive(Debug, Clone, Copy)]
pub struct LintInput<'a> {
    /// The name findings report (a path, `-` for stdin, a playground tab).
    pub file: &'a str,
    /// The text.
    pub text: &'a str,
    /// The kind; `None` detects it: `.sh`-like names and non-YAML text are `docker run` lines, a
    /// YAML document with a top-level `services:` is Compose, anything else Kubernetes. CI files
    /// are detected by name (`Jenkinsfile`, `.gitlab-ci.yml`, `.drone.yml`) or content (see
    /// `docs/lint-ci.md`).
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
    /// Compose variables known at lint time (`.env`, `--env-file`); `None` (and any variable it
    /// lacks) is unknown, judged both unset and set (see `docs/lint-evasion.md`).
    pub compose_env: Option<crate::read::interpolate::Env>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            select: Vec::new(),
            ignore: Vec::new(),
            fail_on: Severity::High,
            compose_env: None,
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
    /// The mechanical fix of its rule, when the rule has one and it applies here (never on a
    /// suppressed finding, nor in text embedded in another file); absent from the JSON report
    /// otherwise. See [`crate::fix`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The source line, for the code frame.
    #[serde(skip)]
    pub source_line: String,
}

/// Whether a fix keeps what the workload does (ruff's model): safe fixes are applied by `lint
/// --fix`, unsafe ones only with `--unsafe-fixes` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Nothing the workload's own file shows stops working: only what the finding reports changes.
    Safe,
    /// It can break a workload that relied on what the finding reports (a write to the host path,
    /// a setuid binary): review it.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// A finding's fix: text edits on the linted input (byte offsets into the text given to
/// [`lint`](super::lint)), sorted, not overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// What it does (add `readOnly: true`), lowercase, no trailing period.
    pub message: String,
    /// The edits; applying them (and no other fix's) removes this finding.
    pub edits: Vec<crate::migrate::Edit>,
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

/// The result of [`lint`](super::lint): serialises to `{ "findings": [...], "workloads": [...], "errors": [...] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// Findings, suppressed ones included (see [`Finding::suppressed`]), by file, line, column.
    pub findings: Vec<Finding>,
    /// Every workload, with its scenario.
    pub workloads: Vec<LintedWorkload>,
    /// Inputs or documents that could not be linted.
    pub errors: Vec<LintError>,
    /// Inputs that were not linted because they are none of the kinds the linter reads (or a
    /// template to render first), each with the reason; not an error.
    pub skipped: Vec<Skipped>,
    /// Which dockscape wrote the report, for which Kubernetes API, in which schema version.
    pub dockscape: ReportMeta,
    /// How many inputs were given (linted, skipped or unreadable).
    #[serde(skip)]
    pub(crate) inputs: usize,
    /// The display names of the inputs given, in order (the JUnit report has a test case per rule
    /// and file).
    #[serde(skip)]
    pub(crate) files: Vec<String>,
    /// The rules that ran, as (code, name), in code order.
    #[serde(skip)]
    pub(crate) ran: Vec<(&'static str, &'static str)>,
    /// How many of `skipped` were inputs given to [`lint`](super::lint).
    #[serde(skip)]
    pub(crate) skipped_given: usize,
    #[serde(skip)]
    pub(crate) fail_on: Severity,
    /// What each workload reaches, parallel to `workloads` (for [`LintReport::diagram`]).
    #[serde(skip)]
    pub(crate) reach: Vec<Reach>,
}

/// The version of the JSON report's schema (`docs/report.schema.json`): fields are only added within a
/// major version of dockscape, never renamed or removed.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// What wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportMeta {
    /// The dockscape version.
    pub version: &'static str,
    /// The Kubernetes API version the build targets (`1.37`).
    pub kubernetes: &'static str,
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema: u32,
}

impl Default for ReportMeta {
    fn default() -> Self {
        ReportMeta {
            version: crate::VERSION,
            kubernetes: crate::KUBERNETES_API_VERSION,
            schema: REPORT_SCHEMA_VERSION,
        }
    }
}

/// An input that was not linted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The input's display name.
    pub file: String,
    /// Why it was not linted.
    pub reason: String,
}

impl LintReport {
    /// How many inputs were linted: given, less the skipped ones. Inputs a caller adds to
    /// [`LintReport::skipped`] itself (a file a directory walk reached but could not read as text)
    /// were never given, so they are not counted against it.
    pub fn linted(&self) -> usize {
        self.inputs.saturating_sub(self.skipped_given)
    }

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

    /// The one-line summary the text report ends with (without the newline): `2 findings (1
    /// critical, 1 high), 1 suppressed, 1 input error, 1 skipped`, `no findings`, or `nothing
    /// linted` when no input was linted.
    ///
    /// ```
    /// use dockscape::{LintInput, LintOptions};
    /// let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: ci}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n";
    /// let report = dockscape::lint(
    ///     &[LintInput { file: "pod.yaml", text: pod, kind: None }],
    ///     &LintOptions { select: vec!["DS006".into()], ..LintOptions::default() },
    /// );
    /// assert_eq!(report.summary(), "1 finding (1 critical)");
    /// assert!(report.to_text(false).ends_with("1 finding (1 critical)\n"));
    /// assert_eq!(dockscape::lint(&[], &LintOptions::default()).summary(), "nothing linted");
    /// ```
    pub fn summary(&self) -> String {
        let mut totals = ReportTotals::default();
        totals.add(self);
        totals.summary()
    }

    /// Add the report of the inputs that follow this report's, linted with the same options:
    /// `lint(a)` then `append(lint(b))` is `lint(a ++ b)`, findings, workloads, errors and
    /// skipped inputs in the same order. This is how the inputs are linted on several threads
    /// (the CLI's `--threads`): each thread lints a run of consecutive inputs, and the reports are
    /// appended in input order.
    pub fn append(&mut self, other: LintReport) {
        let LintReport {
            findings,
            workloads,
            errors,
            skipped,
            dockscape: _,
            inputs,
            files,
            ran: _,
            skipped_given,
            fail_on: _,
            reach,
        } = other;
        self.findings.extend(findings);
        self.workloads.extend(workloads);
        self.errors.extend(errors);
        self.skipped.extend(skipped);
        self.inputs += inputs;
        self.files.extend(files);
        self.skipped_given += skipped_given;
        self.reach.extend(reach);
    }
}

/// The counts a report's summary line is made of, added up over several reports: a stream linted
/// piece by piece ([`lint_piece`](super::lint_piece)) writes each piece's findings as it goes and
/// the summary of them all at the end, without keeping the findings.
///
/// ```
/// use dockscape::{LintInput, LintOptions, ReportTotals};
/// let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: ci}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n";
/// let options = LintOptions { select: vec!["DS006".into()], ..LintOptions::default() };
/// let report = dockscape::lint(&[LintInput { file: "pod.yaml", text: pod, kind: None }], &options);
/// let mut totals = ReportTotals::default();
/// totals.add(&report);
/// totals.add(&report);
/// assert_eq!(totals.summary(), "2 findings (2 critical)");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportTotals {
    /// Unsuppressed findings per severity, in the order of [`Severity::ALL`].
    active: [usize; 5],
    suppressed: usize,
    errors: usize,
    skipped: usize,
    linted: usize,
}

impl ReportTotals {
    /// Count what `report` holds.
    pub fn add(&mut self, report: &LintReport) {
        for f in &report.findings {
            if f.is_suppressed() {
                self.suppressed += 1;
            } else if let Some(n) = Severity::ALL
                .iter()
                .position(|s| *s == f.severity)
                .and_then(|i| self.active.get_mut(i))
            {
                *n += 1;
            }
        }
        self.errors += report.errors.len();
        self.skipped += report.skipped.len();
        self.linted += report.linted();
    }

    /// The one-line summary ([`LintReport::summary`]) of everything added.
    pub fn summary(&self) -> String {
        let n: usize = self.active.iter().sum();
        let mut out = if n == 0 && self.linted == 0 && self.errors == 0 {
            // "no findings" only when the linter looked at something
            "nothing linted".to_string()
        } else if n == 0 {
            "no findings".to_string()
        } else {
            let parts: Vec<String> = Severity::ALL
                .iter()
                .zip(self.active.iter())
                .filter(|(_, n)| **n > 0)
                .map(|(s, n)| format!("{n} {s}"))
                .collect();
            format!(
                "{n} finding{} ({})",
                if n == 1 { "" } else { "s" },
                parts.join(", ")
            )
        };
        if self.suppressed > 0 {
            out.push_str(&format!(", {} suppressed", self.suppressed));
        }
        if self.errors > 0 {
            let n = self.errors;
            out.push_str(&format!(
                ", {n} input error{}",
                if n == 1 { "" } else { "s" }
            ));
        }
        if self.skipped > 0 {
            out.push_str(&format!(", {} skipped", self.skipped));
        }
        out
    }
}
