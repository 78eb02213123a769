//! What a caller hears: `<prompt>`, `<audio>`, `<value>`, `<enumerate>` and the SSML inside
//! them (VoiceXML 2.0 §4.1), turned into ivrsim prompt texts and clips.
//!
//! - Text is kept with its whitespace collapsed (§4.1.2); braces become parentheses, so that
//!   no text is read as an ivrsim `{variable}`.
//! - `<value expr="x"/>` (§4.1.4) with a bare variable name is `{x}`; inside `<say-as
//!   interpret-as="digits">` (or `vxml:digits`, `characters`, `telephone`) `{x:digits}`,
//!   `ordinal` `{x:ordinal}`, `cardinal`/`number` `{x:number}` (SSML 1.0 §3.1.8). A string or
//!   number literal is its text. Any other expression is ECMAScript: nothing is read (W027).
//! - `<audio src>` (§4.1.3): its content is what the platform says when the audio cannot be
//!   played; without content a caption `[audio: name.wav]` stands in. A prompt that is only
//!   one `<audio>` plays the clip when a `.wav` of that name lies beside the document (the
//!   file name of a URL); otherwise the clip is not played (W027) and the prompt is timed
//!   from its words.
//! - `<enumerate>` (§2.2.4): its content once per choice, `_prompt` the choice's text and
//!   `_dtmf` its key; without content the choices' texts, separated by commas (the platform
//!   says them its own way: W027).
//! - `<break>` is a space (W027: pauses are not timed); `<sub alias>` its alias; `<p>`, `<s>`,
//!   `<emphasis>`, `<voice>`, `<phoneme>`, `<lang>` their content; `<prosody rate>` its content
//!   (W027: the rate is not timed); `<mark>`, `<desc>`, `<meta>`, `<metadata>` nothing.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use roxmltree::Node;

use super::{Importer, MAX_DEPTH, parse_time};
use crate::menu::Prompt;
use crate::menu::build::At;
use crate::source::Span;

/// A choice of a menu or an option of a field, as `<enumerate>` reads it.
#[derive(Clone, Debug)]
pub(super) struct Choice {
    /// Its text (`_prompt`).
    pub text: String,
    /// Its key (`_dtmf`), empty when it has none.
    pub key: String,
}

/// A clip named by an `<audio src>`.
#[derive(Clone, Debug)]
pub(super) struct ClipUse {
    /// The clip's name relative to the imported document's folder.
    pub name: String,
    /// The `<audio>` element.
    pub at: Span,
    /// Whether the element has fallback content.
    pub fallback: bool,
    /// Why it cannot be a clip of ivrsim's, when it cannot (a URL with no file name, a path
    /// that leaves the folder, not a `.wav`).
    pub not_local: Option<&'static str>,
}

/// One prompt (or run of bare prompt content) as written.
#[derive(Clone, Debug)]
pub(super) struct Said {
    /// The words, whitespace collapsed, with ivrsim placeholders.
    pub text: String,
    /// The element (or the first piece of bare content).
    pub at: Span,
    /// The clips named in it.
    pub clips: Vec<ClipUse>,
    /// Whether it is one `<audio>` and nothing else.
    pub only_clip: bool,
    /// `bargein` of the `<prompt>`.
    pub barge_in: Option<At<bool>>,
    /// `timeout` of the `<prompt>`.
    pub timeout: Option<At<Duration>>,
    /// `count` of the `<prompt>` (1 when not given).
    pub count: u32,
}

/// The words gathered while walking prompt content.
#[derive(Default)]
struct Words {
    text: String,
    clips: Vec<ClipUse>,
    /// Text other than from an `<audio>` element.
    other: bool,
    breaks: bool,
}

/// What `<value>` and `<enumerate>` read while walking.
#[derive(Clone, Copy, Default)]
struct Scope<'s> {
    choices: Option<&'s [Choice]>,
    /// The choice an `<enumerate>` template is being read for.
    bound: Option<&'s Choice>,
    /// How a `<value>` is read inside `<say-as>`.
    read_as: Option<&'static str>,
    in_audio: bool,
}

