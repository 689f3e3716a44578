//! `dockscape::migrate --to dind` over every DooD Kubernetes fixture of the lint corpus (seed 002's
//! DooD Pod included, `_seeds/002-dood.yaml`): the edits rebuild the text, nothing outside the
//! socket's volume, mounts and the added daemon changes (parsed and compared field by field, and
//! every comment kept), lint finds no DS001/DS002/DS016 and keeps every other finding, and
//! migrating again changes nothing. `kubernetes-validate --strict` runs on the same outputs in
//! `tests/tests/migrate_real_tools.rs`.
#![allow(clippy::disallowed_methods)] // tests read fixtures; the library stays pure

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockscape::{
    LintInput, LintOptions, MigrateOptions, MigrateTarget, Migration, Sidecar, WorkloadScenario,
    lint, migrate,
};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

fn lint_text(file: &str, text: &str) -> dockscape::LintReport {
    lint(
        &[LintInput {
            file,
            text,
            kind: None,
        }],
        &LintOptions::default(),
    )
}

/// Kubernetes fixtures with a workload lint classifies as DooD.
fn dood_fixtures() -> Vec<(String, String)> {
    let files = common::files_under(&fixtures(), &["yaml", "yml", "json"]);
    let mut out = Vec::new();
    for p in files {
        let rel = p.strip_prefix(fixtures()).unwrap().display().to_string();
        if rel.starts_with("_ci/") || rel.starts_with("_sarif/") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let report = lint_text(&rel, &text);
        let dood = report
            .workloads
            .iter()
            .any(|w| w.scenario == WorkloadScenario::Dood);
        if dood && report.errors.is_empty() {
            out.push((rel, text));
        }
    }
    out
}

fn dind(text: &str) -> Migration {
    migrate(text, MigrateTarget::Dind, &MigrateOptions::default()).unwrap()
}

/// Applying the edits ourselves gives the text (what a library user does with `edits`).
fn reapply(input: &str, m: &Migration) -> String {
    let mut out = input.to_string();
    for e in m.edits.iter().rev() {
        out.replace_range(e.start..e.end, &e.replacement);
    }
    out
}

const DAEMON: &str = "dind-daemon";
const ADDED_VOLUMES: [&str; 2] = ["docker-storage", "docker-certs"];

/// A pod spec with what migrate means to change taken out: the socket volumes and their mounts
/// (`removed`), the added daemon, volumes, certificates mounts and `DOCKER_*` variables.
fn strip(spec: &mut Value, removed: &[String]) {
    let Some(obj) = spec.as_object_mut() else {
        return;
    };
    // Sysbox's pod settings
    if obj.get("runtimeClassName") == Some(&Value::from("sysbox-runc")) {
        obj.remove("runtimeClassName");
        obj.remove("hostUsers");
    }
    // the rootless daemon's unprivileged port start (a job publishing a port below 1024)
    if let Some(Value::Object(sc)) = obj.get_mut("securityContext") {
        if let Some(Value::Array(list)) = sc.get_mut("sysctls") {
            list.retain(|x| x["name"] != "net.ipv4.ip_unprivileged_port_start");
            if list.is_empty() {
                sc.remove("sysctls");
            }
        }
        if sc.is_empty() {
            obj.remove("securityContext");
        }
    }
    if let Some(Value::Array(vols)) = obj.get_mut("volumes") {
        vols.retain(|v| {
            let n = v["name"].as_str().unwrap_or("");
            !removed.iter().any(|r| r == n) && !ADDED_VOLUMES.contains(&n)
        });
    }
    for key in ["containers", "initContainers"] {
        let Some(Value::Array(cs)) = obj.get_mut(key) else {
            continue;
        };
        cs.retain(|c| c["name"] != DAEMON);
        for c in cs.iter_mut() {
            if let Some(Value::Array(ms)) = c.get_mut("volumeMounts") {
                ms.retain(|m| {
                    let n = m["name"].as_str().unwrap_or("");
                    !removed.iter().any(|r| r == n) && n != "docker-certs"
                });
            }
            if let Some(Value::Array(env)) = c.get_mut("env") {
                env.retain(|e| {
                    !matches!(
                        e["name"].as_str(),
                        Some("DOCKER_HOST" | "DOCKER_TLS_VERIFY" | "DOCKER_CERT_PATH")
                    )
                });
                if env.is_empty() {
                    c.as_object_mut().unwrap().remove("env");
                }
            }
        }
        if cs.is_empty() {
            obj.remove(key);
        }
    }
}

/// Call `f` on every pod spec of a parsed document.
fn each_spec(v: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if v.get("containers").is_some() {
        f(v);
        return;
    }
    match v {
        Value::Object(m) => m.iter_mut().for_each(|(_, x)| each_spec(x, f)),
        Value::Array(a) => a.iter_mut().for_each(|x| each_spec(x, f)),
        _ => {}
    }
}

fn normalised(text: &str, removed: &[String]) -> Vec<Value> {
    let mut docs = dockscape::debug_yaml_to_json(text);
    for d in &mut docs {
        each_spec(d, &mut |s| strip(s, removed));
    }
    docs
}

/// Names of the volumes the input declares that are not in the output.
fn removed_volumes(before: &str, after: &str) -> Vec<String> {
    let names = |t: &str| {
        let mut n = Vec::new();
        for mut d in dockscape::debug_yaml_to_json(t) {
            each_spec(&mut d, &mut |s| {
                for v in s["volumes"].as_array().into_iter().flatten() {
                    n.push(v["name"].as_str().unwrap_or("").to_string());
                }
            });
        }
        n
    };
    let after = names(after);
    names(before)
        .into_iter()
        .filter(|n| !after.contains(n))
        .collect()
}

/// Each comment of a text with its byte offset.
fn comments(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let hash = if line.trim_start().starts_with('#') {
            line.find('#')
        } else {
            line.find(" #").map(|i| i + 1)
        };
        if let Some(i) = hash {
            out.push((at + i, line[i..].trim_end()));
        }
        at += line.len();
    }
    out
}

/// Codes a migration takes away with the socket: the socket rules, and the ones about what the
/// job did through it (a fixed `--name` on the node's daemon, the socket mount being writable).
// DS028: a propagation setting goes with the directory mount the migration removes
const GONE: &[&str] = &[
    "DS001", "DS002", "DS005", "DS016", "DS021", "DS027", "DS028",
];

type FindingKey = (String, Option<String>, Option<String>);

fn findings(file: &str, text: &str) -> BTreeMap<FindingKey, usize> {
    let mut out = BTreeMap::new();
    for f in lint_text(file, text).findings {
        *out.entry((f.code.to_string(), f.workload.clone(), f.container.clone()))
            .or_default() += 1;
    }
    out
}

#[test]
fn every_dood_fixture_migrates_byte_preserving_and_lints_clean_of_the_socket() {
    every_dood_fixture_migrates_to(MigrateTarget::Dind, WorkloadScenario::Dind);
}

#[test]
fn every_dood_fixture_migrates_to_rootless_dind_likewise() {
    every_dood_fixture_migrates_to(MigrateTarget::DindRootless, WorkloadScenario::DindRootless);
}

#[test]
fn every_dood_fixture_migrates_to_sysbox_likewise() {
    every_dood_fixture_migrates_to(MigrateTarget::Sysbox, WorkloadScenario::Sysbox);
}

