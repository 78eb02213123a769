//! Importing Amazon Connect test cases (the Connect Customer testing language: JSON with
//! `Version: "2025-06-21"` and `Observations`, each an `Event` to observe and `Actions` to run
//! then) as one ivrsim scenario for the flow they test, imported as `connect.rs` imports it.
//!
//! The observations are walked from the first, following `Transitions.NextObservations`, and
//! each becomes steps in that order (`docs/import.md`, "Amazon Connect", "Test cases", has
//! the rules and their sources):
//!
//! - `MessageReceived` (`Text`, `SSML`, `PromptId`, `Media`) is `expect: { listen: true,
//!   prompt }`: the prompts play to the caller's turn and one heard contains the words
//!   (`Inclusion`; `Similarity` is checked as inclusion, W027 unless the flow has a prompt
//!   holding the words).
//! - `FlowActionStarted` of `TransferContactToQueue` is `expect: { listen: true, transfer: {
//!   queue } }`; of `InvokeLambdaFunction` and `CheckHoursOfOperation`, `passed:` the node the
//!   flow importer made of that block.
//! - `SendInstruction` `DtmfInput` is `press:`, `Disconnect` is `hangup: true`; `Assert`
//!   `Equals` on `$.Attributes.x`, `$.External.x`, `$.StoredCustomerInput` or the queue is
//!   `expect: { var }`.
//! - `OverrideSystemBehavior`: a Lambda's mocked result is `start.vars` (its returned keys, or
//!   the external step's `store` set to `error`); a mocked hours check is a `start.at` at which
//!   the flow's schedule is open or closed as mocked, found by searching a week; a queue at
//!   capacity is `start: { operator: full }`.
//! - `TestControl` `EndTest` ends the steps.
//!
//! Everything else is a W027 finding at its JSON pointer, never a silent drop.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use indexmap::IndexMap;
use jiff::civil::DateTime;
use serde_json::{Map, Value};

use super::Cx;
use super::connect::{arn_name, audio_caption, path_var, read_json, recorded_caption, scalar};
use crate::menu::{ExternalApp, Menu, NodeKind, Test};
use crate::scenario::generate::q;
use crate::source::{FileId, Span};

/// The testing language's version this importer reads (the AWS example test).
pub const VERSION: &str = "2025-06-21";

/// The flow language's version, which the skeleton on the testing language's "Observations"
/// page shows too (as public copies of that page give it): accepted as well.
pub const FLOW_VERSION: &str = "2019-10-30";

/// Most observations read from one test case (the limit only bounds memory).
pub const MAX_OBSERVATIONS: usize = 10_000;

/// Most times one observation's steps are repeated (`Usage: { Type: EXACTLY, Times }`).
pub const MAX_TIMES: u64 = 50;

/// Whether `text` is a Connect test case rather than a flow: a JSON object with a top-level
/// `"Observations"` key (judged on the first 64 KiB, as [`super::Platform::detect`] does).
pub fn is_test_case(text: &str) -> bool {
    let head = &text[..super::floor_boundary(text, 64 * 1024)];
    let trimmed = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if !trimmed.starts_with('{') {
        return false;
    }
    head.match_indices("\"Observations\"")
        .any(|(i, m)| head[i + m.len()..].trim_start().starts_with(':'))
}

/// The scenario a test case becomes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scenario {
    /// Its name: the test case's file name without `.json`.
    pub name: String,
    /// How the call starts.
    pub start: Start,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// `start:` of the scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Start {
    /// `at`: a moment at which the mocked hours checks give what the test mocks.
    pub at: Option<DateTime>,
    /// `vars`: the mocked Lambda results.
    pub vars: IndexMap<String, String>,
    /// `operator: full`: a transfer's queue is mocked at capacity.
    pub queue_full: bool,
}

/// One step of the scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// A comment naming the observation the steps after it come from.
    Comment(String),
    /// `press: KEYS`.
    Press(String),
    /// `say: WORDS` (an utterance, where the menu has `say` keywords).
    Say(String),
    /// `hangup: true`.
    Hangup,
    /// `expect: { … }`.
    Expect(Expect),
}

/// An `expect:` step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expect {
    /// `listen: true`.
    pub listen: bool,
    /// `passed: NODE`.
    pub passed: Option<String>,
    /// `prompt: TEXT`.
    pub prompt: Option<String>,
    /// `var: { … }`.
    pub vars: IndexMap<String, String>,
    /// `transfer: { queue }` (`Some(None)`: any transfer).
    pub transfer: Option<Option<String>>,
}

