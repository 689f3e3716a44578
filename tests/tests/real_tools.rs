//! Every emitted artifact, checked by the real tools: Pods by `kubernetes-validate --strict`, Compose
//! files by `docker-compose config`, and `sh` scripts run by `/bin/sh` with the real `docker` CLI against
//! the recording engine, whose recorded requests must mean what the model says.

use dockscape::{
    ContainerRole, Format, Options, Pod, Protocol, Scenario, ScenarioId, Shell, VolumeSource,
};
use dockscape_tests::golden::{body, scenarios};
use dockscape_tests::{Engine, compose_config, kubernetes_validate, run_sh};
use proptest::prelude::*;
use serde_json::Value;

fn artifact(s: &Scenario, format: Format, shell: Option<Shell>) -> String {
    dockscape::generate(s, format, &Options { shell })
        .unwrap_or_else(|e| panic!("{}: {e}", s.id.id()))
        .text
}

#[test]
fn every_pod_passes_kubernetes_validate_strict() {
    let all = scenarios();
    // One run of the validator for all pods; on failure, one run per pod to name the culprit.
    let stream: Vec<String> = all
        .iter()
        .map(|(_, s)| body(&artifact(s, Format::Pod, None)))
        .collect();
    if kubernetes_validate(&stream.join("---\n")).is_err() {
        let failures: Vec<String> = all
            .iter()
            .filter_map(|(name, s)| {
                kubernetes_validate(&artifact(s, Format::Pod, None))
                    .err()
                    .map(|e| format!("{name}: {e}"))
            })
            .collect();
        panic!("kubernetes-validate rejected:\n{}", failures.join("\n"));
    }
}

#[test]
fn kubernetes_validate_can_fail_on_an_emitted_pod() {
    let (_, s) = scenarios().into_iter().find(|(n, _)| n == "dind").unwrap();
    let pod = artifact(&s, Format::Pod, None);
    assert!(pod.contains("privileged: true"));
    let broken = pod.replace("privileged: true", "privilegd: true");
    assert!(
        kubernetes_validate(&broken).is_err(),
        "the validator accepted an unknown field"
    );
}

