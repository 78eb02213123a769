//! One test (or table of cases) per rule of `docs/call-semantics.md`, with exact times.
//! Prompts here have no clips, so they last 0.4 s per word (150 words per minute).

use std::time::Duration;

use super::*;
use crate::menu::testing::menu;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Every effect so far.
fn drain(call: &mut Call) -> Vec<Effect> {
    std::iter::from_fn(|| call.poll_effect()).collect()
}

fn prompts(effects: &[Effect]) -> Vec<(u64, String, PromptRole)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartPrompt(p) => Some((p.at.as_millis() as u64, p.node.clone(), p.role.clone())),
            _ => None,
        })
        .collect()
}

fn stops(effects: &[Effect]) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StopPrompt { at } => Some(at.as_millis() as u64),
            _ => None,
        })
        .collect()
}

fn summary(effects: &[Effect]) -> Option<&Summary> {
    effects.iter().find_map(|e| match e {
        Effect::Ended(s) => Some(s),
        _ => None,
    })
}

fn handoff(effects: &[Effect]) -> Option<&Handoff> {
    effects.iter().find_map(|e| match e {
        Effect::Handoff(h) => Some(h),
        _ => None,
    })
}

fn at_node(call: &Call, m: &Menu) -> String {
    call.current().map_or_else(String::new, |n| m.node(n).id.clone())
}

const MENU: &str = r##"
name: T
entry: main
defaults:
  timeout: 5s
  inter_digit_timeout: 2s
  max_no_input: 3
  max_no_match: 2
  fallback: op
  keys: { operator: "0", repeat: "*", back: "#" }
  no_input: [{ text: "ni one" }, { text: "ni two" }]
  no_match: [{ text: "nm" }]
nodes:
  main:
    kind: menu
    prompt: { text: "a b c d e" }
    options:
      - { key: "1", to: sub, say: [report] }
      - { key: "12", to: urgent }
      - { key: "3", to: case }
      - { key: "4", to: info }
      - { key: "5", to: local0 }
  sub:
    kind: menu
    barge_in: false
    prompt: { text: "s s" }
    options:
      - { key: "1", to: op }
  local0:
    kind: menu
    prompt: { text: "l" }
    options:
      - { key: "0", to: urgent }
  urgent: { kind: transfer, queue: urgent, priority: urgent, prompt: { text: "u" } }
  case:
    kind: collect
    prompt: { text: "c c c" }
    digits: { min: 4, max: 6, terminator: "#" }
    pattern: "^[0-9]+$"
    store: case_number
    next: done
  done: { kind: transfer, queue: follow-up, context: [case_number] }
  info: { kind: message, prompt: { text: "i i i i i" }, next: main, barge_in: false }
  op: { kind: transfer, queue: general }
"##;

fn start(m: &Menu) -> Call<'_> {
    static CLIPS: std::sync::OnceLock<PromptTimings> = std::sync::OnceLock::new();
    Call::new(m, CLIPS.get_or_init(PromptTimings::text_only), CallStart::default())
}

// Rule 1: the no-input timer starts when the prompt finishes playing.
#[test]
fn rule1_no_input_timer_starts_at_prompt_end() {
    let m = menu(MENU);
    let mut c = start(&m);
    assert_eq!(prompts(&drain(&mut c)), vec![(0, "main".into(), PromptRole::Main)]);
    assert_eq!(c.poll_timeout(), Some(ms(2000)), "first the prompt ends");
    c.handle_timeout(ms(2000));
    assert_eq!(c.poll_timeout(), Some(ms(7000)), "then 5 s of no-input timeout");
    c.handle_timeout(ms(6999));
    assert!(prompts(&drain(&mut c)).is_empty(), "nothing before the deadline");
    c.handle_timeout(ms(7000));
    let e = drain(&mut c);
    assert_eq!(prompts(&e)[0], (7000, "main".into(), PromptRole::NoInput(1)));
}

// Rule 1: with barge-in, a key during the prompt stops it at once and is used.
#[test]
fn rule1_barge_in_stops_the_prompt_and_uses_the_key() {
    let m = menu(MENU);
    let mut c = start(&m);
    drain(&mut c);
    c.handle_keys(ms(1000), "3");
    let e = drain(&mut c);
    assert_eq!(stops(&e), vec![1000]);
    assert_eq!(prompts(&e), vec![(1000, "case".into(), PromptRole::Main)]);
    // From a key that could still grow, the inter-digit timer runs.
    let mut c = start(&m);
    drain(&mut c);
    c.handle_keys(ms(500), "1");
    assert_eq!(stops(&drain(&mut c)), vec![500]);
    assert_eq!(c.poll_timeout(), Some(ms(2500)), "500 ms + 2 s inter-digit timeout");
    c.handle_timeout(ms(2500));
    assert_eq!(at_node(&c, &m), "sub");
}

