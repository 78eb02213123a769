//! The operator line: what happens to a call after its handoff when a driver connects it to
//! call-takers (`ivrsim call --operator`, training shifts, scenarios with
//! `operator: unavailable`). Without an operator line the call ends at the handoff, as an
//! IVR's part of a call does.
//!
//! After the transfer prompt the engine emits [`Effect::Handoff`] and waits for the driver
//! to relay what the console says ([`QueueEvent`]):
//! - waiting in a queue: a hold announcement with the caller's position at once, then one
//!   every `hold.every` (start to start), until a call-taker answers or the caller hangs up
//!   (abandons);
//! - no call-taker available (none connected, none logged in, the queue full, the console
//!   gone): the transfer's `when_no_operator` plan: `hold` (keep waiting, in the queue if it
//!   has a place, up to `max_wait`, then a message and the line hangs up), `message` (a
//!   message, then the line hangs up), `callback` (the call goes to a collect node whose
//!   value is handed on as a callback request) or `goto` (the call goes on at another node).
//!   Without a plan: the built-in message, then the line hangs up;
//! - answered: the call is the call-taker's until they end it (or put it back in a queue).

use std::collections::VecDeque;

use super::{Call, CallTime, Effect, Outcome, PathEvent, PromptPlay, PromptRole, Via};
use crate::menu::{NoOperator, NoOperatorReason, NodeId, NodeKind, Prompt, Test, TransferNode};
use crate::rules::queue::{expected_wait, has_room, wait_minutes};

/// Hold announcement when the menu gives none and the caller has a place in a queue.
pub const DEFAULT_HOLD_TEXT: &str =
    "All our call-takers are busy. You are number {position} in the queue. Please stay on the line.";

/// Hold announcement when the menu gives none and the caller has no place in a queue.
pub const DEFAULT_HOLD_TEXT_NO_PLACE: &str = "All our call-takers are busy. Please stay on the line.";

/// The expected-wait announcement when `hold.expected_wait` gives no prompt.
pub const DEFAULT_EXPECTED_WAIT_TEXT: &str = "Your expected wait is about {wait} minutes.";

/// What the caller hears when no call-taker can take the call and the menu says nothing else.
pub const DEFAULT_NO_OPERATOR_TEXT: &str = "No one can take your call right now. Please call again later. Goodbye.";

/// What the console (through the driver) says about a handed-off call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueEvent {
    /// The call waits in `queue` at `position` (1 = answered next). `staffed`: a call-taker
    /// is logged in to take it. Sent on joining and whenever one of them changes.
    Waiting {
        /// Queue name.
        queue: String,
        /// 1-based position in answer order.
        position: usize,
        /// Whether any call-taker is logged in.
        staffed: bool,
    },
    /// No call-taker can take the call and it has no place in a queue: no console
    /// reachable, the queue full, or the console gone.
    Unavailable {
        /// Why, in words (`no call-taker console is reachable`, `the queue is full`).
        why: String,
        /// Which plan applies: [`NoOperatorReason::Full`] when the queue refused the call,
        /// [`NoOperatorReason::Unstaffed`] otherwise.
        reason: NoOperatorReason,
    },
    /// A call-taker answered.
    Answered {
        /// Who (the console's name for the call-taker).
        operator: String,
    },
    /// The call-taker put the caller on hold.
    Held,
    /// The call-taker took the caller off hold.
    Resumed,
    /// The call-taker ended the call.
    Ended {
        /// The wrap-up code.
        disposition: String,
    },
    /// The line to the console broke. Waiting, the call has no call-taker (the
    /// `when_no_operator` plan applies); with a call-taker, the call is cut off.
    Lost {
        /// Why, in words.
        why: String,
    },
}

/// Where a handed-off call stands, as a driver reads it ([`Call::line_view`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineView<'a> {
    /// Handed off; no word from the console yet.
    Handing,
    /// Waiting for a call-taker in `queue`, at `position` (1 = answered next; `None`: no
    /// place in a queue, holding under a `hold` plan); `staffed`: a call-taker is logged in,
    /// as the console said last.
    Waiting {
        /// Queue name.
        queue: &'a str,
        /// 1-based position, if the call has a place.
        position: Option<usize>,
        /// Whether a call-taker is logged in.
        staffed: bool,
    },
    /// With the call-taker `operator` (on hold or not) for `queue`.
    Talking {
        /// Queue name.
        queue: &'a str,
        /// Who answered last.
        operator: &'a str,
        /// Whether the call-taker put the caller on hold.
        held: bool,
    },
    /// Leaving: the closing message of a `when_no_operator` plan plays, then the line hangs up.
    Closing {
        /// Queue name.
        queue: &'a str,
    },
}

/// Where a handed-off call stands.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Line {
    /// Handed off; no word from the console yet.
    Handing,
    /// Waiting for a call-taker.
    Waiting {
        queue: String,
        /// `None`: no place in a queue (holding under `action: hold` with none reachable).
        position: Option<usize>,
        /// Whether a call-taker is logged in, as the console said last.
        staffed: bool,
        /// When the next position announcement is due.
        next_announcement: CallTime,
        /// When the next periodic announcement (`hold.periodic`) is due.
        next_periodic: Option<CallTime>,
        /// The end of the last announcement: one due while another played starts then.
        free_at: CallTime,
        /// A `hold` plan running: since when, and for which reason (its `max_wait` runs
        /// from then).
        holding: Option<(CallTime, NoOperatorReason)>,
        /// When the call joined the queue it has a place in (the queue's `max_wait` runs
        /// from then); `None` without a place, or once the limit was reached.
        joined: Option<CallTime>,
    },
    /// With a call-taker.
    Talking {
        queue: String,
        operator: String,
        held: bool,
    },
    /// Leaving: the closing message plays, then the line hangs up.
    Closing { queue: String },
}

