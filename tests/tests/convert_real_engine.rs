//! The real-engine differential of `dockscape convert` (run → Compose): every line of
//! `convert/engine_corpus.sh` is created by the real `docker` CLI (`docker create`) and its Compose
//! conversion by the real `docker-compose create`, both on the real engine of the harness (Debian's
//! dockerd 20.10 on a private socket, tests/src/real_engine.rs, docs/real-engine.md), and the two
//! `docker inspect` results must agree on every meaningful field of `Config` and `HostConfig`.
//!
//! Normalised, because it legitimately differs: names, the labels Compose adds, the network (the
//! project's default network against `default`), the host name when none was given (the container
//! id), named volumes' project prefix, and how `no-new-privileges`, capabilities and a bind's
//! syntax are spelled. Nothing is started (create only), so `--privileged` is created as written.
//! Not checked here: flags the engine's API 1.41 does not know (e.g. `--health-start-interval`).
//! An exec-form Compose healthcheck becomes `--health-cmd` (the docker CLI writes only CMD-SHELL):
//! compared as the shell line of its words.

use dockscape::{ConvertOptions, ConvertTarget, convert};
use dockscape_tests::{RealEngine, TempDir};
use serde_json::{Value, json};

const CORPUS: &str = include_str!("convert/engine_corpus.sh");

