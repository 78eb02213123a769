//! Running a scenario: the call engine in virtual time, driven the way a caller acts.
//!
//! The caller hears each prompt to its end before acting, unless a `press`, `say` or
//! `hangup` gives `at:` (a time from the start of the prompt heard last), which barges in; an
//! `at:` whose time has already passed fails the step instead of acting late. An expectation
//! checks the call as it is now, at the current instant of the call's clock: with
//! `listen: true` once the prompts have played to the caller's turn, and after moving the
//! clock on (the caller silent, timers firing) to the latest time a timed expectation names
//! when that is later than now. `at_node:` holds if the call is at the node now; `passed:`
//! (old name `node:`) if it is at the node or passed through it since the caller's last key
//! or word; `prompt:` if any prompt heard since the previous action has the text (so a
//! message that plays and moves on can be expected too). Timed expectations are checked
//! against the call's [`Timeline`].

use std::time::Duration;

use super::timeline::{Timeline, When, secs};
use super::{Expect, Scenario, Step, StepKind};
use crate::audio::ClipLibrary;
use crate::engine::{
    At, CallTime, Effect, Handoff, Outcome, PathEvent, PromptPlay, StepRecord, Summary, VirtualCaller,
};
use crate::menu::Menu;
use crate::source::Span;

/// Why a scenario failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The step that failed.
    pub step: Span,
    /// Expected and actual, in words.
    pub message: String,
    /// The path the call took up to then.
    pub path: Vec<StepRecord>,
}

/// The result of one scenario.
#[derive(Debug, Clone)]
pub struct Run {
    /// Scenario name.
    pub name: String,
    /// `None` when it passed.
    pub failure: Option<Failure>,
    /// Call time at the end of the scenario (simulated: virtual seconds on the call's clock).
    pub call_time: CallTime,
    /// How long running the scenario took (wall clock): what CI reports as a test's time.
    pub run_time: std::time::Duration,
    /// What the scenario exercised (for coverage).
    pub hits: super::coverage::Hits,
    /// Steps run (actions and expectations).
    pub steps: usize,
    /// The handoff record (screen pop), when the call was transferred by the end of the run.
    pub handoff: Option<Handoff>,
}

/// The scenario's caller, and what the checks need that the call does not keep.
struct Caller<'m> {
    call: VirtualCaller<'m>,
    /// Prompts started since the previous action.
    heard: Vec<PromptPlay>,
    passed: Vec<crate::menu::NodeId>,
    hits: super::coverage::Hits,
    /// The call's timed events, kept only when the scenario has timed expectations.
    timeline: Option<Timeline>,
    /// What the operator side's checks need from the effects.
    seen: super::line::Seen,
}

impl Caller<'_> {
    /// Takes the effects the call produced: coverage hits, prompts heard, nodes passed.
    fn absorb(&mut self) {
        // The timeline takes the path before the effects of the same moment (to tell a
        // barge-in, and a queue position, which polling may add: a busy line's answer).
        let mut pending = Vec::new();
        while let Some(e) = self.call.poll_effect() {
            super::coverage::record_hits(self.call.menu(), &e, &mut self.hits);
            self.seen.observe(&e);
            if self.timeline.is_some() {
                if let Effect::StartPrompt(p) = &e {
                    self.heard.push(p.clone());
                }
                pending.push(e);
            } else if let Effect::StartPrompt(p) = e {
                self.heard.push(p);
            }
        }
        if let Some(t) = &mut self.timeline {
            t.take_path(self.call.menu(), self.call.path());
            for e in &pending {
                t.take_effect(e);
            }
        }
        let path = self.call.path();
        let since = path
            .iter()
            .rposition(|s| s.event.is_caller_input())
            .map_or(0, |i| i + 1);
        for s in &path[since..] {
            if s.event == PathEvent::Entered && !self.passed.contains(&s.node) {
                self.passed.push(s.node); // in call order
            }
        }
        if let Some(t) = &mut self.timeline {
            t.settle(self.call.now());
        }
    }

    /// Moves on to the time of an action with `at:` (from the start of the prompt heard
    /// last), else listens to the end; what was heard until then is taken before the action.
    ///
    /// # Errors
    /// An `at:` whose time has already passed (the call's clock is later), in words.
    fn ready(&mut self, at: Option<Duration>) -> Result<(), String> {
        if let Some(offset) = at {
            let anchor = self.call.anchor();
            let t = anchor + offset;
            let now = self.call.now();
            if t < now {
                let from = self.call.last_prompt().map_or("the call's start".to_owned(), |p| {
                    format!("the start of the prompt of `{}` heard last, at {}", p.node, secs(p.at))
                });
                return Err(format!(
                    "`at: {}` is {} on the call's clock ({} after {from}), but the call is already at {}: \
                     the time has passed, so the step cannot act then",
                    humantime::format_duration(offset),
                    secs(t),
                    secs(offset),
                    secs(now)
                ));
            }
        }
        self.call.when(At::from_offset(at));
        self.absorb();
        // A caller cannot act on a call that is over: the step fails (as an operator step
        // does), never passes without having acted.
        if self.call.is_ended() {
            return Err(format!(
                "the call ended at {} ({}), before the step could act",
                secs(self.call.now()),
                outcome_words(self.call.summary())
            ));
        }
        Ok(())
    }

    /// Plays prompts to their end.
    fn listen(&mut self) {
        self.call.listen();
        self.absorb();
    }
}

