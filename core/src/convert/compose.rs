//! A Compose file → model pods: every service its own pod, unless services share a network
//! namespace (`network_mode: service:x`) or `--pod NAME=a,b` groups them; a service another one
//! waits for with `service_completed_successfully` becomes that pod's init container.
//!
//! The YAML is read by `read/source.rs` (positions, merge keys, budgets), values are interpolated
//! by `read/interpolate.rs` (`.env` and defaults first), short volume specs split by
//! `read/compose.rs`; every key that is not carried over is reported with its line and column.

use super::Dropped;
use super::run::{
    CGROUPNS_IN_POD, DEVICE_IN_POD, INIT_IN_POD, LOGGING_IN_POD, MAX_NAMESERVERS,
    NAMESERVERS_IN_POD, PIDS_LIMIT_IN_POD, Published, Read, STOP_SIGNAL_IN_POD, TMPFS_MODE_IN_POD,
    ULIMIT_IN_POD, USERNS_IN_POD, VOLUMES_FROM_IN_POD, add_ports, add_volume, capability, device,
    dns_label, dns_option, host_path_type, host_volume_name, named_volume, publish, quantity,
    seconds,
};
use crate::interpolate::{Env, Unknown, expand};
use crate::model::{Container, ContainerRole, EnvVar, Pod, Probe, Tmpfs, Ulimit, VolumeSource};
use crate::read::compose::{compose_true, read_only_mode, shell_words, split_volume};
use crate::read::source::{Doc, Loader, NodeId};
use crate::{Error, ErrorKind};

/// One service as read, before pods are formed.
struct Service {
    name: String,
    container: Container,
    pod: Pod,
    restart: Option<String>,
    /// `network_mode: service:x` / `pid: service:x`: the service whose namespace it joins.
    joins: Option<String>,
    /// `depends_on` entries with `service_completed_successfully`.
    completes: Vec<String>,
}

struct Ctx<'d, 'a, 'e> {
    doc: &'d Doc<'a>,
    env: &'e Env,
    out: &'e mut Read,
}

const NO_COUNTERPART: &str = "no counterpart in a Pod or dockscape's model yet";

