//! Training calls: one scripted caller per YAML file (`docs/training-format.md`), for
//! training shifts of the call-taker console (`ivrsim operator --shift FILE...`).
//!
//! A training call says how the caller goes through the IVR (the `start` and `steps` of a
//! scenario, so the call reaches the console with a real [`Handoff`]), who the caller is
//! ([`Persona`]), what they say when answered, what they know ([`Fact`]s), what the
//! call-taker must record ([`RecordField`]s) and the disposition expected. Loading is pure
//! apart from reading the file; every finding is a [`Diagnostic`] at `file:line:column`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};

use crate::audio::ClipLibrary;
use crate::diag::{Code, Diagnostic, Severity, did_you_mean};
use crate::engine::Handoff;
use crate::menu::Menu;
use crate::menu::load::{ReadError, parse_file, read_text};
use crate::menu::raw::{S, schema};
use crate::scenario::script::{NoHandoff, RawStart, RawStep, Script};
use crate::source::{FileId, Sources, Span};

/// The four fields of a report; a training call must record at least one of them.
pub const CORE_FIELDS: [&str; 4] = ["when", "where", "who", "what"];

/// How long a caller waits in the queue when `persona.patience` is not given: 2 minutes.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(120);

/// A loaded training call: one scripted caller.
#[derive(Clone, Debug)]
pub struct TrainingCall {
    /// The training file.
    pub path: PathBuf,
    /// The menu the call goes through (resolved against the file's folder).
    pub menu: PathBuf,
    /// Where `menu:` is written.
    pub menu_span: Span,
    /// The call's name (shown to the trainer, not the trainee).
    pub name: String,
    /// When the call starts, as time since the start of the shift (default 0 s). It joins
    /// its queue `arrival + handoff.time_in_ivr` into the shift.
    pub arrival: Duration,
    /// The IVR part, named like the call: `start` and `steps` as written, then an implicit
    /// last step that expects a transfer (placed at `steps:`).
    pub scenario: Script,
    /// Who calls.
    pub persona: Persona,
    /// What the caller says when answered.
    pub opening: String,
    /// What the caller knows, in file order.
    pub facts: Vec<Fact>,
    /// What the call-taker must record (`:note FIELD TEXT`), in file order.
    pub record: Vec<RecordField>,
    /// The disposition code expected at `:end`.
    pub disposition: String,
    /// Whether the call-taker must take a callback number (`:note callback NUMBER`), compared
    /// with [`Persona::phone`].
    pub callback: bool,
    /// `file:line:column` of each step of [`Self::scenario`], in order (for [`handoff`] errors).
    pub step_places: Vec<String>,
}

/// The scripted caller.
#[derive(Clone, Debug, PartialEq)]
pub struct Persona {
    /// An invented name.
    pub name: String,
    /// How the caller sounds; picks the wording of hedges and "I don't know"s.
    pub mood: Mood,
    /// How the caller speaks, in words for the trainer (e.g. "short sentences"); shown, not
    /// interpreted. Empty when not given.
    pub style: String,
    /// How long the caller waits in the queue before hanging up (default [`DEFAULT_PATIENCE`]).
    pub patience: Duration,
    /// The caller's number, as written (e.g. `"0455 555 0192"`), if given; required with
    /// `callback: true`.
    pub phone: Option<String>,
}

/// A caller's mood.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mood {
    /// Even, cooperative.
    Calm,
    /// Worried, rushed, apologetic.
    Anxious,
    /// Irritated, short with the call-taker.
    Angry,
    /// Unsure, wandering.
    Confused,
}

impl Mood {
    /// Every mood, in documentation order.
    pub const ALL: [Mood; 4] = [Mood::Calm, Mood::Anxious, Mood::Angry, Mood::Confused];

    /// The name as written in files: `calm`, `anxious`, `angry`, `confused`.
    pub fn name(self) -> &'static str {
        match self {
            Mood::Calm => "calm",
            Mood::Anxious => "anxious",
            Mood::Angry => "angry",
            Mood::Confused => "confused",
        }
    }

    /// Parses a name (any case, surrounding spaces ignored); `None` when unknown.
    pub fn parse(s: &str) -> Option<Mood> {
        let s = s.trim();
        Self::ALL.into_iter().find(|m| m.name().eq_ignore_ascii_case(s))
    }
}

/// Something the caller knows and says when asked.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// Its topic (unique in the call), e.g. `where`.
    pub topic: String,
    /// Words or phrases of a question that ask for it (matched fuzzily, see
    /// [`crate::operator::persona`]); at least one.
    pub keywords: Vec<String>,
    /// What the caller says.
    pub answer: String,
    /// The caller only gives it when asked a second time (the first time they hedge).
    pub ask_twice: bool,
    /// Where the fact is written.
    pub span: Span,
}

