use serde_json::Value;

use crate::lint::fix::FixCx;
use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::migrate::Edit;
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
    /// ## Fix
    /// Unsafe (`dockscape lint --fix --unsafe-fixes`): sets `allowPrivilegeEscalation: false`
    /// (Compose: `no-new-privileges:false` becomes `no-new-privileges:true`), in place of the
    /// `true`. It is unsafe because a program that relies on a setuid-root binary or a file
    /// capability (`sudo`, `su`, `ping` in some images) stops getting those privileges, which
    /// nothing in the file rules out. Not offered for a privileged container or one that adds
    /// `SYS_ADMIN` (the API server refuses `allowPrivilegeEscalation: false` with either), nor
    /// where the value comes through a YAML alias or a variable.
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
        fix: Unsafe("switch privilege escalation off (`allowPrivilegeEscalation: false`, `no-new-privileges:true`)"),
    }
}

/// `allowPrivilegeEscalation: false`, or Compose's `no-new-privileges:true`.
fn fix(cx: &FixCx<'_>, hit: &Hit<'_>) -> Option<Vec<Edit>> {
    let c = cx
        .unit
        .workloads
        .get(hit.workload)?
        .containers
        .get(hit.container?)?;
    let sys_admin = c.security.cap_add.iter().any(|cap| {
        let cap = cap.as_str().trim().to_ascii_uppercase();
        cap == "SYS_ADMIN" || cap == "CAP_SYS_ADMIN" || cap == "ALL"
    });
    if c.security.privileged.is_some() || sys_admin {
        return None;
    }
    let id = FixCx::node(hit)?;
    let ed = cx.editor(id);
    let edit = match cx.unit.source {
        Source::Kubernetes => {
            if cx.key_of(id)? != "allowPrivilegeEscalation" {
                return None;
            }
            ed.replace_scalar(id, &Value::Bool(false))?
        }
        Source::Compose => {
            // the `security_opt` item: `no-new-privileges:false` or `=false`
            let text = cx.scalar_text(id)?;
            let src = cx.source(id)?;
            if text.contains('$') {
                return None;
            }
            let t = text.trim();
            let sep = t.find([':', '='])?;
            let (key, value) = (t.get(..sep)?, t.get(sep + 1..)?);
            if !key.eq_ignore_ascii_case("no-new-privileges")
                || !value.eq_ignore_ascii_case("false")
            {
                return None;
            }
            let (s, _) = cx.doc.span(id)?;
            let at = src.rfind(value)? + s as usize;
            Edit::replace(at, at + value.len(), "true".to_string())
        }
        Source::Run => return None,
    };
    Some(vec![edit])
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
