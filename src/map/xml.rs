//! Text made safe for XML 1.0, for every XML writer (the SVG maps, the JUnit reports).
//!
//! XML 1.0 allows only `Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
//! [#x10000-#x10FFFF]` (<https://www.w3.org/TR/xml/#charsets>), even escaped as `&#...;`: a
//! document holding another character (a C0 control other than tab, line feed and carriage
//! return, or the noncharacters U+FFFE and U+FFFF) is not well-formed, and XML readers (CI
//! systems, browsers) refuse all of it. Surrogates cannot occur in a Rust string.

use std::borrow::Cow;

/// What stands for a character XML forbids: U+FFFD REPLACEMENT CHARACTER.
pub const REPLACEMENT: char = '\u{fffd}';

/// Whether XML 1.0 allows `c` in a document (its production `Char`).
pub fn is_xml_char(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{a}' | '\u{d}' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}'
    )
}

/// `s` with every character XML 1.0 forbids replaced by [`REPLACEMENT`] (one for one);
/// borrowed when there is none. Markup in `s` is kept: escaping `<`, `&` and quotes is the
/// writer's work, so this can be applied to a text or to a whole serialised document.
pub fn xml_safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_xml_char(c) { c } else { REPLACEMENT })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_replaced_one_for_one() {
        assert!(matches!(xml_safe("Press 1 <now> & \"go\"\t\r\n"), Cow::Borrowed(_)));
        assert_eq!(xml_safe("a\u{fffe}b\u{ffff}c"), "a\u{fffd}b\u{fffd}c");
        assert_eq!(
            xml_safe("\u{0}\u{1b}[31m\u{8}\u{b}\u{c}\u{1f}"),
            "\u{fffd}\u{fffd}[31m\u{fffd}\u{fffd}\u{fffd}\u{fffd}"
        );
        for c in [
            '\u{7f}',
            '\u{85}',
            '\u{d7ff}',
            '\u{e000}',
            '\u{fffd}',
            '\u{10000}',
            '\u{10ffff}',
            '\u{1f600}',
        ] {
            assert!(is_xml_char(c), "{c:?}");
        }
        let doc = format!("<a b=\"{}\">{}</a>", xml_safe("x\u{fffe}"), xml_safe("\u{1}y\u{ffff}"));
        roxmltree::Document::parse(&doc).unwrap();
    }
}
