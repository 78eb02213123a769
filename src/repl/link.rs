//! The caller's line to a call-taker console (`ivrsim call --operator ADDR`): what the call
//! does that the console must hear (a handoff joins its queue, leaving it, a callback
//! request, hanging up, the caller's words), and the connection that carries it. The
//! connection is made when the call is handed off, one per call, as an IVR connects a
//! transfer to the ACD; a console that cannot be reached is, for the call, no call-taker.

use crate::engine::{Effect, QueueEvent};
use crate::menu::NoOperatorReason;
use crate::operator::client::{Client, ClientEvent};
use crate::operator::protocol::{ToCaller, ToConsole};

/// How often a call that could not reach the console tries again while the caller holds.
pub const RETRY_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Highest queue position a caller is told (a console saying more is not believed).
pub const MAX_POSITION: usize = 100_000;

/// Text from the console, on one line, without control characters, at most `max` characters.
fn one_line(s: &str, max: usize) -> String {
    crate::source::printable_line(s).chars().take(max).collect()
}

/// Where the console is.
#[derive(Clone, Debug)]
pub struct OperatorTarget {
    /// `HOST:PORT`.
    pub addr: String,
    /// The console's token, if it needs one.
    pub token: Option<String>,
    /// The caller's name on the console.
    pub caller: String,
}

/// What the console said, for the driver.
#[derive(Debug)]
pub enum Heard {
    /// Something for the engine.
    Queue(QueueEvent),
    /// The call-taker's words.
    Said(String),
    /// A line for the trainee (an error the console reported).
    Notice(String),
}

/// The link to a console, for one call at a time.
pub struct Link {
    target: OperatorTarget,
    client: Option<Client>,
    /// A handoff that could not reach the console: tried again every [`RETRY_EVERY`] while
    /// the caller holds, so a console started meanwhile can still take the call.
    retry: Option<(crate::engine::Handoff, tokio::time::Instant)>,
    /// Messages to send; `None`: close the connection there.
    outbox: Vec<Option<ToConsole>>,
    connect: bool,
    /// Whether the console placed the call joined last in a queue (`waiting`): an
    /// `unavailable` before that is the answer to `join`, which the console gives only when
    /// the queue is full (docs/operator-protocol.md), so the plan for a full queue applies.
    placed: bool,
}

impl Link {
    /// A link to `target`, not connected.
    pub fn new(target: OperatorTarget) -> Self {
        Link {
            target,
            client: None,
            retry: None,
            outbox: Vec::new(),
            connect: false,
            placed: false,
        }
    }

    /// Takes note of an effect of the call (in order).
    pub fn observe(&mut self, effect: &Effect) {
        match effect {
            Effect::Handoff(h) => {
                self.close();
                self.retry = None;
                self.connect = true;
                self.placed = false;
                self.outbox.push(Some(ToConsole::Join { handoff: h.clone() }));
            }
            Effect::LeftQueue { reason, .. } => {
                self.retry = None;
                self.outbox.push(Some(ToConsole::Leave { reason: reason.clone() }))
            }
            Effect::CallbackRequested {
                queue,
                number,
                priority,
                variables,
                ..
            } => {
                if self.client.is_none() {
                    self.connect = true; // the request goes to the console even with no queue place
                }
                self.outbox.push(Some(ToConsole::Callback {
                    queue: queue.clone(),
                    number: number.clone(),
                    priority: Some(*priority).filter(|p| *p != crate::menu::Priority::Normal),
                    variables: variables.clone(),
                }));
            }
            Effect::Moved { .. } => self.retry = None, // the call left the transfer
            Effect::Ended(s) => {
                self.retry = None;
                if s.disposition.is_none() {
                    self.outbox.push(Some(ToConsole::Hangup));
                }
                self.outbox.push(None);
            }
            _ => {}
        }
    }

    /// The caller's words to the call-taker.
    pub fn say(&mut self, text: &str) {
        self.outbox.push(Some(ToConsole::Say { text: text.to_owned() }));
    }

    /// Keys (DTMF) the caller pressed while talking with the call-taker.
    pub fn keys(&mut self, keys: &str) {
        self.outbox.push(Some(ToConsole::Keys { keys: keys.to_owned() }));
    }