impl Expect {
    fn yaml(&self) -> String {
        let mut parts = Vec::new();
        if self.listen {
            parts.push("listen: true".to_owned());
        }
        if let Some(p) = &self.passed {
            parts.push(format!("passed: {}", q(p)));
        }
        if let Some(p) = &self.prompt {
            parts.push(format!("prompt: {}", q(p)));
        }
        if !self.vars.is_empty() {
            let vars: Vec<String> = self.vars.iter().map(|(k, v)| format!("{}: {}", q(k), q(v))).collect();
            parts.push(format!("var: {{ {} }}", vars.join(", ")));
        }
        match &self.transfer {
            Some(Some(queue)) => parts.push(format!("transfer: {{ queue: {} }}", q(queue))),
            Some(None) => parts.push("transfer: {}".to_owned()),
            None => {}
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

impl Scenario {
    /// The scenario file: a header naming `case` (the test case's file) and `flow` (as the
    /// user named it), `menu:` as `menu` (the flow, relative to the scenario file), then the
    /// one scenario.
    pub fn yaml(&self, case: &str, flow: &str, menu: &str) -> String {
        let mut y = String::new();
        let _ = writeln!(
            y,
            "# Imported by ivrsim from the Amazon Connect test case `{case}` for the flow `{flow}`."
        );
        let _ = writeln!(
            y,
            "# Each comment names the observation the steps after it come from; `ivrsim import` listed"
        );
        let _ = writeln!(
            y,
            "# what it could not map faithfully (docs/import.md, \"Test cases\")."
        );
        let _ = writeln!(y, "menu: {}", q(menu));
        let _ = writeln!(y, "scenarios:");
        let _ = writeln!(y, "  - name: {}", q(&self.name));
        let mut start = Vec::new();
        if let Some(at) = self.start.at {
            start.push(format!("at: {}", moment(at)));
        }
        if !self.start.vars.is_empty() {
            let vars: Vec<String> = self
                .start
                .vars
                .iter()
                .map(|(k, v)| format!("{}: {}", q(k), q(v)))
                .collect();
            start.push(format!("vars: {{ {} }}", vars.join(", ")));
        }
        if self.start.queue_full {
            start.push("operator: full".to_owned());
        }
        if !start.is_empty() {
            let _ = writeln!(y, "    start: {{ {} }}", start.join(", "));
        }
        let _ = writeln!(y, "    steps:");
        for step in &self.steps {
            let _ = match step {
                Step::Comment(c) => writeln!(y, "      # {}", c.replace(['\n', '\r'], " ")),
                Step::Press(keys) => writeln!(y, "      - press: {}", q(keys)),
                Step::Say(words) => writeln!(y, "      - say: {}", q(words)),
                Step::Hangup => writeln!(y, "      - hangup: true"),
                Step::Expect(e) => writeln!(y, "      - expect: {}", e.yaml()),
            };
        }
        y
    }
}

/// `2026-03-02T10:00`, as `start.at` takes it.
fn moment(at: DateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// Imports the test case of `cx` as a scenario for `menu`, the flow it tests. `None` when the
/// file cannot be read as a test case (an E022 finding in `cx.diags` says why).
pub fn import(cx: &mut Cx<'_>, menu: &Menu) -> Option<Scenario> {
    let file = cx.file;
    let doc = read_json(cx, file)?;
    let Some(obj) = doc.as_object() else {
        let at = cx.pointer(file, "");
        cx.unreadable(at, "a test case is a JSON object with `Observations`");
        return None;
    };
    let Some(observations) = obj.get("Observations").and_then(Value::as_array) else {
        let at = cx.pointer(file, "");
        cx.unreadable(at, "no `Observations` array: this is not a Connect test case");
        return None;
    };
    if observations.is_empty() {
        let at = cx.pointer(file, "/Observations");
        cx.unreadable(at, "the test case has no observations: there is nothing to test");
        return None;
    }
    if observations.len() > MAX_OBSERVATIONS {
        let at = cx.pointer(file, "/Observations");
        cx.unreadable(at, format!("more than {MAX_OBSERVATIONS} observations"));
        return None;
    }
    match obj.get("Version").and_then(Value::as_str) {
        Some(VERSION | FLOW_VERSION) => {}
        other => {
            let at = cx.pointer(file, if other.is_some() { "/Version" } else { "" });
            cx.approx_test(
                at,
                format!(
                    "`Version` {}: read as the testing language of {VERSION}",
                    other.map_or_else(|| "missing".to_owned(), |v| format!("`{v}`"))
                ),
                "none, unless that version means something else by the same fields",
            );
        }
    }
    let name = cx
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .map(|n| n.strip_suffix(".json").map(str::to_owned).unwrap_or(n))
        .unwrap_or_else(|| "Connect test case".to_owned());
    let mut im = Importer {
        file,
        menu,
        scenario: Scenario {
            name,
            ..Scenario::default()
        },
        hours: Vec::new(),
        lambdas: HashSet::new(),
        ended: false,
    };
    im.walk(cx, observations);
    im.resolve_hours(cx);
    if im.scenario.steps.iter().all(|s| matches!(s, Step::Comment(_))) {
        let at = cx.pointer(file, "/Observations");
        cx.approx_test(
            at,
            "no observation became a step: the scenario only plays the prompts to the caller's turn",
            "tests nothing the test case tests",
        );
        im.scenario.steps.push(Step::Expect(Expect {
            listen: true,
            ..Expect::default()
        }));
    }
    Some(im.scenario)
}

/// A mocked hours check: the schedule, whether it is mocked open, where the mock is.
struct Hours {
    schedule: String,
    open: bool,
    at: Span,
}

struct Importer<'m> {
    file: FileId,
    menu: &'m Menu,
    scenario: Scenario,
    hours: Vec<Hours>,
    /// Lambda functions mocked so far (an override is used once in Connect).
    lambdas: HashSet<String>,
    /// `EndTest` ran.
    ended: bool,
}

/// `Usage` of an observation: how many times its steps are written.
fn usage(cx: &mut Cx<'_>, file: FileId, base: &str, o: &Map<String, Value>) -> u64 {
    let Some(u) = o.get("Usage") else { return 1 };
    let ty = u.get("Type").and_then(Value::as_str).unwrap_or("EXACTLY");
    let at = cx.pointer(file, &format!("{base}/Usage"));
    if ty.eq_ignore_ascii_case("ANY") {
        cx.approx_test(
            at,
            "`Usage` `ANY`: Connect matches this observation any number of times, none included; imported once",
            "fails where the event does not happen, which Connect allows",
        );
        return 1;
    }
    if !ty.eq_ignore_ascii_case("EXACTLY") {
        cx.approx_test(at, format!("`Usage` `{ty}` is not known: imported once"), "none");
        return 1;
    }
    match u.get("Times") {
        None => 1,
        Some(t) => match scalar(t).and_then(|s| s.trim().parse::<u64>().ok()) {
            Some(n @ 1..=MAX_TIMES) => n,
            _ => {
                cx.approx_test(
                    at,
                    format!("`Times` is not a number from 1 to {MAX_TIMES}: imported once"),
                    "checks the event once",
                );
                1
            }
        },
    }
}

impl Importer<'_> {
    fn walk(&mut self, cx: &mut Cx<'_>, observations: &[Value]) {
        let file = self.file;
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, o) in observations.iter().enumerate() {
            if let Some(id) = o.get("Identifier").and_then(Value::as_str)
                && *index.entry(id).or_insert(i) != i
            {
                let at = cx.pointer(file, &format!("/Observations/{i}/Identifier"));
                cx.approx_test(
                    at,
                    format!("another observation has the Identifier `{id}`: transitions to it go to the first"),
                    "this observation is never reached",
                );
            }
        }
        let next_of = |o: &Value| -> Vec<usize> {
            o.pointer("/Transitions/NextObservations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|n| index.get(n.as_str()?).copied())
                .collect()
        };
        // Every observation a transition can reach from the first (any of `NextObservations`).
        let mut reachable = vec![false; observations.len()];
        let mut todo = vec![0];
        while let Some(k) = todo.pop() {
            if !std::mem::replace(&mut reachable[k], true) {
                todo.extend(next_of(&observations[k]));
            }
        }
        let mut visited = vec![false; observations.len()];
        let mut i = 0;
        loop {
            visited[i] = true;
            self.observation(cx, i, &observations[i]);
            if self.ended {
                break;
            }
            let base = format!("/Observations/{i}/Transitions/NextObservations");
            let next: Vec<&Value> = observations[i]
                .pointer("/Transitions/NextObservations")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            for k in 1..next.len() {
                let at = cx.pointer(file, &format!("{base}/{k}"));
                cx.approx_test(
                    at,
                    "a further next observation: only the first of `NextObservations` is followed",
                    "the path the test takes through the other observation is not checked",
                );
            }
            let Some(first) = next.first() else { break };
            let at = cx.pointer(file, &format!("{base}/0"));
            let Some(id) = first.as_str() else {
                cx.approx_test(
                    at,
                    "a next observation that is not an Identifier: the steps end here",
                    "none",
                );
                break;
            };
            let Some(&j) = index.get(id) else {
                cx.approx_test(
                    at,
                    format!("no observation has the Identifier `{id}`: the steps end here"),
                    "the rest of the test is not checked",
                );
                break;
            };
            if visited[j] {
                cx.approx_test(
                    at,
                    format!("observation `{id}` comes again: it is not followed a second time, the steps end here"),
                    "the rest of the test is not checked",
                );
                break;
            }
            i = j;
        }
        for (k, _) in reachable.iter().enumerate().filter(|(_, r)| !**r) {
            let at = cx.pointer(file, &format!("/Observations/{k}"));
            cx.approx_test(
                at,
                "this observation is not reached from the first by `NextObservations` (Connect checks such an observation whenever its event happens): left out",
                "what it checks is not checked",
            );
        }
    }

    fn observation(&mut self, cx: &mut Cx<'_>, i: usize, o: &Value) {
        let file = self.file;
        let base = format!("/Observations/{i}");
        let Some(o) = o.as_object() else {
            let at = cx.pointer(file, &base);
            cx.unreadable(at, "an observation is a JSON object with an `Event` and `Actions`");
            return;
        };
        let times = usage(cx, file, &base, o);
        let id = o.get("Identifier").and_then(Value::as_str).unwrap_or("");
        let event = o.get("Event").and_then(Value::as_object);
        let ty = event.and_then(|e| e.get("Type")).and_then(Value::as_str).unwrap_or("");
        let mut steps = Vec::new();
        match event {
            None => {
                let at = cx.pointer(file, &base);
                cx.unreadable(
                    at,
                    "an observation needs an `Event` object; its actions are read all the same",
                );
            }
            Some(e) => {
                if let Some(expect) = self.event(cx, &format!("{base}/Event"), e) {
                    steps.push(Step::Expect(expect));
                }
            }
        }
        // The checks made when the test completes are made once the prompts have played.
        let completed = ty == "TestCompleted";
        if completed {
            steps.push(Step::Expect(Expect {
                listen: true,
                ..Expect::default()
            }));
        }
        if let Some(actions) = o.get("Actions") {
            match actions.as_array() {
                Some(list) => self.actions(cx, &base, list, &mut steps),
                None => {
                    let at = cx.pointer(file, &format!("{base}/Actions"));
                    cx.unreadable(at, "`Actions` is a list");
                }
            }
        }
        if completed
            && steps
                .first()
                .is_some_and(|s| matches!(s, Step::Expect(e) if e.vars.is_empty()))
        {
            steps.remove(0);
        }
        let label = if id.is_empty() {
            format!("{base}: {ty}")
        } else {
            format!("{base} `{id}`: {ty}")
        };
        self.scenario.steps.push(Step::Comment(if times > 1 {
            format!("{label} ({times} times)")
        } else {
            label
        }));
        for _ in 0..times {
            self.scenario.steps.extend(steps.iter().cloned());
        }
    }

    /// The expectation an event is, if any.
    fn event(&mut self, cx: &mut Cx<'_>, base: &str, e: &Map<String, Value>) -> Option<Expect> {
        let file = self.file;
        let ty = e.get("Type").and_then(Value::as_str).unwrap_or("");
        let props = e.get("Properties").and_then(Value::as_object);
        match ty {
            "TestInitiated" | "TestCompleted" => None,
            "MessageReceived" => Some(self.message(cx, base, e, props)),
            "FlowActionStarted" => self.flow_action(cx, base, props),
            _ => {
                let at = cx.pointer(file, &format!("{base}/Type"));
                cx.approx_test(
                    at,
                    format!(
                        "event `{}` is not imported: it is not checked, and the observation's actions follow the steps before",
                        if ty.is_empty() { "(no Type)" } else { ty }
                    ),
                    "does not wait for this event",
                );
                None
            }
        }
    }

    fn message(
        &mut self,
        cx: &mut Cx<'_>,
        base: &str,
        e: &Map<String, Value>,
        props: Option<&Map<String, Value>>,
    ) -> Expect {
        let file = self.file;
        let get = |k: &str| props.and_then(|p| p.get(k));
        let (field, text) = if let Some(t) = get("Text").and_then(scalar) {
            ("Text", Some(t))
        } else if let Some(t) = get("SSML").and_then(scalar) {
            ("SSML", Some(super::ssml::to_text(&t)))
        } else if let Some(p) = get("PromptId").and_then(scalar) {
            ("PromptId", Some(recorded_caption(&arn_name(&p))))
        } else if let Some(u) = get("Media").and_then(|m| m.get("Uri")).and_then(scalar) {
            ("Media", Some(audio_caption(&arn_name(&u))))
        } else {
            ("Properties", None)
        };
        let text = text.filter(|t| !t.trim().is_empty());
        let criteria = get("MatchingCriteria")
            .or_else(|| e.get("MatchingCriteria"))
            .and_then(|c| c.as_str().or_else(|| c.get("Type").and_then(Value::as_str)));
        if let Some(t) = &text
            && !criteria.is_some_and(|c| c.eq_ignore_ascii_case("Inclusion"))
            && !self.menu.prompts().any(|p| p.text.contains(t.as_str()))
        {
            let at = cx.pointer(file, &format!("{base}/Properties/{field}"));
            cx.approx_test(
                at,
                format!(
                    "matching `{}` is checked as inclusion of the words, and no prompt of the flow holds them",
                    criteria.unwrap_or("Similarity")
                ),
                "fails where Connect's semantic match would pass a prompt worded differently",
            );
        }
        Expect {
            listen: true,
            prompt: text,
            ..Expect::default()
        }
    }

    fn flow_action(&mut self, cx: &mut Cx<'_>, base: &str, props: Option<&Map<String, Value>>) -> Option<Expect> {
        let file = self.file;
        let ty = props
            .and_then(|p| p.get("ActionType"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let param = |k: &str| {
            props
                .and_then(|p| p.get("ActionParameters"))
                .and_then(|p| p.get(k))
                .and_then(scalar)
        };
        let at = cx.pointer(file, &format!("{base}/Properties/ActionType"));
        match ty.trim() {
            "TransferContactToQueue" => {
                if param("AgentId").is_some() {
                    let aat = cx.pointer(file, &format!("{base}/Properties/ActionParameters/AgentId"));
                    cx.approx_test(
                        aat,
                        "an agent's own queue is not imported: the transfer is checked without it",
                        "none",
                    );
                }
                let queue = param("QueueId").map(|id| arn_name(&id));
                Some(Expect {
                    listen: true,
                    transfer: Some(queue),
                    ..Expect::default()
                })
            }
            "InvokeLambdaFunction" => {
                let name = param("LambdaFunctionARN").map(|a| arn_name(&a));
                let node = self.unique(cx, at, "Lambda function", |k| {
                    matches!(k, NodeKind::External(x) if x.app == ExternalApp::Application && name.as_ref().is_none_or(|n| *n == x.name))
                })?;
                Some(Expect {
                    listen: true,
                    passed: Some(node),
                    ..Expect::default()
                })
            }
            "CheckHoursOfOperation" => {
                let name = param("HoursOfOperationId").map(|h| arn_name(&h));
                let node = self.unique(cx, at, "hours check", |k| {
                    matches!(k, NodeKind::Route(r) if r.routes.iter().flat_map(|r| &r.when).any(|t| matches!(t, Test::Hours(s) if name.as_ref().is_none_or(|n| n == s))))
                })?;
                Some(Expect {
                    listen: true,
                    passed: Some(node),
                    ..Expect::default()
                })
            }
            other => {
                cx.approx_test(
                    at,
                    format!(
                        "flow action `{}` is not imported (ivrsim imports no Lex bot and checks only transfers, Lambda functions and hours as they start): it is not checked",
                        if other.is_empty() { "(no ActionType)" } else { other }
                    ),
                    "does not wait for this block",
                );
                None
            }
        }
    }

    /// The one node of the flow of `kind`; a finding (`what` names the block) and `None` when
    /// there is none or more than one.
    fn unique(&self, cx: &mut Cx<'_>, at: Span, what: &str, kind: impl Fn(&NodeKind) -> bool) -> Option<String> {
        let found: Vec<&str> = self
            .menu
            .nodes
            .iter()
            .filter(|n| kind(&n.kind))
            .map(|n| n.id.as_str())
            .collect();
        match found.as_slice() {
            [one] => Some((*one).to_owned()),
            [] => {
                cx.approx_test(
                    at,
                    format!("the flow has no such {what}: the event is not checked"),
                    "does not wait for this block",
                );
                None
            }
            several => {
                cx.approx_test(
                    at,
                    format!(
                        "several blocks of the flow are such a {what} ({}): the event is not checked",
                        several.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                    ),
                    "does not check which of them the call passes",
                );
                None
            }
        }
    }

    fn actions(&mut self, cx: &mut Cx<'_>, base: &str, list: &[Value], steps: &mut Vec<Step>) {
        // The NextAction chain from the first, then any action it does not reach, in file order.
        let mut order = Vec::new();
        let mut seen = vec![false; list.len()];
        let ids: HashMap<&str, usize> = list
            .iter()
            .enumerate()
            .filter_map(|(j, a)| Some((a.get("Identifier")?.as_str()?, j)))
            .collect();
        let mut j = Some(0).filter(|_| !list.is_empty());
        while let Some(k) = j {
            if seen[k] {
                break;
            }
            seen[k] = true;
            order.push(k);
            j = list[k]
                .pointer("/Transitions/NextAction")
                .and_then(Value::as_str)
                .and_then(|n| ids.get(n).copied());
        }
        order.extend((0..list.len()).filter(|k| !seen[*k]));
        for k in order {
            if self.ended {
                break;
            }
            self.action(cx, &format!("{base}/Actions/{k}"), &list[k], steps);
        }
    }

    fn action(&mut self, cx: &mut Cx<'_>, base: &str, a: &Value, steps: &mut Vec<Step>) {
        let file = self.file;
        let at = cx.pointer(file, base);
        let Some(a) = a.as_object() else {
            cx.unreadable(at, "an action is a JSON object with a `Type`");
            return;
        };
        let params = a.get("Parameters").and_then(Value::as_object);
        let ty = a
            .get("Type")
            .and_then(Value::as_str)
            .or_else(|| params.and_then(|p| p.get("ActionType")).and_then(Value::as_str))
            .unwrap_or("");
        let p = |path: &str| {
            params
                .and_then(|p| p.get(path.split('/').next()?))
                .and_then(|v| path.split('/').skip(1).try_fold(v, |v, k| v.get(k)))
        };
        match ty {
            "SendInstruction" => {
                let kind = p("Instruction/Type").and_then(Value::as_str).unwrap_or("");
                let kat = cx.pointer(file, &format!("{base}/Parameters/Instruction/Type"));
                match kind {
                    "DtmfInput" => {
                        let vat = cx.pointer(file, &format!("{base}/Parameters/Instruction/Properties/Value"));
                        let value = p("Instruction/Properties/Value").and_then(scalar).unwrap_or_default();
                        let keys: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                        if crate::menu::DtmfKey::parse(&keys).is_err() {
                            cx.approx_test(
                                vat,
                                format!("DTMF input `{value}` is not keys 0-9, * and #: left out"),
                                "these keys are not pressed",
                            );
                            return;
                        }
                        steps.push(Step::Press(keys));
                    }
                    "TextUtterance" => {
                        let words = p("Instruction/Properties/Text")
                            .and_then(scalar)
                            .or_else(|| {
                                p("Instruction/Properties/SSML")
                                    .and_then(scalar)
                                    .map(|s| super::ssml::to_text(&s))
                            })
                            .filter(|w| !w.trim().is_empty());
                        let keywords = self.menu.nodes.iter().any(
                            |n| matches!(&n.kind, NodeKind::Menu(m) if m.options.iter().any(|o| !o.say.is_empty())),
                        );
                        match words {
                            Some(words) if keywords => {
                                cx.approx_test(
                                    kat,
                                    "an utterance (for Lex bots and AI agents in Connect) is said as words that the menu's `say` keywords match",
                                    "passes or fails by the keywords, not by how a bot would understand the words",
                                );
                                steps.push(Step::Say(words));
                            }
                            _ => cx.approx_test(
                                kat,
                                "a spoken or typed utterance is for Lex bots and AI agents, which ivrsim does not import (an imported Connect flow takes keys only, and this menu has no `say` keywords): left out",
                                "nothing is said; the call goes on as if the caller were silent there",
                            ),
                        }
                    }
                    "Disconnect" => steps.push(Step::Hangup),
                    other => cx.approx_test(
                        kat,
                        format!("instruction `{other}` is not imported: left out"),
                        "the customer does not do it",
                    ),
                }
            }
            "Assert" | "Assertion" => self.assert(cx, base, params, steps),
            "OverrideSystemBehavior" => self.override_behavior(cx, base, params),
            "TestControl" => {
                let command = p("Command/Type").and_then(Value::as_str).unwrap_or("");
                match command {
                    "EndTest" => self.ended = true,
                    other => {
                        let cat = cx.pointer(file, &format!("{base}/Parameters/Command"));
                        cx.approx_test(
                            cat,
                            format!(
                                "test command `{}` is not imported (a scenario logs nothing): left out",
                                if other.is_empty() { "(no Type)" } else { other }
                            ),
                            "nothing is logged; the verdict is the same",
                        );
                    }
                }
            }
            other => {
                let tat = cx.pointer(file, &format!("{base}/Type"));
                cx.approx_test(
                    tat,
                    format!(
                        "action `{}` is not imported: left out",
                        if other.is_empty() { "(no Type)" } else { other }
                    ),
                    "whatever it checks or does is not done",
                );
            }
        }
    }

    fn assert(&mut self, cx: &mut Cx<'_>, base: &str, params: Option<&Map<String, Value>>, steps: &mut Vec<Step>) {
        let file = self.file;
        let get = |k: &str| params.and_then(|p| p.get(k)).and_then(scalar);
        let namespace = get("Namespace").unwrap_or_default();
        let operator = get("Operator").unwrap_or_else(|| "Equals".to_owned());
        let oat = cx.pointer(file, &format!("{base}/Parameters/Operator"));
        let nat = cx.pointer(file, &format!("{base}/Parameters/Namespace"));
        if operator != "Equals" {
            cx.approx_test(
                oat,
                format!("assertion operator `{operator}`: ivrsim's `var` expectation checks equality only; left out"),
                "the value is not checked",
            );
            return;
        }
        let Some(operand) = get("Operand") else {
            cx.approx_test(
                oat,
                "an `Equals` assertion without an `Operand`: left out",
                "the value is not checked",
            );
            return;
        };
        let ns = namespace.trim();
        let (var, value) = if ns == "$.Queue.Name" {
            match self.queue_named(cx, nat, &operand) {
                Some(q) => (super::connect::WORKING_QUEUE.to_owned(), q),
                None => return,
            }
        } else if ns == "$.Queue.ARN" || ns == "$.Queue.Id" {
            (super::connect::WORKING_QUEUE.to_owned(), arn_name(&operand))
        } else if ns.starts_with("$.Attributes.") || ns.starts_with("$.External.") || ns == "$.StoredCustomerInput" {
            match path_var(ns) {
                Some(v) => (v, operand),
                None => {
                    cx.approx_test(
                        nat,
                        format!("`{ns}` names no variable: left out"),
                        "the value is not checked",
                    );
                    return;
                }
            }
        } else {
            cx.approx_test(
                nat,
                format!(
                    "`{}` is not a value ivrsim keeps (it keeps contact attributes, Lambda results, the stored input and the working queue): left out",
                    if ns.is_empty() { "(no Namespace)" } else { ns }
                ),
                "the value is not checked",
            );
            return;
        };
        if let Some(Step::Expect(e)) = steps.last_mut()
            && e.vars.get(&var).is_none_or(|v| *v == value)
        {
            e.vars.insert(var, value);
            return;
        }
        steps.push(Step::Expect(Expect {
            vars: IndexMap::from([(var, value)]),
            ..Expect::default()
        }));
    }

    /// The imported name of the queue Connect names `name` (`$.Queue.Name`): the flow's queue
    /// of that name, else the one whose name matches it ignoring case and punctuation (W027),
    /// else `None` (W027).
    fn queue_named(&self, cx: &mut Cx<'_>, at: Span, name: &str) -> Option<String> {
        let mut queues: Vec<&str> = self
            .menu
            .nodes
            .iter()
            .filter_map(|n| match &n.kind {
                NodeKind::Transfer(t) => Some(t.queue.as_str()),
                _ => None,
            })
            .collect();
        queues.sort_unstable();
        queues.dedup();
        if queues.contains(&name) {
            return Some(name.to_owned());
        }
        let fold = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let like: Vec<&str> = queues.iter().copied().filter(|q| fold(q) == fold(name)).collect();
        if let [one] = like.as_slice() {
            cx.approx_test(
                at,
                format!("queue name `{name}` is taken for the imported queue `{one}` (imported queues are named by their ARN)"),
                "none, unless two queues have names this alike",
            );
            return Some((*one).to_owned());
        }
        cx.approx_test(
            at,
            format!(
                "no queue of the flow is named `{name}` (imported queues are named by their ARN: {}): left out",
                queues.iter().map(|q| format!("`{q}`")).collect::<Vec<_>>().join(", ")
            ),
            "the queue is not checked",
        );
        None
    }

    fn override_behavior(&mut self, cx: &mut Cx<'_>, base: &str, params: Option<&Map<String, Value>>) {
        let file = self.file;
        let props = params
            .and_then(|p| p.get("Behavior"))
            .and_then(|b| b.get("Properties"))
            .and_then(Value::as_object);
        let ty = props
            .and_then(|p| p.get("ActionType"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let param = |k: &str| {
            props
                .and_then(|p| p.get("ActionParameters"))
                .and_then(|p| p.get(k))
                .and_then(scalar)
        };
        let strategy = props.and_then(|p| p.get("Strategy"));
        let strategy_ty = strategy
            .and_then(|s| s.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let response = strategy.and_then(|s| s.get("Response"));
        let response_ty = response
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let props_base = format!("{base}/Parameters/Behavior/Properties");
        let sat = cx.pointer(file, &format!("{props_base}/Strategy"));
        let tat = cx.pointer(file, &format!("{props_base}/ActionType"));
        if strategy_ty == "SubstituteResource" {
            let other = strategy
                .and_then(|s| s.get("SubstituteArn"))
                .and_then(scalar)
                .map_or_else(|| "another resource".to_owned(), |a| format!("`{}`", arn_name(&a)));
            cx.approx_test(
                sat,
                format!("{other} stands in for the flow's own in Connect; ivrsim has no such resource, so the flow's own is used"),
                "the call behaves as with the flow's own resource",
            );
            return;
        }
        if strategy_ty != "MockResponse" {
            cx.approx_test(
                sat,
                format!("strategy `{strategy_ty}` is not imported: the override is left out"),
                "the call behaves as without the override",
            );
            return;
        }
        let rat = cx.pointer(file, &format!("{props_base}/Strategy/Response"));
        let error = (response_ty == "Error").then(|| {
            response
                .and_then(|r| r.pointer("/Error/Value"))
                .and_then(scalar)
                .unwrap_or_else(|| "NoMatchingError".to_owned())
        });
        let result = response.and_then(|r| r.get("ExecutionResult"));
        if let Some(delay) = response
            .and_then(|r| {
                r.pointer("/ExecutionResult/DelaySeconds")
                    .or_else(|| r.pointer("/Error/DelaySeconds"))
            })
            .and_then(scalar)
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|d| *d > 0.0)
        {
            cx.approx_test(
                rat,
                format!("the mocked response comes after {delay} s in Connect; ivrsim's external steps take no time"),
                "the caller does not wait for it",
            );
        }
        match ty {
            "InvokeLambdaFunction" => {
                let name = param("LambdaFunctionARN").map(|a| arn_name(&a));
                let nodes: Vec<&crate::menu::ExternalNode> = self
                    .menu
                    .nodes
                    .iter()
                    .filter_map(|n| match &n.kind {
                        NodeKind::External(x)
                            if x.app == ExternalApp::Application && name.as_ref().is_none_or(|m| *m == x.name) =>
                        {
                            Some(x)
                        }
                        _ => None,
                    })
                    .collect();
                let shown = name.clone().unwrap_or_else(|| "(no LambdaFunctionARN)".to_owned());
                if nodes.is_empty() {
                    cx.approx_test(
                        tat,
                        format!("the flow invokes no Lambda function `{shown}`: the mock is left out"),
                        "none",
                    );
                    return;
                }
                if !self.lambdas.insert(shown.clone()) {
                    cx.approx_test(
                        sat,
                        format!("a further mock of `{shown}`: Connect uses each mock once, in order; ivrsim's `start.vars` hold for the whole call, so only the first is imported"),
                        "a second invocation gets the first mock's result",
                    );
                    return;
                }
                if let Some(error) = error {
                    for store in nodes.iter().map(|x| x.store.clone()) {
                        self.start_var(cx, rat, store, "error".to_owned());
                    }
                    if error != "NoMatchingError" {
                        cx.approx_test(
                            rat,
                            format!("error `{error}` takes the block's error branch, as `NoMatchingError` does (the imported block has one)"),
                            "none",
                        );
                    }
                    return;
                }
                let Some(loaded) = result.and_then(|r| r.get("LoadedData")) else {
                    return; // A success with no data: the success branch, as ivrsim takes it.
                };
                let lat = cx.pointer(file, &format!("{props_base}/Strategy/Response/ExecutionResult/LoadedData"));
                let data = match loaded {
                    Value::String(s) if s.trim().is_empty() => return,
                    Value::String(s) => serde_json::from_str::<Value>(s).ok(),
                    other => Some(other.clone()),
                };
                let Some(Value::Object(data)) = data else {
                    cx.approx_test(
                        lat,
                        "`LoadedData` is not a JSON object of the function's returned keys: left out",
                        "the flow reads no value the mock returns",
                    );
                    return;
                };
                for (k, v) in data {
                    match scalar(&v) {
                        Some(v) => self.start_var(cx, lat, k, v),
                        None => cx.approx_test(
                            lat,
                            format!("returned key `{k}` is not a string, number or boolean (Connect keeps flat values only): left out"),
                            "the flow reads no value for it",
                        ),
                    }
                }
            }
            "CheckHoursOfOperation" => {
                if let Some(error) = error {
                    cx.approx_test(
                        rat,
                        format!("an hours check that fails (`{error}`) takes an error branch ivrsim does not import: left out"),
                        "the call takes the open or closed branch instead",
                    );
                    return;
                }
                let value = result.and_then(|r| r.get("Value")).and_then(scalar).unwrap_or_default();
                let vat = cx.pointer(file, &format!("{props_base}/Strategy/Response/ExecutionResult/Value"));
                let open = match value.to_ascii_lowercase().as_str() {
                    "inhours" | "inhour" | "true" => true,
                    "outofhours" | "outofhour" | "false" => false,
                    _ => {
                        cx.approx_test(
                            vat,
                            format!("hours result `{value}` is neither `InHours` nor `OutOfHours`: left out"),
                            "the call takes the branch its `start.at` gives",
                        );
                        return;
                    }
                };
                let schedule = match param("HoursOfOperationId").map(|h| arn_name(&h)) {
                    Some(s) => s,
                    None if self.menu.schedules.len() == 1 => self.menu.schedules.keys().next().cloned().unwrap_or_default(),
                    None => {
                        cx.approx_test(
                            tat,
                            "the override names no `HoursOfOperationId` and the flow has more than one schedule: left out",
                            "the call takes the branch its `start.at` gives",
                        );
                        return;
                    }
                };
                if !self.menu.schedules.contains_key(&schedule) {
                    cx.approx_test(
                        tat,
                        format!("the flow checks no hours `{schedule}`: the mock is left out"),
                        "none",
                    );
                    return;
                }
                if self.hours.iter().any(|h| h.schedule == schedule) {
                    cx.approx_test(
                        sat,
                        format!("a further mock of the hours `{schedule}`: Connect uses each mock once, in order; one `start.at` holds for the whole call, so only the first is imported"),
                        "a second check gets the first mock's result",
                    );
                    return;
                }
                self.hours.push(Hours {
                    schedule,
                    open,
                    at: vat,
                });
            }
            "TransferContactToQueue" | "DequeueAndTransferToQueue" => match error.as_deref() {
                Some("QueueAtCapacity") if ty == "TransferContactToQueue" => self.scenario.start.queue_full = true,
                _ => cx.approx_test(
                    rat,
                    format!(
                        "a mocked `{ty}` {} is not imported (ivrsim has the queue-at-capacity mock only, as `start: {{ operator: full }}`): left out",
                        error.map_or_else(|| "result".to_owned(), |e| format!("error `{e}`"))
                    ),
                    "the transfer happens as without the mock",
                ),
            },
            other => cx.approx_test(
                tat,
                format!(
                    "an override of `{}` is not imported (ivrsim imports no Lex bot): left out",
                    if other.is_empty() { "(no ActionType)" } else { other }
                ),
                "the call behaves as without the override",
            ),
        }
    }

    /// Sets a variable the call starts with; a second, different value for it is a finding.
    fn start_var(&mut self, cx: &mut Cx<'_>, at: Span, var: String, value: String) {
        match self.scenario.start.vars.get(&var) {
            Some(v) if *v != value => cx.approx_test(
                at,
                format!("`{var}` is already `{v}` from an earlier mock: `{value}` is left out"),
                "the call has the earlier value throughout",
            ),
            _ => {
                self.scenario.start.vars.insert(var, value);
            }
        }
    }

    /// Finds a `start.at` at which every mocked hours check gives what it mocks: a weekday
    /// morning, evening, a Sunday, then every quarter hour of a week. A mock the schedule can
    /// never give (an imported placeholder is open at all times) is a finding, left out.
    fn resolve_hours(&mut self, cx: &mut Cx<'_>) {
        if self.hours.is_empty() {
            return;
        }
        let monday = jiff::civil::date(2026, 3, 2);
        let mut moments = vec![
            monday.at(10, 0, 0, 0),
            monday.at(22, 0, 0, 0),
            jiff::civil::date(2026, 3, 1).at(10, 0, 0, 0),
        ];
        for quarter in 0..7 * 24 * 4 {
            let day = monday
                .checked_add(jiff::Span::new().days(quarter / 96))
                .unwrap_or(monday);
            let minute = (quarter % 96) * 15;
            moments.push(day.at((minute / 60) as i8, (minute % 60) as i8, 0, 0));
        }
        let holds = |h: &Hours, at: DateTime| {
            self.menu
                .schedules
                .get(&h.schedule)
                .is_some_and(|s| s.is_open_at(at) == h.open)
        };
        let mut kept: Vec<&Hours> = Vec::new();
        for h in &self.hours {
            let with = |at: &&DateTime| kept.iter().all(|k| holds(k, **at)) && holds(h, **at);
            if moments.iter().any(|m| with(&m)) {
                kept.push(h);
                continue;
            }
            let alone = moments.iter().any(|m| holds(h, *m));
            cx.approx_test(
                h.at,
                format!(
                    "the hours `{}` are mocked {}, but {}: left out",
                    h.schedule,
                    if h.open { "open" } else { "closed" },
                    if alone {
                        "no time of the week gives that together with the other hours mocked".to_owned()
                    } else if h.open {
                        format!("the flow's schedule `{}` is never open", h.schedule)
                    } else {
                        format!(
                            "the flow's schedule `{}` is open at all times (Connect keeps hours outside the flow: fill in `schedules.{}` of the imported menu and give it with `--with`)",
                            h.schedule, h.schedule
                        )
                    }
                ),
                "the call takes the branch the schedule gives at the scenario's time, not the mocked one",
            );
        }
        self.scenario.start.at = moments
            .iter()
            .copied()
            .find(|m| kept.iter().all(|k| holds(k, *m)))
            .filter(|_| !kept.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cases_are_told_from_flows() {
        assert!(is_test_case(r#"{"Version": "2025-06-21", "Observations" : []}"#));
        assert!(!is_test_case(
            r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": []}"#
        ));
        assert!(!is_test_case(r#"{"Text": "say \"Observations\" here"}"#));
        assert!(!is_test_case("Observations:\n"));
    }

    /// Imports `case` (JSON text) for the menu `flow` (a Connect flow or YAML menu, as text):
    /// the scenario and each finding as `CODE pointer: message`.
    fn import_text(flow: &str, case: &str) -> (Option<Scenario>, Vec<String>) {
        let mut sources = crate::source::Sources::new();
        let flow_path = if flow.trim_start().starts_with('{') {
            "flow.json"
        } else {
            "flow.yaml"
        };
        let menu = crate::menu::load_menu_text(std::path::Path::new(flow_path), flow, &mut sources)
            .menu
            .expect("menu");
        let file = sources.add("case.json", case);
        let mut cx = Cx {
            sources: &mut sources,
            path: "case.json".into(),
            file,
            diags: Vec::new(),
            companions: Vec::new(),
        };
        let scenario = import(&mut cx, &menu);
        let diags = std::mem::take(&mut cx.diags);
        let findings = diags
            .iter()
            .map(|d| {
                format!(
                    "{} {}: {}",
                    d.code.as_str(),
                    sources.pointer_of(d.primary.span).unwrap_or("?"),
                    d.message
                )
            })
            .collect();
        (scenario, findings)
    }

    const FLOW: &str = r#"{"Version": "2019-10-30", "StartAction": "main", "Actions": [
      {"Identifier": "main", "Type": "GetParticipantInput", "Parameters": {"Text": "For billing, press 1.", "InputTimeLimitSeconds": "5"},
       "Transitions": {"NextAction": "q", "Conditions": [{"NextAction": "lookup", "Condition": {"Operator": "Equals", "Operands": ["1"]}}],
         "Errors": [{"NextAction": "q", "ErrorType": "InputTimeLimitExceeded"}, {"NextAction": "q", "ErrorType": "NoMatchingCondition"}]}},
      {"Identifier": "lookup", "Type": "InvokeLambdaFunction", "Parameters": {"LambdaFunctionARN": "arn:aws:lambda:x:1:function:account"},
       "Transitions": {"NextAction": "tier", "Errors": [{"NextAction": "q", "ErrorType": "NoMatchingError"}]}},
      {"Identifier": "tier", "Type": "UpdateContactAttributes", "Parameters": {"Attributes": {"tier": "$.External.tier"}}, "Transitions": {"NextAction": "q"}},
      {"Identifier": "q", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "arn:q/queue/billing"}, "Transitions": {"NextAction": "t"}},
      {"Identifier": "t", "Type": "TransferContactToQueue", "Parameters": {}, "Transitions": {}}]}"#;

    fn case(observations: &str) -> String {
        format!(r#"{{"Version": "2025-06-21", "Observations": [{observations}]}}"#)
    }

    const LAMBDA: &str = r#""ActionType": "InvokeLambdaFunction", "ActionParameters": {"LambdaFunctionARN": "arn:aws:lambda:x:1:function:account"}"#;

    #[test]
    fn actions_run_in_their_next_action_order_and_checks_at_completion_listen() {
        let text = case(
            r#"{"Identifier": "m", "Event": {"Type": "MessageReceived", "Properties": {"Text": "press 1", "MatchingCriteria": {"Type": "Inclusion"}}},
                "Actions": [
                  {"Identifier": "second", "Type": "SendInstruction", "Parameters": {"Instruction": {"Type": "DtmfInput", "Properties": {"Value": 1}}}, "Transitions": {"NextAction": ""}},
                  {"Identifier": "first", "Type": "SendInstruction", "Parameters": {"Instruction": {"Type": "Disconnect"}}, "Transitions": {"NextAction": "second"}}],
                "Transitions": {"NextObservations": ["end"]}},
               {"Identifier": "end", "Event": {"Type": "TestCompleted", "Properties": {}},
                "Actions": [{"Identifier": "a", "Type": "Assert", "Parameters": {"Namespace": "$.Attributes.tier", "Operator": "Equals", "Operand": "gold"}}]}"#,
        );
        let (s, findings) = import_text(FLOW, &text);
        let s = s.unwrap_or_else(|| panic!("{findings:?}"));
        assert!(findings.is_empty(), "{findings:?}");
        // The first action's chain starts at index 0: `second`, then `first` (not on it).
        let steps: Vec<&Step> = s.steps.iter().filter(|s| !matches!(s, Step::Comment(_))).collect();
        assert_eq!(
            steps,
            [
                &Step::Expect(Expect {
                    listen: true,
                    prompt: Some("press 1".into()),
                    ..Expect::default()
                }),
                &Step::Press("1".into()),
                &Step::Hangup,
                &Step::Expect(Expect {
                    listen: true,
                    vars: IndexMap::from([("tier".to_owned(), "gold".to_owned())]),
                    ..Expect::default()
                }),
            ]
        );
    }

    #[test]
    fn lambda_mocks_are_the_variables_the_call_starts_with() {
        let mock = |data: &str| {
            format!(
                r#"{{"Identifier": "x", "Type": "OverrideSystemBehavior", "Parameters": {{"Behavior": {{"Type": "FlowAction", "Properties": {{{LAMBDA}, "Strategy": {{"Type": "MockResponse", "Response": {{"Type": "ExecutionResult", "ExecutionResult": {{"LoadedData": {data}}}}}}}}}}}}}}}"#
            )
        };
        let text = case(&format!(
            r#"{{"Identifier": "s", "Event": {{"Type": "TestInitiated", "Properties": {{}}}}, "Actions": [{}, {}],
                 "Transitions": {{"NextObservations": ["l"]}}}},
               {{"Identifier": "l", "Event": {{"Type": "FlowActionStarted", "Properties": {{{LAMBDA}}}}}, "Usage": {{"Type": "EXACTLY", "Times": 2}}}}"#,
            mock(r#"{"tier": "gold", "score": 7, "nested": {"a": 1}}"#),
            mock(r#""{\"tier\": \"silver\"}""#)
        ));
        let (s, findings) = import_text(FLOW, &text);
        let s = s.unwrap_or_else(|| panic!("{findings:?}"));
        assert_eq!(
            s.start.vars,
            IndexMap::from([
                ("score".to_owned(), "7".to_owned()),
                ("tier".to_owned(), "gold".to_owned())
            ])
        );
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(
            findings[0].contains("returned key `nested` is not a string"),
            "{findings:?}"
        );
        assert!(
            findings[1].starts_with(
                "W027 /Observations/0/Actions/1/Parameters/Behavior/Properties/Strategy: a further mock of `account`"
            ),
            "{findings:?}"
        );
        // `Times: 2` writes the observation's steps twice; the event is the Lambda's node passed.
        let passed: Vec<&Step> = s
            .steps
            .iter()
            .filter(|st| matches!(st, Step::Expect(e) if e.passed.as_deref() == Some("lookup")))
            .collect();
        assert_eq!(passed.len(), 2, "{:?}", s.steps);
    }

    #[test]
    fn hours_mocks_find_a_moment_of_the_week() {
        let menu = r#"
name: office
entry: hours
schedules:
  office:
    - { days: mon-fri, from: "08:00", to: "18:00" }
  weekend:
    - { days: sat-sun, from: "09:00", to: "12:00" }
nodes:
  hours:
    kind: route
    routes:
      - { when: { hours: office }, to: open }
      - { when: { hours: weekend }, to: open }
    default: closed
  open: { kind: transfer, queue: desk }
  closed: { kind: hangup, prompt: { text: "We are closed." }, reason: closed }
"#;
        let hours = |id: &str, value: &str| {
            format!(
                r#"{{"Identifier": "{id}{value}", "Type": "OverrideSystemBehavior", "Parameters": {{"Behavior": {{"Type": "FlowAction", "Properties": {{"ActionType": "CheckHoursOfOperation", "ActionParameters": {{"HoursOfOperationId": "arn:x:instance/i/operating-hours/{id}"}}, "Strategy": {{"Type": "MockResponse", "Response": {{"Type": "ExecutionResult", "ExecutionResult": {{"Value": "{value}"}}}}}}}}}}}}}}"#
            )
        };
        let with = |mocks: &[String]| {
            case(&format!(
                r#"{{"Identifier": "s", "Event": {{"Type": "TestInitiated", "Properties": {{}}}}, "Actions": [{}]}}"#,
                mocks.join(",")
            ))
        };
        let at = |s: &Option<Scenario>| s.as_ref().and_then(|s| s.start.at).map(moment);
        // Office closed and weekend open: the Sunday morning tried first.
        let (s, f) = import_text(
            menu,
            &with(&[hours("office", "OutOfHours"), hours("weekend", "InHours")]),
        );
        assert!(f.iter().all(|f| !f.contains("hours")), "{f:?}");
        assert_eq!(at(&s).as_deref(), Some("2026-03-01T10:00"));
        // Both open never happens: the second mock is left out, with a finding.
        let (s, f) = import_text(menu, &with(&[hours("office", "InHours"), hours("weekend", "InHours")]));
        assert_eq!(at(&s).as_deref(), Some("2026-03-02T10:00"));
        assert!(
            f.iter().any(|f| f.contains("the hours `weekend` are mocked open, but no time of the week gives that together")),
            "{f:?}"
        );
        // Hours the flow does not check.
        let (_, f) = import_text(menu, &with(&[hours("night", "InHours")]));
        assert!(
            f.iter().any(|f| f.contains("the flow checks no hours `night`")),
            "{f:?}"
        );
    }

    #[test]
    fn utterances_are_said_only_where_the_menu_has_keywords() {
        let keyed = r#"
name: keyed
entry: main
nodes:
  main:
    kind: menu
    prompt: { text: "Say billing or press 1." }
    options:
      - { key: "1", to: desk, say: [billing] }
  desk: { kind: transfer, queue: billing }
"#;
        let text = case(
            r#"{"Identifier": "m", "Event": {"Type": "MessageReceived", "Properties": {"Text": "Say billing"}},
                "Actions": [{"Identifier": "u", "Type": "SendInstruction", "Parameters": {"Instruction": {"Type": "TextUtterance", "Properties": {"Text": "billing", "LanguageCode": "en-US"}}}}]}"#,
        );
        let (s, findings) = import_text(keyed, &text);
        assert!(s.expect("scenario").steps.contains(&Step::Say("billing".into())));
        assert!(
            findings[0].contains("is said as words that the menu's `say` keywords match"),
            "{findings:?}"
        );
        let (s, findings) = import_text(FLOW, &text);
        assert!(!s.expect("scenario").steps.iter().any(|s| matches!(s, Step::Say(_))));
        assert!(
            findings
                .iter()
                .any(|f| f.contains("this menu has no `say` keywords): left out")),
            "{findings:?}"
        );
    }

    #[test]
    fn expectations_are_written_in_one_line() {
        let e = Expect {
            listen: true,
            passed: Some("lookup".into()),
            prompt: Some("press \"2\"".into()),
            vars: IndexMap::from([("line".to_owned(), "hotline".to_owned())]),
            transfer: Some(Some("urgent".into())),
        };
        assert_eq!(
            e.yaml(),
            r#"{ listen: true, passed: "lookup", prompt: "press \"2\"", var: { "line": "hotline" }, transfer: { queue: "urgent" } }"#
        );
        assert_eq!(
            Expect {
                transfer: Some(None),
                ..Expect::default()
            }
            .yaml(),
            "{ transfer: {} }"
        );
        assert_eq!(moment(jiff::civil::date(2026, 3, 2).at(9, 5, 0, 0)), "2026-03-02T09:05");
    }
}
