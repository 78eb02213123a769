//! Loading scenario files: the same YAML reading and rustc-style findings as menus.

use std::path::Path;
use std::time::Duration;

use super::format::{RawEvent, RawExpect, RawFile, RawStart, RawStep, S};
use super::timeline::{EventExpect, EventKind, When};
use super::{Expect, Scenario, ScenarioFile, Step, StepKind, TransferExpect};
use crate::diag::{Code, Diagnostic};
use crate::engine::{CallClock, CallStart};
use crate::menu::load::parse_file_with;
use crate::menu::load::{ReadError, read_text};
use crate::source::{FileId, Sources, Span};

/// From this size of file on (in bytes), [`load_scenarios_on`] reads a file in parts on
/// several threads.
pub const PARALLEL_BYTES: usize = 1 << 20;

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
    load_scenarios_on(path, sources, 1)
}

/// [`load_scenarios`] on up to `workers` threads of the current rayon pool: a large file
/// (over [`PARALLEL_BYTES`]) whose `scenarios` list is a block sequence at the end of the file
/// is read in parts on the pool's threads (every scenario lowered as it is read, with its true
/// `file:line:column`: a part is parsed on its own and its places moved to where it is in the
/// file). When a part cannot be read, or has any finding,
/// or two scenarios share a name, the file is read again whole, one scenario after the other,
/// so the findings are exactly those of [`load_scenarios`]; only a clean file is read in
/// parts. `ivrsim test --jobs N` loads with N workers.
///
/// # Errors
/// [`ReadError`] when the file cannot be read at all.
pub fn load_scenarios_on(
    path: &Path,
    sources: &mut Sources,
    workers: usize,
) -> Result<(Option<ScenarioFile>, Vec<Diagnostic>), ReadError> {
    Ok(open_scenarios(path, sources)?.read(sources, workers))
}

/// A scenario file read from disk and added to [`Sources`], not yet parsed: made by
/// [`open_scenarios`], parsed by [`OpenedScenarios::read`]. Between the two, the menu the file
/// names ([`OpenedScenarios::menu_ahead`]) can be loaded on another thread, into
/// [`Sources::continuing`], while the scenarios are read (`ivrsim test` does so).
pub struct OpenedScenarios {
    path: std::path::PathBuf,
    file: FileId,
    invalid_utf8_at: Option<usize>,
    /// The byte offset of each `scenarios` item, when the list is a block sequence at the end
    /// of the file (see `stream::items`).
    items: Option<Vec<usize>>,
    /// The menu named before the first scenario, as a path.
    menu_ahead: Option<std::path::PathBuf>,
}

/// Reads a scenario file and adds it to `sources` (see [`OpenedScenarios`]).
///
/// # Errors
/// [`ReadError`] when the file cannot be read at all.
pub fn open_scenarios(path: &Path, sources: &mut Sources) -> Result<OpenedScenarios, ReadError> {
    let text = read_text(path).map_err(|source| ReadError {
        path: path.to_owned(),
        source,
    })?;
    let file = sources.add(path.display().to_string(), text.text);
    let mut opened = OpenedScenarios {
        path: path.to_owned(),
        file,
        invalid_utf8_at: text.invalid_utf8_at,
        items: None,
        menu_ahead: None,
    };
    if opened.invalid_utf8_at.is_none() {
        let text = sources.text(file);
        opened.items = stream::items(text);
        if let Some(first) = opened.items.as_ref().and_then(|i| i.first()) {
            let options = crate::menu::load::options(*first);
            opened.menu_ahead = stream::head(sources, file, &text[..*first], &options)
                .and_then(|(menu, _)| menu)
                .map(|m| menu_path(path, &m.value));
        }
    }
    Ok(opened)
}

/// The path of the menu a scenario file at `path` names as `menu`: relative to the file's
/// folder.
fn menu_path(path: &Path, menu: &str) -> std::path::PathBuf {
    let dir = path.parent().unwrap_or(Path::new(""));
    crate::menu::normalize_path(&dir.join(menu))
}

