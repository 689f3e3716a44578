use crate::lint::registry::{Checker, Hit, declare_rule};
use crate::read::ir::{Unit, WorkloadKind};
use crate::read::paths::PathClass;

declare_rule! {
    /// ## What it does
    /// Finds the Windows forms of host access: a container-runtime named pipe
    /// (`\\.\pipe\docker_engine`, `//./pipe/docker_engine`, `dockerDesktopLinuxEngine`,
    /// `containerd-containerd`) mounted through a `hostPath`, a bind, `-v` or
    /// `--mount type=npipe`, and `windowsOptions.hostProcess: true`.
    ///
    /// ## Why is this bad?
    /// The named pipe is the Windows Docker socket (DS001): whoever holds it drives the daemon as
    /// SYSTEM. A HostProcess container is not a container at all: it runs as a process on the
    /// node, with the node's filesystem and network.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: win-ci
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   nodeSelector:
    ///     kubernetes.io/os: windows
    ///   containers:
    ///     - name: build
    ///       image: mcr.microsoft.com/windows/servercore:ltsc2022
    ///       volumeMounts:
    ///         - name: engine
    ///           mountPath: \\.\pipe\docker_engine
    ///   volumes:
    ///     - name: engine
    ///       hostPath:
    ///         path: \\.\pipe\docker_engine
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: win-ci
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   nodeSelector:
    ///     kubernetes.io/os: windows
    ///   containers:
    ///     - name: build
    ///       image: mcr.microsoft.com/windows/servercore:ltsc2022
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/>
    WindowsHostAccess {
        code: "DS020",
        name: "windows-host-access",
        severity: Critical,
        summary: "a runtime named pipe is mounted, or the pod is a Windows HostProcess pod",
        message: [
            "the {1} named pipe `{0}` is mounted into the container",
            "`hostProcess: true` runs the container as a process on the Windows node",
        ],
        help: "remove the named pipe mount and `hostProcess`; build with a remote BuildKit or a VM-isolated runner",
    }
}

fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>) {
    for (wi, w) in unit.workloads.iter().enumerate() {
        if w.what != WorkloadKind::Pod {
            continue;
        }
        if let Some(hp) = &w.security.host_process {
            cx.report(Hit::new(wi, None, hp.loc).message(1));
        }
        for (ci, c) in w.containers.iter().enumerate() {
            if let Some(hp) = &c.security.host_process {
                cx.report(Hit::new(wi, Some(ci), hp.loc).message(1));
            }
            for m in &c.mounts {
                let Some(h) = &m.host else { continue };
                if let PathClass::Pipe(r) = h.class {
                    cx.report(Hit::new(wi, Some(ci), h.loc).args([h.raw.as_str(), r.label()]));
                }
            }
        }
    }
}
