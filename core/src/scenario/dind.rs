//! `dind` and `dind-rootless`: the workload brings its own Docker daemon, a `docker:<v>-dind` sidecar in
//! the same pod (seeds 000 DinD, 001, 002 "Pods and DinD"). `sysbox` reuses this with another flavour.

use super::common::{self, CLIENT_COMMAND, DOCKER_VERSION};
use super::{NoteLevel, ParamKind, ParamSpec, Resolved, Scenario, ScenarioId};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    Container, ContainerRole, DaemonKind, Endpoint, EnvValue, EnvVar, Probe, Volume, VolumeSource,
};
use crate::quote::Shell;

/// Which daemon image and isolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// `docker:<v>-dind`, privileged.
    Root,
    /// `docker:<v>-dind-rootless`, uid 1000, still privileged.
    Rootless,
    /// `docker:<v>-dind` under `runtimeClassName: sysbox-runc`, not privileged.
    Sysbox,
}

impl Flavour {
    fn image_suffix(self) -> &'static str {
        match self {
            Flavour::Rootless => "dind-rootless",
            _ => "dind",
        }
    }

    fn socket_dir(self) -> &'static str {
        match self {
            Flavour::Rootless => "/run/user/1000",
            _ => "/var/run",
        }
    }

    /// Where the socket volume is mounted: the socket's folder, except for the rootless image, whose
    /// daemon creates its runtime folder `/run/user/1000` itself (owned by uid 1000, as rootlesskit
    /// requires) inside `/run/user`. A volume mounted at `/run/user/1000` is created owned by root,
    /// and the rootless daemon exits; `/run/user` is world-writable (1777) in the image, and a new
    /// volume takes the mode of the folder it is mounted over.
    fn socket_mount(self) -> &'static str {
        match self {
            Flavour::Rootless => "/run/user",
            _ => "/var/run",
        }
    }

    fn data_dir(self) -> &'static str {
        match self {
            Flavour::Rootless => "/home/rootless/.local/share/docker",
            _ => "/var/lib/docker",
        }
    }
}

/// The daemon's requests by default: enough to schedule a daemon and a build or two; no CPU limit,
/// which would throttle builds without protecting anything a request does not.
const DAEMON_CPU: &str = "500m";
const DAEMON_MEMORY: &str = "1Gi";
/// The daemon's memory limit by default: a runaway build is killed in its pod, not the node.
const DAEMON_MEMORY_LIMIT: &str = "4Gi";
/// The daemon's emptyDir storage limit by default.
const DAEMON_STORAGE_SIZE: &str = "20Gi";

