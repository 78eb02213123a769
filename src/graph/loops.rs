//! Endless loops (W016): where a caller who keeps failing one way (staying silent, or
//! pressing wrong keys) goes round without end, never reaching a person or an ending.
//!
//! For each kind of failure the call's way is a graph of its own: at a menu or collect the
//! failure's limit leads to its fallback, or keeps the call there (`unlimited`), or ends the
//! call ([`rules::persisting`], from the rule the engine follows, [`rules::after_failure`]);
//! a message goes on to `next`; a route to any of its branches (which one depends on the
//! call's variables and clock); a transfer or hang-up ends the way. A cycle of that graph
//! through at least one node that waits for the caller is an endless loop. A fallback that a
//! node can take only once in a call (`counting: call`) is left out: the loop ends there
//! when the counts run out. So is a *counted* route branch: one whose test bounds a variable
//! from above (`at_most`, `less_than`) that its own node adds to (`set: { n: "+1" }`), when
//! nothing else in the loop writes that variable (a `Loop` block of Amazon Connect, imported:
//! it continues N times, then takes its other branch). Linear: two graphs and two
//! strongly-connected-components passes (petgraph's iterative Kosaraju) per kind of failure.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::menu::{CompareOp, Menu, NodeId, NodeKind, NodeRef, Route, SetValue, Target, Test};
use crate::rules::{self, FailureKind, Persisting};

/// One endless loop: the caller's behaviour and the nodes it goes round, in the order the
/// call takes them (the first is the loop's lowest node index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndlessLoop {
    /// How the caller fails: silence ([`FailureKind::NoInput`]) or wrong keys.
    pub behaviour: Vec<FailureKind>,
    /// The nodes of one round, in order; the call goes from the last back to the first.
    pub cycle: Vec<NodeId>,
}

/// The endless loops of `menu`, silence first, then wrong keys; a loop that both behaviours
/// make (the same nodes) is given once with both. O(nodes + edges).
pub fn endless_loops(menu: &Menu) -> Vec<EndlessLoop> {
    let mut out: Vec<EndlessLoop> = Vec::new();
    let mut seen: HashMap<Vec<NodeId>, usize> = HashMap::new();
    for kind in [FailureKind::NoInput, FailureKind::NoMatch] {
        for cycle in cycles(menu, kind) {
            let mut key = cycle.clone();
            key.sort();
            match seen.get(&key) {
                Some(&i) => out[i].behaviour.push(kind),
                None => {
                    seen.insert(key, out.len());
                    out.push(EndlessLoop {
                        behaviour: vec![kind],
                        cycle,
                    });
                }
            }
        }
    }
    out
}

/// The graph of the call's way when the caller fails only by `kind`, without the route
/// branches `skip` leaves out.
fn way_graph(menu: &Menu, kind: FailureKind, skip: &dyn Fn(NodeId, &Route) -> bool) -> DiGraph<(), ()> {
    let n = menu.nodes.len();
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, n);
    for _ in 0..n {
        g.add_node(());
    }
    let edge = |g: &mut DiGraph<(), ()>, from: NodeId, to: &NodeRef| {
        if let Target::Node(t) = to.target {
            g.add_edge(NodeIndex::new(from.index()), NodeIndex::new(t.index()), ());
        }
    };
    for (id, node) in menu.node_ids().zip(&menu.nodes) {
        match &node.kind {
            NodeKind::Menu(_) | NodeKind::Collect(_) => {
                let Some(l) = node.kind.listen() else { continue };
                match rules::persisting(l, kind) {
                    Persisting::Stays => {
                        g.add_edge(NodeIndex::new(id.index()), NodeIndex::new(id.index()), ());
                    }
                    Persisting::Fallback { to, again: true } => edge(&mut g, id, to),
                    Persisting::Fallback { again: false, .. } | Persisting::Ends => {}
                }
            }
            NodeKind::Message(m) => edge(&mut g, id, &m.next),
            NodeKind::Route(r) => {
                for route in r.routes.iter().filter(|route| !skip(id, route)) {
                    edge(&mut g, id, &route.to);
                }
                edge(&mut g, id, &r.default);
            }
            // A step that comes back goes on by its result, which the caller does not choose:
            // either may come round.
            NodeKind::External(e) => {
                if let Some(on) = &e.on {
                    edge(&mut g, id, &on.success);
                    edge(&mut g, id, &on.error);
                }
            }
            // A silent caller records nothing: `no_speech`, else `next`.
            NodeKind::Record(r) => edge(&mut g, id, r.no_speech.as_ref().unwrap_or(&r.next)),
            NodeKind::Callback(c) => edge(&mut g, id, &c.next),
            NodeKind::Transfer(_) | NodeKind::Hangup(_) => {}
        }
    }
    g
}

