//! Generate a scenario's Pod as a typed k8s-openapi value, change it like any other `Pod`, and print
//! it as JSON (what a kube-rs controller would send to the API server).
//!
//! ```sh
//! cargo run -p dockscape --example generate_pod -- dind transport=unix
//! ```

// A program beside the library, not the library: it may read arguments and files (core/clippy.toml
// forbids both in the pure core).
#![allow(clippy::disallowed_methods)]

use dockscape::{Params, build_scenario, to_pod};
use k8s_openapi::api::core::v1::Pod;

/// The Pod of scenario `id` with `key=value` parameters, labelled for a team.
fn pod(id: &str, assignments: &[String]) -> Result<Pod, dockscape::Error> {
    let mut params = Params::new();
    for a in assignments {
        params.set_assignment(a)?;
    }
    let scenario = build_scenario(id, &params)?;
    let mut pod = to_pod(&scenario)?;
    pod.metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert("team".to_owned(), "builds".to_owned());
    Ok(pod)
}

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| "dind".to_owned());
    let assignments: Vec<String> = args.collect();
    let result = pod(&id, &assignments).and_then(|p| {
        serde_json::to_string_pretty(&p)
            .map_err(|e| dockscape::Error::new(dockscape::ErrorKind::Validation, e.to_string()))
    });
    match result {
        Ok(json) => {
            println!("{json}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dind_over_a_unix_socket_is_a_pod_with_a_privileged_daemon_and_the_label() {
        let p = super::pod("dind", &["transport=unix".to_owned()]).unwrap();
        assert_eq!(
            p.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("team"))
                .map(String::as_str),
            Some("builds")
        );
        let spec = p.spec.unwrap();
        let all: Vec<_> = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .collect();
        let daemons: Vec<_> = all
            .iter()
            .filter(|c| c.security_context.as_ref().and_then(|s| s.privileged) == Some(true))
            .collect();
        assert_eq!(daemons.len(), 1);
        // transport=unix: the client reaches the daemon through a socket on a shared volume.
        let host = all
            .iter()
            .flat_map(|c| c.env.iter().flatten())
            .find(|e| e.name == "DOCKER_HOST")
            .and_then(|e| e.value.clone())
            .unwrap();
        assert!(host.starts_with("unix://"), "{host}");
    }

    #[test]
    fn a_bad_parameter_is_an_error_naming_it() {
        let e = super::pod("dind", &["transport=carrier-pigeon".to_owned()]).unwrap_err();
        assert!(e.to_string().contains("transport"), "{e}");
    }
}
