//! One caller in virtual time: the "advance virtual time to the next timer, take the effects,
//! act" loop that the scenario runner, `scenarios generate`, the `--save-scenario` replay,
//! training calls (through the runner), the pipe driver and the console's synthetic callers
//! all drive a [`Call`] with.
//!
//! A [`VirtualCaller`] owns its call and its clock (the call's own: virtual time is whatever
//! the caller last told the call). Its operations are what a caller does: listen to prompts to
//! their end, press keys or speak at their turn, now, or some time into the prompt playing,
//! stay silent until the line's next time-out or for a while, hang up. The effects the call
//! produces are kept, in order, for [`VirtualCaller::poll_effect`]; the caller notes the
//! prompt heard last (the anchor of `at:` times), the handoff and the summary on the way.
//! It holds no I/O and nothing shared, so it is cheap and `Send`: a traffic simulation can run
//! many of them on many threads.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use super::{Call, CallStart, CallTime, Effect, Handoff, Outcome, PromptPlay, QueueEvent, Summary};
use crate::menu::Menu;
use crate::timing::PromptTimings;

use crate::rules::MAX_PROMPTS_WITHOUT_A_TURN;

/// When a caller's action happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// At the call's current time, whatever is playing.
    Now,
    /// At the caller's turn: after listening to the prompts to their end ([`VirtualCaller::listen`]).
    Turn,
    /// This long after the start of the prompt heard last (barging in), or now if that time
    /// has passed. A scenario's `at:`.
    IntoPrompt(Duration),
}

impl At {
    /// A scenario step's `at:`: `None` is the caller's turn.
    pub fn from_offset(at: Option<Duration>) -> At {
        at.map_or(At::Turn, At::IntoPrompt)
    }
}

/// One caller in virtual time, owning its [`Call`] (see the module's notes). It dereferences
/// to the call, for what the caller only reads (where the call is, its path, its variables)
/// and for drivers in real time (the REPL), which tell the call the wall-clock time
/// themselves; effects are taken through [`VirtualCaller::poll_effect`] in either case.
pub struct VirtualCaller<'m> {
    call: Call<'m>,
    /// Effects taken from the call, not yet polled (only when `keep_effects`).
    out: VecDeque<Effect>,
    keep_effects: bool,
    /// The prompt that started last: `At::IntoPrompt` counts from its start.
    last_prompt: Option<PromptPlay>,
    handoff: Option<Handoff>,
    summary: Option<Summary>,
    /// On an operator line, what a handoff is answered with at once.
    no_operator: Option<LineAnswer>,
}

/// What a handed-off call of a [`VirtualCaller`] hears from its (absent) console at once.
#[derive(Clone, Debug, PartialEq, Eq)]
enum LineAnswer {
    /// No call-taker can take it, for this reason in words (`operator: unavailable`).
    Unavailable(String),
    /// It joins its queue behind `ahead` callers, with a call-taker logged in who never
    /// gets to it (`operator: busy`): the queue's capacity, hold announcements, wait limit
    /// and exit key apply.
    Busy {
        /// Callers waiting ahead.
        ahead: usize,
        /// Whether a call-taker is logged in (`false`: the queue's `join_empty` rule applies).
        staffed: bool,
    },
    /// The queue refuses it: it is full (the plan for [`crate::menu::NoOperatorReason::Full`]).
    Full,
}

impl<'m> VirtualCaller<'m> {
    /// A new call on `menu` (at time zero, at its entry), driven in virtual time.
    pub fn new(menu: &'m Menu, timings: &'m PromptTimings, start: CallStart) -> Self {
        Self::from_call(Call::new(menu, timings, start))
    }

    /// Drives `call` from where it is.
    pub fn from_call(call: Call<'m>) -> Self {
        let mut caller = VirtualCaller {
            call,
            out: VecDeque::new(),
            keep_effects: true,
            last_prompt: None,
            handoff: None,
            summary: None,
            no_operator: None,
        };
        caller.pump();
        caller
    }

