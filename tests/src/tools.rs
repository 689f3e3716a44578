//! The real tools the tests run: `kubernetes-validate`, `docker-compose` (Compose v2), the `docker` CLI
//! and `/bin/sh`.
//!
//! A missing tool is a test failure (a panic naming `scripts/install-test-tools`), never a skipped or
//! vacuously passing check. Each tool can be pointed at another binary with an environment variable:
//! `DOCKSCAPE_KUBERNETES_VALIDATE`, `DOCKSCAPE_DOCKER_COMPOSE`, `DOCKSCAPE_DOCKER`.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use crate::engine::Engine;
use crate::tmp::TempDir;

/// The Kubernetes version Pods are validated against: the newest whose schemas
/// `kubernetes-validate` (pinned in `scripts/install-test-tools`) ships.
pub const KUBERNETES_VERSION: &str = "1.37.0";

/// The project name `compose_config` passes, so output does not depend on a directory name.
pub const COMPOSE_PROJECT_NAME: &str = "dockscape";

/// The project directory `compose_config` passes, so relative paths resolve the same on every run. It
/// need not exist.
pub const COMPOSE_PROJECT_DIR: &str = "/dockscape-project";

/// What to run when a tool is missing.
pub const INSTALL_HINT: &str =
    "install the real test tools with `scripts/install-test-tools` (from the repository root)";

/// A tool that runs longer than this is killed and reported as timed out (a safety net against a hung
/// test, not a speed check).
const TIMEOUT: Duration = Duration::from_secs(180);

/// How a process ended and what it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShOutput {
    /// The exit status; `None` when killed by a signal (or by the timeout).
    pub status: Option<i32>,
    /// Standard output, decoded as UTF-8 (lossily).
    pub stdout: String,
    /// Standard error, decoded as UTF-8 (lossily).
    pub stderr: String,
    /// Whether the process was killed for running longer than the safety timeout.
    pub timed_out: bool,
}

impl ShOutput {
    /// Whether the process exited with status 0.
    pub fn success(&self) -> bool {
        self.status == Some(0)
    }

    /// Returns `self` when the process exited 0.
    ///
    /// # Panics
    /// Otherwise, with the status and both streams in the message.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert!(self.success(), "process failed:\n{self}");
        self
    }
}

impl fmt::Display for ShOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.timed_out, self.status) {
            (true, _) => writeln!(f, "status: killed after {}s", TIMEOUT.as_secs())?,
            (false, Some(code)) => writeln!(f, "status: {code}")?,
            (false, None) => writeln!(f, "status: killed by a signal")?,
        }
        writeln!(f, "stdout:\n{}", self.stdout)?;
        write!(f, "stderr:\n{}", self.stderr)
    }
}

/// Validates Kubernetes YAML (one or more documents) with `kubernetes-validate --strict` against
/// [`KUBERNETES_VERSION`].
///
/// `Err` holds the tool's message. A document the tool only warns about (a kind it has no schema for)
/// and input with no document at all are errors too, so nothing passes unchecked.
///
/// # Panics
/// When `kubernetes-validate` is missing or does not support [`KUBERNETES_VERSION`].
pub fn kubernetes_validate(yaml: &str) -> Result<(), String> {
    let dir = TempDir::new("dockscape-kv");
    write_file(&dir.path().join("input.yaml"), yaml);
    let tool = tool_path("DOCKSCAPE_KUBERNETES_VALIDATE", "kubernetes-validate");
    let mut cmd = Command::new(&tool);
    cmd.args(["--strict", "--kubernetes-version", KUBERNETES_VERSION])
        .arg("input.yaml")
        .current_dir(dir.path());
    let out = run(cmd, &tool);
    let all = format!("{}{}", out.stdout, out.stderr);
    if all.contains("does not support") {
        panic!(
            "kubernetes-validate cannot validate against Kubernetes {KUBERNETES_VERSION}: {}; {INSTALL_HINT}",
            all.trim()
        );
    }
    let lines: Vec<&str> = all.lines().collect();
    let failed = lines
        .iter()
        .any(|l| l.starts_with("WARN") || l.starts_with("ERROR") || l.starts_with("FATAL"));
    let passed = lines
        .iter()
        .any(|l| l.starts_with("INFO") && l.contains(" passed "));
    if out.success() && passed && !failed {
        Ok(())
    } else if out.success() && !passed && !failed {
        Err(format!(
            "kubernetes-validate found no resource to validate: {}",
            all.trim()
        ))
    } else {
        Err(all.trim().to_owned())
    }
}

/// Runs `docker-compose config` (Compose v2) on a Compose file and returns the canonical YAML it prints.
///
/// It runs offline with a clean environment (no variables to interpolate, no `.env`), project name
/// [`COMPOSE_PROJECT_NAME`] and project directory [`COMPOSE_PROJECT_DIR`], so output is deterministic.
/// `Err` holds the tool's standard error.
///
/// # Panics
/// When `docker-compose` is missing or is not Compose v2 or later.
pub fn compose_config(yaml: &str) -> Result<String, String> {
    let dir = TempDir::new("dockscape-compose");
    write_file(&dir.path().join("compose.yaml"), yaml);
    let tool = compose_tool();
    let mut cmd = Command::new(tool);
    cmd.arg("--file")
        .arg(dir.path().join("compose.yaml"))
        .args([
            "--project-name",
            COMPOSE_PROJECT_NAME,
            "--project-directory",
            COMPOSE_PROJECT_DIR,
            "config",
        ])
        .current_dir(dir.path());
    clean_env(&mut cmd, dir.path());
    let out = run(cmd, tool);
    if out.success() {
        Ok(out.stdout)
    } else {
        Err(out.stderr.trim().to_owned())
    }
}

