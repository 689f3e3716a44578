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
/** Format ids by family: `outputs` (pod, compose, run, explain), CI `recipes`, `diagrams` (mermaid, svg). */
export interface Formats { outputs: string[]; recipes: string[]; diagrams: string[] }
/** Options of `generate`: `shell` is `sh`, `powershell`, `cmd` or `gitbash`. */
export interface GenerateOptions { shell?: string }
/** One output; `notice` says why a format does not apply and what `text` offers instead. */
export interface Artifact { format: string; text: string; file_name: string; notice: string | null }
/** One input of `lint`; `kind` (`kubernetes`, `compose`, `run`) is detected from the name and text when left out. */
export interface LintInput { file: string; text: string; kind?: string }
/** Rule selection as the CLI's `--select` / `--ignore` (codes, code prefixes, names, `ALL`); `fail_on` a severity. */
export interface LintOptions { select?: string[]; ignore?: string[]; fail_on?: Severity }
export type Severity = "critical" | "high" | "medium" | "low" | "info";
export interface Finding {
  code: string; name: string; severity: Severity; message: string; help: string;
  file: string; line: number; column: number; path: string;
  workload: string | null; container: string | null; suppressed: string | null;
  /** Present when the rule's mechanical fix applies here (`dockscape lint --fix`). */
  fix?: Fix
}
/** A finding's fix: edits at UTF-8 byte offsets of the linted text (an editor counting UTF-16
 * units converts them), sorted and not overlapping. */
export interface Fix {
  applicability: "safe" | "unsafe"; message: string;
  edits: { start: number; end: number; replacement: string }[]
}
/** `dood`, `dind`, `dind-rootless`, `sysbox`, `daemonless-build`, `docker-desktop` or `none`. */
export type WorkloadScenario = string;
export interface LintedWorkload {
  file: string; line: number; workload: string; kind: string; name: string;
  namespace: string | null; scenario: WorkloadScenario
}
export interface LintError { file: string; line: number | null; column: number | null; message: string }
export interface Skipped { file: string; reason: string }
export interface ReportMeta { version: string; kubernetes: string; schema: number }
export interface LintReport { findings: Finding[]; workloads: LintedWorkload[]; errors: LintError[]; skipped: Skipped[]; dockscape: ReportMeta }
/** A lint rule and its page (`docs`, Markdown: what `docs/rules/<name>.md` holds). */
export interface RuleInfo {
  code: string; name: string; severity: Severity; summary: string; help: string; docs: string; help_uri: string;
  /** Whether the rule's findings can carry a fix, and of which kind. */
  fix?: "safe" | "unsafe"
}
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

/// A Rust value as a plain JavaScript value; public only for the Node tests.
#[doc(hidden)]
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|e| conversion_failed(&e.to_string()))
}

