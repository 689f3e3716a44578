//! Baselines, for turning the linter on in an old repository: today's findings recorded by a
//! fingerprint that survives unrelated edits, so later runs report only what is new.
//!
//! A fingerprint is the rule's code, the file, the workload, the container, the field path with
//! each container's list index replaced by its name (`spec.containers[name=app]...`: reordering the
//! containers changes nothing), and the rendered message (which carries the offending value). The
//! line and column are left out: a comment added above a finding does not make it new.

use serde::{Deserialize, Serialize};

use super::report::fingerprint;
use super::types::{Finding, LintReport};

/// The format version of a baseline file.
pub const BASELINE_VERSION: u32 = 1;

/// A baseline: the findings a repository accepted, by fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`BASELINE_VERSION`].
    pub version: u32,
    /// One entry per accepted finding.
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding. Only `fingerprint` is matched; the rest is there for the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// What is matched.
    pub fingerprint: String,
    /// The rule.
    pub code: String,
    /// The file.
    pub file: String,
    /// The workload, when the finding has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// The message when it was recorded.
    pub message: String,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BaselineStats {
    /// Findings the baseline covered (now suppressed with the reason `in the baseline`).
    pub baselined: usize,
    /// Baseline entries that matched no finding (fixed, or changed): the file can shrink.
    pub stale: usize,
}

/// The reason a baselined finding carries.
pub const BASELINED: &str = "in the baseline";

/// The path with every `containers[N]`/`initContainers[N]`/`ephemeralContainers[N]` index
/// replaced by the container's name.
fn named_path(f: &Finding) -> String {
    let Some(container) = &f.container else {
        return f.path.clone();
    };
    let mut out = String::with_capacity(f.path.len() + container.len());
    let mut rest = f.path.as_str();
    while let Some(at) = rest.find("ontainers[") {
        let (head, tail) = rest.split_at(at + "ontainers[".len());
        out.push_str(head);
        match tail.find(']') {
            Some(end)
                if tail
                    .get(..end)
                    .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())) =>
            {
                out.push_str("name=");
                out.push_str(container);
                rest = tail.get(end..).unwrap_or("");
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// The fingerprint of a finding (see the module docs).
pub fn finding_fingerprint(f: &Finding) -> String {
    fingerprint(&[
        f.code,
        &f.file,
        f.workload.as_deref().unwrap_or(""),
        f.container.as_deref().unwrap_or(""),
        &named_path(f),
        &f.message,
    ])
}

impl LintReport {
    /// The baseline of this report's unsuppressed findings.
    pub fn baseline(&self) -> Baseline {
        Baseline {
            version: BASELINE_VERSION,
            findings: self
                .active()
                .map(|f| BaselineEntry {
                    fingerprint: finding_fingerprint(f),
                    code: f.code.to_string(),
                    file: f.file.clone(),
                    workload: f.workload.clone(),
                    message: f.message.clone(),
                })
                .collect(),
        }
    }

    /// Suppress every finding the baseline holds (each entry covers one finding), with the reason
    /// [`BASELINED`]; says how many were covered and how many entries matched nothing.
    pub fn apply_baseline(&mut self, baseline: &Baseline) -> BaselineStats {
        let mut left: Vec<&str> = baseline
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let mut stats = BaselineStats::default();
        for f in self.findings.iter_mut().filter(|f| f.suppressed.is_none()) {
            let fp = finding_fingerprint(f);
            if let Some(i) = left.iter().position(|e| *e == fp) {
                left.swap_remove(i);
                f.suppressed = Some(BASELINED.to_string());
                stats.baselined += 1;
            }
        }
        stats.stale = left.len();
        stats
    }
}
