//! Compose files → IR: services, their volumes (short and long syntax), named volumes whose
//! `driver_opts` bind a host path, `${VAR:-default}` interpolation (the default is judged), and
//! the settings `docker run` shares (the parsers here serve `run.rs` too).

use std::borrow::Cow;

use super::ir::{
    Container, ContainerKind, Env, HostPath, Loc, Mount, Port, Security, Source, Unit, Val, Via,
    Volume, VolumeSource, Workload, WorkloadKind,
};
use super::k8s::Reader;
use super::paths;
use super::source::{Doc, NodeId};

/// What a variable without a default stands for when judging host paths: the ones that place
/// runtime sockets (`$HOME`, `$XDG_RUNTIME_DIR`); anything else is unknown here and empty.
pub(crate) fn well_known(name: &str) -> &'static str {
    match name {
        "HOME" => "~",
        "XDG_RUNTIME_DIR" => "/run/user/<uid>",
        "PWD" => ".",
        _ => "",
    }
}

/// Interpolate Compose variables: `${VAR:-default}` and `${VAR-default}` become the default,
/// `$$` becomes `$`, any other variable (unknown here) becomes empty.
pub(crate) fn interpolate(s: &str) -> Cow<'_, str> {
    if !s.contains('$') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(body) = after.strip_prefix('{') {
            // find the matching brace
            let mut depth = 1usize;
            let mut end = None;
            for (j, ch) in body.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(end) = end else {
                out.push_str(rest.get(i..).unwrap_or(""));
                return Cow::Owned(out);
            };
            let inner = body.get(..end).unwrap_or("");
            let name_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let op = inner.get(name_len..).unwrap_or("");
            let default = op.strip_prefix(":-").or_else(|| op.strip_prefix('-'));
            if let Some(d) = default {
                out.push_str(&interpolate(d));
            } else {
                out.push_str(well_known(inner.get(..name_len).unwrap_or("")));
            }
            rest = body.get(end + 1..).unwrap_or("");
        } else {
            let n = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if n == 0 {
                out.push('$');
            }
            out.push_str(well_known(after.get(..n).unwrap_or("")));
            rest = after.get(n..).unwrap_or("");
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

impl<'t> Reader<'t, '_> {
    /// A scalar with Compose interpolation applied.
    fn ival(&self, id: NodeId) -> Option<Val<'t>> {
        let v = self.val(id)?;
        let text = match v.text {
            Cow::Borrowed(b) => interpolate(b),
            Cow::Owned(o) => Cow::Owned(interpolate(&o).into_owned()),
        };
        Some(Val { text, loc: v.loc })
    }

    fn ifield(&self, id: NodeId, key: &str) -> Option<Val<'t>> {
        self.ival(self.doc.get(id, key)?)
    }

    /// A list of scalars or a single scalar, interpolated.
    fn istrings(&self, id: Option<NodeId>) -> Vec<Val<'t>> {
        let Some(id) = id else { return Vec::new() };
        if self.doc.is_seq(id) {
            self.doc.items(id).filter_map(|i| self.ival(i)).collect()
        } else {
            self.ival(id).into_iter().collect()
        }
    }

    /// A mapping (`K: V`) or a list (`K=V`) of pairs, interpolated. `V` is `None` for `K` alone or
    /// a null value.
    fn ipairs(&self, id: Option<NodeId>) -> Vec<(Val<'t>, Option<Val<'t>>)> {
        let Some(id) = id else { return Vec::new() };
        let doc = self.doc;
        if doc.is_map(id) {
            return doc
                .pairs(id)
                .into_iter()
                .filter_map(|(k, v)| Some((self.val(k)?, self.ival(v))))
                .collect();
        }
        self.istrings(Some(id))
            .into_iter()
            .map(|item| match item.as_str().split_once('=') {
                Some((k, v)) => (
                    Val::new(k.trim().to_string(), item.loc),
                    Some(Val::new(v.to_string(), item.loc)),
                ),
                None => (item, None),
            })
            .collect()
    }
}

