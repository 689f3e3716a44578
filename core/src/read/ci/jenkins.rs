//! Jenkinsfiles (Groovy) → the Pods of the Kubernetes plugin: every string literal given to a
//! `yaml` argument or step (`podTemplate(yaml: '''...''')`, `kubernetes { yaml """...""" }`) is
//! unescaped as Groovy does it and linted as Kubernetes YAML, each position mapped back to the
//! character it came from in the Jenkinsfile. `${...}` interpolations in `"""` strings stay as
//! written. `yamlFile` names a file in the repository, which a linter of this text cannot follow.
//! The strings given to `sh` (and `sh(script: ...)`) are shell: their `docker run` lines are
//! linted where they stand. The Groovy form of a pod (`containerTemplate`, `hostPathVolume`) is
//! read by `jenkins_dsl`.

use super::embed::place_errors;
use crate::read::context::{PosMap, positions, table_pos};
use crate::read::ir::{Field, Loc, Unit, Val};
use crate::read::source::Loader;
use crate::read::{ReadError, Sink, k8s, run};

/// Whether a text that is not named as a Jenkinsfile reads as one.
pub(super) fn looks_like(text: &str) -> bool {
    text.contains("podTemplate(")
        || text.contains("containerTemplate(")
        || (text.contains("agent {") && text.contains("kubernetes {"))
}

/// One string literal: its value and where each of its characters came from.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Literal {
    pub text: String,
    pub rows: Vec<Vec<(u32, u32)>>,
    /// The index of its opening quote among the file's characters.
    pub start: usize,
}

/// The field path of a pipeline's `sh` step when it counts as its container's command.
pub(crate) const SH_FIELD: &str = "sh (a pipeline step run in this container)";

/// The `sh` steps run in each container: `container('name') { sh '...' }`, by container name,
/// as values at their opening quote (`SH_FIELD` as path).
pub(super) fn steps_by_container(
    chars: &[(char, u32, u32)],
    lits: &[(Role, Literal)],
) -> Vec<(String, Val<'static>)> {
    let blocks = container_blocks(chars);
    let mut out = Vec::new();
    // bounded work on pathological input: a real pipeline has a handful of each
    if blocks.len() > 10_000 {
        return out;
    }
    for (role, lit) in lits.iter().take(10_000) {
        if *role != Role::Shell {
            continue;
        }
        // the innermost block holding the step
        let Some((name, ..)) = blocks
            .iter()
            .filter(|(_, open, close)| *open < lit.start && lit.start < *close)
            .max_by_key(|(_, open, _)| *open)
        else {
            continue;
        };
        let (line, col) = chars.get(lit.start).map_or((0, 0), |&(_, l, c)| (l, c));
        let loc = Loc {
            line,
            col,
            field: Field::Text(SH_FIELD),
        };
        out.push((name.clone(), Val::new(lit.text.clone(), loc)));
    }
    out
}

/// Every `{` with its matching `}` (strings and comments skipped), in one pass, sorted by `{`.
fn brace_pairs(chars: &[(char, u32, u32)]) -> Vec<(usize, usize)> {
    let mut stack = Vec::new();
    let mut pairs = Vec::new();
    let mut k = 0usize;
    while let Some(&(c, _, _)) = chars.get(k) {
        if let Some(e) = skip_comment(chars, k) {
            k = e.max(k + 1);
            continue;
        }
        match c {
            '\'' | '"' => {
                let (_, e) = literal(chars, k, c);
                k = e.max(k + 1);
                continue;
            }
            '{' => stack.push(k),
            '}' => {
                if let Some(o) = stack.pop() {
                    pairs.push((o, k));
                }
            }
            _ => {}
        }
        k += 1;
    }
    pairs.sort_unstable();
    pairs
}

/// `container('name') { ... }` blocks: (name, index of `{`, index of the matching `}`).
fn container_blocks(chars: &[(char, u32, u32)]) -> Vec<(String, usize, usize)> {
    let at = |i: usize| chars.get(i).map(|&(c, _, _)| c);
    let skip = |mut j: usize| {
        while at(j).is_some_and(char::is_whitespace) {
            j += 1;
        }
        j
    };
    let braces = brace_pairs(chars);
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < chars.len() {
        if let Some(end) = skip_comment(chars, i) {
            i = end.max(i + 1);
            continue;
        }
        if let Some(q @ ('\'' | '"')) = at(i) {
            let (_, end) = literal(chars, i, q);
            i = end.max(i + 1);
            continue;
        }
        if !word_at(chars, i, "container") {
            i += 1;
            continue;
        }
        i += "container".len();
        let mut j = skip(i);
        if at(j) != Some('(') {
            continue;
        }
        j = skip(j + 1);
        if word_at(chars, j, "name") {
            j = skip(j + 4);
            if at(j) == Some(':') {
                j = skip(j + 1);
            }
        }
        let Some(q @ ('\'' | '"')) = at(j) else {
            continue;
        };
        let (name, end) = literal(chars, j, q);
        j = skip(end);
        if at(j) != Some(')') {
            continue;
        }
        j = skip(j + 1);
        if at(j) != Some('{') {
            continue;
        }
        let open = j;
        let close = braces
            .binary_search_by_key(&open, |&(o, _)| o)
            .ok()
            .and_then(|k| braces.get(k))
            .map_or(chars.len(), |&(_, c)| c);
        out.push((name.text, open, close));
        i = open + 1;
    }
    out
}

