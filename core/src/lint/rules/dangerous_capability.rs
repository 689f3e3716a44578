use crate::lint::Severity;
use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds added Linux capabilities that are known escape or host-reach primitives:
    /// `capabilities.add` in any container kind, Compose `cap_add` and `docker run --cap-add`.
    /// `ALL` and `SYS_ADMIN` are critical; `SYS_PTRACE`, `SYS_MODULE`, `DAC_READ_SEARCH`,
    /// `NET_ADMIN`, `BPF`, `PERFMON` and `SYS_RAWIO` are high. Names match in any case, with or
    /// without the `CAP_` prefix (`cap_sys_admin`, `CAP_SYS_ADMIN` and `sys_admin` are the same
    /// capability). Each dangerous capability is one finding, on the value that adds it; adding
    /// it is flagged even when `drop: [ALL]` is also set, since `add` wins.
    ///
    /// ## Why is this bad?
    /// `SYS_ADMIN` is most of root: it mounts filesystems, and with the cgroup v1 `release_agent`
    /// trick or a mounted host disk it escapes the container. `SYS_MODULE` loads kernel code;
    /// `SYS_PTRACE` (with host PID) injects into node processes; `DAC_READ_SEARCH` opens host
    /// files by handle (the "shocker" exploit); `NET_ADMIN` rewrites the pod's routing and
    /// firewall; `BPF` and `PERFMON` load programs that read kernel memory; `SYS_RAWIO` reaches
    /// devices and I/O ports. `ALL` is all of these.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: tools
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: tools
    ///       image: alpine:3.20
    ///       securityContext:
    ///         capabilities:
    ///           drop: [ALL]
    ///           add: [SYS_ADMIN]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: tools
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: tools
    ///       image: alpine:3.20
    ///       securityContext:
    ///         capabilities:
    ///           drop: [ALL]
    ///           add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - <https://man7.org/linux/man-pages/man7/capabilities.7.html>
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    DangerousCapability {
        code: "DS014",
        name: "dangerous-capability",
        severity: High,
        summary: "a container adds a capability that is an escape or host-reach primitive",
        message: [
            "container adds the capability `{0}`: {1}",
        ],
        help: "drop `ALL` and add back only the capabilities the process needs",
    }
}

/// (normalised name, critical, what it allows).
const DANGEROUS: &[(&str, bool, &str)] = &[
    (
        "ALL",
        true,
        "every capability, root on the node in all but name",
    ),
    (
        "SYS_ADMIN",
        true,
        "mounts and namespace control, a known container escape",
    ),
    (
        "SYS_PTRACE",
        false,
        "tracing and injecting into other processes",
    ),
    ("SYS_MODULE", false, "loading kernel modules"),
    ("DAC_READ_SEARCH", false, "opening host files by handle"),
    ("NET_ADMIN", false, "rewriting routes and firewall rules"),
    ("BPF", false, "loading BPF programs"),
    ("PERFMON", false, "kernel performance monitoring"),
    ("SYS_RAWIO", false, "raw device and I/O port access"),
];

fn normalise(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_string(),
        None => upper,
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            // `--cap-add SYS_ADMIN,NET_ADMIN` is read as two capabilities
            let caps = c
                .security
                .cap_add
                .iter()
                .flat_map(|v| v.as_str().split(',').map(move |s| (s.trim(), v.loc)));
            for (written, loc) in caps {
                let name = normalise(written);
                let Some(&(_, critical, what)) = DANGEROUS.iter().find(|(n, _, _)| *n == name)
                else {
                    continue;
                };
                let mut hit = Hit::new(wi, Some(ci), loc).args([written, what]);
                if critical {
                    hit = hit.severity(Severity::Critical);
                }
                cx.report(hit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn names() {
        assert_eq!(normalise("cap_sys_admin"), "SYS_ADMIN");
        assert_eq!(normalise(" Sys_Ptrace "), "SYS_PTRACE");
        assert_eq!(normalise("all"), "ALL");
    }
}
