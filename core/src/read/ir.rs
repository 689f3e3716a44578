//! The one small intermediate representation every rule reads.
//!
//! Kubernetes objects (`k8s.rs`), Compose services (`compose.rs`) and `docker run` lines (`run.rs`)
//! are all turned into [`Unit`] → [`Workload`] → [`Container`] → mounts, env, ports and security,
//! so each rule is written once. Every value is a [`Val`]: its text (already interpolated and
//! unquoted) and a [`Loc`] (1-based line and column, and how to name its field path, which is built
//! only when a finding points at it).
//!
//! Conventions that keep rules short:
//! - switches that are off are `None`: `Security::privileged`, `Workload::host_network`, ... are
//!   `Some(v)` only when turned on, with `v` pointing at the value that turned it on;
//! - raw settings whose meaning a rule judges (`run_as_user`, `seccomp`, `allow_privilege_escalation`)
//!   keep the text as written;
//! - host paths are resolved: a mount's [`HostPath`] is the volume or bind source joined with the
//!   `subPath`, normalised and classified once ([`PathClass`]).

// Fields not read yet are read by rules still being written (DS010-DS027).
#![allow(dead_code)]

use std::borrow::Cow;

use super::paths::{self, PathClass, Runtime};
use super::source::NodeId;

/// How a setting reads in the input it came from, for messages: `hostNetwork: true`
/// (Kubernetes, `k8s` key), `network_mode: host` (Compose, `compose` key), `--net host` (the
/// `docker run` flag as written).
pub(crate) fn written(source: Source, v: &Val<'_>, k8s: &str, compose: &str) -> String {
    match (source, v.loc.field) {
        (Source::Kubernetes, _) => format!("{k8s}: {}", v.as_str()),
        (Source::Compose, _) => format!("{compose}: {}", v.as_str()),
        (Source::Run, Field::Text(flag)) => format!("{flag} {}", v.as_str()),
        (Source::Run, _) => v.as_str().to_string(),
    }
}

/// Which kind of input a unit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Kubernetes,
    Compose,
    Run,
}

/// How a finding names the field it points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field<'t> {
    /// A node of the parsed YAML document: the path is built from the tree.
    Node(NodeId),
    /// A literal path (a `docker run` flag as written).
    Text(&'t str),
    /// No field.
    None,
}

/// A position: 1-based line and column, and the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Loc<'t> {
    pub line: u32,
    pub col: u32,
    pub field: Field<'t>,
}

impl Loc<'_> {
    /// No position.
    pub(crate) const NONE: Loc<'static> = Loc {
        line: 0,
        col: 0,
        field: Field::None,
    };
}

/// A value and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Val<'t> {
    pub text: Cow<'t, str>,
    pub loc: Loc<'t>,
}

impl<'t> Val<'t> {
    pub(crate) fn new(text: impl Into<Cow<'t, str>>, loc: Loc<'t>) -> Self {
        Val {
            text: text.into(),
            loc,
        }
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// `true`, `True`, `TRUE` (a YAML 1.2 boolean true).
    pub(crate) fn is_true(&self) -> bool {
        self.text.eq_ignore_ascii_case("true")
    }

    /// Case-insensitive equality.
    pub(crate) fn eq_ci(&self, s: &str) -> bool {
        self.text.trim().eq_ignore_ascii_case(s)
    }
}

/// One input unit: a YAML document, a Compose file, or a shell script.
#[derive(Debug)]
pub(crate) struct Unit<'t> {
    pub source: Source,
    pub workloads: Vec<Workload<'t>>,
}

/// What kind of thing a [`Workload`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkloadKind {
    /// Something that runs containers: a pod spec, a Compose service, a `docker run`.
    Pod,
    /// A `PersistentVolume` (no containers; its host path is in `volumes`).
    PersistentVolume,
    /// A Compose top-level named volume (no containers; used by services through mounts).
    NamedVolume,
}

