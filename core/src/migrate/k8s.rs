//! The Kubernetes rewrite: a DooD pod spec (in any kind) into TLS Docker-in-Docker, rootless
//! Docker-in-Docker or Docker-in-Docker on Sysbox, with the generator's daemon of the scenario.

use serde_json::Value;

use super::yaml::Editor;
use super::{Edit, MigrateNote, MigrateOptions, Refusal, Sidecar};
use crate::lint::{WorkloadScenario, classify};
use crate::read::ir::{Container, ContainerKind, Field, Loc, Via, Workload, WorkloadKind};
use crate::read::paths::{PathClass, Runtime};
use crate::read::source::{Doc, NONE, NodeId};
use crate::read::{k8s, run};

/// The generator's scenario a target's daemon comes from (`None`: no daemon, `socket-proxy`,
/// `buildkit`).
pub(super) fn scenario_of(target: super::MigrateTarget) -> Option<&'static str> {
    match target {
        super::MigrateTarget::Dind => Some("dind"),
        super::MigrateTarget::DindRootless => Some("dind-rootless"),
        super::MigrateTarget::Sysbox => Some("sysbox"),
        _ => None,
    }
}

/// What the migration of a file collects.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub edits: Vec<Edit>,
    pub migrated: Vec<String>,
    pub notes: Vec<MigrateNote>,
    pub refusals: Vec<Refusal>,
}

/// Images of programs that work on the node's own containers (monitoring, logging, updating,
/// proxying the socket): DinD would give them an empty daemon.
const AGENTS: &[(&str, &str)] = &[
    ("cadvisor", "a container monitoring agent"),
    ("datadog", "a monitoring agent"),
    ("dd-agent", "a monitoring agent"),
    ("newrelic", "a monitoring agent"),
    ("sysdig", "a monitoring agent"),
    ("falco", "a runtime security agent"),
    ("dynatrace", "a monitoring agent"),
    ("oneagent", "a monitoring agent"),
    ("instana", "a monitoring agent"),
    ("netdata", "a monitoring agent"),
    ("telegraf", "a metrics agent"),
    ("signalfx", "a monitoring agent"),
    ("scope", "a container map (Weave Scope)"),
    ("portainer", "a container management UI"),
    ("watchtower", "an updater of the node's containers"),
    ("dozzle", "a log viewer of the node's containers"),
    ("logspout", "a log router of the node's containers"),
    ("filebeat", "a log shipper"),
    ("fluentd", "a log shipper"),
    ("fluent-bit", "a log shipper"),
    ("promtail", "a log shipper"),
    (
        "registrator",
        "a service registrator of the node's containers",
    ),
    ("docker-gen", "a generator over the node's containers"),
    ("nginx-proxy", "a proxy over the node's containers"),
    ("traefik", "a proxy that discovers the node's containers"),
    ("socket-proxy", "a Docker socket proxy"),
];

/// `docker` subcommands that look at the daemon's containers whoever started them.
const HOST_VIEWS: &[&str] = &["ps", "events", "stats", "top", "system"];

/// `docker` subcommands that act on one named container.
const ON_NAMED: &[&str] = &[
    "logs", "inspect", "stop", "kill", "rm", "restart", "exec", "attach", "wait", "pause",
];

pub(super) fn docker_family(r: Runtime) -> bool {
    matches!(
        r,
        Runtime::Docker
            | Runtime::DockerRootless
            | Runtime::Devcontainer
            | Runtime::Colima
            | Runtime::RancherDesktop
    )
}

pub(super) fn label(w: &Workload<'_>) -> String {
    let name = if w.name.is_empty() {
        "unnamed"
    } else {
        &w.name
    };
    match &w.namespace {
        Some(ns) => format!("{}/{}/{}", w.kind, ns, name),
        None => format!("{}/{}", w.kind, name),
    }
}

/// Whether `--workload` selects `w`.
pub(super) fn selected(options: &MigrateOptions, w: &Workload<'_>) -> bool {
    let Some(want) = options.workload.as_deref() else {
        return true;
    };
    let parts: Vec<&str> = want.trim().split('/').collect();
    let ns = w.namespace.as_deref().unwrap_or("default");
    match parts.as_slice() {
        [kind, name] => kind.eq_ignore_ascii_case(&w.kind) && *name == w.name,
        [kind, n, name] => kind.eq_ignore_ascii_case(&w.kind) && *n == ns && *name == w.name,
        _ => false,
    }
}

fn node(loc: &Loc<'_>) -> Option<NodeId> {
    node_of(loc.field)
}

/// The node a field was read from, when it is one.
pub(super) fn node_of(f: Field<'_>) -> Option<NodeId> {
    match f {
        Field::Node(id) => Some(id),
        _ => None,
    }
}

/// The collection `id` is written in.
pub(super) fn parent(doc: &Doc<'_>, id: NodeId) -> Option<NodeId> {
    doc.nodes
        .get(id as usize)
        .map(|n| n.parent)
        .filter(|&p| p != NONE)
}