/// The outcome when a result cannot be converted to JavaScript: still `{ ok: false, error }`, built
/// by hand, never a bare string.
fn conversion_failed(why: &str) -> JsValue {
    let error = js_sys::Object::new();
    let message = format!("cannot convert the result to JavaScript: {why}");
    for (k, v) in [("kind", "validation"), ("message", message.as_str())] {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    let out = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&out, &JsValue::from_str("ok"), &JsValue::FALSE);
    let _ = js_sys::Reflect::set(&out, &JsValue::from_str("error"), &error);
    out.into()
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
fn from_js<T: for<'de> Deserialize<'de>>(
    value: JsValue,
    what: &str,
) -> Result<T, dockscape::Error> {
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

#[derive(Serialize)]
struct Formats {
    outputs: &'static [dockscape::Format],
    recipes: &'static [dockscape::Format],
    diagrams: &'static [dockscape::Format],
}

/// Every format `generate` takes, by family.
#[wasm_bindgen(unchecked_return_type = "Outcome<Formats>")]
pub fn formats() -> JsValue {
    ok(&Formats {
        outputs: &dockscape::Format::ALL,
        recipes: &dockscape::Format::RECIPES,
        diagrams: &dockscape::Format::DIAGRAMS,
    })
}

#[derive(Deserialize, Default)]
struct GenerateOptions {
    #[serde(default)]
    shell: Option<String>,
}

/// Renders scenario `id` with `params` (name to value, as `--set`) as `format` (an id of `formats()`).
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
            let map: BTreeMap<String, String> =
                from_js(params, "params must map names to strings")?;
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

#[derive(Deserialize)]
struct Input {
    file: String,
    text: String,
    #[serde(default)]
    kind: Option<String>,
}

#[derive(Deserialize, Default)]
struct LintOptions {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    fail_on: Option<String>,
}

/// Lints `inputs` (`[{ file, text, kind? }]`): findings, workloads with their scenario, and the inputs
/// that could not be read (`errors`, with line and column).
#[wasm_bindgen(unchecked_return_type = "Outcome<LintReport>")]
pub fn lint(
    #[wasm_bindgen(unchecked_param_type = "LintInput[]")] inputs: JsValue,
    #[wasm_bindgen(unchecked_param_type = "LintOptions | undefined")] options: JsValue,
) -> JsValue {
    outcome((|| {
        let inputs: Vec<Input> = from_js(inputs, "inputs must be a list of { file, text, kind? }")?;
        let opts: LintOptions = if options.is_undefined() || options.is_null() {
            LintOptions::default()
        } else {
            from_js(options, "options")?
        };
        let mut options = dockscape::LintOptions {
            select: opts.select,
            ignore: opts.ignore,
            ..Default::default()
        };
        if let Some(s) = opts.fail_on.as_deref() {
            options.fail_on = s.parse()?;
        }
        Ok(dockscape::lint(&borrow(&inputs)?, &options))
    })())
}

/// The inputs as the core takes them.
fn borrow(inputs: &[Input]) -> Result<Vec<dockscape::LintInput<'_>>, dockscape::Error> {
    inputs
        .iter()
        .map(|i| {
            let kind = match i.kind.as_deref() {
                None | Some("") => None,
                Some(k) => Some(k.parse::<dockscape::InputKind>()?),
            };
            Ok(dockscape::LintInput {
                file: &i.file,
                text: &i.text,
                kind,
            })
        })
        .collect()
}

/// What one linted workload can reach (the host daemon through a socket, its own daemon, a plain-TCP
/// endpoint), drawn as a self-contained SVG with the rule codes on the offending edges. `workload` is a
/// `LintedWorkload.workload` label.
#[wasm_bindgen(js_name = "lintDiagram", unchecked_return_type = "Outcome<string>")]
pub fn lint_diagram(
    #[wasm_bindgen(unchecked_param_type = "LintInput[]")] inputs: JsValue,
    workload: String,
) -> JsValue {
    outcome((|| {
        let inputs: Vec<Input> = from_js(inputs, "inputs must be a list of { file, text, kind? }")?;
        let report = dockscape::lint(&borrow(&inputs)?, &dockscape::LintOptions::default());
        dockscape::render_svg(&report.diagram(Some(&workload))?)
    })())
}

/// Every lint rule, with its page.
#[wasm_bindgen(unchecked_return_type = "Outcome<RuleInfo[]>")]
pub fn rules() -> JsValue {
    ok(&dockscape::rules())
}

/// Panics on purpose, so the playground and its tests can prove a panic never leaves a dead module.
#[wasm_bindgen(js_name = "panicForTest")]
pub fn panic_for_test() {
    panic!("panic requested by panicForTest");
}

/// The Kubernetes API version (`1.NN`) the generated and linted Pods are typed against (k8s-openapi's
/// enabled version in this build).
#[wasm_bindgen(
    js_name = "kubernetesApiVersion",
    unchecked_return_type = "Outcome<string>"
)]
pub fn kubernetes_api_version() -> JsValue {
    outcome(Result::Ok(dockscape::KUBERNETES_API_VERSION))
}

