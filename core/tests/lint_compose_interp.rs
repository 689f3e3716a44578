//! Compose interpolation through the library API: the environment in `LintOptions::compose_env`
//! (a `.env` text parsed by `ComposeEnv::add_dotenv`), unknown variables judged both ways, and
//! every error with its line and column.

use dockscape::{ComposeEnv, InputKind, LintInput, LintOptions, LintReport, lint};

fn run(text: &str, env: Option<ComposeEnv>) -> LintReport {
    lint(
        &[LintInput {
            file: "compose.yaml",
            text,
            kind: Some(InputKind::Compose),
        }],
        &LintOptions {
            compose_env: env,
            ..LintOptions::default()
        },
    )
}

fn codes(r: &LintReport) -> Vec<&'static str> {
    r.active().map(|f| f.code).collect()
}

const SOCK: &str =
    "services:\n  app:\n    image: alpine\n    volumes:\n      - ${SOCK:-/srv/data}:/data\n";

#[test]
fn a_known_variable_decides_the_reading() {
    let mut env = ComposeEnv::new();
    env.add_dotenv("# the socket\nexport SOCK=\"/var/run/docker.sock\"\n")
        .expect("valid .env");
    let r = run(SOCK, Some(env));
    assert!(codes(&r).contains(&"DS001"), "{:?}", codes(&r));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let f = r.active().find(|f| f.code == "DS001").expect("DS001");
    assert_eq!((f.line, f.column), (5, 9));
    // known and safe: nothing, exit 0
    let r = run(SOCK, Some([("SOCK", "/srv/other")].into_iter().collect()));
    assert!(codes(&r).is_empty());
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn an_unknown_variable_deciding_a_mount_is_an_error_with_its_position() {
    let r = run(SOCK, None);
    assert_eq!(r.exit_code(), 2);
    let e = &r.errors[0];
    assert_eq!((e.line, e.column), (Some(5), Some(9)));
    assert!(e.message.contains("`$SOCK`"), "{}", e.message);
}

#[test]
fn the_dangerous_reading_of_an_unknown_variable_is_judged() {
    // unset: the default is the socket
    let t = "services:\n  app:\n    image: alpine\n    volumes:\n      - ${S:-/var/run/docker.sock}:/var/run/docker.sock\n";
    assert!(codes(&run(t, None)).contains(&"DS001"));
    // set: the alternate is the socket
    let t = t.replace(":-", ":+");
    assert!(codes(&run(&t, None)).contains(&"DS001"));
    // known set and empty: `:+` gives nothing, `+` the socket
    let empty: ComposeEnv = [("S", "")].into_iter().collect();
    let r = run(&t, Some(empty.clone()));
    assert!(!codes(&r).contains(&"DS001"));
    assert!(codes(&run(&t.replace(":+", "+"), Some(empty))).contains(&"DS001"));
}

#[test]
fn an_unknown_privileged_is_reported_and_a_true_reading_wins() {
    let t = "services:\n  app:\n    image: alpine\n    privileged: ${P:-false}\n";
    let r = run(t, None);
    assert_eq!(r.exit_code(), 2, "{:?}", r.errors);
    assert_eq!((r.errors[0].line, r.errors[0].column), (Some(4), Some(17)));
    let on: ComposeEnv = [("P", "On")].into_iter().collect();
    assert_eq!(codes(&run(t, Some(on))), ["DS006"]);
    let off: ComposeEnv = [("P", "no")].into_iter().collect();
    let r = run(t, Some(off));
    assert!(codes(&r).is_empty() && r.errors.is_empty());
    let bad: ComposeEnv = [("P", "1")].into_iter().collect();
    assert_eq!(run(t, Some(bad)).exit_code(), 2, "Compose refuses `1`");
}

#[test]
fn a_literal_dollar_is_not_a_variable() {
    let t = "services:\n  app:\n    image: alpine\n    volumes:\n      - $${SOCK}:/data\n";
    let r = run(t, None);
    // `${SOCK}` literally: a named volume that is not declared, which Compose refuses
    assert!(r.errors.iter().all(|e| !e.message.contains("not known")));
}

#[test]
fn duplicate_keys_are_an_error_and_both_values_judged() {
    let t = "services:\n  app:\n    image: alpine\n    privileged: true\n    privileged: false\n";
    let r = run(t, None);
    assert_eq!(codes(&r), ["DS006"]);
    assert_eq!(r.errors.len(), 1);
    assert_eq!((r.errors[0].line, r.errors[0].column), (Some(5), Some(5)));
}

#[test]
fn dotenv_errors_name_the_line() {
    let mut env = ComposeEnv::new();
    let e = env.add_dotenv("A=1\nB='open\n").expect_err("unterminated");
    assert_eq!(e.line, 2);
}