/// The value of `key` in `map` when it is written there (not reached through an alias or a merge
/// key), so an edit of it changes this place only.
fn own(doc: &Doc<'_>, map: NodeId, key: &str) -> Option<NodeId> {
    let v = doc.get(map, key)?;
    (doc.resolve(v) == v && parent(doc, v) == Some(map)).then_some(v)
}

/// Why the DooD workloads of a CI input of `kind` are not rewritten, with the form that system
/// takes for Docker-in-Docker.
pub(super) fn ci_reason(kind: crate::InputKind) -> String {
    use crate::InputKind as K;
    match kind {
        K::Tekton => "a Tekton Task's `steps` and `sidecars` are not rewritten yet (the daemon would be a `sidecars` entry, the certificates an `emptyDir` volume of the Task's steps: `dockscape generate dind --format tekton` writes that form)",
        K::Jenkins => "the pod YAML is text inside the Jenkinsfile (a Groovy string) or JCasC: edits are not mapped back through that string yet (`dockscape generate dind --format jenkins` writes the `podTemplate` to paste)",
        K::Gitlab => "the `docker run` is text inside the job's `script` (a YAML scalar), which is not edited yet; GitLab's form is a `services: [docker:29-dind]` entry with `DOCKER_HOST`/`DOCKER_TLS_CERTDIR` (`dockscape generate dind --format gitlab`), and it needs the runner's `config.toml` changed too (`privileged = true`, `/certs/client` in `volumes`)",
        K::GitlabRunner => "the runner's `config.toml` (TOML) is not edited yet; GitLab's DinD form is `privileged = true` and `volumes = [\"/certs/client\", \"/cache\"]` in `[runners.docker]`, and every job's `.gitlab-ci.yml` then adds the `docker:29-dind` service (another file: `dockscape generate dind --format gitlab`)",
        K::Drone => "a Drone pipeline's `volumes` and `services` are not rewritten yet (the daemon would be a privileged `docker:29-dind` service sharing a `temp` volume, which needs a trusted repository: `dockscape generate dind --format drone` writes that form)",
        K::GithubActions => "a GitHub Actions job's `container`/`services` volumes are not rewritten yet (the daemon would be a `docker:29-dind` service with `options: --privileged` and the certificates on a volume both mount)",
        _ => "migrating this CI configuration is not implemented yet: only Kubernetes manifests, Compose files, scripts and ARC values are rewritten",
    }
    .to_string()
}

/// The DooD workloads of a CI document: ARC's Helm values (`template.spec` is a pod spec) are
/// rewritten as a pod spec; the other systems are refused with [`ci_reason`].
pub(super) fn migrate_ci(
    doc: &Doc<'_>,
    text: &str,
    target: super::MigrateTarget,
    runs: &crate::read::ci::Runs,
    options: &MigrateOptions,
    plan: &mut Plan,
) {
    let Some(k) = crate::read::ci::doc_kind(None, doc) else {
        return;
    };
    let unit = crate::read::ci::unit(k, doc, runs);
    if k == crate::InputKind::GithubArc {
        let helm = |w: &Workload<'_>, name: &str| {
            note_for(name)(
                w.loc.line,
                "these are Helm values of gha-runner-scale-set: the pod template changes when the chart is upgraded with them (`helm upgrade ... -f` this file); ARC's own form is `containerMode.type: dind`".to_string(),
            )
        };
        match (target, scenario_of(target)) {
            (_, Some(scenario)) => each_dood(&unit.workloads, options, plan, |w, name| {
                let (edits, mut notes) = workload(doc, text, scenario, options, w, name)?;
                notes.push(helm(w, name));
                Ok(Some((edits, notes)))
            }),
            (super::MigrateTarget::SocketProxy, None) => {
                each_dood(&unit.workloads, options, plan, |w, name| {
                    Ok(
                        super::proxy::workload(doc, text, w, name)?.map(|(e, mut n)| {
                            n.push(helm(w, name));
                            (e, n)
                        }),
                    )
                })
            }
            _ => each_dood(&unit.workloads, options, plan, |w, _| {
                Err((
                    w.loc.line,
                    "`--to buildkit` does not rewrite runner pods: a runner runs whatever its jobs ask for, not one `docker build`".to_string(),
                ))
            }),
        }
        return;
    }
    each_dood(&unit.workloads, options, plan, |w, _| {
        Err((w.loc.line, ci_reason(k)))
    });
}

/// Rewrite the DooD workloads of one Kubernetes document into the daemon of `scenario` (`dind`,
/// `dind-rootless`, `sysbox`).
pub(super) fn migrate_doc(
    doc: &Doc<'_>,
    text: &str,
    scenario: &str,
    options: &MigrateOptions,
    plan: &mut Plan,
) {
    let unit = k8s::unit(doc);
    each_dood(&unit.workloads, options, plan, |w, name| {
        workload(doc, text, scenario, options, w, name).map(Some)
    });
}

