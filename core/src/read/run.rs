//! `docker run` / `docker create` lines in shell text → IR: one workload per command, with `\`
//! continuations, sh quoting, comments and command separators understood.

use std::borrow::Cow;

use super::compose::{apply_security_opt, parse_port, short_mount};
use super::ir::{
    Container, ContainerKind, Env, Field, HostPath, Loc, Mount, Security, Source, Unit, Val, Via,
    Workload, WorkloadKind,
};
use crate::flags::{self, GLOBAL_FLAGS, RUN_FLAGS, Value};

/// A shell word: its unquoted text, the raw slice, and where it starts.
#[derive(Debug)]
pub(crate) struct Word<'t> {
    pub(crate) text: Cow<'t, str>,
    pub(crate) raw: &'t str,
    pub(crate) line: u32,
    pub(crate) col: u32,
}

#[allow(unused_assignments)] // the word macro resets state after the last word too
/// Split shell text into commands of words. Handles quotes, backslash escapes, `\` newline
/// continuations, `#` comments, and `;`, `&`, `&&`, `||`, `|`, newlines, `(`, `)` as separators.
pub(crate) fn commands(text: &str) -> Vec<Vec<Word<'_>>> {
    let mut out = Vec::new();
    let mut cmd: Vec<Word<'_>> = Vec::new();
    let mut cur = String::new();
    let mut owned = false;
    let mut start: Option<(usize, u32, u32)> = None;
    let mut line = 1u32;
    let mut col = 1u32;
    let mut it = text.char_indices().peekable();

    macro_rules! finish_word {
        ($end:expr) => {
            if let Some((b, l, c)) = start.take() {
                let raw = text.get(b..$end).unwrap_or("");
                let t = if owned {
                    Cow::Owned(std::mem::take(&mut cur))
                } else {
                    Cow::Borrowed(raw)
                };
                cur.clear();
                owned = false;
                cmd.push(Word {
                    text: t,
                    raw,
                    line: l,
                    col: c,
                });
            }
        };
    }
    macro_rules! finish_cmd {
        () => {
            if !cmd.is_empty() {
                out.push(std::mem::take(&mut cmd));
            }
        };
    }

    while let Some((i, ch)) = it.next() {
        let (l0, c0) = (line, col);
        if ch == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
        match ch {
            '\\' => {
                match it.peek().copied() {
                    Some((_, '\n')) => {
                        // continuation: ends a word, not the command
                        it.next();
                        line += 1;
                        col = 1;
                        finish_word!(i);
                    }
                    Some((_, '\r')) => {
                        it.next();
                        if let Some((_, '\n')) = it.peek().copied() {
                            it.next();
                        }
                        line += 1;
                        col = 1;
                        finish_word!(i);
                    }
                    Some((_, e)) => {
                        it.next();
                        col += 1;
                        if start.is_none() {
                            start = Some((i, l0, c0));
                        }
                        owned = true;
                        cur.push(e);
                    }
                    None => {}
                }
            }
            '\'' | '"' => {
                if start.is_none() {
                    start = Some((i, l0, c0));
                }
                owned = true;
                let q = ch;
                while let Some((_, d)) = it.next() {
                    if d == '\n' {
                        line += 1;
                        col = 1;
                    } else {
                        col += 1;
                    }
                    if d == q {
                        break;
                    }
                    if q == '"'
                        && d == '\\'
                        && let Some((_, e)) = it.peek().copied()
                    {
                        if matches!(e, '"' | '\\' | '$' | '`') {
                            it.next();
                            col += 1;
                            cur.push(e);
                            continue;
                        }
                        if e == '\n' {
                            it.next();
                            line += 1;
                            col = 1;
                            continue;
                        }
                    }
                    cur.push(d);
                }
            }
            '#' if start.is_none() => {
                // comment to end of line
                while let Some(&(_, d)) = it.peek() {
                    if d == '\n' {
                        break;
                    }
                    it.next();
                }
            }
            '\n' | ';' | '&' | '|' | '(' | ')' | '`' => {
                finish_word!(i);
                finish_cmd!();
            }
            c if c.is_whitespace() => finish_word!(i),
            c => {
                if start.is_none() {
                    start = Some((i, l0, c0));
                }
                // `cur` mirrors the word in case quoting follows; borrowed when none does
                cur.push(c);
            }
        }
    }
    finish_word!(text.len());
    finish_cmd!();
    out
}

