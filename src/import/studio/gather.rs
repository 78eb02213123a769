//! Gather Input on Call ([S-GATHER], TwiML `<Gather>` [T-GATHER]): a `menu` when its
//! `keypress` leads to a split that tests its keys with plain keys, else a `collect`; the
//! no-input and no-match handling from its `timeout` transition and its split's `noMatch`;
//! spoken choices from a split on its `SpeechResult`.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::model::{State, number};
use super::{
    DEFAULT_FINISH_ON_KEY, DEFAULT_GATHER_TIMEOUT, Imp, MAX_GATHER_DIGITS, Origin, SAME_WIDGET_LIMIT, liquid, split,
};
use crate::menu::build::{At, DigitsSpec, ListenSpec, NodeSpec, OptionSpec};
use crate::menu::{DtmfKey, KeyMatchPolicy, NodeRef, Retries};

/// How a gather is imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Plan {
    /// A menu with the options of the split at this index (its keypress), and the split of
    /// its speech, if that is imported as keywords.
    Menu { split: usize, speech: Option<usize> },
    /// A collect.
    Collect,
}

/// What a gather's failures turn into.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Reprompts {
    /// The Say/Play its `timeout` leads to, which leads back to it: a no-input re-prompt.
    pub(super) no_input: Option<usize>,
    /// The Say/Play its split's `noMatch` leads to, which leads back to it: a no-match
    /// re-prompt.
    pub(super) no_match: Option<usize>,
}

/// The gather's key that ends an entry: `finish_on_key` (default `#`), none when it is `""`
/// or `stop_gather` is false [S-GATHER]; and the value written when it is not one key (then
/// `#`).
pub(super) fn finish_key<'v>(st: &State<'v>) -> (Option<char>, Option<&'v str>) {
    let stop = st.prop("stop_gather").is_none_or(|v| match v {
        Value::Bool(b) => *b,
        Value::String(s) => !s.trim().eq_ignore_ascii_case("false"),
        _ => true,
    });
    if !stop {
        return (None, None);
    }
    match st.prop("finish_on_key").and_then(Value::as_str) {
        None => (Some(DEFAULT_FINISH_ON_KEY), None),
        Some(s) if s.trim().is_empty() => (None, None),
        Some(s) => {
            let s = s.trim();
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if crate::menu::dtmf::is_dtmf(c) => (Some(c), None),
                _ => (Some(DEFAULT_FINISH_ON_KEY), Some(s)),
            }
        }
    }
}

/// `number_of_digits` when it is a whole number of at least 1.
pub(super) fn number_of_digits(st: &State<'_>) -> Option<u32> {
    let n = st.prop("number_of_digits").and_then(number)?;
    (n >= 1.0 && n.fract() == 0.0).then(|| n.min(f64::from(u32::MAX)) as u32)
}

/// One case of a split that a menu takes: its transition, keys (with the pointer of each
/// key's value) and label.
pub(super) struct KeyCase<'v> {
    pub(super) trans: usize,
    pub(super) keys: Vec<(String, String)>,
    pub(super) label: Option<&'v str>,
}

/// The cases of `split` when it tests the `Digits` of gather `gather` with plain keys only
/// (`equal_to` a key, `matches_any_of` keys, one condition a case); `None` otherwise.
pub(super) fn key_cases<'v>(gather: &str, split: &State<'v>) -> Option<Vec<KeyCase<'v>>> {
    if split.kind != "split-based-on" {
        return None;
    }
    let of_gather = |s: Option<&str>| {
        s.and_then(liquid::reference)
            .is_some_and(|r| r.origin == Origin::Digits(gather.to_owned()))
    };
    if !of_gather(split.text("input")) {
        return None;
    }
    let mut cases = Vec::new();
    for (j, tr) in split.trans.iter().enumerate() {
        match tr.event {
            "noMatch" => continue,
            "match" => {}
            _ => return None,
        }
        let [c] = tr.conds.as_slice() else { return None };
        if c.subject.is_some() && !of_gather(c.subject) {
            return None;
        }
        let values = match c.kind {
            "equal_to" => vec![c.value.trim().to_owned()],
            "matches_any_of" => split::any_of(&c.value),
            _ => return None,
        };
        if values.is_empty()
            || !values
                .iter()
                .all(|v| split::keypad(v) && v.len() <= MAX_GATHER_DIGITS as usize)
        {
            return None;
        }
        let pointer = format!("{}/value", c.at);
        cases.push(KeyCase {
            trans: j,
            keys: values.into_iter().map(|v| (v, pointer.clone())).collect(),
            label: c.friendly,
        });
    }
    (!cases.is_empty()).then_some(cases)
}

