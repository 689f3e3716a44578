//! Pod checks modelled on the Kubernetes API server's (`ValidatePodCreate`), for the fields dockscape
//! writes.

use super::{
    Problem, is_dns1123_label, is_dns1123_subdomain, is_env_name, is_port_name, problem,
    quantity_millis,
};
use k8s_openapi::api::core::v1::{Container, Pod, Probe, Volume};
use std::collections::HashSet;

const HOST_PATH_TYPES: [&str; 8] = [
    "",
    "DirectoryOrCreate",
    "Directory",
    "FileOrCreate",
    "File",
    "Socket",
    "CharDevice",
    "BlockDevice",
];

/// Every problem in `pod`; empty when it would be accepted.
pub fn validate_pod(pod: &Pod) -> Vec<Problem> {
    let mut out = Vec::new();
    match pod.metadata.name.as_deref() {
        Some(n) if is_dns1123_subdomain(n) => {}
        Some(n) => out.push(problem(
            "metadata.name",
            format!("`{n}` is not a DNS-1123 subdomain (lowercase alphanumerics, `-` and `.`, at most 253)"),
        )),
        None => out.push(problem("metadata.name", "required")),
    }
    if let Some(ns) = pod.metadata.namespace.as_deref()
        && !is_dns1123_label(ns)
    {
        out.push(problem(
            "metadata.namespace",
            format!("`{ns}` is not a DNS-1123 label"),
        ));
    }
    let Some(spec) = &pod.spec else {
        out.push(problem("spec", "required"));
        return out;
    };
    if spec.containers.is_empty() {
        out.push(problem(
            "spec.containers",
            "at least one container is required",
        ));
    }
    match spec.restart_policy.as_deref() {
        None | Some("Always" | "OnFailure" | "Never") => {}
        Some(p) => out.push(problem(
            "spec.restartPolicy",
            format!("unsupported value `{p}`: expected `Always`, `OnFailure` or `Never`"),
        )),
    }

    let volumes = spec.volumes.as_deref().unwrap_or_default();
    let mut volume_names = HashSet::new();
    for (i, v) in volumes.iter().enumerate() {
        let path = format!("spec.volumes[{i}]");
        if !is_dns1123_label(&v.name) {
            out.push(problem(
                format!("{path}.name"),
                format!("`{}` is not a DNS-1123 label", v.name),
            ));
        }
        if !volume_names.insert(v.name.as_str()) {
            out.push(problem(
                format!("{path}.name"),
                format!("duplicate volume name `{}`", v.name),
            ));
        }
        check_volume(v, &path, &mut out);
    }

    let mut names = HashSet::new();
    let groups = [
        (
            "spec.initContainers",
            spec.init_containers.as_deref().unwrap_or_default(),
            true,
        ),
        ("spec.containers", spec.containers.as_slice(), false),
    ];
    for (field, containers, init) in groups {
        for (i, c) in containers.iter().enumerate() {
            let path = format!("{field}[{i}]");
            if !names.insert(c.name.as_str()) {
                out.push(problem(
                    format!("{path}.name"),
                    format!("duplicate container name `{}`", c.name),
                ));
            }
            check_container(c, &path, init, &volume_names, &mut out);
        }
    }
    for (i, c) in spec
        .ephemeral_containers
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if !names.insert(c.name.as_str()) {
            out.push(problem(
                format!("spec.ephemeralContainers[{i}].name"),
                format!("duplicate container name `{}`", c.name),
            ));
        }
    }
    out
}

fn check_volume(v: &Volume, path: &str, out: &mut Vec<Problem>) {
    let sources = [
        v.host_path.is_some(),
        v.empty_dir.is_some(),
        v.persistent_volume_claim.is_some(),
        v.config_map.is_some(),
        v.secret.is_some(),
        v.projected.is_some(),
        v.csi.is_some(),
        v.ephemeral.is_some(),
        v.downward_api.is_some(),
        v.nfs.is_some(),
        v.image.is_some(),
    ];
    match sources.iter().filter(|s| **s).count() {
        0 => out.push(problem(path, "must specify a volume type")),
        1 => {}
        _ => out.push(problem(path, "may not specify more than one volume type")),
    }
    if let Some(hp) = &v.host_path {
        if hp.path.is_empty() {
            out.push(problem(format!("{path}.hostPath.path"), "required"));
        }
        if hp.path.split('/').any(|seg| seg == "..") {
            out.push(problem(
                format!("{path}.hostPath.path"),
                "must not contain `..`",
            ));
        }
        if let Some(t) = hp.type_.as_deref()
            && !HOST_PATH_TYPES.contains(&t)
        {
            out.push(problem(
                format!("{path}.hostPath.type"),
                format!(
                    "unsupported value `{t}`: expected one of {}",
                    HOST_PATH_TYPES[1..].join(", ")
                ),
            ));
        }
    }
    if let Some(pvc) = &v.persistent_volume_claim
        && !is_dns1123_subdomain(&pvc.claim_name)
    {
        out.push(problem(
            format!("{path}.persistentVolumeClaim.claimName"),
            format!("`{}` is not a DNS-1123 subdomain", pvc.claim_name),
        ));
    }
    if let Some(ed) = &v.empty_dir
        && let Some(m) = ed.medium.as_deref()
        && !["", "Memory"].contains(&m)
    {
        out.push(problem(
            format!("{path}.emptyDir.medium"),
            format!("unsupported value `{m}`"),
        ));
    }
}

