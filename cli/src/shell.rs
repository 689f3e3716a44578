//! `dockscape completions`, `dockscape man` and the `--version` line: where the command line meets the
//! user's shell and manual.

use crate::EXIT_INPUT;
use clap::builder::PossibleValuesParser;
use clap::{Args, CommandFactory};
use std::path::PathBuf;
use std::process::ExitCode;

/// `dockscape --version`: the crate version and the Kubernetes API version of the k8s-openapi types
/// this binary was built with, `dockscape 0.1.0 (Kubernetes API 1.37)`.
pub(crate) fn version() -> &'static str {
    static LINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LINE.get_or_init(|| {
        format!(
            "{} (Kubernetes API {})",
            env!("CARGO_PKG_VERSION"),
            dockscape::KUBERNETES_API_VERSION
        )
    })
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
dockscape completions bash > ~/.local/share/bash-completion/completions/dockscape\n  \
dockscape completions zsh > \"${fpath[1]}/_dockscape\"\n  \
dockscape completions fish > ~/.config/fish/completions/dockscape.fish\n  \
dockscape completions powershell >> $PROFILE\n  \
dockscape completions elvish >> ~/.config/elvish/rc.elv\n\n\
The scripts complete subcommands, flags, scenario ids, rule codes and every --format value.")]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
dockscape man | man -l -                          # read it now\n  \
dockscape man --dir /usr/local/share/man/man1     # dockscape.1 and dockscape-<command>.1")]
pub(crate) struct ManArgs {
    /// Write `dockscape.1` and one `dockscape-<command>.1` per subcommand into DIR instead of printing
    /// `dockscape.1`.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// The command tree with the values the parser leaves open (scenario ids, rule codes) listed, so that
/// completion scripts and man pages can offer them. The parser itself keeps its own checks and error
/// messages.
fn documented<C: CommandFactory>() -> clap::Command {
    let scenario_ids: Vec<&'static str> = dockscape::scenarios().iter().map(|s| s.id).collect();
    let mut rule_ids: Vec<&'static str> = Vec::new();
    for r in dockscape::rules() {
        rule_ids.push(r.code);
        rule_ids.push(r.name);
    }
    C::command()
        .mut_subcommand("generate", |g| {
            g.mut_arg("scenario", |a| {
                a.value_parser(PossibleValuesParser::new(scenario_ids))
            })
        })
        .mut_subcommand("rule", |r| {
            r.mut_arg("rule", |a| {
                a.value_parser(PossibleValuesParser::new(rule_ids))
            })
        })
}

pub(crate) fn completions<C: CommandFactory>(args: &CompletionsArgs) -> ExitCode {
    let mut cmd = documented::<C>();
    let name = cmd.get_name().to_owned();
    clap_complete::generate(args.shell, &mut cmd, name, &mut std::io::stdout().lock());
    ExitCode::SUCCESS
}

pub(crate) fn man<C: CommandFactory>(args: &ManArgs) -> ExitCode {
    let cmd = documented::<C>();
    let res = match &args.dir {
        None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock()),
        Some(dir) => std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir)),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &args.dir {
                Some(dir) => eprintln!("error: cannot write man pages to {}: {e}", dir.display()),
                None => eprintln!("error: cannot write the man page: {e}"),
            }
            ExitCode::from(EXIT_INPUT)
        }
    }
}
