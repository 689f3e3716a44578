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
use std::collections::HashMap;
use std::time::Instant;

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
        "UsernsMode": hc["UsernsMode"],
        "CgroupnsMode": hc["CgroupnsMode"],
        // no limit: the docker CLI sends none, Compose 0
        "PidsLimit": hc["PidsLimit"].as_i64().unwrap_or(0),
        "LogConfig": [
            &hc["LogConfig"]["Type"],
            hc["LogConfig"]["Config"].as_object().cloned().unwrap_or_default(),
        ],
    })
}

/// The flags the second part of the corpus leaves out of corpus.sh's lines: convert does not carry
/// them yet (reported as dropped), so the containers would differ by them.
const NOT_CARRIED: &[&str] = &["--gpus", "--link", "--tmpfs :exec", "-v :rslave"];

/// Carried flags the engine's API 1.41 does not know (dockerd 20.10): not in the corpus, so not
/// checked here (the recording-engine round trip of convert_real_tools.rs covers them).
const NEWER_THAN_THE_ENGINE: &[(&str, &str)] = &[
    ("--health-start-interval", "API 1.44"),
    ("--use-api-socket", "docker CLI 28.1, not an API field"),
    ("--annotation", "API 1.43"),
];

fn lines(engine: &RealEngine) -> Vec<String> {
    let socket = engine.socket().display().to_string();
    CORPUS
        .lines()
        .filter(|l| l.starts_with("docker "))
        .map(|l| l.replace("ENGINE_SOCKET", &socket))
        .collect()
}

/// The container name of a corpus line (every line has `--name`).
fn name_of(line: &str) -> String {
    line.split_whitespace()
        .skip_while(|w| *w != "--name")
        .nth(1)
        .unwrap_or_else(|| panic!("no --name: {line}"))
        .to_owned()
}

/// `docker inspect` of every name at once, by name.
fn inspect_all(engine: &RealEngine, names: &[String]) -> HashMap<String, Value> {
    let mut args = vec!["inspect".to_owned()];
    args.extend(names.iter().cloned());
    let out = engine.docker(&args);
    out.assert_success();
    let all: Value = serde_json::from_str(&out.stdout).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let name = i["Name"].as_str().unwrap().trim_start_matches('/');
            (name.to_owned(), i.clone())
        })
        .collect()
}

/// Runs `lines` (each a `docker` command) in `jobs` shells at once; a line with `--volumes-from`
/// after the others (the container it names must exist).
fn create_in_parallel(engine: &RealEngine, lines: &[String], jobs: usize) {
    let (after, lines): (Vec<String>, Vec<String>) = lines
        .iter()
        .cloned()
        .partition(|l| l.contains("--volumes-from"));
    let chunk = lines.len().div_ceil(jobs).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .chunks(chunk)
            .map(|part| {
                let script = format!("set -e\n{}", part.join("\n"));
                s.spawn(move || engine.sh(&script))
            })
            .collect();
        for h in handles {
            h.join().unwrap().assert_success();
        }
    });
    if !after.is_empty() {
        engine
            .sh(&format!("set -e\n{}", after.join("\n")))
            .assert_success();
    }
}

/// The images of the corpus, with an empty file system: the containers are created, never
/// started, so only an image's configuration counts (its CMD, ENTRYPOINT, ENV, WORKDIR, EXPOSE and
/// VOLUME, which `docker inspect` shows merged into the container's), and the vfs storage driver
/// copies an image's files for every container (busybox's 289 make a create three times slower).
/// The stand-ins' configurations are `scripts/install-engine`'s (its manifest); `cli-like` and
/// `dind-like` have docker's ENTRYPOINT, EXPOSE and VOLUME.
fn import_empty_images(engine: &RealEngine) {
    let images = dockscape_tests::real_engine::engine_dir().join("images");
    let manifest = std::fs::read_to_string(images.join("manifest.tsv")).unwrap();
    let mut wanted: Vec<(String, Vec<String>)> = manifest
        .lines()
        .filter_map(|l| {
            let mut fields = l.split('\t');
            let tag = fields.next()?;
            let changes = fields.skip(1).map(str::to_owned).collect();
            [
                "busybox:latest",
                "alpine:latest",
                "httpd:latest",
                "ubuntu:latest",
            ]
            .contains(&tag)
            .then(|| (tag.to_owned(), changes))
        })
        .collect();
    assert_eq!(wanted.len(), 4, "{manifest}");
    let path = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    wanted.push((
        "cli-like:latest".into(),
        vec![
            path.into(),
            r#"ENTRYPOINT ["docker-entrypoint.sh"]"#.into(),
            r#"CMD ["sh"]"#.into(),
        ],
    ));
    wanted.push((
        "dind-like:latest".into(),
        vec![
            path.into(),
            "ENV DOCKER_TLS_CERTDIR=/certs".into(),
            "VOLUME /var/lib/docker".into(),
            "EXPOSE 2375/tcp 2376/tcp".into(),
            r#"ENTRYPOINT ["dockerd-entrypoint.sh"]"#.into(),
            "CMD []".into(),
        ],
    ));
    let mut script = String::from(
        "set -e\nd=$(mktemp -d)\ntouch \"$d/.empty\"\ntar -C \"$d\" -cf \"$d.tar\" .\n",
    );
    for (tag, changes) in &wanted {
        script.push_str("docker import");
        for c in changes {
            assert!(!c.contains('\''), "{c}");
            script.push_str(&format!(" --change '{c}'"));
        }
        script.push_str(&format!(" \"$d.tar\" {tag} >/dev/null\n"));
    }
    script.push_str("rm -r \"$d\" \"$d.tar\"\n");
    engine.sh(&script).assert_success();
}

