//! What the engine hands back: [`Effect`]s, and the records a call leaves behind
//! ([`Handoff`], [`Summary`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::menu::{ExternalApp, ExternalResult, GlobalAction, Menu, NodeId, Priority};

/// Time since the call started. The engine never reads a clock: drivers pass it in.
pub type CallTime = Duration;

/// Reads a [`CallTime`] written by [`ms`].
pub(crate) fn de_ms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    <u64 as serde::Deserialize>::deserialize(d).map(Duration::from_millis)
}

/// Serializes a [`CallTime`] as whole milliseconds.
pub(crate) fn ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Which prompt of a node is played.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "n")]
pub enum PromptRole {
    /// The node's own prompt.
    Main,
    /// The n-th no-input re-prompt (1-based).
    NoInput(u32),
    /// The n-th no-match re-prompt (1-based).
    NoMatch(u32),
    /// The goodbye played when retries run out with no fallback, or when no call-taker
    /// can take the call.
    Goodbye,
    /// The n-th hold announcement while waiting for a call-taker (1-based).
    Hold(u32),
}

/// A prompt the caller hears, from `at` for `duration`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PromptPlay {
    /// Node id.
    pub node: String,
    /// Which of the node's prompts.
    pub role: PromptRole,
    /// The words (caption), in the call's language.
    pub text: String,
    /// The clip to play, if the prompt has a readable one.
    pub clip: Option<PathBuf>,
    /// When it starts.
    #[serde(serialize_with = "ms", rename = "at_ms")]
    pub at: CallTime,
    /// How long it plays if not interrupted: the clip's length, or the text at 150 words per minute.
    #[serde(serialize_with = "ms", rename = "duration_ms")]
    pub duration: Duration,
    /// Whether a key may interrupt it.
    pub barge_in: bool,
}

/// Why a call was handed to an operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffReason {
    /// The caller chose the way to the transfer (menu options, spoken keywords, routes).
    Chosen,
    /// The caller pressed the global operator key.
    OperatorKey,
    /// The caller stayed silent until `max_no_input` was reached.
    MaxNoInput,
    /// The caller's input was invalid until `max_no_match` was reached.
    MaxNoMatch,
}

impl HandoffReason {
    /// The name used in records and scenarios: `chosen`, `operator_key`, `max_no_input`, `max_no_match`.
    pub fn name(self) -> &'static str {
        match self {
            HandoffReason::Chosen => "chosen",
            HandoffReason::OperatorKey => "operator_key",
            HandoffReason::MaxNoInput => "max_no_input",
            HandoffReason::MaxNoMatch => "max_no_match",
        }
    }
}

/// One step of a call's path, as the engine keeps it: at `at`, at node `node`, `event`
/// happened. Typed, with the node as an index into the call's [`Menu`]; the text form
/// ([`StepRecord`], `{"at_ms", "node", "event"}`) is made only at the edges (handoff, summary,
/// JSON, screen pop) by [`PathStep::record`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathStep<'m> {
    /// When.
    pub at: CallTime,
    /// The node the call was at.
    pub node: NodeId,
    /// What happened.
    pub event: PathEvent<'m>,
}

impl PathStep<'_> {
    /// The step as text, with the node's id from `menu` (the menu of the call that made it).
    pub fn record(&self, menu: &Menu) -> StepRecord {
        StepRecord {
            at: self.at,
            node: menu.node(self.node).id.clone(),
            event: self.event.to_string(),
        }
    }
}

