//! Inputs: kinds, detection, bad input (never a panic), selection, suppression, exit codes and
//! report formats.

use dockscape::{InputKind, LintInput, LintOptions, LintReport, Severity, WorkloadScenario, lint};

fn run(file: &str, text: &str) -> LintReport {
    lint(
        &[LintInput {
            file,
            text,
            kind: None,
        }],
        &LintOptions::default(),
    )
}

fn codes(r: &LintReport) -> Vec<&'static str> {
    r.findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .map(|f| f.code)
        .collect()
}

const PRIV_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: alpine:3.20
      securityContext:
        privileged: true
";

#[test]
fn a_broken_document_is_reported_and_the_others_linted() {
    let text = format!("{PRIV_POD}---\nkind: Pod\nspec: [unclosed\n---\n{PRIV_POD}");
    let r = run("multi.yaml", &text);
    assert_eq!(codes(&r), ["DS006", "DS006"]);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    let e = &r.errors[0];
    assert_eq!(e.file, "multi.yaml");
    assert!(e.line.is_some_and(|l| (12..=15).contains(&l)), "{e:?}");
    assert_eq!(r.exit_code(), 2, "input errors win over findings");
    assert_eq!(r.findings[1].line, 24);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let r = run("deep.yaml", &text);
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].message.contains("nesting"), "{:?}", r.errors);
    let text = format!(
        "{}x: 1\n",
        (0..10_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>()
    );
    let r = run("deep-block.yaml", &text);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
}

#[test]
fn alias_bomb_is_a_budget_error() {
    let mut text = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bomb}\nx:\n  c: &c {name: c, image: x, env: [",
    );
    for i in 0..1000 {
        text.push_str(&format!("{{name: V{i}, value: '1'}},"));
    }
    text.push_str("]}\nspec:\n  containers: [");
    for _ in 0..1000 {
        text.push_str("*c,");
    }
    text.push_str("]\n");
    let r = run("bomb.yaml", &text);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].message.contains("alias"), "{:?}", r.errors);
}

#[test]
fn billion_laughs_outside_pod_specs_costs_nothing() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for name in 'b'..='j' {
        text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        prev = name;
    }
    let r = run("laughs.yaml", &text);
    assert!(r.errors.is_empty() && r.findings.is_empty());
}

#[test]
fn oversized_document_is_refused_and_the_next_one_read() {
    // the budget is per document (64 Mi characters): one over it is an error at its first line,
    // and the documents after it are linted
    // a comment is the cheapest text to scan: the key after it ends the document past the budget
    let big = "#".repeat(64 * 1024 * 1024 + 1);
    let text = format!(
        "a: 1\n{big}\nb: 2\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - {{name: c, image: x, securityContext: {{privileged: true}}}}\n"
    );
    let r = run("big.yaml", &text);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors[0].message.contains("per-document budget"),
        "{:?}",
        r.errors
    );
    assert_eq!(r.errors[0].line, Some(1));
    assert!(r.findings.iter().any(|f| f.code == "DS006" && f.line == 10));
}

#[test]
fn malformed_yaml_and_odd_documents() {
    for text in ["a: b: c", "- [", "key: 'unterminated", "*unknown", "? [a\n"] {
        let r = run("bad.yaml", text);
        assert!(!r.errors.is_empty(), "{text:?} gave no error");
        assert!(r.errors[0].line.is_some());
    }
    // documents that parse but are not objects we know: no error, no finding
    for text in [
        "just a string",
        "- 1\n- 2",
        "kind: Gadget\nspec: {x: 1}",
        "",
        "---\n---\n",
    ] {
        let r = run("odd.yaml", text);
        assert!(
            r.errors.is_empty() && r.findings.is_empty(),
            "{text:?}: {r:?}"
        );
    }
}

