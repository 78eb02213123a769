//! Opening hours in the graph: which route branches can be taken while a given set of
//! schedules is open. `check` uses it once per distinct combination of open and closed
//! schedules over the week and the dated exceptions (`check::hours`), and once for the
//! moment of `check --at`.
//!
//! The rule follows the engine's (call-semantics rule 9: routes in order, first match wins,
//! else `default`): a branch whose `when` names a closed schedule cannot be taken; a branch
//! whose `when` is only `hours` tests, all open, is taken for sure, so the branches after it
//! and the `default` cannot be. Other tests (variables, language) may go either way. Whether
//! a schedule is open at a moment is [`crate::menu::Schedule::is_open_at`].

use jiff::civil::DateTime;
use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;

use super::{EdgeKind, MenuGraph};
use crate::menu::{Menu, NodeKind, Test};

/// One `{ when, to }` of a route node that tests opening hours.
#[derive(Clone, Debug)]
struct Branch {
    /// The branch's edge (none when its target is missing or unreadable).
    edge: Option<EdgeIndex>,
    /// The schedules its `when` needs open, as indices into [`HoursRoutes::schedules`]
    /// (`None`: a schedule the menu does not define, never open).
    hours: Vec<Option<usize>>,
    /// Its `when` has only `hours` tests: taken for sure when they all hold.
    only_hours: bool,
}

/// A route node with at least one `hours` test.
#[derive(Clone, Debug)]
struct HoursRoute {
    branches: Vec<Branch>,
    default: Option<EdgeIndex>,
}

/// The route branches of a menu that depend on opening hours.
#[derive(Clone, Debug, Default)]
pub struct HoursRoutes {
    /// The schedules some `when: { hours }` names and the menu defines, in `schedules:` order.
    pub schedules: Vec<String>,
    routes: Vec<HoursRoute>,
}

impl HoursRoutes {
    /// Collects the route branches that test opening hours: O(nodes + edges).
    pub fn of(menu: &Menu, g: &MenuGraph) -> Self {
        let used = |name: &str| {
            menu.nodes.iter().any(|n| match &n.kind {
                NodeKind::Route(r) => r
                    .routes
                    .iter()
                    .any(|b| b.when.iter().any(|t| matches!(t, Test::Hours(h) if h == name))),
                _ => false,
            })
        };
        let schedules: Vec<String> = menu.schedules.keys().filter(|s| used(s)).cloned().collect();
        let mut routes = Vec::new();
        for id in menu.node_ids() {
            let NodeKind::Route(r) = &menu.node(id).kind else {
                continue;
            };
            if !r.routes.iter().any(|b| b.when.iter().any(|t| matches!(t, Test::Hours(_)))) {
                continue;
            }
            let mut edges = vec![None; r.routes.len()];
            let mut default = None;
            for e in g.graph.edges(g.ix(id)) {
                match e.weight() {
                    EdgeKind::Route { index } => edges[*index] = Some(e.id()),
                    EdgeKind::RouteDefault => default = Some(e.id()),
                    _ => {}
                }
            }
            let branches = r
                .routes
                .iter()
                .zip(edges)
                .map(|(b, edge)| Branch {
                    edge,
                    hours: b
                        .when
                        .iter()
                        .filter_map(|t| match t {
                            Test::Hours(h) => Some(schedules.iter().position(|s| s == h)),
                            _ => None,
                        })
                        .collect(),
                    only_hours: !b.when.is_empty() && b.when.iter().all(|t| matches!(t, Test::Hours(_))),
                })
                .collect();
            routes.push(HoursRoute { branches, default });
        }
        HoursRoutes { schedules, routes }
    }

    /// Whether no route depends on opening hours (then every period is the same).
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// `removed[e]` for every edge index `e` of `g`: the route branches (and defaults) that
    /// cannot be taken while exactly the schedules with `open[i]` are open. O(edges).
    pub fn removed(&self, g: &MenuGraph, open: &[bool]) -> Vec<bool> {
        let mut removed = vec![false; g.edge_count()];
        let mut cut = |e: Option<EdgeIndex>| {
            if let Some(e) = e {
                removed[e.index()] = true;
            }
        };
        for r in &self.routes {
            let mut taken = false;
            for b in &r.branches {
                if taken || !b.hours.iter().all(|h| h.is_some_and(|i| open[i])) {
                    cut(b.edge);
                } else if b.only_hours {
                    taken = true;
                }
            }
            if taken {
                cut(r.default);
            }
        }
        removed
    }

    /// Which of [`Self::schedules`] are open at the local date and time `at`.
    pub fn open_at(&self, menu: &Menu, at: DateTime) -> Vec<bool> {
        self.schedules
            .iter()
            .map(|s| menu.schedules.get(s).is_some_and(|s| s.is_open_at(at)))
            .collect()
    }
}

/// Removes from `g` the route branches that cannot be taken at the local date and time `at`
/// (`check --at`): what is left is the graph of that moment. Node indices do not change.
pub fn keep_moment(menu: &Menu, g: &mut MenuGraph, at: DateTime) {
    let h = HoursRoutes::of(menu, g);
    if h.is_empty() {
        return;
    }
    let removed = h.removed(g, &h.open_at(menu, at));
    // `retain_edges` visits edges from the highest index down, and a removal moves the last
    // (already visited) edge into the hole, so each index is still the original one.
    g.graph.retain_edges(|_, e| !removed[e.index()]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::testing::menu;

    #[test]
    fn branches_that_cannot_hold_are_removed_and_a_sure_branch_hides_the_rest() {
        let m = menu(
            r#"
name: T
entry: r
schedules:
  day: [{ days: mon-sun, from: "08:00", to: "20:00" }]
  desk: [{ days: mon-fri, from: "09:00", to: "17:00" }]
nodes:
  r:
    kind: route
    routes:
      - { when: { hours: desk, var: vip, equals: "1" }, to: vip }
      - { when: { hours: day }, to: op }
      - { when: { var: x, equals: "1" }, to: vip }
    default: closed
  vip: { kind: transfer, queue: vip }
  op: { kind: transfer, queue: q }
  closed: { kind: hangup }
"#,
        );
        let g = MenuGraph::build(&m);
        let h = HoursRoutes::of(&m, &g);
        assert_eq!(h.schedules, ["day", "desk"]);
        let kept = |open: &[bool]| -> Vec<String> {
            let removed = h.removed(&g, open);
            g.graph
                .edge_references()
                .filter(|e| !removed[e.id().index()])
                .map(|e| e.weight().describe())
                .collect()
        };
        // Night: only the variable branch and the default.
        assert_eq!(kept(&[false, false]), ["route 3", "default"]);
        // Day, desk closed: `day` holds for sure, so nothing after it.
        assert_eq!(kept(&[true, false]), ["route 2"]);
        assert_eq!(kept(&[true, true]), ["route 1", "route 2"]);
    }
}
