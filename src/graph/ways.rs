//! Shortest ways to an operator ("time to agent"): for every node, the fewest keypresses
//! and the fewest seconds from there to a `transfer` node, with the way itself.
//!
//! # Cost model
//! A way is costed as a caller who listens to each prompt to its end and then acts:
//! - a key (an option, or a global key at a menu, a message with barge-in or a collect) costs
//!   its keypresses and the node's prompt, plus the node's inter-digit timeout when the key is
//!   the start of a longer key that acts there, option or global key (the engine must wait to
//!   tell them apart: [`rules::key_wait`]);
//! - a message costs its prompt;
//! - a collect costs its prompt and `min` digits (plus the terminator if it has one, or
//!   the inter-digit timeout if entry can be shorter than `max` and has no terminator);
//! - running out of no-input retries (`max_no_input` = N) costs
//!   prompt + timeout + Σ(i=1..N-1) (re-prompt i + prompt + timeout), no keys;
//! - running out of no-match retries costs N keys and prompt + Σ(i=1..N-1) (re-prompt i +
//!   prompt) (a collect adds an inter-digit timeout per attempt);
//! - routes are instant; the transfer's own prompt is heard before the operator answers.
//!
//! Spoken keywords are not used: ways are counted in keypresses. Dijkstra's algorithm runs
//! backwards from every transfer at once: O((nodes + edges) log nodes).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::time::Duration;

use petgraph::Direction;
use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;

use super::{EdgeKind, MenuGraph};
use crate::menu::{Menu, NodeId, NodeKind, Prompt};
use crate::rules;
use crate::timing::PromptTimings;

/// Keypresses and milliseconds of a way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// DTMF keypresses.
    pub keys: u32,
    /// Time on the line, in milliseconds.
    pub ms: u64,
}

impl Cost {
    fn plus(self, o: Cost) -> Cost {
        Cost {
            keys: self.keys.saturating_add(o.keys),
            ms: self.ms.saturating_add(o.ms),
        }
    }

    /// The time as a [`Duration`].
    pub fn time(self) -> Duration {
        Duration::from_millis(self.ms)
    }
}

/// What a way minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Fewest keypresses (then fewest seconds), by deliberate actions only: keys and what
    /// follows by itself. Waiting out time-outs and keying invalid input are not used.
    FewestKeys,
    /// Fewest seconds (then fewest keys), by any caller action: keys, silence, invalid input.
    Fastest,
}

impl Goal {
    fn cmp(self, a: Cost, b: Cost) -> Ordering {
        match self {
            Goal::FewestKeys => (a.keys, a.ms).cmp(&(b.keys, b.ms)),
            Goal::Fastest => (a.ms, a.keys).cmp(&(b.ms, b.keys)),
        }
    }

    fn key(self, c: Cost) -> (u64, u64) {
        match self {
            Goal::FewestKeys => (u64::from(c.keys), c.ms),
            Goal::Fastest => (c.ms, u64::from(c.keys)),
        }
    }
}

