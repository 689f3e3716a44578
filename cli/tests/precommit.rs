//! The hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit` (from PyPI, installed by
//! `scripts/install-test-tools`) with `pre-commit try-repo` on this repository, over sample projects
//! made in temporary git repositories. `dockscape-lint-system` runs the `dockscape` on PATH (the binary
//! cargo built for these tests); `dockscape-lint` is `language: rust`, which pre-commit installs with
//! `cargo install --path .` into a fresh environment on every `try-repo`, once (it takes minutes).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

struct Project(PathBuf);

impl Project {
    fn new(name: &str) -> Project {
        let dir =
            std::env::temp_dir().join(format!("dockscape-precommit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = Project(dir);
        p.git(&["init", "-q"]);
        p
    }

    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap_or_else(|e| panic!("spawn git: {e}"));
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Writes `path` and stages it (pre-commit looks at the files git knows).
    fn add(&self, path: &str, text: &str) {
        let full = self.0.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
        self.git(&["add", path]);
    }

    /// `pre-commit try-repo <this repository> dockscape-lint-system --all-files` in the project, with
    /// the `dockscape` of these tests first on PATH.
    fn try_repo(&self) -> (Option<i32>, String) {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_dockscape")).parent().unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        self.try_hook("dockscape-lint-system", &[("PATH", &path)])
    }

    /// `pre-commit try-repo <this repository> HOOK --all-files` in the project, with `env` set.
    fn try_hook(&self, hook: &str, env: &[(&str, &str)]) -> (Option<i32>, String) {
        let out: Output = Command::new("pre-commit")
            .args(["try-repo", "--all-files", "--color", "never"])
            .arg(repo_root())
            .arg(hook)
            .current_dir(&self.0)
            .envs(env.iter().copied())
            // pre-commit's cache (the hook repository's clone) in the project, not in ~/.cache.
            .env("PRE_COMMIT_HOME", self.0.join(".pre-commit-home"))
            // try-repo commits uncommitted changes of this repository into a shadow clone.
            .env("GIT_AUTHOR_NAME", "dockscape tests")
            .env("GIT_AUTHOR_EMAIL", "tests@dockscape.invalid")
            .env("GIT_COMMITTER_NAME", "dockscape tests")
            .env("GIT_COMMITTER_EMAIL", "tests@dockscape.invalid")
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run pre-commit ({e}): scripts/install-test-tools installs it")
            });
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn generated(scenario: &str, format: dockscape::Format) -> String {
    let s = dockscape::build_scenario(scenario, &dockscape::Params::new()).unwrap();
    dockscape::generate(&s, format, &dockscape::Options::default())
        .unwrap()
        .text
}

#[test]
fn hook_fails_on_a_dood_pod() {
    let p = Project::new("dood");
    p.add(
        "k8s/ci-pod.yaml",
        &generated("dood", dockscape::Format::Pod),
    );
    p.add("README.md", "# a project\n");
    let (code, out) = p.try_repo();
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("dockscape lint") && out.contains("Failed"),
        "{out}"
    );
    // The findings are dockscape's, with the file pre-commit passed.
    assert!(out.contains("k8s/ci-pod.yaml:"), "{out}");
    assert!(out.contains("DS001"), "{out}");
    assert!(out.contains("runtime-socket-mount"), "{out}");
}

#[test]
fn hook_passes_on_a_safe_pod_and_compose_file() {
    let p = Project::new("safe");
    p.add("k8s/app.yaml", &generated("linux", dockscape::Format::Pod));
    p.add(
        "compose.yaml",
        &generated("linux", dockscape::Format::Compose),
    );
    let (code, out) = p.try_repo();
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("dockscape lint") && out.contains("Passed"),
        "{out}"
    );
}

#[test]
fn hook_skips_files_it_does_not_read() {
    let p = Project::new("skip");
    p.add("README.md", "# docs only\n");
    p.add("src/main.rs", "fn main() {}\n");
    let (code, out) = p.try_repo();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("(no files to check)Skipped"), "{out}");
}

#[test]
fn hook_reads_scripts_and_jenkinsfiles() {
    let p = Project::new("ci");
    p.add(
        "ci/build.sh",
        "#!/bin/sh\ndocker run --rm -v /var/run/docker.sock:/var/run/docker.sock docker:cli docker ps\n",
    );
    let (code, out) = p.try_repo();
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("ci/build.sh:") && out.contains("DS001"),
        "{out}"
    );

    let q = Project::new("jenkins");
    q.add(
        "Jenkinsfile",
        &generated("dood", dockscape::Format::Jenkins),
    );
    let (code, out) = q.try_repo();
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("Jenkinsfile:") && out.contains("DS001"),
        "{out}"
    );
}

/// `dockscape-lint` as users get it: pre-commit's `language: rust` builds the root package
/// (`cargo install --path .`) and runs its `dockscape-hook`. Offline: `CARGO_NET_OFFLINE` makes
/// cargo resolve from the crates already downloaded (pre-commit's install ignores `Cargo.lock`, so
/// it would otherwise update the index). For speed the build keeps its target directory in
/// `target/precommit-rust` between runs and uses `opt-level = 0` without LTO (the `CARGO_PROFILE_RELEASE_*`
/// variables); users build the release profile.
#[test]
fn rust_hook_builds_the_cli_with_cargo_and_fails_on_a_dood_pod() {
    let p = Project::new("rust");
    p.add(
        "k8s/ci-pod.yaml",
        &generated("dood", dockscape::Format::Pod),
    );
    p.add("k8s/safe.yaml", &generated("linux", dockscape::Format::Pod));
    let target = Path::new(env!("CARGO_BIN_EXE_dockscape"))
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("precommit-rust");
    let target = target.to_str().unwrap();
    // the tests' own `dockscape` is not on PATH: the hook runs the binary pre-commit built
    let (code, out) = p.try_hook(
        "dockscape-lint",
        &[
            ("CARGO_NET_OFFLINE", "true"),
            ("CARGO_TARGET_DIR", target),
            ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0"),
            ("CARGO_PROFILE_RELEASE_LTO", "false"),
            ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
        ],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("dockscape lint") && out.contains("Failed"),
        "{out}"
    );
    assert!(out.contains("k8s/ci-pod.yaml:"), "{out}");
    assert!(out.contains("DS001"), "{out}");
    assert!(
        !out.contains("k8s/safe.yaml:"),
        "the safe Pod has no finding: {out}"
    );
}

/// The root package builds the CLI's sources, so it needs exactly the CLI's dependencies.
#[test]
fn the_root_package_has_the_cli_dependencies() {
    let read = |path: PathBuf| -> toml::Table {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let root = read(repo_root().join("Cargo.toml"));
    let cli = read(repo_root().join("cli/Cargo.toml"));
    assert_eq!(
        root.get("dependencies"),
        cli.get("dependencies"),
        "the [dependencies] of the root package (Cargo.toml, `dockscape-pre-commit`) must be cli/Cargo.toml's"
    );
    let bin = &root["bin"][0];
    assert_eq!(bin["name"].as_str(), Some("dockscape-hook"));
    assert_eq!(bin["path"].as_str(), Some("cli/src/main.rs"));
    let hooks = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("entry: dockscape-hook lint"), "{hooks}");
}
