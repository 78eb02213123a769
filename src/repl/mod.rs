//! The terminal REPL: rustyline line editing, real-time timers on tokio, sound.
//! (Being written: until then the terminal runs the line-by-line driver.)

use crate::call::Session;
use crate::engine::CallTime;

/// How the REPL runs.
#[derive(Clone, Copy, Debug)]
pub struct ReplOptions {
    /// Run no-input and inter-digit timeouts in real time.
    pub timeouts: bool,
    /// Captions only.
    pub mute: bool,
    /// Standard input and output are a terminal (line editing, completion, history).
    pub terminal: bool,
}

/// Runs calls in the terminal until `:quit`; returns the call time the files run to.
///
/// # Errors
/// I/O errors on the terminal.
pub fn run(session: &mut Session, _options: &ReplOptions) -> std::io::Result<CallTime> {
    let mut out = std::io::stdout().lock();
    crate::call::pipe::run(session, &mut std::io::stdin().lock(), &mut out)
}
