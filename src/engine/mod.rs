//! The call engine: one call as a state machine over a [`Menu`], driven by caller events on
//! an explicit clock, in the sans-I/O style of quinn-proto and str0m.
//!
//! A driver (the REPL in real time, the scenario runner in virtual time) hands the call
//! events with the time they happen ([`Call::handle_keys`], [`Call::handle_speech`],
//! [`Call::handle_hangup`]), asks when it next needs waking ([`Call::poll_timeout`]),
//! tells it when that time has come ([`Call::handle_timeout`]), and takes its
//! [`Effect`]s one by one ([`Call::poll_effect`]). The engine never sleeps, reads a
//! terminal or touches a device, so every rule of `docs/call-semantics.md` is a plain unit
//! test with exact timestamps (see `tests.rs`).

mod caller;
mod clock;
mod effect;
mod input;
mod line;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_fail;
#[cfg(test)]
mod tests_hours;
#[cfg(test)]
mod tests_keys;
#[cfg(test)]
mod tests_kinds;
#[cfg(test)]
mod tests_queues;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

pub use caller::{At, VirtualCaller};
pub use clock::{CallClock, parse_local_datetime};
pub use effect::{
    CallTime, Effect, Handoff, HandoffReason, Outcome, PathEvent, PathStep, PromptPlay, PromptRole, StepRecord,
    Summary, Via, route_of, route_of_steps,
};
pub(crate) use effect::{ms as ms_ser, opt_ms as opt_ms_ser};
pub use line::{DEFAULT_HOLD_TEXT, DEFAULT_HOLD_TEXT_NO_PLACE, DEFAULT_NO_OPERATOR_TEXT, LineView, QueueEvent};

use crate::menu::{Counting, GlobalAction, Menu, NodeId, NodeKind, NodeRef, Prompt, SetVar, Test};
use crate::rules;
use crate::timing::PromptTimings;
use input::Failure;

/// Most nodes entered at one instant before the engine decides the call goes round without
/// end; the rule's one home is [`crate::rules::MAX_INSTANT_STEPS`].
pub use crate::rules::MAX_INSTANT_STEPS;

/// The longest a call lasts: at this call time the line hangs up, wherever the call is
/// (`Outcome::HungUp`, reason "the call reached its maximum length"). 4 hours (14,400 s), the
/// default `timeLimit` of a dialled call on Twilio (TwiML `<Dial>`); real platforms all end
/// calls at some such limit. It bounds what a call can hold (its path, transcript and
/// recording) whatever is typed or piped into it. [`CallStart::max_length`] changes it.
pub const MAX_CALL_LENGTH: Duration = Duration::from_secs(4 * 60 * 60);

/// The most steps a call's [`Call::path`] keeps. Past it the first half is kept, the steps
/// after it are replaced by one step that counts them (`(N steps left out)`), and the latest
/// steps are kept after that, so the path's memory does not grow with a caller who goes round
/// and round, while the screen pop still shows how the call began and how it arrived.
pub const MAX_PATH_STEPS: usize = 1000;

/// How a call starts: its local clock (for opening hours), language and preset variables
/// (the caller's number, region, …).
#[derive(Clone, Debug, Default)]
pub struct CallStart {
    /// The call's local date and time at its start.
    pub clock: CallClock,
    /// The call's language; `None`: the menu's first language.
    pub language: Option<String>,
    /// Variables known before the call reaches the menu.
    pub variables: BTreeMap<String, String>,
    /// The driver connects handed-off calls to call-takers and relays what they do
    /// ([`Call::handle_queue`]); without, the call ends at its handoff.
    pub operator_line: bool,
    /// The call's maximum length; `None`: [`MAX_CALL_LENGTH`].
    pub max_length: Option<Duration>,
}

/// Where the call is within a node.
#[derive(Debug)]
struct AtNode {
    node: NodeId,
    /// When the prompt playing ends (the prompt itself went out in its `StartPrompt`
    /// effect; the engine needs only its end).
    playing: Option<CallTime>,
    /// Prompts still to play after it.
    queue: VecDeque<PromptPlay>,
    /// When the caller's turn began (the prompt ended, or was interrupted): the no-input
    /// timer runs from here while no digit has been entered.
    listening_since: Option<CallTime>,
    /// Digits entered so far at this node.
    digits: String,
    /// When the last digit was entered (the inter-digit timer runs from here).
    last_digit_at: Option<CallTime>,
    /// Failures counted here, by the node's counting policy (rule 5).
    counts: rules::Counts,
    /// At a `record` node, once the beep has ended: the recording.
    recording: Option<Recording>,
}

/// A recording in progress ("Recording a message" in docs/call-semantics.md).
#[derive(Clone, Copy, Debug)]
struct Recording {
    /// When it started (the end of the beep, or of the prompt).
    started: CallTime,
    /// When the caller's latest speech ends (each `say` lasts its words at 150 words per
    /// minute from when it is said); `None`: nothing said yet.
    speech_until: Option<CallTime>,
}

