//! Timed expectations, `at_node`, `listen`, `at:` in the past, and the load-time findings of
//! the scenario language (issue 14), with exact times.
//!
//! The menu's prompts are text, timed at 150 words per minute (0.4 s a word): `main` "a b c d
//! e" plays 2 s, the no-input re-prompt "again" 0.4 s, the no-match re-prompt "not a choice"
//! 1.2 s, the transfer's "hold on please" 1.2 s, `bye`'s "bye" 0.4 s; the no-input time-out is
//! 5 s.

use std::path::Path;
use std::time::Duration;

use super::runner::{Run, run};
use super::timeline::{EventKind, Timeline};
use crate::diag::{Severity, render_plain};
use crate::engine::{At, CallStart, QueueEvent, VirtualCaller};

const MENU: &str = r#"
name: T
entry: main
defaults:
  timeout: 5s
  max_no_input: 3
  max_no_match: 2
  fallback: op
  no_input: [{ text: "again" }]
  no_match: [{ text: "not a choice" }]
nodes:
  main:
    kind: menu
    prompt: { text: "a b c d e" }
    options:
      - { key: "1", to: op }
      - { key: "2", to: bye }
  op:
    kind: transfer
    queue: general
    prompt: { text: "hold on please" }
    hold: { prompt: { text: "You are number {position}." } }
    when_no_operator: { action: message, prompt: { text: "nobody" } }
  bye: { kind: hangup, reason: done, prompt: { text: "bye" } }
"#;

use super::testing::load_with;

/// Runs one scenario whose steps are `steps` (YAML lines, indented under `steps:`) on `MENU`.
fn run_steps(steps: &str) -> Run {
    run_on(MENU, "", steps)
}

fn run_on(menu: &str, start: &str, steps: &str) -> Run {
    let l = load_with(menu, &format!("  - name: t\n{start}    steps:\n{steps}"));
    let errors: Vec<_> = l
        .diags
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .cloned()
        .collect();
    assert!(errors.is_empty(), "{}", render_plain(&l.sources, &errors));
    let file = l.file.expect("loaded");
    run(&l.menu, &l.clips, &file.scenarios[0])
}

#[track_caller]
fn passes(steps: &str) {
    let r = run_steps(steps);
    assert!(r.failure.is_none(), "{:?}", r.failure.map(|f| f.message));
}

/// Fails, with `message` in the failure's message.
#[track_caller]
fn fails(steps: &str, message: &str) -> String {
    let r = run_steps(steps);
    let f = r.failure.expect("the scenario fails");
    assert!(f.message.contains(message), "no `{message}` in: {}", f.message);
    f.message
}

/// The findings of loading `scenarios`, rendered as plain text.
fn findings(scenarios: &str) -> String {
    let l = load_with(MENU, scenarios);
    render_plain(&l.sources, &l.diags)
}

// The done-when case of issue 14: a barge-in stopped the prompt at exactly 1.5 s.
#[test]
fn a_barge_in_stopped_the_prompt_at_exactly_1_5_s() {
    let press = "      - press: \"7\"\n        at: 1.5s\n";
    passes(&format!(
        "{press}      - expect: {{ prompt_stopped: {{ node: main, by: barge_in, at: 1.5s }} }}\n"
    ));
    let msg = fails(
        &format!("{press}      - expect: {{ prompt_stopped: {{ node: main, at: 1.6s }} }}\n"),
        "expected a prompt stopped at `main` at 1.600 s ± 0; found: prompt of `main` stopped at 1.500 s (barge-in)",
    );
    assert!(!msg.contains("listen"), "{msg}");
    // Not by its end.
    fails(
        &format!("{press}      - expect: {{ prompt_stopped: {{ node: main, by: end }} }}\n"),
        "expected a prompt stopped at `main` (by end); none matches; of that kind there was: prompt of `main` stopped at 1.500 s (barge-in)",
    );
    // Keys spaced after a barge-in: the stop is still told a barge-in.
    passes(
        "      - press: \"71\"\n        at: 1.5s\n        gap: 500ms\n      - expect: { prompt_stopped: { node: main, by: barge_in, at: 1.5s } }\n",
    );
    // The wrong key was a no-match at 1.5 s: its re-prompt starts then.
    passes(&format!(
        "{press}      - expect: {{ no_match: {{ node: main, at: 1.5s }}, reprompt: {{ kind: no_match, at: 1.5s }} }}\n"
    ));
}

