//! Kubernetes objects → IR: pod specs wherever they live.

use std::borrow::Cow;

use super::ir::{
    Container, ContainerKind, Env, Field, HostPath, Loc, Mount, Port, Security, Source, Unit, Val,
    Via, Volume, VolumeSource, Workload, WorkloadKind,
};
use super::paths;
use super::source::{Doc, NodeId};

/// Reads one document.
pub(crate) struct Reader<'t, 'a> {
    pub doc: &'t Doc<'a>,
}

impl<'t, 'a> Reader<'t, 'a> {
    pub(crate) fn loc(&self, id: NodeId) -> Loc<'t> {
        let (line, col) = self.doc.pos(id);
        Loc {
            line,
            col,
            field: Field::Node(id),
        }
    }

    /// A scalar value with its position.
    pub(crate) fn val(&self, id: NodeId) -> Option<Val<'t>> {
        let text = self.doc.str(id)?;
        Some(Val {
            text: Cow::Borrowed(text),
            loc: self.loc(id),
        })
    }

    /// `key` of mapping `id` as a scalar value.
    pub(crate) fn field(&self, id: NodeId, key: &str) -> Option<Val<'t>> {
        self.val(self.doc.get(id, key)?)
    }

    /// `key` of mapping `id`, a boolean switched on.
    pub(crate) fn on(&self, id: NodeId, key: &str) -> Option<Val<'t>> {
        self.field(id, key).filter(Val::is_true)
    }

    /// Scalars of a sequence (or a single scalar).
    pub(crate) fn strings(&self, id: Option<NodeId>) -> Vec<Val<'t>> {
        let Some(id) = id else { return Vec::new() };
        if self.doc.is_seq(id) {
            self.doc.items(id).filter_map(|i| self.val(i)).collect()
        } else {
            self.val(id).into_iter().collect()
        }
    }

    /// Key/value scalar pairs of a mapping.
    pub(crate) fn string_map(&self, id: Option<NodeId>) -> Vec<(Val<'t>, Val<'t>)> {
        let Some(id) = id else { return Vec::new() };
        self.doc
            .pairs(id)
            .into_iter()
            .filter_map(|(k, v)| {
                let key = self.val(k)?;
                let value = self.val(v).unwrap_or(Val {
                    text: Cow::Borrowed(""),
                    loc: self.loc(v),
                });
                Some((key, value))
            })
            .collect()
    }
}

/// Normalise one Kubernetes document.
pub(crate) fn unit<'t>(doc: &'t Doc<'_>) -> Unit<'t> {
    let mut unit = Unit {
        source: Source::Kubernetes,
        workloads: Vec::new(),
    };
    let r = Reader { doc };
    if let Some(root) = doc.root() {
        object(&r, root, &mut unit, 0);
    }
    unit
}

fn object<'t>(r: &Reader<'t, '_>, id: NodeId, unit: &mut Unit<'t>, depth: u32) {
    let doc = r.doc;
    if !doc.is_map(id) || depth > 8 || doc.exceeded() {
        return;
    }
    let kind = doc.get(id, "kind").and_then(|k| doc.str(k)).unwrap_or("");
    if let Some(items) = doc.get(id, "items").filter(|&i| doc.is_seq(i))
        && kind.ends_with("List")
    {
        for item in doc.items(items).collect::<Vec<_>>() {
            object(r, item, unit, depth + 1);
        }
        return;
    }
    let meta = doc.get(id, "metadata");
    let (spec, template_meta) = match kind {
        "Pod" => (doc.get(id, "spec"), None),
        "PodTemplate" => {
            let t = doc.get(id, "template");
            (
                t.and_then(|t| doc.get(t, "spec")),
                t.and_then(|t| doc.get(t, "metadata")),
            )
        }
        "PersistentVolume" => {
            persistent_volume(r, id, meta, unit);
            return;
        }
        _ => {
            let spec = doc.get(id, "spec");
            let t = spec
                .and_then(|s| doc.get(s, "template"))
                .filter(|&t| doc.is_map(t));
            let t =
                t.or_else(|| spec.and_then(|s| doc.path(s, &["jobTemplate", "spec", "template"])));
            (
                t.and_then(|t| doc.get(t, "spec")),
                t.and_then(|t| doc.get(t, "metadata")),
            )
        }
    };
    let Some(spec) = spec.filter(|&s| doc.is_map(s)) else {
        return;
    };
    let mut w = Workload::new(
        WorkloadKind::Pod,
        if kind.is_empty() { "Pod" } else { kind },
        r.loc(doc.get(id, "kind").unwrap_or(id)),
    );
    name_and_namespace(r, &mut w, meta);
    let mut annotations = r.string_map(meta.and_then(|m| doc.get(m, "annotations")));
    annotations.extend(r.string_map(template_meta.and_then(|m| doc.get(m, "annotations"))));
    w.annotations = annotations;
    pod_spec(r, spec, &mut w);
    unit.workloads.push(w);
}

