//! The line editor's helper: Tab completion of `:commands` and of the keys (and spoken
//! keywords) of the menu the call is at, and a hint of the rest of a command.
//!
//! The driver thread keeps [`SharedWords`] up to date as the call moves; the reader
//! thread's rustyline reads it when the trainee presses Tab. The lock is held only to copy
//! a few short strings.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::call::Session;
use crate::call::input::COMMANDS;
use crate::menu::NodeKind;
use crate::rules::KeyAction;

/// What can be typed at the node the call is at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MenuWords {
    /// Keys and what they do: the menu's options, then the global keys.
    pub keys: Vec<(String, String)>,
    /// Spoken keywords of the menu's options.
    pub words: Vec<String>,
    /// The `:commands` and what they do; empty: those of `ivrsim call`.
    pub commands: Vec<(String, String)>,
}

impl MenuWords {
    /// The commands to complete: [`MenuWords::commands`], or the call's.
    fn command_list(&self) -> Vec<(&str, &str)> {
        if self.commands.is_empty() {
            COMMANDS.iter().map(|(_, n, w)| (*n, *w)).collect()
        } else {
            self.commands.iter().map(|(n, w)| (n.as_str(), w.as_str())).collect()
        }
    }
}

/// [`MenuWords`] shared between the driver (writer) and the line editor (reader).
pub type SharedWords = Arc<Mutex<MenuWords>>;

/// The keys and keywords of the node `session`'s call is at (none once the call is over).
pub fn menu_words(session: &Session) -> MenuWords {
    let mut out = MenuWords::default();
    if session.call.is_ended() {
        return out;
    }
    let Some(id) = session.call.current() else {
        return out;
    };
    let node = session.menu.node(id);
    let options = match &node.kind {
        NodeKind::Menu(m) => &m.options[..],
        NodeKind::Collect(_) => &[],
        _ => return out,
    };
    for o in options {
        out.words.extend(o.say.iter().map(|k| k.as_str().to_owned()));
    }
    // The keys that act here, by the engine's rules: options, then the global keys.
    for (key, action) in crate::rules::node_keys(session.menu, id) {
        let what = match action {
            KeyAction::Option(i) => {
                let o = &options[i];
                o.label.as_deref().unwrap_or(&o.to.name).to_owned()
            }
            KeyAction::Global(a) => format!("{} (works here)", a.name().replace('_', " ")),
            KeyAction::Terminator => continue,
        };
        out.keys.push((key.to_owned(), what));
    }
    out.words.sort();
    out.words.dedup();
    out
}

/// The completions of `line` with the cursor at `pos`: where the replaced text starts, and
/// the candidates. `:` starts a command; digits, `*` and `#` are keys; letters are words.
pub fn candidates(words: &MenuWords, line: &str, pos: usize) -> (usize, Vec<Pair>) {
    let before = &line[..pos];
    let trimmed = before.trim_start();
    let start = before.len() - trimmed.len();
    // On an empty line: the keys, or where there are none (the console, a call between
    // menus) the commands.
    if trimmed.starts_with(':') || (trimmed.is_empty() && words.keys.is_empty()) {
        let typed = trimmed.to_lowercase();
        let found = words
            .command_list()
            .into_iter()
            .filter(|(name, _)| name.starts_with(&typed))
            .map(|(name, what)| Pair {
                display: format!("{name:<9} {what}"),
                replacement: (*name).to_owned(),
            })
            .collect();
        return (start, found);
    }
    if trimmed
        .chars()
        .all(|c| crate::menu::dtmf::is_dtmf(c) || c.is_whitespace())
    {
        let typed: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        let found = words
            .keys
            .iter()
            .filter(|(key, _)| key.starts_with(&typed))
            .map(|(key, what)| Pair {
                display: format!("{key:>4}  {}", crate::source::printable(what)),
                replacement: key.clone(),
            })
            .collect();
        return (start, found);
    }
    // Words: complete the last word typed against the keywords.
    // After the last white space character, which may be more than one byte (U+3000, U+00A0).
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let typed = before[word_start..].to_lowercase();
    let found = words
        .words
        .iter()
        .filter(|w| w.starts_with(&typed))
        .map(|w| Pair {
            display: crate::source::printable(w).into_owned(),
            replacement: w.clone(),
        })
        .collect();
    (word_start, found)
}

/// Most candidates one Tab lists; past that it says how many more there are.
pub const TAB_LIST_MAX: usize = 30;

