//! Every emitted Pod deserialises into the k8s-openapi Pod with nothing lost, and every Compose file
//! parses back to the same document: emit, parse back, compare.

use dockscape::{Format, Options, WorkloadKind};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::Pod;

use dockscape_tests::golden::{body, scenarios as golden};

/// Read `text` as the k8s-openapi type `T`, and check that the untyped YAML is exactly what the
/// typed value holds: no field unknown to k8s-openapi, no string read back as a number or a boolean.
fn typed<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str, text: &str) -> T {
    let value: T = serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let untyped: serde_json::Value = serde_saphyr::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_value(&value).unwrap(),
        untyped,
        "{name}: the object lost or changed something on the way back"
    );
    value
}

#[test]
fn pods_round_trip_through_k8s_openapi() {
    let mut kinds = std::collections::BTreeSet::new();
    for (name, s) in golden() {
        let text = dockscape::generate(&s, Format::Pod, &Options::default())
            .unwrap()
            .text;
        let text = body(&text);
        // The pod itself, or the template of the controller that carries it.
        let (meta, spec) = match &s.workload {
            WorkloadKind::Pod => {
                let pod: Pod = typed(&name, &text);
                (Some(pod.metadata), pod.spec)
            }
            WorkloadKind::Job(_) => {
                let job: Job = typed(&name, &text);
                let t = job.spec.unwrap().template;
                (t.metadata, t.spec)
            }
            WorkloadKind::CronJob { .. } => {
                let cron: CronJob = typed(&name, &text);
                let t = cron.spec.job_template.spec.unwrap().template;
                (t.metadata, t.spec)
            }
            WorkloadKind::Deployment { .. } => {
                let d: Deployment = typed(&name, &text);
                assert_eq!(
                    d.spec.selector.match_labels, d.metadata.labels,
                    "{name}: the selector selects the pods"
                );
                (d.spec.template.metadata, d.spec.template.spec)
            }
            other => panic!("{name}: unknown workload {other:?}"),
        };
        kinds.insert(s.workload.id());
        // A template has no name of its own: the controller names its pods.
        let mut metadata = meta.unwrap_or_default();
        metadata.name.get_or_insert_with(|| s.pod.name.clone());
        let pod = Pod {
            metadata,
            spec,
            status: None,
        };
        let problems = dockscape::validate_pod(&pod);
        assert!(problems.is_empty(), "{name}: {problems:?}");
        let spec = pod.spec.unwrap();
        let n = spec.containers.len() + spec.init_containers.map_or(0, |c| c.len());
        assert_eq!(n, s.pod.containers.len(), "{name}: container count");
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["cronjob", "deployment", "job", "pod"],
        "golden files cover every kind"
    );
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
        // Every scalar reads back as a string where the model has one (ports, versions, "no").
        for (svc, def) in services_of(&value) {
            for key in ["image", "user", "restart"] {
                if let Some(v) = def.get(key) {
                    assert!(
                        v.is_string(),
                        "{name}: services.{svc}.{key} read back as {v}"
                    );
                }
            }
            for list in ["ports", "entrypoint", "command", "volumes"] {
                for item in def
                    .get(list)
                    .and_then(|l| l.as_array())
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        item.is_string() || item.is_object(),
                        "{name}: services.{svc}.{list}: {item}"
                    );
                }
            }
            for (k, v) in def
                .get("environment")
                .and_then(|e| e.as_object())
                .into_iter()
                .flatten()
            {
                assert!(
                    v.is_string(),
                    "{name}: services.{svc}.environment.{k} read back as {v}"
                );
            }
        }
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

fn services_of(v: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    v["services"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Any string the user gives comes back from the Pod and Compose YAML as the same string.
    #[test]
    fn any_string_reads_back_from_the_yaml(value in "[^\\x00]{0,30}", word in "[ -~\n]{0,12}") {
        let mut p = dockscape::Params::new();
        p.set("env.VALUE", &value).unwrap();
        p.insert("args", dockscape::ParamValue::List(vec![word.clone()]));
        let s = dockscape::build_scenario("dood", &p).unwrap();
        let pod = dockscape::generate(&s, Format::Pod, &Options::default()).unwrap().text;
        let pod: Pod = serde_saphyr::from_str(&body(&pod)).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}\n{pod}")))?;
        let c = &pod.spec.unwrap().containers[0];
        let env = c.env.as_ref().unwrap().iter().find(|e| e.name == "VALUE").unwrap();
        proptest::prop_assert_eq!(env.value.as_deref(), Some(value.as_str()));
        proptest::prop_assert_eq!(c.args.as_ref().unwrap(), &vec![word.clone()]);
        let compose = dockscape::generate(&s, Format::Compose, &Options::default()).unwrap().text;
        let v: serde_json::Value = serde_saphyr::from_str(&body(&compose)).unwrap();
        let svc = &v["services"]["docker-cmds"];
        // Compose writes a literal `$` as `$$`.
        let (want_value, want_word) = (value.replace('$', "$$"), word.replace('$', "$$"));
        proptest::prop_assert_eq!(svc["environment"]["VALUE"].as_str(), Some(want_value.as_str()));
        proptest::prop_assert_eq!(svc["command"][0].as_str(), Some(want_word.as_str()));
    }
}
