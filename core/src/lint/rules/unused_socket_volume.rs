use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, VolumeSource, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds a volume that names a runtime socket, a directory holding one, or a runtime named
    /// pipe, but that no container mounts: a pod's `hostPath` volume without a `volumeMount`, or a
    /// Compose named volume binding one that no service uses. A mounted one is DS001, DS002,
    /// DS020 or DS021 instead.
    ///
    /// ## Why is this bad?
    /// It grants nothing today, which is why this is `info` where other linters say `critical`.
    /// But it is dead configuration one `volumeMounts` line away from handing out the daemon, and
    /// it tells a reader the socket was wanted once.
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
    ///       image: nginx:1.27
    ///   volumes:
    ///     - name: docker-sock
    ///       hostPath:
    ///         path: /var/run/docker.sock
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
    ///       image: nginx:1.27
    /// ```
    UnusedSocketVolume {
        code: "DS025",
        name: "unused-socket-volume",
        severity: Info,
        summary: "a runtime-socket volume is declared but no container mounts it",
        message: ["the volume `{0}` names the {1} socket path `{2}` but no container mounts it"],
        help: "delete the volume",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if !matches!(w.what, WorkloadKind::Pod | WorkloadKind::NamedVolume) {
            continue;
        }
        for v in w.volumes.iter().filter(|v| !v.used) {
            let VolumeSource::Host { path, class } = &v.source else {
                continue;
            };
            let rt = match class {
                PathClass::Socket(s) | PathClass::SocketDir(s) => s.runtime,
                PathClass::Pipe(r) => *r,
                _ => continue,
            };
            cx.report(Hit::new(wi, None, path.loc).args([
                v.name.as_ref(),
                rt.label(),
                path.as_str(),
            ]));
        }
    }
}
