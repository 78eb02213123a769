//! The driver for input that is not a terminal (`printf '1\n\n0\n' | ivrsim call`): one
//! input per line, in virtual time, so the transcript is the same on every run.
//!
//! The caller hears every prompt to its end, then acts: keys are pressed, words are said,
//! or (an empty line) the caller stays silent until the line's next time-out (the no-input
//! or inter-digit timeout). End of input hangs up a call still in progress. The transcript and
//! recording, when asked for, are rewritten (atomically) after every line.
//!
//! SIGINT, SIGTERM and SIGHUP end the call like the end of input, at once: [`run_stdin`]
//! reads standard input on a thread of its own and listens for the signals on another, both
//! feeding one channel, so a signal is taken between two lines (never in the middle of a
//! file being written), the call is hung up at its current time and the caller writes every
//! file as usual.

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc;

use super::Session;
use super::dispatch::{self, Next};
use super::input::{self, Input};
use super::render;
use crate::engine::{At, CallTime};

/// Most prompts played in a row without a turn for the caller before the next input is taken
/// during the prompt; the rule's one home is [`crate::rules::MAX_PROMPTS_WITHOUT_A_TURN`].
pub use crate::rules::MAX_PROMPTS_WITHOUT_A_TURN;

/// Said once [`MAX_PROMPTS_WITHOUT_A_TURN`] prompts have played without a turn.
pub fn no_pause() -> String {
    format!(
        "· the line has played {MAX_PROMPTS_WITHOUT_A_TURN} prompts without a pause: the next input comes during the prompt"
    )
}

/// Plays prompts to their end: moves time on while a prompt is playing.
fn listen_to_the_end(session: &mut Session, out: &mut dyn Write) -> std::io::Result<()> {
    let turn = session.call.listen();
    show(session, out)?;
    if !turn {
        writeln!(out, "           {}", no_pause())?;
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

pub use crate::signals::Signal;

/// What the driver takes next: a line, the end of input, or a signal.
#[derive(Debug)]
pub enum Message {
    /// A line: the bytes kept (at most the cap, the newline included) and its full length.
    Line(Vec<u8>, usize),
    /// The end of input.
    End,
    /// A signal: the call ends now.
    Signal(Signal),
    /// Reading the input failed.
    Failed(std::io::Error),
}

/// How a run from a pipe ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ending {
    /// The call time the files run to.
    pub end: CallTime,
    /// The signal that ended it, if one did.
    pub signal: Option<Signal>,
}

/// The longest line kept: four bytes a character is the most UTF-8 needs; longer lines are
/// refused anyway.
const LINE_CAP: usize = 4 * input::MAX_LINE + 8;

/// The end of the input or `:quit`: the call, if still on, is hung up at `now`.
fn hang_up(session: &mut Session, now: CallTime, out: &mut dyn Write) -> std::io::Result<Ending> {
    if !session.call.is_ended() {
        debug_assert_eq!(now, session.call.now());
        session.call.hang_up(At::Now);
        show(session, out)?;
    }
    Ok(Ending {
        end: session.call.now(),
        signal: None,
    })
}

/// Runs calls from `lines` until the input ends or `:quit`; returns the call time the
/// files should run to.
///
/// # Errors
/// Only I/O errors writing `out` or reading `lines`.
pub fn run(session: &mut Session, lines: &mut dyn BufRead, out: &mut dyn Write) -> std::io::Result<CallTime> {
    let mut next = || match read_line_capped(lines, LINE_CAP) {
        Ok(Some((bytes, total))) => Message::Line(bytes, total),
        Ok(None) => Message::End,
        Err(e) => Message::Failed(e),
    };
    run_messages(session, &mut next, out).map(|e| e.end)
}

/// Runs calls from standard input, read on a thread of its own, until the input ends,
/// `:quit`, or SIGINT, SIGTERM or SIGHUP (taken between two lines, see the module's notes).
///
/// # Errors
/// Only I/O errors writing `out` or reading standard input.
pub fn run_stdin(session: &mut Session, out: &mut dyn Write) -> std::io::Result<Ending> {
    // Bounded, so that a fast pipe is not read far ahead of the call.
    let (tx, rx) = mpsc::sync_channel::<Message>(64);
    let pending = Arc::new(AtomicU8::new(0));
    // Listen before reading: from here on the signals no longer kill the process.
    listen_for_signals(tx.clone(), Arc::clone(&pending));
    std::thread::Builder::new().name("ivrsim-stdin".into()).spawn(move || {
        let mut stdin = std::io::stdin().lock();
        loop {
            let (message, last) = match read_line_capped(&mut stdin, LINE_CAP) {
                Ok(Some((bytes, total))) => (Message::Line(bytes, total), false),
                Ok(None) => (Message::End, true),
                Err(e) => (Message::Failed(e), true),
            };
            if tx.send(message).is_err() || last {
                return;
            }
        }
    })?;
    let mut next = || {
        // A signal goes before lines already waiting in the channel.
        if let Some(s) = Signal::from_code(pending.swap(0, Ordering::SeqCst)) {
            return Message::Signal(s);
        }
        let got = rx.recv();
        match Signal::from_code(pending.swap(0, Ordering::SeqCst)) {
            Some(s) => Message::Signal(s),
            None => got.unwrap_or(Message::End),
        }
    };
    run_messages(session, &mut next, out)
}

/// Starts a thread that notes SIGINT, SIGTERM and SIGHUP in `pending` and wakes the driver
/// through `tx`. The handlers are installed before this returns; without them (no runtime
/// can start) the signals keep their default.
fn listen_for_signals(tx: mpsc::SyncSender<Message>, pending: Arc<AtomicU8>) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return;
    };
    let mut signals = {
        let _entered = rt.enter();
        crate::signals::Signals::register()
    };
    let _ = std::thread::Builder::new()
        .name("ivrsim-signals".into())
        .spawn(move || {
            rt.block_on(async move {
                while let Some(signal) = signals.next().await {
                    // The first signal counts; the driver is woken if it waits for a line.
                    let _ = pending.compare_exchange(0, signal.code(), Ordering::SeqCst, Ordering::SeqCst);
                    let _ = tx.try_send(Message::Signal(signal));
                }
            });
        });
}

