//! What a trainee types at the `call` prompt: keys, words, silence or a `:command`.

use crate::menu::dtmf::is_dtmf;

/// Longest input line taken, in characters.
pub const MAX_LINE: usize = 1000;

/// A REPL command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// `:help`
    Help,
    /// `:where`: breadcrumbs and keys pressed.
    Where,
    /// `:repeat`: hear the prompt again.
    Repeat,
    /// `:back`: the previous menu.
    Back,
    /// `:map`: the current menu's options.
    Map,
    /// `:vars`: the call's variables.
    Vars,
    /// `:restart`: a new call.
    Restart,
    /// `:hangup`: hang up (the call ends, ivrsim does not).
    Hangup,
    /// `:quit`: hang up and leave.
    Quit,
}

/// Every command with its name and what it does, for `:help` and completion.
pub const COMMANDS: [(Command, &str, &str); 9] = [
    (Command::Help, ":help", "show this help"),
    (
        Command::Where,
        ":where",
        "where you are: the way here and the keys pressed",
    ),
    (Command::Repeat, ":repeat", "hear the prompt again"),
    (Command::Back, ":back", "go back to the previous menu"),
    (Command::Map, ":map", "the options of this menu"),
    (Command::Vars, ":vars", "what the call has collected"),
    (Command::Restart, ":restart", "start a new call"),
    (Command::Hangup, ":hangup", "hang up"),
    (Command::Quit, ":quit", "hang up and leave"),
];

/// One line of input, understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// DTMF keys, pressed together.
    Keys(String),
    /// Spoken words.
    Speech(String),
    /// An empty line: the caller stays silent until the line's next time-out.
    Silence,
    /// A command.
    Command(Command),
}

/// Parses a line. Errors are one-line explanations for the trainee; the call goes on.
pub fn parse(line: &str) -> Result<Input, String> {
    let n = line.chars().count();
    if n > MAX_LINE {
        return Err(format!(
            "that line is {n} characters long; the limit is {MAX_LINE}: ignored"
        ));
    }
    if line.chars().any(|c| c.is_control() && c != '\t') {
        return Err("control characters are not keys or words: ignored".into());
    }
    let t = line.trim();
    if t.is_empty() {
        return Ok(Input::Silence);
    }
    if let Some(cmd) = t.strip_prefix(':') {
        let mut words = cmd.split_whitespace();
        let name = words.next().unwrap_or_default().to_lowercase();
        let (command, _, _) = COMMANDS
            .iter()
            .find(|(_, n, _)| n[1..] == name)
            .ok_or_else(|| format!("unknown command `:{name}`; `:help` lists them"))?;
        // No command takes an argument: `:quit 5` is a typo, not a `:quit`.
        if words.next().is_some() {
            return Err(format!("`:{name}` takes nothing after it: type `:{name}` alone"));
        }
        return Ok(Input::Command(*command));
    }
    // One rule with the spoken keywords (docs/call-semantics.md, "Spoken input"): a line of
    // only DTMF characters and spaces is keys; any other line with a letter or digit is words.
    if t.chars().all(|c| is_dtmf(c) || c.is_whitespace()) {
        return Ok(Input::Keys(t.chars().filter(|c| !c.is_whitespace()).collect()));
    }
    if !crate::rules::normalize(t).is_empty() {
        return Ok(Input::Speech(t.to_owned()));
    }
    Err(format!("`{t}` is neither keys (0-9, * and #) nor words"))
}

/// How a call's lines are read, for what `:help` says an empty line does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// In real time with the time-outs running (a terminal, or `--timeouts`): to stay
    /// silent is to wait; an empty line does nothing.
    RealTime,
    /// In real time, the line waiting for the trainee (`--no-timeouts`): an empty line is
    /// silence up to the next time-out.
    WaitsForYou,
    /// From a pipe, in virtual time: an empty line is silence up to the next time-out.
    Pipe,
}

/// What a line after the end of a call (other than a command) gets, from a pipe, where
/// `:quit` is not needed (the end of the input leaves).
pub const AFTER_THE_END: &str = "! the call is over: this line is ignored (`:restart` starts a new call)";

/// The `:help` text for lines read as `reading`: how to type, what an empty line does (one
/// statement, true for the mode), the commands.
pub fn help(reading: Reading) -> String {
    let silence = match reading {
        Reading::RealTime => "to stay silent, just wait: the time-outs run in real time (an empty line does nothing)",
        Reading::WaitsForYou => {
            "an empty line is silence: it skips to the next time-out (--no-timeouts: the line waits for you)"
        }
        Reading::Pipe => "an empty line is silence until the next time-out",
    };
    let mut s = format!("type keys (1, 0, 4471#) and press Enter to dial them; type words to speak;\n{silence}\n");
    for (_, name, what) in COMMANDS {
        s.push_str(&format!("  {name:<9} {what}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(parse("1"), Ok(Input::Keys("1".into())));
        assert_eq!(parse(" 4471# "), Ok(Input::Keys("4471#".into())));
        assert_eq!(parse("1 2"), Ok(Input::Keys("12".into())));
        assert_eq!(parse(""), Ok(Input::Silence));
        assert_eq!(parse("report a problem"), Ok(Input::Speech("report a problem".into())));
        assert_eq!(parse(":where"), Ok(Input::Command(Command::Where)));
        assert!(parse(":frobnicate").unwrap_err().contains("unknown command"));
        assert_eq!(parse(" :WHERE "), Ok(Input::Command(Command::Where)));
        assert_eq!(
            parse(":quit 5"),
            Err("`:quit` takes nothing after it: type `:quit` alone".into())
        );
        assert!(parse(":back extra").is_err() && parse(":hangup please").is_err());
        assert_eq!(parse("12a"), Ok(Input::Speech("12a".into())));
        assert_eq!(parse("24 hours"), Ok(Input::Speech("24 hours".into())));
        assert_eq!(parse("٣"), Ok(Input::Speech("٣".into())));
        assert_eq!(parse("İstanbul"), Ok(Input::Speech("İstanbul".into())));
        assert_eq!(parse("4 2"), Ok(Input::Keys("42".into())));
        assert_eq!(parse("*#"), Ok(Input::Keys("*#".into())));
        assert!(parse("\u{1b}[2J").unwrap_err().contains("control"));
        assert!(parse(&"1".repeat(10_000)).unwrap_err().contains("limit"));
        assert!(parse("!!!").is_err());
    }
}
