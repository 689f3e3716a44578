//! `dockscape completions`, `dockscape man` and `dockscape --version`, checked with the real tools:
//! the bash completion is loaded into a real `bash` and asked for candidates the way readline asks
//! (`COMP_WORDS`, `COMP_CWORD`, then the completion function); the man page is rendered by the real
//! `man`/`groff`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output};

fn dockscape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("spawn dockscape: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dockscape-compl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The candidates bash's completion offers after the words `line` (the last word is the one being
/// completed; "" for a fresh word).
fn bash_complete(script: &std::path::Path, line: &[&str]) -> BTreeSet<String> {
    let quoted: Vec<String> = line
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect();
    let program = format!(
        r#"set -u
source "$1"
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
complete -p dockscape >/dev/null || {{ echo 'no completion registered for dockscape' >&2; exit 3; }}
prev=""
if [ "$COMP_CWORD" -gt 0 ]; then prev="${{COMP_WORDS[COMP_CWORD-1]}}"; fi
_dockscape dockscape "${{COMP_WORDS[COMP_CWORD]}}" "$prev"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        words = quoted.join(" ")
    );
    let out = Command::new("bash")
        .arg("--norc")
        .arg("--noprofile")
        .arg("-c")
        .arg(&program)
        .arg("bash")
        .arg(script)
        .output()
        .unwrap_or_else(|e| panic!("spawn bash: {e}"));
    assert!(
        out.status.success(),
        "bash failed for {line:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

fn bash_script(name: &str) -> PathBuf {
    let dir = scratch(name);
    let out = dockscape(&["completions", "bash"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join("dockscape.bash");
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// The values clap accepts for a flag, read from its own error message.
fn accepted_values(args: &[&str]) -> BTreeSet<String> {
    let out = dockscape(args);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let list = err
        .split("[possible values: ")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .unwrap_or_else(|| panic!("no possible values in: {err}"));
    list.split(", ").map(str::to_owned).collect()
}

#[test]
fn bash_completes_scenario_ids_after_generate() {
    let script = bash_script("ids");
    let got = bash_complete(&script, &["dockscape", "generate", ""]);
    let ids: BTreeSet<String> = dockscape::scenarios()
        .iter()
        .map(|s| s.id.to_owned())
        .collect();
    assert!(ids.contains("dind") && ids.len() >= 8, "{ids:?}");
    for id in &ids {
        assert!(got.contains(id), "`{id}` not offered: {got:?}");
    }
    // A prefix narrows the list to the ids it starts.
    let got = bash_complete(&script, &["dockscape", "generate", "dind"]);
    let want: BTreeSet<String> = ids
        .iter()
        .filter(|i| i.starts_with("dind"))
        .cloned()
        .collect();
    assert_eq!(got, want);
}

#[test]
fn bash_completes_every_generate_format() {
    let script = bash_script("gen-formats");
    let got = bash_complete(&script, &["dockscape", "generate", "dind", "--format", ""]);
    let mut want: BTreeSet<String> = dockscape::Format::EVERY
        .iter()
        .map(|f| f.id().to_owned())
        .collect();
    want.insert("all".to_owned());
    assert_eq!(got, want);
    assert_eq!(
        accepted_values(&["generate", "dind", "--format", "nope"]),
        want
    );
    let got = bash_complete(&script, &["dockscape", "generate", "--format", "git"]);
    assert_eq!(
        got,
        BTreeSet::from(["gitlab".to_owned(), "github-arc".to_owned()])
    );
}

#[test]
fn bash_completes_lint_formats_subcommands_and_rule_codes() {
    let script = bash_script("lint");
    let got = bash_complete(&script, &["dockscape", "lint", "--format", ""]);
    let want = accepted_values(&["lint", "--format", "nope"]);
    assert!(want.contains("sarif"), "{want:?}");
    assert_eq!(got, want);

    let got = bash_complete(&script, &["dockscape", ""]);
    for sub in [
        "scenarios",
        "generate",
        "lint",
        "rules",
        "rule",
        "completions",
        "man",
    ] {
        assert!(got.contains(sub), "subcommand `{sub}` not offered: {got:?}");
    }

    let got = bash_complete(&script, &["dockscape", "rule", "DS00"]);
    assert!(got.contains("DS001") && got.contains("DS009"), "{got:?}");
    assert!(got.iter().all(|c| c.starts_with("DS00")), "{got:?}");

    let got = bash_complete(&script, &["dockscape", "completions", ""]);
    let got: BTreeSet<String> = got.into_iter().filter(|c| !c.starts_with('-')).collect();
    assert_eq!(
        got,
        ["bash", "elvish", "fish", "powershell", "zsh"]
            .map(str::to_owned)
            .into()
    );
}

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    // clap_complete's fish, PowerShell and Elvish scripts complete flag values but not positional
    // ones, so only bash and zsh carry the scenario ids.
    for (shell, marker, ids) in [
        ("bash", "complete -F _dockscape", true),
        ("zsh", "#compdef dockscape", true),
        ("fish", "complete -c dockscape", false),
        ("powershell", "Register-ArgumentCompleter", false),
        ("elvish", "edit:completion:arg-completer[dockscape]", false),
    ] {
        let out = dockscape(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}: no `{marker}`");
        // The ids as one completion list (a single id also appears in help texts, e.g. `--to`).
        let list = dockscape::scenarios()
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(text.contains(&list), ids, "{shell}: scenario ids `{list}`");
        assert!(text.contains("github-arc"), "{shell}: no format ids");
    }
    let out = dockscape(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bash_script_is_valid_bash() {
    let script = bash_script("syntax");
    let out = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The page as `man` shows it, and groff's warnings about it (none are expected).
fn render_man(page: &std::path::Path) -> (String, String) {
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| panic!("spawn man: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warnings = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
        .unwrap_or_else(|e| panic!("spawn groff: {e}"));
    (
        stdout(&out),
        String::from_utf8_lossy(&warnings.stderr).into_owned(),
    )
}

#[test]
fn man_page_renders_with_every_subcommand() {
    let dir = scratch("man");
    let out = dockscape(&["man"]);
    assert!(out.status.success());
    let page = dir.join("dockscape.1");
    std::fs::write(&page, &out.stdout).unwrap();
    let (text, warnings) = render_man(&page);
    assert_eq!(warnings, "", "groff warnings");
    assert!(text.contains("NAME") && text.contains("SYNOPSIS"), "{text}");
    for sub in [
        "scenarios",
        "generate",
        "lint",
        "rules",
        "completions",
        "man",
    ] {
        assert!(
            text.contains(&format!("dockscape-{sub}(1)")),
            "`{sub}` missing:\n{text}"
        );
    }
    assert!(
        text.contains(&format!("v{}", env!("CARGO_PKG_VERSION")))
            || text.contains(env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = scratch("man-dir").join("man1");
    let out = dockscape(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generate = dir.join("dockscape-generate.1");
    let (text, warnings) = render_man(&generate);
    assert_eq!(warnings, "", "groff warnings");
    // The scenario ids and format values are listed on the generate page.
    for word in ["--format", "dind-rootless", "github-arc", "--set"] {
        assert!(text.contains(word), "`{word}` missing:\n{text}");
    }
    for page in ["dockscape.1", "dockscape-lint.1", "dockscape-completions.1"] {
        assert!(dir.join(page).is_file(), "{page} not written");
    }
    // A directory that cannot be made is an input error, not a panic.
    let file = dir.join("dockscape.1");
    let out = dockscape(&["man", "--dir", file.join("sub").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: cannot write man pages"));
}

#[test]
fn version_names_the_kubernetes_api() {
    let k8s = dockscape::KUBERNETES_API_VERSION;
    let minor = k8s.strip_prefix("1.").and_then(|m| m.parse::<u32>().ok());
    assert!(minor.is_some_and(|m| m >= 33), "{k8s}");
    let want = format!(
        "dockscape {} (Kubernetes API {k8s})\n",
        env!("CARGO_PKG_VERSION")
    );
    for flag in ["--version", "-V"] {
        let out = dockscape(&[flag]);
        assert!(out.status.success());
        assert_eq!(stdout(&out), want);
    }
}

#[test]
fn help_shows_an_example_of_each_new_command() {
    for (args, example) in [
        (
            &["completions", "--help"][..],
            "dockscape completions bash >",
        ),
        (&["man", "--help"][..], "dockscape man --dir"),
        (&["--help"][..], "dockscape completions bash"),
    ] {
        let out = dockscape(args);
        assert!(out.status.success());
        let text = stdout(&out);
        assert!(
            text.contains("Examples:") && text.contains(example),
            "{args:?}:\n{text}"
        );
    }
}
