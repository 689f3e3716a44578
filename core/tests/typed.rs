//! `to_pod` and `to_compose` are the values `generate` writes: for every scenario variant, the typed
//! value equals what the emitted text reads back as (the Pod through k8s-openapi's deserialiser, the
//! Compose file through serde-saphyr into JSON), so a field the generator adds without the typed value
//! carrying it fails here.

mod common;

use common::{RECIPE_VARIANTS, scenario};
use dockscape::{Format, Options, generate, to_compose, to_pod};
use k8s_openapi::api::core::v1::Pod;

fn text(id: &str, sets: &[&str], format: Format) -> String {
    generate(&scenario(id, sets), format, &Options::default())
        .unwrap()
        .text
}

#[test]
fn to_pod_is_the_generated_pod() {
    for (name, id, sets) in RECIPE_VARIANTS {
        let typed = to_pod(&scenario(id, sets)).unwrap();
        let read: Pod = serde_saphyr::from_str(&text(id, sets, Format::Pod)).unwrap();
        assert_eq!(typed, read, "{name}");
        assert!(
            typed.spec.is_some_and(|s| !s.containers.is_empty()),
            "{name}"
        );
    }
}

#[test]
fn to_compose_is_the_generated_compose_file() {
    for (name, id, sets) in RECIPE_VARIANTS {
        let typed = to_compose(&scenario(id, sets)).unwrap();
        let read: serde_json::Value =
            serde_saphyr::from_str(&text(id, sets, Format::Compose)).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), read, "{name}");
        assert!(!typed.services.is_empty(), "{name}");
    }
}

#[test]
fn dind_compose_names_the_daemon_service_docker() {
    let c = to_compose(&scenario("dind", &[])).unwrap();
    let docker = c.services.get("docker").unwrap();
    assert_eq!(docker.privileged, Some(true));
    assert!(docker.image.starts_with("docker:") && docker.image.contains("dind"));
    let dollar = to_compose(&scenario("dind", &["env.PRICE=$5"])).unwrap();
    let env = dollar
        .services
        .values()
        .find_map(|s| s.environment.as_ref()?.get("PRICE"))
        .unwrap();
    assert_eq!(env, "$$5", "a literal `$` is written `$$`");
}
