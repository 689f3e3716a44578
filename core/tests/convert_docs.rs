//! The mapping table of `docs/convert.md` is generated from the converter (`run_mapping_markdown`).
//! This test fails when it is stale; `UPDATE_DOCS=1 cargo test -p dockscape --test convert_docs`
//! rewrites it.

#![allow(clippy::disallowed_methods)] // tests read and write docs; the library stays pure

use std::path::PathBuf;

const BEGIN: &str = "<!-- BEGIN GENERATED MAPPING -->\n";
const END: &str = "<!-- END GENERATED MAPPING -->";

#[test]
fn the_mapping_table_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/convert.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (head, rest) = doc.split_once(BEGIN).expect("begin marker");
    let (_, tail) = rest.split_once(END).expect("end marker");
    let fresh = format!(
        "{head}{BEGIN}{}{END}{tail}",
        dockscape::run_mapping_markdown()
    );
    if fresh != doc {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, fresh).unwrap();
        } else {
            panic!(
                "docs/convert.md is stale: run UPDATE_DOCS=1 cargo test -p dockscape --test convert_docs"
            );
        }
    }
}
