//! The menu file as written: serde types in which every value keeps its source location.
//!
//! Almost everything is optional here on purpose: a missing field, a value out of range
//! or a field on the wrong kind of node is found by [`super::lower`], which can report
//! all of them at once. Only what serde itself must reject (YAML syntax, unknown fields,
//! wrong types) stops a file at its first problem.
//!
//! The same types give the JSON Schema of the format (`ivrsim schema menu`, committed as
//! `docs/schema/menu.schema.json`): their doc comments are the descriptions an editor shows,
//! and the `#[schemars(...)]` attributes narrow a value where the lowering accepts only a
//! closed set or a fixed shape (see [`schema`]).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// A value with its place in the file: serde-saphyr's [`Spanned`], as a local type so that it
/// can describe itself in the file's JSON Schema (a `Spanned<T>` is written as a plain `T`).
#[derive(Clone, Debug, PartialEq)]
pub struct S<T> {
    /// The value.
    pub value: T,
    /// Where the value is used (for an alias, the alias).
    pub referenced: Location,
    /// Where the value is defined (for an alias, its anchor).
    pub defined: Location,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for S<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Spanned {
            value,
            referenced,
            defined,
        } = Spanned::deserialize(d)?;
        Ok(S {
            value,
            referenced,
            defined,
        })
    }
}

/// The schema of `T`, widened to the scalars serde-saphyr turns into a `T`: a text field also
/// takes an unquoted number or boolean (`key: 1` is read as `"1"`), a number field a quoted
/// number, a boolean field a quoted `yes`/`no`/`true`/`false`/`on`/`off`.
impl<T: JsonSchema> JsonSchema for S<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        format!("ivrsim::S<{}>", T::schema_id()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut s = generator.subschema_for::<T>();
        schema::as_yaml_scalar(&mut s);
        s
    }
}

/// A whole number as written (retry limits, `digits`, `lint` thresholds), kept however large:
/// the lowering, not serde, says when it is out of range (E016, with the range), so that
/// `4294967296` is "too large" rather than "not a whole number", and reads the words a field
/// allows (`unlimited` for a retry limit).
#[derive(Clone, Debug, PartialEq)]
pub enum RawCount {
    /// A whole number from 0 that fits in 64 bits (`3`, `"3"`, `+3`, `1_000`, `0x10`).
    Number(u64),
    /// Anything else, as written: a negative or larger number, a fraction, a word.
    Text(String),
}

impl RawCount {
    /// `text` read as a whole number the way YAML writes one (sign `+`, `_` between digits,
    /// `0x`/`0o`/`0b`), or kept as text.
    fn from_text(text: &str) -> RawCount {
        let t: String = text.trim().trim_start_matches('+').replace('_', "");
        let parsed = if let Some(h) = t.strip_prefix("0x") {
            u64::from_str_radix(h, 16)
        } else if let Some(o) = t.strip_prefix("0o") {
            u64::from_str_radix(o, 8)
        } else if let Some(b) = t.strip_prefix("0b") {
            u64::from_str_radix(b, 2)
        } else {
            t.parse::<u64>()
        };
        match parsed {
            Ok(n) if !t.is_empty() => RawCount::Number(n),
            _ => RawCount::Text(text.trim().to_owned()),
        }
    }
}

