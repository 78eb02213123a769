//! The call's timed event log for scenarios, and the timed expectations checked against it
//! (`expect: { prompt_stopped: { node: main, at: 1.5s } }`, docs/scenario-format.md, "Timed
//! expectations").
//!
//! A [`Timeline`] is built from what the call engine already reports, nothing else: its
//! [`Effect`]s (prompts started and stopped, the DTMF tones of keys, the handoff, the end) and
//! its path ([`PathStep`]s: nodes entered, no-inputs, no-matches, queue positions, answers, the
//! caller's words and hang-up). Every [`Event`] has its time on the call's clock (virtual time
//! from 0 at the call's start, a [`Duration`]), so expectations compare times exactly.
//!
//! Why a prompt stopped is read from the same records: a `StopPrompt` at the instant of a key
//! or words of the caller is a barge-in, at the instant of the caller's hang-up a hang-up, any
//! other before the prompt's end a move of the line (a queue limit, a call-taker); a prompt
//! that reached its length (its start plus its duration) without a `StopPrompt` ended there.

use std::fmt::Write as _;
use std::time::Duration;

use crate::engine::{CallTime, Effect, MAX_PATH_STEPS, Outcome, PathEvent, PathStep, PromptPlay, PromptRole};
use crate::menu::Menu;
use crate::source::Span;

/// The kinds of event a timed expectation names; [`EventKind::name`] is the field of
/// `expect:` that names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `prompt_started`: a prompt started playing.
    PromptStarted,
    /// `prompt_stopped`: a prompt stopped: by barge-in, at its end, by the caller's hang-up, or
    /// because the line moved on.
    PromptStopped,
    /// `reprompt`: a no-input or no-match re-prompt (the node's own, or the `defaults` one)
    /// started. A node with no re-prompt of that kind plays its prompt again: that is a
    /// `prompt_started`, not a `reprompt`.
    Reprompt,
    /// `no_input`: a turn ended without a key or word (the time-out passed).
    NoInput,
    /// `no_match`: an entry that is not a choice.
    NoMatch,
    /// `handoff`: the call was handed to a call-taker's queue (the screen pop was sent).
    Handoff,
    /// `hung_up`: the call ended by a hang-up, the line's or the caller's.
    HungUp,
    /// `hold_announcement`: a hold announcement started, with the caller's queue position.
    HoldAnnouncement,
    /// `answered`: a call-taker answered.
    Answered,
    /// `entered`: the call entered a node.
    Entered,
}

impl EventKind {
    /// Every kind, with the `expect:` field that names it.
    pub const ALL: [(EventKind, &'static str); 10] = [
        (EventKind::PromptStarted, "prompt_started"),
        (EventKind::PromptStopped, "prompt_stopped"),
        (EventKind::Reprompt, "reprompt"),
        (EventKind::NoInput, "no_input"),
        (EventKind::NoMatch, "no_match"),
        (EventKind::Handoff, "handoff"),
        (EventKind::HungUp, "hung_up"),
        (EventKind::HoldAnnouncement, "hold_announcement"),
        (EventKind::Answered, "answered"),
        (EventKind::Entered, "entered"),
    ];

    /// The `expect:` field that names this kind.
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(k, _)| *k == self).map_or("", |(_, n)| n)
    }

    /// The filters of a timed expectation that apply to this kind (`node` and the times apply
    /// to every kind).
    pub fn filters(self) -> &'static [&'static str] {
        match self {
            EventKind::PromptStarted => &["prompt"],
            EventKind::PromptStopped => &["prompt", "by"],
            EventKind::Reprompt => &["prompt", "kind"],
            EventKind::HungUp => &["by"],
            EventKind::HoldAnnouncement => &["prompt", "position"],
            EventKind::Answered => &["by"],
            _ => &[],
        }
    }

    /// The values `by` takes for this kind.
    pub fn by_values(self) -> &'static [&'static str] {
        match self {
            EventKind::PromptStopped => &["barge_in", "end", "hangup", "move"],
            EventKind::HungUp => &["caller", "line"],
            _ => &[],
        }
    }

    /// In words, for messages: `a prompt stopped`, `a no-input re-prompt`.
    fn words(self) -> &'static str {
        match self {
            EventKind::PromptStarted => "a prompt started",
            EventKind::PromptStopped => "a prompt stopped",
            EventKind::Reprompt => "a re-prompt",
            EventKind::NoInput => "a no-input",
            EventKind::NoMatch => "a no-match",
            EventKind::Handoff => "a handoff",
            EventKind::HungUp => "a hang-up",
            EventKind::HoldAnnouncement => "a hold announcement",
            EventKind::Answered => "an answer by a call-taker",
            EventKind::Entered => "the call entering a node",
        }
    }
}

