//! Announced keys against real keys (W019, W020): what a menu's prompts tell callers to press,
//! compared with the keys that act at the node (`rules::match_entry`: options, pattern options,
//! the terminator and the active global keys).
//!
//! **What counts as an announcement.** A verb of pressing (`press`, `dial`, `select`, `push`;
//! Spanish `oprima`, `pulse`, `presione`, `marque`, …; French `appuyez`, `tapez`, `composez`;
//! German `drücken`, `wählen`), then, past filler words (`the`, `key`, `el`, `la tecla`, `sur
//! la touche`, `Sie die Taste`), one or more keys: digits (`4`, `500`, `9 1 1` said digit by
//! digit), digits as words (`one`, `cero`, `deux`, `vier`) or `star`/`pound`/`hash` and their
//! translations, several joined by `,`, `or`, `o`, `ou`, `oder`. After a first verb in the same
//! prompt, a key alone at the end of a clause (`To follow up on a report, 2.`) is one too.
//! The words of every language above are read in every prompt and translation, since
//! language-choice prompts mix them ("For English, press 1. Para español, oprima el 2.").
//! A sentence that says "hang up" (`cuelgue`, `raccrochez`) is about another number
//! (`hang up and dial 911`) and is skipped.
//!
//! **What it is for.** The clause before the verb (`For billing, press 3`) or after the keys
//! (`press 3 for billing`). Its words are compared with what names each option (its label,
//! spoken keywords, its target's id and description; a global key's action and its target's).
//! Only a clear case is reported: the key's own option shares no word with the clause, not even
//! with its target's prompt, and exactly one other option shares the most of its names. An
//! option to a node that does not exist is not judged (E006 says what is wrong).
//!
//! **Findings.** W019 at the announced key's words: a key that does nothing at the node, or
//! that leads elsewhere than what the prompt says (with the option it leads to and the one the
//! words describe). W020 at an option's key: no prompt or re-prompt of the node announces it
//! in some language whose prompts announce at least one key (a prompt that announces no key at
//! all is a speech menu or says keys some other way, and is not judged). Menus and collects are
//! checked (their own prompt and re-prompts, `defaults` re-prompts included); at a collect a key
//! that is data (a digit) is never a finding. Both are silenced per node by `lint_allow`.
//!
//! The place: the words themselves when the prompt's text is written on one line without
//! escapes (a plain or quoted scalar, so its bytes are the text's), else the whole text, the
//! words quoted in the message.

use crate::diag::{Code, Diagnostic};
use crate::menu::{GlobalAction, Menu, NodeId, NodeKind, Prompt};
use crate::rules::{self, KeyAction};
use crate::source::Span;

/// Verbs that announce a key.
const VERBS: &[&str] = &[
    "press",
    "dial",
    "select",
    "push",
    "oprima",
    "oprimir",
    "oprime",
    "pulse",
    "pulsa",
    "pulsar",
    "presione",
    "presiona",
    "presionar",
    "marque",
    "marca",
    "marcar",
    "digite",
    "teclee",
    "appuyez",
    "tapez",
    "composez",
    "drücken",
    "drücke",
    "wählen",
];

/// Words between a verb and its key.
const FILLER: &[&str] = &[
    "the", "key", "button", "number", "el", "la", "tecla", "número", "sur", "touche", "le", "sie", "die", "taste",
    "ziffer",
];

/// Words that join several keys.
const JOIN: &[&str] = &["or", "o", "u", "ou", "oder", "and", "y", "et", "und"];

/// Words that start what an announced key is for, after the key.
const PURPOSE: &[&str] = &["for", "to", "para", "pour", "für", "um"];

/// Words that say the number is not a key of this menu.
const HANG_UP: &[&str] = &["hang up", "cuelgue", "raccrochez", "legen sie auf"];

/// Words too common to tell options apart.
const STOP: &[&str] = &[
    "for", "to", "the", "a", "an", "of", "on", "or", "and", "if", "you", "your", "is", "it", "in", "with", "our", "us",
    "we", "please", "would", "like", "want", "press", "dial", "select", "this", "that", "about", "are", "be", "can",
    "will", "now", "at", "any", "time", "para", "por", "el", "la", "los", "las", "de", "del", "un", "una", "su", "con",
    "que", "en", "y", "o", "pour", "le", "les", "des", "du", "et", "ou", "votre", "für", "die", "der", "das", "und",
    "oder", "sie", "ihre", "zu", "speak", "talk", "hablar", "parler", "sprechen", "hear", "escuchar", "call",
    "calling", "line",
];

