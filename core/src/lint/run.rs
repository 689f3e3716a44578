//! `docker run` / `docker create` lines in shell text → IR.

use super::ir::{Source, Unit};

/// Normalise a shell text.
pub(crate) fn unit(_text: &str) -> Unit<'_> {
    Unit {
        source: Source::Run,
        workloads: Vec::new(),
    }
}
