//! Jenkinsfiles (Groovy) → the Pods of the Kubernetes plugin: every string literal given to a
//! `yaml` argument or step (`podTemplate(yaml: '''...''')`, `kubernetes { yaml """...""" }`) is
//! unescaped as Groovy does it and linted as Kubernetes YAML, each position mapped back to the
//! character it came from in the Jenkinsfile. `${...}` interpolations in `"""` strings stay as
//! written. `yamlFile` names a file in the repository, which a linter of this text cannot follow.

use super::super::registry::Rule;
use super::super::source::Loader;
use super::super::{FileCtx, LintError, LintInput, LintReport, k8s};
use super::embed::{PosMap, process_embedded};

/// Whether a text that is not named as a Jenkinsfile reads as one.
pub(super) fn looks_like(text: &str) -> bool {
    text.contains("podTemplate(") || (text.contains("agent {") && text.contains("kubernetes {"))
}

/// One string literal: its value and where each of its characters came from.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Literal {
    pub text: String,
    pub rows: Vec<Vec<(u32, u32)>>,
}

/// Lint every Pod YAML of a Jenkinsfile.
pub(in crate::lint) fn lint(
    input: &LintInput<'_>,
    rules: &[&'static dyn Rule],
    ctx: &mut FileCtx<'_>,
    report: &mut LintReport,
) {
    for lit in yaml_literals(input.text) {
        let map = PosMap::Table(&lit.rows);
        let mut errors: Vec<LintError> = Vec::new();
        let mut budget: Vec<LintError> = Vec::new();
        let mut loader = Loader::default();
        loader.run(
            &lit.text,
            |doc, _| {
                if doc.exceeded() {
                    return;
                }
                let unit = k8s::unit(doc);
                if doc.exceeded() {
                    let (l, c) = first_pos(&lit.rows);
                    budget.push(LintError {
                        file: input.file.to_string(),
                        line: Some(l),
                        column: Some(c),
                        message: "document expands too many aliases (alias budget exceeded)".into(),
                    });
                    return;
                }
                process_embedded(&unit, Some(doc), &lit.text, rules, ctx, report, &map);
            },
            |e| {
                let (l, c) = lit
                    .rows
                    .get(e.line.saturating_sub(1))
                    .and_then(|r| r.get(e.column.saturating_sub(1)).or(r.last()))
                    .map_or(first_pos(&lit.rows), |&(l, c)| (l as usize, c as usize));
                errors.push(LintError {
                    file: input.file.to_string(),
                    line: Some(l),
                    column: Some(c),
                    message: format!("in the podTemplate yaml: {}", e.message),
                });
            },
        );
        report.errors.extend(errors);
        report.errors.extend(budget);
    }
}

fn first_pos(rows: &[Vec<(u32, u32)>]) -> (usize, usize) {
    rows.iter()
        .flatten()
        .next()
        .map_or((1, 1), |&(l, c)| (l as usize, c as usize))
}

/// The string literals given to `yaml` (`yaml: '''...'''`, `yaml '''...'''`, `yaml: "..."`).
pub(super) fn yaml_literals(text: &str) -> Vec<Literal> {
    // every character with its 1-based line and column
    let mut chars: Vec<(char, u32, u32)> = Vec::with_capacity(text.len());
    let (mut line, mut col) = (1u32, 1u32);
    for ch in text.chars() {
        chars.push((ch, line, col));
        if ch == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    let at = |i: usize| chars.get(i).map(|&(c, _, _)| c);
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < chars.len() {
        match at(i) {
            // comments
            Some('/') if at(i + 1) == Some('/') => {
                while i < chars.len() && at(i) != Some('\n') {
                    i += 1;
                }
            }
            Some('/') if at(i + 1) == Some('*') => {
                i += 2;
                while i < chars.len() && !(at(i) == Some('*') && at(i + 1) == Some('/')) {
                    i += 1;
                }
                i += 2;
            }
            // other strings are skipped whole
            Some(q @ ('\'' | '"')) => {
                let (_, end) = literal(&chars, i, q);
                i = end;
            }
            Some('y')
                if !ident(i.checked_sub(1).and_then(at))
                    && (0..4).all(|k| at(i + k) == "yaml".chars().nth(k))
                    && !ident(at(i + 4)) =>
            {
                let mut j = i + 4;
                while at(j).is_some_and(char::is_whitespace) {
                    j += 1;
                }
                if at(j) == Some(':') {
                    j += 1;
                }
                while at(j).is_some_and(char::is_whitespace) {
                    j += 1;
                }
                match at(j) {
                    Some(q @ ('\'' | '"')) => {
                        let (lit, end) = literal(&chars, j, q);
                        out.push(lit);
                        i = end;
                    }
                    _ => i = j.max(i + 1),
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Read the Groovy string literal opening at `start` with quote `q` (`'''`/`"""` when tripled):
/// its unescaped value and the index after it.
fn literal(chars: &[(char, u32, u32)], start: usize, q: char) -> (Literal, usize) {
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
    (Literal { text, rows }, i)
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