/// Split a short volume spec `[SOURCE:]TARGET[:MODE]`, aware of Windows drive letters and named
/// pipes.
pub(crate) fn split_volume(spec: &str) -> (Option<&str>, &str, Option<&str>) {
    let mut parts: Vec<&str> = Vec::with_capacity(3);
    let mut start = 0usize;
    // a named pipe source runs to the first ':' after its prefix
    let skip_to = if paths::pipe_name(spec).is_some() {
        spec.find("pipe").map_or(0, |p| p + 4)
    } else {
        0
    };
    let bytes = spec.as_bytes();
    let mut i = 0usize;
    while i < bytes.len() {
        if bytes.get(i) == Some(&b':') && i >= skip_to {
            let seg = spec.get(start..i).unwrap_or("");
            let drive = seg.len() == 1
                && seg.bytes().all(|b| b.is_ascii_alphabetic())
                && matches!(bytes.get(i + 1), Some(b'\\' | b'/'));
            if !drive {
                parts.push(seg);
                start = i + 1;
            }
        }
        i += 1;
    }
    parts.push(spec.get(start..).unwrap_or(""));
    match parts.as_slice() {
        [target] => (None, target, None),
        [source, target] => (Some(source), target, None),
        [source, target, mode, ..] => (Some(source), target, Some(mode)),
        [] => (None, "", None),
    }
}

/// A short volume spec as a mount, where nothing names volumes (`docker run -v`, GitHub Actions
/// `volumes`, the GitLab runner's `volumes`): a bind when the source is a host path, else a named
/// volume left unresolved.
pub(crate) fn short_mount<'t>(spec: &Val<'t>) -> Mount<'t> {
    let (s, t, m) = split_volume(spec.as_str());
    Mount {
        loc: spec.loc,
        target: Some(Val::new(t.to_string(), spec.loc)),
        volume: None,
        volume_name: None,
        sub_path: None,
        read_only: m.is_some_and(read_only_mode),
        host: s
            .filter(|s| is_host_source(s))
            .map(|s| HostPath::resolve(Val::new(s.to_string(), spec.loc), None, Via::Direct)),
    }
}

/// Whether a volume source is a host path (not a named volume).
pub(crate) fn is_host_source(s: &str) -> bool {
    let s = s.trim();
    s.starts_with(['/', '.', '~', '\\', '$'])
        || paths::pipe_name(s).is_some()
        || (s.len() >= 2 && s.as_bytes().get(1) == Some(&b':'))
}

/// Whether a mount mode string (`ro`, `ro,z`, `readonly`) is read-only.
pub(crate) fn read_only_mode(mode: &str) -> bool {
    mode.split(',')
        .any(|m| matches!(m.trim(), "ro" | "readonly"))
}

/// Apply one `security_opt` / `--security-opt` value to `sec`.
pub(crate) fn apply_security_opt<'t>(sec: &mut Security<'t>, opt: &Val<'t>) {
    let text = opt.as_str().trim();
    let (key, value) = match text.find(['=', ':']) {
        Some(i) => (text.get(..i).unwrap_or(""), text.get(i + 1..).unwrap_or("")),
        None => (text, ""),
    };
    let mk = |s: &str| Val::new(s.to_string(), opt.loc);
    match key.to_ascii_lowercase().as_str() {
        "seccomp" => sec.seccomp = Some(mk(value)),
        "apparmor" => sec.apparmor = Some(mk(value)),
        "systempaths" if value.eq_ignore_ascii_case("unconfined") => {
            sec.proc_mount = Some(mk("Unmasked"));
        }
        "label" => {
            let v = value.trim();
            if v.eq_ignore_ascii_case("disable") {
                sec.selinux_disabled = Some(mk(v));
            } else if let Some(t) = v.strip_prefix("type:").or_else(|| v.strip_prefix("type=")) {
                sec.selinux_type = Some(mk(t));
            }
        }
        "no-new-privileges" => {
            let on = value.is_empty() || value.eq_ignore_ascii_case("true");
            sec.allow_privilege_escalation = Some(mk(if on { "false" } else { "true" }));
        }
        _ => {}
    }
}

