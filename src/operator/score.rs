//! Scoring a training call: what the console observed ([`Observed`]) against what the
//! training call expects, as a [`Scorecard`] per call and a [`ShiftSummary`] per shift.
//! Pure: the console passes the times and texts in.
//!
//! **The checks** of a call (`docs/training-format.md`, "Scoring"): the call was answered;
//! each `record` field was recorded; the disposition is the expected one; and, with
//! `callback: true`, the callback number was taken. The score is the percentage of checks
//! passed, rounded to the nearest whole number; an abandoned call fails every check (0).
//!
//! A field is **recorded** when the call-taker's notes for it (`:note FIELD TEXT`, every note
//! of that field together, field names compared case-insensitively) contain at least half
//! of its `expect` words or phrases, rounded up, both read through
//! [`super::words::normalize`] (`ten` = `10`, `ten past nine` = `9:10`, `Rd` = `road`) and
//! each matched by [`super::persona::find_phrase`] (typos allowed, numbers exact). The **callback number**
//! is taken when the digits of one `callback` note equal the digits of `persona.phone`.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::persona::{Caller, find_phrase, normalize};
use super::training::TrainingCall;
use crate::timing::duration_text;

/// The `:note` field that holds the callback number.
pub const CALLBACK_FIELD: &str = "callback";

/// What the console saw of one training call. Times are shift time: since the shift started.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// When the call joined its queue (its `arrival` plus its time in the IVR).
    pub arrived: Duration,
    /// When the call-taker answered; `None` if never.
    pub answered: Option<Duration>,
    /// When the call ended: `:end` for an answered call, the caller hanging up for an
    /// abandoned one, the end of the shift for one left waiting.
    pub ended: Duration,
    /// The call-taker's notes: field (as typed) → the texts of every `:note FIELD TEXT`, in order.
    pub notes: BTreeMap<String, Vec<String>>,
    /// The questions and remarks typed to the caller, in order.
    pub questions: Vec<String>,
    /// The disposition code given at `:end`, if any.
    pub disposition: Option<String>,
    /// The caller hung up before being answered (patience ran out).
    pub abandoned: bool,
}

/// One `record` field: recorded or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactCheck {
    /// The field.
    pub field: String,
    /// The words or phrases expected.
    pub expected: Vec<String>,
    /// Those found in the notes.
    pub found: Vec<String>,
    /// How many must be found: half of `expected`, rounded up.
    pub needed: usize,
    /// Whether enough were found.
    pub recorded: bool,
    /// The notes of the field, joined with ` / `; `None` when there is none.
    pub note: Option<String>,
    /// Whether the call-taker asked for the field's fact (`None`: the field has no fact).
    pub asked: Option<bool>,
}

/// Expected against given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was expected.
    pub expected: String,
    /// What was given, if anything.
    pub given: Option<String>,
    /// Whether they agree.
    pub correct: bool,
}

/// The scorecard of one training call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scorecard {
    /// The call's name.
    pub call: String,
    /// The persona's name.
    pub caller: String,
    /// The caller hung up before being answered.
    pub abandoned: bool,
    /// Queue time: from joining the queue to being answered, or to hanging up.
    #[serde(serialize_with = "crate::engine::ms_ser", rename = "waited_ms")]
    pub waited: Duration,
    /// From joining the queue to being answered; `None` when not answered.
    #[serde(serialize_with = "crate::engine::opt_ms_ser", rename = "time_to_answer_ms")]
    pub time_to_answer: Option<Duration>,
    /// From answering to the end; `None` when not answered.
    #[serde(serialize_with = "crate::engine::opt_ms_ser", rename = "handle_time_ms")]
    pub handle_time: Option<Duration>,
    /// Questions and remarks typed to the caller.
    pub questions: usize,
    /// How many times each topic was asked (the questions replayed through the caller).
    pub topics_asked: BTreeMap<String, u32>,
    /// Each `record` field, in file order.
    pub facts: Vec<FactCheck>,
    /// The disposition (case-insensitive).
    pub disposition: Check,
    /// The callback number, when the call requires one (expected: `persona.phone`).
    pub callback: Option<Check>,
    /// Checks passed.
    pub passed: usize,
    /// Checks in all: 1 (answered) + the `record` fields + 1 (disposition) + 1 with `callback`.
    pub checks: usize,
    /// `passed / checks` in percent, rounded (0 to 100).
    pub score: u32,
}

