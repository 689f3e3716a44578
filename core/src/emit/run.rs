//! The workload as `docker run` command lines (with the `docker network create` and `docker volume
//! create` they need), quoted for one shell.

use super::units;
use crate::error::Result;
use crate::model::{ContainerRole, Pod, Protocol, VolumeSource};
use crate::quote::{POWERSHELL_LEGACY_PASSING, powershell_needs_legacy, powershell_string};
use crate::quote::{Shell, quote_arg};
use crate::scenario::Scenario;
use crate::scenario::common::SetupStep;

/// One command: words grouped into lines (a flag and its value stay together).
struct Cmd {
    groups: Vec<Vec<String>>,
}

impl Cmd {
    fn new(words: &[&str]) -> Self {
        Self {
            groups: vec![words.iter().map(|w| (*w).to_owned()).collect()],
        }
    }

    fn push(&mut self, words: &[&str]) {
        self.groups
            .push(words.iter().map(|w| (*w).to_owned()).collect());
    }

    fn render(&self, shell: Shell) -> Result<String> {
        let mut lines = Vec::new();
        for g in &self.groups {
            let q: Result<Vec<String>> = g.iter().map(|w| quote_arg(shell, w)).collect();
            lines.push(q?.join(" "));
        }
        let one = lines.join(" ");
        if one.len() <= 100 || lines.len() <= 2 {
            return Ok(one);
        }
        let mut out = String::new();
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                out.push_str(shell.continuation());
                out.push_str("\n  ");
            }
            out.push_str(l);
        }
        Ok(out)
    }
}

/// The name a container of `pod` runs under: `<pod>-<container>` when the pod has several.
fn run_name(pod: &Pod, c: &crate::model::Container) -> String {
    if pod.containers.len() > 1 {
        format!("{}-{}", pod.name, c.name)
    } else {
        c.name.clone()
    }
}

fn volume_name(pod: &Pod, volume: &str) -> String {
    format!("{}-{}", pod.name, pod.engine_volume_name(volume))
}

/// How `convert --to run` writes a pod's containers: each detached under its own name, with the
/// input's `--restart` (the generator's scripts run the last container in the foreground).
#[derive(Clone, Copy, Default)]
pub(crate) struct Converted<'a> {
    /// Write `docker run -d --name <name>` for every container.
    pub detached: bool,
    /// `--restart` as docker spells it (`always`, `on-failure:3`).
    pub restart: Option<&'a str>,
}

/// The `docker` commands that run `pod` (without setup or comments).
fn commands(pod: &Pod) -> Vec<Cmd> {
    commands_as(pod, Converted::default())
}