/// Read every Pod YAML, `sh` step and Groovy pod of a Jenkinsfile.
pub(super) fn read(text: &str, sink: &mut dyn Sink) {
    let chars = positions(text);
    let lits = literals(&chars);
    let steps = steps_by_container(&chars, &lits);
    for (role, lit) in &lits {
        let role = *role;
        let map = PosMap::Table(&lit.rows);
        if role == Role::Shell {
            if lit.text.contains("docker") {
                let (unit, errors) = run::read(&lit.text);
                if !unit.workloads.is_empty() {
                    sink.embedded(&unit, None, &lit.text, &map);
                }
                place_errors(sink, &map, errors, "in this sh step");
            }
            continue;
        }
        let mut errors: Vec<ReadError> = Vec::new();
        let mut budget: Vec<ReadError> = Vec::new();
        let mut problems: Vec<ReadError> = Vec::new();
        let mut loader = Loader::default();
        loader.run(
            &lit.text,
            |doc, _| {
                if doc.exceeded() {
                    return;
                }
                let mut unit = k8s::unit(doc);
                add_steps(&mut unit, &steps);
                // input errors the Kubernetes reader found (wrong types, duplicate keys), placed
                // where they are in the Jenkinsfile
                for (l, c, message) in doc.take_problems() {
                    let (l, c) = table_pos(&lit.rows, l as usize, c as usize)
                        .unwrap_or_else(|| first_pos(&lit.rows));
                    problems.push(ReadError {
                        line: Some(l),
                        column: Some(c),
                        message: format!("in the podTemplate yaml: {message}"),
                    });
                }
                if doc.exceeded() {
                    let (l, c) = first_pos(&lit.rows);
                    budget.push(ReadError {
                        line: Some(l),
                        column: Some(c),
                        message: "document expands too many aliases (alias budget exceeded)".into(),
                    });
                    return;
                }
                sink.embedded(&unit, Some(doc), &lit.text, &map);
            },
            |e| {
                let (l, c) =
                    table_pos(&lit.rows, e.line, e.column).unwrap_or_else(|| first_pos(&lit.rows));
                errors.push(ReadError {
                    line: Some(l),
                    column: Some(c),
                    message: format!("in the podTemplate yaml: {}", e.message),
                });
            },
        );
        for e in errors.into_iter().chain(problems).chain(budget) {
            sink.error(e);
        }
    }
    let mut unit = super::jenkins_dsl::unit(&chars);
    add_steps(&mut unit, &steps);
    if !unit.workloads.is_empty() {
        sink.unit(&unit, None);
    }
}

/// The `sh` steps run in a container become words of its command (DS007 sees `dockerd`, DS027 a
/// fixed `docker run --name` next to a mounted socket).
fn add_steps(unit: &mut Unit<'_>, steps: &[(String, Val<'static>)]) {
    for w in &mut unit.workloads {
        for c in &mut w.containers {
            for (name, v) in steps {
                if c.name == name.as_str() {
                    c.args.push(v.clone());
                }
            }
        }
    }
}

fn first_pos(rows: &[Vec<(u32, u32)>]) -> (usize, usize) {
    rows.iter()
        .flatten()
        .next()
        .map_or((1, 1), |&(l, c)| (l as usize, c as usize))
}

/// What a string literal is given to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// `yaml: '''...'''`, `yaml '''...'''`: a Pod.
    Yaml,
    /// `sh '...'`, `sh(script: '...')`: shell lines.
    Shell,
}

/// The string literals given to `yaml` (`yaml: '''...'''`, `yaml '''...'''`, `yaml: "..."`).
#[cfg(test)]
fn yaml_literals(text: &str) -> Vec<Literal> {
    literals(&positions(text))
        .into_iter()
        .filter(|(r, _)| *r == Role::Yaml)
        .map(|(_, l)| l)
        .collect()
}

/// Whether the identifier `w` starts at `i`.
pub(super) fn word_at(chars: &[(char, u32, u32)], i: usize, w: &str) -> bool {
    let at = |i: usize| chars.get(i).map(|&(c, _, _)| c);
    !ident(i.checked_sub(1).and_then(at))
        && w.chars().enumerate().all(|(k, c)| at(i + k) == Some(c))
        && !ident(at(i + w.chars().count()))
}

