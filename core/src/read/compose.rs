//! Compose files → IR: services, their volumes (short and long syntax), named volumes whose
//! `driver_opts` bind a host path, `${VAR:-default}` interpolation (the default is judged), and
//! the settings `docker run` shares (the parsers here serve `run.rs` too).

use std::borrow::Cow;
use std::cell::RefCell;

use super::ReadError;
use super::interpolate::{Env as Vars, Unknown, expand, has_vars, readings};
use super::ir::{
    Container, ContainerKind, Env, HostPath, Loc, Mount, Port, Security, Source, Unit, Val, Via,
    Volume, VolumeSource, Workload, WorkloadKind,
};
use super::k8s::Reader;
use super::paths;
use super::source::{Doc, Kind, NodeId};

/// What a variable without a default stands for when judging host paths: the ones that place
/// runtime sockets (`$HOME`, `$XDG_RUNTIME_DIR`); anything else is unknown here.
pub(crate) fn well_known(name: &str) -> Option<&'static str> {
    match name {
        "HOME" => Some("~"),
        "XDG_RUNTIME_DIR" => Some("/run/user/<uid>"),
        "PWD" => Some("."),
        _ => None,
    }
}

/// The known environment with the well-known variables (`HOME`, ...) added where `env` does not
/// set them.
fn with_well_known(env: Option<&Vars>) -> Vars {
    let mut out = env.cloned().unwrap_or_default();
    for name in ["HOME", "XDG_RUNTIME_DIR", "PWD"] {
        if out.get(name).is_none() {
            out.set(name, well_known(name).unwrap_or(""));
        }
    }
    out
}

/// One value as Compose may read it: every distinct reading (each unknown variable unset or
/// set, in every combination), and the unknown variables whose value stays unknown in some
/// reading (`opaque`: set to a value nobody knows, a default or not).
struct Readings {
    texts: Vec<String>,
    opaque: Vec<String>,
    /// Whether some variable is not known.
    unknown: bool,
}

/// A service's `volumes_from` entries and the `service:` namespaces it joins (by its index).
type Inherit<'t> = (usize, Vec<Val<'t>>, Vec<(&'static str, Val<'t>)>);

/// What a field is, for choosing among readings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Any string: the reading that says the most (the longest).
    Text,
    /// A Compose boolean: a true reading wins.
    Bool,
    /// `host` (network_mode, pid, ...): a reading naming the host wins.
    Host,
}

/// Whether Compose reads a string as boolean true (`y`, `yes`, `true`, `on`, any case).
pub(crate) fn compose_true(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "y" | "yes" | "true" | "on"
    )
}

/// The Compose reader: the document, the known environment, where errors go, and whether
/// duplicate keys are read last-wins (the second reading of a file with duplicates).
pub(crate) struct Compose<'t, 'd, 'e> {
    r: Reader<'t, 'd>,
    env: &'e Vars,
    errors: RefCell<Vec<ReadError>>,
    last: bool,
}

