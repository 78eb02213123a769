//! Importing Twilio Studio flow definitions (the JSON of `twilio api:studio:v2:flows:fetch`,
//! or the console's export): `states`, each a widget with `name`, `type`, `properties` and
//! `transitions` (`event`, `next`, `conditions`), and the `initial_state` trigger
//! ([S-SCHEMA], [SDK] `studio/flow/state.go`). `docs/import.md`, section "Twilio Studio",
//! has the mapping table with its sources and the timing facts the tests check; the rules,
//! in short:
//!
//! - **Entry**: the `next` of the trigger's `incomingCall` transition [S-TRIG]. Only widgets
//!   reached from there are imported; a path from another trigger event (`incomingMessage`,
//!   `incomingRequest`, …) and widgets connected to nothing are findings (W027), not nodes.
//!   A flow reached only by `incomingRequest` whose first widget is Make Outgoing Call is
//!   imported from that widget's `answered` transition (W027).
//! - **The flow ends where a transition has no `next`** (Studio has no hang-up widget):
//!   ivrsim gets a silent `hangup` node `<widget>__<event>_end` (reason `flow-ended`) there.
//!   *Inferred*, not stated by Twilio in one sentence: an Execution ends when it reaches an
//!   event with no next, and a call with no more TwiML is hung up ([T-GATHER], [E81002]).
//! - **Gather Input on Call** whose `keypress` leads to a **Split Based On…** testing its
//!   `{{widgets.G.Digits}}` with plain keys (`equal_to` a key, `matches_any_of` keys) is a
//!   `menu`: one option per key; any other gather is a `collect` storing `G_digits`, and the
//!   split after it a `route`. `timeout` (seconds, default [`DEFAULT_GATHER_TIMEOUT`]) is
//!   both the no-input and the inter-digit timeout (TwiML `timeout` [T-GATHER]);
//!   `number_of_digits` N is `key_match: full_length` with `digit_len: N` (for N = 1,
//!   `early`, the same thing) or the collect's `max`; without it a menu waits the timeout
//!   after every key (`digit_len` [`MAX_GATHER_DIGITS`]); `finish_on_key` (default `#`,
//!   none when `stop_gather` is false [S-GATHER]) is the collect's terminator. Studio keeps
//!   no retry counts [S-GUIDE]: each gather allows one no-input and one no-match, whose
//!   fallbacks are the `timeout` transition and the split's `noMatch`; a `timeout` back to
//!   the gather itself is [`SAME_WIDGET_LIMIT`] tries [S-FAQ]; a Say/Play that leads back to
//!   the gather is a re-prompt with unlimited tries.
//! - **Say/Play** is a `message` without barge-in; **Set Variables** a `route` with `set`;
//!   **Run Function**, **Make HTTP Request** an `external` application with `on: {success,
//!   error}`; **Run Subflow** and **TwiML Redirect** an `external` flow; **Send to Flex**,
//!   **Enqueue Call**, **Connect Call To** a `transfer`; **Record Voicemail** a `record`;
//!   **Make Outgoing Call** inside a call is passed through to `answered` (W027).
//! - **Liquid**: a plain `{{flow.variables.x}}`, `{{widgets.G.Digits}}`,
//!   `{{trigger.call.From}}` … is an ivrsim placeholder ([`liquid`]); anything else is kept as
//!   written with a finding.
//! - An unknown widget type is a finding (W027) and a stand-in: passed through when all its
//!   transitions lead to one widget, else the call ends there.
//!
//! Places are JSON pointers (`/states/3/properties/timeout`).
//!
//! Sources (URLs as cited in `docs/import.md`): [S-GATHER] twilio.com/docs/studio/widget-library/gather-input-call,
//! [S-SPLIT] …/split-based-on, [S-SAY] …/sayplay, [S-FLEX] …/send-to-flex, [S-CONN] …/connect-call,
//! [S-ENQ] …/enqueue-call, [S-SETV] …/set-variables, [S-RUNF] …/run-function,
//! [S-OUT] …/make-outgoing-call, [S-TRIG] …/trigger-start, [S-REC] …/record-voicemail,
//! [S-GUIDE] twilio.com/docs/studio/user-guide/get-started, [S-FAQ] …/studio-faq,
//! [S-SCHEMA] twilio.com/docs/studio/rest-api/v2/schemas, [T-GATHER] twilio.com/docs/voice/twiml/gather,
//! [E81002] twilio.com/docs/api/errors/81002; [SDK] RJPearson94/twilio-sdk-go `studio/`
//! (field and event names).

mod liquid;
mod split;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use serde_json::{Map, Value};

use super::Cx;
use crate::menu::build::{At, DigitsSpec, HoldSpec, ListenSpec, MenuBuilder, NodeSpec, OptionSpec, QueueSpec};
use crate::menu::{
    DtmfKey, ExternalApp, ExternalBranches, ExternalNode, HangupNode, KeyMatchPolicy, LoadOutcome, NoOperator, NodeRef,
    Priority, Prompt, RecordNode, Retries, Route, RouteNode, SetValue, SetVar,
};
use crate::source::{FileId, Span};
use liquid::Origin;
use split::CaseTest;

/// Gather Input on Call's `timeout` when the widget gives none: 5 seconds ("Stop gathering
/// after 5 seconds" [S-GATHER]; TwiML `<Gather timeout>` default 5 [T-GATHER]).
pub const DEFAULT_GATHER_TIMEOUT: Duration = Duration::from_secs(5);

/// Gather Input on Call's `finish_on_key` when the widget gives none: `#` [S-GATHER],
/// TwiML `finishOnKey` default [T-GATHER].
pub const DEFAULT_FINISH_ON_KEY: char = '#';

/// Most keys an imported gather takes when `number_of_digits` is not given (Twilio gives no
/// limit; ivrsim needs one): 32, ivrsim's longest menu entry (`menu::pattern::MAX_ENTRY`).
pub const MAX_GATHER_DIGITS: u32 = crate::menu::pattern::MAX_ENTRY as u32;

/// How many times in a row one widget may run before Studio stops the Execution: 10
/// ([S-FAQ] "the same widget 10 times in a row"). A gather whose `timeout` leads back to
/// itself is imported with this many no-inputs.
pub const SAME_WIDGET_LIMIT: u32 = 10;

/// Connect Call To's ring time when the widget gives none: 30 seconds ([S-CONN] `timeout`,
/// TwiML `<Dial timeout>` default).
pub const DEFAULT_RING_TIMEOUT: Duration = Duration::from_secs(30);

/// Most calls a Twilio queue holds, the size an Enqueue Call queue is created with: 100
/// ([S-ENQ] `failedToEnqueue` when the queue is full; Twilio Queue resource `MaxSize`
/// default 100).
pub const DEFAULT_QUEUE_SIZE: u32 = 100;

/// Record Voicemail's silence that ends a recording, when the widget gives none: 5 seconds
/// ([S-REC] "Stop recording after 5 seconds of silence").
pub const DEFAULT_RECORD_TIMEOUT: Duration = Duration::from_secs(5);

