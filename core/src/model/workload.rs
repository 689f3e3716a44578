//! Pods, containers, volumes and mounts: the workload every format renders.

use serde::Serialize;

/// What a container is for inside its pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContainerRole {
    /// A regular container (`spec.containers`).
    Regular,
    /// An init container that runs to completion before the others (`spec.initContainers`).
    Init,
    /// A native sidecar: an init container with `restartPolicy: Always` that keeps running.
    NativeSidecar,
}

/// The value of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EnvValue {
    /// A literal string.
    Text {
        /// The value.
        value: String,
    },
    /// A URL that names another container of the same pod: `localhost` inside a Pod, the service or
    /// network alias (`peer`) in Compose and `docker run`.
    PeerUrl {
        /// URL scheme (`tcp`).
        scheme: String,
        /// The peer's DNS name outside a pod (Compose service, network alias).
        peer: String,
        /// Port.
        port: u16,
    },
}

/// One environment variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    /// Name (a C identifier by convention; Kubernetes accepts any printable name without `=`).
    pub name: String,
    /// Value.
    pub value: EnvValue,
}

impl EnvVar {
    /// A literal variable.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: EnvValue::Text {
                value: value.into(),
            },
        }
    }

    /// The value as seen from inside a pod (peers on `localhost`).
    pub fn pod_value(&self) -> String {
        match &self.value {
            EnvValue::Text { value } => value.clone(),
            EnvValue::PeerUrl { scheme, port, .. } => format!("{scheme}://localhost:{port}"),
        }
    }

    /// The value as seen on a user-defined network (peers by name), for Compose and `docker run`.
    pub fn network_value(&self) -> String {
        match &self.value {
            EnvValue::Text { value } => value.clone(),
            EnvValue::PeerUrl { scheme, peer, port } => format!("{scheme}://{peer}:{port}"),
        }
    }
}

/// Transport protocol of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

/// A port a container listens on, optionally published on the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    /// Port inside the container.
    pub container: u16,
    /// Port published on the host (`docker run -p`, Compose `ports`); in a Pod this is not a `hostPort`
    /// (use a Service), only `containerPort`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<u16>,
    /// Protocol.
    pub protocol: Protocol,
    /// Optional IANA-style name (`http`, `docker-tls`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Requests and limits, as Kubernetes quantities (`10m`, `256Mi`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Resources {
    /// CPU request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_request: Option<String>,
    /// Memory request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_request: Option<String>,
    /// CPU limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_limit: Option<String>,
    /// Memory limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
}

impl Resources {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// A probe that runs a command in the container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// The command (exec form).
    pub command: Vec<String>,
    /// Seconds between attempts.
    pub period_seconds: i32,
    /// Attempts before giving up.
    pub failure_threshold: i32,
    /// Seconds one attempt may take (`timeoutSeconds`, `--health-timeout`, Compose `timeout`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    /// Seconds before the first attempt (`initialDelaySeconds`, `--health-start-period`, Compose
    /// `start_period`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    /// The command as one shell line (Docker's `CMD-SHELL`, `--health-cmd`): `command` is then
    /// `/bin/sh -c <shell>`, and Compose and `docker run` write the line itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shell: Option<String>,
}

/// The security settings of a container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SecurityContext {
    /// `privileged: true`.
    pub privileged: bool,
    /// `allowPrivilegeEscalation`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_privilege_escalation: Option<bool>,
    /// `runAsUser`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    /// `runAsGroup`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    /// `runAsNonRoot`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// seccomp and AppArmor `Unconfined` (rootless BuildKit needs both).
    pub unconfined: bool,
    /// seccomp `RuntimeDefault` written out (the container runtime's default filter; Kubernetes
    /// otherwise runs pods `Unconfined` unless the kubelet defaults them).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub seccomp_runtime_default: bool,
    /// Capabilities to drop (`ALL`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drop_capabilities: Vec<String>,
    /// Capabilities to add (`NET_ADMIN`), without the `CAP_` prefix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub add_capabilities: Vec<String>,
    /// `readOnlyRootFilesystem` (`--read-only`, Compose `read_only`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_only_root_filesystem: bool,
    /// seccomp `Unconfined` alone (`--security-opt seccomp=unconfined`); `unconfined` sets both.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub seccomp_unconfined: bool,
    /// AppArmor `Unconfined` alone (`--security-opt apparmor=unconfined`); `unconfined` sets both.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub apparmor_unconfined: bool,
}

