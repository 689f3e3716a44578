//! Pieces every scenario shares: common parameters, the workload container, risks, host CLI setup.

use super::{Note, NoteLevel, ParamKind, ParamSpec, Resolved, Risk, Scenario, ScenarioId};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    Client, Container, Daemon, DaemonKind, DaemonPlace, Endpoint, Host, JobSettings, Mount, Os,
    Pod, Topology, Volume, VolumeSource, WorkloadKind,
};
use crate::quote::Shell;

pub(crate) use super::images::DOCKER_VERSION;

/// What the workload's docker client runs by default: a command that ends, and fails when the
/// client cannot reach the daemon. (The seeds' own example, `docker run -p 80:80 httpd:latest`,
/// starts a server that never exits, so a CI job or a Job running it never ends: set it with
/// `--set command=...` to replay the seeds.)
pub(crate) const CLIENT_COMMAND: &str = "docker version";

/// How long a client waits for its daemon before it fails, in seconds.
pub(crate) const WAIT_SECONDS: u32 = 120;

/// The sh loop that waits for the daemon (and, with TLS, its client certificates), failing after
/// [`WAIT_SECONDS`] so a broken daemon fails the job fast instead of hanging it.
pub(crate) fn wait_for_docker() -> String {
    format!(
        "i=0; until docker info >/dev/null 2>&1; do i=$((i+1)); if [ \"$i\" -ge {WAIT_SECONDS} ]; then echo \"the Docker daemon did not answer within {WAIT_SECONDS}s\" >&2; exit 1; fi; sleep 1; done"
    )
}

/// The name `$0` takes in the wrapper `sh -c '<wait>; exec "$@"' wait-for-docker <command>`.
pub(crate) const WAIT_WRAPPER_NAME: &str = "wait-for-docker";

/// The client's command wrapped so it first waits for the daemon.
pub(crate) fn wrap_wait(command: Vec<String>) -> Vec<String> {
    let mut wrapped = vec![
        "sh".to_owned(),
        "-c".to_owned(),
        format!("{}; exec \"$@\"", wait_for_docker()),
        WAIT_WRAPPER_NAME.to_owned(),
    ];
    wrapped.extend(command);
    wrapped
}

/// The command inside [`wrap_wait`]'s wrapper, if `argv` is one.
pub(crate) fn unwrap_wait(argv: &[String]) -> Option<&[String]> {
    match argv {
        [sh, c, script, name, rest @ ..]
            if sh == "sh"
                && c == "-c"
                && *script == format!("{}; exec \"$@\"", wait_for_docker())
                && name == WAIT_WRAPPER_NAME =>
        {
            Some(rest)
        }
        _ => None,
    }
}

/// The parameters every scenario takes, with scenario-specific defaults.
pub(crate) fn workload_params(
    name: &str,
    image: &str,
    command: &str,
    ports: &str,
    shell: Shell,
) -> Vec<ParamSpec> {
    vec![
        ParamSpec::text(
            "name",
            "pod name, Compose project and network name (DNS-1123)",
            name,
        ),
        ParamSpec::text("namespace", "Kubernetes namespace", "default"),
        ParamSpec::text("image", "image of the workload container", image),
        ParamSpec::text(
            "command",
            "the workload's command, in sh syntax (Kubernetes `command`)",
            command,
        )
        .of_kind(ParamKind::Words),
        ParamSpec::text(
            "args",
            "arguments after the command, in sh syntax (Kubernetes `args`)",
            "",
        )
        .of_kind(ParamKind::Words),
        ParamSpec::text(
            "env",
            "environment of the workload: `NAME=value` lines, or `--set env.NAME=value`",
            "",
        )
        .of_kind(ParamKind::Env),
        ParamSpec::text(
            "ports",
            "ports, comma-separated `[published:]container[/udp]`",
            ports,
        )
        .of_kind(ParamKind::Ports),
        ParamSpec::text("cpu", "CPU request of the workload (`10m`)", "10m")
            .of_kind(ParamKind::Quantity),
        ParamSpec::text(
            "memory",
            "memory request of the workload (`256Mi`)",
            "256Mi",
        )
        .of_kind(ParamKind::Quantity),
        ParamSpec::text("cpu_limit", "CPU limit of the workload", "").of_kind(ParamKind::Quantity),
        ParamSpec::text("memory_limit", "memory limit of the workload", "")
            .of_kind(ParamKind::Quantity),
        shell_param(shell),
        ParamSpec::choice(
            "kind",
            "the Kubernetes object that carries the pod: a bare Pod, a Job (one-shot work that ends), a Deployment (kept running) or a CronJob (a Job on a schedule)",
            &["pod", "job", "deployment", "cronjob"],
        ),
        ParamSpec::text(
            "backoff_limit",
            "Job and CronJob: failed pods retried before the Job fails (`backoffLimit`)",
            BACKOFF_LIMIT,
        )
        .of_kind(ParamKind::Number),
        ParamSpec::text(
            "ttl_after_finished",
            "Job and CronJob: seconds before a finished Job and its pods are deleted (`ttlSecondsAfterFinished`); empty keeps them",
            TTL_AFTER_FINISHED,
        )
        .of_kind(ParamKind::Number),
        ParamSpec::text(
            "active_deadline",
            "Job and CronJob: seconds the Job may run before it is failed and its pods killed (`activeDeadlineSeconds`); empty for no deadline",
            ACTIVE_DEADLINE,
        )
        .of_kind(ParamKind::Number),
        ParamSpec::text(
            "schedule",
            "CronJob: when it runs, in cron syntax (minute hour day-of-month month day-of-week)",
            SCHEDULE,
        ),
        ParamSpec::text(
            "time_zone",
            "CronJob: the schedule's time zone (`timeZone`, an IANA name); empty for the controller's",
            TIME_ZONE,
        ),
        ParamSpec::text("replicas", "Deployment: number of pods", "1").of_kind(ParamKind::Number),
    ]
}