pub(crate) fn params(flavour: Flavour) -> Vec<ParamSpec> {
    let name = match flavour {
        Flavour::Root => "dind",
        Flavour::Rootless => "dind-rootless",
        Flavour::Sysbox => "sysbox",
    };
    let mut p = common::workload_params(
        name,
        &format!("docker:{DOCKER_VERSION}-cli"),
        CLIENT_COMMAND,
        "",
        Shell::Sh,
    );
    p.extend(common::ci_params());
    let transports: &[&'static str] = match flavour {
        Flavour::Root => &["tls", "unix", "tcp"],
        _ => &["tls", "unix"],
    };
    p.push(ParamSpec::choice(
        "transport",
        "how the client reaches the daemon: TLS on localhost:2376, a socket on a shared emptyDir, or plain TCP 2375 (insecure)",
        transports,
    ));
    p.push(ParamSpec::choice(
        "sidecar",
        "the daemon as a regular container, or as a native sidecar (init container with restartPolicy Always and a startup probe)",
        &["container", "native"],
    ));
    p.push(ParamSpec::text(
        "docker_version",
        "Docker version in the image tags",
        DOCKER_VERSION,
    ));
    p.push(ParamSpec::text(
        "dind_image",
        "the daemon image",
        format!("docker:{DOCKER_VERSION}-{}", flavour.image_suffix()),
    ));
    p.push(
        ParamSpec::text(
            "mtu",
            "MTU of the inner daemon's networks (`--mtu`), e.g. 1440 under an overlay network",
            "",
        )
        .of_kind(ParamKind::Number),
    );
    p.push(
        ParamSpec::text(
            "storage_size",
            "the daemon's emptyDir storage `sizeLimit` (images, layers, containers): past it the kubelet evicts the pod instead of filling the node's disk",
            DAEMON_STORAGE_SIZE,
        )
        .of_kind(ParamKind::Quantity),
    );
    p.push(
        ParamSpec::text(
            "daemon_cpu",
            "CPU request of the daemon container",
            DAEMON_CPU,
        )
        .of_kind(ParamKind::Quantity),
    );
    p.push(
        ParamSpec::text(
            "daemon_memory",
            "memory request of the daemon container",
            DAEMON_MEMORY,
        )
        .of_kind(ParamKind::Quantity),
    );
    p.push(
        ParamSpec::text(
            "daemon_memory_limit",
            "memory limit of the daemon container (empty: none)",
            DAEMON_MEMORY_LIMIT,
        )
        .of_kind(ParamKind::Quantity),
    );
    p.push(ParamSpec::text(
        "registry_mirror",
        "a pull-through registry mirror for the inner daemon (`--registry-mirror`), e.g. `https://mirror.gcr.io`",
        "",
    ));
    p.push(ParamSpec::choice(
        "storage",
        "the daemon's storage: an emptyDir, or a PersistentVolumeClaim",
        &["emptyDir", "pvc"],
    ));
    if flavour == Flavour::Sysbox {
        p.push(ParamSpec::choice(
            "userns",
            "how the pod gets its user namespace: `hostUsers: false` (Kubernetes 1.33+ user namespaces), or CRI-O's `io.kubernetes.cri-o.userns-mode: auto` annotation (clusters on CRI-O without Kubernetes user namespaces)",
            &["host-users", "crio-annotation"],
        ));
    }
    p.push(ParamSpec::choice(
        "storage_driver",
        "the inner daemon's storage driver (`--storage-driver`); empty lets dockerd choose",
        &["", "overlay2", "fuse-overlayfs", "vfs"],
    ));
    p
}

