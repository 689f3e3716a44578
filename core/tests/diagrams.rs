//! Topology diagrams: snapshots of the Mermaid and SVG of every scenario and key variant, SVG that is
//! well-formed, self-contained XML naming every container, Mermaid that names every endpoint, and
//! hand-built graphs (what `dockscape lint` will draw) with rule codes on their arrows.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use dockscape::{
    Edge, EdgeKind, ErrorKind, Format, Graph, Node, NodeKind, Options, generate, render_mermaid,
    render_svg,
};

const VARIANTS: &[(&str, &str, &[&str])] = &[
    ("linux", "linux", &[]),
    ("linux-tcp", "linux", &["endpoint=tcp"]),
    ("windows", "windows", &[]),
    ("windows-virtualbox", "windows", &["vm=virtualbox"]),
    ("windows-containers", "windows", &["containers=windows"]),
    ("kubernetes", "kubernetes", &[]),
    ("kubernetes-cri-o", "kubernetes", &["runtime=cri-o"]),
    ("dood", "dood", &[]),
    ("dood-run-dir", "dood", &["mount=run-dir"]),
    ("dind", "dind", &[]),
    ("dind-unix", "dind", &["transport=unix"]),
    ("dind-tcp", "dind", &["transport=tcp"]),
    ("dind-native", "dind", &["sidecar=native"]),
    ("dind-rootless", "dind-rootless", &[]),
    ("sysbox", "sysbox", &[]),
    ("buildkit", "buildkit", &[]),
];

mod common;
use common::scenario;

/// Parse the SVG and check it is self-contained and fits 800 px; returns all its text.
fn check_svg(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("width"), Some("800"));
    for forbidden in [
        "<script",
        "href",
        "<image",
        "@import",
        "@font-face",
        "url(http",
        "<foreignObject",
        "<style",
    ] {
        assert!(!svg.contains(forbidden), "{forbidden} in\n{svg}");
    }
    for n in doc.descendants().filter(|n| n.is_element()) {
        for a in n.attributes() {
            if a.value().contains("url(") {
                assert!(
                    a.value().starts_with("url(#"),
                    "external reference {}",
                    a.value()
                );
            }
            if n.tag_name().name() == "rect" && a.name() == "x" {
                let x: f64 = a.value().parse().unwrap();
                let w: f64 = n.attribute("width").unwrap().parse().unwrap();
                assert!(x >= 0.0 && x + w <= 800.0, "box past 800 px: x={x} w={w}");
            }
        }
    }
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn snapshots_of_every_diagram() {
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        for f in Format::DIAGRAMS {
            assert!(f.applies_to(s.id));
            let a = generate(&s, f, &Options::default()).unwrap();
            assert!(a.notice.is_none());
            assert_eq!(
                a.file_name,
                if f == Format::Svg {
                    "topology.svg"
                } else {
                    "topology.mmd"
                }
            );
            insta::assert_snapshot!(format!("{}__{name}", f.id()), a.text);
            // Deterministic.
            assert_eq!(generate(&s, f, &Options::default()).unwrap().text, a.text);
        }
    }
}

#[test]
fn svg_is_well_formed_and_names_every_container_and_endpoint() {
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        let svg = generate(&s, Format::Svg, &Options::default()).unwrap().text;
        let text = check_svg(&svg);
        for c in &s.pod.containers {
            assert!(
                text.contains(&c.name),
                "{name}: container {} missing",
                c.name
            );
        }
        for c in &s.topology.clients {
            assert!(
                text.contains(&c.endpoint.label()),
                "{name}: endpoint {} missing",
                c.endpoint.label()
            );
            assert!(
                text.contains(&c.program),
                "{name}: client {} missing",
                c.program
            );
        }
        for d in &s.topology.daemons {
            assert!(
                text.contains(d.kind.program()),
                "{name}: daemon {} missing",
                d.kind.program()
            );
        }
        for h in &s.topology.hosts {
            assert!(text.contains(&h.name), "{name}");
            if let Some(vm) = &h.vm {
                assert!(text.contains(vm.kind.id()), "{name}");
            }
        }
        for code in s.risk_codes() {
            assert!(text.contains(code), "{name}: {code} missing");
        }
    }
}

