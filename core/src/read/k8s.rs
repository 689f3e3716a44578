//! Kubernetes objects → IR: pod specs wherever they live.

use std::borrow::Cow;

use super::ir::{
    Container, ContainerKind, Env, Field, HostPath, Loc, Mount, Port, Security, Source, Unit, Val,
    Via, Volume, VolumeSource, Workload, WorkloadKind,
};
use super::paths;
use super::source::{Doc, Kind, MAX_DEPTH, NodeId, Scalar};

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
        self.flag(id, key).filter(Val::is_true)
    }

    /// `key` of mapping `id` as a boolean field the API machinery decodes: a YAML 1.1 boolean
    /// (`true`, `yes`, `on`, `y`, ... as go-yaml v2 reads them) becomes `true`/`false` at the
    /// value's position. Anything else (a quoted `"true"`, a number, a mapping) is an input error,
    /// since the API server refuses it, and is judged the dangerous way when its text says true.
    pub(crate) fn flag(&self, id: NodeId, key: &str) -> Option<Val<'t>> {
        let v = self.doc.get(id, key)?;
        let loc = self.loc(v);
        match self.doc.scalar(v) {
            Some(Scalar::Null) => None,
            Some(Scalar::Bool(b)) => Some(Val::new(if b { "true" } else { "false" }, loc)),
            other => {
                let shown = match other {
                    Some(Scalar::Str(t)) => format!("the string `{}`", t.escape_debug()),
                    Some(_) => "a number".to_string(),
                    None => self.shape(v).to_string(),
                };
                self.doc.problem(
                    v,
                    format!(
                        "`{}` must be a boolean (true or false), not {shown}: the API server refuses the object",
                        self.doc.field_path(v)
                    ),
                );
                let text = self.doc.str(v)?;
                super::source::yaml11_bool(text.trim())
                    .or_else(|| text.trim().eq_ignore_ascii_case("true").then_some(true))
                    .filter(|&b| b)
                    .map(|_| Val::new("true", loc))
            }
        }
    }

    fn shape(&self, v: NodeId) -> &'static str {
        match self.doc.node(v).map(|n| n.kind) {
            Some(Kind::Map) => "a mapping",
            Some(Kind::Seq) => "a list",
            _ => "a scalar",
        }
    }

    /// `key` of mapping `id` when it is a mapping; null or absent is `None`; any other shape is an
    /// input error naming the field.
    pub(crate) fn map_at(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.shaped(id, key, Kind::Map)
    }

    /// `key` of mapping `id` when it is a list (see [`Reader::map_at`]).
    pub(crate) fn seq_at(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.shaped(id, key, Kind::Seq)
    }

    fn shaped(&self, id: NodeId, key: &str, kind: Kind) -> Option<NodeId> {
        let v = self.doc.get(id, key)?;
        let n = self.doc.node(v)?;
        if n.kind == kind {
            return Some(self.doc.resolve(v));
        }
        if matches!(self.doc.scalar(v), Some(Scalar::Null)) {
            return None;
        }
        let want = if kind == Kind::Map {
            "a mapping"
        } else {
            "a list"
        };
        let got = match self.doc.scalar(v) {
            Some(Scalar::Str(t)) => format!("the string `{}`", t.escape_debug()),
            Some(_) => format!("the scalar `{}`", n.text.escape_debug()),
            None => self.shape(v).to_string(),
        };
        self.doc.problem(
            v,
            format!(
                "`{}` must be {want}, not {got}: the API server refuses the object, and it was not read",
                self.doc.field_path(v)
            ),
        );
        None
    }

    /// The mapping items of list `list`; any other item is an input error.
    pub(crate) fn map_items(&self, list: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        for item in self.doc.items(list) {
            if self.doc.is_map(item) {
                out.push(self.doc.resolve(item));
            } else if !matches!(self.doc.scalar(item), Some(Scalar::Null)) {
                self.doc.problem(
                    item,
                    format!(
                        "`{}` must be a mapping, not {}: the API server refuses the object",
                        self.doc.field_path(item),
                        self.shape(item)
                    ),
                );
            }
        }
        out
    }

    /// A list of strings (`command`, `args`, `add`, `drop`): a scalar there is an input error
    /// (and is still read, as one item).
    pub(crate) fn string_list(&self, id: NodeId, key: &str) -> Vec<Val<'t>> {
        let Some(v) = self.doc.get(id, key) else {
            return Vec::new();
        };
        if !self.doc.is_seq(v) && !self.doc.is_map(v) {
            if matches!(self.doc.scalar(v), Some(Scalar::Null)) {
                return Vec::new();
            }
            self.doc.problem(
                v,
                format!(
                    "`{}` must be a list, not {}: the API server refuses the object",
                    self.doc.field_path(v),
                    self.shape(v)
                ),
            );
            return self.val(v).into_iter().collect();
        }
        match self.seq_at(id, key) {
            Some(l) => self.doc.items(l).filter_map(|i| self.val(i)).collect(),
            None => Vec::new(),
        }
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
    duplicates(doc);
    if let Some(root) = doc.root() {
        object(&r, root, &mut unit, 0);
    }
    unit
}

