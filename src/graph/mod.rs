//! The menu as a graph: one petgraph node per menu node, one typed edge per way a call
//! can move from a node to another.
//!
//! Edge kinds follow what moves a call: a key ([`EdgeKind::Option`],
//! [`EdgeKind::GlobalKey`]), a spoken word ([`EdgeKind::Keyword`]), the end of a prompt or
//! an entry ([`EdgeKind::Next`]), running out of retries ([`EdgeKind::NoInput`],
//! [`EdgeKind::NoMatch`]) and the instant decisions of a route ([`EdgeKind::Route`],
//! [`EdgeKind::RouteDefault`]). The graph is what the checks walk; the engine walks the
//! menu itself.

pub mod hours;
pub mod loops;
pub mod reach;
pub mod ways;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::menu::{DtmfKey, GlobalAction, Listen, Menu, NodeId, NodeKind, NodeRef, Target};
use crate::rules::{self, FailureKind};

/// Why a call moves along an edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// A menu option's key; `index` is the option's position in `options`.
    Option {
        /// The key.
        key: DtmfKey,
        /// Position in the menu's `options`.
        index: usize,
    },
    /// A spoken keyword of a menu option.
    Keyword {
        /// The word.
        word: String,
    },
    /// The end of a message's prompt, or a complete entry in a collect.
    Next,
    /// The last allowed no-input: the call goes to the fallback.
    NoInput,
    /// The last allowed no-match: the call goes to the fallback.
    NoMatch,
    /// A route whose condition holds; `index` is its position in `routes`.
    Route {
        /// Position in `routes`.
        index: usize,
    },
    /// A route node's `default`.
    RouteDefault,
    /// A transfer's `when_no_operator` (`callback` or `goto`): taken when no call-taker can
    /// take the call. Not a way a caller chooses: the ways to an operator never use it.
    NoOperator,
    /// A transfer's hold exit key (`hold.exit`): a caller waiting in the queue presses it and
    /// leaves the queue for the exit's node. Like [`EdgeKind::NoOperator`], it leads away
    /// from a call-taker, so the ways to an operator never use it.
    HoldExit {
        /// The key.
        key: char,
    },
    /// An external step's result: `on.success` or `on.error` of an `external` node (taken
    /// by itself when the step comes back; the result is `rules::vars::external_result`).
    External {
        /// Which result.
        result: crate::menu::ExternalResult,
    },
    /// A global key (operator, main menu, back). `repeat` does not move the call and has
    /// no edge. `back` gets an edge to every menu that leads straight to the node by an
    /// option, a keyword, a fallback or a route: the caller can return to whichever of them
    /// they came from. A jump by a global key starts afresh and cannot be gone back over.
    GlobalKey {
        /// What the key does.
        action: GlobalAction,
        /// The key.
        key: DtmfKey,
    },
}

impl EdgeKind {
    /// Whether taking the edge needs no caller action at all (routes, end of a message).
    pub fn is_automatic(&self) -> bool {
        matches!(
            self,
            EdgeKind::Route { .. } | EdgeKind::RouteDefault | EdgeKind::External { .. }
        )
    }

    /// Whether the edge is taken by pressing keys.
    pub fn key(&self) -> Option<&DtmfKey> {
        match self {
            EdgeKind::Option { key, .. } | EdgeKind::GlobalKey { key, .. } => Some(key),
            _ => None,
        }
    }

    /// Short text for reports: the key, `say "word"`, `silence`, …
    pub fn describe(&self) -> String {
        match self {
            EdgeKind::Option { key, .. } => key.to_string(),
            EdgeKind::GlobalKey { action, key } => format!("{key} ({})", action.name()),
            EdgeKind::Keyword { word } => format!("say \"{word}\""),
            EdgeKind::Next => "next".into(),
            EdgeKind::NoInput => "silence".into(),
            EdgeKind::NoMatch => "invalid".into(),
            EdgeKind::Route { index } => format!("route {}", index + 1),
            EdgeKind::RouteDefault => "default".into(),
            EdgeKind::NoOperator => "no operator".into(),
            EdgeKind::HoldExit { key } => format!("{key} (leave the queue)"),
            EdgeKind::External { result } => result.name().into(),
        }
    }
}

