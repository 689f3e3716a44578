//! Generated Pods under `podman kube play` (Debian 12's podman 4.3, runc), a stand-in for a kubelet:
//! see docs/real-engine.md for what podman does differently.

use std::time::Duration;

use dockscape::{Format, Options, Params};
use dockscape_tests::RealEngine;
use dockscape_tests::real_engine::{PlayedPod, podman_ensure_images_in, wait_until};

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

/// The client's job: the daemon it reached, then a child on it.
const VERSION_ARGS: &str = "version --format '{{.Server.Version}} {{.Server.Os}}'";

fn dind_pod_runs(sets: &[(&str, &str)]) -> (String, String) {
    let mut all = vec![("command", "docker"), ("args", VERSION_ARGS)];
    all.extend_from_slice(sets);
    let yaml = generate("dind", &all);
    podman_ensure_images_in(&yaml);
    let pod = PlayedPod::play(&yaml);
    let code = pod.wait_exit("dind", "docker-cmds", Duration::from_secs(120));
    let logs = pod.logs("dind", "docker-cmds");
    let daemon = pod.logs("dind", "dind-daemon");
    assert_eq!(
        code,
        Some(0),
        "play:\n{}\nclient:\n{logs}\ndaemon:\n{daemon}",
        pod.play
    );
    (logs.stdout, daemon.stderr)
}

#[test]
fn dind_pod_client_reaches_localhost_2376_with_tls() {
    // `privileged: true` is NOT translated here: podman grants what the bounding set has and skips
    // CAP_SYS_RESOURCE, where dockerd's runc refuses.
    let (client, daemon) = dind_pod_runs(&[]);
    // The client (DOCKER_HOST=tcp://localhost:2376, DOCKER_TLS_VERIFY=1) reached the nested daemon
    // in the other container of the pod, verifying its certificate with the CA the daemon wrote into
    // the shared emptyDir (medium: Memory).
    assert_eq!(client.trim(), "20.10.24+dfsg1 linux");
    assert!(daemon.contains("API listen on [::]:2376"), "{daemon}");
}

#[test]
fn dind_pod_over_a_shared_unix_socket() {
    // transport=unix: the daemon's socket folder is an emptyDir both containers mount.
    let (client, daemon) = dind_pod_runs(&[("transport", "unix")]);
    assert_eq!(client.trim(), "20.10.24+dfsg1 linux");
    assert!(!daemon.contains(":2376"), "{daemon}");
}

#[test]
fn dind_rootless_pod_client_reaches_a_rootless_daemon_with_tls() {
    // The stand-in docker:<v>-dind-rootless (docs/real-engine.md) under podman: `privileged: true`
    // and `runAsUser: 1000` as generated (podman passes the host's devices, /dev/net/tun among
    // them, to a privileged container). The client (uid 1000, no capabilities) reaches the rootless
    // daemon on localhost:2376 with TLS, and the daemon says it is rootless.
    let yaml = generate(
        "dind-rootless",
        &[
            ("command", "docker"),
            (
                "args",
                "info --format '{{.SecurityOptions}} {{.ServerVersion}}'",
            ),
        ],
    );
    assert!(yaml.contains("runAsUser: 1000"), "{yaml}");
    podman_ensure_images_in(&yaml);
    let pod = PlayedPod::play(&yaml);
    let code = pod.wait_exit("dind-rootless", "docker-cmds", Duration::from_secs(120));
    let logs = pod.logs("dind-rootless", "docker-cmds");
    let daemon = pod.logs("dind-rootless", "dind-daemon");
    assert_eq!(
        code,
        Some(0),
        "play:\n{}\nclient:\n{logs}\ndaemon:\n{daemon}",
        pod.play
    );
    assert!(logs.stdout.contains("name=rootless"), "{logs}");
    assert!(logs.stdout.trim().ends_with("20.10.24+dfsg1"), "{logs}");
    assert!(
        daemon.stderr.contains("Running in rootless mode"),
        "{daemon}"
    );
    assert_eq!(
        pod.inspect("dind-rootless", "dind-daemon", "{{.Config.User}}"),
        "1000:1000"
    );
}

#[test]
fn dind_pod_with_a_native_sidecar() {
    // sidecar=native: the daemon is an init container with `restartPolicy: Always`. A kubelet starts
    // it, waits for its startupProbe, then starts the client and keeps it running. podman 4.3 runs
    // init containers to completion before the pod's containers and knows no per-container restart
    // policy; it refuses such an init container outright (its startupProbe): the real outcome. The
    // order itself is played by KubeletOrder (real_engine_init_order.rs).
    let yaml = generate(
        "dind",
        &[
            ("command", "docker"),
            ("args", VERSION_ARGS),
            ("sidecar", "native"),
        ],
    );
    assert!(yaml.contains("initContainers:"));
    podman_ensure_images_in(&yaml);
    let pod = PlayedPod::play(&yaml);
    assert_eq!(pod.play.status, Some(125), "{}", pod.play);
    assert!(
        pod.play.stderr.contains(
            "cannot create an init container that has either of lifecycle, livenessProbe, readinessProbe, or startupProbe set"
        ),
        "{}",
        pod.play
    );
}

