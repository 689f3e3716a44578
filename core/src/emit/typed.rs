//! A scenario as typed values, for tools that work on objects rather than text (kube-rs controllers,
//! admission webhooks, CI bots): the Pod as k8s-openapi's [`Pod`](k8s_openapi::api::core::v1::Pod),
//! the Compose file as [`ComposeFile`]. They are the values `generate` writes as `pod.yaml` and
//! `compose.yaml` (without the header comments), validated the same way.

use crate::error::{Error, ErrorKind, Result};
use crate::scenario::Scenario;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The scenario's Pod as a k8s-openapi value, validated as the API server would (the same Pod as
/// `generate`'s `pod.yaml`).
///
/// ```
/// let scenario = dockscape::build_scenario("dind", &dockscape::Params::new())?;
/// let pod = dockscape::to_pod(&scenario)?;
/// let spec = pod.spec.unwrap_or_default();
/// let privileged = spec.containers.iter().chain(spec.init_containers.iter().flatten())
///     .filter(|c| c.security_context.as_ref().and_then(|s| s.privileged) == Some(true));
/// assert_eq!(privileged.count(), 1, "the DinD daemon");
/// # Ok::<(), dockscape::Error>(())
/// ```
pub fn to_pod(scenario: &Scenario) -> Result<k8s_openapi::api::core::v1::Pod> {
    super::pod::checked(&scenario.pod)
}

/// The scenario's Compose file as a typed value, validated first (the same file as `generate`'s
/// `compose.yaml`).
///
/// ```
/// let scenario = dockscape::build_scenario("dood", &dockscape::Params::new())?;
/// let compose = dockscape::to_compose(&scenario)?;
/// let service = compose.services.values().next().expect("one service");
/// assert!(service.volumes.iter().flatten().any(|v| matches!(v,
///     dockscape::ComposeMount::Short(s) if s.starts_with("/var/run/docker.sock:"))));
/// # Ok::<(), dockscape::Error>(())
/// ```
pub fn to_compose(scenario: &Scenario) -> Result<ComposeFile> {
    let value = super::compose::to_value(&scenario.pod);
    if let Some(p) = crate::validate::validate_compose(&value).first() {
        return Err(Error::new(
            ErrorKind::Validation,
            format!("generated compose file is invalid: {p}"),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        Error::new(
            ErrorKind::Validation,
            format!("generated compose file does not fit `ComposeFile`: {e}"),
        )
    })
}

/// A Compose file as dockscape writes it: the subset of the
/// [Compose specification](https://github.com/compose-spec/compose-spec/blob/main/spec.md) the
/// generator uses, with the spec's key names (`serde` reads and writes exactly them; an unknown key is
/// an error, not silently dropped). Strings are as written in the file: Compose interpolates `$VAR`,
/// so a literal `$` is `$$`. The structs are `#[non_exhaustive]`: fields are added within a major
/// version, so they are read, not built by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeFile {
    /// The project name (`name:`), the Pod's name.
    pub name: String,
    /// The services by name, in start order: one per container; a DinD daemon is `docker`, the host
    /// name its clients use.
    pub services: IndexMap<String, ComposeService>,
    /// Named volumes (the Pod's `emptyDir` volumes).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub volumes: IndexMap<String, ComposeVolume>,
}

/// One service (`services.<name>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeService {
    /// `image`.
    pub image: String,
    /// `entrypoint`: the container's command, replacing the image's entrypoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    /// `command`: the container's arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// `user`: `uid` or `uid:gid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// `privileged: true` (a DinD daemon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// `runtime` (`sysbox-runc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// `security_opt` (`seccomp=unconfined`, `apparmor=unconfined` for rootless daemons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_opt: Option<Vec<String>>,
    /// `cap_drop` (`ALL` on the hardened docker client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_drop: Option<Vec<String>>,
    /// `sysctls` as a mapping (the pod's namespaced kernel parameters, on every service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sysctls: Option<IndexMap<String, String>>,
    /// `group_add`: numeric supplementary groups (the pod's `supplementalGroups`, on every
    /// service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_add: Option<Vec<i64>>,
    /// `environment` as a mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<IndexMap<String, String>>,
    /// `ports`: published ports, `HOST:CONTAINER[/udp]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<String>>,
    /// `expose`: container ports that are not published, `PORT[/udp]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose: Option<Vec<String>>,
    /// `volumes`: bind mounts and named volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<ComposeMount>>,
    /// `healthcheck` (from the container's startup or readiness probe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<ComposeHealthcheck>,
    /// `depends_on`: every service before this one, with the condition to wait for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<IndexMap<String, ComposeDependency>>,
    /// `deploy.resources` (CPU and memory limits and reservations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy: Option<ComposeDeploy>,
    /// `restart: "no"` on a workload that runs once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<String>,
}

/// One entry of a service's `volumes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(untagged)]
pub enum ComposeMount {
    /// The short syntax `SOURCE:TARGET[:ro]`: a host path (a bind mount) or a named volume.
    Short(String),
    /// The long syntax, used for a named volume mounted with a sub-path.
    Long(ComposeLongMount),
}

/// A mount in the long syntax (`type: volume`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeLongMount {
    /// `type` (`volume`).
    #[serde(rename = "type")]
    pub kind: String,
    /// `source`: the volume's name.
    pub source: String,
    /// `target`: the path in the container.
    pub target: String,
    /// `read_only`.
    pub read_only: bool,
    /// `volume.subpath`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<ComposeVolumeOptions>,
}

/// The `volume:` options of a long-syntax mount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeVolumeOptions {
    /// `subpath`: the directory of the volume to mount.
    pub subpath: String,
}

/// A service's `healthcheck`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeHealthcheck {
    /// `test`: `CMD` then the command.
    pub test: Vec<String>,
    /// `interval`, a duration (`5s`).
    pub interval: String,
    /// `retries`.
    pub retries: i64,
}

/// One entry of `depends_on`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeDependency {
    /// `service_started`, `service_healthy` or `service_completed_successfully`.
    pub condition: String,
}

/// A service's `deploy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeDeploy {
    /// `deploy.resources`.
    pub resources: ComposeResources,
}

/// `deploy.resources`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeResources {
    /// `limits` (from the container's resource limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ComposeResourceSpec>,
    /// `reservations` (from its requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservations: Option<ComposeResourceSpec>,
}

/// CPU and memory of `limits` or `reservations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeResourceSpec {
    /// `cpus`, a decimal number of CPUs (`0.5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<String>,
    /// `memory`, a byte value (`512m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

/// A named volume's definition (`volumes.<name>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ComposeVolume {
    /// `driver_opts` (`type: tmpfs`, `device: tmpfs` for a memory-backed `emptyDir`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_opts: Option<IndexMap<String, String>>,
}
