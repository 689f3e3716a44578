//! Differential test of the Compose reader against the real Compose binary (issue 9 item 12, the
//! Compose half): for every Compose lint fixture and a generated corpus of interpolation edge
//! cases, the fields the linter judges as dockscape reads them (`debug_compose_to_json`, after
//! interpolation) equal what `docker-compose config --format json` prints, with the variables
//! unset, set in the process environment, and set in a `.env` file beside the Compose file. A file
//! the binary refuses must never lint clean, and the findings of the file linted with the
//! variables unknown cover the findings of every reading with them known.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use dockscape::{ComposeEnv, LintInput, LintOptions, debug_compose_to_json, lint};
use dockscape_tests::TempDir;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// `docker-compose config --format json` on `text` in a fresh project directory, with a `.env`
/// beside it when given and only `vars` (plus what finds the binary) in its environment.
fn compose_json(
    text: &str,
    dotenv: Option<&str>,
    vars: &[(String, String)],
) -> Result<Value, String> {
    let dir = TempDir::new("dockscape-compose-diff");
    std::fs::write(dir.path().join("compose.yaml"), text).map_err(|e| e.to_string())?;
    if let Some(env) = dotenv {
        std::fs::write(dir.path().join(".env"), env).map_err(|e| e.to_string())?;
    }
    let tool =
        std::env::var("DOCKSCAPE_DOCKER_COMPOSE").unwrap_or_else(|_| "docker-compose".into());
    let mut cmd = Command::new(tool);
    cmd.arg("--project-directory")
        .arg(dir.path())
        // every profile: the linter judges every service, whatever profile it is in
        .args([
            "--project-name",
            "diff",
            "--profile",
            "*",
            "config",
            "--format",
            "json",
        ])
        .current_dir(dir.path())
        .env_clear();
    for keep in ["PATH", "PYENV_ROOT", "PYENV_VERSION"] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    cmd.env("HOME", "/home/diff");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("docker-compose: {e}"));
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    Ok(project_binary(&v, dir.path()))
}

/// Compose escapes `$` as `$$` in what it prints.
fn unescape(s: &str) -> String {
    s.replace("$$", "$")
}

/// The binary's output reduced to the fields dockscape's debug dump holds.
fn project_binary(v: &Value, dir: &Path) -> Value {
    let mut services = Map::new();
    let dir = dir.to_string_lossy().into_owned();
    for (name, s) in v["services"].as_object().into_iter().flatten() {
        let mut out = Map::new();
        for key in ["image", "network_mode", "pid", "ipc", "userns_mode", "user"] {
            if let Some(t) = s[key].as_str() {
                out.insert(key.into(), unescape(t).into());
            }
        }
        if let Some(b) = s["privileged"].as_bool() {
            out.insert("privileged".into(), b.into());
        }
        if let Some(caps) = s["cap_add"].as_array() {
            let caps: Vec<Value> = caps
                .iter()
                .filter_map(|c| c.as_str().map(|c| unescape(c).into()))
                .collect();
            out.insert("cap_add".into(), caps.into());
        }
        if let Some(vols) = s["volumes"].as_array() {
            let vols: Vec<Value> = vols
                .iter()
                .map(|m| {
                    let mut o = Map::new();
                    for key in ["type", "source", "target"] {
                        if let Some(t) = m[key].as_str() {
                            // relative binds are printed resolved against the project directory
                            let t = unescape(t);
                            let t = match t.strip_prefix(&dir) {
                                Some(rest) if key == "source" => format!(".{rest}"),
                                _ => t,
                            };
                            o.insert(key.into(), t.into());
                        }
                    }
                    Value::Object(o)
                })
                .collect();
            out.insert("volumes".into(), vols.into());
        }
        if let Some(env) = s["environment"].as_object() {
            let env: Map<String, Value> = env
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), unescape(v.as_str().unwrap_or("")).into()))
                .collect();
            if !env.is_empty() {
                out.insert("environment".into(), env.into());
            }
        }
        services.insert(name.clone(), out.into());
    }
    Value::Object(services)
}

