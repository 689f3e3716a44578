//! `dockscape migrate`: rewrite a Docker-outside-of-Docker workload into a safer scenario as a set
//! of text edits on the user's own file, touching nothing else.
//!
//! The workloads to rewrite are the ones `lint` classifies as `dood` (the same reader, IR and
//! classification); the pieces added are the ones `generate` emits for the target scenario (the
//! same scenario builder and images table). Each edit replaces a byte range of the input found
//! from the byte spans of the YAML reader's nodes, so every byte outside the edits is unchanged,
//! and inserted YAML follows the indentation and sequence style of the place it goes (JSON and
//! flow collections get flow-style text). A workload that cannot be migrated safely is refused
//! with the reason, and what changes for the workload is said with the line it comes from.

mod buildkit;
mod compose;
mod k8s;
mod proxy;
mod shell;
pub(crate) mod yaml;

use serde::Serialize;

use crate::read::source::Loader;
use crate::read::{InputKind, ci, detect, is_compose};
use crate::{Error, ErrorKind, Result};

/// The scenario a DooD workload is rewritten into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MigrateTarget {
    /// Docker-in-Docker with TLS: a `docker:<v>-dind` daemon beside the workload (the default).
    Dind,
    /// Rootless Docker-in-Docker: a `docker:<v>-dind-rootless` daemon (uid 1000, still
    /// privileged) beside the workload.
    DindRootless,
    /// Docker-in-Docker under the Sysbox runtime: the `docker:<v>-dind` daemon without
    /// privileged, the pod on `runtimeClassName: sysbox-runc` (Compose: `runtime: sysbox-runc`).
    Sysbox,
    /// Rootless BuildKit in place of a `docker build` (a workload that does more than build is
    /// refused).
    Buildkit,
    /// DooD behind a read-only docker-socket-proxy.
    SocketProxy,
}

impl MigrateTarget {
    /// The id (`dind`, `socket-proxy`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            MigrateTarget::Dind => "dind",
            MigrateTarget::DindRootless => "dind-rootless",
            MigrateTarget::Sysbox => "sysbox",
            MigrateTarget::Buildkit => "buildkit",
            MigrateTarget::SocketProxy => "socket-proxy",
        }
    }
}

impl std::str::FromStr for MigrateTarget {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "dind" => Ok(MigrateTarget::Dind),
            "dind-rootless" => Ok(MigrateTarget::DindRootless),
            "sysbox" => Ok(MigrateTarget::Sysbox),
            "buildkit" => Ok(MigrateTarget::Buildkit),
            "socket-proxy" => Ok(MigrateTarget::SocketProxy),
            other => Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "unknown migration target `{other}` (dind, dind-rootless, sysbox, buildkit, socket-proxy)"
                ),
            )),
        }
    }
}

/// How the DinD daemon runs beside the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sidecar {
    /// A regular container of the pod.
    Container,
    /// A native sidecar (an init container with `restartPolicy: Always` and a startup probe,
    /// Kubernetes 1.29+).
    Native,
}

/// Options of [`migrate`].
#[derive(Debug, Clone, Default)]
pub struct MigrateOptions {
    /// The file name, for telling the input kind apart (`.sh`, `docker-compose.yml`, ...); may be
    /// empty.
    pub file: String,
    /// Where the daemon runs; `None`: a native sidecar in a `Job` or `CronJob` (so it completes),
    /// a regular container elsewhere.
    pub sidecar: Option<Sidecar>,
    /// Only this workload, written `KIND/NAMESPACE/NAME` (or `KIND/NAME`; a workload without a
    /// namespace is in `default`).
    pub workload: Option<String>,
}

/// One text edit: replace the bytes `start..end` of the input with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// Byte offset where the replaced range starts.
    pub start: usize,
    /// Byte offset where it ends (exclusive; equal to `start` for an insertion).
    pub end: usize,
    /// The new text.
    pub replacement: String,
}

impl Edit {
    pub(crate) fn insert(at: usize, text: String) -> Self {
        Edit {
            start: at,
            end: at,
            replacement: text,
        }
    }

