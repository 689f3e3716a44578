//! Quoting command-line arguments for the shells the `run` output targets.
//!
//! Quoting is a security boundary: an argument with quotes, `$`, backticks, spaces or newlines must reach
//! the program as exactly one argument, byte for byte. `sh` (and Git Bash, which is bash) use single
//! quotes; PowerShell uses single quotes with `''` for a quote; `cmd` uses the Windows C runtime's double
//! quoting with every cmd metacharacter caret-escaped, for use in a `.cmd` batch file.

use crate::error::{Error, ErrorKind, Result};
use serde::Serialize;

/// A shell the `docker run` output is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shell {
    /// POSIX `sh` (Linux, macOS, WSL).
    Sh,
    /// PowerShell (Windows PowerShell 5.1 and PowerShell 7).
    Powershell,
    /// `cmd.exe`, as a batch file.
    Cmd,
    /// Git Bash on Windows (MSYS2 bash, which rewrites `/paths` unless `MSYS_NO_PATHCONV=1`).
    Gitbash,
}

impl Shell {
    /// Every shell, in the order of `--help`.
    pub const ALL: [Shell; 4] = [Shell::Sh, Shell::Powershell, Shell::Cmd, Shell::Gitbash];

    /// The id used on the command line (`sh`, `powershell`, `cmd`, `gitbash`).
    pub fn id(self) -> &'static str {
        match self {
            Shell::Sh => "sh",
            Shell::Powershell => "powershell",
            Shell::Cmd => "cmd",
            Shell::Gitbash => "gitbash",
        }
    }

    /// Parse an id; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<Shell> {
        Shell::ALL
            .into_iter()
            .find(|sh| sh.id() == s)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidParameter,
                    format!(
                        "unknown shell `{s}`: expected one of `sh`, `powershell`, `cmd`, `gitbash`"
                    ),
                )
            })
    }

    /// The comment leader of the shell's scripts.
    pub fn comment(self) -> &'static str {
        match self {
            Shell::Cmd => "REM",
            _ => "#",
        }
    }

    /// The line-continuation suffix.
    pub fn continuation(self) -> &'static str {
        match self {
            Shell::Sh | Shell::Gitbash => " \\",
            Shell::Powershell => " `",
            Shell::Cmd => " ^",
        }
    }

    /// The file extension of a script for this shell.
    pub fn extension(self) -> &'static str {
        match self {
            Shell::Sh | Shell::Gitbash => "sh",
            Shell::Powershell => "ps1",
            Shell::Cmd => "cmd",
        }
    }
}

fn plain(s: &str, extra: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,@%+".contains(c) || extra.contains(c))
}

fn refuse(shell: Shell, what: &str, hint: &str) -> Error {
    Error::new(
        ErrorKind::InvalidParameter,
        format!(
            "{} cannot pass {what} inside an argument: {hint}",
            shell.id()
        ),
    )
}

/// Quote one argument for `shell`.
///
/// Fails for a value no command line can carry (a NUL byte, in every shell) and for values `cmd` cannot
/// pass safely (newlines, `!`, control characters and non-ASCII text, see `docs/quoting.md`). For
/// PowerShell, an argument for which [`powershell_needs_legacy`] holds is correct only in a script that
/// sets [`POWERSHELL_LEGACY_PASSING`] before the command.
pub fn quote_arg(shell: Shell, arg: &str) -> Result<String> {
    if arg.contains('\0') {
        return Err(refuse(
            shell,
            "a NUL byte",
            "no command line can carry one (C strings end at NUL)",
        ));
    }
    match shell {
        Shell::Sh | Shell::Gitbash => Ok(quote_sh(arg)),
        Shell::Powershell => Ok(powershell_token(&powershell_value(arg))),
        Shell::Cmd => quote_cmd(arg),
    }
}

/// Quote a whole command (program and arguments) for `shell`, space-separated.
pub fn quote_command<S: AsRef<str>>(shell: Shell, argv: &[S]) -> Result<String> {
    let mut out = Vec::with_capacity(argv.len());
    for a in argv {
        out.push(quote_arg(shell, a.as_ref())?);
    }
    Ok(out.join(" "))
}

