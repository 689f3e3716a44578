//! Bytes into text: the one place an input's encoding is decided.
//!
//! - A byte order mark picks the encoding: UTF-8 (`EF BB BF`, dropped), UTF-32 LE/BE
//!   (`FF FE 00 00` / `00 00 FE FF`), UTF-16 LE/BE (`FF FE` / `FE FF`). Without one the input is
//!   UTF-8, which is what YAML, Compose and shells read.
//! - Each invalid sequence (bad UTF-8, an unpaired UTF-16 surrogate, a UTF-32 unit that is no
//!   character, a truncated last unit) becomes one U+FFFD and one problem, so the positions of
//!   everything after it stay right and every other document of the file is still read.
//! - A NUL byte (character U+0000) becomes U+FFFD too and is reported as a NUL byte.
//!
//! Positions are 1-based lines and columns, a column counting characters (Unicode scalar values,
//! as a person counts them; a tab is one), the unit every position of dockscape uses.

use std::fmt::Write as _;

/// An encoding problem found by [`decode`]: where (1-based line and column in characters of the
/// decoded text) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeProblem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
}

/// Decode an input's bytes (see the module doc): the text, with every invalid sequence and NUL
/// replaced by U+FFFD, and one problem per replacement.
pub fn decode(bytes: &[u8]) -> (String, Vec<DecodeProblem>) {
    let mut d = Decoder::default();
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        d.utf8(rest);
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE, 0, 0]) {
        d.utf32(rest, u32::from_le_bytes, "UTF-32LE");
    } else if let Some(rest) = bytes.strip_prefix(&[0, 0, 0xFE, 0xFF]) {
        d.utf32(rest, u32::from_be_bytes, "UTF-32BE");
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        d.utf16(rest, u16::from_le_bytes, "UTF-16LE");
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        d.utf16(rest, u16::from_be_bytes, "UTF-16BE");
    } else {
        d.utf8(bytes);
    }
    (d.out, d.problems)
}

#[derive(Default)]
struct Decoder {
    out: String,
    problems: Vec<DecodeProblem>,
    /// The position (0-based line and column) at byte `scanned` of `out`: positions are
    /// counted only when a problem needs one, so valid text is copied in runs, not character by
    /// character.
    line: usize,
    col: usize,
    scanned: usize,
}

impl Decoder {
    fn push(&mut self, c: char) {
        if c == '\0' {
            self.nul();
            return;
        }
        self.out.push(c);
    }

    /// Valid text, copied in one run between its NUL characters (each a problem).
    fn push_str(&mut self, s: &str) {
        for (i, run) in s.split('\0').enumerate() {
            if i > 0 {
                self.nul();
            }
            self.out.push_str(run);
        }
    }

    fn nul(&mut self) {
        self.bad("a NUL byte (U+0000), which no YAML or shell input can hold".into());
    }

    /// A replacement character at the current position, and its problem.
    fn bad(&mut self, message: String) {
        let rest = self.out.get(self.scanned..).unwrap_or_default();
        for c in rest.chars() {
            if c == '\n' {
                self.line += 1;
                self.col = 0;
            } else {
                self.col += 1;
            }
        }
        self.problems.push(DecodeProblem {
            line: self.line + 1,
            column: self.col + 1,
            message,
        });
        self.out.push('\u{FFFD}');
        self.col += 1;
        self.scanned = self.out.len();
    }

    fn utf8(&mut self, bytes: &[u8]) {
        self.out.reserve(bytes.len());
        // Valid UTF-8 (almost every input) is checked by the standard library's fast validator
        // and copied in runs; only invalid input goes chunk by chunk.
        if let Ok(text) = std::str::from_utf8(bytes) {
            self.push_str(text);
            return;
        }
        for chunk in bytes.utf8_chunks() {
            self.push_str(chunk.valid());
            let invalid = chunk.invalid();
            if !invalid.is_empty() {
                let mut hex = String::new();
                for b in invalid {
                    let _ = write!(hex, "{}{b:02X}", if hex.is_empty() { "" } else { " " });
                }
                self.bad(format!(
                    "invalid UTF-8 (bytes {hex}), read as U+FFFD; the input must be UTF-8 or carry a UTF-16/UTF-32 byte order mark"
                ));
            }
        }
    }