#[test]
fn containers_without_names_and_crds_with_pod_templates() {
    let text = "apiVersion: jenkins.io/v1
kind: Agent
metadata: {name: ci, namespace: build}
spec:
  template:
    spec:
      containers:
        - image: docker:27-dind
          securityContext: {privileged: true}
";
    let r = run("crd.yaml", text);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "DS006")
        .expect("DS006");
    assert_eq!(f.container.as_deref(), Some("containers[0]"));
    assert_eq!(f.workload.as_deref(), Some("Agent/build/ci"));
    assert_eq!(
        f.path,
        "spec.template.spec.containers[0].securityContext.privileged"
    );
}

#[test]
fn every_kind_is_found() {
    for (kind, wrap) in [
        ("Pod", "spec: SPEC"),
        ("Deployment", "spec: {template: {spec: SPEC}}"),
        ("StatefulSet", "spec: {template: {spec: SPEC}}"),
        ("DaemonSet", "spec: {template: {spec: SPEC}}"),
        ("ReplicaSet", "spec: {template: {spec: SPEC}}"),
        ("ReplicationController", "spec: {template: {spec: SPEC}}"),
        ("Job", "spec: {template: {spec: SPEC}}"),
        (
            "CronJob",
            "spec: {jobTemplate: {spec: {template: {spec: SPEC}}}}",
        ),
        ("PodTemplate", "template: {spec: SPEC}"),
        (
            "Workflow",
            "spec: {jobTemplate: {spec: {template: {spec: SPEC}}}}",
        ),
    ] {
        let spec = "{initContainers: [{name: i, image: x, securityContext: {privileged: true}}]}";
        let text = format!(
            "apiVersion: v1\nkind: {kind}\nmetadata: {{name: n}}\n{}\n",
            wrap.replace("SPEC", spec)
        );
        assert_eq!(codes(&run("k.yaml", &text)), ["DS006"], "{kind}");
    }
    let list = format!(
        "{{\"kind\": \"List\", \"items\": [{}]}}",
        "{\"kind\": \"Pod\", \"spec\": {\"containers\": [{\"name\": \"a\", \"securityContext\": {\"privileged\": true}}]}}"
    );
    let r = run("list.json", &list);
    assert_eq!(codes(&r), ["DS006"]);
    assert_eq!((r.findings[0].line, r.findings[0].column), (1, 116));
}

#[test]
fn detection_and_forced_kinds() {
    let compose = "services:\n  a:\n    image: x\n    privileged: true\n";
    assert_eq!(
        run("docker-compose.yml", compose).workloads[0].kind,
        "service"
    );
    let sh = "#!/bin/sh\ndocker run --privileged alpine\n";
    assert_eq!(codes(&run("-", sh)), ["DS006"]);
    assert_eq!(
        codes(&run("build.sh", "docker run --privileged alpine")),
        ["DS006"]
    );
    // forced: a Compose-looking file read as Kubernetes finds nothing
    let r = lint(
        &[LintInput {
            file: "x.yaml",
            text: compose,
            kind: Some(InputKind::Kubernetes),
        }],
        &LintOptions::default(),
    );
    assert!(r.findings.is_empty());
    let r = lint(
        &[LintInput {
            file: "x.txt",
            text: compose,
            kind: Some(InputKind::Compose),
        }],
        &LintOptions::default(),
    );
    assert_eq!(codes(&r), ["DS006"]);
}

#[test]
fn compose_details() {
    let text = r#"
x-base: &base
  privileged: true
services:
  a:
    <<: *base
    image: docker:27-dind
    security_opt: ["seccomp:unconfined", "label=disable"]
    environment:
      DOCKER_TLS_CERTDIR: ""
    volumes:
      - type: bind
        source: ${SOCK:-/var/run/docker.sock}
        target: /var/run/docker.sock
"#;
    let r = run("compose.yaml", text);
    let got = codes(&r);
    for c in ["DS001", "DS006", "DS007", "DS009"] {
        assert!(got.contains(&c), "{c} missing: {got:?}");
    }
    let ds006 = r
        .findings
        .iter()
        .find(|f| f.code == "DS006")
        .map(|f| (f.line, f.path.clone()));
    assert_eq!(ds006, Some((3, "x-base.privileged".to_string())));
    assert_eq!(r.workloads[0].scenario, WorkloadScenario::Dood);
}