#[test]
fn mermaid_names_every_endpoint_and_container() {
    for (name, id, sets) in VARIANTS {
        let s = scenario(id, sets);
        let m = generate(&s, Format::Mermaid, &Options::default())
            .unwrap()
            .text;
        assert!(m.contains("\nflowchart TB\n"), "{name}");
        for c in &s.topology.clients {
            assert!(
                m.contains(&c.endpoint.url()),
                "{name}: {} missing\n{m}",
                c.endpoint.url()
            );
        }
        for c in &s.pod.containers {
            assert!(m.contains(&c.name), "{name}: {} missing", c.name);
        }
        for code in s.risk_codes() {
            assert!(m.contains(code), "{name}: {code} missing");
        }
        let opens = m
            .lines()
            .filter(|l| l.trim_start().starts_with("subgraph "))
            .count();
        let ends = m.lines().filter(|l| l.trim() == "end").count();
        assert_eq!(opens, ends, "{name}");
    }
    let m = generate(&scenario("dind", &[]), Format::Mermaid, &Options::default())
        .unwrap()
        .text;
    assert!(m.contains("-->|\"tcp://localhost:2376 (TLS)\"|"), "{m}");
    let m = generate(
        &scenario("windows", &[]),
        Format::Mermaid,
        &Options::default(),
    )
    .unwrap()
    .text;
    assert!(m.contains("npipe:////./pipe/docker_engine"), "{m}");
    let m = generate(&scenario("dood", &[]), Format::Mermaid, &Options::default())
        .unwrap()
        .text;
    assert!(
        m.contains("unix:///var/run/docker.sock, hostPath /var/run/docker.sock · DS001 DS016"),
        "{m}"
    );
    assert!(m.contains("linkStyle"), "{m}");
}

#[test]
fn siblings_for_dood_children_for_dind() {
    let g = Graph::from_scenario(&scenario("dood", &[]));
    let sib = g
        .nodes
        .iter()
        .find(|n| n.kind == NodeKind::Started)
        .unwrap();
    assert_eq!(sib.label, "sibling containers");
    assert_eq!(
        g.node(sib.parent.as_deref().unwrap()).unwrap().kind,
        NodeKind::Host
    );
    let g = Graph::from_scenario(&scenario("dind", &[]));
    let inner = g
        .nodes
        .iter()
        .find(|n| n.kind == NodeKind::Started)
        .unwrap();
    assert_eq!(inner.label, "inner containers");
    let parent = g.node(inner.parent.as_deref().unwrap()).unwrap();
    assert_eq!(
        (parent.kind, parent.label.as_str()),
        (NodeKind::Container, "dind-daemon")
    );
    assert_eq!(
        g.node(parent.parent.as_deref().unwrap()).unwrap().kind,
        NodeKind::Pod
    );
}

