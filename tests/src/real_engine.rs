//! A real Docker engine for the tests: Debian 12's `dockerd` 20.10 with its `containerd` and `runc`,
//! extracted by `scripts/install-engine` into a private folder and started here as root on a private
//! socket, with its own data root, exec root, pid file and containerd, `--storage-driver vfs`,
//! `--ip-masq=false` and `--iptables=false` (containers get no route off the machine).
//!
//! [`RealEngine::start`] panics when the engine cannot start, so a test that needs it fails rather
//! than skipping. Dropping the engine stops dockerd (which stops its containers), then containerd and
//! any shim left behind, unmounts what is left under its folder and removes the folder, on a failing
//! test too. Engines in one process run one at a time (they share the host's network namespace: port
//! 80, the `docker0` bridge).
//!
//! Images come from the stand-ins `scripts/install-engine` builds (no registry is ever asked):
//! [`RealEngine::ensure_image`] imports one by its tag, [`RealEngine::load_into`] copies images into a
//! nested daemon with `docker save` / `docker load`.
//!
//! The sandbox withholds `CAP_SYS_RESOURCE`, so `--privileged` fails here ("unable to apply caps");
//! [`privileged_run_flags`] and [`translate_privileged_compose`] are what the tests put in its place (every
//! other capability, unconfined profiles, every device, the host's cgroups), and every test that does
//! so says it.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crate::tools::{ShOutput, run_command};

/// What to run when the engine is not installed.
pub const INSTALL_ENGINE_HINT: &str =
    "prepare the real engine with `scripts/install-engine` (run as root, from the repository root)";

/// How long dockerd may take to answer `docker version` after it starts.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Every capability but `CAP_SYS_RESOURCE` (which the sandbox withholds) that dockerd 20.10 knows
/// (it rejects BPF, PERFMON and CHECKPOINT_RESTORE).
pub const CAPABILITIES: &[&str] = &[
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
];

/// The host's devices a privileged container sees that the rootless DinD daemon needs: rootlesskit's
/// slirp4netns network opens `/dev/net/tun`, fuse-overlayfs `/dev/fuse`. `--device-cgroup-rule`
/// allows every device but creates no node, and a daemon running as uid 1000 cannot `mknod`; so the
/// translation passes those the host has, as `--privileged` would.
pub const PRIVILEGED_DEVICES: &[&str] = &["/dev/net/tun", "/dev/fuse"];

fn host_devices() -> Vec<&'static str> {
    PRIVILEGED_DEVICES
        .iter()
        .copied()
        .filter(|d| Path::new(d).exists())
        .collect()
}

/// The `docker run` flags that stand in for `--privileged` here (see the module docs).
pub fn privileged_run_flags() -> String {
    let mut flags = String::new();
    for cap in CAPABILITIES {
        let _ = write!(flags, "--cap-add {cap} ");
    }
    for device in host_devices() {
        let _ = write!(flags, "--device {device} ");
    }
    flags.push_str(
        "--security-opt seccomp=unconfined --security-opt apparmor=unconfined \
         --security-opt systempaths=unconfined --device-cgroup-rule 'a *:* rwm' \
         --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw",
    );
    flags
}

/// Replaces every `--privileged` flag of a `docker run` script with [`privileged_run_flags`].
pub fn translate_privileged_run(script: &str) -> String {
    script.replace("--privileged", &privileged_run_flags())
}

/// Rewrites a Compose file for this sandbox: every service with `privileged: true` gets, instead, every
/// capability in [`CAPABILITIES`], unconfined seccomp/AppArmor/system paths, every device (the nodes of
/// [`PRIVILEGED_DEVICES`] the host has), the host's
/// cgroup namespace and `/sys/fs/cgroup` mounted read-write. The result is JSON, which Compose reads as
/// YAML.
///
/// # Panics
/// When `yaml` is not a Compose file.
pub fn translate_privileged_compose(yaml: &str) -> String {
    let mut doc: serde_json::Value = serde_saphyr::from_str(yaml)
        .unwrap_or_else(|e| panic!("not a Compose file ({e}):\n{yaml}"));
    if let Some(services) = doc.get_mut("services").and_then(|s| s.as_object_mut()) {
        for service in services.values_mut() {
            let Some(service) = service.as_object_mut() else {
                continue;
            };
            if service.get("privileged") != Some(&serde_json::Value::Bool(true)) {
                continue;
            }
            service.remove("privileged");
            service.insert("cap_add".into(), serde_json::json!(CAPABILITIES));
            service.insert(
                "security_opt".into(),
                serde_json::json!([
                    "seccomp=unconfined",
                    "apparmor=unconfined",
                    "systempaths=unconfined"
                ]),
            );
            service.insert(
                "device_cgroup_rules".into(),
                serde_json::json!(["a *:* rwm"]),
            );
            service.insert("cgroup".into(), serde_json::json!("host"));
            service.insert("devices".into(), serde_json::json!(host_devices()));
            let volumes = service
                .entry("volumes")
                .or_insert_with(|| serde_json::json!([]));
            if let Some(list) = volumes.as_array_mut() {
                list.push(serde_json::json!("/sys/fs/cgroup:/sys/fs/cgroup:rw"));
            }
        }
    }
    doc.to_string()
}

