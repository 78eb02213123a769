//! Generating a scenario suite from a menu (`ivrsim scenarios generate MENU`): a few short
//! scenarios that together take every option, keyword, re-prompt, fallback and route branch
//! reachable from the entry, each ending in a transfer or hang-up, with the expectations
//! observed by running them on the call engine.
//!
//! The generator drives the engine exactly as the scenario runner does ([`Sim`]), so what it
//! writes is what `ivrsim test` will find.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::audio::ClipLibrary;
use crate::engine::{At, CallClock, CallStart, CallTime, Effect, Handoff, Outcome, PromptRole, Via, VirtualCaller};
use crate::menu::{CollectNode, Menu, NodeId, NodeKind};
use crate::rules::FailureEdge;
use crate::scenario::coverage::via_token;

/// Most `silence: timeout` steps appended to end a call.
const MAX_SILENCES: usize = 64;

/// One caller action, as a scenario step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    /// `press: keys` (with `at:` from the start of the prompt playing, to barge in).
    Press(String, Option<Duration>),
    /// `say: words`.
    Say(String),
    /// `silence: timeout`.
    Silence,
    /// `hangup: true` (with `at:` from the start of the prompt playing, to hang up during it).
    Hangup(Option<Duration>),
}

/// A call driven as the scenario runner drives it, recording what it does.
pub struct Sim<'m> {
    menu: &'m Menu,
    /// The caller and its call.
    pub call: VirtualCaller<'m>,
    /// Edges taken: (from, via).
    pub edges: BTreeSet<(String, String)>,
    /// The route branches among them (a condition or the default).
    pub routes: BTreeSet<(String, String)>,
    /// Whether the call had ended right after the last action (or the start), before any
    /// listening: else the final expectation needs `listen: true`.
    ended_by_action: bool,
}

/// Target key for an edge: the node and the edge's token ([`via_token`]: `option:N`,
/// `route:N`, `default`, `no_input_fallback` …).
fn edge(from: &str, via: &Via) -> (String, String) {
    (from.to_owned(), via_token(via))
}

/// Target key for a node: `(node, "node")`, entered.
fn entered(node: &str) -> (String, String) {
    (node.to_owned(), "node".to_owned())
}

/// Target key for a re-prompt: `no_input_reprompt` or `no_match_reprompt`.
fn reprompt(node: &str, no_input: bool) -> (String, String) {
    let what = if no_input {
        "no_input_reprompt"
    } else {
        "no_match_reprompt"
    };
    (node.to_owned(), what.to_owned())
}

/// A target in words, for the user: `option 2 (key `1`)`, `keyword "help" (key `1`)`, `route
/// 1 (within office_hours)`, `the default route`, `the no-input re-prompt` ….
fn target_words(menu: &Menu, node: &str, what: &str) -> String {
    let kind = menu.ids.get(node).map(|&i| &menu.node(i).kind);
    let (name, index) = match what.split_once(':') {
        Some((name, n)) => (name, n.parse::<usize>().ok()),
        None => (what, None),
    };
    match (name, kind, index) {
        ("option", Some(NodeKind::Menu(m)), Some(i)) if i < m.options.len() => {
            format!("option {} (key `{}`)", i + 1, m.options[i].key.as_str())
        }
        ("keyword", Some(NodeKind::Menu(m)), Some(i)) if i < m.options.len() => {
            let o = &m.options[i];
            let word = o.say.first().map_or(String::new(), |w| format!(" \"{w}\""));
            format!("keyword{word} (key `{}`)", o.key.as_str())
        }
        ("route", Some(NodeKind::Route(r)), Some(i)) if i < r.routes.len() => {
            let when: Vec<String> = r.routes[i].when.iter().map(crate::check::report::condition).collect();
            format!("route {} ({})", i + 1, when.join(" and "))
        }
        ("default", ..) => "the default route".into(),
        ("node", ..) => "itself (the node)".into(),
        ("external", _, _) => format!("the {} result", what.split_once(':').map_or(what, |(_, r)| r)),
        ("next", ..) => "a valid entry".into(),
        _ => format!(
            "the {}",
            what.replace('_', " ")
                .replace("no input", "no-input")
                .replace("no match", "no-match")
        ),
    }
}

impl<'m> Sim<'m> {
    /// Starts a call (on an operator line when `start.operator_line`, answered as a
    /// scenario's `operator: unavailable`).
    pub fn new(menu: &'m Menu, clips: &'m ClipLibrary, start: CallStart) -> Self {
        Self::on_line(menu, clips, start, None)
    }

