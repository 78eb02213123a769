//! A simulated caller's way through the menu: the intent's steps, with the caller's
//! mistakes, performed on a [`VirtualCaller`] exactly as a scenario's caller performs them.

use crate::engine::{At, VirtualCaller};
use crate::scenario::{Step, StepKind};

/// Performs one caller action of a scenario step on `caller` (what `ivrsim test` does for
/// it): `press` (at the caller's turn, or `at` into the prompt playing, keys `gap` apart),
/// `say`, `silence` (for a time, or until the next time-out) and `hangup`. Expectations and
/// operator steps do nothing here (a traffic file has none).
pub fn perform(caller: &mut VirtualCaller<'_>, step: &Step) {
    match &step.kind {
        StepKind::Press { keys, at, gap } => caller.press_spaced(At::from_offset(*at), keys, *gap),
        StepKind::Say { words, at } => caller.say(At::from_offset(*at), words),
        StepKind::Silence(d) => caller.silence(*d),
        StepKind::Hangup { at } => caller.hang_up(At::from_offset(*at)),
        StepKind::Expect(_) | StepKind::Operator(_) => {}
    }
}

use std::collections::HashMap;
use std::time::Duration;

use jiff::civil::DateTime;

use super::model::{Intent, Traffic};
use crate::engine::{CallClock, CallStart, Effect, HandoffReason, LineView, Outcome, PathEvent, QueueEvent};
use crate::menu::{Menu, NoOperatorReason, NodeId, NodeKind, Priority};
use crate::rules::keys::{KeyMatch, match_entry};
use crate::timing::PromptTimings;

/// Most steps of an intent that can carry a mistake (2 bits each in a [`Behaviour`]); later
/// steps are taken as written.
pub const MAX_MISTAKEN_STEPS: usize = 16;

/// Most answers in one call (handoffs answered and wait limits reached): a call handed on
/// more often than this (a `goto` plan into a loop of full queues) is ended there.
pub const MAX_ANSWERS: usize = 8;

/// Timers a caller who has done all their steps lets run (prompts ending, time-outs, hold
/// announcements) before the walk gives up on the call ending; the engine's own limits
/// (retries, the call's maximum length) end every call well before.
const MAX_IDLE_TIMERS: usize = 2_000;

/// How long into a prompt a caller who barges in (or zeroes out) presses, seconds.
pub const BARGE_IN_AFTER: Duration = Duration::from_secs(1);

/// One mistake at one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Mistake {
    /// The step as written.
    None = 0,
    /// A key that is no option at the menu first (a no-match), then the step.
    WrongKey = 1,
    /// Silence until the no-input time-out first, then the step.
    Silence = 2,
    /// The step 1 s into the prompt playing instead of at its end.
    BargeIn = 3,
}

/// What one simulated caller does: the intent, the language and the mistakes drawn for it.
/// Two callers with equal behaviours (and calls in the same stretch of opening hours) walk
/// the menu alike, so the walk is computed once ([`Walks`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Behaviour {
    /// Index into `Callers::intents`.
    pub intent: u16,
    /// Index into `Callers::languages`.
    pub language: u8,
    /// Pressed 0 at once instead of the steps.
    pub zero_out: bool,
    /// Two bits per step ([`Mistake`]), step 0 in the lowest bits.
    pub mistakes: u32,
}

impl Behaviour {
    /// The mistake at step `i`.
    pub fn mistake(&self, i: usize) -> Mistake {
        if i >= MAX_MISTAKEN_STEPS {
            return Mistake::None;
        }
        match (self.mistakes >> (2 * i)) & 3 {
            1 => Mistake::WrongKey,
            2 => Mistake::Silence,
            3 => Mistake::BargeIn,
            _ => Mistake::None,
        }
    }

    /// Sets the mistake at step `i` (ignored past [`MAX_MISTAKEN_STEPS`]).
    pub fn set_mistake(&mut self, i: usize, m: Mistake) {
        if i < MAX_MISTAKEN_STEPS {
            self.mistakes = (self.mistakes & !(3 << (2 * i))) | ((m as u32) << (2 * i));
        }
    }
}

/// What the simulation (the console of the operator line) tells a handed-off call, in
/// order, through the engine's operator line ([`crate::engine::Call::join_queue`],
/// [`crate::engine::Call::handle_queue`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    /// The call joins its queue; `staffed`: a call-taker serving it is on shift (else the
    /// queue's `join_empty` rule decides).
    Join {
        /// Whether a call-taker is on shift.
        staffed: bool,
    },
    /// The queue holds its `max_waiting` callers: the plan for a full queue.
    Full,
    /// The call waited in its queue until the line's own limit (the queue's `max_wait`, a
    /// `hold` plan's `max_wait`): the engine runs the limit's plan.
    Limit,
}

