//! POSIX shell text into simple commands, read as `sh`/`bash` read it, under budgets.
//!
//! What is understood: words with `'…'`, `"…"`, `$'…'` (ANSI-C) and `\` quoting, `\` newline
//! joins, `#` comments; every separator of a list or pipeline (`;`, `&`, `&&`, `||`, `|`, `|&`,
//! `;;`, newlines, `(`, `)`); redirections (`>f`, `2>&1`, `<f`: the target is no argument);
//! `$( … )` and backticks (their commands are read too, recursively); here-documents (`<<EOF`,
//! `<<-EOF`, `<<'EOF'`): the body is skipped line by line up to the delimiter whatever quotes it
//! holds, and kept as the command's standard input, as is a here-string (`<<< word`);
//! parameter expansions with a default or an alternate (`${X:-d}`, `${X-d}`, `${X:=d}`, `${X:+a}`,
//! `${X+a}`, nested) read as the default or alternate: the value the text itself supplies, the
//! dangerous reading when the variable is unknown. Reserved words (`if`, `then`, `do`, `{`, `!`,
//! ...) are left for the caller, which treats them as prefixes.
//!
//! Budgets: script size, nesting depth (`$(`, backticks, `sh -c` strings), number of commands.
//! Over budget is an error and the reading stops; nothing here recurses without a depth check,
//! so 100,000 nested parentheses or a million `&&` never hang nor overflow the stack.
//!
//! (Compose's interpolation has its own engine in `read/interpolate.rs`; this one is the shell's.)

use std::borrow::Cow;

use super::ReadError;

/// Largest script read (bytes); a bigger one is an error.
pub(crate) const MAX_SCRIPT_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of command substitutions and `sh -c` / `eval` strings.
pub(crate) const MAX_DEPTH: usize = 64;
/// Most simple commands read from one script, nested ones included.
pub(crate) const MAX_COMMANDS: usize = 500_000;

/// A shell word: its text after quote removal, the raw slice of the input (empty when the word
/// comes from a nested string), the word as written (quotes and expansions, nested words too),
/// and where it starts (1-based, characters).
#[derive(Debug, Clone)]
pub(crate) struct Word<'t> {
    pub text: Cow<'t, str>,
    pub raw: &'t str,
    pub written: Cow<'t, str>,
    pub line: u32,
    pub col: u32,
}

/// Text fed to a command's standard input (a here-document body or a here-string).
#[derive(Debug, Clone)]
pub(crate) struct Stdin<'t> {
    pub text: Cow<'t, str>,
    pub line: u32,
    pub col: u32,
}

/// A simple command.
#[derive(Debug, Default)]
pub(crate) struct Command<'t> {
    pub words: Vec<Word<'t>>,
    pub stdin: Option<Stdin<'t>>,
}

/// Shared budgets of one script and everything nested in it.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    pub commands: usize,
    pub errors: Vec<ReadError>,
    /// Set once a budget ran out: readers stop.
    pub over: bool,
}

impl Budget {
    pub(crate) fn fail(&mut self, line: u32, col: u32, message: String) {
        if !self.over {
            self.errors.push(ReadError {
                line: Some(line as usize),
                column: Some(col as usize),
                message,
            });
        }
        self.over = true;
    }
}

struct Lexer<'t, 'b> {
    text: &'t str,
    pos: usize,
    line: u32,
    col: u32,
    depth: usize,
    budget: &'b mut Budget,
}

struct Heredoc {
    delim: String,
    strip_tabs: bool,
    /// index of the first command of the line it belongs to
    first: usize,
}

/// Read a script. `line`/`col` place its first character; `depth` is its nesting.
pub(crate) fn parse<'t>(
    text: &'t str,
    line: u32,
    col: u32,
    depth: usize,
    budget: &mut Budget,
) -> Vec<Command<'t>> {
    let mut out = Vec::new();
    if text.len() > MAX_SCRIPT_BYTES {
        budget.fail(
            line,
            col,
            format!(
                "shell text of {} bytes is over the {} MiB budget; it was not read",
                text.len(),
                MAX_SCRIPT_BYTES / (1024 * 1024)
            ),
        );
        return out;
    }
    if depth > MAX_DEPTH {
        budget.fail(
            line,
            col,
            format!("shell text nested deeper than {MAX_DEPTH} levels; the rest was not read"),
        );
        return out;
    }
    let mut lx = Lexer {
        text,
        pos: 0,
        line,
        col,
        depth,
        budget,
    };
    lx.list(&mut out, false);
    out
}

