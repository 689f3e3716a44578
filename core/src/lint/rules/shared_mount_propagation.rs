use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds mounts whose propagation is shared with the host: Kubernetes
    /// `mountPropagation: Bidirectional`, Compose `bind.propagation: shared` or `rshared` (and the
    /// short syntax's `:rshared`), `docker run -v /src:/dst:rshared` and
    /// `--mount type=bind,...,bind-propagation=rshared`.
    ///
    /// ## Why is this bad?
    /// Every mount the container makes below the mount point appears on the host and in every
    /// other container that shares it. A container that can mount (privileged, `SYS_ADMIN`) can
    /// lay a filesystem over host paths such as `/etc` or `/var/lib/docker` (when the bind is `/`
    /// or those directories), and a compromised container keeps mounts alive on the node after it
    /// is gone. The default (`rprivate`, `None`) keeps mounts inside the container.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.0
    ///     user: "1000"
    ///     volumes:
    ///       - type: bind
    ///         source: /srv/agent
    ///         target: /data
    ///         bind:
    ///           propagation: rshared
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.0
    ///     user: "1000"
    ///     volumes:
    ///       - type: bind
    ///         source: /srv/agent
    ///         target: /data
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/storage/volumes/#mount-propagation>
    /// - <https://docs.docker.com/engine/storage/bind-mounts/#configure-bind-propagation>
    SharedMountPropagation {
        code: "DS028",
        name: "shared-mount-propagation",
        severity: High,
        summary: "a mount propagates the container's mounts back to the host",
        message: ["the mount of `{0}` at `{1}` propagates mounts to and from the host (`{2}`)"],
        help: "drop the propagation setting (the default is private); mount what the container needs read-only",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            for m in &c.mounts {
                let Some(p) = &m.propagation else { continue };
                let shared = matches!(
                    p.as_str().trim().to_ascii_lowercase().as_str(),
                    "shared" | "rshared" | "bidirectional"
                );
                if !shared {
                    continue;
                }
                let source = m.host.as_ref().map_or_else(
                    || m.volume_name.as_ref().map_or("", |v| v.as_str()),
                    |h| h.effective.as_str(),
                );
                let target = m.target.as_ref().map_or("", |t| t.as_str());
                cx.report(Hit::new(wi, Some(ci), p.loc).args([source, target, p.as_str()]));
            }
        }
    }
}
