//! Importing Amazon Connect contact flows (the flow language: JSON with `Version`,
//! `StartAction` and `Actions`), as exported by the console or by `describe-contact-flow`
//! (whose `ContactFlow.Content` string holds the flow).
//!
//! Each action becomes one node (two for a `Loop`, one per working queue for a transfer), its
//! id made from the action's `Identifier`, its `description` naming the action type and
//! Identifier, its place the JSON pointer `/Actions/N`. The rules, with their sources
//! (the flow language reference in the Amazon Connect API Reference, "Flow language actions",
//! and the admin guide's block pages), are in `docs/import.md`, "Amazon Connect"; in short:
//!
//! - `GetParticipantInput` (DTMF, `StoreInput` false) is a `menu`: one option per `Equals`
//!   condition on one key; `InputTimeLimitSeconds` is the timeout; Connect does not retry by
//!   itself (a flow loops back for a retry), so one no-input and one no-match end the block,
//!   by its `InputTimeLimitExceeded` and `NoMatchingCondition` branches (`NoMatchingError`
//!   when they are absent). The prompt can be interrupted by a key.
//! - `GetParticipantInput` with `StoreInput` true is a `collect` into `StoredCustomerInput`:
//!   `MaximumLength` digits, `InputTerminationSequence` (`#` when absent), 5 s between digits
//!   unless `InterdigitTimeLimitSeconds` says otherwise; silence takes the success branch with
//!   the value `Timeout`.
//! - `MessageParticipant` is a `message` (not interrupted by keys); `Compare` and
//!   `CheckHoursOfOperation` are `route`s; `UpdateContactAttributes`,
//!   `UpdateContactTargetQueue` and `UpdateContactRoutingBehavior` are `route`s that only `set`
//!   variables (`working_queue`, `queue_priority`); `Loop` is a counting `route` pair;
//!   `TransferContactToQueue` is a `transfer` to the working queue(s) that can reach it, with
//!   the priority set before it (5 by default); `InvokeLambdaFunction` is an `external`
//!   application with success and error branches; `TransferToFlow` imports the other flow
//!   when its file is given (or lies in the same folder), else it is an `external` flow;
//!   `DisconnectParticipant` is a `hangup`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::menu::build::{At, DigitsSpec, ListenSpec, MenuBuilder, NodeSpec, OptionSpec, QueueSpec};
use crate::menu::schedule::{OpenPeriod, Schedule};
use crate::menu::{
    CompareOp, DtmfKey, ExternalApp, ExternalBranches, ExternalNode, HangupNode, LoadOutcome, NoOperator, NodeRef,
    Priority, Prompt, Retries, Route, RouteNode, SetValue, SetVar, Test,
};
use crate::source::{FileId, Span};

/// Connect's routing priority for a contact no block changed: 5 (1 is routed first).
/// Source: admin guide, "Change routing priority / age" block.
pub const DEFAULT_PRIORITY: u8 = 5;

/// How long Store customer input waits between digits when the flow does not say: 5 s.
/// Source: admin guide, "Store customer input" ("waits 5 seconds for each digit").
pub const DEFAULT_INTER_DIGIT: Duration = Duration::from_secs(5);

/// Digits Store customer input takes when `MaximumLength` is not given: 20 (the admin
/// guide's example and the console's default).
pub const DEFAULT_MAX_DIGITS: u32 = 20;

/// Most actions read from one flow (Connect allows 250; generated and merged flows are
/// larger, so the limit only bounds memory).
pub const MAX_ACTIONS: usize = 200_000;

/// Most flows followed through `TransferToFlow` from one file.
pub const MAX_FLOWS: usize = 64;

/// The variable Store customer input stores into (`$.StoredCustomerInput`).
pub const STORED_INPUT: &str = "StoredCustomerInput";

/// The variable the imported `UpdateContactTargetQueue` blocks set.
pub const WORKING_QUEUE: &str = "working_queue";

/// The variable the imported `UpdateContactRoutingBehavior` blocks set.
pub const QUEUE_PRIORITY: &str = "queue_priority";

/// Imports the Connect flow of `cx`.
pub fn import(mut cx: Cx<'_>) -> LoadOutcome {
    let file = cx.file;
    let Some(doc) = read_json(&mut cx, file) else {
        return cx.nothing();
    };
    let (doc, file) = match unwrap_described(&mut cx, file, doc) {
        Some(x) => x,
        None => return cx.nothing(),
    };
    if doc.get("Observations").is_some() {
        let at = cx.pointer(file, "/Observations");
        cx.unreadable(
            at,
            "this is an Amazon Connect test case (testing language), not a contact flow: `ivrsim import CASE.json --with FLOW.json` writes it as a scenario for the flow",
        );
        return cx.nothing();
    }
    let top = cx.pointer(file, "");
    let name = cx
        .path
        .file_stem()
        .map_or_else(|| "Connect flow".to_owned(), |s| s.to_string_lossy().into_owned());
    let path = cx.path.clone();
    let mut b = MenuBuilder::new(&path, name, top);
    let mut im = Importer {
        b: &mut b,
        flows: Vec::new(),
        taken: HashSet::new(),
        schedules: HashSet::new(),
        queues: IndexMap::new(),
        variables: HashSet::new(),
        dropped_errors: 0,
        first_dropped: None,
    };
    let Some(start) = im.flow(&mut cx, file, &doc, "") else {
        return cx.nothing();
    };
    im.b.entry(start);
    im.finish(&mut cx);
    cx.finish(b)
}

/// Parses `file` as JSON, reporting a syntax error (E022) with its line and column.
pub(super) fn read_json(cx: &mut Cx<'_>, file: FileId) -> Option<Value> {
    let text = cx.sources.text(file).to_owned();
    match serde_json::from_str::<Value>(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            let at = super::xml::byte_of(&text, e.line(), e.column());
            let span = cx.bytes(file, at..at);
            cx.unreadable(span, format!("not valid JSON: {e}"));
            None
        }
    }
}

/// A `describe-contact-flow` answer holds the flow as a JSON string in
/// `ContactFlow.Content`: that string is read as the flow (added as a source of its own).
fn unwrap_described(cx: &mut Cx<'_>, file: FileId, doc: Value) -> Option<(Value, FileId)> {
    let Some(content) = doc.pointer("/ContactFlow/Content") else {
        return Some((doc, file));
    };
    let Some(text) = content.as_str() else {
        let at = cx.pointer(file, "/ContactFlow/Content");
        cx.unreadable(at, "`ContactFlow.Content` is not a string holding the flow");
        return None;
    };
    let name = format!("{} (ContactFlow.Content)", cx.sources.name(file));
    let inner = cx.sources.add(name, text.to_owned());
    let v = read_json(cx, inner)?;
    Some((v, inner))
}

/// One action, as read.
struct Action<'a> {
    /// Its index in `Actions`.
    index: usize,
    /// The queue's display name the console keeps for this block
    /// (`Metadata.ActionMetadata.<id>.parameters.QueueId.displayName`), if any.
    queue_display: Option<&'a str>,
    id: &'a str,
    ty: &'a str,
    params: &'a Map<String, Value>,
    next: Option<&'a str>,
    /// `(ErrorType, NextAction, index)`.
    errors: Vec<(&'a str, &'a str, usize)>,
    /// `(Operator, operands, NextAction, index)`.
    conditions: Vec<(&'a str, Vec<String>, &'a str, usize)>,
}

impl<'a> Action<'a> {
    fn error(&self, ty: &str) -> Option<(&'a str, usize)> {
        self.errors.iter().find(|e| e.0 == ty).map(|e| (e.1, e.2))
    }

    fn param_str(&self, name: &str) -> Option<String> {
        scalar(self.params.get(name)?)
    }

    /// Every action this one can lead to.
    fn successors(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.next
            .into_iter()
            .chain(self.errors.iter().map(|e| e.1))
            .chain(self.conditions.iter().map(|c| c.2))
    }
}

/// A JSON string, number or boolean as text (Connect writes numbers as strings: `"5"`).
pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        _ => None,
    }
}

