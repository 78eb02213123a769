//! Sounds as mod_ivr names them (`greet-long`, `invalid-sound`, a `menu-play-sound` param, a
//! phrase macro's `play-file`), and phrase macros read from a language file.
//!
//! What `switch_ivr_play_file` (`src/switch_ivr_play_say.c`) does with a sound string, and
//! what the import makes of it:
//!
//! | sound | FreeSWITCH | caption (and clip) |
//! | --- | --- | --- |
//! | `say:TEXT` | TTS of TEXT with the channel's `tts_engine`/`tts_voice` | TEXT |
//! | `phrase:NAME[:DATA]` | the phrase macro NAME of the channel's language | the macro's words (see [`PhraseBook`]), else `[phrase: NAME]` |
//! | `silence_stream://N` | N ms of silence | `[silence N ms]` |
//! | `tone_stream://…`, other `scheme://…` | a generated tone, a stream | `[tone]`, `[audio: …]` |
//! | a file path | the recording, under the sound prefix | `[audio: NAME]`, and the clip NAME when a file of that name is beside the imported file |

use std::collections::HashMap;

use regex::Regex;

use crate::source::{FileId, Span};

/// What a sound string is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Sound<'a> {
    /// `say:TEXT`.
    Say(&'a str),
    /// `phrase:NAME[:DATA]`.
    Phrase {
        /// The macro.
        name: &'a str,
        /// What it is given to say (`$1` of its patterns).
        data: &'a str,
    },
    /// `silence_stream://N`: N ms of silence (`None` when N is not a number).
    Silence(Option<u64>),
    /// `tone_stream://…`.
    Tone,
    /// Another `scheme://…` stream (`local_stream://moh`, `http://…`).
    Stream(&'a str),
    /// A recording: the path as written and its file name.
    File {
        /// The path as written (`ivr/ivr-welcome.wav`).
        path: &'a str,
        /// Its last component (`ivr-welcome.wav`).
        name: &'a str,
    },
}

/// Classifies a sound string (trimmed) as `switch_ivr_play_file` reads its prefixes.
pub(super) fn classify(sound: &str) -> Sound<'_> {
    let s = sound.trim();
    if let Some(text) = s.strip_prefix("say:") {
        return Sound::Say(text.trim());
    }
    if let Some(rest) = s.strip_prefix("phrase:") {
        let (name, data) = rest.split_once(':').unwrap_or((rest, ""));
        return Sound::Phrase {
            name: name.trim(),
            data,
        };
    }
    if let Some(rest) = s.strip_prefix("silence_stream://") {
        let ms = rest.split([',', ';']).next().and_then(|n| n.trim().parse().ok());
        return Sound::Silence(ms);
    }
    if s.starts_with("tone_stream://") {
        return Sound::Tone;
    }
    if s.contains("://") {
        return Sound::Stream(s);
    }
    let name = s.rsplit(['/', '\\']).next().unwrap_or(s);
    Sound::File { path: s, name }
}

/// The caption a recording gets: its file name, marked as audio only.
pub(super) fn audio_caption(name: &str) -> String {
    format!("[audio: {name}]")
}

/// One action of a phrase macro (`<action function="…" data="…"/>`).
#[derive(Clone, Debug)]
struct Action {
    function: String,
    data: String,
    /// `phrase` attribute of a `phrase` action: the macro it plays.
    phrase: String,
}

/// One `<input>` of a macro.
#[derive(Clone, Debug)]
struct Input {
    /// `pattern` (default `.*`).
    pattern: String,
    /// A `field` other than the macro's data: a channel variable the import cannot know.
    field: Option<String>,
    /// `break_on_match`.
    break_on_match: bool,
    on_match: Vec<Action>,
    on_nomatch: Vec<Action>,
}

/// A phrase macro: its inputs.
#[derive(Clone, Debug)]
struct Macro {
    inputs: Vec<Input>,
}

/// What a macro says: its words, the recordings it plays, and what the import could not
/// follow.
#[derive(Clone, Debug, Default)]
pub(super) struct Said {
    /// The words and captions, in order.
    pub parts: Vec<String>,
    /// Recordings played (their captions are in `parts`).
    pub recordings: Vec<String>,
    /// Actions not followed (`execute`, an unknown macro, a `field` of a channel variable).
    pub skipped: Vec<String>,
}

/// Deepest nesting of `phrase` actions followed (FreeSWITCH limits the recursion of its
/// input callbacks, `arg_recursion_check_start`; a macro that plays itself would not end).
const MAX_PHRASE_DEPTH: usize = 8;

/// Most actions followed in one macro resolution, all nested macros together.
const MAX_PHRASE_ACTIONS: usize = 10_000;

/// Phrase macros read from language files (`<macro name="…">` anywhere in them: a
/// `<language><phrases><macros>` file or a `<include>` of macros), by name, the first of a
/// name winning (FreeSWITCH's `switch_xml_find_child` takes the first of the channel's
/// language; the import does not know the language and takes the first in file order).
#[derive(Debug, Default)]
pub(super) struct PhraseBook {
    macros: HashMap<String, Macro>,
    /// The files read, for the findings.
    pub files: Vec<String>,
}

