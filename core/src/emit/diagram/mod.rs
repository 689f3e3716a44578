//! Topology diagrams: a small graph of nested boxes and labelled arrows, built from a [`Scenario`] (or by
//! hand, e.g. from a linted workload), rendered as Mermaid text or as a self-contained SVG.
//!
//! # Building a graph by hand
//! A [`Graph`] is nodes (boxes) and edges (arrows). A node sits inside its `parent` (a host holds a VM,
//! a VM a daemon, a pod its containers, a container the daemon or client that runs in it); roots have
//! no parent. An edge goes from a client to what it calls (usually an [`NodeKind::Endpoint`] node: a
//! socket, a pipe, a TCP port), or from a daemon to the containers it starts, and may carry lint rule
//! codes, drawn in red on the offending arrow.
//!
//! [`Graph::from_scenario`] follows these conventions, and a lint diagram should too, so both read
//! alike:
//! - one [`NodeKind::Host`] per machine (a [`NodeKind::Vm`] inside it when the daemon runs in a VM);
//! - the workload as a [`NodeKind::Pod`] inside the host, its containers inside the pod, and a client
//!   program ([`NodeKind::Client`], `docker`) inside the container that runs it;
//! - every daemon as a [`NodeKind::Daemon`] where it runs (the host, the VM, or the container of a DinD
//!   sidecar), each socket, pipe or port as a [`NodeKind::Endpoint`] beside it with an
//!   [`EdgeKind::Serves`] edge to its daemon (a named pipe sits on the Windows host);
//! - what a workload reaches as [`EdgeKind::Calls`] edges from the client (or, for a lint diagram, from
//!   the container) to the endpoint, labelled with the endpoint as `DOCKER_HOST` would spell it
//!   ([`Endpoint::label`](crate::Endpoint::label)), plus `, hostPath <path>` when a host socket is
//!   mounted; the rule codes go on that edge (`DS001` for a mounted runtime socket, `DS008` for plain
//!   TCP), and codes about a container itself (`DS006` privileged) go on its node;
//! - the containers a daemon starts as a [`NodeKind::Started`] node with an [`EdgeKind::Starts`] edge:
//!   on the host for DooD (siblings), inside the daemon's container for DinD (children).
//!
//! ```
//! use dockscape::{Edge, EdgeKind, Graph, Node, NodeKind};
//! let mut g = Graph::new("ci-job (lint)");
//! g.add_node(Node::new("node", NodeKind::Host, "node"));
//! g.add_node(Node::new("sock", NodeKind::Endpoint, "unix:///var/run/docker.sock").inside("node"));
//! g.add_node(Node::new("dockerd", NodeKind::Daemon, "dockerd").inside("node"));
//! g.add_node(Node::new("pod", NodeKind::Pod, "pod ci-job").inside("node"));
//! g.add_node(Node::new("build", NodeKind::Container, "build").detail("docker:28-cli").inside("pod"));
//! g.add_edge(Edge::new("build", "sock", EdgeKind::Calls, "unix:///var/run/docker.sock").codes(["DS001"]));
//! g.add_edge(Edge::new("sock", "dockerd", EdgeKind::Serves, ""));
//! let svg = dockscape::render_svg(&g).unwrap();
//! assert!(svg.contains("DS001"));
//! let mermaid = dockscape::render_mermaid(&g).unwrap();
//! assert!(mermaid.contains("flowchart TB"));
//! ```

mod build;
mod mermaid;
mod svg;

pub use mermaid::render_mermaid;
pub use svg::render_svg;

use crate::error::{Error, ErrorKind, Result};
use serde::Serialize;
use std::collections::HashMap;

/// What a box in a diagram stands for (it picks the shape and colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A machine (a Linux host, a Windows host, a Kubernetes node).
    Host,
    /// The Linux VM of a Windows or macOS host.
    Vm,
    /// A Kubernetes pod.
    Pod,
    /// A container of the pod.
    Container,
    /// A daemon (`dockerd`, `containerd`, `buildkitd`).
    Daemon,
    /// A client program (`docker`, `kubelet`, `crictl`, `buildctl`).
    Client,
    /// A socket, a named pipe or a TCP port a daemon listens on.
    Endpoint,
    /// Containers a daemon starts (siblings on the host, children inside a pod, the workload).
    Started,
}

/// What an arrow means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// A client calls an endpoint (or a daemon), labelled with the endpoint.
    Calls,
    /// An endpoint belongs to a daemon (unlabelled; the SVG leaves it out and says it in the endpoint's
    /// text, Mermaid draws a plain line).
    Serves,
    /// A daemon starts containers.
    Starts,
}

