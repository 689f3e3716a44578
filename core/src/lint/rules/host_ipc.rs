use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind, written};

declare_rule! {
    /// ## What it does
    /// Finds workloads that share the node's IPC namespace: `hostIPC: true` on a pod spec,
    /// Compose `ipc: host`, and `docker run --ipc host`.
    ///
    /// ## Why is this bad?
    /// The container can read and write the shared memory segments, semaphores and message
    /// queues of every process on the node, including other pods that use host IPC: data leaks
    /// and tampering without any file or network access.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: cache
    /// spec:
    ///   hostIPC: true
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: app
    ///       image: alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: cache
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: app
    ///       image: alpine:3.20
    ///       volumeMounts:
    ///         - name: shm
    ///           mountPath: /dev/shm
    ///   volumes:
    ///     - name: shm
    ///       emptyDir:
    ///         medium: Memory
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#ipc>
    HostIpc {
        code: "DS013",
        name: "host-ipc",
        severity: Medium,
        summary: "the workload shares the node's IPC namespace",
        message: ["the workload shares the node's shared memory and IPC (`{0}`)"],
        help: "remove the host IPC namespace; share memory inside the pod with an `emptyDir` of `medium: Memory`",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        if let Some(v) = &w.host_ipc {
            cx.report(Hit::new(wi, None, v.loc).args([written(unit.source, v, "hostIPC", "ipc")]));
        }
    }
}