    pub(crate) fn replace(start: usize, end: usize, text: String) -> Self {
        Edit {
            start,
            end,
            replacement: text,
        }
    }
}

/// Something the migration changed for a workload, or could not keep, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrateNote {
    /// The workload (`Pod/default/ci`).
    pub workload: String,
    /// 1-based line in the input it comes from.
    pub line: usize,
    /// What changes (lowercase, no trailing period).
    pub message: String,
}

/// A workload that was not rewritten, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The workload (`DaemonSet/monitoring/cadvisor`).
    pub workload: String,
    /// 1-based line of the reason (or of the workload).
    pub line: usize,
    /// Why (lowercase, no trailing period).
    pub reason: String,
}

/// What [`migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// The edits, sorted and not overlapping; applying them to the input gives `text`.
    pub edits: Vec<Edit>,
    /// The rewritten input (the input itself when nothing changed).
    pub text: String,
    /// The workloads rewritten.
    pub migrated: Vec<String>,
    /// What changes for them.
    pub notes: Vec<MigrateNote>,
    /// DooD workloads that were not rewritten.
    pub refusals: Vec<Refusal>,
}

impl Migration {
    /// Whether the migration changes the input.
    pub fn changed(&self) -> bool {
        !self.edits.is_empty()
    }
}

/// Rewrite every DooD workload of `input` (one file's text) into `target`.
///
/// Kubernetes manifests (YAML or JSON, any number of documents; Pods, every controller kind,
/// `PodTemplate`, pod specs inside other objects), Compose services, `docker run` lines of shell
/// scripts and ARC's Helm values are rewritten; a DooD workload in another CI input, or
/// one that cannot be migrated safely into `target` (a job that does more than build, for
/// `Buildkit`; one that writes to the Docker API, for `SocketProxy`), is a [`Refusal`]. A
/// document that does not parse is an error (nothing is rewritten, since its spans are unknown).
///
/// ```
/// let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ci\nspec:\n  containers:\n  - name: job\n    image: docker:29-cli\n    volumeMounts:\n    - name: sock\n      mountPath: /var/run/docker.sock\n  volumes:\n  - name: sock\n    hostPath:\n      path: /var/run/docker.sock\n";
/// let m = dockscape::migrate(pod, dockscape::MigrateTarget::Dind, &Default::default())?;
/// assert!(m.text.contains("image: docker:29-dind"));
/// assert!(!m.text.contains("hostPath"));
/// // migrating again changes nothing
/// let again = dockscape::migrate(&m.text, dockscape::MigrateTarget::Dind, &Default::default())?;
/// assert!(again.edits.is_empty());
/// # Ok::<(), dockscape::Error>(())
/// ```
pub fn migrate(input: &str, target: MigrateTarget, options: &MigrateOptions) -> Result<Migration> {
    let mut plan = k8s::Plan::default();
    let kind = detect(&options.file, input);
    if kind == Some(InputKind::Run) {
        shell::migrate_script(input, target, options, &mut plan);
    } else if kind.is_some_and(|k| k != InputKind::Kubernetes) {
        // scripts and CI text inputs: not rewritten yet
        refuse_other(input, options, kind, &mut plan);
    } else {
        let errors = std::cell::RefCell::new(Vec::<Error>::new());
        // the Tekton runs of the input give its Tasks their pod settings, as lint reads them
        let runs = crate::read::ci::Runs::scan(input);
        let mut loader = Loader::default();
        let ci_kind = std::cell::Cell::new(None);
        loader.run(
            input,
            |doc, _| {
                if doc.exceeded() {
                    errors.borrow_mut().push(
                        Error::new(ErrorKind::Budget, "document expands too many aliases")
                            .at(doc.pos(0).0 as usize, doc.pos(0).1 as usize),
                    );
                    return;
                }
                let proxy = target == MigrateTarget::SocketProxy;
                let build = target == MigrateTarget::Buildkit;
                if is_compose(doc) && build {
                    buildkit::migrate_compose_doc(doc, input, options, &mut plan);
                    let _ = doc.take_problems();
                    return;
                }
                if is_compose(doc) {
                    compose::migrate_doc(doc, input, target, options, &mut plan);
                    let _ = doc.take_problems();
                    return;
                }
                match ci::doc_kind(None, doc) {
                    Some(k) => {
                        ci_kind.set(Some(k));
                        k8s::migrate_ci(doc, input, target, &runs, options, &mut plan)
                    }
                    None if proxy => proxy::migrate_doc(doc, input, options, &mut plan),
                    None if build => buildkit::migrate_doc(doc, input, options, &mut plan),
                    None => {
                        let scenario = k8s::scenario_of(target).unwrap_or("dind");
                        k8s::migrate_doc(doc, input, scenario, options, &mut plan)
                    }
                }
                let _ = doc.take_problems();
            },
            |e| {
                errors
                    .borrow_mut()
                    .push(Error::new(ErrorKind::Parse, e.message).at(e.line, e.column));
            },
        );
        if let Some(e) = errors.into_inner().into_iter().next() {
            return Err(e);
        }
        if let Some(k) = ci_kind.get() {
            refuse_embedded(input, options, k, &mut plan);
        }
    }
    let (edits, text) = apply(input, plan.edits)?;
    Ok(Migration {
        edits,
        text,
        migrated: plan.migrated,
        notes: plan.notes,
        refusals: plan.refusals,
    })
}

