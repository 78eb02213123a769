//! The scripted caller of a training call: answers the call-taker's free-text questions from
//! the call's facts, in the persona's mood. Deterministic: the same questions get the same
//! replies on every run.
//!
//! **Matching** (`docs/training-format.md`, "How the caller understands questions"):
//! a question and every keyword are [`normalize`]d (lowercase words; numbers in words as
//! digits, spoken times as `h:mm`, abbreviations as full words: [`super::words`]). A keyword matches when its words appear in
//! the question as consecutive words, each pair at least [`WORD_SIMILARITY`] alike by
//! [`strsim::normalized_damerau_levenshtein`] (words with digits must be equal), or when a
//! two-word keyword is written as one word (`call back` / `callback`) or the other way round.
//! Each fact scores the word count of every keyword that matches; the highest score
//! answers, ties going to the fact written first.

use std::collections::BTreeMap;

use serde::Serialize;

use super::training::{Fact, Mood, Persona, TrainingCall};

/// Least similarity (0 to 1) for two words to match: `1 − edits / longer length`, so one
/// typo in a word of 5 or more letters (`adress`, `wher`), two in 10 or more; shorter words
/// must be spelled right.
pub const WORD_SIMILARITY: f64 = 0.8;

/// Words a call-taker opens with; answered with the opening line again.
const SMALL_TALK: &[&str] = &[
    "hello",
    "hi",
    "hey",
    "good morning",
    "good afternoon",
    "good evening",
    "how can i help",
    "how may i help",
    "what can i do for you",
    "are you there",
    "can you hear me",
];

/// Keywords of the persona's own name and phone number (see [`Caller::new`]).
const NAME_WORDS: &[&str] = &[
    "name",
    "who am i speaking to",
    "who is calling",
    "whos calling",
    "who is this",
    "who are you",
    "your name",
];
/// Keywords of the persona's phone number.
const PHONE_WORDS: &[&str] = &["phone", "number", "call you back", "reach you", "callback number"];

pub use super::words::normalize;

/// How alike two normalized words are, 0 to 1: 1 when equal, 0 when they differ and either
/// has a digit (numbers are never corrected), else normalized Damerau–Levenshtein.
pub fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        1.0
    } else if a.chars().chain(b.chars()).any(|c| c.is_ascii_digit()) {
        0.0
    } else {
        strsim::normalized_damerau_levenshtein(a, b)
    }
}

/// The best mean word similarity with which `phrase` (normalized words) occurs in `words`
/// (normalized words), or `None` when it does not occur (see the module doc for the rule).
pub fn find_phrase(words: &[String], phrase: &[String]) -> Option<f64> {
    let n = phrase.len();
    if n == 0 || words.is_empty() {
        return None;
    }
    let alike = |a: &str, b: &str| Some(word_similarity(a, b)).filter(|s| *s >= WORD_SIMILARITY);
    let mut best: Option<f64> = None;
    let mut keep = |s: f64| best = Some(best.map_or(s, |b: f64| b.max(s)));
    for window in words.windows(n) {
        let sims: Option<Vec<f64>> = window.iter().zip(phrase).map(|(w, p)| alike(w, p)).collect();
        if let Some(sims) = sims {
            keep(sims.iter().sum::<f64>() / n as f64);
        }
    }
    if n == 2 {
        let joined = phrase.concat();
        for w in words {
            if let Some(s) = alike(w, &joined) {
                keep(s);
            }
        }
    }
    if n == 1 {
        for pair in words.windows(2) {
            if let Some(s) = alike(&pair.concat(), &phrase[0]) {
                keep(s);
            }
        }
    }
    best
}

/// Whether `phrase` (any text) occurs in `words` (normalized) by [`find_phrase`].
pub fn contains_phrase(words: &[String], phrase: &str) -> bool {
    find_phrase(words, &normalize(phrase)).is_some()
}

/// What kind of reply the caller gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// A fact's answer (or the persona's own name or phone number).
    Answer,
    /// The first ask of an `ask_twice` fact: the caller hedges.
    Hedge,
    /// A greeting or "how can I help": the opening again.
    SmallTalk,
    /// Nothing the caller knows: an "I don't know" in the persona's mood.
    Unknown,
}