/// Whether `split` tests the speech result of gather `gather` (its spoken choices become
/// keywords of the menu).
pub(super) fn speech_split(gather: &str, split: &State<'_>) -> bool {
    if split.kind != "split-based-on" {
        return false;
    }
    let Some(input) = split.text("input") else { return false };
    let wanted = [format!("widgets.{gather}.SpeechResult")];
    let inner = input
        .trim()
        .strip_prefix("{{")
        .and_then(|x| x.strip_suffix("}}"))
        .map(|x| x.trim_matches(|c: char| c == '-' || c.is_whitespace()));
    inner.is_some_and(|i| wanted.iter().any(|w| w == i))
}

impl Imp<'_, '_> {
    pub(super) fn gather(&mut self, g: usize) {
        let flow = self.flow;
        let st = &flow.states[g];
        let prompt = self.prompt(st, true);
        let timeout = self.seconds(st, "timeout", DEFAULT_GATHER_TIMEOUT);
        let t_at = match st.prop("timeout") {
            Some(_) => self.at(&st.prop_at("timeout")),
            None => self.at(&st.at),
        };
        let finish = self.finish_key(st);
        let digits = self.digits_limit(st);
        let mut listen = ListenSpec {
            timeout: Some(At::new(timeout, t_at)),
            inter_digit_timeout: Some(At::new(timeout, t_at)),
            barge_in: Some(true),
            ..ListenSpec::default()
        };
        self.no_input(g, &mut listen);
        let plan = self.plans.get(&g).copied().unwrap_or(Plan::Collect);
        match plan {
            Plan::Menu { split, speech } => {
                let mut options = self.menu_options(g, split, finish, digits);
                if let Some(sp) = speech {
                    self.keywords(st, &flow.states[sp], &flow.states[split], &mut options);
                }
                self.no_match(g, split, &mut listen);
                let node_at = self.at(&st.at);
                if digits != Some(1) {
                    let len = digits.unwrap_or(MAX_GATHER_DIGITS);
                    listen.key_match = Some(At::new(KeyMatchPolicy::FullLength { digit_len: Some(len) }, node_at));
                    listen.digit_len = Some(At::new(len, node_at));
                }
                if let Some(f) = finish {
                    let pointer = match st.prop("finish_on_key") {
                        Some(_) => st.prop_at("finish_on_key"),
                        None => st.at.clone(),
                    };
                    self.finish_keys.push((st.name.to_owned(), f, pointer));
                }
                let spec = NodeSpec::Menu {
                    prompt,
                    options,
                    listen,
                };
                let split_name = flow.states[split].name;
                let at = self.at(&st.at);
                self.b.add_node(
                    At::new(st.name.to_owned(), at),
                    Some(format!(
                        "Studio gather-input-on-call `{}` with split-based-on `{split_name}`",
                        st.name
                    )),
                    spec,
                );
            }
            Plan::Collect => {
                if st.next_of("speech").is_some() {
                    let at = st
                        .on("speech")
                        .map_or_else(|| st.at.clone(), |t| format!("{}/next", t.at));
                    self.approx(
                        &at,
                        format!(
                            "spoken input of `{}` is not imported: its keys are collected, not matched to choices",
                            st.name
                        ),
                        "saying something is a wrong entry in ivrsim",
                    );
                }
                let next = self.target(st, "keypress");
                let node_at = self.at(&st.at);
                let terminator = match finish {
                    Some(f @ ('#' | '*')) => DtmfKey::parse(&f.to_string()).ok().map(|k| {
                        let at = match st.prop("finish_on_key") {
                            Some(_) => self.at(&st.prop_at("finish_on_key")),
                            None => node_at,
                        };
                        At::new(k, at)
                    }),
                    Some(f) => {
                        self.approx(
                            &st.prop_at("finish_on_key"),
                            format!(
                                "`finish_on_key` `{f}` is a digit; ivrsim ends an entry only at `#` or `*`, so it has none"
                            ),
                            format!("`{f}` is taken as part of the number; the entry ends at its length or after the timeout"),
                        );
                        None
                    }
                    None => None,
                };
                let mut keys = "0123456789".to_owned();
                for k in ['*', '#'] {
                    if finish != Some(k) {
                        keys.push(k);
                    }
                }
                let max = digits.unwrap_or(MAX_GATHER_DIGITS);
                let spec = NodeSpec::Collect {
                    prompt,
                    digits: DigitsSpec {
                        at: node_at,
                        min: Some(At::new(1, node_at)),
                        max: Some(At::new(max, node_at)),
                        terminator,
                        keys: Some(At::new(keys, node_at)),
                    },
                    pattern: None,
                    store: liquid::digits_var(st.name),
                    next,
                    listen,
                };
                self.node(st, spec);
            }
        }
    }