/// Prompt durations of every node, in milliseconds, read once.
pub struct Timings {
    prompt: Vec<u64>,
    no_input: Vec<Vec<u64>>,
    no_match: Vec<Vec<u64>>,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Timings {
    /// Durations of every node's prompts in the default language: clip lengths, or the
    /// text at the documented speaking rate (see [`crate::timing`]).
    pub fn of(menu: &Menu, timings: &PromptTimings) -> Self {
        let dur = |p: &Prompt| ms(timings.of(p, None).duration);
        let mut t = Timings {
            prompt: Vec::with_capacity(menu.nodes.len()),
            no_input: Vec::with_capacity(menu.nodes.len()),
            no_match: Vec::with_capacity(menu.nodes.len()),
        };
        for n in &menu.nodes {
            t.prompt.push(n.kind.prompt().map_or(0, dur));
            let l = n.kind.listen();
            t.no_input
                .push(l.map_or_else(Vec::new, |l| l.no_input.iter().map(dur).collect()));
            t.no_match
                .push(l.map_or_else(Vec::new, |l| l.no_match.iter().map(dur).collect()));
        }
        t
    }

    /// Playing time of node `id`'s main prompt, in milliseconds.
    pub fn prompt_ms(&self, id: NodeId) -> u64 {
        self.prompt[id.index()]
    }
}

/// The cost of taking edge `e` (from the node it leaves), or `None` if `goal` does not use it.
pub fn edge_cost(menu: &Menu, g: &MenuGraph, t: &Timings, goal: Goal, e: EdgeIndex) -> Option<Cost> {
    let (from, _) = g.graph.edge_endpoints(e)?;
    let id = g.graph[from];
    let p = t.prompt[id.index()];
    let kind = &menu.node(id).kind;
    let reprompt = |list: &Vec<u64>, i: u32| -> u64 {
        if list.is_empty() {
            0
        } else {
            list[(i as usize - 1).min(list.len() - 1)]
        }
    };
    let cost = match &g.graph[e] {
        EdgeKind::Keyword { .. } | EdgeKind::NoOperator | EdgeKind::HoldExit { .. } => return None,
        EdgeKind::NoInput | EdgeKind::NoMatch if goal == Goal::FewestKeys => return None,
        EdgeKind::Route { .. } | EdgeKind::RouteDefault => Cost::default(),
        // An external step that comes back: its prompt, then the result ("External steps").
        EdgeKind::External { .. } => Cost { keys: 0, ms: p },
        // A key that a longer key at the node starts with (an option's or an active global
        // key's) acts only after the inter-digit timeout (rule 3, `rules::key_wait`).
        EdgeKind::Option { key, .. } | EdgeKind::GlobalKey { key, .. } => Cost {
            keys: key.len() as u32,
            ms: p + ms(rules::key_wait(menu, id, key.as_str())),
        },
        EdgeKind::NoInput if let NodeKind::Record(r) = kind => Cost {
            keys: 0,
            ms: p + beep(r) + ms(r.timeout),
        },
        EdgeKind::Next => match kind {
            // The fastest recording: the terminator (or any key) right after the beep.
            NodeKind::Record(r) => Cost {
                keys: 1,
                ms: p + beep(r),
            },
            NodeKind::Collect(c) => {
                let term = u32::from(c.terminator.is_some());
                let wait = match &c.terminator {
                    // The terminator waits too if a longer active key starts with it.
                    Some(t) => ms(rules::key_wait(menu, id, t.as_str())),
                    None if c.min < c.max => ms(c.listen.inter_digit_timeout),
                    None => 0,
                };
                Cost {
                    keys: c.min + term,
                    ms: p + wait,
                }
            }
            _ => Cost { keys: 0, ms: p },
        },
        EdgeKind::NoInput => {
            let l = kind.listen()?;
            let timeout = ms(l.timeout);
            let rp = &t.no_input[id.index()];
            // An unlimited kind has no fallback edge; a limit is at most `MAX_RETRIES`.
            let max = l.max_no_input.limit()?;
            let retries: u64 = (1..max).map(|i| reprompt(rp, i) + p + timeout).sum();
            Cost {
                keys: 0,
                ms: p + timeout + retries,
            }
        }
        EdgeKind::NoMatch => {
            let l = kind.listen()?;
            let extra = if matches!(kind, NodeKind::Collect(_)) {
                ms(l.inter_digit_timeout)
            } else {
                0
            };
            let rp = &t.no_match[id.index()];
            let max = l.max_no_match.limit()?;
            let retries: u64 = (1..max).map(|i| reprompt(rp, i) + p + extra).sum();
            Cost {
                keys: max,
                ms: p + extra + retries,
            }
        }
    };
    Some(cost)
}

/// The beep of a record node, in ms.
fn beep(r: &crate::menu::RecordNode) -> u64 {
    if r.beep { ms(crate::menu::BEEP_LENGTH) } else { 0 }
}

/// Shortest ways from every node to an operator, for one [`Goal`].
pub struct Ways {
    /// What was minimised.
    pub goal: Goal,
    /// Cost from each node, `None` when no way exists under the goal.
    pub cost: Vec<Option<Cost>>,
    /// First edge of the way from each node (`None` at a transfer or without a way).
    pub first: Vec<Option<EdgeIndex>>,
}

impl Ways {
    /// Multi-source Dijkstra from every transfer, over reversed edges.
    pub fn compute(menu: &Menu, g: &MenuGraph, t: &Timings, goal: Goal) -> Self {
        let n = g.node_count();
        let mut cost: Vec<Option<Cost>> = vec![None; n];
        let mut first = vec![None; n];
        let mut heap = BinaryHeap::new();
        for id in menu.node_ids() {
            if matches!(menu.node(id).kind, NodeKind::Transfer(_)) {
                let c = Cost {
                    keys: 0,
                    ms: t.prompt[id.index()],
                };
                cost[id.index()] = Some(c);
                heap.push(Reverse((goal.key(c), id.0)));
            }
        }
        while let Some(Reverse((k, v))) = heap.pop() {
            let v = NodeId(v);
            let Some(cv) = cost[v.index()] else { continue };
            if goal.key(cv) != k {
                continue; // stale entry
            }
            for e in g.graph.edges_directed(g.ix(v), Direction::Incoming) {
                let Some(ce) = edge_cost(menu, g, t, goal, e.id()) else {
                    continue;
                };
                let u = g.graph[e.source()];
                let cand = ce.plus(cv);
                let better = cost[u.index()].is_none_or(|cu| goal.cmp(cand, cu) == Ordering::Less);
                if better && !matches!(menu.node(u).kind, NodeKind::Transfer(_)) {
                    cost[u.index()] = Some(cand);
                    first[u.index()] = Some(e.id());
                    heap.push(Reverse((goal.key(cand), u.0)));
                }
            }
        }
        Ways { goal, cost, first }
    }