/// CI text files (a Jenkinsfile, a runner's `config.toml`): their DooD workloads are refused with
/// the reason.
fn refuse_other(
    input: &str,
    options: &MigrateOptions,
    kind: Option<InputKind>,
    plan: &mut k8s::Plan,
) {
    let report = crate::lint(
        &[crate::LintInput {
            file: &options.file,
            text: input,
            kind,
        }],
        &crate::LintOptions::default(),
    );
    for w in report
        .workloads
        .iter()
        .filter(|w| w.scenario == crate::WorkloadScenario::Dood)
    {
        plan.refusals.push(Refusal {
            workload: w.workload.clone(),
            line: w.line,
            reason: match kind {
                Some(k) => k8s::ci_reason(k),
                None => "migrating this input is not implemented yet".to_string(),
            },
        });
    }
}

/// The `docker run` lines lint reads inside a CI file's YAML scalars (a step's script): refused,
/// since embedded text is not edited (the workloads of the CI file itself are planned already).
fn refuse_embedded(input: &str, options: &MigrateOptions, kind: InputKind, plan: &mut k8s::Plan) {
    let report = crate::lint(
        &[crate::LintInput {
            file: &options.file,
            text: input,
            kind: None,
        }],
        &crate::LintOptions::default(),
    );
    for w in report
        .workloads
        .iter()
        .filter(|w| w.scenario == crate::WorkloadScenario::Dood && w.kind == "run")
    {
        let planned = plan.migrated.contains(&w.workload)
            || plan.refusals.iter().any(|r| r.workload == w.workload);
        let chosen = options
            .workload
            .as_deref()
            .is_none_or(|want| want.trim() == w.workload);
        if !planned && chosen {
            plan.refusals.push(Refusal {
                workload: w.workload.clone(),
                line: w.line,
                reason: format!(
                    "the `docker run` is text inside a YAML scalar of the CI file (a step's script), which is not edited yet; {}",
                    k8s::ci_reason(kind)
                ),
            });
        }
    }
}

/// Apply edits to `input`: sorted by position (insertions at one place in the order made), never
/// overlapping.
pub(crate) fn apply(input: &str, mut edits: Vec<Edit>) -> Result<(Vec<Edit>, String)> {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(input.len() + edits.len() * 64);
    let mut at = 0;
    for e in &edits {
        let kept = input.get(at..e.start).ok_or_else(|| {
            Error::new(
                ErrorKind::Validation,
                format!("overlapping edits at byte {} (a bug in dockscape)", e.start),
            )
        })?;
        out.push_str(kept);
        out.push_str(&e.replacement);
        at = e.end;
    }
    out.push_str(input.get(at..).unwrap_or(""));
    Ok((edits, out))
}
