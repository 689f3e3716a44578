//! The readers: every input kind into the positioned IR ([`ir`]) that lint, convert and migrate
//! share. [`source`] is the YAML/JSON reader with positions and budgets beneath them all; `k8s`,
//! `compose`, `run` (shell text with `docker run` lines) and [`ci`] (CI configurations) read one
//! kind each; [`paths`] normalises host paths and holds the socket catalogue; [`context`] is the
//! per-file context (text, line index, positions of embedded text).
//!
//! A reader hands what it read to a [`Sink`]: the units of the file itself, units of text
//! embedded in it (with the map of their positions back into the file), and errors. The lint
//! pipeline is one sink; a reader never calls back into the module that uses it.

pub(crate) mod ci;
pub(crate) mod compose;
pub(crate) mod context;
pub(crate) mod decode;
pub mod interpolate;
pub(crate) mod ir;
pub(crate) mod k8s;
pub(crate) mod paths;
pub(crate) mod run;
pub(crate) mod shell;
pub(crate) mod source;

use serde::Serialize;
use std::str::FromStr;

use crate::{Error, ErrorKind};
use context::PosMap;
use ir::Unit;
use source::Doc;

/// What an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// Kubernetes manifests (YAML or JSON, any number of documents).
    Kubernetes,
    /// A Compose file.
    Compose,
    /// A shell script (or any text) with `docker run` / `docker create` lines.
    Run,
    /// Tekton `Task`, `TaskRun`, `Pipeline`, `PipelineRun` (`apiVersion: tekton.dev/*`).
    Tekton,
    /// Helm values of the actions-runner-controller runner scale set (`template.spec`,
    /// `containerMode`).
    #[serde(rename = "github-arc")]
    GithubArc,
    /// A Jenkinsfile: the Pods of its `podTemplate(yaml: ...)` / `yaml '''...'''` strings.
    Jenkins,
    /// `.gitlab-ci.yml`: jobs, their `image`, `services` and `variables`.
    Gitlab,
    /// `.drone.yml`: pipelines, their `steps`, `services` and `volumes`.
    Drone,
    /// A GitLab runner's `config.toml`: its `privileged` flags and host volumes.
    #[serde(rename = "gitlab-runner")]
    GitlabRunner,
    /// A GitHub Actions workflow: each job's `container` and `services`.
    #[serde(rename = "github-actions")]
    GithubActions,
}

impl InputKind {
    /// The name `--input` takes and the JSON report writes (`k8s`, `compose`, `github-arc`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Kubernetes => "k8s",
            InputKind::Compose => "compose",
            InputKind::Run => "run",
            InputKind::Tekton => "tekton",
            InputKind::GithubArc => "github-arc",
            InputKind::Jenkins => "jenkins",
            InputKind::Gitlab => "gitlab",
            InputKind::Drone => "drone",
            InputKind::GitlabRunner => "gitlab-runner",
            InputKind::GithubActions => "github-actions",
        }
    }
}

impl FromStr for InputKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "k8s" | "kubernetes" | "kube" => Ok(InputKind::Kubernetes),
            "compose" | "docker-compose" => Ok(InputKind::Compose),
            "run" | "sh" | "shell" | "docker-run" => Ok(InputKind::Run),
            "tekton" => Ok(InputKind::Tekton),
            "github-arc" | "arc" => Ok(InputKind::GithubArc),
            "jenkins" | "jenkinsfile" => Ok(InputKind::Jenkins),
            "gitlab" | "gitlab-ci" => Ok(InputKind::Gitlab),
            "drone" => Ok(InputKind::Drone),
            "gitlab-runner" | "runner-config" => Ok(InputKind::GitlabRunner),
            "github-actions" | "actions" | "workflow" => Ok(InputKind::GithubActions),
            _ => Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "unknown input kind `{s}` (k8s, compose, run, tekton, github-arc, jenkins, gitlab, drone, gitlab-runner, github-actions)"
                ),
            )),
        }
    }
}

/// An error a reader found: where (1-based, when known) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Where a reader puts what it read.
pub(crate) trait Sink {
    /// A unit read from the file itself (from `doc` when it is YAML).
    fn unit(&mut self, unit: &Unit<'_>, doc: Option<&Doc<'_>>);
    /// A unit read from `text` embedded in the file, whose characters `map` places in the file.
    fn embedded(&mut self, unit: &Unit<'_>, doc: Option<&Doc<'_>>, text: &str, map: &PosMap<'_>);
    /// An error, already placed in the file.
    fn error(&mut self, error: ReadError);
    /// A document of the file the reader cannot judge at all (its workload is in another file),
    /// and why: listed as skipped, never as "no findings".
    fn skip(&mut self, reason: String);
    /// The text of the file's 1-based line `n` (empty past the end).
    fn line(&mut self, n: usize) -> &str;
}

/// The kind of an input from its name and text, `None` when it is YAML to be told apart per
/// document (Compose, a CI file, else Kubernetes).
pub(crate) fn detect(file: &str, text: &str) -> Option<InputKind> {
    let name = file.to_ascii_lowercase();
    if let Some(kind) = ci::detect(&name, text) {
        return Some(kind);
    }
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "yaml" | "yml" | "json" => return None,
        "sh" | "bash" | "zsh" | "ksh" | "bats" | "ps1" | "cmd" | "bat" | "txt" => {
            return Some(InputKind::Run);
        }
        _ => {}
    }
    if name.ends_with("makefile") || name.ends_with("dockerfile") || name.ends_with("jenkinsfile") {
        return Some(InputKind::Run);
    }
    // first meaningful line: YAML if it looks like a key, a document marker or a flow collection
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            if t.starts_with("#!") {
                return Some(InputKind::Run);
            }
            continue;
        }
        if t.starts_with("---") || t.starts_with('{') || t.starts_with('[') || t.starts_with("- ") {
            return None;
        }
        let key = t.split_once(':').map(|(k, _)| k.trim_matches(['"', '\'']));
        let yaml_key = key.is_some_and(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        }) && !t.contains(" docker ")
            && !t.starts_with("docker ");
        return if yaml_key { None } else { Some(InputKind::Run) };
    }
    None
}

/// Whether a document is a Compose file: a top-level `services:` mapping and no `apiVersion`/`kind`.
pub(crate) fn is_compose(doc: &Doc<'_>) -> bool {
    let Some(root) = doc.root() else { return false };
    doc.get(root, "services").is_some_and(|s| doc.is_map(s))
        && doc.get(root, "apiVersion").is_none()
        && doc.get(root, "kind").is_none()
}
