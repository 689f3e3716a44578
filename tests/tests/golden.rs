//! Golden tests: every spec file in `tests/golden/` (a scenario and its parameters) in, a snapshot of
//! every format out. The snapshots are what a user pastes into a cluster, a Compose project or a shell.

use dockscape::{Format, Options, Params, Shell};
use std::path::Path;

fn build(path: &Path) -> dockscape::Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    let (id, params) = Params::from_yaml(&text).unwrap();
    dockscape::build_scenario(&id.expect("golden files name their scenario"), &params).unwrap()
}

fn render(s: &dockscape::Scenario, format: Format, shell: Option<Shell>) -> String {
    match dockscape::generate(s, format, &Options { shell }) {
        Ok(a) => match a.notice {
            Some(n) => format!("notice: {n}\n---\n{}", a.text),
            None => a.text,
        },
        Err(e) => format!("error: {e}\n"),
    }
}

#[test]
fn every_format_of_every_golden_scenario() {
    insta::glob!("../golden", "*.yaml", |path| {
        let s = build(path);
        insta::assert_snapshot!("pod", render(&s, Format::Pod, None));
        insta::assert_snapshot!("compose", render(&s, Format::Compose, None));
        for shell in Shell::ALL {
            insta::assert_snapshot!(
                format!("run-{}", shell.id()),
                render(&s, Format::Run, Some(shell))
            );
        }
        insta::assert_snapshot!("explain", render(&s, Format::Explain, None));
    });
}

#[test]
fn output_is_deterministic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        for format in Format::ALL {
            let a = render(&build(&path), format, None);
            let b = render(&build(&path), format, None);
            assert_eq!(
                a,
                b,
                "{}: {format:?} differs between two runs",
                path.display()
            );
        }
        seen += 1;
    }
    assert!(seen >= 20);
}