/// How a walk through the menu ends, without a call-taker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The menu ended the call by design (a hang-up node, an external application): the
    /// caller was served in the IVR (contained).
    Contained,
    /// Retries ran out with no fallback; the line said goodbye.
    RetriesExhausted,
    /// The caller hung up in the IVR.
    Abandoned,
    /// No call-taker could take the call; the line said so and hung up.
    NoOperator,
    /// A callback was requested for queue `.0` (traffic index; `None`: not in the traffic
    /// file) at priority `.1`.
    Callback(Option<u16>, Priority),
    /// The call reached its maximum length, or went round without end.
    Other,
}

/// Where a walk stands when the simulation must act, or how it ended. Times are seconds
/// from the start of the call.
#[derive(Clone, Debug)]
pub struct Stage {
    /// What happens.
    pub kind: StageKind,
    /// Call time of it, seconds.
    pub at: f64,
    /// Seconds from the start of the call to the first handoff, or to the end when the call
    /// was never handed off: the caller's time in the IVR.
    pub ivr_time: f64,
    /// Why the call was first handed off, if it was.
    pub first_reason: Option<HandoffReason>,
    /// Nodes entered, in order (the funnel), each with whether a global key (operator, main
    /// menu, back, repeat) took the call there rather than an edge of the node before.
    pub nodes: Vec<(NodeId, bool)>,
    /// The node where the caller hung up (in the IVR, or while holding).
    pub gave_up_at: Option<NodeId>,
}

/// See [`Stage`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StageKind {
    /// Handed off to queue `queue` (traffic index; `None`: a queue the traffic file does not
    /// have) at `priority`, at node `node`: the simulation answers ([`Answer`]).
    Handoff {
        /// Traffic queue index.
        queue: Option<u16>,
        /// Priority in it.
        priority: Priority,
        /// The transfer node.
        node: NodeId,
    },
    /// After [`Answer::Join`] or [`Answer::Full`], the call waits for a call-taker; at call
    /// time `limit` (seconds; `None`: never) the line's own limit takes it out of the queue.
    Waits {
        /// Traffic queue index.
        queue: Option<u16>,
        /// Priority.
        priority: Priority,
        /// The transfer node.
        node: NodeId,
        /// The line's limit, call time in seconds.
        limit: Option<f64>,
    },
    /// The call ended.
    Ended(End),
}

/// Walks of one menu, each distinct one computed once on the engine and kept.
pub struct Walks<'m> {
    menu: &'m Menu,
    timings: &'m PromptTimings,
    intents: &'m [Intent],
    languages: Vec<String>,
    queue_index: HashMap<&'m str, u16>,
    stages: Vec<Stage>,
    index: HashMap<Key, u32>,
    /// Walks computed on the engine (cache misses), for the report.
    pub computed: u64,
}

/// A cached walk: the behaviour, the stretch of opening hours and the answers so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    behaviour: Behaviour,
    segment: u32,
    answers: u32,
}

/// Answers packed 3 bits each after a 4-bit count.
fn pack(answers: &[Answer]) -> u32 {
    let mut v = answers.len() as u32;
    for (i, a) in answers.iter().enumerate() {
        let code = match a {
            Answer::Join { staffed: true } => 1,
            Answer::Join { staffed: false } => 2,
            Answer::Full => 3,
            Answer::Limit => 4,
        };
        v |= code << (4 + 3 * i);
    }
    v
}

impl<'m> Walks<'m> {
    /// Walks of `traffic`'s callers (which must have `callers`) on `menu`.
    pub fn new(menu: &'m Menu, timings: &'m PromptTimings, traffic: &'m Traffic) -> Self {
        let callers = traffic.callers.as_ref();
        let queue_index = traffic
            .queues
            .iter()
            .enumerate()
            .map(|(i, q)| (q.name.as_str(), i as u16))
            .collect();
        Walks {
            menu,
            timings,
            intents: callers.map_or(&[][..], |c| &c.intents),
            languages: callers
                .map(|c| c.languages.iter().map(|l| l.tag.clone()).collect())
                .unwrap_or_default(),
            queue_index,
            stages: Vec::new(),
            index: HashMap::new(),
            computed: 0,
        }
    }

