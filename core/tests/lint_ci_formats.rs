//! The CI report formats: JUnit XML read the way Jenkins' JUnit plugin and GitLab's test reports
//! read it (testsuite > testcase with classname/name, a failure element per finding), and GitLab
//! Code Quality JSON with the fields GitLab documents and fingerprints that survive unrelated edits.

use dockscape::{LintInput, LintOptions, LintReport, lint};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n    volumeMounts:\n    - {name: s, mountPath: /var/run/docker.sock}\n  volumes:\n  - name: s\n    hostPath: {path: /var/run/docker.sock}\n";
const SAFE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";

fn run(inputs: &[(&str, &str)]) -> LintReport {
    let inputs: Vec<LintInput> = inputs
        .iter()
        .map(|(file, text)| LintInput {
            file,
            text,
            kind: None,
        })
        .collect();
    lint(&inputs, &LintOptions::default())
}

#[test]
fn junit_has_a_case_per_rule_and_file_and_a_failure_per_finding() {
    let r = run(&[
        ("pod.yaml", POD),
        ("safe.yaml", SAFE),
        ("broken.yaml", "a: [\n"),
    ]);
    let xml = r.to_junit();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 3, "{xml}");
    let rules = dockscape::rules().len();
    for suite in &suites {
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        // Jenkins counts what it finds; the attributes must agree with it
        assert_eq!(suite.attribute("tests").unwrap(), cases.len().to_string());
        let failing = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
            .count();
        assert_eq!(suite.attribute("failures").unwrap(), failing.to_string());
        for c in &cases {
            assert!(c.attribute("classname").is_some() && c.attribute("name").is_some());
        }
    }
    let pod = suites[0];
    assert_eq!(
        pod.children()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        rules
    );
    let failures: Vec<_> = pod
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(
        failures.len(),
        r.active().filter(|f| f.file == "pod.yaml").count()
    );
    assert!(
        failures
            .iter()
            .any(|f| f.attribute("type") == Some("DS001"))
    );
    let safe = suites[1];
    assert_eq!(
        safe.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
    let broken = suites[2];
    assert_eq!(
        broken
            .descendants()
            .filter(|n| n.has_tag_name("error"))
            .count(),
        1
    );
}

#[test]
fn codequality_has_gitlabs_fields_and_stable_fingerprints() {
    let before = run(&[("pod.yaml", POD)]);
    let v: serde_json::Value = serde_json::from_str(&before.to_codequality()).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), before.active().count());
    for i in issues {
        for k in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[k].is_string(), "{k} in {i}");
        }
        assert!(i["location"]["path"].is_string());
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
    }
    let fps = |r: &LintReport| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&r.to_codequality()).unwrap();
        let mut f: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect();
        f.sort();
        f
    };
    // an unrelated edit: a comment and blank lines above move every line
    let moved = format!("# owned by the CI team\n\n\n{POD}");
    let after = run(&[("pod.yaml", &moved)]);
    assert_eq!(fps(&before), fps(&after));
    let unique: std::collections::HashSet<String> = fps(&before).into_iter().collect();
    assert_eq!(unique.len(), issues.len(), "fingerprints are unique");
    // another file is another finding
    let other = run(&[("other.yaml", POD)]);
    assert!(fps(&other).iter().all(|f| !unique.contains(f)));
}