    /// Starts a call; `busy`: on an operator line, the handed-off call joins its queue behind
    /// that many callers (a scenario's `operator: busy` with `waiting:`), else a call on an
    /// operator line hears that no call-taker can take it (`operator: unavailable`), as the
    /// scenario runner answers them.
    pub fn on_line(menu: &'m Menu, clips: &'m ClipLibrary, start: CallStart, busy: Option<usize>) -> Self {
        let line = start.operator_line;
        let caller = VirtualCaller::new(menu, clips.timings(), start);
        let call = match (line, busy) {
            (false, _) => caller,
            (true, Some(ahead)) => caller.with_busy_queue(ahead),
            (true, None) => caller.with_no_operator("no call-taker (the scenario's `operator: unavailable`)"),
        };
        let mut s = Sim {
            menu,
            call,
            edges: BTreeSet::new(),
            routes: BTreeSet::new(),
            ended_by_action: false,
        };
        s.absorb();
        s.ended_by_action = s.call.is_ended();
        s
    }

    /// The handover, once there was one.
    pub fn handoff(&self) -> Option<&Handoff> {
        self.call.handoff()
    }

    /// How the call ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.call.outcome()
    }

    fn absorb(&mut self) {
        while let Some(e) = self.call.poll_effect() {
            match e {
                Effect::StartPrompt(p) => match p.role {
                    PromptRole::NoInput(_) => {
                        self.edges.insert(reprompt(&p.node, true));
                    }
                    PromptRole::NoMatch(_) => {
                        self.edges.insert(reprompt(&p.node, false));
                    }
                    _ => {}
                },
                Effect::Moved { from: None, to, .. } => {
                    self.edges.insert(entered(&self.menu.node(to).id));
                }
                Effect::Moved {
                    from: Some(from),
                    via,
                    to,
                    ..
                } => {
                    self.edges.insert(entered(&self.menu.node(to).id));
                    let from = &self.menu.node(from).id;
                    if matches!(via, Via::Route(_) | Via::RouteDefault | Via::External(_)) {
                        self.routes.insert(edge(from, &via));
                    }
                    self.edges.insert(edge(from, &via));
                }
                _ => {}
            }
        }
    }

    /// Plays prompts to their end (the runner's `listen`).
    pub fn listen(&mut self) {
        self.call.listen();
        self.absorb();
    }

    /// The start of the prompt an `at:` is counted from.
    pub fn anchor(&self) -> CallTime {
        self.call.anchor()
    }

    /// Advances to `t` without acting (prompts end; timers due fire). The prompt an `at:` is
    /// counted from stays the one before: the runner, replaying, only learns of prompts when it
    /// acts, so the next `at:` is counted from there ([`Sim::anchor`]).
    pub fn advance(&mut self, t: CallTime) {
        self.call.advance(t);
        self.absorb();
    }

    /// Does one action as the runner does.
    pub fn act(&mut self, act: &Act) {
        match act {
            Act::Press(keys, at) => self.call.press(At::from_offset(*at), keys),
            Act::Say(words) => self.call.say(At::Turn, words),
            Act::Silence => self.call.silence(None),
            Act::Hangup(at) => self.call.hang_up(At::from_offset(*at)),
        }
        self.absorb();
        self.ended_by_action = self.call.is_ended();
    }

    /// The node the call is at.
    pub fn node(&self) -> Option<String> {
        self.call.current().map(|n| self.menu.node(n).id.clone())
    }

    /// Stays silent until the call ends; whether it did.
    fn silence_to_end(&mut self, acts: &mut Vec<Act>) -> bool {
        for _ in 0..MAX_SILENCES {
            self.listen();
            if self.call.is_ended() {
                return true;
            }
            acts.push(Act::Silence);
            self.act(&Act::Silence);
        }
        self.listen();
        self.call.is_ended()
    }

    /// The final expectation, as YAML flow mapping text: `listen: true` when the call had
    /// not ended before the prompts played (an expectation checks the present).
    pub fn final_expect(&mut self) -> String {
        let ended = self.ended_by_action;
        self.listen();
        let mut parts = Vec::new();
        if !ended {
            parts.push("listen: true".to_owned());
        }
        if let Some(n) = self.node() {
            parts.push(format!("at_node: {}", q(&n)));
        }
        match (self.call.handoff(), self.call.outcome()) {
            (Some(h), _) => parts.push(format!(
                "transfer: {{ queue: {}, priority: {}, reason: {} }}",
                q(&h.queue),
                h.priority.name(),
                h.reason.name()
            )),
            (None, Some(Outcome::HungUp { reason })) => parts.push(format!("hangup: {}", q(reason))),
            (None, Some(Outcome::External { name, .. })) => parts.push(format!("external: {}", q(name))),
            _ => {}
        }
        let k = self.call.keys_pressed();
        parts.push(format!("keys: {{ min: {k}, max: {k} }}"));
        format!("{{ {} }}", parts.join(", "))
    }
}

/// A YAML double-quoted scalar.
pub fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Writes one step.
pub fn step_yaml(out: &mut String, act: &Act) {
    let _ = match act {
        Act::Press(k, None) => writeln!(out, "      - press: {}", q(k)),
        Act::Press(k, Some(at)) => writeln!(out, "      - {{ press: {}, at: {}ms }}", q(k), at.as_millis()),
        Act::Say(w) => writeln!(out, "      - say: {}", q(w)),
        Act::Silence => writeln!(out, "      - silence: timeout"),
        Act::Hangup(None) => writeln!(out, "      - hangup: true"),
        Act::Hangup(Some(at)) => writeln!(out, "      - {{ hangup: true, at: {}ms }}", at.as_millis()),
    };
}