fn check_container(
    c: &Container,
    path: &str,
    init: bool,
    volumes: &HashSet<&str>,
    out: &mut Vec<Problem>,
) {
    if !is_dns1123_label(&c.name) {
        out.push(problem(
            format!("{path}.name"),
            format!("`{}` is not a DNS-1123 label", c.name),
        ));
    }
    if c.image.as_deref().is_none_or(|i| i.trim().is_empty()) {
        out.push(problem(format!("{path}.image"), "required"));
    }
    match (c.restart_policy.as_deref(), init) {
        (None, _) | (Some("Always"), true) => {}
        (Some(p), true) => out.push(problem(
            format!("{path}.restartPolicy"),
            format!("unsupported value `{p}`: only `Always` is allowed (a native sidecar)"),
        )),
        (Some(_), false) => out.push(problem(
            format!("{path}.restartPolicy"),
            "may only be set on init containers",
        )),
    }
    if init && c.restart_policy.is_none() && c.startup_probe.is_some() {
        out.push(problem(
            format!("{path}.startupProbe"),
            "may not be set for init containers without restartPolicy=Always",
        ));
    }
    for (i, e) in c.env.as_deref().unwrap_or_default().iter().enumerate() {
        if !is_env_name(&e.name) {
            out.push(problem(
                format!("{path}.env[{i}].name"),
                format!(
                    "`{}` is not a valid environment variable name: letters, digits, `_`, `-` or `.`, not starting with a digit",
                    e.name
                ),
            ));
        }
    }
    let mut port_names = HashSet::new();
    for (i, p) in c.ports.as_deref().unwrap_or_default().iter().enumerate() {
        let pp = format!("{path}.ports[{i}]");
        if !(1..=65535).contains(&p.container_port) {
            out.push(problem(
                format!("{pp}.containerPort"),
                format!("{} is not between 1 and 65535", p.container_port),
            ));
        }
        if let Some(h) = p.host_port
            && !(0..=65535).contains(&h)
        {
            out.push(problem(
                format!("{pp}.hostPort"),
                format!("{h} is not between 0 and 65535"),
            ));
        }
        if let Some(proto) = p.protocol.as_deref()
            && !["TCP", "UDP", "SCTP"].contains(&proto)
        {
            out.push(problem(
                format!("{pp}.protocol"),
                format!("unsupported value `{proto}`"),
            ));
        }
        if let Some(n) = p.name.as_deref() {
            if !is_port_name(n) {
                out.push(problem(
                    format!("{pp}.name"),
                    format!(
                        "`{n}` is not an IANA service name (at most 15 lowercase alphanumerics or `-`, with a letter)"
                    ),
                ));
            }
            if !port_names.insert(n) {
                out.push(problem(
                    format!("{pp}.name"),
                    format!("duplicate port name `{n}`"),
                ));
            }
        }
    }
    let mut mount_paths = HashSet::new();
    for (i, m) in c
        .volume_mounts
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let mp = format!("{path}.volumeMounts[{i}]");
        if !volumes.contains(m.name.as_str()) {
            out.push(problem(
                format!("{mp}.name"),
                format!("volume `{}` is not declared in spec.volumes", m.name),
            ));
        }
        if !m.mount_path.starts_with('/') {
            out.push(problem(
                format!("{mp}.mountPath"),
                format!("`{}` is not an absolute path", m.mount_path),
            ));
        }
        if !mount_paths.insert(m.mount_path.as_str()) {
            out.push(problem(
                format!("{mp}.mountPath"),
                format!("duplicate mount path `{}`", m.mount_path),
            ));
        }
        if let Some(sp) = m.sub_path.as_deref()
            && (sp.starts_with('/') || sp.split('/').any(|s| s == ".."))
        {
            out.push(problem(
                format!("{mp}.subPath"),
                format!("`{sp}` must be a relative path without `..`"),
            ));
        }
    }
    if let Some(r) = &c.resources {
        let mut check = |kind: &str,
                         map: &Option<
            std::collections::BTreeMap<
                String,
                k8s_openapi::apimachinery::pkg::api::resource::Quantity,
            >,
        >| {
            for (k, q) in map.iter().flatten() {
                match quantity_millis(&q.0) {
                    None => out.push(problem(
                        format!("{path}.resources.{kind}.{k}"),
                        format!("`{}` is not a quantity", q.0),
                    )),
                    // The API server: "must be greater than or equal to 0".
                    Some(v) if v < 0.0 => out.push(problem(
                        format!("{path}.resources.{kind}.{k}"),
                        format!("`{}` must be greater than or equal to 0", q.0),
                    )),
                    Some(_) => {}
                }
            }
        };
        check("requests", &r.requests);
        check("limits", &r.limits);
        for (k, req) in r.requests.iter().flatten() {
            let lim = r.limits.as_ref().and_then(|l| l.get(k));
            if let (Some(a), Some(b)) = (
                quantity_millis(&req.0),
                lim.and_then(|l| quantity_millis(&l.0)),
            ) && a > b
            {
                out.push(problem(
                    format!("{path}.resources.requests.{k}"),
                    format!("must be less than or equal to the {k} limit"),
                ));
            }
        }
    }
    for (name, probe) in [
        ("startupProbe", &c.startup_probe),
        ("readinessProbe", &c.readiness_probe),
        ("livenessProbe", &c.liveness_probe),
    ] {
        if let Some(p) = probe {
            check_probe(p, &format!("{path}.{name}"), out);
        }
    }
}

fn check_probe(p: &Probe, path: &str, out: &mut Vec<Problem>) {
    let handlers = [
        p.exec.is_some(),
        p.http_get.is_some(),
        p.tcp_socket.is_some(),
        p.grpc.is_some(),
    ];
    if handlers.iter().filter(|h| **h).count() != 1 {
        out.push(problem(path, "must specify exactly one handler"));
    }
    if let Some(e) = &p.exec
        && e.command.as_deref().is_none_or(<[String]>::is_empty)
    {
        out.push(problem(format!("{path}.exec.command"), "required"));
    }
}
