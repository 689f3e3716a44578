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
mod model;

pub use error::{Error, ErrorKind, Location, Result};
pub use model::*;

/// The version of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
