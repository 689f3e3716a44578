//! Kubernetes objects → model pods: a Pod, or the pod template of a Deployment, StatefulSet,
//! DaemonSet, ReplicaSet, Job or CronJob (and the items of a `List`), with every field that is
//! not carried over reported at its line and column.
//!
//! The YAML is read by `read/source.rs` as the API server's decoder reads it (YAML 1.1 scalars,
//! last-wins duplicates, merge keys).

use super::run::{Read, capability, dns_label};
use super::{ConvertNote, Dropped};
use crate::model::{
    BoundPort, Container, ContainerRole, EnvVar, HostPathType, Mount, Pod, Port, Probe, Protocol,
    Tmpfs, Volume, VolumeSource,
};
use crate::read::source::{Doc, Loader, NodeId, Scalar};
use crate::{Error, ErrorKind};

struct Ctx<'d, 'a, 'o> {
    doc: &'d Doc<'a>,
    out: &'o mut Read,
    services: &'o mut Vec<Service>,
    /// Fields of the current object at the value the API server fills in (`kubectl get -o`).
    defaults: Vec<String>,
}

/// A field the API server fills in when it is not written, at that default value: not a
/// setting of the workload (`kubectl get -o json|yaml` prints them all).
fn server_default(key: &str, value: Option<&str>) -> bool {
    matches!(
        (key, value),
        ("enableServiceLinks", Some("true"))
            | ("schedulerName", Some("default-scheduler"))
            | ("preemptionPolicy", Some("PreemptLowerPriority"))
            | ("priority", Some("0"))
            | ("serviceAccount" | "serviceAccountName", Some("default"))
            | ("terminationMessagePath", Some("/dev/termination-log"))
            | ("terminationMessagePolicy", Some("File"))
    )
}

/// A Service's selector and its (port, targetPort) pairs: published ports of the pods it selects.
struct Service {
    selector: Vec<(String, String)>,
    ports: Vec<(u16, u16)>,
}

const NO_COUNTERPART: &str = "no counterpart in Compose or dockscape's model yet";

impl Ctx<'_, '_, '_> {
    fn drop(&mut self, id: NodeId, reason: &str) {
        let (line, column) = self.doc.pos(id);
        self.out.dropped.push(Dropped {
            line,
            column,
            key_or_flag: self.doc.field_path(id),
            reason: reason.to_owned(),
        });
    }

    /// Report the key `k` (its path written with the key).
    fn drop_key(&mut self, k: NodeId, reason: &str) {
        let base = self.doc.field_path(k);
        let key = self.doc.str(k).unwrap_or("?");
        let path = if base.is_empty() {
            key.to_owned()
        } else {
            format!("{base}.{key}")
        };
        let (line, column) = self.doc.pos(k);
        self.out.dropped.push(Dropped {
            line,
            column,
            key_or_flag: path,
            reason: reason.to_owned(),
        });
    }

    fn note(&mut self, id: NodeId, message: String) {
        self.out.note_at(self.doc.pos(id), message);
    }

    fn error(&mut self, id: NodeId, message: String) {
        self.out.error_at(self.doc.pos(id), message);
    }

    fn text(&self, id: NodeId) -> Option<String> {
        self.doc.str(id).map(str::to_owned)
    }

    fn on(&self, id: NodeId) -> bool {
        matches!(self.doc.scalar(id), Some(Scalar::Bool(true)))
    }

    fn int(&self, id: NodeId) -> Option<i64> {
        match self.doc.scalar(id) {
            Some(Scalar::Int(i)) => Some(i),
            Some(Scalar::Str(s)) => s.parse().ok(),
            _ => None,
        }
    }

    fn strings(&self, id: NodeId) -> Vec<String> {
        self.doc.items(id).filter_map(|i| self.text(i)).collect()
    }
}

