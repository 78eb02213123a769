//! Opening hours with dated exceptions (issue 13, "Holidays and closures"), with exact call
//! clocks. Prompts have no clips: 0.4 s per word (150 words per minute).
//!
//! The rule (`menu::schedule::Schedule::is_open_at`): on a date, a closure wins, then special
//! hours, then the weekly periods, as Amazon Connect's hours-of-operation overrides do
//! (<https://docs.aws.amazon.com/connect/latest/adminguide/set-hours-operation.html>); a
//! route tests the schedule at the moment the call reaches it (Asterisk's `GotoIfTime` and
//! Connect's "Check hours of operation" block read the clock when the call runs them).

use std::time::Duration;

use super::*;
use crate::menu::testing::menu;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

const HOLIDAYS: &str = r#"
name: T
entry: r
schedules:
  office:
    weekly:
      - { days: mon-fri, from: "08:00", to: "18:00" }
    closed: ["2026-12-25", "2026-12-31/2027-01-01"]
    special:
      - { date: "2026-12-24", from: "08:00", to: "12:00" }
      - { date: "2026-12-27", from: "10:00", to: "14:00" }
nodes:
  r:
    kind: route
    routes:
      - { when: { hours: office }, to: op }
    default: closed
  op: { kind: transfer, queue: q }
  closed: { kind: hangup, reason: closed }
"#;

/// Where a call started at `clock` ends, and when.
fn outcome(m: &Menu, clock: CallClock, until: Duration) -> (Outcome, Duration) {
    let clips = PromptTimings::text_only();
    let mut c = Call::new(
        m,
        &clips,
        CallStart {
            clock,
            ..CallStart::default()
        },
    );
    c.handle_timeout(until);
    let s = std::iter::from_fn(|| c.poll_effect())
        .find_map(|e| match e {
            Effect::Ended(s) => Some(s),
            _ => None,
        })
        .expect("the call ended");
    (s.outcome, s.time_in_ivr)
}

fn at(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> CallClock {
    CallClock::new(jiff::civil::date(y, mo, d).at(h, mi, 0, 0))
}

fn transferred(o: &Outcome) -> bool {
    matches!(o, Outcome::Transferred { .. })
}

/// Friday 2026-12-25 at 10:00 is inside the weekly hours, but the date is closed: the route
/// takes `default`, at 0 ms (routes take no time).
#[test]
fn a_call_on_a_closed_date_takes_the_closed_branch() {
    let m = menu(HOLIDAYS);
    let (o, t) = outcome(&m, at(2026, 12, 25, 10, 0), ms(1000));
    assert_eq!(
        o,
        Outcome::HungUp {
            reason: "closed".into()
        }
    );
    assert_eq!(t, ms(0));
    // The Friday before, an ordinary day, is open at the same time.
    assert!(transferred(&outcome(&m, at(2026, 12, 18, 10, 0), ms(1000)).0));
    // A range closes every date in it, its last included (Friday 2027-01-01).
    for d in [at(2026, 12, 31, 10, 0), at(2027, 1, 1, 10, 0)] {
        assert!(!transferred(&outcome(&m, d, ms(1000)).0));
    }
    assert!(transferred(&outcome(&m, at(2027, 1, 4, 10, 0), ms(1000)).0));
}

/// Thursday 2026-12-24 has special hours 08:00-12:00: open at 11:59, closed at 12:00 and at
/// 15:00 (which the weekly hours would have kept open). Sunday 2026-12-27, closed weekly,
/// opens 10:00-14:00.
#[test]
fn special_hours_replace_the_weekly_hours_on_their_date() {
    let m = menu(HOLIDAYS);
    assert!(transferred(&outcome(&m, at(2026, 12, 24, 11, 59), ms(1000)).0));
    assert!(!transferred(&outcome(&m, at(2026, 12, 24, 12, 0), ms(1000)).0));
    assert!(!transferred(&outcome(&m, at(2026, 12, 24, 15, 0), ms(1000)).0));
    assert!(!transferred(&outcome(&m, at(2026, 12, 24, 7, 59), ms(1000)).0));
    assert!(transferred(&outcome(&m, at(2026, 12, 27, 10, 0), ms(1000)).0));
    assert!(!transferred(&outcome(&m, at(2026, 12, 27, 14, 0), ms(1000)).0));
}

/// A call that starts at 11:59:58 on 24 December and listens to a 2-word message (0.8 s),
/// then a 1-word menu prompt (0.4 s), then waits out its 5 s time-out, reaches the route at
/// 12:00:04.2: closed by then,
/// although the special hours were open when it started.
#[test]
fn a_call_crossing_closing_time_is_routed_by_the_time_it_reaches_the_route() {
    let yaml = r#"
name: T
entry: hello
defaults: { timeout: 5s, max_no_input: 1, fallback: r }
schedules:
  office:
    weekly: [{ days: mon-fri, from: "08:00", to: "18:00" }]
    special: [{ date: "2026-12-24", from: "08:00", to: "12:00" }]
nodes:
  hello: { kind: message, prompt: { text: "hello there" }, next: main }
  main: { kind: menu, prompt: { text: "press" }, options: [{ key: "1", to: r }] }
  r:
    kind: route
    routes: [{ when: { hours: office }, to: op }]
    default: closed
  op: { kind: transfer, queue: q }
  closed: { kind: hangup, reason: closed }
"#;
    let m = menu(yaml);
    let start = CallClock::new(jiff::civil::date(2026, 12, 24).at(11, 59, 58, 0));
    // hello 0.8 s, main's prompt 0.4 s, 5 s of silence: the route at 6.2 s = 12:00:04.2.
    let (o, t) = outcome(&m, start, ms(20_000));
    assert_eq!(
        o,
        Outcome::HungUp {
            reason: "closed".into()
        }
    );
    assert_eq!(t, ms(6200));
    // Pressing 1 at 0.9 s (main's prompt playing) reaches the route at 11:59:58.9: open.
    let clips = PromptTimings::text_only();
    let mut c = Call::new(
        &m,
        &clips,
        CallStart {
            clock: start,
            ..CallStart::default()
        },
    );
    c.handle_timeout(ms(900));
    c.handle_keys(ms(900), "1");
    c.handle_timeout(ms(5000));
    let ended = std::iter::from_fn(|| c.poll_effect()).find_map(|e| match e {
        Effect::Ended(s) => Some(s),
        _ => None,
    });
    assert!(transferred(&ended.expect("ended").outcome));
}