#[wasm_bindgen(typescript_custom_section)]
const TS_CONVERT_TYPES: &str = r#"
/** Options of `convert`: `from` forces the input kind (detected otherwise), `schedule` a CronJob's,
 * `shell` the shell of `run` output, `pods` groups Compose services into one Pod, `env` the
 * variables Compose input is interpolated with (a `.env`'s). */
export interface ConvertOptions {
  from?: "run" | "compose" | "k8s";
  schedule?: string;
  shell?: "sh" | "powershell" | "cmd" | "gitbash";
  pods?: { name: string; services: string[] }[];
  env?: Record<string, string>;
}
/** What to write; `auto` is the next natural form (run → compose, compose → pod, k8s → compose). */
export type ConvertTarget = "auto" | "compose" | "run" | "pod" | "deployment" | "job" | "cronjob";
export interface ConvertedFile { file_name: string; text: string }
export interface ConvertNote { line: number; column: number; message: string }
/** An input flag or key not carried over, and why. */
export interface Dropped { line: number; column: number; key_or_flag: string; reason: string }
export interface Conversion {
  source: "run" | "compose" | "k8s"; target: Exclude<ConvertTarget, "auto">;
  outputs: ConvertedFile[]; notes: ConvertNote[]; dropped: Dropped[]; errors: DsError[]; findings: Finding[]
}
"#;