    /// The first `max` edges of the way from `from` (fewer when the way is shorter). Empty
    /// at a transfer or when there is no way. O(`max`).
    pub fn path(&self, g: &MenuGraph, from: NodeId, max: usize) -> Vec<EdgeIndex> {
        let mut out = Vec::new();
        let mut at = from;
        while out.len() < max
            && let Some(e) = self.first[at.index()]
        {
            out.push(e);
            let Some((_, to)) = g.graph.edge_endpoints(e) else {
                break;
            };
            at = g.graph[to];
        }
        out
    }

    /// For every node with a way: the transfer the way ends at and its number of steps.
    /// Each node is walked once (the ways form a forest rooted at the transfers), so this is
    /// O(nodes) even for a 100,000-node chain.
    pub fn ends(&self, g: &MenuGraph) -> Vec<Option<(NodeId, u32)>> {
        let n = g.node_count();
        let mut end: Vec<Option<(NodeId, u32)>> = vec![None; n];
        let mut done = vec![false; n];
        let mut trail = Vec::new();
        for start in 0..n {
            // Walk down until a node whose end is known (or a transfer, or no way).
            let mut at = start;
            while !done[at] {
                done[at] = true;
                trail.push(at);
                match self.first[at].and_then(|e| g.graph.edge_endpoints(e)) {
                    Some((_, to)) => at = to.index(),
                    None => {
                        end[at] = self.cost[at].map(|_| (NodeId(at as u32), 0));
                        trail.pop();
                        break;
                    }
                }
            }
            // Unwind: each node's end is its successor's, one step further.
            let mut below = end[at];
            while let Some(u) = trail.pop() {
                below = below.map(|(t, steps)| (t, steps + 1));
                end[u] = below;
            }
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::testing::menu;

    // Prompts have no clips, so they last 0.4 s a word (150 words per minute).
    const MENU: &str = r##"
name: T
entry: m
defaults:
  fallback: op
  timeout: 5s
  inter_digit_timeout: 3s
  max_no_input: 3
  max_no_match: 2
  no_input: [{ text: "one two" }]
  no_match: [{ text: "one" }]
nodes:
  m: { kind: menu, prompt: { text: "a b c d e" }, options: [{ key: "1", to: c }, { key: "12", to: op }] }
  c: { kind: collect, prompt: { text: "a b" }, digits: { min: 4, max: 6, terminator: "#" }, store: x, next: op }
  op: { kind: transfer, queue: q, prompt: { text: "a" } }
"##;

    fn cost_of(m: &Menu, g: &MenuGraph, t: &Timings, from: &str, kind: EdgeKind, goal: Goal) -> Option<Cost> {
        let id = m.find(from).unwrap();
        let e = g.graph.edges(g.ix(id)).find(|e| *e.weight() == kind).unwrap().id();
        edge_cost(m, g, t, goal, e)
    }

    #[test]
    fn edge_costs_follow_the_documented_model() {
        let m = menu(MENU);
        let g = MenuGraph::build(&m);
        let t = Timings::of(&m, &PromptTimings::text_only());
        let key = |k: &str, index| EdgeKind::Option {
            key: crate::menu::DtmfKey::parse(k).unwrap(),
            index,
        };
        // "1" is the start of "12": the menu waits the inter-digit timeout after it.
        assert_eq!(
            cost_of(&m, &g, &t, "m", key("1", 0), Goal::Fastest),
            Some(Cost {
                keys: 1,
                ms: 2000 + 3000
            })
        );
        assert_eq!(
            cost_of(&m, &g, &t, "m", key("12", 1), Goal::Fastest),
            Some(Cost { keys: 2, ms: 2000 })
        );
        // Collect: min digits plus the terminator, after its prompt.
        assert_eq!(
            cost_of(&m, &g, &t, "c", EdgeKind::Next, Goal::Fastest),
            Some(Cost { keys: 5, ms: 800 })
        );
        // Silence: P + T + 2 × (R + P + T), the last re-prompt repeating.
        let silence = 2000 + 5000 + 2 * (800 + 2000 + 5000);
        assert_eq!(
            cost_of(&m, &g, &t, "m", EdgeKind::NoInput, Goal::Fastest),
            Some(Cost { keys: 0, ms: silence })
        );
        // Invalid input: 2 keys, P + (R + P).
        assert_eq!(
            cost_of(&m, &g, &t, "m", EdgeKind::NoMatch, Goal::Fastest),
            Some(Cost {
                keys: 2,
                ms: 2000 + 400 + 2000
            })
        );
        // A collect's invalid entry also waits the inter-digit timeout each time.
        assert_eq!(
            cost_of(&m, &g, &t, "c", EdgeKind::NoMatch, Goal::Fastest),
            Some(Cost {
                keys: 2,
                ms: 800 + 3000 + 400 + 800 + 3000
            })
        );
        // Fewest keys never uses silence or invalid input.
        assert_eq!(cost_of(&m, &g, &t, "m", EdgeKind::NoInput, Goal::FewestKeys), None);
    }

    #[test]
    fn shortest_ways_from_every_node() {
        let m = menu(MENU);
        let g = MenuGraph::build(&m);
        let t = Timings::of(&m, &PromptTimings::text_only());
        let keys = Ways::compute(&m, &g, &t, Goal::FewestKeys);
        let fast = Ways::compute(&m, &g, &t, Goal::Fastest);
        let at = |w: &Ways, n: &str| w.cost[m.find(n).unwrap().index()];
        // From m: "12" then the transfer prompt.
        assert_eq!(at(&keys, "m"), Some(Cost { keys: 2, ms: 2400 }));
        assert_eq!(at(&fast, "m"), Some(Cost { keys: 2, ms: 2400 }));
        assert_eq!(at(&keys, "c"), Some(Cost { keys: 5, ms: 1200 }));
        assert_eq!(at(&keys, "op"), Some(Cost { keys: 0, ms: 400 }));
        let path = keys.path(&g, m.find("m").unwrap(), 8);
        assert_eq!(path.len(), 1);
        let ends = keys.ends(&g);
        assert_eq!(ends[m.find("m").unwrap().index()], Some((m.find("op").unwrap(), 1)));
        assert_eq!(ends[m.find("op").unwrap().index()], Some((m.find("op").unwrap(), 0)));
    }

    // A global key that a longer active key starts with waits the inter-digit timeout, as the
    // engine does (rules 3 and 6): `0` with `00` (main menu) or with an option `01`; `*` with
    // `**` at a collect; `0` with `00` at a message with barge-in.
    #[test]
    fn a_global_key_that_starts_a_longer_key_waits_the_inter_digit_timeout() {
        let yaml = |keys: &str, option: &str| {
            format!(
                r##"
name: T
entry: m
defaults: {{ fallback: op, operator: op, inter_digit_timeout: 3s, keys: {keys} }}
nodes:
  m: {{ kind: menu, prompt: {{ text: "a b c d" }}, options: [{{ key: "{option}", to: c }}] }}
  c: {{ kind: collect, prompt: {{ text: "a b" }}, digits: {{ min: 1, max: 4, terminator: "#" }}, store: x, next: w }}
  w: {{ kind: message, prompt: {{ text: "a" }}, next: m }}
  op: {{ kind: transfer, queue: q }}
"##
            )
        };
        let global = |m: &Menu, from: &str, action| {
            let g = MenuGraph::build(m);
            let t = Timings::of(m, &PromptTimings::text_only());
            let id = m.find(from).unwrap();
            let e = g
                .graph
                .edges(g.ix(id))
                .find(|e| matches!(e.weight(), EdgeKind::GlobalKey { action: a, .. } if *a == action))
                .unwrap()
                .id();
            edge_cost(m, &g, &t, Goal::Fastest, e).unwrap()
        };
        use crate::menu::GlobalAction::{MainMenu, Operator};
        let a = menu(&yaml(
            r#"{ operator: "0", main_menu: "00", repeat: "*", back: "**" }"#,
            "1",
        ));
        assert_eq!(
            global(&a, "m", Operator),
            Cost {
                keys: 1,
                ms: 1600 + 3000
            }
        );
        assert_eq!(global(&a, "m", MainMenu), Cost { keys: 2, ms: 1600 });
        assert_eq!(
            global(&a, "w", Operator),
            Cost {
                keys: 1,
                ms: 400 + 3000
            }
        );
        let b = menu(&yaml(r#"{ operator: "0" }"#, "01"));
        assert_eq!(
            global(&b, "m", Operator),
            Cost {
                keys: 1,
                ms: 1600 + 3000
            }
        );
        assert_eq!(global(&b, "w", Operator), Cost { keys: 1, ms: 400 });
        // At a collect only `*`/`#` keys act: `*` (repeat) does not move, `**` (back) neither;
        // a `#*` main-menu key starts with the terminator and is not active there.
        let c = menu(&yaml(r#"{ operator: "*", main_menu: "**" }"#, "1"));
        assert_eq!(
            global(&c, "c", Operator),
            Cost {
                keys: 1,
                ms: 800 + 3000
            }
        );
        assert_eq!(global(&c, "c", MainMenu), Cost { keys: 2, ms: 800 });
    }

    #[test]
    fn a_node_without_keys_to_an_operator_has_only_a_fastest_way() {
        let m = menu(
            r#"
name: T
entry: m
defaults: { fallback: op }
nodes:
  m: { kind: menu, prompt: { text: "a" }, options: [{ key: "1", to: bye }] }
  bye: { kind: hangup }
  op: { kind: transfer, queue: q }
"#,
        );
        let g = MenuGraph::build(&m);
        let t = Timings::of(&m, &PromptTimings::text_only());
        let id = m.find("m").unwrap().index();
        assert_eq!(Ways::compute(&m, &g, &t, Goal::FewestKeys).cost[id], None);
        assert!(Ways::compute(&m, &g, &t, Goal::Fastest).cost[id].is_some());
    }
}
