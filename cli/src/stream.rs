//! Linting an input too large to hold (a `kubectl get -A -o yaml` of a whole cluster on stdin)
//! in memory that does not grow with it: the input is read line by line, cut into pieces without
//! parsing, and each piece linted with its own lines ([`dockscape::lint_piece`]).
//!
//! Where it is cut, as YAML 1.2 allows: a line that starts at column 0 with `---` or `...`
//! followed by a space, a tab or the line's end is a document marker wherever it stands (it ends
//! a block scalar and is forbidden inside a quoted or plain scalar: `c-forbidden`), so whole
//! documents are gathered into pieces of about [`PIECE_BYTES`]. A `kind: List` document (what
//! `kubectl get -o yaml` prints: `apiVersion: v1`, `items:`, each item at column 0 as `- `, then
//! `kind: List` and `metadata:`) is cut item by item: each item is linted as a document of its
//! own, its `-` blanked so every column stays, its field paths starting with `items[n]`. kubectl
//! writes `kind` after the items, so until the kind is read the items are held (at most
//! [`SPECULATE_BYTES`]); a document that turns out not to be a List is then linted whole, as it
//! is without streaming. One whose items run past that before its kind is read has been linted as
//! a List: an input error says so when its kind turns out to be another.

use std::io::{BufRead, BufReader, Read};

use dockscape::{InputKind, LintError, LintInput, LintOptions, LintPiece, LintReport, Skipped};

use crate::files;

/// Whole documents gathered into one piece, in bytes (and List items into one job of a thread).
const PIECE_BYTES: usize = 1 << 20;
/// The `items` held until a document's `kind` says whether it is a List.
const SPECULATE_BYTES: usize = 8 << 20;
/// The per-document budget, in characters: the core's (a longer document is one input error).
const MAX_DOC_CHARS: usize = 64 * 1024 * 1024;

/// An input to stream: its first bytes (already read) and the rest.
pub struct StreamInput {
    pub name: String,
    pub kind: Option<InputKind>,
    pub head: Vec<u8>,
    pub rest: Box<dyn Read + Send>,
}

/// What to lint, in input order.
enum Piece {
    Text {
        text: String,
        first_line: usize,
        /// The byte offset of its first byte in the decoded input.
        first_byte: usize,
        item: Option<usize>,
    },
    /// An input error of the stream itself (a document over the budget).
    Error(LintError),
}

impl Piece {
    fn len(&self) -> usize {
        match self {
            Piece::Text { text, .. } => text.len(),
            Piece::Error(_) => 64,
        }
    }
}

/// Consecutive pieces one thread lints, and the decoding problems of their lines.
#[derive(Default)]
struct Job {
    pieces: Vec<Piece>,
    problems: Vec<LintError>,
    bytes: usize,
}

/// Whether a line (without its line break) is a document marker: `---` or `...` at column 0,
/// then a space, a tab or nothing.
fn marker(line: &str) -> Option<u8> {
    let b = line.as_bytes();
    let m = match b.get(..3) {
        Some(b"---") => b'-',
        Some(b"...") => b'.',
        _ => return None,
    };
    matches!(b.get(3), None | Some(b' ' | b'\t')).then_some(m)
}

/// A line that holds nothing of a document: blank, a comment, a directive.
fn no_content(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#') || line.starts_with('%')
}

/// The value of a column-0 `kind:` line.
fn kind_of(line: &str) -> Option<&str> {
    let v = line.strip_prefix("kind:")?;
    let v = v.split(" #").next().unwrap_or(v).trim();
    Some(v.trim_matches(|c| c == '"' || c == '\''))
}

/// A column-0 `items:` line (the key alone: its value is the block that follows).
fn items_key(line: &str) -> bool {
    line.strip_prefix("items:")
        .is_some_and(|r| r.trim().is_empty() || r.trim_start().starts_with('#'))
}

/// A column-0 sequence entry `- ...` (or `-` alone).
fn entry(line: &str) -> bool {
    line == "-" || line.starts_with("- ") || line.starts_with("-\t")
}

fn is_list(kind: &str) -> bool {
    kind.ends_with("List")
}

