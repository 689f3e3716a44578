//! Shell quoting for Windows, proven through oracles (no PowerShell, cmd.exe or Windows can run here):
//! each value quoted by `dockscape` for PowerShell or cmd must reach `docker.exe` as exactly one
//! argument, byte for byte, in Windows PowerShell 5.1, PowerShell 7.0-7.2, 7.2 with the experimental
//! feature, 7.3+ in its default `Windows` mode and with `Standard` preset, and through cmd.exe; a value
//! that cannot be passed so is refused with an error. The oracles (`windows_oracle/mod.rs`) stand in for
//! PowerShell's parser and native-argument binder, cmd.exe's batch parser and Go's `os.Args` splitting:
//! each cites the documentation and source it implements, and fails on whatever it does not model.

mod windows_oracle;

use dockscape::{Shell, quote_arg};
use proptest::prelude::*;
use windows_oracle::{HOSTS, cmd_run, go_split, powershell_run, script};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

/// The PowerShell script `run` writes for `docker <args>` (the Legacy line when any value needs it).
fn ps_script(args: &[String]) -> String {
    let quoted: Vec<String> = args
        .iter()
        .map(|a| quote_arg(Shell::Powershell, a).unwrap())
        .collect();
    let mut before = vec!["# generated".to_owned()];
    if args.iter().any(|a| dockscape::powershell_needs_legacy(a)) {
        before.push(dockscape::POWERSHELL_LEGACY_PASSING.to_owned());
    }
    script(&before, &quoted, Shell::Powershell.continuation())
}

/// Every PowerShell's argv for `args`; panics with the host's name on any difference.
fn assert_powershell(args: &[String]) {
    let text = ps_script(args);
    for host in HOSTS {
        let run =
            powershell_run(&text, host).unwrap_or_else(|e| panic!("{}: {e}\n{text}", host.name));
        assert_eq!(run.commands, vec![args.to_vec()], "{}:\n{text}", host.name);
    }
}

// ---- the oracles themselves: known answers, and the failures they must be able to show ----

