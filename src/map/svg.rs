//! SVG maps: a [`Layout`] drawn with a legend, styled by CSS classes so that every kind,
//! edge class and finding looks the same everywhere.
//!
//! Node boxes follow flowchart conventions (ISO 5807): a menu is a rounded box, a message a
//! plain box, a collect (input) a parallelogram, a route (decision) a hexagon, a transfer a
//! double-bordered box (a predefined process: the call-taker's), a hang-up a stadium
//! (terminator). Each box shows the node id, the start of its prompt and the fastest way to
//! an operator from there; the full text is in the box's tooltip (`<title>`).
//!
//! The output is deterministic (same menu, same bytes), so a committed map can be compared
//! with a fresh one.

use svg::Document;
use svg::node::element::{Definitions, Element, Group, Marker, Path, Polygon, Rectangle, Style, Text, Title};

use super::layout::{GAP_X, Item, Layout, Rect, reference_text};
use super::{EdgeClass, Kind, Map, MapEdge, MapNode, excerpt, traffic};
use crate::source::{printable, printable_line};

/// Space around the drawing, px.
const MARGIN: f64 = 24.0;
/// Font size of node ids, px.
const ID_PX: f64 = 13.0;
/// Font size of edge labels (bold for keys), px, with room for bold.
const LABEL_PX: f64 = 12.5;
/// Font size of everything else, px.
const SMALL_PX: f64 = 11.0;
/// Average advance of a character of the sans-serif font, as a share of its size (an
/// estimate: SVG has no text measurement; the boxes are sized for it).
const ADVANCE: f64 = 0.6;

