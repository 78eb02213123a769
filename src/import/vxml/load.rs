//! Reading the documents of one import: the document named, the documents its `<goto>`s,
//! `<choice>`s and `<link>`s name (VoiceXML 2.0 §5.3.7: `next="other.vxml#dialog"`), and
//! the application root documents they name (`<vxml application="root.vxml">`, §1.5.2).
//!
//! Each document is found with [`Cx::companion`]: among the files given with
//! `ivrsim import --with`, else relative to the document that names it. A document that
//! cannot be found or read is left out; the constructs that name it say so where they are
//! imported. At most [`MAX_DOCUMENTS`] documents are read.

use std::collections::{HashMap, VecDeque};
use std::path::{Component, Path, PathBuf};

use super::super::{Cx, parse_xml};
use crate::source::FileId;

/// Most documents one import reads (the one named and those it leads to): a chain of
/// documents each naming the next is bounded.
pub const MAX_DOCUMENTS: usize = 64;

/// A document read for the import.
pub(super) struct Loaded {
    /// Its id in the run's sources.
    pub file: FileId,
    /// Its folder relative to the imported document's folder (empty for that folder), or the
    /// folder itself when the document lies elsewhere.
    pub rel_dir: PathBuf,
    /// Its text, with a document type declaration that has no internal subset blanked out
    /// (see [`blank_doctype`]).
    pub text: String,
    /// A short name of it for node ids (its file stem; empty for the imported document).
    pub key: String,
    /// Whether it could be read as VoiceXML (a finding says why not).
    pub ok: bool,
}

/// The documents of an import, and which document each reference leads to.
pub(super) struct Library {
    /// The documents, the imported one first.
    pub docs: Vec<Loaded>,
    /// (document, URI as written without its `#fragment` and `?query`) → the document it
    /// names, `None` when that could not be found or read.
    pub links: HashMap<(usize, String), Option<usize>>,
}

/// The file part of a URI as written: without `#fragment` and `?query`; `None` for a
/// reference within the document (`#id`) or an empty one.
pub(super) fn file_part(uri: &str) -> Option<&str> {
    let uri = uri.trim();
    let end = uri.find(['#', '?']).unwrap_or(uri.len());
    let part = &uri[..end];
    (!part.is_empty()).then_some(part)
}

/// Reads the imported document and every document it leads to. `None` when the imported
/// document itself cannot be read as VoiceXML (an E022 finding says why).
pub(super) fn load(cx: &mut Cx<'_>) -> Option<Library> {
    let root_text = blank_doctype(cx.sources.text(cx.file));
    let mut docs = vec![Loaded {
        file: cx.file,
        rel_dir: PathBuf::new(),
        text: root_text,
        key: String::new(),
        ok: true,
    }];
    let mut links: HashMap<(usize, String), Option<usize>> = HashMap::new();
    let mut queue = VecDeque::from([0usize]);
    let root_dir = cx.path.parent().unwrap_or(Path::new("")).to_owned();
    while let Some(i) = queue.pop_front() {
        let refs = match read_refs(cx, &docs[i]) {
            Some(refs) => refs,
            None if i == 0 => return None,
            None => {
                docs[i].ok = false;
                continue;
            }
        };
        for uri in refs {
            if links.contains_key(&(i, uri.clone())) {
                continue;
            }
            let name = companion_name(&docs[i].rel_dir, &uri);
            let found = cx.companion(&name, &[]).map(|(path, file)| {
                if let Some(j) = docs.iter().position(|d| d.file == file) {
                    return Some(j);
                }
                if docs.len() >= MAX_DOCUMENTS {
                    return None;
                }
                let rel_dir = match path.parent().map(|p| p.strip_prefix(&root_dir)) {
                    Some(Ok(rel)) => rel.to_owned(),
                    _ => path.parent().unwrap_or(Path::new("")).to_owned(),
                };
                let key = path
                    .file_stem()
                    .map_or_else(|| format!("doc{}", docs.len()), |s| s.to_string_lossy().into_owned());
                docs.push(Loaded {
                    file,
                    rel_dir,
                    text: blank_doctype(cx.sources.text(file)),
                    key,
                    ok: true,
                });
                queue.push_back(docs.len() - 1);
                Some(docs.len() - 1)
            });
            links.insert((i, uri), found.flatten());
        }
    }
    // A reference to a document that could not be read leads nowhere.
    for target in links.values_mut() {
        if target.is_some_and(|j| !docs[j].ok) {
            *target = None;
        }
    }
    Some(Library { docs, links })
}