/// The `linux` and `kubernetes` scenarios' Pod as generated (httpd on containerPort 80, `restartPolicy:
/// Always`): httpd answers inside the pod's network namespace (busybox `wget` in the same container,
/// on 127.0.0.1:80; no hostPort is published, as the Pod asks none).
fn httpd_pod_serves(scenario: &str) {
    let yaml = generate(scenario, &[]);
    assert!(yaml.contains("containerPort: 80"), "{yaml}");
    podman_ensure_images_in(&yaml);
    let pod = PlayedPod::play(&yaml);
    pod.play.assert_success();
    let mut last = None;
    let served = wait_until(Duration::from_secs(30), || {
        let out = dockscape_tests::real_engine::podman([
            "exec",
            "web-web",
            "wget",
            "-q",
            "-O",
            "-",
            "http://127.0.0.1:80/",
        ]);
        let ok = out.stdout.contains("It works!");
        last = Some(out);
        ok
    });
    assert!(served, "{scenario}: {last:?}");
    assert_eq!(
        pod.inspect("web", "web", "{{.HostConfig.RestartPolicy.Name}}"),
        "always"
    );
}

#[test]
fn linux_pod_serves_httpd_under_podman() {
    httpd_pod_serves("linux");
}

#[test]
fn kubernetes_pod_serves_httpd_under_podman() {
    httpd_pod_serves("kubernetes");
}

#[test]
fn kubernetes_pod_restarts_a_command_that_ends() {
    // `restartPolicy: Always` (the Pod form, for services): a command that ends is started again,
    // as a kubelet would (with its back-off); one-shot work is `--set kind=job`.
    let yaml = generate(
        "kubernetes",
        &[
            ("image", "busybox:latest"),
            ("command", "sh -c 'echo run; exit 3'"),
            ("ports", ""),
        ],
    );
    assert!(yaml.contains("restartPolicy: Always"), "{yaml}");
    podman_ensure_images_in(&yaml);
    let pod = PlayedPod::play(&yaml);
    pod.play.assert_success();
    let restarted = wait_until(Duration::from_secs(60), || {
        pod.inspect("web", "web", "{{.RestartCount}}")
            .parse::<u32>()
            .is_ok_and(|n| n >= 2)
    });
    let logs = pod.logs("web", "web");
    assert!(restarted, "{logs}");
    assert!(logs.stdout.matches("run").count() >= 2, "{logs}");
}

/// GET / on 127.0.0.1:`port`.
fn http_get(port: u16) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream
        .write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    Some(text)
}

#[test]
fn seed_002_dood_pod_runs_httpd_on_the_node_daemon_through_var_run() {
    // Seed 002: the Pod mounts the node's /var/run and runs `docker run -p 80:80 httpd:latest`. The
    // node's daemon is the private engine; its socket folder stands in for the node's /var/run (the
    // hostPath is rewritten, nothing else).
    let engine = RealEngine::start();
    engine.ensure_image("httpd:latest");
    // the seed's own job (the generator's default job is `docker version`, which ends)
    let yaml = generate(
        "dood",
        &[
            ("mount", "run-dir"),
            ("command", "docker run -p 80:80 httpd:latest"),
        ],
    );
    podman_ensure_images_in(&yaml);
    assert!(
        yaml.contains("path: /var/run\n      type: Directory"),
        "{yaml}"
    );
    let yaml = yaml.replace(
        "path: /var/run\n",
        &format!("path: {}\n", engine.run_dir().display()),
    );
    let pod = PlayedPod::play(&yaml);
    pod.play.assert_success();
    // The client in the pod started httpd on the node's daemon: a sibling the node lists.
    let listed = wait_until(Duration::from_secs(60), || {
        engine
            .docker([
                "ps",
                "--filter",
                "ancestor=httpd:latest",
                "--format",
                "{{.Ports}}",
            ])
            .stdout
            .contains("0.0.0.0:80->80/tcp")
    });
    assert!(listed, "{}", pod.logs("dood", "docker-cmds"));
    let served = wait_until(Duration::from_secs(20), || {
        http_get(80).is_some_and(|r| r.contains("It works!"))
    });
    assert!(served, "httpd did not answer on the node's port 80");
}

#[test]
fn dood_pod_hostpath_socket_reaches_the_node_daemon() {
    let engine = RealEngine::start();
    engine.ensure_image("busybox:latest");
    let yaml = generate(
        "dood",
        &[(
            "command",
            "docker run --pull never --name pod-sibling busybox:latest echo hello-from-a-pod-sibling",
        )],
    );
    assert!(
        yaml.contains("path: /var/run/docker.sock\n      type: Socket"),
        "{yaml}"
    );
    let socket = engine.socket().display().to_string();
    let pod = PlayedPod::play(
        &yaml.replace("path: /var/run/docker.sock\n", &format!("path: {socket}\n")),
    );
    pod.play.assert_success();
    let code = pod.wait_exit("dood", "docker-cmds", Duration::from_secs(60));
    let logs = pod.logs("dood", "docker-cmds");
    assert_eq!(code, Some(0), "{logs}");
    assert_eq!(logs.stdout.trim(), "hello-from-a-pod-sibling", "{logs}");
    assert_eq!(engine.container_names(true), vec!["pod-sibling".to_owned()]);
    drop(pod);

    // `type: Socket`: a path that is not a socket is refused before any container starts.
    let not_a_socket = engine.dir().join("not-a-socket");
    std::fs::write(&not_a_socket, "").unwrap_or_else(|e| panic!("{e}"));
    let pod = PlayedPod::play(&yaml.replace(
        "path: /var/run/docker.sock\n",
        &format!("path: {}\n", not_a_socket.display()),
    ));
    assert!(!pod.play.success(), "{}", pod.play);
    assert!(
        pod.play.stderr.contains("checking HostPathSocket")
            && pod.play.stderr.contains("is not a socket"),
        "{}",
        pod.play
    );
}
