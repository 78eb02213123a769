//! Menu maps (`ivrsim graph`): the menu graph as something to look at, or as data for other
//! tools.
//!
//! [`Map::build`] turns a loaded menu and its [`Analysis`] into a drawing-neutral model:
//! nodes with their kind, prompt text, time to an operator and the two findings a map shows
//! (no way to an operator, E014; unreachable, W001), and edges merged per pair of nodes and
//! class (a key and its spoken keywords are one edge labelled `1 "report"`). Global keys
//! (operator, main menu, back) are not edges of the map: they exist at nearly every node and
//! would hide everything else; the legend names them. [`coverage`] overlays what scenarios
//! exercised, [`traffic`] what simulated callers did, [`Map::focus`] keeps the neighbourhood of one node, and the renderers write
//! SVG ([`svg`], laid out by [`layout`]), Graphviz DOT ([`dot`]), Mermaid ([`mermaid`]) or
//! JSON (the model itself, through serde). [`xml`] keeps the SVG (and the JUnit reports of
//! `ivrsim test`) well-formed whatever the menu's texts hold.

pub mod coverage;
pub mod dot;
pub mod layout;
pub mod mermaid;
pub mod style;
pub mod svg;
pub mod traffic;
pub mod xml;

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use serde::Serialize;

use crate::check::Analysis;
use crate::diag::{Code, Diagnostic};
use crate::graph::EdgeKind;
use crate::menu::{Menu, NoOperator, NodeKind, Test};
use crate::source::Sources;

/// The six node kinds, as drawn (see `docs/menu-format.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Plays a prompt and waits for a key or keyword.
    Menu,
    /// Plays a prompt and goes on.
    Message,
    /// Collects digits.
    Collect,
    /// Decides instantly.
    Route,
    /// Hands the call to an operator.
    Transfer,
    /// Ends the call.
    Hangup,
    /// Hands the call to something that is not a person (voicemail, an application, a flow).
    External,
    /// Records a message.
    Record,
    /// Requests a callback.
    Callback,
}

impl Kind {
    /// All kinds, in the order the legend lists them.
    pub const ALL: [Kind; 9] = [
        Kind::Menu,
        Kind::Message,
        Kind::Collect,
        Kind::Route,
        Kind::Transfer,
        Kind::Hangup,
        Kind::External,
        Kind::Record,
        Kind::Callback,
    ];

    /// The name as written in `kind:`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Menu => "menu",
            Kind::Message => "message",
            Kind::Collect => "collect",
            Kind::Route => "route",
            Kind::Transfer => "transfer",
            Kind::Hangup => "hangup",
            Kind::External => "external",
            Kind::Record => "record",
            Kind::Callback => "callback",
        }
    }

    fn of(kind: &NodeKind) -> Kind {
        match kind {
            NodeKind::Menu(_) => Kind::Menu,
            NodeKind::Message(_) => Kind::Message,
            NodeKind::Collect(_) => Kind::Collect,
            NodeKind::Route(_) => Kind::Route,
            NodeKind::Transfer(_) => Kind::Transfer,
            NodeKind::Hangup(_) => Kind::Hangup,
            NodeKind::External(_) => Kind::External,
            NodeKind::Record(_) => Kind::Record,
            NodeKind::Callback(_) => Kind::Callback,
        }
    }
}

/// The way from a node to an operator, as `ivrsim check --report` gives it: the fewest
/// keypresses (its `keys` column) and the fewest seconds (its `fastest` column), each by its
/// own way (see `docs/checks.md` for the timing model).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ToOperator {
    /// Fewest keys pressed on a way by deliberate actions (keys and what follows by itself);
    /// `None` when only waiting or invalid input lead to an operator.
    pub fewest_keys: Option<u32>,
    /// Seconds of the fastest way, by any caller action (silence and invalid input included).
    pub fastest_seconds: f64,
}

