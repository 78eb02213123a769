//! The queue rules that the engine's operator line, the console's queues and the checks
//! share, each in one place: whether a queue has room for one more caller ([`has_room`]), how
//! the expected wait is estimated and said ([`expected_wait`], [`wait_minutes`]), and the
//! order of the hold announcements ([`HoldAnnouncement`]).

use std::cmp::Ordering;
use std::time::Duration;

use crate::menu::Priority;

/// Whether a queue that holds `waiting` callers takes one more: always without a limit,
/// else while `waiting < max_waiting`. The one rule for "the queue is full", used where the
/// queue lives: the console's queues (`operator::queue::Queues::join`) and the engine's
/// line when a driver without a console says how many wait ahead (`Call::join_queue`).
/// Amazon Connect's "Transfer to queue" takes the `QueueAtCapacity` branch on the same
/// condition (<https://docs.aws.amazon.com/connect/latest/adminguide/transfer-to-queue.html>);
/// Asterisk's `maxlen` likewise refuses a caller when the queue holds `maxlen` callers
/// (`apps/app_queue.c`, `join_queue`: `q->maxlen && q->count >= q->maxlen`).
pub fn has_room(waiting: usize, max_waiting: Option<u32>) -> bool {
    max_waiting.is_none_or(|max| waiting < max as usize)
}

/// The expected wait of a caller at `position` (1 = answered next): `position` ×
/// `handle_time` ÷ `call_takers` (each call ahead, and the caller's own turn to come,
/// takes one average handle time of one of the call-takers). A plain queueing estimate:
/// Asterisk's `announce-holdtime` says a running average of past waits instead
/// (`apps/app_queue.c`, `say_position`), and Amazon Connect's `$.Queue.EstimatedWaitTime`
/// comes from the queue's recent history; a simulator without history uses the position.
/// `call_takers` of 0 is taken as 1. Saturates instead of overflowing.
pub fn expected_wait(position: usize, handle_time: Duration, call_takers: u32) -> Duration {
    let n = u32::try_from(position).unwrap_or(u32::MAX);
    handle_time.saturating_mul(n) / call_takers.max(1)
}

/// The expected wait as said in `{wait}`: whole minutes, rounded up, at least 1 ("about 1
/// minute" rather than "about 0 minutes"; Asterisk likewise says "less than a minute" for no
/// whole minute rather than zero).
pub fn wait_minutes(wait: Duration) -> u64 {
    wait.as_secs().div_ceil(60).max(1)
}

/// The order in which a call-taker who can answer both takes two waiting calls, each given as
/// its priority and when it joined (any clock, the same for both): the more urgent first, and at
/// equal priority the one waiting longest (first come, first served), as ACDs route them
/// (Asterisk's `app_queue.c` inserts a caller behind every caller of the same or a higher
/// priority; Amazon Connect answers the oldest contact of the highest priority).
/// `Ordering::Less`: `a` is answered first. The console's queues (`operator::queue::Queues`)
/// and the traffic simulation's (`simulate::events`) both order by it.
pub fn answer_order<T: PartialOrd>(a: (Priority, T), b: (Priority, T)) -> Ordering {
    b.0.cmp(&a.0)
        .then_with(|| a.1.partial_cmp(&b.1).unwrap_or(Ordering::Equal))
}

/// The hold announcements, in the order they play when due at the same moment: the position
/// first, the expected wait right after it, then the periodic one (Asterisk's
/// `wait_our_turn` in `apps/app_queue.c` tries `say_position` before
/// `say_periodic_announcement` on each pass).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HoldAnnouncement {
    /// The position announcement (`hold.prompt`).
    Position,
    /// The expected wait (`hold.expected_wait`).
    ExpectedWait,
    /// The second, periodic announcement (`hold.periodic`).
    Periodic,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_is_full_at_max_waiting() {
        assert!(has_room(1_000_000, None));
        assert!(has_room(2, Some(3)));
        assert!(!has_room(3, Some(3)));
        assert!(!has_room(0, Some(0)));
    }

    #[test]
    fn the_more_urgent_then_the_longest_waiting_is_answered_first() {
        let urgent = Priority::Urgent;
        let normal = Priority::Normal;
        assert_eq!(answer_order((urgent, 9.0), (normal, 1.0)), Ordering::Less);
        assert_eq!(answer_order((normal, 1.0), (urgent, 9.0)), Ordering::Greater);
        assert_eq!(answer_order((normal, 1.0), (normal, 2.0)), Ordering::Less);
        assert_eq!(answer_order((normal, 2.0), (normal, 2.0)), Ordering::Equal);
    }

    #[test]
    fn expected_wait_is_position_times_handle_time_over_call_takers() {
        let m = |s| Duration::from_secs(s);
        assert_eq!(expected_wait(3, m(240), 2), m(360));
        assert_eq!(wait_minutes(m(360)), 6);
        assert_eq!(wait_minutes(m(361)), 7, "rounded up");
        assert_eq!(wait_minutes(m(10)), 1, "never 0");
        assert_eq!(expected_wait(usize::MAX, m(u64::MAX / 2), 0), Duration::MAX);
    }
}