impl Scorecard {
    /// Scores `observed` against `call` (see the module doc for the rules).
    pub fn new(call: &TrainingCall, observed: &Observed) -> Self {
        let answered = observed.answered.filter(|_| !observed.abandoned);
        let mut caller = Caller::new(call);
        for q in &observed.questions {
            caller.reply(q);
        }
        let topics_asked = caller.asked().clone();
        let notes = notes_by_field(&observed.notes);
        let facts: Vec<FactCheck> = call
            .record
            .iter()
            .map(|r| {
                let texts = notes.get(&r.field);
                let words = texts.map(|t| normalize(&t.join(" "))).unwrap_or_default();
                let found: Vec<String> = r
                    .expect
                    .iter()
                    .filter(|e| find_phrase(&words, &normalize(e)).is_some())
                    .cloned()
                    .collect();
                let needed = r.expect.len().div_ceil(2);
                FactCheck {
                    field: r.field.clone(),
                    expected: r.expect.clone(),
                    recorded: answered.is_some() && found.len() >= needed,
                    found,
                    needed,
                    note: texts.map(|t| t.join(" / ")),
                    asked: r.topic.as_ref().map(|t| topics_asked.contains_key(t)),
                }
            })
            .collect();
        let given = observed.disposition.as_ref().map(|d| d.trim().to_owned());
        let disposition = Check {
            correct: answered.is_some()
                && given
                    .as_ref()
                    .is_some_and(|g| g.eq_ignore_ascii_case(&call.disposition)),
            expected: call.disposition.clone(),
            given,
        };
        let callback = call.callback.then(|| {
            let expected = call.persona.phone.clone().unwrap_or_default();
            let texts = notes.get(CALLBACK_FIELD);
            let want = digits(&expected);
            Check {
                correct: answered.is_some()
                    && !want.is_empty()
                    && texts.is_some_and(|t| t.iter().any(|n| digits(n) == want)),
                given: texts.map(|t| t.join(" / ")),
                expected,
            }
        });
        let results: Vec<bool> = std::iter::once(answered.is_some())
            .chain(facts.iter().map(|f| f.recorded))
            .chain([disposition.correct])
            .chain(callback.as_ref().map(|c| c.correct))
            .collect();
        let passed = results.iter().filter(|r| **r).count();
        let checks = results.len();
        Scorecard {
            call: call.name.clone(),
            caller: call.persona.name.clone(),
            abandoned: observed.abandoned,
            waited: answered.unwrap_or(observed.ended).saturating_sub(observed.arrived),
            time_to_answer: answered.map(|a| a.saturating_sub(observed.arrived)),
            handle_time: answered.map(|a| observed.ended.saturating_sub(a)),
            questions: observed.questions.len(),
            topics_asked,
            facts,
            disposition,
            callback,
            passed,
            checks,
            score: percent(passed, checks),
        }
    }
}

/// Notes by lowercase field name.
fn notes_by_field(notes: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (field, texts) in notes {
        out.entry(field.trim().to_lowercase())
            .or_default()
            .extend(texts.iter().cloned());
    }
    out
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// `n / d` in percent, rounded; 0 when `d` is 0.
fn percent(n: usize, d: usize) -> u32 {
    if d == 0 {
        0
    } else {
        ((n as f64 * 100.0 / d as f64).round()) as u32
    }
}

/// The totals of a shift's scorecards.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShiftSummary {
    /// Calls scored.
    pub calls: usize,
    /// Calls answered.
    pub answered: usize,
    /// Calls abandoned.
    pub abandoned: usize,
    /// Mean time to answer of the answered calls; `None` when none was.
    #[serde(serialize_with = "crate::engine::opt_ms_ser", rename = "mean_time_to_answer_ms")]
    pub mean_time_to_answer: Option<Duration>,
    /// Mean handle time of the answered calls; `None` when none was.
    #[serde(serialize_with = "crate::engine::opt_ms_ser", rename = "mean_handle_time_ms")]
    pub mean_handle_time: Option<Duration>,
    /// `record` fields recorded, over every call.
    pub facts_recorded: usize,
    /// `record` fields required, over every call.
    pub facts_required: usize,
    /// `facts_recorded / facts_required` in percent, rounded (0 when none is required).
    pub facts_percent: u32,
    /// Calls ended with the expected disposition.
    pub dispositions_correct: usize,
    /// Callback numbers taken right.
    pub callbacks_taken: usize,
    /// Calls that required a callback number.
    pub callbacks_required: usize,
    /// The mean of the calls' scores, rounded (0 to 100; 0 for no calls): each call weighs the same.
    pub score: u32,
}

