//! `dockscape lint`, `dockscape rules`, `dockscape rule`: files, stdin, colours and exit codes
//! around `dockscape::lint`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use dockscape::{InputKind, LintError, LintInput, LintOptions, Severity};

/// Output format of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with a code frame (colour on a terminal).
    Text,
    /// `{ "findings": [...], "workloads": [...], "errors": [...] }`.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...,line=...`).
    Github,
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
  dockscape lint deploy.yaml compose.yaml ci.sh
  kubectl get pods -A -o yaml | dockscape lint -
  dockscape lint --format sarif . > dockscape.sarif
  dockscape lint --select DS001,DS002 --fail-on critical manifests/
  dockscape lint --ignore dind-daemon --input compose docker-compose.override.yml
  dockscape lint Jenkinsfile .gitlab-ci.yml .drone.yml tekton/ values.yaml
  dockscape lint --format svg --workload Pod/default/ci pod.yaml > reach.svg

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 input errors (2 wins).
Suppress with the annotation `dockscape.io/ignore: \"DS001: reason\"` or a comment
`# dockscape: ignore DS001 reason` on the finding's line or the line above.")]
pub struct LintArgs {
    /// Files and directories to lint (directories recursively); `-` reads stdin. Default: `.`
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
    /// The least severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub fail_on: FailOn,
    /// Colour for text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// The workload `--format svg|mermaid` draws (`kind/namespace/name` or `kind/name`, as the
    /// findings name it); needed when the input has several.
    #[arg(long, value_name = "KIND/NAMESPACE/NAME")]
    pub workload: Option<String>,
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

/// A file found, with its text or the reason it could not be read.
struct Loaded {
    name: String,
    text: Result<String, String>,
}

const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "sh"];

fn wanted(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
        || path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            n.ends_with("jenkinsfile") || n == "config.toml"
        })
}

/// Walk a directory (sorted, skipping hidden folders and build output).
fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<LintError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(error(dir, &e.to_string()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if name.starts_with('.') || matches!(name, "target" | "node_modules") {
                continue;
            }
            walk(&p, out, errors);
        } else if wanted(&p) {
            out.push(p);
        }
    }
}

fn error(path: &Path, message: &str) -> LintError {
    LintError {
        file: path.display().to_string(),
        line: None,
        column: None,
        message: message.into(),
    }
}

fn decode(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!("not valid UTF-8 (byte {at})")
    })
}

fn load(paths: &[PathBuf], errors: &mut Vec<LintError>) -> Vec<Loaded> {
    let mut files = Vec::new();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    for p in paths {
        if p.as_os_str() == "-" {
            let mut buf = Vec::new();
            let text = match std::io::stdin().read_to_end(&mut buf) {
                Ok(_) => decode(buf),
                Err(e) => Err(e.to_string()),
            };
            files.push(Loaded {
                name: "-".into(),
                text,
            });
        } else if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, errors);
            for f in found {
                let text = std::fs::read(&f)
                    .map_err(|e| e.to_string())
                    .and_then(decode);
                files.push(Loaded {
                    name: display(&f),
                    text,
                });
            }
        } else {
            let text = std::fs::read(p).map_err(|e| e.to_string()).and_then(decode);
            files.push(Loaded {
                name: display(p),
                text,
            });
        }
    }
    files
}

fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
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

/// `dockscape lint`.
pub fn run_lint(args: &LintArgs) -> ExitCode {
    for sel in args.select.iter().chain(args.ignore.iter()) {
        if !dockscape::selector_is_known(sel) {
            eprintln!("dockscape: unknown rule `{sel}` (see `dockscape rules`)");
            return ExitCode::from(2);
        }
    }
    let mut errors = Vec::new();
    let files = load(&args.paths, &mut errors);
    let kind = args.input.map(|i| match i {
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
    });
    let mut inputs = Vec::new();
    for f in &files {
        match &f.text {
            Ok(text) => inputs.push(LintInput {
                file: &f.name,
                text,
                kind,
            }),
            Err(e) => errors.push(LintError {
                file: f.name.clone(),
                line: None,
                column: None,
                message: e.clone(),
            }),
        }
    }
    let options = LintOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.into(),
        compose_env: None,
    };
    let mut report = dockscape::lint(&inputs, &options);
    report.errors.splice(0..0, errors);
    let text = match args.format {
        Format::Text => report.to_text(use_color(args.color)),
        Format::Json => {
            let mut s = report.to_json();
            s.push('\n');
            s
        }
        Format::Sarif => {
            let mut s = report.to_sarif();
            s.push('\n');
            s
        }
        Format::Github => report.to_github(),
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
    let printed = print(&text);
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    match report.exit_code() {
        0 => ExitCode::SUCCESS,
        1 => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
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