/// Record Voicemail's longest recording, when the widget gives none: 3600 seconds ([S-REC]
/// "Max recording length").
pub const DEFAULT_RECORD_MAX_LENGTH: Duration = Duration::from_secs(3600);

/// Most widgets a flow may have: 1000 (`states` `maxItems` of the flow-definition schema
/// [S-SCHEMA]). A file with more is not a Studio flow (E022).
pub const MAX_STATES: usize = 1000;

/// Largest flow file read, in bytes (16 MiB): 1000 widgets of Studio's size limits are far
/// smaller, and the JSON is held in memory whole.
pub const MAX_FLOW_BYTES: usize = 16 * 1024 * 1024;

/// Why a call ends at a synthetic hang-up node: the flow had no `next` there.
pub const END_REASON: &str = "flow-ended";

/// One condition of a `match` transition.
struct Cond<'v> {
    /// Its JSON pointer.
    at: String,
    /// `type`, e.g. `equal_to`.
    kind: &'v str,
    /// `value`, as text (a number written as JSON is its text).
    value: String,
    /// `arguments[0]`: the value tested (the split's `input` when absent).
    subject: Option<&'v str>,
    /// `friendly_name`.
    friendly: Option<&'v str>,
}

/// One transition of a widget.
struct Trans<'v> {
    /// Its JSON pointer.
    at: String,
    /// `event`.
    event: &'v str,
    /// `next`: the widget the flow goes on at; `None`: the flow ends.
    next: Option<&'v str>,
    /// `conditions` (split `match` transitions).
    conds: Vec<Cond<'v>>,
}

/// One widget (a state of the flow).
struct State<'v> {
    /// Its JSON pointer.
    at: String,
    /// `name`: its id.
    name: &'v str,
    /// `type`, e.g. `say-play`.
    kind: &'v str,
    /// `properties`.
    props: Option<&'v Map<String, Value>>,
    /// `transitions`, in order.
    trans: Vec<Trans<'v>>,
}

impl<'v> State<'v> {
    fn prop(&self, key: &str) -> Option<&'v Value> {
        self.props.and_then(|p| p.get(key)).filter(|v| !v.is_null())
    }

    /// A text property, trimmed; `None` when absent, empty or not text.
    fn text(&self, key: &str) -> Option<&'v str> {
        self.prop(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn prop_at(&self, key: &str) -> String {
        format!("{}/properties/{key}", self.at)
    }

    /// The first transition of `event`.
    fn on(&self, event: &str) -> Option<&Trans<'v>> {
        self.trans.iter().find(|t| t.event == event)
    }

    fn next_of(&self, event: &str) -> Option<&'v str> {
        self.on(event).and_then(|t| t.next)
    }
}

/// The widgets of a flow, read from its JSON.
struct Flow<'v> {
    /// The widgets, in file order.
    states: Vec<State<'v>>,
    /// Widget index by name (the first of a name).
    by_name: HashMap<&'v str, usize>,
    /// `initial_state`.
    initial: Option<&'v str>,
    /// `description`.
    description: Option<&'v str>,
    /// The pointer of the definition object (`""`, or `/definition` in a REST Flow resource).
    base: String,
}

impl<'v> Flow<'v> {
    fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
}

/// Text of a JSON scalar: a string as it is, a number or boolean as JSON writes it.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number written as a JSON number or as text (`5`, `"5"`, `" 5 "`).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::rules::vars::number(s),
        _ => None,
    }
}

/// Reads the flow of `root` (E022 for each part that is not shaped as Studio writes it).
fn read_flow<'v>(cx: &mut Cx<'_>, root: &'v Value) -> Option<Flow<'v>> {
    let file = cx.file;
    let Some(mut obj) = root.as_object() else {
        let at = cx.pointer(file, "");
        cx.unreadable(at, "a Studio flow is a JSON object with `states` and `initial_state`");
        return None;
    };
    let mut base = String::new();
    if !obj.contains_key("states")
        && let Some(def) = obj.get("definition").and_then(Value::as_object)
    {
        // A REST Flow resource: the definition is inside.
        obj = def;
        base = "/definition".into();
    }
    let Some(states) = obj.get("states").and_then(Value::as_array) else {
        let at = cx.pointer(file, &base);
        cx.unreadable(at, "the flow has no `states` array");
        return None;
    };
    if states.len() > MAX_STATES {
        let at = cx.pointer(file, &format!("{base}/states"));
        cx.unreadable(
            at,
            format!(
                "the flow has {} widgets; a Studio flow has at most {MAX_STATES}",
                states.len()
            ),
        );
        return None;
    }
    let mut flow = Flow {
        states: Vec::with_capacity(states.len()),
        by_name: HashMap::new(),
        initial: obj.get("initial_state").and_then(Value::as_str),
        description: obj
            .get("description")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|d| !d.is_empty()),
        base: base.clone(),
    };
    for (i, s) in states.iter().enumerate() {
        let at = format!("{base}/states/{i}");
        let Some(s) = s.as_object() else {
            let span = cx.pointer(file, &at);
            cx.unreadable(span, "a widget is a JSON object with `name`, `type` and `transitions`");
            continue;
        };
        let Some(name) = s.get("name").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) else {
            let span = cx.pointer(file, &format!("{at}/name"));
            cx.unreadable(
                span,
                "this widget has no `name`: nothing can lead to it, so it is left out",
            );
            continue;
        };
        let kind = match s.get("type").and_then(Value::as_str) {
            Some(k) => k,
            None => {
                let span = cx.pointer(file, &format!("{at}/type"));
                cx.unreadable(span, format!("widget `{name}` has no `type`"));
                ""
            }
        };
        let props = match s.get("properties") {
            Some(Value::Object(p)) => Some(p),
            None | Some(Value::Null) => None,
            Some(_) => {
                let span = cx.pointer(file, &format!("{at}/properties"));
                cx.unreadable(span, format!("the `properties` of widget `{name}` are not an object"));
                None
            }
        };
        let mut trans = Vec::new();
        match s.get("transitions") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ts)) => {
                for (j, t) in ts.iter().enumerate() {
                    let tat = format!("{at}/transitions/{j}");
                    if let Some(t) = read_transition(cx, t, tat) {
                        trans.push(t);
                    }
                }
            }
            Some(_) => {
                let span = cx.pointer(file, &format!("{at}/transitions"));
                cx.unreadable(span, format!("the `transitions` of widget `{name}` are not a list"));
            }
        }
        flow.by_name.entry(name).or_insert(flow.states.len());
        flow.states.push(State {
            at,
            name,
            kind,
            props,
            trans,
        });
    }
    Some(flow)
}

