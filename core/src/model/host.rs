//! Hosts, VMs, daemons, endpoints and clients.

use serde::Serialize;

/// An operating system a host runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Os {
    /// Linux: the only OS that runs Linux containers natively.
    Linux,
    /// Windows: Linux containers need a VM.
    Windows,
    /// macOS: Linux containers need a VM.
    Macos,
}

/// The kind of virtual machine between a Windows or macOS host and the Linux daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VmKind {
    /// Windows Subsystem for Linux 2 (Docker Desktop's default backend).
    Wsl2,
    /// A Hyper-V VM (Docker Desktop's older backend, `DockerDesktopVM`).
    Hyperv,
    /// A VirtualBox VM managed by docker-machine (Docker Toolbox era).
    Virtualbox,
    /// Apple's Virtualization framework (Docker Desktop on macOS).
    Apple,
}

impl VmKind {
    /// The id used in parameters and output.
    pub fn id(self) -> &'static str {
        match self {
            VmKind::Wsl2 => "wsl2",
            VmKind::Hyperv => "hyperv",
            VmKind::Virtualbox => "virtualbox",
            VmKind::Apple => "apple",
        }
    }
}

/// A Linux VM that runs the daemon for a non-Linux host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vm {
    /// Which hypervisor.
    pub kind: VmKind,
    /// The VM's name as the user sees it (`docker-desktop`, `DockerDesktopVM`, `default`).
    pub name: String,
}

/// A machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Host {
    /// A short label (`linux host`, `kubernetes node`).
    pub name: String,
    /// Its operating system.
    pub os: Os,
    /// The VM the daemon lives in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm: Option<Vm>,
}

/// A container engine or builder daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DaemonKind {
    /// `dockerd` running as root.
    Dockerd,
    /// `dockerd` in rootless mode (user namespace, uid 1000).
    DockerdRootless,
    /// containerd, driven through the CRI by the kubelet.
    Containerd,
    /// CRI-O, driven through the CRI by the kubelet.
    CriO,
    /// BuildKit's `buildkitd`.
    Buildkitd,
}

impl DaemonKind {
    /// The program name.
    pub fn program(self) -> &'static str {
        match self {
            DaemonKind::Dockerd => "dockerd",
            DaemonKind::DockerdRootless => "dockerd (rootless)",
            DaemonKind::Containerd => "containerd",
            DaemonKind::CriO => "cri-o",
            DaemonKind::Buildkitd => "buildkitd",
        }
    }
}

/// How a client reaches a daemon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Endpoint {
    /// A unix domain socket at `path`.
    Unix {
        /// Absolute path of the socket.
        path: String,
    },
    /// A Windows named pipe, written `//./pipe/<name>`.
    NamedPipe {
        /// The pipe's name (`docker_engine`).
        name: String,
    },
    /// TCP to `host:port`, with or without TLS.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port (2375 plain, 2376 TLS by convention).
        port: u16,
        /// Whether the connection is TLS with client verification.
        tls: bool,
    },
}

impl Endpoint {
    /// The endpoint as a `DOCKER_HOST` value (`unix:///var/run/docker.sock`, `npipe:////./pipe/docker_engine`,
    /// `tcp://localhost:2376`).
    pub fn url(&self) -> String {
        match self {
            Endpoint::Unix { path } => format!("unix://{path}"),
            Endpoint::NamedPipe { name } => format!("npipe:////./pipe/{name}"),
            Endpoint::Tcp { host, port, .. } => format!("tcp://{host}:{port}"),
        }
    }

    /// The URL with `(TLS)` or `(plain, no TLS)` after TCP endpoints, for diagrams and explanations.
    pub fn label(&self) -> String {
        match self {
            Endpoint::Tcp { tls: true, .. } => format!("{} (TLS)", self.url()),
            Endpoint::Tcp { tls: false, .. } => format!("{} (plain, no TLS)", self.url()),
            _ => self.url(),
        }
    }
}

/// Where a daemon runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum DaemonPlace {
    /// Directly on the host with this index in [`Topology::hosts`].
    Host {
        /// Index into `hosts`.
        host: usize,
    },
    /// In the VM of that host.
    Vm {
        /// Index into `hosts`.
        host: usize,
    },
    /// In a container of the workload pod.
    Container {
        /// The container's name.
        container: String,
    },
}

/// A daemon and the endpoints it listens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Daemon {
    /// Which daemon.
    pub kind: DaemonKind,
    /// Where it runs.
    pub place: DaemonPlace,
    /// What it listens on.
    pub endpoints: Vec<Endpoint>,
    /// Whether the containers it starts are siblings of the workload on the host (DooD) rather than its
    /// children (DinD) or unrelated (the host's own daemon).
    pub starts_siblings: bool,
}

/// A client program and the endpoint it calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Client {
    /// The program (`docker`, `crictl`, `kubelet`, `buildctl`).
    pub program: String,
    /// Where it runs: a host label or a container name.
    pub place: String,
    /// Index into [`Topology::daemons`].
    pub daemon: usize,
    /// The endpoint it uses.
    pub endpoint: Endpoint,
}

/// Hosts, daemons and clients of one scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Topology {
    /// The machines.
    pub hosts: Vec<Host>,
    /// The daemons.
    pub daemons: Vec<Daemon>,
    /// The clients.
    pub clients: Vec<Client>,
}
