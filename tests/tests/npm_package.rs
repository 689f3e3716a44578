//! The npm package `@dockscape/core` (built by `scripts/build-npm` into `target/npm/package/`), used as
//! a user would: `npm pack`, `npm install` of the tarball into a fresh Node project (offline: the
//! package has no dependencies), then every function it exports (`generate`, `lint`, `convert`,
//! `lintDiagram`, ...) called from Node through both entry points, each in a process of its own, and
//! compared with the native core's results; the TypeScript types checked by the real `tsc`.

use dockscape::{
    ConvertOptions, ConvertSource, ConvertTarget, Format, LintInput, LintOptions, Options, Params,
    build_scenario, generate, lint,
};
use dockscape_tests::TempDir;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The built package directory, or a panic that says how to build it.
fn package_dir() -> PathBuf {
    let dir = std::env::var_os("DOCKSCAPE_NPM_PACKAGE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/npm/package"));
    assert!(
        dir.join("package.json").is_file(),
        "no npm package at {}: run scripts/build-npm first (scripts/test does)",
        dir.display()
    );
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn npm(cwd: &Path, cache: &Path) -> Command {
    let mut c = Command::new("npm");
    c.current_dir(cwd)
        .env("npm_config_cache", cache)
        .env("npm_config_update_notifier", "false")
        .args(["--no-audit", "--no-fund"]);
    c
}

/// A fresh Node project with the packed tarball installed; returns the project and the tarball's file
/// list.
fn installed(tmp: &TempDir) -> (PathBuf, Vec<String>) {
    let cache = tmp.path().join("npm-cache");
    let packed = tmp.path().join("packed");
    std::fs::create_dir_all(&packed).unwrap();
    let listing = run(npm(&packed, &cache)
        .args(["pack", "--json", "--pack-destination"])
        .arg(&packed)
        .arg(package_dir()));
    let listing: Value = serde_json::from_str(&listing).unwrap();
    let entry = &listing[0];
    let tarball = packed.join(entry["filename"].as_str().unwrap());
    let mut files: Vec<String> = entry["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    files.sort();

    let app = tmp.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("package.json"),
        r#"{ "name": "app", "version": "1.0.0", "private": true, "type": "module" }"#,
    )
    .unwrap();
    run(npm(&app, &cache)
        .args(["install", "--offline"])
        .arg(&tarball));
    (app, files)
}

fn native(id: &str, format: Format) -> String {
    let s = build_scenario(id, &Params::new()).unwrap();
    generate(&s, format, &Options::default()).unwrap().text
}

/// The `docker run` line both entries convert: a socket bind (kept as a `Socket` hostPath, DS001),
/// `-d` (dropped, with its position) and a `$VAR` (kept verbatim, with a note).
const RUN_LINE: &str = "docker run -d --name web -p 8080:80 -e TOKEN=$TOKEN -v /var/run/docker.sock:/var/run/docker.sock nginx:1.27\n";

/// The Node entry (instantiated on import). Every export is called; `exports` lists them so a new
/// one fails the test until it is called here too. `panicForTest` traps the instance, so it is last.
const NODE_APP: &str = r#"
import { readFileSync } from "node:fs";
import init, * as ds from "@dockscape/core";