/// What the List being cut is judged to be.
#[derive(PartialEq)]
enum ListKind {
    Unknown,
    List,
    Other,
}

/// A column-0 `items:` block being cut into items.
struct ListCut {
    kind: ListKind,
    /// Seen `items:`, waiting for its first `- ` line.
    started: bool,
    /// The block ended (a column-0 line of the document after it): lines are the trailer.
    ended: bool,
    /// The item being read: text (its `-` blanked at byte `dash`), first line, characters.
    item: String,
    item_first: usize,
    item_first_byte: usize,
    dash: usize,
    item_chars: usize,
    item_over: bool,
    index: usize,
    /// Column-0 comment lines after an item: they go with the next item (a suppression comment
    /// above an item is read with it).
    comments: String,
    comments_first: usize,
    comments_first_byte: usize,
    /// Items read before the kind is known: (text, first line, first byte, index, dash).
    held: Vec<(String, usize, usize, usize, usize)>,
    held_bytes: usize,
    /// Items were handed on before the kind was known (more than [`SPECULATE_BYTES`]).
    blind: bool,
    trailer: String,
}

/// Cuts one input into pieces.
struct Cutter {
    name: String,
    /// Lines read.
    line_no: usize,
    /// Whole documents gathered.
    docs: String,
    docs_first: usize,
    docs_first_byte: usize,
    /// The document being read (with a List: its lines before `items:`).
    doc: String,
    doc_first: usize,
    doc_first_byte: usize,
    /// The byte offset of the current line, and of the line after it.
    line_start: usize,
    next_line_start: usize,
    doc_chars: usize,
    doc_over: bool,
    doc_content: bool,
    /// A document eligible for item cutting: its first content line is a column-0 key.
    doc_keys: bool,
    /// The document's first content line was judged for `doc_keys`.
    judged: bool,
    doc_kind: Option<String>,
    list: Option<ListCut>,
    job: Job,
    jobs: Vec<Job>,
}

fn budget_error(name: &str, line: usize) -> LintError {
    LintError {
        file: name.to_string(),
        line: Some(line),
        column: Some(1),
        message: format!(
            "document is more than {MAX_DOC_CHARS} characters long (the per-document budget); \
             split it into several documents"
        ),
    }
}

impl Cutter {
    fn new(name: &str) -> Self {
        Cutter {
            name: name.to_string(),
            line_no: 0,
            docs: String::new(),
            docs_first: 1,
            docs_first_byte: 0,
            doc: String::new(),
            doc_first: 1,
            doc_first_byte: 0,
            line_start: 0,
            next_line_start: 0,
            doc_chars: 0,
            doc_over: false,
            doc_content: false,
            doc_keys: false,
            judged: false,
            doc_kind: None,
            list: None,
            job: Job::default(),
            jobs: Vec::new(),
        }
    }

    fn push(&mut self, piece: Piece) {
        self.job.bytes += piece.len();
        self.job.pieces.push(piece);
        if self.job.bytes >= PIECE_BYTES {
            self.jobs.push(std::mem::take(&mut self.job));
        }
    }

    fn flush_docs(&mut self) {
        if !self.docs.is_empty() {
            let text = std::mem::take(&mut self.docs);
            let first_line = self.docs_first;
            let first_byte = self.docs_first_byte;
            self.push(Piece::Text {
                text,
                first_line,
                first_byte,
                item: None,
            });
        }
    }

    /// Add a line to the document being read, within the budget.
    fn doc_line(&mut self, line: &str) {
        if self.doc.is_empty() && !self.doc_over {
            self.doc_first = self.line_no;
            self.doc_first_byte = self.line_start;
        }
        self.doc_chars += line.chars().count();
        if self.doc_chars > MAX_DOC_CHARS {
            self.doc_over = true;
            self.doc = String::new();
        } else if !self.doc_over {
            self.doc.push_str(line);
        }
    }

