//! `dockscape::migrate` over shell scripts: every `.sh` fixture with a DooD `docker run` line (the
//! lint corpus and `core/tests/fixtures/migrate/`) is migrated or refused for every target; the
//! edits rebuild the text, every line no edit touches is kept byte for byte and in order, what an
//! edit removes is the line's socket mount or `DOCKER_*` variables only, lint finds no
//! DS001/DS002/DS016 on a migrated line, keeps every other finding and adds only the codes the
//! target declares, and a second migration changes nothing. The migrated scripts run through the
//! real `docker` CLI against the recording engine in `tests/tests/migrate_real_tools.rs`, and on the
//! real engine in `tests/tests/migrate_real_engine.rs`.
#![allow(clippy::disallowed_methods)] // tests read fixtures; the library stays pure

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockscape::{
    LintInput, LintOptions, MigrateOptions, MigrateTarget, Migration, WorkloadScenario, lint,
    migrate,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn lint_text(file: &str, text: &str) -> dockscape::LintReport {
    lint(
        &[LintInput {
            file,
            text,
            kind: None,
        }],
        &LintOptions::default(),
    )
}

/// Scripts with a workload lint classifies as DooD.
fn dood_scripts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in common::files_under(&fixtures(), &["sh"]) {
        let rel = p.strip_prefix(fixtures()).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let report = lint_text(&rel, &text);
        if report
            .workloads
            .iter()
            .any(|w| w.scenario == WorkloadScenario::Dood)
        {
            out.push((rel, text));
        }
    }
    out
}