const dood = readFileSync("dood.yaml", "utf8");
const run = readFileSync("run.sh", "utf8");
const inputs = [{ file: "dood.yaml", text: dood }];
const out = {};
out.exports = Object.keys(ds).sort();
await init();
// the wasm-bindgen start function (it installed the panic hook on instantiation; again is a no-op)
out.start = ds.start() ?? null;
out.initSync = typeof ds.initSync({ module: readFileSync(new URL(import.meta.resolve("@dockscape/core/dockscape_wasm_bg.wasm"))) });
out.version = ds.version();
out.kubernetes = ds.kubernetesApiVersion();
out.scenarioIds = ds.scenarios().value.map((s) => s.id);
out.formats = ds.formats();
out.rules = ds.rules().value.map((r) => [r.code, r.name, r.severity]);
out.pod = ds.generate("dood", {}, "pod");
out.unknown = ds.generate("no-such-scenario", {}, "pod");
out.lint = ds.lint(inputs);
out.badOptions = ds.lint(inputs, { fail_on: "catastrophic" });
out.diagram = ds.lintDiagram(inputs, out.lint.value.workloads[0].workload);
out.noDiagram = ds.lintDiagram(inputs, "Pod/nowhere/none");
out.convertPod = ds.convert(run, "pod", { from: "run" });
out.convertCompose = ds.convert(run, "compose");
out.convertCronJob = ds.convert(run, "cronjob", { schedule: "*/5 * * * *" });
out.convertBadTarget = ds.convert(run, "helm");
out.yaml = ds.yamlToJson(dood);
out.migrate = ds.migrate(dood, "dind", { file: "dood.yaml" });
out.migrateBadSidecar = ds.migrate(dood, "dind", { sidecar: "beside" });
out.fix = ds.fix({ file: "dood.yaml", text: dood }, { unsafe_fixes: true });
out.fixUnknown = ds.fix({ file: "dood.yaml", text: dood }, { finding: { code: "DS999", line: 1, column: 1 } });
try {
  ds.panicForTest();
  out.panic = "returned";
} catch (e) {
  out.panic = e.constructor.name;
}
console.log(JSON.stringify(out));
"#;

/// The browser entry in a process of its own (in one process both entries share one instance, so the
/// Node entry's import would have instantiated it already): nothing works before `init`, everything
/// after. `init` from the wasm's bytes (Node's fetch does not read files), or `initSync`.
const WEB_APP: &str = r#"
import { readFileSync } from "node:fs";
import init, * as web from "@dockscape/core/web";

const run = readFileSync("run.sh", "utf8");
const bytes = readFileSync(new URL(import.meta.resolve("@dockscape/core/dockscape_wasm_bg.wasm")));
const out = {};
out.exports = Object.keys(web).sort();
try {
  web.version();
  out.beforeInit = "returned";
} catch (e) {
  out.beforeInit = e.constructor.name;
}
if (process.argv[2] === "sync") {
  web.initSync({ module: bytes });
} else {
  await init({ module_or_path: bytes });
}
out.version = web.version();
out.compose = web.generate("dind", { transport: "unix" }, "compose");
out.convert = web.convert(run, "pod", { from: "run" });
console.log(JSON.stringify(out));
"#;

/// Every function the package exports (both entries; `default` is `init`).
const EXPORTS: &[&str] = &[
    "convert",
    "default",
    "fix",
    "formats",
    "generate",
    "initSync",
    "kubernetesApiVersion",
    "lint",
    "lintDiagram",
    "migrate",
    "panicForTest",
    "rules",
    "scenarios",
    "start",
    "version",
    "yamlToJson",
];

fn native_convert(target: &str, from: Option<&str>, schedule: Option<&str>) -> Value {
    let options = ConvertOptions {
        from: from.map(|f| ConvertSource::parse(f).unwrap()),
        schedule: schedule.map(str::to_owned),
        ..ConvertOptions::default()
    };
    let c = dockscape::convert(RUN_LINE, ConvertTarget::parse(target).unwrap(), &options).unwrap();
    serde_json::to_value(c).unwrap()
}

