//! cargo-fuzz target: see `harness/quote.rs` (shared with the regression test).
#![no_main]

#[path = "../../tests/tests/windows_oracle/mod.rs"]
mod windows_oracle;

#[path = "../harness/quote.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
