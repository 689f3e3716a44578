//! dockscape models how Docker runs (natively on Linux, through a VM on Windows and macOS, under the
//! kubelet's CRI, from a container that borrows the host's daemon (DooD), from a container that brings
//! its own (DinD)) and, from one model, emits Kubernetes Pods, Compose files and `docker run` lines for
//! every scenario, and lints the ones people already have.
//!
//! The crate is pure: text in, values out. No filesystem, clock, process, environment or network, so the
//! same code runs in the CLI, in other Rust tools and in the browser.
//!
//! ```
//! let scenario = dockscape::build_scenario("dind", &dockscape::Params::new()).unwrap();
//! let pod = dockscape::generate(&scenario, dockscape::Format::Pod, &dockscape::Options::default()).unwrap();
//! assert!(pod.text.contains("privileged: true"));
//! ```
#![deny(missing_docs)]
// No panics on input in the library (tests may index and unwrap).
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod convert;
mod emit;
mod error;
mod flags;
mod lint;
mod migrate;
mod model;
mod quote;
mod read;
mod scenario;
mod validate;

pub use convert::{
    Conversion, ConvertNote, ConvertOptions, ConvertSource, ConvertTarget, ConvertedFile, Dropped,
    convert, run_mapping_markdown,
};
pub use emit::diagram::{Edge, EdgeKind, Graph, Node, NodeKind, render_mermaid, render_svg};
pub use emit::{
    Artifact, ComposeDependency, ComposeDeploy, ComposeFile, ComposeHealthcheck, ComposeLongMount,
    ComposeMount, ComposeResourceSpec, ComposeResources, ComposeService, ComposeVolume,
    ComposeVolumeOptions, Format, Options, generate, to_compose, to_pod,
};
pub use error::{Error, ErrorKind, Location, Result};
pub use model::*;
pub use quote::{
    POWERSHELL_LEGACY_PASSING, Shell, powershell_needs_legacy, powershell_string, quote_arg,
    quote_command,
};
#[doc(hidden)]
pub use read::compose::debug_compose_to_json;
pub use read::interpolate;
/// The Compose variables known at lint time ([`LintOptions::compose_env`]).
pub use read::interpolate::Env as ComposeEnv;
pub use scenario::{
    IMAGES, ImageVersion, Note, NoteLevel, ParamKind, ParamSpec, ParamValue, Params, Risk,
    Scenario, ScenarioId, ScenarioInfo, build_scenario, images, images_markdown, scenarios,
};
pub use validate::{Problem, is_quantity, validate_compose, validate_pod};

pub use lint::{
    Applicability, BASELINE_VERSION, BASELINED, Baseline, BaselineEntry, BaselineStats, Finding,
    Fix, Fixed, InputKind, LintError, LintInput, LintOptions, LintPiece, LintReport,
    LintedWorkload, REPORT_SCHEMA_VERSION, RULE_DOCS_BASE, ReportMeta, ReportTotals, RuleInfo,
    Severity, Skipped, WorkloadScenario, apply_fixes, finding_fingerprint, fix, fix_summary,
    fix_with, lint, lint_in_pieces, lint_piece, lint_pieces_end, lint_value, rule, rules,
    selector_is_known,
};

pub use read::decode::{DecodeProblem, decode};

pub use migrate::{
    Edit, MigrateNote, MigrateOptions, MigrateTarget, Migration, Refusal, Sidecar, migrate,
};

/// Every YAML document of `text` as dockscape reads a Kubernetes input (go-yaml v2's YAML 1.1
/// scalars, merge keys, last-wins duplicate keys), as JSON. For differential tests; not a stable API.
#[doc(hidden)]
pub fn debug_yaml_to_json(text: &str) -> Vec<serde_json::Value> {
    read::source::to_json(text)
}

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Kubernetes API version (`1.NN`) of the k8s-openapi types in this build. The library does not
/// choose it: the final binary does, through k8s-openapi's `v1_NN` (or `latest`) feature or the
/// `K8S_OPENAPI_ENABLED_VERSION` variable.
pub const KUBERNETES_API_VERSION: &str = kubernetes_api_version();

const fn kubernetes_api_version() -> &'static str {
    k8s_openapi::k8s_if_1_33! { return "1.33"; }
    k8s_openapi::k8s_if_1_34! { return "1.34"; }
    k8s_openapi::k8s_if_1_35! { return "1.35"; }
    k8s_openapi::k8s_if_1_36! { return "1.36"; }
    k8s_openapi::k8s_if_1_37! { return "1.37"; }
    #[allow(unreachable_code)]
    "unknown"
}

/// The examples of `core/README.md` (the crate's page on crates.io), run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