    /// The gather's key that ends an entry ([`finish_key`]), with a finding when
    /// `finish_on_key` is not one key.
    fn finish_key(&mut self, st: &State<'_>) -> Option<char> {
        let (key, bad) = finish_key(st);
        if let Some(s) = bad {
            self.approx(
                &st.prop_at("finish_on_key"),
                format!("`finish_on_key` `{s}` is not one key; `{DEFAULT_FINISH_ON_KEY}` used"),
                format!("`{DEFAULT_FINISH_ON_KEY}` ends the entry"),
            );
        }
        key
    }

    /// `number_of_digits`, at most [`MAX_GATHER_DIGITS`] (a finding above).
    fn digits_limit(&mut self, st: &State<'_>) -> Option<u32> {
        let n = number_of_digits(st)?;
        if n > MAX_GATHER_DIGITS {
            self.approx(
                &st.prop_at("number_of_digits"),
                format!("`number_of_digits` {n} is more than ivrsim's {MAX_GATHER_DIGITS}; {MAX_GATHER_DIGITS} used"),
                format!("an entry ends after {MAX_GATHER_DIGITS} keys"),
            );
            return Some(MAX_GATHER_DIGITS);
        }
        Some(n)
    }

    /// The no-input handling of gather `g` from its `timeout` transition.
    fn no_input(&mut self, g: usize, listen: &mut ListenSpec) {
        let flow = self.flow;
        let st = &flow.states[g];
        let re = self.reprompts.get(&g).copied().unwrap_or_default();
        let tr = st.on("timeout");
        let at = self.at(&tr.map_or_else(|| st.at.clone(), |t| t.at.clone()));
        match tr.and_then(|t| t.next.map(|n| (t, n))) {
            None => {
                listen.max_no_input = Some(At::new(Retries::Limit(1), at));
                let end = self.end(st, "timeout");
                listen.fallback_no_input = Some(end);
            }
            Some((tr, n)) if n == st.name => {
                listen.max_no_input = Some(At::new(Retries::Limit(SAME_WIDGET_LIMIT), at));
                let end = self.end(st, "timeout");
                listen.fallback_no_input = Some(end);
                self.approx(
                    &format!("{}/next", tr.at),
                    format!(
                        "the `timeout` transition leads back to `{}`: Studio stops the Execution when one widget runs {SAME_WIDGET_LIMIT} times in a row; imported as {SAME_WIDGET_LIMIT} tries, then the call ends",
                        st.name
                    ),
                    format!(
                        "the call ends after the {SAME_WIDGET_LIMIT}th silence; Studio's documentation does not say whether the {SAME_WIDGET_LIMIT}th run is played, so Twilio may end it one prompt earlier"
                    ),
                );
            }
            Some((tr, n)) => {
                if let Some(s) = re.no_input {
                    let say = &flow.states[s];
                    let p = self.prompt(say, false);
                    listen.no_input = Some(vec![p]);
                    listen.max_no_input = Some(At::new(Retries::Unlimited, at));
                } else {
                    listen.max_no_input = Some(At::new(Retries::Limit(1), at));
                    let r = self.reference(n, tr);
                    listen.fallback_no_input = Some(r);
                }
            }
        }
    }

    /// The no-match handling of a menu gather `g` from its split's `noMatch`.
    fn no_match(&mut self, g: usize, split: usize, listen: &mut ListenSpec) {
        let flow = self.flow;
        let st = &flow.states[g];
        let k = &flow.states[split];
        let re = self.reprompts.get(&g).copied().unwrap_or_default();
        let tr = k.on("noMatch");
        let at = self.at(&tr.map_or_else(|| k.at.clone(), |t| t.at.clone()));
        match tr.and_then(|t| t.next.map(|n| (t, n))) {
            None => {
                listen.max_no_match = Some(At::new(Retries::Limit(1), at));
                listen.fallback_no_match = Some(self.end(k, "noMatch"));
            }
            Some(_) if re.no_match.is_some() => {
                let say = &flow.states[re.no_match.unwrap_or_default()];
                let p = self.prompt(say, false);
                listen.no_match = Some(vec![p]);
                listen.max_no_match = Some(At::new(Retries::Unlimited, at));
            }
            // Gather, split, gather, …: never the same widget twice in a row, so no limit.
            Some((_, n)) if n == st.name => {
                listen.max_no_match = Some(At::new(Retries::Unlimited, at));
            }
            Some((tr, n)) => {
                listen.max_no_match = Some(At::new(Retries::Limit(1), at));
                listen.fallback_no_match = Some(self.reference(n, tr));
            }
        }
    }