// A no-input re-prompt at its exact time: 2 s of prompt, then the 5 s time-out.
#[test]
fn a_no_input_reprompt_at_its_exact_time() {
    passes(
        "      - silence: timeout\n      - expect: { no_input: { node: main, at: 7s }, reprompt: { kind: no_input, node: main, prompt: again, at: 7s } }\n",
    );
    passes("      - silence: timeout\n      - expect: { prompt_stopped: { node: main, by: end, at: 2s } }\n");
    fails(
        "      - silence: timeout\n      - expect: { reprompt: { kind: no_match } }\n",
        "expected a no-match re-prompt; none matches; of that kind there was: no-input re-prompt at `main` at 7.000 s",
    );
    // A tolerance and a window.
    passes("      - silence: timeout\n      - expect: { reprompt: { kind: no_input, at: 7.05s, tolerance: 50ms } }\n");
    fails(
        "      - silence: timeout\n      - expect: { reprompt: { kind: no_input, at: 7.06s, tolerance: 50ms } }\n",
        "at 7.060 s ± 0.050 s; found: no-input re-prompt at `main` at 7.000 s",
    );
    passes("      - silence: timeout\n      - expect: { reprompt: { within: { min: 6s, max: 7s } } }\n");
}

// The done-when case: the caller is still at a node after two silences. The second re-prompt:
// 7 s + 0.4 s re-prompt + 2 s prompt again + 5 s.
#[test]
fn still_at_a_node_after_two_silences() {
    let two = "      - silence: timeout\n      - silence: timeout\n";
    passes(&format!(
        "{two}      - expect: {{ at_node: main, reprompt: {{ kind: no_input, node: main, at: 14.4s }} }}\n"
    ));
    fails(
        &format!("{two}      - expect: {{ at_node: op }}\n"),
        "expected the call at `op` now (14.400 s), but it is at `main`",
    );
}

// A timed expectation later than now moves the clock on to it, the caller silent; an
// expectation without one checks the present.
#[test]
fn an_expectation_checks_the_present_and_a_later_time_moves_the_clock() {
    passes("      - expect: { at_node: main, elapsed: { max: 0s } }\n");
    passes("      - expect: { reprompt: { kind: no_input, at: 7s }, elapsed: { min: 7s, max: 7s } }\n");
    passes("      - expect: { listen: true, elapsed: { min: 2s, max: 2s } }\n");
    // Right after the key the call is at the transfer, its prompt playing: the handoff is to
    // come, and the message says when it would hold.
    fails(
        "      - press: \"1\"\n      - expect: { transfer: { queue: general } }\n",
        "expected a transfer, but the call has not been handed over (the prompt of `op` plays until 3.200 s; it holds once the prompts have played, at 3.200 s: add `listen: true` to check then)",
    );
    passes("      - press: \"1\"\n      - expect: { listen: true, transfer: { queue: general } }\n");
    // A handoff at its time waits for it.
    passes("      - press: \"1\"\n      - expect: { handoff: { node: op, at: 3.2s }, transfer: { queue: general } }\n");
}

// An `at:` after an expect counts from the start of the prompt heard last; a time that has
// passed is refused, not acted on late.
#[test]
fn at_after_an_expect_means_what_it_says_or_is_refused() {
    // The expectation moved the clock to 7 s: the re-prompt (7 s) is the prompt heard last.
    passes(
        "      - expect: { reprompt: { kind: no_input, at: 7s } }\n      - press: \"1\"\n        at: 0.2s\n      - expect: { prompt_stopped: { prompt: again, by: barge_in, at: 7.2s } }\n",
    );
    fails(
        "      - silence: 3s\n      - press: \"1\"\n        at: 1s\n",
        "`at: 1s` is 1.000 s on the call's clock (1.000 s after the start of the prompt of `main` heard last, at 0.000 s), but the call is already at 5.000 s",
    );
}

