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
