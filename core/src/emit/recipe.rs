//! CI recipes: the configuration a CI system needs to run a scenario's job, rendered from the
//! `ci/*.j2` templates of `dockscape-templates`.
//!
//! Structured YAML is written by serde (the Pod by the same emitter as `--format pod`, the rest as
//! `serde_json` values through [`crate::emit::yaml`]); the templates only lay the finished text out with
//! comments, document separators and indentation.

use super::{header_lines, pod};
use crate::emit::Format;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    Container, ContainerRole, DaemonKind, DaemonPlace, EnvVar, Pod, Volume, VolumeSource,
};
use crate::quote::{Shell, quote_command};
use crate::scenario::{Scenario, ScenarioId, common};
use k8s_openapi::api::core::v1 as k8s;
use minijinja::context;
use serde_json::{Map, Value, json};

pub(crate) use crate::scenario::images::ARC_RUNNER_IMAGE;

/// The command that keeps the Jenkins job container alive while the pipeline's `sh` steps run in it
/// (the Kubernetes plugin's own examples use `sleep`).
pub(crate) const JENKINS_IDLE: [&str; 2] = ["sleep", "99d"];

/// Which recipes serve which scenario. Base formats and diagrams serve all.
pub(crate) fn applies_to(format: Format, id: ScenarioId) -> bool {
    use ScenarioId as S;
    match format {
        Format::Gitlab => matches!(id, S::Dood | S::Dind | S::DindRootless | S::Buildkit),
        Format::GithubArc => matches!(
            id,
            S::Dood | S::Dind | S::DindRootless | S::Sysbox | S::Buildkit
        ),
        Format::Jenkins => matches!(
            id,
            S::Dood | S::Dind | S::DindRootless | S::Sysbox | S::Buildkit
        ),
        Format::Drone => matches!(id, S::Dood | S::Dind | S::DindRootless),
        Format::Tekton => matches!(id, S::Dind | S::DindRootless | S::Sysbox | S::Buildkit),
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
            "a GitLab job cannot ask for the pod's user namespace (`hostUsers: false`), which this Sysbox pod needs; the `jenkins`, `github-arc` and `tekton` recipes carry it in the Pod"
        }
        (Format::Drone, S::Sysbox) => {
            "a Drone pipeline cannot choose the container runtime (sysbox-runc)"
        }
        (Format::Drone, S::Buildkit) => {
            "a Drone step cannot set seccomp and AppArmor unconfined, which rootless BuildKit needs"
        }
        (Format::Tekton, S::Dood) => {
            "mounting the node's Docker socket into a Task is what Tekton's own guidance rules out; the `dind` Task brings its daemon as a sidecar"
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

    /// The job's argv (Kubernetes `command` then `args`) without the wrapper that waits for the
    /// daemon; `docker version` when the container has none.
    fn argv(&self) -> Vec<String> {
        let argv: Vec<String> = self
            .client
            .command
            .iter()
            .chain(&self.client.args)
            .cloned()
            .collect();
        let argv = match common::unwrap_wait(&argv) {
            Some(rest) => rest.to_vec(),
            None => argv,
        };
        if argv.is_empty() {
            vec!["docker".into(), "version".into()]
        } else {
            argv
        }
    }

    /// The job's shell lines: the wait for the daemon (with its timeout) when the job has one, then
    /// the command quoted for sh.
    fn lines(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        if self.daemon.is_some() {
            out.push(common::wait_for_docker());
        }
        out.push(quote_command(Shell::Sh, &self.argv())?);
        Ok(out)
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

/// The executor (GitLab) or runner (Drone) the recipe is for, and ARC's containerMode for Sysbox.
fn on_kubernetes(s: &Scenario) -> bool {
    s.param("executor") == Some("kubernetes")
}

/// The registry credentials a GitLab job writes for BuildKit: the project's own registry from the
/// predefined `CI_REGISTRY*` variables, or `DOCKER_AUTH_CONFIG` (a CI/CD variable) when it is set.
const GITLAB_REGISTRY_LOGIN: [&str; 2] = [
    "mkdir -p ~/.docker",
    r#"if [ -n "$DOCKER_AUTH_CONFIG" ]; then printf '%s' "$DOCKER_AUTH_CONFIG" > ~/.docker/config.json; else printf '{"auths":{"%s":{"auth":"%s"}}}' "$CI_REGISTRY" "$(printf '%s:%s' "$CI_REGISTRY_USER" "$CI_REGISTRY_PASSWORD" | base64 | tr -d '\n')" > ~/.docker/config.json; fi"#,
];

/// Whether the BuildKit job pushes.
fn pushes(s: &Scenario) -> bool {
    s.id == ScenarioId::Buildkit && s.param("push") == Some("true")
}

/// The BuildKit job's command building `context` (the CI system's checkout) instead of the Pod's
/// context volume; the scenario's own command when the user gave `args`.
fn buildkit_argv(s: &Scenario, job: &Job<'_>, context: &str) -> Vec<String> {
    if s.param("args").is_some_and(|a| !a.is_empty()) {
        return job.argv();
    }
    let source = s.param("source").unwrap_or_default();
    let from = if source.is_empty() { context } else { source };
    let mut argv = job.client.command.clone();
    argv.extend(crate::scenario::buildkit_build_args(
        from,
        s.param("output").unwrap_or_default(),
        pushes(s),
        s.param("cache").unwrap_or_default(),
    ));
    argv
}

fn gitlab(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    let k8s_exec = on_kubernetes(s);
    let buildkit = s.id == ScenarioId::Buildkit;
    let mut j = Map::new();
    let mut cfg = vec![
        "[[runners]]".to_owned(),
        format!(
            "  executor = \"{}\"",
            if k8s_exec { "kubernetes" } else { "docker" }
        ),
    ];
    if buildkit {
        // GitLab's documented rootless BuildKit job: the image's entrypoint would start a
        // long-running daemon, so it is emptied and buildctl-daemonless.sh runs the one build.
        j.insert(
            "image".into(),
            json!({ "name": job.client.image, "entrypoint": [""] }),
        );
        let vars = variables(job, dollar);
        if !vars.is_empty() {
            j.insert("variables".into(), Value::Object(vars));
        }
        if pushes(s) {
            j.insert("before_script".into(), json!(GITLAB_REGISTRY_LOGIN));
        }
        let argv = buildkit_argv(s, job, ".");
        j.insert("script".into(), json!([quote_command(Shell::Sh, &argv)?]));
        if k8s_exec {
            cfg.extend(
                [
                    "  [runners.feature_flags]",
                    "    FF_USE_ADVANCED_POD_SPEC_CONFIGURATION = true",
                    "  [runners.kubernetes]",
                    "    [[runners.kubernetes.pod_spec]]",
                    "      name = \"buildkit-unconfined\"",
                    "      patch_type = \"strategic\"",
                    "      patch = '''",
                    "        containers:",
                    "        - name: build",
                    "          securityContext:",
                    "            seccompProfile: {type: Unconfined}",
                    "            appArmorProfile: {type: Unconfined}",
                    "      '''",
                ]
                .map(str::to_owned),
            );
        } else {
            cfg.push("  [runners.docker]".into());
            cfg.push("    security_opt = [\"seccomp:unconfined\", \"apparmor:unconfined\"]".into());
        }
    } else {
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
        j.insert("script".into(), json!(job.lines()?));
        let privileged = s.pod.containers.iter().any(|c| c.security.privileged);
        cfg.push(format!(
            "  [runners.{}]",
            if k8s_exec { "kubernetes" } else { "docker" }
        ));
        if privileged {
            cfg.push("    privileged = true".into());
        }
        let mut docker_volumes = Vec::new();
        for m in &job.client.mounts {
            let Some(v) = s.pod.volume(&m.volume) else {
                continue;
            };
            match &v.source {
                VolumeSource::HostPath { path, .. } => {
                    docker_volumes.push(toml_str(&format!("{path}:{}", m.path)));
                    if k8s_exec {
                        cfg.push("    [[runners.kubernetes.volumes.host_path]]".into());
                        cfg.push(format!("      name = {}", toml_str(&v.name)));
                        cfg.push(format!("      mount_path = {}", toml_str(&m.path)));
                        cfg.push(format!("      host_path = {}", toml_str(path)));
                    }
                }
                VolumeSource::EmptyDir { memory, .. } => {
                    docker_volumes.push(toml_str(&m.path));
                    if k8s_exec {
                        cfg.push("    [[runners.kubernetes.volumes.empty_dir]]".into());
                        cfg.push(format!("      name = {}", toml_str(&v.name)));
                        cfg.push(format!("      mount_path = {}", toml_str(&m.path)));
                        if *memory {
                            cfg.push("      medium = \"Memory\"".into());
                        }
                    }
                }
                _ => {}
            }
        }
        if !k8s_exec {
            docker_volumes.push(toml_str("/cache"));
            cfg.push(format!("    volumes = [{}]", docker_volumes.join(", ")));
        }
    }
    let doc = super::yaml(&json!({ s.pod.name.clone(): Value::Object(j) }))?;
    Ok(context! {
        header => header,
        id => s.id.id(),
        kubernetes => k8s_exec,
        buildkit => buildkit,
        pushes => pushes(s),
        dood => job.daemon.is_none() && !buildkit,
        daemon_image => job.daemon.map(|d| d.image.clone()),
        job => doc,
        config => cfg.join("\n"),
    })
}

/// The scenario's Pod with the job container swapped by `swap` after `reshape` changed the whole
/// pod (volumes, other containers), as the same validated k8s-openapi value `--format pod` writes.
fn reshaped_pod(
    s: &Scenario,
    job: &Job<'_>,
    reshape: impl FnOnce(&mut Pod),
    swap: impl FnOnce(&mut Container),
) -> Result<k8s::Pod> {
    let mut model: Pod = s.pod.clone();
    reshape(&mut model);
    if let Some(c) = model
        .containers
        .iter_mut()
        .find(|c| c.name == job.client.name)
    {
        swap(c);
    }
    pod::checked(&model)
}

/// Remove the volume `name` and every mount of it.
fn drop_volume(p: &mut Pod, name: &str) {
    p.volumes.retain(|v| v.name != name);
    for c in &mut p.containers {
        c.mounts.retain(|m| m.volume != name);
    }
}

/// The BuildKit pod of a CI system that brings its own checkout and secrets: no source step, no
/// context volume, no registry Secret (the CI system's own secret mechanism logs in).
fn ci_buildkit_pod(p: &mut Pod) {
    p.containers.retain(|c| c.name != "source");
    drop_volume(p, "workspace");
    drop_volume(p, "registry-auth");
}

/// How long the ARC runner waits for its Docker daemon, as the chart's dind mode sets it.
const RUNNER_WAIT_FOR_DOCKER_SECONDS: &str = "120";

fn mount(volume: &str, path: &str) -> crate::model::Mount {
    crate::model::Mount {
        volume: volume.into(),
        path: path.into(),
        read_only: false,
        sub_path: None,
    }
}

/// The hook extension ARC's Kubernetes mode applies to the job pod it creates (`$job` is the job
/// container): rootless BuildKit's profiles and user.
const ARC_HOOK_EXTENSION: &str = "metadata: {}
spec:
  containers:
  - name: $job
    securityContext:
      runAsUser: 1000
      runAsGroup: 1000
      seccompProfile:
        type: Unconfined
      appArmorProfile:
        type: Unconfined
";

/// ARC's `containerMode: kubernetes` for the BuildKit job: no privileged pod and no daemon; the
/// runner's container hooks start the workflow's job container (rootless BuildKit) as its own pod,
/// which the hook extension gives BuildKit's profiles.
fn github_arc_buildkit(
    s: &Scenario,
    job: &Job<'_>,
    header: Vec<String>,
) -> Result<minijinja::Value> {
    let values = arc_kubernetes_values("buildkit-hook-extension");
    let config_map = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": { "name": "buildkit-hook-extension", "namespace": "arc-runners" },
        "data": { "default.yaml": ARC_HOOK_EXTENSION },
    });
    let mut env = Map::new();
    for e in &job.client.env {
        env.insert(e.name.clone(), json!(e.network_value()));
    }
    let mut steps = vec![json!({ "uses": "actions/checkout@v4" })];
    if pushes(s) {
        let registry = registry_of(s.param("output").unwrap_or_default());
        steps.push(json!({
            "name": "registry login",
            "env": {
                "REGISTRY_USER": "${{ secrets.REGISTRY_USER }}",
                "REGISTRY_PASSWORD": "${{ secrets.REGISTRY_PASSWORD }}",
            },
            "run": format!(
                "mkdir -p ~/.docker && printf '{{\"auths\":{{\"%s\":{{\"auth\":\"%s\"}}}}}}' {} \"$(printf '%s:%s' \"$REGISTRY_USER\" \"$REGISTRY_PASSWORD\" | base64 | tr -d '\\n')\" > ~/.docker/config.json",
                crate::quote::quote_arg(Shell::Sh, &registry)?
            ),
        }));
    }
    steps.push(json!({ "run": quote_command(Shell::Sh, &buildkit_argv(s, job, "."))? }));
    let workflow = json!({
        "name": s.pod.name,
        "on": { "push": {}, "workflow_dispatch": {} },
        "jobs": { s.pod.name.clone(): {
            "runs-on": "arc-runner-set",
            "timeout-minutes": 30,
            "container": { "image": job.client.image, "env": Value::Object(env) },
            "steps": steps,
        } },
    });
    Ok(context! {
        header => header,
        id => s.id.id(),
        container_mode => false,
        kubernetes_mode => true,
        pushes => pushes(s),
        dood => false,
        job_container => job.client.name.clone(),
        values => super::yaml(&Value::Object(values))?,
        config_map => super::yaml(&config_map)?,
        workflow => super::yaml(&workflow)?,
    })
}

/// The values of ARC's `containerMode: kubernetes`: the runner with the container hooks, the hook
/// extension read from the ConfigMap `config_map`, and the work volume claim the job pod shares.
fn arc_kubernetes_values(config_map: &str) -> Map<String, Value> {
    let mut values = Map::new();
    values.insert(
        "githubConfigUrl".into(),
        json!("https://github.com/your-org/your-repo"),
    );
    values.insert("githubConfigSecret".into(), json!("github-config"));
    values.insert(
        "containerMode".into(),
        json!({
            "type": "kubernetes",
            "kubernetesModeWorkVolumeClaim": {
                "accessModes": ["ReadWriteOnce"],
                "storageClassName": "standard",
                "resources": { "requests": { "storage": "1Gi" } },
            },
        }),
    );
    values.insert(
        "template".into(),
        json!({ "spec": {
            "containers": [{
                "name": "runner",
                "image": ARC_RUNNER_IMAGE,
                "command": ["/home/runner/run.sh"],
                "env": [
                    { "name": "ACTIONS_RUNNER_CONTAINER_HOOKS", "value": "/home/runner/k8s/index.js" },
                    { "name": "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE", "value": "/home/runner/pod-templates/default.yaml" },
                    { "name": "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER", "value": "true" },
                ],
                "volumeMounts": [{ "name": "pod-templates", "mountPath": "/home/runner/pod-templates", "readOnly": true }],
            }],
            "volumes": [{ "name": "pod-templates", "configMap": { "name": config_map } }],
        } }),
    );
    values
}

/// The fields `keys` of a container of the Pod's spec (as JSON), those it has.
fn container_fields(spec: &Value, name: &str, keys: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    let found = spec
        .get("containers")
        .and_then(Value::as_array)
        .and_then(|cs| {
            cs.iter()
                .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
        });
    if let Some(c) = found {
        for k in keys {
            if let Some(v) = c.get(*k) {
                out.insert((*k).to_owned(), v.clone());
            }
        }
    }
    out
}

/// The container name actions/runner-container-hooks gives a workflow service (`generateContainerName`
/// in `packages/k8s/src/k8s/utils.ts`): the image's last `/` segment up to its first `:`
/// (`docker:29-dind` is `docker`).
fn hook_container_name(image: &str) -> &str {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split(':').next().unwrap_or(last)
}

/// ARC's `containerMode: kubernetes` for Sysbox (`--set executor=kubernetes`): the runner pod is an
/// ordinary one; the container hooks start the workflow's job container (the scenario's client) and
/// its `services:` (the daemon) as one job pod, which the hook extension puts on the Sysbox runtime
/// with what the scenario's Pod sets (user namespace, volumes, the daemon's args and resources).
fn github_arc_sysbox_kubernetes(
    s: &Scenario,
    job: &Job<'_>,
    header: Vec<String>,
) -> Result<minijinja::Value> {
    let Some(daemon) = job.daemon else {
        return Err(unsupported(
            Format::GithubArc,
            s.id,
            "the scenario has no daemon container",
        ));
    };
    let k = reshaped_pod(s, job, |_| {}, |_| {})?;
    let spec = match &k.spec {
        Some(spec) => pod::spec_value(spec)?,
        None => Value::Null,
    };
    let values = arc_kubernetes_values("sysbox-hook-extension");
    let mut ext_spec = Map::new();
    for key in [
        "runtimeClassName",
        "hostUsers",
        "automountServiceAccountToken",
    ] {
        if let Some(v) = spec.get(key) {
            ext_spec.insert(key.to_owned(), v.clone());
        }
    }
    let mut job_ext = Map::new();
    job_ext.insert("name".into(), json!("$job"));
    job_ext.extend(container_fields(
        &spec,
        &job.client.name,
        &["volumeMounts", "securityContext"],
    ));
    let mut service_ext = Map::new();
    // The hooks name a service's container after its image (`generateContainerName`: the last path
    // segment before the tag) and apply the extension container named `$` + that name; one with no
    // matching service is ignored. (`$default` for every service is an unmerged proposal.)
    service_ext.insert(
        "name".into(),
        json!(format!("${}", hook_container_name(&daemon.image))),
    );
    service_ext.extend(container_fields(
        &spec,
        &daemon.name,
        &["args", "resources", "volumeMounts", "readinessProbe"],
    ));
    ext_spec.insert(
        "containers".into(),
        json!([Value::Object(job_ext), Value::Object(service_ext)]),
    );
    if let Some(v) = spec.get("volumes") {
        ext_spec.insert("volumes".into(), v.clone());
    }
    let mut ext = Map::new();
    let annotations = k
        .metadata
        .annotations
        .as_ref()
        .filter(|a| !a.is_empty())
        .map(|a| json!({ "annotations": a }))
        .unwrap_or_else(|| json!({}));
    ext.insert("metadata".into(), annotations);
    ext.insert("spec".into(), Value::Object(ext_spec));
    let config_map = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": { "name": "sysbox-hook-extension", "namespace": "arc-runners" },
        "data": { "default.yaml": super::yaml(&Value::Object(ext))? },
    });
    let mut env = Map::new();
    for e in &job.client.env {
        env.insert(e.name.clone(), json!(e.pod_value()));
    }
    let mut service_env = Map::new();
    for e in &daemon.env {
        service_env.insert(e.name.clone(), json!(e.pod_value()));
    }
    // One pod: the client reaches the service on localhost (peers by name are Compose's form).
    let mut steps = Vec::new();
    for line in job.lines()? {
        steps.push(json!({ "run": line }));
    }
    let workflow = json!({
        "name": s.pod.name,
        "on": { "push": {}, "workflow_dispatch": {} },
        "jobs": { s.pod.name.clone(): {
            "runs-on": "arc-runner-set",
            "timeout-minutes": 30,
            "container": { "image": job.client.image, "env": Value::Object(env) },
            "services": { daemon.name.clone(): {
                "image": daemon.image,
                "env": Value::Object(service_env),
            } },
            "steps": steps,
        } },
    });
    Ok(context! {
        header => header,
        id => s.id.id(),
        container_mode => false,
        kubernetes_mode => true,
        sysbox => true,
        pushes => false,
        dood => false,
        job_container => job.client.name.clone(),
        values => super::yaml(&Value::Object(values))?,
        config_map => super::yaml(&config_map)?,
        workflow => super::yaml(&workflow)?,
    })
}