impl Ctx<'_, '_, '_> {
    fn drop(&mut self, id: NodeId, key: &str, reason: &str) {
        let (line, column) = self.doc.pos(id);
        self.out.dropped.push(Dropped {
            line,
            column,
            key_or_flag: key.to_owned(),
            reason: reason.to_owned(),
        });
    }

    /// Reported when the target is Kubernetes only.
    fn pod_drop(&mut self, id: NodeId, key: &str, reason: &str) {
        let (line, column) = self.doc.pos(id);
        self.out.pod_dropped.push(Dropped {
            line,
            column,
            key_or_flag: key.to_owned(),
            reason: reason.to_owned(),
        });
    }

    fn note(&mut self, id: NodeId, message: String) {
        self.out.note_at(self.doc.pos(id), message);
    }

    fn error(&mut self, id: NodeId, message: String) {
        self.out.error_at(self.doc.pos(id), message);
    }

    /// The scalar `id` interpolated as Compose does: known variables and defaults; an unset one
    /// is read as unset (its default, or empty) with a note.
    fn text(&mut self, id: NodeId) -> Option<String> {
        let raw = self.doc.str(id)?.to_owned();
        if !raw.contains('$') {
            return Some(raw);
        }
        match expand(&raw, self.env, Unknown::Unset) {
            Ok(e) => {
                if !e.unknown.is_empty() {
                    self.note(
                        id,
                        format!(
                            "`{raw}` uses {} not set in `.env` or the environment: read as unset (its default, or empty)",
                            e.unknown
                                .iter()
                                .map(|v| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                if let Some((var, msg)) = e.required {
                    self.error(id, format!("`{raw}`: `{var}` is required: {msg}"));
                }
                Some(e.text)
            }
            Err(err) => {
                self.error(id, format!("`{raw}`: {} (Compose refuses it)", err.message));
                None
            }
        }
    }

    /// A list of scalars, or one scalar as a one-item list.
    fn texts(&mut self, id: NodeId) -> Vec<(NodeId, String)> {
        if self.doc.is_seq(id) {
            let items: Vec<NodeId> = self.doc.items(id).collect();
            items
                .into_iter()
                .filter_map(|i| self.text(i).map(|t| (i, t)))
                .collect()
        } else {
            self.text(id).map(|t| (id, t)).into_iter().collect()
        }
    }

    /// `command` / `entrypoint`: a list, or a string split as sh would.
    fn words(&mut self, id: NodeId) -> Vec<String> {
        if self.doc.is_seq(id) {
            self.texts(id).into_iter().map(|(_, t)| t).collect()
        } else {
            self.text(id).map(|t| shell_words(&t)).unwrap_or_default()
        }
    }

    /// A mapping (`KEY: value`) or a list (`KEY=value`) as pairs; a value-less entry is `None`.
    fn pairs(&mut self, id: NodeId) -> Vec<(NodeId, String, Option<String>)> {
        let doc = self.doc;
        if doc.is_map(id) {
            doc.pairs(id)
                .into_iter()
                .filter_map(|(k, v)| {
                    let key = doc.str(k)?.to_owned();
                    let val = self.text(v);
                    Some((k, key, val))
                })
                .collect()
        } else {
            self.texts(id)
                .into_iter()
                .map(|(i, t)| match t.split_once('=') {
                    Some((k, v)) => (i, k.to_owned(), Some(v.to_owned())),
                    None => (i, t, None),
                })
                .collect()
        }
    }
}

/// Read a Compose file with `env` (`.env` and the caller's variables); `groups` are `--pod`
/// groupings (pod name, services).
pub(super) fn read(text: &str, env: &Env, groups: &[(String, Vec<String>)]) -> Read {
    let mut out = Read::default();
    let mut parse_errors = Vec::new();
    let mut loader = Loader::default();
    let mut seen = false;
    loader.run(
        text,
        |doc, _| {
            if seen {
                if let Some(root) = doc.root() {
                    let (l, c) = doc.pos(root);
                    out.errors.push(
                        Error::new(
                            ErrorKind::InvalidInput,
                            "a second YAML document in a Compose file: Compose reads the first only",
                        )
                        .at(l as usize, c as usize),
                    );
                }
                return;
            }
            seen = true;
            let mut ctx = Ctx {
                doc,
                env,
                out: &mut out,
            };
            file(&mut ctx, groups);
            for (l, c, m) in doc.take_problems() {
                out.errors
                    .push(Error::new(ErrorKind::InvalidInput, m).at(l as usize, c as usize));
            }
        },
        |e| {
            parse_errors.push(Error::new(ErrorKind::Parse, e.message).at(e.line, e.column));
        },
    );
    out.errors.extend(parse_errors);
    out
}

fn file(ctx: &mut Ctx<'_, '_, '_>, groups: &[(String, Vec<String>)]) {
    let doc = ctx.doc;
    let Some(root) = doc.root() else { return };
    if !doc.is_map(root) {
        ctx.error(root, "a Compose file must be a mapping".into());
        return;
    }
    // top-level named volumes whose driver_opts bind a host folder (`o: bind`, `device: /path`)
    let mut named: Vec<(String, VolumeSource)> = Vec::new();
    let mut services_id = None;
    for (k, v) in doc.pairs(root) {
        let Some(key) = doc.str(k) else { continue };
        match key {
            "services" => services_id = Some(v),
            "name" | "version" => {}
            "volumes" => {
                for (vk, vv) in doc.pairs(v) {
                    let Some(name) = doc.str(vk).map(str::to_owned) else {
                        continue;
                    };
                    let device = doc
                        .path(vv, &["driver_opts", "device"])
                        .and_then(|d| ctx.text(d));
                    let bind = doc
                        .path(vv, &["driver_opts", "o"])
                        .and_then(|o| ctx.text(o))
                        .is_some_and(|o| o.split(',').any(|p| matches!(p.trim(), "bind" | "rbind")));
                    let kind = doc
                        .path(vv, &["driver_opts", "type"])
                        .and_then(|t| ctx.text(t));
                    let size = doc
                        .path(vv, &["driver_opts", "o"])
                        .and_then(|o| ctx.text(o))
                        .and_then(|o| {
                            o.split(',')
                                .find_map(|p| p.trim().strip_prefix("size=").and_then(quantity))
                        });
                    match device {
                        Some(d) if bind && d.starts_with('/') => named.push((
                            name,
                            VolumeSource::HostPath {
                                kind: Some(host_path_type(&d, false)),
                                path: d,
                            },
                        )),
                        _ if kind.as_deref() == Some("tmpfs") => named.push((
                            name,
                            VolumeSource::EmptyDir {
                                memory: true,
                                size_limit: size,
                            },
                        )),
                        _ => {
                            for (ok, _) in doc.pairs(vv) {
                                if let Some(o) = doc.str(ok) {
                                    ctx.drop(
                                        ok,
                                        &format!("volumes.{name}.{o}"),
                                        "volume driver settings: the volume is a plain named volume (Pod: emptyDir)",
                                    );
                                }
                            }
                        }
                    }
                }
            }
            "networks" => ctx.drop(
                k,
                "networks",
                "the services share one network (a Pod the cluster's): network settings are not carried",
            ),
            "secrets" | "configs" => ctx.drop(
                k,
                key,
                "needs a decision: make a Kubernetes Secret or ConfigMap (convert is pure and does not read the files)",
            ),
            "include" => ctx.drop(k, "include", "other Compose files are not followed: convert each one"),
            k2 if k2.starts_with("x-") => {}
            other => ctx.drop(k, other, "not a top-level key of the Compose specification"),
        }
    }
    let Some(services_id) = services_id else {
        ctx.error(root, "a Compose file without `services`".into());
        return;
    };
    let mut services = Vec::new();
    for (k, v) in doc.pairs(services_id) {
        let Some(name) = doc.str(k).map(str::to_owned) else {
            continue;
        };
        if !doc.is_map(v) {
            ctx.error(k, format!("service `{name}` must be a mapping"));
            continue;
        }
        if let Some(s) = service(ctx, &name, v, &named) {
            services.push(s);
        }
    }
    pods(ctx, services, groups);
}

fn service(
    ctx: &mut Ctx<'_, '_, '_>,
    name: &str,
    id: NodeId,
    named: &[(String, VolumeSource)],
) -> Option<Service> {
    let doc = ctx.doc;
    let Some(image) = doc.get(id, "image").and_then(|i| ctx.text(i)) else {
        let what = if doc.get(id, "build").is_some() {
            " (only `build`: build and push the image, then set `image`)"
        } else {
            ""
        };
        ctx.error(id, format!("service `{name}` has no `image`{what}"));
        return None;
    };
    let mut c = Container::new(dns_label(name), image);
    if c.name != name {
        ctx.note(
            id,
            format!("service `{name}` is named `{}` (a DNS-1123 label)", c.name),
        );
    }
    let mut pod = Pod {
        name: c.name.clone(),
        namespace: "default".into(),
        restart_policy: "Never".into(),
        ..Pod::default()
    };
    let mut s = Service {
        name: name.to_owned(),
        container: Container::new("", ""),
        pod: Pod::default(),
        restart: None,
        joins: None,
        completes: Vec::new(),
    };
    let mut anon = 0usize;
    for (k, v) in doc.pairs(id) {
        let Some(key) = doc.str(k).map(str::to_owned) else {
            continue;
        };
        let key = key.as_str();
        match key {
            "image" => {}
            "command" => c.args = ctx.words(v),
            "entrypoint" => c.command = ctx.words(v),
            "environment" => {
                for (i, k2, val) in ctx.pairs(v) {
                    match val {
                        Some(val) => c.env.push(EnvVar::text(k2, val)),
                        None => ctx.drop(
                            i,
                            &format!("environment.{k2}"),
                            "takes its value from the caller's environment: needs a decision (write NAME=value)",
                        ),
                    }
                }
            }
            "ports" => {
                for item in doc.items(v).collect::<Vec<_>>() {
                    match compose_port(ctx, item) {
                        Ok(list) => add_ports(&mut c, list),
                        Err(why) => ctx.drop(item, "ports", why),
                    }
                }
            }
            "expose" => {
                for (i, t) in ctx.texts(v) {
                    match publish(&t) {
                        Ok(list)
                            if list
                                .iter()
                                .all(|(ip, p)| ip.is_none() && p.published.is_none()) =>
                        {
                            add_ports(&mut c, list);
                        }
                        Ok(_) => ctx.drop(i, "expose", "not a port or a range of ports"),
                        Err(why) => ctx.drop(i, "expose", why),
                    }
                }
            }
            "volumes" => {
                for item in doc.items(v).collect::<Vec<_>>() {
                    volume(ctx, item, &mut pod, &mut c, &mut anon, named);
                }
            }
            "tmpfs" => {
                for (i, t) in ctx.texts(v) {
                    let (tm, others) = super::run::tmpfs_spec(&t);
                    for (mode, o) in others {
                        if mode {
                            ctx.pod_drop(i, "tmpfs mode", TMPFS_MODE_IN_POD);
                        } else {
                            ctx.drop(
                                i,
                                &format!("tmpfs {o}"),
                                "tmpfs option without a counterpart in an emptyDir",
                            );
                        }
                    }
                    c.tmpfs.push(tm);
                }
            }
            "init" => {
                c.init = ctx.text(v).is_some_and(|t| compose_true(&t));
                if c.init {
                    ctx.pod_drop(k, key, INIT_IN_POD);
                }
            }
            "dns" => {
                for (n, (i, t)) in ctx.texts(v).into_iter().enumerate() {
                    if n >= MAX_NAMESERVERS {
                        ctx.pod_drop(i, "dns", NAMESERVERS_IN_POD);
                    }
                    pod.dns.nameservers.push(t);
                }
            }
            "dns_search" => {
                pod.dns.searches = ctx.texts(v).into_iter().map(|(_, t)| t).collect();
            }
            "dns_opt" => {
                pod.dns.options = ctx
                    .texts(v)
                    .into_iter()
                    .map(|(_, t)| dns_option(&t))
                    .collect();
            }
            "shm_size" => mem(ctx, v, key, &mut c.shm_size),
            "stop_signal" => {
                c.stop_signal = ctx.text(v);
                ctx.pod_drop(k, key, STOP_SIGNAL_IN_POD);
            }
            "devices" => {
                for (i, t) in ctx.texts(v) {
                    match device(&t) {
                        Ok(d) => {
                            c.devices.push(d);
                            ctx.pod_drop(i, "devices", DEVICE_IN_POD);
                        }
                        Err(why) => ctx.drop(i, "devices", why),
                    }
                }
            }
            "ulimits" => {
                for (uk, uv) in doc.pairs(v) {
                    let Some(name) = doc.str(uk).map(str::to_owned) else {
                        continue;
                    };
                    let int = |ctx: &mut Ctx<'_, '_, '_>, id: Option<NodeId>| {
                        id.and_then(|i| ctx.text(i))
                            .and_then(|t| t.parse::<i64>().ok())
                    };
                    let (soft, hard) = if doc.is_map(uv) {
                        (
                            int(ctx, doc.get(uv, "soft")),
                            int(ctx, doc.get(uv, "hard")),
                        )
                    } else {
                        let n = int(ctx, Some(uv));
                        (n, n)
                    };
                    match (soft, hard) {
                        (Some(soft), Some(hard)) => {
                            c.ulimits.push(Ulimit { name, soft, hard });
                            ctx.pod_drop(uk, &format!("ulimits.{}", doc.str(uk).unwrap_or("")), ULIMIT_IN_POD);
                        }
                        _ => ctx.drop(
                            uk,
                            &format!("ulimits.{name}"),
                            "not a whole number or `soft` and `hard`",
                        ),
                    }
                }
            }
            "privileged" => c.security.privileged = ctx.text(v).is_some_and(|t| compose_true(&t)),
            "read_only" => {
                c.security.read_only_root_filesystem =
                    ctx.text(v).is_some_and(|t| compose_true(&t));
            }
            "tty" => c.tty = ctx.text(v).is_some_and(|t| compose_true(&t)),
            "stdin_open" => c.stdin = ctx.text(v).is_some_and(|t| compose_true(&t)),
            "cap_add" => {
                for (_, t) in ctx.texts(v) {
                    c.security.add_capabilities.push(capability(&t));
                }
            }
            "cap_drop" => {
                for (_, t) in ctx.texts(v) {
                    c.security.drop_capabilities.push(capability(&t));
                }
            }
            "user" => {
                let t = ctx.text(v).unwrap_or_default();
                let (u, g) = match t.split_once(':') {
                    Some((u, g)) => (u, Some(g)),
                    None => (t.as_str(), None),
                };
                match (u.parse::<i64>(), g.map(str::parse::<i64>)) {
                    (Ok(u), None) => c.security.run_as_user = Some(u),
                    (Ok(u), Some(Ok(g))) => {
                        c.security.run_as_user = Some(u);
                        c.security.run_as_group = Some(g);
                    }
                    _ => ctx.drop(
                        k,
                        "user",
                        "a user name: Kubernetes runAsUser takes a number (write the uid)",
                    ),
                }
            }
            "working_dir" => c.working_dir = ctx.text(v),
            "hostname" => pod.hostname = ctx.text(v),
            "extra_hosts" => {
                for (i, name2, ip) in ctx.pairs(v) {
                    // list items are `name:ip` or `name=ip`; the mapping form is `name: ip`
                    let (host, ip) = match ip {
                        Some(ip) => (name2, ip),
                        None => match name2.split_once(':') {
                            Some((h, ip)) => (h.to_owned(), ip.to_owned()),
                            None => {
                                ctx.drop(i, "extra_hosts", "not HOST:IP");
                                continue;
                            }
                        },
                    };
                    let ip = ip.trim_start_matches('[').trim_end_matches(']').to_owned();
                    match pod.host_aliases.iter_mut().find(|(a, _)| *a == ip) {
                        Some((_, names)) => names.push(host),
                        None => pod.host_aliases.push((ip, vec![host])),
                    }
                }
            }
            "network_mode" => {
                let t = ctx.text(v).unwrap_or_default();
                if t == "host" {
                    pod.host_network = true;
                } else if let Some(other) = t.strip_prefix("service:") {
                    s.joins = Some(other.to_owned());
                } else if t != "bridge" && t != "default" {
                    ctx.drop(
                        v,
                        "network_mode",
                        "no counterpart: a Pod's containers share one network namespace",
                    );
                }
            }
            "networks" => ctx.note(
                k,
                format!(
                    "service `{name}` joins named networks: the services share one network (a Pod the cluster's)"
                ),
            ),
            "pid" | "ipc" => {
                let t = ctx.text(v).unwrap_or_default();
                match (key, t.as_str()) {
                    ("pid", "host") => pod.host_pid = true,
                    ("ipc", "host") => pod.host_ipc = true,
                    ("ipc", "private" | "shareable") => {}
                    ("pid", x) if x.starts_with("service:") => {
                        pod.share_process_namespace = true;
                        s.joins = s.joins.take().or(x.strip_prefix("service:").map(str::to_owned));
                    }
                    _ => ctx.drop(v, key, "no counterpart in a Pod"),
                }
            }
            "sysctls" => {
                for (i, k2, val) in ctx.pairs(v) {
                    match val {
                        Some(val) => pod.sysctls.push((k2, val)),
                        None => ctx.drop(i, "sysctls", "not NAME=value"),
                    }
                }
            }
            "group_add" => {
                for (i, t) in ctx.texts(v) {
                    match t.parse::<u32>() {
                        Ok(g) if !pod.supplemental_groups.contains(&i64::from(g)) => {
                            pod.supplemental_groups.push(i64::from(g));
                        }
                        Ok(_) => {}
                        Err(_) => ctx.drop(
                            i,
                            "group_add",
                            "a group name: Kubernetes supplementalGroups takes a number (write the gid)",
                        ),
                    }
                }
            }
            "security_opt" => {
                for (i, t) in ctx.texts(v) {
                    match t.as_str() {
                        "no-new-privileges" | "no-new-privileges:true" | "no-new-privileges=true" => {
                            c.security.allow_privilege_escalation = Some(false);
                        }
                        "seccomp:unconfined" | "seccomp=unconfined" => {
                            c.security.seccomp_unconfined = true;
                        }
                        "apparmor:unconfined" | "apparmor=unconfined" => {
                            c.security.apparmor_unconfined = true;
                        }
                        _ => ctx.drop(i, "security_opt", NO_COUNTERPART),
                    }
                }
            }
            "runtime" => pod.runtime_class = ctx.text(v),
            "restart" => {
                let t = ctx.text(v).unwrap_or_default();
                let policy = match t.split(':').next().unwrap_or("") {
                    "no" => "Never",
                    "always" | "unless-stopped" => "Always",
                    "on-failure" => "OnFailure",
                    _ => {
                        ctx.drop(v, "restart", "not a restart policy Compose accepts");
                        continue;
                    }
                };
                pod.restart_policy = policy.into();
                s.restart = Some(t).filter(|t| t != "no");
            }
            "healthcheck" => healthcheck(ctx, v, &mut c),
            "depends_on" => depends_on(ctx, v, &mut s),
            "deploy" => deploy(ctx, v, &mut c),
            "mem_limit" => mem(ctx, v, key, &mut c.resources.memory_limit),
            "mem_reservation" => mem(ctx, v, key, &mut c.resources.memory_request),
            "cpus" => c.resources.cpu_limit = ctx.text(v),
            "cpu_shares" => match ctx.text(v).and_then(|t| t.parse::<u64>().ok()) {
                Some(n) if n > 0 => {
                    c.resources.cpu_request = Some(format!("{}m", (n * 1000).div_ceil(1024)));
                }
                _ => ctx.drop(v, key, "not a positive whole number"),
            },
            "stop_grace_period" => match ctx.text(v).and_then(|t| seconds(&t)) {
                Some(t) => pod.termination_grace_period_seconds = Some(i64::from(t)),
                None => ctx.drop(v, key, "not a duration dockscape reads (30s, 1m30s)"),
            },
            "userns_mode" => {
                c.docker.userns_mode = ctx.text(v);
                ctx.pod_drop(k, key, USERNS_IN_POD);
            }
            "cgroup" => {
                c.docker.cgroupns = ctx.text(v);
                ctx.pod_drop(k, key, CGROUPNS_IN_POD);
            }
            "pids_limit" => match ctx.text(v).and_then(|t| t.parse::<i64>().ok()) {
                Some(n) => {
                    c.docker.pids_limit = Some(n);
                    ctx.pod_drop(k, key, PIDS_LIMIT_IN_POD);
                }
                None => ctx.drop(v, key, "not a whole number"),
            },
            "logging" => {
                let driver = doc.get(v, "driver");
                c.docker.log_driver = driver.and_then(|d| ctx.text(d));
                if let Some(o) = doc.get(v, "options") {
                    c.docker.log_options = ctx
                        .pairs(o)
                        .into_iter()
                        .map(|(_, k2, val)| (k2, val.unwrap_or_default()))
                        .collect();
                }
                for (k2, _) in doc.pairs(v) {
                    if let Some(name) = doc.str(k2)
                        && !matches!(name, "driver" | "options")
                    {
                        ctx.drop(k2, &format!("logging.{name}"), NO_COUNTERPART);
                    }
                }
                ctx.pod_drop(k, key, LOGGING_IN_POD);
            }
            "volumes_from" => {
                for (_, t) in ctx.texts(v) {
                    c.docker.volumes_from.push(t);
                }
                ctx.pod_drop(k, key, VOLUMES_FROM_IN_POD);
            }
            "container_name" => ctx.drop(
                k,
                key,
                "the service name names the container and the pod; a fixed container name has no counterpart",
            ),
            "build" => ctx.drop(k, key, "the image must be built and pushed first: `image` is used"),
            "env_file" => ctx.drop(
                k,
                key,
                "the file is not read (convert is pure): copy its variables into `environment`",
            ),
            "extends" => ctx.drop(
                k,
                key,
                "not followed: convert the output of `docker compose config` to include what it inherits",
            ),
            "labels" => {
                for (i, k2, val) in ctx.pairs(v) {
                    match super::annotation_key(&k2) {
                        Ok(()) => pod.container_labels.push((k2, val.unwrap_or_default())),
                        Err(why) => ctx.drop(i, "labels", why),
                    }
                }
            }
            k2 if k2.starts_with("x-") => {}
            other => ctx.drop(k, other, NO_COUNTERPART),
        }
    }
    s.container = c;
    s.pod = pod;
    Some(s)
}

fn mem(ctx: &mut Ctx<'_, '_, '_>, v: NodeId, key: &str, slot: &mut Option<String>) {
    match ctx.text(v).and_then(|t| quantity(&t)) {
        Some(q) => *slot = Some(q),
        None => ctx.drop(v, key, "not a size dockscape reads"),
    }
}

/// A `ports:` item: `"127.0.0.1:8080-8081:80-81/udp"`, `80` or the long syntax.
fn compose_port(ctx: &mut Ctx<'_, '_, '_>, item: NodeId) -> Result<Published, &'static str> {
    let doc = ctx.doc;
    if doc.is_map(item) {
        let target = doc
            .get(item, "target")
            .and_then(|t| ctx.text(t))
            .ok_or("a port without `target`")?;
        let published = doc.get(item, "published").and_then(|t| ctx.text(t));
        let host_ip = doc.get(item, "host_ip").and_then(|t| ctx.text(t));
        let protocol = match doc
            .get(item, "protocol")
            .and_then(|t| ctx.text(t))
            .as_deref()
        {
            Some("udp") => "/udp",
            None | Some("tcp") => "",
            Some(_) => return Err("a protocol other than tcp and udp: no counterpart"),
        };
        for (k, _) in doc.pairs(item) {
            if let Some(key) = doc.str(k)
                && !matches!(
                    key,
                    "target" | "published" | "host_ip" | "protocol" | "mode"
                )
            {
                ctx.drop(
                    k,
                    &format!("ports.{key}"),
                    "no counterpart in a container port",
                );
            }
        }
        let ip = match host_ip.as_deref() {
            Some(ip) if ip.contains(':') => format!("[{ip}]:"),
            Some(ip) => format!("{ip}:"),
            None => String::new(),
        };
        let spec = match &published {
            Some(p) => format!("{ip}{p}:{target}{protocol}"),
            None if host_ip.is_some() => format!("{ip}:{target}{protocol}"),
            None => format!("{target}{protocol}"),
        };
        if published.is_none() && host_ip.is_none() {
            ctx.note(
                item,
                format!(
                    "port {target} publishes on a random host port: written as an exposed port"
                ),
            );
        }
        return publish(&spec);
    }
    let t = ctx.text(item).ok_or("not a port")?;
    let list = publish(&t)?;
    if list.iter().any(|(_, p)| p.published.is_none()) {
        ctx.note(
            item,
            format!("`{t}` publishes on a random host port: written as an exposed port"),
        );
    }
    Ok(list)
}

fn volume(
    ctx: &mut Ctx<'_, '_, '_>,
    item: NodeId,
    pod: &mut Pod,
    c: &mut Container,
    anon: &mut usize,
    named: &[(String, VolumeSource)],
) {
    let doc = ctx.doc;
    let (kind, src, dst, ro, sub) = if doc.is_map(item) {
        let kind = doc.get(item, "type").and_then(|t| ctx.text(t));
        let src = doc.get(item, "source").and_then(|t| ctx.text(t));
        let dst = doc.get(item, "target").and_then(|t| ctx.text(t));
        let ro = doc
            .get(item, "read_only")
            .and_then(|t| ctx.text(t))
            .is_some_and(|t| compose_true(&t));
        let sub = doc
            .path(item, &["volume", "subpath"])
            .and_then(|t| ctx.text(t));
        for (k, _) in doc.pairs(item) {
            if let Some(key) = doc.str(k)
                && !matches!(
                    key,
                    "type" | "source" | "target" | "read_only" | "volume" | "tmpfs"
                )
            {
                ctx.drop(
                    k,
                    &format!("volumes.{key}"),
                    "a mount option without a counterpart in a volumeMount",
                );
            }
        }
        (kind, src, dst, ro, sub)
    } else {
        let Some(spec) = ctx.text(item) else { return };
        let (s, t, m) = split_volume(&spec);
        if let Some(m) = m {
            for o in m.split(',') {
                if !matches!(o, "ro" | "rw" | "readonly" | "") {
                    ctx.drop(
                        item,
                        &format!("volumes :{o}"),
                        "a mount option without a counterpart in a volumeMount",
                    );
                }
            }
        }
        (
            None,
            s.map(str::to_owned),
            Some(t.to_owned()),
            m.is_some_and(read_only_mode),
            None,
        )
    };
    let Some(dst) = dst.filter(|d| !d.is_empty()) else {
        ctx.drop(item, "volumes", "a mount without a target");
        return;
    };
    let kind = kind.unwrap_or_else(|| match &src {
        None => "volume".into(),
        Some(s) if s.starts_with(['/', '.', '~']) => "bind".into(),
        Some(_) => "volume".into(),
    });
    match (kind.as_str(), src) {
        ("bind", Some(s)) if s.starts_with('/') => {
            let name = host_volume_name(c, pod, &s);
            let t = Some(host_path_type(&s, true));
            add_volume(
                pod,
                c,
                name,
                VolumeSource::HostPath { path: s, kind: t },
                &dst,
                ro,
            );
        }
        ("bind", _) => ctx.drop(
            item,
            "volumes",
            "a relative or unexpanded host path: Kubernetes hostPath needs an absolute path (write it out)",
        ),
        ("volume", Some(s)) => {
            let name = named_volume(pod, &s);
            let source = named
                .iter()
                .find(|(n, _)| *n == s)
                .map_or(VolumeSource::Named, |(_, src)| src.clone());
            add_volume(pod, c, name, source, &dst, ro);
            if let (Some(sp), Some(m)) = (sub, c.mounts.last_mut()) {
                m.sub_path = Some(sp);
            }
        }
        ("volume", None) => {
            let name = format!("{}-anon-{anon}", c.name);
            *anon += 1;
            pod.anonymous_volumes.push(name.clone());
            add_volume(pod, c, name, VolumeSource::Named, &dst, ro);
        }
        ("tmpfs", _) => {
            let size = doc
                .path(item, &["tmpfs", "size"])
                .and_then(|t| ctx.text(t))
                .and_then(|t| quantity(&t));
            // Compose reads `mode` as a number: the octal permission bits (`1777` means 0o1777
            // only when written `0o1777`; YAML 1.1 `01777` is octal too)
            let mode = doc
                .path(item, &["tmpfs", "mode"])
                .and_then(|t| match doc.scalar(t) {
                    Some(crate::read::source::Scalar::Int(i)) => u32::try_from(i).ok(),
                    _ => None,
                })
                .map(|m| format!("{m:o}"));
            if mode.is_some() {
                ctx.pod_drop(item, "volumes tmpfs.mode", TMPFS_MODE_IN_POD);
            }
            c.tmpfs.push(Tmpfs {
                path: dst,
                size,
                mode,
                as_mount: true,
            });
        }
        (other, _) => ctx.drop(
            item,
            "volumes",
            &format!("a `{other}` mount has no counterpart in dockscape's model"),
        ),
    }
}

fn healthcheck(ctx: &mut Ctx<'_, '_, '_>, id: NodeId, c: &mut Container) {
    let doc = ctx.doc;
    if doc
        .get(id, "disable")
        .and_then(|d| ctx.text(d))
        .is_some_and(|t| compose_true(&t))
    {
        ctx.drop(
            id,
            "healthcheck.disable",
            "the image's HEALTHCHECK is switched off: a Pod has no probe unless one is written",
        );
        return;
    }
    let Some(test) = doc.get(id, "test") else {
        ctx.drop(
            id,
            "healthcheck",
            "settings without `test` tune the image's own HEALTHCHECK, which is not known here",
        );
        return;
    };
    let (command, shell) = if doc.is_seq(test) {
        let words: Vec<String> = ctx.texts(test).into_iter().map(|(_, t)| t).collect();
        match words.split_first() {
            Some((first, rest)) if first == "CMD" => (rest.to_vec(), None),
            Some((first, rest)) if first == "CMD-SHELL" => {
                let line = rest.join(" ");
                (
                    vec!["/bin/sh".into(), "-c".into(), line.clone()],
                    Some(line),
                )
            }
            _ => {
                ctx.drop(
                    test,
                    "healthcheck.test",
                    "`NONE` or an unknown form: no probe",
                );
                return;
            }
        }
    } else {
        let line = ctx.text(test).unwrap_or_default();
        (
            vec!["/bin/sh".into(), "-c".into(), line.clone()],
            Some(line),
        )
    };
    let dur = |ctx: &mut Ctx<'_, '_, '_>, key: &str| -> Option<i32> {
        let v = doc.get(id, key)?;
        let t = ctx.text(v)?;
        let s = seconds(&t);
        if s.is_none() {
            ctx.drop(
                v,
                &format!("healthcheck.{key}"),
                "not a duration dockscape reads (30s, 1m30s)",
            );
        }
        s
    };
    let interval = dur(ctx, "interval");
    let timeout = dur(ctx, "timeout");
    let start = dur(ctx, "start_period");
    let retries = doc
        .get(id, "retries")
        .and_then(|r| ctx.text(r))
        .and_then(|r| r.parse::<i32>().ok())
        .filter(|r| *r > 0);
    for (k, _) in doc.pairs(id) {
        if let Some(key) = doc.str(k)
            && !matches!(
                key,
                "test" | "interval" | "timeout" | "start_period" | "retries" | "disable"
            )
        {
            ctx.drop(
                k,
                &format!("healthcheck.{key}"),
                "no counterpart in a probe",
            );
        }
    }
    c.readiness_probe = Some(Probe {
        command,
        period_seconds: interval.unwrap_or(30),
        failure_threshold: retries.unwrap_or(3),
        timeout_seconds: Some(timeout.unwrap_or(30)),
        initial_delay_seconds: start.filter(|t| *t > 0),
        shell,
    });
}

fn depends_on(ctx: &mut Ctx<'_, '_, '_>, id: NodeId, s: &mut Service) {
    let doc = ctx.doc;
    if doc.is_map(id) {
        for (k, v) in doc.pairs(id) {
            let Some(dep) = doc.str(k).map(str::to_owned) else {
                continue;
            };
            let cond = doc
                .get(v, "condition")
                .and_then(|c| ctx.text(c))
                .unwrap_or_else(|| "service_started".into());
            if cond == "service_completed_successfully" {
                s.completes.push(dep);
            } else {
                ctx.note(
                    k,
                    format!("depends_on `{dep}` ({cond}): kept in Compose and `docker run` order; Kubernetes starts pods independently (a readiness probe and retries stand in)"),
                );
            }
        }
    } else {
        for (i, dep) in ctx.texts(id) {
            ctx.note(
                i,
                format!("depends_on `{dep}`: kept in Compose and `docker run` order; Kubernetes starts pods independently"),
            );
        }
    }
}

fn deploy(ctx: &mut Ctx<'_, '_, '_>, id: NodeId, c: &mut Container) {
    let doc = ctx.doc;
    for (k, v) in doc.pairs(id) {
        let Some(key) = doc.str(k) else { continue };
        match key {
            "resources" => {
                for (rk, rv) in doc.pairs(v) {
                    let Some(which) = doc.str(rk) else { continue };
                    if !matches!(which, "limits" | "reservations") {
                        ctx.drop(rk, &format!("deploy.resources.{which}"), NO_COUNTERPART);
                        continue;
                    }
                    for (xk, xv) in doc.pairs(rv) {
                        let Some(x) = doc.str(xk) else { continue };
                        if (which, x) == ("limits", "pids") {
                            match ctx.text(xv).and_then(|t| t.parse::<i64>().ok()) {
                                Some(n) => {
                                    c.docker.pids_limit = Some(n);
                                    ctx.pod_drop(
                                        xk,
                                        "deploy.resources.limits.pids",
                                        PIDS_LIMIT_IN_POD,
                                    );
                                }
                                None => ctx.drop(
                                    xv,
                                    "deploy.resources.limits.pids",
                                    "not a whole number",
                                ),
                            }
                            continue;
                        }
                        let slot = match (which, x) {
                            ("limits", "cpus") => &mut c.resources.cpu_limit,
                            ("limits", "memory") => &mut c.resources.memory_limit,
                            ("reservations", "cpus") => &mut c.resources.cpu_request,
                            ("reservations", "memory") => &mut c.resources.memory_request,
                            _ => {
                                ctx.drop(
                                    xk,
                                    &format!("deploy.resources.{which}.{x}"),
                                    NO_COUNTERPART,
                                );
                                continue;
                            }
                        };
                        let t = ctx.text(xv);
                        *slot = if x == "memory" {
                            t.and_then(|t| quantity(&t))
                        } else {
                            t
                        };
                    }
                }
            }
            "replicas" => ctx.note(
                k,
                "deploy.replicas: `--to deployment` writes one replica; set `replicas` there"
                    .into(),
            ),
            other => ctx.drop(
                k,
                &format!("deploy.{other}"),
                "a Swarm setting without a counterpart here",
            ),
        }
    }
}

/// Services into pods: `--pod` groups first, then `network_mode: service:x` chains, then init
/// containers from `service_completed_successfully`, the rest one pod each.
fn pods(ctx: &mut Ctx<'_, '_, '_>, services: Vec<Service>, groups: &[(String, Vec<String>)]) {
    let n = services.len();
    // group index of each service: the root service whose namespace it joins
    let index = |name: &str| services.iter().position(|s| s.name == name);
    let mut group: Vec<usize> = (0..n).collect();
    let mut group_name: Vec<Option<String>> = vec![None; n];
    for (gname, members) in groups {
        let ids: Vec<usize> = members.iter().filter_map(|m| index(m)).collect();
        for m in members {
            if index(m).is_none() {
                ctx.out.errors.push(Error::new(
                    ErrorKind::InvalidParameter,
                    format!("--pod {gname}: no service `{m}`"),
                ));
            }
        }
        if let Some(&first) = ids.first() {
            for &i in &ids {
                if let Some(g) = group.get_mut(i) {
                    *g = first;
                }
            }
            if let Some(slot) = group_name.get_mut(first) {
                *slot = Some(gname.clone());
            }
        }
    }
    for i in 0..n {
        let Some(target) = services.get(i).and_then(|s| s.joins.as_deref()) else {
            continue;
        };
        match index(target) {
            Some(t) => {
                // follow to the root (bounded: chains are at most n long)
                let mut root = t;
                for _ in 0..n {
                    let next = group.get(root).copied().unwrap_or(root);
                    if next == root {
                        break;
                    }
                    root = next;
                }
                if root != i
                    && let Some(g) = group.get_mut(i)
                {
                    *g = root;
                }
            }
            None => ctx.out.errors.push(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "service `{}` joins `{target}`, which is not a service",
                    services.get(i).map_or("", |s| s.name.as_str())
                ),
            )),
        }
    }
    // every service to the root of its chain (a joins b, b joins c: all three in c's pod)
    for i in 0..n {
        let mut root = group.get(i).copied().unwrap_or(i);
        for _ in 0..n {
            let next = group.get(root).copied().unwrap_or(root);
            if next == root {
                break;
            }
            root = next;
        }
        if let Some(g) = group.get_mut(i) {
            *g = root;
        }
    }
    // services another one waits for with service_completed_successfully: init containers there
    let mut init_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut is_init = vec![false; n];
    for (i, s) in services.iter().enumerate() {
        for dep in &s.completes {
            if let Some(d) = index(dep) {
                if let Some(list) = init_of.get_mut(i) {
                    list.push(d);
                }
                if let Some(f) = is_init.get_mut(d) {
                    *f = true;
                }
            }
        }
    }
    let mut members_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, g) in group.iter().enumerate() {
        if is_init.get(i) != Some(&true)
            && let Some(list) = members_of.get_mut(*g)
        {
            list.push(i);
        }
    }
    for root in 0..n {
        if group.get(root) != Some(&root) || is_init.get(root) == Some(&true) {
            continue;
        }
        let members = members_of.get(root).cloned().unwrap_or_default();
        let Some(first) = services.get(root) else {
            continue;
        };
        let mut pod = first.pod.clone();
        pod.containers.clear();
        pod.volumes.clear();
        if let Some(Some(g)) = group_name.get(root) {
            pod.name = dns_label(g);
        }
        let mut name = pod.name.clone();
        let mut k = 2;
        while ctx.out.names.contains(&name) {
            name = format!("{}-{k}", pod.name);
            k += 1;
        }
        pod.name = name.clone();
        ctx.out.names.insert(name);
        let mut restart = first.restart.clone();
        let mut inits: Vec<usize> = Vec::new();
        for &m in &members {
            for &d in init_of.get(m).map(Vec::as_slice).unwrap_or(&[]) {
                if !inits.contains(&d) {
                    inits.push(d);
                }
            }
        }
        for (role, list) in [
            (ContainerRole::Init, &inits),
            (ContainerRole::Regular, &members),
        ] {
            for &m in list {
                let Some(s) = services.get(m) else { continue };
                let mut c = s.container.clone();
                c.role = role;
                if role == ContainerRole::Regular && m != root {
                    merge_pod(ctx, &mut pod, &s.pod, &s.name);
                    restart = restart.or(s.restart.clone());
                }
                for v in &s.pod.volumes {
                    if pod.volume(&v.name).is_none() {
                        pod.volumes.push(v.clone());
                    }
                }
                for n in &s.pod.volume_names {
                    if !pod.volume_names.contains(n) {
                        pod.volume_names.push(n.clone());
                    }
                }
                if pod.containers.iter().any(|x| x.name == c.name) {
                    c.name = format!("{}-{}", c.name, pod.containers.len());
                }
                pod.containers.push(c);
            }
        }
        ctx.out.pods.push(pod);
        ctx.out.restarts.push(restart);
    }
}