/// Read every Kubernetes document of `text`.
pub(super) fn read(text: &str) -> Read {
    let mut out = Read::default();
    let mut parse_errors = Vec::new();
    let mut services = Vec::new();
    let mut loader = Loader::default();
    loader.run(
        text,
        |doc, _| {
            let Some(root) = doc.root() else { return };
            let mut ctx = Ctx {
                doc,
                out: &mut out,
                services: &mut services,
                defaults: Vec::new(),
            };
            object(&mut ctx, root, 0);
            for (l, c, m) in doc.take_problems() {
                out.errors
                    .push(Error::new(ErrorKind::InvalidInput, m).at(l as usize, c as usize));
            }
        },
        |e| parse_errors.push(Error::new(ErrorKind::Parse, e.message).at(e.line, e.column)),
    );
    out.errors.extend(parse_errors);
    // a Service publishes the container ports of the pods it selects (Compose `ports`)
    for svc in &services {
        for pod in &mut out.pods {
            if svc.selector.is_empty() || !svc.selector.iter().all(|l| pod.labels.contains(l)) {
                continue;
            }
            for c in &mut pod.containers {
                for p in &mut c.ports {
                    if let Some((port, _)) = svc.ports.iter().find(|(_, t)| *t == p.container)
                        && p.published.is_none()
                    {
                        p.published = Some(*port);
                    }
                }
            }
        }
    }
    out
}

fn service(ctx: &mut Ctx<'_, '_, '_>, id: NodeId) {
    let doc = ctx.doc;
    let selector: Vec<(String, String)> = doc
        .path(id, &["spec", "selector"])
        .map(|m| {
            doc.pairs(m)
                .into_iter()
                .filter_map(|(k, v)| Some((ctx.text(k)?, ctx.text(v)?)))
                .collect()
        })
        .unwrap_or_default();
    let mut ports = Vec::new();
    if let Some(list) = doc.path(id, &["spec", "ports"]) {
        for item in doc.items(list) {
            let port = doc.get(item, "port").and_then(|x| ctx.int(x));
            // a named targetPort is not followed; no targetPort is the port itself
            let target = match doc.get(item, "targetPort") {
                Some(t) => ctx.int(t),
                None => port,
            };
            if let (Some(p), Some(t)) = (
                port.and_then(|p| u16::try_from(p).ok()),
                target.and_then(|t| u16::try_from(t).ok()),
            ) {
                ports.push((p, t));
            }
        }
    }
    ctx.note(
        id,
        "a Service: its ports are published on the ports of the pods it selects (Compose `ports`); its type and cluster settings are not carried".into(),
    );
    ctx.services.push(Service { selector, ports });
}

