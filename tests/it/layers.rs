//! The layering of the crate, checked on its sources (docs/architecture.md, "Layers, enforced by a test"): until
//! the crate is split into a workspace, this test is what keeps the core (model, engine,
//! graph) free of drivers, terminals and sound, and the console free of the REPL.
//!
//! A rule names a folder or file under `src/` and the paths its code may not use: a module
//! of the crate (`crate::audio`, and so `crate::audio::clip`, also written inside
//! `use crate::{audio, …}`) or an external crate (`tokio`), with exceptions
//! ([`Rule::allow`]: `crate::scenario::script`, the scenario module's interface). Or, with
//! [`Rule::only`], the only modules of the crate it may use.
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
    /// Paths under a forbidden one that it may use all the same.
    allow: &'static [&'static str],
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
        allow: &[],
        only: &[],
        why: "the engine is sans-I/O: it takes prompt timings (crate::timing), not clips",
    },
    Rule {
        under: "src/rules",
        forbid: &[],
        allow: &[],
        only: &["crate::menu"],
        why: "the rules are pure functions of the menu model: engine, graph, checks and drivers call them",
    },
    Rule {
        under: "src/timing.rs",
        forbid: &DRIVERS,
        allow: &[],
        only: &[],
        why: "prompt timings are the engine's input and must not pull the audio module in",
    },
    Rule {
        under: "src/menu",
        forbid: &["crate::engine", "crate::graph", "crate::check", "crate::timing"],
        allow: &[],
        only: &[],
        why: "the model knows nothing of the engine or the graph",
    },
    Rule {
        under: "src/menu",
        forbid: &DRIVERS,
        allow: &[],
        only: &[],
        why: "the model knows nothing of drivers",
    },
    Rule {
        under: "src/graph",
        forbid: &["crate::engine", "crate::check"],
        allow: &[],
        only: &[],
        why: "the graph is built from the model alone",
    },
    Rule {
        under: "src/graph",
        forbid: &DRIVERS,
        allow: &[],
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
        allow: &[],
        only: &[],
        why: "the checks know nothing of drivers (they read clips: crate::audio::clip, see docs/architecture.md)",
    },
    Rule {
        under: "src/operator",
        forbid: &["crate::repl", "rustyline"],
        allow: &[],
        only: &[],
        why: "the console shares the terminal module with `call`, not the REPL",
    },
    Rule {
        under: "src/operator",
        forbid: &["crate::scenario"],
        allow: &["crate::scenario::script"],
        only: &[],
        why: "training calls use the scenario module's interface for embedded steps, not its loader or runner",
    },
    Rule {
        under: "src/cli/operator.rs",
        forbid: &["crate::repl"],
        allow: &[],
        only: &[],
        why: "the console's line editor is the terminal module's (completion included), not the REPL's",
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
        allow: &[],
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

/// Every path the code uses: the lower-case segments of a `crate::` path (modules, or a
/// function: `crate::scenario::runner::run`; each path of a group `use crate::{a, b::{c,
/// D}}`, over several lines too), or the first segment of any other path (`tokio`, `std`),
/// each with its line.
fn uses(code: &str) -> Vec<(usize, String)> {
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    let crate_path = regex::Regex::new(r"\bcrate::").expect("regex");
    for m in crate_path.find_iter(code) {
        let mut paths = Vec::new();
        expand("crate", tree_at(&code[m.end()..]), &mut paths);
        out.extend(paths.into_iter().map(|p| (line_of(m.start()), p)));
    }
    let external = regex::Regex::new(r"(?:^|[^:\w])([a-z_][a-z0-9_]*)::").expect("regex");
    for (i, line) in code.lines().enumerate() {
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

/// The use tree at the start of `s`: segments and `::`, and at most one `{…}` group (with
/// what it holds, over lines).
fn tree_at(s: &str) -> &str {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return &s[..i],
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &s[..=i];
                }
            }
            c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':') => return &s[..i],
            _ => {}
        }
    }
    s
}

/// The module paths of a use tree under `prefix`: `a::{b, c::D}` under `crate` is
/// `crate::a::b` and `crate::a::c`; a type or `self` stands for its module.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let mut depth = 0;
        let mut from = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(prefix, &inner[from..i], out);
                    from = i + 1;
                }
                _ => {}
            }
        }
        expand(prefix, &inner[from..], out);
        return;
    }
    let (head, rest) = tree.split_once("::").unwrap_or((tree, ""));
    let head = head.split_whitespace().next().unwrap_or("");
    if head.is_empty() {
        return;
    }
    let module = head.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') && head != "self";
    if !module {
        if prefix != "crate" {
            out.push(prefix.to_owned());
        }
        return;
    }
    let path = format!("{prefix}::{head}");
    if rest.trim().is_empty() {
        out.push(path);
    } else {
        expand(&path, rest, out);
    }
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
                let under = |list: &[&str]| list.iter().any(|m| path == *m || path.starts_with(&format!("{m}::")));
                let forbidden = under(rule.forbid) && !under(rule.allow);
                let outside = !rule.only.is_empty()
                    && path.starts_with("crate::")
                    && !under(&[own.as_str()])
                    && !under(rule.only);
                if forbidden || outside {
                    found.insert((shown.clone(), line, format!("uses {path} ({})", rule.why)));
                }
            }
        }
    }
    found
        .into_iter()
        .map(|(file, line, what)| format!("{file}:{line}: {what}"))
        .collect()
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
         use clap;\n\
         use crate::scenario::{script::Script, load::{Cx, X}};\n\
         use crate::scenario::runner::run;\n\
         use crate::call::{Session, self};\n\
         use crate::operator::{\n    queue::Queues,\n    Console,\n};\n",
    )
    .expect("write");
    let rules = [Rule {
        under: "src/engine",
        forbid: &DRIVERS,
        allow: &[],
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
            "src/engine/mod.rs:7: uses crate::scenario::load (test)",
            "src/engine/mod.rs:7: uses crate::scenario::script (test)",
            "src/engine/mod.rs:8: uses crate::scenario::runner::run (test)",
            "src/engine/mod.rs:9: uses crate::call (test)",
            "src/engine/mod.rs:10: uses crate::operator (test)",
            "src/engine/mod.rs:10: uses crate::operator::queue (test)",
        ]
    );
    let allow = [Rule {
        under: "src/engine",
        forbid: &["crate::scenario"],
        allow: &["crate::scenario::script"],
        only: &[],
        why: "allow",
    }];
    let found = breaches(dir.path(), &allow);
    assert_eq!(
        found,
        [
            "src/engine/mod.rs:7: uses crate::scenario::load (allow)",
            "src/engine/mod.rs:8: uses crate::scenario::runner::run (allow)",
        ]
    );
    let only = [Rule {
        under: "src/engine",
        forbid: &[],
        allow: &[],
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
            "src/engine/mod.rs:7: uses crate::scenario::load (only)",
            "src/engine/mod.rs:7: uses crate::scenario::script (only)",
            "src/engine/mod.rs:8: uses crate::scenario::runner::run (only)",
            "src/engine/mod.rs:9: uses crate::call (only)",
            "src/engine/mod.rs:10: uses crate::operator (only)",
            "src/engine/mod.rs:10: uses crate::operator::queue (only)",
        ]
    );
}