/// The cycles of the way graph of `kind` that pass a node waiting for the caller, one per
/// strongly connected component, each walked from its lowest node.
fn cycles(menu: &Menu, kind: FailureKind) -> Vec<Vec<NodeId>> {
    let full = way_graph(menu, kind, &|_, _| false);
    let mut comp = vec![usize::MAX; full.node_count()];
    for (c, scc) in petgraph::algo::kosaraju_scc(&full).iter().enumerate() {
        for n in scc {
            comp[n.index()] = c;
        }
    }
    let g = way_graph(menu, kind, &|id, route| counted(menu, &comp, id, route));
    let sccs = petgraph::algo::kosaraju_scc(&g);
    let mut comp = vec![usize::MAX; g.node_count()];
    for (c, scc) in sccs.iter().enumerate() {
        for n in scc {
            comp[n.index()] = c;
        }
    }
    let mut out = Vec::new();
    for (c, scc) in sccs.iter().enumerate() {
        let waits = |n: &NodeIndex| menu.nodes[n.index()].kind.listen().is_some();
        let cyclic = scc.len() > 1 || g.neighbors(scc[0]).any(|m| m == scc[0]);
        if !cyclic || !scc.iter().any(waits) {
            continue;
        }
        // Walk from the lowest node along successors inside the component until a node
        // comes again: every node of a strongly connected component with a cycle has one.
        let start = *scc.iter().min().expect("a component has a node");
        let mut at: HashMap<NodeIndex, usize> = HashMap::new();
        let mut path = Vec::new();
        let mut n = start;
        while !at.contains_key(&n) {
            at.insert(n, path.len());
            path.push(NodeId(n.index() as u32));
            let Some(next) = g.neighbors(n).filter(|m| comp[m.index()] == c).min() else {
                break;
            };
            n = next;
        }
        let from = at.get(&n).copied().unwrap_or(0);
        let mut cycle = path.split_off(from);
        // Start the round at its lowest node, so the name of a loop is stable.
        if let Some(i) = cycle.iter().enumerate().min_by_key(|(_, id)| **id).map(|(i, _)| i) {
            cycle.rotate_left(i);
        }
        out.push(cycle);
    }
    out.sort();
    out
}

/// Whether `route`, a branch of route node `id`, is counted: its tests bound a variable from
/// above (`at_most`, `less_than`) that node `id`'s own `set` adds a positive amount to, and no
/// other node of `id`'s component of the way graph (`comp`) writes that variable. Such a
/// branch is taken a bounded number of times in a row; a loop through it ends.
fn counted(menu: &Menu, comp: &[usize], id: NodeId, route: &Route) -> bool {
    let node = menu.node(id);
    route.when.iter().any(|test| {
        let Test::Compare { var, op, .. } = test else {
            return false;
        };
        if !matches!(op, CompareOp::AtMost | CompareOp::Less) {
            return false;
        }
        let adds = node
            .set
            .iter()
            .any(|s| s.var == *var && matches!(s.value, SetValue::Add(n) if n > 0));
        adds && !menu
            .node_ids()
            .any(|other| other != id && comp[other.index()] == comp[id.index()] && writes(menu, other, var))
    })
}

