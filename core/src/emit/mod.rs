//! Output formats: every format is a view of one [`Scenario`].

pub(crate) mod compose;
pub(crate) mod diagram;
mod explain;
mod jinja;
pub(crate) mod pod;
mod recipe;
pub(crate) mod run;
mod typed;
pub(crate) mod units;
pub(crate) mod workload;
mod yaml;

use crate::error::{Error, ErrorKind, Result};
use crate::quote::Shell;
use crate::scenario::{NoteLevel, Scenario, ScenarioId};
use serde::Serialize;

pub use typed::*;
pub(crate) use workload::{
    CONCURRENCY_POLICY as CRON_CONCURRENCY_POLICY,
    STARTING_DEADLINE_SECONDS as CRON_STARTING_DEADLINE_SECONDS,
};

/// An output format of `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Format {
    /// The Kubernetes workload (YAML): a Pod, or the Job, Deployment or CronJob of the scenario's
    /// `kind` parameter.
    Pod,
    /// A Compose file (YAML).
    Compose,
    /// `docker run` command lines for a shell.
    Run,
    /// A Markdown explanation of the topology, its risks and safer alternatives.
    Explain,
    /// A `.gitlab-ci.yml` job: the Docker-executor form, then the Kubernetes-executor form.
    Gitlab,
    /// Helm values of the actions-runner-controller runner scale set (`gha-runner-scale-set`).
    GithubArc,
    /// A `Jenkinsfile` using the Kubernetes plugin's `podTemplate` with this scenario's Pod.
    Jenkins,
    /// A `.drone.yml` pipeline.
    Drone,
    /// A Tekton `Task` (and a `TaskRun`) with the daemon as a sidecar.
    Tekton,
    /// The topology as a Mermaid `flowchart`.
    Mermaid,
    /// The topology as a self-contained SVG drawing.
    Svg,
}

impl Format {
    /// Every format, in the order `--format all` writes them.
    pub const ALL: [Format; 4] = [Format::Pod, Format::Compose, Format::Run, Format::Explain];

    /// The CI recipes; see [`Format::applies_to`] for which scenarios each one serves.
    pub const RECIPES: [Format; 5] = [
        Format::Gitlab,
        Format::GithubArc,
        Format::Jenkins,
        Format::Drone,
        Format::Tekton,
    ];

    /// The topology drawings (every scenario has them).
    pub const DIAGRAMS: [Format; 2] = [Format::Mermaid, Format::Svg];

    /// Every format there is, base formats first.
    pub const EVERY: [Format; 11] = [
        Format::Pod,
        Format::Compose,
        Format::Run,
        Format::Explain,
        Format::Gitlab,
        Format::GithubArc,
        Format::Jenkins,
        Format::Drone,
        Format::Tekton,
        Format::Mermaid,
        Format::Svg,
    ];

    /// Whether `generate` can render scenario `id` in this format. The base formats and the diagrams
    /// serve every scenario (with a notice where a format has only a nearest equivalent); a CI recipe
    /// serves the scenarios that are CI jobs running Docker or builds, and `generate` refuses the others
    /// with an [`ErrorKind::UnsupportedFormat`](crate::ErrorKind::UnsupportedFormat) error that says why
    /// and names the recipes that do apply.
    pub fn applies_to(self, id: ScenarioId) -> bool {
        recipe::applies_to(self, id)
    }

    /// Whether this format is one of [`Format::RECIPES`].
    pub fn is_recipe(self) -> bool {
        Format::RECIPES.contains(&self)
    }

    /// The id used on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Format::Pod => "pod",
            Format::Compose => "compose",
            Format::Run => "run",
            Format::Explain => "explain",
            Format::Gitlab => "gitlab",
            Format::GithubArc => "github-arc",
            Format::Jenkins => "jenkins",
            Format::Drone => "drone",
            Format::Tekton => "tekton",
            Format::Mermaid => "mermaid",
            Format::Svg => "svg",
        }
    }

    /// Parse an id; the error lists the accepted ones.
    pub fn parse(s: &str) -> Result<Format> {
        Format::EVERY
            .into_iter()
            .find(|f| f.id() == s)
            .ok_or_else(|| {
                let ids: Vec<String> = Format::EVERY
                    .iter()
                    .map(|f| format!("`{}`", f.id()))
                    .collect();
                Error::new(
                    ErrorKind::UnsupportedFormat,
                    format!("unknown format `{s}`: expected one of {}", ids.join(", ")),
                )
            })
    }
}