/// The folder `scripts/install-engine` prepared (`DOCKSCAPE_ENGINE_DIR`, default
/// `/var/tmp/dockscape-engine`).
pub fn engine_dir() -> PathBuf {
    std::env::var_os("DOCKSCAPE_ENGINE_DIR")
        .map_or_else(|| PathBuf::from("/var/tmp/dockscape-engine"), PathBuf::from)
}

/// One stand-in image: its tarball and the `docker import --change` lines.
#[derive(Debug, Clone)]
struct StandIn {
    tarball: PathBuf,
    changes: Vec<String>,
}

fn stand_ins() -> BTreeMap<String, StandIn> {
    let dir = engine_dir().join("images");
    let manifest = dir.join("manifest.tsv");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; {INSTALL_ENGINE_HINT}",
            manifest.display()
        )
    });
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut fields = line.split('\t');
        if let (Some(tag), Some(tarball)) = (fields.next(), fields.next()) {
            out.insert(
                tag.to_owned(),
                StandIn {
                    tarball: dir.join(tarball),
                    changes: fields.map(str::to_owned).collect(),
                },
            );
        }
    }
    out
}

/// The tags `scripts/install-engine` has a stand-in for.
pub fn stand_in_tags() -> Vec<String> {
    stand_ins().into_keys().collect()
}

static SERIAL: Mutex<()> = Mutex::new(());

/// A running dockerd (with its containerd) on a private socket; stopped and cleaned on drop.
#[derive(Debug)]
pub struct RealEngine {
    dir: PathBuf,
    run_dir: PathBuf,
    containerd: Option<Child>,
    dockerd: Option<Child>,
    _serial: MutexGuard<'static, ()>,
}