impl OpenedScenarios {
    /// The menu the file names, when its top level names it before the scenarios (read
    /// without reading the scenarios): the menu [`OpenedScenarios::read`] will name, unless
    /// the file cannot be used.
    pub fn menu_ahead(&self) -> Option<&Path> {
        self.menu_ahead.as_deref()
    }

    /// The file's id in the [`Sources`] it was opened with.
    pub fn file(&self) -> FileId {
        self.file
    }

    /// Parses the file (see [`load_scenarios_on`]) from `sources`, the set it was opened with.
    pub fn read(self, sources: &Sources, workers: usize) -> (Option<ScenarioFile>, Vec<Diagnostic>) {
        let (path, file) = (self.path.as_path(), self.file);
        let mut diags = Vec::new();
        if let Some(d) = menu_file_instead(sources, file) {
            diags.push(d);
            return (None, diags);
        }
        let items = self.items;
        // Each scenario is lowered as soon as it is read (see `stream`), so the raw tree of the
        // whole file never exists: memory and time stay linear in the file, and small.
        let streamed =
            parse_file_with::<RawFile, _>(sources, file, self.invalid_utf8_at, &mut diags, |text, options| {
                if workers > 1
                    && text.len() > PARALLEL_BYTES
                    && let Some(items) = &items
                    && let Some(done) = stream::in_parts(sources, file, text, items, &options, workers)
                {
                    return Ok(done);
                }
                let mut st = stream::Stream::new(sources, file);
                let top = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
                    serde::de::DeserializeSeed::deserialize(stream::Placed(stream::FileSeed(&mut st)), de)
                })?;
                Ok((top, st))
            });
        let Some(((menu, top), st)) = streamed else {
            return (None, diags);
        };
        diags.extend(st.diags);
        let scenarios = st.scenarios;
        let top = sources.span_of(file, &top);
        let Some(menu) = menu else {
            diags.push(
                Diagnostic::new(Code::MissingField, top, "missing field `menu`").label("name the menu file to test"),
            );
            return (None, diags);
        };
        let menu_span = sources.span_of(file, &menu.referenced);
        let menu_path = menu_path(path, &menu.value);
        match st.list {
            Some((_, n)) if n > 0 => {}
            other => {
                let span = other.map_or(top, |(at, _)| sources.span_of(file, &at));
                diags.push(
                    Diagnostic::new(Code::MissingField, span, "no `scenarios`").label("add at least one scenario"),
                );
            }
        }
        // In the order they are written, as `check` gives a menu's.
        crate::check::sort(&mut diags);
        let ok = !diags.iter().any(|d| d.severity() == crate::diag::Severity::Error);
        let out = ScenarioFile {
            path: path.to_owned(),
            menu: menu_path,
            menu_span,
            scenarios,
        };
        (ok.then_some(out), diags)
    }
}

/// The reading of one file's values into the model, collecting findings; shared with the
/// training call loader (`crate::operator::training`), which takes `start` and `steps` as
/// scenarios write them.
pub(crate) struct Cx<'a> {
    pub(crate) sources: &'a Sources,
    pub(crate) file: FileId,
    pub(crate) diags: &'a mut Vec<Diagnostic>,
    /// Where in the file the text that was parsed starts (a part of the file, read on its own
    /// by `stream::in_parts`): added to the byte offsets serde-saphyr reports.
    pub(crate) base: usize,
    /// Set when a place could not be moved by `base` (no byte offset): the part's reading is
    /// then not used.
    pub(crate) unplaced: std::cell::Cell<bool>,
}

impl<'a> Cx<'a> {
    /// A reading of the whole of `file`.
    pub(crate) fn new(sources: &'a Sources, file: FileId, diags: &'a mut Vec<Diagnostic>) -> Self {
        Self {
            sources,
            file,
            diags,
            base: 0,
            unplaced: std::cell::Cell::new(false),
        }
    }

