//! Call queues: waiting calls per queue name, answered highest priority first and, at equal
//! priority, in arrival order (first come, first served), as ACD systems route them.
//! A caller's position is known on joining and changes as calls ahead are answered or
//! abandoned. Pure: times are passed in, nothing sleeps.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::menu::Priority;

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

/// Every queue of a console.
#[derive(Debug)]
pub struct Queues<T> {
    queues: BTreeMap<String, Vec<Waiting<T>>>,
    next_id: CallId,
    /// Most calls waiting in one queue (`None`: no limit).
    pub max_waiting: Option<usize>,
}

impl<T> Default for Queues<T> {
    fn default() -> Self {
        Self {
            queues: BTreeMap::new(),
            next_id: 1,
            max_waiting: None,
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
        v.sort_by_key(|(_, w)| (std::cmp::Reverse(w.priority), w.joined, w.id));
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
        let q = self.queues.entry(queue.to_owned()).or_default();
        if let Some(max) = self.max_waiting
            && q.len() >= max
        {
            return Err(JoinError::Full {
                queue: queue.to_owned(),
                max,
            });
        }
        // Behind every call of the same or a higher priority: stable, first come first served.
        let at = q.iter().position(|w| w.priority < priority).unwrap_or(q.len());
        q.insert(
            at,
            Waiting {
                id,
                priority,
                joined: now,
                call,
            },
        );
        Ok(at + 1)
    }

    /// The call answered next from `queue`, removed.
    pub fn answer_next(&mut self, queue: &str) -> Option<Waiting<T>> {
        let q = self.queues.get_mut(queue)?;
        (!q.is_empty()).then(|| q.remove(0))
    }

    /// The call answered next from any queue: the highest priority, then the longest wait.
    pub fn answer_any(&mut self) -> Option<Waiting<T>> {
        let (name, _) = self
            .queues
            .iter()
            .filter_map(|(n, q)| {
                q.first()
                    .map(|w| (n.clone(), (std::cmp::Reverse(w.priority), w.joined, w.id)))
            })
            .min_by(|a, b| a.1.cmp(&b.1))?;
        self.answer_next(&name)
    }

    /// Removes a call by ticket (answered by id, or abandoned by the caller).
    pub fn take(&mut self, id: CallId) -> Option<Waiting<T>> {
        for q in self.queues.values_mut() {
            if let Some(i) = q.iter().position(|w| w.id == id) {
                return Some(q.remove(i));
            }
        }
        None
    }

    /// Where call `id` stands.
    pub fn position(&self, id: CallId) -> Option<Position> {
        self.queues.iter().find_map(|(name, q)| {
            q.iter().position(|w| w.id == id).map(|i| Position {
                queue: name.clone(),
                position: i + 1,
            })
        })
    }

    /// Every waiting call, queue by queue in answer order.
    pub fn waiting(&self) -> impl Iterator<Item = (&str, &Waiting<T>)> {
        self.queues
            .iter()
            .flat_map(|(n, q)| q.iter().map(move |w| (n.as_str(), w)))
    }

    /// Number of calls waiting.
    pub fn len(&self) -> usize {
        self.queues.values().map(Vec::len).sum()
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