impl RealEngine {
    /// Starts containerd and dockerd from the folder `scripts/install-engine` prepared and waits until
    /// dockerd answers.
    ///
    /// # Panics
    /// When the engine is not installed, cannot start or does not answer in time (with its log).
    pub fn start() -> RealEngine {
        let serial = SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bin = engine_dir().join("bin");
        let dockerd_bin = bin.join("dockerd");
        assert!(
            dockerd_bin.exists(),
            "{} is missing; {INSTALL_ENGINE_HINT}",
            dockerd_bin.display()
        );
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        // Short: unix socket paths under it must fit in 108 bytes.
        let dir = engine_dir().join(format!("e/{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let run_dir = dir.join("run");
        for sub in ["run", "data", "exec", "containerd/root", "containerd/state"] {
            mkdir(&dir.join(sub));
        }
        let containerd_sock = dir.join("containerd/containerd.sock");
        let config = dir.join("containerd/config.toml");
        write(
            &config,
            &format!(
                "version = 2\nroot = {:?}\nstate = {:?}\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n\
                 [grpc]\n  address = {:?}\n[ttrpc]\n  address = {:?}\n",
                dir.join("containerd/root"),
                dir.join("containerd/state"),
                containerd_sock,
                dir.join("containerd/containerd.sock.ttrpc"),
            ),
        );
        let mut engine = RealEngine {
            dir: dir.clone(),
            run_dir: run_dir.clone(),
            containerd: None,
            dockerd: None,
            _serial: serial,
        };
        let path = format!(
            "{}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            bin.display()
        );
        engine.containerd = Some(spawn_logged(
            Command::new(bin.join("containerd"))
                .arg("--config")
                .arg(&config),
            &path,
            &dir.join("containerd.log"),
        ));
        wait_for(&containerd_sock, &dir.join("containerd.log"));
        let mut dockerd = Command::new(&dockerd_bin);
        dockerd
            .arg("--host")
            .arg(format!("unix://{}", run_dir.join("docker.sock").display()))
            .arg("--containerd")
            .arg(&containerd_sock)
            .arg("--data-root")
            .arg(dir.join("data"))
            .arg("--exec-root")
            .arg(dir.join("exec"))
            .arg("--pidfile")
            .arg(dir.join("dockerd.pid"))
            .args([
                "--storage-driver",
                "vfs",
                "--ip-masq=false",
                "--iptables=false",
                "--ip-forward=false",
                "--ip6tables=false",
                "--userland-proxy=true",
            ])
            .arg("--config-file")
            .arg(dir.join("daemon.json"));
        write(&dir.join("daemon.json"), "{}\n");
        engine.dockerd = Some(spawn_logged(&mut dockerd, &path, &dir.join("dockerd.log")));
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let out = engine.docker(["version", "--format", "{{.Server.Version}}"]);
            if out.success() {
                break;
            }
            let exited = engine
                .dockerd
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() >= deadline {
                panic!(
                    "the real engine did not start ({}):\n{out}\ndockerd log:\n{}",
                    exited.map_or_else(|| "timed out".to_owned(), |s| s.to_string()),
                    read(&dir.join("dockerd.log"))
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
        engine
    }

    /// `DOCKER_HOST` for this engine: `unix://<folder>/run/docker.sock`.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    /// The daemon's socket.
    pub fn socket(&self) -> PathBuf {
        self.run_dir.join("docker.sock")
    }

    /// The folder holding the socket: what the tests mount where a scenario mounts the host's
    /// `/var/run` (a host path rewritten, which the tests say).
    pub fn run_dir(&self) -> &Path {
        &self.run_dir
    }

    /// The engine's private folder (data root, exec root, logs).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The dockerd log so far.
    pub fn log(&self) -> String {
        read(&self.dir.join("dockerd.log"))
    }

    /// A command with a clean environment, `DOCKER_HOST` at this engine and a private `DOCKER_CONFIG`.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let home = self.dir.join("home");
        mkdir(&home.join(".docker"));
        let mut cmd = Command::new(program);
        cmd.env_clear();
        for keep in ["PATH", "PYENV_ROOT", "PYENV_VERSION"] {
            if let Some(value) = std::env::var_os(keep) {
                cmd.env(keep, value);
            }
        }
        cmd.env("HOME", &home)
            .env("DOCKER_CONFIG", home.join(".docker"))
            .env("DOCKER_HOST", self.docker_host())
            .current_dir(&home);
        cmd
    }

    /// Runs the real `docker` CLI against this engine.
    pub fn docker<I, S>(&self, args: I) -> ShOutput
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command("docker");
        cmd.args(args);
        run_command(cmd)
    }

    /// Runs the real `docker-compose` against this engine, in `project_dir` (where `compose.yaml` is).
    pub fn compose<I, S>(&self, project_dir: &Path, args: I) -> ShOutput
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command("docker-compose");
        cmd.args(args).current_dir(project_dir);
        run_command(cmd)
    }

    /// Brings the Compose project in `project_dir` up until its job `service` exits, with the job's
    /// output alone (`up --pull never --attach S --no-log-prefix --exit-code-from S`): the
    /// command's status is the job's.
    pub fn compose_job(&self, project_dir: &Path, service: &str) -> ShOutput {
        self.compose_job_with(project_dir, service, &[])
    }

    /// [`compose_job`](Self::compose_job) with `extra` arguments after the others (`--no-deps`,
    /// the services to start).
    pub fn compose_job_with(&self, project_dir: &Path, service: &str, extra: &[&str]) -> ShOutput {
        let mut args = vec![
            "up",
            "--pull",
            "never",
            "--attach",
            service,
            "--no-log-prefix",
            "--exit-code-from",
            service,
        ];
        args.extend_from_slice(extra);
        self.compose(project_dir, args)
    }

    /// Runs `script` with `/bin/sh -c` against this engine.
    pub fn sh(&self, script: &str) -> ShOutput {
        let mut cmd = self.command("/bin/sh");
        cmd.arg("-c").arg(script);
        run_command(cmd)
    }

    /// Makes sure `tag` exists on this engine, importing its stand-in (built by
    /// `scripts/install-engine`) with `docker import --change ...` when it does not.
    ///
    /// # Panics
    /// When there is no stand-in for `tag` or the import fails.
    pub fn ensure_image(&self, tag: &str) {
        if self
            .docker(["image", "inspect", "--format", "{{.Id}}", tag])
            .success()
        {
            return;
        }
        let all = stand_ins();
        let Some(stand_in) = all.get(tag) else {
            panic!(
                "no stand-in image for {tag} (have: {:?}); {INSTALL_ENGINE_HINT}",
                all.keys().collect::<Vec<_>>()
            );
        };
        let mut args: Vec<String> = vec!["import".into()];
        for change in &stand_in.changes {
            args.push("--change".into());
            args.push(change.clone());
        }
        args.push(stand_in.tarball.display().to_string());
        args.push(tag.into());
        self.docker(&args).assert_success();
    }

    /// [`Self::ensure_image`] for each tag.
    pub fn ensure_images(&self, tags: &[&str]) {
        for tag in tags {
            self.ensure_image(tag);
        }
    }

    /// Imports every stand-in whose tag `text` (a generated file) names, so tests follow the
    /// generator's image defaults.
    pub fn ensure_images_in(&self, text: &str) {
        for tag in stand_in_tags() {
            if text.contains(&tag) {
                self.ensure_image(&tag);
            }
        }
    }

    /// Loads `tags` (imported here first) into the daemon inside `container` with `docker save` |
    /// `docker exec -i <container> docker load`, so a nested daemon never pulls.
    pub fn load_into(&self, container: &str, tags: &[&str]) -> ShOutput {
        self.load_into_at(container, None, tags)
    }

    /// [`Self::load_into`] for a nested daemon that is not on the container's default socket (the
    /// rootless daemon's `unix:///run/user/1000/docker.sock`): `docker -H <host> load`.
    pub fn load_into_at(&self, container: &str, host: Option<&str>, tags: &[&str]) -> ShOutput {
        self.ensure_images(tags);
        let mut script = String::from("set -e; docker save");
        for tag in tags {
            let _ = write!(script, " '{tag}'");
        }
        let _ = write!(script, " | docker exec -i '{container}' docker");
        if let Some(host) = host {
            let _ = write!(script, " -H '{host}'");
        }
        script.push_str(" load");
        self.sh(&script)
    }

    /// `docker inspect` of `what` as JSON (the array the CLI prints).
    ///
    /// # Panics
    /// When inspect fails or does not print JSON.
    pub fn inspect(&self, what: &str) -> serde_json::Value {
        let out = self.docker(["inspect", what]);
        out.assert_success();
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("docker inspect {what} printed no JSON ({e}):\n{out}"))
    }

