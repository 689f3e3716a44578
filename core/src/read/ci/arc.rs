//! Helm values of the actions-runner-controller runner scale set (`gha-runner-scale-set`) → IR.
//!
//! `template.spec` (the runner pod) and `listenerTemplate.spec` (the listener pod) are pod specs.
//! `containerMode.type: dind` makes the chart add what the values do not spell out: a privileged
//! `docker:dind` container (`dockerd --host=unix:///var/run/docker.sock`) sharing `/var/run` with
//! the runner on an emptyDir, and `DOCKER_HOST` on the runner. Those are modelled here as the chart
//! renders them, every value placed at the `containerMode.type` value, so DS006 and DS007 point at
//! it.

use std::borrow::Cow;

use super::{CONTAINER, implied, mark_used, mount_volume};
use crate::read::ir::{
    Container, Env, Loc, Source, Unit, Volume, VolumeSource, Workload, WorkloadKind,
};
use crate::read::k8s::{self, Reader};
use crate::read::source::{Doc, NodeId};

/// The runner image the chart uses when `template.spec` gives none.
const RUNNER_IMAGE: &str = "ghcr.io/actions/actions-runner:latest";
/// The workload kind the chart renders the values into.
const KIND: &str = "AutoscalingRunnerSet";

/// Whether a document (no `apiVersion`/`kind`) reads as runner scale set values.
pub(super) fn looks_like(doc: &Doc<'_>, root: NodeId) -> bool {
    [
        "githubConfigUrl",
        "githubConfigSecret",
        "containerMode",
        "runnerScaleSetName",
    ]
    .iter()
    .any(|k| doc.get(root, k).is_some())
        || (doc.get(root, "services").is_none()
            && doc
                .path(root, &["template", "spec", "containers"])
                .is_some_and(|c| doc.is_seq(c)))
}

pub(super) fn unit<'t>(doc: &'t Doc<'_>) -> Unit<'t> {
    let mut unit = Unit {
        source: Source::Kubernetes,
        workloads: Vec::new(),
    };
    let r = Reader { doc };
    super::super::k8s::duplicates(doc);
    let Some(root) = doc.root() else { return unit };
    if doc
        .get(root, "apiVersion")
        .and_then(|a| doc.str(a))
        .is_some_and(|a| a.starts_with(LEGACY_API))
    {
        legacy(&r, root, &mut unit);
        return unit;
    }
    let name = r
        .field(root, "runnerScaleSetName")
        .map_or(Cow::Borrowed("runner-scale-set"), |v| v.text);
    let mode = doc.get(root, "containerMode");
    let dind = mode
        .and_then(|m| doc.get(m, "type"))
        .and_then(|t| r.val(t))
        .filter(|t| t.eq_ci("dind"));
    for (key, suffix) in [("template", ""), ("listenerTemplate", "-listener")] {
        let t = doc.get(root, key);
        let spec = t
            .and_then(|t| doc.get(t, "spec"))
            .filter(|&s| doc.is_map(s));
        let runner = key == "template";
        if spec.is_none() && !(runner && dind.is_some()) {
            continue;
        }
        let loc = match (t, &dind) {
            (Some(t), _) => r.loc(doc.get(root, key).unwrap_or(t)),
            (None, Some(d)) => d.loc,
            (None, None) => Loc::NONE,
        };
        let mut w = Workload::new(WorkloadKind::Pod, KIND, loc);
        w.name = Cow::Owned(format!("{name}{suffix}"));
        w.namespace = r.field(root, "namespaceOverride").map(|n| n.text);
        w.annotations = r.string_map(t.and_then(|t| doc.path(t, &["metadata", "annotations"])));
        if let Some(spec) = spec {
            k8s::pod_spec(&r, spec, &mut w);
        }
        if runner && let Some(d) = &dind {
            add_dind(&mut w, d.loc);
        }
        mark_used(&mut w);
        unit.workloads.push(w);
    }
    unit
}

/// The API group of the legacy (summerwind) actions-runner-controller.
pub(super) const LEGACY_API: &str = "actions.summerwind.dev/";