impl<'t, 'd> Compose<'t, 'd, '_> {
    fn error(&self, loc: Loc<'_>, message: String) {
        let e = ReadError {
            line: Some(loc.line as usize),
            column: Some(loc.col as usize),
            message,
        };
        let mut errs = self.errors.borrow_mut();
        if !errs.contains(&e) {
            errs.push(e);
        }
    }

    /// `key` of mapping `id`: the first (or, in the last-wins reading, the last) value written.
    fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        if self.last {
            self.r.doc.get(id, key)
        } else {
            self.r.doc.get_first(id, key)
        }
    }

    /// Every reading of the scalar `id`; a template Compose refuses is an error and read as
    /// written.
    fn readings(&self, id: NodeId, text: &str) -> Readings {
        let mut texts: Vec<String> = Vec::with_capacity(2);
        let mut opaque: Vec<String> = Vec::new();
        let mut unknown = false;
        match readings(text, self.env) {
            Ok(all) => {
                if all.is_empty() {
                    // a `${X:?e}` fails in every reading
                    if let Ok(e) = expand(text, self.env, Unknown::Unset)
                        && let Some((name, msg)) = e.required.filter(|_| e.unknown.is_empty())
                    {
                        self.error(
                            self.r.loc(id),
                            format!(
                                "required variable `{name}` is missing a value ({msg}) in `{}`: Compose refuses the file",
                                self.r.doc.field_path(id)
                            ),
                        );
                    }
                }
                for e in all {
                    unknown |= !e.unknown.is_empty();
                    if !texts.contains(&e.text) {
                        texts.push(e.text);
                    }
                    // a default does not decide: the variable may be set to anything
                    for o in e.opaque {
                        if !opaque.contains(&o) {
                            opaque.push(o);
                        }
                    }
                }
            }
            Err(err) => {
                self.error(
                    self.r.loc(id),
                    format!(
                        "{} in `{}`: Compose refuses the file (write a literal `$` as `$$`)",
                        err.message,
                        self.r.doc.field_path(id)
                    ),
                );
                texts.push(text.to_string());
            }
        }
        if texts.is_empty() {
            // `${X:?e}` fails in every reading: Compose refuses the file when X is unset; judge
            // what it would be set
            texts.push(String::new());
        }
        Readings {
            texts,
            opaque,
            unknown,
        }
    }

    /// A scalar interpolated, the reading `want` finds most dangerous chosen. `relevant` names
    /// a security-relevant field: an unknown variable whose value would decide it is an error.
    fn ival_as(&self, id: NodeId, want: Want, relevant: bool) -> Option<Val<'t>> {
        let v = self.r.val(id)?;
        if !has_vars(v.as_str()) {
            if want == Want::Bool {
                self.check_bool(id, v.as_str());
            }
            return Some(v);
        }
        let rd = self.readings(id, v.as_str());
        if relevant && !rd.opaque.is_empty() {
            self.unresolved(id, &rd.opaque);
        }
        if want == Want::Bool && !rd.unknown {
            self.check_bool(id, rd.texts.first().map_or("", String::as_str));
        }
        let pick = match want {
            Want::Bool => rd.texts.iter().find(|t| compose_true(t)),
            Want::Host => rd
                .texts
                .iter()
                .find(|t| t.trim().eq_ignore_ascii_case("host")),
            Want::Text => None,
        }
        .or_else(|| rd.texts.iter().max_by_key(|t| t.len()))
        .cloned()
        .unwrap_or_default();
        Some(Val::new(pick, v.loc))
    }

    /// A boolean field Compose casts: anything but `y`/`yes`/`true`/`on`/`n`/`no`/`false`/`off`
    /// (any case) makes it refuse the file.
    fn check_bool(&self, id: NodeId, text: &str) {
        let t = text.trim().to_ascii_lowercase();
        if !matches!(
            t.as_str(),
            "y" | "yes" | "true" | "on" | "n" | "no" | "false" | "off"
        ) {
            self.error(
                self.r.loc(id),
                format!(
                    "`{}` is `{text}`, not a boolean: Compose refuses the file",
                    self.r.doc.field_path(id)
                ),
            );
        }
    }

    fn unresolved(&self, id: NodeId, names: &[String]) {
        let vars: Vec<String> = names.iter().map(|n| format!("`${n}`")).collect();
        self.error(
            self.r.loc(id),
            format!(
                "`{}` depends on {} whose value is not known here: it cannot be judged for every value it may take (give the linter the variables, e.g. the `.env` file, or write the value)",
                self.r.doc.field_path(id),
                vars.join(", ")
            ),
        );
    }

    /// Every reading of a scalar (a mount or a list item: each is judged).
    fn ivals(&self, id: NodeId, relevant: bool) -> Vec<Val<'t>> {
        self.ivals_known(id, relevant).0
    }

    /// [`Self::ivals`], and whether every variable was known (one reading, the real one).
    fn ivals_known(&self, id: NodeId, relevant: bool) -> (Vec<Val<'t>>, bool) {
        let Some(v) = self.r.val(id) else {
            return (Vec::new(), true);
        };
        if !has_vars(v.as_str()) {
            return (vec![v], true);
        }
        let rd = self.readings(id, v.as_str());
        if relevant && !rd.opaque.is_empty() {
            self.unresolved(id, &rd.opaque);
        }
        let vals = rd.texts.into_iter().map(|t| Val::new(t, v.loc)).collect();
        (vals, !rd.unknown)
    }

    fn ival(&self, id: NodeId) -> Option<Val<'t>> {
        self.ival_as(id, Want::Text, false)
    }

    fn ifield(&self, id: NodeId, key: &str) -> Option<Val<'t>> {
        self.ival(self.get(id, key)?)
    }

    /// A list of scalars or a single scalar, interpolated, every reading of each kept.
    fn istrings(&self, id: Option<NodeId>, relevant: bool) -> Vec<Val<'t>> {
        let Some(id) = id else { return Vec::new() };
        if self.r.doc.is_seq(id) {
            self.r
                .doc
                .items(id)
                .flat_map(|i| self.ivals(i, relevant))
                .collect()
        } else {
            self.ivals(id, relevant)
        }
    }

    /// A mapping (`K: V`) or a list (`K=V`) of pairs, interpolated. `V` is `None` for `K` alone or
    /// a null value.
    fn ipairs(&self, id: Option<NodeId>) -> Vec<(Val<'t>, Option<Val<'t>>)> {
        let Some(id) = id else { return Vec::new() };
        let doc = self.r.doc;
        if doc.is_map(id) {
            return doc
                .pairs(id)
                .into_iter()
                .filter_map(|(k, v)| Some((self.r.val(k)?, self.ival(v))))
                .collect();
        }
        let items: Vec<Val<'t>> = if doc.is_seq(id) {
            doc.items(id).filter_map(|i| self.ival(i)).collect()
        } else {
            self.ival(id).into_iter().collect()
        };
        items
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
        propagation: m.and_then(|m| propagation_mode(m, spec.loc)),
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

/// Whether an interpolated Compose volume source is a host path (a `$` is literal there).
fn is_compose_host_source(s: &str) -> bool {
    !s.trim_start().starts_with('$') && is_host_source(s)
}

/// The propagation a short volume mode sets (`rshared` of `ro,rshared`), when it sets one.
pub(crate) fn propagation_mode<'t>(mode: &str, loc: Loc<'t>) -> Option<Val<'t>> {
    mode.split(',')
        .map(str::trim)
        .find(|m| {
            matches!(
                m.to_ascii_lowercase().as_str(),
                "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate"
            )
        })
        .map(|m| Val::new(m.to_string(), loc))
}

/// A device mapping (`HOST[:CONTAINER[:PERMISSIONS]]`, Compose's `{source, target, permissions}`,
/// `--device`) as a mount of the host's device node: the path rules judge it like a bind of that
/// path (read-only when the permissions lack `w`). A CDI name (`vendor.com/class=name`) is no
/// host path: `None`.
pub(crate) fn device_mount<'t>(
    source: Val<'t>,
    target: Option<Val<'t>>,
    permissions: Option<&str>,
) -> Option<Mount<'t>> {
    if !source.as_str().trim_start().starts_with('/') {
        return None;
    }
    let target = target.unwrap_or_else(|| source.clone());
    Some(Mount {
        propagation: None,
        loc: source.loc,
        target: Some(target),
        volume: None,
        volume_name: None,
        sub_path: None,
        read_only: permissions.is_some_and(|p| !p.contains('w')),
        host: Some(HostPath::resolve(source, None, Via::Direct)),
    })
}

