//! Reachability: which nodes a caller can reach from the entry, from which nodes an
//! operator can be reached, and where the others end. Every function here is
//! O(nodes + edges) and iterative, so a 100,000-node chain does not exhaust the stack.

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::MenuGraph;
use crate::menu::{Menu, NodeId, NodeKind};

/// Breadth-first search from `starts`, following edges in `dir`; `seen[i]` is true for
/// every node reached (the starts included).
fn bfs(g: &MenuGraph, starts: impl IntoIterator<Item = NodeIndex>, dir: Direction) -> Vec<bool> {
    bfs_where(g, starts, dir, None)
}

/// [`bfs`] over the edges `e` with `!removed[e.index()]` only (all edges when `None`).
fn bfs_where(
    g: &MenuGraph,
    starts: impl IntoIterator<Item = NodeIndex>,
    dir: Direction,
    removed: Option<&[bool]>,
) -> Vec<bool> {
    let mut seen = vec![false; g.node_count()];
    let mut queue = VecDeque::new();
    for s in starts {
        if !seen[s.index()] {
            seen[s.index()] = true;
            queue.push_back(s);
        }
    }
    while let Some(n) = queue.pop_front() {
        for e in g.graph.edges_directed(n, dir) {
            if removed.is_some_and(|r| r[e.id().index()]) {
                continue;
            }
            let m = if dir == Direction::Outgoing {
                e.target()
            } else {
                e.source()
            };
            if !seen[m.index()] {
                seen[m.index()] = true;
                queue.push_back(m);
            }
        }
    }
    seen
}

/// `result[i]`: node `i` can be reached from the entry by some caller actions.
/// All false when the entry does not exist.
pub fn reachable_from_entry(g: &MenuGraph) -> Vec<bool> {
    bfs(g, g.entry.map(|e| g.ix(e)), Direction::Outgoing)
}

/// `result[i]`: from node `i` some sequence of caller actions (keys, words, silence,
/// invalid input) reaches a `transfer` node. Nodes with an edge to an unreadable node
/// count as reaching one (that node's own finding explains the problem).
///
/// A backward breadth-first search from every transfer: O(nodes + edges).
pub fn reaches_operator(menu: &Menu, g: &MenuGraph) -> Vec<bool> {
    bfs(g, operator_starts(menu, g), Direction::Incoming)
}

/// Where the backward search for an operator starts: every transfer, and every node with an
/// edge to an unreadable node (benefit of the doubt). The one list [`reaches_operator`] and
/// [`reach_where`] share.
fn operator_starts<'a>(menu: &'a Menu, g: &'a MenuGraph) -> impl Iterator<Item = NodeIndex> + 'a {
    menu.node_ids()
        .filter(|&id| matches!(menu.node(id).kind, NodeKind::Transfer(_)) || g.unknown_exit[id.index()])
        .map(|id| g.ix(id))
}

/// [`reaches_operator`] and [`reachable_from_entry`] with the edges `e` for which
/// `removed[e.index()]` left out (route branches that cannot be taken in some period, see
/// [`super::hours`]), and the transfers with `closed[i]` (their queue is closed then) not
/// counted as operators: `(reaches, reachable)`. Two breadth-first searches, O(nodes + edges).
pub fn reach_where(menu: &Menu, g: &MenuGraph, removed: &[bool], closed: &[bool]) -> (Vec<bool>, Vec<bool>) {
    let starts = operator_starts(menu, g).filter(|n| !closed[n.index()]);
    let reaches = bfs_where(g, starts, Direction::Incoming, Some(removed));
    let reachable = bfs_where(g, g.entry.map(|e| g.ix(e)), Direction::Outgoing, Some(removed));
    (reaches, reachable)
}

/// `result[i]`: from node `i` some sequence of caller actions reaches a node that ends the
/// call's IVR part by design ([`NodeKind::ends_by_design`]: a `transfer`, an `external` node
/// that does not come back, a `record`), or an unreadable node. What E014 asks for.
/// O(nodes + edges).
pub fn reaches_handoff(menu: &Menu, g: &MenuGraph) -> Vec<bool> {
    let starts = menu
        .node_ids()
        .filter(|&id| menu.node(id).kind.ends_by_design() || g.unknown_exit[id.index()])
        .map(|id| g.ix(id));
    bfs(g, starts, Direction::Incoming)
}