    /// Connects if a handoff asked for it, and sends what waits. Returns what the engine
    /// must hear when the console cannot be reached.
    pub async fn flush(&mut self) -> Option<Heard> {
        let mut heard = None;
        if std::mem::take(&mut self.connect) && self.client.is_none() {
            match Client::connect(&self.target.addr, &self.target.caller, self.target.token.as_deref()).await {
                Ok(c) => self.client = Some(c),
                Err(e) => {
                    let join = self.outbox.iter().find_map(|m| match m {
                        Some(ToConsole::Join { handoff }) => Some(handoff.clone()),
                        _ => None,
                    });
                    let joined = join.is_some();
                    self.retry = join.map(|h| (h, tokio::time::Instant::now() + RETRY_EVERY));
                    self.outbox.clear();
                    heard = joined.then(|| {
                        Heard::Queue(QueueEvent::Unavailable {
                            why: e.to_string(),
                            reason: NoOperatorReason::Unstaffed,
                        })
                    });
                    if heard.is_none() {
                        heard = Some(Heard::Notice(e.to_string()));
                    }
                }
            }
        }
        let outbox = std::mem::take(&mut self.outbox);
        if let Some(c) = self.client.as_mut() {
            for m in outbox {
                match m {
                    Some(m) => c.send(m),
                    None => {
                        // Closed once what came before is written; kept until it is over.
                        c.close();
                        break;
                    }
                }
            }
        }
        heard
    }

    /// What the console says next; never completes without a connection (but tries again
    /// to hand over a call that could not reach the console).
    pub async fn recv(&mut self) -> Heard {
        loop {
            let Some(c) = self.client.as_mut() else {
                let Some((handoff, at)) = self.retry.clone() else {
                    return std::future::pending().await;
                };
                tokio::time::sleep_until(at).await;
                match Client::connect(&self.target.addr, &self.target.caller, self.target.token.as_deref()).await {
                    Ok(mut c) => {
                        self.retry = None;
                        c.send(ToConsole::Join { handoff });
                        self.client = Some(c);
                        return Heard::Notice(format!("reached the call-taker console at {}", self.target.addr));
                    }
                    Err(_) => {
                        self.retry = Some((handoff, tokio::time::Instant::now() + RETRY_EVERY));
                        continue;
                    }
                }
            };
            let Some(e) = c.recv().await else {
                self.client = None;
                continue;
            };
            return match e {
                ClientEvent::Message(m) => match m {
                    ToCaller::Waiting {
                        queue,
                        position,
                        staffed,
                    } => Heard::Queue(QueueEvent::Waiting {
                        queue: {
                            self.placed = true;
                            one_line(&queue, 80)
                        },
                        position: position.clamp(1, MAX_POSITION),
                        staffed,
                    }),
                    ToCaller::Unavailable { why } => Heard::Queue(QueueEvent::Unavailable {
                        why: one_line(&why, 200),
                        reason: if self.placed {
                            NoOperatorReason::Unstaffed
                        } else {
                            NoOperatorReason::Full
                        },
                    }),
                    ToCaller::Answered { operator } => Heard::Queue(QueueEvent::Answered {
                        operator: one_line(&operator, 80),
                    }),
                    ToCaller::Held => Heard::Queue(QueueEvent::Held),
                    ToCaller::Resumed => Heard::Queue(QueueEvent::Resumed),
                    ToCaller::Ended { disposition } => {
                        self.close();
                        Heard::Queue(QueueEvent::Ended {
                            disposition: one_line(&disposition, 80),
                        })
                    }
                    ToCaller::Say { text } => Heard::Said(one_line(&text, crate::operator::protocol::MAX_SAY)),
                    ToCaller::Error { message, .. } => {
                        Heard::Notice(format!("the console says: {}", one_line(&message, 200)))
                    }
                    ToCaller::Welcome { .. } | ToCaller::Ping => continue,
                },
                ClientEvent::Bad(why) => Heard::Notice(format!("unreadable message from the console: {why}")),
                ClientEvent::Gone(why) => {
                    self.client = None;
                    Heard::Queue(QueueEvent::Lost { why })
                }
            };
        }
    }

    /// Sends what waits and closes, waiting (up to half a second) for it to be written: the
    /// last thing a caller does before exiting.
    pub async fn finish(&mut self) {
        let _ = self.flush().await;
        if let Some(mut c) = self.client.take() {
            c.close_and_wait(std::time::Duration::from_millis(500)).await;
        }
    }

    /// Drops the connection (a new call, or the end).
    pub fn close(&mut self) {
        if let Some(mut c) = self.client.take() {
            c.close();
        }
    }
}
