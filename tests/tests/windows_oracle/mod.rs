//! Test oracles for the Windows shells: no PowerShell, cmd.exe or Windows runs here, so each step from a
//! script line to the argument vector `docker.exe` sees is implemented from its documentation and
//! source, and only as far as dockscape's scripts use it. Whatever an oracle does not model is an
//! `Err` (never a guess), so a test through it fails instead of passing vacuously.
//!
//! 1. PowerShell's tokenisation in argument mode: about_Parsing ("Argument mode"),
//!    <https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_parsing>;
//!    about_Quoting_Rules ("Single-quoted strings", "Double-quoted strings": `''`, backtick escapes, `$`
//!    expansion), <https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_quoting_rules>;
//!    about_Special_Characters (the backtick escapes of Windows PowerShell 5.1: `0 a b f n r t v; `e and
//!    `u{} are 7.0+), about_Numeric_Literals (type suffixes `y uy s us l u ul n`, `d`, multipliers
//!    `kb mb gb tb pb`: a word such as `2s` is the number 2 in argument mode).
//! 2. PowerShell's building of the native command line: `NativeCommandParameterBinder.cs`
//!    (PowerShell/PowerShell, `AppendOneNativeArgument`, `NeedQuotes`): `Legacy` joins the values with
//!    spaces, wraps one in `"` only when it has whitespace outside double quotes, drops empty values,
//!    and treats a value `--%` as the stop-parsing token; PowerShell 7 doubles the trailing backslashes
//!    inside the added quotes, Windows PowerShell 5.1 does not. `Standard` hands the values to .NET's
//!    `ProcessStartInfo.ArgumentList` (dotnet/runtime `PasteArguments.AppendArgument`: C runtime
//!    quoting). `Windows` (the default on Windows since 7.3) is `Standard` except for `.bat .cmd .js
//!    .vbs .wsf` files and `cmd cscript find sqlcmd wscript msiexec`: about_Preference_Variables,
//!    "$PSNativeCommandArgumentPassing",
//!    <https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_preference_variables#psnativecommandargumentpassing>.
//!    Before 7.3 the variable does nothing (7.2 only with the experimental feature).
//! 3. cmd.exe in a batch file: phase 1, `%` expansion (`%%` is one `%`, `%NAME%` and `%1` expand);
//!    phase 2, `^` escapes the next character outside quotes, `"` toggles quoted mode, unescaped
//!    `& | < > ( )` outside quotes are operators, `^` before a newline continues the line and escapes the first
//!    character of the next; delayed `!` expansion is off (the default): `cmd /?`, `set /?`, and the
//!    parser description "How does the Windows Command Interpreter (CMD.EXE) parse scripts?",
//!    <https://stackoverflow.com/questions/4094699> (phases 1, 2 and 5).
//! 4. Go's splitting of the Windows command line into `os.Args` (docker.exe is a Go program):
//!    golang/go `src/os/exec_windows.go`, `commandLineToArgv` and `readNextArg`: space and tab separate
//!    outside quotes, `2n` backslashes before `"` are `n` and the quote toggles, `2n+1` are `n` and a
//!    literal `"`, other backslashes are literal, and inside quotes `""` is a literal `"` that ends the
//!    quoted part (the "prior to 2008" rule of
//!    <http://daviddeley.com/autohotkey/parameters/parameters.htm#WINARGV>, section 5.2).

#![allow(dead_code)]

