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

// Test cases (the testing language): `ivrsim import CASE.json --with FLOW.json` writes a
// scenario for the flow; docs/import.md, "Test cases".

#[test]
fn test_cases_become_scenarios_that_pass_against_the_flow() {
    for case in ["urgent", "case-lookup"] {
        let out = in_fixtures(&["import", &format!("{case}.case.json"), "--with", "hotline.json"]);
        assert_eq!(out.code, 0, "{case}: {}", all(&out));
        assert_eq!(out.stderr, "", "{case}: every observation maps");
        // The committed scenario file is what the import writes.
        let committed = std::fs::read_to_string(fixtures().join(format!("{case}.case.scenarios.yaml")))
            .expect("committed scenarios");
        assert_eq!(
            out.stdout, committed,
            "{case}: regenerate with `ivrsim import {case}.case.json --with hotline.json > {case}.case.scenarios.yaml` in tests/fixtures/import/connect"
        );
    }
    let out = in_fixtures(&["test", "urgent.case.scenarios.yaml", "case-lookup.case.scenarios.yaml"]);
    assert_eq!(out.code, 0, "{}", all(&out));
    assert!(out.stdout.contains("2 passed, 0 failed"), "{}", out.stdout);
    // What the test case checks is in the scenario: the prompt, the key, the attribute, the
    // queue; the Lambda's mocked result is a variable the call starts with.
    let urgent = std::fs::read_to_string(fixtures().join("urgent.case.scenarios.yaml")).expect("urgent");
    for want in [
        r#"prompt: "If someone is in danger now, press 2.", var: { "line": "hotline" }"#,
        r#"- press: "2""#,
        r#"var: { "working_queue": "urgent" }, transfer: { queue: "urgent" }"#,
    ] {
        assert!(urgent.contains(want), "{want} missing from\n{urgent}");
    }
    let lookup = std::fs::read_to_string(fixtures().join("case-lookup.case.scenarios.yaml")).expect("lookup");
    for want in [
        r#"start: { vars: { "case_owner": "desk 4", "case_state": "open" } }"#,
        r#"prompt: "Please enter your case number of 8 digits""#,
        r#"passed: "lookup", var: { "StoredCustomerInput": "20261234" }"#,
    ] {
        assert!(lookup.contains(want), "{want} missing from\n{lookup}");
    }
}

#[test]
fn an_imported_test_case_fails_when_the_flow_does_otherwise() {
    let dir = Dir::new();
    let case = std::fs::read_to_string(fixtures().join("urgent.case.json"))
        .expect("case")
        .replace("queue/urgent", "queue/general");
    dir.write("wrong.case.json", case);
    let flow = fixtures().join("hotline.json");
    let flow = flow.to_str().expect("utf-8 path");
    let out = dir.ivrsim(&["import", "wrong.case.json", "--with", flow, "-o", "wrong.yaml"]);
    assert_eq!(out.code, 0, "{}", all(&out));
    assert!(all(&out).contains("wrote `wrong.yaml`"), "{}", all(&out));
    let out = dir.ivrsim(&["test", "wrong.yaml", "--coverage", "none"]);
    assert_eq!(out.code, 1, "{}", all(&out));
    assert!(
        out.stdout
            .contains("expected a transfer with queue `general`, found `urgent`"),
        "{}",
        out.stdout
    );
}

