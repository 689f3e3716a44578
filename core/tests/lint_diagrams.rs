//! Lint diagrams: what one linted workload reaches, with its findings' codes on the offending edges,
//! as Mermaid and SVG (snapshots), for the seeds' DooD and DinD pods and a rootless DinD pod.

#![allow(clippy::disallowed_methods)] // tests read fixtures; the library stays pure
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use dockscape::{
    EdgeKind, Format, Graph, LintInput, LintOptions, LintReport, NodeKind, Options, Params,
    build_scenario, generate, lint, render_mermaid, render_svg,
};

fn lint_one(file: &str, text: &str) -> LintReport {
    lint(
        &[LintInput {
            file,
            text,
            kind: None,
        }],
        &LintOptions::default(),
    )
}

fn seed(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint/_seeds")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

/// The SVG parses as XML, is an `<svg>` in the SVG namespace, and holds no script or external
/// reference; its text content is returned.
fn check_svg(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    for forbidden in ["<script", "href", "<image", "@import"] {
        assert!(!svg.contains(forbidden), "{forbidden} in svg");
    }
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ")
}

fn edge_codes(g: &Graph, to_kind: NodeKind) -> Vec<String> {
    g.edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Calls)
        .filter(|e| g.node(&e.to).is_some_and(|n| n.kind == to_kind))
        .flat_map(|e| e.codes.iter().cloned())
        .collect()
}

fn snapshot(name: &str, g: &Graph) {
    g.check().unwrap();
    let svg = render_svg(g).unwrap();
    check_svg(&svg);
    insta::assert_snapshot!(format!("mermaid__{name}"), render_mermaid(g).unwrap());
    insta::assert_snapshot!(format!("svg__{name}"), svg);
}

#[test]
fn dood_pod_reaches_the_host_daemon_through_the_socket_directory() {
    let report = lint_one("002-dood.yaml", &seed("002-dood.yaml"));
    // the pod, not the `docker run -p 80:80 httpd` its command runs (a workload of its own)
    let g = report.diagram(Some("Pod/dood")).unwrap();
    let calls: Vec<_> = g
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Calls)
        .collect();
    assert_eq!(calls.len(), 1, "{g:?}");
    assert!(calls[0].label.contains("hostPath /var/run"), "{g:?}");
    assert!(calls[0].codes.contains(&"DS002".to_string()), "{g:?}");
    // the host daemon starts siblings on the host
    assert!(
        g.nodes
            .iter()
            .any(|n| n.kind == NodeKind::Started && n.parent.as_deref() == Some("host"))
    );
    let text = check_svg(&render_svg(&g).unwrap());
    assert!(text.contains("DS002"), "{text}");
    snapshot("lint_dood", &g);
}

#[test]
fn seed_dind_pod_has_ds008_on_the_plain_tcp_edge() {
    let report = lint_one("002-dind.yaml", &seed("002-dind.yaml"));
    let g = report.diagram(Some("Pod/dind")).unwrap();
    assert_eq!(edge_codes(&g, NodeKind::Endpoint), vec!["DS008"], "{g:?}");
    let tcp = g
        .edges
        .iter()
        .find(|e| e.codes.contains(&"DS008".to_string()))
        .unwrap();
    assert_eq!(tcp.label, "tcp://localhost:2375 (plain, no TLS)");
    // the endpoint sits in the daemon's container, the daemon's codes on its box
    let ep = g.node(&tcp.to).unwrap();
    let daemon_box = g.node(ep.parent.as_deref().unwrap()).unwrap();
    assert_eq!(daemon_box.label, "dind-daemon");
    assert!(daemon_box.codes.contains(&"DS006".to_string()), "{g:?}");
    assert!(daemon_box.codes.contains(&"DS007".to_string()), "{g:?}");
    assert!(
        g.nodes
            .iter()
            .any(|n| n.kind == NodeKind::Daemon && n.parent.as_deref() == Some(&daemon_box.id))
    );
    snapshot("lint_dind_seed", &g);
}

#[test]
fn rootless_dind_pod() {
    let s = build_scenario("dind-rootless", &Params::new()).unwrap();
    let pod = generate(&s, Format::Pod, &Options::default()).unwrap();
    let report = lint_one("pod.yaml", &pod.text);
    let g = report.diagram(None).unwrap();
    assert!(
        g.nodes
            .iter()
            .any(|n| n.kind == NodeKind::Daemon && n.label == "dockerd (rootless)"),
        "{g:?}"
    );
    // TLS: no code on the client's edge
    let calls: Vec<_> = g
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Calls)
        .collect();
    assert!(!calls.is_empty(), "{g:?}");
    assert!(calls.iter().all(|e| e.codes.is_empty()), "{g:?}");
    assert!(calls.iter().all(|e| e.label.ends_with("(TLS)")), "{g:?}");
    snapshot("lint_dind_rootless", &g);
}

#[test]
fn ci_recipes_draw_too() {
    // a Drone pipeline with a host socket volume
    let s = build_scenario("dood", &Params::new()).unwrap();
    let a = generate(&s, Format::Drone, &Options::default()).unwrap();
    let report = lint_one(&a.file_name, &a.text);
    let g = report.diagram(Some("pipeline/dood")).unwrap();
    assert!(
        edge_codes(&g, NodeKind::Endpoint).contains(&"DS001".to_string()),
        "{g:?}"
    );
    check_svg(&render_svg(&g).unwrap());
}

#[test]
fn zero_or_several_workloads_are_errors() {
    let none = lint_one("empty.yaml", "apiVersion: v1\nkind: ConfigMap\n");
    let e = none.diagram(None).unwrap_err();
    assert_eq!(e.to_string(), "no workload to draw: the input has none");
    let two = lint_one(
        "two.yaml",
        &format!("{}\n---\n{}", seed("002-dood.yaml"), seed("002-dind.yaml")),
    );
    let e = two.diagram(None).unwrap_err().to_string();
    assert!(
        e.contains("4 workloads match") && e.contains("`Pod/dood`") && e.contains("`Pod/dind`"),
        "{e}"
    );
    assert!(two.diagram(Some("Pod/dood")).is_ok());
    let e = two.diagram(Some("Pod/nope")).unwrap_err().to_string();
    assert!(e.contains("no workload `Pod/nope`"), "{e}");
}

#[test]
fn a_remote_plain_tcp_daemon_is_another_host() {
    let report = lint_one(
        "compose.yaml",
        "services:\n  ci:\n    image: docker:cli\n    environment:\n      DOCKER_HOST: tcp://10.0.0.1:2375\n",
    );
    let g = report.diagram(Some("service/ci")).unwrap();
    g.check().unwrap();
    let remote = g
        .nodes
        .iter()
        .find(|n| n.kind == NodeKind::Host && n.label == "10.0.0.1")
        .unwrap();
    let ep = g
        .nodes
        .iter()
        .find(|n| n.kind == NodeKind::Endpoint && n.parent.as_deref() == Some(&remote.id))
        .unwrap();
    assert_eq!(ep.label, "tcp://10.0.0.1:2375 (plain, no TLS)");
    assert_eq!(edge_codes(&g, NodeKind::Endpoint), vec!["DS008"]);
    check_svg(&render_svg(&g).unwrap());
}
