//! The layout of SVG maps: a left-to-right tree of the menu, with references for the
//! edges that do not fit a tree.
//!
//! A hotline menu is nearly a tree (a caller goes deeper with each key) plus jumps: the
//! fallback to the operator from every menu, `goto` another branch, back to the main menu.
//! Drawn as lines, the jumps cross everything. So, like the "jump to" references of
//! call-flow designers: a breadth-first search from the entry gives each node its column
//! (keys from the entry) and its parent (the first node that leads to it); every other
//! edge ends at a small reference box (`↪ operator_help`) beside the node it leaves.
//! Nodes not reached from the entry start trees of their own below, in file order.
//!
//! Rows are given by the classic tidy-tree rule for a left-to-right tree: each subtree gets
//! a band of rows tall enough for its node and its children's bands, and a node is centred
//! on its children (level with the first of them when they span more than a screen). Nothing overlaps and no edge crosses a box: every edge runs from a column
//! to the next, in the gap between them, to its own row. O(nodes + edges).
//!
//! Why not a general layered layout (Sugiyama et al. 1981, as in Graphviz `dot`)? It was
//! tried with layout-rs 0.1.3: on a 2,000-node menu it took 7.5 s with its crossing
//! optimisation off and over 60 s with it on (2-core VM), and long jump edges still crossed
//! most of the map. See `docs/architecture.md`.

use super::{Map, MapEdge, excerpt};

/// Width of a node box, in SVG user units (px).
pub const NODE_W: f64 = 270.0;
/// Height of a node box.
pub const NODE_H: f64 = 66.0;
/// Height of a reference box.
pub const STUB_H: f64 = 26.0;
/// Gap between two columns: room for the edge labels.
pub const GAP_X: f64 = 270.0;
/// Gap between two rows.
pub const GAP_Y: f64 = 16.0;
/// A node is centred on its children when they span at most this (px, about a screen);
/// beyond it, it is level with its first child, so that a large map starts at its top.
pub const CENTRE_WITHIN: f64 = 1200.0;
/// Most characters of a reference box's node id.
pub const STUB_CHARS: usize = 30;

/// A box on the map, in px from the map's top left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Whether two boxes share any point (touching edges do not count).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// What a box shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// A node of the map (its index in [`Map::nodes`]).
    Node(usize),
    /// A reference to the target of an edge (its index in [`Map::edges`]) drawn elsewhere,
    /// or outside a focused map.
    Reference(usize),
}

/// A box and what it shows.
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    /// What.
    pub item: Item,
    /// Where.
    pub rect: Rect,
}

/// An edge as drawn: from the right side of one box to the left side of another.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    /// The edge (index in [`Map::edges`]).
    pub edge: usize,
    /// Index in [`Layout::boxes`] of the box it leaves.
    pub from: usize,
    /// Index in [`Layout::boxes`] of the box it enters.
    pub to: usize,
}

/// A laid-out map.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Every box: the nodes, then references, in search order.
    pub boxes: Vec<Placed>,
    /// Every edge of the map, once.
    pub links: Vec<Link>,
    /// Width of the drawing, px.
    pub width: f64,
    /// Height of the drawing, px.
    pub height: f64,
}

/// The text of the reference box of edge `e`: `↪ node`, or `↪ name (missing)` when the
/// name is no node of the menu.
pub fn reference_text(e: &MapEdge) -> String {
    let to = excerpt(&e.to, STUB_CHARS);
    if e.missing {
        format!("↪ {to} (missing)")
    } else {
        format!("↪ {to}")
    }
}

fn reference_width(e: &MapEdge) -> f64 {
    (reference_text(e).chars().count() as f64 * 7.0 + 20.0).min(NODE_W)
}

