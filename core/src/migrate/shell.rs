//! `migrate` for shell scripts: a `docker run` / `docker create` line that mounts the Docker socket
//! (what `lint` classifies as `dood`) is rewritten with byte-range edits on the script's own words.
//!
//! For `dind`, `dind-rootless` and `sysbox` the commands `dockscape generate <scenario> --format
//! run` writes for the daemon (its network, volumes, the daemon container and the client's wait
//! for it) are inserted before the line, made safe to run again (an existing network or daemon
//! is reused); the line loses its socket mount and any `DOCKER_HOST`, `DOCKER_TLS_VERIFY` or
//! `DOCKER_CERT_PATH` it set, and gets the generator's client flags (the daemon's network, the TLS
//! variables, the certificates volume read-only). For `socket-proxy` a read-only
//! docker-socket-proxy container holds the socket instead and the line reaches it over the
//! proxy's network. Every other byte of the script is kept: comments, other lines, continuations,
//! quoting.
//!
//! Only a line the script itself writes is edited: a `docker run` inside a string the shell runs
//! (`sh -c '...'`, `eval`, an alias, a here-document), or whose options come from variables the
//! reader cannot resolve, is refused with the reason.

use std::collections::BTreeSet;

use super::k8s::{self, Plan, foreign_socket, label, needs_host, note_for, selected};
use super::{Edit, MigrateNote, MigrateOptions, MigrateTarget, Refusal};
use crate::flags::{self, GLOBAL_FLAGS, RUN_FLAGS, Value as Takes};
use crate::lint::{WorkloadScenario, classify};
use crate::read::ir::{Container, Via, Workload, WorkloadKind};
use crate::read::paths::PathClass;
use crate::read::run;
use crate::read::shell::{self, Budget, Command, Word};

type Refused = (u32, String);

/// What the generator's script of the target gives the migration.
struct Gen {
    /// The scenario id (`dind`, ...) or `socket-proxy`.
    id: &'static str,
    /// Setup commands without their leading `docker` (`network create dind`, ...).
    setup: Vec<String>,
    /// The network the daemon (or proxy) is on.
    network: String,
    /// The daemon's (or proxy's) container name.
    daemon_name: String,
    /// The daemon's `run ...` words without the leading `docker`, one group per line.
    daemon: Vec<String>,
    /// The client's wait for the daemon (`run --rm ... wait-for-docker docker version`), when
    /// the generator writes one.
    wait: Option<Vec<String>>,
    /// The flags the job's line gets (`--network dind`, `-e DOCKER_HOST=...`, ...).
    job_flags: Vec<String>,
    /// The named volumes (for the clean-up line).
    volumes: Vec<String>,
    /// The scenario's warnings.
    warnings: Vec<String>,
}

/// The variables the job's line sets that the migration replaces.
const CLIENT_ENV: &[&str] = k8s::CLIENT_ENV;

