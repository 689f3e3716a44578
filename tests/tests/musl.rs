//! The static `x86_64-unknown-linux-musl` binary of `scripts/build-musl` (in `target/musl/dockscape`,
//! or `DOCKSCAPE_MUSL_BIN`): it runs with an empty environment, and the image a CI job would use holds
//! nothing but it.
//!
//! Running it inside a minimal container needs a real Docker engine: [`run_in_minimal_container`] does
//! that (`docker import` of a tarball holding only the binary, no libc, no shell) with the `docker`
//! command of whatever harness supplies one. The real-engine harness (`tests/src/real_engine.rs`) is
//! being built separately; the lead wires a test calling this function when it lands.

use dockscape_tests::TempDir;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn static_binary() -> PathBuf {
    let bin = std::env::var_os("DOCKSCAPE_MUSL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../target/musl/dockscape")
                .to_path_buf()
        });
    assert!(
        bin.is_file(),
        "no static binary at {}: run scripts/build-musl first (scripts/test does)",
        bin.display()
    );
    bin
}

fn with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    if let Some(mut s) = child.stdin.take() {
        s.write_all(stdin.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn dood_pod() -> String {
    let s = dockscape::build_scenario("dood", &dockscape::Params::new()).unwrap();
    dockscape::generate(&s, dockscape::Format::Pod, &dockscape::Options::default())
        .unwrap()
        .text
}

/// A root filesystem tarball holding only `/dockscape` (what `docker import` makes an image of).
fn rootfs_tarball(bin: &Path, dir: &Path) -> PathBuf {
    let root = dir.join("rootfs");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(bin, root.join("dockscape")).unwrap();
    let tar = dir.join("rootfs.tar");
    let out = Command::new("tar")
        .arg("-C")
        .arg(&root)
        .args(["--owner=0", "--group=0", "-cf"])
        .arg(&tar)
        .arg("dockscape")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tar
}

/// Runs the static binary in a container whose image holds only the binary, through `docker` (a
/// function returning a `docker` command aimed at a real engine). Checks `--version` and that
/// `lint -` finds DS001 in a DooD Pod read from stdin, with no network. Removes the image.
pub fn run_in_minimal_container(docker: impl Fn() -> Command) {
    let bin = static_binary();
    let tmp = TempDir::new("musl-image");
    let tar = rootfs_tarball(&bin, tmp.path());
    let tag = format!("dockscape-musl-test:{}", std::process::id());
    let mut import = docker();
    import.args(["import", "--change", "ENTRYPOINT [\"/dockscape\"]"]);
    let out = import.arg(&tar).arg(&tag).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut version = docker();
    version.args(["run", "--rm", "--network", "none", &tag, "--version"]);
    let out = version.output().unwrap();
    let mut lint = docker();
    lint.args(["run", "--rm", "-i", "--network", "none", &tag, "lint", "-"]);
    let linted = with_stdin(lint, &dood_pod());
    let mut rmi = docker();
    let _ = rmi.args(["rmi", "-f", &tag]).output();

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("dockscape "),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(linted.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&linted.stdout).contains("DS001"));
}

#[test]
fn static_binary_is_static_and_runs_with_an_empty_environment() {
    let bin = static_binary();
    let kind = Command::new("file").arg("-b").arg(&bin).output().unwrap();
    let kind = String::from_utf8_lossy(&kind.stdout).into_owned();
    assert!(
        kind.contains("statically linked") || kind.contains("static-pie linked"),
        "{kind}"
    );
    assert!(kind.contains("x86-64"), "{kind}");

    let mut version = Command::new(&bin);
    version.env_clear().current_dir("/").arg("--version");
    let out = version.output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "dockscape {} (Kubernetes API {})\n",
            dockscape::VERSION,
            dockscape::KUBERNETES_API_VERSION
        )
    );

    let mut lint = Command::new(&bin);
    lint.env_clear().current_dir("/").args(["lint", "-"]);
    let out = with_stdin(lint, &dood_pod());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("DS001"));
}

#[test]
fn image_tarball_holds_only_the_binary() {
    let tmp = TempDir::new("musl-tar");
    let tar = rootfs_tarball(&static_binary(), tmp.path());
    let out = Command::new("tar").arg("-tvf").arg(&tar).output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    let names: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    assert_eq!(names, ["dockscape"], "{listing}");
    assert!(listing.starts_with("-rwx"), "{listing}");
}

/// The static binary in a container whose image holds nothing else (no libc, no shell), on the
/// real engine of the harness (`tests/src/real_engine.rs`).
#[test]
fn static_binary_runs_in_an_image_without_libc_on_the_real_engine() {
    let engine = dockscape_tests::real_engine::RealEngine::start();
    run_in_minimal_container(|| engine.command("docker"));
}
