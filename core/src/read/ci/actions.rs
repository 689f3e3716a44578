//! GitHub Actions workflows (`.github/workflows/*.yml`) → IR: one workload per job (kind `job`)
//! whose containers are its `container` (a string or `{image, env, volumes, ports, options}`) and
//! its `services` (`{image, env, volumes, ports, options}`). `options` are `docker create` flags
//! (`--privileged`, `--network host`, `-v ...`), read like a `docker run` line's, each at its
//! column. The `run` steps are the job container's script, and their `docker run` lines are linted.

use std::borrow::Cow;

use super::CONTAINER;
use crate::read::compose::{parse_port, short_mount};
use crate::read::ir::{Container, Env, Field, Loc, Source, Unit, Val, Workload, WorkloadKind};
use crate::read::k8s::Reader;
use crate::read::run::apply_option;
use crate::read::source::{Doc, NodeId};

/// Whether a document (no `apiVersion`/`kind`) reads as a workflow.
pub(super) fn looks_like(doc: &Doc<'_>, root: NodeId) -> bool {
    doc.get(root, "jobs").is_some_and(|j| doc.is_map(j))
        && (doc.get(root, "on").is_some() || doc.get(root, "true").is_some())
}

/// `docker create` flags that take no value.
const BOOL_FLAGS: &[&str] = &[
    "--privileged",
    "--init",
    "--rm",
    "--read-only",
    "--tty",
    "--interactive",
    "-t",
    "-i",
];

/// Flags as the field path of their values (`Field::Text` needs text that outlives the input).
const FLAGS: &[&str] = &[
    "--privileged",
    "--cap-add",
    "--cap-drop",
    "--security-opt",
    "--network",
    "--net",
    "--pid",
    "--ipc",
    "--user",
    "--group-add",
    "--volume",
    "--mount",
    "--env",
    "--publish",
    "--entrypoint",
    "--runtime",
    "--userns",
    "--sysctl",
    "--name",
    "-v",
    "-e",
    "-p",
    "-u",
];

fn flag_field(name: &str) -> &'static str {
    FLAGS
        .iter()
        .find(|f| **f == name)
        .copied()
        .unwrap_or("options")
}

/// Words of an `options` value with their columns (exact when the value is a single-line plain
/// scalar, or quoted without escapes).
fn words<'t>(v: &Val<'t>, plain: bool) -> Vec<(String, Loc<'t>)> {
    let base = v.loc.col + u32::from(!plain);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = None;
    let mut quote = None;
    let mut multiline = false;
    for (i, ch) in v.as_str().chars().enumerate() {
        if ch == '\n' {
            multiline = true;
        }
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(ch);
                start.get_or_insert(i);
            }
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((std::mem::take(&mut cur), s));
                }
            }
            (None, c) => {
                cur.push(c);
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push((cur, s));
    }
    out.into_iter()
        .map(|(w, s)| {
            let col = if multiline {
                v.loc.col
            } else {
                base + s as u32
            };
            (
                w,
                Loc {
                    line: v.loc.line,
                    col,
                    field: v.loc.field,
                },
            )
        })
        .collect()
}

/// Apply `options` to a container.
fn options<'t>(w: &mut Workload<'t>, c: &mut Container<'t>, v: &Val<'t>, plain: bool) {
    let ws = words(v, plain);
    let mut sec = std::mem::take(&mut c.security);
    let mut i = 0usize;
    while let Some((word, loc)) = ws.get(i) {
        i += 1;
        if !word.starts_with('-') {
            continue;
        }
        let (name, inline) = match word.split_once('=') {
            Some((n, val)) if n.starts_with("--") => {
                (n.to_string(), Some((val.to_string(), n.len() + 1)))
            }
            _ if !word.starts_with("--") && word.len() > 2 => (
                word.get(..2).unwrap_or("").to_string(),
                Some((word.get(2..).unwrap_or("").to_string(), 2)),
            ),
            _ => (word.clone(), None),
        };
        let field = Field::Text(flag_field(&name));
        let value = if BOOL_FLAGS.contains(&name.as_str()) {
            Val::new(
                inline.map_or("true".to_string(), |(v, _)| v),
                Loc { field, ..*loc },
            )
        } else if let Some((val, off)) = inline {
            Val::new(
                val,
                Loc {
                    col: loc.col + off as u32,
                    field,
                    ..*loc
                },
            )
        } else if let Some((val, vloc)) = ws.get(i) {
            i += 1;
            Val::new(val.clone(), Loc { field, ..*vloc })
        } else {
            continue;
        };
        apply_option(w, c, &mut sec, &name, value);
    }
    c.security = sec;
}

