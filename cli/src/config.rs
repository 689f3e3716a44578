//! Project configuration: `dockscape.toml` (or `.dockscape.toml`), found by walking up from a linted
//! path to the repository root (the folder holding `.git`), as ruff finds `ruff.toml`. `--config FILE`
//! names one, `--isolated` ignores them all. Command-line flags win over the file.
//!
//! ```toml
//! select = ["DS0"]                 # codes, code prefixes or names; ALL
//! ignore = ["DS025"]
//! fail-on = "high"                 # critical, high, medium, low, info
//! exclude = ["vendor/**", "**/testdata/**"]
//! baseline = "dockscape-baseline.json"
//!
//! [per-file-ignores]
//! "legacy/**" = { codes = ["DS001"], reason = "the legacy runners are dedicated nodes" }
//!
//! [input]                          # the input kind of files the detection would not tell
//! "ci/*.yml" = "gitlab"
//!
//! [generate]                       # parameter defaults of `dockscape generate`
//! namespace = "ci"
//! ```

use std::path::{Path, PathBuf};

use dockscape::{InputKind, Severity};
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;

/// The names a configuration file may have, in the order they are looked for in each folder.
pub const NAMES: &[&str] = &["dockscape.toml", ".dockscape.toml"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    per_file_ignores: Option<toml::Table>,
    input: Option<toml::Table>,
    baseline: Option<Spanned<String>>,
    generate: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PerFileIgnore {
    codes: Vec<String>,
    reason: String,
}

/// A glob of the file, relative to the file's folder.
#[derive(Debug)]
pub struct Pattern {
    pub text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    fn matches(&self, root: &Path, path: &Path) -> bool {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let rel = rel.strip_prefix(".").unwrap_or(rel);
        self.matcher.is_match(rel) || path.file_name().is_some_and(|n| self.matcher.is_match(n))
    }
}

/// The settings of one configuration file.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from (`None`: no file).
    pub path: Option<PathBuf>,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub fail_on: Option<Severity>,
    pub exclude: Vec<Pattern>,
    pub per_file_ignores: Vec<(Pattern, Vec<String>, String)>,
    pub input: Vec<(Pattern, InputKind)>,
    pub baseline: Option<PathBuf>,
    pub generate: Vec<(String, String)>,
}

/// 1-based line and column of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn err_at(path: &Path, text: &str, at: usize, msg: impl std::fmt::Display) -> String {
    let (l, c) = line_col(text, at);
    format!("{}:{l}:{c}: {msg}", path.display())
}

fn glob(path: &Path, text: &str, at: usize, g: &str) -> Result<Pattern, String> {
    Glob::new(g)
        .map(|glob| Pattern {
            text: g.to_string(),
            matcher: glob.compile_matcher(),
        })
        .map_err(|e| err_at(path, text, at, format!("bad glob `{g}`: {e}")))
}

/// Where a key of a table is written (for messages about its value).
fn key_at(text: &str, key: &str) -> usize {
    text.find(&format!("\"{key}\""))
        .or_else(|| text.find(key))
        .unwrap_or(0)
}

/// Read one configuration file.
pub fn read(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let msg = e.message().replace('\n', " ");
        err_at(path, &text, at, msg)
    })?;
    let mut c = Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    };
    let selectors = |list: Option<Vec<Spanned<String>>>,
                     key: &str|
     -> Result<Option<Vec<String>>, String> {
        let Some(list) = list else { return Ok(None) };
        let mut out = Vec::new();
        for s in list {
            if !dockscape::selector_is_known(s.get_ref()) {
                return Err(err_at(
                    path,
                    &text,
                    s.span().start,
                    format!(
                        "`{key}`: unknown rule `{}` (codes, code prefixes or names: see `dockscape rules`)",
                        s.get_ref()
                    ),
                ));
            }
            out.push(s.into_inner());
        }
        Ok(Some(out))
    };
    c.select = selectors(file.select, "select")?;
    c.ignore = selectors(file.ignore, "ignore")?;
    if let Some(f) = file.fail_on {
        c.fail_on = Some(f.get_ref().parse::<Severity>().map_err(|_| {
            err_at(
                path,
                &text,
                f.span().start,
                format!(
                    "`fail-on`: unknown severity `{}` (critical, high, medium, low, info)",
                    f.get_ref()
                ),
            )
        })?);
    }
    for g in file.exclude.unwrap_or_default() {
        c.exclude
            .push(glob(path, &text, g.span().start, g.get_ref())?);
    }
    for (g, v) in file.per_file_ignores.unwrap_or_default() {
        let at = key_at(&text, &g);
        let entry: PerFileIgnore = v.try_into().map_err(|e: toml::de::Error| {
            err_at(
                path,
                &text,
                at,
                format!("`per-file-ignores.\"{g}\"`: {} (write `{{ codes = [\"DS001\"], reason = \"why\" }}`)", e.message()),
            )
        })?;
        if entry.reason.trim().is_empty() {
            return Err(err_at(
                path,
                &text,
                at,
                format!(
                    "`per-file-ignores.\"{g}\"`: a reason is required, as for inline suppressions"
                ),
            ));
        }
        for code in &entry.codes {
            if !dockscape::selector_is_known(code) {
                return Err(err_at(
                    path,
                    &text,
                    at,
                    format!("`per-file-ignores.\"{g}\"`: unknown rule `{code}`"),
                ));
            }
        }
        c.per_file_ignores
            .push((glob(path, &text, at, &g)?, entry.codes, entry.reason));
    }
    for (g, v) in file.input.unwrap_or_default() {
        let at = key_at(&text, &g);
        let kind = v
            .as_str()
            .ok_or_else(|| "not a string".to_string())
            .and_then(|s| s.parse::<InputKind>().map_err(|e| e.to_string()))
            .map_err(|e| err_at(path, &text, at, format!("`input.\"{g}\"`: {e}")))?;
        c.input.push((glob(path, &text, at, &g)?, kind));
    }
    if let Some(b) = file.baseline {
        let dir = path.parent().unwrap_or(Path::new("."));
        c.baseline = Some(dir.join(b.get_ref()));
    }
    for (k, v) in file.generate.unwrap_or_default() {
        let value = match v {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(err_at(
                    path,
                    &text,
                    key_at(&text, &k),
                    format!(
                        "`generate.{k}`: a {} is not a parameter value (a string, number or boolean)",
                        other.type_str()
                    ),
                ));
            }
        };
        c.generate.push((k, value));
    }
    Ok(c)
}

