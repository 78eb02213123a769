//! The graph and the engine agree (issue 12, "One home for each rule"): for every edge of the
//! `MenuGraph` of every bundled menu, every fixture menu that loads without errors and a set
//! of synthetic menus, a call driven with the engine's own API (virtual time) from the edge's
//! source node takes that edge to its target; and, conversely, every move the engine makes in
//! those walks and in seeded random walks of keys, words and silences is an edge of the graph.
//!
//! Route edges are taken by arriving at the route under each start tried (three clocks, each
//! language, preset variables from the routes' own tests); the edges no walk can drive are
//! listed in [`UNDRIVABLE`] with the reason, and the test fails if any other is missed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ivrsim::engine::{Call, CallClock, CallStart, Effect, QueueEvent, Via};
use ivrsim::graph::ways::{Goal, Timings, Ways};
use ivrsim::graph::{EdgeKind, MenuGraph};
use ivrsim::menu::{GlobalAction, Menu, NoOperatorReason, NodeId, NodeKind, Test};
use ivrsim::source::Sources;
use ivrsim::timing::PromptTimings;
use petgraph::visit::EdgeRef;

use crate::support;

/// Words no menu uses as a keyword: a no-match wherever words are heard.
const NONSENSE: &str = "xylophone quagmire";

/// Edges that no walk can drive, by (menu name, source node, edge description, `""` for every
/// edge of the node), with why. Any other edge not driven fails the test.
const UNDRIVABLE: &[(&str, &str, &str, &str)] = &[
    ("tests/fixtures/graph/small.yaml", "old_menu", "", UNREACHABLE),
    (
        "tests/fixtures/check/W001-unreachable.yaml",
        "old_billing_menu",
        "",
        UNREACHABLE,
    ),
];

/// Why the edges of a node the entry cannot reach cannot be driven.
const UNREACHABLE: &str = "no call reaches the node from the entry (W001): no call can stand there";

/// One caller action, in virtual time.
#[derive(Clone, Debug)]
enum Act {
    /// Listen to the prompts to the end (the caller's turn), then press the keys at once;
    /// an entry left waiting gets its inter-digit timeout.
    Press(String),
    /// Press the keys now, during the prompt (a message's global key); as `Press` after.
    PressNow(String),
    /// Listen to the end, then say the words.
    Say(String),
    /// Listen to the end, then stay silent until the next time-out.
    Silence,
    /// Let the next timer fire (a message's prompt ends).
    Tick,
    /// Listen to the end (the transfer's prompt, the handoff), then no call-taker can take the call.
    Unavailable,
    /// Listen to the end (the handoff: a closed queue's plan runs then).
    Listen,
    /// Listen to the end, then join the queue behind this many callers (a full queue).
    Full(usize),
    /// Listen to the end, join the queue first in line, and wait until the call moves on
    /// (the queue's `max_wait`).
    WaitTooLong,
    /// Listen to the end, join the queue first in line, and press the hold exit key.
    Exit(char),
}

/// A call and every move it made.
struct Walk<'m> {
    call: Call<'m>,
    moves: Vec<(String, Via, String)>,
    /// When the call was handed to an operator (time in the IVR), once it was.
    handoff: Option<std::time::Duration>,
}

impl<'m> Walk<'m> {
    fn new(menu: &'m Menu, clips: &'m PromptTimings, start: CallStart) -> Self {
        let mut w = Walk {
            call: Call::new(menu, clips, start),
            moves: Vec::new(),
            handoff: None,
        };
        w.absorb();
        w
    }

    fn absorb(&mut self) {
        while let Some(e) = self.call.poll_effect() {
            if let Effect::Handoff(h) = &e {
                self.handoff = Some(h.time_in_ivr);
            }
            if let Effect::Moved {
                from: Some(from),
                via,
                to,
                ..
            } = e
            {
                let menu = self.call.menu();
                self.moves
                    .push((menu.node(from).id.clone(), via, menu.node(to).id.clone()));
            }
        }
    }

    fn settle(&mut self) {
        // An entry that could still grow: its inter-digit timeout.
        if !self.call.is_ended()
            && !self.call.digits().is_empty()
            && let Some(t) = self.call.poll_node_timeout()
        {
            self.call.handle_timeout(t);
        }
    }

