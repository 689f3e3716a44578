//! Every CI recipe lints to the rule codes of the scenario it comes from: for every scenario
//! variant and every recipe that applies to it, `lint` of the generated text (detected by its file
//! name and content, as a user's file would be) gives exactly `scenario.risk_codes()` as a set, and
//! the workload that runs the scenario is classified as that scenario.
//!
//! Where a recipe cannot carry a risk (the setting lives outside the file), the difference is an
//! explicit exception below, with the reason; nothing is skipped silently.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use std::collections::BTreeSet;

use dockscape::{
    Format, LintInput, LintOptions, Options, ScenarioId, WorkloadScenario, generate, lint,
};

mod common;
use common::{RECIPE_VARIANTS as VARIANTS, scenario};

/// A documented difference between a recipe's findings and its scenario's codes.
struct Exception {
    recipe: Format,
    scenario: ScenarioId,
    /// Codes of the scenario the recipe cannot carry.
    missing: &'static [&'static str],
    /// Codes the recipe carries beyond the scenario's.
    extra: &'static [&'static str],
    /// Whether the workload still classifies as the scenario.
    classified: bool,
    why: &'static str,
}

const EXCEPTIONS: &[Exception] = &[
    Exception {
        recipe: Format::Gitlab,
        scenario: ScenarioId::Dood,
        missing: &["DS001", "DS002", "DS005", "DS016"],
        extra: &[],
        classified: false,
        why: "GitLab's socket binding is the runner's config.toml `[runners.docker] volumes` (or \
              `[[runners.kubernetes.volumes.host_path]]`), which the recipe shows as a comment: \
              `.gitlab-ci.yml` itself has no field that mounts a host path into a job",
    },
    Exception {
        recipe: Format::GithubArc,
        scenario: ScenarioId::Dind,
        missing: &["DS008", "DS009"],
        extra: &["DS026"],
        classified: true,
        why: "the `dind` recipe is `containerMode: {type: dind}`: the chart's own docker:dind \
              container, reached over a unix socket on an emptyDir; it does not take the \
              scenario's transport or storage (the recipe says so), so `transport=tcp` carries no \
              plain TCP, and the chart's daemon has no volume at /var/lib/docker (DS026, a true \
              finding about the chart)",
    },
    Exception {
        recipe: Format::Gitlab,
        scenario: ScenarioId::Buildkit,
        missing: &["DS017"],
        extra: &[],
        classified: false,
        why: "rootless BuildKit's seccomp and AppArmor `unconfined` are the runner's config.toml \
              (`security_opt`, or the Kubernetes executor's `pod_spec` patch), which the recipe \
              shows as a comment: `.gitlab-ci.yml` has no field that sets a job's profiles",
    },
    Exception {
        recipe: Format::GithubArc,
        scenario: ScenarioId::Buildkit,
        missing: &["DS017"],
        extra: &[],
        classified: false,
        why: "in containerMode kubernetes the BuildKit job container is the workflow's `container:` \
              and its unconfined profiles are the hook extension's ConfigMap, both of which the \
              recipe shows as comments: the values themselves hold only the runner, which runs \
              no build",
    },
];

fn exception(recipe: Format, id: ScenarioId) -> Option<&'static Exception> {
    EXCEPTIONS
        .iter()
        .find(|e| e.recipe == recipe && e.scenario == id)
}

fn expected_scenario(id: ScenarioId) -> Option<WorkloadScenario> {
    match id {
        ScenarioId::Dood => Some(WorkloadScenario::Dood),
        ScenarioId::Dind => Some(WorkloadScenario::Dind),
        ScenarioId::DindRootless => Some(WorkloadScenario::DindRootless),
        ScenarioId::Sysbox => Some(WorkloadScenario::Sysbox),
        ScenarioId::Buildkit => Some(WorkloadScenario::DaemonlessBuild),
        _ => None,
    }
}