fn truthy(v: Option<String>) -> bool {
    v.is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

/// The name of a resource given by ARN (its last path segment) or as is.
pub(super) fn arn_name(s: &str) -> String {
    s.rsplit('/')
        .next()
        .unwrap_or(s)
        .rsplit(':')
        .next()
        .unwrap_or(s)
        .to_owned()
}

/// The flow a templated id names: Terraform-managed exports write a flow's id as a lookup by
/// its name (`${var.contact_flows_map["inbound_to_agent"]}`); the quoted key is that name.
fn templated_name(id: &str) -> Option<String> {
    let start = id.find("[\"")? + 2;
    let len = id[start..].find('"')?;
    let name = &id[start..start + len];
    (id.contains("${") && !name.is_empty()).then(|| name.to_owned())
}

/// An `external` step to the flow `name` without `on`: the call leaves this flow by design.
fn leave_to_flow(name: String) -> NodeSpec {
    NodeSpec::External(ExternalNode {
        app: ExternalApp::Flow,
        name,
        prompt: None,
        on: None,
        store: crate::menu::DEFAULT_EXTERNAL_STORE.to_owned(),
    })
}

/// The variable a JSONPath reads: `$.Attributes.x` → `x`, `$.StoredCustomerInput`,
/// `$.External.y` → `y`, other paths their last segment.
pub(super) fn path_var(path: &str) -> Option<String> {
    let rest = path.strip_prefix("$.")?;
    let last = rest
        .strip_prefix("Attributes.")
        .or_else(|| rest.strip_prefix("External."))
        .unwrap_or_else(|| rest.rsplit('.').next().unwrap_or(rest));
    (!last.is_empty()).then(|| var_name(last))
}

/// A Connect attribute's name as an ivrsim variable name (letters, digits and `_`, starting
/// with a letter): every other character becomes `_`, and a name that does not start with a
/// letter gets `v_` before it (`my-var` → `my_var`, `2nd` → `v_2nd`).
pub(super) fn var_name(name: &str) -> String {
    let mut v: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    if !v.starts_with(|c: char| c.is_ascii_alphabetic()) {
        v.insert_str(0, "v_");
    }
    v
}

/// The caption that stands in for the recorded prompt `name` (a `PromptId`, by its ARN's last
/// segment): the test-case importer expects the same words.
pub(super) fn recorded_caption(name: &str) -> String {
    format!("[recorded prompt: {name}]")
}

/// The caption that stands in for the audio file `name` (a `Media` URI's last segment).
pub(super) fn audio_caption(name: &str) -> String {
    format!("[audio: {name}]")
}

struct Importer<'b> {
    b: &'b mut MenuBuilder,
    /// Flows imported so far: (file, id prefix, start reference name).
    flows: Vec<(FileId, String, String)>,
    taken: HashSet<String>,
    schedules: HashSet<String>,
    /// Queue name → the `QueueAtCapacity` target, if any block gave one.
    queues: IndexMap<String, Option<(String, Span)>>,
    variables: HashSet<String>,
    dropped_errors: usize,
    first_dropped: Option<Span>,
}

/// The working queue and priority a path brings to an action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Context {
    queue: Option<String>,
    priority: u8,
}

/// The queue a transfer with no working queue goes to (Connect takes its error branch).
const NO_QUEUE: &str = "default";

impl Context {
    /// The context as a transfer uses it: no working queue is [`NO_QUEUE`].
    fn normalized(self) -> Context {
        Context {
            queue: Some(self.queue.unwrap_or_else(|| NO_QUEUE.to_owned())),
            priority: self.priority,
        }
    }
}

/// The queues and priorities a transfer reached with `contexts` sends calls to, sorted.
fn targets(contexts: &[Context]) -> Vec<Context> {
    let mut t: Vec<Context> = contexts.iter().cloned().map(Context::normalized).collect();
    if t.is_empty() {
        t.push(
            Context {
                queue: None,
                priority: DEFAULT_PRIORITY,
            }
            .normalized(),
        );
    }
    t.sort_by(|x, y| (&x.queue, x.priority).cmp(&(&y.queue, y.priority)));
    t.dedup();
    t
}

