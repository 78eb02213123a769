//! The event loop of one replication: arrivals, callers walking the menu ([`Walks`]), queues,
//! call-takers, patience and callbacks, in virtual time (seconds, `f64`).
//!
//! Time zero is midnight of the day `warm_up` before the traffic's `start`; results count
//! the callers who call from `start` on. Events are kept in a binary heap ordered by time,
//! then by the order they were scheduled (so ties are broken the same way on every run).
//!
//! The queue rules are the operator line's (docs/call-semantics.md, "The operator line"):
//! - a queue answers its highest priority first and, at equal priority, in arrival order
//!   ([`crate::operator::queue::Queues`] keeps its lines the same way);
//! - a call-taker who becomes free takes, among the queues their group serves, the waiting
//!   caller of highest priority, at equal priority the one waiting longest
//!   ([`crate::rules::queue::answer_order`], the console's rule too); with nobody
//!   waiting, the oldest callback request of those queues; else they stay free;
//! - a caller who joins while a call-taker serving the queue is free is answered at once
//!   (by the first group in the traffic file's order with one free);
//! - a queue with `max_waiting` callers refuses one more ([`crate::rules::queue::has_room`]):
//!   the engine runs the transfer's plan for a full queue;
//! - with nobody on shift for the queue, the engine applies the queue's `join_empty` rule;
//! - a waiting caller leaves at the first of their patience and the line's own limit (the
//!   queue's `max_wait` or a `hold` plan's), the latter running the engine's plan;
//! - call-takers leave at the end of their shift once their call and wrap-up are done (no
//!   call is cut).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use hdrhistogram::Histogram;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::model::{Traffic, secs};
use super::stats::{Occupancy, Tally, record_wait, wait_histogram};
use super::walk::{Answer, Behaviour, End, MAX_ANSWERS, Mistake, StageKind, Walks};
use crate::menu::{NodeId, Priority};
use crate::rules::queue::{answer_order, has_room};

/// Most callers in the system at once (in the IVR, waiting, or being answered), per
/// replication. Past it no more callers arrive and the run is marked overloaded
/// ([`RepResult::overloaded`]): the queues grow without end (more callers than the
/// call-takers can answer, and no patience to bound them), and each waiting caller takes
/// memory. A year of the bundled hotline peaks at a few dozen.
pub const MAX_IN_SYSTEM: usize = 1_000_000;

/// How long a run lasts and how it is seeded.
#[derive(Clone, Copy, Debug)]
pub struct RunLength {
    /// Simulated days after the warm-up.
    pub days: f64,
    /// Stop arriving after this many callers counted (after the warm-up), then run until
    /// every caller is done.
    pub max_callers: Option<u64>,
}

