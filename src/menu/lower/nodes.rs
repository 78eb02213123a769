//! Lowering of nodes: the kind, the fields each kind uses, and each kind's own parts.

use super::*;

impl Cx<'_> {
    /// E002 for each key of `node` that is no node field ([`RawNode::unknown`]): "expected one
    /// of" lists the fields of the node's own kind (all node fields when its kind is missing
    /// or unknown), and "did you mean" looks there first, then among the other kinds' fields.
    ///
    /// A suggestion that is one of the kind's required fields is remembered ([`Cx::misspelt`]),
    /// so that the node is not also said to lack that field (E009): `optoins:` is one mistake.
    pub(super) fn unknown_fields(&mut self, file: FileId, id: &S<String>, node: &S<RawNode>) {
        if node.value.unknown.is_empty() {
            return;
        }
        let kind = node
            .value
            .kind
            .as_ref()
            .and_then(|k| KINDS.iter().copied().find(|n| *n == k.value));
        let fields: Vec<&str> = match kind {
            Some(k) => ["kind", "description"].into_iter().chain(allowed(k)).collect(),
            None => RawNode::FIELDS.to_vec(),
        };
        let list = fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
        let note = match kind {
            Some(k) => format!("expected one of {list} (the fields of a `{k}` node)"),
            None => format!("expected one of {list}"),
        };
        let format = crate::menu::indent::menu_fields();
        let id_span = self.span(file, &id.referenced);
        for key in &node.value.unknown {
            let span = self.span(file, &key.referenced);
            let mut d = Diagnostic::new(Code::UnknownField, span, format!("unknown field `{}`", key.value))
                .label("not a field here")
                .note(note.clone());
            if kind.is_none() && node.value.kind.is_none() && is_kind_alias(&key.value) {
                // `type: menu`: the node's kind under another name, one mistake said once (the
                // node is not also said to have no `kind`, see `kind_of`).
                d = Diagnostic::new(Code::UnknownField, span, format!("unknown field `{}`", key.value))
                    .label("not a field here")
                    .note(format!("a node's kind is given by `kind:`: {}", kinds_list()))
                    .help("did you mean `kind`?");
                self.misspelt.insert((id_span, "kind".to_owned()));
            } else if let Some(s) = did_you_mean(&key.value, fields.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
                self.misspelt.insert((id_span, s.to_owned()));
            } else if let Some(s) = did_you_mean(&key.value, RawNode::FIELDS.iter().copied()) {
                let users: Vec<&str> = KINDS.iter().copied().filter(|k| allowed(k).contains(&s)).collect();
                d = d.help(format!(
                    "did you mean `{s}`? it is a field of {} nodes, not of `{}` nodes",
                    users.join(", "),
                    kind.unwrap_or_default()
                ));
            }
            // `prompt:` with its `text:` under-indented: one mistake, said once.
            if let Some((nd, parent)) = crate::menu::indent::under_empty_key(self.sources, file, format, &d) {
                self.misspelt.insert((id_span, parent.to_owned()));
                d = nd;
            } else if let Some(nd) = crate::menu::indent::over_indented_field(self.sources, file, format, &d) {
                self.misspelt.insert((id_span, key.value.clone()));
                d = nd;
            }
            self.push(d);
        }
    }

    /// The node's kind, or `None` (with a finding) when it is missing or unknown.
    pub(super) fn kind_of(&mut self, file: FileId, id: &S<String>, node: &S<RawNode>) -> Option<&'static str> {
        match &node.value.kind {
            Some(k) => match KINDS.iter().find(|n| **n == k.value) {
                Some(n) => Some(n),
                None => {
                    let span = self.span(file, &k.referenced);
                    let mut d = Diagnostic::new(Code::InvalidValue, span, format!("unknown node kind `{}`", k.value))
                        .label("not a node kind")
                        .note(format!("kinds are {}", kinds_list()));
                    if let Some(h) = suggest(&k.value, KINDS) {
                        d = d.help(h);
                    }
                    self.push(d);
                    None
                }
            },
            None => {
                let span = self.span(file, &id.referenced);
                if self.misspelt.contains(&(span, "kind".to_owned())) {
                    return None; // Its kind is written under another name, already reported.
                }
                self.push(
                    Diagnostic::new(Code::MissingField, span, format!("node `{}` has no `kind`", id.value))
                        .label("add `kind: menu` (or message, collect, route, transfer, hangup)"),
                );
                None
            }
        }
    }

    /// E009: the `kind` node `id` (its id at `span`) lacks the required field `what`; unless
    /// a misspelling of it on that node was already reported (E002).
    fn need(&mut self, span: Span, kind: &str, id: &str, what: &str, help: &str) {
        if self.misspelt.contains(&(span, what.to_owned())) {
            return;
        }
        self.push(
            Diagnostic::new(
                Code::IncompleteNode,
                span,
                format!("`{kind}` node `{id}` has no `{what}`"),
            )
            .label(format!("`{what}` is required here"))
            .help(help.to_owned()),
        );
    }

    pub(super) fn lower_node(
        &mut self,
        file: FileId,
        span: Span,
        id: &str,
        n: &RawNode,
        kind: &'static str,
    ) -> NodeSpec {
        // Fields this kind does not use.
        let ok = allowed(kind);
        for (field, loc) in n.present() {
            if field == "kind" || field == "description" || field == "lint_allow" || ok.contains(&field) {
                continue;
            }
            let vspan = self.span(file, loc);
            let kspan = self.key_span(file, vspan, field);
            let users: Vec<&str> = KINDS.iter().copied().filter(|k| allowed(k).contains(&field)).collect();
            self.push(
                Diagnostic::new(
                    Code::FieldNotForKind,
                    kspan,
                    format!("`{kind}` nodes do not use `{field}`"),
                )
                .label(format!("ignored on node `{id}`"))
                .note(format!("`{field}` belongs to {} nodes", users.join(", ")))
                .note(format!(
                    "`{kind}` nodes use {}",
                    ok.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        let need = |cx: &mut Self, what: &str, help: &str| cx.need(span, kind, id, what, help);
        let prompt = |cx: &mut Self| match &n.prompt {
            Some(p) => cx.prompt(file, p),
            None => {
                need(cx, "prompt", "add `prompt: { text: \"...\", audio: clip.wav }`");
                Self::empty_prompt(span)
            }
        };
        let next = |cx: &mut Self| match &n.next {
            Some(t) => cx.resolve(file, t),
            None => {
                need(cx, "next", "add `next: <node id>` for where the call goes afterwards");
                Self::missing_ref(span)
            }
        };
        match kind {
            "menu" => {
                let prompt = prompt(self);
                let options = self.lower_options(file, span, id, n);
                let listen = self.listen(file, n);
                NodeSpec::Menu {
                    prompt,
                    options,
                    listen,
                }
            }
            "message" => NodeSpec::Message {
                prompt: prompt(self),
                next: next(self),
                barge_in: n.barge_in.as_ref().map(|b| b.value),
            },
            "collect" => {
                let prompt = prompt(self);
                let digits = self.lower_digits(file, span, n);
                let pattern = n.pattern.as_ref().and_then(|p| self.regex(file, "pattern", p));
                let store = match &n.store {
                    Some(s) => self.identifier(file, "store", s),
                    None => {
                        need(self, "store", "add `store: <variable name>` for the collected value");
                        String::new()
                    }
                };
                let next = next(self);
                let listen = self.listen(file, n);
                NodeSpec::Collect {
                    prompt,
                    digits,
                    pattern,
                    store,
                    next,
                    listen,
                }
            }
            "route" => {
                let routes = self.lower_routes(file, span, id, n);
                let default = match &n.default {
                    Some(t) => self.resolve(file, t),
                    None => {
                        need(self, "default", "add `default: <node id>` for calls no route matches");
                        Self::missing_ref(span)
                    }
                };
                NodeSpec::Route(RouteNode { routes, default })
            }
            "transfer" => {
                let queue = match &n.queue {
                    Some(q) if !q.value.trim().is_empty() => q.value.clone(),
                    _ => {
                        need(self, "queue", "add `queue: <queue name>` for where the call waits");
                        String::new()
                    }
                };
                let priority = self.priority(file, n);
                let context = n
                    .context
                    .as_ref()
                    .map(|c| c.value.iter().map(|v| self.identifier(file, "context", v)).collect());
                let hold = n.hold.as_deref().map(|h| self.lower_hold(file, Some(h)));
                let when_no_operator = n.when_no_operator.as_deref().map(|w| self.lower_no_operator(file, w));
                NodeSpec::Transfer {
                    queue,
                    priority,
                    prompt: n.prompt.as_ref().map(|p| self.prompt(file, p)),
                    context,
                    hold,
                    when_no_operator,
                }
            }
            "external" => {
                let app = match &n.app {
                    Some(a) => match ExternalApp::ALL.iter().find(|x| x.name() == a.value) {
                        Some(&x) => x,
                        None => {
                            let aspan = self.span(file, &a.referenced);
                            let names: Vec<&str> = ExternalApp::ALL.iter().map(|x| x.name()).collect();
                            let mut d = Diagnostic::new(
                                Code::InvalidValue,
                                aspan,
                                format!("unknown external app `{}`", a.value),
                            )
                            .label("expected `voicemail`, `application` or `flow`");
                            if let Some(h) = suggest(&a.value, names.iter().copied()) {
                                d = d.help(h);
                            }
                            self.push(d);
                            ExternalApp::Application
                        }
                    },
                    None => {
                        need(
                            self,
                            "app",
                            "add `app: voicemail` (or `application`, `flow`) for what takes the call",
                        );
                        ExternalApp::Application
                    }
                };
                let name = match &n.target {
                    Some(x) if !x.value.trim().is_empty() => x.value.clone(),
                    _ => {
                        need(
                            self,
                            "target",
                            "add `target: <box, application or flow>` for which one takes the call",
                        );
                        String::new()
                    }
                };
                let on = n.on.as_ref().map(|o| {
                    let ospan = self.span(file, &o.referenced);
                    let branch = |cx: &mut Self, r: &Option<S<String>>, which: &str| match r {
                        Some(t) => cx.resolve(file, t),
                        None => {
                            cx.push(
                                Diagnostic::new(Code::MissingField, ospan, format!("`on` has no `{which}`"))
                                    .label(format!("add `{which}: <node id>`"))
                                    .help("an external step that comes back needs both `success` and `error`"),
                            );
                            Self::missing_ref(ospan)
                        }
                    };
                    let success = branch(self, &o.value.success, "success");
                    let error = branch(self, &o.value.error, "error");
                    ExternalBranches { success, error }
                });
                let store = match &n.store {
                    Some(s) => self.identifier(file, "store", s),
                    None => DEFAULT_EXTERNAL_STORE.to_owned(),
                };
                NodeSpec::External(ExternalNode {
                    app,
                    name,
                    prompt: n.prompt.as_ref().map(|p| self.prompt(file, p)),
                    on,
                    store,
                })
            }
            "callback" => {
                let queue = match &n.queue {
                    Some(q) if !q.value.trim().is_empty() => q.value.clone(),
                    _ => {
                        need(self, "queue", "add `queue: <queue name>` for who calls back");
                        String::new()
                    }
                };
                let number = match &n.number {
                    Some(v) => self.identifier(file, "number", v),
                    None => {
                        need(
                            self,
                            "number",
                            "add `number: caller_id` (the variable holding the number)",
                        );
                        String::new()
                    }
                };
                let priority = self.priority(file, n);
                NodeSpec::Callback(CallbackNode {
                    queue,
                    number,
                    priority,
                    prompt: n.prompt.as_ref().map(|p| self.prompt(file, p)),
                    next: next(self),
                })
            }
            "record" => {
                let dur = |cx: &mut Self, field: &str, v: &Option<Box<S<String>>>| {
                    v.as_deref().and_then(|v| cx.duration(file, field, v))
                };
                let max_length = dur(self, "max_length", &n.max_length).unwrap_or(DEFAULT_MAX_RECORDING);
                let final_silence = dur(self, "final_silence", &n.final_silence).unwrap_or(DEFAULT_FINAL_SILENCE);
                let timeout = dur(self, "timeout", &n.timeout);
                let terminator = n.terminator.as_deref().and_then(|t| {
                    let key = self.key(file, t, "terminator")?;
                    if key.as_str().chars().count() != 1 {
                        let span = self.span(file, &t.referenced);
                        self.push(
                            Diagnostic::new(
                                Code::InvalidValue,
                                span,
                                format!("`terminator` `{key}` is more than one key"),
                            )
                            .label("a recording ends at one key")
                            .help("write one key, e.g. `terminator: \"#\"`, or leave it out so that any key ends it"),
                        );
                        return None;
                    }
                    Some(key)
                });
                let store = match &n.store {
                    Some(s) => self.identifier(file, "store", s),
                    None => DEFAULT_RECORDING_STORE.to_owned(),
                };
                let next = next(self);
                let no_speech = n.no_speech.as_deref().map(|t| self.resolve(file, t));
                NodeSpec::Record {
                    record: RecordNode {
                        prompt: n.prompt.as_ref().map(|p| self.prompt(file, p)),
                        beep: n.beep.as_ref().is_none_or(|b| b.value),
                        max_length,
                        final_silence,
                        timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
                        terminator,
                        store,
                        next,
                        no_speech,
                    },
                    timeout,
                }
            }
            _ => NodeSpec::Hangup(HangupNode {
                prompt: n.prompt.as_ref().map(|p| self.prompt(file, p)),
                reason: n
                    .reason
                    .as_ref()
                    .map_or_else(|| "self-service".to_owned(), |r| r.value.clone()),
            }),
        }
    }

    pub(super) fn lower_options(&mut self, file: FileId, span: Span, id: &str, n: &RawNode) -> Vec<OptionSpec> {
        let Some(raw) = &n.options else {
            self.need(
                span,
                "menu",
                id,
                "options",
                "add `options: [{ key: \"1\", to: <node id> }]`",
            );
            return Vec::new();
        };
        if raw.value.is_empty() {
            let ospan = self.span(file, &raw.referenced);
            let ospan = self.key_span(file, ospan, "options");
            self.push(
                Diagnostic::new(Code::IncompleteNode, ospan, format!("menu `{id}` has no options"))
                    .label("empty list")
                    .help("a menu needs at least one option; use a `message` node to only play a prompt"),
            );
        }
        let mut out = Vec::new();
        for o in &raw.value {
            let ospan = self.span(file, &o.referenced);
            let pattern = o.value.pattern.as_ref().and_then(|p| {
                let at = self.span(file, &p.referenced);
                match crate::menu::KeyPattern::parse(&p.value) {
                    Ok(k) => Some(At::new(k, at)),
                    Err(why) => {
                        self.push(
                            Diagnostic::new(Code::InvalidValue, at, format!("bad pattern `{}`", p.value)).label(why),
                        );
                        None
                    }
                }
            });
            if let (Some(k), Some(p)) = (&o.value.key, &o.value.pattern) {
                let at = self.span(file, &p.referenced);
                self.push(
                    Diagnostic::new(Code::InvalidValue, at, "an option has a `key` or a `pattern`, not both")
                        .label("two ways to choose one option")
                        .with_secondary(self.span(file, &k.referenced), "the key")
                        .help("make a second option for the pattern"),
                );
            }
            let store = o.value.store.as_ref().map(|s| self.identifier(file, "store", s));
            let key = match &o.value.key {
                _ if o.value.pattern.is_some() => None,
                Some(k) => self.key(file, k, "key"),
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, ospan, "option has no `key`")
                            .label("add `key: \"1\"` (or a `pattern: \"_7XXX\"`)")
                            .help("if you wrote `key: #` or `key: *`, quote the key"),
                    );
                    None
                }
            };
            let to = match &o.value.to {
                Some(t) => self.resolve(file, t),
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, ospan, "option has no `to`").label("add `to: <node id>`"),
                    );
                    Self::missing_ref(ospan)
                }
            };
            let key_span = o.value.key.as_ref().map_or(ospan, |k| self.span(file, &k.referenced));
            out.push(OptionSpec {
                key: key.map(|k| At::new(k, key_span)),
                at: ospan,
                to,
                say: o.value.say.iter().flatten().map(|w| self.at(file, w)).collect(),
                label: o.value.label.as_ref().map(|l| l.value.clone()),
                language: o.value.language.as_ref().map(|l| self.at(file, l)),
                pattern,
                store,
                set: o
                    .value
                    .set
                    .as_ref()
                    .map(|s| self.lower_set(file, s))
                    .unwrap_or_default(),
            });
        }
        out
    }

    pub(super) fn lower_digits(&mut self, file: FileId, span: Span, n: &RawNode) -> DigitsSpec {
        let Some(d) = &n.digits else {
            self.push(
                Diagnostic::new(Code::IncompleteNode, span, "`collect` node has no `digits`")
                    .label("`digits` is required here")
                    .help("add `digits: { min: 1, max: 10, terminator: \"#\" }`"),
            );
            return DigitsSpec {
                at: span,
                min: Some(At::new(1, span)),
                max: Some(At::new(1, span)),
                terminator: None,
                keys: None,
            };
        };
        let terminator = d.value.terminator.as_ref().and_then(|t| {
            let key = self.key(file, t, "terminator")?;
            Some(At::new(key, self.span(file, &t.referenced)))
        });
        DigitsSpec {
            at: self.span(file, &d.referenced),
            // A value too large (or not a number) is reported here and read as the largest
            // allowed, so the collect is not also said to lack it.
            min: d.value.min.as_ref().map(|m| {
                let range = format!("1 to {MAX_COLLECT_DIGITS}");
                let span = self.span(file, &m.referenced);
                self.count(file, "digits.min", m, u64::from(u32::MAX), &range)
                    .unwrap_or(At::new(1, span))
            }),
            max: d.value.max.as_ref().map(|m| {
                let range = format!("1 to {MAX_COLLECT_DIGITS}");
                let span = self.span(file, &m.referenced);
                self.count(file, "digits.max", m, u64::from(u32::MAX), &range)
                    .unwrap_or(At::new(MAX_COLLECT_DIGITS, span))
            }),
            terminator,
            keys: d.value.keys.as_ref().map(|k| self.at(file, k)),
        }
    }

    pub(super) fn lower_routes(&mut self, file: FileId, span: Span, id: &str, n: &RawNode) -> Vec<Route> {
        let Some(raw) = &n.routes else {
            self.push(
                Diagnostic::new(
                    Code::IncompleteNode,
                    span,
                    format!("`route` node `{id}` has no `routes`"),
                )
                .label("`routes` is required here")
                .help("add `routes: [{ when: { hours: office_hours }, to: <node id> }]`"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for r in &raw.value {
            let rspan = self.span(file, &r.referenced);
            let to = match &r.value.to {
                Some(t) => self.resolve(file, t),
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, rspan, "route has no `to`").label("add `to: <node id>`"),
                    );
                    Self::missing_ref(rspan)
                }
            };
            let when = match &r.value.when {
                Some(w) => self.lower_when(file, w),
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, rspan, "route has no `when`")
                            .label("add a condition, e.g. `when: { hours: office_hours }`")
                            .help("for the route taken when nothing else holds, use the node's `default`"),
                    );
                    Vec::new()
                }
            };
            out.push(Route { when, to });
        }
        out
    }

    pub(super) fn lower_when(&mut self, file: FileId, w: &S<super::raw::RawWhen>) -> Vec<Test> {
        let wspan = self.span(file, &w.referenced);
        let w = &w.value;
        let mut tests = Vec::new();
        let ops = [
            w.equals.is_some(),
            w.matches.is_some(),
            w.one_of.is_some(),
            w.less_than.is_some(),
            w.at_most.is_some(),
            w.greater_than.is_some(),
            w.at_least.is_some(),
            w.between.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        match (&w.var, ops) {
            (Some(v), 1) => {
                let var = self.identifier(file, "var", v);
                if let Some(e) = &w.equals {
                    tests.push(Test::Equals {
                        var,
                        value: e.value.clone(),
                    });
                } else if let Some(m) = &w.matches {
                    if let Some(pattern) = self.regex(file, "matches", m) {
                        tests.push(Test::Matches { var, pattern });
                    }
                } else if let Some(values) = &w.one_of {
                    tests.push(Test::OneOf {
                        var,
                        values: values.value.iter().map(|v| v.value.clone()).collect(),
                    });
                } else if let Some(b) = &w.between {
                    let bspan = self.span(file, &b.referenced);
                    match b.value.as_slice() {
                        [low, high] if low.value.is_finite() && high.value.is_finite() && low.value <= high.value => {
                            tests.push(Test::Between {
                                var,
                                low: low.value,
                                high: high.value,
                            });
                        }
                        [low, high] if low.value.is_finite() && high.value.is_finite() => self.push(
                            Diagnostic::new(Code::InvalidValue, bspan, "`between` runs backwards")
                                .label(format!(
                                    "{} is more than {}: no value is between them",
                                    low.value, high.value
                                ))
                                .help(format!("write `between: [{}, {}]`", high.value, low.value)),
                        ),
                        _ => self.push(
                            Diagnostic::new(Code::InvalidValue, bspan, "`between` needs two numbers")
                                .label("write `between: [low, high]`, both included"),
                        ),
                    }
                } else {
                    let (op, v) = [
                        (CompareOp::Less, &w.less_than),
                        (CompareOp::AtMost, &w.at_most),
                        (CompareOp::Greater, &w.greater_than),
                        (CompareOp::AtLeast, &w.at_least),
                    ]
                    .into_iter()
                    .find_map(|(op, v)| v.as_ref().map(|v| (op, v)))
                    .expect("one comparison is given");
                    if v.value.is_finite() {
                        tests.push(Test::Compare {
                            var,
                            op,
                            value: v.value,
                        });
                    } else {
                        let vspan = self.span(file, &v.referenced);
                        self.push(
                            Diagnostic::new(Code::InvalidValue, vspan, format!("`{}` needs a number", op.name()))
                                .label("not a finite number"),
                        );
                    }
                }
            }
            (Some(v), 0) => {
                let s = self.span(file, &v.referenced);
                self.push(
                    Diagnostic::new(
                        Code::IncompleteNode,
                        s,
                        format!("`var: {}` needs a comparison", v.value),
                    )
                    .label("add `equals`, `matches`, `in`, `less_than`, `at_most`, `greater_than`, `at_least` or `between`"),
                );
            }
            (Some(_), _) => {
                self.push(
                    Diagnostic::new(Code::InvalidValue, wspan, "more than one comparison for one `var`")
                        .label("give exactly one of `equals`, `matches`, `in`, `less_than`, `at_most`, `greater_than`, `at_least`, `between`")
                    .help("for a range, write `between: [low, high]`; for several conditions, one route each"),
                );
            }
            (None, 0) => {}
            (None, _) => {
                self.push(
                    Diagnostic::new(Code::IncompleteNode, wspan, "comparison without `var`")
                        .label("add `var: <variable name>`"),
                );
            }
        }
        if let Some(h) = &w.hours {
            let h = self.at(file, h);
            if self.b.known_schedule(&h) {
                tests.push(Test::Hours(h.value));
            }
        }
        if let Some(l) = &w.language {
            let l = self.at(file, l);
            if self.b.known_language(&l) {
                tests.push(Test::Language(l.value));
            }
        }
        if w.var.is_none() && ops == 0 && w.hours.is_none() && w.language.is_none() {
            self.push(
                Diagnostic::new(Code::IncompleteNode, wspan, "empty `when`")
                    .label("add `var`, `hours` or `language`")
                    .help("for the route taken when nothing else holds, use the node's `default`"),
            );
        }
        tests
    }
}

