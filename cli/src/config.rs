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

/// What the command line sets for `lint`; it wins over every configuration file.
#[derive(Debug, Default)]
pub struct Overrides {
    /// `--select` (replaces a file's whole selection, its `ignore` included).
    pub select: Vec<String>,
    /// `--ignore`.
    pub ignore: Vec<String>,
    /// `--fail-on`.
    pub fail_on: Option<Severity>,
}

/// The configurations of one `lint` run, as ruff resolves them: each linted file is governed by
/// the nearest `dockscape.toml` / `.dockscape.toml` in its folder or above it (up to the folder
/// holding `.git`), so `dockscape lint a/ b/` lints each subtree with its own file. `--config FILE`
/// governs every file; `--isolated`, none. Settings are never merged across files: the nearest
/// file is the whole configuration of what it governs.
#[derive(Debug)]
pub struct Configs {
    /// `configs[0]` is the one every file gets with `--config` or `--isolated` (then `fixed`),
    /// else the defaults (no file found).
    configs: Vec<Config>,
    fixed: bool,
    /// A folder (canonical) and the index of the configuration governing it.
    by_dir: std::collections::HashMap<PathBuf, usize>,
    /// A linted file (its display name) or a path given, and the index governing it.
    of: std::collections::HashMap<String, usize>,
    /// The indices in use, in the order they were first used.
    used: Vec<usize>,
}

impl Configs {
    /// The configurations of a run: `--config FILE` for every file, none with `--isolated`, else
    /// each file's nearest.
    pub fn new(explicit: Option<&Path>, isolated: bool) -> Result<Configs, String> {
        let (first, fixed) = match explicit {
            Some(p) if !isolated => (read(p)?, true),
            _ => (Config::default(), isolated),
        };
        Ok(Configs {
            configs: vec![first],
            fixed,
            by_dir: std::collections::HashMap::new(),
            of: std::collections::HashMap::new(),
            used: Vec::new(),
        })
    }

