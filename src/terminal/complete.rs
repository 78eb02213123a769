//! Completion for the line editor of both interactive drivers (`call` and the console):
//! Tab completes `:commands`, keys and spoken keywords from [`MenuWords`], and a hint shows
//! the rest of a command. What the words are is the driver's business: the REPL fills them
//! from the node the call is at (`repl::editor::menu_words`), the console with its commands.
//!
//! The driver thread keeps [`SharedWords`] up to date; the reader thread's rustyline reads
//! it when a key is pressed. The lock is held only to copy a few short strings.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::TabAction;

/// What can be typed where the session is: keys, spoken keywords and `:commands`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MenuWords {
    /// Keys and what they do: the menu's options, then the global keys.
    pub keys: Vec<(String, String)>,
    /// Spoken keywords of the menu's options.
    pub words: Vec<String>,
    /// The `:commands` and what they do.
    pub commands: Vec<(String, String)>,
}

impl MenuWords {
    /// The commands to complete, as names and what they do.
    fn command_list(&self) -> Vec<(&str, &str)> {
        self.commands.iter().map(|(n, w)| (n.as_str(), w.as_str())).collect()
    }
}

/// [`MenuWords`] shared between the driver (writer) and the line editor (reader).
pub type SharedWords = Arc<Mutex<MenuWords>>;

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

/// The rustyline helper of the `call` prompt and of the console: completion, hints and Tab
/// from [`SharedWords`].
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

impl super::LineHelper for CallHelper {
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