/// `backoffLimit` by default: one retry covers a lost node or an evicted pod; a job that fails on
/// its own fails again, and Kubernetes' default of 6 retries re-runs it (and re-pulls every image
/// into a fresh daemon) six more times.
pub(crate) const BACKOFF_LIMIT: &str = "1";
/// `ttlSecondsAfterFinished` by default: an hour to read the logs, then the Job and its pods go, so
/// finished pods (and their emptyDir storage) do not pile up on the nodes.
pub(crate) const TTL_AFTER_FINISHED: &str = "3600";
/// `activeDeadlineSeconds` by default: a hung job (a daemon that never answers, a server that never
/// exits) is killed after an hour instead of holding its node forever.
pub(crate) const ACTIVE_DEADLINE: &str = "3600";
/// A CronJob's default schedule: daily at 03:00.
pub(crate) const SCHEDULE: &str = "0 3 * * *";
/// A CronJob's default time zone: UTC, so the schedule does not follow the controller manager's
/// local time (and its daylight-saving jumps).
pub(crate) const TIME_ZONE: &str = "Etc/UTC";

/// The object that carries the pod, from the `kind` parameter and its settings; with the notes that
/// give each default its reason.
pub(crate) fn workload_kind(r: &Resolved<'_>) -> Result<(WorkloadKind, Vec<Note>)> {
    let int = |name: &str| -> Result<Option<i32>> {
        let v = r.get(name);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<i32>().map(Some).map_err(|_| {
            Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "invalid value `{v}` for `{name}`: expected a whole number up to 2147483647"
                ),
            )
        })
    };
    let job = || -> Result<JobSettings> {
        let deadline = int("active_deadline")?;
        if deadline == Some(0) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "invalid value `0` for `active_deadline`: expected a number of seconds greater than 0, or empty for no deadline",
            ));
        }
        Ok(JobSettings {
            backoff_limit: int("backoff_limit")?.unwrap_or(0),
            ttl_seconds_after_finished: int("ttl_after_finished")?,
            active_deadline_seconds: deadline.map(i64::from),
        })
    };
    let mut notes = Vec::new();
    let job_notes = |j: &JobSettings, notes: &mut Vec<Note>| {
        notes.push(note(
            NoteLevel::Info,
            format!("`backoffLimit: {}`: {}", j.backoff_limit, if r.is_set("backoff_limit") { "as set".to_owned() } else { "one retry covers a lost node or an evicted pod, while a job that fails on its own is not re-run six times (Kubernetes' default), each time re-pulling its images".to_owned() }),
        ));
        match j.ttl_seconds_after_finished {
            Some(t) => notes.push(note(
                NoteLevel::Info,
                format!("`ttlSecondsAfterFinished: {t}`: the finished Job and its pods are deleted {t} seconds after it ends, time enough to read the logs, so finished pods and their storage do not pile up"),
            )),
            None => notes.push(note(
                NoteLevel::Info,
                "no `ttlSecondsAfterFinished`: finished Jobs and their pods stay until deleted",
            )),
        }
        match j.active_deadline_seconds {
            Some(d) => notes.push(note(
                NoteLevel::Info,
                format!("`activeDeadlineSeconds: {d}`: a job that hangs (a daemon that never answers, a server that never exits) is failed and its pods killed after {d} seconds instead of holding the node"),
            )),
            None => notes.push(note(
                NoteLevel::Warning,
                "no `activeDeadlineSeconds`: a job that hangs runs until someone deletes it",
            )),
        }
    };
    let kind = match r.get("kind").as_str() {
        "job" => {
            let j = job()?;
            notes.push(note(
                NoteLevel::Info,
                "a Job runs the pod to completion (`restartPolicy: Never`: a failed pod is replaced by a new one and kept for its logs)",
            ));
            job_notes(&j, &mut notes);
            WorkloadKind::Job(j)
        }
        "cronjob" => {
            let j = job()?;
            let schedule = r.get("schedule");
            let tz = Some(r.get("time_zone")).filter(|z| !z.is_empty());
            notes.push(note(
                NoteLevel::Info,
                format!(
                    "a CronJob creates the Job at `{schedule}`{}; `concurrencyPolicy: {}`: a run is skipped while the previous one still runs, so two runs never share names, volumes or a daemon; `startingDeadlineSeconds: {}`: a run that cannot start within five minutes of its time is skipped, not started hours late",
                    match &tz {
                        Some(z) => format!(" in `{z}` (without `timeZone` the schedule follows the controller manager's local time)"),
                        None => " in the controller manager's local time zone".to_owned(),
                    },
                    crate::emit::CRON_CONCURRENCY_POLICY,
                    crate::emit::CRON_STARTING_DEADLINE_SECONDS
                ),
            ));
            job_notes(&j, &mut notes);
            WorkloadKind::CronJob {
                schedule,
                time_zone: tz,
                job: j,
            }
        }
        "deployment" => {
            let replicas = int("replicas")?.unwrap_or(1);
            notes.push(note(
                NoteLevel::Info,
                format!("a Deployment keeps {replicas} pod(s) running (`restartPolicy: Always`): the command must be a long-running service, or the pod restarts in a loop; a pod with a PersistentVolumeClaim is replaced with `strategy: Recreate`, since a rolling update would wait forever for the old pod's ReadWriteOnce claim"),
            ));
            WorkloadKind::Deployment { replicas }
        }
        _ => WorkloadKind::Pod,
    };
    if let Some(p) = crate::validate::validate_workload(&kind).first() {
        let param = match p.path.rsplit('.').next().unwrap_or_default() {
            "schedule" => "schedule",
            "timeZone" => "time_zone",
            "replicas" => "replicas",
            "backoffLimit" => "backoff_limit",
            "ttlSecondsAfterFinished" => "ttl_after_finished",
            _ => "active_deadline",
        };
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            format!(
                "invalid value `{}` for `{param}`: {}",
                r.get(param),
                p.message
            ),
        ));
    }
    Ok((kind, notes))
}

