//! `linux`: Docker CLI and dockerd run natively on a Linux host (seed 000, "Docker on Linux").

use super::common::{self, endpoint_setup};
use super::{NoteLevel, ParamSpec, Resolved, Scenario, ScenarioId};
use crate::error::Result;
use crate::model::Endpoint;
use crate::quote::Shell;

pub(crate) fn params() -> Vec<ParamSpec> {
    let mut p = common::workload_params("web", "httpd:latest", "", "80:80", Shell::Sh);
    p.push(ParamSpec::choice(
        "endpoint",
        "how the CLI reaches dockerd: the local socket or TCP with TLS",
        &["unix", "tcp"],
    ));
    p.push(ParamSpec::text(
        "tcp_host",
        "host name of the daemon for `endpoint=tcp`",
        "docker-host",
    ));
    p
}

pub(crate) fn build(r: &Resolved<'_>) -> Result<Scenario> {
    let endpoint = match r.get("endpoint").as_str() {
        "tcp" => Endpoint::Tcp {
            host: r.get("tcp_host"),
            port: 2376,
            tls: true,
        },
        _ => Endpoint::Unix {
            path: "/var/run/docker.sock".into(),
        },
    };
    let mut pod = common::pod(r, "Always");
    pod.containers
        .push(common::workload_container(r, &r.get("name"))?);
    let topology = common::linux_dockerd(
        "linux host",
        endpoint.clone(),
        "linux host",
        endpoint.clone(),
        false,
    );
    let mut s = common::scenario(ScenarioId::Linux, r, topology, pod);
    if let Endpoint::Tcp { .. } = endpoint {
        s.setup = endpoint_setup(&endpoint);
        s.notes.push(common::note(
            NoteLevel::Info,
            "dockerd listens on TCP 2376 with --tlsverify; the client reads ca.pem, cert.pem and key.pem from ~/.docker (or DOCKER_CERT_PATH)",
        ));
    } else {
        s.notes.push(common::note(
            NoteLevel::Info,
            "the CLI talks to dockerd through unix:///var/run/docker.sock (root:docker 0660): membership of the docker group is root on this host",
        ));
    }
    s.notes.push(common::note(
        NoteLevel::Info,
        "on Kubernetes the same workload runs as the Pod below, with no Docker daemon involved",
    ));
    s.host_endpoint = Some(endpoint);
    Ok(s)
}