impl<'de> Deserialize<'de> for RawCount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl<'de> Visitor<'de> for CountVisitor {
            type Value = RawCount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawCount, E> {
                Ok(RawCount::Number(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawCount, E> {
                Ok(u64::try_from(v).map_or_else(|_| RawCount::Text(v.to_string()), RawCount::Number))
            }
            fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<RawCount, E> {
                Ok(u64::try_from(v).map_or_else(|_| RawCount::Text(v.to_string()), RawCount::Number))
            }
            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<RawCount, E> {
                Ok(u64::try_from(v).map_or_else(|_| RawCount::Text(v.to_string()), RawCount::Number))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawCount, E> {
                // `1e3` is a whole number written as a float; `2.5` is not one.
                if v.fract() == 0.0 && (0.0..1.8e19).contains(&v) {
                    return Ok(RawCount::Number(v as u64));
                }
                Ok(RawCount::Text(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<RawCount, E> {
                Ok(RawCount::Text(v.to_string()))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawCount, E> {
                Ok(RawCount::from_text(v))
            }
        }
        d.deserialize_any(CountVisitor)
    }
}

/// Described as the whole number it is meant to be (widened by [`S`] as a `u32` is).
impl JsonSchema for RawCount {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        u32::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        u32::json_schema(generator)
    }
}

/// A YAML mapping read as its entries in file order, duplicates kept.
///
/// The loader reads files with serde-saphyr's `DuplicateKeyPolicy::PassThrough`, so that a
/// repeated node id reaches the lowering step, which reports it (E005) with both places,
/// the same way as a node id repeated across included files.
#[derive(Debug)]
pub struct Entries<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Entries<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V_<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for V_<K, V> {
            type Value = Entries<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = map.next_entry()? {
                    v.push(entry);
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_map(V_(PhantomData))
    }
}

/// A mapping whose keys are names (JSON object keys are always text) and whose values are `V`s.
impl<K, V: JsonSchema> JsonSchema for Entries<K, V> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }

    fn schema_id() -> Cow<'static, str> {
        format!("ivrsim::Entries<{}>", V::schema_id()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}

/// An ivrsim hotline menu (docs/menu-format.md): the nodes a call goes through, from `entry`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ivrsim menu")]
pub struct RawMenu {
    /// Display name of the hotline. Required.
    #[schemars(required, transform = schema::not_blank)]
    pub name: Option<S<String>>,
    /// Id of the node a call starts at (a key of `nodes`). Required.
    #[schemars(required)]
    pub entry: Option<S<String>>,
    /// Folder of the prompt clips, relative to the menu file. Default: the menu file's folder.
    pub audio_dir: Option<S<String>>,
    /// Language tags the menu speaks (BCP 47, e.g. `[en, es]`). The first is the default
    /// language, that of every prompt's own `text` and `audio`. Default: `[en]`.
    #[schemars(transform = schema::language)]
    pub languages: Option<S<Vec<S<String>>>>,
    /// Call-wide settings: timeouts, retry limits, fallback, global keys, re-prompts, hold
    /// announcements, what a transfer does when no call-taker can answer.
    pub defaults: Option<S<RawDefaults>>,
    /// Named opening hours, for `when: { hours: NAME }` of route nodes: a map of name to a
    /// list of weekly `{ days, from, to }`, or to `{ weekly, closed, special }` for dated
    /// exceptions (holidays, special hours).
    pub schedules: Option<RawSchedules>,
    /// Other files (relative to this one) whose `nodes` and `schedules` join this menu. Node
    /// ids must be unique across all files; include cycles are errors.
    pub include: Option<Vec<S<String>>>,
    /// Thresholds of `ivrsim check` (command-line flags override them).
    pub lint: Option<S<RawLint>>,
    /// Per-queue settings: a map of queue name (as transfers name it in `queue:`) to its
    /// capacity, opening hours, wait limit, whether callers may wait while nobody is logged in,
    /// and what a caller gets for each reason no call-taker can take the call. A queue not
    /// listed has no limit, is always open, and runs the transfer's `when_no_operator` at once
    /// when nobody is logged in.
    pub queues: Option<S<Entries<S<String>, S<RawQueue>>>>,
    /// Wrap-up codes a call-taker ends a call with in `ivrsim operator` (`:end CODE`): a map of
    /// code (letters, digits, `_`, `-`) to what it means. Default: `resolved`, `report_taken`,
    /// `referred`, `callback_scheduled`, `no_action`.
    #[schemars(extend("propertyNames" = { "pattern": "^[A-Za-z0-9_-]+$" }, "minProperties" = 1))]
    pub dispositions: Option<S<Entries<S<String>, S<String>>>>,
    /// The nodes: a map of node id to node. Ids are what `entry`, `to`, `next`, `fallback` and
    /// `default` name. Required, with at least one node (unless included files have them).
    #[schemars(extend("propertyNames" = { "pattern": "\\S" }))]
    pub nodes: Option<S<RawNodes>>,
    /// `true`: the menu is self-service by design (no call is meant to reach a person), so
    /// `check` does not ask for a way to a `transfer` (E014); traps and loops are still
    /// reported. Default: `false`.
    pub self_service: Option<S<bool>>,
    /// Variables a call may bring with it (preset by the platform, `call --var`, a scenario's
    /// `start.variables`), e.g. `[caller_id, region]`: names a prompt's `{name}` or a `set` may
    /// read without the menu setting them (W021 otherwise).
    #[schemars(transform = schema::identifier)]
    pub variables: Option<Vec<S<String>>>,
}

/// Top level of an included file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFragment {
    pub nodes: Option<S<RawNodes>>,
    pub schedules: Option<RawSchedules>,
    pub include: Option<Vec<S<String>>>,
}

/// `nodes:`, in file order.
pub type RawNodes = Entries<S<String>, S<RawNode>>;
/// `schedules:`, in file order.
pub type RawSchedules = Entries<S<String>, S<RawSchedule>>;

/// One schedule: a list of weekly periods (the v1 form), or a mapping with dated exceptions.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum RawSchedule {
    /// Weekly periods only: a list of `{ days, from, to }`.
    Weekly(Vec<S<RawPeriod>>),
    /// Weekly periods with dated exceptions: `{ weekly, closed, special }`.
    Dated(Box<RawDatedSchedule>),
}

impl<'de> Deserialize<'de> for RawSchedule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ScheduleVisitor;
        impl<'de> Visitor<'de> for ScheduleVisitor {
            type Value = RawSchedule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of `{ days, from, to }` or a mapping `{ weekly, closed, special }`")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<RawSchedule, A::Error> {
                Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(RawSchedule::Weekly)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawSchedule, A::Error> {
                RawDatedSchedule::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|d| RawSchedule::Dated(Box::new(d)))
            }
        }
        d.deserialize_any(ScheduleVisitor)
    }
}

/// A schedule with dated exceptions, e.g.
/// `{ weekly: [{ days: mon-fri, from: "08:00", to: "18:00" }], closed: ["2026-12-25"],
/// special: [{ date: "2026-12-24", from: "08:00", to: "12:00" }] }`. On a date, a closure
/// wins, then special hours, then the weekly periods (Amazon Connect's overrides).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDatedSchedule {
    /// The weekly open periods, as in the list form: `{ days, from, to }`. Default: none
    /// (open only on `special` dates).
    pub weekly: Option<S<Vec<S<RawPeriod>>>>,
    /// Dates closed all day: `"2026-12-25"`, or a range `"2026-12-24/2026-12-26"` (both ends
    /// included, at most 366 days). A date may appear once in a schedule (in `closed` or
    /// `special`).
    #[schemars(transform = schema::dates)]
    pub closed: Option<S<Vec<S<String>>>>,
    /// Dates with their own hours, replacing the weekly periods on those dates: a list of
    /// `{ date, from, to }`; several entries on one date add their periods (a split day).
    pub special: Option<S<Vec<S<RawSpecialHours>>>>,
}

/// Special hours on a date, e.g. `{ date: "2026-12-24", from: "08:00", to: "12:00" }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSpecialHours {
    /// A date `YYYY-MM-DD`, or a range `YYYY-MM-DD/YYYY-MM-DD` (both ends included, at most
    /// 366 days). Required.
    #[schemars(required, transform = schema::dates)]
    pub date: Option<S<String>>,
    /// Opening time on those dates, `HH:MM`. Must be before `to`. Required.
    #[schemars(required, transform = schema::time)]
    pub from: Option<S<String>>,
    /// Closing time on those dates, `HH:MM`, exclusive; may be `"24:00"`. Required.
    #[schemars(required, transform = schema::time)]
    pub to: Option<S<String>>,
}

/// One period of a schedule, e.g. `{ days: mon-fri, from: "08:00", to: "18:00" }`, in the
/// call's local time.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPeriod {
    /// A day (`mon` ... `sun`), a range (`mon-fri`) or a comma-separated list of either
    /// (`mon-wed,fri`). Required.
    #[schemars(transform = schema::days)]
    #[schemars(required)]
    pub days: Option<S<String>>,
    /// Opening time, `HH:MM` (quote it: `"08:00"`). Must be before `to`. Required.
    #[schemars(transform = schema::time)]
    #[schemars(required)]
    pub from: Option<S<String>>,
    /// Closing time, `HH:MM`, exclusive; may be `"24:00"`. Write a night shift as two periods.
    /// Required.
    #[schemars(transform = schema::time)]
    #[schemars(required)]
    pub to: Option<S<String>>,
}

