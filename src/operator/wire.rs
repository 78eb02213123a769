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
use tokio_util::bytes::{Bytes, BytesMut};
use tokio_util::codec::{AnyDelimiterCodec, AnyDelimiterCodecError, Decoder, FramedRead};

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

/// A line longer than [`MAX_MESSAGE`] (dropped).
struct TooLong;

/// The protocol's lines: [`AnyDelimiterCodec`] with its length limit, but a line too long is
/// an item rather than the stream's error. (After a decoder error `FramedRead` ends the stream
/// once, and leaves the bytes it has read undecoded until more arrive: the connection looked
/// closed, or the next message waited for the peer's next write.)
struct LineCodec(AnyDelimiterCodec);

impl LineCodec {
    fn item(
        r: Result<Option<Bytes>, AnyDelimiterCodecError>,
    ) -> Result<Option<Result<Bytes, TooLong>>, std::io::Error> {
        match r {
            Ok(line) => Ok(line.map(Ok)),
            Err(AnyDelimiterCodecError::MaxChunkLengthExceeded) => Ok(Some(Err(TooLong))),
            Err(AnyDelimiterCodecError::Io(e)) => Err(e),
        }
    }
}

impl Decoder for LineCodec {
    type Item = Result<Bytes, TooLong>;
    type Error = std::io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        Self::item(self.0.decode(buf))
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        Self::item(self.0.decode_eof(buf))
    }
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
        LineCodec(AnyDelimiterCodec::new_with_max_length(
            b"\n".to_vec(),
            Vec::new(),
            MAX_MESSAGE,
        )),
    );
    // The first ping goes one period after the start, so a caller's `hello` comes first.
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_heard = tokio::time::Instant::now();
    let report = |e: WireEvent<In>| events.send((id, e)).is_ok();
    let gone = loop {
        tokio::select! {
            line = lines.next() => {
                last_heard = tokio::time::Instant::now();
                match line {
                    Some(Ok(Ok(bytes))) => {
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
                    Some(Ok(Err(TooLong))) => {
                        let e = DecodeError {
                            code: "too_long",
                            message: format!("a message longer than {MAX_MESSAGE} bytes: dropped"),
                        };
                        if !report(WireEvent::Bad(e)) {
                            break None;
                        }
                    }
                    Some(Err(e)) => break Some(format!("connection broken: {e}")),
                    None => break Some("closed the connection".to_owned()),
                }
            }
            cmd = cmds.recv() => match cmd {
                Some(WireCmd::Send(msg)) => {
                    if let Err(why) = write(&mut w, &msg).await {
                        break Some(why.to_string());
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
                    break Some(why.to_string());
                }
            }
        }
    };
    if let Some(why) = gone {
        let _ = events.send((id, WireEvent::Gone(why)));
    }
}

/// Why a message could not be sent: the peer is then taken for gone, with this reason.
#[derive(Debug, thiserror::Error)]
enum WriteFailed {
    /// The connection broke.
    #[error("connection broken: {0}")]
    Broken(std::io::Error),
    /// The peer does not read: a write took longer than [`WRITE_TIMEOUT`].
    #[error("not reading (a write took over {} s)", WRITE_TIMEOUT.as_secs())]
    NotReading,
}

async fn write<Out: Serialize>(w: &mut tokio::net::tcp::OwnedWriteHalf, msg: &Out) -> Result<(), WriteFailed> {
    match tokio::time::timeout(WRITE_TIMEOUT, w.write_all(encode(msg).as_bytes())).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(WriteFailed::Broken(e)),
        Err(_) => Err(WriteFailed::NotReading),
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    use super::*;
    use crate::operator::protocol::{ToCaller, ToConsole};

    /// A peer's raw socket, and the events of the console side's `pump` for it.
    async fn pair() -> (
        TcpStream,
        mpsc::UnboundedReceiver<(u64, WireEvent<ToConsole>)>,
        mpsc::Sender<WireCmd<ToCaller>>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let peer = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        let (events_tx, events) = mpsc::unbounded_channel();
        let (cmds, cmds_rx) = mpsc::channel(OUTBOX);
        tokio::spawn(pump::<ToConsole, ToCaller>(
            7,
            stream,
            ToCaller::Ping,
            events_tx,
            cmds_rx,
        ));
        (peer, events, cmds)
    }

    async fn next(events: &mut mpsc::UnboundedReceiver<(u64, WireEvent<ToConsole>)>) -> WireEvent<ToConsole> {
        let (id, e) = tokio::time::timeout(Duration::from_secs(1), events.recv())
            .await
            .expect("an event within 1 s")
            .expect("the pump reports");
        assert_eq!(id, 7);
        e
    }

    #[tokio::test]
    async fn a_line_too_long_is_reported_and_the_connection_reads_on() {
        let (mut peer, mut events, _cmds) = pair().await;
        // Regression: `FramedRead` yields `None` once after a decoder error, which the pump
        // took for the end of the connection.
        for _ in 0..2 {
            let mut bytes = vec![b'x'; 2 * MAX_MESSAGE + 17];
            bytes.extend_from_slice(b"\n");
            bytes.extend_from_slice(encode(&ToConsole::Say { text: "after".into() }).as_bytes());
            peer.write_all(&bytes).await.unwrap();
            match next(&mut events).await {
                WireEvent::Bad(e) => assert_eq!(e.code, "too_long"),
                other => panic!("{other:?}"),
            }
            match next(&mut events).await {
                WireEvent::Message(ToConsole::Say { text }) => assert_eq!(text, "after"),
                other => panic!("{other:?}"),
            }
        }
        // Regression: a line just over the limit with the next message in the same read; that
        // message waited for the peer's next write.
        for extra in [1, 100, 5000] {
            let mut bytes = vec![b'y'; MAX_MESSAGE + extra];
            bytes.extend_from_slice(b"\n");
            bytes.extend_from_slice(
                encode(&ToConsole::Say {
                    text: format!("{extra}"),
                })
                .as_bytes(),
            );
            peer.write_all(&bytes).await.unwrap();
            match next(&mut events).await {
                WireEvent::Bad(e) => assert_eq!(e.code, "too_long"),
                other => panic!("{other:?}"),
            }
            match next(&mut events).await {
                WireEvent::Message(ToConsole::Say { text }) => assert_eq!(text, format!("{extra}")),
                other => panic!("{extra}: {other:?}"),
            }
        }
        drop(peer);
        assert!(matches!(next(&mut events).await, WireEvent::Gone(_)));
    }
}
