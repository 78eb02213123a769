//! Engine tests of the `kinds` rules of docs/call-semantics.md, with exact times: external
//! steps ("External steps"), variables set during a call, numeric routes and variables read back in
//! prompts ("Variables set during a call"). Prompts have no clips: 0.4 s per word (150 words per minute).

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::menu::testing::menu;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn drain(call: &mut Call) -> Vec<Effect> {
    std::iter::from_fn(|| call.poll_effect()).collect()
}

fn summary(effects: &[Effect]) -> Option<&Summary> {
    effects.iter().find_map(|e| match e {
        Effect::Ended(s) => Some(s),
        _ => None,
    })
}

/// (start ms, node, caption text, duration ms) of every prompt.
fn prompts(effects: &[Effect]) -> Vec<(u64, String, String, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartPrompt(p) => Some((
                p.at.as_millis() as u64,
                p.node.clone(),
                p.text.clone(),
                p.duration.as_millis() as u64,
            )),
            _ => None,
        })
        .collect()
}

fn moves(effects: &[Effect], m: &Menu) -> Vec<(u64, String, Via)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Moved { at, via, to, .. } => Some((at.as_millis() as u64, m.node(*to).id.clone(), *via)),
            _ => None,
        })
        .collect()
}

fn start(vars: &[(&str, &str)]) -> CallStart {
    CallStart {
        variables: vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        ..CallStart::default()
    }
}

const EXTERNAL: &str = r##"
name: T
entry: main
defaults: { fallback: op }
nodes:
  main:
    kind: menu
    prompt: { text: "one two" }
    options:
      - { key: "1", to: vm }
      - { key: "2", to: pay }
  vm:
    kind: external
    app: voicemail
    target: reports
    prompt: { text: "leave a message after the tone" }
  pay:
    kind: external
    app: application
    target: payments
    prompt: { text: "one moment please" }
    on: { success: paid, error: op }
  paid: { kind: hangup, prompt: { text: "paid thank you" }, reason: paid }
  op: { kind: transfer, queue: q }
"##;

// "External steps": an external node without `on` plays its prompt, then the IVR's part of the call
// ends there by design: outcome `external` (not a hang-up, not "no operator"), no handoff to
// a call-taker, the path says where it went. Keys pressed during its prompt are dropped.
#[test]
fn an_external_step_without_on_ends_the_ivr_part_at_the_end_of_its_prompt() {
    let m = menu(EXTERNAL);
    let t = PromptTimings::text_only();
    let mut call = Call::new(&m, &t, CallStart::default());
    call.handle_keys(ms(800), "1");
    call.handle_keys(ms(1000), "5");
    call.handle_timeout(ms(10_000));
    let fx = drain(&mut call);
    // "leave a message after the tone": 6 words, 2.4 s from 0.8 s.
    assert_eq!(
        prompts(&fx).last().map(|p| (p.0, p.1.as_str(), p.3)),
        Some((800, "vm", 2400))
    );
    let s = summary(&fx).expect("ended");
    assert_eq!(
        s.outcome,
        Outcome::External {
            app: crate::menu::ExternalApp::Voicemail,
            name: "reports".into()
        }
    );
    assert_eq!(s.time_in_ivr, ms(3200));
    assert_eq!(s.time_to_operator, None);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Handoff(_))));
    let last = s.path.last().unwrap();
    assert_eq!(
        (last.at, last.event.as_str()),
        (ms(3200), "handed to voicemail `reports`")
    );
}

// "External steps", modelled on Amazon Connect's "AWS Lambda function" block (synchronous): the contact
// goes on to the next block when the invocation completes, by its Success or Error branch
// (https://docs.aws.amazon.com/connect/latest/adminguide/invoke-lambda-function-block.html).
// Here the step's prompt plays (3 words, 1.2 s), then the result is taken at once: `success`
// unless the call's `external_result` is `error`; it is stored there for routes after it.
#[test]
fn an_external_step_with_on_comes_back_by_its_result_like_a_connect_lambda_block() {
    let m = menu(EXTERNAL);
    let t = PromptTimings::text_only();
    for (vars, to, result) in [
        (vec![], "paid", "success"),
        (vec![("external_result", "error")], "op", "error"),
        (vec![("external_result", "anything else")], "paid", "success"),
    ] {
        let mut call = Call::new(&m, &t, start(&vars));
        call.handle_keys(ms(800), "2");
        call.handle_timeout(ms(2000));
        let fx = drain(&mut call);
        let mv = moves(&fx, &m);
        let last = mv.last().unwrap();
        assert_eq!((last.0, last.1.as_str()), (2000, to), "{vars:?}");
        let expected = if result == "error" {
            crate::menu::ExternalResult::Error
        } else {
            crate::menu::ExternalResult::Success
        };
        assert_eq!(last.2, Via::External(expected));
        assert_eq!(
            call.variables().get("external_result").map(String::as_str),
            Some(result)
        );
        let step = call
            .path_records()
            .into_iter()
            .find(|s| s.event.starts_with("application"))
            .expect("the step is in the path");
        assert_eq!(
            (step.at, step.event),
            (ms(2000), format!("application `payments`: {result}"))
        );
    }
}

