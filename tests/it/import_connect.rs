//! Amazon Connect flows (`src/import/connect.rs`): `check`, `test` (hand-written scenarios
//! timed by Connect's rules, and a generated suite at 100 % coverage) and `graph` on the
//! fixture flow, findings that point into the JSON, and bad input.

use crate::support::{Dir, Output, root, run_in};

fn fixtures() -> std::path::PathBuf {
    root().join("tests/fixtures/import/connect")
}

/// What a run printed, stdout and stderr together.
fn all(out: &Output) -> String {
    format!("{}{}", out.stdout, out.stderr)
}

fn in_fixtures(args: &[&str]) -> Output {
    run_in(&fixtures(), args)
}

#[test]
fn check_points_into_the_flow_and_passes_with_warnings() {
    let out = in_fixtures(&["check", "hotline.json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    // What ivrsim cannot run as Connect does is said, at its JSON pointer.
    assert!(
        all.contains("warning[W027]: prompt `addresses` is a recording kept in Connect")
            && all.contains("--> hotline.json: /Actions/13/Parameters/PromptId"),
        "{all}"
    );
    assert!(all.contains("8 error branches"), "{all}");
    // The check's own findings point into the flow too.
    assert!(
        all.contains("warning[W009]: the prompt of menu `main` is long")
            && all.contains("--> hotline.json: /Actions/2/Parameters/Text"),
        "{all}"
    );
    // The sub-flow's findings point into its own file.
    assert!(all.contains("--> closed-case.json: /Actions/2"), "{all}");
    assert!(all.contains("hotline.json: 0 errors"), "{all}");
}

#[test]
fn scenarios_timed_by_connects_rules_pass() {
    let out = in_fixtures(&["test", "hotline.scenarios.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("7 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn a_generated_suite_covers_the_whole_flow() {
    let dir = Dir::new();
    let suite = dir.path().join("suite.yaml");
    let suite = suite.to_str().expect("utf-8 path");
    let out = in_fixtures(&["scenarios", "generate", "hotline.json", "-o", suite]);
    assert_eq!(out.code, 0, "{}", all(&out));
    let out = in_fixtures(&["test", suite, "--coverage", "summary"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("nodes 25/25 (100.0%), options 6/6 (100.0%), failure edges 6/6 (100.0%)"),
        "{}",
        out.stdout
    );
}

#[test]
fn graph_draws_the_imported_flow() {
    let out = in_fixtures(&["graph", "hotline.json", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", all(&out));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON map");
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    for id in [
        "welcome",
        "main",
        "retry",
        "retry-done",
        "to-queue-urgent",
        "closed-case.closed-notice",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let out = in_fixtures(&["graph", "hotline.json", "--format", "mermaid"]);
    assert_eq!(out.code, 0, "{}", all(&out));
    assert!(out.stdout.starts_with("flowchart"), "{}", out.stdout);
}

/// A one-block flow around `action`, with `more` actions after it.
fn flow(actions: &str) -> String {
    format!(r#"{{"Version": "2019-10-30", "StartAction": "a", "Actions": [{actions}]}}"#)
}

#[test]
fn invalid_json_is_refused_with_its_line_and_column() {
    let dir = Dir::new();
    dir.write(
        "flow.json",
        "{\"Version\": \"2019-10-30\",\n \"StartAction\": \"a\",\n \"Actions\": [ }\n",
    );
    let out = dir.ivrsim(&["check", "flow.json"]);
    assert_eq!(out.code, 1, "{}", all(&out));
    assert!(all(&out).contains("error[E022]: not valid JSON"), "{}", all(&out));
    assert!(all(&out).contains("--> flow.json:3:"), "{}", all(&out));
}

#[test]
fn unknown_types_and_missing_blocks_are_findings() {
    let dir = Dir::new();
    dir.write(
        "flow.json",
        flow(
            r#"{"Identifier": "a", "Type": "ConnectParticipantWithLexBot", "Parameters": {}, "Transitions": {"NextAction": "b"}},
               {"Identifier": "b", "Type": "MessageParticipant", "Parameters": {"Text": "Hello."}, "Transitions": {"NextAction": "nowhere"}}"#,
        ),
    );
    let out = dir.ivrsim(&["check", "flow.json"]);
    assert_eq!(out.code, 1, "{}", all(&out));
    assert!(
        all(&out).contains("warning[W027]: action type `ConnectParticipantWithLexBot` is not imported"),
        "{}",
        all(&out)
    );
    assert!(all(&out).contains("--> flow.json: /Actions/0/Type"), "{}", all(&out));
    assert!(all(&out).contains("error[E006]: no node `nowhere`"), "{}", all(&out));
    assert!(
        all(&out).contains("--> flow.json: /Actions/1/Transitions/NextAction"),
        "{}",
        all(&out)
    );
}

#[test]
fn flows_that_transfer_to_each_other_are_imported_once() {
    let dir = Dir::new();
    let one = |other: &str| {
        flow(&format!(
            r#"{{"Identifier": "a", "Type": "GetParticipantInput", "Parameters": {{"Text": "Press 1 for the other line, or 0 for a person.", "InputTimeLimitSeconds": "5"}},
                "Transitions": {{"NextAction": "q", "Conditions": [
                  {{"NextAction": "go", "Condition": {{"Operator": "Equals", "Operands": ["1"]}}}},
                  {{"NextAction": "q", "Condition": {{"Operator": "Equals", "Operands": ["0"]}}}}],
                  "Errors": [{{"NextAction": "q", "ErrorType": "InputTimeLimitExceeded"}}, {{"NextAction": "q", "ErrorType": "NoMatchingCondition"}}]}}}},
               {{"Identifier": "go", "Type": "TransferToFlow", "Parameters": {{"ContactFlowId": "arn:aws:connect:x:1:instance/i/contact-flow/{other}"}}, "Transitions": {{"NextAction": "q"}}}},
               {{"Identifier": "q", "Type": "UpdateContactTargetQueue", "Parameters": {{"QueueId": "arn:q/queue/desk"}}, "Transitions": {{"NextAction": "t"}}}},
               {{"Identifier": "t", "Type": "TransferContactToQueue", "Parameters": {{}}, "Transitions": {{}}}}"#
        ))
    };
    dir.write("first.json", one("second"));
    dir.write("second.json", one("first"));
    let out = dir.ivrsim(&["check", "first.json"]);
    assert_eq!(out.code, 0, "{}", all(&out));
    let out = dir.ivrsim(&["graph", "first.json", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON map");
    let go = v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["from"] == "second.go")
        .map(|e| e["to"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(
        go,
        ["a"],
        "the second flow's TransferToFlow leads back to the first's start"
    );
}

#[test]
fn a_missing_sub_flow_is_left_by_design_with_a_finding() {
    let dir = Dir::new();
    dir.write(
        "flow.json",
        flow(
            r#"{"Identifier": "a", "Type": "TransferToFlow", "Parameters": {"ContactFlowId": "arn:x:1:instance/i/contact-flow/elsewhere"}, "Transitions": {"NextAction": "a"}}"#,
        ),
    );
    let out = dir.ivrsim(&["check", "flow.json"]);
    assert!(
        all(&out).contains("warning[W027]: flow `elsewhere` is not in the files given or the folder"),
        "{}",
        all(&out)
    );
    assert!(
        all(&out).contains("--> flow.json: /Actions/0/Parameters/ContactFlowId"),
        "{}",
        all(&out)
    );
}

#[test]
fn deeply_nested_or_huge_json_is_refused_without_a_crash() {
    let dir = Dir::new();
    let deep = format!(
        "{{\"Version\": \"2019-10-30\", \"StartAction\": \"a\", \"Actions\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    dir.write("deep.json", deep);
    let out = dir.ivrsim(&["check", "deep.json"]);
    assert_eq!(out.code, 1, "{}", all(&out));
    assert!(
        all(&out).contains("error[E022]: not valid JSON: recursion limit exceeded"),
        "{}",
        all(&out)
    );
    // A flow of many actions is read (Connect itself allows 250).
    let many: Vec<String> = (0..5_000)
        .map(|i| {
            format!(
                r#"{{"Identifier": "m{i}", "Type": "MessageParticipant", "Parameters": {{"Text": "Step {i}."}}, "Transitions": {{"NextAction": "m{}"}}}}"#,
                i + 1
            )
        })
        .collect();
    let text = format!(
        r#"{{"Version": "2019-10-30", "StartAction": "m0", "Actions": [{}, {{"Identifier": "m5000", "Type": "DisconnectParticipant", "Parameters": {{}}, "Transitions": {{}}}}]}}"#,
        many.join(",")
    );
    dir.write("long.json", text);
    let out = dir.ivrsim(&["check", "long.json"]);
    assert!(all(&out).contains("error[E014]"), "{}", all(&out));
}

#[test]
fn a_test_case_file_is_not_taken_for_a_flow() {
    let dir = Dir::new();
    dir.write(
        "case.json",
        r#"{"Version": "2025-06-21", "Metadata": {}, "Observations": [], "Actions": [], "StartAction": "x"}"#,
    );
    let out = dir.ivrsim(&["check", "case.json"]);
    assert_eq!(out.code, 1, "{}", all(&out));
    assert!(all(&out).contains("an Amazon Connect test case"), "{}", all(&out));
}

#[test]
fn a_describe_contact_flow_answer_is_read_through_its_content() {
    let dir = Dir::new();
    let inner = flow(
        r#"{"Identifier": "a", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "arn:q/queue/desk"}, "Transitions": {"NextAction": "t"}},
           {"Identifier": "t", "Type": "TransferContactToQueue", "Parameters": {}, "Transitions": {}}"#,
    );
    let wrapped = serde_json::json!({ "ContactFlow": { "Name": "Hotline", "Content": inner } });
    dir.write("described.json", wrapped.to_string());
    let out = dir.ivrsim(&["check", "described.json"]);
    assert_eq!(out.code, 0, "{}", all(&out));
    assert!(all(&out).contains("described.json: 0 errors"), "{}", all(&out));
}
