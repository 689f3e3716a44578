//! `dockscape convert`: `docker run` lines into Compose, a Pod or a workload.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use dockscape::{ConvertOptions, ConvertSource, ConvertTarget, convert};

use crate::EXIT_INPUT;

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
dockscape convert run.sh                          # docker run lines -> compose.yaml on stdout\n  \
echo 'docker run -d -p 8080:80 nginx' | dockscape convert -\n  \
dockscape convert --to pod run.sh                 # one Pod per docker run line\n  \
dockscape convert --to cronjob --schedule '0 3 * * *' backup.sh\n  \
dockscape convert --format json run.sh            # {\"outputs\", \"notes\", \"dropped\", \"errors\", \"findings\"}\n  \
dockscape convert -o out/ run.sh                  # one file per output\n\n\
Every flag that is not carried over is printed to stderr with its line, column and reason; the \
outputs are linted and their findings printed too. Reads `docker run` lines only in this version \
(Compose and Kubernetes input are detected and refused with a message).\n\n\
Exit codes: 0 converted, 2 something could not be read (the rest is still converted).")]
pub(crate) struct ConvertArgs {
    /// The input file, or `-` for stdin.
    input: PathBuf,
    /// What to write.
    #[arg(long, value_parser = ["compose", "pod", "deployment", "job", "cronjob"])]
    to: Option<String>,
    /// Force the input kind instead of detecting it.
    #[arg(long, value_parser = ["run", "compose", "k8s"])]
    from: Option<String>,
    /// The CronJob schedule (with `--to cronjob`).
    #[arg(long)]
    schedule: Option<String>,
    /// `text` (the files on stdout, notes and dropped flags on stderr) or `json`.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Write each output into DIR instead of printing.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    output: Option<PathBuf>,
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(EXIT_INPUT)
}

pub(crate) fn run(args: &ConvertArgs) -> ExitCode {
    let name = args.input.display().to_string();
    let mut text = String::new();
    let read = if name == "-" {
        std::io::stdin()
            .take(64 << 20)
            .read_to_string(&mut text)
            .map(|_| ())
    } else {
        std::fs::read_to_string(&args.input).map(|t| text = t)
    };
    if let Err(e) = read {
        return fail(format!("{name}: {e}"));
    }
    let from = match args.from.as_deref().map(ConvertSource::parse).transpose() {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let source = from.unwrap_or_else(|| ConvertSource::detect(&text));
    let target = match args.to.as_deref() {
        Some(t) => match ConvertTarget::parse(t) {
            Ok(t) => t,
            Err(e) => return fail(e),
        },
        None => ConvertTarget::default_for(source),
    };
    let options = ConvertOptions {
        from: Some(source),
        schedule: args.schedule.clone(),
        file: name.clone(),
    };
    let c = match convert(&text, target, &options) {
        Ok(c) => c,
        Err(e) => return fail(format!("{name}: {}", e.message())),
    };
    let code = if c.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INPUT)
    };
    if args.format == "json" {
        match serde_json::to_string_pretty(&c) {
            Ok(j) => println!("{j}"),
            Err(e) => return fail(e),
        }
        return code;
    }
    for e in &c.errors {
        match e.location() {
            Some(l) => eprintln!("error: {name}:{}:{}: {}", l.line, l.column, e.message()),
            None => eprintln!("error: {name}: {}", e.message()),
        }
    }
    for d in &c.dropped {
        eprintln!(
            "dropped: {name}:{}:{}: {}: {}",
            d.line, d.column, d.key_or_flag, d.reason
        );
    }
    for n in &c.notes {
        eprintln!("note: {name}:{}:{}: {}", n.line, n.column, n.message);
    }
    for f in &c.findings {
        eprintln!(
            "lint: {}:{}:{}: {} {} ({}): {} — {}",
            f.file,
            f.line,
            f.column,
            f.code,
            f.name,
            serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            f.message,
            f.help
        );
    }
    if let Some(dir) = &args.output {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(format!("{}: {e}", dir.display()));
        }
        for o in &c.outputs {
            let p = dir.join(&o.file_name);
            if let Err(e) = std::fs::write(&p, &o.text) {
                return fail(format!("{}: {e}", p.display()));
            }
            eprintln!("wrote {}", p.display());
        }
    } else {
        for (k, o) in c.outputs.iter().enumerate() {
            if k > 0 {
                println!("---");
            }
            print!("{}", o.text);
            if !o.text.ends_with('\n') {
                println!();
            }
        }
    }
    code
}
