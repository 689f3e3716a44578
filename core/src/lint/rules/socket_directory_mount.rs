use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, Via, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds a host directory that holds a container-runtime socket mounted into a container:
    /// `/`, `/run`, `/var`, `/var/run`, `/run/containerd`, `/run/user/<uid>`, `~/.docker`, and so
    /// on, through a `hostPath` volume, a bind mount or `-v`. Paths are normalised first
    /// (`//var/run/`, `/run/../var/run`).
    ///
    /// ## Why is this bad?
    /// The socket is inside the directory, so the container has the same root-equivalent access to
    /// the runtime API as with the socket itself (DS001), without ever naming it. This is the known
    /// bypass of policies that match the socket's exact path, and the DooD example of the seed
    /// articles does exactly this with `/var/run`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dood
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: docker-cmds
    ///       image: docker:27-cli
    ///       volumeMounts:
    ///         - mountPath: /var/run
    ///           name: docker-sock
    ///           readOnly: true
    ///   volumes:
    ///     - name: docker-sock
    ///       hostPath:
    ///         path: /var/run
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: app
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: app
    ///       image: example/app:1.0
    ///       volumeMounts:
    ///         - mountPath: /var/run/app
    ///           name: app-run
    ///   volumes:
    ///     - name: app-run
    ///       emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/storage/volumes/#hostpath>
    SocketDirectoryMount {
        code: "DS002",
        name: "socket-directory-mount",
        severity: Critical,
        summary: "a host directory holding a runtime socket is mounted",
        message: ["the host directory `{0}`, which holds the {1} socket `{2}`, is mounted into the container at `{3}`"],
        help: "mount only the narrow non-socket path the container needs",
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
                if let PathClass::SocketDir(s) = h.class {
                    let target = m.target.as_ref().map_or("", |t| t.as_str());
                    cx.report(Hit::new(wi, Some(ci), h.loc).args([
                        h.effective.as_str(),
                        s.runtime.label(),
                        s.path,
                        target,
                    ]));
                }
            }
        }
    }
}