/// A field the call-taker must record.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordField {
    /// The `:note` field name: one word, compared case-insensitively.
    pub field: String,
    /// The fact that holds the answer: as written, or the fact whose topic is the field's
    /// name; `None` when neither.
    pub topic: Option<String>,
    /// Words or phrases the note must contain (fuzzily; at least half of them, rounded up).
    pub expect: Vec<String>,
    /// Where the entry is written.
    pub span: Span,
}

/// An ivrsim training call (docs/training-format.md): one scripted caller for a training shift
/// of the call-taker console (`ivrsim operator --shift FILE...`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ivrsim training call")]
pub(crate) struct RawTraining {
    /// The menu file the call goes through, relative to this file. Required.
    #[schemars(required, transform = schema::not_blank)]
    menu: Option<S<String>>,
    /// The call's name, for the trainer and the scorecard. Required.
    #[schemars(required, transform = schema::not_blank)]
    name: Option<S<String>>,
    /// When the call starts, as a duration since the start of the shift (`30s`, `2m`,
    /// `1m30s`). Default: `0s`.
    #[schemars(transform = schema::duration)]
    arrival: Option<S<String>>,
    /// How the IVR call starts, as in scenarios: `{ at, language, vars }`.
    start: Option<S<RawStart>>,
    /// The caller's way through the IVR, as in scenarios (`press`, `say`, `silence`, `hangup`,
    /// `expect`); afterwards the call must have been handed over. Required, at least one.
    #[schemars(required, length(min = 1))]
    steps: Option<S<Vec<S<RawStep>>>>,
    /// Who calls: `{ name, mood, style, patience, phone }`. Required.
    #[schemars(required)]
    persona: Option<S<RawPersona>>,
    /// What the caller says when answered. Required.
    #[schemars(required, transform = schema::not_blank)]
    opening: Option<S<String>>,
    /// What the caller knows: a list of `{ topic, keywords, answer, ask_twice }`, at least one.
    /// Required.
    #[schemars(required, length(min = 1))]
    facts: Option<S<Vec<S<RawFact>>>>,
    /// What the call-taker must record: a list of `{ field, topic, expect }`, at least one, with
    /// at least one of `when`, `where`, `who`, `what`. Required.
    #[schemars(required, length(min = 1))]
    record: Option<S<Vec<S<RawRecord>>>>,
    /// The disposition code the call-taker should end with (`:end CODE`), one of the menu's
    /// `dispositions`. Required.
    #[schemars(required, transform = schema::not_blank)]
    disposition: Option<S<String>>,
    /// `true`: the call-taker must take a callback number (`:note callback NUMBER`), compared
    /// with `persona.phone`. Default: `false`.
    callback: Option<S<bool>>,
}

/// The scripted caller.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawPersona {
    /// An invented name; the caller gives it when asked. Required.
    #[schemars(required, transform = schema::not_blank)]
    name: Option<S<String>>,
    /// `calm`, `anxious`, `angry` or `confused` (any case): the wording of the caller's hedges
    /// and "I don't know"s. Required.
    #[schemars(required, transform = moods)]
    mood: Option<S<String>>,
    /// How the caller speaks, in words for the trainer ("short sentences"); shown, not
    /// interpreted.
    style: Option<S<String>>,
    /// How long the caller waits in the queue before hanging up: a duration of more than `0s`,
    /// such as `90s`. Default: `2m`.
    #[schemars(transform = schema::duration)]
    patience: Option<S<String>>,
    /// The caller's number, quoted (`"0455 555 0192"`); required with `callback: true`.
    #[schemars(extend("pattern" = "[0-9]"))]
    phone: Option<S<String>>,
}

/// Something the caller knows and says when asked.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawFact {
    /// What the fact is about, unique in the file: `where`, `when`, `case`, … Required.
    #[schemars(required, transform = schema::not_blank)]
    topic: Option<S<String>>,
    /// Words or phrases of a question that ask for it, e.g. `[where, address, which floor]`.
    /// Required, at least one.
    #[schemars(required, length(min = 1))]
    keywords: Option<S<Vec<S<String>>>>,
    /// What the caller says. Required.
    #[schemars(required, transform = schema::not_blank)]
    answer: Option<S<String>>,
    /// The caller only gives it when asked a second time; the first time they hedge. Default:
    /// `false`.
    ask_twice: Option<S<bool>>,
}

/// A field the call-taker must record.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    /// The `:note` field: one word (compared case-insensitively), unique in the file. Required.
    #[schemars(required, extend("pattern" = r"^\s*\S+\s*$"))]
    field: Option<S<String>>,
    /// The fact that holds the answer. Default: the fact whose topic is the field's name.
    topic: Option<S<String>>,
    /// Words or phrases the note must contain (at least half of them): `["14", Linden Row]`.
    /// Quote numbers to keep leading zeros. Required, at least one.
    #[schemars(required, length(min = 1))]
    expect: Option<S<Vec<S<String>>>>,
}

