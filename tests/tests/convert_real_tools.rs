//! `dockscape convert` checked by the real tools: every converted Pod and workload passes
//! `kubernetes-validate --strict`, the Compose file `docker-compose config`, and each input line, run
//! by the real `docker` CLI against the recording engine, makes a create request whose meaning the
//! converted Pod carries (image, argv, env, resources, capabilities, user, sysctls, binds, ports).

use dockscape::{ConvertOptions, ConvertTarget, convert};
use dockscape_tests::{Engine, compose_config, kubernetes_validate, run_sh};
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

const CORPUS: &str = include_str!("convert/corpus.sh");

fn lines() -> Vec<&'static str> {
    CORPUS
        .lines()
        .filter(|l| l.starts_with("docker "))
        .collect()
}

/// The lines the recording engine runs (not those that name another daemon).
fn engine_lines() -> Vec<&'static str> {
    lines()
        .into_iter()
        .filter(|l| !l.contains("--host "))
        .collect()
}

fn converted(text: &str, target: ConvertTarget) -> dockscape::Conversion {
    let c = convert(text, target, &ConvertOptions::default()).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    c
}

#[test]
fn every_converted_pod_and_workload_passes_kubernetes_validate_strict() {
    let mut stream = Vec::new();
    // every line as a Pod, and every tenth as one of the workloads in turn (the workload emitter
    // wraps the same pod spec; the validator takes about 0.1 s a document)
    let pods = converted(CORPUS, ConvertTarget::Pod);
    assert_eq!(pods.outputs.len(), lines().len());
    stream.extend(pods.outputs.into_iter().map(|o| o.text));
    let kinds = [
        ConvertTarget::Deployment,
        ConvertTarget::Job,
        ConvertTarget::CronJob,
    ];
    for (i, line) in lines().into_iter().step_by(10).enumerate() {
        let c = converted(line, kinds[i % kinds.len()]);
        assert_eq!(c.outputs.len(), 1, "{line}");
        stream.extend(c.outputs.into_iter().map(|o| o.text));
    }
    // two validators at once, each on half of the documents
    let half = stream.len() / 2;
    let (a, b) = stream.split_at(half);
    std::thread::scope(|scope| {
        let first = scope.spawn(|| kubernetes_validate(&a.join("\n---\n")));
        kubernetes_validate(&b.join("\n---\n")).unwrap();
        first.join().unwrap().unwrap();
    });
}

#[test]
fn the_converted_compose_file_passes_docker_compose_config() {
    let c = converted(CORPUS, ConvertTarget::Compose);
    let out = compose_config(&c.outputs[0].text).unwrap();
    for name in ["web:", "dood:", "created:", "alias:"] {
        assert!(out.contains(name), "{name} missing in {out}");
    }
}

