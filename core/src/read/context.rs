//! The per-file context every reader and the lint pipeline share: the text, its line index, the
//! `dockscape:` directive check, and where the characters of text embedded in the file (a Pod YAML
//! in a Groovy string, a `docker run` line in a YAML scalar) are in the file.

/// What starts a `dockscape:` directive (an inline suppression comment).
pub(crate) const MARKER: &str = "dockscape:";

/// Per-input state for turning hits into findings.
pub(crate) struct FileCtx<'i> {
    pub(crate) file: &'i str,
    pub(crate) text: &'i str,
    pub(crate) lines: Option<Vec<usize>>,
    /// Whether the text has a `dockscape:` comment at all (computed once).
    pub(crate) has_directives: Option<bool>,
}

impl<'i> FileCtx<'i> {
    /// Whether any `dockscape:` directive may be in the text.
    pub(crate) fn has_directives(&mut self) -> bool {
        let text = self.text;
        *self
            .has_directives
            .get_or_insert_with(|| text.contains(MARKER))
    }

    /// The text of 1-based line `n`, without its line break.
    pub(crate) fn line(&mut self, n: usize) -> &'i str {
        let text = self.text;
        let starts = self.lines.get_or_insert_with(|| {
            let mut v = Vec::with_capacity(text.len() / 32 + 1);
            v.push(0);
            for (i, b) in text.bytes().enumerate() {
                if b == b'\n' {
                    v.push(i + 1);
                }
            }
            v
        });
        let Some(&start) = n.checked_sub(1).and_then(|i| starts.get(i)) else {
            return "";
        };
        let end = starts.get(n).map_or(text.len(), |&e| e.saturating_sub(1));
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

/// Where the characters of an embedded text are in the file.
pub(crate) enum PosMap<'m> {
    /// Per embedded line, each character's 1-based (line, column) in the file.
    Table(&'m [Vec<(u32, u32)>]),
    /// A YAML scalar whose node is at (`line`, `col`): `offset` is set when its first line is
    /// written as is from there (plain, or quoted without escapes: 1), so its columns map exactly;
    /// anything else (a block scalar, folded lines) is found by searching the words.
    Scalar {
        line: u32,
        col: u32,
        offset: Option<u32>,
        text: &'m str,
    },
}

/// The text of a file's lines, for placing embedded text (the pipeline's [`FileCtx`], a reader's
/// [`Sink`](super::Sink)).
pub(crate) trait Lines {
    /// The text of 1-based line `n` (empty past the end).
    fn text_of(&mut self, n: usize) -> &str;
}

impl Lines for FileCtx<'_> {
    fn text_of(&mut self, n: usize) -> &str {
        self.line(n)
    }
}

/// Where the character at 1-based (`line`, `col`) of an embedded text is in the file, by the
/// table of its characters' positions (`rows`, one per embedded line); a column past the end of
/// its line is just after the line's last character. `None` when the line is not in the table.
pub(crate) fn table_pos(
    rows: &[Vec<(u32, u32)>],
    line: usize,
    col: usize,
) -> Option<(usize, usize)> {
    let row = line.checked_sub(1).and_then(|l| rows.get(l))?;
    col.checked_sub(1)
        .and_then(|c| row.get(c))
        .copied()
        .or_else(|| row.last().map(|&(l, c)| (l, c + 1)))
        .map(|(l, c)| (l as usize, c as usize))
}

impl PosMap<'_> {
    pub(crate) fn map(&self, ctx: &mut dyn Lines, line: usize, col: usize) -> (usize, usize) {
        match self {
            PosMap::Table(rows) => table_pos(rows, line, col).unwrap_or((0, 0)),
            PosMap::Scalar {
                line: nl,
                col: nc,
                offset,
                text,
            } => {
                if line == 1
                    && let Some(off) = offset
                {
                    return (
                        *nl as usize,
                        (*nc as usize + *off as usize + col).saturating_sub(1),
                    );
                }
                let word: String = text
                    .lines()
                    .nth(line.saturating_sub(1))
                    .unwrap_or("")
                    .chars()
                    .skip(col.saturating_sub(1))
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                if !word.is_empty() {
                    let span = text.lines().count() + 2;
                    for l in *nl as usize..*nl as usize + span {
                        let src = ctx.text_of(l);
                        if let Some(b) = src.find(word.as_str()) {
                            let c = src.get(..b).map_or(0, |s| s.chars().count()) + 1;
                            return (l, c);
                        }
                    }
                }
                (*nl as usize, *nc as usize)
            }
        }
    }
}

/// Every character of `text` with its 1-based line and column.
pub(crate) fn positions(text: &str) -> Vec<(char, u32, u32)> {
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
    chars
}