impl Importer<'_> {
    /// Imports the flow `doc` of `file`, its node ids starting with `prefix`; returns the
    /// reference to its start.
    fn flow(&mut self, cx: &mut Cx<'_>, file: FileId, doc: &Value, prefix: &str) -> Option<NodeRef> {
        let Some(obj) = doc.as_object() else {
            let at = cx.pointer(file, "");
            cx.unreadable(at, "a contact flow is a JSON object with `StartAction` and `Actions`");
            return None;
        };
        let Some(actions_v) = obj.get("Actions").and_then(Value::as_array) else {
            let at = cx.pointer(file, "");
            cx.unreadable(at, "no `Actions` array: this is not a contact flow");
            return None;
        };
        if actions_v.len() > MAX_ACTIONS {
            let at = cx.pointer(file, "/Actions");
            cx.unreadable(at, format!("more than {MAX_ACTIONS} actions"));
            return None;
        }
        let mut actions = Vec::with_capacity(actions_v.len());
        for (index, a) in actions_v.iter().enumerate() {
            match read_action(cx, file, index, a) {
                Some(mut a) => {
                    a.queue_display = obj
                        .get("Metadata")
                        .and_then(|m| m.get("ActionMetadata"))
                        .and_then(|m| m.get(a.id))
                        .and_then(|m| m.pointer("/parameters/QueueId/displayName"))
                        .and_then(Value::as_str);
                    actions.push(a);
                }
                None => continue,
            }
        }
        // Identifier → node id.
        let mut ids: HashMap<&str, String> = HashMap::new();
        for a in &actions {
            if ids.contains_key(a.id) {
                let at = cx.pointer(file, &format!("/Actions/{}/Identifier", a.index));
                cx.diags.push(
                    Diagnostic::new(
                        Code::DuplicateNode,
                        at,
                        format!("two actions have the Identifier `{}`", a.id),
                    )
                    .label("used again here")
                    .help("Identifiers must be unique within a flow"),
                );
                continue;
            }
            let base = if looks_generated(a.id) {
                format!("{}-{}", short_type(a.ty), &a.id[..8])
            } else {
                a.id.to_owned()
            };
            let id = super::node_id(&format!("{prefix}{base}"), "action", &mut self.taken);
            ids.insert(a.id, id);
        }
        let start_at = cx.pointer(file, "/StartAction");
        let start = match obj.get("StartAction").and_then(Value::as_str) {
            Some(s) => s,
            None => {
                cx.unreadable(start_at, "no `StartAction`: the flow does not say where a call begins");
                return None;
            }
        };
        // Known before the actions are mapped, so that a flow transferring back to this one
        // (a cycle of flows) finds its start.
        let start_id = ids.get(start).cloned().unwrap_or_else(|| format!("{prefix}{start}"));
        self.flows.push((file, prefix.to_owned(), start_id));
        let by_id: HashMap<&str, &Action<'_>> = actions.iter().map(|a| (a.id, a)).collect();
        let contexts = contexts(&by_id, start);
        // A transfer that several working queues (or priorities) reach gets a node per queue.
        let mut special: HashMap<(&str, Context), String> = HashMap::new();
        for a in actions.iter().filter(|a| a.ty == "TransferContactToQueue") {
            let Some(node) = ids.get(a.id) else { continue };
            let ts = targets(contexts.get(a.id).map_or(&[][..], Vec::as_slice));
            if ts.len() < 2 {
                continue;
            }
            let several_priorities = |q: &Option<String>| ts.iter().filter(|t| t.queue == *q).count() > 1;
            for t in &ts {
                let q = t.queue.clone().unwrap_or_default();
                let name = if several_priorities(&t.queue) {
                    format!("{node}-{q}-{}", t.priority)
                } else {
                    format!("{node}-{q}")
                };
                let id = super::node_id(&name, "transfer", &mut self.taken);
                special.insert((a.id, t.clone()), id);
            }
        }
        let flow = Flow {
            file,
            ids: &ids,
            prefix,
            start,
            by_id: &by_id,
            contexts: &contexts,
            special: &special,
        };
        for a in &actions {
            if !ids.contains_key(a.id) {
                continue;
            }
            let here = contexts.get(a.id).cloned().unwrap_or_default();
            self.action(cx, &flow, a, &here);
        }
        Some(flow.reference(self.b, None, start, start_at))
    }

    fn action(&mut self, cx: &mut Cx<'_>, flow: &Flow<'_>, a: &Action<'_>, contexts: &[Context]) {
        let file = flow.file;
        let base = format!("/Actions/{}", a.index);
        let at = cx.pointer(file, &base);
        let id = At::new(flow.ids[a.id].clone(), at);
        let description = Some(format!("Connect {} `{}`", a.ty, a.id));
        let next_or = |im: &mut Self, cx: &mut Cx<'_>, target: Option<&str>, field: &str| -> NodeRef {
            let at = cx.pointer(file, &format!("{base}/Transitions/{field}"));
            match target {
                Some(t) => flow.reference(im.b, Some(a), t, at),
                None => im.b.reference(format!("{}-end", flow.ids[a.id]), at),
            }
        };
        // Errors with no counterpart in ivrsim (the block failing): counted, reported once.
        let handled: &[&str] = match a.ty {
            "GetParticipantInput" => &["InputTimeLimitExceeded", "NoMatchingCondition", "InvalidPhoneNumber"],
            "Compare" => &["NoMatchingCondition"],
            "TransferContactToQueue" => &["QueueAtCapacity"],
            "InvokeLambdaFunction" => &["NoMatchingError"],
            _ => &[],
        };
        for (ty, _, i) in &a.errors {
            if !(handled.contains(ty) || a.ty == "GetParticipantInput" && *ty == "NoMatchingError") {
                self.dropped_errors += 1;
                if self.first_dropped.is_none() {
                    self.first_dropped = Some(cx.pointer(file, &format!("{base}/Transitions/Errors/{i}")));
                }
            }
        }
        match a.ty {
            "MessageParticipant" => {
                let prompt = self.prompt(cx, file, a, &base);
                let ends = a
                    .next
                    .and_then(|n| flow.by_id.get(n))
                    .is_some_and(|n| n.ty == "DisconnectParticipant");
                if ends {
                    // A last message before Disconnect: a hang-up that says it (the same call).
                    self.b.add_node(
                        id,
                        description,
                        NodeSpec::Hangup(HangupNode {
                            prompt: Some(prompt),
                            reason: "disconnected".into(),
                        }),
                    );
                } else {
                    let next = next_or(self, cx, a.next, "NextAction");
                    self.b.add_node(
                        id,
                        description,
                        NodeSpec::Message {
                            prompt,
                            next,
                            barge_in: Some(false),
                        },
                    );
                }
            }
            "GetParticipantInput" if truthy(a.param_str("StoreInput")) => {
                self.store_input(cx, flow, a, id, description, &base);
            }
            "GetParticipantInput" => self.get_input(cx, flow, a, id, description, &base),
            "Compare" => {
                let value = a.param_str("ComparisonValue").unwrap_or_default();
                let var = match path_var(&value) {
                    Some(v) => v,
                    None => {
                        let at = cx.pointer(file, &format!("{base}/Parameters/ComparisonValue"));
                        cx.approx(
                            at,
                            format!(
                                "`ComparisonValue` `{value}` is not a JSONPath; compared as a constant variable `{}`",
                                flow.ids[a.id]
                            ),
                            "the branch taken may differ from Connect's",
                        );
                        var_name(&flow.ids[a.id])
                    }
                };
                self.note_variable(cx, file, &value, &var, &base);
                let mut routes = Vec::new();
                for (op, operands, next, i) in &a.conditions {
                    let at = cx.pointer(file, &format!("{base}/Transitions/Conditions/{i}"));
                    let Some(test) = compare_test(&var, op, operands) else {
                        cx.approx(
                            at,
                            format!("condition `{op}` is not imported; the route is left out"),
                            "this branch is never taken",
                        );
                        continue;
                    };
                    let to = flow.reference(self.b, Some(a), next, at);
                    routes.push(Route { when: vec![test], to });
                }
                let default = match a.error("NoMatchingCondition") {
                    Some((t, i)) => {
                        let at = cx.pointer(file, &format!("{base}/Transitions/Errors/{i}"));
                        flow.reference(self.b, Some(a), t, at)
                    }
                    None => next_or(self, cx, a.next, "NextAction"),
                };
                self.b
                    .add_node(id, description, NodeSpec::Route(RouteNode { routes, default }));
            }
            "CheckHoursOfOperation" => {
                let schedule = match a.param_str("HoursOfOperationId") {
                    Some(h) => arn_name(&h),
                    None => {
                        let queues: Vec<&str> = contexts.iter().filter_map(|c| c.queue.as_deref()).collect();
                        match queues.as_slice() {
                            [q] => format!("{q}-hours"),
                            _ => {
                                cx.approx(
                                    at,
                                    "the hours of the working queue are checked, but no single working queue reaches this block; one schedule `working-queue-hours` stands for them",
                                    "the hours checked may be another queue's",
                                );
                                "working-queue-hours".to_owned()
                            }
                        }
                    }
                };
                self.schedule(cx, &schedule, at);
                let mut open = None;
                let mut closed = None;
                for (op, operands, next, i) in &a.conditions {
                    let cat = cx.pointer(file, &format!("{base}/Transitions/Conditions/{i}"));
                    let r = flow.reference(self.b, Some(a), next, cat);
                    match (*op, operands.first().map(String::as_str)) {
                        ("Equals", Some(v)) if v.eq_ignore_ascii_case("true") => open = Some(r),
                        ("Equals", Some(v)) if v.eq_ignore_ascii_case("false") => closed = Some(r),
                        _ => cx.approx(
                            cat,
                            "a condition other than `Equals True`/`Equals False` is left out",
                            "none",
                        ),
                    }
                }
                let closed = closed.unwrap_or_else(|| next_or(self, cx, a.next, "NextAction"));
                let routes = open
                    .map(|to| Route {
                        when: vec![Test::Hours(schedule.clone())],
                        to,
                    })
                    .into_iter()
                    .collect();
                self.b.add_node(
                    id,
                    description,
                    NodeSpec::Route(RouteNode {
                        routes,
                        default: closed,
                    }),
                );
            }
            "UpdateContactAttributes" => {
                let mut set = Vec::new();
                if let Some(attrs) = a.params.get("Attributes").and_then(Value::as_object) {
                    for (k, v) in attrs {
                        let sat = cx.pointer(file, &format!("{base}/Parameters/Attributes/{}", escape(k)));
                        let text = scalar(v).unwrap_or_default();
                        let var = var_name(k);
                        if var != *k {
                            cx.approx(
                                sat,
                                format!("attribute `{k}` is the variable `{var}` in ivrsim (a variable name is letters, digits and `_`)"),
                                "none; scenarios and `call --var` name it `{var}`",
                            );
                        }
                        set.push(SetVar {
                            var,
                            value: SetValue::Text(fill_paths(&text)),
                            span: sat,
                        });
                    }
                }
                if a.param_str("TargetContact").is_some_and(|t| t != "Current") {
                    cx.approx(
                        at,
                        "`TargetContact` other than the current contact: set on this call",
                        "none in a rehearsal",
                    );
                }
                self.pass(cx, flow, a, id, description, set, "NextAction");
            }
            "UpdateContactTargetQueue" => {
                let queue = self.queue_name(a);
                let set = vec![SetVar {
                    var: WORKING_QUEUE.into(),
                    value: SetValue::Text(queue.clone().unwrap_or_default()),
                    span: at,
                }];
                if queue.is_none() {
                    cx.approx(
                        at,
                        "`AgentId` (an agent's own queue) is not imported: no working queue is set",
                        "the call reaches no agent queue",
                    );
                }
                self.pass(cx, flow, a, id, description, set, "NextAction");
            }
            "UpdateContactRoutingBehavior" => {
                let mut set = Vec::new();
                if let Some(p) = a.param_str("QueuePriority") {
                    let level = p.trim().parse::<u64>().unwrap_or(DEFAULT_PRIORITY as u64).clamp(1, 9);
                    set.push(SetVar {
                        var: QUEUE_PRIORITY.into(),
                        value: SetValue::Text(level.to_string()),
                        span: cx.pointer(file, &format!("{base}/Parameters/QueuePriority")),
                    });
                }
                for p in ["QueueTimeAdjustmentSeconds", "RoutingProficiencies", "RoutingCriteria"] {
                    if a.params.contains_key(p) {
                        let pat = cx.pointer(file, &format!("{base}/Parameters/{p}"));
                        cx.approx(
                            pat,
                            format!("`{p}` has no counterpart in ivrsim's queues; ignored"),
                            "the call is routed by priority and arrival only",
                        );
                    }
                }
                self.pass(cx, flow, a, id, description, set, "NextAction");
            }
            "Loop" => self.looping(cx, flow, a, id, description, &base),
            "TransferContactToQueue" => self.transfer(cx, flow, a, id, description, contexts, &base),
            "InvokeLambdaFunction" => {
                let name = a
                    .param_str("LambdaFunctionARN")
                    .map_or_else(|| "lambda".to_owned(), |s| arn_name(&s));
                let success = next_or(self, cx, a.next, "NextAction");
                let error = match a.error("NoMatchingError") {
                    Some((t, i)) => {
                        let eat = cx.pointer(file, &format!("{base}/Transitions/Errors/{i}"));
                        flow.reference(self.b, Some(a), t, eat)
                    }
                    None => success.clone(),
                };
                self.b.add_node(
                    id,
                    description,
                    NodeSpec::External(ExternalNode {
                        app: ExternalApp::Application,
                        name,
                        prompt: None,
                        on: Some(ExternalBranches { success, error }),
                        store: crate::menu::DEFAULT_EXTERNAL_STORE.to_owned(),
                    }),
                );
            }
            "TransferToFlow" => self.transfer_to_flow(cx, flow, a, id, description, &base),
            // A Disconnect that only ends messages (imported as hang-ups that say them) and
            // error branches ivrsim cannot take is left out: no call reaches it.
            "DisconnectParticipant" if !flow.reached_other_than_by_messages(a.id) => {}
            "DisconnectParticipant" => {
                self.b.add_node(
                    id,
                    description,
                    NodeSpec::Hangup(HangupNode {
                        prompt: None,
                        reason: "disconnected".into(),
                    }),
                );
            }
            other => {
                let tat = cx.pointer(file, &format!("{base}/Type"));
                match a.next {
                    Some(_) => {
                        cx.approx(
                            tat,
                            format!(
                                "action type `{other}` is not imported; the call goes straight on to its `NextAction`"
                            ),
                            "whatever this block does (a prompt, a check, a setting) does not happen",
                        );
                        self.pass(cx, flow, a, id, description, Vec::new(), "NextAction");
                    }
                    None => {
                        cx.approx(
                            tat,
                            format!(
                                "action type `{other}` is not imported; it has no `NextAction`, so the call ends there"
                            ),
                            "the call hangs up where Connect would do what this block does",
                        );
                        self.b.add_node(
                            id,
                            description,
                            NodeSpec::Hangup(HangupNode {
                                prompt: None,
                                reason: format!("{other} (not imported)"),
                            }),
                        );
                    }
                }
            }
        }
        // A block without a NextAction where one is needed ends the call: give that end a node.
        if a.next.is_none()
            && matches!(
                a.ty,
                "MessageParticipant"
                    | "UpdateContactAttributes"
                    | "UpdateContactTargetQueue"
                    | "UpdateContactRoutingBehavior"
                    | "InvokeLambdaFunction"
                    | "CheckHoursOfOperation"
                    | "Compare"
            )
        {
            let end = format!("{}-end", flow.ids[a.id]);
            let tat = cx.pointer(file, &format!("{base}/Transitions"));
            cx.approx(
                tat,
                "no `NextAction`: the call ends after this block",
                "the call hangs up here (Connect refuses to publish such a flow)",
            );
            if self.taken.insert(end.clone()) {
                self.b.add_node(
                    At::new(end, tat),
                    Some(format!("the end of Connect {} `{}` (no NextAction)", a.ty, a.id)),
                    NodeSpec::Hangup(HangupNode {
                        prompt: None,
                        reason: "no next action".into(),
                    }),
                );
            }
        }
    }

    /// A node that only sets variables and goes on to the action's `NextAction`.
    #[allow(clippy::too_many_arguments)]
    fn pass(
        &mut self,
        cx: &mut Cx<'_>,
        flow: &Flow<'_>,
        a: &Action<'_>,
        id: At<String>,
        description: Option<String>,
        set: Vec<SetVar>,
        field: &str,
    ) {
        let at = cx.pointer(flow.file, &format!("/Actions/{}/Transitions/{field}", a.index));
        let default = match a.next {
            Some(t) => flow.reference(self.b, Some(a), t, at),
            None => self.b.reference(format!("{}-end", flow.ids[a.id]), at),
        };
        let node = id.value.clone();
        self.b.add_node(
            id,
            description,
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default,
            }),
        );
        if !set.is_empty() {
            self.b.node_set(&node, set);
        }
    }

    fn prompt(&mut self, cx: &mut Cx<'_>, file: FileId, a: &Action<'_>, base: &str) -> Prompt {
        let (field, text) = if let Some(t) = a.param_str("Text") {
            ("Text", fill_paths(&t))
        } else if let Some(t) = a.param_str("SSML") {
            if ["<break", "<prosody", "<amazon:", "<audio"]
                .iter()
                .any(|tag| t.contains(tag))
            {
                let at = cx.pointer(file, &format!("{base}/Parameters/SSML"));
                cx.approx(
                    at,
                    "the SSML's pauses, rate or sounds (`<break>`, `<prosody>`, `<audio>`, effects) are dropped: the prompt is timed from its words",
                    "the prompt is shorter (or longer) in ivrsim than in Connect, and so is every time after it",
                );
            }
            ("SSML", fill_paths(&super::ssml::to_text(&t)))
        } else if let Some(p) = a.param_str("PromptId") {
            let at = cx.pointer(file, &format!("{base}/Parameters/PromptId"));
            let name = arn_name(&p);
            cx.approx(
                at,
                format!(
                    "prompt `{name}` is a recording kept in Connect, not in the file: its caption stands in for it"
                ),
                "the caption is not what the recording says, and its length is not the recording's",
            );
            ("PromptId", recorded_caption(&name))
        } else if a.params.contains_key("Media") {
            let at = cx.pointer(file, &format!("{base}/Parameters/Media"));
            let uri = a
                .params
                .get("Media")
                .and_then(|m| m.get("Uri"))
                .and_then(scalar)
                .unwrap_or_else(|| "media".into());
            let name = arn_name(&uri);
            cx.approx(
                at,
                format!("prompt `{name}` is an audio file outside the flow: its caption stands in for it"),
                "the caption is not what the recording says, and its length is not the recording's",
            );
            ("Media", audio_caption(&name))
        } else {
            let at = cx.pointer(file, &format!("{base}/Parameters"));
            cx.approx(
                at,
                "the block has no `Text`, `SSML` or `PromptId`: a silent prompt stands in",
                "none",
            );
            ("Parameters", "(no prompt)".to_owned())
        };
        let tat = cx.pointer(file, &format!("{base}/Parameters/{field}"));
        let pat = cx.pointer(file, base);
        self.b.prompt(pat, &At::new(text, tat), None)
    }

    fn seconds(
        &mut self,
        cx: &mut Cx<'_>,
        file: FileId,
        a: &Action<'_>,
        base: &str,
        path: &str,
    ) -> Option<At<Duration>> {
        let v = a.params.get(path.split('/').next()?)?;
        let v = path.split('/').skip(1).try_fold(v, |v, k| v.get(k))?;
        let at = cx.pointer(file, &format!("{base}/Parameters/{path}"));
        match scalar(v).and_then(|s| s.trim().parse::<f64>().ok()) {
            Some(s) if s > 0.0 && s.is_finite() && s <= 86_400.0 => Some(At::new(Duration::from_secs_f64(s), at)),
            _ => {
                cx.approx(
                    at,
                    format!("`{path}` is not a number of seconds above zero; ivrsim's default is used"),
                    "the wait differs",
                );
                None
            }
        }
    }

    fn get_input(
        &mut self,
        cx: &mut Cx<'_>,
        flow: &Flow<'_>,
        a: &Action<'_>,
        id: At<String>,
        description: Option<String>,
        base: &str,
    ) {
        let file = flow.file;
        let prompt = self.prompt(cx, file, a, base);
        let mut options = Vec::new();
        for (op, operands, next, i) in &a.conditions {
            let at = cx.pointer(file, &format!("{base}/Transitions/Conditions/{i}"));
            let key = match (*op, operands.as_slice()) {
                ("Equals", [k]) => DtmfKey::parse(k).ok().filter(|k| k.as_str().chars().count() == 1),
                _ => None,
            };
            let Some(key) = key else {
                cx.approx(
                    at,
                    format!(
                        "condition `{op} {}` is not a single key 0-9, * or #; the option is left out",
                        operands.join(", ")
                    ),
                    "this branch can never be taken (Connect's DTMF input takes one key)",
                );
                continue;
            };
            let to = flow.reference(self.b, Some(a), next, at);
            options.push(OptionSpec::new(At::new(key, at), to));
        }
        let error_or = |im: &mut Self, cx: &mut Cx<'_>, ty: &str| -> NodeRef {
            let (t, i) = a.error(ty).or_else(|| a.error("NoMatchingError")).unzip();
            match (t, i) {
                (Some(t), Some(i)) => {
                    let at = cx.pointer(file, &format!("{base}/Transitions/Errors/{i}"));
                    flow.reference(im.b, Some(a), t, at)
                }
                _ => {
                    let at = cx.pointer(file, &format!("{base}/Transitions"));
                    match a.next {
                        Some(n) => flow.reference(im.b, Some(a), n, at),
                        None => im.b.reference(format!("{}-end", flow.ids[a.id]), at),
                    }
                }
            }
        };
        let one = At::new(Retries::Limit(1), cx.pointer(file, base));
        let listen = ListenSpec {
            timeout: self.seconds(cx, file, a, base, "InputTimeLimitSeconds"),
            max_no_input: Some(one.clone()),
            max_no_match: Some(one),
            counting: Some(At::new(crate::menu::Counting::Visit, cx.pointer(file, base))),
            fallback_no_input: Some(error_or(self, cx, "InputTimeLimitExceeded")),
            fallback_no_match: Some(error_or(self, cx, "NoMatchingCondition")),
            barge_in: Some(true),
            type_ahead: Some(false),
            no_input: Some(Vec::new()),
            no_match: Some(Vec::new()),
            ..ListenSpec::default()
        };
        self.b.add_node(
            id,
            description,
            NodeSpec::Menu {
                prompt,
                options,
                listen,
            },
        );
    }

    fn store_input(
        &mut self,
        cx: &mut Cx<'_>,
        flow: &Flow<'_>,
        a: &Action<'_>,
        id: At<String>,
        description: Option<String>,
        base: &str,
    ) {
        let file = flow.file;
        let prompt = self.prompt(cx, file, a, base);
        let dtmf = a.params.get("DTMFConfiguration");
        let max = a
            .params
            .get("InputValidation")
            .and_then(|v| v.pointer("/CustomValidation/MaximumLength"))
            .and_then(scalar)
            .and_then(|s| s.trim().parse::<u32>().ok());
        let max_at = cx.pointer(file, &format!("{base}/Parameters/InputValidation"));
        let terminator = dtmf.and_then(|d| d.get("InputTerminationSequence")).and_then(scalar);
        let term_at = cx.pointer(
            file,
            &format!("{base}/Parameters/DTMFConfiguration/InputTerminationSequence"),
        );
        let terminator = match terminator.as_deref() {
            None => Some('#'),
            Some("") => None,
            Some(t) => {
                let first = t.chars().next();
                if t.chars().count() > 1 || !matches!(first, Some('#' | '*')) {
                    cx.approx(
                        term_at,
                        format!(
                            "terminating sequence `{t}`: ivrsim ends entry with one `#` or `*` only; {}",
                            match first {
                                Some(c @ ('#' | '*')) => format!("`{c}` is used"),
                                _ => "entry ends at the maximum length or the inter-digit timeout".into(),
                            }
                        ),
                        "a caller who types the whole sequence may have the last keys taken as digits",
                    );
                }
                first.filter(|c| matches!(c, '#' | '*'))
            }
        };
        let cancel_disabled = truthy(dtmf.and_then(|d| d.get("DisableCancelKey")).and_then(scalar));
        if !cancel_disabled && terminator != Some('*') {
            let dat = match dtmf {
                Some(_) => cx.pointer(file, &format!("{base}/Parameters/DTMFConfiguration")),
                None => cx.pointer(file, &format!("{base}/Parameters")),
            };
            cx.approx(
                dat,
                "`*` clears what was typed in Connect (the cancel key, unless `DisableCancelKey` is \"True\"); in ivrsim `*` is not a digit, so an entry with `*` in it is a wrong entry, which ends the block by its way on for a wrong entry",
                "pressing `*` does not start the entry over: the entry ends as a wrong one (no value stored) and the flow goes on",
            );
        }
        let mut inter = self.seconds(cx, file, a, base, "DTMFConfiguration/InterdigitTimeLimitSeconds");
        if inter.is_none() {
            inter = Some(At::new(DEFAULT_INTER_DIGIT, cx.pointer(file, base)));
        }
        let mut pattern = None;
        let mut fallback_no_match = None;
        if let Some(v) = a
            .params
            .get("InputValidation")
            .and_then(|v| v.get("PhoneNumberValidation"))
        {
            let pat = cx.pointer(
                file,
                &format!("{base}/Parameters/InputValidation/PhoneNumberValidation"),
            );
            let format = v.get("NumberFormat").and_then(scalar).unwrap_or_default();
            let re = match format.as_str() {
                "E164" => "^[1-9][0-9]{6,14}$",
                _ => "^[0-9]{6,15}$",
            };
            cx.approx(
                pat,
                format!("phone number validation ({format}) is approximated by the pattern `{re}`"),
                "a number Connect's number library accepts or refuses may be judged otherwise",
            );
            pattern = regex::Regex::new(re).ok();
            fallback_no_match = a.error("InvalidPhoneNumber").map(|(t, i)| {
                let at = cx.pointer(file, &format!("{base}/Transitions/Errors/{i}"));
                flow.reference(self.b, Some(a), t, at)
            });
        }
        // Silence takes the success branch with the value `Timeout`: a route sets it.
        let timeout_id = super::node_id(&format!("{}-timeout", id.value), "timeout", &mut self.taken);
        let at = cx.pointer(file, base);
        let next_at = cx.pointer(file, &format!("{base}/Transitions/NextAction"));
        let next = match a.next {
            Some(t) => flow.reference(self.b, Some(a), t, next_at),
            None => self.b.reference(format!("{}-end", flow.ids[a.id]), next_at),
        };
        let one = At::new(Retries::Limit(1), at);
        let listen = ListenSpec {
            timeout: self.seconds(cx, file, a, base, "InputTimeLimitSeconds"),
            inter_digit_timeout: inter,
            max_no_input: Some(one.clone()),
            max_no_match: Some(one),
            counting: Some(At::new(crate::menu::Counting::Visit, at)),
            fallback_no_input: Some(self.b.reference(timeout_id.clone(), at)),
            fallback_no_match: Some(fallback_no_match.unwrap_or_else(|| next.clone())),
            barge_in: Some(true),
            no_input: Some(Vec::new()),
            no_match: Some(Vec::new()),
            ..ListenSpec::default()
        };
        let digits = DigitsSpec {
            at: max_at,
            min: Some(At::new(1, max_at)),
            max: Some(At::new(max.unwrap_or(DEFAULT_MAX_DIGITS), max_at)),
            terminator: terminator
                .and_then(|c| DtmfKey::parse(&c.to_string()).ok())
                .map(|k| At::new(k, term_at)),
            keys: (cancel_disabled && terminator != Some('*')).then(|| At::new("0123456789*".to_owned(), at)),
        };
        let node = id.value.clone();
        self.b.add_node(
            id,
            description,
            NodeSpec::Collect {
                prompt,
                digits,
                pattern,
                store: STORED_INPUT.into(),
                next: next.clone(),
                listen,
            },
        );
        self.b.add_node(
            At::new(timeout_id.clone(), at),
            Some(format!(
                "Connect: `{node}` heard nothing, so {STORED_INPUT} is `Timeout` and the flow goes on"
            )),
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default: next,
            }),
        );
        self.b.node_set(
            &timeout_id,
            vec![SetVar {
                var: STORED_INPUT.into(),
                value: SetValue::Text("Timeout".into()),
                span: at,
            }],
        );
    }

    fn looping(
        &mut self,
        cx: &mut Cx<'_>,
        flow: &Flow<'_>,
        a: &Action<'_>,
        id: At<String>,
        description: Option<String>,
        base: &str,
    ) {
        let file = flow.file;
        let at = id.at;
        let count_at = cx.pointer(file, &format!("{base}/Parameters/LoopCount"));
        let count = match a.param_str("LoopCount").map(|s| s.trim().parse::<u32>()) {
            Some(Ok(n)) if n <= 100 => n,
            other => {
                cx.approx(
                    count_at,
                    format!(
                        "`LoopCount` {} is not a number from 0 to 100; 0 is used",
                        other.map_or("(missing)".into(), |_| a.param_str("LoopCount").unwrap_or_default())
                    ),
                    "the loop ends at once",
                );
                0
            }
        };
        let mut cont = None;
        let mut done = None;
        for (op, operands, next, i) in &a.conditions {
            let cat = cx.pointer(file, &format!("{base}/Transitions/Conditions/{i}"));
            match (*op, operands.first().map(String::as_str)) {
                ("Equals", Some("ContinueLooping" | "NotDone")) => {
                    cont = Some(flow.reference(self.b, Some(a), next, cat))
                }
                ("Equals", Some("DoneLooping" | "Done")) => done = Some(flow.reference(self.b, Some(a), next, cat)),
                _ => cx.approx(
                    cat,
                    "a Loop condition other than `ContinueLooping`/`DoneLooping` is left out",
                    "none",
                ),
            }
        }
        let next_at = cx.pointer(file, &format!("{base}/Transitions/NextAction"));
        let done = match done {
            Some(d) => d,
            None => match a.next {
                Some(t) => flow.reference(self.b, Some(a), t, next_at),
                None => self.b.reference(format!("{}-end", flow.ids[a.id]), next_at),
            },
        };
        let counter = format!("loop_{}", id.value.replace('-', "_"));
        let done_id = super::node_id(&format!("{}-done", id.value), "loop-done", &mut self.taken);
        let routes = match cont {
            Some(to) if count > 0 => vec![Route {
                when: vec![Test::Compare {
                    var: counter.clone(),
                    op: CompareOp::AtMost,
                    value: count as f64,
                }],
                to,
            }],
            _ => Vec::new(),
        };
        let node = id.value.clone();
        let done_ref = self.b.reference(done_id.clone(), at);
        self.b.add_node(
            id,
            description,
            NodeSpec::Route(RouteNode {
                routes,
                default: done_ref,
            }),
        );
        self.b.node_set(
            &node,
            vec![SetVar {
                var: counter.clone(),
                value: SetValue::Add(1),
                span: at,
            }],
        );
        self.b.add_node(
            At::new(done_id.clone(), at),
            Some(format!("Connect Loop `{}` done: its counter starts again", a.id)),
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default: done,
            }),
        );
        self.b.node_set(
            &done_id,
            vec![SetVar {
                var: counter,
                value: SetValue::Text("0".into()),
                span: at,
            }],
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn transfer(
        &mut self,
        cx: &mut Cx<'_>,
        flow: &Flow<'_>,
        a: &Action<'_>,
        id: At<String>,
        description: Option<String>,
        contexts: &[Context],
        base: &str,
    ) {
        let file = flow.file;
        let at = id.at;
        let full = a.error("QueueAtCapacity").map(|(t, i)| {
            let eat = cx.pointer(file, &format!("{base}/Transitions/Errors/{i}"));
            (flow.reference(self.b, Some(a), t, eat).name, eat)
        });
        if contexts.is_empty() || contexts.iter().any(|c| c.queue.is_none()) {
            cx.approx(
                at,
                format!("a path reaches this transfer with no working queue set (Connect takes its error branch); ivrsim sends it to the queue `{NO_QUEUE}`"),
                "the call is queued where Connect would fail the transfer",
            );
        }
        let targets = targets(contexts);
        for t in &targets {
            if let Some(q) = &t.queue {
                let entry = self.queues.entry(q.clone()).or_insert(None);
                if entry.is_none() {
                    *entry = full.clone();
                }
            }
        }
        let make = |im: &mut Self, node: At<String>, desc: Option<String>, c: &Context| {
            im.b.add_node(
                node,
                desc,
                NodeSpec::Transfer {
                    queue: c.queue.clone().unwrap_or_else(|| NO_QUEUE.into()),
                    priority: Priority::from_level(c.priority as u64).unwrap_or(Priority::Normal),
                    prompt: None,
                    context: None,
                    hold: None,
                    when_no_operator: None,
                },
            );
        };
        if let [only] = targets.as_slice() {
            make(self, id, description, only);
            return;
        }
        // Several working queues or priorities reach the block: a transfer node for each, which
        // the blocks before it lead to directly when they know the queue ...
        for c in &targets {
            let q = c.queue.clone().unwrap_or_default();
            let Some(tid) = flow.special.get(&(a.id, c.clone())) else {
                continue;
            };
            make(
                self,
                At::new(tid.clone(), at),
                Some(format!(
                    "Connect {} `{}`: queue `{q}`, priority {}",
                    a.ty, a.id, c.priority
                )),
                c,
            );
        }
        // ... and, where one may come with more than one queue, a route that picks the
        // transfer by the variables the queue blocks set: the queue first, then (for a queue
        // reached with several priorities) the priority, one test a route.
        let from_mixed = flow
            .by_id
            .values()
            .any(|p| p.successors().any(|s| s == a.id) && flow.single_out(p).is_none());
        if !from_mixed && !flow.starts_at(a.id) {
            return;
        }
        let node = id.value.clone();
        let mut routes = Vec::new();
        let mut queues: Vec<&Option<String>> = targets.iter().map(|t| &t.queue).collect();
        queues.dedup();
        for q in queues {
            let name = q.clone().unwrap_or_default();
            let of_queue: Vec<&Context> = targets.iter().filter(|t| t.queue == *q).collect();
            let special = |c: &Context| flow.special.get(&(a.id, c.clone())).cloned();
            let to = match of_queue.as_slice() {
                [one] => special(one),
                several => {
                    let pick = super::node_id(&format!("{node}-{name}-priority"), "priority", &mut self.taken);
                    let mut by_priority = Vec::new();
                    let mut default = None;
                    for c in several {
                        let Some(t) = special(c) else { continue };
                        let r = self.b.reference(t, at);
                        if c.priority == DEFAULT_PRIORITY {
                            default = Some(r.clone());
                        }
                        by_priority.push(Route {
                            when: vec![Test::Equals {
                                var: QUEUE_PRIORITY.into(),
                                value: c.priority.to_string(),
                            }],
                            to: r,
                        });
                    }
                    let Some(default) = default.or_else(|| by_priority.first().map(|r| r.to.clone())) else {
                        continue;
                    };
                    self.b.add_node(
                        At::new(pick.clone(), at),
                        Some(format!("Connect {} `{}`: the priority of queue `{name}`", a.ty, a.id)),
                        NodeSpec::Route(RouteNode {
                            routes: by_priority,
                            default,
                        }),
                    );
                    Some(pick)
                }
            };
            if let Some(to) = to {
                routes.push(Route {
                    when: vec![Test::Equals {
                        var: WORKING_QUEUE.into(),
                        value: name,
                    }],
                    to: self.b.reference(to, at),
                });
            }
        }
        let Some(default) = routes.last().map(|r| r.to.clone()) else {
            return;
        };
        self.b
            .add_node(id, description, NodeSpec::Route(RouteNode { routes, default }));
    }

    fn transfer_to_flow(
        &mut self,
        cx: &mut Cx<'_>,
        flow: &Flow<'_>,
        a: &Action<'_>,
        id: At<String>,
        description: Option<String>,
        base: &str,
    ) {
        let file = flow.file;
        let at = id.at;
        let target = a.param_str("ContactFlowId").unwrap_or_default();
        let name = templated_name(&target).unwrap_or_else(|| arn_name(&target));
        let found = if target.starts_with("$.") || name.is_empty() {
            None
        } else if self.flows.len() >= MAX_FLOWS {
            cx.approx(
                at,
                format!("more than {MAX_FLOWS} flows: `{name}` is not followed"),
                "the call leaves this flow here",
            );
            None
        } else {
            cx.companion(&name, &["json"])
        };
        let Some((_, other)) = found else {
            let fat = cx.pointer(file, &format!("{base}/Parameters/ContactFlowId"));
            cx.approx(
                fat,
                format!("flow `{name}` is not in the files given or the folder (`ivrsim import FLOW --with OTHER.json`): the call leaves this flow by design"),
                "the rest of the call, in the other flow, is not simulated",
            );
            self.b.add_node(id, description, leave_to_flow(name));
            return;
        };
        // The other flow, imported once; this block goes on to its start.
        let start = match self.flows.iter().find(|f| f.0 == other) {
            Some(f) => Some(f.2.clone()),
            None => {
                let doc = read_json(cx, other);
                let prefix = super::node_id(&name, "flow", &mut HashSet::new()) + ".";
                doc.and_then(|d| self.flow(cx, other, &d, &prefix)).map(|r| r.name)
            }
        };
        let Some(start) = start else {
            // The other flow could not be read (its findings say why): the call leaves here.
            self.b.add_node(id, description, leave_to_flow(name));
            return;
        };
        let to = self.b.reference(start, at);
        self.b.add_node(
            id,
            description,
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default: to,
            }),
        );
    }

    fn queue_name(&self, a: &Action<'_>) -> Option<String> {
        queue_of(a)
    }

    fn schedule(&mut self, cx: &mut Cx<'_>, name: &str, at: Span) {
        if !self.schedules.insert(name.to_owned()) {
            return;
        }
        cx.approx(
            at,
            format!("the hours `{name}` are kept in Connect, not in the flow: schedule `{name}` stands in, open at all times (edit it under `schedules:` after `ivrsim import`)"),
            "the closed branch is taken only when the schedule is edited",
        );
        let always = Schedule {
            periods: vec![OpenPeriod {
                days: [true; 7],
                from: 0,
                to: 24 * 60,
            }],
            ..Schedule::default()
        };
        self.b.add_schedule(At::new(name.to_owned(), at), always);
    }

    fn note_variable(&mut self, cx: &mut Cx<'_>, file: FileId, path: &str, var: &str, base: &str) {
        if path.starts_with("$.Attributes.")
            || path == "$.StoredCustomerInput"
            || !self.variables.insert(var.to_owned())
        {
            return;
        }
        if path.starts_with("$.External.") {
            let at = cx.pointer(file, &format!("{base}/Parameters/ComparisonValue"));
            cx.approx(
                at,
                format!("`{path}` is what a Lambda function returns; ivrsim runs no Lambda, so `{var}` is a variable the call brings (`call --var {var}=…`, a scenario's `start.vars`)"),
                "the branch depends on the value given to the rehearsal, not on the function",
            );
        }
        self.b.preset_variables(vec![var.to_owned()]);
    }

    fn finish(&mut self, cx: &mut Cx<'_>) {
        let mut with_plan = Vec::new();
        let mut first = None;
        for (queue, full) in std::mem::take(&mut self.queues) {
            let Some((target, at)) = full else { continue };
            let mut spec = QueueSpec::default();
            spec.plans.full = Some(NoOperator::Goto {
                to: self.b.reference(target, at),
            });
            spec.plan_spans.push((crate::menu::NoOperatorReason::Full, at));
            first.get_or_insert(at);
            with_plan.push(format!("`{queue}`"));
            self.b.add_queue(At::new(queue, at), spec);
        }
        if let Some(at) = first {
            cx.approx(
                at,
                format!(
                    "a queue's capacity is set in Connect, not in the flow: the `QueueAtCapacity` branch is imported as `when_full` of {}, which runs only once `max_waiting` is set under `queues:`",
                    with_plan.join(", ")
                ),
                "callers are never turned away for a full queue until the capacity is filled in",
            );
        }
        if self.dropped_errors > 0 {
            let at = self.first_dropped.unwrap_or_default();
            cx.approx(
                at,
                format!(
                    "{} error branch{} (a block failing in Connect: `NoMatchingError` and the like) cannot happen in ivrsim and {} not imported",
                    self.dropped_errors,
                    if self.dropped_errors == 1 { "" } else { "es" },
                    if self.dropped_errors == 1 { "is" } else { "are" }
                ),
                "nothing, unless Connect itself fails a block",
            );
        }
    }
}