/// Go's `os.Args` from a Windows command line (`commandLineToArgv`, byte for byte on the UTF-8).
pub fn go_split(cmd: &str) -> Vec<String> {
    let b = cmd.as_bytes();
    let mut args = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' || b[i] == b'\t' {
            i += 1;
            continue;
        }
        let mut arg: Vec<u8> = Vec::new();
        let mut inquote = false;
        let mut nslash = 0usize;
        loop {
            let Some(&c) = b.get(i) else {
                arg.extend(std::iter::repeat_n(b'\\', nslash));
                break;
            };
            match c {
                b' ' | b'\t' if !inquote => {
                    arg.extend(std::iter::repeat_n(b'\\', nslash));
                    i += 1;
                    break;
                }
                b'"' => {
                    arg.extend(std::iter::repeat_n(b'\\', nslash / 2));
                    if nslash.is_multiple_of(2) {
                        if inquote && b.get(i + 1) == Some(&b'"') {
                            arg.push(b'"');
                            i += 1;
                        }
                        inquote = !inquote;
                    } else {
                        arg.push(b'"');
                    }
                    nslash = 0;
                    i += 1;
                    continue;
                }
                b'\\' => {
                    nslash += 1;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            arg.extend(std::iter::repeat_n(b'\\', nslash));
            nslash = 0;
            arg.push(c);
            i += 1;
        }
        args.push(String::from_utf8(arg).expect("split at ASCII bytes only"));
    }
    args
}

/// .NET's `PasteArguments.AppendArgument`: how `ProcessStartInfo.ArgumentList` becomes a command line.
pub fn dotnet_paste(args: &[String]) -> String {
    let mut out = String::new();
    for a in args {
        if !out.is_empty() {
            out.push(' ');
        }
        if !a.is_empty() && !a.chars().any(|c| c.is_whitespace() || c == '"') {
            out.push_str(a);
            continue;
        }
        out.push('"');
        let chars: Vec<char> = a.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            if c == '\\' {
                let mut n = 1;
                while chars.get(i) == Some(&'\\') {
                    i += 1;
                    n += 1;
                }
                match chars.get(i) {
                    None => out.push_str(&"\\".repeat(n * 2)),
                    Some('"') => {
                        out.push_str(&"\\".repeat(n * 2 + 1));
                        out.push('"');
                        i += 1;
                    }
                    Some(_) => out.push_str(&"\\".repeat(n)),
                }
                continue;
            }
            if c == '"' {
                out.push_str("\\\"");
                continue;
            }
            out.push(c);
        }
        out.push('"');
    }
    out
}

/// `$PSNativeCommandArgumentPassing`'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passing {
    Legacy,
    Standard,
    Windows,
}

/// A PowerShell that runs the script.
#[derive(Debug, Clone, Copy)]
pub struct PsHost {
    pub name: &'static str,
    /// Whether `$PSNativeCommandArgumentPassing` is read at all.
    pub honours_variable: bool,
    /// The passing style when the script sets none.
    pub default: Passing,
    /// PowerShell 7's Legacy doubles the trailing backslashes inside the quotes it adds; 5.1 does not.
    pub doubles_trailing_backslashes: bool,
}

/// Every PowerShell the scripts must work in.
pub const HOSTS: [PsHost; 5] = [
    PsHost {
        name: "Windows PowerShell 5.1",
        honours_variable: false,
        default: Passing::Legacy,
        doubles_trailing_backslashes: false,
    },
    PsHost {
        name: "PowerShell 7.0-7.2",
        honours_variable: false,
        default: Passing::Legacy,
        doubles_trailing_backslashes: true,
    },
    PsHost {
        name: "PowerShell 7.2, experimental feature on",
        honours_variable: true,
        default: Passing::Standard,
        doubles_trailing_backslashes: true,
    },
    PsHost {
        name: "PowerShell 7.3+ (Windows, the default)",
        honours_variable: true,
        default: Passing::Windows,
        doubles_trailing_backslashes: true,
    },
    PsHost {
        name: "PowerShell 7.3+ with Standard preset",
        honours_variable: true,
        default: Passing::Standard,
        doubles_trailing_backslashes: true,
    },
];

/// One argument after PowerShell's parsing: a parameter token's text, or a string value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PsArg {
    Param(String),
    Value(String),
}

/// What PowerShell runs a script as: per `docker` command, the argv docker.exe sees (without argv[0]),
/// and the `$env:` assignments.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PsRun {
    pub commands: Vec<Vec<String>>,
    pub env: Vec<(String, String)>,
}

fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

struct PsLexer<'a> {
    c: std::iter::Peekable<std::str::Chars<'a>>,
}

