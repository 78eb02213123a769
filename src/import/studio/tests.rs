//! Unit tests of the Studio importer: small flows imported in memory.

use std::path::Path;
use std::time::Duration;

use crate::import::{Platform, import};
use crate::menu::{
    CollectNode, ExternalApp, KeyMatchPolicy, Menu, MenuNode, NodeKind, Retries, RouteNode, SetValue, Test,
    TransferNode,
};
use crate::source::Sources;

/// Imports `json` as `flow.json`: the menu (if any) and the findings, rendered.
fn run(json: &str) -> (Option<Menu>, String) {
    let mut sources = Sources::new();
    let file = sources.add("flow.json", json);
    let out = import(Platform::Studio, Path::new("flow.json"), file, &[], &mut sources);
    let shown = crate::diag::render_plain(&sources, &out.diagnostics);
    (out.menu, shown)
}

/// A flow of a trigger whose call goes to the first of `states` (JSON objects).
fn flow(states: &[&str]) -> String {
    let first = states
        .first()
        .and_then(|s| s.split("\"name\": \"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap_or("none");
    let mut all = vec![format!(
        r#"{{"name": "Trigger", "type": "trigger", "transitions": [{{"event": "incomingCall", "next": "{first}"}}]}}"#
    )];
    all.extend(states.iter().map(|s| (*s).to_owned()));
    format!(
        r#"{{"description": "T", "initial_state": "Trigger", "states": [{}]}}"#,
        all.join(",\n")
    )
}

fn menu_node<'m>(m: &'m Menu, id: &str) -> &'m MenuNode {
    match &m.node(m.find(id).unwrap_or_else(|| panic!("no node {id}"))).kind {
        NodeKind::Menu(n) => n,
        other => panic!("{id} is a {}", other.name()),
    }
}

fn collect_node<'m>(m: &'m Menu, id: &str) -> &'m CollectNode {
    match &m.node(m.find(id).unwrap_or_else(|| panic!("no node {id}"))).kind {
        NodeKind::Collect(n) => n,
        other => panic!("{id} is a {}", other.name()),
    }
}

fn route_node<'m>(m: &'m Menu, id: &str) -> &'m RouteNode {
    match &m.node(m.find(id).unwrap_or_else(|| panic!("no node {id}"))).kind {
        NodeKind::Route(n) => n,
        other => panic!("{id} is a {}", other.name()),
    }
}

fn transfer_node<'m>(m: &'m Menu, id: &str) -> &'m TransferNode {
    match &m.node(m.find(id).unwrap_or_else(|| panic!("no node {id}"))).kind {
        NodeKind::Transfer(n) => n,
        other => panic!("{id} is a {}", other.name()),
    }
}

const GATHER: &str = r#"{"name": "main", "type": "gather-input-on-call",
  "properties": {"say": "Leak, press 1. Billing, press 2 or 3.", "number_of_digits": 1},
  "transitions": [{"event": "keypress", "next": "keys"}, {"event": "timeout", "next": "sorry_silent"}]}"#;
const KEYS: &str = r#"{"name": "keys", "type": "split-based-on", "properties": {"input": "{{widgets.main.Digits}}"},
  "transitions": [{"event": "noMatch", "next": "sorry_wrong"},
    {"event": "match", "next": "leak", "conditions": [{"friendly_name": "Leak", "arguments": ["{{widgets.main.Digits}}"], "type": "equal_to", "value": "1"}]},
    {"event": "match", "next": "billing", "conditions": [{"friendly_name": "Billing", "arguments": ["{{widgets.main.Digits}}"], "type": "matches_any_of", "value": "2, 3"}]},
    {"event": "match", "next": "leak", "conditions": [{"arguments": ["{{widgets.main.Digits}}"], "type": "equal_to", "value": "2"}]}]}"#;
const SORRY_SILENT: &str = r#"{"name": "sorry_silent", "type": "say-play", "properties": {"say": "I did not hear you."},
  "transitions": [{"event": "audioComplete", "next": "main"}]}"#;
