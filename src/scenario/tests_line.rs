//! The operator side of scenarios, with exact times. Prompts here have no clips: 0.4 s a
//! word (150 words per minute). "press one" plays 0 to 0.8 s, the caller presses 1 then,
//! "please hold" plays 0.8 to 1.6 s: the handoff is at 1.6 s.

use std::time::Duration;

use super::*;
use crate::audio::ClipLibrary;
use crate::engine::{CallStart, PathEvent, PromptRole};
use crate::menu::Menu;
use crate::scenario::runner::{Run, run};

const MENU: &str = r#"
name: Q
entry: main
defaults:
  fallback: t
  no_input: [{ text: "again" }]
  no_match: [{ text: "again" }]
  when_no_operator: { action: hold, max_wait: 1m, prompt: { text: "nobody came goodbye" } }
queues:
  reports:
    max_waiting: 3
    when_full: { action: message, prompt: { text: "the queue is full goodbye" } }
  billing: { max_waiting: 2 }
nodes:
  main:
    kind: menu
    prompt: { text: "press one" }
    options: [{ key: "1", to: t }, { key: "2", to: b }]
  b: { kind: transfer, queue: billing }
  t:
    kind: transfer
    queue: reports
    prompt: { text: "please hold" }
    hold:
      every: 20s
      prompt: { text: "you are number {position}" }
      expected_wait: { handle_time: 4m, call_takers: 1, prompt: { text: "about {wait} minutes" } }
"#;

fn s(n: f64) -> Duration {
    Duration::from_secs_f64(n)
}

use super::super::testing::{Loaded, load_with};

/// Loads one scenario file of `scenarios` (the YAML after `scenarios:`) on [`MENU`].
fn load(scenarios: &str) -> Loaded {
    load_with(MENU, scenarios)
}

/// Runs the one scenario with `start` and `steps` (YAML flow and block text).
fn run_one(start: &str, steps: &str) -> Run {
    let l = load(&format!("  - name: one\n    start: {start}\n    steps:\n{steps}"));
    let file = l.file.unwrap_or_else(|| panic!("{:?}", l.diags));
    run(&l.menu, &l.clips, &file.scenarios[0])
}

fn passes(start: &str, steps: &str) -> Run {
    let r = run_one(start, steps);
    assert!(r.failure.is_none(), "{:?}", r.failure.map(|f| f.message));
    r
}

fn fails(start: &str, steps: &str) -> String {
    run_one(start, steps).failure.expect("a failure").message
}

/// A caller on [`MENU`] who pressed 1 and was handed over at 1.6 s, the queue as `start`
/// says, the effects so far taken.
fn handed_over<'m>(m: &'m Menu, clips: &'m ClipLibrary, start: LineStart) -> VirtualCaller<'m> {
    let c = VirtualCaller::new(
        m,
        clips.timings(),
        CallStart {
            operator_line: true,
            ..CallStart::default()
        },
    );
    let mut c = caller(c, Some(&start), None);
    c.press(crate::engine::At::Turn, "1");
    c.listen();
    assert_eq!(c.handoff().map(|h| h.time_in_ivr), Some(s(1.6)));
    c
}

fn step(when: When, action: LineAction) -> OperatorStep {
    OperatorStep { when, action }
}

/// Prompts started from the handoff on: (start in ms, text, role).
fn prompts(c: &mut VirtualCaller) -> Vec<(u64, String, PromptRole)> {
    std::iter::from_fn(|| c.poll_effect())
        .filter_map(|e| match e {
            Effect::StartPrompt(p) if p.at >= s(1.6) => Some((p.at.as_millis() as u64, p.text, p.role)),
            _ => None,
        })
        .collect()
}

fn staffed(n: u32, ahead: usize) -> LineStart {
    LineStart::Queue { call_takers: n, ahead }
}

const PRESS: &str = "      - press: \"1\"\n";