/// Read a nested string (an `sh -c` argument, an `eval` line): its words own their text.
pub(crate) fn parse_owned(
    text: &str,
    line: u32,
    col: u32,
    depth: usize,
    budget: &mut Budget,
) -> Vec<Command<'static>> {
    parse(text, line, col, depth, budget)
        .into_iter()
        .map(|c| Command {
            words: c.words.into_iter().map(own).collect(),
            stdin: c.stdin.map(|s| Stdin {
                text: Cow::Owned(s.text.into_owned()),
                line: s.line,
                col: s.col,
            }),
        })
        .collect()
}

fn own(w: Word<'_>) -> Word<'static> {
    Word {
        text: Cow::Owned(w.text.into_owned()),
        raw: "",
        written: Cow::Owned(w.written.into_owned()),
        line: w.line,
        col: w.col,
    }
}

fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `NAME=value` (an assignment word): the name and the value.
pub(crate) fn assignment(word: &str) -> Option<(&str, &str)> {
    let (n, v) = word.split_once('=')?;
    let n = n.strip_suffix('+').unwrap_or(n);
    is_name(n).then_some((n, v))
}

impl<'t> Lexer<'t, '_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn peek2(&self) -> Option<char> {
        let mut cs = self.text.get(self.pos..)?.chars();
        cs.next();
        cs.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn finish(&mut self, out: &mut Vec<Command<'t>>, cmd: &mut Command<'t>) {
        if cmd.words.is_empty() && cmd.stdin.is_none() {
            return;
        }
        self.budget.commands += 1;
        if self.budget.commands > MAX_COMMANDS {
            let (l, c) = (self.line, self.col);
            self.budget.fail(
                l,
                c,
                format!("shell text has more than {MAX_COMMANDS} commands; the rest was not read"),
            );
            return;
        }
        out.push(std::mem::take(cmd));
    }

    /// Read commands until the end (or, when `close`, the `)` that ends a `$(`).
    fn list(&mut self, out: &mut Vec<Command<'t>>, close: bool) {
        let mut cmd = Command::default();
        let mut heredocs: Vec<Heredoc> = Vec::new();
        let mut line_first = out.len();
        // a redirection's target follows: the next word is no argument
        let mut target = false;
        while !self.budget.over {
            let Some(c) = self.peek() else { break };
            match c {
                ' ' | '\t' | '\r' => {
                    self.bump();
                }
                '\\' if matches!(self.peek2(), Some('\n')) => {
                    self.bump();
                    self.bump();
                }
                '#' => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                '\n' => {
                    self.bump();
                    self.finish(out, &mut cmd);
                    target = false;
                    for h in std::mem::take(&mut heredocs) {
                        let body = self.heredoc_body(&h);
                        for c in out.iter_mut().skip(h.first) {
                            if c.stdin.is_none() {
                                c.stdin = Some(body.clone());
                            }
                        }
                    }
                    line_first = out.len();
                }
                ';' | '&' | '|' | '(' => {
                    self.bump();
                    self.finish(out, &mut cmd);
                    target = false;
                }
                ')' => {
                    self.bump();
                    self.finish(out, &mut cmd);
                    target = false;
                    if close {
                        break;
                    }
                }
                '<' | '>' => {
                    self.bump();
                    if c == '<' && self.peek() == Some('<') {
                        self.bump();
                        if self.peek() == Some('<') {
                            // here-string: the next word is standard input
                            self.bump();
                            self.blanks();
                            if let Some(w) = self.word(out) {
                                cmd.stdin = Some(Stdin {
                                    text: w.text,
                                    line: w.line,
                                    col: w.col,
                                });
                            }
                            continue;
                        }
                        let strip_tabs = self.peek() == Some('-');
                        if strip_tabs {
                            self.bump();
                        }
                        self.blanks();
                        if let Some(w) = self.word(out) {
                            heredocs.push(Heredoc {
                                delim: w.text.into_owned(),
                                strip_tabs,
                                first: line_first,
                            });
                        }
                        continue;
                    }
                    if c == '<' && self.peek() == Some('(') {
                        // process substitution: its commands are read as a subshell's
                        continue;
                    }
                    while matches!(self.peek(), Some('>' | '&' | '|')) {
                        self.bump();
                    }
                    if self.peek() == Some('-') {
                        self.bump();
                    }
                    target = true;
                }
                _ => {
                    let Some(w) = self.word(out) else { continue };
                    if matches!(self.peek(), Some('<' | '>'))
                        && !w.raw.is_empty()
                        && w.raw.bytes().all(|b| b.is_ascii_digit())
                    {
                        // the file descriptor of a redirection (`2>`)
                        continue;
                    }
                    if std::mem::take(&mut target) {
                        continue;
                    }
                    cmd.words.push(w);
                }
            }
        }
        self.finish(out, &mut cmd);
        // here-documents never closed by a newline: the body is the rest (none)
    }

    fn blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
    }

    /// The body of a here-document: whole lines up to the delimiter line, quotes and all.
    fn heredoc_body(&mut self, h: &Heredoc) -> Stdin<'t> {
        let (line, start) = (self.line, self.pos);
        let mut end = start;
        while self.pos < self.text.len() && !self.budget.over {
            let rest = self.text.get(self.pos..).unwrap_or("");
            let len = rest.find('\n').map_or(rest.len(), |n| n + 1);
            let l = rest.get(..len).unwrap_or("");
            let body_line = l.trim_end_matches(['\n', '\r']);
            let cmp = if h.strip_tabs {
                body_line.trim_start_matches('\t')
            } else {
                body_line
            };
            let at = self.pos;
            // advance over the line
            self.pos += len;
            if l.ends_with('\n') {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += l.chars().count() as u32;
            }
            if cmp == h.delim {
                end = at;
                break;
            }
            end = self.pos;
        }
        Stdin {
            text: Cow::Borrowed(self.text.get(start..end).unwrap_or("")),
            line,
            col: 1,
        }
    }

    /// One word starting here, or `None` when none starts (the caller's character is consumed).
    fn word(&mut self, out: &mut Vec<Command<'t>>) -> Option<Word<'t>> {
        let (start, line, col) = (self.pos, self.line, self.col);
        let mut cur = String::new();
        let mut owned = false;
        while let Some(c) = self.peek() {
            if self.budget.over {
                break;
            }
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>' => break,
                '\\' => {
                    self.bump();
                    owned = true;
                    match self.bump() {
                        Some('\n') | None => {}
                        Some(e) => cur.push(e),
                    }
                }
                '\'' => {
                    let (l, c) = (self.line, self.col);
                    self.bump();
                    owned = true;
                    let mut closed = false;
                    while let Some(d) = self.bump() {
                        if d == '\'' {
                            closed = true;
                            break;
                        }
                        cur.push(d);
                    }
                    if !closed {
                        self.unterminated(l, c, '\'');
                    }
                }
                '"' => {
                    let (l, c) = (self.line, self.col);
                    self.bump();
                    owned = true;
                    if !self.double_quoted(&mut cur, out) {
                        self.unterminated(l, c, '"');
                    }
                }
                '`' => {
                    self.bump();
                    owned = true;
                    self.backticks(&mut cur, out);
                }
                '$' => {
                    owned = true;
                    self.dollar(&mut cur, out, false);
                }
                c => {
                    self.bump();
                    cur.push(c);
                }
            }
        }
        if self.pos == start {
            // a character no word starts with: skip it
            self.bump();
            return None;
        }
        let raw = self.text.get(start..self.pos).unwrap_or("");
        Some(Word {
            text: if owned {
                Cow::Owned(cur)
            } else {
                Cow::Borrowed(raw)
            },
            raw,
            written: Cow::Borrowed(raw),
            line,
            col,
        })
    }

    /// The rest of a `"…"`; whether the closing quote was found (or a budget stopped it).
    fn double_quoted(&mut self, cur: &mut String, out: &mut Vec<Command<'t>>) -> bool {
        while let Some(d) = self.peek() {
            if self.budget.over {
                return true;
            }
            match d {
                '"' => {
                    self.bump();
                    return true;
                }
                '\\' => {
                    self.bump();
                    match self.peek() {
                        Some(e @ ('"' | '\\' | '$' | '`')) => {
                            self.bump();
                            cur.push(e);
                        }
                        Some('\n') => {
                            self.bump();
                        }
                        _ => cur.push('\\'),
                    }
                }
                '`' => {
                    self.bump();
                    self.backticks(cur, out);
                }
                '$' => self.dollar(cur, out, true),
                d => {
                    self.bump();
                    cur.push(d);
                }
            }
        }
        false
    }

    /// `$…` at the current position: `$'…'`, `$"…"`, `$( … )`, `$(( … ))`, `${…}`, `$NAME`.
    fn dollar(&mut self, cur: &mut String, out: &mut Vec<Command<'t>>, quoted: bool) {
        let start = self.pos;
        self.bump();
        match self.peek() {
            Some('\'') if !quoted => {
                self.bump();
                self.ansi_c(cur);
            }
            Some('"') if !quoted => {
                self.bump();
                self.double_quoted(cur, out);
            }
            Some('(') if self.peek2() == Some('(') => {
                // arithmetic: literal text to the matching `))`
                let mut open = 0usize;
                while let Some(c) = self.bump() {
                    match c {
                        '(' => open += 1,
                        ')' => {
                            open = open.saturating_sub(1);
                            if open == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                cur.push_str(self.text.get(start..self.pos).unwrap_or(""));
            }
            Some('(') => {
                self.bump();
                if self.depth >= MAX_DEPTH {
                    let (l, c) = (self.line, self.col);
                    self.budget.fail(
                        l,
                        c,
                        format!(
                            "shell text nested deeper than {MAX_DEPTH} levels; the rest was not read"
                        ),
                    );
                    return;
                }
                self.depth += 1;
                self.list(out, true);
                self.depth -= 1;
                cur.push_str(self.text.get(start..self.pos).unwrap_or(""));
            }
            Some('{') => {
                self.bump();
                let body_start = self.pos;
                let mut open = 1usize;
                while let Some(c) = self.peek() {
                    match c {
                        '{' => open += 1,
                        '}' => {
                            open -= 1;
                            if open == 0 {
                                break;
                            }
                        }
                        '\\' => {
                            self.bump();
                        }
                        _ => {}
                    }
                    self.bump();
                }
                let body = self.text.get(body_start..self.pos).unwrap_or("");
                self.bump();
                expand_braced(body, cur, 0);
            }
            _ => cur.push('$'),
        }
    }

    /// `$'…'`: backslash escapes as bash reads them.
    fn ansi_c(&mut self, cur: &mut String) {
        while let Some(d) = self.bump() {
            match d {
                '\'' => return,
                '\\' => {
                    let Some(e) = self.bump() else { return };
                    match e {
                        'n' => cur.push('\n'),
                        't' => cur.push('\t'),
                        'r' => cur.push('\r'),
                        'a' => cur.push('\x07'),
                        'b' => cur.push('\x08'),
                        'e' | 'E' => cur.push('\x1b'),
                        'f' => cur.push('\x0c'),
                        'v' => cur.push('\x0b'),
                        'x' | 'u' | 'U' => {
                            let max = match e {
                                'x' => 2,
                                'u' => 4,
                                _ => 8,
                            };
                            let n = self.digits(16, max);
                            if let Some(ch) = n.and_then(char::from_u32) {
                                cur.push(ch);
                            } else {
                                cur.push('\\');
                                cur.push(e);
                            }
                        }
                        '0'..='7' => {
                            let mut v = e.to_digit(8).unwrap_or(0);
                            for _ in 0..2 {
                                match self.peek().and_then(|c| c.to_digit(8)) {
                                    Some(d) => {
                                        self.bump();
                                        v = v * 8 + d;
                                    }
                                    None => break,
                                }
                            }
                            if let Some(ch) = char::from_u32(v & 0xff) {
                                cur.push(ch);
                            }
                        }
                        e => cur.push(e),
                    }
                }
                d => cur.push(d),
            }
        }
    }

    fn backticks(&mut self, cur: &mut String, out: &mut Vec<Command<'t>>) {
        let (line, col) = (self.line, self.col);
        let mut inner = String::new();
        while let Some(d) = self.bump() {
            match d {
                '`' => break,
                '\\' => match self.peek() {
                    Some(e @ ('`' | '\\' | '$')) => {
                        self.bump();
                        inner.push(e);
                    }
                    _ => inner.push('\\'),
                },
                d => inner.push(d),
            }
        }
        cur.push('`');
        cur.push_str(&inner);
        cur.push('`');
        if self.depth >= MAX_DEPTH {
            self.budget.fail(
                line,
                col,
                format!("shell text nested deeper than {MAX_DEPTH} levels; the rest was not read"),
            );
            return;
        }
        let nested = parse_owned(&inner, line, col, self.depth + 1, self.budget);
        out.extend(nested);
    }

    /// A quote that never closes: the shell refuses the command (and what follows), so the
    /// reading is unsure: an input error, the text still read as one word.
    fn unterminated(&mut self, line: u32, col: u32, q: char) {
        self.budget.errors.push(ReadError {
            line: Some(line as usize),
            column: Some(col as usize),
            message: format!("unterminated quote `{q}`: the shell refuses the text from here on"),
        });
    }

    /// Up to `max` digits of `radix`.
    fn digits(&mut self, radix: u32, max: usize) -> Option<u32> {
        let mut v: Option<u32> = None;
        for _ in 0..max {
            match self.peek().and_then(|c| c.to_digit(radix)) {
                Some(d) => {
                    self.bump();
                    v = Some(v.unwrap_or(0).saturating_mul(radix).saturating_add(d));
                }
                None => break,
            }
        }
        v
    }
}

/// `${body}` as the dangerous reading sees it: a default or alternate word the text supplies
/// (`${X:-/var/run/docker.sock}`, `${X:+…}`) replaces the expansion; any other expansion stays
/// as written (`${HOME}` is known to the path rules).
fn expand_braced(body: &str, cur: &mut String, depth: usize) {
    let name_len = body
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_alphanumeric() || c == '_' || (i == 0 && "@*#?$!-".contains(c)))
        })
        .map_or(body.len(), |(i, _)| i);
    let (name, rest) = body.split_at(name_len.min(body.len()));
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let word = if name.is_empty() || depth > MAX_DEPTH {
        None
    } else {
        rest.strip_prefix(['-', '=', '+'])
    };
    match word {
        Some(w) => expand_word(w, cur, depth + 1),
        None => {
            cur.push_str("${");
            cur.push_str(body);
            cur.push('}');
        }
    }
}

/// The word of a `${X:-word}`: quotes removed, nested `${…}` expanded.
fn expand_word(w: &str, cur: &mut String, depth: usize) {
    let mut it = w.char_indices();
    while let Some((i, c)) = it.next() {
        match c {
            '\\' => {
                if let Some((_, e)) = it.next() {
                    cur.push(e);
                }
            }
            '\'' | '"' => {}
            '$' if w.get(i + 1..).is_some_and(|r| r.starts_with('{')) => {
                let inner_start = i + 2;
                let mut open = 1usize;
                let mut end = w.len();
                for (j, d) in w.get(inner_start..).unwrap_or("").char_indices() {
                    match d {
                        '{' => open += 1,
                        '}' => {
                            open -= 1;
                            if open == 0 {
                                end = inner_start + j;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                expand_braced(w.get(inner_start..end).unwrap_or(""), cur, depth);
                // skip what was consumed
                while it.next().is_some_and(|(k, _)| k < end) {}
            }
            c => cur.push(c),
        }
    }
}
