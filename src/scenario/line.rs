//! The operator side of a scenario (docs/scenario-format.md, "The operator side"): how the
//! queue takes a handed-off call (`start: { operator: … }`), what the call-takers do to it in
//! time (`operator:` steps), and expectations on the queue, the answer and the caller's
//! outcome.
//!
//! Nothing here decides what a queue does: each scripted action is the [`QueueEvent`] a
//! call-taker console sends for it (`crate::operator::queue`, relayed by `crate::repl::link`),
//! given to the engine's operator line ([`Call::handle_queue`], [`Call::join_queue`]) at the
//! scripted time, and the engine applies its rules (`crate::rules::queue`: a full queue at
//! `max_waiting`, Amazon Connect's `QueueAtCapacity`, Asterisk's `maxlen`; Asterisk's
//! `joinempty` / `leavewhenempty` for a queue nobody staffs; the `when_no_operator` plans).
//! Until an action's time the caller stays silent on the line: hold announcements, wait
//! limits and plans run as the engine says ([`VirtualCaller::advance`]). Outcomes are the
//! engine's [`Outcome`] and line state, named ([`outcome_of`]), not worked out again.
//!
//! [`Call::handle_queue`]: crate::engine::Call::handle_queue
//! [`Call::join_queue`]: crate::engine::Call::join_queue

use std::time::Duration;

use super::format::{RawOperatorStart, RawOperatorStep, RawStart, S};
use super::load::Cx;
use crate::diag::{Code, Diagnostic};
use crate::engine::{CallTime, Effect, LineView, Outcome, QueueEvent, VirtualCaller};
use crate::menu::ExternalApp;

/// How the queue takes the handed-off call, besides `unavailable` and `busy` (which keep
/// their meaning, [`super::Scenario::busy`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineStart {
    /// `operator: full`: the queue refuses the call as it joins, the console's
    /// `QueueEvent::Unavailable` for a full queue; the plan for a full queue runs
    /// (`queues.NAME.when_full`, else the transfer's `when_no_operator`).
    Full,
    /// `operator: { staffed, waiting }`: `call_takers` logged in (0: nobody), `ahead`
    /// callers waiting: the call joins by [`crate::engine::Call::join_queue`] (full at the
    /// queue's `max_waiting`, [`crate::rules::queue::has_room`]; nobody staffed: the queue's
    /// `join_empty`), and the expected wait divides by `call_takers`.
    Queue {
        /// Call-takers logged in.
        call_takers: u32,
        /// Callers waiting ahead.
        ahead: usize,
    },
}

/// When an operator step acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// At the call's current time (the default).
    Now,
    /// At this time on the call's clock (from the start of the call): `at:`.
    At(Duration),
    /// This long after the handoff (the end of the transfer prompt): `after:`.
    After(Duration),
}

/// What the call-taker side does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineAction {
    /// The waiting call's new place (1 = answered next): `position: N`.
    Position(usize),
    /// The last call-taker logs out while the caller waits: `log_out: true`.
    LogOut,
    /// A call-taker logs in while the caller waits: `log_in: true`.
    LogIn,
    /// A call-taker by this name answers: `answer: NAME`.
    Answer(String),
    /// The call-taker puts the caller on hold: `hold: true`.
    Hold,
    /// The call-taker takes the caller off hold: `resume: true`.
    Resume,
    /// The call-taker puts the call in `queue` at `position`: `transfer: QUEUE`.
    Transfer {
        /// The queue.
        queue: String,
        /// The place in it (1 unless `position` says).
        position: usize,
    },
    /// The call-taker ends the call with this disposition: `end: CODE`.
    End(String),
    /// The line to the console breaks, for this reason: `lost: WHY`.
    Lost(String),
}

/// An `operator:` step: an action and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorStep {
    /// When it acts.
    pub when: When,
    /// What is done.
    pub action: LineAction,
}

/// The outcomes `expect: { outcome }` knows, as written.
pub const OUTCOMES: [&str; 13] = [
    "waiting",
    "answered",
    "abandoned",
    "callback",
    "voicemail",
    "no_operator",
    "transferred",
    "hung_up",
    "cut_off",
    "external",
    "retries_exhausted",
    "failed",
    "in_menu",
];

