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
    /// `unavailable`: the call is on an operator line on which no call-taker can take it, so
    /// transfers run their `when_no_operator` plans. `busy`: the call is on an operator line
    /// and joins its queue behind `waiting` callers, a call-taker logged in but never free, so
    /// the queue's capacity (`when_full`), wait limit, hold announcements and exit key apply.
    #[schemars(transform = |s: &mut Schema| schema::one_of(s, &["unavailable", "busy"]))]
    pub operator: Option<S<String>>,
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
    /// With `press` or `say`: act this long after the start of the prompt playing (barge-in),
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
    /// What must hold once the prompts before it have played; every field given must hold.
    pub expect: Option<S<RawExpect>>,
}

/// What must hold after the steps before.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    /// The call is at this node, or passed through it since the caller's last key or word.
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
            given("expect")
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