pub(crate) fn name_and_namespace<'t>(
    r: &Reader<'t, '_>,
    w: &mut Workload<'t>,
    meta: Option<NodeId>,
) {
    if let Some(m) = meta {
        if let Some(n) = r.field(m, "name").or_else(|| r.field(m, "generateName")) {
            w.name = n.text;
        }
        w.namespace = r.field(m, "namespace").map(|n| n.text);
    }
}

fn persistent_volume<'t>(
    r: &Reader<'t, '_>,
    id: NodeId,
    meta: Option<NodeId>,
    unit: &mut Unit<'t>,
) {
    let doc = r.doc;
    let mut w = Workload::new(
        WorkloadKind::PersistentVolume,
        "PersistentVolume",
        r.loc(id),
    );
    name_and_namespace(r, &mut w, meta);
    let spec = doc.get(id, "spec");
    for key in ["hostPath", "local"] {
        let Some(src) = spec.and_then(|s| doc.get(s, key)) else {
            continue;
        };
        if let Some(path) = r.field(src, "path") {
            let class = paths::classify(path.as_str());
            w.volumes.push(Volume {
                name: w.name.clone(),
                loc: r.loc(src),
                source: VolumeSource::Host { path, class },
                used: false,
            });
        }
    }
    unit.workloads.push(w);
}

pub(crate) fn pod_spec<'t>(r: &Reader<'t, '_>, spec: NodeId, w: &mut Workload<'t>) {
    let doc = r.doc;
    w.host_network = r.on(spec, "hostNetwork");
    w.host_pid = r.on(spec, "hostPID");
    w.host_ipc = r.on(spec, "hostIPC");
    w.host_users = r.field(spec, "hostUsers");
    w.runtime_class = r.field(spec, "runtimeClassName");
    if let Some(sc) = doc.get(spec, "securityContext") {
        w.security = security(r, sc);
        w.security.groups = r.strings(doc.get(sc, "supplementalGroups"));
        if let Some(sys) = doc.get(sc, "sysctls") {
            for s in doc.items(sys) {
                if let (Some(n), v) = (r.field(s, "name"), r.field(s, "value")) {
                    let v = v.unwrap_or(Val {
                        text: Cow::Borrowed(""),
                        loc: n.loc,
                    });
                    w.sysctls.push((n, v));
                }
            }
        }
        if let Some(hp) = doc
            .get(sc, "windowsOptions")
            .and_then(|o| r.on(o, "hostProcess"))
        {
            w.security.host_process = Some(hp);
        }
    }
    // legacy pod-level seccomp annotation
    if w.security.seccomp.is_none() {
        w.security.seccomp = w
            .annotation("seccomp.security.alpha.kubernetes.io/pod")
            .cloned();
    }
    if let Some(vols) = doc.get(spec, "volumes") {
        for item in doc.items(vols) {
            w.volumes.push(volume(r, item));
        }
    }
    for (key, kind) in [
        ("initContainers", ContainerKind::Init),
        ("containers", ContainerKind::Container),
        ("ephemeralContainers", ContainerKind::Ephemeral),
    ] {
        let Some(list) = doc.get(spec, key) else {
            continue;
        };
        for (i, item) in doc.items(list).enumerate() {
            if !doc.is_map(item) {
                continue;
            }
            let c = container(r, item, kind, key, i, w);
            w.containers.push(c);
        }
    }
    for i in 0..w.volumes.len() {
        let used = w.volume_used(i);
        if let Some(v) = w.volumes.get_mut(i) {
            v.used = used;
        }
    }
}

pub(crate) fn volume<'t>(r: &Reader<'t, '_>, item: NodeId) -> Volume<'t> {
    let doc = r.doc;
    let name = r.field(item, "name").map_or(Cow::Borrowed(""), |n| n.text);
    let source = if let Some(path) = doc.get(item, "hostPath").and_then(|h| r.field(h, "path")) {
        let class = paths::classify(path.as_str());
        VolumeSource::Host { path, class }
    } else if doc.get(item, "emptyDir").is_some() {
        VolumeSource::EmptyDir
    } else if let Some(c) = doc
        .get(item, "persistentVolumeClaim")
        .and_then(|p| r.field(p, "claimName"))
    {
        VolumeSource::Claim(c)
    } else {
        VolumeSource::Other
    };
    Volume {
        name,
        loc: r.loc(item),
        source,
        used: false,
    }
}