pub(crate) fn build(r: &Resolved<'_>, flavour: Flavour) -> Result<Scenario> {
    let version = r.get("docker_version");
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
    {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            format!(
                "invalid value `{version}` for `docker_version`: expected a tag such as `29` or `29.8.2`"
            ),
        ));
    }
    let dind_image = if r.is_set("dind_image") {
        r.get("dind_image")
    } else {
        format!("docker:{version}-{}", flavour.image_suffix())
    };
    let transport = r.get("transport");
    // A Job completes when its regular containers exit: a daemon in a regular container never does,
    // so in a Job or CronJob the daemon is a native sidecar unless `sidecar` says otherwise.
    let completes = matches!(r.get("kind").as_str(), "job" | "cronjob");
    let auto_native = completes && !r.is_set("sidecar");
    let native = r.get("sidecar") == "native" || auto_native;
    let pod_name = r.get("name");

    // The daemon.
    let mut daemon = Container::new("dind-daemon", dind_image.clone());
    daemon.alias = Some("docker".into());
    daemon.security.privileged = flavour != Flavour::Sysbox;
    if flavour == Flavour::Rootless {
        common::run_as(&mut daemon, 1000);
    }
    let socket = format!("{}/docker.sock", flavour.socket_dir());
    let mut extra: Vec<String> = Vec::new();
    if let Some(mtu) = r.number("mtu") {
        // `--mtu` is the default bridge's; networks created inside (Compose's) take theirs from
        // the default network options.
        extra.push(format!("--mtu={mtu}"));
        extra.push(format!(
            "--default-network-opt=bridge=com.docker.network.driver.mtu={mtu}"
        ));
    }
    let mirror = r.get("registry_mirror");
    if !mirror.is_empty() {
        if !(mirror.starts_with("https://") || mirror.starts_with("http://"))
            || mirror.contains(char::is_whitespace)
        {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "invalid value `{mirror}` for `registry_mirror`: expected a URL such as `https://mirror.gcr.io`"
                ),
            ));
        }
        extra.push(format!("--registry-mirror={mirror}"));
    }
    let driver = r.get("storage_driver");
    if !driver.is_empty() {
        extra.push(format!("--storage-driver={driver}"));
    }
    let mut client_env: Vec<EnvVar> = Vec::new();
    let mut pod = common::pod(r, "Never");
    let mut client = common::workload_container(r, "docker-cmds")?;
    common::harden_client(&mut client);
    if flavour == Flavour::Rootless {
        // The rootless daemon's socket folder and certificates belong to uid 1000; a client
        // without capabilities reaches them as that user.
        common::run_as(&mut client, 1000);
        client.security.run_as_non_root = Some(true);
        // The image's HOME (/root) is not this user's: the CLI keeps its config in /tmp.
        client_env.push(EnvVar::text("DOCKER_CONFIG", "/tmp/.docker"));
    }
    daemon.resources = crate::model::Resources {
        cpu_request: Some(r.get("daemon_cpu")).filter(|v| !v.is_empty()),
        memory_request: Some(r.get("daemon_memory")).filter(|v| !v.is_empty()),
        cpu_limit: None,
        memory_limit: Some(r.get("daemon_memory_limit")).filter(|v| !v.is_empty()),
    };
    let endpoint_in_pod;
    match transport.as_str() {
        "unix" => {
            // Run dockerd directly: the entrypoint then adds no TCP listener.
            daemon.args = vec!["dockerd".into(), format!("--host=unix://{socket}")];
            daemon.args.extend(extra);
            common::share_empty_dir(
                &mut pod,
                "docker-socket",
                false,
                (&mut daemon, &mut client),
                flavour.socket_mount(),
                false,
            );
            client_env.push(EnvVar::text("DOCKER_HOST", format!("unix://{socket}")));
            endpoint_in_pod = Endpoint::Unix {
                path: socket.clone(),
            };
        }
        "tcp" => {
            daemon.args = extra;
            daemon.env.push(EnvVar::text("DOCKER_TLS_CERTDIR", ""));
            client_env.push(EnvVar {
                name: "DOCKER_HOST".into(),
                value: EnvValue::PeerUrl {
                    scheme: "tcp".into(),
                    peer: "docker".into(),
                    port: 2375,
                },
            });
            endpoint_in_pod = Endpoint::Tcp {
                host: "localhost".into(),
                port: 2375,
                tls: false,
            };
        }
        _ => {
            daemon.args = extra;
            daemon
                .env
                .push(EnvVar::text("DOCKER_TLS_CERTDIR", "/certs"));
            common::share_empty_dir(
                &mut pod,
                "docker-certs",
                true,
                (&mut daemon, &mut client),
                "/certs/client",
                true,
            );
            client_env.push(EnvVar {
                name: "DOCKER_HOST".into(),
                value: EnvValue::PeerUrl {
                    scheme: "tcp".into(),
                    peer: "docker".into(),
                    port: 2376,
                },
            });
            client_env.push(EnvVar::text("DOCKER_TLS_VERIFY", "1"));
            client_env.push(EnvVar::text("DOCKER_CERT_PATH", "/certs/client"));
            endpoint_in_pod = Endpoint::Tcp {
                host: "localhost".into(),
                port: 2376,
                tls: true,
            };
        }
    }
    let storage_size = Some(r.get("storage_size")).filter(|v| !v.is_empty());
    let storage = if r.get("storage") == "pvc" {
        VolumeSource::Pvc {
            claim: format!("{pod_name}-docker-storage"),
        }
    } else {
        VolumeSource::EmptyDir {
            memory: false,
            size_limit: storage_size.clone(),
        }
    };
    pod.volumes.insert(
        0,
        Volume {
            name: "docker-storage".into(),
            source: storage,
        },
    );
    daemon.mounts.insert(
        0,
        common::mount("docker-storage", flavour.data_dir(), false),
    );

    let probe = Probe {
        command: vec![
            "docker".into(),
            "-H".into(),
            format!("unix://{socket}"),
            "info".into(),
        ],
        period_seconds: 2,
        failure_threshold: 30,
        ..Probe::default()
    };
    if native {
        daemon.role = ContainerRole::NativeSidecar;
        daemon.startup_probe = Some(probe);
    } else {
        daemon.readiness_probe = Some(probe);
        // The client may start first: wait for the daemon (and, with TLS, its client certificates).
        client.command = common::wrap_wait(std::mem::take(&mut client.command));
    }
    // User-given variables win over ours.
    for e in client_env.into_iter().rev() {
        if !client.env.iter().any(|u| u.name == e.name) {
            client.env.insert(0, e);
        }
    }
    let low_port = flavour == Flavour::Rootless && common::publishes_low_port(&client);
    if low_port {
        pod.sysctls
            .push(("net.ipv4.ip_unprivileged_port_start".into(), "0".into()));
    }
    pod.automount_service_account_token = Some(false);
    pod.containers.push(daemon);
    pod.containers.push(client);
    let crio_userns = flavour == Flavour::Sysbox && r.get("userns") == "crio-annotation";
    if flavour == Flavour::Sysbox {
        pod.runtime_class = Some("sysbox-runc".into());
        if crio_userns {
            pod.annotations
                .push(("io.kubernetes.cri-o.userns-mode".into(), "auto".into()));
        } else {
            pod.host_users = Some(false);
        }
    }

    let kind = if flavour == Flavour::Rootless {
        DaemonKind::DockerdRootless
    } else {
        DaemonKind::Dockerd
    };
    let topology = common::node_with_pod_daemon(
        kind,
        "dind-daemon",
        endpoint_in_pod,
        "docker",
        "docker-cmds",
    );
    let id = match flavour {
        Flavour::Root => ScenarioId::Dind,
        Flavour::Rootless => ScenarioId::DindRootless,
        Flavour::Sysbox => ScenarioId::Sysbox,
    };
    let mut s = common::scenario(id, r, topology, pod);
    match flavour {
        Flavour::Sysbox => {
            s.notes.push(common::note(
                NoteLevel::Info,
                "no privileged: Sysbox gives the pod its own user namespace and virtualises /proc, /sys and cgroups so dockerd runs inside it",
            ));
            s.notes.push(common::note(
                NoteLevel::Warning,
                if crio_userns {
                    "node prerequisites: Sysbox installed on the nodes (its RuntimeClass `sysbox-runc`) with CRI-O as the runtime; the annotation `io.kubernetes.cri-o.userns-mode: auto` has CRI-O give the pod its own user namespace (CRI-O must allow the annotation for the runtime, as the Sysbox installer configures it)"
                } else {
                    "node prerequisites: Sysbox installed on the nodes (its RuntimeClass `sysbox-runc`), CRI-O or containerd as the runtime, and user namespaces for pods (`hostUsers: false`: Kubernetes 1.33+ with a Linux 6.3+ kernel); on CRI-O clusters without them, `--set userns=crio-annotation`"
                },
            ));
        }
        _ => {
            s.risks.push(common::risk(
                "DS006",
                "the daemon container is privileged: dockerd needs it to create namespaces, cgroups and mounts",
            ));
            if flavour == Flavour::Root {
                s.risks.push(common::risk(
                    "DS007",
                    "a second Docker daemon runs in the pod, root on the node through privileged",
                ));
            }
            s.notes.push(common::note(
                NoteLevel::Warning,
                if flavour == Flavour::Rootless {
                    "the docker:dind-rootless image still documents `--privileged` (or seccomp/AppArmor unconfined and /dev/fuse) as required; the daemon runs as uid 1000, which narrows but does not remove the risk"
                } else {
                    "privileged is still required: the daemon container can do anything on the node; run these pods on dedicated nodes"
                },
            ));
        }
    }
    if transport == "tcp" {
        s.risks.push(common::risk(
            "DS008",
            "the client uses DOCKER_HOST=tcp://localhost:2375 without TLS",
        ));
        s.risks.push(common::risk(
            "DS009",
            "DOCKER_TLS_CERTDIR=\"\" turns TLS off: the daemon listens on plain TCP 2375 on every pod address",
        ));
        s.notes.push(common::note(
            NoteLevel::Warning,
            "INSECURE (the seeds' original): the daemon serves an unauthenticated API on port 2375 of the pod IP; anyone who reaches the pod is root on its daemon. Use transport=tls (default) or unix",
        ));
    }
    s.notes.push(common::note(
        NoteLevel::Info,
        format!(
            "the daemon's storage is a volume at {} so its overlay2 does not stack on the container's own overlay filesystem (storage-driver stacking is a known DinD pitfall); images are not shared with the node and are pulled again by every pod",
            flavour.data_dir()
        ),
    ));
    if r.number("mtu").is_none() {
        s.notes.push(common::note(
            NoteLevel::Info,
            "if pods sit on an overlay network with a lower MTU (e.g. 1450), pass `--set mtu=1400` or less: the daemon gets `--mtu` for its default bridge and `--default-network-opt` for the networks created inside it (Compose's), so their packets fit",
        ));
    } else {
        s.notes.push(common::note(
            NoteLevel::Info,
            "the MTU applies to the inner daemon's default bridge (`--mtu`) and to every network created inside it (`--default-network-opt=bridge=com.docker.network.driver.mtu=...`, dockerd 24+), so their packets fit the pod network",
        ));
    }
    let d = s
        .pod
        .container("dind-daemon")
        .map(|c| c.resources.clone())
        .unwrap_or_default();
    s.notes.push(common::note(
        NoteLevel::Info,
        format!(
            "the daemon requests {} CPU and {} memory{}; no CPU limit, which would only throttle builds: requests are what the scheduler reserves, so a node is not packed with daemons that then starve",
            d.cpu_request.as_deref().unwrap_or("no"),
            d.memory_request.as_deref().unwrap_or("no"),
            match &d.memory_limit {
                Some(l) => format!(" with a {l} memory limit, so a runaway build is killed inside its pod rather than taking the node's memory"),
                None => String::new(),
            }
        ),
    ));
    if let Some(size) = &storage_size
        && r.get("storage") != "pvc"
    {
        s.notes.push(common::note(
            NoteLevel::Info,
            format!("the storage emptyDir has `sizeLimit: {size}`: images and layers past it get the pod evicted instead of filling the node's disk (outside Kubernetes a Docker volume has no size limit)"),
        ));
    }
    if !mirror.is_empty() {
        s.notes.push(common::note(
            NoteLevel::Info,
            format!("pulls go through the mirror {mirror} (`--registry-mirror`): every pod starts with an empty image store, so a mirror saves the upstream registry's rate limits and the download time"),
        ));
    } else {
        s.notes.push(common::note(
            NoteLevel::Info,
            "every pod's daemon starts with an empty image store and pulls everything again: `--set registry_mirror=https://...` points it at a pull-through mirror, `--set storage=pvc` keeps its layers between runs (one pod at a time per claim)",
        ));
    }
    if low_port {
        s.notes.push(common::note(
            NoteLevel::Info,
            "the job publishes a port below 1024, which a rootless daemon cannot bind: the pod sets the namespaced sysctl `net.ipv4.ip_unprivileged_port_start=0` (safe: it applies to the pod's own network namespace)",
        ));
    }
    common::hardening_notes(&mut s);
    if auto_native {
        s.derived.push(("sidecar".into(), "native".into()));
        s.notes.push(common::note(
            NoteLevel::Info,
            "in a Job the daemon is a native sidecar by default: a regular daemon container never exits, so the Job would never complete",
        ));
    } else if completes && !native {
        s.notes.push(common::note(
            NoteLevel::Warning,
            "sidecar=container in a Job: the daemon container never exits, so the Job never completes and runs until its activeDeadlineSeconds; use sidecar=native",
        ));
    }
    if native {
        s.notes.push(common::note(
            NoteLevel::Info,
            "native sidecar (Kubernetes 1.29+): the daemon starts first, its startup probe gates the client, and it stops when the client finishes so the pod completes",
        ));
    } else {
        s.notes.push(common::note(
            NoteLevel::Info,
            "the daemon is a regular container: the client waits for it with `docker info`, and the pod does not complete until the daemon is stopped (sidecar=native fixes that)",
        ));
    }
    Ok(s)
}
