use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds a Docker daemon running inside a workload: a `docker:*dind*` image (or any image
    /// whose name ends in `dind`, such as `*/dind`) left to start its daemon, or `dockerd` as the
    /// command. The image's entrypoint starts `dockerd` only with no arguments or flags
    /// (`--tls=false`); with its entrypoint replaced (`command`, Compose `entrypoint`) or a command
    /// as its first argument (`sh -c ...`, a Drone step's `commands`) it is a client. The rootless
    /// daemon (`docker:*dind-rootless*`, `dockerd-rootless.sh`) and workloads under the Sysbox
    /// runtime are not flagged: they are the safer forms of the same idea.
    ///
    /// ## Why is this bad?
    /// Classic Docker-in-Docker runs a second root daemon on the node, and it only works
    /// privileged (DS006). Its storage driver stacks on the node's (overlay on overlay), and every
    /// build re-pulls its images.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dind
    /// spec:
    ///   containers:
    ///     - name: dind-daemon
    ///       image: docker:27-dind
    ///       volumeMounts:
    ///         - name: docker-graph-storage
    ///           mountPath: /var/lib/docker
    ///   volumes:
    ///     - name: docker-graph-storage
    ///       emptyDir: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dind
    /// spec:
    ///   runtimeClassName: sysbox-runc
    ///   containers:
    ///     - name: dind-daemon
    ///       image: docker:27-dind
    ///       volumeMounts:
    ///         - name: docker-graph-storage
    ///           mountPath: /var/lib/docker
    ///   volumes:
    ///     - name: docker-graph-storage
    ///       emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - <https://jpetazzo.github.io/2015/09/03/do-not-use-docker-in-docker-for-ci/>
    /// - <https://github.com/nestybox/sysbox>
    DindDaemon {
        code: "DS007",
        name: "dind-daemon",
        severity: High,
        summary: "a Docker daemon runs inside the workload",
        message: ["container runs a Docker daemon (`{0}`)"],
        help: "use Sysbox, rootless DinD or BuildKit rootless, on dedicated nodes",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        if w.sysbox() {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            if c.rootless_daemon() {
                continue;
            }
            if let Some(v) = c.daemon_origin() {
                cx.report(Hit::new(wi, Some(ci), v.loc).args([v.as_str()]));
            }
        }
    }
}