fn ident(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// The index after a comment starting at `i`, if one does.
pub(super) fn skip_comment(chars: &[(char, u32, u32)], i: usize) -> Option<usize> {
    let at = |i: usize| chars.get(i).map(|&(c, _, _)| c);
    match (at(i), at(i + 1)) {
        (Some('/'), Some('/')) => {
            let mut j = i;
            while j < chars.len() && at(j) != Some('\n') {
                j += 1;
            }
            Some(j)
        }
        (Some('/'), Some('*')) => {
            let mut j = i + 2;
            while j < chars.len() && !(at(j) == Some('*') && at(j + 1) == Some('/')) {
                j += 1;
            }
            Some(j + 2)
        }
        _ => None,
    }
}

/// The string literals given to `yaml`, `sh` and `script`, outside comments.
pub(super) fn literals(chars: &[(char, u32, u32)]) -> Vec<(Role, Literal)> {
    let at = |i: usize| chars.get(i).map(|&(c, _, _)| c);
    let skip = |j: &mut usize| {
        while at(*j).is_some_and(char::is_whitespace) {
            *j += 1;
        }
    };
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < chars.len() {
        if let Some(end) = skip_comment(chars, i) {
            i = end.max(i + 1);
            continue;
        }
        if let Some(q @ ('\'' | '"')) = at(i) {
            // other strings are skipped whole
            let (_, end) = literal(chars, i, q);
            i = end.max(i + 1);
            continue;
        }
        let role = if word_at(chars, i, "yaml") {
            Some((Role::Yaml, 4))
        } else if word_at(chars, i, "sh") {
            Some((Role::Shell, 2))
        } else if word_at(chars, i, "script") {
            Some((Role::Shell, 6))
        } else {
            None
        };
        let Some((role, len)) = role else {
            i += 1;
            continue;
        };
        let mut j = i + len;
        skip(&mut j);
        if matches!(at(j), Some(':' | '(')) {
            j += 1;
        }
        skip(&mut j);
        // `sh(script: '...')`
        if role == Role::Shell && word_at(chars, j, "script") {
            j += 6;
            skip(&mut j);
            if at(j) == Some(':') {
                j += 1;
            }
            skip(&mut j);
        }
        match at(j) {
            Some(q @ ('\'' | '"')) => {
                let (lit, end) = literal(chars, j, q);
                out.push((role, lit));
                i = end.max(j + 1);
            }
            _ => i = j.max(i + 1),
        }
    }
    out
}

/// Read the Groovy string literal opening at `start` with quote `q` (`'''`/`"""` when tripled):
/// its unescaped value and the index after it.
pub(super) fn literal(chars: &[(char, u32, u32)], start: usize, q: char) -> (Literal, usize) {
    let at = |i: usize| chars.get(i).map(|&(c, _, _)| c);
    let triple = at(start + 1) == Some(q) && at(start + 2) == Some(q);
    let mut i = start + if triple { 3 } else { 1 };
    let mut text = String::new();
    let mut rows: Vec<Vec<(u32, u32)>> = vec![Vec::new()];
    let mut push = |c: char, pos: (u32, u32), text: &mut String| {
        text.push(c);
        if let Some(r) = rows.last_mut() {
            r.push(pos);
        }
        if c == '\n' {
            rows.push(Vec::new());
        }
    };
    while let Some(&(c, l, col)) = chars.get(i) {
        if c == q && (!triple || (at(i + 1) == Some(q) && at(i + 2) == Some(q))) {
            i += if triple { 3 } else { 1 };
            break;
        }
        if c == '\n' && !triple {
            // an unterminated single-line string
            break;
        }
        if c == '\\' {
            let Some(e) = at(i + 1) else {
                i += 1;
                continue;
            };
            let unescaped = match e {
                'n' => Some('\n'),
                't' => Some('\t'),
                'r' => Some('\r'),
                'b' => Some('\u{8}'),
                'f' => Some('\u{c}'),
                '\n' => None, // a line continuation
                'u' => {
                    let hex: String = (2..6).filter_map(|k| at(i + k)).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) if hex.len() == 4 => {
                            push(ch, (l, col), &mut text);
                            i += 6;
                            continue;
                        }
                        _ => Some('u'),
                    }
                }
                other => Some(other),
            };
            if let Some(u) = unescaped {
                push(u, (l, col), &mut text);
            }
            i += 2;
            continue;
        }
        push(c, (l, col), &mut text);
        i += 1;
    }
    (Literal { text, rows, start }, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_unescape_and_map() {
        let src = "podTemplate(yaml: '''\n  a: 'it\\'s'\n  b: \\\\x\n''') {\n  sh 'yaml: no'\n}\n// yaml '''c: 1'''\n";
        let lits = yaml_literals(src);
        assert_eq!(lits.len(), 1);
        let l = &lits[0];
        assert_eq!(l.text, "\n  a: 'it's'\n  b: \\x\n");
        // `b` on the third line of the file, column 3
        assert_eq!(l.rows[2][2], (3, 3));
        // the `x` after the escaped backslash
        assert_eq!(l.rows[2][6], (3, 8));
    }

    #[test]
    fn declarative_and_double_quotes() {
        let src = "agent { kubernetes { yaml \"\"\"\nkind: Pod\n\"\"\"\n yamlFile 'x.yaml' } }";
        let lits = yaml_literals(src);
        assert_eq!(lits.len(), 1);
        assert_eq!(lits[0].text, "\nkind: Pod\n");
    }
}