impl SecurityContext {
    /// Whether seccomp is switched off (alone or with AppArmor).
    pub fn seccomp_off(&self) -> bool {
        self.unconfined || self.seccomp_unconfined
    }

    /// Whether AppArmor is switched off (alone or with seccomp).
    pub fn apparmor_off(&self) -> bool {
        self.unconfined || self.apparmor_unconfined
    }
}

/// A host device in the container (`--device /dev/x:/dev/y:rwm`, Compose `devices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    /// The device on the host.
    pub host: String,
    /// Its path in the container (the host path when not given).
    pub container: String,
    /// The cgroup permissions (`rwm` when not given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<String>,
}

/// A resource limit of the container's processes (`--ulimit nofile=1024:2048`, Compose `ulimits`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ulimit {
    /// The limit's name (`nofile`, `nproc`, `memlock`).
    pub name: String,
    /// Soft limit (`-1`: unlimited).
    pub soft: i64,
    /// Hard limit.
    pub hard: i64,
}

/// A tmpfs mount of one container (`--tmpfs`, `--mount type=tmpfs`, Compose `tmpfs` and
/// `type: tmpfs`): an `emptyDir` with `medium: Memory` in a Pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tmpfs {
    /// Absolute path in the container.
    pub path: String,
    /// Size limit as a Kubernetes quantity (`16Mi`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// File mode of the mount's root, in octal as written (`1777`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Written as a mount (`--mount type=tmpfs`, Compose long syntax: `HostConfig.Mounts`) rather
    /// than `--tmpfs` / Compose `tmpfs:` (`HostConfig.Tmpfs`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub as_mount: bool,
}

/// A port published on one host address (`-p 127.0.0.1:8080:80`): in a Pod a `hostPort` with its
/// `hostIP` (a Service cannot bind one node address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoundPort {
    /// The host address (`127.0.0.1`, `::1`).
    pub host_ip: String,
    /// The port; `published` is the host port.
    pub port: Port,
}

/// The DNS settings of a pod (`--dns`, `--dns-search`, `--dns-option`; Compose `dns`,
/// `dns_search`, `dns_opt`; Kubernetes `dnsConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dns {
    /// Name servers (with them a Pod's `dnsPolicy` is `None`: only these are used, as in Docker).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nameservers: Vec<String>,
    /// Search domains.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub searches: Vec<String>,
    /// resolv.conf options: name and optional value (`ndots:2`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<(String, Option<String>)>,
}

impl Dns {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// A container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Container {
    /// Name, unique in the pod (DNS-1123 label). Also the Compose service name.
    pub name: String,
    /// Role in the pod.
    pub role: ContainerRole,
    /// Image reference.
    pub image: String,
    /// Entrypoint override (Kubernetes `command`, Compose `entrypoint`, `docker run --entrypoint`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments (Kubernetes `args`, Compose `command`, trailing `docker run` arguments).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Environment.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// Ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Resources.
    #[serde(skip_serializing_if = "Resources::is_empty")]
    pub resources: Resources,
    /// Mounts of pod volumes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<Mount>,
    /// Security settings.
    pub security: SecurityContext,
    /// Startup probe (native sidecar daemons).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<Probe>,
    /// Readiness probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Probe>,
    /// DNS name other containers use outside a pod (Compose network alias); the container name when empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Working directory (`workingDir`, Compose `working_dir`, `--workdir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// A terminal (`tty`, `--tty`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tty: bool,
    /// Standard input kept open (`stdin`, Compose `stdin_open`, `--interactive`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stdin: bool,
    /// An init process as PID 1 that reaps and forwards signals (`--init`, Compose `init`); a Pod
    /// has no such field. Only `convert` sets it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub init: bool,
    /// Host devices (`--device`, Compose `devices`); not written in a Pod. Only `convert` sets them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<Device>,
    /// Resource limits (`--ulimit`, Compose `ulimits`); a Pod has no such field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ulimits: Vec<Ulimit>,
    /// The stop signal (`--stop-signal`, Compose `stop_signal`); not written in a Pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    /// Size of `/dev/shm` as a Kubernetes quantity (`--shm-size`, Compose `shm_size`; in a Pod an
    /// `emptyDir` with `medium: Memory` and this `sizeLimit` mounted on `/dev/shm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shm_size: Option<String>,
    /// tmpfs mounts of this container alone (a Pod: `emptyDir` `medium: Memory` volumes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tmpfs: Vec<Tmpfs>,
    /// Ports published on one host address.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bound_ports: Vec<BoundPort>,
    /// Docker's settings of one container that a Pod has no field for (`--userns`, `--cgroupns`,
    /// `--pids-limit`, `--log-driver`, `--log-opt`, `--volumes-from`; their Compose keys). Only
    /// `convert` sets them.
    #[serde(skip_serializing_if = "DockerSettings::is_empty")]
    pub docker: DockerSettings,
}

