//! Init containers and native sidecars start in the order a kubelet starts them, with the startup
//! probe gating the next container: generated Pods played on the real engine by
//! `KubeletOrder` (tests/src/real_engine.rs), a stand-in for the kubelet's start sequence because
//! podman 4.3 refuses a native sidecar with a probe (`real_engine_pods.rs` shows that refusal).
//! What it plays and what it does not is in its docs and in docs/real-engine.md; `privileged` is
//! this sandbox's translation (every capability but CAP_SYS_RESOURCE, unconfined profiles, the
//! host's tun and fuse devices, the host's cgroups).

use std::time::Duration;

use dockscape::{Format, Options, Params};
use dockscape_tests::RealEngine;
use dockscape_tests::real_engine::{KubeletOrder, PodEvent};

fn generate(scenario: &str, sets: &[(&str, &str)]) -> String {
    let mut params = Params::new();
    for (k, v) in sets {
        params
            .set(k, v)
            .unwrap_or_else(|e| panic!("--set {k}={v}: {e}"));
    }
    let s = dockscape::build_scenario(scenario, &params).unwrap_or_else(|e| panic!("{e}"));
    dockscape::generate(&s, Format::Pod, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .text
}

const VERSION_ARGS: &str = "version --format '{{.Server.Version}} {{.Server.Os}}'";
const TIMEOUT: Duration = Duration::from_secs(120);

fn started(name: &str) -> PodEvent {
    PodEvent::Started(name.to_owned())
}

fn exited(name: &str, code: i64) -> PodEvent {
    PodEvent::Exited(name.to_owned(), code)
}

/// The events with the probe's try count blanked (how many tries the daemon needs varies).
fn shape(events: &[PodEvent]) -> Vec<PodEvent> {
    events
        .iter()
        .map(|e| match e {
            PodEvent::ProbePassed(n, _) => PodEvent::ProbePassed(n.clone(), 0),
            other => other.clone(),
        })
        .collect()
}

/// The DinD pod with the daemon as a native sidecar: the daemon starts, its startup probe passes,
/// only then does the client start; the client has no wait loop of its own (the order is all that
/// makes it work), reaches the daemon over TLS on localhost:2376, and the sidecar is stopped after
/// it.
fn native_sidecar_order(engine: &RealEngine, yaml: &str, pod: &str) {
    assert!(yaml.contains("restartPolicy: Always"), "{yaml}");
    assert!(yaml.contains("startupProbe:"), "{yaml}");
    assert!(!yaml.contains("wait-for-docker"), "{yaml}");
    engine.ensure_images_in(yaml);
    let run = KubeletOrder::run(engine, yaml, TIMEOUT);
    let client = run.logs("docker-cmds");
    assert_eq!(
        shape(&run.events),
        [
            started("dind-daemon"),
            PodEvent::ProbePassed("dind-daemon".into(), 0),
            started("docker-cmds"),
            exited("docker-cmds", 0),
            PodEvent::Stopped("dind-daemon".into()),
        ],
        "{pod}: {:?}\nclient: {client}\ndaemon: {}",
        run.events,
        run.logs("dind-daemon")
    );
    assert_eq!(client.stdout.trim(), "20.10.24+dfsg1 linux", "{client}");
    // the probe was really waited for: the daemon needs seconds (three RSA keys, then dockerd)
    assert!(
        matches!(run.events.get(1), Some(PodEvent::ProbePassed(_, n)) if *n > 1),
        "{:?}",
        run.events
    );
}

fn native_pod() -> String {
    generate(
        "dind",
        &[
            ("command", "docker"),
            ("args", VERSION_ARGS),
            ("sidecar", "native"),
        ],
    )
}

/// The same pod with the probe pointed at a socket the daemon does not serve: the probe fails
/// failureThreshold times and the client is never started (a kubelet would restart the sidecar and
/// still hold the client back).
fn wrong_probe(engine: &RealEngine) {
    let yaml = native_pod();
    assert!(yaml.contains("- unix:///var/run/docker.sock\n"), "{yaml}");
    let yaml = yaml
        .replace(
            "- unix:///var/run/docker.sock\n",
            "- unix:///var/run/nothing-here.sock\n",
        )
        .replace("failureThreshold: 30", "failureThreshold: 3");
    let run = KubeletOrder::run(engine, &yaml, TIMEOUT);
    assert_eq!(
        run.events,
        [
            started("dind-daemon"),
            PodEvent::ProbeFailed("dind-daemon".into(), 3)
        ],
        "{:?}",
        run.events
    );
}

/// The order is what the native form relies on: the same pod with the daemon moved among the
/// regular containers (no init order, no probe gating) starts both at once, and the client, which has
/// no wait loop in this form, finds no daemon (no certificates yet, nothing listening).
fn without_the_order(engine: &RealEngine) {
    let yaml = native_pod();
    let mut doc: serde_json::Value =
        serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{e}"));
    let Some(spec) = doc["spec"].as_object_mut() else {
        panic!("{yaml}");
    };
    let mut daemons = spec
        .remove("initContainers")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    for d in &mut daemons {
        if let Some(d) = d.as_object_mut() {
            d.remove("restartPolicy");
            d.remove("startupProbe");
        }
    }
    if let Some(containers) = spec.get_mut("containers").and_then(|c| c.as_array_mut()) {
        containers.extend(daemons);
    }
    let yaml = doc.to_string();
    // the daemon never exits: the run ends at the timeout, after the client has
    let run = KubeletOrder::run(engine, &yaml, Duration::from_secs(8));
    assert_eq!(
        run.events.first().cloned(),
        Some(started("docker-cmds")),
        "{:?}",
        run.events
    );
    let client_exit = run.events.iter().find_map(|e| match e {
        PodEvent::Exited(n, code) if n == "docker-cmds" => Some(*code),
        _ => None,
    });
    let logs = run.logs("docker-cmds");
    assert!(
        matches!(client_exit, Some(c) if c != 0),
        "{:?}\n{logs}",
        run.events
    );
}

#[test]
fn dind_native_sidecar_starts_first_and_its_startup_probe_gates_the_client() {
    // One engine for the three plays (each removes its containers and volumes): the DinD image is
    // imported once.
    let engine = RealEngine::start();
    // kind=job makes the daemon a native sidecar by default (a regular one never exits); its pod
    // template holds the same containers as the Pod with sidecar=native, so one play covers both.
    let job = generate(
        "dind",
        &[
            ("command", "docker"),
            ("args", VERSION_ARGS),
            ("kind", "job"),
        ],
    );
    assert!(job.contains("kind: Job"), "{job}");
    let job_doc: serde_json::Value = serde_saphyr::from_str(&job).unwrap_or_else(|e| panic!("{e}"));
    let pod_doc: serde_json::Value =
        serde_saphyr::from_str(&native_pod()).unwrap_or_else(|e| panic!("{e}"));
    for key in ["initContainers", "containers", "volumes"] {
        assert_eq!(
            job_doc["spec"]["template"]["spec"][key], pod_doc["spec"][key],
            "{key}"
        );
    }
    native_sidecar_order(&engine, &job, "dind job");
    wrong_probe(&engine);
    without_the_order(&engine);
}

#[test]
fn buildkit_source_step_runs_to_completion_before_the_build() {
    // The BuildKit pod's init container `source` fills the context volume before the build container
    // starts. The build itself cannot run here (no moby/buildkit stand-in: no Debian package has
    // buildkitd), so what is shown is the order and the handoff: `source` exits 0 first, the build
    // container is started only after it (and fails for the missing image), and the context volume
    // holds the Dockerfile the build would read.
    let yaml = generate("buildkit", &[]);
    assert!(yaml.contains("initContainers:"), "{yaml}");
    let engine = RealEngine::start();
    engine.ensure_images_in(&yaml);
    let run = KubeletOrder::run(&engine, &yaml, TIMEOUT);
    assert_eq!(
        run.events.first().cloned(),
        Some(started("source")),
        "{:?}",
        run.events
    );
    assert_eq!(run.events.get(1).cloned(), Some(exited("source", 0)));
    match run.events.get(2) {
        Some(PodEvent::NotCreated(name, err)) => {
            assert_eq!(name, "buildkit");
            assert!(err.contains("No such image: moby/buildkit:"), "{err}");
        }
        other => panic!("{other:?}: {:?}", run.events),
    }
    let dockerfile = engine.docker([
        "run",
        "--rm",
        "--pull",
        "never",
        "-v",
        &format!("{}:/workspace:ro", run.volume("workspace")),
        "busybox:latest",
        "cat",
        "/workspace/Dockerfile",
    ]);
    dockerfile.assert_success();
    assert!(
        dockerfile.stdout.starts_with("FROM busybox:1.37\n"),
        "{dockerfile}"
    );
}
