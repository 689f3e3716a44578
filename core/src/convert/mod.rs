//! `dockscape convert`: `docker run` lines, a Compose file or Kubernetes objects into the core
//! model, rendered by the same emitters `generate` uses (Compose, Pod, the workload emitter, `docker
//! run` scripts), with every flag or key that is not carried over reported with its line, column
//! and reason.
//!
//! ```
//! use dockscape::{ConvertOptions, ConvertTarget, convert};
//! let c = convert(
//!     "docker run -d --name web -p 8080:80 -v /var/run/docker.sock:/var/run/docker.sock nginx:1.27",
//!     ConvertTarget::Pod,
//!     &ConvertOptions::default(),
//! )
//! .unwrap();
//! assert!(c.outputs[0].text.contains("type: Socket"));
//! // The socket mount is linted: DS001 (runtime-socket-mount) is among the findings.
//! assert!(c.findings.iter().any(|f| f.code == "DS001"));
//!
//! // Compose in, a Pod out: the service another waits for becomes an init container.
//! let compose = "services:\n  migrate:\n    image: app:1\n  web:\n    image: nginx:1.27\n    depends_on:\n      migrate: {condition: service_completed_successfully}\n";
//! let c = convert(compose, ConvertTarget::Pod, &ConvertOptions::default()).unwrap();
//! assert!(c.outputs[0].text.contains("initContainers:"));
//! ```

mod compose;
mod k8s;
mod run;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::emit::{compose as compose_emit, pod as pod_emit, workload as workload_emit};
use crate::model::{JobSettings, Pod, WorkloadKind};
use crate::{Error, ErrorKind, Finding, LintInput, LintOptions, Result};

/// What the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConvertSource {
    /// Shell text with `docker run` / `docker create` lines.
    Run,
    /// A Compose file: every service a pod (grouped by `network_mode: service:x` or
    /// [`ConvertOptions::pods`]).
    Compose,
    /// Kubernetes objects: Pods and the controllers that carry a pod template.
    K8s,
}

impl ConvertSource {
    /// Parse `run`, `compose` or `k8s`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "run" => Ok(Self::Run),
            "compose" => Ok(Self::Compose),
            "k8s" | "kubernetes" => Ok(Self::K8s),
            _ => Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("unknown input kind `{s}` (expected run, compose or k8s)"),
            )),
        }
    }

    /// Detect the kind: a YAML mapping with a top-level `services:` is Compose, one with `kind:` and
    /// `apiVersion:` is Kubernetes, anything else is shell text. A JSON object is judged by its
    /// keys the same way (`kubectl get -o json`, a single object or a `List`; a `compose.json`).
    pub fn detect(text: &str) -> Self {
        if text.trim_start().starts_with('{') {
            return Self::detect_json(text);
        }
        let top = |key: &str| {
            text.lines().any(|l| {
                l.starts_with(key) && l.get(key.len()..).is_some_and(|r| r.starts_with(':'))
            })
        };
        if top("services") {
            Self::Compose
        } else if top("apiVersion") && top("kind") {
            Self::K8s
        } else {
            Self::Run
        }
    }
}

impl ConvertSource {
    /// A JSON object by its top-level keys; when it does not parse, by the keys it names (the
    /// reader then reports the syntax error at its place).
    fn detect_json(text: &str) -> Self {
        let keys: Option<std::collections::HashMap<String, serde::de::IgnoredAny>> =
            serde_json::from_str(text).ok();
        let has = |key: &str| match &keys {
            Some(k) => k.contains_key(key),
            None => text.contains(&format!("\"{key}\"")),
        };
        if has("services") {
            Self::Compose
        } else if has("apiVersion") && has("kind") {
            Self::K8s
        } else {
            Self::Run
        }
    }
}

/// What to convert into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConvertTarget {
    /// One Compose file; every `docker run` line a service.
    Compose,
    /// One Kubernetes Pod per line.
    Pod,
    /// One Deployment per line.
    Deployment,
    /// One Job per line.
    Job,
    /// One CronJob per line (`ConvertOptions::schedule`).
    CronJob,
    /// A script of `docker run` lines for [`ConvertOptions::shell`] (`sh` when `None`).
    Run,
}

