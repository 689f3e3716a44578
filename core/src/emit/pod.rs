//! The workload as a Kubernetes Pod, built from k8s-openapi types so field names and types are right by
//! construction.

use crate::emit::json;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{self, ContainerRole, Protocol, VolumeSource};
use k8s_openapi::api::core::v1 as k8s;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The k8s-openapi Pod of a model pod.
pub(crate) fn to_k8s(pod: &model::Pod) -> k8s::Pod {
    let mut containers = Vec::new();
    let mut init = Vec::new();
    let memory = memory_volumes(pod);
    for c in &pod.containers {
        let mut kc = container(c);
        for m in memory.iter().filter(|m| m.container == c.name) {
            kc.volume_mounts
                .get_or_insert_with(Vec::new)
                .push(k8s::VolumeMount {
                    name: m.volume.clone(),
                    mount_path: m.path.clone(),
                    ..Default::default()
                });
        }
        match c.role {
            ContainerRole::Regular => containers.push(kc),
            ContainerRole::Init | ContainerRole::NativeSidecar => init.push(kc),
        }
    }
    let labels: BTreeMap<String, String> = pod.labels.iter().cloned().collect();
    let annotations: BTreeMap<String, String> = pod
        .annotations
        .iter()
        .chain(&pod.container_labels)
        .cloned()
        .collect();
    k8s::Pod {
        metadata: ObjectMeta {
            name: Some(pod.name.clone()),
            namespace: Some(pod.namespace.clone()),
            labels: (!labels.is_empty()).then_some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        spec: Some(k8s::PodSpec {
            containers,
            init_containers: (!init.is_empty()).then_some(init),
            volumes: (!pod.volumes.is_empty() || !memory.is_empty()).then(|| {
                pod.volumes
                    .iter()
                    .map(volume)
                    .chain(memory.iter().map(|m| k8s::Volume {
                        name: m.volume.clone(),
                        empty_dir: Some(k8s::EmptyDirVolumeSource {
                            medium: Some("Memory".into()),
                            size_limit: m.size.clone().map(Quantity),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }))
                    .collect()
            }),
            dns_policy: (!pod.dns.nameservers.is_empty()).then(|| "None".to_owned()),
            dns_config: (!pod.dns.is_empty()).then(|| k8s::PodDNSConfig {
                // the API server takes at most 3 (convert reports the others)
                nameservers: (!pod.dns.nameservers.is_empty())
                    .then(|| pod.dns.nameservers.iter().take(3).cloned().collect()),
                searches: (!pod.dns.searches.is_empty()).then(|| pod.dns.searches.clone()),
                options: (!pod.dns.options.is_empty()).then(|| {
                    pod.dns
                        .options
                        .iter()
                        .map(|(name, value)| k8s::PodDNSConfigOption {
                            name: Some(name.clone()),
                            value: value.clone(),
                        })
                        .collect()
                }),
            }),
            restart_policy: Some(pod.restart_policy.clone()),
            runtime_class_name: pod.runtime_class.clone(),
            host_users: pod.host_users,
            node_selector: (!pod.node_selector.is_empty())
                .then(|| pod.node_selector.iter().cloned().collect()),
            automount_service_account_token: pod.automount_service_account_token,
            hostname: pod.hostname.clone(),
            host_aliases: (!pod.host_aliases.is_empty()).then(|| {
                pod.host_aliases
                    .iter()
                    .map(|(ip, names)| k8s::HostAlias {
                        ip: ip.clone(),
                        hostnames: (!names.is_empty()).then(|| names.clone()),
                    })
                    .collect()
            }),
            host_network: pod.host_network.then_some(true),
            host_pid: pod.host_pid.then_some(true),
            host_ipc: pod.host_ipc.then_some(true),
            share_process_namespace: pod.share_process_namespace.then_some(true),
            termination_grace_period_seconds: pod.termination_grace_period_seconds,
            security_context: (!pod.sysctls.is_empty() || !pod.supplemental_groups.is_empty())
                .then(|| k8s::PodSecurityContext {
                    sysctls: (!pod.sysctls.is_empty()).then(|| {
                        pod.sysctls
                            .iter()
                            .map(|(name, value)| k8s::Sysctl {
                                name: name.clone(),
                                value: value.clone(),
                            })
                            .collect()
                    }),
                    supplemental_groups: (!pod.supplemental_groups.is_empty())
                        .then(|| pod.supplemental_groups.clone()),
                    ..Default::default()
                }),
            ..Default::default()
        }),
        status: None,
    }
}

/// A container's memory-backed volume the Pod adds for a tmpfs mount or `/dev/shm`.
struct MemoryVolume {
    container: String,
    volume: String,
    path: String,
    size: Option<String>,
}

/// The `emptyDir` `medium: Memory` volumes of every container's tmpfs mounts and `shm_size`
/// (`/dev/shm`), named after the container and unique in the pod.
fn memory_volumes(pod: &model::Pod) -> Vec<MemoryVolume> {
    let mut out: Vec<MemoryVolume> = Vec::new();
    for c in &pod.containers {
        let wanted = c
            .tmpfs
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("tmpfs-{i}"), t.path.clone(), t.size.clone()))
            .chain(
                c.shm_size
                    .iter()
                    .map(|s| ("shm".to_owned(), "/dev/shm".to_owned(), Some(s.clone()))),
            );
        for (suffix, path, size) in wanted {
            let mut base = format!("{}-{suffix}", c.name);
            if base.len() > 63 {
                let cut = 63 - suffix.len() - 1;
                base = format!(
                    "{}-{suffix}",
                    c.name.get(..cut).unwrap_or(&c.name).trim_end_matches('-')
                );
            }
            let mut name = base.clone();
            let mut n = 2;
            while pod.volume(&name).is_some() || out.iter().any(|m| m.volume == name) {
                name = format!("{}-{n}", base.get(..60).unwrap_or(&base));
                n += 1;
            }
            out.push(MemoryVolume {
                container: c.name.clone(),
                volume: name,
                path,
                size,
            });
        }
    }
    out
}

fn container(c: &model::Container) -> k8s::Container {
    let s = &c.security;
    let security = if s == &model::SecurityContext::default() {
        None
    } else {
        let unconfined = |t: &str| t.to_owned();
        Some(k8s::SecurityContext {
            privileged: s.privileged.then_some(true),
            allow_privilege_escalation: s.allow_privilege_escalation,
            run_as_user: s.run_as_user,
            run_as_group: s.run_as_group,
            run_as_non_root: s.run_as_non_root,
            seccomp_profile: (s.seccomp_off() || s.seccomp_runtime_default).then(|| {
                k8s::SeccompProfile {
                    type_: unconfined(if s.seccomp_off() {
                        "Unconfined"
                    } else {
                        "RuntimeDefault"
                    }),
                    localhost_profile: None,
                }
            }),
            app_armor_profile: s.apparmor_off().then(|| k8s::AppArmorProfile {
                type_: unconfined("Unconfined"),
                localhost_profile: None,
            }),
            capabilities: (!s.drop_capabilities.is_empty() || !s.add_capabilities.is_empty()).then(
                || k8s::Capabilities {
                    drop: (!s.drop_capabilities.is_empty()).then(|| s.drop_capabilities.clone()),
                    add: (!s.add_capabilities.is_empty()).then(|| s.add_capabilities.clone()),
                },
            ),
            read_only_root_filesystem: s.read_only_root_filesystem.then_some(true),
            ..Default::default()
        })
    };
    k8s::Container {
        name: c.name.clone(),
        image: Some(c.image.clone()),
        command: (!c.command.is_empty()).then(|| c.command.clone()),
        args: (!c.args.is_empty()).then(|| c.args.clone()),
        env: (!c.env.is_empty()).then(|| {
            c.env
                .iter()
                .map(|e| k8s::EnvVar {
                    name: e.name.clone(),
                    value: Some(e.pod_value()),
                    value_from: None,
                })
                .collect()
        }),
        ports: (!c.ports.is_empty() || !c.bound_ports.is_empty()).then(|| {
            let port = |p: &model::Port| k8s::ContainerPort {
                container_port: i32::from(p.container),
                protocol: Some(match p.protocol {
                    Protocol::Tcp => "TCP".into(),
                    Protocol::Udp => "UDP".into(),
                }),
                name: p.name.clone(),
                ..Default::default()
            };
            c.ports
                .iter()
                .map(port)
                .chain(c.bound_ports.iter().map(|b| k8s::ContainerPort {
                    host_ip: Some(b.host_ip.clone()),
                    host_port: b.port.published.map(i32::from),
                    ..port(&b.port)
                }))
                .collect()
        }),
        resources: resources(&c.resources),
        volume_mounts: (!c.mounts.is_empty()).then(|| {
            c.mounts
                .iter()
                .map(|m| k8s::VolumeMount {
                    name: m.volume.clone(),
                    mount_path: m.path.clone(),
                    read_only: m.read_only.then_some(true),
                    sub_path: m.sub_path.clone(),
                    ..Default::default()
                })
                .collect()
        }),
        security_context: security,
        restart_policy: (c.role == ContainerRole::NativeSidecar).then(|| "Always".to_owned()),
        startup_probe: c.startup_probe.as_ref().map(probe),
        readiness_probe: c.readiness_probe.as_ref().map(probe),
        working_dir: c.working_dir.clone(),
        tty: c.tty.then_some(true),
        stdin: c.stdin.then_some(true),
        ..Default::default()
    }
}

fn probe(p: &model::Probe) -> k8s::Probe {
    k8s::Probe {
        exec: Some(k8s::ExecAction {
            command: Some(p.command.clone()),
        }),
        period_seconds: Some(p.period_seconds),
        failure_threshold: Some(p.failure_threshold),
        timeout_seconds: p.timeout_seconds,
        initial_delay_seconds: p.initial_delay_seconds,
        ..Default::default()
    }
}

fn resources(r: &model::Resources) -> Option<k8s::ResourceRequirements> {
    if r.is_empty() {
        return None;
    }
    let map = |cpu: &Option<String>, mem: &Option<String>| {
        let mut m = BTreeMap::new();
        if let Some(c) = cpu {
            m.insert("cpu".to_owned(), Quantity(c.clone()));
        }
        if let Some(x) = mem {
            m.insert("memory".to_owned(), Quantity(x.clone()));
        }
        (!m.is_empty()).then_some(m)
    };
    Some(k8s::ResourceRequirements {
        requests: map(&r.cpu_request, &r.memory_request),
        limits: map(&r.cpu_limit, &r.memory_limit),
        ..Default::default()
    })
}

fn volume(v: &model::Volume) -> k8s::Volume {
    let mut kv = k8s::Volume {
        name: v.name.clone(),
        ..Default::default()
    };
    match &v.source {
        VolumeSource::HostPath { path, kind } => {
            kv.host_path = Some(k8s::HostPathVolumeSource {
                path: path.clone(),
                type_: kind.map(|k| k.as_str().to_owned()),
            });
        }
        VolumeSource::EmptyDir { memory, size_limit } => {
            kv.empty_dir = Some(k8s::EmptyDirVolumeSource {
                medium: memory.then(|| "Memory".to_owned()),
                size_limit: size_limit.clone().map(Quantity),
                ..Default::default()
            });
        }
        VolumeSource::Named => kv.empty_dir = Some(k8s::EmptyDirVolumeSource::default()),
        VolumeSource::Pvc { claim } => {
            kv.persistent_volume_claim = Some(k8s::PersistentVolumeClaimVolumeSource {
                claim_name: claim.clone(),
                read_only: None,
            });
        }
        VolumeSource::Secret { secret, items } => {
            kv.secret = Some(k8s::SecretVolumeSource {
                secret_name: Some(secret.clone()),
                items: (!items.is_empty()).then(|| {
                    items
                        .iter()
                        .map(|(key, path)| k8s::KeyToPath {
                            key: key.clone(),
                            path: path.clone(),
                            ..Default::default()
                        })
                        .collect()
                }),
                ..Default::default()
            });
        }
    }
    kv
}

/// The Pod as YAML, validated first.
#[cfg(test)]
pub(crate) fn emit(pod: &model::Pod) -> Result<String> {
    write(&checked(pod)?)
}

/// The k8s-openapi Pod of a model pod, validated as the API server would.
pub(crate) fn checked(pod: &model::Pod) -> Result<k8s::Pod> {
    let k = to_k8s(pod);
    if let Some(p) = crate::validate::validate_pod(&k).first() {
        return Err(Error::new(
            ErrorKind::Validation,
            format!("generated pod is invalid: {p}"),
        ));
    }
    Ok(k)
}

/// A k8s-openapi Pod as YAML (see `pod_value`).
pub(crate) fn write(pod: &k8s::Pod) -> Result<String> {
    crate::emit::yaml(&pod_value(pod)?)
}

/// The Pod as `emit` writes it: the same text as k8s-openapi's own serialiser, without the parts
/// of it that carry a timestamp.
///
/// k8s-openapi writes a `Time` through jiff's runtime `strftime`, which alone brought about 94 KB of
/// jiff into the browser build. `Time` sits in `ObjectMeta`, which is the Pod's `metadata` and which
/// an ephemeral volume's claim template carries, so `PodSpec`'s serialiser reaches it too, even for a
/// spec without volumes. A generated Pod has neither a timestamp nor an ephemeral volume, so the Pod,
/// its metadata, spec and volumes go out through small views of the fields the generator sets, in
/// k8s-openapi's (alphabetical) order; containers and volume sources through k8s-openapi itself. The test below
/// checks the text is byte for byte what k8s-openapi writes, for every scenario and variant.
pub(crate) fn pod_value(pod: &k8s::Pod) -> Result<serde_json::Value> {
    let mut out = serde_json::Map::new();
    out.insert("apiVersion".into(), "v1".into());
    out.insert("kind".into(), "Pod".into());
    out.insert("metadata".into(), meta_value(&pod.metadata)?);
    if let Some(spec) = &pod.spec {
        out.insert("spec".into(), spec_value(spec)?);
    }
    Ok(serde_json::Value::Object(out))
}

/// Object metadata as k8s-openapi writes it (see `pod_value`). A field outside `MetaDoc` is an
/// error here, never silently dropped.
pub(crate) fn meta_value(m: &ObjectMeta) -> Result<serde_json::Value> {
    let rest = ObjectMeta {
        annotations: None,
        generate_name: None,
        labels: None,
        name: None,
        namespace: None,
        ..m.clone()
    };
    if rest != ObjectMeta::default() {
        return Err(Error::new(
            ErrorKind::Validation,
            "cannot write metadata: it sets a field the writer does not carry (emit::pod::MetaDoc)",
        ));
    }
    json(&MetaDoc {
        annotations: m.annotations.as_ref(),
        generate_name: m.generate_name.as_deref(),
        labels: m.labels.as_ref(),
        name: m.name.as_deref(),
        namespace: m.namespace.as_deref(),
    })
}

/// A Pod spec as k8s-openapi writes it (see `pod_value`). A field outside `SpecDoc` is an error
/// here, never silently dropped.
pub(crate) fn spec_value(spec: &k8s::PodSpec) -> Result<serde_json::Value> {
    let rest = k8s::PodSpec {
        automount_service_account_token: None,
        containers: Vec::new(),
        dns_config: None,
        dns_policy: None,
        host_aliases: None,
        host_ipc: None,
        host_network: None,
        host_pid: None,
        hostname: None,
        share_process_namespace: None,
        termination_grace_period_seconds: None,
        host_users: None,
        security_context: None,
        init_containers: None,
        node_selector: None,
        restart_policy: None,
        runtime_class_name: None,
        volumes: None,
        ..spec.clone()
    };
    if rest != k8s::PodSpec::default() {
        return Err(Error::new(
            ErrorKind::Validation,
            "cannot write pod: the spec sets a field the writer does not carry (emit::pod::SpecDoc)",
        ));
    }
    let volumes = match &spec.volumes {
        Some(v) => Some(volumes_value(v)?),
        None => None,
    };
    json(&SpecDoc {
        automount_service_account_token: spec.automount_service_account_token,
        containers: &spec.containers,
        dns_config: spec.dns_config.as_ref(),
        dns_policy: spec.dns_policy.as_deref(),
        host_aliases: spec.host_aliases.as_ref(),
        host_ipc: spec.host_ipc,
        host_network: spec.host_network,
        host_pid: spec.host_pid,
        host_users: spec.host_users,
        hostname: spec.hostname.as_deref(),
        init_containers: spec.init_containers.as_ref(),
        node_selector: spec.node_selector.as_ref(),
        restart_policy: spec.restart_policy.as_deref(),
        runtime_class_name: spec.runtime_class_name.as_deref(),
        security_context: match &spec.security_context {
            Some(sc) => Some(pod_security_value(sc)?),
            None => None,
        },
        share_process_namespace: spec.share_process_namespace,
        termination_grace_period_seconds: spec.termination_grace_period_seconds,
        volumes,
    })
}

/// The pod's security context as k8s-openapi writes it: only `supplementalGroups` and `sysctls`,
/// which the generator and `convert` set (k8s-openapi's serialiser of the whole type costs wasm
/// size); anything else is an error.
fn pod_security_value(sc: &k8s::PodSecurityContext) -> Result<serde_json::Value> {
    let rest = k8s::PodSecurityContext {
        supplemental_groups: None,
        sysctls: None,
        ..sc.clone()
    };
    if rest != k8s::PodSecurityContext::default() {
        return Err(Error::new(
            ErrorKind::Validation,
            "cannot write pod: the security context sets a field the writer does not carry (emit::pod)",
        ));
    }
    let mut out = serde_json::Map::new();
    if let Some(groups) = &sc.supplemental_groups {
        out.insert("supplementalGroups".into(), serde_json::json!(groups));
    }
    if let Some(list) = &sc.sysctls {
        let items: Vec<serde_json::Value> = list
            .iter()
            .map(|s| serde_json::json!({ "name": s.name, "value": s.value }))
            .collect();
        out.insert("sysctls".into(), serde_json::Value::Array(items));
    }
    Ok(serde_json::Value::Object(out))
}

/// Pod volumes as k8s-openapi writes them (see `pod_value`).
pub(crate) fn volumes_value(volumes: &[k8s::Volume]) -> Result<serde_json::Value> {
    let docs: Vec<VolumeDoc<'_>> = volumes
        .iter()
        .map(|v| VolumeDoc {
            empty_dir: v.empty_dir.as_ref(),
            host_path: v.host_path.as_ref(),
            name: &v.name,
            persistent_volume_claim: v.persistent_volume_claim.as_ref(),
            secret: v.secret.as_ref(),
        })
        .collect();
    json(&docs)
}

#[derive(serde::Serialize)]
struct MetaDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<&'a BTreeMap<String, String>>,
    #[serde(rename = "generateName", skip_serializing_if = "Option::is_none")]
    generate_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
}

