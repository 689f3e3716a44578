//! Seed 002's DooD Pod, migrated by `dockscape migrate --to dind`, runs under `podman kube play`
//! (Debian 12's podman, the stand-in kubelet of docs/real-engine.md): the job's `docker` commands
//! reach the pod's own daemon over TLS on `localhost:2376`, and the container they start lives in that
//! daemon, not among the node's containers. A DooD Compose file migrated `--to dind` and `--to
//! dind-rootless` runs its child on the new daemon on the real engine of the harness, and one
//! migrated `--to socket-proxy` loses the host's socket.

use std::time::Duration;

use dockscape::{MigrateOptions, MigrateTarget, migrate};
use dockscape_tests::real_engine::{PlayedPod, podman, podman_ensure_images_in, wait_until};

/// The job: wait for the daemon (what the migration's note asks for with a regular daemon
/// container; the daemon makes three 4096-bit keys first, slow on a loaded machine), make an image from its own busybox (nothing can be pulled here), run a container
/// from it, list the daemon's containers and name the server; then idle so the pod stays up.
const JOB: &str = "i=0; until docker info >/dev/null 2>&1; do i=$((i+1)); [ $i -ge 300 ] && exit 1; sleep 1; done; \
tar -C / -cf - bin | docker import - probe:1 >/dev/null; \
docker run --network none --name probe-sibling probe:1 /bin/echo hello-from-the-pods-daemon; \
echo listed: $(docker ps -a --format '{{.Names}}'); \
echo server: $(docker version --format '{{.Server.Version}}'); exec sleep 3600";

#[test]
fn migrated_seed_002_pod_runs_its_docker_commands_on_its_own_daemon() {
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/fixtures/lint/_seeds/002-dood.yaml"
    ))
    .unwrap();
    let m = migrate(&seed, MigrateTarget::Dind, &MigrateOptions::default()).unwrap();
    assert_eq!(m.migrated, ["Pod/dood"]);
    assert!(m.notes.iter().any(|n| {
        n.message
            .contains("`docker:1.12.6`'s docker CLI speaks an API older")
    }));
    // What the test changes in the migrated file, each a stand-in: the pod's name (so it cannot
    // meet the seed test's `dood` pod); the client image, as the migration's note asks (there is no
    // stand-in for docker:1.12.6, and a Docker 29 daemon refuses its API); the seed's job
    // (`docker run -p 80:80 httpd:latest` needs an image pulled into the new daemon) by JOB.
    let seed_command = "command: ['docker', 'run', '-p', '80:80', 'httpd:latest'] \n";
    assert!(m.text.contains(seed_command));
    let job = serde_json::to_string(&["sh", "-c", JOB]).unwrap();
    let yaml = m
        .text
        .replacen("name: dood ", "name: migrated-seed", 1)
        .replace("image: docker:1.12.6", "image: docker:29-cli")
        .replace(seed_command, &format!("command: {job}\n"));
    podman_ensure_images_in(&yaml);
    let pod = PlayedPod::play(&yaml);
    pod.play.assert_success();
    let mut logs = String::new();
    let done = wait_until(Duration::from_secs(330), || {
        let out = pod.logs("migrated-seed", "docker-cmds");
        logs = format!("{}{}", out.stdout, out.stderr);
        logs.contains("server: ")
    });
    let daemon = pod.logs("migrated-seed", "dind-daemon");
    assert!(
        done,
        "client:\n{logs}\n{}\n`docker info` in the client:\n{}\ndaemon:\n{}",
        podman(["ps", "-a", "--format", "{{.Names}} {{.Status}}"]).stdout,
        podman(["exec", "migrated-seed-docker-cmds", "docker", "info"]),
        daemon.stderr
    );
    // the job reached the pod's daemon (TLS to localhost:2376 with the certificates of the shared
    // emptyDir) and ran a container there
    assert!(logs.contains("hello-from-the-pods-daemon\n"), "{logs}");
    assert!(logs.contains("listed: probe-sibling\n"), "{logs}");
    assert!(logs.contains("server: 20.10.24+dfsg1"), "{logs}");
    let daemon_log = format!("{}{}", daemon.stdout, daemon.stderr);
    assert!(
        daemon_log.contains("API listen on [::]:2376"),
        "{daemon_log}"
    );
    // the node's runtime does not list the job's container: it is no sibling any more
    let node = podman(["ps", "-a", "--format", "{{.Names}}"]);
    node.assert_success();
    assert!(!node.stdout.contains("probe-sibling"), "{}", node.stdout);
    assert!(
        node.stdout.contains("migrated-seed-dind-daemon"),
        "{}",
        node.stdout
    );
}

/// The DooD job of `tests/tests/real_engine.rs` (a child container beside it), then the child looked
/// up by the name it started it with (a `docker ps` would make migrate refuse the job: it looks at
/// every container of the daemon).
const DOOD_JOB: &str = "docker run --pull never --name dood-child busybox:latest echo hello-from-a-sibling; docker inspect --format '{{.Name}}' dood-child";