fn run(target: MigrateTarget, file: &str, text: &str) -> Migration {
    migrate(
        text,
        target,
        &MigrateOptions {
            file: file.to_string(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn reapply(input: &str, m: &Migration) -> String {
    let mut out = input.to_string();
    for e in m.edits.iter().rev() {
        out.replace_range(e.start..e.end, &e.replacement);
    }
    out
}

/// Findings by (code, workload).
fn findings(file: &str, text: &str) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for f in lint_text(file, text).findings {
        *out.entry((f.code.to_string(), f.workload.clone().unwrap_or_default()))
            .or_insert(0) += 1;
    }
    out
}

/// What a removed range may hold: the socket mount, or a `DOCKER_*` variable the target sets, as
/// option words (and the blanks and continuations before them).
fn removed_is_an_option(text: &str) -> bool {
    let t = text.replace("\\\n", " ");
    let t = t.trim();
    let sockety = t.contains("docker.sock") || t.contains("/var/run") || t.contains("/run");
    if t.chars().all(|c| c.is_ascii_alphabetic()) && t.contains('v') {
        // the `v` of a cluster (`-itv` keeps `-it`)
        return true;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let Some(flag) = words.first() else {
        return t.is_empty() && !text.is_empty();
    };
    let sockety = sockety || t.contains('$');
    if words.len() == 1 && !flag.starts_with('-') {
        // the value of a cluster's `v` (`-itv /var/run/docker.sock:/s`)
        return sockety;
    }
    let flag_name = flag.split('=').next().unwrap_or(flag);
    match flag_name {
        "--use-api-socket" => words.len() == 1,
        f if f.starts_with("-v") || f == "--volume" || f == "--mount" => {
            words.len() <= 2 && sockety
        }
        "-e" | "--env" => words.len() <= 2 && t.contains("DOCKER_"),
        _ => false,
    }
}

/// The lines of `text` no edit touches, with their byte ranges.
fn untouched_lines<'t>(text: &'t str, m: &Migration) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let (s, e) = (at, at + line.len());
        at = e;
        let touched = m.edits.iter().any(|x| {
            (x.start < e && x.end > s) || (x.start == x.end && x.start > s && x.start < e)
        });
        if !touched {
            out.push(line);
        }
    }
    out
}

const SOCKET_CODES: &[&str] = &["DS001", "DS002", "DS016"];
/// Findings about the socket mount itself, which go with it.
const GONE: &[&str] = &["DS001", "DS002", "DS016", "DS005", "DS021", "DS027"];

fn every_dood_script_migrates_to(target: MigrateTarget, min: usize) {
    let all = dood_scripts();
    assert!(all.len() >= 20, "only {} DooD scripts found", all.len());
    assert!(all.iter().any(|(f, _)| f == "lint/_seeds/001-dood.sh"));
    let declared: Vec<&str> = match target {
        MigrateTarget::SocketProxy => vec!["DS001", "DS016", "DS008", "DS027"],
        t => dockscape::build_scenario(t.as_str(), &dockscape::Params::new())
            .unwrap()
            .risk_codes(),
    };
    let want = match target {
        MigrateTarget::Dind => WorkloadScenario::Dind,
        MigrateTarget::DindRootless => WorkloadScenario::DindRootless,
        MigrateTarget::Sysbox => WorkloadScenario::Sysbox,
        _ => WorkloadScenario::Dood,
    };
    let mut problems = Vec::new();
    let mut migrated = 0;
    for (file, text) in &all {
        let m = run(target, file, text);
        let before = lint_text(file, text);
        // every DooD line is migrated or refused (a socket proxy's own line is left alone)
        for w in before
            .workloads
            .iter()
            .filter(|w| w.scenario == WorkloadScenario::Dood)
        {
            let done = m.migrated.contains(&w.workload)
                || m.refusals.iter().any(|r| r.workload == w.workload);
            if !done {
                problems.push(format!(
                    "{file}: {} neither migrated nor refused",
                    w.workload
                ));
            }
        }
        for r in &m.refusals {
            assert!(!r.reason.is_empty() && r.line > 0, "{file}: {r:?}");
        }
        if m.migrated.is_empty() {
            assert!(m.edits.is_empty() && m.text == *text, "{file}");
            continue;
        }
        migrated += m.migrated.len();
        assert_eq!(reapply(text, &m), m.text, "{file}");
        // the untouched lines are all there, in order, byte for byte
        let kept = untouched_lines(text, &m);
        let mut rest = m.text.as_str();
        for l in kept {
            match rest.find(l) {
                Some(i) => rest = &rest[i + l.len()..],
                None => problems.push(format!("{file}: line {l:?} lost or moved")),
            }
        }
        // what the edits take away is the socket mount or a DOCKER_* variable, nothing else
        for e in m.edits.iter().filter(|e| e.end > e.start) {
            let removed = &text[e.start..e.end];
            if !removed_is_an_option(removed) || !e.replacement.is_empty() {
                problems.push(format!(
                    "{file}: an edit replaces {removed:?} with {:?}",
                    e.replacement
                ));
            }
        }
        // inserted text goes at a line's start (the daemon's commands) or before a word
        for e in m.edits.iter().filter(|e| e.end == e.start) {
            let at_line_start = e.start == 0 || text.as_bytes()[e.start - 1] == b'\n';
            if at_line_start && !e.replacement.ends_with('\n') {
                problems.push(format!("{file}: a block {:?} ends mid-line", e.replacement));
            }
        }
        // lint: no socket finding on a migrated line, the others kept, the target's codes added
        let now = findings(file, &m.text);
        let was = findings(file, text);
        let after = lint_text(file, &m.text);
        assert!(
            after.errors.len() <= before.errors.len(),
            "{file}: {:?}",
            after.errors
        );
        let codes = |f: &BTreeMap<(String, String), usize>| {
            let mut c: BTreeMap<String, usize> = BTreeMap::new();
            for ((code, _), n) in f {
                *c.entry(code.clone()).or_insert(0) += n;
            }
            c
        };
        let (was_codes, now_codes) = (codes(&was), codes(&now));
        for (code, n) in &now_codes {
            let b = was_codes.get(code).copied().unwrap_or(0);
            // the daemon's commands use the line's own `docker -H tcp://...`: DS008 with it
            let inherited = code == "DS008" && b > 0;
            if *n > b && !declared.contains(&code.as_str()) && !inherited {
                problems.push(format!("{file}: {code} {b} before, {n} after\n{}", m.text));
            }
        }
        for (code, n) in &was_codes {
            let a = now_codes.get(code).copied().unwrap_or(0);
            if a < *n && !GONE.contains(&code.as_str()) {
                problems.push(format!("{file}: {code} {n} before, {a} after"));
            }
        }
        // the migrated lines are gone from the DooD workloads; the target's daemon is there
        let dood_after: Vec<&str> = after
            .workloads
            .iter()
            .filter(|w| w.scenario == WorkloadScenario::Dood)
            .map(|w| w.workload.as_str())
            .collect();
        let refused = m.refusals.len();
        if target == MigrateTarget::SocketProxy {
            let proxies = dood_after
                .iter()
                .filter(|w| w.ends_with("docker-socket-proxy"))
                .count();
            assert!(proxies >= 1, "{file}: no proxy line\n{}", m.text);
            assert_eq!(dood_after.len() - proxies, refused, "{file}\n{}", m.text);
            // the socket findings: on the proxy and the refused lines only
            let on_others: std::collections::BTreeSet<&str> = now
                .keys()
                .filter(|(c, w)| {
                    SOCKET_CODES.contains(&c.as_str()) && !w.ends_with("docker-socket-proxy")
                })
                .map(|(_, w)| w.as_str())
                .collect();
            if on_others.len() > refused {
                problems.push(format!(
                    "{file}: socket findings on {on_others:?}, {refused} refused"
                ));
            }
            assert!(
                !now_codes.contains_key("DS022"),
                "{file}: DS022\n{}",
                m.text
            );
        } else {
            assert_eq!(
                dood_after.len(),
                refused,
                "{file}: {dood_after:?}\n{}",
                m.text
            );
            let daemons = after
                .workloads
                .iter()
                .filter(|w| w.workload.ends_with("-dind-daemon"))
                .collect::<Vec<_>>();
            assert!(!daemons.is_empty(), "{file}");
            for d in daemons {
                assert_eq!(d.scenario, want, "{file}: {}", d.workload);
            }
            for code in &declared {
                assert!(
                    now_codes.contains_key(*code),
                    "{file}: no {code} on the daemon"
                );
            }
        }
        // idempotent
        let again = run(target, file, &m.text);
        assert!(
            again.edits.is_empty(),
            "{file}: a second migration edits {:?}",
            again.edits
        );
    }
    eprintln!("{target:?}: {migrated} lines migrated");
    assert!(migrated >= min, "only {migrated} lines migrated");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_dood_script_migrates_to_dind_byte_preserving() {
    every_dood_script_migrates_to(MigrateTarget::Dind, 15);
}

#[test]
fn every_dood_script_migrates_to_rootless_dind_likewise() {
    every_dood_script_migrates_to(MigrateTarget::DindRootless, 15);
}

#[test]
fn every_dood_script_migrates_to_sysbox_likewise() {
    every_dood_script_migrates_to(MigrateTarget::Sysbox, 15);
}

#[test]
fn every_read_only_dood_script_moves_behind_the_socket_proxy() {
    every_dood_script_migrates_to(MigrateTarget::SocketProxy, 10);
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("migrate").join(name)).unwrap()
}

#[test]
fn a_ci_script_gets_the_generators_daemon_and_keeps_its_layout() {
    let text = fixture("dood-script.sh");
    let m = run(MigrateTarget::Dind, "dood-script.sh", &text);
    assert_eq!(
        m.migrated,
        ["run/ci-builder", "run/line 16"],
        "{:?}",
        m.refusals
    );
    // the generator's daemon, word for word, before the line
    let generated = dockscape::generate(
        &dockscape::build_scenario("dind", &dockscape::Params::new()).unwrap(),
        dockscape::Format::Run,
        &dockscape::Options::default(),
    )
    .unwrap()
    .text;
    let daemon: String = generated
        .lines()
        .skip_while(|l| !l.starts_with("docker run -d --name dind-dind-daemon"))
        .take_while(|l| !l.starts_with("docker run --rm"))
        .map(|l| format!("{l}\n"))
        .collect();
    let daemon = daemon
        .trim_end_matches('\n')
        .replacen("docker run", "docker container inspect dind-dind-daemon >/dev/null 2>&1 && docker start dind-dind-daemon >/dev/null || docker run", 1);
    assert!(
        m.text.contains(&format!("{daemon} >/dev/null\n")),
        "{}",
        m.text
    );
    // the job line keeps its continuations, quoting, comment and other options
    let job = "docker run --rm \\
  --name \"ci-builder\" \\
  -v \"$PWD:/src:ro\" \\
  -w /src \\
  --network dind \\
  -e DOCKER_HOST=tcp://docker:2376 \\
  -e DOCKER_TLS_VERIFY=1 \\
  -e DOCKER_CERT_PATH=/certs/client \\
  -v dind-docker-certs:/certs/client:ro \\
  docker:29-cli \\
  sh -c 'docker build -t app:test . && docker run --rm --name app-test -p 8080:80 app:test'   # the tests
";
    assert!(m.text.contains(job), "{}", m.text);
    // the indented line in the `if` gets its block at its own indentation
    assert!(m.text.contains(
        "\tdocker network inspect dind >/dev/null 2>&1 || docker network create dind >/dev/null\n"
    ));
    assert!(m.text.contains("\tdocker run --rm --network dind -e DOCKER_HOST=tcp://docker:2376 -e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client -v dind-docker-certs:/certs/client:ro docker:29-cli docker image prune -f\n"));
    assert!(!m.text.contains("docker.sock:/var/run/docker.sock"));
    assert!(!m.text.contains("unix:///var/run/docker.sock \\"));
    // the notes, with their lines
    let notes: Vec<(usize, &str)> = m
        .notes
        .iter()
        .map(|n| (n.line, n.message.as_str()))
        .collect();
    assert!(
        notes
            .iter()
            .any(|(l, n)| *l == 13 && n.contains("`--name app-test` no longer collides"))
    );
    assert!(
        notes
            .iter()
            .any(|(l, n)| *l == 13 && n.contains("port `8080`"))
    );
    assert!(
        notes
            .iter()
            .any(|(l, n)| *l == 8 && n.contains("the host's `docker ps` no longer lists them"))
    );
    // CRLF (where `\` before CR LF is no continuation): CRLF lines inserted, none continued
    let crlf = "docker run --rm -v /var/run/docker.sock:/var/run/docker.sock docker:29-cli docker version\r\necho ok\r\n";
    let c = run(MigrateTarget::Dind, "crlf.sh", crlf);
    assert_eq!(c.migrated.len(), 1, "{:?}", c.refusals);
    assert!(c.text.ends_with("docker run --rm --network dind -e DOCKER_HOST=tcp://docker:2376 -e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client -v dind-docker-certs:/certs/client:ro docker:29-cli docker version\r\necho ok\r\n"), "{}", c.text);
    assert!(!c.text.contains("\\\r\n"));
    assert_eq!(c.text.matches('\n').count(), c.text.matches("\r\n").count());
}

#[test]
fn lines_that_cannot_be_edited_exactly_are_refused_with_the_reason() {
    let text = fixture("dood-script-refused.sh");
    let m = run(MigrateTarget::Dind, "dood-script-refused.sh", &text);
    assert!(m.migrated.is_empty(), "{:?}", m.migrated);
    assert_eq!(m.text, text);
    let reasons: Vec<(usize, &str)> = m
        .refusals
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    let has = |line: usize, what: &str| {
        assert!(
            reasons.iter().any(|(l, r)| *l == line && r.contains(what)),
            "line {line}: no refusal with {what:?} in {reasons:#?}"
        );
    };
    has(3, "inside a string the shell runs");
    has(4, "network `host`");
    has(5, "not the docker CLI");
    has(6, "monitoring agent");
    has(8, "continues a pipeline");
    has(10, "starts with `do`");
    assert_eq!(m.refusals.len(), 6);
    // buildkit: scripts are refused as a whole, with the reason
    let b = run(
        MigrateTarget::Buildkit,
        "dood-script.sh",
        &fixture("dood-script.sh"),
    );
    assert!(b.migrated.is_empty());
    assert_eq!(b.refusals.len(), 2);
    assert!(b.refusals[0].reason.contains("does not rewrite scripts"));
}

#[test]
fn socket_proxy_scripts_get_a_read_only_proxy_container() {
    let text = "#!/bin/sh\ndocker run --rm -v /var/run/docker.sock:/var/run/docker.sock:ro docker:29-cli docker ps\n";
    let m = run(MigrateTarget::SocketProxy, "ro.sh", text);
    assert_eq!(m.migrated, ["run/line 2"]);
    assert!(m.text.contains(
        "docker run --rm --network docker-socket-proxy -e DOCKER_HOST=tcp://docker-socket-proxy:2375 docker:29-cli docker ps\n"
    ));
    assert!(
        m.text
            .contains("-e CONTAINERS=1 -e IMAGES=1 -e INFO=1 -e VERSION=1 -e POST=0")
    );
    assert!(m.text.contains(
        "-v /var/run/docker.sock:/var/run/docker.sock:ro \\\n  tecnativa/docker-socket-proxy:0.3"
    ));
    // a writing job is refused
    let w = run(
        MigrateTarget::SocketProxy,
        "w.sh",
        "docker run --rm -v /var/run/docker.sock:/var/run/docker.sock docker:29-cli docker run alpine\n",
    );
    assert!(w.migrated.is_empty());
    assert!(
        w.refusals[0].reason.contains("writes to the Docker API"),
        "{:?}",
        w.refusals
    );
}