impl ConvertTarget {
    /// Parse `compose`, `pod`, `deployment`, `job` or `cronjob`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "compose" => Ok(Self::Compose),
            "pod" => Ok(Self::Pod),
            "deployment" => Ok(Self::Deployment),
            "job" => Ok(Self::Job),
            "cronjob" => Ok(Self::CronJob),
            "run" => Ok(Self::Run),
            _ => Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "unknown target `{s}` (expected compose, run, pod, deployment, job or cronjob)"
                ),
            )),
        }
    }

    /// The natural next form of an input: run → Compose, Compose → Pod, Kubernetes → Compose.
    pub fn default_for(source: ConvertSource) -> Self {
        match source {
            ConvertSource::Run | ConvertSource::K8s => Self::Compose,
            ConvertSource::Compose => Self::Pod,
        }
    }
}

/// How to convert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConvertOptions {
    /// Force the input kind (detected when `None`).
    pub from: Option<ConvertSource>,
    /// The CronJob schedule (`0 3 * * *` when `None`).
    pub schedule: Option<String>,
    /// The input's display name, for lint findings (`-` when empty).
    pub file: String,
    /// The shell `--to run` writes for (`sh` when `None`).
    pub shell: Option<crate::Shell>,
    /// The variables Compose input is interpolated with (`.env` beside the file, the caller's
    /// environment); a variable not known is read as unset, with a note.
    pub env: crate::interpolate::Env,
    /// `--pod NAME=svc,svc`: Compose services grouped into one pod (name, services).
    pub pods: Vec<(String, Vec<String>)>,
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConvertedFile {
    /// Suggested file name (`compose.yaml`, `web.pod.yaml`).
    pub file_name: String,
    /// Its text.
    pub text: String,
}

/// An input flag or key that was not carried over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// 1-based line in the input.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The flag or key as written (`--hostname`).
    pub key_or_flag: String,
    /// Why it was not carried over.
    pub reason: String,
}

/// Something the reader of the output should know (a value kept verbatim, a unit converted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConvertNote {
    /// 1-based line in the input.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The note.
    pub message: String,
}

/// The result of [`convert`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversion {
    /// The input kind, detected or forced.
    pub source: ConvertSource,
    /// What was written.
    pub target: ConvertTarget,
    /// The converted files.
    pub outputs: Vec<ConvertedFile>,
    /// Notes.
    pub notes: Vec<ConvertNote>,
    /// Flags and keys not carried over.
    pub dropped: Vec<Dropped>,
    /// Parts of the input that could not be read (the rest still converted); a CLI exits 2 when
    /// this is not empty.
    pub errors: Vec<Error>,
    /// `dockscape lint`'s findings on the outputs (file names as in `outputs`).
    pub findings: Vec<Finding>,
}