impl ShiftSummary {
    /// The totals of `cards`.
    pub fn new(cards: &[Scorecard]) -> Self {
        let answered: Vec<&Scorecard> = cards.iter().filter(|c| c.time_to_answer.is_some()).collect();
        let mean = |f: fn(&Scorecard) -> Option<Duration>| {
            let n = u32::try_from(answered.len()).ok().filter(|n| *n > 0)?;
            Some(answered.iter().filter_map(|c| f(c)).sum::<Duration>() / n)
        };
        let facts_recorded = cards.iter().flat_map(|c| &c.facts).filter(|f| f.recorded).count();
        let facts_required = cards.iter().map(|c| c.facts.len()).sum();
        let score = if cards.is_empty() {
            0
        } else {
            (cards.iter().map(|c| f64::from(c.score)).sum::<f64>() / cards.len() as f64).round() as u32
        };
        ShiftSummary {
            calls: cards.len(),
            answered: answered.len(),
            abandoned: cards.iter().filter(|c| c.abandoned).count(),
            mean_time_to_answer: mean(|c| c.time_to_answer),
            mean_handle_time: mean(|c| c.handle_time),
            facts_recorded,
            facts_required,
            facts_percent: percent(facts_recorded, facts_required),
            dispositions_correct: cards.iter().filter(|c| c.disposition.correct).count(),
            callbacks_taken: cards
                .iter()
                .filter_map(|c| c.callback.as_ref())
                .filter(|c| c.correct)
                .count(),
            callbacks_required: cards.iter().filter(|c| c.callback.is_some()).count(),
            score,
        }
    }
}

fn mark(ok: bool) -> &'static str {
    if ok { "[x]" } else { "[ ]" }
}

/// The plain-text scorecard for the console: a header, a line per check, the score.
impl fmt::Display for Scorecard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} (caller: {})", self.call, self.caller)?;
        match (self.time_to_answer, self.handle_time) {
            (Some(answer), Some(handle)) => writeln!(
                f,
                "  {} answered after {}, handled in {}, {} question{}",
                mark(true),
                duration_text(answer),
                duration_text(handle),
                self.questions,
                if self.questions == 1 { "" } else { "s" }
            )?,
            _ if self.abandoned => writeln!(
                f,
                "  {} abandoned after {} waiting",
                mark(false),
                duration_text(self.waited)
            )?,
            _ => writeln!(
                f,
                "  {} not answered ({} waiting)",
                mark(false),
                duration_text(self.waited)
            )?,
        }
        if !self.topics_asked.is_empty() {
            let asked: Vec<String> = self
                .topics_asked
                .iter()
                .map(|(t, n)| if *n > 1 { format!("{t} ×{n}") } else { t.clone() })
                .collect();
            writeln!(f, "      asked about: {}", asked.join(", "))?;
        }
        for fact in &self.facts {
            let note = fact
                .note
                .as_deref()
                .map_or("no note".to_owned(), |n| format!("\"{n}\""));
            writeln!(
                f,
                "  {} {}: {} ({} of {} expected found, {} needed: {})",
                mark(fact.recorded),
                fact.field,
                note,
                fact.found.len(),
                fact.expected.len(),
                fact.needed,
                fact.expected.join(", ")
            )?;
        }
        let d = &self.disposition;
        writeln!(
            f,
            "  {} disposition: {} (expected {})",
            mark(d.correct),
            d.given.as_deref().unwrap_or("none"),
            d.expected
        )?;
        if let Some(c) = &self.callback {
            writeln!(
                f,
                "  {} callback number: {} (expected {})",
                mark(c.correct),
                c.given.as_deref().unwrap_or("not taken"),
                c.expected
            )?;
        }
        writeln!(f, "  score {}% ({} of {} checks)", self.score, self.passed, self.checks)
    }
}

/// The plain-text shift summary for the console.
impl fmt::Display for ShiftSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = |d: Option<Duration>| d.map_or("-".to_owned(), duration_text);
        writeln!(
            f,
            "shift: {} call{}, {} answered, {} abandoned",
            self.calls,
            if self.calls == 1 { "" } else { "s" },
            self.answered,
            self.abandoned
        )?;
        writeln!(
            f,
            "  mean time to answer {}, mean handle time {}",
            time(self.mean_time_to_answer),
            time(self.mean_handle_time)
        )?;
        writeln!(
            f,
            "  facts recorded {}/{} ({}%), dispositions correct {}/{}, callback numbers {}/{}",
            self.facts_recorded,
            self.facts_required,
            self.facts_percent,
            self.dispositions_correct,
            self.calls,
            self.callbacks_taken,
            self.callbacks_required
        )?;
        writeln!(f, "  overall {}%", self.score)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::source::Sources;

    const CALL: &str = r#"menu: m.yaml