/// A menu as a directed graph. Node weights are [`NodeId`]s, and node `i` of the graph is
/// node `i` of [`Menu::nodes`], so the two index spaces are the same.
#[derive(Clone, Debug)]
pub struct MenuGraph {
    /// The graph.
    pub graph: DiGraph<NodeId, EdgeKind>,
    /// `unknown_exit[i]`: node `i` has an edge to a node that could not be read, whose
    /// own finding explains it; reachability gives such nodes the benefit of the doubt.
    pub unknown_exit: Vec<bool>,
    /// Edges whose target names no node of the menu (E006): the node left, the name
    /// written, and the kind of edge; not in [`Self::graph`]. Maps draw them.
    pub missing_exits: Vec<(NodeId, String, EdgeKind)>,
    /// `ends_call[i]`: at node `i` a call can end without any node (a retry limit is
    /// reached and there is no fallback).
    pub ends_call: Vec<bool>,
    /// The entry node, if it exists.
    pub entry: Option<NodeId>,
}

impl MenuGraph {
    /// Builds the graph of `menu`. O(nodes + edges).
    pub fn build(menu: &Menu) -> Self {
        let n = menu.nodes.len();
        let mut graph = DiGraph::with_capacity(n, n * 3);
        for id in menu.node_ids() {
            graph.add_node(id);
        }
        let mut g = MenuGraph {
            graph,
            unknown_exit: vec![false; n],
            missing_exits: Vec::new(),
            ends_call: vec![false; n],
            entry: menu.entry.node(),
        };
        let keys = &menu.defaults.keys;
        let main_menu = menu.defaults.main_menu.as_ref().unwrap_or(&menu.entry);
        for id in menu.node_ids() {
            let node = menu.node(id);
            match &node.kind {
                NodeKind::Menu(m) => {
                    for (index, o) in m.options.iter().enumerate() {
                        // A pattern option every entry of which goes elsewhere has no edge (W018).
                        if rules::option_takes(menu, id, index) {
                            g.edge(
                                id,
                                &o.to,
                                EdgeKind::Option {
                                    key: o.key.clone(),
                                    index,
                                },
                            );
                        }
                        // Only the keywords that choose the option when said alone (spoken input).
                        for w in o.say.iter().filter(|w| rules::takes_alone(&m.options, index, w)) {
                            g.edge(id, &o.to, EdgeKind::Keyword { word: w.to_string() });
                        }
                    }
                    g.listen_edges(id, &m.listen);
                    g.global_edges(menu, id, main_menu);
                }
                NodeKind::Message(m) => {
                    g.edge(id, &m.next, EdgeKind::Next);
                    g.global_edges(menu, id, main_menu);
                }
                NodeKind::Collect(c) => {
                    g.edge(id, &c.next, EdgeKind::Next);
                    g.listen_edges(id, &c.listen);
                    g.global_edges(menu, id, main_menu);
                }
                NodeKind::Route(r) => {
                    for (index, route) in r.routes.iter().enumerate() {
                        g.edge(id, &route.to, EdgeKind::Route { index });
                    }
                    g.edge(id, &r.default, EdgeKind::RouteDefault);
                }
                NodeKind::Transfer(t) => {
                    // One edge per node a plan leads to, whichever reasons run it.
                    let mut seen: Vec<&crate::menu::NodeRef> = Vec::new();
                    for (_, plan) in t.plans() {
                        if let Some(to) = plan.target()
                            && !seen.iter().any(|s| s.node() == to.node() && s.name == to.name)
                        {
                            seen.push(to);
                            g.edge(id, to, EdgeKind::NoOperator);
                        }
                    }
                    if let Some(exit) = &t.hold.exit {
                        g.edge(id, &exit.to, EdgeKind::HoldExit { key: exit.key });
                    }
                }
                NodeKind::Hangup(_) => {}
                NodeKind::Callback(c) => g.edge(id, &c.next, EdgeKind::Next),
                NodeKind::Record(r) => {
                    g.edge(id, &r.next, EdgeKind::Next);
                    // No speech at all: a no-input of its own ("Recording a message").
                    if let Some(to) = &r.no_speech {
                        g.edge(id, to, EdgeKind::NoInput);
                    }
                }
                NodeKind::External(e) => {
                    if let Some(on) = &e.on {
                        for result in [crate::menu::ExternalResult::Success, crate::menu::ExternalResult::Error] {
                            g.edge(id, on.of(result), EdgeKind::External { result });
                        }
                    }
                }
            }
        }
        // `back`: to every menu the call can have come from to the node (rule 6).
        if let Some(back) = &keys.back {
            let mut back_edges = g.back_targets(menu);
            back_edges.retain(|(from, _)| {
                rules::active_global_keys(menu, *from)
                    .iter()
                    .any(|(a, _)| *a == GlobalAction::Back)
            });
            for (from, to) in back_edges {
                g.graph.add_edge(
                    NodeIndex::new(from.index()),
                    NodeIndex::new(to.index()),
                    EdgeKind::GlobalKey {
                        action: GlobalAction::Back,
                        key: back.key.clone(),
                    },
                );
            }
        }
        g
    }

