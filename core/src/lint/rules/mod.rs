//! The rules: one file per rule, listed once in [`RULES`].
//!
//! # How to add a rule
//!
//! 1. Pick the row of `shared/RULES.md` (code, name, severity). Create
//!    `core/src/lint/rules/<name-with-underscores>.rs` (e.g. `host_network.rs` for `host-network`).
//!    Copy `privileged_container.rs` (a container-level switch) or `runtime_socket_mount.rs` (a
//!    mount) as the starting point.
//! 2. Write the doc comment with exactly these sections, in this order (a test checks them):
//!    `## What it does`, `## Why is this bad?`, `## Example` (one ```` ```yaml ```` block that fires
//!    this rule exactly once and nothing else), a line `Use instead:` followed by one ```` ```yaml ````
//!    block that fires nothing at all, and optionally `## References`. The Example and Use-instead
//!    blocks are linted by `tests/lint_rules.rs`; any YAML input kind works (a Compose file is
//!    detected by its top-level `services:`).
//! 3. Inside `declare_rule!` give `code`, `name` (kebab-case), `severity` (a [`Severity`] variant),
//!    `summary` (one line for `dockscape rules`), `message` (one or more templates: what is wrong,
//!    backticks around keys and values, lowercase start, no trailing period; `{0}`, `{1}`, ... are
//!    the hit's `args`), and `help` (an imperative: what to do).
//! 4. Write `fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>)`. It only reads the IR
//!    (`crate::read::ir`, documented there): loop over `unit.workloads` (skip those whose `what`
//!    is not [`WorkloadKind::Pod`] unless the rule is about volume objects), their `containers`,
//!    and report `cx.report(Hit::new(workload_index, Some(container_index), val.loc).args([..]))`.
//!    Point `loc` at the offending value (`Val::loc`); the engine renders the message, builds the
//!    field path, applies suppressions and selection. Never panic: no `unwrap`, no indexing.
//!    If the IR lacks a field you need, add it to `core/src/read/ir.rs` and fill it in the readers
//!    beside it (`k8s.rs`, `compose.rs` and `run.rs`, all three), with a fixture for each.
//! 5. Add `mod <file>;` below and the rule to [`RULES`] (keep the list in code order).
//! 6. Add fixtures: `core/tests/fixtures/lint/<name>/valid*.yaml` (fire nothing of this rule) and
//!    `invalid*.yaml` (fire it; Compose and `docker run` cases welcome: `invalid-compose.yaml`,
//!    `invalid.sh`). Run `INSTA_UPDATE=always cargo test -p dockscape --test lint_fixtures` then
//!    review the new `.snap` files beside the fixtures (`cargo insta review` if installed).
//! 7. Regenerate the rule page: `UPDATE_DOCS=1 cargo test -p dockscape --test lint_docs`, which
//!    writes `docs/rules/<name>.md`; without `UPDATE_DOCS` that test fails when a page is stale.
//! 8. `cargo test -p dockscape`, `cargo clippy -p dockscape --all-targets -- -D warnings`,
//!    `cargo fmt`.
//!
//! # Helpers the IR already has
//!
//! - `Workload::runs_as_root(c)` (DS016), `Workload::annotation(key)`, `Workload::volume_used(i)`;
//!   `security.groups` holds `supplementalGroups` / `group_add` / `--group-add`.
//! - `Container::runs_dockerd()` and `daemon_origin()` (DS007's test and where it points; DS026),
//!   `dind_image_daemon()` (a dind image that starts its daemon), `dockerd_word()`,
//!   `rootless_daemon()`; `Workload::sysbox()`,
//!   `image_parts()` (repository without registry, tag), `env_value(name)`, `has_env(name)`,
//!   `argv()` (command then args), `container_name` (Compose `container_name`, `--name`).
//! - `Mount::host` is the resolved host path: `HostPath::class` ([`PathClass`]: `Socket`,
//!   `SocketDir`, `Pipe`, `RuntimeState`, `Sensitive`), `HostPath::runtime()` (any runtime API
//!   access: socket, socket directory or pipe, DS016), `via` (direct or a Compose named volume).
//!   `Mount::target` is the path in the container (DS026: a volume at `/var/lib/docker`),
//!   `Mount::propagation` its propagation as written (DS028). Devices (`devices`, `--device`)
//!   are mounts of the host's device nodes; `Container::device_rules` the device cgroup rules.
//! - `Port` has `container_port`, `host_port`, `host_ip` for Kubernetes, Compose (short and long
//!   syntax) and `-p` alike (DS010, DS024).
//! - Pod-level switches are on the workload (`host_network`, `host_pid`, `host_ipc`, `host_users`,
//!   `runtime_class`, `host_cgroup`, `host_uts`, `sysctls`, `security`); container-level ones on
//!   `Container::security`
//!   (`cap_add`, `allow_privilege_escalation`, `seccomp`, `apparmor` (legacy annotations folded
//!   in), `proc_mount` (`systempaths=unconfined` becomes `Unmasked`), `selinux_type`,
//!   `selinux_disabled`). A rule checks both levels where Kubernetes has both.
//! - `run::docker_runs_in(container)` parses the `docker run` lines a container's own command
//!   runs (`["docker", "run", ...]` or `sh -c "docker run --name x ..."`) into workloads (DS027).

