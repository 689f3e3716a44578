use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds containers that run privileged: `securityContext.privileged: true` in any container
    /// kind (`containers`, `initContainers`, `ephemeralContainers`), Compose `privileged: true`, and
    /// `docker run --privileged`.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability and every host device, and runs without the
    /// seccomp and AppArmor profiles that block most escapes: getting out to the node is trivial
    /// (mount the host disk, load a kernel module). Docker-in-Docker images ask for it, which is
    /// why they are the usual way it lands in a cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: tools
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: tools
    ///       image: alpine:3.20
    ///       securityContext:
    ///         privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: tools
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: tools
    ///       image: alpine:3.20
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    ///         capabilities:
    ///           drop: [ALL]
    ///           add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - <https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities>
    PrivilegedContainer {
        code: "DS006",
        name: "privileged-container",
        severity: Critical,
        summary: "a container runs privileged",
        message: ["container runs with `privileged: true`"],
        help: "drop `privileged`; add only the capabilities needed, or run rootless DinD or Sysbox",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            if let Some(p) = &c.security.privileged {
                cx.report(Hit::new(wi, Some(ci), p.loc));
            }
        }
    }
}