fn check(c: &Caller, menu: &Menu, e: &Expect) -> Result<(), String> {
    // Every field is checked: a failure names each one that does not hold.
    let mut fails: Vec<String> = Vec::new();
    if let Some(node) = &e.at_node {
        let here = c.call.current().map_or("nowhere", |n| menu.node(n).id.as_str());
        if here != node {
            let when = if c.call.is_ended() { "ended" } else { "is" };
            fails.push(format!(
                "expected the call at `{node}` now ({}), but it {when} at `{here}`",
                secs(c.call.now())
            ));
        }
    }
    for x in &e.events {
        let Some(t) = &c.timeline else { break };
        if let Err(m) = t.check(x, c.call.now()) {
            fails.push(m);
        }
    }
    if let Some(node) = &e.node {
        let here = c.call.current().map(|n| menu.node(n).id.clone()).unwrap_or_default();
        let passed: Vec<&str> = c.passed.iter().map(|&n| menu.node(n).id.as_str()).collect();
        if here != *node && !passed.contains(&node.as_str()) {
            fails.push(format!(
                "expected node `{node}`, but the call is at `{here}` (passed since the last action: {})",
                passed.join(", ")
            ));
        }
    }
    if let Some(want) = &e.prompt {
        let matches = |p: &PromptPlay| {
            p.text.contains(want.as_str())
                || p.clip
                    .as_ref()
                    .and_then(|f| f.file_name())
                    .is_some_and(|f| f.to_string_lossy() == *want)
        };
        let ok = c.heard.iter().any(matches) || c.call.last_prompt().is_some_and(matches);
        if !ok {
            let last = c
                .call
                .last_prompt()
                .map_or("none".to_owned(), |p| format!("`{}`: \"{}\"", p.node, p.text));
            fails.push(format!("expected a prompt with \"{want}\", the last prompt was {last}"));
        }
    }
    for (name, value) in &e.vars {
        let found = c.call.variables().get(name);
        if found != Some(value) {
            let found = found.map_or("unset".to_owned(), |v| format!("`{v}`"));
            fails.push(format!("expected `{name}` = `{value}`, found {found}"));
        }
    }
    if let Some(t) = &e.transfer {
        match c.call.handoff() {
            None => fails.push("expected a transfer, but the call has not been handed over".into()),
            Some(h) => {
                let checks = [
                    ("queue", &t.queue, h.queue.clone()),
                    ("priority", &t.priority, h.priority.name().into_owned()),
                    ("reason", &t.reason, h.reason.name().to_owned()),
                ];
                for (what, want, got) in checks {
                    // A priority matches by level: `normal` is `5`.
                    let same = |want: &str| {
                        want == got
                            || (what == "priority"
                                && crate::menu::Priority::parse(want).is_some_and(|p| p == h.priority))
                    };
                    if let Some(want) = want
                        && !same(want)
                    {
                        fails.push(format!("expected a transfer with {what} `{want}`, found `{got}`"));
                    }
                }
            }
        }
    }
    if let Some(reason) = &e.hangup {
        let ok = match c.call.outcome() {
            Some(Outcome::HungUp { reason: got }) => reason.as_ref().is_none_or(|r| r == got),
            Some(Outcome::RetriesExhausted { .. } | Outcome::Abandoned) => reason.is_none(),
            Some(Outcome::NoOperator { .. }) => reason.as_ref().is_none_or(|r| r == "no-operator"),
            _ => false,
        };
        if !ok {
            let want = reason.as_ref().map_or(String::new(), |r| format!(" ({r})"));
            fails.push(format!(
                "expected the line to hang up{want}, found {}",
                outcome_words(c.call.summary())
            ));
        }
    }
    if let Some(target) = &e.external {
        let ok = matches!(c.call.outcome(), Some(Outcome::External { name, .. }) if name == target);
        if !ok {
            fails.push(format!(
                "expected a handoff to `{target}`, found {}",
                outcome_words(c.call.summary())
            ));
        }
    }
    let now = c.call.now();
    if let Some(min) = e.elapsed.0
        && now < min
    {
        fails.push(format!(
            "expected at least {:.1} s, the call is at {:.1} s",
            min.as_secs_f64(),
            now.as_secs_f64()
        ));
    }
    if let Some(max) = e.elapsed.1
        && now > max
    {
        fails.push(format!(
            "expected at most {:.1} s, the call is at {:.1} s",
            max.as_secs_f64(),
            now.as_secs_f64()
        ));
    }
    if let Some(line) = &e.line
        && let Err(m) = super::line::check(&c.call, &c.seen, line)
    {
        fails.push(m);
    }
    let keys = c.call.keys_pressed();
    if let Some(min) = e.keys.0
        && keys < min
    {
        fails.push(format!(
            "expected at least {min} keypress{}, {keys} {} pressed",
            if min == 1 { "" } else { "es" },
            if keys == 1 { "was" } else { "were" }
        ));
    }
    if let Some(max) = e.keys.1
        && keys > max
    {
        fails.push(format!(
            "expected at most {max} keypress{}, {keys} {} pressed",
            if max == 1 { "" } else { "es" },
            if keys == 1 { "was" } else { "were" }
        ));
    }
    if fails.is_empty() {
        Ok(())
    } else {
        Err(fails.join("; and "))
    }
}

