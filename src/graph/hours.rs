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

use std::collections::{BTreeSet, HashMap};

use jiff::civil::{Date, DateTime};
use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;

use super::{EdgeKind, MenuGraph};
use crate::menu::schedule::{Weekday, weekday};
use crate::menu::{Menu, NodeId, NodeKind, Test};

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

/// The route branches of a menu that depend on opening hours, and the transfers whose queue
/// has opening hours (`queues.NAME.hours`: outside them no call-taker answers, call-semantics
/// "Queues").
#[derive(Clone, Debug, Default)]
pub struct HoursRoutes {
    /// The schedules some `when: { hours }` or some transfer's queue names and the menu
    /// defines, in `schedules:` order.
    pub schedules: Vec<String>,
    routes: Vec<HoursRoute>,
    /// Transfers whose queue has `hours`, with that schedule (index into `schedules`).
    queues: Vec<(NodeId, usize)>,
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
                NodeKind::Transfer(t) => t.settings.hours.as_deref() == Some(name),
                _ => false,
            })
        };
        let schedules: Vec<String> = menu.schedules.keys().filter(|s| used(s)).cloned().collect();
        let queues = menu
            .node_ids()
            .filter_map(|id| match &menu.node(id).kind {
                NodeKind::Transfer(t) => {
                    let h = t.settings.hours.as_deref()?;
                    Some((id, schedules.iter().position(|s| s == h)?))
                }
                _ => None,
            })
            .collect();
        let mut routes = Vec::new();
        for id in menu.node_ids() {
            let NodeKind::Route(r) = &menu.node(id).kind else {
                continue;
            };
            if !r
                .routes
                .iter()
                .any(|b| b.when.iter().any(|t| matches!(t, Test::Hours(_))))
            {
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
        HoursRoutes {
            schedules,
            routes,
            queues,
        }
    }

    /// Whether neither a route nor a queue depends on opening hours (then every period is the
    /// same).
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty() && self.queues.is_empty()
    }

    /// `closed[i]` for every node `i`: a transfer whose queue is closed while exactly the
    /// schedules with `open[j]` are open; no call-taker answers there then. O(nodes).
    pub fn closed_queues(&self, nodes: usize, open: &[bool]) -> Vec<bool> {
        let mut closed = vec![false; nodes];
        for &(id, s) in &self.queues {
            closed[id.index()] = !open[s];
        }
        closed
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

/// Most exception dates looked at (every date of every `closed` and `special` range of the
/// schedules routes test); dates after these are not checked one by one.
pub const MAX_DATES: usize = 4096;

/// Which day a stretch of time is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Day {
    /// Every ordinary `weekday` (no exception).
    Weekly(Weekday),
    /// One date with an exception in some schedule.
    Dated(Date),
}

/// A stretch `from..to` (minutes after midnight) of a day with one combination of schedules.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    /// The day.
    pub day: Day,
    /// Start, minutes after midnight.
    pub from: u16,
    /// End, minutes after midnight, exclusive (at most 1440).
    pub to: u16,
    /// The combination of open schedules, an index into [`Periods::combos`].
    pub combo: usize,
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The week and the exception dates split into stretches with one combination of open
/// schedules each.
#[derive(Clone, Debug, Default)]
pub struct Periods {
    /// The stretches, day by day (the seven weekdays, then the dates in order), each day
    /// covered from 00:00 to 24:00, adjacent stretches with one combination merged.
    pub slots: Vec<Slot>,
    /// The distinct combinations: `combos[c][i]` is true when schedule `i` of
    /// [`HoursRoutes::schedules`] is open.
    pub combos: Vec<Vec<bool>>,
}

