//! Tekton (`apiVersion: tekton.dev/*`) → IR: each task spec (a `Task`'s own, a `TaskRun`'s
//! `taskSpec`, each inline `taskSpec` of a `Pipeline` or `PipelineRun`) is one workload whose
//! containers are its `steps` (with `stepTemplate` merged in) and `sidecars`, with the task's
//! `volumes` and, for runs, the pod-level settings of the `podTemplate`.
//!
//! A `Task` runs only as the pod of a run: a `TaskRun` or `PipelineRun` naming it (`taskRef`, a
//! Pipeline's `taskRef` under `pipelineRef`) in the same input gives it the run's `podTemplate`
//! (its runtime class, host namespaces, pod security context, volumes), read first by [`Runs`],
//! so the Task is judged as each run runs it. A run whose Task is not in the input is judged for
//! what its `podTemplate` alone carries.

use std::borrow::Cow;

use super::{CONTAINER, mark_used};
use crate::read::compose::shell_words;
use crate::read::ir::{
    Container, Field, Loc, Security, Source, Unit, Val, Volume, VolumeSource, Workload,
    WorkloadKind,
};
use crate::read::k8s::{self, Reader};
use crate::read::source::{Doc, Kind, Loader, NodeId};

/// The pod settings the runs of one input give the Tasks they name, read before the documents
/// are judged (the Task usually comes first, its run after it).
#[derive(Debug, Default)]
pub(crate) struct Runs {
    /// (Task name, the run's kind and name, the run's pod settings: a workload without containers).
    by_task: Vec<(String, String, Workload<'static>)>,
    /// Names of the Tasks defined in the input.
    tasks: Vec<String>,
    /// Names of the Pipelines defined in the input.
    pipelines: Vec<String>,
}

/// A run's pod settings per pipeline task name (`None`: every task).
type PodsByTask = Vec<(Option<String>, Workload<'static>)>;

/// The most runs read per input (bounded work on hostile input).
const MAX_RUNS: usize = 1000;

impl Runs {
    /// Read the runs of a (multi-document) input. Costs nothing for inputs that are not Tekton
    /// with a `taskRef`.
    pub(crate) fn scan(text: &str) -> Runs {
        let mut runs = Runs::default();
        if !(text.contains("tekton.dev/")
            && (text.contains("taskRef") || text.contains("pipelineRef")))
        {
            return runs;
        }
        // Pipelines by name: (pipeline task name, Task name)
        let mut pipelines: Vec<(String, Vec<(String, String)>)> = Vec::new();
        // PipelineRuns naming a Pipeline: (pipeline name, run name, per-task pod settings)
        let mut pipeline_runs: Vec<(String, String, PodsByTask)> = Vec::new();
        let mut loader = Loader::default();
        loader.run(
            text,
            |doc, _| {
                if runs.by_task.len() + pipeline_runs.len() >= MAX_RUNS {
                    return;
                }
                let r = Reader { doc };
                let Some(root) = doc.root().filter(|&x| doc.is_map(x)) else {
                    return;
                };
                if !doc
                    .get(root, "apiVersion")
                    .and_then(|v| doc.str(v))
                    .is_some_and(|a| a.starts_with("tekton.dev/"))
                {
                    return;
                }
                let kind = doc.get(root, "kind").and_then(|k| doc.str(k)).unwrap_or("");
                let name = doc
                    .path(root, &["metadata", "name"])
                    .or_else(|| doc.path(root, &["metadata", "generateName"]))
                    .and_then(|n| doc.str(n))
                    .unwrap_or("")
                    .to_string();
                let Some(spec) = doc.get(root, "spec").filter(|&s| doc.is_map(s)) else {
                    return;
                };
                match kind {
                    "Task" | "ClusterTask" => runs.tasks.push(name),
                    "TaskRun" => {
                        if let Some(task) = task_ref(doc, spec) {
                            let pod = run_pod(&r, doc.get(spec, "podTemplate"));
                            runs.by_task.push((task, format!("TaskRun {name}"), pod));
                        }
                    }
                    "Pipeline" => {
                        runs.pipelines.push(name.clone());
                        pipelines.push((name, pipeline_tasks(doc, spec)));
                    }
                    "PipelineRun" => {
                        let shared = doc
                            .path(spec, &["taskRunTemplate", "podTemplate"])
                            .or_else(|| doc.get(spec, "podTemplate"));
                        let per_task = |pt: &str| per_task_template(doc, spec, pt).or(shared);
                        if let Some(inline) = doc.get(spec, "pipelineSpec") {
                            for (pt, task) in pipeline_tasks(doc, inline) {
                                let pod = run_pod(&r, per_task(&pt));
                                runs.by_task
                                    .push((task, format!("PipelineRun {name}"), pod));
                            }
                        } else if let Some(p) = doc
                            .path(spec, &["pipelineRef", "name"])
                            .and_then(|n| doc.str(n))
                        {
                            let mut pods = vec![(None, run_pod(&r, shared))];
                            if let Some(specs) = doc.get(spec, "taskRunSpecs") {
                                for s in doc.items(specs) {
                                    if let Some(pt) =
                                        doc.get(s, "pipelineTaskName").and_then(|n| doc.str(n))
                                    {
                                        let pod = run_pod(&r, doc.get(s, "podTemplate"));
                                        pods.push((Some(pt.to_string()), pod));
                                    }
                                }
                            }
                            pipeline_runs.push((p.to_string(), name, pods));
                        }
                    }
                    _ => {}
                }
            },
            |_| {},
        );
        // a PipelineRun of a Pipeline in the input: each of its tasks' Task gets the run's pod
        for (pipeline, run, pods) in pipeline_runs {
            let Some((_, tasks)) = pipelines.iter().find(|(n, _)| *n == pipeline) else {
                continue;
            };
            for (pt, task) in tasks {
                let pod = pods
                    .iter()
                    .find(|(n, _)| n.as_deref() == Some(pt.as_str()))
                    .or_else(|| pods.first())
                    .map(|(_, w)| copy(w));
                if let Some(pod) = pod {
                    runs.by_task
                        .push((task.clone(), format!("PipelineRun {run}"), pod));
                }
            }
        }
        runs
    }

    /// The pod settings of every run in the input that runs Task `name`.
    fn of(&self, name: &str) -> impl Iterator<Item = &(String, String, Workload<'static>)> {
        self.by_task.iter().filter(move |(t, ..)| t == name)
    }

    fn has_task(&self, name: &str) -> bool {
        self.tasks.iter().any(|t| t == name)
    }

    fn has_pipeline(&self, name: &str) -> bool {
        self.pipelines.iter().any(|p| p == name)
    }
}

/// The Task a `TaskRun` (or a pipeline task) names by `taskRef` (a `Task`, not a resolver's
/// remote one), when it has no inline `taskSpec`.
fn task_ref(doc: &Doc<'_>, spec: NodeId) -> Option<String> {
    if doc.get(spec, "taskSpec").is_some() {
        return None;
    }
    let tr = doc.get(spec, "taskRef")?;
    let kind = doc.get(tr, "kind").and_then(|k| doc.str(k));
    if kind.is_some_and(|k| k != "Task" && k != "ClusterTask") {
        return None;
    }
    doc.get(tr, "name")
        .and_then(|n| doc.str(n))
        .map(str::to_string)
}

/// A pipeline's tasks (`tasks`, `finally`) that name a Task: (pipeline task name, Task name).
fn pipeline_tasks(doc: &Doc<'_>, pipeline: NodeId) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for list in ["tasks", "finally"] {
        let Some(tasks) = doc.get(pipeline, list) else {
            continue;
        };
        for t in doc.items(tasks) {
            let pt = doc.get(t, "name").and_then(|n| doc.str(n)).unwrap_or("");
            if let Some(task) = task_ref(doc, t) {
                out.push((pt.to_string(), task));
            }
        }
    }
    out
}

/// Field paths of the run's settings as findings name them (they sit in another document).
const PT: &str = "spec.podTemplate";
const PT_HOST_NETWORK: &str = "spec.podTemplate.hostNetwork";
const PT_HOST_PID: &str = "spec.podTemplate.hostPID";
const PT_HOST_IPC: &str = "spec.podTemplate.hostIPC";
const PT_HOST_USERS: &str = "spec.podTemplate.hostUsers";
const PT_RUNTIME: &str = "spec.podTemplate.runtimeClassName";
const PT_SECURITY: &str = "spec.podTemplate.securityContext";
const PT_SYSCTLS: &str = "spec.podTemplate.securityContext.sysctls";
const PT_VOLUMES: &str = "spec.podTemplate.volumes";

/// A run's `podTemplate` read as pod settings, owned (for a Task in another document).
fn run_pod(r: &Reader<'_, '_>, template: Option<NodeId>) -> Workload<'static> {
    let mut pod = Workload::new(WorkloadKind::Pod, "podTemplate", Loc::NONE);
    let Some(pt) = template.filter(|&p| r.doc.is_map(p)) else {
        return pod;
    };
    let (line, col) = r.doc.pos(pt);
    pod.loc = Loc {
        line,
        col,
        field: Field::Text(PT),
    };
    let mut w = Workload::new(WorkloadKind::Pod, "podTemplate", Loc::NONE);
    k8s::pod_spec(r, pt, &mut w);
    let o = |v: &Option<Val<'_>>, f: &'static str| v.as_ref().map(|v| own(v, f));
    pod.host_network = o(&w.host_network, PT_HOST_NETWORK);
    pod.host_pid = o(&w.host_pid, PT_HOST_PID);
    pod.host_ipc = o(&w.host_ipc, PT_HOST_IPC);
    pod.host_users = o(&w.host_users, PT_HOST_USERS);
    pod.runtime_class = o(&w.runtime_class, PT_RUNTIME);
    pod.security = own_security(&w.security, PT_SECURITY);
    pod.sysctls = w
        .sysctls
        .iter()
        .map(|(k, v)| (own(k, PT_SYSCTLS), own(v, PT_SYSCTLS)))
        .collect();
    pod.volumes = w
        .volumes
        .iter()
        .map(|v| own_volume(v, PT_VOLUMES))
        .collect();
    pod
}