impl Cx<'_> {
    /// A node's `priority` (`transfer`, `callback`); `normal` when absent or unknown (E016).
    fn priority(&mut self, file: FileId, n: &RawNode) -> Priority {
        match &n.priority {
            Some(p) => match Priority::parse(&p.value) {
                Some(x) => x,
                None => {
                    let pspan = self.span(file, &p.referenced);
                    let digits = !p.value.trim().is_empty() && p.value.trim().bytes().all(|b| b.is_ascii_digit());
                    let mut d = if digits {
                        Diagnostic::new(
                            Code::InvalidValue,
                            pspan,
                            format!("priority `{}` is out of range", p.value.trim()),
                        )
                        .label("a level from 1 (answered first) to 9 (answered last)")
                    } else {
                        Diagnostic::new(Code::InvalidValue, pspan, format!("unknown priority `{}`", p.value))
                            .label("expected `urgent`, `high`, `normal`, `low` or a level 1 to 9")
                    };
                    if !digits && let Some(h) = suggest(&p.value, Priority::NAMED.iter().map(|x| x.0)) {
                        d = d.help(h);
                    }
                    self.push(d);
                    Priority::Normal
                }
            },
            None => Priority::Normal,
        }
    }

    /// A `set:` map (of a node or an option): each entry's name must be a variable name, and a
    /// `+N`/`-N` must fit (E016).
    pub(super) fn lower_set(&mut self, file: FileId, set: &super::raw::Entries<S<String>, S<String>>) -> Vec<SetVar> {
        let mut out = Vec::with_capacity(set.0.len());
        for (name, value) in &set.0 {
            let var = self.identifier(file, "set", name);
            let span = self.span(file, &name.referenced);
            match crate::rules::vars::parse_set_value(&value.value) {
                Ok(v) => out.push(SetVar { var, value: v, span }),
                Err(why) => {
                    let vspan = self.span(file, &value.referenced);
                    self.push(
                        Diagnostic::new(Code::InvalidValue, vspan, format!("`set` of `{}`: {why}", name.value))
                            .label("does not fit a 64-bit whole number"),
                    );
                }
            }
        }
        out
    }
}

/// Names written for `kind` that are not near it by spelling: `type`, `node_type`, `nodeKind`
/// (compared without case, `_` and `-`). A near spelling (`kidn`) is found by [`did_you_mean`].
const KIND_ALIASES: [&str; 6] = ["type", "nodetype", "nodekind", "kindof", "typeof", "category"];

/// Whether `key` is another name for `kind`, or a near spelling of it.
fn is_kind_alias(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    KIND_ALIASES.contains(&folded.as_str()) || did_you_mean(key, ["kind"]).is_some()
}

/// The node kinds, for a note: "`menu`, `message`, … or `hangup`".
fn kinds_list() -> String {
    let quoted: Vec<String> = KINDS.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