    /// Keeps no effects for [`VirtualCaller::poll_effect`] (only the handoff and the summary):
    /// for callers whose effects nobody reads (a simulation, a benchmark).
    pub fn without_effects(mut self) -> Self {
        self.keep_effects = false;
        self.out.clear();
        self
    }

    /// On an operator line ([`CallStart::operator_line`]), the handed-off call is told at once
    /// that no call-taker can take it (`QueueEvent::Unavailable` with `why`), so the menu's
    /// `when_no_operator` plan runs: what a scenario's `operator: unavailable` means.
    pub fn with_no_operator(mut self, why: impl Into<String>) -> Self {
        self.no_operator = Some(LineAnswer::Unavailable(why.into()));
        self
    }

    /// On an operator line, the handed-off call joins its queue at once behind `ahead`
    /// callers, a call-taker logged in but never free ([`Call::join_queue`], which applies
    /// the queue's capacity): what a scenario's `operator: busy` means.
    pub fn with_busy_queue(self, ahead: usize) -> Self {
        self.with_queue(ahead, true)
    }

    /// On an operator line, the handed-off call joins its queue at once behind `ahead`
    /// callers ([`Call::join_queue`]: the queue's capacity applies), with call-takers logged
    /// in (`staffed`) or none (the queue's `join_empty` rule applies). A scenario's
    /// `operator: { staffed: N, waiting: M }`.
    pub fn with_queue(mut self, ahead: usize, staffed: bool) -> Self {
        self.no_operator = Some(LineAnswer::Busy { ahead, staffed });
        self
    }

    /// On an operator line, the handed-off call is refused at once by a full queue
    /// (`QueueEvent::Unavailable` for [`crate::menu::NoOperatorReason::Full`], what a console
    /// says when its queue holds `max_waiting` callers): a scenario's `operator: full`.
    pub fn with_full_queue(mut self) -> Self {
        self.no_operator = Some(LineAnswer::Full);
        self
    }

