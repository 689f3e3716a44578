//! The topology model: where Docker runs and who talks to whom.
//!
//! A [`Topology`] holds hosts (and the VM between a host and its daemon), daemons and their endpoints,
//! the clients that call them, and the workload [`Pod`]. Every output format is a view of these values.

mod host;
mod workload;

pub use host::{Client, Daemon, DaemonKind, DaemonPlace, Endpoint, Host, Os, Topology, Vm, VmKind};
pub use workload::{
    BoundPort, Container, ContainerRole, Device, Dns, DockerSettings, EnvValue, EnvVar,
    HostPathType, JobSettings, Mount, Pod, Port, Probe, Protocol, Resources, SecurityContext,
    Tmpfs, Ulimit, Volume, VolumeSource, WorkloadKind, join_sub_path, windows_containers,
};