/// Call-wide settings; a node's own fields override them.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    /// No-input timeout, counted from the end of the prompt: a duration such as `5s` or
    /// `1500ms` (a bare number is an error). Default: `5s`.
    #[schemars(transform = schema::duration)]
    pub timeout: Option<S<String>>,
    /// Longest pause between two digits of one entry: a duration such as `3s`. Default: `3s`.
    #[schemars(transform = schema::duration)]
    pub inter_digit_timeout: Option<S<String>>,
    /// No-input events a caller may have at one node (per visit, unless `counting` says
    /// otherwise); the last one sends the call to the no-input fallback. 1 to 1000, or
    /// `unlimited` (the prompt plays again for ever). Default: 3.
    #[schemars(range(min = 1), transform = schema::retries)]
    pub max_no_input: Option<S<RawCount>>,
    /// Invalid entries a caller may make at one node (per visit, unless `counting` says
    /// otherwise); the last one sends the call to the no-match fallback. 1 to 1000, or
    /// `unlimited`. Default: 3.
    #[schemars(range(min = 1), transform = schema::retries)]
    pub max_no_match: Option<S<RawCount>>,
    /// How failures are counted against the limits: `visit` (apart, from zero at each visit),
    /// `shared` (one budget for both kinds, Kazoo), `freeswitch` (a valid entry resets the
    /// no-match count, never the no-input count; kept on returning with `back`), `call` (kept
    /// for the whole call; a limit reached again ends the call). Default: `visit`.
    #[schemars(transform = super::lower::counting_names)]
    pub counting: Option<S<String>>,
    /// Node id taken when a retry limit is reached (usually the operator transfer): the
    /// one-line form of `fallback_no_input` and `fallback_no_match`. Without one the caller
    /// hears `goodbye` and the call ends (`check` warns, W011).
    pub fallback: Option<S<String>>,
    /// Node id taken when the no-input limit is reached (FreeSWITCH `exec-on-max-timeouts`,
    /// Amazon Connect's Timeout branch). Default: `fallback`.
    pub fallback_no_input: Option<S<String>>,
    /// Node id taken when the no-match limit is reached (FreeSWITCH `exec-on-max-failures`,
    /// Amazon Connect's No match branch). Default: `fallback`.
    pub fallback_no_match: Option<S<String>>,
    /// Node id the global `operator` key leads to. Default: `fallback`.
    pub operator: Option<S<String>>,
    /// Node id the global `main_menu` key leads to. Default: `entry`.
    pub main_menu: Option<S<String>>,
    /// Global keys, each a DTMF key, e.g. `{ operator: "0", repeat: "*", back: "#" }`.
    pub keys: Option<S<RawKeys>>,
    /// Whether a key pressed during a prompt stops it and is used. Default: `true`.
    pub barge_in: Option<S<bool>>,
    /// Whether keys pressed before a prompt starts carry over to it. Default: `false`.
    pub type_ahead: Option<S<bool>>,
    /// When a menu acts on the keys entered: `early` (as soon as no longer key can match,
    /// Asterisk) or `full_length` (only when the entry reaches `digit_len` keys or at the
    /// inter-digit timeout, FreeSWITCH). Default: `early`.
    #[schemars(transform = super::lower::key_match_names)]
    pub key_match: Option<S<String>>,
    /// With `key_match: full_length`: the keys an entry takes before it is matched at once
    /// (FreeSWITCH `digit-len`); the longest option key counts if it is longer. At least 1,
    /// at most 32. Default: the longest option key.
    #[schemars(range(min = 1, max = 32))]
    pub digit_len: Option<S<RawCount>>,
    /// Re-prompts for silence, for nodes that have none of their own: the n-th no-input plays
    /// the n-th entry (the last repeats).
    pub no_input: Option<S<Vec<S<RawPrompt>>>>,
    /// Re-prompts for invalid input, for nodes that have none of their own.
    pub no_match: Option<S<Vec<S<RawPrompt>>>>,
    /// Prompt played when a call ends for want of a fallback.
    pub goodbye: Option<S<RawPrompt>>,
    /// Hold announcements of every transfer. Default: every `30s`, with the built-in text.
    pub hold: Option<S<RawHold>>,
    /// What every transfer does when no call-taker can take the call (a transfer's own
    /// `when_no_operator` overrides it).
    pub when_no_operator: Option<S<RawNoOperator>>,
}

/// `hold:` of a transfer or of `defaults`: the announcements a waiting caller hears.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHold {
    /// Time between two announcements, start to start: a duration of at least `5s`, such as
    /// `30s` or `1m`. Default: `30s` (or `defaults.hold.every`).
    #[schemars(transform = schema::duration)]
    pub every: Option<S<String>>,
    /// The announcement. `{position}` and `{queue}` in its text are filled in; any other `{…}`
    /// is an error (E016). Default: "All our call-takers are busy. You are number {position}
    /// in the queue. Please stay on the line."
    pub prompt: Option<S<RawPrompt>>,
    /// An expected-wait announcement played right after each position announcement:
    /// `{ handle_time, call_takers, prompt }`. The wait is position × `handle_time` ÷
    /// `call_takers`, said in whole minutes, rounded up, in `{wait}`.
    pub expected_wait: Option<S<RawExpectedWait>>,
    /// A second announcement with its own period, `{ every, prompt }` (Asterisk's
    /// `periodic-announce` and `periodic-announce-frequency`): first `every` after joining.
    pub periodic: Option<S<RawPeriodic>>,
    /// A key that takes a waiting caller out of the queue to a node, `{ key, to }` (Asterisk's
    /// queue `context`: a one-digit exit), e.g. "press 1 to leave a message".
    pub exit: Option<S<RawHoldExit>>,
}

/// `hold.expected_wait`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpectedWait {
    /// Average time a call-taker spends on a call, a duration such as `4m`. Required.
    #[schemars(transform = schema::duration)]
    pub handle_time: Option<S<String>>,
    /// Call-takers answering the queue (at least 1). Default: 1.
    #[schemars(range(min = 1))]
    pub call_takers: Option<S<RawCount>>,
    /// The announcement; `{wait}` (whole minutes), `{position}` and `{queue}` are filled in.
    /// Default: "Your expected wait is about {wait} minutes."
    pub prompt: Option<S<RawPrompt>>,
}

/// `hold.periodic`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPeriodic {
    /// Time between two of these announcements, start to start, at least `5s`. Required.
    #[schemars(transform = schema::duration)]
    pub every: Option<S<String>>,
    /// The announcement. Required.
    pub prompt: Option<S<RawPrompt>>,
}

/// `hold.exit`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHoldExit {
    /// The key, one of `0`-`9`, `*`, `#` (quote it). Required.
    #[schemars(transform = schema::dtmf)]
    pub key: Option<S<String>>,
    /// The node the caller goes to. Required.
    pub to: Option<S<String>>,
}