#[test]
fn staffed_call_takers_set_the_position_and_the_expected_wait() {
    let l = load("");
    let mut c = handed_over(&l.menu, &l.clips, staffed(2, 1));
    c.advance(s(4.0));
    let heard = prompts(&mut c);
    // Position 2: 2 × 4 min ÷ 2 call-takers = 4 minutes (the menu's `call_takers: 1` says 8).
    assert_eq!(heard[0].0, 1600);
    assert_eq!(heard[0].1, "you are number 2");
    assert_eq!(heard[1], (3200, "about 4 minutes".into(), PromptRole::Hold(2)));
    passes(
        "{ operator: { staffed: 2, waiting: 1 } }",
        &format!(
            "{PRESS}      - silence: 5s\n      - expect: {{ queue: {{ name: reports, position: 2, staffed: true }}, outcome: waiting, prompt: \"about 4 minutes\" }}\n"
        ),
    );
}

#[test]
fn a_call_taker_answers_after_a_wait_and_ends_the_call_with_a_disposition() {
    let l = load("");
    let mut c = handed_over(&l.menu, &l.clips, staffed(1, 0));
    act(
        &mut c,
        &Seen::default(),
        &step(When::After(s(45.0)), LineAction::Answer("ana".into())),
    )
    .unwrap();
    assert_eq!(c.now(), s(46.6), "45 s after the handoff at 1.6 s");
    assert_eq!(c.answered_at(), Some(s(46.6)));
    act(
        &mut c,
        &Seen::default(),
        &step(When::At(s(60.0)), LineAction::End("report_taken".into())),
    )
    .unwrap();
    let sum = c.summary().expect("ended");
    assert!(sum.answered);
    assert_eq!(sum.time_waiting, Some(s(45.0)));
    assert_eq!(sum.time_in_ivr, s(60.0));
    assert_eq!(outcome_of(&c, &Seen::default()), "answered");

    let r = passes(
        "{ operator: { staffed: 1 } }",
        &format!(
            "{PRESS}      - operator: {{ answer: ana, after: 45s }}\n      - expect: {{ outcome: answered, answered: {{ by: ana, at: 46.6s }} }}\n      - operator: {{ end: report_taken, at: 60s }}\n      - expect: {{ outcome: answered, disposition: report_taken }}\n"
        ),
    );
    assert_eq!(r.call_time, s(60.0));
    let m = fails(
        "{ operator: { staffed: 1 } }",
        &format!(
            "{PRESS}      - operator: {{ answer: ana, after: 45s }}\n      - expect: {{ answered: {{ by: bo, at: 46.6s }} }}\n"
        ),
    );
    assert!(
        m.starts_with("expected an answer by `bo` at 46.600 s ± 0")
            && m.ends_with("answered by ana at `t` at 46.600 s"),
        "{m}"
    );
    let m = fails(
        "{ operator: { staffed: 1 } }",
        &format!(
            "{PRESS}      - operator: {{ answer: ana, after: 45s }}\n      - expect: {{ answered: {{ at: 46s }} }}\n"
        ),
    );
    assert!(
        m.starts_with("expected an answer by a call-taker at 46.000 s ± 0") && m.ends_with("at 46.600 s"),
        "{m}"
    );
    let m = fails(
        "{ operator: { staffed: 1 } }",
        &format!(
            "{PRESS}      - operator: {{ answer: ana }}\n      - operator: {{ end: done }}\n      - expect: {{ disposition: other }}\n"
        ),
    );
    assert_eq!(m, "expected the call-taker to end the call with `other`, found `done`");
}

