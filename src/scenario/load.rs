//! Loading scenario files: the same YAML reading and rustc-style findings as menus.

use std::path::Path;
use std::time::Duration;

use super::format::{RawEvent, RawExpect, RawFile, RawStart, RawStep, S};
use super::timeline::{EventExpect, EventKind, When};
use super::{Expect, Scenario, ScenarioFile, Step, StepKind, TransferExpect};
use crate::diag::{Code, Diagnostic};
use crate::engine::{CallClock, CallStart};
use crate::menu::load::{ReadError, parse_file, read_text};
use crate::source::{FileId, Sources, Span};

/// The named priorities `expect: { transfer: { priority } }` knows (a level 1 to 9 is
/// accepted too, see [`crate::menu::Priority`]).
pub(crate) const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
/// The reasons `expect: { transfer: { reason } }` knows.
pub(crate) const REASONS: [&str; 4] = ["chosen", "operator_key", "max_no_input", "max_no_match"];

/// Loads a scenario file; `None` with findings when it cannot be used.
///
/// # Errors
/// [`ReadError`] when the file cannot be read at all.
pub fn load_scenarios(
    path: &Path,
    sources: &mut Sources,
) -> Result<(Option<ScenarioFile>, Vec<Diagnostic>), ReadError> {
    let text = read_text(path).map_err(|source| ReadError {
        path: path.to_owned(),
        source,
    })?;
    let file = sources.add(path.display().to_string(), text.text);
    let mut diags = Vec::new();
    if let Some(d) = menu_file_instead(sources, file) {
        diags.push(d);
        return Ok((None, diags));
    }
    let Some(raw) = parse_file::<RawFile>(sources, file, text.invalid_utf8_at, &mut diags) else {
        return Ok((None, diags));
    };
    let mut cx = Cx {
        sources,
        file,
        diags: &mut diags,
    };
    let top = cx.span(&raw.referenced);
    let raw = raw.value;
    let Some(menu) = raw.menu else {
        cx.push(Diagnostic::new(Code::MissingField, top, "missing field `menu`").label("name the menu file to test"));
        return Ok((None, diags));
    };
    let menu_span = cx.span(&menu.referenced);
    let dir = path.parent().unwrap_or(Path::new(""));
    let menu_path = crate::menu::normalize_path(&dir.join(&menu.value));
    let mut scenarios = Vec::new();
    match &raw.scenarios {
        Some(list) if !list.value.is_empty() => {
            let mut names: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
            for s in &list.value {
                if let Some(sc) = cx.scenario(s) {
                    if let Some(first) = names.get(&sc.name) {
                        let d = Diagnostic::new(
                            Code::InvalidValue,
                            sc.span,
                            format!("two scenarios are named `{}`", sc.name),
                        )
                        .label("second one")
                        .with_secondary(*first, "first one")
                        .help("give every scenario its own name: reports tell them apart by it");
                        cx.push(d);
                        continue;
                    }
                    names.insert(sc.name.clone(), sc.span);
                    scenarios.push(sc);
                }
            }
        }
        other => {
            let span = other.as_ref().map_or(top, |l| cx.span(&l.referenced));
            cx.push(Diagnostic::new(Code::MissingField, span, "no `scenarios`").label("add at least one scenario"));
        }
    }
    let ok = !diags.iter().any(|d| d.severity() == crate::diag::Severity::Error);
    let out = ScenarioFile {
        path: path.to_owned(),
        menu: menu_path,
        menu_span,
        scenarios,
    };
    Ok((ok.then_some(out), diags))
}

