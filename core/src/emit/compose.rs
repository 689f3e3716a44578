//! The workload as a Compose file, per the Compose specification (no `version:` key). Every container is a
//! service on the project's default network; a container's alias (`docker` for a DinD daemon) is its
//! service name, which is how the others reach it.

use super::units;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{ContainerRole, Pod, Protocol, VolumeSource};
use serde_json::{Map, Value, json};

/// Compose interpolates `$VAR` in every value: a literal `$` is written `$$`.
fn lit(s: &str) -> Value {
    Value::String(s.replace('$', "$$"))
}

fn list(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| lit(s)).collect())
}

/// The service name of container `name`.
pub(crate) fn service_name(pod: &Pod, name: &str) -> String {
    pod.container(name)
        .and_then(|c| c.alias.clone())
        .unwrap_or_else(|| name.to_owned())
}

/// The Compose file of a pod as a JSON value (ordered as written).
pub(crate) fn to_value(pod: &Pod) -> Value {
    let mut services = Map::new();
    let mut volumes = Map::new();
    for (i, c) in pod.containers.iter().enumerate() {
        let mut s = Map::new();
        s.insert("image".into(), lit(&c.image));
        if !c.command.is_empty() {
            s.insert("entrypoint".into(), list(&c.command));
        }
        if !c.args.is_empty() {
            s.insert("command".into(), list(&c.args));
        }
        if let Some(u) = c.security.run_as_user {
            let user = match c.security.run_as_group {
                Some(g) => format!("{u}:{g}"),
                None => u.to_string(),
            };
            s.insert("user".into(), Value::String(user));
        }
        if c.security.privileged {
            s.insert("privileged".into(), Value::Bool(true));
        }
        if let Some(rc) = &pod.runtime_class {
            s.insert("runtime".into(), lit(rc));
        }
        if c.security.unconfined {
            s.insert(
                "security_opt".into(),
                json!(["seccomp=unconfined", "apparmor=unconfined"]),
            );
        } else if c.security.seccomp_off() || c.security.apparmor_off() {
            let mut opts = Vec::new();
            if c.security.seccomp_off() {
                opts.push("seccomp=unconfined");
            }
            if c.security.apparmor_off() {
                opts.push("apparmor=unconfined");
            }
            if c.security.allow_privilege_escalation == Some(false) {
                opts.push("no-new-privileges:true");
            }
            s.insert("security_opt".into(), json!(opts));
        } else if c.security.allow_privilege_escalation == Some(false) {
            s.insert("security_opt".into(), json!(["no-new-privileges:true"]));
        }
        if !c.security.add_capabilities.is_empty() {
            s.insert("cap_add".into(), json!(c.security.add_capabilities));
        }
        if !c.security.drop_capabilities.is_empty() {
            s.insert("cap_drop".into(), json!(c.security.drop_capabilities));
        }
        if c.security.read_only_root_filesystem {
            s.insert("read_only".into(), Value::Bool(true));
        }
        if let Some(w) = &c.working_dir {
            s.insert("working_dir".into(), lit(w));
        }
        if c.tty {
            s.insert("tty".into(), Value::Bool(true));
        }
        if c.stdin {
            s.insert("stdin_open".into(), Value::Bool(true));
        }
        if let Some(h) = &pod.hostname {
            s.insert("hostname".into(), lit(h));
        }
        if !pod.host_aliases.is_empty() {
            let hosts: Vec<Value> = pod
                .host_aliases
                .iter()
                .flat_map(|(ip, names)| names.iter().map(move |n| lit(&format!("{n}={ip}"))))
                .collect();
            s.insert("extra_hosts".into(), Value::Array(hosts));
        }
        for (on, key) in [
            (pod.host_network, "network_mode"),
            (pod.host_pid, "pid"),
            (pod.host_ipc, "ipc"),
        ] {
            if on {
                s.insert(key.into(), Value::String("host".into()));
            }
        }
        if let Some(t) = pod.termination_grace_period_seconds {
            s.insert("stop_grace_period".into(), Value::String(format!("{t}s")));
        }
        // Each service has its own network namespace: the pod's sysctls go to every one.
        if !pod.sysctls.is_empty() {
            let m: Map<String, Value> = pod
                .sysctls
                .iter()
                .map(|(k, v)| (k.clone(), lit(v)))
                .collect();
            s.insert("sysctls".into(), Value::Object(m));
        }
        if !pod.container_labels.is_empty() {
            let m: Map<String, Value> = pod
                .container_labels
                .iter()
                .map(|(k, v)| (k.clone(), lit(v)))
                .collect();
            s.insert("labels".into(), Value::Object(m));
        }
        // Supplementary groups are pod-wide in Kubernetes: every service gets them.
        if !pod.supplemental_groups.is_empty() {
            let groups = pod
                .supplemental_groups
                .iter()
                .map(|g| Value::Number((*g).into()))
                .collect();
            s.insert("group_add".into(), Value::Array(groups));
        }
        if !c.env.is_empty() {
            let env: Map<String, Value> = c
                .env
                .iter()
                .map(|e| (e.name.clone(), lit(&e.network_value())))
                .collect();
            s.insert("environment".into(), Value::Object(env));
        }
        let published: Vec<Value> = c
            .ports
            .iter()
            .filter_map(|p| {
                let proto = if p.protocol == Protocol::Udp {
                    "/udp"
                } else {
                    ""
                };
                p.published
                    .map(|h| Value::String(format!("{h}:{}{proto}", p.container)))
            })
            .chain(c.bound_ports.iter().map(|b| Value::String(bound_port(b))))
            .collect();
        if !published.is_empty() {
            s.insert("ports".into(), Value::Array(published));
        }
        let exposed: Vec<Value> = c
            .ports
            .iter()
            .filter(|p| p.published.is_none())
            .map(|p| {
                let proto = if p.protocol == Protocol::Udp {
                    "/udp"
                } else {
                    ""
                };
                Value::String(format!("{}{proto}", p.container))
            })
            .collect();
        if !exposed.is_empty() {
            s.insert("expose".into(), Value::Array(exposed));
        }
        let mut mounts = Vec::new();
        for m in &c.mounts {
            let Some(v) = pod.volume(&m.volume) else {
                continue;
            };
            let ro = if m.read_only { ":ro" } else { "" };
            match (&v.source, &m.sub_path) {
                (VolumeSource::HostPath { path, .. }, sub) => {
                    let src = crate::model::join_sub_path(path, sub.as_deref());
                    mounts.push(Value::String(format!("{src}:{}{ro}", m.path)));
                }
                (VolumeSource::Secret { secret, .. }, _) => {
                    mounts.push(Value::String(format!("./{secret}:{}:ro", m.path)));
                }
                // an anonymous volume: the path alone (read-only in the long syntax)
                (_, None) if pod.is_anonymous_volume(&m.volume) => {
                    if m.read_only {
                        mounts.push(json!({"type": "volume", "target": m.path, "read_only": true}));
                    } else {
                        mounts.push(lit(&m.path));
                    }
                }
                (_, None) => {
                    let name = pod.engine_volume_name(&m.volume);
                    mounts.push(Value::String(format!("{name}:{}{ro}", m.path)));
                    volumes
                        .entry(name.to_owned())
                        .or_insert_with(|| volume_def(&v.source));
                }
                (_, Some(sp)) => {
                    let name = pod.engine_volume_name(&m.volume);
                    mounts.push(json!({
                        "type": "volume", "source": name, "target": m.path,
                        "read_only": m.read_only, "volume": {"subpath": sp}
                    }));
                    volumes
                        .entry(name.to_owned())
                        .or_insert_with(|| volume_def(&v.source));
                }
            }
        }
        let mut tmpfs = Vec::new();
        for t in &c.tmpfs {
            if t.as_mount {
                let mut opts = Map::new();
                if let Some(b) = t.size.as_deref().and_then(units::memory) {
                    opts.insert("size".into(), Value::String(b));
                }
                if let Some(m) = t
                    .mode
                    .as_deref()
                    .and_then(|m| u32::from_str_radix(m, 8).ok())
                {
                    opts.insert("mode".into(), Value::from(m));
                }
                let mut m = Map::new();
                m.insert("type".into(), Value::String("tmpfs".into()));
                m.insert("target".into(), lit(&t.path));
                if !opts.is_empty() {
                    m.insert("tmpfs".into(), Value::Object(opts));
                }
                mounts.push(Value::Object(m));
            } else {
                tmpfs.push(lit(&tmpfs_spec(t)));
            }
        }
        if !mounts.is_empty() {
            s.insert("volumes".into(), Value::Array(mounts));
        }
        if !tmpfs.is_empty() {
            s.insert("tmpfs".into(), Value::Array(tmpfs));
        }
        if c.init {
            s.insert("init".into(), Value::Bool(true));
        }
        for (key, items) in [
            ("dns", pod.dns.nameservers.clone()),
            ("dns_search", pod.dns.searches.clone()),
            ("dns_opt", dns_options(&pod.dns)),
            ("devices", c.devices.iter().map(device_spec).collect()),
        ] {
            if !items.is_empty() {
                s.insert(key.into(), list(&items));
            }
        }
        if !c.ulimits.is_empty() {
            let m: Map<String, Value> = c
                .ulimits
                .iter()
                .map(|u| {
                    let v = if u.soft == u.hard {
                        Value::from(u.soft)
                    } else {
                        json!({"soft": u.soft, "hard": u.hard})
                    };
                    (u.name.clone(), v)
                })
                .collect();
            s.insert("ulimits".into(), Value::Object(m));
        }
        if let Some(sig) = &c.stop_signal {
            s.insert("stop_signal".into(), lit(sig));
        }
        if let Some(m) = c.shm_size.as_deref().and_then(units::memory) {
            s.insert("shm_size".into(), Value::String(m));
        }
        docker_settings(&c.docker, &mut s);
        if let Some(p) = c.startup_probe.as_ref().or(c.readiness_probe.as_ref()) {
            let test = match &p.shell {
                Some(line) => vec![Value::String("CMD-SHELL".into()), lit(line)],
                None => {
                    let mut test = vec![Value::String("CMD".into())];
                    test.extend(p.command.iter().map(|a| lit(a)));
                    test
                }
            };
            let mut h = json!({"test": test, "interval": format!("{}s", p.period_seconds), "retries": p.failure_threshold});
            if let Value::Object(m) = &mut h {
                if let Some(t) = p.timeout_seconds {
                    m.insert("timeout".into(), Value::String(format!("{t}s")));
                }
                if let Some(t) = p.initial_delay_seconds {
                    m.insert("start_period".into(), Value::String(format!("{t}s")));
                }
            }
            s.insert("healthcheck".into(), h);
        }
        let mut deps = Map::new();
        for before in pod.containers.iter().take(i) {
            let condition = if before.role == ContainerRole::Init {
                "service_completed_successfully"
            } else if before.startup_probe.is_some() || before.readiness_probe.is_some() {
                "service_healthy"
            } else {
                "service_started"
            };
            deps.insert(
                service_name(pod, &before.name),
                json!({"condition": condition}),
            );
        }
        if !deps.is_empty() {
            s.insert("depends_on".into(), Value::Object(deps));
        }
        let r = &c.resources;
        let mut res = Map::new();
        // The Windows daemon refuses a memory reservation ("Windows does not support
        // MemoryReservation"): the memory request stays in the Pod only.
        let windows = crate::model::windows_containers(pod);
        for (key, cpu, mem) in [
            ("limits", &r.cpu_limit, &r.memory_limit),
            ("reservations", &r.cpu_request, &r.memory_request),
        ] {
            let mut m = Map::new();
            if let Some(c) = cpu.as_deref().and_then(units::cpus) {
                m.insert("cpus".into(), Value::String(c));
            }
            if let Some(x) = mem.as_deref().and_then(units::memory)
                && !(windows && key == "reservations")
            {
                m.insert("memory".into(), Value::String(x));
            }
            if !m.is_empty() {
                res.insert(key.into(), Value::Object(m));
            }
        }
        if !res.is_empty() {
            // Compose refuses `pids_limit` beside `deploy.resources.limits`: the limit goes there
            if let Some(n) = c.docker.pids_limit
                && s.remove("pids_limit").is_some()
                && let Value::Object(l) = res
                    .entry("limits")
                    .or_insert_with(|| Value::Object(Map::new()))
            {
                l.insert("pids".into(), Value::from(n));
            }
            s.insert("deploy".into(), json!({"resources": res}));
        }
        if pod.restart_policy == "Never"
            && c.role == ContainerRole::Regular
            && i + 1 == pod.containers.len()
        {
            s.insert("restart".into(), Value::String("no".into()));
        }
        services.insert(service_name(pod, &c.name), Value::Object(s));
    }
    let mut top = Map::new();
    top.insert("name".into(), Value::String(pod.name.clone()));
    top.insert("services".into(), Value::Object(services));
    if !volumes.is_empty() {
        top.insert("volumes".into(), Value::Object(volumes));
    }
    Value::Object(top)
}

