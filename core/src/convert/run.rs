//! `docker run` / `docker create` lines → model pods, one per line, through the one flag table.

use super::{ConvertNote, Dropped};
use crate::flags::{self, GLOBAL_FLAGS, RUN_FLAGS};
use crate::model::{
    BoundPort, Container, Device, EnvVar, HostPathType, Mount, Pod, Port, Probe, Protocol, Tmpfs,
    Ulimit, Volume, VolumeSource,
};
use crate::read::shell::{self, Budget, Word};
use crate::{Error, ErrorKind};

/// What the reader made of the text.
#[derive(Debug, Default)]
pub(super) struct Read {
    pub pods: Vec<Pod>,
    /// `--restart` as Compose spells it, per pod (`None`: Docker's default, no restart).
    pub restarts: Vec<Option<String>>,
    pub notes: Vec<ConvertNote>,
    pub dropped: Vec<Dropped>,
    /// Reported only when the target is Kubernetes (a Pod has no field for them; Compose and
    /// `docker run` carry them): `--init`, `--ulimit`, `--device`, ...
    pub pod_dropped: Vec<Dropped>,
    pub errors: Vec<Error>,
    /// The pod names taken so far (a set: a corpus of thousands of lines stays linear).
    pub names: std::collections::HashSet<String>,
}

impl Read {
    /// A note at `(line, column)` of the input.
    pub(super) fn note_at(&mut self, (line, column): (u32, u32), message: String) {
        self.notes.push(ConvertNote {
            line,
            column,
            message,
        });
    }

    /// An input error at `(line, column)`: that part is not converted, the rest is.
    pub(super) fn error_at(&mut self, (line, column): (u32, u32), message: String) {
        self.errors
            .push(Error::new(ErrorKind::InvalidInput, message).at(line as usize, column as usize));
    }
}

pub(super) fn read(text: &str) -> Read {
    let mut out = Read::default();
    let mut budget = Budget::default();
    for cmd in shell::parse(text, 1, 1, 0, &mut budget) {
        let cmd = cmd.words;
        let words: Vec<&str> = cmd.iter().map(|w| w.text.as_ref()).collect();
        if words.first() != Some(&"docker") {
            continue;
        }
        let rest = words.get(1..).unwrap_or(&[]);
        let Ok((_, sub)) = flags::options(GLOBAL_FLAGS, rest) else {
            continue;
        };
        let sub = sub + 1;
        let at = match (words.get(sub), words.get(sub + 1)) {
            (Some(&"run" | &"create"), _) => sub + 1,
            (Some(&"container"), Some(&"run" | &"create")) => sub + 2,
            _ => continue,
        };
        line(&cmd, &words, at, &mut out);
    }
    out
}

fn pos(cmd: &[Word<'_>], i: usize) -> (u32, u32) {
    cmd.get(i).map_or((0, 0), |w| (w.line, w.col))
}

pub(super) fn dns_label(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() { c } else { '-' }
        })
        .collect();
    out = out.trim_matches('-').to_owned();
    out.truncate(40);
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() { "app".into() } else { out }
}

/// A Docker size (`512m`, `1g`, `1024`) as a Kubernetes quantity (`512Mi`, `1Gi`, `1024`).
pub(crate) fn quantity(v: &str) -> Option<String> {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    let body = lower.strip_suffix('b').unwrap_or(&lower);
    let (num, unit) = match body.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (body.get(..i)?, Some(c)),
        _ => (body, None),
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let suffix = match unit {
        None => "",
        Some('k') => "Ki",
        Some('m') => "Mi",
        Some('g') => "Gi",
        Some('t') => "Ti",
        Some(_) => return None,
    };
    Some(format!("{num}{suffix}"))
}

/// The hostPath `type` a bind of `path` needs: `Socket` for a socket, `File` for a name with an
/// extension, `DirectoryOrCreate` for `-v` (the daemon creates a missing directory) and `Directory`
/// for `--mount type=bind` (the daemon refuses a missing path).
pub(crate) fn host_path_type(path: &str, creates: bool) -> HostPathType {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if last.ends_with(".sock") || last == "docker.sock" {
        HostPathType::Socket
    } else if path.starts_with("/dev/") {
        HostPathType::CharDevice
    } else if !path.ends_with('/') && last.contains('.') && !last.starts_with('.') {
        HostPathType::File
    } else if creates {
        HostPathType::DirectoryOrCreate
    } else {
        HostPathType::Directory
    }
}

struct Ctx<'a, 'c, 't> {
    cmd: &'c [Word<'t>],
    out: &'a mut Read,
}

impl Ctx<'_, '_, '_> {
    fn drop(&mut self, i: usize, flag: &str, reason: &str) {
        let (line, column) = pos(self.cmd, i);
        self.out.dropped.push(Dropped {
            line,
            column,
            key_or_flag: flag.to_owned(),
            reason: reason.to_owned(),
        });
    }
    /// Reported when the target is Kubernetes only.
    fn pod_drop(&mut self, i: usize, flag: &str, reason: &str) {
        let (line, column) = pos(self.cmd, i);
        self.out.pod_dropped.push(Dropped {
            line,
            column,
            key_or_flag: flag.to_owned(),
            reason: reason.to_owned(),
        });
    }
    fn note(&mut self, i: usize, message: String) {
        let (line, column) = pos(self.cmd, i);
        self.out.notes.push(ConvertNote {
            line,
            column,
            message,
        });
    }
}

fn shell_note(ctx: &mut Ctx<'_, '_, '_>, i: usize, value: &str) {
    if value.contains('$') || value.contains('`') {
        ctx.note(
            i,
            format!(
                "`{value}` holds a shell expansion: kept verbatim as literal text, not resolved (Compose writes `$` as `$$`); put in the value you mean"
            ),
        );
    }
}