/// The reading of one file's values into the model, collecting findings; shared with the
/// training call loader (`crate::operator::training`), which takes `start` and `steps` as
/// scenarios write them.
pub(crate) struct Cx<'a> {
    pub(crate) sources: &'a Sources,
    pub(crate) file: FileId,
    pub(crate) diags: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    /// The span of a value's place in this file.
    pub(crate) fn span(&self, loc: &serde_saphyr::Location) -> Span {
        self.sources.span_of(self.file, loc)
    }

    /// Adds a finding.
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// A duration (`30s`, `1m30s`, `500ms`), or `None` with an E016 finding at its place.
    pub(crate) fn duration(&mut self, v: &S<String>) -> Option<Duration> {
        let span = self.span(&v.referenced);
        crate::menu::duration_at(&v.value, span).map_err(|d| self.push(*d)).ok()
    }

    fn scenario(&mut self, s: &S<super::format::RawScenario>) -> Option<Scenario> {
        let span = self.span(&s.referenced);
        let raw = &s.value;
        let name = match &raw.name {
            Some(n) if !n.value.trim().is_empty() => n.value.clone(),
            _ => {
                self.push(Diagnostic::new(Code::MissingField, span, "scenario has no `name`").label("name it"));
                String::new()
            }
        };
        let start = raw.start.as_ref().map(|st| self.start(&st.value)).unwrap_or_default();
        let busy = raw.start.as_ref().and_then(|st| self.busy(&st.value));
        let line = raw.start.as_ref().and_then(|st| self.line_start(&st.value));
        let mut steps = Vec::new();
        for st in raw.steps.iter().flat_map(|s| s.value.iter()) {
            if let Some(step) = self.step(st) {
                steps.push(step);
            }
        }
        // Operator steps script a call-taker console: without an operator line the call
        // ends at its handoff, and there is nobody to script.
        if !start.operator_line
            && let Some(step) = steps.iter().find(|s| matches!(s.kind, StepKind::Operator(_)))
        {
            self.push(
                Diagnostic::new(Code::InvalidValue, step.span, "an operator step needs an operator line")
                    .label("without one, the call ends at its handoff")
                    .help("say how the queue takes the call, e.g. `start: { operator: { staffed: 1 } }`"),
            );
            return None;
        }
        if steps.is_empty() {
            // With steps written but all invalid, their own findings say enough.
            if raw.steps.as_ref().is_none_or(|s| s.value.is_empty()) {
                self.push(
                    Diagnostic::new(Code::MissingField, span, format!("scenario `{name}` has no `steps`"))
                        .label("add steps"),
                );
            }
            return None;
        }
        let language_at = raw
            .start
            .as_ref()
            .and_then(|st| st.value.language.as_ref())
            .map(|l| self.span(&l.referenced));
        Some(Scenario {
            name,
            span,
            start,
            busy,
            line,
            steps,
            language_at,
        })
    }

    /// `start: { at, language, vars }`: how the call starts (an invalid `at` is a finding and
    /// leaves the default clock).
    pub(crate) fn start(&mut self, st: &RawStart) -> CallStart {
        let mut start = CallStart::default();
        if let Some(at) = &st.at {
            // The parser of `call --at` and `check --at`: one syntax for a local date-time.
            match crate::engine::parse_local_datetime(&at.value) {
                Ok(dt) => start.clock = CallClock::new(dt),
                Err(why) => {
                    let sp = self.span(&at.referenced);
                    self.push(Diagnostic::new(Code::InvalidValue, sp, "invalid `at`").label(why));
                }
            }
        }
        start.language = st.language.as_ref().map(|l| l.value.clone());
        for (k, v) in st.vars.iter().flat_map(|v| v.0.iter()) {
            start.variables.insert(k.value.clone(), v.value.clone());
        }
        if let Some(op) = &st.operator {
            match &op.value {
                super::format::RawOperatorStart::Word(w) if matches!(w.as_str(), "unavailable" | "busy" | "full") => {
                    start.operator_line = true;
                }
                super::format::RawOperatorStart::Line(_) => start.operator_line = true,
                super::format::RawOperatorStart::Word(w) => {
                    let sp = self.span(&op.referenced);
                    self.push(
                        Diagnostic::new(Code::InvalidValue, sp, format!("unknown `operator: {w}`"))
                            .label("expected `unavailable`, `busy`, `full` or `{ staffed, waiting }`")
                            .help(
                                "`operator: unavailable` runs the transfers' `when_no_operator` plans; \
                                 `operator: busy` waits in the queue; `operator: full` is refused by it; \
                                 `operator: { staffed: 2, waiting: 3 }` scripts the call-takers",
                            ),
                    );
                }
            }
        }
        start
    }

    /// `start: { operator: busy, waiting }`: the callers ahead, when the call waits in a busy
    /// queue.
    pub(crate) fn busy(&mut self, st: &RawStart) -> Option<usize> {
        let busy = st
            .operator
            .as_ref()
            .is_some_and(|o| matches!(&o.value, super::format::RawOperatorStart::Word(w) if w == "busy"));
        let line = st
            .operator
            .as_ref()
            .is_some_and(|o| matches!(o.value, super::format::RawOperatorStart::Line(_)));
        if let Some(w) = &st.waiting
            && !busy
            && !line
        {
            let sp = self.span(&w.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, sp, "`waiting` needs `operator: busy`")
                    .label("callers ahead in a queue nobody answers")
                    .help("add `operator: busy`"),
            );
        }
        busy.then(|| st.waiting.as_ref().map_or(0, |w| w.value as usize))
    }

    /// One step (an action or an expectation), or `None` with its findings.
    pub(crate) fn step(&mut self, st: &S<RawStep>) -> Option<Step> {
        let span = self.span(&st.referenced);
        let r = &st.value;
        let actions = [
            r.press.is_some(),
            r.say.is_some(),
            r.silence.is_some(),
            r.hangup.is_some(),
            r.expect.is_some(),
            r.operator.is_some(),
        ];
        if actions.iter().filter(|a| **a).count() != 1 {
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    "a step is one of `press`, `say`, `silence`, `hangup`, `expect`, `operator`",
                )
                .label("give exactly one"),
            );
            return None;
        }
        let misplaced = [
            (
                "at",
                r.at.as_ref().map(|v| &v.referenced),
                r.press.is_some() || r.say.is_some() || r.hangup.is_some(),
            ),
            ("gap", r.gap.as_ref().map(|v| &v.referenced), r.press.is_some()),
        ];
        for (field, loc, ok) in misplaced {
            if let Some(loc) = loc
                && !ok
            {
                let sp = self.span(loc);
                self.push(
                    Diagnostic::new(
                        Code::FieldNotForKind,
                        sp,
                        format!("`{field}` does nothing on this step"),
                    )
                    .label(if field == "at" {
                        "`at` goes with `press`, `say` or `hangup`"
                    } else {
                        "`gap` goes with `press`"
                    }),
                );
                return None;
            }
        }
        let at = r.at.as_ref().and_then(|a| self.duration(a));
        let kind = if let Some(p) = &r.press {
            if let Err(e) = crate::menu::DtmfKey::parse(&p.value) {
                let sp = self.span(&p.referenced);
                self.push(
                    Diagnostic::new(Code::InvalidKey, sp, format!("invalid keys `{}`", p.value)).label(e.to_string()),
                );
                return None;
            }
            let gap = r.gap.as_ref().and_then(|g| self.duration(g)).unwrap_or_default();
            StepKind::Press {
                keys: p.value.clone(),
                at,
                gap,
            }
        } else if let Some(w) = &r.say {
            StepKind::Say {
                words: w.value.clone(),
                at,
            }
        } else if let Some(s) = &r.silence {
            if s.value.trim() == "timeout" {
                StepKind::Silence(None)
            } else {
                StepKind::Silence(Some(self.duration(s)?))
            }
        } else if let Some(h) = &r.hangup {
            if h.value == Some(false) {
                let sp = self.span(&h.referenced);
                self.push(
                    Diagnostic::new(Code::InvalidValue, sp, "`hangup: false` does nothing")
                        .label("write `hangup: true`, or remove the step"),
                );
                return None;
            }
            StepKind::Hangup { at }
        } else if let Some(o) = &r.operator {
            StepKind::Operator(self.operator_step(o)?)
        } else {
            StepKind::Expect(Box::new(self.expect(r.expect.as_ref()?)))
        };
        Some(Step { span, kind })
    }

    fn expect(&mut self, e: &S<RawExpect>) -> Expect {
        let r = &e.value;
        if let Some(t) = &r.transfer {
            let checks = [
                (&t.value.priority, &PRIORITIES[..], "priority"),
                (&t.value.reason, &REASONS[..], "reason"),
            ];
            for (v, known, what) in checks {
                if let Some(v) = v
                    && !known.contains(&v.value.as_str())
                    && !(what == "priority" && crate::menu::Priority::parse(&v.value).is_some())
                {
                    let sp = self.span(&v.referenced);
                    let mut d = Diagnostic::new(Code::InvalidValue, sp, format!("unknown {what} `{}`", v.value))
                        .label(format!("expected one of {}", known.join(", ")));
                    if let Some(h) = crate::diag::did_you_mean(&v.value, known.iter().copied()) {
                        d = d.help(format!("did you mean `{h}`?"));
                    }
                    self.push(d);
                }
            }
        }
        let span = self.span(&e.referenced);
        if let Some(k) = &r.keys
            && let (Some(a), Some(b)) = (&k.value.min, &k.value.max)
            && a.value > b.value
        {
            self.push(
                Diagnostic::new(Code::InvalidValue, span, "`keys.min` is more than `keys.max`")
                    .label("no count can hold"),
            );
        }
        let bound = |cx: &mut Self, b: &Option<S<String>>| b.as_ref().and_then(|v| cx.duration(v));
        let elapsed = match &r.elapsed {
            Some(b) => (bound(self, &b.value.min), bound(self, &b.value.max)),
            None => (None, None),
        };
        if let (Some(min), Some(max)) = elapsed
            && min > max
        {
            let at = r.elapsed.as_ref().map_or(span, |b| self.span(&b.referenced));
            self.push(
                Diagnostic::new(Code::InvalidValue, at, "`elapsed.min` is more than `elapsed.max`")
                    .label("no time can hold"),
            );
        }
        if let (Some(p), Some(n)) = (&r.passed, &r.node) {
            let sp = self.span(&n.referenced);
            let first = self.span(&p.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, sp, "both `passed` and `node`")
                    .label("`node` is the old name of `passed`")
                    .with_secondary(first, "`passed` given here")
                    .help("keep one: `passed` (at the node or passed through it), or `at_node` (at it now)"),
            );
        }
        let passed = r.passed.as_ref().or(r.node.as_ref());
        let mut names = Vec::new();
        if let Some(n) = &r.at_node {
            names.push(("at_node", n.value.clone(), self.span(&n.referenced)));
        }
        if let Some(n) = passed {
            let field = if r.passed.is_some() { "passed" } else { "node" };
            names.push((field, n.value.clone(), self.span(&n.referenced)));
        }
        let raw_events = [
            &r.prompt_started,
            &r.prompt_stopped,
            &r.reprompt,
            &r.no_input,
            &r.no_match,
            &r.handoff,
            &r.hung_up,
            &r.hold_announcement,
            &r.answered,
            &r.entered,
        ];
        let mut events = Vec::new();
        for (raw, (kind, _)) in raw_events.into_iter().zip(super::timeline::EventKind::ALL) {
            if let Some(raw) = raw
                && let Some(x) = self.event(kind, raw)
            {
                if let (Some(n), Some(at)) = (&x.node, &raw.value.node) {
                    names.push((kind.name(), n.clone(), self.span(&at.referenced)));
                }
                events.push(x);
            }
        }
        Expect {
            listen: r.listen.as_ref().is_some_and(|l| l.value),
            at_node: r.at_node.as_ref().map(|n| n.value.clone()),
            events,
            names,
            node: passed.map(|n| n.value.clone()),
            prompt: r.prompt.as_ref().map(|p| p.value.clone()),
            vars: r
                .var
                .iter()
                .flat_map(|v| v.0.iter())
                .map(|(k, v)| (k.value.clone(), v.value.clone()))
                .collect(),
            transfer: r.transfer.as_ref().map(|t| TransferExpect {
                queue: t.value.queue.as_ref().map(|q| q.value.clone()),
                priority: t.value.priority.as_ref().map(|q| q.value.clone()),
                reason: t.value.reason.as_ref().map(|q| q.value.clone()),
            }),
            // `hangup: true` (or `yes`) expects any end by hang-up; a word expects that reason.
            hangup: r
                .hangup
                .as_ref()
                .map(|h| h.value.clone().filter(|v| !matches!(v.as_str(), "true" | "yes"))),
            external: r.external.as_ref().map(|x| x.value.clone()),
            elapsed,
            keys: match &r.keys {
                Some(k) => (
                    k.value.min.as_ref().map(|v| v.value),
                    k.value.max.as_ref().map(|v| v.value),
                ),
                None => (None, None),
            },
            line: Some(self.line_expect(r)).filter(|l| !l.is_empty()).map(Box::new),
        }
    }
}

