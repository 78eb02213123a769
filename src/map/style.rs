//! The map's palette, the same in every format (SVG, DOT, Mermaid): one colour pair per node
//! kind, one colour per edge class, and the colours of findings, focus and coverage. Colours
//! are CSS hex strings (Tailwind CSS's default palette, chosen to stay apart for the common
//! colour-vision deficiencies; findings also differ by line width or dashes, not by colour
//! alone).

use super::{EdgeClass, Kind};

/// Fill and outline of a node of `kind`.
pub fn kind_colours(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Menu => ("#dbeafe", "#1d4ed8"),
        Kind::Message => ("#f3f4f6", "#4b5563"),
        Kind::Collect => ("#ede9fe", "#6d28d9"),
        Kind::Route => ("#fef3c7", "#b45309"),
        Kind::Transfer => ("#dcfce7", "#15803d"),
        Kind::Hangup => ("#e5e7eb", "#111827"),
        Kind::External => ("#fce7f3", "#be185d"),
        Kind::Record => ("#ffedd5", "#c2410c"),
        Kind::Callback => ("#cffafe", "#0e7490"),
    }
}

/// Line and arrowhead colour of an edge of `class`.
pub fn edge_colour(class: EdgeClass) -> &'static str {
    match class {
        EdgeClass::Choice => "#1f2937",
        EdgeClass::Next => "#6b7280",
        EdgeClass::Route => "#0e7490",
        EdgeClass::Failure => "#ea580c",
        EdgeClass::NoOperator => "#7c3aed",
    }
}

/// Outline of a node with no way to an operator (E014), and its status line.
pub const TRAPPED: &str = "#dc2626";
/// Outline of the focus node of a focused map.
pub const FOCUS: &str = "#f59e0b";
/// Dashed outline and `untested` tag of a node no scenario entered (with a coverage overlay);
/// the node keeps its kind's fill.
pub const UNTESTED: &str = "#6b7280";
/// Lines and labels of an edge no scenario took (with a coverage overlay).
pub const NOT_COVERED: &str = "#b0b7c3";
