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

use super::{Map, excerpt};

/// Width of a node box, in SVG user units (px).
pub const NODE_W: f64 = 250.0;
/// Height of a node box.
pub const NODE_H: f64 = 66.0;
/// Height of a reference box.
pub const STUB_H: f64 = 26.0;
/// Gap between two columns: room for the edge labels.
pub const GAP_X: f64 = 220.0;
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

/// The text of a reference box to node `to`.
pub fn reference_text(to: &str) -> String {
    format!("↪ {}", excerpt(to, STUB_CHARS))
}

fn reference_width(to: &str) -> f64 {
    (reference_text(to).chars().count() as f64 * 7.0 + 20.0).min(NODE_W)
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
                            reference_width(&map.edges[e].to),
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