/// The clocks tried for routes on opening hours: a weekday morning, a weekday night, a Sunday.
fn clocks() -> [jiff::civil::DateTime; 3] {
    [
        jiff::civil::date(2026, 3, 2).at(10, 0, 0, 0),
        jiff::civil::date(2026, 3, 2).at(22, 0, 0, 0),
        jiff::civil::date(2026, 3, 1).at(10, 0, 0, 0),
    ]
}

/// A start configuration.
#[derive(Clone, Debug)]
struct Config {
    at: jiff::civil::DateTime,
    language: Option<String>,
    /// Preset variables: an external step's `store` set to `error`, so that its error
    /// branch is taken ("External steps", `rules::vars::external_result`).
    variables: BTreeMap<String, String>,
    /// On an operator line: what the handed-off call hears.
    line: Option<Line>,
}

/// How a generated scenario's operator line answers a handoff (its `start.operator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    /// `operator: unavailable`: the transfers' plans for an unstaffed (or closed) queue run.
    Unavailable,
    /// `operator: busy` with `waiting: N`: the call waits in its queue behind N callers (a
    /// full queue's plan when N is its `max_waiting`; the wait limit's when the caller stays).
    Busy(usize),
}

impl Config {
    fn start(&self) -> CallStart {
        CallStart {
            clock: CallClock::new(self.at),
            language: self.language.clone(),
            variables: self.variables.clone(),
            operator_line: self.line.is_some(),
            max_length: None,
        }
    }

    /// A call with this start, answered on its operator line as the scenario will be.
    fn sim<'m>(&self, menu: &'m Menu, clips: &'m ClipLibrary) -> Sim<'m> {
        let busy = match self.line {
            Some(Line::Busy(n)) => Some(n),
            _ => None,
        };
        Sim::on_line(menu, clips, self.start(), busy)
    }

    /// The `operator` fields of `start:` (with their leading comma), or nothing.
    fn line_yaml(&self) -> String {
        match self.line {
            None => String::new(),
            Some(Line::Unavailable) => ", operator: unavailable".into(),
            Some(Line::Busy(0)) => ", operator: busy".into(),
            Some(Line::Busy(n)) => format!(", operator: busy, waiting: {n}"),
        }
    }

    /// A short note of the start for a scenario's name (`Mon 22:00`, `error = x`,
    /// `no call-taker`, `queue full`), or `None` for the first, plain start.
    fn words(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.variables.is_empty() {
            let vars: Vec<String> = self.variables.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            w.push(vars.join(", "));
        }
        match self.line {
            None => {}
            Some(Line::Unavailable) => w.push("no call-taker".into()),
            Some(Line::Busy(0)) => w.push("call-takers busy".into()),
            Some(Line::Busy(n)) => w.push(format!("{n} waiting")),
        }
        w
    }
}

/// The operator lines a menu's transfers can tell apart (see [`Line`]): `unavailable` when a
/// plan of some transfer leads to a node (an unstaffed or closed queue's `goto` or
/// `callback`), `busy` when one waits in a queue that has a wait limit or a hold exit key, and
/// `busy` behind `max_waiting` callers for each queue that can be full, so that the nodes
/// only those plans lead to are covered too.
fn lines(menu: &Menu) -> Vec<Line> {
    use crate::menu::NoOperatorReason as R;
    let mut out = Vec::new();
    let mut add = |l: Line| {
        if !out.contains(&l) {
            out.push(l);
        }
    };
    for n in &menu.nodes {
        let NodeKind::Transfer(t) = &n.kind else { continue };
        for (reasons, plan) in t.plans() {
            if plan.target().is_none() {
                continue;
            }
            for r in reasons {
                match r {
                    R::Unstaffed | R::Closed => add(Line::Unavailable),
                    R::Full => {
                        if let Some(max) = t.settings.max_waiting {
                            add(Line::Busy(max as usize));
                        }
                    }
                    R::WaitedTooLong => add(Line::Busy(0)),
                }
            }
        }
        if t.hold.exit.is_some() {
            add(Line::Busy(0));
        }
    }
    out
}