/// The commands of a shell text as their unquoted words (for the flag table's tests).
#[cfg(test)]
pub(crate) fn command_words(text: &str) -> Vec<Vec<String>> {
    commands(text)
        .into_iter()
        .map(|c| c.into_iter().map(|w| w.text.into_owned()).collect())
        .collect()
}

/// The `docker run` / `docker create` commands a container's own command runs: its argv as one
/// command (`["docker", "run", ...]`), and every argument that is a shell script
/// (`sh -c "docker run --name x ..."`). Each word points at the argument it came from.
#[allow(dead_code)] // for DS027 (sibling-name-conflict)
pub(crate) fn docker_runs_in<'t>(c: &Container<'t>) -> Vec<Workload<'t>> {
    let mut out = Vec::new();
    let word = |text: Cow<'t, str>, v: &Val<'t>| {
        let raw = match &v.text {
            Cow::Borrowed(b) if *b == text.as_ref() => *b,
            _ => "",
        };
        Word {
            text,
            raw,
            line: v.loc.line,
            col: v.loc.col,
        }
    };
    let argv: Vec<Word<'t>> = c.argv().map(|v| word(v.text.clone(), v)).collect();
    if let Some(w) = docker_run(&argv) {
        out.push(w);
    }
    for v in c
        .argv()
        .filter(|v| v.as_str().contains("docker") && v.as_str().contains(char::is_whitespace))
    {
        for cmd in commands(v.as_str()) {
            let words: Vec<Word<'t>> = cmd
                .into_iter()
                .map(|w| word(Cow::Owned(w.text.into_owned()), v))
                .collect();
            if let Some(w) = docker_run(&words) {
                out.push(w);
            }
        }
    }
    out
}

/// Normalise a shell text.
pub(crate) fn unit(text: &str) -> Unit<'_> {
    let mut unit = Unit {
        source: Source::Run,
        workloads: Vec::new(),
    };
    for cmd in commands(text) {
        if let Some(w) = docker_run(&cmd) {
            unit.workloads.push(w);
        }
    }
    unit
}

fn loc_of<'t>(w: &Word<'t>, offset: usize, flag: &'t str) -> Loc<'t> {
    Loc {
        line: w.line,
        col: w.col + offset as u32,
        field: Field::Text(flag),
    }
}

/// The flag a word starts with, as a path: a slice of the input when the word is one, else the
/// known flag it starts with.
fn flag_path<'t>(w: &Word<'t>) -> &'t str {
    if !w.raw.is_empty() {
        return flag_of(w.raw);
    }
    let t = w.text.as_ref();
    flags::written(RUN_FLAGS, t)
        .or_else(|| flags::written(GLOBAL_FLAGS, t))
        .map_or("docker run", |(_, form)| form)
}

/// The flag part of a raw word (`--volume` of `--volume=/x:/y`, `-v` of `-v/x:/y`).
fn flag_of(raw: &str) -> &str {
    if raw.starts_with("--") {
        raw.split('=').next().unwrap_or(raw)
    } else {
        raw.get(..2).unwrap_or(raw)
    }
}

