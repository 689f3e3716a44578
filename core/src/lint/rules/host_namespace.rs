use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::lint::types::Severity;
use crate::read::ir::{Source, Unit, Val, WorkloadKind, written};

declare_rule! {
    /// ## What it does
    /// Finds containers that share one of the host's other namespaces: the cgroup namespace
    /// (Compose `cgroup: host`, `docker run --cgroupns host`), the UTS namespace (`uts: host`,
    /// `--uts host`) or the user namespace when the daemon remaps users (`userns_mode: host`,
    /// `--userns host`). The network, PID and IPC namespaces are DS011, DS012 and DS013. The user
    /// namespace is high (root in the container is root on the host), the others medium.
    ///
    /// ## Why is this bad?
    /// With the host's cgroup namespace the container sees the node's whole cgroup tree and its
    /// paths, the first step of the cgroup `release_agent` and device-controller escapes when
    /// anything else is loosened; with the host's UTS namespace it can rename the node; with the
    /// host's user namespace on a daemon that runs `userns-remap`, root in the container is root
    /// on the host again: the one protection that remapping gives is switched off.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: example/monitor:1.0
    ///     user: "1000"
    ///     cgroup: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: example/monitor:1.0
    ///     user: "1000"
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/compose-file/services/#cgroup>
    /// - <https://docs.docker.com/engine/security/userns-remap/#disable-namespace-remapping-for-a-container>
    HostNamespace {
        code: "DS029",
        name: "host-namespace",
        severity: Medium,
        summary: "the workload shares the host's cgroup, UTS or user namespace",
        message: [
            "the workload shares the host's cgroup namespace (`{0}`)",
            "the workload shares the host's UTS namespace, its hostname (`{0}`)",
            "the workload runs in the host's user namespace: root in it is root on the host even where the daemon remaps users (`{0}`)",
        ],
        help: "remove the setting: the container's own namespace is the default",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        let mut hit = |v: &Val<'t>, message: usize, key: &str, compose: &str| {
            let mut h = Hit::new(wi, None, v.loc).message(message).args([written(
                unit.source,
                v,
                key,
                compose,
            )]);
            if message == 2 {
                h = h.severity(Severity::High);
            }
            cx.report(h);
        };
        if let Some(v) = &w.host_cgroup {
            hit(v, 0, "cgroup", "cgroup");
        }
        if let Some(v) = &w.host_uts {
            hit(v, 1, "uts", "uts");
        }
        // Kubernetes' `hostUsers` is a boolean whose default is the host's namespace
        if unit.source != Source::Kubernetes
            && let Some(v) = w.host_users.as_ref().filter(|v| v.eq_ci("host"))
        {
            hit(v, 2, "hostUsers", "userns_mode");
        }
    }
}