    /// The options of menu gather `g` from the cases of its split.
    fn menu_options(&mut self, g: usize, split: usize, finish: Option<char>, digits: Option<u32>) -> Vec<OptionSpec> {
        let flow = self.flow;
        let st = &flow.states[g];
        let k = &flow.states[split];
        let store = self.digits_read.contains(st.name).then(|| liquid::digits_var(st.name));
        let mut options: Vec<OptionSpec> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let cases = key_cases(st.name, k).unwrap_or_default();
        for case in cases {
            let tr = &k.trans[case.trans];
            let mut to: Option<NodeRef> = None;
            for (key, pointer) in case.keys {
                if let Some(first) = seen.get(&key) {
                    self.approx(
                        &pointer,
                        format!("key `{key}` is tested by an earlier case ({first}) and is never taken here"),
                        "nothing: Studio takes the first case that holds, as ivrsim does",
                    );
                    continue;
                }
                if let Some(f) = finish.filter(|f| key.contains(*f)) {
                    self.approx(
                        &pointer,
                        format!("key `{key}` holds the `finish_on_key` `{f}`, which is never part of `Digits`: the case is never taken"),
                        "nothing: no caller can reach it in Studio either",
                    );
                    continue;
                }
                if let Some(n) = digits.filter(|n| key.len() > *n as usize) {
                    self.approx(
                        &pointer,
                        format!("key `{key}` is longer than `number_of_digits` {n}: the case is never taken"),
                        "nothing: no caller can reach it in Studio either",
                    );
                    continue;
                }
                let Ok(dtmf) = DtmfKey::parse(&key) else { continue };
                seen.insert(key.clone(), pointer.clone());
                let to = match &to {
                    Some(t) => t.clone(),
                    None => {
                        let t = match tr.next {
                            Some(n) => self.reference(n, tr),
                            None => self.end(k, "match"),
                        };
                        to = Some(t.clone());
                        t
                    }
                };
                let at = self.at(&pointer);
                let mut opt = OptionSpec::new(At::new(dtmf, at), to);
                opt.label = case.label.map(str::to_owned);
                opt.store = store.clone();
                options.push(opt);
            }
        }
        options
    }

    /// Spoken keywords on the options of a menu, from its speech split `sp`.
    fn keywords(&mut self, st: &State<'_>, sp: &State<'_>, keys: &State<'_>, options: &mut [OptionSpec]) {
        self.approx(
            &sp.at,
            format!(
                "the spoken choices of `{}` are imported as keywords: Studio tests the whole speech result (`contains` anywhere in it, `equal_to` all of it), ivrsim finds a keyword as whole words",
                st.name
            ),
            "a keyword inside a longer word (`leak` in `leaking`) is a choice in Studio, a wrong entry in ivrsim; `equal_to` also matches longer sentences in ivrsim",
        );
        if sp.next_of("noMatch") != keys.next_of("noMatch")
            && let Some(tr) = sp.on("noMatch")
        {
            self.approx(
                &tr.at,
                format!(
                    "speech that matches no choice leads to {} in Studio; ivrsim has one no-match way per menu, the keys' one",
                    tr.next.map_or_else(|| "the end of the flow".to_owned(), |n| format!("`{n}`"))
                ),
                "after unrecognised speech the caller goes where a wrong key goes",
            );
        }
        let mut said: HashSet<String> = HashSet::new();
        for tr in sp.trans.iter().filter(|t| t.event == "match") {
            for c in &tr.conds {
                let pointer = format!("{}/value", c.at);
                let words = match c.kind {
                    "contains" | "equal_to" | "starts_with" => vec![c.value.trim().to_owned()],
                    "matches_any_of" => split::any_of(&c.value),
                    other => {
                        self.approx(
                            &c.at,
                            format!("the speech test `{other}` is not imported"),
                            "that spoken choice is a wrong entry in ivrsim",
                        );
                        continue;
                    }
                };
                let Some(opt) = options.iter().position(|o| tr.next.is_some_and(|n| o.to.name == n)) else {
                    self.approx(
                        &c.at,
                        format!(
                            "the spoken choice leads to {}, which no key leads to; ivrsim matches words only to key options",
                            tr.next.map_or_else(|| "the end of the flow".to_owned(), |n| format!("`{n}`"))
                        ),
                        "saying it is a wrong entry in ivrsim",
                    );
                    continue;
                };
                for w in words {
                    if !w.chars().any(char::is_alphabetic) {
                        self.approx(
                            &pointer,
                            format!("the spoken choice `{w}` has no letter; ivrsim reads digits as keys"),
                            "saying it is not a choice in ivrsim",
                        );
                        continue;
                    }
                    let normal = crate::rules::keyword::normalize(&w);
                    if !said.insert(normal) {
                        self.approx(
                            &pointer,
                            format!("the spoken choice `{w}` is tested by an earlier case; it is not imported here"),
                            "nothing: Studio takes the first case that holds",
                        );
                        continue;
                    }
                    let at = self.at(&pointer);
                    options[opt].say.push(At::new(w, at));
                }
            }
        }
    }
}