/// The parameters of the CI recipes (scenarios that have them).
pub(crate) fn ci_params() -> Vec<ParamSpec> {
    vec![
        ParamSpec::choice(
            "executor",
            "CI recipes: the GitLab executor and the Drone runner the recipe is for; for `sysbox`, `kubernetes` also gives ARC's `containerMode: kubernetes` (container hooks) instead of the runner pod on Sysbox",
            &["docker", "kubernetes"],
        ),
        ParamSpec::choice(
            "jenkins_pipeline",
            "the Jenkinsfile's syntax: a declarative `pipeline { agent { kubernetes { ... } } }` or a scripted `podTemplate`",
            &["declarative", "scripted"],
        ),
    ]
}

/// The `shell` parameter with `default` first.
pub(crate) fn shell_param(default: Shell) -> ParamSpec {
    let mut accepted: Vec<&'static str> = vec![default.id()];
    accepted.extend(
        Shell::ALL
            .iter()
            .map(|s| s.id())
            .filter(|s| *s != default.id()),
    );
    ParamSpec::choice(
        "shell",
        "shell the `docker run` output is quoted for",
        &accepted,
    )
}

/// The workload container from the common parameters.
pub(crate) fn workload_container(r: &Resolved<'_>, name: &str) -> Result<Container> {
    let mut c = Container::new(name, r.get("image"));
    c.command = r.words("command")?;
    c.args = r.words("args")?;
    c.env = r.env()?;
    c.ports = r.ports()?;
    c.resources = r.resources();
    Ok(c)
}

