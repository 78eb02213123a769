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
    /// Starts a call.
    pub fn new(menu: &'m Menu, clips: &'m ClipLibrary, start: CallStart) -> Self {
        let mut s = Sim {
            menu,
            call: VirtualCaller::new(menu, clips.timings(), start),
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
                Effect::Moved {
                    from: Some(from), via, ..
                } => {
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
}

impl Config {
    fn start(&self) -> CallStart {
        CallStart {
            clock: CallClock::new(self.at),
            language: self.language.clone(),
            variables: self.variables.clone(),
            operator_line: false,
            max_length: None,
        }
    }
}

/// A valid entry for a collect: the keys to press (one action), or `None`.
fn valid_entry(c: &CollectNode) -> Option<Vec<Act>> {
    let min = c.min.max(1) as usize;
    let max = (c.max as usize).max(min);
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
            if v.len() != len || !c.pattern.as_ref().is_none_or(|p| p.is_match(&v)) {
                continue;
            }
            if len >= c.max as usize {
                return Some(vec![Act::Press(v, None)]);
            }
            return Some(match &c.terminator {
                Some(t) => vec![Act::Press(format!("{v}{}", t.as_str()), None)],
                None => vec![Act::Press(v, None), Act::Silence],
            });
        }
    }
    None
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
            // A value of the right length that the pattern refuses.
            let p = c.pattern.as_ref()?;
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
        });
    }
    let mut targets: BTreeSet<(String, String)> = BTreeSet::new();
    let mut notes = Vec::new();
    let mut candidates: Vec<Generated> = Vec::new();
    let mut seen_nodes: BTreeSet<String> = BTreeSet::new();
    for (ci, cfg) in configs.iter().enumerate() {
        // BFS over the nodes where the call waits for the caller.
        let mut paths: Vec<(NodeId, Vec<Act>)> = Vec::new();
        let mut found: BTreeSet<(u32, String)> = BTreeSet::new();
        let mut queue: VecDeque<Vec<Act>> = VecDeque::from([Vec::new()]);
        while let Some(prefix) = queue.pop_front() {
            let mut sim = Sim::new(menu, clips, cfg.start());
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
                        p.push(Act::Press(o.key.as_str().to_owned(), None));
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
                NodeKind::Collect(c) => match valid_entry(c) {
                    Some(v) => {
                        let mut p = prefix.clone();
                        p.extend(v);
                        queue.push_back(p);
                    }
                    None => notes.push(format!(
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
                    if first {
                        targets.insert(edge(&node.id, &Via::Option(i)));
                        if !o.say.is_empty() {
                            targets.insert(edge(&node.id, &Via::Keyword(i)));
                        }
                    }
                    cand.push((
                        format!("{}: key {}", node.id, o.key.as_str()),
                        vec![Act::Press(o.key.as_str().to_owned(), None)],
                    ));
                    if let Some(w) = o.say.first() {
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
                if let Some(v) = valid_entry(c) {
                    cand.push((format!("{}: a valid entry", node.id), v));
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
            for (name, tail) in cand {
                let mut sim = Sim::new(menu, clips, cfg.start());
                let mut acts = prefix.clone();
                for a in &acts {
                    sim.act(a);
                }
                for a in &tail {
                    sim.act(a);
                }
                acts.extend(tail);
                let before = sim.node();
                sim.listen();
                let node_after = (!acts.is_empty()).then(|| sim.node()).flatten();
                let listen_after = before != node_after;
                let mark = acts.len();
                if !sim.silence_to_end(&mut acts) {
                    continue;
                }
                let expect = sim.final_expect();
                let name = if ci == 0 {
                    name
                } else if !cfg.variables.is_empty() {
                    let vars: Vec<String> = cfg.variables.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                    format!("{name} ({})", vars.join(", "))
                } else {
                    format!("{name} ({})", cfg.at.strftime("%a %H:%M"))
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
            "    start: {{ at: {}{lang}{vars} }}",
            cfg.at.strftime("%Y-%m-%dT%H:%M")
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