/// `mood:` in the schema: a [`Mood`] name, in any case, with spaces around allowed.
fn moods(s: &mut Schema) {
    let any_case = |name: &str| -> String {
        name.chars()
            .map(|c| format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase()))
            .collect()
    };
    let names: Vec<&str> = Mood::ALL.iter().map(|m| m.name()).collect();
    let pattern = format!(
        r"^\s*({})\s*$",
        names.iter().map(|n| any_case(n)).collect::<Vec<_>>().join("|")
    );
    s.insert("type".into(), "string".into());
    s.insert("pattern".into(), pattern.into());
    s.insert("examples".into(), names.into());
}

/// Loads the training call at `path`. `allowed` are the menu's disposition codes; an empty
/// slice does not check `disposition`.
///
/// Returns the call, or `None` when an error finding makes it unusable, and every finding
/// (errors E001–E004 and E016 at `file:line:column`; see `docs/training-format.md`). The
/// file's text is added to `sources` so findings can be rendered.
///
/// # Errors
/// [`ReadError`] when the file cannot be read at all (missing, a folder, too large).
pub fn load_training(
    path: &Path,
    sources: &mut Sources,
    allowed: &[String],
) -> Result<(Option<TrainingCall>, Vec<Diagnostic>), ReadError> {
    let text = read_text(path).map_err(|source| ReadError {
        path: path.to_owned(),
        source,
    })?;
    Ok(load(path, text.text, text.invalid_utf8_at, sources, allowed))
}

/// Loads a training call from text already in memory, as if read from `path` (which names it
/// in findings and anchors `menu:`). Same result as [`load_training`]; nothing is read.
pub fn load_training_text(
    path: &Path,
    text: impl Into<String>,
    sources: &mut Sources,
    allowed: &[String],
) -> (Option<TrainingCall>, Vec<Diagnostic>) {
    load(path, text.into(), None, sources, allowed)
}

fn load(
    path: &Path,
    text: String,
    invalid_utf8_at: Option<usize>,
    sources: &mut Sources,
    allowed: &[String],
) -> (Option<TrainingCall>, Vec<Diagnostic>) {
    let file = sources.add(path.display().to_string(), text);
    let mut diags = Vec::new();
    let Some(raw) = parse_file::<RawTraining>(sources, file, invalid_utf8_at, &mut diags) else {
        return (None, diags);
    };
    let mut cx = Cx {
        sources,
        file,
        diags: &mut diags,
    };
    let call = lower(&mut cx, path, &raw, allowed);
    let ok = !diags.iter().any(|d| d.severity() == Severity::Error);
    (call.filter(|_| ok), diags)
}

/// The reading of one training file's values into the model, collecting findings.
struct Cx<'a> {
    sources: &'a Sources,
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    /// The span of a value's place in this file.
    fn span(&self, loc: &serde_saphyr::Location) -> Span {
        self.sources.span_of(self.file, loc)
    }

    /// Adds a finding.
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// A duration (`30s`, `1m30s`), or `None` with an E016 finding at its place (as in
    /// scenario files).
    fn duration(&mut self, v: &S<String>) -> Option<Duration> {
        let span = self.span(&v.referenced);
        crate::menu::duration_at(&v.value, span).map_err(|d| self.push(*d)).ok()
    }
}

/// A required text: `None` with an E004 finding (at `parent`) when missing or blank.
fn required<'v>(cx: &mut Cx, v: Option<&'v S<String>>, parent: Span, what: &str, hint: &str) -> Option<&'v str> {
    match v {
        Some(t) if !t.value.trim().is_empty() => Some(t.value.trim()),
        Some(t) => {
            let span = cx.span(&t.referenced);
            cx.push(Diagnostic::new(Code::MissingField, span, format!("empty `{what}`")).label(hint.to_owned()));
            None
        }
        None => {
            cx.push(
                Diagnostic::new(Code::MissingField, parent, format!("missing field `{what}`")).label(hint.to_owned()),
            );
            None
        }
    }
}

