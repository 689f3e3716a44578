//! `dockscape migrate`: rewrite Docker-outside-of-Docker workloads into Docker-in-Docker, in place
//! or as a diff.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use dockscape::{MigrateOptions, MigrateTarget, Migration, Sidecar, migrate};

use crate::EXIT_INPUT;

/// Largest input read, as `lint` reads.
const MAX_INPUT: u64 = 64 << 20;

#[derive(Args, Debug)]
#[command(
    after_long_help = "Rewrite every workload that `dockscape lint` classifies as DooD (the node's Docker socket, or \
the directory that holds it, mounted into the pod) into Docker-in-Docker with TLS, the `dockscape generate dind` \
setup: the socket's hostPath volume and its mounts are removed, a `docker:<v>-dind` daemon container is added \
with its storage and certificates emptyDir volumes, and every container that used the socket gets \
DOCKER_HOST=tcp://localhost:2376, DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH and the client certificates.\n\n\
The rewrite is a set of text edits: every byte outside them (comments, key order, quoting, other documents) \
is kept, and added YAML follows the file's indentation and list style. Migrating a migrated file changes \
nothing.\n\n\
What changes for the workload is printed as notes with the line it comes from: `docker run -v /path:...` in \
the job now binds the daemon container's filesystem, not the node's; the containers the job starts are no \
longer visible to the node's `docker ps`; images are not shared with the node; fixed `--name`s no longer \
collide. A workload that needs the node's own containers (a monitoring agent, `docker ps`, `docker logs` of \
a container it did not start) or another runtime's socket (containerd, CRI-O) is refused with the reason, \
never rewritten into something that would silently break.\n\n\
Kubernetes manifests (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob, PodTemplate, pod specs in \
custom resources; YAML or JSON) and Compose services (a `docker` daemon service, the TLS settings and a \
healthy `depends_on` added) are rewritten in this version; scripts and CI files are reported as refused.\n\n\
`--to socket-proxy` keeps DooD for workloads that only read the Docker API: the socket stays mounted, \
read-only, on an added `tecnativa/docker-socket-proxy` container (a Compose service `docker-socket-proxy`) \
alone (CONTAINERS, IMAGES, INFO, VERSION; POST=0), and the containers that used it get \
DOCKER_HOST=tcp://localhost:2375 (Compose: tcp://docker-socket-proxy:2375 and a `depends_on`) instead. \
A workload whose commands write (docker run, build, push, rm, ...) is refused: the read-only proxy would \
refuse them.\n\n\
`--to dind-rootless` adds the `docker:<v>-dind-rootless` daemon instead (uid 1000, still privileged, TLS as \
for dind); `--to sysbox` adds the `docker:<v>-dind` daemon without privileged and puts the pod on \
`runtimeClassName: sysbox-runc` with `hostUsers: false` (a Compose daemon service gets \
`runtime: sysbox-runc`), refusing pods on the node's network, PID or IPC namespace. Both take their daemon \
from `dockscape generate dind-rootless` / `sysbox`.\n\n\
`--to buildkit` rewrites a container (or a Compose service) whose one command is a `docker build` (or \
`docker buildx build`) into the rootless BuildKit container of `dockscape generate buildkit`: \
`moby/buildkit:<v>-rootless` running `buildctl-daemonless.sh build` with the same context, Dockerfile, \
tag, build args, target and platform, no socket and no daemon. A workload that does anything else \
(docker run, push, a script of several commands, a context outside the container's volumes) is \
refused with the reason. See docs/migrate.md.\n\n\
Examples:\n  \
dockscape migrate pod.yaml                        # the rewritten file on stdout, notes on stderr\n  \
dockscape migrate --diff k8s/*.yaml               # a unified diff of every file\n  \
dockscape migrate --write deploy.yaml             # in place (temporary file, then rename)\n  \
dockscape migrate --sidecar native job.yaml       # the daemon as a native sidecar (Kubernetes 1.29+)\n  \
dockscape migrate --check k8s/*.yaml              # exit 1 if something would change\n  \
dockscape migrate --workload Deployment/ci/builder deploy.yaml\n\n\
Exit codes: 0 migrated or nothing to do, 1 a workload was refused or (--check) changes are pending, \
2 usage or input error.",
    after_help = "Examples:\n  \
dockscape migrate pod.yaml                        # the rewritten file on stdout, notes on stderr\n  \
dockscape migrate --diff k8s/*.yaml               # a unified diff of every file\n  \
dockscape migrate --write deploy.yaml             # in place (temporary file, then rename)\n  \
dockscape migrate --sidecar native job.yaml       # the daemon as a native sidecar (Kubernetes 1.29+)\n  \
dockscape migrate --check k8s/*.yaml              # exit 1 if something would change\n  \
dockscape migrate --workload Deployment/ci/builder deploy.yaml\n\n\
Exit codes: 0 migrated or nothing to do, 1 a workload was refused or (--check) changes are pending, \
2 usage or input error."
)]
pub(crate) struct MigrateArgs {
    /// The files to migrate (`-` for stdin); several need --diff, --write or --check.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The scenario to migrate to: `dind` (TLS Docker-in-Docker), `dind-rootless` (the
    /// `docker:<v>-dind-rootless` daemon, uid 1000, still privileged), `sysbox` (the daemon
    /// without privileged under `runtimeClassName: sysbox-runc`, Compose `runtime: sysbox-runc`),
    /// `socket-proxy` (DooD kept behind a read-only docker-socket-proxy) or `buildkit` (a job that
    /// only runs `docker build` becomes rootless BuildKit's `buildctl-daemonless.sh`).
    #[arg(long, default_value = "dind", value_name = "SCENARIO")]
    to: String,
    /// Where the daemon runs: `container` (a regular container) or `native` (a native sidecar:
    /// an init container with restartPolicy Always and a startup probe). Default: native in a Job
    /// or CronJob (so it completes), container elsewhere.
    #[arg(long, value_parser = ["container", "native"])]
    sidecar: Option<String>,
    /// Print a unified diff instead of the rewritten text.
    #[arg(long)]
    diff: bool,
    /// Rewrite the files in place (a temporary file beside each, then renamed; permissions kept).
    #[arg(long, conflicts_with = "check")]
    write: bool,
    /// Change nothing; exit 1 when a file would change.
    #[arg(long)]
    check: bool,
    /// Only this workload: KIND/NAMESPACE/NAME (or KIND/NAME; no namespace means `default`).
    #[arg(long, value_name = "KIND/NS/NAME")]
    workload: Option<String>,
    /// `text`, or `json` (one object per file: file, edits, text, migrated, notes, refusals).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

pub(crate) fn read(path: &Path) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(path)?
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)?;
    }
    if bytes.len() as u64 > MAX_INPUT {
        return Err(std::io::Error::other(format!(
            "more than {MAX_INPUT} bytes"
        )));
    }
    String::from_utf8(bytes).map_err(|_| std::io::Error::other("not UTF-8 text"))
}

