use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::lint::types::Severity;
use crate::read::ir::{Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds device cgroup rules that let a container create and open host devices: Compose
    /// `device_cgroup_rules` and `docker run --device-cgroup-rule`. A rule for all devices (`a`),
    /// for block devices (`b`) or for any major number (`*`) is critical; a rule for one character
    /// device is high.
    ///
    /// ## Why is this bad?
    /// The default device list keeps the host's disks and memory out of reach. A rule such as
    /// `b *:* rwm` lets a container, which holds `CAP_MKNOD` by default, create a node for the
    /// host's disk and read or write it raw: every file on the node, without any mount. `c 1:1`
    /// is `/dev/mem`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   tool:
    ///     image: example/tool:1.0
    ///     user: "1000"
    ///     device_cgroup_rules:
    ///       - "b *:* rwm"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   tool:
    ///     image: example/tool:1.0
    ///     user: "1000"
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#device-cgroup-rule>
    /// - <https://docs.kernel.org/admin-guide/cgroup-v1/devices.html>
    DeviceCgroupRule {
        code: "DS030",
        name: "device-cgroup-rule",
        severity: High,
        summary: "a device cgroup rule lets the container open host devices",
        message: [
            "the device cgroup rule `{0}` lets the container create and open host devices beyond the default set",
        ],
        help: "remove the rule; pass the one device the container needs with `devices` (`--device`), read-only where it can be",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            for r in &c.device_rules {
                let text = r.as_str().trim();
                let mut parts = text.split_whitespace();
                let kind = parts.next().unwrap_or("");
                let major = parts
                    .next()
                    .and_then(|n| n.split(':').next())
                    .unwrap_or("*");
                let broad = kind == "a" || kind == "b" || major == "*";
                let mut hit = Hit::new(wi, Some(ci), r.loc).args([text]);
                if broad {
                    hit = hit.severity(Severity::Critical);
                }
                cx.report(hit);
            }
        }
    }
}
