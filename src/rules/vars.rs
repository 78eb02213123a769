//! Variables set during a call (docs/call-semantics.md, "Variables set during a call"): what a `set:` entry does
//! ([`apply_set`]), how a prompt reads variables back and how long that takes ([`fill`]),
//! how a route compares numbers ([`number`]), and which result an external step takes
//! ([`external_result`]). The engine acts on these; the checks read [`placeholders`].
//!
//! **Reading a variable back.** A prompt's text may hold `{name}` or `{name:how}`:
//!
//! | written | caption | spoken (for timing) |
//! | --- | --- | --- |
//! | `{n}` | the value as it is | a whole number as its English words (`42`: "forty-two", 1 word; `1234`: "one thousand two hundred thirty-four", 5 words); anything else as its words |
//! | `{n:digits}` | the characters one by one, spaced (`2 0 2 6`) | one word per character |
//! | `{n:number}` | the value as it is | as `{n}`, and a value that is not a whole number as its words |
//! | `{n:ordinal}` | the number with its English suffix (`3rd`) | the number's words, the last made ordinal ("third"; same count) |
//!
//! A variable the call does not have is read as nothing (an empty caption, no words); `check`
//! warns about a name that nothing in the menu sets (W021).
//! Words are counted in English for every language: the timing is the 150 words-per-minute
//! estimate of `crate::timing::text_duration`, applied to the spoken form, not a speech
//! synthesiser's. A prompt with a clip keeps the clip's length (the clip cannot say a value).

use std::collections::BTreeMap;

use crate::menu::{ExternalResult, SetValue, SetVar};

/// How a placeholder reads its variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadAs {
    /// `{n}`: as it is (a whole number as a number).
    Plain,
    /// `{n:digits}`: character by character.
    Digits,
    /// `{n:number}`: as a number.
    Number,
    /// `{n:ordinal}`: as a position (`3rd`, "third").
    Ordinal,
}

impl ReadAs {
    /// The ways, as written after `:`.
    pub const NAMES: [&'static str; 3] = ["digits", "number", "ordinal"];

    fn parse(how: &str) -> Option<Self> {
        match how {
            "digits" => Some(ReadAs::Digits),
            "number" => Some(ReadAs::Number),
            "ordinal" => Some(ReadAs::Ordinal),
            _ => None,
        }
    }
}

/// A `{name}` or `{name:how}` of a prompt text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder<'t> {
    /// The variable's name.
    pub name: &'t str,
    /// How it is read; `Err(how)` for a way that does not exist (a finding, E016).
    pub read_as: Result<ReadAs, &'t str>,
    /// Byte range of the whole `{…}` in the text.
    pub range: std::ops::Range<usize>,
}

/// The placeholders of `text`: `{` followed by a variable name (a letter or `_`, then
/// letters, digits, `_`), an optional `:how`, and `}`. Other braces are text (`{ }`,
/// `{1}`), so prompts that show braces are not misread.
pub fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(off) = text[i..].find('{') {
        let start = i + off;
        let Some(len) = text[start + 1..].find('}') else { break };
        let inner = &text[start + 1..start + 1 + len];
        let (name, how) = match inner.split_once(':') {
            Some((n, h)) => (n, Some(h)),
            None => (inner, None),
        };
        let ident = name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if ident {
            let read_as = match how {
                None => Ok(ReadAs::Plain),
                Some(h) => ReadAs::parse(h).ok_or(h),
            };
            out.push(Placeholder {
                name,
                read_as,
                range: start..start + len + 2,
            });
            i = start + len + 2;
        } else {
            i = start + 1;
        }
        debug_assert!(i <= bytes.len());
    }
    out
}

/// A prompt text with its variables filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filled {
    /// What the caption shows.
    pub caption: String,
    /// The words as spoken, for timing (`crate::timing::text_duration` of it).
    pub spoken: String,
}

/// `text` with every placeholder filled in from `vars` (rule in the module documentation).
/// Linear in the text and the values.
pub fn fill(text: &str, vars: &BTreeMap<String, String>) -> Filled {
    let mut caption = String::with_capacity(text.len());
    let mut spoken = String::with_capacity(text.len());
    let mut last = 0;
    for p in placeholders(text) {
        caption.push_str(&text[last..p.range.start]);
        spoken.push_str(&text[last..p.range.start]);
        last = p.range.end;
        let value = vars.get(p.name).map_or("", |v| v.trim());
        if value.is_empty() {
            continue;
        }
        let read_as = p.read_as.unwrap_or(ReadAs::Plain);
        match read_as {
            ReadAs::Digits => {
                let spaced: Vec<String> = value.chars().filter(|c| !c.is_whitespace()).map(String::from).collect();
                caption.push_str(&spaced.join(" "));
                spoken.push_str(&spaced.join(" "));
            }
            ReadAs::Plain | ReadAs::Number | ReadAs::Ordinal => match whole_number(value) {
                Some(n) => {
                    if read_as == ReadAs::Ordinal {
                        caption.push_str(&format!("{n}{}", ordinal_suffix(n)));
                    } else {
                        caption.push_str(value);
                    }
                    spoken.push_str(&number_words(n).join(" "));
                }
                None => {
                    caption.push_str(value);
                    spoken.push_str(value);
                }
            },
        }
    }
    caption.push_str(&text[last..]);
    spoken.push_str(&text[last..]);
    Filled { caption, spoken }
}