/// One queue under `queues:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    /// Most callers waiting at once (at least 1); one more is refused as `full` (Amazon
    /// Connect's `QueueAtCapacity` branch; Asterisk's `maxlen`). Default: no limit.
    #[schemars(range(min = 1))]
    pub max_waiting: Option<S<RawCount>>,
    /// A schedule name (under `schedules:`): outside its hours the queue is `closed` and the
    /// caller does not join it. Default: always open.
    pub hours: Option<S<String>>,
    /// Longest time a caller waits in the queue, from joining it, a duration such as `10m`;
    /// then `when_waited_too_long` (Asterisk's `Queue()` timeout). Default: no limit.
    #[schemars(transform = schema::duration)]
    pub max_wait: Option<S<String>>,
    /// Whether a caller may join and wait while no call-taker is logged in (Asterisk's
    /// `joinempty = yes`). Default: `false` (the plan for `unstaffed` runs at once).
    pub join_empty: Option<S<bool>>,
    /// Whether a waiting caller is taken out of the queue (and gets the plan for `unstaffed`)
    /// when the last call-taker logs out (Asterisk's `leavewhenempty`). Default: `true`.
    pub leave_when_empty: Option<S<bool>>,
    /// What a caller gets when nobody is logged in (or no console can be reached). Default: the
    /// transfer's `when_no_operator`.
    pub when_unstaffed: Option<S<RawNoOperator>>,
    /// What a caller gets when the queue holds `max_waiting` callers. Default: the transfer's
    /// `when_no_operator`.
    pub when_full: Option<S<RawNoOperator>>,
    /// What a caller gets outside `hours`. Default: the transfer's `when_no_operator`.
    pub when_closed: Option<S<RawNoOperator>>,
    /// What a caller gets after waiting `max_wait`. Default: the transfer's
    /// `when_no_operator`.
    pub when_waited_too_long: Option<S<RawNoOperator>>,
}

/// `when_no_operator:` of a transfer.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::lower::no_operator_schema)]
pub struct RawNoOperator {
    /// What happens: `hold` (keep waiting up to `max_wait`, then `prompt` and hang up),
    /// `message` (play `prompt`, then hang up), `callback` (go to `to`, a collect node taking
    /// the number to call back) or `goto` (go on at `to`). Required.
    #[schemars(transform = super::lower::no_operator_actions)]
    pub action: Option<S<String>>,
    /// `action: hold` only, and required there: how long the caller waits, a duration such as
    /// `2m`.
    #[schemars(transform = schema::duration)]
    pub max_wait: Option<S<String>>,
    /// `hold`: the goodbye after `max_wait` (default: a built-in text); `message`: the message
    /// (required).
    pub prompt: Option<S<RawPrompt>>,
    /// `callback` and `goto` only, and required there: the node id the call goes on at.
    pub to: Option<S<String>>,
}

/// Global keys: each a DTMF key (one or more of `0`-`9`, `*`, `#`; quote it).
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKeys {
    /// Key that leads to `defaults.operator`, e.g. `"0"`.
    #[schemars(transform = schema::dtmf)]
    pub operator: Option<S<Option<String>>>,
    /// Key that replays the prompt, e.g. `"*"`.
    #[schemars(transform = schema::dtmf)]
    pub repeat: Option<S<Option<String>>>,
    /// Key that returns to the previous menu, e.g. `"#"`.
    #[schemars(transform = schema::dtmf)]
    pub back: Option<S<Option<String>>>,
    /// Key that leads to `defaults.main_menu`.
    #[schemars(transform = schema::dtmf)]
    pub main_menu: Option<S<Option<String>>>,
}

/// Thresholds of `ivrsim check`.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLint {
    /// Warn (W007) when a menu has more options than this. At least 1. Default: 5.
    #[schemars(range(min = 1))]
    pub max_options: Option<S<RawCount>>,
    /// Warn (W008) when the fewest keypresses from a node to an operator exceed this. At least
    /// 1. Default: 3.
    #[schemars(range(min = 1))]
    pub max_operator_keys: Option<S<RawCount>>,
    /// Warn (W009) when a menu prompt's clip is longer than this: a duration such as `10s`.
    /// Default: `10s`.
    #[schemars(transform = schema::duration)]
    pub max_prompt: Option<S<String>>,
    /// Warnings not to report, by code or name, e.g. `[W007, no-fallback]`. Errors cannot be
    /// allowed.
    #[schemars(transform = schema::warning)]
    pub allow: Option<Vec<S<String>>>,
}

/// A prompt: what the caller hears, e.g. `{ text: "Welcome.", audio: welcome.wav }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrompt {
    /// The words: shown as the caption, and what the clip says. Required, not empty. A prompt
    /// without a clip is timed from its text at 150 words per minute.
    #[schemars(required, transform = schema::not_blank)]
    pub text: Option<S<String>>,
    /// WAV clip under `audio_dir` (mono 16-bit PCM, 8000 or 16000 Hz); must stay inside
    /// `audio_dir`. Optional.
    pub audio: Option<S<String>>,
    /// The prompt in the menu's other languages: a map of language tag (one of `languages`,
    /// not the first) to `{ text, audio }`.
    #[schemars(extend("propertyNames" = { "pattern": schema::LANGUAGE_TAG }))]
    pub translations: Option<Entries<S<String>, S<RawPromptText>>>,
}

/// A prompt in another language.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPromptText {
    /// The words in this language. Required, not empty.
    #[schemars(required, transform = schema::not_blank)]
    pub text: Option<S<String>>,
    /// WAV clip of this language under `audio_dir`. Optional.
    pub audio: Option<S<String>>,
}

