//! The one normalisation of free text for training calls: the persona's keyword matching
//! and the scorecard's note matching both read text through [`normalize`], so a number, a
//! time of day or a street abbreviation matches however it is written
//! (`docs/training-format.md`, "How the caller understands questions").
//!
//! - **Words**: lowercase, letters and digits kept, apostrophes dropped (`what's` → `whats`),
//!   anything else separates words, except a colon between digits (`9:10` is one word).
//! - **Abbreviations** become the full word ([`ABBREVIATIONS`]: `Rd` → `road`, `St` →
//!   `street`, `Ave` → `avenue`, `mins` → `minutes`, ...).
//! - **Numbers in words** become digits, up to the thousands: `ten` → `10`, `twenty-one` →
//!   `21`, `one hundred and five` → `105`. Numbers said one after another stay apart
//!   (`one two three` → `1 2 3`).
//! - **Times of day** become `h:mm`: `ten past nine` → `9:10`, `half past one` → `1:30`,
//!   `quarter to three` → `2:45`, `nine o'clock` → `9:00` (the hour 1 to 12; a `to` time
//!   followed by a unit, as in `5 to 10 minutes`, is a range and stays as it is).

/// Abbreviations and the words they stand for (a word, dot or not, equal to the first).
/// `st` is `street` (not `saint`), as in addresses; `dr` is left alone (doctor or drive).
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("rd", "road"),
    ("st", "street"),
    ("str", "street"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("ln", "lane"),
    ("sq", "square"),
    ("pl", "place"),
    ("blvd", "boulevard"),
    ("hwy", "highway"),
    ("cres", "crescent"),
    ("ct", "court"),
    ("apt", "apartment"),
    ("bldg", "building"),
    ("approx", "approximately"),
    ("min", "minutes"),
    ("mins", "minutes"),
    ("hr", "hours"),
    ("hrs", "hours"),
    ("sec", "seconds"),
    ("secs", "seconds"),
    ("yr", "years"),
    ("yrs", "years"),
    ("yo", "years old"),
];

use crate::rules::vars::{ONES as UNITS, TENS};

/// Words after which `A to B` is a range, not a time (`5 to 10 minutes`).
const UNIT_WORDS: &[&str] = &[
    "seconds", "second", "minutes", "minute", "hours", "hour", "days", "day", "weeks", "week", "months", "month",
    "years", "year", "times", "people", "men", "women", "children", "cars", "metres", "meters", "miles", "km",
    "percent",
];

/// `text` as normalized words (see the module doc). Empty when the text has no letter or
/// digit.
pub fn normalize(text: &str) -> Vec<String> {
    let words = split(text);
    let words: Vec<String> = words
        .into_iter()
        .flat_map(|w| match ABBREVIATIONS.iter().find(|(a, _)| *a == w) {
            Some((_, full)) => full.split(' ').map(str::to_owned).collect(),
            None => vec![w],
        })
        .collect();
    times(numbers(words))
}

/// Lowercase words; a colon between two digits is kept (`9:10`).
fn split(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut cleaned = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let digit_at = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(char::is_ascii_digit);
        if c.is_alphanumeric() {
            cleaned.extend(c.to_lowercase());
        } else if c == ':' && digit_at(i.checked_sub(1)) && digit_at(Some(i + 1)) {
            cleaned.push(':');
        } else if c != '\'' && c != '’' {
            cleaned.push(' ');
        }
    }
    cleaned.split_whitespace().map(str::to_owned).collect()
}

fn unit(w: &str) -> Option<u64> {
    UNITS.iter().position(|u| *u == w).map(|n| n as u64)
}

fn ten(w: &str) -> Option<u64> {
    TENS.iter()
        .position(|t| !t.is_empty() && *t == w)
        .map(|n| 10 * n as u64)
}

/// A number below 100 in words at `words[i..]`: its value and the words it took.
fn below_hundred(words: &[String], i: usize) -> Option<(u64, usize)> {
    let w = words.get(i)?;
    if let Some(u) = unit(w) {
        return Some((u, 1));
    }
    let t = ten(w)?;
    match words.get(i + 1).and_then(|w| unit(w)).filter(|u| (1..10).contains(u)) {
        Some(u) => Some((t + u, 2)),
        None => Some((t, 1)),
    }
}

/// A number below 1,000 in words: `[below_hundred] [hundred [and] [below_hundred]]`.
fn below_thousand(words: &[String], i: usize) -> Option<(u64, usize)> {
    let (n, len) = below_hundred(words, i)?;
    if !(1..10).contains(&n) || words.get(i + len).map(String::as_str) != Some("hundred") {
        return Some((n, len));
    }
    let (mut value, mut used) = (n * 100, len + 1);
    let and = usize::from(words.get(i + used).map(String::as_str) == Some("and"));
    if let Some((rest, l)) = below_hundred(words, i + used + and).filter(|(r, _)| *r > 0) {
        value += rest;
        used += and + l;
    }
    Some((value, used))
}