/// The legacy controller's `Runner`, `RunnerDeployment`, `RunnerReplicaSet` and `RunnerSet`: the
/// runner spec carries pod spec fields, and unless `dockerEnabled: false` the controller adds a
/// privileged `docker:dind` sidecar (`dockerdWithinRunnerContainer: true` runs the daemon in the
/// privileged runner container instead, from the `actions-runner-dind` image). Values the
/// controller adds by default point at `dockerEnabled` when written, else at `kind`.
fn legacy<'t>(r: &Reader<'t, '_>, root: NodeId, unit: &mut Unit<'t>) {
    let doc = r.doc;
    let kind_node = doc.get(root, "kind");
    let kind = kind_node.and_then(|k| doc.str(k)).unwrap_or("Runner");
    let spec = doc.get(root, "spec");
    let runner_spec = match kind {
        "Runner" | "RunnerSet" => spec,
        _ => spec.and_then(|s| doc.path(s, &["template", "spec"])),
    };
    let Some(rs) = runner_spec.filter(|&s| doc.is_map(s)) else {
        return;
    };
    let kind_loc = r.loc(kind_node.unwrap_or(root));
    let mut w = Workload::new(WorkloadKind::Pod, kind, kind_loc);
    k8s::name_and_namespace(r, &mut w, doc.get(root, "metadata"));
    // a RunnerSet's pod fields are in its StatefulSet-like template
    let pod = if kind == "RunnerSet" {
        spec.and_then(|s| doc.path(s, &["template", "spec"]))
            .filter(|&p| doc.is_map(p))
            .unwrap_or(rs)
    } else {
        rs
    };
    k8s::pod_spec(r, pod, &mut w);
    let enabled = r.field(rs, "dockerEnabled");
    let within = r.on(rs, "dockerdWithinRunnerContainer");
    let runner_at = w.containers.iter().position(|c| c.name == "runner");
    let runner_image = r.field(rs, "image");
    if let Some(on) = within {
        let loc = on.loc;
        let mut c = match runner_at {
            Some(i) if i < w.containers.len() => w.containers.remove(i),
            _ => Container::new(CONTAINER, "runner", loc),
        };
        if c.image.is_none() {
            c.image = Some(
                runner_image
                    .clone()
                    .unwrap_or_else(|| implied("summerwind/actions-runner-dind:latest", loc)),
            );
        }
        c.security.privileged = Some(implied("true", loc));
        c.command.push(implied("dockerd", loc));
        w.containers.push(c);
    } else {
        if runner_at.is_none() {
            let mut c = Container::new(CONTAINER, "runner", kind_loc);
            c.image = Some(
                runner_image
                    .clone()
                    .unwrap_or_else(|| implied("summerwind/actions-runner:latest", kind_loc)),
            );
            w.containers.push(c);
        }
        if enabled.as_ref().is_none_or(|e| !e.eq_ci("false")) {
            let loc = enabled.map_or(kind_loc, |e| e.loc);
            let mut d = Container::new(CONTAINER, "docker", loc);
            d.image = Some(implied("docker:dind", loc));
            d.security.privileged = Some(implied("true", loc));
            if !w.volumes.iter().any(|v| v.name == "var-run") {
                w.volumes.push(Volume {
                    name: Cow::Borrowed("var-run"),
                    loc,
                    source: VolumeSource::EmptyDir,
                    used: false,
                });
            }
            d.mounts.push(mount_volume(
                &w,
                loc,
                implied("var-run", loc),
                Some(implied("/run", loc)),
                false,
            ));
            w.containers.push(d);
        }
    }
    mark_used(&mut w);
    unit.workloads.push(w);
}

/// What `containerMode.type: dind` adds to the runner pod.
fn add_dind<'t>(w: &mut Workload<'t>, loc: Loc<'t>) {
    for name in ["work", "dind-sock", "dind-externals"] {
        if !w.volumes.iter().any(|v| v.name == name) {
            w.volumes.push(Volume {
                name: Cow::Borrowed(name),
                loc,
                source: VolumeSource::EmptyDir,
                used: false,
            });
        }
    }
    let sock = |w: &Workload<'t>| {
        mount_volume(
            w,
            loc,
            implied("dind-sock", loc),
            Some(implied("/var/run", loc)),
            false,
        )
    };
    let docker_host = || Env {
        name: implied("DOCKER_HOST", loc),
        value: Some(implied("unix:///var/run/docker.sock", loc)),
    };
    let runner_at = w.containers.iter().position(|c| c.name == "runner");
    match runner_at {
        Some(i) => {
            let m = sock(w);
            if let Some(c) = w.containers.get_mut(i) {
                if !c.has_env("DOCKER_HOST") {
                    c.env.push(docker_host());
                }
                c.mounts.push(m);
            }
        }
        None => {
            let mut c = Container::new(CONTAINER, "runner", loc);
            c.image = Some(implied(RUNNER_IMAGE, loc));
            c.command = vec![implied("/home/runner/run.sh", loc)];
            c.env.push(docker_host());
            c.mounts.push(sock(w));
            w.containers.push(c);
        }
    }
    let mut d = Container::new(CONTAINER, "dind", loc);
    d.image = Some(implied("docker:dind", loc));
    d.args = vec![
        implied("dockerd", loc),
        implied("--host=unix:///var/run/docker.sock", loc),
        implied("--group=$(DOCKER_GROUP_GID)", loc),
    ];
    d.env.push(Env {
        name: implied("DOCKER_GROUP_GID", loc),
        value: Some(implied("123", loc)),
    });
    d.security.privileged = Some(implied("true", loc));
    for (vol, target) in [
        ("work", "/home/runner/_work"),
        ("dind-sock", "/var/run"),
        ("dind-externals", "/home/runner/externals"),
    ] {
        let m = mount_volume(w, loc, implied(vol, loc), Some(implied(target, loc)), false);
        d.mounts.push(m);
    }
    w.containers.push(d);
}