#[derive(Deserialize)]
struct PodGroup {
    name: String,
    services: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ConvertOpts {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    schedule: Option<String>,
    #[serde(default)]
    shell: Option<String>,
    #[serde(default)]
    pods: Vec<PodGroup>,
    #[serde(default)]
    env: std::collections::BTreeMap<String, String>,
}

/// Converts `docker run` lines, a Compose file or Kubernetes objects into `target` (`auto`,
/// `compose`, `run`, `pod`, `deployment`, `job`, `cronjob`): outputs, notes, dropped flags and keys
/// with their positions, unreadable parts, and lint findings of the outputs.
#[wasm_bindgen(unchecked_return_type = "Outcome<Conversion>")]
pub fn convert(
    input: &str,
    #[wasm_bindgen(unchecked_param_type = "ConvertTarget")] target: &str,
    #[wasm_bindgen(unchecked_param_type = "ConvertOptions | undefined")] options: JsValue,
) -> JsValue {
    outcome((|| {
        let opts: ConvertOpts = if options.is_undefined() || options.is_null() {
            ConvertOpts::default()
        } else {
            from_js(options, "options")?
        };
        let from = opts
            .from
            .as_deref()
            .map(dockscape::ConvertSource::parse)
            .transpose()?;
        let source = from.unwrap_or_else(|| dockscape::ConvertSource::detect(input));
        let target = if target == "auto" {
            dockscape::ConvertTarget::default_for(source)
        } else {
            dockscape::ConvertTarget::parse(target)?
        };
        let options = dockscape::ConvertOptions {
            from: Some(source),
            schedule: opts.schedule,
            file: String::new(),
            shell: opts
                .shell
                .as_deref()
                .map(dockscape::Shell::parse)
                .transpose()?,
            env: opts.env.into_iter().collect(),
            pods: opts
                .pods
                .into_iter()
                .map(|g| (g.name, g.services))
                .collect(),
        };
        dockscape::convert(input, target, &options)
    })())
}

#[wasm_bindgen(typescript_custom_section)]
const TS_YAML_TYPES: &str = r#"
/** A YAML document as JSON: what `yamlToJson` returns for each document. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
"#;

/// Every YAML document of `text` as JSON, read as dockscape reads Kubernetes input (YAML 1.1 scalars,
/// merge keys, last-wins duplicates). The playground reads `convert`'s own Pod output with it to open a
/// linted workload in Generate with its values.
#[wasm_bindgen(js_name = "yamlToJson", unchecked_return_type = "Outcome<JsonValue[]>")]
pub fn yaml_to_json(text: &str) -> JsValue {
    outcome(Result::Ok(dockscape::debug_yaml_to_json(text)))
}

#[wasm_bindgen(typescript_custom_section)]
const TS_MIGRATE_TYPES: &str = r#"
/** What a DooD workload is rewritten into (docs/migrate.md); a workload a target cannot take is refused with the reason. */
export type MigrateTarget = "dind" | "dind-rootless" | "sysbox" | "buildkit" | "socket-proxy";
/** Options of `migrate`: `file` tells the input kind apart (`docker-compose.yml`, ...), `sidecar` where
 * the daemon runs (default: a native sidecar in a Job or CronJob, a container elsewhere), `workload`
 * limits it to `KIND/NAMESPACE/NAME`. */
export interface MigrateOptions { file?: string; sidecar?: "container" | "native"; workload?: string }
/** Replace the bytes `start..end` of the input (UTF-8 offsets) with `replacement`. */
export interface Edit { start: number; end: number; replacement: string }
export interface MigrateNote { workload: string; line: number; message: string }
export interface Refusal { workload: string; line: number; reason: string }
/** The rewritten `text`, the edits that make it, the workloads migrated, notes and refusals. */
export interface Migration { edits: Edit[]; text: string; migrated: string[]; notes: MigrateNote[]; refusals: Refusal[] }
"#;

#[derive(Deserialize, Default)]
struct MigrateOpts {
    #[serde(default)]
    file: String,
    #[serde(default)]
    sidecar: Option<String>,
    #[serde(default)]
    workload: Option<String>,
}

/// Rewrites the Docker-outside-of-Docker workloads of a Kubernetes or Compose text into `target`
/// (`dind`: TLS Docker-in-Docker) by byte-preserving edits, as `dockscape migrate` does.
#[wasm_bindgen(unchecked_return_type = "Outcome<Migration>")]
pub fn migrate(
    input: &str,
    #[wasm_bindgen(unchecked_param_type = "MigrateTarget")] target: &str,
    #[wasm_bindgen(unchecked_param_type = "MigrateOptions | undefined")] options: JsValue,
) -> JsValue {
    outcome((|| {
        let opts: MigrateOpts = if options.is_undefined() || options.is_null() {
            MigrateOpts::default()
        } else {
            from_js(options, "options")?
        };
        let sidecar = match opts.sidecar.as_deref() {
            None => None,
            Some("container") => Some(dockscape::Sidecar::Container),
            Some("native") => Some(dockscape::Sidecar::Native),
            Some(other) => {
                return Err(dockscape::Error::new(
                    dockscape::ErrorKind::InvalidParameter,
                    format!("unknown sidecar `{other}` (container, native)"),
                ));
            }
        };
        let target: dockscape::MigrateTarget = target.parse()?;
        let options = dockscape::MigrateOptions {
            file: opts.file,
            sidecar,
            workload: opts.workload,
        };
        dockscape::migrate(input, target, &options)
    })())
}

#[wasm_bindgen(typescript_custom_section)]
const TS_FIX_TYPES: &str = r#"
/** A finding named by what `lint` reported for it (its `path` tells apart two at one place). */
export interface FindingRef { code: string; line: number; column: number; path?: string }
/** Options of `fix`: `unsafe_fixes` applies the unsafe fixes too (as `lint --unsafe-fixes`); `finding`
 * applies that one finding's fix alone (an unsafe one only with `unsafe_fixes`); `select` and
 * `ignore` as `lint`'s. */
export interface FixOptions { unsafe_fixes?: boolean; finding?: FindingRef; select?: string[]; ignore?: string[] }
/** What `fix` did: the fixed `text`; the `edits` that make it from the input (UTF-8 byte offsets of
 * the input, sorted, not overlapping: an editor counting UTF-16 units converts them); how many
 * findings were `fixed`; the `report` of the fixed text (what remains); how many of its findings
 * have an unsafe fix not applied (`unsafe_left`); the CLI's `summary` line. */
export interface FixResult { text: string; edits: Edit[]; fixed: number; report: LintReport; unsafe_left: number; summary: string }
"#;

#[derive(Deserialize)]
struct FindingRef {
    code: String,
    line: usize,
    column: usize,
    #[serde(default)]
    path: Option<String>,
}

#[derive(Deserialize, Default)]
struct FixOpts {
    #[serde(default)]
    unsafe_fixes: bool,
    #[serde(default)]
    finding: Option<FindingRef>,
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Serialize)]
struct FixResult {
    text: String,
    edits: Vec<dockscape::Edit>,
    fixed: usize,
    report: dockscape::LintReport,
    unsafe_left: usize,
    summary: String,
}