/// The nodes reachable from the entry, but only through a `when_no_operator` edge or after a
/// recording or a callback request (a `record` or `callback` node's ways on: its thank-you
/// and goodbye): where a call goes once its way to a person or its message has been had.
/// E014 does not apply to them. BFS from the entry with and without those edges:
/// O(nodes + edges).
pub fn only_after_a_design_end(menu: &Menu, g: &MenuGraph) -> Vec<bool> {
    let n = g.graph.node_count();
    let bfs = |with: bool| {
        let mut seen = vec![false; n];
        let mut stack: Vec<NodeIndex> = Vec::new();
        if let Some(e) = g.entry {
            seen[e.index()] = true;
            stack.push(NodeIndex::new(e.index()));
        }
        while let Some(v) = stack.pop() {
            let after = matches!(menu.node(g.graph[v]).kind, NodeKind::Record(_) | NodeKind::Callback(_));
            for e in g.graph.edges(v) {
                if !with && (*e.weight() == crate::graph::EdgeKind::NoOperator || after) {
                    continue;
                }
                let t = e.target();
                if !seen[t.index()] {
                    seen[t.index()] = true;
                    stack.push(t);
                }
            }
        }
        seen
    };
    let (all, normal) = (bfs(true), bfs(false));
    all.iter().zip(&normal).map(|(a, b)| *a && !*b).collect()
}

/// Strongly connected components: `comp[i]` is node `i`'s component; components are
/// numbered so that every edge goes from a component to one with a smaller or equal
/// number (sinks first, reverse topological order).
pub struct Components {
    /// Component of each node.
    pub comp: Vec<usize>,
    /// Members of each component.
    pub members: Vec<Vec<NodeId>>,
}

impl Components {
    /// Computes the components (Kosaraju, iterative, via petgraph), then orders them.
    pub fn of(g: &MenuGraph) -> Self {
        let sccs = petgraph::algo::kosaraju_scc(&g.graph);
        let mut comp = vec![0usize; g.node_count()];
        for (c, scc) in sccs.iter().enumerate() {
            for n in scc {
                comp[n.index()] = c;
            }
        }
        // Order the condensation sinks first with Kahn's algorithm on out-degrees.
        let k = sccs.len();
        let mut out_deg = vec![0usize; k];
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); k];
        for e in g.graph.edge_references() {
            let (a, b) = (comp[e.source().index()], comp[e.target().index()]);
            if a != b {
                out_deg[a] += 1;
                preds[b].push(a);
            }
        }
        let mut order = Vec::with_capacity(k);
        let mut queue: VecDeque<usize> = (0..k).filter(|&c| out_deg[c] == 0).collect();
        while let Some(c) = queue.pop_front() {
            order.push(c);
            for &p in &preds[c] {
                out_deg[p] -= 1;
                if out_deg[p] == 0 {
                    queue.push_back(p);
                }
            }
        }
        let mut rank = vec![0usize; k];
        for (r, &c) in order.iter().enumerate() {
            rank[c] = r;
        }
        let mut members = vec![Vec::new(); k];
        for (i, c) in comp.iter_mut().enumerate() {
            *c = rank[*c];
            members[*c].push(NodeId(i as u32));
        }
        Components { comp, members }
    }

    /// Whether component `c` contains a cycle (more than one node, or a self-loop).
    pub fn is_cyclic(&self, g: &MenuGraph, c: usize) -> bool {
        let m = &self.members[c];
        m.len() > 1 || g.graph.edges(g.ix(m[0])).any(|e| e.target() == g.ix(m[0]))
    }

    /// Whether an edge leaves component `c`.
    pub fn has_exit(&self, g: &MenuGraph, c: usize) -> bool {
        self.members[c]
            .iter()
            .any(|&n| g.graph.neighbors(g.ix(n)).any(|m| self.comp[m.index()] != c))
    }
}

/// One way a call that cannot reach an operator ends.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ending {
    /// At a hang-up node.
    Hangup(NodeId),
    /// At a node whose retries run out with no fallback: the caller hears goodbye.
    RetriesEnd(NodeId),
    /// Going round a loop with no way out (a component).
    Loop(usize),
    /// At a node with nowhere to go (its targets are missing).
    DeadEnd(NodeId),
    /// At a node whose retries of a kind are `unlimited`: a caller who keeps failing that way
    /// hears the prompt again without end (the call's 4-hour limit ends it).
    Unlimited(NodeId),
}

