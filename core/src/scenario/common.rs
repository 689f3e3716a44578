//! Pieces every scenario shares: common parameters, the workload container, risks, host CLI setup.

use super::{Note, NoteLevel, ParamKind, ParamSpec, Resolved, Risk, Scenario, ScenarioId};
use crate::error::Result;
use crate::model::{
    Client, Container, Daemon, DaemonKind, DaemonPlace, Endpoint, Host, Os, Pod, Topology,
};
use crate::quote::Shell;

/// Docker version used in image tags by default.
pub(crate) const DOCKER_VERSION: &str = "28";

/// The seeds' own example job: what the workload's docker client runs.
pub(crate) const SEED_COMMAND: &str = "docker run -p 80:80 httpd:latest";

/// The parameters every scenario takes, with scenario-specific defaults.
pub(crate) fn workload_params(
    name: &str,
    image: &str,
    command: &str,
    ports: &str,
    shell: Shell,
) -> Vec<ParamSpec> {
    vec![
        ParamSpec::text(
            "name",
            "pod name, Compose project and network name (DNS-1123)",
            name,
        ),
        ParamSpec::text("namespace", "Kubernetes namespace", "default"),
        ParamSpec::text("image", "image of the workload container", image),
        ParamSpec::text(
            "command",
            "the workload's command, in sh syntax (Kubernetes `command`)",
            command,
        )
        .of_kind(ParamKind::Words),
        ParamSpec::text(
            "args",
            "arguments after the command, in sh syntax (Kubernetes `args`)",
            "",
        )
        .of_kind(ParamKind::Words),
        ParamSpec::text(
            "env",
            "environment of the workload: `NAME=value` lines, or `--set env.NAME=value`",
            "",
        )
        .of_kind(ParamKind::Env),
        ParamSpec::text(
            "ports",
            "ports, comma-separated `[published:]container[/udp]`",
            ports,
        )
        .of_kind(ParamKind::Ports),
        ParamSpec::text("cpu", "CPU request of the workload (`10m`)", "10m")
            .of_kind(ParamKind::Quantity),
        ParamSpec::text(
            "memory",
            "memory request of the workload (`256Mi`)",
            "256Mi",
        )
        .of_kind(ParamKind::Quantity),
        ParamSpec::text("cpu_limit", "CPU limit of the workload", "").of_kind(ParamKind::Quantity),
        ParamSpec::text("memory_limit", "memory limit of the workload", "")
            .of_kind(ParamKind::Quantity),
        shell_param(shell),
    ]
}

/// The `shell` parameter with `default` first.
pub(crate) fn shell_param(default: Shell) -> ParamSpec {
    let mut accepted: Vec<&'static str> = vec![default.id()];
    accepted.extend(
        Shell::ALL
            .iter()
            .map(|s| s.id())
            .filter(|s| *s != default.id()),
    );
    ParamSpec::choice(
        "shell",
        "shell the `docker run` output is quoted for",
        &accepted,
    )
}

/// The workload container from the common parameters.
pub(crate) fn workload_container(r: &Resolved<'_>, name: &str) -> Result<Container> {
    let mut c = Container::new(name, r.get("image"));
    c.command = r.words("command")?;
    c.args = r.words("args")?;
    c.env = r.env()?;
    c.ports = r.ports()?;
    c.resources = r.resources();
    Ok(c)
}

/// An empty pod named by the `name` and `namespace` parameters.
pub(crate) fn pod(r: &Resolved<'_>, restart_policy: &str) -> Pod {
    let name = r.get("name");
    Pod {
        labels: vec![("app.kubernetes.io/name".to_owned(), name.clone())],
        name,
        namespace: r.get("namespace"),
        containers: Vec::new(),
        volumes: Vec::new(),
        runtime_class: None,
        host_users: None,
        node_selector: Vec::new(),
        restart_policy: restart_policy.to_owned(),
    }
}

