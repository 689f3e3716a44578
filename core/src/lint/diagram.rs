//! Lint diagrams: what one linted workload can reach, drawn with the topology diagrams' [`Graph`]
//! (the host daemon through a mounted socket, its own daemon, a TCP endpoint), with the codes of
//! its findings on the offending edges (socket and TCP codes) and boxes (the rest).
//!
//! While linting, each workload's reach is kept as a small owned [`Reach`] (the IR borrows the
//! input and is gone when [`lint`](super::lint) returns); [`LintReport::diagram`] builds the graph
//! from it and the workload's findings.

use super::types::{Finding, LintReport, LintedWorkload};
use crate::emit::diagram::{Edge, EdgeKind, Graph, Node, NodeKind};
use crate::error::{Error, ErrorKind, Result};
use crate::read::ir::{Container, Workload};
use crate::read::paths::{PathClass, Runtime};

/// Codes drawn on the edge from a container to a host socket it mounts.
const SOCKET_CODES: &[&str] = &["DS001", "DS002", "DS005", "DS016", "DS020", "DS021"];
/// Codes drawn on the edge from a client to a TCP endpoint.
const TCP_CODES: &[&str] = &["DS008"];
/// Codes drawn on a daemon's TCP endpoint.
const ENDPOINT_CODES: &[&str] = &["DS009", "DS010"];

