//! `ivrsim import`: the exit statuses (0 all mapped, 1 approximated, 2 unreadable), `--from`,
//! `--with`, a file of no platform, and the menu written reading back as the same menu.

use crate::support::{Dir, root, run_in};

/// A Connect flow every block of which ivrsim runs as Connect does.
const CLEAN: &str = r#"{"Version": "2019-10-30", "StartAction": "menu", "Actions": [
  {"Identifier": "menu", "Type": "GetParticipantInput",
   "Parameters": {"Text": "For a person, press 0.", "StoreInput": "False", "InputTimeLimitSeconds": "5"},
   "Transitions": {"NextAction": "queue",
     "Conditions": [{"NextAction": "queue", "Condition": {"Operator": "Equals", "Operands": ["0"]}}],
     "Errors": [{"NextAction": "queue", "ErrorType": "InputTimeLimitExceeded"},
                {"NextAction": "queue", "ErrorType": "NoMatchingCondition"}]}},
  {"Identifier": "queue", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "arn:x/queue/desk"},
   "Transitions": {"NextAction": "transfer"}},
  {"Identifier": "transfer", "Type": "TransferContactToQueue", "Parameters": {}, "Transitions": {}}
]}"#;

#[test]
fn a_flow_that_maps_fully_exits_0_and_reads_back() {
    let dir = Dir::new();
    dir.write("flow.json", CLEAN);
    let out = dir.ivrsim(&["import", "flow.json", "-o", "menu.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("wrote `menu.yaml` from Amazon Connect `flow.json`: 3 nodes, 0 approximations, 0 errors"),
        "{}",
        out.stderr
    );
    let text = std::fs::read_to_string(dir.path().join("menu.yaml")).expect("menu written");
    assert!(
        text.starts_with("# Imported by ivrsim from flow.json (Amazon Connect)."),
        "{text}"
    );
    assert!(text.contains("# from flow.json: /Actions/0"), "{text}");
    let check = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    // The same way and time to a person from the flow and from the menu written from it.
    let a = dir.ivrsim(&["check", "flow.json"]);
    let b = dir.ivrsim(&["check", "menu.yaml"]);
    let way = |s: &str| {
        s.lines()
            .find(|l| l.contains("from the entry"))
            .map(str::to_owned)
            .expect("a time to operator line")
    };
    assert_eq!(way(&a.stdout), way(&b.stdout));
    assert!(way(&a.stdout).contains("1 key"), "{}", a.stdout);
}

#[test]
fn something_approximated_exits_1_and_the_menu_is_still_written() {
    let out = run_in(
        &root().join("tests/fixtures/import/connect"),
        &["import", "hotline.json"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("name: hotline"), "{}", out.stdout);
    assert!(out.stderr.contains("warning[W027]"), "{}", out.stderr);
}

#[test]
fn a_file_that_cannot_be_read_exits_2_and_writes_nothing() {
    let dir = Dir::new();
    dir.write(
        "flow.json",
        "{\"Version\": \"2019-10-30\", \"StartAction\": \"a\", \"Actions\": [,]}",
    );
    let out = dir.ivrsim(&["import", "flow.json", "-o", "menu.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("error[E022]: not valid JSON"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing written"), "{}", out.stderr);
    assert!(!dir.path().join("menu.yaml").exists());
    // Missing file, and a file of no platform: usage or I/O errors.
    let out = dir.ivrsim(&["import", "missing.json"]);
    assert_eq!(out.code, 2);
    dir.write("menu.yaml", "name: x\nentry: a\nnodes: {}\n");
    let out = dir.ivrsim(&["import", "menu.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("is not a file of a platform ivrsim imports"),
        "{}",
        out.stderr
    );
}

#[test]
fn from_names_the_platform_and_with_names_a_sub_flow() {
    let dir = Dir::new();
    dir.write("flow.json", CLEAN);
    // Read as the wrong platform: it cannot be imported.
    let out = dir.ivrsim(&["import", "--from", "vxml", "flow.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("cannot be read as VoiceXML"), "{}", out.stderr);
    // A sub-flow in another folder, named with --with.
    dir.write(
        "main.json",
        r#"{"Version": "2019-10-30", "StartAction": "go", "Actions": [
          {"Identifier": "go", "Type": "TransferToFlow", "Parameters": {"ContactFlowId": "arn:x/contact-flow/desk"}, "Transitions": {"NextAction": "go"}}]}"#,
    );
    dir.write("flows/desk.json", CLEAN);
    let out = dir.ivrsim(&["import", "main.json", "--with", "flows/desk.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("desk.transfer:"), "{}", out.stdout);
}