fn own(v: &Val<'_>, field: &'static str) -> Val<'static> {
    Val::new(
        v.text.to_string(),
        Loc {
            line: v.loc.line,
            col: v.loc.col,
            field: Field::Text(field),
        },
    )
}

fn own_security(s: &Security<'_>, f: &'static str) -> Security<'static> {
    let o = |v: &Option<Val<'_>>| v.as_ref().map(|v| own(v, f));
    let l = |v: &[Val<'_>]| v.iter().map(|v| own(v, f)).collect::<Vec<_>>();
    Security {
        privileged: o(&s.privileged),
        allow_privilege_escalation: o(&s.allow_privilege_escalation),
        run_as_user: o(&s.run_as_user),
        run_as_non_root: o(&s.run_as_non_root),
        groups: l(&s.groups),
        cap_add: l(&s.cap_add),
        cap_drop: l(&s.cap_drop),
        seccomp: o(&s.seccomp),
        apparmor: o(&s.apparmor),
        proc_mount: o(&s.proc_mount),
        selinux_type: o(&s.selinux_type),
        selinux_disabled: o(&s.selinux_disabled),
        host_process: o(&s.host_process),
    }
}

fn own_volume(v: &Volume<'_>, f: &'static str) -> Volume<'static> {
    Volume {
        name: Cow::Owned(v.name.to_string()),
        loc: Loc {
            line: v.loc.line,
            col: v.loc.col,
            field: Field::Text(f),
        },
        source: match &v.source {
            VolumeSource::Host { path, class } => VolumeSource::Host {
                path: own(path, f),
                class: *class,
            },
            VolumeSource::EmptyDir => VolumeSource::EmptyDir,
            VolumeSource::Claim(c) => VolumeSource::Claim(own(c, f)),
            VolumeSource::Other => VolumeSource::Other,
        },
        used: false,
    }
}