/// What one Tab does (the terminal module's, shared with the console).
pub use crate::terminal::TabAction;

/// What Tab does on `line` with the cursor at byte `pos`, from `words`.
pub fn tab(words: &MenuWords, line: &str, pos: usize) -> TabAction {
    let pos = pos.min(line.len());
    if !line.is_char_boundary(pos) {
        return TabAction::Nothing;
    }
    let (start, found) = candidates(words, line, pos);
    let Some(first) = found.first() else {
        return TabAction::Nothing;
    };
    let shared = found.iter().skip(1).fold(first.replacement.as_str(), |acc, c| {
        let common = acc
            .char_indices()
            .zip(c.replacement.chars())
            .find(|((_, a), b)| a != b)
            .map_or(acc.len().min(c.replacement.len()), |((i, _), _)| i);
        &acc[..common]
    });
    let typed = &line[start..pos];
    // On an empty line Tab shows what can be typed rather than adding a shared `:`.
    if found.len() == 1 || (!typed.is_empty() && shared.len() > typed.len()) {
        return TabAction::Complete(format!("{}{shared}", &line[..start]));
    }
    let mut lines: Vec<String> = found
        .iter()
        .take(TAB_LIST_MAX)
        .map(|c| format!("  {}", c.display))
        .collect();
    if found.len() > TAB_LIST_MAX {
        lines.push(format!(
            "  … and {} more: type the start of one",
            found.len() - TAB_LIST_MAX
        ));
    }
    TabAction::List(lines)
}

/// A hint shown after the cursor: the rest of the only command that starts with what is
/// typed, and what it does. Right arrow inserts the rest of the name.
pub struct CommandHint {
    display: String,
    complete: String,
}

impl Hint for CommandHint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        Some(&self.complete)
    }
}

/// The hint for `line` (cursor at the end), if it is the start of exactly one command.
pub fn command_hint(words: &MenuWords, line: &str) -> Option<CommandHint> {
    let typed = line.trim_start().to_lowercase();
    if !typed.starts_with(':') || typed.contains(char::is_whitespace) {
        return None;
    }
    let list = words.command_list();
    let mut found = list.iter().filter(|(name, _)| name.starts_with(&typed));
    let (name, what) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let rest = &name[typed.len()..];
    Some(CommandHint {
        display: format!("{rest}  ({what})"),
        complete: rest.to_owned(),
    })
}

/// The rustyline helper of the `call` prompt.
#[derive(Clone)]
pub struct CallHelper {
    /// The current node's keys and words.
    pub words: SharedWords,
    /// Show hints dimmed (off with `NO_COLOR`).
    pub dim: bool,
}

impl Completer for CallHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let words = self.words.lock().map(|w| w.clone()).unwrap_or_default();
        Ok(candidates(&words, line, pos))
    }
}

impl Hinter for CallHelper {
    type Hint = CommandHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<CommandHint> {
        if pos < line.len() {
            return None;
        }
        let words = self.words.lock().map(|w| w.clone()).unwrap_or_default();
        command_hint(&words, line)
    }
}

impl Highlighter for CallHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.dim {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        false
    }
}

impl Validator for CallHelper {}

impl Helper for CallHelper {}

