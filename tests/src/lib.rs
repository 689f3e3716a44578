//! Shared helpers for the end-to-end tests.
//!
//! - [`golden`]: the golden scenario spec files.
//! - [`engine`]: a recording Docker Engine API server on a unix socket, for the real `docker` CLI.
//! - [`tools`]: the real tools (`kubernetes-validate`, `docker-compose`, `docker`, `/bin/sh`), installed
//!   by `scripts/install-test-tools`.
//! - [`real_engine`]: a real dockerd on a private socket, prepared by `scripts/install-engine`.

pub mod engine;
pub mod golden;
pub mod real_engine;
mod tmp;
pub mod tools;

pub use engine::{Engine, EngineOptions, Recorded};
pub use real_engine::RealEngine;
pub use tmp::TempDir;
pub use tools::{ShOutput, compose_config, docker, kubernetes_validate, run_command, run_sh};
