use serde_json::Value;

use crate::lint::fix::FixCx;
use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::migrate::Edit;
use crate::read::compose::split_volume;
use crate::read::ir::{Source, Unit, Via, WorkloadKind};
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
    ///
    /// ## Fix
    /// Unsafe (`dockscape lint --fix --unsafe-fixes`): adds `readOnly: true` to the mount (or sets
    /// an existing `readOnly: false` to `true`), `read_only: true` to a Compose long-syntax mount,
    /// `:ro` to a short one (`:rw` becomes `:ro`). It is unsafe because it can break a workload
    /// that writes there (an agent writing its state under `/var/lib`, a tool updating `/etc`):
    /// nothing in the file says the workload only reads. Not offered for a PersistentVolume, a
    /// short mount with other options (`:z`, `:cached`) or a variable in it, or a mount written
    /// through YAML anchors.
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
        fix: Unsafe("mount it read-only"),
    }
}

/// The mount made read-only: Kubernetes `readOnly: true`, Compose `read_only: true` or `:ro`.
fn fix(cx: &FixCx<'_>, hit: &Hit<'_>) -> Option<Vec<Edit>> {
    if hit.message != 0 {
        return None;
    }
    let item = FixCx::node(hit)?;
    // the item of a `volumeMounts` / `volumes` list
    let list = cx.parent(item)?;
    let key = cx.key_of(list)?;
    let ed = cx.editor(item);
    let edit = match (cx.unit.source, key) {
        (Source::Kubernetes, "volumeMounts") if cx.doc.is_map(item) => {
            match cx.own(item, "readOnly") {
                Some(v) => ed.replace_scalar(v, &Value::Bool(true))?,
                None if cx.doc.get(item, "readOnly").is_none() => {
                    ed.add_key(item, "readOnly", &Value::Bool(true))?
                }
                None => return None,
            }
        }
        (Source::Compose, "volumes") if cx.doc.is_map(item) => match cx.own(item, "read_only") {
            Some(v) => ed.replace_scalar(v, &Value::Bool(true))?,
            None if cx.doc.get(item, "read_only").is_none() => {
                ed.add_key(item, "read_only", &Value::Bool(true))?
            }
            None => return None,
        },
        (Source::Compose, "volumes") => {
            let text = cx.scalar_text(item)?;
            if text.contains('$') {
                return None;
            }
            let (source, _, mode) = split_volume(text);
            source?;
            match mode {
                None => cx.append_to_scalar(item, ":ro")?,
                Some("rw") if text.ends_with(":rw") => {
                    let src = cx.source(item)?;
                    let (s, _) = cx.doc.span(item)?;
                    let at = src.rfind(":rw")? + s as usize;
                    Edit::replace(at, at + 3, ":ro".to_string())
                }
                Some(_) => return None,
            }
        }
        _ => return None,
    };
    Some(vec![edit])
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
