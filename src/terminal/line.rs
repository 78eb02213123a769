//! Where lines come from and where output goes: the terminal (rustyline on a reader
//! thread, output through its external printer on a printer thread), or plain standard
//! input and output.
//!
//! # Threads (terminal)
//!
//! - The **reader thread** owns the rustyline `Editor`. It reads one line, sends it as an
//!   [`Event`], then waits for the driver's "ready" before showing the prompt again; so
//!   the output of a line comes before the next prompt, and when the driver ends the reader
//!   is waiting, not inside `readline` (the terminal is left in its normal mode). Keys
//!   typed quickly (`1` Enter `2` Enter in one burst) are read by one `readline` into its
//!   input buffer; rustyline's `buffer-redux` feature (on in Cargo.toml) hands what is left
//!   of that buffer to the next `readline`, where without it the rest was dropped
//!   (rustyline issue #690). Keys typed while the reader waits stay in the terminal's own
//!   input queue until the next `readline`.
//! - The **printer thread** writes what the driver shows with rustyline's
//!   `ExternalPrinter`: above the line being typed while `readline` runs, straight to the
//!   terminal otherwise. The driver only sends it strings, so it never blocks on the
//!   terminal. All output goes this one way, so it stays in order.
//!
//! rustyline draws what its external printer was handed only while it waits for a key in
//! its main loop; its completion modes, reverse search and a lone Esc wait for the next key
//! without drawing, which held every re-prompt back until a key came. So Tab is bound to
//! [`LineHelper::tab`], which decides at once (and lists candidates through the printer), Ctrl-R to the
//! prefix history search, the prefix keys Ctrl-X, Ctrl-V and Ctrl-] to nothing, and Esc waits
//! at most [`ESC_SEQUENCE_MS`] for the rest of a key's escape sequence. (Alt with a digit, a
//! repeat count, still waits for the next key: rustyline reads it before any binding.)

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{
    Cmd, ConditionalEventHandler, Editor, EventContext, EventHandler, ExternalPrinter, KeyCode, KeyEvent, Modifiers,
    Movement, RepeatCount,
};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::{Event, LineHelper, Screen, TabAction};

/// The prompt of the line editor.
pub const PROMPT: &str = "> ";

/// Most lines kept in the history file.
const HISTORY_SIZE: usize = 1000;

/// How long, in ms, the line editor waits after an Esc for the rest of an escape sequence
/// (an arrow key's bytes come together). Without a limit a lone Esc waited for the next
/// key, and nothing the call showed was drawn meanwhile.
pub const ESC_SEQUENCE_MS: u16 = 50;

/// What the reader thread is doing, as the driver needs to know when it leaves.
#[derive(Debug, Default)]
struct ReaderState {
    /// Inside `readline` (the terminal is in raw mode).
    reading: bool,
    /// The driver is done: read no more.
    closed: bool,
}

/// The terminal: the line editor's thread, the printer's thread, and the channels to them.
pub struct Terminal {
    events: UnboundedReceiver<Event>,
    screen: PrinterScreen,
    ready: mpsc::Sender<()>,
    reader: JoinHandle<()>,
    printer: JoinHandle<()>,
    state: Arc<Mutex<ReaderState>>,
    /// Tab's way to the printer; taken at [`Terminal::close`], so that the printer thread
    /// ends even when the reader (which owns the Tab binding) cannot be stopped.
    tab_print: TabPrint,
}

/// Tab's sender to the printer thread, while the terminal is open.
type TabPrint = Arc<Mutex<Option<mpsc::Sender<String>>>>;

/// Sends the driver's lines to the printer thread.
pub struct PrinterScreen {
    tx: mpsc::Sender<String>,
}

impl Screen for PrinterScreen {
    fn show(&mut self, lines: &[String]) -> io::Result<()> {
        let mut msg = lines.join("\n");
        msg.push('\n');
        // The printer thread is gone only if the terminal is: nothing more to show.
        let _ = self.tx.send(msg);
        Ok(())
    }
}

