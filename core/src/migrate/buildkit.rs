//! `--to buildkit`: a DooD container (or Compose service) whose one job is a `docker build` (or
//! `docker buildx build`, `docker image build`) becomes the rootless BuildKit container (or
//! service) `dockscape generate buildkit` writes (`buildctl-daemonless.sh build ...`): no daemon,
//! no socket. A workload that does anything else with the socket is refused with the reason.

use serde_json::{Value, json};

use super::compose;
use super::k8s::{Plan, Planned, Refused, each_dood, name_first, node_of, parent, socket_mounts};
use super::yaml::Editor;
use super::{Edit, MigrateNote, MigrateOptions};
use crate::read::ir::{Container, ContainerKind, Workload};
use crate::read::source::{Doc, NodeId};

/// What a `docker build` asked for, in `buildctl` terms.
#[derive(Debug, Default)]
struct Build {
    context: String,
    tag: Option<String>,
    /// The Dockerfile, when `-f` names one.
    file: Option<String>,
    /// `buildctl build` options for the other flags (`--opt build-arg:K=V`, `--no-cache`, ...).
    opts: Vec<String>,
}

/// Shell text that makes a `sh -c` script more than one simple command.
const SHELL: &[char] = &[
    ';', '|', '&', '$', '`', '(', ')', '<', '>', '\'', '"', '\\', '\n', '*', '?', '#', '~',
];

/// The `docker build` a container runs, from its command and args.
fn build_of(c: &Container<'_>) -> Result<Build, Refused> {
    let argv: Vec<(&str, u32)> = c.argv().map(|v| (v.as_str(), v.loc.line)).collect();
    let line = argv.first().map_or(c.loc.line, |&(_, l)| l);
    let more = |shown: &str| {
        (
            line,
            format!(
                "`{shown}` does more than one `docker build` (or is not one): only a workload whose socket user just builds is rewritten into rootless BuildKit; use `--to dind`"
            ),
        )
    };
    let is_docker = |w: &str| w == "docker" || w.ends_with("/docker");
    let words: Vec<String> = match argv.as_slice() {
        [(first, _), ..] if is_docker(first) => argv.iter().map(|&(w, _)| w.to_string()).collect(),
        [(sh, _), (dash_c, _), (script, _)]
            if matches!(*sh, "sh" | "bash" | "/bin/sh" | "/bin/bash") && *dash_c == "-c" =>
        {
            if script.contains(SHELL) {
                return Err(more(script.trim()));
            }
            script.split_whitespace().map(str::to_string).collect()
        }
        [] => {
            return Err((
                c.loc.line,
                "the container runs its image's own command, which cannot be read: not rewritten (use `--to dind`)".to_string(),
            ));
        }
        _ => {
            let shown: Vec<&str> = argv.iter().map(|&(w, _)| w).collect();
            return Err(more(&shown.join(" ")));
        }
    };
    let shown = words.join(" ");
    let mut rest = words.iter().map(String::as_str).peekable();
    if !rest.next().is_some_and(is_docker) {
        return Err(more(&shown));
    }
    match (rest.next(), rest.peek().copied()) {
        (Some("build"), _) => {}
        (Some("buildx" | "image"), Some("build")) => {
            rest.next();
        }
        _ => return Err(more(&shown)),
    }
    let mut b = Build::default();
    let mut context: Option<String> = None;
    let unsupported = |flag: &str| {
        (
            line,
            format!(
                "`docker build {flag}` has no rootless BuildKit equivalent here (supported: -t, -f, --build-arg, --target, --platform, --no-cache, --pull): not rewritten"
            ),
        )
    };
    while let Some(w) = rest.next() {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (w, None),
        };
        let takes_value = matches!(
            flag,
            "-t" | "--tag" | "-f" | "--file" | "--build-arg" | "--target" | "--platform"
        );
        let value = if takes_value {
            match inline.or_else(|| rest.next().map(str::to_string)) {
                Some(v) => v,
                None => return Err(more(&shown)),
            }
        } else {
            String::new()
        };
        match flag {
            "-t" | "--tag" if b.tag.is_none() => b.tag = Some(value),
            "-t" | "--tag" => return Err(unsupported("-t (a second tag)")),
            "-f" | "--file" => b.file = Some(value),
            "--build-arg" if value.contains('=') => {
                b.opts
                    .extend(["--opt".into(), format!("build-arg:{value}")]);
            }
            "--target" => b.opts.extend(["--opt".into(), format!("target={value}")]),
            "--platform" => b.opts.extend(["--opt".into(), format!("platform={value}")]),
            "--no-cache" => b.opts.push("--no-cache".into()),
            "--pull" => b
                .opts
                .extend(["--opt".into(), "image-resolve-mode=pull".into()]),
            "--push" => {
                return Err((
                    line,
                    "`--push` needs the registry credentials the docker CLI read from its config: not carried over (`dockscape generate buildkit --set push=true` shows the Secret that gives them to BuildKit)".to_string(),
                ));
            }
            f if f.starts_with('-') => return Err(unsupported(f)),
            path if context.is_none() => context = Some(path.to_string()),
            _ => return Err(more(&shown)),
        }
    }
    let context = context.ok_or_else(|| more(&shown))?;
    if context == "-" || context.contains("://") || context.starts_with("git@") {
        return Err((
            line,
            format!(
                "the build context `{context}` is not a folder of the container: not rewritten"
            ),
        ));
    }
    b.context = context;
    Ok(b)
}

