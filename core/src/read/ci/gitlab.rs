//! `.gitlab-ci.yml` → IR: one workload per job (hidden `.jobs` are templates and are skipped),
//! with `extends` and `default` followed. Its containers are the job's (`image`) and its
//! `services` (a string or `{name, alias, variables, command, entrypoint}`). Global and job
//! `variables` reach the job and every service, as GitLab passes them; a service's own `variables`
//! reach that service.
//!
//! What the YAML cannot say: the runner's `privileged` flag and its volumes (a host socket binding)
//! live in its `config.toml`. A service that runs a Docker daemon only starts on a privileged
//! runner, so it is reported as privileged (DS006), the value pointing at the service's image and
//! the field path saying why. A socket binding is not visible here at all. The `docker:*dind*`
//! images' `VOLUME` is taken as given (the Docker executor makes it an anonymous volume).

use std::borrow::Cow;

use super::{CONTAINER, image_volume, implied, undollar};
use crate::read::compose::shell_words;
use crate::read::ir::{
    Container, Env, Field, Loc, Source, Unit, Val, Workload, WorkloadKind, image_parts,
};
use crate::read::k8s::Reader;
use crate::read::source::{Doc, NodeId};

/// Top-level keys that are not jobs.
const RESERVED: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

/// The field path of the implied privileged flag of a daemon service.
const PRIVILEGED_PATH: &str =
    "services (a Docker daemon service needs `privileged = true` in the runner's config.toml)";

/// Whether a document (no `apiVersion`/`kind`) reads as GitLab CI.
pub(super) fn looks_like(doc: &Doc<'_>, root: NodeId) -> bool {
    if doc.get(root, "services").is_some_and(|s| doc.is_map(s)) {
        return false;
    }
    ["stages", "include", "workflow"]
        .iter()
        .any(|k| doc.get(root, k).is_some())
        || doc.pairs(root).into_iter().any(|(k, v)| {
            doc.str(k).is_some_and(|k| !RESERVED.contains(&k))
                && doc.is_map(v)
                && ["script", "trigger", "extends"]
                    .iter()
                    .any(|key| doc.get(v, key).is_some())
        })
}

/// The jobs: (key, value) of every visible job.
fn jobs(doc: &Doc<'_>, root: NodeId) -> Vec<(NodeId, NodeId)> {
    doc.pairs(root)
        .into_iter()
        .filter(|&(k, v)| {
            doc.str(k)
                .is_some_and(|k| !RESERVED.contains(&k) && !k.starts_with('.'))
                && doc.is_map(v)
        })
        .collect()
}

/// `key` of `job`, following `extends` (depth-first, the job's own first), then `default`, then
/// the deprecated top-level form for `image` and `services`.
fn lookup(doc: &Doc<'_>, root: NodeId, job: NodeId, key: &str) -> Option<NodeId> {
    own_or_extended(doc, root, job, key, 0)
        .or_else(|| doc.get(root, "default").and_then(|d| doc.get(d, key)))
        .or_else(|| {
            matches!(key, "image" | "services" | "before_script" | "after_script")
                .then(|| doc.get(root, key))
                .flatten()
        })
}

fn parents(doc: &Doc<'_>, root: NodeId, job: NodeId) -> Vec<NodeId> {
    let Some(ext) = doc.get(job, "extends") else {
        return Vec::new();
    };
    let names: Vec<&str> = if doc.is_seq(ext) {
        doc.items(ext).filter_map(|i| doc.str(i)).collect()
    } else {
        doc.str(ext).into_iter().collect()
    };
    names.into_iter().filter_map(|n| doc.get(root, n)).collect()
}

fn own_or_extended(
    doc: &Doc<'_>,
    root: NodeId,
    job: NodeId,
    key: &str,
    depth: u32,
) -> Option<NodeId> {
    if depth > 8 {
        return None;
    }
    if let Some(v) = doc.get(job, key) {
        return Some(v);
    }
    // the last of several `extends` wins
    parents(doc, root, job)
        .into_iter()
        .rev()
        .find_map(|p| own_or_extended(doc, root, p, key, depth + 1))
}

/// `variables` of a job: its ancestors' first (so the job's own come last and win).
fn job_variables(doc: &Doc<'_>, root: NodeId, job: NodeId, depth: u32, out: &mut Vec<NodeId>) {
    if depth > 8 {
        return;
    }
    for p in parents(doc, root, job) {
        job_variables(doc, root, p, depth + 1, out);
    }
    if let Some(v) = doc.get(job, "variables") {
        out.push(v);
    }
}

/// A `variables` mapping as env: `NAME: value` or `NAME: {value: ..., description: ...}`.
fn variables<'t>(r: &Reader<'t, '_>, id: NodeId, out: &mut Vec<Env<'t>>) {
    let doc = r.doc;
    for (k, v) in doc.pairs(id) {
        let Some(name) = r.val(k) else { continue };
        let value = if doc.is_map(v) {
            r.field(v, "value")
        } else {
            r.val(v).or_else(|| Some(Val::new("", r.loc(v))))
        };
        out.push(Env {
            name,
            value: value.map(undollar),
        });
    }
}