/// A value read as a whole number: optional `-` and ASCII digits that fit a 64-bit integer.
fn whole_number(v: &str) -> Option<i64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

fn ordinal_suffix(n: i64) -> &'static str {
    let n = n.unsigned_abs();
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// The English words of 0 to 19 (also read by the operator console's word parser).
pub(crate) const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
/// The English words of the tens (index × 10; 0 and 1 have none).
pub(crate) const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// The English words of `n`, tens and units hyphenated as
/// one word: `1234` is `one thousand two hundred thirty-four` (5 words), `-7` `minus seven`.
pub fn number_words(n: i64) -> Vec<String> {
    const SCALES: [(u64, &str); 6] = [
        (1_000_000_000_000_000_000, "quintillion"),
        (1_000_000_000_000_000, "quadrillion"),
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ];
    fn below_thousand(n: u64, out: &mut Vec<String>) {
        if n >= 100 {
            out.push(ONES[(n / 100) as usize].to_owned());
            out.push("hundred".to_owned());
        }
        let r = n % 100;
        if r == 0 {
            return;
        }
        if r < 20 {
            out.push(ONES[r as usize].to_owned());
        } else if r.is_multiple_of(10) {
            out.push(TENS[(r / 10) as usize].to_owned());
        } else {
            out.push(format!("{}-{}", TENS[(r / 10) as usize], ONES[(r % 10) as usize]));
        }
    }
    let mut out = Vec::new();
    if n < 0 {
        out.push("minus".to_owned());
    }
    let mut m = n.unsigned_abs();
    if m == 0 {
        out.push("zero".to_owned());
        return out;
    }
    for (scale, word) in SCALES {
        if m >= scale {
            below_thousand(m / scale, &mut out);
            out.push(word.to_owned());
            m %= scale;
        }
    }
    below_thousand(m, &mut out);
    out
}

/// A variable's value read as a number by a route's `less_than`, `at_most`, `greater_than`,
/// `at_least` and `between`: a decimal number (`3`, `-2`, `4.5`, spaces around ignored);
/// anything else (unset, empty, `abc`, `NaN`, infinity) is not a number, and the test does
/// not hold.
pub fn number(value: &str) -> Option<f64> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.')) {
        return None;
    }
    v.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Applies one `set:` entry to `vars`: text is filled in (placeholders as they are, without
/// the spoken forms: `{n:digits}` copies the value), `+N`/`-N` adds to the variable read as a
/// whole number (unset or not a whole number: 0; saturating at the limits of a 64-bit
/// integer). Returns the new value.
pub fn apply_set(vars: &mut BTreeMap<String, String>, set: &SetVar) -> String {
    let value = match &set.value {
        SetValue::Text(t) => {
            let mut out = String::with_capacity(t.len().min(MAX_VALUE_BYTES));
            let mut last = 0;
            for p in placeholders(t) {
                push_capped(&mut out, &t[last..p.range.start]);
                push_capped(&mut out, vars.get(p.name).map_or("", String::as_str));
                last = p.range.end;
            }
            push_capped(&mut out, &t[last..]);
            out
        }
        SetValue::Add(n) => {
            let now = vars.get(&set.var).and_then(|v| whole_number(v.trim())).unwrap_or(0);
            now.saturating_add(*n).to_string()
        }
    };
    vars.insert(set.var.clone(), value.clone());
    value
}

/// Longest value a `set:` gives a variable, in bytes (64 KiB): a value that reads itself
/// (`X: "{X}{X}"`, an Asterisk `Set(X=${X}${X})` in a loop) is cut there, so a call that goes
/// round for hours cannot take unbounded memory. Any real value (a case number, a name) is far
/// shorter.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// Appends `s` to `out` up to [`MAX_VALUE_BYTES`] in all (cut at a character boundary).
fn push_capped(out: &mut String, s: &str) {
    let room = MAX_VALUE_BYTES.saturating_sub(out.len());
    if s.len() <= room {
        out.push_str(s);
    } else {
        let mut end = room;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&s[..end]);
    }
}