/// The configuration file that governs `start` (a file or folder): the nearest `dockscape.toml` or
/// `.dockscape.toml` in it or above it, up to the folder that holds `.git`.
pub fn find(start: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(start).ok()?;
    let mut dir = if abs.is_dir() {
        abs.as_path()
    } else {
        abs.parent()?
    };
    loop {
        for name in NAMES {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        if dir.join(".git").exists() {
            return None;
        }
        dir = dir.parent()?;
    }
}

impl Config {
    /// The folder its globs are relative to.
    pub fn root(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }

    fn canonical(path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }

    /// Whether `path` is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        let root = Self::canonical(&self.root());
        let p = Self::canonical(path);
        self.exclude.iter().any(|g| g.matches(&root, &p))
    }

    /// The input kind the file gives `path`, if any.
    pub fn input_for(&self, path: &Path) -> Option<InputKind> {
        let root = Self::canonical(&self.root());
        let p = Self::canonical(path);
        self.input
            .iter()
            .find(|(g, _)| g.matches(&root, &p))
            .map(|(_, k)| *k)
    }

    /// The per-file ignores that cover `path`: (codes, reason).
    pub fn ignores_for(&self, path: &Path) -> Vec<(&[String], &str)> {
        let root = Self::canonical(&self.root());
        let p = Self::canonical(path);
        self.per_file_ignores
            .iter()
            .filter(|(g, _, _)| g.matches(&root, &p))
            .map(|(_, codes, reason)| (codes.as_slice(), reason.as_str()))
            .collect()
    }
}

/// Whether a selector of the file (a code, a code prefix, a name, `ALL`) names the rule.
pub fn selects(sel: &str, code: &str, name: &str) -> bool {
    let s = sel.trim();
    s.eq_ignore_ascii_case("all")
        || s == name
        || (s.len() >= 2
            && code
                .get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s)))
}

/// The configuration a command runs with: `--config FILE`, none with `--isolated`, else the file
/// found from the first path given (or the current folder).
pub fn for_args(
    explicit: Option<&Path>,
    isolated: bool,
    paths: &[PathBuf],
) -> Result<Config, String> {
    if isolated {
        return Ok(Config::default());
    }
    if let Some(p) = explicit {
        return read(p);
    }
    let start = paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    match find(&start) {
        Some(p) => read(&p),
        None => Ok(Config::default()),
    }
}

/// `dockscape config`: the settings in force and where each came from.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  dockscape config\n  dockscape config k8s/\n  dockscape config --config ci/dockscape.toml"
)]
pub struct ConfigArgs {
    /// The path whose settings to show (default: the current folder).
    pub path: Option<PathBuf>,
    /// This configuration file instead of the one found.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Print the settings in force.
pub fn run(args: &ConfigArgs) -> std::process::ExitCode {
    let paths: Vec<PathBuf> = args.path.iter().cloned().collect();
    let c = match for_args(args.config.as_deref(), false, &paths) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("dockscape: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let from = c
        .path
        .as_ref()
        .map_or("default".to_string(), |p| p.display().to_string());
    let src = |set: bool| if set { from.as_str() } else { "default" };
    let list = |v: &[String]| {
        format!(
            "[{}]",
            v.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut out = String::new();
    match &c.path {
        Some(p) => out.push_str(&format!("# configuration file: {}\n", p.display())),
        None => out.push_str("# no configuration file found (dockscape.toml or .dockscape.toml, up to the repository root)\n"),
    }
    out.push_str(&format!(
        "select = {}  # {}\n",
        list(c.select.as_deref().unwrap_or(&[])),
        src(c.select.is_some())
    ));
    out.push_str(&format!(
        "ignore = {}  # {}\n",
        list(c.ignore.as_deref().unwrap_or(&[])),
        src(c.ignore.is_some())
    ));
    out.push_str(&format!(
        "fail-on = \"{}\"  # {}\n",
        c.fail_on.unwrap_or(Severity::High),
        src(c.fail_on.is_some())
    ));
    let globs: Vec<String> = c.exclude.iter().map(|g| g.text.clone()).collect();
    out.push_str(&format!(
        "exclude = {}  # {}\n",
        list(&globs),
        src(!globs.is_empty())
    ));
    out.push_str(&format!(
        "baseline = {}  # {}\n",
        c.baseline
            .as_ref()
            .map_or("none".into(), |p| format!("{:?}", p.display().to_string())),
        src(c.baseline.is_some())
    ));
    for (g, codes, reason) in &c.per_file_ignores {
        out.push_str(&format!(
            "per-file-ignores.{:?} = {} ({reason})  # {from}\n",
            g.text,
            list(codes)
        ));
    }
    for (g, k) in &c.input {
        out.push_str(&format!(
            "input.{:?} = {:?}  # {from}\n",
            g.text,
            k.as_str()
        ));
    }
    for (k, v) in &c.generate {
        out.push_str(&format!("generate.{k} = {v:?}  # {from}\n"));
    }
    print!("{out}");
    std::process::ExitCode::SUCCESS
}
