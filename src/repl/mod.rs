//! The terminal REPL of `ivrsim call`: a trainee rehearses a call as it happens, in real
//! time.
//!
//! - [`driver`]: the real-time loop. Lines and the engine's timers race on a
//!   current-thread tokio runtime; call time is a `Duration` since the call started
//!   ([`CallTime`]), read from tokio's monotonic clock. Time-outs run in real time unless
//!   `--no-timeouts`.
//! - [`crate::terminal`] (shared with the console): where lines come from (rustyline on a
//!   reader thread, or plain standard input) and where output goes (rustyline's external
//!   printer on a printer thread, above the line being typed; or standard output).
//! - [`editor`]: Tab completion of `:commands` and of the current menu's keys, command
//!   hints, the history file.
//! - [`sound`]: the call's effects played on the speaker (prompt clips, DTMF key tones,
//!   barge-in stops playback at once), or captions only.
//!
//! Threads: the driver (engine, timers, sound calls) on the calling thread; the line
//! reader on its own thread (`readline` blocks); in a terminal, a printer thread; the sound
//! device's own thread (rodio), when there is sound.
//!
//! Ctrl-D, Ctrl-C (and SIGTERM or SIGHUP) end like `:quit`: a call still in progress is
//! hung up and [`run`] returns, so the caller writes `--transcript`/`--record`. The
//! transcript is also rewritten at the start, after every line handled and after every timer
//! that changed the call, and the recording once the call has ended, so a kill loses at most
//! the recording of a call in progress.

pub mod driver;
pub mod editor;
pub mod link;
pub mod sound;

use std::io;

use driver::{Driver, DriverOptions, Screen};
use editor::{CallHelper, history_path, menu_words, shared_call_words};
use sound::Sound;

pub use crate::terminal::runtime;
use crate::terminal::{StdoutScreen, Tty, stdin_lines};

use crate::call::Session;
use crate::engine::CallTime;
use crate::signals::{Signal, Signals};

/// How the REPL runs.
#[derive(Clone, Copy, Debug)]
pub struct ReplOptions {
    /// Run no-input and inter-digit timeouts in real time.
    pub timeouts: bool,
    /// Captions only.
    pub mute: bool,
    /// Standard input and output are a terminal (line editing, completion, history).
    pub terminal: bool,
    /// Each line waits for the caller's turn, as from a pipe: standard input is not a
    /// terminal (see [`driver`]'s "Turns").
    pub turns: bool,
}

/// Where handed-off calls go, for [`run_with`].
pub use link::OperatorTarget;

/// Runs calls in the terminal until `:quit` or a signal; returns the call time the files run
/// to, and the signal that ended the session if one did.
///
/// # Errors
/// I/O errors on the terminal.
pub fn run(session: &mut Session, options: &ReplOptions) -> io::Result<(CallTime, Option<Signal>)> {
    run_with(session, options, None)
}

/// [`run`], with handed-off calls connected to the call-taker console at `operator`.
///
/// # Errors
/// I/O errors on the terminal.
pub fn run_with(
    session: &mut Session,
    options: &ReplOptions,
    operator: Option<OperatorTarget>,
) -> io::Result<(CallTime, Option<Signal>)> {
    let (mut sound, notice) = Sound::open(options.mute);
    if let Some(notice) = notice {
        eprintln!("{notice}");
    }
    sound.preload(session.menu, session.clips);
    let rt = runtime()?;
    let signals = {
        let _runtime = rt.enter();
        Signals::register()
    };
    // The signal that ended the session, if one did.
    let got = std::cell::Cell::new(None);
    let stop = async {
        got.set(Some(signals.wait().await));
    };
    let words = shared_call_words();
    if let Ok(mut w) = words.lock() {
        *w = menu_words(session);
    }
    let mut tty = Tty::open(options.terminal, CallHelper::new(words.clone()), history_path());
    let terminal = &mut tty.term;
    let driver_options = DriverOptions {
        timeouts: options.timeouts,
        echo: !options.terminal,
        editor: terminal.is_some(),
        turns: options.turns,
    };
    let result = match terminal.as_mut() {
        Some(t) => {
            let (events, screen, ready) = t.parts();
            let mut ready = || {
                let _ = ready.send(());
            };
            let mut driver = Driver::new(session, screen, &mut sound, Some(words), driver_options);
            if let Some(t) = operator.clone() {
                driver = driver.with_link(link::Link::new(t));
            }
            rt.block_on(driver.run(events, &mut ready, stop))
        }
        None => {
            let mut events = stdin_lines()?;
            let mut screen = StdoutScreen;
            let mut driver = Driver::new(
                session,
                &mut screen as &mut dyn Screen,
                &mut sound,
                None,
                driver_options,
            );
            if let Some(t) = operator {
                driver = driver.with_link(link::Link::new(t));
            }
            rt.block_on(driver.run(&mut events, &mut || {}, stop))
        }
    };
    tty.close();
    result.map(|end| (end, got.get()))
}
