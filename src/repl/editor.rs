//! What the call's line editor completes: the `:commands` of `ivrsim call` and the keys (and
//! spoken keywords) of the menu the call is at. The completion itself (Tab, hints, the
//! rustyline helper) is the terminal module's (`crate::terminal::complete`), shared with the
//! console; the driver thread keeps the [`SharedWords`] up to date as the call moves.

use std::sync::{Arc, Mutex};

use crate::call::Session;
use crate::call::input::COMMANDS;
use crate::menu::NodeKind;
use crate::rules::KeyAction;

pub use crate::terminal::TabAction;
pub use crate::terminal::complete::{
    CallHelper, CommandHint, MenuWords, SharedWords, TAB_LIST_MAX, candidates, command_hint, history_path, tab,
};

/// What can be typed in a call with no menu to complete: the call's `:commands` only.
pub fn call_words() -> MenuWords {
    MenuWords {
        commands: COMMANDS
            .iter()
            .map(|(_, n, w)| ((*n).to_owned(), (*w).to_owned()))
            .collect(),
        ..MenuWords::default()
    }
}

/// [`call_words`], shared between the driver and the line editor.
pub fn shared_call_words() -> SharedWords {
    Arc::new(Mutex::new(call_words()))
}

/// The keys and keywords of the node `session`'s call is at (none once the call is over).
pub fn menu_words(session: &Session) -> MenuWords {
    let mut out = call_words();
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

#[cfg(test)]
mod tests {
    use rustyline::hint::Hint as _;

    use super::*;

    fn words() -> MenuWords {
        MenuWords {
            commands: call_words().commands,
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
        let h = command_hint(&call_words(), ":wh").unwrap();
        assert_eq!(h.completion(), Some("ere"));
        assert!(h.display().starts_with("ere  ("));
        assert!(
            command_hint(&call_words(), ":re").is_none(),
            "two commands start with :re"
        );
        assert!(command_hint(&call_words(), "12").is_none());
        assert!(command_hint(&call_words(), ":help me").is_none());
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
            commands: call_words().commands,
        };
        for line in ["report\u{3000}", "x\u{a0}rep", "\u{3000}"] {
            let (start, _) = candidates(&words, line, line.len());
            assert!(line.is_char_boundary(start));
        }
    }
}