/// Parse a short port spec `[[IP:]HOST:]CONTAINER[/PROTO]`.
pub(crate) fn parse_port<'t>(spec: &str, loc: Loc<'t>) -> Port<'t> {
    let spec = spec.trim();
    let spec = spec.split('/').next().unwrap_or(spec);
    let (ip, rest) = if let Some(r) = spec.strip_prefix('[') {
        match r.split_once("]:") {
            Some((ip, rest)) => (Some(ip), rest),
            None => (None, spec),
        }
    } else {
        (None, spec)
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let mk = |s: &str| (!s.is_empty()).then(|| Val::new(s.to_string(), loc));
    let (ip, host, container) = match parts.as_slice() {
        [c] => (ip, None, *c),
        [h, c] => (ip, Some(*h), *c),
        [i, h, c] => (ip.or(Some(*i)), Some(*h), *c),
        _ => (ip, None, rest),
    };
    Port {
        loc,
        container_port: mk(container),
        host_port: host.and_then(mk),
        host_ip: ip.and_then(mk),
    }
}

/// Split a command string like sh would (quotes and backslashes; no expansion).
pub(crate) fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            '"' => {
                in_word = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                if !matches!(e, '"' | '\\' | '$' | '`') {
                                    cur.push('\\');
                                }
                                cur.push(e);
                            }
                        }
                        _ => cur.push(d),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(e) = chars.next() {
                    cur.push(e);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// Normalise one Compose document.
pub(crate) fn unit<'t>(doc: &'t Doc<'_>) -> Unit<'t> {
    let mut unit = Unit {
        source: Source::Compose,
        workloads: Vec::new(),
    };
    let r = Reader { doc };
    let Some(root) = doc.root() else { return unit };
    // top-level named volumes
    let mut named: Vec<Workload<'t>> = Vec::new();
    if let Some(vols) = doc.get(root, "volumes") {
        for (k, v) in doc.pairs(vols) {
            let Some(name) = r.val(k) else { continue };
            let opts = doc.get(v, "driver_opts");
            let device = opts.and_then(|o| r.ifield(o, "device"));
            let bind = opts
                .map(|o| {
                    r.ifield(o, "o")
                        .is_some_and(|x| x.as_str().split(',').any(|p| p.trim() == "bind"))
                        || r.ifield(o, "type").is_some_and(|t| t.eq_ci("none"))
                })
                .unwrap_or(false);
            let mut w = Workload::new(WorkloadKind::NamedVolume, "volume", name.loc);
            w.name = name.text.clone();
            let source = match device {
                Some(path) if bind => {
                    let class = paths::classify(path.as_str());
                    VolumeSource::Host { path, class }
                }
                _ => VolumeSource::Other,
            };
            w.volumes.push(Volume {
                name: name.text,
                loc: r.loc(v),
                source,
                used: false,
            });
            named.push(w);
        }
    }
    if let Some(services) = doc.get(root, "services") {
        for (k, v) in doc.pairs(services) {
            let Some(name) = r.val(k) else { continue };
            if !doc.is_map(v) {
                continue;
            }
            let w = service(&r, name, v, &mut named);
            unit.workloads.push(w);
        }
    }
    unit.workloads.extend(named);
    unit
}

fn service<'t>(
    r: &Reader<'t, '_>,
    name: Val<'t>,
    id: NodeId,
    named: &mut [Workload<'t>],
) -> Workload<'t> {
    let doc = r.doc;
    let mut w = Workload::new(WorkloadKind::Pod, "service", name.loc);
    w.name = name.text.clone();
    w.annotations = r
        .ipairs(doc.get(id, "labels"))
        .into_iter()
        .map(|(k, v)| {
            let v = v.unwrap_or_else(|| Val::new("", k.loc));
            (k, v)
        })
        .collect();
    let on = |key: &str, want: &str| r.ifield(id, key).filter(|v| v.eq_ci(want));
    w.host_network = on("network_mode", "host");
    w.host_pid = on("pid", "host");
    w.host_ipc = on("ipc", "host");
    w.host_users = r.ifield(id, "userns_mode");
    w.runtime_class = r.ifield(id, "runtime");
    w.sysctls = r
        .ipairs(doc.get(id, "sysctls"))
        .into_iter()
        .map(|(k, v)| {
            let v = v.unwrap_or_else(|| Val::new("", k.loc));
            (k, v)
        })
        .collect();

    let mut c = Container::new(ContainerKind::Service, name.text.clone(), name.loc);
    c.image = r.ifield(id, "image");
    // as written, not interpolated: a name built from a variable is unique per run (DS027)
    c.container_name = r.field(id, "container_name");
    c.command = words(r, doc.get(id, "entrypoint"));
    c.args = words(r, doc.get(id, "command"));
    for (k, v) in r.ipairs(doc.get(id, "environment")) {
        c.env.push(Env { name: k, value: v });
    }
    let mut sec = Security {
        privileged: r.ifield(id, "privileged").filter(Val::is_true),
        cap_add: r.istrings(doc.get(id, "cap_add")),
        cap_drop: r.istrings(doc.get(id, "cap_drop")),
        groups: r.istrings(doc.get(id, "group_add")),
        ..Security::default()
    };
    if let Some(user) = r.ifield(id, "user") {
        let u = user.as_str().split(':').next().unwrap_or("").to_string();
        sec.run_as_user = Some(Val::new(u, user.loc));
    }
    for opt in r.istrings(doc.get(id, "security_opt")) {
        apply_security_opt(&mut sec, &opt);
    }
    c.security = sec;
    if let Some(ports) = doc.get(id, "ports") {
        for p in doc.items(ports) {
            if doc.is_map(p) {
                c.ports.push(Port {
                    loc: r.loc(p),
                    container_port: r.ifield(p, "target"),
                    host_port: r.ifield(p, "published"),
                    host_ip: r.ifield(p, "host_ip"),
                });
            } else if let Some(s) = r.ival(p) {
                c.ports.push(parse_port(s.as_str(), s.loc));
            }
        }
    }
    if let Some(vols) = doc.get(id, "volumes") {
        for item in doc.items(vols) {
            if let Some(m) = volume_mount(r, item, named) {
                c.mounts.push(m);
            }
        }
    }
    // `tmpfs: /path[:options]`: a mount without a host path (DS026 counts it as storage)
    for t in r.istrings(doc.get(id, "tmpfs")) {
        let target = t.as_str().split(':').next().unwrap_or("").to_string();
        c.mounts.push(Mount::anonymous(Val::new(target, t.loc)));
    }
    w.containers.push(c);
    w
}

