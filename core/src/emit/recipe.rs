//! CI recipes: the configuration a CI system needs to run a scenario's job, rendered from the
//! `ci/*.j2` templates of `dockscape-templates`.
//!
//! Structured YAML is written by serde (the Pod by the same emitter as `--format pod`, the rest as
//! `serde_json` values through [`crate::emit::yaml`]); the templates only lay the finished text out with
//! comments, document separators and indentation.

use super::{header_lines, pod};
use crate::emit::Format;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Container, ContainerRole, DaemonKind, DaemonPlace, Pod, VolumeSource};
use crate::quote::{Shell, quote_command};
use crate::scenario::{Scenario, ScenarioId};
use k8s_openapi::api::core::v1 as k8s;
use minijinja::context;
use serde_json::{Map, Value, json};

/// The image of the runner container of actions-runner-controller scale sets.
pub(crate) const ARC_RUNNER_IMAGE: &str = "ghcr.io/actions/actions-runner:latest";

/// The command that keeps the Jenkins job container alive while the pipeline's `sh` steps run in it
/// (the Kubernetes plugin's own examples use `sleep`).
pub(crate) const JENKINS_IDLE: [&str; 2] = ["sleep", "99d"];

/// Which recipes serve which scenario. Base formats and diagrams serve all.
pub(crate) fn applies_to(format: Format, id: ScenarioId) -> bool {
    use ScenarioId as S;
    match format {
        Format::Gitlab => matches!(id, S::Dood | S::Dind | S::DindRootless),
        Format::GithubArc => matches!(id, S::Dood | S::Dind | S::DindRootless | S::Sysbox),
        Format::Jenkins => matches!(
            id,
            S::Dood | S::Dind | S::DindRootless | S::Sysbox | S::Buildkit
        ),
        Format::Drone => matches!(id, S::Dood | S::Dind | S::DindRootless),
        Format::Tekton => matches!(id, S::Dind | S::DindRootless),
        _ => true,
    }
}

/// Why `format` does not serve `id`.
fn reason(format: Format, id: ScenarioId) -> &'static str {
    use ScenarioId as S;
    match (format, id) {
        (_, S::Linux | S::Windows | S::Kubernetes) => {
            "it is not a CI job that runs Docker or builds images, so there is no job to configure"
        }
        (Format::Gitlab, S::Sysbox) => {
            "the GitLab runner forms here are the privileged dind service and the socket binding; Sysbox needs the pod's runtimeClassName and hostUsers, which the `jenkins` and `github-arc` recipes carry in the Pod itself"
        }
        (Format::Gitlab, S::Buildkit) => {
            "the rootless BuildKit job needs seccomp and AppArmor unconfined on its pod, which the `jenkins` recipe carries in the Pod itself"
        }
        (Format::GithubArc, S::Buildkit) => {
            "the runner container replaces the workload container, and the runner image has no buildctl-daemonless.sh; the `jenkins` recipe runs the BuildKit container as is"
        }
        (Format::Drone, S::Sysbox) => {
            "a Drone pipeline cannot choose the container runtime (sysbox-runc)"
        }
        (Format::Drone, S::Buildkit) => {
            "a Drone step cannot set seccomp and AppArmor unconfined, which rootless BuildKit needs"
        }
        (Format::Tekton, S::Dood) => {
            "the Tekton recipe is a Task with a Docker daemon sidecar; dood has no daemon in the pod"
        }
        (Format::Tekton, S::Sysbox) => {
            "a Task carries no runtimeClassName or hostUsers, which Sysbox needs; the `jenkins` and `github-arc` recipes carry them in the Pod"
        }
        (Format::Tekton, S::Buildkit) => {
            "the Tekton recipe is a Task with a Docker daemon sidecar; buildkit has no daemon"
        }
        _ => "it does not apply",
    }
}