impl<'m> Call<'m> {
    /// Relays what the console said about the handed-off call, at `now`. Ignored when the
    /// call has no operator line or is not handed off.
    pub fn handle_queue(&mut self, now: CallTime, event: QueueEvent) {
        self.handle_timeout(now);
        // Once the call is leaving (its closing message plays), the console has no say.
        if self.ended || matches!(self.line, None | Some(Line::Closing { .. })) {
            return;
        }
        let Some(tr) = self.transfer_here() else { return };
        let node = self.current();
        let unavailable_reason = match &event {
            QueueEvent::Unavailable { reason, .. } => *reason,
            _ => NoOperatorReason::Unstaffed,
        };
        match event {
            QueueEvent::Waiting {
                queue,
                position,
                staffed,
            } => {
                let first =
                    !matches!(&self.line, Some(Line::Waiting { position: Some(_), queue: q, .. }) if *q == queue);
                let before = match &self.line {
                    Some(Line::Waiting {
                        staffed,
                        next_announcement,
                        next_periodic,
                        free_at,
                        holding,
                        joined,
                        ..
                    }) => Some((
                        *staffed,
                        *next_announcement,
                        *next_periodic,
                        *free_at,
                        *holding,
                        *joined,
                    )),
                    _ => None,
                };
                // On joining, and whenever the place changes (callers ahead answered or gone):
                // the path says where the caller is, so the hold announcements after it are
                // read with the position they say.
                let moved = matches!(&self.line, Some(Line::Waiting { position: Some(p), .. }) if *p != position);
                if first || moved {
                    self.step(
                        now,
                        node,
                        PathEvent::Waiting {
                            queue: queue.clone(),
                            position,
                        },
                    );
                }
                if matches!(self.line, Some(Line::Talking { .. })) {
                    self.caption(now, format!("the call-taker put you through to the `{queue}` queue"));
                }
                let periodic_first = tr.hold.periodic.as_ref().map(|p| now.saturating_add(p.every));
                let (was_staffed, next_announcement, next_periodic, free_at, holding, joined) = match before {
                    Some((st, na, np, fa, h, j)) if !first => (Some(st), na, np, fa, h, j),
                    Some((st, _, _, fa, h, _)) => (Some(st), now, periodic_first, fa, h, Some(now)),
                    None => (None, now, periodic_first, now, None, Some(now)),
                };
                // A call-taker logging in stops a `hold` limit.
                let holding = if staffed { None } else { holding };
                self.line = Some(Line::Waiting {
                    queue,
                    position: Some(position),
                    staffed,
                    next_announcement,
                    next_periodic,
                    free_at,
                    holding,
                    joined,
                });
                // Asterisk's `joinempty` (joining) and `leavewhenempty` (the last call-taker
                // logging out while the caller waits), see `QueueSettings`.
                let joined_empty = !staffed && first;
                let emptied = !staffed && !first && was_staffed == Some(true);
                let plan_now = (joined_empty && !tr.settings.join_empty) || (emptied && tr.settings.leave_when_empty);
                if joined_empty || emptied {
                    self.step(now, node, PathEvent::Unstaffed);
                    self.caption(now, "no call-taker is logged in at the moment".into());
                }
                if plan_now && holding.is_none() {
                    self.no_operator(now, tr, NoOperatorReason::Unstaffed, true);
                }
            }
            QueueEvent::Lost { why } | QueueEvent::Unavailable { why, .. }
                if matches!(self.line, Some(Line::Talking { .. })) =>
            {
                self.step(now, node, PathEvent::LineLost(why.clone()));
                self.caption(now, format!("the line to the call-taker was lost ({why})"));
                self.effects.push_back(Effect::Hangup { at: now });
                self.finish(now, Outcome::CutOff { why });
            }
            QueueEvent::Lost { why } | QueueEvent::Unavailable { why, .. } => {
                let reason = unavailable_reason;
                self.step(now, node, PathEvent::NoCallTaker(why.clone()));
                self.caption(now, format!("no call-taker can take the call: {why}"));
                let queue = tr.queue.clone();
                let (holding, free_at) = match &self.line {
                    Some(Line::Waiting { holding, free_at, .. }) => (*holding, *free_at),
                    _ => (None, now),
                };
                self.line = Some(Line::Waiting {
                    queue,
                    position: None,
                    staffed: false,
                    next_announcement: now,
                    next_periodic: tr.hold.periodic.as_ref().map(|p| now.saturating_add(p.every)),
                    free_at,
                    holding,
                    joined: None,
                });
                if holding.is_none() {
                    self.no_operator(now, tr, reason, false);
                }
            }
            QueueEvent::Answered { operator } => {
                self.stop_prompt(now);
                self.step(now, node, PathEvent::Answered(operator.clone()));
                self.caption(now, format!("{operator} answered"));
                self.answered_at.get_or_insert(now);
                let queue = self.take_queue().unwrap_or_else(|| tr.queue.clone());
                self.line = Some(Line::Talking {
                    queue,
                    operator,
                    held: false,
                });
            }
            QueueEvent::Held | QueueEvent::Resumed => {
                let hold = event == QueueEvent::Held;
                if let Some(Line::Talking { held, .. }) = self.line.as_mut() {
                    *held = hold;
                    let what = if hold {
                        "put on hold by the call-taker"
                    } else {
                        "off hold"
                    };
                    self.step(now, node, if hold { PathEvent::Held } else { PathEvent::Resumed });
                    self.caption(now, what.into());
                }
            }
            QueueEvent::Ended { disposition } => {
                self.step(now, node, PathEvent::EndedByCallTaker(disposition.clone()));
                self.caption(now, format!("the call-taker ended the call ({disposition})"));
                self.disposition = Some(disposition);
                let outcome = Outcome::Transferred {
                    queue: self.take_queue().unwrap_or_else(|| tr.queue.clone()),
                    priority: tr.priority,
                    reason: self.reason,
                };
                self.effects.push_back(Effect::Hangup { at: now });
                self.finish(now, outcome);
            }
        }
        // An announcement due now starts now.
        self.handle_timeout(now);
    }

