//! CI inputs: `fixtures/lint/_ci/<system>/*`, real-world-shaped GitLab CI, Drone, Tekton, Jenkins
//! and actions-runner-controller files. Each file is detected by its name and content (no
//! `--input`), declares the codes it must lint to on an `expect:` comment line, and its text
//! output plus its workloads' scenarios are snapshotted beside it as `<file>.snap`.

#![allow(clippy::disallowed_methods)] // tests read fixtures and write snapshots; the library stays pure
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dockscape::{InputKind, LintInput, LintOptions, WorkloadScenario, lint};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/_ci")
}

fn expected(text: &str) -> BTreeSet<String> {
    text.lines()
        .find_map(|l| l.split_once("expect:").map(|(_, rest)| rest))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

fn lint_text(file: &str, text: &str, kind: Option<InputKind>) -> dockscape::LintReport {
    lint(&[LintInput { file, text, kind }], &LintOptions::default())
}

#[test]
fn ci_fixtures() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut systems: Vec<PathBuf> = std::fs::read_dir(root())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    systems.sort();
    for dir in systems {
        let system = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.to_string_lossy();
                !n.ends_with(".snap") && !n.contains(".snap.") && !n.ends_with(".pending-snap")
            })
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&file).unwrap();
            let display = format!("{system}/{name}");
            let report = lint_text(&display, &text, None);
            let got: BTreeSet<String> = report.active().map(|f| f.code.to_string()).collect();
            let want = expected(&text);
            if got != want {
                failures.push(format!("{display}: linted {got:?}, expected {want:?}"));
            }
            if !report.errors.is_empty() {
                failures.push(format!("{display}: errors {:?}", report.errors));
            }
            let mut out = report.to_text(false);
            out.push_str("\nworkloads:\n");
            for w in &report.workloads {
                out.push_str(&format!(
                    "  {}:{} {} -> {}\n",
                    w.file, w.line, w.workload, w.scenario
                ));
            }
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(&dir);
            settings.set_prepend_module_to_snapshot(false);
            settings.set_input_file(&file);
            settings.set_omit_expression(true);
            settings.bind(|| insta::assert_snapshot!(name.clone(), out));
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every finding points at a real position: the reported source line is the file's line, and the
/// column is inside it.
#[test]
fn positions_are_in_the_original_file() {
    for (path, kind) in [
        ("jenkins/scripted-dind.Jenkinsfile", None),
        ("jenkins/dood-hostpath.Jenkinsfile", None),
        ("drone/commands-run.drone.yml", None),
        ("gitlab/script-socket.gitlab-ci.yml", None),
        ("github-arc/values-dind.yaml", None),
        ("tekton/pipelinerun-inline.yaml", Some(InputKind::Tekton)),
    ] {
        let text = std::fs::read_to_string(root().join(path)).unwrap();
        let report = lint_text(path, &text, kind);
        assert!(!report.findings.is_empty(), "{path}");
        for f in &report.findings {
            let line = text.lines().nth(f.line - 1).unwrap_or("");
            assert_eq!(f.source_line, line, "{path}: {f:?}");
            assert!(
                f.column >= 1 && f.column <= line.chars().count(),
                "{path}: column {} outside `{line}`",
                f.column
            );
        }
    }
}

/// Exact positions of values the findings point at.
#[test]
fn exact_positions() {
    let at = |path: &str, code: &str| -> Vec<(usize, usize, String)> {
        let text = std::fs::read_to_string(root().join(path)).unwrap();
        let report = lint_text(path, &text, None);
        report
            .findings
            .iter()
            .filter(|f| f.code == code)
            .map(|f| {
                let rest: String = f.source_line.chars().skip(f.column - 1).collect();
                (f.line, f.column, rest)
            })
            .collect()
    };
    // a Groovy """ string: the hostPath value in the Jenkinsfile
    let j = at("jenkins/dood-hostpath.Jenkinsfile", "DS001");
    assert_eq!(j.len(), 1, "{j:?}");
    assert_eq!(j[0].0, 23);
    assert_eq!(j[0].2, "/var/run/docker.sock");
    // after Groovy escapes on the same line (`\"dind\"` is two characters longer in the file)
    let j = at("jenkins/scripted-dind.Jenkinsfile", "DS008");
    assert_eq!(j.len(), 1, "{j:?}");
    assert_eq!(j[0].2, "tcp://localhost:2375");
    // a `docker run` inside a Drone command, on its word
    let d = at("drone/commands-run.drone.yml", "DS002");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].2.starts_with("/var/run:/var/run"), "{d:?}");
    // a quoted GitLab script line
    let g = at("gitlab/script-socket.gitlab-ci.yml", "DS006");
    assert_eq!(g.len(), 1, "{g:?}");
    assert_eq!(g[0].0, 7);
    assert!(g[0].2.starts_with("--privileged"), "{g:?}");
    // the containerMode value of the ARC values
    let a = at("github-arc/values-dind.yaml", "DS006");
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].2, "\"dind\"");
}