#[test]
fn callers_ahead_answered_move_the_call_up_and_the_announcement_says_so() {
    let l = load("");
    let mut c = handed_over(&l.menu, &l.clips, staffed(1, 2));
    act(
        &mut c,
        &Seen::default(),
        &step(When::At(s(30.0)), LineAction::Position(1)),
    )
    .unwrap();
    c.advance(s(42.0));
    let heard: Vec<(u64, String)> = prompts(&mut c)
        .into_iter()
        .filter(|p| p.1.starts_with("you are"))
        .map(|p| (p.0, p.1))
        .collect();
    assert_eq!(
        heard,
        [
            (1600, "you are number 3".into()),
            (21_600, "you are number 3".into()),
            (41_600, "you are number 1".into())
        ]
    );
    passes(
        "{ operator: { staffed: 1, waiting: 2 } }",
        &format!(
            "{PRESS}      - operator: {{ position: 1, at: 30s }}\n      - expect: {{ queue: {{ position: 1 }} }}\n"
        ),
    );
    let m = fails(
        "{ operator: { staffed: 1, waiting: 2 } }",
        &format!("{PRESS}      - expect: {{ listen: true, queue: {{ name: billing, position: 1 }} }}\n"),
    );
    assert!(
        m.starts_with("expected the call to wait in `billing` at position 1, but it is waiting in `reports` at position 3 (staffed)"),
        "{m}"
    );
}

#[test]
fn a_queue_that_is_full_runs_its_plan_for_a_full_queue() {
    let l = load("");
    // `max_waiting: 3`: 2 ahead leave room (`has_room`), 3 ahead fill it.
    let mut c = handed_over(&l.menu, &l.clips, staffed(1, 2));
    assert!(matches!(
        c.line_view(),
        Some(LineView::Waiting { position: Some(3), .. })
    ));
    let _ = prompts(&mut c);
    for start in [staffed(1, 3), LineStart::Full] {
        let mut c = handed_over(&l.menu, &l.clips, start);
        let heard = prompts(&mut c);
        assert_eq!(
            heard[0],
            (1600, "the queue is full goodbye".into(), PromptRole::Goodbye)
        );
        c.listen();
        assert!(c.is_ended());
        assert_eq!(c.now(), s(3.6), "5 words from 1.6 s");
        assert_eq!(outcome_of(&c, &Seen::default()), "no_operator");
    }
    for start in ["{ operator: full }", "{ operator: { staffed: 1, waiting: 3 } }"] {
        passes(
            start,
            &format!(
                "{PRESS}      - silence: 10s\n      - expect: {{ prompt: \"the queue is full\", outcome: no_operator }}\n"
            ),
        );
    }
}

#[test]
fn the_last_call_taker_logging_out_runs_the_plan_for_nobody_staffed_at_that_time() {
    let l = load("");
    let mut c = handed_over(&l.menu, &l.clips, staffed(1, 0));
    act(&mut c, &Seen::default(), &step(When::At(s(50.0)), LineAction::LogOut)).unwrap();
    assert!(
        c.path()
            .iter()
            .any(|p| p.event == PathEvent::Unstaffed && p.at == s(50.0))
    );
    assert!(matches!(c.line_view(), Some(LineView::Waiting { staffed: false, .. })));
    // `leave_when_empty` (default true): the unstaffed plan is the `hold` of 1 minute, from 50 s.
    c.advance(s(200.0));
    let goodbye: Vec<(u64, String, PromptRole)> = prompts(&mut c)
        .into_iter()
        .filter(|p| p.2 == PromptRole::Goodbye)
        .collect();
    assert_eq!(goodbye, [(110_000, "nobody came goodbye".into(), PromptRole::Goodbye)]);
    assert_eq!(outcome_of(&c, &Seen::default()), "no_operator");
    passes(
        "{ operator: { staffed: 1 } }",
        &format!(
            "{PRESS}      - operator: {{ log_out: true, at: 50s }}\n      - expect: {{ queue: {{ staffed: false }}, outcome: waiting }}\n      - operator: {{ log_in: true, at: 100s }}\n      - operator: {{ answer: kim, at: 120s }}\n      - expect: {{ outcome: answered, answered: {{ at: 2m }} }}\n"
        ),
    );
}

