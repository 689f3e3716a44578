use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Container, Unit, Val, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds Docker socket proxies configured to pass write calls. The proxy is recognised by
    /// its image: a repository whose last segment ends in `socket-proxy`
    /// (`tecnativa/docker-socket-proxy`, `lscr.io/linuxserver/socket-proxy`,
    /// `wollomatic/socket-proxy`, mirrors and forks). Write access is, as those images document:
    /// - Tecnativa and LinuxServer (environment, `1`/`true`/`yes`/`on` turns a section on):
    ///   `POST` (every enabled section becomes writable, `CONTAINERS=1` with `POST=1` creates
    ///   containers), the method switches `PUT`, `PATCH`, `DELETE`, `EXEC` / `ALLOW_EXEC`
    ///   (commands in running containers), and the container actions `ALLOW_START`,
    ///   `ALLOW_STOP`, `ALLOW_RESTARTS`, `ALLOW_KILL`, `ALLOW_PAUSE`, `ALLOW_UNPAUSE` and
    ///   `ALLOW_ATTACH` (writes a container's stdin);
    /// - wollomatic (`-allow<METHOD>=<regexp>` arguments or `SP_ALLOW_<METHOD>` variables): any
    ///   non-empty allowlist for `POST`, `PUT`, `PATCH` or `DELETE`. The regular expression is
    ///   not judged: a narrow one is still a write path worth a look (suppress it with the
    ///   reason).
    ///
    /// One finding per proxy container, on the first write switch, naming all of them.
    ///
    /// ## Why is this bad?
    /// A socket proxy is only worth its place while it is read-only: with `POST` and
    /// `CONTAINERS` a client can create a privileged container that mounts the host's `/`, and
    /// with `EXEC` it runs commands in any container on the host. The proxy then hands out the
    /// full socket (DS001) to everything that reaches its port, usually without any
    /// authentication.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   docker-proxy:
    ///     image: tecnativa/docker-socket-proxy:0.3
    ///     environment:
    ///       CONTAINERS: 1
    ///       POST: 1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   docker-proxy:
    ///     image: tecnativa/docker-socket-proxy:0.3
    ///     environment:
    ///       CONTAINERS: 1
    ///       POST: 0
    /// ```
    ///
    /// ## References
    /// - <https://github.com/Tecnativa/docker-socket-proxy#grant-or-revoke-access-to-certain-api-sections>
    /// - <https://github.com/linuxserver/docker-socket-proxy#parameters>
    /// - <https://github.com/wollomatic/socket-proxy#setting-up-the-allowlist-for-requests>
    PermissiveSocketProxy {
        code: "DS022",
        name: "permissive-socket-proxy",
        severity: High,
        summary: "a Docker socket proxy passes write calls",
        message: ["the socket proxy `{0}` passes write calls to the Docker API: {1}"],
        help: "allow read-only sections only: set `POST=0` and drop the exec, start and stop switches (wollomatic: only `-allowGET`/`-allowHEAD`)",
    }
}

/// Tecnativa / LinuxServer variables that open a write path.
const WRITE_SWITCHES: &[&str] = &[
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "EXEC",
    "ALLOW_EXEC",
    "ALLOW_START",
    "ALLOW_STOP",
    "ALLOW_RESTARTS",
    "ALLOW_KILL",
    "ALLOW_PAUSE",
    "ALLOW_UNPAUSE",
    "ALLOW_ATTACH",
];

/// wollomatic's write methods.
const WRITE_METHODS: &[&str] = &["POST", "PUT", "PATCH", "DELETE"];

fn is_proxy(c: &Container<'_>) -> bool {
    c.image_parts().is_some_and(|(repo, _)| {
        let last = repo.rsplit('/').next().unwrap_or(repo);
        last.to_ascii_lowercase().ends_with("socket-proxy")
    })
}

/// `1`, `true`, `yes`, `on`, any non-zero number.
fn truthy(v: &str) -> bool {
    let v = v.trim().trim_matches(['"', '\'']);
    matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "on")
        || v.parse::<i64>().is_ok_and(|n| n != 0)
}

/// `SP_ALLOW_POST`, `SP_ALLOW_POST_2`: the method, when it writes.
fn wollomatic_env(name: &str) -> Option<&'static str> {
    let rest = name.strip_prefix("SP_ALLOW_")?;
    let method = rest.split('_').next().unwrap_or(rest);
    WRITE_METHODS
        .iter()
        .copied()
        .find(|m| m.eq_ignore_ascii_case(method))
}

/// `-allowPOST=...` / `--allowPOST=...` (or the value in the next word): the method.
fn wollomatic_flag(word: &str) -> Option<(&'static str, Option<&str>)> {
    let w = word.trim().trim_start_matches('-');
    let rest = w.strip_prefix("allow")?;
    let (method, value) = match rest.split_once('=') {
        Some((m, v)) => (m, Some(v)),
        None => (rest, None),
    };
    WRITE_METHODS
        .iter()
        .copied()
        .find(|m| *m == method)
        .map(|m| (m, value))
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            if !is_proxy(c) {
                continue;
            }
            let mut found: Vec<(String, &Val<'t>)> = Vec::new();
            for e in &c.env {
                let name = e.name.as_str().trim();
                let Some(v) = &e.value else { continue };
                if WRITE_SWITCHES.contains(&name) && truthy(v.as_str()) {
                    found.push((format!("`{name}={}`", v.as_str().trim()), v));
                } else if let Some(m) = wollomatic_env(name)
                    && !v.as_str().trim().is_empty()
                {
                    found.push((format!("`{name}` ({m})"), v));
                }
            }
            let argv: Vec<&Val<'t>> = c.argv().collect();
            for (i, a) in argv.iter().enumerate() {
                let Some((m, value)) = wollomatic_flag(a.as_str()) else {
                    continue;
                };
                let value = value.or_else(|| argv.get(i + 1).map(|n| n.as_str()));
                if value.is_some_and(|v| !v.trim().is_empty()) {
                    found.push((format!("`-allow{m}`"), a));
                }
            }
            let Some(&(_, first)) = found.first() else {
                continue;
            };
            let image = c.image.as_ref().map_or("", |i| i.as_str()).to_string();
            let list: Vec<String> = found.iter().map(|(s, _)| s.clone()).collect();
            cx.report(Hit::new(wi, Some(ci), first.loc).args([image, list.join(", ")]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches() {
        assert!(truthy("1") && truthy("true") && truthy(" \"1\" "));
        assert!(!truthy("0") && !truthy("false") && !truthy(""));
        assert_eq!(wollomatic_env("SP_ALLOW_POST_2"), Some("POST"));
        assert_eq!(wollomatic_env("SP_ALLOW_GET"), None);
        assert_eq!(wollomatic_flag("-allowPOST=.*"), Some(("POST", Some(".*"))));
        assert_eq!(wollomatic_flag("-allowGET=.*"), None);
    }
}
