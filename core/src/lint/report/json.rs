//! The JSON report: the serialised [`LintReport`].

use crate::lint::types::LintReport;

impl LintReport {
    /// The JSON document: `{ "findings": [...], "workloads": [...], "errors": [...] }`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
