//! CI configurations → IR, so every rule applies to them unchanged.
//!
//! One module per CI system:
//! - [`tekton`]: `Task`/`ClusterTask` (`steps`, `sidecars`, `volumes`, `stepTemplate`), `TaskRun`
//!   (`taskSpec`, `podTemplate`), `Pipeline`/`PipelineRun` (inline `taskSpec`s, `podTemplate`,
//!   `taskRunTemplate.podTemplate`, `taskRunSpecs[].podTemplate`), `StepAction`; `docker run`
//!   lines of `script`s;
//! - [`arc`]: Helm values of the actions-runner-controller runner scale set: `template.spec` and
//!   `listenerTemplate.spec` are pod specs; `containerMode.type: dind` stands for the runner and the
//!   privileged `docker:dind` container the chart adds (findings point at the `containerMode` value);
//!   and the legacy controller's `Runner`/`RunnerDeployment`/`RunnerReplicaSet`/`RunnerSet`
//!   (`actions.summerwind.dev`), whose default privileged `docker:dind` sidecar is modelled too;
//! - [`jenkins`]: the Pods in a Jenkinsfile's `podTemplate(yaml: '''...''')` and declarative
//!   `yaml '''...'''` strings, linted as Kubernetes YAML with positions mapped back to the Jenkinsfile,
//!   the Groovy form (`containerTemplate(...)`, `hostPathVolume(...)`, [`jenkins_dsl`]) and the
//!   `docker run` lines of `sh` steps;
//! - [`gitlab`]: `.gitlab-ci.yml` jobs: the job container (`image`), its `services` and the
//!   `variables` GitLab hands both; a Docker daemon service implies a privileged runner (DS006 on the
//!   service); `docker run` lines of `script`s;
//! - [`drone`]: `.drone.yml` pipelines: `steps` and `services` (`image`, `privileged`,
//!   `environment`, `volumes` of pipeline-level `host`/`temp` volumes), `docker run` lines of
//!   `commands`.
//!
//! - [`actions`]: GitHub Actions workflows: each job's `container` and `services` (`image`, `env`,
//!   `volumes`, `ports`, and `options` read as `docker create` flags), `docker run` lines of `run`
//!   steps;
//! - [`gitlab_runner`]: a GitLab runner's `config.toml`, where its `privileged` flag and host
//!   volumes (the socket binding) live.
//!
//! What a CI file cannot say is not guessed: a GitLab runner's host socket binding and its
//! `privileged` flag live in the runner's `config.toml`, not in `.gitlab-ci.yml`.

mod actions;
mod arc;
mod drone;
mod embed;
mod gitlab;
mod gitlab_runner;
mod jenkins;
mod jenkins_dsl;
mod tekton;

use std::borrow::Cow;

use super::ir::{
    Container, ContainerKind, HostPath, Loc, Mount, Unit, Val, Via, VolumeSource, Workload,
    image_parts,
};
use super::source::Doc;
use super::{InputKind, Sink};

pub(crate) use embed::{Arg, argv, k8s_written, shell_scalar, shell_text, yaml_scalar};
pub(crate) use jenkins::SH_FIELD;
pub(crate) use tekton::Runs;

/// Detect a CI input by its name (and, for a Jenkinsfile, its text). YAML CI files that are not
/// named by convention are detected per document ([`doc_kind`]).
pub(crate) fn detect(name: &str, text: &str) -> Option<InputKind> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let ext = base.rsplit_once('.').map_or("", |(_, e)| e);
    if base.ends_with("jenkinsfile") || ext == "groovy" {
        return Some(InputKind::Jenkins);
    }
    if base.ends_with(".gitlab-ci.yml") || base.ends_with(".gitlab-ci.yaml") {
        return Some(InputKind::Gitlab);
    }
    if name.contains(".github/workflows/") && matches!(ext, "yml" | "yaml") {
        return Some(InputKind::GithubActions);
    }
    if base == ".drone.yml" || base == ".drone.yaml" {
        return Some(InputKind::Drone);
    }
    if (base == "config.toml" || ext == "toml" || !base.contains('.'))
        && gitlab_runner::looks_like(text)
    {
        return Some(InputKind::GitlabRunner);
    }
    // a text without a telling extension (stdin, `ci/build`) that reads as Groovy
    if !base.contains('.') && jenkins::looks_like(text) {
        return Some(InputKind::Jenkins);
    }
    None
}

