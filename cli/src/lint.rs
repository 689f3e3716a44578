//! `dockscape lint`, `dockscape rules`, `dockscape rule`: files, stdin, colours and exit codes
//! around `dockscape::lint`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use dockscape::{InputKind, LintError, LintInput, LintOptions, Severity};

use crate::{config, files, stream};

/// Output format of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with a code frame (colour on a terminal).
    Text,
    /// `{ "findings": [...], "workloads": [...], "errors": [...] }`.
    Json,
    /// JSON Lines: one object a line per finding, workload, input error and skipped input, each
    /// with its `type`.
    Jsonl,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...,line=...`).
    Github,
    /// JUnit XML (Jenkins' JUnit plugin, GitLab test reports): a test case per rule and file.
    Junit,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality:`).
    Codequality,
    /// A diagram (SVG) of what one workload reaches, rule codes on the offending edges.
    Svg,
    /// The same diagram as Mermaid text.
    Mermaid,
}

/// Input kind forced with `--input`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Input {
    /// Kubernetes manifests (YAML or JSON).
    K8s,
    /// A Compose file.
    Compose,
    /// Shell text with `docker run` / `docker create` lines.
    Run,
    /// Tekton Task, TaskRun, Pipeline, PipelineRun.
    Tekton,
    /// actions-runner-controller runner scale set Helm values.
    GithubArc,
    /// A Jenkinsfile (the Pods of its `podTemplate` / `yaml` strings).
    Jenkins,
    /// `.gitlab-ci.yml`.
    Gitlab,
    /// `.drone.yml`.
    Drone,
    /// A GitLab runner's `config.toml`.
    GitlabRunner,
    /// A GitHub Actions workflow.
    GithubActions,
}

