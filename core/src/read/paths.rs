//! Host paths: normalisation, the runtime-socket catalogue, and the sensitive-path lists.
//!
//! Every rule that judges a host path goes through [`classify`], so `/var/run`, `//var/run/`,
//! `/run/../var/run` and `/var/run` + `subPath: docker.sock` are all seen for what they are.

/// Which runtime a socket belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runtime {
    Docker,
    DockerRootless,
    DockerDesktop,
    Devcontainer,
    Containerd,
    K3s,
    MicroK8s,
    K0s,
    CriO,
    CriDockerd,
    Dockershim,
    Podman,
    BuildKit,
    Colima,
    RancherDesktop,
}

impl Runtime {
    /// A display name.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Runtime::Docker => "Docker",
            Runtime::DockerRootless => "rootless Docker",
            Runtime::DockerDesktop => "Docker Desktop",
            Runtime::Devcontainer => "devcontainer Docker",
            Runtime::Containerd => "containerd",
            Runtime::K3s => "k3s/RKE2 containerd",
            Runtime::MicroK8s => "MicroK8s containerd",
            Runtime::K0s => "k0s containerd",
            Runtime::CriO => "CRI-O",
            Runtime::CriDockerd => "cri-dockerd",
            Runtime::Dockershim => "dockershim",
            Runtime::Podman => "Podman",
            Runtime::BuildKit => "BuildKit",
            Runtime::Colima => "Colima",
            Runtime::RancherDesktop => "Rancher Desktop",
        }
    }
}

/// One known runtime socket. `<uid>` matches one path segment; a leading `~` stands for a home
/// directory (`~`, `$HOME`, `/home/<user>`, `/Users/<user>`, `/root`). Every `/run/...` entry is
/// also known in its `/var/run/...` form and the other way round.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Socket {
    pub path: &'static str,
    pub runtime: Runtime,
}

/// The runtime-socket catalogue of RULES.md, in one table.
pub(crate) static SOCKETS: &[Socket] = &[
    Socket {
        path: "/var/run/docker.sock",
        runtime: Runtime::Docker,
    },
    Socket {
        path: "/run/user/<uid>/docker.sock",
        runtime: Runtime::DockerRootless,
    },
    Socket {
        path: "~/.docker/run/docker.sock",
        runtime: Runtime::DockerDesktop,
    },
    Socket {
        path: "~/.docker/desktop/docker.sock",
        runtime: Runtime::DockerDesktop,
    },
    Socket {
        path: "/var/run/docker.sock.raw",
        runtime: Runtime::DockerDesktop,
    },
    Socket {
        path: "/var/run/docker-host.sock",
        runtime: Runtime::Devcontainer,
    },
    Socket {
        path: "/run/containerd/containerd.sock",
        runtime: Runtime::Containerd,
    },
    Socket {
        path: "/run/containerd/containerd.sock.ttrpc",
        runtime: Runtime::Containerd,
    },
    Socket {
        path: "/run/k3s/containerd/containerd.sock",
        runtime: Runtime::K3s,
    },
    Socket {
        path: "/var/snap/microk8s/common/run/containerd.sock",
        runtime: Runtime::MicroK8s,
    },
    Socket {
        path: "/run/k0s/containerd.sock",
        runtime: Runtime::K0s,
    },
    Socket {
        path: "/var/run/crio/crio.sock",
        runtime: Runtime::CriO,
    },
    Socket {
        path: "/var/run/cri-dockerd.sock",
        runtime: Runtime::CriDockerd,
    },
    Socket {
        path: "/var/run/dockershim.sock",
        runtime: Runtime::Dockershim,
    },
    Socket {
        path: "/run/podman/podman.sock",
        runtime: Runtime::Podman,
    },
    Socket {
        path: "/run/user/<uid>/podman/podman.sock",
        runtime: Runtime::Podman,
    },
    Socket {
        path: "/run/buildkit/buildkitd.sock",
        runtime: Runtime::BuildKit,
    },
    Socket {
        path: "/run/user/<uid>/buildkit/buildkitd.sock",
        runtime: Runtime::BuildKit,
    },
    Socket {
        path: "~/.colima/default/docker.sock",
        runtime: Runtime::Colima,
    },
    Socket {
        path: "~/.rd/docker.sock",
        runtime: Runtime::RancherDesktop,
    },
];