    /// The index of the configuration governing `path` (a file or a folder; `-`, stdin, is
    /// governed by the current folder's), reading a file found for the first time.
    fn index(&mut self, path: &Path) -> Result<usize, String> {
        if self.fixed {
            return Ok(0);
        }
        let path = if path.as_os_str() == "-" {
            Path::new(".")
        } else {
            path
        };
        let Ok(abs) = std::fs::canonicalize(path) else {
            // a path that does not exist is an error of its own (reported by the walk)
            return Ok(0);
        };
        let mut dir = if abs.is_dir() {
            abs.as_path()
        } else {
            match abs.parent() {
                Some(d) => d,
                None => return Ok(0),
            }
        };
        let mut visited: Vec<PathBuf> = Vec::new();
        let found = loop {
            if let Some(&i) = self.by_dir.get(dir) {
                break i;
            }
            visited.push(dir.to_path_buf());
            if let Some(file) = NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file()) {
                let i = match self
                    .configs
                    .iter()
                    .position(|c| c.path.as_deref() == Some(file.as_path()))
                {
                    Some(i) => i,
                    None => {
                        self.configs.push(read(&file)?);
                        self.configs.len() - 1
                    }
                };
                break i;
            }
            if dir.join(".git").exists() {
                break 0;
            }
            match dir.parent() {
                Some(up) => dir = up,
                None => break 0,
            }
        };
        for d in visited {
            self.by_dir.insert(d, found);
        }
        Ok(found)
    }

    /// Find and read the configuration of each file or path named (a configuration file that
    /// cannot be read or is wrong is the error).
    pub fn assign<'n>(&mut self, names: impl IntoIterator<Item = &'n str>) -> Result<(), String> {
        for name in names {
            if self.of.contains_key(name) {
                continue;
            }
            let i = self.index(Path::new(name))?;
            self.of.insert(name.to_string(), i);
            if !self.used.contains(&i) {
                self.used.push(i);
            }
        }
        Ok(())
    }

    /// The configuration governing a file or path given to [`Configs::assign`] (the defaults, or
    /// `--config`'s, for any other).
    pub fn of(&self, name: &str) -> &Config {
        let i = self.of.get(name).copied().unwrap_or(0);
        self.configs.get(i).unwrap_or(&self.configs[0])
    }

    /// The configuration found for one path (`dockscape config PATH`).
    pub fn for_path(&mut self, path: &Path) -> Result<&Config, String> {
        let i = self.index(path)?;
        Ok(self.configs.get(i).unwrap_or(&self.configs[0]))
    }

    fn in_use(&self) -> impl Iterator<Item = &Config> {
        const DEFAULT: &[usize] = &[0];
        let used = if self.used.is_empty() {
            DEFAULT
        } else {
            &self.used[..]
        };
        used.iter().filter_map(|&i| self.configs.get(i))
    }

    /// The (select, ignore) a configuration leaves in force under the command line's.
    fn selection<'c>(c: &'c Config, o: &'c Overrides) -> (&'c [String], &'c [String]) {
        let select = if o.select.is_empty() {
            c.select.as_deref().unwrap_or(&[])
        } else {
            &o.select
        };
        let ignore = if o.select.is_empty() && o.ignore.is_empty() {
            c.ignore.as_deref().unwrap_or(&[])
        } else {
            &o.ignore
        };
        (select, ignore)
    }

    fn enables(selection: (&[String], &[String]), code: &str, name: &str) -> bool {
        let (select, ignore) = selection;
        (select.is_empty() || select.iter().any(|s| selects(s, code, name)))
            && !ignore.iter().any(|s| selects(s, code, name))
    }

    /// Whether the files of the run have different selections (then the run lints with every rule
    /// any of them selects and [`Configs::retain_selected`] drops the rest per file).
    fn mixed(&self, o: &Overrides) -> bool {
        let mut it = self.in_use().map(|c| Self::selection(c, o));
        let first = it.next();
        it.any(|s| Some(s) != first)
    }

    /// The `select` and `ignore` to lint with: the one selection all files share, or the rules
    /// any of them selects.
    pub fn run_selection(&self, o: &Overrides) -> (Vec<String>, Vec<String>) {
        if !self.mixed(o) {
            let (s, i) = self
                .in_use()
                .next()
                .map(|c| Self::selection(c, o))
                .unwrap_or((&[], &[]));
            return (s.to_vec(), i.to_vec());
        }
        let select = dockscape::rules()
            .into_iter()
            .filter(|r| {
                self.in_use()
                    .any(|c| Self::enables(Self::selection(c, o), r.code, r.name))
            })
            .map(|r| r.code.to_string())
            .collect::<Vec<_>>();
        (select, Vec::new())
    }

    /// Drop each finding of a rule its file's configuration does not select (only when files
    /// have different selections: else the run ran exactly the selected rules).
    pub fn retain_selected(&self, report: &mut dockscape::LintReport, o: &Overrides) {
        if !self.mixed(o) {
            return;
        }
        report
            .findings
            .retain(|f| Self::enables(Self::selection(self.of(&f.file), o), f.code, f.name));
    }

    /// The least severity that fails: `--fail-on`, else the file's configuration, else `high`.
    pub fn fail_on(&self, name: &str, o: &Overrides) -> Severity {
        o.fail_on
            .or(self.of(name).fail_on)
            .unwrap_or(Severity::High)
    }

    /// The least `fail_on` of the files in use (what [`dockscape::LintOptions::fail_on`] gets;
    /// [`Configs::exit_code`] judges each finding by its own file's).
    pub fn least_fail_on(&self, o: &Overrides) -> Severity {
        self.in_use()
            .map(|c| o.fail_on.or(c.fail_on).unwrap_or(Severity::High))
            .min()
            .unwrap_or(Severity::High)
    }

    /// 2 on input errors; else 1 when an unsuppressed finding is at or above its own file's
    /// `fail-on`; else 0.
    pub fn exit_code(&self, report: &dockscape::LintReport, o: &Overrides) -> i32 {
        if !report.errors.is_empty() {
            2
        } else if report
            .active()
            .any(|f| f.severity >= self.fail_on(&f.file, o))
        {
            1
        } else {
            0
        }
    }

    /// The baselines of the configurations in use (each applies to the files it governs), in the
    /// order first used, each once.
    pub fn baselines(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = Vec::new();
        for b in self.in_use().filter_map(|c| c.baseline.clone()) {
            if !out.contains(&b) {
                out.push(b);
            }
        }
        out
    }

    /// Apply `baseline` to the findings of the files whose configuration names it (`None`: to
    /// every finding, for `--baseline FILE`).
    pub fn apply_baseline(
        &self,
        report: &mut dockscape::LintReport,
        baseline: &dockscape::Baseline,
        named_by: Option<&Path>,
    ) -> dockscape::BaselineStats {
        let Some(path) = named_by else {
            return report.apply_baseline(baseline);
        };
        // the findings of other files sit out, then go back in their places
        let all = std::mem::take(&mut report.findings);
        let (mine, others): (Vec<_>, Vec<_>) = all
            .into_iter()
            .enumerate()
            .partition(|(_, f)| self.of(&f.file).baseline.as_deref() == Some(path));
        let (at, mine): (Vec<usize>, Vec<_>) = mine.into_iter().unzip();
        report.findings = mine;
        let stats = report.apply_baseline(baseline);
        let mut merged: Vec<(usize, dockscape::Finding)> = at
            .into_iter()
            .zip(std::mem::take(&mut report.findings))
            .chain(others)
            .collect();
        merged.sort_by_key(|(i, _)| *i);
        report.findings = merged.into_iter().map(|(_, f)| f).collect();
        stats
    }
}

/// `dockscape config`: the settings in force and where each came from.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  dockscape config                        the settings of the current folder\n  dockscape config services/api/pod.yaml  the settings `dockscape lint` uses for that file\n  dockscape config --config ci/dockscape.toml"
)]
pub struct ConfigArgs {
    /// The file or folder whose settings to show: the configuration `dockscape lint` uses for
    /// it, its nearest `dockscape.toml` / `.dockscape.toml` walking up to the repository root
    /// (default: the current folder).
    pub path: Option<PathBuf>,
    /// This configuration file instead of the one found.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Print the settings in force.
pub fn run(args: &ConfigArgs) -> std::process::ExitCode {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut configs = match Configs::new(args.config.as_deref(), false) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("dockscape: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let c = match configs.for_path(&path) {
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