fn read_transition<'v>(cx: &mut Cx<'_>, t: &'v Value, at: String) -> Option<Trans<'v>> {
    let file = cx.file;
    let Some(t) = t.as_object() else {
        let span = cx.pointer(file, &at);
        cx.unreadable(span, "a transition is a JSON object with `event` and `next`");
        return None;
    };
    let Some(event) = t.get("event").and_then(Value::as_str) else {
        let span = cx.pointer(file, &format!("{at}/event"));
        cx.unreadable(span, "this transition has no `event`");
        return None;
    };
    let next = match t.get("next") {
        None | Some(Value::Null) => None,
        Some(Value::String(n)) if n.trim().is_empty() => None,
        Some(Value::String(n)) => Some(n.as_str()),
        Some(_) => {
            let span = cx.pointer(file, &format!("{at}/next"));
            cx.unreadable(span, "`next` is not a widget name; the flow is read as ending here");
            None
        }
    };
    let mut conds = Vec::new();
    if let Some(cs) = t.get("conditions") {
        let Some(cs) = cs.as_array() else {
            let span = cx.pointer(file, &format!("{at}/conditions"));
            cx.unreadable(span, "`conditions` is not a list");
            return Some(Trans { at, event, next, conds });
        };
        for (c, cond) in cs.iter().enumerate() {
            let cat = format!("{at}/conditions/{c}");
            let kind = cond.get("type").and_then(Value::as_str);
            let Some(kind) = kind else {
                let span = cx.pointer(file, &cat);
                cx.unreadable(span, "this condition has no `type`");
                continue;
            };
            conds.push(Cond {
                kind,
                value: cond.get("value").and_then(scalar).unwrap_or_default(),
                subject: cond
                    .get("arguments")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(Value::as_str),
                friendly: cond.get("friendly_name").and_then(Value::as_str),
                at: cat,
            });
        }
    }
    Some(Trans { at, event, next, conds })
}

/// How a gather is imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    /// A menu with the options of the split at this index (its keypress), and the split of
    /// its speech, if that is imported as keywords.
    Menu { split: usize, speech: Option<usize> },
    /// A collect.
    Collect,
}

/// What a gather's failures turn into.
#[derive(Clone, Copy, Debug, Default)]
struct Reprompts {
    /// The Say/Play its `timeout` leads to, which leads back to it: a no-input re-prompt.
    no_input: Option<usize>,
    /// The Say/Play its split's `noMatch` leads to, which leads back to it: a no-match
    /// re-prompt.
    no_match: Option<usize>,
}

/// Finds `widgets.NAME.Digits` in the text of a widget.
static DIGITS_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"widgets\.([A-Za-z0-9_-]+)\.Digits").expect("digits pattern"));

/// Imports the Studio flow of `cx` (see the module documentation).
pub fn import(mut cx: Cx<'_>) -> LoadOutcome {
    let file = cx.file;
    let text = cx.sources.text(file);
    if text.len() > MAX_FLOW_BYTES {
        let at = cx.sources.whole(file);
        cx.unreadable(
            at,
            format!(
                "the file has {} bytes; a Studio flow of at most {MAX_STATES} widgets is read up to {MAX_FLOW_BYTES}",
                text.len()
            ),
        );
        return cx.nothing();
    }
    let text = text.to_owned();
    let root: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            let at = super::xml::byte_of(&text, e.line(), e.column()).min(text.len());
            let span = cx.bytes(file, at..at);
            let shown = e.to_string();
            let message = shown.rsplit_once(" at line ").map_or(shown.as_str(), |(m, _)| m);
            cx.unreadable(span, format!("not valid JSON: {message}"));
            return cx.nothing();
        }
    };
    let Some(flow) = read_flow(&mut cx, &root) else {
        return cx.nothing();
    };
    let name = flow.description.map_or_else(
        || {
            cx.path
                .file_stem()
                .map_or_else(|| "Studio flow".to_owned(), |s| s.to_string_lossy().into_owned())
        },
        str::to_owned,
    );
    let top = cx.pointer(file, &flow.base);
    let builder = MenuBuilder::new(&cx.path, name, top);
    let audio_dir = cx.path.parent().map(PathBuf::from).unwrap_or_default();
    let mut imp = Imp {
        cx,
        b: builder,
        flow: &flow,
        file,
        audio_dir,
        ids: flow.states.iter().map(|s| s.name.to_owned()).collect(),
        presets: BTreeSet::new(),
        queues: HashMap::new(),
        digits_read: HashSet::new(),
        plans: HashMap::new(),
        reprompts: HashMap::new(),
        fused: HashSet::new(),
        finish_keys: Vec::new(),
    };
    if !imp.run() {
        return imp.cx.nothing();
    }
    let presets: Vec<String> = std::mem::take(&mut imp.presets).into_iter().collect();
    imp.b.preset_variables(presets);
    let Imp { cx, b, .. } = imp;
    cx.finish(b)
}

/// The importer's state while it builds the menu.
struct Imp<'c, 'v> {
    cx: Cx<'c>,
    b: MenuBuilder,
    flow: &'v Flow<'v>,
    file: FileId,
    /// Where a `play` URL's file is looked for (the flow file's folder).
    audio_dir: PathBuf,
    /// Node ids given: every widget name, and the synthetic nodes made so far.
    ids: HashSet<String>,
    /// Variables from outside the flow (`variables:`).
    presets: BTreeSet<String>,
    /// Queues described, with the widget that described each.
    queues: HashMap<String, String>,
    /// Gathers whose `Digits` an imported widget reads.
    digits_read: HashSet<String>,
    /// How each gather is imported, by widget index.
    plans: HashMap<usize, Plan>,
    /// The re-prompts of each gather, by widget index.
    reprompts: HashMap<usize, Reprompts>,
    /// Transitions folded into a gather (widget index, transition index): they are no edge
    /// of their own.
    fused: HashSet<(usize, usize)>,
    /// Menu gathers whose `finish_on_key` is not modelled (one finding for all).
    finish_keys: Vec<(String, char, String)>,
}