/// The caller's reply to one question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reply {
    /// What the caller says.
    pub text: String,
    /// The fact's topic the question asked for (also on a hedge); `name` or `phone` for the
    /// persona's own; `None` for small talk and unknown questions.
    pub topic: Option<String>,
    /// What kind of reply.
    pub kind: ReplyKind,
}

/// A scripted caller in conversation: made from a [`TrainingCall`], it owns what it needs
/// (the console may drop the call) and counts the questions asked.
#[derive(Clone, Debug)]
pub struct Caller {
    persona: Persona,
    opening: String,
    facts: Vec<(Fact, Vec<Vec<String>>)>,
    asked: BTreeMap<String, u32>,
    questions: u32,
    hedges: u32,
    unknowns: u32,
}

impl Caller {
    /// The caller of `call`, before any question. Besides the call's facts, the caller knows
    /// their own name (topic `name`: "name", "who am I speaking to", …) and phone number
    /// (topic `phone`: "phone", "number", "reach you", …), unless a fact has that topic;
    /// these come after the call's facts, so they lose ties.
    pub fn new(call: &TrainingCall) -> Self {
        Self {
            persona: call.persona.clone(),
            opening: call.opening.clone(),
            facts: call
                .facts
                .iter()
                .cloned()
                .chain(own_facts(call))
                .map(|f| {
                    let keywords = f.keywords.iter().map(|k| normalize(k)).collect();
                    (f, keywords)
                })
                .collect(),
            asked: BTreeMap::new(),
            questions: 0,
            hedges: 0,
            unknowns: 0,
        }
    }

    /// Who is calling.
    pub fn persona(&self) -> &Persona {
        &self.persona
    }

    /// What the caller says when answered: the call's `opening`.
    pub fn greeting(&self) -> String {
        self.opening.clone()
    }

    /// The caller's reply to a question or remark (free text, any case and punctuation).
    pub fn reply(&mut self, question: &str) -> Reply {
        self.questions += 1;
        let words = normalize(question);
        if let Some(i) = self.best_fact(&words) {
            let fact = &self.facts[i].0;
            let topic = fact.topic.clone();
            let times = self.asked.entry(topic.clone()).or_insert(0);
            *times += 1;
            if fact.ask_twice && *times == 1 {
                let text = pick(hedges(self.persona.mood), self.hedges);
                self.hedges += 1;
                return Reply {
                    text,
                    topic: Some(topic),
                    kind: ReplyKind::Hedge,
                };
            }
            return Reply {
                text: fact.answer.clone(),
                topic: Some(topic),
                kind: ReplyKind::Answer,
            };
        }
        if SMALL_TALK.iter().any(|p| contains_phrase(&words, p)) {
            return Reply {
                text: self.opening.clone(),
                topic: None,
                kind: ReplyKind::SmallTalk,
            };
        }
        let text = pick(unknowns(self.persona.mood), self.unknowns);
        self.unknowns += 1;
        Reply {
            text,
            topic: None,
            kind: ReplyKind::Unknown,
        }
    }

    /// The fact with the highest keyword score, first written on a tie.
    fn best_fact(&self, words: &[String]) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (i, (_, keywords)) in self.facts.iter().enumerate() {
            let score: f64 = keywords
                .iter()
                .filter_map(|k| find_phrase(words, k).map(|s| s * k.len() as f64))
                .sum();
            if score > 0.0 && best.is_none_or(|(_, b)| score > b) {
                best = Some((i, score));
            }
        }
        best.map(|(i, _)| i)
    }

    /// Questions and remarks so far.
    pub fn questions(&self) -> u32 {
        self.questions
    }

    /// How many times each topic was asked (facts' topics, `name`, `phone`), by topic.
    pub fn asked(&self) -> &BTreeMap<String, u32> {
        &self.asked
    }

    /// How many times `topic` was asked.
    pub fn times_asked(&self, topic: &str) -> u32 {
        self.asked.get(topic).copied().unwrap_or(0)
    }
}