/// `path` made absolute against `dir`, `.` and `..` resolved.
fn absolute(dir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The build of `c`, its context and Dockerfile's folder made absolute (a relative context against
/// `workdir`, the `workdir_key` the user sets), both on a mount `kept` keeps: the BuildKit image has
/// nothing of the job image's own files.
fn plan_build(
    c: &Container<'_>,
    workdir: Option<&str>,
    workdir_key: &str,
    kept: impl Fn(&crate::read::ir::Mount<'_>) -> bool,
) -> Result<(Build, String, String), Refused> {
    let b = build_of(c)?;
    let context = match workdir {
        _ if b.context.starts_with('/') => absolute("/", &b.context),
        Some(dir) => absolute(dir, &b.context),
        None => {
            return Err((
                c.loc.line,
                format!(
                    "the build context `{}` is relative to the image's working directory, which the BuildKit image does not share: set `{workdir_key}` or use an absolute path",
                    b.context
                ),
            ));
        }
    };
    let dockerfile_dir = match &b.file {
        Some(f) => {
            let full = absolute(&context, f);
            full.rsplit_once('/').map_or("/".to_string(), |(d, _)| {
                if d.is_empty() { "/".into() } else { d.into() }
            })
        }
        None => context.clone(),
    };
    let on_volume = |path: &str| {
        c.mounts.iter().any(|m| {
            kept(m)
                && m.target.as_ref().is_some_and(|t| {
                    let t = absolute("/", t.as_str());
                    path == t || path.starts_with(&format!("{}/", t.trim_end_matches('/')))
                })
        })
    };
    for (what, path) in [
        ("build context", &context),
        ("Dockerfile's folder", &dockerfile_dir),
    ] {
        if !on_volume(path) {
            return Err((
                c.loc.line,
                format!(
                    "the {what} `{path}` is not on a volume of `{}`: it is in the job image's own files, which the BuildKit image does not have; not rewritten",
                    c.name
                ),
            ));
        }
    }
    Ok((b, context, dockerfile_dir))
}

/// The generator's `buildctl build` arguments with the build's own flags: the Dockerfile's folder
/// and name, the other options; no image output without a tag (the build is then a check, as
/// `docker build` without `-t` is).
fn build_args(generated: &[Value], b: &Build, dockerfile_dir: &str) -> Vec<Value> {
    let mut args: Vec<Value> = Vec::new();
    let mut it = generated.iter();
    while let Some(a) = it.next() {
        let s = a.as_str().unwrap_or("");
        if s.starts_with("dockerfile=") {
            args.push(Value::String(format!("dockerfile={dockerfile_dir}")));
        } else if s == "--output" && b.tag.is_none() {
            it.next();
        } else {
            args.push(a.clone());
        }
    }
    if let Some(f) = &b.file {
        let base = f.rsplit('/').next().unwrap_or(f);
        args.extend([json!("--opt"), json!(format!("filename={base}"))]);
    }
    args.extend(b.opts.iter().map(|o| Value::String(o.clone())));
    args
}

/// The generator's `buildkit` scenario for a build of `context` tagged `tag`.
fn scenario(context: &str, tag: Option<&str>) -> Option<crate::Scenario> {
    let mut params = crate::Params::new();
    params.set("context", context).ok()?;
    if let Some(tag) = tag {
        params.set("output", tag).ok()?;
    }
    crate::build_scenario("buildkit", &params).ok()
}

/// Rewrite the DooD workloads of one Kubernetes document into rootless BuildKit.
pub(super) fn migrate_doc(doc: &Doc<'_>, text: &str, options: &MigrateOptions, plan: &mut Plan) {
    let unit = crate::read::k8s::unit(doc);
    each_dood(&unit.workloads, options, plan, |w, name| {
        workload(doc, text, w, name).map(Some)
    });
}

/// The value of `key` written in `map` itself (not through an alias or a merge key).
fn own(doc: &Doc<'_>, map: NodeId, key: &str) -> Option<NodeId> {
    let v = doc.get(map, key)?;
    (doc.resolve(v) == v && parent(doc, v) == Some(map)).then_some(v)
}

/// The rootless BuildKit container and its state volume `generate buildkit` writes for `b`.
fn generated(b: &Build, context: &str, dockerfile_dir: &str) -> Option<(Value, Value)> {
    let scenario = scenario(context, b.tag.as_deref())?;
    let pod = serde_json::to_value(crate::to_pod(&scenario).ok()?).ok()?;
    let spec = pod.get("spec")?;
    let mut c = spec
        .get("containers")?
        .as_array()?
        .iter()
        .find(|c| {
            c.get("command")
                .is_some_and(|x| x.to_string().contains("buildctl"))
        })?
        .clone();
    let state = c.get("volumeMounts")?.as_array()?.first()?.clone();
    let state_name = state.get("name")?.as_str()?.to_string();
    let volume = spec
        .get("volumes")?
        .as_array()?
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(state_name.as_str()))?
        .clone();
    let args = build_args(c.get("args")?.as_array()?, b, dockerfile_dir);
    let obj = c.as_object_mut()?;
    obj.insert("args".into(), Value::Array(args));
    obj.insert("volumeMounts".into(), Value::Array(vec![state]));
    Some((name_first(c), name_first(volume)))
}

fn workload(doc: &Doc<'_>, text: &str, w: &Workload<'_>, name: &str) -> Result<Planned, Refused> {
    let wline = w.loc.line;
    let fail = |line: u32| {
        (
            line,
            "written with YAML anchors, aliases, merge keys or flow style where the edits go: not rewritten (edit it by hand)".to_string(),
        )
    };
    // the socket volume and the one container that uses it
    let mut volume: Option<usize> = None;
    let mut user: Option<usize> = None;
    for (ci, vi, m) in socket_mounts(w, "rootless BuildKit replaces `docker build` only")? {
        let c = w.containers.get(ci).ok_or_else(|| fail(wline))?;
        if volume.is_some_and(|v| v != vi) || user.is_some_and(|u| u != ci) {
            return Err((
                    m.loc.line,
                    "more than one container or volume uses the socket: not rewritten into rootless BuildKit (use `--to dind`)".to_string(),
                ));
        }
        if c.kind == ContainerKind::Ephemeral {
            return Err((
                m.loc.line,
                "an ephemeral container uses the socket: not rewritten".to_string(),
            ));
        }
        volume = Some(vi);
        user = Some(ci);
    }
    let c = user
        .and_then(|i| w.containers.get(i))
        .ok_or_else(|| fail(wline))?;
    let vol = volume
        .and_then(|i| w.volumes.get(i))
        .ok_or_else(|| fail(wline))?;
    // any other mount of the socket volume would lose its files
    for other in &w.containers {
        for m in &other.mounts {
            if m.volume == volume && m.host.as_ref().and_then(|h| h.runtime()).is_none() {
                return Err((
                    m.loc.line,
                    format!(
                        "volume `{}` is also mounted for other files of the node: removing it would take them away",
                        vol.name
                    ),
                ));
            }
        }
    }
    let item = node_of(c.loc.field).ok_or_else(|| fail(c.loc.line))?;
    let workdir = own(doc, item, "workingDir").and_then(|n| doc.str(n));
    let (b, context, dockerfile_dir) = plan_build(c, workdir, "workingDir", |m| {
        m.volume.is_some() && m.volume != volume
    })?;
    let (bk, state_volume) = generated(&b, &context, &dockerfile_dir).ok_or_else(|| {
        (
            wline,
            "the buildkit scenario could not be built (a bug in dockscape)".to_string(),
        )
    })?;
    let state_name = bk
        .pointer("/volumeMounts/0/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if w.volumes.iter().any(|v| v.name == state_name) {
        return Err((
            wline,
            format!(
                "a volume is already named `{state_name}`, the name BuildKit's state needs: not rewritten"
            ),
        ));
    }

    let vols_first = w
        .containers
        .iter()
        .find_map(|c| node_of(c.loc.field))
        .ok_or_else(|| fail(wline))?;
    let spec = parent(doc, vols_first)
        .and_then(|l| parent(doc, l))
        .ok_or_else(|| fail(wline))?;
    let ed = Editor::new(doc, text, spec);
    let mut edits = Vec::new();
    // the socket volume becomes BuildKit's state
    let vol_item = node_of(vol.loc.field).ok_or_else(|| fail(vol.loc.line))?;
    if doc.resolve(vol_item) != vol_item
        || parent(doc, vol_item).and_then(|l| parent(doc, l)) != Some(spec)
    {
        return Err(fail(vol.loc.line));
    }
    edits.push(
        ed.replace_item(vol_item, std::slice::from_ref(&state_volume))
            .ok_or_else(|| fail(vol.loc.line))?,
    );
    // the container: image, command, args, env, securityContext, the state mount for the socket
    let mounts = own(doc, item, "volumeMounts").ok_or_else(|| fail(c.loc.line))?;
    let socket: Vec<NodeId> = c
        .mounts
        .iter()
        .filter(|m| m.volume == volume)
        .filter_map(|m| node_of(m.loc.field))
        .collect();
    let Some((last, others)) = socket.split_last() else {
        return Err(fail(c.loc.line));
    };
    for &m in others.iter().chain(std::iter::once(last)) {
        if parent(doc, m) != Some(mounts) || doc.resolve(m) != m {
            return Err(fail(c.loc.line));
        }
    }
    for &m in others {
        edits.push(ed.delete_item(m).ok_or_else(|| fail(c.loc.line))?);
    }
    let state_mount = bk
        .pointer("/volumeMounts/0")
        .cloned()
        .ok_or_else(|| fail(wline))?;
    edits.push(
        ed.replace_item(*last, std::slice::from_ref(&state_mount))
            .ok_or_else(|| fail(c.loc.line))?,
    );
    let set = |edits: &mut Vec<Edit>, key: &str| -> Result<(), Refused> {
        let Some(new) = bk.get(key) else {
            return Ok(());
        };
        let edit = match own(doc, item, key) {
            Some(v) => ed.replace_value(item, v, new),
            None if doc.get(item, key).is_some() => None,
            None => ed.add_key(item, key, new),
        };
        edits.push(edit.ok_or_else(|| fail(c.loc.line))?);
        Ok(())
    };
    for key in ["image", "command", "args", "securityContext"] {
        set(&mut edits, key)?;
    }
    // BuildKit's own variables: added (or replaced) in `env`
    for e in bk
        .get("env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let n = e.get("name").and_then(Value::as_str).unwrap_or("");
        let existing = c
            .env
            .iter()
            .rev()
            .find(|x| x.name.as_str() == n)
            .and_then(|x| node_of(x.name.loc.field))
            .and_then(|k| parent(doc, k));
        let edit = match (existing, own(doc, item, "env")) {
            (Some(i), _) if doc.resolve(i) == i => ed.replace_item(i, std::slice::from_ref(e)),
            (Some(_), _) => None,
            (None, Some(l)) if doc.is_seq(l) => ed.append_item(l, e),
            (None, None) if doc.get(item, "env").is_none() => {
                ed.add_key(item, "env", &Value::Array(vec![e.clone()]))
            }
            _ => None,
        };
        edits.push(edit.ok_or_else(|| fail(c.loc.line))?);
    }

    let note = super::k8s::note_for(name);
    let image_line = c.image.as_ref().map_or(c.loc.line, |i| i.loc.line);
    let mut notes = vec![
        note(
            image_line,
            format!(
                "`{}` now runs `{}` (`buildctl-daemonless.sh`): rootless BuildKit builds the image with no Docker daemon and no socket",
                c.name,
                bk.get("image").and_then(Value::as_str).unwrap_or("")
            ),
        ),
        note(
            vol.loc.line,
            format!(
                "volume `{}` (the node's socket) is replaced by BuildKit's state `{state_name}` (an emptyDir: nothing is cached between pods)",
                vol.name
            ),
        ),
        note(
            c.loc.line,
            match &b.tag {
                Some(t) => format!(
                    "the image `{t}` is built into BuildKit's own store, not the node's images: nothing on the node can `docker run` it; push it (`generate buildkit --set push=true` shows how) to use it elsewhere"
                ),
                None => "without `-t` the build is a check: BuildKit keeps no image (as the node's daemon kept an untagged one)".to_string(),
            },
        ),
        note(
            c.loc.line,
            format!(
                "`{}` runs as uid 1000 with seccomp and AppArmor unconfined (DS017, what rootless BuildKit needs to make its namespaces); its `securityContext` is BuildKit's",
                c.name
            ),
        ),
    ];
    notes.sort_by_key(|n| n.line);
    Ok((edits, notes))
}

/// Rewrite the DooD services of one Compose document into the rootless BuildKit service of
/// `generate buildkit --format compose` (one per file: they would share BuildKit's state volume).
pub(super) fn migrate_compose_doc(
    doc: &Doc<'_>,
    text: &str,
    options: &MigrateOptions,
    plan: &mut Plan,
) {
    let (unit, _) = crate::read::compose::unit_with(doc, None);
    let Some(root) = doc.root() else { return };
    let Some(services) = compose::own(doc, root, "services") else {
        return;
    };
    let ed = Editor::new(doc, text, services);
    let mut state: Option<(String, Value)> = None;
    each_dood(&unit.workloads, options, plan, |w, name| {
        if let Some(reason) = compose::tied(doc, services, &w.name) {
            return Err((w.loc.line, reason));
        }
        if let Some((n, _)) = &state {
            return Err((
                w.loc.line,
                format!(
                    "another service of the file is rewritten into BuildKit, with the state volume `{n}`: one per file (edit the others by hand)"
                ),
            ));
        }
        let (edits, notes, volume) = compose_service(doc, &ed, w, name, services)?;
        let top = compose::own(doc, root, "volumes");
        let taken = top.is_some_and(|v| doc.get(v, &volume.0).is_some());
        if taken || top.is_none() && doc.get(root, "volumes").is_some() {
            return Err((
                w.loc.line,
                format!("a volume `{}` is already declared: not rewritten", volume.0),
            ));
        }
        let add = match top.filter(|&v| doc.is_map(v)) {
            Some(v) => ed.add_key(v, &volume.0, &volume.1),
            None if top.is_none() => {
                let mut m = serde_json::Map::new();
                m.insert(volume.0.clone(), volume.1.clone());
                ed.add_key(root, "volumes", &Value::Object(m))
            }
            None => None,
        };
        let add = add.ok_or_else(|| {
            (
                w.loc.line,
                "the top-level `volumes` is written with anchors or flow style: not rewritten"
                    .to_string(),
            )
        })?;
        let mut edits = edits;
        edits.push(add);
        state = Some(volume);
        Ok(Some((edits, notes)))
    });
}

type ComposePlanned = (Vec<Edit>, Vec<MigrateNote>, (String, Value));

/// The edits of one service, and BuildKit's state volume (name and value) the file must declare.
fn compose_service(
    doc: &Doc<'_>,
    ed: &Editor<'_, '_>,
    w: &Workload<'_>,
    name: &str,
    services: NodeId,
) -> Result<ComposePlanned, Refused> {
    let wline = w.loc.line;
    let fail = |line: u32| {
        (
            line,
            "written with `extends`, YAML anchors, aliases or merge keys where the edits go: not rewritten (edit it by hand)".to_string(),
        )
    };
    let svc = compose::service_map(doc, w, services).ok_or_else(|| fail(wline))?;
    let c = w.containers.first().ok_or_else(|| fail(wline))?;
    let vols = compose::own(doc, svc, "volumes").ok_or_else(|| fail(wline))?;
    let binds = compose::socket_binds(
        doc,
        c,
        vols,
        "rootless BuildKit replaces `docker build` only",
        &fail,
    )?;
    let workdir = compose::own(doc, svc, "working_dir").and_then(|n| doc.str(n));
    let (b, context, dockerfile_dir) = plan_build(c, workdir, "working_dir", |m| {
        m.host.as_ref().and_then(|h| h.runtime()).is_none()
    })?;
    let bug = || {
        (
            wline,
            "the buildkit scenario could not be built (a bug in dockscape)".to_string(),
        )
    };
    let scenario = scenario(&context, b.tag.as_deref()).ok_or_else(bug)?;
    let file = serde_json::to_value(crate::to_compose(&scenario).map_err(|_| bug())?)
        .map_err(|_| bug())?;
    let bk = file
        .get("services")
        .and_then(Value::as_object)
        .and_then(|m| {
            m.values().find(|s| {
                s.get("entrypoint")
                    .is_some_and(|e| e.to_string().contains("buildctl"))
            })
        })
        .ok_or_else(bug)?;
    let state = bk
        .pointer("/volumes/0")
        .and_then(Value::as_str)
        .ok_or_else(bug)?;
    let state_name = state.split(':').next().unwrap_or(state).to_string();
    let state_value = file
        .pointer(&format!("/volumes/{state_name}"))
        .cloned()
        .ok_or_else(bug)?;
    let args = build_args(
        bk.get("command")
            .and_then(Value::as_array)
            .ok_or_else(bug)?,
        &b,
        &dockerfile_dir,
    );
    let mut edits = Vec::new();
    let mut items: Vec<NodeId> = binds.iter().map(|&(i, _)| i).collect();
    items.sort_unstable();
    items.dedup();
    let Some((last, others)) = items.split_last() else {
        return Err(fail(wline));
    };
    for &i in others {
        edits.push(ed.delete_item(i).ok_or_else(|| fail(wline))?);
    }
    edits.push(
        ed.replace_item(*last, &[Value::String(state.to_string())])
            .ok_or_else(|| fail(wline))?,
    );
    for key in ["image", "entrypoint", "command", "user", "security_opt"] {
        let new = if key == "command" {
            Value::Array(args.clone())
        } else {
            match bk.get(key) {
                Some(v) => v.clone(),
                None => continue,
            }
        };
        let edit = match compose::own(doc, svc, key) {
            Some(v) => ed.replace_value(svc, v, &new),
            None if doc.get(svc, key).is_some() => None,
            None => ed.add_key(svc, key, &new),
        };
        edits.push(edit.ok_or_else(|| fail(wline))?);
    }
    let env: Vec<(String, String)> = bk
        .get("environment")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    edits.extend(compose::set_env(doc, ed, svc, &env).ok_or_else(|| fail(wline))?);
    let note = super::k8s::note_for(name);
    let image_line = c.image.as_ref().map_or(wline, |i| i.loc.line);
    let mut notes = vec![
        note(
            image_line,
            format!(
                "the service now runs `{}` (`buildctl-daemonless.sh`): rootless BuildKit builds the image with no Docker daemon and no socket, as uid 1000 with seccomp and AppArmor unconfined (DS017)",
                bk.get("image").and_then(Value::as_str).unwrap_or("")
            ),
        ),
        note(
            binds.first().map_or(wline, |(_, m)| m.loc.line),
            format!("the socket bind is replaced by BuildKit's state volume `{state_name}`"),
        ),
        note(
            wline,
            match &b.tag {
                Some(t) => format!(
                    "the image `{t}` is built into BuildKit's own store, not the host's images: the host's `docker run` cannot use it; push it to use it elsewhere"
                ),
                None => "without `-t` the build is a check: BuildKit keeps no image".to_string(),
            },
        ),
    ];
    notes.sort_by_key(|n| n.line);
    Ok((edits, notes, (state_name, state_value)))
}