/// The result an external step with `on:` takes: `error` when the call's variable `store`
/// is `error` (preset with `call --var`, a scenario's `start.variables`, or a `set:` before
/// the step), else `success`. The result is then stored in that variable, so routes after it
/// can read it. Real platforms get the result from the application (a Lambda's return, a
/// Studio function's status); a rehearsal has no application, so the designer or the test
/// chooses it.
pub fn external_result(vars: &BTreeMap<String, String>, store: &str) -> ExternalResult {
    match vars.get(store).map(|v| v.trim()) {
        Some("error") => ExternalResult::Error,
        _ => ExternalResult::Success,
    }
}

/// What a `set:` value as written means: `+N` or `-N` (a sign and digits, fitting a 64-bit
/// integer) adds, anything else is text. `Err` for a sign and digits that do not fit.
pub fn parse_set_value(written: &str) -> Result<SetValue, String> {
    let t = written.trim();
    if let Some(digits) = t.strip_prefix('+').or_else(|| t.strip_prefix('-'))
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return match t.parse::<i64>() {
            Ok(n) => Ok(SetValue::Add(n)),
            Err(_) => Err(format!("`{t}` is too large for a step (at most 9223372036854775807)")),
        };
    }
    Ok(SetValue::Text(written.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn placeholders_are_names_in_braces_with_an_optional_way() {
        let p = placeholders("case {case_number:digits}, {pos:ordinal} {x:loud} { } {1} {n}");
        let names: Vec<_> = p.iter().map(|p| (p.name, p.read_as)).collect();
        assert_eq!(
            names,
            vec![
                ("case_number", Ok(ReadAs::Digits)),
                ("pos", Ok(ReadAs::Ordinal)),
                ("x", Err("loud")),
                ("n", Ok(ReadAs::Plain)),
            ]
        );
    }

    #[test]
    fn each_way_of_reading_has_its_caption_and_its_words() {
        let v = vars(&[("case", "2026"), ("pos", "3"), ("n", "1234"), ("name", "Ana Lopez")]);
        let f = fill("Case {case:digits}.", &v);
        assert_eq!(f.caption, "Case 2 0 2 6.");
        assert_eq!(f.spoken.split_whitespace().count(), 5);
        let f = fill("You are {pos:ordinal}.", &v);
        assert_eq!(
            (f.caption.as_str(), f.spoken.as_str()),
            ("You are 3rd.", "You are three.")
        );
        let f = fill("{n} calls", &v);
        assert_eq!(f.caption, "1234 calls");
        assert_eq!(f.spoken, "one thousand two hundred thirty-four calls");
        let f = fill("Hello {name}, {missing}!", &v);
        assert_eq!(f.caption, "Hello Ana Lopez, !");
    }

    #[test]
    fn number_words_in_english() {
        assert_eq!(number_words(0), ["zero"]);
        assert_eq!(number_words(42), ["forty-two"]);
        assert_eq!(number_words(-7), ["minus", "seven"]);
        assert_eq!(number_words(100_011).join(" "), "one hundred thousand eleven");
        // The extremes do not overflow.
        assert_eq!(number_words(i64::MIN)[..3], ["minus", "nine", "quintillion"]);
    }

    #[test]
    fn set_adds_copies_and_saturates() {
        let mut v = vars(&[("n", "9223372036854775807"), ("case", "77")]);
        let add = |n| SetVar {
            var: "n".into(),
            value: SetValue::Add(n),
            span: Default::default(),
        };
        assert_eq!(apply_set(&mut v, &add(1)), "9223372036854775807");
        v.insert("n".into(), "x".into());
        assert_eq!(apply_set(&mut v, &add(-2)), "-2");
        let copy = SetVar {
            var: "c".into(),
            value: SetValue::Text("#{case:digits}".into()),
            span: Default::default(),
        };
        assert_eq!(apply_set(&mut v, &copy), "#77");
        assert_eq!(parse_set_value("+1"), Ok(SetValue::Add(1)));
        assert_eq!(parse_set_value("yes"), Ok(SetValue::Text("yes".into())));
        assert!(parse_set_value("+99999999999999999999").is_err());
    }

    #[test]
    fn numbers_and_results() {
        assert_eq!(number(" 4.5 "), Some(4.5));
        assert_eq!(number("NaN"), None);
        assert_eq!(number("inf"), None);
        assert_eq!(number(""), None);
        assert_eq!(external_result(&vars(&[("r", "error")]), "r"), ExternalResult::Error);
        assert_eq!(external_result(&vars(&[]), "r"), ExternalResult::Success);
    }
}

#[cfg(test)]
mod cap_tests {
    use super::*;

    #[test]
    fn a_value_that_doubles_itself_stops_at_the_cap() {
        let mut vars = BTreeMap::from([("x".to_owned(), "ab".to_owned())]);
        let set = SetVar {
            var: "x".into(),
            value: SetValue::Text("{x}{x}".into()),
            span: Default::default(),
        };
        for _ in 0..40 {
            apply_set(&mut vars, &set);
        }
        assert_eq!(vars["x"].len(), MAX_VALUE_BYTES);
    }
}