fn strs(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn security_opt(o: &str) -> String {
    match o.replace(':', "=").as_str() {
        "no-new-privileges=true" => "no-new-privileges".into(),
        other => other.to_owned(),
    }
}

/// The meaning of one `docker inspect` object; `prefix` is taken off named volumes (the Compose
/// project's `<project>_`, a converted script's `<pod>-`).
fn meaning(i: &Value, prefix: Option<&str>, hostname_set: bool) -> Value {
    let c = &i["Config"];
    let hc = &i["HostConfig"];
    let mut mounts: Vec<Value> = Vec::new();
    for m in i["Mounts"].as_array().into_iter().flatten() {
        let kind = m["Type"].as_str().unwrap_or("");
        let name = m["Name"].as_str().unwrap_or("");
        let source = match kind {
            "bind" => m["Source"].as_str().unwrap_or("").to_owned(),
            // an anonymous volume is named by its id; a named one by its name without the project
            "volume" if name.len() == 64 && name.chars().all(|c| c.is_ascii_hexdigit()) => {
                "(anonymous)".into()
            }
            "volume" => prefix
                .and_then(|p| name.strip_prefix(p))
                .unwrap_or(name)
                .to_owned(),
            _ => String::new(),
        };
        mounts.push(json!([kind, source, m["Destination"], m["RW"]]));
    }
    mounts.sort_by_key(|m| m.to_string());
    let caps = |v: &Value| -> Vec<String> {
        strs(v)
            .into_iter()
            .map(|s| s.trim_start_matches("CAP_").to_ascii_uppercase())
            .collect()
    };
    json!({
        "Image": c["Image"],
        "Cmd": c["Cmd"],
        "Entrypoint": c["Entrypoint"],
        "Env": strs(&c["Env"]),
        "WorkingDir": c["WorkingDir"],
        "User": c["User"],
        "Tty": c["Tty"],
        "OpenStdin": c["OpenStdin"],
        "ExposedPorts": c["ExposedPorts"].as_object().map(|m| { let mut k: Vec<&String> = m.keys().collect(); k.sort(); json!(k) }),
        // the docker CLI writes every `--health-cmd` as CMD-SHELL: an exec-form test (plain words
        // here) is compared as the shell line of its words
        "Healthcheck": match c["Healthcheck"]["Test"].as_array().map(Vec::as_slice) {
            Some([first, rest @ ..]) if first == "CMD" => {
                let mut h = c["Healthcheck"].clone();
                let words: Vec<&str> = rest.iter().filter_map(Value::as_str).collect();
                h["Test"] = json!(["CMD-SHELL", words.join(" ")]);
                h
            }
            _ => c["Healthcheck"].clone(),
        }
        .as_object()
        .map(|h| {
            // Docker's defaults (0: every 30 s, 30 s timeout, 3 retries) written out or not
            let mut h = h.clone();
            for (key, default) in [("Interval", 30_000_000_000_i64), ("Timeout", 30_000_000_000), ("Retries", 3)] {
                if h.get(key).and_then(Value::as_i64).is_none_or(|v| v == 0) {
                    h.insert(key.into(), json!(default));
                }
            }
            Value::Object(h)
        }),
        "StopTimeout": c["StopTimeout"],
        "Hostname": if hostname_set { c["Hostname"].clone() } else { Value::Null },
        "Mounts": mounts,
        "CapAdd": caps(&hc["CapAdd"]),
        "CapDrop": caps(&hc["CapDrop"]),
        "Privileged": hc["Privileged"],
        "ReadonlyRootfs": hc["ReadonlyRootfs"],
        "Memory": hc["Memory"],
        "MemoryReservation": hc["MemoryReservation"],
        "NanoCpus": hc["NanoCpus"],
        "CpuShares": hc["CpuShares"],
        "Sysctls": hc["Sysctls"],
        "ExtraHosts": strs(&hc["ExtraHosts"]),
        "HostNetwork": hc["NetworkMode"] == "host",
        "PidMode": hc["PidMode"],
        "IpcMode": hc["IpcMode"],
        "PortBindings": hc["PortBindings"],
        // Compose writes no policy as "", the docker CLI as "no": both never restart
        "RestartPolicy": [
            match hc["RestartPolicy"]["Name"].as_str() { Some("") | None => "no", Some(n) => n },
            hc["RestartPolicy"]["MaximumRetryCount"],
        ],
        "SecurityOpt": strs(&hc["SecurityOpt"]).iter().map(|o| security_opt(o)).collect::<Vec<_>>(),
        "DockerOnly": docker_only(c, hc),
    })
}

/// The settings a Pod has no field for, and tmpfs mounts with their options.
fn docker_only(c: &Value, hc: &Value) -> Value {
    let tmpfs_mounts: Vec<Value> = hc["Mounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["Type"] == "tmpfs")
        .map(|m| json!([m["Target"], m["TmpfsOptions"]]))
        .collect();
    let mut ulimits = hc["Ulimits"].as_array().cloned().unwrap_or_default();
    ulimits.sort_by_key(|x| x["Name"].to_string());
    json!({
        "Init": hc["Init"].as_bool().unwrap_or(false),
        "Dns": strs(&hc["Dns"]),
        "DnsSearch": strs(&hc["DnsSearch"]),
        "DnsOptions": strs(&hc["DnsOptions"]),
        "ShmSize": hc["ShmSize"],
        // the docker CLI sends no ulimits or devices as [], Compose as null; Compose sends
        // ulimits in the random order of a Go map
        "Ulimits": ulimits,
        "StopSignal": c["StopSignal"],
        "Devices": hc["Devices"].as_array().cloned().unwrap_or_default(),
        "Tmpfs": hc["Tmpfs"],
        "TmpfsMounts": tmpfs_mounts,
    })
}

fn lines(engine: &RealEngine) -> Vec<String> {
    let socket = engine.socket().display().to_string();
    CORPUS
        .lines()
        .filter(|l| l.starts_with("docker "))
        .map(|l| l.replace("SOCKET", &socket))
        .collect()
}

#[test]
fn docker_create_of_each_line_and_compose_create_of_its_conversion_agree_on_the_real_engine() {
    let engine = RealEngine::start();
    engine.ensure_image("busybox:latest");
    let lines = lines(&engine);
    // every line created by one script, and the whole corpus converted into one Compose file
    // (every line its own service) created as one project: one network, one docker-compose
    engine.sh(&lines.join("\n")).assert_success();
    let corpus = lines.join("\n");
    let c = convert(&corpus, ConvertTarget::Compose, &ConvertOptions::default()).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    // only the flags that have no counterpart in Compose may be dropped
    for d in &c.dropped {
        assert!(matches!(d.key_or_flag.as_str(), "-d"), "{d:?}");
    }
    let dir = TempDir::new("dockscape-convert-engine");
    std::fs::write(dir.path().join("compose.yaml"), &c.outputs[0].text).unwrap();
    engine
        .compose(dir.path(), ["-p", "cv", "create", "--pull", "never"])
        .assert_success();
    let mut checked = 0;
    for line in &lines {
        let name = line
            .split_whitespace()
            .skip_while(|w| *w != "--name")
            .nth(1)
            .unwrap();
        let original = engine.inspect(name);
        let original = original
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or(&original);
        let converted = engine.inspect(&format!("cv-{name}-1"));
        let converted = converted
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or(&converted);
        let hostname = line.contains("--hostname");
        assert_eq!(
            meaning(converted, Some("cv_"), hostname),
            meaning(original, None, hostname),
            "{line}\nconverted:\n{}",
            c.outputs[0].text
        );
        checked += 1;
    }
    assert_eq!(checked, lines.len());
}

const COMPOSE: &str = include_str!("convert/engine_compose.yaml");

#[test]
fn docker_compose_create_of_each_service_and_docker_create_of_its_conversion_agree_on_the_real_engine()
 {
    let engine = RealEngine::start();
    engine.ensure_image("busybox:latest");
    let compose = COMPOSE.replace("SOCKET", &engine.socket().display().to_string());
    let dir = TempDir::new("dockscape-convert-engine");
    std::fs::write(dir.path().join("compose.yaml"), &compose).unwrap();
    engine
        .compose(dir.path(), ["-p", "orig", "create", "--pull", "never"])
        .assert_success();
    let c = convert(&compose, ConvertTarget::Run, &ConvertOptions::default()).unwrap();
    assert!(c.errors.is_empty() && c.dropped.is_empty(), "{c:?}");
    // created, not started, as on the Compose side (`docker create` takes `docker run`'s flags)
    let script = c.outputs[0]
        .text
        .replace("docker run -d ", "docker create ");
    engine.sh(&script).assert_success();
    let services: Vec<&str> = compose
        .lines()
        .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|s| !s.starts_with(' '))
        .collect();
    assert_eq!(services.len(), 40, "{services:?}");
    for svc in services {
        let original = engine.inspect(&format!("orig-{svc}-1"));
        let original = original
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or(&original);
        let converted = engine.inspect(svc);
        let converted = converted
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or(&converted);
        let hostname = svc == "health";
        assert_eq!(
            meaning(converted, Some(&format!("{svc}-")), hostname),
            meaning(original, Some("orig_"), hostname),
            "{svc}\nconverted:\n{script}"
        );
    }
}

/// A Pod's containers share localhost; converted to Compose the second joins the first one's
/// network namespace (`network_mode: service:x`), so it still reaches the first on `localhost`
/// when both run on the real engine.
#[test]
fn the_containers_of_a_converted_pod_reach_each_other_on_localhost_in_compose() {
    let pod = r#"apiVersion: v1
kind: Pod
metadata:
  name: shared
spec:
  restartPolicy: Never
  containers:
    - name: server
      image: busybox
      command: [httpd, -f, -p, "8080", -h, /etc]
    - name: client
      image: busybox
      command: [sh, -c, "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://localhost:8080/hostname && exit 0; sleep 1; done; exit 1"]
"#;
    let c = convert(pod, ConvertTarget::Compose, &ConvertOptions::default()).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    let text = &c.outputs[0].text;
    assert!(text.contains("network_mode: service:server"), "{text}");
    let engine = RealEngine::start();
    engine.ensure_image("busybox:latest");
    let dir = TempDir::new("dockscape-convert-engine");
    std::fs::write(dir.path().join("compose.yaml"), text).unwrap();
    let up = engine.compose(
        dir.path(),
        [
            "-p",
            "shared",
            "up",
            "--exit-code-from",
            "client",
            "--pull",
            "never",
        ],
    );
    assert!(up.success(), "{up:?}\n{text}");
}
