//! The real `docker` CLI against the recording engine: what each flag puts in the create request.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::thread;
use std::time::Duration;

use dockscape_tests::{Engine, EngineOptions, docker, run_sh};
use serde_json::{Value, json};

/// Runs `docker` with `args` against a fresh engine, requires exit 0 and exactly one container create,
/// and returns the engine and that create body.
#[track_caller]
fn create_of(args: &[&str]) -> (Engine, Value) {
    let engine = Engine::start();
    docker(&engine, args).assert_success();
    let create = engine.single_create();
    (engine, create)
}

/// The create request's `Env`, sorted: Docker 28's CLI does not keep the order of `-e` flags (it goes
/// through a Go map, so the list comes out rotated at random).
fn env_of(create: &Value) -> Vec<String> {
    let mut env: Vec<String> = create["Env"]
        .as_array()
        .unwrap_or_else(|| panic!("Env is not a list: {create}"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("Env entry {v}"))
                .to_owned()
        })
        .collect();
    env.sort();
    env
}

/// Quotes `s` as one POSIX sh word.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Values that break naive quoting: quotes of both kinds, `$`, backticks, backslashes, spaces, a tab,
/// newlines, a glob, a leading dash and non-ASCII.
const NASTY: &str = "it's \"quoted\" $HOME ${PATH} `id` $(id) \\n a  b\tc\nline 2\n*.rs -x é";

#[test]
fn socket_bind_for_docker_outside_of_docker() {
    let (engine, create) = create_of(&[
        "run",
        "--rm",
        "-v",
        "/var/run/docker.sock:/var/run/docker.sock",
        "docker:cli",
        "docker",
        "ps",
    ]);
    assert_eq!(create["Image"], "docker:cli");
    assert_eq!(create["Cmd"], json!(["docker", "ps"]));
    assert_eq!(
        create["HostConfig"]["Binds"],
        json!(["/var/run/docker.sock:/var/run/docker.sock"])
    );
    assert_eq!(create["HostConfig"]["AutoRemove"], true);
    assert_eq!(create["HostConfig"]["Privileged"], false);
    // No name given: the CLI sends no `name` parameter at all.
    assert_eq!(engine.create_requests()[0].query_param("name"), None);
}

#[test]
fn mount_flag_becomes_host_config_mounts() {
    let (_engine, create) = create_of(&[
        "run",
        "--mount",
        "type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock,readonly",
        "--mount",
        "type=volume,source=dind-storage,target=/var/lib/docker",
        "docker:cli",
    ]);
    let mounts = &create["HostConfig"]["Mounts"];
    assert_eq!(mounts[0]["Type"], "bind");
    assert_eq!(mounts[0]["Source"], "/var/run/docker.sock");
    assert_eq!(mounts[0]["Target"], "/var/run/docker.sock");
    assert_eq!(mounts[0]["ReadOnly"], true);
    assert_eq!(mounts[1]["Type"], "volume");
    assert_eq!(mounts[1]["Source"], "dind-storage");
    assert_eq!(mounts[1]["Target"], "/var/lib/docker");
    assert_ne!(mounts[1]["ReadOnly"], true);
    assert_eq!(mounts.as_array().map(Vec::len), Some(2));
    // --mount does not go through Binds.
    assert_eq!(create["HostConfig"]["Binds"], Value::Null);
}

#[test]
fn env_values_survive_argv_byte_for_byte() {
    let value = format!("X={NASTY}");
    let (_engine, create) = create_of(&["run", "-e", &value, "-e", "EMPTY=", "alpine"]);
    assert_eq!(env_of(&create), ["EMPTY=", value.as_str()]);
}

#[test]
fn env_values_survive_sh_quoting_byte_for_byte() {
    let engine = Engine::start();
    let script = format!(
        "docker run --name {} -e {} alpine echo {}",
        sh_quote("web"),
        sh_quote(&format!("X={NASTY}")),
        sh_quote(NASTY)
    );
    run_sh(&script, &engine).assert_success();
    let create = engine.single_create();
    assert_eq!(create["Env"], json!([format!("X={NASTY}")]));
    assert_eq!(create["Cmd"], json!(["echo", NASTY]));
}

