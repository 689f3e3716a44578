//! CI recipes: a snapshot of every recipe for every scenario (and key variant) it applies to, YAML that
//! parses, Pods that are the `--format pod` Pod, and clear errors where a recipe does not apply.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use dockscape::{Artifact, ErrorKind, Format, Options, ScenarioId, generate};
use k8s_openapi::api::core::v1 as k8s;
use serde_json::Value;

mod common;
use common::{RECIPE_VARIANTS as VARIANTS, scenario};

fn render(id: &str, sets: &[&str], format: Format) -> dockscape::Result<Artifact> {
    generate(&scenario(id, sets), format, &Options::default())
}

#[test]
fn snapshots_of_every_recipe_that_applies() {
    let mut count = 0;
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        for f in Format::RECIPES {
            if !f.applies_to(s.id) {
                continue;
            }
            if *name == "dind-rootless-unix" && f == Format::GithubArc {
                // Refused: the runner cannot use the rootless socket (see the refusal test).
                assert!(generate(&s, f, &Options::default()).is_err());
                continue;
            }
            let a = generate(&s, f, &Options::default())
                .unwrap_or_else(|e| panic!("{name} {}: {e}", f.id()));
            assert_eq!(a.format, f);
            assert!(a.notice.is_none());
            insta::assert_snapshot!(format!("{}__{name}", f.id()), a.text);
            count += 1;
        }
    }
    // every variant times every recipe that applies (dind-rootless-unix on ARC is refused).
    assert_eq!(count, 74);
}

#[test]
fn applies_to_is_the_table() {
    use ScenarioId as S;
    let table: &[(Format, &[ScenarioId])] = &[
        (
            Format::Gitlab,
            &[S::Dood, S::Dind, S::DindRootless, S::Buildkit],
        ),
        (
            Format::GithubArc,
            &[S::Dood, S::Dind, S::DindRootless, S::Sysbox, S::Buildkit],
        ),
        (
            Format::Jenkins,
            &[S::Dood, S::Dind, S::DindRootless, S::Sysbox, S::Buildkit],
        ),
        (Format::Drone, &[S::Dood, S::Dind, S::DindRootless]),
        (
            Format::Tekton,
            &[S::Dind, S::DindRootless, S::Sysbox, S::Buildkit],
        ),
    ];
    for (f, ids) in table {
        for id in ScenarioId::ALL {
            assert_eq!(
                f.applies_to(id),
                ids.contains(&id),
                "{} {}",
                f.id(),
                id.id()
            );
            // generate agrees with the table, with defaults.
            let r = render(id.id(), &[], *f);
            assert_eq!(
                r.is_ok(),
                ids.contains(&id),
                "{} {}: {r:?}",
                f.id(),
                id.id()
            );
        }
    }
    for f in Format::ALL.into_iter().chain(Format::DIAGRAMS) {
        assert!(ScenarioId::ALL.iter().all(|id| f.applies_to(*id)));
    }
    assert!(Format::RECIPES.iter().all(|f| f.is_recipe()));
    assert!(!Format::Pod.is_recipe());
    assert_eq!(Format::ALL.len(), 4);
    for f in Format::EVERY {
        assert_eq!(Format::parse(f.id()).unwrap(), f);
    }
}

