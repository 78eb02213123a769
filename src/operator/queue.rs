//! Call queues: waiting calls per queue name, answered highest priority first and, at equal
//! priority, in arrival order (first come, first served), as ACD systems route them.
//! A caller's position is known on joining and changes as calls ahead are answered or
//! abandoned. Pure: times are passed in, nothing sleeps.
//!
//! Each queue is one first-in-first-out line per priority ([`Priority::ALL`]): joining is a
//! push at the back of its priority's line and answering a pop at the front of the highest
//! non-empty one, so neither moves the calls already waiting (a single `Vec` kept in answer
//! order needed an insert in the middle, and a removal at the front, each moving every call
//! behind).

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use crate::menu::Priority;
use crate::rules::queue::answer_order;

/// A waiting call's ticket.
pub type CallId = u64;

/// One waiting call.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting<T> {
    /// Its ticket.
    pub id: CallId,
    /// Its priority in the queue.
    pub priority: Priority,
    /// When it joined (any clock the caller uses, e.g. the console's uptime).
    pub joined: Duration,
    /// What travels with it (the handoff record).
    pub call: T,
}

/// Why a call could not join.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    /// The queue holds `max_waiting` calls already.
    #[error("the queue `{queue}` is full ({max} waiting)")]
    Full {
        /// The queue.
        queue: String,
        /// Its limit.
        max: usize,
    },
}

/// One queue: a first-in-first-out line per priority, indexed by [`rank`] (lowest first).
#[derive(Debug)]
struct Queue<T> {
    lines: [VecDeque<Waiting<T>>; Priority::ALL.len()],
}

/// The index of `priority` in [`Priority::ALL`] (0 = lowest): [`Priority::rank`].
fn rank(priority: Priority) -> usize {
    priority.rank()
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            lines: std::array::from_fn(|_| VecDeque::new()),
        }
    }
}

impl<T> Queue<T> {
    fn len(&self) -> usize {
        self.lines.iter().map(VecDeque::len).sum()
    }

    /// Calls answered before any call of `priority`: those of every higher priority.
    fn ahead_of(&self, priority: Priority) -> usize {
        self.lines[rank(priority) + 1..].iter().map(VecDeque::len).sum()
    }

    /// Adds `w` behind every call of its priority or a higher one; returns its position.
    fn push(&mut self, w: Waiting<T>) -> usize {
        let ahead = self.ahead_of(w.priority);
        let line = &mut self.lines[rank(w.priority)];
        line.push_back(w);
        ahead + line.len()
    }

    /// The waiting calls in answer order.
    fn iter(&self) -> impl Iterator<Item = &Waiting<T>> {
        self.lines.iter().rev().flatten()
    }

    fn first(&self) -> Option<&Waiting<T>> {
        self.lines.iter().rev().find_map(VecDeque::front)
    }

    fn pop_first(&mut self) -> Option<Waiting<T>> {
        self.lines.iter_mut().rev().find_map(VecDeque::pop_front)
    }

    /// Where call `id` is: (its priority's rank, its index in that line).
    fn find(&self, id: CallId) -> Option<(usize, usize)> {
        self.lines
            .iter()
            .enumerate()
            .find_map(|(r, line)| line.iter().position(|w| w.id == id).map(|i| (r, i)))
    }
}

/// Every queue of a console.
#[derive(Debug)]
pub struct Queues<T> {
    queues: BTreeMap<String, Queue<T>>,
    next_id: CallId,
    /// Most calls waiting in one queue (`None`: no limit): the console's `--max-waiting`.
    pub max_waiting: Option<usize>,
    /// Most calls waiting in each named queue (the menu's `queues.NAME.max_waiting`); the
    /// smaller of this and [`Queues::max_waiting`] applies.
    pub capacity: BTreeMap<String, u32>,
}

impl<T> Default for Queues<T> {
    fn default() -> Self {
        Self {
            queues: BTreeMap::new(),
            next_id: 1,
            max_waiting: None,
            capacity: BTreeMap::new(),
        }
    }
}

/// Where a call stands: its queue and its 1-based position in answer order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// The queue.
    pub queue: String,
    /// 1 = answered next.
    pub position: usize,
}

impl<T> Queues<T> {
    /// Empty queues with no limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a call to `queue` at time `now`; returns its ticket and position.
    ///
    /// # Errors
    /// [`JoinError::Full`] when the queue already holds `max_waiting` calls.
    pub fn join(
        &mut self,
        queue: &str,
        priority: Priority,
        now: Duration,
        call: T,
    ) -> Result<(CallId, usize), JoinError> {
        let id = self.next_id;
        let joined = self.join_as(id, queue, priority, now, call)?;
        self.next_id += 1;
        Ok((id, joined))
    }

