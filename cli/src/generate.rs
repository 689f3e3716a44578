//! `dockscape scenarios` and `dockscape generate`.

use crate::EXIT_INPUT;
use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum};
use dockscape::{Format, NoteLevel, Options, Params, Shell};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub(crate) struct ScenariosArgs {
    /// `text` (id and summary per line) or `json` (with every parameter, default and accepted value).
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
dockscape generate dind                                  # the Pod, Compose file, docker run lines and explanation\n  \
dockscape generate dind --format pod | kubectl apply -f -\n  \
dockscape generate dind --set transport=tcp              # the seeds' insecure original, flagged\n  \
dockscape generate dood --set mount=run-dir --format compose\n  \
dockscape generate dind --format gitlab                  # CI recipes: gitlab, github-arc, jenkins, drone, tekton\n  \
dockscape generate dood --format svg > dood.svg          # the topology: svg or mermaid\n  \
dockscape generate windows --set vm=virtualbox --format run --shell powershell\n  \
dockscape generate -f spec.yaml -o out/                  # spec.yaml: `scenario: dind`, then parameters\n\n\
`dockscape scenarios --format json` lists every parameter with its default and accepted values.")]
pub(crate) struct GenerateArgs {
    /// Scenario id (see `dockscape scenarios`); may come from the spec file's `scenario:` key instead.
    scenario: Option<String>,
    /// What to write: pod, compose, run, explain; a CI recipe (gitlab, github-arc, jenkins, drone,
    /// tekton); a topology drawing (mermaid, svg); or all (the first four).
    #[arg(long, default_value = "all", value_parser = PossibleValuesParser::new(format_ids()))]
    format: String,
    /// Set a parameter: `key=value` (repeatable; `env.NAME=value` adds a variable). Overrides `-f`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// A YAML spec file of parameters (with an optional `scenario:` key).
    #[arg(short = 'f', long = "file", value_name = "SPEC.yaml")]
    file: Option<PathBuf>,
    /// Shell the `docker run` lines are quoted for (default: the scenario's, powershell for windows).
    #[arg(long, value_parser = PossibleValuesParser::new(Shell::ALL.map(Shell::id)))]
    shell: Option<String>,
    /// Write one file per format into DIR instead of printing.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    output: Option<PathBuf>,
}

/// `--format` values: every format of the core, and `all` (the four base ones).
fn format_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Format::EVERY.iter().map(|f| f.id()).collect();
    ids.push("all");
    ids
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(EXIT_INPUT)
}

pub(crate) fn scenarios(args: &ScenariosArgs) -> ExitCode {
    let list = dockscape::scenarios();
    let mut out = std::io::stdout().lock();
    let res = match args.format {
        ListFormat::Text => {
            let width = list.iter().map(|s| s.id.len()).max().unwrap_or(0);
            list.iter()
                .try_for_each(|s| writeln!(out, "{:width$}  {}", s.id, s.summary))
        }
        ListFormat::Json => match serde_json::to_string_pretty(list) {
            Ok(j) => writeln!(out, "{j}"),
            Err(e) => return fail(e),
        },
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

pub(crate) fn run(args: &GenerateArgs) -> ExitCode {
    let mut params = Params::new();
    let mut from_file = None;
    if let Some(path) = &args.file {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => return fail(format!("{}: {e}", path.display())),
        };
        match Params::from_yaml(&text) {
            Ok((id, p)) => {
                from_file = id;
                params = p;
            }
            Err(e) => return fail(format!("{}: {e}", path.display())),
        }
    }
    // the project's defaults (`[generate]` of dockscape.toml), below the spec file's and --set
    let config = match crate::config::for_args(None, false, &[]) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    for (k, v) in &config.generate {
        if params.get(k).is_none()
            && let Err(e) = params.set(k, v)
        {
            let file = config
                .path
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string());
            return fail(format!("{file}: `generate.{k}`: {e}"));
        }
    }
    for s in &args.set {
        if let Err(e) = params.set_assignment(s) {
            return fail(format!("--set {s}: {e}"));
        }
    }
    let id = match (&args.scenario, &from_file) {
        (Some(id), _) => id.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => {
            return fail(
                "no scenario: give one (`dockscape generate dind`) or a spec file with `scenario:`; see `dockscape scenarios`",
            );
        }
    };
    let scenario = match dockscape::build_scenario(&id, &params) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let formats: Vec<Format> = if args.format == "all" {
        Format::ALL.to_vec()
    } else {
        match Format::parse(&args.format) {
            Ok(f) => vec![f],
            Err(e) => return fail(e),
        }
    };
    let options = Options {
        shell: args.shell.as_deref().and_then(|s| Shell::parse(s).ok()),
    };
    let mut artifacts = Vec::new();
    for f in formats {
        match dockscape::generate(&scenario, f, &options) {
            Ok(a) => artifacts.push(a),
            // A recipe that does not apply names itself in its message.
            Err(e) if e.kind() == dockscape::ErrorKind::UnsupportedFormat => return fail(e),
            Err(e) => return fail(format!("{}: {e}", f.id())),
        }
    }
    for n in scenario
        .notes
        .iter()
        .filter(|n| n.level == NoteLevel::Warning)
    {
        eprintln!("warning: {}", n.text);
    }
    for a in &artifacts {
        if let Some(n) = &a.notice {
            eprintln!("note: {n}");
        }
    }
    if let Some(dir) = &args.output {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(format!("{}: {e}", dir.display()));
        }
        for a in &artifacts {
            let path = dir.join(&a.file_name);
            if let Err(e) = std::fs::write(&path, &a.text) {
                return fail(format!("{}: {e}", path.display()));
            }
            eprintln!("wrote {}", path.display());
        }
        return ExitCode::SUCCESS;
    }
    let mut out = std::io::stdout().lock();
    let many = artifacts.len() > 1;
    for (i, a) in artifacts.iter().enumerate() {
        let res = (|| {
            if many {
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "==> {} <==", a.file_name)?;
            }
            out.write_all(a.text.as_bytes())
        })();
        match res {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
            Err(e) => return fail(e),
        }
    }
    ExitCode::SUCCESS
}