const VARS: &str = r##"
name: T
entry: main
defaults: { fallback: op }
nodes:
  main:
    kind: menu
    set: { visits: "+1", greeting: "hello" }
    prompt: { text: "visit {visits:ordinal}" }
    options:
      - { key: "1", to: main, set: { tries: "+1", copy: "{greeting} again" } }
      - { key: "2", to: case }
  case:
    kind: collect
    prompt: { text: "enter" }
    digits: { min: 1, max: 4, terminator: "#" }
    store: n
    next: check
  check:
    kind: route
    routes:
      - { when: { var: n, less_than: 10 }, to: small }
      - { when: { var: n, between: [10, 99] }, to: medium }
      - { when: { var: n, at_least: 100 }, to: large }
    default: op
  small: { kind: message, prompt: { text: "case {n:digits} is {n}" }, next: op }
  medium: { kind: message, prompt: { text: "medium" }, next: op }
  large: { kind: message, prompt: { text: "you are {n:ordinal}" }, next: op }
  op: { kind: transfer, queue: q }
"##;

// "Variables set during a call": a node's `set` applies each time the call enters it, before its prompt (so the
// prompt reads the new value); an option's `set` applies when it is taken. `+1` counts,
// text is filled from the variables. Each is a path step `VAR = VALUE` at that instant.
#[test]
fn set_on_nodes_and_options_counts_and_copies() {
    let m = menu(VARS);
    let t = PromptTimings::text_only();
    let mut call = Call::new(&m, &t, CallStart::default());
    call.handle_keys(ms(500), "1");
    call.handle_keys(ms(1000), "1");
    let fx = drain(&mut call);
    let p: Vec<(u64, String)> = prompts(&fx).into_iter().map(|p| (p.0, p.2)).collect();
    assert_eq!(
        p,
        vec![
            (0, "visit 1st".into()),
            (500, "visit 2nd".into()),
            (1000, "visit 3rd".into())
        ]
    );
    let v = call.variables();
    assert_eq!(v.get("visits").map(String::as_str), Some("3"));
    assert_eq!(v.get("tries").map(String::as_str), Some("2"));
    assert_eq!(v.get("copy").map(String::as_str), Some("hello again"));
    let steps: Vec<(Duration, String)> = call
        .path_records()
        .into_iter()
        .filter(|s| s.event.contains(" = "))
        .map(|s| (s.at, s.event))
        .collect();
    assert_eq!(steps[0], (ms(0), "visits = 1".into()));
    assert_eq!(steps[2], (ms(500), "tries = 1".into()));
    assert_eq!(steps[3], (ms(500), "copy = hello again".into()));
    assert_eq!(steps[4], (ms(500), "visits = 2".into()));
}

// "Variables set during a call": `less_than`, `between` (both ends included) and `at_least` compare the variable
// read as a number; routes decide at the instant the collect ends.
#[test]
fn routes_compare_numbers() {
    let m = menu(VARS);
    let t = PromptTimings::text_only();
    for (entry, to) in [
        ("7#", "small"),
        ("10#", "medium"),
        ("99#", "medium"),
        ("100#", "large"),
        ("0100#", "large"),
    ] {
        let mut call = Call::new(&m, &t, CallStart::default());
        call.handle_keys(ms(1000), "2");
        call.handle_keys(ms(2000), entry);
        let fx = drain(&mut call);
        let mv = moves(&fx, &m);
        assert_eq!(mv.last().map(|m| (m.0, m.1.as_str())), Some((2000, to)), "{entry}");
    }
}