/// Where calls end, per component, for explaining E014: at most [`Endings::MAX`] endings
/// each, and whether there are more.
pub struct Endings {
    /// Endings of each component.
    pub of: Vec<(Vec<Ending>, bool)>,
}

impl Endings {
    /// Most endings kept per component.
    pub const MAX: usize = 3;

    /// Computes the endings of every component, sinks first: O(nodes + edges).
    pub fn of(menu: &Menu, g: &MenuGraph, comps: &Components) -> Self {
        let mut of: Vec<(Vec<Ending>, bool)> = Vec::with_capacity(comps.members.len());
        for (c, members) in comps.members.iter().enumerate() {
            let mut set: Vec<Ending> = Vec::new();
            let mut more = false;
            let add = |e: Ending, set: &mut Vec<Ending>, more: &mut bool| {
                if !set.contains(&e) {
                    if set.len() < Self::MAX {
                        set.push(e);
                    } else {
                        *more = true;
                    }
                }
            };
            for &n in members {
                let ix = g.ix(n);
                if matches!(menu.node(n).kind, NodeKind::Hangup(_)) {
                    add(Ending::Hangup(n), &mut set, &mut more);
                } else if g.ends_call[n.index()] {
                    add(Ending::RetriesEnd(n), &mut set, &mut more);
                } else if g.graph.neighbors(ix).next().is_none() && !menu.node(n).kind.hands_over() {
                    add(Ending::DeadEnd(n), &mut set, &mut more);
                }
                if menu.node(n).kind.listen().is_some_and(|l| {
                    l.max_no_input == crate::menu::Retries::Unlimited
                        || l.max_no_match == crate::menu::Retries::Unlimited
                }) {
                    add(Ending::Unlimited(n), &mut set, &mut more);
                }
            }
            if set.is_empty() && comps.is_cyclic(g, c) && !comps.has_exit(g, c) {
                add(Ending::Loop(c), &mut set, &mut more);
            }
            for &n in members {
                for m in g.graph.neighbors(g.ix(n)) {
                    let d = comps.comp[m.index()];
                    if d != c {
                        let (theirs, their_more) = of[d].clone();
                        more |= their_more;
                        for e in theirs {
                            add(e, &mut set, &mut more);
                        }
                    }
                }
            }
            set.sort();
            of.push((set, more));
        }
        Endings { of }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::testing::menu;

    #[test]
    fn operator_reachability_components_and_endings() {
        let m = menu(
            r#"
name: T
entry: main
nodes:
  main: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: a }, { key: "2", to: op }, { key: "3", to: done }] }
  a: { kind: message, prompt: { text: "a" }, next: b, barge_in: false }
  b: { kind: message, prompt: { text: "b" }, next: a, barge_in: false }
  done: { kind: message, prompt: { text: "bye" }, next: bye, barge_in: false }
  op: { kind: transfer, queue: q }
  bye: { kind: hangup }
"#,
        );
        let g = MenuGraph::build(&m);
        let id = |n: &str| m.find(n).unwrap();
        let reaches = reaches_operator(&m, &g);
        assert!(reaches[id("main").index()] && reaches[id("op").index()]);
        assert!(!reaches[id("a").index()] && !reaches[id("b").index()] && !reaches[id("done").index()]);
        assert!(reachable_from_entry(&g).iter().all(|&r| r));

        let comps = Components::of(&g);
        let (ca, cb) = (comps.comp[id("a").index()], comps.comp[id("b").index()]);
        assert_eq!(ca, cb);
        assert!(comps.is_cyclic(&g, ca) && !comps.has_exit(&g, ca));
        // Every edge goes to a component numbered no higher (sinks first).
        for e in g.graph.edge_references() {
            assert!(comps.comp[e.target().index()] <= comps.comp[e.source().index()]);
        }
        let endings = Endings::of(&m, &g, &comps);
        assert_eq!(endings.of[ca].0, vec![Ending::Loop(ca)]);
        assert_eq!(
            endings.of[comps.comp[id("done").index()]].0,
            vec![Ending::Hangup(id("bye"))]
        );
        // `main` can end either way, and also reaches the operator.
        let main_ends = &endings.of[comps.comp[id("main").index()]].0;
        assert!(main_ends.contains(&Ending::Loop(ca)) && main_ends.contains(&Ending::Hangup(id("bye"))));
    }
}