const NO_MODEL: &str = "no counterpart in dockscape's model yet";

/// Why a Pod does not carry `--init` / Compose `init`.
pub(super) const INIT_IN_POD: &str = "no field in a Pod: the container's own process is PID 1 (add tini or dumb-init to the image's ENTRYPOINT); `shareProcessNamespace` is not the same: it lets the pod's containers see each other's processes and files";
/// Why a Pod does not carry `--stop-signal` / Compose `stop_signal`.
pub(super) const STOP_SIGNAL_IN_POD: &str = "not written in a Pod: `lifecycle.stopSignal` exists only from Kubernetes 1.33, behind the ContainerStopSignals feature gate (set STOPSIGNAL in the image instead)";
/// Why a Pod does not carry `--ulimit` / Compose `ulimits`.
pub(super) const ULIMIT_IN_POD: &str = "no field in a Pod: the container runtime's limits apply (set them in the runtime's configuration, or with `ulimit` in the entrypoint)";
/// Why a Pod does not carry `--device` / Compose `devices`.
pub(super) const DEVICE_IN_POD: &str = "not written in a Pod: a hostPath `CharDevice` volume gives the node's device file but not the devices cgroup permission, so it is usable only with `privileged: true`; needs a decision (privileged, or a device plugin)";
/// Why a Pod does not carry `--userns` / Compose `userns_mode`.
pub(super) const USERNS_IN_POD: &str = "not written in a Pod: a Pod uses the node's user namespace unless `hostUsers: false` (the default, as `--userns host` asks on a daemon with userns-remap)";
/// Why a Pod does not carry `--cgroupns` / Compose `cgroup`.
pub(super) const CGROUPNS_IN_POD: &str =
    "no field in a Pod: the container runtime chooses the cgroup namespace (private on cgroup v2)";
/// Why a Pod does not carry `--pids-limit` / Compose `pids_limit`.
pub(super) const PIDS_LIMIT_IN_POD: &str =
    "no field in a Pod: the kubelet's `podPidsLimit` limits the processes of every pod of a node";
/// Why a Pod does not carry `--log-driver`, `--log-opt` / Compose `logging`.
pub(super) const LOGGING_IN_POD: &str = "no field in a Pod: the container runtime writes the logs the kubelet rotates (`containerLogMaxSize`, `containerLogMaxFiles`); ship them with a node agent";
/// Why a Pod does not carry `--volumes-from` / Compose `volumes_from`.
pub(super) const VOLUMES_FROM_IN_POD: &str = "no field in a Pod: mount the same volumes by name in both containers (a Pod's volumes are shared by its containers)";
/// The name servers a Pod's `dnsConfig` takes (the API server refuses more).
pub(crate) const MAX_NAMESERVERS: usize = 3;
/// Why a fourth name server is not in a Pod.
pub(super) const NAMESERVERS_IN_POD: &str =
    "a Pod's dnsConfig takes at most 3 name servers: the first 3 are written";
/// Why a Pod does not carry a tmpfs mode.
pub(super) const TMPFS_MODE_IN_POD: &str =
    "an emptyDir has no mode: the volume's root is world-writable (1777)";