#[test]
fn go_split_follows_the_windows_rules() {
    // The examples of daviddeley.com section 5 ("Prior to 2008" column, which Go implements).
    assert_eq!(go_split(r#"x "a b" c"#), s(&["x", "a b", "c"]));
    assert_eq!(go_split(r#"x a\\\"b"#), s(&["x", r#"a\"b"#]));
    assert_eq!(go_split(r#"x a\\\\"b c" d"#), s(&["x", r#"a\\b c"#, "d"]));
    assert_eq!(go_split(r#"x a\b\ "c\\""#), s(&["x", r#"a\b\"#, r#"c\"#]));
    // Inside quotes `""` is a literal quote and ends the quoted part: the next `"` opens another.
    assert_eq!(go_split(r#"x "" "a""b" c"#), s(&["x", "", r#"a"b c"#]));
    assert_eq!(go_split("x \"a\tb\"\tc"), s(&["x", "a\tb", "c"]));
}

#[test]
fn the_old_single_quoting_breaks_out_in_5_1_and_7_0_and_drops_empty_values() {
    // What `quote.rs` wrote before: the value single-quoted, no Legacy line.
    let old = "docker run 'a b\" --privileged -v \"/:/host' '' image\n";
    let legacy = powershell_run(old, HOSTS[0]).unwrap();
    // The value's own quotes pair with the ones Legacy adds: `--privileged` becomes an argument of its
    // own, and the empty value is gone.
    assert_eq!(
        legacy.commands,
        vec![s(&["run", "a b", "--privileged", "-v", "/:/host", "image"])]
    );
    let v70 = powershell_run(old, HOSTS[1]).unwrap();
    assert_eq!(v70.commands, legacy.commands, "7.0-7.2 build the same line");
    // Standard passes both intact, which is why one quoting cannot serve both.
    let std = powershell_run(old, HOSTS[4]).unwrap();
    assert_eq!(
        std.commands,
        vec![s(&["run", "a b\" --privileged -v \"/:/host", "", "image"])]
    );
    // A trailing backslash with a space: 5.1 escapes its own closing quote.
    let bs = powershell_run("docker 'a b\\' c\n", HOSTS[0]).unwrap();
    assert_eq!(bs.commands, vec![s(&["a b\" c"])]);
}

#[test]
fn the_oracle_refuses_what_it_does_not_model() {
    for bad in [
        "docker 2s\n",
        "docker -a.b\n",
        "docker $x\n",
        "docker \"$x\"\n",
        "docker @a\n",
        "docker a,b\n",
        "docker --\n",
        "Remove-Item x\n",
    ] {
        assert!(powershell_run(bad, HOSTS[0]).is_err(), "{bad:?}");
    }
    for bad in [
        "docker a&b\n",
        "docker %PATH%\n",
        "docker \"a\" & calc\n",
        "del x\n",
    ] {
        assert!(cmd_run(bad).is_err(), "{bad:?}");
    }
    // A quoted `&` is data; an escaped one too.
    assert_eq!(
        cmd_run("docker \"a&b\" c^&d\n").unwrap(),
        vec![s(&["a&b", "c&d"])]
    );
}

// ---- dockscape's quoting through them ----

#[test]
fn the_breakout_value_reaches_docker_whole() {
    let args = s(&[
        "run",
        "-e",
        "a b\" --privileged -v \"/:/host",
        "",
        "x\\",
        "a b\\",
        "--%",
        "it's",
        "2s",
        "1kb",
        "-a.b",
        "--",
        "$env:PATH",
        "`id`",
        "caf\u{e9}",
        "\u{0451}'; calc; '",
        "\u{201c}q\u{201d}",
        "line\nbreak",
        "crlf\r\n",
        "tab\t",
        "emoji \u{1f600}",
    ]);
    assert_powershell(&args);
    let cmd_ok = s(&[
        "run",
        "-e",
        "a b\" --privileged -v \"/:/host",
        "",
        "x\\",
        "a b\\",
        "100%",
        "%PATH%",
        "a&b|c<d>e(f)^g",
        "\"quoted\"",
        "tab\t",
    ]);
    let quoted: Vec<String> = cmd_ok
        .iter()
        .map(|a| quote_arg(Shell::Cmd, a).unwrap())
        .collect();
    let text = script(
        &["@echo off".to_owned()],
        &quoted,
        Shell::Cmd.continuation(),
    );
    assert_eq!(cmd_run(&text).unwrap(), vec![cmd_ok], "{text}");
}

#[test]
fn what_cannot_be_passed_is_refused() {
    for shell in Shell::ALL {
        let e = quote_arg(shell, "a\0b").unwrap_err();
        assert!(e.to_string().contains("NUL"), "{shell:?}: {e}");
    }
    for v in ["a\nb", "a\rb", "wow!", "caf\u{e9}", "bell\x07"] {
        let e = quote_arg(Shell::Cmd, v).unwrap_err();
        assert!(e.to_string().starts_with("cmd cannot pass"), "{v:?}: {e}");
    }
}

/// Hostile characters for every layer: quotes of all kinds, backslashes, PowerShell's `$ `` @ , ;`,
/// cmd's `% ^ ! & | < > ( )`, whitespace of every kind, a NUL, non-ASCII and astral characters.
const HOSTILE: &str = "[ a-z0-9'\"\\\\$`@,;%^!&|<>(){}#\t\n\r\u{0}\u{a0}\u{e9}\u{451}\u{2018}\u{2019}\u{201c}\u{201d}\u{3000}\u{1f600}.:=/-]{0,12}";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_value_reaches_docker_whole_through_every_powershell(args in proptest::collection::vec(HOSTILE, 1..6)) {
        let (nul, ok): (Vec<String>, Vec<String>) = args.into_iter().partition(|a| a.contains('\0'));
        for a in &nul {
            prop_assert!(quote_arg(Shell::Powershell, a).is_err());
        }
        if !ok.is_empty() {
            assert_powershell(&ok);
        }
    }

    #[test]
    fn any_value_cmd_accepts_reaches_docker_whole(args in proptest::collection::vec(HOSTILE, 1..6)) {
        let mut ok = Vec::new();
        let mut quoted = Vec::new();
        for a in args {
            match quote_arg(Shell::Cmd, &a) {
                Ok(q) => {
                    quoted.push(q);
                    ok.push(a);
                }
                // Refused only for what docs/quoting.md lists.
                Err(_) => prop_assert!(a.chars().any(|c| c == '!' || (c != '\t' && (c.is_control() || !c.is_ascii())))),
            }
        }
        if !ok.is_empty() {
            let text = script(&["@echo off".to_owned()], &quoted, Shell::Cmd.continuation());
            prop_assert_eq!(cmd_run(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?, vec![ok]);
        }
    }

    #[test]
    fn any_string_is_a_powershell_string(v in HOSTILE) {
        match dockscape::powershell_string(&v) {
            Ok(lit) => {
                let text = format!("$env:X = {lit}\n");
                for host in HOSTS {
                    let run = powershell_run(&text, host).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
                    prop_assert_eq!(&run.env, &vec![("X".to_owned(), v.clone())]);
                }
            }
            Err(_) => prop_assert!(v.contains('\0')),
        }
    }
}

/// The argv of every `docker` command of an `sh` script, through the real `/bin/sh` (a `docker`
/// function prints its arguments NUL-separated, each command ending in `\x01`).
fn sh_commands(script: &str) -> Vec<Vec<String>> {
    let prog = format!("docker() {{ printf '%s\\0' \"$@\"; printf '\\001'; }}\n{script}");
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&prog)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut cmds: Vec<Vec<String>> = text
        .split('\x01')
        .map(|c| c.split('\0').map(str::to_owned).collect::<Vec<_>>())
        .map(|mut v| {
            v.pop();
            v
        })
        .collect();
    cmds.pop();
    cmds
}

#[test]
fn generated_scripts_run_the_same_commands_as_sh() {
    let golden =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/golden/quoting.yaml"))
            .unwrap();
    let (id, mut params) = dockscape::Params::from_yaml(&golden).unwrap();
    params
        .set("env.BREAKOUT", "a b\" --privileged -v \"/:/host")
        .unwrap();
    params.set("env.EMPTY", "").unwrap();
    params.set("env.TRAIL", "dir with space\\").unwrap();
    params.set("env.YO", "\u{0451}'; calc; '").unwrap();
    let mut checked = 0;
    for id in [id.unwrap(), "windows".to_owned(), "dind".to_owned()] {
        let scenario = dockscape::build_scenario(&id, &params).unwrap();
        let render = |shell| {
            dockscape::generate(
                &scenario,
                dockscape::Format::Run,
                &dockscape::Options { shell: Some(shell) },
            )
            .map(|a| a.text)
        };
        let want = sh_commands(&render(Shell::Sh).unwrap());
        assert!(!want.is_empty());
        let ps = render(Shell::Powershell).unwrap();
        for host in HOSTS {
            let run = powershell_run(&ps, host)
                .unwrap_or_else(|e| panic!("{id}, {}: {e}\n{ps}", host.name));
            assert_eq!(run.commands, want, "{id}, {}:\n{ps}", host.name);
        }
        // cmd refuses these values (newlines, `!`, non-ASCII) as a whole script.
        let e = render(Shell::Cmd).unwrap_err();
        assert!(e.to_string().starts_with("cmd cannot pass"), "{e}");
        checked += 1;
    }
    assert_eq!(checked, 3);
}
