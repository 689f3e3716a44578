//! The wasm functions, called as JavaScript calls them, under Node (wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use serde_json::{Value, json};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn js(value: JsValue) -> Value {
    serde_wasm_bindgen::from_value(value).expect("a plain JSON-like value")
}

fn value(outcome: JsValue) -> Value {
    let o = js(outcome);
    assert_eq!(o["ok"], json!(true), "expected ok, got {o}");
    o["value"].clone()
}

#[wasm_bindgen_test]
fn version_is_the_core_version() {
    assert_eq!(value(dockscape_wasm::version()), json!(dockscape::VERSION));
}

#[wasm_bindgen_test]
#[should_panic(expected = "panic requested by panicForTest")]
fn a_panic_is_a_panic_not_a_string() {
    dockscape_wasm::panic_for_test();
}

fn error(outcome: JsValue) -> Value {
    let o = js(outcome);
    assert_eq!(o["ok"], json!(false), "expected an error, got {o}");
    assert!(
        o["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{o}"
    );
    o["error"].clone()
}

/// A value that cannot be converted still comes back as an error outcome, never a bare string.
#[wasm_bindgen_test]
fn a_result_that_cannot_be_converted_is_an_error_outcome() {
    struct Unconvertible;
    impl serde::Serialize for Unconvertible {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no JavaScript form"))
        }
    }
    let e = error(dockscape_wasm::to_js(&Unconvertible));
    assert_eq!(e["kind"], json!("validation"));
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("no JavaScript form")),
        "{e}"
    );
}

fn obj(pairs: &[(&str, &str)]) -> JsValue {
    let map: std::collections::BTreeMap<&str, &str> = pairs.iter().copied().collect();
    // A plain object, as JavaScript callers pass (not a `Map`).
    serde::Serialize::serialize(&map, &serde_wasm_bindgen::Serializer::json_compatible())
        .expect("object")
}

#[wasm_bindgen_test]
fn scenarios_list_every_parameter_with_its_default_and_accepted_values() {
    let list = value(dockscape_wasm::scenarios());
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), dockscape::scenarios().len());
    for (js, rust) in list.iter().zip(dockscape::scenarios()) {
        assert_eq!(js["id"], json!(rust.id));
        assert_eq!(
            js["params"].as_array().map(Vec::len),
            Some(rust.params.len())
        );
        for (p, rp) in js["params"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(&rust.params)
        {
            assert_eq!(p["name"], json!(rp.name));
            assert_eq!(p["default"], json!(rp.default));
            assert_eq!(p["accepted"], json!(rp.accepted));
        }
    }
}

#[wasm_bindgen_test]
fn formats_are_the_cores() {
    let f = value(dockscape_wasm::formats());
    let ids = |fs: &[dockscape::Format]| json!(fs.iter().map(|f| f.id()).collect::<Vec<_>>());
    assert_eq!(f["outputs"], ids(&dockscape::Format::ALL));
    assert_eq!(f["recipes"], ids(&dockscape::Format::RECIPES));
    assert_eq!(f["diagrams"], ids(&dockscape::Format::DIAGRAMS));
}

#[wasm_bindgen_test]
fn recipes_that_do_not_apply_say_why() {
    let e = error(dockscape_wasm::generate(
        "linux",
        JsValue::UNDEFINED,
        "gitlab",
        JsValue::UNDEFINED,
    ));
    assert_eq!(e["kind"], json!("unsupported-format"));
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not apply"))
    );
}