/// One event of the call, at its time on the call's clock.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// When (call time, from 0 at the call's start).
    pub at: CallTime,
    /// The node id it happened at.
    pub node: String,
    /// Prompt events: the prompt, an index into [`Timeline::prompts`].
    pub prompt: Option<usize>,
    /// `reprompt`: `no_input` or `no_match`.
    pub reprompt: Option<&'static str>,
    /// `prompt_stopped`: `barge_in`, `end`, `hangup`, `move`; `hung_up`: `caller`, `line`.
    pub by: Option<&'static str>,
    /// `hold_announcement`: the caller's position in the queue, when it has one.
    pub position: Option<usize>,
    /// `answered`: who answered.
    pub who: Option<String>,
}

impl Event {
    fn new(kind: EventKind, at: CallTime, node: String) -> Self {
        Event {
            kind,
            at,
            node,
            prompt: None,
            reprompt: None,
            by: None,
            position: None,
            who: None,
        }
    }
}

/// The call's events in the order the engine reported them, with the prompts they name.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// The events.
    pub events: Vec<Event>,
    /// Every prompt started, in order (with its start, length, node, role, text and clip).
    pub prompts: Vec<PromptPlay>,
    /// The prompt playing (started, not yet stopped or ended): an index into `prompts`.
    playing: Option<usize>,
    /// Path steps taken so far (counting those the path left out).
    seen: u64,
    /// The instants the caller pressed a key or said words, in order.
    inputs: Vec<CallTime>,
    /// When the caller hung up.
    hung_up_at: Option<CallTime>,
    /// Queue positions as they were announced on the path: (since, position).
    positions: Vec<(CallTime, usize)>,
    /// The node entered last.
    last_node: String,
}