fn commands_as(pod: &Pod, how: Converted<'_>) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    let multi = pod.containers.len() > 1;
    // Converted, the containers of a pod share one network namespace as in Kubernetes: every one
    // but the init containers joins the first one's (`--network container:NAME`), which carries
    // what docker refuses on a joiner (ports, exposed ports, hostname, hosts entries, DNS,
    // network sysctls). The generator's scenarios keep a network of their own per pod.
    let shared = how.detached && multi;
    let holder = pod
        .containers
        .iter()
        .position(|c| c.role != ContainerRole::Init)
        .filter(|_| shared);
    if multi && !shared {
        cmds.push(Cmd::new(&["docker", "network", "create", &pod.name]));
    }
    let used: Vec<&str> = pod
        .containers
        .iter()
        .flat_map(|c| c.mounts.iter().map(|m| m.volume.as_str()))
        .collect();
    for v in &pod.volumes {
        if !used.contains(&v.name.as_str()) || pod.is_anonymous_volume(&v.name) {
            continue;
        }
        match &v.source {
            VolumeSource::HostPath { .. } | VolumeSource::Secret { .. } => {}
            VolumeSource::EmptyDir { memory: true, .. } => cmds.push(Cmd::new(&[
                "docker",
                "volume",
                "create",
                "--opt",
                "type=tmpfs",
                "--opt",
                "device=tmpfs",
                &volume_name(pod, &v.name),
            ])),
            _ => cmds.push(Cmd::new(&[
                "docker",
                "volume",
                "create",
                &volume_name(pod, &v.name),
            ])),
        }
    }
    let last = pod.containers.len().saturating_sub(1);
    for (i, c) in pod.containers.iter().enumerate() {
        let background = i < last && c.role != ContainerRole::Init;
        let container_name = run_name(pod, c);
        // the container whose network namespace this one joins
        let joins = holder
            .filter(|h| *h != i && c.role != ContainerRole::Init)
            .and_then(|h| pod.containers.get(h))
            .map(|h| run_name(pod, h));
        let is_holder = holder == Some(i);
        let init = c.role == ContainerRole::Init;
        let mut cmd = if how.detached && init {
            // an init container runs to its end before the next line
            Cmd::new(&["docker", "run", "--name", &container_name])
        } else if background || pod.restart_policy == "Always" || how.detached {
            Cmd::new(&["docker", "run", "-d", "--name", &container_name])
        } else {
            Cmd::new(&["docker", "run", "--rm"])
        };
        if let Some(r) = how.restart.filter(|_| !init) {
            cmd.push(&["--restart", r]);
        }
        if shared {
            if pod.host_network {
                cmd.push(&["--network", "host"]);
            } else if let Some(h) = &joins {
                cmd.push(&["--network", &format!("container:{h}")]);
            }
        } else if multi {
            cmd.push(&["--network", &pod.name]);
            if let Some(alias) = &c.alias {
                cmd.push(&["--network-alias", alias]);
            }
        }
        if c.security.privileged {
            cmd.push(&["--privileged"]);
        }
        if let Some(rc) = &pod.runtime_class {
            cmd.push(&["--runtime", rc]);
        }
        if let Some(u) = c.security.run_as_user {
            let user = match c.security.run_as_group {
                Some(g) => format!("{u}:{g}"),
                None => u.to_string(),
            };
            cmd.push(&["--user", &user]);
        }
        if c.security.unconfined {
            cmd.push(&["--security-opt", "seccomp=unconfined"]);
            cmd.push(&["--security-opt", "apparmor=unconfined"]);
        } else {
            if c.security.seccomp_off() {
                cmd.push(&["--security-opt", "seccomp=unconfined"]);
            }
            if c.security.apparmor_off() {
                cmd.push(&["--security-opt", "apparmor=unconfined"]);
            }
            if c.security.allow_privilege_escalation == Some(false) {
                cmd.push(&["--security-opt", "no-new-privileges"]);
            }
        }
        for cap in &c.security.add_capabilities {
            cmd.push(&["--cap-add", cap]);
        }
        for cap in &c.security.drop_capabilities {
            cmd.push(&["--cap-drop", cap]);
        }
        if c.security.read_only_root_filesystem {
            cmd.push(&["--read-only"]);
        }
        if let Some(w) = &c.working_dir {
            cmd.push(&["--workdir", w]);
        }
        if c.tty {
            cmd.push(&["--tty"]);
        }
        if c.stdin {
            cmd.push(&["--interactive"]);
        }
        // a joiner has the holder's hostname, /etc/hosts and resolv.conf
        let own_net = joins.is_none() || pod.host_network;
        if let Some(h) = pod.hostname.as_ref().filter(|_| own_net) {
            cmd.push(&["--hostname", h]);
        }
        for (ip, names) in pod.host_aliases.iter().filter(|_| own_net) {
            for n in names {
                cmd.push(&["--add-host", &format!("{n}:{ip}")]);
            }
        }
        if pod.host_network && !multi {
            cmd.push(&["--network", "host"]);
        }
        if pod.host_pid {
            cmd.push(&["--pid", "host"]);
        }
        if pod.host_ipc {
            cmd.push(&["--ipc", "host"]);
        }
        if let Some(t) = pod.termination_grace_period_seconds {
            cmd.push(&["--stop-timeout", &t.to_string()]);
        }
        for (k, v) in &pod.sysctls {
            if own_net || !k.starts_with("net.") {
                cmd.push(&["--sysctl", &format!("{k}={v}")]);
            }
        }
        for (k, v) in &pod.container_labels {
            cmd.push(&["--label", &format!("{k}={v}")]);
        }
        for g in &pod.supplemental_groups {
            cmd.push(&["--group-add", &g.to_string()]);
        }
        for e in &c.env {
            cmd.push(&["-e", &format!("{}={}", e.name, e.network_value())]);
        }
        // the pod's ports are published on the container that holds its network namespace
        let published: Vec<&crate::model::Container> = if !own_net {
            Vec::new()
        } else if is_holder && !pod.host_network {
            pod.containers
                .iter()
                .filter(|x| x.role != ContainerRole::Init)
                .collect()
        } else {
            vec![c]
        };
        let mut seen = Vec::new();
        for b in published.iter().flat_map(|x| &x.bound_ports) {
            let spec = super::compose::bound_port(b);
            if !seen.contains(&spec) {
                cmd.push(&["-p", &spec]);
                seen.push(spec);
            }
        }
        for p in published.iter().flat_map(|x| &x.ports) {
            let proto = if p.protocol == Protocol::Udp {
                "/udp"
            } else {
                ""
            };
            let (flag, spec) = match p.published {
                Some(h) => ("-p", format!("{h}:{}{proto}", p.container)),
                None => ("--expose", format!("{}{proto}", p.container)),
            };
            if !seen.contains(&spec) {
                cmd.push(&[flag, &spec]);
                seen.push(spec);
            }
        }
        for m in &c.mounts {
            let Some(v) = pod.volume(&m.volume) else {
                continue;
            };
            let ro = if m.read_only { ":ro" } else { "" };
            match (&v.source, &m.sub_path) {
                (VolumeSource::HostPath { path, .. }, sub) => {
                    let src = crate::model::join_sub_path(path, sub.as_deref());
                    cmd.push(&["-v", &format!("{src}:{}{ro}", m.path)]);
                }
                // The docker CLI (23+) makes a `./` source absolute from the working directory.
                (VolumeSource::Secret { secret, .. }, _) => {
                    cmd.push(&["-v", &format!("./{secret}:{}:ro", m.path)]);
                }
                // an anonymous volume: the path alone (`-v` takes no mode without a source)
                (_, None) if pod.is_anonymous_volume(&m.volume) => {
                    if m.read_only {
                        cmd.push(&["--mount", &format!("type=volume,dst={},readonly", m.path)]);
                    } else {
                        cmd.push(&["-v", &m.path]);
                    }
                }
                (_, None) => cmd.push(&[
                    "-v",
                    &format!("{}:{}{ro}", volume_name(pod, &m.volume), m.path),
                ]),
                (_, Some(sp)) => {
                    let ro = if m.read_only { ",readonly" } else { "" };
                    let spec = format!(
                        "type=volume,src={},dst={},volume-subpath={sp}{ro}",
                        volume_name(pod, &m.volume),
                        m.path
                    );
                    cmd.push(&["--mount", &spec]);
                }
            }
        }
        for t in &c.tmpfs {
            if t.as_mount {
                let mut spec = format!("type=tmpfs,destination={}", t.path);
                if let Some(m) = t.size.as_deref().and_then(units::memory) {
                    spec.push_str(&format!(",tmpfs-size={m}"));
                }
                if let Some(m) = &t.mode {
                    spec.push_str(&format!(",tmpfs-mode={m}"));
                }
                cmd.push(&["--mount", &spec]);
            } else {
                cmd.push(&["--tmpfs", &super::compose::tmpfs_spec(t)]);
            }
        }
        if c.init {
            cmd.push(&["--init"]);
        }
        if own_net {
            for n in &pod.dns.nameservers {
                cmd.push(&["--dns", n]);
            }
            for n in &pod.dns.searches {
                cmd.push(&["--dns-search", n]);
            }
            for o in super::compose::dns_options(&pod.dns) {
                cmd.push(&["--dns-option", &o]);
            }
        }
        for d in &c.devices {
            cmd.push(&["--device", &super::compose::device_spec(d)]);
        }
        for u in &c.ulimits {
            let v = if u.soft == u.hard {
                format!("{}={}", u.name, u.soft)
            } else {
                format!("{}={}:{}", u.name, u.soft, u.hard)
            };
            cmd.push(&["--ulimit", &v]);
        }
        if let Some(sig) = &c.stop_signal {
            cmd.push(&["--stop-signal", sig]);
        }
        if let Some(m) = c.shm_size.as_deref().and_then(units::memory) {
            cmd.push(&["--shm-size", &m]);
        }
        let d = &c.docker;
        if let Some(u) = &d.userns_mode {
            cmd.push(&["--userns", u]);
        }
        if let Some(g) = &d.cgroupns {
            cmd.push(&["--cgroupns", g]);
        }
        if let Some(n) = d.pids_limit {
            cmd.push(&["--pids-limit", &n.to_string()]);
        }
        if let Some(l) = &d.log_driver {
            cmd.push(&["--log-driver", l]);
        }
        for (k, v) in &d.log_options {
            cmd.push(&["--log-opt", &format!("{k}={v}")]);
        }
        // a Compose `container:NAME` is that container; a service's name is its container's
        for f in &d.volumes_from {
            cmd.push(&["--volumes-from", f.strip_prefix("container:").unwrap_or(f)]);
        }
        if let Some(p) = c.startup_probe.as_ref().or(c.readiness_probe.as_ref()) {
            // `--health-cmd` is always a shell line (CMD-SHELL): an exec-form probe's words are
            // quoted for sh so each stays one word
            let health = match &p.shell {
                Some(line) => line.clone(),
                None => p
                    .command
                    .iter()
                    // a word sh cannot quote is refused when the whole line is rendered
                    .map(|w| quote_arg(Shell::Sh, w).unwrap_or_else(|_| w.clone()))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            cmd.push(&["--health-cmd", &health]);
            cmd.push(&["--health-interval", &format!("{}s", p.period_seconds)]);
            cmd.push(&["--health-retries", &p.failure_threshold.to_string()]);
            if let Some(t) = p.timeout_seconds {
                cmd.push(&["--health-timeout", &format!("{t}s")]);
            }
            if let Some(t) = p.initial_delay_seconds {
                cmd.push(&["--health-start-period", &format!("{t}s")]);
            }
        }
        if let Some(cpu) = c.resources.cpu_limit.as_deref().and_then(units::cpus) {
            cmd.push(&["--cpus", &cpu]);
        }
        if let Some(m) = c.resources.memory_limit.as_deref().and_then(units::memory) {
            cmd.push(&["--memory", &m]);
        }
        // a converted line keeps its CPU request as shares (the generator's scripts leave
        // requests to Kubernetes)
        if let Some(sh) = c
            .resources
            .cpu_request
            .as_deref()
            .and_then(units::cpu_shares)
            .filter(|_| how.detached)
        {
            cmd.push(&["--cpu-shares", &sh.to_string()]);
        }
        // The Windows daemon refuses `--memory-reservation` (no MemoryReservation on Windows).
        if let Some(m) = c
            .resources
            .memory_request
            .as_deref()
            .and_then(units::memory)
            .filter(|_| !crate::model::windows_containers(pod))
        {
            cmd.push(&["--memory-reservation", &m]);
        }
        let mut tail: Vec<String> = Vec::new();
        if let Some((entry, rest)) = c.command.split_first() {
            cmd.push(&["--entrypoint", entry]);
            tail.extend(rest.iter().cloned());
        }
        tail.extend(c.args.iter().cloned());
        let mut last_group = vec![c.image.clone()];
        last_group.extend(tail);
        cmd.groups.push(last_group);
        cmds.push(cmd);
    }
    cmds
}

fn setup_lines(s: &Scenario, shell: Shell) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for step in &s.setup.steps {
        match step {
            SetupStep::Env(k, v) => out.push(match shell {
                Shell::Sh | Shell::Gitbash => format!("export {k}={}", quote_arg(shell, v)?),
                Shell::Powershell => format!("$env:{k} = {}", powershell_string(v)?),
                Shell::Cmd => format!("set \"{k}={}\"", v.replace('%', "%%")),
            }),
            SetupStep::DockerMachineEnv(m) => out.push(match shell {
                Shell::Sh | Shell::Gitbash => {
                    format!("eval \"$(docker-machine env {})\"", quote_arg(shell, m)?)
                }
                Shell::Powershell => {
                    format!(
                        "& docker-machine env --shell powershell {} | Invoke-Expression",
                        quote_arg(shell, m)?
                    )
                }
                Shell::Cmd => format!(
                    "FOR /f \"tokens=*\" %%i IN ('docker-machine env --shell cmd {}') DO %%i",
                    quote_arg(shell, m)?
                ),
            }),
        }
    }
    Ok(out)
}

