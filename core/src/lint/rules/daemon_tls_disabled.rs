use crate::lint::fix::FixCx;
use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::migrate::Edit;
use crate::read::ir::{Container, Mount, Source, Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds a Docker daemon in a workload (DS007's test) started without TLS: the `docker:dind`
    /// image with `DOCKER_TLS_CERTDIR` set to the empty string, `dockerd --tls=false`, or
    /// `dockerd -H tcp://...` (`--host`) without `--tlsverify`.
    ///
    /// ## Why is this bad?
    /// This is the daemon side of DS008: the daemon accepts unauthenticated API calls on its TCP
    /// port, so anything that can reach the port (every container in the pod, and the node's
    /// network with `hostNetwork` or a published port) is root on it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dind
    /// spec:
    ///   runtimeClassName: sysbox-runc
    ///   containers:
    ///     - name: dind-daemon
    ///       image: docker:27-dind
    ///       env:
    ///         - name: DOCKER_TLS_CERTDIR
    ///           value: ""
    ///       volumeMounts:
    ///         - name: docker-graph-storage
    ///           mountPath: /var/lib/docker
    ///   volumes:
    ///     - name: docker-graph-storage
    ///       emptyDir: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dind
    /// spec:
    ///   runtimeClassName: sysbox-runc
    ///   containers:
    ///     - name: dind-daemon
    ///       image: docker:27-dind
    ///       env:
    ///         - name: DOCKER_TLS_CERTDIR
    ///           value: /certs
    ///       volumeMounts:
    ///         - name: docker-graph-storage
    ///           mountPath: /var/lib/docker
    ///         - name: certs
    ///           mountPath: /certs/client
    ///   volumes:
    ///     - name: docker-graph-storage
    ///       emptyDir: {}
    ///     - name: certs
    ///       emptyDir: {}
    /// ```
    ///
    /// ## Fix
    /// Safe (`dockscape lint --fix`): sets the empty `DOCKER_TLS_CERTDIR` to `/certs`, only where
    /// the rest of the workload is already the TLS client side of that daemon, so the daemon
    /// becomes what its clients expect: the daemon is the `docker:*dind*` image's own entrypoint
    /// (no `--host`, `-H` or `--tls` flags of its own) and mounts a volume at `/certs/client` (or
    /// `/certs`), and every other container (Compose: service) that sets `DOCKER_HOST` reaches it
    /// at `tcp://localhost:2376` (Compose: `tcp://<daemon service>:2376`) with
    /// `DOCKER_TLS_VERIFY` set and `DOCKER_CERT_PATH` on that volume's client certificates; at
    /// least one does. What stops working is the unauthenticated port 2375, which is what this
    /// finding reports. Not offered otherwise (a client on plain `tcp://...:2375` would lose its
    /// daemon), nor for `--tls=false` or `-H tcp://...` flags, which are a command to rewrite.
    ///
    /// ## References
    /// - <https://hub.docker.com/_/docker> (TLS, `DOCKER_TLS_CERTDIR`)
    DaemonTlsDisabled {
        code: "DS009",
        name: "daemon-tls-disabled",
        severity: High,
        summary: "a Docker daemon in the workload runs without TLS",
        message: [
            "`DOCKER_TLS_CERTDIR` is empty: the dind daemon listens without TLS",
            "the Docker daemon is started with `{0}`",
            "the Docker daemon listens on `{0}` without `--tlsverify`",
        ],
        help: "keep `DOCKER_TLS_CERTDIR=/certs` and share `/certs/client` with the client through a volume",
        fix: Safe("set `DOCKER_TLS_CERTDIR` to `/certs`, as the clients expect"),
    }
}

/// A path without trailing slashes (`/` stays).
fn trim_path(p: &str) -> &str {
    let t = p.trim().trim_end_matches('/');
    if t.is_empty() { "/" } else { t }
}

/// Whether two mounts name the same volume: the same pod volume (Kubernetes), the same named
/// volume (Compose).
fn same_volume(a: &Mount<'_>, b: &Mount<'_>, source: Source) -> bool {
    match source {
        Source::Kubernetes => a.volume.is_some() && a.volume == b.volume,
        _ => {
            matches!((&a.volume_name, &b.volume_name), (Some(x), Some(y)) if x.as_str() == y.as_str())
        }
    }
}

/// `DOCKER_TLS_CERTDIR=/certs` in place of the empty value, when the clients already speak TLS to
/// this daemon through the certificates volume.
fn fix(cx: &FixCx<'_>, hit: &Hit<'_>) -> Option<Vec<Edit>> {
    if hit.message != 0 || cx.unit.source == Source::Run {
        return None;
    }
    let w = cx.unit.workloads.get(hit.workload)?;
    let daemon = w.containers.get(hit.container?)?;
    if !daemon.dind_image_daemon()
        || daemon.argv().any(|a| {
            a.as_str().split_whitespace().any(|word| {
                word == "-H"
                    || word.starts_with("-H=")
                    || word.starts_with("--host")
                    || word.starts_with("--tls")
            })
        })
    {
        return None;
    }
    // the certificates volume: `/certs/client` (the client certificates) or `/certs`
    let (certs, sub) = daemon.mounts.iter().find_map(|m| {
        let t = trim_path(m.target.as_ref()?.as_str());
        if m.sub_path.is_some() {
            return None;
        }
        match t {
            "/certs/client" => Some((m, "")),
            "/certs" => Some((m, "/client")),
            _ => None,
        }
    })?;
    // the other containers (Kubernetes: of the pod; Compose: every other service)
    let others: Vec<&Container<'_>> = match cx.unit.source {
        Source::Kubernetes => w
            .containers
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != hit.container)
            .map(|(_, c)| c)
            .collect(),
        _ => cx
            .unit
            .workloads
            .iter()
            .enumerate()
            .filter(|(i, o)| *i != hit.workload && o.what == WorkloadKind::Pod)
            .flat_map(|(_, o)| o.containers.iter())
            .collect(),
    };
    let hosts: Vec<String> = match cx.unit.source {
        Source::Kubernetes => ["localhost", "127.0.0.1"]
            .iter()
            .map(|h| format!("tcp://{h}:2376"))
            .collect(),
        _ => vec![format!("tcp://{}:2376", w.name)],
    };
    let mut clients = 0;
    for c in others.iter().filter(|c| c.has_env("DOCKER_HOST")) {
        let host = c
            .env_value("DOCKER_HOST")?
            .as_str()
            .trim()
            .trim_end_matches('/');
        if !hosts.iter().any(|h| h == host) {
            return None;
        }
        if c.env_value("DOCKER_TLS_VERIFY")?.as_str().trim().is_empty() {
            return None;
        }
        let cert_path = trim_path(c.env_value("DOCKER_CERT_PATH")?.as_str());
        let shares = c.mounts.iter().any(|m| {
            m.sub_path.is_none()
                && same_volume(m, certs, cx.unit.source)
                && m.target.as_ref().is_some_and(|t| {
                    format!("{}{sub}", trim_path(t.as_str())).replace("//", "/") == cert_path
                })
        });
        if !shares {
            return None;
        }
        clients += 1;
    }
    if clients == 0 {
        return None;
    }
    // the value: `""` in Kubernetes and Compose mappings, `DOCKER_TLS_CERTDIR=` in a Compose list
    let id = FixCx::node(hit)?;
    let text = cx.scalar_text(id)?;
    let src = cx.source(id)?;
    let (s, e) = cx.doc.span(id)?;
    let edit = if text.is_empty() && (src == "\"\"" || src == "''") {
        Edit::replace(s as usize, e as usize, "/certs".to_string())
    } else if text.trim_end() == "DOCKER_TLS_CERTDIR=" {
        cx.append_to_scalar(id, "/certs")?
    } else {
        return None;
    };
    Some(vec![edit])
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            if !c.runs_dockerd() {
                continue;
            }
            if let Some(e) = c
                .env
                .iter()
                .rev()
                .find(|e| e.name.as_str() == "DOCKER_TLS_CERTDIR")
                && let Some(v) = e.value.as_ref().filter(|v| v.as_str().trim().is_empty())
            {
                cx.report(Hit::new(wi, Some(ci), v.loc));
            }
            let words: Vec<(&str, &crate::read::ir::Val<'t>)> = c
                .argv()
                .flat_map(|v| v.as_str().split_whitespace().map(move |w| (w, v)))
                .collect();
            let tlsverify = words.iter().any(|(w, _)| w.starts_with("--tlsverify"));
            let mut prev = "";
            for &(word, v) in &words {
                if word == "--tls=false" {
                    cx.report(Hit::new(wi, Some(ci), v.loc).message(1).args([word]));
                }
                let host = if prev == "-H" || prev == "--host" {
                    Some(word)
                } else {
                    word.strip_prefix("--host=")
                        .or_else(|| word.strip_prefix("-H="))
                };
                if let Some(h) = host
                    && h.starts_with("tcp://")
                    && !tlsverify
                {
                    cx.report(Hit::new(wi, Some(ci), v.loc).message(2).args([h]));
                }
                prev = word;
            }
        }
    }
}