/// The docker client's hardening: it only talks to a daemon, so it needs no capability, no
/// privilege escalation, and the runtime's default seccomp filter.
pub(crate) fn harden_client(c: &mut Container) {
    c.security.allow_privilege_escalation = Some(false);
    c.security.drop_capabilities = vec!["ALL".into()];
    c.security.seccomp_runtime_default = true;
}

/// The reasons for [`harden_client`] and for the pod's missing service-account token.
pub(crate) fn hardening_notes(s: &mut Scenario) {
    s.notes.push(note(
        NoteLevel::Info,
        "`automountServiceAccountToken: false`: the job needs no Kubernetes API token, so a compromised job cannot use one",
    ));
    if let Some(c) = s
        .pod
        .containers
        .iter()
        .find(|c| c.security.seccomp_runtime_default)
    {
        s.notes.push(note(
            NoteLevel::Info,
            format!(
                "the client `{}` is hardened: it only talks to a daemon, so it drops every capability, cannot gain privileges (`allowPrivilegeEscalation: false`, `no-new-privileges`) and runs under the runtime's default seccomp filter{}",
                c.name,
                if c.security.run_as_non_root == Some(true) {
                    ", as a non-root user"
                } else {
                    "; it stays root because the daemon's socket and certificates belong to root"
                }
            ),
        ));
    }
}

/// Whether the container's command publishes a host port below 1024 (`-p 80:80`, `--publish=443:8443`).
pub(crate) fn publishes_low_port(c: &Container) -> bool {
    let argv: Vec<&String> = c.command.iter().chain(&c.args).collect();
    let low = |spec: &str| {
        // [ip:]host:container[/proto]; the host port is the part before the last `:`.
        let spec = spec.split('/').next().unwrap_or(spec);
        let mut parts: Vec<&str> = spec.split(':').collect();
        if parts.len() < 2 {
            return false;
        }
        parts.pop();
        parts
            .last()
            .and_then(|h| h.split('-').next())
            .and_then(|h| h.parse::<u16>().ok())
            .is_some_and(|p| p > 0 && p < 1024)
    };
    argv.iter().enumerate().any(|(i, a)| {
        if a.as_str() == "-p" || a.as_str() == "--publish" {
            argv.get(i + 1).is_some_and(|v| low(v))
        } else if let Some(v) = a.strip_prefix("--publish=") {
            low(v)
        } else if let Some(v) = a
            .strip_prefix("-p")
            .filter(|v| !v.is_empty() && !a.starts_with("--"))
        {
            low(v.strip_prefix('=').unwrap_or(v))
        } else {
            false
        }
    })
}

/// An empty pod named by the `name` and `namespace` parameters.
pub(crate) fn pod(r: &Resolved<'_>, restart_policy: &str) -> Pod {
    let name = r.get("name");
    Pod {
        labels: vec![("app.kubernetes.io/name".to_owned(), name.clone())],
        annotations: Vec::new(),
        name,
        namespace: r.get("namespace"),
        containers: Vec::new(),
        volumes: Vec::new(),
        runtime_class: None,
        host_users: None,
        node_selector: Vec::new(),
        restart_policy: restart_policy.to_owned(),
        automount_service_account_token: None,
        sysctls: Vec::new(),
        ..Pod::default()
    }
}

/// A scenario value with empty notes and risks.
pub(crate) fn scenario(id: ScenarioId, r: &Resolved<'_>, topology: Topology, pod: Pod) -> Scenario {
    Scenario {
        id,
        title: "",
        summary: "",
        params: Vec::new(),
        topology,
        pod,
        workload: WorkloadKind::Pod,
        notes: Vec::new(),
        risks: Vec::new(),
        host_endpoint: None,
        client_os: Os::Linux,
        shell: Shell::parse(&r.get("shell")).unwrap_or(Shell::Sh),
        setup: Setup::default(),
        derived: Vec::new(),
    }
}

/// A note.
pub(crate) fn note(level: NoteLevel, text: impl Into<String>) -> Note {
    Note {
        level,
        text: text.into(),
    }
}

/// A risk the scenario's artifacts carry: the rule's name comes from the lint registry, so the
/// generator and the linter cannot drift apart (`tests/tests/consistency.rs` lints every artifact).
pub(crate) fn risk(code: &'static str, why: impl Into<String>) -> Risk {
    let name = crate::lint::rule(code).map_or("unknown-rule", |r| r.name);
    Risk {
        code,
        name,
        why: why.into(),
    }
}

/// One step of pointing the host's Docker CLI at its daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SetupStep {
    /// Set an environment variable for the following commands.
    Env(String, String),
    /// Load `docker-machine env <machine>` into the shell.
    DockerMachineEnv(String),
}