    /// One line of the input, with its line break.
    fn line(&mut self, line: &str) {
        self.line_no += 1;
        self.line_start = self.next_line_start;
        self.next_line_start += line.len();
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(m) = marker(bare) {
            if m == b'.' {
                // `...` ends the document it closes
                if self.list.is_some() {
                    self.end_item();
                    if let Some(list) = self.list.as_mut() {
                        let comments = std::mem::take(&mut list.comments);
                        list.trailer.push_str(&comments);
                        list.trailer.push_str(line);
                    }
                } else {
                    self.doc_line(line);
                }
                self.end_doc();
                return;
            }
            if self.doc_content || self.list.is_some() {
                self.end_doc();
            }
            self.doc_line(line);
            self.doc_content = true;
            // content after `---` on its line (`--- |`): not a mapping of column-0 keys
            let rest = bare.get(3..).unwrap_or("").trim();
            self.judged = !(rest.is_empty() || rest.starts_with('#'));
            return;
        }
        if self.list.is_some() {
            self.list_line(line, bare);
            return;
        }
        if !no_content(bare) {
            self.doc_content = true;
            if !self.judged {
                self.judged = true;
                self.doc_keys = bare.starts_with(|c: char| c.is_ascii_alphabetic() || c == '"')
                    && (bare.contains(": ") || bare.ends_with(':'));
            }
        }
        if let Some(k) = kind_of(bare) {
            self.doc_kind = Some(k.to_string());
        }
        let eligible = self.doc_keys
            && !self.doc_over
            && self.doc_kind.as_deref().is_none_or(is_list)
            && items_key(bare);
        self.doc_line(line);
        if eligible {
            let kind = match self.doc_kind.as_deref() {
                Some(_) => ListKind::List,
                None => ListKind::Unknown,
            };
            // the documents before it go first
            self.flush_docs();
            self.list = Some(ListCut {
                kind,
                started: true,
                ended: false,
                item: String::new(),
                item_first: 0,
                item_first_byte: 0,
                dash: 0,
                item_chars: 0,
                item_over: false,
                index: 0,
                comments: String::new(),
                comments_first: 0,
                comments_first_byte: 0,
                held: Vec::new(),
                held_bytes: 0,
                blind: false,
                trailer: String::new(),
            });
        }
    }

    /// A line inside a List document, after its `items:` line.
    fn list_line(&mut self, line: &str, bare: &str) {
        let no = self.line_no;
        let line_start = self.line_start;
        let Some(list) = self.list.as_mut() else {
            return;
        };
        if list.ended {
            if let Some(k) = kind_of(bare) {
                list.kind = if is_list(k) {
                    ListKind::List
                } else {
                    ListKind::Other
                };
                self.doc_kind = Some(k.to_string());
                self.release();
            }
            if let Some(list) = self.list.as_mut() {
                list.trailer.push_str(line);
            }
            return;
        }
        if list.started && list.item.is_empty() && !list.item_over {
            // between `items:` and the first item
            if no_content(bare) {
                self.doc_line(line);
                return;
            }
            if !entry(bare) {
                // not a column-0 sequence: the document is read whole
                self.list = None;
                self.doc_line(line);
                return;
            }
        }
        if entry(bare) {
            self.end_item();
            let Some(list) = self.list.as_mut() else {
                return;
            };
            list.started = false;
            let comments = std::mem::take(&mut list.comments);
            (list.item_first, list.item_first_byte) = if comments.is_empty() {
                (no, line_start)
            } else {
                (list.comments_first, list.comments_first_byte)
            };
            list.item = comments;
            list.dash = list.item.len();
            list.item.push(' ');
            list.item.push_str(line.get(1..).unwrap_or(""));
            list.item_chars = list.item.chars().count();
            list.item_over = false;
            return;
        }
        if bare.starts_with('#') {
            if list.comments.is_empty() {
                list.comments_first = no;
                list.comments_first_byte = line_start;
            }
            list.comments.push_str(line);
            return;
        }
        if bare.is_empty() || bare.starts_with([' ', '\t']) {
            let comments = std::mem::take(&mut list.comments);
            for l in [comments.as_str(), line] {
                list.item_chars += l.chars().count();
                if list.item_chars > MAX_DOC_CHARS {
                    list.item_over = true;
                    list.item = String::new();
                } else if !list.item_over {
                    list.item.push_str(l);
                }
            }
            return;
        }
        // a column-0 line of the document: the items are over
        self.end_item();
        if let Some(list) = self.list.as_mut() {
            list.ended = true;
            let comments = std::mem::take(&mut list.comments);
            list.trailer.push_str(&comments);
        }
        self.list_line(line, bare);
    }