#[test]
fn packed_package_generates_and_lints_from_node_as_the_native_core_does() {
    let tmp = TempDir::new("npm-package");
    let (app, files) = installed(&tmp);
    assert_eq!(
        files,
        [
            "README.md",
            "dockscape_wasm.d.ts",
            "dockscape_wasm.js",
            "dockscape_wasm_bg.wasm",
            "dockscape_wasm_bg.wasm.d.ts",
            "node.d.ts",
            "node.js",
            "package.json",
            "web.d.ts",
            "web.js",
        ]
    );
    let dood = native("dood", Format::Pod);
    std::fs::write(app.join("dood.yaml"), &dood).unwrap();
    std::fs::write(app.join("run.sh"), RUN_LINE).unwrap();
    std::fs::write(app.join("app.mjs"), NODE_APP).unwrap();
    let out = run(Command::new("node").arg("app.mjs").current_dir(&app));
    let out: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));

    // Every export is called above (a new one fails here until it is).
    assert_eq!(out["exports"], serde_json::json!(EXPORTS));
    assert_eq!(
        out["initSync"], "object",
        "initSync returns the instance's exports"
    );
    assert_eq!(out["start"], Value::Null);
    assert_eq!(
        out["panic"], "RuntimeError",
        "a Rust panic is a trap, thrown as a WebAssembly.RuntimeError"
    );

    assert_eq!(out["version"]["value"], dockscape::VERSION);
    // migrate: the native rewrite of the DooD Pod, and an error for an unknown sidecar
    let native_migration = dockscape::migrate(
        &dood,
        dockscape::MigrateTarget::Dind,
        &dockscape::MigrateOptions {
            file: "dood.yaml".into(),
            ..dockscape::MigrateOptions::default()
        },
    )
    .unwrap();
    assert!(native_migration.changed());
    assert_eq!(out["migrate"]["ok"], true, "{}", out["migrate"]);
    assert_eq!(
        out["migrate"]["value"],
        serde_json::to_value(&native_migration).unwrap()
    );
    assert_eq!(
        out["migrateBadSidecar"]["ok"], false,
        "{}",
        out["migrateBadSidecar"]
    );
    // fix: the native loop's text, edits, count and report, and an error for a finding not there
    let native_fix = dockscape::fix(
        &LintInput {
            file: "dood.yaml",
            text: &dood,
            kind: None,
        },
        &LintOptions::default(),
        true,
    )
    .unwrap();
    assert_eq!(out["fix"]["ok"], true, "{}", out["fix"]);
    assert_eq!(out["fix"]["value"]["text"], native_fix.text.as_str());
    assert_eq!(out["fix"]["value"]["fixed"], native_fix.fixed);
    assert_eq!(
        out["fix"]["value"]["edits"],
        serde_json::to_value(&native_fix.edits).unwrap()
    );
    assert_eq!(
        out["fix"]["value"]["report"],
        serde_json::to_value(&native_fix.report).unwrap()
    );
    assert_eq!(out["fixUnknown"]["ok"], false, "{}", out["fixUnknown"]);
    // yamlToJson: the documents as the native reader turns them into JSON
    assert_eq!(out["yaml"]["ok"], true, "{}", out["yaml"]);
    assert_eq!(
        out["yaml"]["value"],
        Value::Array(dockscape::debug_yaml_to_json(&dood))
    );
    assert_eq!(
        out["kubernetes"]["value"],
        dockscape::KUBERNETES_API_VERSION
    );
    let ids: Vec<&str> = dockscape::scenarios().iter().map(|s| s.id).collect();
    assert_eq!(out["scenarioIds"], serde_json::json!(ids));

    // The same text as the native core, byte for byte.
    assert_eq!(out["pod"]["ok"], true, "{}", out["pod"]);
    assert_eq!(out["pod"]["value"]["text"], dood.as_str());
    assert_eq!(out["pod"]["value"]["file_name"], "pod.yaml");
    let s = build_scenario("dind", &{
        let mut p = Params::new();
        p.set("transport", "unix").unwrap();
        p
    })
    .unwrap();
    let compose = generate(&s, Format::Compose, &Options::default()).unwrap();

    // formats and rules: the native catalogue's.
    let formats = &out["formats"]["value"];
    let names = |list: &[Format]| -> Value {
        list.iter()
            .map(|f| serde_json::to_value(f).unwrap())
            .collect()
    };
    assert_eq!(formats["outputs"], names(&Format::ALL));
    assert_eq!(formats["recipes"], names(&Format::RECIPES));
    assert_eq!(formats["diagrams"], names(&Format::DIAGRAMS));
    let rules: Vec<Value> = dockscape::rules()
        .iter()
        .map(|r| serde_json::json!([r.code, r.name, r.severity]))
        .collect();
    assert_eq!(out["rules"], Value::Array(rules));

    // convert: the whole native result (outputs, notes, dropped flags with positions, errors,
    // findings), for each target and option.
    for (key, target, from, schedule) in [
        ("convertPod", "pod", Some("run"), None),
        ("convertCompose", "compose", None, None),
        ("convertCronJob", "cronjob", None, Some("*/5 * * * *")),
    ] {
        assert_eq!(out[key]["ok"], true, "{key}: {}", out[key]);
        assert_eq!(
            out[key]["value"],
            native_convert(target, from, schedule),
            "{key}"
        );
    }
    let pod = &out["convertPod"]["value"];
    assert!(
        pod["outputs"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("type: Socket")),
        "{pod}"
    );
    assert!(
        pod["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "DS001"),
        "{pod}"
    );
    assert!(
        pod["dropped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["key_or_flag"] == "-d" && d["line"] == 1 && d["column"] == 12),
        "{pod}"
    );
    assert!(
        out["convertCronJob"]["value"]["outputs"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("*/5 * * * *")),
        "{}",
        out["convertCronJob"]
    );
    assert_eq!(
        out["convertBadTarget"]["ok"], false,
        "{}",
        out["convertBadTarget"]
    );
    assert!(
        out["convertBadTarget"]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("helm")),
        "{}",
        out["convertBadTarget"]
    );

    // The browser entry, in processes of its own: `init` and `initSync`.
    std::fs::write(app.join("web.mjs"), WEB_APP).unwrap();
    for how in ["async", "sync"] {
        let web = run(Command::new("node")
            .args(["web.mjs", how])
            .current_dir(&app));
        let web: Value = serde_json::from_str(&web).unwrap_or_else(|e| panic!("{e}: {web}"));
        assert_eq!(web["exports"], serde_json::json!(EXPORTS), "{how}");
        assert_eq!(
            web["beforeInit"], "TypeError",
            "{how}: nothing works before init"
        );
        assert_eq!(web["version"]["value"], dockscape::VERSION, "{how}");
        assert_eq!(
            web["compose"]["value"]["text"],
            compose.text.as_str(),
            "{how}"
        );
        assert_eq!(
            web["convert"]["value"],
            native_convert("pod", Some("run"), None),
            "{how}"
        );
    }

    // Errors are outcomes, not exceptions.
    assert_eq!(out["unknown"]["ok"], false);
    assert!(
        out["unknown"]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no-such-scenario")),
        "{}",
        out["unknown"]
    );
    assert_eq!(out["badOptions"]["ok"], false, "{}", out["badOptions"]);

    // The findings are the native linter's: codes, lines, columns and paths.
    let report = lint(
        &[LintInput {
            file: "dood.yaml",
            text: &dood,
            kind: None,
        }],
        &LintOptions::default(),
    );
    let findings = out["lint"]["value"]["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["code"] == "DS001"),
        "{findings:?}"
    );
    let from_node: Vec<(String, u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let from_rust: Vec<(String, u64, u64, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.code.to_owned(),
                f.line as u64,
                f.column as u64,
                f.path.clone(),
            )
        })
        .collect();
    assert_eq!(from_node, from_rust);

    // lintDiagram: the native SVG of the workload, and an error for one that is not there.
    let workload = report.workloads[0].workload.clone();
    let svg = dockscape::render_svg(&report.diagram(Some(&workload)).unwrap()).unwrap();
    assert_eq!(out["diagram"]["ok"], true, "{}", out["diagram"]);
    assert_eq!(out["diagram"]["value"], svg.as_str());
    assert_eq!(out["noDiagram"]["ok"], false, "{}", out["noDiagram"]);
}