// Rule 2: after the first digit only the terminator, the maximum length or the
// inter-digit timeout end the entry.
#[test]
fn rule2_digits_switch_to_the_inter_digit_timer() {
    let m = menu(MENU);
    let mut c = start(&m);
    c.handle_keys(ms(2000), "3"); // to `case`, prompt 2000..3200
    c.handle_timeout(ms(3200));
    assert_eq!(c.poll_timeout(), Some(ms(8200)), "no-input deadline before any digit");
    c.handle_keys(ms(4000), "12");
    assert_eq!(
        c.poll_timeout(),
        Some(ms(6000)),
        "inter-digit deadline, not the no-input one"
    );
    c.handle_keys(ms(5500), "3");
    assert_eq!(c.poll_timeout(), Some(ms(7500)), "each digit restarts it");
}

// Rule 3: multi-digit keys.
#[test]
fn rule3_multi_digit_keys() {
    let m = menu(MENU);
    // (keys pressed at 2.5 s, node afterwards, whether a no-match was counted)
    let cases: [(&str, &str, Option<u64>, bool); 4] = [
        ("12", "urgent", None, false),   // complete and cannot grow: acts at once
        ("4", "info", None, false),      // likewise
        ("1", "sub", Some(4500), false), // "1" could grow into "12": wait, then take "1"
        ("13", "main", None, true),      // no option starts with "13": no-match at once
    ];
    for (keys, node, wait_until, no_match) in cases {
        let mut c = start(&m);
        c.handle_timeout(ms(2500));
        c.handle_keys(ms(2500), keys);
        if let Some(t) = wait_until {
            assert_eq!(at_node(&c, &m), "main", "{keys}: still waiting");
            assert_eq!(c.poll_timeout(), Some(ms(t)));
            c.handle_timeout(ms(t));
        }
        assert_eq!(at_node(&c, &m), node, "{keys}");
        let e = drain(&mut c);
        assert_eq!(
            prompts(&e).iter().any(|p| p.2 == PromptRole::NoMatch(1)),
            no_match,
            "{keys}"
        );
    }
}

// Rule 4: collect.
#[test]
fn rule4_collect() {
    let m = menu(MENU);
    let to_case = |m| {
        let mut c = start(m);
        c.handle_keys(ms(2000), "3");
        c.handle_timeout(ms(3200));
        drain(&mut c);
        c
    };
    // The terminator ends the entry at once and is not part of the value.
    let mut c = to_case(&m);
    c.handle_keys(ms(4000), "1234#");
    let e = drain(&mut c);
    assert_eq!(
        handoff(&e).unwrap().variables.get("case_number").map(String::as_str),
        Some("1234")
    );
    // Reaching `max` (6) accepts at once, without waiting.
    let mut c = to_case(&m);
    c.handle_keys(ms(4000), "123456");
    assert_eq!(c.variables().get("case_number").map(String::as_str), Some("123456"));
    // At the inter-digit timeout, at least `min` digits are accepted...
    let mut c = to_case(&m);
    c.handle_keys(ms(4000), "1234");
    c.handle_timeout(ms(6000));
    assert_eq!(c.variables().get("case_number").map(String::as_str), Some("1234"));
    // ... and fewer are a no-match: a short value is never delivered.
    let mut c = to_case(&m);
    c.handle_keys(ms(4000), "12");
    c.handle_timeout(ms(6000));
    let e = drain(&mut c);
    assert!(c.variables().get("case_number").is_none());
    assert_eq!(prompts(&e)[0], (6000, "case".into(), PromptRole::NoMatch(1)));
    // A terminator alone is a no-input.
    let mut c = to_case(&m);
    c.handle_keys(ms(4000), "#");
    assert_eq!(
        prompts(&drain(&mut c))[0],
        (4000, "case".into(), PromptRole::NoInput(1))
    );
}

