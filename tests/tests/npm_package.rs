//! The npm package `@dockscape/core` (built by `scripts/build-npm` into `target/npm/package/`), used as
//! a user would: `npm pack`, `npm install` of the tarball into a fresh Node project (offline: the
//! package has no dependencies), then `generate` and `lint` called from Node through both entry points
//! and compared with the native core's results; the TypeScript types checked by the real `tsc`.

use dockscape::{Format, LintInput, LintOptions, Options, Params, build_scenario, generate, lint};
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

const NODE_APP: &str = r#"
import { readFileSync } from "node:fs";
import * as ds from "@dockscape/core";
import webInit, * as web from "@dockscape/core/web";

const dood = readFileSync("dood.yaml", "utf8");
const out = {};
out.version = ds.version();
out.kubernetes = ds.kubernetesApiVersion();
out.scenarioIds = ds.scenarios().value.map((s) => s.id);
out.pod = ds.generate("dood", {}, "pod");
out.unknown = ds.generate("no-such-scenario", {}, "pod");
out.lint = ds.lint([{ file: "dood.yaml", text: dood }]);
out.badOptions = ds.lint([{ file: "dood.yaml", text: dood }], { fail_on: "catastrophic" });
// The browser entry, instantiated from bytes (Node's fetch does not read files).
const bytes = readFileSync(new URL(import.meta.resolve("@dockscape/core/dockscape_wasm_bg.wasm")));
await webInit({ module_or_path: bytes });
out.webCompose = web.generate("dind", { transport: "unix" }, "compose");
console.log(JSON.stringify(out));
"#;

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
    std::fs::write(app.join("app.mjs"), NODE_APP).unwrap();
    let out = run(Command::new("node").arg("app.mjs").current_dir(&app));
    let out: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));

    assert_eq!(out["version"]["value"], dockscape::VERSION);
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
    assert_eq!(out["webCompose"]["value"]["text"], compose.text.as_str());

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
import { generate, lint, type Outcome, type Artifact, type LintReport } from "@dockscape/core";
import init from "@dockscape/core/web";
const a: Outcome<Artifact> = generate("dind", { transport: "unix" }, "pod", undefined);
if (a.ok) { const name: string = a.value.file_name; console.log(name); }
const r: Outcome<LintReport> = lint([{ file: "p.yaml", text: "" }], { fail_on: "high" });
if (r.ok) { for (const f of r.value.findings) { const line: number = f.line; console.log(line, f.code); } }
void init;
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
}
