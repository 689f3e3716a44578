//! `dockscape lint --fix`, `--diff`, `--check`: the rules' mechanical fixes applied in place (a
//! temporary file beside the original, then renamed, as `migrate --write` does), shown as a
//! unified diff, or checked; then the report of what remains and `Fixed N findings (M remaining)`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dockscape::{LintError, LintInput, LintOptions, LintReport};

use crate::lint::{Format, LintArgs};
use crate::migrate::{diff, read, write_in_place};
use crate::{EXIT_INPUT, config, files};

/// Whether `lint` runs in fix mode.
pub(crate) fn wanted(args: &LintArgs) -> bool {
    args.fix || args.diff || args.check || args.unsafe_fixes
}

fn fail(message: &str) -> ExitCode {
    eprintln!("dockscape: {message}");
    ExitCode::from(EXIT_INPUT)
}

/// One file to fix: its name, where it is written back (`None`: stdin), its text.
struct Target {
    name: String,
    path: Option<PathBuf>,
    text: String,
}

/// `dockscape lint --fix | --diff | --check [--unsafe-fixes] PATH...`.
pub(crate) fn run(args: &LintArgs) -> ExitCode {
    if !(args.fix || args.diff || args.check) {
        return fail("--unsafe-fixes needs --fix, --diff or --check");
    }
    if !matches!(args.format, Format::Text | Format::Json) {
        return fail("--fix, --diff and --check report in --format text or json");
    }
    if args.baseline.is_some() || args.write_baseline.is_some() || args.statistics {
        return fail(
            "--fix, --diff and --check do not take --baseline, --write-baseline or --statistics",
        );
    }
    let (overrides, mut configs) = match crate::lint::settings(args) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let found = files::load(&args.paths, args.no_ignore);
    if let Err(e) = configs.assign(found.files.iter().map(|f| f.name.as_str())) {
        return fail(&e);
    }
    let stdin = found.files.iter().any(|f| f.name == "-");
    if stdin && found.files.len() > 1 {
        return fail("`-` (stdin) is fixed on its own: its fixed text goes to stdout");
    }
    let mut errors: Vec<LintError> = found.errors;
    let mut targets = Vec::new();
    for f in found
        .files
        .into_iter()
        .filter(|f| f.name == "-" || !configs.of(&f.name).excludes(Path::new(&f.name)))
    {
        // the bytes as they are (a BOM kept): what is edited and written back
        let text = if f.name == "-" {
            match f.text {
                Ok((t, problems)) if problems.is_empty() => Ok(t),
                Ok(_) => Err("not UTF-8 text without NUL bytes".to_string()),
                Err(e) => Err(e),
            }
        } else {
            read(Path::new(&f.name)).map_err(|e| e.to_string())
        };
        match text {
            Ok(text) => targets.push(Target {
                path: (f.name != "-").then(|| PathBuf::from(&f.name)),
                name: f.name,
                text,
            }),
            Err(e) => errors.push(LintError {
                file: f.name,
                line: None,
                column: None,
                message: format!("cannot fix: {e}"),
            }),
        }
    }
    let (select, ignore) = configs.run_selection(&overrides);
    // the Compose variables as `lint` reads them (the `.env` beside the first path, --env-file,
    // --env-from-process): a fix is judged on the findings `lint` reports
    let (compose_env, env_errors) = crate::lint::compose_env(args);
    errors.extend(env_errors);
    #[allow(clippy::needless_update)]
    let options = LintOptions {
        select,
        ignore,
        fail_on: configs.least_fail_on(&overrides),
        compose_env,
        ..LintOptions::default()
    };
    let unsafe_fixes = args.unsafe_fixes;
    let dry_run = args.diff || args.check;
    let mut remaining = dockscape::lint(&[], &options);
    let mut fixed = 0;
    let mut pending = false;
    let mut out = String::new();
    for t in &targets {
        let kind = args
            .input
            .map(crate::lint::Input::kind)
            .or_else(|| configs.of(&t.name).input_for(Path::new(&t.name)));
        let input = LintInput {
            file: &t.name,
            text: &t.text,
            kind,
        };
        let done = dockscape::fix_with(&input, &options, unsafe_fixes, |r| {
            adjust(&configs, &overrides, r);
        });
        let done = match done {
            Ok(d) => d,
            Err(e) => {
                errors.push(LintError {
                    file: t.name.clone(),
                    line: None,
                    column: None,
                    message: e.message().to_string(),
                });
                continue;
            }
        };
        fixed += done.fixed;
        let changed = done.changed(&t.text);
        pending |= changed;
        if args.diff && changed {
            out.push_str(&diff(&t.name, &t.text, &done.text));
        } else if args.check && changed {
            eprintln!(
                "would fix {} finding{}: {}",
                done.fixed,
                if done.fixed == 1 { "" } else { "s" },
                t.name
            );
        } else if !dry_run && changed {
            match &t.path {
                Some(p) => {
                    if let Err(e) = write_in_place(p, &done.text) {
                        errors.push(LintError {
                            file: t.name.clone(),
                            line: None,
                            column: None,
                            message: format!("cannot write: {e}"),
                        });
                        continue;
                    }
                }
                // stdin: the fixed text is the output
                None => out.push_str(&done.text),
            }
        } else if !dry_run && t.path.is_none() {
            out.push_str(&done.text);
        }
        remaining.append(done.report);
    }
    remaining.errors.splice(0..0, errors);
    remaining.skipped.splice(0..0, found.skipped);
    let mut summary = dockscape::fix_summary(fixed, remaining.active().count(), dry_run);
    // as ruff says it: the unsafe fixes left out
    let hidden = remaining
        .active()
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.applicability == dockscape::Applicability::Unsafe)
        })
        .count();
    if hidden > 0 && !unsafe_fixes {
        summary.push_str(&format!(", {hidden} more with --unsafe-fixes"));
    }
    // the report goes to stdout unless stdout holds a diff or stdin's fixed text
    let report = match args.format {
        Format::Json => {
            let mut s = remaining.to_json();
            s.push('\n');
            s
        }
        _ if args.quiet => format!("{}\n", remaining.summary()),
        _ => remaining.to_text(false),
    };
    if args.diff {
        // the diff alone on stdout
        print!("{out}");
        for e in &remaining.errors {
            eprintln!("error: {e}");
        }
        eprintln!("{summary}");
    } else if stdin {
        print!("{out}");
        eprint!("{report}");
        eprintln!("{summary}");
    } else if args.format == Format::Json {
        print!("{report}");
        eprintln!("{summary}");
    } else {
        print!("{report}");
        println!("{summary}");
    }
    if !remaining.errors.is_empty() {
        return ExitCode::from(EXIT_INPUT);
    }
    if dry_run && pending {
        return ExitCode::from(1);
    }
    match configs.exit_code(&remaining, &overrides) {
        0 => ExitCode::SUCCESS,
        1 if args.exit_zero => ExitCode::SUCCESS,
        1 => ExitCode::from(1),
        _ => ExitCode::from(EXIT_INPUT),
    }
}

/// What `lint` does to a report with the configuration files: findings of rules a file's
/// configuration does not select dropped, its per-file ignores marked suppressed (so they are
/// not fixed).
fn adjust(configs: &config::Configs, overrides: &config::Overrides, report: &mut LintReport) {
    configs.retain_selected(report, overrides);
    crate::lint::per_file_ignores(configs, report);
}
