//! `sysbox`: Docker-in-Docker without privileged, the pod sandboxed by the Sysbox runtime (seed 000 DinD,
//! the safer form).

use super::dind::{self, Flavour};
use super::{ParamSpec, Resolved, Scenario};
use crate::error::Result;

pub(crate) fn params() -> Vec<ParamSpec> {
    dind::params(Flavour::Sysbox)
}

pub(crate) fn build(r: &Resolved<'_>) -> Result<Scenario> {
    dind::build(r, Flavour::Sysbox)
}
