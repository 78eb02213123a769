//! The YAML key trap: an unquoted `#` starts a comment and an unquoted `*` starts an alias,
//! so `- key: #` silently loses the key and `- key: *` is a syntax error far from obvious.
//! This scan reads the raw text, before YAML parsing, and finds both where a DTMF key is
//! written (`key`, `terminator` and the global keys), so the finding can say exactly what
//! happened and how to fix it.

use std::sync::LazyLock;

use regex::Regex;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span};

static TRAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s{,])(key|terminator|operator|repeat|back|main_menu)[ \t]*:[ \t]+(#|\*(?:[\s,}\]]|$))")
        .expect("static regex")
});

/// Findings (E015) for every unquoted `#` or `*` written as a key in `file`, and the
/// 1-based lines they are on (other findings on those lines are redundant).
pub fn scan(sources: &Sources, file: FileId) -> (Vec<Diagnostic>, Vec<usize>) {
    let text = sources.text(file);
    let mut diags = Vec::new();
    let mut lines = Vec::new();
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(c) = TRAP.captures(line) {
            let field = c.get(1).expect("group 1");
            let value = c.get(2).expect("group 2");
            let ch = &line[value.start()..value.start() + 1];
            if comment_start(line).is_none_or(|cs| cs >= value.start()) {
                let span = Span {
                    file,
                    start: (offset + value.start()) as u32,
                    end: (offset + value.start() + 1) as u32,
                    pointer: None,
                };
                let what = if ch == "#" {
                    "YAML reads an unquoted `#` as the start of a comment, so the key is lost"
                } else {
                    "YAML reads an unquoted `*` as an alias, so this is not a key"
                };
                diags.push(
                    Diagnostic::new(
                        Code::UnquotedKey,
                        span,
                        format!("unquoted `{ch}` in `{}`", field.as_str()),
                    )
                    .label(what)
                    .help(format!("quote the key: `{}: \"{ch}\"`", field.as_str())),
                );
                lines.push(i + 1);
            }
        }
        offset += line.len();
    }
    (diags, lines)
}

/// Byte index of the first `#` that starts a comment (at the line start or after
/// white space, outside quotes), if any.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if prev_space || i == 0 => quote = Some(c),
            (None, '#') if prev_space => return Some(i),
            _ => {}
        }
        prev_space = c.is_whitespace() || matches!(c, '{' | '[' | ',');
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<usize> {
        let mut s = Sources::new();
        let f = s.add("m.yaml", text);
        scan(&s, f).1
    }

    #[test]
    fn finds_unquoted_hash_and_star() {
        assert_eq!(lines("options:\n  - key: #\n    to: a\n"), vec![2]);
        assert_eq!(lines("options: [{ key: *, to: a }]\n"), vec![1]);
        assert_eq!(lines("digits: { min: 1, terminator: # }\n"), vec![1]);
        assert_eq!(lines("keys:\n  repeat: *\n"), vec![1 + 1]);
    }

    #[test]
    fn ignores_quoted_keys_aliases_and_comments() {
        assert!(lines("- key: \"#\"\n- key: '*'\n").is_empty());
        assert!(lines("- key: *op\n").is_empty());
        assert!(lines("# key: #\n").is_empty());
        assert!(lines("- to: a # key: #\n").is_empty());
        assert!(lines("operator: operator\n").is_empty());
    }
}
