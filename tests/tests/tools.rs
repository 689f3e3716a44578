//! The real-tool helpers: they accept what the tools accept and pass on the tools' own complaints.

use std::panic;
use std::process::Command;

use dockscape_tests::tools::{COMPOSE_PROJECT_DIR, COMPOSE_PROJECT_NAME, KUBERNETES_VERSION};
use dockscape_tests::{Engine, compose_config, docker, kubernetes_validate, run_command, run_sh};

/// Seed 002's DooD Pod: the workload mounts the node's runtime socket.
const DOOD_POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: dood
spec:
  containers:
    - name: docker
      image: docker:28-cli
      command: ["docker", "run", "-p", "80:80", "httpd:latest"]
      volumeMounts:
        - name: docker-sock
          mountPath: /var/run/docker.sock
  volumes:
    - name: docker-sock
      hostPath:
        path: /var/run/docker.sock
        type: Socket
"#;

#[test]
fn kubernetes_validate_accepts_a_valid_pod() {
    assert_eq!(kubernetes_validate(DOOD_POD), Ok(()));
}

#[test]
fn kubernetes_validate_accepts_several_documents() {
    let two = format!(
        "{DOOD_POD}---\n{}",
        DOOD_POD.replace("name: dood", "name: dood2")
    );
    assert_eq!(kubernetes_validate(&two), Ok(()));
}

#[test]
fn kubernetes_validate_rejects_an_unknown_field() {
    let pod = DOOD_POD.replace(
        "      image: docker:28-cli\n",
        "      image: docker:28-cli\n      privilegd: true\n",
    );
    let err = kubernetes_validate(&pod).expect_err("a misspelt field must be rejected");
    assert!(
        err.contains("Additional properties are not allowed ('privilegd' was unexpected)"),
        "{err}"
    );
    assert!(err.contains("spec.containers.0"), "{err}");
}

#[test]
fn kubernetes_validate_rejects_a_wrong_type_and_a_missing_required_field() {
    let wrong_type = DOOD_POD.replace("type: Socket", "type: 7");
    let err = kubernetes_validate(&wrong_type).expect_err("hostPath.type must be a string");
    assert!(err.contains("7 is not of type 'string'"), "{err}");

    let no_containers = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec: {}\n";
    let err = kubernetes_validate(no_containers).expect_err("a Pod needs containers");
    assert!(err.contains("'containers' is a required property"), "{err}");
}

#[test]
fn kubernetes_validate_rejects_what_it_only_warns_about_or_cannot_read() {
    // The tool exits 0 for a kind it has no schema for and for an empty file; the helper does not.
    let unknown_kind = "apiVersion: v1\nkind: Podd\nmetadata:\n  name: x\n";
    let err = kubernetes_validate(unknown_kind).expect_err("an unknown kind must not pass");
    assert!(err.contains("Couldn't find schema for kind Podd"), "{err}");

    let err = kubernetes_validate("").expect_err("empty input must not pass");
    assert!(err.contains("no resource to validate"), "{err}");

    let err = kubernetes_validate("kind: [").expect_err("malformed YAML must not pass");
    assert!(err.contains("Couldn't parse YAML"), "{err}");
}

#[test]
fn kubernetes_validate_checks_against_the_pinned_version() {
    assert!(KUBERNETES_VERSION.starts_with("1."), "{KUBERNETES_VERSION}");
    let out = run_command({
        let mut cmd = Command::new("kubernetes-validate");
        cmd.arg("--version");
        cmd
    });
    out.assert_success();
    // kubernetes-validate's version is the newest Kubernetes it ships schemas for.
    assert_eq!(out.stdout.trim(), KUBERNETES_VERSION, "{out}");
}

const DOOD_COMPOSE: &str = r#"services:
  ci:
    image: docker:28-cli
    command: ["docker", "run", "-p", "80:80", "httpd:latest"]
    environment:
      GREETING: "it's $$HOME and `id`"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - ./work:/work
"#;

#[test]
fn compose_config_accepts_a_valid_file_and_normalises_it() {
    let out = compose_config(DOOD_COMPOSE).expect("valid compose file");
    assert!(
        out.starts_with(&format!("name: {COMPOSE_PROJECT_NAME}\n")),
        "{out}"
    );
    for expected in [
        "      - type: bind\n        source: /var/run/docker.sock\n        target: /var/run/docker.sock\n",
        &format!("        source: {COMPOSE_PROJECT_DIR}/work\n"),
        "      GREETING: it's $$HOME and `id`\n",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // Deterministic: the same input gives the same output.
    assert_eq!(compose_config(DOOD_COMPOSE).as_deref(), Ok(out.as_str()));
}

#[test]
fn compose_config_rejects_an_invalid_file() {
    let bad = DOOD_COMPOSE.replace("    image:", "    privilegd: true\n    image:");
    let err = compose_config(&bad).expect_err("an unknown service key must be rejected");
    assert!(err.contains("services.ci"), "{err}");
    assert!(err.contains("privilegd"), "{err}");

    let err = compose_config("services:\n  web:\n    image: [\n").expect_err("malformed YAML");
    assert!(!err.is_empty());

    let err = compose_config("services:\n  web:\n    ports: [\"eighty:80\"]\n    image: x\n")
        .expect_err("a malformed port");
    assert!(err.contains("eighty"), "{err}");
}

#[test]
fn compose_config_sees_no_caller_environment() {
    // `${HOME}` is interpolated from the helper's clean environment, where HOME is a fresh directory,
    // never the caller's.
    let out = compose_config("services:\n  web:\n    image: \"x:${NO_SUCH_VARIABLE:-fallback}\"\n")
        .expect("valid");
    assert!(out.contains("image: x:fallback"), "{out}");
}

#[test]
fn run_sh_reports_status_and_both_streams() {
    let engine = Engine::start();
    let out = run_sh("echo out; echo err >&2; exit 7", &engine);
    assert_eq!(out.status, Some(7));
    assert_eq!(out.stdout, "out\n");
    assert_eq!(out.stderr, "err\n");
    assert!(!out.success());
    assert!(!out.timed_out);
}

#[test]
fn run_sh_has_a_clean_environment_pointed_at_the_engine() {
    let engine = Engine::start();
    let out = run_sh(
        r#"printf '%s\n' "$DOCKER_HOST" "$HOME" "$DOCKER_CONFIG" "$PWD" "${CARGO_PKG_NAME-unset}""#,
        &engine,
    );
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], engine.docker_host());
    assert_ne!(lines[1], std::env::var("HOME").unwrap_or_default());
    assert_eq!(lines[2], format!("{}/.docker", lines[1]));
    assert_eq!(lines[3], lines[1], "runs in its fresh HOME");
    assert_eq!(lines[4], "unset", "the test's environment does not leak in");
}

#[test]
fn docker_helper_passes_argv_untouched() {
    let engine = Engine::start();
    docker(&engine, ["run", "alpine", "$HOME", "a b", "", "*"]).assert_success();
    assert_eq!(
        engine.single_create()["Cmd"],
        serde_json::json!(["$HOME", "a b", "", "*"])
    );
}

#[test]
fn a_missing_tool_names_the_install_script() {
    let result = panic::catch_unwind(|| {
        run_command(Command::new("dockscape-no-such-tool-anywhere"));
    });
    let payload = result.expect_err("running a missing tool must panic");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("scripts/install-test-tools"), "{message}");
    assert!(
        message.contains("dockscape-no-such-tool-anywhere"),
        "{message}"
    );
}
