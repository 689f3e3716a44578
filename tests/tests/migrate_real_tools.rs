//! `dockscape migrate --to dind` output checked by the real `kubernetes-validate --strict`: every
//! DooD Kubernetes fixture of the lint corpus (seed 002's DooD Pod included) that passes the
//! validator before the migration passes it after, with the daemon as a container and as a native
//! sidecar; and read back into k8s-openapi types, the migrated Pod of seed 002 keeps every field
//! of its job container but the socket mount and the added TLS settings.

use std::path::{Path, PathBuf};

use dockscape::{
    LintInput, LintOptions, MigrateOptions, MigrateTarget, Sidecar, WorkloadScenario, lint, migrate,
};
use dockscape_tests::kubernetes_validate;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/lint")
}

/// Kubernetes fixtures (built-in kinds only: the validator has no schema for custom resources)
/// with a workload lint classifies as DooD, and that migrate rewrites.
fn migratable() -> Vec<(String, String)> {
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
    let files = dockscape_tests::files_under(&fixtures(), &["yaml", "yml", "json"]);
    let mut out = Vec::new();
    for p in files {
        let rel = p.strip_prefix(fixtures()).unwrap().display().to_string();
        if rel.starts_with("_ci/") || rel.starts_with("_sarif/") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let report = lint(
            &[LintInput {
                file: &rel,
                text: &text,
                kind: None,
            }],
            &LintOptions::default(),
        );
        let dood = report
            .workloads
            .iter()
            .any(|w| w.scenario == WorkloadScenario::Dood);
        // a `docker run` a container's command runs is a workload of its own (kind `run`)
        let builtin = report
            .workloads
            .iter()
            .filter(|w| w.kind != "run")
            .all(|w| KINDS.contains(&w.kind.as_str()));
        let m = migrate(&text, MigrateTarget::Dind, &MigrateOptions::default());
        if dood && builtin && report.errors.is_empty() && m.is_ok_and(|m| m.changed()) {
            out.push((rel, text));
        }
    }
    out
}

