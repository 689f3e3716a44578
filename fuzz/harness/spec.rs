//! The `generate -f spec.yaml` path on any bytes: `Params::from_yaml` (the spec reader), then, when it
//! reads, `build_scenario` for the spec's scenario (or each scenario when it names none) and every format
//! in every shell. Errors are fine; a panic, a hang or unbounded memory is a bug.
use dockscape::{Format, Options, Params, Shell, build_scenario, generate, scenarios};

/// One fuzz input; shared by the fuzz target and `tests/tests/fuzz_regressions.rs`.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok((id, params)) = Params::from_yaml(&text) else {
        return;
    };
    let ids: Vec<String> = match id {
        Some(id) => vec![id],
        None => scenarios().iter().map(|s| s.id.to_string()).collect(),
    };
    for id in ids {
        let Ok(scenario) = build_scenario(&id, &params) else {
            continue;
        };
        for format in Format::EVERY {
            let _ = generate(&scenario, format, &Options { shell: None });
        }
        for shell in Shell::ALL {
            let _ = generate(&scenario, Format::Run, &Options { shell: Some(shell) });
        }
    }
}