/// Whether `line` uses the flag `--long` (or `-s`, also first in a group of short flags).
fn uses(line: &str, long: &str, short: Option<char>) -> bool {
    line.split_whitespace().any(|w| {
        w == format!("--{long}")
            || w.starts_with(&format!("--{long}="))
            || short.is_some_and(|s| {
                w.strip_prefix('-')
                    .is_some_and(|rest| !rest.starts_with('-') && rest.starts_with(s))
            })
    })
}

#[test]
fn every_carried_flag_is_in_the_engine_corpus_unless_the_engine_is_too_old_for_it() {
    let lines: Vec<&str> = CORPUS
        .lines()
        .filter(|l| l.starts_with("docker "))
        .collect();
    let table = dockscape::run_mapping_markdown();
    let mut missing = Vec::new();
    for row in table.lines().skip(2) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let long = cells[0].trim_start_matches("| `--").trim_end_matches('`');
        let short = cells[1]
            .trim_matches('`')
            .strip_prefix('-')
            .and_then(|s| s.chars().next());
        let carried = !cells[3].starts_with("reported:");
        let newer = NEWER_THAN_THE_ENGINE
            .iter()
            .any(|(f, _)| *f == format!("--{long}"));
        if carried && !newer && !lines.iter().any(|l| uses(l, long, short)) {
            missing.push(long.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "carried flags no line of the engine corpus uses: {missing:?}"
    );
    // the corpus leaves out only what convert reports as not carried
    for flag in NOT_CARRIED {
        let word = flag.split(' ').next().unwrap_or(flag);
        let carried = table
            .lines()
            .any(|r| r.starts_with(&format!("| `{word}` ")) && !r.contains("| reported:"));
        assert!(
            !carried || flag.contains(' '),
            "{flag} is carried now: put its lines back into the engine corpus"
        );
    }
    assert!(lines.len() >= 250, "{}", lines.len());
}

/// run → Compose and run → Compose → run on the real engine: `docker create` of each line, the
/// Compose file of every line created by one `docker-compose create` (one project, one network),
/// and that Compose file converted back into a `docker run` script, created by the docker CLI.
#[test]
fn docker_create_of_each_line_compose_create_of_its_conversion_and_the_run_script_back_agree() {
    let started = Instant::now();
    let mut phases: Vec<(&str, f64)> = Vec::new();
    let mut mark = |what| phases.push((what, started.elapsed().as_secs_f64()));
    let engine = RealEngine::start();
    import_empty_images(&engine);
    // the one named network a line joins (`--network appnet`): the converted service is on the
    // project's network instead (a note)
    engine
        .docker(["network", "create", "appnet"])
        .assert_success();
    mark("engine started, images imported");
    let lines = lines(&engine);
    let names: Vec<String> = lines.iter().map(|l| name_of(l)).collect();
    create_in_parallel(&engine, &lines, 3);
    mark("docker create of each line");

    let corpus = lines.join("\n");
    let c = convert(&corpus, ConvertTarget::Compose, &ConvertOptions::default()).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    // only the flags that have no counterpart in Compose may be dropped
    for d in &c.dropped {
        assert!(matches!(d.key_or_flag.as_str(), "--rm"), "{d:?}");
    }
    let compose = &c.outputs[0].text;
    let dir = TempDir::new("dockscape-convert-engine");
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    engine
        .compose(dir.path(), ["-p", "cv", "create", "--pull", "never"])
        .assert_success();
    mark("docker-compose create of the conversion");

    let back = convert(compose, ConvertTarget::Run, &ConvertOptions::default()).unwrap();
    assert!(
        back.errors.is_empty() && back.dropped.is_empty(),
        "{back:?}"
    );
    // one command a line (the script continues a long one with ` \`)
    let script = back.outputs[0]
        .text
        .replace(" \\\n  ", " ")
        .replace("docker run -d --name ", "docker create --name rt-");
    // the named volumes first, as the script creates them before the containers
    let (volumes, creates): (Vec<String>, Vec<String>) = script
        .lines()
        .filter(|l| l.starts_with("docker "))
        .map(str::to_owned)
        .partition(|l| l.starts_with("docker volume create"));
    engine.sh(&volumes.join("\n")).assert_success();
    create_in_parallel(&engine, &creates, 3);
    mark("docker create of the run script back");

    // each line's service, in the order of the lines (a network alias is the service's name)
    let doc: Value = serde_saphyr::from_str(compose).unwrap();
    let services: Vec<String> = doc["services"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(services.len(), lines.len());
    let original = inspect_all(&engine, &names);
    let cv: Vec<String> = services.iter().map(|n| format!("cv-{n}-1")).collect();
    let composed = inspect_all(&engine, &cv);
    let rt: Vec<String> = services.iter().map(|n| format!("rt-{n}")).collect();
    let round = inspect_all(&engine, &rt);
    mark("docker inspect");
    let mut differ = Vec::new();
    for ((line, name), service) in lines.iter().zip(&names).zip(&services) {
        let hostname = line.contains("--hostname");
        let want = meaning(&original[name], None, hostname);
        let via_compose = meaning(&composed[&format!("cv-{service}-1")], Some("cv_"), hostname);
        let prefix = format!("{service}-");
        let via_run = meaning(&round[&format!("rt-{service}")], Some(&prefix), hostname);
        for (what, got) in [
            ("run → Compose", via_compose),
            ("run → Compose → run", via_run),
        ] {
            if got != want {
                differ.push(format!("{what}: {line}\n  want: {want}\n  got:  {got}"));
            }
        }
    }
    mark("compared");
    eprintln!("| phase ({} lines) | seconds since start |", lines.len());
    eprintln!("|---|---|");
    for (what, at) in &phases {
        eprintln!("| {what} | {at:.1} |");
    }
    assert!(
        differ.is_empty(),
        "{} of {} comparisons differ:\n{}\nconverted:\n{compose}",
        differ.len(),
        2 * lines.len(),
        differ.join("\n")
    );
}

const COMPOSE: &str = include_str!("convert/engine_compose.yaml");

#[test]
fn docker_compose_create_of_each_service_and_docker_create_of_its_conversion_agree_on_the_real_engine()
 {
    let engine = RealEngine::start();
    import_empty_images(&engine);
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
    assert_eq!(services.len(), 45, "{services:?}");
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
        // the script names a pod's volumes after the pod: `volume-user` mounts `volume-owner`'s
        let owner = if svc == "volume-user" {
            "volume-owner"
        } else {
            svc
        };
        assert_eq!(
            meaning(converted, Some(&format!("{owner}-")), hostname),
            meaning(original, Some("orig_"), hostname),
            "{svc}\nconverted:\n{script}"
        );
    }
}

/// A Pod named `name` whose `client` container fetches `/hostname` from its `server` container over
/// `localhost:8080`, exiting 0 once it got it; `spec` and `client` are extra lines of the pod spec
/// and of the client container.
fn localhost_pod(name: &str, spec: &str, client: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  restartPolicy: Never
{spec}  containers:
    - name: server
      image: busybox
      command: [httpd, -f, -p, "8080", -h, /etc]
    - name: client
      image: busybox
{client}      command: [sh, -c, "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://localhost:8080/hostname && exit 0; sleep 1; done; exit 1"]
"#
    )
}

