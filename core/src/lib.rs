//! dockscape models how Docker runs (natively on Linux, through a VM on Windows and macOS, under the
//! kubelet's CRI, from a container that borrows the host's daemon (DooD), from a container that brings
//! its own (DinD)) and, from one model, emits Kubernetes Pods, Compose files and `docker run` lines for
//! every scenario, and lints the ones people already have.
//!
//! The crate is pure: text in, values out. No filesystem, clock, process, environment or network, so the
//! same code runs in the CLI, in other Rust tools and in the browser.
//!
#![deny(missing_docs)]

mod error;
mod lint;
mod model;

pub use error::{Error, ErrorKind, Location, Result};
pub use model::*;

pub use lint::{
    Finding, InputKind, LintError, LintInput, LintOptions, LintReport, LintedWorkload,
    RULE_DOCS_BASE, RuleInfo, Severity, WorkloadScenario, lint, rule, rules, selector_is_known,
};

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
