//! `docs/rules/<name>.md` is generated from each rule's doc comment. This test fails when a page
//! is stale or missing; `UPDATE_DOCS=1 cargo test -p dockscape --test lint_docs` rewrites them.

#![allow(clippy::disallowed_methods)] // tests read fixtures and write snapshots; the library stays pure

use std::path::PathBuf;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules")
}

#[test]
fn rule_pages_are_up_to_date() {
    let dir = docs_dir();
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    let rules = dockscape::rules();
    for r in &rules {
        let path = dir.join(format!("{}.md", r.name));
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != r.docs {
            if update {
                std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
                std::fs::write(&path, &r.docs)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    // pages of rules that no longer exist
    let mut orphans = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".md") else {
                continue;
            };
            if stem != "README" && !rules.iter().any(|r| r.name == stem) {
                if update {
                    let _ = std::fs::remove_file(e.path());
                } else {
                    orphans.push(name);
                }
            }
        }
    }
    // the rule table of docs/rules/README.md, between its markers
    let readme = dir.join("README.md");
    let current = std::fs::read_to_string(&readme).unwrap_or_default();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let mut table =
        String::from("| code | name | severity | fix | summary |\n|---|---|---|---|---|\n");
    for r in &rules {
        table.push_str(&format!(
            "| {} | [{}]({}.md) | {} | {} | {} |\n",
            r.code,
            r.name,
            r.name,
            r.severity,
            r.fix.map_or("", |f| f.as_str()),
            r.summary
        ));
    }
    let wanted = match (current.find(start), current.find(end)) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{start}{table}{}", &current[..a], &current[b..])
        }
        _ => panic!("{} lacks the rules markers", readme.display()),
    };
    if wanted != current {
        if update {
            std::fs::write(&readme, &wanted).unwrap_or_else(|e| panic!("{e}"));
        } else {
            stale.push(readme.display().to_string());
        }
    }
    assert!(
        stale.is_empty() && orphans.is_empty(),
        "stale rule pages {stale:?}, orphan pages {orphans:?}: run \
         `UPDATE_DOCS=1 cargo test -p dockscape --test lint_docs`"
    );
}