impl Terminal {
    /// Sets up the line editor (completion, hints and Tab from `helper`, history from the
    /// file `history` when given) and starts the reader and printer threads.
    ///
    /// # Errors
    /// rustyline's error (one line) when the line editor cannot run here.
    pub fn start<H: LineHelper>(helper: H, history: Option<PathBuf>) -> Result<Self, rustyline::error::ReadlineError> {
        let config = Config::builder()
            .auto_add_history(false)
            .history_ignore_space(true)
            .history_ignore_dups(true)
            .and_then(|b| b.max_history_size(HISTORY_SIZE))?
            .completion_type(CompletionType::List)
            .keyseq_timeout(Some(ESC_SEQUENCE_MS))
            .build();
        let (print_tx, print_rx) = mpsc::channel::<String>();
        let tab_print = Arc::new(Mutex::new(Some(print_tx.clone())));
        let mut editor: Editor<H, FileHistory> = Editor::with_config(config)?;
        // Keys whose rustyline command waits for another key without drawing the external
        // printer's messages are bound to commands that decide at once (see [`TabKey`]).
        editor.bind_sequence(
            KeyEvent(KeyCode::Tab, Modifiers::NONE),
            EventHandler::Conditional(Box::new(TabKey {
                helper: helper.clone(),
                print: tab_print.clone(),
            })),
        );
        // Ctrl-R: the last line that starts with what is typed (no search mode to wait in).
        editor.bind_sequence(KeyEvent::ctrl('R'), EventHandler::Simple(Cmd::HistorySearchBackward));
        // Prefix keys that wait for a second key (Ctrl-X …, quoted insert, character
        // search) do nothing here: no command of the call needs them.
        for key in [
            KeyEvent::ctrl('X'),
            KeyEvent::ctrl('V'),
            KeyEvent::ctrl(']'),
            KeyEvent(KeyCode::Char(']'), Modifiers::CTRL_ALT),
        ] {
            editor.bind_sequence(key, EventHandler::Simple(Cmd::Noop));
        }
        editor.set_helper(Some(helper));
        if let Some(path) = &history {
            match editor.load_history(path) {
                Ok(()) => {}
                Err(ReadlineError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => eprintln!("(history not read from {}: {e})", path.display()),
            }
        }
        let external = editor.create_external_printer().ok();

        let printer = std::thread::Builder::new()
            .name("ivrsim-printer".into())
            .spawn(move || print_loop(external, &print_rx))
            .map_err(ReadlineError::Io)?;

        let (event_tx, events) = unbounded_channel();
        let (ready, ready_rx) = mpsc::channel();
        let state = Arc::new(Mutex::new(ReaderState::default()));
        let reader_state = state.clone();
        let reader = std::thread::Builder::new()
            .name("ivrsim-reader".into())
            .spawn(move || read_loop(editor, &event_tx, &ready_rx, &reader_state, history))
            .map_err(ReadlineError::Io)?;
        Ok(Terminal {
            events,
            screen: PrinterScreen { tx: print_tx },
            ready,
            reader,
            printer,
            state,
            tab_print,
        })
    }

    /// The lines, the screen, and "ready for the next line", for the driver.
    pub fn parts(&mut self) -> (&mut UnboundedReceiver<Event>, &mut PrinterScreen, &mpsc::Sender<()>) {
        (&mut self.events, &mut self.screen, &self.ready)
    }

    /// Stops the reader (it saves the history) and lets the printer finish. Returns once
    /// everything shown is written, and the terminal is back to normal: unless the driver
    /// ended while the trainee was typing (a signal), when the reader cannot be stopped and
    /// is left to end with the process.
    pub fn close(self) {
        let reading = {
            let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            s.closed = true;
            s.reading
        };
        drop(self.ready);
        self.tab_print.lock().unwrap_or_else(PoisonError::into_inner).take();
        if !reading {
            // The reader ends and drops the editor. That also frees the printer if it was
            // stuck handing rustyline a message that `readline` left unread (rustyline takes
            // keys before messages): its send fails, and it writes the message itself.
            let _ = self.reader.join();
        }
        drop(self.screen);
        let _ = self.printer.join();
        if reading {
            // The last lines were handed to rustyline, which prints them on the reader's
            // thread when it next wakes; give it a moment before the process ends, or a
            // session ended by a signal can lose its summary.
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    }
}

/// Tab: completes, or lists the candidates above the line, at once ([`LineHelper::tab`]). The
/// list goes the way of all output (the printer thread), so it stays in order with the call's
/// lines.
struct TabKey<H> {
    helper: H,
    print: TabPrint,
}

impl<H: LineHelper> ConditionalEventHandler for TabKey<H> {
    fn handle(&self, _evt: &rustyline::Event, _n: RepeatCount, _positive: bool, ctx: &EventContext) -> Option<Cmd> {
        Some(match self.helper.tab(ctx.line(), ctx.pos()) {
            TabAction::Nothing => Cmd::Noop,
            TabAction::Complete(before) => Cmd::Replace(Movement::BeginningOfLine, Some(before)),
            TabAction::List(lines) => {
                let mut msg = lines.join("\n");
                msg.push('\n');
                if let Some(print) = self.print.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
                    let _ = print.send(msg);
                }
                Cmd::Noop
            }
        })
    }
}

fn print_loop(mut external: Option<impl ExternalPrinter>, rx: &mpsc::Receiver<String>) {
    for msg in rx {
        let printed = external.as_mut().is_some_and(|p| p.print(msg.clone()).is_ok());
        if !printed {
            let mut out = io::stdout().lock();
            let _ = out.write_all(msg.as_bytes());
            let _ = out.flush();
        }
    }
}

fn read_loop<H: LineHelper>(
    mut editor: Editor<H, FileHistory>,
    events: &UnboundedSender<Event>,
    ready: &mpsc::Receiver<()>,
    state: &Mutex<ReaderState>,
    history: Option<PathBuf>,
) {
    loop {
        {
            let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
            if s.closed {
                break;
            }
            s.reading = true;
        }
        let read = editor.readline(PROMPT);
        state.lock().unwrap_or_else(PoisonError::into_inner).reading = false;
        quiet_until_the_next_line();
        let event = match read {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                Event::Line(line)
            }
            Err(ReadlineError::Interrupted | ReadlineError::Eof) => Event::End,
            Err(e) => {
                tracing::warn!("the terminal failed: {e}");
                Event::End
            }
        };
        let end = event == Event::End;
        if events.send(event).is_err() || end || ready.recv().is_err() {
            break;
        }
    }
    if let Some(path) = history {
        let saved = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(ReadlineError::from)
            .and_then(|()| editor.save_history(&path));
        if let Err(e) = saved {
            eprintln!("(history not saved to {}: {e})", path.display());
        }
    }
}

