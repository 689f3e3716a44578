//! `kubernetes`: the kubelet drives containerd or CRI-O through the CRI; no Docker CLI or daemon on the
//! node (seeds 000 and 003).

use super::common;
use super::{NoteLevel, ParamSpec, Resolved, Scenario, ScenarioId};
use crate::error::Result;
use crate::model::{Client, Daemon, DaemonKind, DaemonPlace, Endpoint, Host, Os, Topology};
use crate::quote::Shell;

pub(crate) fn params() -> Vec<ParamSpec> {
    let mut p = common::workload_params("web", "httpd:latest", "", "80", Shell::Sh);
    p.push(ParamSpec::choice(
        "runtime",
        "the CRI runtime the kubelet drives",
        &["containerd", "cri-o"],
    ));
    p
}

/// The CRI socket of a runtime id.
pub(crate) fn cri_socket(runtime: &str) -> &'static str {
    match runtime {
        "cri-o" => "/var/run/crio/crio.sock",
        _ => "/run/containerd/containerd.sock",
    }
}

pub(crate) fn build(r: &Resolved<'_>) -> Result<Scenario> {
    let runtime = r.get("runtime");
    let kind = if runtime == "cri-o" {
        DaemonKind::CriO
    } else {
        DaemonKind::Containerd
    };
    let endpoint = Endpoint::Unix {
        path: cri_socket(&runtime).into(),
    };
    let mut pod = common::pod(r, "Always");
    pod.containers
        .push(common::workload_container(r, &r.get("name"))?);
    let topology = Topology {
        hosts: vec![Host {
            name: "kubernetes node".into(),
            os: Os::Linux,
            vm: None,
        }],
        daemons: vec![Daemon {
            kind,
            place: DaemonPlace::Host { host: 0 },
            endpoints: vec![endpoint.clone()],
            starts_siblings: false,
        }],
        clients: vec![
            Client {
                program: "kubelet".into(),
                place: "kubernetes node".into(),
                daemon: 0,
                endpoint: endpoint.clone(),
            },
            Client {
                program: "crictl".into(),
                place: "kubernetes node".into(),
                daemon: 0,
                endpoint: endpoint.clone(),
            },
        ],
    };
    let mut s = common::scenario(ScenarioId::Kubernetes, r, topology, pod);
    s.notes.push(common::note(
        NoteLevel::Info,
        format!(
            "the kubelet talks to {} through the CRI at {}; runc starts the containers. There is no Docker CLI or daemon on the node",
            kind.program(),
            endpoint.url()
        ),
    ));
    s.notes.push(common::note(
        NoteLevel::Info,
        "images built with Docker are OCI images and run unchanged; `crictl` (with --runtime-endpoint) is the node admin's equivalent of the docker CLI",
    ));
    Ok(s)
}
