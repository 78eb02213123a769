//! The time-to-operator report: for every node, the shortest way to an operator in
//! keypresses and in seconds, and the menu-wide worst case ("time to agent").
//!
//! Seconds count every prompt heard in full (see [`crate::graph::ways`] for the cost model).

use std::fmt::Write as _;

use petgraph::graph::EdgeIndex;
use serde::Serialize;

use super::Analysis;
use crate::graph::EdgeKind;
use crate::graph::ways::Ways;
use crate::menu::{Menu, NodeId, NodeKind, Test};
use crate::source::Sources;

/// One step of a way: at `node`, do `action`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Step {
    /// Node id.
    pub node: String,
    /// What the caller does (or what happens by itself): `press 1`, `press 0 (operator key)`,
    /// `enter 8 digits + #`, `stay silent ×3`, `invalid entry ×3`, `listen`,
    /// `route: hours office_hours`, `route: otherwise`.
    pub action: String,
}

/// A way to an operator.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Way {
    /// DTMF keypresses on the way.
    pub keys: u32,
    /// Seconds on the line up to the operator, every prompt heard in full.
    pub seconds: f64,
    /// Number of steps of the way.
    pub steps: u32,
    /// The first steps (at most [`MAX_STEPS_SHOWN`]).
    pub path: Vec<Step>,
    /// The transfer node reached.
    pub transfer: String,
    /// Its queue.
    pub queue: String,
}

/// The ways from one node.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Node id.
    pub node: String,
    /// Node kind.
    pub kind: &'static str,
    /// 1-based line of the node in its file.
    pub line: usize,
    /// Whether callers can get to the node from the entry.
    pub reachable: bool,
    /// Fewest keypresses, by keys and automatic steps only (`null`: only by waiting or
    /// invalid input, or not at all).
    pub fewest_keys: Option<Way>,
    /// Fewest seconds, by any caller action (`null`: no operator can be reached).
    pub fastest: Option<Way>,
}

/// The report for one menu.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Menu name.
    pub menu: String,
    /// Menu file.
    pub file: String,
    /// The entry node's row.
    pub entry: Option<Row>,
    /// The reachable menu or message with the most keypresses to an operator.
    pub worst_keys: Option<Row>,
    /// The reachable menu or message with the most seconds to an operator (fastest way).
    pub worst_seconds: Option<Row>,
    /// Reachable nodes (not hang-ups) from which no operator can be reached (E014).
    pub no_operator: Vec<String>,
    /// Every node except transfers and hang-ups, in file order.
    pub nodes: Vec<Row>,
}

pub(crate) fn condition(t: &Test) -> String {
    match t {
        Test::Equals { var, value } => format!("{var} = {value}"),
        Test::Matches { var, pattern } => format!("{var} matches {}", pattern.as_str()),
        Test::OneOf { var, values } => format!("{var} in [{}]", values.join(", ")),
        Test::Hours(s) => format!("within {s}"),
        Test::Language(l) => format!("language {l}"),
        Test::Compare { var, op, value } => {
            let sign = match op {
                crate::menu::CompareOp::Less => "<",
                crate::menu::CompareOp::AtMost => "<=",
                crate::menu::CompareOp::Greater => ">",
                crate::menu::CompareOp::AtLeast => ">=",
            };
            format!("{var} {sign} {value}")
        }
        Test::Between { var, low, high } => format!("{var} between {low} and {high}"),
    }
}

/// What the caller does to take edge `e`, in words.
fn action(menu: &Menu, a: &Analysis, e: EdgeIndex) -> String {
    let g = &a.graph;
    let from = g.graph.edge_endpoints(e).map(|(s, _)| menu.node(g.graph[s]));
    let kind = from.map(|n| &n.kind);
    let listen = kind.and_then(|k| k.listen());
    match &g.graph[e] {
        EdgeKind::Option { key, .. } => format!("press {key}"),
        EdgeKind::GlobalKey { action, key } => format!("press {key} ({} key)", action.name().replace('_', " ")),
        EdgeKind::Keyword { word } => format!("say \"{word}\""),
        EdgeKind::Next => match kind {
            Some(NodeKind::Collect(c)) => {
                let digits = if c.min == c.max {
                    c.min.to_string()
                } else {
                    format!("{}-{}", c.min, c.max)
                };
                match &c.terminator {
                    Some(t) => format!("enter {digits} digits + {t}"),
                    None => format!("enter {digits} digits"),
                }
            }
            _ => "listen".into(),
        },
        EdgeKind::External { result } => format!("if the step's result is {}", result.name()),
        EdgeKind::NoInput => format!(
            "stay silent ×{}",
            listen.map_or_else(|| "1".to_owned(), |l| l.max_no_input.to_string())
        ),
        EdgeKind::NoMatch => format!(
            "invalid entry ×{}",
            listen.map_or_else(|| "1".to_owned(), |l| l.max_no_match.to_string())
        ),
        EdgeKind::Route { index } => match kind {
            Some(NodeKind::Route(r)) => {
                let tests: Vec<String> = r
                    .routes
                    .get(*index)
                    .map(|r| r.when.iter().map(condition).collect())
                    .unwrap_or_default();
                format!("if {}", tests.join(" and "))
            }
            _ => format!("route {}", index + 1),
        },
        EdgeKind::RouteDefault => "otherwise".into(),
        EdgeKind::NoOperator => "no call-taker available".into(),
        EdgeKind::HoldExit { key } => format!("press {key} while waiting"),
    }
}