/// Docker's settings of a container without a Pod field: carried between Compose and `docker
/// run`, reported when the target is Kubernetes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DockerSettings {
    /// The user namespace (`--userns host`, Compose `userns_mode`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userns_mode: Option<String>,
    /// The cgroup namespace (`--cgroupns host|private`, Compose `cgroup`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cgroupns: Option<String>,
    /// The process limit (`--pids-limit`, Compose `pids_limit`; -1 unlimited).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pids_limit: Option<i64>,
    /// The logging driver (`--log-driver`, Compose `logging.driver`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_driver: Option<String>,
    /// The logging driver's options (`--log-opt K=V`, Compose `logging.options`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log_options: Vec<(String, String)>,
    /// The containers whose volumes this one mounts, each `NAME[:ro|rw]`: a container's name
    /// (`--volumes-from`, Compose `container:NAME`) or, read from Compose, a service's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes_from: Vec<String>,
}

impl DockerSettings {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

impl Container {
    /// A regular container with only a name and an image.
    pub fn new(name: impl Into<String>, image: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            role: ContainerRole::Regular,
            image: image.into(),
            command: Vec::new(),
            args: Vec::new(),
            env: Vec::new(),
            ports: Vec::new(),
            resources: Resources::default(),
            mounts: Vec::new(),
            security: SecurityContext::default(),
            startup_probe: None,
            readiness_probe: None,
            alias: None,
            working_dir: None,
            tty: false,
            stdin: false,
            init: false,
            devices: Vec::new(),
            ulimits: Vec::new(),
            stop_signal: None,
            shm_size: None,
            tmpfs: Vec::new(),
            bound_ports: Vec::new(),
            docker: DockerSettings::default(),
        }
    }
}

/// The `type` of a hostPath volume (Kubernetes accepts exactly these, and the empty string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HostPathType {
    /// `Socket`: a unix socket must exist at the path.
    Socket,
    /// `Directory`: a directory must exist.
    Directory,
    /// `DirectoryOrCreate`.
    DirectoryOrCreate,
    /// `File`.
    File,
    /// `FileOrCreate`.
    FileOrCreate,
    /// `CharDevice`.
    CharDevice,
    /// `BlockDevice`.
    BlockDevice,
}

impl HostPathType {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HostPathType::Socket => "Socket",
            HostPathType::Directory => "Directory",
            HostPathType::DirectoryOrCreate => "DirectoryOrCreate",
            HostPathType::File => "File",
            HostPathType::FileOrCreate => "FileOrCreate",
            HostPathType::CharDevice => "CharDevice",
            HostPathType::BlockDevice => "BlockDevice",
        }
    }
}

