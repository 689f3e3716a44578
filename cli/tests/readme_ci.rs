//! The README's GitLab job, GitHub workflow and Jenkinsfile use the CI report formats; `dockscape lint`
//! reports nothing on any of them (and reads each as its CI system: not skipped).

use std::process::Command;

fn snippet(readme: &str, marker: &str) -> String {
    let at = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README has no {marker}"));
    let rest = &readme[at..];
    // the code block after the marker, whatever its language
    let fence = rest.find("```").unwrap();
    let start = fence + rest[fence..].find('\n').unwrap() + 1;
    let end = rest[start..].find("```").unwrap();
    rest[start..start + end].to_string()
}

#[test]
fn the_readme_ci_snippets_lint_clean() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let dir = std::env::temp_dir().join(format!("dockscape-readme-ci-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".github/workflows")).unwrap();
    std::fs::write(
        dir.join(".gitlab-ci.yml"),
        snippet(&readme, "<!-- ci-gitlab -->"),
    )
    .unwrap();
    std::fs::write(
        dir.join(".github/workflows/dockscape.yml"),
        snippet(&readme, "<!-- ci-github -->"),
    )
    .unwrap();
    let jenkinsfile = snippet(&readme, "<!-- ci-jenkins -->");
    assert!(
        jenkinsfile.contains("--format junit")
            && jenkinsfile.contains("junit 'dockscape-junit.xml'"),
        "{jenkinsfile}"
    );
    std::fs::write(dir.join("Jenkinsfile"), jenkinsfile).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_dockscape"))
        .args(["lint", "--fail-on", "info", "--format", "json", "."])
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{v}");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(
        v["skipped"].as_array().map(Vec::len),
        Some(0),
        "all read as CI files: {v}"
    );
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0), "{v}");
}