fn copy(w: &Workload<'static>) -> Workload<'static> {
    let mut c = Workload::new(w.what, w.kind.clone(), w.loc);
    c.host_network.clone_from(&w.host_network);
    c.host_pid.clone_from(&w.host_pid);
    c.host_ipc.clone_from(&w.host_ipc);
    c.host_users.clone_from(&w.host_users);
    c.runtime_class.clone_from(&w.runtime_class);
    c.security = own_security(&w.security, PT_SECURITY);
    c.sysctls.clone_from(&w.sysctls);
    c.volumes = w
        .volumes
        .iter()
        .map(|v| own_volume(v, PT_VOLUMES))
        .collect();
    c
}

/// A run's pod settings on the Task's workload: what the run sets wins over the Task's
/// (Tekton's `podTemplate` is the pod's), volumes are added.
fn apply_run<'t>(w: &mut Workload<'t>, pod: &Workload<'static>) {
    let set = |mine: &mut Option<Val<'t>>, theirs: &Option<Val<'static>>| {
        if let Some(v) = theirs {
            *mine = Some(v.clone());
        }
    };
    set(&mut w.host_network, &pod.host_network);
    set(&mut w.host_pid, &pod.host_pid);
    set(&mut w.host_ipc, &pod.host_ipc);
    set(&mut w.host_users, &pod.host_users);
    set(&mut w.runtime_class, &pod.runtime_class);
    let s = own_security(&pod.security, PT_SECURITY);
    let ws = &mut w.security;
    macro_rules! take {
        ($($f:ident),*) => { $( if s.$f.is_some() { ws.$f = s.$f; } )* };
    }
    take!(
        privileged,
        allow_privilege_escalation,
        run_as_user,
        run_as_non_root,
        seccomp,
        apparmor,
        proc_mount,
        selinux_type,
        selinux_disabled,
        host_process
    );
    ws.groups.extend(s.groups);
    ws.cap_add.extend(s.cap_add);
    ws.cap_drop.extend(s.cap_drop);
    w.sysctls.extend(pod.sysctls.iter().cloned());
    w.volumes
        .extend(pod.volumes.iter().map(|v| own_volume(v, PT_VOLUMES)));
}