name: smoke at the bakery
steps: [{ press: "1" }]
persona: { name: Ivo Brenn, mood: calm, phone: "0455 555 0177" }
opening: "There's smoke coming from the bakery!"
facts:
  - { topic: where, keywords: [where, address], answer: "Mill Lane 4, Ostermere." }
  - { topic: when, keywords: [when], answer: "Ten minutes ago." }
  - { topic: who, keywords: [anyone inside], answer: "The baker, Jory Tamm." }
record:
  - { field: where, expect: ["Mill Lane", "4", Ostermere] }
  - { field: when, expect: [ten minutes] }
  - { field: who, expect: [baker, Jory Tamm] }
disposition: report_taken
callback: true
"#;

    fn call() -> TrainingCall {
        let mut sources = Sources::new();
        let (call, diags) = crate::operator::training::load_training_text(Path::new("t.yaml"), CALL, &mut sources, &[]);
        call.unwrap_or_else(|| panic!("{}", crate::diag::render_plain(&sources, &diags)))
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// A model call-taker: every field noted (with typos and other words), the right code.
    fn perfect() -> Observed {
        let notes = [
            ("where", vec!["Mill Lane number 4, Ostremere"]),
            ("When", vec!["about 10 minutes ago", "ten minutes before the call"]),
            ("who", vec!["the baker (Jory Tam) may be inside"]),
            ("callback", vec!["+0455-555-0177"]),
        ];
        Observed {
            arrived: secs(40),
            answered: Some(secs(52)),
            ended: secs(232),
            notes: notes
                .into_iter()
                .map(|(f, t)| (f.to_owned(), t.into_iter().map(String::from).collect()))
                .collect(),
            questions: vec!["Hello?".into(), "Where is it?".into(), "Wher exactly?".into()],
            disposition: Some("Report_Taken".into()),
            abandoned: false,
        }
    }

    #[test]
    fn every_fact_recorded_scores_full_marks() {
        let card = Scorecard::new(&call(), &perfect());
        assert!(card.facts.iter().all(|f| f.recorded), "{card}");
        assert_eq!(card.time_to_answer, Some(secs(12)));
        assert_eq!(card.handle_time, Some(secs(180)));
        assert_eq!(card.questions, 3);
        assert_eq!(card.topics_asked.get("where"), Some(&2));
        assert_eq!(card.facts[0].asked, Some(true));
        assert_eq!(card.facts[1].asked, Some(false));
        assert!(card.disposition.correct && card.callback.as_ref().is_some_and(|c| c.correct));
        assert_eq!((card.passed, card.checks, card.score), (6, 6, 100), "{card}");
        let text = card.to_string();
        assert!(
            text.contains("[x] answered after 0:12, handled in 3:00, 3 questions"),
            "{text}"
        );
        assert!(text.contains("score 100% (6 of 6 checks)"), "{text}");
    }

    #[test]
    fn scorecard_times_round_as_the_console_does() {
        let mut seen = perfect();
        seen.answered = Some(Duration::from_millis(41_500));
        seen.ended = Duration::from_millis(64_100);
        let text = Scorecard::new(&call(), &seen).to_string();
        // 1.5 s to answer and 22.6 s handled: 0:02 and 0:23, as `timing::duration_text` says.
        assert!(text.contains("answered after 0:02, handled in 0:23"), "{text}");
    }

    #[test]
    fn notes_match_numbers_times_and_abbreviations_in_any_form() {
        let notes = |field: &str, text: &str| {
            let mut seen = perfect();
            seen.notes.insert(field.to_owned(), vec![text.to_owned()]);
            Scorecard::new(&call(), &seen)
        };
        // Expected `Ten minutes` (the fact's answer), noted in digits.
        let card = notes("when", "about 10 minutes ago");
        assert!(card.facts[1].recorded, "{card}");
        // Expected `Mill Lane`, `4`, `Ostermere`: `Ln` is Lane, `four` is 4.
        let card = notes("where", "number four, Mill Ln, Ostermere");
        assert_eq!(card.facts[0].found.len(), 3, "{card}");
        // A number is still a number: 14 is not four.
        let card = notes("where", "Mill Ln 14");
        assert_eq!(card.facts[0].found, ["Mill Lane"], "{card}");
    }

    #[test]
    fn missing_and_thin_notes_are_not_recorded() {
        let mut seen = perfect();
        seen.notes.remove("When");
        // One of three expected ("Mill Lane") is less than the two needed.
        seen.notes.insert("where".into(), vec!["somewhere on mill lane".into()]);
        let card = Scorecard::new(&call(), &seen);
        let by = |f: &str| card.facts.iter().find(|c| c.field == f).unwrap();
        assert!(!by("where").recorded && by("where").needed == 2, "{card}");
        assert_eq!(by("where").found, ["Mill Lane"]);
        assert!(!by("when").recorded && by("when").note.is_none());
        assert!(by("who").recorded);
        assert_eq!((card.passed, card.checks, card.score), (4, 6, 67), "{card}");
        assert!(card.to_string().contains("[ ] when: no note"), "{card}");
        // A wrong number is not a typo: numbers must be equal.
        seen.notes.insert("where".into(), vec!["Mill Lane 5".into()]);
        assert!(!Scorecard::new(&call(), &seen).facts[0].recorded);
    }

    #[test]
    fn a_wrong_or_missing_disposition_fails_its_check() {
        let mut seen = perfect();
        seen.disposition = Some("urgent_escalated".into());
        let card = Scorecard::new(&call(), &seen);
        assert!(!card.disposition.correct);
        assert_eq!(card.score, 83);
        assert!(
            card.to_string()
                .contains("[ ] disposition: urgent_escalated (expected report_taken)")
        );
        seen.disposition = None;
        assert!(!Scorecard::new(&call(), &seen).disposition.correct);
    }

    #[test]
    fn the_callback_number_must_have_the_phones_digits() {
        let mut seen = perfect();
        seen.notes.remove("callback");
        let card = Scorecard::new(&call(), &seen);
        assert_eq!(card.callback.as_ref().map(|c| c.correct), Some(false));
        assert!(
            card.to_string()
                .contains("[ ] callback number: not taken (expected 0455 555 0177)")
        );
        seen.notes.insert("callback".into(), vec!["0455 555 017".into()]);
        assert_eq!(Scorecard::new(&call(), &seen).callback.map(|c| c.correct), Some(false));
        seen.notes
            .insert("Callback".into(), vec!["(0455) 555-0177, evenings".into()]);
        assert_eq!(Scorecard::new(&call(), &seen).callback.map(|c| c.correct), Some(true));
        // Not required: no check.
        let mut no_cb = call();
        no_cb.callback = false;
        let card = Scorecard::new(&no_cb, &perfect());
        assert!(card.callback.is_none());
        assert_eq!(card.checks, 5);
    }

    #[test]
    fn an_abandoned_call_fails_every_check() {
        let seen = Observed {
            arrived: secs(40),
            answered: None,
            ended: secs(60),
            abandoned: true,
            ..Observed::default()
        };
        let card = Scorecard::new(&call(), &seen);
        assert_eq!((card.passed, card.score), (0, 0));
        assert_eq!(card.waited, secs(20));
        assert_eq!((card.time_to_answer, card.handle_time), (None, None));
        assert!(card.to_string().contains("[ ] abandoned after 0:20 waiting"), "{card}");
        let json = serde_json::to_value(&card).unwrap();
        assert_eq!(json["waited_ms"], 20_000);
        assert!(json["time_to_answer_ms"].is_null());
    }

    #[test]
    fn the_shift_summary_totals_the_cards() {
        let good = Scorecard::new(&call(), &perfect());
        let mut half = perfect();
        half.notes.clear();
        half.answered = Some(secs(60));
        let half = Scorecard::new(&call(), &half);
        let gone = Scorecard::new(
            &call(),
            &Observed {
                arrived: secs(0),
                ended: secs(30),
                abandoned: true,
                ..Observed::default()
            },
        );
        let s = ShiftSummary::new(&[good.clone(), half.clone(), gone]);
        assert_eq!((s.calls, s.answered, s.abandoned), (3, 2, 1));
        assert_eq!(s.mean_time_to_answer, Some(secs(16))); // (12 + 20) / 2
        assert_eq!(s.mean_handle_time, Some(secs(176))); // (180 + 172) / 2
        assert_eq!((s.facts_recorded, s.facts_required, s.facts_percent), (3, 9, 33));
        assert_eq!(
            (s.dispositions_correct, s.callbacks_taken, s.callbacks_required),
            (2, 1, 3)
        );
        assert_eq!(half.score, 33); // answered + disposition of 6
        assert_eq!(s.score, 44); // (100 + 33 + 0) / 3
        let text = s.to_string();
        assert!(text.contains("shift: 3 calls, 2 answered, 1 abandoned"), "{text}");
        assert!(
            text.contains("mean time to answer 0:16, mean handle time 2:56"),
            "{text}"
        );
        assert!(text.contains("overall 44%"), "{text}");
        assert_eq!(serde_json::to_value(&s).unwrap()["mean_time_to_answer_ms"], 16_000);
        let empty = ShiftSummary::new(&[]);
        assert_eq!((empty.score, empty.mean_handle_time), (0, None));
    }
}