impl Layout {
    /// Lays out `map`. Roots, in order: the entry; in a focused map, the nodes no other node
    /// of the map leads to, then the focus node; then every node not placed yet, in file order.
    pub fn of(map: &Map) -> Layout {
        let n = map.nodes.len();
        let pos: std::collections::HashMap<&str, usize> =
            map.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, e) in map.edges.iter().enumerate() {
            if let Some(&f) = pos.get(e.from.as_str()) {
                out[f].push(i);
            }
        }
        let mut boxes: Vec<Placed> = Vec::with_capacity(n + map.edges.len());
        let mut children: Vec<Vec<usize>> = Vec::with_capacity(n + map.edges.len());
        let mut links = Vec::with_capacity(map.edges.len());
        let mut node_box: Vec<Option<usize>> = vec![None; n];
        let mut roots = Vec::new();
        fn new_box(item: Item, w: f64, h: f64, boxes: &mut Vec<Placed>, children: &mut Vec<Vec<usize>>) -> usize {
            boxes.push(Placed {
                item,
                rect: Rect { x: 0.0, y: 0.0, w, h },
            });
            children.push(Vec::new());
            boxes.len() - 1
        }
        // A focused map starts at the nodes nothing in it leads to (the focus node's farthest
        // ancestors in it), so that the way into the focus node reads left to right.
        let mut led_to = vec![false; n];
        for e in &map.edges {
            if let (Some(&f), Some(&t)) = (pos.get(e.from.as_str()), pos.get(e.to.as_str()))
                && f != t
            {
                led_to[t] = true;
            }
        }
        let sources = (0..n).filter(|&i| map.focus.is_some() && !led_to[i]);
        let first: Vec<usize> = map
            .entry
            .as_deref()
            .and_then(|id| pos.get(id).copied())
            .into_iter()
            .chain(sources)
            .chain(map.focus.as_ref().and_then(|f| pos.get(f.node.as_str()).copied()))
            .chain(0..n)
            .collect();
        for root in first {
            if node_box[root].is_some() {
                continue;
            }
            let b = new_box(Item::Node(root), NODE_W, NODE_H, &mut boxes, &mut children);
            node_box[root] = Some(b);
            roots.push(b);
            let mut queue = std::collections::VecDeque::from([root]);
            while let Some(v) = queue.pop_front() {
                let vb = node_box[v].unwrap_or_default();
                for &e in &out[v] {
                    let to = pos.get(map.edges[e].to.as_str()).copied();
                    let tb = match to {
                        Some(t) if node_box[t].is_none() => {
                            let tb = new_box(Item::Node(t), NODE_W, NODE_H, &mut boxes, &mut children);
                            node_box[t] = Some(tb);
                            queue.push_back(t);
                            tb
                        }
                        _ => new_box(
                            Item::Reference(e),
                            reference_width(&map.edges[e]),
                            STUB_H,
                            &mut boxes,
                            &mut children,
                        ),
                    };
                    children[vb].push(tb);
                    links.push(Link {
                        edge: e,
                        from: vb,
                        to: tb,
                    });
                }
            }
        }
        // Bands and anchors (the row of a box's middle, from its band's top), children before
        // parents: boxes are numbered in search order, so backwards.
        let mut band = vec![0.0f64; boxes.len()];
        let mut anchor = vec![0.0f64; boxes.len()];
        let kids_span = |b: usize, band: &[f64]| {
            children[b].iter().map(|&c| band[c]).sum::<f64>() + GAP_Y * children[b].len().saturating_sub(1) as f64
        };
        for b in (0..boxes.len()).rev() {
            let h = boxes[b].rect.h;
            let kids = kids_span(b, &band);
            band[b] = h.max(kids);
            anchor[b] = match children[b].first() {
                Some(&first) if kids > CENTRE_WITHIN => ((band[b] - kids) / 2.0 + anchor[first]).max(h / 2.0),
                _ => band[b] / 2.0,
            };
        }
        // Rows and columns, parents before children.
        let mut width: f64 = 0.0;
        let mut top = 0.0;
        let mut stack: Vec<(usize, f64, usize)> = Vec::new();
        for &r in &roots {
            stack.push((r, top, 0));
            top += band[r] + GAP_Y * 2.0;
            while let Some((b, band_top, depth)) = stack.pop() {
                let kids = kids_span(b, &band);
                let rect = &mut boxes[b].rect;
                rect.x = depth as f64 * (NODE_W + GAP_X);
                rect.y = band_top + anchor[b] - rect.h / 2.0;
                width = width.max(rect.x + rect.w);
                let mut t = band_top + (band[b] - kids) / 2.0;
                for &c in &children[b] {
                    stack.push((c, t, depth + 1));
                    t += band[c] + GAP_Y;
                }
            }
        }
        Layout {
            boxes,
            links,
            width,
            height: (top - GAP_Y * 2.0).max(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::ClipLibrary;
    use crate::check::{Analysis, Overrides, Thresholds, check_menu};
    use crate::source::Sources;

    fn map_of(path: &str, text: Option<String>) -> Map {
        let mut sources = Sources::new();
        let path = std::path::Path::new(path);
        let outcome = match text {
            Some(t) => crate::menu::load::load_menu_text(path, t, &mut sources),
            None => crate::menu::load_menu(path, &mut sources).expect("readable"),
        };
        let menu = outcome.menu.expect("loads");
        let (clips, _) = ClipLibrary::load(&menu);
        let a = Analysis::of(&menu, &clips);
        let findings = check_menu(&menu, &clips, &a, &Thresholds::resolve(&menu, &Overrides::default()));
        Map::build(&menu, &sources, &a, &findings)
    }

    /// No two boxes overlap, every node has exactly one box, every edge is drawn once, from a
    /// column to the next (so it runs in the gap between them, where its label is).
    fn assert_readable(map: &Map) {
        let l = Layout::of(map);
        let mut seen = vec![0; map.nodes.len()];
        for p in &l.boxes {
            if let Item::Node(i) = p.item {
                seen[i] += 1;
            }
        }
        assert!(seen.iter().all(|&s| s == 1), "every node once");
        assert_eq!(l.links.len(), map.edges.len(), "every edge once");
        // Boxes of one column, sorted by top: neighbours must not overlap.
        let mut columns: std::collections::BTreeMap<i64, Vec<Rect>> = Default::default();
        for p in &l.boxes {
            columns.entry(p.rect.x as i64).or_default().push(p.rect);
        }
        for rects in columns.values_mut() {
            rects.sort_by(|a, b| a.y.total_cmp(&b.y));
            for w in rects.windows(2) {
                assert!(!w[0].overlaps(&w[1]), "{:?} overlaps {:?}", w[0], w[1]);
            }
        }
        for link in &l.links {
            let (a, b) = (l.boxes[link.from].rect, l.boxes[link.to].rect);
            assert!((b.x - (a.x + NODE_W + GAP_X)).abs() < 0.01, "edge to the next column");
            assert!(b.y + b.h <= l.height + 0.01 && b.y >= 0.0);
        }
    }

    #[test]
    fn bundled_menus_lay_out_without_overlaps() {
        let root = env!("CARGO_MANIFEST_DIR");
        assert_readable(&map_of(&format!("{root}/menus/hotline.yaml"), None));
        assert_readable(&map_of(&format!("{root}/menus/clinic.yaml"), None));
    }

    #[test]
    fn a_large_menu_lays_out_without_overlaps() {
        let map = map_of("big.yaml", Some(crate::synth::menu_yaml(2000)));
        assert_readable(&map);
        assert_readable(&map.clone().focus("n5", 2).expect("n5"));
        // The entry starts the map at its top, not in the middle of a tall drawing.
        let l = Layout::of(&map);
        let at = map.nodes.iter().position(|n| n.entry).expect("an entry");
        let entry = l.boxes.iter().find(|p| p.item == Item::Node(at)).expect("entry placed");
        assert!(entry.rect.y < 200.0, "{:?}", entry.rect);
    }

    #[test]
    fn references_stand_for_the_edges_that_do_not_fit_the_tree() {
        let root = env!("CARGO_MANIFEST_DIR");
        let map = map_of(&format!("{root}/menus/hotline.yaml"), None);
        let l = Layout::of(&map);
        let references = l.boxes.iter().filter(|p| matches!(p.item, Item::Reference(_))).count();
        // Every node but the roots is entered by one tree edge; the rest are references.
        assert_eq!(references, map.edges.len() - (map.nodes.len() - 1));
    }
}
