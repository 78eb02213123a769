//! Unit tests of the Studio importer: small flows imported in memory.

use std::path::Path;

use crate::import::{Platform, import};
use crate::menu::{Menu, NodeKind};
use crate::source::Sources;

/// Imports `json` as `flow.json`: the menu (if any) and the findings, rendered.
fn run(json: &str) -> (Option<Menu>, String) {
    let mut sources = Sources::new();
    let file = sources.add("flow.json", json);
    let out = import(Platform::Studio, Path::new("flow.json"), file, &[], &mut sources);
    let shown = crate::diag::render_plain(&sources, &out.diagnostics);
    (out.menu, shown)
}

#[test]
fn a_bad_json_file_is_one_finding_at_its_place() {
    let (menu, shown) = run("{\n  \"states\": [,\n  \"initial_state\": \"Trigger\"\n}");
    assert!(menu.is_none());
    assert!(shown.contains("error[E022]: not valid JSON"), "{shown}");
    assert!(shown.contains("flow.json:2:"), "{shown}");
}