/// A node of the map.
#[derive(Clone, Debug, Serialize)]
pub struct MapNode {
    /// The node id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// What the node says or does, in full: the prompt text in the default language; for a
    /// transfer, the queue and priority; for a route, what it decides by (`decides by opening
    /// hours (office)`).
    pub text: String,
    /// Line of the node in its file (1-based).
    pub line: usize,
    /// The file the node is written in, when it is not the menu file (an included file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The menu's entry.
    pub entry: bool,
    /// Reachable from the entry (W001 otherwise).
    pub reachable: bool,
    /// `check` finds no way to an operator from here (E014).
    pub no_operator: bool,
    /// The ways to an operator; `None` without one, and at transfers (which are one).
    pub to_operator: Option<ToOperator>,
    /// With a coverage overlay: whether some scenario entered the node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered: Option<bool>,
    /// With a traffic overlay: simulated callers who entered the node (each time), per
    /// replication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered: Option<f64>,
    /// With a traffic overlay: simulated callers who hung up at the node (in the IVR, or
    /// waiting for a call-taker at a transfer), per replication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gave_up: Option<f64>,
}

impl MapNode {
    /// The node's status line on a map: unreachable, no way to an operator, or the fastest
    /// way to one (`to operator: 1 key · 13 s`); what a transfer or a hang-up is.
    pub fn status(&self) -> String {
        if !self.reachable {
            return "unreachable from the entry".into();
        }
        if self.no_operator {
            return "✕ no way to an operator".into();
        }
        match (self.kind, &self.to_operator) {
            (Kind::Transfer, _) => "reaches an operator".into(),
            (Kind::Hangup, _) => "ends the call".into(),
            (Kind::External, None) => "hands the call over (by design)".into(),
            (_, Some(t)) => format!("to operator: {}", describe_to_operator(t)),
            (_, None) => "no way to an operator".into(),
        }
    }
}

/// How a call moves along an edge, as drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeClass {
    /// A menu option: its key, its spoken keywords.
    Choice,
    /// The end of a message, a complete entry in a collect.
    Next,
    /// A route's condition, or its default.
    Route,
    /// The fallback after the last no-input or no-match.
    Failure,
    /// A transfer's `when_no_operator` (`callback` or `goto`).
    NoOperator,
}

impl EdgeClass {
    /// All classes, in the order the legend lists them.
    pub const ALL: [EdgeClass; 5] = [
        EdgeClass::Choice,
        EdgeClass::Next,
        EdgeClass::Route,
        EdgeClass::Failure,
        EdgeClass::NoOperator,
    ];
}

/// An edge of the map: every way from one node to another of one class, merged.
#[derive(Clone, Debug, Serialize)]
pub struct MapEdge {
    /// The node left.
    pub from: String,
    /// The node entered (with [`Map::focus`], possibly a node outside the map).
    pub to: String,
    /// The class.
    pub class: EdgeClass,
    /// The keys, keywords or conditions, e.g. `1 "report"`, `no input, no match`,
    /// `within office_hours` (a route on opening hours, by the schedule's name); empty for
    /// the end of a message.
    pub label: String,
    /// With a coverage overlay: whether some scenario took the edge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered: Option<bool>,
    /// With a traffic overlay: simulated callers who went from `from` to `to`, per
    /// replication (by any way between the two nodes: see [`traffic`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callers: Option<f64>,
    /// `to` names no node of the menu (E006): drawn as a reference marked missing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
    /// The graph edges merged here, for the coverage overlay.
    #[serde(skip)]
    parts: Vec<EdgeKind>,
}

/// A global key, available at the nodes that listen (named in the legend, not drawn).
#[derive(Clone, Debug, Serialize)]
pub struct GlobalKeyNote {
    /// The key.
    pub key: String,
    /// What it does: `operator`, `repeat`, `back`, `main_menu`.
    pub action: String,
}