const SORRY_WRONG: &str = r#"{"name": "sorry_wrong", "type": "say-play", "properties": {"say": "That is not a choice."},
  "transitions": [{"event": "audioComplete", "next": "main"}]}"#;
const LEAK: &str = r#"{"name": "leak", "type": "send-to-flex", "properties": {"workflow": "leaks", "priority": "3"},
  "transitions": [{"event": "callComplete"}, {"event": "failedToEnqueue"}, {"event": "callFailure"}]}"#;
const BILLING: &str = r#"{"name": "billing", "type": "enqueue-call", "properties": {"queue_name": "billing", "timeout": 600},
  "transitions": [{"event": "callComplete"}, {"event": "failedToEnqueue", "next": "leak"}, {"event": "callFailure"}]}"#;

#[test]
fn a_bad_json_file_is_one_finding_at_its_place() {
    let (menu, shown) = run("{\n  \"states\": [,\n  \"initial_state\": \"Trigger\"\n}");
    assert!(menu.is_none());
    assert!(shown.contains("error[E022]: not valid JSON"), "{shown}");
    assert!(shown.contains("flow.json:2:"), "{shown}");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let (menu, shown) = run(&format!("\u{feff}{}", flow(&[LEAK])));
    assert!(menu.is_some(), "{shown}");
    let (_, shown) = run("\u{feff}{\n  \"states\": x}");
    assert!(shown.contains("flow.json:2:13"), "{shown}");
}

#[test]
fn a_gather_and_its_key_split_are_one_menu_with_re_prompts() {
    let (menu, shown) = run(&flow(&[GATHER, KEYS, SORRY_SILENT, SORRY_WRONG, LEAK, BILLING]));
    let m = menu.expect(&shown);
    assert_eq!(m.entry.name, "main");
    // The split and the two Says are folded into the menu.
    for folded in ["keys", "sorry_silent", "sorry_wrong"] {
        assert!(m.find(folded).is_none(), "{folded} is a node");
    }
    let main = menu_node(&m, "main");
    let keys: Vec<(&str, &str)> = main
        .options
        .iter()
        .map(|o| (o.key.as_str(), o.to.name.as_str()))
        .collect();
    assert_eq!(keys, [("1", "leak"), ("2", "billing"), ("3", "billing")]);
    assert_eq!(main.options[0].label.as_deref(), Some("Leak"));
    // Key 2 of the last case is taken by the case before it: a finding, no option.
    assert!(
        shown.contains("key `2` is tested by an earlier case")
            && shown.contains("/states/2/transitions/3/conditions/0/value"),
        "{shown}"
    );
    let l = &main.listen;
    assert_eq!(l.timeout, Duration::from_secs(5));
    assert_eq!(l.inter_digit_timeout, Duration::from_secs(5));
    assert_eq!(l.max_no_input, Retries::Unlimited);
    assert_eq!(l.max_no_match, Retries::Unlimited);
    assert_eq!(l.no_input[0].text, "I did not hear you.");
    assert_eq!(l.no_match[0].text, "That is not a choice.");
    assert!(l.barge_in);
    assert_eq!(l.key_match, KeyMatchPolicy::Early);
    // `#` is the default `finish_on_key`: one finding for the menus.
    assert!(
        shown.contains("`finish_on_key` is not modelled in the menu `main`"),
        "{shown}"
    );
}

