//! The coverage overlay of a map: reads the file `ivrsim test --coverage-json` writes and
//! marks each node and edge of a [`Map`] as exercised by some scenario or not.
//!
//! A node is exercised when a scenario entered it; an edge when a scenario moved along one
//! of the graph edges merged into it (the file's `transitions`: `from`, `via`, `to`).

use std::path::Path;

use serde::Deserialize;

use super::Map;
use crate::graph::EdgeKind;

/// The coverage file, as far as maps read it.
#[derive(Debug, Deserialize)]
struct File {
    menus: Vec<MenuCoverage>,
}

#[derive(Debug, Deserialize)]
struct MenuCoverage {
    menu: String,
    #[serde(default)]
    canonical: Option<String>,
    nodes: Vec<NodeTarget>,
    #[serde(default)]
    transitions: Vec<Transition>,
}

#[derive(Debug, Deserialize)]
struct NodeTarget {
    node: String,
    covered: bool,
}

#[derive(Debug, Deserialize)]
struct Transition {
    from: String,
    via: String,
    to: String,
}

/// Why a coverage file cannot be overlaid.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    /// The file cannot be read.
    #[error("cannot read coverage file `{path}`: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not what `ivrsim test --coverage-json` writes.
    #[error("`{path}` is not a coverage file of `ivrsim test --coverage-json` (written by this version): {source}")]
    Format {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// The file has no entry for the map's menu.
    #[error("`{path}` has no coverage of {menu}; it covers {}", if .has.is_empty() { "no menu".to_string() } else { .has.join(", ") })]
    OtherMenu {
        /// The file.
        path: String,
        /// The map's menu file, quoted, with its resolved path when that differs.
        menu: String,
        /// The menu files it covers, likewise.
        has: Vec<String>,
    },
}

/// What an overlay found that does not match the menu: node ids the coverage names that the
/// menu does not have (the menu changed since the scenarios ran).
#[derive(Debug, Default)]
pub struct Stale {
    /// Node ids named in the coverage but missing from the menu.
    pub unknown_nodes: Vec<String>,
}

/// Whether the coverage of `m` is of the menu file `file` (as given on the command line):
/// by the absolute path the coverage recorded, else by the path as written, resolved from
/// here.
fn covers(m: &MenuCoverage, file: &str) -> bool {
    let here = Path::new(file).canonicalize().ok();
    match (&m.canonical, &here) {
        (Some(c), Some(h)) => Path::new(c) == h,
        _ => m.menu == file || (here.is_some() && Path::new(&m.menu).canonicalize().ok() == here),
    }
}

/// Whether the move `via` (a token of [`crate::scenario::coverage::via_token`]) is one of the
/// graph edges `parts`.
fn takes(parts: &[EdgeKind], via: &str) -> bool {
    let (name, index) = match via.split_once(':') {
        Some((n, i)) => (n, i.parse::<usize>().ok()),
        None => (via, None),
    };
    parts.iter().any(|p| match (p, name) {
        (EdgeKind::Option { index: i, .. }, "option") => Some(*i) == index,
        (EdgeKind::Keyword { .. }, "keyword") => true,
        (EdgeKind::Next, "next") => true,
        (EdgeKind::NoInput, "no_input_fallback") => true,
        (EdgeKind::NoMatch, "no_match_fallback") => true,
        (EdgeKind::Route { index: i }, "route") => Some(*i) == index,
        (EdgeKind::RouteDefault, "default") => true,
        (EdgeKind::NoOperator, "no_operator") => true,
        (EdgeKind::HoldExit { .. }, "hold_exit") => true,
        (EdgeKind::External { result }, "external") => via.split_once(':').map(|(_, r)| r) == Some(result.name()),
        _ => false,
    })
}

impl Map {
    /// Overlays the coverage in `path` (JSON of `ivrsim test --coverage-json`) on the map:
    /// sets `covered` on every node and edge. A keyword edge counts as taken when the
    /// scenarios said any keyword from the same node to the same node (the coverage file
    /// records the option, not the word).
    ///
    /// # Errors
    /// [`CoverageError`] when the file cannot be read, is not a coverage file, or does not
    /// cover this menu.
    pub fn overlay_coverage(&mut self, path: &Path) -> Result<Stale, CoverageError> {
        let name = path.display().to_string();
        // A regular file of bounded size only: a pipe or a device would block or never end.
        let text = crate::menu::load::read_text(path).map_err(|source| CoverageError::Read {
            path: name.clone(),
            source,
        })?;
        let file: File = serde_json::from_str(&text.text).map_err(|source| CoverageError::Format {
            path: name.clone(),
            source,
        })?;
        let Some(cov) = file.menus.iter().find(|m| covers(m, &self.file)) else {
            // Paths as written can look alike and still be other files: show where they lead.
            let resolved = |written: &str, canonical: Option<String>| match canonical {
                Some(c) if c != written => format!("`{written}` ({c})"),
                _ => format!("`{written}`"),
            };
            let here = Path::new(&self.file)
                .canonicalize()
                .ok()
                .map(|p| p.display().to_string());
            return Err(CoverageError::OtherMenu {
                path: name,
                menu: resolved(&self.file, here),
                has: file
                    .menus
                    .iter()
                    .map(|m| resolved(&m.menu, m.canonical.clone()))
                    .collect(),
            });
        };
        let mut stale = Stale::default();
        for t in &cov.nodes {
            if !self.nodes.iter().any(|n| n.id == t.node) && self.focus.is_none() {
                stale.unknown_nodes.push(t.node.clone());
            }
        }
        for n in &mut self.nodes {
            n.covered = Some(cov.nodes.iter().any(|t| t.covered && t.node == n.id));
        }
        for e in &mut self.edges {
            let taken = cov
                .transitions
                .iter()
                .any(|t| t.from == e.from && t.to == e.to && takes(&e.parts, &t.via));
            e.covered = Some(taken);
        }
        self.coverage = Some(name);
        Ok(stale)
    }

    /// With a coverage overlay: `(exercised, total)` edges.
    pub fn edge_coverage(&self) -> Option<(usize, usize)> {
        self.coverage.as_ref()?;
        let total = self.edges.len();
        let covered = self.edges.iter().filter(|e| e.covered == Some(true)).count();
        Some((covered, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::DtmfKey;

    #[test]
    fn moves_match_the_graph_edges_they_took() {
        let key = |i| EdgeKind::Option {
            key: DtmfKey::parse("1").unwrap(),
            index: i,
        };
        assert!(takes(&[key(2)], "option:2"));
        assert!(!takes(&[key(2)], "option:1"));
        assert!(takes(&[key(0), EdgeKind::Keyword { word: "x".into() }], "keyword:0"));
        assert!(takes(&[EdgeKind::NoInput, EdgeKind::NoMatch], "no_match_fallback"));
        assert!(!takes(&[EdgeKind::NoInput], "no_match_fallback"));
        assert!(takes(&[EdgeKind::Route { index: 1 }], "route:1"));
        assert!(!takes(&[EdgeKind::Route { index: 1 }], "route:x"));
        assert!(!takes(&[EdgeKind::Next], "global:operator"));
        let external = |r| EdgeKind::External { result: r };
        assert!(takes(&[external(crate::menu::ExternalResult::Error)], "external:error"));
        assert!(!takes(
            &[external(crate::menu::ExternalResult::Error)],
            "external:success"
        ));
    }
}
