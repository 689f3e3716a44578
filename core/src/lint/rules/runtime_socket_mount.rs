use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, Via, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds a container-runtime socket (Docker, containerd, CRI-O, Podman, BuildKit, rootless and
    /// Desktop variants) that reaches a container: a `hostPath` volume, a bind mount, `-v` or
    /// `--mount`, including a socket picked out of a directory with `subPath`. Paths are normalised
    /// first, so `/run/docker.sock`, `//var/run/docker.sock` and `/var/run/docker.sock/` all count.
    ///
    /// ## Why is this bad?
    /// The runtime's API is root on the node: whoever can talk to it can start a privileged
    /// container that mounts `/`, and it bypasses Kubernetes RBAC and admission control.
    /// `readOnly: true` does not help: a read-only socket still accepts API calls.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: ci
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: build
    ///       image: docker:27-cli
    ///       volumeMounts:
    ///         - name: sock
    ///           mountPath: /var/run/docker.sock
    ///           readOnly: true
    ///   volumes:
    ///     - name: sock
    ///       hostPath:
    ///         path: /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: ci
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: build
    ///       image: moby/buildkit:rootless
    ///       volumeMounts:
    ///         - name: work
    ///           mountPath: /work
    ///   volumes:
    ///     - name: work
    ///       emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/#docker-daemon-attack-surface>
    /// - <https://kubernetes.io/docs/concepts/storage/volumes/#hostpath>
    RuntimeSocketMount {
        code: "DS001",
        name: "runtime-socket-mount",
        severity: Critical,
        summary: "a container-runtime socket reaches a container",
        message: ["the {1} socket `{0}` is mounted into the container at `{2}`"],
        help: "remove the socket mount: `dockscape migrate --to dind FILE` does it for Kubernetes and Compose files (TLS Docker-in-Docker); or use rootless DinD, Sysbox, BuildKit rootless or a read-only socket proxy",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            for m in &c.mounts {
                let Some(h) = &m.host else { continue };
                if h.via != Via::Direct {
                    continue;
                }
                if let PathClass::Socket(s) = h.class {
                    let target = m.target.as_ref().map_or("", |t| t.as_str());
                    cx.report(Hit::new(wi, Some(ci), h.loc).args([
                        h.effective.as_str(),
                        s.runtime.label(),
                        target,
                    ]));
                }
            }
        }
    }
}