#[test]
fn transfers_take_studio_priorities_and_queue_settings() {
    let (menu, shown) = run(&flow(&[GATHER, KEYS, SORRY_SILENT, SORRY_WRONG, LEAK, BILLING]));
    let m = menu.expect(&shown);
    let leak = transfer_node(&m, "leak");
    assert_eq!(leak.queue, "leaks");
    // TaskRouter priority 3 (higher first): level 5 - 3 = 2.
    assert_eq!(leak.priority.level(), 2);
    assert!(leak.settings.join_empty && !leak.settings.leave_when_empty);
    // failedToEnqueue without next: the flow ends there.
    let plan = leak.when_no_operator.as_ref().and_then(|p| p.target()).unwrap();
    assert_eq!(plan.name, "leak__failedToEnqueue_end");
    let billing = transfer_node(&m, "billing");
    assert_eq!(billing.priority.level(), 5);
    assert_eq!(billing.settings.max_waiting, Some(100));
    assert_eq!(billing.settings.max_wait, Some(Duration::from_secs(600)));
    assert_eq!(
        billing.when_no_operator.as_ref().and_then(|p| p.target()).unwrap().name,
        "leak"
    );
    assert_eq!(billing.hold.prompt.as_ref().unwrap().text, "[hold music]");
}

#[test]
fn silence_and_wrong_keys_without_a_way_back_end_or_go_on() {
    let gather = r#"{"name": "main", "type": "gather-input-on-call",
      "properties": {"say": "Press 1.", "timeout": "7", "number_of_digits": 2, "finish_on_key": ""},
      "transitions": [{"event": "keypress", "next": "keys"}, {"event": "timeout"}]}"#;
    let keys = r#"{"name": "keys", "type": "split-based-on", "properties": {"input": "{{ widgets.main.Digits }}"},
      "transitions": [{"event": "noMatch", "next": "bye"},
        {"event": "match", "next": "bye", "conditions": [{"arguments": ["{{widgets.main.Digits}}"], "type": "equal_to", "value": "1"}]},
        {"event": "match", "next": "bye", "conditions": [{"arguments": ["{{widgets.main.Digits}}"], "type": "equal_to", "value": "123"}]}]}"#;
    let bye = r#"{"name": "bye", "type": "say-play", "properties": {"say": "Goodbye."}, "transitions": [{"event": "audioComplete"}]}"#;
    let (menu, shown) = run(&flow(&[gather, keys, bye]));
    let m = menu.expect(&shown);
    let main = menu_node(&m, "main");
    assert_eq!(main.options.len(), 1, "{shown}");
    assert!(
        shown.contains("key `123` is longer than `number_of_digits` 2"),
        "{shown}"
    );
    let l = &main.listen;
    assert_eq!(l.timeout, Duration::from_secs(7));
    assert_eq!(l.max_no_input, Retries::Limit(1));
    assert_eq!(l.fallback_no_input.as_ref().unwrap().name, "main__timeout_end");
    assert_eq!(l.max_no_match, Retries::Limit(1));
    assert_eq!(l.fallback_no_match.as_ref().unwrap().name, "bye");
    assert_eq!(l.key_match, KeyMatchPolicy::FullLength { digit_len: Some(2) });
    // No finish key: no finding about it.
    assert!(!shown.contains("finish_on_key"), "{shown}");
    // The timeout with no next: a silent hang-up at the transition.
    let end = m.node(m.find("main__timeout_end").unwrap());
    assert!(matches!(&end.kind, NodeKind::Hangup(h) if h.prompt.is_none() && h.reason == "flow-ended"));
    // A Say/Play with no next is the last words: a hang-up with its prompt.
    assert!(
        matches!(&m.node(m.find("bye").unwrap()).kind, NodeKind::Hangup(h) if h.prompt.as_ref().unwrap().text == "Goodbye.")
    );
}

