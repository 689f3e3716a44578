//! `dood`: Docker-outside-of-Docker. The workload container talks to the host's daemon through its
//! socket; the containers it starts are siblings on the host (seeds 000 sidecar, 001, 002).

use super::common::{self, CLIENT_COMMAND, DOCKER_VERSION};
use super::{NoteLevel, ParamSpec, Resolved, Scenario, ScenarioId};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Endpoint, HostPathType, Mount, Volume, VolumeSource};
use crate::quote::Shell;

pub(crate) fn params() -> Vec<ParamSpec> {
    let mut p = common::workload_params(
        "dood",
        &format!("docker:{DOCKER_VERSION}-cli"),
        CLIENT_COMMAND,
        "",
        Shell::Sh,
    );
    p.extend(common::ci_params());
    p.push(ParamSpec::choice(
        "mount",
        "mount only the socket, or the whole /var/run directory as seed 002 does",
        &["socket", "run-dir"],
    ));
    p.push(ParamSpec::text(
        "socket_path",
        "the host daemon's socket",
        "/var/run/docker.sock",
    ));
    p
}

pub(crate) fn build(r: &Resolved<'_>) -> Result<Scenario> {
    let socket = r.get("socket_path");
    if !socket.starts_with('/') || !socket.ends_with(".sock") {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            format!(
                "invalid value `{socket}` for `socket_path`: expected an absolute path ending in `.sock`"
            ),
        ));
    }
    let run_dir = r.get("mount") == "run-dir";
    let mut pod = common::pod(r, "Never");
    let mut c = common::workload_container(r, "docker-cmds")?;
    common::harden_client(&mut c);
    pod.automount_service_account_token = Some(false);
    let (volume, mount) = if run_dir {
        let dir = socket
            .rsplit_once('/')
            .map(|(d, _)| d)
            .filter(|d| !d.is_empty())
            .unwrap_or("/")
            .to_owned();
        (
            Volume {
                name: "docker-sock".into(),
                source: VolumeSource::HostPath {
                    path: dir.clone(),
                    kind: Some(HostPathType::Directory),
                },
            },
            Mount {
                volume: "docker-sock".into(),
                path: dir,
                read_only: false,
                sub_path: None,
            },
        )
    } else {
        (
            Volume {
                name: "docker-sock".into(),
                source: VolumeSource::HostPath {
                    path: socket.clone(),
                    kind: Some(HostPathType::Socket),
                },
            },
            Mount {
                volume: "docker-sock".into(),
                path: "/var/run/docker.sock".into(),
                read_only: false,
                sub_path: None,
            },
        )
    };
    c.mounts.push(mount);
    pod.volumes.push(volume);
    pod.containers.push(c);
    let endpoint = Endpoint::Unix {
        path: socket.clone(),
    };
    let topology = common::linux_dockerd(
        "node",
        endpoint,
        "docker-cmds",
        Endpoint::Unix {
            path: "/var/run/docker.sock".into(),
        },
        true,
    );
    let mut s = common::scenario(ScenarioId::Dood, r, topology, pod);
    if run_dir {
        s.risks.push(common::risk("DS002", format!("the host directory holding {socket} is mounted, so the socket and every other runtime socket in it reach the container")));
        s.risks.push(common::risk(
            "DS005",
            "the host directory is mounted writable",
        ));
    } else {
        s.risks.push(common::risk(
            "DS001",
            format!("the host daemon's socket {socket} is mounted: its API is root on the node"),
        ));
    }
    s.risks.push(common::risk(
        "DS016",
        "the container runs as root, so it can use the socket (root:docker 0660)",
    ));
    s.notes.push(common::note(
        NoteLevel::Warning,
        "whoever controls this container controls the node: the Docker API can start a privileged container that mounts the host's /, and it bypasses Kubernetes RBAC, admission and quotas",
    ));
    s.notes.push(common::note(
        NoteLevel::Warning,
        "containers it starts are siblings on the host, not children: they outlive the pod, Kubernetes does not see or schedule them, and fixed names collide (seed 001: two jobs running `docker run --name sleep_60` fail with `Conflict. The container name \"/sleep_60\" is already in use`; DS027)",
    ));
    s.notes.push(common::note(
        NoteLevel::Warning,
        format!("on Kubernetes the Pod needs a node that runs Docker Engine (with cri-dockerd as the kubelet's runtime, or beside containerd): since Kubernetes 1.24 nodes run containerd or CRI-O and have no {socket}, so on most clusters the `hostPath` type `Socket` check fails and the Pod never starts; pin it to such nodes with a nodeSelector"),
    ));
    s.notes.push(common::note(
        NoteLevel::Warning,
        format!("the socket {socket} is `root:docker` mode 0660: a client that does not run as root (a CI runner such as ARC's, uid 1001) can use it only with the `docker` group's GID of the node among its groups (`securityContext.supplementalGroups`); the GID differs from node to node"),
    ));
    common::hardening_notes(&mut s);
    s.notes.push(common::note(
        NoteLevel::Info,
        "safer: `dind-rootless`, `sysbox` or `buildkit`; if the socket must stay, put a read-only socket proxy in front of it",
    ));
    Ok(s)
}
