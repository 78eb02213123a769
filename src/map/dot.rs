//! Graphviz DOT maps, for people who have Graphviz (`dot -Tsvg`): every node and edge of
//! the map with the same shapes, colours and findings as the SVG maps, left to right.
//! Graphviz lays out every edge itself, so there are no reference boxes; edges to nodes
//! outside a focused map end at plain-text `↪ id` nodes.

use std::fmt::Write as _;

use super::{EdgeClass, Kind, Map, MapNode, describe_to_operator, excerpt};

/// `s` as a DOT quoted string (quotes and backslashes escaped, line breaks as `\n`).
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => {}
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn node_attrs(n: &MapNode, focus: bool) -> String {
    let (shape, style, fill, line) = match n.kind {
        Kind::Menu => ("box", "rounded,filled", "#dbeafe", "#1d4ed8"),
        Kind::Message => ("box", "filled", "#f3f4f6", "#4b5563"),
        Kind::Collect => ("parallelogram", "filled", "#ede9fe", "#6d28d9"),
        Kind::Route => ("hexagon", "filled", "#fef3c7", "#b45309"),
        Kind::Transfer => ("box", "filled", "#dcfce7", "#15803d"),
        Kind::Hangup => ("oval", "filled", "#e5e7eb", "#111827"),
    };
    let mut label = n.id.clone();
    if !n.text.is_empty() {
        label.push_str(&format!("\n{}", excerpt(&n.text, 40)));
    }
    let status = if !n.reachable {
        "unreachable from the entry".to_string()
    } else if n.no_operator {
        "no way to an operator".to_string()
    } else {
        match (n.kind, &n.to_operator) {
            (Kind::Transfer | Kind::Hangup, _) => String::new(),
            (_, Some(t)) => format!("to operator: {}", describe_to_operator(t)),
            (_, None) => String::new(),
        }
    };
    if !status.is_empty() {
        label.push_str(&format!("\n{status}"));
    }
    let mut style = style.to_string();
    let mut a = vec![format!("shape={shape}")];
    if !n.reachable {
        style.push_str(",dashed");
    }
    let fill = if n.covered == Some(false) { "#f9fafb" } else { fill };
    a.push(format!("style={}", quote(&style)));
    a.push(format!("fillcolor={}", quote(fill)));
    if focus {
        a.push("color=\"#f59e0b\"".into());
        a.push("penwidth=5".into());
    } else if n.no_operator {
        a.push("color=\"#dc2626\"".into());
        a.push("penwidth=3".into());
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
    a.push(format!("tooltip={}", quote(&n.text)));
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
            let _ = writeln!(
                s,
                "  {} [shape=plaintext, label={}, tooltip=\"outside this focused map\"];",
                quote(&e.to),
                quote(&format!("↪ {}", e.to))
            );
        }
    }
    for e in &map.edges {
        let (colour, style) = match e.class {
            EdgeClass::Choice => ("#1f2937", "solid"),
            EdgeClass::Next => ("#6b7280", "solid"),
            EdgeClass::Route => ("#b45309", "solid"),
            EdgeClass::Failure => ("#ea580c", "dashed"),
            EdgeClass::NoOperator => ("#7c3aed", "dotted"),
        };
        let (colour, style) = match e.covered {
            Some(true) => (colour, "solid"),
            Some(false) => ("#b0b7c3", "dashed"),
            None => (colour, style),
        };
        let _ = writeln!(
            s,
            "  {} -> {} [label={}, color={}, fontcolor={}, style={}];",
            quote(&e.from),
            quote(&e.to),
            quote(&e.label),
            quote(colour),
            quote(colour),
            style
        );
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
    }
}
