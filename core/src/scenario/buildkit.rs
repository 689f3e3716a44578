//! `buildkit`: build an image from a CI job without any Docker daemon, with rootless BuildKit
//! (seed 001's "build an image from a CI job", daemonless).

use super::common;
use super::images::BUSYBOX_IMAGE;
use super::{NoteLevel, ParamSpec, Resolved, Scenario, ScenarioId};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Container, ContainerRole, DaemonKind, Endpoint, EnvVar, Volume, VolumeSource};
use crate::quote::Shell;

use super::images::BUILDKIT_VERSION;

pub(crate) fn params() -> Vec<ParamSpec> {
    let mut p = common::workload_params(
        "buildkit",
        &format!("moby/buildkit:{BUILDKIT_VERSION}-rootless"),
        "buildctl-daemonless.sh",
        "",
        Shell::Sh,
    );
    p.extend(common::ci_params());
    p.push(ParamSpec::text(
        "context",
        "the build context inside the container, filled by the source step",
        "/workspace",
    ));
    p.push(ParamSpec::text(
        "output",
        "the image name to build (pushed when `push=true`)",
        "registry.example.com/app:latest",
    ));
    p.push(ParamSpec::choice(
        "push",
        "push the image to its registry after the build",
        &["false", "true"],
    ));
    p.push(ParamSpec::text(
        "source",
        "a Git URL BuildKit builds from; empty: a source step fills `context` first",
        "",
    ));
    p.push(ParamSpec::text(
        "cache",
        "a registry reference for BuildKit's layer cache (`--export-cache`/`--import-cache type=registry`), e.g. `registry.example.com/app:buildcache`; empty: none",
        "",
    ));
    p.push(ParamSpec::text(
        "registry_secret",
        "with `push=true`: the Secret (type kubernetes.io/dockerconfigjson) holding the registry credentials",
        "registry-credentials",
    ));
    p
}

/// The folder BuildKit reads registry credentials from (`~/.docker` of the image's user).
pub(crate) const DOCKER_CONFIG_DIR: &str = "/home/user/.docker";

/// `buildctl build` arguments: the Dockerfile frontend over `context` (a local folder, or a Git URL
/// that BuildKit fetches itself), the image `output`, pushed when `push`.
pub(crate) fn build_args(context: &str, output: &str, push: bool, cache: &str) -> Vec<String> {
    let mut args: Vec<String> = vec!["build".into(), "--frontend".into(), "dockerfile.v0".into()];
    if is_git_url(context) {
        args.extend(["--opt".into(), format!("context={context}")]);
    } else {
        args.extend([
            "--local".into(),
            format!("context={context}"),
            "--local".into(),
            format!("dockerfile={context}"),
        ]);
    }
    args.extend([
        "--output".into(),
        format!("type=image,name={output},push={push}"),
    ]);
    if !cache.is_empty() {
        // The layer cache lives in a registry: every job starts with an empty BuildKit store.
        args.extend([
            "--export-cache".into(),
            format!("type=registry,ref={cache},mode=max"),
            "--import-cache".into(),
            format!("type=registry,ref={cache}"),
        ]);
    }
    args
}

fn is_git_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("git@") || s.starts_with("ssh://")
}

/// The placeholder Dockerfile the source step writes when no `source` is given.
const PLACEHOLDER_DOCKERFILE: &str =
    "printf 'FROM busybox:1.37\\nRUN echo built by dockscape > /built\\n' > \"$0/Dockerfile\"";