    /// Where the handed-off call stands on the operator line; `None` before the handoff,
    /// without an operator line, or once the call left the line (it ended, or a plan took it
    /// back into the menu).
    pub fn line_view(&self) -> Option<LineView<'_>> {
        if self.ended {
            return None;
        }
        Some(match self.line.as_ref()? {
            Line::Handing => LineView::Handing,
            Line::Waiting {
                queue,
                position,
                staffed,
                ..
            } => LineView::Waiting {
                queue,
                position: *position,
                staffed: *staffed,
            },
            Line::Talking { queue, operator, held } => LineView::Talking {
                queue,
                operator,
                held: *held,
            },
            Line::Closing { queue } => LineView::Closing { queue },
        })
    }

    /// When a call-taker first answered (on the call's clock), if one did.
    pub fn answered_at(&self) -> Option<CallTime> {
        self.answered_at
    }

    /// The call-taker's wrap-up code, once they ended the call.
    pub fn disposition(&self) -> Option<&str> {
        self.disposition.as_deref()
    }

    /// Tells the call how many call-takers are logged in (a driver that knows, such as a
    /// scenario's `operator: { staffed: N }`): the expected-wait announcement then divides
    /// by `n` ([`expected_wait`]) instead of the menu's `hold.expected_wait.call_takers`
    /// estimate. `None` goes back to the menu's figure.
    pub fn set_call_takers(&mut self, n: Option<u32>) {
        self.call_takers = n;
    }

    /// Whether the call has been handed off and is on the operator line (waiting, with a
    /// call-taker, or leaving).
    pub fn on_operator_line(&self) -> bool {
        self.line.is_some()
    }

    /// The caller (`from_caller`) or the call-taker said `text` at `now`, on a call a
    /// call-taker has: kept in the call's path (and so in transcripts) and shown.
    pub fn handle_conversation(&mut self, now: CallTime, from_caller: bool, text: &str) {
        self.handle_timeout(now);
        if self.ended || !self.with_operator() {
            return;
        }
        let node = self.current();
        self.step(
            now,
            node,
            PathEvent::Conversation {
                from_caller,
                text: text.to_owned(),
            },
        );
        if !from_caller {
            self.caption(now, format!("call-taker: {text}"));
        }
    }

    /// The caller pressed `keys` at `now` while a call-taker has the call: the caller hears
    /// the tones, the path keeps `caller pressed KEYS`, and a caption says where the keys
    /// went (the driver sends them to the console, protocol message `keys`). On hold,
    /// nobody sees them, and the caption says so.
    pub(super) fn keys_to_operator(&mut self, now: CallTime, keys: &str) {
        for key in keys.chars() {
            self.effects.push_back(Effect::DtmfTone { at: now, key });
        }
        let node = self.current();
        self.step(now, node, PathEvent::CallerPressed(keys.to_owned()));
        if self.is_held() {
            self.caption(
                now,
                format!("you pressed {keys}: you are on hold, the call-taker does not see them"),
            );
        } else {
            self.caption(now, format!("you pressed {keys}: the call-taker sees the keys"));
        }
    }

    /// Whether the handed-off call waits for a call-taker (in its queue, or holding under a
    /// `hold` plan): where a hold exit key acts.
    pub fn is_waiting(&self) -> bool {
        matches!(self.line, Some(Line::Waiting { .. }))
    }

    /// While the call waits (in its queue, or holding under a `hold` plan): the call time at
    /// which the line's own limit takes it out (the queue's `max_wait` from joining, a `hold`
    /// plan's `max_wait` from its start, whichever comes first) and runs the plan for it;
    /// `None` without a limit or when not waiting. A simulation's waiting caller leaves at
    /// the first of this and their patience.
    pub fn waiting_limit(&self) -> Option<CallTime> {
        self.line_limit(self.transfer_here()?)
    }

    /// Whether the call-taker has put the caller on hold.
    pub fn is_held(&self) -> bool {
        matches!(self.line, Some(Line::Talking { held: true, .. }))
    }

    /// Whether a call-taker has answered and has the call now.
    pub fn with_operator(&self) -> bool {
        matches!(self.line, Some(Line::Talking { .. }))
    }

    /// The queue the call waits in, or was last in, taken out of the line (left empty): for
    /// a line about to be replaced or ended, so the name moves on without a copy.
    fn take_queue(&mut self) -> Option<String> {
        match &mut self.line {
            Some(Line::Waiting { queue, .. } | Line::Closing { queue } | Line::Talking { queue, .. }) => {
                Some(std::mem::take(queue))
            }
            _ => None,
        }
    }

    /// The transfer the call is at, borrowed from the menu (never copied: queue events and
    /// line timers read it on every call).
    fn transfer_here(&self) -> Option<&'m TransferNode> {
        let at = self.at.as_ref()?;
        let menu: &'m crate::menu::Menu = self.menu;
        match &menu.node(at.node).kind {
            NodeKind::Transfer(t) => Some(t),
            _ => None,
        }
    }

    /// A driver without a console (a scenario) puts the handed-off call in its queue with
    /// `ahead` callers waiting before it, `staffed` or not, at `now`: the queue's capacity
    /// is checked by the one rule ([`has_room`]); a full queue runs the plan for
    /// [`NoOperatorReason::Full`], else the call waits at position `ahead + 1`, as with a
    /// console's `waiting`.
    pub fn join_queue(&mut self, now: CallTime, ahead: usize, staffed: bool) {
        let Some(tr) = self.transfer_here() else { return };
        if !matches!(self.line, Some(Line::Handing)) {
            return;
        }
        let event = if has_room(ahead, tr.settings.max_waiting) {
            QueueEvent::Waiting {
                queue: tr.queue.clone(),
                position: ahead.saturating_add(1),
                staffed,
            }
        } else {
            QueueEvent::Unavailable {
                why: NoOperatorReason::Full.words().into(),
                reason: NoOperatorReason::Full,
            }
        };
        self.handle_queue(now, event);
    }

    /// The transfer's prompt ended at `t` on an operator line: whether the queue is closed
    /// then (its `hours`), in which case the call never joins it: the plan for
    /// [`NoOperatorReason::Closed`] runs at once, and there is no handoff. Returns whether
    /// it was closed.
    pub(super) fn closed_at_handoff(&mut self, t: CallTime, tr: &'m TransferNode) -> bool {
        let Some(hours) = &tr.settings.hours else { return false };
        if self.holds(&Test::Hours(hours.clone()), t) {
            return false;
        }
        let node = self.current();
        let why = format!("the queue `{}` is closed ({hours})", tr.queue);
        self.step(t, node, PathEvent::NoCallTaker(why.clone()));
        self.caption(t, format!("no call-taker can take the call: {why}"));
        self.line = Some(Line::Waiting {
            queue: tr.queue.clone(),
            position: None,
            staffed: false,
            next_announcement: t,
            next_periodic: tr.hold.periodic.as_ref().map(|p| t.saturating_add(p.every)),
            free_at: t,
            holding: None,
            joined: None,
        });
        self.no_operator(t, tr, NoOperatorReason::Closed, false);
        true
    }

    /// The caller pressed `key` while waiting in a queue: the transfer's `hold.exit` key takes
    /// the call out of the queue to its node (Asterisk's queue `context`); any other key does
    /// nothing. Returns whether the key was the exit key.
    pub(super) fn hold_key(&mut self, t: CallTime, key: char) -> bool {
        let Some(tr) = self.transfer_here() else { return false };
        let Some(exit) = &tr.hold.exit else { return false };
        let Some(Line::Waiting { position, .. }) = &self.line else {
            return false;
        };
        if exit.key != key {
            return false;
        }
        let queued = position.is_some();
        let node = self.current();
        self.step(t, node, PathEvent::Key(key));
        self.caption(t, format!("you pressed {key}: you leave the queue"));
        let queue = self.take_queue().unwrap_or_else(|| tr.queue.clone());
        self.leave(t, &queue, queued, "the caller pressed the exit key");
        self.line = None;
        self.handoff_at = None;
        self.via = Via::HoldExit;
        self.goto(&exit.to, t);
        true
    }

    /// Whether the call waits in a queue (or holds for one), where the exit key acts.
    pub(super) fn waiting_in_queue(&self) -> bool {
        matches!(self.line, Some(Line::Waiting { .. }))
    }

    /// A prompt at the transfer has ended at `t` while the call is on the operator line (an
    /// announcement, or the closing message). Returns `false` when the call is not on the
    /// line yet: the transfer prompt ended, and the handoff is due.
    pub(super) fn line_prompt_done(&mut self, t: CallTime) -> bool {
        match &mut self.line {
            None => false,
            Some(Line::Closing { .. }) => {
                self.close(t);
                true
            }
            Some(Line::Waiting { free_at, .. }) => {
                *free_at = t;
                true
            }
            Some(_) => true,
        }
    }

    /// The line's limits: the end of a `hold` plan's wait and the queue's `max_wait`; they
    /// act even while an announcement plays.
    pub(super) fn line_limit(&self, tr: &TransferNode) -> Option<CallTime> {
        let Some(Line::Waiting {
            holding,
            joined,
            position,
            ..
        }) = &self.line
        else {
            return None;
        };
        let hold = holding.and_then(|(since, reason)| match tr.plan(reason) {
            Some(NoOperator::Hold { max_wait, .. }) => Some(since.saturating_add(*max_wait)),
            _ => None,
        });
        let queue = match (joined, tr.settings.max_wait) {
            (Some(j), Some(m)) if position.is_some() => Some(j.saturating_add(m)),
            _ => None,
        };
        match (hold, queue) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The line's next deadline when no prompt plays: a limit, or the next announcement
    /// (not before the last one ended).
    pub(super) fn line_deadline(&self, tr: &TransferNode) -> Option<CallTime> {
        let Some(Line::Waiting {
            next_announcement,
            next_periodic,
            free_at,
            ..
        }) = &self.line
        else {
            return None;
        };
        let announce = next_periodic
            .map_or(*next_announcement, |p| p.min(*next_announcement))
            .max(*free_at);
        Some(self.line_limit(tr).map_or(announce, |l| l.min(announce)))
    }

    /// A line timer is due at `t`.
    pub(super) fn line_timer(&mut self, t: CallTime) {
        let Some(tr) = self.transfer_here() else { return };
        let Some(Line::Waiting {
            position,
            next_announcement,
            next_periodic,
            holding,
            joined,
            ..
        }) = &self.line
        else {
            return;
        };
        let (position, next_announcement, next_periodic, holding, joined) =
            (*position, *next_announcement, *next_periodic, *holding, *joined);
        let node = self.current();
        // The `hold` plan's limit.
        if let Some((since, reason)) = holding
            && let Some(NoOperator::Hold { max_wait, prompt }) = tr.plan(reason)
            && since.saturating_add(*max_wait) <= t
        {
            self.step(t, node, PathEvent::NoCallTakerWithin(*max_wait));
            let queue = self.take_queue().unwrap_or_default();
            self.leave(t, &queue, position.is_some(), "the wait limit was reached");
            self.closing(t, queue, prompt.as_ref());
            return;
        }
        // The queue's `max_wait`: the caller leaves the queue, and the plan for it runs.
        if let (Some(j), Some(m), Some(_)) = (joined, tr.settings.max_wait, position)
            && j.saturating_add(m) <= t
        {
            let why = NoOperatorReason::WaitedTooLong.words();
            self.step(t, node, PathEvent::NoCallTaker(why.into()));
            self.caption(t, format!("no call-taker can take the call: {why}"));
            let queue = match &self.line {
                Some(Line::Waiting { queue, .. }) => queue.clone(),
                _ => tr.queue.clone(),
            };
            self.leave(t, &queue, true, why);
            if let Some(Line::Waiting { position, joined, .. }) = &mut self.line {
                *position = None;
                *joined = None;
            }
            self.no_operator(t, tr, NoOperatorReason::WaitedTooLong, false);
            return;
        }
        if self.is_playing() {
            return; // an announcement due now starts when this one ends
        }
        let every = |d: std::time::Duration| d.max(std::time::Duration::from_millis(1));
        let mut plays = VecDeque::new();
        let Some(Line::Waiting { queue, .. }) = &self.line else {
            return;
        };
        let queue = queue.clone();
        let mut next_a = next_announcement;
        let mut next_p = next_periodic;
        if next_announcement <= t {
            plays.push_back(self.announcement(tr, &queue, position));
            if let (Some(ew), Some(p)) = (&tr.hold.expected_wait, position) {
                plays.push_back(self.expected_wait_play(tr, ew, &queue, p));
            }
            next_a = next_after(next_announcement, every(tr.hold.every), t);
        }
        if let (Some(due), Some(periodic)) = (next_periodic, &tr.hold.periodic)
            && due <= t
        {
            let id = self.at.as_ref().map(|a| a.node).expect("at the transfer");
            self.announcements += 1;
            let mut play = self.play(id, &periodic.prompt, PromptRole::Hold(self.announcements), false);
            if play.text.contains('{') {
                play.text = fill_hold_text(&play.text, position, &queue, None);
            }
            plays.push_back(play);
            next_p = Some(next_after(due, every(periodic.every), t));
        }
        if let Some(Line::Waiting {
            next_announcement,
            next_periodic,
            ..
        }) = &mut self.line
        {
            *next_announcement = next_a;
            *next_periodic = next_p;
        }
        if !plays.is_empty() {
            self.start_queue(t, plays);
        }
    }

    fn announcement(&mut self, tr: &TransferNode, queue: &str, position: Option<usize>) -> PromptPlay {
        let id = self.at.as_ref().map(|a| a.node).expect("at the transfer");
        self.announcements += 1;
        let n = self.announcements;
        // A prompt that tells the position cannot be said without one.
        let usable = tr
            .hold
            .prompt
            .as_ref()
            .filter(|p| position.is_some() || !p.in_language(&self.language).0.contains("{position}"));
        let mut play = match (usable, position) {
            (Some(p), _) => self.play(id, p, PromptRole::Hold(n), false),
            (None, Some(_)) => self.text_play(id, DEFAULT_HOLD_TEXT, PromptRole::Hold(n)),
            (None, None) => self.text_play(id, DEFAULT_HOLD_TEXT_NO_PLACE, PromptRole::Hold(n)),
        };
        if play.text.contains('{') {
            play.text = fill_hold_text(&play.text, position, queue, None);
        }
        play
    }

    /// The expected-wait announcement for a caller at `position`
    /// ([`crate::rules::queue::expected_wait`]).
    fn expected_wait_play(
        &mut self,
        tr: &TransferNode,
        ew: &crate::menu::ExpectedWait,
        queue: &str,
        position: usize,
    ) -> PromptPlay {
        let id = self.at.as_ref().map(|a| a.node).expect("at the transfer");
        self.announcements += 1;
        let n = self.announcements;
        let _ = tr;
        let mut play = match &ew.prompt {
            Some(p) => self.play(id, p, PromptRole::Hold(n), false),
            None => self.text_play(id, DEFAULT_EXPECTED_WAIT_TEXT, PromptRole::Hold(n)),
        };
        let call_takers = self.call_takers.unwrap_or(ew.call_takers);
        let minutes = wait_minutes(expected_wait(position, ew.handle_time, call_takers));
        if play.text.contains('{') {
            play.text = fill_hold_text(&play.text, Some(position), queue, Some(minutes));
        }
        play
    }

    /// A prompt of built-in text (no clip), timed at 150 words per minute.
    fn text_play(&self, id: NodeId, text: &str, role: PromptRole) -> PromptPlay {
        let prompt = Prompt::text_only(text);
        self.play(id, &prompt, role, false)
    }

    /// No call-taker can take the call, for `reason`: the plan for it ([`TransferNode::plan`]).
    /// `queued`: it has a place (left here, unless the plan is `hold`).
    fn no_operator(&mut self, t: CallTime, tr: &'m TransferNode, reason: NoOperatorReason, queued: bool) {
        if let Some(NoOperator::Hold { .. }) = tr.plan(reason) {
            // Keep waiting; `line_timer` ends the wait.
            if let Some(Line::Waiting { holding, .. }) = &mut self.line {
                holding.get_or_insert((t, reason));
            }
            return;
        }
        // The line is replaced below (closing, or gone): its queue name moves on.
        let queue = self.take_queue().unwrap_or_else(|| tr.queue.clone());
        match tr.plan(reason) {
            Some(NoOperator::Hold { .. }) => {}
            Some(NoOperator::Message { prompt }) => {
                self.leave(t, &queue, queued, "no call-taker available");
                self.closing(t, queue, Some(prompt));
            }
            Some(plan @ (NoOperator::Callback { to } | NoOperator::Goto { to })) => {
                self.leave(t, &queue, queued, "no call-taker available");
                if matches!(plan, NoOperator::Callback { .. }) {
                    self.callback = to.node().map(|n| (queue, n, tr.priority));
                }
                self.line = None;
                self.handoff_at = None;
                self.via = Via::NoOperator;
                self.goto(to, t);
            }
            None => {
                self.leave(t, &queue, queued, "no call-taker available");
                self.closing(t, queue, None);
            }
        }
    }

    /// Tells the driver the call leaves its queue (when it had a place).
    fn leave(&mut self, t: CallTime, queue: &str, queued: bool, why: &str) {
        self.stop_prompt(t);
        if queued {
            self.effects.push_back(Effect::LeftQueue {
                at: t,
                queue: queue.to_owned(),
                reason: why.to_owned(),
            });
        }
    }

    /// Plays the closing message (`prompt`, or the built-in one), then hangs up.
    fn closing(&mut self, t: CallTime, queue: String, prompt: Option<&Prompt>) {
        let Some(id) = self.at.as_ref().map(|a| a.node) else {
            return;
        };
        let play = match prompt {
            Some(p) => self.play(id, p, PromptRole::Goodbye, false),
            None => self.text_play(id, DEFAULT_NO_OPERATOR_TEXT, PromptRole::Goodbye),
        };
        self.line = Some(Line::Closing { queue });
        self.start_prompt(t, Some(play));
    }

    /// The closing message has ended.
    fn close(&mut self, t: CallTime) {
        let queue = self.take_queue().unwrap_or_default();
        self.effects.push_back(Effect::Hangup { at: t });
        self.finish(t, Outcome::NoOperator { queue });
    }

    /// A collect node stored `value`: a callback request when it is the callback's node.
    pub(super) fn stored(&mut self, t: CallTime, node: NodeId, value: &str) {
        if let Some((queue, n, priority)) = &self.callback
            && *n == node
        {
            self.effects.push_back(Effect::CallbackRequested {
                at: t,
                queue: queue.clone(),
                number: value.to_owned(),
                priority: *priority,
                variables: self.variables.clone(),
            });
            self.callback = None;
        }
    }
}