/// Convert `input` into `target`. Errors only when nothing can be done (an emitter failure);
/// unreadable lines, services and objects go to [`Conversion::errors`] and the rest converts.
pub fn convert(input: &str, target: ConvertTarget, options: &ConvertOptions) -> Result<Conversion> {
    let source = options.from.unwrap_or_else(|| ConvertSource::detect(input));
    let mut read = match source {
        ConvertSource::Run => run::read(input),
        ConvertSource::Compose => compose::read(input, &options.env, &options.pods),
        ConvertSource::K8s => k8s::read(input),
    };
    if source != ConvertSource::Compose && !options.pods.is_empty() {
        read.errors.push(Error::new(
            ErrorKind::InvalidParameter,
            "`--pod` groups Compose services: the input is not a Compose file",
        ));
    }
    if !matches!(target, ConvertTarget::Compose | ConvertTarget::Run) {
        let pod_dropped = std::mem::take(&mut read.pod_dropped);
        read.dropped.extend(pod_dropped);
        read.dropped.sort_by_key(|d| (d.line, d.column));
    }
    let mut outputs = Vec::new();
    match target {
        ConvertTarget::Compose => {
            if !read.pods.is_empty() {
                outputs.push(ConvertedFile {
                    file_name: "compose.yaml".into(),
                    text: compose_of(&read.pods, &read.restarts)?,
                });
            }
        }
        ConvertTarget::Run => {
            if !read.pods.is_empty() {
                let shell = options.shell.unwrap_or(crate::Shell::Sh);
                let how: Vec<(&Pod, crate::emit::run::Converted<'_>)> = read
                    .pods
                    .iter()
                    .zip(read.restarts.iter())
                    .map(|(p, r)| {
                        (
                            p,
                            crate::emit::run::Converted {
                                detached: true,
                                restart: r.as_deref(),
                            },
                        )
                    })
                    .collect();
                let text = crate::emit::run::emit_converted(
                    &how,
                    shell,
                    &["converted by dockscape convert".to_owned()],
                )?;
                outputs.push(ConvertedFile {
                    file_name: format!("run.{}", shell.extension()),
                    text,
                });
            }
        }
        _ => {
            let kind = match target {
                ConvertTarget::Pod | ConvertTarget::Compose | ConvertTarget::Run => {
                    WorkloadKind::Pod
                }
                ConvertTarget::Deployment => WorkloadKind::Deployment { replicas: 1 },
                ConvertTarget::Job => WorkloadKind::Job(job_settings()),
                ConvertTarget::CronJob => WorkloadKind::CronJob {
                    schedule: options
                        .schedule
                        .clone()
                        .unwrap_or_else(|| "0 3 * * *".into()),
                    time_zone: None,
                    job: job_settings(),
                },
            };
            for pod in &read.pods {
                let mut pod = pod.clone();
                cpu_request_within_limit(&mut pod, &mut read.notes);
                if kind.runs_to_completion() && pod.restart_policy == "Always" {
                    pod.restart_policy = "OnFailure".into();
                }
                if matches!(kind, WorkloadKind::Deployment { .. }) {
                    pod.restart_policy = "Always".into();
                }
                if pod.labels.is_empty() {
                    pod.labels
                        .push(("app.kubernetes.io/name".into(), pod.name.clone()));
                }
                let text = pod_emit::checked(&pod).and_then(|k| match kind {
                    WorkloadKind::Pod => pod_emit::write(&k),
                    _ => workload_emit::workload(&k, &kind),
                });
                let text = text.and_then(|t| match kind {
                    WorkloadKind::Pod | WorkloadKind::Deployment { .. } => {
                        Ok(match service_of(&pod)? {
                            Some(svc) => format!("{t}---\n{svc}"),
                            None => t,
                        })
                    }
                    _ => Ok(t),
                });
                let text = match text {
                    Ok(t) => t,
                    Err(e) => {
                        read.errors.push(Error::new(
                            ErrorKind::InvalidInput,
                            format!(
                                "`{}` cannot be a {}: {}",
                                pod.name,
                                kind.kind(),
                                e.message()
                            ),
                        ));
                        continue;
                    }
                };
                outputs.push(ConvertedFile {
                    file_name: format!("{}.{}.yaml", pod.name, kind.id()),
                    text,
                });
            }
        }
    }
    let inputs: Vec<LintInput<'_>> = outputs
        .iter()
        .map(|o| LintInput {
            file: o.file_name.as_str(),
            text: o.text.as_str(),
            kind: None,
        })
        .collect();
    let findings = crate::lint(&inputs, &LintOptions::default()).findings;
    Ok(Conversion {
        source,
        target,
        outputs,
        notes: read.notes,
        dropped: read.dropped,
        errors: read.errors,
        findings,
    })
}

/// The `docker run` flag mapping of `docs/convert.md` as Markdown, generated by converting a line
/// with each flag of the one flag table: carried flags say what they become, the others the reason
/// convert reports.
pub fn run_mapping_markdown() -> String {
    let mut out = String::from("| flag | short | meaning | convert |\n|---|---|---|---|\n");
    for f in crate::flags::RUN_FLAGS {
        let (sample, becomes) = run::CARRIED
            .iter()
            .find(|(l, _, _)| *l == f.long)
            .map_or(("x", None), |(_, s, b)| (*s, Some(*b)));
        let read = run::read(&run::sample_line(f, sample));
        let cell = match (becomes, read.dropped.first(), read.errors.first()) {
            (_, Some(d), _) => format!("reported: {}", d.reason),
            (_, None, Some(e)) => format!("reported: {}", e.message()),
            (Some(b), None, None) => b.to_owned(),
            (None, None, None) => "carried".to_owned(),
        };
        let short = f.short.map(|c| format!("`-{c}`")).unwrap_or_default();
        out.push_str(&format!(
            "| `--{}` | {short} | {} | {} |\n",
            f.long,
            f.meaning.replace('|', "\\|"),
            cell.replace('|', "\\|")
        ));
    }
    out
}

/// A ClusterIP Service for the published ports of a pod (what `-p` and Compose `ports` make
/// reachable), selecting the pod by its labels; `None` when nothing is published.
fn service_of(pod: &Pod) -> Result<Option<String>> {
    use serde_json::{Value, json};
    let mut ports = Vec::new();
    for c in pod
        .containers
        .iter()
        .filter(|c| c.role != crate::model::ContainerRole::Init)
    {
        for p in &c.ports {
            let Some(published) = p.published else {
                continue;
            };
            let proto = match p.protocol {
                crate::model::Protocol::Tcp => "TCP",
                crate::model::Protocol::Udp => "UDP",
            };
            ports.push(json!({
                "port": published,
                "protocol": proto,
                "targetPort": p.container,
            }));
        }
    }
    if ports.is_empty() {
        return Ok(None);
    }
    // a Service with several ports must name each
    if ports.len() > 1 {
        for (i, p) in ports.iter_mut().enumerate() {
            if let Value::Object(m) = p {
                m.insert("name".into(), Value::String(format!("port-{i}")));
            }
        }
    }
    let selector: serde_json::Map<String, Value> = pod
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let svc = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": pod.name, "namespace": pod.namespace},
        "spec": {"selector": selector, "ports": ports},
    });
    crate::emit::yaml(&svc).map(Some)
}