#[test]
fn a_recipe_that_does_not_apply_says_why_and_what_does() {
    let e = render("linux", &[], Format::Gitlab).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnsupportedFormat);
    assert_eq!(
        e.message(),
        "`gitlab` does not apply to `linux`: it is not a CI job that runs Docker or builds images, so there is no job to configure; no ci recipe applies to `linux`; recipes serve `dood`, `dind`, `dind-rootless`, `sysbox`, `buildkit`"
    );
    let e = render("sysbox", &[], Format::Gitlab).unwrap_err();
    assert_eq!(
        e.message(),
        "`gitlab` does not apply to `sysbox`: a GitLab job cannot ask for the pod's user namespace (`hostUsers: false`), which this Sysbox pod needs; the `jenkins`, `github-arc` and `tekton` recipes carry it in the Pod; recipes for `sysbox`: `github-arc`, `jenkins`, `tekton`"
    );
    let e = render("buildkit", &[], Format::Drone).unwrap_err();
    assert!(
        e.message()
            .ends_with("recipes for `buildkit`: `gitlab`, `github-arc`, `jenkins`, `tekton`"),
        "{e}"
    );
    let e = render("dood", &[], Format::Tekton).unwrap_err();
    assert!(
        e.message().contains("brings its daemon as a sidecar"),
        "{e}"
    );
    assert!(
        e.message()
            .contains("recipes for `dood`: `gitlab`, `github-arc`, `jenkins`, `drone`"),
        "{e}"
    );
    // The runner (uid 1001) cannot use the rootless daemon's socket (uid 1000).
    let e = render("dind-rootless", &["transport=unix"], Format::GithubArc).unwrap_err();
    assert!(e.message().contains("uid 1001"), "{e}");
    assert!(e.message().contains("--set transport=tls"), "{e}");
    // Messages are lowercase at the start and have no trailing period.
    for (_, id, sets) in VARIANTS {
        for f in Format::RECIPES {
            if let Err(e) = render(id, sets, f) {
                assert!(e.message().starts_with('`'), "{e}");
                assert!(!e.message().ends_with('.'), "{e}");
            }
        }
    }
}

fn yaml_docs(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn every_yaml_recipe_parses() {
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        for f in [
            Format::Gitlab,
            Format::GithubArc,
            Format::Drone,
            Format::Tekton,
        ] {
            let Ok(a) = generate(&s, f, &Options::default()) else {
                continue;
            };
            let docs: Vec<Value> = yaml_docs(&a.text)
                .into_iter()
                .filter(|d| !d.is_null())
                .collect();
            // GitLab reads one document (a second would be its header); Tekton: a Task and a run.
            let expected = match f {
                Format::Tekton => 2,
                _ => 1,
            };
            assert_eq!(docs.len(), expected, "{name} {}", f.id());
            for d in &docs {
                assert!(d.is_object(), "{name} {}: {d}", f.id());
            }
        }
    }
}

#[test]
fn gitlab_writes_one_file_per_executor() {
    let a = render(
        "dind",
        &["docker_version=27.5", "name=ci-build"],
        Format::Gitlab,
    )
    .unwrap();
    assert_eq!(a.file_name, ".gitlab-ci.yml");
    let docs = yaml_docs(&a.text);
    assert_eq!(docs.len(), 1);
    let job = &docs[0]["ci-build"];
    assert_eq!(job["image"], "docker:29-cli"); // the workload image is its own parameter
    assert_eq!(job["services"][0]["name"], "docker:27.5-dind");
    assert_eq!(job["services"][0]["alias"], "docker");
    assert_eq!(job["variables"]["DOCKER_TLS_CERTDIR"], "/certs");
    assert_eq!(job["variables"]["DOCKER_HOST"], "tcp://docker:2376");
    assert_eq!(job["variables"]["DOCKER_TLS_VERIFY"], "1");
    assert_eq!(job["variables"]["DOCKER_CERT_PATH"], "/certs/client");
    // The job waits for its daemon, at most two minutes, then runs a command that ends.
    let script = job["script"].as_array().unwrap();
    assert!(
        script[0].as_str().unwrap().contains("-ge 120 ]; then"),
        "{script:?}"
    );
    assert_eq!(script[1], "docker version");
    assert!(
        a.text
            .contains("#     privileged = true\n#     volumes = [\"/certs/client\", \"/cache\"]"),
        "{}",
        a.text
    );
    assert!(!a.text.contains("executor = \"kubernetes\""));
    let k8s = render("dind", &["executor=kubernetes"], Format::Gitlab).unwrap();
    assert!(
        k8s.text
            .contains("# [[runners]]\n#   executor = \"kubernetes\""),
        "{}",
        k8s.text
    );
    assert!(
        k8s.text.contains("[[runners.kubernetes.volumes.empty_dir]]\n#       name = \"docker-certs\"\n#       mount_path = \"/certs/client\"\n#       medium = \"Memory\""),
        "{}",
        k8s.text
    );
    assert!(!k8s.text.contains("executor = \"docker\""));
    // DooD binds the host socket instead.
    let a = render("dood", &[], Format::Gitlab).unwrap();
    assert!(
        a.text
            .contains("volumes = [\"/var/run/docker.sock:/var/run/docker.sock\", \"/cache\"]"),
        "{}",
        a.text
    );
    assert!(!a.text.contains("services:"));
    let a = render("dood", &["executor=kubernetes"], Format::Gitlab).unwrap();
    assert!(
        a.text.contains("host_path = \"/var/run/docker.sock\""),
        "{}",
        a.text
    );
    // A literal `$` in a variable is written `$$` (GitLab expands variables).
    let a = render("dind", &["env.PRICE=5$"], Format::Gitlab).unwrap();
    assert_eq!(yaml_docs(&a.text)[0]["dind"]["variables"]["PRICE"], "5$$");
}

