use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Source, Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds containers that explicitly allow privilege escalation: `allowPrivilegeEscalation:
    /// true` in any container kind, and Compose `security_opt` / `docker run --security-opt`
    /// `no-new-privileges=false` (or `no-new-privileges:false`). An unset field is not reported:
    /// that is the runtime default, and Kubernetes' restricted profile is the place to require
    /// `false` everywhere. A privileged container is DS006's, whatever this field says.
    ///
    /// ## Why is this bad?
    /// With escalation allowed (`no_new_privs` off), a setuid-root binary or a file capability in
    /// the image lifts a non-root process back to root or to more capabilities: `runAsNonRoot`
    /// and dropped capabilities stop being a boundary. Writing `true` on purpose switches off the
    /// protection that makes a non-root container worth having.
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
    ///         allowPrivilegeEscalation: true
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
    ///       image: alpine:3.20
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>
    /// - <https://docs.kernel.org/userspace-api/no_new_privs.html>
    PrivilegeEscalationAllowed {
        code: "DS015",
        name: "privilege-escalation-allowed",
        severity: Medium,
        summary: "a container explicitly allows privilege escalation",
        message: [
            "container allows privilege escalation (`allowPrivilegeEscalation: true`)",
            "container switches `no-new-privileges` off (`no-new-privileges:false`)",
        ],
        help: "set `allowPrivilegeEscalation: false` (Compose and `docker run`: `no-new-privileges:true`)",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            let Some(v) = &c.security.allow_privilege_escalation else {
                continue;
            };
            if !v.is_true() {
                continue;
            }
            let hit = Hit::new(wi, Some(ci), v.loc);
            cx.report(match unit.source {
                Source::Kubernetes => hit,
                // the value is synthesised from the `no-new-privileges` option it points at
                Source::Compose | Source::Run => hit.message(1),
            });
        }
    }
}