/// Runs calls from the messages `next` gives until the input ends, `:quit` or a signal.
///
/// # Errors
/// Only I/O errors writing `out` or reading the input.
pub fn run_messages(
    session: &mut Session,
    next: &mut dyn FnMut() -> Message,
    out: &mut dyn Write,
) -> std::io::Result<Ending> {
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
        let (bytes, total) = match next() {
            Message::Line(bytes, total) => (bytes, total),
            Message::Failed(e) => return Err(e),
            Message::End => {
                said_after_the_end(&mut after_the_end, out)?;
                return hang_up(session, now, out);
            }
            Message::Signal(signal) => {
                // The files are what matters now: output that cannot be written is let go.
                let _ = said_after_the_end(&mut after_the_end, out);
                let _ = writeln!(out, "           · {}: the call ends here", signal.name());
                if !session.call.is_ended() {
                    session.call.hang_up(At::Now);
                }
                // `show` logs every effect before it prints them, so the files have the hang-up.
                let _ = show(session, out);
                return Ok(Ending {
                    end: session.call.now(),
                    signal: Some(signal),
                });
            }
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
        let show_text = |text: &str, out: &mut dyn Write| -> std::io::Result<()> {
            for l in text.lines() {
                writeln!(out, "           {}", crate::source::printable(l))?;
            }
            Ok(())
        };
        match dispatch::apply(session, now, parsed) {
            Next::Done => {}
            Next::Refused(why) => writeln!(out, "           ! {why}")?,
            Next::Quit => return hang_up(session, now, out),
            Next::Restart => {
                session.restart();
                writeln!(out, "{}", session.restart_notice())?;
            }
            Next::Help => show_text(&input::help(input::Reading::Pipe), out)?,
            Next::Show(text) => show_text(&text, out)?,
            Next::AfterTheEnd => writeln!(out, "           {}", input::AFTER_THE_END)?,
            Next::Silence if session.call.is_ended() => writeln!(out, "           {}", input::AFTER_THE_END)?,
            Next::Silence => session.call.wait_for_timeout(),
        }
        listen_to_the_end(session, out)?;
        // Keep the files current, so a kill or Ctrl-C loses nothing (the final write reports errors).
        let _ = session.write_progress(session.call.now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::ClipLibrary;
    use crate::call::SessionOptions;

    #[test]
    fn a_signal_between_lines_hangs_up_at_once_and_says_which() {
        let mut sources = crate::source::Sources::new();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("menus/hotline.yaml");
        let menu = crate::menu::load_menu(&path, &mut sources)
            .expect("read")
            .menu
            .expect("menu");
        let clips = ClipLibrary::default();
        let mut session = Session::new(&menu, &clips, SessionOptions::default());
        let mut messages = vec![
            Message::Line(b"1\n".to_vec(), 2),
            Message::Signal(Signal::Terminate),
            Message::Line(b"0\n".to_vec(), 2),
        ]
        .into_iter();
        let mut next = || messages.next().unwrap_or(Message::End);
        let mut out = Vec::new();
        let ending = run_messages(&mut session, &mut next, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(ending.signal, Some(Signal::Terminate));
        assert_eq!(ending.end, session.call.now());
        assert!(session.call.is_ended(), "{out}");
        assert!(out.contains("SIGTERM: the call ends here"), "{out}");
        assert!(out.contains("the caller hung up"), "{out}");
        assert!(!out.contains("> 0"), "the line after the signal is not taken: {out}");
        assert!(messages.next().is_some(), "nothing read after the signal");
        assert_eq!(Signal::Interrupt.exit_status(), 130);
        assert_eq!(Signal::Terminate.exit_status(), 143);
    }
}
