//! `dockscape convert`: `docker run` lines, Compose files and Kubernetes objects into each other.

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
dockscape convert compose.yaml                    # Compose -> one Pod per service (+ a Service for published ports)\n  \
dockscape convert --pod web=app,proxy compose.yaml  # the two services in one Pod\n  \
dockscape convert --to run --shell powershell compose.yaml\n  \
kubectl get deploy web -o yaml | dockscape convert -   # Kubernetes -> compose.yaml\n  \
dockscape convert --format json run.sh            # {\"outputs\", \"notes\", \"dropped\", \"errors\", \"findings\"}\n  \
dockscape convert -o out/ run.sh                  # one file per output\n\n\
The input kind is detected (`--from` forces it); the default target is the next natural form: \
docker run -> Compose, Compose -> Pod, Kubernetes -> Compose. Every flag or key that is not carried \
over is printed to stderr with its line, column and reason; the outputs are linted and their \
findings printed too. Compose variables come from the `.env` beside the file (or --env-file).\n\n\
Exit codes: 0 converted, 2 something could not be read (the rest is still converted).")]
pub(crate) struct ConvertArgs {
    /// The input file, or `-` for stdin.
    input: PathBuf,
    /// What to write.
    #[arg(long, value_parser = ["compose", "run", "pod", "deployment", "job", "cronjob"])]
    to: Option<String>,
    /// The shell `--to run` writes for.
    #[arg(long, value_parser = ["sh", "powershell", "cmd", "gitbash"])]
    shell: Option<String>,
    /// Group Compose services into one Pod: `NAME=svc,svc` (repeatable).
    #[arg(long, value_name = "NAME=SVC,SVC")]
    pod: Vec<String>,
    /// Compose variables from this file (repeatable). Without it, the `.env` beside the input is read.
    #[arg(long, value_name = "FILE")]
    env_file: Vec<PathBuf>,
    /// Take Compose variables from this process's environment too.
    #[arg(long)]
    env_from_process: bool,
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
    let shell = match args
        .shell
        .as_deref()
        .map(dockscape::Shell::parse)
        .transpose()
    {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let mut pods = Vec::new();
    for p in &args.pod {
        let Some((pod, members)) = p.split_once('=') else {
            return fail(format!("--pod {p}: expected NAME=svc,svc"));
        };
        pods.push((
            pod.to_owned(),
            members.split(',').map(str::to_owned).collect(),
        ));
    }
    let mut env = dockscape::ComposeEnv::new();
    if args.env_from_process {
        for (k, v) in std::env::vars() {
            env.set(k, v);
        }
    }
    let env_files: Vec<PathBuf> = if args.env_file.is_empty() {
        // the `.env` beside the input (the working directory's for stdin), as Compose reads it
        let beside = args
            .input
            .parent()
            .map_or_else(|| PathBuf::from(".env"), |d| d.join(".env"));
        beside.is_file().then_some(beside).into_iter().collect()
    } else {
        args.env_file.clone()
    };
    if source == ConvertSource::Compose {
        for f in &env_files {
            match std::fs::read_to_string(f) {
                Ok(t) => {
                    if let Err(e) = env.add_dotenv(&t) {
                        return fail(format!("{}:{}: {}", f.display(), e.line, e.message));
                    }
                }
                Err(e) => return fail(format!("{}: {e}", f.display())),
            }
        }
    }
    let options = ConvertOptions {
        from: Some(source),
        schedule: args.schedule.clone(),
        file: name.clone(),
        shell,
        env,
        pods,
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