/// One option of a menu: `{ key, to, say, label, language }`, or `{ pattern, store, to, ... }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    /// The DTMF key: one or more of `0`-`9`, `*`, `#`, quoted (`"1"`, `"#"`, `"12"`). Unique
    /// in the menu. Required, unless the option has a `pattern`.
    // `Option<Option<…>>` so that `key:` with nothing after it (YAML null, often an
    // unquoted `#`) is told apart from a missing `key`.
    #[schemars(transform = schema::option_key)]
    pub key: Option<S<Option<String>>>,
    /// Instead of `key`: a pattern of keys the option takes, Asterisk style (`"_7XXX"`: X any
    /// digit, Z 1-9, N 2-9, `[1-5]` a set, `.` one or more keys, `!` zero or more) or a
    /// FreeSWITCH regular expression between slashes (`"/^(10[01][0-9])$/"`). A key of
    /// another option that the pattern also matches wins over it.
    pub pattern: Option<S<String>>,
    /// Variable the keys dialled are stored in when the option is taken (letters, digits,
    /// `_`, starting with a letter or `_`).
    #[schemars(transform = schema::identifier)]
    pub store: Option<S<String>>,
    /// Node id the option leads to. Required.
    #[schemars(required)]
    pub to: Option<S<String>>,
    /// Spoken keywords that also choose the option (case-insensitive), unique in the menu.
    pub say: Option<Vec<S<String>>>,
    /// Short name of the option for reports.
    pub label: Option<S<String>>,
    /// A language tag of `languages`: taking the option switches the call to that language
    /// (for a language-selection menu).
    #[schemars(transform = schema::language)]
    pub language: Option<S<String>>,
    /// Variables set when the option is taken: a map of variable name to value. A value is
    /// text, with `{name}` filled in from the call's variables (`"{case_number}"` copies one),
    /// or `+N` / `-N` to add to a counter (quote it: `"+1"`).
    #[schemars(extend("propertyNames" = { "pattern": schema::IDENTIFIER }))]
    pub set: Option<Entries<S<String>, S<String>>>,
}

/// The digits a collect node takes: `{ min, max, terminator }`, `1 <= min <= max <= 64`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDigits {
    /// Fewest digits of a value. At least 1. Default: 1.
    #[schemars(range(min = 1, max = 64))]
    pub min: Option<S<RawCount>>,
    /// Most digits of a value, at most 64. Required.
    #[schemars(range(min = 1, max = 64))]
    #[schemars(required)]
    pub max: Option<S<RawCount>>,
    /// Key that ends the entry early and is not part of the value: `"#"` or `"*"`. Optional.
    #[schemars(transform = schema::terminator)]
    pub terminator: Option<S<Option<String>>>,
    /// The keys that are data (part of the value), e.g. `"0123456789*#"` to take `*` and `#`
    /// as ordinary characters. Digits are always data. Default: `"0123456789"`. A key here is
    /// never the terminator or part of a global key in this collect.
    #[schemars(regex(pattern = r"^[0-9*#]+$"))]
    pub keys: Option<S<String>>,
}

/// One route of a route node: `{ when, to }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    /// The condition; every test it gives must hold. Required.
    #[schemars(required)]
    pub when: Option<S<RawWhen>>,
    /// Node id taken when the condition holds. Required.
    #[schemars(required)]
    pub to: Option<S<String>>,
}

/// A route's condition: `var` with one of `equals`, `matches`, `in`, `less_than`, `at_most`,
/// `greater_than`, `at_least`, `between`; `hours`; `language`.
/// Every test given must hold; at least one is needed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = schema::when)]
pub struct RawWhen {
    /// The variable tested (letters, digits, `_`, starting with a letter or `_`); needs exactly
    /// one of `equals`, `matches`, `in`, `less_than`, `at_most`, `greater_than`, `at_least`,
    /// `between`.
    #[schemars(transform = schema::identifier)]
    pub var: Option<S<String>>,
    /// Holds when the variable equals this value (needs `var`).
    pub equals: Option<S<String>>,
    /// Holds when the variable matches this regular expression (regex crate syntax; write
    /// anchors yourself, `^...$`). Needs `var`.
    pub matches: Option<S<String>>,
    /// Holds when the variable is one of these values (needs `var`).
    #[serde(rename = "in")]
    pub one_of: Option<S<Vec<S<String>>>>,
    /// Holds when the call's local clock is inside the open hours of this schedule (a name
    /// under `schedules`).
    pub hours: Option<S<String>>,
    /// Holds when the call's language is this tag (one of `languages`).
    #[schemars(transform = schema::language)]
    pub language: Option<S<String>>,
    /// Holds when the variable, read as a number, is less than this (needs `var`). A variable
    /// unset or not a number never holds.
    pub less_than: Option<S<f64>>,
    /// Holds when the variable, read as a number, is at most this (`<=`; needs `var`).
    pub at_most: Option<S<f64>>,
    /// Holds when the variable, read as a number, is greater than this (needs `var`).
    pub greater_than: Option<S<f64>>,
    /// Holds when the variable, read as a number, is at least this (`>=`; needs `var`).
    pub at_least: Option<S<f64>>,
    /// `[low, high]`: holds when the variable, read as a number, is between them, both
    /// included (needs `var`; `low <= high`).
    #[schemars(length(min = 2, max = 2))]
    pub between: Option<S<Vec<S<f64>>>>,
}

/// `on:` of an `external` node: where the call goes on by the step's result.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExternalOn {
    /// Node id the call goes on at when the step succeeds. Required.
    #[schemars(required)]
    pub success: Option<S<String>>,
    /// Node id the call goes on at when the step fails. Required.
    #[schemars(required)]
    pub error: Option<S<String>>,
}