/// Every duplicate key of the document as an input error: go-yaml v2 under `sigs.k8s.io/yaml`
/// keeps the last one (and so does this reader), strict clients refuse the object.
pub(crate) fn duplicates(doc: &Doc<'_>) {
    for &(k, earlier) in &doc.dups {
        let (line, col) = doc.pos(earlier);
        let key = doc.node(k).map_or("", |n| &*n.text);
        doc.problem(
            k,
            format!(
                "duplicate key `{}` (first at line {line}, column {col}): the last one is read, as the API server's decoder does",
                key.escape_debug()
            ),
        );
    }
}

/// Built-in kinds whose pod template the API server reads only at its own place.
const BUILTIN: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
];

fn object<'t>(r: &Reader<'t, '_>, id: NodeId, unit: &mut Unit<'t>, depth: u32) {
    let doc = r.doc;
    if !doc.is_map(id) || depth as usize > MAX_DEPTH || doc.exceeded() {
        return;
    }
    let kind = doc.get(id, "kind").and_then(|k| doc.str(k)).unwrap_or("");
    if kind.ends_with("List") && doc.get(id, "items").is_some() {
        // `kind: List` (and `*List`), nested to any depth: kubectl flattens every level
        if let Some(items) = r.seq_at(id, "items") {
            for item in r.map_items(items) {
                object(r, item, unit, depth + 1);
            }
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
    let spec = spec.filter(|&s| doc.is_map(s)).map(|s| doc.resolve(s));
    if let Some(spec) = spec {
        workload(r, id, kind, meta, template_meta, spec, unit);
    }
    if kind == "Pod" || kind == "PodTemplate" || BUILTIN.contains(&kind) {
        return;
    }
    // any other object (a custom resource, or no kind): pod specs and bare containers wherever
    // they are (Kubeflow `*ReplicaSpecs.*.template`, `spec.podTemplate`, Argo `templates[]`)
    let mut found = Vec::new();
    // each node once, aliases and merge keys included (an alias bomb costs nothing)
    let mut seen = vec![false; doc.nodes.len()];
    if let Some(s) = spec.and_then(|s| seen.get_mut(s as usize)) {
        *s = true;
    }
    let start = doc.get(id, "spec").unwrap_or(id);
    if start == id {
        for (k, v) in doc.pairs(id) {
            if doc.str(k) != Some("metadata") {
                find(doc, v, &mut seen, 0, &mut found);
            }
        }
    } else {
        find(doc, start, &mut seen, 0, &mut found);
    }
    let volumes = doc
        .get(id, "spec")
        .filter(|&s| doc.is_map(s))
        .and_then(|s| r.seq_at(s, "volumes"));
    for f in found {
        match f {
            Found::PodSpec(s) if Some(s) == spec => {}
            Found::PodSpec(s) => {
                let tmeta = doc
                    .node(s)
                    .map(|n| n.parent)
                    .filter(|&p| doc.get(p, "spec").map(|x| doc.resolve(x)) == Some(s))
                    .and_then(|p| doc.get(p, "metadata"));
                workload(r, id, kind, meta, tmeta, s, unit);
            }
            Found::Bare(c, key, index) => {
                let mut w = Workload::new(WorkloadKind::Pod, kind_or_pod(kind), r.loc(c));
                name_and_namespace(r, &mut w, meta);
                w.annotations = r.string_map(meta.and_then(|m| doc.get(m, "annotations")));
                if let Some(vols) = volumes {
                    for item in r.map_items(vols) {
                        w.volumes.push(volume(r, item));
                    }
                }
                let kind = if key == "initContainers" {
                    ContainerKind::Init
                } else {
                    ContainerKind::Container
                };
                let mut c = container(r, c, kind, key, index, &w);
                if key == "script"
                    && let Some(source) = script_source(doc, c_id(&c))
                    && let Some(s) = r.val(source)
                {
                    // an Argo `script`'s source: its words count as the container's command
                    // (`dockerd` there is a daemon), as a Tekton step's `script`
                    for word in super::compose::shell_words(s.as_str()) {
                        c.args.push(Val::new(word, s.loc));
                    }
                }
                w.containers.push(c);
                mark_used(&mut w);
                unit.workloads.push(w);
            }
        }
    }
}

/// The node a container was read from.
fn c_id(c: &Container<'_>) -> Option<NodeId> {
    match c.loc.field {
        Field::Node(id) => Some(id),
        _ => None,
    }
}

/// The `source` of an Argo Workflows `script` template `c` when a shell runs it: its `command`
/// (`sh` when none) is a shell.
fn script_source(doc: &Doc<'_>, c: Option<NodeId>) -> Option<NodeId> {
    let c = c?;
    let source = doc.get(c, "source").filter(|&s| doc.str(s).is_some())?;
    let shell = match doc.get(c, "command").filter(|&l| doc.is_seq(l)) {
        Some(l) => doc
            .items(l)
            .next()
            .and_then(|i| doc.str(i))
            .is_some_and(|w| super::run::SHELLS.contains(&super::run::base(w).as_str())),
        None => true,
    };
    shell.then_some(source)
}

/// The shell text the containers of a Kubernetes document run, whose `docker run` lines are read
/// as embedded text ([`super::ci::shell_scalar`]): an Argo Workflows `script` template's `source`
/// (run by its `command`, `sh` when none), and the string after `-c` of a shell in a container's
/// `command` and `args` (`command: [sh, -c, "…"]`, `[bash, -ec]` with `args: ["…"]`, or
/// `args: ["-c", "…"]` alone, for an image whose entrypoint is a shell). Every mapping with an
/// `image` counts, wherever it is: pod specs, `initContainers`, `sidecars`, `ephemeralContainers`,
/// Argo `containerSet`s and templates inline in `steps` and `dag` tasks. Each node once.
pub(crate) fn scripts(doc: &Doc<'_>) -> Vec<NodeId> {
    commands(doc, false).0
}

/// The argument vectors the containers of a Kubernetes document run with no shell between
/// (`command: [docker, run, --privileged, …]`, `command: [docker]` with `args: [run, …]`, or
/// `args: [run, …]` alone for the official `docker` image, whose entrypoint runs `docker "$@"`
/// when the first argument is a docker command or an option), and the `exec` commands of their
/// hooks and probes; vectors with a shell's `-c` string are [`scripts`]'. Each container once,
/// wherever it is (as [`scripts`]).
pub(crate) fn argvs(doc: &Doc<'_>) -> Vec<Vec<super::ci::Arg>> {
    commands(doc, true).1
}

/// [`scripts`] and, with `argv`, [`argvs`], in one pass over the document's containers.
pub(crate) fn commands(doc: &Doc<'_>, argv: bool) -> (Vec<NodeId>, Vec<Vec<super::ci::Arg>>) {
    let mut out = Vec::new();
    let mut vectors_out = Vec::new();
    for i in 0..doc.nodes.len() {
        let Ok(id) = NodeId::try_from(i) else { break };
        if !doc.is_map(id) {
            continue;
        }
        let Some(image) = doc.get(id, "image").and_then(|v| doc.str(v)) else {
            continue;
        };
        if let Some(s) = script_source(doc, Some(id)) {
            out.push(s);
        }
        let list = |m: Option<NodeId>, key: &str| -> Vec<NodeId> {
            m.and_then(|m| doc.get(m, key))
                .filter(|&l| doc.is_seq(l))
                .map(|l| doc.items(l).map(|n| doc.resolve(n)).collect())
                .unwrap_or_default()
        };
        let command = list(Some(id), "command");
        let args = list(Some(id), "args");
        let no_command = command.is_empty();
        let implicit = argv
            && no_command
            && docker_cli_image(image)
            && args
                .first()
                .and_then(|&a| doc.str(a))
                .is_some_and(docker_cli_args);
        let cmd: Vec<NodeId> = command.into_iter().chain(args).collect();
        let mut vectors = Vec::new();
        // `args: ["-c", "…"]` alone: the image's entrypoint may be a shell
        match shell_c(doc, &cmd, no_command) {
            Some(s) => out.push(s),
            None if argv => vectors.push((cmd, implicit)),
            None => {}
        }
        // the commands the kubelet runs in the container: lifecycle hooks and exec probes
        for path in [
            &["lifecycle", "postStart", "exec"][..],
            &["lifecycle", "preStop", "exec"],
            &["livenessProbe", "exec"],
            &["readinessProbe", "exec"],
            &["startupProbe", "exec"],
        ] {
            let Some(exec) = doc.path(id, path).filter(|&e| doc.is_map(e)) else {
                continue;
            };
            let c = list(Some(exec), "command");
            match shell_c(doc, &c, false) {
                Some(s) => out.push(s),
                None if argv => vectors.push((c, false)),
                None => {}
            }
        }
        for (v, implicit) in vectors {
            if !implicit
                && !v
                    .iter()
                    .any(|&n| doc.str(n).is_some_and(super::run::mentions_runtime))
            {
                continue;
            }
            let mut words: Vec<super::ci::Arg> = Vec::with_capacity(v.len() + 1);
            if implicit && let Some(&first) = v.first() {
                words.push(super::ci::Arg {
                    id: first,
                    text: "docker".into(),
                    written: "docker".into(),
                });
            }
            for n in v {
                let Some(t) = doc.str(n) else { continue };
                words.push(super::ci::Arg {
                    id: n,
                    text: t.to_string(),
                    written: super::ci::k8s_written(t),
                });
            }
            vectors_out.push(words);
        }
    }
    (out, vectors_out)
}

/// Whether an image is the official `docker` image (`docker:27-cli`, `docker.io/library/docker`,
/// `docker:dind`, ...), whose entrypoint runs `docker "$@"` for a docker command or an option
/// (the `dind` variants too, read the same way: the more dangerous reading).
pub(crate) fn docker_cli_image(image: &str) -> bool {
    let name = image.split('@').next().unwrap_or(image);
    let name = match name.rsplit_once(':') {
        Some((n, tag)) if !tag.contains('/') => n,
        _ => name,
    };
    let name = [
        "docker.io/library/",
        "index.docker.io/library/",
        "registry-1.docker.io/library/",
        "docker.io/",
    ]
    .iter()
    .find_map(|p| name.strip_prefix(p))
    .unwrap_or(name);
    name == "docker"
}

/// Whether the first argument given to the `docker` image's entrypoint makes it run the docker
/// CLI with the arguments: an option, or a command that reads as a `docker run`.
pub(crate) fn docker_cli_args(first: &str) -> bool {
    (first.starts_with('-') && first.len() > 1) || matches!(first, "run" | "create" | "container")
}

/// The string after `-c` of a shell in an argument vector (`[sh, -c, "…"]`, `[/bin/bash, -ec,
/// "…"]`); with `implicit`, the vector may start at the shell's options (the image's entrypoint
/// being the shell).
fn shell_c(doc: &Doc<'_>, argv: &[NodeId], implicit: bool) -> Option<NodeId> {
    let word = |n: NodeId| doc.str(n).unwrap_or("");
    let start = match argv
        .iter()
        .position(|&n| super::run::SHELLS.contains(&super::run::base(word(n)).as_str()))
    {
        Some(k) => k + 1,
        None if implicit && argv.first().is_some_and(|&n| word(n).starts_with('-')) => 0,
        None => return None,
    };
    let mut c_flag = false;
    for &n in argv.get(start..).unwrap_or(&[]) {
        let w = word(n);
        if w.starts_with("--") {
            continue;
        }
        if (w.starts_with('-') || w.starts_with('+')) && w.len() > 1 {
            c_flag |= w.contains('c');
            continue;
        }
        return (c_flag && doc.str(n).is_some()).then_some(n);
    }
    None
}

fn kind_or_pod(kind: &str) -> &str {
    if kind.is_empty() { "Pod" } else { kind }
}

fn workload<'t>(
    r: &Reader<'t, '_>,
    id: NodeId,
    kind: &'t str,
    meta: Option<NodeId>,
    template_meta: Option<NodeId>,
    spec: NodeId,
    unit: &mut Unit<'t>,
) {
    let doc = r.doc;
    let mut w = Workload::new(
        WorkloadKind::Pod,
        kind_or_pod(kind),
        r.loc(doc.get(id, "kind").unwrap_or(id)),
    );
    name_and_namespace(r, &mut w, meta);
    let mut annotations = r.string_map(meta.and_then(|m| doc.get(m, "annotations")));
    annotations.extend(r.string_map(template_meta.and_then(|m| doc.get(m, "annotations"))));
    w.annotations = annotations;
    pod_spec(r, spec, &mut w);
    unit.workloads.push(w);
}

/// What the walk of a custom object found.
enum Found {
    /// A pod spec: a mapping holding a `containers` list with an `image`d item.
    PodSpec(NodeId),
    /// A container on its own (`container:`, `script:`, an item of `initContainers` or
    /// `sidecars`), with its list name and index.
    Bare(NodeId, &'static str, usize),
}

fn has_image(doc: &Doc<'_>, c: NodeId) -> bool {
    doc.is_map(c) && doc.get(c, "image").is_some()
}

fn find(doc: &Doc<'_>, id: NodeId, seen: &mut [bool], depth: usize, out: &mut Vec<Found>) {
    if depth > MAX_DEPTH || doc.exceeded() || out.len() > 10_000 {
        return;
    }
    let id = doc.resolve(id);
    match seen.get_mut(id as usize) {
        Some(s) if !*s => *s = true,
        _ => return,
    }
    if doc.is_seq(id) {
        for i in doc.items(id).collect::<Vec<_>>() {
            find(doc, i, seen, depth + 1, out);
        }
        return;
    }
    if !doc.is_map(id) {
        return;
    }
    if ["containers", "initContainers"].iter().any(|key| {
        doc.get(id, key)
            .is_some_and(|l| doc.items(l).any(|c| has_image(doc, c)))
    }) {
        out.push(Found::PodSpec(id));
        return;
    }
    for (k, v) in doc.pairs(id) {
        let key = doc.str(k).unwrap_or("");
        match key {
            "container" | "script" if has_image(doc, v) => {
                let c = doc.resolve(v);
                if seen.get(c as usize) == Some(&false) {
                    out.push(Found::Bare(
                        c,
                        if key == "script" {
                            "script"
                        } else {
                            "container"
                        },
                        0,
                    ));
                }
                if let Some(s) = seen.get_mut(c as usize) {
                    *s = true;
                }
            }
            "initContainers" | "sidecars" | "containers" if doc.is_seq(v) => {
                let list: &'static str = match key {
                    "initContainers" => "initContainers",
                    "sidecars" => "sidecars",
                    _ => "containers",
                };
                for (i, c) in doc.items(v).enumerate() {
                    let c = doc.resolve(c);
                    if has_image(doc, c) && seen.get(c as usize) == Some(&false) {
                        out.push(Found::Bare(c, list, i));
                    }
                    if let Some(s) = seen.get_mut(c as usize) {
                        *s = true;
                    }
                }
            }
            "metadata" | "status" => {}
            _ => find(doc, v, seen, depth + 1, out),
        }
    }
}

fn mark_used(w: &mut Workload<'_>) {
    for i in 0..w.volumes.len() {
        let used = w.volume_used(i);
        if let Some(v) = w.volumes.get_mut(i) {
            v.used = used;
        }
    }
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
    let mut w = Workload::new(
        WorkloadKind::PersistentVolume,
        "PersistentVolume",
        r.loc(id),
    );
    name_and_namespace(r, &mut w, meta);
    let spec = r.map_at(id, "spec");
    for key in ["hostPath", "local"] {
        let Some(src) = spec.and_then(|s| r.map_at(s, key)) else {
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
    w.host_users = r.flag(spec, "hostUsers");
    // boolean fields no rule reads: their type is still the API server's
    for key in [
        "automountServiceAccountToken",
        "shareProcessNamespace",
        "enableServiceLinks",
        "setHostnameAsFQDN",
    ] {
        let _ = r.flag(spec, key);
    }
    w.runtime_class = r.field(spec, "runtimeClassName");
    if let Some(sc) = r.map_at(spec, "securityContext") {
        w.security = security(r, sc);
        w.security.groups = r.string_list(sc, "supplementalGroups");
        if let Some(sys) = r.seq_at(sc, "sysctls") {
            for s in r.map_items(sys) {
                if let (Some(n), v) = (r.field(s, "name"), r.field(s, "value")) {
                    let v = v.unwrap_or(Val {
                        text: Cow::Borrowed(""),
                        loc: n.loc,
                    });
                    w.sysctls.push((n, v));
                }
            }
        }
        if let Some(hp) = r
            .map_at(sc, "windowsOptions")
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
    if let Some(vols) = r.seq_at(spec, "volumes") {
        for item in r.map_items(vols) {
            w.volumes.push(volume(r, item));
        }
    }
    for (key, kind) in [
        ("initContainers", ContainerKind::Init),
        ("containers", ContainerKind::Container),
        ("ephemeralContainers", ContainerKind::Ephemeral),
    ] {
        let Some(list) = r.seq_at(spec, key) else {
            continue;
        };
        let items: Vec<NodeId> = doc.items(list).collect();
        let maps = r.map_items(list);
        for (i, item) in items.into_iter().enumerate() {
            let item = doc.resolve(item);
            if !maps.contains(&item) {
                continue;
            }
            let c = container(r, item, kind, key, i, w);
            w.containers.push(c);
        }
    }
    mark_used(w);
}

pub(crate) fn volume<'t>(r: &Reader<'t, '_>, item: NodeId) -> Volume<'t> {
    let doc = r.doc;
    let name = r.field(item, "name").map_or(Cow::Borrowed(""), |n| n.text);
    let source = if let Some(path) = r.map_at(item, "hostPath").and_then(|h| r.field(h, "path")) {
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
    let mut c = named_container(r, id, kind, list, index);
    c.command = r.string_list(id, "command");
    c.args = r.string_list(id, "args");
    if let Some(env) = r.seq_at(id, "env") {
        for e in r.map_items(env) {
            if let Some(name) = r.field(e, "name") {
                c.env.push(Env {
                    name,
                    value: r.field(e, "value"),
                });
            }
        }
    }
    if let Some(ports) = r.seq_at(id, "ports") {
        for p in r.map_items(ports) {
            c.ports.push(Port {
                loc: r.loc(p),
                container_port: r.field(p, "containerPort"),
                host_port: r.field(p, "hostPort"),
                host_ip: r.field(p, "hostIP"),
            });
        }
    }
    if let Some(sc) = r.map_at(id, "securityContext") {
        c.security = security(r, sc);
        if let Some(hp) = r
            .map_at(sc, "windowsOptions")
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
    if let Some(mounts) = r.seq_at(id, "volumeMounts") {
        for m in r.map_items(mounts) {
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
        propagation: r.field(id, "mountPropagation"),
        loc: r.loc(id),
        target: r.field(id, "mountPath"),
        volume: index,
        volume_name: name,
        sub_path,
        read_only: r.flag(id, "readOnly").is_some_and(|v| v.is_true()),
        host,
    }
}

fn security<'t>(r: &Reader<'t, '_>, sc: NodeId) -> Security<'t> {
    let caps = r.map_at(sc, "capabilities");
    let _ = r.flag(sc, "readOnlyRootFilesystem");
    Security {
        privileged: r.on(sc, "privileged"),
        allow_privilege_escalation: r.flag(sc, "allowPrivilegeEscalation"),
        run_as_user: r.field(sc, "runAsUser"),
        run_as_non_root: r.flag(sc, "runAsNonRoot"),
        groups: Vec::new(),
        cap_add: caps.map_or_else(Vec::new, |c| r.string_list(c, "add")),
        cap_drop: caps.map_or_else(Vec::new, |c| r.string_list(c, "drop")),
        seccomp: r
            .map_at(sc, "seccompProfile")
            .and_then(|p| r.field(p, "type")),
        apparmor: r
            .map_at(sc, "appArmorProfile")
            .and_then(|p| r.field(p, "type")),
        proc_mount: r.field(sc, "procMount"),
        selinux_type: r
            .map_at(sc, "seLinuxOptions")
            .and_then(|o| r.field(o, "type")),
        selinux_disabled: None,
        host_process: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::source::Loader;

    /// The shell text found in every document of `text`.
    fn scripts_of(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        Loader::default().run(
            text,
            |doc, _| {
                out.extend(
                    scripts(doc)
                        .into_iter()
                        .filter_map(|id| doc.str(id).map(str::to_string)),
                );
            },
            |_| {},
        );
        out
    }

    #[test]
    fn the_shell_text_containers_run() {
        let pod = "kind: Pod\nspec:\n  containers:\n  - image: docker:cli\n    command: [sh, -c, 'docker run a']\n  - image: docker:cli\n    command: [/bin/bash, -ec]\n    args: ['docker run b']\n  - image: docker:cli\n    args: [-c, 'docker run c']\n  - image: docker:cli\n    command: [docker, run, d]\n  - image: python\n    command: [python, -c, 'print(1)']\n  ephemeralContainers:\n  - image: docker:cli\n    command: [sh, -xc, 'docker run e']\n    lifecycle:\n      postStart:\n        exec: {command: [sh, -c, 'docker run h']}\n    livenessProbe:\n      exec: {command: [bash, -c, 'docker run i']}\n";
        assert_eq!(
            scripts_of(pod),
            [
                "docker run a",
                "docker run b",
                "docker run c",
                "docker run e",
                "docker run h",
                "docker run i"
            ]
        );
        let argo = "kind: Workflow\nspec:\n  templates:\n  - script:\n      image: alpine\n      source: docker run f\n  - script:\n      image: python\n      command: [python]\n      source: print(2)\n  - steps:\n    - - inline:\n          script: {image: alpine, command: [bash], source: docker run g}\n";
        assert_eq!(scripts_of(argo), ["docker run f", "docker run g"]);
    }
}
