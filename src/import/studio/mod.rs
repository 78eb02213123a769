//! Importing Twilio Studio flow definitions (the JSON of `twilio api:studio:v2:flows:fetch`,
//! or the console's export): `states`, each a widget with `name`, `type`, `properties` and
//! `transitions` (`event`, `next`, `conditions`), and the `initial_state` trigger
//! ([S-SCHEMA], \[SDK\] `studio/flow/state.go`). `docs/import.md`, section "Twilio Studio",
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
//!   event with no next, and a call with no more TwiML is hung up ([T-GATHER], \[E81002\]).
//! - **Gather Input on Call** whose `keypress` leads to a **Split Based On…** testing its
//!   `{{widgets.G.Digits}}` with plain keys (`equal_to` a key, `matches_any_of` keys) is a
//!   `menu`: one option per key; any other gather is a `collect` storing `G_digits`, and the
//!   split after it a `route`. `timeout` (seconds, default [`DEFAULT_GATHER_TIMEOUT`]) is
//!   both the no-input and the inter-digit timeout (TwiML `timeout` [T-GATHER]);
//!   `number_of_digits` N is `key_match: full_length` with `digit_len: N` (for N = 1,
//!   `early`, the same thing) or the collect's `max`; without it a menu waits the timeout
//!   after every key (`digit_len` [`MAX_GATHER_DIGITS`]); `finish_on_key` (default `#`,
//!   none when `stop_gather` is false [S-GATHER]) is the collect's terminator; in a menu it is
//!   not modelled (one W027 for all such menus). Studio keeps
//!   no retry counts [S-GUIDE]: each gather allows one no-input and one no-match, whose
//!   fallbacks are the `timeout` transition and the split's `noMatch`; a `timeout` back to
//!   the gather itself is [`SAME_WIDGET_LIMIT`] tries [S-FAQ]; a Say/Play that leads back to
//!   the gather is a re-prompt with unlimited tries.
//! - **Say/Play** is a `message` without barge-in (a `hangup` with its prompt when it has no
//!   next); **Set Variables** a `route` with `set`;
//!   **Run Function**, **Make HTTP Request** an `external` application with `on: {success,
//!   error}`; **Run Subflow** and **TwiML Redirect** an `external` flow; **Send to Flex**,
//!   **Enqueue Call**, **Connect Call To** a `transfer`; **Record Voicemail** a `record`;
//!   **Make Outgoing Call** inside a call is passed through to `answered` (W027).
//! - **Liquid**: a plain `{{flow.variables.x}}`, `{{widgets.G.Digits}}`,
//!   `{{trigger.call.From}}` … is an ivrsim placeholder (module `liquid`); anything else is kept as
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
//! \[E81002\] twilio.com/docs/api/errors/81002; \[SDK\] RJPearson94/twilio-sdk-go `studio/`
//! (field and event names).

mod gather;
mod liquid;
mod model;
mod split;
#[cfg(test)]
mod tests;
mod widgets;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use serde_json::Value;

use super::Cx;
use crate::menu::build::{At, MenuBuilder, NodeSpec};
use crate::menu::{ExternalApp, HangupNode, LoadOutcome, NodeRef, RouteNode};
use crate::source::{FileId, Span};
use gather::{Plan, Reprompts, key_cases, speech_split};
use liquid::Origin;
use model::{Flow, State, Trans, read_flow};

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
    // A byte order mark (editors on Windows write one) is not JSON.
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let skipped = text.len() - body.len();
    let root: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            let at = skipped + super::xml::byte_of(body, e.line(), e.column()).min(body.len());
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
        outbound: None,
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
    /// The Make Outgoing Call widget an outbound flow is imported from, if it is one.
    outbound: Option<usize>,
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
            // The builder reports the unknown name (E006); every widget is then unreached, and
            // each one says so rather than vanishing.
            let at = self.at(&entry_at);
            let r = self.b.reference(entry, at);
            self.b.entry(r);
            self.report_unreached(&vec![false; flow.states.len()]);
            return true;
        };
        let reached = reachable(flow, entry_i);
        self.classify(&reached);
        let emitted = self.emitted(&reached, entry_i);
        self.read_digits(&emitted);
        let at = self.at(&entry_at);
        let r = self.b.reference(entry, at);
        self.b.entry(r);
        for (i, yes) in emitted.iter().enumerate() {
            if *yes {
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
            self.outbound = Some(o);
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
                    .filter(|&i| seen[i] && !reached[i] && self.outbound != Some(i))
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
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}
