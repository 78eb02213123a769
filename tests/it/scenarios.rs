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
    let doc = std::fs::read_to_string(root().join("docs/scenario-format.md")).unwrap();
    let start = doc.find("## A complete example").unwrap();
    let yaml = doc[start..]
        .split("```yaml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let dir = Dir::new();
    let menu = root().join("menus/hotline.yaml");
    dir.write(
        "example.yaml",
        yaml.replace("../menus/hotline.yaml", menu.to_str().unwrap()),
    );
    let out = dir.ivrsim(&["test", "example.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("2 passed, 0 failed"), "{}", out.stdout);
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
