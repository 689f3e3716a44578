use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds sensitive host directories mounted into a container: `/etc`, `/proc`, `/sys`, `/dev`,
    /// `/boot`, `/root`, `/home`, `/usr`, `/lib`, or anything below them.
    ///
    /// ## Why is this bad?
    /// They hold the host's configuration and credentials (`/etc/shadow`, SSH keys, kubeconfigs),
    /// its kernel interfaces (`/proc`, `/sys`, `/dev`) and its binaries. Read access leaks secrets;
    /// write access is code execution on the node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: exporter
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: exporter
    ///       image: example/exporter:1.0
    ///       volumeMounts:
    ///         - name: host-etc
    ///           mountPath: /host/etc
    ///           readOnly: true
    ///   volumes:
    ///     - name: host-etc
    ///       hostPath:
    ///         path: /etc
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: exporter
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: exporter
    ///       image: example/exporter:1.0
    ///       volumeMounts:
    ///         - name: config
    ///           mountPath: /config
    ///           readOnly: true
    ///   volumes:
    ///     - name: config
    ///       configMap:
    ///         name: exporter-config
    /// ```
    SensitiveHostMount {
        code: "DS004",
        name: "sensitive-host-mount",
        severity: High,
        summary: "a sensitive host directory is mounted",
        message: [
            "the host path `{0}` (under `{1}`) is mounted into the container at `{2}`",
            "the host directory `{0}` is mounted into the container at `{2}`",
            "the PersistentVolume exposes the host path `{0}` (under `{1}`) to every pod that claims it",
        ],
        help: "mount the narrowest path the container needs, read-only, or use a ConfigMap or Secret",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what == WorkloadKind::PersistentVolume {
            for (path, effective, class) in pv_paths(w) {
                if let PathClass::Sensitive(dir) = class {
                    cx.report(Hit::new(wi, None, path.loc).message(2).args([
                        effective.as_str(),
                        dir,
                        "",
                    ]));
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
                if let PathClass::Sensitive(dir) = h.class {
                    let target = m.target.as_ref().map_or("", |t| t.as_str());
                    let message = usize::from(h.effective == dir);
                    cx.report(Hit::new(wi, Some(ci), h.loc).message(message).args([
                        h.effective.as_str(),
                        dir,
                        target,
                    ]));
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
