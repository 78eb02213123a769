//! The operator protocol: what a caller (`ivrsim call --operator`) and a call-taker console
//! (`ivrsim operator`) say to each other over TCP. Newline-delimited JSON, one object a line,
//! each with the protocol version `v` and a `type`; specified in `docs/operator-protocol.md`.
//!
//! Pure: encoding and decoding only. The console's server and the caller's client do the I/O.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::engine::Handoff;

/// The protocol version this build speaks. A message with another `v` is refused.
pub const VERSION: u32 = 1;

/// Longest message line, in bytes (without its newline): 64 KiB. A handoff record of a long
/// call (hundreds of path steps) fits many times over; longer lines are refused unread.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// How often each side sends `ping` when it has nothing else to say.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

/// Silence after which the other side is taken for gone (three missed heartbeats).
pub const DEAD_AFTER: Duration = Duration::from_secs(6);

/// The default console address: loopback, port 7410.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7410";

/// Longest line of conversation (`say`), in characters.
pub const MAX_SAY: usize = 2000;

/// Most keys in one `keys` message.
pub const MAX_KEYS: usize = 64;

/// From a caller to the console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ToConsole {
    /// First message: who calls, and the console's token when it requires one.
    Hello {
        /// The caller's name as the console shows it (e.g. the menu's name, or a trainee's).
        caller: String,
        /// The console's `--token`, if it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    /// The IVR handed the call over: put it in its queue.
    Join {
        /// The screen pop.
        handoff: Handoff,
    },
    /// What the caller says to the call-taker.
    Say {
        /// The words.
        text: String,
    },
    /// Keys (DTMF) the caller pressed while talking with the call-taker, as a call-taker's
    /// desktop shows them (a number for a menu the call-taker reads out, a yes/no): `0`-`9`,
    /// `*`, `#`, at most [`MAX_KEYS`] of them. Distinct from words (`say`).
    Keys {
        /// The keys, in the order pressed (`"5"`, `"20261234#"`).
        keys: String,
    },
    /// The caller left the queue without hanging up (the IVR's `when_no_operator` plan).
    Leave {
        /// Why, in words.
        reason: String,
    },
    /// The caller asked to be called back (a `when_no_operator` callback, or a `callback`
    /// node the caller chose).
    Callback {
        /// The queue that could not take the call, or whose call-takers call back.
        queue: String,
        /// The number to call.
        number: String,
        /// The request's priority; absent: `normal` (sent only when it is another).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<crate::menu::Priority>,
        /// The call's variables.
        #[serde(default)]
        variables: BTreeMap<String, String>,
    },
    /// The caller hung up.
    Hangup,
    /// Heartbeat.
    Ping,
}

/// From the console to a caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ToCaller {
    /// Reply to `hello`: the console takes calls.
    Welcome {
        /// The console's name.
        console: String,
    },
    /// The call waits in `queue` at `position` (1 = next); sent on joining and on every change.
    Waiting {
        /// Queue.
        queue: String,
        /// 1-based position in answer order.
        position: usize,
        /// Whether a call-taker is logged in.
        staffed: bool,
    },
    /// The call cannot be queued (`the queue is full`).
    Unavailable {
        /// Why, in words.
        why: String,
    },
    /// A call-taker answered.
    Answered {
        /// The call-taker's name.
        operator: String,
    },
    /// What the call-taker says.
    Say {
        /// The words.
        text: String,
    },
    /// The call-taker put the caller on hold.
    Held,
    /// The call-taker took the caller off hold.
    Resumed,
    /// The call-taker ended the call.
    Ended {
        /// The wrap-up code.
        disposition: String,
    },
    /// The last message was refused; the connection stays open unless `fatal`.
    Error {
        /// What kind of error (`malformed`, `too_long`, `version`, `unexpected`, `token`).
        code: String,
        /// In words.
        message: String,
        /// The console closes the connection after this.
        fatal: bool,
    },
    /// Heartbeat.
    Ping,
}

/// A message that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    /// `malformed`, `too_long` or `version`.
    pub code: &'static str,
    /// In words, for the other side.
    pub message: String,
}

/// One message as a line (with its newline): `{"v":1,"type":…}`.
pub fn encode<T: Serialize>(msg: &T) -> String {
    let mut value = serde_json::to_value(msg).expect("protocol messages serialize");
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("v".into(), VERSION.into());
    }
    let mut line = value.to_string();
    line.push('\n');
    line
}

/// Reads one line (without its newline).
///
/// # Errors
/// `too_long` past [`MAX_MESSAGE`] bytes, `malformed` for anything but a JSON object of a
/// known `type` with the fields it needs, `version` for another version than [`VERSION`].
pub fn decode<T: for<'de> Deserialize<'de>>(line: &str) -> Result<T, DecodeError> {
    if line.len() > MAX_MESSAGE {
        return Err(DecodeError {
            code: "too_long",
            message: format!("message of {} bytes; the limit is {MAX_MESSAGE}", line.len()),
        });
    }
    let malformed = |message: String| DecodeError {
        code: "malformed",
        message,
    };
    let mut value: serde_json::Value = serde_json::from_str(line).map_err(|e| malformed(format!("not JSON: {e}")))?;
    let serde_json::Value::Object(map) = &mut value else {
        return Err(malformed("a message is a JSON object".into()));
    };
    match map.remove("v") {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(VERSION)) => {}
        Some(other) => {
            return Err(DecodeError {
                code: "version",
                message: format!("protocol version {other} is not supported; this side speaks {VERSION}"),
            });
        }
        None => return Err(malformed(format!("missing `v` (the protocol version, {VERSION})"))),
    }
    serde_json::from_value(value).map_err(|e| malformed(format!("{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_with_their_version() {
        let msgs = [
            ToConsole::Hello {
                caller: "trainee".into(),
                token: Some("s3cret".into()),
            },
            ToConsole::Say { text: "hello".into() },
            ToConsole::Keys { keys: "5#".into() },
            ToConsole::Hangup,
        ];
        for m in msgs {
            let line = encode(&m);
            assert!(line.ends_with('\n'));
            assert!(line.contains("\"v\":1"), "{line}");
            assert_eq!(decode::<ToConsole>(line.trim_end()), Ok(m));
        }
        let w = ToCaller::Waiting {
            queue: "reports".into(),
            position: 2,
            staffed: true,
        };
        assert_eq!(decode::<ToCaller>(encode(&w).trim_end()), Ok(w));
    }

    #[test]
    fn bad_lines_are_refused_with_a_reason() {
        let cases = [
            ("", "malformed"),
            ("not json", "malformed"),
            ("[1,2]", "malformed"),
            (r#"{"type":"ping"}"#, "malformed"),
            (r#"{"v":2,"type":"ping"}"#, "version"),
            (r#"{"v":"1","type":"ping"}"#, "version"),
            (r#"{"v":1,"type":"dance"}"#, "malformed"),
            (r#"{"v":1,"type":"say"}"#, "malformed"),
            (r#"{"v":1,"type":"say","text":"x","extra":1}"#, "malformed"),
            (r#"{"v":1,"type":"join","handoff":{"node":"x"}}"#, "malformed"),
            (r#"{"v":1,"type":"say","text":"#, "malformed"),
        ];
        for (line, code) in cases {
            let e = decode::<ToConsole>(line).expect_err(line);
            assert_eq!(e.code, code, "{line}: {}", e.message);
        }
        let long = format!(r#"{{"v":1,"type":"say","text":"{}"}}"#, "a".repeat(MAX_MESSAGE));
        assert_eq!(decode::<ToConsole>(&long).unwrap_err().code, "too_long");
    }
}
