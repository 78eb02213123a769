//! The driver for input that is not a terminal (`printf '1\n\n0\n' | ivrsim call`): one
//! input per line, in virtual time, so the transcript is the same on every run.
//!
//! The caller hears every prompt to its end, then acts: keys are pressed, words are said,
//! or (an empty line) the caller stays silent until the line's next time-out (the no-input
//! or inter-digit timeout). End of input hangs up a call still in progress. The transcript and
//! recording, when asked for, are rewritten (atomically) after every line.

use std::io::{BufRead, Write};

use super::Session;
use super::input::{self, Command, Input};
use super::render;
use crate::engine::CallTime;

/// Most prompts played in a row without a turn for the caller before the next input is taken
/// during the prompt (a menu whose messages lead round in a loop never pauses).
pub const MAX_PROMPTS_WITHOUT_A_TURN: usize = 200;

/// Said once [`MAX_PROMPTS_WITHOUT_A_TURN`] prompts have played without a turn.
pub const NO_PAUSE: &str = "· the line has played 200 prompts without a pause: the next input comes during the prompt";

/// Plays prompts to their end: moves time on while a prompt is playing.
fn listen_to_the_end(session: &mut Session, out: &mut dyn Write) -> std::io::Result<()> {
    let turn = session.call.play_to_turn(MAX_PROMPTS_WITHOUT_A_TURN);
    show(session, out)?;
    if !turn {
        writeln!(out, "           {NO_PAUSE}")?;
    }
    Ok(())
}

/// Reads one line of at most `max` bytes (the rest of a longer line is read and dropped);
/// `None` at the end of input. Returns the bytes kept and the line's full length.
fn read_line_capped(lines: &mut dyn BufRead, max: usize) -> std::io::Result<Option<(Vec<u8>, usize)>> {
    let mut kept = Vec::new();
    let mut total = 0usize;
    loop {
        let buf = lines.fill_buf()?;
        if buf.is_empty() {
            return Ok((total > 0).then_some((kept, total)));
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let room = max.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        total += chunk.len();
        let n = chunk.len();
        lines.consume(n);
        if done {
            return Ok(Some((kept, total)));
        }
    }
}

fn show(session: &mut Session, out: &mut dyn Write) -> std::io::Result<()> {
    for e in session.drain() {
        for line in render::lines(&e) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// Runs calls from `lines` until the input ends or `:quit`; returns the call time the
/// files should run to.
///
/// # Errors
/// Only I/O errors writing `out` or reading `lines`.
pub fn run(session: &mut Session, lines: &mut dyn BufRead, out: &mut dyn Write) -> std::io::Result<CallTime> {
    listen_to_the_end(session, out)?;
    let mut buf = String::new();
    // Lines for the call after it ended: the first is answered, the rest counted (a script
    // that goes on long after the end would otherwise print two lines for each).
    let mut after_the_end: u64 = 0;
    let said_after_the_end = |n: &mut u64, out: &mut dyn Write| -> std::io::Result<()> {
        if *n > 1 {
            writeln!(
                out,
                "           ({} more lines after the end of the call ignored)",
                *n - 1
            )?;
        }
        *n = 0;
        Ok(())
    };
    loop {
        let now = session.call.now();
        buf.clear();
        // Four bytes a character is the most UTF-8 needs; longer lines are refused anyway.
        let Some((bytes, total)) = read_line_capped(lines, 4 * input::MAX_LINE + 8)? else {
            said_after_the_end(&mut after_the_end, out)?;
            if !session.call.is_ended() {
                session.call.handle_hangup(now);
                show(session, out)?;
            }
            return Ok(session.call.now());
        };
        // Bytes that are not UTF-8 become U+FFFD, which `input::parse` then refuses.
        buf.push_str(&String::from_utf8_lossy(&bytes));
        let line = buf.trim_end_matches(['\n', '\r']);
        let parsed = if total > bytes.len() {
            Err(format!(
                "that line is {total} bytes long; the limit is {} characters: ignored",
                input::MAX_LINE
            ))
        } else {
            input::parse(line)
        };
        if session.call.is_ended() && matches!(parsed, Ok(Input::Keys(_) | Input::Speech(_) | Input::Silence)) {
            after_the_end += 1;
            if after_the_end > 1 {
                continue;
            }
        } else {
            said_after_the_end(&mut after_the_end, out)?;
        }
        let shown: String = line.chars().take(80).collect();
        let more = if line.chars().count() > 80 { "…" } else { "" };
        writeln!(out, "> {}{more}", crate::source::printable(&shown))?;
        match parsed {
            Err(why) => writeln!(out, "           ! {why}")?,
            Ok(Input::Command(Command::Quit)) => {
                if !session.call.is_ended() {
                    session.call.handle_hangup(now);
                    show(session, out)?;
                }
                return Ok(session.call.now());
            }
            Ok(Input::Command(Command::Restart)) => {
                session.restart();
                writeln!(out, "{}", session.restart_notice())?;
            }
            Ok(Input::Command(cmd)) => {
                if let Some(text) = session.command(now, cmd) {
                    for l in text.lines() {
                        writeln!(out, "           {}", crate::source::printable(l))?;
                    }
                }
            }
            Ok(_) if session.call.is_ended() => writeln!(out, "           {}", input::AFTER_THE_END)?,
            Ok(Input::Keys(keys)) => session.call.handle_keys(now, &keys),
            Ok(Input::Speech(words)) => session.call.handle_speech(now, &words),
            Ok(Input::Silence) => {
                if let Some(t) = session.call.poll_timeout() {
                    session.call.handle_timeout(t);
                }
            }
        }
        listen_to_the_end(session, out)?;
        // Keep the files current, so a kill or Ctrl-C loses nothing (the final write reports errors).
        let _ = session.write_progress(session.call.now());
    }
}