/// Whether `s` is a variable name ivrsim can read back (`{name}`).
pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Collapses whitespace and drops a space before punctuation.
pub(super) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() && !matches!(word.chars().next(), Some('.' | ',' | '!' | '?' | ';' | ':')) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Literal text with braces made parentheses (ivrsim reads `{name}` as a variable).
fn literal(text: &str) -> String {
    text.replace('{', "(").replace('}', ")")
}

/// The clip name of `src` (relative to the folder of the document, whose folder is `rel_dir`
/// under the imported document's): the path as written, or the file name of a URL; with why
/// it cannot be an ivrsim clip, when it cannot.
fn clip_name(rel_dir: &Path, src: &str) -> (String, Option<&'static str>) {
    let src = src.trim();
    let (path, from_url) = match src.find("://") {
        Some(i) => {
            let rest = &src[i + 3..];
            let path = rest.split(['?', '#']).next().unwrap_or("");
            (path.rsplit('/').next().unwrap_or("").to_owned(), true)
        }
        None => (src.split(['?', '#']).next().unwrap_or("").to_owned(), false),
    };
    if path.is_empty() {
        return (src.to_owned(), Some("it names no file"));
    }
    let joined = if from_url || Path::new(&path).is_absolute() {
        PathBuf::from(
            Path::new(&path)
                .file_name()
                .map_or(path.clone(), |f| f.to_string_lossy().into_owned()),
        )
    } else {
        rel_dir.join(&path)
    };
    let mut out = PathBuf::new();
    let mut escapes = false;
    for c in joined.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::ParentDir => escapes |= !out.pop(),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => escapes = true,
        }
    }
    let name = out.to_string_lossy().replace('\\', "/");
    if escapes || name.is_empty() {
        return (src.to_owned(), Some("it lies outside the document's folder"));
    }
    let wav = Path::new(&name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    (name, (!wav).then_some("ivrsim plays `.wav` clips only"))
}