fn line(cmd: &[Word<'_>], words: &[&str], at: usize, out: &mut Read) {
    let args = words.get(at..).unwrap_or(&[]);
    let (opts, image_at) = match flags::options(RUN_FLAGS, args) {
        Ok(v) => v,
        Err(e) => {
            let (l, c) = pos(cmd, at);
            out.errors.push(
                Error::new(ErrorKind::Parse, format!("docker run line: {e}"))
                    .at(l as usize, c as usize),
            );
            return;
        }
    };
    let Some(image) = args.get(image_at) else {
        let (l, c) = pos(cmd, at);
        out.errors.push(
            Error::new(ErrorKind::Parse, "docker run line without an image")
                .at(l as usize, c as usize),
        );
        return;
    };
    let image_i = at + image_at;
    let mut ctx = Ctx { cmd, out };
    shell_note(&mut ctx, image_i, image);
    let base = image
        .rsplit('/')
        .next()
        .unwrap_or(image)
        .split([':', '@'])
        .next()
        .unwrap_or("app");
    let mut c = Container::new(dns_label(base), (*image).to_owned());
    let mut pod = Pod {
        namespace: "default".into(),
        restart_policy: "Never".into(),
        ..Pod::default()
    };
    let mut health = Health::default();
    let mut restart = None;
    c.args = args
        .get(image_at + 1..)
        .unwrap_or(&[])
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for (k, a) in c.args.clone().iter().enumerate() {
        shell_note(&mut ctx, image_i + 1 + k, a);
    }
    let mut anon = 0;
    for o in &opts {
        let i = at + o.word;
        // the docker CLI's hidden aliases
        let name = match o.flag.long {
            "net" => "network",
            "net-alias" => "network-alias",
            other => other,
        };
        let long_written = cmd.get(i).is_some_and(|w| w.text.starts_with("--"));
        let written = match o.flag.short {
            Some(s) if !long_written => format!("-{s}"),
            _ => format!("--{}", o.flag.long),
        };
        let v = o.value.unwrap_or("");
        if let Some(val) = o.value {
            shell_note(&mut ctx, i, val);
        }
        let bool_on = o
            .value
            .is_none_or(|v| matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"));
        match name {
            "name" => c.name = dns_label(v),
            "entrypoint" => c.command = vec![v.to_owned()],
            "env" => match v.split_once('=') {
                Some((k, val)) => c.env.push(EnvVar::text(k, val)),
                None => ctx.drop(
                    i,
                    &written,
                    "takes its value from the caller's environment: needs a decision (write NAME=value)",
                ),
            },
            "env-file" => ctx.drop(
                i,
                &written,
                "the file is not read (convert is pure): copy its variables as -e NAME=value or env_file",
            ),
            "publish" => match publish(v) {
                Ok(list) => {
                    if list.iter().any(|(_, p)| p.published.is_none()) {
                        ctx.note(
                            i,
                            format!("`{written} {v}` publishes on a random host port: written as an exposed port"),
                        );
                    }
                    add_ports(&mut c, list);
                }
                Err(why) => ctx.drop(i, &written, why),
            },
            "expose" => match publish(v) {
                Ok(list) if list.iter().all(|(ip, p)| ip.is_none() && p.published.is_none()) => {
                    add_ports(&mut c, list);
                }
                Ok(_) => ctx.drop(i, &written, "not a port or a range of ports"),
                Err(why) => ctx.drop(i, &written, why),
            },
            "init" => {
                c.init = bool_on;
                if bool_on {
                    ctx.pod_drop(i, &written, INIT_IN_POD);
                }
            }
            "dns" => {
                if pod.dns.nameservers.len() >= MAX_NAMESERVERS {
                    ctx.pod_drop(i, &written, NAMESERVERS_IN_POD);
                }
                pod.dns.nameservers.push(v.to_owned());
            }
            "dns-search" => pod.dns.searches.push(v.to_owned()),
            "dns-option" => pod.dns.options.push(dns_option(v)),
            "shm-size" => size(&mut ctx, i, &written, v, &mut c.shm_size),
            "stop-signal" => {
                c.stop_signal = Some(v.to_owned());
                ctx.pod_drop(i, &written, STOP_SIGNAL_IN_POD);
            }
            "ulimit" => match ulimit(v) {
                Some(u) => {
                    c.ulimits.retain(|x| x.name != u.name);
                    c.ulimits.push(u);
                    ctx.pod_drop(i, &written, ULIMIT_IN_POD);
                }
                None => ctx.drop(i, &written, "not NAME=SOFT[:HARD] with whole numbers"),
            },
            "device" => match device(v) {
                Ok(d) => {
                    c.devices.push(d);
                    ctx.pod_drop(i, &written, DEVICE_IN_POD);
                }
                Err(why) => ctx.drop(i, &written, why),
            },
            "cpus" => c.resources.cpu_limit = Some(v.to_owned()),
            "cpu-shares" => match v.parse::<u64>() {
                Ok(s) if s > 0 => {
                    c.resources.cpu_request = Some(format!("{}m", (s * 1000).div_ceil(1024)));
                    ctx.note(
                        i,
                        format!("--cpu-shares {s} is a CPU request of {}m (the kubelet's shares = millicores × 1024 / 1000)", (s * 1000).div_ceil(1024)),
                    );
                }
                _ => ctx.drop(i, &written, "not a positive whole number"),
            },
            "memory" => size(&mut ctx, i, &written, v, &mut c.resources.memory_limit),
            "memory-reservation" => {
                size(&mut ctx, i, &written, v, &mut c.resources.memory_request);
            }
            "cap-add" => c.security.add_capabilities.push(capability(v)),
            "read-only" => c.security.read_only_root_filesystem = bool_on,
            "workdir" => c.working_dir = Some(v.to_owned()),
            "tty" => c.tty = bool_on,
            "interactive" => c.stdin = bool_on,
            "hostname" => pod.hostname = Some(v.to_owned()),
            "add-host" => match v.split_once([':', '=']) {
                Some((name, ip)) if !name.is_empty() && !ip.is_empty() => {
                    match pod.host_aliases.iter_mut().find(|(a, _)| a == ip) {
                        Some((_, names)) => names.push(name.to_owned()),
                        None => pod.host_aliases.push((ip.to_owned(), vec![name.to_owned()])),
                    }
                }
                _ => ctx.drop(i, &written, "not HOST:IP"),
            },
            "network" if v == "host" => pod.host_network = true,
            "network" if v == "bridge" || v == "default" => {}
            "network" if v == "none" || v.starts_with("container:") => ctx.drop(
                i,
                &written,
                "no network, or another container's: no counterpart (Compose `network_mode`, a Pod's containers share one)",
            ),
            "network" => ctx.note(
                i,
                format!("--network {v}: the services share the Compose project's network, a Pod the cluster's; create `{v}` yourself if other containers must join it"),
            ),
            "pid" if v == "host" => pod.host_pid = true,
            "ipc" if v == "host" => pod.host_ipc = true,
            "ipc" if v == "private" || v == "shareable" => {}
            "stop-timeout" => match v.parse::<i64>() {
                Ok(t) if t >= 0 => pod.termination_grace_period_seconds = Some(t),
                _ => ctx.drop(i, &written, "not a whole number of seconds"),
            },
            "health-cmd" => health.cmd = Some(v.to_owned()),
            "health-interval" | "health-timeout" | "health-start-period" => match seconds(v) {
                Some(t) => {
                    let slot = match name {
                        "health-interval" => &mut health.interval,
                        "health-timeout" => &mut health.timeout,
                        _ => &mut health.start_period,
                    };
                    *slot = Some(t);
                }
                None => ctx.drop(i, &written, "not a duration dockscape reads (30s, 1m30s)"),
            },
            "health-retries" => match v.parse::<i32>() {
                Ok(n) if n > 0 => health.retries = Some(n),
                _ => ctx.drop(i, &written, "not a positive whole number"),
            },
            "privileged" => c.security.privileged = bool_on,
            "cap-drop" => c.security.drop_capabilities.push(v.to_ascii_uppercase()),
            "user" => {
                let (u, g) = match v.split_once(':') {
                    Some((u, g)) => (u, Some(g)),
                    None => (v, None),
                };
                match (u.parse::<i64>(), g.map(str::parse::<i64>)) {
                    (Ok(u), None) => c.security.run_as_user = Some(u),
                    (Ok(u), Some(Ok(g))) => {
                        c.security.run_as_user = Some(u);
                        c.security.run_as_group = Some(g);
                    }
                    _ => ctx.drop(
                        i,
                        &written,
                        "a user name: Kubernetes runAsUser takes a number (write the uid)",
                    ),
                }
            }
            "sysctl" => match v.split_once('=') {
                Some((k, val)) => pod.sysctls.push((k.to_owned(), val.to_owned())),
                None => ctx.drop(i, &written, "not NAME=value"),
            },
            "group-add" => match v.parse::<u32>() {
                Ok(g) => {
                    let g = i64::from(g);
                    if !pod.supplemental_groups.contains(&g) {
                        pod.supplemental_groups.push(g);
                    }
                }
                Err(_) => ctx.drop(
                    i,
                    &written,
                    "a group name: Kubernetes supplementalGroups takes a number (write the gid)",
                ),
            },
            "label" => {
                let (k, val) = v.split_once('=').unwrap_or((v, ""));
                match super::annotation_key(k) {
                    Ok(()) => pod.container_labels.push((k.to_owned(), val.to_owned())),
                    Err(why) => ctx.drop(i, &written, why),
                }
            }
            "network-alias" => c.alias = Some(v.to_owned()),
            "runtime" => {
                pod.runtime_class = Some(v.to_owned());
                ctx.note(
                    i,
                    format!("--runtime {v}: in Kubernetes a RuntimeClass named `{v}` must exist"),
                );
            }
            "restart" => {
                let (policy, compose) = match v.split(':').next().unwrap_or(v) {
                    "no" => ("Never", "no"),
                    "always" => ("Always", "always"),
                    "unless-stopped" => ("Always", "unless-stopped"),
                    "on-failure" => ("OnFailure", "on-failure"),
                    _ => {
                        ctx.drop(i, &written, "not a restart policy docker accepts");
                        continue;
                    }
                };
                pod.restart_policy = policy.into();
                restart = Some(v.to_owned()).filter(|_| compose != "no");
                if v.contains(':') {
                    ctx.note(i, format!("--restart {v}: the retry count is kept in Compose only"));
                }
            }
            "volume" => volume(&mut ctx, i, &written, v, &mut pod, &mut c, &mut anon),
            "mount" => mount(&mut ctx, i, &written, v, &mut pod, &mut c, &mut anon),
            "tmpfs" => {
                let (t, others) = tmpfs_spec(v);
                for (mode, o) in others {
                    if mode {
                        ctx.pod_drop(i, &format!("{written} mode"), TMPFS_MODE_IN_POD);
                    } else {
                        ctx.drop(i, &format!("{written} {o}"), "tmpfs option without a counterpart in an emptyDir");
                    }
                }
                c.tmpfs.push(t);
            }
            "detach" | "rm" => ctx.drop(
                i,
                &written,
                "no counterpart: Compose and Kubernetes run containers detached and manage their removal",
            ),
            "security-opt" if v == "no-new-privileges" || v == "no-new-privileges:true" || v == "no-new-privileges=true" => {
                c.security.allow_privilege_escalation = Some(false);
            }
            "security-opt" if v == "seccomp=unconfined" || v == "seccomp:unconfined" => {
                c.security.seccomp_unconfined = true;
            }
            "security-opt" if v == "apparmor=unconfined" || v == "apparmor:unconfined" => {
                c.security.apparmor_unconfined = true;
            }
            "userns" => {
                c.docker.userns_mode = Some(v.to_owned());
                ctx.pod_drop(i, &written, USERNS_IN_POD);
            }
            "cgroupns" => {
                c.docker.cgroupns = Some(v.to_owned());
                ctx.pod_drop(i, &written, CGROUPNS_IN_POD);
            }
            "pids-limit" => match v.parse::<i64>() {
                Ok(n) => {
                    c.docker.pids_limit = Some(n);
                    ctx.pod_drop(i, &written, PIDS_LIMIT_IN_POD);
                }
                Err(_) => ctx.drop(i, &written, "not a whole number"),
            },
            "log-driver" => {
                c.docker.log_driver = Some(v.to_owned());
                ctx.pod_drop(i, &written, LOGGING_IN_POD);
            }
            "log-opt" => match v.split_once('=') {
                Some((k, val)) => {
                    c.docker.log_options.retain(|(x, _)| x != k);
                    c.docker.log_options.push((k.to_owned(), val.to_owned()));
                    ctx.pod_drop(i, &written, LOGGING_IN_POD);
                }
                None => ctx.drop(i, &written, "not KEY=VALUE"),
            },
            "volumes-from" => {
                c.docker.volumes_from.push(v.to_owned());
                ctx.pod_drop(i, &written, VOLUMES_FROM_IN_POD);
            }
            _ => ctx.drop(i, &written, NO_MODEL),
        }
    }
    match health.cmd.take() {
        Some(cmd) => c.readiness_probe = Some(health.probe(cmd)),
        None if health.any() => {
            let (line, column) = pos(cmd, at);
            ctx.out.dropped.push(Dropped {
                line,
                column,
                key_or_flag: "--health-*".into(),
                reason: "health settings without --health-cmd tune the image's own HEALTHCHECK, which is not known here".into(),
            });
        }
        None => {}
    }
    let mut name = c.name.clone();
    let mut n = 2;
    while ctx.out.names.contains(&name) {
        name = format!("{}-{n}", c.name);
        n += 1;
    }
    c.name = name.clone();
    ctx.out.names.insert(name.clone());
    pod.name = name;
    pod.containers.push(c);
    ctx.out.pods.push(pod);
    ctx.out.restarts.push(restart);
}

/// The `--health-*` flags of a line, gathered before they become a probe.
#[derive(Default)]
struct Health {
    cmd: Option<String>,
    interval: Option<i32>,
    timeout: Option<i32>,
    start_period: Option<i32>,
    retries: Option<i32>,
}

impl Health {
    fn any(&self) -> bool {
        self.interval.is_some()
            || self.timeout.is_some()
            || self.start_period.is_some()
            || self.retries.is_some()
    }

    /// Docker's healthcheck as a probe (Docker's defaults: every 30 s, 3 retries, 30 s timeout):
    /// a readiness probe, since Docker marks the container unhealthy and restarts nothing.
    fn probe(&self, cmd: String) -> Probe {
        Probe {
            command: vec!["/bin/sh".into(), "-c".into(), cmd.clone()],
            period_seconds: self.interval.unwrap_or(30),
            failure_threshold: self.retries.unwrap_or(3),
            timeout_seconds: Some(self.timeout.unwrap_or(30)),
            initial_delay_seconds: self.start_period.filter(|t| *t > 0),
            shell: Some(cmd),
        }
    }
}

/// `cap-add` as Kubernetes spells a capability: upper case, without `CAP_`.
pub(crate) fn capability(v: &str) -> String {
    let up = v.to_ascii_uppercase();
    up.strip_prefix("CAP_").map(str::to_owned).unwrap_or(up)
}

/// A Go duration (`30s`, `1m30s`, `1h`, `500ms`) in whole seconds, rounded up; a bare number is
/// seconds.
pub(crate) fn seconds(v: &str) -> Option<i32> {
    let v = v.trim();
    if let Ok(n) = v.parse::<i32>() {
        return (n >= 0).then_some(n);
    }
    let mut total_ms: u64 = 0;
    let mut rest = v;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let (num, tail) = rest.split_at(digits);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_len);
        let n: f64 = num.parse().ok()?;
        let ms = match unit {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        let add = n * ms;
        if !add.is_finite() || !(0.0..=1e12).contains(&add) {
            return None;
        }
        total_ms = total_ms.checked_add(add as u64)?;
        rest = next;
    }
    i32::try_from(total_ms.div_ceil(1000)).ok()
}

/// A size flag into `slot` as a Kubernetes quantity, or reported.
fn size(ctx: &mut Ctx<'_, '_, '_>, i: usize, written: &str, v: &str, slot: &mut Option<String>) {
    match quantity(v) {
        Some(q) => *slot = Some(q),
        None => ctx.drop(i, written, "not a size dockscape reads"),
    }
}

/// Whether `m` is an octal file mode (`1777`, `0755`).
/// A `--tmpfs` / Compose `tmpfs:` entry (`PATH[:size=...,mode=...]`) as the model's tmpfs, and, in
/// their order, the options a Pod cannot carry for the caller to report: `(true, _)` the mode (kept
/// in Compose and `docker run`), `(false, _)` one without any counterpart.
pub(super) fn tmpfs_spec(spec: &str) -> (Tmpfs, Vec<(bool, &str)>) {
    let (path, opts) = spec.split_once(':').unwrap_or((spec, ""));
    let mut t = Tmpfs {
        path: path.to_owned(),
        size: None,
        mode: None,
        as_mount: false,
    };
    let mut others = Vec::new();
    for o in opts.split(',').filter(|o| !o.is_empty()) {
        if let Some(q) = o.strip_prefix("size=").and_then(quantity) {
            t.size = Some(q);
        } else if let Some(m) = o.strip_prefix("mode=").filter(|m| octal(m)) {
            t.mode = Some(m.to_owned());
            others.push((true, o));
        } else {
            others.push((false, o));
        }
    }
    (t, others)
}

pub(super) fn octal(m: &str) -> bool {
    !m.is_empty() && m.len() <= 5 && m.chars().all(|c| ('0'..='7').contains(&c))
}

/// `--dns-option` / Compose `dns_opt`: `ndots:2` → (`ndots`, `2`).
pub(super) fn dns_option(v: &str) -> (String, Option<String>) {
    match v.split_once(':') {
        Some((n, val)) => (n.to_owned(), Some(val.to_owned())),
        None => (v.to_owned(), None),
    }
}

/// `--ulimit NAME=SOFT[:HARD]` (a hard limit equal to the soft one when not given).
pub(super) fn ulimit(v: &str) -> Option<Ulimit> {
    let (name, limits) = v.split_once('=')?;
    let (soft, hard) = limits.split_once(':').unwrap_or((limits, limits));
    let (soft, hard) = (soft.parse().ok()?, hard.parse().ok()?);
    (!name.is_empty()).then(|| Ulimit {
        name: name.to_owned(),
        soft,
        hard,
    })
}

/// `--device HOST[:CONTAINER][:PERMISSIONS]` as the docker CLI reads it.
pub(super) fn device(v: &str) -> Result<Device, &'static str> {
    let perms = |p: &str| !p.is_empty() && p.chars().all(|c| matches!(c, 'r' | 'w' | 'm'));
    let parts: Vec<&str> = v.split(':').collect();
    let (host, container, permissions) = match parts.as_slice() {
        [h] => (*h, *h, None),
        [h, p] if perms(p) => (*h, *h, Some(*p)),
        [h, c] => (*h, *c, None),
        [h, c, p] if perms(p) => (*h, *c, Some(*p)),
        _ => return Err("not HOST[:CONTAINER[:rwm]]"),
    };
    if !host.starts_with('/') {
        return Err(
            "a CDI device name or a relative path: not converted (write the device's path)",
        );
    }
    Ok(Device {
        host: host.to_owned(),
        container: container.to_owned(),
        permissions: permissions.map(str::to_owned),
    })
}