    /// The item read is complete: hand it on, or hold it while the kind is unknown.
    fn end_item(&mut self) {
        let name = self.name.clone();
        let Some(list) = self.list.as_mut() else {
            return;
        };
        let index = list.index;
        if list.item_over {
            list.item_over = false;
            list.index += 1;
            list.blind = true;
            let e = budget_error(&name, list.item_first);
            self.release();
            self.push(Piece::Error(e));
            return;
        }
        if list.item.is_empty() {
            return;
        }
        list.index += 1;
        let text = std::mem::take(&mut list.item);
        let first = list.item_first;
        let first_byte = list.item_first_byte;
        let dash = list.dash;
        if list.kind == ListKind::Unknown && !list.blind {
            list.held_bytes += text.len();
            list.held.push((text, first, first_byte, index, dash));
            if list.held_bytes > SPECULATE_BYTES {
                list.blind = true;
                self.release();
            }
            return;
        }
        if list.kind == ListKind::Other {
            // judged before the end: the document is read whole at its end
            list.held.push((text, first, first_byte, index, dash));
            return;
        }
        self.push(Piece::Text {
            text,
            first_line: first,
            first_byte,
            item: Some(index),
        });
    }

    /// Hand on the held items as a List's (the kind says List, or there is no room to wait).
    fn release(&mut self) {
        let Some(list) = self.list.as_mut() else {
            return;
        };
        if list.kind == ListKind::Other && !list.blind {
            return;
        }
        let held = std::mem::take(&mut list.held);
        list.held_bytes = 0;
        self.flush_docs();
        for (text, first_line, first_byte, index, _) in held {
            self.push(Piece::Text {
                text,
                first_line,
                first_byte,
                item: Some(index),
            });
        }
    }

    /// The document read is complete.
    fn end_doc(&mut self) {
        if self.list.is_some() {
            self.end_item();
            self.end_list();
        }
        if self.doc_over {
            let e = budget_error(&self.name, self.doc_first);
            self.flush_docs();
            self.push(Piece::Error(e));
        } else if !self.doc.is_empty() {
            if self.docs.is_empty() {
                self.docs_first = self.doc_first;
                self.docs_first_byte = self.doc_first_byte;
            }
            self.docs.push_str(&self.doc);
            if self.docs.len() >= PIECE_BYTES {
                self.flush_docs();
            }
        }
        self.doc = String::new();
        self.doc_chars = 0;
        self.doc_over = false;
        self.doc_content = false;
        self.doc_keys = false;
        self.judged = false;
        self.doc_kind = None;
    }

    /// The end of a document whose `items` were cut.
    fn end_list(&mut self) {
        let Some(mut list) = self.list.take() else {
            return;
        };
        let comments = std::mem::take(&mut list.comments);
        list.trailer.push_str(&comments);
        if list.kind == ListKind::List {
            // the List itself holds nothing a rule reads: its items were linted
            self.doc = String::new();
            self.doc_chars = 0;
            return;
        }
        if list.blind {
            let kind = self.doc_kind.clone().unwrap_or_default();
            self.flush_docs();
            self.push(Piece::Error(LintError {
                file: self.name.clone(),
                line: Some(self.doc_first),
                column: Some(1),
                message: format!(
                    "the `items` of this document ran over {} MiB before its `kind` ({}): they \
                     were linted as the items of a List; write `kind` before `items` to have it \
                     read whole",
                    SPECULATE_BYTES >> 20,
                    if kind.is_empty() { "none" } else { &kind }
                ),
            }));
            self.doc = String::new();
            self.doc_chars = 0;
            return;
        }
        // not a List: the document as it was written, read whole
        for (text, _, _, _, dash) in list.held {
            let mut text = text;
            if text.is_char_boundary(dash) && text.is_char_boundary(dash + 1) {
                text.replace_range(dash..dash + 1, "-");
            }
            self.doc.push_str(&text);
        }
        self.doc.push_str(&list.trailer);
    }

