use crate::lint::fix::FixCx;
use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::migrate::Edit;
use crate::read::ir::{Source, Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds containers whose `/proc` is not masked: `procMount: Unmasked` in any container kind,
    /// and Compose `security_opt` / `docker run --security-opt` `systempaths=unconfined`. Not
    /// reported when the pod sets `hostUsers: false`: in a user namespace the unmasked paths
    /// belong to the pod's own namespace (that is the case Kubernetes allows it for).
    ///
    /// ## Why is this bad?
    /// The runtime masks and makes read-only the parts of `/proc` and `/sys` that reach the host
    /// kernel: `/proc/sys`, `/proc/sysrq-trigger`, `/proc/kcore`, `/sys/firmware`. Unmasked, a
    /// root process can write `core_pattern` or `sysrq-trigger`, which runs code on, or crashes,
    /// the node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: nested
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: app
    ///       image: alpine:3.20
    ///       securityContext:
    ///         procMount: Unmasked
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: nested
    /// spec:
    ///   hostUsers: false
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: app
    ///       image: alpine:3.20
    ///       securityContext:
    ///         procMount: Unmasked
    /// ```
    ///
    /// ## Fix
    /// Unsafe (`dockscape lint --fix --unsafe-fixes`), Kubernetes only: `procMount: Unmasked`
    /// becomes `procMount: Default`. It is unsafe because a container runtime or a sandbox inside
    /// the container (nested Podman, BuildKit's own `/proc`) may need the unmasked paths; running
    /// the pod with `hostUsers: false` is the other way out, which this fix does not choose.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/>
    UnmaskedProcMount {
        code: "DS018",
        name: "unmasked-proc-mount",
        severity: High,
        summary: "a container's `/proc` is not masked",
        message: [
            "container mounts `/proc` unmasked (`procMount: Unmasked`)",
            "container mounts `/proc` and `/sys` unmasked (`systempaths=unconfined`)",
        ],
        help: "remove `procMount: Unmasked` (or run the pod with `hostUsers: false`)",
        fix: Unsafe("mask `/proc` (`procMount: Default`)"),
    }
}

/// `procMount: Default` in place of `Unmasked`.
fn fix(cx: &FixCx<'_>, hit: &Hit<'_>) -> Option<Vec<Edit>> {
    let id = FixCx::node(hit)?;
    if cx.unit.source != Source::Kubernetes || cx.key_of(id)? != "procMount" {
        return None;
    }
    let (text, src, (s, e)) = (cx.scalar_text(id)?, cx.source(id)?, cx.doc.span(id)?);
    // a plain word stays plain; a quoted one keeps its quotes
    let edit = if text == src {
        Edit::replace(s as usize, e as usize, "Default".to_string())
    } else {
        let at = src.find(text)? + s as usize;
        Edit::replace(at, at + text.len(), "Default".to_string())
    };
    Some(vec![edit])
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        if unit.source == Source::Kubernetes
            && w.host_users.as_ref().is_some_and(|v| v.eq_ci("false"))
        {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            if let Some(v) = c
                .security
                .proc_mount
                .as_ref()
                .filter(|v| v.eq_ci("unmasked"))
            {
                let message = usize::from(unit.source != Source::Kubernetes);
                cx.report(Hit::new(wi, Some(ci), v.loc).message(message));
            }
        }
    }
}