/// Ports read from `-p`, `--expose` or a Compose `ports:` item, each with its host address.
pub(super) type Published = Vec<(Option<String>, Port)>;

/// The most ports one range may name (a range is written out port by port).
const MAX_RANGE: u32 = 1024;

/// `[ip:][host:]container[/proto]` with port ranges (`127.0.0.1:8080-8081:80-81/udp`,
/// `[::1]:8080:80`) as one port per port of the range, as the docker CLI publishes them.
pub(super) fn publish(v: &str) -> Result<Published, &'static str> {
    let (body, protocol) = match v.rsplit_once('/') {
        Some((b, "udp")) => (b, Protocol::Udp),
        Some((b, "tcp")) => (b, Protocol::Tcp),
        Some(_) => return Err("a protocol other than tcp and udp: no counterpart"),
        None => (v, Protocol::Tcp),
    };
    let (ip, rest) = match body.strip_prefix('[') {
        Some(b) => match b.split_once("]:") {
            Some((ip, rest)) => (Some(ip), rest),
            None => return Err("not `[ip]:host:container`"),
        },
        None => {
            let parts: Vec<&str> = body.rsplitn(3, ':').collect();
            match parts.as_slice() {
                [_] | [_, _] => (None, body),
                [c, h, ip] => {
                    return publish_parts(Some(ip), Some(h), c, protocol);
                }
                _ => return Err("not `[ip:][host:]container`"),
            }
        }
    };
    match rest.split_once(':') {
        Some((h, c)) => publish_parts(ip, Some(h), c, protocol),
        None if ip.is_some() => Err("not `[ip]:host:container`"),
        None => publish_parts(None, None, rest, protocol),
    }
}

