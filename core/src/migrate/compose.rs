//! The Compose rewrite: DooD services into TLS Docker-in-Docker with a `docker` daemon service, as
//! `dockscape generate dind --format compose` writes it.

use serde_json::Value;

use super::k8s::{Plan, docker_family, label, needs_host, node_of, parent, selected};
use super::yaml::Editor;
use super::{MigrateNote, MigrateOptions, Refusal};
use crate::lint::{WorkloadScenario, classify};
use crate::read::ir::{Via, Workload, WorkloadKind};
use crate::read::run;
use crate::read::source::{Doc, NodeId};

/// The daemon service, the client's settings and the named volumes `generate dind` writes.
struct Generated {
    daemon_name: String,
    daemon: Value,
    env: Vec<(String, String)>,
    mount: String,
    depends: Value,
    volumes: Vec<(String, Value)>,
}

fn generated() -> Option<Generated> {
    let scenario = crate::build_scenario("dind", &crate::Params::new()).ok()?;
    // The value `generate --format compose` writes, without the round trip through `ComposeFile`
    // (its serde code is about 60 KB of wasm); validated as `to_compose` does.
    let file = crate::emit::compose::to_value(&scenario.pod);
    if !crate::validate::validate_compose(&file).is_empty() {
        return None;
    }
    let services = file.get("services")?.as_object()?;
    let (daemon_name, daemon) = services.iter().find(|(_, s)| {
        s.get("image")
            .and_then(Value::as_str)
            .is_some_and(|i| i.ends_with("-dind"))
    })?;
    let client = services
        .values()
        .find(|s| s.pointer("/environment/DOCKER_HOST").is_some())?;
    let env = client
        .get("environment")?
        .as_object()?
        .iter()
        .filter(|(k, _)| k.starts_with("DOCKER_"))
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    let mount = client
        .get("volumes")?
        .as_array()?
        .first()?
        .as_str()?
        .to_string();
    let depends = client.get("depends_on")?.get(daemon_name)?.clone();
    let volumes = file
        .get("volumes")?
        .as_object()?
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some(Generated {
        daemon_name: daemon_name.clone(),
        daemon: daemon.clone(),
        env,
        mount,
        depends,
        volumes,
    })
}

/// The value node of key node `key` in its mapping.
fn value_of(doc: &Doc<'_>, key: NodeId) -> Option<NodeId> {
    let map = parent(doc, key)?;
    doc.raw_pairs(map).find(|&(k, _)| k == key).map(|(_, v)| v)
}

/// The value of `key` written in `map` itself (not through an alias, a merge key or `extends`).
fn own(doc: &Doc<'_>, map: NodeId, key: &str) -> Option<NodeId> {
    let v = doc.get(map, key)?;
    (doc.resolve(v) == v && parent(doc, v) == Some(map)).then_some(v)
}

/// Rewrite the DooD services of one Compose document.
pub(super) fn migrate_doc(doc: &Doc<'_>, text: &str, options: &MigrateOptions, plan: &mut Plan) {
    let (unit, _) = crate::read::compose::unit_with(doc, None);
    let Some(root) = doc.root() else { return };
    let Some(services) = own(doc, root, "services") else {
        return;
    };
    let ed = Editor::new(doc, text, services);
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    let mut migrated = Vec::new();
    let Some(g) = generated() else { return };
    for w in &unit.workloads {
        if w.what != WorkloadKind::Pod
            || classify(w) != WorkloadScenario::Dood
            || !selected(options, w)
        {
            continue;
        }
        let name = label(w);
        // another service that `extends` this one would change with it
        let extended_by = doc.raw_pairs(services).find_map(|(k, v)| {
            let ext = doc.get(v, "extends")?;
            let base = doc
                .str(ext)
                .or_else(|| doc.get(ext, "service").and_then(|s| doc.str(s)))?;
            (base == w.name && doc.get(ext, "file").is_none())
                .then(|| doc.str(k).unwrap_or("").to_string())
        });
        // a socket shared through `volumes_from` would be taken from the services that read it
        if let Some(reason) = shared_volumes(doc, services, &w.name) {
            plan.refusals.push(Refusal {
                workload: name,
                line: w.loc.line as usize,
                reason,
            });
            continue;
        }
        if let Some(other) = extended_by {
            plan.refusals.push(Refusal {
                workload: name,
                line: w.loc.line as usize,
                reason: format!("service `{other}` extends it, and would change with it: not rewritten (edit them by hand)"),
            });
            continue;
        }
        match service(doc, &ed, w, &name, &g, services) {
            Ok((e, n)) => {
                edits.extend(e);
                notes.extend(n);
                migrated.push(name);
            }
            Err((line, reason)) => plan.refusals.push(Refusal {
                workload: name,
                line: line as usize,
                reason,
            }),
        }
    }
    if migrated.is_empty() {
        return;
    }
    // once per file: the daemon service and its volumes
    let taken = doc.get(services, &g.daemon_name).is_some();
    let top_volumes = own(doc, root, "volumes").filter(|&v| doc.is_map(v));
    let volume_taken = g
        .volumes
        .iter()
        .any(|(n, _)| top_volumes.is_some_and(|v| doc.get(v, n).is_some()));
    let wline = doc.pos(services).0;
    if taken || volume_taken || (top_volumes.is_none() && doc.get(root, "volumes").is_some()) {
        for w in migrated {
            plan.refusals.push(Refusal {
                workload: w,
                line: wline as usize,
                reason: format!(
                    "a service `{}` or a volume `{}` is already declared: not rewritten",
                    g.daemon_name,
                    g.volumes
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join("`/`")
                ),
            });
        }
        return;
    }
    let Some(add) = ed.add_key(services, &g.daemon_name, &g.daemon) else {
        return;
    };
    edits.push(add);
    let vol_edit = match top_volumes {
        Some(v) => g
            .volumes
            .iter()
            .map(|(n, val)| ed.add_key(v, n, val))
            .collect::<Option<Vec<_>>>(),
        None => {
            let map: serde_json::Map<String, Value> = g.volumes.iter().cloned().collect();
            ed.add_key(root, "volumes", &Value::Object(map))
                .map(|e| vec![e])
        }
    };
    let Some(vol_edit) = vol_edit else { return };
    edits.extend(vol_edit);
    plan.edits.extend(edits);
    plan.notes.extend(notes);
    plan.migrated.extend(migrated);
}