    fn finish(&mut self) {
        self.end_doc();
        self.flush_docs();
        if !self.job.pieces.is_empty() || !self.job.problems.is_empty() {
            self.jobs.push(std::mem::take(&mut self.job));
        }
    }
}

/// What [`read_line`] read.
#[derive(PartialEq)]
enum Read1 {
    Line,
    End,
    /// A line longer than the cap (`/dev/zero`, a binary): reading stops.
    TooLong,
}

/// Read one line (with its `\n`) into `buf`, at most `cap` bytes.
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, cap: usize) -> std::io::Result<Read1> {
    buf.clear();
    loop {
        let avail = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(if buf.is_empty() {
                Read1::End
            } else {
                Read1::Line
            });
        }
        let (take, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        if buf.len() + take > cap {
            return Ok(Read1::TooLong);
        }
        buf.extend_from_slice(avail.get(..take).unwrap_or_default());
        reader.consume(take);
        if done {
            return Ok(Read1::Line);
        }
    }
}

/// Lint one input piece by piece on `threads` threads, handing each part's report to `out` in
/// input order (the last is [`dockscape::lint_pieces_end`]'s); `out` returns false to stop.
pub fn lint(
    input: StreamInput,
    options: &LintOptions,
    threads: usize,
    out: &mut dyn FnMut(LintReport) -> bool,
) {
    let StreamInput {
        name,
        kind,
        head,
        rest,
    } = input;
    let mut reader = BufReader::with_capacity(1 << 16, HeadThen { head, at: 0, rest });
    let mut cutter = Cutter::new(&name);
    let mut buf = Vec::new();
    let mut skips = Skips::default();
    let threads = threads.max(1);
    loop {
        let more = match read_line(&mut reader, &mut buf, MAX_DOC_CHARS + 1) {
            Ok(Read1::Line) => true,
            Ok(Read1::End) => false,
            Ok(Read1::TooLong) => {
                cutter.job.problems.push(LintError {
                    file: name.clone(),
                    line: Some(cutter.line_no + 1),
                    column: Some(1),
                    message: format!(
                        "a line longer than {} MiB (no YAML input holds one): the rest of the \
                         input is not read",
                        MAX_DOC_CHARS >> 20
                    ),
                });
                false
            }
            Err(e) => {
                cutter.job.problems.push(LintError {
                    file: name.clone(),
                    line: None,
                    column: None,
                    message: e.to_string(),
                });
                false
            }
        };
        if more {
            let (text, problems) = decode_line(&buf, cutter.line_no == 0);
            let line_no = cutter.line_no + 1;
            cutter
                .job
                .problems
                .extend(problems.into_iter().map(|p| LintError {
                    file: name.clone(),
                    line: Some(p.line + line_no - 1),
                    column: Some(p.column),
                    message: p.message,
                }));
            cutter.line(&text);
        } else {
            cutter.finish();
        }
        // `threads` jobs at a time (held List items come out as several at once)
        while cutter.jobs.len() >= threads || (!more && !cutter.jobs.is_empty()) {
            let n = threads.min(cutter.jobs.len());
            let jobs: Vec<Job> = cutter.jobs.drain(..n).collect();
            for part in run_jobs(jobs, &name, kind, options) {
                let part = skips.take(part);
                if !out(part) {
                    return;
                }
            }
        }
        if !more {
            break;
        }
    }
    out(dockscape::lint_pieces_end(&name, skips.end(), options));
}

/// The bytes read to decide to stream, then the rest; the first are freed once read.
struct HeadThen {
    head: Vec<u8>,
    at: usize,
    rest: Box<dyn Read + Send>,
}

impl Read for HeadThen {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(left) = self.head.get(self.at..).filter(|l| !l.is_empty()) {
            let n = left.len().min(buf.len());
            if let (Some(to), Some(from)) = (buf.get_mut(..n), left.get(..n)) {
                to.copy_from_slice(from);
            }
            self.at += n;
            if self.at >= self.head.len() {
                self.head = Vec::new();
                self.at = 0;
            }
            return Ok(n);
        }
        self.rest.read(buf)
    }
}