/// The operator side's expectations; every field given is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineExpect {
    /// `queue: { name, position, staffed }`: the call waits in a queue.
    pub queue: Option<QueueExpect>,
    /// `outcome: WORD` (one of [`OUTCOMES`], see [`outcome_of`]).
    pub outcome: Option<String>,
    /// `disposition: CODE`: the call-taker ended the call with it.
    pub disposition: Option<String>,
}

/// `expect: { queue }`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueExpect {
    /// The queue's name.
    pub name: Option<String>,
    /// The place in it.
    pub position: Option<usize>,
    /// Whether a call-taker is logged in.
    pub staffed: Option<bool>,
}

impl LineExpect {
    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        *self == LineExpect::default()
    }
}

/// What the runner notes for the operator side from the call's effects: whether a callback
/// was requested (the engine says so by an effect, not in the outcome).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Seen {
    callback: bool,
}

impl Seen {
    /// Notes an effect of the call.
    pub(super) fn observe(&mut self, e: &Effect) {
        if matches!(e, Effect::CallbackRequested { .. }) {
            self.callback = true;
        }
    }
}

/// The scenario's caller with the start's operator line: `line` if given, else `busy`
/// (`operator: busy`), else no call-taker (`operator: unavailable`, and what a call not on an
/// operator line never uses).
pub(super) fn caller<'m>(
    caller: VirtualCaller<'m>,
    line: Option<&LineStart>,
    busy: Option<usize>,
) -> VirtualCaller<'m> {
    match (line, busy) {
        (Some(LineStart::Full), _) => caller.with_full_queue(),
        (Some(&LineStart::Queue { call_takers, ahead }), _) => {
            let mut c = caller.with_queue(ahead, call_takers > 0);
            c.call_mut().set_call_takers((call_takers > 0).then_some(call_takers));
            c
        }
        (None, Some(ahead)) => caller.with_busy_queue(ahead),
        (None, None) => caller.with_no_operator("no call-taker (the scenario's `operator: unavailable`)"),
    }
}

fn secs(t: CallTime) -> String {
    format!("{:.1} s", t.as_secs_f64())
}

/// Where the call stands on the line, in words, for failure messages.
fn line_words(call: &VirtualCaller, seen: &Seen) -> String {
    match call.line_view() {
        Some(LineView::Handing) => "handed over, with no word from the queue".into(),
        Some(LineView::Waiting {
            queue,
            position: Some(p),
            staffed,
        }) => format!(
            "waiting in `{queue}` at position {p} ({})",
            if staffed { "staffed" } else { "nobody logged in" }
        ),
        Some(LineView::Waiting {
            queue, position: None, ..
        }) => format!("holding for `{queue}` with no place in it"),
        Some(LineView::Talking { operator, held, .. }) => {
            format!("with call-taker `{operator}`{}", if held { ", on hold" } else { "" })
        }
        Some(LineView::Closing { .. }) => "hearing the closing message (no call-taker)".into(),
        None => format!(
            "{} (outcome `{}`)",
            if call.is_ended() { "ended" } else { "in the menu" },
            outcome_of(call, seen)
        ),
    }
}