/// The next due time of an announcement due at `due` and played at `t`: `due + every`, or
/// `t + every` when that has passed already (the announcements keep their period, start to
/// start, and never pile up).
fn next_after(due: CallTime, every: std::time::Duration, t: CallTime) -> CallTime {
    let next = due.saturating_add(every);
    if next <= t { t.saturating_add(every) } else { next }
}

/// `text` with `{position}` (the position, `?` without one), `{queue}` (the queue's name) and
/// `{wait}` (the expected wait in whole minutes, `?` without one) filled in, in one pass into
/// one string: a name filled in is not read again for placeholders (a queue named
/// `{position}` is said as it is).
fn fill_hold_text(text: &str, position: Option<usize>, queue: &str, wait: Option<u64>) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len() + queue.len() + 20);
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("{position}") {
            match position {
                Some(p) => {
                    let _ = write!(out, "{p}");
                }
                None => out.push('?'),
            }
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{queue}") {
            out.push_str(queue);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{wait}") {
            match wait {
                Some(w) => {
                    let _ = write!(out, "{w}");
                }
                None => out.push('?'),
            }
            rest = after;
        } else {
            out.push('{');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::Handoff;
    use crate::menu::Menu;
    use crate::menu::testing::menu;
    use crate::timing::PromptTimings;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// `plan` is the `when_no_operator` of transfer `t` (YAML flow mapping, or empty).
    /// Prompts have no clips: 0.4 s a word. `t`'s prompt is two words: the handoff is at 0.8 s.
    fn hotline(plan: &str) -> Menu {
        let plan = if plan.is_empty() {
            String::new()
        } else {
            format!("    when_no_operator: {plan}\n")
        };
        menu(&format!(
            r##"
name: T
entry: main
defaults:
  fallback: t
  no_input: [{{ text: "ni" }}]
  no_match: [{{ text: "nm" }}]
nodes:
  main:
    kind: menu
    prompt: {{ text: "press one" }}
    options: [{{ key: "1", to: t }}]
  t:
    kind: transfer
    queue: a
    prompt: {{ text: "please hold" }}
    hold: {{ every: 10s, prompt: {{ text: "you are number {{position}} in {{queue}}" }} }}
{plan}  other:
    kind: transfer
    queue: b
    when_no_operator: {{ action: message, prompt: {{ text: "bye now" }} }}
  cb:
    kind: collect
    prompt: {{ text: "your number" }}
    digits: {{ min: 3, max: 12, terminator: "#" }}
    store: callback_number
    next: done
  done:
    kind: hangup
    prompt: {{ text: "we will call" }}
"##
        ))
    }

    use crate::engine::tests_queues::Run;

    fn waiting(queue: &str, position: usize, staffed: bool) -> QueueEvent {
        QueueEvent::Waiting {
            queue: queue.into(),
            position,
            staffed,
        }
    }

    /// Hold announcements in `effects`: (start ms, text).
    fn holds(effects: &[Effect]) -> Vec<(u64, String)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::StartPrompt(p) if matches!(p.role, PromptRole::Hold(_)) => {
                    Some((p.at.as_millis() as u64, p.text.clone()))
                }
                _ => None,
            })
            .collect()
    }

    fn goodbye(effects: &[Effect]) -> Option<(u64, String)> {
        effects.iter().find_map(|e| match e {
            Effect::StartPrompt(p) if p.role == PromptRole::Goodbye => Some((p.at.as_millis() as u64, p.text.clone())),
            _ => None,
        })
    }

    fn captions(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Caption { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn hold_text_fills_position_and_queue_once_each_in_one_pass() {
        let t = "number {position} in {queue}, {position} again; {other} and {{position}} stay";
        assert_eq!(
            fill_hold_text(t, Some(12), "sales", None),
            "number 12 in sales, 12 again; {other} and {12} stay"
        );
        assert_eq!(
            fill_hold_text(t, None, "q", None),
            "number ? in q, ? again; {other} and {?} stay"
        );
        // As two replaces in turn did: a queue's name is not read for placeholders.
        assert_eq!(fill_hold_text("{queue}", Some(1), "{position}", None), "{position}");
        assert_eq!(
            fill_hold_text("no placeholder {", Some(1), "q", None),
            "no placeholder {"
        );
        assert_eq!(fill_hold_text("é{queue}ü", Some(1), "ß", None), "éßü");
    }

    #[test]
    fn keys_with_a_call_taker_go_to_the_call_taker_and_waiting_they_do_nothing() {
        let m = hotline(r#"{ action: message, prompt: { text: "sorry" } }"#);
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        r.queue(1000, waiting("a", 1, true));
        r.call.handle_keys(ms(4000), "5");
        let e = r.drain();
        assert!(captions(&e).iter().any(|c| c.contains("ignored")), "{e:?}");
        r.queue(5000, QueueEvent::Answered { operator: "Sam".into() });
        let before = r.call.keys_pressed();
        r.call.handle_keys(ms(6000), "5#");
        assert_eq!(
            r.call.keys_pressed(),
            before + 2,
            "keys to the call-taker are counted too"
        );
        let e = r.drain();
        let tones: Vec<char> = e
            .iter()
            .filter_map(|e| {
                if let Effect::DtmfTone { key, .. } = e {
                    Some(*key)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(tones, ['5', '#']);
        assert_eq!(captions(&e), ["you pressed 5#: the call-taker sees the keys"]);
        assert!(
            r.call
                .path()
                .iter()
                .any(|s| s.event == PathEvent::CallerPressed("5#".into()))
        );
        r.queue(7000, QueueEvent::Held);
        r.call.handle_keys(ms(8000), "1");
        let e = r.drain();
        assert!(
            captions(&e)
                .iter()
                .any(|c| c.contains("on hold, the call-taker does not see them")),
            "{e:?}"
        );
        assert!(!r.call.is_ended());
    }

    #[test]
    fn a_handed_off_call_waits_hears_its_position_and_is_answered() {
        let m = hotline(r#"{ action: message, prompt: { text: "sorry" } }"#);
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        let h: Vec<&Handoff> = r
            .effects
            .iter()
            .filter_map(|e| if let Effect::Handoff(h) = e { Some(h) } else { None })
            .collect();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].time_in_ivr, ms(800));
        assert!(!r.call.is_ended(), "an operator line waits after the handoff");
        assert_eq!(
            r.call.poll_timeout(),
            Some(crate::engine::MAX_CALL_LENGTH),
            "no timer before the console answers but the call's maximum length"
        );

        r.queue(1000, waiting("a", 2, true));
        assert_eq!(holds(&r.effects), vec![(1000, "you are number 2 in a".into())]);
        // 5 words: 2 s. The next one starts 10 s after the first, with the position then.
        r.queue(5000, waiting("a", 1, true));
        assert_eq!(r.call.poll_timeout(), Some(ms(11_000)));
        r.to(11_000);
        assert_eq!(holds(&r.effects)[1], (11_000, "you are number 1 in a".into()));
        // Answered during the announcement: it stops at once.
        let e = r.queue(12_000, QueueEvent::Answered { operator: "Sam".into() });
        assert!(e.contains(&Effect::StopPrompt { at: ms(12_000) }));
        assert!(r.call.with_operator());
        assert_eq!(
            r.call.poll_timeout(),
            Some(crate::engine::MAX_CALL_LENGTH),
            "no announcements with a call-taker"
        );
        r.to(60_000);
        assert_eq!(holds(&r.effects).len(), 2);
        r.queue(
            61_000,
            QueueEvent::Ended {
                disposition: "report_taken".into(),
            },
        );
        let s = r.summary().expect("ended");
        assert!(matches!(&s.outcome, Outcome::Transferred { queue, .. } if queue == "a"));
        assert_eq!(s.time_to_operator, Some(ms(800)));
        assert_eq!(s.time_waiting, Some(ms(11_200)));
        assert!(s.answered);
        assert_eq!(s.disposition.as_deref(), Some("report_taken"));
        assert_eq!(s.time_in_ivr, ms(61_000));
    }

    #[test]
    fn a_caller_who_hangs_up_while_waiting_abandons() {
        let m = hotline("");
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        r.queue(1000, waiting("a", 3, true));
        r.call.handle_hangup(ms(7000));
        r.drain();
        let s = r.summary().expect("ended");
        assert_eq!(s.outcome, Outcome::Abandoned);
        assert!(!s.answered);
        assert_eq!(s.time_waiting, Some(ms(6200)));
    }

    #[test]
    fn without_a_plan_the_built_in_message_plays_and_the_line_hangs_up() {
        let m = hotline("");
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        r.queue(
            1000,
            QueueEvent::Unavailable {
                why: "no call-taker console is reachable".into(),
                reason: NoOperatorReason::Unstaffed,
            },
        );
        let (at, text) = goodbye(&r.effects).expect("a closing message");
        assert_eq!((at, text.as_str()), (1000, DEFAULT_NO_OPERATOR_TEXT));
        assert!(holds(&r.effects).is_empty());
        let end = r.call.poll_timeout().expect("the message ends");
        r.to(end.as_millis() as u64);
        assert!(r.effects.contains(&Effect::Hangup { at: end }));
        assert_eq!(
            r.summary().expect("ended").outcome,
            Outcome::NoOperator { queue: "a".into() }
        );
    }

    #[test]
    fn message_leaves_the_queue_when_nobody_is_logged_in() {
        let m = hotline(r#"{ action: message, prompt: { text: "leave a message" } }"#);
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        let e = r.queue(1000, waiting("a", 1, false));
        assert!(
            e.iter()
                .any(|e| matches!(e, Effect::LeftQueue { queue, .. } if queue == "a"))
        );
        assert_eq!(goodbye(&e), Some((1000, "leave a message".into())));
        r.to(3000);
        assert_eq!(
            r.summary().expect("ended").outcome,
            Outcome::NoOperator { queue: "a".into() }
        );
    }

    #[test]
    fn news_from_the_console_after_the_call_leaves_its_queue_change_nothing() {
        let m = hotline(r#"{ action: message, prompt: { text: "leave a message" } }"#);
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        r.queue(1000, waiting("a", 2, false)); // leaves: the message plays
        // A position update and a second "unavailable" already on their way.
        r.queue(1200, waiting("a", 1, false));
        r.queue(
            1300,
            QueueEvent::Unavailable {
                why: "full".into(),
                reason: NoOperatorReason::Full,
            },
        );
        assert_eq!(goodbye(&r.effects), Some((1000, "leave a message".into())));
        assert_eq!(
            r.effects
                .iter()
                .filter(|e| matches!(e, Effect::LeftQueue { .. }))
                .count(),
            1
        );
        r.to(10_000);
        assert_eq!(
            r.summary().expect("ended").outcome,
            Outcome::NoOperator { queue: "a".into() }
        );
    }

    #[test]
    fn hold_waits_up_to_max_wait_then_says_goodbye() {
        let m = hotline(r#"{ action: hold, max_wait: 25s }"#);
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        r.queue(
            1000,
            QueueEvent::Unavailable {
                why: "the queue is full".into(),
                reason: NoOperatorReason::Unstaffed,
            },
        );
        r.to(25_999);
        assert_eq!(
            holds(&r.effects).iter().map(|h| h.0).collect::<Vec<_>>(),
            vec![1000, 11_000, 21_000]
        );
        assert!(!r.call.is_ended());
        let e = r.to(26_000);
        assert_eq!(goodbye(&e).map(|g| g.0), Some(26_000));
        assert!(
            !e.iter().any(|e| matches!(e, Effect::LeftQueue { .. })),
            "it had no place"
        );
        r.to(40_000);
        assert_eq!(
            r.summary().expect("ended").outcome,
            Outcome::NoOperator { queue: "a".into() }
        );
    }

    #[test]
    fn hold_in_a_queue_is_answered_when_a_call_taker_logs_in_in_time() {
        let m = hotline(r#"{ action: hold, max_wait: 25s }"#);
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        r.queue(1000, waiting("a", 1, false));
        r.queue(20_000, waiting("a", 1, true)); // logged in: the limit no longer runs
        r.to(40_000);
        assert!(!r.call.is_ended());
        r.queue(41_000, QueueEvent::Answered { operator: "Kim".into() });
        assert!(r.call.with_operator());
    }

    #[test]
    fn goto_goes_on_at_another_node() {
        let m = hotline(r#"{ action: goto, to: other }"#);
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        let e = r.queue(1000, waiting("a", 1, false));
        assert!(e.iter().any(|e| matches!(e, Effect::LeftQueue { .. })));
        assert!(e.contains(&Effect::Moved {
            at: ms(1000),
            from: m.find("t"),
            via: Via::NoOperator,
            to: m.find("other").unwrap()
        }));
        // `other` has no prompt: its handoff comes at once, for its own queue.
        assert!(e.iter().any(|e| matches!(e, Effect::Handoff(h) if h.queue == "b")));
        assert!(r.call.on_operator_line());
    }

    #[test]
    fn callback_takes_a_number_and_hands_it_on() {
        let m = hotline(r#"{ action: callback, to: cb }"#);
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        r.queue(
            1000,
            QueueEvent::Unavailable {
                why: "none".into(),
                reason: NoOperatorReason::Unstaffed,
            },
        );
        r.to(1800); // "your number"
        let e = {
            r.call.handle_keys(ms(2000), "5551234#");
            r.drain()
        };
        let req = e.iter().find_map(|e| match e {
            Effect::CallbackRequested { queue, number, .. } => Some((queue.clone(), number.clone())),
            _ => None,
        });
        assert_eq!(req, Some(("a".into(), "5551234".into())));
        r.to(10_000);
        assert!(matches!(&r.summary().expect("ended").outcome, Outcome::HungUp { .. }));
    }

    #[test]
    fn a_call_taker_who_goes_away_mid_call_cuts_the_caller_off() {
        for event in [
            QueueEvent::Lost { why: "closed".into() },
            QueueEvent::Unavailable {
                why: "the call-taker's console closed".into(),
                reason: NoOperatorReason::Unstaffed,
            },
        ] {
            let m = hotline(r#"{ action: goto, to: other }"#);
            let clips = PromptTimings::text_only();
            let mut r = Run::start(&m, &clips, None);
            r.queue(1000, waiting("a", 1, true));
            r.queue(2000, QueueEvent::Answered { operator: "Sam".into() });
            r.queue(9000, event);
            let s = r.summary().expect("ended");
            assert!(matches!(&s.outcome, Outcome::CutOff { .. }), "{s:?}");
            assert!(s.answered);
        }
    }

    #[test]
    fn a_call_put_back_in_another_queue_waits_there() {
        let m = hotline("");
        let clips = PromptTimings::text_only();
        let mut r = Run::start(&m, &clips, None);
        r.queue(1000, waiting("a", 1, true));
        r.queue(2000, QueueEvent::Answered { operator: "Sam".into() });
        let e = r.queue(9000, waiting("b", 4, true));
        assert_eq!(holds(&e), vec![(9000, "you are number 4 in b".into())]);
        r.queue(15_000, QueueEvent::Answered { operator: "Lee".into() });
        r.queue(
            20_000,
            QueueEvent::Ended {
                disposition: "x".into(),
            },
        );
        let s = r.summary().expect("ended");
        assert!(matches!(&s.outcome, Outcome::Transferred { queue, .. } if queue == "b"));
        assert_eq!(s.time_waiting, Some(ms(1200)), "to the first answer");
    }
}