/// Docker's settings without a Pod field (only `convert` sets them) as Compose keys.
fn docker_settings(d: &crate::model::DockerSettings, s: &mut Map<String, Value>) {
    if let Some(u) = &d.userns_mode {
        s.insert("userns_mode".into(), lit(u));
    }
    if let Some(c) = &d.cgroupns {
        s.insert("cgroup".into(), lit(c));
    }
    if let Some(n) = d.pids_limit {
        s.insert("pids_limit".into(), Value::from(n));
    }
    if d.log_driver.is_some() || !d.log_options.is_empty() {
        let mut l = Map::new();
        if let Some(driver) = &d.log_driver {
            l.insert("driver".into(), lit(driver));
        }
        if !d.log_options.is_empty() {
            let o: Map<String, Value> = d
                .log_options
                .iter()
                .map(|(k, v)| (k.clone(), lit(v)))
                .collect();
            l.insert("options".into(), Value::Object(o));
        }
        s.insert("logging".into(), Value::Object(l));
    }
    if !d.volumes_from.is_empty() {
        s.insert("volumes_from".into(), list(&d.volumes_from));
    }
}

/// A port on one host address as Compose and `-p` write it: `127.0.0.1:8080:80/udp`, `[::1]:8080:80`.
pub(crate) fn bound_port(b: &crate::model::BoundPort) -> String {
    let proto = if b.port.protocol == Protocol::Udp {
        "/udp"
    } else {
        ""
    };
    let ip = if b.host_ip.contains(':') {
        format!("[{}]", b.host_ip)
    } else {
        b.host_ip.clone()
    };
    let host = b.port.published.map(|h| h.to_string()).unwrap_or_default();
    format!("{ip}:{host}:{}{proto}", b.port.container)
}

