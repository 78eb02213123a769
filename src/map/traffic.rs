//! The traffic overlay of a map (`ivrsim graph MENU --traffic results.json`): reads the
//! results `ivrsim simulate -o results.json` writes and puts the simulated callers on the
//! map: per node, callers who entered it and who gave up there; per edge, callers who went
//! that way; edges are drawn wider the more callers took them ([`width`]).
//!
//! The simulation counts callers per pair of nodes (from, to), whatever way they took; where
//! the map draws several edges between the same two nodes (a key and a fallback), each shows
//! the pair's count. Moves by global keys (operator, back, main menu) are not edges of the
//! map: those callers count at the nodes, not on an edge.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::Map;
use crate::simulate::report::{FORMAT_VERSION, Funnel};

/// Width of an edge no simulated caller took, px.
pub const MIN_WIDTH: f64 = 1.0;
/// Width of the edge most simulated callers took, px.
pub const MAX_WIDTH: f64 = 12.0;

/// The line width of an edge that `callers` took (per replication), when the busiest edge of
/// the map carried `busiest`: from [`MIN_WIDTH`] to [`MAX_WIDTH`] px by the square root of
/// the share, so that a line's width grows like the square root of its callers and a quiet
/// edge stays visible beside a busy one (a tenth of the busiest edge's callers draws at
/// about a third of its extra width).
pub fn width(callers: f64, busiest: f64) -> f64 {
    if !(callers > 0.0 && busiest > 0.0) {
        return MIN_WIDTH;
    }
    let share = (callers / busiest).clamp(0.0, 1.0);
    MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * share.sqrt()
}

/// Callers per replication as a map writes them: whole numbers from 10 on, one decimal below.
pub fn callers_text(x: f64) -> String {
    if x >= 9.95 || x == 0.0 {
        let s = format!("{:.0}", x);
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    } else {
        format!("{x:.1}")
    }
}

/// The results file, as far as maps read it.
#[derive(Debug, Deserialize)]
struct Results {
    version: u32,
    menu: Option<String>,
    #[serde(default)]
    replications: Option<u32>,
    #[serde(default)]
    funnel: Funnel,
}

/// Why a results file cannot be overlaid.
#[derive(Debug, thiserror::Error)]
pub enum TrafficError {
    /// The file cannot be read.
    #[error("cannot read results file `{path}`: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON, or not the results of `ivrsim simulate -o`.
    #[error("{path}:{line}:{column}: not the results of `ivrsim simulate -o FILE`: {message}")]
    Format {
        /// The file.
        path: String,
        /// Line of the JSON error (1-based; 0 when the error has no place).
        line: usize,
        /// Column of the JSON error (1-based).
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// The results were written by another version of the results format.
    #[error(
        "`{path}` holds results of format version {found}; this ivrsim reads version {FORMAT_VERSION}: \
         run `ivrsim simulate -o` again"
    )]
    Version {
        /// The file.
        path: String,
        /// The version in the file.
        found: u32,
    },
    /// The results are of a bare queue: no caller walked a menu.
    #[error("`{path}` holds the results of a bare queue (no menu): there is no traffic to draw on a menu map")]
    NoMenu {
        /// The file.
        path: String,
    },
    /// None of the results' nodes is in the map's menu.
    #[error(
        "`{path}` is traffic through {results_menu}: none of its nodes is in `{menu}`; \
         run `ivrsim simulate {menu} … -o {path}` for this menu"
    )]
    OtherMenu {
        /// The file.
        path: String,
        /// The menu the results name, quoted.
        results_menu: String,
        /// The map's menu file.
        menu: String,
    },
}

