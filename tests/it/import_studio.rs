//! Twilio Studio flows given to `check`, `scenarios generate`, `test` and `graph` directly
//! (docs/import.md, "Twilio Studio"), on the fixtures under tests/fixtures/import/studio/.

use crate::support::{Dir, ivrsim, root};

const HOTLINE: &str = "tests/fixtures/import/studio/hotline.json";

fn fixture(name: &str) -> String {
    format!("tests/fixtures/import/studio/{name}")
}

#[test]
fn check_points_into_the_flow_json() {
    let out = ivrsim(&["check", HOTLINE]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    insta::assert_snapshot!("studio-hotline-check", out.stdout);
    // Every finding is at a JSON pointer of the original file.
    for line in out.stdout.lines().filter(|l| l.trim_start().starts_with("-->")) {
        assert!(line.contains("hotline.json: /states/"), "{line}");
    }
}

#[test]
fn a_generated_suite_passes_with_full_coverage() {
    let dir = Dir::new();
    let flow = std::fs::read_to_string(root().join(HOTLINE)).unwrap();
    dir.write("hotline.json", flow);
    let generated = dir.ivrsim(&["scenarios", "generate", "hotline.json", "-o", "suite.yaml"]);
    assert_eq!(generated.code, 0, "{}{}", generated.stdout, generated.stderr);
    let tested = dir.ivrsim(&["test", "suite.yaml", "--min-coverage", "100"]);
    assert_eq!(tested.code, 0, "{}{}", tested.stdout, tested.stderr);
    assert!(
        tested
            .stdout
            .contains("nodes 37/37 (100.0%), options 17/17 (100.0%), failure edges 10/10 (100.0%)"),
        "{}",
        tested.stdout
    );
    assert!(tested.stdout.contains("0 failed"), "{}", tested.stdout);
}

#[test]
fn graph_draws_the_flow() {
    let dir = Dir::new();
    let flow = std::fs::read_to_string(root().join(HOTLINE)).unwrap();
    dir.write("hotline.json", flow);
    let out = dir.ivrsim(&["graph", "hotline.json", "-o", "map.svg"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("37 nodes") || out.stdout.contains("37 nodes"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    for id in [
        "main_menu",
        "followup_case",
        "check_case__after_1",
        "report_menu__timeout_end",
        "to_operator",
    ] {
        assert!(svg.contains(id), "{id} is not drawn");
    }
}

/// The timings of Twilio's documentation, scenario by scenario (sources in the file's
/// comments).
#[test]
fn documented_timings_hold() {
    let out = ivrsim(&["test", &fixture("hotline-timing.yaml"), "--coverage", "none"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("15 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn invalid_json_is_one_error_at_its_line_and_column() {
    let out = ivrsim(&["check", &fixture("bad-syntax.json")]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    insta::assert_snapshot!("studio-bad-syntax", out.stdout);
}

#[test]
fn a_flow_without_a_call_path_is_refused() {
    let out = ivrsim(&["check", &fixture("not-voice.json")]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("error[E022]: not a voice flow")
            && out.stdout.contains("not-voice.json: /states/0/transitions/1"),
        "{}",
        out.stdout
    );
}

#[test]
fn unknown_widgets_missing_targets_and_loops_are_findings() {
    let out = ivrsim(&["check", &fixture("odd-widgets.json")]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    insta::assert_snapshot!("studio-odd-widgets", out.stdout);
}

#[test]
fn deep_nesting_is_refused_within_a_bound() {
    let dir = Dir::new();
    let depth = 100_000;
    let text = format!(
        "{{\"initial_state\": \"Trigger\", \"states\": [{}{}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    dir.write("deep.json", text);
    let out = dir.ivrsim(&["check", "deep.json"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("error[E022]: not valid JSON: recursion limit exceeded"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("deep.json:1:"), "{}", out.stdout);
}

#[test]
fn more_widgets_than_studio_allows_are_refused() {
    let dir = Dir::new();
    let mut states = vec![
        r#"{"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingCall", "next": "s0"}]}"#
            .to_owned(),
    ];
    for i in 0..1000 {
        states.push(format!(
            r#"{{"name": "s{i}", "type": "say-play", "properties": {{"say": "Step {i}."}}, "transitions": [{{"event": "audioComplete", "next": "s{}"}}]}}"#,
            i + 1
        ));
    }
    dir.write(
        "many.json",
        format!(r#"{{"initial_state": "Trigger", "states": [{}]}}"#, states.join(",")),
    );
    let out = dir.ivrsim(&["check", "many.json"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("error[E022]: the flow has 1001 widgets; a Studio flow has at most 1000"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("many.json: /states"), "{}", out.stdout);
}

#[test]
fn a_huge_file_is_refused_before_it_is_parsed() {
    let dir = Dir::new();
    let padding = " ".repeat(17 * 1024 * 1024);
    dir.write(
        "huge.json",
        format!(r#"{{"initial_state": "Trigger", "states": []{padding}}}"#),
    );
    let out = dir.ivrsim(&["check", "huge.json"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("error[E022]: the file has"), "{}", out.stdout);
}

#[test]
fn a_rest_flow_resource_is_read_inside_its_definition() {
    let dir = Dir::new();
    let flow = std::fs::read_to_string(root().join(HOTLINE)).unwrap();
    dir.write(
        "resource.json",
        format!(r#"{{"sid": "FW00000000000000000000000000000000", "friendly_name": "Hotline", "definition": {flow}}}"#),
    );
    let out = dir.ivrsim(&["check", "resource.json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("resource.json: /definition/states/4"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_local_wav_of_the_same_name_is_played() {
    let dir = Dir::new();
    let flow = std::fs::read_to_string(root().join(HOTLINE))
        .unwrap()
        .replace("mail-address.mp3", "mail-address.wav");
    dir.write("hotline.json", flow);
    // 2.5 s of silence at 8 kHz.
    crate::support::write_wav(&dir.path().join("mail-address.wav"), 8000, 1, 20_000);
    let out = dir.ivrsim(&["check", "hotline.json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("mail-address"), "{}", out.stdout);
    // contact_menu 16.8 - 26.0 s, key 3: the clip plays 26.0 - 28.5 s, then channel_done.
    dir.write(
        "clip.yaml",
        r#"menu: hotline.json
scenarios:
  - name: the clip plays for its length
    steps:
      - press: "3"
      - press: "3"
      - expect: { listen: true, at_node: channel_done, prompt_stopped: { node: contact_mail, by: end, at: 28.5s } }
"#,
    );
    let tested = dir.ivrsim(&["test", "clip.yaml", "--coverage", "none"]);
    assert_eq!(tested.code, 0, "{}{}", tested.stdout, tested.stderr);
}
