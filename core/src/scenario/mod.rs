//! The scenario catalogue: one file per scenario id, each a function from parameters to a [`Scenario`].

mod buildkit;
pub(crate) mod common;
mod dind;
mod dood;
pub(crate) mod images;
mod kubernetes;
mod linux;
mod params;
mod sysbox;
mod windows;

pub(crate) use buildkit::build_args as buildkit_build_args;
pub use images::{IMAGES, ImageVersion, images, images_markdown};
pub(crate) use params::Resolved;
pub use params::{ParamKind, ParamSpec, ParamValue, Params};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Endpoint, Os, Pod, Topology, WorkloadKind};
use crate::quote::Shell;
use serde::Serialize;
use std::sync::OnceLock;

/// The id of a scenario in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScenarioId {
    /// Docker CLI and daemon natively on a Linux host.
    Linux,
    /// Docker CLI on Windows, daemon in a Linux VM.
    Windows,
    /// The kubelet drives containerd or CRI-O; no Docker daemon.
    Kubernetes,
    /// Docker-outside-of-Docker: the workload borrows the host's daemon through its socket.
    Dood,
    /// Docker-in-Docker: a privileged daemon sidecar in the pod.
    Dind,
    /// Docker-in-Docker with the rootless daemon image.
    DindRootless,
    /// Docker-in-Docker under the Sysbox runtime, without privileged.
    Sysbox,
    /// Daemonless image builds with rootless BuildKit.
    Buildkit,
}

impl ScenarioId {
    /// Every scenario, in catalogue order.
    pub const ALL: [ScenarioId; 8] = [
        ScenarioId::Linux,
        ScenarioId::Windows,
        ScenarioId::Kubernetes,
        ScenarioId::Dood,
        ScenarioId::Dind,
        ScenarioId::DindRootless,
        ScenarioId::Sysbox,
        ScenarioId::Buildkit,
    ];

    /// The id as text.
    pub fn id(self) -> &'static str {
        match self {
            ScenarioId::Linux => "linux",
            ScenarioId::Windows => "windows",
            ScenarioId::Kubernetes => "kubernetes",
            ScenarioId::Dood => "dood",
            ScenarioId::Dind => "dind",
            ScenarioId::DindRootless => "dind-rootless",
            ScenarioId::Sysbox => "sysbox",
            ScenarioId::Buildkit => "buildkit",
        }
    }

    /// Parse an id; the error lists the catalogue.
    pub fn parse(s: &str) -> Result<ScenarioId> {
        ScenarioId::ALL
            .into_iter()
            .find(|id| id.id() == s)
            .ok_or_else(|| {
                let ids: Vec<String> = ScenarioId::ALL
                    .iter()
                    .map(|i| format!("`{}`", i.id()))
                    .collect();
                Error::new(
                    ErrorKind::UnknownScenario,
                    format!("unknown scenario `{s}`: expected one of {}", ids.join(", ")),
                )
            })
    }

    fn title_summary(self) -> (&'static str, &'static str) {
        match self {
            ScenarioId::Linux => (
                "Docker on Linux",
                "Docker CLI and dockerd run natively on a Linux host",
            ),
            ScenarioId::Windows => (
                "Docker on Windows",
                "Docker CLI on Windows, dockerd inside a Linux VM (WSL 2, Hyper-V or VirtualBox)",
            ),
            ScenarioId::Kubernetes => (
                "Docker on Kubernetes",
                "the kubelet drives containerd or CRI-O through the CRI; no Docker daemon on the node",
            ),
            ScenarioId::Dood => (
                "Docker-outside-of-Docker",
                "the workload borrows the host's daemon through its socket; its containers are siblings on the host",
            ),
            ScenarioId::Dind => (
                "Docker-in-Docker",
                "a privileged docker:dind daemon runs beside the workload in the same pod",
            ),
            ScenarioId::DindRootless => (
                "Rootless Docker-in-Docker",
                "as dind with the docker:dind-rootless image (uid 1000), still privileged",
            ),
            ScenarioId::Sysbox => (
                "Docker-in-Docker on Sysbox",
                "dockerd inside a Sysbox sandbox (runtimeClassName sysbox-runc), without privileged",
            ),
            ScenarioId::Buildkit => (
                "Rootless BuildKit",
                "build images without any Docker daemon, with rootless BuildKit",
            ),
        }
    }

    fn params(self) -> Vec<ParamSpec> {
        match self {
            ScenarioId::Linux => linux::params(),
            ScenarioId::Windows => windows::params(),
            ScenarioId::Kubernetes => kubernetes::params(),
            ScenarioId::Dood => dood::params(),
            ScenarioId::Dind => dind::params(dind::Flavour::Root),
            ScenarioId::DindRootless => dind::params(dind::Flavour::Rootless),
            ScenarioId::Sysbox => sysbox::params(),
            ScenarioId::Buildkit => buildkit::params(),
        }
    }
}