#[test]
fn forced_kinds_and_classification() {
    let tekton =
        std::fs::read_to_string(root().join("tekton/docs-dind-sidecar-task.yaml")).unwrap();
    // forced by --input, with a name that says nothing
    let r = lint_text("-", &tekton, Some(InputKind::Tekton));
    assert_eq!(r.workloads.len(), 1);
    assert_eq!(r.workloads[0].workload, "Task/docker-build");
    assert_eq!(r.workloads[0].scenario, WorkloadScenario::Dind);
    let drone = std::fs::read_to_string(root().join("drone/host-socket.drone.yml")).unwrap();
    let r = lint_text(".drone.yml", &drone, None);
    let pipelines: Vec<_> = r
        .workloads
        .iter()
        .filter(|w| w.kind == "pipeline")
        .collect();
    assert_eq!(pipelines.len(), 1, "{:?}", r.workloads);
    assert_eq!(pipelines[0].scenario, WorkloadScenario::Dood);
    // the kinds parse from their --input names
    for (s, k) in [
        ("tekton", InputKind::Tekton),
        ("github-arc", InputKind::GithubArc),
        ("jenkins", InputKind::Jenkins),
        ("gitlab", InputKind::Gitlab),
        ("drone", InputKind::Drone),
        ("gitlab-runner", InputKind::GitlabRunner),
        ("github-actions", InputKind::GithubActions),
    ] {
        assert_eq!(s.parse::<InputKind>().unwrap(), k);
    }
    // a GitLab file read from stdin is detected by its content
    let gitlab =
        std::fs::read_to_string(root().join("gitlab/docs-dind-tls.gitlab-ci.yml")).unwrap();
    let r = lint_text("-", &gitlab, None);
    let jobs: Vec<_> = r.workloads.iter().filter(|w| w.kind == "job").collect();
    assert_eq!(jobs.len(), 1, "{:?}", r.workloads);
    assert_eq!(jobs[0].workload, "job/build");
    assert_eq!(jobs[0].scenario, WorkloadScenario::Dind);
    // its `docker run` line is a workload of its own, named by its line in the file
    assert!(
        r.workloads.iter().any(|w| w.workload == "run/line 22"),
        "{:?}",
        r.workloads
    );
}

#[test]
fn bad_ci_input_is_an_error_not_a_panic() {
    let r = lint_text(
        "Jenkinsfile",
        "podTemplate(yaml: '''\napiVersion: v1\nkind: Pod\nspec: [\n''') {}\n",
        None,
    );
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors[0].message.contains("podTemplate yaml"),
        "{:?}",
        r.errors
    );
    for text in [
        "podTemplate(yaml: '''",
        "podTemplate(yaml: \"\\u12",
        "yaml",
        "yaml: '\\",
        "kind: pipeline\nsteps: 3\nvolumes: {a: 1}\n",
        "containerMode: {type: dind}\ntemplate: [1]\n",
        "build:\n  script: [1]\n  services: [{alias: x}, 3]\n  extends: [build]\n",
        "on: push\njobs:\n  a:\n    container: {options: '--privileged -v'}\n    services: {s: 3, t: {options: \"-e\"}}\n    steps: [{run: [1]}]\n",
        "apiVersion: tekton.dev/v1\nkind: PipelineRun\nspec:\n  pipelineSpec:\n    tasks: [{taskSpec: {steps: [1, {}]}}]\n",
    ] {
        let _ = lint_text("x", text, None);
        for k in [
            InputKind::Tekton,
            InputKind::GithubArc,
            InputKind::Jenkins,
            InputKind::Gitlab,
            InputKind::Drone,
            InputKind::GitlabRunner,
            InputKind::GithubActions,
        ] {
            let _ = lint_text("x", text, Some(k));
        }
    }
}

