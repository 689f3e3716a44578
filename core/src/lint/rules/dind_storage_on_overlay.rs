use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Container, Unit, WorkloadKind};
use crate::read::paths;

declare_rule! {
    /// ## What it does
    /// Finds Docker-in-Docker containers (DS007's test: a `docker:*dind*` or `*/dind` image, or
    /// `dockerd` as the command) with no volume at the daemon's data root, so its images and
    /// containers land on the container's own overlay filesystem. The data root is
    /// `/var/lib/docker`; `/home/rootless/.local/share/docker` for the rootless images (a
    /// `*rootless*` tag or `dockerd-rootless`); the value of `--data-root` when the command sets
    /// it. Any volume counts (`emptyDir`, PVC, named volume, bind, `tmpfs`), mounted at the data
    /// root or at a directory above it. Not reported under the Sysbox runtime (`runtimeClassName`, Compose
    /// `runtime`, `--runtime` naming `sysbox`): Sysbox mounts a host directory at
    /// `/var/lib/docker` itself. Reported whatever `--storage-driver` says: `vfs` and
    /// `fuse-overlayfs` avoid the failure but not the slowness or the growth of the writable
    /// layer.
    ///
    /// ## Why is this bad?
    /// The inner daemon's `overlay2` driver cannot stack on the outer overlay filesystem: it
    /// fails, or Docker falls back to `vfs`, copying every layer in full. Builds crawl, the
    /// node's disk fills through the container's writable layer (outside any volume quota), and
    /// the cache is lost with the container.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dind
    ///   annotations:
    ///     dockscape.io/ignore: "DS007: dedicated build nodes, see RUNBOOK.md"
    /// spec:
    ///   containers:
    ///     - name: dind
    ///       image: docker:27-dind
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dind
    ///   annotations:
    ///     dockscape.io/ignore: "DS007: dedicated build nodes, see RUNBOOK.md"
    /// spec:
    ///   containers:
    ///     - name: dind
    ///       image: docker:27-dind
    ///       volumeMounts:
    ///         - name: docker-storage
    ///           mountPath: /var/lib/docker
    ///   volumes:
    ///     - name: docker-storage
    ///       emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - <https://hub.docker.com/_/docker#where-to-store-data>
    /// - <https://jpetazzo.github.io/2015/09/03/do-not-use-docker-in-docker-for-ci/>
    DindStorageOnOverlay {
        code: "DS026",
        name: "dind-storage-on-overlay",
        severity: Medium,
        summary: "a Docker-in-Docker daemon keeps its storage on the container's overlay filesystem",
        message: [
            "no volume is mounted at `{0}`: the inner daemon's storage sits on the container's overlay filesystem",
        ],
        help: "mount an `emptyDir` (or a volume) at `{0}`",
    }
}

/// The daemon's data root: `--data-root` (or the old `--graph`) when set, else the default.
fn data_root(c: &Container<'_>) -> String {
    let words: Vec<&str> = c
        .argv()
        .flat_map(|v| v.as_str().split_whitespace())
        .collect();
    for (i, w) in words.iter().enumerate() {
        for flag in ["--data-root", "--graph"] {
            if let Some(v) = w.strip_prefix(flag).and_then(|r| r.strip_prefix('='))
                && !v.is_empty()
            {
                return paths::normalize(v);
            }
            if *w == flag
                && let Some(v) = words.get(i + 1)
            {
                return paths::normalize(v);
            }
        }
    }
    if c.rootless_daemon() {
        "/home/rootless/.local/share/docker".to_string()
    } else {
        "/var/lib/docker".to_string()
    }
}

/// Whether a mount at `target` holds `root` (equal or above it, `/` excluded).
fn covers(target: &str, root: &str) -> bool {
    let t = paths::normalize(target);
    t != "/"
        && (t == root
            || root
                .strip_prefix(t.as_str())
                .is_some_and(|r| r.starts_with('/')))
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        if w.sysbox() {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            let Some(origin) = c.daemon_origin() else {
                continue;
            };
            let root = data_root(c);
            let stored = c
                .mounts
                .iter()
                .filter_map(|m| m.target.as_ref())
                .any(|t| covers(t.as_str(), &root));
            if stored {
                continue;
            }
            cx.report(Hit::new(wi, Some(ci), origin.loc).args([root]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn cover() {
        assert!(covers("/var/lib/docker/", "/var/lib/docker"));
        assert!(covers("/var/lib", "/var/lib/docker"));
        assert!(!covers("/", "/var/lib/docker"));
        assert!(!covers("/var/lib/docker2", "/var/lib/docker"));
        assert!(!covers("/var/lib/dock", "/var/lib/docker"));
    }
}