    /// The names of the containers this engine runs (`docker ps --format {{.Names}}`; `all` adds the
    /// stopped ones).
    pub fn container_names(&self, all: bool) -> Vec<String> {
        let mut args = vec!["ps", "--format", "{{.Names}}"];
        if all {
            args.push("-a");
        }
        let out = self.docker(args);
        out.assert_success();
        out.stdout.lines().map(str::to_owned).collect()
    }
}

impl Drop for RealEngine {
    fn drop(&mut self) {
        if self.dockerd.is_some() {
            // Containers whose process ignores SIGTERM (a shell's `sleep` as pid 1) would hold
            // dockerd's shutdown for its whole timeout.
            let _ = self.sh("docker ps -aq | xargs -r docker rm -f >/dev/null");
            // user-defined networks are bridges on the host: removed here, or they outlive the
            // engine and use up the address pools of the next one
            let _ = self.sh("docker network prune -f >/dev/null");
        }
        if let Some(mut dockerd) = self.dockerd.take() {
            stop(&mut dockerd, Duration::from_secs(30));
        }
        if let Some(mut containerd) = self.containerd.take() {
            stop(&mut containerd, Duration::from_secs(10));
        }
        kill_leftovers(&self.dir);
        unmount_under(&self.dir);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Sends SIGTERM, waits up to `grace`, then SIGKILL.
fn stop(child: &mut Child, grace: Duration) {
    let _ = Command::new("kill")
        .args(["-s", "TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills, by pid, processes whose command line names `dir` (shims of this engine's containerd, which
/// outlive it by design).
fn kill_leftovers(dir: &Path) {
    let needle = dir.display().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(&needle) {
            let _ = Command::new("kill")
                .args(["-s", "KILL", &pid.to_string()])
                .status();
        }
    }
}

/// Lazily unmounts every mount point under `dir`, deepest first.
fn unmount_under(dir: &Path) {
    let needle = dir.display().to_string();
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut points: Vec<&str> = mounts
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .filter(|p| p.starts_with(&needle))
        .collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for point in points {
        let _ = Command::new("umount").args(["-l", point]).status();
    }
}

fn spawn_logged(cmd: &mut Command, path: &str, log: &Path) -> Child {
    let file = std::fs::File::create(log)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
    let err = file
        .try_clone()
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", log.display()));
    cmd.env_clear()
        .env("PATH", path)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .process_group(0);
    cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "cannot start {:?}: {e}; {INSTALL_ENGINE_HINT}",
            cmd.get_program()
        )
    })
}

fn wait_for(socket: &Path, log: &Path) {
    let deadline = Instant::now() + READY_TIMEOUT;
    while !socket.exists() {
        assert!(
            Instant::now() < deadline,
            "containerd did not create {} in time; its log:\n{}",
            socket.display(),
            read(log)
        );
        thread::sleep(Duration::from_millis(50));
    }
}

fn mkdir(path: &Path) {
    if let Err(e) = std::fs::create_dir_all(path) {
        panic!("cannot create {}: {e}", path.display());
    }
}

fn write(path: &Path, text: &str) {
    if let Err(e) = std::fs::write(path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Waits until `check` is true, up to `timeout`; returns whether it became true.
pub fn wait_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// Runs Debian's `podman` (the stand-in kubelet, installed by `scripts/install-engine`) with `args`.
pub fn podman<I, S>(args: I) -> ShOutput
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new("podman");
    cmd.args(args);
    run_command(cmd)
}

/// The name podman resolves a short image name to (`docker:28-cli` is
/// `docker.io/library/docker:28-cli`), so a Pod's image is found locally and never pulled.
pub fn podman_image_name(tag: &str) -> String {
    let first = tag.split('/').next().unwrap_or(tag);
    if !tag.contains('/') {
        format!("docker.io/library/{tag}")
    } else if first.contains('.') || first.contains(':') || first == "localhost" {
        tag.to_owned()
    } else {
        format!("docker.io/{tag}")
    }
}

/// Makes sure podman's store has `tag`, importing its stand-in (as [`RealEngine::ensure_image`]).
///
/// # Panics
/// When there is no stand-in for `tag` or the import fails.
pub fn podman_ensure_image(tag: &str) {
    let name = podman_image_name(tag);
    let all = stand_ins();
    let Some(stand_in) = all.get(tag) else {
        panic!("no stand-in image for {tag}; {INSTALL_ENGINE_HINT}");
    };
    // The build's label (`LABEL dockscape.stand-in=<id>`): an older build is replaced.
    let label = stand_in
        .changes
        .iter()
        .find_map(|c| c.strip_prefix("LABEL dockscape.stand-in="))
        .unwrap_or_default();
    let have = podman([
        "image",
        "inspect",
        "--format",
        "{{index .Labels \"dockscape.stand-in\"}}",
        &name,
    ]);
    if have.success() && have.stdout.trim() == label {
        return;
    }
    let mut args: Vec<String> = vec!["import".into(), "--quiet".into()];
    for change in &stand_in.changes {
        args.push("--change".into());
        args.push(change.clone());
    }
    args.push(stand_in.tarball.display().to_string());
    args.push(name);
    podman(&args).assert_success();
}

static POD_SERIAL: Mutex<()> = Mutex::new(());

/// [`podman_ensure_image`] for every stand-in whose tag `text` names.
pub fn podman_ensure_images_in(text: &str) {
    for tag in stand_in_tags() {
        if text.contains(&tag) {
            podman_ensure_image(&tag);
        }
    }
}

/// The Pod in `yaml` with each emptyDir volume `v` renamed `<pod>-v` (in `volumes` and in every
/// container's `volumeMounts`), and the new names. The text is JSON (which podman reads as YAML);
/// `yaml` is returned as it is when it holds no Pod.
fn per_pod_empty_dirs(yaml: &str) -> (String, Vec<String>) {
    let Ok(mut doc) = serde_saphyr::from_str::<serde_json::Value>(yaml) else {
        return (yaml.to_owned(), Vec::new());
    };
    let pod = doc["metadata"]["name"].as_str().unwrap_or("pod").to_owned();
    let mut renamed = BTreeMap::new();
    for v in doc["spec"]["volumes"].as_array_mut().into_iter().flatten() {
        if v.get("emptyDir").is_none() {
            continue;
        }
        if let Some(name) = v["name"].as_str().map(str::to_owned) {
            let new = format!("{pod}-{name}");
            v["name"] = serde_json::Value::String(new.clone());
            renamed.insert(name, new);
        }
    }
    if renamed.is_empty() {
        return (yaml.to_owned(), Vec::new());
    }
    for list in ["initContainers", "containers"] {
        for c in doc["spec"][list].as_array_mut().into_iter().flatten() {
            for m in c["volumeMounts"].as_array_mut().into_iter().flatten() {
                if let Some(new) = m["name"].as_str().and_then(|n| renamed.get(n)) {
                    m["name"] = serde_json::Value::String(new.clone());
                }
            }
        }
    }
    (doc.to_string(), renamed.into_values().collect())
}

/// Removes podman's volumes `names` (never with `--force`: a volume another pod uses stays).
fn podman_remove_volumes(names: &[String]) {
    for name in names {
        let _ = podman(["volume", "rm", name.as_str()]);
    }
}

/// A Pod started with `podman kube play`; `podman kube down` on drop. Pods in one process run one at a
/// time (generated Pods share names). Take a [`RealEngine`] before a pod, never after.
///
/// podman 4.3 makes each emptyDir a volume named after it alone (not after the pod), which outlives
/// `kube down` and is found again, with its files, by the next pod on the machine that names a volume
/// the same (the DinD Pods' `docker-certs`, with another daemon's certificates). A kubelet gives each
/// pod new ones; so here, in the test's copy of the Pod, each emptyDir `v` is renamed `<pod>-v`, and
/// those volumes are removed before the pod is played and after it is down.
#[derive(Debug)]
pub struct PlayedPod {
    file: PathBuf,
    empty_dirs: Vec<String>,
    _dir: crate::TempDir,
    _serial: MutexGuard<'static, ()>,
    /// What `podman kube play` printed.
    pub play: ShOutput,
}

impl PlayedPod {
    /// Writes `yaml` and runs `podman kube play` on it (the outcome is in [`PlayedPod::play`]).
    pub fn play(yaml: &str) -> PlayedPod {
        let serial = POD_SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = crate::TempDir::new("dockscape-pod");
        let file = dir.path().join("pod.yaml");
        let (text, empty_dirs) = per_pod_empty_dirs(yaml);
        write(&file, &text);
        podman_remove_volumes(&empty_dirs);
        let play = podman([OsStr::new("kube"), OsStr::new("play"), file.as_os_str()]);
        PlayedPod {
            file,
            empty_dirs,
            _dir: dir,
            _serial: serial,
            play,
        }
    }

    /// `podman logs` of the container `container` of pod `pod` (podman names it `<pod>-<container>`).
    pub fn logs(&self, pod: &str, container: &str) -> ShOutput {
        podman(["logs", &format!("{pod}-{container}")])
    }

    /// `podman inspect --format <format>` of the container `container` of pod `pod`.
    pub fn inspect(&self, pod: &str, container: &str, format: &str) -> String {
        podman(["inspect", "--format", format, &format!("{pod}-{container}")])
            .stdout
            .trim()
            .to_owned()
    }

    /// Waits until container `container` of pod `pod` has exited; its exit code.
    pub fn wait_exit(&self, pod: &str, container: &str, timeout: Duration) -> Option<i64> {
        let name = format!("{pod}-{container}");
        let mut code = None;
        wait_until(timeout, || {
            let out = podman([
                "inspect",
                "--format",
                "{{.State.Status}} {{.State.ExitCode}}",
                &name,
            ]);
            let text = out.stdout.trim().to_owned();
            match text.split_once(' ') {
                Some(("exited" | "stopped", c)) => {
                    code = c.parse().ok();
                    true
                }
                _ => false,
            }
        });
        code
    }
}

impl Drop for PlayedPod {
    fn drop(&mut self) {
        let _ = podman([
            OsStr::new("kube"),
            OsStr::new("down"),
            self.file.as_os_str(),
        ]);
        podman_remove_volumes(&self.empty_dirs);
    }
}

/// The `docker run` arguments that stand in for `privileged: true` here (as [`privileged_run_flags`],
/// as separate arguments).
pub fn privileged_args() -> Vec<String> {
    let mut args = Vec::new();
    for cap in CAPABILITIES {
        args.extend(["--cap-add".to_owned(), (*cap).to_owned()]);
    }
    for device in host_devices() {
        args.extend(["--device".to_owned(), device.to_owned()]);
    }
    for opt in [
        "seccomp=unconfined",
        "apparmor=unconfined",
        "systempaths=unconfined",
    ] {
        args.extend(["--security-opt".to_owned(), opt.to_owned()]);
    }
    args.extend(
        [
            "--device-cgroup-rule",
            "a *:* rwm",
            "--cgroupns",
            "host",
            "-v",
            "/sys/fs/cgroup:/sys/fs/cgroup:rw",
        ]
        .map(str::to_owned),
    );
    args
}

/// What [`KubeletOrder::run`] saw, in order: a container started, its startup probe passed or failed
/// (with the number of tries), it exited (with its code), it could not be created, or it was stopped
/// at the end (a native sidecar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodEvent {
    /// The container was created and started.
    Started(String),
    /// The container's startup probe succeeded at the given try.
    ProbePassed(String, u32),
    /// The startup probe failed `failureThreshold` times.
    ProbeFailed(String, u32),
    /// The container exited with this code.
    Exited(String, i64),
    /// `docker run` of the container failed (its stderr).
    NotCreated(String, String),
    /// A native sidecar stopped after the regular containers ended.
    Stopped(String),
}

/// The kubelet's container start order, played on the real engine: a stand-in for what a kubelet
/// (1.29+, native sidecars) does with one Pod, because podman 4.3 refuses native sidecars with a
/// probe. Followed here, after the Kubernetes documentation of init containers and sidecars:
/// - the pod's containers share one network namespace (a `pause` container, `--network
///   container:`) and its emptyDir volumes (Docker volumes made world-writable, mounted without
///   Docker's copy-up; `medium: Memory` as tmpfs; `hostPath` as a bind);
/// - init containers run one at a time, in order: a regular one must exit 0 before the next starts
///   (a failure fails the pod: no retry, as `restartPolicy: Never`); one with `restartPolicy:
///   Always` (a native sidecar) is started, its `startupProbe` (exec) is run as the kubelet runs it
///   (`docker exec`, every `periodSeconds`, up to `failureThreshold` tries) and only when it passes
///   does the next container start; a sidecar without a startup probe counts as started once running;
/// - the regular containers then start together; when they have all exited, the sidecars are stopped
///   in reverse order;
/// - per container: `command`/`args` as entrypoint and arguments, `env` values, `runAsUser`/
///   `runAsGroup`, `allowPrivilegeEscalation: false` (no-new-privileges), dropped and added
///   capabilities, read-only mounts, and `privileged` as this sandbox's translation.
///
/// Not played: restarts (a failed probe or container ends the run), liveness and readiness probes,
/// resources and emptyDir `sizeLimit`, scheduling, Services, the API server.
#[derive(Debug)]
pub struct KubeletOrder<'e> {
    engine: &'e RealEngine,
    pod: String,
    /// What happened, in order.
    pub events: Vec<PodEvent>,
}