impl Periods {
    /// Splits the week at every opening and closing time of the schedules routes test, and
    /// makes every date with an exception (at most [`MAX_DATES`]) a day of its own: O(days ×
    /// periods × log periods).
    pub fn split(menu: &Menu, h: &HoursRoutes) -> Self {
        let scheds: Vec<_> = h.schedules.iter().filter_map(|s| menu.schedules.get(s)).collect();
        let mut dates = BTreeSet::new();
        'all: for s in &scheds {
            for r in s.exception_dates() {
                let mut d = r.first;
                while d <= r.last {
                    dates.insert(d);
                    if dates.len() >= MAX_DATES {
                        break 'all;
                    }
                    match d.tomorrow() {
                        Ok(n) => d = n,
                        Err(_) => break,
                    }
                }
            }
        }
        let days = WEEK
            .iter()
            .map(|&w| (Day::Weekly(w), w, None))
            .chain(dates.into_iter().map(|d| (Day::Dated(d), weekday(d), Some(d))));
        let mut combos: Vec<Vec<bool>> = Vec::new();
        let mut ids: HashMap<Vec<bool>, usize> = HashMap::new();
        let mut slots = Vec::new();
        for (day, w, date) in days {
            let open: Vec<Vec<(u16, u16)>> = scheds.iter().map(|s| s.open_minutes(w, date)).collect();
            let mut cuts: Vec<u16> = vec![0, 1440];
            cuts.extend(open.iter().flatten().flat_map(|&(f, t)| [f, t]));
            cuts.sort_unstable();
            cuts.dedup();
            for pair in cuts.windows(2) {
                let (from, to) = (pair[0], pair[1]);
                let combo: Vec<bool> = open
                    .iter()
                    .map(|o| o.iter().any(|&(f, t)| f <= from && from < t))
                    .collect();
                let next = combos.len();
                let c = *ids.entry(combo.clone()).or_insert(next);
                if c == next {
                    combos.push(combo);
                }
                match slots.last_mut() {
                    Some(Slot {
                        day: d,
                        to: t,
                        combo: k,
                        ..
                    }) if *d == day && *t == from && *k == c => *t = to,
                    _ => slots.push(Slot {
                        day,
                        from,
                        to,
                        combo: c,
                    }),
                }
            }
        }
        Periods { slots, combos }
    }

    /// A local date and time inside `slot` (its start): on its date, or for an ordinary weekday
    /// on that weekday of the first week from Monday 2026-03-02 with no exception date.
    pub fn moment(&self, slot: &Slot) -> DateTime {
        let date = match slot.day {
            Day::Dated(d) => d,
            Day::Weekly(w) => {
                let dated: std::collections::BTreeSet<Date> = self
                    .slots
                    .iter()
                    .filter_map(|s| match s.day {
                        Day::Dated(d) => Some(d),
                        Day::Weekly(_) => None,
                    })
                    .collect();
                let mut monday = jiff::civil::date(2026, 3, 2);
                for _ in 0..1000 {
                    let week: Vec<Date> = (0..7)
                        .filter_map(|i| monday.checked_add(jiff::Span::new().days(i)).ok())
                        .collect();
                    if !week.iter().any(|d| dated.contains(d)) {
                        break;
                    }
                    match monday.checked_add(jiff::Span::new().weeks(1)) {
                        Ok(m) => monday = m,
                        Err(_) => break,
                    }
                }
                monday
                    .checked_add(jiff::Span::new().days(w.index() as i64))
                    .unwrap_or(monday)
            }
        };
        date.at((slot.from / 60) as i8, (slot.from % 60) as i8, 0, 0)
    }

    /// One moment per combination (inside its first stretch), in combination order: the clocks
    /// at which a call meets every combination of the routes on opening hours.
    pub fn moments(&self) -> Vec<DateTime> {
        (0..self.combos.len())
            .filter_map(|c| self.slots.iter().find(|s| s.combo == c).map(|s| self.moment(s)))
            .collect()
    }
}

/// The moments, besides `known`, at which a call meets a combination of open and closed
/// schedules (of those routes test) that none of `known` meets: one per combination, for
/// `scenarios generate` and the edge walk, so that a branch open only on a special date (or
/// closed only on a holiday) is driven too. Empty when no route tests opening hours.
pub fn more_moments(menu: &Menu, g: &MenuGraph, known: &[DateTime]) -> Vec<DateTime> {
    let h = HoursRoutes::of(menu, g);
    if h.is_empty() || h.schedules.is_empty() {
        return Vec::new();
    }
    let seen: BTreeSet<Vec<bool>> = known.iter().map(|&t| h.open_at(menu, t)).collect();
    let p = Periods::split(menu, &h);
    p.moments()
        .into_iter()
        .zip(&p.combos)
        .filter(|(_, c)| !seen.contains(*c))
        .map(|(t, _)| t)
        .collect()
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
