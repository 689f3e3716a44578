//! Compose's interpolation, as compose-go's `template` package reads it, and its `.env` syntax
//! (compose-go's `dotenv`), written here from their documented behaviour and checked against the
//! real `docker-compose` binary (`tests/tests/compose_differential.rs`).
//!
//! The syntax: `$$` is a literal `$`; `$NAME` and `${NAME}` (`NAME` is `[_A-Za-z][_A-Za-z0-9]*`)
//! the variable; `${NAME:-d}` / `${NAME-d}` the default when unset or empty / unset;
//! `${NAME:+a}` / `${NAME+a}` the alternate when set and non-empty / set; `${NAME:?e}` /
//! `${NAME?e}` an error when unset or empty / unset. Defaults and alternates are themselves
//! templates (nested to any depth). A `$` followed by anything else stays a `$`; a `${` that is
//! not one of the forms above is an error (Compose refuses the file).
//!
//! A variable the [`Env`] does not know is not guessed: [`expand`] reads it either as unset
//! ([`Unknown::Unset`]) or as set to a value nobody knows ([`Unknown::Set`], the default dropped
//! and the alternate taken). Callers judge both readings; the names whose value stayed unknown
//! are listed so a security-relevant field can say it cannot be judged.

use std::collections::BTreeMap;

/// The variables known at lint time (a `.env` file, `--env-file`, the process environment when
/// asked for). A variable absent here is unknown, not empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// Every variable is here: one absent is unset, not unknown (the whole environment Compose
    /// will run with was given).
    complete: bool,
}

impl Env {
    /// No variable known.
    pub fn new() -> Self {
        Env::default()
    }

    /// Set (or replace) a variable.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), value.into());
    }

    /// The value of a known variable.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Say that every variable is here (the whole environment Compose will run with): a
    /// variable absent is then unset, not unknown.
    pub fn set_complete(&mut self, complete: bool) {
        self.complete = complete;
    }

    /// Whether no variable is known.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// The known variables, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Add the variables of a `.env` text (see [`parse_dotenv`]); a variable already known keeps
    /// its value (as the process environment wins over `.env` in Compose).
    pub fn add_dotenv(&mut self, text: &str) -> Result<(), DotenvError> {
        for (k, v) in parse_dotenv(text, self)? {
            self.vars.entry(k).or_insert(v);
        }
        Ok(())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Env {
            complete: false,
            vars: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

/// How a variable the [`Env`] does not know is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Unset: `${X:-d}` is `d`, `${X:+a}` empty, `${X}` empty, `${X:?e}` an error.
    Unset,
    /// Set to a value nobody knows (non-empty): `${X:-d}` and `${X}` are that value (written as
    /// nothing, its name listed in [`Expanded::opaque`]), `${X:+a}` is `a`.
    Set,
}

/// The result of [`expand`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The text, variables replaced (an unknown value is written as nothing).
    pub text: String,
    /// Unknown variables whose (unknown) value is part of `text`, in order, without repeats.
    pub opaque: Vec<String>,
    /// The part of `opaque` written without a default (`$X`, `${X}`, `${X:?e}`): nothing in the
    /// file says what they hold.
    pub bare: Vec<String>,
    /// Variables that were used and are not known, in order, without repeats.
    pub unknown: Vec<String>,
    /// `${X:?message}` that fails in this reading: the variable and its message.
    pub required: Option<(String, String)>,
}

/// A template Compose refuses: the byte offset of the `$` and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset in the template.
    pub offset: usize,
    /// Why.
    pub message: String,
}

/// Whether `s` holds anything to interpolate.
pub fn has_vars(s: &str) -> bool {
    s.contains('$')
}

/// Expand `s` with `env`, unknown variables read as `unknown` says.
pub fn expand(s: &str, env: &Env, unknown: Unknown) -> Result<Expanded, TemplateError> {
    expand_with(s, env, &|_| unknown)
}

/// Expand `s` with `env`, each unknown variable read as `unknown(name)` says (to walk every
/// combination of unset and set variables).
pub fn expand_with(
    s: &str,
    env: &Env,
    unknown: &dyn Fn(&str) -> Unknown,
) -> Result<Expanded, TemplateError> {
    let mut out = Expanded::default();
    expand_into(s, 0, env, unknown, &mut out, 0)?;
    Ok(out)
}

/// Most unknown variables whose every combination [`readings`] walks; past it, the variables
/// beyond are read all unset or all set.
pub const MAX_COMBINED: usize = 6;

