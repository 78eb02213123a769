//! Mermaid maps (`flowchart LR`), for pasting into Markdown docs and wikis that render
//! Mermaid (GitHub, GitLab, Obsidian, …). Nodes are named `n0`, `n1`, … (node ids may be
//! Mermaid keywords such as `end`) and labelled with the id and the start of the prompt;
//! shapes, colours, findings and coverage follow the SVG maps.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::style::{NOT_COVERED, TRAPPED, UNTESTED, edge_colour, kind_colours};
use super::traffic::callers_text;
use super::{EdgeClass, Kind, Map, excerpt};

/// `s` inside a Mermaid `"…"` label: `#` (which starts Mermaid's entity codes), `&`, quotes
/// and angle brackets as entity codes; line breaks as spaces, other control characters as `?`.
fn label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// The Mermaid text of `map`.
pub fn render(map: &Map) -> String {
    let mut s = String::from("flowchart LR\n");
    let mut name: HashMap<&str, String> = HashMap::new();
    for (i, n) in map.nodes.iter().enumerate() {
        name.insert(&n.id, format!("n{i}"));
        let mut text = if n.entry {
            format!("▶ {}", label(&n.id))
        } else {
            label(&n.id)
        };
        if !n.text.is_empty() {
            text.push_str(&format!("<br/><i>{}</i>", label(&excerpt(&n.text, 40))));
        }
        text.push_str(&format!("<br/>{}", label(&n.status())));
        if n.covered == Some(false) {
            text.push_str("<br/><i>untested</i>");
        }
        if let Some(entered) = n.entered {
            let gave_up = n.gave_up.unwrap_or(0.0);
            let mut t = format!("{} callers", callers_text(entered));
            if gave_up > 0.0 {
                t.push_str(&format!(", {} gave up", callers_text(gave_up)));
            }
            text.push_str(&format!("<br/><i>{}</i>", label(&t)));
        }
        let (open, close) = match n.kind {
            Kind::Menu => ("(", ")"),
            Kind::Message => ("[", "]"),
            Kind::Collect => ("[/", "/]"),
            Kind::Route => ("{{", "}}"),
            Kind::Transfer => ("[[", "]]"),
            Kind::Hangup => ("([", "])"),
            Kind::External => (">", "]"),
            Kind::Record => ("[(", ")]"),
            Kind::Callback => ("[/", "\\]"),
        };
        let _ = writeln!(s, "  n{i}{open}\"{text}\"{close}");
    }
    let mut outside = 0;
    for e in &map.edges {
        if !name.contains_key(e.to.as_str()) {
            let id = format!("x{outside}");
            outside += 1;
            let missing = if e.missing { " (missing)" } else { "" };
            let _ = writeln!(s, "  {id}>\"↪ {}{missing}\"]", label(&e.to));
            name.insert(&e.to, id);
        }
    }
    let mut styles = Vec::new();
    for (i, e) in map.edges.iter().enumerate() {
        let arrow = match (e.covered, e.class) {
            (Some(true), _) => "-->",
            (Some(false), _) | (None, EdgeClass::Failure | EdgeClass::NoOperator) => "-.->",
            (None, _) => "-->",
        };
        let mut words = label(&e.label);
        if let Some(c) = e.callers {
            if !words.is_empty() {
                words.push_str("<br/>");
            }
            words.push_str(&format!("<i>{}</i>", callers_text(c)));
        }
        let text = if words.is_empty() {
            String::new()
        } else {
            format!("|\"{words}\"|")
        };
        let _ = writeln!(s, "  {} {arrow}{text} {}", name[e.from.as_str()], name[e.to.as_str()]);
        let colour = match (e.covered, e.class) {
            (Some(false), _) => Some(NOT_COVERED),
            (_, EdgeClass::Choice | EdgeClass::Next) => None,
            (_, class) => Some(edge_colour(class)),
        };
        let mut style: Vec<String> = colour.map(|c| format!("stroke:{c},color:{c}")).into_iter().collect();
        if let Some(w) = map.traffic_width(e) {
            style.push(format!("stroke-width:{w:.1}px"));
        }
        if !style.is_empty() {
            styles.push(format!("  linkStyle {i} {}", style.join(",")));
        }
    }
    for line in styles {
        s.push_str(&line);
        s.push('\n');
    }
    let mut classes: Vec<(&str, String)> = Kind::ALL
        .iter()
        .map(|k| {
            let (fill, stroke) = kind_colours(*k);
            (k.name(), format!("fill:{fill},stroke:{stroke}"))
        })
        .collect();
    classes.extend([
        ("noOperator", format!("stroke:{TRAPPED},stroke-width:3px")),
        ("unreachable", "stroke-dasharray:6 4,opacity:0.6".to_string()),
        ("untested", format!("stroke:{UNTESTED},stroke-dasharray:3 3")),
    ]);
    for (c, style) in classes {
        let _ = writeln!(s, "  classDef {c} {style}");
    }
    for kind in Kind::ALL {
        let members: Vec<&str> = map
            .nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| name[n.id.as_str()].as_str())
            .collect();
        if !members.is_empty() {
            let _ = writeln!(s, "  class {} {}", members.join(","), kind.name());
        }
    }
    let flagged = |f: &dyn Fn(&super::MapNode) -> bool| -> Vec<&str> {
        map.nodes
            .iter()
            .filter(|n| f(n))
            .map(|n| name[n.id.as_str()].as_str())
            .collect()
    };
    for (class, members) in [
        ("untested", flagged(&|n| n.covered == Some(false))),
        ("noOperator", flagged(&|n| n.no_operator)),
        ("unreachable", flagged(&|n| !n.reachable)),
    ] {
        if !members.is_empty() {
            let _ = writeln!(s, "  class {} {class}", members.join(","));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_escape_quotes_and_brackets() {
        assert_eq!(label(r#"say "a" <b>"#), "say #quot;a#quot; #lt;b#gt;");
        assert_eq!(label("press #9; or #"), "press #35;9; or #35;");
        assert_eq!(label("a &amp; b\u{1}"), "a #amp;amp; b?");
    }
}