#[test]
fn rule4_collect_pattern() {
    let m = menu(&MENU.replace(r#"pattern: "^[0-9]+$""#, r#"pattern: "^9""#));
    let mut c = start(&m);
    c.handle_keys(ms(2000), "3");
    c.handle_keys(ms(4000), "1234#");
    let e = drain(&mut c);
    assert!(c.variables().get("case_number").is_none());
    assert!(prompts(&e).contains(&(4000, "case".into(), PromptRole::NoMatch(1))));
    c.handle_keys(ms(8000), "9234#");
    assert_eq!(c.variables().get("case_number").map(String::as_str), Some("9234"));
}

#[test]
fn rule4_a_terminator_after_a_full_entry_is_not_a_second_failure() {
    // `max` is 6: "123456" ends the entry, the "#" after it just confirms it, valid or not.
    let m = menu(&MENU.replace(r#"pattern: "^[0-9]+$""#, r#"pattern: "^9""#));
    let mut c = start(&m);
    c.handle_keys(ms(2000), "3");
    c.handle_keys(ms(4000), "123456#");
    let e = drain(&mut c);
    let roles: Vec<PromptRole> = prompts(&e).into_iter().filter(|p| p.0 == 4000).map(|p| p.2).collect();
    assert_eq!(
        roles,
        vec![PromptRole::NoMatch(1)],
        "one no-match, no no-input after it"
    );
}

// Rule 5: re-prompts, separate counters, fallback with the reason.
#[test]
fn rule5_no_input_reprompts_then_fallback() {
    let m = menu(MENU);
    let mut c = start(&m);
    c.handle_timeout(ms(60_000));
    let e = drain(&mut c);
    // Prompt 0-2 s; silence to 7 s; "ni one" (0.8 s) then the prompt (2 s) to 9.8 s; silence to
    // 14.8 s; "ni two" then the prompt to 17.6 s; silence to 22.6 s: the third no-input.
    assert_eq!(
        prompts(&e),
        vec![
            (0, "main".into(), PromptRole::Main),
            (7000, "main".into(), PromptRole::NoInput(1)),
            (7800, "main".into(), PromptRole::Main),
            (14800, "main".into(), PromptRole::NoInput(2)),
            (15600, "main".into(), PromptRole::Main),
        ]
    );
    let h = handoff(&e).expect("handed to the operator");
    assert_eq!((h.queue.as_str(), h.reason), ("general", HandoffReason::MaxNoInput));
    assert_eq!(h.time_in_ivr, ms(22600));
}

#[test]
fn rule5_counters_are_separate_and_reset_per_visit() {
    let m = menu(MENU);
    let mut c = start(&m);
    c.handle_timeout(ms(7000)); // no-input 1
    c.handle_keys(ms(8000), "9"); // no-match 1 (of 2): the no-input count does not add to it
    let e = drain(&mut c);
    assert!(prompts(&e).contains(&(8000, "main".into(), PromptRole::NoMatch(1))));
    assert_eq!(at_node(&c, &m), "main");
    // Leaving and coming back resets both counters.
    c.handle_keys(ms(9000), "4"); // info, then back to main at 11 s
    c.handle_timeout(ms(11_000));
    c.handle_keys(ms(12_000), "9");
    let e = drain(&mut c);
    assert!(prompts(&e).contains(&(12_000, "main".into(), PromptRole::NoMatch(1))));
    c.handle_keys(ms(13_000), "9"); // the second no-match is the limit
    let e = drain(&mut c);
    assert_eq!(handoff(&e).unwrap().reason, HandoffReason::MaxNoMatch);
}

#[test]
fn rule5_no_fallback_ends_the_call_with_goodbye() {
    let m = menu(
        r#"
name: T
entry: m
defaults: { max_no_input: 1, goodbye: { text: "good bye" } }
nodes:
  m: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: op }] }
  op: { kind: transfer, queue: q }
"#,
    );
    let mut c = start(&m);
    c.handle_timeout(ms(60_000));
    let e = drain(&mut c);
    assert_eq!(prompts(&e).last(), Some(&(5400, "m".into(), PromptRole::Goodbye)));
    let s = summary(&e).unwrap();
    assert_eq!(s.outcome, Outcome::RetriesExhausted { node: "m".into() });
    assert_eq!(s.time_in_ivr, ms(6200));
}

// Rule 6: global keys.
#[test]
fn rule6_global_keys() {
    let m = menu(MENU);
    // Operator from any menu, with the reason recorded.
    let mut c = start(&m);
    c.handle_keys(ms(500), "0");
    let e = drain(&mut c);
    assert_eq!(handoff(&e).unwrap().reason, HandoffReason::OperatorKey);
    // A local option on the same key wins.
    let mut c = start(&m);
    c.handle_keys(ms(500), "5");
    c.handle_keys(ms(600), "0");
    c.handle_timeout(ms(1000)); // the urgent transfer's prompt (0.4 s), then the handoff
    assert_eq!(handoff(&drain(&mut c)).unwrap().queue, "urgent");
    // Inside a collect a 0 is data, and `*` (repeat) still works.
    let mut c = start(&m);
    c.handle_keys(ms(500), "3");
    c.handle_keys(ms(1000), "10*");
    let e = drain(&mut c);
    assert!(handoff(&e).is_none());
    assert_eq!(
        prompts(&e).last(),
        Some(&(1000, "case".into(), PromptRole::Main)),
        "repeat replays the prompt"
    );
    assert_eq!(c.digits(), "", "the entry starts afresh");
    c.handle_keys(ms(1500), "1020#");
    assert_eq!(c.variables().get("case_number").map(String::as_str), Some("1020"));
}

#[test]
fn rule6_repeat_and_back_are_not_failures() {
    let m = menu(MENU);
    let mut c = start(&m);
    c.handle_keys(ms(500), "*"); // repeat
    c.handle_keys(ms(600), "#"); // back at the first menu: repeats
    let e = drain(&mut c);
    assert_eq!(
        prompts(&e),
        vec![
            (0, "main".into(), PromptRole::Main),
            (500, "main".into(), PromptRole::Main),
            (600, "main".into(), PromptRole::Main)
        ]
    );
    // From `sub`, back returns to `main`.
    c.handle_keys(ms(700), "1");
    c.handle_timeout(ms(2700)); // inter-digit timeout takes "1"
    assert_eq!(at_node(&c, &m), "sub");
    c.handle_timeout(ms(3500)); // sub's prompt cannot be interrupted: let it end
    c.handle_keys(ms(3600), "#");
    assert_eq!(at_node(&c, &m), "main");
    // None of it counted: two wrong keys are still needed for the no-match limit.
    c.handle_keys(ms(4000), "9");
    assert_eq!(at_node(&c, &m), "main");
}

// Rule 7: without barge-in, keys during the prompt are thrown away.
#[test]
fn rule7_no_barge_in() {
    let m = menu(MENU);
    let mut c = start(&m);
    c.handle_keys(ms(2500), "1"); // wait for "12"...
    c.handle_timeout(ms(4500)); // ... takes "1": `sub`, prompt 4.5-5.3 s
    drain(&mut c);
    c.handle_keys(ms(5000), "1");
    let e = drain(&mut c);
    assert!(stops(&e).is_empty(), "the prompt plays on");
    assert_eq!(at_node(&c, &m), "sub");
    c.handle_keys(ms(5300), "1");
    assert_eq!(handoff(&drain(&mut c)).unwrap().queue, "general");
}

// Rule 8: type-ahead.
#[test]
fn rule8_type_ahead_off_and_on() {
    let menu_with = |on: bool| {
        format!(
            r#"
name: T
entry: m1
defaults: {{ type_ahead: {on}, fallback: op }}
nodes:
  intro: {{ kind: message, prompt: {{ text: "x x x" }}, next: m1, barge_in: false }}
  m1: {{ kind: menu, prompt: {{ text: "a b" }}, options: [{{ key: "1", to: m2 }}, {{ key: "3", to: intro }}] }}
  m2: {{ kind: menu, prompt: {{ text: "c d" }}, options: [{{ key: "2", to: op }}] }}
  op: {{ kind: transfer, queue: q }}
"#
        )
    };
    // A burst "12": the "2" is pressed before m2 starts.
    let off = menu(&menu_with(false));
    let mut c = start(&off);
    c.handle_keys(ms(100), "12");
    let e = drain(&mut c);
    assert_eq!(at_node(&c, &off), "m2", "off: the typed-ahead key is discarded");
    assert_eq!(prompts(&e).last(), Some(&(100, "m2".into(), PromptRole::Main)));
    let on = menu(&menu_with(true));
    let mut c = start(&on);
    c.handle_keys(ms(100), "12");
    let e = drain(&mut c);
    assert!(!prompts(&e).iter().any(|p| p.1 == "m2"), "on: m2's prompt is skipped");
    assert_eq!(handoff(&e).unwrap().queue, "q");
    // Keys pressed during a message that cannot be interrupted wait for the next menu.
    let mut c = start(&on);
    c.handle_keys(ms(100), "3"); // intro, 0.1-1.3 s
    c.handle_keys(ms(500), "1");
    c.handle_timeout(ms(1300));
    assert_eq!(
        at_node(&c, &on),
        "m2",
        "on: the key pressed during the message chose in m1"
    );
    let mut c = start(&off);
    c.handle_keys(ms(100), "3");
    c.handle_keys(ms(500), "1");
    c.handle_timeout(ms(1300));
    assert_eq!(at_node(&c, &off), "m1", "off: it was discarded");
    // A burst whose first key leads to a message: the rest waits through it.
    let mut c = start(&on);
    c.handle_keys(ms(100), "31");
    c.handle_timeout(ms(1300));
    assert_eq!(at_node(&c, &on), "m2", "on: carried through the message to m1");
}

// Rule 9: routes are instant, messages play and continue.
#[test]
fn rule9_routes_and_messages() {
    let yaml = r#"
name: T
entry: r
languages: [en, es]
schedules:
  office: [{ days: mon-fri, from: "08:00", to: "18:00" }]
nodes:
  r:
    kind: route
    routes:
      - { when: { var: region, in: [north, south] }, to: regional }
      - { when: { hours: office, language: es }, to: open_es }
      - { when: { hours: office }, to: open }
    default: closed
  regional: { kind: transfer, queue: regional }
  open_es: { kind: transfer, queue: abierto }
  open: { kind: message, prompt: { text: "we are open" }, next: op }
  op: { kind: transfer, queue: general }
  closed: { kind: hangup, reason: closed }
"#;
    let m = menu(yaml);
    let clips = PromptTimings::text_only();
    let run = |clock: CallClock, language: Option<&str>, region: Option<&str>| {
        let mut vars = std::collections::BTreeMap::new();
        if let Some(r) = region {
            vars.insert("region".to_owned(), r.to_owned());
        }
        let mut c = Call::new(
            &m,
            &clips,
            CallStart {
                clock,
                language: language.map(str::to_owned),
                variables: vars,
                operator_line: false,
                max_length: None,
            },
        );
        c.handle_timeout(ms(10_000));
        summary(&drain(&mut c)).unwrap().clone()
    };
    let monday_10 = CallClock::new(jiff::civil::date(2026, 1, 5).at(10, 0, 0, 0));
    let sunday_10 = CallClock::new(jiff::civil::date(2026, 1, 4).at(10, 0, 0, 0));
    let monday_1759 = CallClock::new(jiff::civil::date(2026, 1, 5).at(17, 59, 59, 0));
    let queue = |s: &Summary| match &s.outcome {
        Outcome::Transferred { queue, .. } => queue.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(queue(&run(monday_10, None, Some("north"))), "regional");
    assert_eq!(queue(&run(monday_10, Some("es"), None)), "abierto");
    let open = run(monday_10, None, None);
    assert_eq!(queue(&open), "general");
    assert_eq!(
        open.time_in_ivr,
        ms(1200),
        "the message plays (3 words), the route takes no time"
    );
    assert_eq!(
        run(sunday_10, None, None).outcome,
        Outcome::HungUp {
            reason: "closed".into()
        }
    );
    // The clock moves with the call: 1.2 s of message does not matter, but the route is
    // evaluated when the call reaches it.
    assert_eq!(queue(&run(monday_1759, None, None)), "general");
}

// Rule 10: the handoff record.
#[test]
fn rule10_handoff_record() {
    let m = menu(MENU);
    let clips = PromptTimings::text_only();
    let mut vars = std::collections::BTreeMap::new();
    vars.insert("caller".to_owned(), "+15550100".to_owned());
    let mut c = Call::new(
        &m,
        &clips,
        CallStart {
            variables: vars,
            ..CallStart::default()
        },
    );
    c.handle_keys(ms(1000), "3");
    c.handle_keys(ms(3000), "20261234#");
    let e = drain(&mut c);
    let h = handoff(&e).unwrap();
    assert_eq!(h.queue, "follow-up");
    assert_eq!(h.priority, crate::menu::Priority::Normal);
    assert_eq!(h.reason, HandoffReason::Chosen);
    assert_eq!(h.language, "en");
    assert_eq!(h.time_in_ivr, ms(3000), "the transfer has no prompt");
    // `context: [case_number]`: only that variable travels; the max of 6 digits cut the entry.
    assert_eq!(h.variables.keys().collect::<Vec<_>>(), vec!["case_number"]);
    assert_eq!(h.variables["case_number"], "202612");
    let events: Vec<(u64, &str, &str)> = h
        .path
        .iter()
        .map(|s| (s.at.as_millis() as u64, s.node.as_str(), s.event.as_str()))
        .collect();
    assert_eq!(events[0], (0, "main", "enter"));
    assert!(events.contains(&(1000, "main", "key 3")));
    assert!(events.contains(&(3000, "case", "case_number = 202612")));
    let s = summary(&e).unwrap();
    assert_eq!(s.time_to_operator, Some(ms(3000)));
    assert_eq!(s.keys_pressed, 10);
}

#[test]
fn spoken_keywords_and_hangup() {
    let m = menu(MENU);
    let mut c = start(&m);
    c.handle_speech(ms(500), "I want to Report something");
    c.handle_timeout(ms(500));
    assert_eq!(at_node(&c, &m), "sub");
    let mut c = start(&m);
    c.handle_speech(ms(2500), "pizza");
    assert!(prompts(&drain(&mut c)).contains(&(2500, "main".into(), PromptRole::NoMatch(1))));
    c.handle_hangup(ms(3000));
    let e = drain(&mut c);
    assert_eq!(summary(&e).unwrap().outcome, Outcome::Abandoned);
    assert!(c.is_ended() && c.poll_timeout().is_none());
    c.handle_keys(ms(4000), "1"); // after the end, nothing happens
    assert!(drain(&mut c).is_empty());
}

#[test]
fn timers_fire_at_their_own_time_when_the_driver_is_late() {
    let m = menu(MENU);
    let mut c = start(&m);
    // A driver that wakes up late sees each timer fire at its due time, in order.
    c.handle_timeout(ms(30_000));
    let e = drain(&mut c);
    assert_eq!(handoff(&e).unwrap().time_in_ivr, ms(22_600));
}

#[test]
fn route_loops_end_the_call_instead_of_hanging() {
    let m = menu(
        r#"
name: T
entry: a
nodes:
  a: { kind: route, routes: [], default: b }
  b: { kind: route, routes: [], default: a }
  op: { kind: transfer, queue: q }
"#,
    );
    let mut c = start(&m);
    let e = drain(&mut c);
    assert!(matches!(summary(&e).unwrap().outcome, Outcome::Failed { .. }));
}

#[test]
fn zero_length_message_loops_end_the_call_instead_of_hanging() {
    // Two messages whose clips last no time, leading to each other: the engine must not recurse
    // or loop forever.
    // (The engine takes clip lengths as prompt timings: no sound file is needed.)
    let dir = tempfile::tempdir().unwrap();
    let yaml = r#"
name: T
entry: a
nodes:
  a: { kind: message, prompt: { text: "a", audio: empty.wav }, next: b }
  b: { kind: message, prompt: { text: "b", audio: empty.wav }, next: a }
  op: { kind: transfer, queue: q }
"#;
    let mut sources = crate::source::Sources::new();
    let m = crate::menu::load_menu_text(&dir.path().join("m.yaml"), yaml, &mut sources)
        .menu
        .unwrap();
    let mut timings = PromptTimings::text_only();
    for p in m.prompts() {
        for (_, clip) in p.clips() {
            timings.insert(clip.path.clone(), Duration::ZERO);
        }
    }
    assert_eq!(timings.len(), 1, "one clip, empty.wav");
    let mut c = Call::new(&m, &timings, CallStart::default());
    c.handle_timeout(ms(1));
    let e = drain(&mut c);
    assert!(
        matches!(summary(&e).unwrap().outcome, Outcome::Failed { .. }),
        "{:?}",
        summary(&e)
    );
}

#[test]
fn rule4_a_terminator_pressed_just_after_a_full_entry_only_confirms_it() {
    let m = menu(
        r##"
name: T
entry: m
defaults: { keys: { back: "#" }, fallback: op, inter_digit_timeout: 2s }
nodes:
  m: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: c }] }
  c: { kind: collect, prompt: { text: "b" }, digits: { min: 4, max: 4, terminator: "#" }, store: v, next: thanks }
  thanks: { kind: message, prompt: { text: "thank you very much" }, next: op }
  op: { kind: transfer, queue: q }
"##,
    );
    let mut c = start(&m);
    c.handle_keys(ms(500), "1");
    for (i, k) in "1234".chars().enumerate() {
        c.handle_keys(ms(1000 + 300 * i as u64), &k.to_string());
    }
    c.handle_keys(ms(2200), "#"); // 300 ms after the fourth digit
    c.handle_timeout(ms(10_000));
    let e = drain(&mut c);
    assert_eq!(
        handoff(&e).map(|h| h.queue.as_str()),
        Some("q"),
        "the `#` did not act as `back`"
    );
}

