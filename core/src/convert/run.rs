//! `docker run` / `docker create` lines → model pods, one per line, through the one flag table.

use super::{ConvertNote, Dropped};
use crate::flags::{self, GLOBAL_FLAGS, RUN_FLAGS};
use crate::model::{
    Container, EnvVar, HostPathType, Mount, Pod, Port, Protocol, Volume, VolumeSource,
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
    pub errors: Vec<Error>,
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

fn dns_label(s: &str) -> String {
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
    let taken: Vec<String> = out.pods.iter().map(|p| p.name.clone()).collect();
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
        name: String::new(),
        namespace: "default".into(),
        labels: Vec::new(),
        annotations: Vec::new(),
        containers: Vec::new(),
        volumes: Vec::new(),
        runtime_class: None,
        host_users: None,
        node_selector: Vec::new(),
        restart_policy: "Never".into(),
        automount_service_account_token: None,
        sysctls: Vec::new(),
    };
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
        let name = o.flag.long;
        let long_written = cmd.get(i).is_some_and(|w| w.text.starts_with("--"));
        let written = match o.flag.short {
            Some(s) if !long_written => format!("-{s}"),
            _ => format!("--{name}"),
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
            "publish" => match port(v) {
                Some(p) => c.ports.push(p),
                None => ctx.drop(i, &written, "a port range or host IP is not converted yet"),
            },
            "expose" => match port(v) {
                Some(p) if p.published.is_none() => c.ports.push(p),
                _ => ctx.drop(i, &written, "a port range is not converted yet"),
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
            "memory" => match quantity(v) {
                Some(q) => c.resources.memory_limit = Some(q),
                None => ctx.drop(i, &written, "not a size dockscape reads"),
            },
            "memory-reservation" => match quantity(v) {
                Some(q) => c.resources.memory_request = Some(q),
                None => ctx.drop(i, &written, "not a size dockscape reads"),
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
                let (path, opts) = v.split_once(':').unwrap_or((v, ""));
                let mut size = None;
                for o in opts.split(',').filter(|o| !o.is_empty()) {
                    match o.strip_prefix("size=").and_then(quantity) {
                        Some(q) => size = Some(q),
                        None => ctx.drop(i, &format!("{written} {o}"), "tmpfs option without a counterpart in an emptyDir"),
                    }
                }
                let vol = format!("{}-tmpfs-{anon}", c.name);
                anon += 1;
                add_volume(&mut pod, &mut c, vol, VolumeSource::EmptyDir { memory: true, size_limit: size }, path, false);
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
                c.security.unconfined = true;
                ctx.note(i, "seccomp=unconfined is written with AppArmor unconfined too (the model keeps both together)".into());
            }
            _ => ctx.drop(i, &written, NO_MODEL),
        }
    }
    let mut name = c.name.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{}-{n}", c.name);
        n += 1;
    }
    c.name = name.clone();
    pod.name = name;
    pod.containers.push(c);
    ctx.out.pods.push(pod);
    ctx.out.restarts.push(restart);
}

fn port(v: &str) -> Option<Port> {
    let (body, protocol) = match v.rsplit_once('/') {
        Some((b, "udp")) => (b, Protocol::Udp),
        Some((b, "tcp")) => (b, Protocol::Tcp),
        Some(_) => return None,
        None => (v, Protocol::Tcp),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let (published, container) = match parts.as_slice() {
        [c] => (None, *c),
        [h, c] => (Some(*h), *c),
        _ => return None,
    };
    let container = container.parse().ok()?;
    let published = match published {
        Some(h) => Some(h.parse().ok()?),
        None => None,
    };
    Some(Port {
        container,
        published,
        protocol,
        name: None,
    })
}

fn add_volume(
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

fn host_volume_name(c: &Container, pod: &Pod, path: &str) -> String {
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
        Some(s) => add_volume(pod, c, dns_label(s), VolumeSource::Named, dst, ro),
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
    let (mut src, mut dst, mut ro, mut size) = (None, None, false, None);
    for field in v.split(',') {
        let (k, val) = field.split_once('=').unwrap_or((field, ""));
        match k {
            "type" => kind = val,
            "source" | "src" => src = Some(val),
            "target" | "dst" | "destination" => dst = Some(val),
            "readonly" | "ro" => ro = val.is_empty() || val == "true" || val == "1",
            "tmpfs-size" => size = quantity(val),
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
        ("volume", Some(s)) => add_volume(pod, c, dns_label(s), VolumeSource::Named, dst, ro),
        ("volume", None) => {
            let name = format!("{}-anon-{anon}", c.name);
            *anon += 1;
            add_volume(pod, c, name, VolumeSource::Named, dst, ro);
        }
        ("tmpfs", _) => {
            let name = format!("{}-tmpfs-{anon}", c.name);
            *anon += 1;
            add_volume(
                pod,
                c,
                name,
                VolumeSource::EmptyDir {
                    memory: true,
                    size_limit: size,
                },
                dst,
                ro,
            );
        }
        _ => ctx.drop(
            i,
            written,
            "a mount type or relative source not converted yet",
        ),
    }
}

/// The flags `convert` carries over: flag, a sample value, and what it becomes. The mapping table
/// of `docs/convert.md` is generated from this and from converting every other flag of the table
/// (`mapping_markdown`); a test checks each entry really is carried and every other flag reported.
pub(crate) const CARRIED: &[(&str, &str, &str)] = &[
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
        "bind → `hostPath` (`Directory`, `Socket`, `File`), volume, tmpfs → `emptyDir` Memory",
    ),
    ("name", "web", "container, service and Pod name"),
    ("network-alias", "db", "Compose service name"),
    ("privileged", "", "`privileged: true`"),
    (
        "publish",
        "8080:80",
        "Compose `ports`; Pod `containerPort` (no `hostPort`)",
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
        "`no-new-privileges` → `allowPrivilegeEscalation: false`; `seccomp=unconfined` → Unconfined (other values reported)",
    ),
    (
        "sysctl",
        "net.core.somaxconn=1024",
        "Pod `securityContext.sysctls`; Compose `sysctls`",
    ),
    (
        "tmpfs",
        "/run:size=16m",
        "`emptyDir` Memory with `sizeLimit`",
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