/// A flow being imported: its file, its Identifier → node id table, and the transfers that
/// several working queues reach, with a node per queue.
struct Flow<'f> {
    file: FileId,
    ids: &'f HashMap<&'f str, String>,
    prefix: &'f str,
    /// The Identifier of the flow's `StartAction`.
    start: &'f str,
    by_id: &'f HashMap<&'f str, &'f Action<'f>>,
    /// The working queue and priority each action is reached with.
    contexts: &'f HashMap<&'f str, Vec<Context>>,
    /// (transfer Identifier, context) → the transfer node for that queue and priority, for
    /// transfers with more than one.
    special: &'f HashMap<(&'f str, Context), String>,
}

impl Flow<'_> {
    /// The node an Identifier names, reached from action `from`; an unknown Identifier is
    /// kept as written (prefixed), so the builder reports it (E006) at `at`. A transfer that
    /// several queues reach is named by the node of the one queue `from` leads with, when
    /// there is one; otherwise by the route that picks the queue on the call's variables.
    fn reference(&self, b: &mut MenuBuilder, from: Option<&Action<'_>>, identifier: &str, at: Span) -> NodeRef {
        if let Some(c) = from.and_then(|from| self.single_out(from))
            && let Some(id) = self.special.get(&(identifier, c))
        {
            return b.reference(id.clone(), at);
        }
        match self.ids.get(identifier) {
            Some(id) => b.reference(id.clone(), at),
            None => b.reference(format!("{}{identifier}", self.prefix), at),
        }
    }

    /// Whether a block leads to `identifier` by a transition ivrsim takes, other than a
    /// message before it (imported as a hang-up that says the message), or the flow starts
    /// there.
    fn reached_other_than_by_messages(&self, identifier: &str) -> bool {
        const TAKEN_ERRORS: [&str; 4] = [
            "InputTimeLimitExceeded",
            "NoMatchingCondition",
            "InvalidPhoneNumber",
            "QueueAtCapacity",
        ];
        self.start == identifier
            || self.by_id.values().any(|p| {
                let next = p.next == Some(identifier)
                    && !matches!(p.ty, "MessageParticipant" | "TransferContactToQueue" | "TransferToFlow");
                let condition = p.conditions.iter().any(|c| c.2 == identifier);
                let error = p.errors.iter().any(|e| {
                    e.1 == identifier
                        && (TAKEN_ERRORS.contains(&e.0)
                            || (e.0 == "NoMatchingError"
                                && matches!(p.ty, "GetParticipantInput" | "InvokeLambdaFunction")))
                });
                next || condition || error
            })
    }

    /// Whether the flow starts at `identifier`.
    fn starts_at(&self, identifier: &str) -> bool {
        self.start == identifier
    }

    /// The one context `from` leads on with, if every path gives it the same.
    fn single_out(&self, from: &Action<'_>) -> Option<Context> {
        let ins = self.contexts.get(from.id)?;
        let mut outs = ins.iter().map(|c| after(from, c).normalized());
        let first = outs.next()?;
        outs.all(|c| c == first).then_some(first)
    }
}