type Refused = (u32, String);
type Planned = (Vec<super::Edit>, Vec<MigrateNote>);

fn service(
    doc: &Doc<'_>,
    ed: &Editor<'_, '_>,
    w: &Workload<'_>,
    name: &str,
    g: &Generated,
    services: NodeId,
) -> Result<Planned, Refused> {
    let wline = w.loc.line;
    let fail = |line: u32| {
        (
            line,
            "written with `extends`, YAML anchors, aliases or merge keys, or variables where the edits go: not rewritten (edit it by hand)".to_string(),
        )
    };
    let key = node_of(w.loc.field).ok_or_else(|| fail(wline))?;
    if parent(doc, key) != Some(services) {
        return Err(fail(wline));
    }
    let svc = value_of(doc, key).filter(|&s| doc.is_map(s) && doc.resolve(s) == s);
    let svc = svc.ok_or_else(|| fail(wline))?;
    let c = w.containers.first().ok_or_else(|| fail(wline))?;
    if w.name == g.daemon_name {
        return Err((
            wline,
            format!(
                "the service is named `{}`, the name of the daemon service: not rewritten",
                g.daemon_name
            ),
        ));
    }
    let started: Vec<String> = run::docker_runs_in(c)
        .iter()
        .flat_map(|r| r.containers.iter())
        .filter_map(|c| c.container_name.as_ref().map(|n| n.as_str().to_string()))
        .collect();
    if let Some(why) = needs_host(c, &started) {
        return Err(why);
    }
    let vols = own(doc, svc, "volumes").ok_or_else(|| fail(wline))?;
    let mut socket_items: Vec<NodeId> = Vec::new();
    for m in &c.mounts {
        let Some(h) = &m.host else { continue };
        let Some(r) = h.runtime() else { continue };
        if !docker_family(r) {
            return Err((
                h.loc.line,
                format!(
                    "`{}` is the {} socket: a Docker daemon of its own does not serve that API",
                    h.raw.as_str(),
                    r.label()
                ),
            ));
        }
        if h.via != Via::Direct {
            return Err((
                m.loc.line,
                "the socket comes through a named volume's `driver_opts`: not rewritten (remove the volume by hand)".to_string(),
            ));
        }
        let item = node_of(m.loc.field).ok_or_else(|| fail(m.loc.line))?;
        if parent(doc, item) != Some(vols) || doc.resolve(item) != item {
            return Err(fail(m.loc.line));
        }
        if !socket_items.contains(&item) {
            socket_items.push(item);
        }
    }
    socket_items.sort_unstable();
    let Some((last, others)) = socket_items.split_last() else {
        return Err(fail(wline));
    };
    let mut edits = Vec::new();
    for &i in others {
        edits.push(ed.delete_item(i).ok_or_else(|| fail(wline))?);
    }
    edits.push(
        ed.replace_item(*last, &[Value::String(g.mount.clone())])
            .ok_or_else(|| fail(wline))?,
    );
    // environment: a mapping or a list of NAME=value
    match own(doc, svc, "environment") {
        None if doc.get(svc, "environment").is_none() => {
            let map: serde_json::Map<String, Value> = g
                .env
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            edits.push(
                ed.add_key(svc, "environment", &Value::Object(map))
                    .ok_or_else(|| fail(wline))?,
            );
        }
        Some(env) if doc.is_map(env) => {
            for (k, v) in &g.env {
                let existing = doc
                    .raw_pairs(env)
                    .filter(|&(kk, _)| doc.str(kk) == Some(k.as_str()))
                    .last();
                let val = Value::String(v.clone());
                match existing {
                    Some((_, vv)) => {
                        edits.push(ed.replace_scalar(vv, &val).ok_or_else(|| fail(wline))?)
                    }
                    None => edits.push(ed.add_key(env, k, &val).ok_or_else(|| fail(wline))?),
                }
            }
        }
        Some(env) if doc.is_seq(env) => {
            for (k, v) in &g.env {
                let item = Value::String(format!("{k}={v}"));
                let existing = doc.items(env).find(|&i| {
                    doc.str(i)
                        .is_some_and(|t| t == k || t.starts_with(&format!("{k}=")))
                });
                match existing {
                    Some(i) => edits.push(
                        ed.replace_item(i, std::slice::from_ref(&item))
                            .ok_or_else(|| fail(wline))?,
                    ),
                    None => edits.push(ed.append_item(env, &item).ok_or_else(|| fail(wline))?),
                }
            }
        }
        _ => return Err(fail(wline)),
    }
    // the client waits for the daemon to be healthy
    match own(doc, svc, "depends_on") {
        None if doc.get(svc, "depends_on").is_none() => {
            let mut m = serde_json::Map::new();
            m.insert(g.daemon_name.clone(), g.depends.clone());
            edits.push(
                ed.add_key(svc, "depends_on", &Value::Object(m))
                    .ok_or_else(|| fail(wline))?,
            );
        }
        Some(d) if doc.is_map(d) => edits.push(
            ed.add_key(d, &g.daemon_name, &g.depends)
                .ok_or_else(|| fail(wline))?,
        ),
        Some(d) if doc.is_seq(d) => edits.push(
            ed.append_item(d, &Value::String(g.daemon_name.clone()))
                .ok_or_else(|| fail(wline))?,
        ),
        _ => return Err(fail(wline)),
    }
    let note = |line: u32, message: String| MigrateNote {
        workload: name.to_string(),
        line: line as usize,
        message,
    };
    let sock_line = c.mounts.first().map_or(wline, |m| m.loc.line);
    let mut notes = vec![
        note(
            sock_line,
            format!(
                "the service now reaches the `{}` service's daemon over TLS (`DOCKER_HOST=tcp://{}:2376`), not the host's",
                g.daemon_name, g.daemon_name
            ),
        ),
        note(
            sock_line,
            "containers the service starts now run in the `docker` service's daemon: the host's `docker ps` no longer lists them".to_string(),
        ),
        note(
            sock_line,
            "images are not shared with the host: the daemon pulls or builds into its own `docker-storage` volume".to_string(),
        ),
    ];
    for r in run::docker_runs_in(c) {
        for rc in &r.containers {
            for m in &rc.mounts {
                if let Some(h) = m.host.as_ref().filter(|h| h.via == Via::Direct) {
                    notes.push(note(
                        m.loc.line,
                        format!(
                            "`{}` in the command now binds `{}` of the daemon container, not of the host",
                            h.raw.as_str(),
                            h.effective
                        ),
                    ));
                }
            }
        }
    }
    notes.sort_by_key(|n| n.line);
    Ok((edits, notes))
}