/// The containers of one pod share its network namespace: in Compose every one but the init
/// containers joins the first one's (`network_mode: service:x`), so `localhost` keeps working as in
/// the Pod. Docker refuses a joiner's own ports, exposed ports, hostname, hosts entries, DNS and
/// network sysctls: ports are published on the first service, the rest is the first one's already.
fn share_network(pod: &Pod, services: &mut [(String, serde_json::Value)]) {
    use serde_json::Value;
    if pod.host_network {
        return;
    }
    let joins: Vec<String> = pod
        .containers
        .iter()
        .filter(|c| c.role != crate::model::ContainerRole::Init)
        .map(|c| compose_emit::service_name(pod, &c.name))
        .collect();
    let Some((root, rest)) = joins.split_first() else {
        return;
    };
    if rest.is_empty() {
        return;
    }
    let mut moved: Vec<(&str, Vec<Value>)> = vec![("ports", Vec::new()), ("expose", Vec::new())];
    for (name, svc) in services.iter_mut() {
        let Value::Object(m) = svc else { continue };
        if !rest.contains(name) {
            continue;
        }
        for (key, list) in &mut moved {
            if let Some(Value::Array(a)) = m.remove(*key) {
                list.extend(a);
            }
        }
        for key in ["hostname", "extra_hosts", "dns", "dns_search", "dns_opt"] {
            m.remove(key);
        }
        if let Some(Value::Object(sysctls)) = m.get_mut("sysctls") {
            sysctls.retain(|k, _| !k.starts_with("net."));
            if sysctls.is_empty() {
                m.remove("sysctls");
            }
        }
        m.insert(
            "network_mode".into(),
            Value::String(format!("service:{root}")),
        );
    }
    if let Some((_, Value::Object(m))) = services.iter_mut().find(|(n, _)| n == root) {
        for (key, list) in moved {
            if list.is_empty() {
                continue;
            }
            if let Value::Array(a) = m.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
                for p in list {
                    if !a.contains(&p) {
                        a.push(p);
                    }
                }
            }
        }
    }
}

/// Docker takes CPU shares above `--cpus` (a weight and a cap are unrelated there); Kubernetes
/// refuses a request above the limit: the Pod's request is then the limit, with a note.
fn cpu_request_within_limit(pod: &mut Pod, notes: &mut Vec<ConvertNote>) {
    let millis = |q: &str| {
        let c = crate::emit::units::cpus(q)?;
        let (int, frac) = c.split_once('.').unwrap_or((&c, ""));
        let f = format!("{frac:0<3}");
        Some(int.parse::<u64>().ok()? * 1000 + f.get(..3)?.parse::<u64>().ok()?)
    };
    for c in &mut pod.containers {
        let (Some(req), Some(lim)) = (&c.resources.cpu_request, &c.resources.cpu_limit) else {
            continue;
        };
        if let (Some(r), Some(l)) = (millis(req), millis(lim))
            && r > l
        {
            notes.push(ConvertNote {
                line: 0,
                column: 0,
                message: format!(
                    "`{}`: a CPU request of {req} (its CPU shares) is more than its limit of {lim} CPUs, which Kubernetes refuses: the Pod requests {lim}",
                    c.name
                ),
            });
            c.resources.cpu_request = Some(lim.clone());
        }
    }
}

fn job_settings() -> JobSettings {
    JobSettings {
        backoff_limit: 0,
        ttl_seconds_after_finished: None,
        active_deadline_seconds: None,
    }
}