/// `generate dood --format compose` with `sh -c JOB` as the client's command.
fn dood_compose(job: &str) -> String {
    let mut params = dockscape::Params::new();
    params.set("command", "sh").unwrap();
    params.set("args", &format!("-c \"{job}\"")).unwrap();
    let scenario = dockscape::build_scenario("dood", &params).unwrap();
    dockscape::generate(
        &scenario,
        dockscape::Format::Compose,
        &dockscape::Options::default(),
    )
    .unwrap()
    .text
}

#[test]
fn migrated_dood_compose_file_runs_its_child_on_the_new_daemon_not_the_hosts() {
    migrated_compose_runs_its_child(MigrateTarget::Dind, None);
}

/// The same on the rootless daemon (`--to dind-rootless`): TLS to `docker:2376`, published by
/// rootlesskit, with the certificates the uid 1000 daemon wrote, read by the job as root.
#[test]
fn rootless_migrated_dood_compose_file_runs_its_child_on_the_new_daemon() {
    migrated_compose_runs_its_child(
        MigrateTarget::DindRootless,
        Some("unix:///run/user/1000/docker.sock"),
    );
}

/// `generate dood --format compose` migrated into `target`, on the real engine: the child runs on
/// the `docker` service's daemon (reached in it at `socket` to load the image) and the host's
/// engine does not list it.
fn migrated_compose_runs_its_child(target: MigrateTarget, socket: Option<&str>) {
    use dockscape_tests::RealEngine;
    use dockscape_tests::real_engine::translate_privileged_compose;
    let engine = RealEngine::start();
    let dood = dood_compose(DOOD_JOB);
    assert!(dood.contains("- /var/run/docker.sock:/var/run/docker.sock"));
    let m = migrate(&dood, target, &MigrateOptions::default()).unwrap();
    assert_eq!(m.migrated, ["service/docker-cmds"], "{:?}", m.refusals);
    assert!(!m.text.contains("docker.sock:/var/run/docker.sock"));
    // `privileged: true` is translated (docs/real-engine.md: it fails in this sandbox); nothing else
    let yaml = translate_privileged_compose(&m.text);
    let dir = dockscape_tests::TempDir::new("dockscape-migrated-compose");
    std::fs::write(dir.path().join("compose.yaml"), &yaml).unwrap();
    engine.ensure_images_in(&yaml);
    engine.ensure_image("busybox:latest");
    engine
        .compose(
            dir.path(),
            ["up", "-d", "--wait", "--pull", "never", "docker"],
        )
        .assert_success();
    // the daemon is the target's: uid 1000 for the rootless one
    let uid = engine.docker(["exec", "dood-docker-1", "id", "-u"]);
    let want = if target == MigrateTarget::DindRootless {
        "1000"
    } else {
        "0"
    };
    assert_eq!(uid.stdout.trim(), want, "{uid}");
    // nothing can be pulled: the child's image is loaded into the new daemon
    engine
        .load_into_at("dood-docker-1", socket, &["busybox:latest"])
        .assert_success();
    let out = engine.compose_job(dir.path(), "docker-cmds");
    let daemon = engine.compose(dir.path(), ["logs", "docker"]);
    assert_eq!(out.status, Some(0), "{out}\ndaemon:\n{daemon}");
    // the job's docker commands reached the new daemon: the child is listed there ...
    assert!(
        out.stdout.contains("hello-from-a-sibling\n/dood-child\n"),
        "{out}"
    );
    // ... and it is no sibling the host lists any more
    let names = engine.container_names(true);
    assert!(!names.contains(&"dood-child".to_owned()), "{names:?}");
    engine
        .compose(dir.path(), ["down", "--volumes"])
        .assert_success();
    assert!(engine.container_names(true).is_empty());
}

/// A read-only DooD job: what `--to socket-proxy` accepts (a `docker ps` of the host's engine and
/// its version), and a marker when the socket is gone from the container.
const READ_ONLY_JOB: &str = "test -S /var/run/docker.sock || echo no-socket-here; docker ps -a --format 'listed {{.Names}}' 2>&1; docker version --format 'server {{.Server.Version}}'";

