//! `--to socket-proxy` for Kubernetes: the workload stays DooD, but only a read-only
//! docker-socket-proxy container mounts the socket; the containers that used it reach the proxy
//! at `DOCKER_HOST=tcp://localhost:2375`.

use serde_json::{Value, json};

use super::MigrateNote;
use super::k8s::{Plan, each_dood, node_of, parent, socket_mounts};
use super::yaml::Editor;
use crate::read::ir::{Container, ContainerKind, VolumeSource, Workload};
use crate::read::paths::PathClass;
use crate::read::source::{Doc, NodeId};

/// The proxy image (Tecnativa's, the one DS022 documents).
pub(super) const IMAGE: &str = "tecnativa/docker-socket-proxy:0.3";
/// The name of the added container.
pub(super) const NAME: &str = "docker-socket-proxy";
/// Where the job containers reach the proxy (the pod shares one network namespace).
const DOCKER_HOST: &str = "tcp://localhost:2375";
/// The proxy's API sections: what a read-only client needs, and no write method.
pub(super) const SECTIONS: &[(&str, &str)] = &[
    ("CONTAINERS", "1"),
    ("IMAGES", "1"),
    ("INFO", "1"),
    ("VERSION", "1"),
    ("POST", "0"),
];

/// `docker` subcommands that only read (GET) what the proxy's sections allow.
const READS: &[&str] = &[
    "ps", "images", "info", "version", "inspect", "logs", "top", "stats", "events",
];
/// `docker container|image SUB` that only read.
const READS_OF: &[&str] = &[
    "ls", "list", "ps", "inspect", "logs", "top", "stats", "history",
];

pub(super) fn is_proxy(c: &Container<'_>) -> bool {
    c.image_parts().is_some_and(|(repo, _)| {
        let last = repo.rsplit('/').next().unwrap_or(repo);
        last.to_ascii_lowercase().ends_with("socket-proxy")
    })
}

/// The first `docker` command of `c` that is not read-only, with its line.
pub(super) fn writes(c: &Container<'_>) -> Option<(u32, String)> {
    let words = super::k8s::command_words(c);
    for (i, &(w, line)) in words.iter().enumerate() {
        if w != "docker" && !w.ends_with("/docker") {
            continue;
        }
        let mut rest = words.iter().skip(i + 1).map(|&(w, _)| w);
        let sub = rest.next().unwrap_or("");
        let read = match sub {
            "container" | "image" => READS_OF.contains(&rest.next().unwrap_or("")),
            "system" => matches!(rest.next().unwrap_or(""), "info" | "events"),
            s => READS.contains(&s),
        };
        if !read {
            let shown = words
                .iter()
                .skip(i)
                .take(3)
                .map(|&(w, _)| w)
                .collect::<Vec<_>>()
                .join(" ");
            return Some((line, shown));
        }
    }
    None
}

/// Rewrite the DooD workloads of one Kubernetes document for the socket proxy.
pub(super) fn migrate_doc(
    doc: &Doc<'_>,
    text: &str,
    options: &super::MigrateOptions,
    plan: &mut Plan,
) {
    let unit = crate::read::k8s::unit(doc);
    each_dood(&unit.workloads, options, plan, |w, name| {
        workload(doc, text, w, name)
    });
}

type Planned = (Vec<super::Edit>, Vec<MigrateNote>);