/// Options of `generate`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The shell of the `run` output; the scenario's `shell` parameter when `None`.
    pub shell: Option<Shell>,
}

/// One generated output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    /// Its format.
    pub format: Format,
    /// The text, ready to paste or save.
    pub text: String,
    /// A file name for it (`pod.yaml`, `compose.yaml`, `run.sh`, `explain.md`, `.gitlab-ci.yml`,
    /// `topology.svg`, ...).
    pub file_name: String,
    /// Set when the format does not apply to the scenario: why, and what `text` holds instead.
    pub notice: Option<String>,
}

/// Render `scenario` as `format`.
pub fn generate(scenario: &Scenario, format: Format, options: &Options) -> Result<Artifact> {
    let shell = options.shell.unwrap_or(scenario.shell);
    let mut notice = None;
    let (text, file_name) = match format {
        Format::Pod => (
            with_header(
                scenario,
                "#",
                workload::workload(&pod::checked(&scenario.pod)?, &scenario.workload)?,
            ),
            format!("{}.yaml", scenario.workload.id()),
        ),
        Format::Compose => {
            if scenario.id == ScenarioId::Kubernetes {
                notice = Some(
                    "compose does not apply to `kubernetes`: Compose has no kubelet and no CRI; this is the same workload as the `linux` scenario's Compose file"
                        .to_owned(),
                );
            }
            (
                with_header(scenario, "#", compose::emit(&scenario.pod)?),
                "compose.yaml".to_owned(),
            )
        }
        Format::Run => {
            if scenario.id == ScenarioId::Kubernetes {
                notice = Some(
                    "docker run does not apply to `kubernetes`: the node has no Docker CLI or daemon; these are the crictl commands a node admin uses against the CRI socket"
                        .to_owned(),
                );
                (
                    run::crictl(scenario, &header_lines(scenario)),
                    "crictl.sh".to_owned(),
                )
            } else {
                (
                    run::emit(scenario, shell, &header_lines(scenario))?,
                    format!("run.{}", shell.extension()),
                )
            }
        }
        Format::Explain => (explain::render(scenario)?, "explain.md".to_owned()),
        Format::Gitlab | Format::GithubArc | Format::Jenkins | Format::Drone | Format::Tekton => {
            recipe::render(scenario, format)?
        }
        Format::Mermaid => (
            diagram::render_mermaid(&diagram::Graph::from_scenario(scenario))?,
            "topology.mmd".to_owned(),
        ),
        Format::Svg => (
            diagram::render_svg(&diagram::Graph::from_scenario(scenario))?,
            "topology.svg".to_owned(),
        ),
    };
    Ok(Artifact {
        format,
        text,
        file_name,
        notice,
    })
}

fn header_lines(s: &Scenario) -> Vec<String> {
    let mut lines = vec![format!(
        "generated by dockscape: scenario `{}` ({})",
        s.id.id(),
        s.title
    )];
    for n in s.notes.iter().filter(|n| n.level == NoteLevel::Warning) {
        lines.push(format!("WARNING: {}", n.text));
    }
    if !s.risks.is_empty() {
        let codes: Vec<String> = s
            .risks
            .iter()
            .map(|r| format!("{} {}", r.code, r.name))
            .collect();
        lines.push(format!("dockscape lint reports: {}", codes.join(", ")));
    }
    lines
}

fn with_header(s: &Scenario, comment: &str, body: String) -> String {
    let mut out = String::new();
    for l in header_lines(s) {
        out.push_str(comment);
        out.push(' ');
        out.push_str(&l);
        out.push('\n');
    }
    out.push_str(&body);
    out
}

/// Serialise a value as YAML, deterministically.
pub(crate) fn yaml<T: Serialize>(value: &T) -> Result<String> {
    Ok(yaml::to_string(&json(value)?))
}

/// A value as the JSON tree the YAML writer and the recipes work on.
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value)
        .map_err(|e| Error::new(ErrorKind::Validation, format!("cannot write yaml: {e}")))
}