/// Write `text` to `path` through a temporary file in the same directory and a rename, so the file
/// is never half written; the original's permissions are kept (`migrate --write`, `lint --fix`).
pub(crate) fn write_in_place(path: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&real)?;
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.dockscape.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, meta.permissions())?;
        std::fs::rename(&tmp, &real)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A unified diff of `name` from `before` to `after`.
pub(crate) fn diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", name.trim_start_matches('/')),
            &format!("b/{}", name.trim_start_matches('/')),
        )
        .to_string()
}

pub(crate) fn run(args: &MigrateArgs) -> ExitCode {
    let fail = |msg: String| {
        eprintln!("error: {msg}");
        ExitCode::from(EXIT_INPUT)
    };
    if args.files.len() > 1 && !(args.diff || args.write || args.check) {
        return fail(
            "several files need --diff, --write or --check (the rewritten text of one file goes to stdout)"
                .into(),
        );
    }
    if args.write && args.files.iter().any(|f| f.as_os_str() == "-") {
        return fail("--write cannot rewrite stdin".into());
    }
    let target: MigrateTarget = match args.to.parse() {
        Ok(t) => t,
        Err(e) => return fail(e.message().to_string()),
    };
    let sidecar = match args.sidecar.as_deref() {
        Some("native") => Some(Sidecar::Native),
        Some(_) => Some(Sidecar::Container),
        None => None,
    };
    let mut input_error = false;
    let mut refused = false;
    let mut pending = false;
    let mut json = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let text = match read(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {name}: {e}");
                input_error = true;
                continue;
            }
        };
        let options = MigrateOptions {
            file: name.clone(),
            sidecar,
            workload: args.workload.clone(),
        };
        let m: Migration = match migrate(&text, target, &options) {
            Ok(m) => m,
            Err(e) => {
                match e.location() {
                    Some(l) => eprintln!("error: {name}:{}:{}: {}", l.line, l.column, e.message()),
                    None => eprintln!("error: {name}: {}", e.message()),
                }
                input_error = true;
                continue;
            }
        };
        refused |= !m.refusals.is_empty();
        pending |= m.changed();
        if args.format == "json" {
            let mut v = serde_json::to_value(&m).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("file".into(), name.clone().into());
            }
            json.push(v);
        } else {
            for w in &m.migrated {
                eprintln!("migrated: {name}: {w} -> {}", target.as_str());
            }
            for n in &m.notes {
                eprintln!("note: {name}:{}: {}: {}", n.line, n.workload, n.message);
            }
            for r in &m.refusals {
                eprintln!("refused: {name}:{}: {}: {}", r.line, r.workload, r.reason);
            }
            if args.diff {
                print!("{}", diff(&name, &text, &m.text));
            } else if !args.write && !args.check {
                print!("{}", m.text);
            }
            if args.check && m.changed() {
                eprintln!("would migrate: {name}");
            }
        }
        if args.write && m.changed() {
            if let Err(e) = write_in_place(path, &m.text) {
                eprintln!("error: {name}: cannot write: {e}");
                input_error = true;
                continue;
            }
            if args.format == "text" {
                eprintln!("wrote {name}");
            }
        }
    }
    if args.format == "json" {
        match serde_json::to_string_pretty(&json) {
            Ok(j) => println!("{j}"),
            Err(e) => return fail(e.to_string()),
        }
    }
    if input_error {
        ExitCode::from(EXIT_INPUT)
    } else if refused || (args.check && pending) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