/// The recipes that serve `id`, as a sentence fragment.
fn applicable(id: ScenarioId) -> String {
    let ids: Vec<String> = Format::RECIPES
        .iter()
        .filter(|f| applies_to(**f, id))
        .map(|f| format!("`{}`", f.id()))
        .collect();
    if ids.is_empty() {
        let served: Vec<String> = ScenarioId::ALL
            .iter()
            .filter(|s| Format::RECIPES.iter().any(|f| applies_to(*f, **s)))
            .map(|s| format!("`{}`", s.id()))
            .collect();
        format!(
            "no ci recipe applies to `{}`; recipes serve {}",
            id.id(),
            served.join(", ")
        )
    } else {
        format!("recipes for `{}`: {}", id.id(), ids.join(", "))
    }
}

fn unsupported(format: Format, id: ScenarioId, why: &str) -> Error {
    Error::new(
        ErrorKind::UnsupportedFormat,
        format!(
            "`{}` does not apply to `{}`: {why}; {}",
            format.id(),
            id.id(),
            applicable(id)
        ),
    )
}

/// Render recipe `format` of `s`: the text and its file name.
pub(crate) fn render(s: &Scenario, format: Format) -> Result<(String, String)> {
    if !applies_to(format, s.id) {
        return Err(unsupported(format, s.id, reason(format, s.id)));
    }
    let job = Job::of(s)?;
    let header = header_lines(s);
    let (template, file_name, ctx) = match format {
        Format::Gitlab => (
            "ci/gitlab-ci.yml.j2",
            ".gitlab-ci.yml",
            gitlab(s, &job, header)?,
        ),
        Format::GithubArc => (
            "ci/github-arc.yaml.j2",
            "values.yaml",
            github_arc(s, &job, header)?,
        ),
        Format::Jenkins => (
            "ci/Jenkinsfile.j2",
            "Jenkinsfile",
            jenkins(s, &job, header)?,
        ),
        Format::Drone => ("ci/drone.yml.j2", ".drone.yml", drone(s, &job, header)?),
        Format::Tekton => ("ci/tekton.yaml.j2", "tekton.yaml", tekton(s, &job, header)?),
        _ => {
            return Err(Error::new(
                ErrorKind::UnsupportedFormat,
                format!("`{}` is not a ci recipe", format.id()),
            ));
        }
    };
    Ok((render_template(template, ctx)?, file_name.to_owned()))
}

/// The job container (where the scenario's client runs) and the daemon container, if the pod has one.
struct Job<'s> {
    client: &'s Container,
    daemon: Option<&'s Container>,
}

impl<'s> Job<'s> {
    fn of(s: &'s Scenario) -> Result<Job<'s>> {
        let client = s
            .topology
            .clients
            .iter()
            .find_map(|c| s.pod.container(&c.place))
            .or_else(|| {
                s.pod
                    .containers
                    .iter()
                    .rev()
                    .find(|c| c.role == ContainerRole::Regular)
            })
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    "the scenario's pod has no job container",
                )
            })?;
        let daemon = s.topology.daemons.iter().find_map(|d| match &d.place {
            DaemonPlace::Container { container }
                if matches!(d.kind, DaemonKind::Dockerd | DaemonKind::DockerdRootless) =>
            {
                s.pod.container(container)
            }
            _ => None,
        });
        Ok(Job { client, daemon })
    }

    /// The job's command line (Kubernetes `command` then `args`), quoted for sh.
    fn script(&self) -> Result<Option<String>> {
        let argv: Vec<&String> = self
            .client
            .command
            .iter()
            .chain(&self.client.args)
            .collect();
        if argv.is_empty() {
            Ok(None)
        } else {
            quote_command(Shell::Sh, &argv).map(Some)
        }
    }
}

