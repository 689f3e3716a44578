//! Shell quoting is a security boundary: any argument, quoted for sh, reaches the program as exactly one
//! argument, byte for byte, through the real `/bin/sh`.

use dockscape::{Shell, quote_arg};
use proptest::prelude::*;
use std::process::Command;

/// Run `printf '%s\0' <args...>` through /bin/sh and split the output on NUL.
fn through_sh(args: &[String], shell: Shell) -> Vec<String> {
    let quoted: Vec<String> = args.iter().map(|a| quote_arg(shell, a).unwrap()).collect();
    let script = format!("printf '%s\\0' {}", quoted.join(" "));
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sh failed on {script:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut parts: Vec<String> = text.split('\0').map(str::to_owned).collect();
    assert_eq!(parts.pop().as_deref(), Some(""), "output ends with NUL");
    parts
}

#[test]
fn nasty_arguments_survive_sh() {
    let args: Vec<String> = [
        "",
        " ",
        "it's",
        "\"quoted\"",
        "$HOME",
        "${HOME}",
        "`id`",
        "$(id)",
        "a\nb",
        "tab\there",
        "*",
        "?",
        "[a]",
        "~",
        "~root",
        "#comment",
        "a;b",
        "a&&b",
        "a|b",
        "<in",
        ">out",
        "back\\slash",
        "'",
        "''",
        "!",
        "-n",
        "--",
        "%s",
        "\u{e9}t\u{e9}",
        "\u{2019}",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert_eq!(through_sh(&args, Shell::Sh), args);
    assert_eq!(through_sh(&args, Shell::Gitbash), args);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_argument_survives_sh(args in proptest::collection::vec("[^\\x00]{0,24}", 1..5)) {
        prop_assert_eq!(through_sh(&args, Shell::Sh), args);
    }

    #[test]
    fn shell_metacharacters_survive_sh(args in proptest::collection::vec("[ '\"$`\\\\\n\t;&|<>(){}*?!#~a-z]{0,16}", 1..5)) {
        prop_assert_eq!(through_sh(&args, Shell::Sh), args);
    }
}
