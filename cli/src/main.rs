//! The `dockscape` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod lint;

/// Model, generate and lint Docker-outside-of-Docker and Docker-in-Docker topologies.
#[derive(Debug, Parser)]
#[command(name = "dockscape", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint Kubernetes manifests, Compose files and `docker run` lines.
    Lint(lint::LintArgs),
    /// List every lint rule.
    Rules(lint::RulesArgs),
    /// Print one lint rule's page.
    Rule(lint::RuleArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Lint(args) => lint::run_lint(args),
        Command::Rules(args) => lint::run_rules(args),
        Command::Rule(args) => lint::run_rule(args),
    }
}