#[test]
fn hold_resume_and_a_transfer_to_another_queue_happen_at_their_times() {
    let l = load("");
    let mut c = handed_over(&l.menu, &l.clips, staffed(1, 0));
    let seen = Seen::default();
    act(
        &mut c,
        &seen,
        &step(When::At(s(10.0)), LineAction::Answer("sam".into())),
    )
    .unwrap();
    act(&mut c, &seen, &step(When::At(s(12.0)), LineAction::Hold)).unwrap();
    act(&mut c, &seen, &step(When::At(s(15.0)), LineAction::Resume)).unwrap();
    let transfer = LineAction::Transfer {
        queue: "billing".into(),
        position: 2,
    };
    act(&mut c, &seen, &step(When::At(s(20.0)), transfer)).unwrap();
    let events: Vec<(u64, String)> = c
        .path()
        .iter()
        .filter(|p| p.at >= s(10.0))
        .map(|p| (p.at.as_millis() as u64, p.event.to_string()))
        .collect();
    assert_eq!(
        events,
        [
            (10_000, "answered by sam".to_owned()),
            (12_000, "put on hold by the call-taker".to_owned()),
            (15_000, "off hold".to_owned()),
            (20_000, "waiting in `billing` at position 2".to_owned()),
        ]
    );
    assert!(matches!(
        c.line_view(),
        Some(LineView::Waiting {
            queue: "billing",
            position: Some(2),
            ..
        })
    ));
    let heard = prompts(&mut c);
    assert_eq!(
        heard.last().map(|p| (p.0, p.1.as_str())),
        Some((20_000, "you are number 2"))
    );
    c.advance(s(22.0));
    // 2 × 4 min ÷ 1 call-taker staffed.
    assert_eq!(
        prompts(&mut c),
        [(21_600, "about 8 minutes".into(), PromptRole::Hold(4))]
    );
    passes(
        "{ operator: { staffed: 1 } }",
        &format!(
            "{PRESS}      - operator: {{ answer: sam, at: 10s }}\n      - operator: {{ hold: true }}\n      - operator: {{ resume: true, at: 15s }}\n      - operator: {{ transfer: billing, position: 2, at: 20s }}\n      - expect: {{ queue: {{ name: billing, position: 2 }}, prompt: \"you are number 2\" }}\n      - operator: {{ answer: lee, after: 30s }}\n      - operator: {{ end: resolved }}\n      - expect: {{ outcome: answered, disposition: resolved, answered: {{ by: sam, at: 10s }} }}\n"
        ),
    );
}

#[test]
fn a_lost_console_cuts_off_a_call_taker_s_call_and_runs_the_plan_for_a_waiting_one() {
    let l = load("");
    let mut c = handed_over(&l.menu, &l.clips, staffed(1, 0));
    act(
        &mut c,
        &Seen::default(),
        &step(When::At(s(10.0)), LineAction::Answer("sam".into())),
    )
    .unwrap();
    act(
        &mut c,
        &Seen::default(),
        &step(When::At(s(30.0)), LineAction::Lost("console crashed".into())),
    )
    .unwrap();
    assert_eq!(c.summary().map(|s| s.time_in_ivr), Some(s(30.0)));
    assert_eq!(outcome_of(&c, &Seen::default()), "cut_off");
    passes(
        "{ operator: { staffed: 1 } }",
        &format!(
            "{PRESS}      - operator: {{ answer: sam, at: 10s }}\n      - operator: {{ lost: console crashed, at: 30s }}\n      - expect: {{ outcome: cut_off, elapsed: {{ min: 30s, max: 30s }} }}\n"
        ),
    );
    // Waiting, the unstaffed plan (`hold`, 1 minute) runs from the loss, with no place.
    passes(
        "{ operator: { staffed: 1 } }",
        &format!(
            "{PRESS}      - operator: {{ lost: console crashed, at: 30s }}\n      - expect: {{ outcome: waiting }}\n      - silence: 2m\n      - expect: {{ outcome: no_operator, prompt: nobody came }}\n"
        ),
    );
}

#[test]
fn the_caller_hanging_up_while_waiting_abandons() {
    passes(
        "{ operator: { staffed: 1, waiting: 1 } }",
        &format!("{PRESS}      - silence: 10s\n      - hangup: true\n      - expect: {{ outcome: abandoned }}\n"),
    );
}