// The line hangs up at the call's maximum length, wherever the call is.
#[test]
fn the_line_hangs_up_at_the_maximum_call_length() {
    let m = menu(MENU);
    static CLIPS: std::sync::OnceLock<PromptTimings> = std::sync::OnceLock::new();
    let start = CallStart {
        max_length: Some(ms(6000)),
        ..CallStart::default()
    };
    let mut c = Call::new(&m, CLIPS.get_or_init(PromptTimings::text_only), start);
    c.handle_timeout(ms(2000)); // the prompt ends; the no-input deadline would be 7 s
    assert_eq!(c.poll_timeout(), Some(ms(6000)), "the maximum length comes first");
    c.handle_keys(ms(9000), "1"); // too late: the line hung up at 6 s
    let e = drain(&mut c);
    assert!(
        e.iter().any(|e| matches!(e, Effect::Hangup { at } if *at == ms(6000))),
        "{e:?}"
    );
    let s = summary(&e).expect("the call ended");
    assert_eq!(s.time_in_ivr, ms(6000));
    assert!(
        matches!(&s.outcome, Outcome::HungUp { reason } if reason.contains("maximum length")),
        "{:?}",
        s.outcome
    );
    assert_eq!(s.keys_pressed, 0, "the key after the end was not taken");
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.now(), ms(6000), "the clock of a call that is over stops at its end");
    // By default 4 hours, as docs/call-semantics.md says.
    assert_eq!(MAX_CALL_LENGTH, Duration::from_secs(14_400));
}