/// The persona's own name and phone number as facts (topics `name` and `phone`, the phone
/// only when given), after the call's facts, unless a fact of the call has that topic.
fn own_facts(call: &TrainingCall) -> Vec<Fact> {
    let p = &call.persona;
    let own = [
        ("name", NAME_WORDS, Some(format!("My name is {}.", p.name))),
        (
            "phone",
            PHONE_WORDS,
            p.phone.as_ref().map(|n| format!("My number is {n}.")),
        ),
    ];
    own.into_iter()
        .filter(|(topic, _, _)| !call.facts.iter().any(|f| f.topic == *topic))
        .filter_map(|(topic, words, answer)| {
            Some(Fact {
                topic: topic.to_owned(),
                keywords: words.iter().map(|w| (*w).to_owned()).collect(),
                answer: answer?,
                ask_twice: false,
                span: call.scenario.span(),
            })
        })
        .collect()
}

/// The `n`-th line of a list, round and round.
fn pick(lines: &[&str], n: u32) -> String {
    lines[n as usize % lines.len()].to_owned()
}

/// What a caller says the first time an `ask_twice` fact is asked.
fn hedges(mood: Mood) -> &'static [&'static str] {
    match mood {
        Mood::Calm => &[
            "Let me think a moment... I'm not certain.",
            "Hm, I'd have to think about that.",
        ],
        Mood::Anxious => &[
            "I... sorry, I can't think straight right now.",
            "I don't... hang on, it's all happening so fast.",
        ],
        Mood::Angry => &["Why does that matter? Just do something!", "Does it matter? Come on."],
        Mood::Confused => &[
            "Oh, what was it now... it's gone right out of my head.",
            "Hmm, I did know that... give me a moment.",
        ],
    }
}