pub(super) fn unit<'t>(doc: &'t Doc<'_>, runs: &Runs) -> Unit<'t> {
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
            let name = w.name.to_string();
            let mut ran = false;
            for (_, run, pod) in runs.of(&name) {
                // the Task as this run runs it
                let mut rw = new(kind_str(doc, root));
                rw.name = Cow::Owned(format!("{name} ({run})"));
                apply_run(&mut rw, pod);
                task(&r, spec, None, &mut rw);
                unit.workloads.push(rw);
                ran = true;
            }
            if !ran {
                task(&r, spec, None, &mut w);
                unit.workloads.push(w);
            }
        }
        "TaskRun" => {
            if let Some(ts) = doc.get(spec, "taskSpec").filter(|&t| doc.is_map(t)) {
                let mut w = new(kind_str(doc, root));
                task(&r, ts, doc.get(spec, "podTemplate"), &mut w);
                unit.workloads.push(w);
            } else if let Some(t) = task_ref(doc, spec).filter(|t| !runs.has_task(t))
                && let Some(pt) = doc.get(spec, "podTemplate").filter(|&p| doc.is_map(p))
            {
                // the Task is elsewhere: what the run's pod template carries alone
                let w = new(kind_str(doc, root));
                alone(&r, w, pt, &format!("Task `{t}`"), &mut unit);
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
            if kind == "PipelineRun"
                && let Some(p) = doc
                    .path(spec, &["pipelineRef", "name"])
                    .and_then(|n| doc.str(n))
                    .filter(|p| !runs.has_pipeline(p))
            {
                // the Pipeline is elsewhere: what the run's pod templates carry alone
                let what = format!("Pipeline `{p}`");
                if let Some(pt) = template.filter(|&t| doc.is_map(t)) {
                    alone(&r, new(kind_str(doc, root)), pt, &what, &mut unit);
                }
                for s in doc
                    .get(spec, "taskRunSpecs")
                    .map_or_else(Vec::new, |l| doc.items(l).collect::<Vec<_>>())
                {
                    let Some(pt) = doc.get(s, "podTemplate").filter(|&t| doc.is_map(t)) else {
                        continue;
                    };
                    let mut w = new(kind_str(doc, root));
                    if let Some(n) = doc.get(s, "pipelineTaskName").and_then(|n| doc.str(n)) {
                        w.name = Cow::Owned(format!("{}:{n}", w.name));
                    }
                    alone(&r, w, pt, &what, &mut unit);
                }
            }
            let Some(pipeline) = pipeline.filter(|&p| doc.is_map(p)) else {
                return unit;
            };
            for list in ["tasks", "finally"] {
                let Some(tasks) = doc.get(pipeline, list) else {
                    continue;
                };
                for t in doc.items(tasks).collect::<Vec<_>>() {
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
                    let Some(ts) = doc.get(t, "taskSpec").filter(|&s| doc.is_map(s)) else {
                        // a run's task whose Task is elsewhere: its pod template alone
                        if kind == "PipelineRun"
                            && let Some(task) = task_ref(doc, t).filter(|x| !runs.has_task(x))
                            && let Some(pt) = template.filter(|&p| doc.is_map(p))
                        {
                            alone(&r, w, pt, &format!("Task `{task}`"), &mut unit);
                        }
                        continue;
                    };
                    task(&r, ts, template, &mut w);
                    unit.workloads.push(w);
                }
            }
        }
        _ => return k8s::unit(doc),
    }
    unit
}