/// A Pod's containers share localhost; converted to Compose the second joins the first one's
/// network namespace (`network_mode: service:x`), so it still reaches the first on `localhost`
/// when both run on the real engine.
#[test]
fn the_containers_of_a_converted_pod_reach_each_other_on_localhost_in_compose() {
    let pod = localhost_pod("shared", "", "");
    let c = convert(&pod, ConvertTarget::Compose, &ConvertOptions::default()).unwrap();
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

/// The same Pod converted to `docker run` lines: the second container joins the first one's network
/// namespace (`--network container:NAME`), so the script's client still reaches the server on
/// `localhost`, with the pod's published port on the first container, when the script runs on the
/// real engine. (On a network of its own per pod, as before, `localhost` is the client itself and
/// the request fails.)
#[test]
fn the_containers_of_a_converted_pod_reach_each_other_on_localhost_in_docker_run() {
    let pod = localhost_pod(
        "shared-run",
        "  hostname: web\n",
        "      ports:\n        - containerPort: 8080\n          hostPort: 18080\n          hostIP: 127.0.0.1\n",
    );
    let c = convert(&pod, ConvertTarget::Run, &ConvertOptions::default()).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    let script = &c.outputs[0].text;
    assert!(
        script.contains("--network container:shared-run-server"),
        "{script}"
    );
    let engine = RealEngine::start();
    engine.ensure_image("busybox:latest");
    let run = engine.sh(script);
    assert!(run.success(), "{run:?}\n{script}");
    // the client ran detached: its exit code and output say whether it reached the server
    let code = engine.docker(["wait", "shared-run-client"]);
    let logs = engine.docker(["logs", "shared-run-client"]);
    // the port of the client's containerPort is published on the namespace's holder
    let port = engine.docker(["port", "shared-run-server", "8080"]);
    let _ = engine.docker(["rm", "-f", "shared-run-server", "shared-run-client"]);
    assert_eq!(code.stdout.trim(), "0", "{logs:?}\n{script}");
    assert_eq!(logs.stdout.trim(), "web", "{logs:?}\n{script}");
    assert!(
        port.stdout.contains("127.0.0.1:18080"),
        "{port:?}\n{script}"
    );
}
