//! The scenario file as written (see `docs/scenario-format.md`): serde types in which every
//! value keeps its place, so a failing step is reported at `file:line:column`.
//!
//! The same types give the JSON Schema of the format (`ivrsim schema scenario`, committed as
//! `docs/schema/scenario.schema.json`); their doc comments are the descriptions editors show.

use schemars::{JsonSchema, Schema};
use serde::Deserialize;
use serde_json::json;

pub use crate::menu::raw::S;
use crate::menu::raw::{Entries, schema};

/// An ivrsim scenario file (docs/scenario-format.md): scripted calls that test a menu, run by
/// `ivrsim test`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ivrsim scenarios")]
#[allow(
    dead_code,
    reason = "read field by field by the loader's stream (load.rs), which lowers each scenario as it is read; this type gives the schema and the fields findings name"
)]
pub struct RawFile {
    /// The menu file the scenarios test, relative to this file. Required.
    #[schemars(required)]
    pub menu: Option<S<String>>,
    /// The scenarios: a list of `{ name, start, steps }`, at least one. Required.
    #[schemars(required, length(min = 1))]
    pub scenarios: Option<S<Vec<S<RawScenario>>>>,
}

/// One scenario: a scripted call.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// The scenario's name, unique in the file; reports tell scenarios apart by it. Required.
    #[schemars(required, transform = schema::not_blank)]
    pub name: Option<S<String>>,
    /// How the call starts: `{ at, language, vars, operator }`. Optional.
    pub start: Option<S<RawStart>>,
    /// Caller actions (`press`, `say`, `silence`, `hangup`) and expectations (`expect`), in
    /// order, at least one. Required.
    #[schemars(required, length(min = 1))]
    pub steps: Option<S<Vec<S<RawStep>>>>,
}

/// How the call starts.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStart {
    /// The call's local date and time, for opening hours, e.g. `2026-03-02T10:00`. Default:
    /// a fixed weekday morning.
    #[schemars(transform = schema::text_only)]
    pub at: Option<S<String>>,
    /// The call's language, a tag of the menu's `languages`. Default: the menu's first.
    pub language: Option<S<String>>,
    /// Variables known before the call: a map of name to value, e.g. `{ region: north }`.
    pub vars: Option<Entries<S<String>, S<String>>>,
    /// The operator line behind the menu's transfers (docs/scenario-format.md, "The operator
    /// side"). `unavailable`: no call-taker can take a handed-off call, so transfers run
    /// their `when_no_operator` plans. `busy`: the call joins its queue behind `waiting`
    /// callers, a call-taker logged in but never free. `full`: the queue refuses the call
    /// (the plan for a full queue). `{ staffed, waiting }`: `staffed` call-takers logged in
    /// (0: nobody) and `waiting` callers ahead; the queue's capacity, `join_empty` and hold
    /// announcements apply, and `operator:` steps script what the call-takers do.
    pub operator: Option<S<RawOperatorStart>>,
    /// With `operator: busy`: callers already waiting in the queue (default 0).
    pub waiting: Option<S<u32>>,
}

/// One step: exactly one of the actions (`press`, `say`, `silence`, `hangup`) or `expect`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = step_rules)]
pub struct RawStep {
    /// Press keys (one or more of `0`-`9`, `*`, `#`; quote them: `"1"`, `"20261234#"`), once
    /// the prompt playing has finished (or `at` into it).
    #[schemars(transform = schema::dtmf)]
    pub press: Option<S<String>>,
    /// With `press`, `say` or `hangup`: act this long after the start of the prompt playing
    /// (barge-in; a hang-up at that time),
    /// a duration such as `1.5s`.
    #[schemars(transform = schema::duration)]
    pub at: Option<S<String>>,
    /// With `press`: the time between two keys, a duration such as `500ms`. Default: together.
    #[schemars(transform = schema::duration)]
    pub gap: Option<S<String>>,
    /// Say words, matched against the menu's `say` keywords.
    pub say: Option<S<String>>,
    /// Stay silent this long (a duration such as `6s`), or `timeout`: until the line's next
    /// time-out fires.
    #[schemars(transform = silence)]
    pub silence: Option<S<String>>,
    /// `true`: hang up. Nothing happens on the line after it.
    pub hangup: Option<S<Option<bool>>>,
    /// What must hold now, at the current instant of the call's clock (with `listen: true`,
    /// once the prompts playing have played); every field given must hold.
    pub expect: Option<Box<S<RawExpect>>>,
    /// What the call-taker side does, at a time: `{ answer: ana, after: 45s }`, `{ position:
    /// 2, at: 40s }`, `{ log_out: true }`, `{ hold: true }`, `{ transfer: billing }`, `{ end:
    /// resolved }`, `{ lost: "console crashed" }`. Needs `start: { operator: … }`.
    pub operator: Option<Box<S<RawOperatorStep>>>,
}