    /// The call.
    pub fn call(&self) -> &Call<'m> {
        &self.call
    }

    /// The call, to tell it things directly (a driver in real time).
    pub fn call_mut(&mut self) -> &mut Call<'m> {
        &mut self.call
    }

    /// The next effect of the call, in order.
    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.pump();
        self.out.pop_front()
    }

    /// The handoff (screen pop), once the call was handed over.
    pub fn handoff(&self) -> Option<&Handoff> {
        self.handoff.as_ref()
    }

    /// The summary, once the call has ended.
    pub fn summary(&self) -> Option<&Summary> {
        self.summary.as_ref()
    }

    /// How the call ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.summary.as_ref().map(|s| &s.outcome)
    }

    /// The prompt that started last, if any.
    pub fn last_prompt(&self) -> Option<&PromptPlay> {
        self.last_prompt.as_ref()
    }

    /// Where `At::IntoPrompt` counts from: the start of the prompt heard last, or now.
    pub fn anchor(&self) -> CallTime {
        self.last_prompt.as_ref().map_or(self.call.now(), |p| p.at)
    }

    /// Takes the call's effects, noting the prompt, handoff and summary.
    fn pump(&mut self) {
        while let Some(e) = self.call.poll_effect() {
            match &e {
                Effect::StartPrompt(p) => self.last_prompt = Some(p.clone()),
                Effect::Handoff(h) => {
                    if let Some(answer) = &self.no_operator
                        && self.call.on_operator_line()
                    {
                        let t = h.time_in_ivr;
                        match answer.clone() {
                            LineAnswer::Unavailable(why) => self.call.handle_queue(
                                t,
                                QueueEvent::Unavailable {
                                    why,
                                    reason: crate::menu::NoOperatorReason::Unstaffed,
                                },
                            ),
                            LineAnswer::Busy { ahead, staffed } => self.call.join_queue(t, ahead, staffed),
                            LineAnswer::Full => self.call.handle_queue(
                                t,
                                QueueEvent::Unavailable {
                                    why: crate::menu::NoOperatorReason::Full.words().into(),
                                    reason: crate::menu::NoOperatorReason::Full,
                                },
                            ),
                        }
                    }
                }
                _ => {}
            }
            let keep = match e {
                Effect::Handoff(h) if !self.keep_effects => {
                    self.handoff = Some(h);
                    None
                }
                Effect::Ended(s) if !self.keep_effects => {
                    self.summary = Some(s);
                    None
                }
                Effect::Handoff(h) => {
                    self.handoff = Some(h.clone());
                    Some(Effect::Handoff(h))
                }
                Effect::Ended(s) => {
                    self.summary = Some(s.clone());
                    Some(Effect::Ended(s))
                }
                e => Some(e),
            };
            if let Some(e) = keep.filter(|_| self.keep_effects) {
                self.out.push_back(e);
            }
        }
    }

    /// Listens to the prompts to their end (time moves on while they play) until it is the
    /// caller's turn or the call ends. Returns `false` when [`MAX_PROMPTS_WITHOUT_A_TURN`] played without a
    /// turn.
    pub fn listen(&mut self) -> bool {
        let turn = self.call.play_to_turn(MAX_PROMPTS_WITHOUT_A_TURN);
        self.pump();
        turn
    }

    /// Moves virtual time on to `t` without acting (timers due by then fire). Prompts that
    /// start meanwhile do not become the anchor of `At::IntoPrompt`: the caller's next
    /// action still counts from the prompt heard before.
    pub fn advance(&mut self, t: CallTime) {
        let anchor = self.last_prompt.take();
        self.run_until(t);
        self.last_prompt = anchor;
    }

    /// Moves virtual time on to `t`: every timer due by then fires, also those that taking
    /// the effects starts (a handoff answered on an operator line joins the queue then, with
    /// its announcements and limits), at most [`MAX_PROMPTS_WITHOUT_A_TURN`] rounds. The
    /// prompts that start become the anchor of `At::IntoPrompt` (see [`Self::advance`] for
    /// a move that keeps it).
    pub fn run_until(&mut self, t: CallTime) {
        for _ in 0..MAX_PROMPTS_WITHOUT_A_TURN {
            self.call.handle_timeout(t);
            self.pump();
            if self.call.poll_timeout().is_none_or(|due| due > t) {
                break;
            }
        }
    }

    /// The time of an action `at`, with virtual time moved on to it.
    pub fn when(&mut self, at: At) -> CallTime {
        match at {
            At::Now => self.call.now(),
            At::Turn => {
                self.listen();
                self.call.now()
            }
            At::IntoPrompt(offset) => {
                let t = (self.anchor() + offset).max(self.call.now());
                self.run_until(t);
                t
            }
        }
    }

    /// Presses `keys` together (one burst) `at`.
    pub fn press(&mut self, at: At, keys: &str) {
        let t = self.when(at);
        self.call.handle_keys(t, keys);
        self.pump();
    }

    /// Presses `keys` one by one, the first `at`, each next one `gap` later (a zero gap: one
    /// burst, as [`VirtualCaller::press`]).
    pub fn press_spaced(&mut self, at: At, keys: &str, gap: Duration) {
        if gap.is_zero() {
            return self.press(at, keys);
        }
        let mut t = self.when(at);
        let mut buf = [0u8; 4];
        for (i, k) in keys.chars().enumerate() {
            if i > 0 {
                t += gap;
            }
            self.call.handle_keys(t, k.encode_utf8(&mut buf));
            self.pump();
        }
    }

    /// Says `words` `at`.
    pub fn say(&mut self, at: At, words: &str) {
        let t = self.when(at);
        self.call.handle_speech(t, words);
        self.pump();
    }

    /// Hangs up `at`.
    pub fn hang_up(&mut self, at: At) {
        let t = self.when(at);
        self.call.handle_hangup(t);
        self.pump();
    }

    /// Stays silent from now until the line's next time-out (the no-input or inter-digit
    /// time-out, the end of the prompt playing), which fires. Nothing when the call is over.
    pub fn wait_for_timeout(&mut self) {
        if let Some(t) = self.call.poll_timeout() {
            self.call.handle_timeout(t);
        }
        self.pump();
    }

    /// A scenario's `silence`: listens to the prompts to their end, then stays silent for
    /// `d`, or (`None`) until the line's next time-out. Nothing when the call is over.
    pub fn silence(&mut self, d: Option<Duration>) {
        if self.call.is_ended() {
            return;
        }
        self.listen();
        match d {
            Some(d) => {
                let t = self.call.now() + d;
                self.run_until(t);
            }
            None => self.wait_for_timeout(),
        }
    }

    /// Stays silent, time-out after time-out, until the call ends: `Some(n)`, the silences
    /// it took, or `None` when `max` were not enough.
    pub fn silence_to_end(&mut self, max: usize) -> Option<usize> {
        for n in 0..max {
            self.listen();
            if self.call.is_ended() {
                return Some(n);
            }
            self.silence(None);
        }
        self.listen();
        self.call.is_ended().then_some(max)
    }

    /// Lets the line's timers run, without acting, until the call is handed over or ends, at
    /// most `max` timers: the handoff, if there was one.
    pub fn wait_for_handoff(&mut self, max: usize) -> Option<&Handoff> {
        for _ in 0..max {
            if self.handoff.is_some() || self.call.is_ended() {
                break;
            }
            let Some(t) = self.call.poll_timeout() else { break };
            self.call.handle_timeout(t);
            self.pump();
        }
        self.handoff.as_ref()
    }
}