/// Most steps of a way kept in a row; a longer way shows its first steps and how many more.
/// Keeping every step of every node's way would be quadratic in a long chain of nodes.
pub const MAX_STEPS_SHOWN: usize = 8;

fn way(menu: &Menu, a: &Analysis, ways: &Ways, ends: &[Option<(NodeId, u32)>], from: NodeId) -> Option<Way> {
    let cost = ways.cost[from.index()]?;
    let (end, steps) = ends[from.index()]?;
    let g = &a.graph;
    let path = ways
        .path(g, from, MAX_STEPS_SHOWN)
        .into_iter()
        .filter_map(|e| {
            let (s, _) = g.graph.edge_endpoints(e)?;
            Some(Step {
                node: menu.node(g.graph[s]).id.clone(),
                action: action(menu, a, e),
            })
        })
        .collect();
    let transfer = menu.node(end);
    let queue = match &transfer.kind {
        NodeKind::Transfer(t) => t.queue.clone(),
        _ => String::new(),
    };
    Some(Way {
        keys: cost.keys,
        seconds: cost.ms as f64 / 1000.0,
        steps,
        path,
        transfer: transfer.id.clone(),
        queue,
    })
}

impl Report {
    /// Builds the report from an analysis.
    pub fn build(menu: &Menu, sources: &Sources, a: &Analysis) -> Self {
        let key_ends = a.by_keys.ends(&a.graph);
        let fast_ends = a.fastest.ends(&a.graph);
        let row = |id: NodeId| {
            let n = menu.node(id);
            Row {
                node: n.id.clone(),
                kind: n.kind.name(),
                line: sources.line_col(n.span).line,
                reachable: a.reachable[id.index()],
                fewest_keys: way(menu, a, &a.by_keys, &key_ends, id),
                fastest: way(menu, a, &a.fastest, &fast_ends, id),
            }
        };
        let rows: Vec<Row> = menu
            .node_ids()
            .filter(|&id| {
                let k = &menu.node(id).kind;
                !matches!(k, NodeKind::Hangup(_)) && !k.hands_over()
            })
            .map(row)
            .collect();
        // Worst cases over where callers navigate: menus and messages (a collect's keys are
        // the data it asks for).
        let navigable = |r: &&Row| r.reachable && matches!(r.kind, "menu" | "message");
        let worst_keys = rows
            .iter()
            .filter(navigable)
            .filter_map(|r| {
                r.fewest_keys
                    .as_ref()
                    .map(|w| ((w.keys, (w.seconds * 1000.0) as u64), r))
            })
            .max_by_key(|(k, _)| *k)
            .map(|(_, r)| r.clone());
        let worst_seconds = rows
            .iter()
            .filter(navigable)
            .filter_map(|r| r.fastest.as_ref().map(|w| (((w.seconds * 1000.0) as u64, w.keys), r)))
            .max_by_key(|(k, _)| *k)
            .map(|(_, r)| r.clone());
        // As E014 sees it: no way to a person nor to another handoff by design, in a menu
        // that is not self-service.
        let handed = crate::graph::reach::reaches_handoff(menu, &a.graph);
        let after = crate::graph::reach::only_after_a_design_end(menu, &a.graph);
        let no_operator = rows
            .iter()
            .filter(|r| {
                let i = menu.ids[&r.node].index();
                !menu.self_service && r.reachable && !handed[i] && !after[i]
            })
            .map(|r| r.node.clone())
            .collect();
        Report {
            menu: menu.name.clone(),
            file: menu.path.display().to_string(),
            entry: menu.entry.node().map(row),
            worst_keys,
            worst_seconds,
            no_operator,
            nodes: rows,
        }
    }