    /// The span of a value's place in this file.
    pub(crate) fn span(&self, loc: &serde_saphyr::Location) -> Span {
        if self.base == 0 {
            return self.sources.span_of(self.file, loc);
        }
        self.sources
            .span_of_shifted(self.file, loc, self.base)
            .unwrap_or_else(|| {
                self.unplaced.set(true);
                self.sources.whole(self.file)
            })
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

    pub(crate) fn scenario(&mut self, s: &S<super::format::RawScenario>) -> Option<Scenario> {
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
        // Exactly as many as written (a suite keeps every scenario's steps until it has run).
        let mut steps = Vec::with_capacity(raw.steps.as_ref().map_or(0, |s| s.value.len()));
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
                    let mut d = Diagnostic::new(Code::InvalidValue, sp, format!("unknown {what} `{}`", v.value)).label(
                        format!(
                            "expected one of {}{}",
                            known.join(", "),
                            if what == "priority" { ", or a level 1 to 9" } else { "" }
                        ),
                    );
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
        if let Some(p) = r.position.as_ref().filter(|p| p.value == 0) {
            let sp = self.span(&p.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, sp, "`position: 0`")
                    .label("positions count from 1 (answered next)"),
            );
            ok = false;
        }
        if let Some(b) =
            r.by.as_ref()
                .filter(|b| kind == EventKind::Answered && b.value.trim().is_empty())
        {
            let sp = self.span(&b.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, sp, "a call-taker without a name")
                    .label("`by` on `answered` is the name an `operator: { answer: NAME }` step gives"),
            );
            ok = false;
        }
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
    // A top-level `menu:` or `scenarios:` (at the start of a line) says it is no menu file,
    // without reading the file a second time as YAML (a cost linear in a big suite).
    let top_key = |k: &str| text.starts_with(k) || text.contains(&format!("\n{k}"));
    if top_key("scenarios:") || top_key("menu:") {
        return None;
    }
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

/// Reading a scenario file as a stream: serde seeds that lower each scenario to a
/// [`Scenario`] as soon as serde-saphyr has read it, so only one raw scenario exists at a
/// time (the raw tree of a 100,000-scenario file would take gigabytes). The findings and
/// their places are those of reading the whole [`RawFile`] and lowering it after.
mod stream {
    use std::collections::HashMap;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde_saphyr::Location;

    use super::super::Scenario;
    use super::super::format::RawScenario;
    use super::{Code, Cx, Diagnostic, S};
    use crate::source::{FileId, Sources, Span};

    /// What the stream has read: the lowered scenarios, their findings, and the
    /// `scenarios` list's place and length (items read, valid or not).
    pub(super) struct Stream<'s> {
        sources: &'s Sources,
        file: FileId,
        pub(super) diags: Vec<Diagnostic>,
        pub(super) scenarios: Vec<Scenario>,
        pub(super) list: Option<(Location, usize)>,
        names: HashMap<String, Span>,
        /// Where the text read starts in the file (see [`super::Cx::base`]).
        base: usize,
        /// A place could not be moved by `base`.
        unplaced: bool,
    }

    impl<'s> Stream<'s> {
        pub(super) fn new(sources: &'s Sources, file: FileId) -> Self {
            Self {
                sources,
                file,
                diags: Vec::new(),
                scenarios: Vec::new(),
                list: None,
                names: HashMap::new(),
                base: 0,
                unplaced: false,
            }
        }

        /// Lowers one scenario; a second one of the same name is a finding.
        fn take(&mut self, s: &S<RawScenario>) {
            let mut cx = Cx::new(self.sources, self.file, &mut self.diags);
            cx.base = self.base;
            let sc = cx.scenario(s);
            self.unplaced |= cx.unplaced.get();
            let Some(sc) = sc else {
                return;
            };
            if let Some(first) = self.names.get(&sc.name) {
                let d = Diagnostic::new(
                    Code::InvalidValue,
                    sc.span,
                    format!("two scenarios are named `{}`", sc.name),
                )
                .label("second one")
                .with_secondary(*first, "first one")
                .help("give every scenario its own name: reports tell them apart by it");
                self.diags.push(d);
                return;
            }
            self.names.insert(sc.name.clone(), sc.span);
            self.scenarios.push(sc);
        }
    }

    /// serde-saphyr's marker of a value with its place (`Spanned`'s protocol).
    const SPANNED: &str = "__yaml_spanned";
    const MARKER: &str = "__serde_saphyr_private_spanned";