/// `start: { operator }`: a word (`unavailable`, `busy`, `full`) or `{ staffed, waiting }`.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum RawOperatorStart {
    /// `unavailable`, `busy` or `full`.
    #[schemars(transform = |s: &mut Schema| schema::one_of(s, &["unavailable", "busy", "full"]))]
    Word(String),
    /// `{ staffed, waiting }`.
    Line(RawOperatorLine),
}

impl<'de> Deserialize<'de> for RawOperatorStart {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawOperatorStart;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`unavailable`, `busy`, `full` or a mapping `{ staffed, waiting }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawOperatorStart, E> {
                Ok(RawOperatorStart::Word(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawOperatorStart, A::Error> {
                RawOperatorLine::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawOperatorStart::Line)
            }
        }
        d.deserialize_any(V)
    }
}

/// `start: { operator: { staffed, waiting } }`: the queue when the call is handed over.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOperatorLine {
    /// Call-takers logged in (0: nobody; the queue's `join_empty` decides whether the caller
    /// may wait). With `hold.expected_wait`, the expected wait divides by it. Required.
    #[schemars(required)]
    pub staffed: Option<S<u32>>,
    /// Callers already waiting ahead (default 0); at the queue's `max_waiting` the queue is
    /// full and refuses the call.
    pub waiting: Option<S<u32>>,
}

/// An `operator:` step: exactly one action, and when (`at` or `after`, default now).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOperatorStep {
    /// When, on the call's clock (from the start of the call), a duration such as `40s`.
    #[schemars(transform = schema::duration)]
    pub at: Option<S<String>>,
    /// When, counted from the handoff (the end of the transfer prompt), a duration.
    #[schemars(transform = schema::duration)]
    pub after: Option<S<String>>,
    /// The call's new place in its queue (1 = answered next): callers ahead were answered
    /// or left. With `transfer`: the place in the new queue (default 1).
    #[schemars(range(min = 1))]
    pub position: Option<S<u32>>,
    /// `true`: the last call-taker logs out while the caller waits (the queue's
    /// `leave_when_empty` decides whether the plan for nobody staffed runs).
    pub log_out: Option<S<bool>>,
    /// `true`: a call-taker logs in while the caller waits.
    pub log_in: Option<S<bool>>,
    /// A call-taker, by this name, answers the waiting call.
    pub answer: Option<S<String>>,
    /// `true`: the call-taker puts the caller on hold.
    pub hold: Option<S<bool>>,
    /// `true`: the call-taker takes the caller off hold.
    pub resume: Option<S<bool>>,
    /// The call-taker puts the call in this queue, where it waits again.
    pub transfer: Option<S<String>>,
    /// The call-taker ends the call with this disposition (wrap-up code).
    pub end: Option<S<String>>,
    /// The line to the call-taker console breaks, for this reason in words.
    pub lost: Option<S<String>>,
    /// Not a step: a queue refuses a caller only as it joins; write `start: { operator:
    /// full }` or a `waiting` at the queue's `max_waiting`. Refused with a finding.
    pub full: Option<S<bool>>,
}

/// `expect: { queue }`: the call waits in a queue; each field given must match.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQueueExpect {
    /// The queue's name.
    pub name: Option<S<String>>,
    /// The place in it (1 = answered next).
    #[schemars(range(min = 1))]
    pub position: Option<S<u32>>,
    /// Whether a call-taker is logged in.
    pub staffed: Option<S<bool>>,
}