/// What happened at one step of a call's path. `'m` is the menu's lifetime (option labels
/// and variable names are borrowed from it). [`Display`](std::fmt::Display) writes the text
/// of the step as transcripts, handoffs and screen pops show it (`key 1`, `chose: Report`,
/// `no-match 2 (7)`, …); that text is the wire format (docs/operator-protocol.md) and does
/// not change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathEvent<'m> {
    /// `enter`: the call entered the node.
    Entered,
    /// `key K`: one key at a menu or collect (or a global key at a message).
    Key(char),
    /// `keys KKK`: keys pressed together at one node, at one instant (merged `key` steps).
    Keys(String),
    /// `key K (skips the message)`: a key that interrupted a message with barge-in.
    SkipsMessage(char),
    /// `chose: LABEL`: the option taken has a label (the call-taker reads it).
    Chose(&'m str),
    /// `say "WORDS"`: the caller spoke.
    Said(String),
    /// `no-input N`: the N-th failed turn without input at the node.
    NoInput(u32),
    /// `no-match N (ENTRY)`: the N-th invalid entry at the node (`ENTRY`: the digits, or the
    /// words in quotes).
    NoMatch {
        /// Which no-match (1-based).
        n: u32,
        /// What the caller entered, as shown.
        entry: String,
    },
    /// `VAR = VALUE`: a collect stored its entry.
    Stored {
        /// The variable (the collect's `store`).
        var: &'m str,
        /// The digits.
        value: String,
    },
    /// `route N`: a route node took its N-th route (1-based).
    Route(usize),
    /// `default route`: no route's condition held.
    DefaultRoute,
    /// `operator`, `main menu`, `repeat`, `back`: a global key acted.
    Global(GlobalAction),
    /// `caller hangs up`.
    CallerHangsUp,
    /// `the call reached its maximum length`.
    MaxLength,
    /// `waiting in `QUEUE` at position N`: the call joined a queue.
    Waiting {
        /// The queue.
        queue: String,
        /// 1-based position.
        position: usize,
    },
    /// `no call-taker logged in`.
    Unstaffed,
    /// `line to the call-taker lost: WHY`.
    LineLost(String),
    /// `no call-taker: WHY`.
    NoCallTaker(String),
    /// `no call-taker within DURATION` (a `when_no_operator: hold` wait limit).
    NoCallTakerWithin(Duration),
    /// `answered by OPERATOR`.
    Answered(String),
    /// `put on hold by the call-taker`.
    Held,
    /// `off hold`.
    Resumed,
    /// `ended by the call-taker: DISPOSITION`.
    EndedByCallTaker(String),
    /// `caller: "TEXT"` or `call-taker: "TEXT"`: conversation on an answered call.
    Conversation {
        /// Whether the caller said it (else the call-taker).
        from_caller: bool,
        /// The words.
        text: String,
    },
    /// `caller pressed KEYS`: keys pressed while a call-taker has the call.
    CallerPressed(String),
    /// `(N steps left out)`: stands for N steps dropped from the middle of a long path
    /// ([`crate::engine::MAX_PATH_STEPS`]).
    LeftOut(u64),
    /// `recorded 12.345 s (silence)`: a recording ended, by `why` (`silence`, `a key`, `its
    /// maximum length`).
    Recorded {
        /// Its length.
        length: Duration,
        /// What ended it.
        why: &'static str,
    },
    /// `no speech: nothing recorded`.
    NoSpeech,
    /// `callback requested: `QUEUE`, NUMBER`: a `callback` node asked for one.
    CallbackRequested {
        /// The queue.
        queue: &'m str,
        /// The number.
        number: String,
    },
    /// `no callback: `VAR` holds no number`.
    NoCallbackNumber(&'m str),
    /// `handed to voicemail `box`` (the IVR's part ends), or `application `pay`: success`
    /// (the step came back with a result): an `external` node acted.
    External {
        /// What took the call.
        app: ExternalApp,
        /// Which one.
        name: &'m str,
        /// The result, for a step that comes back.
        result: Option<ExternalResult>,
    },
}

impl PathEvent<'_> {
    /// The keys of a key step (`Key`, `Keys`, `SkipsMessage`, `CallerPressed`), in order.
    pub fn keys(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            PathEvent::Key(k) | PathEvent::SkipsMessage(k) => Some(k.to_string().into()),
            PathEvent::Keys(k) | PathEvent::CallerPressed(k) => Some(k.as_str().into()),
            _ => None,
        }
    }

    /// Whether the caller acted here at the line's menu: a key (`Key`, `Keys`, `SkipsMessage`)
    /// or words (`Said`).
    pub fn is_caller_input(&self) -> bool {
        matches!(
            self,
            PathEvent::Key(_) | PathEvent::Keys(_) | PathEvent::SkipsMessage(_) | PathEvent::Said(_)
        )
    }
}