/// The host CLI setup of a scenario (empty for the default local socket).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Setup {
    pub(crate) steps: Vec<SetupStep>,
}

/// DOCKER_HOST (and DOCKER_TLS_VERIFY for a TLS TCP endpoint; the CLI then reads `ca.pem`, `cert.pem`
/// and `key.pem` from `~/.docker`) as setup steps.
pub(crate) fn endpoint_setup(endpoint: &Endpoint) -> Setup {
    let mut steps = vec![SetupStep::Env("DOCKER_HOST".into(), endpoint.url())];
    if let Endpoint::Tcp { tls: true, .. } = endpoint {
        steps.push(SetupStep::Env("DOCKER_TLS_VERIFY".into(), "1".into()));
    }
    Setup { steps }
}

/// A Kubernetes node (the kubelet driving containerd) whose pod runs a daemon of its own in
/// `container`, called by `client` in `client_place` at `endpoint`: DinD, rootless DinD, Sysbox, BuildKit.
pub(crate) fn node_with_pod_daemon(
    kind: DaemonKind,
    container: &str,
    endpoint: Endpoint,
    client: &str,
    client_place: &str,
) -> Topology {
    let cri = Endpoint::Unix {
        path: "/run/containerd/containerd.sock".into(),
    };
    Topology {
        hosts: vec![Host {
            name: "node".into(),
            os: Os::Linux,
            vm: None,
        }],
        daemons: vec![
            Daemon {
                kind: DaemonKind::Containerd,
                place: DaemonPlace::Host { host: 0 },
                endpoints: vec![cri.clone()],
                starts_siblings: false,
            },
            Daemon {
                kind,
                place: DaemonPlace::Container {
                    container: container.into(),
                },
                endpoints: vec![endpoint.clone()],
                starts_siblings: false,
            },
        ],
        clients: vec![
            Client {
                program: "kubelet".into(),
                place: "node".into(),
                daemon: 0,
                endpoint: cri,
            },
            Client {
                program: client.into(),
                place: client_place.into(),
                daemon: 1,
                endpoint,
            },
        ],
    }
}

/// A Linux machine running `dockerd` at `endpoint`, called by the `docker` CLI in `client_place`
/// through `client_endpoint`: the `linux` host, or the node whose socket a DooD container borrows
/// (`starts_siblings`).
pub(crate) fn linux_dockerd(
    host: &str,
    endpoint: Endpoint,
    client_place: &str,
    client_endpoint: Endpoint,
    starts_siblings: bool,
) -> Topology {
    Topology {
        hosts: vec![Host {
            name: host.into(),
            os: Os::Linux,
            vm: None,
        }],
        daemons: vec![Daemon {
            kind: DaemonKind::Dockerd,
            place: DaemonPlace::Host { host: 0 },
            endpoints: vec![endpoint],
            starts_siblings,
        }],
        clients: vec![Client {
            program: "docker".into(),
            place: client_place.into(),
            daemon: 0,
            endpoint: client_endpoint,
        }],
    }
}

/// A mount of the pod's volume `volume` at `path`.
pub(crate) fn mount(volume: &str, path: impl Into<String>, read_only: bool) -> Mount {
    Mount {
        volume: volume.to_owned(),
        path: path.into(),
        read_only,
        sub_path: None,
    }
}

/// An emptyDir volume: `medium: Memory` when `memory`, with an optional `sizeLimit`.
pub(crate) fn empty_dir(name: &str, memory: bool, size_limit: Option<String>) -> Volume {
    Volume {
        name: name.to_owned(),
        source: VolumeSource::EmptyDir { memory, size_limit },
    }
}

/// One emptyDir `volume` that two containers of the pod share at `path`: `writer` mounts it
/// read-write, `reader` read-only when `reader_read_only` (the daemon's certificates or socket, the
/// build context a source step fills).
pub(crate) fn share_empty_dir(
    pod: &mut Pod,
    volume: &str,
    memory: bool,
    (writer, reader): (&mut Container, &mut Container),
    path: &str,
    reader_read_only: bool,
) {
    pod.volumes.push(empty_dir(volume, memory, None));
    writer.mounts.push(mount(volume, path, false));
    reader.mounts.push(mount(volume, path, reader_read_only));
}

/// Runs the container as `uid`, with the group of the same number (the images' user 1000).
pub(crate) fn run_as(c: &mut Container, uid: i64) {
    c.security.run_as_user = Some(uid);
    c.security.run_as_group = Some(uid);
}
