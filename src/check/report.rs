//! The time-to-operator report: for every node, the shortest way to an operator in
//! keypresses and in seconds, and the menu-wide worst case ("time to agent").

use std::fmt::Write as _;

use serde::Serialize;

use super::Analysis;
use crate::graph::ways::{Cost, Ways};
use crate::menu::{Menu, NodeId, NodeKind};
use crate::source::Sources;

/// One step of a way: at `node`, do `action`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Step {
    /// Node id.
    pub node: String,
    /// `1`, `0 (operator)`, `next`, `silence`, `invalid`, `route 1`, `default`.
    pub action: String,
}

/// A way to an operator.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Way {
    /// DTMF keypresses on the way.
    pub keys: u32,
    /// Seconds on the line, prompts and time-outs included, up to the operator.
    pub seconds: f64,
    /// The steps.
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
    /// Every node except transfers and hang-ups, in file order.
    pub nodes: Vec<Row>,
}

fn way(menu: &Menu, a: &Analysis, ways: &Ways, from: NodeId) -> Option<Way> {
    let cost: Cost = ways.cost[from.index()]?;
    let g = &a.graph;
    let edges = ways.path(g, from);
    let mut end = from;
    let path = edges
        .iter()
        .filter_map(|&e| {
            let (s, t) = g.graph.edge_endpoints(e)?;
            end = g.graph[t];
            Some(Step {
                node: menu.node(g.graph[s]).id.clone(),
                action: g.graph[e].describe(),
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
        path,
        transfer: transfer.id.clone(),
        queue,
    })
}

impl Report {
    /// Builds the report from an analysis.
    pub fn build(menu: &Menu, sources: &Sources, a: &Analysis) -> Self {
        let row = |id: NodeId| {
            let n = menu.node(id);
            Row {
                node: n.id.clone(),
                kind: n.kind.name(),
                line: sources.line_col(n.span).line,
                reachable: a.reachable[id.index()],
                fewest_keys: way(menu, a, &a.by_keys, id),
                fastest: way(menu, a, &a.fastest, id),
            }
        };
        let rows: Vec<(NodeId, Row)> = menu
            .node_ids()
            .filter(|&id| !matches!(menu.node(id).kind, NodeKind::Transfer(_) | NodeKind::Hangup(_)))
            .map(|id| (id, row(id)))
            .collect();
        // Worst cases over where callers navigate: menus and messages (a collect's keys are
        // the data it asks for).
        let navigable = |r: &&(NodeId, Row)| r.1.reachable && matches!(r.1.kind, "menu" | "message");
        let worst_keys = rows
            .iter()
            .filter(navigable)
            .filter_map(|(_, r)| {
                r.fewest_keys
                    .as_ref()
                    .map(|w| ((w.keys, (w.seconds * 1000.0) as u64), r))
            })
            .max_by_key(|(k, _)| *k)
            .map(|(_, r)| r.clone());
        let worst_seconds = rows
            .iter()
            .filter(navigable)
            .filter_map(|(_, r)| r.fastest.as_ref().map(|w| (((w.seconds * 1000.0) as u64, w.keys), r)))
            .max_by_key(|(k, _)| *k)
            .map(|(_, r)| r.clone());
        Report {
            menu: menu.name.clone(),
            file: menu.path.display().to_string(),
            entry: menu.entry.node().map(row),
            worst_keys,
            worst_seconds,
            nodes: rows.into_iter().map(|(_, r)| r).collect(),
        }
    }

    /// The summary printed by `ivrsim check`: from the entry, and the worst cases.
    pub fn summary(&self) -> String {
        if self.entry.as_ref().is_none_or(|e| e.fastest.is_none()) && self.worst_seconds.is_none() {
            return format!(
                "time to operator in `{}` ({}): no way from the entry\n",
                self.menu, self.file
            );
        }
        let mut s = format!("time to operator in `{}` ({}):\n", self.menu, self.file);
        let mut line = |label: &str, r: &Option<Row>| {
            let Some(r) = r else { return };
            let _ = writeln!(s, "  {label:<22} {}", describe_row(r));
        };
        line("from the entry", &self.entry);
        line("worst case, keys", &self.worst_keys);
        line("worst case, seconds", &self.worst_seconds);
        s
    }

    /// The full per-node table printed by `ivrsim check --report`.
    pub fn table(&self) -> String {
        let w = self.nodes.iter().map(|r| r.node.len()).max().unwrap_or(4).max(4);
        let mut s = format!(
            "{:<w$}  {:<8}  {:>4}  {:>7}  {:>8}  way with fewest keys\n",
            "node", "kind", "keys", "seconds", "fastest"
        );
        for r in &self.nodes {
            let (keys, secs, path) = match &r.fewest_keys {
                Some(way) => (way.keys.to_string(), format!("{:.1}", way.seconds), render_path(way)),
                None => ("-".into(), "-".into(), "no way by keys".into()),
            };
            let fastest = r
                .fastest
                .as_ref()
                .map_or_else(|| "-".into(), |f| format!("{:.1}", f.seconds));
            let mark = if r.reachable { "" } else { "  (unreachable)" };
            let _ = writeln!(
                s,
                "{:<w$}  {:<8}  {keys:>4}  {secs:>7}  {fastest:>8}  {path}{mark}",
                r.node, r.kind
            );
        }
        s
    }
}

fn render_path(w: &Way) -> String {
    let mut s = String::new();
    for step in &w.path {
        let _ = write!(s, "{} [{}] → ", step.node, step.action);
    }
    let _ = write!(s, "{} ({})", w.transfer, w.queue);
    s
}

fn describe_row(r: &Row) -> String {
    let keys = match &r.fewest_keys {
        Some(w) => format!(
            "{} key{}, {:.1} s: {}",
            w.keys,
            if w.keys == 1 { "" } else { "s" },
            w.seconds,
            render_path(w)
        ),
        None => "no way by keys".into(),
    };
    let fast = match &r.fastest {
        Some(f) => format!("fastest {:.1} s", f.seconds),
        None => "no operator reachable".into(),
    };
    format!("`{}` {keys} ({fast})", r.node)
}
