//! Indentation mistakes (`tests/fixtures/indent/*.yaml`): each file has one line indented a
//! little too much or too little, or with a tab, and the finding must say so at that line
//! rather than report what the parser made of it (an unknown field, a node called `next`, "did
//! not find expected key" about a neighbour). Menus are checked with the binary; scenario and
//! training files, read by the same loader, through the library. Each output is pinned by an
//! insta snapshot.

use std::path::PathBuf;

use ivrsim::diag::render_plain;
use ivrsim::source::Sources;

use crate::support::{self, Output};

fn fixtures_dir() -> PathBuf {
    support::root().join("tests/fixtures/indent")
}

/// `ivrsim check FILE` in the fixtures folder.
fn check(file: &str) -> Output {
    support::run_in(&fixtures_dir(), &["check", file])
}

/// The first finding's header line and its `--> file:line:column` line.
fn first_finding(text: &str) -> (String, String) {
    let mut lines = text.lines();
    let head = lines
        .by_ref()
        .find(|l| l.starts_with("error["))
        .unwrap_or_else(|| panic!("no finding in:\n{text}"))
        .to_owned();
    let at = lines
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .unwrap_or_else(|| panic!("no place in:\n{text}"))
        .to_owned();
    (head, at)
}

/// Checks the menu fixture `stem`: exit 1, one finding, its header and place, and a snapshot.
fn menu(stem: &str, head: &str, at: &str) {
    let file = format!("{stem}.yaml");
    let out = check(&file);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout.matches("error[").count(),
        1,
        "one mistake, one finding:\n{}",
        out.stdout
    );
    let (h, a) = first_finding(&out.stdout);
    assert_eq!(h, head, "{}", out.stdout);
    assert_eq!(a, format!("{file}:{at}"), "{}", out.stdout);
    insta::assert_snapshot!(stem, out.stdout);
}

#[test]
fn prompt_text_under_indented() {
    menu(
        "prompt-text-under-indented",
        "error[E002]: `text` is indented as a sibling of `prompt`, not as its field",
        "12:5",
    );
}

#[test]
fn next_dedented_to_the_node_ids() {
    menu(
        "next-dedented",
        "error[E003]: this line is indented less than its siblings",
        "12:3",
    );
}

#[test]
fn option_item_between_levels() {
    menu(
        "option-item-between-levels",
        "error[E001]: this line is indented less than its siblings",
        "15:6",
    );
}

#[test]
fn option_key_at_the_item_dash() {
    menu(
        "option-key-at-item-dash",
        "error[E001]: this line is indented less than its siblings",
        "16:7",
    );
}

#[test]
fn option_item_at_the_key_column() {
    menu(
        "option-item-at-key-column",
        "error[E001]: this list item is indented less than its siblings",
        "15:5",
    );
}

#[test]
fn tab_on_the_line_after_the_parser_stops() {
    menu("tab", "error[E001]: this line is indented with a tab", "15:1");
}

/// Loads a scenario or training fixture through the library and renders its findings.
fn library(stem: &str, training: bool) -> String {
    let path = fixtures_dir().join(format!("{stem}.yaml"));
    let mut sources = Sources::new();
    let diags = if training {
        ivrsim::operator::training::load_training(&path, &mut sources, &[])
            .expect("readable")
            .1
    } else {
        ivrsim::scenario::load_scenarios(&path, &mut sources)
            .expect("readable")
            .1
    };
    render_plain(&sources, &diags).replace(&fixtures_dir().display().to_string(), "[FIXTURES]")
}

#[test]
fn scenario_start_under_indented() {
    let out = library("scenario-start-under-indented", false);
    let (h, a) = first_finding(&out);
    assert_eq!(
        h, "error[E002]: `at` is indented as a sibling of `start`, not as its field",
        "{out}"
    );
    assert!(a.ends_with("scenario-start-under-indented.yaml:6:5"), "{out}");
    insta::assert_snapshot!("scenario-start-under-indented", out);
}

#[test]
fn training_fact_between_levels() {
    let out = library("training-fact-between-levels", true);
    let (h, a) = first_finding(&out);
    assert_eq!(h, "error[E001]: this line is indented less than its siblings", "{out}");
    assert!(a.ends_with("training-fact-between-levels.yaml:17:4"), "{out}");
    insta::assert_snapshot!("training-fact-between-levels", out);
}

/// A node whose id is a field name but which is a real node (a mapping), and a node called
/// `operator` (a field of `defaults`, not of nodes) given as text: neither is taken for a
/// dedented field.
#[test]
fn nodes_named_like_fields_are_not_indentation_mistakes() {
    let dir = support::Dir::new();
    dir.write(
        "menu.yaml",
        "name: T\nentry: next\ndefaults: { fallback: operator }\nnodes:\n  next:\n    kind: message\n    prompt: { text: \"Hello.\" }\n    next: operator\n  operator: \"the operator\"\n",
    );
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(!out.stdout.contains("indented"), "{}", out.stdout);
    assert!(out.stdout.contains("error[E003]: expected a mapping"), "{}", out.stdout);
}