    fn act(&mut self, act: &Act) {
        if self.call.is_ended() {
            return;
        }
        match act {
            Act::Press(keys) => {
                self.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
                let t = self.call.now();
                self.call.handle_keys(t, keys);
                self.settle();
            }
            Act::PressNow(keys) => {
                let t = self.call.now();
                self.call.handle_keys(t, keys);
                self.settle();
            }
            Act::Say(words) => {
                self.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
                let t = self.call.now();
                self.call.handle_speech(t, words);
            }
            Act::Silence => {
                self.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
                if let Some(t) = self.call.poll_node_timeout() {
                    self.call.handle_timeout(t);
                }
            }
            Act::Tick => {
                if let Some(t) = self.call.poll_node_timeout() {
                    self.call.handle_timeout(t);
                }
            }
            Act::Unavailable => {
                self.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
                let t = self.call.now();
                self.call.handle_queue(
                    t,
                    QueueEvent::Unavailable {
                        why: "no call-taker console is reachable".into(),
                        reason: NoOperatorReason::Unstaffed,
                    },
                );
            }
            Act::Listen => {
                self.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
            }
            Act::Full(ahead) => {
                self.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
                let t = self.call.now();
                self.call.join_queue(t, *ahead, true);
            }
            Act::WaitTooLong => {
                self.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
                let t = self.call.now();
                self.call.join_queue(t, 0, true);
                let at = self.call.current();
                for _ in 0..100_000 {
                    if self.call.is_ended() || self.call.current() != at {
                        break;
                    }
                    match self.call.poll_node_timeout() {
                        Some(t) => self.call.handle_timeout(t),
                        None => break,
                    }
                }
            }
            Act::Exit(key) => {
                self.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
                let t = self.call.now();
                self.call.join_queue(t, 0, true);
                self.call.handle_keys(t, &key.to_string());
            }
        }
        self.absorb();
    }
}

/// Whether a move by `via` from `from` to `to` is the graph edge `kind` from `from` to `to`.
fn is_edge(menu: &Menu, from: NodeId, via: &Via, kind: &EdgeKind) -> bool {
    match (via, kind) {
        (Via::Option(i), EdgeKind::Option { index, .. }) => i == index,
        (Via::Keyword(i), EdgeKind::Keyword { word }) => match &menu.node(from).kind {
            NodeKind::Menu(m) => m.options[*i].say.iter().any(|k| k.as_str() == word),
            _ => false,
        },
        (Via::Next, EdgeKind::Next)
        | (Via::RouteDefault, EdgeKind::RouteDefault)
        | (Via::NoInputFallback, EdgeKind::NoInput)
        | (Via::NoMatchFallback, EdgeKind::NoMatch)
        | (Via::NoOperator, EdgeKind::NoOperator)
        | (Via::HoldExit, EdgeKind::HoldExit { .. }) => true,
        (Via::Route(i), EdgeKind::Route { index }) => i == index,
        (Via::Global(a), EdgeKind::GlobalKey { action, .. }) => a == action,
        (Via::External(r), EdgeKind::External { result }) => r == result,
        _ => false,
    }
}

/// The edges of the graph as (source, kind, target).
fn edges(graph: &MenuGraph) -> Vec<(NodeId, EdgeKind, NodeId)> {
    graph
        .graph
        .edge_references()
        .map(|e| (graph.graph[e.source()], e.weight().clone(), graph.graph[e.target()]))
        .collect()
}

/// A valid entry at a collect: the keys to press, or `None`.
fn valid_entry(c: &ivrsim::menu::CollectNode) -> Option<String> {
    let (min, max) = (c.min.max(1) as usize, c.max as usize);
    for len in min..=max.min(min + 8) {
        for d in ["1", "0", "9", "2", "5", "20261234"] {
            let v: String = d.chars().cycle().take(len).collect();
            if c.pattern.as_ref().is_some_and(|p| !p.is_match(&v)) {
                continue;
            }
            return Some(match &c.terminator {
                // At `max` too: a terminator in the same burst only confirms the entry (rule 4).
                Some(t) => format!("{v}{t}"),
                _ => v,
            });
        }
    }
    None
}

/// Whether transfer `tr`'s queue is closed at the start of a call from `start` (its `hours`).
fn closed(menu: &Menu, tr: &ivrsim::menu::TransferNode, start: &CallStart) -> bool {
    tr.settings.hours.as_ref().is_some_and(|h| {
        let (day, minute) = start.clock.weekday_minute(std::time::Duration::ZERO);
        !menu.schedules.get(h).is_some_and(|s| s.is_open(day, minute))
    })
}