#[test]
fn a_timeout_back_to_the_gather_is_ten_tries() {
    let gather = r#"{"name": "main", "type": "gather-input-on-call",
      "properties": {"say": "Press 1.", "number_of_digits": 1},
      "transitions": [{"event": "keypress", "next": "keys"}, {"event": "timeout", "next": "main"}]}"#;
    let keys = r#"{"name": "keys", "type": "split-based-on", "properties": {"input": "{{widgets.main.Digits}}"},
      "transitions": [{"event": "noMatch", "next": "main"},
        {"event": "match", "next": "op", "conditions": [{"arguments": ["{{widgets.main.Digits}}"], "type": "equal_to", "value": "1"}]}]}"#;
    let op = r#"{"name": "op", "type": "connect-call-to", "properties": {"noun": "number", "to": "+15005550006"},
      "transitions": [{"event": "callCompleted", "next": "main"}, {"event": "hangup"}]}"#;
    let (menu, shown) = run(&flow(&[gather, keys, op]));
    let m = menu.expect(&shown);
    let l = &menu_node(&m, "main").listen;
    assert_eq!(l.max_no_input, Retries::Limit(10));
    assert_eq!(l.fallback_no_input.as_ref().unwrap().name, "main__timeout_end");
    assert!(l.no_input.is_empty());
    // A noMatch straight back: gather and split alternate, never 10 in a row.
    assert_eq!(l.max_no_match, Retries::Unlimited);
    assert!(shown.contains("runs 10 times in a row"), "{shown}");
    let op = transfer_node(&m, "op");
    assert_eq!(op.settings.max_wait, Some(Duration::from_secs(30)));
    assert_eq!(
        op.when_no_operator.as_ref().and_then(|p| p.target()).unwrap().name,
        "main"
    );
    assert!(shown.contains("Connect Call To dials `+15005550006`"), "{shown}");
}

#[test]
fn a_gather_whose_digits_are_data_is_a_collect_and_its_split_a_route() {
    let gather = r#"{"name": "case", "type": "gather-input-on-call",
      "properties": {"say": "Enter your case number.", "timeout": 8},
      "transitions": [{"event": "keypress", "next": "check"}, {"event": "timeout", "next": "op"}]}"#;
    let check = r#"{"name": "check", "type": "split-based-on", "properties": {"input": "{{widgets.case.Digits}}"},
      "transitions": [{"event": "noMatch", "next": "op"},
        {"event": "match", "next": "op", "conditions": [{"arguments": ["{{widgets.case.Digits}}"], "type": "does_not_start_with", "value": "20"}]},
        {"event": "match", "next": "thanks", "conditions": [{"arguments": ["{{widgets.case.Digits}}"], "type": "regex", "value": "20\\d{6}"}]}]}"#;
    let thanks = r#"{"name": "thanks", "type": "say-play", "properties": {"say": "Case {{widgets.case.Digits}}, from {{trigger.call.From}}."},
      "transitions": [{"event": "audioComplete", "next": "op"}]}"#;
    let op = r#"{"name": "op", "type": "send-to-flex", "properties": {"workflow": "WW1"},
      "transitions": [{"event": "failedToEnqueue"}]}"#;
    let (menu, shown) = run(&flow(&[gather, check, thanks, op]));
    let m = menu.expect(&shown);
    let c = collect_node(&m, "case");
    assert_eq!((c.min, c.max), (1, 32));
    assert_eq!(c.terminator.as_ref().map(|k| k.as_str()), Some("#"));
    assert!(c.data_keys.star && !c.data_keys.hash);
    assert_eq!(c.store, "case_digits");
    assert_eq!(c.next.name, "check");
    assert_eq!(c.listen.timeout, Duration::from_secs(8));
    assert_eq!(c.listen.inter_digit_timeout, Duration::from_secs(8));
    assert_eq!(c.listen.fallback_no_input.as_ref().unwrap().name, "op");
    // The negated case: `check` goes to `op` unless the value starts with 20; then the
    // cases after it, in a route of their own.
    let first = route_node(&m, "check");
    assert_eq!(first.default.name, "op");
    assert_eq!(first.routes.len(), 1);
    assert_eq!(first.routes[0].to.name, "check__after_1");
    assert!(
        matches!(&first.routes[0].when[0], Test::Matches { var, pattern } if var == "case_digits" && pattern.is_match("2026") && !pattern.is_match("1999"))
    );
    let rest = route_node(&m, "check__after_1");
    assert_eq!(rest.default.name, "op");
    assert!(
        matches!(&rest.routes[0].when[0], Test::Matches { pattern, .. } if pattern.is_match("20261234") && !pattern.is_match("2026"))
    );
    let NodeKind::Message(t) = &m.node(m.find("thanks").unwrap()).kind else {
        panic!()
    };
    assert_eq!(t.prompt.text, "Case {case_digits}, from {caller_id}.");
    assert!(!t.barge_in);
    assert_eq!(m.variables, ["caller_id"]);
}