/// A scenario value with empty notes and risks.
pub(crate) fn scenario(id: ScenarioId, r: &Resolved<'_>, topology: Topology, pod: Pod) -> Scenario {
    Scenario {
        id,
        title: "",
        summary: "",
        params: Vec::new(),
        topology,
        pod,
        notes: Vec::new(),
        risks: Vec::new(),
        host_endpoint: None,
        client_os: Os::Linux,
        shell: Shell::parse(&r.get("shell")).unwrap_or(Shell::Sh),
        setup: Setup::default(),
    }
}

/// A note.
pub(crate) fn note(level: NoteLevel, text: impl Into<String>) -> Note {
    Note {
        level,
        text: text.into(),
    }
}

/// A risk the scenario's artifacts carry: the rule's name comes from the lint registry, so the
/// generator and the linter cannot drift apart (`tests/tests/consistency.rs` lints every artifact).
pub(crate) fn risk(code: &'static str, why: impl Into<String>) -> Risk {
    let name = crate::lint::rule(code).map_or("unknown-rule", |r| r.name);
    Risk {
        code,
        name,
        why: why.into(),
    }
}

/// One step of pointing the host's Docker CLI at its daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SetupStep {
    /// Set an environment variable for the following commands.
    Env(String, String),
    /// Load `docker-machine env <machine>` into the shell.
    DockerMachineEnv(String),
}

/// The host CLI setup of a scenario (empty for the default local socket).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Setup {
    pub(crate) steps: Vec<SetupStep>,
}

/// DOCKER_HOST (and DOCKER_TLS_VERIFY for a TLS TCP endpoint; the CLI then reads `ca.pem`, `cert.pem`
/// and `key.pem` from `~/.docker`) as setup steps.
pub(crate) fn endpoint_setup(endpoint: &Endpoint) -> Setup {
    let mut steps = vec![SetupStep::Env("DOCKER_HOST".into(), endpoint.url())];
    if let Endpoint::Tcp { tls: true, .. } = endpoint {
        steps.push(SetupStep::Env("DOCKER_TLS_VERIFY".into(), "1".into()));
    }
    Setup { steps }
}

/// A Kubernetes node (the kubelet driving containerd) whose pod runs a daemon of its own in
/// `container`, called by `client` in `client_place` at `endpoint`: DinD, rootless DinD, Sysbox, BuildKit.
pub(crate) fn node_with_pod_daemon(
    kind: DaemonKind,
    container: &str,
    endpoint: Endpoint,
    client: &str,
    client_place: &str,
) -> Topology {
    let cri = Endpoint::Unix {
        path: "/run/containerd/containerd.sock".into(),
    };
    Topology {
        hosts: vec![Host {
            name: "node".into(),
            os: Os::Linux,
            vm: None,
        }],
        daemons: vec![
            Daemon {
                kind: DaemonKind::Containerd,
                place: DaemonPlace::Host { host: 0 },
                endpoints: vec![cri.clone()],
                starts_siblings: false,
            },
            Daemon {
                kind,
                place: DaemonPlace::Container {
                    container: container.into(),
                },
                endpoints: vec![endpoint.clone()],
                starts_siblings: false,
            },
        ],
        clients: vec![
            Client {
                program: "kubelet".into(),
                place: "node".into(),
                daemon: 0,
                endpoint: cri,
            },
            Client {
                program: client.into(),
                place: client_place.into(),
                daemon: 1,
                endpoint,
            },
        ],
    }
}

/// A Linux machine running `dockerd` at `endpoint`, called by the `docker` CLI in `client_place`
/// through `client_endpoint`: the `linux` host, or the node whose socket a DooD container borrows
/// (`starts_siblings`).
pub(crate) fn linux_dockerd(
    host: &str,
    endpoint: Endpoint,
    client_place: &str,
    client_endpoint: Endpoint,
    starts_siblings: bool,
) -> Topology {
    Topology {
        hosts: vec![Host {
            name: host.into(),
            os: Os::Linux,
            vm: None,
        }],
        daemons: vec![Daemon {
            kind: DaemonKind::Dockerd,
            place: DaemonPlace::Host { host: 0 },
            endpoints: vec![endpoint],
            starts_siblings,
        }],
        clients: vec![Client {
            program: "docker".into(),
            place: client_place.into(),
            daemon: 0,
            endpoint: client_endpoint,
        }],
    }
}