/// The queue an `UpdateContactTargetQueue` block sets: the last segment of its `QueueId` ARN,
/// or, where that is an id the console generated (a UUID, as in real exports), the queue's
/// display name from the flow's `Metadata`.
fn queue_of(a: &Action<'_>) -> Option<String> {
    let name = arn_name(&a.param_str("QueueId")?);
    Some(match a.queue_display {
        Some(shown) if looks_generated(&name) && !shown.trim().is_empty() => shown.to_owned(),
        _ => name,
    })
}

/// The context an action leads on with, reached with `c`.
fn after(a: &Action<'_>, c: &Context) -> Context {
    let mut after = c.clone();
    match a.ty {
        "UpdateContactTargetQueue" => after.queue = queue_of(a),
        "UpdateContactRoutingBehavior" => {
            if let Some(p) = a.param_str("QueuePriority").and_then(|p| p.trim().parse::<u64>().ok()) {
                after.priority = p.clamp(1, 9) as u8;
            }
        }
        _ => {}
    }
    after
}

fn read_action<'a>(cx: &mut Cx<'_>, file: FileId, index: usize, v: &'a Value) -> Option<Action<'a>> {
    let base = format!("/Actions/{index}");
    let Some(o) = v.as_object() else {
        let at = cx.pointer(file, &base);
        cx.unreadable(at, "an action is a JSON object");
        return None;
    };
    let (Some(id), Some(ty)) = (
        o.get("Identifier").and_then(Value::as_str),
        o.get("Type").and_then(Value::as_str),
    ) else {
        let at = cx.pointer(file, &base);
        cx.unreadable(at, "an action needs a string `Identifier` and `Type`");
        return None;
    };
    if id.is_empty() {
        let at = cx.pointer(file, &format!("{base}/Identifier"));
        cx.unreadable(at, "an empty `Identifier`");
        return None;
    }
    static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
    let params = o.get("Parameters").and_then(Value::as_object).unwrap_or(&EMPTY);
    let t = o.get("Transitions");
    let next = t.and_then(|t| t.get("NextAction")).and_then(Value::as_str);
    let mut errors = Vec::new();
    for (i, e) in t
        .and_then(|t| t.get("Errors"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let (Some(ty), Some(n)) = (
            e.get("ErrorType").and_then(Value::as_str),
            e.get("NextAction").and_then(Value::as_str),
        ) {
            errors.push((ty, n, i));
        }
    }
    let mut conditions = Vec::new();
    for (i, c) in t
        .and_then(|t| t.get("Conditions"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let n = c.get("NextAction").and_then(Value::as_str);
        let op = c.pointer("/Condition/Operator").and_then(Value::as_str);
        let operands: Vec<String> = c
            .pointer("/Condition/Operands")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(scalar)
            .collect();
        match (op, n) {
            (Some(op), Some(n)) => conditions.push((op, operands, n, i)),
            _ => {
                let at = cx.pointer(file, &format!("{base}/Transitions/Conditions/{i}"));
                cx.approx(
                    at,
                    "a condition without `Condition.Operator` or `NextAction` is left out",
                    "this branch is never taken",
                );
            }
        }
    }
    Some(Action {
        index,
        queue_display: None,
        id,
        ty,
        params,
        next,
        errors,
        conditions,
    })
}

/// The working queue and priority each action can be reached with (from the start,
/// following every transition), so that a transfer goes to the queue the path set.
fn contexts<'a>(by_id: &HashMap<&'a str, &Action<'a>>, start: &'a str) -> HashMap<&'a str, Vec<Context>> {
    /// Bounds the analysis (actions × distinct contexts).
    const MAX_STATES: usize = 1_000_000;
    let mut seen: HashSet<(&str, Context)> = HashSet::new();
    let mut out: HashMap<&str, Vec<Context>> = HashMap::new();
    let mut todo = VecDeque::from([(
        start,
        Context {
            queue: None,
            priority: DEFAULT_PRIORITY,
        },
    )]);
    while let Some((id, c)) = todo.pop_front() {
        if seen.len() >= MAX_STATES || !seen.insert((id, c.clone())) {
            continue;
        }
        let Some(a) = by_id.get(id) else { continue };
        out.entry(id).or_default().push(c.clone());
        if matches!(a.ty, "TransferToFlow" | "DisconnectParticipant") {
            continue;
        }
        let after = after(a, &c);
        for s in a.successors() {
            todo.push_back((s, after.clone()));
        }
    }
    out
}