/// `generate dood --format compose` with a read-only job, migrated `--to socket-proxy`, on the real
/// engine of the harness. The harness builds no stand-in for `tecnativa/docker-socket-proxy`
/// (docs/real-engine.md: `scripts/install-engine` makes the Docker images only), so the proxy
/// itself is not started and its refusal of a write (HTTP 403) is not shown here; what runs is
/// the job service: before the migration it reads the host's engine through the socket, after it
/// has no socket and its `docker` commands go to the proxy's address, nothing else.
#[test]
fn socket_proxy_migrated_compose_job_no_longer_reaches_the_hosts_engine() {
    use dockscape_tests::RealEngine;
    let engine = RealEngine::start();
    let dood = dood_compose(READ_ONLY_JOB);
    let m = migrate(
        &dood,
        MigrateTarget::SocketProxy,
        &MigrateOptions::default(),
    )
    .unwrap();
    assert_eq!(m.migrated, ["service/docker-cmds"], "{:?}", m.refusals);
    // the host side of a socket bind is the private engine's socket (docs/real-engine.md)
    let host_socket = format!("- {}:", engine.socket().display());
    let run = |yaml: &str, name: &str| {
        let dir = dockscape_tests::TempDir::new(name);
        std::fs::write(dir.path().join("compose.yaml"), yaml).unwrap();
        engine.ensure_images_in(yaml);
        // the job alone: the proxy service has no image here
        let out = engine.compose_job_with(dir.path(), "docker-cmds", &["--no-deps", "docker-cmds"]);
        engine
            .compose(dir.path(), ["down", "--volumes"])
            .assert_success();
        out
    };
    // before: the job lists the host's engine (its own container) through the socket
    let before = run(
        &dood.replace("- /var/run/docker.sock:", &host_socket),
        "dockscape-dood-read-only",
    );
    before.assert_success();
    assert!(
        before.stdout.contains("listed dood-docker-cmds-1\n"),
        "{before}"
    );
    assert!(before.stdout.contains("server 20.10.24"), "{before}");
    assert!(!before.stdout.contains("no-socket-here"), "{before}");
    // after: the only socket bind is the proxy service's, read-only
    let binds: Vec<&str> = m
        .text
        .lines()
        .filter(|l| l.contains("/var/run/docker.sock:"))
        .map(str::trim)
        .collect();
    assert_eq!(binds, ["- /var/run/docker.sock:/var/run/docker.sock:ro"]);
    let after = run(
        &m.text.replace("- /var/run/docker.sock:", &host_socket),
        "dockscape-proxied-read-only",
    );
    assert_ne!(after.status, Some(0), "{after}");
    assert!(after.stdout.contains("no-socket-here\n"), "{after}");
    assert!(!after.stdout.contains("listed "), "{after}");
    // the client's request goes to the proxy's address (which nothing serves here)
    // (`Get "http://docker-socket-proxy:2375/..."` or `Cannot connect to the Docker daemon at
    // tcp://docker-socket-proxy:2375`, depending on how the name lookup fails)
    assert!(after.stdout.contains("docker-socket-proxy:2375"), "{after}");
    assert!(engine.container_names(true).is_empty());
}

/// A DooD script (the job of `DOOD_JOB`: a child container beside it, looked up by its name),
/// migrated `--to dind`, on the real engine of the harness: the commands migrate puts before the
/// line start the daemon and wait for it over TLS, and the job's child then runs on that daemon,
/// not among the host's containers. The script is run in two parts only to load busybox into the
/// new daemon before the job (nothing can be pulled here); `--privileged` is translated as for
/// every DinD script (docs/real-engine.md).
#[test]
fn migrated_dood_script_runs_its_child_on_the_new_daemon_not_the_hosts() {
    use dockscape_tests::RealEngine;
    use dockscape_tests::real_engine::translate_privileged_run;
    let engine = RealEngine::start();
    let script = format!(
        "#!/bin/sh\nset -e\n# the job: a child container beside it\ndocker run --rm --name dood-job \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker:29-cli sh -c \"{DOOD_JOB}\"\necho job-done\n"
    );
    let m = migrate(
        &script,
        MigrateTarget::Dind,
        &MigrateOptions {
            file: "job.sh".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(m.migrated, ["run/dood-job"], "{:?}", m.refusals);
    assert!(!m.text.contains("docker.sock:/var/run/docker.sock"));
    let migrated = translate_privileged_run(&m.text);
    let (head, job) = migrated
        .split_once("# clean up afterwards:")
        .unwrap_or_else(|| panic!("no clean-up line in:\n{migrated}"));
    let job = job.split_once('\n').map_or("", |(_, rest)| rest);
    engine.ensure_images_in(&migrated);
    engine.ensure_image("busybox:latest");
    // the daemon's commands, up to the client's wait for `docker info` over TLS
    let up = engine.sh(head);
    let daemon_logs = engine.docker(["logs", "dind-dind-daemon"]);
    assert!(up.success(), "{up}\ndaemon:\n{daemon_logs}");
    engine
        .load_into("dind-dind-daemon", &["busybox:latest"])
        .assert_success();
    let out = engine.sh(&format!("set -e\n{job}"));
    assert!(out.success(), "{out}\n{job}");
    assert!(
        out.stdout
            .contains("hello-from-a-sibling\n/dood-child\njob-done\n"),
        "{out}"
    );
    // the host lists the daemon, not the job's child
    let names = engine.container_names(true);
    assert!(!names.contains(&"dood-child".to_owned()), "{names:?}");
    assert!(names.contains(&"dind-dind-daemon".to_owned()), "{names:?}");
    // the same script again reuses the daemon (started, not created twice)
    let again = engine.sh(head);
    assert!(again.success(), "{again}");
    assert_eq!(
        engine
            .container_names(true)
            .iter()
            .filter(|n| n.contains("dind-daemon"))
            .count(),
        1
    );
    engine
        .sh("docker rm -f dind-dind-daemon; docker network rm dind; docker volume rm dind-docker-storage dind-docker-certs")
        .assert_success();
    assert!(engine.container_names(true).is_empty());
}
