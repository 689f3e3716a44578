//! `--format explain`: a Markdown page per scenario, rendered from the `explain.md.j2` template.

use crate::error::Result;
use crate::model::{DaemonPlace, Endpoint};
use crate::scenario::Scenario;
use minijinja::{Value, context};

/// The rows of the pinned-images table whose image this scenario's pod uses.
fn images(s: &Scenario) -> Vec<minijinja::Value> {
    crate::scenario::IMAGES
        .iter()
        .filter(|i| {
            s.pod
                .containers
                .iter()
                .any(|c| c.image.starts_with(&format!("{}:", i.image)))
        })
        .map(|i| minijinja::Value::from(minijinja::value::Serde(i)))
        .collect()
}

/// Render the explanation of `s`.
pub(crate) fn render(s: &Scenario) -> Result<String> {
    let daemons: Vec<minijinja::Value> = s
        .topology
        .daemons
        .iter()
        .map(|d| {
            let place = match &d.place {
                DaemonPlace::Host { host } => {
                    format!("on the {}", s.topology.hosts.get(*host).map(|h| h.name.as_str()).unwrap_or("host"))
                }
                DaemonPlace::Vm { host } => match s.topology.hosts.get(*host).and_then(|h| h.vm.as_ref()) {
                    Some(vm) => format!("in the {} VM `{}`", vm.kind.id(), vm.name),
                    None => "in a VM".to_owned(),
                },
                DaemonPlace::Container { container } => format!("in the pod's container `{container}`"),
            };
            let endpoints: Vec<String> = d.endpoints.iter().map(Endpoint::label).collect();
            context! { program => d.kind.program(), place => place, endpoints => endpoints, siblings => d.starts_siblings }
        })
        .collect();
    let clients: Vec<minijinja::Value> = s
        .topology
        .clients
        .iter()
        .map(|c| {
            let daemon = s.topology.daemons.get(c.daemon).map(|d| d.kind.program()).unwrap_or("?");
            context! { program => &c.program, place => &c.place, daemon => daemon, endpoint => c.endpoint.label() }
        })
        .collect();
    super::jinja::render(
        "explain.md.j2",
        context! {
            id => s.id.id(),
            title => s.title,
            summary => s.summary,
            params => s.params.iter().map(|(k, v)| context! { name => k, value => v }).collect::<Vec<_>>(),
            hosts => Value::from(minijinja::value::Serde(&s.topology.hosts)),
            daemons => daemons,
            clients => clients,
            pod => Value::from(minijinja::value::Serde(&s.pod)),
            notes => Value::from(minijinja::value::Serde(&s.notes)),
            risks => Value::from(minijinja::value::Serde(&s.risks)),
            images => images(s),
        },
        false,
    )
}