/// Why `service` cannot be rewritten alone when its volumes are shared with `volumes_from`: it
/// takes another service's volumes, or another service takes its volumes (and with them the
/// socket it would lose).
fn shared_volumes(doc: &Doc<'_>, services: NodeId, service: &str) -> Option<String> {
    // the service part of a `volumes_from` entry: `name`, `name:ro`, `service:name:rw`
    let source = |entry: &str| -> Option<String> {
        let entry = entry.strip_prefix("service:").unwrap_or(entry);
        if entry.starts_with("container:") {
            return None;
        }
        Some(entry.split(':').next().unwrap_or(entry).to_string())
    };
    for (k, v) in doc.raw_pairs(services) {
        let Some(from) = doc.get(v, "volumes_from") else {
            continue;
        };
        let other = doc.str(k).unwrap_or("");
        for item in doc.items(from) {
            let Some(entry) = doc.str(item) else { continue };
            if other == service {
                return Some(format!(
                    "it takes the volumes of `{entry}` (volumes_from): not rewritten (edit them by hand)"
                ));
            }
            if source(entry).as_deref() == Some(service) {
                return Some(format!(
                    "service `{other}` takes its volumes (volumes_from) and would lose the socket with it: not rewritten (edit them by hand)"
                ));
            }
        }
    }
    None
}