#[test]
fn selection_by_code_prefix_and_name() {
    let text = format!(
        "{PRIV_POD}      volumeMounts: [{{name: s, mountPath: /s}}]\n  volumes: [{{name: s, hostPath: {{path: /run/docker.sock}}}}]\n"
    );
    let all = run("p.yaml", &text);
    assert_eq!(codes(&all), ["DS016", "DS006", "DS001"]);
    let only = |select: &[&str], ignore: &[&str]| {
        let o = LintOptions {
            select: select.iter().map(|s| s.to_string()).collect(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            fail_on: Severity::High,
            ..LintOptions::default()
        };
        codes(&lint(
            &[LintInput {
                file: "p.yaml",
                text: &text,
                kind: None,
            }],
            &o,
        ))
    };
    assert_eq!(only(&["DS001"], &[]), ["DS001"]);
    assert_eq!(only(&["privileged-container"], &[]), ["DS006"]);
    assert_eq!(only(&["DS00"], &["runtime-socket-mount"]), ["DS006"]);
    assert_eq!(
        only(&[], &["ds006", "DS001", "root-socket-access"]),
        Vec::<&str>::new()
    );
}

#[test]
fn fail_on_and_exit_codes() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]\n";
    let with = |fail_on| {
        lint(
            &[LintInput {
                file: "p.yaml",
                text,
                kind: None,
            }],
            &LintOptions {
                fail_on,
                ..LintOptions::default()
            },
        )
    };
    assert_eq!(with(Severity::High).exit_code(), 0, "DS025 is info");
    assert_eq!(with(Severity::Info).exit_code(), 1);
    assert_eq!(run("p.yaml", "apiVersion: v1\nkind: Pod\n").exit_code(), 0);
}

#[test]
fn suppressions() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    dockscape.io/ignore: |
      DS006: the debug pod is created by hand and deleted after use
      DS025
spec:
  containers:
    - name: c
      image: x
      securityContext:
        # dockscape: ignore DS006 also covered inline
        privileged: true
  volumes:
    - name: s
      hostPath:
        path: /var/run/docker.sock  # dockscape: ignore unused-socket-volume kept for the next release
";
    let r = run("p.yaml", text);
    let f = |code: &str| r.findings.iter().find(|f| f.code == code).cloned();
    assert_eq!(
        f("DS006").and_then(|f| f.suppressed).as_deref(),
        Some("the debug pod is created by hand and deleted after use")
    );
    assert_eq!(
        f("DS025").and_then(|f| f.suppressed).as_deref(),
        Some("kept for the next release")
    );
    // the annotation entry without a reason is reported
    assert_eq!(f("DS000").map(|f| (f.line, f.suppressed)), Some((8, None)));
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn json_shape() {
    let r = run("p.yaml", PRIV_POD);
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
    let keys: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        ["findings", "workloads", "errors", "skipped", "dockscape"]
    );
    let f = &v["findings"][0];
    for k in [
        "code",
        "name",
        "severity",
        "message",
        "help",
        "file",
        "line",
        "column",
        "path",
        "workload",
        "container",
        "suppressed",
    ] {
        assert!(f.get(k).is_some(), "finding lacks {k}");
    }
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["line"], 10);
    assert_eq!(f["column"], 21);
    assert_eq!(v["workloads"][0]["scenario"], "none");
}

#[test]
fn github_and_text() {
    let r = run("dir/p,1.yaml", PRIV_POD);
    let gh = r.to_github();
    assert!(gh.starts_with("::error file=dir/p%2C1.yaml,line=10,col=21,title=DS006 privileged-container (critical)::"), "{gh}");
    let plain = r.to_text(false);
    assert!(!plain.contains('\x1b'));
    assert!(
        plain.contains("10 |         privileged: true\n   |                     ^^^^\n"),
        "{plain}"
    );
    assert!(r.to_text(true).contains("\x1b["));
}