fn github_arc(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    if s.id == ScenarioId::Buildkit {
        return github_arc_buildkit(s, job, header);
    }
    if s.id == ScenarioId::Sysbox && on_kubernetes(s) {
        return github_arc_sysbox_kubernetes(s, job, header);
    }
    let rootless_unix = s.id == ScenarioId::DindRootless && s.param("transport") == Some("unix");
    if rootless_unix {
        return Err(unsupported(
            Format::GithubArc,
            s.id,
            "the runner runs as uid 1001 and the rootless daemon's socket belongs to uid 1000 (mode 0660, in a 0700 folder), so the runner cannot use it; use `--set transport=tls`",
        ));
    }
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
        let daemon = job.daemon.map(|d| d.name.clone());
        let k = reshaped_pod(
            s,
            job,
            |p| {
                // What the chart's own dind mode sets up: the work folder shared with the daemon
                // (so `docker run -v $PWD:...` finds the checkout), and the runner's externals
                // copied where the daemon's containers find them (container actions).
                let Some(daemon) = &daemon else { return };
                p.volumes.push(Volume {
                    name: "work".into(),
                    source: VolumeSource::EmptyDir {
                        memory: false,
                        size_limit: None,
                    },
                });
                p.volumes.push(Volume {
                    name: "dind-externals".into(),
                    source: VolumeSource::EmptyDir {
                        memory: false,
                        size_limit: None,
                    },
                });
                let mut init = Container::new("init-dind-externals", ARC_RUNNER_IMAGE);
                init.role = ContainerRole::Init;
                init.command = vec![
                    "cp".into(),
                    "-r".into(),
                    "/home/runner/externals/.".into(),
                    "/home/runner/tmpDir/".into(),
                ];
                init.mounts
                    .push(mount("dind-externals", "/home/runner/tmpDir"));
                p.containers.insert(0, init);
                if let Some(d) = p.containers.iter_mut().find(|c| &c.name == daemon) {
                    d.mounts.push(mount("work", "/home/runner/_work"));
                    d.mounts
                        .push(mount("dind-externals", "/home/runner/externals"));
                }
            },
            |c| {
                c.name = "runner".into();
                c.image = ARC_RUNNER_IMAGE.into();
                c.command = vec!["/home/runner/run.sh".into()];
                c.args = Vec::new();
                if daemon.is_some() {
                    c.mounts.push(mount("work", "/home/runner/_work"));
                    c.env.push(EnvVar::text(
                        "RUNNER_WAIT_FOR_DOCKER_IN_SECONDS",
                        RUNNER_WAIT_FOR_DOCKER_SECONDS,
                    ));
                }
            },
        )?;
        let spec = match &k.spec {
            Some(spec) => pod::spec_value(spec)?,
            None => Value::Null,
        };
        let mut template = Map::new();
        // The pod's annotations (CRI-O's user namespace for Sysbox) go on the runner pods too.
        if let Some(a) = k.metadata.annotations.as_ref().filter(|a| !a.is_empty()) {
            template.insert("metadata".into(), json!({ "annotations": a }));
        }
        template.insert("spec".into(), spec);
        values.insert("template".into(), Value::Object(template));
    }
    // The workflow that runs on the scale set: the job's lines as `run:` steps.
    let mut steps = Vec::new();
    for line in job.lines()? {
        steps.push(json!({ "run": line }));
    }
    let workflow = json!({
        "name": s.pod.name,
        "on": { "push": {}, "workflow_dispatch": {} },
        "jobs": { s.pod.name.clone(): {
            "runs-on": "arc-runner-set",
            "timeout-minutes": 30,
            "steps": steps,
        } },
    });
    Ok(context! {
        header => header,
        id => s.id.id(),
        container_mode => container_mode,
        dood => job.daemon.is_none(),
        job_container => job.client.name.clone(),
        values => super::yaml(&Value::Object(values))?,
        workflow => super::yaml(&workflow)?,
    })
}

