//! `dockscape::fix` (`lint --fix`) over every fixture of the lint corpus with a fixable finding:
//! the fixed text (a) no longer has the fixed findings, (b) keeps every other finding, (c) keeps
//! every byte outside the edits, (d) reads the same as the original (as go-yaml v2 reads it) apart
//! from the fixed fields, and (e) fixing it again changes nothing. `kubernetes-validate --strict`
//! and `docker-compose config` run on the same outputs in `tests/tests/lint_fix_real_tools.rs`.
#![allow(clippy::disallowed_methods)] // tests read fixtures; the library stays pure

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockscape::{Applicability, Finding, LintInput, LintOptions, fix, lint};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

fn input<'a>(file: &'a str, text: &'a str) -> LintInput<'a> {
    LintInput {
        file,
        text,
        kind: None,
    }
}

/// Every fixture (relative name, text) whose lint has a finding with a fix.
fn fixable() -> Vec<(String, String)> {
    let files = common::files_under(&fixtures(), &["yaml", "yml", "json", "sh"]);
    let mut out = Vec::new();
    for p in files {
        let rel = p.strip_prefix(fixtures()).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let report = lint(&[input(&rel, &text)], &LintOptions::default());
        if report.errors.is_empty() && report.active().any(|f| f.fix.is_some()) {
            out.push((rel, text));
        }
    }
    out
}

/// What identifies a finding across edits (line, column and list indices move).
fn key(f: &Finding) -> (String, Option<String>, Option<String>, String) {
    (
        f.code.to_string(),
        f.workload.clone(),
        f.container.clone(),
        f.message.clone(),
    )
}

fn count(
    findings: &[Finding],
) -> BTreeMap<(String, Option<String>, Option<String>, String), usize> {
    let mut m = BTreeMap::new();
    for f in findings.iter().filter(|f| !f.is_suppressed()) {
        *m.entry(key(f)).or_insert(0) += 1;
    }
    m
}

/// The field paths where two values differ (a list of another length, or a key only in one:
/// the list's or the mapping's path).
fn diff(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                // as the findings' field paths write keys
                let p = if k.is_empty() || k.contains(['.', '[', ']', ' ', '"']) {
                    format!("{path}[{k:?}]")
                } else if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(va), Some(vb)) => diff(va, vb, &p, out),
                    _ => out.push(p),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push(path.to_string()),
        _ => {}
    }
}

/// Where a fixed finding's fix may change the document: the mount, the value, the volume list.
fn allowed(f: &Finding) -> String {
    match f.code {
        // the volume is removed: the list (or the key holding it) changes
        "DS025" => match f.path.find("volumes") {
            Some(i) => f.path[..i + "volumes".len()].to_string(),
            None => f.path.clone(),
        },
        _ => f.path.clone(),
    }
}

fn apply(text: &str, findings: &[Finding]) -> (String, usize) {
    dockscape::apply_fixes(text, findings, true).unwrap()
}