impl Timeline {
    /// Takes the path steps added since the last call (`path` is the call's whole path, whose
    /// middle may be left out past [`MAX_PATH_STEPS`]; the steps since are at its end).
    pub fn take_path(&mut self, menu: &Menu, path: &[PathStep<'_>]) {
        let left_out = match path.get(MAX_PATH_STEPS / 2).map(|s| &s.event) {
            Some(PathEvent::LeftOut(n)) => n.saturating_sub(1),
            _ => 0,
        };
        let total = path.len() as u64 + left_out;
        let new = usize::try_from(total.saturating_sub(self.seen))
            .unwrap_or(usize::MAX)
            .min(path.len());
        self.seen = total;
        for s in &path[path.len() - new..] {
            let node = || menu.node(s.node).id.clone();
            match &s.event {
                PathEvent::Entered => {
                    self.last_node = node();
                    self.events.push(Event::new(EventKind::Entered, s.at, node()));
                }
                PathEvent::NoInput(_) => self.events.push(Event::new(EventKind::NoInput, s.at, node())),
                PathEvent::NoMatch { .. } => self.events.push(Event::new(EventKind::NoMatch, s.at, node())),
                PathEvent::Answered(who) => {
                    let mut e = Event::new(EventKind::Answered, s.at, node());
                    e.who = Some(who.clone());
                    self.events.push(e);
                }
                PathEvent::Waiting { position, .. } => self.positions.push((s.at, *position)),
                PathEvent::Key(_) | PathEvent::Keys(_) | PathEvent::SkipsMessage(_) | PathEvent::Said(_) => {
                    self.input_at(s.at);
                }
                PathEvent::CallerHangsUp => self.hung_up_at = Some(s.at),
                _ => {}
            }
        }
    }

    /// Takes one effect of the call (after [`Timeline::take_path`] for the same moment, so
    /// that a stop can be told a barge-in).
    pub fn take_effect(&mut self, e: &Effect) {
        match e {
            Effect::StartPrompt(p) => {
                if let Some(i) = self.playing.take() {
                    let end = end_of(&self.prompts[i]);
                    let (at, by) = if p.at >= end { (end, "end") } else { (p.at, "move") };
                    self.stopped(i, at, by);
                }
                let i = self.prompts.len();
                self.prompts.push(p.clone());
                let mut started = Event::new(EventKind::PromptStarted, p.at, p.node.clone());
                started.prompt = Some(i);
                self.events.push(started);
                let extra = match p.role {
                    PromptRole::NoInput(_) => Some((EventKind::Reprompt, Some("no_input"))),
                    PromptRole::NoMatch(_) => Some((EventKind::Reprompt, Some("no_match"))),
                    PromptRole::Hold(_) => Some((EventKind::HoldAnnouncement, None)),
                    _ => None,
                };
                if let Some((kind, reprompt)) = extra {
                    let mut e = Event::new(kind, p.at, p.node.clone());
                    e.prompt = Some(i);
                    e.reprompt = reprompt;
                    if kind == EventKind::HoldAnnouncement {
                        e.position = self.positions.iter().rev().find(|(t, _)| *t <= p.at).map(|(_, n)| *n);
                    }
                    self.events.push(e);
                }
                self.playing = Some(i);
            }
            Effect::StopPrompt { at } => {
                if let Some(i) = self.playing.take() {
                    let end = end_of(&self.prompts[i]);
                    let by = if *at >= end {
                        "end"
                    } else if self.inputs.iter().rev().any(|t| t == at) {
                        "barge_in"
                    } else if self.hung_up_at == Some(*at) {
                        "hangup"
                    } else {
                        "move"
                    };
                    self.stopped(i, (*at).min(end), by);
                }
            }
            Effect::DtmfTone { at, .. } => self.input_at(*at),
            Effect::Handoff(h) => self
                .events
                .push(Event::new(EventKind::Handoff, h.time_in_ivr, h.node.clone())),
            Effect::Ended(s) => {
                let by = match s.outcome {
                    Outcome::Abandoned => Some("caller"),
                    Outcome::HungUp { .. } | Outcome::RetriesExhausted { .. } | Outcome::NoOperator { .. } => {
                        Some("line")
                    }
                    _ => None,
                };
                if let Some(by) = by {
                    let mut e = Event::new(EventKind::HungUp, s.time_in_ivr, self.last_node.clone());
                    e.by = Some(by);
                    self.events.push(e);
                }
            }
            _ => {}
        }
    }

    /// The call's clock is at `now`: a prompt whose length has passed by then ended.
    pub fn settle(&mut self, now: CallTime) {
        if let Some(i) = self.playing
            && end_of(&self.prompts[i]) <= now
        {
            self.playing = None;
            self.stopped(i, end_of(&self.prompts[i]), "end");
        }
    }

    /// The caller acted at `t` (a key or words).
    fn input_at(&mut self, t: CallTime) {
        if self.inputs.last() != Some(&t) {
            self.inputs.push(t);
        }
    }

    fn stopped(&mut self, i: usize, at: CallTime, by: &'static str) {
        let mut e = Event::new(EventKind::PromptStopped, at, self.prompts[i].node.clone());
        e.prompt = Some(i);
        e.by = Some(by);
        self.events.push(e);
    }

    /// An event in words, for failure messages: `prompt of `main` stopped at 1.600 s
    /// (barge-in)`.
    pub fn words(&self, e: &Event) -> String {
        let t = secs(e.at);
        let n = &e.node;
        let text = |e: &Event| {
            e.prompt
                .and_then(|i| self.prompts.get(i))
                .map_or(String::new(), |p| format!(" (\"{}\")", short(&p.text)))
        };
        match e.kind {
            EventKind::PromptStarted => format!("prompt of `{n}`{} started at {t}", text(e)),
            EventKind::PromptStopped => format!(
                "prompt of `{n}` stopped at {t} ({})",
                e.by.unwrap_or("?").replace('_', "-")
            ),
            EventKind::Reprompt => format!(
                "{} re-prompt at `{n}` at {t}",
                e.reprompt.unwrap_or("?").replace('_', "-")
            ),
            EventKind::NoInput => format!("no-input at `{n}` at {t}"),
            EventKind::NoMatch => format!("no-match at `{n}` at {t}"),
            EventKind::Handoff => format!("handoff at `{n}` at {t}"),
            EventKind::HungUp => format!("hang-up by the {} at `{n}` at {t}", e.by.unwrap_or("line")),
            EventKind::HoldAnnouncement => match e.position {
                Some(p) => format!("hold announcement (position {p}) at `{n}` at {t}"),
                None => format!("hold announcement (no position) at `{n}` at {t}"),
            },
            EventKind::Answered => format!("answered by {} at `{n}` at {t}", e.who.as_deref().unwrap_or("?")),
            EventKind::Entered => format!("entered `{n}` at {t}"),
        }
    }

    /// Checks a timed expectation against the events so far; `now` is the call's clock.
    ///
    /// # Errors
    /// What was expected and the events of that kind that did happen, with their times.
    pub fn check(&self, x: &EventExpect, now: CallTime) -> Result<(), String> {
        let matching: Vec<&Event> = self.events.iter().filter(|e| self.matches(x, e)).collect();
        if matching.iter().any(|e| x.when.holds(e.at)) {
            return Ok(());
        }
        let mut msg = format!("expected {}", x.words());
        let found: Vec<&Event> = if matching.is_empty() {
            self.events.iter().filter(|e| e.kind == x.kind).collect()
        } else {
            matching.clone()
        };
        if found.is_empty() {
            let _ = write!(msg, ", but there was none by {} (the call's clock)", secs(now));
        } else {
            let what = if matching.is_empty() {
                format!(
                    "none matches; of that kind there {}",
                    if found.len() == 1 { "was" } else { "were" }
                )
            } else {
                "found".to_owned()
            };
            let list: Vec<String> = found.iter().take(6).map(|e| self.words(e)).collect();
            let more = found.len().saturating_sub(6);
            let _ = write!(msg, "; {what}: {}", list.join(", "));
            if more > 0 {
                let _ = write!(msg, " and {more} more");
            }
        }
        Err(msg)
    }

    /// Whether `e` is of the kind and passes the filters of `x` (not its time).
    fn matches(&self, x: &EventExpect, e: &Event) -> bool {
        if e.kind != x.kind {
            return false;
        }
        if x.node.as_ref().is_some_and(|n| *n != e.node) {
            return false;
        }
        if let Some(want) = &x.prompt {
            let Some(p) = e.prompt.and_then(|i| self.prompts.get(i)) else {
                return false;
            };
            let clip = p
                .clip
                .as_ref()
                .and_then(|f| f.file_name())
                .is_some_and(|f| f.to_string_lossy() == *want);
            if !(p.text.contains(want.as_str()) || clip) {
                return false;
            }
        }
        if x.reprompt.is_some() && x.reprompt != e.reprompt {
            return false;
        }
        if x.by.is_some() && x.by != e.by {
            return false;
        }
        if x.who.is_some() && x.who != e.who {
            return false;
        }
        if x.position.is_some() && x.position != e.position {
            return false;
        }
        true
    }
}

/// When a prompt ends if nothing stops it.
fn end_of(p: &PromptPlay) -> CallTime {
    p.at.saturating_add(p.duration)
}

/// A call time in seconds as messages write it: milliseconds at least (`1.500 s`), and every
/// further digit the time has (`30.334125 s`, the end of a clip of 8 kHz samples), so a time
/// read in a message can be written back as `at:` and compared exactly.
pub fn secs(t: Duration) -> String {
    let nanos = t.subsec_nanos();
    let mut frac = format!("{nanos:09}");
    while frac.len() > 3 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{}.{frac} s", t.as_secs())
}

/// The first words of a prompt's text, for messages.
fn short(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// When a timed expectation's event must have happened, on the call's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// At any time so far (neither `at` nor `within` given).
    Any,
    /// `at` ± `tolerance` (default 0: exactly).
    At {
        /// The time.
        at: Duration,
        /// How far from it.
        tolerance: Duration,
    },
    /// `within: { min, max }`, both ends included; a missing end is open.
    Within {
        /// At the earliest.
        min: Option<Duration>,
        /// At the latest.
        max: Option<Duration>,
    },
}

impl When {
    /// Whether an event at `t` is on time.
    pub fn holds(self, t: CallTime) -> bool {
        match self {
            When::Any => true,
            When::At { at, tolerance } => t >= at.saturating_sub(tolerance) && t <= at.saturating_add(tolerance),
            When::Within { min, max } => min.is_none_or(|m| t >= m) && max.is_none_or(|m| t <= m),
        }
    }