fn object(ctx: &mut Ctx<'_, '_, '_>, id: NodeId, depth: u32) {
    let doc = ctx.doc;
    if !doc.is_map(id) {
        if !matches!(doc.scalar(id), Some(Scalar::Null)) {
            ctx.error(id, "a Kubernetes object must be a mapping".into());
        }
        return;
    }
    let kind = doc
        .get(id, "kind")
        .and_then(|k| ctx.text(k))
        .unwrap_or_default();
    let template = |keys: &[&str]| doc.path(id, keys);
    let (spec, meta_of_pod) = match kind.as_str() {
        "List" if depth < 8 => {
            let items: Vec<NodeId> = doc
                .get(id, "items")
                .map(|l| doc.items(l).collect())
                .unwrap_or_default();
            for item in items {
                object(ctx, item, depth + 1);
            }
            return;
        }
        "Pod" => (doc.get(id, "spec"), Some(id)),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => (
            template(&["spec", "template", "spec"]),
            template(&["spec", "template"]),
        ),
        "CronJob" => (
            template(&["spec", "jobTemplate", "spec", "template", "spec"]),
            template(&["spec", "jobTemplate", "spec", "template"]),
        ),
        "" => {
            ctx.error(id, "an object without `kind`".into());
            return;
        }
        "Service" => {
            service(ctx, id);
            return;
        }
        other => {
            let (line, column) = doc.pos(id);
            ctx.out.dropped.push(Dropped {
                line,
                column,
                key_or_flag: format!("kind: {other}"),
                reason: "carries no pod: not converted".into(),
            });
            return;
        }
    };
    if kind != "Pod"
        && let Some(cspec) = doc.get(id, "spec")
    {
        for (k, _) in doc.pairs(cspec) {
            if !matches!(doc.str(k), Some("template" | "jobTemplate" | "selector")) {
                ctx.drop_key(
                    k,
                    &format!(
                        "a {kind} setting: Compose and `docker run` run one container per service"
                    ),
                );
            }
        }
    }
    let Some(spec) = spec.filter(|s| doc.is_map(*s)) else {
        ctx.error(id, format!("this {kind} has no pod spec"));
        return;
    };
    let name = doc
        .path(id, &["metadata", "name"])
        .and_then(|n| ctx.text(n))
        .unwrap_or_else(|| kind.to_ascii_lowercase());
    let namespace = doc
        .path(id, &["metadata", "namespace"])
        .and_then(|n| ctx.text(n))
        .unwrap_or_else(|| "default".into());
    let mut pod = Pod {
        name: dns_label(&name),
        namespace,
        restart_policy: "Always".into(),
        ..Pod::default()
    };
    if let Some(meta) = meta_of_pod.and_then(|m| doc.get(m, "metadata")) {
        for (key, list) in [("labels", 0), ("annotations", 1)] {
            let Some(m) = doc.get(meta, key) else {
                continue;
            };
            for (k, v) in doc.pairs(m) {
                if list == 1
                    && ctx.text(k).as_deref()
                        == Some("kubectl.kubernetes.io/last-applied-configuration")
                {
                    // kubectl's copy of the last applied object: not a setting of the workload
                    ctx.drop(v, "kubectl's record of the last `kubectl apply`, not a setting of the workload");
                    continue;
                }
                if let (Some(k), Some(v)) = (ctx.text(k), ctx.text(v)) {
                    if list == 0 {
                        pod.labels.push((k, v));
                    } else {
                        pod.container_labels.push((k, v));
                    }
                }
            }
        }
    }
    pod_spec(ctx, spec, &mut pod);
    let mut defaults = std::mem::take(&mut ctx.defaults);
    defaults.sort();
    defaults.dedup();
    if !defaults.is_empty() {
        ctx.note(
            spec,
            format!(
                "left out, at the values the API server fills in: {}",
                defaults
                    .iter()
                    .map(|d| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if pod
        .containers
        .iter()
        .all(|c| c.role != ContainerRole::Regular)
    {
        ctx.error(spec, format!("{kind} `{name}` has no containers"));
        return;
    }
    // Compose service names must be unique across the converted pods
    for c in &mut pod.containers {
        if ctx.out.names.contains(&c.name) {
            c.name = dns_label(&format!("{}-{}", pod.name, c.name));
        }
        ctx.out.names.insert(c.name.clone());
    }
    if pod.containers.len() > 1 {
        ctx.note(
            id,
            format!("the containers of `{name}` share localhost in Kubernetes: in Compose they join the first one's network namespace (`network_mode: service:x`, its ports published there); in `docker run` every one but the init containers joins the first one's (`--network container:NAME`, its ports published there), and an init container runs before it on the default network"),
        );
    }
    let restart = match pod.restart_policy.as_str() {
        "Always" => Some("always".to_owned()),
        "OnFailure" => Some("on-failure".to_owned()),
        _ => None,
    };
    ctx.out.pods.push(pod);
    ctx.out.restarts.push(restart);
}

fn pod_spec(ctx: &mut Ctx<'_, '_, '_>, spec: NodeId, pod: &mut Pod) {
    let doc = ctx.doc;
    let mut pod_user: (Option<i64>, Option<i64>) = (None, None);
    let mut containers: Vec<NodeId> = Vec::new();
    let mut inits: Vec<NodeId> = Vec::new();
    let mut volumes: Vec<NodeId> = Vec::new();
    for (k, v) in doc.pairs(spec) {
        let Some(key) = doc.str(k) else { continue };
        match key {
            "containers" => containers = doc.items(v).collect(),
            "initContainers" => inits = doc.items(v).collect(),
            "volumes" => volumes = doc.items(v).collect(),
            "restartPolicy" => {
                if let Some(t) = ctx.text(v) {
                    pod.restart_policy = t;
                }
            }
            "hostNetwork" => pod.host_network = ctx.on(v),
            "hostPID" => pod.host_pid = ctx.on(v),
            "hostIPC" => pod.host_ipc = ctx.on(v),
            "shareProcessNamespace" => pod.share_process_namespace = ctx.on(v),
            "hostname" => pod.hostname = ctx.text(v),
            "dnsPolicy" => match ctx.text(v).as_deref() {
                Some("None" | "ClusterFirst" | "Default") => {}
                _ => ctx.drop_key(
                    k,
                    "a DNS policy of the cluster (`ClusterFirstWithHostNet`): Docker uses the host's resolver or the `dns` given",
                ),
            },
            "dnsConfig" => {
                for (dk, dv) in doc.pairs(v) {
                    match doc.str(dk) {
                        Some("nameservers") => pod.dns.nameservers = ctx.strings(dv),
                        Some("searches") => pod.dns.searches = ctx.strings(dv),
                        Some("options") => {
                            for item in doc.items(dv).collect::<Vec<_>>() {
                                match doc.get(item, "name").and_then(|n| ctx.text(n)) {
                                    Some(n) => pod.dns.options.push((
                                        n,
                                        doc.get(item, "value").and_then(|x| ctx.text(x)),
                                    )),
                                    None => ctx.drop(item, "a DNS option without a name"),
                                }
                            }
                        }
                        _ => ctx.drop_key(dk, NO_COUNTERPART),
                    }
                }
                if doc
                    .get(spec, "dnsPolicy")
                    .and_then(|p| ctx.text(p))
                    .as_deref()
                    != Some("None")
                    && !pod.dns.searches.is_empty()
                {
                    ctx.note(
                        k,
                        "dnsConfig: the cluster's search domains and name server, which the kubelet merges in, are not known here: only those written are carried".into(),
                    );
                }
            }
            "hostUsers" => {
                pod.host_users = match doc.scalar(v) {
                    Some(Scalar::Bool(b)) => Some(b),
                    _ => None,
                };
            }
            "runtimeClassName" => pod.runtime_class = ctx.text(v),
            "automountServiceAccountToken" => {
                pod.automount_service_account_token = match doc.scalar(v) {
                    Some(Scalar::Bool(b)) => Some(b),
                    _ => None,
                };
            }
            "terminationGracePeriodSeconds" => pod.termination_grace_period_seconds = ctx.int(v),
            "nodeSelector" => {
                for (nk, nv) in doc.pairs(v) {
                    if let (Some(a), Some(b)) = (ctx.text(nk), ctx.text(nv)) {
                        pod.node_selector.push((a, b));
                    }
                }
            }
            "hostAliases" => {
                for item in doc.items(v).collect::<Vec<_>>() {
                    let ip = doc.get(item, "ip").and_then(|i| ctx.text(i));
                    let names = doc
                        .get(item, "hostnames")
                        .map(|h| ctx.strings(h))
                        .unwrap_or_default();
                    match ip {
                        Some(ip) if !names.is_empty() => pod.host_aliases.push((ip, names)),
                        _ => ctx.drop(item, "a host alias without an ip or hostnames"),
                    }
                }
            }
            "securityContext" => {
                for (sk, sv) in doc.pairs(v) {
                    match doc.str(sk) {
                        Some("sysctls") => {
                            for item in doc.items(sv).collect::<Vec<_>>() {
                                let n = doc.get(item, "name").and_then(|x| ctx.text(x));
                                let val = doc.get(item, "value").and_then(|x| ctx.text(x));
                                if let (Some(n), Some(val)) = (n, val) {
                                    pod.sysctls.push((n, val));
                                }
                            }
                        }
                        Some("supplementalGroups") => {
                            for item in doc.items(sv).collect::<Vec<_>>() {
                                match ctx.int(item) {
                                    Some(g) if (0..=i64::from(u32::MAX)).contains(&g) => {
                                        if !pod.supplemental_groups.contains(&g) {
                                            pod.supplemental_groups.push(g);
                                        }
                                    }
                                    _ => ctx.drop(item, "not a group id (0 to 4294967295)"),
                                }
                            }
                        }
                        Some("runAsUser") => pod_user.0 = ctx.int(sv),
                        Some("runAsGroup") => pod_user.1 = ctx.int(sv),
                        _ => ctx.drop(
                            sk,
                            "a pod security setting without a counterpart per container here",
                        ),
                    }
                }
            }
            _ if server_default(key, ctx.text(v).as_deref()) => ctx.defaults.push(key.to_owned()),
            _ => ctx.drop_key(k, NO_COUNTERPART),
        }
    }
    for v in volumes {
        if let Some(vol) = volume(ctx, v) {
            pod.volumes.push(vol);
        }
    }
    for (list, init) in [(inits, true), (containers, false)] {
        for item in list {
            if !doc.is_map(item) {
                ctx.error(item, "a container must be a mapping".into());
                continue;
            }
            let mut c = container(ctx, item, pod);
            if init {
                c.role = if doc
                    .get(item, "restartPolicy")
                    .and_then(|r| ctx.text(r))
                    .as_deref()
                    == Some("Always")
                {
                    ContainerRole::NativeSidecar
                } else {
                    ContainerRole::Init
                };
            }
            if c.security.run_as_user.is_none() {
                c.security.run_as_user = pod_user.0;
            }
            if c.security.run_as_group.is_none() && c.security.run_as_user.is_some() {
                c.security.run_as_group = pod_user.1;
            }
            pod.containers.push(c);
        }
    }
    memory_mounts(pod);
    // volumes no container mounts are not written by the emitters
    let unused: Vec<String> = pod
        .volumes
        .iter()
        .filter(|v| {
            !pod.containers
                .iter()
                .any(|c| c.mounts.iter().any(|m| m.volume == v.name))
        })
        .map(|v| v.name.clone())
        .collect();
    for u in unused {
        ctx.out.notes.push(ConvertNote {
            line: 0,
            column: 0,
            message: format!("volume `{u}` is not mounted by any container: not written"),
        });
    }
}

/// An `emptyDir` with `medium: Memory` that one container alone mounts is that container's tmpfs
/// (Compose `tmpfs`, `--tmpfs`), on `/dev/shm` with a `sizeLimit` its `shm_size`; one that
/// several containers share stays a volume (a tmpfs-backed named volume in Compose).
fn memory_mounts(pod: &mut Pod) {
    let memory: Vec<(String, Option<String>)> = pod
        .volumes
        .iter()
        .filter_map(|v| match &v.source {
            VolumeSource::EmptyDir {
                memory: true,
                size_limit,
            } => Some((v.name.clone(), size_limit.clone())),
            _ => None,
        })
        .collect();
    for (name, size) in memory {
        let users: Vec<(usize, usize)> = pod
            .containers
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| {
                c.mounts
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| m.volume == name)
                    .map(move |(mi, _)| (ci, mi))
            })
            .collect();
        let [(ci, mi)] = users.as_slice() else {
            continue;
        };
        let Some(c) = pod.containers.get_mut(*ci) else {
            continue;
        };
        let Some(m) = c.mounts.get(*mi) else { continue };
        if m.sub_path.is_some() || m.read_only {
            continue;
        }
        let path = m.path.clone();
        c.mounts.remove(*mi);
        if path == "/dev/shm" && size.is_some() {
            c.shm_size = size;
        } else {
            c.tmpfs.push(Tmpfs {
                path,
                size,
                mode: None,
                as_mount: false,
            });
        }
        pod.volumes.retain(|v| v.name != name);
    }
}

fn volume(ctx: &mut Ctx<'_, '_, '_>, item: NodeId) -> Option<Volume> {
    let doc = ctx.doc;
    let name = doc.get(item, "name").and_then(|n| ctx.text(n))?;
    let mut source = None;
    for (k, v) in doc.pairs(item) {
        let Some(key) = doc.str(k) else { continue };
        match key {
            "name" => {}
            "hostPath" => {
                let path = doc.get(v, "path").and_then(|p| ctx.text(p));
                let kind = match doc.get(v, "type").and_then(|t| ctx.text(t)).as_deref() {
                    Some("Socket") => Some(HostPathType::Socket),
                    Some("Directory") => Some(HostPathType::Directory),
                    Some("DirectoryOrCreate") => Some(HostPathType::DirectoryOrCreate),
                    Some("File") => Some(HostPathType::File),
                    Some("FileOrCreate") => Some(HostPathType::FileOrCreate),
                    Some("CharDevice") => Some(HostPathType::CharDevice),
                    Some("BlockDevice") => Some(HostPathType::BlockDevice),
                    _ => None,
                };
                source = path.map(|path| VolumeSource::HostPath { path, kind });
            }
            "emptyDir" => {
                let memory =
                    doc.get(v, "medium").and_then(|m| ctx.text(m)).as_deref() == Some("Memory");
                let size_limit = doc.get(v, "sizeLimit").and_then(|s| ctx.text(s));
                source = Some(VolumeSource::EmptyDir { memory, size_limit });
            }
            "persistentVolumeClaim" => {
                source = doc
                    .get(v, "claimName")
                    .and_then(|c| ctx.text(c))
                    .map(|claim| VolumeSource::Pvc { claim });
            }
            "secret" => {
                let secret = doc.get(v, "secretName").and_then(|s| ctx.text(s));
                let items = doc
                    .get(v, "items")
                    .map(|l| {
                        doc.items(l)
                            .filter_map(|i| {
                                Some((
                                    doc.get(i, "key").and_then(|x| ctx.text(x))?,
                                    doc.get(i, "path").and_then(|x| ctx.text(x))?,
                                ))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                source = secret.map(|secret| VolumeSource::Secret { secret, items });
                ctx.note(k, format!("secret volume `{name}`: in Compose a read-only bind of a folder beside the file, holding the Secret's files"));
            }
            _ => {
                ctx.drop(
                    k,
                    "a volume source without a counterpart in Compose: its mounts are not written",
                );
                return None;
            }
        }
    }
    match source {
        Some(source) => Some(Volume { name, source }),
        None => {
            ctx.drop(item, "a volume without a source dockscape reads");
            None
        }
    }
}

fn container(ctx: &mut Ctx<'_, '_, '_>, id: NodeId, pod: &Pod) -> Container {
    let doc = ctx.doc;
    let name = doc
        .get(id, "name")
        .and_then(|n| ctx.text(n))
        .unwrap_or_else(|| "app".into());
    let image = doc
        .get(id, "image")
        .and_then(|n| ctx.text(n))
        .unwrap_or_default();
    if image.is_empty() {
        ctx.error(id, format!("container `{name}` has no image"));
    }
    let mut c = Container::new(dns_label(&name), image);
    for (k, v) in doc.pairs(id) {
        let Some(key) = doc.str(k) else { continue };
        match key {
            "name" | "image" | "restartPolicy" => {}
            "command" => c.command = ctx.strings(v),
            "args" => c.args = ctx.strings(v),
            "workingDir" => c.working_dir = ctx.text(v),
            "tty" => c.tty = ctx.on(v),
            "stdin" => c.stdin = ctx.on(v),
            "imagePullPolicy" => ctx.drop_key(k, "Compose `pull_policy` is not written yet"),
            "env" => {
                for item in doc.items(v).collect::<Vec<_>>() {
                    let n = doc.get(item, "name").and_then(|x| ctx.text(x));
                    match (n, doc.get(item, "value")) {
                        (Some(n), Some(val)) => {
                            c.env
                                .push(EnvVar::text(n, ctx.text(val).unwrap_or_default()));
                        }
                        (Some(n), None) if doc.get(item, "valueFrom").is_none() => {
                            c.env.push(EnvVar::text(n, ""));
                        }
                        (n, _) => {
                            let from = doc
                                .get(item, "valueFrom")
                                .and_then(|f| doc.pairs(f).into_iter().next())
                                .and_then(|(fk, fv)| {
                                    let src = doc.str(fk)?.to_owned();
                                    let what = match src.as_str() {
                                        "secretKeyRef" | "configMapKeyRef" => format!(
                                            " `{}` key `{}`",
                                            doc.get(fv, "name")
                                                .and_then(|x| ctx.text(x))
                                                .unwrap_or_default(),
                                            doc.get(fv, "key")
                                                .and_then(|x| ctx.text(x))
                                                .unwrap_or_default()
                                        ),
                                        "fieldRef" => format!(
                                            " `{}`",
                                            doc.get(fv, "fieldPath")
                                                .and_then(|x| ctx.text(x))
                                                .unwrap_or_default()
                                        ),
                                        "resourceFieldRef" => format!(
                                            " `{}`",
                                            doc.get(fv, "resource")
                                                .and_then(|x| ctx.text(x))
                                                .unwrap_or_default()
                                        ),
                                        _ => String::new(),
                                    };
                                    Some(format!("{src}{what}"))
                                })
                                .unwrap_or_else(|| "an unknown source".into());
                            ctx.drop(
                                item,
                                &format!(
                                    "`{}` takes its value from the cluster ({from}): not known here, never invented; needs a decision (write the value into the environment)",
                                    n.unwrap_or_default()
                                ),
                            );
                        }
                    }
                }
            }
            "ports" => {
                for item in doc.items(v).collect::<Vec<_>>() {
                    let Some(cp) = doc
                        .get(item, "containerPort")
                        .and_then(|x| ctx.int(x))
                        .and_then(|x| u16::try_from(x).ok())
                    else {
                        ctx.drop(item, "a port without a containerPort");
                        continue;
                    };
                    let host = doc
                        .get(item, "hostPort")
                        .and_then(|x| ctx.int(x))
                        .and_then(|x| u16::try_from(x).ok());
                    let protocol = match doc
                        .get(item, "protocol")
                        .and_then(|x| ctx.text(x))
                        .as_deref()
                    {
                        Some("UDP") => Protocol::Udp,
                        Some("SCTP") => {
                            ctx.drop(item, "SCTP ports have no counterpart in Compose");
                            continue;
                        }
                        _ => Protocol::Tcp,
                    };
                    let port = Port {
                        container: cp,
                        published: host,
                        protocol,
                        name: None,
                    };
                    match doc.get(item, "hostIP").and_then(|x| ctx.text(x)) {
                        Some(host_ip) if host.is_some() => {
                            c.bound_ports.push(BoundPort { host_ip, port });
                        }
                        Some(_) => {
                            ctx.drop(item, "a hostIP without a hostPort binds nothing: the port is kept, not its address");
                            c.ports.push(port);
                        }
                        None => c.ports.push(port),
                    }
                }
            }
            "resources" => {
                for (rk, rv) in doc.pairs(v) {
                    let which = doc.str(rk).unwrap_or("");
                    if !matches!(which, "limits" | "requests") {
                        ctx.drop_key(rk, NO_COUNTERPART);
                        continue;
                    }
                    for (xk, xv) in doc.pairs(rv) {
                        let t = ctx.text(xv);
                        match (which, doc.str(xk).unwrap_or("")) {
                            ("limits", "cpu") => c.resources.cpu_limit = t,
                            ("limits", "memory") => c.resources.memory_limit = t,
                            ("requests", "cpu") => c.resources.cpu_request = t,
                            ("requests", "memory") => c.resources.memory_request = t,
                            _ => ctx.drop_key(xk, NO_COUNTERPART),
                        }
                    }
                }
            }
            "volumeMounts" => {
                for item in doc.items(v).collect::<Vec<_>>() {
                    let vol = doc.get(item, "name").and_then(|x| ctx.text(x));
                    let path = doc.get(item, "mountPath").and_then(|x| ctx.text(x));
                    let (Some(vol), Some(path)) = (vol, path) else {
                        ctx.drop(item, "a volume mount without a name or mountPath");
                        continue;
                    };
                    if pod.volume(&vol).is_none() {
                        ctx.drop(
                            item,
                            "mounts a volume that is not converted (see its own report)",
                        );
                        continue;
                    }
                    for (mk, _) in doc.pairs(item) {
                        if !matches!(
                            doc.str(mk),
                            Some("name" | "mountPath" | "readOnly" | "subPath")
                        ) {
                            ctx.drop_key(mk, NO_COUNTERPART);
                        }
                    }
                    c.mounts.push(Mount {
                        volume: vol,
                        path,
                        read_only: doc.get(item, "readOnly").is_some_and(|r| ctx.on(r)),
                        sub_path: doc.get(item, "subPath").and_then(|s| ctx.text(s)),
                    });
                }
            }
            "securityContext" => security(ctx, v, &mut c),
            // Kubernetes 1.33+ (ContainerStopSignals): Compose `stop_signal`, `--stop-signal`
            "lifecycle" => {
                for (lk, lv) in doc.pairs(v) {
                    match doc.str(lk) {
                        Some("stopSignal") => c.stop_signal = ctx.text(lv),
                        _ => ctx.drop_key(
                            lk,
                            "a lifecycle hook: Docker runs no command on start or before stop",
                        ),
                    }
                }
            }
            "readinessProbe" | "startupProbe" | "livenessProbe" => {
                let Some(p) = probe(ctx, v) else { continue };
                if key == "startupProbe" {
                    c.startup_probe = Some(p);
                } else if c.readiness_probe.is_none() {
                    if key == "livenessProbe" {
                        ctx.note(k, "livenessProbe becomes a healthcheck: Docker marks the container unhealthy but does not restart it".into());
                    }
                    c.readiness_probe = Some(p);
                } else {
                    ctx.drop_key(k, "a second probe: Compose has one healthcheck");
                }
            }
            _ if server_default(key, ctx.text(v).as_deref()) => ctx.defaults.push(key.to_owned()),
            _ => ctx.drop_key(k, NO_COUNTERPART),
        }
    }
    c
}

fn security(ctx: &mut Ctx<'_, '_, '_>, id: NodeId, c: &mut Container) {
    let doc = ctx.doc;
    for (k, v) in doc.pairs(id) {
        let Some(key) = doc.str(k) else { continue };
        match key {
            "privileged" => c.security.privileged = ctx.on(v),
            "allowPrivilegeEscalation" => {
                c.security.allow_privilege_escalation = match doc.scalar(v) {
                    Some(Scalar::Bool(b)) => Some(b),
                    _ => None,
                };
            }
            "runAsUser" => c.security.run_as_user = ctx.int(v),
            "runAsGroup" => c.security.run_as_group = ctx.int(v),
            "runAsNonRoot" => {
                c.security.run_as_non_root = match doc.scalar(v) {
                    Some(Scalar::Bool(b)) => Some(b),
                    _ => None,
                };
            }
            "readOnlyRootFilesystem" => c.security.read_only_root_filesystem = ctx.on(v),
            "capabilities" => {
                if let Some(a) = doc.get(v, "add") {
                    c.security.add_capabilities =
                        ctx.strings(a).iter().map(|s| capability(s)).collect();
                }
                if let Some(d) = doc.get(v, "drop") {
                    c.security.drop_capabilities =
                        ctx.strings(d).iter().map(|s| capability(s)).collect();
                }
            }
            "seccompProfile" | "appArmorProfile" => {
                match doc.get(v, "type").and_then(|t| ctx.text(t)).as_deref() {
                    Some("Unconfined") if key == "seccompProfile" => {
                        c.security.seccomp_unconfined = true;
                    }
                    Some("Unconfined") => c.security.apparmor_unconfined = true,
                    Some("RuntimeDefault") if key == "seccompProfile" => {
                        c.security.seccomp_runtime_default = true;
                    }
                    Some("RuntimeDefault") => {}
                    _ => ctx.drop(
                        k,
                        "a localhost profile: the file on the node is not known here",
                    ),
                }
            }
            _ => ctx.drop_key(k, NO_COUNTERPART),
        }
    }
}

fn probe(ctx: &mut Ctx<'_, '_, '_>, id: NodeId) -> Option<Probe> {
    let doc = ctx.doc;
    let Some(cmd) = doc
        .path(id, &["exec", "command"])
        .map(|c| ctx.strings(c))
        .filter(|c| !c.is_empty())
    else {
        let kind = ["httpGet", "tcpSocket", "grpc"]
            .into_iter()
            .find(|k| doc.get(id, k).is_some())
            .map_or("a probe without `exec`", |k| match k {
                "httpGet" => "an HTTP probe (`httpGet`)",
                "tcpSocket" => "a TCP probe (`tcpSocket`)",
                _ => "a gRPC probe (`grpc`)",
            });
        ctx.drop(
            id,
            &format!("{kind}: the kubelet makes it from outside the container; Docker's healthcheck runs a command inside it, so there is no equivalent without a tool in the image (curl, wget, nc, grpc_health_probe): needs a decision (write a healthcheck with the tool the image has)"),
        );
        return None;
    };
    let shell = match cmd.as_slice() {
        [sh, dash_c, line] if (sh == "/bin/sh" || sh == "sh") && dash_c == "-c" => {
            Some(line.clone())
        }
        _ => None,
    };
    for (k, _) in doc.pairs(id) {
        if !matches!(
            doc.str(k),
            Some(
                "exec"
                    | "periodSeconds"
                    | "failureThreshold"
                    | "timeoutSeconds"
                    | "initialDelaySeconds"
            )
        ) {
            ctx.drop_key(k, "no counterpart in a Compose healthcheck");
        }
    }
    let int = |key: &str| {
        doc.get(id, key)
            .and_then(|v| ctx.int(v))
            .and_then(|v| i32::try_from(v).ok())
    };
    Some(Probe {
        command: cmd,
        period_seconds: int("periodSeconds").unwrap_or(10),
        failure_threshold: int("failureThreshold").unwrap_or(3),
        timeout_seconds: Some(int("timeoutSeconds").unwrap_or(1)),
        initial_delay_seconds: int("initialDelaySeconds").filter(|t| *t > 0),
        shell,
    })
}
