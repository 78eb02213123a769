//! Graphviz DOT maps, for people who have Graphviz (`dot -Tsvg`): every node and edge of
//! the map with the same shapes, colours and findings as the SVG maps, left to right.
//! Graphviz lays out every edge itself, so there are no reference boxes; edges to nodes
//! outside a focused map end at plain-text `↪ id` nodes.

use std::fmt::Write as _;

use super::{EdgeClass, Kind, Map, MapNode, excerpt};

/// `s` as a DOT quoted string: quotes and backslashes escaped, `&` as `&amp;` (Graphviz
/// decodes entities), line breaks as `\n`, other control characters as `?` and their code
/// (`?1B`).
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            // Graphviz reads HTML entities in strings: `&` stays `&` only as `&amp;`.
            '&' => q.push_str("&amp;"),
            // Visible, and distinct for distinct characters, so ids stay apart.
            c if c.is_control() => q.push_str(&format!("?{:02X}", u32::from(c))),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn node_attrs(n: &MapNode, focus: bool) -> String {
    use super::style::{FOCUS, TRAPPED, UNTESTED, kind_colours};
    let (shape, style) = match n.kind {
        Kind::Menu => ("box", "rounded,filled"),
        Kind::Message | Kind::Transfer => ("box", "filled"),
        Kind::Collect => ("parallelogram", "filled"),
        Kind::Route => ("hexagon", "filled"),
        Kind::Hangup => ("oval", "filled"),
        Kind::External => ("cds", "filled"),
        Kind::Record => ("cylinder", "filled"),
        Kind::Callback => ("note", "filled"),
    };
    let (fill, line) = kind_colours(n.kind);
    let mut label = if n.entry { format!("▶ {}", n.id) } else { n.id.clone() };
    if !n.text.is_empty() {
        label.push_str(&format!("\n{}", excerpt(&n.text, 40)));
    }
    label.push_str(&format!("\n{}", n.status()));
    let untested = n.covered == Some(false);
    if untested {
        label.push_str("\nuntested");
    }
    let mut style = style.to_string();
    let mut a = vec![format!("shape={shape}")];
    if !n.reachable || untested {
        style.push_str(",dashed");
    }
    a.push(format!("style={}", quote(&style)));
    a.push(format!("fillcolor={}", quote(fill)));
    if focus {
        a.push(format!("color={}", quote(FOCUS)));
        a.push("penwidth=5".into());
    } else if n.no_operator {
        a.push(format!("color={}", quote(TRAPPED)));
        a.push("penwidth=3".into());
    } else if untested {
        a.push(format!("color={}", quote(UNTESTED)));
    } else {
        a.push(format!("color={}", quote(line)));
    }
    if n.kind == Kind::Transfer {
        a.push("peripheries=2".into());
    }
    if n.entry && !focus && !n.no_operator {
        a.push("penwidth=3".into());
    }
    a.push(format!("label={}", quote(&label)));
    let mut tip = n.text.clone();
    if let Some(entered) = n.entered {
        if !tip.is_empty() {
            tip.push('\n');
        }
        tip.push_str(&super::traffic::node_line(entered, n.gave_up.unwrap_or(0.0)));
    }
    a.push(format!("tooltip={}", quote(&tip)));
    a.join(", ")
}

/// The DOT text of `map`.
pub fn render(map: &Map) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "digraph {} {{", quote(&map.menu));
    let _ = writeln!(
        s,
        "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label={}];",
        quote(&format!("{} — menu map ({})", map.menu, map.file))
    );
    let _ = writeln!(s, "  node [fontname=\"Helvetica\", fontsize=11];");
    let _ = writeln!(s, "  edge [fontname=\"Helvetica\", fontsize=10];");
    for n in &map.nodes {
        let focus = map.focus.as_ref().is_some_and(|f| f.node == n.id);
        let _ = writeln!(s, "  {} [{}];", quote(&n.id), node_attrs(n, focus));
    }
    let mut known: std::collections::HashSet<&str> = map.nodes.iter().map(|n| n.id.as_str()).collect();
    for e in &map.edges {
        if known.insert(&e.to) {
            let (label, tip, colour) = if e.missing {
                (
                    format!("↪ {} (missing)", e.to),
                    "no node of the menu (E006)",
                    super::style::TRAPPED,
                )
            } else {
                (format!("↪ {}", e.to), "outside this focused map", "#374151")
            };
            let _ = writeln!(
                s,
                "  {} [shape=plaintext, label={}, fontcolor={}, tooltip={}];",
                quote(&e.to),
                quote(&label),
                quote(colour),
                quote(tip)
            );
        }
    }
    for e in &map.edges {
        let style = match e.class {
            EdgeClass::Failure => "dashed",
            EdgeClass::NoOperator => "dotted",
            _ => "solid",
        };
        let (colour, style) = match e.covered {
            Some(true) => (super::style::edge_colour(e.class), "solid"),
            Some(false) => (super::style::NOT_COVERED, "dashed"),
            None => (super::style::edge_colour(e.class), style),
        };
        // With traffic: the line as wide as its callers, and their number under the label.
        let traffic = match (e.callers, map.traffic_width(e)) {
            (Some(c), Some(w)) => {
                let callers = super::traffic::callers_text(c);
                let label = if e.label.is_empty() {
                    callers.clone()
                } else {
                    format!("{}\n{callers}", e.label)
                };
                Some((label, w, callers))
            }
            _ => None,
        };
        let label = traffic.as_ref().map_or(e.label.as_str(), |t| t.0.as_str());
        let _ = write!(
            s,
            "  {} -> {} [label={}, color={}, fontcolor={}, style={}",
            quote(&e.from),
            quote(&e.to),
            quote(label),
            quote(colour),
            quote(colour),
            style
        );
        if let Some((_, w, callers)) = &traffic {
            let _ = write!(
                s,
                ", penwidth={:.1}, tooltip={}",
                w,
                quote(&format!("{} → {}: {callers} callers per replication", e.from, e.to))
            );
        }
        s.push_str("];\n");
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting_escapes_what_dot_reads_specially() {
        assert_eq!(quote(r#"say "hi" \ now"#), r#""say \"hi\" \\ now""#);
        assert_eq!(quote("a\nb"), r#""a\nb""#);
        assert_eq!(quote("a\rb\u{1b}"), r#""a?0Db?1B""#);
        assert_eq!(quote("a &amp; b"), r#""a &amp;amp; b""#);
    }
}
