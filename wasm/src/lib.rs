//! dockscape in the browser: thin wasm-bindgen functions over the `dockscape` core.
//!
//! This crate converts types at the boundary and nothing else. Every function returns a plain object
//! `{ ok: true, value }` or `{ ok: false, error: { kind, message, location? } }`: never a thrown string.
//! A Rust panic is reported on the console by `console_error_panic_hook` and traps the instance; the
//! playground's Web Worker then starts a fresh one.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Where in an input, 1-based. */
export interface Location { line: number; column: number }
/** The one error shape of every function: `kind` is kebab-case (`unknown-scenario`, `parse`, ...). */
export interface DsError { kind: string; message: string; location?: Location }
/** What every function returns: a value or a structured error, never a thrown string. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: DsError };
/** How a parameter's value is read. */
export type ParamKind = "text" | "words" | "env" | "ports" | "quantity" | "number";
/** One parameter of a scenario; `accepted` empty means free text. */
export interface ParamSpec { name: string; summary: string; default: string; accepted: string[]; kind: ParamKind }
/** A scenario of the catalogue. */
export interface ScenarioInfo { id: string; title: string; summary: string; params: ParamSpec[] }
/** Parameter values by name, in the CLI's `--set key=value` syntax. */
export type Params = Record<string, string>;
/** Options of `generate`: `shell` is `sh`, `powershell`, `cmd` or `gitbash`. */
export interface GenerateOptions { shell?: string }
/** One output; `notice` says why a format does not apply and what `text` offers instead. */
export interface Artifact { format: "pod" | "compose" | "run" | "explain"; text: string; file_name: string; notice: string | null }
/** One input of `lint`; `kind` is guessed from the text when left out. */
export interface LintInput { file: string; text: string; kind?: string }
export interface LintOptions { [option: string]: unknown }
export interface Finding {
  code: string; name: string; severity: string; message: string; help: string;
  file: string; line: number; column: number; path?: string | null;
  workload?: string | null; container?: string | null; [field: string]: unknown
}
export interface LintWorkload { scenario?: string | null; [field: string]: unknown }
export interface LintReport { findings: Finding[]; workloads: LintWorkload[]; errors: DsError[] | Record<string, unknown>[] }
/** A lint rule and its documentation page (Markdown). */
export interface RuleInfo { code: string; name: string; severity: string; summary: string; docs: string; [field: string]: unknown }
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[derive(Serialize)]
struct Ok<'a, T: Serialize> {
    ok: bool,
    value: &'a T,
}

#[derive(Serialize)]
struct Err<'a> {
    ok: bool,
    error: &'a dockscape::Error,
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|e| JsValue::from_str(&e.to_string()))
}

fn ok<T: Serialize>(value: &T) -> JsValue {
    to_js(&Ok { ok: true, value })
}

fn err(error: &dockscape::Error) -> JsValue {
    to_js(&Err { ok: false, error })
}

fn invalid(message: String) -> dockscape::Error {
    dockscape::Error::new(dockscape::ErrorKind::InvalidInput, message)
}

/// Reads a JavaScript value into `T`, or says what was wrong with it.
fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, dockscape::Error> {
    serde_wasm_bindgen::from_value(value).map_err(|e| invalid(format!("{what}: {e}")))
}

fn outcome<T: Serialize>(result: Result<T, dockscape::Error>) -> JsValue {
    match result {
        Result::Ok(value) => ok(&value),
        Result::Err(error) => err(&error),
    }
}

/// The version of the dockscape core.
#[wasm_bindgen(unchecked_return_type = "Outcome<string>")]
pub fn version() -> JsValue {
    outcome(Result::Ok(dockscape::VERSION))
}

/// The scenario catalogue: ids, titles, and every parameter with its default and accepted values.
#[wasm_bindgen(unchecked_return_type = "Outcome<ScenarioInfo[]>")]
pub fn scenarios() -> JsValue {
    ok(&dockscape::scenarios())
}

#[derive(Deserialize, Default)]
struct GenerateOptions {
    #[serde(default)]
    shell: Option<String>,
}

/// Renders scenario `id` with `params` (name to value, as `--set`) as `format` (`pod`, `compose`, `run`,
/// `explain`).
#[wasm_bindgen(unchecked_return_type = "Outcome<Artifact>")]
pub fn generate(
    id: &str,
    #[wasm_bindgen(unchecked_param_type = "Params | undefined")] params: JsValue,
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "GenerateOptions | undefined")] options: JsValue,
) -> JsValue {
    outcome((|| {
        let mut set = dockscape::Params::new();
        if !params.is_undefined() && !params.is_null() {
            let map: BTreeMap<String, String> = from_js(params, "params must map names to strings")?;
            for (key, value) in &map {
                set.set(key, value)?;
            }
        }
        let options: GenerateOptions = if options.is_undefined() || options.is_null() {
            GenerateOptions::default()
        } else {
            from_js(options, "options")?
        };
        let shell = match options.shell.as_deref() {
            None | Some("") => None,
            Some(s) => Some(dockscape::Shell::parse(s)?),
        };
        let format = dockscape::Format::parse(format)?;
        let scenario = dockscape::build_scenario(id, &set)?;
        dockscape::generate(&scenario, format, &dockscape::Options { shell })
    })())
}

/// Panics on purpose, so the playground and its tests can prove a panic never leaves a dead module.
#[wasm_bindgen(js_name = "panicForTest")]
pub fn panic_for_test() {
    panic!("panic requested by panicForTest");
}
