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
            let a = generate(&s, f, &Options::default())
                .unwrap_or_else(|e| panic!("{name} {}: {e}", f.id()));
            assert_eq!(a.format, f);
            assert!(a.notice.is_none());
            insta::assert_snapshot!(format!("{}__{name}", f.id()), a.text);
            count += 1;
        }
    }
    // gitlab 8, github-arc 9, jenkins 10, drone 8, tekton 6.
    assert_eq!(count, 41);
}

#[test]
fn applies_to_is_the_table() {
    use ScenarioId as S;
    let table: &[(Format, &[ScenarioId])] = &[
        (Format::Gitlab, &[S::Dood, S::Dind, S::DindRootless]),
        (
            Format::GithubArc,
            &[S::Dood, S::Dind, S::DindRootless, S::Sysbox],
        ),
        (
            Format::Jenkins,
            &[S::Dood, S::Dind, S::DindRootless, S::Sysbox, S::Buildkit],
        ),
        (Format::Drone, &[S::Dood, S::Dind, S::DindRootless]),
        (Format::Tekton, &[S::Dind, S::DindRootless]),
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
    let e = render("sysbox", &[], Format::Tekton).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnsupportedFormat);
    assert_eq!(
        e.message(),
        "`tekton` does not apply to `sysbox`: a Task carries no runtimeClassName or hostUsers, which Sysbox needs; the `jenkins` and `github-arc` recipes carry them in the Pod; recipes for `sysbox`: `github-arc`, `jenkins`"
    );
    let e = render("buildkit", &[], Format::Drone).unwrap_err();
    assert!(
        e.message().ends_with("recipes for `buildkit`: `jenkins`"),
        "{e}"
    );
    let e = render("dood", &[], Format::Tekton).unwrap_err();
    assert!(e.message().contains("dood has no daemon in the pod"), "{e}");
    assert!(
        e.message()
            .contains("recipes for `dood`: `gitlab`, `github-arc`, `jenkins`, `drone`"),
        "{e}"
    );
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
            let expected = match f {
                Format::Gitlab | Format::Tekton => 2,
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
fn gitlab_has_both_executor_forms_from_the_scenario() {
    let a = render(
        "dind",
        &["docker_version=27.5", "name=ci-build"],
        Format::Gitlab,
    )
    .unwrap();
    assert_eq!(a.file_name, ".gitlab-ci.yml");
    let docs = yaml_docs(&a.text);
    assert_eq!(docs.len(), 2);
    for d in &docs {
        let job = &d["ci-build"];
        assert_eq!(job["image"], "docker:28-cli"); // the workload image is its own parameter
        assert_eq!(job["services"][0]["name"], "docker:27.5-dind");
        assert_eq!(job["services"][0]["alias"], "docker");
        assert_eq!(job["variables"]["DOCKER_TLS_CERTDIR"], "/certs");
        assert_eq!(job["variables"]["DOCKER_HOST"], "tcp://docker:2376");
        assert_eq!(job["variables"]["DOCKER_TLS_VERIFY"], "1");
        assert_eq!(job["variables"]["DOCKER_CERT_PATH"], "/certs/client");
    }
    let (docker, k8s) = a.text.split_once("\n---\n").unwrap();
    assert!(
        docker.contains("#     privileged = true\n#     volumes = [\"/certs/client\", \"/cache\"]"),
        "{docker}"
    );
    assert!(
        k8s.contains("# [[runners]]\n#   executor = \"kubernetes\""),
        "{k8s}"
    );
    assert!(
        k8s.contains("[[runners.kubernetes.volumes.empty_dir]]\n#       name = \"docker-certs\"\n#       mount_path = \"/certs/client\"\n#       medium = \"Memory\""),
        "{k8s}"
    );
    // DooD binds the host socket instead.
    let a = render("dood", &[], Format::Gitlab).unwrap();
    assert!(
        a.text
            .contains("volumes = [\"/var/run/docker.sock:/var/run/docker.sock\", \"/cache\"]"),
        "{}",
        a.text
    );
    assert!(
        a.text.contains("host_path = \"/var/run/docker.sock\""),
        "{}",
        a.text
    );
    assert!(!a.text.contains("services:"));
    // A literal `$` in a variable is written `$$` (GitLab expands variables).
    let a = render("dind", &["env.PRICE=5$"], Format::Gitlab).unwrap();
    assert_eq!(yaml_docs(&a.text)[0]["dind"]["variables"]["PRICE"], "5$$");
}

/// The Pod YAML inside a Jenkinsfile's `podTemplate(yaml: '''...''')`, unindented and unescaped.
fn jenkins_pod(text: &str) -> k8s::Pod {
    let start = text.find("podTemplate(yaml: '''\n").unwrap() + "podTemplate(yaml: '''\n".len();
    let end = start + text[start..].find("\n''')").unwrap();
    let yaml: String = text[start..end]
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
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

#[test]
fn jenkins_pod_is_the_format_pod_pod_with_an_idle_job_container() {
    let mut checked = 0;
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        let Ok(a) = generate(&s, Format::Jenkins, &Options::default()) else {
            continue;
        };
        assert_eq!(a.file_name, "Jenkinsfile");
        let got = jenkins_pod(&a.text);
        let mut expected = format_pod(&s);
        // The one documented difference: the job container idles, its command moves to the `sh` step.
        let job = a
            .text
            .split("container('")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .unwrap();
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
        // The step runs the job's own command line, quoted for sh.
        let line = dockscape::quote_command(dockscape::Shell::Sh, &argv).unwrap();
        let escaped = line.replace('\\', "\\\\").replace('\'', "\\'");
        assert!(
            a.text
                .contains(&format!("sh '''\n                    {escaped}\n")),
            "{name}\n{}",
            a.text
        );
        checked += 1;
    }
    assert_eq!(checked, 10);
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
        if s.id == ScenarioId::Dind {
            assert_eq!(values["containerMode"]["type"], "dind", "{name}");
            assert!(values.get("template").is_none());
            continue;
        }
        let got: k8s::PodSpec = serde_json::from_value(values["template"]["spec"].clone()).unwrap();
        let mut expected = format_pod(&s);
        let c = container_mut(&mut expected, "docker-cmds");
        c.name = "runner".into();
        c.image = Some("ghcr.io/actions/actions-runner:latest".into());
        c.command = Some(vec!["/home/runner/run.sh".into()]);
        c.args = None;
        assert_eq!(got, expected.spec.unwrap(), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 4); // dind uses containerMode
}

#[test]
fn drone_and_tekton_carry_the_scenario_values() {
    let a = render("dind", &["docker_version=27"], Format::Drone).unwrap();
    let d = &yaml_docs(&a.text)[0];
    assert_eq!(d["kind"], "pipeline");
    assert_eq!(d["services"][0]["name"], "docker");
    assert_eq!(d["services"][0]["image"], "docker:27-dind");
    assert_eq!(d["services"][0]["privileged"], true);
    assert_eq!(
        d["steps"][0]["environment"]["DOCKER_HOST"],
        "tcp://docker:2376"
    );
    assert_eq!(d["volumes"][1]["temp"]["medium"], "memory");
    let a = render("dind", &["transport=unix"], Format::Drone).unwrap();
    let d = &yaml_docs(&a.text)[0];
    assert_eq!(d["steps"][0]["volumes"][0]["path"], "/var/run");
    assert_eq!(d["services"][0]["volumes"][1]["path"], "/var/run");
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
    let daemon: k8s::Container = serde_json::from_value(sidecar.clone()).unwrap();
    assert_eq!(daemon, spec.containers[0]);
    let volumes: Vec<k8s::Volume> =
        serde_json::from_value(docs[0]["spec"]["volumes"].clone()).unwrap();
    assert_eq!(Some(volumes), spec.volumes);
}