/// Everything one replication measured.
#[derive(Clone, Debug)]
pub struct RepResult {
    /// All callers.
    pub total: Tally,
    /// Per traffic queue (callers handed off to it).
    pub queues: Vec<Tally>,
    /// Per priority rank ([`Priority::rank`], 0 the lowest).
    pub priorities: Vec<Tally>,
    /// Per interval of the run (day × slot), by the interval the caller called in.
    pub intervals: Vec<Tally>,
    /// Per queue and interval (`queue * intervals + interval`): answered, answered within
    /// the service-level threshold, abandoned while waiting, and the waits of the answered
    /// in ms (for the staffing search).
    pub queue_intervals: Vec<[u64; 4]>,
    /// Waits of answered callers, all queues, ms.
    pub waits: Histogram<u64>,
    /// Waits of answered callers per queue, ms.
    pub queue_waits: Vec<Histogram<u64>>,
    /// Waits of answered callers per priority rank, ms.
    pub priority_waits: Vec<Histogram<u64>>,
    /// Call-taker time per group.
    pub groups: Vec<Occupancy>,
    /// Call-taker time per interval, all groups.
    pub interval_occupancy: Vec<Occupancy>,
    /// Call-taker time per queue's primary groups (groups whose first skill it is).
    pub queue_occupancy: Vec<Occupancy>,
    /// Callers per walk stage id (each caller counted at the last stage it reached).
    pub stage_counts: Vec<u64>,
    /// Callers who hung up while waiting, per transfer node.
    pub gave_up_waiting: Vec<(NodeId, u64)>,
    /// Callers per interval (arrivals), for the waiting-over-the-day chart: mean number
    /// waiting in each interval (time-average).
    pub interval_waiting: Vec<f64>,
    /// Events handled.
    pub events: u64,
    /// Callers who called (warm-up included).
    pub callers: u64,
    /// Most callers in the system at once (the caller table's size): memory for callers is
    /// this, not the number who called.
    pub peak_callers: usize,
    /// [`MAX_IN_SYSTEM`] callers were in the system at once, and arrivals stopped there.
    pub overloaded: bool,
    /// Simulated seconds (warm-up included).
    pub simulated: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ev {
    /// The next arrival.
    Arrival,
    /// The start of an interval: shifts change, the arrival rate changes.
    Slot,
    /// Caller `.0` is handed off (the time of its current stage).
    Handoff(u32),
    /// Caller `.0`'s wait ends unanswered unless `.1` (its generation) changed.
    Leave(u32, u32),
    /// A call-taker of group `.0` finished a call and its wrap-up.
    Done(u16),
}

#[derive(Clone, Copy, Debug)]
struct Scheduled {
    t: f64,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Scheduled {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scheduled {
    /// Reversed: the heap's top is the earliest, then the first scheduled.
    fn cmp(&self, o: &Self) -> Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}

/// One caller in the system.
#[derive(Clone, Debug)]
struct Caller {
    arrival: f64,
    /// Interval of the run it called in (`None` during the warm-up).
    interval: Option<u32>,
    behaviour: Behaviour,
    answers: [Answer; MAX_ANSWERS],
    n_answers: u8,
    stage: u32,
    queue: u16,
    rank: u8,
    node: NodeId,
    joined: f64,
    /// Bumped when the caller stops waiting (answered, left): stale `Leave` events skip.
    generation: u32,
    waiting: bool,
    /// The line's limit came before patience at the scheduled `Leave`.
    by_limit: bool,
    segment: u32,
    segment_left: f64,
    /// In the system (not released).
    alive: bool,
}

/// A queue's waiting callers: a first-in-first-out line per priority rank.
#[derive(Debug, Default)]
struct Line {
    /// Callers as `(id, generation)`: an entry whose caller's generation moved on (answered,
    /// gone, or the slot reused by a later caller) is dropped when it reaches the front.
    lines: [VecDeque<(u32, u32)>; Priority::ALL.len()],
    waiting: usize,
    callbacks: VecDeque<f64>,
}

#[derive(Debug, Default, Clone, Copy)]
struct GroupState {
    on_shift: u32,
    present: u32,
    busy: u32,
    since: f64,
}

/// One replication.
#[cfg(test)]
#[path = "tests_events.rs"]
mod tests;

/// One replication: the state of the queues, call-takers and callers, and what was measured
/// so far. Build with [`Sim::new`], run with [`Sim::run`].
pub struct Sim<'a, 'm> {
    traffic: &'a Traffic,
    walks: Option<&'a mut Walks<'m>>,
    rng: Pcg64Mcg,
    now: f64,
    seq: u64,
    heap: BinaryHeap<Scheduled>,
    callers: Vec<Caller>,
    free: Vec<u32>,
    lines: Vec<Line>,
    groups: Vec<GroupState>,
    /// Groups serving each queue.
    servers: Vec<Vec<u16>>,
    /// `max_waiting` per traffic queue (from the menu's queue settings).
    max_waiting: Vec<Option<u32>>,
    warm_up: f64,
    end: f64,
    slot: u64,
    rate: f64,
    arrived: u64,
    /// Callers who called after the warm-up (those `max_callers` counts).
    counted: u64,
    active: u64,
    length: RunLength,
    segments: &'a super::hours::Segments,
    out: RepResult,
    waiting_now: usize,
    waiting_since: f64,
    /// Arrival times given instead of drawn ([`Sim::with_arrivals`]).
    given: Option<VecDeque<f64>>,
    /// [`MAX_IN_SYSTEM`], or less for tests.
    max_in_system: usize,
}

impl<'a, 'm> Sim<'a, 'm> {
    /// At most `n` callers in the system at once (default [`MAX_IN_SYSTEM`]).
    pub fn with_max_in_system(mut self, n: usize) -> Self {
        self.max_in_system = n;
        self
    }

    /// Callers arrive at exactly these times (seconds from time zero, increasing) instead of
    /// as drawn from the rates: for tests with exact times.
    pub fn with_arrivals(mut self, times: impl IntoIterator<Item = f64>) -> Self {
        self.given = Some(times.into_iter().collect());
        self
    }

    /// A replication of `traffic` through `walks` (`None`: a bare queue), seeded with `seed`.
    pub fn new(
        traffic: &'a Traffic,
        walks: Option<&'a mut Walks<'m>>,
        segments: &'a super::hours::Segments,
        length: RunLength,
        seed: u64,
    ) -> Self {
        let q = traffic.queues.len();
        let mut servers = vec![Vec::new(); q];
        for (g, group) in traffic.groups.iter().enumerate() {
            for &s in &group.serves {
                servers[s].push(g as u16);
            }
        }
        let max_waiting = traffic
            .queues
            .iter()
            .map(|tq| {
                walks
                    .as_ref()
                    .and_then(|w| w.menu().queues.get(&tq.name))
                    .and_then(|s| s.max_waiting)
            })
            .collect();
        let slots = traffic.slots();
        let days = length.days.max(0.0);
        let intervals = (days * slots as f64).ceil() as usize;
        let end = traffic.warm_up + days * 86_400.0;
        Sim {
            traffic,
            walks,
            rng: Pcg64Mcg::seed_from_u64(seed),
            now: 0.0,
            seq: 0,
            heap: BinaryHeap::new(),
            callers: Vec::new(),
            free: Vec::new(),
            lines: (0..q).map(|_| Line::default()).collect(),
            groups: vec![GroupState::default(); traffic.groups.len()],
            servers,
            max_waiting,
            warm_up: traffic.warm_up,
            end,
            slot: 0,
            rate: 0.0,
            arrived: 0,
            counted: 0,
            active: 0,
            length,
            segments,
            out: RepResult {
                total: Tally::default(),
                queues: vec![Tally::default(); q],
                priorities: vec![Tally::default(); Priority::ALL.len()],
                intervals: vec![Tally::default(); intervals],
                queue_intervals: vec![[0; 4]; q * intervals],
                waits: wait_histogram(),
                queue_waits: (0..q).map(|_| wait_histogram()).collect(),
                priority_waits: (0..Priority::ALL.len()).map(|_| wait_histogram()).collect(),
                groups: vec![Occupancy::default(); traffic.groups.len()],
                interval_occupancy: vec![Occupancy::default(); intervals],
                queue_occupancy: vec![Occupancy::default(); q],
                stage_counts: Vec::new(),
                gave_up_waiting: Vec::new(),
                interval_waiting: vec![0.0; intervals],
                events: 0,
                callers: 0,
                peak_callers: 0,
                overloaded: false,
                simulated: 0.0,
            },
            waiting_now: 0,
            waiting_since: 0.0,
            given: None,
            max_in_system: MAX_IN_SYSTEM,
        }
    }

    fn schedule(&mut self, t: f64, ev: Ev) {
        self.seq += 1;
        self.heap.push(Scheduled { t, seq: self.seq, ev });
    }

    /// Runs to the end and returns what was measured.
    pub fn run(mut self) -> RepResult {
        self.schedule(0.0, Ev::Slot);
        if let Some(&t) = self.given.as_ref().and_then(VecDeque::front) {
            self.schedule(t, Ev::Arrival);
        }
        let mut end = self.end;
        while let Some(s) = self.heap.pop() {
            let stop_arrivals = self.length.max_callers.is_some_and(|m| self.counted >= m);
            if stop_arrivals && self.active == 0 {
                end = self.now;
                break;
            }
            // With a caller limit the run goes on past its days until every caller is done.
            if s.t >= self.end && !(stop_arrivals && self.active > 0) {
                break;
            }
            self.now = s.t;
            end = end.max(s.t);
            self.out.events += 1;
            match s.ev {
                Ev::Arrival => self.arrival(),
                Ev::Slot => self.slot_starts(),
                Ev::Handoff(c) => self.handoff(c),
                Ev::Leave(c, generation) => self.leave(c, generation),
                Ev::Done(g) => self.done(g as usize),
            }
        }
        self.finish(end)
    }

    fn slot_len(&self) -> f64 {
        f64::from(self.traffic.interval)
    }

    /// The day kind and slot of the interval starting at `self.slot`.
    fn kind_and_slot(&self) -> (usize, usize) {
        let slots = self.traffic.slots() as u64;
        let day = self.slot / slots;
        let warm_days = (self.warm_up / 86_400.0).ceil() as i64;
        let date = self
            .traffic
            .start
            .checked_add(jiff::Span::new().days(day as i64 - warm_days))
            .unwrap_or(self.traffic.start);
        (self.traffic.day_kind(date), (self.slot % slots) as usize)
    }

    fn slot_starts(&mut self) {
        let (kind, slot) = self.kind_and_slot();
        self.account_all();
        for (g, group) in self.traffic.groups.iter().enumerate() {
            let want = group.staff[kind][slot];
            let st = &mut self.groups[g];
            st.on_shift = want;
            if want > st.present {
                st.present = want;
            } else {
                let idle = st.present - st.busy;
                st.present -= idle.min(st.present - want);
            }
        }
        for g in 0..self.groups.len() {
            while self.groups[g].present > self.groups[g].busy && self.serve(g) {}
        }
        self.rate = self.traffic.rates[kind][slot] / 3600.0;
        let next_slot = (self.slot + 1) as f64 * self.slot_len();
        self.slot += 1;
        self.schedule(next_slot, Ev::Slot);
        // Arrivals in this interval: memoryless, so the next one is drawn afresh here.
        self.next_arrival(next_slot);
    }

    fn next_arrival(&mut self, slot_end: f64) {
        if self.given.is_some() {
            return;
        }
        if self.rate <= 0.0 || self.length.max_callers.is_some_and(|m| self.counted >= m) {
            return;
        }
        let u: f64 = self.rng.random();
        let t = self.now - (1.0 - u).ln() / self.rate;
        if t < slot_end {
            self.schedule(t, Ev::Arrival);
        }
    }

    fn interval_of(&self, t: f64) -> Option<u32> {
        if t < self.warm_up {
            return None;
        }
        let i = ((t - self.warm_up) / self.slot_len()) as usize;
        (i < self.out.intervals.len()).then_some(i as u32)
    }

    fn arrival(&mut self) {
        let slot_end = self.slot as f64 * self.slot_len();
        if self.active as usize >= self.max_in_system {
            // Overloaded: no more arrivals (the run's results say so); the next interval's
            // start does not restart them either.
            self.out.overloaded = true;
            self.given = Some(VecDeque::new());
            return;
        }
        self.arrived += 1;
        self.counted += u64::from(self.now >= self.warm_up);
        self.active += 1;
        let interval = self.interval_of(self.now);
        let id = self.new_caller(interval);
        if let Some(i) = interval {
            self.out.total.offered += 1;
            self.out.intervals[i as usize].offered += 1;
        }
        if self.walks.is_some() {
            self.walk_start(id);
        } else {
            let c = &mut self.callers[id as usize];
            c.queue = 0;
            c.rank = Priority::Normal.rank() as u8;
            self.count(id, |t| t.handed_off[0] += 1, true);
            self.join(id);
        }
        if let Some(given) = &mut self.given {
            given.pop_front();
            if let Some(&t) = given.front() {
                self.schedule(t, Ev::Arrival);
            }
        } else {
            self.next_arrival(slot_end);
        }
    }

    fn new_caller(&mut self, interval: Option<u32>) -> u32 {
        let c = Caller {
            arrival: self.now,
            interval,
            behaviour: Behaviour {
                intent: 0,
                language: 0,
                zero_out: false,
                mistakes: 0,
            },
            answers: [Answer::Limit; MAX_ANSWERS],
            n_answers: 0,
            stage: u32::MAX,
            queue: 0,
            rank: 0,
            node: NodeId(0),
            joined: 0.0,
            generation: 0,
            waiting: false,
            by_limit: false,
            segment: 0,
            segment_left: f64::INFINITY,
            alive: true,
        };
        match self.free.pop() {
            Some(id) => {
                // A reused slot keeps counting generations, so events and queue entries of
                // the caller before never match the new one.
                let generation = self.callers[id as usize].generation.wrapping_add(1);
                self.callers[id as usize] = Caller { generation, ..c };
                id
            }
            None => {
                self.callers.push(c);
                (self.callers.len() - 1) as u32
            }
        }
    }

    /// Draws the caller's behaviour and takes its first stage.
    fn walk_start(&mut self, id: u32) {
        let callers = self.traffic.callers.as_ref().expect("a menu simulation has callers");
        let lang = pick(&mut self.rng, callers.languages.iter().map(|l| l.share));
        let intent = pick(&mut self.rng, callers.intents.iter().map(|i| i.share));
        let m = callers.languages.get(lang).map(|l| l.mistakes).unwrap_or_default();
        let mut b = Behaviour {
            intent: intent as u16,
            language: lang as u8,
            zero_out: m.zero_out > 0.0 && self.rng.random::<f64>() < m.zero_out,
            mistakes: 0,
        };
        if !b.zero_out && (m.wrong_key + m.silence + m.barge_in) > 0.0 {
            let n = callers.intents[intent].steps.len().min(super::walk::MAX_MISTAKEN_STEPS);
            for i in 0..n {
                let u: f64 = self.rng.random();
                let mistake = if u < m.wrong_key {
                    Mistake::WrongKey
                } else if u < m.wrong_key + m.silence {
                    Mistake::Silence
                } else if u < m.wrong_key + m.silence + m.barge_in {
                    Mistake::BargeIn
                } else {
                    Mistake::None
                };
                b.set_mistake(i, mistake);
            }
        }
        let (segment, left) = self.segments.at(self.now);
        let c = &mut self.callers[id as usize];
        c.behaviour = b;
        c.segment = segment;
        c.segment_left = left;
        self.next_stage(id);
    }

    /// Looks up the caller's stage after its answers so far and acts on it.
    fn next_stage(&mut self, id: u32) {
        let traffic = self.traffic;
        let c = &self.callers[id as usize];
        let (b, seg, left, arrival) = (c.behaviour, c.segment, c.segment_left, c.arrival);
        let answers = c.answers;
        let n = c.n_answers as usize;
        let walks = self.walks.as_deref_mut().expect("walks");
        let start = || {
            let zero = traffic
                .start
                .to_datetime(jiff::civil::Time::midnight())
                .checked_sub(secs(traffic.warm_up))
                .unwrap_or_default();
            zero.checked_add(secs(arrival)).unwrap_or(zero)
        };
        let sid = walks.stage(b, &answers[..n], start, seg, left);
        let stage = walks.get(sid);
        let (kind, at, first) = (stage.kind, stage.at, n == 0);
        let (ivr_time, reason) = (stage.ivr_time, stage.first_reason);
        self.callers[id as usize].stage = sid;
        // The caller's time in the IVR and first handoff are counted once, at the first stage.
        if first {
            let ri = reason.map(super::stats::Tally::reason_index);
            self.count(
                id,
                |t| {
                    t.ivr_time += ivr_time;
                    if let Some(r) = ri {
                        t.handed_off[r] += 1;
                        if r == 1 {
                            t.zero_outs += 1;
                        }
                    }
                },
                false,
            );
        }
        match kind {
            StageKind::Handoff { queue, priority, node } => {
                let c = &mut self.callers[id as usize];
                c.node = node;
                c.rank = priority.rank() as u8;
                match queue {
                    Some(q) => {
                        c.queue = q;
                        let t = arrival + at;
                        self.schedule(t.max(self.now), Ev::Handoff(id));
                    }
                    None => self.end_call(id, End::NoOperator),
                }
            }
            StageKind::Waits { limit, .. } => {
                let patience = traffic.patience.as_ref().map(|p| p.sample(&mut self.rng));
                let limit_t = limit.map(|l| arrival + l);
                self.wait(id, patience, limit_t);
            }
            StageKind::Ended(end) => self.end_call(id, end),
        }
    }

    /// Adds to the tallies of the caller's cohorts: all, its interval, and (with `queued`)
    /// its queue and priority.
    fn count(&mut self, id: u32, f: impl Fn(&mut Tally), queued: bool) {
        let c = &self.callers[id as usize];
        let Some(i) = c.interval else { return };
        f(&mut self.out.total);
        f(&mut self.out.intervals[i as usize]);
        if queued {
            f(&mut self.out.queues[c.queue as usize]);
            f(&mut self.out.priorities[c.rank as usize]);
        }
    }

    fn end_call(&mut self, id: u32, end: End) {
        match end {
            End::Contained => self.count(id, |t| t.contained += 1, false),
            End::Abandoned => self.count(id, |t| t.abandoned_ivr += 1, false),
            End::RetriesExhausted => self.count(id, |t| t.retries_exhausted += 1, false),
            End::NoOperator => self.count(id, |t| t.no_operator += 1, true),
            End::Callback(q, _) => {
                self.count(id, |t| t.callbacks += 1, true);
                if let Some(q) = q
                    && self.traffic.callbacks.returned
                {
                    self.lines[q as usize].callbacks.push_back(self.now);
                    self.wake(q as usize);
                }
            }
            End::Other => self.count(id, |t| t.other_end += 1, false),
        }
        self.release(id);
    }

    fn release(&mut self, id: u32) {
        let c = &self.callers[id as usize];
        if c.interval.is_some() && c.stage != u32::MAX {
            let s = c.stage as usize;
            if self.out.stage_counts.len() <= s {
                self.out.stage_counts.resize(s + 1, 0);
            }
            self.out.stage_counts[s] += 1;
        }
        self.active -= 1;
        self.callers[id as usize].alive = false;
        self.free.push(id);
    }

    /// The caller is handed off to its queue now: the answer the console would give.
    fn handoff(&mut self, id: u32) {
        let q = self.callers[id as usize].queue as usize;
        let staffed = self.servers[q].iter().any(|&g| self.groups[g as usize].on_shift > 0);
        let answer = if has_room(self.lines[q].waiting, self.max_waiting[q]) {
            Answer::Join { staffed }
        } else {
            Answer::Full
        };
        let c = &mut self.callers[id as usize];
        if (c.n_answers as usize) < MAX_ANSWERS {
            c.answers[c.n_answers as usize] = answer;
            c.n_answers += 1;
            self.next_stage(id);
        } else {
            self.end_call(id, End::Other);
        }
    }

    /// The caller waits in its queue (or is answered at once).
    fn join(&mut self, id: u32) {
        let patience = self.traffic.patience.as_ref().map(|p| p.sample(&mut self.rng));
        self.wait(id, patience, None);
    }

    fn wait(&mut self, id: u32, patience: Option<f64>, limit: Option<f64>) {
        let now = self.now;
        self.count(id, |t| t.queued += 1, true);
        let q = self.callers[id as usize].queue as usize;
        // A free call-taker serving the queue answers at once.
        if let Some(g) = self.servers[q]
            .iter()
            .map(|&g| g as usize)
            .find(|&g| self.groups[g].present > self.groups[g].busy)
        {
            self.callers[id as usize].joined = now;
            self.answer(id, g);
            return;
        }
        let leave_p = patience.map(|p| now + p);
        let (leave, by_limit) = match (leave_p, limit) {
            (Some(p), Some(l)) if l < p => (Some(l), true),
            (Some(p), _) => (Some(p), false),
            (None, Some(l)) => (Some(l), true),
            (None, None) => (None, false),
        };
        let c = &mut self.callers[id as usize];
        c.joined = now;
        c.waiting = true;
        c.by_limit = by_limit;
        let generation = c.generation;
        let rank = c.rank as usize;
        self.account_waiting();
        self.waiting_now += 1;
        let line = &mut self.lines[q];
        line.lines[rank].push_back((id, generation));
        line.waiting += 1;
        if let Some(t) = leave {
            self.schedule(t, Ev::Leave(id, generation));
        }
    }

    fn account_waiting(&mut self) {
        // Time-average of callers waiting, per interval.
        let (from, to) = (self.waiting_since, self.now);
        if to > from && self.waiting_now > 0 {
            let len = self.slot_len();
            let mut t = from.max(self.warm_up);
            while t < to {
                let i = ((t - self.warm_up) / len) as usize;
                let end = (self.warm_up + (i as f64 + 1.0) * len).min(to);
                if let Some(w) = self.out.interval_waiting.get_mut(i) {
                    *w += self.waiting_now as f64 * (end - t) / len;
                } else {
                    break;
                }
                t = end;
            }
        }
        self.waiting_since = self.now;
    }

    fn leave(&mut self, id: u32, generation: u32) {
        let c = &self.callers[id as usize];
        if !c.waiting || c.generation != generation {
            return;
        }
        let (q, by_limit, waited, node) = (c.queue as usize, c.by_limit, self.now - c.joined, c.node);
        self.stop_waiting(id, q);
        if by_limit {
            let c = &mut self.callers[id as usize];
            if (c.n_answers as usize) < MAX_ANSWERS {
                c.answers[c.n_answers as usize] = Answer::Limit;
                c.n_answers += 1;
                self.next_stage(id);
            } else {
                self.end_call(id, End::Other);
            }
            return;
        }
        self.count(
            id,
            |t| {
                t.abandoned_queue += 1;
                t.wait_abandoned += waited;
            },
            true,
        );
        if let Some(i) = self.callers[id as usize].interval {
            let n = self.out.intervals.len();
            self.out.queue_intervals[q * n + i as usize][2] += 1;
            match self.out.gave_up_waiting.iter_mut().find(|(n, _)| *n == node) {
                Some((_, k)) => *k += 1,
                None => self.out.gave_up_waiting.push((node, 1)),
            }
        }
        self.release(id);
    }

    fn stop_waiting(&mut self, id: u32, q: usize) {
        self.account_waiting();
        self.waiting_now -= 1;
        let c = &mut self.callers[id as usize];
        c.waiting = false;
        c.generation = c.generation.wrapping_add(1);
        self.lines[q].waiting -= 1;
    }

    /// Group `g` answers caller `id` now.
    fn answer(&mut self, id: u32, g: usize) {
        let c = &self.callers[id as usize];
        let (q, wait, counted, rank) = (
            c.queue as usize,
            self.now - c.joined,
            c.interval.is_some(),
            c.rank as usize,
        );
        let sl = self.traffic.service_level.0;
        self.count(
            id,
            |t| {
                t.answered += 1;
                t.wait_answered += wait;
                if wait > 0.0 {
                    t.delayed += 1;
                }
                if wait <= sl {
                    t.within_sl += 1;
                }
            },
            true,
        );
        if let Some(i) = self.callers[id as usize].interval {
            let n = self.out.intervals.len();
            let cell = &mut self.out.queue_intervals[q * n + i as usize];
            cell[0] += 1;
            cell[1] += u64::from(wait <= sl);
            cell[3] += (wait * 1000.0).round() as u64;
        }
        if counted {
            record_wait(&mut self.out.waits, wait);
            record_wait(&mut self.out.queue_waits[q], wait);
            record_wait(&mut self.out.priority_waits[rank], wait);
        }
        let tq = &self.traffic.queues[q];
        let busy = tq.handle.sample(&mut self.rng) + tq.wrap_up.sample(&mut self.rng);
        self.start_work(g, busy);
        self.release(id);
    }

    fn start_work(&mut self, g: usize, busy: f64) {
        self.account(g);
        self.groups[g].busy += 1;
        self.schedule(self.now + busy, Ev::Done(g as u16));
    }

    fn done(&mut self, g: usize) {
        self.account(g);
        let st = &mut self.groups[g];
        st.busy -= 1;
        if st.present > st.on_shift {
            st.present -= 1; // their shift is over
            return;
        }
        self.serve(g);
    }

    /// A free call-taker of group `g` takes the next caller (or callback); whether one was taken.
    fn serve(&mut self, g: usize) -> bool {
        let mut best: Option<(usize, usize, f64)> = None; // queue, rank, joined
        for &q in &self.traffic.groups[g].serves {
            let line = &mut self.lines[q];
            if line.waiting == 0 {
                continue;
            }
            for rank in (0..Priority::ALL.len()).rev() {
                // Drop callers who already left.
                while let Some(&(front, generation)) = line.lines[rank].front() {
                    let c = &self.callers[front as usize];
                    if c.waiting && c.generation == generation {
                        break;
                    }
                    line.lines[rank].pop_front();
                }
                if let Some(&(front, _)) = line.lines[rank].front() {
                    let joined = self.callers[front as usize].joined;
                    let better = best.is_none_or(|(_, r, j)| {
                        answer_order((Priority::ALL[rank], joined), (Priority::ALL[r], j)) == Ordering::Less
                    });
                    if better {
                        best = Some((q, rank, joined));
                    }
                    break;
                }
            }
        }
        if let Some((q, rank, _)) = best {
            let (id, _) = self.lines[q].lines[rank].pop_front().expect("a live head");
            self.stop_waiting(id, q);
            self.answer(id, g);
            return true;
        }
        if !self.traffic.callbacks.returned {
            return false;
        }
        let oldest = self.traffic.groups[g]
            .serves
            .iter()
            .filter_map(|&q| self.lines[q].callbacks.front().map(|&t| (q, t)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let Some((q, requested)) = oldest else { return false };
        self.lines[q].callbacks.pop_front();
        if requested >= self.warm_up {
            self.out.total.callbacks_returned += 1;
            self.out.queues[q].callbacks_returned += 1;
        }
        let tq = &self.traffic.queues[q];
        let talk = match self.traffic.callbacks.handle_mean {
            Some(m) => -m * (1.0 - self.rng.random::<f64>()).ln(),
            None => tq.handle.sample(&mut self.rng),
        };
        let busy = talk + tq.wrap_up.sample(&mut self.rng);
        self.start_work(g, busy);
        true
    }

    /// A callback was added to queue `q`: a free call-taker serving it takes it.
    fn wake(&mut self, q: usize) {
        if let Some(g) = self.servers[q]
            .iter()
            .map(|&g| g as usize)
            .find(|&g| self.groups[g].present > self.groups[g].busy)
        {
            self.serve(g);
        }
    }

    fn account_all(&mut self) {
        for g in 0..self.groups.len() {
            self.account(g);
        }
        self.account_waiting();
    }

    /// Adds group `g`'s busy and staffed time since its last change (within one interval:
    /// every interval start accounts all groups).
    fn account(&mut self, g: usize) {
        let st = &mut self.groups[g];
        let (from, to) = (st.since.max(self.warm_up), self.now);
        st.since = self.now;
        if to <= from {
            return;
        }
        let o = Occupancy {
            busy: f64::from(st.busy) * (to - from),
            staffed: f64::from(st.present) * (to - from),
        };
        self.out.groups[g].add(&o);
        let i = ((from - self.warm_up) / self.slot_len()) as usize;
        if let Some(io) = self.out.interval_occupancy.get_mut(i) {
            io.add(&o);
        }
        if let Some(&primary) = self.traffic.groups[g].serves.first() {
            self.out.queue_occupancy[primary].add(&o);
        }
    }

    fn finish(mut self, end: f64) -> RepResult {
        self.now = end;
        self.account_all();
        for c in 0..self.callers.len() {
            let caller = &self.callers[c];
            if caller.alive && caller.interval.is_some() {
                self.count(c as u32, |t| t.in_progress += 1, false);
            }
        }
        self.out.simulated = self.now;
        self.out.callers = self.arrived;
        self.out.peak_callers = self.callers.len();
        self.out
    }
}

/// An index drawn with the given weights (summing to 1; the last takes what rounding leaves).
fn pick(rng: &mut Pcg64Mcg, weights: impl Iterator<Item = f64>) -> usize {
    let u: f64 = rng.random();
    let mut acc = 0.0;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        acc += w;
        last = i;
        if u < acc {
            return i;
        }
    }
    last
}