/// What one workload reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reach {
    containers: Vec<Reacher>,
    sysbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Reacher {
    name: String,
    image: Option<String>,
    privileged: bool,
    /// Runs a Docker daemon: `Some(rootless)`.
    daemon: Option<bool>,
    /// Host runtime sockets, socket directories and pipes it mounts.
    host: Vec<HostLink>,
    /// `DOCKER_HOST`, when set.
    docker_host: Option<String>,
    /// `DOCKER_TLS_VERIFY` or `DOCKER_CERT_PATH` set.
    tls: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct HostLink {
    /// The effective host path.
    path: String,
    /// Where it appears in the container.
    target: Option<String>,
    /// `Docker`, `containerd`, ...
    runtime: &'static str,
    /// For a socket directory: the socket it holds.
    dir: Option<&'static str>,
    pipe: bool,
}

/// Keep what a diagram of `w` needs.
pub(crate) fn reach(w: &Workload<'_>) -> Reach {
    Reach {
        containers: w.containers.iter().map(reacher).collect(),
        sysbox: w.sysbox(),
    }
}

fn reacher(c: &Container<'_>) -> Reacher {
    let host = c
        .mounts
        .iter()
        .filter_map(|m| {
            let h = m.host.as_ref()?;
            let runtime: Runtime = h.runtime()?;
            Some(HostLink {
                path: h.effective.clone(),
                target: m.target.as_ref().map(|t| t.as_str().to_string()),
                runtime: runtime.label(),
                dir: match h.class {
                    PathClass::SocketDir(sock) => Some(sock.path),
                    _ => None,
                },
                pipe: matches!(h.class, PathClass::Pipe(_)),
            })
        })
        .collect();
    Reacher {
        name: c.name.to_string(),
        image: c.image.as_ref().map(|i| i.as_str().to_string()),
        privileged: c.security.privileged.is_some(),
        daemon: c.runs_dockerd().then(|| c.rootless_daemon()),
        host,
        docker_host: c
            .env_value("DOCKER_HOST")
            .map(|v| v.as_str().trim().to_string())
            .filter(|v| !v.is_empty()),
        tls: c
            .env_value("DOCKER_TLS_VERIFY")
            .is_some_and(|v| !v.as_str().trim().is_empty() && v.as_str().trim() != "0")
            || c.env_value("DOCKER_CERT_PATH").is_some(),
    }
}

impl LintReport {
    /// The diagram of one linted workload: what it can reach, with the codes of its (unsuppressed)
    /// findings on the offending edges and boxes.
    ///
    /// `workload` picks it by its label (`Pod/default/ci`, as in [`LintedWorkload::workload`]) or
    /// by `kind/name`; `None` takes the only workload. Errors when nothing or more than one
    /// workload matches.
    pub fn diagram(&self, workload: Option<&str>) -> Result<Graph> {
        let matching: Vec<usize> = self
            .workloads
            .iter()
            .enumerate()
            .filter(|(_, w)| {
                workload.is_none_or(|s| {
                    let s = s.trim();
                    w.workload == s || format!("{}/{}", w.kind, w.name) == s
                })
            })
            .map(|(i, _)| i)
            .collect();
        let labels = || {
            self.workloads
                .iter()
                .map(|w| format!("`{}`", w.workload))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (matching.as_slice(), workload) {
            ([i], _) => {
                let (Some(w), Some(r)) = (self.workloads.get(*i), self.reach.get(*i)) else {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        "the workload has no recorded reach",
                    ));
                };
                let findings: Vec<&Finding> = self
                    .active()
                    .filter(|f| f.file == w.file && f.workload.as_deref() == Some(&w.workload))
                    .collect();
                Ok(graph(w, r, &findings))
            }
            ([], None) => Err(Error::new(
                ErrorKind::InvalidInput,
                "no workload to draw: the input has none",
            )),
            ([], Some(s)) => Err(Error::new(
                ErrorKind::InvalidInput,
                if self.workloads.is_empty() {
                    format!("no workload `{s}`: the input has none")
                } else {
                    format!("no workload `{s}`; the input has {}", labels())
                },
            )),
            (many, _) => Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} workloads match, a diagram draws one: pick one of {}",
                    many.len(),
                    many.iter()
                        .filter_map(|&i| self.workloads.get(i))
                        .map(|w| {
                            // a label twice (two files, two documents) says where each is
                            let twice = many
                                .iter()
                                .filter_map(|&j| self.workloads.get(j))
                                .filter(|o| o.workload == w.workload)
                                .count()
                                > 1;
                            if twice {
                                format!("`{}` ({}:{})", w.workload, w.file, w.line)
                            } else {
                                format!("`{}`", w.workload)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
}

/// Codes of `findings` about container `name` (or the workload, when `name` is `None`) that are
/// (`edge`) or are not in `set`, sorted and unique.
fn codes(findings: &[&Finding], name: Option<&str>, set: &[&str], edge: bool) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .filter(|f| f.container.as_deref() == name)
        .filter(|f| set.contains(&f.code) == edge)
        .map(|f| f.code.to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a `DOCKER_HOST` TCP URL points at this pod (`localhost`, a loopback address) or at a
/// daemon container's name or alias.
fn local_host(url: &str, daemons: &[&Reacher]) -> bool {
    let host = url
        .strip_prefix("tcp://")
        .unwrap_or(url)
        .split([':', '/'])
        .next()
        .unwrap_or("");
    matches!(
        host,
        "localhost" | "127.0.0.1" | "::1" | "[::1]" | "0.0.0.0" | ""
    ) || daemons.iter().any(|d| d.name == host)
        || (host == "docker" && !daemons.is_empty())
}

fn tcp_label(url: &str, tls: bool) -> String {
    let port_2375 = url.trim_end_matches('/').ends_with(":2375");
    if tls && !port_2375 {
        format!("{url} (TLS)")
    } else {
        format!("{url} (plain, no TLS)")
    }
}

fn graph(w: &LintedWorkload, r: &Reach, findings: &[&Finding]) -> Graph {
    let mut g = Graph::new(format!("{} (lint: {})", w.workload, w.scenario));
    g.add_node(
        Node::new("host", NodeKind::Host, "node").detail(if r.sysbox {
            "host (sysbox-runc)"
        } else {
            "host"
        }),
    );
    let pod_codes = codes(findings, None, &[], false);
    g.add_node(
        Node::new("pod", NodeKind::Pod, format!("{} {}", w.kind, w.name))
            .inside("host")
            .codes(pod_codes),
    );
    let daemons: Vec<&Reacher> = r.containers.iter().filter(|c| c.daemon.is_some()).collect();
    // the host's daemons, one per runtime reached
    let mut host_daemons: Vec<&'static str> = Vec::new();
    let mut host_endpoints: Vec<String> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    for (i, c) in r.containers.iter().enumerate() {
        let id = format!("c{i}");
        let mut detail = c.image.clone().unwrap_or_default();
        if c.privileged {
            detail.push_str(if detail.is_empty() {
                "privileged"
            } else {
                ", privileged"
            });
        }
        let mut node = Node::new(&id, NodeKind::Container, &c.name).inside("pod");
        if !detail.is_empty() {
            node = node.detail(detail);
        }
        g.add_node(node);
        if let Some(rootless) = c.daemon {
            let d = format!("{id}-dockerd");
            g.add_node(
                Node::new(
                    &d,
                    NodeKind::Daemon,
                    if rootless {
                        "dockerd (rootless)"
                    } else {
                        "dockerd"
                    },
                )
                .inside(&id),
            );
            g.add_node(
                Node::new(
                    format!("{id}-children"),
                    NodeKind::Started,
                    "containers it starts",
                )
                .detail("children, inside this container")
                .inside(&id),
            );
            edges.push(Edge::new(
                &d,
                format!("{id}-children"),
                EdgeKind::Starts,
                "",
            ));
        }
        for h in &c.host {
            let url = if h.pipe {
                h.path.clone()
            } else if let Some(sock) = h.dir {
                format!("unix://{sock} (in {})", h.path)
            } else {
                format!("unix://{}", h.path)
            };
            let ep = match host_endpoints.iter().position(|e| *e == url) {
                Some(k) => format!("host-ep{k}"),
                None => {
                    let k = host_endpoints.len();
                    host_endpoints.push(url.clone());
                    let ep = format!("host-ep{k}");
                    g.add_node(Node::new(&ep, NodeKind::Endpoint, &url).inside("host"));
                    let di = match host_daemons.iter().position(|d| *d == h.runtime) {
                        Some(di) => di,
                        None => {
                            host_daemons.push(h.runtime);
                            let di = host_daemons.len() - 1;
                            g.add_node(
                                Node::new(
                                    format!("host-daemon{di}"),
                                    NodeKind::Daemon,
                                    format!("{} daemon", h.runtime),
                                )
                                .detail("the host's")
                                .inside("host"),
                            );
                            g.add_node(
                                Node::new(
                                    format!("host-siblings{di}"),
                                    NodeKind::Started,
                                    "containers it starts",
                                )
                                .detail("siblings on the host")
                                .inside("host"),
                            );
                            edges.push(Edge::new(
                                format!("host-daemon{di}"),
                                format!("host-siblings{di}"),
                                EdgeKind::Starts,
                                "",
                            ));
                            di
                        }
                    };
                    edges.push(Edge::new(
                        &ep,
                        format!("host-daemon{di}"),
                        EdgeKind::Serves,
                        "",
                    ));
                    ep
                }
            };
            let mut label = match (&h.target, h.dir) {
                (Some(t), None) if !h.pipe => format!("unix://{t}"),
                // the socket as the container sees it, below the mounted directory
                (Some(t), Some(sock)) => {
                    let below = sock
                        .strip_prefix(h.path.trim_end_matches('/'))
                        .unwrap_or("");
                    format!("unix://{}{below}", t.trim_end_matches('/'))
                }
                (Some(t), None) => t.clone(),
                (None, _) => url.clone(),
            };
            label.push_str(&format!(", hostPath {}", h.path));
            edges.push(Edge::new(&id, &ep, EdgeKind::Calls, label).codes(codes(
                findings,
                Some(&c.name),
                SOCKET_CODES,
                true,
            )));
        }
    }
    // DOCKER_HOST over TCP or a unix socket of a daemon container
    let mut remote = 0usize;
    for (i, c) in r.containers.iter().enumerate() {
        let Some(url) = &c.docker_host else { continue };
        if c.daemon.is_some() {
            continue;
        }
        let id = format!("c{i}");
        if url.starts_with("tcp://") {
            let label = tcp_label(url, c.tls);
            let edge_codes = codes(findings, Some(&c.name), TCP_CODES, true);
            let target = if local_host(url, &daemons) {
                daemons.first().and_then(|d| {
                    r.containers
                        .iter()
                        .position(|x| x.name == d.name)
                        .map(|di| (format!("c{di}"), d.name.clone()))
                })
            } else {
                None
            };
            let ep = match target {
                Some((dc, dname)) => {
                    let ep = format!("{dc}-tcp");
                    if g.node(&ep).is_none() {
                        let ep_codes = codes(findings, Some(&dname), ENDPOINT_CODES, true);
                        g.add_node(
                            Node::new(&ep, NodeKind::Endpoint, &label)
                                .inside(&dc)
                                .codes(ep_codes),
                        );
                        edges.push(Edge::new(
                            &ep,
                            format!("{dc}-dockerd"),
                            EdgeKind::Serves,
                            "",
                        ));
                    }
                    ep
                }
                None => {
                    // another machine's daemon
                    let host = format!("remote{remote}");
                    let ep = format!("{host}-tcp");
                    remote += 1;
                    let name = url
                        .strip_prefix("tcp://")
                        .unwrap_or(url)
                        .rsplit_once(':')
                        .map_or(url.as_str(), |(h, _)| h)
                        .to_string();
                    g.add_node(Node::new(&host, NodeKind::Host, name).detail("remote host"));
                    g.add_node(
                        Node::new(format!("{host}-dockerd"), NodeKind::Daemon, "dockerd")
                            .inside(&host),
                    );
                    g.add_node(Node::new(&ep, NodeKind::Endpoint, &label).inside(&host));
                    edges.push(Edge::new(
                        &ep,
                        format!("{host}-dockerd"),
                        EdgeKind::Serves,
                        "",
                    ));
                    ep
                }
            };
            edges.push(Edge::new(&id, &ep, EdgeKind::Calls, label).codes(edge_codes));
        } else if url.starts_with("unix://") && c.host.is_empty() {
            // a socket shared with a daemon container on a pod volume
            let Some(di) = daemons
                .first()
                .and_then(|d| r.containers.iter().position(|x| x.name == d.name))
            else {
                continue;
            };
            let dc = format!("c{di}");
            let ep = format!("{dc}-unix");
            if g.node(&ep).is_none() {
                g.add_node(Node::new(&ep, NodeKind::Endpoint, url).inside(&dc));
                edges.push(Edge::new(
                    &ep,
                    format!("{dc}-dockerd"),
                    EdgeKind::Serves,
                    "",
                ));
            }
            edges.push(Edge::new(&id, &ep, EdgeKind::Calls, url.clone()));
        }
    }
    // codes about a container that no edge or endpoint of it shows go on its box
    for (i, c) in r.containers.iter().enumerate() {
        let id = format!("c{i}");
        let mut shown: Vec<String> = edges
            .iter()
            .filter(|e| e.from == id)
            .flat_map(|e| e.codes.iter().cloned())
            .collect();
        if let Some(ep) = g.node(&format!("{id}-tcp")) {
            shown.extend(ep.codes.iter().cloned());
        }
        let own: Vec<String> = codes(findings, Some(&c.name), &[], false)
            .into_iter()
            .filter(|code| !shown.contains(code))
            .collect();
        if let Some(n) = g.nodes.iter_mut().find(|n| n.id == id) {
            n.codes = own;
        }
    }
    for e in edges {
        g.add_edge(e);
    }
    g
}
