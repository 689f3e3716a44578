use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Source, Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds `hostPort` on a Kubernetes container port (any container kind; `hostPort: 0` is
    /// unset). The Docker API ports 2375/2376 are DS010's and not reported again here. Compose
    /// `ports` and `docker run -p` are not reported: outside Kubernetes, publishing a port is the
    /// ordinary (and only) way to reach a service, the job a Service does in a cluster.
    ///
    /// ## Why is this bad?
    /// A host port binds on the node's address. Traffic to it skips the Service and, with most
    /// network plugins, NetworkPolicy; it ties the pod to nodes where the port is free, so two
    /// replicas cannot share a node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: web
    ///       image: nginxinc/nginx-unprivileged:1.27
    ///       ports:
    ///         - containerPort: 8080
    ///           hostPort: 8080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: web
    ///       image: nginxinc/nginx-unprivileged:1.27
    ///       ports:
    ///         - containerPort: 8080
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/overview/#services>
    HostPort {
        code: "DS024",
        name: "host-port",
        severity: Low,
        summary: "a container port binds on the node (`hostPort`)",
        message: ["container port `{0}` binds on the node as `hostPort: {1}`"],
        help: "remove `hostPort` and expose the port through a Service",
    }
}

/// Whether a container-port spec covers a Docker API port (DS010's).
fn daemon_port(spec: &str) -> bool {
    spec.trim()
        .parse::<u16>()
        .is_ok_and(|p| p == 2375 || p == 2376)
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    if unit.source != Source::Kubernetes {
        return;
    }
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            for p in &c.ports {
                let Some(h) = p
                    .host_port
                    .as_ref()
                    .filter(|h| !matches!(h.as_str().trim(), "" | "0"))
                else {
                    continue;
                };
                let container = p.container_port.as_ref().map_or("", |v| v.as_str().trim());
                if daemon_port(container) {
                    continue;
                }
                cx.report(Hit::new(wi, Some(ci), h.loc).args([container, h.as_str().trim()]));
            }
        }
    }
}