#[test]
fn unquoted_sh_splits_and_expands_which_the_engine_shows() {
    // The same command without quoting means something else; the recorded request proves it, so a
    // quoting bug in an emitter cannot pass these checks.
    let engine = Engine::start();
    run_sh("HOME=/h; docker run -e X=$HOME alpine echo a  b", &engine).assert_success();
    let create = engine.single_create();
    assert_eq!(create["Env"], json!(["X=/h"]));
    assert_eq!(create["Cmd"], json!(["echo", "a", "b"]));
}

#[test]
fn privileged_dind_on_a_user_network_with_an_alias() {
    let (engine, create) = create_of(&[
        "run",
        "-d",
        "--privileged",
        "--name",
        "dind",
        "--network",
        "ci",
        "--network-alias",
        "docker",
        "-e",
        "DOCKER_TLS_CERTDIR=/certs",
        "-v",
        "dind-certs:/certs/client",
        "docker:28-dind",
    ]);
    assert_eq!(create["Image"], "docker:28-dind");
    assert_eq!(create["HostConfig"]["Privileged"], true);
    assert_eq!(create["HostConfig"]["NetworkMode"], "ci");
    assert_eq!(
        create["NetworkingConfig"]["EndpointsConfig"]["ci"]["Aliases"],
        json!(["docker"])
    );
    assert_eq!(create["Env"], json!(["DOCKER_TLS_CERTDIR=/certs"]));
    assert_eq!(
        create["HostConfig"]["Binds"],
        json!(["dind-certs:/certs/client"])
    );
    assert_eq!(create["AttachStdout"], false, "-d does not attach");
    assert_eq!(
        engine.create_requests()[0].query_param("name"),
        Some("dind")
    );
    assert_eq!(engine.container_names(), ["dind"]);
}

#[test]
fn published_port() {
    let (_engine, create) = create_of(&[
        "run",
        "-p",
        "80:80",
        "-p",
        "127.0.0.1:8443:443/tcp",
        "httpd:latest",
    ]);
    assert_eq!(
        create["HostConfig"]["PortBindings"],
        json!({
            "80/tcp": [{ "HostIp": "", "HostPort": "80" }],
            "443/tcp": [{ "HostIp": "127.0.0.1", "HostPort": "8443" }],
        })
    );
    assert_eq!(
        create["ExposedPorts"],
        json!({ "80/tcp": {}, "443/tcp": {} })
    );
}

#[test]
fn entrypoint_and_command() {
    let (_engine, create) = create_of(&[
        "run",
        "--entrypoint",
        "/bin/sh",
        "docker:cli",
        "-c",
        "docker info && docker ps",
    ]);
    assert_eq!(create["Entrypoint"], json!(["/bin/sh"]));
    assert_eq!(create["Cmd"], json!(["-c", "docker info && docker ps"]));
}

#[test]
fn runtime_security_opts_caps_groups_and_user() {
    let (_engine, create) = create_of(&[
        "run",
        "--runtime",
        "sysbox-runc",
        "--security-opt",
        "seccomp=unconfined",
        "--security-opt",
        "apparmor=unconfined",
        "--cap-add",
        "SYS_ADMIN",
        "--group-add",
        "999",
        "--user",
        "1000:1000",
        "docker:dind-rootless",
    ]);
    assert_eq!(create["HostConfig"]["Runtime"], "sysbox-runc");
    assert_eq!(
        create["HostConfig"]["SecurityOpt"],
        json!(["seccomp=unconfined", "apparmor=unconfined"])
    );
    // Docker 28's CLI writes capabilities in their canonical `CAP_` form; older clients pass them as
    // typed. The daemon accepts both.
    let caps: Vec<&str> = create["HostConfig"]["CapAdd"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|c| c.strip_prefix("CAP_").unwrap_or(c))
        .collect();
    assert_eq!(caps, ["SYS_ADMIN"]);
    assert_eq!(create["HostConfig"]["GroupAdd"], json!(["999"]));
    assert_eq!(create["User"], "1000:1000");
    assert_eq!(create["HostConfig"]["Privileged"], false);
}

