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
    assert!(o["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{o}");
    o["error"].clone()
}

fn obj(pairs: &[(&str, &str)]) -> JsValue {
    let map: std::collections::BTreeMap<&str, &str> = pairs.iter().copied().collect();
    // A plain object, as JavaScript callers pass (not a `Map`).
    serde::Serialize::serialize(&map, &serde_wasm_bindgen::Serializer::json_compatible()).expect("object")
}

#[wasm_bindgen_test]
fn scenarios_list_every_parameter_with_its_default_and_accepted_values() {
    let list = value(dockscape_wasm::scenarios());
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), dockscape::scenarios().len());
    for (js, rust) in list.iter().zip(dockscape::scenarios()) {
        assert_eq!(js["id"], json!(rust.id));
        assert_eq!(js["params"].as_array().map(Vec::len), Some(rust.params.len()));
        for (p, rp) in js["params"].as_array().into_iter().flatten().zip(&rust.params) {
            assert_eq!(p["name"], json!(rp.name));
            assert_eq!(p["default"], json!(rp.default));
            assert_eq!(p["accepted"], json!(rp.accepted));
        }
    }
}

#[wasm_bindgen_test]
fn every_scenario_generates_every_format() {
    for s in dockscape::scenarios() {
        for format in ["pod", "compose", "run", "explain"] {
            let a = value(dockscape_wasm::generate(s.id, JsValue::UNDEFINED, format, JsValue::UNDEFINED));
            assert_eq!(a["format"], json!(format), "{}", s.id);
            assert!(a["text"].as_str().is_some_and(|t| !t.is_empty()), "{} {format}", s.id);
            assert!(a["file_name"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(a.get("notice").is_some(), "notice is always present (null when none)");
        }
    }
}

#[wasm_bindgen_test]
fn generate_matches_the_core() {
    let mut params = dockscape::Params::new();
    params.set("name", "job-1").expect("set");
    let scenario = dockscape::build_scenario("dind", &params).expect("build");
    let shell = dockscape::Shell::parse("powershell").expect("shell");
    let want = dockscape::generate(&scenario, dockscape::Format::Run, &dockscape::Options { shell: Some(shell) })
        .expect("generate");
    let got =
        value(dockscape_wasm::generate("dind", obj(&[("name", "job-1")]), "run", obj(&[("shell", "powershell")])));
    assert_eq!(got["text"], json!(want.text));
    assert_eq!(got["file_name"], json!(want.file_name));
}

#[wasm_bindgen_test]
fn bad_input_is_a_structured_error() {
    let e = error(dockscape_wasm::generate("nope", JsValue::UNDEFINED, "pod", JsValue::UNDEFINED));
    assert_eq!(e["kind"], json!("unknown-scenario"));
    let e = error(dockscape_wasm::generate("dood", obj(&[("nope", "1")]), "pod", JsValue::UNDEFINED));
    assert_eq!(e["kind"], json!("unknown-parameter"));
    assert!(e["message"].as_str().is_some_and(|m| m.contains("nope")));
    let e = error(dockscape_wasm::generate("dood", JsValue::UNDEFINED, "pdf", JsValue::UNDEFINED));
    assert_eq!(e["kind"], json!("unsupported-format"));
    let e = error(dockscape_wasm::generate("dood", JsValue::UNDEFINED, "run", obj(&[("shell", "fish")])));
    assert!(e["message"].as_str().is_some_and(|m| m.contains("fish")));
    let e = error(dockscape_wasm::generate("dood", JsValue::from(3), "pod", JsValue::UNDEFINED));
    assert_eq!(e["kind"], json!("invalid-input"));
}