/// A `--tmpfs` / Compose `tmpfs:` spec: `path[:size=16m,mode=1777]`.
pub(crate) fn tmpfs_spec(t: &crate::model::Tmpfs) -> String {
    let mut opts = Vec::new();
    if let Some(m) = t.size.as_deref().and_then(units::memory) {
        opts.push(format!("size={m}"));
    }
    if let Some(m) = &t.mode {
        opts.push(format!("mode={m}"));
    }
    if opts.is_empty() {
        t.path.clone()
    } else {
        format!("{}:{}", t.path, opts.join(","))
    }
}

/// `--device` / Compose `devices`: `host[:container[:permissions]]`.
pub(crate) fn device_spec(d: &crate::model::Device) -> String {
    match &d.permissions {
        Some(p) => format!("{}:{}:{p}", d.host, d.container),
        None if d.host == d.container => d.host.clone(),
        None => format!("{}:{}", d.host, d.container),
    }
}

/// `--dns-option` / Compose `dns_opt`: `name` or `name:value`.
pub(crate) fn dns_options(dns: &crate::model::Dns) -> Vec<String> {
    dns.options
        .iter()
        .map(|(n, v)| match v {
            Some(v) => format!("{n}:{v}"),
            None => n.clone(),
        })
        .collect()
}

fn volume_def(source: &VolumeSource) -> Value {
    match source {
        VolumeSource::EmptyDir { memory: true, .. } => {
            json!({"driver_opts": {"type": "tmpfs", "device": "tmpfs"}})
        }
        _ => json!({}),
    }
}

/// The Compose file as YAML, validated first.
pub(crate) fn emit(pod: &Pod) -> Result<String> {
    let v = to_value(pod);
    if let Some(p) = crate::validate::validate_compose(&v).first() {
        return Err(Error::new(
            ErrorKind::Validation,
            format!("generated compose file is invalid: {p}"),
        ));
    }
    crate::emit::yaml(&v)
}