fn docker_run<'t>(cmd: &[Word<'t>]) -> Option<Workload<'t>> {
    // find `docker` as a command word (after sudo/env/exec and assignments)
    let mut i = cmd.iter().position(|w| {
        let base = w.text.rsplit('/').next().unwrap_or(&w.text);
        base == "docker" || base == "docker.exe"
    })?;
    let prefix_ok = cmd.get(..i).unwrap_or(&[]).iter().all(|w| {
        let t = w.text.as_ref();
        matches!(
            t,
            "sudo"
                | "exec"
                | "time"
                | "env"
                | "command"
                | "nohup"
                | "$"
                | "!"
                | "then"
                | "do"
                | "else"
        ) || t.starts_with('-')
            || t.contains('=')
    });
    if !prefix_ok {
        return None;
    }
    let docker = cmd.get(i)?;
    i += 1;
    let mut globals: Vec<(Val<'t>, Val<'t>)> = Vec::new();
    // global options
    while let Some(w) = cmd.get(i) {
        let t = w.text.as_ref();
        if !t.starts_with('-') {
            break;
        }
        let (name, inline) = match t.split_once('=') {
            Some((n, v)) if t.starts_with("--") => (n, Some(v)),
            _ => (t, None),
        };
        let takes = GLOBAL_FLAGS.iter().any(|f| {
            f.value != Value::Bool
                && (name == flags::long_form(f) || Some(name) == flags::short_form(f))
        });
        let value = if !takes {
            None
        } else if let Some(v) = inline {
            Some(Val::new(
                v.to_string(),
                loc_of(w, name.len() + 1, flag_path(w)),
            ))
        } else {
            i += 1;
            cmd.get(i)
                .map(|v| Val::new(v.text.clone(), loc_of(v, 0, flag_path(w))))
        };
        if let Some(v) = value
            && (name == "-H" || name == "--host")
        {
            globals.push((Val::new("DOCKER_HOST", loc_of(w, 0, flag_path(w))), v));
        }
        i += 1;
    }
    match cmd.get(i).map(|w| w.text.as_ref()) {
        Some("run" | "create") => i += 1,
        Some("container") => match cmd.get(i + 1).map(|w| w.text.as_ref()) {
            Some("run" | "create") => i += 2,
            _ => return None,
        },
        _ => return None,
    }
    let start = Loc {
        line: docker.line,
        col: docker.col,
        field: Field::Text("docker run"),
    };
    let mut w = Workload::new(WorkloadKind::Pod, "run", start);
    w.name = Cow::Owned(format!("line {}", docker.line));
    let mut c = Container::new(ContainerKind::Run, "", start);
    for (n, v) in globals {
        c.env.push(Env {
            name: n,
            value: Some(v),
        });
    }
    let mut sec = Security::default();
    // options
    while let Some(word) = cmd.get(i) {
        let t = word.text.as_ref();
        if t == "--" {
            i += 1;
            break;
        }
        if !t.starts_with('-') || t == "-" {
            break;
        }
        let flag = flag_path(word);
        // (name, value, value loc)
        let mut opts: Vec<(String, Option<Val<'t>>)> = Vec::new();
        if let Some(long) = t.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let long_name = name;
            let name = format!("--{name}");
            if flags::by_long(RUN_FLAGS, long_name).is_some_and(|f| f.value == Value::Bool) {
                let v = inline.unwrap_or("true");
                opts.push((name, Some(Val::new(v.to_string(), loc_of(word, 0, flag)))));
            } else if let Some(v) = inline {
                let off = name.len() + 1;
                opts.push((name, Some(Val::new(v.to_string(), loc_of(word, off, flag)))));
            } else {
                i += 1;
                let v = cmd
                    .get(i)
                    .map(|v| Val::new(v.text.clone(), loc_of(v, 0, flag)));
                opts.push((name, v));
            }
        } else {
            // a cluster of short flags: `-it`, `-v/x:/y`, `-e` `K=V`
            let body = t.get(1..).unwrap_or("");
            for (k, ch) in body.char_indices() {
                if flags::by_short(RUN_FLAGS, ch).is_some_and(|f| f.value != Value::Bool) {
                    let rest = body.get(k + ch.len_utf8()..).unwrap_or("");
                    if rest.is_empty() {
                        i += 1;
                        let v = cmd
                            .get(i)
                            .map(|v| Val::new(v.text.clone(), loc_of(v, 0, flag)));
                        opts.push((format!("-{ch}"), v));
                    } else {
                        let off = 1 + k + ch.len_utf8();
                        opts.push((
                            format!("-{ch}"),
                            Some(Val::new(rest.to_string(), loc_of(word, off, flag))),
                        ));
                    }
                    break;
                }
                opts.push((
                    format!("-{ch}"),
                    Some(Val::new("true", loc_of(word, 0, flag))),
                ));
            }
        }
        for (name, value) in opts {
            let Some(v) = value else { continue };
            apply_option(&mut w, &mut c, &mut sec, &name, v);
        }
        i += 1;
    }
    // image and command
    if let Some(img) = cmd.get(i) {
        c.image = Some(Val::new(img.text.clone(), loc_of(img, 0, "image")));
        i += 1;
    }
    for a in cmd.get(i..).unwrap_or(&[]) {
        c.args
            .push(Val::new(a.text.clone(), loc_of(a, 0, "command")));
    }
    c.security = sec;
    if let Some(n) = &c.container_name {
        w.name = n.text.clone();
    }
    c.name = match (&c.container_name, &c.image) {
        (Some(n), _) => n.text.clone(),
        (None, Some(img)) => img.text.clone(),
        _ => Cow::Borrowed("container"),
    };
    w.containers.push(c);
    Some(w)
}

