//! Coverage of a menu by scenarios: which reachable nodes were visited, which menu options
//! were taken (by key or keyword), and which failure edges were exercised: the no-input and
//! no-match re-prompts (when the limit allows one) and the fallbacks after the limits.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::engine::{Effect, PromptRole, Via};
use crate::graph::MenuGraph;
use crate::graph::reach::reachable_from_entry;
use crate::menu::{Menu, NodeId, NodeKind};
use crate::source::{Sources, Span};

pub use crate::rules::FailureEdge;

/// Something a scenario exercised, by node index ([`NodeId`] of the scenario's menu) and
/// option position: what a run records and a [`Coverage`] of the same menu marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hit {
    /// A node was entered.
    Node(NodeId),
    /// A menu's option (by position in its `options`) was taken, by key or keyword.
    Option(NodeId, usize),
    /// A failure edge at a node.
    Failure(NodeId, FailureEdge),
    /// The call moved from a node to another along an edge. Not a coverage target; recorded
    /// so that maps can draw every edge a scenario took (`ivrsim graph --coverage`).
    Moved(NodeId, Via, NodeId),
}

/// What one run exercised, in the order the call did it: a list of [`Hit`]s (node indices,
/// option positions, edges), recorded in time linear in the call's effects, with no string
/// in it (see [`record_hits`]). A hit repeated back to back is kept once; other repeats are
/// kept and cost nothing more than a lookup when recorded ([`Coverage::mark`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    list: Vec<Hit>,
    /// The node the call is at (the last one entered): the node of a re-prompt.
    at: Option<NodeId>,
}

impl Hits {
    /// No hits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a hit.
    pub fn insert(&mut self, h: Hit) {
        if self.list.last() != Some(&h) {
            self.list.push(h);
        }
    }

    /// Whether `h` was hit (a scan: for tests and single checks, not for recording).
    pub fn contains(&self, h: &Hit) -> bool {
        self.list.contains(h)
    }

    /// The hits, in call order (repeats possible).
    pub fn iter(&self) -> impl Iterator<Item = &Hit> {
        self.list.iter()
    }

    /// How many hits are kept.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether nothing was hit.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The edge a move took, as a short stable token for the coverage JSON: `option:N`,
/// `keyword:N` (N: the option's position from 0), `next`, `route:N`, `default`,
/// `no_input_fallback`, `no_match_fallback`, `no_operator`, `hold_exit`, `global:ACTION`,
/// `start`.
pub fn via_token(via: &Via) -> String {
    match via {
        Via::Start => "start".into(),
        Via::Option(i) => format!("option:{i}"),
        Via::Keyword(i) => format!("keyword:{i}"),
        Via::Next => "next".into(),
        Via::Route(i) => format!("route:{i}"),
        Via::RouteDefault => "default".into(),
        Via::NoInputFallback => "no_input_fallback".into(),
        Via::NoMatchFallback => "no_match_fallback".into(),
        Via::Global(a) => format!("global:{}", a.name()),
        Via::NoOperator => "no_operator".into(),
        Via::HoldExit => "hold_exit".into(),
        Via::External(r) => format!("external:{}", r.name()),
    }
}

/// Adds what one effect of a call on `menu` exercised to `hits`: constant time per effect,
/// no string compared or hashed (a re-prompt is at the node the call last entered).
pub fn record_hits(menu: &Menu, effect: &Effect, hits: &mut Hits) {
    match effect {
        Effect::Moved { from, via, to, .. } => {
            let to = *to;
            hits.at = Some(to);
            hits.insert(Hit::Node(to));
            if let Some(from) = *from {
                hits.insert(Hit::Moved(from, *via, to));
                match via {
                    Via::Option(i) | Via::Keyword(i) => {
                        hits.insert(Hit::Option(from, *i));
                    }
                    Via::NoInputFallback => {
                        hits.insert(Hit::Failure(from, FailureEdge::NoInputFallback));
                    }
                    Via::NoMatchFallback => {
                        hits.insert(Hit::Failure(from, FailureEdge::NoMatchFallback));
                    }
                    _ => {}
                }
            }
        }
        Effect::StartPrompt(p) => {
            let edge = match p.role {
                PromptRole::NoInput(_) => FailureEdge::NoInputReprompt,
                PromptRole::NoMatch(_) => FailureEdge::NoMatchReprompt,
                _ => return,
            };
            // The node last entered; a prompt of a node not entered through an effect
            // (none today) falls back to a lookup by name.
            let node = match hits.at {
                Some(at) if menu.node(at).id == p.node => Some(at),
                _ => menu.find(&p.node),
            };
            if let Some(node) = node {
                hits.insert(Hit::Failure(node, edge));
            }
        }
        _ => {}
    }
}

/// One thing to cover, where it is written, and whether it was.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// What (`node `x``, `option 1 of `main``, `no-input re-prompt at `main``).
    pub what: String,
    /// File, line and column.
    pub at: String,
    /// Exercised by some scenario.
    pub covered: bool,
    /// The node (the target itself, or the node the option or failure edge belongs to).
    pub node: String,
    /// For an option: its position in the menu's `options`, from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<usize>,
    /// For a failure edge: which one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureEdge>,
    #[serde(skip)]
    hit: Hit,
}

