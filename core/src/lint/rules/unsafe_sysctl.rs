use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds sysctls outside the Pod Security Standards baseline's safe list: pod
    /// `securityContext.sysctls`, Compose `sysctls` (mapping or list) and `docker run --sysctl`.
    /// The safe list is Kubernetes' (as of 1.37): `kernel.shm_rmid_forced`,
    /// `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`,
    /// `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`, `net.ipv4.ip_local_reserved_ports`
    /// (1.27), `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
    /// `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes` (1.29), `net.ipv4.tcp_rmem`,
    /// `net.ipv4.tcp_wmem` (1.32), `net.ipv4.tcp_slow_start_after_idle` and
    /// `net.ipv4.tcp_notsent_lowat` (1.37). Names written with `/` (`net/ipv4/tcp_syncookies`)
    /// are read with `.`. The same list judges Compose and `docker run`, so one file means the
    /// same thing wherever it runs. One finding per unsafe sysctl.
    ///
    /// ## Why is this bad?
    /// A safe sysctl is namespaced and isolated from other pods. The others either are not
    /// namespaced (they change the node's kernel for every workload: `kernel.*`, `vm.*`,
    /// `fs.*`) or weaken isolation the node relies on; the kubelet refuses them unless the node
    /// allows them explicitly.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: cache
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     sysctls:
    ///       - name: net.core.somaxconn
    ///         value: "4096"
    ///   containers:
    ///     - name: redis
    ///       image: redis:7
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: cache
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     sysctls:
    ///       - name: net.ipv4.tcp_keepalive_time
    ///         value: "300"
    ///   containers:
    ///     - name: redis
    ///       image: redis:7
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - <https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/>
    UnsafeSysctl {
        code: "DS023",
        name: "unsafe-sysctl",
        severity: Medium,
        summary: "a sysctl outside the Pod Security Standards safe list is set",
        message: ["the sysctl `{0}` is not on the Pod Security Standards safe list"],
        help: "set only safe sysctls; tune node-wide sysctls on the node itself",
    }
}

/// The baseline profile's allowed sysctls (`sysctlsAllowedV1Dot37`).
const SAFE: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

fn safe(name: &str) -> bool {
    let n = name.trim().replace('/', ".");
    SAFE.contains(&n.as_str())
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (name, _) in &w.sysctls {
            if name.as_str().trim().is_empty() || safe(name.as_str()) {
                continue;
            }
            cx.report(Hit::new(wi, None, name.loc).args([name.as_str().trim()]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn list() {
        assert!(safe("net.ipv4.tcp_syncookies"));
        assert!(safe("net/ipv4/ip_local_port_range"));
        assert!(!safe("net.core.somaxconn"));
        assert!(!safe("kernel.msgmax"));
    }
}