/// dockscape's reading, reduced the same way (relative sources `./x`, `~` as the binary's HOME).
fn project_dockscape(text: &str, env: &ComposeEnv) -> (Value, Vec<String>) {
    let v: Value = serde_json::from_str(&debug_compose_to_json(text, env)).unwrap_or(Value::Null);
    let errors: Vec<String> = v["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str().map(String::from))
        .collect();
    let mut services = v["services"].clone();
    for (_, s) in services.as_object_mut().into_iter().flatten() {
        // Compose leaves out empty strings
        if let Some(o) = s.as_object_mut() {
            // and `false` booleans
            o.retain(|_, v| v.as_str() != Some("") && v.as_bool() != Some(false));
        }
        if let Some(env) = s.get_mut("environment").and_then(Value::as_object_mut) {
            env.retain(|_, v| !v.is_null());
            if env.is_empty() {
                s.as_object_mut().map(|o| o.remove("environment"));
            }
        }
        for m in s
            .get_mut("volumes")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(src) = m.get_mut("source") {
                let t = src.as_str().unwrap_or("").to_string();
                let t = if let Some(rest) = t.strip_prefix('~') {
                    format!("/home/diff{rest}")
                } else if t.starts_with('.') && !t.starts_with("./") && t != "." {
                    t
                } else if let Some(rest) = t.strip_prefix("./") {
                    format!("./{}", rest.trim_end_matches('/'))
                } else if t == "." {
                    ".".to_string()
                } else {
                    t
                };
                *src = t.into();
            }
        }
    }
    (services, errors)
}

