//! Every scenario's generated `docker run` script and Compose file, run end to end on a real Docker
//! engine (Debian 12's dockerd 20.10 on a private socket, tests/src/real_engine.rs), with stand-in
//! images built without a registry (docs/real-engine.md). Where a scenario cannot run here, its test
//! makes the real attempt and checks the error that says why.
//!
//! What the tests change in a generated file before running it, and only that:
//! - `--privileged` / `privileged: true` become every capability but CAP_SYS_RESOURCE (which this
//!   sandbox withholds, so `--privileged` fails with "unable to apply caps"), unconfined
//!   seccomp/AppArmor/system paths, every device (the host's `/dev/net/tun` and `/dev/fuse` passed),
//!   the host cgroup namespace and `/sys/fs/cgroup` (`translate_privileged_*`);
//! - the host side of a socket mount (`/var/run/docker.sock`, `/var/run`) becomes the private
//!   engine's socket or its folder, as the host of that engine;
//! - DinD: between the daemon's start and the client's, the images the client runs are copied into
//!   the nested daemon with `docker save | docker load` (no pull may leave the machine).
//!
//! Workload commands are set with the generator's own `command` parameter so jobs end.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use dockscape::{Format, Options, Params};
use dockscape_tests::real_engine::{
    translate_privileged_compose, translate_privileged_run, wait_until,
};
use dockscape_tests::{RealEngine, TempDir};

/// The generated text of `scenario` as `format`, with `--set` parameters.
fn generate(scenario: &str, format: Format, sets: &[(&str, &str)]) -> String {
    let mut params = Params::new();
    for (k, v) in sets {
        params
            .set(k, v)
            .unwrap_or_else(|e| panic!("--set {k}={v}: {e}"));
    }
    let s =
        dockscape::build_scenario(scenario, &params).unwrap_or_else(|e| panic!("{scenario}: {e}"));
    let artifact = dockscape::generate(&s, format, &Options::default())
        .unwrap_or_else(|e| panic!("{scenario} {format:?}: {e}"));
    assert!(
        artifact.notice.is_none(),
        "{scenario} {format:?}: {:?}",
        artifact.notice
    );
    artifact.text
}