/// The playground's TypeScript compiler (installed by scripts/setup-web, which scripts/build-npm runs).
fn tsc() -> PathBuf {
    let tsc = root().join("playground/node_modules/typescript/bin/tsc");
    assert!(
        tsc.is_file(),
        "no TypeScript at {}: scripts/setup-web installs it",
        tsc.display()
    );
    tsc
}

fn typecheck(app: &Path, source: &str) -> std::process::Output {
    std::fs::write(app.join("check.ts"), source).unwrap();
    Command::new("node")
        .arg(tsc())
        .args([
            "--noEmit",
            "--strict",
            "--module",
            "nodenext",
            "--moduleResolution",
            "nodenext",
            "--target",
            "es2022",
            "--skipLibCheck",
            "false",
            "check.ts",
        ])
        .current_dir(app)
        .output()
        .unwrap()
}

#[test]
fn typescript_types_describe_the_results() {
    let tmp = TempDir::new("npm-types");
    let (app, _) = installed(&tmp);
    let good = r#"
import {
  generate, lint, lintDiagram, convert, rules, formats, scenarios, version, kubernetesApiVersion,
  yamlToJson, migrate, fix, type FixResult, type Migration, type Outcome, type Artifact, type LintReport, type Conversion, type RuleInfo,
  type Formats, type ScenarioInfo, type JsonValue,
} from "@dockscape/core";
import init, { initSync } from "@dockscape/core/web";
const a: Outcome<Artifact> = generate("dind", { transport: "unix" }, "pod", undefined);
if (a.ok) { const name: string = a.value.file_name; console.log(name); }
const r: Outcome<LintReport> = lint([{ file: "p.yaml", text: "" }], { fail_on: "high" });
if (r.ok) { for (const f of r.value.findings) { const line: number = f.line; console.log(line, f.code); } }
const c: Outcome<Conversion> = convert("docker run -d alpine", "pod", { from: "run" });
if (c.ok) {
  for (const o of c.value.outputs) { const text: string = o.text; console.log(o.file_name, text); }
  for (const d of c.value.dropped) { const column: number = d.column; console.log(d.key_or_flag, column, d.reason); }
  for (const f of c.value.findings) { console.log(f.code); }
}
const cron: Outcome<Conversion> = convert("docker run alpine", "cronjob", { schedule: "0 3 * * *" });
const svg: Outcome<string> = lintDiagram([{ file: "p.yaml", text: "" }], "Pod/default/p");
const all: Outcome<RuleInfo[]> = rules();
const fm: Outcome<Formats> = formats();
const sc: Outcome<ScenarioInfo[]> = scenarios();
const v: Outcome<string> = version();
const k: Outcome<string> = kubernetesApiVersion();
const y: Outcome<JsonValue[]> = yamlToJson("a: 1\n");
const m: Outcome<Migration> = migrate("kind: Pod\n", "dind", { sidecar: "native" });
if (m.ok) { for (const e of m.value.edits) { const start: number = e.start; console.log(start, e.replacement); } }
const fx: Outcome<FixResult> = fix({ file: "p.yaml", text: "kind: Pod\n" }, { unsafe_fixes: true, finding: { code: "DS015", line: 1, column: 1 } });
if (fx.ok) { const n: number = fx.value.fixed; for (const e of fx.value.edits) console.log(n, e.end); console.log(fx.value.report.findings.length); }
console.log(cron, svg, all, fm, sc, v, k, y);
void init; void initSync;
"#;
    let out = typecheck(&app, good);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The types are not `any`: a finding's line is not a string.
    let bad = r#"
import { lint } from "@dockscape/core";
const r = lint([{ file: "p.yaml", text: "" }], undefined);
if (r.ok) { const line: string = r.value.findings[0].line; console.log(line); }
"#;
    let out = typecheck(&app, bad);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("TS2322"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // convert's target is one of the five, not any string; a dropped flag's column is a number.
    let bad = r#"
import { convert } from "@dockscape/core";
const c = convert("docker run alpine", "helm", undefined);
console.log(c);
"#;
    let out = typecheck(&app, bad);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("TS2345"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let bad = r#"
import { convert } from "@dockscape/core";
const c = convert("docker run -d alpine", "pod", undefined);
if (c.ok) { const column: string = c.value.dropped[0].column; console.log(column); }
"#;
    let out = typecheck(&app, bad);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("TS2322"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