/// The CI kind of one YAML document: the forced kind when it is a CI kind, else detected from the
/// content when nothing was forced. An Argo Workflows object (forced `k8s` or not) is
/// `Kubernetes`: read by the Kubernetes reader, with its containers' scripts ([`scripts`]).
pub(crate) fn doc_kind(forced: Option<InputKind>, doc: &Doc<'_>) -> Option<InputKind> {
    match forced {
        Some(
            k @ (InputKind::Tekton
            | InputKind::GithubArc
            | InputKind::Gitlab
            | InputKind::Drone
            | InputKind::GithubActions),
        ) => return Some(k),
        Some(InputKind::Kubernetes) => return argo(doc).then_some(InputKind::Kubernetes),
        Some(_) => return None,
        None => {}
    }
    if argo(doc) {
        return Some(InputKind::Kubernetes);
    }
    let root = doc.root().filter(|&r| doc.is_map(r))?;
    let api = doc.get(root, "apiVersion").and_then(|v| doc.str(v));
    let kind = doc.get(root, "kind").and_then(|v| doc.str(v));
    if api.is_some_and(|a| a.starts_with("tekton.dev/")) {
        return Some(InputKind::Tekton);
    }
    if api.is_some_and(|a| a.starts_with(arc::LEGACY_API)) {
        return Some(InputKind::GithubArc);
    }
    if api.is_some() {
        return None;
    }
    if kind == Some("pipeline") {
        return Some(InputKind::Drone);
    }
    if kind.is_some() {
        return None;
    }
    if arc::looks_like(doc, root) {
        return Some(InputKind::GithubArc);
    }
    if actions::looks_like(doc, root) {
        return Some(InputKind::GithubActions);
    }
    if gitlab::looks_like(doc, root) {
        return Some(InputKind::Gitlab);
    }
    None
}

/// Whether a document is an Argo Workflows object (`apiVersion: argoproj.io/*`): Kubernetes
/// objects, read by the Kubernetes reader, whose `script` templates carry shell scripts, read as
/// a CI file's ([`scripts`]).
fn argo(doc: &Doc<'_>) -> bool {
    doc.root()
        .filter(|&r| doc.is_map(r))
        .and_then(|r| doc.get(r, "apiVersion"))
        .and_then(|v| doc.str(v))
        .is_some_and(|a| a.starts_with("argoproj.io/"))
}

/// Whether a CI kind is read as text (not YAML documents).
pub(crate) fn is_text(kind: InputKind) -> bool {
    matches!(kind, InputKind::Jenkins | InputKind::GitlabRunner)
}

/// Read an input of a text kind ([`is_text`]).
pub(crate) fn read_text(kind: InputKind, text: &str, sink: &mut dyn Sink) {
    match kind {
        InputKind::GitlabRunner => {
            let unit = gitlab_runner::unit(text);
            sink.unit(&unit, None);
        }
        _ => jenkins::read(text, sink),
    }
}

/// Why a document of a CI kind cannot be judged at all (a Tekton run whose Task is elsewhere),
/// if it cannot: the reader hands it to the sink as skipped ([`Sink::skip`](super::Sink::skip)).
pub(crate) fn skipped(kind: InputKind, doc: &Doc<'_>, runs: &Runs) -> Option<String> {
    match kind {
        InputKind::Tekton => tekton::skipped(doc, runs),
        _ => None,
    }
}

/// Normalise one document of a CI kind.
pub(crate) fn unit<'t>(kind: InputKind, doc: &'t Doc<'_>, runs: &Runs) -> Unit<'t> {
    match kind {
        InputKind::Tekton => tekton::unit(doc, runs),
        InputKind::GithubArc => arc::unit(doc),
        InputKind::Gitlab => gitlab::unit(doc),
        InputKind::Drone => drone::unit(doc),
        InputKind::GithubActions => actions::unit(doc),
        _ => super::k8s::unit(doc),
    }
}