/// The name to look a document up by: `uri` relative to the folder of the document naming
/// it (a URL as it is: only a file given with `--with` can stand for it).
fn companion_name(rel_dir: &Path, uri: &str) -> String {
    if uri.contains("://") || Path::new(uri).is_absolute() {
        return uri.to_owned();
    }
    let mut out = PathBuf::new();
    for c in rel_dir.join(uri).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out.to_string_lossy().into_owned()
}

/// Parses `doc` and returns the other documents it names (URIs without fragment), or `None`
/// when it is not a VoiceXML document (reported).
fn read_refs(cx: &mut Cx<'_>, doc: &Loaded) -> Option<Vec<String>> {
    let xml = match parse_xml(doc.file, &doc.text) {
        Ok(xml) => xml,
        Err((at, message)) => {
            cx.unreadable(at, message);
            return None;
        }
    };
    let root = xml.root_element();
    if root.tag_name().name() != "vxml" {
        let at = cx.bytes(doc.file, super::tag_range(&doc.text, root.range()));
        cx.unreadable(
            at,
            format!(
                "not a VoiceXML document: its root element is `<{}>`, not `<vxml>`",
                root.tag_name().name()
            ),
        );
        return None;
    }
    let mut out = Vec::new();
    for n in root.descendants().filter(|n| n.is_element()) {
        let attr = match n.tag_name().name() {
            "goto" | "choice" | "link" => "next",
            "vxml" => "application",
            _ => continue,
        };
        if let Some(part) = n.attribute(attr).and_then(file_part)
            && !out.iter().any(|o: &String| o == part)
        {
            out.push(part.to_owned());
        }
    }
    Some(out)
}

/// `text` with a leading document type declaration (`<!DOCTYPE vxml PUBLIC … "vxml.dtd">`)
/// replaced by spaces, so that a document that names the VoiceXML DTD is read (its lines and
/// columns unchanged). A declaration with an internal subset (`[…]`, where entities are
/// declared) is kept, and [`parse_xml`] refuses it: its entities could expand without bound.
pub(super) fn blank_doctype(text: &str) -> String {
    let Some(at) = text.find("<!DOCTYPE") else {
        return text.to_owned();
    };
    // Only a declaration before the root element: an element start before it means it is
    // not the prolog's (and then the parser reports it).
    let before = &text[..at];
    let element_before = before
        .match_indices('<')
        .any(|(i, _)| before[i + 1..].starts_with(|c: char| c.is_alphabetic() || c == '_'));
    if element_before {
        return text.to_owned();
    }
    let mut quote: Option<char> = None;
    let mut end = None;
    for (i, c) in text[at..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => return text.to_owned(),
            (None, '>') => {
                end = Some(at + i + 1);
                break;
            }
            _ => {}
        }
    }
    let Some(end) = end else {
        return text.to_owned();
    };
    let blank: String = text[at..end]
        .chars()
        .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
        .collect();
    // Multi-byte characters become one space each: pad to keep byte offsets.
    let pad = (end - at).saturating_sub(blank.len());
    format!("{}{}{}{}", &text[..at], blank, " ".repeat(pad), &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_doctype_without_subset_is_blanked_keeping_offsets() {
        let text =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE vxml PUBLIC \"-//W3C//DTD VOICEXML 2.1//EN\"\n \"vxml.dtd\">\n<vxml/>";
        let out = blank_doctype(text);
        assert_eq!(out.len(), text.len());
        assert_eq!(out.find("<vxml"), text.find("<vxml"));
        assert!(!out.contains("DOCTYPE"));
        let with_subset = "<!DOCTYPE vxml [<!ENTITY a \"b\">]><vxml/>";
        assert_eq!(blank_doctype(with_subset), with_subset);
    }

    #[test]
    fn file_parts_and_names() {
        assert_eq!(file_part("#main"), None);
        assert_eq!(file_part("other.vxml#x"), Some("other.vxml"));
        assert_eq!(file_part("other.vxml?a=1"), Some("other.vxml"));
        assert_eq!(companion_name(Path::new("sub"), "../a.vxml"), "a.vxml");
        assert_eq!(companion_name(Path::new(""), "./b.vxml"), "b.vxml");
        assert_eq!(companion_name(Path::new("x"), "http://h/c.vxml"), "http://h/c.vxml");
    }
}
