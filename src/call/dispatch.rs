//! One dispatcher for what a trainee types, for every driver (the pipe, the terminal): a line
//! parsed by [`super::input::parse`] is applied to the [`Session`] here, and the driver is told
//! what is left for it to do ([`Next`]): what to show, and the inputs whose meaning depends
//! on how its time runs (an empty line, `:restart`, `:quit`).

use super::Session;
use super::input::{Command, Input};
use crate::engine::CallTime;

/// What a driver must do once a line was applied ([`apply`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Nothing: the call took the keys or words, or the command acted on it (`:repeat`,
    /// `:back`, `:hangup`).
    Done,
    /// Show this text, the answer of a command (`:where`, `:map`, `:vars`), already printable.
    Show(String),
    /// `:help`: show the help, worded for how the driver reads lines.
    Help,
    /// The line was refused: show why (one line).
    Refused(String),
    /// Keys or words after the call ended: nothing was done (show
    /// [`super::input::AFTER_THE_END`] or the driver's own words).
    AfterTheEnd,
    /// An empty line: the caller stays silent, as the driver's time runs (the pipe: until the
    /// next time-out; a terminal in real time: nothing, or until the time-out passes). The
    /// call may be over.
    Silence,
    /// `:restart`: start a new call (the driver hangs up the one in progress if it must be
    /// heard leaving, then [`Session::restart`]).
    Restart,
    /// `:quit`: hang up and leave.
    Quit,
}

/// Applies one parsed line to `session` at call time `now` (keys and words go to the call,
/// commands about the call run on it) and says what is left for the driver.
pub fn apply(session: &mut Session, now: CallTime, input: Result<Input, String>) -> Next {
    match input {
        Err(why) => Next::Refused(why),
        Ok(Input::Command(Command::Quit)) => Next::Quit,
        Ok(Input::Command(Command::Restart)) => Next::Restart,
        Ok(Input::Command(Command::Help)) => Next::Help,
        Ok(Input::Command(cmd)) => session.command(now, cmd).map_or(Next::Done, Next::Show),
        Ok(Input::Silence) => Next::Silence,
        Ok(Input::Keys(_) | Input::Speech(_)) if session.call.is_ended() => Next::AfterTheEnd,
        Ok(Input::Keys(keys)) => {
            session.call.handle_keys(now, &keys);
            Next::Done
        }
        Ok(Input::Speech(words)) => {
            session.call.handle_speech(now, &words);
            Next::Done
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::ClipLibrary;
    use crate::call::SessionOptions;
    use crate::call::input::parse;

    fn hotline() -> crate::menu::Menu {
        let mut sources = crate::source::Sources::new();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("menus/hotline.yaml");
        crate::menu::load_menu(&path, &mut sources)
            .expect("read")
            .menu
            .expect("menu")
    }

    #[test]
    fn each_kind_of_line_is_applied_once_and_the_rest_is_the_drivers() {
        let menu = hotline();
        let clips = ClipLibrary::default();
        let mut s = Session::new(&menu, &clips, SessionOptions::default());
        s.call.listen();
        let now = s.call.now();
        assert_eq!(apply(&mut s, now, parse("")), Next::Silence);
        assert_eq!(apply(&mut s, now, parse(":help")), Next::Help);
        assert_eq!(apply(&mut s, now, parse(":quit")), Next::Quit);
        assert_eq!(apply(&mut s, now, parse(":restart")), Next::Restart);
        assert!(matches!(apply(&mut s, now, parse(":nope")), Next::Refused(_)));
        assert!(
            matches!(apply(&mut s, now, parse(":where")), Next::Show(t) if t.contains("you are at")),
            "a command that shows something"
        );
        assert_eq!(s.call.keys_pressed(), 0);
        assert_eq!(apply(&mut s, now, parse("1")), Next::Done);
        assert_eq!(s.call.keys_pressed(), 1, "the keys went to the call, at `now`");
        assert_eq!(apply(&mut s, now, parse(":hangup")), Next::Done);
        assert!(s.call.is_ended());
        assert_eq!(apply(&mut s, now, parse("2")), Next::AfterTheEnd);
        assert_eq!(apply(&mut s, now, parse("hello")), Next::AfterTheEnd);
        assert_eq!(s.call.keys_pressed(), 1, "nothing reaches a call that is over");
    }
}
