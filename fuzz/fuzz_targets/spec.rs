//! cargo-fuzz target: see `harness/spec.rs` (shared with the regression test).
#![no_main]

#[path = "../harness/spec.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