/// Variables and environment values in GitLab and Drone interpolate `$VAR`: a literal `$` is `$$`.
fn dollar(s: &str) -> String {
    s.replace('$', "$$")
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Variables of the job and its service: the daemon's, then the client's, as seen on the job network.
fn variables(job: &Job<'_>, escape: fn(&str) -> String) -> Map<String, Value> {
    let mut vars = Map::new();
    for e in job
        .daemon
        .iter()
        .flat_map(|d| &d.env)
        .chain(&job.client.env)
    {
        vars.insert(e.name.clone(), Value::String(escape(&e.network_value())));
    }
    vars
}

fn gitlab(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    let mut j = Map::new();
    j.insert("image".into(), json!(job.client.image));
    if let Some(d) = job.daemon {
        let mut svc = Map::new();
        svc.insert("name".into(), json!(d.image));
        svc.insert(
            "alias".into(),
            json!(d.alias.clone().unwrap_or_else(|| d.name.clone())),
        );
        if !d.args.is_empty() {
            svc.insert("command".into(), json!(d.args));
        }
        j.insert("services".into(), Value::Array(vec![Value::Object(svc)]));
    }
    let vars = variables(job, dollar);
    if !vars.is_empty() {
        j.insert("variables".into(), Value::Object(vars));
    }
    let script = job.script()?.unwrap_or_else(|| "docker info".to_owned());
    j.insert("script".into(), json!([script]));
    let doc = super::yaml(&json!({ s.pod.name.clone(): Value::Object(j) }))?;

    // The runner's config.toml for each executor.
    let privileged = s.pod.containers.iter().any(|c| c.security.privileged);
    let mut docker_cfg = vec![
        "[[runners]]".to_owned(),
        "  executor = \"docker\"".into(),
        "  [runners.docker]".into(),
    ];
    let mut k8s_cfg = vec![
        "[[runners]]".to_owned(),
        "  executor = \"kubernetes\"".into(),
        "  [runners.kubernetes]".into(),
    ];
    if privileged {
        docker_cfg.push("    privileged = true".into());
        k8s_cfg.push("    privileged = true".into());
    }
    let mut docker_volumes = Vec::new();
    for m in &job.client.mounts {
        let Some(v) = s.pod.volume(&m.volume) else {
            continue;
        };
        match &v.source {
            VolumeSource::HostPath { path, .. } => {
                docker_volumes.push(toml_str(&format!("{path}:{}", m.path)));
                k8s_cfg.push("    [[runners.kubernetes.volumes.host_path]]".into());
                k8s_cfg.push(format!("      name = {}", toml_str(&v.name)));
                k8s_cfg.push(format!("      mount_path = {}", toml_str(&m.path)));
                k8s_cfg.push(format!("      host_path = {}", toml_str(path)));
            }
            VolumeSource::EmptyDir { memory } => {
                docker_volumes.push(toml_str(&m.path));
                k8s_cfg.push("    [[runners.kubernetes.volumes.empty_dir]]".into());
                k8s_cfg.push(format!("      name = {}", toml_str(&v.name)));
                k8s_cfg.push(format!("      mount_path = {}", toml_str(&m.path)));
                if *memory {
                    k8s_cfg.push("      medium = \"Memory\"".into());
                }
            }
            _ => {}
        }
    }
    docker_volumes.push(toml_str("/cache"));
    docker_cfg.insert(
        3 + usize::from(privileged),
        format!("    volumes = [{}]", docker_volumes.join(", ")),
    );
    Ok(context! {
        header => header,
        id => s.id.id(),
        dood => job.daemon.is_none(),
        daemon_image => job.daemon.map(|d| d.image.clone()),
        job => doc,
        docker_config => docker_cfg.join("\n"),
        k8s_config => k8s_cfg.join("\n"),
    })
}

/// The scenario's Pod with the job container swapped by `swap`, as the same validated k8s-openapi
/// value that `--format pod` writes.
fn swapped_pod(s: &Scenario, job: &Job<'_>, swap: impl FnOnce(&mut Container)) -> Result<k8s::Pod> {
    let mut model: Pod = s.pod.clone();
    if let Some(c) = model
        .containers
        .iter_mut()
        .find(|c| c.name == job.client.name)
    {
        swap(c);
    }
    pod::checked(&model)
}

fn github_arc(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    let mut values = Map::new();
    values.insert(
        "githubConfigUrl".into(),
        json!("https://github.com/your-org/your-repo"),
    );
    values.insert("githubConfigSecret".into(), json!("github-config"));
    let container_mode = s.id == ScenarioId::Dind;
    if container_mode {
        values.insert("containerMode".into(), json!({ "type": "dind" }));
    } else {
        let k = swapped_pod(s, job, |c| {
            c.name = "runner".into();
            c.image = ARC_RUNNER_IMAGE.into();
            c.command = vec!["/home/runner/run.sh".into()];
            c.args = Vec::new();
        })?;
        let spec = match &k.spec {
            Some(spec) => pod::spec_value(spec)?,
            None => Value::Null,
        };
        values.insert("template".into(), json!({ "spec": spec }));
    }
    Ok(context! {
        header => header,
        id => s.id.id(),
        container_mode => container_mode,
        dood => job.daemon.is_none(),
        job_container => job.client.name.clone(),
        values => super::yaml(&Value::Object(values))?,
    })
}

/// Escape text for a Groovy `'''...'''` string: backslashes and quotes.
fn groovy(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

fn jenkins(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    let text = pod::write(&swapped_pod(s, job, |c| {
        c.command = vec![JENKINS_IDLE[0].into()];
        c.args = vec![JENKINS_IDLE[1].into()];
    })?)?;
    let script = job.script()?.unwrap_or_else(|| "docker info".to_owned());
    Ok(context! {
        header => header,
        id => s.id.id(),
        name => s.pod.name.clone(),
        container => job.client.name.clone(),
        pod_yaml => groovy(text.trim_end()),
        script => groovy(&script),
    })
}

fn drone(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    let mounts = |c: &Container| -> Value {
        Value::Array(
            c.mounts
                .iter()
                .map(|m| json!({ "name": m.volume, "path": m.path }))
                .collect(),
        )
    };
    let env = |c: &Container| -> Map<String, Value> {
        c.env
            .iter()
            .map(|e| (e.name.clone(), Value::String(dollar(&e.network_value()))))
            .collect()
    };
    let mut step = Map::new();
    step.insert("name".into(), json!(job.client.name));
    step.insert("image".into(), json!(job.client.image));
    let step_env = env(job.client);
    if !step_env.is_empty() {
        step.insert("environment".into(), Value::Object(step_env));
    }
    if !job.client.mounts.is_empty() {
        step.insert("volumes".into(), mounts(job.client));
    }
    let mut commands = Vec::new();
    if job.daemon.is_some_and(|d| d.startup_probe.is_some()) {
        // A native sidecar's startup probe has no Drone equivalent: wait here.
        commands.push(json!("until docker info >/dev/null 2>&1; do sleep 1; done"));
    }
    commands.push(json!(dollar(
        &job.script()?.unwrap_or_else(|| "docker info".to_owned())
    )));
    step.insert("commands".into(), Value::Array(commands));
    let mut pipeline = Map::new();
    pipeline.insert("kind".into(), json!("pipeline"));
    pipeline.insert("type".into(), json!("docker"));
    pipeline.insert("name".into(), json!(s.pod.name));
    pipeline.insert("steps".into(), json!([Value::Object(step)]));
    let mut pvc = Vec::new();
    if let Some(d) = job.daemon {
        let mut svc = Map::new();
        svc.insert(
            "name".into(),
            json!(d.alias.clone().unwrap_or_else(|| d.name.clone())),
        );
        svc.insert("image".into(), json!(d.image));
        if d.security.privileged {
            svc.insert("privileged".into(), json!(true));
        }
        let svc_env = env(d);
        if !svc_env.is_empty() {
            svc.insert("environment".into(), Value::Object(svc_env));
        }
        if !d.args.is_empty() {
            svc.insert(
                "command".into(),
                json!(d.args.iter().map(|a| dollar(a)).collect::<Vec<_>>()),
            );
        }
        if !d.mounts.is_empty() {
            svc.insert("volumes".into(), mounts(d));
        }
        pipeline.insert("services".into(), json!([Value::Object(svc)]));
    }
    let mut volumes = Vec::new();
    for v in &s.pod.volumes {
        let def = match &v.source {
            VolumeSource::HostPath { path, .. } => {
                json!({ "name": v.name, "host": { "path": path } })
            }
            VolumeSource::EmptyDir { memory: true } => {
                json!({ "name": v.name, "temp": { "medium": "memory" } })
            }
            VolumeSource::EmptyDir { memory: false } | VolumeSource::Named => {
                json!({ "name": v.name, "temp": {} })
            }
            VolumeSource::Pvc { claim } => {
                pvc.push(format!("the volume `{}` (PersistentVolumeClaim `{claim}` in the Pod) is a temp volume here: Drone pipelines have no claims", v.name));
                json!({ "name": v.name, "temp": {} })
            }
        };
        volumes.push(def);
    }
    if !volumes.is_empty() {
        pipeline.insert("volumes".into(), Value::Array(volumes));
    }
    Ok(context! {
        header => header,
        id => s.id.id(),
        dood => job.daemon.is_none(),
        rootless => job.daemon.is_some_and(|d| d.security.run_as_user.is_some()),
        notes => pvc,
        pipeline => super::yaml(&Value::Object(pipeline))?,
    })
}

/// A k8s-openapi container as a Tekton step or sidecar: `resources` is `computeResources`, and the
/// native-sidecar `restartPolicy` is Tekton's business.
fn tekton_container(c: &k8s::Container, step: bool) -> Result<Value> {
    let mut v = super::json(c)?;
    if let Value::Object(m) = &mut v {
        if let Some(r) = m.remove("resources") {
            m.insert("computeResources".into(), r);
        }
        m.remove("restartPolicy");
        if step {
            // Steps have no ports or probes.
            m.remove("ports");
            m.remove("readinessProbe");
            m.remove("startupProbe");
        }
    }
    Ok(v)
}

fn tekton(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    let spec = pod::checked(&s.pod)?.spec.unwrap_or_default();
    let all: Vec<&k8s::Container> = spec
        .init_containers
        .iter()
        .flatten()
        .chain(&spec.containers)
        .collect();
    let mut steps = Vec::new();
    let mut sidecars = Vec::new();
    for c in all {
        if c.name == job.client.name {
            steps.push(tekton_container(c, true)?);
        } else {
            sidecars.push(tekton_container(c, false)?);
        }
    }
    let mut task_spec = Map::new();
    task_spec.insert("steps".into(), Value::Array(steps));
    if !sidecars.is_empty() {
        task_spec.insert("sidecars".into(), Value::Array(sidecars));
    }
    if let Some(v) = &spec.volumes {
        task_spec.insert("volumes".into(), pod::volumes_value(v)?);
    }
    let task = json!({
        "apiVersion": "tekton.dev/v1",
        "kind": "Task",
        "metadata": { "name": s.pod.name, "namespace": s.pod.namespace },
        "spec": Value::Object(task_spec),
    });
    let run = json!({
        "apiVersion": "tekton.dev/v1",
        "kind": "TaskRun",
        "metadata": { "generateName": format!("{}-", s.pod.name), "namespace": s.pod.namespace },
        "spec": { "taskRef": { "name": s.pod.name } },
    });
    Ok(context! {
        header => header,
        id => s.id.id(),
        tls => job.daemon.is_some_and(|d| d.env.iter().any(|e| e.name == "DOCKER_TLS_CERTDIR" && !e.pod_value().is_empty())),
        task => super::yaml(&task)?,
        run => super::yaml(&run)?,
    })
}

fn render_template(name: &str, ctx: minijinja::Value) -> Result<String> {
    super::jinja::render(name, ctx, true)
}