/// Where a volume's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum VolumeSource {
    /// A path on the node (Kubernetes `hostPath`, a Compose or `docker run` bind mount).
    HostPath {
        /// Absolute host path.
        path: String,
        /// The type check the kubelet applies.
        #[serde(skip_serializing_if = "Option::is_none")]
        kind: Option<HostPathType>,
    },
    /// Scratch space that lives as long as the pod (a Compose or `docker` named volume elsewhere).
    EmptyDir {
        /// `medium: Memory` (tmpfs).
        memory: bool,
        /// `sizeLimit` (a quantity): the kubelet evicts the pod when the volume grows past it.
        #[serde(skip_serializing_if = "Option::is_none")]
        size_limit: Option<String>,
    },
    /// A named volume of the engine (Compose top-level `volumes`, `docker volume create`); in a Pod an
    /// emptyDir.
    Named,
    /// A PersistentVolumeClaim (a named volume outside Kubernetes).
    Pvc {
        /// The claim's name.
        claim: String,
    },
    /// A Secret's keys as files (registry credentials); outside Kubernetes a read-only bind of the
    /// folder `./<secret>` beside the Compose file or script, holding the same files.
    Secret {
        /// The Secret's name.
        secret: String,
        /// `key` of the Secret to the file name it takes in the volume.
        items: Vec<(String, String)>,
    },
}

/// A pod-level volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Volume {
    /// Name, unique in the pod (DNS-1123 label).
    pub name: String,
    /// Source.
    pub source: VolumeSource,
}

/// The host path a bind of `path` with `sub_path` reaches: `path/sub_path`.
pub fn join_sub_path(path: &str, sub_path: Option<&str>) -> String {
    match sub_path {
        Some(sp) => format!(
            "{}/{}",
            path.trim_end_matches('/'),
            sp.trim_start_matches('/')
        ),
        None => path.to_owned(),
    }
}

/// Whether `pod` runs Windows containers (its node selector asks for `kubernetes.io/os: windows`).
pub fn windows_containers(pod: &Pod) -> bool {
    pod.node_selector
        .iter()
        .any(|(k, v)| k == "kubernetes.io/os" && v == "windows")
}

/// A container's mount of a pod volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    /// The volume's name.
    pub volume: String,
    /// Absolute path in the container.
    pub path: String,
    /// Mounted read-only.
    pub read_only: bool,
    /// A path inside the volume to mount instead of its root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
}

/// A pod: the unit every format renders. Outside Kubernetes it becomes one Compose project or a set of
/// `docker run` lines on one network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pod {
    /// Name (DNS-1123 subdomain); also the Compose project and network prefix.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Labels.
    pub labels: Vec<(String, String)>,
    /// Annotations (`io.kubernetes.cri-o.userns-mode` for Sysbox on CRI-O).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<(String, String)>,
    /// Containers in order: init containers and native sidecars first, then regular ones.
    pub containers: Vec<Container>,
    /// Volumes.
    pub volumes: Vec<Volume>,
    /// `runtimeClassName` (`sysbox-runc`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_class: Option<String>,
    /// `hostUsers` (false puts the pod in a user namespace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_users: Option<bool>,
    /// `nodeSelector`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub node_selector: Vec<(String, String)>,
    /// Pod `restartPolicy` (`Never` for jobs, `Always` for services).
    pub restart_policy: String,
    /// `automountServiceAccountToken` (false: no API token in the pod).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    /// Namespaced sysctls of the pod (`securityContext.sysctls`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sysctls: Vec<(String, String)>,
    /// Numeric supplementary groups of every container (`securityContext.supplementalGroups`,
    /// `--group-add GID`, Compose `group_add`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub supplemental_groups: Vec<i64>,
    /// Docker labels of the containers (`--label`, Compose `labels`), written as the Pod's
    /// annotations (a label's value is free text, as an annotation's is; a Kubernetes label's is
    /// not). Only `convert` sets them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub container_labels: Vec<(String, String)>,
    /// `hostname` (`--hostname`, Compose `hostname`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// `hostAliases`: an IP and the names that resolve to it in `/etc/hosts` (`--add-host`,
    /// Compose `extra_hosts`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub host_aliases: Vec<(String, Vec<String>)>,
    /// The node's network namespace (`hostNetwork`, `--network host`, `network_mode: host`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub host_network: bool,
    /// The node's PID namespace (`hostPID`, `--pid host`, `pid: host`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub host_pid: bool,
    /// The node's IPC namespace (`hostIPC`, `--ipc host`, `ipc: host`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub host_ipc: bool,
    /// `shareProcessNamespace` (Compose `pid: service:x`, `--pid container:x`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub share_process_namespace: bool,
    /// `terminationGracePeriodSeconds` (`--stop-timeout`, Compose `stop_grace_period`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    /// DNS settings (`dnsConfig`, `--dns*`, Compose `dns*`).
    #[serde(skip_serializing_if = "Dns::is_empty")]
    pub dns: Dns,
    /// The engine's name of a named volume whose pod volume name had to become a DNS label
    /// (`jenkins_home` for `jenkins-home`): pod volume name, engine name. Only `convert` sets them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_names: Vec<(String, String)>,
    /// Pod volumes that are anonymous volumes of the engine (`-v /cache`, a Compose `- /cache`):
    /// Compose and `docker run` write the container path alone, so the engine makes a new volume
    /// for the container as the input did (an `emptyDir` in a Pod). Only `convert` sets them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub anonymous_volumes: Vec<String>,
}