/// The YAML scalars of a CI document that are shell scripts (their `docker run` lines are read
/// as embedded text, [`shell_scalar`]).
pub(crate) fn scripts(kind: InputKind, doc: &Doc<'_>) -> Vec<super::source::NodeId> {
    match kind {
        InputKind::Gitlab => gitlab::scripts(doc),
        InputKind::Drone => drone::scripts(doc),
        InputKind::Tekton => tekton::scripts(doc),
        InputKind::GithubActions => actions::scripts(doc),
        InputKind::Kubernetes => super::k8s::scripts(doc),
        _ => Vec::new(),
    }
}

/// The `resource.manifest` strings of an Argo Workflows object's `resource` templates that
/// create or change an object (`action` `create`, `apply`, `replace`, `patch`, or none; not
/// `get` or `delete`): the YAML of the object the workflow makes, read as Kubernetes YAML
/// ([`embed::yaml_scalar`]).
pub(crate) fn manifests(doc: &Doc<'_>) -> Vec<super::source::NodeId> {
    if !argo(doc) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for i in 0..doc.nodes.len() {
        let Ok(id) = super::source::NodeId::try_from(i) else {
            break;
        };
        if !doc.is_map(id) {
            continue;
        }
        let Some(res) = doc.get(id, "resource").filter(|&r| doc.is_map(r)) else {
            continue;
        };
        let action = doc
            .get(res, "action")
            .and_then(|a| doc.str(a))
            .unwrap_or("");
        if matches!(action, "get" | "delete") {
            continue;
        }
        if let Some(m) = doc
            .get(res, "manifest")
            .map(|m| doc.resolve(m))
            .filter(|&m| doc.str(m).is_some())
        {
            out.push(m);
        }
    }
    out
}

/// A value that stands for something the CI system adds (not written in the file), placed at `loc`.
fn implied<'t>(text: &'static str, loc: Loc<'t>) -> Val<'t> {
    Val::new(Cow::Borrowed(text), loc)
}

/// A mount of volume `index` (by name) at `target`, resolved against the workload's volumes.
fn mount_volume<'t>(
    w: &Workload<'t>,
    loc: Loc<'t>,
    name: Val<'t>,
    target: Option<Val<'t>>,
    read_only: bool,
) -> Mount<'t> {
    let index = w.volumes.iter().position(|v| v.name == name.as_str());
    let host = index
        .and_then(|i| w.volumes.get(i))
        .and_then(|v| match &v.source {
            VolumeSource::Host { path, .. } => {
                Some(HostPath::resolve(path.clone(), None, Via::Direct))
            }
            _ => None,
        });
    Mount {
        propagation: None,
        loc,
        target,
        volume: index,
        volume_name: Some(name),
        sub_path: None,
        read_only,
        host,
    }
}

/// Mark the volumes some container mounts.
fn mark_used(w: &mut Workload<'_>) {
    for i in 0..w.volumes.len() {
        let used = w.volume_used(i);
        if let Some(v) = w.volumes.get_mut(i) {
            v.used = used;
        }
    }
}

/// `$$` → `$` (GitLab and Drone escape a literal dollar so).
fn undollar(v: Val<'_>) -> Val<'_> {
    if v.as_str().contains("$$") {
        let t = v.as_str().replace("$$", "$");
        Val::new(t, v.loc)
    } else {
        v
    }
}

/// The anonymous volume Docker creates for the `VOLUME` of the official `docker:*dind*` images
/// (`/var/lib/docker`, `/home/rootless/.local/share/docker` for rootless), which runners that start
/// containers with Docker honour (GitLab's Docker executor, Drone's Docker runner): the daemon's
/// storage is not on the overlay there (DS026).
fn image_volume(c: &mut Container<'_>) {
    let Some(img) = &c.image else { return };
    let (repo, tag) = image_parts(img.as_str());
    if repo != "docker" || !tag.contains("dind") {
        return;
    }
    let target = if tag.contains("rootless") {
        "/home/rootless/.local/share/docker"
    } else {
        "/var/lib/docker"
    };
    c.mounts.push(Mount::anonymous(implied(target, img.loc)));
}

/// The kind every CI container is (they run side by side in one pod or job network).
const CONTAINER: ContainerKind = ContainerKind::Container;