    /// [`Queues::join`] for a call that keeps the ticket `id` it was given before (put back
    /// in a queue by the call-taker); returns its position.
    ///
    /// # Errors
    /// [`JoinError::Full`] when the queue already holds `max_waiting` calls.
    pub fn rejoin(
        &mut self,
        id: CallId,
        queue: &str,
        priority: Priority,
        now: Duration,
        call: T,
    ) -> Result<usize, JoinError> {
        self.join_as(id, queue, priority, now, call)
    }

    /// Every waiting call in the order a call-taker answering any queue takes them: the
    /// highest priority first, then the longest wait.
    pub fn in_answer_order(&self) -> Vec<(&str, &Waiting<T>)> {
        let mut v: Vec<(&str, &Waiting<T>)> = self.waiting().collect();
        v.sort_by(|(_, a), (_, b)| answer_order((a.priority, a.joined), (b.priority, b.joined)).then(a.id.cmp(&b.id)));
        v
    }

    fn join_as(
        &mut self,
        id: CallId,
        queue: &str,
        priority: Priority,
        now: Duration,
        call: T,
    ) -> Result<usize, JoinError> {
        // The queue's name is copied once, when the queue is first used.
        if !self.queues.contains_key(queue) {
            self.queues.insert(queue.to_owned(), Queue::default());
        }
        let limit = self.limit(queue);
        let q = self.queues.get_mut(queue).expect("inserted above");
        // The one rule for a full queue, shared with the engine's line.
        if !crate::rules::queue::has_room(q.len(), limit) {
            return Err(JoinError::Full {
                queue: queue.to_owned(),
                max: limit.map_or(usize::MAX, |l| l as usize),
            });
        }
        // Behind every call of the same or a higher priority: stable, first come first served.
        Ok(q.push(Waiting {
            id,
            priority,
            joined: now,
            call,
        }))
    }

