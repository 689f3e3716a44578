//! The Compose rewrite: DooD services into Docker-in-Docker with a `docker` daemon service, as
//! `dockscape generate dind --format compose` writes it (or its `dind-rootless` and `sysbox`
//! forms), or behind a read-only docker-socket-proxy service (`--to socket-proxy`).

use serde_json::{Value, json};

use super::k8s::{CLIENT_ENV, Plan, foreign_socket, label, needs_host, node_of, parent, selected};
use super::yaml::Editor;
use super::{Edit, MigrateNote, MigrateOptions, MigrateTarget, Refusal, proxy};
use crate::lint::{WorkloadScenario, classify};
use crate::read::ir::{Via, Workload, WorkloadKind};
use crate::read::paths::PathClass;
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

/// The generator's Compose file of `scenario`; with `low_port`, for a job that publishes a port
/// below 1024 (the rootless daemon service then gets `net.ipv4.ip_unprivileged_port_start`).
fn generated(scenario: &str, low_port: bool) -> Option<Generated> {
    let mut params = crate::Params::new();
    if low_port {
        params.set("command", "docker").ok()?;
        params.set("args", super::k8s::LOW_PORT_JOB).ok()?;
    }
    let scenario = crate::build_scenario(scenario, &params).ok()?;
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
            .is_some_and(|i| i.contains("-dind"))
    })?;
    let client = services
        .values()
        .find(|s| s.pointer("/environment/DOCKER_HOST").is_some())?;
    let env = client
        .get("environment")?
        .as_object()?
        .iter()
        .filter(|(k, _)| CLIENT_ENV.contains(&k.as_str()))
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
pub(super) fn own(doc: &Doc<'_>, map: NodeId, key: &str) -> Option<NodeId> {
    let v = doc.get(map, key)?;
    (doc.resolve(v) == v && parent(doc, v) == Some(map)).then_some(v)
}

/// What the services are rewritten into.
enum Form {
    /// A daemon service of the file (`dind`, `dind-rootless`, `sysbox`).
    Daemon(Box<Generated>),
    /// A read-only socket proxy service holding the socket (`socket-proxy`).
    Proxy,
}