/// What must hold after the steps before.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    /// `true`: play the prompts to the caller's turn first (time moves on while they play),
    /// then check. Default `false`: check the call as it is now.
    pub listen: Option<S<bool>>,
    /// The call is at this node now (strict).
    pub at_node: Option<S<String>>,
    /// The call is at this node, or passed through it since the caller's last key or word.
    pub passed: Option<S<String>>,
    /// The old name of `passed` (same meaning; still accepted).
    pub node: Option<S<String>>,
    /// A prompt heard since the previous action contains this text, or its clip has this file
    /// name.
    pub prompt: Option<S<String>>,
    /// The variables have these values: a map of name to value, e.g. `{ case_number:
    /// "20261234" }`.
    pub var: Option<Entries<S<String>, S<String>>>,
    /// The call was handed over, with the `queue`, `priority` and `reason` given.
    pub transfer: Option<S<RawTransfer>>,
    /// `true`: the call ended by a hang-up (the line's or the caller's); a word: the line hung
    /// up at a `hangup` node with that `reason`, e.g. `self-service`.
    pub hangup: Option<S<Option<String>>>,
    /// The IVR's part of the call ended at an `external` node without `on` that hands the
    /// call to this `target` (a voicemail box, an application, a flow).
    pub external: Option<S<String>>,
    /// The call time is within `{ min, max }` (durations).
    pub elapsed: Option<S<RawBounds>>,
    /// The keypresses so far are within `{ min, max }`.
    pub keys: Option<S<RawCount>>,
    /// A prompt started: `{ node, prompt, at | within, tolerance }` (times on the call's clock).
    pub prompt_started: Option<Box<S<RawEvent>>>,
    /// A prompt stopped: `{ node, prompt, by, at | within, tolerance }`; `by` is `barge_in`
    /// (a key or words of the caller), `end` (played to its end), `hangup` (the caller hung up)
    /// or `move` (the line moved on before its end).
    pub prompt_stopped: Option<Box<S<RawEvent>>>,
    /// A re-prompt played: `{ kind: no_input | no_match, node, prompt, at | within, tolerance }`.
    pub reprompt: Option<Box<S<RawEvent>>>,
    /// A no-input (the time-out passed without a key or word): `{ node, at | within, tolerance }`.
    pub no_input: Option<Box<S<RawEvent>>>,
    /// A no-match (an entry that is not a choice): `{ node, at | within, tolerance }`.
    pub no_match: Option<Box<S<RawEvent>>>,
    /// The call was handed over to a call-taker's queue: `{ node, at | within, tolerance }`.
    pub handoff: Option<Box<S<RawEvent>>>,
    /// The call ended by a hang-up (the line's or the caller's): `{ node, by: caller | line,
    /// at | within, tolerance }`.
    pub hung_up: Option<Box<S<RawEvent>>>,
    /// A hold announcement started: `{ position, node, prompt, at | within, tolerance }`.
    pub hold_announcement: Option<Box<S<RawEvent>>>,
    /// A call-taker answered the call: `{ by, node, at | within, tolerance }`; `by` is the
    /// call-taker's name (as an `operator: { answer: NAME }` step gives it).
    pub answered: Option<Box<S<RawEvent>>>,
    /// The call entered a node: `{ node, at | within, tolerance }`.
    pub entered: Option<Box<S<RawEvent>>>,
    /// The call waits in a queue: `{ name, position, staffed }`.
    pub queue: Option<S<RawQueueExpect>>,
    /// Where the caller's call stands or how it ended, from the engine's outcome: `waiting`,
    /// `answered`, `abandoned`, `callback`, `voicemail`, `no_operator`, `transferred`,
    /// `hung_up`, `cut_off`, `external`, `retries_exhausted`, `failed`, `in_menu`.
    #[schemars(transform = |s: &mut Schema| schema::one_of(s, &super::line::OUTCOMES))]
    pub outcome: Option<S<String>>,
    /// The call-taker ended the call with this disposition.
    pub disposition: Option<S<String>>,
}