fn lower(cx: &mut Cx, path: &Path, raw: &S<RawTraining>, allowed: &[String]) -> Option<TrainingCall> {
    let top = cx.span(&raw.referenced);
    let r = &raw.value;
    let menu = required(
        cx,
        r.menu.as_ref(),
        top,
        "menu",
        "name the menu file the call goes through",
    );
    let menu_span = r.menu.as_ref().map_or(top, |m| cx.span(&m.referenced));
    let name = required(cx, r.name.as_ref(), top, "name", "name the call")
        .unwrap_or_default()
        .to_owned();
    let arrival = match &r.arrival {
        Some(a) => cx.duration(a).unwrap_or_default(),
        None => Duration::ZERO,
    };
    let scenario = Script::lower(
        cx.sources,
        cx.file,
        cx.diags,
        &name,
        top,
        r.start.as_ref(),
        r.steps.as_ref(),
    );
    let persona = persona(cx, r.persona.as_ref(), top);
    let opening = required(
        cx,
        r.opening.as_ref(),
        top,
        "opening",
        "what the caller says when answered",
    )
    .unwrap_or_default()
    .to_owned();
    let facts = facts(cx, r.facts.as_ref(), top);
    let record = record(cx, r.record.as_ref(), top, &facts);
    let disposition = disposition(cx, r.disposition.as_ref(), top, allowed);
    let callback = match &r.callback {
        Some(c) if c.value => {
            if persona.as_ref().is_some_and(|p| p.phone.is_none()) {
                let span = cx.span(&c.referenced);
                cx.push(
                    Diagnostic::new(Code::MissingField, span, "`callback: true` without `persona.phone`")
                        .label("the callback number taken is compared with the caller's phone")
                        .help("give the caller a `phone` under `persona`"),
                );
            }
            true
        }
        _ => false,
    };
    let scenario = scenario?;
    let step_places = scenario
        .step_spans()
        .map(|span| {
            let lc = cx.sources.line_col(span);
            format!("{}:{}:{}", cx.sources.name(span.file), lc.line, lc.column)
        })
        .collect();
    let dir = path.parent().unwrap_or(Path::new(""));
    Some(TrainingCall {
        path: path.to_owned(),
        menu: crate::menu::normalize_path(&dir.join(menu?)),
        menu_span,
        name,
        arrival,
        scenario,
        persona: persona?,
        opening,
        facts,
        record,
        disposition: disposition?,
        callback,
        step_places,
    })
}

fn persona(cx: &mut Cx, raw: Option<&S<RawPersona>>, top: Span) -> Option<Persona> {
    let Some(raw) = raw else {
        cx.push(
            Diagnostic::new(Code::MissingField, top, "missing field `persona`")
                .label("who calls: `name`, `mood`, and optionally `style`, `patience`, `phone`"),
        );
        return None;
    };
    let span = cx.span(&raw.referenced);
    let p = &raw.value;
    let name = required(cx, p.name.as_ref(), span, "name", "an invented name for the caller").map(str::to_owned);
    let names: Vec<&str> = Mood::ALL.iter().map(|m| m.name()).collect();
    let mood = match &p.mood {
        Some(m) => match Mood::parse(&m.value) {
            Some(mood) => Some(mood),
            None => {
                let sp = cx.span(&m.referenced);
                let mut d = Diagnostic::new(Code::InvalidValue, sp, format!("unknown mood `{}`", m.value.trim()))
                    .label(format!("expected one of {}", names.join(", ")));
                if let Some(s) = did_you_mean(&m.value.trim().to_lowercase(), names.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                cx.push(d);
                None
            }
        },
        None => {
            cx.push(
                Diagnostic::new(Code::MissingField, span, "missing field `mood`")
                    .label(format!("one of {}", names.join(", "))),
            );
            None
        }
    };
    let patience = match &p.patience {
        Some(v) => match cx.duration(v)? {
            d if d.is_zero() => {
                let sp = cx.span(&v.referenced);
                cx.push(
                    Diagnostic::new(Code::InvalidValue, sp, "`patience` must be more than 0s")
                        .label("how long the caller waits in the queue before hanging up"),
                );
                return None;
            }
            d => d,
        },
        None => DEFAULT_PATIENCE,
    };
    let phone = match &p.phone {
        Some(ph) if !ph.value.chars().any(|c| c.is_ascii_digit()) => {
            let sp = cx.span(&ph.referenced);
            cx.push(Diagnostic::new(Code::InvalidValue, sp, "a `phone` with no digits").label("write the number"));
            return None;
        }
        Some(ph) => Some(ph.value.trim().to_owned()),
        None => None,
    };
    Some(Persona {
        name: name?,
        mood: mood?,
        style: p.style.as_ref().map(|s| s.value.trim().to_owned()).unwrap_or_default(),
        patience,
        phone,
    })
}

/// A list of words or phrases, each with at least one letter or digit.
fn words(cx: &mut Cx, raw: &Option<S<Vec<S<String>>>>, parent: Span, what: &str, hint: &str) -> Vec<String> {
    let Some(list) = raw.as_ref().filter(|l| !l.value.is_empty()) else {
        let span = raw.as_ref().map_or(parent, |l| cx.span(&l.referenced));
        cx.push(Diagnostic::new(Code::MissingField, span, format!("no `{what}`")).label(hint.to_owned()));
        return Vec::new();
    };
    let mut out = Vec::new();
    for w in &list.value {
        if crate::operator::persona::normalize(&w.value).is_empty() {
            let sp = cx.span(&w.referenced);
            cx.push(
                Diagnostic::new(Code::InvalidValue, sp, format!("a `{what}` entry with no words"))
                    .label("only letters and digits are matched"),
            );
        } else {
            out.push(w.value.trim().to_owned());
        }
    }
    out
}

fn facts(cx: &mut Cx, raw: Option<&S<Vec<S<RawFact>>>>, top: Span) -> Vec<Fact> {
    let Some(list) = raw.filter(|l| !l.value.is_empty()) else {
        let span = raw.map_or(top, |l| cx.span(&l.referenced));
        cx.push(
            Diagnostic::new(Code::MissingField, span, "no `facts`")
                .label("what the caller knows: `{ topic, keywords, answer }`"),
        );
        return Vec::new();
    };
    let mut out: Vec<Fact> = Vec::new();
    let mut seen: HashMap<String, Span> = HashMap::new();
    for f in &list.value {
        let span = cx.span(&f.referenced);
        let r = &f.value;
        let topic = required(
            cx,
            r.topic.as_ref(),
            span,
            "topic",
            "a name for what the fact is about, e.g. `where`",
        );
        let keywords = words(
            cx,
            &r.keywords,
            span,
            "keywords",
            "words of a question that ask for this fact",
        );
        let answer = required(cx, r.answer.as_ref(), span, "answer", "what the caller says when asked");
        let (Some(topic), Some(answer)) = (topic, answer) else {
            continue;
        };
        let topic_span = r.topic.as_ref().map_or(span, |t| cx.span(&t.referenced));
        if let Some(first) = seen.get(topic) {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    topic_span,
                    format!("two facts have the topic `{topic}`"),
                )
                .label("second one")
                .with_secondary(*first, "first one")
                .help("give each fact its own topic, or join their keywords"),
            );
            continue;
        }
        seen.insert(topic.to_owned(), topic_span);
        if keywords.is_empty() {
            continue;
        }
        out.push(Fact {
            topic: topic.to_owned(),
            keywords,
            answer: answer.to_owned(),
            ask_twice: r.ask_twice.as_ref().is_some_and(|a| a.value),
            span,
        });
    }
    out
}