/// A move some scenario made: from a node, by an edge, to a node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Transition {
    /// The node left.
    pub from: String,
    /// The edge taken, see [`via_token`].
    pub via: String,
    /// The node entered.
    pub to: String,
}

/// Covered and total of one kind of target.
#[derive(Clone, Debug, Serialize)]
pub struct Count {
    /// Exercised.
    pub covered: usize,
    /// Reachable.
    pub total: usize,
    /// `covered / total` in percent (100 when there is nothing to cover).
    pub percent: f64,
}

fn count(targets: &[Target]) -> Count {
    Count::of(targets.iter().filter(|t| t.covered).count(), targets.len())
}

impl Count {
    /// `covered` of `total`, with its percentage (100 when there is nothing to cover).
    fn of(covered: usize, total: usize) -> Count {
        let percent = if total == 0 {
            100.0
        } else {
            100.0 * covered as f64 / total as f64
        };
        Count {
            covered,
            total,
            percent,
        }
    }
}

/// The coverage of one menu: its targets (computed once, by [`Coverage::new`]) and which
/// were exercised.
///
/// Recording is linear in what the runs did: each target has a dense index (nodes, then
/// options, then failure edges) found from a [`Hit`] by one hash lookup of integers, so a
/// run's [`Hits`] are marked without scanning the targets; the moves are kept as index
/// triples and named only when the coverage is written (its JSON has `transitions`, sorted).
/// Runs on many workers mark a [`Marks`] each ([`Coverage::mark`]), merged with
/// [`Marks::merge`] and applied with [`Coverage::apply`].
#[derive(Clone, Debug)]
pub struct Coverage {
    /// The menu file, as the scenario file reached it.
    pub menu: String,
    /// The menu file's absolute path with links resolved, so that a map drawn from another
    /// folder finds it (`ivrsim graph --coverage`); absent when it cannot be resolved.
    pub canonical: Option<String>,
    /// Reachable nodes.
    pub nodes: Vec<Target>,
    /// Options of reachable menus.
    pub options: Vec<Target>,
    /// Failure edges of reachable menus and collects.
    pub failure_edges: Vec<Target>,
    /// Every move the runs made, each once, by node index and edge.
    moves: HashSet<(NodeId, Via, NodeId)>,
    /// The menu's node ids by index, to name the moves.
    names: Vec<String>,
    /// Each target's dense index: nodes from 0, then options, then failure edges.
    index: HashMap<Hit, u32>,
}

/// What runs on one worker exercised of one menu's [`Coverage`]: a flag per target (by its
/// dense index) and the moves. Start with [`Coverage::marks`]; merge workers' marks with
/// [`Marks::merge`].
#[derive(Clone, Debug, Default)]
pub struct Marks {
    covered: Vec<bool>,
    moves: HashSet<(NodeId, Via, NodeId)>,
}

impl Marks {
    /// Adds what `other` (marks of the same coverage) exercised.
    pub fn merge(&mut self, other: Marks) {
        if self.covered.len() < other.covered.len() {
            self.covered.resize(other.covered.len(), false);
        }
        for (c, o) in self.covered.iter_mut().zip(other.covered) {
            *c |= o;
        }
        if self.moves.len() < other.moves.len() {
            let mine = std::mem::replace(&mut self.moves, other.moves);
            self.moves.extend(mine);
        } else {
            self.moves.extend(other.moves);
        }
    }
}

/// The coverage JSON of one menu (`--coverage-json`, `--format json`): menu, canonical,
/// nodes, options, failure_edges and transitions (sorted, named).
impl Serialize for Coverage {
    fn serialize<Ser: serde::Serializer>(&self, ser: Ser) -> Result<Ser::Ok, Ser::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            menu: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            canonical: &'a Option<String>,
            nodes: &'a [Target],
            options: &'a [Target],
            failure_edges: &'a [Target],
            transitions: Vec<Transition>,
        }
        View {
            menu: &self.menu,
            canonical: &self.canonical,
            nodes: &self.nodes,
            options: &self.options,
            failure_edges: &self.failure_edges,
            transitions: self.transitions(),
        }
        .serialize(ser)
    }
}