    fn utf16(&mut self, bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &str) {
        let units = bytes.chunks_exact(2).map(|c| {
            unit([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        });
        for r in char::decode_utf16(units) {
            match r {
                Ok(c) => self.push(c),
                Err(e) => self.bad(format!(
                    "invalid {name}: unpaired surrogate {:04X}, read as U+FFFD",
                    e.unpaired_surrogate()
                )),
            }
        }
        if bytes.len() % 2 == 1 {
            self.bad(format!(
                "invalid {name}: the input ends in half a code unit"
            ));
        }
    }

    fn utf32(&mut self, bytes: &[u8], unit: fn([u8; 4]) -> u32, name: &str) {
        for c in bytes.chunks(4) {
            let Ok(b) = <[u8; 4]>::try_from(c) else {
                self.bad(format!(
                    "invalid {name}: the input ends in part of a code unit"
                ));
                break;
            };
            let u = unit(b);
            match char::from_u32(u) {
                Some(c) => self.push(c),
                None => self.bad(format!(
                    "invalid {name}: {u:08X} is no character, read as U+FFFD"
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_an_invalid_byte_keeps_the_positions_after_it() {
        let (text, p) = decode(b"a: 1\nb: x\xFFy\nc: 3\n");
        assert_eq!(text, "a: 1\nb: x\u{FFFD}y\nc: 3\n");
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].line, p[0].column), (2, 5));
        assert!(p[0].message.contains("FF"), "{}", p[0].message);
    }

    #[test]
    fn columns_count_characters() {
        let (_, p) = decode("é€😀\u{0}".as_bytes());
        assert_eq!((p[0].line, p[0].column), (1, 4));
        assert!(p[0].message.contains("NUL"));
    }

    #[test]
    fn boms() {
        let s = "kind: Pod\n";
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        let mut be: Vec<u8> = vec![0xFE, 0xFF];
        let mut le32: Vec<u8> = vec![0xFF, 0xFE, 0, 0];
        let mut be32: Vec<u8> = vec![0, 0, 0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        for c in s.chars() {
            le32.extend((c as u32).to_le_bytes());
            be32.extend((c as u32).to_be_bytes());
        }
        let mut u8bom = vec![0xEF, 0xBB, 0xBF];
        u8bom.extend(s.bytes());
        for b in [le, be, le32, be32, u8bom] {
            assert_eq!(decode(&b), (s.to_string(), vec![]));
        }
    }

    #[test]
    fn unpaired_surrogate_and_truncation() {
        let (text, p) = decode(&[0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0, b'c']);
        assert_eq!(text, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].column, 2);
    }

    /// Every problem sits where its U+FFFD is in the decoded text (the inputs hold no U+FFFD
    /// of their own), counted character by character here, independently of the decoder's runs.
    #[test]
    fn problem_positions_are_where_the_replacements_are() {
        let inputs: [&[u8]; 6] = [
            b"\0",
            b"a\0b\0\0\nc\0\n\0",
            b"k: v\n\xFF\xFEx\n  \x80y: \0z\n",
            "\u{e9}\0\n\u{20ac}\u{1F600}\x00".as_bytes(),
            b"line1\nline2\n\xC3(\n\0",
            b"no problem at all\n",
        ];
        for input in inputs {
            let (text, problems) = decode(input);
            let mut expected = Vec::new();
            let (mut line, mut col) = (1, 1);
            for c in text.chars() {
                if c == '\u{FFFD}' {
                    expected.push((line, col));
                }
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }
            let got: Vec<_> = problems.iter().map(|p| (p.line, p.column)).collect();
            assert_eq!(got, expected, "{input:?}");
        }
    }
}