impl Input {
    /// The core's input kind.
    pub fn kind(self) -> InputKind {
        match self {
            Input::K8s => InputKind::Kubernetes,
            Input::Compose => InputKind::Compose,
            Input::Run => InputKind::Run,
            Input::Tekton => InputKind::Tekton,
            Input::GithubArc => InputKind::GithubArc,
            Input::Jenkins => InputKind::Jenkins,
            Input::Gitlab => InputKind::Gitlab,
            Input::Drone => InputKind::Drone,
            Input::GitlabRunner => InputKind::GitlabRunner,
            Input::GithubActions => InputKind::GithubActions,
        }
    }
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Fail level for `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only critical findings fail.
    Critical,
    /// High and critical (the default).
    High,
    /// Medium and above.
    Medium,
    /// Low and above.
    Low,
    /// Any finding.
    Info,
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
            FailOn::Info => Severity::Info,
        }
    }
}

/// Lint Kubernetes manifests, Compose files and `docker run` lines for Docker host exposure.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  dockscape lint k8s/                          every *.yaml, *.yml, *.json, *.sh below k8s/
  dockscape lint .                             .github/, .gitlab-ci.yml, .drone.yml too; .gitignore respected
  dockscape lint --no-ignore .                 ignored files too
  dockscape lint --format junit -o dockscape-junit.xml .        Jenkins / GitLab test reports
  dockscape lint --format codequality -o gl-code-quality.json .  GitLab merge request widget
  dockscape lint --statistics .                count per rule
  dockscape lint --write-baseline dockscape-baseline.json .   accept today's findings
  dockscape lint --baseline dockscape-baseline.json .         report only new ones
  dockscape lint --isolated .                  ignore dockscape.toml
  dockscape lint services/a services/b         each file with its nearest dockscape.toml
  dockscape lint --exit-zero --format sarif -o dockscape.sarif .  report, never fail the job
  dockscape lint deploy.yaml compose.yaml ci.sh
  kubectl get pods -A -o yaml | dockscape lint -
  kubectl get all -A -o yaml | dockscape lint --format jsonl -   a whole cluster, streamed
  dockscape lint --format sarif . > dockscape.sarif
  dockscape lint --select DS001,DS002 --fail-on critical manifests/
  dockscape lint --ignore dind-daemon --input compose docker-compose.override.yml
  dockscape lint Jenkinsfile .gitlab-ci.yml .drone.yml tekton/ values.yaml
  dockscape lint --format svg --workload Pod/default/ci pod.yaml > reach.svg
  dockscape lint --fix k8s/                    apply the safe fixes in place, report what remains
  dockscape lint --diff --unsafe-fixes pod.yaml   every fix as a unified diff, nothing written
  dockscape lint --check .                     exit 1 when a fix is pending

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 input errors (2 wins).
Suppress with the annotation `dockscape.io/ignore: \"DS001: reason\"` or a comment
`# dockscape: ignore DS001 reason` on the finding's line or the line above.")]
pub struct LintArgs {
    /// Files and directories to lint (directories recursively); `-` reads stdin. Default: `.`
    /// An input over 8 MiB is linted as it is read, document by document and `kind: List` item by
    /// item, in bounded memory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Treat every input as this kind instead of detecting it.
    #[arg(long, value_enum)]
    pub input: Option<Input>,
    /// Only these rules (codes, code prefixes or names; comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Not these rules (codes, code prefixes or names; comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// The least severity that makes the exit code 1 [default: high, or each file's configuration's].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The configuration file for every file linted (default: each file's nearest
    /// `dockscape.toml` / `.dockscape.toml`, walking up to the repository root, as ruff does).
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// Report only findings not in this baseline (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings as the baseline in FILE, and exit 0 (2 on input errors).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Colour for text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Write the report to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Text output: the summary line only (no code frames).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Text output: a count per rule (code, name, severity, count) instead of each finding.
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when findings are at or above --fail-on (input errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Compose variables from this file (repeatable; as `docker compose --env-file`). Without it,
    /// the `.env` beside the first path is read, as Compose reads it.
    #[arg(long, value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
    /// Take Compose variables from this process's environment too (then a variable set nowhere is
    /// unset, not unknown). Without it, a variable no `.env` sets is judged both unset and set.
    #[arg(long)]
    pub env_from_process: bool,
    /// Lint files that `.gitignore` / `.ignore` exclude too (and `node_modules/`, `target/`).
    #[arg(long)]
    pub no_ignore: bool,
    /// Lint on N threads (default: the number of cores). The report is the same on any number:
    /// files are split into runs of consecutive files and the runs' reports joined in order.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// The workload `--format svg|mermaid` draws (`kind/namespace/name` or `kind/name`, as the
    /// findings name it); needed when the input has several.
    #[arg(long, value_name = "KIND/NAMESPACE/NAME")]
    pub workload: Option<String>,
    /// Apply the safe fixes of the findings in place (Kubernetes and Compose files; a temporary
    /// file beside each, then renamed, permissions kept), then report what remains and `Fixed N
    /// findings (M remaining)`. Exit 1 when findings remain at or above --fail-on.
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,
    /// With --fix, --diff or --check: the unsafe fixes too (they can change what the workload
    /// does, e.g. a host path made read-only; see each rule's page).
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 when one is pending.
    #[arg(long, help_heading = "Fixes", conflicts_with = "check")]
    pub diff: bool,
    /// Change nothing; exit 1 when a fix is pending (or findings remain at or above --fail-on).
    #[arg(long, help_heading = "Fixes")]
    pub check: bool,
}

/// List every rule: code, severity, name and summary.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `text` (a table) or `json`.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

/// Output format of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// A table.
    Text,
    /// A JSON array.
    Json,
}

/// Print one rule's page (Markdown).
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  dockscape rule DS001\n  dockscape rule runtime-socket-mount")]
pub struct RuleArgs {
    /// A code (`DS001`) or a name (`runtime-socket-mount`).
    pub rule: String,
}

fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn print(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // a closed pipe (`| head`) is not an error worth a message
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dockscape: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

/// The number of cores this process may use (1 when unknown).
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// `dockscape::lint` of `inputs` on `threads` threads, the same report as one thread gives.
///
/// The inputs are cut into runs of consecutive inputs, small enough that a thread finishing early
/// takes the next run (one large file among many small ones does not leave a core idle); each run
/// is linted on its own and the reports are appended in input order
/// ([`dockscape::LintReport::append`]).
pub fn lint_parallel(
    inputs: &[LintInput<'_>],
    options: &LintOptions,
    threads: usize,
) -> dockscape::LintReport {
    let threads = threads.clamp(1, inputs.len().max(1));
    if threads == 1 {
        return dockscape::lint(inputs, options);
    }
    // about 8 runs per thread, by bytes: a run ends once it holds its share of the text
    let total: usize = inputs.iter().map(|i| i.text.len() + 64).sum();
    let share = total / (threads * 8) + 1;
    let mut runs: Vec<&[LintInput<'_>]> = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, input) in inputs.iter().enumerate() {
        bytes += input.text.len() + 64;
        if bytes >= share {
            runs.push(inputs.get(start..=i).unwrap_or_default());
            start = i + 1;
            bytes = 0;
        }
    }
    if start < inputs.len() {
        runs.push(inputs.get(start..).unwrap_or_default());
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done: Vec<std::sync::Mutex<Option<dockscape::LintReport>>> =
        runs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let (Some(run), Some(slot)) = (runs.get(n), done.get(n)) else {
                        break;
                    };
                    let report = dockscape::lint(run, options);
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(report);
                    }
                }
            });
        }
    });
    let mut report = dockscape::lint(&[], options);
    for slot in done {
        let part = slot.into_inner().ok().flatten();
        report.append(part.unwrap_or_else(|| dockscape::lint(&[], options)));
    }
    report
}