/// Windows named pipes of container runtimes (the name after `\\.\pipe\`).
pub(crate) const PIPES: &[(&str, Runtime)] = &[
    ("docker_engine", Runtime::Docker),
    ("dockerDesktopLinuxEngine", Runtime::DockerDesktop),
    ("dockerDesktopWindowsEngine", Runtime::DockerDesktop),
    ("docker_engine_linux", Runtime::DockerDesktop),
    ("docker_engine_windows", Runtime::DockerDesktop),
    ("containerd-containerd", Runtime::Containerd),
];

/// Runtime state directories (DS003), matched equal or below.
pub(crate) const RUNTIME_STATE: &[&str] = &[
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/containers",
    "/var/lib/kubelet",
    "/etc/kubernetes",
];

/// Sensitive host directories (DS004), matched equal or below.
pub(crate) const SENSITIVE: &[&str] = &[
    "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/usr", "/lib", "/var/log",
];

/// What a host path is, for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathClass {
    /// Exactly a runtime socket.
    Socket(&'static Socket),
    /// A directory holding a runtime socket (the first one found).
    SocketDir(&'static Socket),
    /// A Windows named pipe of a runtime.
    Pipe(Runtime),
    /// A runtime state directory or below (DS003).
    RuntimeState(&'static str),
    /// A sensitive host directory or below (DS004).
    Sensitive(&'static str),
    /// Nothing we know.
    Other,
}

impl PathClass {
    /// Socket or socket directory or pipe: the daemon API reaches the container.
    pub(crate) fn runtime_access(self) -> Option<Runtime> {
        match self {
            PathClass::Socket(s) | PathClass::SocketDir(s) => Some(s.runtime),
            PathClass::Pipe(r) => Some(r),
            _ => None,
        }
    }
}

/// Normalise a host path: collapse `//`, drop a trailing `/`, resolve `.` and `..`. Relative paths
/// stay relative (without a leading `/`); `~` and `$HOME`/`${HOME}` prefixes become `~`.
pub(crate) fn normalize(path: &str) -> String {
    let path = path.trim();
    let xdg = path
        .strip_prefix("${XDG_RUNTIME_DIR}")
        .or_else(|| path.strip_prefix("$XDG_RUNTIME_DIR"));
    if let Some(r) = xdg {
        return normalize(&format!("/run/user/<uid>{r}"));
    }
    let (prefix, rest) = if let Some(r) = path.strip_prefix("${HOME}") {
        ("~", r)
    } else if let Some(r) = path.strip_prefix("$HOME") {
        ("~", r)
    } else if let Some(r) = path.strip_prefix('~') {
        ("~", r)
    } else if path.starts_with('/') {
        ("/", path)
    } else {
        ("", path)
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in rest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                // `/var/run` and `/var/lock` are symlinks to `/run` and `/run/lock`: `..` below
                // them climbs from the target, as the kernel resolves it
                if prefix == "/" && parts.first() == Some(&"var") && parts.len() == 2 {
                    match parts.get(1) {
                        Some(&"run") => parts = vec!["run"],
                        Some(&"lock") => parts = vec!["run", "lock"],
                        _ => {}
                    }
                }
                parts.pop();
            }
            s => {
                parts.push(s);
                if prefix == "/" && node_root(&parts) {
                    // `/proc/<pid>/root` (`self`, `thread-self`, a task's) is the node's `/`
                    parts.clear();
                }
            }
        }
    }
    let mut out = String::with_capacity(path.len());
    match prefix {
        "~" => {
            out.push('~');
            for p in &parts {
                out.push('/');
                out.push_str(p);
            }
        }
        "/" => {
            for p in &parts {
                out.push('/');
                out.push_str(p);
            }
            if out.is_empty() {
                out.push('/');
            }
        }
        _ => out.push_str(&parts.join("/")),
    }
    out
}

/// Whether `parts` (a normalised absolute path) is a process's view of the node's root:
/// `/proc/<pid>/root`, `/proc/self/root`, `/proc/thread-self/root`, `/proc/<pid>/task/<tid>/root`,
/// and `/proc/<pid>/cwd` (a working directory that can be `/`, judged as the root).
fn node_root(parts: &[&str]) -> bool {
    let pid = |s: &&str| {
        matches!(*s, "self" | "thread-self")
            || (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
    };
    match parts {
        ["proc", p, "root" | "cwd"] => pid(p),
        ["proc", p, "task", t, "root" | "cwd"] => pid(p) && pid(t),
        _ => false,
    }
}

/// Join a host path and a `subPath`, then normalise.
pub(crate) fn join(base: &str, sub: &str) -> String {
    if sub.trim().is_empty() {
        return normalize(base);
    }
    normalize(&format!("{base}/{sub}"))
}

/// The pipe name when `path` is a Windows named pipe (`\\.\pipe\x`, `//./pipe/x`).
/// Windows paths are case-insensitive and take either slash: `\\.\PIPE\x`, `//./Pipe/x`,
/// `npipe:////./pipe/x`, `NPIPE://./pipe/x`.
pub(crate) fn pipe_name(path: &str) -> Option<&str> {
    let mut p = path.trim();
    if p.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("npipe://"))
    {
        p = p.get(8..).unwrap_or("");
    } else if !p.starts_with(['/', '\\']) {
        return None;
    }
    let p = p.trim_start_matches(['/', '\\']);
    // `.` or `?` (the device namespaces), then `pipe`
    let p = p.strip_prefix(['.', '?'])?;
    let p = p.strip_prefix(['/', '\\'])?;
    let name = p
        .get(..4)
        .filter(|s| s.eq_ignore_ascii_case("pipe"))
        .and_then(|_| p.get(4..))?;
    let name = name.strip_prefix(['/', '\\'])?;
    Some(name.trim_start_matches(['/', '\\']))
}

/// Home directories are written `~`: `/home/u/x`, `/Users/u/x` and `/root/x` become `~/x`.
fn home_form(p: &str) -> Option<String> {
    if p == "~" || p.starts_with("~/") {
        return Some(p.to_string());
    }
    for base in ["/home/", "/Users/"] {
        if let Some(rest) = p.strip_prefix(base) {
            return Some(match rest.split_once('/') {
                Some((_, tail)) => format!("~/{tail}"),
                None => "~".to_string(),
            });
        }
    }
    if p == "/root" {
        return Some("~".into());
    }
    p.strip_prefix("/root/").map(|t| format!("~/{t}"))
}

/// `/run/x` ↔ `/var/run/x`.
fn alt_run(p: &str) -> Option<String> {
    if let Some(r) = p.strip_prefix("/var/run")
        && (r.is_empty() || r.starts_with('/'))
    {
        return Some(format!("/run{r}"));
    }
    if let Some(r) = p.strip_prefix("/run")
        && (r.is_empty() || r.starts_with('/'))
    {
        return Some(format!("/var/run{r}"));
    }
    None
}

fn seg_eq(pat: &str, seg: &str) -> bool {
    pat == "<uid>" || pat == seg
}

/// Whether `path` equals the pattern (segment-wise, `<uid>` matching any one segment).
fn equals(pattern: &str, path: &str) -> bool {
    if !pattern.contains('<') {
        return pattern == path;
    }
    let mut a = pattern.split('/');
    let mut b = path.split('/');
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if seg_eq(x, y) => {}
            _ => return false,
        }
    }
}

