//! The console's I/O edge: the TCP server callers connect to, the call-taker's lines, the
//! console's clock and the session log, all feeding one [`Console`] on a current-thread
//! tokio runtime.
//!
//! Each connection runs in its own task ([`super::wire::pump`]); the console sees only
//! events and never waits on a socket, so a slow or hostile caller cannot stall it.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::console::{ConnId, Console, Output};
use super::protocol::{ToCaller, ToConsole};
use super::wire::{OUTBOX, WireCmd, WireEvent, pump};
use crate::terminal::{Event, Screen, sleep_until};

/// Most connections a console keeps open at once; more are closed on arrival.
pub const MAX_CONNECTIONS: usize = 4096;

/// Longest a connection may stay open without saying `hello` (heartbeats do not count), so
/// connections that never introduce themselves cannot fill [`MAX_CONNECTIONS`].
pub const HELLO_WITHIN: Duration = Duration::from_secs(5);

/// How the console's clock runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockMode {
    /// Wall-clock time since the console started (a call-taker at a terminal), plus `:wait`s.
    Real,
    /// Time moves only by what the call-taker does (a scripted console reading a pipe), so a
    /// shift's scores are the same on every run: each line typed takes its typing time
    /// ([`typing_time`]), and `:wait` lets time pass.
    Virtual,
}

/// Typing speed of the virtual clock: 0.2 s a character (about 60 words a minute, a fair
/// call-taker's typing speed), at least 1 s a line (reading, thinking, pressing Enter).
pub fn typing_time(line: &str) -> Duration {
    let chars = u32::try_from(line.trim().chars().count()).unwrap_or(u32::MAX);
    (Duration::from_millis(200) * chars).max(Duration::from_secs(1))
}

/// The console's clock: time since it started.
#[derive(Debug)]
pub struct ShiftClock {
    mode: ClockMode,
    start: Instant,
    waited: Duration,
}

impl ShiftClock {
    /// Time zero, now.
    pub fn new(mode: ClockMode) -> Self {
        ShiftClock {
            mode,
            start: Instant::now(),
            waited: Duration::ZERO,
        }
    }

    /// The time now.
    pub fn now(&self) -> Duration {
        match self.mode {
            ClockMode::Real => self.start.elapsed() + self.waited,
            ClockMode::Virtual => self.waited,
        }
    }

    /// The clock's mode.
    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    /// Moves time on by `d` (`:wait`, typing).
    pub fn advance(&mut self, d: Duration) {
        self.waited = self.waited.saturating_add(d);
    }

    /// The instant console time `t` falls on (real clock), or `None` (virtual: time never
    /// comes by itself).
    pub fn instant(&self, t: Duration) -> Option<Instant> {
        match self.mode {
            ClockMode::Real => Some(self.start + t.saturating_sub(self.waited)),
            ClockMode::Virtual => None,
        }
    }
}

/// The session log: JSON Lines, one record a line, appended. Each record is written with one
/// `write` to a file opened in append mode, then synced to disk, so a killed console leaves
/// every record written before intact (at worst the record being written is missing; a
/// half-written last line from a power loss is ended before the next record), and two
/// consoles appending to the same file interleave whole lines. The file keeps its owner and
/// permissions; the console never rewrites or truncates it.
#[derive(Debug)]
pub struct SessionLog {
    path: std::path::PathBuf,
    file: std::fs::File,
    /// A device or pipe: not synced.
    stream: bool,
}