/// The actions that take edge `kind` from `node` to `target`, the call having just arrived
/// there from `start`; `None` for a route's edges (taken on arrival), back edges (which need
/// the way there) and a queue's edges that the clock rules out (a closed queue, or an open one).
fn driver(menu: &Menu, node: NodeId, kind: &EdgeKind, target: NodeId, start: &CallStart) -> Option<Vec<Act>> {
    let n = menu.node(node);
    let listen = n.kind.listen();
    let message = matches!(n.kind, NodeKind::Message(_));
    Some(match kind {
        EdgeKind::Option { key, .. } => vec![Act::Press(key.to_string())],
        EdgeKind::Keyword { word } => vec![Act::Say(word.clone())],
        EdgeKind::GlobalKey { key, .. } if message => vec![Act::PressNow(key.to_string())],
        EdgeKind::GlobalKey { key, .. } => vec![Act::Press(key.to_string())],
        EdgeKind::Next if message || matches!(n.kind, NodeKind::Callback(_)) => vec![Act::Tick],
        EdgeKind::NoInput if matches!(n.kind, NodeKind::Record(_)) => vec![Act::Silence],
        EdgeKind::Next => match &n.kind {
            NodeKind::Collect(c) => vec![Act::Press(valid_entry(c)?)],
            // The terminator (any key without one) right after the beep ends the recording, as
            // the graph costs it ("Recording a message"); speech and silence are the random
            // walks' and the engine tests'.
            NodeKind::Record(r) => vec![Act::Press(
                r.terminator.as_ref().map_or_else(|| "1".to_owned(), |k| k.to_string()),
            )],
            _ => return None,
        },
        EdgeKind::NoInput => vec![Act::Silence; listen?.max_no_input.limit()? as usize],
        EdgeKind::NoMatch => vec![Act::Say(NONSENSE.into()); listen?.max_no_match.limit()? as usize],
        EdgeKind::NoOperator => {
            let NodeKind::Transfer(tr) = &n.kind else { return None };
            let closed = closed(menu, tr, start);
            let reasons: Vec<NoOperatorReason> = tr
                .plans()
                .into_iter()
                .filter(|(_, p)| p.target().and_then(|t| t.node()) == Some(target))
                .flat_map(|(rs, _)| rs)
                .collect();
            let reason = reasons
                .into_iter()
                .find(|r| (*r == NoOperatorReason::Closed) == closed)?;
            vec![match reason {
                NoOperatorReason::Unstaffed => Act::Unavailable,
                NoOperatorReason::Full => Act::Full(tr.settings.max_waiting? as usize),
                NoOperatorReason::Closed => Act::Listen,
                NoOperatorReason::WaitedTooLong => Act::WaitTooLong,
            }]
        }
        EdgeKind::HoldExit { key } => match &n.kind {
            NodeKind::Transfer(tr) if !closed(menu, tr, start) => vec![Act::Exit(*key)],
            _ => return None,
        },
        // Taken at the end of the step's prompt, when the start's variables give its result
        // (`starts`; "External steps").
        EdgeKind::External { result } => match &n.kind {
            NodeKind::External(e) if ivrsim::rules::vars::external_result(&start.variables, &e.store) == *result => {
                vec![Act::Tick]
            }
            _ => return None,
        },
        EdgeKind::Route { .. } | EdgeKind::RouteDefault => return None,
    })
}

/// The starts tried: three clocks (weekday morning and night, Sunday), each language, and
/// each variable a route tests set to each value it names.
fn starts(menu: &Menu) -> Vec<CallStart> {
    let clocks = [
        jiff::civil::date(2026, 3, 2).at(10, 0, 0, 0),
        jiff::civil::date(2026, 3, 2).at(22, 0, 0, 0),
        jiff::civil::date(2026, 3, 1).at(10, 0, 0, 0),
    ];
    let mut vars: Vec<BTreeMap<String, String>> = vec![BTreeMap::new()];
    for n in &menu.nodes {
        if let NodeKind::Route(r) = &n.kind {
            for route in &r.routes {
                let mut all = BTreeMap::new();
                for test in &route.when {
                    let (var, value) = match test {
                        Test::Equals { var, value } => (var, value.clone()),
                        Test::OneOf { var, values } => (var, values[0].clone()),
                        Test::Matches { var, pattern } => {
                            let Some(v) = ["1", "12", "1234", "a", "yes", "0"]
                                .iter()
                                .find(|v| pattern.is_match(v))
                            else {
                                continue;
                            };
                            (var, (*v).to_owned())
                        }
                        Test::Compare { var, op, value } => {
                            let v = match op {
                                ivrsim::menu::CompareOp::Less => value - 1.0,
                                ivrsim::menu::CompareOp::Greater => value + 1.0,
                                ivrsim::menu::CompareOp::AtMost | ivrsim::menu::CompareOp::AtLeast => *value,
                            };
                            (var, v.to_string())
                        }
                        Test::Between { var, low, .. } => (var, low.to_string()),
                        Test::Hours(_) | Test::Language(_) => continue,
                    };
                    all.insert(var.clone(), value.clone());
                    vars.push(BTreeMap::from([(var.clone(), value)]));
                }
                vars.push(all);
            }
        }
    }
    // And a moment for each combination of open schedules the three clocks miss (holidays,
    // special hours).
    let graph = MenuGraph::build(menu);
    let more = ivrsim::graph::hours::more_moments(menu, &graph, &clocks);
    // An external step that comes back takes `error` when its variable says so ("External steps").
    for n in &menu.nodes {
        if let NodeKind::External(e) = &n.kind
            && e.on.is_some()
        {
            vars.push(BTreeMap::from([(e.store.clone(), "error".to_owned())]));
        }
    }
    let mut out = Vec::new();
    for at in clocks.into_iter().chain(more) {
        for lang in &menu.languages {
            for v in &vars {
                out.push(CallStart {
                    clock: CallClock::new(at),
                    language: Some(lang.clone()),
                    variables: v.clone(),
                    operator_line: true,
                    max_length: None,
                });
            }
        }
    }
    out
}