/// Every distinct reading of `s` over the unknown variables it uses (each unset or set, in
/// every combination, up to [`MAX_COMBINED`] of them), the unset reading first. Readings where a
/// `${X:?e}` fails are left out (Compose would refuse to run); when every reading fails the
/// list is empty.
pub fn readings(s: &str, env: &Env) -> Result<Vec<Expanded>, TemplateError> {
    let first = expand(s, env, Unknown::Unset)?;
    if first.unknown.is_empty() {
        return Ok(if first.required.is_some() {
            Vec::new()
        } else {
            vec![first]
        });
    }
    let mut names: Vec<String> = first.unknown.clone();
    let mut out: Vec<Expanded> = Vec::new();
    let mut done = 0usize;
    // names found in one reading may open branches with more: walk until no new name appears
    loop {
        let k = names.len().min(MAX_COMBINED);
        let total = 1usize << k;
        for (combo, rest) in (0..total).map(|c| (c, false)).chain([(total - 1, true)]) {
            if combo < done && !rest {
                continue;
            }
            let pick = |name: &str| match names.iter().position(|n| n == name) {
                Some(i) if i < k => {
                    if combo & (1 << i) != 0 {
                        Unknown::Set
                    } else {
                        Unknown::Unset
                    }
                }
                // beyond the combined ones: all unset, or all set in the last reading
                _ if rest => Unknown::Set,
                _ => Unknown::Unset,
            };
            let e = expand_with(s, env, &pick)?;
            for n in &e.unknown {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
            if e.required.is_none() && !out.iter().any(|o| o.text == e.text && o.opaque == e.opaque)
            {
                out.push(e);
            }
        }
        done = total;
        if names.len().min(MAX_COMBINED) == k {
            break;
        }
    }
    Ok(out)
}

/// Deepest nesting of defaults (`${A:-${B:-...}}`) followed; deeper is an error, not a stack
/// overflow.
const MAX_NESTING: usize = 64;

fn is_name_start(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric()
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

fn expand_into(
    s: &str,
    base: usize,
    env: &Env,
    unknown: &dyn Fn(&str) -> Unknown,
    out: &mut Expanded,
    depth: usize,
) -> Result<(), TemplateError> {
    if depth > MAX_NESTING {
        return Err(TemplateError {
            offset: base,
            message: "defaults nested too deeply".into(),
        });
    }
    let bytes = s.as_bytes();
    let mut i = 0usize;
    let mut lit_start = 0usize;
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'$') {
            i += 1;
            continue;
        }
        out.text.push_str(s.get(lit_start..i).unwrap_or(""));
        match bytes.get(i + 1) {
            Some(b'$') => {
                out.text.push('$');
                i += 2;
            }
            Some(b'{') => {
                let end = closing_brace(bytes, i + 2).ok_or_else(|| TemplateError {
                    offset: base + i,
                    message: "invalid interpolation format (no closing `}`)".into(),
                })?;
                let inner = s.get(i + 2..end).unwrap_or("");
                braced(inner, base + i + 2, env, unknown, out, depth).map_err(|mut e| {
                    if e.message.is_empty() {
                        e.message = format!("invalid interpolation format `${{{inner}}}`");
                    }
                    e
                })?;
                i = end + 1;
            }
            Some(&c) if is_name_start(c) => {
                let mut j = i + 1;
                while bytes.get(j).is_some_and(|&c| is_name_char(c)) {
                    j += 1;
                }
                let name = s.get(i + 1..j).unwrap_or("");
                variable(name, env, unknown, out);
                i = j;
            }
            _ => {
                // `$` before anything else stays a `$`
                out.text.push('$');
                i += 1;
            }
        }
        lit_start = i;
    }
    out.text.push_str(s.get(lit_start..).unwrap_or(""));
    Ok(())
}