/// Migrate every DooD fixture into `target`: the edits rebuild the text, nothing else changes, the
/// socket findings go, every other finding stays, the daemon brings exactly the codes the target
/// scenario declares, lint classifies the workload as `scenario`, and a second run changes nothing.
fn every_dood_fixture_migrates_to(target: MigrateTarget, scenario: WorkloadScenario) {
    let all = dood_fixtures();
    assert!(all.len() >= 15, "only {} DooD fixtures found", all.len());
    assert!(all.iter().any(|(f, _)| f == "_seeds/002-dood.yaml"));
    let declared = dockscape::build_scenario(target.as_str(), &dockscape::Params::new())
        .unwrap()
        .risk_codes();
    let mut problems = Vec::new();
    let mut migrated = 0;
    let mut compose_migrated = 0;
    let run = |text: &str| migrate(text, target, &MigrateOptions::default()).unwrap();
    for (file, text) in &all {
        let m = run(text);
        if m.migrated.is_empty() {
            assert!(
                !m.refusals.is_empty(),
                "{file}: neither migrated nor refused"
            );
            assert!(m.edits.is_empty() && m.text == *text, "{file}");
            continue;
        }
        migrated += 1;
        // the edits, applied by hand, give the text
        assert_eq!(reapply(text, &m), m.text, "{file}");
        // outside what migrate means to change, the documents read the same
        let compose = m.migrated.iter().all(|w| w.starts_with("service/"));
        let removed = removed_volumes(text, &m.text);
        assert!(compose || !removed.is_empty(), "{file}: no volume removed");
        if compose {
            compose_migrated += 1;
        } else if normalised(text, &removed) != normalised(&m.text, &removed) {
            problems.push(format!(
                "{file}: fields changed beyond the migration\n{}",
                m.text
            ));
        }
        // every comment is kept
        // every comment outside the replaced ranges is kept
        let after: Vec<&str> = comments(&m.text).into_iter().map(|(_, c)| c).collect();
        for (at, c) in comments(text) {
            let replaced = m.edits.iter().any(|e| e.start <= at && at < e.end);
            if !replaced && !after.contains(&c) {
                problems.push(format!("{file}: comment `{c}` lost"));
            }
        }
        // lint: the socket findings are gone, every other finding stays, the daemon brings exactly
        // the codes its scenario declares
        let before = findings(file, text);
        let now = findings(file, &m.text);
        let report = lint_text(file, &m.text);
        assert!(
            report.errors.is_empty(),
            "{file}: {:?}\n{}",
            report.errors,
            m.text
        );
        for (k, n) in &now {
            let was = before.get(k).copied().unwrap_or(0);
            let daemon = (k.2.as_deref() == Some(DAEMON)
                || compose && k.2.as_deref() == Some("docker"))
                && declared.contains(&k.0.as_str());
            let migrated_workload = k.1.as_ref().is_some_and(|w| m.migrated.contains(w));
            if migrated_workload && ["DS001", "DS002", "DS016"].contains(&k.0.as_str()) {
                problems.push(format!("{file}: {k:?} left after the migration"));
            } else if *n > was && !daemon
                || *n < was && !(migrated_workload && GONE.contains(&k.0.as_str()))
            {
                problems.push(format!("{file}: {k:?} {was} before, {n} after"));
            }
        }
        for (k, n) in &before {
            let migrated_workload = k.1.as_ref().is_some_and(|w| m.migrated.contains(w));
            if !(now.contains_key(k) || migrated_workload && GONE.contains(&k.0.as_str())) {
                problems.push(format!("{file}: {k:?} ({n}) lost"));
            }
        }
        for w in &report.workloads {
            if m.migrated.contains(&w.workload) {
                let want = if compose {
                    WorkloadScenario::None
                } else {
                    scenario
                };
                assert_eq!(w.scenario, want, "{file}: {}", w.workload);
            }
            if w.workload == "service/docker" && compose {
                assert_eq!(w.scenario, scenario, "{file}: {}", w.workload);
            }
        }
        // the daemon carries every code its scenario declares (in the pod or the `docker` service)
        for code in &declared {
            let on_daemon = now.keys().any(|k| {
                k.0 == *code
                    && (k.2.as_deref() == Some(DAEMON)
                        || compose && k.2.as_deref() == Some("docker"))
            });
            if !on_daemon {
                problems.push(format!("{file}: the daemon has no {code}\n{}", m.text));
            }
        }
        // idempotent
        let again = run(&m.text);
        assert!(
            again.edits.is_empty(),
            "{file}: a second migration edits {:?}",
            again.edits
        );
        assert_eq!(again.text, m.text);
    }
    eprintln!("{target:?}: {migrated} fixtures migrated ({compose_migrated} Compose)");
    assert!(migrated >= 12, "only {migrated} fixtures migrated");
    assert!(
        compose_migrated >= 2,
        "only {compose_migrated} Compose fixtures migrated"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn native_sidecar_goes_first_in_init_containers_with_a_startup_probe() {
    let (_, text) = dood_fixtures()
        .into_iter()
        .find(|(f, _)| f == "_seeds/002-dood.yaml")
        .unwrap();
    let m = migrate(
        &text,
        MigrateTarget::Dind,
        &MigrateOptions {
            sidecar: Some(Sidecar::Native),
            ..Default::default()
        },
    )
    .unwrap();
    let pod = &dockscape::debug_yaml_to_json(&m.text)[0];
    let init = &pod["spec"]["initContainers"][0];
    assert_eq!(init["name"], DAEMON);
    assert_eq!(init["restartPolicy"], "Always");
    assert!(init["startupProbe"].is_object());
    assert_eq!(pod["spec"]["containers"].as_array().unwrap().len(), 1);
}

fn pod(volumes_and_mounts: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ci\nspec:\n{volumes_and_mounts}")
}

const KUBECTL_STYLE: &str = "apiVersion: v1
kind: Pod
metadata:
  name: ci   # the CI pod
spec:
  containers:
  - name: build
    image: docker:29-cli
    command: [sh, -c, 'docker run -v /src:/src --name builder alpine ls /src']
    env:
    - name: DOCKER_HOST
      value: unix:///var/run/docker.sock
    volumeMounts:
    - name: sock
      mountPath: /var/run/docker.sock
    - name: cache
      mountPath: /cache
  volumes:
  - name: cache
    emptyDir: {}
  - name: sock
    hostPath: {path: /var/run/docker.sock, type: Socket}
";

#[test]
fn kubectl_style_stays_kubectl_style_and_docker_host_is_replaced() {
    let m = dind(KUBECTL_STYLE);
    assert_eq!(m.migrated, ["Pod/ci"]);
    let t = &m.text;
    // sequences under keys not indented, like the file
    assert!(
        t.contains("\n  - name: dind-daemon\n    image: docker:29-dind\n")
            || t.contains("\n  - name: dind-daemon\n"),
        "{t}"
    );
    assert!(t.contains("    env:\n    - name: DOCKER_HOST\n      value: tcp://localhost:2376\n    - name: DOCKER_TLS_VERIFY\n      value: \"1\"\n    - name: DOCKER_CERT_PATH\n      value: /certs/client\n"), "{t}");
    assert!(t.contains("    volumeMounts:\n    - name: docker-certs\n      mountPath: /certs/client\n      readOnly: true\n    - name: cache\n"), "{t}");
    assert!(t.contains("  name: ci   # the CI pod\n"));
    assert!(!t.contains("unix:///var/run/docker.sock\n    volumeMounts"));
    // what changes, with the line it comes from
    let line_of = |needle: &str| {
        KUBECTL_STYLE
            .lines()
            .position(|l| l.contains(needle))
            .unwrap()
            + 1
    };
    let note = |needle: &str| {
        m.notes
            .iter()
            .find(|n| n.message.contains(needle))
            .unwrap_or_else(|| panic!("no note {needle}: {:?}", m.notes))
    };
    assert_eq!(
        note("`/src` in the command now binds").line,
        line_of("docker run -v")
    );
    assert_eq!(
        note("`--name builder` no longer collides").line,
        line_of("docker run -v")
    );
    assert!(note("node's `docker ps` no longer lists them").line > 0);
    assert!(note("images are not shared with the node").line > 0);
    assert_eq!(dind(t).edits, []);
}

#[test]
fn json_input_gets_json_edits() {
    let json = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "ci"},
  "spec": {
    "containers": [
      {"name": "build", "image": "docker:29-cli",
       "volumeMounts": [{"name": "sock", "mountPath": "/var/run/docker.sock"}]}
    ],
    "volumes": [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]
  }
}
"#;
    let m = dind(json);
    let v: Value = serde_json::from_str(&m.text).unwrap_or_else(|e| panic!("{e}\n{}", m.text));
    assert_eq!(v["spec"]["containers"][1]["name"], DAEMON);
    assert_eq!(
        v["spec"]["containers"][0]["env"][0]["value"],
        "tcp://localhost:2376"
    );
    assert_eq!(v["spec"]["volumes"][0]["name"], "docker-storage");
    assert_eq!(dind(&m.text).edits, []);
}