/// A pod spec (in any Kubernetes kind), a Compose service, or a `docker run` line; or a volume
/// object that rules about volumes need ([`WorkloadKind`]).
#[derive(Debug)]
pub(crate) struct Workload<'t> {
    pub what: WorkloadKind,
    /// `Deployment`, `Pod`, ... for Kubernetes; `service` (Compose); `run` (`docker run`);
    /// `volume` (Compose named volume); `PersistentVolume`.
    pub kind: Cow<'t, str>,
    pub name: Cow<'t, str>,
    pub namespace: Option<Cow<'t, str>>,
    /// The object, service key or command start.
    pub loc: Loc<'t>,
    /// Annotations of the object and of its pod template; Compose `labels`.
    pub annotations: Vec<(Val<'t>, Val<'t>)>,
    /// Set only when on (`hostNetwork: true`, `network_mode: host`, `--network host`).
    pub host_network: Option<Val<'t>>,
    /// Set only when on (`hostPID: true`, `pid: host`, `--pid host`).
    pub host_pid: Option<Val<'t>>,
    /// Set only when on (`hostIPC: true`, `ipc: host`, `--ipc host`).
    pub host_ipc: Option<Val<'t>>,
    /// `hostUsers` as written (Kubernetes only); `userns_mode` / `--userns` for Compose and run.
    pub host_users: Option<Val<'t>>,
    /// `runtimeClassName`, Compose `runtime`, `--runtime`.
    pub runtime_class: Option<Val<'t>>,
    /// Set only when the host's cgroup namespace is shared (Compose `cgroup: host`,
    /// `--cgroupns host`).
    pub host_cgroup: Option<Val<'t>>,
    /// Set only when the host's UTS namespace is shared (Compose `uts: host`, `--uts host`).
    pub host_uts: Option<Val<'t>>,
    /// The pod-level security context (Kubernetes); empty for Compose and run, whose settings
    /// are per container.
    pub security: Security<'t>,
    /// `securityContext.sysctls` (name, value); Compose `sysctls`; `--sysctl`.
    pub sysctls: Vec<(Val<'t>, Val<'t>)>,
    pub volumes: Vec<Volume<'t>>,
    pub containers: Vec<Container<'t>>,
}

impl<'t> Workload<'t> {
    pub(crate) fn new(what: WorkloadKind, kind: impl Into<Cow<'t, str>>, loc: Loc<'t>) -> Self {
        Workload {
            what,
            kind: kind.into(),
            name: Cow::Borrowed(""),
            namespace: None,
            loc,
            annotations: Vec::new(),
            host_network: None,
            host_pid: None,
            host_ipc: None,
            host_users: None,
            runtime_class: None,
            host_cgroup: None,
            host_uts: None,
            security: Security::default(),
            sysctls: Vec::new(),
            volumes: Vec::new(),
            containers: Vec::new(),
        }
    }

    /// An annotation (or Compose label) by key.
    pub(crate) fn annotation(&self, key: &str) -> Option<&Val<'t>> {
        self.annotations
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }

    /// Whether the container runs as root: its (or the pod's) `runAsUser` is `0`/`root`, or no
    /// user is set and `runAsNonRoot` is not `true`.
    pub(crate) fn runs_as_root(&self, c: &Container<'t>) -> bool {
        let user = c
            .security
            .run_as_user
            .as_ref()
            .or(self.security.run_as_user.as_ref());
        if let Some(u) = user {
            let t = u.as_str().trim();
            let name = t.split(':').next().unwrap_or("");
            return name == "0" || name.eq_ignore_ascii_case("root") || name.is_empty();
        }
        let non_root = c
            .security
            .run_as_non_root
            .as_ref()
            .or(self.security.run_as_non_root.as_ref());
        !non_root.is_some_and(Val::is_true)
    }

    /// Whether the workload runs under the Sysbox runtime (`runtimeClassName`, `runtime`, `--runtime`).
    pub(crate) fn sysbox(&self) -> bool {
        self.runtime_class
            .as_ref()
            .is_some_and(|r| r.as_str().contains("sysbox"))
    }

    /// Whether any container of the workload mounts volume `index`.
    pub(crate) fn volume_used(&self, index: usize) -> bool {
        self.containers
            .iter()
            .any(|c| c.mounts.iter().any(|m| m.volume == Some(index)))
    }
}

/// `containers`, `initContainers`, `ephemeralContainers`, a Compose service, a `docker run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerKind {
    Container,
    Init,
    Ephemeral,
    Service,
    Run,
}

/// One container.
#[derive(Debug)]
pub(crate) struct Container<'t> {
    pub kind: ContainerKind,
    /// The name, or a stand-in (`containers[2]`) when it has none.
    pub name: Cow<'t, str>,
    pub loc: Loc<'t>,
    pub image: Option<Val<'t>>,
    /// Kubernetes `command`; Compose `entrypoint`; `--entrypoint`.
    pub command: Vec<Val<'t>>,
    /// Kubernetes `args`; Compose `command` (split like sh); the words after the image.
    pub args: Vec<Val<'t>>,
    pub env: Vec<Env<'t>>,
    pub mounts: Vec<Mount<'t>>,
    pub ports: Vec<Port<'t>>,
    pub security: Security<'t>,
    /// Compose `container_name` (as written, not interpolated), `docker run --name`.
    pub container_name: Option<Val<'t>>,
    /// Device cgroup rules as written (Compose `device_cgroup_rules`, `--device-cgroup-rule`):
    /// devices the container may create and open beyond the default set.
    pub device_rules: Vec<Val<'t>>,
}

