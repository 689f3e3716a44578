//! `buildkit`: build an image from a CI job without any Docker daemon, with rootless BuildKit
//! (seed 001's "build an image from a CI job", daemonless).

use super::common;
use super::{NoteLevel, ParamSpec, Resolved, Scenario, ScenarioId};
use crate::error::Result;
use crate::model::{DaemonKind, Endpoint, EnvVar, Mount, Volume, VolumeSource};
use crate::quote::Shell;

/// The BuildKit release in the default image.
const BUILDKIT_VERSION: &str = "v0.23.2";

pub(crate) fn params() -> Vec<ParamSpec> {
    let mut p = common::workload_params(
        "buildkit",
        &format!("moby/buildkit:{BUILDKIT_VERSION}-rootless"),
        "buildctl-daemonless.sh",
        "",
        Shell::Sh,
    );
    p.push(ParamSpec::text(
        "context",
        "the build context inside the container (fill it before the build, e.g. from an init container)",
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
    p
}

pub(crate) fn build(r: &Resolved<'_>) -> Result<Scenario> {
    let context = r.get("context");
    let mut pod = common::pod(r, "Never");
    let mut c = common::workload_container(r, "buildkit")?;
    if !r.is_set("args") {
        c.args = vec![
            "build".into(),
            "--frontend".into(),
            "dockerfile.v0".into(),
            "--local".into(),
            format!("context={context}"),
            "--local".into(),
            format!("dockerfile={context}"),
            "--output".into(),
            format!("type=image,name={},push={}", r.get("output"), r.get("push")),
        ];
    }
    if !c.env.iter().any(|e| e.name == "BUILDKITD_FLAGS") {
        c.env.insert(
            0,
            EnvVar::text("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox"),
        );
    }
    c.security.run_as_user = Some(1000);
    c.security.run_as_group = Some(1000);
    c.security.unconfined = true;
    c.mounts.push(Mount {
        volume: "buildkitd".into(),
        path: "/home/user/.local/share/buildkit".into(),
        read_only: false,
        sub_path: None,
    });
    c.mounts.push(Mount {
        volume: "workspace".into(),
        path: context.clone(),
        read_only: false,
        sub_path: None,
    });
    pod.volumes.push(Volume {
        name: "buildkitd".into(),
        source: VolumeSource::EmptyDir { memory: false },
    });
    pod.volumes.push(Volume {
        name: "workspace".into(),
        source: VolumeSource::EmptyDir { memory: false },
    });
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
    s.notes.push(common::note(
        NoteLevel::Info,
        format!("the build context {context} starts empty: fill it first (an init container running `git clone`, or a volume with the sources); registry credentials go in ~/.docker/config.json"),
    ));
    Ok(s)
}
