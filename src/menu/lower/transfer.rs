//! Lowering of what happens around a transfer: hold announcements, the plan for when no
//! call-taker can take the call, and the call-takers' wrap-up codes.

use super::raw::{Entries, RawHold, RawNoOperator, RawQueue};
use super::*;

/// Shortest time between two hold announcements a menu may ask for.
pub(crate) const MIN_HOLD_EVERY: Duration = Duration::from_secs(5);

/// The actions of `when_no_operator`.
pub(super) const NO_OPERATOR_ACTIONS: [&str; 4] = ["hold", "message", "callback", "goto"];

/// The fields an action of `when_no_operator` uses besides `action`, and the one it requires.
pub(super) fn action_fields(action: &str) -> (&'static [&'static str], &'static str) {
    match action {
        "hold" => (&["max_wait", "prompt"], "max_wait"),
        "message" => (&["prompt"], "prompt"),
        _ => (&["to"], "to"),
    }
}

impl Cx<'_> {
    /// `hold:` as given (each field left out is the defaults').
    pub(super) fn lower_hold(&mut self, file: FileId, raw: Option<&S<RawHold>>) -> HoldSpec {
        let Some(raw) = raw else { return HoldSpec::default() };
        HoldSpec {
            every: raw
                .value
                .every
                .as_ref()
                .and_then(|e| self.parse_duration_at(file, "hold.every", e)),
            prompt: raw.value.prompt.as_ref().map(|p| self.prompt(file, p)),
            expected_wait: raw.value.expected_wait.as_ref().and_then(|e| {
                let whole = self.span(file, &e.referenced);
                let handle_time = match &e.value.handle_time {
                    Some(h) => self.duration(file, "hold.expected_wait.handle_time", h),
                    None => {
                        self.push(
                            Diagnostic::new(Code::MissingField, whole, "`expected_wait` needs `handle_time`")
                                .label("`handle_time` is missing")
                                .help("add `handle_time: 4m`: how long a call-taker spends on a call, on average"),
                        );
                        None
                    }
                };
                let call_takers = match &e.value.call_takers {
                    Some(n) => self.at_least_one(file, "hold.expected_wait.call_takers", n),
                    None => Some(1),
                };
                let prompt = e.value.prompt.as_ref().map(|p| self.prompt(file, p));
                Some(Box::new(ExpectedWait {
                    handle_time: handle_time.filter(|h| !h.is_zero())?,
                    call_takers: call_takers?,
                    prompt,
                }))
            }),
            periodic: raw.value.periodic.as_ref().and_then(|p| {
                let whole = self.span(file, &p.referenced);
                let every = match &p.value.every {
                    Some(e) => self.duration(file, "hold.periodic.every", e),
                    None => {
                        self.push(
                            Diagnostic::new(Code::MissingField, whole, "`periodic` needs `every`")
                                .label("`every` is missing")
                                .help("add `every: 60s`"),
                        );
                        None
                    }
                };
                let prompt = match &p.value.prompt {
                    Some(pr) => Some(self.prompt(file, pr)),
                    None => {
                        self.push(
                            Diagnostic::new(Code::MissingField, whole, "`periodic` needs `prompt`")
                                .label("`prompt` is missing")
                                .help("add `prompt: { text: \"...\" }`"),
                        );
                        None
                    }
                };
                Some(Box::new(Periodic {
                    every: every?,
                    prompt: prompt?,
                }))
            }),
            exit: raw.value.exit.as_ref().and_then(|x| {
                let whole = self.span(file, &x.referenced);
                let key = match &x.value.key {
                    Some(k) => {
                        let span = self.span(file, &k.referenced);
                        let owned = S {
                            value: Some(k.value.clone()),
                            referenced: k.referenced,
                            defined: k.defined,
                        };
                        let key = self.key(file, &owned, "hold.exit.key")?;
                        let mut chars = key.as_str().chars();
                        match (chars.next(), chars.next()) {
                            (Some(c), None) => Some((c, span)),
                            _ => {
                                self.push(
                                    Diagnostic::new(
                                        Code::InvalidValue,
                                        span,
                                        format!("`hold.exit.key` is `{key}`: one key is needed"),
                                    )
                                    .label("a waiting caller leaves the queue on one key")
                                    .note("Asterisk's queue exit `context` takes one digit, too"),
                                );
                                None
                            }
                        }
                    }
                    None => {
                        self.push(
                            Diagnostic::new(Code::MissingField, whole, "`exit` needs `key`")
                                .label("`key` is missing")
                                .help("add `key: \"1\"`"),
                        );
                        None
                    }
                };
                let to = match &x.value.to {
                    Some(t) => Some(self.resolve(file, t)),
                    None => {
                        self.push(
                            Diagnostic::new(Code::MissingField, whole, "`exit` needs `to`")
                                .label("`to` is missing")
                                .help("add `to: <node id>`: where a caller who presses the key goes"),
                        );
                        None
                    }
                };
                let (key, key_span) = key?;
                Some(Box::new(HoldExit { key, key_span, to: to? }))
            }),
        }
    }

    /// `queues:`: each queue's settings, handed to the builder (which checks their values).
    pub(super) fn lower_queues(&mut self, file: FileId, raw: &S<Entries<S<String>, S<RawQueue>>>) {
        for (name, q) in &raw.value.0 {
            let name = self.at(file, name);
            let q = &q.value;
            let mut plans = ReasonPlans::default();
            let mut plan_spans = Vec::new();
            let given = [
                (NoOperatorReason::Unstaffed, &q.when_unstaffed),
                (NoOperatorReason::Full, &q.when_full),
                (NoOperatorReason::Closed, &q.when_closed),
                (NoOperatorReason::WaitedTooLong, &q.when_waited_too_long),
            ];
            for (reason, plan) in given {
                if let Some(p) = plan {
                    plan_spans.push((reason, self.span(file, &p.referenced)));
                    *plans.slot_mut(reason) = self.lower_no_operator(file, p);
                }
            }
            let spec = QueueSpec {
                max_waiting: q
                    .max_waiting
                    .as_ref()
                    .and_then(|m| self.count(file, "max_waiting", m, u64::from(u32::MAX), "1 to 4294967295")),
                hours: q.hours.as_ref().map(|h| self.at(file, h)),
                max_wait: q
                    .max_wait
                    .as_ref()
                    .and_then(|m| self.parse_duration_at(file, "max_wait", m)),
                join_empty: q.join_empty.as_ref().map(|b| b.value),
                leave_when_empty: q.leave_when_empty.as_ref().map(|b| b.value),
                plans,
                plan_spans,
            };
            self.b.add_queue(name, spec);
        }
    }

    /// `when_no_operator:`; `None` (with a finding) when it cannot be used.
    pub(super) fn lower_no_operator(&mut self, file: FileId, raw: &S<RawNoOperator>) -> Option<NoOperator> {
        let whole = self.span(file, &raw.referenced);
        let w = &raw.value;
        let Some(action) = &w.action else {
            self.push(
                Diagnostic::new(Code::MissingField, whole, "`when_no_operator` has no `action`")
                    .label("add `action: hold`, `message`, `callback` or `goto`"),
            );
            return None;
        };
        let aspan = self.span(file, &action.referenced);
        let name = action.value.as_str();
        if !NO_OPERATOR_ACTIONS.contains(&name) {
            let mut d = Diagnostic::new(Code::InvalidValue, aspan, format!("unknown action `{name}`"))
                .label("expected `hold`, `message`, `callback` or `goto`");
            if let Some(h) = suggest(name, NO_OPERATOR_ACTIONS) {
                d = d.help(h);
            }
            self.push(d);
            return None;
        }
        // Fields the action does not use.
        let (uses, _) = action_fields(name);
        let given = [
            ("max_wait", w.max_wait.as_ref().map(|v| &v.referenced)),
            ("prompt", w.prompt.as_ref().map(|v| &v.referenced)),
            ("to", w.to.as_ref().map(|v| &v.referenced)),
        ];
        for (field, loc) in given {
            if let Some(loc) = loc
                && !uses.contains(&field)
            {
                let span = self.span(file, loc);
                self.push(
                    Diagnostic::new(
                        Code::FieldNotForKind,
                        span,
                        format!("`action: {name}` does not use `{field}`"),
                    )
                    .label("ignored")
                    .note(format!("`action: {name}` uses {}", uses.join(", "))),
                );
            }
        }
        let need = |cx: &mut Self, field: &str, help: &str| {
            cx.push(
                Diagnostic::new(Code::MissingField, aspan, format!("`action: {name}` needs `{field}`"))
                    .label(format!("`{field}` is missing"))
                    .help(help.to_owned()),
            );
        };
        match name {
            "hold" => {
                let Some(mw) = &w.max_wait else {
                    need(
                        self,
                        "max_wait",
                        "add `max_wait: 2m`: how long a caller holds before the line gives up",
                    );
                    return None;
                };
                let max_wait = self.duration(file, "max_wait", mw)?;
                let prompt = w.prompt.as_ref().map(|p| self.prompt(file, p));
                Some(NoOperator::Hold { max_wait, prompt })
            }
            "message" => {
                let Some(p) = &w.prompt else {
                    need(
                        self,
                        "prompt",
                        "add `prompt: { text: \"...\" }`: what the caller hears before the line hangs up",
                    );
                    return None;
                };
                Some(NoOperator::Message {
                    prompt: self.prompt(file, p),
                })
            }
            _ => {
                let Some(to) = &w.to else {
                    need(self, "to", "add `to: <node id>`");
                    return None;
                };
                let to = self.resolve(file, to);
                Some(if name == "callback" {
                    NoOperator::Callback { to }
                } else {
                    NoOperator::Goto { to }
                })
            }
        }
    }

    /// `dispositions:`: code → description.
    pub(super) fn lower_dispositions(&mut self, file: FileId, raw: &S<Entries<S<String>, S<String>>>) {
        for (code, description) in &raw.value.0 {
            let code = self.at(file, code);
            self.b.disposition(code, description.value.clone());
        }
        if raw.value.0.is_empty() {
            let span = self.span(file, &raw.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, span, "`dispositions` is empty")
                    .label("list at least one code, or leave `dispositions` out for the built-in ones"),
            );
        }
    }
}
