//! A small block-style YAML writer for JSON values: what every YAML output of dockscape goes through.
//!
//! Why not a YAML serializer crate: the one we used added about 190 KB to the wasm for features we never
//! use. Values are first turned into `serde_json::Value` (k8s-openapi types serialise to it), then written
//! here: mappings and sequences in block style (sequences at their key's indentation, as kubectl writes
//! them), strings plain when YAML would read them back as the same string, double-quoted otherwise, and
//! multi-line strings as literal blocks. `tests/tests/roundtrip.rs` parses every output back.

use serde_json::{Map, Value};

/// Write `value` as a YAML document.
pub(crate) fn to_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => seq(&mut out, a, 0),
        v => {
            out.push_str(&scalar(v, 0));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn map(out: &mut String, m: &Map<String, Value>, indent: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str(&string(k, indent, true));
        out.push(':');
        after_key(out, v, indent);
    }
}

/// The value after `key:`, with the line break it needs.
fn after_key(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            pad(out, indent + 2);
            map(out, m, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            pad(out, indent);
            seq(out, a, indent);
        }
        v => {
            out.push(' ');
            out.push_str(&scalar(v, indent + 2));
            out.push('\n');
        }
    }
}

fn seq(out: &mut String, a: &[Value], indent: usize) {
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str("- ");
        match v {
            Value::Object(m) if !m.is_empty() => map(out, m, indent + 2),
            Value::Array(inner) if !inner.is_empty() => seq(out, inner, indent + 2),
            v => {
                out.push_str(&scalar(v, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, indent, false),
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
    }
}

/// A string as a plain scalar when that reads back as the same string, a literal block for clean
/// multi-line text (values only), double-quoted otherwise.
fn string(s: &str, indent: usize, key: bool) -> String {
    if plain_ok(s) {
        return s.to_owned();
    }
    if !key && literal_ok(s) {
        let body = s.strip_suffix('\n').unwrap_or(s);
        let chomp = if s.ends_with('\n') { "" } else { "-" };
        let mut out = format!("|{chomp}");
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.extend(std::iter::repeat_n(' ', indent));
                out.push_str(line);
            }
        }
        return out;
    }
    quoted(s)
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if !printable(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if !printable(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// YAML's printable characters, less the ones YAML 1.1 reads as line breaks (U+0085, U+2028, U+2029)
/// and the byte-order mark: everything else is escaped in a double-quoted scalar.
fn printable(c: char) -> bool {
    matches!(c as u32, 0x20..=0x7e | 0xa0..=0x2027 | 0x202a..=0xd7ff | 0xe000..=0xfefe | 0xff00..=0xfffd | 0x10000..=0x10ffff)
}

/// Text that a literal block keeps exactly: lines without leading spaces on the first line, no
/// control characters, no trailing blank lines.
fn literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.ends_with("\n\n")
        && s.chars().all(|c| c == '\n' || printable(c))
        && s.split('\n').all(|l| !l.ends_with([' ', '\t']))
}

/// Whether `s` can be written without quotes and read back as the same string (YAML 1.1 and 1.2
/// readers alike).
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with([' ', '\t']) || s.ends_with([' ', '\t', ':']) {
        return false;
    }
    if !s.chars().all(printable) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains(":\t") {
        return false;
    }
    let second = s.chars().nth(1);
    match first {
        '-' | '?' | ':'
            if second.is_none_or(|c| c == ' ') || s == "---" || s.starts_with("--- ") =>
        {
            return false;
        }
        ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
        | '@' | '`' => {
            return false;
        }
        _ => {}
    }
    !reads_as_other(s)
}

/// Whether a plain `s` would be read as a null, a boolean or a number.
fn reads_as_other(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".inf"
            | "-.inf"
            | "+.inf"
            | ".nan"
    ) {
        return true;
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    if let Some(hex) = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0o"))
        .or_else(|| body.strip_prefix("0b"))
    {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    // Digits with at most one dot and an optional exponent; `_` separators (YAML 1.1); `1:30` sexagesimal.
    let digits_only = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '_');
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (
            body.get(..i).unwrap_or(""),
            Some(body.get(i + 1..).unwrap_or("")),
        ),
        None => (body, None),
    };
    let mant_ok = match mant.split_once('.') {
        Some((a, b)) => {
            (digits_only(a) || a.is_empty())
                && (digits_only(b) || b.is_empty())
                && !(a.is_empty() && b.is_empty())
        }
        None => digits_only(mant),
    };
    let exp_ok = exp.is_none_or(|e| digits_only(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if mant_ok && exp_ok {
        return true;
    }
    // YAML 1.1 sexagesimal numbers (`1:30`), which some readers still honour.
    body.split(':').count() > 1
        && body.split(':').all(digits_only)
        && body.split(':').skip(1).all(|p| p.len() <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        for plain in [
            "docker:28-dind",
            "-p",
            "--host=unix:///var/run/docker.sock",
            "8080/tcp",
            "a b",
            "it's",
            "100%",
            "/certs",
        ] {
            assert!(plain_ok(plain), "{plain}");
        }
        for quoted in [
            "", " a", "a ", "1", "0.01", "no", "Yes", "null", "~", "-", "a: b", "a #b", "#x", "*x",
            "{x", "1e3", "0x1f", "1:30", "80:80", "tab\t", "x:",
        ] {
            assert!(!plain_ok(quoted), "{quoted}");
        }
    }

    #[test]
    fn documents_have_block_style() {
        let v =
            json!({"a": {"b": [1, "x", {"c": "", "d": []}], "e": {}}, "f": "line one\nline two"});
        assert_eq!(
            to_string(&v),
            "a:\n  b:\n  - 1\n  - x\n  - c: \"\"\n    d: []\n  e: {}\nf: |-\n  line one\n  line two\n"
        );
    }
}