#[test]
fn crlf_and_non_ascii_text_keep_their_bytes() {
    let t = pod("  containers:\n    - name: bäu # größe\n      image: docker:29-cli\n      volumeMounts:\n        - {name: s, mountPath: /var/run/docker.sock}\n  volumes:\n    - {name: s, hostPath: {path: /var/run/docker.sock}}\n")
        .replace('\n', "\r\n");
    let m = dind(&t);
    assert_eq!(m.migrated, ["Pod/ci"]);
    assert!(m.text.contains("- name: bäu # größe\r\n"));
    assert!(
        !m.text.replace("\r\n", "").contains('\n'),
        "only CRLF line breaks: {:?}",
        m.text
    );
    let docs = dockscape::debug_yaml_to_json(&m.text);
    assert_eq!(docs[0]["spec"]["containers"][1]["name"], DAEMON);
    assert_eq!(dind(&m.text).edits, []);
}

#[test]
fn native_sidecar_is_prepended_to_existing_init_containers() {
    let t = pod(
        "  initContainers:\n    - name: fetch\n      image: alpine:3.20\n  containers:\n    - name: build\n      image: docker:29-cli\n      volumeMounts:\n        - name: s\n          mountPath: /var/run/docker.sock\n  volumes:\n    - name: s\n      hostPath:\n        path: /var/run/docker.sock\n",
    );
    let m = migrate(
        &t,
        MigrateTarget::Dind,
        &MigrateOptions {
            sidecar: Some(Sidecar::Native),
            ..Default::default()
        },
    )
    .unwrap();
    let docs = dockscape::debug_yaml_to_json(&m.text);
    let init = docs[0]["spec"]["initContainers"].as_array().unwrap();
    assert_eq!(init.len(), 2, "{}", m.text);
    assert_eq!(init[0]["name"], DAEMON);
    assert_eq!(init[1]["name"], "fetch");
}

#[test]
fn workloads_that_need_the_nodes_containers_are_refused() {
    let agent = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cadvisor, namespace: monitoring}
spec:
  selector: {matchLabels: {app: c}}
  template:
    metadata: {labels: {app: c}}
    spec:
      containers:
        - name: cadvisor
          image: gcr.io/cadvisor/cadvisor:v0.49.1
          volumeMounts: [{name: run, mountPath: /var/run}]
      volumes: [{name: run, hostPath: {path: /var/run}}]
---
apiVersion: v1
kind: Pod
metadata: {name: janitor}
spec:
  containers:
    - name: j
      image: docker:29-cli
      command: [sh, -c, 'docker ps -q | xargs docker inspect']
      volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]
  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]
---
apiVersion: v1
kind: Pod
metadata: {name: logs}
spec:
  containers:
    - name: j
      image: docker:29-cli
      command: [docker, logs, -f, nginx]
      volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]
  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]
