use crate::lint::fix::FixCx;
use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::migrate::Edit;
use crate::read::ir::{Source, Unit, WorkloadKind};

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
    /// ## Fix
    /// Unsafe (`dockscape lint --fix --unsafe-fixes`): `mountPropagation: Bidirectional` becomes
    /// `HostToContainer` (Compose: `rshared` becomes `rslave`, `shared` becomes `slave`), so the
    /// container still sees the host's new mounts but its own no longer reach the host. It is
    /// unsafe because a workload that mounts for the host (a CSI node plugin, a FUSE helper) needs
    /// that direction. Not offered where a variable is in the value.
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
        fix: Unsafe("propagate mounts from the host only (`HostToContainer`, `rslave`)"),
    }
}

/// `HostToContainer` in place of `Bidirectional`; Compose `rslave`/`slave` for `rshared`/`shared`.
fn fix(cx: &FixCx<'_>, hit: &Hit<'_>) -> Option<Vec<Edit>> {
    let id = FixCx::node(hit)?;
    let text = cx.scalar_text(id)?;
    let src = cx.source(id)?;
    let (start, _) = cx.doc.span(id)?;
    if text.contains('$') {
        return None;
    }
    let (word, with) = match cx.unit.source {
        Source::Kubernetes if cx.key_of(id)? == "mountPropagation" => {
            (text.trim(), "HostToContainer")
        }
        Source::Compose => {
            // the long syntax's `propagation`, or the last `:` section of a short mount
            let mode = if cx.key_of(id) == Some("propagation") {
                text.trim()
            } else {
                text.rsplit(':').next()?
            };
            let word = mode
                .split(',')
                .map(str::trim)
                .find(|w| w.eq_ignore_ascii_case("rshared") || w.eq_ignore_ascii_case("shared"))?;
            let with = if word.len() == "rshared".len() {
                "rslave"
            } else {
                "slave"
            };
            (word, with)
        }
        _ => return None,
    };
    let at = src.rfind(word)? + start as usize;
    Some(vec![Edit::replace(at, at + word.len(), with.to_string())])
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