/// A short device spec (`/dev/sda:/dev/xvda:rwm`, `--device`) as [`device_mount`] reads it.
pub(crate) fn short_device<'t>(spec: &Val<'t>) -> Option<Mount<'t>> {
    let mut parts = spec.as_str().splitn(3, ':');
    let source = parts.next().unwrap_or("").to_string();
    let (target, perms) = match (parts.next(), parts.next()) {
        // `/dev/x:rwm`: the permissions alone
        (Some(t), None) if !t.starts_with('/') => (None, Some(t)),
        (t, p) => (t, p),
    };
    device_mount(
        Val::new(source, spec.loc),
        target.map(|t| Val::new(t.to_string(), spec.loc)),
        Some(perms.unwrap_or("rwm")),
    )
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

/// Normalise one Compose document with the variables `env` knows; the errors are placed in the
/// document (templates Compose refuses, duplicate keys, variables that decide a security-relevant
/// field unknown, references to other files).
pub(crate) fn unit_with<'t>(doc: &'t Doc<'_>, env: Option<&Vars>) -> (Unit<'t>, Vec<ReadError>) {
    let env = with_well_known(env);
    let mut c = Compose {
        r: Reader { doc },
        env: &env,
        errors: RefCell::new(Vec::new()),
        last: false,
    };
    let mut unit = c.read();
    let dups = duplicates(doc);
    if !dups.is_empty() {
        // Compose (yaml.v3) refuses the file; judge it both ways, first and last value winning
        for (loc, key) in &dups {
            c.error(
                *loc,
                format!("duplicate key `{key}`: Compose refuses the file (both values are judged)"),
            );
        }
        c.last = true;
        let again = c.read();
        unit.workloads.extend(again.workloads);
    }
    (unit, c.errors.into_inner())
}

/// Every mapping key written twice in the same mapping (merge keys aside), at the second one.
fn duplicates<'t>(doc: &'t Doc<'_>) -> Vec<(Loc<'t>, String)> {
    let r = Reader { doc };
    let mut out = Vec::new();
    for (id, node) in doc.nodes.iter().enumerate() {
        if node.kind != Kind::Map {
            continue;
        }
        let Ok(id) = NodeId::try_from(id) else { break };
        let keys: Vec<NodeId> = doc.raw_pairs(id).map(|(k, _)| k).collect();
        for (i, &k) in keys.iter().enumerate() {
            let Some(kt) = doc.node(k).filter(|n| n.kind == Kind::Scalar) else {
                continue;
            };
            if kt.plain && kt.text == "<<" {
                continue;
            }
            let earlier = keys.get(..i).unwrap_or(&[]);
            if earlier.iter().any(|&e| doc.str(e) == Some(&*kt.text)) {
                out.push((r.loc(k), kt.text.to_string()));
            }
        }
    }
    out
}