#[test]
fn scenarios() {
    let pod =
        |spec: &str| format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{spec}");
    let cases = [
        (
            pod("  containers: [{name: c, image: nginx:1.27}]\n"),
            WorkloadScenario::None,
        ),
        (
            pod(
                "  containers: [{name: c, image: x, volumeMounts: [{name: s, mountPath: /s}]}]\n  volumes: [{name: s, hostPath: {path: /run/docker.sock}}]\n",
            ),
            WorkloadScenario::Dood,
        ),
        (
            pod(
                "  containers: [{name: d, image: 'docker:27-dind', securityContext: {privileged: true}}]\n",
            ),
            WorkloadScenario::Dind,
        ),
        (
            pod("  containers: [{name: d, image: 'docker:27-dind-rootless'}]\n"),
            WorkloadScenario::DindRootless,
        ),
        (
            pod(
                "  runtimeClassName: sysbox-runc\n  containers: [{name: d, image: 'docker:27-dind'}]\n",
            ),
            WorkloadScenario::Sysbox,
        ),
        (
            pod("  containers: [{name: k, image: 'gcr.io/kaniko-project/executor:v1.23.2'}]\n"),
            WorkloadScenario::DaemonlessBuild,
        ),
        (
            pod("  containers: [{name: b, image: 'moby/buildkit:rootless'}]\n"),
            WorkloadScenario::DaemonlessBuild,
        ),
        (
            pod(
                "  containers: [{name: c, image: x, volumeMounts: [{name: s, mountPath: /s}]}]\n  volumes: [{name: s, hostPath: {path: /Users/me/.docker/run/docker.sock}}]\n",
            ),
            WorkloadScenario::DockerDesktop,
        ),
    ];
    for (text, want) in cases {
        let r = run("p.yaml", &text);
        assert_eq!(
            r.workloads.first().map(|w| w.scenario),
            Some(want),
            "{text}"
        );
    }
    let r = run(
        "run.sh",
        "docker run -v //./pipe/docker_engine://./pipe/docker_engine docker:cli\n",
    );
    assert_eq!(r.workloads[0].scenario, WorkloadScenario::DockerDesktop);
}

#[test]
fn several_broken_documents_each_reported_once() {
    let text = format!("a: [\n---\nb: {{\n---\n- c: d: e\n---\n{PRIV_POD}");
    let r = run("multi.yaml", &text);
    assert_eq!(codes(&r), ["DS006"]);
    let lines: Vec<Option<usize>> = r.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines.len(), 3, "{:?}", r.errors);
    let mut dedup = lines.clone();
    dedup.dedup();
    assert_eq!(dedup, lines);
}

/// (line, column, message) of every input error.
fn errors(r: &LintReport) -> Vec<(usize, usize, String)> {
    r.errors
        .iter()
        .map(|e| {
            (
                e.line.unwrap_or(0),
                e.column.unwrap_or(0),
                e.message.clone(),
            )
        })
        .collect()
}

#[test]
fn yaml11_booleans_are_read_in_every_boolean_field_and_false_stays_false() {
    for word in [
        "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True",
    ] {
        let text = PRIV_POD.replace("privileged: true", &format!("privileged: {word}"));
        let r = run("b.yaml", &text);
        assert_eq!(codes(&r), ["DS006"], "{word}");
        assert!(r.errors.is_empty(), "{word}: {:?}", r.errors);
    }
    for word in [
        "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "~",
    ] {
        let text = PRIV_POD.replace("privileged: true", &format!("privileged: {word}"));
        let r = run("b.yaml", &text);
        assert!(codes(&r).is_empty() && r.errors.is_empty(), "{word}: {r:?}");
    }
}

#[test]
fn a_string_in_a_boolean_field_is_an_input_error_at_its_position() {
    let text = PRIV_POD.replace("privileged: true", "privileged: 'yes'");
    let r = run("s.yaml", &text);
    let e = errors(&r);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (10, 21));
    assert!(
        e[0].2
            .contains("`spec.containers[0].securityContext.privileged` must be a boolean"),
        "{e:?}"
    );
    // judged the dangerous way, so the file can never exit 0
    assert_eq!(codes(&r), ["DS006"]);
    let r = run(
        "n.yaml",
        &PRIV_POD.replace("privileged: true", "privileged: 1"),
    );
    assert_eq!(errors(&r).len(), 1);
    assert_eq!(r.exit_code(), 2);
}

