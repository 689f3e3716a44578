use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Port, Source, Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds the Docker API ports (2375 plain, 2376 TLS) published beyond the pod or container:
    /// a `containerPort` 2375/2376 with a `hostPort` (or in a `hostNetwork` pod, where every
    /// container port is a node port), a Compose `ports` entry and a `docker run -p` whose
    /// container side is 2375/2376 (or a range holding them). In Compose and `docker run` an entry
    /// without a host port is published too, on a random host port. A host address such as
    /// `127.0.0.1:2375:2375` is still reported: every local user and every host-network container
    /// reaches it, without the socket's `docker` group check. A `containerPort` alone (no
    /// `hostPort`), Compose `expose` and Services are not reported.
    ///
    /// ## Why is this bad?
    /// The Docker API is root on the daemon's host. Inside a pod, the client talks to a
    /// Docker-in-Docker daemon over `localhost`; publishing the port lets anything that reaches
    /// the node's address drive the daemon, and on 2375 without any authentication at all.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   docker-proxy:
    ///     image: tecnativa/docker-socket-proxy:0.3
    ///     ports:
    ///       - "2375:2375"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   docker-proxy:
    ///     image: tecnativa/docker-socket-proxy:0.3
    ///     expose:
    ///       - "2375"
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/protect-access/>
    /// - <https://kubernetes.io/docs/concepts/configuration/overview/#services>
    DaemonPortExposed {
        code: "DS010",
        name: "daemon-port-exposed",
        severity: High,
        summary: "the Docker API port (2375/2376) is published beyond the pod",
        message: [
            "the Docker API port `{0}` is published on host port `{1}`",
            "the Docker API port `{0}` is published on a random host port",
            "the Docker API port `{0}` listens on the node's network (`hostNetwork: true`)",
        ],
        help: "do not publish the daemon port; talk to the daemon over `localhost` inside the pod or over a private network",
    }
}

/// The Docker API port a container-port spec (`2375`, `2375/tcp`, `2370-2380`) covers.
fn daemon_port(spec: &str) -> Option<u16> {
    let spec = spec.trim();
    let spec = spec.split('/').next().unwrap_or(spec);
    let (lo, hi) = match spec.split_once('-') {
        Some((a, b)) => (a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?),
        None => {
            let p = spec.parse::<u16>().ok()?;
            (p, p)
        }
    };
    [2375, 2376].into_iter().find(|p| (lo..=hi).contains(p))
}

fn container_daemon_port(p: &Port<'_>) -> Option<u16> {
    p.container_port
        .as_ref()
        .and_then(|c| daemon_port(c.as_str()))
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            for p in &c.ports {
                let Some(port) = container_daemon_port(p) else {
                    continue;
                };
                let host = p
                    .host_port
                    .as_ref()
                    .filter(|h| !h.as_str().trim().is_empty() && h.as_str().trim() != "0");
                let at = p.container_port.as_ref().map_or(p.loc, |v| v.loc);
                let hit = match (host, unit.source) {
                    (Some(h), _) => Hit::new(wi, Some(ci), h.loc)
                        .args([port.to_string(), h.as_str().trim().to_string()]),
                    (None, Source::Kubernetes) if w.host_network.is_some() => {
                        Hit::new(wi, Some(ci), at)
                            .message(2)
                            .args([port.to_string()])
                    }
                    (None, Source::Kubernetes) => continue,
                    (None, Source::Compose | Source::Run) => Hit::new(wi, Some(ci), at)
                        .message(1)
                        .args([port.to_string()]),
                };
                cx.report(hit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::daemon_port;

    #[test]
    fn ports() {
        assert_eq!(daemon_port("2375"), Some(2375));
        assert_eq!(daemon_port("2376/tcp"), Some(2376));
        assert_eq!(daemon_port("2370-2380"), Some(2375));
        assert_eq!(daemon_port("80"), None);
        assert_eq!(daemon_port("x"), None);
    }
}
