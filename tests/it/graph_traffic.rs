//! `ivrsim graph MENU --traffic results.json`: simulated callers on the menu map (edge widths
//! by callers in SVG, DOT and Mermaid; counts in JSON), and what results of another menu,
//! bad JSON or a bare queue's results get.

use serde_json::Value;

use crate::support::Dir;

const SMALL: &str = include_str!("../fixtures/graph/small.yaml");

/// Results of `ivrsim simulate menu.yaml -o results.json`, as far as maps read them, written
/// by hand: 1,000 callers a replication at `main`, 400 of them to `hours`, 100 to `survey`,
/// none to `news`.
const RESULTS: &str = r#"{
  "version": 1,
  "menu": "menu.yaml",
  "traffic": "traffic.yaml",
  "replications": 4,
  "funnel": {
    "nodes": [
      { "node": "main", "entered": 1000.0, "gave_up": 50.0 },
      { "node": "hours", "entered": 400.0, "gave_up": 0.0 },
      { "node": "sales", "entered": 300.0, "gave_up": 30.0 },
      { "node": "closed", "entered": 100.0, "gave_up": 0.0 },
      { "node": "survey", "entered": 100.0, "gave_up": 5.0 },
      { "node": "operator", "entered": 450.0, "gave_up": 45.0 }
    ],
    "edges": [
      { "from": "main", "to": "hours", "callers": 400.0 },
      { "from": "hours", "to": "sales", "callers": 300.0 },
      { "from": "hours", "to": "closed", "callers": 100.0 },
      { "from": "main", "to": "survey", "callers": 100.0 },
      { "from": "main", "to": "operator", "callers": 450.0 }
    ]
  }
}
"#;

fn dir_with(results: &str) -> Dir {
    let dir = Dir::new();
    dir.write("menu.yaml", SMALL);
    dir.write("results.json", results);
    dir
}

/// The edge group of an SVG map whose title starts with `words`.
fn edge_group<'a, 'i>(doc: &'a roxmltree::Document<'i>, words: &str) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| {
            n.attribute("class").is_some_and(|c| c.starts_with("edge "))
                && n.children()
                    .any(|c| c.has_tag_name("title") && c.text().is_some_and(|t| t.starts_with(words)))
        })
        .unwrap_or_else(|| panic!("no edge titled {words}"))
}

/// The line width an edge group's path is drawn with (its inline style).
fn width(g: roxmltree::Node) -> f64 {
    let path = g.children().find(|c| c.has_tag_name("path")).expect("path");
    let style = path.attribute("style").expect("a traffic width");
    style
        .strip_prefix("stroke-width:")
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("{style}"))
}

#[test]
fn svg_edges_are_as_wide_as_their_callers() {
    let dir = dir_with(RESULTS);
    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json", "-o", "map.svg"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    assert!(
        out.stderr.contains("edges taken by simulated callers"),
        "{}",
        out.stderr
    );
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    // The busiest edge (main → operator, 450) is 12 px; the others by the square root.
    let busiest = width(edge_group(&doc, "main → operator"));
    let hours = width(edge_group(&doc, "main → hours"));
    let survey = width(edge_group(&doc, "main → survey"));
    let news = edge_group(&doc, "main → news");
    assert_eq!(busiest, 12.0);
    assert!(
        (hours - (1.0 + 11.0 * (400.0f64 / 450.0).sqrt())).abs() < 0.06,
        "{hours}"
    );
    assert!(
        (survey - (1.0 + 11.0 * (100.0f64 / 450.0).sqrt())).abs() < 0.06,
        "{survey}"
    );
    assert!(busiest > hours && hours > survey && survey > width(news));
    assert_eq!(width(news), 1.0);
    assert!(news.attribute("class").unwrap().contains("no-traffic"));
    // Each edge says its callers, in its title and under its line.
    let hours_group = edge_group(&doc, "main → hours");
    let title = hours_group.children().find(|c| c.has_tag_name("title")).unwrap();
    assert!(
        title
            .text()
            .unwrap()
            .contains("simulated: 400 callers per replication from main to hours"),
        "{:?}",
        title.text()
    );
    assert!(
        hours_group
            .descendants()
            .any(|c| c.attribute("class") == Some("traffic") && c.text().map(str::trim) == Some("400"))
    );
    // Nodes say who entered and who gave up.
    let main = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("node-main"))
        .expect("main");
    let tip = main
        .children()
        .find(|c| c.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        tip.contains("simulated: 1 000 callers entered, 50 gave up here (5.0 %), per replication"),
        "{tip}"
    );
    assert!(
        svg.contains("simulated traffic from results.json"),
        "the legend says so"
    );
}