#[test]
fn network_and_volume_create_are_recorded() {
    let engine = Engine::start();
    docker(&engine, ["network", "create", "--driver", "bridge", "ci"]).assert_success();
    let volume = docker(&engine, ["volume", "create", "dind-certs"]);
    volume.assert_success();
    assert_eq!(volume.stdout.trim(), "dind-certs");
    let networks = engine.network_creates();
    assert_eq!(networks.len(), 1);
    assert_eq!(networks[0]["Name"], "ci");
    assert_eq!(networks[0]["Driver"], "bridge");
    let volumes = engine.volume_creates();
    assert_eq!(volumes.len(), 1);
    assert_eq!(volumes[0]["Name"], "dind-certs");
    assert!(engine.creates().is_empty());
}

#[test]
fn a_dind_session_script_runs_end_to_end() {
    let engine = Engine::start();
    let out = run_sh(
        r#"set -eu
docker network create ci
docker volume create dind-certs
docker run -d --name dind --privileged --network ci --network-alias docker \
  -e DOCKER_TLS_CERTDIR=/certs -v dind-certs:/certs/client docker:28-dind
docker run --rm --network ci -e DOCKER_HOST=tcp://docker:2376 -e DOCKER_TLS_VERIFY=1 \
  -e DOCKER_CERT_PATH=/certs/client -v dind-certs:/certs/client:ro docker:28-cli docker version
docker create --name later alpine true
docker start later
docker rm -f dind later
echo finished
"#,
        &engine,
    );
    out.assert_success();
    assert!(out.stdout.ends_with("finished\n"), "{out}");
    let mut calls: Vec<String> = engine
        .requests()
        .iter()
        .filter(|r| r.method != "HEAD")
        .map(|r| {
            let path = r
                .path
                .split('/')
                .map(|s| if s.len() == 64 { "ID" } else { s });
            format!("{} {}", r.method, path.collect::<Vec<_>>().join("/"))
        })
        .collect();
    // `docker rm` removes its arguments concurrently, in no fixed order.
    calls[11..].sort();
    assert_eq!(
        calls,
        [
            "POST /networks/create",
            "POST /volumes/create",
            "POST /containers/create",
            "POST /containers/ID/wait",
            "POST /containers/ID/start",
            "POST /containers/create",
            "POST /containers/ID/attach",
            "POST /containers/ID/wait",
            "POST /containers/ID/start",
            "POST /containers/create",
            "POST /containers/later/start",
            "DELETE /containers/dind",
            "DELETE /containers/later",
        ]
    );
    let creates = engine.creates();
    assert_eq!(
        env_of(&creates[1]),
        [
            "DOCKER_CERT_PATH=/certs/client",
            "DOCKER_HOST=tcp://docker:2376",
            "DOCKER_TLS_VERIFY=1",
        ]
    );
    assert_eq!(
        creates[1]["HostConfig"]["Binds"],
        json!(["dind-certs:/certs/client:ro"])
    );
    let removes = engine.requests_to("DELETE", "/containers/dind");
    assert_eq!(removes[0].query_param("force"), Some("1"));
    assert!(engine.unhandled().is_empty(), "{}", engine.describe());
    assert!(engine.errors().is_empty(), "{:?}", engine.errors());
}

#[test]
fn foreground_run_attaches_waits_then_starts_and_negotiates_the_api() {
    let engine = Engine::start();
    docker(&engine, ["run", "alpine"]).assert_success();
    let requests = engine.requests();
    let first = &requests[0];
    assert_eq!(
        (first.method.as_str(), first.path.as_str()),
        ("HEAD", "/_ping")
    );
    let after_ping: Vec<&str> = requests[1..]
        .iter()
        .map(|r| r.path.rsplit('/').next().unwrap_or(""))
        .collect();
    assert_eq!(after_ping, ["create", "attach", "wait", "start"]);
    let attach = &requests[2];
    assert_eq!(attach.query_param("stream"), Some("1"));
    assert_eq!(attach.header("upgrade"), Some("tcp"));
    assert_eq!(requests[3].query_param("condition"), Some("next-exit"));
    // Every versioned call uses one negotiated version: the engine's, or the client's own maximum
    // when that is older (Debian's docker.io 20.10 client speaks 1.41).
    let minor = |v: &str| v.strip_prefix("1.").and_then(|m| m.parse::<u32>().ok());
    let engine_minor = minor(dockscape_tests::engine::API_VERSION);
    let negotiated = requests[1].api_version.clone();
    let negotiated_minor = negotiated.as_deref().and_then(minor);
    assert!(
        negotiated_minor.is_some() && negotiated_minor <= engine_minor,
        "{negotiated:?}"
    );
    for r in &requests[1..] {
        assert_eq!(r.api_version, negotiated, "{r}");
    }
}

