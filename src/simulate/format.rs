//! The traffic file as written (docs/traffic-format.md): serde types in which every value
//! keeps its place, so a finding is reported at `file:line:column`.
//!
//! The same types give the JSON Schema of the format (`ivrsim schema traffic`, committed as
//! `docs/schema/traffic.schema.json`); their doc comments are the descriptions editors show.

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};

use crate::menu::raw::{Entries, S, schema};
use crate::scenario::script::RawStep;

/// An ivrsim traffic file (docs/traffic-format.md): the callers of a week (arrivals, what
/// they want, how they go wrong, how long they wait) and the call-takers who answer them,
/// for `ivrsim simulate`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ivrsim traffic")]
pub struct RawTraffic {
    /// The menu callers walk, relative to this file (`ivrsim simulate MENU` overrides it).
    /// Without one, callers join the one queue directly (a bare queue).
    #[schemars(transform = schema::not_blank)]
    pub menu: Option<S<String>>,
    /// The first simulated day, a date such as `2026-03-02`. Default: `2026-03-02` (a Monday).
    #[schemars(transform = date)]
    pub start: Option<S<String>>,
    /// The length of an interval of the day, which rates, staffing and reports use: `15m`,
    /// `30m` or `60m` (`1h`). Default: `30m`.
    #[schemars(transform = schema::duration)]
    pub interval: Option<S<String>>,
    /// Time simulated before `start` and left out of the results, a duration such as `1d`.
    /// Default: `0s`.
    #[schemars(transform = schema::duration)]
    pub warm_up: Option<S<String>>,
    /// The service-level goal, `PERCENT/SECONDS`: `80/20` is 80 % of callers answered within
    /// 20 seconds. Default: `80/20`.
    #[schemars(transform = service_level)]
    pub service_level: Option<S<String>>,
    /// Dates simulated with the `holiday` profile of `arrivals` and shifts (Sunday's when
    /// there is none), e.g. `[2026-03-06]`.
    #[schemars(transform = date)]
    pub holidays: Option<S<Vec<S<String>>>>,
    /// Callers per hour. Either, for each day key (`mon` … `sun`, a range `mon-fri`, a list
    /// `sat,sun`, or `holiday`), a step function `"HH:MM": rate` (the rate from that time on;
    /// 0 before the first), every weekday covered once; or `{ csv: FILE }`, historical counts
    /// (`start,calls` per interval) relative to this file. Required.
    #[schemars(required)]
    pub arrivals: Option<S<RawArrivals>>,
    /// With a menu: the callers' languages, each `{ share, mistakes }`, tags of the menu's
    /// `languages`, shares summing to 1. Default: the menu's first language, no mistakes.
    pub languages: Option<S<Entries<S<String>, S<RawLanguage>>>>,
    /// With a menu: why callers call, a list of `{ name, share, steps }`, shares summing to
    /// 1. Required with a menu.
    pub intents: Option<S<Vec<S<RawIntent>>>>,
    /// How long a caller waits in a queue before hanging up: `{ exponential: 3m }`, `{
    /// empirical: [[30s, 10], [5m, 90]] }`, or another distribution. Default: callers never
    /// give up.
    pub patience: Option<S<RawDist>>,
    /// The queues, each `{ handle, wrap_up }`: with a menu, every queue its transfers and
    /// callbacks name, each once; without, exactly one. Required.
    #[schemars(required)]
    pub queues: Option<S<Entries<S<String>, S<RawQueue>>>>,
    /// Groups of call-takers, each `{ group, serves, shifts }`. Required.
    #[schemars(required)]
    pub call_takers: Option<S<Vec<S<RawGroup>>>>,
    /// Callbacks that callers request: `{ returned, handle }`. Default: returned, with the
    /// queue's handle time.
    pub callbacks: Option<S<RawCallbacks>>,
}

/// `arrivals:`: a mapping of day keys to step functions, or `{ csv: FILE }`.
#[derive(Debug)]
pub struct RawArrivals(pub Entries<S<String>, S<RawProfile>>);

impl<'de> Deserialize<'de> for RawArrivals {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Entries::deserialize(d).map(RawArrivals)
    }
}