    /// Where `back` can return to, as (node, menu) pairs sorted: the call keeps the menus it
    /// visited, and `back` goes to the last one before the node. So a node can go back to
    /// every other menu from which it is reached through nodes that are not menus (messages,
    /// collects, routes, transfers), by any edge but `main_menu` (which clears the way back).
    /// One walk per menu over the nodes after it up to the next menus: O(menus × nodes) at
    /// worst, O(nodes + edges) for menus that do not share long stretches of other nodes.
    fn back_targets(&self, menu: &Menu) -> Vec<(NodeId, NodeId)> {
        let mut stamp = vec![u32::MAX; menu.nodes.len()];
        let mut out = Vec::new();
        let mut stack = Vec::new();
        for m in menu
            .node_ids()
            .filter(|m| matches!(menu.node(*m).kind, NodeKind::Menu(_)))
        {
            let moves = |n: NodeId| {
                self.graph
                    .edges(NodeIndex::new(n.index()))
                    .filter(|e| {
                        !matches!(
                            e.weight(),
                            EdgeKind::GlobalKey {
                                action: GlobalAction::MainMenu | GlobalAction::Back,
                                ..
                            }
                        )
                    })
                    .map(|e| self.graph[petgraph::visit::EdgeRef::target(&e)])
            };
            stack.extend(moves(m));
            while let Some(n) = stack.pop() {
                if std::mem::replace(&mut stamp[n.index()], m.0) == m.0 || n == m {
                    continue;
                }
                out.push((n, m));
                if !matches!(menu.node(n).kind, NodeKind::Menu(_)) {
                    stack.extend(moves(n));
                }
            }
        }
        out.sort();
        out
    }

    fn edge(&mut self, from: NodeId, to: &NodeRef, kind: EdgeKind) {
        match to.target {
            Target::Node(t) => {
                self.graph
                    .add_edge(NodeIndex::new(from.index()), NodeIndex::new(t.index()), kind);
            }
            Target::Unreadable => self.unknown_exit[from.index()] = true,
            Target::Missing => self.missing_exits.push((from, to.name.clone(), kind)),
        }
    }

    /// The fallback edges of a node that waits, by [`rules::failure_edges`] (rule 5); a node
    /// without them can end the call when its retries run out.
    fn listen_edges(&mut self, id: NodeId, listen: &Listen) {
        for e in rules::failure_edges(listen).into_iter().filter(|e| e.is_fallback()) {
            let Some(f) = rules::failures::fallback(listen, e.kind()) else {
                continue;
            };
            let kind = match e.kind() {
                FailureKind::NoInput => EdgeKind::NoInput,
                FailureKind::NoMatch => EdgeKind::NoMatch,
            };
            self.edge(id, f, kind);
        }
        // A kind whose limit has no fallback (or, `counting: call`, a limit reached twice)
        // ends the call.
        if rules::can_end_call(listen).is_some() {
            self.ends_call[id.index()] = true;
        }
    }

    /// Edges for the global keys that act at `id` and move the call (operator, main menu);
    /// which keys act where is [`rules::active_global_keys`], shared with the engine.
    fn global_edges(&mut self, menu: &Menu, id: NodeId, main_menu: &NodeRef) {
        for (action, k) in rules::active_global_keys(menu, id) {
            let to = match action {
                GlobalAction::Operator => menu.defaults.operator.as_ref(),
                GlobalAction::MainMenu => Some(main_menu),
                GlobalAction::Back | GlobalAction::Repeat => None,
            };
            if let Some(to) = to {
                self.edge(
                    id,
                    to,
                    EdgeKind::GlobalKey {
                        action,
                        key: k.key.clone(),
                    },
                );
            }
        }
    }