/// A container named by its `name` (`list[index]` without one), with its `image`: how every
/// pod-like input (Kubernetes, Drone steps, ...) starts a container.
pub(crate) fn named_container<'t>(
    r: &Reader<'t, '_>,
    id: NodeId,
    kind: ContainerKind,
    list: &str,
    index: usize,
) -> Container<'t> {
    let name = match r.field(id, "name") {
        Some(n) => n.text,
        None => Cow::Owned(format!("{list}[{index}]")),
    };
    let mut c = Container::new(kind, name, r.loc(id));
    c.image = r.field(id, "image");
    c
}

pub(crate) fn container<'t>(
    r: &Reader<'t, '_>,
    id: NodeId,
    kind: ContainerKind,
    list: &str,
    index: usize,
    w: &Workload<'t>,
) -> Container<'t> {
    let doc = r.doc;
    let mut c = named_container(r, id, kind, list, index);
    c.command = r.strings(doc.get(id, "command"));
    c.args = r.strings(doc.get(id, "args"));
    if let Some(env) = doc.get(id, "env") {
        for e in doc.items(env) {
            if let Some(name) = r.field(e, "name") {
                c.env.push(Env {
                    name,
                    value: r.field(e, "value"),
                });
            }
        }
    }
    if let Some(ports) = doc.get(id, "ports") {
        for p in doc.items(ports) {
            c.ports.push(Port {
                loc: r.loc(p),
                container_port: r.field(p, "containerPort"),
                host_port: r.field(p, "hostPort"),
                host_ip: r.field(p, "hostIP"),
            });
        }
    }
    if let Some(sc) = doc.get(id, "securityContext") {
        c.security = security(r, sc);
        if let Some(hp) = doc
            .get(sc, "windowsOptions")
            .and_then(|o| r.on(o, "hostProcess"))
        {
            c.security.host_process = Some(hp);
        }
    }
    // legacy per-container annotations
    if c.security.seccomp.is_none() {
        let key = format!("container.seccomp.security.alpha.kubernetes.io/{}", c.name);
        c.security.seccomp = w.annotation(&key).cloned();
    }
    if c.security.apparmor.is_none() {
        let key = format!("container.apparmor.security.beta.kubernetes.io/{}", c.name);
        c.security.apparmor = w.annotation(&key).cloned();
    }
    if let Some(mounts) = doc.get(id, "volumeMounts") {
        for m in doc.items(mounts) {
            c.mounts.push(mount(r, m, w));
        }
    }
    c
}

fn mount<'t>(r: &Reader<'t, '_>, id: NodeId, w: &Workload<'t>) -> Mount<'t> {
    let name = r.field(id, "name");
    let index = name
        .as_ref()
        .and_then(|n| w.volumes.iter().position(|v| v.name.as_ref() == n.as_str()));
    let sub_path = r.field(id, "subPath");
    let host = index
        .and_then(|i| w.volumes.get(i))
        .and_then(|v| match &v.source {
            VolumeSource::Host { path, .. } => Some(HostPath::resolve(
                path.clone(),
                sub_path.as_ref(),
                Via::Direct,
            )),
            _ => None,
        });
    Mount {
        loc: r.loc(id),
        target: r.field(id, "mountPath"),
        volume: index,
        volume_name: name,
        sub_path,
        read_only: r.field(id, "readOnly").is_some_and(|v| v.is_true()),
        host,
    }
}

fn security<'t>(r: &Reader<'t, '_>, sc: NodeId) -> Security<'t> {
    let doc = r.doc;
    let caps = doc.get(sc, "capabilities");
    Security {
        privileged: r.on(sc, "privileged"),
        allow_privilege_escalation: r.field(sc, "allowPrivilegeEscalation"),
        run_as_user: r.field(sc, "runAsUser"),
        run_as_non_root: r.field(sc, "runAsNonRoot"),
        groups: Vec::new(),
        cap_add: r.strings(caps.and_then(|c| doc.get(c, "add"))),
        cap_drop: r.strings(caps.and_then(|c| doc.get(c, "drop"))),
        seccomp: doc
            .get(sc, "seccompProfile")
            .and_then(|p| r.field(p, "type")),
        apparmor: doc
            .get(sc, "appArmorProfile")
            .and_then(|p| r.field(p, "type")),
        proc_mount: r.field(sc, "procMount"),
        selinux_type: doc
            .get(sc, "seLinuxOptions")
            .and_then(|o| r.field(o, "type")),
        selinux_disabled: None,
        host_process: None,
    }
}