impl Coverage {
    /// The targets of `menu`: everything reachable from its entry.
    pub fn new(menu: &Menu, sources: &Sources) -> Self {
        let graph = MenuGraph::build(menu);
        let reachable = reachable_from_entry(&graph);
        let at = |span: Span| sources.place(span);
        let mut c = Coverage {
            menu: menu.path.display().to_string(),
            canonical: std::fs::canonicalize(&menu.path).ok().map(|p| p.display().to_string()),
            nodes: Vec::new(),
            options: Vec::new(),
            failure_edges: Vec::new(),
            moves: HashSet::new(),
            names: menu.node_ids().map(|id| menu.node(id).id.clone()).collect(),
            index: HashMap::new(),
        };
        for id in menu.node_ids().filter(|id| reachable[id.index()]) {
            let node = menu.node(id);
            let target = |what: String, span: Span, hit: Hit| {
                let (option, failure) = match &hit {
                    Hit::Option(_, i) => (Some(*i), None),
                    Hit::Failure(_, e) => (None, Some(*e)),
                    _ => (None, None),
                };
                Target {
                    what,
                    at: at(span),
                    covered: false,
                    node: node.id.clone(),
                    option,
                    failure,
                    hit,
                }
            };
            c.nodes
                .push(target(format!("node `{}`", node.id), node.span, Hit::Node(id)));
            if let NodeKind::Menu(m) = &node.kind {
                for (i, o) in m.options.iter().enumerate() {
                    if !crate::rules::option_takes(menu, id, i) {
                        continue; // a pattern no entry reaches (W018): nothing to cover
                    }
                    let what = match &o.pattern {
                        Some(p) => format!("option `{p}` of `{}`", node.id),
                        None => format!("option `{}` of `{}`", o.key, node.id),
                    };
                    c.options.push(target(what, o.key_span, Hit::Option(id, i)));
                }
            }
            if let Some(l) = node.kind.listen() {
                let edges = crate::rules::failures::coverage_edges(l);
                for e in edges {
                    let what = format!("{} at `{}`", e.describe(), node.id);
                    c.failure_edges.push(target(what, node.span, Hit::Failure(id, e)));
                }
            }
        }
        let all = c.nodes.iter().chain(&c.options).chain(&c.failure_edges);
        c.index = all.enumerate().map(|(i, t)| (t.hit, i as u32)).collect();
        c
    }

    /// Empty marks for this coverage (nothing exercised yet).
    pub fn marks(&self) -> Marks {
        Marks {
            covered: vec![false; self.index.len()],
            moves: HashSet::new(),
        }
    }

    /// Marks what `hits` (of a run on this coverage's menu) exercised: a lookup per hit, no
    /// scan of the targets.
    pub fn mark(&self, marks: &mut Marks, hits: &Hits) {
        if marks.covered.len() < self.index.len() {
            marks.covered.resize(self.index.len(), false);
        }
        for h in hits.iter() {
            if let Hit::Moved(from, via, to) = *h {
                marks.moves.insert((from, via, to));
            } else if let Some(&i) = self.index.get(h) {
                marks.covered[i as usize] = true;
            }
        }
    }

    /// Applies marks (of this coverage) to the targets.
    pub fn apply(&mut self, marks: Marks) {
        let targets = self
            .nodes
            .iter_mut()
            .chain(&mut self.options)
            .chain(&mut self.failure_edges);
        for (t, c) in targets.zip(marks.covered) {
            t.covered |= c;
        }
        self.moves.extend(marks.moves);
    }

    /// Marks what `hits` (of runs on this coverage's menu) exercised: [`Coverage::mark`] and
    /// [`Coverage::apply`] in one.
    pub fn record(&mut self, hits: &Hits) {
        let mut marks = self.marks();
        self.mark(&mut marks, hits);
        self.apply(marks);
    }

    /// Every move the runs made, each once, named and sorted (the JSON's `transitions`).
    pub fn transitions(&self) -> Vec<Transition> {
        let name = |n: NodeId| self.names.get(n.index()).cloned().unwrap_or_default();
        let mut all: Vec<Transition> = self
            .moves
            .iter()
            .map(|&(from, via, to)| Transition {
                from: name(from),
                via: via_token(&via),
                to: name(to),
            })
            .collect();
        all.sort();
        all
    }

    /// Nodes covered.
    pub fn node_count(&self) -> Count {
        count(&self.nodes)
    }

    /// Options covered.
    pub fn option_count(&self) -> Count {
        count(&self.options)
    }

    /// Failure edges covered.
    pub fn failure_count(&self) -> Count {
        count(&self.failure_edges)
    }

    /// Everything together, in percent: what `--min-coverage` compares.
    pub fn total(&self) -> Count {
        let (n, o, f) = (self.node_count(), self.option_count(), self.failure_count());
        Count::of(n.covered + o.covered + f.covered, n.total + o.total + f.total)
    }