#[test]
fn gitlab_rootless_buildkit_job_builds_the_checkout_and_logs_in() {
    let a = render(
        "buildkit",
        &["push=true", "output=registry.gitlab.com/acme/app:1"],
        Format::Gitlab,
    )
    .unwrap();
    let job = &yaml_docs(&a.text)[0]["buildkit"];
    assert_eq!(job["image"]["entrypoint"][0], "");
    assert_eq!(
        job["variables"]["BUILDKITD_FLAGS"],
        "--oci-worker-no-process-sandbox"
    );
    let login = job["before_script"][1].as_str().unwrap();
    assert!(login.contains("$CI_REGISTRY_PASSWORD"), "{login}");
    let script = job["script"][0].as_str().unwrap();
    assert!(
        script.starts_with("buildctl-daemonless.sh build"),
        "{script}"
    );
    assert!(
        script.contains("--local context=. --local dockerfile=."),
        "{script}"
    );
    assert!(script.contains("push=true"), "{script}");
    assert!(a.text.contains("seccomp:unconfined"), "{}", a.text);
    let a = render("buildkit", &["executor=kubernetes"], Format::Gitlab).unwrap();
    assert!(
        a.text.contains("seccompProfile: {type: Unconfined}"),
        "{}",
        a.text
    );
    assert!(
        yaml_docs(&a.text)[0]["buildkit"]
            .get("before_script")
            .is_none()
    );
}

/// The Pod YAML inside a Jenkinsfile (`yaml '''...'''` or `podTemplate(yaml: '''...''')`),
/// unindented and unescaped.
fn jenkins_pod(text: &str) -> k8s::Pod {
    let (open, indent) = if text.contains("podTemplate(yaml: '''\n") {
        ("podTemplate(yaml: '''\n", "    ")
    } else {
        ("yaml '''\n", "            ")
    };
    let start = text.find(open).unwrap() + open.len();
    let end = start + text[start..].find("\n'''").unwrap();
    let yaml: String = text[start..end]
        .lines()
        .map(|l| l.strip_prefix(indent).unwrap_or(l))
        .map(|l| l.replace("\\'", "'").replace("\\\\", "\\"))
        .collect::<Vec<_>>()
        .join("\n");
    serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

fn format_pod(s: &dockscape::Scenario) -> k8s::Pod {
    let text = generate(s, Format::Pod, &Options::default()).unwrap().text;
    serde_saphyr::from_str(&text).unwrap()
}

fn container_mut<'p>(pod: &'p mut k8s::Pod, name: &str) -> &'p mut k8s::Container {
    let spec = pod.spec.as_mut().unwrap();
    spec.containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
        .find(|c| c.name == name)
        .unwrap()
}

/// Drop volume `name` and its mounts from a k8s Pod.
fn drop_volume(pod: &mut k8s::Pod, name: &str) {
    let spec = pod.spec.as_mut().unwrap();
    if let Some(v) = spec.volumes.as_mut() {
        v.retain(|v| v.name != name);
    }
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        if let Some(m) = c.volume_mounts.as_mut() {
            m.retain(|m| m.name != name);
        }
    }
}