/// The PodSpec fields `to_k8s` sets.
#[derive(serde::Serialize)]
struct SpecDoc<'a> {
    #[serde(
        rename = "automountServiceAccountToken",
        skip_serializing_if = "Option::is_none"
    )]
    automount_service_account_token: Option<bool>,
    containers: &'a [k8s::Container],
    #[serde(rename = "dnsConfig", skip_serializing_if = "Option::is_none")]
    dns_config: Option<&'a k8s::PodDNSConfig>,
    #[serde(rename = "dnsPolicy", skip_serializing_if = "Option::is_none")]
    dns_policy: Option<&'a str>,
    #[serde(rename = "hostAliases", skip_serializing_if = "Option::is_none")]
    host_aliases: Option<&'a Vec<k8s::HostAlias>>,
    #[serde(rename = "hostIPC", skip_serializing_if = "Option::is_none")]
    host_ipc: Option<bool>,
    #[serde(rename = "hostNetwork", skip_serializing_if = "Option::is_none")]
    host_network: Option<bool>,
    #[serde(rename = "hostPID", skip_serializing_if = "Option::is_none")]
    host_pid: Option<bool>,
    #[serde(rename = "hostUsers", skip_serializing_if = "Option::is_none")]
    host_users: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hostname: Option<&'a str>,
    #[serde(rename = "initContainers", skip_serializing_if = "Option::is_none")]
    init_containers: Option<&'a Vec<k8s::Container>>,
    #[serde(rename = "nodeSelector", skip_serializing_if = "Option::is_none")]
    node_selector: Option<&'a BTreeMap<String, String>>,
    #[serde(rename = "restartPolicy", skip_serializing_if = "Option::is_none")]
    restart_policy: Option<&'a str>,
    #[serde(rename = "runtimeClassName", skip_serializing_if = "Option::is_none")]
    runtime_class_name: Option<&'a str>,
    #[serde(rename = "securityContext", skip_serializing_if = "Option::is_none")]
    security_context: Option<serde_json::Value>,
    #[serde(
        rename = "shareProcessNamespace",
        skip_serializing_if = "Option::is_none"
    )]
    share_process_namespace: Option<bool>,
    #[serde(
        rename = "terminationGracePeriodSeconds",
        skip_serializing_if = "Option::is_none"
    )]
    termination_grace_period_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volumes: Option<serde_json::Value>,
}