/// Runs `script` with `/bin/sh -c`, `DOCKER_HOST` pointing at `engine`, and a clean environment: only
/// `PATH`, a fresh `HOME` and `DOCKER_CONFIG` in a temporary directory (also the working directory).
pub fn run_sh(script: &str, engine: &Engine) -> ShOutput {
    let dir = TempDir::new("dockscape-sh");
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(script).current_dir(dir.path());
    docker_env(&mut cmd, dir.path(), engine);
    run(cmd, Path::new("/bin/sh"))
}

/// Runs the real `docker` CLI with `args` as its argv (no shell), against `engine`, with the same clean
/// environment as [`run_sh`].
pub fn docker<I, S>(engine: &Engine, args: I) -> ShOutput
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let dir = TempDir::new("dockscape-docker");
    let tool = tool_path("DOCKSCAPE_DOCKER", "docker");
    let mut cmd = Command::new(&tool);
    cmd.args(args).current_dir(dir.path());
    docker_env(&mut cmd, dir.path(), engine);
    run(cmd, &tool)
}

/// The environment for the docker CLI and scripts that call it.
fn docker_env(cmd: &mut Command, home: &Path, engine: &Engine) {
    clean_env(cmd, home);
    let config = home.join(".docker");
    create_dir(&config);
    cmd.env("DOCKER_CONFIG", &config)
        .env("DOCKER_HOST", engine.docker_host());
    // A `DOCKSCAPE_DOCKER` override must also be the `docker` a script finds on PATH.
    if let Some(docker) = std::env::var_os("DOCKSCAPE_DOCKER") {
        let bin = home.join(".bin");
        create_dir(&bin);
        let link = bin.join("docker");
        if let Err(e) = std::os::unix::fs::symlink(&docker, &link) {
            panic!("cannot link {}: {e}", link.display());
        }
        let mut path = OsString::from(bin.as_os_str());
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap_or_default());
        cmd.env("PATH", path);
    }
}

/// Clears the environment but for `PATH` (and pyenv's variables, which its shims read); `HOME` is `home`.
fn clean_env(cmd: &mut Command, home: &Path) {
    cmd.env_clear();
    for keep in ["PATH", "PYENV_ROOT", "PYENV_VERSION"] {
        if let Some(value) = std::env::var_os(keep) {
            cmd.env(keep, value);
        }
    }
    cmd.env("HOME", home);
}

/// The `docker-compose` binary, checked once to be Compose v2 or later.
fn compose_tool() -> &'static Path {
    static TOOL: OnceLock<PathBuf> = OnceLock::new();
    TOOL.get_or_init(|| {
        let tool = tool_path("DOCKSCAPE_DOCKER_COMPOSE", "docker-compose");
        let dir = TempDir::new("dockscape-compose-version");
        let mut cmd = Command::new(&tool);
        cmd.arg("version").current_dir(dir.path());
        clean_env(&mut cmd, dir.path());
        let out = run(cmd, &tool);
        let major = out
            .stdout
            .trim()
            .strip_prefix("Docker Compose version v")
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse::<u32>().ok());
        match major {
            Some(major) if major >= 2 && out.success() => tool,
            _ => panic!(
                "`{}` is not Docker Compose v2 or later (`version` said {:?}); {INSTALL_HINT}",
                tool.display(),
                out.stdout.trim()
            ),
        }
    })
}

/// The tool named by environment variable `var`, else `name` (looked up on PATH when run).
fn tool_path(var: &str, name: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(name), PathBuf::from)
}

fn write_file(path: &Path, contents: &str) {
    if let Err(e) = std::fs::write(path, contents) {
        panic!("cannot write {}: {e}", path.display());
    }
}

fn create_dir(path: &Path) {
    if let Err(e) = std::fs::create_dir_all(path) {
        panic!("cannot create {}: {e}", path.display());
    }
}

/// Runs `cmd` with no stdin, capturing both streams; it (and what it started) is killed after a safety
/// timeout of a few minutes, which [`ShOutput::timed_out`] reports.
///
/// # Panics
/// When the program cannot be started; a missing program names `scripts/install-test-tools`.
pub fn run_command(cmd: Command) -> ShOutput {
    let program = PathBuf::from(cmd.get_program());
    run(cmd, &program)
}

fn run(mut cmd: Command, tool: &Path) -> ShOutput {
    // Its own process group, so a timeout can kill what it started too (a shell's `docker`, which
    // would otherwise keep the output pipes open).
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            panic!("`{}` was not found ({e}); {INSTALL_HINT}", tool.display())
        }
        Err(e) => panic!("cannot run `{}`: {e}", tool.display()),
    };
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (status, timed_out) = wait(&mut child, tool);
    ShOutput {
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
        timed_out,
    }
}

fn wait(child: &mut Child, tool: &Path) -> (Option<i32>, bool) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (status.code(), false),
            Ok(None) if Instant::now() >= deadline => {
                let _ = Command::new("kill")
                    .args(["-s", "KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return (None, true);
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("cannot wait for `{}`: {e}", tool.display()),
        }
    }
}

type Drain = Option<thread::JoinHandle<Vec<u8>>>;

fn drain<R: Read + Send + 'static>(stream: Option<R>) -> Drain {
    stream.map(|mut stream| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            bytes
        })
    })
}

fn collect(drain: Drain) -> String {
    let bytes = drain
        .and_then(|handle| handle.join().ok())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}