impl SessionLog {
    /// Opens (or creates) the log at `path` for appending: a regular file, or a new one in a
    /// folder that exists, and none of the files the console read (the menu, training calls),
    /// as [`crate::atomic::check_target`] decides; or a character device or pipe that exists
    /// (`/dev/null` for no log), written as records come and not synced.
    ///
    /// # Errors
    /// The path is a folder, link, block device, socket or kernel file (`/proc/self/mem`), a file the
    /// console reads, or cannot be opened for appending (a missing folder, a read-only file).
    pub fn open(path: std::path::PathBuf) -> io::Result<Self> {
        use std::io::{Read, Seek, SeekFrom, Write};
        let named = |e: io::Error| io::Error::new(e.kind(), format!("`{}`: {e}", path.display()));
        if crate::atomic::check_target(&path).map_err(named)? == crate::atomic::Target::Stream {
            // A device or pipe (`/dev/null` for no log): written as it comes, nothing to sync.
            let file = std::fs::OpenOptions::new().write(true).open(&path).map_err(named)?;
            return Ok(SessionLog {
                path,
                file,
                stream: true,
            });
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        // A last line cut short (a power loss mid-write) is ended, so the next record is whole.
        if file.metadata()?.len() > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::End(-1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        Ok(SessionLog {
            path,
            file,
            stream: false,
        })
    }

    /// Appends one record.
    ///
    /// # Errors
    /// The file cannot be written (a full disk).
    pub fn append(&mut self, record: &serde_json::Value) -> io::Result<()> {
        use std::io::Write;
        let mut line = record.to_string();
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        if self.stream {
            return Ok(());
        }
        self.file.sync_data()
    }

    /// Where it is.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

/// Binds the console's listening socket.
///
/// # Errors
/// The address is taken, not local, or not an address.
pub async fn bind(addr: &str) -> io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Where a console's lines come from and go to, and what it logs.
pub struct Desk<'a> {
    /// The console.
    pub console: Console,
    /// Where lines are shown.
    pub screen: &'a mut dyn Screen,
    /// The session log, if any.
    pub log: Option<SessionLog>,
    /// The clock.
    pub clock: ShiftClock,
    /// Repeat each line read (`> :answer`), for input that does not echo (a pipe).
    pub echo: bool,
}

impl Desk<'_> {
    /// Runs the console until `:quit`, the end of `lines`, or `stop` (a signal).
    ///
    /// # Errors
    /// The screen is gone.
    pub async fn run(
        mut self,
        listener: Option<TcpListener>,
        lines: &mut mpsc::UnboundedReceiver<Event>,
        ready: &mut dyn FnMut(),
        stop: impl Future<Output = ()>,
    ) -> io::Result<()> {
        let (events_tx, mut events) = mpsc::unbounded_channel::<(u64, WireEvent<ToConsole>)>();
        let (accepted_tx, mut accepted) = mpsc::unbounded_channel();
        let accept = listener.map(|l| tokio::spawn(accept_loop(l, accepted_tx)));
        let mut conns: HashMap<ConnId, mpsc::Sender<WireCmd<ToCaller>>> = HashMap::new();
        // Connections yet to say hello, by when they connected (oldest first).
        let mut unintroduced: std::collections::VecDeque<(ConnId, Instant)> = std::collections::VecDeque::new();
        let mut next_conn: ConnId = 1;
        let mut stop = pin!(stop);
        let mut leaving = false;
        self.flush(&mut conns, &mut leaving)?;
        while !leaving {
            let wake = self.console.poll_timeout().and_then(|t| self.clock.instant(t));
            let hello_due = unintroduced.front().map(|(_, at)| *at + HELLO_WITHIN);
            tokio::select! {
                biased;
                () = &mut stop => {
                    let now = self.clock.now();
                    self.console.close(now);
                }
                Some((stream, peer)) = accepted.recv() => {
                    let stream: tokio::net::TcpStream = stream;
                    if conns.len() >= MAX_CONNECTIONS {
                        tracing::warn!(%peer, "too many connections: closed");
                        drop(stream);
                    } else {
                        let id = next_conn;
                        next_conn += 1;
                        let (tx, rx) = mpsc::channel(OUTBOX);
                        conns.insert(id, tx);
                        tokio::spawn(pump::<ToConsole, ToCaller>(id, stream, ToCaller::Ping, events_tx.clone(), rx));
                        self.console.connected(id);
                        unintroduced.push_back((id, Instant::now()));
                        tracing::debug!(%peer, id, "connected");
                    }
                }
                Some((id, event)) = events.recv() => {
                    let now = self.clock.now();
                    match event {
                        WireEvent::Message(m) => self.console.message(now, id, m),
                        WireEvent::Bad(e) => self.console.bad_message(id, e.code, e.message),
                        WireEvent::Gone(why) => {
                            conns.remove(&id);
                            self.console.gone(now, id, &why);
                        }
                    }
                }
                line = lines.recv() => {
                    let now = self.clock.now();
                    match line {
                        Some(Event::Line(l)) => {
                            if self.echo {
                                self.screen.show(&[format!("> {}", crate::source::printable(&l))])?;
                            }
                            let mut now = now;
                            let waits = l.trim_start().starts_with(":wait");
                            if self.clock.mode() == ClockMode::Virtual && !l.trim().is_empty() && !waits {
                                // Typing the line took time: what was due meanwhile happens first.
                                self.clock.advance(typing_time(&l));
                                now = self.clock.now();
                                self.console.handle_timeout(now);
                                self.flush(&mut conns, &mut leaving)?;
                            }
                            self.console.command(now, &l);
                        }
                        Some(Event::End) | None => self.console.close(now),
                    }
                    self.flush(&mut conns, &mut leaving)?;
                    ready();
                    continue;
                }
                () = sleep_until(wake) => {
                    let now = self.clock.now();
                    self.console.handle_timeout(now);
                }
                () = sleep_until(hello_due) => {
                    while let Some(&(id, at)) = unintroduced.front() {
                        if at + HELLO_WITHIN > Instant::now() {
                            break;
                        }
                        unintroduced.pop_front();
                        self.console.no_hello(id, HELLO_WITHIN);
                    }
                }
            }
            self.flush(&mut conns, &mut leaving)?;
        }
        if let Some(a) = accept {
            a.abort();
        }
        // Let the connections write their last messages (and close) before the runtime stops.
        let deadline = Instant::now() + Duration::from_millis(500);
        for (_, tx) in conns.drain() {
            let _ = tokio::time::timeout_at(deadline, tx.send(WireCmd::Close)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(())
    }

    /// Carries out what the console wants.
    fn flush(
        &mut self,
        conns: &mut HashMap<ConnId, mpsc::Sender<WireCmd<ToCaller>>>,
        leaving: &mut bool,
    ) -> io::Result<()> {
        let mut lines = Vec::new();
        while let Some(out) = self.console.poll_output() {
            match out {
                Output::Send(id, msg) => {
                    // Closed (not full): the connection has just ended, and its `Gone`, with
                    // the reason, is next in the events.
                    let full = conns.get(&id).is_some_and(|tx| {
                        matches!(tx.try_send(WireCmd::Send(msg)), Err(mpsc::error::TrySendError::Full(_)))
                    });
                    if full {
                        // A caller that does not read is dropped rather than let pile up.
                        conns.remove(&id);
                        let now = self.clock.now();
                        self.console.gone(now, id, "not reading");
                    }
                }
                Output::Close(id) => {
                    if let Some(tx) = conns.remove(&id) {
                        let _ = tx.try_send(WireCmd::Close);
                    }
                }
                Output::Show(v) => lines.extend(v),
                Output::Record(rec) => {
                    if let Some(log) = self.log.as_mut()
                        && let Err(e) = log.append(&rec)
                    {
                        lines.push(format!(
                            "! the session log {} cannot be written: {e}",
                            log.path().display()
                        ));
                    }
                }
                Output::Wait(d) => {
                    self.clock.advance(d);
                    let now = self.clock.now();
                    self.console.handle_timeout(now);
                }
                Output::Quit => *leaving = true,
            }
        }
        if !lines.is_empty() {
            self.screen.show(&lines)?;
        }
        Ok(())
    }
}

async fn accept_loop(listener: TcpListener, tx: mpsc::UnboundedSender<(tokio::net::TcpStream, SocketAddr)>) {
    loop {
        match listener.accept().await {
            Ok(conn) => {
                if tx.send(conn).is_err() {
                    return;
                }
            }
            Err(e) => {
                // Out of file descriptors, or a connection reset before it was accepted: go on.
                tracing::warn!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Handoff, HandoffReason};
    use crate::menu::Priority;
    use crate::operator::console::ConsoleConfig;

    #[derive(Default)]
    struct Shown(Vec<String>);

    impl Screen for Shown {
        fn show(&mut self, lines: &[String]) -> io::Result<()> {
            self.0.extend_from_slice(lines);
            Ok(())
        }
    }

    /// A desk whose connection 1 (its command channel of `capacity`) has a call waiting, or
    /// answered; what it showed once `then` ran.
    fn desk_with_a_call(
        capacity: usize,
        answer: bool,
        then: impl FnOnce(
            &mut Desk,
            &mut HashMap<ConnId, mpsc::Sender<WireCmd<ToCaller>>>,
            mpsc::Receiver<WireCmd<ToCaller>>,
        ),
    ) -> Vec<String> {
        let mut screen = Shown::default();
        let console = Console::new(ConsoleConfig {
            operator: "Dana".into(),
            name: "desk".into(),
            ..ConsoleConfig::default()
        });
        let mut desk = Desk {
            console,
            screen: &mut screen,
            log: None,
            clock: ShiftClock::new(ClockMode::Virtual),
            echo: false,
        };
        let (tx, rx) = mpsc::channel(capacity);
        let mut conns = HashMap::from([(1, tx)]);
        let now = Duration::ZERO;
        desk.console.connected(1);
        let hello = ToConsole::Hello {
            caller: "Ann".into(),
            token: None,
        };
        desk.console.message(now, 1, hello);
        let handoff = Handoff {
            node: "report".into(),
            queue: "reports".into(),
            priority: Priority::Normal,
            reason: HandoffReason::Chosen,
            path: Vec::new(),
            variables: Default::default(),
            language: "en".into(),
            time_in_ivr: Duration::from_secs(9),
        };
        desk.console.message(now, 1, ToConsole::Join { handoff });
        if answer {
            desk.console.command(now, ":answer");
        }
        then(&mut desk, &mut conns, rx);
        drop(desk);
        screen.0
    }

    fn lost(shown: &[String]) -> Vec<&str> {
        shown
            .iter()
            .filter(|l| l.contains("line was lost"))
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn a_message_to_a_connection_that_just_ended_leaves_the_reason_to_its_gone_event() {
        // Regression: the send failed on the closed channel and the caller was reported lost
        // for "not reading"; the real reason came next and was ignored.
        let shown = desk_with_a_call(OUTBOX, true, |desk, conns, rx| {
            drop(rx); // the connection's pump has ended; its `Gone` is on its way
            let mut leaving = false;
            desk.flush(conns, &mut leaving).unwrap();
            assert!(conns.contains_key(&1));
            desk.console.gone(Duration::ZERO, 1, "closed the connection");
            conns.remove(&1);
            desk.flush(conns, &mut leaving).unwrap();
        });
        assert_eq!(
            lost(&shown),
            ["! call 1: the caller's line was lost (closed the connection): wrap the call up with `:end DISPOSITION`"]
        );
    }

    #[test]
    fn a_caller_whose_messages_pile_up_is_dropped_as_not_reading() {
        let shown = desk_with_a_call(1, false, |desk, conns, _rx| {
            let mut leaving = false;
            desk.flush(conns, &mut leaving).unwrap(); // `welcome` fills the channel; `waiting` does not fit
            assert!(!conns.contains_key(&1));
        });
        assert_eq!(
            lost(&shown),
            ["call 1 left `reports` after 0:00: the caller's line was lost (not reading)"]
        );
    }
}