/// Plan each selected DooD pod workload with `f`: its edits and notes (`None`: nothing to do), or
/// a refusal.
pub(super) fn each_dood(
    workloads: &[Workload<'_>],
    options: &MigrateOptions,
    plan: &mut Plan,
    mut f: impl FnMut(&Workload<'_>, &str) -> Result<Option<Planned>, Refused>,
) {
    for w in workloads {
        if w.what != WorkloadKind::Pod
            || classify(w) != WorkloadScenario::Dood
            || !selected(options, w)
        {
            continue;
        }
        let name = label(w);
        match f(w, &name) {
            Ok(None) => {}
            Ok(Some((edits, notes))) => {
                plan.edits.extend(edits);
                plan.notes.extend(notes);
                plan.migrated.push(name);
            }
            Err((line, reason)) => plan.refusals.push(Refusal {
                workload: name,
                line: line as usize,
                reason,
            }),
        }
    }
}

/// Every mount of a runtime socket in the pod, with its container's and volume's indexes; refused
/// for another runtime's socket (`why` says why that matters for the target) or a socket mount
/// that does not come from a volume of the pod.
pub(super) fn socket_mounts<'w, 't>(
    w: &'w Workload<'t>,
    why: &str,
) -> Result<Vec<(usize, usize, &'w crate::read::ir::Mount<'t>)>, Refused> {
    let mut out = Vec::new();
    for (ci, c) in w.containers.iter().enumerate() {
        for m in &c.mounts {
            let Some(h) = m.host.as_ref().filter(|h| h.runtime().is_some()) else {
                continue;
            };
            if let Some(refused) = foreign_socket(h, why) {
                return Err(refused);
            }
            let Some(vi) = m.volume else {
                return Err((
                    m.loc.line,
                    "the socket is not mounted from a volume of the pod: not rewritten".to_string(),
                ));
            };
            out.push((ci, vi, m));
        }
    }
    Ok(out)
}

/// A maker of the notes of workload `name`: `note(line, message)`.
pub(super) fn note_for(name: &str) -> impl Fn(u32, String) -> MigrateNote + '_ {
    move |line, message| MigrateNote {
        workload: name.to_string(),
        line: line as usize,
        message,
    }
}

/// The refusal of another runtime's socket (`why` says why that matters for the target).
pub(super) fn foreign_socket(h: &crate::read::ir::HostPath<'_>, why: &str) -> Option<Refused> {
    let r = h.runtime()?;
    (!docker_family(r)).then(|| {
        (
            h.loc.line,
            format!(
                "`{}` is the {} socket{}: {why}",
                h.raw.as_str(),
                r.label(),
                if matches!(h.class, PathClass::SocketDir(_)) {
                    "'s directory"
                } else {
                    ""
                }
            ),
        )
    })
}

pub(super) type Refused = (u32, String);

/// The pieces `generate dind` (or `dind-rootless`, `sysbox`) writes: the daemon container, the
/// volumes, the client's env and certificates mount, and the pod's own settings of the scenario
/// (Sysbox's `runtimeClassName` and `hostUsers`).
struct Generated {
    daemon: Value,
    volumes: Vec<Value>,
    env: Vec<Value>,
    mount: Value,
    pod: Vec<(&'static str, Value)>,
    /// The pod's sysctls (the rootless daemon's unprivileged port start, for a job publishing a
    /// port below 1024).
    sysctls: Vec<Value>,
    notes: Vec<String>,
}

/// The `DOCKER_*` variables the migrated clients get (the generator's rootless client also sets
/// `DOCKER_CONFIG`, which goes with the uid 1000 it runs as: the migration keeps the user's uid).
pub(super) const CLIENT_ENV: &[&str] = &["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"];

/// Pod settings a scenario may set that the migration carries to the pod spec.
const POD_SETTINGS: &[&str] = &["runtimeClassName", "hostUsers"];

/// A job command that publishes a port below 1024, for the generator to see (the rootless daemon
/// then needs the pod's `net.ipv4.ip_unprivileged_port_start` sysctl).
pub(super) const LOW_PORT_JOB: &str = "run -p 80:80 busybox";

/// The `docker run`s of each container of `w`, by container index.
pub(super) fn runs_of<'w>(w: &'w Workload<'_>) -> Vec<(usize, Vec<Workload<'w>>)> {
    w.containers
        .iter()
        .enumerate()
        .map(|(i, c)| (i, run::docker_runs_in(c)))
        .collect()
}

/// Whether a `docker run` of the containers `users` publishes a host port below 1024.
pub(super) fn publishes_low_port(runs: &[(usize, Vec<Workload<'_>>)], users: &[usize]) -> bool {
    runs.iter()
        .filter(|(ci, _)| users.contains(ci))
        .flat_map(|(_, ws)| ws.iter())
        .flat_map(|r| r.containers.iter())
        .flat_map(|rc| rc.ports.iter())
        .filter_map(|p| p.host_port.as_ref())
        .any(|hp| {
            let first = hp.as_str().split('-').next().unwrap_or("");
            first.parse::<u16>().is_ok_and(|n| n > 0 && n < 1024)
        })
}

fn generated(id: &str, native: bool, low_port: bool) -> Option<Generated> {
    let mut params = crate::Params::new();
    params
        .set("sidecar", if native { "native" } else { "container" })
        .ok()?;
    if low_port {
        params.set("command", "docker").ok()?;
        params.set("args", LOW_PORT_JOB).ok()?;
    }
    let scenario = crate::build_scenario(id, &params).ok()?;
    // `pod_value`, not `serde_json::to_value`: k8s-openapi's serialiser of a whole Pod adds about
    // 100 KB to the wasm (its status and timestamps); `pod_value` writes the same JSON for a generated Pod.
    let pod = crate::emit::pod::pod_value(&crate::to_pod(&scenario).ok()?).ok()?;
    let spec = pod.get("spec")?;
    let all: Vec<&Value> = ["initContainers", "containers"]
        .iter()
        .filter_map(|k| spec.get(k).and_then(Value::as_array))
        .flatten()
        .collect();
    let daemon = all
        .iter()
        .find(|c| {
            c.get("image")
                .and_then(Value::as_str)
                .is_some_and(|i| i.contains("-dind"))
        })
        .copied()?
        .clone();
    let client = all.iter().find(|c| {
        c.get("env").and_then(Value::as_array).is_some_and(|e| {
            e.iter()
                .any(|v| v.get("name") == Some(&"DOCKER_HOST".into()))
        })
    })?;
    let env: Vec<Value> = client
        .get("env")
        .and_then(Value::as_array)?
        .iter()
        .filter(|e| {
            e.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| CLIENT_ENV.contains(&n))
        })
        .cloned()
        .collect();
    let mount = client
        .get("volumeMounts")
        .and_then(Value::as_array)?
        .first()?
        .clone();
    let volumes = spec.get("volumes").and_then(Value::as_array)?.clone();
    let pod = POD_SETTINGS
        .iter()
        .filter_map(|&k| Some((k, spec.get(k)?.clone())))
        .collect();
    let sysctls = spec
        .pointer("/securityContext/sysctls")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let notes = scenario
        .notes
        .iter()
        .filter(|n| n.level == crate::NoteLevel::Warning)
        .map(|n| n.text.clone())
        .collect();
    Some(Generated {
        daemon: name_first(daemon),
        volumes: volumes.into_iter().map(name_first).collect(),
        env: env.into_iter().map(name_first).collect(),
        mount: name_first(mount),
        pod,
        sysctls: sysctls.into_iter().map(name_first).collect(),
        notes,
    })
}

/// The same value with `name` as the first key of every mapping (as people write them).
pub(super) fn name_first(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            if let Some(n) = m.get("name") {
                out.insert("name".into(), n.clone());
            }
            for (k, v) in m {
                if k != "name" {
                    out.insert(k, name_first(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(name_first).collect()),
        other => other,
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Why a container needs the node's own containers, if it does.
pub(super) fn needs_host(c: &Container<'_>, started: &[String]) -> Option<(u32, String)> {
    if let Some(image) = &c.image {
        let (repo, _) = c.image_parts().unwrap_or(("", ""));
        let last = repo.rsplit('/').next().unwrap_or(repo);
        for (word, what) in AGENTS {
            let hit = if *word == "scope" {
                repo == "weaveworks/scope"
            } else {
                repo.contains(word) || last.contains(word)
            };
            if hit {
                return Some((
                    image.loc.line,
                    format!(
                        "`{}` is {what}: it works on the node's own containers, which a Docker daemon of its own would not have",
                        image.as_str()
                    ),
                ));
            }
        }
    }
    // the words of the command and args, each with the line of the argument it is in
    let words = command_words(c);
    for (i, &(w, line)) in words.iter().enumerate() {
        if w != "docker" && !w.ends_with("/docker") {
            continue;
        }
        let mut rest = words.iter().skip(i + 1).map(|&(w, _)| w);
        let mut sub = rest.next().unwrap_or("");
        if sub == "container" {
            sub = match rest.next().unwrap_or("") {
                "ls" | "list" => "ps",
                other => other,
            };
        }
        let shown = words
            .iter()
            .skip(i)
            .take(3)
            .map(|&(w, _)| w)
            .collect::<Vec<_>>()
            .join(" ");
        if HOST_VIEWS.contains(&sub) {
            return Some((
                line,
                format!(
                    "`{shown}` looks at every container of the daemon: on the node's daemon that is the node's containers, which a Docker daemon of its own would not have"
                ),
            ));
        }
        if ON_NAMED.contains(&sub)
            && let Some(t) = first_operand(sub, &mut rest)
                .filter(|t| !t.starts_with('$') && !started.iter().any(|s| s == t))
        {
            return Some((
                line,
                format!(
                    "`docker {sub} {t}` works on a container the job does not start itself (a container of the node?), which a Docker daemon of its own would not have"
                ),
            ));
        }
    }
    None
}

/// Options of `docker logs`/`inspect`/`stop`/`exec`/... that take a value as the next word.
const VALUE_FLAGS: &[&str] = &[
    "-f",
    "--format",
    "--since",
    "--until",
    "-n",
    "--tail",
    "--type",
    "-s",
    "--signal",
    "-t",
    "--time",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "-e",
    "--env",
    "--env-file",
    "--detach-keys",
    "--condition",
];

/// The first operand after subcommand `sub` (its options and their values skipped; `-f` is
/// `--follow` for `logs`, `--format` elsewhere).
fn first_operand<'w>(sub: &str, words: &mut impl Iterator<Item = &'w str>) -> Option<&'w str> {
    while let Some(w) = words.next() {
        if VALUE_FLAGS.contains(&w) && !(sub == "logs" && w == "-f") {
            let _ = words.next();
        } else if !w.starts_with('-') {
            return Some(w);
        }
    }
    None
}

/// The image of a container when it is the official `docker` image of a release before 25 (whose
/// CLI speaks an API the current daemon refuses).
fn old_client<'c, 't>(c: &'c Container<'t>) -> Option<&'c crate::read::ir::Val<'t>> {
    let (repo, tag) = c.image_parts()?;
    let digits: String = tag.chars().take_while(char::is_ascii_digit).collect();
    let major: u32 = digits.parse().ok()?;
    (repo == "docker" && major < 25).then_some(c.image.as_ref()?)
}

pub(super) type Planned = (Vec<Edit>, Vec<MigrateNote>);

fn workload(
    doc: &Doc<'_>,
    text: &str,
    scenario: &str,
    options: &MigrateOptions,
    w: &Workload<'_>,
    name: &str,
) -> Result<Planned, Refused> {
    let wline = w.loc.line;
    let aliased = |line: u32| {
        (
            line,
            "written with YAML anchors, aliases or merge keys where the edits go: not rewritten (expand them, or edit it by hand)".to_string(),
        )
    };
    // the runtime it reaches must be Docker's
    for c in &w.containers {
        for h in c.mounts.iter().filter_map(|m| m.host.as_ref()) {
            if let Some(refused) =
                foreign_socket(h, "a Docker daemon of its own does not serve that API")
            {
                return Err(refused);
            }
        }
    }
    // the docker runs of each container, and the names they start
    let runs = runs_of(w);
    let started: Vec<String> = runs
        .iter()
        .flat_map(|(_, ws)| ws.iter())
        .flat_map(|r| r.containers.iter())
        .filter_map(|c| c.container_name.as_ref().map(|n| n.as_str().to_string()))
        .collect();
    for c in &w.containers {
        if let Some(why) = needs_host(c, &started) {
            return Err(why);
        }
    }
    // the pod spec the containers are in
    let first = w
        .containers
        .iter()
        .find(|c| c.kind == ContainerKind::Container)
        .and_then(|c| node(&c.loc))
        .ok_or_else(|| {
            (
                wline,
                "no container of its own in a pod spec: not rewritten".to_string(),
            )
        })?;
    let not_spec = || {
        (
            wline,
            "its containers are not the `containers` of a pod spec (a container on its own in a custom resource): not rewritten".to_string(),
        )
    };
    let list = parent(doc, first).ok_or_else(not_spec)?;
    let spec = parent(doc, list).ok_or_else(not_spec)?;
    match doc.get(spec, "containers") {
        Some(l) if l == list => {}
        Some(l) if doc.resolve(l) == list => return Err(aliased(wline)),
        _ => return Err(not_spec()),
    }
    // volumes to remove: runtime sockets and their directories, and the volumes a socket mount
    // takes its socket from (a `subPath`)
    let mut remove: Vec<usize> = Vec::new();
    for (i, v) in w.volumes.iter().enumerate() {
        if v.source.class().runtime_access().is_some() {
            remove.push(i);
        }
    }
    for c in &w.containers {
        for m in &c.mounts {
            if m.host.as_ref().and_then(|h| h.runtime()).is_some()
                && let Some(i) = m.volume
                && !remove.contains(&i)
            {
                remove.push(i);
            }
        }
    }
    remove.sort_unstable();
    // a removed volume must serve only the socket
    let mut users: Vec<usize> = Vec::new();
    for (ci, c) in w.containers.iter().enumerate() {
        for m in &c.mounts {
            let Some(vi) = m.volume.filter(|i| remove.contains(i)) else {
                continue;
            };
            if m.host.as_ref().and_then(|h| h.runtime()).is_none() {
                let shown = m.target.as_ref().map_or("", |t| t.as_str());
                return Err((
                    m.loc.line,
                    format!(
                        "volume `{}` is also mounted at `{shown}` for other files of the node: removing it would take them away",
                        w.volumes.get(vi).map_or("", |v| &v.name)
                    ),
                ));
            }
            if c.kind == ContainerKind::Ephemeral {
                return Err((
                    m.loc.line,
                    "an ephemeral container uses the socket: not rewritten".to_string(),
                ));
            }
            if !users.contains(&ci) {
                users.push(ci);
            }
        }
    }
    // where the daemon goes
    let job = matches!(&*w.kind, "Job" | "CronJob");
    let native = match options.sidecar {
        Some(s) => s == Sidecar::Native,
        None => job,
    };
    let low_port = publishes_low_port(&runs, &users);
    let g = generated(scenario, native, low_port).ok_or_else(|| {
        (
            wline,
            format!("the {scenario} scenario could not be built (a bug in dockscape)"),
        )
    })?;
    // the pod's own settings of the scenario: kept when the pod already has them, refused when
    // it sets something else, and none of the host namespaces user namespaces exclude
    let mut pod_settings: Vec<(&str, &Value)> = Vec::new();
    for (k, v) in &g.pod {
        let has = own(doc, spec, k).and_then(|n| doc.str(n));
        let want = match v {
            Value::String(t) => t.clone(),
            other => other.to_string(),
        };
        match has {
            Some(h) if h == want => {}
            Some(h) => {
                return Err((
                    doc.pos(own(doc, spec, k).unwrap_or(spec)).0,
                    format!(
                        "the pod sets `{k}: {h}`, and the {scenario} scenario needs `{k}: {want}`: not rewritten"
                    ),
                ));
            }
            None if doc.get(spec, k).is_some() => return Err(aliased(wline)),
            None => pod_settings.push((k, v)),
        }
    }
    if g.pod
        .iter()
        .any(|(k, v)| *k == "hostUsers" && v == &Value::Bool(false))
    {
        for ns in ["hostNetwork", "hostPID", "hostIPC"] {
            if let Some(n) = doc.get(spec, ns).filter(|&n| doc.str(n) == Some("true")) {
                return Err((
                    doc.pos(n).0,
                    format!(
                        "`{ns}: true`: the {scenario} scenario gives the pod its own user namespace (`hostUsers: false`), which Kubernetes refuses with the node's namespaces"
                    ),
                ));
            }
        }
    }
    let daemon_name = str_of(&g.daemon, "name");
    if w.containers.iter().any(|c| c.name == daemon_name) {
        return Err((
            wline,
            format!(
                "a container is already named `{daemon_name}`, the name of the daemon container: not rewritten"
            ),
        ));
    }
    for v in &g.volumes {
        let n = str_of(v, "name");
        if w.volumes
            .iter()
            .enumerate()
            .any(|(i, x)| x.name == n && !remove.contains(&i))
        {
            return Err((
                wline,
                format!("a volume is already named `{n}`, a name the daemon needs: not rewritten"),
            ));
        }
    }

    let ed = Editor::new(doc, text, spec);
    let fail = |line: u32| aliased(line);
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    let note = super::k8s::note_for(name);

    // volumes: the last socket volume becomes the daemon's volumes, the others go
    let vols = own(doc, spec, "volumes").ok_or_else(|| fail(wline))?;
    let mut removed_items = Vec::new();
    for &i in &remove {
        let v = w.volumes.get(i).ok_or_else(|| fail(wline))?;
        let item = node(&v.loc).ok_or_else(|| fail(wline))?;
        if parent(doc, item) != Some(vols) || doc.resolve(item) != item {
            return Err(fail(v.loc.line));
        }
        removed_items.push((item, v));
    }
    let Some(((last, _), others)) = removed_items.split_last() else {
        return Err(fail(wline));
    };
    for (item, v) in others {
        edits.push(ed.delete_item(*item).ok_or_else(|| fail(v.loc.line))?);
    }
    edits.push(
        ed.replace_item(*last, &g.volumes)
            .ok_or_else(|| fail(wline))?,
    );
    for (_, v) in &removed_items {
        if let crate::read::ir::VolumeSource::Host { path, class } = &v.source {
            let msg = match class {
                PathClass::SocketDir(_) => format!(
                    "the node's `{}` directory is no longer mounted: only its Docker socket was used (the job now reaches the pod's own daemon over TLS), and any other file the job took from the node's `{}` is gone",
                    path.as_str(),
                    path.as_str()
                ),
                _ => format!(
                    "volume `{}` (`{}` of the node) is replaced by the daemon's volumes `{}`",
                    v.name,
                    path.as_str(),
                    g.volumes
                        .iter()
                        .map(|v| str_of(v, "name"))
                        .collect::<Vec<_>>()
                        .join("`, `")
                ),
            };
            notes.push(note(path.loc.line, msg));
        }
    }

    // each container that used the socket: the certificates mount in its place, the TLS env
    for &ci in &users {
        let c = w.containers.get(ci).ok_or_else(|| fail(wline))?;
        let item = node(&c.loc).ok_or_else(|| fail(c.loc.line))?;
        let mounts = own(doc, item, "volumeMounts").ok_or_else(|| fail(c.loc.line))?;
        let socket: Vec<NodeId> = c
            .mounts
            .iter()
            .filter(|m| m.volume.is_some_and(|i| remove.contains(&i)))
            .filter_map(|m| node(&m.loc))
            .collect();
        let Some((last, others)) = socket.split_last() else {
            continue;
        };
        for &m in others.iter().chain(std::iter::once(last)) {
            if parent(doc, m) != Some(mounts) || doc.resolve(m) != m {
                return Err(fail(c.loc.line));
            }
        }
        for &m in others {
            edits.push(ed.delete_item(m).ok_or_else(|| fail(c.loc.line))?);
        }
        edits.push(
            ed.replace_item(*last, std::slice::from_ref(&g.mount))
                .ok_or_else(|| fail(c.loc.line))?,
        );
        // env: replace a variable it sets, add the others
        let mut add = Vec::new();
        for e in &g.env {
            let n = str_of(e, "name");
            let existing = c
                .env
                .iter()
                .rev()
                .find(|x| x.name.as_str() == n)
                .and_then(|x| node(&x.name.loc))
                .and_then(|k| parent(doc, k));
            match existing {
                Some(env_item) => {
                    if doc.resolve(env_item) != env_item {
                        return Err(fail(c.loc.line));
                    }
                    edits.push(
                        ed.replace_item(env_item, std::slice::from_ref(e))
                            .ok_or_else(|| fail(c.loc.line))?,
                    );
                }
                None => add.push(e.clone()),
            }
        }
        if !add.is_empty() {
            match own(doc, item, "env").filter(|&l| doc.is_seq(l)) {
                Some(list) => {
                    for e in &add {
                        edits.push(ed.append_item(list, e).ok_or_else(|| fail(c.loc.line))?);
                    }
                }
                None if doc.get(item, "env").is_none() => {
                    edits.push(
                        ed.add_key(item, "env", &Value::Array(add))
                            .ok_or_else(|| fail(c.loc.line))?,
                    );
                }
                None => return Err(fail(c.loc.line)),
            }
        }
        if let Some(image) = old_client(c) {
            notes.push(note(
                image.loc.line,
                format!(
                    "`{}`'s docker CLI speaks an API older than 1.44, the oldest the `{}` daemon (Docker {}) accepts: update the image (`docker:{}-cli`, or any Docker CLI from 25 on)",
                    image.as_str(),
                    str_of(&g.daemon, "image"),
                    crate::scenario::images::DOCKER_VERSION,
                    crate::scenario::images::DOCKER_VERSION
                ),
            ));
        }
        if !native {
            notes.push(note(
                c.loc.line,
                format!(
                    "the daemon starts beside `{}`: its first docker command can run before the daemon answers (wait for `docker info`, or migrate with `--sidecar native`, Kubernetes 1.29+)",
                    c.name
                ),
            ));
        }
    }

    // the daemon
    if native {
        match own(doc, spec, "initContainers").filter(|&l| doc.is_seq(l)) {
            Some(list) if doc.items(list).next().is_some() => {
                edits.push(
                    ed.prepend_item(list, &g.daemon)
                        .ok_or_else(|| fail(wline))?,
                );
            }
            _ if doc.get(spec, "initContainers").is_some() => return Err(fail(wline)),
            _ => edits.push(
                ed.add_key(
                    spec,
                    "initContainers",
                    &Value::Array(vec![g.daemon.clone()]),
                )
                .ok_or_else(|| fail(wline))?,
            ),
        }
        if job && options.sidecar.is_none() {
            notes.push(note(
                wline,
                "in a Job the daemon is a native sidecar (Kubernetes 1.29+), so the Job completes when its containers do".to_string(),
            ));
        }
    } else {
        edits.push(ed.append_item(list, &g.daemon).ok_or_else(|| fail(wline))?);
        if job {
            notes.push(note(
                wline,
                "`--sidecar container` in a Job: the daemon container never exits, so the Job never completes (use `--sidecar native`)".to_string(),
            ));
        }
    }

    for (k, v) in &pod_settings {
        edits.push(ed.add_key(spec, k, v).ok_or_else(|| fail(wline))?);
    }
    if !g.sysctls.is_empty() {
        edits.extend(add_sysctls(doc, &ed, spec, &g.sysctls).ok_or_else(|| fail(wline))?);
        notes.push(note(
            wline,
            "the job publishes a port below 1024, which a rootless daemon cannot bind: the pod gets the namespaced sysctl `net.ipv4.ip_unprivileged_port_start=0` (it applies to the pod's own network namespace)".to_string(),
        ));
    }
    if scenario == "dind-rootless" {
        for &ci in &users {
            let Some(c) = w.containers.get(ci) else {
                continue;
            };
            notes.push(note(
                c.loc.line,
                format!(
                    "the rootless daemon runs as uid 1000 and writes the client certificates as that user: `{}` reads them as root or as uid 1000 (the generator runs its client as uid 1000 with `DOCKER_CONFIG=/tmp/.docker`)",
                    c.name
                ),
            ));
        }
    }

    // what changes for the workload
    let sock_line = removed_items.first().map_or(wline, |(_, v)| v.loc.line);
    notes.push(note(
        sock_line,
        "containers the job starts now run in the pod's own daemon: the node's `docker ps` no longer lists them, and they go away with the pod".to_string(),
    ));
    notes.push(note(
        sock_line,
        "images are not shared with the node: each pod pulls or builds what it uses into its own storage (`docker-storage`); a registry mirror saves the pulls".to_string(),
    ));
    for (ci, ws) in &runs {
        if !users.contains(ci) {
            continue;
        }
        for r in ws {
            for rc in &r.containers {
                for m in &rc.mounts {
                    if let Some(h) = m.host.as_ref().filter(|h| h.via == Via::Direct) {
                        notes.push(note(
                            m.loc.line,
                            format!(
                                "`{}` in the command now binds `{}` of the daemon container, not of the node: it is empty there unless the job puts files in it (use `docker cp`, or build them into an image)",
                                h.raw.as_str(),
                                h.effective
                            ),
                        ));
                    }
                }
                if let Some(n) = &rc.container_name {
                    notes.push(note(
                        n.loc.line,
                        format!(
                            "`--name {}` no longer collides with other jobs' containers: each pod has its own daemon",
                            n.as_str()
                        ),
                    ));
                }
                for p in &rc.ports {
                    if let Some(hp) = &p.host_port {
                        notes.push(note(
                            hp.loc.line.max(p.loc.line),
                            format!(
                                "port `{}` the command publishes opens on the pod's network (the daemon shares it), not on the node: reach it at `localhost:{}` from the pod",
                                hp.as_str(),
                                hp.as_str()
                            ),
                        ));
                    }
                }
            }
        }
    }
    if let Some(h) = &w.host_network {
        notes.push(note(
            h.loc.line,
            "`hostNetwork: true`: the daemon's TLS port 2376 and every port the job's containers publish open on the node".to_string(),
        ));
    }
    if w.kind == "DaemonSet" {
        notes.push(note(
            wline,
            "a DaemonSet that used the node's daemon often works on the node's own containers: check it only runs containers of its own".to_string(),
        ));
    }
    for n in g.notes {
        notes.push(note(wline, n));
    }
    notes.sort_by_key(|n| n.line);
    Ok((edits, notes))
}

/// Add `sysctls` to the pod's `securityContext` (a new one, a new `sysctls` list, or the items
/// its list does not have by name).
fn add_sysctls(
    doc: &Doc<'_>,
    ed: &Editor<'_, '_>,
    spec: NodeId,
    sysctls: &[Value],
) -> Option<Vec<Edit>> {
    let Some(sc) = own(doc, spec, "securityContext") else {
        if doc.get(spec, "securityContext").is_some() {
            return None;
        }
        let value = serde_json::json!({ "sysctls": sysctls });
        return Some(vec![ed.add_key(spec, "securityContext", &value)?]);
    };
    if !doc.is_map(sc) {
        return None;
    }
    let Some(list) = own(doc, sc, "sysctls") else {
        if doc.get(sc, "sysctls").is_some() {
            return None;
        }
        return Some(vec![ed.add_key(
            sc,
            "sysctls",
            &Value::Array(sysctls.to_vec()),
        )?]);
    };
    let mut edits = Vec::new();
    for s in sysctls {
        let name = s.get("name").and_then(Value::as_str).unwrap_or("");
        let has = doc
            .items(list)
            .any(|i| doc.get(i, "name").and_then(|n| doc.str(n)) == Some(name));
        if !has {
            edits.push(ed.append_item(list, s)?);
        }
    }
    Some(edits)
}

/// The words of a container's command and args (split at blanks and shell punctuation), each with
/// the line of the argument it is in: what the refusals look for `docker <subcommand>` in.
pub(super) fn command_words<'c>(c: &'c Container<'_>) -> Vec<(&'c str, u32)> {
    let mut words = Vec::new();
    for a in c.argv() {
        words.extend(
            a.as_str()
                .split(|ch: char| ch.is_whitespace() || ";|&()'\"`".contains(ch))
                .filter(|w| !w.is_empty())
                .map(|w| (w, a.loc.line)),
        );
    }
    words
}
