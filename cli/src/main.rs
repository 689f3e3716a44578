//! `dockscape`: generate and lint Docker-outside-of-Docker and Docker-in-Docker setups.

mod config;
mod convert;
mod files;
mod fix;
mod generate;
mod lint;
mod migrate;
mod shell;
mod stream;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code for usage and input errors.
pub(crate) const EXIT_INPUT: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "dockscape",
    version = shell::version(),
    about = "Model, generate and lint the five ways Docker runs: Linux, Windows VM, Kubernetes, DooD and DinD",
    long_about = "dockscape models hosts, VMs, daemons, pods and volumes. From one model it generates, for every \
scenario, a validated Kubernetes Pod, a Compose file and `docker run` lines, safe by default; and it lints \
the Pod specs, Compose files and scripts you already have for the risks of Docker-outside-of-Docker and \
Docker-in-Docker.",
    after_help = "Examples:\n  \
dockscape scenarios\n  \
dockscape generate dind\n  \
dockscape generate dind --set transport=unix --set sidecar=native --format pod\n  \
dockscape generate windows --format run --shell cmd\n  \
dockscape generate dood --format all -o out/\n  \
dockscape lint k8s/ docker-compose.yml ci/build.sh\n  \
dockscape lint --format sarif . > dockscape.sarif\n  \
dockscape rule DS001\n  \
dockscape migrate --diff pod.yaml\n  \
dockscape completions bash > /etc/bash_completion.d/dockscape\n  \
dockscape man --dir /usr/local/share/man/man1\n\n\
Exit codes: 0 success, 1 lint findings at or above --fail-on, 2 usage or input error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the scenarios: id and a one-line summary.
    Scenarios(generate::ScenariosArgs),
    /// Generate a scenario's Pod, Compose file, docker run lines, CI recipe, diagram or explanation.
    Generate(generate::GenerateArgs),
    /// Lint Kubernetes manifests, Compose files and `docker run` lines.
    Lint(lint::LintArgs),
    /// List every lint rule.
    Rules(lint::RulesArgs),
    /// Print one lint rule's page.
    Rule(lint::RuleArgs),
    /// Show the settings in force (dockscape.toml) and where each came from.
    Config(config::ConfigArgs),
    /// Convert `docker run` lines into a Compose file, Pods, Deployments, Jobs or CronJobs.
    Convert(convert::ConvertArgs),
    /// Rewrite Docker-outside-of-Docker workloads into DinD, rootless DinD, Sysbox, BuildKit or a socket proxy (text edits, --diff, --write).
    Migrate(migrate::MigrateArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(shell::CompletionsArgs),
    /// Print the man page, or write one page per command into a directory.
    Man(shell::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Scenarios(args) => generate::scenarios(args),
        Command::Generate(args) => generate::run(args),
        Command::Lint(args) => lint::run_lint(args),
        Command::Rules(args) => lint::run_rules(args),
        Command::Rule(args) => lint::run_rule(args),
        Command::Config(args) => config::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Migrate(args) => migrate::run(args),
        Command::Completions(args) => shell::completions::<Cli>(args),
        Command::Man(args) => shell::man::<Cli>(args),
    }
}