#[test]
fn jenkins_pod_is_the_format_pod_pod_with_an_idle_job_container() {
    let mut checked = 0;
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        let Ok(a) = generate(&s, Format::Jenkins, &Options::default()) else {
            continue;
        };
        assert_eq!(a.file_name, "Jenkinsfile");
        let scripted = sets.contains(&"jenkins_pipeline=scripted");
        assert_eq!(a.text.contains("podTemplate(yaml:"), scripted, "{name}");
        assert_eq!(
            a.text
                .contains("pipeline {\n    agent {\n        kubernetes {"),
            !scripted,
            "{name}"
        );
        let got = jenkins_pod(&a.text);
        let mut expected = format_pod(&s);
        // The documented differences: no namespace (the cloud's own applies), the job container
        // idles and its command moves to the `sh` step; the BuildKit job builds the checkout, so
        // its source step, context volume and registry Secret go (Jenkins credentials log in).
        expected.metadata.namespace = None;
        let job = if scripted {
            a.text.split("container('").nth(1)
        } else {
            a.text.split("defaultContainer '").nth(1)
        }
        .and_then(|r| r.split('\'').next())
        .unwrap();
        if s.id == ScenarioId::Buildkit {
            let spec = expected.spec.as_mut().unwrap();
            spec.init_containers = None;
            drop_volume(&mut expected, "workspace");
            drop_volume(&mut expected, "registry-auth");
            assert!(
                a.text.contains("--local context=. --local dockerfile=."),
                "{name}"
            );
            assert_eq!(
                a.text.contains(
                    "withCredentials([usernamePassword(credentialsId: 'registry-credentials'"
                ),
                sets.contains(&"push=true"),
                "{name}"
            );
        }
        let c = container_mut(&mut expected, job);
        let argv: Vec<String> = c
            .command
            .iter()
            .flatten()
            .chain(c.args.iter().flatten())
            .cloned()
            .collect();
        c.command = Some(vec!["sleep".into()]);
        c.args = Some(vec!["99d".into()]);
        assert_eq!(got, expected, "{name}");
        if s.id != ScenarioId::Buildkit {
            // The step runs the job's own command line (without the pod's wait wrapper).
            let argv = match argv.iter().position(|a| a == "wait-for-docker") {
                Some(i) => argv[i + 1..].to_vec(),
                None => argv,
            };
            let line = dockscape::quote_command(dockscape::Shell::Sh, &argv).unwrap();
            let escaped = line.replace('\\', "\\\\").replace('\'', "\\'");
            assert!(
                a.text
                    .contains(&format!("\n                    {escaped}\n")),
                "{name}\n{}",
                a.text
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 17);
}

#[test]
fn github_arc_template_is_the_format_pod_spec_with_the_runner() {
    let mut checked = 0;
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        let Ok(a) = generate(&s, Format::GithubArc, &Options::default()) else {
            continue;
        };
        let values = &yaml_docs(&a.text)[0];
        assert_eq!(
            values["githubConfigUrl"],
            "https://github.com/your-org/your-repo"
        );
        assert!(a.text.contains("#     runs-on: arc-runner-set"), "{name}");
        if s.id == ScenarioId::Dind {
            assert_eq!(values["containerMode"]["type"], "dind", "{name}");
            assert!(values.get("template").is_none());
            continue;
        }
        if s.id == ScenarioId::Buildkit {
            // containerMode kubernetes: no privileged pod; the hook extension gives the job pod
            // BuildKit's profiles, and the job container is the BuildKit image.
            assert_eq!(values["containerMode"]["type"], "kubernetes", "{name}");
            let runner = &values["template"]["spec"]["containers"][0];
            assert!(
                !serde_json::to_string(runner)
                    .unwrap()
                    .contains("privileged")
            );
            assert!(
                a.text.contains(
                    "#       - name: $job
"
                ),
                "{name}"
            );
            assert!(
                a.text.contains(
                    "#             type: Unconfined
"
                ),
                "{name}"
            );
            assert!(
                a.text.contains(
                    "#       image: moby/buildkit:v0.33.0-rootless
"
                ),
                "{name}"
            );
            assert_eq!(
                a.text.contains("${{ secrets.REGISTRY_PASSWORD }}"),
                sets.contains(&"push=true"),
                "{name}"
            );
            continue;
        }
        let got: k8s::PodSpec = serde_json::from_value(values["template"]["spec"].clone()).unwrap();
        let mut expected = format_pod(&s);
        let c = container_mut(&mut expected, "docker-cmds");
        c.name = "runner".into();
        c.image = Some("ghcr.io/actions/actions-runner:latest".into());
        c.command = Some(vec!["/home/runner/run.sh".into()]);
        c.args = None;
        let mut spec = expected.spec.unwrap();
        if s.id != ScenarioId::Dood {
            // What the chart's dind mode adds: the work and externals folders, the init container
            // copying the externals, and the runner's wait for the daemon.
            let runner = spec
                .containers
                .iter_mut()
                .find(|c| c.name == "runner")
                .unwrap();
            runner
                .volume_mounts
                .get_or_insert_with(Vec::new)
                .push(k8s::VolumeMount {
                    name: "work".into(),
                    mount_path: "/home/runner/_work".into(),
                    ..Default::default()
                });
            runner.env.get_or_insert_with(Vec::new).push(k8s::EnvVar {
                name: "RUNNER_WAIT_FOR_DOCKER_IN_SECONDS".into(),
                value: Some("120".into()),
                value_from: None,
            });
            let daemon = spec
                .containers
                .iter_mut()
                .find(|c| c.name == "dind-daemon")
                .unwrap();
            let mounts = daemon.volume_mounts.get_or_insert_with(Vec::new);
            for (v, p) in [
                ("work", "/home/runner/_work"),
                ("dind-externals", "/home/runner/externals"),
            ] {
                mounts.push(k8s::VolumeMount {
                    name: v.into(),
                    mount_path: p.into(),
                    ..Default::default()
                });
            }
            let got_init = got.init_containers.as_ref().unwrap();
            assert_eq!(got_init[0].name, "init-dind-externals", "{name}");
            assert_eq!(
                got_init[0].command.as_deref().unwrap(),
                [
                    "cp",
                    "-r",
                    "/home/runner/externals/.",
                    "/home/runner/tmpDir/"
                ]
            );
            spec.init_containers = got.init_containers.clone();
            for v in ["work", "dind-externals"] {
                spec.volumes.get_or_insert_with(Vec::new).push(k8s::Volume {
                    name: v.into(),
                    empty_dir: Some(Default::default()),
                    ..Default::default()
                });
            }
        }
        assert_eq!(got, spec, "{name}");
        checked += 1;
    }
    assert_eq!(checked, 6); // dind uses containerMode; rootless over unix is refused
}