/// One call.
pub struct Call<'m> {
    menu: &'m Menu,
    /// How long each prompt plays, and which clip (made once per menu).
    timings: &'m PromptTimings,
    clock: CallClock,
    at: Option<AtNode>,
    /// Keys not yet used: pressed while the line could not take them (a message that
    /// cannot be interrupted), or after the key that moved the call on (type-ahead).
    input: VecDeque<char>,
    effects: VecDeque<Effect>,
    path: Vec<PathStep<'m>>,
    variables: BTreeMap<String, String>,
    language: String,
    /// Menus visited, for the `back` key.
    history: Vec<NodeId>,
    /// Why the call last moved by the caller's doing (kept across automatic steps).
    reason: HandoffReason,
    keys_pressed: u32,
    now: CallTime,
    handoff_at: Option<CallTime>,
    /// Retries ran out with no fallback: the goodbye is playing, then the call ends.
    exhausted: bool,
    /// When nodes were last entered, and how many at that instant.
    entered_at: (CallTime, u32),
    /// The edge the next `goto` takes (set just before it).
    via: Via,
    /// After a collect filled to `max`: its terminator, swallowed if pressed by this time.
    trailing_terminator: Option<(char, CallTime)>,
    ended: bool,
    /// See [`CallStart::operator_line`].
    operator_line: bool,
    /// After the handoff, on an operator line.
    line: Option<line::Line>,
    /// Hold announcements played.
    announcements: u32,
    /// When a call-taker first answered.
    answered_at: Option<CallTime>,
    /// Call-takers logged in, when the driver knows (a scenario's `staffed: N`): the
    /// expected wait divides by it instead of `hold.expected_wait.call_takers`.
    call_takers: Option<u32>,
    /// The call-taker's wrap-up code.
    disposition: Option<String>,
    /// A callback is being taken: its queue and the collect node that takes the number.
    callback: Option<(String, NodeId, crate::menu::Priority)>,
    /// See [`CallStart::max_length`].
    max_length: CallTime,
    /// Path steps replaced by the counting step (see [`MAX_PATH_STEPS`]).
    left_out: u64,
    /// Failure counts of the nodes left so far whose `counting` keeps them (`call`,
    /// `freeswitch`): at most one entry per node of the menu.
    kept: HashMap<NodeId, rules::Counts>,
}

impl<'m> Call<'m> {
    /// Starts a call at time zero at the menu's entry. The first effects (the entry's
    /// prompt) are ready at once.
    pub fn new(menu: &'m Menu, timings: &'m PromptTimings, start: CallStart) -> Self {
        let language = start
            .language
            .filter(|l| menu.languages.contains(l))
            .unwrap_or_else(|| menu.languages.first().cloned().unwrap_or_default());
        let mut call = Call {
            menu,
            timings,
            clock: start.clock,
            at: None,
            input: VecDeque::new(),
            effects: VecDeque::new(),
            path: Vec::new(),
            variables: start.variables,
            language,
            history: Vec::new(),
            reason: HandoffReason::Chosen,
            keys_pressed: 0,
            now: Duration::ZERO,
            handoff_at: None,
            exhausted: false,
            entered_at: (Duration::MAX, 0),
            via: Via::Start,
            trailing_terminator: None,
            ended: false,
            operator_line: start.operator_line,
            line: None,
            announcements: 0,
            answered_at: None,
            call_takers: None,
            disposition: None,
            callback: None,
            max_length: start.max_length.unwrap_or(MAX_CALL_LENGTH),
            left_out: 0,
            kept: HashMap::new(),
        };
        call.goto(&menu.entry, Duration::ZERO);
        call
    }

    /// The next effect, if any. Drivers drain this after every call into the engine.
    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    /// When the engine next needs [`Call::handle_timeout`]: the end of the prompt playing,
    /// the no-input deadline, the inter-digit deadline, a timer of the operator line, or at the
    /// latest the call's maximum length ([`MAX_CALL_LENGTH`]). `None` once the call is over.
    pub fn poll_timeout(&self) -> Option<CallTime> {
        if self.ended {
            return None;
        }
        Some(self.next_timer().map_or(self.max_length, |t| t.min(self.max_length)))
    }

    /// [`Call::poll_timeout`] without the call's maximum length: the next timer of the node
    /// the call is at (a prompt's end, a time-out, a timer of the operator line), if any.
    pub fn poll_node_timeout(&self) -> Option<CallTime> {
        if self.ended { None } else { self.next_timer() }
    }