/// A timed expectation: an event of the call matching the filters given, at `at` (within
/// `tolerance`, default 0) or inside `within`, on the call's clock (from 0 at the call's
/// start). Without `at` and `within`, at any time so far.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = event_rules)]
pub struct RawEvent {
    /// The node id the event happened at.
    pub node: Option<S<String>>,
    /// Prompt events: the prompt's text contains this, or its clip has this file name.
    pub prompt: Option<S<String>>,
    /// `reprompt`: `no_input` or `no_match`.
    #[schemars(transform = |s: &mut Schema| schema::one_of(s, &["no_input", "no_match"]))]
    pub kind: Option<S<String>>,
    /// `prompt_stopped`: `barge_in`, `end`, `hangup` or `move`; `hung_up`: `caller` or `line`;
    /// `answered`: the call-taker's name.
    pub by: Option<S<String>>,
    /// `hold_announcement`: the caller's position in the queue (1 = answered next).
    #[schemars(range(min = 1))]
    pub position: Option<S<u32>>,
    /// When, on the call's clock: a duration such as `1.5s`.
    #[schemars(transform = schema::duration)]
    pub at: Option<S<String>>,
    /// With `at`: how far from it the event may be, a duration such as `100ms`. Default 0:
    /// exactly at `at`.
    #[schemars(transform = schema::duration)]
    pub tolerance: Option<S<String>>,
    /// Instead of `at`: the event happened within `{ min, max }` on the call's clock.
    pub within: Option<S<RawBounds>>,
}

/// `transfer:` expectations; each field given must match.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransfer {
    /// The queue the call was handed to.
    pub queue: Option<S<String>>,
    /// The transfer's priority: a level from 1 (answered first) to 9, or `urgent` (1), `high`
    /// (3), `normal` (5) or `low` (7).
    #[schemars(transform = crate::menu::raw_priority_schema)]
    pub priority: Option<S<String>>,
    /// Why the call was handed over: `chosen` (a menu option or route led there),
    /// `operator_key`, `max_no_input` or `max_no_match` (a retry limit's fallback).
    #[schemars(transform = |s: &mut Schema| schema::one_of(s, &super::load::REASONS))]
    pub reason: Option<S<String>>,
}

/// `elapsed: { min, max }` as durations.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBounds {
    /// At least this call time, a duration such as `30s`.
    #[schemars(transform = schema::duration)]
    pub min: Option<S<String>>,
    /// At most this call time, a duration such as `2m`.
    #[schemars(transform = schema::duration)]
    pub max: Option<S<String>>,
}

/// `keys: { min, max }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCount {
    /// At least this many keypresses.
    pub min: Option<S<u32>>,
    /// At most this many keypresses; not less than `min`.
    pub max: Option<S<u32>>,
}

/// `silence:`: a duration or `timeout`.
fn silence(s: &mut Schema) {
    schema::duration(s);
    s.insert(
        "pattern".into(),
        format!(r"^\s*timeout\s*$|{}", schema::DURATION).into(),
    );
}

/// A step is exactly one action or `expect`; `at` goes with `press`, `say` or `hangup`, `gap` with
/// `press` (a YAML null counts as absent, as for the loader).
fn step_rules(s: &mut Schema) {
    let given = schema::given;
    s.insert(
        "oneOf".into(),
        json!([
            given("press"),
            given("say"),
            given("silence"),
            given("hangup"),
            given("expect"),
            given("operator")
        ]),
    );
    s.insert(
        "allOf".into(),
        json!([
            { "if": given("at"), "then": { "anyOf": [given("press"), given("say"), given("hangup")] } },
            { "if": given("gap"), "then": given("press") },
        ]),
    );
}

/// A timed expectation: `tolerance` goes with `at`; `at` and `within` exclude each other.
fn event_rules(s: &mut Schema) {
    let given = schema::given;
    s.insert(
        "allOf".into(),
        json!([
            { "if": given("tolerance"), "then": given("at") },
            { "not": { "allOf": [given("at"), given("within")] } },
        ]),
    );
}
