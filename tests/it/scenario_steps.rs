//! `ivrsim test`: every action and expectation of docs/scenario-format.md, each with a
//! scenario that passes and one whose wrong expectation fails with what was expected, what
//! was found and the step's `--> s.yaml:LINE:COL`.
//!
//! The menu's prompts are text, timed at 150 words per minute (0.4 s a word): the welcome
//! (18 words) plays 7.2 s, "Connecting you now." 1.2 s, "Enter your case number, then hash."
//! 2.4 s, the no-input re-prompt 2.4 s, "Goodbye." 0.4 s.

use crate::support::{Dir, MINIMAL, Output, root};

const MENU: &str = r##"name: Steps
entry: main
defaults:
  when_no_operator: { action: message, prompt: { text: "No one can take your call now. Please call again later." } }
  fallback: operator
  keys: { operator: "0" }
  timeout: 5s
  inter_digit_timeout: 3s
  no_input: [{ text: "Sorry, I did not hear you." }]
  no_match: [{ text: "Sorry, that is not a choice." }]
nodes:
  main:
    kind: menu
    prompt: { text: "Welcome to the test line. For help press 1, for your case press 2, to leave press 3." }
    options:
      - { key: "1", to: operator, say: [help] }
      - { key: "2", to: case }
      - { key: "3", to: bye, say: [leave] }
  case:
    kind: collect
    prompt: { text: "Enter your case number, then hash." }
    digits: { min: 4, max: 8, terminator: "#" }
    store: case_number
    next: operator
  operator:
    kind: transfer
    queue: general
    priority: high
    prompt: { text: "Connecting you now." }
  bye:
    kind: hangup
    reason: closed
    prompt: { text: "Goodbye." }
"##;

/// The first step is on this line of `s.yaml`; step `i` (0-based) is on `FIRST + i`.
const FIRST: usize = 5;

/// Runs one scenario whose steps are `steps` (one YAML line each, without indent) on `MENU`.
fn run(steps: &[&str]) -> Output {
    let dir = Dir::new();
    dir.write("menu.yaml", MENU);
    let mut s = String::from("menu: menu.yaml\nscenarios:\n  - name: the scenario\n    steps:\n");
    for line in steps {
        s.push_str("      ");
        s.push_str(line);
        s.push('\n');
    }
    dir.write("s.yaml", s);
    dir.ivrsim(&["test", "s.yaml"])
}

#[track_caller]
fn passes(steps: &[&str]) {
    let out = run(steps);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("PASS  the scenario"), "{}", out.stdout);
    assert!(out.stdout.contains("1 passed, 0 failed"), "{}", out.stdout);
}

/// The scenario fails at step `step` (0-based) with `message` in its report.
#[track_caller]
fn fails(steps: &[&str], step: usize, message: &str) {
    let out = run(steps);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("FAIL  the scenario"), "{}", out.stdout);
    let at = format!("--> s.yaml:{}:9", FIRST + step);
    assert!(out.stdout.contains(&at), "no `{at}` in:\n{}", out.stdout);
    assert!(out.stdout.contains(message), "no `{message}` in:\n{}", out.stdout);
    assert!(out.stdout.contains("0 passed, 1 failed"), "{}", out.stdout);
}

// Actions.