/// Why a Tekton run document cannot be judged at all, if it cannot: a `TaskRun` with no
/// `taskSpec` whose Task is not in the input (in another file, or behind a resolver or bundle),
/// or a `PipelineRun` with no `pipelineSpec` whose Pipeline is not, and no `podTemplate` to
/// judge on its own (the run is listed as skipped, not as "no findings").
pub(super) fn skipped(doc: &Doc<'_>, runs: &Runs) -> Option<String> {
    let root = doc.root()?;
    let kind = doc.get(root, "kind").and_then(|k| doc.str(k))?;
    let spec = doc.get(root, "spec").filter(|&s| doc.is_map(s))?;
    let name = doc
        .path(root, &["metadata", "name"])
        .and_then(|n| doc.str(n))
        .unwrap_or("unnamed");
    let has_template = |id: Option<NodeId>| id.is_some_and(|t| doc.is_map(t));
    let reference = |key: &str, what: &str, here: bool| -> String {
        match doc
            .get(spec, key)
            .and_then(|r| doc.get(r, "name"))
            .and_then(|n| doc.str(n))
        {
            Some(n) if !here => format!("its {what} `{n}` is not in this input"),
            Some(n) => format!("its {what} `{n}`"),
            None if doc.get(spec, key).is_some() => {
                format!(
                    "its {what} is resolved elsewhere (`{key}` names a resolver or bundle, no name)"
                )
            }
            None => format!("it names no {what}"),
        }
    };
    match kind {
        "TaskRun" if doc.get(spec, "taskSpec").is_none() => {
            let here = task_ref(doc, spec).is_some_and(|t| runs.has_task(&t));
            if here || has_template(doc.get(spec, "podTemplate")) {
                return None;
            }
            Some(format!(
                "`TaskRun/{name}`: {} and it has no `podTemplate`: nothing to judge (lint it with its Task)",
                reference("taskRef", "Task", here)
            ))
        }
        "PipelineRun" if doc.get(spec, "pipelineSpec").is_none() => {
            let here = doc
                .path(spec, &["pipelineRef", "name"])
                .and_then(|n| doc.str(n))
                .is_some_and(|p| runs.has_pipeline(p));
            let templates = has_template(
                doc.path(spec, &["taskRunTemplate", "podTemplate"])
                    .or_else(|| doc.get(spec, "podTemplate")),
            ) || doc.get(spec, "taskRunSpecs").is_some_and(|l| {
                doc.items(l)
                    .any(|s| has_template(doc.get(s, "podTemplate")))
            });
            if here || templates {
                return None;
            }
            Some(format!(
                "`PipelineRun/{name}`: {} and it has no `podTemplate`: nothing to judge (lint it with its Pipeline and Tasks)",
                reference("pipelineRef", "Pipeline", here)
            ))
        }
        _ => None,
    }
}

/// A run whose Task (or Pipeline) is not in the input, named `what`: judged for what its pod
/// template `pt` carries alone (host namespaces, security context). Its `hostPath` volumes are
/// for the steps of that Task, which are not here: whether they mount them is not known, so each
/// is an input error, never a finding about a mount that was not seen (nor DS025's "no container
/// mounts it").
fn alone<'t>(r: &Reader<'t, '_>, mut w: Workload<'t>, pt: NodeId, what: &str, unit: &mut Unit<'t>) {
    w.name = Cow::Owned(format!("{} (runs {})", w.name, what.replace('`', "")));
    k8s::pod_spec(r, pt, &mut w);
    for v in &mut w.volumes {
        let VolumeSource::Host { path, .. } = &v.source else {
            continue;
        };
        if let Field::Node(id) = path.loc.field {
            r.doc.problem(
                id,
                format!(
                    "the volume `{}` (hostPath `{}`) is for the steps of {what}, which is not in the input: whether they mount it is not known here (lint that {} together with this run)",
                    v.name.escape_debug(),
                    path.as_str().escape_debug(),
                    what.split(' ').next().unwrap_or("Task"),
                ),
            );
        }
        // the steps that may mount it are elsewhere: not "unused"
        v.used = true;
    }
    unit.workloads.push(w);
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