/// Escape text for a Groovy `'''...'''` string: backslashes and quotes.
fn groovy(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The registry host of an image reference (Docker Hub when the first part is not a host).
fn registry_of(image: &str) -> String {
    match image.split_once('/') {
        Some((host, _)) if host.contains(['.', ':']) || host == "localhost" => host.to_owned(),
        _ => "https://index.docker.io/v1/".to_owned(),
    }
}

fn jenkins(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    let buildkit = s.id == ScenarioId::Buildkit;
    let mut k = reshaped_pod(
        s,
        job,
        |p| {
            if buildkit {
                ci_buildkit_pod(p);
            }
        },
        |c| {
            c.command = vec![JENKINS_IDLE[0].into()];
            c.args = vec![JENKINS_IDLE[1].into()];
        },
    )?;
    // The plugin keeps a namespace written in the YAML over the cloud's own, which fails with 403
    // where the Jenkins service account may only create pods in its namespace.
    k.metadata.namespace = None;
    let text = pod::write(&k)?;
    let lines = if buildkit {
        // The `sh` steps run in the job's workspace, the checkout: that is the build context.
        vec![quote_command(Shell::Sh, &buildkit_argv(s, job, "."))?]
    } else {
        job.lines()?
    };
    let registry = registry_of(s.param("output").unwrap_or_default());
    let login = format!(
        "mkdir -p ~/.docker && printf '{{\"auths\":{{\"%s\":{{\"auth\":\"%s\"}}}}}}' {} \"$(printf '%s:%s' \"$REGISTRY_USER\" \"$REGISTRY_PASSWORD\" | base64 | tr -d '\\n')\" > ~/.docker/config.json",
        crate::quote::quote_arg(Shell::Sh, &registry)?
    );
    Ok(context! {
        header => header,
        id => s.id.id(),
        declarative => s.param("jenkins_pipeline") != Some("scripted"),
        name => s.pod.name.clone(),
        container => job.client.name.clone(),
        pod_yaml => groovy(text.trim_end()),
        script => groovy(&lines.join("\n")),
        pushes => pushes(s),
        credentials => s.param("registry_secret").unwrap_or_default().to_owned(),
        login => groovy(&login),
    })
}

fn drone(s: &Scenario, job: &Job<'_>, header: Vec<String>) -> Result<minijinja::Value> {
    let k8s_runner = on_kubernetes(s);
    let mounts = |c: &Container| -> Value {
        Value::Array(
            c.mounts
                .iter()
                .map(|m| json!({ "name": m.volume, "path": m.path }))
                .collect(),
        )
    };
    // The Kubernetes runner puts services in the step's pod: the daemon is on localhost there.
    let env = |c: &Container| -> Map<String, Value> {
        c.env
            .iter()
            .map(|e| {
                let v = if k8s_runner {
                    e.pod_value()
                } else {
                    e.network_value()
                };
                (e.name.clone(), Value::String(dollar(&v)))
            })
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
    let commands: Vec<Value> = job
        .lines()?
        .iter()
        .map(|l| Value::String(dollar(l)))
        .collect();
    step.insert("commands".into(), Value::Array(commands));
    let mut pipeline = Map::new();
    pipeline.insert("kind".into(), json!("pipeline"));
    pipeline.insert(
        "type".into(),
        json!(if k8s_runner { "kubernetes" } else { "docker" }),
    );
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
            // `temp: {medium: memory}` is a tmpfs per container on the Docker runner, so the step
            // would never see the daemon's certificates: a temp volume is one volume for all.
            VolumeSource::EmptyDir { .. } | VolumeSource::Named | VolumeSource::Secret { .. } => {
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
        kubernetes => k8s_runner,
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
    let buildkit = s.id == ScenarioId::Buildkit;
    let push = pushes(s);
    let k = reshaped_pod(
        s,
        job,
        |p| {
            if buildkit {
                ci_buildkit_pod(p);
            }
        },
        |c| {
            if buildkit && s.param("args").is_none_or(str::is_empty) {
                // The context is the Task's `source` workspace (a git-clone Task fills it); the
                // credentials are the `dockerconfig` workspace (a Secret bound by the TaskRun).
                let source = s.param("source").unwrap_or_default();
                let from = if source.is_empty() {
                    "$(workspaces.source.path)"
                } else {
                    source
                };
                c.args = crate::scenario::buildkit_build_args(
                    from,
                    s.param("output").unwrap_or_default(),
                    push,
                    s.param("cache").unwrap_or_default(),
                );
                if push {
                    c.env.push(EnvVar::text(
                        "DOCKER_CONFIG",
                        "$(workspaces.dockerconfig.path)",
                    ));
                }
            }
        },
    )?;
    let spec = k.spec.unwrap_or_default();
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
    if buildkit {
        let mut ws = vec![
            json!({ "name": "source", "description": "the build context: the checkout a git-clone Task wrote" }),
        ];
        if push {
            ws.push(json!({ "name": "dockerconfig", "description": "a config.json with the registry credentials (a kubernetes.io/dockerconfigjson Secret)", "readOnly": true }));
        }
        task_spec.insert("workspaces".into(), Value::Array(ws));
    }
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
    let mut run_spec = Map::new();
    run_spec.insert("taskRef".into(), json!({ "name": s.pod.name }));
    // Sysbox: the TaskRun's pod template carries the runtime class and the user namespace.
    let mut template = Map::new();
    if let Some(rc) = &spec.runtime_class_name {
        template.insert("runtimeClassName".into(), json!(rc));
    }
    if let Some(hu) = spec.host_users {
        template.insert("hostUsers".into(), json!(hu));
    }
    if !template.is_empty() {
        run_spec.insert("podTemplate".into(), Value::Object(template));
    }
    if buildkit {
        let mut ws = vec![json!({ "name": "source", "emptyDir": {} })];
        if push {
            ws.push(json!({ "name": "dockerconfig", "secret": {
                "secretName": s.param("registry_secret").unwrap_or_default(),
                "items": [{ "key": ".dockerconfigjson", "path": "config.json" }],
            } }));
        }
        run_spec.insert("workspaces".into(), Value::Array(ws));
    }
    let mut run_meta = Map::new();
    run_meta.insert("generateName".into(), json!(format!("{}-", s.pod.name)));
    run_meta.insert("namespace".into(), json!(s.pod.namespace));
    // Tekton copies the TaskRun's annotations to its pod (CRI-O's user-namespace annotation).
    if !s.pod.annotations.is_empty() {
        let a: Map<String, Value> = s
            .pod
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        run_meta.insert("annotations".into(), Value::Object(a));
    }
    let run = json!({
        "apiVersion": "tekton.dev/v1",
        "kind": "TaskRun",
        "metadata": Value::Object(run_meta),
        "spec": Value::Object(run_spec),
    });
    Ok(context! {
        header => header,
        id => s.id.id(),
        buildkit => buildkit,
        sysbox => s.id == ScenarioId::Sysbox,
        pushes => push,
        tls => job.daemon.is_some_and(|d| d.env.iter().any(|e| e.name == "DOCKER_TLS_CERTDIR" && !e.pod_value().is_empty())),
        task => super::yaml(&task)?,
        run => super::yaml(&run)?,
    })
}

fn render_template(name: &str, ctx: minijinja::Value) -> Result<String> {
    super::jinja::render(name, ctx, true)
}
