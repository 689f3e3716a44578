//! JUnit XML, as Jenkins' JUnit plugin and GitLab's unit test reports read it: one `<testsuite>`
//! per input file, one `<testcase>` per rule that ran on it (`classname` the file, `name` the rule),
//! failing with one `<failure>` per unsuppressed finding of that rule in that file; an input error is
//! an `<error>` test case of its file. Passing test cases show what was checked.

use std::fmt::Write as _;

use super::escape;
use crate::lint::types::{Finding, LintReport};

/// XML text and attribute escaping, with every character XML 1.0 cannot carry made visible.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in escape::text(s).chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{fffe}' | '\u{ffff}' => out.push_str("\\u{fffe}"),
            c => out.push(c),
        }
    }
    out
}

fn failure_text(f: &Finding) -> String {
    let mut t = format!(
        "{}:{}:{}: {}\nhelp: {}",
        f.file, f.line, f.column, f.message, f.help
    );
    if let Some(w) = &f.workload {
        let _ = write!(t, "\nworkload: {w}");
    }
    if let Some(c) = &f.container {
        let _ = write!(t, "\ncontainer: {c}");
    }
    if !f.path.is_empty() {
        let _ = write!(t, "\nat: {}", f.path);
    }
    t
}

impl LintReport {
    /// JUnit XML: a test suite per input file, a test case per rule and file.
    pub fn to_junit(&self) -> String {
        let mut files: Vec<&str> = self.files.iter().map(String::as_str).collect();
        for name in self.errors.iter().map(|e| e.file.as_str()) {
            if !files.contains(&name) {
                files.push(name);
            }
        }
        let skipped: Vec<&str> = self.skipped.iter().map(|s| s.file.as_str()).collect();
        let mut suites = String::new();
        let (mut all_tests, mut all_failures, mut all_errors) = (0, 0, 0);
        for file in files {
            let errors: Vec<_> = self.errors.iter().filter(|e| e.file == file).collect();
            let mut cases = String::new();
            let (mut tests, mut failures) = (0, 0);
            // a file skipped whole (not one skipped document beside linted ones)
            if skipped.contains(&file)
                && errors.is_empty()
                && !self.workloads.iter().any(|w| w.file == file)
            {
                let reason = self
                    .skipped
                    .iter()
                    .find(|s| s.file == file)
                    .map_or("", |s| s.reason.as_str());
                tests += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{f}\" name=\"lint\" file=\"{f}\"><skipped message=\"{}\"/></testcase>",
                    xml(reason),
                    f = xml(file)
                );
            } else {
                for (code, name) in &self.ran {
                    let hits: Vec<&Finding> = self
                        .active()
                        .filter(|f| f.file == file && f.code == *code)
                        .collect();
                    tests += 1;
                    let case = format!("{code} {name}");
                    if hits.is_empty() {
                        let _ = writeln!(
                            cases,
                            "    <testcase classname=\"{f}\" name=\"{}\" file=\"{f}\"/>",
                            xml(&case),
                            f = xml(file)
                        );
                        continue;
                    }
                    failures += 1;
                    let line = hits.first().map_or(0, |f| f.line);
                    let _ = writeln!(
                        cases,
                        "    <testcase classname=\"{f}\" name=\"{}\" file=\"{f}\" line=\"{line}\">",
                        xml(&case),
                        f = xml(file)
                    );
                    for hit in hits {
                        let _ = writeln!(
                            cases,
                            "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                            hit.code,
                            xml(&format!("{}:{}: {}", hit.line, hit.column, hit.message)),
                            xml(&failure_text(hit))
                        );
                    }
                    cases.push_str("    </testcase>\n");
                }
            }
            for e in &errors {
                tests += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{f}\" name=\"input\" file=\"{f}\"><error type=\"input-error\" message=\"{}\">{}</error></testcase>",
                    xml(&e.message),
                    xml(&e.to_string()),
                    f = xml(file)
                );
            }
            all_tests += tests;
            all_failures += failures;
            all_errors += errors.len();
            let _ = writeln!(
                suites,
                "  <testsuite name=\"dockscape lint: {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\" skipped=\"{}\">",
                xml(file),
                errors.len(),
                usize::from(skipped.contains(&file))
            );
            suites.push_str(&cases);
            suites.push_str("  </testsuite>\n");
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dockscape lint\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"{all_errors}\">\n{suites}</testsuites>\n"
        )
    }
}