/// The index of the `}` closing a `${` whose body starts at `from`, nested `${...}` skipped.
fn closing_brace(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut i = from;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `${NAME}` alone: the value, or (unknown) empty / opaque.
fn variable(name: &str, env: &Env, unknown: &dyn Fn(&str) -> Unknown, out: &mut Expanded) {
    match env.get(name) {
        Some(v) => out.text.push_str(v),
        None if env.complete => {}
        None => {
            push_unique(&mut out.unknown, name);
            if unknown(name) == Unknown::Set {
                push_unique(&mut out.opaque, name);
                push_unique(&mut out.bare, name);
            }
        }
    }
}

fn braced(
    inner: &str,
    base: usize,
    env: &Env,
    unknown: &dyn Fn(&str) -> Unknown,
    out: &mut Expanded,
    depth: usize,
) -> Result<(), TemplateError> {
    let bytes = inner.as_bytes();
    let bad = || TemplateError {
        offset: base.saturating_sub(2),
        message: String::new(),
    };
    if !bytes.first().is_some_and(|&c| is_name_start(c)) {
        return Err(bad());
    }
    let n = bytes
        .iter()
        .position(|&c| !is_name_char(c))
        .unwrap_or(bytes.len());
    let name = inner.get(..n).unwrap_or("");
    let op = inner.get(n..).unwrap_or("");
    if op.is_empty() {
        variable(name, env, unknown, out);
        return Ok(());
    }
    let (colon, rest) = match op.strip_prefix(':') {
        Some(r) => (true, r),
        None => (false, op),
    };
    let (kind, arg) = match rest.as_bytes().first() {
        Some(b'-') => ('-', rest.get(1..).unwrap_or("")),
        Some(b'+') => ('+', rest.get(1..).unwrap_or("")),
        Some(b'?') => ('?', rest.get(1..).unwrap_or("")),
        _ => return Err(bad()),
    };
    let arg_base = base + n + usize::from(colon) + 1;
    // the state of the variable: Some(value) when known, None when unknown
    let known = env.get(name);
    if known.is_none() && !env.complete {
        push_unique(&mut out.unknown, name);
    }
    // set / non-empty as this reading sees them
    let (set, nonempty) = match known {
        Some(v) => (true, !v.is_empty()),
        None if env.complete => (false, false),
        None if unknown(name) == Unknown::Set => (true, true),
        None => (false, false),
    };
    let present = if colon { nonempty } else { set };
    let value = |out: &mut Expanded, bare: bool| match known {
        Some(v) => out.text.push_str(v),
        None => {
            push_unique(&mut out.opaque, name);
            if bare {
                push_unique(&mut out.bare, name);
            }
        }
    };
    match kind {
        '-' if present => value(out, false),
        '-' => expand_into(arg, arg_base, env, unknown, out, depth + 1)?,
        '+' if present => expand_into(arg, arg_base, env, unknown, out, depth + 1)?,
        '+' => {}
        _ if present => value(out, true),
        _ => {
            if out.required.is_none() {
                let mut msg = Expanded::default();
                expand_into(arg, arg_base, env, unknown, &mut msg, depth + 1)?;
                out.required = Some((name.to_string(), msg.text));
            }
        }
    }
    Ok(())
}

/// A line of a `.env` text Compose refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    /// 1-based line.
    pub line: usize,
    /// Why.
    pub message: String,
}

