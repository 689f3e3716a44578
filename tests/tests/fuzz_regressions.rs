//! Every input in `fuzz/regressions/<target>/` through the same harness as its cargo-fuzz target
//! (`fuzz/harness/<target>.rs`): each crash, hang or wrong answer the fuzzers (or a reader) ever found
//! stays fixed. See `fuzz/regressions/README.md`.

mod windows_oracle;

#[path = "../../fuzz/harness/lint.rs"]
mod lint;
#[path = "../../fuzz/harness/quote.rs"]
mod quote;
#[path = "../../fuzz/harness/spec.rs"]
mod spec;

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .map(|p| {
            let data = std::fs::read(&p).unwrap();
            (p, data)
        })
        .collect();
    out.sort();
    out
}

fn run_all(target: &str, run: fn(&[u8])) -> usize {
    let all = inputs(target);
    for (path, data) in &all {
        eprintln!("{target}: {}", path.display());
        run(data);
    }
    all.len()
}

#[test]
fn lint_regressions() {
    run_all("lint", lint::run);
}

#[test]
fn spec_regressions() {
    run_all("spec", spec::run);
}

#[test]
fn quote_regressions() {
    // The quoting bugs of issue 9 are here, so this can never run nothing.
    assert!(run_all("quote", quote::run) >= 3);
}
