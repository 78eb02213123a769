//! Prompt text from SSML and platform text-to-speech markup, for captions and check's
//! timings: tags are dropped, `<say-as interpret-as="digits">` (and `characters`,
//! `telephone`) is spoken one character at a time, `<break>` is a pause, entities are
//! decoded.
//!
//! SSML 1.1 (W3C Recommendation, 2010), section 3.1.9 `say-as` and the say-as note: `digits`
//! reads each digit; Amazon Polly and Twilio `<Say>` accept the same tags.

/// The words of `text`, which may be SSML (`<speak>…</speak>`) or a fragment with tags:
/// tags are removed, `say-as` digits and characters are spaced out, whitespace is collapsed.
/// Text with no `<` is returned with its whitespace collapsed. Markup that is not
/// well-formed is stripped tag by tag.
pub fn to_text(text: &str) -> String {
    if !text.contains('<') && !text.contains('&') {
        return collapse(text);
    }
    let wrapped = format!("<speak-wrapper>{text}</speak-wrapper>");
    match super::xml::parse_xml(crate::source::FileId(0), &wrapped) {
        Ok(doc) if depth(doc.root_element()) <= MAX_DEPTH => {
            let mut out = String::new();
            walk(doc.root_element(), &mut out);
            collapse(&out)
        }
        Ok(_) => collapse(&strip_tags(text)),
        Err(_) => collapse(&strip_tags(text)),
    }
}

/// Deepest markup read as SSML; deeper markup is stripped tag by tag (no recursion), so a
/// prompt of thousands of nested tags cannot overflow the stack.
const MAX_DEPTH: usize = 64;

/// How deeply `node`'s elements nest (counted without recursion).
fn depth(node: roxmltree::Node<'_, '_>) -> usize {
    let mut depths: std::collections::HashMap<roxmltree::NodeId, usize> = std::collections::HashMap::new();
    let mut most = 0;
    for d in node.descendants() {
        let here = d.parent().and_then(|p| depths.get(&p.id()).copied()).unwrap_or(0) + 1;
        most = most.max(here);
        depths.insert(d.id(), here);
    }
    most
}

fn walk(node: roxmltree::Node<'_, '_>, out: &mut String) {
    for child in node.children() {
        if child.is_text() {
            out.push_str(child.text().unwrap_or(""));
        } else if child.is_element() {
            match child.tag_name().name() {
                "break" => out.push(' '),
                "say-as"
                    if matches!(
                        child.attribute("interpret-as"),
                        Some("digits" | "characters" | "spell-out" | "telephone")
                    ) =>
                {
                    let mut inner = String::new();
                    walk(child, &mut inner);
                    out.push(' ');
                    let chars: Vec<String> = inner
                        .chars()
                        .filter(|c| !c.is_whitespace() && *c != '-')
                        .map(String::from)
                        .collect();
                    out.push_str(&chars.join(" "));
                    out.push(' ');
                }
                "sub" => match child.attribute("alias") {
                    Some(alias) => out.push_str(alias),
                    None => walk(child, out),
                },
                "p" | "s" => {
                    out.push(' ');
                    walk(child, out);
                    out.push(' ');
                }
                _ => walk(child, out),
            }
        }
    }
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
}

fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() && !matches!(word.chars().next(), Some('.' | ',' | '!' | '?' | ';' | ':')) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn strips_ssml_and_spells_digits() {
        assert_eq!(
            to_text(
                "<speak>Your case is <say-as interpret-as=\"digits\">4021</say-as>. <break time=\"1s\"/>Thank you.</speak>"
            ),
            "Your case is 4 0 2 1. Thank you."
        );
        assert_eq!(to_text("Press  1\n for  help"), "Press 1 for help");
        assert_eq!(to_text("Fish &amp; chips"), "Fish & chips");
        assert_eq!(to_text("<speak>Hello <unclosed"), "Hello");
        assert_eq!(to_text("<sub alias=\"World Wide Web\">WWW</sub>"), "World Wide Web");
        let deep = format!("<speak>{}hi{}</speak>", "<p>".repeat(20_000), "</p>".repeat(20_000));
        assert_eq!(to_text(&deep), "hi");
    }
}
