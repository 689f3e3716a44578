//! Helpers the CLI's integration tests share (each test binary compiles this module; not every
//! binary uses every helper).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A scratch directory under the system's temporary folder, removed when dropped. Its name holds
/// the test's `name` and the process id, so test binaries running at once never share one.
pub struct Tree(pub PathBuf);

impl Tree {
    /// An empty scratch directory (any leftover of an earlier run is removed first).
    pub fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("dockscape-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Tree(dir)
    }

    /// A scratch directory that is a repository root (it holds `.git/`), where the search for
    /// `dockscape.toml` stops.
    pub fn repo(name: &str) -> Tree {
        let t = Tree::new(name);
        std::fs::create_dir_all(t.0.join(".git")).unwrap_or_else(|e| panic!("{e}"));
        t
    }

    /// Write `rel` (creating its folders) with `body`.
    pub fn file(&self, rel: &str, body: impl AsRef<[u8]>) -> &Self {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&p, body).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        self
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The fenced block after `<!-- marker -->` in the README.
pub fn readme_block(marker: &str) -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap_or_else(|e| panic!("README.md: {e}"));
    let at = readme
        .find(&format!("<!-- {marker} -->"))
        .unwrap_or_else(|| panic!("no {marker} in README.md"));
    let rest = readme.get(at..).unwrap_or_default();
    let body = rest
        .find("```")
        .and_then(|s| rest.get(s..))
        .unwrap_or_default();
    let body = body
        .find('\n')
        .and_then(|n| body.get(n + 1..))
        .unwrap_or_default();
    body.get(..body.find("```").unwrap_or(body.len()))
        .unwrap_or_default()
        .to_string()
}

/// A finished command's exit code, stdout and stderr.
pub fn out(o: &std::process::Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