/// What `dockscape lint --format svg` will draw for a workload that mounts the host socket and talks
/// plain TCP: built by hand, with the rule codes on the offending arrows.
fn lint_graph() -> Graph {
    let mut g = Graph::new("ci-job <lint> & \"friends\"");
    g.add_node(Node::new("node", NodeKind::Host, "node").detail("Linux"));
    g.add_node(Node::new("dockerd", NodeKind::Daemon, "dockerd").inside("node"));
    g.add_node(Node::new("sock", NodeKind::Endpoint, "unix:///var/run/docker.sock").inside("node"));
    g.add_node(Node::new("pod", NodeKind::Pod, "pod ci-job").inside("node"));
    g.add_node(
        Node::new("build", NodeKind::Container, "build")
            .detail("docker:28-cli")
            .inside("pod"),
    );
    g.add_node(
        Node::new("dind", NodeKind::Container, "dind")
            .detail("docker:28-dind, privileged")
            .inside("pod")
            .codes(["DS006", "DS007"]),
    );
    g.add_node(
        Node::new("tcp", NodeKind::Endpoint, "tcp://localhost:2375")
            .inside("dind")
            .codes(["DS009"]),
    );
    g.add_node(Node::new("weird", NodeKind::Container, "a<b & \"c\" 'd' #x|y").inside("pod"));
    g.add_edge(Edge::new("sock", "dockerd", EdgeKind::Serves, ""));
    g.add_edge(
        Edge::new(
            "build",
            "sock",
            EdgeKind::Calls,
            "unix:///var/run/docker.sock",
        )
        .codes(["DS001", "DS016"]),
    );
    g.add_edge(
        Edge::new(
            "build",
            "tcp",
            EdgeKind::Calls,
            "tcp://localhost:2375 (plain, no TLS)",
        )
        .codes(["DS008"]),
    );
    g
}

#[test]
fn hand_built_lint_graph_renders_with_codes_on_edges() {
    let g = lint_graph();
    let svg = render_svg(&g).unwrap();
    let text = check_svg(&svg);
    for needle in [
        "DS001 DS016",
        "DS008",
        "DS006 DS007",
        "DS009",
        "a<b & \"c\" 'd' #x|y",
        "ci-job <lint> & \"friends\"",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    assert!(svg.contains("marker-end=\"url(#arrow-risk)\""));
    let m = render_mermaid(&g).unwrap();
    assert!(
        m.contains("a#lt;b #amp; #quot;c#quot; 'd' #35;x#124;y"),
        "{m}"
    );
    assert!(
        m.starts_with("---\ntitle: \"ci-job <lint> & \\\"friends\\\"\"\n---\n"),
        "{m}"
    );
    assert!(
        m.contains("|\"unix:///var/run/docker.sock · DS001 DS016\"|"),
        "{m}"
    );
    assert!(m.contains("linkStyle 1,2 stroke:#c00"), "{m}");
    insta::assert_snapshot!("mermaid__lint_graph", m);
    insta::assert_snapshot!("svg__lint_graph", svg);
}

#[test]
fn broken_graphs_are_errors_not_panics() {
    let cases: Vec<(Graph, &str)> = vec![
        (
            {
                let mut g = lint_graph();
                g.add_node(Node::new("build", NodeKind::Client, "again"));
                g
            },
            "invalid diagram: node id `build` is used twice",
        ),
        (
            {
                let mut g = lint_graph();
                g.add_node(Node::new("x", NodeKind::Client, "x").inside("nowhere"));
                g
            },
            "invalid diagram: node `x` is inside `nowhere`, which is not a node",
        ),
        (
            {
                let mut g = Graph::new("loop");
                g.add_node(Node::new("a", NodeKind::Host, "a").inside("b"));
                g.add_node(Node::new("b", NodeKind::Host, "b").inside("a"));
                g
            },
            "invalid diagram: node `a` is inside itself",
        ),
        (
            {
                let mut g = lint_graph();
                g.add_edge(Edge::new("build", "ghost", EdgeKind::Calls, ""));
                g
            },
            "invalid diagram: edge `build` -> `ghost` names `ghost`, which is not a node",
        ),
    ];
    for (g, message) in cases {
        for e in [render_svg(&g).unwrap_err(), render_mermaid(&g).unwrap_err()] {
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert_eq!(e.message(), message);
        }
    }
    // Empty graphs and very long labels still render.
    let empty = Graph::new("");
    check_svg(&render_svg(&empty).unwrap());
    render_mermaid(&empty).unwrap();
    let mut long = Graph::new("long");
    long.add_node(Node::new("a", NodeKind::Container, "x".repeat(500)).detail("y ".repeat(300)));
    check_svg(&render_svg(&long).unwrap());
}