/// Pod-level settings of a service joining a pod: sysctls, supplementary groups, host aliases and
/// namespaces are merged; a hostname other than the pod's is reported.
fn merge_pod(ctx: &mut Ctx<'_, '_, '_>, pod: &mut Pod, other: &Pod, service: &str) {
    for s in &other.sysctls {
        if !pod.sysctls.contains(s) {
            pod.sysctls.push(s.clone());
        }
    }
    for l in &other.container_labels {
        if !pod.container_labels.contains(l) {
            pod.container_labels.push(l.clone());
        }
    }
    for g in &other.supplemental_groups {
        if !pod.supplemental_groups.contains(g) {
            pod.supplemental_groups.push(*g);
        }
    }
    for a in &other.host_aliases {
        if !pod.host_aliases.contains(a) {
            pod.host_aliases.push(a.clone());
        }
    }
    pod.host_network |= other.host_network;
    pod.host_pid |= other.host_pid;
    pod.host_ipc |= other.host_ipc;
    pod.share_process_namespace |= other.share_process_namespace;
    if pod.runtime_class.is_none() {
        pod.runtime_class.clone_from(&other.runtime_class);
    }
    if other.hostname.is_some() && other.hostname != pod.hostname {
        ctx.out.dropped.push(Dropped {
            line: 0,
            column: 0,
            key_or_flag: format!("services.{service}.hostname"),
            reason: "a Pod has one hostname: the first service's is kept".into(),
        });
    }
}