/// A number in words: `[below_thousand] [thousand [and] [below_thousand]]`.
fn number(words: &[String], i: usize) -> Option<(u64, usize)> {
    let (n, len) = below_thousand(words, i)?;
    if n == 0 || words.get(i + len).map(String::as_str) != Some("thousand") {
        return Some((n, len));
    }
    let (mut value, mut used) = (n * 1000, len + 1);
    let and = usize::from(words.get(i + used).map(String::as_str) == Some("and"));
    if let Some((rest, l)) = below_thousand(words, i + used + and).filter(|(r, _)| *r > 0) {
        value += rest;
        used += and + l;
    }
    Some((value, used))
}

/// Numbers in words as digits.
fn numbers(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        match number(&words, i) {
            Some((n, len)) => {
                out.push(n.to_string());
                i += len;
            }
            None => {
                out.push(words[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// An hour of a spoken time: 1 to 12, in digits.
fn hour(w: Option<&String>) -> Option<u64> {
    w.and_then(|w| w.parse().ok()).filter(|h| (1..=12).contains(h))
}

/// Spoken times of day (numbers already in digits) as `h:mm`.
fn times(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    let at = |j: usize| words.get(j).map(String::as_str);
    while i < words.len() {
        // `a quarter past`: the `a` goes with it.
        let skip_a = usize::from(at(i) == Some("a") && at(i + 1) == Some("quarter"));
        let j = i + skip_a;
        let minutes = match at(j) {
            Some("half") => Some(30),
            Some("quarter") => Some(15),
            Some(w) => w.parse::<u64>().ok().filter(|m| (1..60).contains(m)),
            None => None,
        };
        // `N minutes past` is the same as `N past`.
        let k = j + 1 + usize::from(matches!(at(j + 1), Some("minutes" | "minute")) && minutes.is_some());
        if let Some(m) = minutes {
            let h = hour(words.get(k + 1));
            let range = at(k + 2).is_some_and(|w| UNIT_WORDS.contains(&w));
            let time = match (at(k), h) {
                (Some("past" | "after"), Some(h)) => Some((h, m)),
                (Some("to"), Some(h)) if m <= 30 && !range => Some((if h == 1 { 12 } else { h - 1 }, 60 - m)),
                _ => None,
            };
            if let Some((h, m)) = time {
                out.push(format!("{h}:{m:02}"));
                i = k + 2;
                continue;
            }
        }
        if let Some(h) = hour(words.get(i)) {
            let oclock = match (at(i + 1), at(i + 2)) {
                (Some("oclock"), _) => Some(2),
                (Some("o"), Some("clock")) => Some(3),
                _ => None,
            };
            if let Some(len) = oclock {
                out.push(format!("{h}:00"));
                i += len;
                continue;
            }
        }
        out.push(words[i].clone());
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Vec<String> {
        normalize(text)
    }

    #[test]
    fn words_drop_case_and_punctuation() {
        assert_eq!(n("What's the ADDRESS?!"), ["whats", "the", "address"]);
        assert_eq!(n("0455-555 0177"), ["0455", "555", "0177"]);
        assert!(n(" ?! ").is_empty());
        assert_eq!(n("at 9:10, then: 10"), ["at", "9:10", "then", "10"]);
    }

    #[test]
    fn numbers_in_words_are_digits() {
        assert_eq!(n("ten minutes"), n("10 minutes"));
        assert_eq!(n("twenty-one"), ["21"]);
        assert_eq!(n("Forty two"), ["42"]);
        assert_eq!(n("one hundred and five"), ["105"]);
        assert_eq!(n("three hundred"), ["300"]);
        assert_eq!(n("nine hundred ninety nine"), ["999"]);
        assert_eq!(n("two thousand and twenty six"), ["2026"]);
        assert_eq!(n("zero"), ["0"]);
        // Said one by one, they stay apart; other words are untouched.
        assert_eq!(n("one two three"), ["1", "2", "3"]);
        assert_eq!(n("twenty twenty"), ["20", "20"]);
        assert_eq!(n("anyone often"), ["anyone", "often"]);
    }

    #[test]
    fn times_of_day_are_h_mm() {
        assert_eq!(n("ten past nine"), ["9:10"]);
        assert_eq!(n("ten past nine"), n("9:10"));
        assert_eq!(n("half past one"), ["1:30"]);
        assert_eq!(n("a quarter past two"), ["2:15"]);
        assert_eq!(n("quarter to three"), ["2:45"]);
        assert_eq!(n("twenty to one"), ["12:40"]);
        assert_eq!(n("25 minutes past 4"), ["4:25"]);
        assert_eq!(n("nine o'clock"), ["9:00"]);
        assert_eq!(n("at 9 o clock"), ["at", "9:00"]);
        // Not times: ranges and halves of other things.
        assert_eq!(n("5 to 10 minutes ago"), ["5", "to", "10", "minutes", "ago"]);
        assert_eq!(n("half an hour"), ["half", "an", "hour"]);
        assert_eq!(n("ten to fifteen"), ["10", "to", "15"]);
    }

    #[test]
    fn abbreviations_are_full_words() {
        assert_eq!(n("12 Harbour Rd."), ["12", "harbour", "road"]);
        assert_eq!(n("Kiln St"), n("Kiln Street"));
        assert_eq!(n("Elm Ave"), n("elm avenue"));
        assert_eq!(n("Mill Ln"), n("mill lane"));
        assert_eq!(n("10 mins"), n("ten minutes"));
        assert_eq!(n("80 yo"), ["80", "years", "old"]);
    }
}