#[test]
fn every_duplicate_key_is_an_input_error_and_the_last_one_is_judged() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: alpine\n      securityContext:\n        privileged: false\n        privileged: true\n  hostPID: true\n  hostPID: false\n";
    let r = run("d.yaml", text);
    let e = errors(&r);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (10, 9));
    assert!(
        e[0].2
            .contains("duplicate key `privileged` (first at line 9, column 9)"),
        "{e:?}"
    );
    assert_eq!((e[1].0, e[1].1), (12, 3));
    assert_eq!(codes(&r), ["DS006"]);
    assert_eq!(r.findings[0].line, 10);
}

#[test]
fn a_field_of_the_wrong_shape_is_an_input_error_naming_it() {
    let cases = [
        (
            "spec:\n  containers:\n    name: c\n    image: x\n",
            3,
            "`spec.containers` must be a list, not a mapping",
        ),
        (
            "spec:\n  volumes: /var/run/docker.sock\n  containers: [{name: c, image: x}]\n",
            2,
            "`spec.volumes` must be a list, not the string `/var/run/docker.sock`",
        ),
        (
            "spec:\n  containers:\n    - name: c\n      image: x\n      securityContext: 3\n",
            5,
            "`spec.containers[0].securityContext` must be a mapping, not the scalar `3`",
        ),
        (
            "spec:\n  containers:\n    - name: c\n      image: x\n      securityContext:\n        seccompProfile: unconfined\n",
            6,
            "`spec.containers[0].securityContext.seccompProfile` must be a mapping, not the string `unconfined`",
        ),
        (
            "spec:\n  containers:\n    - name: c\n      image: x\n      command: docker run --privileged x\n",
            5,
            "`spec.containers[0].command` must be a list, not a scalar",
        ),
    ];
    for (body, line, msg) in cases {
        let text = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\n{body}");
        let r = run("w.yaml", &text);
        let e = errors(&r);
        assert_eq!(e.len(), 1, "{body}: {e:?}");
        assert_eq!(e[0].0, line + 3, "{body}: {e:?}");
        assert!(e[0].2.contains(msg), "{body}: {e:?}");
    }
}

#[test]
fn decode_reports_bad_bytes_and_every_other_document_is_still_linted() {
    let mut bytes = b"apiVersion: v1\nkind: ConfigMap\ndata: {a: \"x\xFF\xFEy\"}\n---\n".to_vec();
    bytes.extend(PRIV_POD.as_bytes());
    bytes.extend(b"---\nkind: ConfigMap\ndata: {b: \"\0\"}\n");
    let (text, problems) = dockscape::decode(&bytes);
    // one problem per invalid sequence (FF and FE are one each), columns in characters
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert_eq!((problems[0].line, problems[0].column), (3, 13));
    assert!(
        problems[0].message.contains("invalid UTF-8 (bytes FF)"),
        "{problems:?}"
    );
    assert_eq!((problems[1].line, problems[1].column), (3, 14));
    assert_eq!((problems[2].line, problems[2].column), (17, 12));
    assert!(problems[2].message.contains("NUL byte"), "{problems:?}");
    let r = run("enc.yaml", &text);
    assert_eq!(codes(&r), ["DS006"]);
    assert_eq!(r.findings[0].line, 14);
}

#[test]
fn utf16_and_utf32_with_a_bom_are_linted() {
    let mut le = vec![0xFF, 0xFE];
    let mut be32 = vec![0, 0, 0xFE, 0xFF];
    for u in PRIV_POD.encode_utf16() {
        le.extend(u.to_le_bytes());
    }
    for c in PRIV_POD.chars() {
        be32.extend((c as u32).to_be_bytes());
    }
    for bytes in [le, be32] {
        let (text, problems) = dockscape::decode(&bytes);
        assert!(problems.is_empty());
        let r = run("utf16.yaml", &text);
        assert_eq!(codes(&r), ["DS006"]);
        assert_eq!((r.findings[0].line, r.findings[0].column), (10, 21));
    }
}
