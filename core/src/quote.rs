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

/// Quote one argument for `shell`. Fails only for `cmd`, which cannot pass a newline in an argument.
pub fn quote_arg(shell: Shell, arg: &str) -> Result<String> {
    match shell {
        Shell::Sh | Shell::Gitbash => Ok(quote_sh(arg)),
        Shell::Powershell => Ok(quote_powershell(arg)),
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

fn quote_powershell(arg: &str) -> String {
    // `@`, `,` and a leading `-` followed by digits carry meaning in PowerShell's argument mode.
    let safe = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=".contains(c));
    if safe {
        return arg.to_owned();
    }
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('\'');
    for c in arg.chars() {
        // PowerShell treats the typographic single quotes as quotes too.
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn quote_cmd(arg: &str) -> Result<String> {
    if arg.contains(['\n', '\r']) {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            "cmd cannot pass a newline inside an argument: use powershell or sh for this value",
        ));
    }
    // First the C runtime's rules (how docker.exe splits its command line) ...
    let crt = if !arg.is_empty() && !arg.contains([' ', '\t', '"']) {
        arg.to_owned()
    } else {
        let mut s = String::from("\"");
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
    };
    // ... then cmd's: every metacharacter caret-escaped, `%` doubled (batch files expand `%VAR%`).
    let mut out = String::with_capacity(crt.len() * 2);
    for c in crt.chars() {
        match c {
            '%' => out.push_str("%%"),
            '^' | '&' | '|' | '<' | '>' | '(' | ')' | '"' | '!' => {
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

    #[test]
    fn powershell_doubles_single_quotes() {
        assert_eq!(quote_powershell("it's $x"), "'it''s $x'");
        assert_eq!(quote_powershell("80:80"), "80:80");
        assert_eq!(quote_powershell("@x"), "'@x'");
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