    /// A seed's value with the place it is written at, as serde-saphyr's `Spanned` reads it.
    pub(super) struct Placed<T>(pub(super) T);

    impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Placed<T> {
        type Value = (T::Value, Location);

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_newtype_struct(SPANNED, PlacedVisitor(self.0))
        }
    }

    struct PlacedVisitor<T>(T);

    impl<'de, T: DeserializeSeed<'de>> Visitor<'de> for PlacedVisitor<T> {
        type Value = (T::Value, Location);

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a span-aware newtype wrapper")
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(PlacedMap(self.0))
        }
    }

    struct PlacedMap<T>(T);

    impl<'de, T: DeserializeSeed<'de>> Visitor<'de> for PlacedMap<T> {
        type Value = (T::Value, Location);

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a value with its place")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            if map.next_key::<String>()?.as_deref() != Some(MARKER) {
                return Err(de::Error::custom("a value without its place"));
            }
            map.next_value::<IgnoredAny>()?;
            let (mut seed, mut value, mut at) = (Some(self.0), None, Location::UNKNOWN);
            while let Some(k) = map.next_key::<String>()? {
                match k.as_str() {
                    "value" => {
                        let seed = seed.take().ok_or_else(|| de::Error::duplicate_field("value"))?;
                        value = Some(map.next_value_seed(seed)?);
                    }
                    "referenced" => at = map.next_value::<Location>()?,
                    // Places are read as places (serde-saphyr reads no other way).
                    _ => {
                        map.next_value::<Location>()?;
                    }
                }
            }
            Ok((value.ok_or_else(|| de::Error::missing_field("value"))?, at))
        }
    }

    /// The file's top level, as [`super::RawFile`] (`deny_unknown_fields`): `menu` read,
    /// `scenarios` streamed.
    pub(super) struct FileSeed<'a, 's>(pub(super) &'a mut Stream<'s>);

    const FIELDS: &[&str] = &["menu", "scenarios"];

    impl<'de> DeserializeSeed<'de> for FileSeed<'_, '_> {
        type Value = Option<S<String>>;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_struct("RawFile", FIELDS, self)
        }
    }

    impl<'de> Visitor<'de> for FileSeed<'_, '_> {
        type Value = Option<S<String>>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("struct RawFile")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut menu = None;
            let mut seen_list = false;
            while let Some(k) = map.next_key::<String>()? {
                match k.as_str() {
                    "menu" => {
                        if menu.is_some() {
                            return Err(de::Error::duplicate_field("menu"));
                        }
                        menu = Some(map.next_value::<Option<S<String>>>()?);
                    }
                    "scenarios" => {
                        if seen_list {
                            return Err(de::Error::duplicate_field("scenarios"));
                        }
                        seen_list = true;
                        let ((), at) = map.next_value_seed(Placed(ListSeed(&mut *self.0)))?;
                        if let Some(list) = self.0.list.as_mut() {
                            list.0 = at;
                        }
                    }
                    other => return Err(de::Error::unknown_field(other, FIELDS)),
                }
            }
            Ok(menu.flatten())
        }
    }

    /// The `scenarios` list: each item read and lowered in turn.
    pub(super) struct ListSeed<'a, 's>(pub(super) &'a mut Stream<'s>);

    impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_option(self)
        }
    }

    impl<'de> Visitor<'de> for ListSeed<'_, '_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a sequence")
        }

        fn visit_none<E: de::Error>(self) -> Result<(), E> {
            Ok(())
        }

        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            Ok(())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            self.0.list = Some((Location::UNKNOWN, 0));
            while let Some(s) = seq.next_element::<S<RawScenario>>()? {
                if let Some(list) = self.0.list.as_mut() {
                    list.1 += 1;
                }
                self.0.take(&s);
            }
            Ok(())
        }
    }

    /// The `scenarios` items of `text` when the list is a block sequence that runs to the end
    /// of the file: the byte offset of each item's line. `None` for any other shape.
    pub(super) fn items(text: &str) -> Option<Vec<usize>> {
        let key = if text.starts_with("scenarios:") {
            0
        } else {
            text.find("\nscenarios:")? + 1
        };
        // The rest of the key's line must be empty (or a comment).
        let line_end = text[key..].find('\n').map_or(text.len(), |i| key + i + 1);
        let rest = text[key + "scenarios:".len()..line_end].trim();
        if !(rest.is_empty() || rest.starts_with('#')) {
            return None;
        }
        let mut starts = Vec::new();
        let mut indent = None;
        let mut at = line_end;
        while at < text.len() {
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            let line = &text[at..end];
            let body = line.trim_start_matches(' ');
            let depth = line.len() - body.len();
            let blank = body.trim().is_empty() || body.starts_with('#');
            if !blank {
                if body.starts_with('\t') {
                    return None;
                }
                let item = body.starts_with("- ") || body.trim_end() == "-";
                match indent {
                    None if item => indent = Some(depth),
                    None => return None,
                    Some(d) if depth < d || (depth == d && !item) => return None,
                    _ => {}
                }
                if item && Some(depth) == indent {
                    starts.push(at);
                }
            }
            at = end;
        }
        Some(starts)
    }

    /// [`items`], for tests.
    #[cfg(test)]
    pub(super) fn items_for_test(text: &str) -> Option<Vec<usize>> {
        items(text)
    }

    /// Whether parts that the parser read with `reports` would pass the limits of reading the
    /// whole file (of `len` bytes) at once, with a margin: the counts that add up (events,
    /// nodes, scalar bytes) to at most half the whole file's limit, each part at least two
    /// levels below the depth limit (the whole file nests the list in its top mapping), and no
    /// anchor, alias or merge key anywhere (their limits, such as the ratio of aliases to
    /// anchors, are not sums of the parts'). Found by a trial: 50,001 aliases spread over
    /// parts passed part by part, a file that a whole reading refuses.
    fn within_whole_budget(reports: &[&serde_saphyr::budget::BudgetReport], len: usize) -> bool {
        let whole = crate::menu::load::options(len).budget.unwrap_or_default();
        let sum = |f: fn(&serde_saphyr::budget::BudgetReport) -> usize| reports.iter().map(|r| f(r)).sum::<usize>();
        let half = |n: usize, limit: usize| n.saturating_mul(2) <= limit;
        reports.iter().all(|r| {
            r.breached.is_none()
                && r.aliases == 0
                && r.anchors == 0
                && r.merge_keys == 0
                && r.recorded_anchor_events == 0
                && r.max_depth + 2 <= whole.max_depth
        }) && half(sum(|r| r.events), whole.max_events)
            && half(sum(|r| r.nodes), whole.max_nodes)
            && half(sum(|r| r.total_scalar_bytes), whole.max_total_scalar_bytes)
    }

    /// How many parts a worker gets in [`in_parts`].
    const PARTS_PER_WORKER: usize = 8;

    /// The top level read: `menu` (if written) and where the top-level mapping is.
    pub(super) type Top = (Option<S<String>>, Location);

    /// The top level of a file (`menu`, the `scenarios` key) read from `head`, its text before
    /// the first scenario; `None` when that has any finding.
    pub(super) fn head(sources: &Sources, file: FileId, head: &str, options: &serde_saphyr::Options) -> Option<Top> {
        let mut top_stream = Stream::new(sources, file);
        let top = serde_saphyr::with_deserializer_from_str_with_options(head, options.clone(), |de| {
            DeserializeSeed::deserialize(Placed(FileSeed(&mut top_stream)), de)
        })
        .ok()?;
        (top_stream.diags.is_empty() && top_stream.list.is_none()).then_some(top)
    }

    /// Reads the file in parts on the current rayon pool of `workers` threads, or `None` when
    /// it cannot be read so (see [`super::load_scenarios_on`]): then it is read whole.
    /// `starts`: its [`items`]. Each part is parsed on its own (a list at the indentation it
    /// has in the file), and the places read in it are moved to where the part is in the
    /// file. There are [`PARTS_PER_WORKER`] parts a worker, so that a worker that is busy with
    /// something else (the menu, loaded meanwhile) leaves its parts to the others.
    pub(super) fn in_parts<'s>(
        sources: &'s Sources,
        file: FileId,
        text: &str,
        starts: &[usize],
        options: &serde_saphyr::Options,
        workers: usize,
    ) -> Option<(Top, Stream<'s>)> {
        use rayon::prelude::*;
        let parts = (workers * PARTS_PER_WORKER).min(starts.len() / 2);
        if workers < 2 || parts < 2 {
            return None;
        }
        let top = head(sources, file, &text[..starts[0]], options)?;
        let per = starts.len().div_ceil(parts);
        let bounds: Vec<(usize, usize)> = starts
            .chunks(per)
            .enumerate()
            .map(|(i, c)| {
                let end = starts.get((i + 1) * per).copied().unwrap_or(text.len());
                (c[0], end)
            })
            .collect();
        let streams: Vec<Option<(Stream<'s>, serde_saphyr::budget::BudgetReport)>> = bounds
            .par_iter()
            .map(|&(from, to)| {
                // The part alone, its items at the indentation they have in the file; every
                // place read is moved by `from` (whole lines: columns stay as they are).
                let doc = &text[from..to];
                let mut st = Stream::new(sources, file);
                st.base = from;
                let mut options = crate::menu::load::options(doc.len());
                let report = std::rc::Rc::new(std::cell::RefCell::new(None));
                let sink = std::rc::Rc::clone(&report);
                options.budget_report_cb = Some(std::rc::Rc::new(std::cell::RefCell::new(
                    move |r: serde_saphyr::budget::BudgetReport| *sink.borrow_mut() = Some(r),
                )));
                let read = serde_saphyr::with_deserializer_from_str_with_options(doc, options, |de| {
                    DeserializeSeed::deserialize(Placed(ListSeed(&mut st)), de)
                });
                let report = report.borrow_mut().take();
                (read.is_ok() && st.diags.is_empty() && !st.unplaced)
                    .then_some(st)
                    .zip(report)
            })
            .collect();
        // The parser's safety limits are the whole file's: only parts whose counts add up to
        // well within them (and that use no anchors, aliases or merge keys, whose limits are
        // not sums) are as good as a whole reading.
        let reports: Vec<_> = streams.iter().flatten().map(|(_, r)| r).collect();
        if reports.len() != streams.len() || !within_whole_budget(&reports, text.len()) {
            return None;
        }
        let streams = streams.into_iter().map(|p| p.map(|(st, _)| st));
        let mut all = Stream::new(sources, file);
        let mut count = 0;
        for st in streams {
            let st = st?;
            let (_, n) = st.list?;
            count += n;
            for sc in st.scenarios {
                if all.names.insert(sc.name.clone(), sc.span).is_some() {
                    return None; // a name twice: the whole reading says where
                }
                all.scenarios.push(sc);
            }
        }
        // The list's own place is only shown when it is empty, which a file read in parts
        // never is.
        all.list = Some((Location::UNKNOWN, count));
        Some((top, all))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario file of `n` scenarios (over [`PARALLEL_BYTES`] for a few thousand), with
    /// `bad` written into the scenario at `bad_at`.
    fn big(n: usize, bad_at: usize, bad: &str) -> String {
        let mut s = String::from("# a suite\nmenu: menu.yaml\nscenarios:\n");
        for i in 0..n {
            let keys = if i == bad_at { bad } else { "1" };
            s.push_str(&format!(
                "  - name: \"scénario {i}\"\n    steps:\n      - press: \"{keys}\"\n      - silence: 2s\n      - expect: {{ node: n{i}, elapsed: {{ max: 1m }} }}\n"
            ));
        }
        s
    }

    fn load_with(text: &str, workers: usize) -> (Option<ScenarioFile>, Vec<Diagnostic>, Sources) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.yaml");
        std::fs::write(&path, text).unwrap();
        let mut sources = Sources::new();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(workers).build().unwrap();
        let (file, diags) = pool
            .install(|| load_scenarios_on(&path, &mut sources, workers))
            .unwrap();
        (file, diags, sources)
    }

    fn places(file: &ScenarioFile, sources: &Sources) -> Vec<String> {
        let at = |sp: Span| {
            let lc = sources.line_col(sp);
            format!("{}:{}", lc.line, lc.column)
        };
        file.scenarios
            .iter()
            .flat_map(|sc| {
                let steps = sc.steps.iter().map(move |st| format!("{} {:?}", at(st.span), st.kind));
                std::iter::once(format!("{} {}", at(sc.span), sc.name)).chain(steps)
            })
            .collect()
    }

    // A large file read in parts on several threads is the file read whole: the same
    // scenarios, steps and places, in file order.
    #[test]
    fn a_large_file_read_in_parts_is_the_file_read_whole() {
        let text = big(10_000, usize::MAX, "");
        assert!(text.len() > PARALLEL_BYTES);
        assert_eq!(stream::items_for_test(&text).map(|v| v.len()), Some(10_000));
        let (one, d1, s1) = load_with(&text, 1);
        let (four, d4, s4) = load_with(&text, 4);
        let (one, four) = (one.unwrap(), four.unwrap());
        assert!(d1.is_empty() && d4.is_empty());
        assert_eq!(four.scenarios.len(), 10_000);
        assert_eq!(places(&one, &s1), places(&four, &s4));
        assert_eq!(one.menu_span, four.menu_span);
        assert!(read_in_parts(&text), "a clean file is read in parts");
    }

    /// Whether `text` is read in parts on 4 workers (not read whole again).
    fn read_in_parts(text: &str) -> bool {
        let mut sources = Sources::new();
        let f = sources.add("s.yaml", text.to_owned());
        let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
        pool.install(|| {
            let options = crate::menu::load::options(text.len());
            let items = stream::items(text).unwrap_or_default();
            stream::in_parts(&sources, f, text, &items, &options, 4).is_some()
        })
    }

    // A finding in a later part: the file is read whole again, so the findings are exactly
    // those of one worker (here an invalid key, and a name written twice across parts).
    #[test]
    fn anchors_and_aliases_are_read_whole() {
        let text = big(3_000, usize::MAX, "")
            .replace("      - silence: 2s\n", "      - silence: &d 2s\n      - silence: *d\n");
        assert!(text.len() > PARALLEL_BYTES / 4, "{}", text.len());
        assert!(!read_in_parts(&text), "aliases: their limits are the file's");
        let (one, d1, _) = load_with(&text, 1);
        let (four, d4, _) = load_with(&text, 4);
        assert!(d1.is_empty() && d4.is_empty(), "{d1:?}");
        assert_eq!(one.unwrap().scenarios.len(), four.unwrap().scenarios.len());
        assert!(
            read_in_parts(&big(3_000, usize::MAX, "")),
            "the same file without them is read in parts"
        );
    }

    #[test]
    fn a_file_with_findings_gives_the_same_findings_on_any_number_of_workers() {
        for text in [
            big(10_000, 8_000, "x"),
            big(10_000, usize::MAX, "").replace("\"scénario 9999\"", "\"scénario 1\""),
            // 60,000 aliases: over the parser's limit of 50,000 for the file, under it in
            // each part (found by a trial: the parts alone passed).
            big(10_000, usize::MAX, "").replace("      - silence: 2s\n", "      - silence: &d 2s\n      - silence: *d\n      - silence: *d\n      - silence: *d\n      - silence: *d\n      - silence: *d\n      - silence: *d\n"),
        ] {
            let (one, d1, s1) = load_with(&text, 1);
            let (four, d4, s4) = load_with(&text, 4);
            assert!(one.is_none() && four.is_none());
            let show = |d: &[Diagnostic], s: &Sources| {
                d.iter()
                    .map(|d| format!("{:?} {} {:?}", d.code, d.message, s.line_col(d.primary.span)))
                    .collect::<Vec<_>>()
            };
            assert!(!d1.is_empty());
            assert!(!read_in_parts(&text), "read whole again");
            assert_eq!(show(&d1, &s1), show(&d4, &s4));
        }
    }
}
