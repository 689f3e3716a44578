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

/// A Pod started with `podman kube play`; `podman kube down` on drop. Pods in one process run one at a
/// time (generated Pods share names). Take a [`RealEngine`] before a pod, never after.
#[derive(Debug)]
pub struct PlayedPod {
    file: PathBuf,
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
        write(&file, yaml);
        let play = podman([OsStr::new("kube"), OsStr::new("play"), file.as_os_str()]);
        PlayedPod {
            file,
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
    }
}
