//! The graph as a Mermaid `flowchart`: boxes with children become subgraphs.

use super::{EdgeKind, Graph, NodeKind};
use crate::error::Result;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Render `graph` as Mermaid `flowchart TB` text. Boxes with children become subgraphs, arrows carry
/// their labels, and arrows and boxes with rule codes are drawn in red with the codes in the label.
pub fn render_mermaid(graph: &Graph) -> Result<String> {
    graph.check()?;
    let ids: HashMap<&str, String> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
        .collect();
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: \"{}\"\n---", yaml_text(&graph.title));
    out.push_str("flowchart TB\n");
    write_children(graph, &ids, None, 1, &mut out);
    let mut risky_nodes = Vec::new();
    for n in &graph.nodes {
        if !n.codes.is_empty() {
            risky_nodes.push(ids.get(n.id.as_str()).cloned().unwrap_or_default());
        }
    }
    let mut risky_edges = Vec::new();
    for (i, e) in graph.edges.iter().enumerate() {
        let (Some(from), Some(to)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) else {
            continue;
        };
        let mut label = e.label.clone();
        if !e.codes.is_empty() {
            if !label.is_empty() {
                label.push_str(" · ");
            }
            label.push_str(&e.codes.join(" "));
            risky_edges.push(i.to_string());
        }
        let arrow = match e.kind {
            EdgeKind::Calls => "-->",
            EdgeKind::Serves => "---",
            EdgeKind::Starts => "-.->",
        };
        if label.is_empty() {
            let _ = writeln!(out, "    {from} {arrow} {to}");
        } else {
            let _ = writeln!(out, "    {from} {arrow}|\"{}\"| {to}", text(&label));
        }
    }
    out.push_str("    classDef host fill:#f5f5f5,stroke:#555\n");
    out.push_str("    classDef vm fill:#eef3fb,stroke:#4a6a9a\n");
    out.push_str("    classDef pod fill:#eef8ee,stroke:#2f6f3f\n");
    out.push_str("    classDef container fill:#ffffff,stroke:#2f6f3f\n");
    out.push_str("    classDef daemon fill:#fff4e0,stroke:#b36b00\n");
    out.push_str("    classDef client fill:#e8f0ff,stroke:#2855a0\n");
    out.push_str("    classDef endpoint fill:#fdfde8,stroke:#777\n");
    out.push_str("    classDef started fill:#f3f3f3,stroke:#777,stroke-dasharray:4 3\n");
    out.push_str("    classDef risk stroke:#c00,stroke-width:2px\n");
    for (kind, class) in [
        (NodeKind::Host, "host"),
        (NodeKind::Vm, "vm"),
        (NodeKind::Pod, "pod"),
        (NodeKind::Container, "container"),
        (NodeKind::Daemon, "daemon"),
        (NodeKind::Client, "client"),
        (NodeKind::Endpoint, "endpoint"),
        (NodeKind::Started, "started"),
    ] {
        let members: Vec<&str> = graph
            .nodes
            .iter()
            .filter(|n| n.kind == kind)
            .filter_map(|n| ids.get(n.id.as_str()).map(String::as_str))
            .collect();
        if !members.is_empty() {
            let _ = writeln!(out, "    class {} {class}", members.join(","));
        }
    }
    if !risky_nodes.is_empty() {
        let _ = writeln!(out, "    class {} risk", risky_nodes.join(","));
    }
    if !risky_edges.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:#c00,stroke-width:2px,color:#c00",
            risky_edges.join(",")
        );
    }
    Ok(out)
}

fn write_children(
    graph: &Graph,
    ids: &HashMap<&str, String>,
    parent: Option<&str>,
    depth: usize,
    out: &mut String,
) {
    let pad = "    ".repeat(depth);
    for n in graph.children(parent) {
        let id = ids.get(n.id.as_str()).cloned().unwrap_or_default();
        let mut label = text(&n.label);
        if let Some(d) = &n.detail {
            label.push_str("<br/>");
            label.push_str(&text(d));
        }
        if !n.codes.is_empty() {
            label.push_str("<br/>");
            label.push_str(&text(&n.codes.join(" ")));
        }
        if graph
            .nodes
            .iter()
            .any(|c| c.parent.as_deref() == Some(n.id.as_str()))
        {
            let _ = writeln!(out, "{pad}subgraph {id}[\"{label}\"]");
            write_children(graph, ids, Some(n.id.as_str()), depth + 1, out);
            let _ = writeln!(out, "{pad}end");
        } else {
            let (open, close) = match n.kind {
                NodeKind::Daemon => ("[[", "]]"),
                NodeKind::Client => ("([", "])"),
                NodeKind::Endpoint => ("[/", "/]"),
                _ => ("[", "]"),
            };
            let _ = writeln!(out, "{pad}{id}{open}\"{label}\"{close}");
        }
    }
}

/// Text for the YAML double-quoted `title` of the front matter.
fn yaml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for a quoted Mermaid label: entity codes for the characters Mermaid or its HTML labels treat
/// specially, and no line breaks.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
