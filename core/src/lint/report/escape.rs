//! Output cannot be forged: every string a report prints that came from the input (file names,
//! values in messages, code frames, workload and container names, field paths) goes through
//! [`text`], which writes control characters as visible escapes. A hostile file can then neither
//! rewrite the terminal (ESC, BEL, CSI, OSC), nor move the cursor back over a line (CR, BS), nor
//! fake a `file:line:col` line of its own (a newline inside a name or value), nor reorder what is
//! shown with bidirectional overrides.

use std::borrow::Cow;

/// How one character is printed when it cannot be printed as itself.
fn escaped(ch: char) -> Option<String> {
    match ch {
        // C0 and DEL; a tab is kept where it aligns a code frame ([`frame`]), escaped elsewhere
        '\0'..='\x1f' | '\x7f' => Some(match ch {
            '\n' => "\\n".into(),
            '\r' => "\\r".into(),
            '\t' => "\\t".into(),
            _ => format!("\\x{:02x}", ch as u32),
        }),
        // C1 (U+0080-U+009F: 8-bit CSI and OSC among them), bidirectional embeddings, overrides
        // and isolates, and the line and paragraph separators
        '\u{80}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'
        | '\u{2029}' => Some(format!("\\u{{{:x}}}", ch as u32)),
        _ => None,
    }
}

/// `s` with every control character written as a visible escape.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| escaped(c).is_some()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match escaped(ch) {
            Some(e) => out.push_str(&e),
            None => out.push(ch),
        }
    }
    Cow::Owned(out)
}

/// A code frame's source line escaped, and the caret prefix for 1-based `column` in it: every
/// character before the column becomes as many spaces as it prints as (tabs stay tabs).
pub(crate) fn frame(line: &str, column: usize) -> (String, String) {
    let mut shown = String::with_capacity(line.len());
    let mut prefix = String::new();
    for (i, ch) in line.chars().enumerate() {
        let before = i + 1 < column;
        if ch == '\t' {
            shown.push('\t');
            if before {
                prefix.push('\t');
            }
            continue;
        }
        match escaped(ch) {
            Some(e) => {
                if before {
                    prefix.extend(std::iter::repeat_n(' ', e.chars().count()));
                }
                shown.push_str(&e);
            }
            None => {
                if before {
                    prefix.push(' ');
                }
                shown.push(ch);
            }
        }
    }
    (shown, prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(text("x.yaml\n1:1: fake"), "x.yaml\\n1:1: fake");
        assert_eq!(text("\r\x07\u{9b}\u{202e}"), "\\r\\x07\\u{9b}\\u{202e}");
        assert_eq!(text("tab\there"), "tab\\there");
    }

    #[test]
    fn the_caret_stays_under_its_column() {
        let (shown, prefix) = frame("a\x1bb: c", 6);
        assert_eq!(shown, "a\\x1bb: c");
        assert_eq!(prefix.len(), "a\\x1bb: ".len());
        let (shown, prefix) = frame("\tkey: v", 7);
        assert_eq!(shown, "\tkey: v");
        assert_eq!(prefix, "\t     ");
    }
}
