//! `docker run` / `docker create` lines in shell text → IR: one workload per command, with `\`
//! continuations, sh quoting, comments and command separators understood.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::ReadError;
use super::compose::{apply_security_opt, parse_port, short_device, short_mount};
use super::ir::{
    Container, ContainerKind, Env, Field, HostPath, Loc, Mount, Security, Source, Unit, Val, Via,
    Workload, WorkloadKind,
};
use super::shell::{self, Budget, Command, Word};
use crate::flags::{self, GLOBAL_FLAGS, RUN_FLAGS, Value};

/// The commands of a shell text as their unquoted words (for the flag table's tests).
#[cfg(test)]
pub(crate) fn command_words(text: &str) -> Vec<Vec<String>> {
    let mut b = Budget::default();
    shell::parse(text, 1, 1, 0, &mut b)
        .into_iter()
        .map(|c| c.words.into_iter().map(|w| w.text.into_owned()).collect())
        .collect()
}

/// The `docker run` / `docker create` commands a container's own command runs: its argv as one
/// command (`["docker", "run", ...]`), and every argument that is a shell script
/// (`sh -c "docker run --name x ..."`). Each word points at the argument it came from.
#[allow(dead_code)] // for DS027 (sibling-name-conflict)
pub(crate) fn docker_runs_in<'t>(c: &Container<'t>) -> Vec<Workload<'t>> {
    let argv: Vec<Word<'t>> = c
        .argv()
        .map(|v| {
            let raw = match &v.text {
                Cow::Borrowed(b) => *b,
                Cow::Owned(_) => "",
            };
            Word {
                text: v.text.clone(),
                raw,
                written: v.text.clone(),
                line: v.loc.line,
                col: v.loc.col,
            }
        })
        .collect();
    let mut r = Runner {
        pin: true,
        ..Runner::default()
    };
    r.exec(&argv, None, 0);
    if r.out.is_empty() {
        // a CI step's script lines, a shell's argument: any argument that is a script
        for w in &argv {
            if w.text.contains(char::is_whitespace) && mentions_runtime(&w.text) {
                // the words point at the argument they came from (an argument's text need
                // not be where it is written: a YAML scalar, a Groovy string)
                let mut cmds = shell::parse_owned(&w.text, w.line, w.col, 1, &mut r.budget);
                for c in &mut cmds {
                    for x in &mut c.words {
                        x.line = w.line;
                        x.col = w.col;
                    }
                }
                r.run_all(cmds, 1);
            }
        }
    }
    r.out
}

/// Read a shell text: every `docker run`/`create` (and `podman`, `nerdctl`) command it runs,
/// however it is wrapped or nested, and the input errors (budgets, flags the CLI refuses).
pub(crate) fn read(text: &str) -> (Unit<'_>, Vec<ReadError>) {
    let mut r = Runner::default();
    let cmds = shell::parse(text, 1, 1, 0, &mut r.budget);
    r.run_all(cmds, 0);
    let mut errors = std::mem::take(&mut r.budget.errors);
    errors.append(&mut r.errors);
    (
        Unit {
            source: Source::Run,
            workloads: r.out,
        },
        errors,
    )
}

/// One word of an argument vector (no shell reads it): its text, what it is as written (the
/// expansions in it are the values nobody knows, `"${VAR}"`), and where it is.
pub(crate) struct ArgWord {
    pub text: String,
    pub written: String,
    pub line: u32,
    pub col: u32,
}

/// Read an argument vector a container runs (`[docker, run, --privileged, …]`, a wrapper
/// first too): the `docker run`/`create` it is, each word where it is written. A shell in it is
/// not read here (its `-c` string is shell text, read as such).
pub(crate) fn read_argv(argv: Vec<ArgWord>) -> (Unit<'static>, Vec<ReadError>) {
    let words: Vec<Word<'static>> = argv
        .into_iter()
        .map(|a| Word {
            text: Cow::Owned(a.text),
            raw: "",
            written: Cow::Owned(a.written),
            line: a.line,
            col: a.col,
        })
        .collect();
    let mut r = Runner {
        pin: true,
        argv: true,
        ..Runner::default()
    };
    r.exec(&words, None, 0);
    let mut errors = std::mem::take(&mut r.budget.errors);
    errors.append(&mut r.errors);
    (
        Unit {
            source: Source::Run,
            workloads: r.out,
        },
        errors,
    )
}

/// Most alias expansions read from one script (aliases that expand to several uses of others
/// double at each level).
const MAX_ALIAS_USES: usize = 10_000;

/// Commands that run their arguments as a command (after options and operands of their own).
const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "pkexec",
    "run0",
    "env",
    "exec",
    "command",
    "builtin",
    "time",
    "nohup",
    "nice",
    "renice",
    "ionice",
    "chrt",
    "taskset",
    "numactl",
    "stdbuf",
    "timeout",
    "chroot",
    "flock",
    "setsid",
    "unshare",
    "nsenter",
    "runuser",
    "su",
    "sg",
    "watch",
    "xargs",
    "parallel",
    "retry",
    "strace",
    "ltrace",
    "systemd-run",
    "script",
    "capsh",
    "setpriv",
    "gosu",
    "su-exec",
    "chpst",
    "s6-setuidgid",
    "tini",
    "dumb-init",
    "winpty",
    "caffeinate",
    "fakeroot",
    "eatmydata",
    "unbuffer",
    "cgexec",
    "firejail",
    "proot",
    "torsocks",
    "proxychains",
    "proxychains4",
    "dbus-run-session",
    "catchsegv",
    "faketime",
    "ssh-agent",
    "xvfb-run",
    "busybox",
    "flatpak-spawn",
    "toolbox",
    "distrobox-host-exec",
    "wsl",
    "wsl.exe",
    "direnv",
    "nix-shell",
    "with-contenv",
    "daemonize",
    "start-stop-daemon",
    "entr",
    "sshpass",
    "export",
    "local",
    "readonly",
    "declare",
    "typeset",
    "$",
    "!",
    "{",
    "if",
    "then",
    "elif",
    "else",
    "while",
    "until",
    "do",
    "coproc",
    "npx",
    "sem",
];

/// Shells: `-c STRING` is a script; without `-c` or a script file they read standard input.
pub(crate) const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "posh", "bash.exe", "sh.exe",
];

/// The container CLIs whose `run`/`create` is read with the docker CLI's grammar.
const RUNTIMES: &[&str] = &[
    "docker",
    "docker.exe",
    "podman",
    "podman.exe",
    "podman-remote",
    "nerdctl",
    "nerdctl.exe",
];

pub(crate) fn base(w: &str) -> String {
    let b = w.rsplit(['/', '\\']).next().unwrap_or(w);
    b.to_ascii_lowercase()
}

pub(crate) fn mentions_runtime(s: &str) -> bool {
    s.contains("docker") || s.contains("podman") || s.contains("nerdctl")
}