impl PhraseBook {
    /// Reads the macros of `text` (the content of `file`, shown as `shown`).
    ///
    /// # Errors
    /// The place and message of an XML error.
    pub fn add_file(&mut self, file: FileId, shown: &str, text: &str) -> Result<(), (Span, String)> {
        let doc = crate::import::parse_xml(file, text)?;
        let actions = |n: Option<roxmltree::Node<'_, '_>>| -> Vec<Action> {
            n.map(|m| {
                m.children()
                    .filter(|a| a.has_tag_name("action"))
                    .map(|a| Action {
                        function: a.attribute("function").unwrap_or("").to_ascii_lowercase(),
                        data: a.attribute("data").unwrap_or("").to_owned(),
                        phrase: a.attribute("phrase").unwrap_or("").to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
        };
        for m in doc.descendants().filter(|n| n.has_tag_name("macro")) {
            let Some(name) = m.attribute("name") else { continue };
            if self.macros.contains_key(name) {
                continue;
            }
            let inputs = m
                .children()
                .filter(|i| i.has_tag_name("input"))
                .map(|i| Input {
                    pattern: i.attribute("pattern").unwrap_or(".*").to_owned(),
                    field: i.attribute("field").map(str::to_owned),
                    break_on_match: matches!(
                        i.attribute("break_on_match").map(str::to_ascii_lowercase).as_deref(),
                        Some("true" | "yes" | "on" | "1" | "enabled" | "active" | "allow")
                    ),
                    on_match: actions(i.children().find(|c| c.has_tag_name("match"))),
                    on_nomatch: actions(i.children().find(|c| c.has_tag_name("nomatch"))),
                })
                .collect();
            self.macros.insert(name.to_owned(), Macro { inputs });
        }
        self.files.push(shown.to_owned());
        Ok(())
    }

    fn lookup(&self, name: &str) -> Option<&Macro> {
        // `NAME@GROUP` names a macro of the `<macros name="GROUP">` group; the import keeps
        // one namespace and looks the local name up.
        self.macros
            .get(name)
            .or_else(|| name.split_once('@').and_then(|(local, _)| self.macros.get(local)))
    }

    /// What macro `name` says when given `data`, as `switch_ivr_phrase_macro_event` plays
    /// it: every `<input>` in order, its `pattern` (default `.*`) tried on the data, the
    /// `<match>` actions when it matches (with `$1`… of the pattern's groups substituted)
    /// and the `<nomatch>` ones when not, stopping after a matching input with
    /// `break_on_match` or at a `break` action. `None` when there is no such macro.
    pub fn say(&self, name: &str, data: &str) -> Option<Said> {
        let mut said = Said::default();
        let mut budget = MAX_PHRASE_ACTIONS;
        self.lookup(name)?;
        self.walk(name, data, 0, &mut said, &mut budget);
        Some(said)
    }

    /// Plays macro `name` into `said`; `false` once a `break` (or a limit) stops everything.
    fn walk(&self, name: &str, data: &str, depth: usize, said: &mut Said, budget: &mut usize) -> bool {
        let Some(m) = self.lookup(name) else {
            said.skipped
                .push(format!("the macro `{name}`, which no phrase file read defines"));
            return true;
        };
        if depth >= MAX_PHRASE_DEPTH {
            said.skipped
                .push(format!("`{name}`, nested more than {MAX_PHRASE_DEPTH} macros deep"));
            return false;
        }
        for input in &m.inputs {
            if let Some(f) = &input.field {
                said.skipped
                    .push(format!("an `<input field=\"{f}\">` (a channel variable)"));
            }
            let subject = if input.field.is_some() { "" } else { data };
            let re = Regex::new(&input.pattern).ok();
            let caps = re.as_ref().and_then(|re| re.captures(subject));
            if re.is_none() {
                said.skipped.push(format!(
                    "the pattern `{}`, which is not a regular expression the import reads (taken as matching)",
                    input.pattern
                ));
            }
            let matched = re.is_none() || caps.is_some();
            let actions = if matched { &input.on_match } else { &input.on_nomatch };
            for a in actions {
                if *budget == 0 {
                    said.skipped
                        .push(format!("the rest: more than {MAX_PHRASE_ACTIONS} actions"));
                    return false;
                }
                *budget -= 1;
                let adata = match &caps {
                    Some(c) if input.pattern.contains('(') && a.data.contains('$') => substitute(&a.data, c),
                    _ => a.data.clone(),
                };
                match a.function.as_str() {
                    "play-file" => self.play(&adata, depth, said, budget),
                    "speak-text" | "say" => {
                        let t = adata.trim();
                        if !t.is_empty() {
                            said.parts.push(t.to_owned());
                        }
                    }
                    "phrase" => {
                        let inner = if a.phrase.is_empty() {
                            adata.as_str()
                        } else {
                            a.phrase.as_str()
                        };
                        let inner_data = if a.phrase.is_empty() { "" } else { adata.as_str() };
                        if !self.walk(inner, inner_data, depth + 1, said, budget) {
                            return false;
                        }
                    }
                    "break" => return false,
                    other => said.skipped.push(format!("the `{other}` action `{adata}`")),
                }
            }
            if matched && caps.is_some() && input.break_on_match {
                break;
            }
        }
        true
    }

    /// A `play-file` action's sound.
    fn play(&self, sound: &str, depth: usize, said: &mut Said, budget: &mut usize) {
        match classify(sound) {
            Sound::Say(t) => {
                if !t.is_empty() {
                    said.parts.push(t.to_owned());
                }
            }
            Sound::Phrase { name, data } => {
                self.walk(name, data, depth + 1, said, budget);
            }
            Sound::Silence(_) => {}
            Sound::Tone => said.parts.push("[tone]".into()),
            Sound::Stream(s) => {
                said.parts.push(audio_caption(s));
                said.recordings.push(s.to_owned());
            }
            Sound::File { path, name } => {
                said.parts.push(audio_caption(name));
                said.recordings.push(path.to_owned());
            }
        }
    }
}

/// `template` with `$N` (N one or more digits) replaced by group N of `caps` (nothing when
/// the group did not take part), as `switch_perform_substitution` (`src/switch_regex.c`)
/// fills a phrase action's data; anything else, `${var}` included, is kept.
pub(super) fn substitute(template: &str, caps: &regex::Captures<'_>) -> String {
    /// Longest text a substitution makes (64 KiB): phrase macros that call each other with
    /// `$1$1…` would otherwise grow it a hundredfold a level.
    const MAX_SUBSTITUTED: usize = 64 * 1024;
    let mut out = String::with_capacity(template.len().min(MAX_SUBSTITUTED));
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        if out.len() > MAX_SUBSTITUTED {
            break;
        }
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            out.push('$');
            rest = after;
            continue;
        }
        if let Ok(n) = after[..digits].parse::<usize>()
            && let Some(m) = caps.get(n)
        {
            out.push_str(m.as_str());
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sounds_are_classified_by_their_prefix() {
        assert_eq!(classify(" say:Hello there "), Sound::Say("Hello there"));
        assert_eq!(
            classify("phrase:menu_main:1234"),
            Sound::Phrase {
                name: "menu_main",
                data: "1234"
            }
        );
        assert_eq!(
            classify("phrase:menu_main"),
            Sound::Phrase {
                name: "menu_main",
                data: ""
            }
        );
        assert_eq!(classify("silence_stream://1500"), Sound::Silence(Some(1500)));
        assert_eq!(classify("tone_stream://%(200,0,500)"), Sound::Tone);
        assert_eq!(classify("local_stream://moh"), Sound::Stream("local_stream://moh"));
        assert_eq!(
            classify("$${sounds_dir}/ivr/ivr-welcome.wav"),
            Sound::File {
                path: "$${sounds_dir}/ivr/ivr-welcome.wav",
                name: "ivr-welcome.wav"
            }
        );
    }

    const PHRASES: &str = r#"<include><language name="en"><phrases><macros>
  <macro name="welcome">
    <input pattern="(.*)">
      <match>
        <action function="speak-text" data="Welcome to the hotline."/>
        <action function="play-file" data="ivr/ivr-beep.wav"/>
        <action function="play-file" data="silence_stream://500"/>
        <action function="phrase" phrase="options" data=""/>
        <action function="execute" data="sleep(500)"/>
      </match>
    </input>
  </macro>
  <macro name="options">
    <input pattern="^$"><match><action function="play-file" data="say:Press 1."/></match></input>
  </macro>
  <macro name="count">
    <input pattern="^(\d+)$" break_on_match="true">
      <match><action function="say" data="$1"/></match>
      <nomatch><action function="speak-text" data="no count"/></nomatch>
    </input>
    <input pattern="."><match><action function="speak-text" data="never"/></match></input>
  </macro>
  <macro name="loop"><input><match><action function="phrase" phrase="loop"/><action function="break"/></match></input></macro>
</macros></phrases></language></include>"#;

    fn book() -> PhraseBook {
        let mut b = PhraseBook::default();
        b.add_file(FileId(0), "phrases.xml", PHRASES).unwrap();
        b
    }

    #[test]
    fn a_macro_says_its_words_and_captions_its_recordings() {
        let said = book().say("welcome", "").unwrap();
        assert_eq!(
            said.parts,
            ["Welcome to the hotline.", "[audio: ivr-beep.wav]", "Press 1."]
        );
        assert_eq!(said.recordings, ["ivr/ivr-beep.wav"]);
        assert_eq!(said.skipped, ["the `execute` action `sleep(500)`"]);
    }

    #[test]
    fn patterns_choose_match_or_nomatch_and_substitute_groups() {
        let b = book();
        assert_eq!(b.say("count", "42").unwrap().parts, ["42"]);
        assert_eq!(b.say("count", "x").unwrap().parts, ["no count", "never"]);
        assert!(b.say("nothing", "").is_none());
    }

    #[test]
    fn a_macro_that_plays_itself_stops() {
        let said = book().say("loop", "").unwrap();
        assert!(said.parts.is_empty());
        assert!(said.skipped.iter().any(|s| s.contains("nested more than")), "{said:?}");
    }
}
