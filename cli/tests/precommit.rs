//! The `dockscape-lint` hook of `.pre-commit-hooks.yaml`, run by the real `pre-commit` (from PyPI,
//! installed by `scripts/install-test-tools`) with `pre-commit try-repo` on this repository, over sample
//! projects made in temporary git repositories. The hook runs the `dockscape` on PATH: the binary cargo
//! built for these tests.

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

    /// `pre-commit try-repo <this repository> dockscape-lint --all-files` in the project.
    fn try_repo(&self, extra: &[&str]) -> (Option<i32>, String) {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_dockscape")).parent().unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out: Output = Command::new("pre-commit")
            .args(["try-repo", "--all-files", "--color", "never"])
            .arg(repo_root())
            .arg("dockscape-lint")
            .args(extra)
            .current_dir(&self.0)
            .env("PATH", path)
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
    let (code, out) = p.try_repo(&[]);
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
    let (code, out) = p.try_repo(&[]);
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
    let (code, out) = p.try_repo(&[]);
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
    let (code, out) = p.try_repo(&[]);
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
    let (code, out) = q.try_repo(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("Jenkinsfile:") && out.contains("DS001"),
        "{out}"
    );
}