impl Pod {
    /// The container called `name`.
    pub fn container(&self, name: &str) -> Option<&Container> {
        self.containers.iter().find(|c| c.name == name)
    }

    /// The volume called `name`.
    pub fn volume(&self, name: &str) -> Option<&Volume> {
        self.volumes.iter().find(|v| v.name == name)
    }

    /// Whether pod volume `name` is an anonymous volume of the engine.
    pub fn is_anonymous_volume(&self, name: &str) -> bool {
        self.anonymous_volumes.iter().any(|n| n == name)
    }

    /// The engine's name of pod volume `name` (Compose, `docker volume`): the name it had in the
    /// input when that was not a DNS label, else `name`.
    pub fn engine_volume_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.volume_names
            .iter()
            .find(|(n, _)| n == name)
            .map_or(name, |(_, e)| e.as_str())
    }
}

/// How a Job runs its pod: retries, clean-up and a deadline (Kubernetes `JobSpec`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobSettings {
    /// `backoffLimit`: failed pods retried before the Job fails.
    pub backoff_limit: i32,
    /// `ttlSecondsAfterFinished`: the finished Job (and its pods and logs) is deleted this long after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_seconds_after_finished: Option<i32>,
    /// `activeDeadlineSeconds`: the Job fails, its pods killed, when it runs longer than this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
}

/// The Kubernetes object that carries a pod: the pod itself or a controller that makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum WorkloadKind {
    /// A bare `Pod`.
    Pod,
    /// A `Job` (`batch/v1`): one-shot work that ends.
    Job(JobSettings),
    /// A `Deployment` (`apps/v1`): a pod kept running.
    Deployment {
        /// `replicas`.
        replicas: i32,
    },
    /// A `CronJob` (`batch/v1`): a Job on a schedule.
    CronJob {
        /// `schedule`, in cron syntax.
        schedule: String,
        /// `timeZone` of the schedule (an IANA name), when set.
        #[serde(skip_serializing_if = "Option::is_none")]
        time_zone: Option<String>,
        /// The Job each run creates.
        job: JobSettings,
    },
}

impl WorkloadKind {
    /// The Kubernetes `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkloadKind::Pod => "Pod",
            WorkloadKind::Job(_) => "Job",
            WorkloadKind::Deployment { .. } => "Deployment",
            WorkloadKind::CronJob { .. } => "CronJob",
        }
    }

    /// The id used in parameters (`--set kind=job`) and `convert --to`.
    pub fn id(&self) -> &'static str {
        match self {
            WorkloadKind::Pod => "pod",
            WorkloadKind::Job(_) => "job",
            WorkloadKind::Deployment { .. } => "deployment",
            WorkloadKind::CronJob { .. } => "cronjob",
        }
    }

    /// Whether the pod runs to completion (a Job, or a CronJob's Job).
    pub fn runs_to_completion(&self) -> bool {
        matches!(self, WorkloadKind::Job(_) | WorkloadKind::CronJob { .. })
    }
}