#[test]
fn dot_mermaid_and_json_carry_the_callers() {
    let dir = dir_with(RESULTS);
    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json", "--format", "dot"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = |from: &str, to: &str| {
        out.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{from}\" -> \"{to}\"")))
            .unwrap_or_else(|| panic!("no {from} -> {to} in\n{}", out.stdout))
            .to_string()
    };
    assert!(
        line("main", "operator").contains("penwidth=12.0"),
        "{}",
        line("main", "operator")
    );
    assert!(line("main", "news").contains("penwidth=1.0"));
    assert!(
        line("main", "hours").contains(r#"\n400", "#),
        "{}",
        line("main", "hours")
    );
    assert!(
        line("main", "hours").contains("penwidth=11.4"),
        "{}",
        line("main", "hours")
    );

    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json", "--format", "mermaid"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("stroke-width:12.0px"), "{}", out.stdout);
    assert!(out.stdout.contains("<i>400</i>"), "{}", out.stdout);

    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["traffic"]["file"], "results.json");
    assert_eq!(v["traffic"]["replications"], 4);
    let edge = |from: &str, to: &str| {
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["from"] == from && e["to"] == to)
            .unwrap()
            .clone()
    };
    assert_eq!(edge("main", "hours")["callers"], 400.0);
    assert_eq!(edge("main", "news")["callers"], 0.0);
    let node = |id: &str| {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(node("main")["entered"], 1000.0);
    assert_eq!(node("main")["gave_up"], 50.0);
    assert_eq!(node("news")["entered"], 0.0);
}

#[test]
fn bad_json_is_refused_at_its_line_and_column() {
    let dir = dir_with("{\n  \"version\": 1,\n  \"menu\": \"menu.yaml\",\n  \"funnel\": { \"nodes\": [,] }\n}\n");
    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("results.json:4:25: not the results of `ivrsim simulate -o FILE`: expected value"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());

    let dir = dir_with("{\"version\": 1, \"menu\": \"menu.yaml\", \"funnel\": {\"nodes\": 3}}");
    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("results.json:1:"), "{}", out.stderr);
    assert!(out.stderr.contains("invalid type"), "{}", out.stderr);

    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "missing.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot read results file `missing.json`"),
        "{}",
        out.stderr
    );
}

#[test]
fn results_of_another_menu_are_drawn_by_node_ids_with_one_warning() {
    let other = RESULTS
        .replace("\"menu\": \"menu.yaml\"", "\"menu\": \"other.yaml\"")
        .replace(
            "{ \"node\": \"main\", \"entered\": 1000.0, \"gave_up\": 50.0 },",
            "{ \"node\": \"main\", \"entered\": 1000.0, \"gave_up\": 50.0 },\n      \
             { \"node\": \"elsewhere\", \"entered\": 7.0, \"gave_up\": 0.0 },",
        )
        .replace(
            "{ \"from\": \"main\", \"to\": \"hours\", \"callers\": 400.0 },",
            "{ \"from\": \"main\", \"to\": \"hours\", \"callers\": 400.0 },\n      \
             { \"from\": \"main\", \"to\": \"elsewhere\", \"callers\": 7.0 },",
        );
    assert_ne!(other, RESULTS);
    let dir = dir_with(&other);
    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("warning")).collect();
    assert_eq!(
        warnings,
        [
            "warning: `results.json` is traffic through `other.yaml`, not `menu.yaml`: 1 node (`elsewhere`) and 1 edge \
             not in `menu.yaml` are not drawn"
        ],
        "{}",
        out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(!v["nodes"].as_array().unwrap().iter().any(|n| n["id"] == "elsewhere"));

    // Nothing in common: refused.
    let none = r#"{"version": 1, "menu": "other.yaml", "replications": 1,
      "funnel": {"nodes": [{"node": "x", "entered": 1, "gave_up": 0}], "edges": []}}"#;
    dir.write("results.json", none);
    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`results.json` is traffic through `other.yaml`: none of its nodes is in `menu.yaml`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bare_queue_and_coverage_together_are_refused() {
    let bare = r#"{"version": 1, "menu": null, "replications": 1, "funnel": {"nodes": [], "edges": []}}"#;
    let dir = dir_with(bare);
    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("results of a bare queue (no menu)"),
        "{}",
        out.stderr
    );

    let dir = dir_with(RESULTS);
    dir.write("cov.json", "{\"menus\": []}");
    let out = dir.ivrsim(&[
        "graph",
        "menu.yaml",
        "--traffic",
        "results.json",
        "--coverage",
        "cov.json",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);

    let newer = RESULTS.replace("\"version\": 1", "\"version\": 99");
    let dir = dir_with(&newer);
    let out = dir.ivrsim(&["graph", "menu.yaml", "--traffic", "results.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("format version 99"), "{}", out.stderr);
}