fn record(cx: &mut Cx, raw: Option<&S<Vec<S<RawRecord>>>>, top: Span, facts: &[Fact]) -> Vec<RecordField> {
    let Some(list) = raw.filter(|l| !l.value.is_empty()) else {
        let span = raw.map_or(top, |l| cx.span(&l.referenced));
        cx.push(
            Diagnostic::new(Code::MissingField, span, "no `record`")
                .label("what the call-taker must note: `{ field, expect: [words] }`"),
        );
        return Vec::new();
    };
    let list_span = cx.span(&list.referenced);
    let topics: Vec<&str> = facts.iter().map(|f| f.topic.as_str()).collect();
    let mut out: Vec<RecordField> = Vec::new();
    let mut seen: HashMap<String, Span> = HashMap::new();
    for e in &list.value {
        let span = cx.span(&e.referenced);
        let r = &e.value;
        let field = required(
            cx,
            r.field.as_ref(),
            span,
            "field",
            "the `:note` field name, e.g. `where`",
        );
        let expect = words(
            cx,
            &r.expect,
            span,
            "expect",
            "words the call-taker's note must contain",
        );
        let Some(field) = field else { continue };
        let field_span = r.field.as_ref().map_or(span, |f| cx.span(&f.referenced));
        if field.contains(char::is_whitespace) {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    field_span,
                    format!("the field `{field}` is not one word"),
                )
                .label("`:note FIELD TEXT` takes the field as one word")
                .help(format!(
                    "write `{}`",
                    field.split_whitespace().collect::<Vec<_>>().join("_")
                )),
            );
            continue;
        }
        let key = field.to_lowercase();
        if let Some(first) = seen.get(&key) {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    field_span,
                    format!("the field `{field}` is recorded twice"),
                )
                .label("second one")
                .with_secondary(*first, "first one"),
            );
            continue;
        }
        seen.insert(key.clone(), field_span);
        let topic = match &r.topic {
            Some(t) if topics.contains(&t.value.trim()) => Some(t.value.trim().to_owned()),
            Some(t) => {
                let sp = cx.span(&t.referenced);
                let mut d = Diagnostic::new(
                    Code::InvalidValue,
                    sp,
                    format!("no fact has the topic `{}`", t.value.trim()),
                )
                .label("the caller would not know it");
                d = match did_you_mean(t.value.trim(), topics.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "add a fact with this topic; the facts' topics are {}",
                        topics.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                    )),
                };
                cx.push(d);
                continue;
            }
            None => topics
                .iter()
                .find(|t| t.eq_ignore_ascii_case(field))
                .map(|t| (*t).to_owned()),
        };
        if expect.is_empty() {
            continue;
        }
        out.push(RecordField {
            field: key,
            topic,
            expect,
            span,
        });
    }
    let core = list.value.iter().any(|e| {
        e.value
            .field
            .as_ref()
            .is_some_and(|f| CORE_FIELDS.iter().any(|c| c.eq_ignore_ascii_case(f.value.trim())))
    });
    if !core {
        cx.push(
            Diagnostic::new(
                Code::MissingField,
                list_span,
                "the call records none of `when`, `where`, `who`, `what`",
            )
            .label("a call-taker always notes at least one of them")
            .help("add e.g. `{ field: where, expect: [...] }`"),
        );
    }
    out
}