/// The volume sources `volume` produces.
#[derive(serde::Serialize)]
struct VolumeDoc<'a> {
    #[serde(rename = "emptyDir", skip_serializing_if = "Option::is_none")]
    empty_dir: Option<&'a k8s::EmptyDirVolumeSource>,
    #[serde(rename = "hostPath", skip_serializing_if = "Option::is_none")]
    host_path: Option<&'a k8s::HostPathVolumeSource>,
    name: &'a str,
    #[serde(
        rename = "persistentVolumeClaim",
        skip_serializing_if = "Option::is_none"
    )]
    persistent_volume_claim: Option<&'a k8s::PersistentVolumeClaimVolumeSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a k8s::SecretVolumeSource>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Params, build_scenario, scenarios};

    /// Every scenario, and every accepted value of every choice parameter: `emit` writes exactly what
    /// k8s-openapi's own `Pod` serialiser writes (so `pod_value` drops nothing the generator sets).
    #[test]
    fn pod_doc_writes_what_k8s_openapi_writes() {
        let mut compared = 0;
        for info in scenarios() {
            let mut variants = vec![Params::new()];
            for spec in &info.params {
                for value in &spec.accepted {
                    let mut p = Params::new();
                    p.set(spec.name, value)
                        .expect("an accepted value is accepted");
                    variants.push(p);
                }
            }
            let mut labelled = Params::new();
            labelled.set("name", "labelled").expect("a valid name");
            variants.push(labelled);
            for params in variants {
                let Ok(s) = build_scenario(info.id, &params) else {
                    continue;
                };
                let k = to_k8s(&s.pod);
                let ours =
                    crate::emit::yaml(&pod_value(&k).expect("pod value")).expect("pod writes");
                let theirs = crate::emit::yaml(&k).expect("k8s-openapi writes");
                assert_eq!(ours, theirs, "{} with {:?}", info.id, s.params);
                if let Some(volumes) = k.spec.as_ref().and_then(|s| s.volumes.as_ref()) {
                    assert_eq!(
                        volumes_value(volumes).expect("volumes value"),
                        serde_json::to_value(volumes).expect("k8s-openapi writes volumes"),
                    );
                }
                compared += 1;
            }
        }
        assert!(compared > 30, "only {compared} pods compared");
        // And the view really is what `emit` writes, with metadata the generator sets.
        let s = build_scenario("dind", &Params::new()).expect("dind builds");
        let text = emit(&s.pod).expect("dind emits");
        assert!(text.contains("metadata:\n  labels:"), "{text}");
        assert!(text.contains("\n  namespace: "), "{text}");
    }
}
