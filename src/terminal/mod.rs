//! The terminal, shared by the two interactive drivers: the rehearsal REPL of `ivrsim call`
//! ([`crate::repl`]) and the call-taker console of `ivrsim operator`
//! ([`crate::operator::server`]). Neither borrows the other's code: both take their lines
//! and show their output through this module (docs/architecture.md, "Layers, enforced by a test").
//!
//! - [`Event`]: what the line reader sends (a line, or the end).
//! - [`Screen`]: where a driver's lines go, without blocking.
//! - [`line`](mod@line): where lines come from and where output goes: rustyline on a reader thread
//!   with a printer thread ([`Terminal`]), or plain standard input and output
//!   ([`stdin_lines`], [`StdoutScreen`]).
//! - [`Tty`]: the line editor on the terminal, and the terminal's settings put back at the
//!   end.
//! - [`LineHelper`]: what a driver gives the line editor (completion, hints, what Tab does).
//! - [`runtime`] and [`sleep_until`]: the current-thread tokio runtime both drivers run on,
//!   and their "sleep until the next deadline, if any".
//!
//! The completion words themselves (the keys of the menu a call is at, the console's
//! commands) belong to the drivers.

pub mod complete;
pub mod line;

use std::io;
use std::path::PathBuf;

use tokio::time::Instant;

pub use line::{ESC_SEQUENCE_MS, PROMPT, PrinterScreen, StdoutScreen, Terminal, stdin_lines};

/// What the reader thread sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// One line, without its line ending.
    Line(String),
    /// The trainee left: Ctrl-D, Ctrl-C, or the end of the input. Ends like `:quit`.
    End,
}

/// Where the driver's lines go. `show` must return at once (a terminal printer thread, a
/// buffer): it is called on the driver's thread between timers.
pub trait Screen {
    /// Shows `lines`, in order, each on its own line.
    ///
    /// # Errors
    /// The output is gone (a closed pipe): the driver hangs up and returns the error.
    fn show(&mut self, lines: &[String]) -> io::Result<()>;
}

/// Sleeps until `at`, or forever.
pub async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The runtime the terminal drivers run on: tokio, current thread, with timers and signals.
///
/// # Errors
/// The runtime cannot start (no threads, no signal pipe).
pub fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()
}

/// What one Tab does, decided at once: Tab never waits for another key, so what the call
/// shows meanwhile (re-prompts, a call joining the queue) is never held back. rustyline's
/// own completion modes wait for the next key inside `readline` without drawing what its
/// external printer was handed, which froze the screen until a key came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TabAction {
    /// Nothing starts with what is typed.
    Nothing,
    /// Replace the text before the cursor with this (the only candidate, or the longest
    /// start all candidates share, when that adds something).
    Complete(String),
    /// Several candidates and nothing to add: list them (lines to show above the prompt).
    List(Vec<String>),
}

/// What a driver gives the line editor: rustyline's completion, hints and highlighting
/// ([`rustyline::Helper`]), and what Tab does ([`TabAction`]). The Tab binding keeps a clone,
/// so a helper shares its words with the driver (an `Arc`), not copies them.
pub trait LineHelper: rustyline::Helper + Clone + Send + Sync + 'static {
    /// What Tab does on `line` with the cursor at byte `pos`.
    fn tab(&self, line: &str, pos: usize) -> TabAction;
}

/// The line editor on the terminal, and the terminal's settings from before it started:
/// restored at the end, since a SIGTERM can end a session while rustyline holds the terminal
/// in raw mode.
pub struct Tty {
    /// The line editor; `None` without a terminal, or when it cannot run (said on stderr).
    pub term: Option<Terminal>,
    saved: Option<rustix::termios::Termios>,
}

impl Tty {
    /// Starts the line editor (with `helper`, and the history file `history`) when `on`.
    pub fn open<H: LineHelper>(on: bool, helper: H, history: Option<PathBuf>) -> Self {
        let saved = on
            .then(|| rustix::termios::tcgetattr(rustix::stdio::stdin()).ok())
            .flatten();
        let term = if on {
            match Terminal::start(helper, history) {
                Ok(t) => Some(t),
                Err(why) => {
                    eprintln!("(no line editing: {why})");
                    None
                }
            }
        } else {
            None
        };
        Tty { term, saved }
    }

    /// Stops the line editor and puts the terminal back as it was.
    pub fn close(self) {
        if let Some(t) = self.term {
            t.close();
        }
        if let Some(saved) = self.saved {
            let _ = rustix::termios::tcsetattr(rustix::stdio::stdin(), rustix::termios::OptionalActions::Now, &saved);
        }
    }
}