/// The skipped entries of the pieces: an input is skipped only when every piece of it is.
#[derive(Default)]
struct Skips {
    any_linted: bool,
    first: Option<Skipped>,
}

impl Skips {
    fn take(&mut self, mut part: (LintReport, usize)) -> LintReport {
        // a skipped document (`` `TaskRun/x`: … ``, the input itself read) stays where it is
        let (documents, skipped): (Vec<Skipped>, Vec<Skipped>) =
            std::mem::take(&mut part.0.skipped)
                .into_iter()
                .partition(|s| s.reason.starts_with('`'));
        part.0.skipped = documents;
        if skipped.len() < part.1 {
            self.any_linted = true;
        }
        if self.first.is_none() {
            self.first = skipped.into_iter().next();
        }
        part.0
    }

    fn end(self) -> Option<Skipped> {
        if self.any_linted { None } else { self.first }
    }
}

/// Decode one line's bytes: UTF-8, a byte order mark dropped only at the start of the input.
fn decode_line(bytes: &[u8], first: bool) -> (String, Vec<dockscape::DecodeProblem>) {
    // the common case, without a character-by-character pass
    let marked = first && bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    if !marked
        && !bytes.contains(&0)
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        return (text.to_string(), Vec::new());
    }
    if first || !matches!(bytes.first(), Some(0xEF | 0xFE | 0xFF | 0x00)) {
        return dockscape::decode(bytes);
    }
    // a mark-like start inside the input is text: read it as UTF-8 behind a mark of its own
    let mut marked = Vec::with_capacity(bytes.len() + 3);
    marked.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    marked.extend_from_slice(bytes);
    dockscape::decode(&marked)
}

/// Lint the jobs, in parallel, into one report each with how many text pieces it had.
fn run_jobs(
    jobs: Vec<Job>,
    name: &str,
    kind: Option<InputKind>,
    options: &LintOptions,
) -> Vec<(LintReport, usize)> {
    let one = |job: Job| {
        let mut report = dockscape::lint(&[], options);
        let mut texts = 0;
        for piece in job.pieces {
            match piece {
                Piece::Text {
                    text,
                    first_line,
                    first_byte,
                    item,
                } => {
                    texts += 1;
                    let piece = LintPiece {
                        input: LintInput {
                            file: name,
                            text: &text,
                            kind,
                        },
                        first_line,
                        first_byte,
                        item,
                    };
                    report.append(dockscape::lint_piece(&piece, options));
                }
                Piece::Error(e) => report.errors.push(e),
            }
        }
        report.errors.splice(0..0, job.problems);
        (report, texts)
    };
    if jobs.len() <= 1 {
        return jobs.into_iter().map(one).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|job| scope.spawn(move || one(job)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| (dockscape::lint(&[], options), 0))
            })
            .collect()
    })
}

/// Take the inputs to stream out of `files`: those read only in part ([`files::Loaded::stream`])
/// that are YAML documents ([`dockscape::lint_in_pieces`]); any other is read whole, as before
/// (at most [`files::MAX_INPUT_BYTES`]).
pub fn take(
    files: &mut Vec<files::Loaded>,
    kind_of: impl Fn(&str) -> Option<InputKind>,
) -> Vec<StreamInput> {
    let mut out = Vec::new();
    let mut kept = Vec::with_capacity(files.len());
    for mut f in files.drain(..) {
        let Some((head, rest)) = f.stream.take() else {
            kept.push(f);
            continue;
        };
        let kind = kind_of(&f.name);
        // UTF-16 and UTF-32 (by their byte order marks) and NUL bytes are read whole
        let utf8 = !matches!(head.first(), Some(0xFE | 0xFF | 0x00));
        let start = String::from_utf8_lossy(head.get(..head.len().min(1 << 20)).unwrap_or(&head));
        if utf8 && dockscape::lint_in_pieces(&f.name, &start, kind) {
            out.push(StreamInput {
                name: f.name,
                kind,
                head,
                rest,
            });
        } else {
            f.text = files::read_bounded(std::io::Cursor::new(head).chain(rest));
            kept.push(f);
        }
    }
    *files = kept;
    out
}
