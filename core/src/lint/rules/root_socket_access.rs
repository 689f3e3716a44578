use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Field, Source, Unit, Val, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds containers that reach a host runtime socket (what DS001, DS002 and DS021 find) and
    /// can use it: they run as root, or they hold the docker group. Root is `runAsUser: 0` (pod
    /// or container level), or no non-zero `runAsUser` and `runAsNonRoot` not `true`; in Compose
    /// and `docker run`, no `user` / `--user`, or user `0` / `root`. The group is a
    /// `supplementalGroups`, `group_add` or `--group-add` entry that is `docker` or a numeric gid
    /// (the docker group's gid differs per host, so any gid next to a socket mount counts). One
    /// finding per container, on the user setting, the group, or the container when root is
    /// implied. The primary group (`runAsGroup`, `user: uid:gid`) is not judged.
    ///
    /// ## Why is this bad?
    /// The Docker socket is `root:docker` mode `0660`: a non-root process outside the group gets
    /// `permission denied`, while root or a group member drives the whole API, which is root on
    /// the node. Running as an unprivileged user without the group is the one setting that keeps
    /// a mounted socket (for instance a proxy's) from being usable by everything in the container.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: ci
    ///   annotations:
    ///     dockscape.io/ignore: "DS001: legacy runner, tracked in OPS-42"
    /// spec:
    ///   containers:
    ///     - name: build
    ///       image: docker:27-cli
    ///       volumeMounts:
    ///         - name: sock
    ///           mountPath: /var/run/docker.sock
    ///   volumes:
    ///     - name: sock
    ///       hostPath:
    ///         path: /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: ci
    ///   annotations:
    ///     dockscape.io/ignore: "DS001: legacy runner, tracked in OPS-42"
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///     - name: build
    ///       image: docker:27-cli
    ///       volumeMounts:
    ///         - name: sock
    ///           mountPath: /var/run/docker.sock
    ///   volumes:
    ///     - name: sock
    ///       hostPath:
    ///         path: /var/run/docker.sock
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/install/linux-postinstall/#manage-docker-as-a-non-root-user>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    RootSocketAccess {
        code: "DS016",
        name: "root-socket-access",
        severity: High,
        summary: "a container that reaches a runtime socket runs as root or holds the docker group",
        message: [
            "container runs as root ({0}) and mounts {1}",
            "container holds the docker group (`{0}`) and mounts {1}",
        ],
        help: "run as a non-root user without the docker group, or remove the socket mount",
    }
}

/// `docker`, or a numeric gid.
fn docker_group(g: &Val<'_>) -> bool {
    let t = g.as_str().trim();
    t.eq_ignore_ascii_case("docker") || (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            let Some((_, host)) = c.socket_mount() else {
                continue;
            };
            let what = match host.class {
                PathClass::SocketDir(s) => {
                    format!(
                        "`{}`, which holds the {} socket",
                        host.effective,
                        s.runtime.label()
                    )
                }
                PathClass::Socket(s) => {
                    format!("the {} socket `{}`", s.runtime.label(), host.effective)
                }
                _ => continue,
            };
            if w.runs_as_root(c) {
                let user = c
                    .security
                    .run_as_user
                    .as_ref()
                    .or(w.security.run_as_user.as_ref());
                let non_root = c
                    .security
                    .run_as_non_root
                    .as_ref()
                    .or(w.security.run_as_non_root.as_ref());
                let (reason, loc) = match (unit.source, user, non_root) {
                    (Source::Kubernetes, Some(u), _) => {
                        (format!("`runAsUser: {}`", u.as_str()), u.loc)
                    }
                    (Source::Kubernetes, None, Some(n)) => {
                        (format!("`runAsNonRoot: {}`", n.as_str()), n.loc)
                    }
                    (Source::Kubernetes, None, None) => {
                        ("no `runAsUser`, `runAsNonRoot` unset".to_string(), c.loc)
                    }
                    (Source::Compose, Some(u), _) => (format!("`user: {}`", u.as_str()), u.loc),
                    (Source::Compose, None, _) => ("no `user`".to_string(), c.loc),
                    (Source::Run, Some(u), _) => {
                        let flag = match u.loc.field {
                            Field::Text(f) => f,
                            _ => "--user",
                        };
                        (format!("`{flag} {}`", u.as_str()), u.loc)
                    }
                    (Source::Run, None, _) => ("no `--user`".to_string(), c.loc),
                };
                cx.report(Hit::new(wi, Some(ci), loc).args([reason, what]));
                continue;
            }
            let group = c
                .security
                .groups
                .iter()
                .chain(w.security.groups.iter())
                .find(|g| docker_group(g));
            if let Some(g) = group {
                cx.report(
                    Hit::new(wi, Some(ci), g.loc)
                        .message(1)
                        .args([g.as_str().trim().to_string(), what]),
                );
            }
        }
    }
}