/// Checks one menu; returns the edges not driven, as text.
fn check_menu(menu: &Menu, name: &str) -> Vec<String> {
    let clips = PromptTimings::text_only();
    let graph = MenuGraph::build(menu);
    let all = edges(&graph);
    let id = |n: NodeId| menu.node(n).id.clone();
    let mut taken: BTreeSet<(NodeId, String, NodeId)> = BTreeSet::new();
    let mut moves: Vec<(String, Via, String, String)> = Vec::new(); // + what made it, for messages
    let mut failures = Vec::new();
    let record = |walk: &Walk, why: &str, moves: &mut Vec<(String, Via, String, String)>| {
        for (f, v, t) in &walk.moves {
            moves.push((f.clone(), *v, t.clone(), why.to_owned()));
        }
    };
    for (si, start) in starts(menu).into_iter().enumerate() {
        // The ways to each node where the call stops, by the menu `back` would return to.
        let mut ways: BTreeMap<(NodeId, Option<NodeId>), Vec<Act>> = BTreeMap::new();
        let mut queue: Vec<Vec<Act>> = vec![Vec::new()];
        while let Some(prefix) = queue.pop() {
            let mut w = Walk::new(menu, &clips, start.clone());
            for a in &prefix {
                w.act(a);
            }
            record(&w, &format!("start {si}, way {prefix:?}"), &mut moves);
            if w.call.is_ended() {
                continue;
            }
            let Some(here) = w.call.current() else { continue };
            let mut history = w.call.history();
            if history.last() == Some(&here) {
                history.pop();
            }
            let key = (here, history.last().copied());
            if ways.contains_key(&key) || prefix.len() > 40 {
                continue;
            }
            ways.insert(key, prefix.clone());
            for (s, kind, target) in all.iter().filter(|(s, ..)| *s == here) {
                if matches!(
                    kind,
                    EdgeKind::GlobalKey {
                        action: GlobalAction::Back,
                        ..
                    }
                ) {
                    continue;
                }
                if let Some(d) = driver(menu, *s, kind, *target, &start) {
                    let mut p = prefix.clone();
                    p.extend(d);
                    queue.insert(0, p);
                }
            }
        }
        // Every edge from a node reached: drive it from there.
        for (s, kind, target) in &all {
            let Some(prefix) = ways.iter().find(|((n, _), _)| n == s).map(|(_, p)| p) else {
                continue;
            };
            let d = match kind {
                EdgeKind::GlobalKey {
                    action: GlobalAction::Back,
                    key,
                } => {
                    // Back to `target`: come to `s` by way of `target` first.
                    let Some(way) = ways.get(&(*s, Some(*target))) else {
                        continue;
                    };
                    let message = matches!(menu.node(*s).kind, NodeKind::Message(_));
                    let press = if message {
                        Act::PressNow(key.to_string())
                    } else {
                        Act::Press(key.to_string())
                    };
                    let mut w = Walk::new(menu, &clips, start.clone());
                    for a in way {
                        w.act(a);
                    }
                    let before = w.moves.len();
                    w.act(&press);
                    record(&w, &format!("start {si}, back after {way:?}"), &mut moves);
                    if let Some((_, v, t)) = w.moves[before..].iter().find(|(f, ..)| *f == id(*s))
                        && *t == id(*target)
                        && matches!(v, Via::Global(GlobalAction::Back))
                    {
                        taken.insert((*s, kind.describe(), *target));
                    }
                    continue;
                }
                _ => match driver(menu, *s, kind, *target, &start) {
                    Some(d) => d,
                    None => continue,
                },
            };
            let mut w = Walk::new(menu, &clips, start.clone());
            for a in prefix {
                w.act(a);
            }
            assert_eq!(
                w.call.current(),
                Some(*s),
                "{name}: the way to `{}` leads there",
                id(*s)
            );
            let before = w.moves.len();
            for a in &d {
                w.act(a);
            }
            record(
                &w,
                &format!("start {si}, edge {} from {}", kind.describe(), id(*s)),
                &mut moves,
            );
            let first = w.moves[before..].iter().find(|(f, ..)| *f == id(*s));
            match first {
                Some((_, v, t)) if *t == id(*target) && is_edge(menu, *s, v, kind) => {
                    taken.insert((*s, kind.describe(), *target));
                }
                other => failures.push(format!(
                    "{name}: edge `{}` --{}--> `{}`: the engine moved {other:?} (driven by {d:?} after {prefix:?})",
                    id(*s),
                    kind.describe(),
                    id(*target)
                )),
            }
        }
    }
    // Seeded random walks: keys (one or a burst, at the turn or during the prompt), words,
    // silences.
    let words: Vec<String> = menu
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::Menu(m) => Some(m.options.iter().flat_map(|o| o.say.iter().map(|k| k.to_string()))),
            _ => None,
        })
        .flatten()
        .chain([NONSENSE.to_owned()])
        .collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let keys = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "00", "**", "12", "1#", "#*",
    ];
    let starts = starts(menu);
    for walk in 0..200 {
        let start = starts[next(starts.len())].clone();
        let mut w = Walk::new(menu, &clips, start);
        let mut acts = Vec::new();
        for _ in 0..12 {
            let act = match next(8) {
                0 | 1 => Act::Press(keys[next(keys.len())].into()),
                2 => Act::PressNow(keys[next(keys.len())].into()),
                3 => Act::Say(words[next(words.len())].clone()),
                4 => Act::Silence,
                5 => Act::Tick,
                6 => Act::Unavailable,
                _ => Act::PressNow(keys[next(12)].into()),
            };
            w.act(&act);
            acts.push(act);
        }
        record(&w, &format!("random walk {walk}: {acts:?}"), &mut moves);
    }
    // Conversely: every move is an edge.
    for (from, via, to, why) in &moves {
        let (Some(f), Some(t)) = (menu.find(from), menu.find(to)) else {
            failures.push(format!(
                "{name}: a move names a node that does not exist: {from} → {to}"
            ));
            continue;
        };
        if !all
            .iter()
            .any(|(s, k, tt)| *s == f && *tt == t && is_edge(menu, f, via, k))
        {
            failures.push(format!(
                "{name}: the engine moved `{from}` --{via:?}--> `{to}`, not an edge of the graph ({why})"
            ));
        }
        // Routes, and a closed queue's plan, are taken on arrival.
        // A callback without a prompt goes on as it is entered, as a route does.
        let instant = matches!(via, Via::Next) && matches!(menu.node(f).kind, NodeKind::Callback(_));
        if (matches!(via, Via::Route(_) | Via::RouteDefault | Via::NoOperator) || instant)
            && let Some((_, k, _)) = all
                .iter()
                .find(|(s, k, tt)| *s == f && *tt == t && is_edge(menu, f, via, k))
        {
            taken.insert((f, k.describe(), t));
        }
    }
    failures.sort();
    failures.dedup();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    all.iter()
        .filter(|(s, k, t)| !taken.contains(&(*s, k.describe(), *t)))
        .map(|(s, k, t)| format!("{name}\t{}\t{}\t→ {}", id(*s), k.describe(), id(*t)))
        .collect()
}