/// For each route test on a variable the call brings (`variables:`) that no node of the
/// menu writes, a value that makes it hold: the value of `equals`, the first of `in`, a
/// number on the holding side of a comparison, the middle of `between`. Distinct, in menu
/// order.
fn preset_values(menu: &Menu) -> Vec<(String, String)> {
    use crate::menu::{CompareOp, Test};
    let written: BTreeSet<&str> = menu
        .nodes
        .iter()
        .flat_map(|n| {
            let mut w: Vec<&str> = n.set.iter().map(|s| s.var.as_str()).collect();
            match &n.kind {
                NodeKind::Menu(m) => {
                    for o in &m.options {
                        w.extend(o.store.as_deref());
                        w.extend(o.set.iter().map(|s| s.var.as_str()));
                    }
                }
                NodeKind::Collect(c) => w.push(&c.store),
                NodeKind::Record(r) => w.push(&r.store),
                _ => {}
            }
            w
        })
        .collect();
    let mut out: Vec<(String, String)> = Vec::new();
    for n in &menu.nodes {
        let NodeKind::Route(r) = &n.kind else { continue };
        for route in &r.routes {
            for test in &route.when {
                let (var, value) = match test {
                    Test::Equals { var, value } => (var, value.clone()),
                    Test::OneOf { var, values } => match values.first() {
                        Some(v) => (var, v.clone()),
                        None => continue,
                    },
                    Test::Compare { var, op, value } => {
                        let v = match op {
                            CompareOp::Less => value - 1.0,
                            CompareOp::AtMost | CompareOp::AtLeast => *value,
                            CompareOp::Greater => value + 1.0,
                        };
                        (var, format!("{v}"))
                    }
                    Test::Between { var, low, high } => (var, format!("{}", (low + high) / 2.0)),
                    _ => continue,
                };
                if menu.variables.contains(var) && !written.contains(var.as_str()) {
                    let pair = (var.clone(), value);
                    if !out.contains(&pair) {
                        out.push(pair);
                    }
                }
            }
        }
    }
    out
}

/// A valid entry for a collect: the keys to press (one action), or `None`.
fn valid_entry(c: &CollectNode) -> Option<Vec<Act>> {
    valid_entries(c).into_iter().next()
}

/// Valid entries for a collect, each the keys to press (then a silence where the entry ends
/// at the inter-digit timeout), distinct, at most [`MAX_ENTRIES`]: values of the lengths it
/// takes that its pattern accepts (all zeros, all ones, `200…`, all nines, `2026…`), so that
/// routes on the value (`less_than`, `between` …) can take each of their branches.
fn valid_entries(c: &CollectNode) -> Vec<Vec<Act>> {
    let min = c.min.max(1) as usize;
    let max = (c.max as usize).max(min);
    let mut out: Vec<Vec<Act>> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    for len in min..=max.min(min + 4) {
        let mut candidates = vec![
            "0".repeat(len),
            "1".repeat(len),
            format!("20{}", "0".repeat(len.saturating_sub(2))),
            "9".repeat(len),
        ];
        let base = "20261234";
        candidates.push(base.chars().cycle().take(len).collect());
        for v in candidates {
            if v.len() != len || values.contains(&v) || !c.pattern.as_ref().is_none_or(|p| p.is_match(&v)) {
                continue;
            }
            values.push(v.clone());
            out.push(if len >= c.max as usize {
                vec![Act::Press(v, None)]
            } else {
                match &c.terminator {
                    Some(t) => vec![Act::Press(format!("{v}{}", t.as_str()), None)],
                    None => vec![Act::Press(v, None), Act::Silence],
                }
            });
            if out.len() == MAX_ENTRIES {
                return out;
            }
        }
    }
    out
}

/// Most valid entries tried at a collect ([`valid_entries`]).
const MAX_ENTRIES: usize = 5;

/// Pressing `key` to take an option at menu `id`: the key, then (at a menu that waits for a
/// longer entry after it: `full_length`, or a longer key starting with it) a silence while the
/// inter-digit timeout runs out, so that the option acts (rule 3, `rules::match_entry`).
fn choose(menu: &Menu, id: NodeId, key: &str) -> Vec<Act> {
    use crate::rules::KeyMatch;
    let mut acts = vec![Act::Press(key.to_owned(), None)];
    if matches!(crate::rules::match_entry(menu, id, key), KeyMatch::ExactButLonger(_)) {
        acts.push(Act::Silence);
    }
    acts
}

/// A way on from node `id` for a caller who must leave it: its first option, its valid
/// entry or a report (when silence would keep the call there for ever).
fn way_on(menu: &Menu, id: NodeId) -> Option<Vec<Act>> {
    match &menu.node(id).kind {
        NodeKind::Menu(m) => m.options.first().map(|o| choose(menu, id, o.key.as_str())),
        NodeKind::Collect(c) => valid_entry(c),
        NodeKind::Record(_) => Some(vec![Act::Say("this is my report".into()), Act::Silence]),
        _ => None,
    }
}

