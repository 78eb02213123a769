//! The widgets other than Gather Input on Call: Say/Play ([S-SAY]), Split Based On… as a
//! route ([S-SPLIT]), Set Variables ([S-SETV]), Run Function ([S-RUNF]) and the other
//! external steps, Send to Flex ([S-FLEX]), Enqueue Call ([S-ENQ]) and Connect Call To
//! ([S-CONN]) as transfers, Record Voicemail ([S-REC]), and unknown widget types; and the
//! prompts of Say/Play and Gather.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;

use super::model::{State, Trans, number, scalar};
use super::split::CaseTest;
use super::{
    DEFAULT_QUEUE_SIZE, DEFAULT_RECORD_MAX_LENGTH, DEFAULT_RECORD_TIMEOUT, DEFAULT_RING_TIMEOUT, Imp, fmt_duration,
    liquid, list, split,
};
use crate::menu::build::{At, HoldSpec, NodeSpec, QueueSpec};
use crate::menu::{
    DtmfKey, ExternalApp, ExternalBranches, ExternalNode, HangupNode, NoOperator, NodeRef, Priority, Prompt,
    RecordNode, Route, RouteNode, SetValue, SetVar,
};

/// Longest text a `loop` repeats, in bytes (1 MiB): a long text looped 99 times is said once
/// instead (with a finding), so a hostile file cannot make a huge prompt.
const MAX_LOOPED_TEXT: usize = 1 << 20;

impl Imp<'_, '_> {
    /// Text of a `say` (Liquid translated, SSML stripped), with findings at `pointer`.
    pub(super) fn said(&mut self, text: &str, pointer: &str) -> String {
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
        crate::import::ssml::to_text(&t.text)
    }

    /// The prompt of a Say/Play or a Gather (`say`, `play`, or for Say/Play `digits`, played
    /// `loop` times).
    pub(super) fn prompt(&mut self, st: &State<'_>, gather: bool) -> Prompt {
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
        if let Some(say) = st.text("say") {
            let pointer = st.prop_at("say");
            let once = self.said(say, &pointer);
            let text = if once.len().saturating_mul(loops) > MAX_LOOPED_TEXT {
                self.approx(
                    &st.prop_at("loop"),
                    format!("the text is too long to repeat {loops} times; said once"),
                    "the message is heard once",
                );
                once
            } else {
                vec![once; loops].join(" ")
            };
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
    pub(super) fn seconds(&mut self, st: &State<'_>, key: &str, default: Duration) -> Duration {
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

    /// A split that is not folded into a gather: a route, in as many nodes as its negated
    /// cases need.
    pub(super) fn split(&mut self, st: &State<'_>) {
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

    pub(super) fn set_variables(&mut self, st: &State<'_>) {
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
    pub(super) fn external(
        &mut self,
        st: &State<'_>,
        app: ExternalApp,
        target: String,
        events: (&str, &str),
        unused: &[&str],
    ) {
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

    pub(super) fn transfer(&mut self, st: &State<'_>) {
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

    pub(super) fn record(&mut self, st: &State<'_>) {
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
    pub(super) fn unknown(&mut self, st: &State<'_>) {
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

/// The file name of an audio URL (its last path segment, without query or fragment).
fn url_file_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or(path).trim();
    (!name.is_empty() && !url.contains("{{") && name != "." && name != "..").then(|| name.to_owned())
}
