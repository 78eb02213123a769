//! The queue rules of the operator line (docs/call-semantics.md, rule 11 and "Queues"), with
//! exact times: per-queue settings (capacity, opening hours, wait limit, Asterisk's
//! `joinempty` / `leavewhenempty`), a plan per reason no call-taker can take the call, and
//! the hold experience (expected wait, a second periodic announcement, an exit key).
//! Prompts here have no clips: 0.4 s a word (150 words per minute). The call presses 1 at
//! 0 s and is handed off at 0.8 s, when "please hold" ends.

use std::time::Duration;

use super::*;
use crate::menu::NoOperatorReason;
use crate::menu::testing::menu;
use crate::timing::PromptTimings;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A hotline whose transfer `t` puts callers in queue `a`, with `queue` as the settings of
/// `a` under `queues:` (YAML lines indented by four spaces, or empty) and `hold` as the
/// transfer's `hold:` (a YAML flow mapping).
fn hotline(queue: &str, hold: &str) -> Menu {
    menu(&format!(
        r#"
name: Q
entry: main
schedules:
  office: [{{ days: mon-fri, from: "08:00", to: "18:00" }}]
queues:
  a:
    max_waiting: 5
{queue}
nodes:
  main:
    kind: menu
    prompt: {{ text: "press one" }}
    options: [{{ key: "1", to: t }}]
    fallback: t
  t:
    kind: transfer
    queue: a
    prompt: {{ text: "please hold" }}
    hold: {hold}
    when_no_operator: {{ action: message, prompt: {{ text: "sorry nobody" }} }}
  voicemail: {{ kind: hangup, prompt: {{ text: "leave a message" }} }}
  full: {{ kind: hangup, prompt: {{ text: "the queue is full" }} }}
  closed: {{ kind: hangup, prompt: {{ text: "we are closed" }} }}
"#
    ))
}

const HOLD: &str = r#"{ every: 20s, prompt: { text: "you are number {position}" } }"#;

/// A call on an operator line and the effects it gave; shared with `line`'s own tests.
pub(super) struct Run<'m> {
    pub(super) call: Call<'m>,
    pub(super) effects: Vec<Effect>,
}

impl<'m> Run<'m> {
    /// A call on an operator line at `clock`, handed off at 0.8 s.
    pub(super) fn start(m: &'m Menu, clips: &'m PromptTimings, clock: Option<&str>) -> Self {
        let mut start = CallStart {
            operator_line: true,
            ..CallStart::default()
        };
        if let Some(c) = clock {
            start.clock = CallClock::new(c.parse().expect("a date and time"));
        }
        let mut call = Call::new(m, clips, start);
        call.handle_keys(ms(0), "1");
        call.handle_timeout(ms(800));
        let mut r = Run {
            call,
            effects: Vec::new(),
        };
        r.drain();
        r
    }

    pub(super) fn drain(&mut self) -> Vec<Effect> {
        let new: Vec<Effect> = std::iter::from_fn(|| self.call.poll_effect()).collect();
        self.effects.extend(new.iter().cloned());
        new
    }

    pub(super) fn to(&mut self, t: u64) -> Vec<Effect> {
        self.call.handle_timeout(ms(t));
        self.drain()
    }

    pub(super) fn queue(&mut self, t: u64, e: QueueEvent) -> Vec<Effect> {
        self.call.handle_queue(ms(t), e);
        self.drain()
    }

    pub(super) fn keys(&mut self, t: u64, k: &str) -> Vec<Effect> {
        self.call.handle_keys(ms(t), k);
        self.drain()
    }

    /// Prompts started at the transfer and after it: (start ms, text).
    pub(super) fn heard(&self) -> Vec<(u64, String)> {
        self.effects
            .iter()
            .filter_map(|e| match e {
                Effect::StartPrompt(p) if p.at >= ms(800) => Some((p.at.as_millis() as u64, p.text.clone())),
                _ => None,
            })
            .collect()
    }

    pub(super) fn left(&self) -> Vec<(u64, String)> {
        self.effects
            .iter()
            .filter_map(|e| match e {
                Effect::LeftQueue { at, reason, .. } => Some((at.as_millis() as u64, reason.clone())),
                _ => None,
            })
            .collect()
    }