// A caller who goes round and round does not make the call's path grow without end.
#[test]
fn the_path_keeps_its_beginning_and_its_latest_steps() {
    let m = menu(MENU);
    let mut c = start(&m);
    for i in 0..5_000u64 {
        c.handle_keys(ms(100 + i), "*"); // repeat, barging in: no time passes for the caller
        drain(&mut c);
    }
    let path = c.path();
    assert_eq!(path.len(), MAX_PATH_STEPS, "{:?}", &path[..3]);
    assert_eq!(
        (m.node(path[0].node).id.as_str(), &path[0].event),
        ("main", &PathEvent::Entered)
    );
    let head = MAX_PATH_STEPS / 2;
    let total = 1 + 2 * 5_000; // the entry, then the key and the repeat for each `*`
    let marker = &path[head].event;
    assert_eq!(
        marker,
        &PathEvent::LeftOut((total - (MAX_PATH_STEPS - 1)) as u64),
        "the step in the middle counts what was left out"
    );
    assert_eq!(
        marker.to_string(),
        format!("({} steps left out)", total - (MAX_PATH_STEPS - 1)),
        "and reads as it always did"
    );
    assert_eq!(path.last().unwrap().at, ms(100 + 4_999), "the latest step is kept");
    // Every step after the marker is later than every step before it.
    assert!(path[head - 1].at <= path[head].at && path[head].at <= path[head + 1].at);
}