/// Loads a menu file; `None` when it does not load without errors.
fn load(path: &Path) -> Option<Menu> {
    let mut sources = Sources::new();
    let out = ivrsim::menu::load_menu(path, &mut sources).ok()?;
    let errors = out
        .diagnostics
        .iter()
        .any(|d| d.severity() == ivrsim::diag::Severity::Error);
    if errors { None } else { out.menu }
}

fn load_text(yaml: &str) -> Menu {
    let mut sources = Sources::new();
    let out = ivrsim::menu::load_menu_text(Path::new("synthetic.yaml"), yaml, &mut sources);
    assert!(
        !out.diagnostics
            .iter()
            .any(|d| d.severity() == ivrsim::diag::Severity::Error),
        "{yaml}"
    );
    out.menu.expect("menu")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
}

/// Synthetic menus: keys of several digits, global keys of several keys (`00`, `**`), collects
/// with and without terminators, messages with and without barge-in, routes on variables,
/// language and hours, type-ahead, `back` through messages and collects.
const SYNTHETIC: &[&str] = &[
    r##"
name: multi-key globals
entry: welcome
defaults:
  fallback: op
  operator: op
  max_no_input: 2
  max_no_match: 2
  keys: { operator: "00", back: "**", repeat: "9", main_menu: "#*" }
nodes:
  welcome: { kind: message, prompt: { text: "welcome to the line" }, next: main }
  main:
    kind: menu
    prompt: { text: "one or twelve or two" }
    options:
      - { key: "1", to: case, say: [case] }
      - { key: "12", to: info, say: [info, "Information!"] }
      - { key: "2", to: sub }
      - { key: "0", to: op }
  sub:
    kind: menu
    type_ahead: true
    prompt: { text: "sub menu" }
    options:
      - { key: "3", to: quiet }
      - { key: "4", to: r }
  quiet: { kind: message, prompt: { text: "cannot stop me" }, next: sub, barge_in: false }
  info: { kind: message, prompt: { text: "information here" }, next: case2 }
  case:
    kind: collect
    prompt: { text: "your case number" }
    digits: { min: 2, max: 6, terminator: "#" }
    store: case_number
    next: r
  case2:
    kind: collect
    prompt: { text: "four digits" }
    digits: { min: 4, max: 4 }
    pattern: "^[1-9]+$"
    store: other
    next: main
  r:
    kind: route
    routes:
      - { when: { var: case_number, equals: "11" }, to: op }
      - { when: { var: region, in: [north, south] }, to: bye }
    default: main
  op: { kind: transfer, queue: general, when_no_operator: { action: goto, to: sub } }
  bye: { kind: hangup }
"##,
    r##"
name: one-key globals, no fallback
entry: lang
languages: [en, fr]
schedules:
  open: [{ days: mon-fri, from: "08:00", to: "18:00" }]
defaults:
  keys: { operator: "0", back: "*", main_menu: "#" }
  max_no_input: 1
  max_no_match: 3
  main_menu: lang
  operator: op
nodes:
  lang:
    kind: menu
    prompt: { text: "language" }
    options:
      - { key: "1", to: hours, language: en, say: [english] }
      - { key: "2", to: hours, language: fr, say: [français, FRENCH] }
  hours:
    kind: route
    routes:
      - { when: { hours: open }, to: open_menu }
      - { when: { language: fr }, to: closed_fr }
    default: closed
  open_menu:
    kind: menu
    barge_in: false
    prompt: { text: "we are open" }
    options:
      - { key: "1", to: num }
      - { key: "2", to: note }
  note: { kind: message, prompt: { text: "a note" }, next: num, barge_in: true }
  num:
    kind: collect
    prompt: { text: "number" }
    digits: { min: 1, max: 3 }
    store: n
    next: open_menu
  closed: { kind: hangup, prompt: { text: "closed" } }
  closed_fr: { kind: hangup, prompt: { text: "fermé" } }
  op: { kind: transfer, queue: q, when_no_operator: { action: callback, to: num } }
"##,
    // Failure handling: separate fallbacks, each counting policy, unlimited retries, short
    // re-prompts (issue 13).
    r##"
name: failure handling
entry: main
defaults:
  keys: { operator: "0", back: "*", repeat: "#" }
  operator: op
  fallback: op
  max_no_input: 2
  max_no_match: 2
nodes:
  main:
    kind: menu
    counting: freeswitch
    prompt: { text: "main menu long" }
    short_prompt: { text: "main" }
    fallback_no_input: quiet
    fallback_no_match: confused
    options:
      - { key: "1", to: shared }
      - { key: "2", to: kept }
      - { key: "3", to: forever }
  shared:
    kind: menu
    counting: shared
    max_no_match: 3
    prompt: { text: "shared budget" }
    options: [{ key: "1", to: op }]
  kept:
    kind: collect
    counting: call
    prompt: { text: "kept counts" }
    short_prompt: { text: "again" }
    digits: { min: 2, max: 2 }
    store: k
    fallback_no_match: confused
    next: main
  forever:
    kind: menu
    max_no_input: unlimited
    prompt: { text: "for ever" }
    options: [{ key: "1", to: op }]
  quiet: { kind: transfer, queue: silent }
  confused: { kind: transfer, queue: help }
  op: { kind: transfer, queue: q }
"##,
    // Menu format v2 (keys): pattern options (Asterisk and FreeSWITCH forms) beside literal
    // keys, early match and full length, a collect taking `*` and `#` as data.
    r##"
name: patterns and match policies
entry: main
defaults:
  fallback: op
  operator: op
  max_no_input: 2
  max_no_match: 2
  keys: { operator: "0", repeat: "*", back: "#" }
nodes:
  main:
    kind: menu
    prompt: { text: "an extension or one" }
    options:
      - { key: "1", to: fs }
      - { key: "7000", to: op }
      - { pattern: "_7XXX", store: ext, to: code }
      - { pattern: "_9.", store: dialled, to: fs }
  fs:
    kind: menu
    key_match: full_length
    digit_len: 4
    inter_digit_timeout: 2s
    prompt: { text: "full length" }
    options:
      - { key: "1", to: main }
      - { key: "12", to: code }
      - { pattern: "/^(10[01][0-9])$/", store: ext, to: op }
  code:
    kind: collect
    prompt: { text: "your code with stars and hashes" }
    digits: { min: 2, max: 6, keys: "0123456789*#" }
    store: code
    next: bye
  bye: { kind: hangup }
  op: { kind: transfer, queue: q }
"##,
    // Dated exceptions (issue 13): `holiday_desk` is open only on a special date, `office`
    // is closed on a date that is a weekday, so the three fixed clocks never take the first
    // branch nor see `office` closed on a weekday morning; the walk adds those moments.
    r##"
name: holidays and special hours
entry: hours
schedules:
  office:
    weekly: [{ days: mon-sun, from: "00:00", to: "24:00" }]
    closed: ["2026-12-25"]
  holiday_desk:
    weekly: []
    special: [{ date: "2026-12-24", from: "08:00", to: "12:00" }]
defaults: { fallback: op, operator: op, keys: { operator: "0" } }
nodes:
  hours:
    kind: route
    routes:
      - { when: { hours: holiday_desk }, to: holiday_op }
      - { when: { hours: office }, to: main }
    default: closed
  main:
    kind: menu
    prompt: { text: "main" }
    options: [{ key: "1", to: op }]
  holiday_op: { kind: transfer, queue: holiday }
  op: { kind: transfer, queue: q }
  closed: { kind: hangup, prompt: { text: "closed" }, reason: closed }
"##,
    r##"
name: queues with a plan per reason, hours, a wait limit and an exit key
entry: main
schedules:
  open: [{ days: mon-fri, from: "08:00", to: "18:00" }]
defaults:
  fallback: op
  keys: { operator: "0" }
queues:
  q:
    max_waiting: 2
    hours: open
    max_wait: 1m
    when_full: { action: goto, to: full }
    when_closed: { action: goto, to: closed }
    when_waited_too_long: { action: callback, to: num }
  r:
    join_empty: true
    when_unstaffed: { action: goto, to: main }
nodes:
  main:
    kind: menu
    prompt: { text: "main" }
    options:
      - { key: "1", to: op }
      - { key: "2", to: other }
  op:
    kind: transfer
    queue: q
    priority: 2
    hold:
      every: 20s
      expected_wait: { handle_time: 3m }
      periodic: { every: 45s, prompt: { text: "still there" } }
      exit: { key: "1", to: note }
    when_no_operator: { action: goto, to: other }
  other:
    kind: transfer
    queue: r
    priority: low
    hold: { exit: { key: "9", to: main } }
  full: { kind: hangup, prompt: { text: "full" } }
  closed: { kind: hangup, prompt: { text: "closed" } }
  note: { kind: hangup, prompt: { text: "a note" } }
  num:
    kind: collect
    prompt: { text: "number" }
    digits: { min: 3, max: 5, terminator: "#" }
    store: n
    next: note
"##,
    r##"
name: externals, set and numeric routes
entry: main
variables: [caller_id, level]
defaults: { fallback: op, keys: { operator: "0" } }
nodes:
  main:
    kind: menu
    set: { visits: "+1" }
    prompt: { text: "visit {visits:ordinal}: pay, count or message" }
    options:
      - { key: "1", to: pay, set: { chose: pay } }
      - { key: "2", to: count }
      - { key: "3", to: r }
      - { key: "4", to: report }
      - { key: "5", to: offer }
  pay:
    kind: external
    app: application
    target: payments
    prompt: { text: "one moment" }
    store: paid
    on: { success: thanks, error: main }
  count:
    kind: collect
    prompt: { text: "how many" }
    digits: { min: 1, max: 3, terminator: "#" }
    store: n
    next: few
  r:
    kind: route
    routes:
      - { when: { var: level, less_than: 5 }, to: few }
      - { when: { var: level, between: [5, 50] }, to: main }
      - { when: { var: level, greater_than: 50 }, to: op }
    default: vm
  few: { kind: message, prompt: { text: "only {n} for {caller_id:digits}" }, next: main }
  thanks: { kind: hangup, prompt: { text: "thanks" }, reason: paid }
  vm: { kind: external, app: voicemail, target: reports, prompt: { text: "after the tone" } }
  offer:
    kind: menu
    prompt: { text: "call you back on {caller_id:digits}: 1 yes, 2 another" }
    options:
      - { key: "1", to: cb_caller }
      - { key: "2", to: other }
  other:
    kind: collect
    prompt: { text: "the number then hash" }
    digits: { min: 4, max: 12, terminator: "#" }
    store: other_number
    next: cb_other
  cb_caller: { kind: callback, queue: q, number: caller_id, priority: high, prompt: { text: "we will call" }, next: thanks }
  cb_other: { kind: callback, queue: q, number: other_number, next: thanks }
  report:
    kind: record
    prompt: { text: "your report after the tone" }
    final_silence: 2s
    terminator: "#"
    next: thanks
    no_speech: op
  op: { kind: transfer, queue: q, when_no_operator: { action: goto, to: vm } }
"##,
];