/// The part of the menu a focused map shows.
#[derive(Clone, Debug, Serialize)]
pub struct Focus {
    /// The node in the middle.
    pub node: String,
    /// Edges followed from it, both ways.
    pub depth: u32,
    /// Nodes of the whole menu.
    pub of_nodes: usize,
}

/// A menu map: what `ivrsim graph` draws, and what `--format json` writes.
#[derive(Clone, Debug, Serialize)]
pub struct Map {
    /// The menu's `name`.
    pub menu: String,
    /// The menu file, as given.
    pub file: String,
    /// The entry node, when it exists.
    pub entry: Option<String>,
    /// Nodes in file order.
    pub nodes: Vec<MapNode>,
    /// Edges in the order of their first part in the graph (file order of the nodes left).
    pub edges: Vec<MapEdge>,
    /// The global keys.
    pub global_keys: Vec<GlobalKeyNote>,
    /// Set when the map shows one node's neighbourhood only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus: Option<Focus>,
    /// With a coverage overlay: the coverage file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<String>,
    /// With a traffic overlay: the results file it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic: Option<traffic::Traffic>,
}

/// Why [`Map::focus`] failed.
#[derive(Debug, thiserror::Error)]
#[error("there is no node `{node}` in {file}{}", .suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
pub struct UnknownNode {
    /// The node asked for.
    pub node: String,
    /// The menu file.
    pub file: String,
    /// The closest node id, by edit distance.
    pub suggestion: Option<String>,
}

/// A reason no call-taker can take a call, in one word for edge labels.
fn reason_word(r: crate::menu::NoOperatorReason) -> &'static str {
    use crate::menu::NoOperatorReason as R;
    match r {
        R::Unstaffed => "unstaffed",
        R::Full => "full",
        R::Closed => "closed",
        R::WaitedTooLong => "waited too long",
    }
}

/// The class of a graph edge on the map; `None` for global keys (named in the legend).
fn edge_class(kind: &EdgeKind) -> Option<EdgeClass> {
    Some(match kind {
        EdgeKind::Option { .. } | EdgeKind::Keyword { .. } => EdgeClass::Choice,
        EdgeKind::Next => EdgeClass::Next,
        EdgeKind::NoInput | EdgeKind::NoMatch => EdgeClass::Failure,
        EdgeKind::Route { .. } | EdgeKind::RouteDefault | EdgeKind::External { .. } => EdgeClass::Route,
        EdgeKind::NoOperator => EdgeClass::NoOperator,
        EdgeKind::HoldExit { .. } => EdgeClass::Choice,
        EdgeKind::GlobalKey { .. } => return None,
    })
}