/// A box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Unique id in the graph (any text; renderers make their own safe ids).
    pub id: String,
    /// What it is.
    pub kind: NodeKind,
    /// First line (a name).
    pub label: String,
    /// Second line (an image, an OS, a path), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The id of the box it sits in; `None` for a root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Lint rule codes that concern this box (`DS006` on a privileged container).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
}

impl Node {
    /// A root box with a label.
    pub fn new(id: impl Into<String>, kind: NodeKind, label: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind,
            label: label.into(),
            detail: None,
            parent: None,
            codes: Vec::new(),
        }
    }

    /// The same box inside `parent`.
    #[must_use]
    pub fn inside(mut self, parent: impl Into<String>) -> Self {
        self.parent = Some(parent.into());
        self
    }

    /// The same box with a second line.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The same box with rule codes.
    #[must_use]
    pub fn codes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, codes: I) -> Self {
        self.codes.extend(codes.into_iter().map(Into::into));
        self
    }
}

/// An arrow between two boxes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Id of the box it starts at.
    pub from: String,
    /// Id of the box it points to.
    pub to: String,
    /// What it means.
    pub kind: EdgeKind,
    /// Its label (an endpoint such as `tcp://localhost:2376 (TLS)`); may be empty.
    pub label: String,
    /// Lint rule codes on this arrow (`DS001` on a client reaching the host's socket).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
}

impl Edge {
    /// An arrow without rule codes.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        kind: EdgeKind,
        label: impl Into<String>,
    ) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            kind,
            label: label.into(),
            codes: Vec::new(),
        }
    }

    /// The same arrow with rule codes.
    #[must_use]
    pub fn codes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, codes: I) -> Self {
        self.codes.extend(codes.into_iter().map(Into::into));
        self
    }
}

/// A diagram: nested boxes and labelled arrows. Build it with [`Graph::from_scenario`] or by hand
/// (see the module example), then render it with [`render_mermaid`] or [`render_svg`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// The caption.
    pub title: String,
    /// The boxes, in drawing order (parents before or after their children: order among siblings is
    /// what counts).
    pub nodes: Vec<Node>,
    /// The arrows, numbered in this order.
    pub edges: Vec<Edge>,
}

impl Graph {
    /// An empty graph with a caption.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }

    /// Add a box.
    pub fn add_node(&mut self, node: Node) {
        self.nodes.push(node);
    }

    /// Add an arrow.
    pub fn add_edge(&mut self, edge: Edge) {
        self.edges.push(edge);
    }

    /// The box with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Check the graph: unique ids, parents and edge ends that exist, no box inside itself.
    pub fn check(&self) -> Result<()> {
        let index = self.index()?;
        for n in &self.nodes {
            if let Some(p) = n.parent.as_deref().filter(|p| !index.contains_key(p)) {
                return Err(invalid(format!(
                    "node `{}` is inside `{p}`, which is not a node",
                    n.id
                )));
            }
            // Walk up: more steps than nodes means a cycle.
            let mut cur = n.parent.as_deref();
            let mut steps = 0;
            while let Some(p) = cur {
                steps += 1;
                if steps > self.nodes.len() {
                    return Err(invalid(format!("node `{}` is inside itself", n.id)));
                }
                cur = index
                    .get(p)
                    .and_then(|&i| self.nodes.get(i))
                    .and_then(|x| x.parent.as_deref());
            }
        }
        for e in &self.edges {
            for end in [&e.from, &e.to] {
                if !index.contains_key(end.as_str()) {
                    return Err(invalid(format!(
                        "edge `{}` -> `{}` names `{end}`, which is not a node",
                        e.from, e.to
                    )));
                }
            }
        }
        Ok(())
    }

    fn index(&self) -> Result<HashMap<&str, usize>> {
        let mut index = HashMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if index.insert(n.id.as_str(), i).is_some() {
                return Err(invalid(format!("node id `{}` is used twice", n.id)));
            }
        }
        Ok(index)
    }

    /// The children of `parent` (the roots for `None`), in node order.
    fn children<'g>(&'g self, parent: Option<&'g str>) -> impl Iterator<Item = &'g Node> + 'g {
        self.nodes
            .iter()
            .filter(move |n| n.parent.as_deref() == parent)
    }
}

fn invalid(message: String) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("invalid diagram: {message}"),
    )
}