impl JsonSchema for RawArrivals {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawArrivals".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let day = "([Mm][Oo][Nn]|[Tt][Uu][Ee]|[Ww][Ee][Dd]|[Tt][Hh][Uu]|[Ff][Rr][Ii]|[Ss][Aa][Tt]|[Ss][Uu][Nn])";
        let part = format!(r"\s*({day}\s*(-\s*{day}\s*)?|[Hh][Oo][Ll][Ii][Dd][Aa][Yy]\s*)");
        json_schema!({
            "description": "Callers per hour: a step function per day key, or `{ csv: FILE }`.",
            "oneOf": [
                {
                    "type": "object",
                    "properties": {
                        "csv": {
                            "description": "A CSV file of historical counts, relative to this file: header `start,calls`, one row per interval (`2026-02-02T08:30,41`).",
                            "type": "string",
                        }
                    },
                    "required": ["csv"],
                    "additionalProperties": false,
                },
                {
                    "type": "object",
                    "propertyNames": { "pattern": format!("^{part}(,{part})*$") },
                    "additionalProperties": {
                        "type": "object",
                        "propertyNames": { "pattern": schema::TIME },
                        "additionalProperties": { "type": "number" },
                    },
                },
            ],
        })
    }
}

/// The value of an `arrivals` entry: a step function `"HH:MM": rate`, or (for the key
/// `csv`) a file name.
#[derive(Debug)]
pub enum RawProfile {
    /// `"HH:MM": callers per hour`, in file order.
    Rates(Entries<S<String>, S<f64>>),
    /// A file name.
    File(String),
}

impl<'de> Deserialize<'de> for RawProfile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawProfile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of `\"HH:MM\": callers per hour`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawProfile, E> {
                Ok(RawProfile::File(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawProfile, A::Error> {
                Entries::deserialize(MapAccessDeserializer::new(map)).map(RawProfile::Rates)
            }
        }
        d.deserialize_any(V)
    }
}

/// Callers of one language.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLanguage {
    /// The share of callers who speak it, 0 to 1. Required.
    #[schemars(required, range(min = 0, max = 1))]
    pub share: Option<S<f64>>,
    /// How often its callers go wrong. Default: never.
    pub mistakes: Option<S<RawMistakes>>,
}

/// How often callers go wrong, each a probability 0 to 1.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMistakes {
    /// At a `press` step at a menu: a key that is no option first (a no-match), then the step.
    #[schemars(range(min = 0, max = 1))]
    pub wrong_key: Option<S<f64>>,
    /// At a `press` or `say` step: silence until the no-input time-out first, then the step.
    #[schemars(range(min = 0, max = 1))]
    pub silence: Option<S<f64>>,
    /// At a `press` or `say` step without `at`: act 1 s into the prompt (barge-in) instead of
    /// at its end.
    #[schemars(range(min = 0, max = 1))]
    pub barge_in: Option<S<f64>>,
    /// Per call: press `0` 1 s into the first prompt instead of the intent's steps.
    #[schemars(range(min = 0, max = 1))]
    pub zero_out: Option<S<f64>>,
}

/// One intent: why callers call, and what they do in the menu.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIntent {
    /// Its name, unique in the file; reports use it. Required.
    #[schemars(required, transform = schema::not_blank)]
    pub name: Option<S<String>>,
    /// The share of callers with this intent, 0 to 1. Required.
    #[schemars(required, range(min = 0, max = 1))]
    pub share: Option<S<f64>>,
    /// What the caller does, as scenario steps: `press`, `say`, `silence`, `hangup` (with
    /// `at` and `gap`). After the last, the caller waits. Default: none (the caller only
    /// waits).
    pub steps: Option<S<Vec<S<RawStep>>>>,
}

/// One queue's call handling.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    /// Talk time of a call: a duration (fixed) or a distribution. Required.
    #[schemars(required)]
    pub handle: Option<S<RawDist>>,
    /// After-call work of the call-taker: a duration or a distribution. Default: `0s`.
    pub wrap_up: Option<S<RawDist>>,
}