impl std::fmt::Display for PathEvent<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathEvent::Entered => f.write_str("enter"),
            PathEvent::Key(k) => write!(f, "key {k}"),
            PathEvent::Keys(k) => write!(f, "keys {k}"),
            PathEvent::SkipsMessage(k) => write!(f, "key {k} (skips the message)"),
            PathEvent::Chose(label) => write!(f, "chose: {label}"),
            PathEvent::Said(words) => write!(f, "say \"{words}\""),
            PathEvent::NoInput(n) => write!(f, "no-input {n}"),
            PathEvent::NoMatch { n, entry } => write!(f, "no-match {n} ({entry})"),
            PathEvent::Stored { var, value } => write!(f, "{var} = {value}"),
            PathEvent::Route(n) => write!(f, "route {n}"),
            PathEvent::DefaultRoute => f.write_str("default route"),
            PathEvent::Global(a) => match a {
                GlobalAction::Operator => f.write_str("operator"),
                GlobalAction::Repeat => f.write_str("repeat"),
                GlobalAction::Back => f.write_str("back"),
                GlobalAction::MainMenu => f.write_str("main menu"),
            },
            PathEvent::CallerHangsUp => f.write_str("caller hangs up"),
            PathEvent::MaxLength => f.write_str("the call reached its maximum length"),
            PathEvent::Waiting { queue, position } => write!(f, "waiting in `{queue}` at position {position}"),
            PathEvent::Unstaffed => f.write_str("no call-taker logged in"),
            PathEvent::LineLost(why) => write!(f, "line to the call-taker lost: {why}"),
            PathEvent::NoCallTaker(why) => write!(f, "no call-taker: {why}"),
            PathEvent::NoCallTakerWithin(d) => write!(f, "no call-taker within {}", humantime::format_duration(*d)),
            PathEvent::Answered(who) => write!(f, "answered by {who}"),
            PathEvent::Held => f.write_str("put on hold by the call-taker"),
            PathEvent::Resumed => f.write_str("off hold"),
            PathEvent::EndedByCallTaker(d) => write!(f, "ended by the call-taker: {d}"),
            PathEvent::Conversation { from_caller, text } => {
                let who = if *from_caller { "caller" } else { "call-taker" };
                write!(f, "{who}: \"{text}\"")
            }
            PathEvent::CallerPressed(keys) => write!(f, "caller pressed {keys}"),
            PathEvent::LeftOut(n) => write!(f, "({n} steps left out)"),
            PathEvent::Recorded { length, why } => write!(
                f,
                "recorded {}.{:03} s ({why})",
                length.as_secs(),
                length.subsec_millis()
            ),
            PathEvent::NoSpeech => f.write_str("no speech: nothing recorded"),
            PathEvent::CallbackRequested { queue, number } => write!(f, "callback requested: `{queue}`, {number}"),
            PathEvent::NoCallbackNumber(var) => write!(f, "no callback: `{var}` holds no number"),
            PathEvent::External { app, name, result } => match result {
                Some(r) => write!(f, "{} `{name}`: {}", app.name(), r.name()),
                None => write!(f, "handed to {} `{name}`", app.name()),
            },
        }
    }
}