fn bytes(q: &str) -> i64 {
    let (n, m) = match q {
        q if q.ends_with("Ki") => (&q[..q.len() - 2], 1 << 10),
        q if q.ends_with("Mi") => (&q[..q.len() - 2], 1 << 20),
        q if q.ends_with("Gi") => (&q[..q.len() - 2], 1 << 30),
        q => (q, 1),
    };
    n.parse::<i64>().unwrap() * m
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The bind mounts of a create request as (source, target, read-only), from `Binds` and `Mounts`.
fn binds(hc: &Value) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for b in strs(&hc["Binds"]) {
        let p: Vec<&str> = b.split(':').collect();
        if p[0].starts_with('/') {
            let ro = p.get(2).is_some_and(|o| o.split(',').any(|o| o == "ro"));
            out.push((p[0].to_owned(), p[1].to_owned(), ro));
        }
    }
    for m in hc["Mounts"].as_array().into_iter().flatten() {
        if m["Type"] == "bind" {
            out.push((
                m["Source"].as_str().unwrap().to_owned(),
                m["Target"].as_str().unwrap().to_owned(),
                m["ReadOnly"].as_bool().unwrap_or(false),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn each_line_run_by_the_docker_cli_means_what_its_converted_pod_says() {
    let engine = Engine::start();
    let corpus = engine_lines();
    // one script of every line (one shell, not one per line): a create request per line, in order
    let out = run_sh(&corpus.join("\n"), &engine);
    assert!(out.success(), "{out:?}");
    let creates = engine.creates();
    assert_eq!(creates.len(), corpus.len(), "{}", engine.describe());
    for (line, req) in corpus.iter().zip(creates) {
        let hc = &req["HostConfig"];
        let c = converted(line, ConvertTarget::Pod);
        // the Pod, then the Service of its published ports
        let first = c.outputs[0].text.split("\n---\n").next().unwrap();
        let pod: Pod = serde_saphyr::from_str(first).unwrap();
        let spec = pod.spec.unwrap();
        let k = &spec.containers[0];
        assert_eq!(req["Image"], k.image.clone().unwrap(), "{line}");
        assert_eq!(
            strs(&req["Cmd"]),
            k.args.clone().unwrap_or_default(),
            "{line}"
        );
        assert_eq!(
            strs(&req["Entrypoint"]),
            k.command.clone().unwrap_or_default(),
            "{line}"
        );
        let env = strs(&req["Env"]);
        for e in k.env.iter().flatten() {
            let want = format!("{}={}", e.name, e.value.clone().unwrap_or_default());
            assert!(env.contains(&want), "{line}: {want} not in {env:?}");
        }
        let res = k.resources.clone().unwrap_or_default();
        let get =
            |m: &Option<
                std::collections::BTreeMap<
                    String,
                    k8s_openapi::apimachinery::pkg::api::resource::Quantity,
                >,
            >,
             key: &str| { m.as_ref().and_then(|m| m.get(key)).map(|q| q.0.clone()) };
        assert_eq!(
            hc["Memory"].as_i64().unwrap_or(0),
            get(&res.limits, "memory").map_or(0, |q| bytes(&q)),
            "{line}"
        );
        assert_eq!(
            hc["MemoryReservation"].as_i64().unwrap_or(0),
            get(&res.requests, "memory").map_or(0, |q| bytes(&q)),
            "{line}"
        );
        let nano = get(&res.limits, "cpu").map_or(0, |q| (q.parse::<f64>().unwrap() * 1e9) as i64);
        assert_eq!(hc["NanoCpus"].as_i64().unwrap_or(0), nano, "{line}");
        let shares = get(&res.requests, "cpu").map_or(0, |q| match q.strip_suffix('m') {
            Some(m) => m.parse::<i64>().unwrap() * 1024 / 1000,
            None => (q.parse::<f64>().unwrap() * 1024.0) as i64,
        });
        // shares above the CPU limit are a request at the limit in the Pod (Kubernetes refuses
        // more), with a note
        let capped = c
            .notes
            .iter()
            .any(|n| n.message.contains("is more than its limit"));
        if capped {
            assert!(hc["CpuShares"].as_i64().unwrap() > shares, "{line}");
        } else {
            assert_eq!(hc["CpuShares"].as_i64().unwrap_or(0), shares, "{line}");
        }
        let sc = k.security_context.clone().unwrap_or_default();
        assert_eq!(
            hc["Privileged"].as_bool().unwrap_or(false),
            sc.privileged.unwrap_or(false),
            "{line}"
        );
        let drop = sc.capabilities.and_then(|c| c.drop).unwrap_or_default();
        assert_eq!(strs(&hc["CapDrop"]), drop, "{line}");
        let user = match (sc.run_as_user, sc.run_as_group) {
            (Some(u), Some(g)) => format!("{u}:{g}"),
            (Some(u), None) => u.to_string(),
            _ => String::new(),
        };
        assert_eq!(req["User"].as_str().unwrap_or(""), user, "{line}");
        let sysctls: Vec<(String, String)> = spec
            .security_context
            .and_then(|s| s.sysctls)
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.name, s.value))
            .collect();
        let got: Vec<(String, String)> = hc["Sysctls"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(got, sysctls, "{line}");
        let vols = spec.volumes.unwrap_or_default();
        let mut pod_binds: Vec<(String, String, bool)> = k
            .volume_mounts
            .iter()
            .flatten()
            .filter_map(|m| {
                let v = vols.iter().find(|v| v.name == m.name)?;
                let hp = v.host_path.as_ref()?;
                Some((
                    hp.path.clone(),
                    m.mount_path.clone(),
                    m.read_only.unwrap_or(false),
                ))
            })
            .collect();
        pod_binds.sort();
        assert_eq!(binds(hc), pod_binds, "{line}");
        let exposed: Vec<String> = req["ExposedPorts"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for p in k.ports.iter().flatten() {
            let key = format!(
                "{}/{}",
                p.container_port,
                p.protocol.clone().unwrap().to_lowercase()
            );
            assert!(exposed.contains(&key), "{line}: {key} not in {exposed:?}");
        }
        // a port published on two addresses is one exposed port
        let mut keys: Vec<(i32, Option<String>)> = k
            .ports
            .iter()
            .flatten()
            .map(|p| (p.container_port, p.protocol.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        assert_eq!(exposed.len(), keys.len(), "{line}");
    }
}

const COMPOSE: &str = include_str!("convert/compose.yaml");
const K8S: &str = include_str!("convert/k8s.yaml");

#[test]
fn compose_and_kubernetes_input_convert_into_what_the_real_tools_accept() {
    let mut stream = Vec::new();
    for t in [
        ConvertTarget::Pod,
        ConvertTarget::Deployment,
        ConvertTarget::Job,
        ConvertTarget::CronJob,
    ] {
        for input in [COMPOSE, K8S] {
            let c = converted(input, t);
            assert!(!c.outputs.is_empty());
            stream.extend(c.outputs.into_iter().map(|o| o.text));
        }
    }
    // the Compose file's published ports come with a Service
    assert!(stream.iter().any(|s| s.contains("kind: Service")));
    kubernetes_validate(&stream.join("\n---\n")).unwrap();
    for input in [COMPOSE, K8S, CORPUS] {
        let c = converted(input, ConvertTarget::Compose);
        compose_config(&c.outputs[0].text).unwrap_or_else(|e| panic!("{e}\n{}", c.outputs[0].text));
    }
}

#[test]
fn every_converted_run_script_runs_through_the_real_docker_cli() {
    let corpus = engine_lines().join("\n");
    // (input, containers it runs)
    let n = corpus.lines().count();
    for (input, containers) in [(corpus.as_str(), n), (COMPOSE, 36), (K8S, 14)] {
        let engine = Engine::start();
        let c = converted(input, ConvertTarget::Run);
        let out = run_sh(&c.outputs[0].text, &engine);
        assert!(out.success(), "{out:?}\n{}", c.outputs[0].text);
        assert_eq!(
            engine.create_requests().len(),
            containers,
            "{}\n{}",
            c.outputs[0].text,
            engine.describe()
        );
    }
}

/// What a create request means, without what legitimately differs between a line and its round
/// trip: the container name, `--rm`/`-d` (not carried: dropped with a reason), named volumes
/// (Compose names volumes after the project), and Docker's healthcheck defaults written out (0
/// means 30 s, 30 s, 3 retries).
fn meaning(req: &Value) -> Value {
    let hc = &req["HostConfig"];
    let sorted = |v: &Value| {
        let mut s = strs(v);
        s.sort();
        s
    };
    let health = &req["Healthcheck"];
    let or = |v: &Value, d: i64| match v.as_i64() {
        None | Some(0) => d,
        Some(x) => x,
    };
    let keys = |v: &Value| {
        let mut k: Vec<String> = v
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    };
    let tmpfs_mounts: Vec<Value> = hc["Mounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["Type"] == "tmpfs")
        .cloned()
        .collect();
    let docker_only = serde_json::json!({
        "Init": hc["Init"],
        "Dns": hc["Dns"],
        "DnsSearch": hc["DnsSearch"],
        "DnsOptions": hc["DnsOptions"],
        "ShmSize": hc["ShmSize"],
        "Ulimits": hc["Ulimits"],
        "StopSignal": req["StopSignal"],
        "Devices": hc["Devices"],
        "Tmpfs": hc["Tmpfs"],
        "TmpfsMounts": tmpfs_mounts,
    });
    serde_json::json!({
        "DockerOnly": docker_only,
        "Image": req["Image"],
        "Cmd": req["Cmd"],
        "Entrypoint": req["Entrypoint"],
        "Env": sorted(&req["Env"]),
        "WorkingDir": req["WorkingDir"],
        "Hostname": req["Hostname"],
        "User": req["User"],
        "Tty": req["Tty"],
        "OpenStdin": req["OpenStdin"],
        "ExposedPorts": keys(&req["ExposedPorts"]),
        "StopTimeout": req["StopTimeout"],
        "Health": if health.is_null() { Value::Null } else { serde_json::json!([
            health["Test"], or(&health["Interval"], 30_000_000_000),
            or(&health["Timeout"], 30_000_000_000), or(&health["Retries"], 3),
            or(&health["StartPeriod"], 0),
        ]) },
        "Binds": binds(hc),
        "CapAdd": sorted(&hc["CapAdd"]),
        "CapDrop": sorted(&hc["CapDrop"]),
        "Privileged": hc["Privileged"],
        "ReadonlyRootfs": hc["ReadonlyRootfs"],
        "Memory": hc["Memory"],
        "MemoryReservation": hc["MemoryReservation"],
        "NanoCpus": hc["NanoCpus"],
        "CpuShares": hc["CpuShares"],
        "Sysctls": hc["Sysctls"],
        "GroupAdd": sorted(&hc["GroupAdd"]),
        "Labels": req["Labels"],
        "ExtraHosts": sorted(&hc["ExtraHosts"]),
        "HostNetwork": hc["NetworkMode"] == "host",
        "PidMode": hc["PidMode"],
        "IpcMode": if hc["IpcMode"] == "host" { "host" } else { "" },
        "PortBindings": hc["PortBindings"],
        "RestartPolicy": hc["RestartPolicy"]["Name"].as_str().filter(|n| !n.is_empty() && *n != "no"),
        "RestartRetries": hc["RestartPolicy"]["MaximumRetryCount"],
        "SecurityOpt": sorted(&hc["SecurityOpt"]),
    })
}

/// Flags `convert` reports as dropped whose effect `meaning` does not compare (the engine
/// records them elsewhere, or they are no container setting): a line that drops only these is
/// still compared.
const NOT_COMPARED: &[&str] = &[
    "-d",
    "--rm",
    "--log-driver",
    "--log-opt",
    "--gpus",
    "--link",
    "--volumes-from",
    "--cgroupns",
    "--userns",
    "--pids-limit",
    "-v :rslave",
];

#[test]
fn run_to_compose_to_run_makes_the_same_create_request() {
    // one engine and one script for the lines, one of each for their round trips: every name
    // is unique in the corpus, so a create request per line, in order
    let (mut compared, mut skipped) = (0, Vec::new());
    let (mut originals, mut round_trips, mut via) = (Vec::new(), Vec::new(), Vec::new());
    for line in engine_lines() {
        let compose = converted(line, ConvertTarget::Compose);
        if let Some(d) = compose
            .dropped
            .iter()
            .find(|d| !NOT_COMPARED.contains(&d.key_or_flag.as_str()))
        {
            // what was dropped changes the container: nothing to compare
            skipped.push(format!("{line}: {}", d.key_or_flag));
            continue;
        }
        let c = convert(
            &compose.outputs[0].text,
            ConvertTarget::Run,
            &ConvertOptions::default(),
        )
        .unwrap();
        assert!(c.errors.is_empty() && c.dropped.is_empty(), "{line}: {c:?}");
        originals.push(line);
        round_trips.push(c.outputs[0].text.clone());
        via.push(compose.outputs[0].text.clone());
    }
    let run = |script: &str| {
        let engine = Engine::start();
        let out = run_sh(script, &engine);
        assert!(out.success(), "{out:?}");
        engine.creates()
    };
    let before = run(&originals.join("\n"));
    let after = run(&round_trips.join("\n"));
    assert_eq!(before.len(), originals.len());
    assert_eq!(after.len(), originals.len());
    for (i, line) in originals.iter().enumerate() {
        assert_eq!(
            meaning(&after[i]),
            meaning(&before[i]),
            "{line}\nround trip:\n{}\nvia:\n{}",
            round_trips[i],
            via[i]
        );
        compared += 1;
    }
    // a line is left out only for a setting that has no counterpart in Compose
    assert!(
        skipped.len() * 20 <= compared,
        "{compared} compared, {} left out:\n{}",
        skipped.len(),
        skipped.join("\n")
    );
    eprintln!(
        "{compared} lines compared, {} left out: {skipped:#?}",
        skipped.len()
    );
}