fn disposition(cx: &mut Cx, raw: Option<&S<String>>, top: Span, allowed: &[String]) -> Option<String> {
    let value = required(cx, raw, top, "disposition", "the code the call-taker should end with")?;
    let value = value.to_owned();
    if !allowed.is_empty() && !allowed.contains(&value) {
        let span = raw.map_or(top, |r| cx.span(&r.referenced));
        let mut d = Diagnostic::new(Code::InvalidValue, span, format!("unknown disposition `{value}`"))
            .label("not one of the menu's disposition codes")
            .note(format!(
                "the menu's codes are {}",
                allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
            ));
        if let Some(s) = did_you_mean(&value, allowed.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        cx.push(d);
        return None;
    }
    Some(value)
}

/// Why a training call is not handed to a call-taker ([`handoff`]). `place` is the failing
/// step's `file:line:column` (or the training file), `path` the route the call took.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandoffError {
    /// The last step (which expects a transfer) fails: the steps end elsewhere.
    #[error("{place}: the call `{name}` is not handed to a call-taker after its steps ({why}); its path: {path}")]
    NotHanded {
        /// The last step's `file:line:column`.
        place: String,
        /// The training call's name.
        name: String,
        /// The failed expectation.
        why: String,
        /// The route the call took (`engine::route_of`).
        path: String,
    },
    /// A step before the last fails its expectation.
    #[error("{place}: a step of the call `{name}` fails: {why}; its path: {path}")]
    StepFails {
        /// The step's `file:line:column`.
        place: String,
        /// The training call's name.
        name: String,
        /// The failed expectation.
        why: String,
        /// The route the call took.
        path: String,
    },
    /// The run passed but no handoff came (cannot happen: the last step expects a transfer).
    #[error("{path}: the call `{name}` has no handoff")]
    NoHandoff {
        /// The training file.
        path: String,
        /// The training call's name.
        name: String,
    },
}

