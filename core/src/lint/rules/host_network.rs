use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind, written};

declare_rule! {
    /// ## What it does
    /// Finds workloads that share the node's network namespace: `hostNetwork: true` on a pod
    /// spec, Compose `network_mode: host`, and `docker run --network host` (or `--net host`).
    ///
    /// ## Why is this bad?
    /// The container sees every interface of the node and can reach services bound to the node's
    /// loopback (the kubelet's read-only port, a Docker daemon on `127.0.0.1:2375`, cloud metadata
    /// endpoints). Anything it listens on is published on the node's address: a Docker-in-Docker
    /// daemon listening on TCP becomes a daemon on the node IP that NetworkPolicy cannot restrict.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: metrics
    /// spec:
    ///   hostNetwork: true
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: exporter
    ///       image: prom/node-exporter:v1.8.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: metrics
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: exporter
    ///       image: prom/node-exporter:v1.8.2
    ///       ports:
    ///         - containerPort: 9100
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - <https://docs.docker.com/engine/network/drivers/host/>
    HostNetwork {
        code: "DS011",
        name: "host-network",
        severity: High,
        summary: "the workload shares the node's network namespace",
        message: ["the workload uses the node's network namespace (`{0}`)"],
        help: "remove the host network; publish the port through a Service (or a Compose port)",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        if let Some(v) = &w.host_network {
            cx.report(Hit::new(wi, None, v.loc).args([written(
                unit.source,
                v,
                "hostNetwork",
                "network_mode",
            )]));
        }
    }
}
