//! cargo-fuzz target: see `harness/lint.rs` (shared with the regression test).
#![no_main]

#[path = "../harness/lint.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