/// How a call ended, in words, for failure messages.
fn outcome_words(summary: Option<&Summary>) -> String {
    match summary.map(|s| &s.outcome) {
        None => "the call still going on".into(),
        Some(Outcome::Transferred { queue, .. }) => format!("a transfer to `{queue}`"),
        Some(Outcome::HungUp { reason }) => format!("a hang-up ({reason})"),
        Some(Outcome::RetriesExhausted { node }) => format!("the end after too many failed tries at `{node}`"),
        Some(Outcome::Abandoned) => "the caller hanging up".into(),
        Some(Outcome::CutOff { why }) => format!("a call cut off: {why}"),
        Some(Outcome::NoOperator { queue }) => format!("a hang-up for want of a call-taker in `{queue}`"),
        Some(Outcome::Failed { error }) => format!("a failed call: {error}"),
        Some(Outcome::External { app, name }) => format!("a handoff to {} `{name}`", app.name()),
    }
}

/// Runs one scenario on `menu`.
pub fn run(menu: &Menu, clips: &ClipLibrary, scenario: &Scenario) -> Run {
    let started = std::time::Instant::now();
    let caller = VirtualCaller::new(menu, clips.timings(), scenario.start.clone());
    let timed = scenario
        .steps
        .iter()
        .any(|s| matches!(&s.kind, StepKind::Expect(e) if !e.events.is_empty()));
    let mut c = Caller {
        call: super::line::caller(caller, scenario.line.as_ref(), scenario.busy),
        heard: Vec::new(),
        passed: Vec::new(),
        hits: Default::default(),
        timeline: timed.then(Timeline::default),
        seen: Default::default(),
    };
    c.absorb();
    for (i, Step { span, kind }) in scenario.steps.iter().enumerate() {
        let act = !matches!(kind, StepKind::Expect(_));
        let result = match kind {
            StepKind::Press { keys, at, gap } => c.ready(*at).map(|()| c.call.press_spaced(At::Now, keys, *gap)),
            StepKind::Say { words, at } => c.ready(*at).map(|()| c.call.say(At::Now, words)),
            StepKind::Silence(d) => {
                c.listen();
                c.call.silence(*d);
                Ok(())
            }
            StepKind::Hangup { at } => c.ready(*at).map(|()| c.call.hang_up(At::Now)),
            StepKind::Operator(op) => {
                c.absorb();
                super::line::act(&mut c.call, &c.seen, op)
            }
            StepKind::Expect(e) => expect(&mut c, menu, e),
        };
        if let Err(mut message) = result {
            let (path, call_time, handoff) = (c.call.path_records(), c.call.now(), c.call.handoff().cloned());
            if let StepKind::Expect(e) = kind {
                message = hint(&mut c, menu, e, message);
            }
            return Run {
                name: scenario.name.clone(),
                failure: Some(Failure {
                    step: *span,
                    message,
                    path,
                }),
                call_time,
                run_time: started.elapsed(),
                hits: c.hits,
                steps: i + 1,
                handoff,
            };
        }
        if act {
            c.passed.clear();
            c.heard.clear();
            c.absorb();
        }
    }
    Run {
        name: scenario.name.clone(),
        failure: None,
        call_time: c.call.now(),
        run_time: started.elapsed(),
        hits: c.hits,
        steps: scenario.steps.len(),
        handoff: c.call.handoff().cloned(),
    }
}

