//! What the caller's keys and silences do at each kind of node (rules 1-8 of
//! `docs/call-semantics.md`).

use std::collections::VecDeque;

use super::{Call, CallTime, Effect, HandoffReason, Outcome, PathEvent, PromptPlay, PromptRole, Summary, Via};
use crate::menu::{GlobalAction, NodeKind, NodeRef};
use crate::rules::{self, CollectKey, FailureKind, FailureStep, KeyAction, KeyMatch};

/// A failed turn at a menu or collect.
#[derive(Debug)]
pub(super) enum Failure {
    /// The caller said nothing (or pressed only the terminator) before the timeout.
    NoInput,
    /// The caller's entry matched nothing (the entry, for the record).
    NoMatch(String),
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
                    let waiting = !at.digits.is_empty();
                    if !(m.barge_in && (playing || waiting)) {
                        break; // kept until the message ends, then typed ahead
                    }
                    let key = self.input.pop_front().expect("not empty");
                    self.message_key(t, key);
                }
                NodeKind::Transfer(_) if self.waiting_in_queue() => {
                    let key = self.input.pop_front().expect("not empty");
                    if !self.hold_key(t, key) {
                        self.caption(t, format!("{key} ignored: you are waiting in the queue"));
                    }
                }
                // Kept until the callback's prompt ends, then typed ahead (as at a message
                // that cannot be interrupted).
                NodeKind::Callback(_) => break,
                NodeKind::Record(r) => {
                    let key = self.input.pop_front().expect("not empty");
                    let ends = r.terminator.as_ref().is_none_or(|k| k.as_str().starts_with(key));
                    if at.recording.is_some() && ends {
                        self.step(t, Some(id), PathEvent::Key(key));
                        self.end_recording(t, "a key");
                    } else if at.recording.is_some() {
                        self.caption(t, format!("key {key} ignored: only the terminator ends the recording"));
                    } else {
                        self.caption(t, format!("key {key} ignored: the recording has not started"));
                    }
                }
                NodeKind::Transfer(_) | NodeKind::Hangup(_) | NodeKind::Route(_) | NodeKind::External(_) => {
                    let n = self.input.len();
                    self.input.clear();
                    self.caption(t, format!("{n} key(s) ignored: the call is being handed over or ended"));
                }
            }
        }
    }

    /// A key during a message that allows barge-in (rules 6 and 8): a global key acts; the
    /// start of a longer global key stops the message and waits for the next key or the
    /// inter-digit timeout; any other entry skips the message, its keys typed ahead.
    fn message_key(&mut self, t: CallTime, key: char) {
        let Some(at) = self.at.as_ref() else { return };
        let id = at.node;
        let mut entry = at.digits.clone();
        entry.push(key);
        match rules::match_entry(self.menu, id, &entry) {
            KeyMatch::Now(KeyAction::Global(action)) => {
                self.step(t, Some(id), PathEvent::Key(key));
                if let Some(at) = self.at.as_mut() {
                    at.digits.clear();
                    at.last_digit_at = None;
                }
                self.global(t, action);
            }
            KeyMatch::ExactButLonger(_) | KeyMatch::Partial => {
                self.step(t, Some(id), PathEvent::Key(key));
                self.stop_prompt(t);
                if let Some(at) = self.at.as_mut() {
                    at.digits.push(key);
                    at.last_digit_at = Some(t);
                }
                let idt = rules::inter_digit_timeout(self.menu, id).as_secs_f64();
                // Keys of the same burst still to come decide at once: no wait to announce.
                if self.input.is_empty() {
                    self.caption(
                        t,
                        format!("{entry}: waiting {idt} s for more digits (a global key starts with it)"),
                    );
                }
            }
            KeyMatch::Now(_) | KeyMatch::None => {
                // Barge-in on a message skips it; the keys are typed ahead to what follows.
                for k in entry.chars().rev() {
                    self.input.push_front(k);
                }
                self.step(t, Some(id), PathEvent::SkipsMessage(key));
                self.skip_message(t);
            }
        }
    }

    /// The inter-digit timeout at a message waiting for the rest of a global key: the exact
    /// global key acts, else the message is skipped and the keys are typed ahead.
    pub(super) fn message_entry_timeout(&mut self, t: CallTime) {
        let Some(at) = self.at.as_ref() else { return };
        let (id, entry) = (at.node, at.digits.clone());
        match rules::match_entry(self.menu, id, &entry).at_timeout() {
            Some(KeyAction::Global(action)) => {
                if let Some(at) = self.at.as_mut() {
                    at.digits.clear();
                    at.last_digit_at = None;
                }
                self.global(t, action);
            }
            _ => {
                for k in entry.chars().rev() {
                    self.input.push_front(k);
                }
                self.caption(t, format!("{entry}: no global key; the message is skipped"));
                self.skip_message(t);
                // As for keys typed together: what follows takes them as far as it can.
                self.drain_input(t);
            }
        }
    }

    /// Ends the message playing (or waiting for keys) at `t` and goes on to what follows.
    fn skip_message(&mut self, t: CallTime) {
        if let Some(at) = self.at.as_mut() {
            at.digits.clear();
            at.last_digit_at = None;
        }
        self.stop_prompt(t);
        self.prompt_done(t);
    }

    fn menu_key(&mut self, t: CallTime, key: char) {
        let Some(at) = self.at.as_mut() else { return };
        at.digits.push(key);
        at.last_digit_at = Some(t);
        let entry = at.digits.clone();
        let id = at.node;
        self.step(t, Some(id), PathEvent::Key(key));
        match rules::match_entry(self.menu, id, &entry) {
            KeyMatch::Now(action) => self.act(t, action),
            KeyMatch::ExactButLonger(_) | KeyMatch::Partial => {
                // The inter-digit timer decides; say so, or the line seems dead.
                let idt = rules::inter_digit_timeout(self.menu, id).as_secs_f64();
                // Keys of the same burst still to come decide at once: no wait to announce.
                if self.input.is_empty() {
                    let why = match rules::full_length(self.menu, id) {
                        Some(n) => format!("this menu takes up to {n} keys"),
                        None => "a longer key starts with it".to_owned(),
                    };
                    self.caption(t, format!("{entry}: waiting {idt} s for more digits ({why})"));
                }
            }
            KeyMatch::None => self.failure(t, Failure::NoMatch(entry)),
        }
    }

    /// The inter-digit timeout at a menu: take the exact match, or it is a no-match.
    pub(super) fn menu_entry_timeout(&mut self, t: CallTime) {
        let Some(at) = self.at.as_ref() else { return };
        let entry = at.digits.clone();
        match rules::match_entry(self.menu, at.node, &entry).at_timeout() {
            Some(action) => self.act(t, action),
            None => self.failure(t, Failure::NoMatch(entry)),
        }
    }

    /// Acts on a complete key at the current menu: its option, or a global key.
    fn act(&mut self, t: CallTime, action: KeyAction) {
        let Some(at) = self.at.as_ref() else { return };
        let NodeKind::Menu(m) = &self.menu.node(at.node).kind else {
            return;
        };
        match action {
            KeyAction::Option(i) => {
                let o = &m.options[i];
                let (to, lang) = (o.to.clone(), o.language.clone());
                if let Some(var) = &o.store {
                    // A pattern option (or any option with `store`) keeps what was dialled.
                    let value = at.digits.clone();
                    let node = self.current();
                    self.step(
                        t,
                        node,
                        PathEvent::Stored {
                            var,
                            value: value.clone(),
                        },
                    );
                    self.variables.insert(var.clone(), value);
                }
                if let Some(label) = &o.label {
                    // The call-taker reads what the caller chose, not only the key.
                    let node = self.current();
                    self.step(t, node, PathEvent::Chose(label));
                }
                self.choose(t, &to, lang, Via::Option(i));
            }
            KeyAction::Global(a) => self.global(t, a),
            KeyAction::Terminator => {}
        }
    }

    /// The caller chose the way to `to` (an option or a keyword).
    pub(super) fn choose(&mut self, t: CallTime, to: &NodeRef, language: Option<String>, via: Via) {
        self.reason = HandoffReason::Chosen;
        // The option's `set:` ("Variables set during a call"), before the call moves on.
        if let Via::Option(i) | Via::Keyword(i) = via
            && let Some(id) = self.current()
            && let NodeKind::Menu(m) = &self.menu.node(id).kind
            && let Some(o) = m.options.get(i)
        {
            self.apply_sets(t, id, &o.set);
        }
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
        self.step(t, Some(id), PathEvent::Key(key));
        let entry = self.digits().to_owned();
        match rules::collect_key(self.menu, id, &entry, key) {
            CollectKey::Data => {
                let max = c.max as usize;
                let Some(at) = self.at.as_mut() else { return };
                at.digits.push(key);
                at.last_digit_at = Some(t);
                if at.digits.len() >= max {
                    self.collect_entry_done(t);
                }
            }
            CollectKey::Control(KeyMatch::Now(KeyAction::Terminator)) => {
                if entry.is_empty() {
                    self.caption(t, "the terminator alone is no entry".into());
                    self.failure(t, Failure::NoInput);
                } else {
                    self.collect_entry_done(t);
                }
            }
            CollectKey::Control(KeyMatch::Now(KeyAction::Global(action))) => self.global(t, action),
            CollectKey::Control(KeyMatch::ExactButLonger(_) | KeyMatch::Partial) => {
                let idt = c.listen.inter_digit_timeout.as_secs_f64();
                let Some(at) = self.at.as_mut() else { return };
                at.digits.push(key);
                at.last_digit_at = Some(t);
                // Keys of the same burst still to come decide at once: no wait to announce.
                if self.input.is_empty() {
                    self.caption(
                        t,
                        format!("{key}: waiting {idt} s for more keys (a global key starts with it)"),
                    );
                }
            }
            CollectKey::Control(KeyMatch::Now(KeyAction::Option(_)) | KeyMatch::None) => {
                self.failure(t, Failure::NoMatch(format!("{entry}{key}")));
            }
        }
    }

    /// A collect's entry is complete (terminator, `max` digits, or the inter-digit timeout).
    pub(super) fn collect_entry_done(&mut self, t: CallTime) {
        let Some(at) = self.at.as_ref() else { return };
        let value = at.digits.clone();
        let node_index = at.node;
        let node = self.menu.node(at.node);
        let NodeKind::Collect(c) = &node.kind else { return };
        let (_, control) = rules::collect_parts(&value, c.data_keys);
        if !control.is_empty() {
            // The inter-digit timeout after the start of a longer global key (rule 6).
            match rules::match_entry(self.menu, node_index, control).at_timeout() {
                Some(KeyAction::Global(action)) => self.global(t, action),
                _ => self.failure(t, Failure::NoMatch(value)),
            }
            return;
        }
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
                let popped = here.is_some() && self.history.last().copied() == here;
                if popped {
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
                        // At the first menu `back` repeats; a message or collect is never on
                        // the way back (only menus are), so it is not put there.
                        if popped && let Some(h) = here {
                            self.history.push(h);
                        }
                        self.repeat(t);
                    }
                }
            }
        }
    }

    /// Plays the node's prompt again from the start (its `short_prompt` if it has one);
    /// entries so far are dropped, failures kept.
    fn repeat(&mut self, t: CallTime) {
        let Some(at) = self.at.as_mut() else { return };
        at.digits.clear();
        at.last_digit_at = None;
        let id = at.node;
        // `repeat` is a valid entry: under `counting: freeswitch` it sets the no-match count
        // back to zero (a `menu-sub` to the menu itself is a match there).
        if let Some(l) = self.menu.node(id).kind.listen() {
            at.counts = rules::counts_after_choice(l.counting, at.counts);
        }
        self.stop_prompt(t);
        let queue: VecDeque<PromptPlay> = self.prompt_again(id).into_iter().collect();
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
        let (kind, what) = match &failure {
            Failure::NoInput => (FailureKind::NoInput, "no input".to_owned()),
            Failure::NoMatch(entry) => (FailureKind::NoMatch, format!("no match ({entry})")),
        };
        // The count by the node's policy (rule 5): its own kind's, or both (`shared`).
        at.counts = at.counts.with_one_more(kind);
        let n = at.counts.of(kind, listen.counting);
        let max = rules::failures::limit(listen, kind);
        let role = match kind {
            FailureKind::NoInput => PromptRole::NoInput(n),
            FailureKind::NoMatch => PromptRole::NoMatch(n),
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
        let step = rules::after_failure(listen, kind, n);
        if !matches!(step, FailureStep::Reprompt(_)) {
            self.reason = match kind {
                FailureKind::NoInput => HandoffReason::MaxNoInput,
                FailureKind::NoMatch => HandoffReason::MaxNoMatch,
            };
        }
        match step {
            FailureStep::Fallback(fallback) => {
                self.via = match kind {
                    FailureKind::NoInput => Via::NoInputFallback,
                    FailureKind::NoMatch => Via::NoMatchFallback,
                };
                self.caption(t, format!("limit reached: going to `{}`", fallback.name));
                self.goto(fallback, t);
            }
            FailureStep::Exhausted => {
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
            FailureStep::Reprompt(re) => {
                let barge_in = listen.barge_in;
                let mut queue = VecDeque::new();
                if let Some(re) = re {
                    queue.push_back(self.play(id, re, role, barge_in));
                }
                queue.extend(self.prompt_again(id));
                self.start_queue(t, queue);
            }
        }
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
