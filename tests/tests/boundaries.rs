//! `core` is pure and small: it never pulls a CLI parser, wasm-bindgen or an async runtime, and it does not
//! pick a Kubernetes version (k8s-openapi's rule for libraries).

use std::process::Command;

fn tree(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-p",
            "dockscape",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn core_pulls_no_cli_wasm_or_async_crates() {
    let deps = tree(&[]);
    assert!(
        deps.contains("k8s-openapi"),
        "the tree is not what we think it is:\n{deps}"
    );
    for banned in [
        "clap ",
        "wasm-bindgen",
        "js-sys",
        "tokio",
        "async-std",
        "futures",
        "reqwest",
        "hyper",
    ] {
        assert!(
            !deps.lines().any(|l| l.starts_with(banned)),
            "core depends on {banned}:\n{deps}"
        );
    }
}

#[test]
fn core_does_not_pick_a_kubernetes_version() {
    let features = tree(&["-e", "features", "-i", "k8s-openapi"]);
    assert!(features.contains("k8s-openapi"), "{features}");
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../core/Cargo.toml"))
            .unwrap();
    let deps = manifest.split("[dev-dependencies]").next().unwrap();
    let line = deps.lines().find(|l| l.starts_with("k8s-openapi")).unwrap();
    assert!(
        !line.contains("latest") && !line.contains("v1_"),
        "core enables a Kubernetes version: {line}"
    );
}
