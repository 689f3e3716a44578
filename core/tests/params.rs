//! Bad parameter names and values are errors that name the parameter and list what is accepted.

use dockscape::{ErrorKind, Params, build_scenario};

fn err(id: &str, sets: &[&str]) -> (ErrorKind, String) {
    let mut p = Params::new();
    for s in sets {
        p.set_assignment(s).unwrap();
    }
    let e = build_scenario(id, &p).unwrap_err();
    (e.kind(), e.to_string())
}

#[test]
fn unknown_scenario_lists_the_catalogue() {
    assert_eq!(
        err("dnd", &[]),
        (
            ErrorKind::UnknownScenario,
            "unknown scenario `dnd`: expected one of `linux`, `windows`, `kubernetes`, `dood`, `dind`, `dind-rootless`, `sysbox`, `buildkit`".into()
        )
    );
}

#[test]
fn unknown_parameter_lists_accepted_names() {
    let (kind, msg) = err("dind", &["transprt=tls"]);
    assert_eq!(kind, ErrorKind::UnknownParameter);
    assert!(
        msg.starts_with(
            "unknown parameter `transprt` for scenario `dind`: accepted are `name`, `namespace`"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("`transport`") && msg.contains("`sidecar`"),
        "{msg}"
    );
    assert_eq!(
        err("linux", &["transport=tls"]).0,
        ErrorKind::UnknownParameter
    );
}

#[test]
fn bad_values_list_accepted_values() {
    let cases = [
        (
            "dind",
            "transport=ssh",
            "invalid value `ssh` for `transport`: expected one of `tls`, `unix`, `tcp`",
        ),
        (
            "dind-rootless",
            "transport=tcp",
            "invalid value `tcp` for `transport`: expected one of `tls`, `unix`",
        ),
        (
            "dind",
            "sidecar=yes",
            "invalid value `yes` for `sidecar`: expected one of `container`, `native`",
        ),
        (
            "windows",
            "vm=parallels",
            "invalid value `parallels` for `vm`: expected one of `wsl2`, `hyperv`, `virtualbox`",
        ),
        (
            "kubernetes",
            "runtime=docker",
            "invalid value `docker` for `runtime`: expected one of `containerd`, `cri-o`",
        ),
        (
            "dood",
            "mount=all",
            "invalid value `all` for `mount`: expected one of `socket`, `run-dir`",
        ),
        (
            "dind",
            "mtu=big",
            "invalid value `big` for `mtu`: expected a whole number",
        ),
        (
            "dind",
            "memory=1GB",
            "invalid value `1GB` for `memory`: expected a Kubernetes quantity such as `250m` or `256Mi`",
        ),
        (
            "dind",
            "ports=80:99999",
            "invalid value `80:99999` for `ports`: expected `[published:]container[/tcp|/udp]` with ports 1-65535",
        ),
        (
            "dind",
            "shell=fish",
            "invalid value `fish` for `shell`: expected one of `sh`, `powershell`, `cmd`, `gitbash`",
        ),
        (
            "dind",
            "command=docker 'run",
            "invalid value `docker 'run` for `command`: unclosed ' quote in command",
        ),
        (
            "dind",
            "env.1A=x",
            "invalid value `1A` for `env`: expected a variable name of letters, digits, `_`, `-` and `.`, not starting with a digit",
        ),
        (
            "dood",
            "socket_path=docker.sock",
            "invalid value `docker.sock` for `socket_path`: expected an absolute path ending in `.sock`",
        ),
        (
            "dind",
            "docker_version=28 rc",
            "invalid value `28 rc` for `docker_version`: expected a tag such as `29` or `29.8.2`",
        ),
    ];
    for (id, set, expected) in cases {
        let (kind, msg) = err(id, &[set]);
        assert_eq!(kind, ErrorKind::InvalidParameter, "{set}");
        assert_eq!(msg, expected, "{set}");
    }
}

#[test]
fn every_scenario_builds_from_defaults_alone() {
    for info in dockscape::scenarios() {
        let s = build_scenario(info.id, &Params::new()).unwrap();
        assert_eq!(s.id.id(), info.id);
        assert!(!s.pod.containers.is_empty());
        for p in &info.params {
            if !p.accepted.is_empty() {
                assert!(
                    p.accepted.contains(&p.default.as_str()),
                    "{}: default of {} not accepted",
                    info.id,
                    p.name
                );
            }
        }
    }
}

#[test]
fn names_must_be_dns_labels() {
    let (kind, msg) = err("linux", &["name=My_Pod"]);
    assert_eq!(kind, ErrorKind::InvalidParameter);
    assert_eq!(
        msg,
        "invalid value `My_Pod` for `name`: expected a DNS-1123 label (at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)"
    );
    assert_eq!(
        err("dind", &["namespace=CI"]).0,
        ErrorKind::InvalidParameter
    );
}

/// The README shows the one table of pinned images, word for word.
#[test]
fn readme_shows_the_images_table() {
    let readme = include_str!("../../README.md");
    let table = dockscape::images_markdown();
    assert!(
        readme.contains(&table),
        "README.md lacks the images table (dockscape::images_markdown()):\n{table}"
    );
    assert!(
        dockscape::images()
            .iter()
            .any(|i| i.image == "docker" && i.tag.starts_with("29-"))
    );
}

/// Quantities the API server would refuse are refused before anything is written: negative,
/// malformed, out of range.
#[test]
fn bad_quantities_are_refused() {
    for (set, expected) in [
        (
            "cpu=-100m",
            "invalid value `-100m` for `cpu`: expected a quantity of at least 0",
        ),
        (
            "memory_limit=-1Gi",
            "invalid value `-1Gi` for `memory_limit`: expected a quantity of at least 0",
        ),
        (
            "memory=1e400",
            "invalid value `1e400` for `memory`: expected a quantity of at least 0",
        ),
        (
            "cpu=1.2.3",
            "invalid value `1.2.3` for `cpu`: expected a Kubernetes quantity",
        ),
        (
            "memory=256MB",
            "invalid value `256MB` for `memory`: expected a Kubernetes quantity",
        ),
        (
            "cpu_limit=1 k",
            "invalid value `1 k` for `cpu_limit`: expected a Kubernetes quantity",
        ),
    ] {
        let (kind, msg) = err("dind", &[set]);
        assert_eq!(kind, ErrorKind::InvalidParameter, "{set}");
        assert!(msg.starts_with(expected), "{set}: {msg}");
    }
    // Zero and a sign-less decimal are fine, as for the API server.
    for ok in ["cpu=0", "memory=0.5Gi", "cpu=+250m"] {
        let mut p = dockscape::Params::new();
        p.set_assignment(ok).unwrap();
        assert!(dockscape::build_scenario("dind", &p).is_ok(), "{ok}");
    }
}