#[test]
fn set_variables_counters_and_functions() {
    let set = r#"{"name": "count", "type": "set-variables", "properties": {"variables": [
        {"key": "tries", "value": "{% if flow.variables.tries %}{{flow.variables.tries | plus: 1}}{% else %}0{% endif %}"},
        {"key": "flow.variables.reason", "value": "leak"},
        {"key": "who", "value": "{{flow.data.name | upcase}}"}]},
      "transitions": [{"event": "next", "next": "lookup"}]}"#;
    let fun = r#"{"name": "lookup", "type": "run-function", "properties": {"url": "https://x.twil.io/lookup"},
      "transitions": [{"event": "success", "next": "op"}, {"event": "fail"}]}"#;
    let op = r#"{"name": "op", "type": "enqueue-call", "properties": {"workflow_sid": "WW2", "priority": "{{flow.variables.p}}"},
      "transitions": []}"#;
    let (menu, shown) = run(&flow(&[set, fun, op]));
    let m = menu.expect(&shown);
    let count = m.node(m.find("count").unwrap());
    assert_eq!(count.set[0].var, "tries");
    assert_eq!(count.set[0].value, SetValue::Add(1));
    assert!(shown.contains("the counter `tries` starts at 0 in Studio"), "{shown}");
    assert_eq!(count.set[1].var, "reason");
    assert_eq!(count.set[1].value, SetValue::Text("leak".into()));
    assert!(
        shown.contains("Liquid kept as written: `{{flow.data.name | upcase}}`"),
        "{shown}"
    );
    assert_eq!(route_node(&m, "count").default.name, "lookup");
    let NodeKind::External(f) = &m.node(m.find("lookup").unwrap()).kind else {
        panic!()
    };
    assert_eq!(f.app, ExternalApp::Application);
    assert_eq!(f.name, "https://x.twil.io/lookup");
    assert_eq!(f.store, "lookup_result");
    let on = f.on.as_ref().unwrap();
    assert_eq!(
        (on.success.name.as_str(), on.error.name.as_str()),
        ("op", "lookup__fail_end")
    );
    let op = transfer_node(&m, "op");
    assert_eq!(op.queue, "WW2");
    assert!(
        shown.contains("`priority` `{{flow.variables.p}}` is not a whole number"),
        "{shown}"
    );
}

#[test]
fn spoken_choices_are_keywords_of_the_key_options() {
    let gather = r#"{"name": "main", "type": "gather-input-on-call", "properties": {"say": "Leak, 1. Billing, 2.", "number_of_digits": 1},
      "transitions": [{"event": "keypress", "next": "keys"}, {"event": "speech", "next": "words"}, {"event": "timeout", "next": "op"}]}"#;
    let keys = r#"{"name": "keys", "type": "split-based-on", "properties": {"input": "{{widgets.main.Digits}}"},
      "transitions": [{"event": "noMatch", "next": "op"},
        {"event": "match", "next": "op", "conditions": [{"type": "equal_to", "value": "1"}]},
        {"event": "match", "next": "bill", "conditions": [{"type": "equal_to", "value": "2"}]}]}"#;
    let words = r#"{"name": "words", "type": "split-based-on", "properties": {"input": "{{widgets.main.SpeechResult}}"},
      "transitions": [{"event": "noMatch", "next": "bill"},
        {"event": "match", "next": "op", "conditions": [{"type": "contains", "value": "leak"}]},
        {"event": "match", "next": "bill", "conditions": [{"type": "matches_any_of", "value": "billing, invoice, 42"}]},
        {"event": "match", "next": "elsewhere", "conditions": [{"type": "contains", "value": "agent"}]}]}"#;
    let op = r#"{"name": "op", "type": "send-to-flex", "properties": {"workflow": "WW1"}, "transitions": []}"#;
    let bill = r#"{"name": "bill", "type": "send-to-flex", "properties": {"workflow": "WW2"}, "transitions": []}"#;
    let elsewhere =
        r#"{"name": "elsewhere", "type": "send-to-flex", "properties": {"workflow": "WW3"}, "transitions": []}"#;
    let (menu, shown) = run(&flow(&[gather, keys, words, op, bill, elsewhere]));
    let m = menu.expect(&shown);
    assert!(m.find("words").is_none());
    let main = menu_node(&m, "main");
    let said: Vec<Vec<String>> = main
        .options
        .iter()
        .map(|o| o.say.iter().map(|k| k.as_str().to_owned()).collect())
        .collect();
    assert_eq!(
        said,
        [
            vec!["leak".to_owned()],
            vec!["billing".to_owned(), "invoice".to_owned()]
        ]
    );
    assert!(shown.contains("the spoken choice `42` has no letter"), "{shown}");
    assert!(shown.contains("leads to `elsewhere`, which no key leads to"), "{shown}");
    assert!(
        shown.contains("speech that matches no choice leads to `bill`"),
        "{shown}"
    );
}