// The handoff and the hang-ups, with who hung up.
#[test]
fn handoff_and_hang_ups_at_their_times() {
    passes("      - press: \"1\"\n      - expect: { handoff: { within: { min: 3s, max: 3.2s } } }\n");
    passes(
        "      - press: \"2\"\n      - expect: { hung_up: { node: bye, by: line, at: 2.4s }, prompt_stopped: { node: bye, by: end, at: 2.4s } }\n",
    );
    passes(
        "      - hangup: true\n        at: 0.5s\n      - expect: { hung_up: { by: caller, at: 0.5s }, prompt_stopped: { by: hangup, at: 0.5s } }\n",
    );
    passes("      - press: \"1\"\n      - expect: { listen: true, entered: { node: op, at: 2s } }\n");
}

// A hold announcement with the caller's position, in a busy queue behind one caller.
#[test]
fn a_hold_announcement_with_its_position() {
    let start = "    start: { operator: busy, waiting: 1 }\n";
    let r = run_on(
        MENU,
        start,
        "      - press: \"1\"\n      - expect: { hold_announcement: { position: 2, node: op, prompt: \"number 2\", at: 3.2s } }\n",
    );
    assert!(r.failure.is_none(), "{:?}", r.failure.map(|f| f.message));
    let r = run_on(
        MENU,
        start,
        "      - press: \"1\"\n      - expect: { hold_announcement: { position: 1, at: 3.2s } }\n",
    );
    let m = r.failure.expect("fails").message;
    assert!(
        m.contains("none matches; of that kind there was: hold announcement (position 2) at `op` at 3.200 s"),
        "{m}"
    );
}

// A prompt the line cuts before its end was stopped by a `move`: the queue's `max_wait` (2 s
// after joining at 3.2 s) ends a hold announcement of 4 s (10 words) at 5.2 s.
#[test]
fn a_prompt_cut_by_the_line_stopped_by_a_move() {
    let menu = MENU
        .replace(
            "nodes:\n",
            "queues:\n  general:\n    max_wait: 2s\n    when_waited_too_long: { action: goto, to: bye }\nnodes:\n",
        )
        .replace(
            "You are number {position}.",
            "You are number {position} in the queue, please hold on.",
        );
    let r = run_on(
        &menu,
        "    start: { operator: busy }\n",
        "      - press: \"1\"\n      - expect: { prompt_stopped: { node: op, prompt: \"please hold on\", by: move, at: 5.2s }, entered: { node: bye, at: 5.2s } }\n",
    );
    assert!(r.failure.is_none(), "{:?}", r.failure.map(|f| f.message));
}

// The timeline of a call answered by a call-taker (on an operator line, told by its driver).
#[test]
fn the_timeline_has_the_answer_of_a_call_taker() {
    let m = crate::menu::testing::menu(MENU);
    let clips = crate::timing::PromptTimings::text_only();
    let start = CallStart {
        operator_line: true,
        ..CallStart::default()
    };
    let mut c = VirtualCaller::new(&m, &clips, start);
    let mut t = Timeline::default();
    c.press(At::Turn, "1");
    c.wait_for_handoff(10);
    c.call_mut()
        .handle_queue(Duration::from_secs(10), QueueEvent::Answered { operator: "ana".into() });
    t.take_path(&m, c.path());
    while let Some(e) = c.poll_effect() {
        t.take_effect(&e);
    }
    t.settle(c.now());
    let answered: Vec<_> = t.events.iter().filter(|e| e.kind == EventKind::Answered).collect();
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].at, Duration::from_secs(10));
    assert_eq!(answered[0].node, "op");
    assert_eq!(t.words(answered[0]), "answered by ana at `op` at 10.000 s");
    let handoff = t.events.iter().find(|e| e.kind == EventKind::Handoff).expect("handoff");
    assert_eq!(handoff.at, Duration::from_millis(3200));
}