/// Words of a global key's action, for judging what it is announced for.
fn action_words(a: GlobalAction) -> &'static [&'static str] {
    match a {
        GlobalAction::Operator => &[
            "operator",
            "representative",
            "staff",
            "agent",
            "person",
            "someone",
            "desk",
            "reception",
            "taker",
            "personal",
            "operador",
            "agente",
            "representante",
            "opérateur",
            "conseiller",
            "mitarbeiter",
        ],
        GlobalAction::Repeat => &[
            "repeat",
            "again",
            "hear",
            "options",
            "repetir",
            "répéter",
            "wiederholen",
        ],
        GlobalAction::Back => &["back", "previous", "return", "volver", "anterior", "retour", "zurück"],
        GlobalAction::MainMenu => &["main", "menu", "start", "principal", "menú", "hauptmenü"],
    }
}

/// A key as a word, in the languages read.
fn key_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "zero" | "cero" | "zéro" | "null" => "0",
        "one" | "uno" | "un" | "eins" => "1",
        "two" | "dos" | "deux" | "zwei" => "2",
        "three" | "tres" | "trois" | "drei" => "3",
        "four" | "cuatro" | "quatre" | "vier" => "4",
        "five" | "cinco" | "cinq" | "fünf" => "5",
        "six" | "seis" | "sechs" => "6",
        "seven" | "siete" | "sept" | "sieben" => "7",
        "eight" | "ocho" | "huit" | "acht" => "8",
        "nine" | "nueve" | "neuf" | "neun" => "9",
        "star" | "asterisk" | "asterisco" | "estrella" | "étoile" | "stern" => "*",
        "pound" | "hash" | "numeral" | "almohadilla" | "gato" | "dièse" | "raute" => "#",
        _ => return None,
    })
}

/// One token of a prompt's text: a word (lowercase), a number, or a punctuation mark.
#[derive(Clone, Debug)]
struct Token {
    text: String,
    start: usize,
    end: usize,
    kind: TokenKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    Word,
    Number,
    Stop,
    Comma,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_digit() {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                end = j + 1;
                chars.next();
            }
            out.push(Token {
                text: text[i..end].to_owned(),
                start: i,
                end,
                kind: TokenKind::Number,
            });
        } else if rules::is_word_char(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !(rules::is_word_char(d) || d == '\'') || d.is_ascii_digit() {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push(Token {
                text: text[i..end].to_lowercase(),
                start: i,
                end,
                kind: TokenKind::Word,
            });
        } else if matches!(c, '.' | ';' | ':' | '!' | '?') {
            // A dot between letters or digits (`example.gov`, `8 a.m.`) ends nothing.
            let next = text[i + 1..].chars().next();
            if c == '.' && next.is_some_and(|n| n.is_alphanumeric()) {
                continue;
            }
            out.push(Token {
                text: c.to_string(),
                start: i,
                end: i + 1,
                kind: TokenKind::Stop,
            });
        } else if c == ',' {
            out.push(Token {
                text: ",".into(),
                start: i,
                end: i + 1,
                kind: TokenKind::Comma,
            });
        }
    }
    out
}

/// A key a prompt announces.
#[derive(Clone, Debug)]
struct Announced {
    /// The key, as DTMF characters.
    key: String,
    /// Byte range of its words in the text.
    start: usize,
    end: usize,
    /// The words saying what it is for (none for a key in a list).
    purpose: Vec<String>,
}

/// The key at token `i` (a number, digits said one by one, or a key word), and the index
/// after it.
fn key_at(t: &[Token], i: usize, text: &str) -> Option<(String, usize)> {
    let tok = t.get(i)?;
    match tok.kind {
        TokenKind::Number => {
            let mut key = tok.text.clone();
            let mut j = i + 1;
            // `9 1 1`: single digits with only a space between are one number said digit by digit.
            while tok.text.len() == 1
                && let Some(n) = t.get(j)
                && n.kind == TokenKind::Number
                && n.text.len() == 1
                && text[t[j - 1].end..n.start] == *" "
            {
                key.push_str(&n.text);
                j += 1;
            }
            Some((key, j))
        }
        TokenKind::Word => {
            let k = key_word(&tok.text)?;
            // `the pound key`, `number sign`: the key word is enough.
            Some((k.to_owned(), i + 1))
        }
        _ => None,
    }
}