/// One step of a call's path as text: the form of handoffs (on the wire), summaries,
/// transcripts and JSON reports: `{"at_ms": 0, "node": "welcome", "event": "enter"}`.
/// `event` is a [`PathEvent`]'s text; a handoff from another program may carry any text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRecord {
    /// When.
    #[serde(serialize_with = "ms", deserialize_with = "de_ms", rename = "at_ms")]
    pub at: CallTime,
    /// Node id.
    pub node: String,
    /// What: `enter`, `key 1`, `keys 2026`, `chose: <option label>`, `say "report"`, `no-input 1`,
    /// `no-match 2 (7)`, `case_number = 20261234`, `route 1`, `default route`, `repeat`, `back`, …
    /// (see [`PathEvent`]).
    pub event: String,
}

/// The nodes a path entered, in order, joined with arrows: `welcome → main_menu → operator`.
pub fn route_of(path: &[StepRecord]) -> String {
    let nodes: Vec<&str> = path
        .iter()
        .filter(|s| s.event == "enter")
        .map(|s| s.node.as_str())
        .collect();
    nodes.join(" → ")
}

/// [`route_of`] for a call's typed path (node ids from `menu`).
pub fn route_of_steps(menu: &Menu, path: &[PathStep<'_>]) -> String {
    let nodes: Vec<&str> = path
        .iter()
        .filter(|s| s.event == PathEvent::Entered)
        .map(|s| menu.node(s.node).id.as_str())
        .collect();
    nodes.join(" → ")
}

/// What a call-taker receives with a transferred call (the "screen pop").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handoff {
    /// The transfer node.
    pub node: String,
    /// Queue name.
    pub queue: String,
    /// Priority in the queue.
    pub priority: Priority,
    /// Why the call was transferred.
    pub reason: HandoffReason,
    /// Every step of the call, with times.
    pub path: Vec<StepRecord>,
    /// Collected and preset variables, limited to the transfer's `context` when it has one.
    pub variables: BTreeMap<String, String>,
    /// The call's language.
    pub language: String,
    /// Time from the start of the call to the handoff.
    #[serde(serialize_with = "ms", deserialize_with = "de_ms", rename = "time_in_ivr_ms")]
    pub time_in_ivr: Duration,
}

/// How a call ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// Handed to an operator.
    Transferred {
        /// Queue.
        queue: String,
        /// Priority.
        priority: Priority,
        /// Why.
        reason: HandoffReason,
    },
    /// Ended at a hang-up node (self-service, closed, …).
    HungUp {
        /// The node's `reason`.
        reason: String,
    },
    /// Retries ran out at a node with no fallback; the caller heard goodbye.
    RetriesExhausted {
        /// The node.
        node: String,
    },
    /// The caller hung up (before or after a handoff, while waiting in a queue).
    Abandoned,
    /// The line to the call-taker broke while they had the call (the console closed or
    /// went away).
    CutOff {
        /// Why, in words.
        why: String,
    },
    /// No call-taker could take the handed-off call; the line said so and hung up.
    NoOperator {
        /// The queue it was for.
        queue: String,
    },
    /// Handed to something that is not a person (an `external` node without `on`): voicemail,
    /// an application, another flow. The IVR's part of the call ends here by design.
    External {
        /// What took the call.
        app: ExternalApp,
        /// Which one.
        name: String,
    },
    /// The menu could not go on (a reference to a missing node, or routes looping without end).
    Failed {
        /// What went wrong.
        error: String,
    },
}

/// The record of a finished call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// How it ended.
    pub outcome: Outcome,
    /// Every step.
    pub path: Vec<StepRecord>,
    /// DTMF keys pressed.
    pub keys_pressed: u32,
    /// Time from start to end.
    #[serde(serialize_with = "ms", rename = "time_in_ivr_ms")]
    pub time_in_ivr: Duration,
    /// Time from start to the handoff, when there was one ("time to agent").
    #[serde(serialize_with = "opt_ms", rename = "time_to_operator_ms")]
    pub time_to_operator: Option<Duration>,
    /// On an operator line: the time to answer, from the handoff to the first answer (or,
    /// never answered, to the end: time waited unanswered); docs/call-semantics.md, "Times".
    #[serde(serialize_with = "opt_ms", rename = "time_waiting_ms")]
    pub time_waiting: Option<Duration>,
    /// Whether a call-taker answered.
    pub answered: bool,
    /// The call-taker's wrap-up code, when they ended the call.
    pub disposition: Option<String>,
    /// Variables at the end.
    pub variables: BTreeMap<String, String>,
    /// Language at the end.
    pub language: String,
}