    /// The most calls `queue` holds: the smaller of `--max-waiting` and the menu's
    /// `max_waiting` for it (`None`: no limit).
    pub fn limit(&self, queue: &str) -> Option<u32> {
        let console = self.max_waiting.map(|m| u32::try_from(m).unwrap_or(u32::MAX));
        match (console, self.capacity.get(queue).copied()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The call answered next from `queue`, removed.
    pub fn answer_next(&mut self, queue: &str) -> Option<Waiting<T>> {
        self.queues.get_mut(queue)?.pop_first()
    }

    /// The call answered next from any queue: the highest priority, then the longest wait.
    pub fn answer_any(&mut self) -> Option<Waiting<T>> {
        self.queues
            .values_mut()
            .filter_map(|q| {
                let w = q.first()?;
                Some(((w.priority, w.joined, w.id), q))
            })
            .min_by(|(a, _), (b, _)| answer_order((a.0, a.1), (b.0, b.1)).then(a.2.cmp(&b.2)))?
            .1
            .pop_first()
    }

    /// Removes a call by ticket (answered by id, or abandoned by the caller).
    pub fn take(&mut self, id: CallId) -> Option<Waiting<T>> {
        self.queues.values_mut().find_map(|q| {
            let (r, i) = q.find(id)?;
            q.lines[r].remove(i)
        })
    }

    /// Where call `id` stands.
    pub fn position(&self, id: CallId) -> Option<Position> {
        self.queues.iter().find_map(|(name, q)| {
            let (r, i) = q.find(id)?;
            Some(Position {
                queue: name.clone(),
                position: q.lines[r + 1..].iter().map(VecDeque::len).sum::<usize>() + i + 1,
            })
        })
    }

    /// Every waiting call, queue by queue in answer order.
    pub fn waiting(&self) -> impl Iterator<Item = (&str, &Waiting<T>)> {
        self.queues
            .iter()
            .flat_map(|(n, q)| q.iter().map(move |w| (n.as_str(), w)))
    }

    /// The calls waiting in `queue`, in answer order (the first is position 1).
    pub fn waiting_in(&self, queue: &str) -> impl Iterator<Item = &Waiting<T>> {
        self.queues.get(queue).into_iter().flat_map(Queue::iter)
    }

    /// Number of calls waiting.
    pub fn len(&self) -> usize {
        self.queues.values().map(Queue::len).sum()
    }

    /// Whether no call waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn higher_priority_first_then_first_come_first_served() {
        let mut q = Queues::new();
        let (a, pa) = q.join("general", Priority::Normal, s(0), "a").unwrap();
        let (b, pb) = q.join("general", Priority::Normal, s(1), "b").unwrap();
        let (c, pc) = q.join("general", Priority::Urgent, s(2), "c").unwrap();
        let (_, pd) = q.join("general", Priority::Low, s(3), "d").unwrap();
        assert_eq!((pa, pb, pc, pd), (1, 2, 1, 4), "positions on joining");
        assert_eq!(q.position(a).unwrap().position, 2, "the urgent call went ahead");
        assert_eq!(q.answer_next("general").unwrap().id, c);
        assert_eq!(q.answer_next("general").unwrap().id, a);
        assert_eq!(q.position(b).unwrap().position, 1);
        assert_eq!(q.answer_next("general").unwrap().call, "b");
        assert_eq!(q.answer_next("general").unwrap().call, "d");
        assert!(q.answer_next("general").is_none() && q.is_empty());
    }

    #[test]
    fn numeric_levels_order_with_the_named_aliases_1_first() {
        // Amazon Connect's convention: 1 is answered first, 5 is `normal`, 9 last.
        let p = |t: &str| Priority::parse(t).unwrap();
        assert_eq!(p("5"), Priority::Normal);
        assert_eq!(p("1"), Priority::Urgent);
        assert!(Priority::parse("0").is_none() && Priority::parse("10").is_none());
        let mut q = Queues::new();
        let (_, _) = q.join("q", p("9"), s(0), "nine").unwrap();
        let (_, _) = q.join("q", p("normal"), s(1), "normal").unwrap();
        let (_, p4) = q.join("q", p("4"), s(2), "four").unwrap();
        let (_, p2) = q.join("q", p("2"), s(3), "two").unwrap();
        assert_eq!((p4, p2), (1, 1), "4 goes ahead of 5 and 9, then 2 ahead of 4");
        let order: Vec<&str> = std::iter::from_fn(|| q.answer_any().map(|w| w.call)).collect();
        assert_eq!(order, ["two", "four", "normal", "nine"]);
        assert_eq!(p("4").name(), "4");
        assert_eq!(p("3").name(), "high");
    }

    #[test]
    fn a_queue_with_a_capacity_from_the_menu_refuses_one_more() {
        let mut q = Queues::new();
        q.capacity.insert("small".into(), 1);
        q.max_waiting = Some(3);
        assert!(q.join("small", Priority::Normal, s(0), ()).is_ok());
        assert_eq!(
            q.join("small", Priority::Normal, s(1), ()),
            Err(JoinError::Full {
                queue: "small".into(),
                max: 1
            })
        );
        for t in 0..3 {
            assert!(q.join("big", Priority::Normal, s(t), ()).is_ok());
        }
        assert!(q.join("big", Priority::Normal, s(4), ()).is_err(), "--max-waiting");
    }

    #[test]
    fn abandoning_moves_the_calls_behind_up() {
        let mut q = Queues::new();
        let (a, _) = q.join("q", Priority::Normal, s(0), ()).unwrap();
        let (b, _) = q.join("q", Priority::Normal, s(1), ()).unwrap();
        assert!(q.take(a).is_some());
        assert_eq!(
            q.position(b),
            Some(Position {
                queue: "q".into(),
                position: 1
            })
        );
        assert!(q.take(a).is_none(), "gone once");
    }

    #[test]
    fn answer_any_takes_priority_then_the_longest_wait_across_queues() {
        let mut q = Queues::new();
        q.join("billing", Priority::Normal, s(5), "late normal").unwrap();
        q.join("general", Priority::Normal, s(1), "early normal").unwrap();
        q.join("urgent", Priority::High, s(9), "high").unwrap();
        let order: Vec<&str> = std::iter::from_fn(|| q.answer_any().map(|w| w.call)).collect();
        assert_eq!(order, vec!["high", "early normal", "late normal"]);
    }

    /// The rule as one `Vec` per queue kept in answer order (the layout before the
    /// per-priority lines): a new call goes in front of the first call of a lower priority.
    #[derive(Default)]
    struct Model {
        queues: BTreeMap<String, Vec<(CallId, Priority, Duration)>>,
    }

    impl Model {
        fn join(&mut self, id: CallId, queue: &str, priority: Priority, now: Duration) -> usize {
            let q = self.queues.entry(queue.to_owned()).or_default();
            let at = q.iter().position(|w| w.1 < priority).unwrap_or(q.len());
            q.insert(at, (id, priority, now));
            at + 1
        }

        fn position(&self, id: CallId) -> Option<Position> {
            self.queues.iter().find_map(|(name, q)| {
                q.iter().position(|w| w.0 == id).map(|i| Position {
                    queue: name.clone(),
                    position: i + 1,
                })
            })
        }

        fn take(&mut self, id: CallId) -> Option<CallId> {
            let q = self.queues.values_mut().find(|q| q.iter().any(|w| w.0 == id))?;
            let i = q.iter().position(|w| w.0 == id)?;
            Some(q.remove(i).0)
        }

        fn answer_next(&mut self, queue: &str) -> Option<CallId> {
            let q = self.queues.get_mut(queue)?;
            (!q.is_empty()).then(|| q.remove(0).0)
        }

        fn answer_any(&mut self) -> Option<CallId> {
            let (name, _) = self
                .queues
                .iter()
                .filter_map(|(n, q)| q.first().map(|w| (n.clone(), (std::cmp::Reverse(w.1), w.2, w.0))))
                .min_by(|a, b| a.1.cmp(&b.1))?;
            self.answer_next(&name)
        }

        fn order(&self) -> Vec<(String, CallId)> {
            self.queues
                .iter()
                .flat_map(|(n, q)| q.iter().map(move |w| (n.clone(), w.0)))
                .collect()
        }
    }

    #[test]
    fn per_priority_lines_answer_and_report_positions_as_one_ordered_list_does() {
        // 1,000 random joins, rejoins, abandons and answers over three queues, checked after
        // each against the model: every position, the answer order, and who is answered.
        let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let names = ["a", "b", "c"];
        let mut q: Queues<CallId> = Queues::new();
        let mut model = Model::default();
        let mut ids: Vec<CallId> = Vec::new();
        for step in 0..1000u64 {
            let now = s(step);
            match next(10) {
                0..=4 => {
                    let (name, p) = (names[next(3) as usize], Priority::ALL[next(9) as usize]);
                    let (id, pos) = q.join(name, p, now, 0).unwrap();
                    assert_eq!(pos, model.join(id, name, p, now), "join at step {step}");
                    ids.push(id);
                }
                5 if !ids.is_empty() => {
                    // Put back: the same ticket joins another queue, behind its equals.
                    let id = ids[next(ids.len() as u64) as usize];
                    let (got, want) = (q.take(id).map(|w| w.id), model.take(id));
                    assert_eq!(got, want, "take at step {step}");
                    if got.is_some() {
                        let (name, p) = (names[next(3) as usize], Priority::ALL[next(9) as usize]);
                        let pos = q.rejoin(id, name, p, now, 0).unwrap();
                        assert_eq!(pos, model.join(id, name, p, now), "rejoin at step {step}");
                    }
                }
                6 if !ids.is_empty() => {
                    let id = ids[next(ids.len() as u64) as usize];
                    assert_eq!(q.take(id).map(|w| w.id), model.take(id), "abandon at step {step}");
                }
                7 => {
                    let name = names[next(3) as usize];
                    let got = q.answer_next(name).map(|w| w.id);
                    assert_eq!(got, model.answer_next(name), "answer_next at step {step}");
                }
                _ => assert_eq!(
                    q.answer_any().map(|w| w.id),
                    model.answer_any(),
                    "answer_any at step {step}"
                ),
            }
            let order: Vec<(String, CallId)> = q.waiting().map(|(n, w)| (n.to_owned(), w.id)).collect();
            assert_eq!(order, model.order(), "order at step {step}");
            for name in names {
                let here: Vec<CallId> = q.waiting_in(name).map(|w| w.id).collect();
                let want: Vec<CallId> = order.iter().filter(|(n, _)| n == name).map(|w| w.1).collect();
                assert_eq!(here, want);
            }
            for &id in &ids {
                assert_eq!(q.position(id), model.position(id), "position of {id} at step {step}");
            }
            assert_eq!(q.len(), order.len());
        }
    }

    #[test]
    fn a_full_queue_refuses_the_call() {
        let mut q = Queues::new();
        q.max_waiting = Some(1);
        q.join("q", Priority::Normal, s(0), ()).unwrap();
        assert_eq!(
            q.join("q", Priority::Urgent, s(1), ()),
            Err(JoinError::Full {
                queue: "q".into(),
                max: 1
            })
        );
        assert!(
            q.join("other", Priority::Normal, s(1), ()).is_ok(),
            "the limit is per queue"
        );
    }
}