fn quote_sh(arg: &str) -> String {
    if plain(arg, "") && !arg.starts_with('~') {
        return arg.to_owned();
    }
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('\'');
    for c in arg.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// The statement a PowerShell script runs before a native command any of whose arguments
/// [`powershell_needs_legacy`]: it makes PowerShell 7.3+ build the command line the way Windows
/// PowerShell 5.1 and PowerShell 7.0-7.2 always do, so one script means the same in all of them.
pub const POWERSHELL_LEGACY_PASSING: &str = "$PSNativeCommandArgumentPassing = 'Legacy'";

/// Whether `arg`, as PowerShell passes it to a native program, would read differently in PowerShell's
/// `Legacy` and `Standard` argument passing: an empty value (Legacy drops it), a value with a double
/// quote (Legacy passes it raw), a value with whitespace ending in a backslash (5.1 does not double the
/// backslash before its closing quote), `--%` (the stop-parsing token, in every mode). Such a value is
/// written already quoted for the Windows command line, which is right only under `Legacy`: the script
/// must set [`POWERSHELL_LEGACY_PASSING`] first.
pub fn powershell_needs_legacy(arg: &str) -> bool {
    let space = arg.chars().any(char::is_whitespace);
    arg.is_empty() || arg.contains('"') || (space && arg.ends_with('\\')) || arg == "--%"
}

/// The string PowerShell must hold for `arg` to reach the program as itself (see
/// [`powershell_needs_legacy`]).
fn powershell_value(arg: &str) -> String {
    if powershell_needs_legacy(arg) {
        windows_quoted(arg)
    } else {
        arg.to_owned()
    }
}

/// `arg` between double quotes for the Windows command-line rules (the C runtime's, which Go's
/// `os.Args` follows): `\` doubled before a `"` and before the closing quote, `"` as `\"`.
fn windows_quoted(arg: &str) -> String {
    let mut s = String::with_capacity(arg.len() + 2);
    s.push('"');
    let mut backslashes = 0usize;
    for c in arg.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                s.push_str(&"\\".repeat(backslashes * 2 + 1));
                s.push('"');
                backslashes = 0;
            }
            _ => {
                s.push_str(&"\\".repeat(backslashes));
                s.push(c);
                backslashes = 0;
            }
        }
    }
    s.push_str(&"\\".repeat(backslashes * 2));
    s.push('"');
    s
}

/// Whether PowerShell reads `s`, unquoted in argument mode, as exactly the string `s`: a word of
/// `[A-Za-z0-9_./:=-]` that is no number (`2s` is a short, `1kb` 1024, `010` 10), no parameter PowerShell
/// splits (`-a.b` is `-a` and `.b` in 5.1) and no `--` (5.1 removes it).
fn powershell_bare(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_./:=-".contains(c))
    {
        return false;
    }
    if first.is_ascii_alphabetic() || first == '_' || first == '/' {
        return true;
    }
    if first == '-' {
        let rest = s.trim_start_matches('-');
        let dashes = s.len() - rest.len();
        return dashes <= 2
            && rest.starts_with(|c: char| c.is_ascii_alphabetic())
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    }
    if first.is_ascii_digit() {
        // A plain decimal int (no leading zero, fits an [int]) prints as itself; digits and then `k`, `m`
        // or `g` (no suffix: those are `kb`, `mb`, `gb`) or a `:` or `/` cannot be a numeric literal.
        let (digits, unit) = match s.strip_suffix(['k', 'm', 'g']) {
            Some(d) => (d, true),
            None => (s, false),
        };
        let int = !digits.is_empty()
            && digits.len() <= 9
            && digits.chars().all(|c| c.is_ascii_digit())
            && (first != '0' || (digits == "0" && !unit));
        return int || s.contains([':', '/']);
    }
    false
}