#[test]
fn a_split_also_reached_from_elsewhere_is_a_route_too_and_the_menu_stores_its_keys() {
    let gather = r#"{"name": "main", "type": "gather-input-on-call", "properties": {"say": "Press 1.", "number_of_digits": 1},
      "transitions": [{"event": "keypress", "next": "keys"}, {"event": "timeout", "next": "keys"}]}"#;
    let keys = r#"{"name": "keys", "type": "split-based-on", "properties": {"input": "{{widgets.main.Digits}}"},
      "transitions": [{"event": "noMatch", "next": "op"},
        {"event": "match", "next": "op", "conditions": [{"type": "equal_to", "value": "1"}]}]}"#;
    let op = r#"{"name": "op", "type": "send-to-flex", "properties": {"workflow": "WW1"}, "transitions": []}"#;
    let (menu, shown) = run(&flow(&[gather, keys, op]));
    let m = menu.expect(&shown);
    assert_eq!(menu_node(&m, "main").options[0].store.as_deref(), Some("main_digits"));
    let r = route_node(&m, "keys");
    assert!(matches!(&r.routes[0].when[0], Test::Equals { var, value } if var == "main_digits" && value == "1"));
    assert_eq!(
        menu_node(&m, "main").listen.fallback_no_input.as_ref().unwrap().name,
        "keys"
    );
}

#[test]
fn prompts_from_audio_tones_loops_and_ssml() {
    let a = r#"{"name": "a", "type": "say-play", "properties": {"play": "https://x.example/media/Welcome%20Line.mp3?x=1"},
      "transitions": [{"event": "audioComplete", "next": "b"}]}"#;
    let b = r#"{"name": "b", "type": "say-play", "properties": {"digits": "1w2"}, "transitions": [{"event": "audioComplete", "next": "c"}]}"#;
    let c = r#"{"name": "c", "type": "say-play", "properties": {"say": "<speak>Two <say-as interpret-as=\"digits\">42</say-as></speak>", "loop": 2},
      "transitions": [{"event": "audioComplete", "next": "d"}]}"#;
    let d = r#"{"name": "d", "type": "say-play", "properties": {}, "transitions": [{"event": "audioComplete", "next": "op"}]}"#;
    let op = r#"{"name": "op", "type": "send-to-flex", "properties": {"workflow": "WW1"}, "transitions": []}"#;
    let (menu, shown) = run(&flow(&[a, b, c, d, op]));
    let m = menu.expect(&shown);
    let text = |id: &str| m.node(m.find(id).unwrap()).kind.prompt().unwrap().text.clone();
    assert_eq!(text("a"), "[audio: Welcome%20Line.mp3]");
    assert!(m.node(m.find("a").unwrap()).kind.prompt().unwrap().audio.is_none());
    assert!(shown.contains("is not played: the caption"), "{shown}");
    assert_eq!(text("b"), "[tones: 1w2]");
    assert!(shown.contains("the DTMF tones `1w2` are not played"), "{shown}");
    assert_eq!(text("c"), "Two 4 2 Two 4 2");
    assert!(shown.contains("SSML markup"), "{shown}");
    assert_eq!(text("d"), "[silence]");
    assert!(shown.contains("`d` has nothing to say or play"), "{shown}");
}