// "Variables set during a call": `{n:digits}` reads one word per digit, `{n}` a whole number as its English words,
// `{n:ordinal}` likewise; the caption shows the filled text and the prompt lasts 0.4 s per
// spoken word.
#[test]
fn prompts_read_variables_back_and_are_timed_by_the_words_spoken() {
    let m = menu(VARS);
    let t = PromptTimings::text_only();
    // `7`: "case 7 is seven": 4 words, 1.6 s.
    let mut call = Call::new(&m, &t, CallStart::default());
    call.handle_keys(ms(1000), "2");
    call.handle_keys(ms(2000), "7#");
    let fx = drain(&mut call);
    assert_eq!(
        prompts(&fx).last().cloned(),
        Some((2000, "small".into(), "case 7 is 7".into(), 1600))
    );
    // `1234`: "you are one thousand two hundred thirty-four": 7 words, 2.8 s.
    let mut call = Call::new(&m, &t, CallStart::default());
    call.handle_keys(ms(1000), "2");
    call.handle_keys(ms(2000), "1234");
    call.handle_timeout(ms(2000));
    let fx = drain(&mut call);
    assert_eq!(
        prompts(&fx).last().cloned(),
        Some((2000, "large".into(), "you are 1234th".into(), 2800))
    );
    // `case {n:digits} is {n}` with `n = 2026`... read digit by digit in a collect-free start.
    let filled = crate::rules::vars::fill("case {n:digits}", &start(&[("n", "2026")]).variables);
    assert_eq!(crate::timing::text_duration(&filled.spoken), ms(2000));
}

const RECORD: &str = r##"
name: T
entry: rec
defaults: { fallback: op, timeout: 5s }
nodes:
  rec:
    kind: record
    prompt: { text: "leave a report" }
    max_length: 8s
    final_silence: 2s
    terminator: "#"
    store: len
    next: thanks
    no_speech: op
  thanks: { kind: hangup, prompt: { text: "thanks" } }
  op: { kind: transfer, queue: q }
"##;

fn recording(keys_and_words: &[(u64, &str, bool)], until: u64) -> (Vec<Effect>, BTreeMap<String, String>, Vec<String>) {
    let m = menu(RECORD);
    let t = PromptTimings::text_only();
    let mut call = Call::new(&m, &t, CallStart::default());
    for (at, what, key) in keys_and_words {
        if *key {
            call.handle_keys(ms(*at), what);
        } else {
            call.handle_speech(ms(*at), what);
        }
    }
    call.handle_timeout(ms(until));
    let fx = drain(&mut call);
    let path = call
        .path_records()
        .into_iter()
        .map(|s| format!("{} {} {}", s.at.as_millis(), s.node, s.event))
        .collect();
    (fx, call.variables().clone(), path)
}

// "Recording a message", after VoiceXML's `<record>` (W3C VoiceXML 2.0 §2.3.6,
// https://www.w3.org/TR/voicexml20/#dml2.3.6, kept by VoiceXML 2.1: `beep`, `maxtime` the
// longest recording, `finalsilence` the silence that ends speech, `dtmfterm` a key ends it, a
// `noinput` when nothing is said) and Asterisk's RECORD FILE (escape digits, a maximum time,
// `beep`, `s=` seconds of silence; https://docs.asterisk.org/Asterisk_18_Documentation/API_Documentation/AGI_Commands/record_file/).
// The prompt (3 words, 1.2 s), then the beep (0.5 s); the recording
// starts at 1.7 s. Each `say` is speech lasting its words at 150 words per minute from when
// it is said; 2 s of silence after it (`final_silence`) ends the recording, whose length
// (from 1.7 s) is stored with milliseconds and in the path.
#[test]
fn a_recording_ends_after_the_final_silence_with_its_length_stored() {
    // "a b c d e" at 2.0 s: speech to 4.0 s; silence to 6.0 s: 4.3 s recorded.
    let (fx, vars, path) = recording(&[(2000, "a b c d e", false)], 20_000);
    assert_eq!(vars.get("len").map(String::as_str), Some("4.300"));
    assert!(
        path.contains(&"6000 rec recorded 4.300 s (silence)".to_owned()),
        "{path:?}"
    );
    let p = prompts(&fx);
    assert_eq!((p[1].0, p[1].2.as_str(), p[1].3), (1200, "(beep)", 500));
    assert_eq!((p[2].0, p[2].1.as_str()), (6000, "thanks"));
    // Speech again before the silence is over extends it: "f g" at 3.5 s lasts to 4.3 s,
    // "h" at 5.0 s to 5.4 s; the recording ends 2 s later, at 7.4 s: 5.7 s recorded.
    let (_, vars, _) = recording(
        &[(2000, "a b c d e", false), (3500, "f g", false), (5000, "h", false)],
        20_000,
    );
    assert_eq!(vars.get("len").map(String::as_str), Some("5.700"));
}

// VoiceXML `maxtime`: the recording stops at its maximum length (8 s from 1.7 s) even while
// the caller speaks.
#[test]
fn a_recording_stops_at_its_maximum_length() {
    let words = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five";
    let (_, vars, path) = recording(&[(2000, words, false)], 30_000);
    assert_eq!(vars.get("len").map(String::as_str), Some("8.000"));
    assert!(
        path.contains(&"9700 rec recorded 8.000 s (its maximum length)".to_owned()),
        "{path:?}"
    );
}