    /// Graph index of a menu node.
    pub fn ix(&self, id: NodeId) -> NodeIndex {
        NodeIndex::new(id.index())
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::testing::menu;

    fn edges(m: &Menu, g: &MenuGraph, from: &str) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = g
            .graph
            .edges(g.ix(m.find(from).unwrap()))
            .map(|e| {
                (
                    e.weight().describe(),
                    m.node(g.graph[petgraph::visit::EdgeRef::target(&e)]).id.clone(),
                )
            })
            .collect();
        v.sort();
        v
    }

    const MENU: &str = r##"
name: T
entry: main
defaults:
  fallback: op
  keys: { operator: "0", back: "*", main_menu: "9" }
nodes:
  main: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: sub, say: [sub] }, { key: "2", to: info }] }
  sub: { kind: menu, prompt: { text: "a" }, options: [{ key: "0", to: bye }, { key: "1", to: num }] }
  info: { kind: message, prompt: { text: "a" }, next: main, barge_in: false }
  num: { kind: collect, prompt: { text: "a" }, digits: { max: 4, terminator: "#" }, store: n, next: r }
  r: { kind: route, routes: [{ when: { var: n, equals: "1234" }, to: op }], default: bye }
  op: { kind: transfer, queue: q }
  bye: { kind: hangup }
"##;

    #[test]
    fn typed_edges_for_every_way_a_call_moves() {
        let m = menu(MENU);
        let g = MenuGraph::build(&m);
        let e = |s: &str, t: &str| (s.to_owned(), t.to_owned());
        assert_eq!(
            edges(&m, &g, "main"),
            vec![
                e("0 (operator)", "op"),
                e("1", "sub"),
                e("2", "info"),
                e("9 (main_menu)", "main"),
                e("invalid", "op"),
                e("say \"sub\"", "sub"),
                e("silence", "op"),
            ]
        );
        // In `sub`, the option on "0" hides the global operator key; `*` goes back to `main`.
        assert_eq!(
            edges(&m, &g, "sub"),
            vec![
                e("* (back)", "main"),
                e("0", "bye"),
                e("1", "num"),
                e("9 (main_menu)", "main"),
                e("invalid", "op"),
                e("silence", "op"),
            ]
        );
        // A message without barge-in takes no keys at all.
        assert_eq!(edges(&m, &g, "info"), vec![e("next", "main")]);
        // In a collect digits are data: "0" and "9" are not global keys there, "*" still is.
        assert_eq!(
            edges(&m, &g, "num"),
            vec![
                e("* (back)", "sub"),
                e("invalid", "op"),
                e("next", "r"),
                e("silence", "op")
            ]
        );
        assert_eq!(edges(&m, &g, "r"), vec![e("default", "bye"), e("route 1", "op")]);
        assert!(edges(&m, &g, "op").is_empty() && edges(&m, &g, "bye").is_empty());
    }

    #[test]
    fn node_index_is_graph_index() {
        let m = menu(MENU);
        let g = MenuGraph::build(&m);
        assert_eq!(g.node_count(), m.nodes.len());
        for id in m.node_ids() {
            assert_eq!(g.graph[g.ix(id)], id);
        }
    }

    // `back` returns to the last menu visited, through messages, collects and routes (the
    // graph drew only menus with a direct edge, so these ways back were missing).
    #[test]
    fn back_goes_through_messages_collects_and_routes() {
        let m = menu(
            r##"
name: T
entry: a
defaults: { fallback: op, keys: { back: "*", main_menu: "9" } }
nodes:
  a: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: msg }, { key: "2", to: n }] }
  msg: { kind: message, prompt: { text: "a" }, next: b }
  n: { kind: collect, prompt: { text: "a" }, digits: { max: 2 }, store: n, next: r }
  r: { kind: route, routes: [{ when: { var: n, equals: "11" }, to: b }], default: op }
  b: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: op }] }
  op: { kind: transfer, queue: q }
"##,
        );
        let g = MenuGraph::build(&m);
        let back: Vec<(String, String)> = edges(&m, &g, "b")
            .into_iter()
            .filter(|(e, _)| e.contains("back"))
            .collect();
        assert_eq!(back, vec![("* (back)".to_owned(), "a".to_owned())]);
        assert!(edges(&m, &g, "msg").contains(&("* (back)".to_owned(), "a".to_owned())));
        // `main_menu` clears the way back: `a`, reached by it from `b`, has no way back to `b`.
        assert!(!edges(&m, &g, "a").iter().any(|(e, _)| e.contains("back")));
    }
}
