use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, Via, VolumeSource, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds a runtime socket, or a directory holding one, behind one indirection: a
    /// `PersistentVolume` whose `hostPath` or `local` path is one, or a Compose named volume whose
    /// `driver_opts` bind one (`type: none`, `o: bind`, `device: /var/run`) and that a service
    /// mounts.
    ///
    /// ## Why is this bad?
    /// It is DS001 or DS002 with the path moved out of the pod spec, where policies that only
    /// read `hostPath` volumes do not look. Any pod that claims the volume gets the daemon.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata:
    ///   name: docker-sock
    /// spec:
    ///   capacity:
    ///     storage: 1Mi
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath:
    ///     path: /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata:
    ///   name: build-cache
    /// spec:
    ///   capacity:
    ///     storage: 10Gi
    ///   accessModes: [ReadWriteOnce]
    ///   local:
    ///     path: /mnt/disks/build-cache
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - {key: kubernetes.io/hostname, operator: In, values: [builder-1]}
    /// ```
    HiddenSocketVolume {
        code: "DS021",
        name: "hidden-socket-volume",
        severity: Critical,
        summary: "a runtime socket hides behind a PersistentVolume or a Compose named volume",
        message: [
            "the PersistentVolume exposes the host path `{0}`, which is or holds the {1} socket",
            "the named volume `{0}` binds the host path `{1}`, which is or holds the {2} socket, into the container at `{3}`",
        ],
        help: "remove the volume; restrict who may create PersistentVolumes and volume drivers",
    }
}

fn socketish(c: PathClass) -> Option<&'static str> {
    match c {
        PathClass::Socket(s) | PathClass::SocketDir(s) => Some(s.runtime.label()),
        _ => None,
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        match w.what {
            WorkloadKind::PersistentVolume => {
                for v in &w.volumes {
                    if let VolumeSource::Host { path, class } = &v.source
                        && let Some(rt) = socketish(*class)
                    {
                        cx.report(Hit::new(wi, None, path.loc).args([path.as_str(), rt]));
                    }
                }
            }
            WorkloadKind::Pod => {
                for (ci, c) in w.containers.iter().enumerate() {
                    for m in &c.mounts {
                        let Some(h) = &m.host else { continue };
                        if h.via != Via::NamedVolume {
                            continue;
                        }
                        if let Some(rt) = socketish(h.class) {
                            let name = m.volume_name.as_ref().map_or("", |n| n.as_str());
                            let target = m.target.as_ref().map_or("", |t| t.as_str());
                            cx.report(Hit::new(wi, Some(ci), h.loc).message(1).args([
                                name,
                                h.effective.as_str(),
                                rt,
                                target,
                            ]));
                        }
                    }
                }
            }
            WorkloadKind::NamedVolume => {}
        }
    }
}
