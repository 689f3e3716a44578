use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds container-runtime and kubelet state mounted from the host: `/var/lib/docker`,
    /// `/var/lib/containerd`, `/var/lib/containers`, `/var/lib/kubelet`, `/etc/kubernetes`, or
    /// anything below them.
    ///
    /// ## Why is this bad?
    /// These directories hold every other container's filesystem, the image store, and the
    /// kubelet's credentials and pod secrets. Reading them discloses other workloads; writing them
    /// changes what other containers run.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: cache
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: cache
    ///       image: example/cache:1.0
    ///       volumeMounts:
    ///         - name: images
    ///           mountPath: /images
    ///           readOnly: true
    ///   volumes:
    ///     - name: images
    ///       hostPath:
    ///         path: /var/lib/containerd
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
    ///     - name: cache
    ///       image: example/cache:1.0
    ///       volumeMounts:
    ///         - name: images
    ///           mountPath: /images
    ///   volumes:
    ///     - name: images
    ///       persistentVolumeClaim:
    ///         claimName: image-cache
    /// ```
    RuntimeStateMount {
        code: "DS003",
        name: "runtime-state-mount",
        severity: High,
        summary: "runtime or kubelet state is mounted from the host",
        message: [
            "the runtime state directory `{0}` is mounted into the container at `{1}`",
            "the PersistentVolume exposes the runtime state directory `{0}` to every pod that claims it",
        ],
        help: "use a PersistentVolumeClaim or a CSI volume instead of the host's runtime state",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what == WorkloadKind::PersistentVolume {
            for (path, effective, class) in pv_paths(w) {
                if let PathClass::RuntimeState(_) = class {
                    cx.report(
                        Hit::new(wi, None, path.loc)
                            .message(1)
                            .args([effective.as_str(), ""]),
                    );
                }
            }
            continue;
        }
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            for m in &c.mounts {
                let Some(h) = &m.host else { continue };
                if let PathClass::RuntimeState(_) = h.class {
                    let target = m.target.as_ref().map_or("", |t| t.as_str());
                    cx.report(Hit::new(wi, Some(ci), h.loc).args([h.effective.as_str(), target]));
                }
            }
        }
    }
}

/// The host paths PersistentVolumes expose (`hostPath`, `local`), normalised, with their class.
fn pv_paths<'a, 't>(
    w: &'a crate::read::ir::Workload<'t>,
) -> impl Iterator<Item = (&'a crate::read::ir::Val<'t>, String, PathClass)> + 'a {
    w.volumes.iter().filter_map(|v| match &v.source {
        crate::read::ir::VolumeSource::Host { path, class } => {
            Some((path, crate::read::paths::normalize(path.as_str()), *class))
        }
        _ => None,
    })
}
