//! Spoken keywords (docs/call-semantics.md, "Spoken input"): matched as whole words, case and
//! punctuation ignored, for every script (not only ASCII letters). A [`Keyword`] is normalised
//! once, when the menu is lowered; what a caller says is normalised once per utterance
//! ([`Said`]). The check for two options with the same keyword compares normalised keywords,
//! so two keywords the engine cannot tell apart are one finding (E008).

use std::fmt;

use crate::menu::MenuOption;

/// `text` as lowercase words (Unicode lowercase) separated by single spaces: every character
/// that is not a letter or a digit (punctuation, symbols, white space) separates words.
/// `"  Water-Leak! "` gives `"water leak"`, `"ESPAÑOL"` gives `"español"`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A spoken keyword of a menu option (`say:`), normalised by [`normalize`]: one or more
/// lowercase words separated by single spaces, never empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Keyword(String);

impl Keyword {
    /// The keyword `text` normalises to; `None` when it has no letter or digit.
    pub fn new(text: &str) -> Option<Self> {
        let k = normalize(text);
        (!k.is_empty()).then_some(Keyword(k))
    }

    /// The normalised words.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a caller said, normalised once by [`normalize`] (padded with a space each side, so
/// that a keyword is found as whole words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said(String);

impl Said {
    /// Normalises `words`.
    pub fn new(words: &str) -> Self {
        Said(format!(" {} ", normalize(words)))
    }

    /// Whether the keyword occurs in what was said as whole words.
    pub fn contains(&self, keyword: &Keyword) -> bool {
        self.0.contains(&format!(" {} ", keyword.as_str()))
    }
}

/// The positions of the options one of whose keywords the caller said in `words`. Exactly
/// one is taken; none or several is a no-match (docs/call-semantics.md, "Spoken input").
pub fn options_said(options: &[MenuOption], words: &str) -> Vec<usize> {
    let said = Said::new(words);
    options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.say.iter().any(|k| said.contains(k)))
        .map(|(i, _)| i)
        .collect()
}

/// Whether saying keyword `k` of option `i` alone takes that option: no other option has a
/// keyword among its words. `existing report` beside another option's `report` matches two
/// options, a no-match, so the graph draws no edge for it.
pub fn takes_alone(options: &[MenuOption], i: usize, k: &Keyword) -> bool {
    options_said(options, k.as_str()) == [i]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Keyword {
        Keyword::new(s).expect("a keyword")
    }

    #[test]
    fn normalised_once_unicode_aware() {
        assert_eq!(normalize("  Water-Leak! "), "water leak");
        assert_eq!(normalize("ESPAÑOL"), "español");
        assert_eq!(normalize("ÉTÉ, Straße"), "été straße");
        assert_eq!(k("Report!"), k("report"));
        assert_eq!(Keyword::new(" ?! "), None);
    }

    #[test]
    fn whole_words_only() {
        let said = Said::new("I want to REPORT a Water leak, please");
        assert!(said.contains(&k("report")));
        assert!(said.contains(&k("water leak")));
        assert!(!said.contains(&k("port")));
        assert!(!said.contains(&k("leak please now")));
        assert!(Said::new("español por favor").contains(&k("Español")));
        assert!(!Said::new("reports").contains(&k("report")));
    }

    #[test]
    fn a_keyword_containing_another_options_keyword_cannot_choose_alone() {
        let m = crate::menu::testing::menu(
            r#"
name: T
entry: main
defaults: { fallback: op }
nodes:
  main:
    kind: menu
    prompt: { text: "a" }
    options:
      - { key: "1", to: op, say: [report] }
      - { key: "2", to: op, say: [existing report, follow up] }
  op: { kind: transfer, queue: q }
"#,
        );
        let crate::menu::NodeKind::Menu(menu) = &m.node(m.find("main").unwrap()).kind else {
            unreachable!()
        };
        assert_eq!(options_said(&menu.options, "an EXISTING report"), vec![0, 1]);
        assert!(takes_alone(&menu.options, 0, &k("report")));
        assert!(!takes_alone(&menu.options, 1, &k("existing report")));
        assert!(takes_alone(&menu.options, 1, &k("follow up")));
    }
}
