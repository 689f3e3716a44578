//! The quoting functions on any bytes: the input split on `\x1f` into arguments, each quoted for every
//! shell; what is not refused must come back whole through the Windows oracles (PowerShell in every
//! version and mode, cmd.exe, Go's command-line splitting; `tests/tests/windows_oracle/`). `sh` is
//! proven through the real `/bin/sh` by `tests/tests/quoting.rs`, too slow for a fuzz loop.

use crate::windows_oracle::{HOSTS, cmd_run, powershell_run, script};
use dockscape::{POWERSHELL_LEGACY_PASSING, Shell, powershell_needs_legacy, quote_arg};

/// One fuzz input; shared by the fuzz target and `tests/tests/fuzz_regressions.rs`.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let args: Vec<String> = text.split('\x1f').map(str::to_owned).collect();
    for shell in Shell::ALL {
        for a in &args {
            let _ = quote_arg(shell, a);
        }
    }
    let ps: Vec<String> = args.iter().filter(|a| !a.contains('\0')).cloned().collect();
    if !ps.is_empty() {
        let quoted: Vec<String> = ps
            .iter()
            .map(|a| quote_arg(Shell::Powershell, a).expect("only NUL is refused"))
            .collect();
        let mut before = Vec::new();
        if ps.iter().any(|a| powershell_needs_legacy(a)) {
            before.push(POWERSHELL_LEGACY_PASSING.to_owned());
        }
        let text = script(&before, &quoted, Shell::Powershell.continuation());
        for host in HOSTS {
            let run = powershell_run(&text, host)
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", host.name));
            assert_eq!(run.commands, vec![ps.clone()], "{}:\n{text}", host.name);
        }
    }
    let mut ok = Vec::new();
    let mut quoted = Vec::new();
    for a in &args {
        if let Ok(q) = quote_arg(Shell::Cmd, a) {
            ok.push(a.clone());
            quoted.push(q);
        }
    }
    if !ok.is_empty() {
        let text = script(
            &["@echo off".to_owned()],
            &quoted,
            Shell::Cmd.continuation(),
        );
        assert_eq!(
            cmd_run(&text).unwrap_or_else(|e| panic!("cmd: {e}\n{text}")),
            vec![ok],
            "cmd:\n{text}"
        );
    }
}
