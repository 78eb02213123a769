//! The layering of the crate, checked on its sources (docs/architecture.md, "Layers"): until
//! the crate is split into a workspace, this test is what keeps the core (model, engine,
//! graph) free of drivers, terminals and sound, and the console free of the REPL.
//!
//! A rule names a folder or file under `src/` and the paths its code may not use: another
//! module of the crate (`crate::audio`, also inside `use crate::{audio, …}`) or an external
//! crate (`tokio`). Or, with [`Rule::only`], the only modules of the crate it may use.
//! Comments are not code: a doc link to a driver is fine. Tests inside the files count.
//! To add a layer, add a row to [`RULES`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a part of the sources may not use.
struct Rule {
    /// A folder (every `.rs` file under it) or a file, relative to the crate's root.
    under: &'static str,
    /// Modules of the crate (`crate::audio`) and external crates (`tokio`) it may not use.
    forbid: &'static [&'static str],
    /// When not empty: the only modules of the crate it may use (besides itself).
    only: &'static [&'static str],
    /// Why, for the failure message.
    why: &'static str,
}

/// The drivers and I/O edges: what the core must not know of.
const DRIVERS: [&str; 11] = [
    "crate::audio",
    "crate::repl",
    "crate::terminal",
    "crate::call",
    "crate::operator",
    "crate::scenario",
    "crate::cli",
    "tokio",
    "rodio",
    "clap",
    "rustyline",
];

/// The rules. Extend here.
const RULES: &[Rule] = &[
    Rule {
        under: "src/engine",
        forbid: &DRIVERS,
        only: &[],
        why: "the engine is sans-I/O: it takes prompt timings (crate::timing), not clips",
    },
    Rule {
        under: "src/timing.rs",
        forbid: &DRIVERS,
        only: &[],
        why: "prompt timings are the engine's input and must not pull the audio module in",
    },
    Rule {
        under: "src/menu",
        forbid: &["crate::engine", "crate::graph", "crate::check", "crate::timing"],
        only: &[],
        why: "the model knows nothing of the engine or the graph",
    },
    Rule {
        under: "src/menu",
        forbid: &DRIVERS,
        only: &[],
        why: "the model knows nothing of drivers",
    },
    Rule {
        under: "src/graph",
        forbid: &["crate::engine", "crate::check"],
        only: &[],
        why: "the graph is built from the model alone",
    },
    Rule {
        under: "src/graph",
        forbid: &DRIVERS,
        only: &[],
        why: "the graph knows nothing of drivers (clip lengths come as prompt timings)",
    },
    Rule {
        under: "src/check",
        forbid: &[
            "crate::repl",
            "crate::terminal",
            "crate::call",
            "crate::operator",
            "crate::scenario",
            "crate::cli",
            "tokio",
            "rodio",
            "clap",
            "rustyline",
        ],
        only: &[],
        why: "the checks know nothing of drivers (they read clips: crate::audio::clip, see docs/architecture.md)",
    },
    Rule {
        under: "src/operator",
        forbid: &["crate::repl", "rustyline"],
        only: &[],
        why: "the console shares the terminal module with `call`, not the REPL",
    },
    Rule {
        under: "src/terminal",
        forbid: &[
            "crate::repl",
            "crate::call",
            "crate::operator",
            "crate::engine",
            "crate::scenario",
        ],
        only: &[],
        why: "the terminal module serves both `call` and `operator` and knows neither",
    },
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_owned());
        }
        return;
    }
    let Ok(dir) = std::fs::read_dir(path) else { return };
    let mut entries: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        rust_files(&e, out);
    }
}