#[test]
fn every_edge_of_the_graph_is_a_move_of_the_engine_and_back() {
    let root = support::root();
    let mut files = Vec::new();
    yaml_files(&root.join("menus"), &mut files);
    let bundled = files.len();
    yaml_files(&root.join("tests/fixtures"), &mut files);
    let mut menus: Vec<(String, Menu)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        match load(f) {
            Some(m) => menus.push((f.strip_prefix(&root).unwrap_or(f).display().to_string(), m)),
            None => assert!(i >= bundled, "bundled menu {} loads with errors", f.display()),
        }
    }
    assert!(menus.len() >= 10, "fixture menus found: {}", menus.len());
    for y in SYNTHETIC {
        let m = load_text(y);
        menus.push((m.name.clone(), m));
    }
    let mut missed = Vec::new();
    for (name, menu) in &menus {
        missed.extend(check_menu(menu, name));
    }
    let allowed: BTreeSet<String> = UNDRIVABLE.iter().map(|(m, s, e, _)| format!("{m}\t{s}\t{e}")).collect();
    let missed: Vec<&String> = missed
        .iter()
        .filter(|l| !allowed.iter().any(|a| l.starts_with(a.as_str())))
        .collect();
    assert!(
        missed.is_empty(),
        "edges no walk took (drive them, or list them in UNDRIVABLE with the reason):\n{}",
        missed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}