impl<'t> Container<'t> {
    pub(crate) fn new(kind: ContainerKind, name: impl Into<Cow<'t, str>>, loc: Loc<'t>) -> Self {
        Container {
            kind,
            name: name.into(),
            loc,
            image: None,
            command: Vec::new(),
            args: Vec::new(),
            env: Vec::new(),
            mounts: Vec::new(),
            ports: Vec::new(),
            security: Security::default(),
            container_name: None,
            device_rules: Vec::new(),
        }
    }

    /// The last env var named `name` with a literal value.
    pub(crate) fn env_value(&self, name: &str) -> Option<&Val<'t>> {
        self.env
            .iter()
            .rev()
            .find(|e| e.name.as_str() == name)
            .and_then(|e| e.value.as_ref())
    }

    /// Whether an env var named `name` is set at all (literal or from elsewhere).
    pub(crate) fn has_env(&self, name: &str) -> bool {
        self.env.iter().any(|e| e.name.as_str() == name)
    }

    /// Command then args.
    pub(crate) fn argv(&self) -> impl Iterator<Item = &Val<'t>> {
        self.command.iter().chain(self.args.iter())
    }

    /// The image's repository (without registry, tag or digest) and tag.
    pub(crate) fn image_parts(&self) -> Option<(&str, &str)> {
        self.image.as_ref().map(|i| image_parts(i.as_str()))
    }

    /// The `dockerd` word in the command or args, when the container runs a Docker daemon.
    pub(crate) fn dockerd_word(&self) -> Option<&Val<'t>> {
        self.argv().find(|v| has_dockerd_word(v.as_str()))
    }

    /// `Some(true)` for the official Docker-in-Docker image (`docker:*dind*`), `Some(false)` for
    /// another one (`*/dind`, `*dind*`), `None` for any other image.
    fn dind_image(&self) -> Option<bool> {
        let (repo, tag) = self.image_parts()?;
        let last = repo.rsplit('/').next().unwrap_or(repo);
        let official = last == "docker" && tag.contains("dind");
        (official || last.contains("dind")).then_some(official)
    }

    /// Whether the container runs a Docker-in-Docker image's own entrypoint up to `dockerd`.
    ///
    /// Replacing the entrypoint (Kubernetes `command`, Compose `entrypoint`, `--entrypoint`) makes
    /// any image a client. The official image's entrypoint (`docker:*dind*`, `dockerd-entrypoint.sh`)
    /// starts the daemon with no arguments, a flag first (`--tls=false`) or `dockerd` first; any other
    /// first argument (`sh -c ...`, `docker build .`, a Drone step's `commands`, the shell a GitLab job
    /// runs) is run in the daemon's place, as in the Drone docs' client step on `docker:dind`. Other
    /// dind images (`*/dind`) keep their own entrypoints, so their arguments are not judged.
    pub(crate) fn dind_image_daemon(&self) -> bool {
        match self.dind_image() {
            _ if !self.command.is_empty() => false,
            None => false,
            Some(false) => true,
            Some(true) => self.args.first().is_none_or(|a| {
                let first = a.as_str().trim();
                first.starts_with('-') || starts_dockerd(first)
            }),
        }
    }

    /// What makes this container a Docker daemon, where findings about the daemon point: its dind
    /// image left to start the daemon, else the `dockerd` word in its command.
    pub(crate) fn daemon_origin(&self) -> Option<&Val<'t>> {
        if self.dind_image_daemon() {
            self.image.as_ref()
        } else {
            self.dockerd_word()
        }
    }

    /// Whether a Docker daemon runs in this container (DS007's test).
    pub(crate) fn runs_dockerd(&self) -> bool {
        self.daemon_origin().is_some()
    }

    /// Whether the daemon it runs is rootless Docker (a `*rootless*` tag or `dockerd-rootless`).
    pub(crate) fn rootless_daemon(&self) -> bool {
        self.image_parts()
            .is_some_and(|(_, tag)| tag.contains("rootless"))
            || self.argv().any(|a| a.as_str().contains("dockerd-rootless"))
    }

    /// The first mount through which a host runtime socket or socket directory reaches the
    /// container (what DS001, DS002 and DS021 find; named pipes are DS020's), with its host path.
    pub(crate) fn socket_mount(&self) -> Option<(&Mount<'t>, &HostPath<'t>)> {
        self.mounts.iter().find_map(|m| {
            let h = m.host.as_ref()?;
            matches!(h.class, PathClass::Socket(_) | PathClass::SocketDir(_)).then_some((m, h))
        })
    }
}