/// A distribution of times: a duration (always that long), `{ exponential: MEAN }`, `{
/// lognormal: { mean, sd } }` or `{ empirical: [[TIME, WEIGHT], ...] }`.
#[derive(Debug)]
pub enum RawDist {
    /// A duration, as written.
    Fixed(String),
    /// One of the named distributions.
    Named(Box<RawNamedDist>),
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration, `{ exponential }`, `{ lognormal }` or `{ empirical }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v.to_owned()))
            }
            // A bare number is kept as text: the duration's finding says to add a unit.
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawDist, A::Error> {
                RawNamedDist::deserialize(MapAccessDeserializer::new(map)).map(|n| RawDist::Named(Box::new(n)))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawDist {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawDist".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let named = generator.subschema_for::<RawNamedDist>();
        json_schema!({
            "description": "A duration (always that long, e.g. `30s`) or a distribution.",
            "oneOf": [
                { "type": "string", "pattern": schema::DURATION },
                named,
            ],
        })
    }
}

/// A named distribution: exactly one of `exponential`, `lognormal`, `empirical`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = one_dist)]
pub struct RawNamedDist {
    /// Exponential with this mean, a duration such as `6m`.
    #[schemars(transform = schema::duration)]
    pub exponential: Option<S<String>>,
    /// Log-normal with this mean and standard deviation: `{ mean: 8m, sd: 4m }`.
    pub lognormal: Option<S<RawLogNormal>>,
    /// A histogram: `[[TIME, WEIGHT], ...]`, times increasing, each weight the share of values
    /// between the previous time (0 for the first) and this one.
    pub empirical: Option<S<Vec<S<RawPoint>>>>,
}

/// A point of an empirical distribution: `[TIME, WEIGHT]`.
pub type RawPoint = (S<String>, S<f64>);

/// `lognormal: { mean, sd }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLogNormal {
    /// The mean, a duration such as `8m`. Required.
    #[schemars(required, transform = schema::duration)]
    pub mean: Option<S<String>>,
    /// The standard deviation, a duration such as `4m`. Required.
    #[schemars(required, transform = schema::duration)]
    pub sd: Option<S<String>>,
}

/// A group of call-takers with the same skills and shifts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// The group's name, unique in the file. Required.
    #[schemars(required, transform = schema::not_blank)]
    pub group: Option<S<String>>,
    /// The queues it answers, names of `queues`, in its order of preference. Required.
    #[schemars(required, length(min = 1))]
    pub serves: Option<S<Vec<S<String>>>>,
    /// When its call-takers work: a list of `{ days, from, to, count }`; counts add up where
    /// shifts overlap. Required.
    #[schemars(required)]
    pub shifts: Option<S<Vec<S<RawShift>>>>,
}

/// One shift: `count` call-takers on `days` from `from` to `to`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    /// Day keys: `mon`, `mon-fri`, `sat,sun`, `holiday`. Required.
    #[schemars(required, transform = day_keys)]
    pub days: Option<S<String>>,
    /// Start, `HH:MM`, on the interval grid. Required.
    #[schemars(required, transform = schema::time)]
    pub from: Option<S<String>>,
    /// End, `HH:MM` (up to `24:00`), on the interval grid, after `from`. Required.
    #[schemars(required, transform = schema::time)]
    pub to: Option<S<String>>,
    /// How many call-takers. Required.
    #[schemars(required)]
    pub count: Option<S<u32>>,
}

/// `callbacks:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCallbacks {
    /// Whether call-takers return requested callbacks when free and nobody waits (`false`:
    /// they are only counted). Default: `true`.
    pub returned: Option<S<bool>>,
    /// The mean talk time of a returned callback, a duration such as `4m`. Default: the
    /// queue's handle time.
    #[schemars(transform = schema::duration)]
    pub handle: Option<S<String>>,
}

/// A date `YYYY-MM-DD` (or a list of them).
fn date(s: &mut Schema) {
    schema::text_only(s);
    let pattern = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$";
    match s.get_mut("items").and_then(|i| <&mut Schema>::try_from(i).ok()) {
        Some(items) => {
            items.insert("pattern".into(), pattern.into());
        }
        None => {
            s.insert("pattern".into(), pattern.into());
        }
    }
}

/// `PERCENT/SECONDS`.
fn service_level(s: &mut Schema) {
    schema::text_only(s);
    s.insert("pattern".into(), r"^\s*[0-9.]+\s*/\s*[0-9.]+\s*$".into());
}

/// Day keys of a shift: weekdays, ranges, `holiday`, comma-separated.
fn day_keys(s: &mut Schema) {
    schema::text_only(s);
    let day = "([Mm][Oo][Nn]|[Tt][Uu][Ee]|[Ww][Ee][Dd]|[Tt][Hh][Uu]|[Ff][Rr][Ii]|[Ss][Aa][Tt]|[Ss][Uu][Nn])";
    let part = format!(r"\s*({day}\s*(-\s*{day}\s*)?|[Hh][Oo][Ll][Ii][Dd][Aa][Yy]\s*)");
    s.insert("pattern".into(), format!("^{part}(,{part})*$").into());
}

/// Exactly one distribution.
fn one_dist(s: &mut Schema) {
    let given = schema::given;
    s.insert(
        "oneOf".into(),
        serde_json::json!([given("exponential"), given("lognormal"), given("empirical")]),
    );
}