    pub(super) fn moved_to(&self, m: &Menu) -> Vec<(u64, String, Via)> {
        self.effects
            .iter()
            .filter_map(|e| match e {
                Effect::Moved { at, via, to, .. } if *at >= ms(800) => {
                    Some((at.as_millis() as u64, m.node(*to).id.clone(), *via))
                }
                _ => None,
            })
            .collect()
    }

    pub(super) fn summary(&self) -> Option<&crate::engine::Summary> {
        self.effects.iter().find_map(|e| match e {
            Effect::Ended(s) => Some(s),
            _ => None,
        })
    }

    pub(super) fn outcome(&self) -> Option<&Outcome> {
        self.effects.iter().find_map(|e| match e {
            Effect::Ended(s) => Some(&s.outcome),
            _ => None,
        })
    }
}

fn waiting(position: usize, staffed: bool) -> QueueEvent {
    QueueEvent::Waiting {
        queue: "a".into(),
        position,
        staffed,
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

/// Asterisk `joinempty` / `leavewhenempty` (configs/samples/queues.conf.sample and
/// `apps/app_queue.c`, `join_queue` and `wait_our_turn`): with `joinempty = yes` a caller
/// joins a queue with no member logged in and waits; with `leavewhenempty = yes` a waiting
/// caller is taken out when the last member leaves. ivrsim's defaults (`join_empty: false`,
/// `leave_when_empty: true`) keep menu format v1: the plan at once.
#[test]
fn join_empty_waits_with_nobody_logged_in_and_leave_when_empty_takes_the_caller_out() {
    let clips = PromptTimings::text_only();
    // v1: joining with nobody logged in runs the plan at once (1.0 s).
    let m = hotline("", HOLD);
    let mut r = Run::start(&m, &clips, None);
    r.queue(1000, waiting(1, false));
    assert_eq!(r.left(), vec![(1000, s("no call-taker available"))]);
    assert_eq!(r.heard(), vec![(1000, s("sorry nobody"))]);

    // join_empty: the caller waits, hears the position at once and every 20 s.
    let m = hotline("    join_empty: true\n    leave_when_empty: false", HOLD);
    let mut r = Run::start(&m, &clips, None);
    r.queue(1000, waiting(1, false));
    r.to(41_000);
    assert!(r.left().is_empty());
    assert_eq!(
        r.heard(),
        vec![
            (1000, s("you are number 1")),
            (21_000, s("you are number 1")),
            (41_000, s("you are number 1"))
        ]
    );
    // A call-taker logs in at 45 s, out at 50 s: `leave_when_empty: false` keeps it waiting.
    r.queue(45_000, waiting(1, true));
    r.queue(50_000, waiting(1, false));
    assert!(r.left().is_empty() && !r.call.is_ended());

    // leave_when_empty (the default): the last call-taker logging out at 50 s takes it out.
    let m = hotline("    join_empty: true", HOLD);
    let mut r = Run::start(&m, &clips, None);
    r.queue(1000, waiting(1, true));
    r.queue(50_000, waiting(1, false));
    assert_eq!(r.left(), vec![(50_000, s("no call-taker available"))]);
    assert_eq!(r.heard().last(), Some(&(50_000, s("sorry nobody"))));
}

/// A plan per reason: the queue's `when_full` wins over the transfer's `when_no_operator`
/// for a full queue; nobody logged in still gets the transfer's plan.
#[test]
fn each_reason_gets_its_own_plan() {
    let clips = PromptTimings::text_only();
    let m = hotline("    when_full: { action: goto, to: full }", HOLD);
    let mut r = Run::start(&m, &clips, None);
    r.queue(
        1000,
        QueueEvent::Unavailable {
            why: "the queue is full".into(),
            reason: NoOperatorReason::Full,
        },
    );
    assert_eq!(r.moved_to(&m), vec![(1000, s("full"), Via::NoOperator)]);
    assert!(r.left().is_empty(), "it never had a place");

    let mut r = Run::start(&m, &clips, None);
    r.queue(
        1000,
        QueueEvent::Unavailable {
            why: "no console".into(),
            reason: NoOperatorReason::Unstaffed,
        },
    );
    assert_eq!(r.heard(), vec![(1000, s("sorry nobody"))]);
}

/// Capacity: one rule (`rules::queue::has_room`) for the console's queues and the engine's
/// line. With `max_waiting: 5`, a caller with 5 ahead is refused as `full` (Amazon Connect's
/// QueueAtCapacity branch) at the handoff; with 4 ahead it waits at position 5.
#[test]
fn a_driver_without_a_console_joins_by_the_capacity_rule() {
    let clips = PromptTimings::text_only();
    let m = hotline("    when_full: { action: goto, to: full }", HOLD);
    let mut r = Run::start(&m, &clips, None);
    r.call.join_queue(ms(800), 5, true);
    r.drain();
    assert_eq!(r.moved_to(&m), vec![(800, s("full"), Via::NoOperator)]);

    let mut r = Run::start(&m, &clips, None);
    r.call.join_queue(ms(800), 4, true);
    r.drain();
    assert_eq!(r.heard(), vec![(800, s("you are number 5"))]);
}

/// Opening hours of a queue: outside them the call never joins (no handoff), and the plan for
/// `closed` runs when the transfer prompt ends (0.8 s).
#[test]
fn a_closed_queue_runs_its_closed_plan_at_the_handoff() {
    let clips = PromptTimings::text_only();
    let m = hotline("    hours: office\n    when_closed: { action: goto, to: closed }", HOLD);
    // Saturday 2026-03-07, 10:00: closed.
    let r = Run::start(&m, &clips, Some("2026-03-07T10:00"));
    assert!(!r.effects.iter().any(|e| matches!(e, Effect::Handoff(_))));
    assert_eq!(r.moved_to(&m), vec![(800, s("closed"), Via::NoOperator)]);
    // Monday 10:00: open, handed off.
    let r = Run::start(&m, &clips, Some("2026-03-02T10:00"));
    assert!(r.effects.iter().any(|e| matches!(e, Effect::Handoff(_))));
    assert!(r.moved_to(&m).is_empty());
}

/// The queue's `max_wait` runs from joining (1 s): at 61 s the caller leaves the queue (even
/// in the middle of an announcement) and the plan for `waited_too_long` runs.
#[test]
fn max_wait_takes_the_caller_out_after_the_limit() {
    let clips = PromptTimings::text_only();
    let hold = r#"{ every: 20s, prompt: { text: "you are number {position} in the line here" } }"#;
    let m = hotline(
        "    max_wait: 1m\n    when_waited_too_long: { action: goto, to: voicemail }",
        hold,
    );
    let mut r = Run::start(&m, &clips, None);
    r.queue(1000, waiting(2, true));
    r.to(60_999);
    assert!(r.left().is_empty());
    // 8 words: 3.2 s. The third announcement starts at 41 s, the fourth would at 61 s.
    r.to(61_000);
    assert_eq!(r.left(), vec![(61_000, s("the caller waited too long"))]);
    assert_eq!(r.moved_to(&m), vec![(61_000, s("voicemail"), Via::NoOperator)]);
    assert_eq!(r.heard().iter().filter(|h| h.1.starts_with("you are")).count(), 3);
}

/// The hold experience: the position announcement at once and every 20 s; the expected wait
/// right after each one (position × handle time ÷ call-takers, whole minutes rounded up:
/// 3 × 4 min ÷ 2 = 6); the periodic announcement first 40 s after joining and every 40 s,
/// after the position and the expected wait when due together (Asterisk's `wait_our_turn`
/// says the position before the periodic announcement).
#[test]
fn expected_wait_and_periodic_announcements_have_their_times() {
    let clips = PromptTimings::text_only();
    let hold = r#"{ every: 20s, prompt: { text: "you are number {position}" },
      expected_wait: { handle_time: 4m, call_takers: 2, prompt: { text: "about {wait} minutes" } },
      periodic: { every: 40s, prompt: { text: "visit our website" } } }"#;
    let m = hotline("", hold);
    let mut r = Run::start(&m, &clips, None);
    r.queue(1000, waiting(3, true));
    r.to(45_000);
    // "you are number 3": 4 words, 1.6 s; "about 6 minutes": 3 words, 1.2 s.
    assert_eq!(
        r.heard(),
        vec![
            (1000, s("you are number 3")),
            (2600, s("about 6 minutes")),
            (21_000, s("you are number 3")),
            (22_600, s("about 6 minutes")),
            (41_000, s("you are number 3")),
            (42_600, s("about 6 minutes")),
            (43_800, s("visit our website")),
        ]
    );
    // Moved up to 1 at 50 s: said at the next announcement, 61 s (1 × 4 min ÷ 2 = 2 min).
    r.queue(50_000, waiting(1, true));
    r.to(64_000);
    assert_eq!(
        r.heard()[7..],
        [(61_000, s("you are number 1")), (62_600, s("about 2 minutes"))]
    );
    // The periodic one keeps its own period: due at 81 s with the position again, so after
    // it and the expected wait (81 + 1.6 + 1.2 s); likewise at 121 s.
    r.to(125_000);
    assert!(r.heard().contains(&(83_800, s("visit our website"))));
    assert!(r.heard().contains(&(123_800, s("visit our website"))));
    assert!(r.heard().contains(&(101_000, s("you are number 1"))));
}

/// The exit key while holding (Asterisk's queue `context`: a one-digit exit): pressing it
/// leaves the queue at once (the announcement stops) and goes to its node; other keys do
/// nothing.
#[test]
fn the_exit_key_leaves_the_queue_for_its_node() {
    let clips = PromptTimings::text_only();
    let hold = r#"{ every: 20s, prompt: { text: "you are number {position} press one to leave a message" },
      exit: { key: "1", to: voicemail } }"#;
    let m = hotline("", hold);
    let mut r = Run::start(&m, &clips, None);
    r.queue(1000, waiting(2, true));
    r.keys(2000, "5");
    assert!(r.left().is_empty() && !r.call.is_ended());
    let e = r.keys(3000, "1");
    assert!(e.contains(&Effect::StopPrompt { at: ms(3000) }));
    assert_eq!(r.left(), vec![(3000, s("the caller pressed the exit key"))]);
    assert_eq!(r.moved_to(&m), vec![(3000, s("voicemail"), Via::HoldExit)]);
    r.to(10_000);
    assert!(matches!(r.outcome(), Some(Outcome::HungUp { .. })));
}