fn range(s: &str) -> Option<(u16, u16)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (u16, u16) = (a.parse().ok()?, b.parse().ok()?);
    (a > 0 && a <= b).then_some((a, b))
}

fn publish_parts(
    ip: Option<&str>,
    host: Option<&str>,
    container: &str,
    protocol: Protocol,
) -> Result<Published, &'static str> {
    let Some((c0, c1)) = range(container) else {
        return Err("not a port or a range of ports (1-65535)");
    };
    let n = u32::from(c1 - c0) + 1;
    if n > MAX_RANGE {
        return Err("a range of more than 1024 ports: not written out");
    }
    let ip = ip.filter(|i| !i.is_empty()).map(str::to_owned);
    let host = match host.filter(|h| !h.is_empty()) {
        None if ip.is_some() => {
            return Err(
                "a random host port on one address: needs a decision (write the host port)",
            );
        }
        None => None,
        Some(h) => match range(h) {
            Some((h0, h1)) if h1 - h0 == c1 - c0 => Some(h0),
            Some(_) => {
                return Err(
                    "a host port range of another length than the container ports (Docker picks one of it): needs a decision",
                );
            }
            None => return Err("not a host port or a range of ports (1-65535)"),
        },
    };
    Ok((c0..=c1)
        .map(|c| {
            let port = Port {
                container: c,
                published: host.map(|h| h + (c - c0)),
                protocol,
                name: None,
            };
            (ip.clone(), port)
        })
        .collect())
}