/// The top of a script: `@echo off` for cmd, the header comments, `set -e` for sh.
fn prelude(shell: Shell, header: &[String]) -> String {
    let c = shell.comment();
    let mut out = String::new();
    if shell == Shell::Cmd {
        out.push_str("@echo off\n");
    }
    for h in header {
        out.push_str(&format!("{c} {h}\n"));
    }
    match shell {
        Shell::Sh => out.push_str("set -e\n"),
        Shell::Gitbash => out.push_str("set -e\n# keep Linux paths (/var/run/...) from being rewritten to Windows paths\nexport MSYS_NO_PATHCONV=1\n"),
        _ => {}
    }
    out
}

/// The whole script for `shell`: header comments, setup, commands, clean-up hints.
pub(crate) fn emit(s: &Scenario, shell: Shell, header: &[String]) -> Result<String> {
    let mut out = prelude(shell, header);
    for l in setup_lines(s, shell)? {
        out.push_str(&l);
        out.push('\n');
    }
    let cmds = commands(&s.pod);
    pods_body(&mut out, shell, &[(&s.pod, Converted::default(), cmds)])?;
    Ok(out)
}

/// The script of converted pods for `shell`: each pod's commands (`how` per pod), then the
/// clean-up hints of all of them.
pub(crate) fn emit_converted(
    pods: &[(&Pod, Converted<'_>)],
    shell: Shell,
    header: &[String],
) -> Result<String> {
    let mut out = prelude(shell, header);
    let all: Vec<(&Pod, Converted<'_>, Vec<Cmd>)> = pods
        .iter()
        .map(|(p, how)| (*p, *how, commands_as(p, *how)))
        .collect();
    pods_body(&mut out, shell, &all)?;
    Ok(out)
}

/// The commands of every pod, quoted for `shell`, and their clean-up hints.
fn pods_body(
    out: &mut String,
    shell: Shell,
    pods: &[(&Pod, Converted<'_>, Vec<Cmd>)],
) -> Result<()> {
    let c = shell.comment();
    let legacy = pods
        .iter()
        .flat_map(|(_, _, cmds)| cmds.iter())
        .flat_map(|c| c.groups.iter().flatten())
        .any(|w| powershell_needs_legacy(w));
    if shell == Shell::Powershell && legacy {
        // Written quoted for the Windows command line: right in 5.1 and 7.0-7.2, and in 7.3+ with this.
        out.push_str(
            "# arguments below are written for Legacy argument passing (PowerShell 5.1 to 7.2, and 7.3+ with this line)\n",
        );
        out.push_str(POWERSHELL_LEGACY_PASSING);
        out.push('\n');
    }
    for (_, _, cmds) in pods {
        for cmd in cmds {
            out.push_str(&cmd.render(shell)?);
            out.push('\n');
        }
    }
    let mut cleanup = Vec::new();
    for (pod, how, _) in pods {
        cleanup_of(pod, *how, &mut cleanup);
    }
    if !cleanup.is_empty() {
        out.push_str(&format!("{c} clean up afterwards:\n"));
        for l in cleanup {
            out.push_str(&format!("{c}   {l}\n"));
        }
    }
    Ok(())
}

fn cleanup_of(pod: &Pod, how: Converted<'_>, cleanup: &mut Vec<String>) {
    if pod.containers.len() > 1 {
        // converted, every container is named and kept (none runs with --rm); the generator's
        // scripts run the init containers and the last one with --rm
        let last = pod.containers.len() - 1;
        let names: Vec<String> = pod
            .containers
            .iter()
            .enumerate()
            .filter(|(i, x)| how.detached || (*i < last && x.role != ContainerRole::Init))
            .map(|(_, x)| run_name(pod, x))
            .collect();
        if !names.is_empty() {
            cleanup.push(format!("docker rm -f {}", names.join(" ")));
        }
        if !how.detached {
            cleanup.push(format!("docker network rm {}", pod.name));
        }
    } else if let Some(only) = pod
        .containers
        .first()
        .filter(|_| how.detached || pod.restart_policy == "Always")
    {
        cleanup.push(format!("docker rm -f {}", only.name));
    }
    let vols: Vec<String> = pod
        .volumes
        .iter()
        .filter(|v| {
            !matches!(
                v.source,
                VolumeSource::HostPath { .. } | VolumeSource::Secret { .. }
            ) && !pod.is_anonymous_volume(&v.name)
        })
        .filter(|v| {
            pod.containers
                .iter()
                .any(|x| x.mounts.iter().any(|m| m.volume == v.name))
        })
        .map(|v| volume_name(pod, &v.name))
        .collect();
    if !vols.is_empty() {
        cleanup.push(format!("docker volume rm {}", vols.join(" ")));
    }
}

/// What an admin runs on a Kubernetes node instead of `docker`: crictl against the CRI socket.
pub(crate) fn crictl(s: &Scenario, header: &[String]) -> String {
    let endpoint = s
        .topology
        .daemons
        .first()
        .and_then(|d| d.endpoints.first())
        .map(|e| e.url())
        .unwrap_or_else(|| "unix:///run/containerd/containerd.sock".into());
    let name = s
        .pod
        .containers
        .first()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| s.pod.name.clone());
    let q = |x: &str| quote_arg(Shell::Sh, x).unwrap_or_else(|_| x.to_owned());
    let mut out = String::new();
    for h in header {
        out.push_str(&format!("# {h}\n"));
    }
    out.push_str(&format!(
        "export CONTAINER_RUNTIME_ENDPOINT={}\n",
        q(&endpoint)
    ));
    out.push_str(&format!(
        "crictl pods --name {} --namespace {}\n",
        q(&s.pod.name),
        q(&s.pod.namespace)
    ));
    out.push_str(&format!("crictl ps --name {}\n", q(&name)));
    out.push_str(&format!(
        "crictl logs \"$(crictl ps -q --name {} | head -n 1)\"\n",
        q(&name)
    ));
    out.push_str(&format!(
        "crictl exec -it \"$(crictl ps -q --name {} | head -n 1)\" sh\n",
        q(&name)
    ));
    out.push_str("crictl images\n");
    out
}