/// Whether `text` (a command or argument) holds a word that starts `dockerd`. Every such word
/// contains `dockerd`, so text without it (nearly all) is not split into words.
fn has_dockerd_word(text: &str) -> bool {
    text.contains("dockerd")
        && text
            .split(|c: char| c.is_whitespace() || c == ';' || c == '&')
            .any(starts_dockerd)
}

/// Whether `word` (a name or a path) is a program that starts `dockerd`.
fn starts_dockerd(word: &str) -> bool {
    let base = word.rsplit('/').next().unwrap_or(word);
    matches!(
        base,
        "dockerd" | "dockerd-entrypoint.sh" | "dockerd-rootless.sh"
    )
}

/// Split an image reference into (repository path without registry, tag).
pub(crate) fn image_parts(image: &str) -> (&str, &str) {
    let image = image.trim();
    let image = image.split('@').next().unwrap_or(image);
    let (repo, tag) = match image.rfind(':') {
        Some(i) if !image.get(i..).unwrap_or("").contains('/') => (
            image.get(..i).unwrap_or(image),
            image.get(i + 1..).unwrap_or(""),
        ),
        _ => (image, ""),
    };
    // drop a registry host (a first segment with a dot or a port, or `localhost`)
    let repo = match repo.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => rest,
        _ => repo,
    };
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    (repo, tag)
}

/// An environment variable.
#[derive(Debug)]
pub(crate) struct Env<'t> {
    pub name: Val<'t>,
    /// The literal value; `None` for `valueFrom`, or `-e NAME` taken from the host.
    pub value: Option<Val<'t>>,
}

/// A published or declared port.
#[derive(Debug)]
pub(crate) struct Port<'t> {
    pub loc: Loc<'t>,
    /// The container side (`containerPort`, the target).
    pub container_port: Option<Val<'t>>,
    /// The host side (`hostPort`, the published port), when any.
    pub host_port: Option<Val<'t>>,
    /// The host address (`hostIP`, `127.0.0.1:`), when any.
    pub host_ip: Option<Val<'t>>,
}

/// Security settings of a pod or container.
#[derive(Debug, Default)]
pub(crate) struct Security<'t> {
    /// Set only when on.
    pub privileged: Option<Val<'t>>,
    pub allow_privilege_escalation: Option<Val<'t>>,
    /// `runAsUser`; Compose `user` / `--user` (the user part, before `:`).
    pub run_as_user: Option<Val<'t>>,
    pub run_as_non_root: Option<Val<'t>>,
    /// `supplementalGroups` (pod), `group_add`, `--group-add`.
    pub groups: Vec<Val<'t>>,
    /// `capabilities.add`, `cap_add`, `--cap-add`, as written.
    pub cap_add: Vec<Val<'t>>,
    pub cap_drop: Vec<Val<'t>>,
    /// `seccompProfile.type` (or the legacy annotation's value), `seccomp=...` / `seccomp:...`.
    pub seccomp: Option<Val<'t>>,
    /// `appArmorProfile.type` (or the legacy annotation's value), `apparmor=...`.
    pub apparmor: Option<Val<'t>>,
    /// `procMount`.
    pub proc_mount: Option<Val<'t>>,
    /// `seLinuxOptions.type`, `label=type:...`, `label:type:...`.
    pub selinux_type: Option<Val<'t>>,
    /// Set only when SELinux labelling is switched off (`label=disable`, `label:disable`).
    pub selinux_disabled: Option<Val<'t>>,
    /// Set only when `windowsOptions.hostProcess: true`.
    pub host_process: Option<Val<'t>>,
}

/// A declared volume.
#[derive(Debug)]
pub(crate) struct Volume<'t> {
    pub name: Cow<'t, str>,
    pub loc: Loc<'t>,
    pub source: VolumeSource<'t>,
    /// Whether some container mounts it.
    pub used: bool,
}

/// Where a volume's data lives.
#[derive(Debug)]
pub(crate) enum VolumeSource<'t> {
    /// `hostPath.path` (Kubernetes), a bind (`driver_opts.device` of a Compose named volume, a
    /// PersistentVolume's `hostPath`/`local` path): the host path and its class.
    Host {
        path: Val<'t>,
        class: PathClass,
    },
    EmptyDir,
    /// `persistentVolumeClaim.claimName`.
    Claim(Val<'t>),
    Other,
}

