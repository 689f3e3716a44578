//! The workload as a Kubernetes Pod, built from k8s-openapi types so field names and types are right by
//! construction.

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
    for c in &pod.containers {
        let kc = container(c);
        match c.role {
            ContainerRole::Regular => containers.push(kc),
            ContainerRole::Init | ContainerRole::NativeSidecar => init.push(kc),
        }
    }
    let labels: BTreeMap<String, String> = pod.labels.iter().cloned().collect();
    k8s::Pod {
        metadata: ObjectMeta {
            name: Some(pod.name.clone()),
            namespace: Some(pod.namespace.clone()),
            labels: (!labels.is_empty()).then_some(labels),
            ..Default::default()
        },
        spec: Some(k8s::PodSpec {
            containers,
            init_containers: (!init.is_empty()).then_some(init),
            volumes: (!pod.volumes.is_empty()).then(|| pod.volumes.iter().map(volume).collect()),
            restart_policy: Some(pod.restart_policy.clone()),
            runtime_class_name: pod.runtime_class.clone(),
            host_users: pod.host_users,
            node_selector: (!pod.node_selector.is_empty())
                .then(|| pod.node_selector.iter().cloned().collect()),
            ..Default::default()
        }),
        status: None,
    }
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
            seccomp_profile: s.unconfined.then(|| k8s::SeccompProfile {
                type_: unconfined("Unconfined"),
                localhost_profile: None,
            }),
            app_armor_profile: s.unconfined.then(|| k8s::AppArmorProfile {
                type_: unconfined("Unconfined"),
                localhost_profile: None,
            }),
            capabilities: (!s.drop_capabilities.is_empty()).then(|| k8s::Capabilities {
                drop: Some(s.drop_capabilities.clone()),
                add: None,
            }),
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
        ports: (!c.ports.is_empty()).then(|| {
            c.ports
                .iter()
                .map(|p| k8s::ContainerPort {
                    container_port: i32::from(p.container),
                    protocol: Some(match p.protocol {
                        Protocol::Tcp => "TCP".into(),
                        Protocol::Udp => "UDP".into(),
                    }),
                    name: p.name.clone(),
                    ..Default::default()
                })
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
        VolumeSource::EmptyDir { memory } => {
            kv.empty_dir = Some(k8s::EmptyDirVolumeSource {
                medium: memory.then(|| "Memory".to_owned()),
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
    }
    kv
}

/// The Pod as YAML, validated first.
pub(crate) fn emit(pod: &model::Pod) -> Result<String> {
    let k = to_k8s(pod);
    let problems = crate::validate::validate_pod(&k);
    if let Some(p) = problems.first() {
        return Err(Error::new(
            ErrorKind::Validation,
            format!("generated pod is invalid: {p}"),
        ));
    }
    crate::emit::yaml(&k)
}
