//! Tekton (`apiVersion: tekton.dev/*`) → IR: each task spec (a `Task`'s own, a `TaskRun`'s
//! `taskSpec`, each inline `taskSpec` of a `Pipeline` or `PipelineRun`) is one workload whose
//! containers are its `steps` (with `stepTemplate` merged in) and `sidecars`, with the task's
//! `volumes` and, for runs, the pod-level settings of the `podTemplate`.

use std::borrow::Cow;

use super::{CONTAINER, mark_used};
use crate::read::compose::shell_words;
use crate::read::ir::{Container, Source, Unit, Val, Workload, WorkloadKind};
use crate::read::k8s::{self, Reader};
use crate::read::source::{Doc, Kind, NodeId};

pub(super) fn unit<'t>(doc: &'t Doc<'_>) -> Unit<'t> {
    let mut unit = Unit {
        source: Source::Kubernetes,
        workloads: Vec::new(),
    };
    let r = Reader { doc };
    super::super::k8s::duplicates(doc);
    let Some(root) = doc.root() else { return unit };
    let kind = doc.get(root, "kind").and_then(|k| doc.str(k)).unwrap_or("");
    let meta = doc.get(root, "metadata");
    let spec = doc.get(root, "spec").filter(|&s| doc.is_map(s));
    let Some(spec) = spec else { return unit };
    let kind_loc = r.loc(doc.get(root, "kind").unwrap_or(root));
    let new = |kind: &'t str| {
        let mut w = Workload::new(WorkloadKind::Pod, kind, kind_loc);
        k8s::name_and_namespace(&r, &mut w, meta);
        w
    };
    match kind {
        "Task" | "ClusterTask" => {
            let mut w = new(kind_str(doc, root));
            task(&r, spec, None, &mut w);
            unit.workloads.push(w);
        }
        "TaskRun" => {
            if let Some(ts) = doc.get(spec, "taskSpec").filter(|&t| doc.is_map(t)) {
                let mut w = new(kind_str(doc, root));
                task(&r, ts, doc.get(spec, "podTemplate"), &mut w);
                unit.workloads.push(w);
            }
        }
        "StepAction" => {
            let mut w = new(kind_str(doc, root));
            let c = k8s::container(&r, spec, CONTAINER, "spec", 0, &w);
            let mut c = c;
            c.name = w.name.clone();
            script(&r, spec, &mut c);
            w.containers.push(c);
            unit.workloads.push(w);
        }
        "Pipeline" | "PipelineRun" => {
            let (pipeline, template) = if kind == "Pipeline" {
                (Some(spec), None)
            } else {
                let t = doc
                    .path(spec, &["taskRunTemplate", "podTemplate"])
                    .or_else(|| doc.get(spec, "podTemplate"));
                (doc.get(spec, "pipelineSpec"), t)
            };
            let Some(pipeline) = pipeline.filter(|&p| doc.is_map(p)) else {
                return unit;
            };
            for list in ["tasks", "finally"] {
                let Some(tasks) = doc.get(pipeline, list) else {
                    continue;
                };
                for t in doc.items(tasks).collect::<Vec<_>>() {
                    let Some(ts) = doc.get(t, "taskSpec").filter(|&s| doc.is_map(s)) else {
                        continue;
                    };
                    let task_name = r.field(t, "name");
                    let template = task_name
                        .as_ref()
                        .and_then(|n| per_task_template(doc, spec, n.as_str()))
                        .or(template);
                    let mut w = new(kind_str(doc, root));
                    w.name = Cow::Owned(format!(
                        "{}:{}",
                        w.name,
                        task_name.as_ref().map_or("task", |n| n.as_str())
                    ));
                    w.loc = r.loc(t);
                    task(&r, ts, template, &mut w);
                    unit.workloads.push(w);
                }
            }
        }
        _ => return k8s::unit(doc),
    }
    unit
}