macro_rules! raw_node {
    ($($(#[$attr:meta])* $field:ident: $ty:ty,)*) => {
        /// A node: its `kind` and that kind's fields (a field of another kind is an error,
        /// E010). Kinds: `menu`, `message`, `collect`, `route`, `transfer`, `hangup`.
        // Unlike the other raw types, a node does not stop the file at an unknown field: the
        // unknown keys are kept in `RawNode::unknown` and the lowering reports each one (E002)
        // with the fields of the node's own kind, so a file's misspellings in nodes are all
        // reported at once. (Not a doc comment: that text would become the schema's.)
        // Each field is boxed: a node uses a handful of its two dozen fields, and a
        // 100,000-node menu should not carry the empty ones at full size (this halves the
        // memory a large menu loads in).
        #[derive(Debug, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[schemars(transform = super::lower::node_kinds_schema)]
        pub struct RawNode {
            $($(#[$attr])* pub $field: Option<Box<S<$ty>>>,)*
            /// Keys that are no field of any node, with where they are, in file order (their
            /// values are skipped).
            #[serde(skip)]
            pub unknown: Vec<S<String>>,
        }

        impl RawNode {
            /// Every field a node may have, in declaration order.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// The fields present in the file, with where they are, in declaration order.
            pub fn present(&self) -> Vec<(&'static str, &serde_saphyr::Location)> {
                let mut v = Vec::new();
                $(if let Some(f) = &self.$field { v.push((stringify!($field), &f.referenced)); })*
                v
            }
        }

        /// A mapping of fields, as `#[derive(Deserialize)]` would read it (a repeated field is
        /// an error), except that unknown keys are collected instead of refused.
        impl<'de> Deserialize<'de> for RawNode {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct NodeVisitor;
                impl<'de> Visitor<'de> for NodeVisitor {
                    type Value = RawNode;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("struct RawNode")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
                        let mut node = RawNode {
                            $($field: None,)*
                            unknown: Vec::new(),
                        };
                        while let Some(key) = map.next_key::<S<String>>()? {
                            match key.value.as_str() {
                                $(stringify!($field) => {
                                    if node.$field.is_some() {
                                        return Err(serde::de::Error::duplicate_field(stringify!($field)));
                                    }
                                    node.$field = map.next_value()?;
                                })*
                                _ => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                    node.unknown.push(key);
                                }
                            }
                        }
                        Ok(node)
                    }
                }
                d.deserialize_struct("RawNode", RawNode::FIELDS, NodeVisitor)
            }
        }
    };
}

raw_node! {
    /// The node's kind: `menu` (a prompt and options), `message` (a prompt, then `next`),
    /// `collect` (digits into a variable), `route` (a decision without a prompt), `transfer`
    /// (to a human operator), `hangup`, `external` (voicemail, an application, another flow)
    /// `record` (the caller leaves a message) or `callback` (a callback the caller chose).
    /// Required.
    #[schemars(required, transform = super::lower::node_kind_names)]
    kind: String,
    /// Free text for designers; any kind.
    description: String,
    /// What the caller hears. Required on `menu`, `message` and `collect`; optional on
    /// `transfer` (while being transferred), `hangup` (goodbye) and `external` (before the
    /// handoff). `{name}` reads a variable back (`{name:digits}`, `{name:number}`,
    /// `{name:ordinal}`).
    prompt: RawPrompt,
    /// `menu`: the choices, a list of `{ key, to, say, label, language }`, at least one.
    #[schemars(length(min = 1))]
    options: Vec<S<RawOption>>,
    /// `menu`, `collect`: re-prompts for silence; the n-th no-input plays the n-th entry (the
    /// last repeats), then the prompt again. Default: `defaults.no_input`.
    no_input: Vec<S<RawPrompt>>,
    /// `menu`, `collect`: re-prompts for invalid input, likewise. Default: `defaults.no_match`.
    no_match: Vec<S<RawPrompt>>,
    /// `menu`, `collect`: no-input timeout from the end of the prompt, a duration such as `5s`.
    /// Default: `defaults.timeout`. `record`: no speech within this time of the beep is "no
    /// speech" (`no_speech`).
    #[schemars(transform = schema::duration)]
    timeout: String,
    /// `menu`, `collect`: longest pause between two digits, a duration such as `3s`. Default:
    /// `defaults.inter_digit_timeout`.
    #[schemars(transform = schema::duration)]
    inter_digit_timeout: String,
    /// `menu`, `collect`: no-input events allowed (1 to 1000, or `unlimited`), counted by
    /// `counting`; the last goes to the no-input fallback. Default: `defaults.max_no_input`.
    #[schemars(range(min = 1), transform = schema::retries)]
    max_no_input: RawCount,
    /// `menu`, `collect`: invalid entries allowed (1 to 1000, or `unlimited`), counted by
    /// `counting`; the last goes to the no-match fallback. Default: `defaults.max_no_match`.
    #[schemars(range(min = 1), transform = schema::retries)]
    max_no_match: RawCount,
    /// `menu`, `collect`: how failures are counted (`visit`, `shared`, `freeswitch`, `call`;
    /// see `defaults.counting`). Default: `defaults.counting`.
    #[schemars(transform = super::lower::counting_names)]
    counting: String,
    /// `menu`, `collect`: node id taken when a retry limit is reached, the one-line form of
    /// `fallback_no_input` and `fallback_no_match`. Default: `defaults.fallback`.
    fallback: String,
    /// `menu`, `collect`: node id taken when the no-input limit is reached. Default: this
    /// node's `fallback`, then `defaults.fallback_no_input`, then `defaults.fallback`.
    fallback_no_input: String,
    /// `menu`, `collect`: node id taken when the no-match limit is reached. Default: this
    /// node's `fallback`, then `defaults.fallback_no_match`, then `defaults.fallback`.
    fallback_no_match: String,
    /// `menu`, `collect`: a shorter prompt played instead of `prompt` after a failure (after
    /// its re-prompt) and after `repeat` (FreeSWITCH `greet-short`). Default: `prompt`.
    short_prompt: RawPrompt,
    /// `menu`, `message`, `collect`: whether a key pressed during the prompt stops it and is
    /// used. Default: `defaults.barge_in`.
    barge_in: bool,
    /// `menu`: whether keys pressed before the prompt starts carry over to it. Default:
    /// `defaults.type_ahead`.
    type_ahead: bool,
    /// `menu`: when the menu acts on the keys entered, `early` or `full_length` (see
    /// `defaults.key_match`). Default: `defaults.key_match`.
    #[schemars(transform = super::lower::key_match_names)]
    key_match: String,
    /// `menu`: with `key_match: full_length`, the keys an entry takes before it is matched at
    /// once (FreeSWITCH `digit-len`), 1 to 32. Default: `defaults.digit_len`.
    #[schemars(range(min = 1, max = 32))]
    digit_len: RawCount,
    /// Any kind: warnings of `ivrsim check` not to report for this node, by code or name, e.g.
    /// `[W019]` (the menu's `lint.allow` silences them everywhere).
    #[schemars(transform = schema::warning)]
    lint_allow: Vec<S<String>>,
    /// `message`, `collect`, `record`, `callback`: node id the call continues at. Required
    /// there.
    next: String,
    /// `collect`: `{ min, max, terminator }`, the digits taken. Required there.
    digits: RawDigits,
    /// `collect`: regular expression (regex crate syntax) the whole value must match, e.g.
    /// `"^[0-9]{6}$"`; an entry that does not is a no-match.
    pattern: String,
    /// `collect`: variable the value is stored in (letters, digits, `_`, starting with a
    /// letter or `_`). Required there. `external`: variable the result is read from and
    /// stored in (`success` or `error`; default `external_result`).
    #[schemars(transform = schema::identifier)]
    store: String,
    /// `route`: a list of `{ when, to }`, tried in order; the first whose `when` holds is
    /// taken. Required there.
    routes: Vec<S<RawRoute>>,
    /// `route`: node id taken when no route holds. Required there.
    default: String,
    /// `transfer`: the queue the call waits in. `callback`: the queue whose call-takers call
    /// back. Required there.
    #[schemars(transform = schema::not_blank)]
    queue: String,
    /// `transfer`, `callback`: how soon the call is answered, a level from 1 (answered first) to 9
    /// (answered last), Amazon Connect's convention, or a named level: `urgent` (1), `high`
    /// (3), `normal` (5) or `low` (7). Default: `normal` (5).
    #[schemars(transform = schema::priority)]
    priority: String,
    /// `transfer`: variables that travel with the call to the call-taker. Default: all.
    #[schemars(transform = schema::identifier)]
    context: Vec<S<String>>,
    /// `transfer`: `{ every, prompt }`, the announcements while the caller waits. Default:
    /// `defaults.hold`.
    hold: RawHold,
    /// `transfer`: what happens when no call-taker can take the call (W014 without it).
    /// Default: `defaults.when_no_operator`.
    when_no_operator: RawNoOperator,
    /// `hangup`: why the call ends, for reports, e.g. `closed`. Default: `self-service`.
    reason: String,
    /// `external`: what takes the call: `voicemail`, `application` (an echo test, a payment
    /// system, a function) or `flow` (another flow or document). Required there.
    #[schemars(transform = super::lower::external_apps)]
    app: String,
    /// `external`: which voicemail box, application or flow, as the platform names it (a
    /// mailbox, a function's name, a flow's name). Required there.
    #[schemars(transform = schema::not_blank)]
    target: String,
    /// `external`: `{ success, error }`, node ids: the step comes back with a result and the
    /// call goes on there. Without it the IVR part of the call ends at the node, by design.
    on: RawExternalOn,
    /// `callback`: the variable holding the number to call back (e.g. `caller_id`, or a
    /// collect's `store`). Required there.
    #[schemars(transform = schema::identifier)]
    number: String,
    /// `record`: whether a beep (500 ms) plays after the prompt, the recording starting at
    /// its end. Default: `true`.
    beep: bool,
    /// `record`: the longest recording, a duration such as `2m`. Default: `2m`.
    #[schemars(transform = schema::duration)]
    max_length: String,
    /// `record`: silence after the caller's speech that ends the recording, a duration such
    /// as `3s`. Default: `3s`.
    #[schemars(transform = schema::duration)]
    final_silence: String,
    /// `record`: the key that ends the recording (quote it: `"#"`). Default: any key.
    #[schemars(transform = schema::dtmf)]
    terminator: Option<String>,
    /// `record`: node id the call goes to when the caller said nothing within `timeout`.
    /// Default: `next`.
    no_speech: String,
    /// Any kind: variables set when the call enters the node, before its prompt: a map of
    /// variable name to value (text with `{name}` filled in, or `"+N"` / `"-N"` to add).
    #[schemars(extend("propertyNames" = { "pattern": schema::IDENTIFIER }))]
    set: Entries<S<String>, S<String>>,
}

/// Pieces of the JSON Schema that the types alone do not say: the YAML scalars a value may be
/// written as, and the shapes and closed sets of values the lowering accepts. Each pattern
/// accepts at least every text the loader accepts (the tests below hold them to that), so a
/// file `ivrsim check` passes also validates.
pub(crate) mod schema {
    use schemars::Schema;
    use serde_json::{Value, json};

    /// A duration: a number and a unit, possibly several (`5s`, `1500ms`, `1m 30s`). This is a
    /// superset of what humantime reads; it rejects the usual mistake, a bare number.
    pub(crate) const DURATION: &str = r"^\s*[0-9][0-9.\sA-Za-zµ]*[A-Za-zµ]\s*$";
    /// A clock time `HH:MM`, `00:00` to `24:00`.
    pub(crate) const TIME: &str = r"^(\+?[0-9]|[01][0-9]|2[0-3]):(\+[0-9]|[0-5][0-9])$|^24:(00|\+0)$";
    /// One or more DTMF keys.
    pub(crate) const DTMF: &str = r"^[0-9*#]+$";
    /// A BCP 47 language tag as the loader checks it: `en`, `es`, `pt-BR`.
    pub(crate) const LANGUAGE_TAG: &str = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$";
    /// A variable name.
    pub(crate) const IDENTIFIER: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";
    /// Text with something other than white space in it.
    pub(crate) const NOT_BLANK: &str = r"\S";
    /// What serde-saphyr reads as a `u32` from a quoted string (`"3"`, `"+3"`, `"0x10"`).
    pub(crate) const UINT_TEXT: &str = r"^\s*\+?[0-9][0-9A-Za-z_]*\s*$";
    /// What serde-saphyr reads as a boolean from a quoted string (any case).
    pub(crate) const BOOL_TEXT: &str =
        r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy]([Ee][Ss])?|[Nn][Oo]?|[Oo][Nn]|[Oo][Ff][Ff])\s*$";

    /// The JSON types a scalar field takes, e.g. `["string", "null"]`.
    fn types(s: &Schema) -> Vec<String> {
        match s.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
            _ => Vec::new(),
        }
    }

    fn set_types(s: &mut Schema, t: Vec<String>) {
        let v = match t.as_slice() {
            [one] => Value::String(one.clone()),
            _ => Value::Array(t.into_iter().map(Value::String).collect()),
        };
        s.insert("type".into(), v);
    }

    /// Widens a scalar's schema to what a YAML file may write for it (see [`super::S`]).
    pub(crate) fn as_yaml_scalar(s: &mut Schema) {
        let t = types(s);
        let mut out = Vec::new();
        for ty in &t {
            match ty.as_str() {
                "string" => out.extend(["string", "number", "boolean"]),
                "integer" => {
                    out.extend(["integer", "string"]);
                    s.insert("pattern".into(), UINT_TEXT.into());
                }
                "boolean" => {
                    out.extend(["boolean", "string"]);
                    s.insert("pattern".into(), BOOL_TEXT.into());
                }
                other => out.push(other),
            }
        }
        if out.len() != t.len() {
            s.remove("format");
            set_types(s, out.into_iter().map(str::to_owned).collect());
        }
    }

    /// Applies `f` to the schema of the scalar itself: a list's items', else the value's.
    fn on_scalar(s: &mut Schema, f: impl FnOnce(&mut Schema)) {
        if types(s).iter().any(|t| t == "array") {
            if let Some(items) = s.get_mut("items").and_then(|i| <&mut Schema>::try_from(i).ok()) {
                f(items);
            }
            return;
        }
        f(s);
    }

    /// Narrows a scalar to text (keeping `null` where the field may be empty) with `extra`
    /// keywords, e.g. a `pattern` or an `enum`.
    fn text(s: &mut Schema, also: &[&str], extra: Value) {
        on_scalar(s, |s| text_here(s, also, extra));
    }

    fn text_here(s: &mut Schema, also: &[&str], extra: Value) {
        let nullable = types(s).iter().any(|t| t == "null");
        let mut t: Vec<String> = std::iter::once("string")
            .chain(also.iter().copied())
            .map(str::to_owned)
            .collect();
        if nullable {
            t.push("null".into());
        }
        set_types(s, t);
        if let Value::Object(extra) = extra {
            for (k, mut v) in extra {
                if k == "enum"
                    && nullable
                    && let Value::Array(a) = &mut v
                {
                    a.push(Value::Null);
                }
                s.insert(k, v);
            }
        }
    }

    /// A retry limit: a whole number (as [`super::S`] widens it) or `unlimited`.
    pub(crate) fn retries(s: &mut Schema) {
        s.insert("pattern".into(), format!("{}|^\\s*unlimited\\s*$", UINT_TEXT).into());
    }

    /// A transfer's priority: a named level or a level 1 to 9 (quoted or not).
    pub(crate) fn priority(s: &mut Schema) {
        text(
            s,
            &["integer"],
            json!({ "pattern": r"^\s*(urgent|high|normal|low|[1-9])\s*$", "minimum": 1, "maximum": 9 }),
        );
    }

    /// Text only: an unquoted number or boolean is never a valid value here.
    pub(crate) fn text_only(s: &mut Schema) {
        text(s, &[], json!({}));
    }

    /// A duration such as `5s`.
    pub(crate) fn duration(s: &mut Schema) {
        text(s, &[], json!({ "pattern": DURATION }));
    }

    /// A clock time `HH:MM`.
    pub(crate) fn time(s: &mut Schema) {
        text(s, &[], json!({ "pattern": TIME }));
    }

    /// A date `YYYY-MM-DD` or a range `YYYY-MM-DD/YYYY-MM-DD`.
    pub(crate) const DATES: &str = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*(/\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*)?$";

    /// Dates of a closure or special hours: `2026-12-25`, `2026-12-24/2026-12-26`.
    pub(crate) fn dates(s: &mut Schema) {
        text(s, &[], json!({ "pattern": DATES }));
    }

    /// Days of a schedule: `mon`, `mon-fri`, `mon-wed,fri` (any case).
    pub(crate) fn days(s: &mut Schema) {
        let day = "([Mm][Oo][Nn]|[Tt][Uu][Ee]|[Ww][Ee][Dd]|[Tt][Hh][Uu]|[Ff][Rr][Ii]|[Ss][Aa][Tt]|[Ss][Uu][Nn])";
        let part = format!(r"\s*{day}\s*(-\s*{day}\s*)?");
        text(s, &[], json!({ "pattern": format!("^{part}(,{part})*$") }));
    }

    /// DTMF keys; an unquoted number is read as its digits.
    pub(crate) fn dtmf(s: &mut Schema) {
        text(s, &["integer"], json!({ "pattern": DTMF, "minimum": 0 }));
    }

    /// An option's DTMF key: as [`dtmf`], never null (`key:` with nothing after it, often an
    /// unquoted `#`, is an error: E015 or E004).
    pub(crate) fn option_key(s: &mut Schema) {
        dtmf(s);
        on_scalar(s, |s| {
            let t: Vec<String> = types(s).into_iter().filter(|t| t != "null").collect();
            set_types(s, t);
        });
    }

    /// The terminator of a collect: `#` or `*`.
    pub(crate) fn terminator(s: &mut Schema) {
        text(s, &[], json!({ "enum": ["#", "*"] }));
    }

    /// A language tag.
    pub(crate) fn language(s: &mut Schema) {
        text(s, &[], json!({ "pattern": LANGUAGE_TAG }));
    }

    /// A variable name.
    pub(crate) fn identifier(s: &mut Schema) {
        text(s, &[], json!({ "pattern": IDENTIFIER }));
    }

    /// Text that must not be blank (a number or boolean is read as its text).
    pub(crate) fn not_blank(s: &mut Schema) {
        on_scalar(s, |s| {
            s.insert("pattern".into(), NOT_BLANK.into());
        });
    }

    /// A closed set of words, written exactly.
    pub(crate) fn one_of(s: &mut Schema, words: &[&str]) {
        text(s, &[], json!({ "enum": words }));
    }

    /// A warning to allow in `lint.allow`: its code (any case) or its name.
    pub(crate) fn warning(s: &mut Schema) {
        use crate::diag::{Code, Severity};
        let warnings: Vec<Code> = Code::ALL
            .iter()
            .copied()
            .filter(|c| c.severity() == Severity::Warning)
            .collect();
        let alternatives: Vec<String> = warnings
            .iter()
            .map(|c| {
                c.as_str()
                    .chars()
                    .map(|ch| {
                        if ch.is_ascii_alphabetic() {
                            format!("[{}{}]", ch.to_ascii_uppercase(), ch.to_ascii_lowercase())
                        } else {
                            ch.to_string()
                        }
                    })
                    .collect::<String>()
            })
            // Names are lowercase words and `-`, literal in a pattern (and not escaped: `\-` is
            // not valid in the ECMA-262 regexes of editors).
            .chain(warnings.iter().map(|c| c.slug().to_owned()))
            .collect();
        let examples: Vec<&str> = warnings.iter().map(|c| c.as_str()).collect();
        text(
            s,
            &[],
            json!({ "pattern": format!(r"^\s*({})\s*$", alternatives.join("|")), "examples": examples }),
        );
    }

    /// The schema of a field that is given when it is there and not empty (YAML null counts as
    /// absent for the loader).
    pub(crate) fn given(field: &str) -> Value {
        json!({ "properties": { field: { "not": { "type": "null" } } }, "required": [field] })
    }

    /// A route's `when`: `var` with exactly one of `equals`, `matches`, `in` (and those only
    /// with `var`), and at least one of `var`, `hours`, `language`.
    pub(crate) fn when(s: &mut Schema) {
        let absent = json!({ "type": "null" });
        s.insert(
            "allOf".into(),
            json!([
                {
                    "if": given("var"),
                    "then": { "oneOf": [given("equals"), given("matches"), given("in"), given("less_than"), given("at_most"), given("greater_than"), given("at_least"), given("between")] },
                    "else": { "properties": { "equals": absent, "matches": absent, "in": absent, "less_than": absent, "at_most": absent, "greater_than": absent, "at_least": absent, "between": absent } },
                },
                { "anyOf": [given("var"), given("hours"), given("language")] },
            ]),
        );
    }
}