impl PsLexer<'_> {
    /// Skip spaces, tabs and backtick-newline continuations; false at a newline or the end.
    fn skip_blank(&mut self) -> Result<bool, String> {
        loop {
            match self.c.peek() {
                Some(' ' | '\t') => {
                    self.c.next();
                }
                Some('`') => {
                    self.c.next();
                    match self.c.next() {
                        Some('\n') => {}
                        Some('\r') if self.c.next() == Some('\n') => {}
                        other => {
                            return Err(format!(
                                "backtick escape {other:?} outside a string: not modeled"
                            ));
                        }
                    }
                }
                Some('\n') | None => return Ok(false),
                Some(_) => return Ok(true),
            }
        }
    }

    fn rest_of_line(&mut self) -> String {
        let mut s = String::new();
        for c in self.c.by_ref() {
            if c == '\n' {
                break;
            }
            s.push(c);
        }
        s
    }

    fn single_quoted(&mut self) -> Result<String, String> {
        let mut s = String::new();
        loop {
            match self.c.next() {
                None => return Err("unterminated single-quoted string".into()),
                Some(c) if is_single_quote(c) => match self.c.peek() {
                    Some(&n) if is_single_quote(n) => {
                        s.push(n);
                        self.c.next();
                    }
                    _ => return Ok(s),
                },
                Some(c) => s.push(c),
            }
        }
    }

    fn double_quoted(&mut self) -> Result<String, String> {
        let mut s = String::new();
        let mut units: Vec<u16> = Vec::new();
        let flush = |s: &mut String, units: &mut Vec<u16>| -> Result<(), String> {
            if !units.is_empty() {
                s.push_str(
                    &String::from_utf16(units)
                        .map_err(|_| "lone surrogate from [char]".to_string())?,
                );
                units.clear();
            }
            Ok(())
        };
        loop {
            let Some(c) = self.c.next() else {
                return Err("unterminated double-quoted string".into());
            };
            if c == '$' && self.c.peek() == Some(&'(') {
                // Only `$([char]0xHHHH)`: a subexpression casting a hex literal to one UTF-16 unit.
                let mut sub = String::new();
                for ch in self.c.by_ref() {
                    sub.push(ch);
                    if ch == ')' && sub.matches('(').count() == sub.matches(')').count() {
                        break;
                    }
                }
                let hex = sub
                    .strip_prefix("([char]0x")
                    .and_then(|h| h.strip_suffix(')'))
                    .ok_or_else(|| format!("subexpression `${sub}`: not modeled"))?;
                let u = u16::from_str_radix(hex, 16)
                    .map_err(|_| format!("[char]0x{hex}: not modeled"))?;
                units.push(u);
                continue;
            }
            flush(&mut s, &mut units)?;
            match c {
                '`' => match self.c.next() {
                    Some('0') => s.push('\0'),
                    Some('a') => s.push('\x07'),
                    Some('b') => s.push('\x08'),
                    Some('f') => s.push('\x0c'),
                    Some('n') => s.push('\n'),
                    Some('r') => s.push('\r'),
                    Some('t') => s.push('\t'),
                    Some('v') => s.push('\x0b'),
                    Some(e @ ('e' | 'u')) => return Err(format!("`{e}: PowerShell 7 only")),
                    Some(o) => s.push(o),
                    None => return Err("backtick at the end".into()),
                },
                '$' => match self.c.peek() {
                    Some(&n) if n.is_alphanumeric() || "_{:?^$".contains(n) => {
                        return Err(format!("`${n}` expands a variable"));
                    }
                    _ => s.push('$'),
                },
                c if is_double_quote(c) => match self.c.peek() {
                    Some(&n) if is_double_quote(n) => {
                        s.push(n);
                        self.c.next();
                    }
                    _ => return Ok(s),
                },
                c => s.push(c),
            }
        }
    }

    /// One argument of a command, the lexer at its first character.
    fn argument(&mut self) -> Result<PsArg, String> {
        let Some(&first) = self.c.peek() else {
            return Err("no argument".into());
        };
        let arg = if is_single_quote(first) {
            self.c.next();
            PsArg::Value(self.single_quoted()?)
        } else if is_double_quote(first) {
            self.c.next();
            PsArg::Value(self.double_quoted()?)
        } else {
            let mut w = String::new();
            while let Some(&c) = self.c.peek() {
                if c == ' ' || c == '\t' || c == '\n' {
                    break;
                }
                w.push(c);
                self.c.next();
            }
            bare_word(&w)?
        };
        match self.c.peek() {
            None | Some(' ' | '\t' | '\n') => Ok(arg),
            Some(c) => Err(format!(
                "`{c}` right after a string: concatenation not modeled"
            )),
        }
    }
}