    /// The summary printed by `ivrsim check`: from the entry, the worst cases, and where no
    /// operator can be reached.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "time to operator in `{}` ({}), every prompt heard in full:\n",
            short(&self.menu),
            short(&self.file)
        );
        match &self.entry {
            Some(r) if r.fastest.is_some() => describe_row(&mut s, &format!("from the entry `{}`", r.node), r),
            Some(r) => {
                let _ = writeln!(s, "  from the entry `{}`: no operator can be reached", r.node);
            }
            None => s.push_str("  the entry node does not exist\n"),
        }
        let entry = self.entry.as_ref().map(|e| e.node.as_str());
        if let Some(r) = &self.worst_keys
            && Some(r.node.as_str()) != entry
        {
            describe_row(&mut s, &format!("most keys, of menus and messages: `{}`", r.node), r);
        }
        if let Some(r) = &self.worst_seconds
            && Some(r.node.as_str()) != entry
            && self.worst_keys.as_ref().is_none_or(|k| k.node != r.node)
        {
            describe_row(&mut s, &format!("slowest, of menus and messages: `{}`", r.node), r);
        }
        if !self.no_operator.is_empty() {
            let mut names: Vec<String> = self.no_operator.iter().take(8).map(|n| format!("`{n}`")).collect();
            if self.no_operator.len() > 8 {
                names.push(format!("and {} more", self.no_operator.len() - 8));
            }
            let _ = writeln!(s, "  never reach an operator (E014): {}", names.join(", "));
        }
        s
    }

    /// The full per-node table printed by `ivrsim check --report`.
    pub fn table(&self) -> String {
        let w = self.nodes.iter().map(|r| r.node.len()).max().unwrap_or(4).max(4);
        let mut s = format!(
            "ways to an operator in `{}` (seconds with every prompt heard in full; transfers and hang-ups not listed):\n",
            short(&self.menu)
        );
        let _ = writeln!(
            s,
            "{:<w$}  {:<8}  {:>4}  {:>7}  {:>7}  way with fewest keys",
            "node", "kind", "keys", "seconds", "fastest"
        );
        for r in &self.nodes {
            let (keys, secs, path) = match &r.fewest_keys {
                Some(way) => (way.keys.to_string(), format!("{:.1}", way.seconds), render_path(way)),
                None => ("-".into(), "-".into(), "none by keys".into()),
            };
            let fastest = r
                .fastest
                .as_ref()
                .map_or_else(|| "never".into(), |f| format!("{:.1}", f.seconds));
            let mark = if r.reachable { "" } else { "  (unreachable)" };
            let _ = writeln!(
                s,
                "{:<w$}  {:<8}  {keys:>4}  {secs:>7}  {fastest:>7}  {path}{mark}",
                r.node, r.kind
            );
        }
        s
    }
}

/// Names longer than this many characters are cut in text output (JSON keeps them whole).
const MAX_NAME: usize = 80;

/// `s`, cut to [`MAX_NAME`] characters with `…`.
fn short(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_NAME) {
        Some((i, _)) => format!("{}…", &s[..i]).into(),
        None => s.into(),
    }
}

fn render_path(w: &Way) -> String {
    let mut s = String::new();
    for step in &w.path {
        let _ = write!(s, "{}: {} → ", step.node, step.action);
    }
    if (w.steps as usize) > w.path.len() {
        let _ = write!(s, "… {} more steps → ", w.steps as usize - w.path.len());
    }
    let _ = write!(s, "{} (queue {})", w.transfer, w.queue);
    s
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Two or three lines about a row: the headline with keys and seconds, the way, and a
/// faster way when there is one.
fn describe_row(s: &mut String, label: &str, r: &Row) {
    match &r.fewest_keys {
        Some(w) => {
            let _ = writeln!(s, "  {label}: {}, {:.1} s", plural(w.keys, "key"), w.seconds);
            let _ = writeln!(s, "      {}", render_path(w));
        }
        None => {
            let _ = writeln!(s, "  {label}: no way by keys");
        }
    }
    if let Some(f) = &r.fastest
        && r.fewest_keys.as_ref().is_none_or(|k| f.seconds < k.seconds)
    {
        let _ = writeln!(s, "      faster, {:.1} s: {}", f.seconds, render_path(f));
    }
}
