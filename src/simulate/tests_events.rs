//! The event loop's queue rules, with exact times (fixed handle times, given arrivals).

use super::*;
use crate::simulate::dist::Dist;
use crate::simulate::hours::Segments;
use crate::simulate::model::Traffic;

fn bare(c: u32, rate: f64, handle: Dist, patience: Option<Dist>) -> Traffic {
    Traffic::bare(c, rate, handle, patience)
}

fn run_given(t: &Traffic, arrivals: &[f64]) -> RepResult {
    let seg = Segments::whole();
    let len = RunLength {
        days: 1.0,
        max_callers: None,
    };
    Sim::new(t, None, &seg, len, 1)
        .with_arrivals(arrivals.iter().copied())
        .run()
}

#[test]
fn one_call_taker_answers_in_arrival_order() {
    let t = bare(1, 0.0, Dist::Fixed(10.0), None);
    let r = run_given(&t, &[0.0, 1.0, 2.0]);
    assert_eq!(r.total.offered, 3);
    assert_eq!(r.total.answered, 3);
    assert_eq!(r.total.delayed, 2);
    // Waits 0, 9 and 18 s.
    assert_eq!(r.total.wait_answered, 27.0);
    assert_eq!(r.total.within_sl, 3, "0, 9 and 18 s are all within 20 s");
    let p100 = crate::simulate::stats::quantile(&r.waits, 1.0);
    assert!((p100 - 18.0).abs() < 0.018, "{p100}: within the histogram's 0.1 %");
}

#[test]
fn service_level_counts_waits_up_to_the_threshold() {
    let t = bare(1, 0.0, Dist::Fixed(21.0), None);
    let r = run_given(&t, &[0.0, 0.0, 0.0]);
    // Waits 0, 21, 42: only the first within 20 s.
    assert_eq!(r.total.within_sl, 1);
    assert_eq!(r.total.wait_answered, 63.0);
}

#[test]
fn callers_give_up_after_their_patience() {
    let t = bare(1, 0.0, Dist::Fixed(10.0), Some(Dist::Fixed(5.0)));
    let r = run_given(&t, &[0.0, 1.0, 2.0, 12.0]);
    // 0 answered at once (busy to 10); 1 leaves at 6, 2 at 7; 12 answered at once.
    assert_eq!(r.total.answered, 2);
    assert_eq!(r.total.abandoned_queue, 2);
    assert_eq!(r.total.wait_abandoned, 10.0);
    assert_eq!(r.total.wait_answered, 0.0);
}

#[test]
fn a_caller_answered_at_the_instant_of_their_patience_is_answered_first_scheduled_first() {
    // Caller 1 joins at 1 with patience 9: leaves at 10, the instant the call-taker frees.
    // The call-taker's `Done` was scheduled first (at 0), so it comes first: answered.
    let t = bare(1, 0.0, Dist::Fixed(10.0), Some(Dist::Fixed(9.0)));
    let r = run_given(&t, &[0.0, 1.0]);
    assert_eq!(r.total.answered, 2);
    assert_eq!(r.total.abandoned_queue, 0);
}

#[test]
fn wrap_up_keeps_the_call_taker_busy() {
    let mut t = bare(1, 0.0, Dist::Fixed(10.0), None);
    t.queues[0].wrap_up = Dist::Fixed(5.0);
    let r = run_given(&t, &[0.0, 1.0]);
    assert_eq!(r.total.wait_answered, 14.0, "answered at 15, 14 s after joining");
    // Busy 30 s over a day of one call-taker.
    assert!((r.groups[0].busy - 30.0).abs() < 1e-9);
    assert!((r.groups[0].staffed - 86_400.0).abs() < 1e-6);
}

#[test]
fn call_takers_leave_when_their_shift_ends_but_finish_their_call() {
    let mut t = bare(1, 0.0, Dist::Fixed(600.0), None);
    // On shift 00:00–00:30 only.
    for kind in &mut t.groups[0].staff {
        kind.iter_mut().skip(1).for_each(|s| *s = 0);
    }
    let r = run_given(&t, &[1700.0, 1750.0]);
    // The first is answered at 1700 and talks past the shift's end (to 2300); the second
    // waits and nobody is left: still waiting when the day ends.
    assert_eq!(r.total.answered, 1);
    assert_eq!(r.total.in_progress, 1);
    // Staffed 1800 s + the call past the end (500 s).
    assert!((r.groups[0].staffed - 2300.0).abs() < 1e-6, "{}", r.groups[0].staffed);
}

#[test]
fn more_call_takers_at_a_shift_start_take_waiting_callers_at_once() {
    let mut t = bare(0, 0.0, Dist::Fixed(60.0), None);
    for kind in &mut t.groups[0].staff {
        kind[1] = 2; // 00:30–01:00
    }
    let r = run_given(&t, &[100.0, 200.0, 300.0]);
    // Waits: 1700, 1600 (both answered at 1800), and 1500 + 60 (the first frees at 1860).
    assert_eq!(r.total.answered, 3);
    assert_eq!(r.total.wait_answered, 1700.0 + 1600.0 + 1560.0);
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let t = bare(
        3,
        600.0,
        Dist::exponential(60.0).unwrap(),
        Some(Dist::exponential(120.0).unwrap()),
    );
    let seg = Segments::whole();
    let len = RunLength {
        days: 1.0,
        max_callers: None,
    };
    let a = Sim::new(&t, None, &seg, len, 42).run();
    let b = Sim::new(&t, None, &seg, len, 42).run();
    let c = Sim::new(&t, None, &seg, len, 43).run();
    assert_eq!(a.total, b.total);
    assert_ne!(a.total, c.total);
    assert!(
        a.total.offered > 14_000 && a.total.offered < 15_000,
        "{}",
        a.total.offered
    );
}

#[test]
fn an_overloaded_queue_stops_arrivals_at_the_cap_instead_of_filling_memory() {
    // 3600 callers an hour, one call-taker taking an hour each, nobody gives up.
    let t = bare(1, 3600.0, Dist::Fixed(3600.0), None);
    let seg = Segments::whole();
    let len = RunLength {
        days: 1.0,
        max_callers: None,
    };
    let r = Sim::new(&t, None, &seg, len, 1).with_max_in_system(500).run();
    assert!(r.overloaded);
    assert!(r.peak_callers <= 500, "{}", r.peak_callers);
    // 500 waiting and the one being answered (answered callers leave the caller table).
    assert_eq!(r.total.offered, 501);
}