#[test]
fn field_over_indented() {
    menu(
        "field-over-indented",
        "error[E001]: this line is indented more than its siblings",
        "11:6",
    );
}

/// An option item one space deeper than the item before it (`- { ... }`, whose value is on its
/// line, so nothing continues it): indented more, not less, and one way to fix it, not the
/// column of the `{` and the item's line twice.
#[test]
fn option_item_over_indented() {
    menu(
        "option-item-over-indented",
        "error[E001]: this line is indented more than its siblings",
        "14:8",
    );
    let out = check("option-item-over-indented.yaml").stdout;
    assert!(out.contains("help: indent it 6 spaces like line 13\n"), "{out}");
    assert!(!out.contains("indented less") && !out.contains("8 spaces"), "{out}");
}

/// The same with `- key:` items (a line at 7 is between the `-` at 6 and the keys at 8, where
/// an item cannot stand), and a node's field one space deeper than the fields after a nested
/// mapping: the nearest column the line can stand at gives the direction.
#[test]
fn lines_moved_right_between_levels_are_indented_more() {
    let dir = support::Dir::new();
    let head = "name: T\nentry: welcome\ndefaults: { fallback: operator }\nnodes:\n  operator:\n    kind: transfer\n    queue: general\n  welcome:\n";
    dir.write(
        "items.yaml",
        format!("{head}    kind: menu\n    prompt: {{ text: \"Hi.\" }}\n    options:\n      - key: \"1\"\n        to: operator\n       - key: \"0\"\n         to: operator\n"),
    );
    dir.write(
        "field.yaml",
        format!("{head}    kind: message\n    prompt:\n        text: \"Hi.\"\n     next: operator\n"),
    );
    for (file, at, help) in [
        (
            "items.yaml",
            "items.yaml:14:8",
            "help: indent it 6 spaces like line 12\n",
        ),
        (
            "field.yaml",
            "field.yaml:12:6",
            "help: indent it 4 spaces like line 10, or 8 spaces like line 11 if it belongs further in\n",
        ),
    ] {
        let out = dir.ivrsim(&["check", file]);
        assert_eq!(out.code, 1, "{}", out.stdout);
        let (h, a) = first_finding(&out.stdout);
        assert_eq!(
            h, "error[E001]: this line is indented more than its siblings",
            "{}",
            out.stdout
        );
        assert_eq!(a, at, "{}", out.stdout);
        assert!(out.stdout.contains(help), "{}", out.stdout);
    }
}

/// A menu node's `options:` two spaces too deep, lining up with `text:` in the `prompt:` above
/// it: not an unknown field of prompts, but a node field indented as a field of `prompt`.
#[test]
fn field_over_indented_into_the_mapping_above() {
    menu(
        "field-over-indented-into-mapping",
        "error[E002]: `options` is indented as a field of `prompt`; it belongs to node `welcome`",
        "13:7",
    );
    let out = check("field-over-indented-into-mapping.yaml").stdout;
    assert!(
        out.contains("help: indent it 4 spaces like `prompt:` on line 11\n"),
        "{out}"
    );
}

/// A menu-level field indented as a node's field (checked by the lowering, which reads a
/// node's unknown fields itself), and fields that belong nowhere further out, or are already
/// there, which stay plain unknown fields.
#[test]
fn fields_over_indented_by_a_level_or_more() {
    let dir = support::Dir::new();
    let head = "name: T\nentry: welcome\ndefaults: { fallback: operator }\nnodes:\n  operator:\n    kind: transfer\n    queue: general\n  welcome:\n    kind: message\n    prompt: { text: \"Hi.\" }\n    next: operator\n";
    dir.write(
        "schedules.yaml",
        format!("{head}    schedules:\n      open: {{ days: mon-fri, from: \"08:00\", to: \"18:00\" }}\n"),
    );
    let out = dir.ivrsim(&["check", "schedules.yaml"]);
    let (h, a) = first_finding(&out.stdout);
    assert_eq!(
        h, "error[E002]: `schedules` is indented as a field of node `welcome`; it belongs to the top level",
        "{}",
        out.stdout
    );
    assert_eq!(a, "schedules.yaml:12:5", "{}", out.stdout);
    assert!(
        out.stdout
            .contains("help: indent it 0 spaces like `nodes:` on line 4\n"),
        "{}",
        out.stdout
    );
    for (file, extra) in [
        ("name.yaml", "    name: Welcome\n"),
        ("nonsense.yaml", "    colour: blue\n"),
    ] {
        dir.write(file, format!("{head}{extra}"));
        let out = dir.ivrsim(&["check", file]);
        assert!(!out.stdout.contains("indented"), "{}", out.stdout);
        assert!(out.stdout.contains("error[E002]: unknown field"), "{}", out.stdout);
    }
}