pub(crate) fn opt_ms<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ms(d, s),
        None => s.serialize_none(),
    }
}

/// Why the call moved to a node: the edge of the menu graph it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "index")]
pub enum Via {
    /// The start of the call (to the entry).
    Start,
    /// A menu option's key (its position in `options`).
    Option(usize),
    /// A menu option's spoken keyword (the option's position).
    Keyword(usize),
    /// The end of a message, or a complete entry in a collect.
    Next,
    /// A route whose condition held (its position in `routes`).
    Route(usize),
    /// A route node's `default`.
    RouteDefault,
    /// The fallback after the last allowed no-input.
    NoInputFallback,
    /// The fallback after the last allowed no-match.
    NoMatchFallback,
    /// A global key (operator, main menu, back).
    Global(crate::menu::GlobalAction),
    /// A transfer's `when_no_operator` plan (`callback` or `goto`).
    NoOperator,
    /// The exit key of a transfer's hold (`hold.exit`): the caller left the queue.
    HoldExit,
    /// An external step's result (`on.success` or `on.error`).
    External(ExternalResult),
}

/// Something the driver must do or show.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum Effect {
    /// Start playing a prompt (and show its caption).
    StartPrompt(PromptPlay),
    /// Stop the prompt playing now (barge-in, or the call moved on).
    StopPrompt {
        /// When.
        #[serde(serialize_with = "ms", rename = "at_ms")]
        at: CallTime,
    },
    /// Play the DTMF tone of a key the caller pressed (feedback).
    DtmfTone {
        /// When.
        #[serde(serialize_with = "ms", rename = "at_ms")]
        at: CallTime,
        /// The key.
        key: char,
    },
    /// A line for the trainee that is not a prompt: what the line did with their input.
    Caption {
        /// When.
        #[serde(serialize_with = "ms", rename = "at_ms")]
        at: CallTime,
        /// The text.
        text: String,
    },
    /// The call moved along an edge of the menu (for coverage and tools; not shown). Nodes are
    /// indices into the call's menu; a transcript names them (`call::transcript::Events`),
    /// which is why this variant is not serialized on its own.
    #[serde(skip_serializing)]
    Moved {
        /// When.
        at: CallTime,
        /// The node it left (`None` at the start).
        from: Option<NodeId>,
        /// The edge.
        via: Via,
        /// The node it entered.
        to: NodeId,
    },
    /// The call is handed to an operator with this record.
    Handoff(Handoff),
    /// On an operator line: the call leaves the queue it waited in (no call-taker).
    LeftQueue {
        /// When.
        #[serde(serialize_with = "ms", rename = "at_ms")]
        at: CallTime,
        /// The queue.
        queue: String,
        /// Why, in words.
        reason: String,
    },
    /// A callback is requested: a `when_no_operator` callback took the number to call back, or
    /// the caller chose one at a `callback` node.
    CallbackRequested {
        /// When.
        #[serde(serialize_with = "ms", rename = "at_ms")]
        at: CallTime,
        /// The queue that could not take the call.
        queue: String,
        /// The number entered.
        number: String,
        /// The priority of the request: the transfer's, or the `callback` node's.
        priority: Priority,
        /// The call's variables.
        variables: BTreeMap<String, String>,
    },
    /// The line hangs up.
    Hangup {
        /// When.
        #[serde(serialize_with = "ms", rename = "at_ms")]
        at: CallTime,
    },
    /// The call is over; nothing more will happen.
    Ended(Summary),
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every event reads as the free text the path held before it was typed: that text is on
    // the wire (docs/operator-protocol.md), in transcripts and in JSON reports.
    #[test]
    fn path_events_read_as_the_text_they_replace() {
        let cases: Vec<(PathEvent<'_>, &str)> = vec![
            (PathEvent::Entered, "enter"),
            (PathEvent::Key('1'), "key 1"),
            (PathEvent::Keys("2026".into()), "keys 2026"),
            (PathEvent::SkipsMessage('#'), "key # (skips the message)"),
            (PathEvent::Chose("Report a problem"), "chose: Report a problem"),
            (PathEvent::Said("report".into()), "say \"report\""),
            (PathEvent::NoInput(1), "no-input 1"),
            (
                PathEvent::NoMatch {
                    n: 2,
                    entry: "7".into(),
                },
                "no-match 2 (7)",
            ),
            (
                PathEvent::Stored {
                    var: "case_number",
                    value: "20261234".into(),
                },
                "case_number = 20261234",
            ),
            (PathEvent::Route(1), "route 1"),
            (PathEvent::DefaultRoute, "default route"),
            (PathEvent::Global(GlobalAction::Operator), "operator"),
            (PathEvent::Global(GlobalAction::MainMenu), "main menu"),
            (PathEvent::Global(GlobalAction::Repeat), "repeat"),
            (PathEvent::Global(GlobalAction::Back), "back"),
            (PathEvent::CallerHangsUp, "caller hangs up"),
            (PathEvent::MaxLength, "the call reached its maximum length"),
            (
                PathEvent::Waiting {
                    queue: "reports".into(),
                    position: 2,
                },
                "waiting in `reports` at position 2",
            ),
            (PathEvent::Unstaffed, "no call-taker logged in"),
            (PathEvent::LineLost("gone".into()), "line to the call-taker lost: gone"),
            (PathEvent::NoCallTaker("full".into()), "no call-taker: full"),
            (
                PathEvent::NoCallTakerWithin(Duration::from_secs(90)),
                "no call-taker within 1m 30s",
            ),
            (PathEvent::Answered("ana".into()), "answered by ana"),
            (PathEvent::Held, "put on hold by the call-taker"),
            (PathEvent::Resumed, "off hold"),
            (
                PathEvent::EndedByCallTaker("resolved".into()),
                "ended by the call-taker: resolved",
            ),
            (
                PathEvent::Conversation {
                    from_caller: true,
                    text: "hello".into(),
                },
                "caller: \"hello\"",
            ),
            (
                PathEvent::Conversation {
                    from_caller: false,
                    text: "hi".into(),
                },
                "call-taker: \"hi\"",
            ),
            (PathEvent::CallerPressed("5#".into()), "caller pressed 5#"),
            (PathEvent::LeftOut(9001), "(9001 steps left out)"),
        ];
        for (event, text) in cases {
            assert_eq!(event.to_string(), text, "{event:?}");
        }
    }

    // A typed step becomes the record handoffs and transcripts carry, serialized as before.
    #[test]
    fn a_step_serializes_as_the_record_it_always_was() {
        let m = crate::menu::testing::menu(
            "name: t\nentry: main\nnodes:\n  main:\n    kind: menu\n    prompt: { text: Hi }\n    options:\n      - { key: '1', to: bye }\n  bye: { kind: hangup, reason: done }\n",
        );
        let step = PathStep {
            at: Duration::from_millis(1500),
            node: m.find("main").unwrap(),
            event: PathEvent::Key('1'),
        };
        let record = step.record(&m);
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"at_ms":1500,"node":"main","event":"key 1"}"#
        );
        let back: StepRecord = serde_json::from_str(r#"{"at_ms":1500,"node":"main","event":"key 1"}"#).unwrap();
        assert_eq!(back, record);
    }
}
