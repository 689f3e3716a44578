use crate::lint::fix::FixCx;
use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::migrate::Edit;
use crate::read::ir::{Source, Unit, VolumeSource, WorkloadKind};
use crate::read::paths::PathClass;
use crate::read::source::NodeId;

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
    ///
    /// ## Fix
    /// Safe (`dockscape lint --fix`): deletes the volume (the pod's `volumes` item, with the
    /// `volumes` key when it was the only one; the Compose file's named volume, with the top-level
    /// `volumes` key when it was the only one). No container mounts it, so no container sees a
    /// difference; a pod whose `hostPath` `type: Socket` did not exist on the node now starts.
    /// Not offered where the volume is written through YAML anchors.
    UnusedSocketVolume {
        code: "DS025",
        name: "unused-socket-volume",
        severity: Info,
        summary: "a runtime-socket volume is declared but no container mounts it",
        message: ["the volume `{0}` names the {1} socket path `{2}` but no container mounts it"],
        help: "delete the volume",
        fix: Safe("delete the unused volume `{0}`"),
    }
}

/// Delete the volume: the `volumes` item of the pod spec, or the Compose named volume.
fn fix(cx: &FixCx<'_>, hit: &Hit<'_>) -> Option<Vec<Edit>> {
    let path = FixCx::node(hit)?;
    let up = |id: NodeId, key: &str| cx.parent(id).filter(|_| cx.key_of(id) == Some(key));
    let edit = match cx.unit.source {
        Source::Kubernetes => {
            let host = up(path, "path")?;
            let item = up(host, "hostPath")?;
            let list = cx.parent(item)?;
            if !cx.doc.is_seq(list) {
                return None;
            }
            let spec = up(list, "volumes")?;
            // only the volumes of a pod spec (not of a resource whose parts share them, as
            // Argo's templates do), and a name no workload of the document mounts
            let name = cx.doc.get(item, "name").and_then(|n| cx.doc.str(n))?;
            let mounted = cx.unit.workloads.iter().any(|w| {
                w.containers.iter().any(|c| {
                    c.mounts
                        .iter()
                        .any(|m| m.volume_name.as_ref().is_some_and(|v| v.as_str() == name))
                })
            });
            if mounted || cx.own(spec, "containers").is_none() {
                return None;
            }
            let ed = cx.editor(item);
            if cx.doc.items(list).count() == 1 {
                ed.delete_entry(spec, list)?
            } else {
                ed.delete_item(item)?
            }
        }
        Source::Compose => {
            let opts = up(path, "device")?;
            let volume = up(opts, "driver_opts")?;
            let volumes = cx.parent(volume)?;
            let root = up(volumes, "volumes")?;
            if cx.parent(root).is_some() || cx.doc.resolve(volume) != volume {
                return None;
            }
            let ed = cx.editor(volume);
            if cx.doc.raw_pairs(volumes).count() == 1 {
                ed.delete_entry(root, volumes)?
            } else {
                ed.delete_entry(volumes, volume)?
            }
        }
        Source::Run => return None,
    };
    Some(vec![edit])
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