impl TrafficError {
    /// The error of a JSON text that `serde_json` refused, placed at its line and column.
    fn format(path: &str, e: &serde_json::Error) -> TrafficError {
        let mut message = e.to_string();
        // serde_json ends its message with the place, given here in front instead.
        let place = format!(" at line {} column {}", e.line(), e.column());
        if let Some(stripped) = message.strip_suffix(&place) {
            message = stripped.to_string();
        }
        TrafficError::Format {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

/// What an overlay found that does not match the menu: the results' menu when it is another
/// file, and the nodes and edges they name that the menu does not have (not drawn).
#[derive(Debug, Default)]
pub struct Mismatch {
    /// The menu the results name, when it is not the map's menu file.
    pub other_menu: Option<String>,
    /// Node ids in the results but not in the menu.
    pub unknown_nodes: Vec<String>,
    /// Edges (from, to) in the results between nodes the menu does not both have.
    pub unknown_edges: usize,
}

impl Mismatch {
    /// The one warning line for `path` (the results file) on the menu `menu`; `None` when
    /// everything matched.
    pub fn warning(&self, path: &str, menu: &str) -> Option<String> {
        let names = |ids: &[String]| {
            let mut s: Vec<String> = ids.iter().take(5).map(|n| format!("`{n}`")).collect();
            if ids.len() > 5 {
                s.push("…".into());
            }
            s.join(", ")
        };
        let n = self.unknown_nodes.len();
        let e = self.unknown_edges;
        let missing = match (n, e) {
            (0, 0) => None,
            (0, e) => Some(format!("{e} edge{} not in `{menu}`", plural(e))),
            (n, 0) => Some(format!(
                "{n} node{} not in `{menu}` ({})",
                plural(n),
                names(&self.unknown_nodes)
            )),
            (n, e) => Some(format!(
                "{n} node{} ({}) and {e} edge{} not in `{menu}`",
                plural(n),
                names(&self.unknown_nodes),
                plural(e)
            )),
        };
        match (&self.other_menu, missing) {
            (None, None) => None,
            (Some(other), None) => Some(format!(
                "warning: `{path}` is traffic through `{other}`, not `{menu}`; drawn by node ids"
            )),
            (Some(other), Some(m)) => Some(format!(
                "warning: `{path}` is traffic through `{other}`, not `{menu}`: {m} are not drawn"
            )),
            (None, Some(m)) => Some(format!(
                "warning: `{path}` names {m}, not drawn: the menu changed since the simulation ran; \
                 run `ivrsim simulate` again"
            )),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Whether the menu `results_menu` (as `simulate` was given it) is another file than `file`
/// (as `graph` was given it): by the paths as written, else resolved from here; a path
/// that does not resolve from here (the simulation ran elsewhere) is compared by file name.
fn other_file(results_menu: &str, file: &str) -> bool {
    if results_menu == file {
        return false;
    }
    match (
        Path::new(results_menu).canonicalize().ok(),
        Path::new(file).canonicalize().ok(),
    ) {
        (Some(a), Some(b)) => a != b,
        _ => Path::new(results_menu).file_name() != Path::new(file).file_name(),
    }
}

impl Map {
    /// Overlays the traffic in `path` (the JSON of `ivrsim simulate -o`) on the map: sets
    /// `entered` and `gave_up` on every node and `callers` on every edge (0 where no
    /// simulated caller went), and [`Map::traffic`]. Nodes and edges of the results that the
    /// menu does not have are left out and returned.
    ///
    /// # Errors
    /// [`TrafficError`] when the file cannot be read, is not results JSON of this version,
    /// holds a bare queue's results, or shares no node with the menu.
    pub fn overlay_traffic(&mut self, path: &Path) -> Result<Mismatch, TrafficError> {
        let name = path.display().to_string();
        // A regular file of bounded size only: a pipe or a device would block or never end.
        let text = crate::menu::load::read_text(path).map_err(|source| TrafficError::Read {
            path: name.clone(),
            source,
        })?;
        let results: Results = serde_json::from_str(&text.text).map_err(|e| TrafficError::format(&name, &e))?;
        if results.version != FORMAT_VERSION {
            return Err(TrafficError::Version {
                path: name,
                found: results.version,
            });
        }
        let Some(results_menu) = results.menu.clone().filter(|_| !results.funnel.nodes.is_empty()) else {
            return Err(TrafficError::NoMenu { path: name });
        };
        let ids: HashSet<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
        let mut mismatch = Mismatch {
            other_menu: other_file(&results_menu, &self.file).then(|| results_menu.clone()),
            ..Mismatch::default()
        };
        let mut nodes: HashMap<&str, (f64, f64)> = HashMap::new();
        for n in &results.funnel.nodes {
            if ids.contains(n.node.as_str()) {
                nodes.insert(&n.node, (n.entered, n.gave_up));
            } else {
                mismatch.unknown_nodes.push(n.node.clone());
            }
        }
        if nodes.is_empty() {
            return Err(TrafficError::OtherMenu {
                path: name,
                results_menu: format!("`{results_menu}`"),
                menu: self.file.clone(),
            });
        }
        let mut pairs: HashMap<(&str, &str), f64> = HashMap::new();
        for e in &results.funnel.edges {
            if ids.contains(e.from.as_str()) && ids.contains(e.to.as_str()) {
                *pairs.entry((&e.from, &e.to)).or_insert(0.0) += e.callers;
            } else {
                mismatch.unknown_edges += 1;
            }
        }
        for n in &mut self.nodes {
            let (entered, gave_up) = nodes.get(n.id.as_str()).copied().unwrap_or((0.0, 0.0));
            n.entered = Some(entered);
            n.gave_up = Some(gave_up);
        }
        for e in &mut self.edges {
            e.callers = Some(pairs.get(&(e.from.as_str(), e.to.as_str())).copied().unwrap_or(0.0));
        }
        self.traffic = Some(Traffic {
            file: name,
            replications: results.replications,
        });
        Ok(mismatch)
    }

    /// With a traffic overlay: the callers of the busiest edge (per replication).
    pub fn busiest_edge(&self) -> Option<f64> {
        self.traffic.as_ref()?;
        Some(self.edges.iter().filter_map(|e| e.callers).fold(0.0, f64::max))
    }

    /// With a traffic overlay: the line width of `e` ([`width`]); `None` without one.
    pub fn traffic_width(&self, e: &super::MapEdge) -> Option<f64> {
        let busiest = self.busiest_edge()?;
        Some(width(e.callers.unwrap_or(0.0), busiest))
    }
}

/// The traffic overlaid on a map.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Traffic {
    /// The results file.
    pub file: String,
    /// Replications the counts are averaged over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replications: Option<u32>,
}

/// A node's traffic as a tooltip line: `simulated: 1 234 callers entered, 56 gave up here
/// (4.5 %), per replication`.
pub fn node_line(entered: f64, gave_up: f64) -> String {
    if entered <= 0.0 {
        return "simulated: no caller entered".into();
    }
    if gave_up > 0.0 {
        format!(
            "simulated: {} callers entered, {} gave up here ({:.1} %), per replication",
            callers_text(entered),
            callers_text(gave_up),
            100.0 * gave_up / entered
        )
    } else {
        format!("simulated: {} callers entered, per replication", callers_text(entered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_by_the_square_root_of_callers() {
        assert_eq!(width(0.0, 100.0), MIN_WIDTH);
        assert_eq!(width(100.0, 100.0), MAX_WIDTH);
        assert!((width(25.0, 100.0) - 6.5).abs() < 1e-9);
        assert_eq!(width(5.0, 0.0), MIN_WIDTH);
        assert_eq!(width(f64::NAN, 10.0), MIN_WIDTH);
        assert!(width(1.0, 100.0) < width(2.0, 100.0));
    }

    #[test]
    fn counts_read_as_callers() {
        assert_eq!(callers_text(0.0), "0");
        assert_eq!(callers_text(0.75), "0.8");
        assert_eq!(callers_text(12.4), "12");
        assert_eq!(callers_text(1234.0), "1 234");
    }

    #[test]
    fn json_errors_name_their_place_once() {
        let e = serde_json::from_str::<Results>("{\n  \"version\": 1,\n  \"menu\": 3\n}").unwrap_err();
        let msg = TrafficError::format("r.json", &e).to_string();
        assert!(msg.starts_with("r.json:3:11: not the results"), "{msg}");
        assert!(!msg.contains("at line"), "{msg}");
    }

    #[test]
    fn one_warning_line_says_what_is_left_out() {
        let m = Mismatch {
            other_menu: Some("other.yaml".into()),
            unknown_nodes: vec!["a".into(), "b".into()],
            unknown_edges: 3,
        };
        let w = m.warning("r.json", "menu.yaml").unwrap();
        assert_eq!(
            w,
            "warning: `r.json` is traffic through `other.yaml`, not `menu.yaml`: 2 nodes (`a`, `b`) and 3 edges \
             not in `menu.yaml` are not drawn"
        );
        assert!(!w.contains('\n'));
        assert!(Mismatch::default().warning("r.json", "m.yaml").is_none());
    }
}