fn compare_test(var: &str, op: &str, operands: &[String]) -> Option<Test> {
    let value = operands.first()?.clone();
    let num = || value.trim().parse::<f64>().ok();
    let var = var.to_owned();
    Some(match op {
        "Equals" => Test::Equals { var, value },
        "TextStartsWith" => Test::Matches {
            var,
            pattern: regex::Regex::new(&format!("^{}", regex::escape(&value))).ok()?,
        },
        "TextEndsWith" => Test::Matches {
            var,
            pattern: regex::Regex::new(&format!("{}$", regex::escape(&value))).ok()?,
        },
        "TextContains" => Test::Matches {
            var,
            pattern: regex::Regex::new(&regex::escape(&value)).ok()?,
        },
        "NumberGreaterThan" => Test::Compare {
            var,
            op: CompareOp::Greater,
            value: num()?,
        },
        "NumberGreaterOrEqualTo" => Test::Compare {
            var,
            op: CompareOp::AtLeast,
            value: num()?,
        },
        "NumberLessThan" => Test::Compare {
            var,
            op: CompareOp::Less,
            value: num()?,
        },
        "NumberLessOrEqualTo" => Test::Compare {
            var,
            op: CompareOp::AtMost,
            value: num()?,
        },
        _ => return None,
    })
}

