//! Each workload's scenario: how Docker is reached from it.

use serde::Serialize;

use crate::read::ir::Workload;
use crate::read::paths::{PathClass, Runtime};

/// How a workload reaches a container runtime (SCENARIOS.md ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadScenario {
    /// Docker-outside-of-Docker: a host runtime socket reaches it.
    Dood,
    /// Docker-in-Docker: it runs its own daemon.
    Dind,
    /// Docker-in-Docker with the rootless daemon.
    DindRootless,
    /// Runs under the Sysbox runtime.
    Sysbox,
    /// Builds images without a daemon (BuildKit rootless, Kaniko, Buildah).
    DaemonlessBuild,
    /// Reaches Docker Desktop's socket or a Windows named pipe.
    DockerDesktop,
    /// None of these.
    None,
}

impl WorkloadScenario {
    /// The id (`dood`, `dind-rootless`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadScenario::Dood => "dood",
            WorkloadScenario::Dind => "dind",
            WorkloadScenario::DindRootless => "dind-rootless",
            WorkloadScenario::Sysbox => "sysbox",
            WorkloadScenario::DaemonlessBuild => "daemonless-build",
            WorkloadScenario::DockerDesktop => "docker-desktop",
            WorkloadScenario::None => "none",
        }
    }
}

impl std::fmt::Display for WorkloadScenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Classify a workload (first match wins: desktop, dood, sysbox, dind-rootless, dind,
/// daemonless-build, none).
pub(crate) fn classify(w: &Workload<'_>) -> WorkloadScenario {
    let hosts = || {
        w.containers
            .iter()
            .flat_map(|c| c.mounts.iter())
            .filter_map(|m| m.host.as_ref())
    };
    if hosts().any(|h| {
        matches!(h.class, PathClass::Pipe(_))
            || matches!(h.class, PathClass::Socket(s) if s.runtime == Runtime::DockerDesktop)
    }) {
        return WorkloadScenario::DockerDesktop;
    }
    if hosts().any(|h| h.runtime().is_some()) {
        return WorkloadScenario::Dood;
    }
    if w.sysbox() {
        return WorkloadScenario::Sysbox;
    }
    let dind: Vec<_> = w.containers.iter().filter(|c| c.runs_dockerd()).collect();
    if !dind.is_empty() {
        let rootless = dind.iter().any(|c| c.rootless_daemon());
        return if rootless {
            WorkloadScenario::DindRootless
        } else {
            WorkloadScenario::Dind
        };
    }
    if w.containers.iter().any(|c| {
        c.image_parts().is_some_and(|(repo, _)| {
            repo.contains("kaniko") || repo.contains("buildah") || repo.contains("buildkit")
        }) || c.argv().any(|a| {
            let a = a.as_str();
            a.contains("buildkitd")
                || a.contains("buildctl-daemonless")
                || a.contains("/kaniko/executor")
        })
    }) {
        return WorkloadScenario::DaemonlessBuild;
    }
    WorkloadScenario::None
}
