//! A caller's connection to a call-taker console (`ivrsim call --operator ADDR`): connect,
//! say hello, then messages both ways through channels. Needs a tokio runtime.

use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::protocol::{ToCaller, ToConsole};
use super::wire::{OUTBOX, WireCmd, WireEvent, pump};

/// Longest wait for a console to accept the connection and answer `hello`.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a caller could not reach a console.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Nothing listens there, or the network is down.
    #[error("cannot reach a call-taker console at {addr}: {source}")]
    Unreachable {
        /// The address.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// No answer in time.
    #[error("the console at {addr} did not answer within {} s", CONNECT_TIMEOUT.as_secs())]
    Timeout {
        /// The address.
        addr: String,
    },
    /// The console refused the caller (a wrong token, another protocol version).
    #[error("the console at {addr} refused the connection: {message}")]
    Refused {
        /// The address.
        addr: String,
        /// What it said.
        message: String,
    },
    /// The console's answer could not be used (not the protocol, too long, not a welcome),
    /// or the connection ended before it came: the caller gave up, the console did not refuse.
    #[error("the console at {addr} could not be used: {why}")]
    Unusable {
        /// The address.
        addr: String,
        /// What went wrong, from the caller's side.
        why: String,
    },
}

/// What a connected caller hears from the console.
#[derive(Debug)]
pub enum ClientEvent {
    /// A message.
    Message(ToCaller),
    /// A line from the console could not be read (ignored).
    Bad(String),
    /// The console is gone.
    Gone(String),
}

/// A connection to a console.
pub struct Client {
    /// The console's name (from `welcome`).
    pub console: String,
    tx: mpsc::Sender<WireCmd<ToConsole>>,
    rx: mpsc::UnboundedReceiver<(u64, WireEvent<ToCaller>)>,
    gone: bool,
}

impl Client {
    /// Connects to `addr` and says hello as `caller` (with `token` if the console needs one).
    ///
    /// # Errors
    /// [`ConnectError`]: nobody listens, no answer within [`CONNECT_TIMEOUT`], or the
    /// console refused (token, version).
    pub async fn connect(addr: &str, caller: &str, token: Option<&str>) -> Result<Client, ConnectError> {
        let stream = match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => s,
            Ok(Err(source)) => {
                return Err(ConnectError::Unreachable {
                    addr: addr.to_owned(),
                    source,
                });
            }
            Err(_) => return Err(ConnectError::Timeout { addr: addr.to_owned() }),
        };
        let (tx, cmds) = mpsc::channel(OUTBOX);
        let (events, mut rx) = mpsc::unbounded_channel();
        tokio::spawn(pump::<ToCaller, ToConsole>(0, stream, ToConsole::Ping, events, cmds));
        let hello = ToConsole::Hello {
            caller: caller.to_owned(),
            token: token.map(str::to_owned),
        };
        let _ = tx.send(WireCmd::Send(hello)).await;
        let reply = tokio::time::timeout(CONNECT_TIMEOUT, async {
            loop {
                match rx.recv().await {
                    Some((_, WireEvent::Message(ToCaller::Ping))) => continue,
                    other => return other,
                }
            }
        })
        .await;
        let refused = |message: String| ConnectError::Refused {
            addr: addr.to_owned(),
            message,
        };
        let unusable = |why: String| ConnectError::Unusable {
            addr: addr.to_owned(),
            why,
        };
        match reply {
            Ok(Some((_, WireEvent::Message(ToCaller::Welcome { console })))) => Ok(Client {
                console,
                tx,
                rx,
                gone: false,
            }),
            Ok(Some((_, WireEvent::Message(ToCaller::Error { message, .. })))) => Err(refused(message)),
            Ok(Some((_, WireEvent::Message(other)))) => Err(unusable(format!(
                "it answered the hello with `{}` instead of a welcome",
                crate::source::printable_line(&serde_json::to_string(&other).unwrap_or_default())
                    .chars()
                    .take(200)
                    .collect::<String>()
            ))),
            Ok(Some((_, WireEvent::Bad(e)))) => Err(unusable(format!("its answer was dropped: {}", e.message))),
            Ok(Some((_, WireEvent::Gone(why)))) => Err(unusable(format!("the connection ended: {why}"))),
            Ok(None) => Err(unusable("the connection closed before any answer".into())),
            Err(_) => Err(ConnectError::Timeout { addr: addr.to_owned() }),
        }
    }

    /// Sends a message (dropped once the console is gone).
    pub fn send(&mut self, msg: ToConsole) {
        if !self.gone && self.tx.try_send(WireCmd::Send(msg)).is_err() {
            self.gone = true;
        }
    }

    /// The next thing the console says; `None` once it is gone and that was reported.
    /// Heartbeats are not reported.
    pub async fn recv(&mut self) -> Option<ClientEvent> {
        if self.gone && self.rx.is_empty() {
            return None;
        }
        loop {
            let (_, e) = self.rx.recv().await?;
            return Some(match e {
                WireEvent::Message(ToCaller::Ping) => continue,
                WireEvent::Message(m) => ClientEvent::Message(m),
                WireEvent::Bad(e) => ClientEvent::Bad(e.message),
                WireEvent::Gone(why) => {
                    self.gone = true;
                    ClientEvent::Gone(why)
                }
            });
        }
    }

    /// Closes the connection after what was sent, and waits (up to `wait`) until it is
    /// written and closed, for a caller that is about to exit.
    pub async fn close_and_wait(&mut self, wait: Duration) {
        let _ = self.tx.try_send(WireCmd::Close);
        self.gone = true;
        let _ = tokio::time::timeout(wait, async { while self.rx.recv().await.is_some() {} }).await;
    }

    /// Closes the connection (after what was sent).
    pub fn close(&mut self) {
        let _ = self.tx.try_send(WireCmd::Close);
        self.gone = true;
    }
}
