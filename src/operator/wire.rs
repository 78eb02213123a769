//! One TCP connection of the operator protocol, either side: lines in, decoded, to an event
//! channel; messages out, encoded, from a command channel; heartbeats both ways, and a peer
//! silent for [`DEAD_AFTER`] is taken for gone.
//!
//! Lines longer than [`MAX_MESSAGE`] are dropped unread (the codec skips to the next newline)
//! and reported as `too_long`; bytes that are not UTF-8 are replaced and then fail to parse
//! as `malformed`: neither closes the connection. A peer that does not read what it is sent
//! within [`WRITE_TIMEOUT`] (or lets [`OUTBOX`] messages pile up) is dropped, so a stuck
//! peer never stalls the side that talks to it.

use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::codec::{AnyDelimiterCodec, AnyDelimiterCodecError, FramedRead};

use super::protocol::{DEAD_AFTER, DecodeError, HEARTBEAT, MAX_MESSAGE, decode, encode};

/// Longest a write to a peer may take.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Messages that may wait to be written to one peer.
pub const OUTBOX: usize = 1024;

/// What a connection reports.
#[derive(Debug)]
pub enum WireEvent<In> {
    /// A message.
    Message(In),
    /// A line that could not be read.
    Bad(DecodeError),
    /// The connection is over (closed by the peer, broken, silent too long, not reading).
    Gone(String),
}

/// What a connection is told to do.
#[derive(Debug)]
pub enum WireCmd<Out> {
    /// Write a message.
    Send(Out),
    /// Close, after what was sent before.
    Close,
}

/// Runs one connection until it is over; reports to `events` tagged with `id`.
pub async fn pump<In, Out>(
    id: u64,
    stream: TcpStream,
    ping: Out,
    events: mpsc::UnboundedSender<(u64, WireEvent<In>)>,
    mut cmds: mpsc::Receiver<WireCmd<Out>>,
) where
    In: DeserializeOwned + Send + 'static,
    Out: Serialize + Send + 'static,
{
    let _ = stream.set_nodelay(true);
    let (r, mut w) = stream.into_split();
    let mut lines = FramedRead::new(
        r,
        AnyDelimiterCodec::new_with_max_length(b"\n".to_vec(), Vec::new(), MAX_MESSAGE),
    );
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_heard = tokio::time::Instant::now();
    let report = |e: WireEvent<In>| events.send((id, e)).is_ok();
    let gone = loop {
        tokio::select! {
            line = lines.next() => {
                last_heard = tokio::time::Instant::now();
                match line {
                    Some(Ok(bytes)) => {
                        let text = String::from_utf8_lossy(&bytes);
                        let text = text.trim_end_matches('\r');
                        if text.trim().is_empty() {
                            continue; // blank lines are allowed between messages
                        }
                        let event = match decode::<In>(text) {
                            Ok(m) => WireEvent::Message(m),
                            Err(e) => WireEvent::Bad(e),
                        };
                        if !report(event) {
                            break None;
                        }
                    }
                    Some(Err(AnyDelimiterCodecError::MaxChunkLengthExceeded)) => {
                        let e = DecodeError {
                            code: "too_long",
                            message: format!("a message longer than {MAX_MESSAGE} bytes: dropped"),
                        };
                        if !report(WireEvent::Bad(e)) {
                            break None;
                        }
                    }
                    Some(Err(AnyDelimiterCodecError::Io(e))) => break Some(format!("connection broken: {e}")),
                    None => break Some("closed the connection".to_owned()),
                }
            }
            cmd = cmds.recv() => match cmd {
                Some(WireCmd::Send(msg)) => {
                    if let Err(why) = write(&mut w, &msg).await {
                        break Some(why);
                    }
                }
                Some(WireCmd::Close) | None => {
                    let _ = tokio::time::timeout(WRITE_TIMEOUT, w.shutdown()).await;
                    break None;
                }
            },
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > DEAD_AFTER {
                    break Some(format!("no word for {} s", DEAD_AFTER.as_secs()));
                }
                if let Err(why) = write(&mut w, &ping).await {
                    break Some(why);
                }
            }
        }
    };
    if let Some(why) = gone {
        let _ = events.send((id, WireEvent::Gone(why)));
    }
}

async fn write<Out: Serialize>(w: &mut tokio::net::tcp::OwnedWriteHalf, msg: &Out) -> Result<(), String> {
    match tokio::time::timeout(WRITE_TIMEOUT, w.write_all(encode(msg).as_bytes())).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("connection broken: {e}")),
        Err(_) => Err(format!("not reading (a write took over {} s)", WRITE_TIMEOUT.as_secs())),
    }
}