pub(crate) fn build(r: &Resolved<'_>) -> Result<Scenario> {
    let context = r.get("context");
    let source = r.get("source");
    if !source.is_empty() && !is_git_url(&source) {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            format!(
                "invalid value `{source}` for `source`: expected a Git URL (`https://...`, `ssh://...` or `git@...`) that BuildKit fetches, or empty for a source step that fills `{context}`"
            ),
        ));
    }
    let push = r.get("push") == "true";
    let mut pod = common::pod(r, "Never");
    let mut c = common::workload_container(r, "buildkit")?;
    if !r.is_set("args") {
        let from = if source.is_empty() { &context } else { &source };
        c.args = build_args(from, &r.get("output"), push, &r.get("cache"));
    }
    if !c.env.iter().any(|e| e.name == "BUILDKITD_FLAGS") {
        c.env.insert(
            0,
            EnvVar::text("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox"),
        );
    }
    common::run_as(&mut c, 1000);
    c.security.unconfined = true;
    c.mounts.push(common::mount(
        "buildkitd",
        "/home/user/.local/share/buildkit",
        false,
    ));
    pod.volumes
        .push(common::empty_dir("buildkitd", false, None));
    if source.is_empty() {
        // The source step (upstream's rootless Job form): it fills the context before the build.
        let mut step = Container::new("source", BUSYBOX_IMAGE);
        step.role = ContainerRole::Init;
        step.command = vec![
            "sh".into(),
            "-c".into(),
            PLACEHOLDER_DOCKERFILE.into(),
            context.clone(),
        ];
        // As root: outside Kubernetes the context volume is created root-owned (an emptyDir is
        // world-writable, a Docker volume over a folder the image lacks is not).
        common::share_empty_dir(
            &mut pod,
            "workspace",
            false,
            (&mut step, &mut c),
            &context,
            true,
        );
        pod.containers.push(step);
    }
    if push {
        let secret = r.get("registry_secret");
        if !crate::validate::is_dns1123_subdomain(&secret) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "invalid value `{secret}` for `registry_secret`: expected a Secret name (DNS-1123 subdomain)"
                ),
            ));
        }
        c.mounts
            .push(common::mount("registry-auth", DOCKER_CONFIG_DIR, true));
        pod.volumes.push(Volume {
            name: "registry-auth".into(),
            source: VolumeSource::Secret {
                secret,
                items: vec![(".dockerconfigjson".into(), "config.json".into())],
            },
        });
    }
    // No Kubernetes API token: the build needs none.
    pod.automount_service_account_token = Some(false);
    pod.containers.push(c);
    let socket = Endpoint::Unix {
        path: "/run/user/1000/buildkit/buildkitd.sock".into(),
    };
    let topology = common::node_with_pod_daemon(
        DaemonKind::Buildkitd,
        "buildkit",
        socket,
        "buildctl",
        "buildkit",
    );
    let mut s = common::scenario(ScenarioId::Buildkit, r, topology, pod);
    s.risks.push(common::risk(
        "DS017",
        "rootless BuildKit needs seccomp and AppArmor Unconfined to create its user namespace and mounts (no privileged, no socket)",
    ));
    s.notes.push(common::note(
        NoteLevel::Info,
        "no Docker daemon anywhere: buildctl-daemonless.sh starts a rootless buildkitd (uid 1000) inside the container for the one build, with --oci-worker-no-process-sandbox",
    ));
    s.notes.push(common::note(
        NoteLevel::Warning,
        "what it cannot do: there is no `docker run` of the built image inside the job; push it and run it elsewhere (a Job, a test pod)",
    ));
    if source.is_empty() {
        s.notes.push(common::note(
            NoteLevel::Warning,
            format!("the source step `source` writes a placeholder Dockerfile into {context}: replace its command with your checkout (`git clone`, a copy from an artifact), or give `--set source=<git URL>` and BuildKit fetches the context itself"),
        ));
    } else {
        s.notes.push(common::note(
            NoteLevel::Info,
            format!("BuildKit fetches the build context from {source} itself: no source step, no context volume"),
        ));
    }
    let cache = r.get("cache");
    if cache.is_empty() {
        s.notes.push(common::note(
            NoteLevel::Info,
            "each job starts with an empty BuildKit store: `--set cache=<registry ref>` exports the layer cache to a registry and imports it on the next build",
        ));
    } else {
        s.notes.push(common::note(
            NoteLevel::Info,
            format!("the layer cache is {cache} in the registry (`mode=max` keeps every stage's layers): the next job imports it instead of rebuilding; the credentials must allow pushing there"),
        ));
    }
    common::hardening_notes(&mut s);
    if push {
        s.notes.push(common::note(
            NoteLevel::Info,
            format!("the push credentials come from the Secret `{}` (type kubernetes.io/dockerconfigjson: `kubectl create secret docker-registry {} --docker-server=... --docker-username=... --docker-password=...`), mounted read-only as {DOCKER_CONFIG_DIR}/config.json; outside Kubernetes, put that config.json in the folder `./{}`", r.get("registry_secret"), r.get("registry_secret"), r.get("registry_secret")),
        ));
    }
    Ok(s)
}