/// The variables of a `.env` text, in order, as compose-go's `dotenv` reads it: `KEY=VALUE`
/// lines, an optional `export ` prefix, `#` comments (whole lines, and after a space in an
/// unquoted value), blank lines; single-quoted values literal, double-quoted values with `\n`,
/// `\t`, `\"`, `\\` escapes and interpolation, both able to span lines; unquoted values trimmed
/// and interpolated. `KEY` alone (no `=`) takes the value from `env` when known and is dropped
/// otherwise. Interpolation sees `env` and the variables above it.
pub fn parse_dotenv(text: &str, env: &Env) -> Result<Vec<(String, String)>, DotenvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen = env.clone();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut n = 0usize;
    while let Some(raw) = lines.get(n) {
        let line_no = n + 1;
        n += 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let err = |m: &str| DotenvError {
            line: line_no,
            message: m.to_string(),
        };
        let Some(eq) = line.find(['=', ':']).filter(|&i| {
            // `KEY: VALUE` is accepted by compose-go's YAML-ish form only with a space
            line.as_bytes().get(i) == Some(&b'=') || line.as_bytes().get(i + 1) == Some(&b' ')
        }) else {
            let key = line.split('#').next().unwrap_or("").trim();
            if !valid_key(key) {
                return Err(err(&format!("invalid variable name `{key}`")));
            }
            if let Some(v) = env.get(key) {
                out.push((key.to_string(), v.to_string()));
            }
            continue;
        };
        let key = line.get(..eq).unwrap_or("").trim();
        if !valid_key(key) {
            return Err(err(&format!("invalid variable name `{key}`")));
        }
        let rest = line.get(eq + 1..).unwrap_or("").trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => {
                // the value runs to the closing quote, possibly on a later line
                let mut body = String::new();
                let mut cur = rest.get(1..).unwrap_or("").to_string();
                let close = loop {
                    if let Some(i) = closing_quote(&cur, q) {
                        body.push_str(cur.get(..i).unwrap_or(""));
                        break true;
                    }
                    body.push_str(&cur);
                    match lines.get(n) {
                        Some(next) => {
                            body.push('\n');
                            cur = next.strip_suffix('\r').unwrap_or(next).to_string();
                            n += 1;
                        }
                        None => break false,
                    }
                };
                if !close {
                    return Err(err(&format!("unterminated quoted value of `{key}`")));
                }
                if q == '\'' {
                    body
                } else {
                    let unescaped = unescape(&body);
                    interpolate_env(&unescaped, &seen).map_err(|e| err(&e.message))?
                }
            }
            _ => {
                let v = match rest.find(" #") {
                    Some(i) => rest.get(..i).unwrap_or(""),
                    None => rest,
                };
                interpolate_env(v.trim(), &seen).map_err(|e| err(&e.message))?
            }
        };
        seen.set(key, value.clone());
        out.push((key.to_string(), value));
    }
    Ok(out)
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// The index of the quote closing a value, a backslash-escaped one skipped in double quotes.
fn closing_quote(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' && q == '"' {
            escaped = true;
        } else if c == q {
            return Some(i);
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(e @ ('"' | '\\' | '$' | '\'')) => out.push(e),
            Some(e) => {
                out.push('\\');
                out.push(e);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A `.env` value interpolated with what is known so far; an unknown variable is empty there
/// (as Compose reads it when the process environment lacks it).
fn interpolate_env(s: &str, env: &Env) -> Result<String, TemplateError> {
    if !has_vars(s) {
        return Ok(s.to_string());
    }
    expand(s, env, Unknown::Unset).map(|e| e.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unset(s: &str) -> String {
        expand(s, &Env::new(), Unknown::Unset)
            .map(|e| e.text)
            .unwrap_or_else(|e| format!("ERR {}", e.message))
    }

    fn set(s: &str) -> Expanded {
        expand(s, &Env::new(), Unknown::Set).unwrap_or_default()
    }

    #[test]
    fn forms() {
        assert_eq!(unset("${A:-${B:-deep}}"), "deep");
        assert_eq!(unset("${C-c} ${D:+alt} ${E+e} $$lit"), "c   $lit");
        assert_eq!(unset("x$1y $ z"), "x$1y $ z");
        assert_eq!(unset("${U:-a}b}"), "ab}");
        assert!(unset("${A").starts_with("ERR"));
        assert!(unset("${1}").starts_with("ERR"));
        assert!(unset("${A*b}").starts_with("ERR"));
        let s = set("${SOCK:-/var/run/docker.sock}:/x ${B:+/alt}");
        assert_eq!(s.text, ":/x /alt");
        assert_eq!(s.opaque, ["SOCK"]);
        assert_eq!(s.unknown, ["SOCK", "B"]);
        let env: Env = [("A", ""), ("B", "b")].into_iter().collect();
        let e = expand("${A:-d}${A-n}${B:+y}${A+z}", &env, Unknown::Unset).unwrap_or_default();
        assert_eq!(e.text, "dyz");
        let r = expand("${A:?must set}", &Env::new(), Unknown::Unset).unwrap_or_default();
        assert_eq!(r.required, Some(("A".into(), "must set".into())));
        assert!(expand(&"${A:-".repeat(200), &Env::new(), Unknown::Unset).is_err());
        // mixed: A unset, B unset, C set
        let all = readings("${A:-${B-${C:+/sock}}}", &Env::new()).unwrap_or_default();
        assert!(all.iter().any(|e| e.text == "/sock"), "{all:?}");
        let all = readings("${X:+${Y:-/y}}", &Env::new()).unwrap_or_default();
        assert!(all.iter().any(|e| e.text == "/y"), "{all:?}");
    }

    #[test]
    fn dotenv() {
        let text = "# c\nexport A=1\nB = 'x $A'\nC=\"l1\nl2\\t$A\"\nD=v # note\nE=${A}2\nF\n";
        let mut env = Env::new();
        env.set("F", "from-env");
        let got = parse_dotenv(text, &env).unwrap_or_default();
        let want = [
            ("A", "1"),
            ("B", "x $A"),
            ("C", "l1\nl2\t1"),
            ("D", "v"),
            ("E", "12"),
            ("F", "from-env"),
        ];
        assert_eq!(
            got,
            want.map(|(k, v)| (k.to_string(), v.to_string())).to_vec()
        );
        assert!(parse_dotenv("A='open\n", &Env::new()).is_err());
        assert!(parse_dotenv("1 2=3\n", &Env::new()).is_err());
    }
}