/// Ports into the container: on one address `bound_ports`, the others `ports`.
pub(super) fn add_ports(c: &mut Container, list: Published) {
    for (ip, port) in list {
        match ip {
            Some(host_ip) => c.bound_ports.push(BoundPort { host_ip, port }),
            None => c.ports.push(port),
        }
    }
}

pub(super) fn add_volume(
    pod: &mut Pod,
    c: &mut Container,
    name: String,
    source: VolumeSource,
    path: &str,
    read_only: bool,
) {
    if pod.volume(&name).is_none() {
        pod.volumes.push(Volume {
            name: name.clone(),
            source,
        });
    }
    c.mounts.push(Mount {
        volume: name,
        path: path.to_owned(),
        read_only,
        sub_path: None,
    });
}

/// The pod volume name of the engine's named volume `s`: a DNS label, the engine's name kept in
/// `volume_names` when it differs (`jenkins_home`).
pub(super) fn named_volume(pod: &mut Pod, s: &str) -> String {
    let name = dns_label(s);
    if name != s && !pod.volume_names.iter().any(|(n, _)| *n == name) {
        pod.volume_names.push((name.clone(), s.to_owned()));
    }
    name
}

pub(super) fn host_volume_name(c: &Container, pod: &Pod, path: &str) -> String {
    let base = dns_label(path);
    let mut name = format!("{}-{base}", c.name);
    name.truncate(55);
    let name = name.trim_end_matches('-').to_owned();
    let mut out = name.clone();
    let mut n = 2;
    while pod.volume(&out).is_some() {
        out = format!("{name}-{n}");
        n += 1;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn volume(
    ctx: &mut Ctx<'_, '_, '_>,
    i: usize,
    written: &str,
    v: &str,
    pod: &mut Pod,
    c: &mut Container,
    anon: &mut usize,
) {
    let parts: Vec<&str> = v.split(':').collect();
    let (src, dst, opts) = match parts.as_slice() {
        [d] => (None, *d, ""),
        [s, d] => (Some(*s), *d, ""),
        [s, d, o] => (Some(*s), *d, *o),
        _ => {
            ctx.drop(
                i,
                written,
                "a Windows path or a malformed volume: not converted yet",
            );
            return;
        }
    };
    let mut ro = false;
    for o in opts.split(',').filter(|o| !o.is_empty()) {
        match o {
            "ro" => ro = true,
            "rw" => {}
            _ => ctx.drop(
                i,
                &format!("{written} :{o}"),
                "a mount option without a counterpart in a volumeMount",
            ),
        }
    }
    match src {
        None => {
            let name = format!("{}-anon-{anon}", c.name);
            *anon += 1;
            pod.anonymous_volumes.push(name.clone());
            add_volume(pod, c, name, VolumeSource::Named, dst, ro);
        }
        Some(s) if s.starts_with('/') => {
            let name = host_volume_name(c, pod, s);
            let kind = Some(host_path_type(s, true));
            add_volume(
                pod,
                c,
                name,
                VolumeSource::HostPath {
                    path: s.to_owned(),
                    kind,
                },
                dst,
                ro,
            );
        }
        Some(s) if s.starts_with('.') || s.starts_with('~') || s.starts_with('$') => {
            ctx.drop(i, written, "a relative or unexpanded host path: Kubernetes hostPath needs an absolute path (write it out)");
        }
        Some(s) => {
            let name = named_volume(pod, s);
            add_volume(pod, c, name, VolumeSource::Named, dst, ro);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn mount(
    ctx: &mut Ctx<'_, '_, '_>,
    i: usize,
    written: &str,
    v: &str,
    pod: &mut Pod,
    c: &mut Container,
    anon: &mut usize,
) {
    let mut kind = "volume";
    let (mut src, mut dst, mut ro, mut size, mut mode) = (None, None, false, None, None);
    for field in v.split(',') {
        let (k, val) = field.split_once('=').unwrap_or((field, ""));
        match k {
            "type" => kind = val,
            "source" | "src" => src = Some(val),
            "target" | "dst" | "destination" => dst = Some(val),
            "readonly" | "ro" => ro = val.is_empty() || val == "true" || val == "1",
            "tmpfs-size" => size = quantity(val),
            "tmpfs-mode" if octal(val) => mode = Some(val.to_owned()),
            _ => ctx.drop(
                i,
                &format!("{written} {k}"),
                "a mount option without a counterpart in a volumeMount",
            ),
        }
    }
    let Some(dst) = dst else {
        ctx.drop(i, written, "a mount without a target");
        return;
    };
    match (kind, src) {
        ("bind", Some(s)) if s.starts_with('/') => {
            let name = host_volume_name(c, pod, s);
            let t = Some(host_path_type(s, false));
            add_volume(
                pod,
                c,
                name,
                VolumeSource::HostPath {
                    path: s.to_owned(),
                    kind: t,
                },
                dst,
                ro,
            );
        }
        ("volume", Some(s)) => {
            let name = named_volume(pod, s);
            add_volume(pod, c, name, VolumeSource::Named, dst, ro);
        }
        ("volume", None) => {
            let name = format!("{}-anon-{anon}", c.name);
            *anon += 1;
            pod.anonymous_volumes.push(name.clone());
            add_volume(pod, c, name, VolumeSource::Named, dst, ro);
        }
        ("tmpfs", _) => {
            if mode.is_some() {
                ctx.pod_drop(i, &format!("{written} tmpfs-mode"), TMPFS_MODE_IN_POD);
            }
            if ro {
                ctx.drop(
                    i,
                    &format!("{written} readonly"),
                    "a read-only tmpfs: no counterpart in an emptyDir",
                );
            }
            c.tmpfs.push(Tmpfs {
                path: dst.to_owned(),
                size,
                mode,
                as_mount: true,
            });
        }
        _ => ctx.drop(
            i,
            written,
            "a mount type or relative source not converted yet",
        ),
    }
}

/// The line the mapping table and its test convert for `flag` (a `--health-*` setting comes with
/// the `--health-cmd` it tunes).
pub(crate) fn sample_line(flag: &flags::Flag, sample: &str) -> String {
    let with = if flag.long.starts_with("health-") && flag.long != "health-cmd" {
        " --health-cmd=true"
    } else {
        ""
    };
    match flag.value {
        flags::Value::Bool => format!("docker run --{}{with} busybox", flag.long),
        _ => format!("docker run --{}={sample:?}{with} busybox", flag.long),
    }
}

/// The flags `convert` carries over: flag, a sample value, and what it becomes. The mapping table
/// of `docs/convert.md` is generated from this and from converting every other flag of the table
/// (`mapping_markdown`); a test checks each entry really is carried and every other flag reported.
pub(crate) const CARRIED: &[(&str, &str, &str)] = &[
    (
        "add-host",
        "db:10.0.0.5",
        "Pod `hostAliases`; Compose `extra_hosts`",
    ),
    (
        "cap-add",
        "NET_ADMIN",
        "Compose `cap_add`; Pod `securityContext.capabilities.add`",
    ),
    (
        "health-cmd",
        "curl -f localhost",
        "`readinessProbe` exec `/bin/sh -c`; Compose `healthcheck.test` `CMD-SHELL`",
    ),
    (
        "health-interval",
        "10s",
        "probe `periodSeconds`; Compose `healthcheck.interval` (with `--health-cmd`)",
    ),
    (
        "health-retries",
        "5",
        "probe `failureThreshold`; Compose `healthcheck.retries` (with `--health-cmd`)",
    ),
    (
        "health-start-period",
        "5s",
        "probe `initialDelaySeconds`; Compose `healthcheck.start_period` (with `--health-cmd`)",
    ),
    (
        "health-timeout",
        "3s",
        "probe `timeoutSeconds`; Compose `healthcheck.timeout` (with `--health-cmd`)",
    ),
    ("hostname", "web-1", "Pod `hostname`; Compose `hostname`"),
    ("interactive", "", "container `stdin`; Compose `stdin_open`"),
    (
        "ipc",
        "host",
        "`host` → Pod `hostIPC`, Compose `ipc: host` (`private`, `shareable` are the default; others reported)",
    ),
    (
        "network",
        "host",
        "`host` → Pod `hostNetwork`, Compose `network_mode: host`; a named network is a note; `none`, `container:` reported",
    ),
    (
        "pid",
        "host",
        "`host` → Pod `hostPID`, Compose `pid: host` (others reported)",
    ),
    (
        "read-only",
        "",
        "`readOnlyRootFilesystem`; Compose `read_only`",
    ),
    (
        "stop-timeout",
        "20",
        "Pod `terminationGracePeriodSeconds`; Compose `stop_grace_period`",
    ),
    ("tty", "", "container `tty`; Compose `tty`"),
    ("workdir", "/app", "`workingDir`; Compose `working_dir`"),
    (
        "cap-drop",
        "ALL",
        "Compose `cap_drop`; Pod `securityContext.capabilities.drop`",
    ),
    (
        "cpu-shares",
        "512",
        "CPU request (`512` → `500m`); Compose `deploy.resources.reservations.cpus`",
    ),
    (
        "cpus",
        "1.5",
        "CPU limit; Compose `deploy.resources.limits.cpus`",
    ),
    (
        "entrypoint",
        "/bin/sh",
        "Pod `command`; Compose `entrypoint`",
    ),
    (
        "env",
        "A=1",
        "`env` / `environment` (`NAME` alone is reported)",
    ),
    ("expose", "9000", "`containerPort`; Compose `expose`"),
    ("memory", "512m", "memory limit (`512m` → `512Mi`)"),
    ("memory-reservation", "256m", "memory request"),
    (
        "mount",
        "type=bind,src=/srv,dst=/srv",
        "bind → `hostPath` (`Directory`, `Socket`, `File`), volume, tmpfs → Compose `type: tmpfs`, Pod `emptyDir` Memory",
    ),
    ("name", "web", "container, service and Pod name"),
    (
        "label",
        "com.example.team=web",
        "Pod annotation; Compose `labels` (a key Kubernetes refuses is reported)",
    ),
    ("network-alias", "db", "Compose service name"),
    ("net", "host", "as `--network`"),
    ("net-alias", "db", "as `--network-alias`"),
    ("privileged", "", "`privileged: true`"),
    (
        "group-add",
        "2375",
        "Pod `securityContext.supplementalGroups`; Compose `group_add` (numeric gids only; names are reported)",
    ),
    (
        "publish",
        "127.0.0.1:8080-8081:80-81/udp",
        "Compose `ports`; Pod `containerPort` and a Service (no `hostPort`); a range one port per port; on one host address a `hostPort` with its `hostIP`",
    ),
    ("init", "", "Compose `init: true`; Pod: reported (no field)"),
    (
        "dns",
        "10.0.0.53",
        "Pod `dnsConfig.nameservers` with `dnsPolicy: None`; Compose `dns`",
    ),
    (
        "dns-search",
        "corp.example",
        "Pod `dnsConfig.searches` (merged with the cluster's unless `--dns` is given); Compose `dns_search`",
    ),
    (
        "dns-option",
        "ndots:2",
        "Pod `dnsConfig.options`; Compose `dns_opt`",
    ),
    (
        "shm-size",
        "256m",
        "Pod `emptyDir` `medium: Memory` with `sizeLimit` on `/dev/shm`; Compose `shm_size`",
    ),
    (
        "ulimit",
        "nofile=1024:2048",
        "Compose `ulimits`; Pod: reported (no field)",
    ),
    (
        "stop-signal",
        "SIGINT",
        "Compose `stop_signal`; Pod: reported (`lifecycle.stopSignal` is gated, Kubernetes 1.33+)",
    ),
    (
        "device",
        "/dev/ttyUSB0:/dev/ttyUSB0:rwm",
        "Compose `devices`; Pod: reported (a `CharDevice` hostPath needs `privileged`)",
    ),
    (
        "restart",
        "always",
        "Pod `restartPolicy`; Compose `restart`",
    ),
    (
        "runtime",
        "sysbox-runc",
        "`runtimeClassName`; Compose `runtime`",
    ),
    (
        "security-opt",
        "no-new-privileges",
        "`no-new-privileges` → `allowPrivilegeEscalation: false`; `seccomp=unconfined`, `apparmor=unconfined` → that profile `Unconfined` (other values reported)",
    ),
    (
        "sysctl",
        "net.core.somaxconn=1024",
        "Pod `securityContext.sysctls`; Compose `sysctls`",
    ),
    (
        "tmpfs",
        "/run:size=16m",
        "Compose `tmpfs`; Pod `emptyDir` Memory with `sizeLimit`",
    ),
    (
        "userns",
        "host",
        "Compose `userns_mode`; Pod: reported (the node's user namespace is a Pod's default)",
    ),
    (
        "cgroupns",
        "host",
        "Compose `cgroup`; Pod: reported (no field)",
    ),
    (
        "pids-limit",
        "200",
        "Compose `pids_limit`; Pod: reported (the kubelet's `podPidsLimit` is per node)",
    ),
    (
        "log-driver",
        "json-file",
        "Compose `logging.driver`; Pod: reported (the runtime and the kubelet handle logs)",
    ),
    (
        "log-opt",
        "max-size=10m",
        "Compose `logging.options`; Pod: reported",
    ),
    (
        "volumes-from",
        "data",
        "Compose `volumes_from` (the service of that line, else `container:NAME`); Pod: reported (mount the volumes by name)",
    ),
    (
        "user",
        "1000:1000",
        "`runAsUser`/`runAsGroup` (names are reported)",
    ),
    (
        "volume",
        "/var/run/docker.sock:/var/run/docker.sock",
        "bind → `hostPath` (`Socket`, `File`, `DirectoryOrCreate`), named → volume (Pod: `emptyDir`)",
    ),
];