#[test]
fn paths_of_other_triggers_and_unconnected_widgets_are_findings() {
    let json = r#"{"initial_state": "Trigger", "states": [
      {"name": "Trigger", "type": "trigger", "transitions": [
        {"event": "incomingMessage", "next": "sms"}, {"event": "incomingCall", "next": "hello"}]},
      {"name": "sms", "type": "send-message", "properties": {}, "transitions": [{"event": "sent", "next": "hello"}]},
      {"name": "hello", "type": "say-play", "properties": {"say": "Hello."}, "transitions": [{"event": "audioComplete", "next": "op"}]},
      {"name": "op", "type": "send-to-flex", "properties": {"workflow": "WW1"}, "transitions": []},
      {"name": "lost", "type": "say-play", "properties": {"say": "Lost."}, "transitions": []}]}"#;
    let (menu, shown) = run(json);
    let m = menu.expect(&shown);
    assert!(m.find("sms").is_none() && m.find("lost").is_none());
    assert!(
        shown.contains("the `incomingMessage` path is not imported (1 widget: `sms`)"),
        "{shown}"
    );
    assert!(shown.contains("widget `lost` is connected to no trigger"), "{shown}");
    assert_eq!(m.name, "flow");
}

#[test]
fn an_outbound_flow_starts_where_the_call_is_answered() {
    let json = r#"{"initial_state": "Trigger", "states": [
      {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingCall"}, {"event": "incomingRequest", "next": "dial"}]},
      {"name": "dial", "type": "make-outgoing-call-v2", "properties": {"to": "{{contact.channel.address}}"},
        "transitions": [{"event": "answered", "next": "hello"}, {"event": "busy"}]},
      {"name": "hello", "type": "say-play", "properties": {"say": "This is the hotline calling back."}, "transitions": [{"event": "audioComplete", "next": "op"}]},
      {"name": "op", "type": "send-to-flex", "properties": {"workflow": "WW1"}, "transitions": []}]}"#;
    let (menu, shown) = run(json);
    let m = menu.expect(&shown);
    assert_eq!(m.entry.name, "hello");
    assert!(m.find("dial").is_none());
    assert!(shown.contains("an outgoing call flow"), "{shown}");
    assert!(!shown.contains("incomingRequest` path"), "{shown}");
}

