//! Finding and reading the inputs of `dockscape lint`: the paths named, directories walked with
//! the `ignore` crate (ripgrep's walker: `.gitignore` and `.ignore` respected, `.git/` never
//! entered, hidden folders such as `.github/` walked, symlinks followed with loops detected), each
//! real file read once, in bounded pieces.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use dockscape::{LintError, Skipped};

/// The most one input may hold (the core's per-input budget is the same; reading stops one byte
/// past it, so a `/dev/zero` or a 200 MB stdin costs at most this much memory).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Inputs longer than this (and not a script, a Jenkinsfile or a template) are linted as they
/// are read, document by document and List item by item (`stream.rs`), in memory that does not
/// grow with them; shorter ones are read whole. `DOCKSCAPE_STREAM_ABOVE` (bytes) sets another
/// limit (the tests stream their small inputs with 0).
pub const STREAM_ABOVE: u64 = 8 * 1024 * 1024;

fn stream_above() -> u64 {
    std::env::var("DOCKSCAPE_STREAM_ABOVE")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(STREAM_ABOVE)
}

/// File names the walk reads (any name given on the command line is read).
const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "sh", "bash"];

/// A file found, with its text or the reason it could not be read.
pub struct Loaded {
    pub name: String,
    /// The decoded text and what the decoding found (invalid UTF-8, NUL bytes: each replaced by
    /// U+FFFD so every other position stays right), or why it could not be read.
    pub text: Result<(String, Vec<dockscape::DecodeProblem>), String>,
    /// An input longer than [`STREAM_ABOVE`]: its first bytes and the rest, not read yet (`text`
    /// is then empty).
    pub stream: Option<(Vec<u8>, Box<dyn Read + Send>)>,
}

/// What the paths held.
#[derive(Default)]
pub struct Found {
    pub files: Vec<Loaded>,
    /// Files reached that are not read (FIFOs, sockets, devices, symlink loops).
    pub skipped: Vec<Skipped>,
    /// Files a walk would read but `.gitignore` (or `.ignore`) excludes.
    pub ignored: usize,
    pub errors: Vec<LintError>,
}

fn wanted(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        || path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            n.ends_with("jenkinsfile") || n == "config.toml"
        })
}

fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn error(name: &str, message: impl Into<String>) -> LintError {
    LintError {
        file: name.to_string(),
        line: None,
        column: None,
        message: message.into(),
    }
}

/// Read at most [`MAX_INPUT_BYTES`] (and one byte more, to know), then decode it
/// ([`dockscape::decode`]: UTF-8, or UTF-16/UTF-32 with a byte order mark).
pub fn read_bounded(reader: impl Read) -> Result<(String, Vec<dockscape::DecodeProblem>), String> {
    let mut buf = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "input larger than the {} MiB budget; split it (e.g. one file per object)",
            MAX_INPUT_BYTES >> 20
        ));
    }
    Ok(dockscape::decode(&buf))
}

/// Read an input whole, or its first [`STREAM_ABOVE`] bytes when it is longer.
fn read_input(name: String, mut reader: impl Read + Send + 'static) -> Loaded {
    let above = stream_above();
    if above >= MAX_INPUT_BYTES {
        return Loaded {
            name,
            text: read_bounded(reader),
            stream: None,
        };
    }
    let mut head = Vec::new();
    if let Err(e) = reader.by_ref().take(above + 1).read_to_end(&mut head) {
        return Loaded {
            name,
            text: Err(e.to_string()),
            stream: None,
        };
    }
    if head.len() as u64 > above {
        return Loaded {
            name,
            text: Ok((String::new(), Vec::new())),
            stream: Some((head, Box::new(reader))),
        };
    }
    Loaded {
        name,
        text: Ok(dockscape::decode(&head)),
        stream: None,
    }
}

/// What kind of file, by metadata that follows symlinks.
fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_file() || t.is_dir() {
        None
    } else if t.is_fifo() {
        Some("a FIFO")
    } else if t.is_socket() {
        Some("a socket")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else {
        Some("not a regular file")
    }
}

/// Find and read every input of `paths` (`-` is stdin; none means `.`).
pub fn load(paths: &[PathBuf], no_ignore: bool) -> Found {
    let mut found = Found::default();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut stdin_read = false;
    for p in paths {
        if p.as_os_str() == "-" {
            if stdin_read {
                continue;
            }
            stdin_read = true;
            found.files.push(read_input("-".into(), std::io::stdin()));
            continue;
        }
        let name = display(p);
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                found.errors.push(error(&name, e.to_string()));
                continue;
            }
        };
        if meta.is_dir() {
            walk(p, no_ignore, &mut seen, &mut found);
        } else if let Some(what) = not_regular(&meta) {
            found.errors.push(error(
                &name,
                format!("{what}, not a regular file: not read"),
            ));
        } else {
            read_file(p, name, &mut seen, &mut found);
        }
    }
    found
}

fn read_file(p: &Path, name: String, seen: &mut HashSet<PathBuf>, found: &mut Found) {
    // a file given or reached twice (a symlink, `lint a a/x.yaml`) is read once
    let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if !seen.insert(real) {
        return;
    }
    match File::open(p) {
        Ok(f) => found.files.push(read_input(name, f)),
        Err(e) => found.files.push(Loaded {
            name,
            text: Err(e.to_string()),
            stream: None,
        }),
    }
}

fn builder(dir: &Path, respect_ignores: bool) -> ignore::WalkBuilder {
    let mut b = ignore::WalkBuilder::new(dir);
    b.hidden(false)
        .follow_links(true)
        .git_ignore(respect_ignores)
        .git_exclude(respect_ignores)
        .git_global(false)
        .ignore(respect_ignores)
        .parents(respect_ignores)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            let name = e.file_name().to_string_lossy();
            // `.git/` holds no configuration of the project; build output and dependencies are
            // not the project's own files unless --no-ignore asks for them
            name != ".git"
                && (!respect_ignores || !matches!(name.as_ref(), "node_modules" | "target"))
        });
    b
}

fn walk(dir: &Path, no_ignore: bool, seen: &mut HashSet<PathBuf>, found: &mut Found) {
    let mut walked: HashSet<PathBuf> = HashSet::new();
    for entry in builder(dir, !no_ignore).build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let text = e.to_string();
                if text.contains("loop") {
                    // each real directory is walked once; the loop's link is noted, not followed
                    found.skipped.push(Skipped {
                        file: display(dir),
                        reason: format!("a symlink loop, not followed again ({text})"),
                    });
                } else {
                    found.errors.push(error(&display(dir), text));
                }
                continue;
            }
        };
        let path = entry.path();
        if entry.depth() == 0 || !wanted(path) {
            continue;
        }
        let name = display(path);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => {
                if let Some(what) = not_regular(&meta) {
                    found.skipped.push(Skipped {
                        file: name,
                        reason: format!("{what}, not a regular file: not read"),
                    });
                } else {
                    walked.insert(path.to_path_buf());
                    read_file(path, name, seen, found);
                }
            }
            Err(e) => found.errors.push(error(&name, e.to_string())),
        }
    }
    if !no_ignore {
        // what .gitignore kept out, so the summary can say so
        for entry in builder(dir, false).build().flatten() {
            let path = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file())
                && wanted(path)
                && !walked.contains(path)
            {
                found.ignored += 1;
            }
        }
    }
}