/// A bare word in argument mode, as far as modeled: a generic word is its own text; a number is its
/// value, which prints differently (refused here); a parameter token is passed as its text.
fn bare_word(w: &str) -> Result<PsArg, String> {
    if w.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "bare word {w:?} with non-ASCII or control characters: not modeled"
        ));
    }
    if let Some(c) = w
        .chars()
        .find(|c| "'\"`$@,;(){}|&<>#%*?[]~!+\\".contains(*c))
    {
        return Err(format!("bare word {w:?}: `{c}` is special or not modeled"));
    }
    let first = w.chars().next().ok_or("empty word")?;
    if first == '-' {
        let name = w.trim_start_matches('-');
        if name.is_empty() {
            return Err(format!("`{w}`: 5.1 takes `--` as the end of parameters"));
        }
        if name.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return Err(format!("`{w}` is a negative number"));
        }
        if w.len() - name.len() > 2 {
            return Err(format!("`{w}`: not modeled"));
        }
        // A parameter token ends at `.`, `:` or `=` handling that differs between versions.
        if name.contains(['.', ':', '=', '/']) {
            return Err(format!(
                "parameter `{w}` is split by some PowerShell versions"
            ));
        }
        return Ok(PsArg::Param(w.to_owned()));
    }
    if first.is_ascii_digit() || first == '.' {
        return numeric_word(w);
    }
    Ok(PsArg::Value(w.to_owned()))
}

/// A word starting with a digit: a numeric literal when all of it scans as one (about_Numeric_Literals),
/// else a generic word.
fn numeric_word(w: &str) -> Result<PsArg, String> {
    let lower = w.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if let Some(h) = rest.strip_prefix("0x") {
        let n = h.len() - h.trim_start_matches(|c: char| c.is_ascii_hexdigit()).len();
        rest = &h[n..];
    } else if let Some(b) = rest.strip_prefix("0b") {
        let n = b.len() - b.trim_start_matches(['0', '1']).len();
        rest = &b[n..];
    } else {
        rest = &rest[digits(rest)..];
        if let Some(f) = rest.strip_prefix('.') {
            rest = &f[digits(f)..];
        }
        if let Some(e) = rest.strip_prefix('e') {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits(e) > 0 {
                rest = &e[digits(e)..];
            }
        }
    }
    for suffix in ["uy", "us", "ul", "y", "s", "l", "u", "n", "d"] {
        if let Some(r) = rest.strip_prefix(suffix) {
            rest = r;
            break;
        }
    }
    for mult in ["kb", "mb", "gb", "tb", "pb"] {
        if let Some(r) = rest.strip_prefix(mult) {
            rest = r;
            break;
        }
    }
    if !rest.is_empty() {
        return Ok(PsArg::Value(w.to_owned())); // not a number: a generic word
    }
    let plain_int =
        w.len() <= 9 && w.bytes().all(|b| b.is_ascii_digit()) && (!w.starts_with('0') || w == "0");
    if plain_int {
        Ok(PsArg::Value(w.to_owned())) // an [int] that prints as the same text
    } else {
        Err(format!(
            "`{w}` is a numeric literal: PowerShell passes its value, not its text"
        ))
    }
}

/// Legacy `NeedQuotes`: whitespace outside double quotes (a `"` after a backslash does not count).
fn need_quotes(s: &str) -> bool {
    let mut after_backslash = false;
    let mut quotes = 0;
    let mut need = false;
    for c in s.chars() {
        if c == '"' && !after_backslash {
            quotes += 1;
        } else if c.is_whitespace() && quotes % 2 == 0 {
            need = true;
        }
        after_backslash = c == '\\';
    }
    need
}