#[test]
fn every_fixable_fixture_is_fixed_and_nothing_else_changes() {
    let files = fixable();
    assert!(
        files.len() >= 10,
        "expected fixable fixtures, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    let mut fixed_total = 0;
    for (rel, text) in &files {
        let before = lint(&[input(rel, text)], &LintOptions::default());
        let fixable: Vec<&Finding> = before.active().filter(|f| f.fix.is_some()).collect();
        let done = match fix(&input(rel, text), &LintOptions::default(), true) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{rel}: {e}"));
                continue;
            }
        };
        fixed_total += done.fixed;
        if done.fixed != fixable.len() {
            failures.push(format!(
                "{rel}: {} fixable findings, {} fixed",
                fixable.len(),
                done.fixed
            ));
        }
        // (a) and (b): the fixed findings are gone, every other one is still there
        let mut expected = count(&before.findings);
        for f in &fixable {
            if let Some(n) = expected.get_mut(&key(f)) {
                *n -= 1;
            }
        }
        expected.retain(|_, n| *n > 0);
        let got = count(&done.report.findings);
        if got != expected {
            failures.push(format!(
                "{rel}: findings after the fix differ\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
        // (c): one pass applies edits that do not conflict; the bytes between them are the input's
        let (one, _) = apply(text, &before.findings);
        let mut edits: Vec<&dockscape::Edit> = fixable
            .iter()
            .flat_map(|f| f.fix.iter().flat_map(|x| x.edits.iter()))
            .collect();
        edits.sort_by_key(|e| (e.start, e.end));
        edits.dedup();
        let mut at_in = 0;
        let mut at_out = 0;
        let mut ok = true;
        for e in &edits {
            let kept = &text[at_in..e.start];
            ok &= one.get(at_out..at_out + kept.len()) == Some(kept);
            at_out += kept.len();
            ok &= one.get(at_out..at_out + e.replacement.len()) == Some(e.replacement.as_str());
            at_out += e.replacement.len();
            at_in = e.end;
        }
        ok &= one.get(at_out..) == Some(&text[at_in..]);
        if !ok && done.fixed == fixable.len() && one == done.text {
            failures.push(format!("{rel}: bytes outside the edits changed"));
        }
        // the composed edits of every pass, applied to the input, give the fixed text
        let mut composed = String::new();
        let mut at = 0;
        for e in &done.edits {
            match text.get(at..e.start) {
                Some(kept) if e.start <= e.end => composed.push_str(kept),
                _ => failures.push(format!("{rel}: edits out of order: {:?}", done.edits)),
            }
            composed.push_str(&e.replacement);
            at = e.end;
        }
        composed.push_str(text.get(at..).unwrap_or_default());
        if composed != done.text {
            failures.push(format!("{rel}: the edits do not give the fixed text"));
        }
        // (d): every document reads the same, the fixed fields aside
        let a = dockscape::debug_yaml_to_json(text);
        let b = dockscape::debug_yaml_to_json(&done.text);
        if a.len() != b.len() {
            failures.push(format!("{rel}: {} documents, then {}", a.len(), b.len()));
        }
        let prefixes: Vec<String> = fixable.iter().map(|f| allowed(f)).collect();
        for (da, db) in a.iter().zip(&b) {
            let mut d = Vec::new();
            diff(da, db, "", &mut d);
            for p in d {
                if !prefixes.iter().any(|x| p.starts_with(x.as_str())) {
                    failures.push(format!("{rel}: `{p}` changed (fixed: {prefixes:?})"));
                }
            }
        }
        // (e): fixing again changes nothing
        let again = fix(&input(rel, &done.text), &LintOptions::default(), true).unwrap();
        if again.fixed != 0 || again.text != done.text {
            failures.push(format!("{rel}: a second --fix changed the text"));
        }
        if again.report.active().any(|f| f.fix.is_some()) {
            failures.push(format!("{rel}: a fix is still offered after fixing"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{} fixtures, {fixed_total} findings fixed", files.len());
}

/// Every rule with a fix fixes its own Example, and its page says so.
#[test]
fn every_fix_fixes_its_rule_example() {
    let mut with_fix = 0;
    for r in dockscape::rules() {
        assert_eq!(
            r.fix.is_some(),
            r.docs.contains("\n## Fix\n"),
            "{}: a fix is declared iff the page has a `## Fix` section",
            r.code
        );
        let Some(app) = r.fix else { continue };
        with_fix += 1;
        assert!(
            r.docs.contains(&format!("Fix: **{}**", app.as_str())),
            "{}: the page's first paragraph names the fix",
            r.code
        );
        let example = r
            .docs
            .split("## Example")
            .nth(1)
            .and_then(|s| s.split("```yaml\n").nth(1))
            .and_then(|s| s.split("```").next())
            .unwrap();
        let file = format!("{}-example.yaml", r.name);
        let report = lint(&[input(&file, example)], &LintOptions::default());
        if r.code == "DS009" {
            // offered only when the pod has the TLS client side (its Example has no client):
            // `ds009_only_when_the_clients_expect_tls`
            assert!(report.findings.iter().all(|f| f.fix.is_none()));
            continue;
        }
        let done = fix(&input(&file, example), &LintOptions::default(), true).unwrap();
        assert!(
            done.report.findings.iter().all(|f| f.code != r.code),
            "{}: its Example still fires it after --fix:\n{}",
            r.code,
            done.text
        );
        let safe_only = fix(&input(&file, example), &LintOptions::default(), false).unwrap();
        assert_eq!(
            safe_only.fixed > 0,
            app == Applicability::Safe,
            "{}: --fix without --unsafe-fixes applies only safe fixes",
            r.code
        );
    }
    assert!(with_fix >= 4, "{with_fix} rules with a fix");
}

fn one(text: &str) -> Finding {
    let report = lint(&[input("x.yaml", text)], &LintOptions::default());
    report
        .findings
        .into_iter()
        .find(|f| f.fix.is_some())
        .unwrap_or_else(|| panic!("no fixable finding in\n{text}"))
}

fn fixed(text: &str) -> String {
    fix(&input("x.yaml", text), &LintOptions::default(), true)
        .unwrap()
        .text
}

const POD_HEAD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n";

#[test]
fn ds005_in_the_file_style() {
    // kubectl style, a comment after the last key, CRLF
    let pod = format!(
        "{POD_HEAD}  containers:\n  - name: c\n    image: x\n    volumeMounts:\n    - name: etc\n      mountPath: /host/etc # the node's\n  volumes:\n  - name: etc\n    hostPath: {{path: /etc}}\n"
    );
    assert!(
        fixed(&pod)
            .contains("      mountPath: /host/etc # the node's\n      readOnly: true\n  volumes:")
    );
    let crlf = pod.replace('\n', "\r\n");
    assert!(fixed(&crlf).contains("/host/etc # the node's\r\n      readOnly: true\r\n"));
    // flow style, and `readOnly: false` replaced rather than repeated
    let flow = format!(
        "{POD_HEAD}  containers:\n  - name: c\n    image: x\n    volumeMounts: [{{name: etc, mountPath: /host/etc}}]\n  volumes: [{{name: etc, hostPath: {{path: /etc}}}}]\n"
    );
    assert!(
        fixed(&flow).contains("[{name: etc, mountPath: /host/etc, \"readOnly\": true}]"),
        "{}",
        fixed(&flow)
    );
    let explicit = pod.replace("/host/etc # the node's", "/host/etc\n      readOnly: false");
    let out = fixed(&explicit);
    assert!(out.contains("      readOnly: true\n") && !out.contains("readOnly: false"));
    assert_eq!(out.matches("readOnly").count(), 1);
    // Compose: short syntax gets `:ro` inside its quotes, `:rw` becomes `:ro`, long syntax a key
    let compose = "services:\n  a:\n    image: x\n    volumes:\n      - \"/etc:/host/etc\"\n      - /var/lib/docker:/d:rw\n      - type: bind\n        source: /root\n        target: /r\n";
    let out = fixed(compose);
    assert!(out.contains("- \"/etc:/host/etc:ro\"\n"), "{out}");
    assert!(out.contains("- /var/lib/docker:/d:ro\n"), "{out}");
    assert!(
        out.contains("        target: /r\n        read_only: true\n"),
        "{out}"
    );
    // not offered: options the fix would have to merge, a variable
    for spec in ["/etc:/e:z", "${ETC}:/e"] {
        let c = format!("services:\n  a:\n    image: x\n    volumes:\n      - {spec}\n");
        let report = lint(&[input("c.yaml", &c)], &LintOptions::default());
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.code != "DS005" || f.fix.is_none()),
            "{spec}"
        );
    }
    assert_eq!(one(&pod).fix.unwrap().applicability, Applicability::Unsafe);
}

#[test]
fn no_fix_through_an_alias_nor_when_suppressed() {
    let anchored = format!(
        "{POD_HEAD}  containers:\n  - name: a\n    image: x\n    securityContext: &sc\n      allowPrivilegeEscalation: true\n  - name: b\n    image: x\n    securityContext: *sc\n"
    );
    let report = lint(&[input("x.yaml", &anchored)], &LintOptions::default());
    let ds015: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.code == "DS015")
        .collect();
    assert_eq!(ds015.len(), 2);
    assert!(ds015.iter().all(|f| f.fix.is_none()));
    let suppressed = format!(
        "{POD_HEAD}  containers:\n  - name: a\n    image: x\n    securityContext:\n      # dockscape: ignore DS015 needs sudo\n      allowPrivilegeEscalation: true\n"
    );
    let report = lint(&[input("x.yaml", &suppressed)], &LintOptions::default());
    let f = report.findings.iter().find(|f| f.code == "DS015").unwrap();
    assert!(f.is_suppressed() && f.fix.is_none());
    assert_eq!(fixed(&suppressed), suppressed);
}

#[test]
fn ds015_not_offered_where_the_api_server_refuses_false() {
    for extra in [
        "      privileged: true\n",
        "      capabilities: {add: [SYS_ADMIN]}\n",
    ] {
        let pod = format!(
            "{POD_HEAD}  containers:\n  - name: a\n    image: x\n    securityContext:\n      allowPrivilegeEscalation: true\n{extra}"
        );
        let report = lint(&[input("x.yaml", &pod)], &LintOptions::default());
        let f = report.findings.iter().find(|f| f.code == "DS015").unwrap();
        assert!(f.fix.is_none(), "{extra}");
    }
    let compose =
        "services:\n  a:\n    image: x\n    security_opt:\n      - no-new-privileges=false\n";
    assert!(fixed(compose).contains("      - no-new-privileges=true\n"));
}

/// A dind daemon with TLS switched off, and a client already set up for TLS.
fn dind_pod(client_env: &str) -> String {
    format!(
        "{POD_HEAD}  containers:\n  - name: job\n    image: docker:29-cli\n    env:\n{client_env}    volumeMounts:\n    - name: certs\n      mountPath: /certs/client\n      readOnly: true\n  - name: dind\n    image: docker:29-dind\n    securityContext: {{privileged: true}}\n    env:\n    - name: DOCKER_TLS_CERTDIR\n      value: \"\"\n    volumeMounts:\n    - name: certs\n      mountPath: /certs/client\n  volumes:\n  - name: certs\n    emptyDir: {{}}\n"
    )
}

#[test]
fn ds009_only_when_the_clients_expect_tls() {
    let tls = "    - {name: DOCKER_HOST, value: \"tcp://localhost:2376\"}\n    - {name: DOCKER_TLS_VERIFY, value: \"1\"}\n    - {name: DOCKER_CERT_PATH, value: /certs/client}\n";
    let pod = dind_pod(tls);
    let f = one(&pod);
    assert_eq!(f.code, "DS009");
    assert_eq!(f.fix.unwrap().applicability, Applicability::Safe);
    let out = fix(&input("x.yaml", &pod), &LintOptions::default(), false).unwrap();
    assert_eq!(out.fixed, 1);
    assert!(
        out.text
            .contains("- name: DOCKER_TLS_CERTDIR\n      value: /certs\n")
    );
    assert_eq!(
        out.summary(),
        format!(
            "Fixed 1 finding ({} remaining)",
            out.report.active().count()
        )
    );
    // a plain-TCP client, a client without the certificates, no client at all: no fix
    for env in [
        "    - {name: DOCKER_HOST, value: \"tcp://localhost:2375\"}\n",
        // TLS settings, but the plain port, or another pod's daemon
        &tls.replace("2376", "2375"),
        &tls.replace("localhost", "dind.ci.svc"),
        "    - {name: DOCKER_HOST, value: \"tcp://localhost:2376\"}\n    - {name: DOCKER_TLS_VERIFY, value: \"1\"}\n    - {name: DOCKER_CERT_PATH, value: /elsewhere}\n",
        "    - {name: OTHER, value: x}\n",
    ] {
        let pod = dind_pod(env);
        let report = lint(&[input("x.yaml", &pod)], &LintOptions::default());
        let f = report.findings.iter().find(|f| f.code == "DS009").unwrap();
        assert!(f.fix.is_none(), "{env}");
    }
}

#[test]
fn ds025_deletes_the_volume() {
    let two = format!(
        "{POD_HEAD}  containers:\n  - name: web\n    image: nginx\n  volumes:\n  # the old socket\n  - name: sock\n    hostPath:\n      path: /var/run/docker.sock\n  - name: tmp\n    emptyDir: {{}}\n"
    );
    let out = fixed(&two);
    assert!(
        out.ends_with("  volumes:\n  # the old socket\n  - name: tmp\n    emptyDir: {}\n"),
        "{out}"
    );
    let only = format!(
        "{POD_HEAD}  containers:\n  - name: web\n    image: nginx\n  volumes:\n  - name: sock\n    hostPath:\n      path: /var/run/docker.sock\n"
    );
    assert_eq!(
        fixed(&only),
        format!("{POD_HEAD}  containers:\n  - name: web\n    image: nginx\n")
    );
}

#[test]
fn ds017_runtime_default_in_place_of_unconfined() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/a: unconfined\nspec:\n  securityContext:\n    seccompProfile: {type: Unconfined}\n  containers:\n  - name: a\n    image: x\n";
    let out = fixed(pod);
    assert!(
        out.contains("    container.apparmor.security.beta.kubernetes.io/a: runtime/default\n"),
        "{out}"
    );
    assert!(
        out.contains("    seccompProfile: {type: RuntimeDefault}\n"),
        "{out}"
    );
    // Compose: not rewritten
    let compose = "services:\n  a:\n    image: x\n    security_opt: [\"seccomp:unconfined\"]\n";
    assert_eq!(fixed(compose), compose);
}

#[test]
fn ds018_and_ds028_minimal_words() {
    let pod = format!(
        "{POD_HEAD}  containers:\n  - name: a\n    image: x\n    securityContext: {{procMount: \"Unmasked\"}}\n    volumeMounts:\n    - {{name: k, mountPath: /var/lib/kubelet, mountPropagation: Bidirectional}}\n  volumes:\n  - {{name: k, hostPath: {{path: /var/lib/kubelet}}}}\n"
    );
    let out = fixed(&pod);
    assert!(
        out.contains("securityContext: {procMount: \"Default\"}"),
        "{out}"
    );
    assert!(out.contains("mountPropagation: HostToContainer,"), "{out}");
    let compose = "services:\n  a:\n    image: x\n    volumes:\n      - /mnt:/mnt:ro,rshared\n      - type: bind\n        source: /srv\n        target: /srv\n        bind: {propagation: shared}\n";
    let out = fixed(compose);
    assert!(out.contains("- /mnt:/mnt:ro,rslave\n"), "{out}");
    assert!(out.contains("bind: {propagation: slave}"), "{out}");
}

#[test]
fn text_report_says_fix_available() {
    let pod = format!(
        "{POD_HEAD}  containers:\n  - name: a\n    image: x\n    securityContext:\n      allowPrivilegeEscalation: true\n"
    );
    let report = lint(&[input("x.yaml", &pod)], &LintOptions::default());
    let text = report.to_text(false);
    assert!(
        text.contains("  = fix available (unsafe, `--fix --unsafe-fixes`): switch privilege escalation off (`allowPrivilegeEscalation: false`, `no-new-privileges:true`)\n"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    let f = &json["findings"][0];
    assert_eq!(f["fix"]["applicability"], "unsafe");
    assert!(f["fix"]["edits"][0]["start"].is_u64());
}