/// Keys that are no valid choice at a node: one failed attempt.
fn invalid_entry(menu: &Menu, id: NodeId) -> Option<Vec<Act>> {
    match &menu.node(id).kind {
        NodeKind::Menu(_) => {
            // A first key that no key acting here (option, pattern or global key) can start:
            // a no-match at once; at a `full_length` menu, one that is a no-match when the
            // inter-digit timeout ends it (rule 3, `rules::match_entry`).
            use crate::rules::KeyMatch;
            let keys = "1234567890*#".chars().map(|d| d.to_string());
            let now = keys
                .clone()
                .find(|d| crate::rules::match_entry(menu, id, d) == KeyMatch::None)
                .map(|d| vec![Act::Press(d, None)]);
            now.or_else(|| {
                crate::rules::full_length(menu, id)?;
                keys.clone()
                    .find(|d| crate::rules::match_entry(menu, id, d) == KeyMatch::Partial)
                    .map(|d| vec![Act::Press(d, None), Act::Silence])
            })
        }
        NodeKind::Collect(c) => {
            if c.min > 1 {
                return Some(match &c.terminator {
                    Some(t) => vec![Act::Press(format!("1{}", t.as_str()), None)],
                    None => vec![Act::Press("1".into(), None), Act::Silence],
                });
            }
            // A value of the right length that the pattern refuses; without a pattern, words
            // (a collect takes only keys: words are a no-match, docs/call-semantics.md).
            let Some(p) = c.pattern.as_ref() else {
                return Some(vec![Act::Say("help".into())]);
            };
            let len = (c.min.max(1)) as usize;
            let v = (0..10u8)
                .map(|d| char::from(b'0' + d).to_string().repeat(len))
                .find(|v| !p.is_match(v))?;
            Some(if len >= c.max as usize {
                vec![Act::Press(v, None)]
            } else {
                match &c.terminator {
                    Some(t) => vec![Act::Press(format!("{v}{}", t.as_str()), None)],
                    None => vec![Act::Press(v, None), Act::Silence],
                }
            })
        }
        _ => None,
    }
}

/// A generated scenario.
#[derive(Clone, Debug)]
pub struct Generated {
    /// Its name.
    pub name: String,
    config_index: usize,
    /// Its actions.
    pub acts: Vec<Act>,
    /// How many actions lead to and make the targeted action.
    pub mark: usize,
    /// The node reached by the targeted action (once the prompts after it have played).
    pub node_after: Option<String>,
    /// Whether the call reaches `node_after` only once the prompts after the action have
    /// played (a message before it): its expectation then says `listen: true`.
    pub listen_after: bool,
    /// The final `expect:` (YAML flow mapping).
    pub expect: String,
    /// The targets it covers.
    pub covers: BTreeSet<(String, String)>,
}

/// The result of [`generate`].
#[derive(Debug)]
pub struct Suite {
    /// The YAML text.
    pub yaml: String,
    /// Every target enumerated: `(node, edge)`, the edge as a token (`option:0`, `route:1`,
    /// `default`, `no_input_reprompt` …; see [`crate::scenario::coverage::via_token`]).
    pub targets: BTreeSet<(String, String)>,
    /// Targets no scenario reaches (notes for the user).
    pub missed: Vec<String>,
    /// The scenarios.
    pub scenarios: Vec<Generated>,
}