/// The words of tokens `from..to`, without punctuation.
fn words(t: &[Token], from: usize, to: usize) -> Vec<String> {
    t[from..to.min(t.len())]
        .iter()
        .filter(|x| x.kind == TokenKind::Word || x.kind == TokenKind::Number)
        .map(|x| x.text.clone())
        .collect()
}

/// Every key `text` announces (see the module doc).
fn announcements(text: &str) -> Vec<Announced> {
    let t = tokens(text);
    let mut out = Vec::new();
    let mut clause_start = 0; // first token of the current clause
    let mut sentence_start = 0;
    let mut seen_verb = false;
    let mut i = 0;
    while i < t.len() {
        let tok = &t[i];
        match tok.kind {
            TokenKind::Stop => {
                clause_start = i + 1;
                sentence_start = i + 1;
                i += 1;
                continue;
            }
            TokenKind::Comma => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let sentence_end = t[i..]
            .iter()
            .position(|x| x.kind == TokenKind::Stop)
            .map_or(t.len(), |p| i + p);
        let sentence: String = words(&t, sentence_start, sentence_end).join(" ");
        let hang_up = HANG_UP.iter().any(|h| sentence.contains(h));
        if tok.kind == TokenKind::Word && VERBS.contains(&tok.text.as_str()) {
            seen_verb = true;
            let mut j = i + 1;
            while t
                .get(j)
                .is_some_and(|x| x.kind == TokenKind::Word && FILLER.contains(&x.text.as_str()))
            {
                j += 1;
            }
            let mut keys = Vec::new();
            while let Some((key, after)) = key_at(&t, j, text) {
                keys.push((key, t[j].start, t[after - 1].end));
                j = after;
                // `1, 2 or 3`
                let mut k = j;
                while t.get(k).is_some_and(|x| {
                    x.kind == TokenKind::Comma || (x.kind == TokenKind::Word && JOIN.contains(&x.text.as_str()))
                }) {
                    k += 1;
                }
                if k > j && key_at(&t, k, text).is_some() && t.get(k).is_some_and(|x| x.kind == TokenKind::Number) {
                    j = k;
                } else {
                    break;
                }
            }
            if keys.is_empty() || hang_up {
                i = j.max(i + 1);
                continue;
            }
            // `the star key`, `the pound sign`
            while t
                .get(j)
                .is_some_and(|x| x.kind == TokenKind::Word && matches!(x.text.as_str(), "key" | "button" | "sign"))
            {
                j += 1;
            }
            let purpose = if keys.len() > 1 {
                Vec::new()
            } else if t
                .get(j)
                .is_some_and(|x| x.kind == TokenKind::Word && PURPOSE.contains(&x.text.as_str()))
            {
                let end = t[j..]
                    .iter()
                    .position(|x| matches!(x.kind, TokenKind::Stop | TokenKind::Comma))
                    .map_or(t.len(), |p| j + p);
                words(&t, j, end)
            } else {
                words(&t, clause_start, i)
            };
            for (key, start, end) in keys {
                out.push(Announced {
                    key,
                    start,
                    end,
                    purpose: purpose.clone(),
                });
            }
            // What follows the keys up to the clause's end belongs to them.
            while t
                .get(j)
                .is_some_and(|x| !matches!(x.kind, TokenKind::Stop | TokenKind::Comma))
            {
                j += 1;
            }
            clause_start = j;
            i = j;
            continue;
        }
        // After a verb, a number alone after `,` or `or`, closing its clause (`To follow up on
        // a report, 2.`) or followed by what it is for (`, or 2 for the news`, `, 600 for an
        // echo test`), is announced as the verb's keys are.
        let after_join = i > 0
            && (t[i - 1].kind == TokenKind::Comma
                || (t[i - 1].kind == TokenKind::Word && JOIN.contains(&t[i - 1].text.as_str())));
        let next = t.get(i + 1);
        let for_what = next.is_some_and(|x| x.kind == TokenKind::Word && PURPOSE.contains(&x.text.as_str()));
        if seen_verb
            && !hang_up
            && tok.kind == TokenKind::Number
            && after_join
            && (for_what || next.is_none_or(|x| matches!(x.kind, TokenKind::Stop | TokenKind::Comma)))
        {
            let purpose = if for_what {
                let end = t[i + 1..]
                    .iter()
                    .position(|x| matches!(x.kind, TokenKind::Stop | TokenKind::Comma))
                    .map_or(t.len(), |p| i + 1 + p);
                let p = words(&t, i + 1, end);
                i = end;
                p
            } else {
                i += 1;
                words(&t, clause_start, i - 1)
            };
            out.push(Announced {
                key: tok.text.clone(),
                start: tok.start,
                end: tok.end,
                purpose,
            });
            clause_start = i;
            continue;
        }
        i += 1;
    }
    out
}

/// Content words (lowercase, not common ones), for judging what a key is for.
fn content(words: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        for w in rules::normalize(&w).split(' ') {
            if w.chars().count() >= 3 && !STOP.contains(&w) && !w.chars().all(|c| c.is_ascii_digit()) {
                out.push(w.to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether two words are the same word, give or take an ending (`appointment`/`appointments`,
/// `report`/`reports`): equal, or sharing their first five letters or more.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    common >= 5 || (common >= 4 && a.chars().count().min(b.chars().count()) == common)
}

fn score(purpose: &[String], words: &[String]) -> usize {
    purpose.iter().filter(|p| words.iter().any(|w| same_word(p, w))).count()
}

/// The words that name node `to` (its id and description), and those of its prompt in every
/// language.
fn node_words(menu: &Menu, to: Option<NodeId>, names: &mut Vec<String>, prompt: &mut Vec<String>) {
    let Some(to) = to else { return };
    let n = menu.node(to);
    names.push(n.id.replace(['_', '-'], " "));
    names.extend(n.description.iter().cloned());
    if let Some(p) = n.kind.prompt() {
        prompt.push(p.text.clone());
        prompt.extend(p.translations.values().map(|t| t.text.clone()));
    }
}

/// What each key acting at the node is for: its action and the words that describe it.
struct Target {
    action: KeyAction,
    /// The option's label and keywords, its target's id and description, a global key's
    /// action: what names it.
    words: Vec<String>,
    /// Those and its target's prompt: what may merely mention the same things.
    all_words: Vec<String>,
    /// Whether its target is a node of the menu (an unknown target is not judged).
    resolved: bool,
    /// The node it leads to, when it leads to one.
    to: Option<NodeId>,
    /// Where it is written.
    span: Span,
    /// How to name it.
    name: String,
}

fn targets(menu: &Menu, id: NodeId) -> Vec<Target> {
    let mut out = Vec::new();
    if let NodeKind::Menu(m) = &menu.node(id).kind {
        for (i, o) in m.options.iter().enumerate() {
            let mut w: Vec<String> = o.label.iter().cloned().collect();
            w.extend(o.say.iter().map(|k| k.as_str().to_owned()));
            let mut p = Vec::new();
            node_words(menu, o.to.node(), &mut w, &mut p);
            out.push(Target {
                action: KeyAction::Option(i),
                all_words: content(w.iter().cloned().chain(p)),
                words: content(w),
                resolved: o.to.node().is_some(),
                to: o.to.node(),
                span: o.key_span,
                name: match &o.label {
                    Some(l) => format!("option `{}` ({l}), to `{}`", o.key, o.to.name),
                    None => format!("option `{}`, to `{}`", o.key, o.to.name),
                },
            });
        }
    }
    for (a, g) in rules::active_global_keys(menu, id) {
        let mut w: Vec<String> = action_words(a).iter().map(|s| (*s).to_owned()).collect();
        let to = match a {
            GlobalAction::Operator => menu.defaults.operator.as_ref().and_then(|r| r.node()),
            GlobalAction::MainMenu => menu.defaults.main_menu.as_ref().and_then(|r| r.node()),
            _ => None,
        };
        let mut p = Vec::new();
        node_words(menu, to, &mut w, &mut p);
        out.push(Target {
            action: KeyAction::Global(a),
            all_words: content(w.iter().cloned().chain(p)),
            words: content(w),
            resolved: true,
            to,
            span: g.span,
            name: format!("the global `{}` key `{}`", a.name(), g.key),
        });
    }
    out
}

/// The place of the bytes `start..end` of `prompt`'s text in `language` (see the module doc).
fn words_span(prompt: &Prompt, language: Option<&str>, start: usize, end: usize) -> (Span, bool) {
    let s = prompt.text_span;
    if language.is_some() || s.pointer.is_some() {
        return (if language.is_some() { prompt.span } else { s }, false);
    }
    let written = (s.end - s.start) as usize;
    let len = prompt.text.len();
    let offset = if written == len {
        0
    } else if written == len + 2 {
        1
    } else {
        return (s, false);
    };
    let at = s.start + offset as u32;
    (
        Span {
            file: s.file,
            start: at + start as u32,
            end: at + end as u32,
            pointer: None,
        },
        true,
    )
}

/// W019 and W020 for every menu and collect of `menu` (see the module doc).
pub(super) fn check(menu: &Menu, diags: &mut Vec<Diagnostic>) {
    for id in menu.node_ids() {
        let node = menu.node(id);
        let Some(listen) = node.kind.listen() else { continue };
        let (Some(prompt), is_menu) = (node.kind.prompt(), matches!(node.kind, NodeKind::Menu(_))) else {
            continue;
        };
        let data = match &node.kind {
            NodeKind::Collect(c) => Some(c.data_keys),
            _ => None,
        };
        let allow_w019 = !node.lint_allow.contains(&Code::AnnouncedKey);
        let allow_w020 = !node.lint_allow.contains(&Code::UnannouncedOption);
        // What each key is for, computed once per node and only when an announcement needs
        // judging (most nodes of a large menu announce nothing that needs it).
        let mut targets_of: Option<Vec<Target>> = None;
        let prompts: Vec<&Prompt> = std::iter::once(prompt)
            .chain(listen.no_input.iter())
            .chain(listen.no_match.iter())
            .collect();
        let mut reported: Vec<(String, Span)> = Vec::new();
        for (li, language) in menu.languages.iter().enumerate() {
            let tag = (li > 0).then_some(language.as_str());
            let mut said: Vec<String> = Vec::new();
            for p in &prompts {
                let text = match tag {
                    Some(l) => p.translations.get(l).map_or(p.text.as_str(), |t| t.text.as_str()),
                    None => p.text.as_str(),
                };
                // A translation that is not given is the default text, judged already.
                let own = tag.is_none_or(|l| p.translations.contains_key(l));
                for a in announcements(text) {
                    said.push(a.key.clone());
                    if !own || !allow_w019 {
                        continue;
                    }
                    if data.is_some_and(|d| a.key.chars().all(|c| d.contains(c))) {
                        continue; // digits at a collect are data
                    }
                    let (span, exact) = words_span(p, tag, a.start, a.end);
                    if reported.iter().any(|(k, s)| *k == a.key && *s == span) {
                        continue;
                    }
                    let quoted = &text[a.start..a.end];
                    let place = if exact {
                        String::new()
                    } else {
                        format!(" (\"{quoted}\")")
                    };
                    let lang = tag.map_or(String::new(), |l| format!(" ({l})"));
                    let action = rules::match_entry(menu, id, &a.key).at_timeout();
                    let Some(action) = action else {
                        reported.push((a.key.clone(), span));
                        diags.push(
                            Diagnostic::new(
                                Code::AnnouncedKey,
                                span,
                                format!(
                                    "the prompt of `{}` announces key `{}`{lang}, which does nothing there{place}",
                                    node.id, a.key
                                ),
                            )
                            .label(format!("callers who press `{}` get a no-match", a.key))
                            .help("announce a key the node has, or add the option"),
                        );
                        continue;
                    };
                    if !is_menu {
                        continue;
                    }
                    let purpose = content(a.purpose.clone());
                    if purpose.is_empty() {
                        continue;
                    }
                    let targets = targets_of.get_or_insert_with(|| targets(menu, id));
                    let Some(own_target) = targets.iter().find(|t| t.action == action) else {
                        continue;
                    };
                    if !own_target.resolved || score(&purpose, &own_target.all_words) > 0 {
                        continue;
                    }
                    let mut scored: Vec<(usize, &Target)> = targets
                        .iter()
                        .filter(|t| t.action != action)
                        .map(|t| (score(&purpose, &t.words), t))
                        .filter(|(s, _)| *s > 0)
                        .collect();
                    scored.sort_by_key(|x| std::cmp::Reverse(x.0));
                    let Some(&(best, other)) = scored.first() else { continue };
                    // Two keys that lead to the same place ("press 5 for an operator" beside a
                    // global operator key 0 to the same transfer) do not lead elsewhere.
                    if scored.get(1).is_some_and(|(s, _)| *s == best)
                        || (other.to.is_some() && other.to == own_target.to)
                    {
                        continue;
                    }
                    reported.push((a.key.clone(), span));
                    diags.push(
                        Diagnostic::new(
                            Code::AnnouncedKey,
                            span,
                            format!(
                                "the prompt of `{}` announces key `{}` for \"{}\"{lang}, but it leads elsewhere{place}",
                                node.id,
                                a.key,
                                a.purpose.join(" ")
                            ),
                        )
                        .label(format!("`{}` is {}", a.key, own_target.name))
                        .with_secondary(own_target.span, format!("`{}` leads here", a.key))
                        .with_secondary(
                            other.span,
                            format!("\"{}\" sounds like {}", a.purpose.join(" "), other.name),
                        )
                        .help("announce the key of the option the words describe, or fix the option"),
                    );
                }
            }
            if !is_menu || !allow_w020 || said.is_empty() {
                continue;
            }
            let NodeKind::Menu(m) = &node.kind else { continue };
            for o in &m.options {
                if o.pattern.is_some() || said.iter().any(|k| *k == o.key.as_str()) {
                    continue;
                }
                if reported.iter().any(|(k, s)| *k == o.key.as_str() && *s == o.key_span) {
                    continue;
                }
                reported.push((o.key.as_str().to_owned(), o.key_span));
                let lang = if menu.languages.len() > 1 {
                    format!(" in `{language}`")
                } else {
                    String::new()
                };
                diags.push(
                    Diagnostic::new(
                        Code::UnannouncedOption,
                        o.key_span,
                        format!("option `{}` of menu `{}` is never announced{lang}", o.key, node.id),
                    )
                    .label(format!(
                        "no prompt or re-prompt of `{}` tells callers to press `{}`",
                        node.id, o.key
                    ))
                    .with_secondary(prompt.text_span, "the prompt announces other keys")
                    .help(format!(
                        "say it (\"{}press {}\"), or add `lint_allow: [W020]` to the node if it is a hidden key",
                        o.label.as_ref().map_or(String::new(), |l| format!("for {l}, ")),
                        o.key
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, String)> {
        announcements(text)
            .into_iter()
            .map(|a| (a.key, a.purpose.join(" ")))
            .collect()
    }

    #[test]
    fn phrasings() {
        let s = |k: &str, p: &str| (k.to_owned(), p.to_owned());
        assert_eq!(
            keys("To report a concern, press 1. To follow up on a report, 2. Other ways to reach us, 3."),
            vec![
                s("1", "to report a concern"),
                s("2", "to follow up on a report"),
                s("3", "other ways to reach us")
            ]
        );
        assert_eq!(keys("Press 4 for billing."), vec![s("4", "for billing")]);
        assert_eq!(
            keys("Press 1 to hear about us, or 2 for the news. Dial 500 for sales, 600 for an echo test."),
            vec![
                s("1", "to hear about us"),
                s("2", "for the news"),
                s("500", "for sales"),
                s("600", "for an echo test")
            ]
        );
        assert_eq!(keys("Dial zero for an operator"), vec![s("0", "for an operator")]);
        assert_eq!(keys("then press hash."), vec![s("#", "then")]);
        assert_eq!(keys("press the star key to repeat"), vec![s("*", "to repeat")]);
        assert_eq!(
            keys("Please press 1, 2 or 3."),
            vec![s("1", ""), s("2", ""), s("3", "")]
        );
        assert_eq!(keys("Para citas, oprima el 1."), vec![s("1", "para citas")]);
        assert_eq!(
            keys("Pour la facturation, appuyez sur la touche 3."),
            vec![s("3", "pour la facturation")]
        );
        assert_eq!(
            keys("Für Rechnungen drücken Sie die 3."),
            vec![s("3", "für rechnungen")]
        );
        // Not keys of this menu.
        assert!(keys("If this is an emergency, hang up and dial 9 1 1.").is_empty());
        assert!(keys("Please press a key from 1 to 4.").is_empty());
        assert!(keys("It has eight digits and starts with 2 0.").is_empty());
        assert!(keys("open from 8 a.m. to 6 p.m., and on Saturday from 9 a.m. to noon.").is_empty());
    }
}

/// The false findings of the check, measured: none on the bundled menus and on menus written in
/// the style of each platform (`tests/fixtures/announced/`); the menu written with a wrong
/// "press N" gets its findings.
#[cfg(test)]
mod measured {
    use crate::diag::Code;
    use crate::source::Sources;

    fn findings(path: &str, yaml: &str) -> Vec<Code> {
        let mut sources = Sources::new();
        let out = crate::menu::load_menu_text(std::path::Path::new(path), yaml, &mut sources);
        let menu = out.menu.expect(path);
        let mut diags = Vec::new();
        super::check(&menu, &mut diags);
        diags.into_iter().map(|d| d.code).collect()
    }

    #[test]
    fn platform_style_menus() {
        let silent = [
            ("menus/hotline.yaml", include_str!("../../menus/hotline.yaml")),
            ("menus/clinic.yaml", include_str!("../../menus/clinic.yaml")),
            (
                "freeswitch-demo.yaml",
                include_str!("../../tests/fixtures/announced/freeswitch-demo.yaml"),
            ),
            (
                "asterisk-demo.yaml",
                include_str!("../../tests/fixtures/announced/asterisk-demo.yaml"),
            ),
            (
                "vxml-menu.yaml",
                include_str!("../../tests/fixtures/announced/vxml-menu.yaml"),
            ),
            (
                "connect-flow.yaml",
                include_str!("../../tests/fixtures/announced/connect-flow.yaml"),
            ),
            (
                "studio-flow.yaml",
                include_str!("../../tests/fixtures/announced/studio-flow.yaml"),
            ),
        ];
        for (path, yaml) in silent {
            assert_eq!(findings(path, yaml), vec![], "{path}");
        }
        let wrong = include_str!("../../tests/fixtures/check/W019-announced-key.yaml");
        assert_eq!(
            findings("W019-announced-key.yaml", wrong),
            vec![Code::AnnouncedKey, Code::AnnouncedKey, Code::AnnouncedKey]
        );
        // Silenced at the node.
        let allowed = wrong.replace("    kind: menu\n", "    kind: menu\n    lint_allow: [W019]\n");
        assert_eq!(findings("W019-announced-key.yaml", &allowed), vec![]);
    }
}

#[cfg(test)]
mod same_place {
    use crate::audio::ClipLibrary;
    use crate::diag::Code;
    use crate::menu::testing::menu;

    fn codes(yaml: &str) -> Vec<Code> {
        let m = menu(yaml);
        let clips = ClipLibrary::default();
        let a = crate::check::Analysis::of(&m, &clips);
        let t = crate::check::Thresholds::resolve(&m, &crate::check::Overrides::default());
        crate::check::check_menu(&m, &clips, &a, &t)
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    // "Press 5 for an operator" with option 5 and the global operator key 0 both leading to
    // the operator: nothing leads elsewhere (a false W019 found by trying it).
    #[test]
    fn two_keys_to_the_same_place_are_no_wrong_announcement() {
        let yaml = |to: &str| {
            format!(
                "name: T\nentry: main\ndefaults: {{ fallback: op, operator: op, keys: {{ operator: \"0\" }} }}\nnodes:\n  main:\n    kind: menu\n    prompt: {{ text: \"For billing, press 1. To speak to an operator, press 5.\" }}\n    options: [{{ key: \"1\", to: bill, label: billing }}, {{ key: \"5\", to: {to} }}]\n  bill: {{ kind: transfer, queue: billing }}\n  op: {{ kind: transfer, queue: general }}\n  sales: {{ kind: transfer, queue: sales }}\n"
            )
        };
        assert!(!codes(&yaml("op")).contains(&Code::AnnouncedKey));
        assert!(codes(&yaml("sales")).contains(&Code::AnnouncedKey));
    }
}