/// Runs the call's `start` and `steps` through the IVR (the scenario runner, in virtual time)
/// and returns the screen pop the console shows when the call is answered.
///
/// # Errors
/// [`HandoffError`], starting with the failing step's `file:line:column`, when a step's
/// expectation fails, or when the steps end (or the call ends) without a transfer; it gives
/// the path the call took.
pub fn handoff(call: &TrainingCall, menu: &Menu, clips: &ClipLibrary) -> Result<Handoff, HandoffError> {
    let place = |step: Option<usize>| {
        step.and_then(|i| call.step_places.get(i))
            .cloned()
            .unwrap_or_else(|| call.path.display().to_string())
    };
    call.scenario.handoff(menu, clips).map_err(|no| match no {
        NoHandoff::NotTransferred { message, route } => HandoffError::NotHanded {
            place: place(Some(call.step_places.len().saturating_sub(1))),
            name: call.name.clone(),
            why: message,
            path: route,
        },
        NoHandoff::Step { step, message, route } => HandoffError::StepFails {
            place: place(step),
            name: call.name.clone(),
            why: message,
            path: route,
        },
        NoHandoff::Missing => HandoffError::NoHandoff {
            path: call.path.display().to_string(),
            name: call.name.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"menu: ../menus/hotline.yaml
name: a test call
arrival: 30s
start: { at: 2026-03-02T10:00 }
steps:
  - press: "1"
  - press: "1"
persona:
  name: Ada Quill
  mood: anxious
  style: short sentences
  patience: 45s
  phone: "0455 555 0101"
opening: "Hello, someone fell in the stairwell!"
facts:
  - { topic: where, keywords: [where, address, location], answer: "12 Fern Row, Ostermere." }
  - { topic: when, keywords: [when, what time], answer: "Just now.", ask_twice: true }
record:
  - { field: where, expect: [12, Fern Row] }
  - { field: when, expect: [now] }
disposition: urgent_escalated
callback: true
"#;

    fn codes() -> Vec<String> {
        ["report_taken", "urgent_escalated", "case_updated", "no_action"]
            .map(String::from)
            .to_vec()
    }

    fn load_str(text: &str) -> (Option<TrainingCall>, String, Vec<Diagnostic>) {
        let mut sources = Sources::new();
        let (call, diags) = load_training_text(Path::new("training/call.yaml"), text, &mut sources, &codes());
        let rendered = crate::diag::render_plain(&sources, &diags);
        (call, rendered, diags)
    }

    #[test]
    fn a_good_file_loads_with_every_field() {
        let (call, out, diags) = load_str(GOOD);
        assert!(diags.is_empty(), "{out}");
        let call = call.expect("loads");
        assert_eq!(call.menu, PathBuf::from("menus/hotline.yaml"));
        assert_eq!(call.name, "a test call");
        assert_eq!(call.arrival, Duration::from_secs(30));
        assert_eq!(call.persona.mood, Mood::Anxious);
        assert_eq!(call.persona.patience, Duration::from_secs(45));
        assert_eq!(call.persona.phone.as_deref(), Some("0455 555 0101"));
        assert_eq!(call.facts.len(), 2);
        assert!(call.facts[1].ask_twice && !call.facts[0].ask_twice);
        assert_eq!(
            call.record[0].topic.as_deref(),
            Some("where"),
            "the field names the topic"
        );
        assert_eq!(call.disposition, "urgent_escalated");
        assert!(call.callback);
        // Two steps as written, then the implicit transfer expectation at `steps:`.
        assert_eq!(call.scenario.len(), 3);
        assert_eq!(call.step_places[0], "training/call.yaml:6:5");
        assert_eq!(call.step_places[2], "training/call.yaml:6:3");
    }

    #[test]
    fn defaults_apply_when_optional_fields_are_left_out() {
        let text = GOOD
            .replace("arrival: 30s\n", "")
            .replace("  patience: 45s\n", "")
            .replace("  style: short sentences\n", "")
            .replace("callback: true\n", "");
        let (call, out, _) = load_str(&text);
        let call = call.unwrap_or_else(|| panic!("{out}"));
        assert_eq!(call.arrival, Duration::ZERO);
        assert_eq!(call.persona.patience, DEFAULT_PATIENCE);
        assert_eq!(call.persona.style, "");
        assert!(!call.callback);
    }

    #[test]
    fn an_unknown_field_is_named_at_its_line_and_column() {
        let text = GOOD.replace("  mood: anxious\n", "  mood: anxious\n  moood: calm\n");
        let (call, out, diags) = load_str(&text);
        assert!(call.is_none());
        assert_eq!(diags[0].code, Code::UnknownField, "{out}");
        assert!(out.contains("unknown field `moood`"), "{out}");
        assert!(out.contains("training/call.yaml:11:3"), "{out}");
        assert!(out.contains("did you mean `mood`?"), "{out}");
    }

    #[test]
    fn a_record_topic_without_a_fact_is_refused_with_a_suggestion() {
        let text = GOOD.replace("{ field: when, expect", "{ field: when, topic: wen, expect");
        let (call, out, _) = load_str(&text);
        assert!(call.is_none());
        assert!(out.contains("error[E016]: no fact has the topic `wen`"), "{out}");
        assert!(out.contains("training/call.yaml:20:27"), "{out}");
        assert!(out.contains("did you mean `when`?"), "{out}");
        let text = GOOD.replace("{ field: when, expect", "{ field: when, topic: vehicle, expect");
        let (_, out, _) = load_str(&text);
        assert!(out.contains("the facts' topics are `where`, `when`"), "{out}");
    }

    #[test]
    fn an_unknown_disposition_is_refused_with_a_suggestion() {
        let text = GOOD.replace("disposition: urgent_escalated", "disposition: urgent_escalate");
        let (call, out, _) = load_str(&text);
        assert!(call.is_none());
        assert!(out.contains("unknown disposition `urgent_escalate`"), "{out}");
        assert!(out.contains("training/call.yaml:21:14"), "{out}");
        assert!(out.contains("did you mean `urgent_escalated`?"), "{out}");
        // With no codes to check against, any code loads.
        let mut sources = Sources::new();
        let (call, _) = load_training_text(Path::new("t.yaml"), text, &mut sources, &[]);
        assert_eq!(call.expect("loads").disposition, "urgent_escalate");
    }

    #[test]
    fn bad_durations_and_moods_are_findings_at_their_place() {
        let text = GOOD
            .replace("arrival: 30s", "arrival: 30")
            .replace("patience: 45s", "patience: soon")
            .replace("mood: anxious", "mood: angy");
        let (call, out, diags) = load_str(&text);
        assert!(call.is_none());
        assert_eq!(diags.len(), 3, "{out}");
        assert!(out.contains("training/call.yaml:3:10"), "{out}");
        assert!(out.contains("`30` has no unit"), "{out}");
        assert!(out.contains("`soon` is not a duration"), "{out}");
        assert!(out.contains("unknown mood `angy`"), "{out}");
        assert!(out.contains("did you mean `angry`?"), "{out}");
    }

    #[test]
    fn missing_parts_are_all_reported() {
        let (call, out, diags) = load_str("menu: m.yaml\nname: x\n");
        assert!(call.is_none());
        for what in [
            "no `steps`",
            "`persona`",
            "`opening`",
            "no `facts`",
            "no `record`",
            "`disposition`",
        ] {
            assert!(out.contains(what), "{what} not reported:\n{out}");
        }
        assert!(diags.iter().all(|d| d.code == Code::MissingField), "{out}");
    }

    #[test]
    fn a_call_recording_none_of_the_four_fields_is_refused() {
        let text = GOOD
            .replace("{ field: where, expect", "{ field: address, topic: where, expect")
            .replace("{ field: when, expect", "{ field: time, topic: when, expect");
        let (call, out, _) = load_str(&text);
        assert!(call.is_none());
        assert!(out.contains("records none of `when`, `where`, `who`, `what`"), "{out}");
    }

    #[test]
    fn duplicates_and_bad_entries_are_refused() {
        let text = GOOD.replace("{ topic: when, keywords", "{ topic: where, keywords");
        let (_, out, _) = load_str(&text);
        assert!(out.contains("two facts have the topic `where`"), "{out}");
        let text = GOOD.replace("{ field: when, expect", "{ field: WHERE, expect");
        let (_, out, _) = load_str(&text);
        assert!(out.contains("the field `WHERE` is recorded twice"), "{out}");
        let text = GOOD.replace("{ field: when, expect", "{ field: time of day, expect");
        let (_, out, _) = load_str(&text);
        assert!(
            out.contains("is not one word") && out.contains("write `time_of_day`"),
            "{out}"
        );
        let text = GOOD.replace("keywords: [when, what time]", "keywords: [\"?!\"]");
        let (_, out, _) = load_str(&text);
        assert!(out.contains("a `keywords` entry with no words"), "{out}");
        let text = GOOD.replace("  phone: \"0455 555 0101\"\n", "");
        let (call, out, _) = load_str(&text);
        assert!(call.is_none());
        assert!(out.contains("`callback: true` without `persona.phone`"), "{out}");
        let text = GOOD.replace("steps:\n  - press: \"1\"", "steps:\n  - press: \"1\"\n    gap: soon");
        let (call, out, _) = load_str(&text);
        assert!(call.is_none(), "a bad step refuses the call");
        assert!(out.contains("invalid duration"), "{out}");
    }

    fn hotline() -> (Menu, ClipLibrary) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Sources::new();
        let menu = crate::menu::load_menu(&root.join("menus/hotline.yaml"), &mut sources)
            .expect("read")
            .menu
            .expect("menu");
        let (clips, _) = ClipLibrary::load(&menu);
        (menu, clips)
    }

    #[test]
    fn the_handoff_is_the_ivrs_screen_pop() {
        let (menu, clips) = hotline();
        let (call, out, _) = load_str(GOOD);
        let h = handoff(&call.unwrap_or_else(|| panic!("{out}")), &menu, &clips).expect("transfers");
        assert_eq!(h.queue, "urgent");
        assert_eq!(h.reason.name(), "chosen");
        assert!(h.time_in_ivr > Duration::from_secs(30), "{:?}", h.time_in_ivr);
    }

    #[test]
    fn steps_that_never_reach_a_transfer_are_an_error_at_steps() {
        let (menu, clips) = hotline();
        let text = GOOD.replace("  - press: \"1\"\n  - press: \"1\"\n", "  - press: \"1\"\n");
        let (call, out, _) = load_str(&text);
        let err = handoff(&call.unwrap_or_else(|| panic!("{out}")), &menu, &clips)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("training/call.yaml:6:3: "), "{err}");
        assert!(err.contains("not handed to a call-taker"), "{err}");
        assert!(err.contains("welcome → main_menu → report_menu"), "{err}");
    }

    #[test]
    fn a_failing_step_is_named_by_its_place() {
        let (menu, clips) = hotline();
        let text = GOOD.replace(
            "  - press: \"1\"\n  - press: \"1\"\n",
            "  - press: \"1\"\n  - expect: { node: regions_menu }\n  - press: \"1\"\n",
        );
        let (call, out, _) = load_str(&text);
        let err = handoff(&call.unwrap_or_else(|| panic!("{out}")), &menu, &clips)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("training/call.yaml:7:5: a step"), "{err}");
        assert!(err.contains("expected node `regions_menu`"), "{err}");
    }
}
