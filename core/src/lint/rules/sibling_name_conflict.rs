use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Source, Unit, WorkloadKind};
use crate::read::run::docker_runs_in;

declare_rule! {
    /// ## What it does
    /// Finds fixed container names in Docker-outside-of-Docker workloads, where every name lives
    /// in the host daemon's one namespace. A container that reaches a host runtime socket (what
    /// DS001, DS002 and DS021 find) is reported when:
    /// - its command or args run `docker run --name <name>` or `docker create --name <name>`
    ///   (also `docker container run|create`, `--name=<name>`, inside `sh -c` scripts; the line
    ///   is read as `docker run` reads it, so a `--name` after the image is not the name);
    /// - it has a fixed name itself: Compose `container_name`, `docker run --name` on the line
    ///   that mounts the socket.
    ///
    /// A name holding a variable (`$BUILD_ID`, `${CI_JOB_ID}`, Kubernetes `$(POD_NAME)`, a
    /// command substitution) is not fixed and not reported. A `docker run --name` line of a
    /// script that mounts no socket itself is not reported either: it talks to whatever daemon
    /// runs the script, which is not a sibling setup by itself.
    ///
    /// ## Why is this bad?
    /// Through the host's socket, the containers a job starts are siblings on the host, not
    /// children of the job: two runs of the same job (parallel pipelines, a retry while the
    /// first run still cleans up) ask the host daemon for the same name and the second fails
    /// with `Conflict. The container name "/sleep_60" is already in use`, or removes the
    /// other run's container with `docker rm -f`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: job
    ///   annotations:
    ///     dockscape.io/ignore: "DS001: legacy runner, tracked in OPS-42"
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: job
    ///       image: docker:27-cli
    ///       command: [docker, run, --rm, --name, sleep_60, alpine, sleep, "60"]
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
    ///   name: job
    ///   annotations:
    ///     dockscape.io/ignore: "DS001: legacy runner, tracked in OPS-42"
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: job
    ///       image: docker:27-cli
    ///       command: [sh, -c, 'docker run --rm --name "sleep-$HOSTNAME" alpine sleep 60']
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
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#name>
    /// - <https://jpetazzo.github.io/2015/09/03/do-not-use-docker-in-docker-for-ci/>
    SiblingNameConflict {
        code: "DS027",
        name: "sibling-name-conflict",
        severity: Low,
        summary: "a Docker-outside-of-Docker workload uses a fixed container name on the host daemon",
        message: [
            "the workload starts a sibling container on the host daemon with the fixed name `{0}`: concurrent runs collide",
            "the container holding the host's socket has the fixed name `{0}` (`{1}`): a second run collides",
        ],
        help: "make the name unique per run (add `$BUILD_ID` or the pod name), or drop `--name` and use the ID `docker run` prints",
    }
}

/// A name without variables or substitutions.
fn fixed(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty() && !n.contains(['$', '`'])
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            if c.socket_mount().is_none() {
                continue;
            }
            if let Some(n) = &c.container_name
                && fixed(n.as_str())
            {
                let key = match unit.source {
                    Source::Compose => "container_name",
                    _ => "--name",
                };
                cx.report(
                    Hit::new(wi, Some(ci), n.loc)
                        .message(1)
                        .args([n.as_str().trim(), key]),
                );
            }
            for run in docker_runs_in(c) {
                for n in run
                    .containers
                    .iter()
                    .filter_map(|r| r.container_name.as_ref())
                {
                    if !fixed(n.as_str()) {
                        continue;
                    }
                    // point at the argument the name came from, with its field path
                    // (the word's line; its column, or the `--name=` before it)
                    let loc = c
                        .argv()
                        .filter(|a| a.loc.line == n.loc.line && a.loc.col <= n.loc.col)
                        .max_by_key(|a| a.loc.col)
                        .map_or(n.loc, |a| a.loc);
                    cx.report(Hit::new(wi, Some(ci), loc).args([n.as_str().trim()]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn fixed_names() {
        assert!(fixed("sleep_60"));
        assert!(!fixed("x-${CI_JOB_ID}"));
        assert!(!fixed("x-$BUILD_ID"));
        assert!(!fixed("x-$(POD_NAME)"));
        assert!(!fixed("x-`date +%s`"));
        assert!(!fixed(" "));
    }
}