/// A menu whose global keys take two presses (`operator: "00"`, `back: "**"`), with a welcome
/// message that allows barge-in.
const MULTI_KEY_GLOBALS: &str = r##"
name: T
entry: welcome
defaults:
  inter_digit_timeout: 2s
  fallback: op
  operator: op
  keys: { operator: "00", back: "**", repeat: "9" }
nodes:
  welcome: { kind: message, prompt: { text: "w w w w w" }, next: main, barge_in: true }
  main:
    kind: menu
    prompt: { text: "a b" }
    options:
      - { key: "1", to: case }
      - { key: "5", to: five }
  case:
    kind: collect
    prompt: { text: "c c" }
    digits: { min: 2, max: 6, terminator: "#" }
    store: case_number
    next: done
  done: { kind: transfer, queue: done }
  five: { kind: transfer, queue: five }
  op: { kind: transfer, queue: general }
"##;

// Rule 6: a global key of two presses acts during a message with barge-in, as `check --report`
// says; the first press waits for the second (or the inter-digit timeout).
#[test]
fn rule6_multi_key_global_during_a_message() {
    let m = menu(MULTI_KEY_GLOBALS);
    // "00" in one burst during the welcome message: the operator.
    let mut c = start(&m);
    c.handle_keys(ms(500), "00");
    c.handle_timeout(ms(10_000));
    let e = drain(&mut c);
    let h = handoff(&e).expect("handed over");
    assert_eq!((h.queue.as_str(), h.reason), ("general", HandoffReason::OperatorKey));
    // The second key of the burst decides at once: no "waiting" caption for the first.
    assert!(
        !e.iter()
            .any(|e| matches!(e, Effect::Caption { text, .. } if text.contains("waiting"))),
        "{e:?}"
    );
    // "0", then "0" a second later: the first stops the message and waits for the second.
    let mut c = start(&m);
    drain(&mut c);
    c.handle_keys(ms(500), "0");
    let e = drain(&mut c);
    assert_eq!(stops(&e), vec![500]);
    assert_eq!(at_node(&c, &m), "welcome");
    assert_eq!(c.poll_timeout(), Some(ms(2500)), "the inter-digit timeout");
    c.handle_keys(ms(1500), "0");
    c.handle_timeout(ms(10_000));
    assert_eq!(handoff(&drain(&mut c)).unwrap().reason, HandoffReason::OperatorKey);
    // "0" alone: at the inter-digit timeout the message is skipped, the key typed ahead (and
    // dropped at `main`, whose type-ahead is off).
    let mut c = start(&m);
    c.handle_keys(ms(500), "0");
    c.handle_timeout(ms(2500));
    assert_eq!(at_node(&c, &m), "main");
    assert_eq!(c.digits(), "");
    // "05": no global key starts so; the message is skipped, both keys typed ahead.
    let mut c = start(&m);
    c.handle_keys(ms(500), "05");
    assert_eq!(at_node(&c, &m), "main");
    // One-key behaviour is unchanged: a key no global key starts with skips at once.
    let mut c = start(&m);
    c.handle_keys(ms(500), "5");
    assert_eq!(at_node(&c, &m), "main");
    // ... and a one-key global acts at once.
    let mut c = start(&m);
    drain(&mut c);
    c.handle_keys(ms(500), "9");
    let e = drain(&mut c);
    assert_eq!(prompts(&e), vec![(500, "welcome".into(), PromptRole::Main)], "repeat");
}