#[test]
fn run_rm_waits_for_removal() {
    let engine = Engine::start();
    docker(&engine, ["run", "--rm", "alpine"]).assert_success();
    let waits: Vec<_> = engine
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/wait"))
        .collect();
    assert_eq!(waits.len(), 1);
    assert_eq!(waits[0].query_param("condition"), Some("removed"));
}

#[test]
fn exit_status_and_output_reach_the_client() {
    let engine = Engine::start_with(EngineOptions {
        exit_code: 3,
        stdout: b"hello from the container\n".to_vec(),
        stderr: b"and its stderr\n".to_vec(),
    });
    let out = docker(&engine, ["run", "alpine"]);
    assert_eq!(out.status, Some(3), "{out}");
    assert_eq!(out.stdout, "hello from the container\n");
    assert_eq!(out.stderr, "and its stderr\n");
}

#[test]
fn version_reports_the_recording_engine() {
    let engine = Engine::start();
    let out = docker(
        &engine,
        [
            "version",
            "--format",
            "{{.Server.Version}} {{.Server.APIVersion}}",
        ],
    );
    out.assert_success();
    assert_eq!(
        out.stdout.trim(),
        format!("28.2.2 {}", dockscape_tests::engine::API_VERSION)
    );
}

#[test]
fn name_conflict_fails_like_a_real_daemon() {
    // Seed 001's DooD pitfall: two jobs sharing one daemon both start `--name web`.
    let engine = Engine::start();
    docker(&engine, ["run", "-d", "--name", "web", "httpd"]).assert_success();
    let second = docker(&engine, ["run", "-d", "--name", "web", "httpd"]);
    assert_eq!(second.status, Some(125), "{second}");
    assert!(second.stderr.contains("is already in use"), "{second}");
    assert_eq!(engine.creates().len(), 2);
    docker(&engine, ["rm", "-f", "web"]).assert_success();
    docker(&engine, ["run", "-d", "--name", "web", "httpd"]).assert_success();
}

#[test]
fn a_malformed_command_line_creates_nothing() {
    let engine = Engine::start();
    let out = docker(&engine, ["run", "-p", "eighty:80", "httpd"]);
    assert!(!out.success(), "{out}");
    assert!(engine.creates().is_empty(), "{}", engine.describe());
}

#[test]
fn unknown_endpoints_get_404_and_are_recorded() {
    let engine = Engine::start();
    let out = docker(&engine, ["ps"]);
    assert!(!out.success(), "{out}");
    assert!(
        out.stderr.contains("no handler for GET /containers/json"),
        "{out}"
    );
    let unhandled = engine.unhandled();
    assert_eq!(unhandled.len(), 1, "{}", engine.describe());
    assert_eq!(unhandled[0].path, "/containers/json");
}

#[test]
fn concurrent_clients_are_all_recorded() {
    let engine = Engine::start();
    thread::scope(|scope| {
        for i in 0..6 {
            let engine = &engine;
            scope.spawn(move || {
                let name = format!("job{i}");
                docker(engine, ["run", "--name", &name, "alpine"]).assert_success();
            });
        }
    });
    let mut names: Vec<String> = engine
        .create_requests()
        .iter()
        .filter_map(|r| r.query_param("name").map(str::to_owned))
        .collect();
    names.sort();
    assert_eq!(names, ["job0", "job1", "job2", "job3", "job4", "job5"]);
    assert!(engine.errors().is_empty(), "{:?}", engine.errors());
}