impl<'v> Imp<'_, 'v> {
    fn at(&mut self, pointer: &str) -> Span {
        self.cx.pointer(self.file, pointer)
    }

    fn approx(&mut self, pointer: &str, what: impl Into<String>, caller: impl Into<String>) {
        let at = self.at(pointer);
        self.cx.approx(at, what, caller);
    }

    /// A node id not given yet, made from `base`.
    fn fresh(&mut self, base: &str) -> String {
        let mut id = base.to_owned();
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }

    /// Imports the flow; `false` when it has no way in for a call (E022 reported).
    fn run(&mut self) -> bool {
        let flow = self.flow;
        let Some((entry, entry_at)) = self.entry() else {
            return false;
        };
        let Some(entry_i) = flow.index(entry) else {
            // The builder reports the unknown name (E006).
            let at = self.at(&entry_at);
            let r = self.b.reference(entry, at);
            self.b.entry(r);
            return true;
        };
        let reached = reachable(flow, entry_i);
        self.classify(&reached);
        let emitted = self.emitted(&reached, entry_i);
        self.read_digits(&emitted);
        let at = self.at(&entry_at);
        let r = self.b.reference(entry, at);
        self.b.entry(r);
        for i in 0..flow.states.len() {
            if emitted[i] {
                self.emit(i);
            }
        }
        self.report_finish_keys();
        self.report_unreached(&reached);
        true
    }

    /// One W027 for every menu whose `finish_on_key` is not modelled.
    fn report_finish_keys(&mut self) {
        let Some((_, _, pointer)) = self.finish_keys.first().cloned() else {
            return;
        };
        let names: Vec<String> = self.finish_keys.iter().map(|(n, _, _)| n.clone()).collect();
        let mut keys: Vec<char> = self.finish_keys.iter().map(|(_, k, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        let keys = keys.join(" or ");
        self.approx(
            &pointer,
            format!(
                "`finish_on_key` is not modelled in the menu{} {}: Studio ends an entry at {keys}, and {keys} alone takes the `timeout` transition; ivrsim takes it as a key of the entry",
                if names.len() == 1 { "" } else { "s" },
                list(&names)
            ),
            format!(
                "{keys} pressed at {} is a wrong key in ivrsim, where Studio submits the keys before it (none: no input)",
                if names.len() == 1 { "this menu" } else { "these menus" }
            ),
        );
    }

    /// The widget a call starts at and the pointer of the transition naming it.
    fn entry(&mut self) -> Option<(&'v str, String)> {
        let flow = self.flow;
        let trigger = flow
            .initial
            .and_then(|n| flow.index(n))
            .filter(|&i| flow.states[i].kind == "trigger")
            .or_else(|| flow.states.iter().position(|s| s.kind == "trigger"));
        let Some(t) = trigger else {
            let at = match flow.initial {
                Some(_) => format!("{}/initial_state", flow.base),
                None => flow.base.clone(),
            };
            let at = self.at(&at);
            self.cx.unreadable(
                at,
                "the flow has no trigger widget (`\"type\": \"trigger\"`), so no call can start it",
            );
            return None;
        };
        let st = &flow.states[t];
        if let Some(tr) = st.on("incomingCall")
            && let Some(next) = tr.next
        {
            return Some((next, format!("{}/next", tr.at)));
        }
        // An outbound flow: REST trigger → Make Outgoing Call → answered.
        if let Some(tr) = st.on("incomingRequest")
            && let Some(next) = tr.next
            && let Some(o) = flow.index(next)
            && flow.states[o].kind.starts_with("make-outgoing-call")
            && let Some(answered) = flow.states[o].on("answered")
            && let Some(callee) = answered.next
        {
            let out = &flow.states[o];
            self.approx(
                &out.at,
                format!(
                    "an outgoing call flow: the call is imported from `{}`'s `answered` transition, as if the callee had answered; `busy`, `noAnswer` and `failed` are not simulated",
                    out.name
                ),
                "ivrsim plays the flow to the person called from the moment they answer; ringing, voicemail detection and unanswered calls are not simulated",
            );
            return Some((callee, format!("{}/next", answered.at)));
        }
        let at = match st.on("incomingCall") {
            Some(tr) => tr.at.clone(),
            None => format!("{}/transitions", st.at),
        };
        let at = self.at(&at);
        self.cx.unreadable(
            at,
            "not a voice flow: the trigger's `incomingCall` transition leads to no widget",
        );
        None
    }

    /// Decides how each reached gather is imported and which widgets fold into it.
    fn classify(&mut self, reached: &[bool]) {
        let flow = self.flow;
        for (g, st) in flow.states.iter().enumerate() {
            if !reached[g] || st.kind != "gather-input-on-call" {
                continue;
            }
            let key_split = st
                .next_of("keypress")
                .and_then(|n| flow.index(n))
                .filter(|&k| key_cases(st.name, &flow.states[k]).is_some());
            let plan = match key_split {
                Some(k) => {
                    let speech = st
                        .next_of("speech")
                        .and_then(|n| flow.index(n))
                        .filter(|&s| speech_split(st.name, &flow.states[s]));
                    Plan::Menu { split: k, speech }
                }
                None => Plan::Collect,
            };
            let leads_back = |i: usize| {
                flow.states[i].kind == "say-play" && flow.states[i].next_of("audioComplete") == Some(st.name)
            };
            let mut re = Reprompts::default();
            if let Some((j, tr)) = st.trans.iter().enumerate().find(|(_, t)| t.event == "timeout")
                && let Some(s) = tr.next.and_then(|n| flow.index(n))
                && leads_back(s)
            {
                re.no_input = Some(s);
                self.fused.insert((g, j));
            }
            if let Plan::Menu { split, speech } = plan {
                for (j, tr) in st.trans.iter().enumerate() {
                    if tr.event == "keypress" || (tr.event == "speech" && speech.is_some()) {
                        self.fused.insert((g, j));
                    }
                }
                let k = &flow.states[split];
                if let Some((j, tr)) = k.trans.iter().enumerate().find(|(_, t)| t.event == "noMatch")
                    && let Some(s) = tr.next.and_then(|n| flow.index(n))
                    && leads_back(s)
                {
                    re.no_match = Some(s);
                    self.fused.insert((split, j));
                }
                if let Some(sp) = speech {
                    for j in 0..flow.states[sp].trans.len() {
                        self.fused.insert((sp, j));
                    }
                }
            }
            self.plans.insert(g, plan);
            self.reprompts.insert(g, re);
        }
    }

    /// Which reached widgets become nodes: all but the trigger and the widgets folded into a
    /// gather that nothing else leads to.
    fn emitted(&self, reached: &[bool], entry: usize) -> Vec<bool> {
        let flow = self.flow;
        let mut folded = vec![false; flow.states.len()];
        for (g, plan) in &self.plans {
            if let Plan::Menu { split, speech } = plan {
                folded[*split] = true;
                if let Some(s) = speech {
                    folded[*s] = true;
                }
            }
            let re = self.reprompts.get(g).copied().unwrap_or_default();
            for s in [re.no_input, re.no_match].into_iter().flatten() {
                folded[s] = true;
            }
        }
        let mut referenced = vec![false; flow.states.len()];
        for (i, st) in flow.states.iter().enumerate() {
            if !reached[i] {
                continue;
            }
            for (j, tr) in st.trans.iter().enumerate() {
                if self.fused.contains(&(i, j)) {
                    continue;
                }
                if let Some(n) = tr.next.and_then(|n| flow.index(n)) {
                    referenced[n] = true;
                }
            }
        }
        (0..flow.states.len())
            .map(|i| reached[i] && flow.states[i].kind != "trigger" && (!folded[i] || referenced[i] || i == entry))
            .collect()
    }

    /// Notes the gathers whose `Digits` an imported widget reads (their options store them).
    fn read_digits(&mut self, emitted: &[bool]) {
        let flow = self.flow;
        for (i, st) in flow.states.iter().enumerate() {
            if !emitted[i] {
                continue;
            }
            let mut found = Vec::new();
            if let Some(p) = st.props {
                for v in p.values() {
                    strings(v, &mut |s| {
                        found.extend(DIGITS_REF.captures_iter(s).map(|c| c[1].to_owned()))
                    });
                }
            }
            for tr in &st.trans {
                for c in &tr.conds {
                    for s in c.subject.into_iter().chain([c.value.as_str()]) {
                        found.extend(DIGITS_REF.captures_iter(s).map(|c| c[1].to_owned()));
                    }
                }
            }
            self.digits_read.extend(found);
        }
    }

    /// W027 for each path of another trigger event and each widget no trigger reaches.
    fn report_unreached(&mut self, reached: &[bool]) {
        let flow = self.flow;
        let mut other = vec![false; flow.states.len()];
        for st in flow.states.iter().filter(|s| s.kind == "trigger") {
            for tr in &st.trans {
                if tr.event == "incomingCall" {
                    continue;
                }
                let Some(n) = tr.next.and_then(|n| flow.index(n)) else {
                    continue;
                };
                let seen = reachable(flow, n);
                let only: Vec<&str> = (0..flow.states.len())
                    .filter(|&i| seen[i] && !reached[i])
                    .map(|i| flow.states[i].name)
                    .collect();
                for (i, s) in seen.iter().enumerate() {
                    other[i] |= *s;
                }
                if only.is_empty() {
                    continue;
                }
                self.approx(
                    &format!("{}/next", tr.at),
                    format!(
                        "the `{}` path is not imported ({} widget{}: {}): ivrsim simulates incoming calls only",
                        tr.event,
                        only.len(),
                        if only.len() == 1 { "" } else { "s" },
                        list(&only)
                    ),
                    "nothing on a call; messages and API-started executions are not simulated",
                );
            }
        }
        for (i, st) in flow.states.iter().enumerate() {
            if reached[i] || other[i] || st.kind == "trigger" {
                continue;
            }
            self.approx(
                &st.at,
                format!("widget `{}` is connected to no trigger and is not imported", st.name),
                "nothing: Studio never runs it either",
            );
        }
    }

    /// Adds the node(s) of widget `i`.
    fn emit(&mut self, i: usize) {
        let flow = self.flow;
        let st = &flow.states[i];
        match st.kind {
            "gather-input-on-call" => self.gather(i),
            "say-play" if st.next_of("audioComplete").is_none() => {
                // The last words of the flow: a hang-up node with the prompt.
                let prompt = self.prompt(st, false);
                self.node(
                    st,
                    NodeSpec::Hangup(HangupNode {
                        prompt: Some(prompt),
                        reason: END_REASON.into(),
                    }),
                );
            }
            "say-play" => {
                let prompt = self.prompt(st, false);
                let next = self.target(st, "audioComplete");
                self.node(
                    st,
                    NodeSpec::Message {
                        prompt,
                        next,
                        barge_in: Some(false),
                    },
                );
            }
            "split-based-on" => self.split(st),
            "set-variables" => self.set_variables(st),
            "run-function" => {
                let target = st
                    .text("url")
                    .or_else(|| st.text("function_sid"))
                    .unwrap_or(st.name)
                    .to_owned();
                self.external(st, ExternalApp::Application, target, ("success", "fail"), &[]);
            }
            "make-http-request" => {
                let target = st.text("url").unwrap_or(st.name).to_owned();
                self.external(st, ExternalApp::Application, target, ("success", "failed"), &[]);
            }
            "run-subflow" => {
                let target = st.text("flow_sid").unwrap_or(st.name).to_owned();
                self.external(st, ExternalApp::Flow, target, ("completed", "failed"), &[]);
            }
            "add-twiml-redirect" => {
                let target = st.text("url").unwrap_or(st.name).to_owned();
                self.external(st, ExternalApp::Flow, target, ("return", "fail"), &["timeout"]);
            }
            "send-to-flex" | "enqueue-call" | "connect-call-to" => self.transfer(st),
            "record-voicemail" => self.record(st),
            k if k.starts_with("make-outgoing-call") => {
                let default = self.target(st, "answered");
                self.approx(
                    &st.at,
                    format!(
                        "Make Outgoing Call `{}` places a second call; ivrsim does not, and goes on at its `answered` transition",
                        st.name
                    ),
                    "the call goes on as if the other call had been answered at once; busy, no answer and failed calls are not simulated",
                );
                self.node(
                    st,
                    NodeSpec::Route(RouteNode {
                        routes: Vec::new(),
                        default,
                    }),
                );
            }
            _ => self.unknown(st),
        }
    }

    fn description(st: &State<'_>) -> String {
        format!("Studio {} `{}`", st.kind, st.name)
    }

    fn node(&mut self, st: &State<'_>, spec: NodeSpec) {
        let at = self.at(&st.at);
        self.b
            .add_node(At::new(st.name.to_owned(), at), Some(Self::description(st)), spec);
    }

    /// A silent hang-up node where `st`'s `event` has no next (the flow ends there).
    fn end(&mut self, st: &State<'_>, event: &str) -> NodeRef {
        let suffix = if matches!(event, "audioComplete" | "next") {
            "end".to_owned()
        } else {
            format!("{event}_end")
        };
        let id = self.fresh(&format!("{}__{suffix}", st.name));
        let pointer = st.on(event).map_or_else(|| st.at.clone(), |t| t.at.clone());
        let at = self.at(&pointer);
        let description = if st.on(event).is_some() {
            format!("The flow ends after {} `{}` ({}: no next)", st.kind, st.name, event)
        } else {
            format!(
                "The flow ends after {} `{}` ({}: no such transition)",
                st.kind, st.name, event
            )
        };
        self.b.add_node(
            At::new(id.clone(), at),
            Some(description),
            NodeSpec::Hangup(HangupNode {
                prompt: None,
                reason: END_REASON.into(),
            }),
        );
        self.b.reference(id, at)
    }

    /// Where `st`'s `event` leads: its next, or a hang-up node when it has none.
    fn target(&mut self, st: &State<'_>, event: &str) -> NodeRef {
        match st.on(event) {
            Some(tr) if tr.next.is_some() => {
                let next = tr.next.unwrap_or_default();
                let at = self.at(&format!("{}/next", tr.at));
                self.b.reference(next, at)
            }
            _ => self.end(st, event),
        }
    }

    /// A reference to the widget `name`, written at the transition `tr`.
    fn reference(&mut self, name: &str, tr: &Trans<'_>) -> NodeRef {
        let at = self.at(&format!("{}/next", tr.at));
        self.b.reference(name, at)
    }

    /// Notes the variables of `refs` that come from outside the flow.
    fn note_refs(&mut self, refs: &[liquid::VarRef]) {
        for r in refs {
            if r.origin == Origin::Outside {
                self.presets.insert(r.name.clone());
            }
        }
    }

    /// Text of a `say` (Liquid translated, SSML stripped), with findings at `pointer`.
    fn said(&mut self, text: &str, pointer: &str) -> String {
        let t = liquid::translate(text);
        self.note_refs(&t.refs);
        if !t.kept.is_empty() {
            self.approx(
                pointer,
                format!("Liquid kept as written: {}", list(&t.kept)),
                "the caption shows the template instead of its value, and its length is timed from the template's words",
            );
        }
        if t.text.contains('<') && t.text.contains('>') {
            self.approx(
                pointer,
                "SSML markup: the words are kept, the tags dropped",
                "pauses, emphasis and speaking rate of the markup are not timed",
            );
        }
        super::ssml::to_text(&t.text)
    }

    /// The prompt of a Say/Play or a Gather (`say`, `play`, or for Say/Play `digits`, played
    /// `loop` times).
    fn prompt(&mut self, st: &State<'_>, gather: bool) -> Prompt {
        let node_at = self.at(&st.at);
        let loops = match st.prop("loop").and_then(number) {
            None => 1,
            Some(n) if (1.0..=99.0).contains(&n) && n.fract() == 0.0 => n as usize,
            Some(_) => {
                self.approx(
                    &st.prop_at("loop"),
                    "`loop` is not a whole number from 1 to 99; played once",
                    "the message is heard once",
                );
                1
            }
        };
        let repeat = |text: String| vec![text; loops].join(" ");
        if let Some(say) = st.text("say") {
            let pointer = st.prop_at("say");
            let text = repeat(self.said(say, &pointer));
            let at = self.at(&pointer);
            return self.b.prompt(node_at, &At::new(text, at), None);
        }
        if let Some(url) = st.text("play") {
            let pointer = st.prop_at("play");
            let at = self.at(&pointer);
            let name = url_file_name(url);
            let caption = format!("[audio: {}]", name.as_deref().unwrap_or(url));
            let local = name
                .as_deref()
                .filter(|n| n.to_ascii_lowercase().ends_with(".wav") && self.audio_dir.join(n).is_file());
            if let Some(clip) = local {
                if loops > 1 {
                    self.approx(
                        &st.prop_at("loop"),
                        format!("the clip `{clip}` is played once, not {loops} times"),
                        "the message is heard once",
                    );
                }
                let clip = At::new(clip.to_owned(), at);
                return self.b.prompt(node_at, &At::new(caption, at), Some(&clip));
            }
            self.approx(
                &pointer,
                format!(
                    "the audio `{url}` is not played: the caption `{caption}` stands for it{}",
                    if loops > 1 { format!(", once instead of {loops} times") } else { String::new() }
                ),
                format!(
                    "silence with the caption instead of the recording, timed as its words ({}); put a WAV of the same name beside the flow to play it",
                    fmt_duration(crate::timing::text_duration(&caption))
                ),
            );
            return self.b.prompt(node_at, &At::new(caption, at), None);
        }
        if !gather && let Some(tones) = st.text("digits") {
            let pointer = st.prop_at("digits");
            let at = self.at(&pointer);
            let caption = format!("[tones: {tones}]");
            self.approx(
                &pointer,
                format!("the DTMF tones `{tones}` are not played: the caption `{caption}` stands for them"),
                "no tones; their length (each tone, `w` half a second, `W` one second) is not timed",
            );
            return self.b.prompt(node_at, &At::new(caption, at), None);
        }
        let caption = "[silence]".to_owned();
        self.approx(
            &st.at,
            format!(
                "`{}` has nothing to say or play; the caption `{caption}` stands for it",
                st.name
            ),
            format!(
                "a short pause ({}) instead of none",
                fmt_duration(crate::timing::text_duration(&caption))
            ),
        );
        self.b.prompt(node_at, &At::new(caption, node_at), None)
    }

    /// A duration property in whole seconds; `default` when absent; a finding and `default`
    /// when it is not a number of seconds above zero.
    fn seconds(&mut self, st: &State<'_>, key: &str, default: Duration) -> Duration {
        let Some(v) = st.prop(key) else { return default };
        if matches!(v, Value::String(s) if s.trim().is_empty()) {
            return default;
        }
        match number(v) {
            Some(n) if n > 0.0 && n <= 86_400.0 => Duration::from_secs_f64(n),
            _ => {
                self.approx(
                    &st.prop_at(key),
                    format!(
                        "`{key}` is not a number of seconds above zero ({}); {} used",
                        scalar(v).unwrap_or_else(|| "not a value".into()),
                        fmt_duration(default)
                    ),
                    format!("the wait is {}", fmt_duration(default)),
                );
                default
            }
        }
    }

    fn gather(&mut self, g: usize) {
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
                let Some(opt) = options.iter_mut().find(|o| tr.next.is_some_and(|n| o.to.name == n)) else {
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
                    let at = self.at(&pointer);
                    opt.say.push(At::new(w, at));
                }
            }
        }
    }

    /// A split that is not folded into a gather: a route, in as many nodes as its negated
    /// cases need.
    fn split(&mut self, st: &State<'_>) {
        let input = st.text("input");
        let mut id = st.name.to_owned();
        let mut node_at = self.at(&st.at);
        let mut description = Self::description(st);
        let mut routes: Vec<Route> = Vec::new();
        for tr in st.trans.iter().filter(|t| t.event == "match") {
            let mut parts = Vec::new();
            for c in &tr.conds {
                let subject = c.subject.or(input);
                let var = subject.and_then(liquid::reference);
                match var {
                    Some(v) => {
                        self.note_refs(std::slice::from_ref(&v));
                        parts.push(split::condition(c.kind, &c.value, &v.name));
                    }
                    None => parts.push(CaseTest::Unmapped(format!(
                        "the value tested, `{}`, is not one variable of the flow",
                        subject.unwrap_or("")
                    ))),
                }
            }
            if parts.is_empty() {
                parts.push(CaseTest::Unmapped("the case has no condition".into()));
            }
            match split::all_of(parts) {
                CaseTest::Tests(when) => {
                    let to = self.target_of(st, tr, "match");
                    routes.push(Route { when, to });
                }
                CaseTest::Negated(test) => {
                    // Taken when `test` does not hold: the cases after it go to a route of
                    // their own, taken when it holds.
                    let to = self.target_of(st, tr, "match");
                    let cont = self.fresh(&format!("{}__after_{}", st.name, tr.event_index(st)));
                    let cont_at = self.at(&tr.at);
                    let cont_ref = self.b.reference(cont.clone(), cont_at);
                    routes.push(Route {
                        when: vec![test],
                        to: cont_ref,
                    });
                    self.b.add_node(
                        At::new(std::mem::replace(&mut id, cont), node_at),
                        Some(std::mem::replace(
                            &mut description,
                            format!("Studio split-based-on `{}`: the cases after a negated one", st.name),
                        )),
                        NodeSpec::Route(RouteNode {
                            routes: std::mem::take(&mut routes),
                            default: to,
                        }),
                    );
                    node_at = cont_at;
                }
                CaseTest::Unmapped(why) => {
                    let pointer = tr.conds.first().map_or_else(|| tr.at.clone(), |c| c.at.clone());
                    self.approx(
                        &pointer,
                        format!("{why}: this case of `{}` is not imported", st.name),
                        format!(
                            "the call never takes this case{}; it goes on with the next case or `noMatch`",
                            tr.next.map_or_else(String::new, |n| format!(" (to `{n}`)"))
                        ),
                    );
                }
            }
        }
        let default = self.target(st, "noMatch");
        self.b.add_node(
            At::new(id, node_at),
            Some(description),
            NodeSpec::Route(RouteNode { routes, default }),
        );
    }

    /// Where the transition `tr` of `st` leads (a hang-up node when it has no next).
    fn target_of(&mut self, st: &State<'_>, tr: &Trans<'_>, event: &str) -> NodeRef {
        match tr.next {
            Some(n) => self.reference(n, tr),
            None => self.end(st, event),
        }
    }

    fn set_variables(&mut self, st: &State<'_>) {
        let mut sets = Vec::new();
        if let Some(vars) = st.prop("variables") {
            let Some(vars) = vars.as_array() else {
                let at = self.at(&st.prop_at("variables"));
                self.cx.unreadable(at, "`variables` is not a list of `{key, value}`");
                return self.node_after_set(st, sets);
            };
            for (k, v) in vars.iter().enumerate() {
                let pointer = format!("{}/{k}", st.prop_at("variables"));
                let key = v
                    .get("key")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|k| !k.is_empty());
                let Some(key) = key else {
                    let at = self.at(&pointer);
                    self.cx.unreadable(at, "this variable has no `key`");
                    continue;
                };
                let key = key.strip_prefix("flow.variables.").unwrap_or(key);
                let value = v.get("value").and_then(scalar).unwrap_or_default();
                let span = self.at(&pointer);
                if let Some(c) = liquid::counter(key, &value) {
                    if c.start != c.step {
                        self.approx(
                            &format!("{pointer}/value"),
                            format!(
                                "the counter `{key}` starts at {} in Studio; ivrsim's `{:+}` starts from 0, so it is {} the first time",
                                c.start, c.step, c.step
                            ),
                            format!(
                                "`{key}` is {} higher than in Studio; a split testing it takes its cases one round {}",
                                c.step - c.start,
                                if c.step > c.start { "early" } else { "late" }
                            ),
                        );
                    }
                    sets.push(SetVar {
                        var: c.var,
                        value: SetValue::Add(c.step),
                        span,
                    });
                    continue;
                }
                let t = liquid::translate(&value);
                self.note_refs(&t.refs);
                if !t.kept.is_empty() {
                    self.approx(
                        &format!("{pointer}/value"),
                        format!("Liquid kept as written: {}", list(&t.kept)),
                        format!("`{key}` holds the template's text, not its value"),
                    );
                }
                sets.push(SetVar {
                    var: liquid::var_name(key),
                    value: SetValue::Text(t.text),
                    span,
                });
            }
        }
        self.node_after_set(st, sets);
    }

    fn node_after_set(&mut self, st: &State<'_>, sets: Vec<SetVar>) {
        let default = self.target(st, "next");
        self.node(
            st,
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default,
            }),
        );
        self.b.node_set(st.name, sets);
    }

    /// An external step whose `events.0` is success and `events.1` error; `unused` are other
    /// events with no ivrsim way (a finding when they lead somewhere).
    fn external(&mut self, st: &State<'_>, app: ExternalApp, target: String, events: (&str, &str), unused: &[&str]) {
        let success = self.target(st, events.0);
        let error = self.target(st, events.1);
        for e in unused {
            if let Some(tr) = st.on(e)
                && let Some(n) = tr.next
            {
                self.approx(
                    &format!("{}/next", tr.at),
                    format!(
                        "the `{e}` transition (to `{n}`) has no ivrsim way: an external step ends in success or error"
                    ),
                    format!("the call never goes to `{n}` from here"),
                );
            }
        }
        self.node(
            st,
            NodeSpec::External(ExternalNode {
                app,
                name: target,
                prompt: None,
                on: Some(ExternalBranches { success, error }),
                store: liquid::var_name(&format!("{}_result", st.name)),
            }),
        );
    }

    /// Priority from a Studio/TaskRouter `priority` (higher first, default 0): level
    /// `5 − p`, clamped to 1..9 (docs/menu-format.md "Priorities", the Asterisk row's rule).
    fn priority(&mut self, st: &State<'_>) -> Priority {
        let Some(v) = st.prop("priority") else {
            return Priority::Normal;
        };
        match number(v) {
            Some(p) if p.fract() == 0.0 && p.abs() < 1e9 => {
                let level = (5.0 - p).clamp(1.0, 9.0) as u64;
                Priority::from_level(level).unwrap_or_default()
            }
            _ if matches!(v, Value::String(s) if s.trim().is_empty()) => Priority::Normal,
            _ => {
                self.approx(
                    &st.prop_at("priority"),
                    format!(
                        "`priority` `{}` is not a whole number; priority 0 (ivrsim's `normal`) used",
                        scalar(v).unwrap_or_default()
                    ),
                    "the call waits as a normal-priority call",
                );
                Priority::Normal
            }
        }
    }

    fn transfer(&mut self, st: &State<'_>) {
        let node_at = self.at(&st.at);
        let (queue, caption, ring) = match st.kind {
            "send-to-flex" => (st.text("workflow"), "[hold music]", None),
            "enqueue-call" => (
                st.text("queue_name").or_else(|| st.text("workflow_sid")),
                "[hold music]",
                None,
            ),
            _ => (
                st.text("to"),
                "[ringing]",
                Some(self.seconds(st, "timeout", DEFAULT_RING_TIMEOUT)),
            ),
        };
        let queue = match queue {
            Some(q) => q.to_owned(),
            None => {
                self.approx(
                    &st.at,
                    format!(
                        "`{}` names no queue, workflow or number; the queue is called `{}`",
                        st.name, st.name
                    ),
                    "nothing, unless a scenario names the queue",
                );
                st.name.to_owned()
            }
        };
        let (priority, failed) = match st.kind {
            "connect-call-to" => (Priority::Normal, "callCompleted"),
            _ => (self.priority(st), "failedToEnqueue"),
        };
        let plan_to = self.target(st, failed);
        let mut spec = QueueSpec {
            join_empty: Some(true),
            leave_when_empty: Some(false),
            ..QueueSpec::default()
        };
        if st.kind == "enqueue-call" {
            spec.max_waiting = Some(At::new(DEFAULT_QUEUE_SIZE, node_at));
            if st.prop("timeout").is_some() {
                let d = self.seconds(st, "timeout", Duration::from_secs(3600));
                let at = self.at(&st.prop_at("timeout"));
                spec.max_wait = Some(At::new(d, at));
            }
        }
        if let Some(ring) = ring {
            spec.max_wait = Some(At::new(ring, node_at));
            self.approx(
                &st.at,
                format!(
                    "Connect Call To dials `{queue}`; ivrsim puts the caller in a queue of that name, which gives up after the ring time ({}) and goes on at `callCompleted`",
                    fmt_duration(ring)
                ),
                "a call-taker answering on an operator line stands for the person called; without one the call is handed over at once",
            );
            if st.text("noun") == Some("conference") {
                self.approx(
                    &st.prop_at("noun"),
                    "a conference room is imported as a queue",
                    "the caller waits for a call-taker instead of joining the room",
                );
            }
        }
        for e in ["callComplete", "callFailure"] {
            if st.kind == "connect-call-to" {
                break;
            }
            if let Some(tr) = st.on(e)
                && let Some(n) = tr.next
            {
                self.approx(
                    &format!("{}/next", tr.at),
                    format!(
                        "what follows `{e}` (`{n}`) is not simulated: ivrsim's part of the call ends at the handoff"
                    ),
                    format!("the call never reaches `{n}`"),
                );
            }
        }
        match self.queues.get(&queue) {
            Some(first) if first != st.name => {
                let first = first.clone();
                self.approx(
                    &st.at,
                    format!("queue `{queue}` is also used by `{first}`, whose queue settings are kept"),
                    "the ring time or queue size of this widget is not used",
                );
            }
            Some(_) => {}
            None => {
                self.queues.insert(queue.clone(), st.name.to_owned());
                self.b.add_queue(At::new(queue.clone(), node_at), spec);
            }
        }
        let hold_prompt = self.b.prompt(node_at, &At::new(caption.to_owned(), node_at), None);
        self.node(
            st,
            NodeSpec::Transfer {
                queue,
                priority,
                prompt: None,
                context: None,
                hold: Some(HoldSpec {
                    prompt: Some(hold_prompt),
                    ..HoldSpec::default()
                }),
                when_no_operator: Some(Some(NoOperator::Goto { to: plan_to })),
            },
        );
    }

    fn record(&mut self, st: &State<'_>) {
        let silence = self.seconds(st, "timeout", DEFAULT_RECORD_TIMEOUT);
        let max_length = self.seconds(st, "max_length", DEFAULT_RECORD_MAX_LENGTH);
        let beep = st.prop("play_beep").is_none_or(|v| match v {
            Value::Bool(b) => *b,
            Value::String(s) => !s.trim().eq_ignore_ascii_case("false"),
            _ => true,
        });
        let terminator = match st.text("finish_on_key") {
            Some(k) => {
                let first = k.chars().next().map(String::from).unwrap_or_default();
                if k.chars().count() > 1 {
                    self.approx(
                        &st.prop_at("finish_on_key"),
                        format!("`finish_on_key` `{k}` has several keys; ivrsim ends a recording at one, `{first}`"),
                        format!("only `{first}` ends the recording"),
                    );
                }
                DtmfKey::parse(&first).ok()
            }
            None => None,
        };
        if terminator.is_none() {
            self.approx(
                &st.at,
                format!("`{}` has no `finish_on_key`: no key ends the recording in Studio; ivrsim ends a recording without a terminator at any key", st.name),
                "a key pressed while recording ends the recording in ivrsim",
            );
        }
        let next = self.target(st, "recordingComplete");
        let no_speech = self.target(st, "noAudio");
        self.node(
            st,
            NodeSpec::Record {
                record: RecordNode {
                    prompt: None,
                    beep,
                    max_length,
                    final_silence: silence,
                    timeout: silence,
                    terminator,
                    store: liquid::var_name(&format!("{}_length", st.name)),
                    next,
                    no_speech: Some(no_speech),
                },
                timeout: Some(silence),
            },
        );
    }

    /// A widget ivrsim does not know: passed through when all its transitions lead to one
    /// widget, else a hang-up.
    fn unknown(&mut self, st: &State<'_>) {
        let nexts: BTreeSet<&str> = st.trans.iter().filter_map(|t| t.next).collect();
        let only = (nexts.len() == 1 && st.trans.iter().all(|t| t.next.is_some()))
            .then(|| st.trans.first())
            .flatten();
        match only {
            Some(tr) => {
                let n = tr.next.unwrap_or_default();
                self.approx(
                    &st.at,
                    format!(
                        "widget type `{}` is not imported: `{}` is passed through to `{n}`, where all its transitions lead",
                        st.kind, st.name
                    ),
                    "what the widget does (a message sent, a payment taken, a bot) does not happen; the call goes on at once",
                );
                let default = self.reference(n, tr);
                self.node(
                    st,
                    NodeSpec::Route(RouteNode {
                        routes: Vec::new(),
                        default,
                    }),
                );
            }
            None => {
                self.approx(
                    &st.at,
                    format!(
                        "widget type `{}` is not imported: the call ends at `{}`",
                        st.kind, st.name
                    ),
                    "the call is hung up here instead of going on",
                );
                self.node(
                    st,
                    NodeSpec::Hangup(HangupNode {
                        prompt: None,
                        reason: "unsupported-widget".into(),
                    }),
                );
            }
        }
    }
}