impl<'m> Deref for VirtualCaller<'m> {
    type Target = Call<'m>;

    fn deref(&self) -> &Call<'m> {
        &self.call
    }
}

impl<'m> DerefMut for VirtualCaller<'m> {
    fn deref_mut(&mut self) -> &mut Call<'m> {
        &mut self.call
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PathEvent, PromptRole};
    use crate::menu::testing::menu;

    /// "a b c d e": 5 words at 150 a minute, 2 s; no-input after 5 s, twice, then `op`.
    const MENU: &str = r#"
name: T
entry: main
defaults:
  timeout: 5s
  max_no_input: 2
  fallback: op
  no_input: [{ text: "again" }]
nodes:
  main:
    kind: menu
    prompt: { text: "a b c d e" }
    options:
      - { key: "1", to: op }
      - { key: "2", to: bye }
  op:
    kind: transfer
    queue: general
    when_no_operator: { action: message, prompt: { text: "nobody" } }
  bye: { kind: hangup, reason: done }
"#;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn clips() -> &'static PromptTimings {
        static CLIPS: std::sync::OnceLock<PromptTimings> = std::sync::OnceLock::new();
        CLIPS.get_or_init(PromptTimings::text_only)
    }

    fn key_times(c: &VirtualCaller) -> Vec<(u64, PathEvent<'static>)> {
        c.path()
            .iter()
            .filter(|s| matches!(s.event, PathEvent::Key(_)))
            .map(|s| (s.at.as_millis() as u64, PathEvent::Key(matches_key(&s.event))))
            .collect()
    }

    fn matches_key(e: &PathEvent) -> char {
        match e {
            PathEvent::Key(k) => *k,
            _ => unreachable!(),
        }
    }

    // A simulation runs callers on many threads.
    #[test]
    fn a_virtual_caller_can_move_to_another_thread() {
        fn send<T: Send>() {}
        send::<VirtualCaller<'static>>();
        let m = menu(MENU);
        let clips = clips();
        std::thread::scope(|s| {
            let mut c = VirtualCaller::new(&m, clips, CallStart::default());
            s.spawn(move || {
                c.press(At::Turn, "2");
                assert_eq!(c.outcome(), Some(&Outcome::HungUp { reason: "done".into() }));
            });
        });
    }

    // At the turn: after the prompt (2 s); into the prompt: from its start, barging in.
    #[test]
    fn keys_are_pressed_at_the_turn_now_or_into_the_prompt() {
        let m = menu(MENU);
        let mut c = VirtualCaller::new(&m, clips(), CallStart::default());
        c.press(At::IntoPrompt(ms(500)), "7"); // no such option: a no-match, prompt stopped
        assert_eq!(key_times(&c), vec![(500, PathEvent::Key('7'))]);
        let mut c = VirtualCaller::new(&m, clips(), CallStart::default());
        c.press(At::Now, "7");
        assert_eq!(key_times(&c), vec![(0, PathEvent::Key('7'))]);
        let mut c = VirtualCaller::new(&m, clips(), CallStart::default());
        assert!(c.listen());
        assert_eq!(c.now(), ms(2000), "the prompt played to its end");
        c.press(At::Turn, "1");
        assert_eq!(key_times(&c), vec![(2000, PathEvent::Key('1'))]);
        assert_eq!(c.handoff().map(|h| h.queue.as_str()), Some("general"));
        assert_eq!(c.handoff().map(|h| h.time_in_ivr), Some(ms(2000)));
    }

    // Silence until the time-out re-prompts; silence to the end takes the fallback.
    #[test]
    fn silence_runs_the_time_outs_and_the_effects_are_kept_in_order() {
        let m = menu(MENU);
        let mut c = VirtualCaller::new(&m, clips(), CallStart::default());
        c.silence(None);
        assert_eq!(c.now(), ms(7000), "2 s of prompt, then 5 s of no-input");
        assert_eq!(c.last_prompt().map(|p| p.role.clone()), Some(PromptRole::NoInput(1)));
        assert_eq!(c.anchor(), ms(7000));
        assert_eq!(
            c.silence_to_end(10),
            Some(1),
            "the second no-input goes to the fallback"
        );
        assert!(c.is_ended());
        assert!(matches!(c.outcome(), Some(Outcome::Transferred { .. })));
        let effects: Vec<Effect> = std::iter::from_fn(|| c.poll_effect()).collect();
        let prompts: Vec<u64> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::StartPrompt(p) => Some(p.at.as_millis() as u64),
                _ => None,
            })
            .collect();
        // The prompt, the re-prompt, then the menu's prompt again after it.
        assert_eq!(prompts, vec![0, 7000, 7400], "every effect since the start, in order");
        assert!(matches!(effects.last(), Some(Effect::Ended(_))));
        assert_eq!(c.poll_effect(), None);
    }

    // `advance` lets prompts play without making them the anchor of the next `at:`.
    #[test]
    fn advancing_keeps_the_anchor_of_the_prompt_heard_before() {
        let m = menu(MENU);
        let mut c = VirtualCaller::new(&m, clips(), CallStart::default());
        c.advance(ms(7000)); // the no-input re-prompt starts at 7 s
        assert_eq!(c.anchor(), ms(0));
        c.press(At::IntoPrompt(ms(7500)), "2");
        assert_eq!(key_times(&c), vec![(7500, PathEvent::Key('2'))]);
    }

    // On an operator line, `with_no_operator` answers the handoff: the `when_no_operator`
    // message plays and the call ends.
    #[test]
    fn no_operator_runs_the_menus_plan_and_without_effects_keeps_the_records() {
        let m = menu(MENU);
        let start = CallStart {
            operator_line: true,
            ..CallStart::default()
        };
        let mut c = VirtualCaller::new(&m, clips(), start.clone()).with_no_operator("nobody here");
        c.press(At::Turn, "1");
        c.listen();
        assert!(
            matches!(c.outcome(), Some(Outcome::NoOperator { .. })),
            "{:?}",
            c.outcome()
        );
        let mut quiet = VirtualCaller::new(&m, clips(), start).without_effects();
        quiet.press(At::Turn, "1");
        assert_eq!(quiet.wait_for_handoff(10).map(|h| h.queue.as_str()), Some("general"));
        assert!(!quiet.is_ended(), "the call waits on the operator line");
        assert_eq!(quiet.poll_effect(), None, "no effects kept");
    }
}