impl Cx<'_> {
    /// A timed expectation of `kind` (`prompt_stopped: { node, by, at, tolerance }`), or
    /// `None` with its findings: a filter that does not apply to the kind (E010), a value it
    /// does not take, `tolerance` without `at`, both `at` and `within`, `within.min` more than
    /// `within.max` (E016).
    fn event(&mut self, kind: EventKind, e: &S<RawEvent>) -> Option<EventExpect> {
        let r = &e.value;
        let span = self.span(&e.referenced);
        let mut ok = true;
        let name = kind.name();
        let filters = [
            ("prompt", r.prompt.as_ref().map(|v| &v.referenced)),
            ("kind", r.kind.as_ref().map(|v| &v.referenced)),
            ("by", r.by.as_ref().map(|v| &v.referenced)),
            ("position", r.position.as_ref().map(|v| &v.referenced)),
        ];
        for (field, loc) in filters {
            if let Some(loc) = loc
                && !kind.filters().contains(&field)
            {
                let sp = self.span(loc);
                let takes: Vec<String> = ["node"]
                    .iter()
                    .chain(kind.filters())
                    .chain(&["at", "tolerance", "within"])
                    .map(|f| format!("`{f}`"))
                    .collect();
                self.push(
                    Diagnostic::new(Code::FieldNotForKind, sp, format!("`{field}` does nothing on `{name}`"))
                        .label(format!("`{name}` takes {}", takes.join(", "))),
                );
                ok = false;
            }
        }
        let mut word = |cx: &mut Self, v: &Option<S<String>>, known: &[&'static str], what: &str| {
            let v = v.as_ref()?;
            match known.iter().find(|k| **k == v.value) {
                Some(k) => Some(*k),
                None => {
                    let sp = cx.span(&v.referenced);
                    let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                    let mut d = Diagnostic::new(Code::InvalidValue, sp, format!("unknown {what} `{}`", v.value))
                        .label(format!("`{name}` takes {}", list.join(", ")));
                    if let Some(h) = crate::diag::did_you_mean(&v.value, known.iter().copied()) {
                        d = d.help(format!("did you mean `{h}`?"));
                    }
                    cx.push(d);
                    ok = false;
                    None
                }
            }
        };
        let reprompt = if kind == EventKind::Reprompt {
            word(self, &r.kind, &["no_input", "no_match"], "kind")
        } else {
            None
        };
        // `by` on `answered` is a call-taker's name; on the others, one of their words.
        let by = if kind.by_values().is_empty() {
            None
        } else {
            word(self, &r.by, kind.by_values(), "`by`")
        };
        let who = (kind == EventKind::Answered)
            .then(|| r.by.as_ref().map(|b| b.value.clone()))
            .flatten();
        let at = r.at.as_ref().and_then(|a| self.duration(a));
        let tolerance = r.tolerance.as_ref().and_then(|a| self.duration(a));
        if let Some(t) = &r.tolerance
            && r.at.is_none()
        {
            let sp = self.span(&t.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, sp, "`tolerance` without `at`")
                    .label("a tolerance is around a time")
                    .help("add `at: …`, or write a window as `within: { min, max }`"),
            );
            ok = false;
        }
        if let (Some(a), Some(w)) = (&r.at, &r.within) {
            let sp = self.span(&w.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, sp, "both `at` and `within`")
                    .label("give one")
                    .with_secondary(self.span(&a.referenced), "`at` given here")
                    .help("`at` (with `tolerance`) is a time, `within: { min, max }` a window"),
            );
            ok = false;
        }
        let when = match (&r.at, &r.within) {
            (Some(_), _) => When::At {
                at: at?,
                tolerance: tolerance.unwrap_or_default(),
            },
            (None, Some(w)) => {
                let min = w.value.min.as_ref().and_then(|v| self.duration(v));
                let max = w.value.max.as_ref().and_then(|v| self.duration(v));
                if let (Some(a), Some(b)) = (min, max)
                    && a > b
                {
                    let sp = self.span(&w.referenced);
                    self.push(
                        Diagnostic::new(Code::InvalidValue, sp, "`within.min` is more than `within.max`")
                            .label("no time can hold"),
                    );
                    ok = false;
                }
                When::Within { min, max }
            }
            (None, None) => When::Any,
        };
        ok.then(|| EventExpect {
            span,
            kind,
            node: r.node.as_ref().map(|n| n.value.clone()),
            prompt: r.prompt.as_ref().map(|n| n.value.clone()),
            reprompt,
            by,
            who,
            position: r.position.as_ref().map(|p| p.value as usize),
            when,
        })
    }
}

