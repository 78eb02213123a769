//! Reading XML safely for the importers (FreeSWITCH, VoiceXML, SSML) with roxmltree.
//!
//! A document type declaration is refused (roxmltree's `allow_dtd: false`), so an entity
//! expansion ("billion laughs") cannot happen, and the number of nodes is limited, so a huge
//! document cannot take unbounded memory.

use crate::source::{FileId, Span};

/// Most XML nodes (elements, text, comments, attributes not counted) read from one document.
pub const MAX_XML_NODES: u32 = 2_000_000;

/// Parses `text` (the content of `file`) as XML.
///
/// # Errors
/// The place and message of the first syntax error, a DTD (refused: entities could expand
/// without bound), or more than [`MAX_XML_NODES`] nodes.
pub fn parse_xml(file: FileId, text: &str) -> Result<roxmltree::Document<'_>, (Span, String)> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        let at = match e {
            // roxmltree reports a DTD at the document's start; point at the declaration.
            roxmltree::Error::DtdDetected => text.find("<!DOCTYPE").unwrap_or(0),
            _ => byte_of(text, pos.row as usize, pos.col as usize),
        };
        let message = match e {
            roxmltree::Error::DtdDetected => {
                "a document type declaration (DTD) is not read: its entities could expand without bound".to_owned()
            }
            roxmltree::Error::NodesLimitReached => format!("the document has more than {MAX_XML_NODES} XML nodes"),
            other => format!("not well-formed XML: {other}"),
        };
        let span = Span {
            file,
            start: at as u32,
            end: at as u32,
            pointer: None,
        };
        (span, message)
    })
}

/// The byte offset of 1-based `row` and character `col` in `text` (clamped to the text).
pub(crate) fn byte_of(text: &str, row: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == row {
            let in_line = line
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(line.len(), |(b, _)| b);
            return offset + in_line;
        }
        offset += line.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_dtd_so_entities_cannot_expand() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>\n<vxml>&lol2;</vxml>";
        let (span, message) = parse_xml(FileId(0), bomb).unwrap_err();
        assert!(message.contains("DTD"), "{message}");
        assert!(span.start > 0);
    }

    #[test]
    fn a_syntax_error_has_its_place() {
        let text = "<vxml>\n  <form>\n</vxml>";
        let (span, message) = parse_xml(FileId(0), text).unwrap_err();
        assert!(message.starts_with("not well-formed XML"), "{message}");
        assert_eq!(text[..span.start as usize].matches('\n').count() + 1, 3);
    }
}