#[test]
fn flows_without_a_call_are_refused() {
    let (menu, shown) = run(
        r#"{"initial_state": "Trigger", "states": [{"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingMessage"}]}]}"#,
    );
    assert!(menu.is_none());
    assert!(
        shown.contains("not a voice flow") && shown.contains("/states/0/transitions"),
        "{shown}"
    );
    let (menu, shown) = run(r#"{"initial_state": "Start", "states": [{"name": "x", "type": "say-play"}]}"#);
    assert!(menu.is_none());
    assert!(
        shown.contains("no trigger widget") && shown.contains("/initial_state"),
        "{shown}"
    );
    let (menu, shown) = run(r#"{"initial_state": "T", "states": 3}"#);
    assert!(menu.is_none());
    assert!(shown.contains("no `states` array"), "{shown}");
    let (menu, shown) = run("[1, 2]");
    assert!(menu.is_none());
    assert!(shown.contains("a Studio flow is a JSON object"), "{shown}");
}

#[test]
fn malformed_widgets_are_findings_not_panics() {
    let json = r#"{"initial_state": "Trigger", "states": [
      {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingCall", "next": "a"}]},
      7,
      {"type": "say-play"},
      {"name": "a", "type": "say-play", "properties": "x", "transitions": [{"event": "audioComplete", "next": 5}, 3, {"next": "b"}]},
      {"name": "b", "transitions": {"event": "x"}},
      {"name": "c", "type": "split-based-on", "properties": {"input": "{{flow.variables.x}}"},
        "transitions": [{"event": "match", "next": "a", "conditions": "nope"}, {"event": "match", "conditions": [{"value": 1}]}]},
      {"name": "d", "type": "set-variables", "properties": {"variables": {"k": "v"}}},
      {"name": "e", "type": "gather-input-on-call", "properties": {"loop": 500, "timeout": -1, "finish_on_key": "**", "number_of_digits": 99}}
    ]}"#;
    let (menu, shown) = run(json);
    assert!(menu.is_some(), "{shown}");
    for expected in [
        "/states/1",
        "/states/2/name",
        "/states/3/properties",
        "/states/3/transitions/0/next",
        "/states/3/transitions/1",
        "/states/3/transitions/2/event",
        "/states/4/type",
        "/states/4/transitions",
        "/states/5/transitions/0/conditions",
        "/states/5/transitions/1/conditions/0",
    ] {
        assert!(
            shown.contains(&format!("flow.json: {expected}\n")),
            "{expected}: {shown}"
        );
    }
}

#[test]
fn a_long_text_is_not_looped_without_bound() {
    let long = "word ".repeat(4000);
    let say = format!(
        r#"{{"name": "a", "type": "say-play", "properties": {{"say": "{long}", "loop": 99}}, "transitions": [{{"event": "audioComplete", "next": "op"}}]}}"#
    );
    let op = r#"{"name": "op", "type": "send-to-flex", "properties": {"workflow": "WW1"}, "transitions": []}"#;
    let (menu, shown) = run(&flow(&[&say, op]));
    let m = menu.expect(&shown);
    let text = &m.node(m.find("a").unwrap()).kind.prompt().unwrap().text;
    assert_eq!(text.split_whitespace().count(), 4000);
    assert!(shown.contains("too long to repeat 99 times"), "{shown}");
}

#[test]
fn a_spoken_word_tested_twice_is_kept_for_the_first_case() {
    let gather = r#"{"name": "main", "type": "gather-input-on-call", "properties": {"say": "Leak, 1. Billing, 2.", "number_of_digits": 1},
      "transitions": [{"event": "keypress", "next": "keys"}, {"event": "speech", "next": "words"}, {"event": "timeout", "next": "op"}]}"#;
    let keys = r#"{"name": "keys", "type": "split-based-on", "properties": {"input": "{{widgets.main.Digits}}"},
      "transitions": [{"event": "noMatch", "next": "op"},
        {"event": "match", "next": "op", "conditions": [{"type": "equal_to", "value": "1"}]},
        {"event": "match", "next": "bill", "conditions": [{"type": "equal_to", "value": "2"}]}]}"#;
    let words = r#"{"name": "words", "type": "split-based-on", "properties": {"input": "{{widgets.main.SpeechResult}}"},
      "transitions": [{"event": "noMatch", "next": "op"},
        {"event": "match", "next": "op", "conditions": [{"type": "contains", "value": "Leak"}]},
        {"event": "match", "next": "bill", "conditions": [{"type": "matches_any_of", "value": "leak, bill"}]}]}"#;
    let op = r#"{"name": "op", "type": "send-to-flex", "properties": {"workflow": "WW1"}, "transitions": []}"#;
    let bill = r#"{"name": "bill", "type": "send-to-flex", "properties": {"workflow": "WW2"}, "transitions": []}"#;
    let (menu, shown) = run(&flow(&[gather, keys, words, op, bill]));
    let m = menu.expect(&shown);
    assert!(!shown.contains("E008"), "{shown}");
    let main = menu_node(&m, "main");
    assert_eq!(main.options[1].say.len(), 1);
    assert!(
        shown.contains("the spoken choice `leak` is tested by an earlier case"),
        "{shown}"
    );
}
