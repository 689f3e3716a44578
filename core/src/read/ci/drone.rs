//! `.drone.yml` (`kind: pipeline`, `type: docker` or `kubernetes`) → IR: one workload per
//! pipeline; its containers are the `steps` and `services` (`image`, `privileged`, `environment`,
//! `entrypoint`, `command`, `volumes: [{name, path}]`), its volumes the pipeline's `volumes`
//! (`host: {path}` a host path, `temp: {}` an emptyDir, `claim` a claim). On the Docker runner the
//! `docker:*dind*` images' `VOLUME` is an anonymous volume, as Docker makes it.

use std::borrow::Cow;

use super::{CONTAINER, image_volume, mark_used, mount_volume, undollar};
use crate::read::ir::{
    Container, Env, Source, Unit, Val, Volume, VolumeSource, Workload, WorkloadKind,
};
use crate::read::k8s::{Reader, named_container};
use crate::read::paths;
use crate::read::source::{Doc, NodeId};

pub(super) fn unit<'t>(doc: &'t Doc<'_>) -> Unit<'t> {
    let mut unit = Unit {
        source: Source::Compose,
        workloads: Vec::new(),
    };
    let r = Reader { doc };
    let Some(root) = doc.root() else { return unit };
    // `kind: secret`, `kind: signature` documents carry no containers
    if doc.get(root, "kind").and_then(|k| doc.str(k)) != Some("pipeline") {
        return unit;
    }
    let mut w = Workload::new(
        WorkloadKind::Pod,
        "pipeline",
        r.loc(doc.get(root, "kind").unwrap_or(root)),
    );
    w.name = r
        .field(root, "name")
        .map_or(Cow::Borrowed("default"), |n| n.text);
    if let Some(vols) = doc.get(root, "volumes") {
        for item in doc.items(vols).collect::<Vec<_>>() {
            w.volumes.push(volume(&r, item));
        }
    }
    let docker_runner = r.field(root, "type").is_none_or(|t| t.eq_ci("docker"));
    for list in ["services", "steps"] {
        let Some(items) = doc.get(root, list) else {
            continue;
        };
        for (i, item) in doc.items(items).collect::<Vec<_>>().into_iter().enumerate() {
            if !doc.is_map(item) {
                continue;
            }
            let mut c = container(&r, item, list, i, &w);
            if docker_runner {
                image_volume(&mut c);
            }
            if let Some(h) = r.field(item, "network_mode").filter(|v| v.eq_ci("host")) {
                w.host_network = Some(h);
            }
            w.containers.push(c);
        }
    }
    mark_used(&mut w);
    unit.workloads.push(w);
    unit
}

fn volume<'t>(r: &Reader<'t, '_>, item: NodeId) -> Volume<'t> {
    let doc = r.doc;
    let name = r.field(item, "name").map_or(Cow::Borrowed(""), |n| n.text);
    let source = if let Some(path) = doc.get(item, "host").and_then(|h| r.field(h, "path")) {
        let class = paths::classify(path.as_str());
        VolumeSource::Host { path, class }
    } else if doc.get(item, "temp").is_some() {
        VolumeSource::EmptyDir
    } else if let Some(c) = doc.get(item, "claim").and_then(|c| r.field(c, "name")) {
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

fn container<'t>(
    r: &Reader<'t, '_>,
    item: NodeId,
    list: &str,
    index: usize,
    w: &Workload<'t>,
) -> Container<'t> {
    let doc = r.doc;
    let mut c = named_container(r, item, CONTAINER, list, index);
    c.command = r.strings(doc.get(item, "entrypoint"));
    c.args = r.strings(doc.get(item, "command"));
    // a step's `commands` become its shell script: they are what it runs (`dockerd`, a fixed
    // `docker run --name` next to a mounted socket)
    c.args.extend(r.strings(doc.get(item, "commands")));
    c.security.privileged = r.on(item, "privileged");
    if let Some(u) = r.field(item, "user") {
        c.security.run_as_user = Some(u);
    }
    if let Some(env) = doc.get(item, "environment") {
        for (k, v) in doc.pairs(env) {
            let Some(name) = r.val(k) else { continue };
            // `{from_secret: x}` is not a literal
            let value = if doc.is_map(v) {
                None
            } else {
                Some(r.val(v).unwrap_or_else(|| Val::new("", r.loc(v))))
            };
            c.env.push(Env {
                name,
                value: value.map(undollar),
            });
        }
    }
    if let Some(vols) = doc.get(item, "volumes") {
        for m in doc.items(vols).collect::<Vec<_>>() {
            let Some(name) = r.field(m, "name") else {
                continue;
            };
            c.mounts
                .push(mount_volume(w, r.loc(m), name, r.field(m, "path"), false));
        }
    }
    c
}

/// The scalar lines of every step's `commands`.
pub(super) fn scripts(doc: &Doc<'_>) -> Vec<NodeId> {
    let Some(root) = doc.root() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for list in ["steps", "services"] {
        let Some(items) = doc.get(root, list) else {
            continue;
        };
        for item in doc.items(items).collect::<Vec<_>>() {
            if let Some(cmds) = doc.get(item, "commands") {
                out.extend(doc.items(cmds).filter(|&i| doc.str(i).is_some()));
            }
        }
    }
    out
}
