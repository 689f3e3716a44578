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

mod emit;
mod error;
mod flags;
mod lint;
mod model;
mod quote;
mod read;
mod scenario;
mod validate;

pub use emit::diagram::{Edge, EdgeKind, Graph, Node, NodeKind, render_mermaid, render_svg};
pub use emit::{Artifact, Format, Options, generate};
pub use error::{Error, ErrorKind, Location, Result};
pub use model::*;
pub use quote::{Shell, quote_arg, quote_command};
#[doc(hidden)]
pub use read::compose::debug_compose_to_json;
pub use read::interpolate;
/// The Compose variables known at lint time ([`LintOptions::compose_env`]).
pub use read::interpolate::Env as ComposeEnv;
pub use scenario::{
    Note, NoteLevel, ParamKind, ParamSpec, ParamValue, Params, Risk, Scenario, ScenarioId,
    ScenarioInfo, build_scenario, scenarios,
};
pub use validate::{Problem, is_quantity, validate_compose, validate_pod};

pub use lint::{
    Finding, InputKind, LintError, LintInput, LintOptions, LintReport, LintedWorkload,
    RULE_DOCS_BASE, RuleInfo, Severity, WorkloadScenario, lint, rule, rules, selector_is_known,
};

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
