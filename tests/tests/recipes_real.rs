//! The Pods inside the `jenkins` and `github-arc` recipes pass `kubernetes-validate --strict`, like the
//! `--format pod` Pods they come from.

use dockscape::{Format, Options};
use dockscape_tests::golden::scenarios;
use dockscape_tests::kubernetes_validate;
use serde_json::{Value, json};

/// The Pod YAML inside a Jenkinsfile (the declarative `yaml '''...'''` or the scripted
/// `podTemplate(yaml: '''...''')`), unindented and unescaped from the Groovy string.
fn jenkins_pod(text: &str) -> String {
    let (open, indent) = if text.contains("podTemplate(yaml: '''\n") {
        ("podTemplate(yaml: '''\n", "    ")
    } else {
        ("yaml '''\n", "            ")
    };
    let start = text
        .find(open)
        .map(|i| i + open.len())
        .expect("the pod yaml in the Jenkinsfile");
    let len = text[start..].find("\n'''").expect("end of the yaml string");
    text[start..start + len]
        .lines()
        .map(|l| {
            l.strip_prefix(indent)
                .unwrap_or(l)
                .replace("\\'", "'")
                .replace("\\\\", "\\")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `template.spec` of the runner scale set values, as a Pod; `None` for `containerMode: dind`, where the
/// chart builds the pod itself.
fn arc_pod(text: &str, name: &str) -> Option<String> {
    let values: Value = serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    if values["containerMode"]["type"] == "dind" {
        return None;
    }
    let spec = values["template"]["spec"].clone();
    assert!(spec.is_object(), "{name}: no template.spec");
    let pod =
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "runner"}, "spec": spec});
    Some(serde_saphyr::to_string(&pod).unwrap())
}

#[test]
fn recipe_pods_pass_kubernetes_validate_strict() {
    let mut pods: Vec<(String, String)> = Vec::new();
    for (name, s) in scenarios() {
        for format in [Format::Jenkins, Format::GithubArc] {
            if !format.applies_to(s.id) {
                continue;
            }
            // The one refusal among the golden files: ARC with the rootless socket.
            let Ok(a) = dockscape::generate(&s, format, &Options::default()) else {
                assert_eq!(name, "dind-rootless-unix");
                continue;
            };
            let text = a.text;
            let pod = if format == Format::Jenkins {
                Some(jenkins_pod(&text))
            } else {
                arc_pod(&text, &name)
            };
            if let Some(pod) = pod {
                pods.push((format!("{name} ({})", format.id()), pod));
            }
        }
    }
    assert!(pods.len() >= 12, "{}", pods.len());
    let stream: Vec<&str> = pods.iter().map(|(_, p)| p.as_str()).collect();
    if kubernetes_validate(&stream.join("---\n")).is_err() {
        let failures: Vec<String> = pods
            .iter()
            .filter_map(|(n, p)| kubernetes_validate(p).err().map(|e| format!("{n}: {e}")))
            .collect();
        panic!("kubernetes-validate rejected:\n{}", failures.join("\n"));
    }
}

/// The lines of the commented block that follows `heading` in a recipe (`# ` stripped), up to the
/// next heading (a `# ` line at the block's own indentation that ends with `:`) or the end.
fn commented_block(text: &str, heading: &str) -> String {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(heading)).skip(1);
    let mut out = String::new();
    for l in lines.by_ref() {
        let Some(body) = l.strip_prefix("#") else {
            break;
        };
        if body.starts_with(" The ") && body.ends_with(':') {
            break;
        }
        out.push_str(body.strip_prefix(' ').unwrap_or(body));
        out.push('\n');
    }
    out
}

/// ARC's `containerMode: kubernetes` (`--set executor=kubernetes`): the runner pod of the values and
/// the hook extension's ConfigMap (printed in the recipe for `kubectl apply -f`) pass
/// `kubernetes-validate --strict`. The extension's own pod template is a fragment the hooks merge
/// (containers without images), checked by `core/tests/recipes_lint.rs` after the hooks' merge.
#[test]
fn arc_kubernetes_mode_runner_pod_and_hook_configmap_pass_kubernetes_validate_strict() {
    let mut checked = 0;
    for id in ["sysbox", "buildkit"] {
        let mut params = dockscape::Params::new();
        params.set("executor", "kubernetes").unwrap();
        let s = dockscape::build_scenario(id, &params).unwrap();
        let a = dockscape::generate(&s, Format::GithubArc, &Options::default()).unwrap();
        let values: Value = serde_saphyr::from_str(&a.text).unwrap();
        assert_eq!(values["containerMode"]["type"], "kubernetes", "{id}");
        let pod = arc_pod(&a.text, id).expect("a runner pod");
        let cm = commented_block(&a.text, "# The hook extension");
        assert!(cm.contains("kind: ConfigMap"), "{id}: {cm}");
        if let Err(e) = kubernetes_validate(&format!("{pod}---\n{cm}")) {
            panic!("{id}: kubernetes-validate rejected:\n{e}\n{pod}---\n{cm}");
        }
        checked += 1;
    }
    assert_eq!(checked, 2);
}
