use serde_json::Value;

use crate::lint::fix::FixCx;
use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::migrate::Edit;
use crate::read::ir::{Security, Source, Unit, Val, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds seccomp and AppArmor switched off: `seccompProfile.type: Unconfined` and
    /// `appArmorProfile.type: Unconfined` in the pod or a container `securityContext`, the legacy
    /// annotations (`seccomp.security.alpha.kubernetes.io/pod`,
    /// `container.seccomp.security.alpha.kubernetes.io/<container>`,
    /// `container.apparmor.security.beta.kubernetes.io/<container>` set to `unconfined`), and
    /// Compose `security_opt` / `docker run --security-opt` `seccomp=unconfined`,
    /// `seccomp:unconfined`, `apparmor=unconfined`. Each profile is one finding; a pod-level
    /// profile is reported once, and only when some container does not set its own. A field
    /// wins over its legacy annotation, as in Kubernetes.
    ///
    /// ## Why is this bad?
    /// The default seccomp profile blocks the system calls most container escapes need
    /// (`unshare`, `mount`, `keyctl`, `bpf`, ...), and AppArmor's `docker-default` profile
    /// blocks writes to `/proc` and `/sys` knobs and mounts. Unconfined, a kernel bug or one
    /// extra capability is enough to reach the node. Rootless BuildKit asks for it; that is the
    /// trade-off its docs describe, and a suppression with a reason is the way to record it.
    ///
    /// ## Example
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
    ///       image: alpine:3.20
    ///       securityContext:
    ///         seccompProfile:
    ///           type: Unconfined
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
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///     - name: app
    ///       image: alpine:3.20
    ///       securityContext:
    ///         appArmorProfile:
    ///           type: RuntimeDefault
    /// ```
    ///
    /// ## Fix
    /// Unsafe (`dockscape lint --fix --unsafe-fixes`), Kubernetes only: `type: Unconfined` becomes
    /// `type: RuntimeDefault`, a legacy annotation's `unconfined` becomes `runtime/default`. It is
    /// unsafe because the runtime's default profile refuses system calls (`mount`, `unshare`,
    /// `keyctl`, ...) and AppArmor rules a workload that runs unconfined may need. Compose and
    /// `docker run` options are not rewritten (dropping the option is the fix there).
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tutorials/security/seccomp/>
    /// - <https://kubernetes.io/docs/tutorials/security/apparmor/>
    /// - <https://docs.docker.com/engine/security/seccomp/>
    UnconfinedProfile {
        code: "DS017",
        name: "unconfined-profile",
        severity: High,
        summary: "seccomp or AppArmor is switched off",
        message: [
            "container runs without {0} confinement (`{1}`)",
            "the pod runs without {0} confinement (`{1}`)",
        ],
        help: "use the `RuntimeDefault` profile (or a `Localhost` one) instead of `Unconfined`",
        fix: Unsafe("use the runtime's default {0} profile"),
    }
}

/// `RuntimeDefault` in place of `Unconfined` (`runtime/default` in a legacy annotation).
fn fix(cx: &FixCx<'_>, hit: &Hit<'_>) -> Option<Vec<Edit>> {
    if cx.unit.source != Source::Kubernetes {
        return None;
    }
    let id = FixCx::node(hit)?;
    let key = cx.key_of(id)?;
    let value = if key == "type" {
        let profile = cx.key_of(cx.parent(id)?)?;
        if !matches!(profile, "seccompProfile" | "appArmorProfile") {
            return None;
        }
        "RuntimeDefault"
    } else if key.contains("seccomp.security.alpha.kubernetes.io/")
        || key.contains("apparmor.security.beta.kubernetes.io/")
    {
        "runtime/default"
    } else {
        return None;
    };
    // a plain word stays plain, in block and flow style alike
    let edit = match (cx.scalar_text(id), cx.source(id), cx.doc.span(id)) {
        (Some(t), Some(src), Some((s, e))) if t == src => {
            Edit::replace(s as usize, e as usize, value.to_string())
        }
        _ => cx
            .editor(id)
            .replace_scalar(id, &Value::String(value.to_string()))?,
    };
    Some(vec![edit])
}

/// The unconfined profiles of a security context: (kind, value).
fn unconfined<'a, 't>(s: &'a Security<'t>) -> impl Iterator<Item = (&'static str, &'a Val<'t>)> {
    [
        ("seccomp", s.seccomp.as_ref()),
        ("AppArmor", s.apparmor.as_ref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| v.eq_ci("unconfined")).map(|v| (k, v)))
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (kind, v) in unconfined(&w.security) {
            let inherited = w.containers.iter().any(|c| {
                let own = if kind == "seccomp" {
                    &c.security.seccomp
                } else {
                    &c.security.apparmor
                };
                own.is_none()
            });
            if inherited || w.containers.is_empty() {
                cx.report(
                    Hit::new(wi, None, v.loc)
                        .message(1)
                        .args([kind, v.as_str().trim()]),
                );
            }
        }
        for (ci, c) in w.containers.iter().enumerate() {
            for (kind, v) in unconfined(&c.security) {
                cx.report(Hit::new(wi, Some(ci), v.loc).args([kind, v.as_str().trim()]));
            }
        }
    }
}