/// A driver that knows how many call-takers are logged in (a scenario's `staffed: N`) sets
/// it: the expected wait divides by it instead of the menu's `call_takers` (3 × 4 min ÷ 4 =
/// 3 min, where the menu's 2 say 6); `None` goes back to the menu's figure. The line as a
/// driver reads it follows the console's events.
#[test]
fn call_takers_known_to_the_driver_set_the_expected_wait_and_the_line_view_follows() {
    let clips = PromptTimings::text_only();
    let hold = r#"{ every: 20s, prompt: { text: "you are number {position}" },
      expected_wait: { handle_time: 4m, call_takers: 2, prompt: { text: "about {wait} minutes" } } }"#;
    let m = hotline("", hold);
    let mut r = Run::start(&m, &clips, None);
    assert_eq!(r.call.line_view(), Some(LineView::Handing));
    r.call.set_call_takers(Some(4));
    r.queue(1000, waiting(3, true));
    assert_eq!(
        r.call.line_view(),
        Some(LineView::Waiting {
            queue: "a",
            position: Some(3),
            staffed: true
        })
    );
    r.to(20_000);
    assert_eq!(r.heard()[1], (2600, s("about 3 minutes")));
    r.call.set_call_takers(None);
    r.to(23_000);
    assert_eq!(r.heard()[3], (22_600, s("about 6 minutes")));
    r.queue(30_000, QueueEvent::Answered { operator: "ana".into() });
    assert_eq!(r.call.answered_at(), Some(ms(30_000)));
    assert_eq!(
        r.call.line_view(),
        Some(LineView::Talking {
            queue: "a",
            operator: "ana",
            held: false
        })
    );
    r.queue(
        40_000,
        QueueEvent::Ended {
            disposition: "done".into(),
        },
    );
    assert_eq!(r.call.disposition(), Some("done"));
    assert_eq!(r.call.line_view(), None, "ended");
}
