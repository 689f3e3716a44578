use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Container, Unit, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Finds `DOCKER_HOST` pointing at a daemon over plain TCP: `tcp://...:2375`, or `tcp://` to
    /// any port with neither `DOCKER_TLS_VERIFY` nor `DOCKER_CERT_PATH` set. It looks at container
    /// `env`, Compose `environment`, `docker run -e` and `docker -H`.
    ///
    /// ## Why is this bad?
    /// The Docker API has no authentication of its own: without TLS client certificates, whoever
    /// reaches the port is root on the daemon's host. In a pod, "localhost" is shared by every
    /// container of the pod, and a `hostNetwork` or published port makes it the node's.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: client
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: docker-cmds
    ///       image: docker:27-cli
    ///       env:
    ///         - name: DOCKER_HOST
    ///           value: tcp://localhost:2375
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: client
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: docker-cmds
    ///       image: docker:27-cli
    ///       env:
    ///         - name: DOCKER_HOST
    ///           value: tcp://localhost:2376
    ///         - name: DOCKER_TLS_VERIFY
    ///           value: "1"
    ///         - name: DOCKER_CERT_PATH
    ///           value: /certs/client
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/protect-access/>
    DockerHostPlainTcp {
        code: "DS008",
        name: "docker-host-plain-tcp",
        severity: High,
        summary: "`DOCKER_HOST` reaches a daemon over plain TCP",
        message: [
            "`DOCKER_HOST` is `{0}`: the Docker API over plain TCP on port 2375",
            "`DOCKER_HOST` is `{0}` with neither `DOCKER_TLS_VERIFY` nor `DOCKER_CERT_PATH`: no TLS",
        ],
        help: "use `tcp://<host>:2376` with TLS (`DOCKER_TLS_VERIFY=1`, client certificates), or a unix socket on a shared emptyDir",
    }
}

/// Whether TLS is asked for by the container's environment.
fn tls_configured(c: &Container<'_>) -> bool {
    let on = |name: &str| {
        c.env_value(name).is_some_and(|v| {
            let t = v.as_str().trim();
            !t.is_empty() && t != "0" && !t.eq_ignore_ascii_case("false")
        })
    };
    on("DOCKER_TLS_VERIFY") || on("DOCKER_CERT_PATH")
}

/// The port of a `tcp://host[:port][/path]` address, when written.
fn port(addr: &str) -> Option<&str> {
    let rest = addr.split_once("://").map_or(addr, |(_, r)| r);
    let hostport = rest.split('/').next().unwrap_or(rest);
    let after_v6 = hostport.rsplit_once(']').map_or(hostport, |(_, r)| r);
    after_v6.rsplit_once(':').map(|(_, p)| p)
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        for (ci, c) in w.containers.iter().enumerate() {
            let tls = tls_configured(c);
            for e in c.env.iter().filter(|e| e.name.as_str() == "DOCKER_HOST") {
                let Some(v) = &e.value else { continue };
                let addr = v.as_str().trim();
                let lower = addr.to_ascii_lowercase();
                if !(lower.starts_with("tcp://") || lower.starts_with("http://")) {
                    continue;
                }
                let message = match port(addr) {
                    Some("2375") => 0,
                    _ if !tls => 1,
                    _ => continue,
                };
                cx.report(Hit::new(wi, Some(ci), v.loc).message(message).args([addr]));
            }
        }
    }
}