#[derive(Default)]
struct Runner<'t> {
    out: Vec<Workload<'t>>,
    budget: Budget,
    errors: Vec<ReadError>,
    /// Variables the script assigns (`SOCK=/var/run/docker.sock`), for `$SOCK` later.
    vars: HashMap<String, String>,
    /// Assigned variables whose value comes from unknown ones (`IMG=${IMG:-alpine}`).
    tainted: HashSet<String>,
    /// Aliases the script defines (`alias d='docker run --privileged'`), and how many times
    /// they were expanded.
    aliases: HashMap<String, String>,
    alias_uses: usize,
    /// The command is run by `xargs` or `parallel`: words from their input replace the
    /// placeholder (`Some`) or are appended (`None`).
    input: Option<Option<String>>,
    /// Words of nested text point at the argument they came from (a container's argument: its
    /// text need not be where it is written, as in a YAML block scalar).
    pin: bool,
    /// The words are an argument vector, not shell text: a shell in it is not read (its `-c`
    /// string is read as shell text on its own).
    argv: bool,
}

impl<'t> Runner<'t> {
    fn run_all(&mut self, cmds: Vec<Command<'t>>, depth: usize) {
        for c in cmds {
            if self.budget.over {
                return;
            }
            self.exec(&c.words, c.stdin.as_ref(), depth);
        }
    }

    /// A nested script (an `sh -c` string, an `eval` line, a here-document fed to a shell).
    fn nested(&mut self, text: &str, line: u32, col: u32, depth: usize) {
        if !mentions_runtime(text) {
            return;
        }
        let mut cmds = shell::parse_owned(text, line, col, depth + 1, &mut self.budget);
        if self.pin {
            for c in &mut cmds {
                for w in &mut c.words {
                    (w.line, w.col) = (line, col);
                }
            }
        }
        self.run_all(cmds, depth + 1);
    }

    /// [`Self::nested`], its words all at (`line`, `col`) when `pin` (text that came from a
    /// variable's value is not where it is written).
    fn nested_pinned(&mut self, text: &str, line: u32, col: u32, depth: usize, pin: bool) {
        let was = self.pin;
        self.pin |= pin;
        self.nested(text, line, col, depth);
        self.pin = was;
    }

    /// Whether a word holds an expansion of a variable the script assigned (its text is the
    /// value, not what is written).
    fn assigned(&self, w: &Word<'t>) -> bool {
        !self.vars.is_empty()
            && expansions(&w.written)
                .iter()
                .any(|e| self.vars.contains_key(&e.name))
    }