/// The command line's rule selection and fail level, and the configuration files; `Err` for an
/// unknown rule or an unreadable configuration.
pub(crate) fn settings(args: &LintArgs) -> Result<(config::Overrides, config::Configs), String> {
    if let Some(sel) = args
        .select
        .iter()
        .chain(args.ignore.iter())
        .find(|s| !dockscape::selector_is_known(s))
    {
        return Err(format!("unknown rule `{sel}` (see `dockscape rules`)"));
    }
    let overrides = config::Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.map(Severity::from),
    };
    let configs = config::Configs::new(args.config.as_deref(), args.isolated)?;
    Ok((overrides, configs))
}

/// `dockscape lint`.
pub fn run_lint(args: &LintArgs) -> ExitCode {
    if crate::fix::wanted(args) {
        return crate::fix::run(args);
    }
    let (overrides, mut configs) = match settings(args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dockscape: {e}");
            return ExitCode::from(2);
        }
    };
    let found = files::load(&args.paths, args.no_ignore);
    // each file is governed by its nearest dockscape.toml (each path named too, for its baseline)
    let named =
        (args.paths.iter().filter_map(|p| p.to_str())).chain(args.paths.is_empty().then_some("."));
    if let Err(e) = configs.assign(found.files.iter().map(|f| f.name.as_str()).chain(named)) {
        eprintln!("dockscape: {e}");
        return ExitCode::from(2);
    }
    let mut errors = found.errors;
    let mut files: Vec<files::Loaded> = found
        .files
        .into_iter()
        .filter(|f| f.name == "-" || !configs.of(&f.name).excludes(Path::new(&f.name)))
        .collect();
    let kind = args.input.map(Input::kind);
    // inputs too long to hold are linted as they are read, after the others
    let streams = stream::take(&mut files, |name| {
        kind.or_else(|| configs.of(name).input_for(Path::new(name)))
    });
    let mut inputs = Vec::new();
    for f in &files {
        match &f.text {
            Ok((text, problems)) => {
                errors.extend(problems.iter().map(|p| LintError {
                    file: f.name.clone(),
                    line: Some(p.line),
                    column: Some(p.column),
                    message: p.message.clone(),
                }));
                inputs.push(LintInput {
                    file: &f.name,
                    text,
                    kind: kind.or_else(|| configs.of(&f.name).input_for(Path::new(&f.name))),
                });
            }
            Err(e) => errors.push(LintError {
                file: f.name.clone(),
                line: None,
                column: None,
                message: e.clone(),
            }),
        }
    }
    let (compose_env, env_errors) = compose_env(args);
    // command-line flags win over the files (fields the core adds later keep their defaults)
    let (select, ignore) = configs.run_selection(&overrides);
    #[allow(clippy::needless_update)]
    let options = LintOptions {
        select,
        ignore,
        fail_on: configs.least_fail_on(&overrides),
        compose_env,
    };
    let threads = args.threads.map_or_else(default_threads, usize::from);
    let mut report = lint_parallel(&inputs, &options, threads);
    configs.retain_selected(&mut report, &overrides);
    errors.extend(env_errors);
    report.errors.splice(0..0, errors);
    report.skipped.splice(0..0, found.skipped);
    per_file_ignores(&configs, &mut report);
    if !streams.is_empty() {
        let as_read = matches!(args.format, Format::Text | Format::Github | Format::Jsonl)
            && !args.statistics
            && args.baseline.is_none()
            && args.write_baseline.is_none()
            && configs.baselines().is_empty();
        if as_read {
            return write_as_read(
                args,
                &configs,
                &overrides,
                report,
                streams,
                &options,
                threads,
                found.ignored,
            );
        }
        // the other formats (and baselines, statistics) collect every report
        for s in streams {
            stream::lint(s, &options, threads, &mut |mut part| {
                configs.retain_selected(&mut part, &overrides);
                per_file_ignores(&configs, &mut part);
                report.append(part);
                true
            });
        }
    }
    if let Some(path) = &args.write_baseline {
        let mut json = serde_json::to_string_pretty(&report.baseline()).unwrap_or_default();
        json.push('\n');
        if let Err(e) = std::fs::write(path, json) {
            eprintln!("dockscape: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        let n = report.active().count();
        eprintln!(
            "dockscape: wrote {n} finding{} to the baseline {}",
            if n == 1 { "" } else { "s" },
            path.display()
        );
        return if report.errors.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }
    // --baseline covers every file; else each configuration's baseline covers the files it governs
    let baselines: Vec<(PathBuf, bool)> = match &args.baseline {
        Some(p) => vec![(p.clone(), false)],
        None => configs.baselines().into_iter().map(|p| (p, true)).collect(),
    };
    for (path, from_config) in baselines {
        let baseline = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str::<dockscape::Baseline>(&t).map_err(|e| e.to_string())
            });
        match baseline {
            Ok(b) if b.version == dockscape::BASELINE_VERSION => {
                let named_by = from_config.then_some(path.as_path());
                let stats = configs.apply_baseline(&mut report, &b, named_by);
                eprintln!(
                    "dockscape: {} finding{} in the baseline {}, {} baseline {} no longer {}{}",
                    stats.baselined,
                    if stats.baselined == 1 { "" } else { "s" },
                    path.display(),
                    stats.stale,
                    if stats.stale == 1 { "entry" } else { "entries" },
                    if stats.stale == 1 { "matches" } else { "match" },
                    if stats.stale > 0 {
                        " (--write-baseline shrinks it)"
                    } else {
                        ""
                    }
                );
            }
            Ok(b) => {
                eprintln!(
                    "dockscape: {}: baseline version {} (this dockscape reads version {})",
                    path.display(),
                    b.version,
                    dockscape::BASELINE_VERSION
                );
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("dockscape: {}: not a baseline: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    let text = match args.format {
        Format::Text => {
            let color = use_color(args.color) && args.output_file.is_none();
            let mut s = if args.statistics {
                statistics(&report)
            } else {
                report.to_text(color)
            };
            if args.quiet || args.statistics {
                // the summary line only (statistics keep their table)
                let last = report.summary();
                if args.quiet && !args.statistics {
                    s = String::new();
                }
                s.push_str(&last);
                s.push('\n');
            }
            if found.ignored > 0 {
                let n = found.ignored;
                s.truncate(s.trim_end_matches('\n').len());
                s.push_str(&format!(
                    ", {n} file{} ignored by .gitignore (--no-ignore lints them)\n",
                    if n == 1 { "" } else { "s" }
                ));
            }
            s
        }
        Format::Json => {
            let mut s = report.to_json();
            s.push('\n');
            s
        }
        Format::Jsonl => report.to_jsonl(),
        Format::Sarif => {
            // the linted texts give the fixes text regions
            let mut s = report.to_sarif_with_sources(&inputs);
            s.push('\n');
            s
        }
        Format::Github => report.to_github(),
        Format::Junit => report.to_junit(),
        Format::Codequality => {
            let mut s = report.to_codequality();
            s.push('\n');
            s
        }
        Format::Svg | Format::Mermaid => {
            if !report.errors.is_empty() {
                for e in &report.errors {
                    eprintln!("dockscape: {e}");
                }
                return ExitCode::from(2);
            }
            let drawn = report.diagram(args.workload.as_deref()).and_then(|g| {
                if args.format == Format::Svg {
                    dockscape::render_svg(&g)
                } else {
                    dockscape::render_mermaid(&g)
                }
            });
            match drawn {
                Ok(mut s) => {
                    if !s.ends_with('\n') {
                        s.push('\n');
                    }
                    s
                }
                Err(e) => {
                    eprintln!("dockscape: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let printed = match &args.output_file {
        Some(path) => match std::fs::write(path, text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("dockscape: cannot write {}: {e}", path.display());
                ExitCode::from(2)
            }
        },
        None => print(&text),
    };
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    match configs.exit_code(&report, &overrides) {
        0 => ExitCode::SUCCESS,
        1 if args.exit_zero => ExitCode::SUCCESS,
        1 => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
}

/// The Compose variables `lint` knows (`--env-from-process`, `--env-file`, else the `.env` beside
/// the first path, as Compose reads it), and the errors of the files it could not read. `None`
/// when there are none: every variable is then unknown.
pub(crate) fn compose_env(args: &LintArgs) -> (Option<dockscape::ComposeEnv>, Vec<LintError>) {
    let mut env_errors = Vec::new();
    let mut env = dockscape::ComposeEnv::new();
    if args.env_from_process {
        for (k, v) in std::env::vars() {
            env.set(k, v);
        }
        env.set_complete(true);
    }
    let files: Vec<PathBuf> = if args.env_file.is_empty() {
        let first = args
            .paths
            .iter()
            .find(|p| p.as_os_str() != "-")
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let dir = if first.is_dir() {
            first
        } else {
            first.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let dotenv = if dir.as_os_str().is_empty() {
            PathBuf::from(".env")
        } else {
            dir.join(".env")
        };
        dotenv.is_file().then_some(dotenv).into_iter().collect()
    } else {
        args.env_file.clone()
    };
    for f in &files {
        match std::fs::read_to_string(f) {
            Ok(text) => {
                if let Err(e) = env.add_dotenv(&text) {
                    env_errors.push(LintError {
                        file: f.display().to_string(),
                        line: Some(e.line),
                        column: None,
                        message: e.message.clone(),
                    });
                }
            }
            Err(e) => env_errors.push(LintError {
                file: f.display().to_string(),
                line: None,
                column: None,
                message: e.to_string(),
            }),
        }
    }
    (
        (args.env_from_process || !files.is_empty()).then_some(env),
        env_errors,
    )
}

/// Mark the findings each file's configuration ignores (`per-file-ignores`) as suppressed, with
/// its reason (a suppressed finding offers no fix).
pub(crate) fn per_file_ignores(configs: &config::Configs, report: &mut dockscape::LintReport) {
    for f in report
        .findings
        .iter_mut()
        .filter(|f| f.suppressed.is_none())
    {
        let covered = configs
            .of(&f.file)
            .ignores_for(Path::new(&f.file))
            .into_iter()
            .find(|(codes, _)| codes.iter().any(|c| config::selects(c, f.code, f.name)));
        if let Some((_, reason)) = covered {
            f.suppressed = Some(reason.to_string());
            f.fix = None;
        }
    }
}

/// Text, GitHub and JSONL output with streamed inputs: the report of the inputs read whole, then
/// each part of each stream as it is linted, then (text) the summary of them all.
#[allow(clippy::too_many_arguments)]
fn write_as_read(
    args: &LintArgs,
    configs: &config::Configs,
    overrides: &config::Overrides,
    report: dockscape::LintReport,
    streams: Vec<stream::StreamInput>,
    options: &LintOptions,
    threads: usize,
    ignored: usize,
) -> ExitCode {
    let mut out: Box<dyn Write> = match &args.output_file {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("dockscape: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let color = use_color(args.color) && args.output_file.is_none();
    let mut totals = dockscape::ReportTotals::default();
    let mut code = 0;
    let mut failed: Option<std::io::Error> = None;
    let mut emit = |part: &dockscape::LintReport| {
        totals.add(part);
        code = code.max(configs.exit_code(part, overrides));
        let text = match args.format {
            Format::Github => part.to_github(),
            Format::Jsonl => part.to_jsonl(),
            _ if args.quiet => String::new(),
            // the summary line is written once, at the end
            _ => {
                let mut t = part.to_text(color);
                t.truncate(t.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1));
                t
            }
        };
        // each part is out as soon as it is linted
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    };
    let mut going = emit(&report);
    drop(report);
    for s in streams {
        if !going {
            break;
        }
        stream::lint(s, options, threads, &mut |mut part| {
            configs.retain_selected(&mut part, overrides);
            per_file_ignores(configs, &mut part);
            going = emit(&part);
            going
        });
    }
    if failed.is_none() && args.format == Format::Text {
        let mut s = totals.summary();
        if ignored > 0 {
            s.push_str(&format!(
                ", {ignored} file{} ignored by .gitignore (--no-ignore lints them)",
                if ignored == 1 { "" } else { "s" }
            ));
        }
        s.push('\n');
        if let Err(e) = out.write_all(s.as_bytes()) {
            failed = Some(e);
        }
    }
    if failed.is_none()
        && let Err(e) = out.flush()
    {
        failed = Some(e);
    }
    match failed {
        // a closed pipe (`| head`) is not an error worth a message
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Some(e) => {
            eprintln!("dockscape: cannot write output: {e}");
            ExitCode::from(2)
        }
        None => match code {
            0 => ExitCode::SUCCESS,
            1 if args.exit_zero => ExitCode::SUCCESS,
            1 => ExitCode::from(1),
            _ => ExitCode::from(2),
        },
    }
}

/// The findings counted per rule, as ruff's `--statistics` prints them: count, code, name,
/// severity, most first.
fn statistics(report: &dockscape::LintReport) -> String {
    let mut counts: Vec<(usize, &str, &str, Severity)> = Vec::new();
    for f in report.active() {
        match counts.iter_mut().find(|c| c.1 == f.code) {
            Some(c) => c.0 += 1,
            None => counts.push((1, f.code, f.name, f.severity)),
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let width = counts
        .iter()
        .map(|c| c.0.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (n, code, name, sev) in counts {
        out.push_str(&format!("{n:>width$}  {code}  {name} [{sev}]\n"));
    }
    out
}

/// `dockscape rules`.
pub fn run_rules(args: &RulesArgs) -> ExitCode {
    let rules = dockscape::rules();
    let text = match args.format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code, "name": r.name, "severity": r.severity,
                        "summary": r.summary, "help": r.help, "help_uri": r.help_uri,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Text => {
            let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(4);
            let mut s = format!(
                "{:<6} {:<8} {:<width$} summary\n",
                "code", "severity", "name"
            );
            for r in &rules {
                s.push_str(&format!(
                    "{:<6} {:<8} {:<width$} {}\n",
                    r.code,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                ));
            }
            s
        }
    };
    print(&text)
}

/// `dockscape rule`.
pub fn run_rule(args: &RuleArgs) -> ExitCode {
    match dockscape::rule(&args.rule) {
        Some(r) => print(&r.docs),
        None => {
            eprintln!("dockscape: no rule `{}` (see `dockscape rules`)", args.rule);
            ExitCode::from(2)
        }
    }
}
