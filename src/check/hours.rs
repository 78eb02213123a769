//! W023: nodes from which no person can be reached during some period of the week, or on a
//! dated exception of a schedule (a holiday, special hours).
//!
//! The week is split at every boundary of the schedules that routes test (`when: { hours }`):
//! each day into stretches with one combination of open and closed schedules; every date with
//! an exception (`closed`, `special`) of one of them is a day of its own. Operator
//! reachability ([`crate::graph::reach::reach_where`]) then runs once per distinct
//! combination, with the route branches that cannot be taken then left out
//! ([`crate::graph::hours::HoursRoutes::removed`]), not once per node: O(combinations ×
//! (nodes + edges)), plus O(nodes × failing combinations) to group the nodes. Other route
//! tests (variables, language) still count as going either way. A call is taken to stay in
//! one period while it is in the menu.
//!
//! Nodes that fail in the same periods are one finding, placed at the one nearest the entry.

use std::collections::{BTreeMap, HashMap, VecDeque};

use jiff::civil::Date;
use petgraph::graph::NodeIndex;

use super::Analysis;
use crate::diag::{Code, Diagnostic};
use crate::graph::hours::{Day, HoursRoutes, Periods, Slot};
use crate::graph::reach::reach_where;
use crate::menu::schedule::{Weekday, weekday};
use crate::menu::{Menu, NodeId, NodeKind};