/// The names of the variables a text uses (`$NAME`, `${NAME...`), `$$` skipped.
fn variables(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            if b.get(i + 1) == Some(&b'$') {
                i += 2;
                continue;
            }
            let start = if b.get(i + 1) == Some(&b'{') {
                i + 2
            } else {
                i + 1
            };
            let mut j = start;
            while j < b.len() && (b[j] == b'_' || b[j].is_ascii_alphanumeric()) {
                j += 1;
            }
            if j > start && !b[start].is_ascii_digit() {
                out.insert(text[start..j].to_string());
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

fn codes(text: &str, env: Option<ComposeEnv>) -> (BTreeSet<&'static str>, bool) {
    let report = lint(
        &[LintInput {
            file: "compose.yaml",
            text,
            kind: Some(dockscape::InputKind::Compose),
        }],
        &LintOptions {
            compose_env: env,
            ..LintOptions::default()
        },
    );
    (
        report.active().map(|f| f.code).collect(),
        !report.errors.is_empty(),
    )
}

/// One comparison: the binary's reading and dockscape's under the same variables; `Err` says how
/// they differ.
fn compare(text: &str, dotenv: Option<&str>, vars: &[(String, String)]) -> Result<(), String> {
    let mut env: ComposeEnv = vars.iter().cloned().collect();
    if let Some(d) = dotenv {
        env.add_dotenv(d)
            .map_err(|e| format!(".env line {}: {}", e.line, e.message))?;
    }
    env.set("HOME", "/home/diff");
    // the binary runs with exactly these variables: any other is unset, not unknown
    env.set_complete(true);
    let binary = compose_json(text, dotenv, vars);
    let (ours, errors) = project_dockscape(text, &env);
    let (known, known_errors) = codes(text, Some(env.clone()));
    let (unknown, unknown_errors) = codes(text, None);
    match binary {
        Ok(b) => {
            if b != ours {
                return Err(format!(
                    "readings differ\n binary:    {b}\n dockscape: {ours}\n (dockscape errors {errors:?})"
                ));
            }
        }
        Err(e) => {
            // Compose refuses the file: the linter must not call it clean
            if known.is_empty() && !known_errors {
                return Err(format!("the binary refuses it ({e}) but it lints clean"));
            }
        }
    }
    // the variables unknown, the linter covers what any known reading finds, or says it cannot
    if !unknown_errors && !known.is_subset(&unknown) {
        return Err(format!(
            "findings with the variables known {known:?} not covered by the unknown reading {unknown:?}"
        ));
    }
    Ok(())
}

/// Every way a fixture is compared: variables unset; set in the process environment; set in a
/// `.env` (one of them also in the process environment, which wins).
type Variant = (Option<String>, Vec<(String, String)>);

fn variants(text: &str) -> Vec<Variant> {
    let vars = variables(text);
    let mut out = vec![(None, Vec::new())];
    if vars.is_empty() {
        return out;
    }
    out.push((
        None,
        vars.iter()
            .map(|v| (v.clone(), "yes".to_string()))
            .collect(),
    ));
    let dotenv: String = vars
        .iter()
        .map(|v| format!("{v}=\"on\" # from .env\n"))
        .collect();
    let first = vars
        .iter()
        .next()
        .map(|v| vec![(v.clone(), String::new())])
        .unwrap_or_default();
    out.push((Some(dotenv), first));
    out
}

fn compose_fixtures() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/lint");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("_ci") {
                    stack.push(p);
                }
                continue;
            }
            let name = p.to_string_lossy().into_owned();
            if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            // Compose has no top-level `kind:` (a Drone pipeline with `services:` has one).
            if text.lines().any(|l| l == "services:")
                && !text.contains("apiVersion:")
                && !text.lines().any(|l| l.starts_with("kind:"))
            {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_compose_fixture_reads_as_the_binary_reads_it() {
    let fixtures = compose_fixtures();
    assert!(
        fixtures.len() > 40,
        "found {} Compose fixtures",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for (name, text) in &fixtures {
        for (dotenv, vars) in variants(text) {
            if let Err(e) = compare(text, dotenv.as_deref(), &vars) {
                failures.push(format!("{name} (vars {vars:?}, .env {dotenv:?}): {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_comparison_can_fail() {
    // a reader that ignored `:+` (the old one read `${X:+alt}` as empty) would differ here
    let text = "services:\n  a:\n    image: alpine\n    volumes:\n      - ${X:+/srv}:/data\n";
    let vars = vec![("X".to_string(), "1".to_string())];
    let env: ComposeEnv = vars.iter().cloned().collect();
    let binary = compose_json(text, None, &vars).expect("the binary accepts it");
    let (ours, _) = project_dockscape(text, &env);
    assert_eq!(binary, ours, "dockscape reads it as the binary does");
    // and a reading that differs is told apart: the same file with the alternate changed
    let (other, _) = project_dockscape(&text.replace("/srv", "/srv2"), &env);
    assert_ne!(binary, other);
    // a file the binary refuses and the linter must not pass
    assert!(compare("services:\n  a:\n    image: \"x${\"\n", None, &[]).is_ok());
    assert!(compose_json("services:\n  a:\n    image: x\n    image: y\n", None, &[]).is_err());
}

/// A template over `A` and `B` built from every form, nested.
fn template() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("/var/run/docker.sock".to_string()),
        Just("/data".to_string()),
        Just("$$x".to_string()),
        Just("$A".to_string()),
        Just("${B}".to_string()),
        Just(String::new()),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        (
            prop_oneof![Just("A"), Just("B")],
            prop_oneof![Just(":-"), Just("-"), Just(":+"), Just("+")],
            inner.clone(),
            inner,
        )
            .prop_map(|(v, op, arg, tail)| format!("${{{v}{op}{arg}}}{tail}"))
    })
}

fn var_state() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some("/srv".to_string())),
        Just(Some("true".to_string())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_interpolations_read_as_the_binary_reads_them(
        source in template(),
        env_value in template(),
        privileged in prop_oneof![Just("${A:-false}"), Just("${B-yes}"), Just("${A:+on}"), Just("false")],
        a in var_state(),
        b in var_state(),
        in_dotenv in any::<bool>(),
    ) {
        let text = format!(
            "services:\n  app:\n    image: alpine\n    privileged: \"{privileged}\"\n    environment:\n      E: \"{env_value}\"\n    volumes:\n      - \"{source}/x:/target\"\n"
        );
        let vars: Vec<(String, String)> = [("A", &a), ("B", &b)]
            .into_iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
            .collect();
        let result = if in_dotenv {
            let dotenv: String = vars.iter().map(|(k, v)| format!("{k}='{v}'\n")).collect();
            compare(&text, Some(&dotenv), &[])
        } else {
            compare(&text, None, &vars)
        };
        prop_assert!(result.is_ok(), "{}\n{}", text, result.err().unwrap_or_default());
    }
}
