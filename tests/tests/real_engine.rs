//! Generated artifacts run on a real Docker engine (tests/src/real_engine.rs): see docs/real-engine.md.

use dockscape_tests::RealEngine;

#[test]
fn the_engine_starts_and_runs_a_container() {
    let engine = RealEngine::start();
    engine.ensure_image("busybox:latest");
    let out = engine.docker([
        "run",
        "--rm",
        "busybox:latest",
        "echo",
        "hello from the real engine",
    ]);
    out.assert_success();
    assert_eq!(out.stdout.trim(), "hello from the real engine");
}