    /// The menu walked.
    pub fn menu(&self) -> &'m Menu {
        self.menu
    }

    /// The stage `id` (see [`Walks::stage`]).
    pub fn get(&self, id: u32) -> &Stage {
        &self.stages[id as usize]
    }

    /// Every stage computed so far, by id.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The stage reached by `behaviour` on a call starting at `start` (local time) after
    /// `answers`: computed on the engine once per behaviour, answers and `segment` (a
    /// stretch of time in which no schedule of the menu opens or closes), then reused while
    /// the stage's time stays within the stretch (`segment_left`: seconds from `start` to
    /// the stretch's end). A walk that would cross it is computed for this call alone.
    pub fn stage(
        &mut self,
        behaviour: Behaviour,
        answers: &[Answer],
        start: impl FnOnce() -> DateTime,
        segment: u32,
        segment_left: f64,
    ) -> u32 {
        let key = Key {
            behaviour,
            segment,
            answers: pack(answers),
        };
        if let Some(&id) = self.index.get(&key)
            && self.stages[id as usize].at < segment_left
        {
            return id;
        }
        let stage = self.compute(behaviour, answers, start());
        self.computed += 1;
        let id = self.stages.len() as u32;
        let cacheable = stage.at < segment_left;
        self.stages.push(stage);
        if cacheable {
            self.index.insert(key, id);
        }
        id
    }

    /// Runs the call on the engine (see the module's notes).
    fn compute(&self, b: Behaviour, answers: &[Answer], start: DateTime) -> Stage {
        let language = self.languages.get(b.language as usize).cloned();
        let call_start = CallStart {
            clock: CallClock::new(start),
            language,
            operator_line: true,
            ..CallStart::default()
        };
        let mut run = Run {
            caller: VirtualCaller::new(self.menu, self.timings, call_start),
            first_handoff: None,
            callback: None,
        };
        let steps: &[Step] = self.intents.get(b.intent as usize).map_or(&[], |i| &i.steps);
        let mut next_step = 0;
        let mut next_answer = 0;
        let mut idle = 0;
        if b.zero_out {
            run.caller.press(At::IntoPrompt(BARGE_IN_AFTER), "0");
            run.drain();
            next_step = steps.len();
        }
        loop {
            if run.caller.is_ended() {
                return self.ended(&run);
            }
            let view = run.caller.line_view();
            match view {
                Some(LineView::Handing) => {
                    let Some(a) = answers.get(next_answer) else {
                        return self.handoff(&run);
                    };
                    next_answer += 1;
                    run.answer(*a);
                    continue;
                }
                Some(LineView::Waiting { .. }) if next_answer > 0 => {
                    if next_answer == answers.len() {
                        return self.waits(&mut run);
                    }
                    // The limit: the line's timers run until it acts.
                    next_answer += 1;
                    match run.caller.waiting_limit() {
                        Some(limit) => {
                            run.caller.run_until(limit);
                            run.drain();
                        }
                        None => {
                            let mut s = self.base(&run, End::Other);
                            s.at = secs_of(run.caller.now());
                            return s;
                        }
                    }
                    continue;
                }
                Some(LineView::Closing { .. } | LineView::Talking { .. } | LineView::Waiting { .. }) => {
                    run.caller.wait_for_timeout();
                    run.drain();
                }
                None if next_step < steps.len() => {
                    run.step(&steps[next_step], b.mistake(next_step));
                    next_step += 1;
                }
                None => {
                    run.caller.wait_for_timeout();
                    run.drain();
                }
            }
            idle += 1;
            if idle > MAX_IDLE_TIMERS + steps.len() {
                let mut s = self.base(&run, End::Other);
                s.at = secs_of(run.caller.now());
                return s;
            }
        }
    }

    fn queue(&self, run: &Run<'_>) -> (Option<u16>, Priority, NodeId) {
        let node = run.caller.current().unwrap_or(NodeId(0));
        match &self.menu.node(node).kind {
            NodeKind::Transfer(t) => (self.queue_index.get(t.queue.as_str()).copied(), t.priority, node),
            _ => (None, Priority::Normal, node),
        }
    }

    fn base(&self, run: &Run<'_>, end: End) -> Stage {
        let path = run.caller.path();
        let mut nodes = Vec::new();
        let mut by_global = false;
        for step in path {
            match step.event {
                PathEvent::Entered => {
                    nodes.push((step.node, by_global));
                    by_global = false;
                }
                PathEvent::Global(_) => by_global = true,
                _ => {}
            }
        }
        let gave_up_at = path
            .iter()
            .rev()
            .find(|s| s.event == PathEvent::CallerHangsUp)
            .map(|s| s.node);
        let now = secs_of(run.caller.now());
        Stage {
            kind: StageKind::Ended(end),
            at: now,
            ivr_time: run.first_handoff.map_or(now, |(t, _)| t),
            first_reason: run.first_handoff.map(|(_, r)| r),
            nodes,
            gave_up_at,
        }
    }

    fn handoff(&self, run: &Run<'_>) -> Stage {
        let (queue, priority, node) = self.queue(run);
        let mut s = self.base(run, End::Other);
        s.kind = StageKind::Handoff { queue, priority, node };
        s
    }

    fn waits(&self, run: &mut Run<'_>) -> Stage {
        let (queue, priority, node) = self.queue(run);
        let mut s = self.base(run, End::Other);
        let limit = run.caller.waiting_limit().map(secs_of);
        s.kind = StageKind::Waits {
            queue,
            priority,
            node,
            limit,
        };
        s
    }

    fn ended(&self, run: &Run<'_>) -> Stage {
        let end = match run.caller.outcome() {
            Some(_) if run.callback.is_some() => {
                let (q, p) = run.callback.clone().unwrap_or_default();
                End::Callback(self.queue_index.get(q.as_str()).copied(), p)
            }
            Some(Outcome::HungUp { .. } | Outcome::External { .. }) => End::Contained,
            Some(Outcome::RetriesExhausted { .. }) => End::RetriesExhausted,
            Some(Outcome::Abandoned) => End::Abandoned,
            Some(Outcome::NoOperator { .. }) => End::NoOperator,
            _ => End::Other,
        };
        self.base(run, end)
    }
}