/// One Compose file of every pod: each pod rendered by the Compose emitter, services and volumes
/// merged (each line its own service, no `depends_on` between them), `restart` written from the
/// input (the emitter only writes `restart: "no"`).
fn compose_of(pods: &[Pod], restarts: &[Option<String>]) -> Result<String> {
    use serde_json::{Map, Value};
    let mut services = Map::new();
    let mut volumes = Map::new();
    // `--volumes-from NAME`: the service of the line named NAME, else the container `NAME`
    let service_of_pod: std::collections::HashMap<&str, String> = pods
        .iter()
        .filter_map(|p| {
            let c = p
                .containers
                .iter()
                .find(|c| c.role != crate::model::ContainerRole::Init)?;
            Some((p.name.as_str(), compose_emit::service_name(p, &c.name)))
        })
        .collect();
    for (i, pod) in pods.iter().enumerate() {
        let mut pod = pod.clone();
        for c in &mut pod.containers {
            for f in &mut c.docker.volumes_from {
                let (name, mode) = match f.rsplit_once(':') {
                    Some((n, m @ ("ro" | "rw"))) => (n.to_owned(), format!(":{m}")),
                    _ => (f.clone(), String::new()),
                };
                if name.starts_with("container:") {
                    continue;
                }
                *f = match service_of_pod.get(name.as_str()) {
                    Some(svc) => format!("{svc}{mode}"),
                    None => format!("container:{name}{mode}"),
                };
            }
        }
        let pod = &pod;
        let v = compose_emit::to_value(pod);
        let mut these: Vec<(String, Value)> = Vec::new();
        if let Some(Value::Object(s)) = v.get("services") {
            for (name, svc) in s {
                let mut svc = svc.clone();
                let init = pod.containers.iter().any(|c| {
                    c.role == crate::model::ContainerRole::Init
                        && compose_emit::service_name(pod, &c.name) == *name
                });
                if let (Some(Some(r)), Value::Object(m), false) = (restarts.get(i), &mut svc, init)
                {
                    m.insert("restart".into(), Value::String(r.clone()));
                }
                // Compose applies `cpu_shares`, not `deploy.resources.reservations.cpus`
                if let (Some(c), Value::Object(m)) = (
                    pod.containers
                        .iter()
                        .find(|c| compose_emit::service_name(pod, &c.name) == *name),
                    &mut svc,
                ) && let Some(sh) = c
                    .resources
                    .cpu_request
                    .as_deref()
                    .and_then(crate::emit::units::cpu_shares)
                {
                    m.insert("cpu_shares".into(), Value::from(sh));
                }
                these.push((name.clone(), svc));
            }
        }
        share_network(pod, &mut these);
        services.extend(these);
        if let Some(Value::Object(vs)) = v.get("volumes") {
            for (k, val) in vs {
                let mut val = val.clone();
                // a tmpfs volume keeps its size (the generator's volumes have none)
                if let (
                    Some(crate::model::Volume {
                        source:
                            crate::model::VolumeSource::EmptyDir {
                                memory: true,
                                size_limit: Some(size),
                            },
                        ..
                    }),
                    Some(Value::Object(opts)),
                ) = (
                    pod.volume(
                        pod.volume_names
                            .iter()
                            .find(|(_, e)| e == k)
                            .map_or(k.as_str(), |(n, _)| n.as_str()),
                    ),
                    val.get_mut("driver_opts"),
                ) && let Some(m) = crate::emit::units::memory(size)
                {
                    opts.insert("o".into(), Value::String(format!("size={m}")));
                }
                volumes.insert(k.clone(), val);
            }
        }
    }
    let mut top = Map::new();
    top.insert("services".into(), Value::Object(services));
    if !volumes.is_empty() {
        top.insert("volumes".into(), Value::Object(volumes));
    }
    let v = Value::Object(top);
    if let Some(p) = crate::validate::validate_compose(&v).first() {
        return Err(Error::new(
            ErrorKind::Validation,
            format!("converted compose file is invalid: {p}"),
        ));
    }
    crate::emit::yaml(&v)
}

/// Whether `key` is a key the API server takes for an annotation: an optional DNS-subdomain
/// prefix and `/`, then a name of at most 63 letters, digits, `-`, `_` and `.` that begins and
/// ends with a letter or digit.
pub(super) fn annotation_key(key: &str) -> std::result::Result<(), &'static str> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if name.is_empty()
        || name.len() > 63
        || !alnum(name.chars().next())
        || !alnum(name.chars().last())
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(
            "a key Kubernetes refuses for an annotation (at most 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit, after an optional DNS prefix and `/`)",
        );
    }
    if let Some(p) = prefix {
        let lower =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let ok = !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                !part.is_empty()
                    && lower(part.chars().next())
                    && lower(part.chars().last())
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            });
        if !ok {
            return Err(
                "a key prefix Kubernetes refuses for an annotation (a lowercase DNS subdomain before `/`)",
            );
        }
    }
    Ok(())
}