/// Rewrite the DooD services of one Compose document into `target`.
pub(super) fn migrate_doc(
    doc: &Doc<'_>,
    text: &str,
    target: MigrateTarget,
    options: &MigrateOptions,
    plan: &mut Plan,
) {
    let (unit, _) = crate::read::compose::unit_with(doc, None);
    let Some(root) = doc.root() else { return };
    let Some(services) = own(doc, root, "services") else {
        return;
    };
    let ed = Editor::new(doc, text, services);
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    let mut migrated = Vec::new();
    let form = if target == MigrateTarget::SocketProxy {
        Form::Proxy
    } else {
        // a job of the file that publishes a port below 1024
        let low_port = unit.workloads.iter().any(|w| {
            let all: Vec<usize> = (0..w.containers.len()).collect();
            classify(w) == WorkloadScenario::Dood
                && selected(options, w)
                && super::k8s::publishes_low_port(&super::k8s::runs_of(w), &all)
        });
        match super::k8s::scenario_of(target).and_then(|id| generated(id, low_port)) {
            Some(g) => Form::Daemon(Box::new(g)),
            None => return,
        }
    };
    // the socket the proxy service mounts: the host path the first migrated service bound
    let mut socket: Option<String> = None;
    for w in &unit.workloads {
        if w.what != WorkloadKind::Pod
            || classify(w) != WorkloadScenario::Dood
            || !selected(options, w)
        {
            continue;
        }
        let name = label(w);
        // the proxy added by an earlier run holds the socket alone: nothing to do
        if matches!(form, Form::Proxy) && w.containers.iter().all(proxy::is_proxy) {
            continue;
        }
        if let Some(reason) = tied(doc, services, &w.name) {
            plan.refusals.push(Refusal {
                workload: name,
                line: w.loc.line as usize,
                reason,
            });
            continue;
        }
        let planned = match &form {
            Form::Daemon(g) => service(doc, &ed, w, &name, g, services),
            Form::Proxy => proxy_service(doc, &ed, w, &name, services, &mut socket),
        };
        match planned {
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
    let wline = doc.pos(services).0 as usize;
    let refuse_all = |plan: &mut Plan, migrated: Vec<String>, reason: String| {
        for w in migrated {
            plan.refusals.push(Refusal {
                workload: w,
                line: wline,
                reason: reason.clone(),
            });
        }
    };
    // once per file: the daemon service and its volumes, or the proxy service
    let g = match &form {
        Form::Daemon(g) => g,
        Form::Proxy => {
            if doc.get(services, proxy::NAME).is_some() {
                let reason = format!(
                    "a service `{}` is already declared: not rewritten",
                    proxy::NAME
                );
                return refuse_all(plan, migrated, reason);
            }
            let sock = socket.unwrap_or_else(|| "/var/run/docker.sock".to_string());
            let Some(add) = ed.add_key(services, proxy::NAME, &proxy_value(&sock)) else {
                return;
            };
            edits.push(add);
            plan.edits.extend(edits);
            plan.notes.extend(notes);
            plan.migrated.extend(migrated);
            return;
        }
    };
    let taken = doc.get(services, &g.daemon_name).is_some();
    let top_volumes = own(doc, root, "volumes").filter(|&v| doc.is_map(v));
    let volume_taken = g
        .volumes
        .iter()
        .any(|(n, _)| top_volumes.is_some_and(|v| doc.get(v, n).is_some()));
    if taken || volume_taken || (top_volumes.is_none() && doc.get(root, "volumes").is_some()) {
        let reason = format!(
            "a service `{}` or a volume `{}` is already declared: not rewritten",
            g.daemon_name,
            g.volumes
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join("`/`")
        );
        return refuse_all(plan, migrated, reason);
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

/// The proxy service: the image and API sections of the Kubernetes form, the socket read-only.
fn proxy_value(socket: &str) -> Value {
    let env: serde_json::Map<String, Value> = proxy::SECTIONS
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    json!({
        "image": proxy::IMAGE,
        "environment": env,
        "volumes": [format!("{socket}:/var/run/docker.sock:ro")],
    })
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
    let svc = service_map(doc, w, services).ok_or_else(|| fail(wline))?;
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
    let mut socket_items: Vec<NodeId> = socket_binds(
        doc,
        c,
        vols,
        "a Docker daemon of its own does not serve that API",
        &fail,
    )?
    .into_iter()
    .map(|(item, _)| item)
    .collect();
    socket_items.sort_unstable();
    socket_items.dedup();
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
    edits.extend(set_env(doc, ed, svc, &g.env).ok_or_else(|| fail(wline))?);
    // the client waits for the daemon to be healthy
    edits.push(depend_on(doc, ed, svc, &g.daemon_name, &g.depends).ok_or_else(|| fail(wline))?);
    let note = super::k8s::note_for(name);
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

/// The mapping of service `w`, written in `services` itself (not through an alias or `extends`).
pub(super) fn service_map(doc: &Doc<'_>, w: &Workload<'_>, services: NodeId) -> Option<NodeId> {
    let key = node_of(w.loc.field)?;
    if parent(doc, key) != Some(services) {
        return None;
    }
    value_of(doc, key).filter(|&s| doc.is_map(s) && doc.resolve(s) == s)
}

/// Set `env` in the service's `environment` (a mapping or a list of `NAME=value`, or a new
/// mapping): a variable it sets is replaced where it is, the others are added.
pub(super) fn set_env(
    doc: &Doc<'_>,
    ed: &Editor<'_, '_>,
    svc: NodeId,
    env: &[(String, String)],
) -> Option<Vec<Edit>> {
    let mut edits = Vec::new();
    match own(doc, svc, "environment") {
        None if doc.get(svc, "environment").is_none() => {
            let map: serde_json::Map<String, Value> = env
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            edits.push(ed.add_key(svc, "environment", &Value::Object(map))?);
        }
        Some(list) if doc.is_map(list) => {
            for (k, v) in env {
                let existing = doc
                    .raw_pairs(list)
                    .filter(|&(kk, _)| doc.str(kk) == Some(k.as_str()))
                    .last();
                let val = Value::String(v.clone());
                match existing {
                    Some((_, vv)) => edits.push(ed.replace_scalar(vv, &val)?),
                    None => edits.push(ed.add_key(list, k, &val)?),
                }
            }
        }
        Some(list) if doc.is_seq(list) => {
            for (k, v) in env {
                let item = Value::String(format!("{k}={v}"));
                let existing = doc.items(list).find(|&i| {
                    doc.str(i)
                        .is_some_and(|t| t == k || t.starts_with(&format!("{k}=")))
                });
                match existing {
                    Some(i) => edits.push(ed.replace_item(i, std::slice::from_ref(&item))?),
                    None => edits.push(ed.append_item(list, &item)?),
                }
            }
        }
        _ => return None,
    }
    Some(edits)
}

/// Add `name` (with `condition`, in the mapping form) to the service's `depends_on`.
fn depend_on(
    doc: &Doc<'_>,
    ed: &Editor<'_, '_>,
    svc: NodeId,
    name: &str,
    condition: &Value,
) -> Option<Edit> {
    match own(doc, svc, "depends_on") {
        None if doc.get(svc, "depends_on").is_none() => {
            let mut m = serde_json::Map::new();
            m.insert(name.to_string(), condition.clone());
            ed.add_key(svc, "depends_on", &Value::Object(m))
        }
        Some(d) if doc.is_map(d) => ed.add_key(d, name, condition),
        Some(d) if doc.is_seq(d) => ed.append_item(d, &Value::String(name.to_string())),
        _ => None,
    }
}

/// The items of the service's `volumes` list that bind a runtime socket (each with its mount):
/// refused when it is another runtime's socket (`why_not` says why that matters), comes through a
/// named volume's `driver_opts`, or is not written in the list itself.
pub(super) fn socket_binds<'c, 't>(
    doc: &Doc<'_>,
    c: &'c crate::read::ir::Container<'t>,
    vols: NodeId,
    why_not: &str,
    fail: &dyn Fn(u32) -> Refused,
) -> Result<Vec<(NodeId, &'c crate::read::ir::Mount<'t>)>, Refused> {
    let mut out = Vec::new();
    for m in &c.mounts {
        let Some(h) = &m.host else { continue };
        if h.runtime().is_none() {
            continue;
        }
        if let Some(refused) = foreign_socket(h, why_not) {
            return Err(refused);
        }
        if h.via != Via::Direct {
            return Err((
                m.loc.line,
                "the socket comes through a named volume's `driver_opts`: not rewritten (bind the socket itself, or remove the volume by hand)".to_string(),
            ));
        }
        let item = node_of(m.loc.field).ok_or_else(|| fail(m.loc.line))?;
        if parent(doc, item) != Some(vols) || doc.resolve(item) != item {
            return Err(fail(m.loc.line));
        }
        out.push((item, m));
    }
    Ok(out)
}

/// `--to socket-proxy` for one service: its socket binds go, it reaches the proxy service at
/// `tcp://docker-socket-proxy:2375` and starts after it.
fn proxy_service(
    doc: &Doc<'_>,
    ed: &Editor<'_, '_>,
    w: &Workload<'_>,
    name: &str,
    services: NodeId,
    socket: &mut Option<String>,
) -> Result<Planned, Refused> {
    let wline = w.loc.line;
    let fail = |line: u32| {
        (
            line,
            "written with `extends`, YAML anchors, aliases or merge keys, or flow style where the edits go: not rewritten (edit it by hand)".to_string(),
        )
    };
    let svc = service_map(doc, w, services).ok_or_else(|| fail(wline))?;
    let c = w.containers.first().ok_or_else(|| fail(wline))?;
    if w.name == proxy::NAME {
        return Err((
            wline,
            format!(
                "the service is named `{}`, the name of the proxy service: not rewritten",
                proxy::NAME
            ),
        ));
    }
    let vols = own(doc, svc, "volumes").ok_or_else(|| fail(wline))?;
    let binds = socket_binds(
        doc,
        c,
        vols,
        "the docker-socket-proxy serves the Docker API only",
        &fail,
    )?;
    let mut items: Vec<NodeId> = Vec::new();
    for (item, m) in binds {
        let Some(h) = &m.host else { continue };
        if !matches!(h.class, PathClass::Socket(_)) {
            return Err((
                m.loc.line,
                "the socket is reached through its directory: the socket-proxy migration needs a bind of the socket itself (`/var/run/docker.sock`, or use `--to dind`)".to_string(),
            ));
        }
        let raw = h.raw.as_str().to_string();
        match socket.as_deref() {
            Some(s) if s != raw => {
                return Err((
                    h.loc.line,
                    format!(
                        "the socket is bound from `{raw}`, another path than the `{s}` of the proxy: not rewritten"
                    ),
                ));
            }
            Some(_) => {}
            None => *socket = Some(raw),
        }
        let written = ed.span(item).and_then(|(s, e)| ed.text.get(s..e));
        if written.is_none_or(|t| t.contains('$')) {
            return Err((
                m.loc.line,
                "the socket's bind is written with a variable: the proxy service would bind another path than the one Compose interpolates; not rewritten (edit it by hand)".to_string(),
            ));
        }
        if !items.contains(&item) {
            items.push(item);
        }
    }
    if items.is_empty() {
        return Err(fail(wline));
    }
    if let Some((line, shown)) = proxy::writes(c) {
        return Err((
            line,
            format!(
                "`{shown}` writes to the Docker API (or could not be told read-only): a read-only socket proxy (GET only, POST=0) would refuse it; use `--to dind`"
            ),
        ));
    }
    let mut edits = Vec::new();
    if doc.items(vols).count() == items.len() {
        edits.push(ed.delete_entry(svc, vols).ok_or_else(|| fail(wline))?);
    } else {
        for &i in &items {
            edits.push(ed.delete_item(i).ok_or_else(|| fail(wline))?);
        }
    }
    let host = format!("tcp://{}:2375", proxy::NAME);
    edits.extend(
        set_env(doc, ed, svc, &[("DOCKER_HOST".to_string(), host.clone())])
            .ok_or_else(|| fail(wline))?,
    );
    edits.push(
        depend_on(
            doc,
            ed,
            svc,
            proxy::NAME,
            &json!({"condition": "service_started"}),
        )
        .ok_or_else(|| fail(wline))?,
    );
    let note = super::k8s::note_for(name);
    let sock_line = c.mounts.first().map_or(wline, |m| m.loc.line);
    let mut notes = vec![
        note(
            sock_line,
            format!(
                "the service no longer binds the socket: it reaches the read-only proxy at `{host}` (plain TCP on the Compose network, DS008), and any write call (run, build, push, rm, exec...) is refused with 403"
            ),
        ),
        note(
            sock_line,
            format!(
                "the host's Docker socket is still bound, on the `{}` service alone, read-only: the file stays DooD (DS001 remains on the proxy), but its services get only the proxy's GET sections (containers, images, info, version; POST=0)",
                proxy::NAME
            ),
        ),
        note(
            wline,
            format!(
                "the proxy listens on port 2375 of its network: every service on the same Compose network can read the host's Docker API through `{}`",
                proxy::NAME
            ),
        ),
    ];
    notes.sort_by_key(|n| n.line);
    Ok((edits, notes))
}

/// Why `service` cannot be rewritten alone: another service `extends` it (and would change with
/// it), or its volumes are shared through `volumes_from`.
pub(super) fn tied(doc: &Doc<'_>, services: NodeId, service: &str) -> Option<String> {
    let extended_by = doc.raw_pairs(services).find_map(|(k, v)| {
        let ext = doc.get(v, "extends")?;
        let base = doc
            .str(ext)
            .or_else(|| doc.get(ext, "service").and_then(|s| doc.str(s)))?;
        (base == service && doc.get(ext, "file").is_none())
            .then(|| doc.str(k).unwrap_or("").to_string())
    });
    // a socket shared through `volumes_from` would be taken from the services that read it
    shared_volumes(doc, services, service).or_else(|| {
        extended_by.map(|other| {
            format!("service `{other}` extends it, and would change with it: not rewritten (edit them by hand)")
        })
    })
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