#[test]
fn drone_and_tekton_carry_the_scenario_values() {
    let a = render("dind", &["docker_version=27"], Format::Drone).unwrap();
    let d = &yaml_docs(&a.text)[0];
    assert_eq!(d["kind"], "pipeline");
    assert_eq!(d["type"], "docker");
    assert_eq!(d["services"][0]["name"], "docker");
    assert_eq!(d["services"][0]["image"], "docker:27-dind");
    assert_eq!(d["services"][0]["privileged"], true);
    assert_eq!(
        d["steps"][0]["environment"]["DOCKER_HOST"],
        "tcp://docker:2376"
    );
    // The certificates are one temp volume that the service and the step share (a memory temp
    // volume is a tmpfs per container on the Docker runner).
    assert_eq!(d["volumes"][1]["name"], "docker-certs");
    assert_eq!(d["volumes"][1]["temp"], serde_json::json!({}));
    let a = render("dind", &["executor=kubernetes"], Format::Drone).unwrap();
    let d = &yaml_docs(&a.text)[0];
    assert_eq!(d["type"], "kubernetes");
    assert_eq!(
        d["steps"][0]["environment"]["DOCKER_HOST"],
        "tcp://localhost:2376"
    );
    let a = render("dind", &["transport=unix"], Format::Drone).unwrap();
    let d = &yaml_docs(&a.text)[0];
    assert_eq!(d["steps"][0]["volumes"][0]["path"], "/var/run");
    assert_eq!(d["services"][0]["volumes"][1]["path"], "/var/run");
    // Rootless: the volume goes over /run/user, where the daemon makes its own /run/user/1000.
    let a = render("dind-rootless", &["transport=unix"], Format::Drone).unwrap();
    let d = &yaml_docs(&a.text)[0];
    assert_eq!(d["steps"][0]["volumes"][0]["path"], "/run/user");
    assert_eq!(
        d["steps"][0]["environment"]["DOCKER_HOST"],
        "unix:///run/user/1000/docker.sock"
    );
    let a = render("dood", &[], Format::Drone).unwrap();
    let d = &yaml_docs(&a.text)[0];
    assert_eq!(d["volumes"][0]["host"]["path"], "/var/run/docker.sock");
    assert!(d.get("services").is_none());

    let a = render("dind", &[], Format::Tekton).unwrap();
    let docs = yaml_docs(&a.text);
    assert_eq!(docs[0]["kind"], "Task");
    assert_eq!(docs[1]["kind"], "TaskRun");
    assert_eq!(docs[1]["spec"]["taskRef"]["name"], "dind");
    let sidecar = &docs[0]["spec"]["sidecars"][0];
    assert_eq!(sidecar["securityContext"]["privileged"], true);
    assert_eq!(sidecar["env"][0]["value"], "/certs");
    let step = &docs[0]["spec"]["steps"][0];
    assert_eq!(step["computeResources"]["requests"]["cpu"], "10m");
    assert!(step.get("resources").is_none());
    // The containers are the Pod's: same env, mounts, security.
    let pod = format_pod(&scenario("dind", &[]));
    let spec = pod.spec.unwrap();
    // Tekton calls a sidecar's resources `computeResources`.
    let mut as_container = sidecar.clone();
    let res = as_container
        .as_object_mut()
        .unwrap()
        .remove("computeResources")
        .unwrap();
    as_container["resources"] = res;
    let daemon: k8s::Container = serde_json::from_value(as_container).unwrap();
    assert_eq!(daemon, spec.containers[0]);
    let volumes: Vec<k8s::Volume> =
        serde_json::from_value(docs[0]["spec"]["volumes"].clone()).unwrap();
    assert_eq!(Some(volumes), spec.volumes);

    // Sysbox: the TaskRun's pod template carries the runtime class and the user namespace.
    let docs = yaml_docs(&render("sysbox", &[], Format::Tekton).unwrap().text);
    assert_eq!(
        docs[1]["spec"]["podTemplate"]["runtimeClassName"],
        "sysbox-runc"
    );
    assert_eq!(docs[1]["spec"]["podTemplate"]["hostUsers"], false);
    let docs = yaml_docs(
        &render("sysbox", &["userns=crio-annotation"], Format::Tekton)
            .unwrap()
            .text,
    );
    assert_eq!(
        docs[1]["metadata"]["annotations"]["io.kubernetes.cri-o.userns-mode"],
        "auto"
    );
    assert!(docs[1]["spec"]["podTemplate"].get("hostUsers").is_none());
    // BuildKit: one unconfined step over the `source` workspace, credentials from a workspace.
    let docs = yaml_docs(
        &render("buildkit", &["push=true"], Format::Tekton)
            .unwrap()
            .text,
    );
    let step = &docs[0]["spec"]["steps"][0];
    assert_eq!(
        step["securityContext"]["seccompProfile"]["type"],
        "Unconfined"
    );
    assert_eq!(
        step["securityContext"]["appArmorProfile"]["type"],
        "Unconfined"
    );
    let args: Vec<&str> = step["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        args.contains(&"context=$(workspaces.source.path)"),
        "{args:?}"
    );
    assert_eq!(docs[0]["spec"]["workspaces"][1]["name"], "dockerconfig");
    assert_eq!(
        docs[1]["spec"]["workspaces"][1]["secret"]["secretName"],
        "registry-credentials"
    );
    assert!(docs[0]["spec"].get("sidecars").is_none());
}