/// Whether node `id` writes variable `var` (a `set`, a `store`).
fn writes(menu: &Menu, id: NodeId, var: &str) -> bool {
    let node = menu.node(id);
    node.set.iter().any(|s| s.var == var)
        || match &node.kind {
            NodeKind::Menu(m) => m
                .options
                .iter()
                .any(|o| o.store.as_deref() == Some(var) || o.set.iter().any(|s| s.var == var)),
            NodeKind::Collect(c) => c.store == var,
            NodeKind::External(e) => e.store == var,
            NodeKind::Record(r) => r.store == var,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::testing::menu;

    fn names(m: &Menu, l: &EndlessLoop) -> Vec<String> {
        l.cycle.iter().map(|&n| m.node(n).id.clone()).collect()
    }

    #[test]
    fn a_fallback_to_its_own_node_is_an_endless_loop() {
        let m = menu(
            r#"
name: T
entry: main
nodes:
  main: { kind: menu, prompt: { text: "a" }, fallback: main, options: [{ key: "1", to: op }] }
  op: { kind: transfer, queue: q }
"#,
        );
        let loops = endless_loops(&m);
        assert_eq!(loops.len(), 1);
        assert_eq!(names(&m, &loops[0]), ["main"]);
        assert_eq!(loops[0].behaviour, [FailureKind::NoInput, FailureKind::NoMatch]);
    }

    #[test]
    fn loops_follow_the_kind_and_the_counting_policy() {
        let m = menu(
            r#"
name: T
entry: main
nodes:
  main:
    kind: menu
    prompt: { text: "a" }
    fallback_no_input: help
    fallback_no_match: op
    options: [{ key: "1", to: op }]
  help: { kind: message, prompt: { text: "h" }, next: check }
  check: { kind: route, routes: [{ when: { var: x, equals: "1" }, to: op }], default: main }
  kept:
    kind: menu
    counting: call
    prompt: { text: "k" }
    fallback: kept
    options: [{ key: "1", to: forever }]
  forever: { kind: collect, prompt: { text: "n" }, max_no_match: unlimited, fallback: op, digits: { min: 1, max: 2 }, store: n, next: op }
  op: { kind: transfer, queue: q }
"#,
        );
        let loops = endless_loops(&m);
        let got: Vec<(Vec<String>, Vec<FailureKind>)> =
            loops.iter().map(|l| (names(&m, l), l.behaviour.clone())).collect();
        assert_eq!(
            got,
            vec![
                // Silence: `main` → `help` → `check` (its default) → `main`.
                (
                    vec!["main".into(), "help".into(), "check".into()],
                    vec![FailureKind::NoInput]
                ),
                // Wrong keys at `forever`: re-prompted for ever.
                (vec!["forever".into()], vec![FailureKind::NoMatch]),
            ]
        );
        // `kept` (counting: call) falls back to itself once, then the call ends: no loop.
    }

    #[test]
    fn a_counted_route_ends_its_loop_unless_the_loop_resets_the_count() {
        let looped = |reset: &str| {
            menu(&format!(
                r#"
name: T
entry: main
nodes:
  main: {{ kind: menu, prompt: {{ text: "a" }}, max_no_input: 1, max_no_match: 1, fallback: again, options: [{{ key: "1", to: op }}] }}
  again:
    kind: route
    set: {{ tries: "+1" }}
    routes: [{{ when: {{ var: tries, at_most: 2 }}, to: {reset} }}]
    default: op
  reset: {{ kind: message, set: {{ tries: "0" }}, prompt: {{ text: "r" }}, next: main }}
  op: {{ kind: transfer, queue: q }}
"#
            ))
        };
        assert!(endless_loops(&looped("main")).is_empty());
        let m = looped("reset");
        let loops = endless_loops(&m);
        assert_eq!(loops.len(), 1);
        assert_eq!(names(&m, &loops[0]), ["main", "again", "reset"]);
    }
}
