//! Pattern keys: a menu option that takes every entry of a digit pattern and stores what was
//! dialled (`pattern:` on an option), in the two forms real platforms write them:
//!
//! - **Asterisk** extension patterns, starting with `_`: `X` is any digit 0-9, `Z` 1-9, `N`
//!   2-9, `[1-5]` / `[137]` one key of a set (ranges and single keys), `.` one or more keys of
//!   any kind, `!` zero or more, matching as early as it can (Asterisk's overlap dialling: a
//!   pattern ending in `!` that matches acts as soon as no other key or pattern can still
//!   match, without waiting for a longer entry of its own); any other `0`-`9`,
//!   `*`, `#` is itself; letters are
//!   case-insensitive (Asterisk wiki, "Pattern Matching",
//!   <https://docs.asterisk.org/Configuration/Dialplan/Pattern-Matching/>);
//! - **FreeSWITCH** regular-expression binds, written between slashes: `/^(10[01][0-9])$/`.
//!   FreeSWITCH's menu (`src/switch_ivr_menu.c`, `switch_ivr_menu_execute`) runs the regex as a
//!   search over the whole entry, so a bind without `^`/`$` matches any entry that contains it;
//!   the same here.
//!
//! Both are compiled to one deterministic automaton (regex-automata's dense DFA, anchored at the
//! start of the entry, every match kept) over the twelve DTMF keys, which answers the three
//! questions key matching asks: does a whole entry match ([`KeyPattern::matches`]), could a
//! longer entry still match ([`KeyPattern::can_grow`], for early match), and which entries match
//! at all ([`KeyPattern::samples`]: the shortest first, for maps, generated scenarios and the
//! edge walk; none at all is a finding, E021).

use std::collections::VecDeque;
use std::fmt;

use regex_automata::dfa::{Automaton, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::{start, syntax};
use regex_automata::{Anchored, MatchKind};

/// The twelve DTMF keys, in the order samples are tried.
const DTMF: &[u8; 12] = b"0123456789*#";

/// Most bytes the compiled automaton of one pattern may take: 1 MiB. A pattern needing more
/// (huge counted repetitions) is refused with a finding rather than eating memory.
const SIZE_LIMIT: usize = 1 << 20;

/// Longest entry a menu takes (keys): an entry that reaches it ends there (docs/call-semantics.md,
/// rule 3; a pattern with `.` could otherwise grow without end).
pub const MAX_ENTRY: usize = 32;

/// Which platform's syntax a pattern is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternForm {
    /// `_7XXX` (Asterisk extension pattern).
    Asterisk,
    /// `/^(10[01][0-9])$/` (FreeSWITCH regex bind).
    Regex,
}

/// A compiled pattern key (see the module doc).
#[derive(Clone)]
pub struct KeyPattern {
    source: String,
    form: PatternForm,
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
    eager: bool,
}

impl fmt::Debug for KeyPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPattern")
            .field("source", &self.source)
            .field("form", &self.form)
            .finish()
    }
}

impl fmt::Display for KeyPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Translates an Asterisk pattern (without its `_`) into a regular expression, or says what
/// is wrong with it.
fn asterisk_regex(body: &str) -> Result<String, String> {
    if body.is_empty() {
        return Err("`_` needs a pattern after it, e.g. `_7XXX`".into());
    }
    let mut re = String::from("^(?:");
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            'X' | 'x' => re.push_str("[0-9]"),
            'Z' | 'z' => re.push_str("[1-9]"),
            'N' | 'n' => re.push_str("[2-9]"),
            '.' => re.push_str("[0-9*#]+"),
            '!' => re.push_str("[0-9*#]*"),
            '0'..='9' => re.push(c),
            '*' => re.push_str("\\*"),
            '#' => re.push_str("\\#"),
            '-' | ' ' => {} // Asterisk ignores dashes (and we spaces) as separators.
            '[' => {
                let mut set = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    match c {
                        ']' => {
                            closed = true;
                            break;
                        }
                        '0'..='9' | '-' => set.push(c),
                        '*' => set.push_str("\\*"),
                        '#' => set.push_str("\\#"),
                        other => return Err(format!("`{other}` cannot be in a set of keys `[...]`")),
                    }
                }
                if !closed {
                    return Err("`[` has no closing `]`".into());
                }
                if set.is_empty() {
                    return Err("an empty set `[]` matches no key".into());
                }
                if set.starts_with('-') || set.ends_with('-') {
                    return Err("a range in `[...]` needs a key on each side of `-`".into());
                }
                re.push('[');
                re.push_str(&set);
                re.push(']');
            }
            other => {
                return Err(format!(
                    "`{other}` is not part of an Asterisk pattern (X, Z, N, [..], ., !, 0-9, *, #)"
                ));
            }
        }
    }
    re.push_str(")$");
    Ok(re)
}