/// Generates the suite for `menu`; `menu_path` is written as `menu:`.
pub fn generate(menu: &Menu, clips: &ClipLibrary, menu_path: &str) -> Suite {
    let langs: Vec<Option<String>> = if menu.languages.len() > 1 {
        menu.languages.iter().cloned().map(Some).collect()
    } else {
        vec![None]
    };
    let mut configs = Vec::new();
    // Besides the three clocks, a moment for each combination of open schedules they miss
    // (a holiday, special hours): `graph::hours::more_moments`.
    let mut moments = clocks().to_vec();
    moments.extend(crate::graph::hours::more_moments(
        menu,
        &crate::graph::MenuGraph::build(menu),
        &clocks(),
    ));
    for at in moments {
        for l in &langs {
            configs.push(Config {
                at,
                language: l.clone(),
                variables: BTreeMap::new(),
                line: None,
            });
        }
    }
    // External steps that come back: one more start per variable they read their result
    // from, with `error` preset, to take their error branches.
    let stores: BTreeSet<&str> = menu
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::External(e) if e.on.is_some() => Some(e.store.as_str()),
            _ => None,
        })
        .collect();
    for store in stores {
        configs.push(Config {
            at: clocks()[0],
            language: None,
            variables: BTreeMap::from([(store.to_owned(), "error".to_owned())]),
            line: None,
        });
    }
    // Routes on variables the call brings (`variables:`, e.g. what an imported flow's Lambda
    // returns): one more start per value a route tests, so that each branch is taken.
    for (var, value) in preset_values(menu) {
        configs.push(Config {
            at: clocks()[0],
            language: None,
            variables: BTreeMap::from([(var, value)]),
            line: None,
        });
    }
    // Operator lines, at every moment (a queue closed at some of them runs its closed plan).
    let plain = configs.len();
    for line in lines(menu) {
        for i in 0..plain {
            if configs[i].variables.is_empty() {
                configs.push(Config {
                    line: Some(line),
                    ..configs[i].clone()
                });
            }
        }
    }
    // Every node a call can reach is a target, as for coverage (`scenario::coverage`).
    let graph = crate::graph::MenuGraph::build(menu);
    let reachable = crate::graph::reach::reachable_from_entry(&graph);
    let mut targets: BTreeSet<(String, String)> = menu
        .node_ids()
        .filter(|id| reachable[id.index()])
        .map(|id| entered(&menu.node(id).id))
        .collect();
    let mut notes = Vec::new();
    let mut candidates: Vec<Generated> = Vec::new();
    let mut seen_nodes: BTreeSet<String> = BTreeSet::new();
    for (ci, cfg) in configs.iter().enumerate() {
        // BFS over the nodes where the call waits for the caller.
        let mut paths: Vec<(NodeId, Vec<Act>)> = Vec::new();
        let mut found: BTreeSet<(u32, String)> = BTreeSet::new();
        let mut queue: VecDeque<Vec<Act>> = VecDeque::from([Vec::new()]);
        while let Some(prefix) = queue.pop_front() {
            let mut sim = cfg.sim(menu, clips);
            for a in &prefix {
                sim.act(a);
            }
            sim.listen();
            targets.extend(sim.routes.iter().cloned());
            if sim.call.is_ended() {
                if prefix.is_empty() {
                    // The call ends without waiting for the caller (a route at the entry
                    // straight to a transfer or hang-up, e.g. on a holiday): the start alone
                    // is the scenario.
                    let expect = sim.final_expect();
                    candidates.push(Generated {
                        name: format!("the call at {}", cfg.at.strftime("%a %Y-%m-%d %H:%M")),
                        mark: 0,
                        config_index: ci,
                        acts: Vec::new(),
                        node_after: None,
                        listen_after: false,
                        expect,
                        covers: std::mem::take(&mut sim.edges),
                    });
                }
                continue;
            }
            let Some(id) = sim.call.current() else { continue };
            if !found.insert((id.0, sim.call.language().to_owned())) {
                continue;
            }
            paths.push((id, prefix.clone()));
            match &menu.node(id).kind {
                NodeKind::Menu(m) => {
                    for o in &m.options {
                        let mut p = prefix.clone();
                        p.extend(choose(menu, id, o.key.as_str()));
                        queue.push_back(p);
                    }
                }
                // Waiting in a queue with an exit key: the caller leaves the queue.
                NodeKind::Transfer(t) => {
                    if let Some(exit) = &t.hold.exit
                        && sim.call.is_waiting()
                    {
                        let mut p = prefix.clone();
                        p.push(Act::Press(exit.key.to_string(), None));
                        queue.push_back(p);
                    }
                }
                // A report, then the final silence; or nothing said ("Recording a message").
                NodeKind::Record(r) => {
                    let mut p = prefix.clone();
                    p.extend([Act::Say("this is my report".into()), Act::Silence]);
                    queue.push_back(p);
                    if r.no_speech.is_some() {
                        let mut p = prefix.clone();
                        p.push(Act::Silence);
                        queue.push_back(p);
                    }
                }
                NodeKind::Collect(c) => match valid_entries(c) {
                    entries if !entries.is_empty() => {
                        for v in entries {
                            let mut p = prefix.clone();
                            p.extend(v);
                            queue.push_back(p);
                        }
                    }
                    _ => notes.push(format!(
                        "`{}`: no valid entry found for its digits and pattern; the nodes after it are not covered",
                        menu.node(id).id
                    )),
                },
                _ => {}
            }
        }
        // Candidates, deepest nodes first (their paths cover the edges before them).
        for (id, prefix) in paths.iter().rev() {
            let node = menu.node(*id);
            let first = seen_nodes.insert(node.id.clone());
            let mut cand: Vec<(String, Vec<Act>)> = Vec::new();
            let listen = node.kind.listen();
            if let NodeKind::Menu(m) = &node.kind {
                for (i, o) in m.options.iter().enumerate() {
                    if !crate::rules::option_takes(menu, *id, i) {
                        continue; // a pattern no entry reaches (W018): nothing to cover
                    }
                    // A keyword that also says another option's (W015) never takes this
                    // option: the first that does alone is said, if any.
                    let word = o.say.iter().find(|k| crate::rules::takes_alone(&m.options, i, k));
                    if first {
                        targets.insert(edge(&node.id, &Via::Option(i)));
                        if word.is_some() {
                            targets.insert(edge(&node.id, &Via::Keyword(i)));
                        }
                    }
                    cand.push((
                        format!("{}: key {}", node.id, o.key.as_str()),
                        choose(menu, *id, o.key.as_str()),
                    ));
                    if let Some(w) = word {
                        cand.push((format!("{}: say \"{w}\"", node.id), vec![Act::Say(w.to_string())]));
                    }
                }
            }
            if let NodeKind::Record(r) = &node.kind {
                if first {
                    targets.insert(edge(&node.id, &Via::Next));
                    if r.no_speech.is_some() {
                        targets.insert(edge(&node.id, &Via::NoInputFallback));
                    }
                }
                cand.push((
                    format!("{}: a report, then silence", node.id),
                    vec![Act::Say("this is my report".into()), Act::Silence],
                ));
                if r.no_speech.is_some() {
                    cand.push((format!("{}: nothing said", node.id), vec![Act::Silence]));
                }
            }
            if let NodeKind::Collect(c) = &node.kind {
                if first {
                    targets.insert(edge(&node.id, &Via::Next));
                }
                for (i, v) in valid_entries(c).into_iter().enumerate() {
                    let name = match i {
                        0 => format!("{}: a valid entry", node.id),
                        _ => format!("{}: valid entry {}", node.id, i + 1),
                    };
                    cand.push((name, v));
                }
            }
            if let Some(l) = listen {
                if first {
                    for e in crate::rules::failures::coverage_edges(l) {
                        targets.insert(match e {
                            FailureEdge::NoInputReprompt => reprompt(&node.id, true),
                            FailureEdge::NoMatchReprompt => reprompt(&node.id, false),
                            FailureEdge::NoInputFallback => edge(&node.id, &Via::NoInputFallback),
                            FailureEdge::NoMatchFallback => edge(&node.id, &Via::NoMatchFallback),
                        });
                    }
                }
                // With `max_no_input: unlimited` silence never reaches a fallback: a silent
                // scenario would run to the call's 4-hour limit.
                if l.max_no_input.limit().is_some() {
                    cand.push((format!("{}: silence until the fallback", node.id), Vec::new()));
                } else {
                    // Its re-prompt: one silence, then a way on.
                    cand.push((format!("{}: a silence", node.id), vec![Act::Silence]));
                }
                match invalid_entry(menu, *id) {
                    Some(bad) => {
                        let mut acts = Vec::new();
                        for _ in 0..l.max_no_match.limit().unwrap_or(1).max(1) {
                            acts.extend(bad.iter().cloned());
                        }
                        cand.push((format!("{}: wrong keys until the fallback", node.id), acts));
                    }
                    None if first => notes.push(format!(
                        "`{}`: every key is in use; its no-match edges are not covered",
                        node.id
                    )),
                    None => {}
                }
            }
            // The global keys acting here (the operator key, main menu, back …): a node only
            // they lead to is covered by pressing them.
            if listen.is_some() {
                for (action, key) in crate::rules::keys::active_global_keys(menu, *id) {
                    cand.push((
                        format!("{}: the {} key", node.id, action.name()),
                        choose(menu, *id, key.key.as_str()),
                    ));
                }
            }
            if let NodeKind::Transfer(t) = &node.kind
                && let Some(exit) = &t.hold.exit
            {
                cand.push((
                    format!("{}: leaves the queue with {}", node.id, exit.key),
                    vec![Act::Press(exit.key.to_string(), None)],
                ));
            }
            for (name, tail) in cand {
                // The actions, then silence to the end; where silence alone never ends the
                // call (`unlimited` retries), a way on from where the actions left it first.
                // `silences`: how many before the way on (`None`: no way on).
                let run = |silences: Option<usize>| {
                    let mut sim = cfg.sim(menu, clips);
                    let mut acts = prefix.clone();
                    acts.extend(tail.iter().cloned());
                    for a in &acts {
                        sim.act(a);
                    }
                    let before = sim.node();
                    sim.listen();
                    let node_after = (!acts.is_empty()).then(|| sim.node()).flatten();
                    let listen_after = before != node_after;
                    let mark = acts.len();
                    if let Some(n) = silences {
                        for _ in 0..n {
                            sim.act(&Act::Silence);
                            acts.push(Act::Silence);
                        }
                        sim.listen();
                        let here = sim.call.current()?;
                        for a in way_on(menu, here)? {
                            sim.act(&a);
                            acts.push(a);
                        }
                    }
                    sim.silence_to_end(&mut acts)
                        .then_some((sim, acts, mark, node_after, listen_after))
                };
                // A fallback that leads back (W016) takes the node's no-input limit of
                // silences to reach; then the way on.
                let to_fallback = listen.and_then(|l| l.max_no_input.limit()).map_or(0, |n| n as usize);
                let Some((mut sim, acts, mark, node_after, listen_after)) = run(None)
                    .or_else(|| (to_fallback > 0).then(|| run(Some(to_fallback))).flatten())
                    .or_else(|| run(Some(0)))
                else {
                    continue;
                };
                let expect = sim.final_expect();
                let mut words = cfg.words();
                if ci != 0 && cfg.variables.is_empty() && cfg.at != configs[0].at {
                    words.insert(0, cfg.at.strftime("%a %H:%M").to_string());
                }
                if ci != 0 && words.is_empty() {
                    // Another language at the first moment: named by it, as before.
                    words.push(cfg.at.strftime("%a %H:%M").to_string());
                }
                let name = if words.is_empty() {
                    name
                } else {
                    format!("{name} ({})", words.join(", "))
                };
                candidates.push(Generated {
                    name,
                    mark,
                    config_index: ci,
                    acts,
                    node_after,
                    listen_after,
                    expect,
                    covers: std::mem::take(&mut sim.edges),
                });
            }
        }
    }
    // Greedy: keep a candidate when it covers a target not yet covered.
    let mut covered: BTreeSet<(String, String)> = BTreeSet::new();
    let mut chosen = Vec::new();
    for c in candidates {
        if c.covers.iter().any(|t| targets.contains(t) && !covered.contains(t)) {
            covered.extend(c.covers.iter().cloned());
            chosen.push(c);
        }
    }
    let mut missed: Vec<String> = targets
        .iter()
        .filter(|t| !covered.contains(*t))
        .map(|(n, e)| {
            format!(
                "`{n}` {} is not reached by any generated scenario",
                target_words(menu, n, e)
            )
        })
        .collect();
    missed.splice(0..0, notes);
    // The YAML.
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Generated by `ivrsim scenarios generate`: {} scenarios covering {} of {} edges and re-prompts.",
        chosen.len(),
        targets.iter().filter(|t| covered.contains(*t)).count(),
        targets.len()
    );
    let _ = writeln!(y, "menu: {}\nscenarios:", q(menu_path));
    let mut names: BTreeMap<String, u32> = BTreeMap::new();
    for c in &mut chosen {
        let n = names.entry(c.name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            c.name = format!("{} ({n})", c.name);
        }
        let cfg = &configs[c.config_index];
        let _ = writeln!(y, "  - name: {}", q(&c.name));
        let lang = cfg
            .language
            .as_ref()
            .map_or(String::new(), |l| format!(", language: {}", q(l)));
        let vars = if cfg.variables.is_empty() {
            String::new()
        } else {
            let pairs: Vec<String> = cfg.variables.iter().map(|(k, v)| format!("{k}: {}", q(v))).collect();
            format!(", vars: {{ {} }}", pairs.join(", "))
        };
        let _ = writeln!(
            y,
            "    start: {{ at: {}{lang}{vars}{} }}",
            cfg.at.strftime("%Y-%m-%dT%H:%M"),
            cfg.line_yaml()
        );
        let _ = writeln!(y, "    steps:");
        for (i, a) in c.acts.iter().enumerate() {
            step_yaml(&mut y, a);
            if i + 1 == c.mark
                && let Some(n) = &c.node_after
            {
                let listen = if c.listen_after { "listen: true, " } else { "" };
                let _ = writeln!(y, "      - expect: {{ {listen}at_node: {} }}", q(n));
            }
        }
        let _ = writeln!(y, "      - expect: {}", c.expect);
    }
    Suite {
        yaml: y,
        targets,
        missed,
        scenarios: chosen,
    }
}