/// Whether `path` is a strict ancestor directory of the pattern.
fn ancestor(path: &str, pattern: &str) -> bool {
    if path == "/" {
        return pattern.starts_with('/');
    }
    if !pattern.contains('<') {
        return pattern.len() > path.len()
            && pattern.starts_with(path)
            && pattern.as_bytes().get(path.len()) == Some(&b'/');
    }
    let mut a = pattern.split('/');
    let mut b = path.split('/');
    loop {
        match (b.next(), a.next()) {
            (None, Some(_)) => return true,
            (Some(y), Some(x)) if seg_eq(x, y) => {}
            _ => return false,
        }
    }
}

fn candidates(p: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    let home = home_form(p).map(Cow::Owned);
    let alt = alt_run(p).map(Cow::Owned);
    std::iter::once(Cow::Borrowed(p)).chain(home).chain(alt)
}

/// Every socket pattern in both its `/run` and `/var/run` forms, built once.
fn socket_forms() -> &'static [(String, &'static Socket)] {
    static FORMS: std::sync::OnceLock<Vec<(String, &'static Socket)>> = std::sync::OnceLock::new();
    FORMS.get_or_init(|| {
        let mut v = Vec::new();
        for s in SOCKETS {
            v.push((s.path.to_string(), s));
            if let Some(alt) = alt_run(s.path) {
                v.push((alt, s));
            }
        }
        v
    })
}

/// The first socket (in catalogue order) whose pattern passes `test` against a candidate form.
fn find_socket(path: &str, test: fn(&str, &str) -> bool) -> Option<&'static Socket> {
    // only absolute or home paths can name a socket
    if !path.starts_with('/') && !path.starts_with('~') {
        return None;
    }
    let forms = socket_forms();
    for c in candidates(path) {
        // forms are in catalogue order, each socket's two forms next to each other
        if let Some((_, s)) = forms.iter().find(|(f, _)| test(&c, f)) {
            return Some(s);
        }
    }
    None
}