#[test]
fn every_migrated_fixture_passes_kubernetes_validate_strict() {
    let files = migratable();
    assert!(files.len() >= 12, "only {} files", files.len());
    // the fixtures the validator accepts as they are (some are invalid on purpose)
    let valid: Vec<&(String, String)> = files
        .iter()
        .filter(|(_, t)| kubernetes_validate(t).is_ok())
        .collect();
    assert!(
        valid.iter().any(|(f, _)| f == "_seeds/002-dood.yaml"),
        "{:?}",
        valid.iter().map(|(f, _)| f).collect::<Vec<_>>()
    );
    assert!(valid.len() >= 10, "only {} valid fixtures", valid.len());
    let mut failures = Vec::new();
    let targets = [
        MigrateTarget::Dind,
        MigrateTarget::DindRootless,
        MigrateTarget::Sysbox,
    ];
    for (target, sidecar) in targets
        .iter()
        .flat_map(|&t| [(t, Sidecar::Container), (t, Sidecar::Native)])
    {
        let options = MigrateOptions {
            sidecar: Some(sidecar),
            ..Default::default()
        };
        // (Sysbox refuses pods on the node's namespaces: they cannot have `hostUsers: false`)
        let outputs: Vec<(String, String)> = valid
            .iter()
            .filter_map(|(f, t)| {
                let m = migrate(t, target, &options).unwrap();
                assert!(
                    m.changed() || target == MigrateTarget::Sysbox,
                    "{f} {target:?}"
                );
                m.changed().then(|| (f.clone(), m.text))
            })
            .collect();
        assert!(
            outputs.len() >= 8,
            "{target:?}: only {} outputs",
            outputs.len()
        );
        let stream: Vec<&str> = outputs.iter().map(|(_, t)| t.as_str()).collect();
        if kubernetes_validate(&stream.join("\n---\n")).is_err() {
            for (f, t) in &outputs {
                if let Err(e) = kubernetes_validate(t) {
                    failures.push(format!("{f} ({target:?}, {sidecar:?}): {e}\n{t}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_migrated_seed_pod_reads_back_as_the_same_job_with_tls() {
    use k8s_openapi::api::core::v1::Pod;
    let text = std::fs::read_to_string(fixtures().join("_seeds/002-dood.yaml")).unwrap();
    let m = migrate(&text, MigrateTarget::Dind, &MigrateOptions::default()).unwrap();
    let before: Pod = serde_saphyr::from_str(&text).unwrap();
    let after: Pod = serde_saphyr::from_str(&m.text).unwrap();
    assert_eq!(before.metadata, after.metadata);
    let (b, a) = (before.spec.unwrap(), after.spec.unwrap());
    let (mut job_before, job_after) = (b.containers[0].clone(), a.containers[0].clone());
    // what the migration means to change in the job container: the socket mount becomes the
    // client certificates, the TLS variables are added
    assert_eq!(
        job_after
            .env
            .iter()
            .flatten()
            .map(|e| (e.name.as_str(), e.value.as_deref().unwrap_or("")))
            .collect::<Vec<_>>(),
        [
            ("DOCKER_HOST", "tcp://localhost:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", "/certs/client")
        ]
    );
    let mounts = job_after.volume_mounts.clone().unwrap();
    assert_eq!(mounts.len(), 1);
    assert_eq!(
        (
            mounts[0].name.as_str(),
            mounts[0].mount_path.as_str(),
            mounts[0].read_only
        ),
        ("docker-certs", "/certs/client", Some(true))
    );
    job_before.env = job_after.env.clone();
    job_before.volume_mounts = job_after.volume_mounts.clone();
    assert_eq!(
        job_before, job_after,
        "nothing else of the job container changes"
    );
    // the daemon is the generator's
    let scenario = dockscape::build_scenario("dind", &dockscape::Params::new()).unwrap();
    let generated = dockscape::to_pod(&scenario).unwrap().spec.unwrap();
    let daemon = generated
        .containers
        .iter()
        .find(|c| c.name == "dind-daemon")
        .unwrap();
    assert_eq!(&a.containers[1], daemon);
    assert_eq!(a.volumes, generated.volumes);
}

/// Compose fixtures with a DooD service that migrate rewrites into `target`.
fn migratable_compose(target: MigrateTarget) -> Vec<(String, String, String)> {
    let files = dockscape_tests::files_under(&fixtures(), &["yaml", "yml", "json"]);
    let mut out = Vec::new();
    for p in files {
        let rel = p.strip_prefix(fixtures()).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Ok(m) = migrate(&text, target, &MigrateOptions::default()) else {
            continue;
        };
        if m.changed() && m.migrated.iter().all(|w| w.starts_with("service/")) {
            out.push((rel, text, m.text));
        }
    }
    out
}

/// Run the real `docker-compose config` on every Compose fixture `target` rewrites (those it
/// accepts before the migration): each output is accepted, and its canonical form has `wants`.
fn compose_config_accepts(target: MigrateTarget, wants: &[&str], at_least: usize) {
    let files = migratable_compose(target);
    let mut checked = 0;
    let mut failures = Vec::new();
    for (file, before, after) in &files {
        if dockscape_tests::compose_config(before).is_err() {
            continue; // invalid on purpose (an evasion fixture)
        }
        checked += 1;
        match dockscape_tests::compose_config(after) {
            Ok(canonical) => {
                for want in wants {
                    if !canonical.contains(want) {
                        failures.push(format!("{file}: no `{want}` in\n{canonical}"));
                    }
                }
            }
            Err(e) => failures.push(format!("{file}: {e}\n{after}")),
        }
    }
    assert!(
        checked >= at_least,
        "{target:?}: only {checked} valid Compose fixtures"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_migrated_compose_fixture_passes_docker_compose_config() {
    assert!(migratable_compose(MigrateTarget::Dind).len() >= 4);
    // the real Compose reads the client's TLS settings and the daemon service
    compose_config_accepts(
        MigrateTarget::Dind,
        &[
            "DOCKER_HOST: tcp://docker:2376",
            "image: docker:29-dind",
            "condition: service_healthy",
        ],
        3,
    );
}

#[test]
fn every_rootless_and_sysbox_compose_migration_passes_docker_compose_config() {
    compose_config_accepts(
        MigrateTarget::DindRootless,
        &[
            "DOCKER_HOST: tcp://docker:2376",
            "image: docker:29-dind-rootless",
            "user: 1000:1000",
            "privileged: true",
            "condition: service_healthy",
        ],
        3,
    );
    compose_config_accepts(
        MigrateTarget::Sysbox,
        &[
            "DOCKER_HOST: tcp://docker:2376",
            "image: docker:29-dind",
            "runtime: sysbox-runc",
            "condition: service_healthy",
        ],
        3,
    );
}

#[test]
fn every_socket_proxy_compose_migration_passes_docker_compose_config() {
    // the proxy service with its read-only socket bind, the client reaching it after it starts
    compose_config_accepts(
        MigrateTarget::SocketProxy,
        &[
            "DOCKER_HOST: tcp://docker-socket-proxy:2375",
            "image: tecnativa/docker-socket-proxy:0.3",
            "condition: service_started",
            "POST: \"0\"",
            "target: /var/run/docker.sock\n        read_only: true",
        ],
        2,
    );
}

#[test]
fn every_socket_proxy_migration_passes_kubernetes_validate_strict() {
    // the Kubernetes fixtures the validator accepts as they are, that `--to socket-proxy` rewrites
    // (most DooD jobs write through the socket and are refused: a read-only proxy would break them)
    let mut outputs = Vec::new();
    for (f, t) in migratable() {
        let Ok(m) = migrate(&t, MigrateTarget::SocketProxy, &MigrateOptions::default()) else {
            continue;
        };
        if m.changed() && kubernetes_validate(&t).is_ok() {
            outputs.push((f, m.text));
        }
    }
    assert!(outputs.len() >= 3, "only {} rewritten", outputs.len());
    assert_all_valid(&outputs);
}

#[test]
fn every_buildkit_migration_passes_kubernetes_validate_strict() {
    // the `docker build` jobs of core/tests/fixtures/migrate/, and every DooD fixture `--to
    // buildkit` rewrites (the others do more than build and are refused)
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/migrate");
    let mut inputs: Vec<(String, String)> = ["buildkit-job.yaml", "buildkit-pod.yaml"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read_to_string(dir.join(f)).unwrap()))
        .collect();
    inputs.extend(migratable());
    let mut outputs = Vec::new();
    for (f, t) in &inputs {
        let m = migrate(t, MigrateTarget::Buildkit, &MigrateOptions::default()).unwrap();
        if m.changed() {
            assert!(kubernetes_validate(t).is_ok(), "{f} is invalid before");
            outputs.push((f.clone(), m.text));
        }
    }
    assert!(outputs.len() >= 2, "only {} rewritten", outputs.len());
    assert_all_valid(&outputs);
}

/// `kubernetes-validate --strict` accepts every output (each failure shown with its text).
fn assert_all_valid(outputs: &[(String, String)]) {
    let failures: Vec<String> = outputs
        .iter()
        .filter_map(|(f, t)| {
            kubernetes_validate(t)
                .err()
                .map(|e| format!("{f}: {e}\n{t}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_buildkit_compose_migration_passes_docker_compose_config() {
    let before = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../core/tests/fixtures/migrate/buildkit-compose.yaml"),
    )
    .unwrap();
    dockscape_tests::compose_config(&before).unwrap();
    let m = migrate(&before, MigrateTarget::Buildkit, &MigrateOptions::default()).unwrap();
    assert_eq!(m.migrated, ["service/build"], "{:?}", m.refusals);
    let canonical =
        dockscape_tests::compose_config(&m.text).unwrap_or_else(|e| panic!("{e}\n{}", m.text));
    for want in [
        "image: moby/buildkit:v0.33.0-rootless",
        "- buildctl-daemonless.sh",
        "- type=image,name=registry.example.com/app:dev,push=false",
        "user: 1000:1000",
        "- seccomp=unconfined",
        "BUILDKITD_FLAGS: --oci-worker-no-process-sandbox",
        "target: /home/user/.local/share/buildkit",
    ] {
        assert!(canonical.contains(want), "no `{want}` in\n{canonical}");
    }
    assert!(!canonical.contains("docker.sock"), "{canonical}");
}

/// Every `.sh` fixture with a DooD line (the lint corpus and `core/tests/fixtures/migrate/`).
fn dood_scripts() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures");
    let mut out = Vec::new();
    for p in dockscape_tests::files_under(&root, &["sh"]) {
        let rel = p.strip_prefix(&root).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let report = lint(
            &[LintInput {
                file: &rel,
                text: &text,
                kind: None,
            }],
            &LintOptions::default(),
        );
        if report
            .workloads
            .iter()
            .any(|w| w.scenario == WorkloadScenario::Dood)
        {
            out.push((rel, text));
        }
    }
    out
}

/// Whether a container create body binds a runtime socket (or its directory) of the host.
fn binds_socket(create: &serde_json::Value) -> bool {
    let host = &create["HostConfig"];
    let binds = host["Binds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b.as_str())
        .map(|b| b.split(':').next().unwrap_or("").to_string());
    let mounts = host["Mounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["Source"].as_str().map(str::to_string));
    binds
        .chain(mounts)
        .any(|s| s.contains("docker.sock") || s.starts_with("/var/run") || s == "/run")
}

fn env_of(create: &serde_json::Value) -> Vec<String> {
    create["Env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect()
}

/// Every DooD script that the real `docker` CLI runs against the recording engine before the
/// migration runs after it too, for `dind` and `socket-proxy`: every container created with the
/// host's socket is, after it, either a refused line's (still with its socket) or a client of the
/// new daemon (TLS to `docker:2376` on network `dind`, the certificates volume read-only, no socket)
/// or of the proxy; the daemon is created once, privileged, from `docker:29-dind` (the proxy
/// read-only from `tecnativa/docker-socket-proxy:0.3`), and a second run of the same script
/// reuses it (`docker start`, no second create).
#[test]
fn migrated_scripts_run_through_the_real_docker_cli() {
    use dockscape_tests::{Engine, run_sh};
    let scripts = dood_scripts();
    let mut ran = [0usize; 2];
    for (i, target) in [MigrateTarget::Dind, MigrateTarget::SocketProxy]
        .into_iter()
        .enumerate()
    {
        let (daemon_name, host) = match target {
            MigrateTarget::Dind => ("dind-dind-daemon", "DOCKER_HOST=tcp://docker:2376"),
            _ => (
                "docker-socket-proxy",
                "DOCKER_HOST=tcp://docker-socket-proxy:2375",
            ),
        };
        for (file, text) in &scripts {
            let name = Path::new(file).file_name().unwrap().to_string_lossy();
            let m = migrate(
                text,
                target,
                &MigrateOptions {
                    file: name.into_owned(),
                    ..Default::default()
                },
            )
            .unwrap();
            if !m.changed() {
                continue;
            }
            let before = Engine::start();
            if !run_sh(text, &before).success() {
                // (`-it` without a terminal, flags the CLI refuses: the original fails already)
                continue;
            }
            let socket_before = before.creates().iter().filter(|c| binds_socket(c)).count();
            // (a fixed `--name` stays on the recording engine, which removes nothing: such a
            // script cannot run twice, before the migration either)
            let twice_ok = run_sh(text, &before).success();
            let engine = Engine::start();
            let out = run_sh(&m.text, &engine);
            assert!(out.success(), "{file} {target:?}: {out}\n{}", m.text);
            ran[i] += 1;
            let creates = engine.create_requests();
            let named = |n: &str| {
                creates
                    .iter()
                    .filter(|r| r.query_param("name") == Some(n))
                    .count()
            };
            assert_eq!(
                named(daemon_name),
                1,
                "{file} {target:?}\n{}",
                engine.describe()
            );
            let bodies = engine.creates();
            let daemon = creates
                .iter()
                .position(|r| r.query_param("name") == Some(daemon_name))
                .and_then(|i| bodies.get(i))
                .unwrap();
            let clients: Vec<&serde_json::Value> = bodies
                .iter()
                .filter(|c| env_of(c).iter().any(|e| e == host))
                .filter(|c| !c["Cmd"].to_string().contains("wait-for-docker"))
                .collect();
            let socket_after = bodies
                .iter()
                .filter(|c| binds_socket(c) && *c != daemon)
                .count();
            assert!(
                !clients.is_empty(),
                "{file} {target:?}\n{}",
                engine.describe()
            );
            assert_eq!(
                socket_after + clients.len(),
                socket_before,
                "{file} {target:?}\n{}",
                engine.describe()
            );
            for c in &clients {
                assert!(!binds_socket(c), "{file}: {c}");
                let network = c["HostConfig"]["NetworkMode"].as_str().unwrap_or("");
                if target == MigrateTarget::Dind {
                    assert_eq!(network, "dind", "{file}: {c}");
                    let env = env_of(c);
                    assert!(
                        env.contains(&"DOCKER_TLS_VERIFY=1".to_string()),
                        "{file}: {c}"
                    );
                    assert!(env.contains(&"DOCKER_CERT_PATH=/certs/client".to_string()));
                    let binds = c["HostConfig"]["Binds"].to_string();
                    assert!(
                        binds.contains("dind-docker-certs:/certs/client:ro"),
                        "{file}: {c}"
                    );
                } else {
                    assert_eq!(network, "docker-socket-proxy", "{file}: {c}");
                }
            }
            if target == MigrateTarget::Dind {
                assert_eq!(daemon["Image"], "docker:29-dind", "{file}");
                assert_eq!(daemon["HostConfig"]["Privileged"], true, "{file}");
                assert!(!binds_socket(daemon), "{file}");
            } else {
                assert_eq!(
                    daemon["Image"], "tecnativa/docker-socket-proxy:0.3",
                    "{file}"
                );
                assert!(binds_socket(daemon), "{file}");
                let binds = daemon["HostConfig"]["Binds"].to_string();
                assert!(
                    binds.contains(":/var/run/docker.sock:ro"),
                    "{file}: {binds}"
                );
                assert!(env_of(daemon).contains(&"POST=0".to_string()), "{file}");
            }
            if !twice_ok {
                continue;
            }
            // run again on the same engine: the daemon is reused
            let start = format!("/containers/{daemon_name}/start");
            let started = engine.requests_to("POST", &start).len();
            let again = run_sh(&m.text, &engine);
            assert!(again.success(), "{file} {target:?}: {again}");
            let creates = engine.create_requests();
            let twice = creates
                .iter()
                .filter(|r| r.query_param("name") == Some(daemon_name))
                .count();
            assert_eq!(twice, 1, "{file} {target:?}: the daemon was created again");
            assert!(
                engine.requests_to("POST", &start).len() > started,
                "{file}: {}",
                engine.describe()
            );
        }
    }
    eprintln!("scripts run: dind {}, socket-proxy {}", ran[0], ran[1]);
    assert!(ran[0] >= 8, "only {} dind scripts ran", ran[0]);
    assert!(ran[1] >= 5, "only {} socket-proxy scripts ran", ran[1]);
}

/// ARC's Helm values migrated (`template.spec` is the runner's pod spec): the migrated template,
/// as a Pod, passes the real `kubernetes-validate --strict` for every DinD target and the proxy.
#[test]
fn migrated_arc_values_template_passes_kubernetes_validate_strict() {
    let path = fixtures().join("_ci/github-arc/values-dood.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let as_pod = |values: &str| {
        let mut pod = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: runner\n");
        for l in values
            .lines()
            .skip_while(|l| *l != "template:")
            .skip(1)
            .take_while(|l| l.starts_with(' '))
        {
            pod.push_str(l.strip_prefix("  ").unwrap());
            pod.push('\n');
        }
        pod
    };
    kubernetes_validate(&as_pod(&text)).unwrap();
    for target in [
        MigrateTarget::Dind,
        MigrateTarget::DindRootless,
        MigrateTarget::Sysbox,
        MigrateTarget::SocketProxy,
    ] {
        let m = migrate(
            &text,
            target,
            &MigrateOptions {
                file: "values-dood.yaml".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(m.changed(), "{target:?}: {:?}", m.refusals);
        let pod = as_pod(&m.text);
        if let Err(e) = kubernetes_validate(&pod) {
            panic!("{target:?}: {e}\n{pod}");
        }
    }
}