#[test]
fn operator_steps_out_of_place_or_time_fail_with_what_happened() {
    let st = "{ operator: { staffed: 1 } }";
    // Before the handoff: the caller is still in the menu.
    assert_eq!(
        fails(st, "      - operator: { answer: ana }\n"),
        "the call has not been handed over yet (it is at `main`, in_menu): operator steps act on a handed-off call"
    );
    assert_eq!(
        fails(
            st,
            &format!("{PRESS}      - silence: 30s\n      - operator: {{ answer: ana, at: 20s }}\n")
        ),
        "`at: 20.0 s` has passed: the call is at 34.4 s"
    );
    assert_eq!(
        fails(
            st,
            &format!("{PRESS}      - silence: 30s\n      - operator: {{ answer: ana, after: 10s }}\n")
        ),
        "`after: 10.0 s` (the handoff at 1.6 s + 10.0 s, 11.6 s) has passed: the call is at 34.4 s"
    );
    assert_eq!(
        fails(st, &format!("{PRESS}      - operator: {{ end: done, at: 5s }}\n")),
        "the call-taker ends the call (done) at 5.0 s, but the call is waiting in `reports` at position 1 (staffed)"
    );
    assert_eq!(
        fails(
            st,
            &format!("{PRESS}      - operator: {{ answer: a }}\n      - operator: {{ answer: b }}\n")
        ),
        "`b` answers at 1.6 s, but the call is with call-taker `a`"
    );
    // Full: the message plays and the line hangs up at 3.6 s.
    assert_eq!(
        fails(
            "{ operator: full }",
            &format!("{PRESS}      - operator: {{ answer: ana, at: 10s }}\n")
        ),
        "the call ended at 3.6 s (outcome `no_operator`), before the operator step at 10.0 s"
    );
    assert_eq!(
        fails(
            st,
            &format!("{PRESS}      - expect: {{ listen: true, outcome: answered }}\n")
        ),
        "expected the outcome `answered`, found `waiting` at 1.6 s: the call is waiting in `reports` at position 1 (staffed)"
    );
}

/// (message, line:column) of each finding.
fn findings(scenarios: &str) -> Vec<(String, String)> {
    let l = load(scenarios);
    assert!(l.file.is_none(), "refused");
    l.diags
        .iter()
        .map(|d| {
            let lc = l.sources.line_col(d.primary.span);
            (d.message.clone(), format!("{}:{}", lc.line, lc.column))
        })
        .collect()
}

#[test]
fn misplaced_operator_fields_are_load_time_findings_at_their_place() {
    let one = |start: &str, step: &str| {
        findings(&format!(
            "  - name: x\n    start: {start}\n    steps:\n      - press: \"1\"\n      - {step}\n"
        ))
    };
    let st = "{ operator: { staffed: 1 } }";
    assert_eq!(
        one(st, "operator: { answer: ana, at: 5s, after: 3s }"),
        [("`at` and `after` together".to_owned(), "7:49".to_owned())]
    );
    assert_eq!(
        one(st, "operator: { answer: ana, end: done }")[0].0,
        "an operator step is one of `position`, `log_out`, `log_in`, `answer`, `hold`, `resume`, `transfer`, `end`, `lost`"
    );
    assert_eq!(
        one(st, "operator: { full: true }"),
        [(
            "a queue refuses a caller only as the caller joins it".to_owned(),
            "7:27".to_owned()
        )]
    );
    assert_eq!(one(st, "operator: { position: 0 }")[0].1, "7:31");
    assert_eq!(one(st, "operator: { hold: false }")[0].0, "`hold: false` does nothing");
    assert_eq!(
        one("{ at: 2026-03-02T10:00 }", "operator: { answer: ana }"),
        [("an operator step needs an operator line".to_owned(), "7:9".to_owned())]
    );
    assert_eq!(
        one(st, "expect: { outcome: answerd }")[0].0,
        "unknown outcome `answerd`"
    );
    assert_eq!(
        one(
            "{ operator: { staffed: 1 }, waiting: 2 }",
            "expect: { outcome: waiting }"
        )[0]
        .0,
        "`waiting` goes inside `operator: { staffed, waiting }`"
    );
    assert_eq!(
        one("{ operator: { waiting: 2 } }", "expect: { outcome: waiting }")[0].0,
        "missing field `staffed`"
    );
    assert_eq!(
        one("{ operator: crowded }", "expect: { outcome: waiting }")[0].0,
        "unknown `operator: crowded`"
    );
}