/// The socket `path` (already normalised) names exactly.
pub(crate) fn socket(path: &str) -> Option<&'static Socket> {
    find_socket(path, |c, f| equals(f, c))
}

/// A socket below the directory `path` (already normalised), preferring the Docker one.
pub(crate) fn socket_below(path: &str) -> Option<&'static Socket> {
    find_socket(path, ancestor)
}

fn equal_or_below(path: &str, dir: &str) -> bool {
    path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Classify a raw host path (normalising it first).
pub(crate) fn classify(raw: &str) -> PathClass {
    if let Some(name) = pipe_name(raw) {
        return match PIPES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(&(_, r)) => PathClass::Pipe(r),
            None => PathClass::Other,
        };
    }
    classify_normalized(&normalize(raw))
}

/// Classify a path already normalised by [`normalize`].
pub(crate) fn classify_normalized(p: &str) -> PathClass {
    if !p.starts_with('/') && !p.starts_with('~') {
        return PathClass::Other;
    }
    if let Some(s) = socket(p) {
        return PathClass::Socket(s);
    }
    if p == "~" || home_form(p).as_deref() == Some("~") {
        // a whole home directory: sensitive, but too broad to call a socket directory
        return PathClass::Sensitive(if p.starts_with("/root") {
            "/root"
        } else {
            "/home"
        });
    }
    if let Some(s) = socket_below(p) {
        return PathClass::SocketDir(s);
    }
    if let Some(d) = RUNTIME_STATE.iter().find(|d| equal_or_below(p, d)) {
        return PathClass::RuntimeState(d);
    }
    if let Some(d) = SENSITIVE.iter().find(|d| equal_or_below(p, d)) {
        return PathClass::Sensitive(d);
    }
    PathClass::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalize("//var/run/docker.sock"), "/var/run/docker.sock");
        assert_eq!(normalize("/var/run/"), "/var/run");
        assert_eq!(
            normalize("/var/./run/../run/docker.sock"),
            "/run/docker.sock"
        );
        assert_eq!(normalize("/"), "/");
        assert_eq!(normalize("/.."), "/");
        assert_eq!(
            normalize("$HOME/.docker/run/docker.sock"),
            "~/.docker/run/docker.sock"
        );
        assert_eq!(join("/var/run", "docker.sock"), "/var/run/docker.sock");
        assert_eq!(join("/var/run/", "./docker.sock"), "/var/run/docker.sock");
        // /var/run is a symlink to /run: `..` climbs from /run
        assert_eq!(normalize("/var/run/../lib/docker"), "/lib/docker");
        assert_eq!(normalize("/var/run/../run/docker.sock"), "/run/docker.sock");
        // a process's root is the node's
        for p in [
            "/proc/1/root/var/run/docker.sock",
            "/proc/self/root/var/run/docker.sock",
            "/proc/thread-self/root//var/run/./docker.sock",
            "/proc/1/task/1/root/var/run/docker.sock",
            "/proc/1/cwd/var/run/docker.sock",
            "/proc/1/root/proc/self/root/var/run/docker.sock",
            "/proc/1/root/../var/run/docker.sock",
        ] {
            assert_eq!(normalize(p), "/var/run/docker.sock", "{p}");
        }
        assert_eq!(normalize("/proc/1/root"), "/");
        assert_eq!(
            join("/proc/1/root", "var/run/docker.sock"),
            "/var/run/docker.sock"
        );
        assert_eq!(normalize("/proc/1/status"), "/proc/1/status");
        assert_eq!(normalize("/proc/x/root/etc"), "/proc/x/root/etc");
    }

    #[test]
    fn windows_pipes_in_any_case_and_slash() {
        for p in [
            "\\\\.\\pipe\\docker_engine",
            "\\\\.\\PIPE\\Docker_Engine",
            "//./pipe/docker_engine",
            "//./Pipe/docker_engine",
            "npipe:////./pipe/docker_engine",
            "NPIPE:////./PIPE/docker_engine",
            "npipe://./pipe/docker_engine",
            "\\\\?\\pipe\\docker_engine",
        ] {
            assert_eq!(classify(p), PathClass::Pipe(Runtime::Docker), "{p}");
        }
        assert_eq!(pipe_name("/var/run/docker.sock"), None);
        assert_eq!(pipe_name("//server/share"), None);
        assert_eq!(classify("/var/log"), PathClass::Sensitive("/var/log"));
    }

    #[test]
    fn sockets_and_dirs() {
        let sock = |p: &str| matches!(classify(p), PathClass::Socket(_));
        let dir = |p: &str| matches!(classify(p), PathClass::SocketDir(_));
        assert!(sock("/var/run/docker.sock"));
        assert!(sock("/run/docker.sock"));
        assert!(sock("/run/user/1000/docker.sock"));
        assert!(sock("$XDG_RUNTIME_DIR/docker.sock"));
        assert!(sock("${XDG_RUNTIME_DIR}/podman/podman.sock"));
        assert!(sock("/var/run/containerd/containerd.sock"));
        assert!(sock("/home/me/.docker/run/docker.sock"));
        assert!(sock("/Users/me/.docker/desktop/docker.sock"));
        for d in [
            "/",
            "/run",
            "/var",
            "/var/run",
            "/run/containerd",
            "/run/user/1000",
            "/run/user",
        ] {
            assert!(dir(d), "{d}");
        }
        assert!(!sock("/var/run/docker"));
        assert!(!dir("/var/lib"));
        assert_eq!(
            classify("/var/lib/docker/volumes"),
            PathClass::RuntimeState("/var/lib/docker")
        );
        assert_eq!(classify("/etc/ssl"), PathClass::Sensitive("/etc"));
        assert_eq!(classify("/etcetera"), PathClass::Other);
        assert_eq!(
            classify("\\\\.\\pipe\\docker_engine"),
            PathClass::Pipe(Runtime::Docker)
        );
        assert_eq!(
            classify("//./pipe/docker_engine"),
            PathClass::Pipe(Runtime::Docker)
        );
        assert_eq!(classify("./data"), PathClass::Other);
    }
}
