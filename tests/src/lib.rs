//! Shared helpers for the end-to-end tests.
//!
//! - [`golden`]: the golden scenario spec files.
//! - [`engine`]: a recording Docker Engine API server on a unix socket, for the real `docker` CLI.
//! - [`tools`]: the real tools (`kubernetes-validate`, `docker-compose`, `docker`, `/bin/sh`), installed
//!   by `scripts/install-test-tools`.
//! - [`real_engine`]: a real dockerd on a private socket, prepared by `scripts/install-engine`.

pub mod engine;
pub mod golden;
pub mod real_engine;
mod tmp;
pub mod tools;

use std::path::{Path, PathBuf};

pub use engine::{Engine, EngineOptions, Recorded};
pub use real_engine::RealEngine;
pub use tmp::TempDir;
pub use tools::{ShOutput, compose_config, docker, kubernetes_validate, run_command, run_sh};

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