#[wasm_bindgen_test]
fn every_scenario_generates_every_output_and_diagram() {
    for s in dockscape::scenarios() {
        for format in ["pod", "compose", "run", "explain", "mermaid", "svg"] {
            let a = value(dockscape_wasm::generate(
                s.id,
                JsValue::UNDEFINED,
                format,
                JsValue::UNDEFINED,
            ));
            assert_eq!(a["format"], json!(format), "{}", s.id);
            assert!(
                a["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{} {format}",
                s.id
            );
            assert!(a["file_name"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(
                a.get("notice").is_some(),
                "notice is always present (null when none)"
            );
        }
    }
}

#[wasm_bindgen_test]
fn generate_matches_the_core() {
    let mut params = dockscape::Params::new();
    params.set("name", "job-1").expect("set");
    let scenario = dockscape::build_scenario("dind", &params).expect("build");
    let shell = dockscape::Shell::parse("powershell").expect("shell");
    let want = dockscape::generate(
        &scenario,
        dockscape::Format::Run,
        &dockscape::Options { shell: Some(shell) },
    )
    .expect("generate");
    let got = value(dockscape_wasm::generate(
        "dind",
        obj(&[("name", "job-1")]),
        "run",
        obj(&[("shell", "powershell")]),
    ));
    assert_eq!(got["text"], json!(want.text));
    assert_eq!(got["file_name"], json!(want.file_name));
}

#[wasm_bindgen_test]
fn bad_input_is_a_structured_error() {
    let e = error(dockscape_wasm::generate(
        "nope",
        JsValue::UNDEFINED,
        "pod",
        JsValue::UNDEFINED,
    ));
    assert_eq!(e["kind"], json!("unknown-scenario"));
    let e = error(dockscape_wasm::generate(
        "dood",
        obj(&[("nope", "1")]),
        "pod",
        JsValue::UNDEFINED,
    ));
    assert_eq!(e["kind"], json!("unknown-parameter"));
    assert!(e["message"].as_str().is_some_and(|m| m.contains("nope")));
    let e = error(dockscape_wasm::generate(
        "dood",
        JsValue::UNDEFINED,
        "pdf",
        JsValue::UNDEFINED,
    ));
    assert_eq!(e["kind"], json!("unsupported-format"));
    let e = error(dockscape_wasm::generate(
        "dood",
        JsValue::UNDEFINED,
        "run",
        obj(&[("shell", "fish")]),
    ));
    assert!(e["message"].as_str().is_some_and(|m| m.contains("fish")));
    let e = error(dockscape_wasm::generate(
        "dood",
        JsValue::from(3),
        "pod",
        JsValue::UNDEFINED,
    ));
    assert_eq!(e["kind"], json!("invalid-input"));
}

const SEED_DOOD: &str = include_str!("../../playground/e2e/fixtures/seed-002-dood-pod.yaml");

fn inputs(file: &str, text: &str, kind: Option<&str>) -> JsValue {
    let mut input = json!({ "file": file, "text": text });
    if let Some(k) = kind {
        input["kind"] = json!(k);
    }
    serde::Serialize::serialize(
        &json!([input]),
        &serde_wasm_bindgen::Serializer::json_compatible(),
    )
    .expect("inputs")
}

#[wasm_bindgen_test]
fn lint_finds_ds002_on_the_seed_dood_pod() {
    let report = value(dockscape_wasm::lint(
        inputs("dood.yaml", SEED_DOOD, None),
        JsValue::UNDEFINED,
    ));
    let line = SEED_DOOD
        .lines()
        .position(|l| l.contains("path: /var/run"))
        .expect("line")
        + 1;
    let ds002: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "DS002")
        .collect();
    assert_eq!(ds002.len(), 1, "{report}");
    assert_eq!(ds002[0]["line"], json!(line));
    assert_eq!(ds002[0]["file"], json!("dood.yaml"));
    for key in ["name", "severity", "message", "help", "path"] {
        assert!(
            ds002[0][key].as_str().is_some_and(|s| !s.is_empty()),
            "{key}"
        );
    }
    assert_eq!(report["workloads"][0]["scenario"], json!("dood"));
    assert_eq!(report["errors"], json!([]));
}

#[wasm_bindgen_test]
fn lint_diagram_draws_the_socket_edge_with_its_codes() {
    let svg = value(dockscape_wasm::lint_diagram(
        inputs("dood.yaml", SEED_DOOD, None),
        "Pod/dood".into(),
    ));
    let svg = svg.as_str().expect("an SVG string");
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{svg}");
    assert!(
        svg.contains("DS002") && svg.contains("docker-cmds"),
        "{svg}"
    );
    let e = error(dockscape_wasm::lint_diagram(
        inputs("dood.yaml", SEED_DOOD, None),
        "Pod/nope".into(),
    ));
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
}

#[wasm_bindgen_test]
fn lint_matches_the_core() {
    let want = dockscape::lint(
        &[dockscape::LintInput {
            file: "dood.yaml",
            text: SEED_DOOD,
            kind: None,
        }],
        &dockscape::LintOptions::default(),
    );
    let got = value(dockscape_wasm::lint(
        inputs("dood.yaml", SEED_DOOD, Some("kubernetes")),
        JsValue::UNDEFINED,
    ));
    assert_eq!(got, serde_json::to_value(&want).expect("json"));
}

#[wasm_bindgen_test]
fn lint_options_select_and_ignore() {
    let opts = serde::Serialize::serialize(
        &json!({ "ignore": ["DS002"] }),
        &serde_wasm_bindgen::Serializer::json_compatible(),
    )
    .expect("options");
    let report = value(dockscape_wasm::lint(
        inputs("dood.yaml", SEED_DOOD, None),
        opts,
    ));
    assert!(
        report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|f| f["code"] != "DS002")
    );
}

#[wasm_bindgen_test]
fn invalid_yaml_is_reported_with_its_line_not_thrown() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\nspec: {\n";
    let report = value(dockscape_wasm::lint(
        inputs("bad.yaml", text, None),
        JsValue::UNDEFINED,
    ));
    let errors = report["errors"].as_array().expect("errors");
    assert!(!errors.is_empty(), "{report}");
    assert!(
        errors[0]["line"].as_u64().is_some_and(|l| l >= 1),
        "{report}"
    );
    assert!(errors[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[wasm_bindgen_test]
fn bad_lint_arguments_are_structured_errors() {
    let e = error(dockscape_wasm::lint(
        inputs("x.yaml", "a: 1", Some("helm")),
        JsValue::UNDEFINED,
    ));
    assert!(e["message"].as_str().is_some_and(|m| m.contains("helm")));
    let e = error(dockscape_wasm::lint(
        JsValue::from_str("kind: Pod"),
        JsValue::UNDEFINED,
    ));
    assert_eq!(e["kind"], json!("invalid-input"));
}

#[wasm_bindgen_test]
fn rules_carry_their_pages() {
    let rules = value(dockscape_wasm::rules());
    let rules = rules.as_array().expect("array");
    assert_eq!(rules.len(), dockscape::rules().len());
    assert!(rules.iter().any(|r| r["code"] == "DS002"));
    for r in rules {
        assert!(r["code"].as_str().is_some_and(|c| c.starts_with("DS")));
        assert!(
            r["docs"].as_str().is_some_and(|d| d.len() > 100),
            "{}",
            r["code"]
        );
    }
}

/// The keys of `export interface <name>` in the TypeScript section: (key, optional).
fn ts_keys(name: &str) -> Vec<(String, bool)> {
    let src = include_str!("../src/lib.rs");
    let start = src
        .find(&format!("export interface {name} {{"))
        .unwrap_or_else(|| panic!("no interface {name}"));
    let body = &src[start..];
    let body = &body[body.find('{').expect("{") + 1..body.find('}').expect("}")];
    body.split(';')
        .filter_map(|field| {
            let (key, _) = field.split_once(':')?;
            let key = key.trim();
            (!key.starts_with('['))
                .then(|| (key.trim_end_matches('?').to_owned(), key.ends_with('?')))
        })
        .collect()
}

fn assert_shape(name: &str, value: &Value) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{name} is an object: {value}"));
    let keys = ts_keys(name);
    for (key, optional) in &keys {
        assert!(
            *optional || object.contains_key(key),
            "{name}.{key} is missing from {value}"
        );
    }
    for key in object.keys() {
        assert!(
            keys.iter().any(|(k, _)| k == key),
            "{name} has `{key}`, which its TypeScript type lacks"
        );
    }
}

#[wasm_bindgen_test]
fn values_have_exactly_the_typescript_shapes() {
    let scenarios = value(dockscape_wasm::scenarios());
    assert_shape("ScenarioInfo", &scenarios[0]);
    assert_shape("ParamSpec", &scenarios[0]["params"][0]);
    assert_shape(
        "Artifact",
        &value(dockscape_wasm::generate(
            "dood",
            JsValue::UNDEFINED,
            "pod",
            JsValue::UNDEFINED,
        )),
    );
    let report = value(dockscape_wasm::lint(
        inputs("dood.yaml", SEED_DOOD, None),
        JsValue::UNDEFINED,
    ));
    assert_shape("LintReport", &report);
    assert_shape("Finding", &report["findings"][0]);
    assert_shape("LintedWorkload", &report["workloads"][0]);
    let bad = value(dockscape_wasm::lint(
        inputs("bad.yaml", "a: [", None),
        JsValue::UNDEFINED,
    ));
    assert_shape("LintError", &bad["errors"][0]);
    assert_shape("RuleInfo", &value(dockscape_wasm::rules())[0]);
    let e = error(dockscape_wasm::generate(
        "dood",
        JsValue::UNDEFINED,
        "pdf",
        JsValue::UNDEFINED,
    ));
    assert_shape("DsError", &e);
    assert_shape("Formats", &value(dockscape_wasm::formats()));
}

fn convert_options(v: Value) -> JsValue {
    serde::Serialize::serialize(&v, &serde_wasm_bindgen::Serializer::json_compatible())
        .expect("options")
}

#[wasm_bindgen_test]
fn convert_reads_compose_and_kubernetes_with_auto_targets_and_options() {
    let compose = "services:\n  a:\n    image: app:${TAG:-1}\n    ports: [\"8080:80\"]\n  b:\n    image: busybox\n    logging: {driver: none}\n";
    let c = value(dockscape_wasm::convert(
        compose,
        "auto",
        convert_options(
            json!({ "env": {"TAG": "7"}, "pods": [{"name": "ab", "services": ["a", "b"]}] }),
        ),
    ));
    assert_eq!(c["source"], json!("compose"));
    assert_eq!(c["target"], json!("pod"));
    let text = c["outputs"][0]["text"].as_str().expect("text");
    assert!(
        text.contains("image: app:7") && text.contains("name: ab\n"),
        "{text}"
    );
    assert!(text.contains("kind: Service"), "{text}");
    assert_eq!(c["dropped"][0]["key_or_flag"], json!("logging"));
    assert_eq!(c["dropped"][0]["line"], json!(7));
    // the Pod back into Compose, and into a PowerShell script
    let k = value(dockscape_wasm::convert(text, "auto", JsValue::UNDEFINED));
    assert_eq!(k["source"], json!("k8s"));
    assert_eq!(k["target"], json!("compose"));
    assert!(
        k["outputs"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("\"8080:80\"")),
        "{k}"
    );
    let r = value(dockscape_wasm::convert(
        text,
        "run",
        convert_options(json!({ "shell": "powershell" })),
    ));
    assert_eq!(r["outputs"][0]["file_name"], json!("run.ps1"));
    let e = error(dockscape_wasm::convert(compose, "helm", JsValue::UNDEFINED));
    assert!(e["message"].as_str().is_some_and(|m| m.contains("helm")));
}

const FIXABLE: &str = include_str!("../../playground/e2e/fixtures/fixable-pod.yaml");

fn fix_options(v: Value) -> JsValue {
    serde::Serialize::serialize(&v, &serde_wasm_bindgen::Serializer::json_compatible())
        .expect("options")
}

fn one_input(file: &str, text: &str) -> JsValue {
    fix_options(json!({ "file": file, "text": text }))
}

/// `edits` applied to `text` (UTF-8 byte offsets, sorted).
fn applied(text: &str, edits: &Value) -> String {
    let mut out = String::new();
    let mut at = 0;
    for e in edits.as_array().expect("edits") {
        let start = e["start"].as_u64().expect("start") as usize;
        let end = e["end"].as_u64().expect("end") as usize;
        out.push_str(
            text.get(at..start)
                .expect("sorted, on character boundaries"),
        );
        out.push_str(e["replacement"].as_str().expect("replacement"));
        at = end;
    }
    out.push_str(text.get(at..).expect("in the text"));
    out
}

#[wasm_bindgen_test]
fn fix_applies_the_safe_fixes_or_all_as_the_core_does() {
    for unsafe_fixes in [false, true] {
        let want = dockscape::fix(
            &dockscape::LintInput {
                file: "agent.yaml",
                text: FIXABLE,
                kind: None,
            },
            &dockscape::LintOptions::default(),
            unsafe_fixes,
        )
        .expect("fix");
        let got = value(dockscape_wasm::fix(
            one_input("agent.yaml", FIXABLE),
            fix_options(json!({ "unsafe_fixes": unsafe_fixes })),
        ));
        assert_shape("FixResult", &got);
        assert_eq!(got["text"], json!(want.text));
        assert_eq!(got["fixed"], json!(want.fixed));
        assert_eq!(
            got["edits"],
            serde_json::to_value(&want.edits).expect("json")
        );
        assert_eq!(
            got["report"],
            serde_json::to_value(&want.report).expect("json")
        );
        // the edits are at byte offsets of the input, after its non-ASCII annotation
        assert_eq!(applied(FIXABLE, &got["edits"]), want.text);
        let first = got["edits"][0]["start"].as_u64().expect("start") as usize;
        assert!(
            !FIXABLE[..first].is_ascii(),
            "non-ASCII text before the first edit"
        );
        if unsafe_fixes {
            assert_eq!(got["fixed"], json!(3), "{got}");
            assert_eq!(got["unsafe_left"], json!(0));
            assert_eq!(got["summary"], json!("Fixed 3 findings (1 remaining)"));
        } else {
            // DS025's deletion alone; DS005 and DS015 are unsafe
            assert_eq!(got["fixed"], json!(1), "{got}");
            assert_eq!(got["unsafe_left"], json!(2));
            assert!(!got["text"].as_str().expect("text").contains("docker.sock"));
        }
    }
}

#[wasm_bindgen_test]
fn fix_applies_one_finding_alone() {
    let report = dockscape::lint(
        &[dockscape::LintInput {
            file: "agent.yaml",
            text: FIXABLE,
            kind: None,
        }],
        &dockscape::LintOptions::default(),
    );
    let ds015 = report
        .findings
        .iter()
        .find(|f| f.code == "DS015")
        .expect("DS015");
    let fix = ds015.fix.as_ref().expect("a fix");
    let named = json!({ "code": "DS015", "line": ds015.line, "column": ds015.column });
    // unsafe: only when asked
    let e = error(dockscape_wasm::fix(
        one_input("agent.yaml", FIXABLE),
        fix_options(json!({ "finding": named })),
    ));
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("unsafe")),
        "{e}"
    );
    let got = value(dockscape_wasm::fix(
        one_input("agent.yaml", FIXABLE),
        fix_options(json!({ "finding": named, "unsafe_fixes": true })),
    ));
    assert_eq!(got["fixed"], json!(1));
    assert_eq!(
        got["edits"],
        serde_json::to_value(&fix.edits).expect("json")
    );
    let text = got["text"].as_str().expect("text");
    assert_eq!(applied(FIXABLE, &got["edits"]), text);
    assert!(text.contains("allowPrivilegeEscalation: false") && text.contains("docker.sock"));
    let codes: Vec<&str> = got["report"]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(!codes.contains(&"DS015") && codes.contains(&"DS005") && codes.contains(&"DS025"));
    assert_eq!(got["unsafe_left"], json!(1), "DS005's fix is left");
    // a finding that is not there, or has no fix
    let ds004 = report
        .findings
        .iter()
        .find(|f| f.code == "DS004")
        .expect("DS004");
    for named in [
        json!({ "code": "DS015", "line": ds015.line + 1, "column": ds015.column }),
        json!({ "code": "DS004", "line": ds004.line, "column": ds004.column }),
    ] {
        let e = error(dockscape_wasm::fix(
            one_input("agent.yaml", FIXABLE),
            fix_options(json!({ "finding": named, "unsafe_fixes": true })),
        ));
        assert_eq!(e["kind"], json!("invalid-input"), "{e}");
    }
    // an input that does not lint cleanly is not fixed, as by the loop
    let broken = format!("{FIXABLE}---\nkind: Pod\nspec: [broken\n");
    let e = error(dockscape_wasm::fix(
        one_input("agent.yaml", &broken),
        fix_options(json!({ "finding": named, "unsafe_fixes": true })),
    ));
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("lint cleanly")),
        "{e}"
    );
    let all = value(dockscape_wasm::fix(
        one_input("agent.yaml", &broken),
        fix_options(json!({ "unsafe_fixes": true })),
    ));
    assert_eq!(all["fixed"], json!(0));
    assert_eq!(all["text"], json!(broken));
    let e = error(dockscape_wasm::fix(JsValue::from(1), JsValue::UNDEFINED));
    assert_eq!(e["kind"], json!("invalid-input"));
}
