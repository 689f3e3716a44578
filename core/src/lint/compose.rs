//! Compose files → IR.

use super::ir::{Source, Unit};
use super::source::Doc;

/// Normalise a Compose document.
pub(crate) fn unit<'t>(_doc: &'t Doc<'_>) -> Unit<'t> {
    Unit {
        source: Source::Compose,
        workloads: Vec::new(),
    }
}