/// Applies the fixes of `input`'s findings as `dockscape lint --fix` does (the safe ones; the unsafe
/// ones too with `unsafe_fixes`), or the fix of one `finding` alone: the fixed text, its edits, and
/// the report of what remains.
#[wasm_bindgen(unchecked_return_type = "Outcome<FixResult>")]
pub fn fix(
    #[wasm_bindgen(unchecked_param_type = "LintInput")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "FixOptions | undefined")] options: JsValue,
) -> JsValue {
    outcome((|| {
        let input: Input = from_js(input, "input must be { file, text, kind? }")?;
        let opts: FixOpts = if options.is_undefined() || options.is_null() {
            FixOpts::default()
        } else {
            from_js(options, "options")?
        };
        let options = dockscape::LintOptions {
            select: opts.select,
            ignore: opts.ignore,
            ..Default::default()
        };
        let inputs = borrow(std::slice::from_ref(&input))?;
        let one = inputs.first().ok_or_else(|| invalid("no input".into()))?;
        let (text, edits, fixed, report) = match &opts.finding {
            None => {
                let done = dockscape::fix(one, &options, opts.unsafe_fixes)?;
                (done.text, done.edits, done.fixed, done.report)
            }
            Some(want) => {
                let before = dockscape::lint(&inputs, &options);
                // as the loop: a file that does not lint cleanly is not fixed (its spans may be incomplete)
                if let Some(e) = before.errors.first() {
                    return Err(invalid(format!(
                        "the input does not lint cleanly ({e}): nothing is fixed"
                    )));
                }
                let finding = before
                    .findings
                    .into_iter()
                    .find(|f| {
                        want.code == *f.code
                            && f.line == want.line
                            && f.column == want.column
                            && want.path.as_deref().is_none_or(|p| p == &*f.path)
                            && f.fix.is_some()
                            && !f.is_suppressed()
                    })
                    .ok_or_else(|| {
                        invalid(format!(
                            "no {} finding with a fix at line {}, column {}",
                            want.code, want.line, want.column
                        ))
                    })?;
                let fix = finding
                    .fix
                    .clone()
                    .ok_or_else(|| invalid("no fix".into()))?;
                if fix.applicability == dockscape::Applicability::Unsafe && !opts.unsafe_fixes {
                    return Err(invalid(format!(
                        "the fix of {} is unsafe: pass unsafe_fixes to apply it",
                        want.code
                    )));
                }
                let (text, fixed) =
                    dockscape::apply_fixes(&input.text, std::slice::from_ref(&finding), true)?;
                let after = dockscape::LintInput {
                    text: &text,
                    ..*one
                };
                let report = dockscape::lint(&[after], &options);
                (text, fix.edits, fixed, report)
            }
        };
        let unsafe_left = report
            .active()
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|x| x.applicability == dockscape::Applicability::Unsafe)
            })
            .count();
        let summary = dockscape::fix_summary(fixed, report.active().count(), false);
        Ok(FixResult {
            text,
            edits,
            fixed,
            report,
            unsafe_left,
            summary,
        })
    })())
}