/// Nodes in breadth-first order from the entry (then the others), to name the nearest first.
fn order_from_entry(a: &Analysis) -> Vec<NodeId> {
    let g = &a.graph;
    let n = g.node_count();
    let mut seen = vec![false; n];
    let mut out = Vec::with_capacity(n);
    let mut queue = VecDeque::new();
    if let Some(e) = g.entry {
        seen[e.index()] = true;
        queue.push_back(g.ix(e));
    }
    while let Some(v) = queue.pop_front() {
        out.push(g.graph[v]);
        for m in g.graph.neighbors(v) {
            if !seen[m.index()] {
                seen[m.index()] = true;
                queue.push_back(m);
            }
        }
    }
    out.extend((0..n).filter(|&i| !seen[i]).map(|i| g.graph[NodeIndex::new(i)]));
    out
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// `all day`, `before 08:00`, `from 18:00`, `12:00–14:00`, joined by `and`.
fn minutes_text(v: &[(u16, u16)]) -> String {
    if v == [(0, 1440)] {
        return "all day".into();
    }
    let parts: Vec<String> = v
        .iter()
        .map(|&(f, t)| match (f, t) {
            (0, t) => format!("before {}", hhmm(t)),
            (f, 1440) => format!("from {}", hhmm(f)),
            (f, t) => format!("{}–{}", hhmm(f), hhmm(t)),
        })
        .collect();
    parts.join(" and ")
}

/// `mon-fri`, `sat`, `mon,wed-thu`, `every day`, as `days:` is written.
fn days_text(days: &[Weekday]) -> String {
    if days.len() == 7 {
        return "every day".into();
    }
    let mut runs: Vec<(Weekday, Weekday)> = Vec::new();
    for &d in days {
        match runs.last_mut() {
            Some((_, last)) if last.index() + 1 == d.index() => *last = d,
            _ => runs.push((d, d)),
        }
    }
    runs.iter()
        .map(|(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") })
        .collect::<Vec<_>>()
        .join(",")
}

/// Stretches of one day, `(from, to)` in minutes after midnight.
type Minutes = Vec<(u16, u16)>;

/// Most groups of dates named in one finding.
const MAX_DATE_GROUPS: usize = 6;

/// The periods made of the slots whose combination is in `failing`, said plainly:
/// `mon-fri before 08:00 and from 18:00; sat-sun all day; on 2026-12-25 all day`.
fn periods_text(slots: &[Slot], failing: &[bool]) -> String {
    let mut weekly: BTreeMap<Weekday, Vec<(u16, u16)>> = BTreeMap::new();
    let mut dated: BTreeMap<Date, Vec<(u16, u16)>> = BTreeMap::new();
    for s in slots.iter().filter(|s| failing[s.combo]) {
        let v = match s.day {
            Day::Weekly(w) => weekly.entry(w).or_default(),
            Day::Dated(d) => dated.entry(d).or_default(),
        };
        match v.last_mut() {
            Some(last) if last.1 == s.from => last.1 = s.to,
            _ => v.push((s.from, s.to)),
        }
    }
    let mut parts = Vec::new();
    // Weekdays with the same stretches, in the order of their first day.
    let mut groups: Vec<(Minutes, Vec<Weekday>)> = Vec::new();
    for (w, v) in &weekly {
        match groups.iter_mut().find(|(g, _)| g == v) {
            Some((_, days)) => days.push(*w),
            None => groups.push((v.clone(), vec![*w])),
        }
    }
    if groups.len() == 1 && groups[0].1.len() == 7 && groups[0].0 == [(0, 1440)] {
        parts.push("at all hours of the week".to_owned());
    } else {
        for (v, days) in &groups {
            parts.push(format!("{} {}", days_text(days), minutes_text(v)));
        }
    }
    // Dates said only where they differ from their weekday; runs of days merged.
    let mut runs: Vec<(Date, Date, Minutes)> = Vec::new();
    for (d, v) in dated {
        if weekly.get(&weekday(d)) == Some(&v) {
            continue;
        }
        match runs.last_mut() {
            Some((_, last, lv)) if last.tomorrow().ok() == Some(d) && *lv == v => *last = d,
            _ => runs.push((d, d, v)),
        }
    }
    let mut date_groups: Vec<(Minutes, Vec<String>)> = Vec::new();
    for (a, b, v) in runs {
        let name = if a == b { a.to_string() } else { format!("{a} to {b}") };
        match date_groups.iter_mut().find(|(g, _)| *g == v) {
            Some((_, names)) => names.push(name),
            None => date_groups.push((v, vec![name])),
        }
    }
    let more = date_groups.len().saturating_sub(MAX_DATE_GROUPS);
    for (v, names) in date_groups.iter().take(MAX_DATE_GROUPS) {
        parts.push(format!("on {} {}", names.join(", "), minutes_text(v)));
    }
    if more > 0 {
        parts.push(format!("and on {more} other sets of dates"));
    }
    parts.join("; ")
}

/// A moment inside the first failing slot, for `check --at`.
fn example_moment(periods: &Periods, failing: &[bool]) -> Option<String> {
    let s = periods.slots.iter().find(|s| failing[s.combo])?;
    Some(periods.moment(s).strftime("%Y-%m-%dT%H:%M").to_string())
}

/// W023, for the nodes that reach an operator at some time (the others are E014's) and that
/// a caller can be at in a period in which they do not.
pub(super) fn check(
    menu: &Menu,
    a: &Analysis,
    reaches: &[bool],
    only_without_operator: &[bool],
    diags: &mut Vec<Diagnostic>,
) {
    if a.at.is_some() || menu.self_service {
        // `check --at` looks at one moment: the graph is that moment's already. A
        // self-service menu has no person to reach at any time.
        return;
    }
    let g = &a.graph;
    let h = HoursRoutes::of(menu, g);
    if h.is_empty() || h.schedules.is_empty() {
        return;
    }
    let periods = Periods::split(menu, &h);
    let (slots, combos) = (&periods.slots, &periods.combos);
    let candidate: Vec<bool> = menu
        .node_ids()
        .map(|id| {
            let i = id.index();
            reaches[i]
                && a.reachable[i]
                && !only_without_operator[i]
                && !matches!(menu.node(id).kind, NodeKind::Hangup(_) | NodeKind::Transfer(_))
        })
        .collect();
    // Partition refinement: `group[node]` names the set of combinations in which the node is
    // reachable and reaches no one (`sets[group]`, in combination order); group 0 is the empty
    // set. Each combination splits the groups of the nodes that fail in it: O(nodes) memory
    // and O(nodes) time per combination, however many combinations there are.
    let mut group: Vec<u32> = vec![0; menu.nodes.len()];
    let mut sets: Vec<Vec<u32>> = vec![Vec::new()];
    for (c, open) in combos.iter().enumerate() {
        let removed = h.removed(g, open);
        let closed = h.closed_queues(menu.nodes.len(), open);
        let (reaches, reachable) = reach_where(menu, g, &removed, &closed);
        let mut split: HashMap<u32, u32> = HashMap::new();
        for i in 0..menu.nodes.len() {
            if candidate[i] && reachable[i] && !reaches[i] {
                let old = group[i];
                group[i] = *split.entry(old).or_insert_with(|| {
                    let mut set = sets[old as usize].clone();
                    set.push(c as u32);
                    sets.push(set);
                    (sets.len() - 1) as u32
                });
            }
        }
    }
    // The nodes of each non-empty set, nearest the entry first.
    let mut groups: Vec<(u32, Vec<NodeId>)> = Vec::new();
    let mut index: HashMap<u32, usize> = HashMap::new();
    for id in order_from_entry(a) {
        let k = group[id.index()];
        if k == 0 {
            continue;
        }
        match index.get(&k) {
            Some(&j) => groups[j].1.push(id),
            None => {
                index.insert(k, groups.len());
                groups.push((k, vec![id]));
            }
        }
    }
    let closed_names = h
        .schedules
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    for (k, nodes) in groups {
        let mut mask = vec![false; combos.len()];
        for &c in &sets[k as usize] {
            mask[c as usize] = true;
        }
        let head = menu.node(nodes[0]);
        let when = periods_text(slots, &mask);
        let mut d = Diagnostic::new(
            Code::NoOperatorSometimes,
            head.span,
            format!("from `{}`, {when}: no way to a person", head.id),
        )
        .label("a caller here then can never reach a person");
        if nodes.len() > 1 {
            d = d.note(format!("the same holds for {}", super::names(menu, &nodes[1..], 5)));
        }
        d = d.note(format!(
            "counted with only the routes that can be taken then, by the opening hours of {closed_names}"
        ));
        let moment = example_moment(&periods, &mask)
            .map(|m| format!("; `ivrsim check --at {m}` shows one such moment"))
            .unwrap_or_default();
        d = d.help(format!(
            "lead the closed branch to a person (an on-call queue, a callback), or, if the line is meant to be closed then, allow it: `lint: {{ allow: [no-operator-sometimes] }}`{moment}"
        ));
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_said_plainly() {
        let w = |d: Weekday, from, to| Slot {
            day: Day::Weekly(d),
            from,
            to,
            combo: 0,
        };
        let mut slots: Vec<Slot> = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
            .iter()
            .flat_map(|&d| [w(d, 0, 480), w(d, 1080, 1440)])
            .collect();
        slots.push(w(Weekday::Sat, 0, 1440));
        slots.push(w(Weekday::Sun, 0, 1440));
        let xmas: Date = "2026-12-25".parse().unwrap();
        slots.push(Slot {
            day: Day::Dated(xmas),
            from: 0,
            to: 1440,
            combo: 0,
        });
        assert_eq!(
            periods_text(&slots, &[true]),
            "mon-fri before 08:00 and from 18:00; sat-sun all day; on 2026-12-25 all day"
        );
        assert_eq!(days_text(&[Weekday::Mon, Weekday::Wed, Weekday::Thu]), "mon,wed-thu");
        assert_eq!(minutes_text(&[(720, 840)]), "12:00–14:00");
    }
}