/// Text with each `$.Attributes.x` / `$.External.x` / `$.StoredCustomerInput` written as
/// ivrsim's `{x}`.
fn fill_paths(text: &str) -> String {
    static PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\$\.(?:Attributes\.|External\.)?([A-Za-z_][A-Za-z0-9_-]*)").expect("a valid regex")
    });
    PATH.replace_all(text, |c: &regex::Captures<'_>| format!("{{{}}}", var_name(&c[1])))
        .into_owned()
}

/// A JSON pointer token for `key` (RFC 6901: `~` as `~0`, `/` as `~1`).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether an Identifier is a console-generated UUID (36 characters of hex and dashes).
fn looks_generated(id: &str) -> bool {
    id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// A short name of an action type, for ids made from generated Identifiers.
fn short_type(ty: &str) -> &'static str {
    match ty {
        "GetParticipantInput" => "input",
        "MessageParticipant" => "play",
        "Compare" => "compare",
        "CheckHoursOfOperation" => "hours",
        "UpdateContactAttributes" => "set",
        "UpdateContactTargetQueue" => "set-queue",
        "UpdateContactRoutingBehavior" => "priority",
        "Loop" => "loop",
        "TransferContactToQueue" => "to-queue",
        "InvokeLambdaFunction" => "lambda",
        "TransferToFlow" => "to-flow",
        "DisconnectParticipant" => "disconnect",
        _ => "block",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_paths_become_variables() {
        assert_eq!(
            fill_paths("Case $.Attributes.case_id, $.StoredCustomerInput"),
            "Case {case_id}, {StoredCustomerInput}"
        );
        assert_eq!(path_var("$.External.status").as_deref(), Some("status"));
        assert_eq!(path_var("$.Attributes.my-var").as_deref(), Some("my_var"));
        assert_eq!(fill_paths("for $.Attributes.my-var"), "for {my_var}");
        assert_eq!(var_name("2nd try"), "v_2nd_try");
        assert_eq!(
            templated_name(r#"${var.contact_flows_map["_0x_inbound_to_agent"]}"#).as_deref(),
            Some("_0x_inbound_to_agent")
        );
        assert_eq!(arn_name("arn:aws:connect:eu-west-1:1:instance/i/queue/leaks"), "leaks");
        assert_eq!(arn_name("arn:aws:lambda:eu-west-1:1:function:lookup"), "lookup");
    }
}
