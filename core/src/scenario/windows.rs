//! `windows`: Docker CLI on Windows, dockerd in a Linux VM (seed 000, "Docker on Windows").

use super::common::{self, SetupStep, endpoint_setup};
use super::{NoteLevel, ParamSpec, Resolved, Scenario, ScenarioId};
use crate::error::Result;
use crate::model::{
    Client, Daemon, DaemonKind, DaemonPlace, Endpoint, Host, Os, Topology, Vm, VmKind,
};
use crate::quote::Shell;

pub(crate) fn params() -> Vec<ParamSpec> {
    let mut p = common::workload_params("web", "httpd:latest", "", "80:80", Shell::Powershell);
    p.push(ParamSpec::choice(
        "vm",
        "the Linux VM that runs dockerd",
        &["wsl2", "hyperv", "virtualbox"],
    ));
    p.push(ParamSpec::choice(
        "pipe",
        "the named pipe of Docker Desktop (wsl2, hyperv)",
        &["docker_engine", "dockerDesktopLinuxEngine"],
    ));
    p.push(ParamSpec::choice(
        "containers",
        "Linux containers (in the VM) or Windows containers (native, no VM)",
        &["linux", "windows"],
    ));
    p
}

pub(crate) fn build(r: &Resolved<'_>) -> Result<Scenario> {
    let windows_containers = r.get("containers") == "windows";
    let vm_kind = match r.get("vm").as_str() {
        "hyperv" => VmKind::Hyperv,
        "virtualbox" => VmKind::Virtualbox,
        _ => VmKind::Wsl2,
    };
    let mut pod = common::pod(r, "Always");
    let mut c = common::workload_container(r, &r.get("name"))?;
    if windows_containers && !r.is_set("image") {
        c.image = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022".into();
    }
    pod.containers.push(c);
    if windows_containers {
        pod.node_selector
            .push(("kubernetes.io/os".into(), "windows".into()));
    }
    let (vm, endpoint, place) = if windows_containers {
        (
            None,
            Endpoint::NamedPipe {
                name: "docker_engine".into(),
            },
            DaemonPlace::Host { host: 0 },
        )
    } else {
        match vm_kind {
            VmKind::Virtualbox => (
                Some(Vm {
                    kind: vm_kind,
                    name: "default".into(),
                }),
                Endpoint::Tcp {
                    host: "192.168.99.100".into(),
                    port: 2376,
                    tls: true,
                },
                DaemonPlace::Vm { host: 0 },
            ),
            _ => (
                Some(Vm {
                    kind: vm_kind,
                    name: if vm_kind == VmKind::Wsl2 {
                        "docker-desktop"
                    } else {
                        "DockerDesktopVM"
                    }
                    .into(),
                }),
                Endpoint::NamedPipe {
                    name: r.get("pipe"),
                },
                DaemonPlace::Vm { host: 0 },
            ),
        }
    };
    let topology = Topology {
        hosts: vec![Host {
            name: "windows host".into(),
            os: Os::Windows,
            vm: vm.clone(),
        }],
        daemons: vec![Daemon {
            kind: DaemonKind::Dockerd,
            place,
            endpoints: vec![endpoint.clone()],
            starts_siblings: false,
        }],
        clients: vec![Client {
            program: "docker".into(),
            place: "windows host".into(),
            daemon: 0,
            endpoint: endpoint.clone(),
        }],
    };
    let mut s = common::scenario(ScenarioId::Windows, r, topology, pod);
    s.client_os = Os::Windows;
    match (&vm, windows_containers) {
        (_, true) => {
            s.setup = endpoint_setup(&endpoint);
            s.notes.push(common::note(
                NoteLevel::Info,
                "Windows containers run on the Windows host itself (process or Hyper-V isolation); the CLI reaches dockerd through npipe:////./pipe/docker_engine",
            ));
        }
        (
            Some(Vm {
                kind: VmKind::Virtualbox,
                name,
            }),
            false,
        ) => {
            s.setup
                .steps
                .push(SetupStep::DockerMachineEnv(name.clone()));
            s.notes.push(common::note(
                NoteLevel::Info,
                format!(
                    "dockerd runs in the VirtualBox VM `{name}` created by docker-machine (Docker Toolbox era); `docker-machine env {name}` sets DOCKER_HOST=tcp://192.168.99.100:2376, DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH"
                ),
            ));
        }
        (Some(v), false) => {
            s.setup = endpoint_setup(&endpoint);
            let backend = if v.kind == VmKind::Wsl2 {
                "the WSL 2 distribution `docker-desktop`"
            } else {
                "the Hyper-V VM `DockerDesktopVM`"
            };
            s.notes.push(common::note(
                NoteLevel::Info,
                format!(
                    "dockerd runs in {backend}; the CLI reaches it through {} (equivalently `docker context use {}`)",
                    endpoint.url(),
                    if r.get("pipe") == "dockerDesktopLinuxEngine" { "desktop-linux" } else { "default" }
                ),
            ));
        }
        (None, false) => {}
    }
    if windows_containers {
        s.notes.push(common::note(
            NoteLevel::Info,
            "the Windows daemon refuses memory reservations (`--memory-reservation`, Compose `reservations.memory`): the memory request stays in the Pod, and `docker run` and Compose carry only the limits",
        ));
    }
    if !windows_containers {
        s.notes.push(common::note(
            NoteLevel::Info,
            "bind-mount paths are Linux paths inside the VM: in Git Bash set MSYS_NO_PATHCONV=1 (or write //var/run/...) so they are not rewritten to Windows paths",
        ));
    }
    s.host_endpoint = Some(endpoint);
    Ok(s)
}
