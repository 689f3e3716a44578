use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};

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
    }
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
