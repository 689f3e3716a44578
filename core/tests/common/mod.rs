//! Helpers shared by the integration tests that build scenarios (`mod common;` in each).

#![allow(dead_code)] // each test crate uses its own subset
#![allow(clippy::unwrap_used)] // test helpers panic on purpose
#![allow(clippy::disallowed_methods)] // tests read their fixtures (the library does no I/O)

use std::path::{Path, PathBuf};

use dockscape::{Params, Scenario, build_scenario};

/// The scenario variants every CI recipe is generated for: name, scenario id, parameters.
pub const RECIPE_VARIANTS: &[(&str, &str, &[&str])] = &[
    ("linux", "linux", &[]),
    ("windows", "windows", &[]),
    ("kubernetes", "kubernetes", &[]),
    ("dood", "dood", &[]),
    ("dood-run-dir", "dood", &["mount=run-dir"]),
    ("dind", "dind", &[]),
    ("dind-unix", "dind", &["transport=unix"]),
    ("dind-tcp", "dind", &["transport=tcp"]),
    ("dind-native", "dind", &["sidecar=native"]),
    (
        "dind-quotes",
        "dind",
        &[
            "env.TRICKY=it's '''a\\b $HOME `x`",
            "command=sh -c 'echo \"hi\" \\ $HOME'",
        ],
    ),
    ("dind-rootless", "dind-rootless", &[]),
    ("dind-rootless-unix", "dind-rootless", &["transport=unix"]),
    ("sysbox", "sysbox", &[]),
    ("sysbox-crio", "sysbox", &["userns=crio-annotation"]),
    ("buildkit", "buildkit", &[]),
    (
        "buildkit-push",
        "buildkit",
        &["push=true", "output=ghcr.io/acme/app:1.2.3"],
    ),
    ("dood-kubernetes", "dood", &["executor=kubernetes"]),
    ("dind-kubernetes", "dind", &["executor=kubernetes"]),
    (
        "buildkit-push-kubernetes",
        "buildkit",
        &["push=true", "executor=kubernetes"],
    ),
    ("dind-scripted", "dind", &["jenkins_pipeline=scripted"]),
];

/// Scenario `id` with the `name=value` assignments `sets`.
pub fn scenario(id: &str, sets: &[&str]) -> Scenario {
    let mut p = Params::new();
    for s in sets {
        p.set_assignment(s).unwrap();
    }
    build_scenario(id, &p).unwrap()
}

/// Every file under `dir` (recursively) whose extension is one of `exts`, in path order.
pub fn files_under(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(&p, exts, out);
            } else if p.extension().is_some_and(|x| exts.iter().any(|e| x == *e)) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, exts, &mut out);
    out
}
