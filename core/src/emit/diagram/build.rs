//! [`Graph::from_scenario`]: the topology of a scenario as boxes and arrows.

use super::{Edge, EdgeKind, Graph, Node, NodeKind};
use crate::model::{ContainerRole, DaemonKind, DaemonPlace, Endpoint, Os, VolumeSource};
use crate::scenario::Scenario;

impl Graph {
    /// The topology of `s`: its hosts and VM, daemons and their sockets, pipes or ports, clients, the pod
    /// and its containers, and the containers each daemon starts (siblings on the host for DooD, children
    /// inside the pod for DinD, the workload itself on `linux` and `windows`). Arrows from clients carry
    /// the endpoint they use, and the rule codes of the scenario's risks where they apply.
    pub fn from_scenario(s: &Scenario) -> Graph {
        let mut g = Graph::new(format!("{} ({})", s.title, s.id.id()));
        let has = |code: &str| s.risks.iter().any(|r| r.code == code);
        let pick = |codes: &[&str]| -> Vec<String> {
            codes
                .iter()
                .filter(|c| has(c))
                .map(|c| (*c).to_owned())
                .collect()
        };
        let t = &s.topology;
        for (i, h) in t.hosts.iter().enumerate() {
            let os = match h.os {
                Os::Linux => "Linux",
                Os::Windows => "Windows",
                Os::Macos => "macOS",
            };
            g.add_node(Node::new(host_id(i), NodeKind::Host, h.name.clone()).detail(os));
            if let Some(vm) = &h.vm {
                g.add_node(
                    Node::new(vm_id(i), NodeKind::Vm, format!("{} VM", vm.kind.id()))
                        .detail(format!("Linux, {}", vm.name))
                        .inside(host_id(i)),
                );
            }
        }
        // The pod is drawn where the workload runs on Kubernetes; on `linux` and `windows` the workload is
        // a container the host's daemon starts.
        let pod_drawn = s.host_endpoint.is_none() && !t.hosts.is_empty();
        let container_id = |name: &str| format!("container:{name}");
        if pod_drawn {
            let p = &s.pod;
            let mut detail = format!("namespace {}", p.namespace);
            if let Some(rc) = &p.runtime_class {
                detail.push_str(&format!(", runtimeClassName {rc}"));
            }
            if p.host_users == Some(false) {
                detail.push_str(", hostUsers false");
            }
            g.add_node(
                Node::new("pod", NodeKind::Pod, format!("pod {}", p.name))
                    .detail(detail)
                    .inside(host_id(0)),
            );
            for c in &p.containers {
                let mut detail = c.image.clone();
                match c.role {
                    ContainerRole::NativeSidecar => detail.push_str(", native sidecar"),
                    ContainerRole::Init => detail.push_str(", init"),
                    ContainerRole::Regular => {}
                }
                if c.security.privileged {
                    detail.push_str(", privileged");
                }
                if let Some(uid) = c.security.run_as_user {
                    detail.push_str(&format!(", uid {uid}"));
                }
                let mut codes: Vec<&str> = Vec::new();
                if c.security.privileged {
                    codes.push("DS006");
                }
                let runs_dockerd = t.daemons.iter().any(|d| {
                    matches!(&d.place, DaemonPlace::Container { container } if *container == c.name)
                        && matches!(d.kind, DaemonKind::Dockerd | DaemonKind::DockerdRootless)
                });
                if runs_dockerd {
                    codes.push("DS007");
                }
                if c.security.unconfined {
                    codes.push("DS017");
                }
                g.add_node(
                    Node::new(container_id(&c.name), NodeKind::Container, c.name.clone())
                        .detail(detail)
                        .inside("pod")
                        .codes(pick(&codes)),
                );
            }
        }
        let daemon_parent = |place: &DaemonPlace| -> String {
            match place {
                DaemonPlace::Host { host } => host_id(*host),
                DaemonPlace::Vm { host } => {
                    if t.hosts.get(*host).is_some_and(|h| h.vm.is_some()) {
                        vm_id(*host)
                    } else {
                        host_id(*host)
                    }
                }
                DaemonPlace::Container { container }
                    if pod_drawn && s.pod.container(container).is_some() =>
                {
                    container_id(container)
                }
                DaemonPlace::Container { .. } => host_id(0),
            }
        };
        for (i, d) in t.daemons.iter().enumerate() {
            let parent = daemon_parent(&d.place);
            // A Windows named pipe is on the host, whichever VM serves it.
            let pipe_parent = match &d.place {
                DaemonPlace::Vm { host } => host_id(*host),
                _ => parent.clone(),
            };
            g.add_node(
                Node::new(daemon_id(i), NodeKind::Daemon, d.kind.program()).inside(parent.clone()),
            );
            for (j, e) in d.endpoints.iter().enumerate() {
                let what = match e {
                    Endpoint::Unix { .. } => "unix socket",
                    Endpoint::NamedPipe { .. } => "named pipe",
                    Endpoint::Tcp { tls: true, .. } => "TCP port, TLS",
                    Endpoint::Tcp { tls: false, .. } => "TCP port, plain, no TLS",
                };
                let detail = format!("{}: {what}", d.kind.program());
                let codes = if matches!(e, Endpoint::Tcp { tls: false, .. }) {
                    pick(&["DS009"])
                } else {
                    Vec::new()
                };
                g.add_node(
                    Node::new(endpoint_id(i, j), NodeKind::Endpoint, e.url())
                        .detail(detail)
                        .inside(if matches!(e, Endpoint::NamedPipe { .. }) {
                            pipe_parent.clone()
                        } else {
                            parent.clone()
                        })
                        .codes(codes),
                );
                g.add_edge(Edge::new(
                    endpoint_id(i, j),
                    daemon_id(i),
                    EdgeKind::Serves,
                    "",
                ));
            }
        }
        // Clients.
        for (k, c) in t.clients.iter().enumerate() {
            let in_container = pod_drawn && s.pod.container(&c.place).is_some();
            let parent = if in_container {
                container_id(&c.place)
            } else {
                t.hosts
                    .iter()
                    .position(|h| h.name == c.place)
                    .map(host_id)
                    .unwrap_or_else(|| host_id(0))
            };
            let detail = if in_container {
                None
            } else {
                Some(format!("on the {}", c.place))
            };
            let mut node =
                Node::new(client_id(k), NodeKind::Client, c.program.clone()).inside(parent);
            if let Some(d) = detail {
                node = node.detail(d);
            }
            g.add_node(node);
            let Some(d) = t.daemons.get(c.daemon) else {
                continue;
            };
            let target = match d.endpoints.iter().position(|e| *e == c.endpoint) {
                Some(j) => endpoint_id(c.daemon, j),
                None if !d.endpoints.is_empty() => endpoint_id(c.daemon, 0),
                None => daemon_id(c.daemon),
            };
            let mut label = c.endpoint.label();
            let mut codes = Vec::new();
            let daemon_outside = !matches!(d.place, DaemonPlace::Container { .. });
            if in_container && daemon_outside {
                // DooD: the host's socket reaches the container through a hostPath mount.
                let host_path = s.pod.container(&c.place).and_then(|ct| {
                    ct.mounts.iter().find_map(|m| {
                        match s.pod.volume(&m.volume).map(|v| &v.source) {
                            Some(VolumeSource::HostPath { path, .. }) => Some(path.clone()),
                            _ => None,
                        }
                    })
                });
                if let Some(p) = host_path {
                    label.push_str(&format!(", hostPath {p}"));
                }
                codes = pick(&["DS001", "DS002", "DS005", "DS016"]);
            }
            if matches!(c.endpoint, Endpoint::Tcp { tls: false, .. }) {
                codes.extend(pick(&["DS008"]));
            }
            g.add_edge(Edge::new(client_id(k), target, EdgeKind::Calls, label).codes(codes));
        }
        // What each daemon starts.
        for (i, d) in t.daemons.iter().enumerate() {
            let parent = daemon_parent(&d.place);
            let is_docker = matches!(d.kind, DaemonKind::Dockerd | DaemonKind::DockerdRootless);
            if d.starts_siblings {
                let by: Vec<String> = t
                    .clients
                    .iter()
                    .filter(|c| t.daemons.get(c.daemon).is_some_and(|x| x == d))
                    .map(|c| c.place.clone())
                    .collect();
                g.add_node(
                    Node::new(started_id(i), NodeKind::Started, "sibling containers")
                        .detail(format!("started for {}, outside the pod", by.join(", ")))
                        .inside(parent),
                );
                g.add_edge(
                    Edge::new(
                        daemon_id(i),
                        started_id(i),
                        EdgeKind::Starts,
                        "starts siblings on the host",
                    )
                    .codes(pick(&["DS027"])),
                );
            } else if matches!(d.place, DaemonPlace::Container { .. }) && is_docker {
                g.add_node(
                    Node::new(started_id(i), NodeKind::Started, "inner containers")
                        .detail("children of this daemon, inside the pod")
                        .inside(parent),
                );
                g.add_edge(Edge::new(
                    daemon_id(i),
                    started_id(i),
                    EdgeKind::Starts,
                    "starts children in the pod",
                ));
            } else if !pod_drawn && i == 0 {
                for c in &s.pod.containers {
                    let id = format!("workload:{}", c.name);
                    let mut detail = c.image.clone();
                    let ports: Vec<String> = c
                        .ports
                        .iter()
                        .map(|p| match p.published {
                            Some(h) => format!("{h}:{}", p.container),
                            None => p.container.to_string(),
                        })
                        .collect();
                    if !ports.is_empty() {
                        detail.push_str(&format!(", -p {}", ports.join(" -p ")));
                    }
                    g.add_node(
                        Node::new(id.clone(), NodeKind::Started, c.name.clone())
                            .detail(detail)
                            .inside(parent.clone()),
                    );
                    g.add_edge(Edge::new(daemon_id(i), id, EdgeKind::Starts, "starts"));
                }
            } else if pod_drawn
                && i == 0
                && matches!(d.kind, DaemonKind::Containerd | DaemonKind::CriO)
            {
                g.add_edge(Edge::new(
                    daemon_id(i),
                    "pod",
                    EdgeKind::Starts,
                    "runs the pod's containers (runc)",
                ));
            }
        }
        // Sibling order is drawing order: daemons, then what they start, their endpoints, then clients,
        // so that arrows stay short.
        g.nodes.sort_by_key(|n| match n.kind {
            NodeKind::Started => 1,
            NodeKind::Endpoint => 2,
            NodeKind::Client => 3,
            _ => 0,
        });
        g
    }
}

fn host_id(i: usize) -> String {
    format!("host:{i}")
}

fn vm_id(i: usize) -> String {
    format!("vm:{i}")
}

fn daemon_id(i: usize) -> String {
    format!("daemon:{i}")
}

fn endpoint_id(i: usize, j: usize) -> String {
    format!("endpoint:{i}:{j}")
}

fn client_id(k: usize) -> String {
    format!("client:{k}")
}

fn started_id(i: usize) -> String {
    format!("started:{i}")
}
