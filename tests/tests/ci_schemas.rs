//! Every CI recipe that has a published schema passes it, with the real `check-jsonschema` and the
//! schemas it vendors (`vendor.gitlab-ci`, `vendor.drone-ci`, `vendor.github-workflows`), offline:
//! `.gitlab-ci.yml` per executor, `.drone.yml` per runner, and the GitHub workflow that the
//! `github-arc` recipe writes (as a comment block of the values file) for the scale set.

use dockscape::{Format, Options, Params, Scenario, ScenarioId, build_scenario};
use dockscape_tests::{TempDir, run_command};
use std::process::Command;

/// Every recipe variant the schemas cover: scenario, parameters.
const VARIANTS: &[(&str, &[&str])] = &[
    ("dood", &[]),
    ("dood", &["mount=run-dir"]),
    ("dind", &[]),
    ("dind", &["transport=unix"]),
    ("dind", &["transport=tcp"]),
    ("dind", &["sidecar=native"]),
    ("dind", &["env.TRICKY=it's $HOME `x`"]),
    ("dind-rootless", &[]),
    ("dind-rootless", &["transport=unix"]),
    ("sysbox", &[]),
    ("buildkit", &[]),
    ("buildkit", &["push=true", "output=ghcr.io/acme/app:1"]),
];

fn scenario(id: &str, sets: &[&str]) -> Scenario {
    let mut p = Params::new();
    for s in sets {
        p.set_assignment(s).unwrap();
    }
    build_scenario(id, &p).unwrap()
}

/// The workflow the `github-arc` recipe writes after its values, un-commented.
fn arc_workflow(text: &str) -> String {
    let marker = "# The workflow that runs on this scale set";
    let start = text.find(marker).expect("the workflow block");
    text[start..]
        .lines()
        .skip(2)
        .map(|l| l.strip_prefix("# ").unwrap_or(l.trim_start_matches('#')))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `check-jsonschema --builtin-schema <schema>` over the files; the error names each failure.
fn check(schema: &str, files: &[(String, String)]) -> Result<(), String> {
    let dir = TempDir::new("ci-schemas");
    let mut paths = Vec::new();
    for (i, (_, text)) in files.iter().enumerate() {
        let path = dir.path().join(format!("{i}.yml"));
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    let mut cmd = Command::new("check-jsonschema");
    cmd.arg("--builtin-schema").arg(schema).args(&paths);
    let out = run_command(cmd);
    if out.success() {
        Ok(())
    } else {
        let names: Vec<String> = files
            .iter()
            .enumerate()
            .map(|(i, (n, _))| format!("{i}.yml = {n}"))
            .collect();
        Err(format!(
            "{}\n{}\n{}",
            names.join("\n"),
            out.stdout,
            out.stderr
        ))
    }
}

fn recipes(format: Format) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (id, sets) in VARIANTS {
        for executor in ["docker", "kubernetes"] {
            let mut sets = sets.to_vec();
            let set = format!("executor={executor}");
            sets.push(&set);
            let s = scenario(id, &sets);
            if !format.applies_to(s.id) {
                continue;
            }
            let Ok(a) = dockscape::generate(&s, format, &Options::default()) else {
                // The one refusal: ARC with the rootless socket (core/tests/recipes.rs).
                assert!(format == Format::GithubArc && s.id == ScenarioId::DindRootless);
                continue;
            };
            let text = if format == Format::GithubArc {
                arc_workflow(&a.text)
            } else {
                a.text
            };
            out.push((format!("{id} {sets:?}"), text));
        }
    }
    out
}

#[test]
fn gitlab_recipes_pass_the_gitlab_ci_schema() {
    let files = recipes(Format::Gitlab);
    assert!(files.len() >= 18, "{}", files.len());
    if let Err(e) = check("vendor.gitlab-ci", &files) {
        panic!("check-jsonschema rejected a .gitlab-ci.yml:\n{e}");
    }
}

#[test]
fn drone_recipes_pass_the_drone_schema() {
    let files = recipes(Format::Drone);
    assert!(files.len() >= 16, "{}", files.len());
    if let Err(e) = check("vendor.drone-ci", &files) {
        panic!("check-jsonschema rejected a .drone.yml:\n{e}");
    }
}

#[test]
fn arc_workflows_pass_the_github_workflow_schema() {
    let files = recipes(Format::GithubArc);
    assert!(files.len() >= 10, "{}", files.len());
    for (n, f) in &files {
        assert!(f.contains("runs-on: arc-runner-set"), "{n}\n{f}");
    }
    if let Err(e) = check("vendor.github-workflows", &files) {
        panic!("check-jsonschema rejected a workflow:\n{e}");
    }
}

/// The schemas can fail: the GitLab file the recipe used to write (two documents: GitLab reads the
/// first as a header), a job with a key GitLab does not know, a Drone pipeline without steps, a
/// workflow job without `runs-on`.
#[test]
fn the_schemas_reject_broken_recipes() {
    let s = scenario("dind", &[]);
    let gitlab = dockscape::generate(&s, Format::Gitlab, &Options::default())
        .unwrap()
        .text;
    let two_docs = format!("{gitlab}---\n{gitlab}");
    assert!(check("vendor.gitlab-ci", &[("two documents".into(), two_docs)]).is_err());
    let unknown = gitlab.replace("  script:", "  scripts:");
    assert!(check("vendor.gitlab-ci", &[("unknown key".into(), unknown)]).is_err());
    let drone = dockscape::generate(&s, Format::Drone, &Options::default())
        .unwrap()
        .text;
    let no_steps = drone.replace("steps:", "stepz:");
    assert!(check("vendor.drone-ci", &[("no steps".into(), no_steps)]).is_err());
    let arc = arc_workflow(
        &dockscape::generate(&s, Format::GithubArc, &Options::default())
            .unwrap()
            .text,
    );
    let no_runs_on = arc.replace("runs-on: arc-runner-set", "runs_on: arc-runner-set");
    assert!(
        check(
            "vendor.github-workflows",
            &[("no runs-on".into(), no_runs_on)]
        )
        .is_err()
    );
}