/// A word's byte range in the script.
fn span(input: &str, w: &Word<'_>) -> Option<(usize, usize)> {
    if w.raw.is_empty() {
        return None;
    }
    let start = (w.raw.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    let end = start.checked_add(w.raw.len())?;
    (input.get(start..end) == Some(w.raw)).then_some((start, end))
}

/// The commands of a generated script, each as the raw text of its words (the generator's
/// quoting), a group per line.
fn generated_commands(text: &str) -> Vec<Vec<Vec<String>>> {
    let mut b = Budget::default();
    shell::parse(text, 1, 1, 0, &mut b)
        .into_iter()
        .map(|c| {
            let mut groups: Vec<Vec<String>> = Vec::new();
            let mut line = 0;
            for w in &c.words {
                if w.line != line || groups.is_empty() {
                    groups.push(Vec::new());
                    line = w.line;
                }
                if let Some(g) = groups.last_mut() {
                    g.push(w.raw.to_string());
                }
            }
            groups
        })
        .collect()
}

fn unquoted(raw: &str) -> String {
    raw.trim_matches(['\'', '"']).to_string()
}

impl Gen {
    fn dind(id: &'static str, low_port: bool) -> Option<Gen> {
        let mut params = crate::Params::new();
        if low_port {
            params.set("command", "docker").ok()?;
            params.set("args", k8s::LOW_PORT_JOB).ok()?;
        }
        let scenario = crate::build_scenario(id, &params).ok()?;
        let art = crate::generate(
            &scenario,
            crate::Format::Run,
            &crate::Options {
                shell: Some(crate::Shell::Sh),
            },
        )
        .ok()?;
        let cmds = generated_commands(&art.text);
        let flat = |c: &Vec<Vec<String>>| -> Vec<String> { c.iter().flatten().cloned().collect() };
        let mut setup = Vec::new();
        let mut volumes = Vec::new();
        let mut daemon = None;
        let mut wait = None;
        for c in &cmds {
            let words = flat(c);
            match words.get(1).map(String::as_str) {
                Some("network" | "volume") if words.first().is_some_and(|w| w == "docker") => {
                    if words.get(1).is_some_and(|w| w == "volume") {
                        volumes.extend(words.last().cloned());
                    }
                    setup.push(words.get(1..)?.join(" "));
                }
                Some("run") if words.iter().any(|w| w.contains("-dind")) && daemon.is_none() => {
                    daemon = Some(c.clone());
                }
                Some("run") => wait = Some(c.clone()),
                _ => {}
            }
        }
        let daemon = daemon?;
        let daemon_words = flat(&daemon);
        let after = |flag: &str| -> Option<String> {
            let i = daemon_words.iter().position(|w| w == flag)?;
            daemon_words.get(i + 1).map(|w| unquoted(w))
        };
        let network = after("--network")?;
        let daemon_name = after("--name")?;
        let wait = wait?;
        // the job's flags: the client's network, TLS variables and certificates mount
        let client = flat(&wait);
        let mut job_flags = vec![format!("--network {network}")];
        let mut it = client.iter();
        while let Some(w) = it.next() {
            match w.as_str() {
                "-e" => {
                    if let Some(v) = it.next()
                        && CLIENT_ENV
                            .iter()
                            .any(|n| unquoted(v).starts_with(&format!("{n}=")))
                    {
                        job_flags.push(format!("-e {v}"));
                    }
                }
                "-v" => {
                    if let Some(v) = it.next() {
                        job_flags.push(format!("-v {v}"));
                    }
                }
                _ => {}
            }
        }
        let warnings = scenario
            .notes
            .iter()
            .filter(|n| n.level == crate::NoteLevel::Warning)
            .map(|n| n.text.clone())
            .collect();
        Some(Gen {
            id,
            setup,
            network,
            daemon_name,
            daemon: strip_docker(daemon),
            wait: Some(strip_docker(wait)),
            job_flags,
            volumes,
            warnings,
        })
    }

    fn proxy(socket: &str) -> Gen {
        let name = super::proxy::NAME.to_string();
        let mut daemon = vec![format!("run -d --name {name}"), format!("--network {name}")];
        daemon.push(
            super::proxy::SECTIONS
                .iter()
                .map(|(k, v)| format!("-e {k}={v}"))
                .collect::<Vec<_>>()
                .join(" "),
        );
        let bind = crate::quote_arg(
            crate::Shell::Sh,
            &format!("{socket}:/var/run/docker.sock:ro"),
        )
        .unwrap_or_else(|_| format!("'{socket}:/var/run/docker.sock:ro'"));
        daemon.push(format!("-v {bind}"));
        daemon.push(super::proxy::IMAGE.to_string());
        Gen {
            id: "socket-proxy",
            setup: Vec::new(),
            network: name.clone(),
            daemon_name: name.clone(),
            daemon,
            wait: None,
            job_flags: vec![
                format!("--network {name}"),
                format!("-e DOCKER_HOST=tcp://{name}:2375"),
            ],
            volumes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The commands inserted before a migrated line, `cli` the line's own `docker` (with its
    /// global options, and `sudo` when the line runs under it), `indent` its indentation.
    fn block(&self, cli: &str, indent: &str, eol: &str) -> String {
        let mut lines = Vec::new();
        let what = if self.id == "socket-proxy" {
            format!(
                "a read-only docker-socket-proxy (`{}`) holds the socket; the job reaches it on network `{}`",
                super::proxy::IMAGE,
                self.network
            )
        } else {
            format!(
                "the job's own Docker daemon, as `dockscape generate {} --format run` starts it (kept running, and reused when it is there)",
                self.id
            )
        };
        lines.push(format!("# dockscape migrate --to {}: {what}", self.id));
        let net = &self.network;
        lines.push(format!(
            "{cli} network inspect {net} >/dev/null 2>&1 || {cli} network create {net} >/dev/null"
        ));
        for s in &self.setup {
            if !s.starts_with("network ") {
                lines.push(format!("{cli} {s} >/dev/null"));
            }
        }
        let name = &self.daemon_name;
        let mut daemon = self.daemon.clone();
        if let Some(first) = daemon.first_mut() {
            *first = format!(
                "{cli} container inspect {name} >/dev/null 2>&1 && {cli} start {name} >/dev/null || {cli} {first}"
            );
        }
        lines.push(join_groups(&daemon, " >/dev/null", eol));
        if let Some(wait) = &self.wait {
            let mut wait = wait.clone();
            if let Some(first) = wait.first_mut() {
                *first = format!("{cli} {first}");
            }
            lines.push(join_groups(&wait, " >/dev/null", eol));
        }
        let mut cleanup = vec![
            format!("{cli} rm -f {name}"),
            format!("{cli} network rm {net}"),
        ];
        if !self.volumes.is_empty() {
            cleanup.push(format!("{cli} volume rm {}", self.volumes.join(" ")));
        }
        lines.push(format!("# clean up afterwards: {}", cleanup.join("; ")));
        let mut out = String::new();
        for l in lines {
            for (i, part) in l.split(eol).enumerate() {
                out.push_str(indent);
                if i > 0 {
                    out.push_str("  ");
                }
                out.push_str(part);
                out.push_str(eol);
            }
        }
        out
    }
}

fn strip_docker(mut groups: Vec<Vec<String>>) -> Vec<String> {
    if let Some(first) = groups.first_mut()
        && first.first().is_some_and(|w| w == "docker")
    {
        first.remove(0);
    }
    groups.into_iter().map(|g| g.join(" ")).collect()
}

/// Groups as continued lines (`\` at the end of all but the last), `tail` after the last.
fn join_groups(groups: &[String], tail: &str, eol: &str) -> String {
    let mut out = String::new();
    for (i, g) in groups.iter().enumerate() {
        if i > 0 && eol == "\r\n" {
            // `\` before CR LF is no continuation for sh: one line
            out.push(' ');
        } else if i > 0 {
            out.push_str(" \\");
            out.push_str(eol);
        }
        out.push_str(g);
    }
    out.push_str(tail);
    out
}

/// One option of the line, with the words it spans.
struct LineOpt<'w> {
    long: &'static str,
    value: Option<&'w str>,
    /// Index (in the command's words) of the word naming the flag.
    flag: usize,
    /// Index of the word holding the value (the flag's own for `-v=/x`, `--volume=/x`, `-v/x`).
    value_word: usize,
    /// Byte offset inside the flag word where the flag's letter is, for a short flag after
    /// others in a cluster (`-itv`).
    in_cluster: Option<usize>,
}

/// The line's global options, subcommand and `run` options as the docker CLI reads them.
struct Parsed<'w> {
    /// Index of `run`/`create` (or `container`).
    sub: usize,
    opts: Vec<LineOpt<'w>>,
    image: usize,
}

fn parse_line<'w>(words: &'w [Word<'_>], k: usize) -> Result<Parsed<'w>, String> {
    let mut i = k + 1;
    while let Some(w) = words.get(i) {
        let t = w.text.as_ref();
        if !t.starts_with('-') || t == "-" {
            break;
        }
        let name = t.split('=').next().unwrap_or(t);
        let known = GLOBAL_FLAGS
            .iter()
            .find(|f| name == flags::long_form(f) || Some(name) == flags::short_form(f));
        let Some(f) = known else {
            return Err(format!(
                "the global option `{t}` is not one of the docker CLI's"
            ));
        };
        if f.value != Takes::Bool && !t.contains('=') && name.len() == t.len() {
            i += 1;
        }
        i += 1;
    }
    let sub = i;
    match words.get(i).map(|w| w.text.as_ref()) {
        Some("run" | "create") => i += 1,
        Some("container")
            if matches!(
                words.get(i + 1).map(|w| w.text.as_ref()),
                Some("run" | "create")
            ) =>
        {
            i += 2
        }
        _ => return Err("no `run` or `create` after the docker CLI's options".to_string()),
    }
    let first = i;
    let texts: Vec<&'w str> = words
        .get(first..)
        .unwrap_or(&[])
        .iter()
        .map(|w| w.text.as_ref())
        .collect();
    let (opts, img) = flags::options(RUN_FLAGS, &texts)
        .map_err(|e| format!("the docker CLI does not read this line's options ({e})"))?;
    let mut out = Vec::new();
    for o in opts {
        let flag = first + o.word;
        let fw = texts.get(o.word).copied().unwrap_or("");
        let inline = o.value.is_some_and(|v| {
            let (a, b) = (fw.as_ptr() as usize, v.as_ptr() as usize);
            b >= a && b <= a + fw.len()
        });
        let value_word = if o.value.is_some() && !inline {
            flag + 1
        } else {
            flag
        };
        let in_cluster = if fw.starts_with("--") {
            None
        } else {
            let c = o.flag.short.unwrap_or('?');
            fw.get(1..)
                .and_then(|b| b.find(c))
                .filter(|&at| at > 0)
                .map(|at| at + 1)
        };
        out.push(LineOpt {
            long: o.flag.long,
            value: o.value,
            flag,
            value_word,
            in_cluster,
        });
    }
    let image = first + img;
    if words.get(image).is_none() {
        return Err("no image on the line".to_string());
    }
    Ok(Parsed {
        sub,
        opts: out,
        image,
    })
}

/// The first word of the logical line holding byte `at` (continuations followed back), and
/// whether blocks may be inserted before that line.
fn line_start(input: &str, at: usize) -> usize {
    let mut start = input
        .get(..at)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    while start > 0 {
        let before = input.get(..start - 1).unwrap_or("");
        let before = before.strip_suffix('\r').unwrap_or(before);
        if !before.ends_with('\\') {
            break;
        }
        start = before.rfind('\n').map_or(0, |i| i + 1);
    }
    start
}

/// Why a block cannot go before the logical line starting at `start`, if it cannot.
fn unsafe_place(input: &str, start: usize) -> Option<String> {
    let rest = input.get(start..).unwrap_or("");
    let first = rest
        .trim_start_matches([' ', '\t'])
        .split(|c: char| c.is_whitespace() || c == ';')
        .next()
        .unwrap_or("");
    const BAD: &[&str] = &[
        "then", "do", "else", "elif", "fi", "done", "esac", "in", "}", ")", ";;", "|", "||", "&&",
    ];
    if BAD.contains(&first) || (first.ends_with(')') && !first.contains("$(")) {
        return Some(format!(
            "the line starts with `{first}`: the daemon's commands cannot be put before it without changing the script's structure (put the `docker run` on a line of its own)"
        ));
    }
    // the previous line continues into this one with an operator
    let before = input.get(..start).unwrap_or("");
    let prev = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    if prev.ends_with('|') || prev.ends_with("&&") || prev.ends_with("||") {
        return Some(
            "the line continues a pipeline or `&&`/`||` list of the line before: the daemon's commands cannot be put between them (put the `docker run` on a line of its own)".to_string(),
        );
    }
    None
}

/// Rewrite the DooD `docker run` lines of a shell script into `target`.
pub(super) fn migrate_script(
    input: &str,
    target: MigrateTarget,
    options: &MigrateOptions,
    plan: &mut Plan,
) {
    let (unit, errors) = run::read(input);
    let mut budget = Budget::default();
    let cmds = shell::parse(input, 1, 1, 0, &mut budget);
    let eol = if input.contains("\r\n") { "\r\n" } else { "\n" };
    let dood: Vec<&Workload<'_>> = unit
        .workloads
        .iter()
        .filter(|w| {
            w.what == WorkloadKind::Pod
                && classify(w) == WorkloadScenario::Dood
                && selected(options, w)
        })
        .collect();
    if dood.is_empty() {
        return;
    }
    let refuse_all = |plan: &mut Plan, reason: &str| {
        for w in &dood {
            if !w.containers.iter().any(super::proxy::is_proxy) {
                plan.refusals.push(Refusal {
                    workload: label(w),
                    line: w.loc.line as usize,
                    reason: reason.to_string(),
                });
            }
        }
    };
    if target == MigrateTarget::Buildkit {
        refuse_all(
            plan,
            "`--to buildkit` does not rewrite scripts yet: a `docker build` line of the script itself needs no socket, and one inside a container would need the build context that container sees (migrate the container's manifest, or write a `buildctl-daemonless.sh` line from `dockscape generate buildkit --format run`)",
        );
        return;
    }
    let proxy = target == MigrateTarget::SocketProxy;
    let g = if proxy {
        // the socket the lines bind: one host path for the file's proxy
        let mut sockets = BTreeSet::new();
        for w in &dood {
            for c in &w.containers {
                for m in &c.mounts {
                    if let Some(h) = m.host.as_ref().filter(|h| h.runtime().is_some()) {
                        sockets.insert(h.raw.as_str().to_string());
                    }
                }
            }
        }
        if sockets.len() > 1 {
            let list: Vec<String> = sockets.iter().map(|s| format!("`{s}`")).collect();
            refuse_all(
                plan,
                &format!(
                    "the lines bind the socket from different host paths ({}): one proxy serves one socket (migrate them one at a time with `--workload`)",
                    list.join(", ")
                ),
            );
            return;
        }
        Gen::proxy(sockets.iter().next().map_or("/var/run/docker.sock", |s| s))
    } else {
        let id = k8s::scenario_of(target).unwrap_or("dind");
        let low = dood.iter().any(|w| {
            let runs: Vec<(usize, Vec<Workload<'_>>)> = k8s::runs_of(w);
            k8s::publishes_low_port(&runs, &[0])
        });
        match Gen::dind(id, low && id == "dind-rootless") {
            Some(g) => g,
            None => {
                refuse_all(
                    plan,
                    &format!("the {id} scenario could not be built (a bug in dockscape)"),
                );
                return;
            }
        }
    };
    let mut edits: Vec<Edit> = Vec::new();
    let mut blocks: BTreeSet<usize> = BTreeSet::new();
    let mut migrated = Vec::new();
    let mut notes = Vec::new();
    for w in &dood {
        let name = label(w);
        if w.containers.iter().any(super::proxy::is_proxy) {
            // a socket proxy already holds the socket (a migrated script): left alone
            continue;
        }
        match line(input, &cmds, &errors, w, &name, &g, eol, &mut blocks) {
            Ok((e, n)) => {
                edits.extend(e);
                notes.extend(n);
                migrated.push((name, w.loc.line));
            }
            Err((line, reason)) => plan.refusals.push(Refusal {
                workload: name,
                line: line as usize,
                reason,
            }),
        }
    }
    if migrated.is_empty() {
        return;
    }
    // the rewritten script must read back as meant: the migrated lines no longer DooD, one
    // daemon (or proxy) line per inserted block
    let check = super::apply(input, edits.clone())
        .ok()
        .is_some_and(|(_, text)| {
            let (after, _) = run::read(&text);
            let count = |u: &crate::read::ir::Unit<'_>, s: WorkloadScenario, proxies: bool| {
                u.workloads
                    .iter()
                    .filter(|w| {
                        w.what == WorkloadKind::Pod
                            && classify(w) == s
                            && w.containers.iter().any(super::proxy::is_proxy) == proxies
                    })
                    .count()
            };
            let dood_before = count(&unit, WorkloadScenario::Dood, false);
            let dood_after = count(&after, WorkloadScenario::Dood, false);
            let daemons = if proxy {
                count(&after, WorkloadScenario::Dood, true).saturating_sub(count(
                    &unit,
                    WorkloadScenario::Dood,
                    true,
                ))
            } else {
                let s = |u: &crate::read::ir::Unit<'_>| {
                    u.workloads
                        .iter()
                        .filter(|w| {
                            w.containers.iter().any(|c| {
                                c.image
                                    .as_ref()
                                    .is_some_and(|i| i.as_str().contains("-dind"))
                            }) && classify(w) != WorkloadScenario::Dood
                        })
                        .count()
                };
                s(&after).saturating_sub(s(&unit))
            };
            dood_after + migrated.len() == dood_before && daemons == blocks.len()
        });
    if !check {
        for (name, line) in migrated {
            plan.refusals.push(Refusal {
                workload: name,
                line: line as usize,
                reason: "the rewritten script does not read back as meant (the edited line is not a line of its own?): not rewritten".to_string(),
            });
        }
        return;
    }
    plan.edits.extend(edits);
    plan.notes.extend(notes);
    plan.migrated.extend(migrated.into_iter().map(|(n, _)| n));
}

type Planned = (Vec<Edit>, Vec<MigrateNote>);

#[allow(clippy::too_many_arguments)]
fn line(
    input: &str,
    cmds: &[Command<'_>],
    errors: &[crate::read::ReadError],
    w: &Workload<'_>,
    name: &str,
    g: &Gen,
    eol: &str,
    blocks: &mut BTreeSet<usize>,
) -> Result<Planned, Refused> {
    let wline = w.loc.line;
    let proxy = g.id == "socket-proxy";
    let c: &Container<'_> = w
        .containers
        .first()
        .ok_or_else(|| (wline, "no container on the line".to_string()))?;
    // what the line reaches and runs
    for h in c.mounts.iter().filter_map(|m| m.host.as_ref()) {
        let why = if proxy {
            "the socket proxy serves the Docker API only"
        } else {
            "a Docker daemon of its own does not serve that API"
        };
        if let Some(refused) = foreign_socket(h, why) {
            return Err(refused);
        }
        if let PathClass::SocketDir(sock) = h.class {
            // the socket's own directory (`/var/run`, `/run`) goes; a directory above it (`/`,
            // `/var`) holds much more the job may use
            let own = sock.path.rsplit_once('/').map_or("", |(d, _)| d);
            let dir = h.effective.trim_end_matches('/');
            let runs = matches!(dir, "/var/run" | "/run") || (!own.contains('<') && dir == own);
            if !runs && h.runtime().is_some_and(k8s::docker_family) {
                return Err((
                    h.loc.line,
                    format!(
                        "the line mounts the host's `{}`, which holds the socket and other files the job may use: removing it would take them away (mount the socket alone first)",
                        h.raw.as_str()
                    ),
                ));
            }
        }
        if proxy && h.runtime().is_some() {
            if matches!(h.class, PathClass::SocketDir(_)) {
                return Err((
                    h.loc.line,
                    format!(
                        "the socket is reached through its directory `{}`: the proxy needs a bind of the socket itself",
                        h.raw.as_str()
                    ),
                ));
            }
            if h.via != Via::Direct || h.raw.as_str().contains(['$', '`']) {
                return Err((
                    h.loc.line,
                    "the socket's host path is not written out on the line: the proxy would bind another path".to_string(),
                ));
            }
        }
    }
    let inner = run::docker_runs_in(c);
    if proxy {
        if let Some((line, shown)) = super::proxy::writes(c) {
            return Err((
                line,
                format!(
                    "`{shown}` writes to the Docker API, which the read-only proxy refuses (403): not rewritten"
                ),
            ));
        }
    } else {
        let started: Vec<String> = inner
            .iter()
            .flat_map(|r| r.containers.iter())
            .filter_map(|c| c.container_name.as_ref().map(|n| n.as_str().to_string()))
            .collect();
        if let Some(why) = needs_host(c, &started) {
            return Err(why);
        }
    }
    // the command as the script writes it
    let nested = || {
        (
            wline,
            "the `docker run` is not written on a line of the script (it is inside a string the shell runs: `sh -c '...'`, `eval`, an alias, a here-document, or it is read from variables): it cannot be edited exactly (write it as a line of its own)".to_string(),
        )
    };
    let (cmd, k) = cmds
        .iter()
        .find_map(|cmd| {
            cmd.words
                .iter()
                .position(|x| x.line == w.loc.line && x.col == w.loc.col && !x.raw.is_empty())
                .map(|k| (cmd, k))
        })
        .ok_or_else(nested)?;
    let words = &cmd.words;
    let spans: Vec<(usize, usize)> = words
        .iter()
        .map(|x| span(input, x))
        .collect::<Option<_>>()
        .ok_or_else(nested)?;
    let sp = |i: usize| spans.get(i).copied().ok_or_else(nested);
    let last_line = words.last().map_or(wline, |x| x.line);
    if let Some(e) = errors.iter().find(|e| {
        e.line
            .is_some_and(|l| l >= wline as usize && l <= last_line as usize)
    }) {
        return Err((
            e.line.unwrap_or(wline as usize) as u32,
            format!("lint cannot judge this line ({}): not rewritten", e.message),
        ));
    }
    let cli_word = words.get(k).ok_or_else(nested)?;
    if !matches!(run::base(&cli_word.text).as_str(), "docker" | "docker.exe")
        || cli_word.raw.contains(['$', '`'])
    {
        return Err((
            wline,
            format!(
                "the line runs `{}`, not the docker CLI: the daemon's commands are written for the docker CLI (`--network-alias`, `--health-cmd`) and are not carried over",
                cli_word.raw
            ),
        ));
    }
    let parsed = parse_line(words, k).map_err(|e| (wline, format!("{e}: not rewritten")))?;
    // the line's own `docker` (and `sudo`), for the inserted commands
    let (cli_start, _) = sp(k)?;
    let cli_end = if parsed.sub > k + 1 {
        sp(parsed.sub - 1)?.1
    } else {
        sp(k)?.1
    };
    let mut cli = input
        .get(cli_start..cli_end)
        .unwrap_or("docker")
        .to_string();
    if cli.contains('\n') {
        return Err((
            wline,
            "the docker CLI's global options are continued over lines: not rewritten".to_string(),
        ));
    }
    if let Some(s) = words
        .get(..k)
        .unwrap_or(&[])
        .iter()
        .find(|x| matches!(x.text.as_ref(), "sudo" | "doas"))
    {
        cli = format!("{} {cli}", s.text);
    }
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    let note = note_for(name);
    // the options the line loses: the socket mounts, the variables the target sets
    let socket_mounts: Vec<&crate::read::ir::Mount<'_>> = c
        .mounts
        .iter()
        .filter(|m| m.host.as_ref().is_some_and(|h| h.runtime().is_some()))
        .collect();
    let word_at = |line: u32, col: u32| -> Option<usize> {
        words
            .iter()
            .enumerate()
            .filter(|(_, x)| x.line == line && x.col <= col)
            .max_by_key(|(_, x)| x.col)
            .map(|(i, _)| i)
    };
    let mut matched = 0;
    let mut remove: Vec<&LineOpt<'_>> = Vec::new();
    for o in &parsed.opts {
        match o.long {
            "volume" | "mount" => {
                let hits = socket_mounts
                    .iter()
                    .filter(|m| word_at(m.loc.line, m.loc.col) == Some(o.value_word))
                    .count();
                if hits > 0 {
                    matched += hits;
                    remove.push(o);
                }
            }
            "use-api-socket" => {
                // Docker 28's socket mount by flag: the flag itself goes
                let hits = socket_mounts
                    .iter()
                    .filter(|m| word_at(m.loc.line, m.loc.col) == Some(o.flag))
                    .count();
                matched += hits;
                remove.push(o);
            }
            "env" => {
                let v = o.value.unwrap_or("");
                let n = v.split('=').next().unwrap_or(v);
                if CLIENT_ENV.contains(&n) || (proxy && n == "DOCKER_HOST") {
                    remove.push(o);
                }
            }
            "network" | "net" => {
                let v = o.value.unwrap_or("");
                let at = words.get(o.flag).map_or(wline, |x| x.line);
                if matches!(v, "host" | "none") || v.starts_with("container:") {
                    return Err((
                        at,
                        format!(
                            "the line runs on network `{v}`, where the {} name `{}` does not resolve: not rewritten",
                            if proxy { "proxy's" } else { "daemon's" },
                            if proxy { g.daemon_name.as_str() } else { "docker" }
                        ),
                    ));
                }
                return Err((
                    at,
                    format!(
                        "the line runs on network `{v}`: the job must be on the {} network `{}` (the daemon's name resolves there), and it cannot be on both here (connect it by hand: `docker network connect --alias docker {v} {}`)",
                        if proxy { "proxy's" } else { "daemon's" },
                        g.network,
                        g.daemon_name
                    ),
                ));
            }
            "env-file" => notes.push(note(
                words.get(o.flag).map_or(wline, |x| x.line),
                format!(
                    "`--env-file {}` may set `DOCKER_HOST` or the TLS variables: the `-e` flags added to the line come after it and win",
                    o.value.unwrap_or("")
                ),
            )),
            _ => {}
        }
    }
    if matched < socket_mounts.len() {
        return Err((
            wline,
            "a socket mount of the line is not an option word of its own (`-v`, `--volume`, `--mount`): not rewritten".to_string(),
        ));
    }
    for o in &remove {
        let (fs, fe) = sp(o.flag)?;
        let (_, ve) = sp(o.value_word)?;
        match o.in_cluster {
            Some(at) => {
                let fw = words.get(o.flag).ok_or_else(nested)?;
                if fw.raw != fw.text.as_ref() {
                    return Err((
                        fw.line,
                        "the socket mount is in a quoted cluster of short flags: not rewritten"
                            .to_string(),
                    ));
                }
                // `-itv /x:/y` keeps `-it`; `-itv/x:/y` too
                edits.push(Edit::replace(fs + at, fe, String::new()));
                if o.value_word != o.flag {
                    edits.push(Edit::replace(fe, ve, String::new()));
                }
            }
            None => {
                let (_, pe) = sp(o.flag.checked_sub(1).ok_or_else(nested)?)?;
                edits.push(Edit::replace(pe, ve, String::new()));
            }
        }
    }
    // the flags the line gets, before the image, in the line's layout
    let (is, _) = sp(parsed.image)?;
    let (_, pe) = sp(parsed.image - 1)?;
    let gap = input.get(pe..is).unwrap_or(" ");
    let insert = match gap.rfind('\n').filter(|_| eol == "\n") {
        Some(nl) => {
            let indent = gap.get(nl + 1..).unwrap_or("");
            g.job_flags
                .iter()
                .map(|f| format!("{f} \\{eol}{indent}"))
                .collect::<String>()
        }
        None => g
            .job_flags
            .iter()
            .map(|f| format!("{f} "))
            .collect::<String>(),
    };
    edits.push(Edit::insert(is, insert));
    // the daemon's commands before the line
    let (first_start, _) = sp(0)?;
    let at = line_start(input, first_start);
    if let Some(why) = unsafe_place(input, at) {
        return Err((wline, why));
    }
    if blocks.insert(at) {
        let rest = input.get(at..).unwrap_or("");
        let indent_len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let indent = rest.get(..indent_len).unwrap_or("");
        edits.push(Edit::insert(at, g.block(&cli, indent, eol)));
    }
    // what changes
    let sock_line = socket_mounts.first().map_or(wline, |m| m.loc.line);
    if proxy {
        notes.push(note(
            sock_line,
            format!(
                "the line no longer mounts the socket: it reaches the read-only proxy `{}` at `tcp://{}:2375` on network `{}` (plain TCP, DS008), and any write call (run, build, push, rm, exec...) is refused with 403",
                g.daemon_name, g.daemon_name, g.network
            ),
        ));
        notes.push(note(
            sock_line,
            format!(
                "the proxy listens on port 2375 of network `{}`: every container on that network can read the host's Docker API through it",
                g.network
            ),
        ));
        notes.push(note(
            wline,
            format!(
                "the proxy `{}` is started detached just before the line and kept running: the line's first request can come before it listens (retry it, or wait for `docker version`)",
                g.daemon_name
            ),
        ));
    } else {
        for m in &socket_mounts {
            if let Some(h) = &m.host
                && matches!(h.class, PathClass::SocketDir(_))
            {
                notes.push(note(
                    m.loc.line,
                    format!(
                        "the host's `{}` directory is no longer mounted: only its Docker socket was used (the job now reaches the daemon `{}` over TLS), and any other file the job took from the host's `{}` is gone",
                        h.raw.as_str(),
                        g.daemon_name,
                        h.raw.as_str()
                    ),
                ));
            }
        }
        notes.push(note(
            sock_line,
            format!(
                "containers the job starts now run in the daemon container `{}`: the host's `docker ps` no longer lists them, and they stay in that daemon until it is removed",
                g.daemon_name
            ),
        ));
        notes.push(note(
            sock_line,
            format!(
                "images are not shared with the host: the daemon pulls or builds what the job uses into its own storage (`{}`)",
                g.volumes.first().map_or("its volume", String::as_str)
            ),
        ));
        notes.push(note(
            wline,
            format!(
                "the daemon `{}` is started once and kept running: every line migrated so on this host shares it, with its containers and images (remove it with `docker rm -f {}`)",
                g.daemon_name, g.daemon_name
            ),
        ));
        for r in &inner {
            for rc in &r.containers {
                for m in &rc.mounts {
                    if let Some(h) = m.host.as_ref().filter(|h| h.via == Via::Direct) {
                        notes.push(note(
                            m.loc.line,
                            format!(
                                "`{}` in the command now binds `{}` of the daemon container, not of the host: it is empty there unless the job puts files in it (use `docker cp`, or build them into an image)",
                                h.raw.as_str(),
                                h.effective
                            ),
                        ));
                    }
                }
                if let Some(n) = &rc.container_name {
                    notes.push(note(
                        n.loc.line,
                        format!(
                            "`--name {}` no longer collides with the host's containers (it still does with other jobs on the daemon `{}`)",
                            n.as_str(),
                            g.daemon_name
                        ),
                    ));
                }
                for p in &rc.ports {
                    if let Some(hp) = &p.host_port {
                        notes.push(note(
                            hp.loc.line.max(p.loc.line),
                            format!(
                                "port `{}` the command publishes opens on the daemon container, not on the host: reach it at `docker:{}` on network `{}`",
                                hp.as_str(),
                                hp.as_str(),
                                g.network
                            ),
                        ));
                    }
                }
            }
        }
        if let Some((repo, tag)) = c.image_parts() {
            let digits: String = tag.chars().take_while(char::is_ascii_digit).collect();
            if repo == "docker" && digits.parse::<u32>().is_ok_and(|m| m < 25) {
                notes.push(note(
                    c.image.as_ref().map_or(wline, |i| i.loc.line),
                    format!(
                        "`{repo}:{tag}`'s docker CLI speaks an API older than 1.44, the oldest the Docker {} daemon accepts: update the image (`docker:{}-cli`)",
                        crate::scenario::images::DOCKER_VERSION,
                        crate::scenario::images::DOCKER_VERSION
                    ),
                ));
            }
        }
        if g.id == "dind-rootless" {
            notes.push(note(
                wline,
                "the rootless daemon runs as uid 1000 and writes the client certificates as that user: the job reads them as root or as uid 1000 (the generator runs its client as uid 1000 with `DOCKER_CONFIG=/tmp/.docker`)".to_string(),
            ));
        }
        if g.id == "sysbox" {
            notes.push(note(
                wline,
                "the daemon runs with `--runtime sysbox-runc`: the host's Docker Engine needs Sysbox installed and registered as that runtime".to_string(),
            ));
        }
        for n in &g.warnings {
            notes.push(note(wline, n.clone()));
        }
    }
    notes.sort_by_key(|n| n.line);
    Ok((edits, notes))
}
