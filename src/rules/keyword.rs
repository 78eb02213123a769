//! Spoken keywords (docs/call-semantics.md, "Spoken input"): matched as whole words, case and
//! punctuation ignored, for every script (not only ASCII letters). A [`Keyword`] is normalised
//! once, when the menu is lowered; what a caller says is normalised once per utterance
//! ([`Said`]). The check for two options with the same keyword compares normalised keywords,
//! so two keywords the engine cannot tell apart are one finding (E008).

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::menu::MenuOption;

/// Whether `c` belongs to a word: a letter or digit (Unicode alphanumeric) or a combining mark
/// (an accent written as its own character, as in a decomposed `"re\u{301}sume\u{301}"`).
/// Every other character (punctuation, symbols, white space, emoji) separates words. The pipe
/// and REPL input parser use the same test to tell words from nothing said.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// `text` as lowercase words separated by single spaces. The rule (docs/call-semantics.md,
/// "Spoken input"): Unicode normalisation form NFKC (UAX #15: compatibility forms such as
/// full-width letters and digits, ligatures and superscripts become their plain forms;
/// digits of other scripts, such as Arabic-Indic `٣`, stay as they are), Unicode
/// lowercase, NFC again (lowercasing can leave a sequence that is not composed); then every
/// character that is not [`is_word_char`] separates words. Idempotent:
/// `normalize(&normalize(x)) == normalize(x)`.
/// `"  Water-Leak! "` gives `"water leak"`, `"ESPAÑOL"` gives `"español"`, `"ＦＩＲＥ"` gives
/// `"fire"`.
pub fn normalize(text: &str) -> String {
    // ASCII is its own NFKC and NFC, and lowercases to ASCII: skip the Unicode tables (most
    // prompts and keywords are ASCII, and `check` reads every prompt of a menu).
    let composed: String = if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        let lower: String = text.nfkc().flat_map(char::to_lowercase).collect();
        lower.nfc().collect()
    };
    let mut out = String::with_capacity(composed.len());
    for word in composed.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
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

    /// Whether the keyword is only DTMF digits (and spaces): a line of only `0`-`9`, `*`, `#`
    /// and spaces is keys (`crate::call::input::parse`), so such a keyword can never be said
    /// (`check` reports it, E016).
    pub fn is_typed_as_keys(&self) -> bool {
        self.0.chars().all(|c| c == ' ' || crate::menu::dtmf::is_dtmf(c))
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

    /// Strings whose case mapping or normalisation is tricky: Turkish dotted and dotless i,
    /// sharp s, ligatures, full-width letters, Arabic-Indic digits, decomposed accents, emoji,
    /// right-to-left scripts, Greek final sigma, Kelvin and Ohm signs.
    const TRICKY: &[&str] = &[
        "İstanbul",
        "ISTANBUL ıstanbul",
        "Straße STRASSE ẞ",
        "ﬁre ﬂood ﬃ",
        "ＦＩＲＥ　ｗａｔｅｒ",
        "٣ ٤٢ ۳",
        "re\u{301}sume\u{301} café cafe\u{301}",
        "🔥 fire 🚒! 👍🏽",
        "עברית שלום, مرحبا بالعالم",
        "ΟΔΟΣ ὈΔΥΣΣΕΎΣ",
        "\u{212A}elvin \u{2126}hm",
        "e-\u{301} \u{301}x \u{b4}",
        "ǅemal Ǆ ǆ",
        "① ㈱ ½ x²",
        "i\u{307}stanbul I\u{307}",
        "",
        " ?! ",
    ];

    #[test]
    fn normalising_twice_changes_nothing() {
        for s in TRICKY {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s:?}");
            for other in TRICKY {
                let joined = format!("{s}{other}");
                let once = normalize(&joined);
                assert_eq!(normalize(&once), once, "{joined:?}");
            }
        }
    }

    #[test]
    fn unicode_forms_and_combining_marks() {
        assert_eq!(normalize("İstanbul"), normalize("i\u{307}stanbul"));
        assert_eq!(normalize("İstanbul").split(' ').count(), 1);
        assert_eq!(normalize("re\u{301}sume\u{301}"), "résumé");
        assert_eq!(k("café"), k("cafe\u{301}"));
        assert_eq!(k("ＦＩＲＥ"), k("fire"));
        assert_eq!(k("ﬁre"), k("fire"));
        assert_eq!(k("٣").as_str(), "٣", "NFKC keeps Arabic-Indic digits: they are not 3");
        assert!(Said::new("cafe\u{301} please").contains(&k("café")));
        assert!(Said::new("résumé").contains(&k("re\u{301}sume\u{301}")));
        assert!(Said::new("İstanbul").contains(&k("İstanbul")));
        assert!(!Said::new("re sume").contains(&k("re\u{301}sume\u{301}")));
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