    /// The next timer of the node the call is at, if any.
    fn next_timer(&self) -> Option<CallTime> {
        let at = self.at.as_ref()?;
        if let Some(end) = at.playing {
            // The line's limits (a `hold` plan's, the queue's `max_wait`) cut an announcement.
            if let NodeKind::Transfer(tr) = &self.menu.node(at.node).kind
                && let Some(limit) = self.line_limit(tr)
            {
                return Some(end.min(limit));
            }
            return Some(end);
        }
        if let NodeKind::Transfer(tr) = &self.menu.node(at.node).kind {
            return self.line_deadline(tr);
        }
        if let NodeKind::Record(r) = &self.menu.node(at.node).kind {
            return at.recording.map(|rec| record_deadline(r, rec));
        }
        if let NodeKind::Message(_) = &self.menu.node(at.node).kind {
            // Waiting for the rest of a global key of several keys (rule 6).
            let idt = crate::rules::inter_digit_timeout(self.menu, at.node);
            return at.last_digit_at.map(|last| last.saturating_add(idt));
        }
        let listen = self.menu.node(at.node).kind.listen()?;
        match (at.last_digit_at, at.listening_since) {
            (Some(last), _) => Some(last.saturating_add(listen.inter_digit_timeout)),
            (None, Some(since)) => Some(since.saturating_add(listen.timeout)),
            (None, None) => None,
        }
    }

    /// Tells the engine that time `now` has come: fires every timer due by then, in order,
    /// each at its own due time.
    pub fn handle_timeout(&mut self, now: CallTime) {
        while let Some(due) = self.poll_timeout() {
            if due > now {
                break;
            }
            self.fire(due);
        }
        if !self.ended {
            self.now = self.now.max(now); // the clock of a call that is over stops at its end
        }
    }

    /// The caller pressed `keys` at `now`, in order and at once (one key, or a burst typed
    /// together). Keys after one that moves the call on are type-ahead for the next node.
    /// With a call-taker on the line, the keys go to the call-taker (the path keeps
    /// `caller pressed KEYS`, a caption says so), not to the menu.
    pub fn handle_keys(&mut self, now: CallTime, keys: &str) {
        self.handle_timeout(now);
        if self.ended {
            return;
        }
        if self.with_operator() {
            // Counted like any key: the summary's `keys pressed` is every key of the call.
            self.keys_pressed += u32::try_from(keys.chars().count()).unwrap_or(u32::MAX);
            self.keys_to_operator(now, keys);
            return;
        }
        for key in keys.chars() {
            self.keys_pressed += 1;
            self.effects.push_back(Effect::DtmfTone { at: now, key });
            // The terminator a caller adds after an entry that was already complete at `max`
            // digits only confirms it (rule 4); it must not act at the next node.
            if let Some((term, until)) = self.trailing_terminator.take()
                && term == key
                && now <= until
            {
                continue;
            }
            self.input.push_back(key);
        }
        self.drain_input(now);
    }

    /// The caller said `words` at `now` (matched against the current menu's `say` keywords).
    pub fn handle_speech(&mut self, now: CallTime, words: &str) {
        self.handle_timeout(now);
        if self.ended {
            return;
        }
        let Some(at) = self.at.as_ref() else { return };
        let node = self.menu.node(at.node);
        let id = at.node;
        self.step(now, Some(id), PathEvent::Said(words.to_owned()));
        match &node.kind {
            NodeKind::Menu(m) => {
                if !self.take_barge_in(now, m.listen.barge_in) {
                    return;
                }
                let hits = crate::rules::options_said(&m.options, words);
                if let [i] = hits[..] {
                    let (to, lang) = (m.options[i].to.clone(), m.options[i].language.clone());
                    self.choose(now, &to, lang, Via::Keyword(i));
                } else {
                    let what = if hits.is_empty() {
                        "no option matches"
                    } else {
                        "more than one option matches"
                    };
                    self.caption(now, format!("\"{words}\": {what}"));
                    self.failure(now, Failure::NoMatch(format!("\"{words}\"")));
                }
            }
            NodeKind::Collect(c) => {
                if self.take_barge_in(now, c.listen.barge_in) {
                    self.caption(now, "this step takes keys, not words".into());
                    self.failure(now, Failure::NoMatch(format!("\"{words}\"")));
                }
            }
            NodeKind::Record(_) => match self.at.as_mut().and_then(|a| a.recording.as_mut()) {
                Some(rec) => {
                    let until = now.saturating_add(crate::timing::text_duration(words));
                    rec.speech_until = Some(rec.speech_until.map_or(until, |u| u.max(until)));
                }
                None => self.caption(now, "the recording starts after the beep: not recorded".into()),
            },
            _ => self.caption(now, "nobody is listening for words here".into()),
        }
    }

    /// Acts as if the caller pressed the global key for `action` at `now` (for a trainee's
    /// `:repeat` or `:back` when the menu has no such key). Not counted as a keypress.
    pub fn handle_action(&mut self, now: CallTime, action: crate::menu::GlobalAction) {
        self.handle_timeout(now);
        if self.ended || self.at.is_none() {
            return;
        }
        self.stop_prompt(now);
        self.global(now, action);
    }

