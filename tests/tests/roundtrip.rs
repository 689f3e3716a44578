//! Every emitted Pod deserialises into the k8s-openapi Pod with nothing lost, and every Compose file
//! parses back to the same document: emit, parse back, emit again, compare.

use dockscape::{Format, Options};
use k8s_openapi::api::core::v1::Pod;

use dockscape_tests::golden::{body, scenarios as golden};

#[test]
fn pods_round_trip_through_k8s_openapi() {
    for (name, s) in golden() {
        let text = dockscape::generate(&s, Format::Pod, &Options::default())
            .unwrap()
            .text;
        let pod: Pod =
            serde_saphyr::from_str(&body(&text)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = serde_saphyr::to_string(&pod).unwrap();
        assert_eq!(
            body(&text),
            again,
            "{name}: the pod lost or changed something on the way back"
        );
        assert!(dockscape::validate_pod(&pod).is_empty(), "{name}");
        let spec = pod.spec.unwrap();
        let n = spec.containers.len() + spec.init_containers.map_or(0, |c| c.len());
        assert_eq!(n, s.pod.containers.len(), "{name}: container count");
    }
}

#[test]
fn compose_files_round_trip() {
    for (name, s) in golden() {
        let text = dockscape::generate(&s, Format::Compose, &Options::default())
            .unwrap()
            .text;
        let value: serde_json::Value =
            serde_saphyr::from_str(&body(&text)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(dockscape::validate_compose(&value).is_empty(), "{name}");
        let again = serde_saphyr::to_string(&value).unwrap();
        assert_eq!(body(&text), again, "{name}");
        let services = value["services"].as_object().unwrap();
        assert_eq!(
            services.len(),
            s.pod.containers.len(),
            "{name}: one service per container"
        );
        assert!(
            value.get("version").is_none(),
            "{name}: the Compose spec has no version key"
        );
    }
}
