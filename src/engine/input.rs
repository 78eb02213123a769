//! What the caller's keys and silences do at each kind of node (rules 1-8 of
//! `docs/call-semantics.md`).

use std::collections::VecDeque;

use super::matching::{Match, match_entry};
use super::{Call, CallTime, Effect, HandoffReason, Outcome, PathEvent, PromptPlay, PromptRole, Summary, Via};
use crate::menu::{DtmfKey, GlobalAction, NodeKind, NodeRef};

/// A failed turn at a menu or collect.
#[derive(Debug)]
pub(super) enum Failure {
    /// The caller said nothing (or pressed only the terminator) before the timeout.
    NoInput,
    /// The caller's entry matched nothing (the entry, for the record).
    NoMatch(String),
}

/// What a complete menu entry selects.
enum Selection {
    Option(usize),
    Global(GlobalAction),
}

/// Lowercase words separated by single spaces, punctuation dropped.
pub(super) fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the normalized `said` contains the keyword as whole words.
pub(super) fn contains_phrase(said: &str, keyword: &str) -> bool {
    let k = normalize(keyword);
    !k.is_empty() && format!(" {said} ").contains(&format!(" {k} "))
}

impl Call<'_> {
    /// Uses queued keys for as long as the current node can take them.
    pub(super) fn drain_input(&mut self, t: CallTime) {
        while !self.ended && !self.input.is_empty() {
            let Some(at) = self.at.as_ref() else { break };
            if self.exhausted {
                self.input.clear();
                break;
            }
            let id = at.node;
            let playing = at.playing.is_some();
            match &self.menu.node(id).kind {
                NodeKind::Menu(_) | NodeKind::Collect(_) => {
                    let barge_in = self.menu.node(id).kind.listen().is_some_and(|l| l.barge_in);
                    let key = self.input.pop_front().expect("not empty");
                    if playing && !self.take_barge_in(t, barge_in) {
                        continue; // thrown away (rule 7)
                    }
                    if matches!(self.menu.node(id).kind, NodeKind::Menu(_)) {
                        self.menu_key(t, key);
                    } else {
                        self.collect_key(t, key);
                    }
                }
                NodeKind::Message(m) => {
                    if !(playing && m.barge_in) {
                        break; // kept until the message ends, then typed ahead
                    }
                    let key = self.input[0];
                    if let Some(action) = self.single_global(key, |_| true) {
                        self.input.pop_front();
                        self.step(t, Some(id), PathEvent::Key(key));
                        self.global(t, action);
                    } else {
                        // Barge-in on a message skips it; the key is typed ahead to what follows.
                        self.step(t, Some(id), PathEvent::SkipsMessage(key));
                        self.stop_prompt(t);
                        self.prompt_done(t);
                    }
                }
                NodeKind::Transfer(_) | NodeKind::Hangup(_) | NodeKind::Route(_) => {
                    let n = self.input.len();
                    self.input.clear();
                    self.caption(t, format!("{n} key(s) ignored: the call is being handed over or ended"));
                }
            }
        }
    }

    /// The global action of a one-key global key `key`, if it is active (`allowed`).
    fn single_global(&self, key: char, allowed: impl Fn(&DtmfKey) -> bool) -> Option<GlobalAction> {
        self.menu
            .defaults
            .keys
            .iter()
            .find(|(_, g)| g.key.len() == 1 && g.key.as_str().starts_with(key) && allowed(&g.key))
            .map(|(a, _)| a)
    }

    fn menu_key(&mut self, t: CallTime, key: char) {
        let Some(at) = self.at.as_mut() else { return };
        at.digits.push(key);
        at.last_digit_at = Some(t);
        let entry = at.digits.clone();
        let id = at.node;
        let node = self.menu.node(id);
        self.step(t, Some(id), PathEvent::Key(key));
        let NodeKind::Menu(m) = &node.kind else { return };
        let globals: Vec<&str> = self
            .menu
            .defaults
            .keys
            .iter()
            .map(|(_, g)| g.key.as_str())
            .filter(|g| !m.options.iter().any(|o| o.key.as_str() == *g))
            .collect();
        let keys = m.options.iter().map(|o| o.key.as_str()).chain(globals);
        match match_entry(&entry, keys) {
            Match::Now(k) => {
                let k = k.to_owned();
                self.select(t, &k);
            }
            Match::ExactButLonger(_) | Match::Partial => {
                // The inter-digit timer decides; say so, or the line seems dead.
                let idt = m.listen.inter_digit_timeout.as_secs_f64();
                self.caption(
                    t,
                    format!("{entry}: waiting {idt} s for more digits (a longer key starts with it)"),
                );
            }
            Match::None => self.failure(t, Failure::NoMatch(entry)),
        }
    }

    /// The inter-digit timeout at a menu: take the exact match, or it is a no-match.
    pub(super) fn menu_entry_timeout(&mut self, t: CallTime) {
        let Some(at) = self.at.as_ref() else { return };
        let entry = at.digits.clone();
        let NodeKind::Menu(m) = &self.menu.node(at.node).kind else {
            return;
        };
        let globals = self.menu.defaults.keys.iter().map(|(_, g)| g.key.as_str());
        let exact = m
            .options
            .iter()
            .map(|o| o.key.as_str())
            .chain(globals)
            .any(|k| k == entry);
        if exact {
            self.select(t, &entry);
        } else {
            self.failure(t, Failure::NoMatch(entry));
        }
    }

    /// Acts on a complete key at the current menu: its option if it has one, else the global key.
    fn select(&mut self, t: CallTime, key: &str) {
        let Some(at) = self.at.as_ref() else { return };
        let NodeKind::Menu(m) = &self.menu.node(at.node).kind else {
            return;
        };
        let selection = match m.options.iter().position(|o| o.key.as_str() == key) {
            Some(i) => Selection::Option(i),
            None => match self.menu.defaults.keys.iter().find(|(_, g)| g.key.as_str() == key) {
                Some((a, _)) => Selection::Global(a),
                None => return,
            },
        };
        match selection {
            Selection::Option(i) => {
                let o = &m.options[i];
                let (to, lang) = (o.to.clone(), o.language.clone());
                if let Some(label) = &o.label {
                    // The call-taker reads what the caller chose, not only the key.
                    let node = self.current();
                    self.step(t, node, PathEvent::Chose(label));
                }
                self.choose(t, &to, lang, Via::Option(i));
            }
            Selection::Global(a) => self.global(t, a),
        }
    }

    /// The caller chose the way to `to` (an option or a keyword).
    pub(super) fn choose(&mut self, t: CallTime, to: &NodeRef, language: Option<String>, via: Via) {
        self.reason = HandoffReason::Chosen;
        self.via = via;
        if let Some(l) = language {
            self.caption(t, format!("language: {l}"));
            self.language = l;
        }
        self.goto(to, t);
    }

    fn collect_key(&mut self, t: CallTime, key: char) {
        let Some(at) = self.at.as_ref() else { return };
        let id = at.node;
        let node = self.menu.node(id);
        let NodeKind::Collect(c) = &node.kind else { return };
        let is_terminator = c.terminator.as_ref().is_some_and(|k| k.as_str().starts_with(key));
        self.step(t, Some(id), PathEvent::Key(key));
        if is_terminator {
            if self.digits().is_empty() {
                self.caption(t, "the terminator alone is no entry".into());
                self.failure(t, Failure::NoInput);
            } else {
                self.collect_entry_done(t);
            }
            return;
        }
        if key.is_ascii_digit() {
            let max = c.max as usize;
            let Some(at) = self.at.as_mut() else { return };
            at.digits.push(key);
            at.last_digit_at = Some(t);
            if at.digits.len() >= max {
                self.collect_entry_done(t);
            }
            return;
        }
        let term = c.terminator.clone();
        if let Some(action) = self.single_global(key, |k| !k.has_digit() && Some(k) != term.as_ref()) {
            self.global(t, action);
        } else {
            let entry = format!("{}{key}", self.digits());
            self.failure(t, Failure::NoMatch(entry));
        }
    }

    /// A collect's entry is complete (terminator, `max` digits, or the inter-digit timeout).
    pub(super) fn collect_entry_done(&mut self, t: CallTime) {
        let Some(at) = self.at.as_ref() else { return };
        let value = at.digits.clone();
        let node_index = at.node;
        let node = self.menu.node(at.node);
        let NodeKind::Collect(c) = &node.kind else { return };
        // A terminator right after an entry that reached `max` just ends it, valid or not: it
        // is neither type-ahead nor a second (empty) entry.
        if value.len() >= c.max as usize
            && let Some(term) = &c.terminator
        {
            if self.input.front().is_some_and(|k| term.as_str().starts_with(*k)) {
                self.input.pop_front();
            } else if let Some(k) = term.as_str().chars().next() {
                // Pressed a moment later, it still only confirms the entry.
                self.trailing_terminator = Some((k, t.saturating_add(c.listen.inter_digit_timeout)));
            }
        }
        if value.len() < c.min as usize {
            self.caption(t, format!("{value}: too short (at least {} digits)", c.min));
            self.failure(t, Failure::NoMatch(value));
            return;
        }
        if let Some(p) = &c.pattern
            && !p.is_match(&value)
        {
            self.caption(t, format!("{value}: not a valid entry here"));
            self.failure(t, Failure::NoMatch(value));
            return;
        }
        let (store, next) = (c.store.clone(), c.next.clone());
        self.step(
            t,
            Some(node_index),
            PathEvent::Stored {
                var: &c.store,
                value: value.clone(),
            },
        );
        self.variables.insert(store, value.clone());
        self.stored(t, node_index, &value);
        self.via = Via::Next;
        self.goto(&next, t);
    }

    /// A global key's action.
    pub(super) fn global(&mut self, t: CallTime, action: GlobalAction) {
        let id = self.current();
        self.via = Via::Global(action);
        self.step(t, id, PathEvent::Global(action));
        match action {
            GlobalAction::Operator => match self.menu.defaults.operator.clone() {
                Some(to) => {
                    self.reason = HandoffReason::OperatorKey;
                    self.goto(&to, t);
                }
                None => self.caption(t, "there is no operator to go to".into()),
            },
            GlobalAction::MainMenu => {
                let to = self
                    .menu
                    .defaults
                    .main_menu
                    .clone()
                    .unwrap_or_else(|| self.menu.entry.clone());
                self.reason = HandoffReason::Chosen;
                self.history.clear();
                self.goto(&to, t);
            }
            GlobalAction::Repeat => self.repeat(t),
            GlobalAction::Back => {
                let here = self.current();
                if here.is_some() && self.history.last().copied() == here {
                    self.history.pop();
                }
                match self.history.last().copied() {
                    Some(prev) => {
                        let to = NodeRef {
                            name: self.menu.node(prev).id.clone(),
                            span: self.menu.node(prev).span,
                            target: crate::menu::Target::Node(prev),
                        };
                        self.goto(&to, t);
                    }
                    None => {
                        if let Some(h) = here {
                            self.history.push(h);
                        }
                        self.repeat(t);
                    }
                }
            }
        }
    }

    /// Plays the node's prompt again from the start; entries so far are dropped, failures kept.
    fn repeat(&mut self, t: CallTime) {
        let Some(at) = self.at.as_mut() else { return };
        at.digits.clear();
        at.last_digit_at = None;
        let id = at.node;
        self.stop_prompt(t);
        let queue: VecDeque<PromptPlay> = self.main_prompt(id).into_iter().collect();
        self.start_queue(t, queue);
    }

    /// A failed turn (rule 5): count it, re-prompt, or go to the fallback at the limit.
    pub(super) fn failure(&mut self, t: CallTime, failure: Failure) {
        let Some(at) = self.at.as_mut() else { return };
        at.digits.clear();
        at.last_digit_at = None;
        let id = at.node;
        let node = self.menu.node(id);
        let Some(listen) = node.kind.listen() else { return };
        let (n, max, list, role, what) = match &failure {
            Failure::NoInput => {
                at.no_input += 1;
                (
                    at.no_input,
                    listen.max_no_input,
                    &listen.no_input,
                    PromptRole::NoInput(at.no_input),
                    "no input".to_owned(),
                )
            }
            Failure::NoMatch(entry) => {
                at.no_match += 1;
                (
                    at.no_match,
                    listen.max_no_match,
                    &listen.no_match,
                    PromptRole::NoMatch(at.no_match),
                    format!("no match ({entry})"),
                )
            }
        };
        let node_id = node.id.clone();
        self.stop_prompt(t);
        let event = match &failure {
            Failure::NoInput => PathEvent::NoInput(n),
            Failure::NoMatch(entry) => PathEvent::NoMatch {
                n,
                entry: entry.clone(),
            },
        };
        self.step(t, Some(id), event);
        self.caption(t, format!("{what}: {n} of {max}"));
        if n >= max {
            self.reason = match failure {
                Failure::NoInput => HandoffReason::MaxNoInput,
                Failure::NoMatch(_) => HandoffReason::MaxNoMatch,
            };
            match listen.fallback.clone() {
                Some(fallback) => {
                    self.via = match failure {
                        Failure::NoInput => Via::NoInputFallback,
                        Failure::NoMatch(_) => Via::NoMatchFallback,
                    };
                    self.caption(t, format!("limit reached: going to `{}`", fallback.name));
                    self.goto(&fallback, t);
                }
                None => {
                    self.exhausted = true;
                    let goodbye = self
                        .menu
                        .defaults
                        .goodbye
                        .as_ref()
                        .map(|g| self.play(id, g, PromptRole::Goodbye, false));
                    match goodbye {
                        Some(p) => self.start_queue(t, VecDeque::from([p])),
                        None => {
                            self.effects.push_back(Effect::Hangup { at: t });
                            self.finish(t, Outcome::RetriesExhausted { node: node_id });
                        }
                    }
                }
            }
            return;
        }
        let barge_in = listen.barge_in;
        let mut queue = VecDeque::new();
        if !list.is_empty() {
            let re = &list[(n as usize - 1).min(list.len() - 1)];
            queue.push_back(self.play(id, re, role, barge_in));
        }
        queue.extend(self.main_prompt(id));
        self.start_queue(t, queue);
    }

    /// Ends the call with `outcome`.
    pub(super) fn finish(&mut self, t: CallTime, outcome: Outcome) {
        if self.ended {
            return;
        }
        self.stop_prompt(t);
        self.ended = true;
        self.now = self.now.max(t);
        self.input.clear();
        let summary = Summary {
            outcome,
            path: self.path_records(),
            keys_pressed: self.keys_pressed,
            time_in_ivr: t,
            time_to_operator: self.handoff_at,
            time_waiting: self
                .handoff_at
                .filter(|_| self.operator_line)
                .map(|h| self.answered_at.unwrap_or(t).saturating_sub(h)),
            answered: self.answered_at.is_some(),
            disposition: self.disposition.clone(),
            variables: self.variables.clone(),
            language: self.language.clone(),
        };
        self.line = None;
        self.effects.push_back(Effect::Ended(summary));
    }
}