/// The command line PowerShell gives `program` for `args` in `style`.
fn native_command_line(
    host: PsHost,
    style: Passing,
    program: &str,
    args: &[PsArg],
) -> Result<String, String> {
    let lower = program.to_ascii_lowercase();
    let legacy_in_windows = [".bat", ".cmd", ".js", ".vbs", ".wsf"]
        .iter()
        .any(|e| lower.ends_with(e))
        || ["cmd", "cscript", "find", "sqlcmd", "wscript", "msiexec"]
            .iter()
            .any(|p| lower == *p || lower == format!("{p}.exe"));
    let style = match style {
        Passing::Windows if legacy_in_windows => Passing::Legacy,
        Passing::Windows => Passing::Standard,
        s => s,
    };
    // The resolved path, as CreateProcess gets it.
    let exe = format!("\"C:\\Program Files\\Docker\\Docker\\resources\\bin\\{program}.exe\"");
    let mut line = exe;
    match style {
        Passing::Legacy => {
            let mut verbatim = false;
            for a in args {
                line.push(' ');
                match a {
                    PsArg::Param(p) => line.push_str(p),
                    PsArg::Value(v) if v == "--%" => verbatim = true,
                    PsArg::Value(v) if v.is_empty() => {}
                    PsArg::Value(v) if verbatim => {
                        if v.contains('%') {
                            return Err("environment expansion after --%: not modeled".into());
                        }
                        line.push_str(v);
                    }
                    PsArg::Value(v) if need_quotes(v) => {
                        line.push('"');
                        line.push_str(v);
                        if host.doubles_trailing_backslashes {
                            let n = v.len() - v.trim_end_matches('\\').len();
                            line.push_str(&"\\".repeat(n));
                        }
                        line.push('"');
                    }
                    PsArg::Value(v) => line.push_str(v),
                }
            }
        }
        Passing::Standard | Passing::Windows => {
            let mut list = Vec::new();
            let mut verbatim = false;
            for a in args {
                match a {
                    PsArg::Param(p) => list.push(p.clone()),
                    PsArg::Value(v) if v == "--%" => verbatim = true,
                    PsArg::Value(v) if verbatim => {
                        list.extend(v.split(' ').filter(|s| !s.is_empty()).map(str::to_owned))
                    }
                    PsArg::Value(v) => list.push(v.clone()),
                }
            }
            line.push(' ');
            line.push_str(&dotnet_paste(&list));
        }
    }
    Ok(line)
}

/// Run a dockscape PowerShell script in `host`, as far as its statements are modeled: comments,
/// `$PSNativeCommandArgumentPassing = '...'`, `$env:NAME = <string>`, and `docker <arguments>`.
pub fn powershell_run(script: &str, host: PsHost) -> Result<PsRun, String> {
    let mut lx = PsLexer {
        c: script.chars().peekable(),
    };
    let mut style = host.default;
    let mut run = PsRun::default();
    loop {
        if !lx.skip_blank()? {
            if lx.c.next().is_none() {
                return Ok(run);
            }
            continue;
        }
        let Some(&c) = lx.c.peek() else {
            return Ok(run);
        };
        if c == '#' {
            lx.rest_of_line();
            continue;
        }
        if c == '$' {
            let line = lx.rest_of_line();
            let (lhs, rhs) = line
                .split_once(" = ")
                .ok_or_else(|| format!("statement {line:?}: not modeled"))?;
            let mut v = PsLexer {
                c: rhs.chars().peekable(),
            };
            let PsArg::Value(value) = v.argument()? else {
                return Err(format!("assignment {line:?}: not a string"));
            };
            if lhs == "$PSNativeCommandArgumentPassing" {
                if host.honours_variable {
                    style = match value.as_str() {
                        "Legacy" => Passing::Legacy,
                        "Standard" => Passing::Standard,
                        "Windows" => Passing::Windows,
                        _ => return Err(format!("unknown passing {value:?}")),
                    };
                }
            } else if let Some(name) = lhs.strip_prefix("$env:") {
                run.env.push((name.to_owned(), value));
            } else {
                return Err(format!("assignment to {lhs}: not modeled"));
            }
            continue;
        }
        let mut program = String::new();
        while let Some(&c) = lx.c.peek() {
            if c == ' ' || c == '\t' || c == '\n' {
                break;
            }
            program.push(c);
            lx.c.next();
        }
        if program != "docker" {
            return Err(format!("command `{program}`: not modeled"));
        }
        let mut args = Vec::new();
        while lx.skip_blank()? {
            args.push(lx.argument()?);
        }
        let line = native_command_line(host, style, &program, &args)?;
        let argv = go_split(&line);
        run.commands.push(argv.into_iter().skip(1).collect());
    }
}