/// Synthetic menus whose global keys start longer keys that act at the same node (`0` and
/// `00`, `*` and `**`, a global `0` and an option `01`), at a menu, after a message without
/// barge-in, and at a collect: the fastest way to an operator waits the inter-digit timeout.
const PREFIX_GLOBALS: &[&str] = &[
    r##"
name: zero and double zero
entry: main
defaults:
  fallback: op
  operator: op
  max_no_input: 5
  max_no_match: 5
  inter_digit_timeout: 2500ms
  keys: { operator: "0", main_menu: "00", repeat: "*", back: "**" }
nodes:
  main: { kind: menu, prompt: { text: "one for news" }, options: [{ key: "1", to: news }] }
  news: { kind: hangup, prompt: { text: "no news" } }
  op: { kind: transfer, queue: q, prompt: { text: "hold on please" } }
"##,
    r##"
name: zero and an option zero one
entry: welcome
defaults:
  fallback: op
  operator: op
  max_no_input: 5
  max_no_match: 5
  keys: { operator: "0" }
nodes:
  welcome: { kind: message, prompt: { text: "welcome to the line" }, next: main, barge_in: false }
  main:
    kind: menu
    inter_digit_timeout: 4s
    prompt: { text: "zero one for news" }
    options: [{ key: "01", to: news }, { key: "2", to: news }]
  news: { kind: hangup }
  op: { kind: transfer, queue: q }
"##,
    r##"
name: star and double star at a collect
entry: case
defaults:
  fallback: op
  operator: op
  max_no_input: 5
  max_no_match: 5
  main_menu: main
  keys: { operator: "*", main_menu: "**" }
nodes:
  case:
    kind: collect
    inter_digit_timeout: 1500ms
    prompt: { text: "your case number then hash" }
    digits: { min: 6, max: 8, terminator: "#" }
    store: n
    next: main
  main: { kind: menu, prompt: { text: "one" }, options: [{ key: "1", to: bye }] }
  bye: { kind: hangup }
  op: { kind: transfer, queue: q, prompt: { text: "one moment" } }
"##,
];