/// The script's `# clean up afterwards:` commands, uncommented.
fn cleanup_lines(script: &str) -> String {
    script
        .lines()
        .skip_while(|l| !l.starts_with("# clean up afterwards"))
        .skip(1)
        .filter_map(|l| l.strip_prefix("#   "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// GET / on 127.0.0.1:`port`, the response as text.
fn http_get(port: u16) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream
        .write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    Some(text)
}

/// A project folder with `compose.yaml`.
fn compose_project(yaml: &str) -> TempDir {
    let dir = TempDir::new("dockscape-real-compose");
    std::fs::write(dir.path().join("compose.yaml"), yaml)
        .unwrap_or_else(|e| panic!("cannot write compose.yaml: {e}"));
    dir
}

#[test]
fn the_engine_starts_and_runs_a_container() {
    let engine = RealEngine::start();
    engine.ensure_image("busybox:latest");
    let out = engine.docker([
        "run",
        "--rm",
        "--pull",
        "never",
        "busybox:latest",
        "echo",
        "hello from the real engine",
    ]);
    out.assert_success();
    assert_eq!(out.stdout.trim(), "hello from the real engine");
    // --ip-masq=false: the default bridge masquerades nothing, so containers have no way out.
    let bridge = engine.inspect("bridge");
    assert_eq!(
        bridge[0]["Options"]["com.docker.network.bridge.enable_ip_masquerade"], "false",
        "{bridge}"
    );
}

#[test]
fn linux_run_script_serves_httpd_on_port_80() {
    let engine = RealEngine::start();
    let script = generate("linux", Format::Run, &[]);
    engine.ensure_image("httpd:latest");
    engine.sh(&script).assert_success();
    assert_eq!(engine.container_names(false), vec!["web".to_owned()]);
    let served = wait_until(Duration::from_secs(20), || {
        http_get(80).is_some_and(|r| r.contains("It works!"))
    });
    assert!(served, "httpd did not answer on port 80:\n{}", engine.log());
    engine.sh(&cleanup_lines(&script)).assert_success();
    assert!(engine.container_names(true).is_empty());
}

#[test]
fn linux_run_script_with_a_terminating_command() {
    let engine = RealEngine::start();
    let script = generate(
        "linux",
        Format::Run,
        &[
            ("image", "busybox:latest"),
            ("command", "sh -c 'echo linux-job-done; exit 3'"),
            ("ports", ""),
        ],
    );
    engine.ensure_image("busybox:latest");
    engine.sh(&script).assert_success();
    let exited = wait_until(Duration::from_secs(20), || {
        engine
            .docker(["inspect", "--format", "{{.State.Status}}", "web"])
            .stdout
            .trim()
            == "exited"
    });
    assert!(exited);
    let state = engine.inspect("web");
    assert_eq!(state[0]["State"]["ExitCode"], 3, "{state}");
    let logs = engine.docker(["logs", "web"]);
    assert_eq!(logs.stdout.trim(), "linux-job-done", "{logs}");
}

#[test]
fn linux_compose_file_serves_httpd_on_port_80() {
    let engine = RealEngine::start();
    let yaml = generate("linux", Format::Compose, &[]);
    engine.ensure_image("httpd:latest");
    let project = compose_project(&yaml);
    engine
        .compose(project.path(), ["up", "-d", "--pull", "never"])
        .assert_success();
    let served = wait_until(Duration::from_secs(20), || {
        http_get(80).is_some_and(|r| r.contains("It works!"))
    });
    assert!(served, "httpd did not answer on port 80");
    engine
        .compose(project.path(), ["down", "--volumes"])
        .assert_success();
    assert!(engine.container_names(true).is_empty());
}

/// The DooD client runs `docker run` against the host's daemon: the child is a sibling, listed by the
/// host's `docker ps -a`.
const DOOD_JOB: &str =
    "docker run --pull never --name dood-child busybox:latest echo hello-from-a-sibling";

#[test]
fn dood_run_script_starts_a_sibling_on_the_host_daemon() {
    let engine = RealEngine::start();
    let script = generate("dood", Format::Run, &[("command", DOOD_JOB)]);
    // The host side of the socket mount is the private engine's socket.
    assert!(script.contains("-v /var/run/docker.sock:/var/run/docker.sock"));
    let script = script.replace(
        "-v /var/run/docker.sock:",
        &format!("-v {}:", engine.socket().display()),
    );
    engine.ensure_images_in(&script);
    engine.ensure_image("busybox:latest");
    let out = engine.sh(&script);
    out.assert_success();
    assert_eq!(out.stdout.trim(), "hello-from-a-sibling", "{out}");
    // The sibling lives on the host's daemon, outliving the client (which had --rm).
    assert_eq!(engine.container_names(true), vec!["dood-child".to_owned()]);
}

#[test]
fn dood_compose_file_starts_a_sibling_on_the_host_daemon() {
    let engine = RealEngine::start();
    let yaml = generate("dood", Format::Compose, &[("command", DOOD_JOB)]);
    assert!(yaml.contains("- /var/run/docker.sock:/var/run/docker.sock"));
    let yaml = yaml.replace(
        "- /var/run/docker.sock:",
        &format!("- {}:", engine.socket().display()),
    );
    engine.ensure_images_in(&yaml);
    engine.ensure_image("busybox:latest");
    let project = compose_project(&yaml);
    let out = engine.compose_job(project.path(), "docker-cmds");
    out.assert_success();
    assert!(out.stdout.contains("hello-from-a-sibling"), "{out}");
    let names = engine.container_names(true);
    assert!(names.contains(&"dood-child".to_owned()), "{names:?}");
    engine.compose(project.path(), ["down"]).assert_success();
    // Compose removes its own container; the sibling is not Compose's and stays.
    assert_eq!(engine.container_names(true), vec!["dood-child".to_owned()]);
}

/// The DinD client runs a child on the nested daemon, which the host does not see.
const DIND_JOB: &str = "docker run --pull never --name dind-child busybox:latest echo hello-from-the-nested-daemon; docker ps -a --format '{{.Names}}'";

fn health(engine: &RealEngine, container: &str) -> String {
    engine
        .docker(["inspect", "--format", "{{.State.Health.Status}}", container])
        .stdout
        .trim()
        .to_owned()
}

#[test]
fn dind_run_script_runs_its_children_on_the_nested_daemon() {
    let engine = RealEngine::start();
    let script = generate(
        "dind",
        Format::Run,
        &[("command", "sh"), ("args", &format!("-c \"{DIND_JOB}\""))],
    );
    // `--privileged` is translated (module docs): it fails in this sandbox.
    let script = translate_privileged_run(&script);
    assert!(!script.contains("--privileged"));
    let (daemon, client) = script
        .split_once("docker run --rm")
        .unwrap_or_else(|| panic!("no client line in:\n{script}"));
    engine.ensure_images_in(&script);
    engine.ensure_image("busybox:latest");
    engine.sh(daemon).assert_success();
    let healthy = wait_until(Duration::from_secs(120), || {
        health(&engine, "dind-dind-daemon") == "healthy"
    });
    let daemon_logs = engine.docker(["logs", "dind-dind-daemon"]);
    assert!(
        healthy,
        "the nested daemon never became healthy:\n{daemon_logs}"
    );
    engine
        .load_into("dind-dind-daemon", &["busybox:latest"])
        .assert_success();
    let out = engine.sh(&format!("set -e\ndocker run --rm{client}"));
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        ["hello-from-the-nested-daemon", "dind-child"],
        "{out}"
    );
    // The host lists the daemon only, never the nested daemon's child.
    assert_eq!(
        engine.container_names(true),
        vec!["dind-dind-daemon".to_owned()]
    );
    engine.sh(&cleanup_lines(&script)).assert_success();
    assert!(engine.container_names(true).is_empty());
}

#[test]
fn dind_compose_file_runs_its_children_on_the_nested_daemon() {
    let engine = RealEngine::start();
    let yaml = generate(
        "dind",
        Format::Compose,
        &[("command", "sh"), ("args", &format!("-c \"{DIND_JOB}\""))],
    );
    assert!(yaml.contains("privileged: true"));
    // `privileged: true` is translated (module docs): it fails in this sandbox.
    let yaml = translate_privileged_compose(&yaml);
    let project = compose_project(&yaml);
    engine.ensure_images_in(&yaml);
    engine.ensure_image("busybox:latest");
    engine
        .compose(
            project.path(),
            ["up", "-d", "--wait", "--pull", "never", "docker"],
        )
        .assert_success();
    engine
        .load_into("dind-docker-1", &["busybox:latest"])
        .assert_success();
    let out = engine.compose_job(project.path(), "docker-cmds");
    out.assert_success();
    assert!(
        out.stdout
            .contains("hello-from-the-nested-daemon\ndind-child\n"),
        "{out}"
    );
    let names = engine.container_names(true);
    assert!(!names.contains(&"dind-child".to_owned()), "{names:?}");
    engine
        .compose(project.path(), ["down", "--volumes"])
        .assert_success();
    assert!(engine.container_names(true).is_empty());
}

#[test]
fn sysbox_run_script_needs_the_sysbox_runtime() {
    // Not run here: Sysbox is a runtime installed on the node; this engine has runc only. The real
    // attempt ends in the daemon's refusal.
    let engine = RealEngine::start();
    let script = generate("sysbox", Format::Run, &[]);
    engine.ensure_images_in(&script);
    let out = engine.sh(&script);
    assert!(!out.success());
    assert!(
        out.stderr.contains("Unknown runtime specified sysbox-runc"),
        "{out}"
    );
}

#[test]
fn sysbox_compose_file_needs_the_sysbox_runtime() {
    let engine = RealEngine::start();
    let yaml = generate("sysbox", Format::Compose, &[]);
    engine.ensure_images_in(&yaml);
    let project = compose_project(&yaml);
    let out = engine.compose(project.path(), ["up", "--pull", "never", "-d"]);
    assert!(!out.success());
    assert!(
        out.stderr.contains("Unknown runtime specified sysbox-runc"),
        "{out}"
    );
    engine
        .compose(project.path(), ["down", "--volumes"])
        .assert_success();
}

#[test]
fn buildkit_has_no_stand_in_image() {
    // Not run here: no Debian 12 package carries buildkitd (docs/real-engine.md); no registry can be
    // asked. The real attempt, with pulls refused.
    let engine = RealEngine::start();
    let stand_ins = dockscape_tests::real_engine::stand_in_tags();
    let script = generate("buildkit", Format::Run, &[]);
    let script =
        translate_privileged_run(&script).replace("docker run ", "docker run --pull never ");
    // every image that has a stand-in is there (the BuildKit job's busybox source step), so the one
    // that fails is the scenario's own
    engine.ensure_images_in(&script);
    let out = engine.sh(&script);
    assert!(!out.success(), "{out}");
    // The image the daemon misses is the scenario's own, and no stand-in has its tag.
    let missing = out
        .stderr
        .split("No such image: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(missing.starts_with("moby/buildkit:"), "{out}");
    assert!(!stand_ins.iter().any(|t| t == missing), "{missing}");
    assert!(script.contains(missing), "{missing}");
}

/// The rootless DinD client's job: a child on the nested daemon printing its user namespace's map
/// (its root is uid 1000 outside), then the daemon's security options (`name=rootless`).
const ROOTLESS_JOB: &str = "docker run --pull never --name rootless-child busybox:latest cat /proc/self/uid_map; docker info --format '{{.SecurityOptions}}'; docker ps -a --format '{{.Names}}'";

/// The rootless daemon's socket inside its container.
const ROOTLESS_SOCKET: &str = "unix:///run/user/1000/docker.sock";

/// What the rootless job printed, checked: the child ran, as root of a user namespace whose uid 0
/// is uid 1000 of the daemon's container (the host's, since the engine does no remapping) and whose
/// other ids are /etc/subuid's range; the daemon says it is rootless.
fn assert_rootless_job(stdout: &str) {
    let lines: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines.first().map(Vec::as_slice),
        Some(&["0", "1000", "1"][..]),
        "{stdout}"
    );
    assert_eq!(
        lines.get(1).map(Vec::as_slice),
        Some(&["1", "100000", "65536"][..]),
        "{stdout}"
    );
    assert!(
        lines
            .get(2)
            .is_some_and(|l| l.iter().any(|w| w.contains("name=rootless"))),
        "{stdout}"
    );
    assert_eq!(
        lines.get(3).map(Vec::as_slice),
        Some(&["rootless-child"][..]),
        "{stdout}"
    );
}

#[test]
fn dind_rootless_runs_its_children_on_a_rootless_nested_daemon() {
    // The stand-in docker:<v>-dind-rootless (docs/real-engine.md): Debian's dockerd 20.10 under
    // Debian's rootlesskit 1.1 as uid 1000, with slirp4netns and the setuid newuidmap/newgidmap.
    // One engine for the three runs (each cleans up after itself): the image is imported once.
    let engine = RealEngine::start();
    rootless_needs_the_devices_privileged_gives(&engine);
    rootless_run_script(&engine);
    rootless_compose_file(&engine);
}

/// The run script: the daemon as uid 1000, healthy; the client's job on it over TLS.
fn rootless_run_script(engine: &RealEngine) {
    let script = generate(
        "dind-rootless",
        Format::Run,
        &[
            ("command", "sh"),
            ("args", &format!("-c \"{ROOTLESS_JOB}\"")),
        ],
    );
    assert!(script.contains("--user 1000:1000"), "{script}");
    // `--privileged` is translated (module docs), with the host's /dev/net/tun and /dev/fuse that
    // a privileged container would see.
    let script = translate_privileged_run(&script);
    assert!(script.contains("--device /dev/net/tun"), "{script}");
    let (daemon, client) = script
        .split_once("docker run --rm")
        .unwrap_or_else(|| panic!("no client line in:\n{script}"));
    engine.ensure_images_in(&script);
    engine.ensure_image("busybox:latest");
    engine.sh(daemon).assert_success();
    let name = "dind-rootless-dind-daemon";
    let healthy = wait_until(Duration::from_secs(120), || {
        health(engine, name) == "healthy"
    });
    let daemon_logs = engine.docker(["logs", name]);
    assert!(
        healthy,
        "the rootless daemon never became healthy:\n{daemon_logs}"
    );
    // The daemon container's own process runs as uid 1000, not root.
    let user = engine.docker(["exec", name, "id", "-u"]);
    assert_eq!(user.stdout.trim(), "1000", "{user}");
    engine
        .load_into_at(name, Some(ROOTLESS_SOCKET), &["busybox:latest"])
        .assert_success();
    // The client (uid 1000, no capabilities, no-new-privileges) reaches docker:2376 with TLS.
    let out = engine.sh(&format!("set -e\ndocker run --rm{client}"));
    out.assert_success();
    assert_rootless_job(&out.stdout);
    assert_eq!(engine.container_names(true), vec![name.to_owned()]);
    engine.sh(&cleanup_lines(&script)).assert_success();
    assert!(engine.container_names(true).is_empty());
}

/// The same daemon with every capability but without the host's /dev/net/tun (what the translation
/// passes for `--privileged`): rootlesskit cannot create its slirp4netns tap device and the daemon
/// exits. So the stand-in needs what the official image documents: privileged, or the devices and
/// unconfined profiles.
fn rootless_needs_the_devices_privileged_gives(engine: &RealEngine) {
    let script = generate("dind-rootless", Format::Run, &[]);
    let flags = dockscape_tests::real_engine::privileged_run_flags();
    let without: String = flags
        .split("--device ")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_owned()
            } else {
                part.split_once(' ').map_or("", |(_, rest)| rest).to_owned()
            }
        })
        .collect();
    assert!(!without.contains("/dev/net/tun"), "{without}");
    let script = script.replace("--privileged", &without);
    let (daemon, _) = script
        .split_once("docker run --rm")
        .unwrap_or_else(|| panic!("no client line in:\n{script}"));
    engine.ensure_images_in(&script);
    engine.sh(daemon).assert_success();
    let name = "dind-rootless-dind-daemon";
    let exited = wait_until(Duration::from_secs(60), || {
        engine
            .docker(["inspect", "--format", "{{.State.Status}}", name])
            .stdout
            .trim()
            == "exited"
    });
    let logs = engine.docker(["logs", name]);
    assert!(exited, "{logs}");
    assert!(logs.stderr.contains("setting up tap tap0"), "{logs}");
    engine.sh(&cleanup_lines(&script)).assert_success();
    assert!(engine.container_names(true).is_empty());
}