/// `image`: a string or `{name, entrypoint}`: (image, entrypoint).
fn image<'t>(r: &Reader<'t, '_>, id: NodeId) -> (Option<Val<'t>>, Vec<Val<'t>>) {
    let doc = r.doc;
    if doc.is_map(id) {
        (r.field(id, "name"), r.strings(doc.get(id, "entrypoint")))
    } else {
        (r.val(id), Vec::new())
    }
}

/// The alias GitLab gives a service without one: the image without tag, `/` as `__`.
fn default_alias(image: &str) -> String {
    let (repo, _) = image_parts(image);
    repo.replace('/', "__")
}

pub(super) fn unit<'t>(doc: &'t Doc<'_>) -> Unit<'t> {
    let mut unit = Unit {
        source: Source::Compose,
        workloads: Vec::new(),
    };
    let r = Reader { doc };
    let Some(root) = doc.root() else { return unit };
    let mut global = Vec::new();
    if let Some(v) = doc.get(root, "variables") {
        variables(&r, v, &mut global);
    }
    for (k, job) in jobs(doc, root) {
        let Some(name) = r.val(k) else { continue };
        let mut w = Workload::new(WorkloadKind::Pod, "job", name.loc);
        w.name = name.text.clone();
        let mut env_nodes = Vec::new();
        job_variables(doc, root, job, 0, &mut env_nodes);
        let env = |out: &mut Vec<Env<'t>>| {
            for g in &global {
                out.push(Env {
                    name: g.name.clone(),
                    value: g.value.clone(),
                });
            }
            for n in &env_nodes {
                variables(&r, *n, out);
            }
        };
        let mut c = Container::new(CONTAINER, name.text.clone(), name.loc);
        if let Some(i) = lookup(doc, root, job, "image") {
            let (img, entry) = image(&r, i);
            c.image = img;
            c.command = entry;
        }
        // the job's script is what its container runs
        for key in ["before_script", "script", "after_script"] {
            c.args.extend(r.strings(lookup(doc, root, job, key)));
        }
        env(&mut c.env);
        w.containers.push(c);
        if let Some(services) = lookup(doc, root, job, "services") {
            for s in doc.items(services).collect::<Vec<_>>() {
                let (img, entry) = image(&r, s);
                let Some(img) = img else { continue };
                let alias = if doc.is_map(s) {
                    r.field(s, "alias")
                } else {
                    None
                };
                let cname = alias
                    .as_ref()
                    .and_then(|a| a.as_str().split(',').next().map(|x| x.trim().to_string()))
                    .unwrap_or_else(|| default_alias(img.as_str()));
                let mut sc = Container::new(CONTAINER, Cow::Owned(cname), img.loc);
                sc.command = entry;
                if doc.is_map(s) {
                    sc.args = command(&r, doc.get(s, "command"));
                }
                sc.image = Some(img);
                env(&mut sc.env);
                if let Some(v) = doc.is_map(s).then(|| doc.get(s, "variables")).flatten() {
                    variables(&r, v, &mut sc.env);
                }
                if sc.runs_dockerd()
                    && let Some(img) = &sc.image
                {
                    let loc = Loc {
                        field: Field::Text(PRIVILEGED_PATH),
                        ..img.loc
                    };
                    sc.security.privileged = Some(implied("true", loc));
                }
                image_volume(&mut sc);
                w.containers.push(sc);
            }
        }
        unit.workloads.push(w);
    }
    unit
}

/// A service `command`: a list, or a string split like sh.
fn command<'t>(r: &Reader<'t, '_>, id: Option<NodeId>) -> Vec<Val<'t>> {
    let Some(id) = id else { return Vec::new() };
    if r.doc.is_seq(id) {
        return r.strings(Some(id));
    }
    match r.val(id) {
        Some(v) => shell_words(v.as_str())
            .into_iter()
            .map(|s| Val::new(s, v.loc))
            .collect(),
        None => Vec::new(),
    }
}

/// The scalar lines of every job's `before_script`, `script` and `after_script`.
pub(super) fn scripts(doc: &Doc<'_>) -> Vec<NodeId> {
    let Some(root) = doc.root() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, job) in jobs(doc, root) {
        for key in ["before_script", "script", "after_script"] {
            let Some(s) = lookup(doc, root, job, key) else {
                continue;
            };
            let items: Vec<NodeId> = if doc.is_seq(s) {
                doc.items(s).collect()
            } else {
                vec![s]
            };
            for i in items {
                if doc.str(i).is_some() && !out.contains(&i) {
                    out.push(i);
                }
            }
        }
    }
    out
}
