use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind, written};

declare_rule! {
    /// ## What it does
    /// Finds workloads that share the node's process namespace: `hostPID: true` on a pod spec,
    /// Compose `pid: host`, and `docker run --pid host`.
    ///
    /// ## Why is this bad?
    /// Every process of the node is visible, with its command line and environment (secrets
    /// passed as arguments or variables included). With `SYS_PTRACE` or as root, `nsenter -t 1
    /// -a` is a shell on the node, and signals can kill the kubelet or the container runtime.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: debug
    /// spec:
    ///   hostPID: true
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: top
    ///       image: alpine:3.20
    ///       command: [top]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: debug
    /// spec:
    ///   shareProcessNamespace: true
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: top
    ///       image: alpine:3.20
    ///       command: [top]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#pid>
    HostPid {
        code: "DS012",
        name: "host-pid",
        severity: High,
        summary: "the workload shares the node's process namespace",
        message: ["the workload sees the node's processes (`{0}`)"],
        help: "remove the host PID namespace; use `shareProcessNamespace` to see the pod's own processes",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        if let Some(v) = &w.host_pid {
            cx.report(Hit::new(wi, None, v.loc).args([written(unit.source, v, "hostPID", "pid")]));
        }
    }
}