/// The label of the graph edges `parts` merged into one map edge from a node of kind
/// `from`: keys first (with the language an option sets), then spoken keywords
/// (`1 (en), 2 (es) "english" "español"`); route conditions joined by `or`; `no input · no
/// match`; `entered` after a collect; nothing after a message.
fn label(from: &NodeKind, to: Option<crate::menu::NodeId>, parts: &[EdgeKind]) -> String {
    let mut keys = Vec::new();
    let mut words = Vec::new();
    let mut other = Vec::new();
    for p in parts {
        match p {
            EdgeKind::Option { key, index } => {
                let option = match from {
                    NodeKind::Menu(m) => m.options.get(*index),
                    _ => None,
                };
                // A pattern option is drawn with its pattern, not the key it is pressed with.
                let key = option
                    .and_then(|o| o.pattern.as_ref())
                    .map_or_else(|| key.to_string(), |p| p.as_str().to_owned());
                keys.push(match option.and_then(|o| o.language.as_deref()) {
                    Some(l) => format!("{key} ({l})"),
                    None => key,
                });
            }
            EdgeKind::Keyword { word } => words.push(format!("\"{word}\"")),
            EdgeKind::Next if matches!(from, NodeKind::Collect(_)) => other.push("entered".to_string()),
            EdgeKind::Next | EdgeKind::GlobalKey { .. } => {}
            EdgeKind::NoInput => other.push("no input".into()),
            EdgeKind::NoMatch => other.push("no match".into()),
            EdgeKind::Route { index } => {
                if let NodeKind::Route(r) = from {
                    let when: Vec<String> = r.routes[*index]
                        .when
                        .iter()
                        .map(crate::check::report::condition)
                        .collect();
                    other.push(when.join(" and "));
                }
            }
            EdgeKind::RouteDefault => other.push("otherwise".into()),
            EdgeKind::HoldExit { key } => keys.push(format!("{key} (leave the queue)")),
            EdgeKind::External { result } => other.push(result.name().into()),
            EdgeKind::NoOperator => {
                let action = match from {
                    NodeKind::Transfer(t) => {
                        let plans = t.plans();
                        // The plans that lead to this edge's node, with their reasons when the
                        // queue has plans of its own.
                        let leading: Vec<_> = plans
                            .iter()
                            .filter(|(_, p)| p.target().is_some_and(|x| x.node().is_some() && x.node() == to))
                            .collect();
                        if plans.len() > 1 {
                            leading
                                .iter()
                                .map(|(rs, p)| {
                                    let rs: Vec<&str> = rs.iter().map(|r| reason_word(*r)).collect();
                                    format!("{} ({})", p.name(), rs.join(", "))
                                })
                                .collect::<Vec<_>>()
                                .join(", ")
                        } else {
                            t.when_no_operator.as_ref().map_or("goto", NoOperator::name).to_owned()
                        }
                    }
                    _ => "goto".to_owned(),
                };
                other.push(format!("no operator: {action}"));
            }
        }
    }
    let separator = if parts
        .iter()
        .any(|p| matches!(p, EdgeKind::Route { .. } | EdgeKind::RouteDefault))
    {
        " or "
    } else {
        " · "
    };
    let mut label = keys.join(", ");
    if !words.is_empty() {
        if !label.is_empty() {
            label.push(' ');
        }
        label.push_str(&words.join(" "));
    }
    if !other.is_empty() {
        if !label.is_empty() {
            label.push_str(separator);
        }
        label.push_str(&other.join(separator));
    }
    label
}

fn node_text(kind: &NodeKind) -> String {
    match kind {
        NodeKind::Transfer(t) => {
            let mut s = format!("queue {}", t.queue);
            if t.priority != crate::menu::Priority::Normal {
                s.push_str(&format!(" · {}", t.priority.name()));
            }
            s
        }
        NodeKind::Route(r) => {
            let mut by: Vec<String> = Vec::new();
            for t in r.routes.iter().flat_map(|r| &r.when) {
                let what = match t {
                    Test::Hours(s) => format!("opening hours ({s})"),
                    Test::Language(_) => "language".into(),
                    Test::Equals { var, .. }
                    | Test::Matches { var, .. }
                    | Test::OneOf { var, .. }
                    | Test::Compare { var, .. }
                    | Test::Between { var, .. } => {
                        format!("`{var}`")
                    }
                };
                if !by.contains(&what) {
                    by.push(what);
                }
            }
            format!("decides by {}", by.join(", "))
        }
        k => k.prompt().map(|p| p.text.clone()).unwrap_or_default(),
    }
}