#[test]
fn the_console_refuses_a_transfer_to_a_full_or_unknown_queue_and_the_step_fails() {
    let st = "{ operator: { staffed: 1 } }";
    // `billing` has `max_waiting: 2`: position 2 (1 waiting) has room, position 3 does not.
    assert_eq!(
        fails(
            st,
            &format!(
                "{PRESS}      - operator: {{ answer: sam }}\n      - operator: {{ transfer: billing, position: 3 }}\n"
            )
        ),
        "the console refuses a transfer to `billing` at position 3: the queue is full (2 waiting, `max_waiting: 2`), \
         and the call stays with the call-taker"
    );
    assert_eq!(
        fails(
            st,
            &format!("{PRESS}      - operator: {{ answer: sam }}\n      - operator: {{ transfer: biling }}\n")
        ),
        "the console refuses a transfer to `biling`: the menu's transfers go to `billing`, `reports`"
    );
}

/// A transfer step to a queue no transfer of the menu names can never happen: `ivrsim test`
/// says so when it loads the file, at the step, with a "did you mean".
#[test]
fn a_transfer_step_to_a_queue_the_menu_lacks_is_a_load_time_finding() {
    let l = load(&format!(
        "  - name: one\n    start: {{ operator: {{ staffed: 1 }} }}\n    steps:\n{PRESS}      - operator: {{ answer: sam }}\n      - operator: {{ transfer: biling }}\n"
    ));
    let found: Vec<_> = l
        .diags
        .iter()
        .map(|d| (d.code, d.message.clone(), d.help.clone()))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, crate::diag::Code::InvalidValue);
    assert_eq!(
        found[0].1,
        "this step transfers the call to queue `biling`, which no transfer of the menu names"
    );
    assert_eq!(found[0].2, vec!["did you mean `billing`?".to_owned()]);
    let at = l.sources.line_col(l.diags[0].primary.span);
    assert_eq!((at.line, at.column), (7 + PRESS.lines().count(), 9));
    // A queue the menu's transfers name is no finding.
    let l = load(&format!(
        "  - name: one\n    start: {{ operator: {{ staffed: 1 }} }}\n    steps:\n{PRESS}      - operator: {{ answer: sam }}\n      - operator: {{ transfer: reports }}\n"
    ));
    assert!(l.diags.is_empty(), "{:?}", l.diags);
}

/// A disposition the console's `:end` refuses (not one of the menu's codes, here the
/// built-in ones) is a load-time finding on an `end` step and on an expectation.
#[test]
fn a_disposition_the_console_refuses_is_a_load_time_finding() {
    let l = load(&format!(
        "  - name: one\n    start: {{ operator: {{ staffed: 1 }} }}\n    steps:\n{PRESS}      - operator: {{ answer: sam }}\n      - operator: {{ end: resolvd }}\n      - expect: {{ disposition: bogus }}\n      - expect: {{ disposition: resolved }}\n"
    ));
    let found: Vec<_> = l.diags.iter().map(|d| (d.message.clone(), d.help.clone())).collect();
    assert_eq!(
        found,
        vec![
            (
                "this step ends the call with disposition `resolvd`, which is not one of the menu's codes".to_owned(),
                vec!["did you mean `resolved`?".to_owned()]
            ),
            (
                "this expectation names disposition `bogus`, which is not one of the menu's codes".to_owned(),
                vec![]
            ),
        ]
    );
}

/// An expectation on the operator side names every field that does not hold.
#[test]
fn a_failing_operator_side_expectation_names_every_field() {
    let m = fails(
        "{ operator: { staffed: 1 } }",
        &format!("{PRESS}      - expect: {{ queue: {{ name: billing }}, outcome: answered, disposition: resolved }}\n"),
    );
    for part in [
        "expected the call to wait in a queue, but it is in the menu",
        "expected the outcome `answered`",
        "expected the call-taker to end the call with `resolved`, found no disposition",
    ] {
        assert!(m.contains(part), "no `{part}` in: {m}");
    }
    assert_eq!(m.matches("; and ").count(), 2, "{m}");
}