/// The Compose file with `transport=unix`: the same job over the daemon's socket on a shared volume
/// mounted over `/run/user` (the daemon creates its own `/run/user/1000` in it, owned by uid 1000, as
/// rootlesskit requires), the child on the nested daemon only.
fn rootless_compose_file(engine: &RealEngine) {
    let yaml = generate(
        "dind-rootless",
        Format::Compose,
        &[
            ("command", "sh"),
            ("args", &format!("-c \"{ROOTLESS_JOB}\"")),
            ("transport", "unix"),
        ],
    );
    assert!(yaml.contains("privileged: true"));
    assert!(yaml.contains("- docker-socket:/run/user\n"), "{yaml}");
    assert!(
        yaml.contains("DOCKER_HOST: unix:///run/user/1000/docker.sock"),
        "{yaml}"
    );
    // `privileged: true` is translated (module docs), with the host's devices.
    let yaml = translate_privileged_compose(&yaml);
    let project = compose_project(&yaml);
    engine.ensure_images_in(&yaml);
    engine.ensure_image("busybox:latest");
    engine
        .compose(
            project.path(),
            ["up", "-d", "--wait", "--pull", "never", "docker"],
        )
        .assert_success();
    engine
        .load_into_at(
            "dind-rootless-docker-1",
            Some(ROOTLESS_SOCKET),
            &["busybox:latest"],
        )
        .assert_success();
    let out = engine.compose_job(project.path(), "docker-cmds");
    out.assert_success();
    // Compose's own line first, then the job's output
    let job = out
        .stdout
        .split_once("Attaching to docker-cmds-1\n")
        .map_or(out.stdout.as_str(), |(_, job)| job);
    assert_rootless_job(job);
    let names = engine.container_names(true);
    assert!(!names.contains(&"rootless-child".to_owned()), "{names:?}");
    engine
        .compose(project.path(), ["down", "--volumes"])
        .assert_success();
    assert!(engine.container_names(true).is_empty());
}