// Rule 6: a global key made of `*` alone, of two presses, acts inside a collect.
#[test]
fn rule6_multi_key_global_in_a_collect() {
    let m = menu(MULTI_KEY_GLOBALS);
    let mut c = start(&m);
    c.handle_keys(ms(100), "5"); // skips the welcome message, typed ahead: dropped at `main`
    c.handle_timeout(ms(900)); // main's prompt ends
    c.handle_keys(ms(1000), "1");
    assert_eq!(at_node(&c, &m), "case");
    c.handle_keys(ms(1100), "12**");
    assert_eq!(at_node(&c, &m), "main", "`**` is `back`");
    // A single `*` waits for the second, then is a no-match at the inter-digit timeout.
    c.handle_keys(ms(1200), "1");
    c.handle_keys(ms(1300), "12*");
    assert_eq!(at_node(&c, &m), "case");
    c.handle_timeout(ms(3300));
    let e = drain(&mut c);
    assert!(
        c.path().iter().any(|s| s.event.to_string() == "no-match 1 (12*)"),
        "{:?}",
        c.path()
    );
    assert!(handoff(&e).is_none());
    // The terminator still ends the entry at once.
    c.handle_keys(ms(5000), "1234#");
    assert_eq!(c.variables().get("case_number").map(String::as_str), Some("1234"));
}