/// `command` / `entrypoint`: a list, or a string split like sh.
fn words<'t>(r: &Reader<'t, '_>, id: Option<NodeId>) -> Vec<Val<'t>> {
    let Some(id) = id else { return Vec::new() };
    if r.doc.is_seq(id) {
        return r.istrings(Some(id));
    }
    match r.ival(id) {
        Some(v) => shell_words(v.as_str())
            .into_iter()
            .map(|s| Val::new(s, v.loc))
            .collect(),
        None => Vec::new(),
    }
}

fn volume_mount<'t>(
    r: &Reader<'t, '_>,
    item: NodeId,
    named: &mut [Workload<'t>],
) -> Option<Mount<'t>> {
    let doc = r.doc;
    let loc = r.loc(item);
    let (source, target, read_only, kind, sub) = if doc.is_map(item) {
        let kind = r
            .ifield(item, "type")
            .map(|t| t.as_str().to_ascii_lowercase());
        let ro = r.ifield(item, "read_only").is_some_and(|v| v.is_true());
        let sub = doc.get(item, "volume").and_then(|v| r.ifield(v, "subpath"));
        (
            r.ifield(item, "source"),
            r.ifield(item, "target"),
            ro,
            kind,
            sub,
        )
    } else {
        let spec = r.ival(item)?;
        let (s, t, m) = split_volume(spec.as_str());
        let source = s.map(|s| Val::new(s.to_string(), spec.loc));
        let target = Some(Val::new(t.to_string(), spec.loc));
        (source, target, m.is_some_and(read_only_mode), None, None)
    };
    let mut mount = Mount {
        loc,
        target,
        volume: None,
        volume_name: None,
        sub_path: sub.clone(),
        read_only,
        host: None,
    };
    let Some(source) = source else {
        return Some(mount);
    };
    let is_bind = match kind.as_deref() {
        Some("bind" | "npipe") => true,
        Some(_) => false,
        None => is_host_source(source.as_str()),
    };
    if is_bind {
        mount.host = Some(HostPath::resolve(source, sub.as_ref(), Via::Direct));
    } else if let Some(nv) = named
        .iter_mut()
        .find(|w| w.name.as_ref() == source.as_str())
    {
        mount.volume_name = Some(source.clone());
        if let Some(v) = nv.volumes.first_mut() {
            v.used = true;
            if let VolumeSource::Host { path, .. } = &v.source {
                let mut raw = path.clone();
                // findings point at the service's mount, which names the volume
                raw.loc = source.loc;
                mount.host = Some(HostPath::resolve(raw, sub.as_ref(), Via::NamedVolume));
            }
        }
    }
    Some(mount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation() {
        assert_eq!(
            interpolate("${SOCK:-/var/run/docker.sock}:/x"),
            "/var/run/docker.sock:/x"
        );
        assert_eq!(interpolate("${SOCK-/run}"), "/run");
        assert_eq!(interpolate("$$HOME/${X}y"), "$HOME/y");
        assert_eq!(
            interpolate("${XDG_RUNTIME_DIR}/docker.sock"),
            "/run/user/<uid>/docker.sock"
        );
        assert_eq!(
            interpolate("$HOME/.docker/run/docker.sock"),
            "~/.docker/run/docker.sock"
        );
        assert_eq!(interpolate("${A:-${B:-/var/run}}"), "/var/run");
        assert_eq!(interpolate("plain"), "plain");
    }

    #[test]
    fn volumes() {
        assert_eq!(
            split_volume("/var/run:/var/run:ro"),
            (Some("/var/run"), "/var/run", Some("ro"))
        );
        assert_eq!(split_volume("data:/data"), (Some("data"), "/data", None));
        assert_eq!(split_volume("/data"), (None, "/data", None));
        assert_eq!(
            split_volume("\\\\.\\pipe\\docker_engine:\\\\.\\pipe\\docker_engine"),
            (
                Some("\\\\.\\pipe\\docker_engine"),
                "\\\\.\\pipe\\docker_engine",
                None
            )
        );
        assert_eq!(
            split_volume("C:\\data:/data"),
            (Some("C:\\data"), "/data", None)
        );
    }

    #[test]
    fn ports_and_words() {
        let p = parse_port("127.0.0.1:2375:2375/tcp", Loc::NONE);
        assert_eq!(
            p.host_port.map(|v| v.text.into_owned()).as_deref(),
            Some("2375")
        );
        assert_eq!(
            p.host_ip.map(|v| v.text.into_owned()).as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            shell_words("dockerd --host='tcp://0.0.0.0:2375' \"a b\""),
            vec!["dockerd", "--host=tcp://0.0.0.0:2375", "a b"]
        );
    }
}