/// The style sheet: fonts, and the [`super::style`] palette by class; with a traffic
/// overlay, its classes too.
fn style_sheet(traffic: bool) -> String {
    use super::style::{FOCUS, NOT_COVERED, TRAPPED, UNTESTED, edge_colour, kind_colours};
    let mut css = String::from(
        r#"
text { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; fill: #111827; }
.id { font-size: 13px; font-weight: bold; }
.small { font-size: 11px; }
.excerpt { font-size: 11px; fill: #374151; font-style: italic; }
.title { font-size: 18px; font-weight: bold; }
.shape { stroke-width: 1.6; }
"#,
    );
    for kind in Kind::ALL {
        let (fill, stroke) = kind_colours(kind);
        css.push_str(&format!(
            ".{} .shape {{ fill: {fill}; stroke: {stroke}; }}\n",
            kind.name()
        ));
    }
    for class in EdgeClass::ALL {
        css.push_str(&format!(
            ".{0} path {{ stroke: {1}; }}\n.{0} text {{ fill: {1}; }}\n",
            edge_class_name(class),
            edge_colour(class)
        ));
    }
    css.push_str(&format!(
        r#".entry .shape {{ stroke-width: 3; }}
.focus .shape {{ stroke: {FOCUS}; stroke-width: 5; }}
.no-operator .shape {{ stroke: {TRAPPED}; stroke-width: 3.5; }}
.no-operator .status {{ fill: {TRAPPED}; font-weight: bold; }}
.unreachable {{ opacity: 0.6; }}
.unreachable .shape {{ stroke-dasharray: 6 4; }}
.unreachable .status {{ fill: #9a3412; font-weight: bold; }}
.unvisited .shape {{ stroke: {UNTESTED}; stroke-dasharray: 3 3; }}
.untested {{ fill: {UNTESTED}; font-style: italic; font-weight: bold; }}
.reference rect {{ fill: #ffffff; stroke: #9ca3af; stroke-width: 1; }}
.reference text {{ font-size: 11px; fill: #374151; }}
.reference.missing rect {{ stroke: {TRAPPED}; stroke-width: 2; stroke-dasharray: 4 2; }}
.reference.missing text {{ fill: {TRAPPED}; font-weight: bold; }}
.edge path {{ fill: none; stroke-width: 1.6; }}
.edge text {{ font-size: 11px; }}
.choice text, .next text {{ fill: #111827; }}
.choice .label {{ font-size: 12px; font-weight: bold; }}
.failure path {{ stroke-dasharray: 7 4; }}
.no-operator-edge path {{ stroke-dasharray: 2 3; }}
.covered path {{ stroke-dasharray: none; }}
.not-covered path {{ stroke: {NOT_COVERED}; stroke-dasharray: 5 5; }}
.not-covered text {{ fill: #9ca3af; }}
.legend-box {{ fill: #ffffff; stroke: #d1d5db; }}
"#
    ));
    if traffic {
        css.push_str(
            ".no-traffic { opacity: 0.45; }\n.edge text.traffic { font-size: 11px; font-style: italic; fill: #374151; }\n",
        );
    }
    css
}

/// The CSS class of edges of `class`.
fn edge_class_name(class: EdgeClass) -> &'static str {
    match class {
        EdgeClass::Choice => "choice",
        EdgeClass::Next => "next",
        EdgeClass::Route => "route-edge",
        EdgeClass::Failure => "failure",
        EdgeClass::NoOperator => "no-operator-edge",
    }
}

/// The id of the arrowhead marker for edges of `class` (`None`: never exercised).
fn marker_id(class: Option<EdgeClass>) -> &'static str {
    match class {
        None => "not-covered",
        Some(c) => edge_class_name(c),
    }
}

fn text_width(s: &str, px: f64) -> f64 {
    s.chars().count() as f64 * px * ADVANCE
}

/// Characters of `px` text that fit in `width` px.
fn fit(width: f64, px: f64) -> usize {
    (width / (px * ADVANCE)).floor() as usize
}

fn r(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A line of text; control characters (which XML 1.0 forbids) shown as `?`.
fn text(x: f64, y: f64, class: &str, s: &str) -> Text {
    Text::new(printable_line(s))
        .set("x", r(x))
        .set("y", r(y))
        .set("class", class)
}

/// A tooltip; line breaks kept, other control characters shown as `?`.
fn title(s: &str) -> Title {
    Title::new(printable(s))
}

/// The outline of a node of `kind` filling `b`.
fn shape(kind: Kind, b: Rect) -> Vec<Element> {
    let (x, y, w, h) = (r(b.x), r(b.y), b.w, b.h);
    let rect = |rx: f64| -> Element {
        Rectangle::new()
            .set("x", x)
            .set("y", y)
            .set("width", w)
            .set("height", h)
            .set("rx", rx)
            .set("class", "shape")
            .into()
    };
    let poly = |pts: &[(f64, f64)]| -> Element {
        let p: Vec<String> = pts.iter().map(|(a, b)| format!("{},{}", r(*a), r(*b))).collect();
        Polygon::new().set("points", p.join(" ")).set("class", "shape").into()
    };
    match kind {
        Kind::Menu => vec![rect(10.0)],
        Kind::Message => vec![rect(0.0)],
        Kind::Collect => vec![poly(&[(x + 12.0, y), (x + w, y), (x + w - 12.0, y + h), (x, y + h)])],
        Kind::Route => vec![poly(&[
            (x + 14.0, y),
            (x + w - 14.0, y),
            (x + w, y + h / 2.0),
            (x + w - 14.0, y + h),
            (x + 14.0, y + h),
            (x, y + h / 2.0),
        ])],
        Kind::Transfer => vec![
            rect(0.0),
            Rectangle::new()
                .set("x", x + 8.0)
                .set("y", y)
                .set("width", w - 16.0)
                .set("height", h)
                .set("class", "shape")
                .set("fill-opacity", 0)
                .into(),
        ],
        Kind::Hangup => vec![rect(h / 2.0)],
        Kind::Record => vec![rect(h / 4.0)],
        Kind::Callback => vec![poly(&[(x, y), (x + w, y), (x + w - 12.0, y + h), (x + 12.0, y + h)])],
        // A tag shape (an arrow pointing out of the IVR).
        Kind::External => vec![poly(&[
            (x, y),
            (x + w - h / 2.0, y),
            (x + w, y + h / 2.0),
            (x + w - h / 2.0, y + h),
            (x, y + h),
        ])],
    }
}

fn node_classes(n: &MapNode, focus: bool) -> String {
    let mut c = vec!["node", n.kind.name()];
    if focus {
        c.push("focus");
    }
    if n.entry {
        c.push("entry");
    }
    if n.no_operator {
        c.push("no-operator");
    }
    if !n.reachable {
        c.push("unreachable");
    }
    if n.covered == Some(false) {
        c.push("unvisited");
    }
    c.join(" ")
}

fn node_group(n: &MapNode, b: Rect, focus: bool) -> Group {
    let inner = b.w - 28.0;
    let mut tip = match &n.file {
        Some(f) => format!("{} ({}, {f} line {})", n.id, n.kind.name(), n.line),
        None => format!("{} ({}, line {})", n.id, n.kind.name(), n.line),
    };
    if !n.text.is_empty() {
        tip.push_str(&format!("\n{}", n.text));
    }
    tip.push_str(&format!("\n{}", n.status()));
    if n.covered == Some(false) {
        tip.push_str("\nno scenario enters this node");
    }
    if let Some(entered) = n.entered {
        tip.push_str(&format!("\n{}", traffic::node_line(entered, n.gave_up.unwrap_or(0.0))));
    }
    let mut g = Group::new()
        .set("class", node_classes(n, focus))
        .set("id", format!("node-{}", printable_line(&n.id)))
        .add(title(&tip));
    for s in shape(n.kind, b) {
        g = g.add(s);
    }
    let x = b.x + 14.0;
    // Room for the `untested` tag on the id's line.
    let id_room = if n.covered == Some(false) { inner - 60.0 } else { inner };
    let id = match n.entry {
        true => excerpt(&format!("▶ {}", n.id), fit(id_room, ID_PX)),
        false => excerpt(&n.id, fit(id_room, ID_PX)),
    };
    g = g.add(text(x, b.y + 19.0, "id", &id));
    let excerpt_line = if n.text.is_empty() {
        n.kind.name().to_string()
    } else {
        excerpt(&n.text, fit(inner, SMALL_PX))
    };
    g = g.add(text(x, b.y + 36.0, "excerpt", &excerpt_line));
    if n.covered == Some(false) {
        g = g.add(text(b.x + b.w - 12.0, b.y + 19.0, "small untested", "untested").set("text-anchor", "end"));
    }
    g.add(text(
        x,
        b.y + 53.0,
        "small status",
        &excerpt(&n.status(), fit(inner, SMALL_PX)),
    ))
}

fn edge_classes(e: &MapEdge) -> String {
    let class = edge_class_name(e.class);
    let mut c = match e.covered {
        Some(true) => format!("edge {class} covered"),
        Some(false) => format!("edge {class} not-covered"),
        None => format!("edge {class}"),
    };
    if e.callers == Some(0.0) {
        c.push_str(" no-traffic");
    }
    c
}

/// The arrowhead of `e`; with a traffic overlay (`width`, px), one sized for the line.
fn marker_for(e: &MapEdge, width: Option<f64>) -> String {
    let class = if e.covered == Some(false) { None } else { Some(e.class) };
    match width {
        Some(w) => format!("url(#arrow-{}-w{})", marker_id(class), marker_size(w)),
        None => format!("url(#arrow-{})", marker_id(class)),
    }
}

/// The arrowhead size step of a traffic line `w` px wide: its width rounded, 1 to 12.
fn marker_size(w: f64) -> u32 {
    w.round().clamp(1.0, traffic::MAX_WIDTH) as u32
}

/// Length of the straight end of every edge, px: its label sits above it, so no edge
/// crosses a label (the curves all lie left of the straight ends).
const STRAIGHT: f64 = GAP_X * 0.7;

/// An edge from the right middle of `a` to the left middle of `b`: an S-curve to the row of
/// `b`, then straight for [`STRAIGHT`] px with the label above that part.
/// With a traffic overlay, `width` is the line's width (px): the label moves above it and
/// the callers are written under it.
fn edge_group(e: &MapEdge, a: Rect, b: Rect, width: Option<f64>) -> Group {
    let (x1, y1) = (a.x + a.w, a.y + a.h / 2.0);
    let (x2, y2) = (b.x - 2.0, b.y + b.h / 2.0);
    let xm = x2 - STRAIGHT;
    let dx = (xm - x1) / 2.0;
    let d = format!(
        "M{},{} C{},{} {},{} {},{} L{},{}",
        r(x1),
        r(y1),
        r(x1 + dx),
        r(y1),
        r(xm - dx),
        r(y2),
        r(xm),
        r(y2),
        r(x2),
        r(y2)
    );
    let mut tip = format!("{} → {}", e.from, e.to);
    if !e.label.is_empty() {
        tip.push_str(&format!(": {}", e.label));
    }
    match e.covered {
        Some(true) => tip.push_str(" (exercised by the scenarios)"),
        Some(false) => tip.push_str(" (never exercised by the scenarios)"),
        None => {}
    }
    if let Some(c) = e.callers {
        tip.push_str(&format!(
            "\nsimulated: {} callers per replication from {} to {}",
            traffic::callers_text(c),
            e.from,
            e.to
        ));
    }
    let mut path = Path::new().set("d", d).set("marker-end", marker_for(e, width));
    if let Some(w) = width {
        // Inline, so that it wins over the style sheet's width.
        path = path.set("style", format!("stroke-width:{}", r(w)));
    }
    let half = width.map_or(0.0, |w| w / 2.0);
    let mut g = Group::new().set("class", edge_classes(e)).add(title(&tip)).add(path);
    if !e.label.is_empty() {
        let label = excerpt(&e.label, fit(STRAIGHT - 10.0, LABEL_PX));
        g = g.add(
            text(x2 - 8.0, y2 - 5.0 - half, "", &label)
                .set("text-anchor", "end")
                .set("class", "label"),
        );
    }
    if let Some(c) = e.callers {
        g = g.add(text(x2 - 8.0, y2 + half + 12.0, "traffic", &traffic::callers_text(c)).set("text-anchor", "end"));
    }
    g
}

fn arrow(name: &str, colour: &str) -> Marker {
    Marker::new()
        .set("id", format!("arrow-{name}"))
        .set("viewBox", "0 0 10 10")
        .set("refX", 9)
        .set("refY", 5)
        .set("markerWidth", 7)
        .set("markerHeight", 7)
        .set("orient", "auto")
        .add(Path::new().set("d", "M0,0 L10,5 L0,10 z").set("fill", colour))
}

/// The legend: title, counts, node kinds, edge classes, findings, coverage, global keys.
/// Returns the group, its height and its width (px, margins included).
fn legend(map: &Map) -> (Group, f64, f64) {
    let mut g = Group::new().set("class", "legend");
    let mut y = MARGIN + 18.0;
    let heading = format!("{} — menu map", map.menu);
    g = g.add(text(MARGIN, y, "title", &heading));
    y += 20.0;
    let unreachable = map.nodes.iter().filter(|n| !n.reachable).count();
    let trapped = map.nodes.iter().filter(|n| n.no_operator).count();
    let mut facts = vec![format!("{}", map.file), format!("{} nodes", map.nodes.len())];
    if let Some(f) = &map.focus {
        facts.push(format!(
            "within {} edge{} of `{}` (of {} nodes)",
            f.depth,
            if f.depth == 1 { "" } else { "s" },
            f.node,
            f.of_nodes
        ));
    }
    facts.push(match trapped {
        0 => "every node reaches an operator".into(),
        1 => "1 node with no way to an operator".into(),
        n => format!("{n} nodes with no way to an operator"),
    });
    if unreachable > 0 {
        facts.push(format!("{unreachable} unreachable"));
    }
    if let (Some(t), Some(busiest)) = (&map.traffic, map.busiest_edge()) {
        let reps = match t.replications {
            Some(r) => format!(", mean of {r} replication{}", if r == 1 { "" } else { "s" }),
            None => String::new(),
        };
        facts.push(format!(
            "simulated traffic from {}: callers per replication{reps}; line width by the square root of callers, \
             {}–{} px (widest: {} callers); callers who used global keys count at nodes, not on edges",
            t.file,
            traffic::MIN_WIDTH,
            traffic::MAX_WIDTH,
            traffic::callers_text(busiest)
        ));
    }
    if let (Some(file), Some((covered, total))) = (&map.coverage, map.edge_coverage()) {
        let nodes = map.nodes.iter().filter(|n| n.covered == Some(true)).count();
        facts.push(format!(
            "coverage from {file}: {covered}/{total} edges, {nodes}/{} nodes exercised (every edge drawn counts; \
             `ivrsim test` counts nodes, options and failure edges)",
            map.nodes.len()
        ));
    }
    g = g.add(text(MARGIN, y, "small", &facts.join(" · ")));
    y += 14.0;

    // Node kinds.
    let mut x = MARGIN;
    let sample = |kind: Kind, x: f64, y: f64| {
        let b = Rect { x, y, w: 92.0, h: 26.0 };
        let mut s = Group::new().set("class", format!("node {}", kind.name()));
        for e in shape(kind, b) {
            s = s.add(e);
        }
        s.add(text(x + 12.0, y + 17.0, "small", kind.name()))
    };
    for kind in Kind::ALL {
        g = g.add(sample(kind, x, y));
        x += 104.0;
    }
    // Findings, beside the kinds.
    let finding = |class: &str, label: &str, x: f64| {
        let b = Rect { x, y, w: 34.0, h: 26.0 };
        Group::new()
            .set("class", format!("node menu {class}"))
            .add(shape(Kind::Menu, b).remove(0))
            .add(text(x + 42.0, y + 17.0, "small", label))
    };
    x += 16.0;
    let mut marks = vec![
        ("entry", "▶ the entry"),
        ("no-operator", "no way to an operator (E014)"),
        ("unreachable", "unreachable from the entry (W001)"),
    ];
    if map.focus.is_some() {
        marks.push(("focus", "the focus node"));
    }
    if map.coverage.is_some() {
        marks.push(("unvisited", "untested: no scenario enters it"));
    }
    for (class, label) in marks {
        g = g.add(finding(class, label, x));
        x += 42.0 + text_width(label, SMALL_PX) + 20.0;
    }
    let mut width = x;
    y += 40.0;

    // Edge classes.
    let mut x = MARGIN;
    let mut edge_sample = |class: EdgeClass, covered: Option<bool>, label: &str, x: &mut f64| {
        let sample = MapEdge {
            from: String::new(),
            to: String::new(),
            class,
            label: String::new(),
            covered,
            callers: None,
            missing: false,
            parts: Vec::new(),
        };
        let d = format!("M{},{} L{},{}", r(*x), r(y), r(*x + 44.0), r(y));
        g = std::mem::take(&mut g).add(
            Group::new()
                .set("class", edge_classes(&sample))
                .add(Path::new().set("d", d).set("marker-end", marker_for(&sample, None)))
                .add(text(*x + 52.0, y + 4.0, "small", label)),
        );
        *x += 52.0 + text_width(label, SMALL_PX) + 22.0;
    };
    for (class, label) in [
        (EdgeClass::Choice, "key or keyword"),
        (EdgeClass::Next, "next"),
        (EdgeClass::Route, "route condition"),
        (EdgeClass::Failure, "fallback after no input / no match"),
        (EdgeClass::NoOperator, "when no operator"),
    ] {
        edge_sample(class, None, label, &mut x);
    }
    if map.coverage.is_some() {
        edge_sample(EdgeClass::Choice, Some(true), "exercised", &mut x);
        edge_sample(EdgeClass::Choice, Some(false), "never exercised", &mut x);
    }
    let r_text = if map.focus.is_some() {
        "↪ id: goes to node id, drawn elsewhere on the map or outside this focused map"
    } else {
        "↪ id: goes to node id, drawn elsewhere on the map"
    };
    let rb = Rect {
        x,
        y: y - 11.0,
        w: text_width(r_text, SMALL_PX) + 16.0,
        h: 22.0,
    };
    g = g.add(
        Group::new()
            .set("class", "reference")
            .add(
                Rectangle::new()
                    .set("x", r(rb.x))
                    .set("y", r(rb.y))
                    .set("width", r(rb.w))
                    .set("height", rb.h)
                    .set("rx", 11),
            )
            .add(text(rb.x + 8.0, y + 4.0, "", r_text)),
    );
    width = width.max(rb.x + rb.w);
    y += 26.0;

    let keys: Vec<String> = map
        .global_keys
        .iter()
        .map(|k| format!("{} {}", k.key, k.action.replace('_', " ")))
        .collect();
    let line = if keys.is_empty() {
        "No global keys. Times: the fastest way to an operator, by any caller action, as `ivrsim check` computes it."
            .to_string()
    } else {
        format!(
            "Global keys where the caller can press keys (not drawn): {}. Times: the fastest way to an operator, as `ivrsim check` computes it.",
            keys.join(" · ")
        )
    };
    width = width.max(MARGIN + text_width(&line, SMALL_PX));
    g = g.add(text(MARGIN, y, "small", &line));
    y += 20.0;
    (g, y, width + MARGIN)
}

/// The SVG document of `map`, as text.
pub fn render(map: &Map) -> String {
    let layout = Layout::of(map);
    let ids: std::collections::HashSet<&str> = map.nodes.iter().map(|n| n.id.as_str()).collect();
    let (legend, legend_h, legend_w) = legend(map);
    let mut edges = Group::new().set("class", "edges");
    let mut nodes = Group::new().set("class", "nodes");
    // Arrowheads of traffic lines, one per class and width step used.
    let mut sized: Vec<(&'static str, EdgeClass, u32)> = Vec::new();
    for link in &layout.links {
        let e = &map.edges[link.edge];
        let width = map.traffic_width(e);
        if let Some(w) = width {
            let m = (marker_id(Some(e.class)), e.class, marker_size(w));
            if !sized.contains(&m) {
                sized.push(m);
            }
        }
        edges = edges.add(edge_group(
            e,
            layout.boxes[link.from].rect,
            layout.boxes[link.to].rect,
            width,
        ));
    }
    for placed in &layout.boxes {
        let b = placed.rect;
        match placed.item {
            Item::Node(i) => {
                let n = &map.nodes[i];
                let focus = map.focus.as_ref().is_some_and(|f| f.node == n.id);
                nodes = nodes.add(node_group(n, b, focus));
            }
            Item::Reference(e) => {
                let edge = &map.edges[e];
                let (class, tip) = if edge.missing {
                    (
                        "reference missing",
                        format!("`{}` is no node of the menu (E006)", edge.to),
                    )
                } else if !ids.contains(edge.to.as_str()) {
                    ("reference", format!("goes to `{}`, outside this focused map", edge.to))
                } else {
                    (
                        "reference",
                        format!("goes to `{}`, drawn elsewhere on the map", edge.to),
                    )
                };
                nodes = nodes.add(
                    Group::new()
                        .set("class", class)
                        .add(title(&tip))
                        .add(
                            Rectangle::new()
                                .set("x", r(b.x))
                                .set("y", r(b.y))
                                .set("width", r(b.w))
                                .set("height", b.h)
                                .set("rx", b.h / 2.0),
                        )
                        .add(text(b.x + 10.0, b.y + b.h / 2.0 + 4.0, "", &reference_text(edge))),
                );
            }
        }
    }
    let width = r((layout.width + 2.0 * MARGIN).max(legend_w));
    let top = legend_h + MARGIN;
    let height = r(top + layout.height + MARGIN);
    let frame = Rectangle::new()
        .set("x", MARGIN / 2.0)
        .set("y", MARGIN / 2.0)
        .set("width", r(width - MARGIN))
        .set("height", r(legend_h - MARGIN / 2.0))
        .set("rx", 6)
        .set("class", "legend-box");
    let mut defs = Definitions::new().add(arrow(marker_id(None), super::style::NOT_COVERED));
    for class in EdgeClass::ALL {
        defs = defs.add(arrow(marker_id(Some(class)), super::style::edge_colour(class)));
    }
    for (name, class, size) in sized {
        // In px, not line widths: a 12 px line would otherwise get an 84 px head.
        let px = 6.0 + 1.5 * f64::from(size);
        defs = defs.add(
            arrow(&format!("{name}-w{size}"), super::style::edge_colour(class))
                .set("markerUnits", "userSpaceOnUse")
                .set("markerWidth", px)
                .set("markerHeight", px),
        );
    }
    let doc = Document::new()
        .set("width", width)
        .set("height", height)
        .set("viewBox", format!("0 0 {width} {height}"))
        .add(title(&format!("Menu map of {} ({})", map.menu, map.file)))
        .add(Style::new(style_sheet(map.traffic.is_some())))
        .add(defs)
        .add(
            Rectangle::new()
                .set("width", "100%")
                .set("height", "100%")
                .set("fill", "#ffffff"),
        )
        .add(frame)
        .add(legend)
        .add(
            Group::new()
                .set("transform", format!("translate({MARGIN},{})", r(top)))
                .add(edges)
                .add(nodes),
        );
    // The texts above are `printable` (no controls), but names and prompts may still hold
    // characters XML forbids (U+FFFE, U+FFFF): the whole document goes through `xml_safe`.
    let mut s = super::xml::xml_safe(&doc.to_string()).into_owned();
    s.push('\n');
    s
}