impl Trans<'_> {
    /// Index of this transition in `st` (for continuation node ids).
    fn event_index(&self, st: &State<'_>) -> usize {
        st.trans.iter().position(|t| t.at == self.at).unwrap_or(0)
    }
}

/// The gather's key that ends an entry: `finish_on_key` (default `#`), none when it is `""`
/// or `stop_gather` is false [S-GATHER]; and the value written when it is not one key (then
/// `#`).
fn finish_key<'v>(st: &State<'v>) -> (Option<char>, Option<&'v str>) {
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
fn number_of_digits(st: &State<'_>) -> Option<u32> {
    let n = st.prop("number_of_digits").and_then(number)?;
    (n >= 1.0 && n.fract() == 0.0).then(|| n.min(f64::from(u32::MAX)) as u32)
}

/// One case of a split that a menu takes: its transition, keys (with the pointer of each
/// key's value) and label.
struct KeyCase<'v> {
    trans: usize,
    keys: Vec<(String, String)>,
    label: Option<&'v str>,
}

/// The cases of `split` when it tests the `Digits` of gather `gather` with plain keys only
/// (`equal_to` a key, `matches_any_of` keys, one condition a case); `None` otherwise.
fn key_cases<'v>(gather: &str, split: &State<'v>) -> Option<Vec<KeyCase<'v>>> {
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
fn speech_split(gather: &str, split: &State<'_>) -> bool {
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

/// The widgets reached from `start` by transitions.
fn reachable(flow: &Flow<'_>, start: usize) -> Vec<bool> {
    let mut seen = vec![false; flow.states.len()];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(i) = queue.pop_front() {
        for tr in &flow.states[i].trans {
            if let Some(n) = tr.next.and_then(|n| flow.index(n))
                && !seen[n]
            {
                seen[n] = true;
                queue.push_back(n);
            }
        }
    }
    seen
}

/// Calls `f` with every string in `v`.
fn strings(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, f)),
        Value::Object(o) => o.values().for_each(|x| strings(x, f)),
        _ => {}
    }
}

/// The file name of an audio URL (its last path segment, without query or fragment).
fn url_file_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or(path).trim();
    (!name.is_empty() && !url.contains("{{") && name != "." && name != "..").then(|| name.to_owned())
}

/// `a`, `b` and `c` in backquotes, at most 5 then "and N more".
fn list<S: AsRef<str>>(items: &[S]) -> String {
    let shown: Vec<String> = items.iter().take(5).map(|s| format!("`{}`", s.as_ref())).collect();
    let mut out = shown.join(", ");
    if items.len() > 5 {
        out.push_str(&format!(" and {} more", items.len() - 5));
    }
    out
}

fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}