impl Map {
    /// The map of `menu`. `findings` are what `check` found (only E014 and W001 are drawn, at
    /// the node they are reported at); `analysis` gives reachability and times.
    pub fn build(menu: &Menu, sources: &Sources, analysis: &Analysis, findings: &[Diagnostic]) -> Map {
        let at_node = |code: Code| -> Vec<bool> {
            menu.nodes
                .iter()
                .map(|n| findings.iter().any(|d| d.code == code && d.primary.span == n.span))
                .collect()
        };
        // With no transfer at all, `check` says so once (at the entry); on a map every node
        // but the hang-ups is then without a way to an operator.
        let no_transfer = !menu.nodes.iter().any(|n| n.kind.ends_by_design())
            && !analysis.graph.unknown_exit.iter().any(|&u| u)
            && findings.iter().any(|d| d.code == Code::NoOperator);
        let no_operator: Vec<bool> = at_node(Code::NoOperator)
            .into_iter()
            .zip(&menu.nodes)
            .map(|(at, n)| at || (no_transfer && !matches!(n.kind, NodeKind::Hangup(_))))
            .collect();
        let entry = menu.entry.node();
        let nodes = menu
            .node_ids()
            .map(|id| {
                let n = menu.node(id);
                let i = id.index();
                MapNode {
                    id: n.id.clone(),
                    kind: Kind::of(&n.kind),
                    text: node_text(&n.kind),
                    line: sources.line_col(n.span).line,
                    file: Some(sources.name(n.span.file))
                        .filter(|f| Path::new(f) != menu.path)
                        .map(str::to_string),
                    entry: entry == Some(id),
                    reachable: analysis.reachable[i],
                    no_operator: no_operator[i],
                    to_operator: match n.kind {
                        NodeKind::Transfer(_) => None,
                        _ => analysis.fastest.cost[i].map(|c| ToOperator {
                            fewest_keys: analysis.by_keys.cost[i].map(|k| k.keys),
                            fastest_seconds: c.ms as f64 / 1000.0,
                        }),
                    },
                    covered: None,
                    entered: None,
                    gave_up: None,
                }
            })
            .collect();
        let g = &analysis.graph.graph;
        let mut edges: Vec<MapEdge> = Vec::new();
        let mut index: HashMap<(usize, usize, EdgeClass), usize> = HashMap::new();
        for e in g.edge_indices() {
            let Some((s, t)) = g.edge_endpoints(e) else { continue };
            let kind = &g[e];
            let from = menu.node(g[s]);
            let Some(class) = edge_class(kind) else {
                continue;
            };
            let slot = *index.entry((s.index(), t.index(), class)).or_insert_with(|| {
                edges.push(MapEdge {
                    from: from.id.clone(),
                    to: menu.node(g[t]).id.clone(),
                    class,
                    label: String::new(),
                    covered: None,
                    callers: None,
                    missing: false,
                    parts: Vec::new(),
                });
                edges.len() - 1
            });
            edges[slot].parts.push(kind.clone());
        }
        // Edges to names that are no node (E006), after the rest, merged the same way.
        let mut missing: HashMap<(usize, &str, EdgeClass), usize> = HashMap::new();
        for (from, name, kind) in &analysis.graph.missing_exits {
            let Some(class) = edge_class(kind) else { continue };
            let slot = *missing.entry((from.index(), name.as_str(), class)).or_insert_with(|| {
                edges.push(MapEdge {
                    from: menu.node(*from).id.clone(),
                    to: name.clone(),
                    class,
                    label: String::new(),
                    covered: None,
                    callers: None,
                    missing: true,
                    parts: Vec::new(),
                });
                edges.len() - 1
            });
            edges[slot].parts.push(kind.clone());
        }
        for e in &mut edges {
            let from = menu.find(&e.from).map(|id| &menu.node(id).kind);
            let to = menu.find(&e.to);
            e.label = from.map(|k| label(k, to, &e.parts)).unwrap_or_default();
        }
        let global_keys = menu
            .defaults
            .keys
            .iter()
            .map(|(action, k)| GlobalKeyNote {
                key: k.key.to_string(),
                action: action.name().to_string(),
            })
            .collect();
        Map {
            menu: menu.name.clone(),
            file: menu.path.display().to_string(),
            entry: entry.map(|id| menu.node(id).id.clone()),
            nodes,
            edges,
            global_keys,
            focus: None,
            coverage: None,
            traffic: None,
        }
    }