/// The PowerShell token whose value is `value`: bare when [`powershell_bare`]; single-quoted (`''` for a
/// quote) when it is printable ASCII; otherwise double-quoted, with `` ` ``, `$` and `"` backtick-escaped and
/// every other character `$([char]0xHHHH)` (one per UTF-16 unit), so the script is ASCII: Windows
/// PowerShell 5.1 reads a script without a BOM in the ANSI code page, where the UTF-8 of `ё` ends in the
/// byte of a typographic quote, and a file checked out with CRLF would change a newline.
fn powershell_token(value: &str) -> String {
    if powershell_bare(value) {
        return value.to_owned();
    }
    let printable = |c: char| (' '..='~').contains(&c);
    let mut out = String::with_capacity(value.len() + 2);
    if value.chars().all(printable) {
        out.push('\'');
        for c in value.chars() {
            if c == '\'' {
                out.push('\'');
            }
            out.push(c);
        }
        out.push('\'');
        return out;
    }
    out.push('"');
    for c in value.chars() {
        match c {
            '`' | '$' | '"' => {
                out.push('`');
                out.push(c);
            }
            c if printable(c) => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("$([char]0x{u:04X})"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// A PowerShell single- or double-quoted string literal whose value is `value` (for assignments such
/// as `$env:NAME = ...`, not for native arguments).
pub fn powershell_string(value: &str) -> Result<String> {
    if value.contains('\0') {
        return Err(refuse(
            Shell::Powershell,
            "a NUL byte",
            "no environment variable can carry one",
        ));
    }
    let t = powershell_token(value);
    if powershell_bare(value) {
        Ok(format!("'{t}'"))
    } else {
        Ok(t)
    }
}

fn quote_cmd(arg: &str) -> Result<String> {
    const USE: &str = "use powershell or sh for this value";
    if arg.contains(['\n', '\r']) {
        return Err(refuse(Shell::Cmd, "a newline", USE));
    }
    if arg.contains('!') {
        // With delayed expansion on (`cmd /v:on`, or the registry's DelayedExpansion), `!` expands
        // variables after the caret pass, and no single escaping is right both ways.
        return Err(refuse(Shell::Cmd, "`!` (delayed expansion)", USE));
    }
    if arg
        .chars()
        .any(|c| c != '\t' && (c.is_control() || !c.is_ascii()))
    {
        // A batch file is read in the console's code page, not UTF-8.
        return Err(refuse(
            Shell::Cmd,
            "control characters or non-ASCII text (batch files are read in the console code page)",
            USE,
        ));
    }
    // First the C runtime's rules (how docker.exe splits its command line) ...
    let crt = if !arg.is_empty() && !arg.contains([' ', '\t', '"']) {
        arg.to_owned()
    } else {
        windows_quoted(arg)
    };
    // ... then cmd's: every metacharacter caret-escaped (so cmd never enters its quoted mode), `%`
    // doubled (batch files expand `%VAR%`).
    let mut out = String::with_capacity(crt.len() * 2);
    for c in crt.chars() {
        match c {
            '%' => out.push_str("%%"),
            '^' | '&' | '|' | '<' | '>' | '(' | ')' | '"' => {
                out.push('^');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Split a command line written in sh syntax into words (single and double quotes, backslash escapes).
/// Used for `--set command="docker run -p 80:80 httpd:latest"`. No expansion is performed.
pub(crate) fn split_words(s: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err(unclosed("'")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err(unclosed("\"")),
                        },
                        Some(c) => cur.push(c),
                        None => return Err(unclosed("\"")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(c) => cur.push(c),
                    None => cur.push('\\'),
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

fn unclosed(q: &str) -> Error {
    Error::new(
        ErrorKind::InvalidParameter,
        format!("unclosed {q} quote in command"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sh_quotes_only_when_needed() {
        assert_eq!(quote_sh("httpd:latest"), "httpd:latest");
        assert_eq!(quote_sh("a b"), "'a b'");
        assert_eq!(quote_sh("it's"), "'it'\\''s'");
        assert_eq!(quote_sh(""), "''");
        assert_eq!(quote_sh("~/x"), "'~/x'");
        assert_eq!(quote_sh("$HOME"), "'$HOME'");
    }

    fn ps(s: &str) -> String {
        quote_arg(Shell::Powershell, s).unwrap()
    }

    #[test]
    fn powershell_quotes_what_its_parser_would_change() {
        assert_eq!(ps("it's $x"), "'it''s $x'");
        assert_eq!(ps("80:80"), "80:80");
        assert_eq!(ps("53/udp"), "53/udp");
        assert_eq!(ps("30"), "30");
        assert_eq!(ps("--privileged"), "--privileged");
        assert_eq!(ps("@x"), "'@x'");
        assert_eq!(ps("2s"), "'2s'");
        assert_eq!(ps("256m"), "256m");
        assert_eq!(ps("1d"), "'1d'");
        assert_eq!(ps("010"), "'010'");
        assert_eq!(ps("-a.b"), "'-a.b'");
        assert_eq!(ps("--"), "'--'");
        assert_eq!(ps("a\u{2019}b"), "\"a$([char]0x2019)b\"");
        assert_eq!(ps("`$\n"), r#""```$$([char]0x000A)""#);
    }

    #[test]
    fn powershell_prequotes_values_legacy_and_standard_disagree_on() {
        for v in ["", "a\"b", "a b\\", "--%"] {
            assert!(powershell_needs_legacy(v), "{v:?}");
        }
        for v in ["a b", "a\\b", "x\\", "plain"] {
            assert!(!powershell_needs_legacy(v), "{v:?}");
        }
        assert_eq!(ps(""), "'\"\"'");
        assert_eq!(
            ps("a b\" --privileged -v \"/:/host"),
            "'\"a b\\\" --privileged -v \\\"/:/host\"'"
        );
    }

    #[test]
    fn cmd_escapes_for_crt_and_cmd() {
        assert_eq!(quote_cmd("plain").unwrap(), "plain");
        assert_eq!(quote_cmd("a b").unwrap(), "^\"a b^\"");
        assert_eq!(quote_cmd("say \"hi\"").unwrap(), "^\"say \\^\"hi\\^\"^\"");
        assert_eq!(quote_cmd("100%").unwrap(), "100%%");
        assert_eq!(quote_cmd("a&b").unwrap(), "a^&b");
        assert_eq!(quote_cmd("dir\\ x\\").unwrap(), "^\"dir\\ x\\\\^\"");
        assert!(quote_cmd("a\nb").is_err());
        assert!(quote_cmd("a!b").is_err());
        assert!(quote_cmd("\u{e9}").is_err());
        assert!(quote_arg(Shell::Sh, "a\0b").is_err());
    }

    #[test]
    fn split_words_handles_quotes() {
        assert_eq!(
            split_words("docker run -p 80:80 httpd:latest").unwrap(),
            ["docker", "run", "-p", "80:80", "httpd:latest"]
        );
        assert_eq!(
            split_words(r#"sh -c 'echo "a b"' "x\"y" z\ w"#).unwrap(),
            ["sh", "-c", "echo \"a b\"", "x\"y", "z w"]
        );
        assert_eq!(split_words("''").unwrap(), [""]);
        assert!(split_words("'open").is_err());
    }
}