/// The commented block of `text` that starts after the line beginning with `marker` (and its `#`
/// spacer), up to the next un-commented line or the next block's heading, un-commented.
fn commented_block(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker}\n{text}"));
    text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('#') && !l.starts_with("# The workflow"))
        .map(|l| l.strip_prefix("# ").unwrap_or(l.trim_start_matches('#')))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn github_arc_sysbox_kubernetes_mode_puts_the_job_pod_on_sysbox() {
    for (crio, sets) in [
        (false, &["executor=kubernetes"][..]),
        (true, &["executor=kubernetes", "userns=crio-annotation"][..]),
    ] {
        let s = scenario("sysbox", sets);
        let a = generate(&s, Format::GithubArc, &Options::default()).unwrap();
        if !crio {
            insta::assert_snapshot!("github-arc__sysbox-kubernetes", a.text);
        }
        assert!(!a.text.contains("privileged:"), "{}", a.text);
        // The values: an ordinary runner pod with the container hooks and the hook extension.
        let values = &yaml_docs(&a.text)[0];
        assert_eq!(values["containerMode"]["type"], "kubernetes");
        let spec = &values["template"]["spec"];
        assert!(spec.get("runtimeClassName").is_none());
        let runner = &spec["containers"][0];
        let env: Vec<(&str, &str)> = runner["env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["name"].as_str().unwrap(), e["value"].as_str().unwrap()))
            .collect();
        assert!(env.contains(&(
            "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE",
            "/home/runner/pod-templates/default.yaml"
        )));
        assert_eq!(
            spec["volumes"][0]["configMap"]["name"],
            "sysbox-hook-extension"
        );
        // The ConfigMap: the hook extension gives the job pod the Sysbox Pod's runtime, user
        // namespace, volumes, and mounts for the job container and the daemon service.
        let cm = yaml_docs(&commented_block(&a.text, "# The hook extension"));
        let cm = &cm[0];
        assert_eq!(cm["kind"], "ConfigMap");
        assert_eq!(cm["metadata"]["name"], "sysbox-hook-extension");
        let ext: k8s::PodTemplateSpec =
            serde_saphyr::from_str(cm["data"]["default.yaml"].as_str().unwrap()).unwrap();
        let pod = format_pod(&s);
        let pod_spec = pod.spec.clone().unwrap();
        let ext_spec = ext.spec.unwrap();
        assert_eq!(ext_spec.runtime_class_name.as_deref(), Some("sysbox-runc"));
        assert_eq!(ext_spec.runtime_class_name, pod_spec.runtime_class_name);
        assert_eq!(ext_spec.host_users, pod_spec.host_users);
        assert_eq!(ext_spec.host_users.is_none(), crio);
        assert_eq!(ext_spec.volumes, pod_spec.volumes);
        assert_eq!(
            ext.metadata.and_then(|m| m.annotations),
            pod.metadata.annotations
        );
        let by = |name: &str| {
            ext_spec
                .containers
                .iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("{name}"))
                .clone()
        };
        let (job, service) = (by("$job"), by("$docker"));
        let (client, daemon) = (
            pod_spec
                .containers
                .iter()
                .find(|c| c.name == "docker-cmds")
                .unwrap(),
            pod_spec
                .containers
                .iter()
                .find(|c| c.name == "dind-daemon")
                .unwrap(),
        );
        assert_eq!(job.volume_mounts, client.volume_mounts);
        assert_eq!(job.security_context, client.security_context);
        assert_eq!(service.volume_mounts, daemon.volume_mounts);
        assert_eq!(service.resources, daemon.resources);
        assert_eq!(service.args, daemon.args);
        assert!(
            daemon
                .security_context
                .as_ref()
                .is_none_or(|c| c.privileged != Some(true))
        );
        // The workflow: the client is the job container, the daemon its service, on localhost.
        let wf = &yaml_docs(&commented_block(
            &a.text,
            "# The workflow that runs on this scale set",
        ))[0];
        let j = &wf["jobs"]["sysbox"];
        assert_eq!(j["container"]["image"].as_str(), client.image.as_deref());
        assert_eq!(j["container"]["env"]["DOCKER_HOST"], "tcp://localhost:2376");
        let svc = &j["services"]["dind-daemon"];
        assert_eq!(svc["image"].as_str(), daemon.image.as_deref());
        assert_eq!(svc["env"]["DOCKER_TLS_CERTDIR"], "/certs");
        assert!(
            j["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|st| st["run"] == "docker version")
        );
    }
    // The default stays the runner pod itself on Sysbox.
    let a = render("sysbox", &[], Format::GithubArc).unwrap();
    assert!(a.text.contains("    runtimeClassName: sysbox-runc\n"));
}