    /// Moves virtual time on while prompts play, as a caller who listens to each one to its
    /// end, until it is the caller's turn (or the call ends). Returns `false` when
    /// `max_prompts` prompts played without a turn (a menu whose messages loop); drivers in
    /// virtual time (the pipe, scenarios) use this.
    pub fn play_to_turn(&mut self, max_prompts: usize) -> bool {
        for _ in 0..max_prompts {
            if self.ended || !self.is_playing() {
                return true;
            }
            match self.poll_timeout() {
                Some(t) => self.handle_timeout(t),
                None => return true,
            }
        }
        self.ended || !self.is_playing()
    }

    /// The caller hung up at `now`.
    pub fn handle_hangup(&mut self, now: CallTime) {
        self.handle_timeout(now);
        if self.ended {
            return;
        }
        let id = self.current();
        self.step(now, id, PathEvent::CallerHangsUp);
        self.stop_prompt(now);
        self.finish(now, Outcome::Abandoned);
    }

    /// The menu the call runs on.
    pub fn menu(&self) -> &'m Menu {
        self.menu
    }

    /// Whether the call is over.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// The node the call is at (`None` before the start or after a failure).
    pub fn current(&self) -> Option<NodeId> {
        self.at.as_ref().map(|a| a.node)
    }

    /// Whether a prompt is playing.
    pub fn is_playing(&self) -> bool {
        self.at.as_ref().is_some_and(|a| a.playing.is_some())
    }

    /// Digits entered so far at the current node.
    pub fn digits(&self) -> &str {
        self.at.as_ref().map_or("", |a| a.digits.as_str())
    }

    /// The call's variables.
    pub fn variables(&self) -> &BTreeMap<String, String> {
        &self.variables
    }

    /// The call's language.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The path so far (typed; [`Call::path_records`] for its text form).
    pub fn path(&self) -> &[PathStep<'m>] {
        &self.path
    }

    /// The path so far as text ([`StepRecord`]s, as handoffs and summaries carry it).
    pub fn path_records(&self) -> Vec<StepRecord> {
        self.path.iter().map(|s| s.record(self.menu)).collect()
    }

    /// The nodes the call entered, joined with arrows ([`route_of`]).
    pub fn route(&self) -> String {
        route_of_steps(self.menu, &self.path)
    }

    /// Keys pressed so far.
    pub fn keys_pressed(&self) -> u32 {
        self.keys_pressed
    }

    /// The latest time the engine has been told about.
    pub fn now(&self) -> CallTime {
        self.now
    }

    /// The menus visited, oldest first (what `back` walks).
    pub fn history(&self) -> Vec<NodeId> {
        self.history.clone()
    }

    /// The call's local clock at `t`.
    pub fn local_time(&self, t: CallTime) -> jiff::civil::DateTime {
        self.clock.at(t)
    }

    // ---------------------------------------------------------------------- internals

    /// Records a step of the path at `node` (none before the call reached a node: nothing
    /// is recorded). Keys pressed together at one node are one step (`keys 2026`); past
    /// [`MAX_PATH_STEPS`] the middle of the path is counted, not kept.
    fn step(&mut self, at: CallTime, node: Option<NodeId>, event: PathEvent<'m>) {
        let Some(node) = node else { return };
        // Keys pressed together at one node are one step: `keys 2026`.
        if let PathEvent::Key(key) = event
            && let Some(last) = self.path.last_mut()
            && last.at == at
            && last.node == node
        {
            match &mut last.event {
                PathEvent::Key(before) if crate::menu::dtmf::is_dtmf(*before) => {
                    last.event = PathEvent::Keys(String::from_iter([*before, key]));
                    return;
                }
                PathEvent::Keys(before) if before.chars().all(crate::menu::dtmf::is_dtmf) => {
                    before.push(key);
                    return;
                }
                _ => {}
            }
        }
        self.path.push(PathStep { at, node, event });
        if self.path.len() > MAX_PATH_STEPS {
            // Keep the first half and the latest steps; one step in between counts the rest.
            let head = MAX_PATH_STEPS / 2;
            let first = self.left_out == 0;
            let gone = self.path.remove(head + 1);
            self.left_out += if first { 2 } else { 1 };
            let marker = &mut self.path[head];
            marker.at = gone.at;
            marker.node = gone.node;
            marker.event = PathEvent::LeftOut(self.left_out);
        }
    }

    fn caption(&mut self, at: CallTime, text: String) {
        self.effects.push_back(Effect::Caption { at, text });
    }

    fn play(&self, node: NodeId, prompt: &Prompt, role: PromptRole, barge_in: bool) -> PromptPlay {
        let (text, _) = prompt.in_language(&self.language);
        let timing = self.timings.of(prompt, Some(&self.language));
        let (text, duration) = if text.contains('{') && !matches!(role, PromptRole::Hold(_)) {
            // Variables read back ("Variables set during a call"): the caption shows the filled text; a prompt
            // without a clip is timed from the words as spoken. Hold announcements fill
            // their own `{position}` and `{queue}` (rule 11).
            let filled = crate::rules::vars::fill(text, &self.variables);
            let duration = match timing.source {
                crate::timing::DurationSource::Clip => timing.duration,
                crate::timing::DurationSource::Text => crate::timing::text_duration(&filled.spoken),
            };
            (filled.caption, duration)
        } else {
            (text.to_owned(), timing.duration)
        };
        PromptPlay {
            node: self.menu.node(node).id.clone(),
            role,
            text,
            clip: timing.clip.map(|c| c.path.clone()),
            at: Duration::ZERO,
            duration,
            barge_in,
        }
    }

    /// Applies `set:` entries at `node` ("Variables set during a call"), each a path step `VAR = VALUE`.
    fn apply_sets(&mut self, t: CallTime, node: NodeId, sets: &'m [SetVar]) {
        for s in sets {
            let value = crate::rules::vars::apply_set(&mut self.variables, s);
            self.step(t, Some(node), PathEvent::Stored { var: &s.var, value });
        }
    }

    /// Starts the first prompt of `queue` at `t` (or, with none, the caller's turn).
    fn start_queue(&mut self, t: CallTime, mut queue: VecDeque<PromptPlay>) {
        let first = queue.pop_front();
        let started = first.is_some();
        self.start_prompt(t, first);
        if started && let Some(at) = self.at.as_mut() {
            at.queue = queue;
        }
    }

    /// Starts `prompt` at `t`, with none after it (or, with none, the caller's turn): a
    /// [`Call::start_queue`] of one prompt without building a queue for it.
    fn start_prompt(&mut self, t: CallTime, prompt: Option<PromptPlay>) {
        let Some(at) = self.at.as_mut() else { return };
        at.playing = None;
        at.listening_since = None;
        match prompt {
            Some(mut p) => {
                p.at = t;
                let end = t.saturating_add(p.duration);
                at.playing = Some(end);
                at.queue.clear();
                self.effects.push_back(Effect::StartPrompt(p));
            }
            None => at.listening_since = Some(t),
        }
    }

    fn stop_prompt(&mut self, t: CallTime) {
        if let Some(at) = self.at.as_mut()
            && at.playing.take().is_some()
        {
            at.queue.clear();
            self.effects.push_back(Effect::StopPrompt { at: t });
        }
    }

    /// A key or word arrived: with barge-in the prompt stops and the input is used; without,
    /// the input is thrown away while the prompt plays. Returns whether to use the input.
    fn take_barge_in(&mut self, t: CallTime, barge_in: bool) -> bool {
        if !self.is_playing() {
            return true;
        }
        if barge_in {
            self.stop_prompt(t);
            if let Some(at) = self.at.as_mut() {
                at.listening_since = Some(t);
            }
            true
        } else {
            self.caption(t, "ignored: this prompt cannot be interrupted".into());
            false
        }
    }

    /// The node's main prompt (and its barge-in).
    fn main_prompt(&self, id: NodeId) -> Option<PromptPlay> {
        let node = self.menu.node(id);
        let barge_in = match &node.kind {
            NodeKind::Menu(m) => m.listen.barge_in,
            NodeKind::Collect(c) => c.listen.barge_in,
            NodeKind::Message(m) => m.barge_in,
            _ => false,
        };
        node.kind.prompt().map(|p| self.play(id, p, PromptRole::Main, barge_in))
    }

    /// The failure counts node `id` starts from as the call enters it by `self.via` (rule 5,
    /// `rules::counts_on_entry`), having kept the counts of the node the call leaves when
    /// its policy keeps them.
    fn counts_on_entry(&mut self, id: NodeId) -> rules::Counts {
        let by_fallback = matches!(self.via, Via::NoInputFallback | Via::NoMatchFallback);
        if let Some(at) = &self.at
            && let Some(l) = self.menu.node(at.node).kind.listen()
            && matches!(l.counting, Counting::Call | Counting::FreeSwitch)
        {
            let left = if by_fallback {
                rules::counts_after_fallback(l.counting, at.counts)
            } else {
                rules::counts_after_choice(l.counting, at.counts)
            };
            self.kept.insert(at.node, left);
        }
        let Some(l) = self.menu.node(id).kind.listen() else {
            return rules::Counts::default();
        };
        let arrival = match self.via {
            Via::Global(GlobalAction::Back | GlobalAction::MainMenu) => rules::Arrival::Return,
            _ => rules::Arrival::Other,
        };
        rules::counts_on_entry(l.counting, self.kept.get(&id).copied(), arrival)
    }

    /// What the caller hears of node `id` after a failure or `repeat`: its `short_prompt`
    /// (FreeSWITCH `greet-short`), else its prompt.
    fn prompt_again(&self, id: NodeId) -> Option<PromptPlay> {
        let node = self.menu.node(id);
        match node.kind.listen() {
            Some(l) if l.short_prompt.is_some() => l
                .short_prompt
                .as_ref()
                .map(|p| self.play(id, p, PromptRole::Main, l.barge_in)),
            _ => self.main_prompt(id),
        }
    }

    /// Moves the call to `to` at `t` and runs what happens on arrival.
    fn goto(&mut self, to: &NodeRef, t: CallTime) {
        // Nodes entered without time passing: routes, or messages whose clips last no time.
        // A loop of them would never end; stop it as a failed call instead.
        if self.entered_at.0 == t {
            self.entered_at.1 += 1;
        } else {
            self.entered_at = (t, 1);
        }
        if self.entered_at.1 > MAX_INSTANT_STEPS {
            let error = format!("the call goes round nodes without end (more than {MAX_INSTANT_STEPS} at one instant)");
            self.finish(t, Outcome::Failed { error });
            return;
        }
        // Borrowed until a route gives an owned reference (no clone for a plain move).
        let mut next = std::borrow::Cow::Borrowed(to);
        for _ in 0..MAX_INSTANT_STEPS {
            let Some(id) = next.node() else {
                let error = format!("the menu refers to a node `{}` that does not exist", next.name);
                self.finish(t, Outcome::Failed { error });
                return;
            };
            match self.enter(id, t) {
                Some(route_to) => next = std::borrow::Cow::Owned(route_to),
                None => return,
            }
        }
        self.finish(
            t,
            Outcome::Failed {
                error: format!("routes loop without end (more than {MAX_INSTANT_STEPS} in a row)"),
            },
        );
    }

    /// Enters node `id` at `t`. Returns the next node for a route (taken at once).
    fn enter(&mut self, id: NodeId, t: CallTime) -> Option<NodeRef> {
        let node = self.menu.node(id);
        self.stop_prompt(t);
        let from = self.at.as_ref().map(|a| a.node);
        self.effects.push_back(Effect::Moved {
            at: t,
            from,
            via: self.via,
            to: id,
        });
        let counts = self.counts_on_entry(id);
        self.via = Via::Next;
        self.step(t, Some(id), PathEvent::Entered);
        self.apply_sets(t, id, &node.set);
        self.at = Some(AtNode {
            node: id,
            playing: None,
            queue: VecDeque::new(),
            listening_since: None,
            digits: String::new(),
            last_digit_at: None,
            counts,
            recording: None,
        });
        match &node.kind {
            NodeKind::Route(r) => {
                let taken = r
                    .routes
                    .iter()
                    .position(|route| route.when.iter().all(|test| self.holds(test, t)));
                let (to, how) = match taken {
                    Some(i) => {
                        self.via = Via::Route(i);
                        (r.routes[i].to.clone(), PathEvent::Route(i + 1))
                    }
                    None => {
                        self.via = Via::RouteDefault;
                        (r.default.clone(), PathEvent::DefaultRoute)
                    }
                };
                self.step(t, Some(id), how);
                return Some(to);
            }
            NodeKind::Menu(_) | NodeKind::Collect(_) => {
                if matches!(node.kind, NodeKind::Menu(_)) && self.history.last() != Some(&id) {
                    self.history.push(id);
                }
                let type_ahead = node.kind.listen().is_some_and(|l| l.type_ahead);
                if !self.input.is_empty() && type_ahead {
                    // Keys typed ahead skip the prompt and are used at once.
                    let keys: String = self.input.iter().collect();
                    let text = format!("type-ahead: {keys} carried over to `{}`, its prompt skipped", node.id);
                    self.caption(t, text);
                    self.start_prompt(t, None);
                    self.drain_input(t);
                    return None;
                }
                if !self.input.is_empty() {
                    self.discard_input(t, &format!("type-ahead is off at `{}`", node.id));
                }
            }
            // Keys typed ahead wait through a message for the menu after it (rule 8).
            NodeKind::Message(_) => {}
            // "A callback the caller chooses": the request goes at once, then the prompt.
            NodeKind::Callback(c) => match self.variables.get(&c.number).filter(|v| !v.trim().is_empty()) {
                Some(number) => {
                    let number = number.trim().to_owned();
                    self.effects.push_back(Effect::CallbackRequested {
                        at: t,
                        queue: c.queue.clone(),
                        number: number.clone(),
                        priority: c.priority,
                        variables: self.variables.clone(),
                    });
                    self.step(
                        t,
                        Some(id),
                        PathEvent::CallbackRequested {
                            queue: &c.queue,
                            number,
                        },
                    );
                }
                None => {
                    self.caption(t, format!("no callback: `{}` holds no number", c.number));
                    self.step(t, Some(id), PathEvent::NoCallbackNumber(&c.number));
                }
            },
            NodeKind::Transfer(_) | NodeKind::Hangup(_) | NodeKind::External(_) => {
                self.discard_input(t, "the call is being handed over or ended")
            }
            NodeKind::Record(r) => {
                self.discard_input(t, "the recording has not started");
                let mut queue: VecDeque<PromptPlay> = self.main_prompt(id).into_iter().collect();
                if r.beep {
                    queue.push_back(PromptPlay {
                        node: node.id.clone(),
                        role: PromptRole::Main,
                        text: "(beep)".into(),
                        clip: None,
                        at: Duration::ZERO,
                        duration: crate::menu::BEEP_LENGTH,
                        barge_in: false,
                    });
                }
                self.start_queue(t, queue);
                if self.at.as_ref().is_some_and(|a| a.playing.is_none()) {
                    self.prompt_done(t);
                }
                return None;
            }
        }
        let prompt = self.main_prompt(id);
        self.start_prompt(t, prompt);
        if self.at.as_ref().is_some_and(|a| a.playing.is_none()) {
            // No prompt: a message goes on, a transfer or hang-up happens, at once.
            self.prompt_done(t);
        }
        None
    }

    fn discard_input(&mut self, t: CallTime, why: &str) {
        if !self.input.is_empty() {
            let keys: String = self.input.drain(..).collect();
            self.caption(t, format!("keys typed ahead ({keys}) dropped: {why}"));
        }
    }

    fn holds(&self, test: &Test, t: CallTime) -> bool {
        match test {
            Test::Equals { var, value } => self.variables.get(var) == Some(value),
            Test::Matches { var, pattern } => self.variables.get(var).is_some_and(|v| pattern.is_match(v)),
            Test::OneOf { var, values } => self.variables.get(var).is_some_and(|v| values.contains(v)),
            // Opening hours, dated exceptions included: the one rule, `Schedule::is_open_at`,
            // at the call's local time now (a call that crossed closing time while in the
            // menu is routed by the time it reaches the route).
            Test::Hours(name) => self
                .menu
                .schedules
                .get(name)
                .is_some_and(|s| s.is_open_at(self.clock.at(t))),
            Test::Language(l) => &self.language == l,
            Test::Compare { var, op, value } => self
                .variables
                .get(var)
                .and_then(|v| crate::rules::vars::number(v))
                .is_some_and(|n| op.holds(n, *value)),
            Test::Between { var, low, high } => self
                .variables
                .get(var)
                .and_then(|v| crate::rules::vars::number(v))
                .is_some_and(|n| *low <= n && n <= *high),
        }
    }

    /// A timer is due at `t`.
    fn fire(&mut self, t: CallTime) {
        self.now = self.now.max(t);
        if t >= self.max_length {
            let id = self.current();
            self.step(t, id, PathEvent::MaxLength);
            self.caption(
                t,
                format!(
                    "the line hangs up: the call reached its maximum length ({})",
                    humantime::format_duration(self.max_length)
                ),
            );
            self.stop_prompt(t);
            self.effects.push_back(Effect::Hangup { at: t });
            self.finish(
                t,
                Outcome::HungUp {
                    reason: "the call reached its maximum length".into(),
                },
            );
            return;
        }
        let Some(at) = self.at.as_mut() else { return };
        if let Some(end) = at.playing
            && end <= t
        {
            at.playing = None;
            let queue = std::mem::take(&mut at.queue);
            if queue.is_empty() {
                self.prompt_done(t);
            } else {
                self.start_queue(t, queue);
            }
            return;
        }
        let id = at.node;
        let has_digits = !at.digits.is_empty();
        match &self.menu.node(id).kind {
            NodeKind::Menu(_) if has_digits => self.menu_entry_timeout(t),
            NodeKind::Message(_) if has_digits => self.message_entry_timeout(t),
            NodeKind::Collect(_) if has_digits => self.collect_entry_done(t),
            NodeKind::Menu(_) | NodeKind::Collect(_) => self.failure(t, Failure::NoInput),
            NodeKind::Transfer(_) => self.line_timer(t),
            NodeKind::Record(_) => self.record_timer(t),
            _ => {}
        }
    }

    /// The last prompt of a node ended at `t`.
    fn prompt_done(&mut self, t: CallTime) {
        let Some(id) = self.current() else { return };
        let node = self.menu.node(id);
        match &node.kind {
            NodeKind::Message(m) => {
                self.via = Via::Next;
                self.goto(&m.next, t);
            }
            NodeKind::Transfer(tr) => {
                if self.line_prompt_done(t) {
                    return;
                }
                if self.operator_line && self.closed_at_handoff(t, tr) {
                    return;
                }
                let variables = match &tr.context {
                    Some(names) => self
                        .variables
                        .iter()
                        .filter(|(k, _)| names.contains(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    None => self.variables.clone(),
                };
                let handoff = Handoff {
                    node: node.id.clone(),
                    queue: tr.queue.clone(),
                    priority: tr.priority,
                    reason: self.reason,
                    path: self.path_records(),
                    variables,
                    language: self.language.clone(),
                    time_in_ivr: t,
                };
                self.handoff_at = Some(t);
                self.effects.push_back(Effect::Handoff(handoff));
                if self.operator_line {
                    self.line = Some(line::Line::Handing);
                    return;
                }
                let outcome = Outcome::Transferred {
                    queue: tr.queue.clone(),
                    priority: tr.priority,
                    reason: self.reason,
                };
                self.finish(t, outcome);
            }
            NodeKind::Hangup(h) => {
                let outcome = Outcome::HungUp {
                    reason: h.reason.clone(),
                };
                self.effects.push_back(Effect::Hangup { at: t });
                self.finish(t, outcome);
            }
            NodeKind::Callback(c) => {
                self.via = Via::Next;
                self.goto(&c.next, t);
            }
            NodeKind::Record(_) => {
                if let Some(at) = self.at.as_mut() {
                    at.recording = Some(Recording {
                        started: t,
                        speech_until: None,
                    });
                }
                self.caption(t, "recording: speak now".into());
            }
            NodeKind::External(e) => match &e.on {
                // "External steps": the step comes back with a result and the call goes on.
                Some(on) => {
                    let result = crate::rules::vars::external_result(&self.variables, &e.store);
                    self.variables.insert(e.store.clone(), result.name().to_owned());
                    self.step(
                        t,
                        Some(id),
                        PathEvent::External {
                            app: e.app,
                            name: &e.name,
                            result: Some(result),
                        },
                    );
                    self.caption(t, format!("{} `{}` came back: {}", e.app.name(), e.name, result.name()));
                    self.via = Via::External(result);
                    self.goto(on.of(result), t);
                }
                // The IVR part of the call ends here, by design.
                None => {
                    self.step(
                        t,
                        Some(id),
                        PathEvent::External {
                            app: e.app,
                            name: &e.name,
                            result: None,
                        },
                    );
                    self.caption(
                        t,
                        format!(
                            "the call is handed to {} `{}`: the IVR's part ends here",
                            e.app.name(),
                            e.name
                        ),
                    );
                    self.finish(
                        t,
                        Outcome::External {
                            app: e.app,
                            name: e.name.clone(),
                        },
                    );
                }
            },
            NodeKind::Menu(_) | NodeKind::Collect(_) => {
                if let Some(at) = self.at.as_mut() {
                    at.listening_since = Some(t);
                }
                // Goodbye after exhausted retries ends the call.
                if self.exhausted {
                    let node = node.id.clone();
                    self.effects.push_back(Effect::Hangup { at: t });
                    self.finish(t, Outcome::RetriesExhausted { node });
                }
            }
            NodeKind::Route(_) => {}
        }
    }
}

/// When a recording ends by itself: at its maximum length, or `final_silence` after the
/// caller's speech ends, or, with no speech at all, `timeout` after it started.
fn record_deadline(r: &crate::menu::RecordNode, rec: Recording) -> CallTime {
    let max = rec.started.saturating_add(r.max_length);
    let quiet = match rec.speech_until {
        Some(until) => until.saturating_add(r.final_silence),
        None => rec.started.saturating_add(r.timeout),
    };
    max.min(quiet)
}

impl Call<'_> {
    /// A recording's timer is due at `t`: its maximum length, the final silence, or no
    /// speech at all.
    fn record_timer(&mut self, t: CallTime) {
        let Some(at) = self.at.as_ref() else { return };
        let (Some(rec), NodeKind::Record(r)) = (at.recording, &self.menu.node(at.node).kind) else {
            return;
        };
        if t >= rec.started.saturating_add(r.max_length) {
            self.end_recording(t, "its maximum length");
        } else if rec.speech_until.is_some() {
            self.end_recording(t, "silence");
        } else {
            self.no_speech(t);
        }
    }

    /// The recording ends at `t` (by `why`): its length is stored and the call goes on.
    pub(super) fn end_recording(&mut self, t: CallTime, why: &'static str) {
        let Some(at) = self.at.as_mut() else { return };
        let id = at.node;
        let Some(rec) = at.recording.take() else { return };
        let NodeKind::Record(r) = &self.menu.node(id).kind else {
            return;
        };
        let length = t.saturating_sub(rec.started);
        self.variables.insert(
            r.store.clone(),
            format!("{}.{:03}", length.as_secs(), length.subsec_millis()),
        );
        self.step(t, Some(id), PathEvent::Recorded { length, why });
        self.caption(
            t,
            format!(
                "recording ended by {why}: {}.{:03} s",
                length.as_secs(),
                length.subsec_millis()
            ),
        );
        self.via = Via::Next;
        self.goto(&r.next, t);
    }

    /// Nothing was said within the recording's `timeout`: `no_speech` (or `next`), length 0.
    fn no_speech(&mut self, t: CallTime) {
        let Some(at) = self.at.as_mut() else { return };
        let id = at.node;
        at.recording = None;
        let NodeKind::Record(r) = &self.menu.node(id).kind else {
            return;
        };
        self.variables.insert(r.store.clone(), "0.000".into());
        self.step(t, Some(id), PathEvent::NoSpeech);
        self.caption(t, "no speech: nothing recorded".into());
        match &r.no_speech {
            Some(to) => {
                self.via = Via::NoInputFallback;
                self.goto(to, t);
            }
            None => {
                self.via = Via::Next;
                self.goto(&r.next, t);
            }
        }
    }
}
