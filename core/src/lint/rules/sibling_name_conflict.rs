use crate::lint::ir::{Loc, Source, Unit, WorkloadKind};
use crate::lint::registry::{Checker, Hit, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds fixed container names in Docker-outside-of-Docker workloads, where every name lives
    /// in the host daemon's one namespace. A container that reaches a host runtime socket (what
    /// DS001, DS002 and DS021 find) is reported when:
    /// - its command or args run `docker run --name <name>` or `docker create --name <name>`
    ///   (also `docker container run|create`, `--name=<name>`, inside `sh -c` scripts);
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

/// A word of a command line, or a command separator (`None`).
type Word<'t> = (Option<String>, Loc<'t>);

/// Split a command (or `sh -c` script) into words and separators, like sh without expansion.
fn words<'t>(text: &str, loc: Loc<'t>, out: &mut Vec<Word<'t>>) {
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                while let Some(d) = chars.next() {
                    if d == c {
                        break;
                    }
                    if c == '"' && d == '\\' {
                        if let Some(e) = chars.next() {
                            cur.push(e);
                        }
                        continue;
                    }
                    cur.push(d);
                }
            }
            '\\' => {
                in_word = true;
                if let Some(e) = chars.next() {
                    cur.push(e);
                }
            }
            // `$(` stays in the word: a substituted name is not fixed
            '(' if cur.ends_with('$') => cur.push(c),
            ';' | '&' | '|' | '(' | ')' | '\n' | '`' => {
                if in_word {
                    out.push((Some(std::mem::take(&mut cur)), loc));
                    in_word = false;
                }
                out.push((None, loc));
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push((Some(std::mem::take(&mut cur)), loc));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push((Some(cur), loc));
    }
}

/// Docker's global options that take a value (before `run`).
const GLOBAL_VALUE: &[&str] = &[
    "-H",
    "--host",
    "-c",
    "--context",
    "--config",
    "-l",
    "--log-level",
];

/// The `--name` values of every `docker run|create` in the words.
fn run_names<'w, 't>(ws: &'w [Word<'t>]) -> Vec<(&'w str, Loc<'t>)> {
    let word = |i: usize| ws.get(i).and_then(|(w, _)| w.as_deref());
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let is_docker = word(i).is_some_and(|w| {
            let base = w.rsplit('/').next().unwrap_or(w);
            base == "docker" || base == "docker.exe"
        });
        i += 1;
        if !is_docker {
            continue;
        }
        while let Some(w) = word(i).filter(|w| w.starts_with('-')) {
            i += if GLOBAL_VALUE.contains(&w) { 2 } else { 1 };
        }
        match word(i) {
            Some("run" | "create") => i += 1,
            Some("container") if matches!(word(i + 1), Some("run" | "create")) => i += 2,
            _ => continue,
        }
        while let Some((Some(w), loc)) = ws.get(i) {
            if w == "--name" {
                if let Some((Some(n), nloc)) = ws.get(i + 1) {
                    out.push((n.as_str(), *nloc));
                }
            } else if let Some(n) = w.strip_prefix("--name=") {
                out.push((n, *loc));
            }
            i += 1;
        }
    }
    out
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
            let mut ws = Vec::new();
            for v in c.argv() {
                words(v.as_str(), v.loc, &mut ws);
            }
            for (name, loc) in run_names(&ws) {
                if fixed(name) {
                    cx.report(Hit::new(wi, Some(ci), loc).args([name]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        let mut ws = Vec::new();
        words(s, Loc::NONE, &mut ws);
        run_names(&ws)
            .into_iter()
            .map(|(n, _)| n.to_string())
            .collect()
    }

    #[test]
    fn finds_names() {
        assert_eq!(
            names("docker run --rm --name sleep_60 alpine"),
            ["sleep_60"]
        );
        assert_eq!(
            names("set -e; docker -H unix:///x container create --name=a b"),
            ["a"]
        );
        assert_eq!(
            names("docker run --name \"x-$BUILD_ID\" alpine"),
            ["x-$BUILD_ID"]
        );
        assert_eq!(
            names("docker run --name x-$(date +%s) alpine"),
            ["x-$(date"]
        );
        assert!(names("docker ps --filter name=x; echo --name y").is_empty());
        assert!(!fixed("x-${CI_JOB_ID}"));
        assert!(fixed("sleep_60"));
    }
}