/// Sends one raw HTTP request and returns the raw response.
fn raw_exchange(engine: &Engine, request: &[u8]) -> String {
    let mut stream = UnixStream::connect(engine.socket_path()).expect("connect to the engine");
    // Fail rather than hang if the engine never closes the connection.
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("set a read timeout");
    stream.write_all(request).expect("write the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    response
}

#[test]
fn chunked_bodies_are_decoded() {
    let engine = Engine::start();
    let body = br#"{"Image":"alpine","Cmd":["echo","chunked"]}"#;
    let (a, b) = body.split_at(10);
    let mut request = b"POST /v1.41/containers/create?name=c%20d HTTP/1.1\r\nHost: docker\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for part in [a, b] {
        request.extend_from_slice(format!("{:x};ext=1\r\n", part.len()).as_bytes());
        request.extend_from_slice(part);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\nX-Trailer: 1\r\n\r\n");
    let response = raw_exchange(&engine, &request);
    assert!(response.starts_with("HTTP/1.1 201 "), "{response}");
    let recorded = engine.create_requests();
    assert_eq!(recorded[0].api_version.as_deref(), Some("1.41"));
    assert_eq!(recorded[0].query_param("name"), Some("c d"));
    assert_eq!(
        engine.single_create(),
        json!({"Image": "alpine", "Cmd": ["echo", "chunked"]})
    );
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let engine = Engine::start();
    let response = raw_exchange(
        &engine,
        b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\nPOST /volumes/create HTTP/1.1\r\nHost: d\r\nContent-Length: 13\r\n\r\n{\"Name\":\"v\"}\nGET /version HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(response.matches("HTTP/1.1 ").count(), 3, "{response}");
    assert!(response.contains("Api-Version: "), "{response}");
    let paths: Vec<String> = engine.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/_ping", "/volumes/create", "/version"]);
    assert_eq!(engine.volume_creates()[0]["Name"], "v");
}

#[test]
fn a_malformed_request_gets_400_and_an_error() {
    let engine = Engine::start();
    let response = raw_exchange(
        &engine,
        b"POST /containers/create HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
    );
    assert!(response.starts_with("HTTP/1.1 400 "), "{response}");
    assert_eq!(engine.errors().len(), 1);
    assert!(engine.requests().is_empty());
}

#[test]
fn dropping_the_engine_removes_its_socket() {
    let engine = Engine::start();
    let socket = engine.socket_path().to_owned();
    assert!(socket.exists());
    // An idle keep-alive connection must not keep the engine alive.
    let _idle = UnixStream::connect(&socket).expect("connect");
    drop(engine);
    assert!(!socket.exists());
}

#[test]
fn pull_always_asks_for_the_image_first() {
    let engine = Engine::start();
    docker(&engine, ["run", "--pull", "always", "httpd:2.4"]).assert_success();
    let pulls = engine.requests_to("POST", "/images/create");
    assert_eq!(pulls.len(), 1, "{}", engine.describe());
    // Docker 28 sends the fully qualified name; Debian's 20.10 client the short one.
    let from = pulls[0].query_param("fromImage");
    assert!(
        matches!(from, Some("docker.io/library/httpd" | "httpd")),
        "{from:?}"
    );
    assert_eq!(pulls[0].query_param("tag"), Some("2.4"));
    assert_eq!(engine.single_create()["Image"], "httpd:2.4");
}

#[test]
fn many_sequential_connections_are_served() {
    let engine = Engine::start();
    for _ in 0..300 {
        let response = raw_exchange(&engine, b"GET /_ping HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(response.starts_with("HTTP/1.1 200 "), "{response}");
        assert!(response.ends_with("\r\n\r\nOK"), "{response}");
    }
    assert_eq!(engine.requests_to("GET", "/_ping").len(), 300);
    assert!(engine.errors().is_empty(), "{:?}", engine.errors());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Any text (but NUL, which no argv can hold), sh-quoted into a script, reaches the engine as
    /// exactly one argument and one env value, byte for byte: the harness the emitters' quoting
    /// property tests stand on.
    #[test]
    fn any_sh_quoted_text_arrives_byte_for_byte(arg in "[^\u{0}]{0,40}", value in "[^\u{0}]{0,40}") {
        let engine = Engine::start();
        let script = format!(
            "docker run -e {} alpine {}",
            sh_quote(&format!("V={value}")),
            sh_quote(&arg)
        );
        run_sh(&script, &engine).assert_success();
        let create = engine.single_create();
        proptest::prop_assert_eq!(&create["Cmd"], &json!([arg]));
        proptest::prop_assert_eq!(&create["Env"], &json!([format!("V={value}")]));
    }
}