    /// The latest time the expectation looks at: the call's clock is moved on to it before
    /// checking, when it is later than now (`at + tolerance`, `within.max`, else
    /// `within.min`).
    pub fn latest(self) -> Option<Duration> {
        match self {
            When::Any => None,
            When::At { at, tolerance } => Some(at.saturating_add(tolerance)),
            When::Within { min, max } => max.or(min),
        }
    }

    fn words(self) -> String {
        match self {
            When::Any => String::new(),
            When::At { at, tolerance } if tolerance.is_zero() => format!(" at {} ± 0", secs(at)),
            When::At { at, tolerance } => format!(" at {} ± {}", secs(at), secs(tolerance)),
            When::Within { min, max } => match (min, max) {
                (Some(a), Some(b)) => format!(" within {} and {}", secs(a), secs(b)),
                (Some(a), None) => format!(" at or after {}", secs(a)),
                (None, Some(b)) => format!(" by {}", secs(b)),
                (None, None) => String::new(),
            },
        }
    }
}

/// A timed expectation: `prompt_stopped: { node: main, by: barge_in, at: 1.5s }`. It holds
/// when some event of its kind that passes its filters happened at a time [`When`] accepts,
/// whichever occurrence of the call so far (from its start, not only since the last action).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventExpect {
    /// Where it is written.
    pub span: Span,
    /// The kind of event.
    pub kind: EventKind,
    /// The node it happened at.
    pub node: Option<String>,
    /// Prompt events: text the prompt contains, or its clip's file name.
    pub prompt: Option<String>,
    /// `reprompt`: `no_input` or `no_match`.
    pub reprompt: Option<&'static str>,
    /// `prompt_stopped`: `barge_in`, `end`, `hangup`, `move`; `hung_up`: `caller`, `line`.
    pub by: Option<&'static str>,
    /// `answered`: the call-taker's name (`by:` there).
    pub who: Option<String>,
    /// `hold_announcement`: the queue position announced.
    pub position: Option<usize>,
    /// When.
    pub when: When,
}

impl EventExpect {
    /// What is expected, in words: `a prompt stopped at `main` (barge-in) at 1.500 s ± 0`.
    pub fn words(&self) -> String {
        let mut s = match (self.kind, self.reprompt, &self.who) {
            (EventKind::Reprompt, Some(k), _) => format!("a {} re-prompt", k.replace('_', "-")),
            (EventKind::Answered, _, Some(who)) => format!("an answer by `{who}`"),
            (k, ..) => k.words().to_owned(),
        };
        if let Some(n) = &self.node {
            let _ = write!(s, " at `{n}`");
        }
        if let Some(p) = &self.prompt {
            let _ = write!(s, " with \"{p}\"");
        }
        if let Some(p) = self.position {
            let _ = write!(s, " (position {p})");
        }
        if let Some(by) = self.by {
            let _ = write!(s, " (by {})", by.replace('_', "-"));
        }
        s.push_str(&self.when.words());
        s
    }
}