/// The edits for one workload; `None` when it is already behind a proxy alone.
pub(super) fn workload(
    doc: &Doc<'_>,
    text: &str,
    w: &Workload<'_>,
    name: &str,
) -> Result<Option<Planned>, (u32, String)> {
    let wline = w.loc.line;
    let fail = |line: u32| {
        (
            line,
            "written with YAML anchors, aliases, merge keys or flow style where the edits go: not rewritten (edit it by hand)".to_string(),
        )
    };
    // the socket volume and the containers that mount it
    let mut volume: Option<usize> = None;
    let mut users: Vec<usize> = Vec::new();
    for (ci, vi, m) in socket_mounts(w, "the docker-socket-proxy serves the Docker API only")? {
        let Some(c) = w.containers.get(ci) else {
            continue;
        };
        let direct = matches!(
            w.volumes.get(vi).map(|v| &v.source),
            Some(VolumeSource::Host {
                class: PathClass::Socket(_),
                ..
            })
        );
        if !direct || m.sub_path.is_some() {
            return Err((
                    m.loc.line,
                    "the socket is reached through its directory or a `subPath`: the socket-proxy migration needs a `hostPath` volume of the socket itself (mount `/var/run/docker.sock`, or use `--to dind`)".to_string(),
                ));
        }
        if volume.is_some_and(|v| v != vi) {
            return Err((
                m.loc.line,
                "more than one volume serves the socket: not rewritten".to_string(),
            ));
        }
        volume = Some(vi);
        if c.kind != ContainerKind::Container {
            return Err((
                    m.loc.line,
                    "an init or ephemeral container uses the socket: the proxy, a regular container, does not run before it".to_string(),
                ));
        }
        if !users.contains(&ci) {
            users.push(ci);
        }
    }
    let proxies: Vec<usize> = users
        .iter()
        .copied()
        .filter(|&i| w.containers.get(i).is_some_and(is_proxy))
        .collect();
    if !proxies.is_empty() {
        if proxies.len() == users.len() {
            // already migrated (or written so): only a proxy holds the socket
            return Ok(None);
        }
        return Err((wline, "a socket proxy is already in the pod, and other containers still mount the socket: not rewritten".to_string()));
    }
    if w.containers.iter().any(|c| c.name == NAME) {
        return Err((
            wline,
            format!("a container is already named `{NAME}`, the name of the proxy: not rewritten"),
        ));
    }
    for &ci in &users {
        let Some(c) = w.containers.get(ci) else {
            continue;
        };
        if let Some((line, shown)) = writes(c) {
            return Err((
                line,
                format!(
                    "`{shown}` writes to the Docker API (or could not be told read-only): a read-only socket proxy (GET only, POST=0) would refuse it; use `--to dind`"
                ),
            ));
        }
    }
    let vol = volume
        .and_then(|i| w.volumes.get(i))
        .ok_or_else(|| fail(wline))?;
    let first = w
        .containers
        .iter()
        .find(|c| c.kind == ContainerKind::Container)
        .and_then(|c| node_of(c.loc.field))
        .ok_or_else(|| {
            (
                wline,
                "no container of its own in a pod spec: not rewritten".to_string(),
            )
        })?;
    let list = parent(doc, first).ok_or_else(|| fail(wline))?;
    let spec = parent(doc, list).ok_or_else(|| fail(wline))?;
    if doc.get(spec, "containers") != Some(list) {
        return Err(fail(wline));
    }
    let ed = Editor::new(doc, text, spec);
    let mut edits = Vec::new();
    let note = super::k8s::note_for(name);
    let mut notes = Vec::new();
    let host = json!({"name": "DOCKER_HOST", "value": DOCKER_HOST});
    for &ci in &users {
        let c = w.containers.get(ci).ok_or_else(|| fail(wline))?;
        let item = node_of(c.loc.field).ok_or_else(|| fail(c.loc.line))?;
        let mounts = doc
            .get(item, "volumeMounts")
            .ok_or_else(|| fail(c.loc.line))?;
        if parent(doc, mounts) != Some(item) || doc.resolve(mounts) != mounts {
            return Err(fail(c.loc.line));
        }
        let socket: Vec<NodeId> = c
            .mounts
            .iter()
            .filter(|m| m.volume == volume)
            .filter_map(|m| node_of(m.loc.field))
            .collect();
        if socket
            .iter()
            .any(|&m| parent(doc, m) != Some(mounts) || doc.resolve(m) != m)
        {
            return Err(fail(c.loc.line));
        }
        if doc.items(mounts).count() == socket.len() {
            edits.push(
                ed.delete_entry(item, mounts)
                    .ok_or_else(|| fail(c.loc.line))?,
            );
        } else {
            for &m in &socket {
                edits.push(ed.delete_item(m).ok_or_else(|| fail(c.loc.line))?);
            }
        }
        // DOCKER_HOST: replaced where it is set, added otherwise
        let existing = c
            .env
            .iter()
            .rev()
            .find(|x| x.name.as_str() == "DOCKER_HOST")
            .and_then(|x| node_of(x.name.loc.field))
            .and_then(|k| parent(doc, k));
        match existing {
            Some(e) if doc.resolve(e) == e => edits.push(
                ed.replace_item(e, std::slice::from_ref(&host))
                    .ok_or_else(|| fail(c.loc.line))?,
            ),
            Some(_) => return Err(fail(c.loc.line)),
            None => match doc.get(item, "env") {
                Some(l) if doc.is_seq(l) && parent(doc, l) == Some(item) => {
                    edits.push(ed.append_item(l, &host).ok_or_else(|| fail(c.loc.line))?)
                }
                Some(_) => return Err(fail(c.loc.line)),
                None => edits.push(
                    ed.add_key(item, "env", &Value::Array(vec![host.clone()]))
                        .ok_or_else(|| fail(c.loc.line))?,
                ),
            },
        }
        notes.push(note(
            c.loc.line,
            format!(
                "`{}` no longer mounts the socket: it reaches the read-only proxy at `{DOCKER_HOST}` (plain TCP inside the pod, DS008), and any write call (run, build, push, rm, exec...) is refused with 403",
                c.name
            ),
        ));
    }
    let env: Vec<Value> = SECTIONS
        .iter()
        .map(|(k, v)| json!({"name": k, "value": v}))
        .collect();
    let proxy = json!({
        "name": NAME,
        "image": IMAGE,
        "env": env,
        "volumeMounts": [{"name": vol.name, "mountPath": "/var/run/docker.sock", "readOnly": true}],
    });
    edits.push(ed.append_item(list, &proxy).ok_or_else(|| fail(wline))?);
    notes.push(note(
        vol.loc.line,
        format!(
            "the node's Docker socket (volume `{}`) is still mounted, on the `{NAME}` container alone, read-only: the workload stays DooD (DS001 remains on the proxy), but its containers get only the proxy's GET sections (containers, images, info, version; POST=0)",
            vol.name
        ),
    ));
    notes.push(note(
        wline,
        "the proxy listens on port 2375 of the pod's IP too: other pods that reach the pod can read the node's Docker API through it (restrict them with a NetworkPolicy)".to_string(),
    ));
    notes.sort_by_key(|n| n.line);
    Ok(Some((edits, notes)))
}