#[test]
fn press_waits_for_the_prompt_to_end() {
    // 7.2 s welcome + 1.2 s transfer prompt.
    passes(&[
        r#"- press: "1""#,
        "- expect: { listen: true, elapsed: { min: 8.4s, max: 8.4s } }",
    ]);
    // Without `listen`, the expectation checks the present: the key at 7.2 s.
    passes(&[r#"- press: "1""#, "- expect: { elapsed: { min: 7.2s, max: 7.2s } }"]);
    fails(
        &[r#"- press: "1""#, "- expect: { listen: true, elapsed: { max: 3s } }"],
        1,
        "expected at most 3.0 s, the call is at 8.4 s",
    );
}

#[test]
fn press_at_barges_in_during_the_prompt() {
    // 1 s into the welcome + 1.2 s transfer prompt.
    passes(&[
        r#"- { press: "1", at: 1s }"#,
        "- expect: { listen: true, elapsed: { max: 2.2s }, transfer: { queue: general } }",
    ]);
    fails(
        &[
            r#"- { press: "1", at: 1s }"#,
            "- expect: { listen: true, elapsed: { min: 7s } }",
        ],
        1,
        "expected at least 7.0 s, the call is at 2.2 s",
    );
}

#[test]
fn press_with_a_gap_spaces_the_keys() {
    // 7.2 s + 2.4 s case prompt, 4 gaps of 500 ms, 1.2 s transfer prompt.
    passes(&[
        r#"- press: "2""#,
        r##"- { press: "1234#", gap: 500ms }"##,
        r#"- expect: { listen: true, var: { case_number: "1234" }, elapsed: { min: 12.8s, max: 12.8s } }"#,
    ]);
    // Gaps longer than the 3 s inter-digit time-out split the entry.
    fails(
        &[
            r#"- press: "2""#,
            r##"- { press: "1234#", gap: 4s }"##,
            r#"- expect: { var: { case_number: "1234" } }"#,
        ],
        2,
        "expected `case_number` = `1234`, found unset",
    );
}

#[test]
fn say_matches_a_keyword() {
    passes(&[
        "- say: help",
        "- expect: { listen: true, transfer: { queue: general }, keys: { max: 0 } }",
    ]);
    fails(
        &[
            "- say: leave",
            "- expect: { listen: true, transfer: { queue: general } }",
        ],
        1,
        "expected a transfer, but the call has not been handed over",
    );
}

#[test]
fn silence_of_a_duration_shorter_than_the_timeout_changes_nothing() {
    passes(&[
        "- silence: 3s",
        "- expect: { node: main, elapsed: { min: 10.2s, max: 10.2s } }",
    ]);
    fails(
        &["- silence: 3s", r#"- expect: { prompt: "did not hear" }"#],
        1,
        r#"expected a prompt with "did not hear", the last prompt was `main`: "Welcome to the test line."#,
    );
}

#[test]
fn silence_until_the_timeout_hears_the_no_input_reprompt() {
    // 7.2 s + 5 s time-out + 2.4 s re-prompt + 7.2 s welcome again.
    passes(&[
        "- silence: timeout",
        r#"- expect: { listen: true, node: main, prompt: "did not hear", elapsed: { min: 21.8s, max: 21.8s } }"#,
    ]);
    fails(
        &[
            "- silence: timeout",
            "- expect: { listen: true, elapsed: { max: 12s } }",
        ],
        1,
        "expected at most 12.0 s, the call is at 21.8 s",
    );
    // Three time-outs: the fallback.
    passes(&[
        "- silence: timeout",
        "- silence: timeout",
        "- silence: timeout",
        "- expect: { listen: true, transfer: { queue: general, reason: max_no_input } }",
    ]);
}

#[test]
fn hangup_ends_the_call() {
    // The caller hangs up after the welcome.
    passes(&[
        "- hangup: true",
        "- expect: { keys: { max: 0 }, elapsed: { min: 7.2s, max: 7.2s } }",
    ]);
    // A caller's hang-up is not the line hanging up.
    fails(
        &["- hangup: true", "- expect: { hangup: self-service }"],
        1,
        "expected the line to hang up (self-service), found the caller hanging up",
    );
}

// Expectations.

#[test]
fn expect_node() {
    passes(&[r#"- press: "2""#, "- expect: { node: case }"]);
    // A node passed through since the last action holds too.
    passes(&[r#"- press: "1""#, "- expect: { node: operator }"]);
    fails(
        &[r#"- press: "2""#, "- expect: { node: operator }"],
        1,
        "expected node `operator`, but the call is at `case` (passed since the last action: case)",
    );
}

#[test]
fn expect_prompt() {
    passes(&[r#"- press: "2""#, r#"- expect: { prompt: "case number" }"#]);
    fails(
        &[r#"- press: "2""#, r#"- expect: { prompt: "postcode" }"#],
        1,
        r#"expected a prompt with "postcode", the last prompt was `case`: "Enter your case number, then hash.""#,
    );
}

#[test]
fn expect_prompt_by_clip_file_name() {
    let dir = Dir::new();
    crate::support::write_wav(&dir.path().join("help.wav"), 8000, 1, 8000);
    dir.write(
        "menu.yaml",
        MINIMAL.replace(
            r#"prompt: { text: "For help press 1." }"#,
            r#"prompt: { text: "For help press 1.", audio: help.wav }"#,
        ),
    );
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: clip\n    steps:\n      - expect: { listen: true, prompt: help.wav, elapsed: { min: 1s } }\n  \
         - name: other clip\n    steps:\n      - expect: { prompt: other.wav }\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("PASS  clip (1.0 s)"), "{}", out.stdout);
    assert!(out.stdout.contains("FAIL  other clip"), "{}", out.stdout);
    assert!(out.stdout.contains("--> s.yaml:8:9"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains(r#"expected a prompt with "other.wav", the last prompt was `main`: "For help press 1.""#),
        "{}",
        out.stdout
    );
}

#[test]
fn expect_var() {
    passes(&[
        r#"- press: "2""#,
        r##"- press: "20261234#""##,
        r#"- expect: { var: { case_number: "20261234" } }"#,
    ]);
    fails(
        &[
            r#"- press: "2""#,
            r##"- press: "20261234#""##,
            r#"- expect: { var: { case_number: "1234" } }"#,
        ],
        2,
        "expected `case_number` = `1234`, found `20261234`",
    );
}

#[test]
fn expect_transfer() {
    passes(&[
        r#"- press: "1""#,
        "- expect: { listen: true, transfer: { queue: general, priority: high, reason: chosen } }",
    ]);
    passes(&[
        r#"- press: "0""#,
        "- expect: { listen: true, transfer: { reason: operator_key } }",
    ]);
    fails(
        &[
            r#"- press: "0""#,
            "- expect: { listen: true, transfer: { reason: chosen } }",
        ],
        1,
        "expected a transfer with reason `chosen`, found `operator_key`",
    );
    fails(
        &[
            r#"- press: "1""#,
            "- expect: { listen: true, transfer: { priority: urgent } }",
        ],
        1,
        "expected a transfer with priority `urgent`, found `high`",
    );
}

#[test]
fn expect_hangup() {
    passes(&[
        r#"- press: "3""#,
        "- expect: { listen: true, hangup: closed, node: bye, prompt: Goodbye }",
    ]);
    fails(
        &[r#"- press: "3""#, "- expect: { listen: true, hangup: self-service }"],
        1,
        r#"expected the line to hang up (self-service), found a hang-up (closed)"#,
    );
}

#[test]
fn expect_elapsed() {
    passes(&["- expect: { listen: true, elapsed: { min: 7.2s, max: 7.2s } }"]);
    // Without `listen`: the present, the call's start.
    passes(&["- expect: { elapsed: { max: 0s } }"]);
    fails(
        &["- expect: { listen: true, elapsed: { min: 8s } }"],
        0,
        "expected at least 8.0 s, the call is at 7.2 s",
    );
}

#[test]
fn expect_keys() {
    passes(&[
        r#"- press: "2""#,
        r##"- press: "1234#""##,
        "- expect: { keys: { min: 6, max: 6 } }",
    ]);
    fails(
        &[r#"- press: "0""#, "- expect: { keys: { min: 2 } }"],
        1,
        "expected at least 2 keypresses, 1 was pressed",
    );
}

/// A silence starts once the prompts playing have finished, also a prompt the line starts in
/// answer to the handoff: with no call-taker, the transfer's `goto` plays the welcome again
/// (8.4 s + 7.2 s), and the second of silence comes after it (16.6 s), not during it (9.4 s,
/// then the expect heard the welcome to its end: 15.6 s).
#[test]
fn silence_after_a_handoff_with_no_call_taker_starts_after_the_lines_answer() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        MENU.replace(
            r#"when_no_operator: { action: message, prompt: { text: "No one can take your call now. Please call again later." } }"#,
            "when_no_operator: { action: goto, to: main }",
        ),
    );
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: the scenario\n    start: { operator: unavailable }\n    steps:\n      - press: \"1\"\n      - silence: 1s\n      - expect: { node: main, elapsed: { min: 16.6s, max: 16.6s } }\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

/// `operator: busy` with `waiting: N`: the call joins its queue behind N callers by the
/// queue's capacity rule; full, the queue's `when_full` plan runs; with room, the caller
/// waits, hears its position and leaves by the hold exit key.
#[test]
fn a_busy_queue_applies_its_capacity_and_its_exit_key() {
    let dir = Dir::new();
    let menu = MENU
        .replace(
            "nodes:\n",
            "queues:\n  general:\n    max_waiting: 3\n    when_full: { action: goto, to: bye }\nnodes:\n",
        )
        .replace(
            "    priority: high\n",
            "    priority: 2\n    hold: { prompt: { text: \"You are number {position}.\" }, exit: { key: \"1\", to: bye } }\n",
        );
    dir.write("menu.yaml", menu);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: full\n    start: { operator: busy, waiting: 3 }\n    steps:\n      - press: \"1\"\n      - expect: { listen: true, node: bye, transfer: { priority: \"2\" } }\n  - name: exit\n    start: { operator: busy, waiting: 2 }\n    steps:\n      - press: \"1\"\n      - expect: { listen: true, prompt: \"You are number 3.\" }\n      - press: \"1\"\n      - expect: { listen: true, node: bye, hangup: closed }\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("2 passed, 0 failed"), "{}", out.stdout);
    dir.write(
        "bad.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: bad\n    start: { waiting: 2 }\n    steps:\n      - press: \"1\"\n",
    );
    let out = dir.ivrsim(&["test", "bad.yaml"]);
    assert_ne!(out.code, 0);
    assert!(
        out.stdout.contains("`waiting` needs `operator: busy`")
            || out.stderr.contains("`waiting` needs `operator: busy`"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

// Issue 14: timed expectations, on the call's clock. The welcome plays 7.2 s; a key at 1.5 s
// stops it (barge-in); two silences leave the caller at `main`, re-prompted at 12.2 s (7.2 s +
// 5 s) and at 26.8 s (12.2 s + 2.4 s re-prompt + 7.2 s welcome + 5 s).
#[test]
fn timed_expectations_name_their_event_and_time() {
    passes(&[
        r#"- { press: "1", at: 1.5s }"#,
        "- expect: { prompt_stopped: { node: main, by: barge_in, at: 1.5s }, handoff: { node: operator, at: 2.7s } }",
    ]);
    fails(
        &[
            r#"- { press: "1", at: 1.5s }"#,
            "- expect: { prompt_stopped: { node: main, at: 1.6s } }",
        ],
        1,
        "expected a prompt stopped at `main` at 1.600 s ± 0; found: prompt of `main` stopped at 1.500 s (barge-in)",
    );
    passes(&[
        "- silence: timeout",
        "- silence: timeout",
        "- expect: { at_node: main, reprompt: { kind: no_input, node: main, at: 26.8s } }",
        "- expect: { no_input: { node: main, at: 12.2s } }",
    ]);
    // An `at:` whose time has passed is refused at its step.
    fails(
        &["- silence: 10s", r#"- { press: "1", at: 1s }"#],
        1,
        "but the call is already at 17.200 s: the time has passed",
    );
}

// A misplaced timed field is refused before anything runs, at its place.
#[test]
fn a_misplaced_timed_field_is_a_load_time_finding() {
    let out = run(&["- expect: { handoff: { tolerance: 100ms } }"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("`tolerance` without `at`"), "{}", out.stderr);
    assert!(out.stderr.contains("s.yaml:5:41"), "{}", out.stderr);
}

/// The operator side (docs/scenario-format.md, "The operator side"): `operator` steps at
/// their times, and a failing expectation on the answer says what was expected and found at
/// its step's `--> s.yaml:LINE:COL`. The handoff is at 8.4 s (7.2 s of welcome, then 1.2 s of
/// "Connecting you now."), so `after: 45s` answers at 53.4 s.
#[test]
fn operator_steps_script_the_call_takers_in_time() {
    let dir = Dir::new();
    dir.write("menu.yaml", MENU);
    let scenario = |answered_at: &str| {
        format!(
            "menu: menu.yaml\nscenarios:\n  - name: answered\n    start: {{ operator: {{ staffed: 1, waiting: 1 }} }}\n    steps:\n      - press: \"1\"\n      - operator: {{ position: 1, at: 30s }}\n      - expect: {{ queue: {{ name: general, position: 1 }} }}\n      - operator: {{ answer: ana, after: 45s }}\n      - expect: {{ outcome: answered, answered: {{ by: ana, at: {answered_at} }} }}\n      - operator: {{ end: resolved, at: 1m }}\n      - expect: {{ disposition: resolved, elapsed: {{ min: 1m, max: 1m }} }}\n"
        )
    };
    dir.write("s.yaml", scenario("53.4s"));
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("PASS  answered (60.0 s)"), "{}", out.stdout);
    dir.write("s.yaml", scenario("50s"));
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("--> s.yaml:10:9"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("expected an answer by `ana` at 50.000 s ± 0; found: answered by ana at `operator` at 53.400 s"),
        "{}",
        out.stdout
    );
    // An action at a time already past fails at its step, never acting "now".
    dir.write(
        "late.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: late\n    start: { operator: { staffed: 1 } }\n    steps:\n      - press: \"1\"\n      - silence: 30s\n      - operator: { answer: ana, at: 20s }\n",
    );
    let out = dir.ivrsim(&["test", "late.yaml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("--> late.yaml:8:9"), "{}", out.stdout);
    assert!(
        out.stdout.contains("`at: 20.0 s` has passed: the call is at "),
        "{}",
        out.stdout
    );
}

/// Misplaced operator fields are refused before the run (exit 2) at their file:line:column.
#[test]
fn misplaced_operator_fields_are_refused_at_their_place() {
    let dir = Dir::new();
    dir.write("menu.yaml", MENU);
    dir.write(
        "s.yaml",
        "menu: menu.yaml\nscenarios:\n  - name: both\n    start: { operator: { staffed: 1 } }\n    steps:\n      - press: \"1\"\n      - operator: { answer: ana, at: 5s, after: 3s }\n  - name: no line\n    steps:\n      - press: \"1\"\n      - operator: { end: done }\n",
    );
    let out = dir.ivrsim(&["test", "s.yaml"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("`at` and `after` together"), "{all}");
    assert!(all.contains("s.yaml:7:49"), "{all}");
    assert!(all.contains("an operator step needs an operator line"), "{all}");
    assert!(all.contains("s.yaml:11:9"), "{all}");
}

/// The example of "The operator side" in docs/scenario-format.md passes on the bundled hotline.
#[test]
fn the_documented_operator_example_passes() {
    let out = crate::support::scenario_doc_example("## The operator side");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("3 passed, 0 failed"), "{}", out.stdout);
}

// Found by trying to break it: a caller action after the call ended fails at its step (it
// used to be dropped and the scenario passed); `within` without `max` waits for its event;
// `position: 0` in an expectation is refused at load, as in an operator step.
#[test]
fn actions_after_the_end_fail_and_open_windows_wait() {
    fails(
        &[r#"- { press: "1", at: 1.5s }"#, r#"- { press: "1", at: 100s }"#],
        1,
        "before the step could act",
    );
    passes(&[
        r#"- { press: "1", at: 1.5s }"#,
        "- expect: { handoff: { within: { min: 1s } } }",
    ]);
    let out = run(&["- expect: { hold_announcement: { position: 0 } }"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("`position: 0`"), "{}", out.stderr);
    let out = run(&[r#"- expect: { answered: { by: "" } }"#]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("a call-taker without a name"), "{}", out.stderr);
}

// Found by a first-time test author: a hold announcement after the caller moved up in the queue
// is read with the position it says, and a window whose event has happened leaves the clock
// where it is (it used to run on to the window's end).
#[test]
fn hold_announcements_carry_the_new_position_and_met_windows_keep_the_clock() {
    let dir = Dir::new();
    let menu = root().join("menus/hotline.yaml");
    dir.write(
        "q.yaml",
        format!(
            "menu: {}\nscenarios:\n  - name: moved up\n    start: {{ at: 2026-03-02T10:00, operator: {{ staffed: 2, waiting: 1 }} }}\n    steps:\n      - press: \"1\"\n      - press: \"2\"\n      - expect: {{ listen: true, handoff: {{ within: {{ min: 1s, max: 10m }} }}, elapsed: {{ max: 1m }} }}\n      - operator: {{ position: 1, after: 20s }}\n      - silence: 40s\n      - expect: {{ hold_announcement: {{ position: 1 }} }}\n",
            menu.display()
        ),
    );
    let out = dir.ivrsim(&["test", "q.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}