/// `to` relative to the folder `from_dir` (both made absolute first); `None` when impossible.
pub fn relative_path(to: &Path, from_dir: &Path) -> Option<PathBuf> {
    let abs = |p: &Path| -> Option<PathBuf> {
        let p = if p.as_os_str().is_empty() { Path::new(".") } else { p };
        std::fs::canonicalize(p).ok()
    };
    let to = abs(to)?;
    let from = abs(from_dir)?;
    let a: Vec<Component> = to.components().collect();
    let b: Vec<Component> = from.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common <= 1 {
        return None; // only the root in common: absolute is clearer
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &a[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

/// Where the scenario format's JSON Schema lives in a checkout of ivrsim.
const SCENARIO_SCHEMA: &str = "docs/schema/scenario.schema.json";

/// The first line of a scenario file written into `out_dir` for `menu`: the
/// `yaml-language-server` schema line that the bundled files carry (docs/scenario-format.md),
/// naming `docs/schema/scenario.schema.json` of the nearest checkout above `out_dir` (else
/// above the menu), relative to `out_dir` (absolute when only the root is shared), with a
/// newline; empty when no checkout holds the schema (`ivrsim schema scenario` prints it).
pub fn schema_line(out_dir: &Path, menu: &Path) -> String {
    let canonical = |p: &Path| {
        let p = if p.as_os_str().is_empty() { Path::new(".") } else { p };
        std::fs::canonicalize(p).ok()
    };
    let menu_dir = menu.parent().unwrap_or(Path::new("."));
    let found = [out_dir, menu_dir]
        .into_iter()
        .filter_map(canonical)
        .find_map(|d| d.ancestors().map(|a| a.join(SCENARIO_SCHEMA)).find(|s| s.is_file()));
    let Some(schema) = found else {
        return String::new();
    };
    let reference = relative_path(&schema, out_dir).unwrap_or(schema);
    format!(
        "# yaml-language-server: $schema={}\n",
        reference.to_string_lossy().replace('\\', "/")
    )
}

/// The path to write as `menu:` for a file in `out_dir`: relative, else absolute, else as given.
pub fn menu_ref(menu: &Path, out_dir: &Path) -> String {
    relative_path(menu, out_dir)
        .or_else(|| std::fs::canonicalize(menu).ok())
        .unwrap_or_else(|| menu.to_owned())
        .to_string_lossy()
        .replace('\\', "/")
}
