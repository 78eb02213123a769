//! `ivrsim graph`: DOT and Mermaid snapshots of a small menu, well-formed SVG naming every
//! node with its findings, the coverage overlay on a menu with known coverage, focus, the
//! committed hotline map, and what bad input gets.

use serde_json::Value;

use crate::support::{Dir, ivrsim, root};

const SMALL: &str = include_str!("../fixtures/graph/small.yaml");

/// The small fixture written as `menu.yaml` into a fresh folder (so the outputs name it the
/// same way on every machine).
fn small() -> Dir {
    let dir = Dir::new();
    dir.write("menu.yaml", SMALL);
    dir
}

fn json_map(dir: &Dir, extra: &[&str]) -> Value {
    let mut args = vec!["graph", "menu.yaml", "--format", "json"];
    args.extend_from_slice(extra);
    let out = dir.ivrsim(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON map")
}

fn ids(v: &Value) -> Vec<String> {
    v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_string())
        .collect()
}

fn edge<'a>(v: &'a Value, from: &str, to: &str) -> &'a Value {
    v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["from"] == from && e["to"] == to)
        .unwrap_or_else(|| panic!("no edge {from} -> {to}"))
}

#[test]
fn dot_of_a_small_menu() {
    let out = small().ivrsim(&["graph", "menu.yaml", "--format", "dot"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("graph-small-dot", out.stdout);
}

#[test]
fn mermaid_of_a_small_menu() {
    let out = small().ivrsim(&["graph", "menu.yaml", "--format", "mermaid"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("graph-small-mermaid", out.stdout);
}

/// The `class` of the SVG group with `id`.
fn class_of<'a>(doc: &'a roxmltree::Document, id: &str) -> &'a str {
    doc.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element with id {id}"))
        .attribute("class")
        .unwrap_or_default()
}

#[test]
fn svg_is_well_formed_and_shows_every_node_and_finding() {
    let dir = small();
    let out = dir.ivrsim(&["graph", "menu.yaml", "-o", "map.svg"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "the map went to the file: {}", out.stdout);
    assert!(
        out.stderr.contains("wrote map.svg: 11 nodes")
            && out.stderr.contains("2 with no way to an operator, 1 unreachable"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("has 2 errors"), "{}", out.stderr);
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).expect("written");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    for id in [
        "main", "hours", "sales", "closed", "number", "survey", "thanks", "news", "bye", "operator", "old_menu",
    ] {
        let class = class_of(&doc, &format!("node-{id}"));
        assert!(class.starts_with("node "), "{id}: {class}");
        assert!(texts.contains(id), "{id} is not written on the map");
    }
    // Shapes by kind, findings by class.
    assert!(class_of(&doc, "node-number").contains("collect"));
    assert!(class_of(&doc, "node-hours").contains("route"));
    assert!(class_of(&doc, "node-survey").contains("no-operator"));
    assert!(class_of(&doc, "node-thanks").contains("no-operator"));
    assert!(!class_of(&doc, "node-main").contains("no-operator"));
    assert!(class_of(&doc, "node-old_menu").contains("unreachable"));
    assert!(class_of(&doc, "node-main").contains("entry"));
    // Prompts are escaped, not markup.
    assert!(texts.contains("For sales press 1"), "{texts}");
    assert!(svg.contains("&lt;more&gt;") || !svg.contains("<more>"));
    // Failure and no-operator edges are drawn differently from options; the legend says so.
    let edge_classes: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("class"))
        .filter(|c| c.starts_with("edge "))
        .collect();
    assert!(edge_classes.contains(&"edge failure"), "{edge_classes:?}");
    assert!(edge_classes.contains(&"edge no-operator-edge"), "{edge_classes:?}");
    assert!(edge_classes.contains(&"edge choice"), "{edge_classes:?}");
    for words in [
        "no way to an operator (E014)",
        "unreachable from the entry (W001)",
        "fallback after",
    ] {
        assert!(texts.contains(words), "legend lacks {words:?}");
    }
    // Times to an operator, from the same analysis as `ivrsim check`.
    assert!(texts.contains("to operator: 1 key · fastest 8.0 s"), "{texts}");
}

#[test]
fn json_has_the_findings_times_and_merged_edges() {
    let v = json_map(&small(), &[]);
    assert_eq!(ids(&v).len(), 11);
    let node = |id: &str| {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(node("survey")["no_operator"], true);
    assert_eq!(node("old_menu")["reachable"], false);
    assert_eq!(node("main")["to_operator"]["fewest_keys"], 1);
    assert!(node("main")["to_operator"]["fastest_seconds"].as_f64().unwrap() > 0.0);
    assert_eq!(node("sales")["kind"], "transfer");
    assert_eq!(node("sales")["text"], "queue sales · high");
    // A key and its keywords are one edge.
    assert_eq!(edge(&v, "main", "hours")["label"], "1 \"sales\" \"shop\"");
    assert_eq!(edge(&v, "main", "operator")["class"], "failure");
    assert_eq!(edge(&v, "main", "operator")["label"], "no input · no match");
    assert_eq!(edge(&v, "hours", "sales")["label"], "within office");
    assert_eq!(edge(&v, "sales", "operator")["class"], "no_operator");
    assert!(v["edges"][0].get("covered").is_none(), "no overlay asked for");
}

#[test]
fn keys_come_first_in_merged_labels_with_the_language_they_set() {
    let out = ivrsim(&["graph", "menus/clinic.yaml", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let label = edge(&v, "language_menu", "welcome")["label"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(label.starts_with("1 (en), 2 (es) \""), "{label}");
}

#[test]
fn the_format_follows_the_output_extension() {
    let dir = small();
    for (file, start) in [
        ("m.dot", "digraph"),
        ("m.mmd", "flowchart LR"),
        ("m.json", "{"),
        ("m.svg", "<svg"),
    ] {
        let out = dir.ivrsim(&["graph", "menu.yaml", "-o", file]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let text = std::fs::read_to_string(dir.path().join(file)).expect("written");
        assert!(text.starts_with(start), "{file}: {}", &text[..40.min(text.len())]);
    }
    // --format wins over the extension.
    let out = dir.ivrsim(&["graph", "menu.yaml", "--format", "dot", "-o", "m.txt"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::read_to_string(dir.path().join("m.txt"))
            .unwrap()
            .starts_with("digraph")
    );
}

/// The small menu without its errors (scenarios run only on menus `check` passes): the
/// survey falls back to the operator and the thanks lead back to the main menu.
fn small_without_errors() -> Dir {
    let dir = Dir::new();
    let fixed = SMALL
        .replace("    fallback: bye\n", "    fallback: operator\n")
        .replace("    next: bye\n", "    next: main\n");
    assert_ne!(fixed, SMALL);
    dir.write("menu.yaml", fixed);
    dir
}

/// Scenarios that take some ways of [`small_without_errors`]: key 2 then 1 (survey, thanks,
/// back to main), and silence at the main menu (the fallback to the operator). Never key 1,
/// 3 or 4.
const SOME_SCENARIOS: &str = r#"menu: menu.yaml
scenarios:
  - name: a caller rates the service
    steps:
      - press: "2"
      - press: "1"
      - expect: { listen: true, at_node: main }
  - name: silence goes to the operator
    steps:
      - silence: timeout
      - silence: timeout
      - silence: timeout
      - expect: { listen: true, transfer: { queue: general } }
"#;

#[test]
fn coverage_overlay_marks_what_the_scenarios_took() {
    let dir = small_without_errors();
    dir.write("some.yaml", SOME_SCENARIOS);
    let out = dir.ivrsim(&["test", "some.yaml", "--coverage-json", "cov.json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let v = json_map(&dir, &["--coverage", "cov.json"]);
    assert_eq!(v["coverage"], "cov.json");
    for (from, to, taken) in [
        ("main", "survey", true),
        ("survey", "thanks", true),
        ("thanks", "main", true),
        ("main", "operator", true),
        ("main", "hours", false),
        ("main", "news", false),
        ("main", "number", false),
        ("survey", "survey", false),
        ("survey", "operator", false),
        ("hours", "sales", false),
        ("number", "operator", false),
    ] {
        assert_eq!(edge(&v, from, to)["covered"], taken, "{from} -> {to}");
    }
    let covered = |id: &str| v["nodes"].as_array().unwrap().iter().find(|n| n["id"] == id).unwrap()["covered"].clone();
    assert_eq!(covered("thanks"), true);
    assert_eq!(covered("news"), false);
    assert_eq!(covered("old_menu"), false);

    // In the SVG: taken edges keep their style, the others are grey and dashed.
    let out = dir.ivrsim(&["graph", "menu.yaml", "--coverage", "cov.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = roxmltree::Document::parse(&out.stdout).expect("SVG");
    let titled = |words: &str| {
        doc.descendants()
            .find(|n| {
                n.attribute("class").is_some_and(|c| c.starts_with("edge "))
                    && n.children()
                        .any(|c| c.has_tag_name("title") && c.text().is_some_and(|t| t.starts_with(words)))
            })
            .and_then(|n| n.attribute("class"))
            .unwrap_or_else(|| panic!("no edge titled {words}"))
            .to_string()
    };
    assert_eq!(titled("main → survey"), "edge choice covered");
    assert_eq!(titled("main → operator"), "edge failure covered");
    assert_eq!(titled("main → news"), "edge choice not-covered");
    assert!(
        out.stdout
            .contains(".not-covered path { stroke: #b0b7c3; stroke-dasharray: 5 5; }")
    );
    assert!(class_of(&doc, "node-news").contains("unvisited"));
    assert!(out.stdout.contains("4/17 edges"), "the legend counts exercised edges");
}

#[test]
fn coverage_of_another_menu_or_not_coverage_is_refused() {
    let dir = small();
    dir.write("other.yaml", crate::support::MINIMAL);
    dir.write(
        "other-scenarios.yaml",
        "menu: other.yaml\nscenarios:\n  - name: x\n    steps:\n      - press: \"1\"\n",
    );
    let out = dir.ivrsim(&["test", "other-scenarios.yaml", "--coverage-json", "cov.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = dir.ivrsim(&["graph", "menu.yaml", "--coverage", "cov.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("has no coverage of `menu.yaml`") && out.stderr.contains("other.yaml"),
        "{}",
        out.stderr
    );
    dir.write("junk.json", "{\"menus\": 3}");
    let out = dir.ivrsim(&["graph", "menu.yaml", "--coverage", "junk.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is not a coverage file"), "{}", out.stderr);
    let out = dir.ivrsim(&["graph", "menu.yaml", "--coverage", "missing.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot read coverage file `missing.json`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_focus_keeps_what_leads_to_and_from_the_node() {
    let dir = small();
    let v = json_map(&dir, &["--focus", "survey", "--depth", "1"]);
    let mut got = ids(&v);
    got.sort();
    // Ahead: thanks, itself, bye (fallback); behind: main. Not the rest of the menu.
    assert_eq!(got, ["bye", "main", "survey", "thanks"]);
    assert_eq!(v["focus"]["node"], "survey");
    assert_eq!(v["focus"]["of_nodes"], 11);
    // Edges leaving the shown nodes stay, to nodes outside (drawn as references).
    assert_eq!(edge(&v, "main", "news")["label"], "3");
    let svg = dir
        .ivrsim(&["graph", "menu.yaml", "--focus", "survey", "--depth", "1"])
        .stdout;
    let doc = roxmltree::Document::parse(&svg).expect("SVG");
    assert!(class_of(&doc, "node-survey").contains("focus"));
    assert!(svg.contains("↪ news"));
    assert!(svg.contains("within 1 edge of `survey` (of 11 nodes)"));

    let out = dir.ivrsim(&["graph", "menu.yaml", "--focus", "survy"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("there is no node `survy` in menu.yaml; did you mean `survey`?"),
        "{}",
        out.stderr
    );
    let out = dir.ivrsim(&["graph", "menu.yaml", "--depth", "2"]);
    assert_eq!(out.code, 2, "--depth needs --focus");
    assert!(out.stderr.contains("--focus"), "{}", out.stderr);
}

#[test]
fn a_menu_that_cannot_be_read_is_not_drawn() {
    let dir = Dir::new();
    dir.write(
        "bad.yaml",
        "name: x\nentry: main\nnodes:\n  main: { kind: menu, optoins: [] }\n",
    );
    let out = dir.ivrsim(&["graph", "bad.yaml", "-o", "map.svg"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("bad.yaml:4:"), "{}", out.stderr);
    assert!(out.stderr.contains("cannot be drawn"), "{}", out.stderr);
    assert!(!dir.path().join("map.svg").exists());
    let out = dir.ivrsim(&["graph", "missing.yaml"]);
    assert_eq!(out.code, 2);
    let out = small().ivrsim(&["graph", "menu.yaml", "-o", "no/such/dir/map.svg"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot write `no/such/dir/map.svg`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_2000_node_menu_draws_every_node() {
    let dir = Dir::new();
    dir.write("big.yaml", ivrsim::synth::menu_yaml(2000));
    let out = dir.ivrsim(&["graph", "big.yaml", "-o", "big.svg"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let svg = std::fs::read_to_string(dir.path().join("big.svg")).expect("written");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let nodes = doc
        .descendants()
        .filter(|n| n.attribute("id").is_some_and(|id| id.starts_with("node-")))
        .count();
    assert_eq!(nodes, 2000);
}

#[test]
fn the_committed_hotline_map_is_current() {
    let out = ivrsim(&["graph", "menus/hotline.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let committed = std::fs::read_to_string(root().join("docs/hotline-map.svg")).expect("docs/hotline-map.svg");
    assert!(
        committed == out.stdout,
        "docs/hotline-map.svg is out of date with menus/hotline.yaml; regenerate it with\n  \
         cargo run -- graph menus/hotline.yaml -o docs/hotline-map.svg"
    );
}

#[test]
fn the_map_is_never_written_over_its_own_inputs() {
    let dir = small_without_errors();
    dir.write("some.yaml", SOME_SCENARIOS);
    assert_eq!(
        dir.ivrsim(&["test", "some.yaml", "--coverage-json", "cov.json"]).code,
        0
    );
    let menu_before = std::fs::read(dir.path().join("menu.yaml")).unwrap();
    let cov_before = std::fs::read(dir.path().join("cov.json")).unwrap();
    for out in ["menu.yaml", "./menu.yaml", "cov.json"] {
        let run = dir.ivrsim(&["graph", "menu.yaml", "--coverage", "cov.json", "-o", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("cannot write `{out}`: it is a file this command reads")),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read(dir.path().join("menu.yaml")).unwrap(), menu_before);
    assert_eq!(std::fs::read(dir.path().join("cov.json")).unwrap(), cov_before);
    // `-o -` is stdout.
    let run = dir.ivrsim(&["graph", "menu.yaml", "-o", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("<svg"));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn coverage_is_found_from_another_folder() {
    let dir = small_without_errors();
    dir.write("some.yaml", SOME_SCENARIOS);
    assert_eq!(
        dir.ivrsim(&["test", "some.yaml", "--coverage-json", "cov.json"]).code,
        0
    );
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let run = crate::support::run_in(
        &dir.path().join("sub"),
        &["graph", "../menu.yaml", "--coverage", "../cov.json", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(edge(&v, "main", "survey")["covered"], true);
    // A different file at the same relative path is not covered by it.
    let other = Dir::new();
    other.write("menu.yaml", SMALL);
    let run = other.ivrsim(&[
        "graph",
        "menu.yaml",
        "--coverage",
        &dir.path().join("cov.json").display().to_string(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("has no coverage of `menu.yaml`"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_pipe_as_coverage_is_refused_not_waited_on() {
    let dir = small();
    let fifo = dir.path().join("cov.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let run = dir.ivrsim(&["graph", "menu.yaml", "--coverage", "cov.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn control_characters_and_missing_targets_keep_the_outputs_valid() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        "name: \"Odd \\u0001 menu\"\nentry: main\ndefaults: { fallback: operator }\nnodes:\n  main:\n    kind: menu\n    \
         prompt: { text: \"press \\u001b[31m red \\u000b now & <b>\" }\n    options:\n      - { key: \"1\", to: operator }\n      \
         - { key: \"2\", to: nowhere }\n  operator: { kind: transfer, queue: general }\n",
    );
    let run = dir.ivrsim(&["graph", "menu.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    roxmltree::Document::parse(&run.stdout).expect("the SVG is well-formed XML");
    assert!(run.stdout.contains("↪ nowhere (missing)"), "a missing target is drawn");
    let v = json_map(&dir, &[]);
    assert_eq!(edge(&v, "main", "nowhere")["missing"], true);
    assert_eq!(edge(&v, "main", "nowhere")["label"], "2");
    let dot = dir.ivrsim(&["graph", "menu.yaml", "--format", "dot"]).stdout;
    assert!(!dot.chars().any(|c| c.is_control() && c != '\n'), "{dot}");
    assert!(dot.contains("↪ nowhere (missing)"));
}

#[test]
fn a_menu_without_any_transfer_is_trapped_everywhere() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        "name: No transfer\nentry: a\nnodes:\n  a:\n    kind: menu\n    prompt: { text: \"Press 1.\" }\n    fallback: op\n    \
         options:\n      - { key: \"1\", to: b }\n  b: { kind: message, prompt: { text: \"B.\" }, next: a }\n  op: { kind: hangup }\n",
    );
    let v = json_map(&dir, &[]);
    for n in v["nodes"].as_array().unwrap() {
        let hangup = n["kind"] == "hangup";
        assert_eq!(n["no_operator"], !hangup, "{}", n["id"]);
    }
}

#[test]
fn nodes_of_included_files_name_their_file() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        "name: Inc\nentry: main\ninclude: [more.yaml]\ndefaults: { fallback: operator }\nnodes:\n  main:\n    kind: menu\n    \
         prompt: { text: \"Press 1.\" }\n    options:\n      - { key: \"1\", to: extra }\n  operator: { kind: transfer, queue: general }\n",
    );
    dir.write(
        "more.yaml",
        "nodes:\n  extra:\n    kind: message\n    prompt: { text: \"Extra.\" }\n    next: operator\n",
    );
    let v = json_map(&dir, &[]);
    let file = |id: &str| v["nodes"].as_array().unwrap().iter().find(|n| n["id"] == id).unwrap()["file"].clone();
    assert_eq!(file("extra"), "more.yaml");
    assert!(file("main").is_null(), "nodes of the menu file itself need no file");
    let svg = dir.ivrsim(&["graph", "menu.yaml"]).stdout;
    assert!(
        svg.contains("extra (message, more.yaml line 2)"),
        "the tooltip names the file"
    );
}

#[test]
fn a_menu_with_nothing_to_draw_never_replaces_the_map() {
    let dir = Dir::new();
    dir.write("menu.yaml", "name: X\nentry: main\nnodes:\n  main:\n    kind: bogus\n");
    dir.write("map.svg", "a good map");
    let out = dir.ivrsim(&["graph", "menu.yaml", "-o", "map.svg"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("has no node that can be drawn"), "{}", out.stderr);
    assert!(out.stderr.contains("bogus"), "the findings are shown: {}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("map.svg")).unwrap(),
        "a good map"
    );
}

#[test]
fn a_route_label_names_its_schedule_once() {
    // A schedule named `open` read `open (open)`: the condition and its name twice.
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        SMALL
            .replace("  office: [", "  open: [")
            .replace("hours: office }", "hours: open }"),
    );
    let v = json_map(&dir, &[]);
    assert_eq!(edge(&v, "hours", "sales")["label"], "within open");
    let out = dir.ivrsim(&["check", "--report", "menu.yaml"]);
    assert!(!out.stdout.contains("open (open)"), "{}", out.stdout);
}

/// An output whose extension names no map format gets SVG, and a note says so.
#[test]
fn an_unknown_extension_is_named_and_gets_svg() {
    let dir = small();
    let out = dir.ivrsim(&["graph", "menu.yaml", "-o", "map.png"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("note: `.png` is not a map format ivrsim knows"),
        "{}",
        out.stderr
    );
    let text = std::fs::read_to_string(dir.path().join("map.png")).unwrap();
    assert!(text.contains("<svg"), "{text}");
    // A known extension, or --format, says nothing.
    let out = dir.ivrsim(&["graph", "menu.yaml", "-o", "map.txt", "--format", "dot"]);
    assert!(!out.stderr.contains("is not a map format"), "{}", out.stderr);
}

#[test]
fn characters_xml_forbids_leave_the_svg_well_formed() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        crate::support::MINIMAL
            .replace("name: Minimal", "name: \"a\\uFFFEb\"")
            .replace("For help press 1.", "Press\\uFFFE 1\\uFFFF."),
    );
    let out = dir.ivrsim(&["graph", "menu.yaml", "-o", "map.svg"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
    let all: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(all.contains("a\u{fffd}b"), "the menu's name, made safe");
    assert!(all.contains("Press\u{fffd} 1\u{fffd}"), "the prompt, made safe");
}

// A global key that a longer active key starts with waits the inter-digit timeout (3 s) in
// the engine; the map's fastest time counts the wait (it said 1.6 s).
#[test]
fn the_fastest_time_counts_the_wait_of_a_global_key_that_starts_a_longer_key() {
    for f in ["W012-global-prefix-keys.yaml", "W012-global-option-prefix-keys.yaml"] {
        let out = ivrsim(&["graph", &format!("tests/fixtures/check/{f}"), "--format", "json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
        let main = v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == "main_menu")
            .unwrap();
        assert_eq!(main["to_operator"]["fastest_seconds"], 4.6, "{f}");
        assert_eq!(main["to_operator"]["fewest_keys"], 1, "{f}");
    }
}