/// The `script` of every step and sidecar (any depth: tasks, inline task specs, step actions).
pub(super) fn scripts(doc: &Doc<'_>) -> Vec<NodeId> {
    (0..doc.nodes.len())
        .filter_map(|i| NodeId::try_from(i).ok())
        .filter(|&id| {
            doc.nodes.get(id as usize).is_some_and(|n| {
                n.kind == Kind::Scalar
                    && doc
                        .nodes
                        .get(n.parent as usize)
                        .is_some_and(|p| p.kind == Kind::Map)
                    && doc
                        .nodes
                        .get(n.slot as usize)
                        .is_some_and(|k| k.text == "script")
            })
        })
        .collect()
}

fn kind_str<'t>(doc: &'t Doc<'_>, root: NodeId) -> &'t str {
    doc.get(root, "kind")
        .and_then(|k| doc.str(k))
        .unwrap_or("Task")
}

/// `spec.taskRunSpecs[]` entry of a PipelineRun naming `task`: its `podTemplate`.
fn per_task_template(doc: &Doc<'_>, spec: NodeId, task: &str) -> Option<NodeId> {
    let specs = doc.get(spec, "taskRunSpecs")?;
    doc.items(specs).find_map(|s| {
        let name = doc.get(s, "pipelineTaskName").and_then(|n| doc.str(n))?;
        (name == task).then(|| doc.get(s, "podTemplate")).flatten()
    })
}

/// One task spec into `w`.
fn task<'t>(r: &Reader<'t, '_>, spec: NodeId, template: Option<NodeId>, w: &mut Workload<'t>) {
    let doc = r.doc;
    if let Some(pt) = template.filter(|&p| doc.is_map(p)) {
        k8s::pod_spec(r, pt, w);
    }
    if let Some(vols) = doc.get(spec, "volumes") {
        for item in doc.items(vols).collect::<Vec<_>>() {
            let v = k8s::volume(r, item);
            w.volumes.push(v);
        }
    }
    let step_template = doc.get(spec, "stepTemplate").filter(|&t| doc.is_map(t));
    for list in ["steps", "sidecars"] {
        let Some(items) = doc.get(spec, list) else {
            continue;
        };
        for (i, item) in doc.items(items).collect::<Vec<_>>().into_iter().enumerate() {
            if !doc.is_map(item) {
                continue;
            }
            let mut c = k8s::container(r, item, CONTAINER, list, i, w);
            script(r, item, &mut c);
            if list == "steps"
                && let Some(t) = step_template
            {
                let t = k8s::container(r, t, CONTAINER, "stepTemplate", 0, w);
                merge(&mut c, t);
            }
            w.containers.push(c);
        }
    }
    mark_used(w);
}

/// A step's or sidecar's `script`, as words after its command (so `dockerd` in a script counts).
fn script<'t>(r: &Reader<'t, '_>, item: NodeId, c: &mut Container<'t>) {
    if let Some(s) = r.field(item, "script") {
        for word in shell_words(s.as_str()) {
            c.args.push(Val::new(word, s.loc));
        }
    }
}

/// `stepTemplate` under a step: the step's own settings win.
fn merge<'t>(c: &mut Container<'t>, t: Container<'t>) {
    let mut env = t.env;
    env.append(&mut c.env);
    c.env = env;
    let mut mounts = t.mounts;
    mounts.append(&mut c.mounts);
    c.mounts = mounts;
    if c.image.is_none() {
        c.image = t.image;
    }
    if c.command.is_empty() {
        c.command = t.command;
    }
    if c.args.is_empty() {
        c.args = t.args;
    }
    let s = &mut c.security;
    let ts = t.security;
    s.privileged = s.privileged.take().or(ts.privileged);
    s.allow_privilege_escalation = s
        .allow_privilege_escalation
        .take()
        .or(ts.allow_privilege_escalation);
    s.run_as_user = s.run_as_user.take().or(ts.run_as_user);
    s.run_as_non_root = s.run_as_non_root.take().or(ts.run_as_non_root);
    s.seccomp = s.seccomp.take().or(ts.seccomp);
    s.apparmor = s.apparmor.take().or(ts.apparmor);
    s.proc_mount = s.proc_mount.take().or(ts.proc_mount);
    s.selinux_type = s.selinux_type.take().or(ts.selinux_type);
    if s.cap_add.is_empty() {
        s.cap_add = ts.cap_add;
    }
    if s.cap_drop.is_empty() {
        s.cap_drop = ts.cap_drop;
    }
}