    /// What no scenario exercised.
    pub fn missing(&self) -> impl Iterator<Item = &Target> {
        self.nodes
            .iter()
            .chain(&self.options)
            .chain(&self.failure_edges)
            .filter(|t| !t.covered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{At, CallStart, VirtualCaller};

    const MENU: &str = r#"
name: T
entry: main
defaults:
  max_no_match: 2
  fallback: op
  no_match: [{ text: "no" }]
nodes:
  main:
    kind: menu
    prompt: { text: "a b" }
    options:
      - { key: "1", to: op }
      - { key: "2", to: bye }
  op: { kind: transfer, queue: general }
  bye: { kind: hangup, reason: done }
"#;

    // Hits name nodes by index and edges by their `Via`; the coverage names them only in its
    // JSON (targets and transitions).
    #[test]
    fn hits_are_indices_and_the_coverage_names_them() {
        let m = crate::menu::testing::menu(MENU);
        let clips = crate::timing::PromptTimings::text_only();
        let mut c = VirtualCaller::new(&m, &clips, CallStart::default());
        c.press(At::Turn, "9"); // a no-match: the re-prompt plays
        c.press(At::Turn, "1");
        let mut hits = Hits::new();
        while let Some(e) = c.poll_effect() {
            record_hits(&m, &e, &mut hits);
        }
        let (main, op, bye) = (m.find("main").unwrap(), m.find("op").unwrap(), m.find("bye").unwrap());
        assert!(hits.contains(&Hit::Node(main)) && hits.contains(&Hit::Node(op)));
        assert!(!hits.contains(&Hit::Node(bye)));
        assert!(hits.contains(&Hit::Option(main, 0)));
        assert!(hits.contains(&Hit::Failure(main, FailureEdge::NoMatchReprompt)));
        assert!(hits.contains(&Hit::Moved(main, Via::Option(0), op)));
        let mut sources = Sources::new();
        let _ = crate::menu::load_menu_text(std::path::Path::new("test.yaml"), MENU, &mut sources);
        let mut cov = Coverage::new(&m, &sources);
        cov.record(&hits);
        let covered: Vec<&str> = cov
            .nodes
            .iter()
            .filter(|t| t.covered)
            .map(|t| t.node.as_str())
            .collect();
        assert_eq!(covered, ["main", "op"]);
        assert_eq!(cov.option_count().covered, 1);
        assert_eq!(
            cov.transitions(),
            [Transition {
                from: "main".into(),
                via: "option:0".into(),
                to: "op".into()
            }]
        );
    }

    // Marks made on several workers and merged are the marks made on one: targets by index,
    // moves once each; recording looks up each hit, not each target.
    #[test]
    fn marks_of_several_workers_merge_to_the_marks_of_one() {
        let m = crate::menu::testing::menu(MENU);
        let clips = crate::timing::PromptTimings::text_only();
        let hits_of = |input: &[&str]| {
            let mut c = VirtualCaller::new(&m, &clips, CallStart::default());
            for k in input {
                c.press(At::Turn, k);
            }
            let mut hits = Hits::new();
            while let Some(e) = c.poll_effect() {
                record_hits(&m, &e, &mut hits);
            }
            hits
        };
        let runs = [hits_of(&["9", "1"]), hits_of(&["2"]), hits_of(&["1"])];
        let mut sources = Sources::new();
        let _ = crate::menu::load_menu_text(std::path::Path::new("test.yaml"), MENU, &mut sources);
        let mut one = Coverage::new(&m, &sources);
        for h in &runs {
            one.record(h);
        }
        let mut many = Coverage::new(&m, &sources);
        let (mut a, mut b) = (many.marks(), many.marks());
        many.mark(&mut a, &runs[0]);
        many.mark(&mut b, &runs[1]);
        many.mark(&mut b, &runs[2]);
        a.merge(b);
        many.apply(a);
        let json = |c: &Coverage| serde_json::to_string(c).unwrap();
        assert_eq!(json(&one), json(&many));
        assert_eq!(many.node_count().covered, 3);
        assert_eq!(many.option_count().covered, 2);
        let t = many.transitions();
        assert_eq!(t.len(), 2, "{t:?}");
        assert!(t.windows(2).all(|w| w[0] < w[1]), "sorted: {t:?}");
        // The JSON keeps its shape: the transitions named, next to the targets.
        let v: serde_json::Value = serde_json::from_str(&json(&many)).unwrap();
        assert_eq!(v["transitions"][0]["from"], "main");
        assert_eq!(v["nodes"].as_array().map(Vec::len), Some(3));
        // A re-prompt is the node's, found without its name: the no-match at `main`.
        assert!(runs[0].contains(&Hit::Failure(m.find("main").unwrap(), FailureEdge::NoMatchReprompt)));
    }
}