#[test]
fn every_compose_file_passes_docker_compose_config() {
    let mut failures = Vec::new();
    for (name, s) in scenarios() {
        let text = artifact(&s, Format::Compose, None);
        match compose_config(&text) {
            Ok(normalised) => {
                let v: Value = serde_saphyr::from_str(&normalised).unwrap();
                let services = v["services"].as_object().unwrap();
                assert_eq!(services.len(), s.pod.containers.len(), "{name}");
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "docker-compose config rejected:\n{}",
        failures.join("\n")
    );
}

/// The script without the lines that point the CLI at another daemon (`DOCKER_HOST`, `docker-machine
/// env`): the test's engine stands in for that daemon. Returns the script and the removed lines.
fn without_setup(script: &str) -> (String, Vec<String>) {
    let is_setup =
        |l: &str| l.starts_with("export DOCKER_") || l.starts_with("eval \"$(docker-machine env");
    let kept = script
        .lines()
        .filter(|l| !is_setup(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let removed = script
        .lines()
        .filter(|l| is_setup(l))
        .map(str::to_owned)
        .collect();
    (kept, removed)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// What the `docker run` of container `i` must have sent, derived from the model alone.
fn check_create(pod: &Pod, i: usize, create: &Value, ctx: &str) {
    let c = &pod.containers[i];
    let multi = pod.containers.len() > 1;
    assert_eq!(create["Image"], c.image.as_str(), "{ctx}: image");
    let (entry, mut cmd): (Vec<String>, Vec<String>) = match c.command.split_first() {
        Some((e, rest)) => (vec![e.clone()], rest.to_vec()),
        None => (Vec::new(), Vec::new()),
    };
    cmd.extend(c.args.iter().cloned());
    assert_eq!(strings(&create["Entrypoint"]), entry, "{ctx}: entrypoint");
    assert_eq!(strings(&create["Cmd"]), cmd, "{ctx}: cmd");
    let env = sorted(strings(&create["Env"]));
    let want_env = sorted(
        c.env
            .iter()
            .map(|e| format!("{}={}", e.name, e.network_value()))
            .collect(),
    );
    assert_eq!(env, want_env, "{ctx}: env");
    let host = &create["HostConfig"];
    assert_eq!(
        host["Privileged"].as_bool().unwrap_or(false),
        c.security.privileged,
        "{ctx}: privileged"
    );
    // A Secret is a bind of `./<secret>`, which the docker CLI makes absolute from the script's
    // working directory: compare it as the relative path it was written.
    let secrets: Vec<&str> = pod
        .volumes
        .iter()
        .filter_map(|v| match &v.source {
            VolumeSource::Secret { secret, .. } => Some(secret.as_str()),
            _ => None,
        })
        .collect();
    let binds = sorted(
        strings(&host["Binds"])
            .into_iter()
            .map(|b| {
                let (src, rest) = b.split_once(':').unwrap_or((&b, ""));
                match src.rsplit_once('/') {
                    Some((dir, name)) if dir.starts_with('/') && secrets.contains(&name) => {
                        format!("./{name}:{rest}")
                    }
                    _ => b.clone(),
                }
            })
            .collect(),
    );
    let want_binds = sorted(
        c.mounts
            .iter()
            .map(|m| {
                let v = pod.volume(&m.volume).unwrap();
                let src = match &v.source {
                    VolumeSource::HostPath { path, .. } => path.clone(),
                    VolumeSource::Secret { secret, .. } => format!("./{secret}"),
                    _ => format!("{}-{}", pod.name, m.volume),
                };
                format!("{src}:{}{}", m.path, if m.read_only { ":ro" } else { "" })
            })
            .collect(),
    );
    assert_eq!(binds, want_binds, "{ctx}: binds");
    if multi {
        assert_eq!(host["NetworkMode"], pod.name.as_str(), "{ctx}: network");
        let aliases =
            strings(&create["NetworkingConfig"]["EndpointsConfig"][pod.name.as_str()]["Aliases"]);
        if let Some(alias) = &c.alias {
            assert!(
                aliases.contains(alias),
                "{ctx}: alias {alias} not in {aliases:?}"
            );
        }
    }
    for p in &c.ports {
        let proto = if p.protocol == Protocol::Udp {
            "udp"
        } else {
            "tcp"
        };
        let key = format!("{}/{proto}", p.container);
        assert!(
            create["ExposedPorts"].get(&key).is_some(),
            "{ctx}: port {key} not exposed: {create}"
        );
        match p.published {
            Some(h) => assert_eq!(
                host["PortBindings"][&key][0]["HostPort"],
                h.to_string().as_str(),
                "{ctx}: {key}"
            ),
            None => assert!(
                host["PortBindings"].get(&key).is_none(),
                "{ctx}: {key} must not be published"
            ),
        }
    }
    match &pod.runtime_class {
        Some(rc) => assert_eq!(host["Runtime"], rc.as_str(), "{ctx}: runtime"),
        None => assert!(
            host["Runtime"].as_str().is_none_or(str::is_empty),
            "{ctx}: runtime"
        ),
    }
    let secopt = strings(&host["SecurityOpt"]);
    assert_eq!(
        c.security.unconfined,
        secopt.contains(&"seccomp=unconfined".to_owned())
            && secopt.contains(&"apparmor=unconfined".to_owned()),
        "{ctx}: security options {secopt:?}"
    );
    let want_user = c
        .security
        .run_as_user
        .map(|u| match c.security.run_as_group {
            Some(g) => format!("{u}:{g}"),
            None => u.to_string(),
        });
    assert_eq!(
        create["User"]
            .as_str()
            .filter(|u| !u.is_empty())
            .map(str::to_owned),
        want_user,
        "{ctx}: user"
    );
}

fn check_script(name: &str, s: &Scenario, script: &str) {
    let engine = Engine::start();
    let out = run_sh(script, &engine);
    assert!(
        out.success(),
        "{name}: the script failed:\n{out}\n{script}\n{}",
        engine.describe()
    );
    let pod = &s.pod;
    let creates = engine.create_requests();
    assert_eq!(
        creates.len(),
        pod.containers.len(),
        "{name}: one docker run per container\n{}",
        engine.describe()
    );
    for (i, rec) in creates.iter().enumerate() {
        let c = &pod.containers[i];
        let body = rec.json.clone().unwrap_or(Value::Null);
        check_create(pod, i, &body, &format!("{name}/{}", c.name));
        // Daemons run in the background under a name; an init container (the BuildKit source
        // step) and the job itself run in the foreground, unnamed.
        let named = pod.containers.len() > 1
            && i + 1 < pod.containers.len()
            && c.role != ContainerRole::Init
            || pod.restart_policy == "Always";
        if named {
            let want = if pod.containers.len() > 1 {
                format!("{}-{}", pod.name, c.name)
            } else {
                c.name.clone()
            };
            assert_eq!(
                rec.query_param("name"),
                Some(want.as_str()),
                "{name}: container name"
            );
        } else {
            assert_eq!(
                rec.query_param("name"),
                None,
                "{name}: a job container needs no fixed name (DS027)"
            );
            assert!(matches!(
                c.role,
                ContainerRole::Regular | ContainerRole::Init
            ));
        }
    }
    let networks: Vec<String> = engine
        .network_creates()
        .iter()
        .filter_map(|n| n["Name"].as_str().map(str::to_owned))
        .collect();
    let want_networks = if pod.containers.len() > 1 {
        vec![pod.name.clone()]
    } else {
        Vec::new()
    };
    assert_eq!(networks, want_networks, "{name}: networks");
    let volumes = sorted(
        engine
            .volume_creates()
            .iter()
            .filter_map(|v| v["Name"].as_str().map(str::to_owned))
            .collect(),
    );
    let want_volumes = sorted(
        pod.volumes
            .iter()
            .filter(|v| {
                !matches!(
                    v.source,
                    VolumeSource::HostPath { .. } | VolumeSource::Secret { .. }
                )
            })
            .map(|v| format!("{}-{}", pod.name, v.name))
            .collect(),
    );
    assert_eq!(volumes, want_volumes, "{name}: volumes");
    for v in engine.volume_creates() {
        let vol = v["Name"]
            .as_str()
            .and_then(|n| n.strip_prefix(&format!("{}-", pod.name)))
            .unwrap();
        let memory = matches!(
            pod.volume(vol).map(|x| &x.source),
            Some(VolumeSource::EmptyDir { memory: true, .. })
        );
        assert_eq!(
            v["DriverOpts"]["type"].as_str() == Some("tmpfs"),
            memory,
            "{name}: tmpfs for {vol}"
        );
    }
    assert!(
        engine.unhandled().is_empty(),
        "{name}: unhandled requests\n{}",
        engine.describe()
    );
}

#[test]
fn every_sh_script_means_what_the_model_says() {
    let mut checked = 0;
    for (name, s) in scenarios() {
        if s.id == ScenarioId::Kubernetes {
            continue; // crictl, not docker: there is no daemon to record
        }
        for shell in [Shell::Sh, Shell::Gitbash] {
            let text = artifact(&s, Format::Run, Some(shell));
            let (script, setup) = without_setup(&text);
            let has_setup = name.starts_with("windows") || name == "linux-tcp";
            assert_eq!(
                !setup.is_empty(),
                has_setup,
                "{name}: setup lines {setup:?}"
            );
            check_script(&format!("{name} ({})", shell.id()), &s, &script);
            checked += 1;
        }
    }
    assert!(checked >= 36, "{checked}");
}

#[test]
fn setup_lines_point_the_cli_at_the_scenario_endpoint() {
    let all = scenarios();
    let find = |n: &str| {
        all.iter()
            .find(|(name, _)| name == n)
            .map(|(_, s)| artifact(s, Format::Run, Some(Shell::Sh)))
            .unwrap()
    };
    assert!(find("linux-tcp").contains(
        "export DOCKER_HOST=tcp://build-host.internal:2376\nexport DOCKER_TLS_VERIFY=1\n"
    ));
    assert!(find("windows").contains("export DOCKER_HOST=npipe:////./pipe/docker_engine\n"));
    assert!(find("windows-virtualbox").contains("eval \"$(docker-machine env default)\"\n"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Env values and commands with quotes, `$`, backticks, spaces and newlines arrive byte for byte.
    #[test]
    fn nasty_values_arrive_byte_for_byte(
        value in "[ -~\n\t\u{e9}\u{2019}]{0,20}",
        words in proptest::collection::vec("[ '\"$`\\\\\n;&|()*?!#~a-z0-9-]{0,12}", 1..4),
        scenario in prop::sample::select(vec!["dood", "dind", "buildkit"]),
    ) {
        let mut p = dockscape::Params::new();
        p.set("env.WEIRD", &value).unwrap();
        p.insert("args", dockscape::ParamValue::List(words.clone()));
        let s = dockscape::build_scenario(scenario, &p).unwrap();
        let script = artifact(&s, Format::Run, Some(Shell::Sh));
        let engine = Engine::start();
        let out = run_sh(&script, &engine);
        prop_assert!(out.success(), "{}\n{}", out, script);
        let last = engine.create_requests().pop().and_then(|r| r.json).unwrap();
        let env = strings(&last["Env"]);
        prop_assert!(env.contains(&format!("WEIRD={value}")), "{:?}", env);
        let cmd = strings(&last["Cmd"]);
        prop_assert_eq!(&cmd[cmd.len() - words.len()..], &words[..]);
    }
}
