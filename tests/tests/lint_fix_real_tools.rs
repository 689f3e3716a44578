//! `dockscape lint --fix` output checked by the real tools: every fixture of the lint corpus with
//! a fixable finding, and a case of each fix written here, that passes `kubernetes-validate
//! --strict` (Kubernetes) or `docker-compose config` (Compose) before the fix (unsafe fixes
//! included) passes it after; and `docker-compose config` reads the fixed field as meant.

use std::path::{Path, PathBuf};

use dockscape::{LintInput, LintOptions, fix, lint};
use dockscape_tests::{compose_config, kubernetes_validate};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/lint")
}

fn input<'a>(file: &'a str, text: &'a str) -> LintInput<'a> {
    LintInput {
        file,
        text,
        kind: None,
    }
}

const KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "PodTemplate",
    "ReplicaSet",
];

/// A dind daemon with TLS off whose client already speaks TLS (DS009's fix), a socket volume no
/// container mounts (DS025), a writable `/etc` (DS005) and an explicit escalation (DS015).
const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: ci
spec:
  containers:
  - name: job
    image: docker:29-cli
    env:
    - {name: DOCKER_HOST, value: \"tcp://localhost:2376\"}
    - {name: DOCKER_TLS_VERIFY, value: \"1\"}
    - {name: DOCKER_CERT_PATH, value: /certs/client}
    securityContext:
      allowPrivilegeEscalation: true
    volumeMounts:
    - name: certs
      mountPath: /certs/client
      readOnly: true
    - {name: etc, mountPath: /host/etc}
  - name: dind
    image: docker:29-dind
    securityContext: {privileged: true}
    env:
    - name: DOCKER_TLS_CERTDIR
      value: \"\"
    volumeMounts:
    - name: certs
      mountPath: /certs/client
  volumes:
  - name: certs
    emptyDir: {}
  - name: etc
    hostPath: {path: /etc}
  - name: sock
    hostPath:
      path: /var/run/docker.sock
";

const COMPOSE: &str = "services:
  docker:
    image: docker:29-dind
    privileged: true
    environment:
      DOCKER_TLS_CERTDIR: \"\"
    volumes:
      - docker-certs:/certs/client
  job:
    image: docker:29-cli
    environment:
      - DOCKER_HOST=tcp://docker:2376
      - DOCKER_TLS_VERIFY=1
      - DOCKER_CERT_PATH=/certs/client
    security_opt:
      - no-new-privileges:false
    volumes:
      - docker-certs:/certs/client:ro
      - \"/etc:/host/etc\"
      - /var/lib/docker:/d:rw
      - type: bind
        source: /root
        target: /r
volumes:
  docker-certs: {}
  sock:
    driver: local
    driver_opts: {type: none, o: bind, device: /var/run/docker.sock}
";

/// (name, text, is Compose) of every input with a fixable finding.
fn fixable() -> Vec<(String, String, bool)> {
    let files = dockscape_tests::files_under(&fixtures(), &["yaml", "yml", "json"]);
    let mut out = vec![
        ("pod.yaml".to_string(), POD.to_string(), false),
        ("compose.yaml".to_string(), COMPOSE.to_string(), true),
    ];
    for p in files {
        let rel = p.strip_prefix(fixtures()).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let report = lint(&[input(&rel, &text)], &LintOptions::default());
        if !report.errors.is_empty() || !report.active().any(|f| f.fix.is_some()) {
            continue;
        }
        let compose =
            report.workloads.iter().all(|w| w.kind == "service") && text.contains("services:");
        let builtin = report
            .workloads
            .iter()
            .all(|w| KINDS.contains(&w.kind.as_str()));
        if compose || builtin {
            out.push((rel, text, compose));
        }
    }
    out
}

#[test]
fn every_fixed_input_passes_the_real_validators_where_the_original_did() {
    let files = fixable();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, text, compose) in &files {
        let done = fix(&input(name, text), &LintOptions::default(), true).unwrap();
        assert!(done.fixed > 0, "{name}");
        let (before, after) = if *compose {
            (
                compose_config(text).map(|_| ()),
                compose_config(&done.text).map(|_| ()),
            )
        } else {
            (kubernetes_validate(text), kubernetes_validate(&done.text))
        };
        if before.is_err() {
            continue;
        }
        checked += 1;
        if let Err(e) = after {
            failures.push(format!("{name}: {e}\n{}", done.text));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!(
        "{checked} of {} fixed inputs checked by the real tools",
        files.len()
    );
    // the two cases written here and most of the corpus' fixable files are valid to begin with
    assert!(
        checked >= 8,
        "only {checked} of {} inputs checked",
        files.len()
    );
}

#[test]
fn compose_reads_every_fixed_field_as_meant() {
    let done = fix(
        &input("compose.yaml", COMPOSE),
        &LintOptions::default(),
        true,
    )
    .unwrap();
    assert_eq!(done.fixed, 6, "{}", done.text);
    let config = compose_config(&done.text).unwrap();
    let canonical: serde_json::Value = serde_saphyr_value(&config);
    let job = &canonical["services"]["job"];
    assert_eq!(
        canonical["services"]["docker"]["environment"]["DOCKER_TLS_CERTDIR"],
        "/certs"
    );
    assert_eq!(job["security_opt"][0], "no-new-privileges:true");
    let mounts = job["volumes"].as_array().unwrap();
    for target in ["/host/etc", "/d", "/r"] {
        let m = mounts.iter().find(|m| m["target"] == target).unwrap();
        assert_eq!(m["read_only"], true, "{target}: {m}");
    }
    assert!(canonical["volumes"].get("sock").is_none(), "{config}");
    // nothing else: the original's canonical form, these fields aside, is the same
    let before: serde_json::Value = serde_saphyr_value(&compose_config(COMPOSE).unwrap());
    let mut a = before.clone();
    let mut b = canonical.clone();
    for v in [&mut a, &mut b] {
        v["services"]["docker"]["environment"]
            .as_object_mut()
            .unwrap()
            .remove("DOCKER_TLS_CERTDIR");
        v["services"]["job"]
            .as_object_mut()
            .unwrap()
            .remove("security_opt");
        for m in v["services"]["job"]["volumes"].as_array_mut().unwrap() {
            m.as_object_mut().unwrap().remove("read_only");
        }
        v["volumes"].as_object_mut().unwrap().remove("sock");
    }
    assert_eq!(a, b);
}

/// `docker-compose config`'s YAML as JSON (the same reading dockscape's differential tests use).
fn serde_saphyr_value(yaml: &str) -> serde_json::Value {
    dockscape::debug_yaml_to_json(yaml)
        .into_iter()
        .next()
        .unwrap()
}