/// One walk in progress.
struct Run<'m> {
    caller: VirtualCaller<'m>,
    /// Call time (seconds) and reason of the first handoff.
    first_handoff: Option<(f64, HandoffReason)>,
    /// A callback requested: its queue and priority.
    callback: Option<(String, Priority)>,
}

impl Run<'_> {
    /// Takes the effects: notes the first handoff and a callback request.
    fn drain(&mut self) {
        while let Some(e) = self.caller.poll_effect() {
            match e {
                Effect::Handoff(h) if self.first_handoff.is_none() => {
                    self.first_handoff = Some((secs_of(h.time_in_ivr), h.reason));
                }
                Effect::CallbackRequested { queue, priority, .. } => self.callback = Some((queue, priority)),
                _ => {}
            }
        }
    }

    fn answer(&mut self, a: Answer) {
        let t = self.caller.now();
        match a {
            Answer::Join { staffed } => self.caller.join_queue(t, 0, staffed),
            Answer::Full | Answer::Limit => self.caller.handle_queue(
                t,
                QueueEvent::Unavailable {
                    why: NoOperatorReason::Full.words().into(),
                    reason: NoOperatorReason::Full,
                },
            ),
        }
        self.drain();
    }

    /// One step of the intent, with its mistake.
    fn step(&mut self, step: &Step, mistake: Mistake) {
        let acts = matches!(step.kind, StepKind::Press { .. } | StepKind::Say { .. });
        match mistake {
            Mistake::WrongKey if matches!(step.kind, StepKind::Press { .. }) => {
                if let Some(node) = self.caller.current()
                    && matches!(self.caller.menu().node(node).kind, NodeKind::Menu(_))
                    && let Some(k) = wrong_key(self.caller.menu(), node)
                {
                    self.caller.press(At::Turn, k);
                    self.drain();
                }
                perform(&mut self.caller, step);
            }
            Mistake::Silence if acts => {
                self.caller.silence(None);
                self.drain();
                perform(&mut self.caller, step);
            }
            Mistake::BargeIn if acts => {
                // The caller barges in on the prompt of the step that takes their keys or
                // words: messages before it play out first (they take no step), and where that
                // prompt cannot be interrupted the step is taken as written.
                self.play_to_listening_node();
                let mut s = step.clone();
                let listens = self
                    .caller
                    .current()
                    .and_then(|n| self.caller.menu().node(n).kind.listen())
                    .is_some_and(|l| l.barge_in && self.caller.is_playing());
                match &mut s.kind {
                    StepKind::Press { at, .. } | StepKind::Say { at, .. } if at.is_none() && listens => {
                        *at = Some(BARGE_IN_AFTER);
                    }
                    _ => {}
                }
                perform(&mut self.caller, &s);
            }
            _ => perform(&mut self.caller, step),
        }
        self.drain();
    }
}

impl Run<'_> {
    /// Lets prompts of nodes that take no input (messages, and what follows them at once)
    /// play out until the call is at a menu or collect, or ends (at most
    /// [`crate::rules::MAX_PROMPTS_WITHOUT_A_TURN`] prompts).
    fn play_to_listening_node(&mut self) {
        for _ in 0..crate::rules::MAX_PROMPTS_WITHOUT_A_TURN {
            let Some(node) = self.caller.current() else { return };
            if self.caller.is_ended()
                || self.caller.menu().node(node).kind.listen().is_some()
                || !self.caller.is_playing()
            {
                return;
            }
            self.caller.wait_for_timeout();
            self.drain();
        }
    }
}

/// A key that is a no-match at menu `node`: the first of 9 8 … 0 * # that no option nor
/// global key takes.
pub fn wrong_key(menu: &Menu, node: NodeId) -> Option<&'static str> {
    ["9", "8", "7", "6", "5", "4", "3", "2", "1", "0", "*", "#"]
        .into_iter()
        .find(|k| match_entry(menu, node, k) == KeyMatch::None)
}

/// A call time in seconds.
fn secs_of(d: Duration) -> f64 {
    d.as_secs_f64()
}