/// A test case of `observations` (JSON text of the array).
fn case(observations: &str) -> String {
    format!(r#"{{"Version": "2025-06-21", "Metadata": {{}}, "Observations": [{observations}]}}"#)
}

/// An observation `id` of `event` (JSON text), with `actions`, going on to `next`.
fn observation(id: &str, event: &str, actions: &str, next: &str) -> String {
    let next = if next.is_empty() {
        String::new()
    } else {
        format!(r#""{next}""#)
    };
    format!(
        r#"{{"Identifier": "{id}", "Event": {event}, "Usage": {{"Type": "EXACTLY"}}, "Actions": [{actions}], "Transitions": {{"NextObservations": [{next}]}}}}"#
    )
}

fn message(text: &str) -> String {
    format!(
        r#"{{"Type": "MessageReceived", "Actor": "System", "Properties": {{"Text": "{text}", "MatchingCriteria": {{"Type": "Inclusion"}}}}}}"#
    )
}

fn dtmf(keys: &str) -> String {
    format!(
        r#"{{"Identifier": "k{keys}", "Type": "SendInstruction", "Parameters": {{"ActionType": "SendInstruction", "Actor": "Customer", "Instruction": {{"Type": "DtmfInput", "Properties": {{"Value": "{keys}"}}}}}}, "Transitions": {{"NextAction": ""}}}}"#
    )
}

fn queue_started(queue: &str) -> String {
    format!(
        r#"{{"Type": "FlowActionStarted", "Actor": "System", "Properties": {{"ActionType": "TransferContactToQueue", "ActionParameters": {{"QueueId": "arn:aws:connect:eu-central-1:1:instance/hotline/queue/{queue}"}}}}}}"#
    )
}

fn mock(action: &str, params: &str, response: &str) -> String {
    format!(
        r#"{{"Identifier": "mock", "Type": "OverrideSystemBehavior", "Parameters": {{"ActionType": "OverrideSystemBehavior", "Behavior": {{"Type": "FlowAction", "Properties": {{"ActionType": "{action}", "ActionParameters": {params}, "Strategy": {{"Type": "MockResponse", "Response": {response}}}}}}}}}, "Transitions": {{"NextAction": ""}}}}"#
    )
}

const TEST_INITIATED: &str = r#"{"Type": "TestInitiated", "Actor": "System", "Properties": {}}"#;

/// Imports `case` (text) against the fixture flow in a temporary folder and tests the result.
fn import_and_test(case: &str) -> (Output, Output, String) {
    let dir = Dir::new();
    dir.write("case.json", case);
    let flow = fixtures().join("hotline.json");
    let flow = flow.to_str().expect("utf-8 path");
    let import = dir.ivrsim(&["import", "case.json", "--with", flow, "-o", "case.yaml"]);
    let yaml = std::fs::read_to_string(dir.path().join("case.yaml")).unwrap_or_default();
    let test = dir.ivrsim(&["test", "case.yaml", "--coverage", "none"]);
    (import, test, yaml)
}

#[test]
fn a_failing_lambda_mock_takes_the_error_branch() {
    let lambda = r#"{"LambdaFunctionARN": "arn:aws:lambda:eu-central-1:1:function:case-lookup"}"#;
    let text = case(
        &[
            observation(
                "start",
                TEST_INITIATED,
                &mock(
                    "InvokeLambdaFunction",
                    lambda,
                    r#"{"Type": "Error", "Error": {"Value": "NoMatchingError"}}"#,
                ),
                "menu",
            ),
            observation(
                "menu",
                &message("To follow up on a case, press 3."),
                &dtmf("3"),
                "number",
            ),
            observation(
                "number",
                &message("Please enter your case number"),
                &dtmf("77#"),
                "queued",
            ),
            observation("queued", &queue_started("general"), "", ""),
        ]
        .join(","),
    );
    let (import, test, yaml) = import_and_test(&text);
    assert_eq!(import.code, 0, "{}", all(&import));
    assert!(
        yaml.contains(r#"start: { vars: { "external_result": "error" } }"#),
        "{yaml}"
    );
    assert_eq!(test.code, 0, "{}\n{yaml}", all(&test));
}

#[test]
fn a_queue_at_capacity_mock_is_a_full_operator_line() {
    let text = case(
        &[
            observation(
                "start",
                TEST_INITIATED,
                &mock(
                    "TransferContactToQueue",
                    r#"{"QueueId": "arn:q/queue/urgent"}"#,
                    r#"{"Type": "Error", "Error": {"Value": "QueueAtCapacity"}}"#,
                ),
                "menu",
            ),
            observation("menu", &message("press 2"), &dtmf("2"), "queued"),
            observation("queued", &queue_started("urgent"), "", "busy"),
            observation("busy", &message("All call-takers are busy."), "", ""),
        ]
        .join(","),
    );
    let (import, test, yaml) = import_and_test(&text);
    assert_eq!(import.code, 0, "{}", all(&import));
    assert!(yaml.contains("start: { operator: full }"), "{yaml}");
    assert_eq!(test.code, 0, "{}\n{yaml}", all(&test));
}

#[test]
fn what_a_test_case_does_that_ivrsim_cannot_is_a_finding_at_its_pointer() {
    let lex = r#"{"Type": "FlowActionStarted", "Actor": "System", "Properties": {"ActionType": "ConnectParticipantWithLexBot", "ActionParameters": {"LexV2Bot": {"AliasArn": "arn:lex"}}}}"#;
    let utterance = r#"{"Identifier": "talk", "Type": "SendInstruction", "Parameters": {"ActionType": "SendInstruction", "Actor": "Customer", "Instruction": {"Type": "TextUtterance", "Properties": {"Text": "book a flight", "LanguageCode": "en-US"}}}}"#;
    let log = r#"{"Identifier": "log", "Type": "TestControl", "Parameters": {"ActionType": "TestControl", "Command": {"Type": "LogData", "Properties": {"Expressions": {"id": "$.ContactId"}}}}}"#;
    let contains = r#"{"Identifier": "a", "Type": "Assert", "Parameters": {"Namespace": "$.Attributes.line", "Operator": "TextContains", "Operand": "hot"}}"#;
    let text = case(
        &[
            observation("start", TEST_INITIATED, log, "menu"),
            observation(
                "menu",
                &message("press 2"),
                &format!("{contains}, {}", dtmf("2")),
                "bot",
            ),
            observation("bot", lex, utterance, "agent"),
            observation(
                "agent",
                r#"{"Type": "AgentConnected", "Actor": "Agent", "Properties": {}}"#,
                "",
                "",
            ),
            observation("alone", &queue_started("urgent"), "", ""),
        ]
        .join(","),
    );
    let (import, test, yaml) = import_and_test(&text);
    let out = all(&import);
    assert_eq!(import.code, 1, "{out}");
    for (what, at) in [
        (
            "test command `LogData` is not imported",
            "/Observations/0/Actions/0/Parameters/Command",
        ),
        (
            "assertion operator `TextContains`",
            "/Observations/1/Actions/0/Parameters/Operator",
        ),
        (
            "flow action `ConnectParticipantWithLexBot` is not imported",
            "/Observations/2/Event/Properties/ActionType",
        ),
        (
            "a spoken or typed utterance",
            "/Observations/2/Actions/0/Parameters/Instruction/Type",
        ),
        ("event `AgentConnected` is not imported", "/Observations/3/Event/Type"),
        ("not reached from the first", "/Observations/4"),
    ] {
        assert!(out.contains(what), "{what} missing:\n{out}");
        assert!(out.contains(&format!("--> case.json: {at}\n")), "{at} missing:\n{out}");
    }
    assert_eq!(out.matches("warning[W027]").count(), 6, "{out}");
    assert!(out.contains("6 approximations, 0 errors"), "{out}");
    // What maps is still written, and runs.
    assert!(yaml.contains(r#"- press: "2""#), "{yaml}");
    assert_eq!(test.code, 0, "{}\n{yaml}", all(&test));
}

#[test]
fn an_invalid_test_case_is_refused_with_its_line_and_column() {
    let dir = Dir::new();
    dir.write(
        "case.json",
        "{\"Version\": \"2025-06-21\",\n \"Observations\": [\n  { \"Identifier\": }\n]}\n",
    );
    let flow = fixtures().join("hotline.json");
    let flow = flow.to_str().expect("utf-8 path");
    let out = dir.ivrsim(&["import", "case.json", "--with", flow, "-o", "case.yaml"]);
    assert_eq!(out.code, 2, "{}", all(&out));
    assert!(all(&out).contains("error[E022]: not valid JSON"), "{}", all(&out));
    assert!(all(&out).contains("--> case.json:3:"), "{}", all(&out));
    assert!(all(&out).contains("nothing written"), "{}", all(&out));
    assert!(!dir.path().join("case.yaml").exists());
    // Without the flow it tests, a test case is a usage error.
    dir.write("case.json", case(&observation("m", &message("Hello"), "", "")));
    let out = dir.ivrsim(&["import", "case.json"]);
    assert_eq!(out.code, 2, "{}", all(&out));
    assert!(
        all(&out).contains("name the flow it tests with `--with FLOW.json`"),
        "{}",
        all(&out)
    );
}

/// A flow that checks its hours first.
const OFFICE: &str = r#"{"Version": "2019-10-30", "StartAction": "hours", "Actions": [
  {"Identifier": "hours", "Type": "CheckHoursOfOperation",
   "Parameters": {"HoursOfOperationId": "arn:aws:connect:eu-west-1:1:instance/i/operating-hours/office"},
   "Transitions": {"NextAction": "closed", "Conditions": [
     {"NextAction": "main", "Condition": {"Operator": "Equals", "Operands": ["True"]}},
     {"NextAction": "closed", "Condition": {"Operator": "Equals", "Operands": ["False"]}}]}},
  {"Identifier": "main", "Type": "GetParticipantInput", "Parameters": {"Text": "For sales, press 1.", "InputTimeLimitSeconds": "5"},
   "Transitions": {"NextAction": "set-sales", "Conditions": [{"NextAction": "set-sales", "Condition": {"Operator": "Equals", "Operands": ["1"]}}],
     "Errors": [{"NextAction": "set-sales", "ErrorType": "InputTimeLimitExceeded"}, {"NextAction": "set-sales", "ErrorType": "NoMatchingCondition"}]}},
  {"Identifier": "set-sales", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "arn:q/queue/sales"}, "Transitions": {"NextAction": "to-queue"}},
  {"Identifier": "to-queue", "Type": "TransferContactToQueue", "Parameters": {}, "Transitions": {}},
  {"Identifier": "closed", "Type": "MessageParticipant", "Parameters": {"Text": "We are closed now."}, "Transitions": {"NextAction": "bye"}},
  {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}]}"#;

#[test]
fn mocked_hours_are_a_time_the_flows_schedule_gives_them() {
    let dir = Dir::new();
    dir.write("office.json", OFFICE);
    let hours = |value: &str| {
        mock(
            "CheckHoursOfOperation",
            r#"{"HoursOfOperationId": "arn:aws:connect:eu-west-1:1:instance/i/operating-hours/office"}"#,
            &format!(r#"{{"Type": "ExecutionResult", "ExecutionResult": {{"Value": "{value}"}}}}"#),
        )
    };
    let checked = r#"{"Type": "FlowActionStarted", "Actor": "System", "Properties": {"ActionType": "CheckHoursOfOperation", "ActionParameters": {"HoursOfOperationId": "arn:aws:connect:eu-west-1:1:instance/i/operating-hours/office"}}}"#;
    let write = |name: &str, value: &str, heard: &str| {
        dir.write(
            name,
            case(
                &[
                    observation("start", TEST_INITIATED, &hours(value), "check"),
                    observation("check", checked, "", "heard"),
                    observation("heard", &message(heard), "", ""),
                ]
                .join(","),
            ),
        );
    };
    write("open.json", "InHours", "For sales, press 1.");
    write("closed.json", "OutOfHours", "We are closed now.");
    // The imported placeholder schedule is open at all times: open maps, closed cannot.
    let out = dir.ivrsim(&["import", "open.json", "--with", "office.json", "-o", "open.yaml"]);
    assert_eq!(out.code, 0, "{}", all(&out));
    let out = dir.ivrsim(&["import", "closed.json", "--with", "office.json", "-o", "closed.yaml"]);
    assert_eq!(out.code, 1, "{}", all(&out));
    assert!(
        all(&out)
            .contains("the hours `office` are mocked closed, but the flow's schedule `office` is open at all times"),
        "{}",
        all(&out)
    );
    assert!(
        all(&out).contains("--> closed.json: /Observations/0/Actions/0/Parameters/Behavior/Properties/Strategy/Response/ExecutionResult/Value"),
        "{}",
        all(&out)
    );
    // With the hours filled in (the imported menu, edited), both are times of the week.
    let out = dir.ivrsim(&["import", "office.json", "-o", "office.yaml"]);
    assert_eq!(out.code, 1, "{}", all(&out));
    let menu = std::fs::read_to_string(dir.path().join("office.yaml")).expect("menu");
    let always = r#"{ days: mon-sun, from: "00:00", to: "24:00" }"#;
    assert!(menu.contains(always), "{menu}");
    dir.write(
        "office.yaml",
        menu.replace(always, r#"{ days: mon-fri, from: "08:00", to: "18:00" }"#),
    );
    for (case, at) in [("open", "2026-03-02T10:00"), ("closed", "2026-03-02T22:00")] {
        let out = dir.ivrsim(&[
            "import",
            &format!("{case}.json"),
            "--with",
            "office.yaml",
            "-o",
            "s.yaml",
        ]);
        assert_eq!(out.code, 0, "{case}: {}", all(&out));
        let yaml = std::fs::read_to_string(dir.path().join("s.yaml")).expect("scenario");
        assert!(yaml.contains(&format!("start: {{ at: {at} }}")), "{case}: {yaml}");
        assert!(yaml.contains(r#"passed: "hours""#), "{case}: {yaml}");
        let out = dir.ivrsim(&["test", "s.yaml", "--coverage", "none"]);
        assert_eq!(out.code, 0, "{case}: {}\n{yaml}", all(&out));
    }
}

#[test]
fn a_generated_queue_id_is_named_by_its_display_name() {
    let dir = Dir::new();
    let uuid = "0b7d4f2e-1c3a-4e5f-8a9b-0c1d2e3f4a5b";
    dir.write(
        "flow.json",
        format!(
            r#"{{"Version": "2019-10-30", "StartAction": "q",
              "Metadata": {{"ActionMetadata": {{"q": {{"parameters": {{"QueueId": {{"displayName": "Reports"}}}}}}}}}},
              "Actions": [
                {{"Identifier": "q", "Type": "UpdateContactTargetQueue", "Parameters": {{"QueueId": "arn:aws:connect:x:1:instance/i/queue/{uuid}"}}, "Transitions": {{"NextAction": "t"}}}},
                {{"Identifier": "t", "Type": "TransferContactToQueue", "Parameters": {{}}, "Transitions": {{}}}}]}}"#
        ),
    );
    let out = dir.ivrsim(&["check", "flow.json"]);
    assert_eq!(out.code, 0, "{}", all(&out));
    assert!(all(&out).contains("(queue Reports)"), "{}", all(&out));
}