/// Outcomes are the engine's, named: a voicemail box and another application are told apart
/// by the `external` node's `app`; a call never handed over is `in_menu`, then `hung_up` at
/// a hang-up node; with no operator line a transfer ends the call as `transferred`.
#[test]
fn outcomes_name_the_engines_outcome() {
    let m = crate::menu::testing::menu(
        r#"
name: O
entry: main
defaults: { fallback: t, no_input: [{ text: "again" }], no_match: [{ text: "again" }] }
nodes:
  main:
    kind: menu
    prompt: { text: "press one" }
    options: [{ key: "1", to: vm }, { key: "2", to: app }, { key: "3", to: bye }, { key: "4", to: t }]
  vm: { kind: external, app: voicemail, target: box }
  app: { kind: external, app: application, target: pay }
  bye: { kind: hangup, reason: done }
  t: { kind: transfer, queue: q }
"#,
    );
    let timings = crate::timing::PromptTimings::text_only();
    for (key, want) in [
        ("1", "voicemail"),
        ("2", "external"),
        ("3", "hung_up"),
        ("4", "transferred"),
    ] {
        let mut c = VirtualCaller::new(&m, &timings, CallStart::default());
        assert_eq!(outcome_of(&c, &Seen::default()), "in_menu");
        c.press(crate::engine::At::Turn, key);
        c.listen();
        assert_eq!(outcome_of(&c, &Seen::default()), want, "key {key}");
    }
}

/// An `expect: { external }` naming a target no `external` node has can never hold: a
/// load-time finding, with a "did you mean".
#[test]
fn an_external_target_the_menu_lacks_is_a_load_time_finding() {
    let menu = r#"
name: O
entry: main
defaults: { fallback: t }
nodes:
  main:
    kind: menu
    prompt: { text: "press one" }
    options: [{ key: "1", to: vm }, { key: "4", to: t }]
  vm: { kind: external, app: voicemail, target: box }
  t: { kind: transfer, queue: q }
"#;
    let l = load_with(
        menu,
        "  - name: one\n    steps:\n      - press: \"1\"\n      - expect: { listen: true, external: boxx }\n      - expect: { external: box }\n",
    );
    let found: Vec<_> = l.diags.iter().map(|d| (d.message.clone(), d.help.clone())).collect();
    assert_eq!(
        found,
        vec![(
            "this expectation names external target `boxx`, which no `external` node of the menu has".to_owned(),
            vec!["did you mean `box`?".to_owned()]
        )]
    );
    let at = l.sources.line_col(l.diags[0].primary.span);
    assert_eq!(at.line, 6);
}

/// `staffed: 0`: nobody logged in as the call joins; without `join_empty` the plan for nobody
/// staffed runs at once (here `hold` for 1 minute, in its place), so the goodbye starts at
/// 61.6 s; a call-taker who logs in before then stops the limit.
#[test]
fn nobody_staffed_runs_the_unstaffed_plan_from_the_handoff() {
    let l = load("");
    let mut c = handed_over(&l.menu, &l.clips, staffed(0, 0));
    assert!(
        c.path()
            .iter()
            .any(|p| p.event == PathEvent::Unstaffed && p.at == s(1.6))
    );
    c.advance(s(100.0));
    let goodbye: Vec<(u64, String, PromptRole)> = prompts(&mut c)
        .into_iter()
        .filter(|p| p.2 == PromptRole::Goodbye)
        .collect();
    assert_eq!(goodbye, [(61_600, "nobody came goodbye".into(), PromptRole::Goodbye)]);
    passes(
        "{ operator: { staffed: 0 } }",
        &format!(
            "{PRESS}      - operator: {{ log_in: true, at: 30s }}\n      - silence: 2m\n      - expect: {{ outcome: waiting, queue: {{ staffed: true, position: 1 }} }}\n"
        ),
    );
}