// The handoff of the FreeSWITCH demo (tests/fixtures/announced): `key_match: full_length`
// with `digit_len: 4`, so a single `1` waits the 2 s inter-digit time-out after the prompt.
#[test]
fn the_freeswitch_demo_hands_over_after_its_inter_digit_timeout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/announced/freeswitch-demo.yaml");
    let menu = std::fs::read_to_string(root).unwrap();
    let words = "Welcome to the sample voice menu. To join the conference, press 1. For the echo test, press 2. To hear music on hold, press 3. For the sub menu, press 4. To call a registered phone, dial its extension now. To leave, press star.";
    assert!(menu.contains(words));
    let prompt_ms = words.split_whitespace().count() as u64 * 400;
    let at = Duration::from_millis(prompt_ms + 2000);
    let r = run_on(
        &menu,
        "",
        &format!(
            "      - press: \"1\"\n      - expect: {{ handoff: {{ node: conference, at: {}ms }} }}\n",
            at.as_millis()
        ),
    );
    assert!(r.failure.is_none(), "{:?}", r.failure.map(|f| f.message));
}

// Misplaced or contradictory fields are load-time findings at their file:line:column.
#[test]
fn misplaced_and_contradictory_fields_are_load_time_findings() {
    let cases = [
        (
            "      - expect: { reprompt: { tolerance: 1s } }\n",
            "`tolerance` without `at`",
            "s.yaml:5:42",
        ),
        (
            "      - expect: { handoff: { at: 1s, within: { max: 2s } } }\n",
            "both `at` and `within`",
            "s.yaml:5:46",
        ),
        (
            "      - expect: { handoff: { within: { min: 3s, max: 2s } } }\n",
            "`within.min` is more than `within.max`",
            "s.yaml:5:38",
        ),
        (
            "      - expect: { reprompt: { position: 1 } }\n",
            "`position` does nothing on `reprompt`",
            "s.yaml:5:41",
        ),
        (
            "      - expect: { reprompt: { kind: silence } }\n",
            "unknown kind `silence`",
            "s.yaml:5:37",
        ),
        (
            "      - expect: { hung_up: { by: barge_in } }\n",
            "unknown `by` `barge_in`",
            "s.yaml:5:34",
        ),
        (
            "      - expect: { passed: main, node: main }\n",
            "both `passed` and `node`",
            "s.yaml:5:39",
        ),
        (
            "      - expect: { at_node: mian }\n",
            "this expectation names node `mian`, which the menu does not have",
            "s.yaml:5:28",
        ),
        (
            "      - expect: { prompt_started: { node: nowhere } }\n",
            "this expectation names node `nowhere`",
            "s.yaml:5:43",
        ),
        (
            "      - expect: { node: main }\n        at: 1s\n",
            "`at` does nothing on this step",
            "s.yaml:6:13",
        ),
    ];
    for (steps, says, place) in cases {
        let out = findings(&format!("  - name: t\n    steps:\n{steps}"));
        assert!(out.contains(says), "{steps}: no `{says}` in\n{out}");
        assert!(out.contains(place), "{steps}: no `{place}` in\n{out}");
    }
    let out = findings("  - name: t\n    start: { language: fr }\n    steps:\n      - press: \"1\"\n");
    assert!(out.contains("the menu has no language `fr`"), "{out}");
    assert!(out.contains("s.yaml:4:24"), "{out}");
    // `node` alone is still `passed`.
    let l = load_with(MENU, "  - name: t\n    steps:\n      - expect: { node: main }\n");
    assert!(l.diags.is_empty(), "{}", render_plain(&l.sources, &l.diags));
}

/// An expectation with several fields that do not hold names each of them, not the first.
#[test]
fn a_failing_expectation_names_every_field_that_does_not_hold() {
    let m = fails(
        "      - press: \"1\"\n      - expect: { listen: true, at_node: main, transfer: { queue: billing, reason: max_no_input }, keys: { max: 0 } }\n",
        "expected the call at `main` now",
    );
    for part in [
        "but it ended at `op`",
        "expected a transfer with queue `billing`, found `general`",
        "expected a transfer with reason `max_no_input`, found `chosen`",
        "expected at most 0 keypresses, 1 was pressed",
    ] {
        assert!(m.contains(part), "no `{part}` in: {m}");
    }
    assert_eq!(m.matches("; and ").count(), 3, "{m}");
}