fn container<'t>(
    r: &Reader<'t, '_>,
    w: &mut Workload<'t>,
    name: Cow<'t, str>,
    id: NodeId,
) -> Container<'t> {
    let doc = r.doc;
    let mut c = Container::new(CONTAINER, name, r.loc(id));
    if !doc.is_map(id) {
        c.image = r.val(id);
        return c;
    }
    c.image = r.field(id, "image");
    for (k, v) in r.string_map(doc.get(id, "env")) {
        c.env.push(Env {
            name: k,
            value: Some(v),
        });
    }
    for spec in r.strings(doc.get(id, "volumes")) {
        c.mounts.push(short_mount(&spec));
    }
    for p in r.strings(doc.get(id, "ports")) {
        c.ports.push(parse_port(p.as_str(), p.loc));
    }
    if let Some(o) = doc.get(id, "options")
        && let Some(v) = r.val(o)
    {
        let plain = doc.node(o).is_some_and(|n| n.plain);
        options(w, &mut c, &v, plain);
    }
    c
}

pub(super) fn unit<'t>(doc: &'t Doc<'_>) -> Unit<'t> {
    let mut unit = Unit {
        source: Source::Run,
        workloads: Vec::new(),
    };
    let r = Reader { doc };
    let Some(jobs) = doc.root().and_then(|root| doc.get(root, "jobs")) else {
        return unit;
    };
    for (k, job) in doc.pairs(jobs) {
        let Some(name) = r.val(k) else { continue };
        if !doc.is_map(job) {
            continue;
        }
        let mut w = Workload::new(WorkloadKind::Pod, "job", name.loc);
        w.name = name.text.clone();
        let mut job_container = match doc.get(job, "container") {
            Some(c) => container(&r, &mut w, name.text.clone(), c),
            None => {
                // the steps run on the runner itself
                let mut c = Container::new(CONTAINER, name.text.clone(), name.loc);
                c.image = r.field(job, "runs-on");
                c
            }
        };
        // workflow and job `env` reach the steps, which run in the job container
        let root = doc.root();
        for envs in [root.and_then(|r| doc.get(r, "env")), doc.get(job, "env")] {
            for (k, v) in r.string_map(envs) {
                job_container.env.push(Env {
                    name: k,
                    value: Some(v),
                });
            }
        }
        job_container
            .args
            .extend(scripts_of(doc, job).into_iter().filter_map(|id| r.val(id)));
        w.containers.push(job_container);
        if let Some(services) = doc.get(job, "services") {
            for (sk, sv) in doc.pairs(services) {
                let Some(sname) = r.val(sk) else { continue };
                let c = container(&r, &mut w, sname.text, sv);
                w.containers.push(c);
            }
        }
        unit.workloads.push(w);
    }
    unit
}

/// The `run` scripts of a job's steps.
fn scripts_of(doc: &Doc<'_>, job: NodeId) -> Vec<NodeId> {
    doc.get(job, "steps")
        .map(|s| {
            doc.items(s)
                .filter_map(|step| doc.get(step, "run"))
                .filter(|&id| doc.str(id).is_some())
                .collect()
        })
        .unwrap_or_default()
}

/// The `run` scripts of every job.
pub(super) fn scripts(doc: &Doc<'_>) -> Vec<NodeId> {
    let Some(jobs) = doc.root().and_then(|root| doc.get(root, "jobs")) else {
        return Vec::new();
    };
    doc.pairs(jobs)
        .into_iter()
        .flat_map(|(_, job)| scripts_of(doc, job))
        .collect()
}
