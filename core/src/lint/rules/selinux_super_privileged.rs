use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Security, Source, Unit, Val, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds SELinux confinement switched off: `seLinuxOptions.type` set to `spc_t` (the "super
    /// privileged container" type), `unconfined_t` or `container_runtime_t` (the runtime's own
    /// unconfined domain) in the pod or a container `securityContext`, and Compose `security_opt`
    /// / `docker run --security-opt` `label=disable`, `label:disable`, `label=type:spc_t`,
    /// `label:type:spc_t`. A pod-level type is reported once, and only when some container does
    /// not set its own. Other types (`container_t`, custom MCS levels) are not reported.
    ///
    /// ## Why is this bad?
    /// On SELinux hosts (RHEL, Fedora, OpenShift) the `container_t` type is what stops a
    /// container from touching host files and the runtime socket even when it is root and they
    /// are mounted. `spc_t` and `unconfined_t` lift that: with a host mount, the policy no longer
    /// protects anything.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: agent
    ///       image: alpine:3.20
    ///       securityContext:
    ///         seLinuxOptions:
    ///           type: spc_t
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: agent
    ///       image: alpine:3.20
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#security-opt>
    SelinuxSuperPrivileged {
        code: "DS019",
        name: "selinux-super-privileged",
        severity: High,
        summary: "SELinux confinement is switched off",
        message: [
            "container runs with the unconfined SELinux type `{0}`",
            "the pod runs with the unconfined SELinux type `{0}`",
            "container runs with SELinux labelling disabled (`label=disable`)",
        ],
        help: "remove the custom SELinux options and keep the runtime's `container_t` type",
    }
}

const UNCONFINED_TYPES: &[&str] = &["spc_t", "unconfined_t", "container_runtime_t"];

fn unconfined_type<'a, 't>(s: &'a Security<'t>) -> Option<&'a Val<'t>> {
    s.selinux_type
        .as_ref()
        .filter(|v| UNCONFINED_TYPES.iter().any(|t| v.eq_ci(t)))
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        if let Some(v) = unconfined_type(&w.security) {
            let inherited = w
                .containers
                .iter()
                .any(|c| c.security.selinux_type.is_none());
            if inherited || w.containers.is_empty() {
                cx.report(
                    Hit::new(wi, None, v.loc)
                        .message(1)
                        .args([v.as_str().trim()]),
                );
            }
        }
        for (ci, c) in w.containers.iter().enumerate() {
            if let Some(v) = unconfined_type(&c.security) {
                cx.report(Hit::new(wi, Some(ci), v.loc).args([v.as_str().trim()]));
            } else if let Some(v) = &c.security.selinux_disabled
                && unit.source != Source::Kubernetes
            {
                cx.report(Hit::new(wi, Some(ci), v.loc).message(2));
            }
        }
    }
}
