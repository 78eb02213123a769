//! The documentation's examples are real: every YAML block in docs/*.md parses, and the
//! complete example menu checks without errors.

use crate::support::{Dir, root};

/// The fenced ```yaml blocks of a Markdown file, with the heading they follow.
pub(crate) fn yaml_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut block: Option<String> = None;
    for line in markdown.lines() {
        match &mut block {
            Some(b) if line.trim_start().starts_with("```") => {
                out.push((heading.clone(), std::mem::take(b)));
                block = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None if line.trim_start().starts_with("```yaml") => block = Some(String::new()),
            None if line.starts_with('#') => heading = line.trim_start_matches('#').trim().to_owned(),
            None => {}
        }
    }
    out
}

fn menu_format() -> String {
    std::fs::read_to_string(root().join("docs/menu-format.md")).expect("docs/menu-format.md")
}

#[test]
fn complete_menu_example_checks_clean() {
    let blocks = yaml_blocks(&menu_format());
    let (_, example) = blocks
        .iter()
        .find(|(h, _)| h == "A complete example")
        .expect("docs/menu-format.md has a complete example");
    let dir = Dir::new();
    dir.write("example.yaml", example);
    let out = dir.ivrsim(&["check", "--deny-warnings", "--allow", "W008", "example.yaml"]);
    assert_eq!(
        out.code, 0,
        "the documented example must check clean:\n{}{}",
        out.stdout, out.stderr
    );
    assert!(out.stdout.contains("0 errors, 0 warnings"), "{}", out.stdout);
}

#[test]
fn complete_example_uses_every_node_kind() {
    let blocks = yaml_blocks(&menu_format());
    let (_, example) = blocks.iter().find(|(h, _)| h == "A complete example").expect("example");
    for kind in ["menu", "message", "collect", "route", "transfer", "hangup"] {
        assert!(
            example.contains(&format!("kind: {kind}")),
            "the complete example has no `{kind}` node"
        );
    }
}

#[test]
fn every_yaml_snippet_in_the_docs_is_valid_yaml() {
    for entry in std::fs::read_dir(root().join("docs")).expect("docs/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for (heading, block) in yaml_blocks(&text) {
            if heading == "YAML traps" {
                continue; // shows broken YAML on purpose
            }
            let parsed: Result<serde_json::Value, _> = serde_saphyr::from_str(&block);
            assert!(
                parsed.is_ok(),
                "{} ({heading}): {:?}\n{block}",
                path.display(),
                parsed.err()
            );
        }
    }
}

#[test]
fn yaml_traps_section_shows_what_check_reports() {
    let blocks = yaml_blocks(&menu_format());
    let (_, trap) = blocks.iter().find(|(h, _)| h == "YAML traps").expect("traps example");
    let dir = Dir::new();
    let menu = format!(
        "name: Trap\nentry: main\nnodes:\n  main:\n    kind: menu\n    prompt: {{ text: \"Hi\" }}\n    options:\n{}",
        trap.lines()
            .map(|l| format!("      {l}\n      {}\n", "  to: main"))
            .collect::<String>()
    );
    dir.write("trap.yaml", menu);
    let out = dir.ivrsim(&["check", "trap.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.stdout.matches("error[E015]").count(), 2, "{}", out.stdout);
}

#[test]
fn every_message_of_the_protocol_example_is_read_by_the_other_side() {
    use ivrsim::operator::protocol::{ToCaller, ToConsole, decode, encode};
    let doc = std::fs::read_to_string(root().join("docs/operator-protocol.md")).expect("docs/operator-protocol.md");
    let mut seen = (0, 0);
    for line in doc.lines() {
        if let Some(msg) = line.strip_prefix("caller  → ") {
            let m: ToConsole = decode(msg).unwrap_or_else(|e| panic!("{msg}: {e}"));
            assert_eq!(decode::<ToConsole>(encode(&m).trim_end()), Ok(m), "round trip");
            seen.0 += 1;
        } else if let Some(msg) = line.strip_prefix("console → ") {
            let m: ToCaller = decode(msg).unwrap_or_else(|e| panic!("{msg}: {e}"));
            assert_eq!(decode::<ToCaller>(encode(&m).trim_end()), Ok(m), "round trip");
            seen.1 += 1;
        }
    }
    assert!(
        seen.0 >= 3 && seen.1 >= 6,
        "the example has messages both ways: {seen:?}"
    );
}

#[test]
fn queues_example_checks_clean() {
    let blocks = yaml_blocks(&menu_format());
    let (_, example) = blocks
        .iter()
        .find(|(h, _)| h == "`queues`")
        .expect("docs/menu-format.md has a `queues` example");
    let dir = Dir::new();
    dir.write("queues.yaml", example);
    let out = dir.ivrsim(&["check", "--deny-warnings", "--allow", "W008", "queues.yaml"]);
    assert_eq!(
        out.code, 0,
        "the queues example must check clean:\n{}{}",
        out.stdout, out.stderr
    );
}

/// The platform example flows of docs/import.md are real files of their formats: every JSON
/// block parses as JSON and every XML block as XML (the importers will be tested on them).
#[test]
fn the_import_examples_parse_as_their_formats() {
    let text = std::fs::read_to_string(root().join("docs/import.md")).expect("docs/import.md");
    let (mut json, mut xml) = (0, 0);
    let mut block: Option<(String, String)> = None;
    for line in text.lines() {
        match &mut block {
            Some((lang, b)) if line.trim_start().starts_with("```") => {
                match lang.as_str() {
                    "json" => {
                        serde_json::from_str::<serde_json::Value>(b).unwrap_or_else(|e| panic!("JSON: {e}\n{b}"));
                        json += 1;
                    }
                    "xml" => {
                        roxmltree::Document::parse(b).unwrap_or_else(|e| panic!("XML: {e}\n{b}"));
                        xml += 1;
                    }
                    _ => {}
                }
                block = None;
            }
            Some((_, b)) => {
                b.push_str(line);
                b.push('\n');
            }
            None if line.trim_start().starts_with("```") => {
                block = Some((
                    line.trim_start().trim_start_matches('`').trim().to_owned(),
                    String::new(),
                ));
            }
            None => {}
        }
    }
    assert!(json >= 2 && xml >= 2, "{json} JSON and {xml} XML examples");
}