pub(crate) fn apply_option<'t>(
    w: &mut Workload<'t>,
    c: &mut Container<'t>,
    sec: &mut Security<'t>,
    name: &str,
    v: Val<'t>,
) {
    match name {
        "-v" | "--volume" => {
            c.mounts.push(short_mount(&v));
        }
        "--mount" => {
            let mut kind = "volume".to_string();
            let mut source = None;
            let mut target = None;
            let mut read_only = false;
            for part in v.as_str().split(',') {
                let (k, val) = part.split_once('=').unwrap_or((part, "true"));
                match k.trim() {
                    "type" => kind = val.trim().to_ascii_lowercase(),
                    "source" | "src" => source = Some(val.trim().to_string()),
                    "target" | "destination" | "dst" => target = Some(val.trim().to_string()),
                    "readonly" | "ro" => read_only = val.trim() != "false" && val.trim() != "0",
                    _ => {}
                }
            }
            let host = source
                .filter(|_| kind == "bind" || kind == "npipe")
                .map(|s| HostPath::resolve(Val::new(s, v.loc), None, Via::Direct));
            c.mounts.push(Mount {
                loc: v.loc,
                target: target.map(|t| Val::new(t, v.loc)),
                volume: None,
                volume_name: None,
                sub_path: None,
                read_only,
                host,
            });
        }
        "-e" | "--env" => {
            let (k, val) = match v.as_str().split_once('=') {
                Some((k, val)) => (k.to_string(), Some(val.to_string())),
                None => (v.as_str().to_string(), None),
            };
            c.env.push(Env {
                name: Val::new(k, v.loc),
                value: val.map(|x| Val::new(x, v.loc)),
            });
        }
        "--tmpfs" => {
            // a mount without a host path (DS026 counts it as storage)
            let target = v.as_str().split(':').next().unwrap_or("").to_string();
            c.mounts.push(Mount::anonymous(Val::new(target, v.loc)));
        }
        "-p" | "--publish" => c.ports.push(parse_port(v.as_str(), v.loc)),
        "--privileged" if !matches!(v.as_str(), "false" | "0") => sec.privileged = Some(v),
        "--cap-add" => sec.cap_add.push(v),
        "--cap-drop" => sec.cap_drop.push(v),
        "--security-opt" => apply_security_opt(sec, &v),
        "-u" | "--user" => {
            let u = v.as_str().split(':').next().unwrap_or("").to_string();
            sec.run_as_user = Some(Val::new(u, v.loc));
        }
        "--group-add" => sec.groups.push(v),
        "--network" | "--net" if v.eq_ci("host") => w.host_network = Some(v),
        "--pid" if v.eq_ci("host") => w.host_pid = Some(v),
        "--ipc" if v.eq_ci("host") => w.host_ipc = Some(v),
        "--userns" => w.host_users = Some(v),
        "--runtime" => w.runtime_class = Some(v),
        "--sysctl" => {
            let (k, val) = v.as_str().split_once('=').unwrap_or((v.as_str(), ""));
            let (k, val) = (k.to_string(), val.to_string());
            w.sysctls.push((Val::new(k, v.loc), Val::new(val, v.loc)));
        }
        "--name" => c.container_name = Some(v),
        "--entrypoint" => c.command = vec![v],
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_positions() {
        let cmds = commands("docker run \\\n  -v '/var/run:/var/run' \"a\\\"b\" # c\necho x; ls");
        assert_eq!(cmds.len(), 3);
        let first: Vec<(&str, u32, u32)> = cmds[0]
            .iter()
            .map(|w| (w.text.as_ref(), w.line, w.col))
            .collect();
        assert_eq!(
            first,
            vec![
                ("docker", 1, 1),
                ("run", 1, 8),
                ("-v", 2, 3),
                ("/var/run:/var/run", 2, 6),
                ("a\"b", 2, 26)
            ]
        );
    }

    #[test]
    fn docker_run_inside_a_container_command() {
        let mut c = Container::new(ContainerKind::Container, "c", Loc::NONE);
        c.command = vec![Val::new("sh", Loc::NONE), Val::new("-c", Loc::NONE)];
        c.args = vec![Val::new(
            "set -e; docker run --rm --name my_webserver httpd:latest && echo ok",
            Loc::NONE,
        )];
        let runs = docker_runs_in(&c);
        assert_eq!(runs.len(), 1);
        let name = runs[0].containers[0]
            .container_name
            .as_ref()
            .map(|n| n.as_str().to_string());
        assert_eq!(name.as_deref(), Some("my_webserver"));
        let mut d = Container::new(ContainerKind::Container, "d", Loc::NONE);
        d.command = [
            "docker",
            "run",
            "--name",
            "x",
            "-v",
            "/run/docker.sock:/s",
            "img",
        ]
        .iter()
        .map(|s| Val::new(*s, Loc::NONE))
        .collect();
        let runs = docker_runs_in(&d);
        assert_eq!(runs.len(), 1);
        assert!(runs[0].containers[0].mounts[0].host.is_some());
    }

    #[test]
    fn parses_a_run_line() {
        let u = unit(
            "sudo docker -H tcp://10.0.0.1:2375 run --rm -it --privileged -e DOCKER_TLS_CERTDIR= \
             -v /var/run/docker.sock:/var/run/docker.sock:ro --name=ci docker:dind dockerd --tls=false\n",
        );
        assert_eq!(u.workloads.len(), 1);
        let w = &u.workloads[0];
        let c = &w.containers[0];
        assert_eq!(w.name, "ci");
        assert!(c.security.privileged.is_some());
        assert_eq!(c.image.as_ref().map(|i| i.as_str()), Some("docker:dind"));
        assert_eq!(c.args.len(), 2);
        assert_eq!(
            c.env_value("DOCKER_HOST").map(|v| v.as_str()),
            Some("tcp://10.0.0.1:2375")
        );
        assert_eq!(
            c.env_value("DOCKER_TLS_CERTDIR").map(|v| v.as_str()),
            Some("")
        );
        assert!(c.mounts[0].read_only);
        assert_eq!(
            c.mounts[0].host.as_ref().map(|h| h.effective.as_str()),
            Some("/var/run/docker.sock")
        );
    }
}