impl KeyPattern {
    /// Parses a pattern: `_...` (Asterisk) or `/.../` (FreeSWITCH regex). The error says what
    /// is wrong, for an E016 finding.
    pub fn parse(text: &str) -> Result<KeyPattern, String> {
        let t = text.trim();
        let (form, regex) = if let Some(body) = t.strip_prefix('_') {
            (PatternForm::Asterisk, asterisk_regex(body)?)
        } else if let Some(body) = t.strip_prefix('/').and_then(|b| b.strip_suffix('/')) {
            if body.is_empty() {
                return Err("`//` is an empty regular expression".into());
            }
            // A search over the whole entry, as FreeSWITCH's PCRE bind: keys before and after.
            // (Leaving out the sides the regex anchors itself keeps the automaton free of
            // threads that can never match, so `samples` knows when it has them all.)
            let before = if body.starts_with('^') { "" } else { "(?s:.)*?" };
            let after = if body.ends_with('$') && !body.ends_with("\\$") {
                ""
            } else {
                "(?s:.)*"
            };
            (PatternForm::Regex, format!("^{before}(?:{body}){after}$"))
        } else {
            return Err(
                "a pattern starts with `_` (Asterisk, e.g. `_7XXX`) or is written between slashes (FreeSWITCH, e.g. `/^1[0-9]{3}$/`)"
                    .into(),
            );
        };
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(regex_automata::dfa::StartKind::Anchored)
                    .dfa_size_limit(Some(SIZE_LIMIT))
                    .determinize_size_limit(Some(SIZE_LIMIT)),
            )
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .build(&regex)
            .map_err(|e| match form {
                PatternForm::Asterisk => format!("cannot read the pattern: {e}"),
                PatternForm::Regex => format!("not a valid regular expression: {e}"),
            })?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .map_err(|e| format!("cannot use the pattern: {e}"))?;
        Ok(KeyPattern {
            eager: form == PatternForm::Asterisk && t.ends_with('!'),
            source: t.to_owned(),
            form,
            dfa,
            start,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether an entry it matches acts at once even if a longer one could match too (an
    /// Asterisk pattern ending in `!`).
    pub fn is_eager(&self) -> bool {
        self.eager
    }

    /// Which platform's syntax it is written in.
    pub fn form(&self) -> PatternForm {
        self.form
    }

    /// The state after `entry`, or `None` once no entry starting with it can match.
    fn state(&self, entry: &str) -> Option<StateID> {
        let mut s = self.start;
        for b in entry.bytes() {
            s = self.dfa.next_state(s, b);
            if self.dfa.is_dead_state(s) || self.dfa.is_quit_state(s) {
                return None;
            }
        }
        Some(s)
    }

    fn accepts_at_end(&self, s: StateID) -> bool {
        self.dfa.is_match_state(self.dfa.next_eoi_state(s))
    }

    /// Whether the whole of `entry` (not empty) matches.
    pub fn matches(&self, entry: &str) -> bool {
        !entry.is_empty() && self.state(entry).is_some_and(|s| self.accepts_at_end(s))
    }

    /// Whether some longer entry that starts with `entry` matches (an entry at
    /// [`MAX_ENTRY`] keys cannot grow).
    pub fn can_grow(&self, entry: &str) -> bool {
        if entry.len() >= MAX_ENTRY {
            return false;
        }
        let Some(s) = self.state(entry) else { return false };
        // Breadth-first over the automaton's states: linear in its size.
        let mut seen = vec![s];
        let mut queue = VecDeque::from([s]);
        while let Some(s) = queue.pop_front() {
            for &b in DTMF {
                let n = self.dfa.next_state(s, b);
                if self.dfa.is_dead_state(n) || self.dfa.is_quit_state(n) {
                    continue;
                }
                if self.accepts_at_end(n) {
                    return true;
                }
                if !seen.contains(&n) {
                    if seen.len() >= 4096 {
                        return true; // a huge automaton: assume it can (the caller waits).
                    }
                    seen.push(n);
                    queue.push_back(n);
                }
            }
        }
        false
    }

    /// Up to `limit` entries the pattern matches, shortest first (then in the order of the
    /// keys `0`-`9`, `*`, `#`), of at most [`MAX_ENTRY`] keys, and whether that is all of them
    /// (`true`: the pattern matches exactly these). Empty: the pattern matches no entry.
    pub fn samples(&self, limit: usize) -> (Vec<String>, bool) {
        /// Entries kept a level before those that reach the same state are merged.
        const WIDE: usize = 4096;
        let mut out = Vec::new();
        // Breadth-first over entries, pruned to live states; entries of one length come out
        // in key order. A level wider than `WIDE` keeps one entry per state (the first, so
        // the smallest in key order): every state, hence every longer match, is still
        // reached, but not every entry, so the answer is then not all of them. This keeps a
        // long pattern (`_XXXXXXXX`, `/^[0-9]{8}$/`) to work proportional to its states.
        let mut level: Vec<(String, StateID)> = vec![(String::new(), self.start)];
        let mut complete = true;
        for _ in 0..MAX_ENTRY {
            let mut next = Vec::new();
            for (e, s) in &level {
                for &b in DTMF {
                    let n = self.dfa.next_state(*s, b);
                    if self.dfa.is_dead_state(n) || self.dfa.is_quit_state(n) {
                        continue;
                    }
                    let mut e2 = e.clone();
                    e2.push(b as char);
                    if self.accepts_at_end(n) {
                        out.push(e2.clone());
                        if out.len() >= limit {
                            return (out, false);
                        }
                    }
                    next.push((e2, n));
                }
            }
            if next.is_empty() {
                return (out, complete);
            }
            if next.len() > WIDE {
                let mut seen = std::collections::HashSet::new();
                next.retain(|(_, n)| seen.insert(*n));
                complete = false;
            }
            level = next;
        }
        (out, false)
    }

    /// The shortest entry the pattern matches (see [`KeyPattern::samples`]), if any.
    pub fn sample(&self) -> Option<String> {
        self.samples(1).0.into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_patterns_have_samples() {
        let p = KeyPattern::parse("_XXXXXXXX").unwrap();
        assert_eq!(p.sample().as_deref(), Some("00000000"));
        let (some, all) = p.samples(3);
        assert_eq!((some.len(), all), (3, false));
        let r = KeyPattern::parse("/^[0-9]{8}$/").unwrap();
        assert_eq!(r.sample().as_deref(), Some("00000000"));
    }

    #[test]
    fn asterisk_patterns() {
        let p = KeyPattern::parse("_7XXX").unwrap();
        assert!(p.matches("7000") && p.matches("7999"));
        assert!(!p.matches("700") && !p.matches("8000") && !p.matches("70000"));
        assert!(p.can_grow("7") && p.can_grow("799") && !p.can_grow("7999"));
        assert_eq!(p.sample().as_deref(), Some("7000"));
        let n = KeyPattern::parse("_N[1-3]").unwrap();
        assert!(n.matches("21") && !n.matches("11") && !n.matches("24"));
        let dot = KeyPattern::parse("_9.").unwrap();
        assert!(!dot.matches("9") && dot.matches("9123#") && dot.can_grow("9123"));
        let bang = KeyPattern::parse("_5!").unwrap();
        assert!(bang.matches("5") && bang.matches("55") && bang.is_eager() && !dot.is_eager());
        assert!(KeyPattern::parse("_7Q").is_err());
        assert!(KeyPattern::parse("_[]").is_err());
        assert!(KeyPattern::parse("_").is_err());
        assert!(KeyPattern::parse("7XXX").is_err());
    }

    #[test]
    fn freeswitch_regexes() {
        let p = KeyPattern::parse("/^(10[01][0-9])$/").unwrap();
        assert!(p.matches("1000") && p.matches("1019") && !p.matches("1020"));
        assert!(p.can_grow("10") && !p.can_grow("1019"));
        let (s, all) = p.samples(100);
        assert_eq!(s.len(), 20);
        assert!(all);
        // No anchors: a search, as FreeSWITCH's bind.
        let any = KeyPattern::parse("/12/").unwrap();
        assert!(any.matches("312") && any.matches("12"));
        // Letters are never keys: it matches nothing.
        let none = KeyPattern::parse("/^[a-z]+$/").unwrap();
        assert_eq!(none.samples(5), (vec![], true));
        assert!(KeyPattern::parse("/^(1/").is_err());
    }
}

/// Bad input in the menu file: clear findings with their place, never a panic.
#[cfg(test)]
mod findings {
    use crate::source::Sources;

    fn load(nodes: &str) -> String {
        let yaml = format!(
            "name: T\nentry: main\ndefaults: {{ fallback: op, keys: {{ repeat: \"*\" }} }}\nnodes:\n{nodes}  op: {{ kind: transfer, queue: q }}\n"
        );
        let mut sources = Sources::new();
        let out = crate::menu::load_menu_text(std::path::Path::new("t.yaml"), &yaml, &mut sources);
        crate::diag::render_plain(&sources, &out.diagnostics)
    }

    #[test]
    fn bad_patterns_and_contradictory_settings_are_findings() {
        let menu = |options: &str, extra: &str| {
            format!("  main:\n    kind: menu\n    prompt: {{ text: a }}\n{extra}    options: {options}\n")
        };
        let shown = load(&menu(r#"[{ key: "1", pattern: "_1X", to: op }]"#, ""));
        assert!(
            shown.contains("error[E016]: an option has a `key` or a `pattern`, not both"),
            "{shown}"
        );
        assert!(shown.contains("t.yaml:8:"), "{shown}");
        let shown = load(&menu(r#"[{ pattern: "_7Q", to: op }]"#, ""));
        assert!(shown.contains("error[E016]: bad pattern `_7Q`"), "{shown}");
        let shown = load(&menu(r#"[{ pattern: "/^(1/", to: op }]"#, ""));
        assert!(shown.contains("not a valid regular expression"), "{shown}");
        let shown = load(&menu(r#"[{ pattern: "7XXX", to: op }]"#, ""));
        assert!(shown.contains("a pattern starts with `_`"), "{shown}");
        let shown = load(&menu(r#"[{ pattern: "/^[a-z]+$/", to: op }]"#, ""));
        assert!(shown.contains("error[E021]"), "{shown}");
        // Entries longer than a menu takes (32 keys) are no entries.
        let shown = load(&menu(r#"[{ pattern: "/^[0-9]{1000}$/", to: op }]"#, ""));
        assert!(shown.contains("error[E021]"), "{shown}");
        // An automaton that would blow up (the 20th key from the end is a 1: 2^20 states) is
        // refused by the size limit, not built.
        let shown = load(&menu(r#"[{ pattern: "/1[0-9]{20}$/", to: op }]"#, ""));
        assert!(shown.contains("error[E016]: bad pattern"), "{shown}");
        let opts = r#"[{ key: "1", to: op }]"#;
        let shown = load(&menu(opts, "    key_match: early\n    digit_len: 4\n"));
        assert!(shown.contains("two policies at once"), "{shown}");
        let shown = load(&menu(opts, "    key_match: full_length\n    digit_len: 0\n"));
        assert!(shown.contains("`digit_len` must be 1 to 32 keys"), "{shown}");
        let shown = load(&menu(opts, "    key_match: full_length\n    digit_len: 4294967295\n"));
        assert!(shown.contains("`digit_len` must be 1 to 32 keys"), "{shown}");
        let shown = load(&menu(opts, "    key_match: fullength\n"));
        assert!(shown.contains("unknown `key_match` `fullength`"), "{shown}");
        let collect = "  main:\n    kind: collect\n    prompt: { text: a }\n    digits: { max: 4, terminator: \"#\", keys: \"0123456789#\" }\n    store: v\n    next: op\n";
        let shown = load(collect);
        assert!(shown.contains("terminator `#` is also a data key"), "{shown}");
        let shown = load(&collect.replace("0123456789#", "0123A"));
        assert!(shown.contains("`A` is not a DTMF key"), "{shown}");
        let shown = load(&menu(opts, "    lint_allow: [E014, W999]\n"));
        assert!(
            shown.contains("cannot be allowed") && shown.contains("unknown finding code `W999`"),
            "{shown}"
        );
    }
}