/// A scenario in the catalogue, with the parameters it takes.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    /// Id (`dind`).
    pub id: &'static str,
    /// Title (`Docker-in-Docker`).
    pub title: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Every parameter, with default and accepted values.
    pub params: Vec<ParamSpec>,
}

/// The catalogue.
pub fn scenarios() -> &'static [ScenarioInfo] {
    static CATALOGUE: OnceLock<Vec<ScenarioInfo>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        ScenarioId::ALL
            .iter()
            .map(|id| {
                let (title, summary) = id.title_summary();
                ScenarioInfo {
                    id: id.id(),
                    title,
                    summary,
                    params: id.params(),
                }
            })
            .collect()
    })
}

/// How much a note matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteLevel {
    /// Good to know.
    Info,
    /// A risk or a pitfall the user chose or must act on.
    Warning,
}

/// A note every output carries (as comments, on stderr, in explanations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Level.
    pub level: NoteLevel,
    /// One or two sentences, plain text.
    pub text: String,
}

/// A lint rule the scenario's own artifacts trigger, and why that is the price of the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Risk {
    /// Rule code (`DS006`).
    pub code: &'static str,
    /// Rule name (`privileged-container`).
    pub name: &'static str,
    /// Why this scenario carries it.
    pub why: String,
}

/// A scenario built from parameters: the topology, the workload pod and what to say about them.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Which scenario.
    pub id: ScenarioId,
    /// Title.
    pub title: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Every parameter with its effective value.
    pub params: Vec<(String, String)>,
    /// Hosts, daemons and clients.
    pub topology: Topology,
    /// The workload.
    pub pod: Pod,
    /// The Kubernetes object that carries the pod in `--format pod` (the `kind` parameter).
    pub workload: WorkloadKind,
    /// Notes for every output.
    pub notes: Vec<Note>,
    /// Lint rules the generated artifacts trigger (exactly these: a test lints every artifact).
    pub risks: Vec<Risk>,
    /// The endpoint the host's `docker` CLI uses before running the workload (`linux`, `windows`).
    pub host_endpoint: Option<Endpoint>,
    /// The OS of the machine where the `run` commands are typed.
    pub client_os: Os,
    /// The default shell of the `run` output.
    pub shell: Shell,
    /// Setup steps for the host's CLI (`DOCKER_HOST`, `docker-machine env`), rendered per shell.
    #[serde(skip)]
    pub(crate) setup: common::Setup,
    /// Parameters whose effective value the scenario chose from others (the daemon as a native
    /// sidecar in a Job), shown instead of their defaults.
    #[serde(skip)]
    pub(crate) derived: Vec<(String, String)>,
}

impl Scenario {
    /// The effective value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The rule codes this scenario's artifacts carry.
    pub fn risk_codes(&self) -> Vec<&'static str> {
        self.risks.iter().map(|r| r.code).collect()
    }
}

/// Build scenario `id` from `params` (unset parameters take their defaults).
pub fn build_scenario(id: &str, params: &Params) -> Result<Scenario> {
    let id = ScenarioId::parse(id)?;
    let specs = id.params();
    let r = Resolved::new(id.id(), &specs, params)?;
    for key in ["name", "namespace"] {
        let v = r.get(key);
        if !crate::validate::is_dns1123_label(&v) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "invalid value `{v}` for `{key}`: expected a DNS-1123 label (at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)"
                ),
            ));
        }
    }
    let (workload, workload_notes) = common::workload_kind(&r)?;
    let mut s = match id {
        ScenarioId::Linux => linux::build(&r)?,
        ScenarioId::Windows => windows::build(&r)?,
        ScenarioId::Kubernetes => kubernetes::build(&r)?,
        ScenarioId::Dood => dood::build(&r)?,
        ScenarioId::Dind => dind::build(&r, dind::Flavour::Root)?,
        ScenarioId::DindRootless => dind::build(&r, dind::Flavour::Rootless)?,
        ScenarioId::Sysbox => sysbox::build(&r)?,
        ScenarioId::Buildkit => buildkit::build(&r)?,
    };
    let (title, summary) = id.title_summary();
    s.title = title;
    s.summary = summary;
    s.params = r.effective();
    for (k, v) in std::mem::take(&mut s.derived) {
        if let Some(p) = s.params.iter_mut().find(|(name, _)| *name == k) {
            p.1 = v;
        }
    }
    s.workload = workload;
    s.notes.extend(workload_notes);
    Ok(s)
}