impl<'t> Compose<'t, '_, '_> {
    fn read(&self) -> Unit<'t> {
        let doc = self.r.doc;
        let r = &self.r;
        let mut unit = Unit {
            source: Source::Compose,
            workloads: Vec::new(),
        };
        let Some(root) = doc.root() else { return unit };
        if let Some(inc) = self.get(root, "include") {
            self.error(
                r.loc(inc),
                "`include` pulls in other Compose files, which are not followed: lint them too (or lint the output of `docker compose config`)".into(),
            );
        }
        // top-level named volumes
        let mut named: Vec<Workload<'t>> = Vec::new();
        if let Some(vols) = self.get(root, "volumes") {
            for (k, v) in doc.pairs(vols) {
                let Some(name) = r.val(k) else { continue };
                let opts = self.get(v, "driver_opts");
                let device = opts.and_then(|o| {
                    let d = self.get(o, "device")?;
                    self.ival_as(d, Want::Text, true)
                });
                // `o: bind` / `rbind` (among other options) binds the device, whatever `type` says
                let bind = opts
                    .map(|o| {
                        self.ifield(o, "o").is_some_and(|x| {
                            x.as_str()
                                .split(',')
                                .any(|p| matches!(p.trim(), "bind" | "rbind"))
                        }) || self.ifield(o, "type").is_some_and(|t| t.eq_ci("none"))
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
        // top-level secrets and configs with `file:`: bound into the containers that use them
        let files = |key: &str| -> Vec<(String, Val<'t>)> {
            let Some(m) = self.get(root, key) else {
                return Vec::new();
            };
            doc.pairs(m)
                .into_iter()
                .filter_map(|(k, v)| {
                    let name = doc.str(k)?.to_string();
                    let f = self.get(v, "file")?;
                    Some((name, self.ival_as(f, Want::Text, true)?))
                })
                .collect()
        };
        let secrets = files("secrets");
        let configs = files("configs");
        // per service: its `volumes_from`, and the namespaces it shares with another service
        let mut inherits: Vec<Inherit<'t>> = Vec::new();
        let mut builds: Vec<Workload<'t>> = Vec::new();
        if let Some(services) = self.get(root, "services") {
            for (k, v) in doc.pairs(services) {
                let Some(name) = r.val(k) else { continue };
                if !doc.is_map(v) {
                    continue;
                }
                let chain = self.extends_chain(services, v);
                let from: Vec<Val<'t>> = self
                    .sall(&chain, "volumes_from")
                    .into_iter()
                    .flat_map(|id| self.istrings(Some(id), true))
                    .collect();
                let shares: Vec<(&'static str, Val<'t>)> = ["network_mode", "pid", "ipc"]
                    .into_iter()
                    .filter_map(|key| Some((key, self.ival(self.sget(&chain, key)?)?)))
                    .filter(|(_, v)| v.as_str().trim().starts_with("service:"))
                    .collect();
                inherits.push((unit.workloads.len(), from, shares));
                builds.extend(self.build(&name, &chain));
                let mut w = self.service(name, &chain, &mut named);
                if let Some(c) = w.containers.first_mut() {
                    for (key, list, dir) in [
                        ("secrets", &secrets, "/run/secrets/"),
                        ("configs", &configs, "/"),
                    ] {
                        for &sid in &chain {
                            self.file_refs(sid, key, list, dir, &mut c.mounts);
                        }
                    }
                }
                unit.workloads.push(w);
            }
        }
        self.inherit(&mut unit.workloads, &inherits);
        unit.workloads.extend(builds);
        unit.workloads.extend(named);
        unit
    }

    /// `volumes_from` and `service:` namespaces: a service gets the mounts of the services it
    /// names (read-only with `:ro`; through any number of them, cycles cut) and the host
    /// namespaces of the service whose network, PID or IPC namespace it joins. `container:` names
    /// a container outside the file: its mounts are not known here, an error.
    fn inherit(&self, ws: &mut [Workload<'t>], inherits: &[Inherit<'t>]) {
        let find = |ws: &[Workload<'t>], name: &str| {
            inherits
                .iter()
                .map(|(i, ..)| *i)
                .find(|&i| ws.get(i).is_some_and(|w| w.name == name))
        };
        for (i, from, shares) in inherits {
            let mut add: Vec<Mount<'t>> = Vec::new();
            // (service index, read-only, where the entry is)
            let mut todo: Vec<(usize, bool, Loc<'t>)> = Vec::new();
            let mut seen = vec![*i];
            for entry in from {
                let text = entry.as_str().trim();
                let (name, mode) = match text.rsplit_once(':') {
                    Some((n, m)) if matches!(m, "ro" | "rw") => (n, Some(m)),
                    _ => (text, None),
                };
                if name.starts_with("container:") {
                    self.error(
                        entry.loc,
                        format!(
                            "`volumes_from: {text}` takes the mounts of a container outside this file, which are not known here: the service is judged without them (lint what that container mounts)"
                        ),
                    );
                    continue;
                }
                let name = name.strip_prefix("service:").unwrap_or(name);
                if let Some(j) = find(ws, name) {
                    todo.push((j, mode == Some("ro"), entry.loc));
                }
            }
            while let Some((j, ro, loc)) = todo.pop() {
                if seen.contains(&j) || seen.len() > 64 {
                    continue;
                }
                seen.push(j);
                let Some(src) = ws.get(j).and_then(|w| w.containers.first()) else {
                    continue;
                };
                for m in &src.mounts {
                    let mut m = m.clone();
                    // the finding is this service's: it points at the `volumes_from` entry
                    m.loc = loc;
                    m.read_only |= ro;
                    if let Some(h) = &mut m.host {
                        h.loc = loc;
                        h.raw.loc = loc;
                    }
                    add.push(m);
                }
                // what that service itself takes from others
                if let Some((_, more, _)) = inherits.iter().find(|(k, ..)| *k == j) {
                    for entry in more {
                        let text = entry.as_str().trim();
                        let (name, mode) = match text.rsplit_once(':') {
                            Some((n, m)) if matches!(m, "ro" | "rw") => (n, Some(m)),
                            _ => (text, None),
                        };
                        let name = name.strip_prefix("service:").unwrap_or(name);
                        if let Some(k) = find(ws, name) {
                            todo.push((k, ro || mode == Some("ro"), loc));
                        }
                    }
                }
            }
            let mut joined: Vec<(&str, Option<Val<'t>>)> = Vec::new();
            for (key, v) in shares {
                let name = v.as_str().trim().trim_start_matches("service:");
                let other = find(ws, name).and_then(|j| ws.get(j));
                let host = other.and_then(|o| match *key {
                    "network_mode" => o.host_network.as_ref(),
                    "pid" => o.host_pid.as_ref(),
                    _ => o.host_ipc.as_ref(),
                });
                joined.push((key, host.map(|_| v.clone())));
            }
            let Some(w) = ws.get_mut(*i) else { continue };
            for (key, v) in joined {
                let Some(v) = v else { continue };
                match key {
                    "network_mode" => w.host_network = Some(v),
                    "pid" => w.host_pid = Some(v),
                    _ => w.host_ipc = Some(v),
                }
            }
            if let Some(c) = w.containers.first_mut() {
                c.mounts.extend(add);
            }
        }
    }

    /// The build a service's `build` runs, when it runs with more than a build's rights: a
    /// workload of its own (`build.privileged`, the `security.insecure` entitlement: a privileged
    /// build; `build.network: host`, the `network.host` entitlement: the host's network).
    fn build(&self, name: &Val<'t>, chain: &[NodeId]) -> Option<Workload<'t>> {
        let doc = self.r.doc;
        let b = self.sget(chain, "build").filter(|&b| doc.is_map(b))?;
        let privileged = self
            .get(b, "privileged")
            .and_then(|id| self.ival_as(id, Want::Bool, true))
            .filter(|v| compose_true(v.as_str()));
        let entitlements = self.istrings(self.get(b, "entitlements"), true);
        let insecure = entitlements
            .iter()
            .find(|e| e.as_str().trim() == "security.insecure")
            .cloned();
        let net = self
            .get(b, "network")
            .and_then(|id| self.ival_as(id, Want::Host, true))
            .filter(|v| v.eq_ci("host"))
            .or_else(|| {
                entitlements
                    .iter()
                    .find(|e| e.as_str().trim() == "network.host")
                    .cloned()
            });
        let privileged = privileged.or(insecure);
        if privileged.is_none() && net.is_none() {
            return None;
        }
        let loc = self.r.loc(b);
        let mut w = Workload::new(WorkloadKind::Pod, "build", loc);
        w.name = Cow::Owned(format!("{} (build)", name.as_str()));
        w.host_network = net;
        let mut c = Container::new(ContainerKind::Service, w.name.clone(), loc);
        c.security.privileged = privileged;
        w.containers.push(c);
        Some(w)
    }

    /// The service and the services it `extends` in the same file, nearest first (bounded,
    /// cycles cut). `extends.file` is an error: the other file is not followed.
    fn extends_chain(&self, services: NodeId, id: NodeId) -> Vec<NodeId> {
        let doc = self.r.doc;
        let mut chain = vec![id];
        let mut cur = id;
        for _ in 0..16 {
            let Some(ext) = self.get(cur, "extends") else {
                break;
            };
            let base = if doc.is_map(ext) {
                if let Some(f) = self.get(ext, "file") {
                    self.error(
                        self.r.loc(f),
                        "`extends.file` names another Compose file, which is not followed: the service is judged without what it inherits (lint the output of `docker compose config`)".into(),
                    );
                    break;
                }
                self.get(ext, "service").and_then(|s| doc.str(s))
            } else {
                doc.str(ext)
            };
            let Some(next) = base.and_then(|b| self.get(services, b)) else {
                break;
            };
            if chain.contains(&next) || !doc.is_map(next) {
                break;
            }
            chain.push(next);
            cur = next;
        }
        chain
    }

    /// `key` of the first service of `chain` that sets it.
    fn sget(&self, chain: &[NodeId], key: &str) -> Option<NodeId> {
        chain.iter().find_map(|&s| self.get(s, key))
    }

    /// `key` of every service of `chain` (lists Compose merges: volumes, cap_add, ...).
    fn sall(&self, chain: &[NodeId], key: &str) -> Vec<NodeId> {
        chain.iter().filter_map(|&s| self.get(s, key)).collect()
    }

    /// A service's `secrets:` / `configs:` entries naming a top-level one with `file:`: a
    /// read-only bind of that file.
    fn file_refs(
        &self,
        sid: NodeId,
        key: &str,
        list: &[(String, Val<'t>)],
        dir: &str,
        mounts: &mut Vec<Mount<'t>>,
    ) {
        let doc = self.r.doc;
        let Some(refs) = self.get(sid, key) else {
            return;
        };
        for item in doc.items(refs) {
            let (name, target) = if doc.is_map(item) {
                (
                    self.get(item, "source").and_then(|s| doc.str(s)),
                    self.ifield(item, "target"),
                )
            } else {
                (doc.str(item), None)
            };
            let Some(name) = name else { continue };
            let Some((_, file)) = list.iter().find(|(n, _)| n == name) else {
                continue;
            };
            let loc = self.r.loc(item);
            let target = target.unwrap_or_else(|| Val::new(format!("{dir}{name}"), loc));
            let mut raw = file.clone();
            raw.loc = loc;
            mounts.push(Mount {
                propagation: None,
                loc,
                target: Some(target),
                volume: None,
                volume_name: None,
                sub_path: None,
                read_only: true,
                host: Some(HostPath::resolve(raw, None, Via::Direct)),
            });
        }
    }

    fn service(&self, name: Val<'t>, chain: &[NodeId], named: &mut [Workload<'t>]) -> Workload<'t> {
        let doc = self.r.doc;
        let r = &self.r;
        let f = |key: &str| self.sget(chain, key);
        let mut w = Workload::new(WorkloadKind::Pod, "service", name.loc);
        w.name = name.text.clone();
        w.annotations = self
            .ipairs(f("labels"))
            .into_iter()
            .map(|(k, v)| {
                let v = v.unwrap_or_else(|| Val::new("", k.loc));
                (k, v)
            })
            .collect();
        let host = |key: &str| {
            f(key)
                .and_then(|id| self.ival_as(id, Want::Host, true))
                .filter(|v| v.eq_ci("host"))
        };
        w.host_network = host("network_mode");
        w.host_pid = host("pid");
        w.host_ipc = host("ipc");
        w.host_cgroup = host("cgroup");
        w.host_uts = host("uts");
        w.host_users = f("userns_mode").and_then(|id| self.ival_as(id, Want::Host, true));
        w.runtime_class = f("runtime").and_then(|id| self.ival_as(id, Want::Text, true));
        w.sysctls = self
            .ipairs(f("sysctls"))
            .into_iter()
            .map(|(k, v)| {
                let v = v.unwrap_or_else(|| Val::new("", k.loc));
                (k, v)
            })
            .collect();

        let mut c = Container::new(ContainerKind::Service, name.text.clone(), name.loc);
        c.image = f("image").and_then(|id| self.ival(id));
        // as written, not interpolated: a name built from a variable is unique per run (DS027)
        c.container_name = f("container_name").and_then(|id| r.val(id));
        c.command = self.words(f("entrypoint"));
        c.args = self.words(f("command"));
        for (k, v) in self.ipairs(f("environment")) {
            c.env.push(Env { name: k, value: v });
        }
        let list = |key: &str| -> Vec<Val<'t>> {
            self.sall(chain, key)
                .into_iter()
                .flat_map(|id| self.istrings(Some(id), true))
                .collect()
        };
        let mut sec = Security {
            privileged: f("privileged")
                .and_then(|id| self.ival_as(id, Want::Bool, true))
                .filter(|v| compose_true(v.as_str())),
            cap_add: list("cap_add"),
            cap_drop: list("cap_drop"),
            groups: list("group_add"),
            ..Security::default()
        };
        if let Some(user) = f("user").and_then(|id| self.ival(id)) {
            let u = user.as_str().split(':').next().unwrap_or("").to_string();
            sec.run_as_user = Some(Val::new(u, user.loc));
        }
        for opt in list("security_opt") {
            apply_security_opt(&mut sec, &opt);
        }
        c.security = sec;
        for ports in self.sall(chain, "ports") {
            for p in doc.items(ports) {
                if doc.is_map(p) {
                    c.ports.push(Port {
                        loc: r.loc(p),
                        container_port: self.ifield(p, "target"),
                        host_port: self.ifield(p, "published"),
                        host_ip: self.ifield(p, "host_ip"),
                    });
                } else if let Some(s) = self.ival(p) {
                    c.ports.push(parse_port(s.as_str(), s.loc));
                }
            }
        }
        for vols in self.sall(chain, "volumes") {
            for item in doc.items(vols) {
                self.volume_mounts(item, named, &mut c.mounts);
            }
        }
        // `devices`: the host's device nodes, short (`/dev/sda:/dev/xvda:rwm`) or long
        for devs in self.sall(chain, "devices") {
            for item in doc.items(devs) {
                if doc.is_map(item) {
                    let Some(source) = self
                        .get(item, "source")
                        .and_then(|s| self.ival_as(s, Want::Text, true))
                    else {
                        continue;
                    };
                    let perms = self.ifield(item, "permissions");
                    c.mounts.extend(device_mount(
                        source,
                        self.ifield(item, "target"),
                        Some(perms.as_ref().map_or("rwm", |p| p.as_str())),
                    ));
                } else {
                    for spec in self.ivals(item, true) {
                        c.mounts.extend(short_device(&spec));
                    }
                }
            }
        }
        c.device_rules = list("device_cgroup_rules");
        // `tmpfs: /path[:options]`: a mount without a host path (DS026 counts it as storage)
        for t in list("tmpfs") {
            let target = t.as_str().split(':').next().unwrap_or("").to_string();
            c.mounts.push(Mount::anonymous(Val::new(target, t.loc)));
        }
        w.containers.push(c);
        w
    }

    /// `command` / `entrypoint`: a list, or a string split like sh.
    fn words(&self, id: Option<NodeId>) -> Vec<Val<'t>> {
        let Some(id) = id else { return Vec::new() };
        if self.r.doc.is_seq(id) {
            return self.r.doc.items(id).filter_map(|i| self.ival(i)).collect();
        }
        match self.ival(id) {
            Some(v) => shell_words(v.as_str())
                .into_iter()
                .map(|s| Val::new(s, v.loc))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The mounts of one `volumes:` item: one per reading of its variables.
    fn volume_mounts(&self, item: NodeId, named: &mut [Workload<'t>], out: &mut Vec<Mount<'t>>) {
        let doc = self.r.doc;
        let loc = self.r.loc(item);
        if doc.is_map(item) {
            let kind = self
                .ifield(item, "type")
                .map(|t| t.as_str().to_ascii_lowercase());
            let ro = self
                .get(item, "read_only")
                .and_then(|id| self.ival_as(id, Want::Bool, false))
                .is_some_and(|v| compose_true(v.as_str()));
            let sub = self
                .get(item, "volume")
                .and_then(|v| self.ifield(v, "subpath"));
            let target = self.ifield(item, "target");
            let propagation = self
                .get(item, "bind")
                .and_then(|b| self.get(b, "propagation"))
                .and_then(|p| self.ival_as(p, Want::Text, true));
            let sources = match self.get(item, "source") {
                Some(s) => self.ivals(s, true).into_iter().map(Some).collect(),
                None => vec![None],
            };
            for source in sources {
                let mut m = self.mount(
                    loc,
                    source,
                    target.clone(),
                    ro,
                    kind.as_deref(),
                    sub.clone(),
                    named,
                );
                m.propagation.clone_from(&propagation);
                out.push(m);
            }
        } else {
            let (specs, known) = self.ivals_known(item, true);
            for spec in specs {
                let (s, t, m) = split_volume(spec.as_str());
                if known {
                    self.check_short_volume(item, s, t, named);
                }
                let source = s.map(|s| Val::new(s.to_string(), spec.loc));
                let target = Some(Val::new(t.to_string(), spec.loc));
                let ro = m.is_some_and(read_only_mode);
                let mut mount = self.mount(loc, source, target, ro, None, None, named);
                mount.propagation = m.and_then(|m| propagation_mode(m, spec.loc));
                out.push(mount);
            }
        }
    }

    /// A short volume spec Compose refuses: an empty section, a named volume not declared.
    fn check_short_volume(
        &self,
        item: NodeId,
        source: Option<&str>,
        target: &str,
        named: &[Workload<'t>],
    ) {
        let path = self.r.doc.field_path(item);
        let problem = if source == Some("") || target.is_empty() {
            Some("an empty section between colons".to_string())
        } else {
            source
                .filter(|s| {
                    !is_compose_host_source(s) && !named.iter().any(|w| w.name.as_ref() == *s)
                })
                .map(|s| format!("the undefined volume `{s}`"))
        };
        if let Some(p) = problem {
            self.error(
                self.r.loc(item),
                format!("`{path}` has {p}: Compose refuses the file"),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn mount(
        &self,
        loc: Loc<'t>,
        source: Option<Val<'t>>,
        target: Option<Val<'t>>,
        read_only: bool,
        kind: Option<&str>,
        sub: Option<Val<'t>>,
        named: &mut [Workload<'t>],
    ) -> Mount<'t> {
        let mut mount = Mount {
            propagation: None,
            loc,
            target,
            volume: None,
            volume_name: None,
            sub_path: sub.clone(),
            read_only,
            host: None,
        };
        let Some(source) = source else {
            return mount;
        };
        let is_bind = match kind {
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
        mount
    }
}

/// dockscape's reading of a Compose text as JSON, for the differential test against
/// `docker-compose config --format json`: per service the fields the linter judges, after
/// interpolation with `env`, unknown variables unset (`Unknown::Unset`: what Compose itself does
/// with a variable it lacks). Not a stable API.
#[doc(hidden)]
pub fn debug_compose_to_json(text: &str, env: &Vars) -> String {
    let mut out = serde_json::Map::new();
    let mut errors = Vec::new();
    let mut parse_errors = Vec::new();
    let mut loader = super::source::Loader::default();
    loader.run(
        text,
        |doc, _| {
            let env = env.clone();
            let c = Compose {
                r: Reader { doc },
                env: &env,
                errors: RefCell::new(Vec::new()),
                last: false,
            };
            let Some(root) = doc.root() else { return };
            let Some(services) = c.get(root, "services") else {
                return;
            };
            let one = |id: NodeId| -> Option<String> {
                let v = c.r.val(id)?;
                expand(v.as_str(), c.env, Unknown::Unset)
                    .ok()
                    .map(|e| e.text)
            };
            for (k, v) in doc.pairs(services) {
                let Some(name) = doc.str(k) else { continue };
                let mut svc = serde_json::Map::new();
                let chain = c.extends_chain(services, v);
                for key in ["image", "network_mode", "pid", "ipc", "userns_mode", "user"] {
                    if let Some(t) = c.sget(&chain, key).and_then(one) {
                        svc.insert(key.into(), t.into());
                    }
                }
                if let Some(t) = c.sget(&chain, "privileged").and_then(one) {
                    svc.insert("privileged".into(), compose_true(&t).into());
                }
                let mut caps = Vec::new();
                for id in c.sall(&chain, "cap_add") {
                    caps.extend(doc.items(id).filter_map(one));
                }
                if !caps.is_empty() {
                    svc.insert("cap_add".into(), caps.into());
                }
                let mut vols = Vec::new();
                for id in c.sall(&chain, "volumes") {
                    for item in doc.items(id) {
                        let mut m = serde_json::Map::new();
                        if doc.is_map(item) {
                            for key in ["type", "source", "target"] {
                                if let Some(t) = c.get(item, key).and_then(one) {
                                    m.insert(key.into(), t.into());
                                }
                            }
                        } else if let Some(spec) = one(item) {
                            let (s, t, _) = split_volume(&spec);
                            if let Some(s) = s {
                                let kind = if is_compose_host_source(s) {
                                    "bind"
                                } else {
                                    "volume"
                                };
                                m.insert("type".into(), kind.into());
                                m.insert("source".into(), s.into());
                            } else {
                                m.insert("type".into(), "volume".into());
                            }
                            m.insert("target".into(), t.into());
                        }
                        vols.push(serde_json::Value::Object(m));
                    }
                }
                if !vols.is_empty() {
                    svc.insert("volumes".into(), vols.into());
                }
                let mut envs = serde_json::Map::new();
                if let Some(e) = c.sget(&chain, "environment") {
                    if doc.is_map(e) {
                        for (k, v) in doc.pairs(e) {
                            let Some(k) = doc.str(k) else { continue };
                            let v = one(v).map_or(serde_json::Value::Null, Into::into);
                            envs.insert(k.to_string(), v);
                        }
                    } else {
                        for item in doc.items(e).filter_map(one) {
                            match item.split_once('=') {
                                Some((k, v)) => envs.insert(k.trim().to_string(), v.into()),
                                None => envs.insert(item, serde_json::Value::Null),
                            };
                        }
                    }
                }
                if !envs.is_empty() {
                    svc.insert("environment".into(), envs.into());
                }
                out.insert(name.to_string(), svc.into());
            }
            errors.extend(c.errors.into_inner().into_iter().map(|e| e.message));
        },
        |e| parse_errors.push(e.message),
    );
    errors.extend(parse_errors);
    let mut top = serde_json::Map::new();
    top.insert("services".into(), out.into());
    top.insert("errors".into(), errors.into());
    serde_json::Value::Object(top).to_string()
}

/// What the services of a Compose file run, for the shell and `docker run` readers: shell text
/// (the scalar, its text after interpolation, and for each character of it the index of the
/// scalar's character it comes from) and argument vectors run with no shell between.
#[derive(Default)]
pub(crate) struct Commands {
    pub scripts: Vec<(NodeId, String, Vec<u32>)>,
    pub argvs: Vec<Vec<super::ci::Arg>>,
}

/// A Compose value as the shell in the container gets it: interpolated with `env` where every
/// variable of an expression is known, `$$` a literal `$`, an expression with an unknown
/// variable left as written (the shell reads `${X:-d}` the same way, and `X` is unknown there
/// too); with each character's index in `raw`.
pub(crate) fn shell_form(raw: &str, env: &Vars) -> (String, Vec<u32>) {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut from: Vec<u32> = Vec::with_capacity(chars.len());
    let push = |out: &mut String, from: &mut Vec<u32>, c: char, at: usize| {
        out.push(c);
        from.push(u32::try_from(at).unwrap_or(u32::MAX));
    };
    let mut i = 0usize;
    while let Some(&c) = chars.get(i) {
        if c != '$' {
            push(&mut out, &mut from, c, i);
            i += 1;
            continue;
        }
        let end = match chars.get(i + 1) {
            Some('$') => {
                push(&mut out, &mut from, '$', i);
                i += 2;
                continue;
            }
            Some('{') => {
                let mut depth = 0usize;
                let mut end = None;
                for (k, &ch) in chars.iter().enumerate().skip(i + 1) {
                    if ch == '{' {
                        depth += 1;
                    } else if ch == '}' {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(k + 1);
                            break;
                        }
                    }
                }
                end
            }
            Some(ch) if ch.is_ascii_alphabetic() || *ch == '_' => Some(
                chars
                    .iter()
                    .skip(i + 1)
                    .position(|ch| !(ch.is_ascii_alphanumeric() || *ch == '_'))
                    .map_or(chars.len(), |p| i + 1 + p),
            ),
            _ => None,
        };
        let Some(end) = end else {
            push(&mut out, &mut from, '$', i);
            i += 1;
            continue;
        };
        let expr: String = chars.get(i..end).unwrap_or(&[]).iter().collect();
        match expand(&expr, env, Unknown::Unset) {
            Ok(e) if e.unknown.is_empty() && e.required.is_none() => {
                for ch in e.text.chars() {
                    push(&mut out, &mut from, ch, i);
                }
            }
            _ => {
                for (k, ch) in expr.chars().enumerate() {
                    push(&mut out, &mut from, ch, i + k);
                }
            }
        }
        i = end;
    }
    (out, from)
}

/// The commands the services of a Compose document run ([`Commands`]): a `command` or
/// `entrypoint` string (Compose splits it into words: read as shell text, so `sh -c "…"` in it
/// is read at its place), the string after `-c` of a shell in `entrypoint` + `command` (lists,
/// or `entrypoint: [sh, -c]` with the `command` string), `healthcheck.test` (`CMD-SHELL` and a
/// string are shell text, `CMD` an argument vector), and the argument vectors with no shell
/// (`command: [docker, run, …]`, or `[run, …]` for the official `docker` image).
pub(crate) fn commands(doc: &Doc<'_>, env: Option<&Vars>) -> Commands {
    let env = with_well_known(env);
    let mut out = Commands::default();
    let Some(services) = doc.root().and_then(|r| doc.get(r, "services")) else {
        return out;
    };
    let arg = |id: NodeId, text: String| super::ci::Arg {
        id,
        written: format!("\"{}\"", text.replace(['"', '\'', '`', '\\'], "")),
        text,
    };
    // a list's items, or a string's words, each an argument at its node
    let words = |id: Option<NodeId>| -> Vec<(super::ci::Arg, bool)> {
        let Some(id) = id.map(|i| doc.resolve(i)) else {
            return Vec::new();
        };
        if doc.is_seq(id) {
            return doc
                .items(id)
                .map(|n| doc.resolve(n))
                .filter_map(|n| Some((arg(n, shell_form(doc.str(n)?, &env).0), false)))
                .collect();
        }
        match doc.str(id) {
            Some(t) => shell_words(&shell_form(t, &env).0)
                .into_iter()
                .map(|w| (arg(id, w), true))
                .collect(),
            None => Vec::new(),
        }
    };
    let script = |out: &mut Commands, id: NodeId| {
        if let Some(t) = doc.str(id)
            && !out.scripts.iter().any(|(s, _, _)| *s == id)
        {
            let (text, from) = shell_form(t, &env);
            out.scripts.push((id, text, from));
        }
    };
    for (_, svc) in doc.pairs(services) {
        let svc = doc.resolve(svc);
        if !doc.is_map(svc) {
            continue;
        }
        let entrypoint = doc.get(svc, "entrypoint");
        let command = doc.get(svc, "command");
        let image = doc.get(svc, "image").and_then(|i| doc.str(i)).unwrap_or("");
        let mut argv = words(entrypoint);
        let cmd = words(command);
        let implicit = entrypoint.is_none()
            && super::k8s::docker_cli_image(image)
            && cmd
                .first()
                .is_some_and(|(a, _)| super::k8s::docker_cli_args(&a.text));
        if let (true, Some((first, _))) = (implicit, cmd.first()) {
            argv.push((arg(first.id, "docker".into()), false));
        }
        argv.extend(cmd);
        let mut vectors = vec![argv];
        if let Some(hc) = doc.get(svc, "healthcheck").filter(|&h| doc.is_map(h))
            && let Some(test) = doc.get(hc, "test").map(|t| doc.resolve(t))
        {
            if doc.is_seq(test) {
                let items: Vec<NodeId> = doc.items(test).map(|n| doc.resolve(n)).collect();
                match items.first().and_then(|&f| doc.str(f)) {
                    Some("CMD-SHELL") => {
                        if let Some(&s) = items.get(1) {
                            script(&mut out, s);
                        }
                    }
                    Some("CMD") => vectors.push(
                        items
                            .iter()
                            .skip(1)
                            .filter_map(|&n| Some((arg(n, shell_form(doc.str(n)?, &env).0), false)))
                            .collect(),
                    ),
                    _ => {}
                }
            } else if doc.str(test).is_some() {
                script(&mut out, test);
            }
        }
        for argv in vectors {
            match shell_c_arg(&argv) {
                // a string's words: the whole string is read as shell text (Compose splits it
                // as sh would, and the reader finds the `-c` string in it)
                Some((id, _)) => script(&mut out, id),
                None => {
                    if argv
                        .iter()
                        .any(|(a, _)| super::run::mentions_runtime(&a.text))
                    {
                        out.argvs.push(argv.into_iter().map(|(a, _)| a).collect());
                    }
                }
            }
        }
    }
    out
}

/// The argument after the `-c` of a shell in an argument vector (`[sh, -c, "…"]`, `[bash,
/// -ec, "…"]`): its node, and whether it is a word of a string.
fn shell_c_arg(argv: &[(super::ci::Arg, bool)]) -> Option<(NodeId, bool)> {
    let k = argv
        .iter()
        .position(|(a, _)| super::run::SHELLS.contains(&super::run::base(&a.text).as_str()))?;
    let mut c_flag = false;
    for (a, split) in argv.get(k + 1..).unwrap_or(&[]) {
        let w = a.text.as_str();
        if w.starts_with("--") {
            continue;
        }
        if (w.starts_with('-') || w.starts_with('+')) && w.len() > 1 {
            c_flag |= w.contains('c');
            continue;
        }
        return c_flag.then_some((a.id, *split));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