/// The code of a file without its comments (line comments, doc comments, block comments).
fn code(text: &str) -> String {
    let no_blocks = regex::Regex::new(r"(?s)/\*.*?\*/")
        .expect("regex")
        .replace_all(text, "");
    no_blocks
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path the code uses, as `crate::NAME` (also from `use crate::{a, b::c}`) or the
/// first segment of any other path (`tokio`, `std`), each with its line.
fn uses(code: &str) -> Vec<(usize, String)> {
    let crate_path = regex::Regex::new(r"\bcrate::([a-z_][a-z0-9_]*)").expect("regex");
    let crate_group = regex::Regex::new(r"\bcrate::\{([^}]*)").expect("regex");
    let external = regex::Regex::new(r"(?:^|[^:\w])([a-z_][a-z0-9_]*)::").expect("regex");
    let mut out = Vec::new();
    for (i, line) in code.lines().enumerate() {
        for c in crate_path.captures_iter(line) {
            out.push((i + 1, format!("crate::{}", &c[1])));
        }
        for c in crate_group.captures_iter(line) {
            for item in c[1].split(',') {
                let name = item.trim().split("::").next().unwrap_or("").trim();
                if !name.is_empty() {
                    out.push((i + 1, format!("crate::{name}")));
                }
            }
        }
        for c in external.captures_iter(line) {
            out.push((i + 1, c[1].to_owned()));
        }
        if let Some(rest) = line.trim_start().strip_prefix("use ") {
            let first = rest.split([':', ';', ' ', '{']).next().unwrap_or("");
            out.push((i + 1, first.to_owned()));
        }
    }
    out
}

/// The breaches of `rules` in the sources under `root`: `file:line: uses X (why)`.
fn breaches(root: &Path, rules: &[Rule]) -> Vec<String> {
    let mut found = BTreeSet::new();
    for rule in rules {
        let mut files = Vec::new();
        rust_files(&root.join(rule.under), &mut files);
        assert!(!files.is_empty(), "the rule for `{}` matches no file", rule.under);
        let own = rule
            .under
            .strip_prefix("src/")
            .map(|m| format!("crate::{}", m.trim_end_matches(".rs")))
            .unwrap_or_default();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source");
            let shown = file.strip_prefix(root).unwrap_or(&file).display().to_string();
            for (line, path) in uses(&code(&text)) {
                let forbidden = rule.forbid.contains(&path.as_str());
                let outside = !rule.only.is_empty()
                    && path.starts_with("crate::")
                    && path != own
                    && !rule.only.contains(&path.as_str());
                if forbidden || outside {
                    found.insert(format!("{shown}:{line}: uses {path} ({})", rule.why));
                }
            }
        }
    }
    found.into_iter().collect()
}

#[test]
fn layers_point_one_way() {
    let found = breaches(&root(), RULES);
    assert!(found.is_empty(), "layering rules broken:\n{}", found.join("\n"));
}

#[test]
fn the_layering_test_sees_every_way_of_writing_an_import() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("src/engine");
    std::fs::create_dir_all(&src).expect("dir");
    std::fs::write(
        src.join("mod.rs"),
        "//! Not code: crate::audio, tokio::spawn\n\
         use crate::{menu::Menu, audio::ClipLibrary};\n\
         use crate::timing;\n\
         /* crate::repl */\n\
         fn f() { let _ = crate::call::Session::new; tokio::spawn(async {}); }\n\
         use clap;\n",
    )
    .expect("write");
    let rules = [Rule {
        under: "src/engine",
        forbid: &DRIVERS,
        only: &[],
        why: "test",
    }];
    let found = breaches(dir.path(), &rules);
    assert_eq!(
        found,
        [
            "src/engine/mod.rs:2: uses crate::audio (test)",
            "src/engine/mod.rs:5: uses crate::call (test)",
            "src/engine/mod.rs:5: uses tokio (test)",
            "src/engine/mod.rs:6: uses clap (test)",
        ]
    );
    let only = [Rule {
        under: "src/engine",
        forbid: &[],
        only: &["crate::menu"],
        why: "only",
    }];
    let found = breaches(dir.path(), &only);
    assert_eq!(
        found,
        [
            "src/engine/mod.rs:2: uses crate::audio (only)",
            "src/engine/mod.rs:3: uses crate::timing (only)",
            "src/engine/mod.rs:5: uses crate::call (only)",
        ]
    );
}
