//! What the engine hands back: [`Effect`]s, and the records a call leaves behind
//! ([`Handoff`], [`Summary`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::menu::Priority;

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

/// One step of a call's path: at `at`, at `node`, `event` happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathStep {
    /// When.
    #[serde(serialize_with = "ms", deserialize_with = "de_ms", rename = "at_ms")]
    pub at: CallTime,
    /// Node id.
    pub node: String,
    /// What: `enter`, `key 1`, `keys 2026`, `chose: <option label>`, `say "report"`, `no-input 1`,
    /// `no-match 2 (7)`, `case_number = 20261234`, `route 1`, `default route`, `repeat`, `back`, …
    pub event: String,
}

/// The nodes a path entered, in order, joined with arrows: `welcome → main_menu → operator`.
pub fn route_of(path: &[PathStep]) -> String {
    let nodes: Vec<&str> = path
        .iter()
        .filter(|s| s.event == "enter")
        .map(|s| s.node.as_str())
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
    pub path: Vec<PathStep>,
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
    pub path: Vec<PathStep>,
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
    /// The call moved along an edge of the menu (for coverage and tools; not shown).
    Moved {
        /// When.
        #[serde(serialize_with = "ms", rename = "at_ms")]
        at: CallTime,
        /// The node it left (`None` at the start).
        from: Option<String>,
        /// The edge.
        via: Via,
        /// The node it entered.
        to: String,
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
    /// A `when_no_operator` callback took the number to call back.
    CallbackRequested {
        /// When.
        #[serde(serialize_with = "ms", rename = "at_ms")]
        at: CallTime,
        /// The queue that could not take the call.
        queue: String,
        /// The number entered.
        number: String,
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
