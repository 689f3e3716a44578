//! JSON Lines: one JSON object a line, for each finding, workload, input error and skipped input,
//! each tagged with its `type`. Unlike the JSON report, the lines of one input's report can be
//! written as soon as that input is linted, so a consumer (`jq`, a log shipper) reads them as they
//! come.

use serde::Serialize;

use crate::lint::types::LintReport;

impl LintReport {
    /// One line per finding (`"type":"finding"`), then per workload (`"workload"`), input error
    /// (`"error"`) and skipped input (`"skipped"`); the other fields are those of the JSON report's
    /// objects (`docs/report.schema.json`).
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            line(&mut out, "finding", f);
        }
        for w in &self.workloads {
            line(&mut out, "workload", w);
        }
        for e in &self.errors {
            line(&mut out, "error", e);
        }
        for s in &self.skipped {
            line(&mut out, "skipped", s);
        }
        out
    }
}

/// `{"type":"<kind>", ...the value's fields}` and a line break.
fn line<T: Serialize>(out: &mut String, kind: &str, value: &T) {
    let Ok(body) = serde_json::to_string(value) else {
        return;
    };
    out.push_str("{\"type\":\"");
    out.push_str(kind);
    out.push('"');
    // every value here serialises to an object: `{` then its fields, or `{}`
    match body.strip_prefix('{') {
        Some(rest) if rest != "}" => {
            out.push(',');
            out.push_str(rest);
        }
        _ => out.push('}'),
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use crate::{LintInput, LintOptions, lint};

    #[test]
    fn one_object_a_line_with_its_type() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: ci}\nspec:\n  containers:\n    - name: c\n      image: docker:27-cli\n      securityContext: {privileged: true}\n";
        let report = lint(
            &[
                LintInput {
                    file: "pod.yaml",
                    text,
                    kind: None,
                },
                LintInput {
                    file: "broken.yaml",
                    text: "a: [\n",
                    kind: None,
                },
            ],
            &LintOptions::default(),
        );
        let out = report.to_jsonl();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        let of = |t: &str| lines.iter().filter(|v| v["type"] == t).count();
        assert_eq!(of("finding"), report.findings.len());
        assert!(of("finding") > 0);
        assert_eq!(of("workload"), 1);
        assert_eq!(of("error"), report.errors.len());
        assert!(of("error") > 0);
        assert_eq!(
            lines.len(),
            of("finding") + of("workload") + of("error") + of("skipped")
        );
        // the fields are the JSON report's
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
        let mut first = lines[0].clone();
        first.as_object_mut().expect("object").remove("type");
        assert_eq!(first, json["findings"][0]);
    }
}