#[test]
fn every_recipe_lints_to_its_scenarios_codes() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut used_exceptions = BTreeSet::new();
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        for f in Format::RECIPES {
            if !f.applies_to(s.id) {
                continue;
            }
            if *name == "dind-rootless-unix" && f == Format::GithubArc {
                continue; // refused (core/tests/recipes.rs)
            }
            let a = generate(&s, f, &Options::default()).unwrap();
            let report = lint(
                &[LintInput {
                    file: &a.file_name,
                    text: &a.text,
                    kind: None,
                }],
                &LintOptions::default(),
            );
            let label = format!("{name} --format {}", f.id());
            if !report.errors.is_empty() {
                failures.push(format!("{label}: input errors {:?}", report.errors));
            }
            let got: BTreeSet<&str> = report.active().map(|x| x.code).collect();
            let declared: BTreeSet<&str> = s.risk_codes().into_iter().collect();
            let exc = exception(f, s.id);
            let want: BTreeSet<&str> = match exc {
                Some(e) => {
                    used_exceptions.insert((f.id(), s.id.id()));
                    declared
                        .iter()
                        .copied()
                        .filter(|c| !e.missing.contains(c))
                        .chain(e.extra.iter().copied())
                        .collect()
                }
                None => declared.clone(),
            };
            if got != want {
                failures.push(format!(
                    "{label}: linted {got:?}, expected {want:?} (scenario declares {declared:?}){}",
                    exc.map(|e| format!("; exception: {}", e.why))
                        .unwrap_or_default()
                ));
            }
            if let Some(sc) = expected_scenario(s.id)
                && exc.is_none_or(|e| e.classified)
                && !report.workloads.iter().any(|w| w.scenario == sc)
            {
                failures.push(format!(
                    "{label}: no workload classified `{sc}`: {:?}",
                    report
                        .workloads
                        .iter()
                        .map(|w| (&w.workload, w.scenario))
                        .collect::<Vec<_>>()
                ));
            }
            checked += 1;
        }
    }
    for e in EXCEPTIONS {
        if !used_exceptions.contains(&(e.recipe.id(), e.scenario.id())) {
            failures.push(format!(
                "exception for {} / {} is never used",
                e.recipe.id(),
                e.scenario.id()
            ));
        }
    }
    assert!(checked >= 30, "only {checked} recipes checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The commented block of `text` after the line beginning with `marker` (and its `#` spacer), up to
/// the next block's heading, un-commented.
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

/// Merge a hook extension container into a container the hooks made, as ADR 0134 of
/// actions/runner-container-hooks says: `env`, `volumeMounts` and `ports` appended, the other
/// fields applied, `name` and `image` ignored.
fn merge_container(base: &mut serde_json::Value, ext: &serde_json::Value) {
    let (Some(base), Some(ext)) = (base.as_object_mut(), ext.as_object()) else {
        panic!("containers are objects");
    };
    for (k, v) in ext {
        match k.as_str() {
            "name" | "image" => {}
            "env" | "volumeMounts" | "ports" => {
                let list = base
                    .entry(k.clone())
                    .or_insert_with(|| serde_json::json!([]));
                list.as_array_mut()
                    .unwrap()
                    .extend(v.as_array().unwrap().iter().cloned());
            }
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// ARC's kubernetes mode for Sysbox: the values hold only an ordinary runner (no findings), and the
/// job pod the container hooks create from the workflow (`container:` and `services:`) and the
/// hook extension, merged by the hooks' documented rules, lints like the scenario's own Pod: the
/// same codes, classified `sysbox`, nothing privileged.
#[test]
fn arc_kubernetes_mode_job_pod_for_sysbox_lints_as_the_sysbox_pod() {
    use serde_json::{Value, json};
    let s = scenario("sysbox", &["executor=kubernetes"]);
    let a = generate(&s, Format::GithubArc, &Options::default()).unwrap();
    let lint_one = |file: &str, text: &str| {
        lint(
            &[LintInput {
                file,
                text,
                kind: None,
            }],
            &LintOptions::default(),
        )
    };
    let values = lint_one(&a.file_name, &a.text);
    assert!(values.errors.is_empty(), "{:?}", values.errors);
    assert_eq!(values.active().count(), 0);

    let cm: Value =
        serde_saphyr::from_str(&commented_block(&a.text, "# The hook extension")).unwrap();
    let ext: Value = serde_saphyr::from_str(cm["data"]["default.yaml"].as_str().unwrap()).unwrap();
    let wf: Value = serde_saphyr::from_str(&commented_block(
        &a.text,
        "# The workflow that runs on this scale set",
    ))
    .unwrap();
    let job = &wf["jobs"]["sysbox"];
    let env = |m: &Value| -> Value {
        m.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| json!({ "name": k, "value": v }))
            .collect()
    };
    // What the hooks make before the extension: the job container and one per service.
    let mut containers = vec![json!({
        "name": "job",
        "image": job["container"]["image"],
        "command": ["tail", "-f", "/dev/null"],
        "env": env(&job["container"]["env"]),
    })];
    // A service's container is named after its image, not its key in the workflow
    // (`generateContainerName` in packages/k8s/src/k8s/utils.ts: the last `/` segment before the
    // tag), so `docker:29-dind` is `docker`. (The released hooks know no `$default`: that is an
    // unmerged proposal, and an extension container matching no service is ignored.)
    for svc in job["services"].as_object().unwrap().values() {
        let image = svc["image"].as_str().unwrap();
        let name = image.rsplit('/').next().unwrap().split(':').next().unwrap();
        containers.push(json!({ "name": name, "image": image, "env": env(&svc["env"]) }));
    }
    let ext_containers = ext["spec"]["containers"].as_array().unwrap();
    let mut merged = 0;
    for c in containers.iter_mut() {
        let key = format!("${}", c["name"].as_str().unwrap());
        if let Some(e) = ext_containers.iter().find(|e| e["name"] == key.as_str()) {
            merge_container(c, e);
            merged += 1;
        }
    }
    // Every extension container is applied (prepare-job's `createContainerSpec`): one the hooks
    // would ignore gives the daemon none of its mounts, and the client no certificates.
    assert_eq!(merged, ext_containers.len(), "{ext_containers:?}");
    // The `$`-less extension containers would be appended (`mergePodSpecWithOptions`): none here.
    let mut spec = ext["spec"].as_object().unwrap().clone();
    spec.insert("containers".into(), Value::Array(containers));
    spec.insert("restartPolicy".into(), json!("Never"));
    let pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": "job-pod", "annotations": ext["metadata"].get("annotations") },
        "spec": spec,
    });
    let text = serde_json::to_string_pretty(&pod).unwrap();
    assert!(!text.contains("privileged"), "{text}");
    let report = lint_one("job-pod.json", &text);
    assert!(report.errors.is_empty(), "{:?}\n{text}", report.errors);
    let got: BTreeSet<&str> = report.active().map(|x| x.code).collect();
    let want: BTreeSet<&str> = s.risk_codes().into_iter().collect();
    assert_eq!(got, want, "{text}");
    assert!(
        report
            .workloads
            .iter()
            .any(|w| w.scenario == WorkloadScenario::Sysbox),
        "{text}"
    );
}