impl VolumeSource<'_> {
    /// The host path's class, when the volume is on the host.
    pub(crate) fn class(&self) -> PathClass {
        match self {
            VolumeSource::Host { class, .. } => *class,
            _ => PathClass::Other,
        }
    }
}

/// How a mount reaches the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// `hostPath` volume, bind mount, `-v /host:/ctr`, `--mount type=bind|npipe`.
    Direct,
    /// A Compose named volume whose `driver_opts` bind a host path.
    NamedVolume,
}

/// A mount into a container.
#[derive(Debug, Clone)]
pub(crate) struct Mount<'t> {
    /// The mount item (`volumeMounts[i]`, the `volumes:` entry, the `-v` value).
    pub loc: Loc<'t>,
    /// The path inside the container.
    pub target: Option<Val<'t>>,
    /// The volume it mounts (index into `Workload::volumes`), Kubernetes only.
    pub volume: Option<usize>,
    /// The volume's name as the mount writes it (Kubernetes `name`, a Compose named volume).
    pub volume_name: Option<Val<'t>>,
    pub sub_path: Option<Val<'t>>,
    /// Set when mounted read-only (`readOnly: true`, `:ro`, `readonly`).
    pub read_only: bool,
    /// The host path the mount reaches, when it reaches one.
    pub host: Option<HostPath<'t>>,
    /// The mount's propagation as written, when set (`mountPropagation: Bidirectional`, Compose
    /// `bind.propagation` and the short syntax's `rshared`, `bind-propagation=`, `-v ...:shared`).
    pub propagation: Option<Val<'t>>,
}

impl<'t> Mount<'t> {
    /// A mount at `target` with no volume and no host path (a tmpfs, an image's anonymous `VOLUME`),
    /// pointing where the target is written.
    pub(crate) fn anonymous(target: Val<'t>) -> Self {
        Mount {
            loc: target.loc,
            target: Some(target),
            volume: None,
            volume_name: None,
            sub_path: None,
            read_only: false,
            host: None,
            propagation: None,
        }
    }
}

/// The effective host path of a mount.
#[derive(Debug, Clone)]
pub(crate) struct HostPath<'t> {
    /// The host path as written (`hostPath.path`, the bind source).
    pub raw: Val<'t>,
    /// Normalised and joined with `subPath` (for a pipe: the path as written).
    pub effective: String,
    pub class: PathClass,
    pub via: Via,
    /// Where a finding about it points: the `subPath` when that picked the socket, else `raw`.
    pub loc: Loc<'t>,
}

impl<'t> HostPath<'t> {
    /// Resolve `raw` (plus an optional `subPath`) into a host path.
    pub(crate) fn resolve(raw: Val<'t>, sub: Option<&Val<'t>>, via: Via) -> Self {
        if paths::pipe_name(raw.as_str()).is_some() {
            let class = paths::classify(raw.as_str());
            let loc = raw.loc;
            return HostPath {
                effective: raw.as_str().to_string(),
                raw,
                class,
                via,
                loc,
            };
        }
        let base = paths::normalize(raw.as_str());
        let (effective, loc) = match sub {
            Some(s) if !s.as_str().trim().is_empty() => (paths::join(&base, s.as_str()), s.loc),
            _ => (base, raw.loc),
        };
        let class = paths::classify_normalized(&effective);
        // point at the subPath only when it made the difference
        let loc = if sub.is_some()
            && paths::classify_normalized(&paths::normalize(raw.as_str())) != class
        {
            loc
        } else {
            raw.loc
        };
        HostPath {
            raw,
            effective,
            class,
            via,
            loc,
        }
    }

    /// The runtime whose API this path reaches, when it does (socket, socket directory, pipe).
    pub(crate) fn runtime(&self) -> Option<Runtime> {
        self.class.runtime_access()
    }
}

#[cfg(test)]
mod tests {
    use super::has_dockerd_word;

    #[test]
    fn dockerd_words_are_found_behind_separators_and_paths() {
        assert!(has_dockerd_word("dockerd"));
        assert!(has_dockerd_word(
            "sleep 1;/usr/local/bin/dockerd --tls=false"
        ));
        assert!(has_dockerd_word("true&dockerd-entrypoint.sh"));
        assert!(has_dockerd_word("x\tdockerd-rootless.sh"));
        assert!(!has_dockerd_word("dockerd-other"));
        assert!(!has_dockerd_word("echo no daemon here"));
        assert!(!has_dockerd_word("mydockerd"));
    }
}