/// Turns the terminal's echo off between two `readline`s: keys typed while the driver shows
/// a line's result wait in the terminal's input queue, and the next `readline` shows them on
/// its line, instead of the terminal echoing them into the middle of the output. (rustyline
/// restores the mode it found, so echo stays off until [`super::Tty::close`] puts the
/// terminal back as it was at the start.)
fn quiet_until_the_next_line() {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = rustix::stdio::stdin();
    if let Ok(mut mode) = tcgetattr(stdin)
        && mode.local_modes.contains(LocalModes::ECHO)
    {
        mode.local_modes.remove(LocalModes::ECHO);
        let _ = tcsetattr(stdin, OptionalActions::Now, &mode);
    }
}

/// Lines from standard input (not a terminal), on a reader thread; [`Event::End`] at the
/// end of the input. Bytes that are not UTF-8 are replaced (and then refused as input).
pub fn stdin_lines() -> io::Result<UnboundedReceiver<Event>> {
    let (tx, rx) = unbounded_channel();
    std::thread::Builder::new().name("ivrsim-stdin".into()).spawn(move || {
        let mut stdin = io::stdin().lock();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match stdin.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf);
                    let line = line.trim_end_matches(['\n', '\r']).to_owned();
                    if tx.send(Event::Line(line)).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = tx.send(Event::End);
    })?;
    Ok(rx)
}

/// Standard output, written and flushed line by line.
pub struct StdoutScreen;

impl Screen for StdoutScreen {
    fn show(&mut self, lines: &[String]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        for line in lines {
            writeln!(out, "{line}")?;
        }
        out.flush()
    }
}
