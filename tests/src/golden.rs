//! The golden scenario spec files in `tests/golden/`: every scenario and every variant the tests cover.

use dockscape::{Params, Scenario};
use std::path::PathBuf;

/// The folder of the golden spec files.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden")
}

/// Every golden spec file, built: `(file stem, scenario)`, sorted by name.
pub fn scenarios() -> Vec<(String, Scenario)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap_or_else(|e| panic!("{}: {e}", dir().display()))
        .map(|e| e.map(|e| e.path()).unwrap_or_else(|e| panic!("{e}")))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 20,
        "golden spec files missing in {}",
        dir().display()
    );
    paths
        .into_iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let (id, params) =
                Params::from_yaml(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let id =
                id.unwrap_or_else(|| panic!("{}: golden files name their scenario", p.display()));
            let s = dockscape::build_scenario(&id, &params)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (stem, s)
        })
        .collect()
}

/// The YAML body of an artifact without its leading comment header.
pub fn body(text: &str) -> String {
    text.lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}
