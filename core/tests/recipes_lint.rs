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
