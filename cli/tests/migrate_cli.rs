//! `dockscape migrate`: stdout, `--diff`, `--write` (atomic, permissions kept), `--check`, the
//! exit codes, several files.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{out, readme_block};

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: ci  # keep me
spec:
  containers:
    - name: build
      image: docker:29-cli
      volumeMounts:
        - name: sock
          mountPath: /var/run/docker.sock
  volumes:
    - name: sock
      hostPath:
        path: /var/run/docker.sock
";

const AGENT: &str = "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: c
      image: gcr.io/cadvisor/cadvisor:v0.49.1
      volumeMounts: [{name: run, mountPath: /var/run}]
  volumes: [{name: run, hostPath: {path: /var/run}}]
";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dockscape-migrate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .arg("migrate")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

#[test]
fn one_file_is_rewritten_to_stdout_with_notes_on_stderr() {
    let d = dir("stdout");
    std::fs::write(d.join("pod.yaml"), POD).unwrap();
    let (code, stdout, stderr) = out(&run(&["pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("  name: ci  # keep me\n"), "{stdout}");
    assert!(stdout.contains("image: docker:29-dind"), "{stdout}");
    assert!(!stdout.contains("hostPath"), "{stdout}");
    assert!(
        stderr.contains("migrated: pod.yaml: Pod/ci -> dind"),
        "{stderr}"
    );
    assert!(stderr.contains("note: pod.yaml:"), "{stderr}");
    // the file itself is untouched
    assert_eq!(std::fs::read_to_string(d.join("pod.yaml")).unwrap(), POD);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn diff_write_and_check() {
    let d = dir("write");
    let f = d.join("pod.yaml");
    std::fs::write(&f, POD).unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();

    let (code, stdout, _) = out(&run(&["--check", "pod.yaml"], &d));
    assert_eq!(code, 1, "pending changes");
    assert!(stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&f).unwrap(), POD);

    let (code, stdout, _) = out(&run(&["--diff", "pod.yaml"], &d));
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("--- a/pod.yaml\n+++ b/pod.yaml\n@@ "),
        "{stdout}"
    );
    assert!(stdout.contains("\n-      hostPath:\n"), "{stdout}");
    assert!(stdout.contains("\n+    - name: dind-daemon\n"), "{stdout}");

    let (code, stdout, stderr) = out(&run(&["--write", "pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("wrote pod.yaml"), "{stderr}");
    let written = std::fs::read_to_string(&f).unwrap();
    assert!(written.contains("image: docker:29-dind"));
    let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // no temporary file left beside it
    let names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["pod.yaml"]);
    // migrated: nothing left to do
    let (code, _, _) = out(&run(&["--check", "pod.yaml"], &d));
    assert_eq!(code, 0);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn refusals_exit_1_input_errors_exit_2() {
    let d = dir("codes");
    std::fs::write(d.join("agent.yaml"), AGENT).unwrap();
    std::fs::write(d.join("pod.yaml"), POD).unwrap();
    std::fs::write(d.join("broken.yaml"), "kind: Pod\nspec: [\n").unwrap();

    let (code, stdout, stderr) = out(&run(&["agent.yaml"], &d));
    assert_eq!(code, 1);
    assert_eq!(stdout, AGENT, "a refused file is printed unchanged");
    assert!(stderr.contains("refused: agent.yaml:8: Pod/agent: `gcr.io/cadvisor/cadvisor:v0.49.1` is a container monitoring agent"), "{stderr}");

    let (code, _, stderr) = out(&run(&["broken.yaml"], &d));
    assert_eq!(code, 2);
    assert!(stderr.starts_with("error: broken.yaml:"), "{stderr}");

    let (code, _, stderr) = out(&run(&["pod.yaml", "agent.yaml"], &d));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("several files need --diff, --write or --check"),
        "{stderr}"
    );

    // several files with --diff: the one is migrated, the other refused: exit 1
    let (code, stdout, _) = out(&run(&["--diff", "pod.yaml", "agent.yaml"], &d));
    assert_eq!(code, 1);
    assert!(stdout.contains("+++ b/pod.yaml"));
    assert!(!stdout.contains("agent.yaml"));

    let (code, _, stderr) = out(&run(&["--to", "kata", "pod.yaml"], &d));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown migration target `kata`"),
        "{stderr}"
    );
    // `--to buildkit`: a job that does more than build is refused
    let (code, _, stderr) = out(&run(&["--to", "buildkit", "pod.yaml"], &d));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("refused: pod.yaml:"), "{stderr}");

    let (code, _, stderr) = out(&run(&["missing.yaml"], &d));
    assert_eq!(code, 2, "{stderr}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn json_and_workload_selection() {
    let d = dir("json");
    let two = format!("{POD}---\n{}", POD.replace("name: ci ", "name: other "));
    std::fs::write(d.join("pods.yaml"), &two).unwrap();
    let (code, stdout, _) = out(&run(
        &[
            "--format",
            "json",
            "--workload",
            "Pod/default/other",
            "pods.yaml",
        ],
        &d,
    ));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v[0]["file"], "pods.yaml");
    assert_eq!(v[0]["migrated"], serde_json::json!(["Pod/other"]));
    let text = v[0]["text"].as_str().unwrap();
    assert_eq!(text.matches("docker:29-dind").count(), 1);
    assert!(!v[0]["edits"].as_array().unwrap().is_empty());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn help_teaches_what_it_does() {
    let o = Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .args(["migrate", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    for want in [
        "DOCKER_HOST=tcp://localhost:2376",
        "every byte outside them",
        "no longer visible to the node's `docker ps`",
        "refused with the reason",
        "Exit codes: 0 migrated or nothing to do, 1",
    ] {
        assert!(help.contains(want), "{want}: {help}");
    }
}

#[test]
fn readme_before_and_diff_are_what_migrate_does_to_seed_002() {
    let before = readme_block("migrate-before");
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../core/tests/fixtures/lint/_seeds/002-dood.yaml"),
    )
    .unwrap();
    let seed: String = seed
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    assert_eq!(
        before, seed,
        "the README's Pod is seed 002's (trailing spaces aside)"
    );
    let d = dir("readme");
    std::fs::write(d.join("pod.yaml"), &before).unwrap();
    let (code, stdout, stderr) = out(&run(&["--diff", "pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, readme_block("migrate-diff"));
    for said in [
        "the node's `/var/run` directory is no longer mounted",
        "`docker:1.12.6`'s docker CLI speaks an API older than 1.44",
        "port `80` the command publishes opens on the pod's network",
        "the node's `docker ps` no longer lists them",
        "images are not shared with the node",
    ] {
        assert!(stderr.contains(said), "{said}: {stderr}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn to_socket_proxy_migrates_a_reader_and_refuses_a_writer() {
    let d = dir("proxy");
    std::fs::write(d.join("pod.yaml"), POD).unwrap();
    let (code, stdout, stderr) = out(&run(&["--to", "socket-proxy", "pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("  name: ci  # keep me\n"), "{stdout}");
    assert!(
        stdout.contains("image: tecnativa/docker-socket-proxy:0.3"),
        "{stdout}"
    );
    assert!(stdout.contains("value: tcp://localhost:2375"), "{stdout}");
    assert!(stdout.contains("readOnly: true"), "{stdout}");
    assert!(stderr.contains("note: pod.yaml:"), "{stderr}");
    // --write, then --check: nothing left to change
    let (code, _, stderr) = out(&run(&["--to", "socket-proxy", "--write", "pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = out(&run(&["--to", "socket-proxy", "--check", "pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    // a job that runs containers is refused, with the reason
    let writer = POD.replace(
        "      image: docker:29-cli\n",
        "      image: docker:29-cli\n      command: [sh, -c, 'docker build -t app .']\n",
    );
    std::fs::write(d.join("writer.yaml"), writer).unwrap();
    let (code, stdout, stderr) = out(&run(&["--to", "socket-proxy", "writer.yaml"], &d));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("refused: writer.yaml:"), "{stderr}");
    assert!(stderr.contains("`docker build -t` writes"), "{stderr}");
    assert!(!stdout.contains("socket-proxy"), "{stdout}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn to_dind_rootless_and_sysbox_write_their_daemons() {
    let d = dir("rootless-sysbox");
    std::fs::write(d.join("pod.yaml"), POD).unwrap();
    let (code, stdout, stderr) = out(&run(&["--to", "dind-rootless", "pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("image: docker:29-dind-rootless"),
        "{stdout}"
    );
    assert!(stdout.contains("runAsUser: 1000"), "{stdout}");
    assert!(stderr.contains("as root or as uid 1000"), "{stderr}");
    let (code, _, stderr) = out(&run(&["--to", "sysbox", "--write", "pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(d.join("pod.yaml")).unwrap();
    assert!(
        written.contains("runtimeClassName: sysbox-runc"),
        "{written}"
    );
    assert!(!written.contains("privileged"), "{written}");
    let (code, _, stderr) = out(&run(&["--to", "sysbox", "--check", "pod.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn to_buildkit_rewrites_a_docker_build_job() {
    let d = dir("buildkit");
    let job = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/fixtures/migrate/buildkit-job.yaml"
    ))
    .unwrap();
    std::fs::write(d.join("job.yaml"), &job).unwrap();
    let (code, stdout, stderr) = out(&run(&["--to", "buildkit", "job.yaml"], &d));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("- buildctl-daemonless.sh"), "{stdout}");
    assert!(
        stdout.contains("image: moby/buildkit:v0.33.0-rootless"),
        "{stdout}"
    );
    assert!(!stdout.contains("docker.sock"), "{stdout}");
    assert!(stderr.contains("note: job.yaml:"), "{stderr}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_shell_script_is_written_in_place_with_its_mode_then_checks_clean() {
    let d = dir("script");
    let script = "#!/bin/sh\n# build\ndocker run --rm \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker:29-cli docker build -t app .\nsh -c 'docker run -v /var/run/docker.sock:/var/run/docker.sock docker:29-cli docker version'\n";
    let f = d.join("ci.sh");
    std::fs::write(&f, script).unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
    // one line migrated, one refused (inside `sh -c`): exit 1, the file written
    let (code, _, stderr) = out(&run(&["ci.sh", "--write"], &d));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("migrated: ci.sh: run/line 3 -> dind"),
        "{stderr}"
    );
    assert!(stderr.contains("refused: ci.sh:6: run/line 6:"), "{stderr}");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.starts_with("#!/bin/sh\n# build\n# dockscape migrate --to dind:"));
    assert!(text.contains("  --network dind \\\n"), "{text}");
    assert_eq!(
        std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
        0o755
    );
    // nothing left to change for the migrated line: --check reports only the refusal
    let (code, stdout, stderr) = out(&run(&["ci.sh", "--check"], &d));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stderr.contains("migrated:"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), text);
}