/// Most timers an open-ended `within` (no `max`) lets fire while it waits for its event.
const MAX_OPEN_WAIT: usize = 100_000;

/// An `expect` step: listens first with `listen: true`, moves the clock on to the latest time
/// a timed expectation names (when later than now), then checks.
///
/// # Errors
/// The failure's message.
fn expect(c: &mut Caller, menu: &Menu, e: &Expect) -> Result<(), String> {
    if e.listen {
        c.listen();
    }
    let latest = e.events.iter().filter_map(|x| x.when.latest()).max();
    // Only when it does not hold already: a window whose event has happened does not move the
    // clock on to its end.
    if let Some(t) = latest
        && t > c.call.now()
        && !c.call.is_ended()
        && check(c, menu, e).is_err()
    {
        // Timers that taking the effects starts (a busy line's answer to the handoff joins
        // the queue then, with its announcements and limits) fire too.
        c.call.run_until(t);
        c.absorb();
    }
    // `within` without `max` is open-ended: the caller stays silent, timer after timer,
    // until such an event has happened or the call is over.
    if e.events
        .iter()
        .any(|x| matches!(x.when, When::Within { max: None, .. }))
    {
        for _ in 0..MAX_OPEN_WAIT {
            if c.call.is_ended() || check(c, menu, e).is_ok() {
                break;
            }
            c.call.wait_for_timeout();
            c.absorb();
        }
    }
    check(c, menu, e)
}

/// The failure `message` of expectation `e`, with a hint when it would hold once the prompts
/// playing have played: it says so and suggests `listen: true`. Looks ahead on the call, so
/// only once the scenario has failed (what the run reports was taken before; the coverage
/// keeps only what ran before).
fn hint(c: &mut Caller, menu: &Menu, e: &Expect, message: String) -> String {
    if e.listen || c.call.is_ended() || !c.call.is_playing() {
        return message;
    }
    let playing = c.call.last_prompt().map(|p| (p.node.clone(), p.at + p.duration));
    let hits = std::mem::take(&mut c.hits);
    c.listen();
    c.hits = hits;
    if check(c, menu, e).is_err() {
        return message;
    }
    let until = playing.map_or(String::new(), |(node, end)| {
        format!("the prompt of `{node}` plays until {}; ", secs(end))
    });
    format!(
        "{message} ({until}it holds once the prompts have played, at {}: add `listen: true` to check then)",
        secs(c.call.now())
    )
}
