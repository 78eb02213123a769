//! `ivrsim test`: the bundled scenarios pass, a failing expectation is reported at its step,
//! and a broken file is a load error.

use crate::support::{Dir, MINIMAL, ivrsim, root};

#[test]
fn the_bundled_scenarios_pass() {
    let out = ivrsim(&["test"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(" passed, 0 failed"), "{}", out.stdout);
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
}

#[test]
fn the_documented_example_passes() {
    let out = crate::support::scenario_doc_example("## A complete example");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("3 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn a_failing_expectation_names_its_step_and_what_was_found() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: wrong queue\n    steps:\n      - press: \"1\"\n      - expect: { transfer: { queue: billing } }\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("FAIL  wrong queue"), "{}", out.stdout);
    assert!(out.stdout.contains("--> s.yaml:6:9"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("expected a transfer with queue `billing`, found `general`"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("0 passed, 1 failed"), "{}", out.stdout);
}

#[test]
fn a_broken_scenario_file_is_a_load_error() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: x\n    steps:\n      - prss: \"1\"\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("unknown field `prss`") && out.stderr.contains("s.yaml:5:9"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean `press`?"), "{}", out.stderr);
}

#[test]
fn the_bundled_suite_covers_every_node_option_and_failure_edge() {
    let out = ivrsim(&["test", "--min-coverage", "100"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for menu in ["menus/hotline.yaml", "menus/clinic.yaml"] {
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("coverage of {menu}")))
            .expect(menu);
        assert_eq!(line.matches("(100.0%)").count(), 3, "{line}");
    }
}

#[test]
fn coverage_numbers_on_a_small_menu_match_a_hand_count() {
    // MINIMAL: nodes `main` and `operator` (2), one option, and at `main` the no-input and
    // no-match re-prompts (limits 3) and both fallbacks: 4 failure edges. Pressing 1 covers
    // 2 nodes, 1 option and 0 failure edges: 3 of 7 targets.
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: one\n    steps:\n      - press: \"1\"\n",
    );
    let json = dir.path().join("cov.json");
    let out = dir.ivrsim(&[
        "test",
        "s.yaml",
        "--min-coverage",
        "50",
        "--coverage-json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "3 of 7 is below 50%:\n{}", out.stdout);
    assert!(
        out.stdout
            .contains("nodes 2/2 (100.0%), options 1/1 (100.0%), failure edges 0/4 (0.0%)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("42.9% is below --min-coverage 50%"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("menu.yaml:9:3  no-input re-prompt at `main`"),
        "{}",
        out.stdout
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let edges = v["menus"][0]["failure_edges"].as_array().unwrap();
    assert_eq!(edges.len(), 4);
    assert!(edges.iter().all(|e| e["covered"] == false));
    // Silence three times and invalid keys three times cover the rest.
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: silent\n    steps:\n      - silence: timeout\n      - silence: timeout\n      - silence: timeout\n  - name: wrong\n    steps:\n      - press: \"9\"\n      - press: \"9\"\n      - press: \"9\"\n  - name: one\n    steps:\n      - press: \"1\"\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml", "--min-coverage", "100"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn junit_and_json_reports_of_the_bundled_suite() {
    let dir = Dir::new();
    let xml = dir.path().join("junit.xml");
    let out = crate::support::run_in(&root(), &["test", "--format", "json", "--junit", xml.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON document");
    assert!(v["coverage"].as_array().is_some_and(|c| c.len() == 2), "{v}");
    let text = std::fs::read_to_string(&xml).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed JUnit XML");
    let root_el = doc.root_element();
    assert_eq!(root_el.tag_name().name(), "testsuites");
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
    assert_eq!(
        root_el.attribute("tests").and_then(|t| t.parse::<usize>().ok()),
        Some(cases)
    );
    assert!(cases >= 40, "{cases} test cases");
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("failure")).count(), 0);
}

#[test]
fn hangup_true_expects_any_end_by_hang_up_and_hangup_false_is_refused() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: caller leaves\n    steps:\n      - hangup: true\n      - silence: 30s\n      - expect: { hangup: true, elapsed: { max: 5s } }\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: x\n    steps:\n      - hangup: false\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("`hangup: false` does nothing"), "{}", out.stderr);
}

#[test]
fn scenario_files_are_checked_before_they_run() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    let bad = [
        (
            "dup",
            "  - name: t\n    steps:\n      - press: \"1\"\n  - name: t\n    steps:\n      - press: \"1\"\n",
            "two scenarios are named `t`",
        ),
        (
            "at",
            "  - name: t\n    steps:\n      - expect: { node: main }\n        at: 1s\n",
            "`at` does nothing on this step",
        ),
        (
            "prio",
            "  - name: t\n    steps:\n      - expect: { transfer: { priority: hi } }\n",
            "unknown priority `hi`",
        ),
        (
            "keys",
            "  - name: t\n    steps:\n      - expect: { keys: { min: 5, max: 1 } }\n",
            "`keys.min` is more than `keys.max`",
        ),
    ];
    for (name, body, says) in bad {
        dir.write(&format!("{name}.yaml"), format!("menu: menu.yaml\nscenarios:\n{body}"));
        let out = dir.ivrsim(&["test", &format!("{name}.yaml")]);
        assert_eq!(out.code, 2, "{name}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(says), "{name}: {}", out.stderr);
        assert!(
            !out.stderr.contains("has no `steps`"),
            "{name}: no knock-on finding\n{}",
            out.stderr
        );
    }
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = dir.ivrsim(&["test", "empty"]);
    assert_eq!(out.code, 2, "a folder without scenarios is not a passing run");
    assert!(out.stderr.contains("no scenario files"), "{}", out.stderr);
    let out = dir.ivrsim(&["test", "dup.yaml", "--min-coverage", "150"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn the_call_clock_stops_when_the_call_ends() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: long silence\n    steps:\n      - silence: 10h\n      - expect: { transfer: { reason: max_no_input }, elapsed: { max: 120s } }\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

/// The bundled scenario files.
const BUNDLED: [&str; 2] = ["scenarios/hotline.yaml", "scenarios/clinic.yaml"];

#[test]
fn filter_runs_only_the_scenarios_whose_name_contains_it() {
    // The bundled files by name: a user's own file under scenarios/ changes no count here.
    let out = ivrsim(&["test", BUNDLED[0], BUNDLED[1], "--filter", "urgent report"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let ran: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("PASS")).collect();
    assert_eq!(ran.len(), 1, "{}", out.stdout);
    assert!(
        ran[0].contains("an urgent report reaches the urgent queue"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("1 passed, 0 failed, 62 filtered out"),
        "{}",
        out.stdout
    );
    // Coverage only of what ran, and said so; the clinic (no scenario ran) is not reported.
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("coverage of"))
        .expect("coverage");
    assert!(
        line.contains("menus/hotline.yaml (1 scenario matching `urgent report`)"),
        "{line}"
    );
    assert!(!out.stdout.contains("coverage of menus/clinic.yaml"), "{}", out.stdout);
    // A filter nothing matches is a mistake, not a pass.
    let out = ivrsim(&["test", BUNDLED[0], BUNDLED[1], "--filter", "no such scenario at all"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("no scenario name contains `no such scenario at all`"),
        "{}",
        out.stderr
    );
}

#[test]
fn coverage_summary_hides_the_list_and_none_hides_coverage() {
    let full = ivrsim(&["test", BUNDLED[0], "--filter", "urgent report"]);
    assert!(full.stdout.contains("never exercised:"), "{}", full.stdout);
    let summary = ivrsim(&["test", BUNDLED[0], "--filter", "urgent report", "--coverage", "summary"]);
    assert_eq!(summary.code, 0, "{}", summary.stderr);
    assert!(
        summary.stdout.contains("coverage of menus/hotline.yaml"),
        "{}",
        summary.stdout
    );
    assert!(!summary.stdout.contains("never exercised"), "{}", summary.stdout);
    let none = ivrsim(&["test", BUNDLED[0], "--filter", "urgent report", "--coverage=none"]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(!none.stdout.contains("coverage of"), "{}", none.stdout);
    assert!(none.stdout.contains("1 passed, 0 failed"), "{}", none.stdout);
    // --min-coverage needs the coverage it judges.
    let out = ivrsim(&["test", "--coverage=none", "--min-coverage", "50"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// The first element named `tag` under `node`.
fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, tag: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.descendants().find(|n| n.has_tag_name(tag))
}

#[test]
fn a_file_that_cannot_be_loaded_is_an_error_in_the_junit_and_json_reports() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: help\n    steps:\n      - press: \"1\"\n      - expect: { transfer: { queue: general } }\n",
    );
    dir.write(
        "bad.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: typo\n    stepz:\n      - press: \"1\"\n",
    );
    dir.write(
        "nomenu.yaml",
        "menu: missing.yaml\nscenarios:\n  - name: x\n    steps:\n      - press: \"1\"\n",
    );
    let out = dir.ivrsim(&[
        "test",
        "s.yaml",
        "bad.yaml",
        "nomenu.yaml",
        "--junit",
        "j.xml",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);

    let text = std::fs::read_to_string(dir.path().join("j.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let root_el = doc.root_element();
    assert_eq!(root_el.attribute("tests"), Some("3"), "{text}");
    assert_eq!(root_el.attribute("errors"), Some("2"), "{text}");
    assert_eq!(root_el.attribute("failures"), Some("0"), "{text}");
    let suites: Vec<_> = root_el.children().filter(|n| n.has_tag_name("testsuite")).collect();
    let names: Vec<_> = suites.iter().map(|s| s.attribute("name").unwrap()).collect();
    assert_eq!(names, ["s.yaml", "bad.yaml", "nomenu.yaml"], "{text}");
    let bad = suites[1];
    assert_eq!(
        (bad.attribute("tests"), bad.attribute("errors")),
        (Some("1"), Some("1"))
    );
    let error = child(bad, "error").unwrap_or_else(|| panic!("an error element\n{text}"));
    let message = error.attribute("message").unwrap();
    assert!(message.starts_with("bad.yaml:4:5: "), "{message}");
    assert!(message.contains("stepz"), "{message}");
    let error = child(suites[2], "error").unwrap_or_else(|| panic!("an error element\n{text}"));
    let message = error.attribute("message").unwrap();
    assert!(message.starts_with("nomenu.yaml:1:7: its menu"), "{message}");
    assert!(error.text().unwrap_or("").contains("missing.yaml"), "{text}");

    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(v["totals"]["files"], 3, "{v}");
    assert_eq!(v["totals"]["load_errors"], 2, "{v}");
    assert_eq!(v["totals"]["passed"], 1, "{v}");
    let errors = v["load_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{v}");
    assert_eq!(errors[0]["file"], "bad.yaml");
    let f = &errors[0]["findings"][0];
    assert_eq!(
        (f["file"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
        (Some("bad.yaml"), Some(4), Some(5)),
        "{v}"
    );
    assert!(f["message"].as_str().unwrap().contains("stepz"), "{v}");
    assert!(f["code"].as_str().is_some_and(|c| c.starts_with('E')), "{v}");
    assert_eq!(errors[1]["file"], "nomenu.yaml");
}

#[test]
fn characters_xml_forbids_leave_the_junit_report_well_formed() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        MINIMAL.replace("For help press 1.", "Press\\uFFFE 1\\u0001."),
    );
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: \"a\\uFFFEb\\uFFFF\"\n    steps:\n      - expect: { node: main, prompt: \"nothing like it\" }\n  - name: \"c\\u0007d\"\n    steps:\n      - press: \"1\"\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml", "--junit", "j.xml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let text = std::fs::read_to_string(dir.path().join("j.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text:?}"));
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].attribute("name"), Some("a\u{fffd}b\u{fffd}"));
    assert_eq!(cases[1].attribute("name").map(|n| n.contains('d')), Some(true));
    let failure = child(cases[0], "failure").unwrap_or_else(|| panic!("a failure\n{text}"));
    let all = format!(
        "{}{}",
        failure.attribute("message").unwrap(),
        failure.text().unwrap_or("")
    );
    assert!(
        all.contains("Press\u{fffd} 1"),
        "the prompt is quoted, made safe: {all:?}"
    );
}

#[test]
fn two_reports_on_one_file_are_refused_before_anything_runs() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: help\n    steps:\n      - press: \"1\"\n",
    );
    for (cov, junit) in [
        ("c.json", "c.json"),
        ("c.json", "./c.json"),
        ("c.json", "sub/../c.json"),
    ] {
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        let out = dir.ivrsim(&["test", "s.yaml", "--coverage-json", cov, "--junit", junit]);
        assert_eq!(out.code, 2, "{cov} {junit}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("--coverage-json") && out.stderr.contains("--junit"),
            "{}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "nothing ran: {}", out.stdout);
        assert!(!dir.path().join("c.json").exists(), "nothing written");
    }
    let out = dir.ivrsim(&["test", "s.yaml", "--coverage-json", "c.json", "--junit", "j.xml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

/// Links to folders inside a searched folder are not followed: two links back to the folder
/// itself made the search go round without end (it hung, memory growing); each file runs once.
#[cfg(unix)]
#[test]
fn a_folder_with_links_back_up_runs_each_file_once() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "suite/s.yaml",
        "menu: ../menu.yaml\nscenarios:\n  - name: one\n    steps:\n      - press: \"1\"\n",
    );
    std::os::unix::fs::symlink(".", dir.path().join("suite/a")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("suite/b")).unwrap();
    std::fs::create_dir(dir.path().join("suite/sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("suite/sub/up")).unwrap();
    let out = dir.ivrsim(&["test", "suite"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout.matches("PASS  one").count(), 1, "{}", out.stdout);
}

// Issue 14: a folder that holds menus beside scenarios says which file is a menu, once,
// instead of "unknown field `name`" for each of its fields; the scenarios still run.
#[test]
fn a_menu_file_in_a_folder_of_scenarios_is_named_as_one() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "suite.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: hang up\n    steps: [{ hangup: true }]\n",
    );
    let out = dir.ivrsim(&["test", "."]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("this is a menu file, not a scenario file"), "{all}");
    assert!(!all.contains("unknown field `name`"), "{all}");
    assert!(all.contains("1 passed, 0 failed"), "{all}");
}

// Issue 14: expectations that can never hold are load-time findings with file:line:column,
// not failures found by running: a node the menu does not have, `elapsed.min` > `max`.
#[test]
fn expectations_that_can_never_hold_are_refused_at_load() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write(
        "unknown.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: a\n    steps:\n      - expect: { node: nowhere }\n",
    );
    let out = dir.ivrsim(&["test", "unknown.yaml"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains(
            "error[E006]: this expectation names node `nowhere`, which the menu does not have\n  --> unknown.yaml:5:25"
        ),
        "{all}"
    );
    dir.write(
        "elapsed.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: a\n    steps:\n      - expect: { elapsed: { min: 10s, max: 2s } }\n",
    );
    let out = dir.ivrsim(&["test", "elapsed.yaml"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("error[E016]: `elapsed.min` is more than `elapsed.max`\n  --> elapsed.yaml:5:28"),
        "{all}"
    );
}

/// A file named twice on the command line (here in its folder and by itself) runs once.
#[test]
fn a_file_named_twice_runs_once() {
    let once = ivrsim(&["test", "scenarios"]);
    let twice = ivrsim(&[
        "test",
        "scenarios",
        "scenarios/hotline.yaml",
        "./scenarios/hotline.yaml",
    ]);
    assert_eq!(once.code, 0, "{}", once.stderr);
    assert_eq!(twice.code, once.code);
    assert_eq!(twice.stdout, once.stdout);
}