use super::registry::Rule;
#[cfg(doc)]
use super::types::Severity;
#[cfg(doc)]
use crate::read::ir::WorkloadKind;
#[cfg(doc)]
use crate::read::paths::PathClass;

mod daemon_port_exposed;
mod daemon_tls_disabled;
mod dangerous_capability;
mod device_cgroup_rule;
mod dind_daemon;
mod dind_storage_on_overlay;
mod docker_host_plain_tcp;
mod hidden_socket_volume;
mod host_ipc;
mod host_namespace;
mod host_network;
mod host_pid;
mod host_port;
mod permissive_socket_proxy;
mod privilege_escalation_allowed;
mod privileged_container;
mod root_socket_access;
mod runtime_socket_mount;
mod runtime_state_mount;
mod selinux_super_privileged;
mod sensitive_host_mount;
mod shared_mount_propagation;
mod sibling_name_conflict;
mod socket_directory_mount;
mod suppression_without_reason;
mod unconfined_profile;
mod unmasked_proc_mount;
mod unsafe_sysctl;
mod unused_socket_volume;
mod windows_host_access;
mod writable_host_mount;

/// Every rule, in code order.
pub(crate) const RULES: &[&dyn Rule] = &[
    &suppression_without_reason::SuppressionWithoutReason,
    &runtime_socket_mount::RuntimeSocketMount,
    &socket_directory_mount::SocketDirectoryMount,
    &runtime_state_mount::RuntimeStateMount,
    &sensitive_host_mount::SensitiveHostMount,
    &writable_host_mount::WritableHostMount,
    &privileged_container::PrivilegedContainer,
    &dind_daemon::DindDaemon,
    &docker_host_plain_tcp::DockerHostPlainTcp,
    &daemon_tls_disabled::DaemonTlsDisabled,
    &daemon_port_exposed::DaemonPortExposed,
    &host_network::HostNetwork,
    &host_pid::HostPid,
    &host_ipc::HostIpc,
    &dangerous_capability::DangerousCapability,
    &privilege_escalation_allowed::PrivilegeEscalationAllowed,
    &root_socket_access::RootSocketAccess,
    &unconfined_profile::UnconfinedProfile,
    &unmasked_proc_mount::UnmaskedProcMount,
    &selinux_super_privileged::SelinuxSuperPrivileged,
    &windows_host_access::WindowsHostAccess,
    &hidden_socket_volume::HiddenSocketVolume,
    &permissive_socket_proxy::PermissiveSocketProxy,
    &unsafe_sysctl::UnsafeSysctl,
    &host_port::HostPort,
    &unused_socket_volume::UnusedSocketVolume,
    &dind_storage_on_overlay::DindStorageOnOverlay,
    &sibling_name_conflict::SiblingNameConflict,
    &shared_mount_propagation::SharedMountPropagation,
    &host_namespace::HostNamespace,
    &device_cgroup_rule::DeviceCgroupRule,
];