";
    let m = dind(agent);
    assert!(m.edits.is_empty() && m.text == agent);
    let reasons: Vec<(&str, usize, &str)> = m
        .refusals
        .iter()
        .map(|r| (r.workload.as_str(), r.line, r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert_eq!(reasons[0].0, "DaemonSet/monitoring/cadvisor");
    assert!(
        reasons[0].2.contains("a container monitoring agent"),
        "{reasons:?}"
    );
    assert_eq!(reasons[0].1, 11);
    assert!(
        reasons[1]
            .2
            .contains("`docker ps -q` looks at every container"),
        "{reasons:?}"
    );
    assert!(
        reasons[2]
            .2
            .contains("`docker logs nginx` works on a container the job does not start"),
        "{reasons:?}"
    );
}

#[test]
fn one_workload_is_chosen_with_workload() {
    let one = pod(
        "  containers:\n    - name: b\n      image: docker:29-cli\n      volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]\n  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]\n",
    );
    let two = format!("{one}---\n{}", one.replace("name: ci", "name: other"));
    for (want, sel) in [
        (vec!["Pod/other"], "Pod/default/other"),
        (vec!["Pod/other"], "pod/other"),
        (vec![], "Pod/kube-system/other"),
    ] {
        let m = migrate(
            &two,
            MigrateTarget::Dind,
            &MigrateOptions {
                workload: Some(sel.into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(m.migrated, want, "{sel}");
    }
    assert_eq!(dind(&two).migrated, ["Pod/ci", "Pod/other"]);
}

#[test]
fn bad_input_is_an_error_and_unknown_targets_are_refused() {
    let e = dind_err("kind: Pod\nspec: [\n");
    assert_eq!(e.kind(), dockscape::ErrorKind::Parse);
    assert!(e.location().is_some());
    // every target is implemented; an unknown one is a parameter error
    let e = "kata".parse::<MigrateTarget>().unwrap_err();
    assert_eq!(e.kind(), dockscape::ErrorKind::InvalidParameter);
    assert!(
        e.message().contains("dind-rootless, sysbox, buildkit"),
        "{e:?}"
    );
    // a Compose file is rewritten, and a script (core/tests/migrate_shell.rs)
    let compose = "services:\n  ci:\n    image: docker:29-cli\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n";
    assert_eq!(dind(compose).migrated, ["service/ci"]);
    let m = migrate(
        "docker run -v /var/run/docker.sock:/var/run/docker.sock alpine\n",
        MigrateTarget::Dind,
        &MigrateOptions {
            file: "ci.sh".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(m.migrated, ["run/line 1"], "{:?}", m.refusals);
    assert!(!m.text.contains("docker.sock:"));
}

fn dind_err(text: &str) -> dockscape::Error {
    migrate(text, MigrateTarget::Dind, &MigrateOptions::default()).unwrap_err()
}

#[test]
fn every_controller_kind_gets_the_daemon_in_its_pod_template() {
    let spec = |indent: usize| {
        let pad = " ".repeat(indent);
        format!(
            "{pad}containers:\n{pad}  - name: job\n{pad}    image: docker:29-cli\n{pad}    volumeMounts: [{{name: s, mountPath: /var/run/docker.sock}}]\n{pad}volumes:\n{pad}  - name: s\n{pad}    hostPath: {{path: /var/run/docker.sock, type: Socket}}\n"
        )
    };
    let template = |api: &str, kind: &str, extra: &str| {
        format!(
            "apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\nspec:\n{extra}  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n{}",
            spec(6)
        )
    };
    let cases: Vec<(String, &[&str], bool)> = vec![
        (
            template("apps/v1", "Deployment", "  replicas: 2\n"),
            &["spec", "template", "spec"],
            false,
        ),
        (
            template("apps/v1", "StatefulSet", "  serviceName: x\n"),
            &["spec", "template", "spec"],
            false,
        ),
        (
            template("apps/v1", "DaemonSet", ""),
            &["spec", "template", "spec"],
            false,
        ),
        (
            template("apps/v1", "ReplicaSet", ""),
            &["spec", "template", "spec"],
            false,
        ),
        (
            format!(
                "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: x}}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n{}",
                spec(6)
            ),
            &["spec", "template", "spec"],
            true,
        ),
        (
            format!(
                "apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: x}}\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n{}",
                spec(10)
            ),
            &["spec", "jobTemplate", "spec", "template", "spec"],
            true,
        ),
        (
            format!(
                "apiVersion: v1\nkind: PodTemplate\nmetadata: {{name: x}}\ntemplate:\n  spec:\n{}",
                spec(4)
            ),
            &["template", "spec"],
            false,
        ),
    ];
    for (text, path, native) in cases {
        let m = dind(&text);
        assert_eq!(m.migrated.len(), 1, "{text}\n{:?}", m.refusals);
        let doc = &dockscape::debug_yaml_to_json(&m.text)[0];
        let spec = path.iter().fold(doc, |v, k| &v[*k]);
        let list = if native {
            "initContainers"
        } else {
            "containers"
        };
        let names: Vec<&str> = spec[list]
            .as_array()
            .unwrap_or_else(|| panic!("no {list}: {}", m.text))
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&DAEMON), "{}", m.text);
        assert_eq!(
            spec["containers"][0]["env"][0]["value"],
            "tcp://localhost:2376"
        );
        assert_eq!(
            spec["volumes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["name"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ADDED_VOLUMES
        );
        assert!(
            lint_text("x.yaml", &m.text)
                .findings
                .iter()
                .all(|f| !["DS001", "DS002", "DS016"].contains(&f.code))
        );
        assert_eq!(dind(&m.text).edits, []);
    }
}

#[test]
fn mount_binds_host_network_and_old_clients_are_noted_with_their_lines() {
    let t = pod(
        "  hostNetwork: true\n  containers:\n    - name: b\n      image: docker:24.0.7-cli\n      args:\n        - sh\n        - -c\n        - |\n          docker run --mount type=bind,source=/etc/ssl,target=/ssl alpine ls /ssl\n      volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]\n  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]\n",
    );
    let m = dind(&t);
    let line_of = |needle: &str| t.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let note = |needle: &str| {
        m.notes
            .iter()
            .find(|n| n.message.contains(needle))
            .unwrap_or_else(|| panic!("no note {needle}: {:?}", m.notes))
            .line
    };
    assert_eq!(note("`hostNetwork: true`"), line_of("hostNetwork"));
    assert_eq!(
        note("`docker:24.0.7-cli`'s docker CLI speaks an API older than 1.44"),
        line_of("image: docker:24")
    );
    // the bind inside the script: its line is the script's
    assert!(
        note("`/etc/ssl` in the command now binds") >= line_of("- |"),
        "{:?}",
        m.notes
    );
}

#[test]
fn every_fixture_of_every_kind_migrates_or_refuses_without_panicking() {
    let files = common::files_under(&fixtures(), &["yaml", "yml", "json"]);
    let mut all = Vec::new();
    fn every(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                every(&p, out);
            } else if !p.extension().is_some_and(|x| {
                x == "snap" || x == "json" && p.to_string_lossy().contains("_sarif")
            }) {
                out.push(p);
            }
        }
    }
    every(&fixtures(), &mut all);
    assert!(all.len() > files.len());
    for p in all {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let options = MigrateOptions {
            file: name,
            ..Default::default()
        };
        for target in [
            MigrateTarget::Dind,
            MigrateTarget::DindRootless,
            MigrateTarget::Sysbox,
            MigrateTarget::Buildkit,
            MigrateTarget::SocketProxy,
        ] {
            if let Ok(m) = migrate(&text, target, &options) {
                assert_eq!(reapply(&text, &m), m.text, "{} {target:?}", p.display());
                if m.changed() {
                    let again = migrate(&m.text, target, &options).unwrap();
                    assert!(again.edits.is_empty(), "{} {target:?}", p.display());
                }
            }
        }
    }
}

#[test]
fn commands_on_containers_the_job_starts_are_not_refused() {
    let t = pod(
        "  containers:\n    - name: j\n      image: docker:29-cli\n      command: [sh, -c, 'docker run -d --name web nginx; docker logs --tail 5 web; docker inspect --format \"{{.Name}}\" web; docker rm -f $ID']\n      volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]\n  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]\n",
    );
    let m = dind(&t);
    assert_eq!(m.migrated, ["Pod/ci"], "{:?}", m.refusals);
    let refused = dind(&t.replace(
        "docker logs --tail 5 web",
        "docker logs --tail 5 nginx-proxy",
    ));
    assert!(
        refused.refusals[0]
            .reason
            .contains("`docker logs nginx-proxy`"),
        "{:?}",
        refused.refusals
    );
}

fn proxied(text: &str) -> Migration {
    migrate(text, MigrateTarget::SocketProxy, &MigrateOptions::default()).unwrap()
}

const PROXY: &str = "docker-socket-proxy";

#[test]
fn every_dood_fixture_moves_behind_the_socket_proxy_or_is_refused() {
    let all = dood_fixtures();
    let mut problems = Vec::new();
    let (mut migrated, mut refused, mut compose_migrated) = (0, 0, 0);
    for (file, text) in &all {
        let m = proxied(text);
        assert_eq!(reapply(text, &m), m.text, "{file}");
        if m.migrated.is_empty() {
            // nothing to do only where a socket proxy already holds the socket alone
            assert!(
                !m.refusals.is_empty() || text.contains("socket-proxy"),
                "{file}: neither migrated nor refused"
            );
            assert!(m.edits.is_empty() && m.text == *text, "{file}");
            refused += 1;
            continue;
        }
        migrated += 1;
        let report = lint_text(file, &m.text);
        assert!(
            report.errors.is_empty(),
            "{file}: {:?}\n{}",
            report.errors,
            m.text
        );
        for f in &report.findings {
            let in_migrated = f.workload.as_ref().is_some_and(|w| m.migrated.contains(w));
            if !in_migrated {
                continue;
            }
            if f.code == "DS022" {
                problems.push(format!("{file}: DS022 on {:?}\n{}", f.container, m.text));
            }
            if ["DS001", "DS002", "DS016"].contains(&f.code)
                && f.container.as_deref() != Some(PROXY)
            {
                problems.push(format!(
                    "{file}: {} left on {:?}\n{}",
                    f.code, f.container, m.text
                ));
            }
        }
        // the proxy holds the socket: still DooD, by design (in Compose, the proxy service)
        let compose = m.migrated.iter().all(|w| w.starts_with("service/"));
        for w in &report.workloads {
            if m.migrated.contains(&w.workload) {
                let want = if compose {
                    WorkloadScenario::None
                } else {
                    WorkloadScenario::Dood
                };
                assert_eq!(w.scenario, want, "{file}: {}", w.workload);
            }
            if w.workload == "service/docker-socket-proxy" {
                assert_eq!(w.scenario, WorkloadScenario::Dood, "{file}");
            }
        }
        assert!(m.text.contains("tecnativa/docker-socket-proxy"), "{file}");
        if compose {
            compose_migrated += 1;
            assert!(m.text.contains("tcp://docker-socket-proxy:2375"), "{file}");
            // outside the socket binds, `DOCKER_HOST`, `depends_on` and the proxy, nothing changed
            let before = compose_without_proxy(text);
            let after = compose_without_proxy(&m.text);
            if before != after {
                problems.push(format!(
                    "{file}: fields changed beyond the migration\n{before:?}\n{after:?}\n{}",
                    m.text
                ));
            }
        } else {
            assert!(m.text.contains("tcp://localhost:2375"), "{file}");
        }
        // every comment outside the replaced ranges is kept
        let after: Vec<&str> = comments(&m.text).into_iter().map(|(_, c)| c).collect();
        for (at, c) in comments(text) {
            let replaced = m.edits.iter().any(|e| e.start <= at && at < e.end);
            if !replaced && !after.contains(&c) {
                problems.push(format!("{file}: comment `{c}` lost"));
            }
        }
        // idempotent
        let again = proxied(&m.text);
        assert!(
            again.edits.is_empty(),
            "{file}: a second migration edits {:?}",
            again.edits
        );
        // the workloads refused the first time are refused again, the migrated ones are not
        let names = |m: &Migration| {
            m.refusals
                .iter()
                .map(|r| r.workload.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&again), names(&m), "{file}");
    }
    eprintln!(
        "socket-proxy: {migrated} fixtures migrated ({compose_migrated} Compose), {refused} refused"
    );
    assert!(migrated >= 3, "only {migrated} fixtures migrated");
    assert!(
        compose_migrated >= 1,
        "only {compose_migrated} Compose fixtures migrated"
    );
    assert!(refused >= 3, "only {refused} fixtures refused");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A Compose file's services as parsed, with what `--to socket-proxy` means to change taken out:
/// the proxy service, socket binds, `DOCKER_HOST` and the proxy in `depends_on` (emptied keys go).
fn compose_without_proxy(text: &str) -> Vec<Value> {
    let mut docs = dockscape::debug_yaml_to_json(text);
    for d in &mut docs {
        let Some(services) = d.get_mut("services").and_then(Value::as_object_mut) else {
            continue;
        };
        services.remove(PROXY);
        for svc in services.values_mut() {
            let Some(svc) = svc.as_object_mut() else {
                continue;
            };
            if let Some(Value::Array(vols)) = svc.get_mut("volumes") {
                vols.retain(|v| {
                    let source = v.as_str().or_else(|| v["source"].as_str()).unwrap_or("");
                    !source.contains("docker.sock")
                });
                if vols.is_empty() {
                    svc.remove("volumes");
                }
            }
            match svc.get_mut("environment") {
                Some(Value::Object(env)) => {
                    env.remove("DOCKER_HOST");
                }
                Some(Value::Array(env)) => env.retain(|e| {
                    !e.as_str()
                        .is_some_and(|e| e == "DOCKER_HOST" || e.starts_with("DOCKER_HOST="))
                }),
                _ => {}
            }
            match svc.get_mut("depends_on") {
                Some(Value::Object(d)) => {
                    d.remove(PROXY);
                }
                Some(Value::Array(d)) => d.retain(|x| x != PROXY),
                _ => {}
            }
            for key in ["environment", "depends_on"] {
                let empty = match svc.get(key) {
                    Some(Value::Object(m)) => m.is_empty(),
                    Some(Value::Array(a)) => a.is_empty(),
                    _ => false,
                };
                if empty {
                    svc.remove(key);
                }
            }
        }
    }
    docs
}

const READ_ONLY_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: dash   # a read-only dashboard
spec:
  containers:
  - name: view
    image: docker:29-cli
    command: [sh, -c, 'while true; do docker ps; docker images; sleep 60; done']
    volumeMounts:
    - name: sock
      mountPath: /var/run/docker.sock
  volumes:
  - name: sock
    hostPath: {path: /var/run/docker.sock, type: Socket}
";

#[test]
fn a_read_only_client_gets_the_proxy_and_loses_the_socket() {
    let m = proxied(READ_ONLY_POD);
    assert_eq!(m.migrated, ["Pod/dash"], "{:?}", m.refusals);
    let want = "apiVersion: v1
kind: Pod
metadata:
  name: dash   # a read-only dashboard
spec:
  containers:
  - name: view
    image: docker:29-cli
    command: [sh, -c, 'while true; do docker ps; docker images; sleep 60; done']
    env:
    - name: DOCKER_HOST
      value: tcp://localhost:2375
  - name: docker-socket-proxy
    image: tecnativa/docker-socket-proxy:0.3
    env:
    - name: CONTAINERS
      value: \"1\"
    - name: IMAGES
      value: \"1\"
    - name: INFO
      value: \"1\"
    - name: VERSION
      value: \"1\"
    - name: POST
      value: \"0\"
    volumeMounts:
    - name: sock
      mountPath: /var/run/docker.sock
      readOnly: true
  volumes:
  - name: sock
    hostPath: {path: /var/run/docker.sock, type: Socket}
";
    assert_eq!(m.text, want);
    let report = lint_text("dash.yaml", &m.text);
    let codes: Vec<(&str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.code, f.container.as_deref()))
        .collect();
    assert!(codes.contains(&("DS001", Some(PROXY))), "{codes:?}");
    assert!(!codes.iter().any(|c| c.0 == "DS022"), "{codes:?}");
    assert!(!codes.contains(&("DS001", Some("view"))), "{codes:?}");
    assert!(m.notes.iter().any(|n| n.message.contains("NetworkPolicy")));
    assert!(proxied(&m.text).edits.is_empty());
}

#[test]
fn writing_commands_and_socket_directories_are_refused_for_the_proxy() {
    // KUBECTL_STYLE's job runs `docker run`: a read-only proxy would refuse it
    let m = proxied(KUBECTL_STYLE);
    assert!(m.migrated.is_empty() && m.edits.is_empty());
    assert_eq!(m.refusals[0].line, 9, "{:?}", m.refusals);
    assert!(
        m.refusals[0].reason.contains("`docker run")
            && m.refusals[0].reason.contains("read-only socket proxy"),
        "{:?}",
        m.refusals
    );
    let dir = READ_ONLY_POD
        .replace("/var/run/docker.sock, type: Socket", "/var/run")
        .replace("mountPath: /var/run/docker.sock", "mountPath: /var/run");
    let m = proxied(&dir);
    assert!(m.migrated.is_empty());
    assert!(
        m.refusals[0].reason.contains("through its directory"),
        "{:?}",
        m.refusals
    );
    // Compose: a service whose command writes is refused the same way
    let compose = "services:\n  ci:\n    image: docker:29-cli\n    command: docker build .\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n";
    let m = proxied(compose);
    assert!(m.edits.is_empty());
    assert_eq!(m.refusals[0].line, 4, "{:?}", m.refusals);
    assert!(
        m.refusals[0].reason.contains("`docker build .` writes"),
        "{:?}",
        m.refusals
    );
    let dir = compose
        .replace("command: docker build .", "command: docker ps")
        .replace(
            "/var/run/docker.sock:/var/run/docker.sock",
            "/var/run:/var/run",
        );
    let m = proxied(&dir);
    assert!(m.edits.is_empty());
    assert!(
        m.refusals[0].reason.contains("through its directory"),
        "{:?}",
        m.refusals
    );
}

const READ_ONLY_COMPOSE: &str = "# a read-only dashboard
services:
  view:
    image: docker:29-cli   # the client
    command: [sh, -c, 'while true; do docker ps; sleep 60; done']
    environment:
      - TZ=UTC
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - ./data:/data
  web:
    image: nginx:1.27
";

#[test]
fn a_read_only_compose_service_gets_a_proxy_service_and_loses_the_socket() {
    let m = proxied(READ_ONLY_COMPOSE);
    assert_eq!(m.migrated, ["service/view"], "{:?}", m.refusals);
    let want = "# a read-only dashboard
services:
  view:
    image: docker:29-cli   # the client
    command: [sh, -c, 'while true; do docker ps; sleep 60; done']
    environment:
      - TZ=UTC
      - DOCKER_HOST=tcp://docker-socket-proxy:2375
    volumes:
      - ./data:/data
    depends_on:
      docker-socket-proxy:
        condition: service_started
  web:
    image: nginx:1.27
  docker-socket-proxy:
    image: tecnativa/docker-socket-proxy:0.3
    environment:
      CONTAINERS: \"1\"
      IMAGES: \"1\"
      INFO: \"1\"
      VERSION: \"1\"
      POST: \"0\"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
";
    assert_eq!(m.text, want);
    let report = lint_text("compose.yaml", &m.text);
    let codes: Vec<(&str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.code, f.workload.as_deref()))
        .collect();
    assert!(
        codes.contains(&("DS001", Some("service/docker-socket-proxy"))),
        "{codes:?}"
    );
    assert!(!codes.iter().any(|c| c.0 == "DS022"), "{codes:?}");
    assert!(
        !codes
            .iter()
            .any(|c| c.1 == Some("service/view") && ["DS001", "DS002", "DS016"].contains(&c.0)),
        "{codes:?}"
    );
    assert!(
        m.notes
            .iter()
            .any(|n| n.line == 9 && n.message.contains("no longer binds the socket")),
        "{:?}",
        m.notes
    );
    // the only socket bind left is the proxy's: a second run changes nothing
    let again = proxied(&m.text);
    assert!(
        again.edits.is_empty() && again.refusals.is_empty(),
        "{again:?}"
    );
    // the only bind of a service: its `volumes` key goes, a mapping `environment` gets the key
    let only = "services:\n  ci:\n    image: docker:29-cli\n    command: docker version\n    environment:\n      TZ: UTC\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n";
    let m = proxied(only);
    assert_eq!(
        m.text,
        "services:\n  ci:\n    image: docker:29-cli\n    command: docker version\n    environment:\n      TZ: UTC\n      DOCKER_HOST: tcp://docker-socket-proxy:2375\n    depends_on:\n      docker-socket-proxy:\n        condition: service_started\n  docker-socket-proxy:\n    image: tecnativa/docker-socket-proxy:0.3\n    environment:\n      CONTAINERS: \"1\"\n      IMAGES: \"1\"\n      INFO: \"1\"\n      VERSION: \"1\"\n      POST: \"0\"\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n"
    );
}

fn to(target: MigrateTarget, text: &str) -> Migration {
    migrate(text, target, &MigrateOptions::default()).unwrap()
}

/// The daemon container, the volumes and the pod settings are the generator's for the target.
fn generated_spec(scenario: &str) -> Value {
    let s = dockscape::build_scenario(scenario, &dockscape::Params::new()).unwrap();
    serde_json::to_value(dockscape::to_pod(&s).unwrap()).unwrap()["spec"].clone()
}

#[test]
fn rootless_and_sysbox_pods_get_the_generators_daemon_and_pod_settings() {
    for (target, scenario) in [
        (MigrateTarget::DindRootless, "dind-rootless"),
        (MigrateTarget::Sysbox, "sysbox"),
    ] {
        let m = to(target, KUBECTL_STYLE);
        assert_eq!(m.migrated, ["Pod/ci"], "{:?}", m.refusals);
        let spec = &dockscape::debug_yaml_to_json(&m.text)[0]["spec"];
        let generated = generated_spec(scenario);
        let daemon = |spec: &Value| {
            spec["containers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == DAEMON)
                .cloned()
                .unwrap()
        };
        assert_eq!(daemon(spec), daemon(&generated), "{scenario}\n{}", m.text);
        // the pod's `cache` volume, then the daemon's in the place of the socket's
        assert_eq!(
            spec["volumes"].as_array().unwrap()[1..],
            generated["volumes"].as_array().unwrap()[..],
            "{scenario}"
        );
        assert_eq!(spec["runtimeClassName"], generated["runtimeClassName"]);
        assert_eq!(spec["hostUsers"], generated["hostUsers"]);
        // the job: TLS to the pod's daemon, nothing of the generator's uid 1000 client
        let env: Vec<&str> = spec["containers"][0]["env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            env,
            ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"],
            "{scenario}"
        );
        assert!(spec["containers"][0].get("securityContext").is_none());
        assert_eq!(to(target, &m.text).edits, [], "{scenario}");
    }
    let rootless = to(MigrateTarget::DindRootless, KUBECTL_STYLE);
    assert!(rootless.text.contains("image: docker:29-dind-rootless\n"));
    assert!(rootless.notes.iter().any(|n| {
        n.line == 7
            && n.message
                .contains("writes the client certificates as that user")
    }));
    let sysbox = to(MigrateTarget::Sysbox, KUBECTL_STYLE);
    assert!(
        sysbox
            .text
            .ends_with("  runtimeClassName: sysbox-runc\n  hostUsers: false\n")
    );
    assert!(!sysbox.text.contains("privileged"), "{}", sysbox.text);
    assert!(
        sysbox
            .notes
            .iter()
            .any(|n| n.message.contains("node prerequisites: Sysbox installed"))
    );
}

#[test]
fn sysbox_refuses_host_namespaces_and_another_runtime_class() {
    let host_net = KUBECTL_STYLE.replace("spec:\n", "spec:\n  hostNetwork: true\n");
    let m = to(MigrateTarget::Sysbox, &host_net);
    assert!(m.edits.is_empty());
    assert_eq!(m.refusals[0].line, 6, "{:?}", m.refusals);
    assert!(
        m.refusals[0].reason.contains("`hostNetwork: true`"),
        "{:?}",
        m.refusals
    );
    // with TLS DinD the same pod is migrated (the note says what opens on the node)
    assert_eq!(dind(&host_net).migrated, ["Pod/ci"]);
    let kata = KUBECTL_STYLE.replace("spec:\n", "spec:\n  runtimeClassName: kata\n");
    let m = to(MigrateTarget::Sysbox, &kata);
    assert!(m.edits.is_empty());
    assert!(
        m.refusals[0]
            .reason
            .contains("sets `runtimeClassName: kata`"),
        "{:?}",
        m.refusals
    );
    // a pod already on Sysbox keeps its setting and gets the other one
    let on_sysbox = KUBECTL_STYLE.replace("spec:\n", "spec:\n  runtimeClassName: sysbox-runc\n");
    let m = to(MigrateTarget::Sysbox, &on_sysbox);
    assert_eq!(m.migrated, ["Pod/ci"]);
    assert_eq!(m.text.matches("runtimeClassName").count(), 1, "{}", m.text);
    assert!(m.text.ends_with("  hostUsers: false\n"), "{}", m.text);
}

#[test]
fn rootless_and_sysbox_compose_files_get_the_generators_daemon_service() {
    let compose = "services:\n  ci:\n    image: docker:29-cli\n    command: docker run --rm alpine true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n";
    for (target, scenario) in [
        (MigrateTarget::DindRootless, "dind-rootless"),
        (MigrateTarget::Sysbox, "sysbox"),
    ] {
        let m = to(target, compose);
        assert_eq!(m.migrated, ["service/ci"], "{:?}", m.refusals);
        let s = dockscape::build_scenario(scenario, &dockscape::Params::new()).unwrap();
        let generated: Value = serde_json::to_value(dockscape::to_compose(&s).unwrap()).unwrap();
        let out = &dockscape::debug_yaml_to_json(&m.text)[0];
        assert_eq!(
            out["services"]["docker"], generated["services"]["docker"],
            "{scenario}\n{}",
            m.text
        );
        assert_eq!(out["volumes"], generated["volumes"]);
        // the user's service keeps its own runtime and uid
        let ci = &out["services"]["ci"];
        assert!(
            ci.get("runtime").is_none() && ci.get("user").is_none(),
            "{}",
            m.text
        );
        assert_eq!(ci["environment"]["DOCKER_HOST"], "tcp://docker:2376");
        assert!(ci["environment"].get("DOCKER_CONFIG").is_none());
        assert_eq!(to(target, &m.text).edits, []);
    }
    let sysbox = to(MigrateTarget::Sysbox, compose);
    assert!(sysbox.text.contains("    runtime: sysbox-runc\n"));
    assert!(!sysbox.text.contains("privileged"), "{}", sysbox.text);
    let rootless = to(MigrateTarget::DindRootless, compose);
    assert!(
        rootless
            .text
            .contains("    image: docker:29-dind-rootless\n")
    );
}

fn migrate_fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/migrate")
            .join(name),
    )
    .unwrap()
}

#[test]
fn every_dood_fixture_is_rewritten_into_buildkit_or_refused() {
    let mut all = dood_fixtures();
    for f in [
        "buildkit-job.yaml",
        "buildkit-pod.yaml",
        "buildkit-compose.yaml",
    ] {
        all.push((format!("migrate/{f}"), migrate_fixture(f)));
    }
    let declared = dockscape::build_scenario("buildkit", &dockscape::Params::new())
        .unwrap()
        .risk_codes();
    assert_eq!(declared, ["DS017"]);
    let (mut migrated, mut refused) = (Vec::new(), 0);
    let mut problems = Vec::new();
    for (file, text) in &all {
        let m = to(MigrateTarget::Buildkit, text);
        assert_eq!(reapply(text, &m), m.text, "{file}");
        if m.migrated.is_empty() {
            assert!(
                !m.refusals.is_empty(),
                "{file}: neither migrated nor refused"
            );
            assert!(m.edits.is_empty() && m.text == *text, "{file}");
            refused += 1;
            continue;
        }
        migrated.push(file.clone());
        let report = lint_text(file, &m.text);
        assert!(report.errors.is_empty(), "{file}: {:?}", report.errors);
        for w in &report.workloads {
            if m.migrated.contains(&w.workload) {
                assert_eq!(w.scenario, WorkloadScenario::DaemonlessBuild, "{file}");
            }
        }
        // the socket's findings go; the only code added is the scenario's, on the build container
        let before = findings(file, text);
        let now = findings(file, &m.text);
        for (k, n) in &now {
            let was = before.get(k).copied().unwrap_or(0);
            if ["DS001", "DS002", "DS016"].contains(&k.0.as_str()) {
                problems.push(format!("{file}: {k:?} left"));
            } else if *n > was && !declared.contains(&k.0.as_str()) {
                problems.push(format!("{file}: {k:?} {was} before, {n} after\n{}", m.text));
            }
        }
        assert!(now.keys().any(|k| k.0 == "DS017"), "{file}");
        // comments outside the edits are kept
        let after: Vec<&str> = comments(&m.text).into_iter().map(|(_, c)| c).collect();
        for (at, c) in comments(text) {
            let replaced = m.edits.iter().any(|e| e.start <= at && at < e.end);
            if !replaced && !after.contains(&c) {
                problems.push(format!("{file}: comment `{c}` lost"));
            }
        }
        assert_eq!(to(MigrateTarget::Buildkit, &m.text).edits, [], "{file}");
    }
    eprintln!(
        "buildkit: {} migrated ({migrated:?}), {refused} refused",
        migrated.len()
    );
    assert!(migrated.iter().any(|f| f == "migrate/buildkit-job.yaml"));
    assert!(migrated.iter().any(|f| f == "migrate/buildkit-pod.yaml"));
    assert!(
        migrated
            .iter()
            .any(|f| f == "migrate/buildkit-compose.yaml")
    );
    assert!(refused >= 20, "only {refused} refused");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_docker_build_pod_becomes_rootless_buildkit() {
    let text = migrate_fixture("buildkit-pod.yaml");
    let m = to(MigrateTarget::Buildkit, &text);
    assert_eq!(m.migrated, ["Pod/build"], "{:?}", m.refusals);
    let want = "apiVersion: v1
kind: Pod
metadata:
  name: build   # builds the app
spec:
  restartPolicy: Never
  containers:
  - name: build
    image: moby/buildkit:v0.33.0-rootless
    workingDir: /src
    command:
    - buildctl-daemonless.sh
    env:
    - name: DOCKER_BUILDKIT
      value: \"1\"
    - name: BUILDKITD_FLAGS
      value: \"--oci-worker-no-process-sandbox\"
    securityContext:
      appArmorProfile:
        type: Unconfined
      runAsGroup: 1000
      runAsUser: 1000
      seccompProfile:
        type: Unconfined
    volumeMounts:
    - name: src
      mountPath: /src
    - name: buildkitd
      mountPath: /home/user/.local/share/buildkit
    args:
    - build
    - \"--frontend\"
    - dockerfile.v0
    - \"--local\"
    - context=/src
    - \"--local\"
    - dockerfile=/src/docker
    - \"--output\"
    - \"type=image,name=registry.example.com/app:1,push=false\"
    - \"--opt\"
    - filename=Dockerfile
    - \"--opt\"
    - build-arg:V=1
  volumes:
  - name: src
    persistentVolumeClaim: {claimName: src}
  - name: buildkitd
    emptyDir: {}
";
    assert_eq!(m.text, want);
    let note = |needle: &str| {
        m.notes
            .iter()
            .find(|n| n.message.contains(needle))
            .unwrap_or_else(|| panic!("no note {needle}: {:?}", m.notes))
            .line
    };
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert_eq!(
        note("now runs `moby/buildkit:v0.33.0-rootless`"),
        line_of("image: docker:29-cli")
    );
    assert_eq!(
        note("nothing on the node can `docker run` it"),
        line_of("- name: build")
    );
    assert_eq!(
        note("replaced by BuildKit's state `buildkitd`"),
        line_of("hostPath: {path: /var/run/docker.sock") - 1
    );
}

#[test]
fn buildkit_refuses_workloads_that_do_more_than_build() {
    let pod = migrate_fixture("buildkit-pod.yaml");
    let command = "command: [docker, build, -t, registry.example.com/app:1, -f, docker/Dockerfile, --build-arg, V=1, .]";
    assert!(pod.contains(command));
    for (replacement, said) in [
        (
            "command: [sh, -c, 'docker build -t app . && docker push app']",
            "does more than one `docker build`",
        ),
        (
            "command: [docker, run, --rm, alpine]",
            "`docker run --rm alpine` does more",
        ),
        (
            "command: [docker, build, --push, -t, app, .]",
            "`--push` needs the registry credentials",
        ),
        (
            "command: [docker, build, --squash, .]",
            "`docker build --squash` has no rootless BuildKit equivalent",
        ),
        (
            "command: [docker, build, /opt/app]",
            "the build context `/opt/app` is not on a volume of `build`",
        ),
        (
            "command: [docker, build, https://example.com/app.git]",
            "is not a folder of the container",
        ),
        (
            "args: [build, .]",
            "`build .` does more than one `docker build` (or is not one)",
        ),
        ("# no command", "runs its image's own command"),
    ] {
        let text = pod.replace(command, replacement);
        let m = to(MigrateTarget::Buildkit, &text);
        assert!(m.edits.is_empty(), "{replacement}");
        assert_eq!(m.refusals.len(), 1, "{replacement}");
        assert!(
            m.refusals[0].reason.contains(said),
            "{replacement}: {:?}",
            m.refusals
        );
    }
    // a relative context needs the working directory it is relative to
    let m = to(
        MigrateTarget::Buildkit,
        &pod.replace("    workingDir: /src\n", ""),
    );
    assert!(
        m.refusals[0]
            .reason
            .contains("relative to the image's working directory"),
        "{:?}",
        m.refusals
    );
    // Compose: a context outside the service's volumes is refused likewise
    let compose = "services:\n  ci:\n    image: docker:29-cli\n    command: docker build /src\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n";
    let m = to(MigrateTarget::Buildkit, compose);
    assert!(m.edits.is_empty());
    assert!(
        m.refusals[0]
            .reason
            .contains("the build context `/src` is not on a volume of `ci`"),
        "{:?}",
        m.refusals
    );
}

#[test]
fn a_docker_build_compose_service_becomes_rootless_buildkit() {
    let text = migrate_fixture("buildkit-compose.yaml");
    let m = to(MigrateTarget::Buildkit, &text);
    assert_eq!(m.migrated, ["service/build"], "{:?}", m.refusals);
    let want = "# builds the app with the host's daemon
services:
  build:
    image: moby/buildkit:v0.33.0-rootless
    working_dir: /src
    command:
      - build
      - \"--frontend\"
      - dockerfile.v0
      - \"--local\"
      - context=/src
      - \"--local\"
      - dockerfile=/src
      - \"--output\"
      - \"type=image,name=registry.example.com/app:dev,push=false\"
      - \"--opt\"
      - build-arg:VERSION=dev
    environment:
      - TZ=UTC
      - BUILDKITD_FLAGS=--oci-worker-no-process-sandbox
    volumes:
      - ./app:/src:ro
      - buildkitd:/home/user/.local/share/buildkit
    entrypoint:
      - buildctl-daemonless.sh
    user: \"1000:1000\"
    security_opt:
      - seccomp=unconfined
      - apparmor=unconfined
volumes:
  buildkitd: {}
";
    assert_eq!(m.text, want);
    let report = lint_text("compose.yaml", &m.text);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report.workloads[0].scenario,
        WorkloadScenario::DaemonlessBuild
    );
    assert_eq!(to(MigrateTarget::Buildkit, &m.text).edits, []);
}

#[test]
fn a_rootless_job_publishing_a_low_port_gets_the_generators_sysctl() {
    // seed 002 runs `docker run -p 80:80 httpd:latest`: a rootless daemon cannot bind port 80
    let (_, seed) = dood_fixtures()
        .into_iter()
        .find(|(f, _)| f == "_seeds/002-dood.yaml")
        .unwrap();
    let m = to(MigrateTarget::DindRootless, &seed);
    assert_eq!(m.migrated, ["Pod/dood"], "{:?}", m.refusals);
    let spec = &dockscape::debug_yaml_to_json(&m.text)[0]["spec"];
    let mut params = dockscape::Params::new();
    params.set("command", "docker").unwrap();
    params.set("args", "run -p 80:80 httpd:latest").unwrap();
    let s = dockscape::build_scenario("dind-rootless", &params).unwrap();
    let generated = serde_json::to_value(dockscape::to_pod(&s).unwrap()).unwrap();
    let want = &generated["spec"]["securityContext"]["sysctls"];
    assert_eq!(want[0]["name"], "net.ipv4.ip_unprivileged_port_start");
    assert_eq!(&spec["securityContext"]["sysctls"], want, "{}", m.text);
    assert!(
        m.notes
            .iter()
            .any(|n| n.message.contains("ip_unprivileged_port_start=0")),
        "{:?}",
        m.notes
    );
    assert_eq!(to(MigrateTarget::DindRootless, &m.text).edits, []);
    // the root daemon binds it as it is: no sysctl
    assert!(!dind(&seed).text.contains("sysctls"));
    // an existing pod securityContext gets the list, an existing list the item
    let with_sc = KUBECTL_STYLE
        .replace("'docker run -v", "'docker run -p 443:443 -v")
        .replace(
            "spec:\n",
            "spec:\n  securityContext:\n    runAsNonRoot: false\n",
        );
    let m = to(MigrateTarget::DindRootless, &with_sc);
    assert!(
        m.text.contains("  securityContext:\n    runAsNonRoot: false\n    sysctls:\n    - name: net.ipv4.ip_unprivileged_port_start\n      value: \"0\"\n"),
        "{}",
        m.text
    );
    let with_list = with_sc.replace(
        "    runAsNonRoot: false\n",
        "    sysctls:\n    - {name: net.ipv4.ping_group_range, value: 0 1}\n",
    );
    let m = to(MigrateTarget::DindRootless, &with_list);
    let spec = &dockscape::debug_yaml_to_json(&m.text)[0]["spec"];
    assert_eq!(
        spec["securityContext"]["sysctls"][1]["name"], "net.ipv4.ip_unprivileged_port_start",
        "{}",
        m.text
    );
    // Compose: the rootless daemon service is the generator's for such a job
    let compose = "services:\n  ci:\n    image: docker:29-cli\n    command: docker run -p 80:80 httpd\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n";
    let m = to(MigrateTarget::DindRootless, compose);
    let out = &dockscape::debug_yaml_to_json(&m.text)[0];
    assert_eq!(
        out["services"]["docker"]["sysctls"]["net.ipv4.ip_unprivileged_port_start"], "0",
        "{}",
        m.text
    );
}