/// What a caller says to a question they have no fact for.
fn unknowns(mood: Mood) -> &'static [&'static str] {
    match mood {
        Mood::Calm => &[
            "I'm afraid I don't know that.",
            "Sorry, I couldn't tell you.",
            "I don't know, I'm sorry.",
        ],
        Mood::Anxious => &[
            "I... I don't know, I'm sorry!",
            "I don't know. Please, is someone going to help?",
            "Sorry, I really don't know.",
        ],
        Mood::Angry => &[
            "How would I know that?",
            "I don't know! Can we get on with it?",
            "No idea. I've told you what I know.",
        ],
        Mood::Confused => &[
            "Sorry, I'm not sure what you mean.",
            "Oh... I wouldn't know about that.",
            "I'm sorry, could you ask me that another way?",
        ],
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::operator::training::load_training_text;
    use crate::source::Sources;

    fn call(mood: &str) -> TrainingCall {
        let text = format!(
            r#"menu: m.yaml
name: t
steps: [{{ press: "1" }}]
persona: {{ name: Ivo Brenn, mood: {mood}, phone: "0455 555 0177" }}
opening: "There's smoke coming from the bakery!"
facts:
  - {{ topic: where, keywords: [where, address, location, street], answer: "Mill Lane 4, Ostermere." }}
  - {{ topic: when, keywords: [when, what time, how long ago], answer: "Ten minutes ago.", ask_twice: true }}
  - {{ topic: who, keywords: [who, anyone inside, anybody, hurt, injured], answer: "The baker, I think." }}
  - {{ topic: callback, keywords: [call back], answer: "Yes please, call me back." }}
record:
  - {{ field: where, expect: [Mill Lane] }}
disposition: report_taken
"#
        );
        let mut sources = Sources::new();
        let (call, diags) = load_training_text(Path::new("t.yaml"), text, &mut sources, &[]);
        call.unwrap_or_else(|| panic!("{}", crate::diag::render_plain(&sources, &diags)))
    }

    fn caller(mood: &str) -> Caller {
        Caller::new(&call(mood))
    }

    #[test]
    fn normalizing_drops_case_and_punctuation() {
        assert_eq!(normalize("What's the ADDRESS?!"), ["whats", "the", "address"]);
        assert_eq!(normalize("0455-555 0177"), ["0455", "555", "0177"]);
        assert!(normalize(" ?! ").is_empty());
    }

    #[test]
    fn typos_match_and_short_or_numeric_words_do_not() {
        assert!(word_similarity("adress", "address") >= WORD_SIMILARITY);
        assert!(word_similarity("wher", "where") >= WORD_SIMILARITY);
        assert!(word_similarity("when", "where") < WORD_SIMILARITY);
        assert!(word_similarity("what", "that") < WORD_SIMILARITY);
        assert_eq!(word_similarity("2026", "2062"), 0.0);
        let q = normalize("wher did it happen");
        assert!(contains_phrase(&q, "where"));
        assert!(!contains_phrase(&q, "when"));
        assert!(
            contains_phrase(&normalize("is anyone insde?"), "anyone inside"),
            "one typo in a phrase"
        );
        assert!(
            !contains_phrase(&normalize("inside anyone"), "anyone inside"),
            "a phrase keeps its order"
        );
        assert!(contains_phrase(&normalize("can I callback?"), "call back"));
        assert!(contains_phrase(&normalize("can I call back?"), "callback"));
    }

    #[test]
    fn questions_get_the_facts_answers_despite_typos() {
        let mut c = caller("calm");
        assert_eq!(c.greeting(), "There's smoke coming from the bakery!");
        let r = c.reply("What is the adress?");
        assert_eq!(
            (r.text.as_str(), r.topic.as_deref()),
            ("Mill Lane 4, Ostermere.", Some("where"))
        );
        assert_eq!(r.kind, ReplyKind::Answer);
        assert_eq!(c.reply("wher exactly").topic.as_deref(), Some("where"));
        assert_eq!(c.reply("Is anyone INSIDE the building?").topic.as_deref(), Some("who"));
        assert_eq!(c.reply("Can we call back later?").topic.as_deref(), Some("callback"));
        assert_eq!(c.times_asked("where"), 2);
        assert_eq!(c.questions(), 4);
    }

    #[test]
    fn longer_matches_win_and_ties_go_to_the_first_fact() {
        let mut c = caller("calm");
        // "what time" (two words) beats "street" (one).
        assert_eq!(
            c.reply("what time, and on which street?").topic.as_deref(),
            Some("when")
        );
        // "street" and "when" score one each: the fact written first answers.
        assert_eq!(c.reply("when, and on which street?").topic.as_deref(), Some("where"));
    }

    #[test]
    fn an_ask_twice_fact_is_hedged_then_given() {
        let mut c = caller("anxious");
        let first = c.reply("When did it start?");
        assert_eq!(first.kind, ReplyKind::Hedge);
        assert_eq!(first.topic.as_deref(), Some("when"));
        assert_ne!(first.text, "Ten minutes ago.");
        let second = c.reply("I understand. When did it start?");
        assert_eq!(second.kind, ReplyKind::Answer);
        assert_eq!(second.text, "Ten minutes ago.");
        assert_eq!(
            c.reply("whn?").kind,
            ReplyKind::Unknown,
            "four letters: no typo allowed"
        );
        assert_eq!(c.times_asked("when"), 2);
    }

    #[test]
    fn unknown_questions_are_answered_in_the_mood_and_vary() {
        let mut texts = Vec::new();
        for mood in Mood::ALL {
            let mut c = caller(mood.name());
            let a = c.reply("What colour is your car?");
            let b = c.reply("Do you like jazz?");
            assert_eq!(a.kind, ReplyKind::Unknown);
            assert_eq!(a.topic, None);
            assert_ne!(a.text, b.text, "{mood:?} varies its wording");
            // Deterministic: a new caller says the same.
            assert_eq!(caller(mood.name()).reply("What colour is your car?").text, a.text);
            texts.push(a.text);
        }
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), 4, "each mood has its own wording");
        assert_eq!(caller("angry").reply("colour?").text, "How would I know that?");
    }

    #[test]
    fn small_talk_gets_the_opening_and_own_details_are_known() {
        let mut c = caller("confused");
        let r = c.reply("Hello, national hotline, how can I help?");
        assert_eq!(
            (r.kind, r.text.as_str()),
            (ReplyKind::SmallTalk, "There's smoke coming from the bakery!")
        );
        let r = c.reply("May I have your name please?");
        assert_eq!(
            (r.text.as_str(), r.topic.as_deref()),
            ("My name is Ivo Brenn.", Some("name"))
        );
        let r = c.reply("What's your phone number?");
        assert_eq!(r.text, "My number is 0455 555 0177.");
        // "who is calling" (three words) beats the `who` fact's "who" (one).
        assert_eq!(c.reply("Who is calling, please?").topic.as_deref(), Some("name"));
        assert_eq!(c.reply("Who was inside?").topic.as_deref(), Some("who"));
        assert_eq!(c.questions(), 5);
        assert_eq!(c.asked().keys().collect::<Vec<_>>(), ["name", "phone", "who"]);
        assert_eq!(c.times_asked("name"), 2);
    }
}