impl<'d> Importer<'d, '_> {
    /// The prompt of `<prompt>` element `n` of document `doc`; `choices` are what an
    /// `<enumerate>` in it lists.
    pub fn said_prompt(&mut self, doc: usize, n: Node<'d, 'd>, choices: Option<&[Choice]>) -> Said {
        let at = self.at(doc, n);
        let mut words = Words::default();
        let scope = Scope {
            choices,
            ..Scope::default()
        };
        self.walk(doc, n, &mut words, scope, 0);
        let count = match n.attribute("count") {
            None => 1,
            Some(c) => match c.trim().parse::<u32>() {
                Ok(c) if c >= 1 => c,
                _ => {
                    let a = self.attr_at(doc, n, "count");
                    self.unreadable_once(a, 1, format!("`count=\"{c}\"` is not a whole number of at least 1"));
                    1
                }
            },
        };
        let barge_in = n.attribute("bargein").and_then(|v| {
            let a = self.attr_at(doc, n, "bargein");
            match v.trim() {
                "true" => Some(At::new(true, a)),
                "false" => Some(At::new(false, a)),
                other => {
                    self.unreadable_once(a, 1, format!("`bargein=\"{other}\"` is neither `true` nor `false`"));
                    None
                }
            }
        });
        let timeout = n.attribute("timeout").and_then(|v| {
            let a = self.attr_at(doc, n, "timeout");
            match parse_time(v) {
                Some(d) => Some(At::new(d, a)),
                None => {
                    self.unreadable_once(
                        a,
                        1,
                        format!("`timeout=\"{v}\"` is not a time designation such as `5s` or `500ms` (§6.5)"),
                    );
                    None
                }
            }
        });
        if let Some(cond) = n.attribute("cond") {
            let a = self.attr_at(doc, n, "cond");
            self.approx_once(
                a,
                2,
                format!("the condition `{cond}` is ECMAScript, which ivrsim does not run: the prompt is always played"),
                "this prompt also where the platform would leave it out",
            );
        }
        if n.attribute("bargeintype").is_some_and(|t| t.trim() == "hotword") {
            let a = self.attr_at(doc, n, "bargeintype");
            self.approx_once(
                a,
                3,
                "`bargeintype=\"hotword\"` is not modelled: any key stops the prompt",
                "a key that matches no choice stops the prompt, where the platform would play on",
            );
        }
        self.finish_said(at, words, barge_in, timeout, count)
    }

    /// The prompt of bare content (text, `<audio>`, `<value>`, `<enumerate>` outside a
    /// `<prompt>`): `nodes`, the first at `at`.
    pub fn said_bare(&mut self, doc: usize, nodes: &[Node<'d, 'd>], choices: Option<&[Choice]>) -> Option<Said> {
        let first = *nodes.first()?;
        let at = if first.is_element() {
            self.at(doc, first)
        } else {
            // A text's place starts at its first word, not at the line break before it.
            let r = first.range();
            let text = self.docs[doc].text.get(r.clone()).unwrap_or("");
            let lead = text.len() - text.trim_start().len();
            let trail = text.len() - text.trim_end().len();
            let end = r.end.saturating_sub(trail).max(r.start + lead);
            self.cx.bytes(self.docs[doc].file, r.start + lead..end)
        };
        let mut words = Words::default();
        let scope = Scope {
            choices,
            ..Scope::default()
        };
        for n in nodes {
            self.piece(doc, *n, &mut words, scope, 0);
        }
        Some(self.finish_said(at, words, None, None, 1))
    }

    fn finish_said(
        &mut self,
        at: Span,
        words: Words,
        barge_in: Option<At<bool>>,
        timeout: Option<At<Duration>>,
        count: u32,
    ) -> Said {
        if words.breaks {
            self.approx_once(
                at,
                4,
                "pauses (`<break>`) are not timed: ivrsim times a prompt without a clip from its words",
                "the prompt ends a little sooner than the platform's",
            );
        }
        Said {
            text: collapse(&words.text),
            only_clip: words.clips.len() == 1 && !words.other,
            clips: words.clips,
            at,
            barge_in,
            timeout,
            count,
        }
    }

    /// Walks the children of `n`.
    fn walk(&mut self, doc: usize, n: Node<'d, 'd>, words: &mut Words, scope: Scope<'_>, depth: usize) {
        if depth > MAX_DEPTH {
            let at = self.at(doc, n);
            self.unreadable_once(
                at,
                5,
                format!("prompt content nested deeper than {MAX_DEPTH} elements is not read"),
            );
            return;
        }
        for child in n.children() {
            self.piece(doc, child, words, scope, depth + 1);
        }
    }

    /// One node of prompt content.
    fn piece(&mut self, doc: usize, n: Node<'d, 'd>, words: &mut Words, scope: Scope<'_>, depth: usize) {
        if n.is_text() {
            let t = n.text().unwrap_or("");
            if !t.trim().is_empty() && !scope.in_audio {
                words.other = true;
            }
            words.text.push_str(&literal(t));
            return;
        }
        if !n.is_element() {
            return;
        }
        match n.tag_name().name() {
            "audio" => self.audio(doc, n, words, scope, depth),
            "value" => self.value(doc, n, words, scope),
            "enumerate" => self.enumerate(doc, n, words, scope, depth),
            "say-as" => {
                let how = match n.attribute("interpret-as").map(str::trim) {
                    Some("digits" | "vxml:digits" | "characters" | "spell-out" | "telephone" | "vxml:phone") => {
                        Some("digits")
                    }
                    Some("ordinal") => Some("ordinal"),
                    Some("cardinal" | "number" | "vxml:number") => Some("number"),
                    _ => None,
                };
                let mut inner = Words::default();
                self.walk(doc, n, &mut inner, Scope { read_as: how, ..scope }, depth);
                let has_value = inner.text.contains('{');
                let text = if how == Some("digits") && !has_value {
                    let chars: Vec<String> = inner
                        .text
                        .chars()
                        .filter(|c| !c.is_whitespace() && *c != '-')
                        .map(String::from)
                        .collect();
                    chars.join(" ")
                } else {
                    inner.text
                };
                words.text.push(' ');
                words.text.push_str(&text);
                words.text.push(' ');
                words.other |= inner.other;
                words.breaks |= inner.breaks;
                words.clips.extend(inner.clips);
            }
            "break" => {
                words.text.push(' ');
                words.breaks = true;
            }
            "sub" => match n.attribute("alias") {
                Some(alias) => {
                    words.text.push_str(&literal(alias));
                    words.other = true;
                }
                None => self.walk(doc, n, words, scope, depth),
            },
            "p" | "s" | "paragraph" | "sentence" => {
                words.text.push(' ');
                self.walk(doc, n, words, scope, depth);
                words.text.push(' ');
            }
            "emphasis" | "voice" | "phoneme" | "lang" | "prompt" => self.walk(doc, n, words, scope, depth),
            "prosody" => {
                if n.attribute("rate").is_some() || n.attribute("duration").is_some() {
                    let at = self.at(doc, n);
                    self.approx_once(
                        at,
                        6,
                        "the speaking rate of `<prosody>` is not timed: ivrsim times words at 150 a minute",
                        "the prompt lasts as long as at the usual rate",
                    );
                }
                self.walk(doc, n, words, scope, depth);
            }
            "mark" | "desc" | "meta" | "metadata" | "lexicon" => {}
            "foreach" => {
                let at = self.at(doc, n);
                self.approx_once(
                    at,
                    7,
                    "`<foreach>` iterates an ECMAScript array, which ivrsim does not run: nothing is said for it",
                    "silence where the platform reads the array's items",
                );
            }
            other => {
                let at = self.at(doc, n);
                self.approx_once(
                    at,
                    8,
                    format!("`<{other}>` is not prompt content ivrsim knows: only its text is read"),
                    "its text without whatever the element does",
                );
                self.walk(doc, n, words, scope, depth);
            }
        }
    }

    fn audio(&mut self, doc: usize, n: Node<'d, 'd>, words: &mut Words, scope: Scope<'_>, depth: usize) {
        let at = self.at(doc, n);
        let mut inner = Words::default();
        self.walk(
            doc,
            n,
            &mut inner,
            Scope {
                in_audio: true,
                ..scope
            },
            depth,
        );
        let fallback = !collapse(&inner.text).is_empty();
        words.breaks |= inner.breaks;
        words.other |= inner.other;
        words.clips.extend(inner.clips);
        match n.attribute("src") {
            Some(src) => {
                let (name, not_local) = clip_name(&self.docs[doc].rel_dir, src);
                words.text.push(' ');
                if fallback {
                    words.text.push_str(&inner.text);
                } else {
                    words.text.push_str(&format!("[audio: {}]", literal(&name)));
                }
                words.text.push(' ');
                words.clips.push(ClipUse {
                    name,
                    at,
                    fallback,
                    not_local,
                });
            }
            None => {
                let expr = n.attribute("expr").unwrap_or("");
                let a = self.attr_at(doc, n, "expr");
                self.approx_once(
                    a,
                    9,
                    format!("the audio is chosen by the ECMAScript expression `{expr}`, which ivrsim does not run: its fallback text is read instead"),
                    "the fallback text (or nothing) instead of the recording",
                );
                words.text.push(' ');
                words.text.push_str(&inner.text);
                words.text.push(' ');
                words.other = true;
            }
        }
    }

    fn value(&mut self, doc: usize, n: Node<'d, 'd>, words: &mut Words, scope: Scope<'_>) {
        let expr = n.attribute("expr").unwrap_or("").trim();
        if !scope.in_audio {
            words.other = true;
        }
        if let Some(choice) = scope.bound {
            match expr {
                "_prompt" => {
                    words.text.push_str(&literal(&choice.text));
                    return;
                }
                "_dtmf" => {
                    words.text.push(' ');
                    words.text.push_str(&choice.key);
                    words.text.push(' ');
                    return;
                }
                _ => {}
            }
        }
        let quoted = expr.len() >= 2
            && ((expr.starts_with('\'') && expr.ends_with('\'')) || (expr.starts_with('"') && expr.ends_with('"')));
        if quoted {
            words.text.push_str(&literal(&expr[1..expr.len() - 1]));
        } else if !expr.is_empty() && expr.parse::<f64>().is_ok() {
            words.text.push_str(expr);
        } else if is_identifier(expr) {
            words.text.push_str(&match scope.read_as {
                Some(how) => format!(" {{{expr}:{how}}} "),
                None => format!(" {{{expr}}} "),
            });
        } else {
            let at = self.attr_at(doc, n, "expr");
            self.approx_once(
                at,
                10,
                format!("`<value expr=\"{expr}\"/>` is an ECMAScript expression, which ivrsim does not run: nothing is read there"),
                "the prompt without that value",
            );
        }
    }

    fn enumerate(&mut self, doc: usize, n: Node<'d, 'd>, words: &mut Words, scope: Scope<'_>, depth: usize) {
        words.other = true;
        let Some(choices) = scope.choices else {
            let at = self.at(doc, n);
            self.approx_once(
                at,
                11,
                "`<enumerate>` outside a menu or a field with options lists nothing",
                "nothing said here",
            );
            return;
        };
        let template = n
            .children()
            .any(|c| (c.is_text() && !c.text().unwrap_or("").trim().is_empty()) || c.is_element());
        if !template {
            let at = self.at(doc, n);
            self.approx_once(
                at,
                12,
                "`<enumerate/>` without content: the platform lists the choices its own way (§2.2.4); ivrsim reads their texts, separated by commas",
                "the choices read as a plain list",
            );
            let texts: Vec<String> = choices.iter().map(|c| literal(&c.text)).collect();
            words.text.push(' ');
            words.text.push_str(&texts.join(", "));
            words.text.push_str(". ");
            return;
        }
        for choice in choices {
            words.text.push(' ');
            self.walk(
                doc,
                n,
                words,
                Scope {
                    bound: Some(choice),
                    ..scope
                },
                depth,
            );
        }
        words.text.push(' ');
    }

    /// One ivrsim prompt from the prompts `saids` (played one after another), or `None` when
    /// they say nothing. The clip of a prompt that is one `<audio>` is played when the clip
    /// lies beside the document; every clip that is not played is a W027.
    pub fn prompt_of(&mut self, saids: &[Said]) -> Option<Prompt> {
        let saids: Vec<&Said> = saids.iter().filter(|s| !s.text.is_empty()).collect();
        let first = saids.first()?;
        let at = first.at;
        let text = saids.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
        let mut clip = None;
        let root = self.root_dir();
        for s in &saids {
            for c in &s.clips {
                let why = if let Some(why) = c.not_local {
                    Some(why)
                } else if !root.join(&c.name).is_file() {
                    Some("no such file lies beside the document")
                } else if saids.len() > 1 || !s.only_clip {
                    Some("an ivrsim prompt plays one clip or its text, and this prompt has more than the clip")
                } else {
                    None
                };
                match why {
                    None => clip = Some(At::new(c.name.clone(), c.at)),
                    Some(why) => {
                        let instead = if c.fallback {
                            "its fallback text is read instead"
                        } else {
                            "the caption `[audio: …]` stands in for it"
                        };
                        self.approx_once(
                            c.at,
                            13,
                            format!("the clip `{}` is not played: {why}; {instead}", c.name),
                            "the recording is not heard, and the prompt is timed from its words",
                        );
                    }
                }
            }
        }
        Some(self.b.prompt(at, &At::new(text, at), clip.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_names() {
        assert_eq!(clip_name(Path::new(""), "welcome.wav"), ("welcome.wav".into(), None));
        assert_eq!(clip_name(Path::new("sub"), "a/b.wav"), ("sub/a/b.wav".into(), None));
        assert_eq!(
            clip_name(Path::new(""), "http://example.org/audio/hi.wav?x=1"),
            ("hi.wav".into(), None)
        );
        assert_eq!(
            clip_name(Path::new(""), "../x.wav").1,
            Some("it lies outside the document's folder")
        );
        assert_eq!(
            clip_name(Path::new(""), "x.mp3").1,
            Some("ivrsim plays `.wav` clips only")
        );
        assert_eq!(collapse("Press  1 , then\n #"), "Press 1, then #");
        assert_eq!(literal("a {b} c"), "a (b) c");
    }
}