/// cmd.exe running a dockscape batch file: the command line of every `docker` command (after phase 1
/// and phase 2), split as docker.exe's Go runtime splits it (without argv[0]). `@echo off`, `REM` and
/// `set "NAME=value"` lines are read; any other command is not modeled.
pub fn cmd_run(script: &str) -> Result<Vec<Vec<String>>, String> {
    let mut out = Vec::new();
    let mut lines = script.split('\n').peekable();
    while let Some(first) = lines.next() {
        // Phase 1 then phase 2 of one logical line; a `^` at the end joins the next physical line.
        let mut physical = first.to_owned();
        let mut cmdline = String::new();
        let mut in_quotes = false;
        loop {
            let expanded = percent_phase(&physical)?;
            let chars: Vec<char> = expanded.chars().collect();
            let mut i = 0;
            let mut continued = false;
            while i < chars.len() {
                let c = chars[i];
                if in_quotes {
                    if c == '"' {
                        in_quotes = false;
                    }
                    cmdline.push(c);
                    i += 1;
                    continue;
                }
                match c {
                    '^' if i + 1 == chars.len() => {
                        continued = true;
                        i += 1;
                    }
                    '^' => {
                        cmdline.push(chars[i + 1]);
                        i += 2;
                    }
                    '"' => {
                        in_quotes = true;
                        cmdline.push(c);
                        i += 1;
                    }
                    '&' | '|' | '<' | '>' | '(' | ')' => {
                        return Err(format!("unescaped `{c}` in {expanded:?}: an operator"));
                    }
                    '\r' => return Err("CR inside a line".into()),
                    _ => {
                        cmdline.push(c);
                        i += 1;
                    }
                }
            }
            if !continued {
                break;
            }
            let Some(next) = lines.next() else {
                break;
            };
            // The continuation escapes the first character of the next line.
            let mut it = next.chars();
            if let Some(c) = it.next() {
                cmdline.push(c);
            }
            physical = it.collect();
        }
        let trimmed = cmdline.trim_start();
        if trimmed.is_empty()
            || trimmed == "@echo off"
            || trimmed.to_ascii_uppercase().starts_with("REM ")
            || trimmed.starts_with("set \"")
        {
            continue;
        }
        if !trimmed.starts_with("docker ") {
            return Err(format!("command {trimmed:?}: not modeled"));
        }
        out.push(go_split(trimmed).into_iter().skip(1).collect());
    }
    Ok(out)
}

/// Batch phase 1: `%%` is `%`; `%NAME%`, `%1`, `%*`, `%~` expand (an error here: the value changed).
fn percent_phase(line: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut it = line.chars().peekable();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.peek() {
            Some('%') => {
                it.next();
                out.push('%');
            }
            Some(_) => return Err(format!("`%` expansion in {line:?}")),
            // A lone `%` at the end of a batch line is removed.
            None => return Err(format!("a lone `%` at the end of {line:?} is removed")),
        }
    }
    Ok(out)
}

/// Build a one-command script as `dockscape`'s `run` output does, for `shell`, from quoted words.
pub fn script(lines_before: &[String], quoted: &[String], continuation: &str) -> String {
    let mut s = String::new();
    for l in lines_before {
        s.push_str(l);
        s.push('\n');
    }
    s.push_str("docker");
    for (i, q) in quoted.iter().enumerate() {
        if i % 3 == 2 {
            s.push_str(continuation);
            s.push_str("\n  ");
        } else {
            s.push(' ');
        }
        s.push_str(q);
    }
    s.push('\n');
    s
}