#[test]
fn windows_named_pipe_does_not_exist_on_linux() {
    // Not run here: the Windows script is PowerShell for a Windows host whose CLI reaches the VM's
    // daemon through a named pipe. The docker CLI on Linux refuses that endpoint.
    let script = generate("windows", Format::Run, &[]);
    assert!(script.contains("npipe:////./pipe/docker_engine"));
    let engine = RealEngine::start();
    let mut cmd = engine.command("docker");
    cmd.env("DOCKER_HOST", "npipe:////./pipe/docker_engine")
        .arg("version");
    let out = dockscape_tests::run_command(cmd);
    // docker 28.2's CLI ends with a Go nil-pointer panic here; either way nothing answers.
    assert!(!out.success(), "{out}");
    assert!(out.stdout.trim().is_empty(), "{out}");
}

#[test]
fn seed_001_sibling_container_and_name_conflict() {
    // Seed 001 (Applatix): a container with the host's /var/run mounted starts `sleep_60`, which the
    // host lists as its own; a host container named like the first one conflicts. Host path /var/run
    // is the private engine's socket folder.
    let engine = RealEngine::start();
    engine.ensure_images(&["docker:latest", "ubuntu:latest"]);
    let run_dir = engine.run_dir().display().to_string();
    engine
        .docker([
            "run",
            "-d",
            "--name",
            "run_docker_cmds",
            "-v",
            &format!("{run_dir}/:/var/run"),
            "docker:latest",
            "sleep",
            "300",
        ])
        .assert_success();
    engine
        .docker([
            "exec",
            "run_docker_cmds",
            "docker",
            "run",
            "-d",
            "--rm",
            "--pull",
            "never",
            "--name",
            "sleep_60",
            "ubuntu:latest",
            "sleep",
            "60",
        ])
        .assert_success();
    let mut names = engine.container_names(false);
    names.sort();
    assert_eq!(names, ["run_docker_cmds", "sleep_60"]);
    let out = engine.docker([
        "run",
        "--rm",
        "--name",
        "run_docker_cmds",
        "ubuntu:latest",
        "sleep",
        "60",
    ]);
    assert!(!out.success());
    assert!(
        out.stderr.contains(
            "Conflict. The container name \"/run_docker_cmds\" is already in use by container"
        ),
        "{out}"
    );
}