proptest::proptest! {
    /// Any text, read as any CI kind: no panic, and every finding's line is a line of the text.
    #[test]
    fn any_text_as_any_ci_kind(
        text in "(podTemplate\\(|containerTemplate\\(|yaml |sh |'''|\"\"\"|kind: pipeline\n|steps:\n|- |services:\n|script:|image: docker:dind\n|privileged: true\n|\\[\\[runners\\]\\]\n|volumes = \\[|[a-z:'\"\\\\(){}\\[\\], \n#$/.-]){0,60}",
        k in 0usize..7,
    ) {
        let kind = [
            InputKind::Tekton,
            InputKind::GithubArc,
            InputKind::Jenkins,
            InputKind::Gitlab,
            InputKind::Drone,
            InputKind::GitlabRunner,
            InputKind::GithubActions,
        ][k];
        for kind in [Some(kind), None] {
            let r = lint_text("Jenkinsfile", &text, kind);
            let lines = text.lines().count().max(1);
            for f in &r.findings {
                proptest::prop_assert!(f.line <= lines, "{f:?}");
            }
        }
    }
}

/// Input errors of embedded text reach the report, placed where the text sits in the outer file:
/// the Kubernetes reader's errors inside a `podTemplate(yaml:)` string, and the shell reader's
/// inside a Jenkins `sh` step and CI script scalars (plain, quoted, block).
#[test]
fn embedded_errors_are_placed_in_the_file() {
    let errs = |file: &str, text: &str| -> Vec<(Option<usize>, Option<usize>, String)> {
        lint_text(file, text, None)
            .errors
            .into_iter()
            .map(|e| (e.line, e.column, e.message))
            .collect()
    };
    // a duplicate key on line 4, column 5 of the Jenkinsfile (the `yaml:` string starts on line 1)
    let jf = "podTemplate(yaml: '''\nspec:\n  hostNetwork: false\n  hostNetwork: true\n  containers: [{name: a, image: alpine}]\n''') { node(POD_LABEL) { sh 'true' } }\n";
    let e = errs("Jenkinsfile", jf);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (Some(4), Some(3)), "{e:?}");
    assert!(e[0].2.contains("duplicate key `hostNetwork`"), "{e:?}");
    // an escaped quote before the error shifts nothing: the table maps each character
    let jf = "podTemplate(yaml: '''\nmetadata: {name: it\\'s}\nspec:\n  containers: [{name: a, image: alpine, securityContext: 3}]\n''') {}\n";
    let e = errs("Jenkinsfile", jf);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, Some(4), "{e:?}");
    assert!(e[0].2.contains("securityContext"), "{e:?}");
    // a Jenkins `sh` step: the unterminated quote at line 2, column 35
    let jf = "node {\n  sh 'docker run --rm alpine echo \"x'\n}\n";
    let e = errs("Jenkinsfile", jf);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (Some(2), Some(35)), "{e:?}");
    assert!(e[0].2.starts_with("in this sh step: "), "{e:?}");
    // GitLab: a plain script line, then a quoted one (the column counts the YAML quote)
    let gl = "job:\n  image: docker:cli\n  script:\n    - docker run alpine echo 'x\n    - \"docker run alpine echo 'y\"\n";
    let e = errs(".gitlab-ci.yml", gl);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (Some(4), Some(30)), "{e:?}");
    assert_eq!((e[1].0, e[1].1), (Some(5), Some(31)), "{e:?}");
    // a Tekton step's block `script`: the line of the file holding the error
    let tk = "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps:\n    - name: s\n      image: docker:cli\n      script: |\n        echo ok\n        docker run alpine echo \"z\n";
    let e = errs("task.yaml", tk);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, Some(10), "{e:?}");
}