/// The caller's outcome, named from the engine's [`Outcome`] once the call ended, else from
/// where it stands: `answered` (a call-taker has it, or ended it: [`Outcome::Transferred`]
/// with an answer), `transferred` (handed over and ended there: no operator line),
/// `waiting`, `no_operator` ([`Outcome::NoOperator`], or its closing message playing),
/// `abandoned` ([`Outcome::Abandoned`]: the caller hung up), `callback` (a callback was
/// requested, [`Effect::CallbackRequested`]), `voicemail` / `external` ([`Outcome::External`]),
/// `cut_off`, `hung_up`, `retries_exhausted`, `failed`, `in_menu` (not handed over yet).
pub(super) fn outcome_of(call: &VirtualCaller, seen: &Seen) -> &'static str {
    if let Some(o) = call.outcome() {
        return match o {
            Outcome::Transferred { .. } if call.answered_at().is_some() => "answered",
            Outcome::Transferred { .. } => "transferred",
            Outcome::Abandoned => "abandoned",
            Outcome::NoOperator { .. } => "no_operator",
            Outcome::CutOff { .. } => "cut_off",
            Outcome::External {
                app: ExternalApp::Voicemail,
                ..
            } => "voicemail",
            _ if seen.callback => "callback",
            Outcome::External { .. } => "external",
            Outcome::HungUp { .. } => "hung_up",
            Outcome::RetriesExhausted { .. } => "retries_exhausted",
            Outcome::Failed { .. } => "failed",
        };
    }
    match call.line_view() {
        Some(LineView::Talking { .. }) => "answered",
        Some(LineView::Waiting { .. } | LineView::Handing) => "waiting",
        Some(LineView::Closing { .. }) => "no_operator",
        None if seen.callback => "callback",
        None => "in_menu",
    }
}

/// Runs an operator step on the scenario's call: lets the transfer prompt play to the handoff
/// if it is playing, moves on to the step's time with the caller silent, and gives the engine
/// the console's event for the action.
///
/// # Errors
/// In words: the call is not handed over (yet), the time has passed, the call ended before
/// it, or the action does not fit where the call stands (answering a call a call-taker has
/// already, ending a call nobody answered, …).
pub(super) fn act(call: &mut VirtualCaller, seen: &Seen, step: &OperatorStep) -> Result<(), String> {
    if call.handoff().is_none() && !call.is_ended() {
        call.listen(); // the transfer prompt, to its end
    }
    let Some(handoff) = call.handoff().map(|h| h.time_in_ivr) else {
        let here = call
            .current()
            .map_or("nowhere".to_owned(), |n| format!("`{}`", call.menu().node(n).id));
        return Err(format!(
            "the call has not been handed over yet (it is at {here}, {}): operator steps act on a handed-off call",
            outcome_of(call, seen)
        ));
    };
    let now = call.now();
    let t = match step.when {
        When::Now => now,
        When::At(t) => t,
        When::After(d) => handoff + d,
    };
    if t < now {
        let when = match step.when {
            When::After(d) => format!(
                "`after: {}` (the handoff at {} + {}, {})",
                secs(d),
                secs(handoff),
                secs(d),
                secs(t)
            ),
            _ => format!("`at: {}`", secs(t)),
        };
        return Err(format!("{when} has passed: the call is at {}", secs(now)));
    }
    if call.is_ended() {
        return Err(format!(
            "the call ended at {} (outcome `{}`) before the operator step",
            secs(now),
            outcome_of(call, seen)
        ));
    }
    call.advance(t);
    if call.is_ended() {
        return Err(format!(
            "the call ended at {} (outcome `{}`), before the operator step at {}",
            secs(call.now()),
            outcome_of(call, seen),
            secs(t)
        ));
    }
    let view = call.line_view();
    let misfit = |what: &str| {
        Err(format!(
            "{what} at {}, but the call is {}",
            secs(t),
            line_words(call, seen)
        ))
    };
    let event = match (&step.action, view) {
        (
            LineAction::Position(p),
            Some(LineView::Waiting {
                queue,
                position: Some(_),
                staffed,
            }),
        ) => QueueEvent::Waiting {
            queue: queue.to_owned(),
            position: *p,
            staffed,
        },
        (LineAction::Position(p), _) => return misfit(&format!("position {p} in the queue")),
        (
            LineAction::LogOut,
            Some(LineView::Waiting {
                queue,
                position: Some(p),
                staffed: true,
            }),
        ) => QueueEvent::Waiting {
            queue: queue.to_owned(),
            position: p,
            staffed: false,
        },
        (LineAction::LogOut, _) => return misfit("the last call-taker logs out"),
        (
            LineAction::LogIn,
            Some(LineView::Waiting {
                queue,
                position: Some(p),
                staffed: false,
            }),
        ) => QueueEvent::Waiting {
            queue: queue.to_owned(),
            position: p,
            staffed: true,
        },
        (LineAction::LogIn, _) => return misfit("a call-taker logs in"),
        (LineAction::Answer(who), Some(LineView::Waiting { .. } | LineView::Handing)) => {
            QueueEvent::Answered { operator: who.clone() }
        }
        (LineAction::Answer(who), _) => return misfit(&format!("`{who}` answers")),
        (LineAction::Hold, Some(LineView::Talking { held: false, .. })) => QueueEvent::Held,
        (LineAction::Hold, _) => return misfit("the call-taker puts the caller on hold"),
        (LineAction::Resume, Some(LineView::Talking { held: true, .. })) => QueueEvent::Resumed,
        (LineAction::Resume, _) => return misfit("the call-taker takes the caller off hold"),
        (LineAction::Transfer { queue, position }, Some(LineView::Talking { .. })) => {
            transfer_allowed(call.menu(), queue, *position)?;
            QueueEvent::Waiting {
                queue: queue.clone(),
                position: *position,
                staffed: true,
            }
        }
        (LineAction::Transfer { queue, .. }, _) => return misfit(&format!("a transfer to `{queue}`")),
        (LineAction::End(d), Some(LineView::Talking { .. })) => QueueEvent::Ended { disposition: d.clone() },
        (LineAction::End(d), _) => return misfit(&format!("the call-taker ends the call ({d})")),
        (LineAction::Lost(why), Some(LineView::Handing | LineView::Waiting { .. } | LineView::Talking { .. })) => {
            QueueEvent::Lost { why: why.clone() }
        }
        (LineAction::Lost(_), _) => return misfit("the line to the console breaks"),
    };
    call.call_mut().handle_queue(t, event);
    call.advance(t); // takes the effects: the handoff and summary are noted
    Ok(())
}