/// A menu file given where a scenario file is expected (a folder of menus and scenarios given
/// to `ivrsim test`): one finding that says so, instead of "unknown field `name`" for each of
/// its fields. A file whose top level has `entry` or `nodes` and neither `menu` nor
/// `scenarios` is a menu.
fn menu_file_instead(sources: &Sources, file: crate::source::FileId) -> Option<Diagnostic> {
    let text = sources.text(file);
    let keys: std::collections::HashMap<String, serde::de::IgnoredAny> = serde_saphyr::from_str(text).ok()?;
    let menu_like = keys.contains_key("entry") || keys.contains_key("nodes");
    if !menu_like || keys.contains_key("menu") || keys.contains_key("scenarios") {
        return None;
    }
    let at = ["\nnodes:", "\nentry:"]
        .iter()
        .filter_map(|k| text.find(k).map(|i| i + 1))
        .min()
        .or_else(|| ["nodes:", "entry:"].iter().find(|k| text.starts_with(**k)).map(|_| 0))
        .unwrap_or(0);
    let end = text[at..].find(':').map_or(at, |i| at + i);
    Some(
        Diagnostic::new(
            Code::UnknownField,
            Span {
                file,
                start: at as u32,
                end: end as u32,
                pointer: None,
            },
            "this is a menu file, not a scenario file",
        )
        .label("a menu's field")
        .note("a scenario file has `menu:` (the menu it tests) and `scenarios:`")
        .help("check a menu with `ivrsim check`; give `ivrsim test` scenario files, or a folder of them"),
    )
}