// Spoken input: case is ignored for every letter, not only ASCII ones.
#[test]
fn spoken_keywords_ignore_case_beyond_ascii() {
    let m = menu(
        r#"
name: T
entry: lang
defaults: { fallback: op }
nodes:
  lang:
    kind: menu
    prompt: { text: "a b" }
    options:
      - { key: "1", to: op, say: [english] }
      - { key: "2", to: es, say: [español] }
  es: { kind: transfer, queue: es }
  op: { kind: transfer, queue: general }
"#,
    );
    let mut c = start(&m);
    c.handle_speech(ms(500), "ESPAÑOL");
    c.handle_timeout(ms(5000));
    assert_eq!(handoff(&drain(&mut c)).map(|h| h.queue.clone()), Some("es".into()));
}

// Rule 6: `back` returns to the last menu; a message is never on the way back, even when
// `back` was pressed there with no menu before it.
#[test]
fn rule6_back_never_returns_to_a_message() {
    let m = menu(
        r##"
name: T
entry: welcome
defaults: { fallback: op, keys: { back: "#" } }
nodes:
  welcome: { kind: message, prompt: { text: "w w w w w" }, next: main }
  main: { kind: menu, prompt: { text: "a b" }, options: [{ key: "1", to: op }] }
  op: { kind: transfer, queue: q }
"##,
    );
    let mut c = start(&m);
    c.handle_keys(ms(500), "#"); // back at the welcome message: nothing to go back to, it repeats
    assert_eq!(at_node(&c, &m), "welcome");
    c.handle_timeout(ms(2500)); // the message ends: `main`
    assert_eq!(at_node(&c, &m), "main");
    c.handle_keys(ms(3000), "#"); // back at the first menu repeats
    assert_eq!(at_node(&c, &m), "main");
    assert!(c.history().iter().all(|&n| m.node(n).id == "main"), "{:?}", c.history());
}