impl CallHelper {
    /// The helper for `words`, hints dimmed unless `NO_COLOR` is set.
    pub fn new(words: SharedWords) -> Self {
        CallHelper {
            words,
            dim: std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

impl crate::terminal::LineHelper for CallHelper {
    fn tab(&self, line: &str, pos: usize) -> TabAction {
        let words = self.words.lock().map(|w| w.clone()).unwrap_or_default();
        tab(&words, line, pos)
    }
}

/// The history file: `history.txt` in the user's data folder for ivrsim (on Linux
/// `$XDG_DATA_HOME/ivrsim` or `~/.local/share/ivrsim`). `None` when there is no home.
pub fn history_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "ivrsim").map(|d| d.data_dir().join("history.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> MenuWords {
        MenuWords {
            commands: Vec::new(),
            keys: vec![
                ("1".into(), "report".into()),
                ("12".into(), "twelve".into()),
                ("2".into(), "follow up".into()),
                ("0".into(), "operator (any menu)".into()),
            ],
            words: vec!["follow".into(), "report".into()],
        }
    }

    fn replacements(line: &str) -> (usize, Vec<String>) {
        let (start, pairs) = candidates(&words(), line, line.len());
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn commands_complete() {
        assert_eq!(replacements(":he"), (0, vec![":help".to_owned()]));
        assert_eq!(
            replacements("  :re"),
            (2, vec![":repeat".to_owned(), ":restart".to_owned()])
        );
        assert_eq!(replacements(":").1.len(), COMMANDS.len());
        assert!(replacements(":zz").1.is_empty());
    }

    #[test]
    fn keys_and_words_complete() {
        assert_eq!(replacements("1").1, ["1", "12"]);
        assert_eq!(replacements("").1, ["1", "12", "2", "0"]);
        assert_eq!(replacements("I want to rep"), (10, vec!["report".to_owned()]));
        let (_, pairs) = candidates(&words(), "2", 1);
        assert_eq!(pairs[0].display, "   2  follow up");
    }

    #[test]
    fn tab_completes_or_lists_at_once() {
        assert_eq!(tab(&words(), ":he", 3), TabAction::Complete(":help".into()));
        assert_eq!(tab(&words(), "  :HE", 5), TabAction::Complete("  :help".into()));
        assert_eq!(tab(&words(), ":res", 4), TabAction::Complete(":restart".into()));
        assert_eq!(
            tab(&words(), "I want to rep", 13),
            TabAction::Complete("I want to report".into())
        );
        assert_eq!(tab(&words(), ":zz", 3), TabAction::Nothing);
        // `1` and `12`: nothing to add, so the two are listed.
        let TabAction::List(lines) = tab(&words(), "1", 1) else {
            panic!("a list")
        };
        assert_eq!(lines, ["     1  report", "    12  twelve"]);
        let TabAction::List(lines) = tab(&words(), "", 0) else {
            panic!("a list")
        };
        assert_eq!(lines.len(), 4);
        // `:re` lists `:repeat` and `:restart`; the cursor in the middle of a character is nothing.
        assert!(matches!(tab(&words(), ":re", 3), TabAction::List(l) if l.len() == 2));
        assert_eq!(tab(&words(), "é", 1), TabAction::Nothing);
    }

    #[test]
    fn a_long_tab_list_is_cut_and_says_how_many_more() {
        let many = MenuWords {
            words: (0..100).map(|i| format!("w{i:03}")).collect(),
            ..MenuWords::default()
        };
        assert_eq!(tab(&many, "w", 1), TabAction::Complete("w0".into()));
        let TabAction::List(lines) = tab(&many, "w0", 2) else {
            panic!("a list")
        };
        assert_eq!(lines.len(), TAB_LIST_MAX + 1);
        assert_eq!(lines.last().unwrap(), "  … and 70 more: type the start of one");
    }

    #[test]
    fn an_empty_line_with_no_keys_lists_the_commands() {
        let console = MenuWords {
            commands: vec![
                (":queue".into(), "the waiting calls".into()),
                (":answer".into(), "take one".into()),
            ],
            ..MenuWords::default()
        };
        let (at, found) = candidates(&console, "", 0);
        assert_eq!(at, 0);
        let names: Vec<_> = found.iter().map(|p| p.replacement.as_str()).collect();
        assert_eq!(names, [":queue", ":answer"]);
        assert!(matches!(tab(&console, "", 0), TabAction::List(l) if l.len() == 2));
        // With keys to press, an empty line lists the keys.
        assert_eq!(replacements("").1, ["1", "12", "2", "0"]);
    }

    #[test]
    fn hints_finish_one_command() {
        let h = command_hint(&MenuWords::default(), ":wh").unwrap();
        assert_eq!(h.completion(), Some("ere"));
        assert!(h.display().starts_with("ere  ("));
        assert!(
            command_hint(&MenuWords::default(), ":re").is_none(),
            "two commands start with :re"
        );
        assert!(command_hint(&MenuWords::default(), "12").is_none());
        assert!(command_hint(&MenuWords::default(), ":help me").is_none());
    }

    #[test]
    fn the_history_lives_in_the_data_folder() {
        if let Some(p) = history_path() {
            assert!(p.ends_with("history.txt") && p.to_string_lossy().contains("ivrsim"));
        }
    }
}

#[cfg(test)]
mod wide_space_tests {
    use super::*;

    #[test]
    fn completion_after_a_wide_space_does_not_panic() {
        let words = MenuWords {
            keys: Vec::new(),
            words: vec!["report".into()],
            commands: Vec::new(),
        };
        for line in ["report\u{3000}", "x\u{a0}rep", "\u{3000}"] {
            let (start, _) = candidates(&words, line, line.len());
            assert!(line.is_char_boundary(start));
        }
    }
}