fn str_list(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl<'e> KubeletOrder<'e> {
    /// Plays the pod in `yaml` (a Pod, or a Job, Deployment or CronJob's pod template) on `engine`,
    /// each container given `timeout` to finish. Images must be on the engine already.
    ///
    /// # Panics
    /// When `yaml` holds no pod spec, or the pod uses what this stand-in does not play (a volume
    /// other than emptyDir and hostPath, an `env` from a reference).
    pub fn run(engine: &'e RealEngine, yaml: &str, timeout: Duration) -> KubeletOrder<'e> {
        let doc: serde_json::Value =
            serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("not YAML ({e}):\n{yaml}"));
        let template = match doc["kind"].as_str() {
            Some("Pod") => &doc,
            Some("CronJob") => &doc["spec"]["jobTemplate"]["spec"]["template"],
            _ => &doc["spec"]["template"],
        };
        let spec = &template["spec"];
        assert!(spec.is_object(), "no pod spec in:\n{yaml}");
        let pod = template["metadata"]["name"]
            .as_str()
            .or_else(|| doc["metadata"]["name"].as_str())
            .unwrap_or("pod")
            .to_owned();
        let mut run = KubeletOrder {
            engine,
            pod,
            events: Vec::new(),
        };
        run.play(spec, timeout);
        run
    }

    /// The Docker name of the pod's container `name`.
    pub fn container(&self, name: &str) -> String {
        format!("{}-{name}", self.pod)
    }

    /// The Docker volume behind the pod's volume `name`.
    pub fn volume(&self, name: &str) -> String {
        format!("{}-{name}", self.pod)
    }

    /// `docker logs` of the pod's container `name`.
    pub fn logs(&self, name: &str) -> ShOutput {
        self.engine.docker(["logs", &self.container(name)])
    }

    fn play(&mut self, spec: &serde_json::Value, timeout: Duration) {
        let pod = self.pod.clone();
        self.engine.ensure_image("busybox:latest");
        let mut volumes: BTreeMap<String, String> = BTreeMap::new();
        for v in spec["volumes"].as_array().into_iter().flatten() {
            let name = v["name"].as_str().unwrap_or_default().to_owned();
            if let Some(dir) = v.get("emptyDir") {
                let docker_name = self.volume(&name);
                let mut create = vec!["volume", "create"];
                let memory = dir["medium"].as_str() == Some("Memory");
                if memory {
                    create.extend([
                        "--opt",
                        "type=tmpfs",
                        "--opt",
                        "device=tmpfs",
                        "--opt",
                        "o=mode=0777",
                    ]);
                }
                create.push(&docker_name);
                self.engine.docker(&create).assert_success();
                if !memory {
                    // an emptyDir is world-writable
                    self.engine
                        .docker([
                            "run",
                            "--rm",
                            "--pull",
                            "never",
                            "-v",
                            &format!("{docker_name}:/v"),
                            "busybox:latest",
                            "chmod",
                            "0777",
                            "/v",
                        ])
                        .assert_success();
                }
                volumes.insert(name, format!("type=volume,source={docker_name}"));
            } else if let Some(path) = v["hostPath"]["path"].as_str() {
                volumes.insert(name, format!("type=bind,source={path}"));
            } else {
                panic!("KubeletOrder plays emptyDir and hostPath volumes only, not {v}");
            }
        }
        let mut pause: Vec<String> = ["run", "-d", "--pull", "never", "--name"]
            .map(str::to_owned)
            .to_vec();
        pause.push(format!("{pod}-pause"));
        pause.extend(["--hostname".to_owned(), pod.clone()]);
        for s in spec["securityContext"]["sysctls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let (Some(n), Some(v)) = (s["name"].as_str(), s["value"].as_str()) {
                pause.extend(["--sysctl".to_owned(), format!("{n}={v}")]);
            }
        }
        pause.extend(["busybox:latest", "sleep", "2147483647"].map(str::to_owned));
        self.engine.docker(&pause).assert_success();

        let mut sidecars: Vec<String> = Vec::new();
        for c in spec["initContainers"].as_array().into_iter().flatten() {
            let name = c["name"].as_str().unwrap_or_default().to_owned();
            if !self.start(spec, c, &volumes) {
                return;
            }
            if c["restartPolicy"].as_str() == Some("Always") {
                sidecars.push(name.clone());
                if c.get("startupProbe").is_some() && !self.probe(&name, &c["startupProbe"]) {
                    return;
                }
            } else {
                let code = self.wait_exit(&name, timeout);
                self.events.push(PodEvent::Exited(name, code));
                if code != 0 {
                    return;
                }
            }
        }
        let mut regular = Vec::new();
        for c in spec["containers"].as_array().into_iter().flatten() {
            if !self.start(spec, c, &volumes) {
                return;
            }
            regular.push(c["name"].as_str().unwrap_or_default().to_owned());
        }
        let mut left = regular;
        let deadline = Instant::now() + timeout;
        while !left.is_empty() && Instant::now() < deadline {
            let mut still = Vec::new();
            for name in left {
                match self.exit_code(&name) {
                    Some(code) => self.events.push(PodEvent::Exited(name, code)),
                    None => still.push(name),
                }
            }
            left = still;
            thread::sleep(Duration::from_millis(200));
        }
        for name in sidecars.into_iter().rev() {
            self.engine
                .docker(["stop", "-t", "10", &self.container(&name)])
                .assert_success();
            self.events.push(PodEvent::Stopped(name));
        }
    }

    /// `docker run -d` of one container as the kubelet would create it; false when it fails.
    fn start(
        &mut self,
        spec: &serde_json::Value,
        c: &serde_json::Value,
        volumes: &BTreeMap<String, String>,
    ) -> bool {
        let name = c["name"].as_str().unwrap_or_default().to_owned();
        let mut args: Vec<String> = ["run", "-d", "--pull", "never", "--name"]
            .map(str::to_owned)
            .to_vec();
        args.push(self.container(&name));
        args.extend([
            "--network".to_owned(),
            format!("container:{}-pause", self.pod),
        ]);
        let sc = &c["securityContext"];
        let psc = &spec["securityContext"];
        let uid = sc["runAsUser"]
            .as_i64()
            .or_else(|| psc["runAsUser"].as_i64());
        let gid = sc["runAsGroup"]
            .as_i64()
            .or_else(|| psc["runAsGroup"].as_i64());
        match (uid, gid) {
            (Some(u), Some(g)) => args.extend(["--user".to_owned(), format!("{u}:{g}")]),
            (Some(u), None) => args.extend(["--user".to_owned(), u.to_string()]),
            _ => {}
        }
        if sc["privileged"].as_bool() == Some(true) {
            args.extend(privileged_args());
        }
        if sc["allowPrivilegeEscalation"].as_bool() == Some(false) {
            args.extend(["--security-opt".to_owned(), "no-new-privileges".to_owned()]);
        }
        for cap in str_list(&sc["capabilities"]["drop"]) {
            args.extend(["--cap-drop".to_owned(), cap]);
        }
        for cap in str_list(&sc["capabilities"]["add"]) {
            args.extend(["--cap-add".to_owned(), cap]);
        }
        for e in c["env"].as_array().into_iter().flatten() {
            let (Some(n), Some(v)) = (e["name"].as_str(), e["value"].as_str()) else {
                panic!("KubeletOrder plays literal env values only, not {e}");
            };
            args.extend(["-e".to_owned(), format!("{n}={v}")]);
        }
        for m in c["volumeMounts"].as_array().into_iter().flatten() {
            let volume = m["name"].as_str().unwrap_or_default();
            let source = volumes
                .get(volume)
                .unwrap_or_else(|| panic!("no volume {volume} for {m}"));
            let mut mount = format!(
                "{source},target={}",
                m["mountPath"].as_str().unwrap_or_default()
            );
            if source.starts_with("type=volume") {
                // an emptyDir starts empty: no copy of the image's folder
                mount.push_str(",volume-nocopy");
            }
            if m["readOnly"].as_bool() == Some(true) {
                mount.push_str(",readonly");
            }
            args.extend(["--mount".to_owned(), mount]);
        }
        let command = str_list(&c["command"]);
        let mut rest = Vec::new();
        if let Some((entrypoint, first)) = command.split_first() {
            args.extend(["--entrypoint".to_owned(), entrypoint.clone()]);
            rest.extend(first.iter().cloned());
        }
        rest.extend(str_list(&c["args"]));
        args.push(c["image"].as_str().unwrap_or_default().to_owned());
        args.extend(rest);
        let out = self.engine.docker(&args);
        if out.success() {
            self.events.push(PodEvent::Started(name));
            true
        } else {
            self.events.push(PodEvent::NotCreated(name, out.stderr));
            false
        }
    }

    /// Runs the exec startup probe as the kubelet does; whether it passed.
    fn probe(&mut self, name: &str, probe: &serde_json::Value) -> bool {
        let command = str_list(&probe["exec"]["command"]);
        assert!(!command.is_empty(), "only exec probes are played: {probe}");
        let period = probe["periodSeconds"].as_u64().unwrap_or(10);
        let threshold = probe["failureThreshold"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(3);
        thread::sleep(Duration::from_secs(
            probe["initialDelaySeconds"].as_u64().unwrap_or(0),
        ));
        for attempt in 1..=threshold {
            let mut args = vec!["exec".to_owned(), self.container(name)];
            args.extend(command.iter().cloned());
            if self.engine.docker(&args).success() {
                self.events
                    .push(PodEvent::ProbePassed(name.to_owned(), attempt));
                return true;
            }
            if attempt < threshold {
                thread::sleep(Duration::from_secs(period));
            }
        }
        self.events
            .push(PodEvent::ProbeFailed(name.to_owned(), threshold));
        false
    }

    /// The pod's containers (`<pod>-*`, the pause container too) and volumes, removed (also on
    /// drop), so the same engine can play the pod again.
    pub fn remove(&self) {
        let _ = self.engine.sh(&format!(
            "docker ps -aq --filter 'name=^{pod}-' | xargs -r docker rm -f >/dev/null; \
             docker volume ls -q --filter 'name=^{pod}-' | xargs -r docker volume rm >/dev/null",
            pod = self.pod
        ));
    }

    fn exit_code(&self, name: &str) -> Option<i64> {
        let out = self.engine.docker([
            "inspect",
            "--format",
            "{{.State.Status}} {{.State.ExitCode}}",
            &self.container(name),
        ]);
        match out.stdout.trim().split_once(' ') {
            Some(("exited" | "dead", code)) => code.parse().ok(),
            _ => None,
        }
    }

    fn wait_exit(&self, name: &str, timeout: Duration) -> i64 {
        let mut code = None;
        wait_until(timeout, || {
            code = self.exit_code(name);
            code.is_some()
        });
        code.unwrap_or_else(|| panic!("{name} did not exit within {timeout:?}"))
    }
}

impl Drop for KubeletOrder<'_> {
    fn drop(&mut self) {
        self.remove();
    }
}
