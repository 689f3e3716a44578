//! Lint every file of a directory (recursively) with the library, as `dockscape lint DIR` does: the
//! example reads the files, the pure core lints their text.
//!
//! ```sh
//! cargo run -p dockscape --example lint_dir -- k8s/
//! ```

// A program beside the library, not the library: it may read arguments and files (core/clippy.toml
// forbids both in the pure core).
#![allow(clippy::disallowed_methods)]

use dockscape::{LintInput, LintOptions, LintReport, lint};
use std::path::{Path, PathBuf};

/// Every regular file under `dir`, sorted, with its text (files that are not UTF-8 are skipped).
fn read_tree(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path: PathBuf = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                files.push((path.display().to_string(), text));
            }
        }
    }
    files.sort();
    Ok(files)
}

fn lint_dir(dir: &Path) -> std::io::Result<LintReport> {
    let files = read_tree(dir)?;
    let inputs: Vec<LintInput<'_>> = files
        .iter()
        .map(|(file, text)| LintInput {
            file,
            text,
            kind: None,
        })
        .collect();
    Ok(lint(&inputs, &LintOptions::default()))
}

fn main() -> std::process::ExitCode {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    match lint_dir(Path::new(&dir)) {
        Ok(report) => {
            for f in &report.findings {
                println!(
                    "{}:{}:{}: {} [{}] {}",
                    f.file, f.line, f.column, f.code, f.severity, f.message
                );
            }
            for e in &report.errors {
                println!("{}: error: {}", e.file, e.message);
            }
            std::process::ExitCode::from(u8::try_from(report.exit_code()).unwrap_or(2))
        }
        Err(e) => {
            eprintln!("error: {dir}: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use dockscape::{Format, Options, Params, build_scenario, generate};

    fn text(id: &str, format: Format) -> String {
        let s = build_scenario(id, &Params::new()).unwrap();
        generate(&s, format, &Options::default()).unwrap().text
    }

    #[test]
    fn finds_the_socket_mount_in_the_dood_file_only() {
        let dir =
            std::env::temp_dir().join(format!("dockscape-example-lint-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("deep/er")).unwrap();
        std::fs::write(dir.join("deep/er/dood.yaml"), text("dood", Format::Pod)).unwrap();
        std::fs::write(dir.join("app.yaml"), text("linux", Format::Pod)).unwrap();
        std::fs::write(dir.join("compose.yaml"), text("linux", Format::Compose)).unwrap();
        let report = super::lint_dir(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.workloads.len(), 3, "{:?}", report.workloads);
        assert!(report.findings.iter().any(|f| f.code == "DS001"));
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.file.ends_with("deep/er/dood.yaml")),
            "{:?}",
            report.findings
        );
        assert_eq!(report.exit_code(), 1);
    }

    #[test]
    fn a_missing_directory_is_an_io_error() {
        assert!(super::lint_dir(std::path::Path::new("/nonexistent/dockscape")).is_err());
    }
}