/// The fastest way to an operator from the entry, as the graph costs it (`graph`, `check
/// --report`), takes the engine exactly as long, to the millisecond: the call driven along
/// the way's edges is handed over at the way's time. On the synthetic menus (with global keys
/// that start longer ones, whose fastest way must wait), the bundled menus and the fixtures
/// that load; a way through a message's global key is skipped (the graph costs it as pressed
/// at the prompt's end, the walk presses at its start).
#[test]
fn the_fastest_way_to_an_operator_takes_the_engine_the_time_the_graph_says() {
    let root = support::root();
    let mut files = Vec::new();
    yaml_files(&root.join("menus"), &mut files);
    yaml_files(&root.join("tests/fixtures"), &mut files);
    let mut menus: Vec<(String, Menu, bool)> = files
        .iter()
        .filter_map(|f| Some((f.display().to_string(), load(f)?, false)))
        .collect();
    for y in PREFIX_GLOBALS {
        let m = load_text(y);
        menus.push((m.name.clone(), m, true));
    }
    let clips = PromptTimings::text_only();
    let (mut compared, mut compared_waits) = (0, 0);
    for (name, menu, waits) in &menus {
        let g = MenuGraph::build(menu);
        let t = Timings::of(menu, &clips);
        let fast = Ways::compute(menu, &g, &t, Goal::Fastest);
        let Some(entry) = menu.entry.node() else { continue };
        // A prompt that reads variables back lasts as long as the values spoken ("Variables set during a call"),
        // which the graph cannot know: it counts each `{name}` as one word.
        if menu
            .prompts()
            .any(|p| !ivrsim::rules::vars::placeholders(&p.text).is_empty())
        {
            continue;
        }
        let Some(cost) = fast.cost[entry.index()] else { continue };
        let path = fast.path(&g, entry, 64);
        let mut acts = Vec::new();
        let mut waited = false;
        let mut through_message_key = false;
        for &e in &path {
            let (from, to) = g.graph.edge_endpoints(e).unwrap();
            let (from, to, kind) = (g.graph[from], g.graph[to], &g.graph[e]);
            if let EdgeKind::GlobalKey { key, .. } | EdgeKind::Option { key, .. } = kind {
                waited |= !ivrsim::rules::key_wait(menu, from, key.as_str()).is_zero();
                through_message_key |= matches!(menu.node(from).kind, NodeKind::Message(_));
            }
            acts.extend(driver(menu, from, kind, to, &CallStart::default()).unwrap_or_default());
        }
        if through_message_key {
            continue;
        }
        assert!(
            waited || !*waits,
            "{name}: the fastest way waits the inter-digit timeout ({acts:?})"
        );
        // A Monday at 10:00, or else the first moment of the period split at which every
        // route branch on opening hours the way takes can be taken (issue 13: a desk open
        // only on a special date).
        let monday = jiff::civil::date(2026, 3, 2).at(10, 0, 0, 0);
        let hours = ivrsim::graph::hours::HoursRoutes::of(menu, &g);
        let at = std::iter::once(monday)
            .chain(ivrsim::graph::hours::more_moments(menu, &g, &[monday]))
            .find(|&t| {
                let removed = hours.removed(&g, &hours.open_at(menu, t));
                path.iter().all(|e| !removed[e.index()])
            })
            .unwrap_or(monday);
        let start = CallStart {
            clock: CallClock::new(at),
            language: None,
            variables: BTreeMap::new(),
            operator_line: true,
            max_length: None,
        };
        let mut w = Walk::new(menu, &clips, start);
        for a in &acts {
            w.act(a);
        }
        w.call.play_to_turn(ivrsim::rules::MAX_PROMPTS_WITHOUT_A_TURN);
        w.absorb();
        assert_eq!(
            w.handoff,
            Some(cost.time()),
            "{name}: the engine's handoff and the graph's fastest time ({acts:?})"
        );
        compared += 1;
        compared_waits += usize::from(*waits);
    }
    assert_eq!(compared_waits, PREFIX_GLOBALS.len(), "synthetic menus compared");
    assert!(compared >= 20, "menus compared: {compared} of {}", menus.len());
}