    /// The nodes within `depth` edges of `node`: those it leads to and those that lead to it
    /// (each way on its own, so a hub such as a fallback transfer does not pull in the whole
    /// menu), and the edges that leave them; edges to nodes outside are kept (renderers draw
    /// them as references). O(nodes + edges).
    ///
    /// # Errors
    /// [`UnknownNode`] when the map has no node `node`.
    pub fn focus(mut self, node: &str, depth: u32) -> Result<Map, UnknownNode> {
        let pos: HashMap<&str, usize> = self.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        let Some(&start) = pos.get(node) else {
            let suggestion = self
                .nodes
                .iter()
                .map(|n| (strsim::levenshtein(node, &n.id), &n.id))
                .filter(|(d, id)| *d <= 2.max(id.len() / 3))
                .min()
                .map(|(_, id)| id.clone());
            return Err(UnknownNode {
                node: node.to_string(),
                file: self.file.clone(),
                suggestion,
            });
        };
        // Forward and backward separately: through a hub such as the operator transfer, which
        // every menu falls back to, an undirected search would reach the whole menu.
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        let mut pred: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for e in &self.edges {
            if let (Some(&a), Some(&b)) = (pos.get(e.from.as_str()), pos.get(e.to.as_str())) {
                succ[a].push(b);
                pred[b].push(a);
            }
        }
        let within = |adjacent: &[Vec<usize>]| {
            let mut dist: Vec<Option<u32>> = vec![None; adjacent.len()];
            dist[start] = Some(0);
            let mut queue = VecDeque::from([start]);
            while let Some(v) = queue.pop_front() {
                let d = dist[v].unwrap_or(0);
                if d == depth {
                    continue;
                }
                for &w in &adjacent[v] {
                    if dist[w].is_none() {
                        dist[w] = Some(d + 1);
                        queue.push_back(w);
                    }
                }
            }
            dist
        };
        let (ahead, behind) = (within(&succ), within(&pred));
        let dist: Vec<Option<u32>> = ahead.iter().zip(&behind).map(|(a, b)| a.or(*b)).collect();
        let keep: Vec<bool> = dist.iter().map(Option::is_some).collect();
        let of_nodes = self.nodes.len();
        self.edges
            .retain(|e| pos.get(e.from.as_str()).is_some_and(|&i| keep[i]));
        let mut i = 0;
        self.nodes.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        self.focus = Some(Focus {
            node: node.to_string(),
            depth,
            of_nodes,
        });
        Ok(self)
    }

    /// The JSON document of `--format json`, pretty-printed, with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// `s` cut to at most `max` characters, with `…` when cut.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if s.chars().count() > max => format!("{}…", s[..i].trim_end()),
        _ => s,
    }
}

/// How the ways to an operator read on a map, in the units of `check --report`:
/// `1 key · fastest 2.4 s`, or `fastest 12.0 s` when only waiting or invalid input lead there.
pub(crate) fn describe_to_operator(t: &ToOperator) -> String {
    let fastest = format!("fastest {:.1} s", t.fastest_seconds);
    match t.fewest_keys {
        Some(1) => format!("1 key · {fastest}"),
        Some(k) => format!("{k} keys · {fastest}"),
        None => fastest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_characters_and_squeeze_spaces() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("a  b\n c", 10), "a b c");
        assert_eq!(excerpt("éééééééééé", 10), "éééééééééé");
        assert_eq!(excerpt("ééééééééééé", 10), "ééééééééé…");
        assert_eq!(excerpt("hello world again", 7), "hello…");
    }

    #[test]
    fn ways_read_in_keys_and_seconds() {
        let t = |fewest_keys, fastest_seconds| {
            describe_to_operator(&ToOperator {
                fewest_keys,
                fastest_seconds,
            })
        };
        assert_eq!(t(Some(1), 14.44), "1 key · fastest 14.4 s");
        assert_eq!(t(Some(0), 65.0), "0 keys · fastest 65.0 s");
        assert_eq!(t(None, 12.0), "fastest 12.0 s");
    }
}
