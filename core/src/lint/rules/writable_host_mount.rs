use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, Via, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds the host paths of DS002 (a socket directory), DS003 (runtime state) and DS004
    /// (sensitive directories) mounted without `readOnly: true` (`:ro` in Compose and
    /// `docker run`, `readonly` in `--mount`).
    ///
    /// ## Why is this bad?
    /// Write access turns disclosure into code execution on the host: a cron file in `/etc`, a
    /// binary in `/usr`, a layer in `/var/lib/docker`. Read-only does not make a socket safe
    /// (DS001 stays), but it closes this door.
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
    ///   volumes:
    ///     - name: host-etc
    ///       hostPath:
    ///         path: /etc
    /// ```
    ///
    /// Also fires: DS004 (every path this rule judges is a DS002-DS004 path).
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
    WritableHostMount {
        code: "DS005",
        name: "writable-host-mount",
        severity: Medium,
        summary: "a socket directory, runtime state or sensitive host path is mounted writable",
        message: [
            "the host path `{0}` is mounted writable at `{1}`",
            "the PersistentVolume exposes the host path `{0}` writable to every pod that claims it",
        ],
        help: "add `readOnly: true` (`:ro` in Compose and `docker run`); it does not make a socket mount safe",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what == WorkloadKind::PersistentVolume {
            // a PersistentVolume is writable unless every claim mounts it read-only: judged writable
            for (path, effective, class) in pv_paths(w) {
                if matches!(
                    class,
                    PathClass::SocketDir(_) | PathClass::RuntimeState(_) | PathClass::Sensitive(_)
                ) {
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
                if m.read_only {
                    continue;
                }
                let judged = match h.class {
                    PathClass::SocketDir(_) => h.via == Via::Direct,
                    PathClass::RuntimeState(_) | PathClass::Sensitive(_) => true,
                    _ => false,
                };
                if judged {
                    let target = m.target.as_ref().map_or("", |t| t.as_str());
                    cx.report(Hit::new(wi, Some(ci), m.loc).args([h.effective.as_str(), target]));
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
