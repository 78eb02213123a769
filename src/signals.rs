//! The signals that end a session (SIGINT, SIGTERM, SIGHUP), for every driver: the REPL and
//! the console (real time), and the pipe driver (virtual time). One place registers them and
//! says which one came, so every driver hangs up, writes its files and reports the same exit
//! status (128 + the signal's number, as shells do).

/// A signal that ends a session: the call is hung up and the files are written first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C, `kill -INT`).
    Interrupt,
    /// SIGTERM (`kill`, `timeout`, service managers).
    Terminate,
    /// SIGHUP (the terminal or session went away).
    Hangup,
}

impl Signal {
    /// The signal's name, `SIGINT`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
            Signal::Hangup => "SIGHUP",
        }
    }

    /// The exit status after the files are written: 128 + the signal's number, as shells
    /// report a command the signal ended (130, 143, 129), from the one table of exit statuses
    /// ([`crate::error::exit_status`]).
    #[must_use]
    pub fn exit_status(self) -> u8 {
        crate::error::exit_status(&Ok(crate::error::Outcome::Interrupted(self)))
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Signal::Interrupt => 1,
            Signal::Terminate => 2,
            Signal::Hangup => 3,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Signal::Interrupt),
            2 => Some(Signal::Terminate),
            3 => Some(Signal::Hangup),
            _ => None,
        }
    }
}

/// The signals that end a session like `:quit`: SIGINT (Ctrl-C while the line editor is
/// not reading), SIGTERM and SIGHUP. Registering takes their default (killing the process)
/// away, so the driver can hang up and the files are written.
///
/// They must be registered before the line editor first reads: rustyline installs its own
/// SIGINT handler while it reads and then puts back the one it found, so a handler
/// registered during the first read would be undone.
pub(crate) struct Signals {
    #[cfg(unix)]
    streams: [(Signal, Option<tokio::signal::unix::Signal>); 3],
}

impl Signals {
    /// Registers the handlers; needs a tokio runtime entered.
    pub(crate) fn register() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                streams: [
                    (Signal::Interrupt, SignalKind::interrupt()),
                    (Signal::Terminate, SignalKind::terminate()),
                    (Signal::Hangup, SignalKind::hangup()),
                ]
                .map(|(s, kind)| (s, signal(kind).ok())),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// The next signal; `None` once none can come (no handler could be installed).
    pub(crate) async fn next(&mut self) -> Option<Signal> {
        #[cfg(unix)]
        {
            async fn recv(s: &mut (Signal, Option<tokio::signal::unix::Signal>)) -> Option<Signal> {
                match &mut s.1 {
                    Some(stream) => stream.recv().await.map(|()| s.0),
                    None => std::future::pending().await,
                }
            }
            let [int, term, hup] = &mut self.streams;
            tokio::select! {
                Some(s) = recv(int) => Some(s),
                Some(s) = recv(term) => Some(s),
                Some(s) = recv(hup) => Some(s),
                else => None,
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.ok().map(|()| Signal::Interrupt)
        }
    }

    /// Completes when the first signal comes, with it (never, if none can come).
    pub(crate) async fn wait(mut self) -> Signal {
        match self.next().await {
            Some(s) => s,
            None => std::future::pending().await,
        }
    }
}