// VoiceXML `dtmfterm`: the terminator ends the recording at once (other keys are ignored);
// keys and words during the prompt and the beep are not recorded.
#[test]
fn the_terminator_ends_a_recording_and_other_keys_do_not() {
    let (fx, vars, path) = recording(&[(500, "hello", false), (2500, "5", true), (3000, "#", true)], 4000);
    assert_eq!(vars.get("len").map(String::as_str), Some("1.300"));
    assert!(
        path.contains(&"3000 rec recorded 1.300 s (a key)".to_owned()),
        "{path:?}"
    );
    let captions: Vec<&str> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Caption { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(captions.contains(&"the recording starts after the beep: not recorded"));
    assert!(captions.contains(&"key 5 ignored: only the terminator ends the recording"));
}

// VoiceXML `noinput` of `<record>`: nothing said within `timeout` (5 s from 1.7 s) goes to
// `no_speech`, with a length of 0.
#[test]
fn no_speech_within_the_timeout_takes_no_speech() {
    let m = menu(RECORD);
    let (fx, vars, path) = recording(&[], 10_000);
    assert_eq!(vars.get("len").map(String::as_str), Some("0.000"));
    assert!(
        path.contains(&"6700 rec no speech: nothing recorded".to_owned()),
        "{path:?}"
    );
    let mv = moves(&fx, &m);
    assert_eq!(mv.last().cloned(), Some((6700, "op".to_owned(), Via::NoInputFallback)));
}

const CALLBACK: &str = r##"
name: T
entry: offer
variables: [caller_id]
defaults: { fallback: op }
nodes:
  offer:
    kind: menu
    prompt: { text: "call you on {caller_id:digits}? 1 yes 2 another" }
    options:
      - { key: "1", to: cb_caller }
      - { key: "2", to: other }
  other:
    kind: collect
    prompt: { text: "number then hash" }
    digits: { min: 4, max: 12, terminator: "#" }
    store: other_number
    next: cb_other
  cb_caller: { kind: callback, queue: reports, number: caller_id, priority: high, prompt: { text: "we will call you" }, next: bye }
  cb_other: { kind: callback, queue: reports, number: other_number, next: bye }
  bye: { kind: hangup }
  op: { kind: transfer, queue: q }
"##;

fn callbacks(effects: &[Effect]) -> Vec<(u64, String, String, crate::menu::Priority)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::CallbackRequested {
                at,
                queue,
                number,
                priority,
                ..
            } => Some((at.as_millis() as u64, queue.clone(), number.clone(), *priority)),
            _ => None,
        })
        .collect()
}

// "A callback the caller chooses": the caller confirms the number the call brought (the menu
// reads it back digit by digit: "call you on 0 4 5 5 ? 1 yes 2 another", 11 words, 4.4 s) or
// enters another; the `callback` node requests the callback at the instant it is entered,
// with its queue, number and priority (the request the console gets, as a
// `when_no_operator` callback's), then plays its prompt (4 words, 1.6 s) and goes on.
#[test]
fn a_callback_the_caller_chooses_is_requested_with_the_confirmed_or_entered_number() {
    let m = menu(CALLBACK);
    let t = PromptTimings::text_only();
    let mut call = Call::new(&m, &t, start(&[("caller_id", "0455")]));
    call.handle_keys(ms(4400), "1");
    call.handle_timeout(ms(10_000));
    let fx = drain(&mut call);
    assert_eq!(prompts(&fx)[0].2, "call you on 0 4 5 5? 1 yes 2 another");
    assert_eq!(prompts(&fx)[0].3, 4400);
    assert_eq!(
        callbacks(&fx),
        vec![(4400, "reports".into(), "0455".into(), crate::menu::Priority::High)]
    );
    let mv = moves(&fx, &m);
    assert_eq!(mv.last().map(|m| (m.0, m.1.as_str())), Some((6000, "bye")));
    // Another number: entered at 6.0 s, the request at once, with the default priority.
    let mut call = Call::new(&m, &t, start(&[("caller_id", "0455")]));
    call.handle_keys(ms(4400), "2");
    call.handle_keys(ms(6000), "0466999#");
    let fx = drain(&mut call);
    assert_eq!(
        callbacks(&fx),
        vec![(6000, "reports".into(), "0466999".into(), crate::menu::Priority::Normal)]
    );
    // No number in the variable: no request; the path says so.
    let mut call = Call::new(&m, &t, CallStart::default());
    call.handle_keys(ms(2000), "1");
    let fx = drain(&mut call);
    assert!(callbacks(&fx).is_empty());
    assert!(
        call.path_records()
            .iter()
            .any(|s| s.event == "no callback: `caller_id` holds no number")
    );
}