    /// A command word that is an unquoted expansion of a variable the script assigned, whose
    /// value holds several words (`CMD="docker run --privileged x"; $CMD`): the command as the
    /// shell splits it (on blanks, no quotes), each word where the expansion is written, then
    /// `rest`.
    fn split_assigned(&self, w: &Word<'t>, rest: &[Word<'t>]) -> Option<Vec<Word<'t>>> {
        if !w.text.contains(char::is_whitespace)
            || !self.assigned(w)
            || w.written.starts_with(['"', '\''])
        {
            return None;
        }
        let mut out: Vec<Word<'t>> = w
            .text
            .split_whitespace()
            .map(|piece| Word {
                text: Cow::Owned(piece.to_string()),
                raw: "",
                written: Cow::Owned(piece.to_string()),
                line: w.line,
                col: w.col,
            })
            .collect();
        out.extend(rest.iter().cloned());
        Some(out)
    }

    /// An error when the command text `w` (all of an `eval`'s words, an `sh -c` string) starts
    /// with an expansion nobody knows (`eval "$CMD"`, `sh -c "$CMD"`): it may run a `docker
    /// run` the linter cannot see. Whether it was one.
    fn opaque_command(&mut self, w: &Word<'t>, what: &str) -> bool {
        // `eval "$(ssh-agent -s)"`: a command's output, by convention shell settings
        let Some(e) = self
            .leading_unknown(w)
            .filter(|e| !e.name.starts_with(['$', '`']))
        else {
            return false;
        };
        let name = if e.name.starts_with(['$', '`']) {
            e.name.clone()
        } else {
            format!("${}", e.name)
        };
        self.refuse(
            w,
            format!(
                "{what} runs `{name}`, whose value is not known here: it may run a `docker run` the linter cannot see (set it in the script, or write the command)"
            ),
        );
        true
    }

    /// Substitute the script's own assignments into a word (`$SOCK`, `${SOCK}`).
    fn substitute(&self, w: &Word<'t>) -> Option<Word<'t>> {
        if self.vars.is_empty() || !w.text.contains('$') {
            return None;
        }
        let t = w.text.as_ref();
        let mut out = String::with_capacity(t.len());
        let mut rest = t;
        let mut changed = false;
        while let Some(i) = rest.find('$') {
            out.push_str(rest.get(..i).unwrap_or(""));
            let after = rest.get(i + 1..).unwrap_or("");
            let (name, len) = if let Some(b) = after.strip_prefix('{') {
                match b.find('}') {
                    Some(e) => (b.get(..e).unwrap_or(""), e + 2),
                    None => ("", 0),
                }
            } else {
                let n = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (after.get(..n).unwrap_or(""), n)
            };
            match self.vars.get(name) {
                Some(v) if len > 0 => {
                    out.push_str(v);
                    changed = true;
                    rest = after.get(len..).unwrap_or("");
                }
                _ => {
                    out.push('$');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        changed.then_some(Word {
            text: Cow::Owned(out),
            // the raw word still tells which expansions were written (and quoted)
            raw: w.raw,
            written: w.written.clone(),
            line: w.line,
            col: w.col,
        })
    }

    /// One simple command: find what it runs behind assignments and wrappers.
    fn exec(&mut self, words: &[Word<'t>], stdin: Option<&shell::Stdin<'t>>, depth: usize) {
        let subst: Vec<Word<'t>>;
        let words = if self.vars.is_empty() {
            words
        } else {
            subst = words
                .iter()
                .map(|w| self.substitute(w).unwrap_or_else(|| w.clone()))
                .collect();
            &subst
        };
        // an assignment-only command sets variables
        if !words.is_empty() && words.iter().all(|w| shell::assignment(&w.text).is_some()) {
            for w in words {
                if let Some((n, v)) = shell::assignment(&w.text) {
                    self.assign(w, n, v);
                }
            }
            return;
        }
        if let Some(first) = words.first() {
            if first.text == "alias" {
                for a in words.get(1..).unwrap_or(&[]) {
                    if let Some((n, v)) = a.text.split_once('=') {
                        self.aliases.insert(n.to_string(), v.to_string());
                    }
                }
                return;
            }
            // an alias the script defined stands for its text (not expanded again inside it)
            if let Some((name, value)) = (!self.aliases.is_empty())
                .then(|| self.aliases.remove_entry(first.text.as_ref()))
                .flatten()
            {
                self.alias_uses += 1;
                if self.alias_uses > MAX_ALIAS_USES {
                    self.budget.fail(
                        first.line,
                        first.col,
                        format!(
                            "shell text expands aliases more than {MAX_ALIAS_USES} times; the rest was not read"
                        ),
                    );
                } else if depth < shell::MAX_DEPTH {
                    let mut cmds = shell::parse_owned(
                        &value,
                        first.line,
                        first.col,
                        depth + 1,
                        &mut self.budget,
                    );
                    for c in &mut cmds {
                        for w in &mut c.words {
                            (w.line, w.col) = (first.line, first.col);
                        }
                    }
                    let last = cmds.pop();
                    for c in cmds {
                        self.exec(&c.words, c.stdin.as_ref(), depth + 1);
                    }
                    let mut joined: Vec<Word<'t>> = last.map(|c| c.words).unwrap_or_default();
                    joined.extend(words.get(1..).unwrap_or(&[]).iter().cloned());
                    self.exec(&joined, stdin, depth + 1);
                }
                self.aliases.insert(name, value);
                return;
            }
        }
        let mut k = 0;
        let mut wrapped = false;
        self.input = None;
        while let Some(w) = words.get(k) {
            let b = base(&w.text);
            if RUNTIMES.contains(&b.as_str()) || runtime_expansion(w) {
                let run = self.docker_run(words.get(k..).unwrap_or(&[]));
                self.input = None;
                if let Some(wl) = run {
                    self.out.push(wl);
                    return;
                }
                if !wrapped {
                    return;
                }
            } else if SHELLS.contains(&b.as_str()) {
                self.shell(words.get(k + 1..).unwrap_or(&[]), stdin, depth);
                return;
            } else if b == "eval" {
                let rest = words.get(k + 1..).unwrap_or(&[]);
                if let Some(first) = rest.first() {
                    if self.opaque_command(first, "eval") {
                        return;
                    }
                    let text: Vec<&str> = rest.iter().map(|w| w.text.as_ref()).collect();
                    let pin = rest.iter().any(|w| self.assigned(w));
                    self.nested_pinned(&text.join(" "), first.line, first.col, depth, pin);
                }
                return;
            } else if WRAPPERS.contains(&b.as_str()) {
                wrapped = true;
                if matches!(b.as_str(), "xargs" | "parallel" | "sem") {
                    self.input = Some(input_words(&b, words.get(k + 1..).unwrap_or(&[])));
                }
                if matches!(
                    b.as_str(),
                    "export" | "local" | "readonly" | "declare" | "typeset"
                ) {
                    for a in words.get(k + 1..).unwrap_or(&[]) {
                        if let Some((n, v)) = shell::assignment(&a.text) {
                            self.assign(a, n, v);
                        }
                    }
                    return;
                }
            } else if k == 0 && shell::assignment(&w.text).is_some() {
                // `VAR=x docker run`: the assignment prefixes the command
            } else if let Some(e) = self.leading_unknown(w)
                && (!wrapped || run_with_flags(words.get(k + 1..).unwrap_or(&[])))
            {
                // a command word nobody knows: `$SUDO docker run` (the CLI named later: read
                // through it), `$CLI run …` (it may be the docker CLI: read as one, and an
                // error), `$CMD` alone, unquoted (it may hold a whole `docker run` line: an
                // error)
                let rest = words.get(k + 1..).unwrap_or(&[]);
                let later_cli = rest
                    .iter()
                    .any(|n| RUNTIMES.contains(&base(&n.text).as_str()));
                if later_cli {
                    wrapped = true;
                } else if run_with_flags(rest) {
                    self.refuse(
                        w,
                        format!(
                            "the command `{}` is not known here: with `{}` after it, it may be the docker CLI (read as `docker`; set it in the script, or write the CLI's name)",
                            w.written,
                            rest.first().map_or("", |n| n.text.as_ref())
                        ),
                    );
                    if let Some(wl) = self.docker_run(words.get(k..).unwrap_or(&[])) {
                        self.out.push(wl);
                    }
                    return;
                } else {
                    if !e.quoted && rest.is_empty() && !matches!(e.name.as_str(), "@" | "*") {
                        self.opaque_command(w, "this script");
                    }
                    return;
                }
            } else if (k == 0 || wrapped)
                && let Some(split) = self.split_assigned(w, words.get(k + 1..).unwrap_or(&[]))
            {
                // `CMD="docker run …"; $CMD`: the known value, split into words
                if depth < shell::MAX_DEPTH {
                    self.exec(&split, stdin, depth + 1);
                }
                return;
            } else if !wrapped {
                return;
            } else if k > 0
                && words
                    .get(k - 1)
                    .is_some_and(|p| matches!(p.text.as_ref(), "-c" | "--command"))
                && self.opaque_command(w, "this command string")
            {
                // `su -c "$CMD"`, `flock f -c "$CMD"`: said
            } else if w.text.contains(char::is_whitespace) && mentions_runtime(&w.text) {
                // a wrapper's command string (`su -c '...'`, `watch '...'`, `env -S '...'`)
                self.nested(
                    &w.text,
                    w.line,
                    w.col + u32::from(w.raw.starts_with(['\'', '"'])),
                    depth,
                );
            }
            k += 1;
        }
    }

    /// A shell's arguments: `-c STRING` (options may be clustered, `-ec`), else standard input.
    fn shell(&mut self, args: &[Word<'t>], stdin: Option<&shell::Stdin<'t>>, depth: usize) {
        if self.argv {
            return;
        }
        let mut c_flag = false;
        let mut i = 0;
        while let Some(a) = args.get(i) {
            let t = a.text.as_ref();
            if t == "--" || t == "-" {
                i += 1;
                break;
            }
            if t.starts_with("--") {
                i += 1;
                continue;
            }
            if (t.starts_with('-') || t.starts_with('+')) && t.len() > 1 {
                let body = t.get(1..).unwrap_or("");
                if body.contains('c') {
                    c_flag = true;
                }
                if body.contains('o') || body.contains('O') {
                    i += 1; // the option name
                }
                i += 1;
                continue;
            }
            break;
        }
        if c_flag {
            if let Some(s) = args.get(i) {
                if self.opaque_command(s, "this shell's `-c` string") {
                    return;
                }
                let col = s.col + u32::from(s.raw.starts_with(['\'', '"']));
                let pin = self.assigned(s);
                self.nested_pinned(&s.text, s.line, col, depth, pin);
            }
            return;
        }
        if args.get(i).is_none()
            && let Some(s) = stdin
        {
            self.nested(&s.text, s.line, s.col, depth);
        }
    }
}

/// Whether the words after a command word nobody knows read as a `docker run`: `run`, `create`
/// or `container` first, then a long option of `docker run` or `-v` (`npm run build`, `cargo run
/// --release` are not).
fn run_with_flags(rest: &[Word<'_>]) -> bool {
    matches!(
        rest.first().map(|n| n.text.as_ref()),
        Some("run" | "create" | "container")
    ) && rest.iter().skip(1).any(|n| {
        let t = n.text.as_ref();
        (t.starts_with("--") && flags::written(RUN_FLAGS, t).is_some())
            || (t.starts_with("-v") && !t.starts_with("--"))
    })
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

/// One expansion written in a word: what it names (`$SOCK`, `${P:-false}`, `$(cmd)`, `$1`),
/// whether it stands inside double quotes (unquoted, the shell splits its value into words; `"$@"`
/// and `"${A[@]}"` are several words even quoted), and where it starts in the word as written.
#[derive(Debug, PartialEq, Eq)]
struct Expansion {
    name: String,
    quoted: bool,
    at: usize,
}

/// The expansions of a word as written (`raw`, or the text of a nested word), single-quoted text
/// and escapes skipped.
fn expansions(src: &str) -> Vec<Expansion> {
    let mut out = Vec::new();
    if !src.contains(['$', '`']) {
        return out;
    }
    let mut it = src.char_indices().peekable();
    let (mut single, mut double) = (false, false);
    while let Some((i, c)) = it.next() {
        match c {
            '\\' if !single => {
                it.next();
            }
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '`' if !single => {
                let rest = src.get(i + 1..).unwrap_or("");
                let end = rest.find('`').unwrap_or(rest.len());
                out.push(Expansion {
                    name: format!("`{}`", rest.get(..end).unwrap_or("")),
                    quoted: double,
                    at: i,
                });
                while it.peek().is_some_and(|&(k, _)| k <= i + 1 + end) {
                    it.next();
                }
            }
            '$' if !single => {
                let rest = src.get(i + 1..).unwrap_or("");
                let (name, len) = if let Some(b) = rest.strip_prefix('{') {
                    let end = b.find('}').unwrap_or(b.len());
                    let body = b.get(..end).unwrap_or("");
                    let n = body
                        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                        .map_or(body, |k| body.get(..k).unwrap_or(""));
                    (n.to_string(), end + 2)
                } else if rest.starts_with('(') {
                    let mut open = 0usize;
                    let mut end = rest.len();
                    for (k, ch) in rest.char_indices() {
                        match ch {
                            '(' => open += 1,
                            ')' => {
                                open = open.saturating_sub(1);
                                if open == 0 {
                                    end = k + 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    (format!("${}", rest.get(..end).unwrap_or("")), end)
                } else if let Some(ch) = rest
                    .chars()
                    .next()
                    .filter(|ch| "@*#?!-$0123456789".contains(*ch))
                {
                    (ch.to_string(), 1)
                } else {
                    let n = rest
                        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                        .unwrap_or(rest.len());
                    (rest.get(..n).unwrap_or("").to_string(), n)
                };
                if !name.is_empty() {
                    // `"$@"` and `"${A[@]}"` expand to one word per element, quoted or not
                    let words = name == "@"
                        || rest
                            .strip_prefix('{')
                            .and_then(|b| b.split('}').next())
                            .is_some_and(|b| b.ends_with("[@]"));
                    out.push(Expansion {
                        name,
                        quoted: double && !words,
                        at: i,
                    });
                }
                while it.peek().is_some_and(|&(k, _)| k <= i + len) {
                    it.next();
                }
            }
            _ => {}
        }
    }
    out
}

/// A command word that expands to a container CLI's path: `$(which docker)`, `"$DOCKER"`,
/// `${PODMAN_BIN}`, `` `command -v nerdctl` `` (read as that CLI).
fn runtime_expansion(w: &Word<'_>) -> bool {
    w.written.contains(['$', '`']) && mentions_runtime(&w.written.to_ascii_lowercase())
}

/// What `xargs`/`parallel` put into the command they run: the replace string (`xargs -I {}`,
/// `-i`, `--replace`; `parallel`'s `{}`), or `None` when they append their input's words.
fn input_words(wrapper: &str, opts: &[Word<'_>]) -> Option<String> {
    if wrapper != "xargs" {
        // parallel: `{}`, `{.}`, `{1}`, ... wherever written, else appended
        let uses = opts.iter().any(|w| placeholder(&w.written, "{").is_some());
        return uses.then(|| "{".to_string());
    }
    let mut it = opts.iter();
    while let Some(w) = it.next() {
        let t = w.text.as_ref();
        if RUNTIMES.contains(&base(t).as_str()) {
            break;
        }
        if t == "-I" {
            return it.next().map(|v| v.text.to_string());
        }
        if let Some(r) = t.strip_prefix("-I").filter(|r| !r.is_empty()) {
            return Some(r.to_string());
        }
        if t == "-i" || t == "--replace" {
            return Some("{}".to_string());
        }
        if let Some(r) = t
            .strip_prefix("--replace=")
            .or_else(|| t.strip_prefix("-i"))
        {
            return Some(r.to_string());
        }
    }
    None
}

/// Where the placeholder `p` of `xargs`/`parallel` is in a word (`{` stands for `parallel`'s
/// `{…}` forms).
fn placeholder(word: &str, p: &str) -> Option<usize> {
    if p.is_empty() {
        return None;
    }
    if p == "{" {
        let at = word.find('{')?;
        return word.get(at..)?.contains('}').then_some(at);
    }
    word.find(p)
}

/// Variables whose value a reading of the script does not need: the well-known ones (`$PWD`,
/// `$(pwd)`, `$HOME`, `$XDG_RUNTIME_DIR`, as Compose's reader knows them) and the shell's `$$`.
fn well_known(name: &str) -> bool {
    super::compose::well_known(name).is_some()
        || matches!(name, "$" | "$(pwd)" | "`pwd`" | "$(pwd -P)")
}

/// Go's `strconv.ParseBool`, which pflag uses for every boolean flag.
pub(crate) fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Flags whose value decides what a rule judges (mounts, devices, namespaces, capabilities,
/// profiles, the runtime): an unknown variable in them is an error, as in Compose.
const RELEVANT: &[&str] = &[
    "-v",
    "--volume",
    "--mount",
    "--device",
    "--device-cgroup-rule",
    "--network",
    "--net",
    "--pid",
    "--ipc",
    "--uts",
    "--userns",
    "--cgroupns",
    "--cap-add",
    "--security-opt",
    "--runtime",
    "--group-add",
];

/// Boolean flags of `podman run` and `nerdctl run` that the docker CLI does not have (so they
/// do not take the next word as a value).
const OTHER_BOOLS: &[&str] = &[
    "replace",
    "read-only-tmpfs",
    "http-proxy",
    "rootfs",
    "env-host",
    "no-healthcheck",
    "no-hosts",
    "passwd",
    "tls-verify",
    "privileged-without-host-devices",
];

impl<'t> Runner<'t> {
    fn refuse(&mut self, w: &Word<'t>, message: String) {
        self.errors.push(ReadError {
            line: Some(w.line as usize),
            column: Some(w.col as usize),
            message,
        });
    }

    /// The expansions of word `w` whose value is not known here (not assigned by the script, not
    /// well-known).
    fn unknown(&self, w: &Word<'t>) -> Vec<Expansion> {
        let mut out: Vec<Expansion> = expansions(&w.written)
            .into_iter()
            .filter(|e| {
                !well_known(&e.name)
                    && (!self.vars.contains_key(&e.name) || self.tainted.contains(&e.name))
            })
            .collect();
        // the placeholder of `xargs -I{}` / `parallel`: a word of their input
        if let Some(Some(p)) = &self.input
            && let Some(at) = placeholder(&w.written, p)
        {
            let name = if p == "{" {
                let rest = w.written.get(at..).unwrap_or("");
                rest.get(..rest.find('}').map_or(rest.len(), |e| e + 1))
                    .unwrap_or(rest)
                    .to_string()
            } else {
                p.clone()
            };
            // one input line, or one quoted word, replaces it: no splitting
            out.push(Expansion {
                name,
                quoted: true,
                at,
            });
            out.sort_by_key(|e| e.at);
        }
        out
    }

    /// The first unknown expansion of `w` when the word starts with it (nothing but quotes
    /// before it): the word's first characters are the variable's, a `-` among them.
    fn leading_unknown(&self, w: &Word<'t>) -> Option<Expansion> {
        let first = self.unknown(w).into_iter().next()?;
        w.written
            .get(..first.at)?
            .chars()
            .all(|c| matches!(c, '"' | '\''))
            .then_some(first)
    }

    /// Record an assignment: a value built from unknown expansions (`P=${P:-false}`) keeps the
    /// reading the text supplies, and the variable stays unknown.
    fn assign(&mut self, w: &Word<'t>, name: &str, value: &str) {
        let tainted = !self.unknown(w).is_empty();
        self.vars.insert(name.to_string(), value.to_string());
        if tainted {
            self.tainted.insert(name.to_string());
        } else {
            self.tainted.remove(name);
        }
    }

    /// An error when a security-relevant value (`what`) depends on expansions not known here:
    /// every value they may take cannot be judged (the reading the text supplies still is).
    fn unresolved(&mut self, w: &Word<'t>, what: &str, unknown: &[Expansion]) {
        if unknown.is_empty() {
            return;
        }
        let names: Vec<String> = unknown
            .iter()
            .map(|e| {
                let placeholder = matches!(&self.input, Some(Some(p))
                    if *p == e.name || (p == "{" && e.name.starts_with('{')));
                if placeholder {
                    format!("`{}` (a word of the input of `xargs`/`parallel`)", e.name)
                } else if e.name.starts_with(['$', '`']) {
                    format!("`{}`", e.name)
                } else {
                    format!("`${}`", e.name)
                }
            })
            .collect();
        self.refuse(
            w,
            format!(
                "{what} depends on {} whose value is not known here: it cannot be judged for every value it may take (set it in the script, or write the value)",
                names.join(", ")
            ),
        );
    }

    /// A boolean flag's value as written (`None`: given bare, true); an invalid one is an error
    /// (the CLI refuses the command), read as true. A value built from unknown expansions
    /// (`--privileged=$P`, `${P:-false}`) may be true: read as true, and an error.
    fn boolean(&mut self, w: &Word<'t>, name: &str, v: Option<&str>) -> &'static str {
        let unknown = if v.is_some() {
            self.unknown(w)
        } else {
            Vec::new()
        };
        if !unknown.is_empty() {
            self.unresolved(w, &format!("`{name}`"), &unknown);
            return "true";
        }
        match v.map(parse_bool) {
            None | Some(Some(true)) => "true",
            Some(Some(false)) => "false",
            Some(None) => {
                self.refuse(
                    w,
                    format!(
                        "invalid argument \"{}\" for \"{name}\" flag: the docker CLI reads booleans as Go's strconv.ParseBool (1, t, true, 0, f, false, ...) and refuses this command",
                        v.unwrap_or("")
                    ),
                );
                "true"
            }
        }
    }

    /// An error when an unquoted unknown expansion in `w` (before the image) may split into
    /// words the docker CLI reads as options (`$FLAGS` = `--privileged -v /:/host`); whether
    /// there was one.
    fn split_options(&mut self, w: &Word<'t>) -> bool {
        let split: Vec<Expansion> = self.unknown(w).into_iter().filter(|e| !e.quoted).collect();
        self.unresolved(
            w,
            "this `docker run`'s options (an unquoted expansion is split into words, and any of them may be an option)",
            &split,
        );
        !split.is_empty()
    }

    /// The word at the image's place: an unknown expansion at its start (`$IMAGE`, `"$IMAGE"`,
    /// `"${IMG:-alpine}"`, `"$@"`: a value starting with `-` is an option to the docker CLI and
    /// the next word the image; unquoted and empty, the word is gone) hides the options: an
    /// error. After a literal start (`registry/$IMG`) the first word is the image whatever
    /// follows.
    fn image_word(&mut self, w: &Word<'t>) {
        let Some(e) = self.leading_unknown(w) else {
            return;
        };
        if !e.quoted {
            self.split_options(w);
        } else {
            self.unresolved(
                w,
                &format!(
                    "the image `{}` (a value starting with `-` is read by the docker CLI as an option, such as `--privileged`)",
                    w.written
                ),
                &[e],
            );
        }
    }

    /// Whether which option word `w` is depends on an unknown expansion: it starts with one
    /// (`${OPT:---rm}`), or one stands in the option's name (`--$F`, `-$X`, `-i$X`), not only in
    /// its value (`-v$X`, `--volume=$X`).
    fn named_by_unknown(&self, w: &Word<'t>) -> bool {
        if self.unknown(w).is_empty() {
            return false;
        }
        if self.leading_unknown(w).is_some() {
            return true;
        }
        let t = w.text.as_ref();
        let name = if let Some(long) = t.strip_prefix("--") {
            long.split('=').next().unwrap_or(long)
        } else {
            let body = t.get(1..).unwrap_or("");
            let end = body
                .char_indices()
                .find(|&(_, ch)| {
                    flags::by_short(RUN_FLAGS, ch).is_some_and(|f| f.value != Value::Bool)
                })
                .map_or(body.len(), |(k, _)| k);
            body.get(..end).unwrap_or(body)
        };
        name.contains(['$', '`'])
    }

    fn docker_run(&mut self, cmd: &[Word<'t>]) -> Option<Workload<'t>> {
        let docker = cmd.first()?;
        let is_docker = base(&docker.text).starts_with("docker");
        let mut i = 1;
        let mut globals: Vec<(Val<'t>, Val<'t>)> = Vec::new();
        // global options
        while let Some(w) = cmd.get(i) {
            let t = w.text.as_ref();
            if !t.starts_with('-') || t == "-" {
                // `docker $OPTS run ...`: the words of an unquoted unknown expansion may be
                // global options, or `run` and its options
                if !matches!(t, "run" | "create" | "container") && self.split_options(w) {
                    i += 1;
                    continue;
                }
                break;
            }
            if t == "--" {
                i += 1;
                break;
            }
            let (name, inline) = match t.split_once('=') {
                Some((n, v)) if t.starts_with("--") => (n, Some(v)),
                _ => (t, None),
            };
            let (name, inline) = match (name.strip_prefix('-'), inline) {
                // `-Hvalue`, `-H=value`
                (Some(short), None) if !name.starts_with("--") && short.len() > 1 => {
                    let (c, rest) = short.split_at(short.chars().next().map_or(0, char::len_utf8));
                    (
                        name.get(..1 + c.len()).unwrap_or(name),
                        Some(rest.strip_prefix('=').unwrap_or(rest)),
                    )
                }
                _ => (name, inline),
            };
            let known = GLOBAL_FLAGS
                .iter()
                .find(|f| name == flags::long_form(f) || Some(name) == flags::short_form(f));
            let takes = match known {
                Some(f) => f.value != Value::Bool,
                // podman's and nerdctl's own global options take a value unless `=` gave one
                None => {
                    !is_docker && inline.is_none() && !matches!(name, "--remote" | "-r" | "--debug")
                }
            };
            let value = if !takes {
                None
            } else if let Some(v) = inline {
                Some(Val::new(
                    v.to_string(),
                    loc_of(w, t.len() - v.len(), flag_path(w)),
                ))
            } else {
                i += 1;
                cmd.get(i)
                    .map(|v| Val::new(v.text.clone(), loc_of(v, 0, flag_path(w))))
            };
            if let Some(v) = value
                && is_docker
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
                self.image_word(word);
                break;
            }
            let refused = self.errors.len();
            if self.named_by_unknown(word) {
                let unknown = self.unknown(word);
                self.unresolved(
                    word,
                    &format!(
                        "the option `{}` (the docker CLI reads whatever the variable holds as an option)",
                        word.written
                    ),
                    &unknown,
                );
            }
            let flag = flag_path(word);
            let mut opts: Vec<(String, Option<Val<'t>>)> = Vec::new();
            if let Some(long) = t.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (long, None),
                };
                let long_name = name;
                let name = format!("--{name}");
                let is_bool = flags::by_long(RUN_FLAGS, long_name)
                    .map_or(OTHER_BOOLS.contains(&long_name), |f| f.value == Value::Bool);
                if is_bool {
                    let v = self.boolean(word, &name, inline);
                    opts.push((name, Some(Val::new(v, loc_of(word, 0, flag)))));
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
                // a cluster of short flags as pflag reads it: `-it`, `-v/x:/y`, `-v=/x:/y`,
                // `-itv /x:/y`, `-t=false`
                let body = t.get(1..).unwrap_or("");
                for (k, ch) in body.char_indices() {
                    let rest = body.get(k + ch.len_utf8()..).unwrap_or("");
                    let is_bool =
                        flags::by_short(RUN_FLAGS, ch).is_none_or(|f| f.value == Value::Bool);
                    if is_bool {
                        if let Some(v) = rest.strip_prefix('=') {
                            let v = self.boolean(word, &format!("-{ch}"), Some(v));
                            opts.push((format!("-{ch}"), Some(Val::new(v, loc_of(word, 0, flag)))));
                            break;
                        }
                        opts.push((
                            format!("-{ch}"),
                            Some(Val::new("true", loc_of(word, 0, flag))),
                        ));
                        continue;
                    }
                    if rest.is_empty() {
                        i += 1;
                        let v = cmd
                            .get(i)
                            .map(|v| Val::new(v.text.clone(), loc_of(v, 0, flag)));
                        opts.push((format!("-{ch}"), v));
                    } else {
                        let (rest, eq) = match rest.strip_prefix('=') {
                            Some(r) => (r, 1),
                            None => (rest, 0),
                        };
                        let off = 1 + k + ch.len_utf8() + eq;
                        opts.push((
                            format!("-{ch}"),
                            Some(Val::new(rest.to_string(), loc_of(word, off, flag))),
                        ));
                    }
                    break;
                }
            }
            // the word that gave the value (the flag's own, or the next one)
            let src = cmd.get(i).unwrap_or(word);
            for (name, value) in opts {
                let Some(v) = value else { continue };
                if RELEVANT.contains(&name.as_str()) {
                    let unknown = self.unknown(src);
                    self.unresolved(src, &format!("`{name}`"), &unknown);
                }
                if name == "--volumes-from" {
                    self.refuse(
                        word,
                        format!(
                            "`--volumes-from {}` takes the mounts of another container, which are not known here: this container is judged without them (lint what that container mounts)",
                            v.as_str()
                        ),
                    );
                }
                apply_option(&mut w, &mut c, &mut sec, &name, v);
            }
            if self.errors.len() == refused {
                // an unquoted unknown expansion in an option or its value (`-e A=$B`, `--name
                // $N`) splits into words, the extra ones read as options before the image
                for x in [word, src] {
                    if self.split_options(x) {
                        break;
                    }
                }
            }
            i += 1;
        }
        // image and command
        if let Some(img) = cmd.get(i) {
            c.image = Some(Val::new(img.text.clone(), loc_of(img, 0, "image")));
            i += 1;
        } else if matches!(self.input, Some(None)) {
            // `... | xargs docker run --rm`: the image, and any options before it, are the
            // input's words
            self.refuse(
                docker,
                "this `docker run`'s image and options come from the input of `xargs`/`parallel`, which is not known here: it cannot be judged (write them in the script)".to_string(),
            );
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
        "--mount" => c.mounts.push(mount_option(&v)),
        "--use-api-socket" if parse_bool(v.as_str()) != Some(false) => {
            // the CLI bind-mounts the daemon's socket at /var/run/docker.sock
            let host =
                HostPath::resolve(Val::new("/var/run/docker.sock", v.loc), None, Via::Direct);
            c.mounts.push(Mount {
                propagation: None,
                loc: v.loc,
                target: Some(Val::new("/var/run/docker.sock", v.loc)),
                volume: None,
                volume_name: None,
                sub_path: None,
                read_only: false,
                host: Some(host),
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
        "--privileged" if parse_bool(v.as_str()) != Some(false) => sec.privileged = Some(v),
        "--cap-add" => sec.cap_add.push(v),
        "--cap-drop" => sec.cap_drop.push(v),
        "--security-opt" => apply_security_opt(sec, &v),
        "-u" | "--user" => {
            let u = v.as_str().split(':').next().unwrap_or("").to_string();
            sec.run_as_user = Some(Val::new(u, v.loc));
        }
        "--group-add" => sec.groups.push(v),
        "--device" => c.mounts.extend(short_device(&v)),
        "--device-cgroup-rule" => c.device_rules.push(v),
        "--cgroupns" if v.eq_ci("host") => w.host_cgroup = Some(v),
        "--uts" if v.eq_ci("host") => w.host_uts = Some(v),
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

/// The fields of a `--mount` value as Go's `encoding/csv` splits one record: `,` separated, a
/// field starting with `"` quoted (`""` a quote inside).
fn csv_fields(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut it = s.chars().peekable();
    let mut at_start = true;
    let mut quoted = false;
    while let Some(c) = it.next() {
        if quoted {
            if c == '"' {
                if it.peek() == Some(&'"') {
                    it.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            ',' => {
                out.push(std::mem::take(&mut cur));
                at_start = true;
            }
            c => {
                cur.push(c);
                at_start = false;
            }
        }
    }
    out.push(cur);
    out
}

/// A `--mount` value as the docker CLI reads it: CSV fields, keys case-insensitive, a missing
/// `type` a volume; a `volume` whose local-driver options say `o=bind` (or `rbind`) with a
/// `device` is a bind of that device.
pub(crate) fn mount_option<'t>(v: &Val<'t>) -> Mount<'t> {
    let mut kind = "volume".to_string();
    let mut source = None;
    let mut target = None;
    let mut read_only = false;
    let mut bind_opt = false;
    let mut device = None;
    let mut propagation = None;
    for field in csv_fields(v.as_str()) {
        let (k, val) = match field.split_once('=') {
            Some((k, val)) => (k.trim().to_ascii_lowercase(), Some(val.to_string())),
            None => (field.trim().to_ascii_lowercase(), None),
        };
        match (k.as_str(), val) {
            ("type", Some(t)) => kind = t.trim().to_ascii_lowercase(),
            ("source" | "src", Some(s)) => source = Some(s),
            ("target" | "destination" | "dst", Some(t)) => target = Some(t),
            ("readonly" | "ro", None) => read_only = true,
            ("readonly" | "ro", Some(b)) => read_only = parse_bool(b.trim()) == Some(true),
            ("bind-propagation", Some(p)) => propagation = Some(Val::new(p, v.loc)),
            ("volume-opt", Some(o)) => match o.split_once('=') {
                Some(("o", opts)) => {
                    bind_opt = opts
                        .split(',')
                        .any(|x| matches!(x.trim(), "bind" | "rbind"))
                }
                Some(("device", d)) => device = Some(d.to_string()),
                _ => {}
            },
            _ => {}
        }
    }
    let host_src = match kind.as_str() {
        "bind" | "npipe" => source,
        "volume" if bind_opt => device,
        _ => None,
    };
    let host = host_src.map(|s| HostPath::resolve(Val::new(s, v.loc), None, Via::Direct));
    Mount {
        propagation: propagation.filter(|_| kind == "bind"),
        loc: v.loc,
        target: target.map(|t| Val::new(t, v.loc)),
        volume: None,
        volume_name: None,
        sub_path: None,
        read_only,
        host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_positions() {
        let mut b = Budget::default();
        let cmds = shell::parse(
            "docker run \\\n  -v '/var/run:/var/run' \"a\\\"b\" # c\necho x; ls",
            1,
            1,
            0,
            &mut b,
        );
        assert_eq!(cmds.len(), 3);
        let first: Vec<(&str, u32, u32)> = cmds[0]
            .words
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
    fn expansions_as_written() {
        let names = |s: &str| -> Vec<(String, bool)> {
            expansions(s)
                .into_iter()
                .map(|e| (e.name, e.quoted))
                .collect()
        };
        assert_eq!(
            names("'$A'\"$B\"$C${D:-x}$(e f)`g`$1\\$H"),
            vec![
                ("B".into(), true),
                ("C".into(), false),
                ("D".into(), false),
                ("$(e f)".into(), false),
                ("`g`".into(), false),
                ("1".into(), false),
            ]
        );
        assert!(names("/plain/path").is_empty());
    }

    #[test]
    fn unknown_values_of_relevant_flags_are_errors() {
        let (u, errors) = read(
            "S=/srv\ndocker run -v \"$S:/s\" -v \"$X:/x\" --cap-add=$CAP -e A=$B --privileged=${P:-false} \"$IMG\"\n",
        );
        let msgs: Vec<(Option<usize>, Option<usize>, &str)> = errors
            .iter()
            .map(|e| (e.line, e.column, e.message.as_str()))
            .collect();
        assert_eq!(msgs.len(), 5, "{msgs:?}");
        assert_eq!((msgs[0].0, msgs[0].1), (Some(2), Some(26)), "{msgs:?}");
        assert!(msgs[0].2.starts_with("`-v` depends on `$X`"), "{msgs:?}");
        assert!(
            msgs[1].2.starts_with("`--cap-add` depends on `$CAP`"),
            "{msgs:?}"
        );
        // unquoted, `$B` may split into options
        assert!(
            msgs[2].2.starts_with("this `docker run`'s options") && msgs[2].2.contains("`$B`"),
            "{msgs:?}"
        );
        assert!(
            msgs[3].2.starts_with("`--privileged` depends on `$P`"),
            "{msgs:?}"
        );
        // quoted, `$IMG` is one word, but one that may start with `-`
        assert!(msgs[4].2.starts_with("the image `\"$IMG\"`"), "{msgs:?}");
        let c = &u.workloads[0].containers[0];
        assert!(c.security.privileged.is_some());
        assert_eq!(c.image.as_ref().map(|i| i.as_str()), Some("$IMG"));
    }

    #[test]
    fn parses_a_run_line() {
        let (u, _) = read(
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

#[cfg(test)]
mod shell_reading {
    use super::*;

    fn runs(text: &str) -> usize {
        read(text).0.workloads.len()
    }

    #[test]
    fn every_line_of_the_evasion_scripts_is_one_run() {
        for (text, n) in [
            (
                include_str!("../../tests/fixtures/lint/_evasion/shell-compound.sh"),
                7,
            ),
            (
                include_str!("../../tests/fixtures/lint/_evasion/shell-wrappers-more.sh"),
                2,
            ),
            (
                include_str!("../../tests/fixtures/lint/_evasion/shell-sh-c.sh"),
                4,
            ),
            (
                include_str!("../../tests/fixtures/lint/_evasion/shell-podman-nerdctl.sh"),
                3,
            ),
            (
                include_str!("../../tests/fixtures/lint/_evasion/shell-heredoc-to-sh.sh"),
                2,
            ),
            (
                include_str!("../../tests/fixtures/lint/_evasion/shell-globals.sh"),
                2,
            ),
            (
                include_str!("../../tests/fixtures/lint/_evasion/shell-command-spelling.sh"),
                7,
            ),
        ] {
            assert_eq!(runs(text), n, "{text}");
        }
    }

    #[test]
    fn wrappers_and_their_strings() {
        for line in [
            "sudo -u docker docker run --privileged a",
            "flock /tmp/l -c 'docker run --privileged a'",
            "watch -n 5 'docker run --privileged a'",
            "export P=--privileged; docker run $P a",
            "local P=--privileged\ndocker run ${P} a",
            "time -p command exec docker run --privileged a",
            "cat <<EOF | bash\ndocker run --privileged a\nEOF\n",
            "2>/dev/null docker run --privileged a > out.log",
        ] {
            let (u, _) = read(line);
            assert_eq!(u.workloads.len(), 1, "{line}");
            assert!(
                u.workloads[0].containers[0].security.privileged.is_some(),
                "{line}"
            );
            assert_eq!(
                u.workloads[0].containers[0]
                    .image
                    .as_ref()
                    .map(|i| i.as_str()),
                Some("a"),
                "{line}"
            );
        }
        for quiet in [
            "echo docker run --privileged a",
            "ssh host docker run --privileged a",
            "cat <<EOF\ndocker run --privileged a\nEOF\n",
            "docker exec c docker run --privileged a",
        ] {
            assert_eq!(read(quiet).0.workloads.len(), 0, "{quiet}");
        }
    }

    #[test]
    fn options_hidden_behind_unknown_words_are_errors() {
        for (line, col) in [
            ("docker run \"$IMAGE\"", 12),
            ("docker run --rm \"${IMG:-alpine}\" sh", 17),
            ("docker run \"$@\"", 12),
            ("docker run \"${ARR[@]}\" alpine", 12),
            ("docker run -e \"${ENVS[@]}\" alpine", 15),
            ("docker run $* alpine", 12),
            ("docker run \"$*\" alpine", 12),
            ("docker run $IMG", 12),
            ("docker run -e A=$B alpine", 15),
            ("docker run --name $N alpine", 19),
            ("docker run --env=A=$B alpine", 12),
            ("docker run --$F alpine", 12),
            ("docker run -$X alpine", 12),
            ("docker run -i$X alpine", 12),
            ("docker run ${OPT:---rm} alpine", 12),
            ("docker $G run --rm alpine", 8),
            ("eval \"docker run $X alpine\"", 17),
            ("sh -c 'docker run \"${I:-alpine}\"'", 19),
            ("P=${P:-false}\ndocker run --privileged=$P alpine", 12),
            ("export I=\"${I:-alpine}\"\ndocker run \"$I\"", 12),
            ("ls | xargs docker run --rm", 12),
            ("xargs -I % docker run % alpine", 23),
            ("xargs --replace docker run -v {}:/x alpine", 31),
            ("parallel docker run {1} alpine ::: --privileged", 21),
        ] {
            let (_, errors) = read(line);
            assert!(
                errors.iter().any(|e| e.column == Some(col)),
                "{line}: {errors:?}"
            );
        }
        for quiet in [
            "docker run --rm alpine \"$@\"",
            "docker run -e \"A=$B\" --name \"$N\" alpine",
            "docker run registry/$IMG",
            "docker run \"registry.example/app:$TAG\"",
            "IMG=alpine; docker run \"$IMG\"",
            "docker run -v$HOME/.m2:/m2 \"$PWD/img\"",
            "ls | xargs docker run --rm alpine echo",
            "find . | xargs -I{} docker run -e X={} alpine",
        ] {
            let (_, errors) = read(quiet);
            assert!(errors.is_empty(), "{quiet}: {errors:?}");
        }
    }

    #[test]
    fn a_command_word_naming_the_cli_is_the_cli() {
        for line in [
            "$(which docker) run --privileged a",
            "\"$DOCKER\" run --privileged a",
            "${PODMAN_BIN} run --privileged a",
            "`command -v nerdctl` run --privileged a",
            "sudo \"$(command -v docker)\" run --privileged a",
        ] {
            let (u, _) = read(line);
            assert_eq!(u.workloads.len(), 1, "{line}");
            assert!(
                u.workloads[0].containers[0].security.privileged.is_some(),
                "{line}"
            );
        }
        assert!(read("$NPM run build").0.workloads.is_empty());
        for quiet in [
            "$NPM run build",
            "$CARGO run --release",
            "\"$PYTHON\" -m build",
            "$MAKE -j4",
        ] {
            let (u, errors) = read(quiet);
            assert!(u.workloads.is_empty() && errors.is_empty(), "{quiet}");
        }
        // a CLI nobody names, with `docker run`'s options: read as one, and an error
        let (u, errors) = read("$CLI run --privileged a");
        assert_eq!((u.workloads.len(), errors.len()), (1, 1));
    }

    #[test]
    fn aliases_the_script_defines_are_expanded() {
        let (u, _) = read("alias dr='docker run --privileged'\ndr alpine\n");
        assert_eq!(u.workloads.len(), 1);
        let c = &u.workloads[0].containers[0];
        assert!(c.security.privileged.is_some());
        assert_eq!(c.image.as_ref().map(|i| i.as_str()), Some("alpine"));
        // an alias is not expanded again inside its own text, and loops end
        let (u, _) = read("alias docker='docker --context x'\ndocker run --pid=host a\n");
        assert!(u.workloads[0].host_pid.is_some());
        assert!(read("alias a=b b=a\na\n").0.workloads.is_empty());
        // aliases that double at each level end in the command budget, not in 2^40 commands
        let mut text: String = (0..40)
            .map(|i| format!("alias a{i}='a{n}; a{n}'\n", n = i + 1))
            .collect();
        text.push_str("alias a40='docker run a'\na0\n");
        assert!(!read(&text).1.is_empty());
    }

    #[test]
    fn pflag_forms_give_the_same_mount() {
        for line in [
            "docker run -v=/var/run/docker.sock:/s a",
            "docker run -v/var/run/docker.sock:/s a",
            "docker run -itv /var/run/docker.sock:/s a",
            "docker run --volume=/var/run/docker.sock:/s a",
            "docker run --mount Type=BIND,Source=/var/run/docker.sock,Destination=/s a",
            "docker run --mount '\"src=/var/run/docker.sock\",type=bind,dst=/s' a",
        ] {
            let (u, errors) = read(line);
            assert!(errors.is_empty(), "{line}: {errors:?}");
            let h = u.workloads[0].containers[0].mounts[0].host.as_ref();
            assert_eq!(
                h.map(|h| h.effective.as_str()),
                Some("/var/run/docker.sock"),
                "{line}"
            );
            assert_eq!(
                u.workloads[0].containers[0]
                    .image
                    .as_ref()
                    .map(|i| i.as_str()),
                Some("a"),
                "{line}"
            );
        }
    }

    #[test]
    fn booleans_are_go_parsebool() {
        for (v, privileged, error) in [
            ("1", true, false),
            ("t", true, false),
            ("TRUE", true, false),
            ("True", true, false),
            ("0", false, false),
            ("F", false, false),
            ("False", false, false),
            ("yes", true, true),
            ("tRuE", true, true),
        ] {
            let line = format!("docker run --privileged={v} a");
            let (u, errors) = read(&line);
            let c = &u.workloads[0].containers[0];
            assert_eq!(c.security.privileged.is_some(), privileged, "{v}");
            assert_eq!(!errors.is_empty(), error, "{v}");
        }
    }

    #[test]
    fn positions_inside_nested_text_are_exact() {
        let (u, _) = read("x\n  sh -c 'docker run --privileged a'\n");
        let p = u.workloads[0].containers[0].security.privileged.as_ref();
        assert_eq!(p.map(|p| (p.loc.line, p.loc.col)), Some((2, 21)));
    }

    #[test]
    fn a_heredoc_body_is_not_read_as_commands_unless_a_shell_reads_it() {
        assert_eq!(
            runs("cat <<EOF\ndocker run --privileged a\nEOF\ndocker run b\n"),
            1
        );
        assert_eq!(runs("cat <<EOF | sh\ndocker run --privileged a\nEOF\n"), 1);
        assert_eq!(runs("cat <<-'E'\n\t\"'\n\tE\ndocker run b\n"), 1);
    }

    #[test]
    fn pathological_inputs_end_in_an_error_not_a_hang() {
        let deep = format!(
            "{}docker run a{}",
            "$(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert!(!read(&deep).1.is_empty());
        let parens = format!("{}docker run a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(runs(&parens), 1);
        let ands = "true && ".repeat(1_000_000);
        assert!(!read(&ands).1.is_empty());
        let ticks = "`".repeat(100_001);
        let _ = read(&ticks);
        for open in [
            "docker run -v '/a:/b",
            "docker run \"",
            "$(",
            "${",
            "$'",
            "<<EOF",
        ] {
            let _ = read(open);
        }
        let nested_sh = format!("{}docker run a{}", "sh -c \"".repeat(200), "\"".repeat(200));
        let _ = read(&nested_sh);
    }
}