/// The queues the menu's transfers name, sorted, each once: the queues a call-taker's
/// transfer can go to.
pub(crate) fn transfer_queues(menu: &crate::menu::Menu) -> Vec<&str> {
    let mut known: Vec<&str> = menu
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            crate::menu::NodeKind::Transfer(t) => Some(t.queue.as_str()),
            _ => None,
        })
        .collect();
    known.sort_unstable();
    known.dedup();
    known
}

/// Whether the console takes the call-taker's transfer to `queue` at `position`, as its
/// `:transfer` does (`operator::console`): a queue the menu's transfers name, with room for
/// the call behind `position - 1` callers by the one capacity rule
/// ([`crate::rules::queue::has_room`] with the queue's `max_waiting`). Refused, the call
/// would stay with the call-taker: the step cannot happen as written, and fails.
fn transfer_allowed(menu: &crate::menu::Menu, queue: &str, position: usize) -> Result<(), String> {
    let known = transfer_queues(menu);
    if !known.contains(&queue) {
        return Err(format!(
            "the console refuses a transfer to `{queue}`: the menu's transfers go to {}",
            known.iter().map(|q| format!("`{q}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    let max = menu.queues.get(queue).and_then(|q| q.max_waiting);
    if !crate::rules::queue::has_room(position - 1, max) {
        return Err(format!(
            "the console refuses a transfer to `{queue}` at position {position}: the queue is full \
             ({} waiting, `max_waiting: {}`), and the call stays with the call-taker",
            position - 1,
            max.unwrap_or_default()
        ));
    }
    Ok(())
}

/// Checks the operator side's expectations.
///
/// # Errors
/// Expected and found, in words.
pub(super) fn check(call: &VirtualCaller, seen: &Seen, e: &LineExpect) -> Result<(), String> {
    // Every field is checked: a failure names each one that does not hold.
    let mut fails = Vec::new();
    if let Some(q) = &e.queue {
        match call.line_view() {
            Some(LineView::Waiting {
                queue,
                position,
                staffed,
            }) => {
                let name_ok = q.name.as_ref().is_none_or(|n| n == queue);
                let position_ok = q.position.is_none_or(|p| position == Some(p));
                let staffed_ok = q.staffed.is_none_or(|s| s == staffed);
                if !(name_ok && position_ok && staffed_ok) {
                    let mut want = Vec::new();
                    if let Some(n) = &q.name {
                        want.push(format!("in `{n}`"));
                    }
                    if let Some(p) = q.position {
                        want.push(format!("at position {p}"));
                    }
                    if let Some(s) = q.staffed {
                        want.push(if s {
                            "staffed".into()
                        } else {
                            "with nobody logged in".into()
                        });
                    }
                    fails.push(format!(
                        "expected the call to wait {}, but it is {} at {}",
                        want.join(" "),
                        line_words(call, seen),
                        secs(call.now())
                    ));
                }
            }
            _ => fails.push(format!(
                "expected the call to wait in a queue, but it is {}",
                line_words(call, seen)
            )),
        }
    }
    if let Some(want) = &e.outcome {
        let got = outcome_of(call, seen);
        if got != want {
            fails.push(format!(
                "expected the outcome `{want}`, found `{got}` at {}: the call is {}",
                secs(call.now()),
                line_words(call, seen)
            ));
        }
    }
    if let Some(want) = &e.disposition {
        let got = call.disposition();
        if got != Some(want.as_str()) {
            fails.push(format!(
                "expected the call-taker to end the call with `{want}`, found {}",
                got.map_or("no disposition".to_owned(), |d| format!("`{d}`"))
            ));
        }
    }
    if fails.is_empty() {
        Ok(())
    } else {
        Err(fails.join("; and "))
    }
}

impl Cx<'_> {
    /// `start: { operator: full | { staffed, waiting } }`: how the queue takes the call;
    /// `unavailable` and `busy` are read by [`Cx::start`] and [`Cx::busy`].
    pub(crate) fn line_start(&mut self, st: &RawStart) -> Option<LineStart> {
        let op = st.operator.as_ref()?;
        match &op.value {
            RawOperatorStart::Word(w) if w == "full" => Some(LineStart::Full),
            RawOperatorStart::Word(_) => None,
            RawOperatorStart::Line(l) => {
                if let Some(w) = &st.waiting {
                    let sp = self.span(&w.referenced);
                    self.push(
                        Diagnostic::new(
                            Code::FieldNotForKind,
                            sp,
                            "`waiting` goes inside `operator: { staffed, waiting }`",
                        )
                        .label("outside it, `waiting` is for `operator: busy`"),
                    );
                }
                let Some(staffed) = &l.staffed else {
                    let sp = self.span(&op.referenced);
                    self.push(
                        Diagnostic::new(Code::MissingField, sp, "missing field `staffed`")
                            .label("how many call-takers are logged in (0: nobody)"),
                    );
                    return None;
                };
                Some(LineStart::Queue {
                    call_takers: staffed.value,
                    ahead: l.waiting.as_ref().map_or(0, |w| w.value as usize),
                })
            }
        }
    }

    /// An `operator:` step, or `None` with its findings: exactly one action, at most one of
    /// `at` and `after`, positions from 1.
    pub(crate) fn operator_step(&mut self, o: &S<RawOperatorStep>) -> Option<OperatorStep> {
        let span = self.span(&o.referenced);
        let r = &o.value;
        if let Some(f) = &r.full {
            let sp = self.span(&f.referenced);
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    sp,
                    "a queue refuses a caller only as the caller joins it",
                )
                .label("not a step")
                .help(
                    "write `start: { operator: full }`, or `start: { operator: { staffed: 1, waiting: N } }` \
                         with N at the queue's `max_waiting`",
                ),
            );
            return None;
        }
        let mut actions: Vec<(&str, LineAction)> = Vec::new();
        for (name, v, action) in [
            ("log_out", &r.log_out, LineAction::LogOut),
            ("log_in", &r.log_in, LineAction::LogIn),
            ("hold", &r.hold, LineAction::Hold),
            ("resume", &r.resume, LineAction::Resume),
        ] {
            if let Some(b) = v {
                if !b.value {
                    let sp = self.span(&b.referenced);
                    self.push(
                        Diagnostic::new(Code::InvalidValue, sp, format!("`{name}: false` does nothing"))
                            .label(format!("write `{name}: true`, or remove the step")),
                    );
                    return None;
                }
                actions.push((name, action));
            }
        }
        let text = |v: &Option<S<String>>| v.as_ref().map(|s| s.value.clone());
        if let Some(a) = r.answer.as_ref().filter(|a| a.value.trim().is_empty()) {
            let sp = self.span(&a.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, sp, "a call-taker without a name")
                    .label("`answer` names who answers (what `expect: { answered: { by } }` matches)")
                    .help("write a name, e.g. `answer: ana`"),
            );
            return None;
        }
        if let Some(who) = text(&r.answer) {
            actions.push(("answer", LineAction::Answer(who)));
        }
        if let Some(d) = text(&r.end) {
            actions.push(("end", LineAction::End(d)));
        }
        if let Some(why) = text(&r.lost) {
            actions.push(("lost", LineAction::Lost(why)));
        }
        let position = match &r.position {
            Some(p) if p.value == 0 => {
                let sp = self.span(&p.referenced);
                self.push(
                    Diagnostic::new(Code::InvalidValue, sp, "`position: 0`")
                        .label("positions count from 1 (answered next)"),
                );
                return None;
            }
            p => p.as_ref().map(|p| p.value as usize),
        };
        match (text(&r.transfer), position) {
            (Some(queue), p) => actions.push((
                "transfer",
                LineAction::Transfer {
                    queue,
                    position: p.unwrap_or(1),
                },
            )),
            (None, Some(p)) => actions.push(("position", LineAction::Position(p))),
            (None, None) => {}
        }
        if actions.len() != 1 {
            let given: Vec<&str> = actions.iter().map(|a| a.0).collect();
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    "an operator step is one of `position`, `log_out`, `log_in`, `answer`, `hold`, `resume`, \
                     `transfer`, `end`, `lost`",
                )
                .label(if given.is_empty() {
                    "none given".to_owned()
                } else {
                    format!("give exactly one, not {}", given.join(" and "))
                }),
            );
            return None;
        }
        let when = match (&r.at, &r.after) {
            (Some(_), Some(after)) => {
                let sp = self.span(&after.referenced);
                self.push(
                    Diagnostic::new(Code::InvalidValue, sp, "`at` and `after` together")
                        .label("give one: `at` is on the call's clock, `after` counts from the handoff"),
                );
                return None;
            }
            (Some(at), None) => When::At(self.duration(at)?),
            (None, Some(after)) => When::After(self.duration(after)?),
            (None, None) => When::Now,
        };
        Some(OperatorStep {
            when,
            action: actions.pop().expect("one").1,
        })
    }

    /// The operator side of `expect:`.
    pub(crate) fn line_expect(&mut self, r: &super::format::RawExpect) -> LineExpect {
        let mut out = LineExpect::default();
        if let Some(q) = &r.queue {
            if let Some(p) = q.value.position.as_ref().filter(|p| p.value == 0) {
                let sp = self.span(&p.referenced);
                self.push(
                    Diagnostic::new(Code::InvalidValue, sp, "`position: 0`")
                        .label("positions count from 1 (answered next)"),
                );
            }
            out.queue = Some(QueueExpect {
                name: q.value.name.as_ref().map(|n| n.value.clone()),
                position: q.value.position.as_ref().map(|p| p.value as usize),
                staffed: q.value.staffed.as_ref().map(|s| s.value),
            });
        }
        if let Some(o) = &r.outcome {
            if OUTCOMES.contains(&o.value.as_str()) {
                out.outcome = Some(o.value.clone());
            } else {
                let sp = self.span(&o.referenced);
                let mut d = Diagnostic::new(Code::InvalidValue, sp, format!("unknown outcome `{}`", o.value))
                    .label(format!("expected one of {}", OUTCOMES.join(", ")));
                if let Some(h) = crate::diag::did_you_mean(&o.value, OUTCOMES.iter().copied()) {
                    d = d.help(format!("did you mean `{h}`?"));
                }
                self.push(d);
            }
        }
        out.disposition = r.disposition.as_ref().map(|d| d.value.clone());
        out
    }
}

#[cfg(test)]
#[path = "tests_line.rs"]
mod tests;
