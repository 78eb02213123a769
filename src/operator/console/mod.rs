//! The call-taker console as a state machine: callers' messages and the call-taker's
//! commands in, [`Output`]s out (messages to send, lines to show, records to log), on the
//! console's clock (time since it started, passed in). No sockets, no terminal, no sleeping:
//! the server ([`super::server`]) and the console's REPL drive it, and tests drive it
//! directly.
//!
//! - this file: the console's state, callers' messages, queues and positions, call records;
//! - [`commands`]: what the call-taker types (`:answer`, `:note`, `:end`, words to the caller, …);
//! - [`shift`]: training shifts: scripted callers, their timers, scorecards, the shift summary.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use serde::Serialize;

mod commands;
mod shift;

use super::persona::Caller;
use super::protocol::{MAX_KEYS, MAX_SAY, ToCaller, ToConsole};
use super::queue::{CallId, Queues};
use super::score::{Observed, Scorecard, ShiftSummary};
use super::training::TrainingCall;
use crate::call::screen_pop::ScreenPop;
use crate::engine::{Handoff, route_of};
use crate::source::printable_line;
use crate::timing::duration_text;

/// A connection's number, given by the server.
pub type ConnId = u64;

/// Wrap-up codes when the menu lists none (`dispositions:`).
pub const BUILTIN_DISPOSITIONS: [(&str, &str); 5] = [
    ("resolved", "the caller's need was met on the call"),
    ("report_taken", "a report or case was recorded"),
    ("referred", "the caller was sent to another service"),
    ("callback_scheduled", "someone will call the caller back"),
    ("no_action", "nothing to do (wrong number, silent line, prank)"),
];

/// The disposition codes a call-taker can end a call of `menu` with (`:end CODE`): the
/// menu's `dispositions`, or [`BUILTIN_DISPOSITIONS`] when it lists none.
pub fn disposition_codes(menu: &crate::menu::Menu) -> Vec<&str> {
    if menu.dispositions.is_empty() {
        BUILTIN_DISPOSITIONS.iter().map(|(c, _)| *c).collect()
    } else {
        menu.dispositions.iter().map(|d| d.code.as_str()).collect()
    }
}

/// How a console is set up.
#[derive(Clone, Debug, Default)]
pub struct ConsoleConfig {
    /// The call-taker's name, as callers hear it (`Answered`).
    pub operator: String,
    /// The console's name, sent in `welcome`.
    pub name: String,
    /// Wrap-up codes and what they mean.
    pub dispositions: Vec<(String, String)>,
    /// Most calls waiting in one queue; more are refused (`unavailable`).
    pub max_waiting: Option<usize>,
    /// Most calls waiting in each named queue (the menu's `queues.NAME.max_waiting`).
    pub capacity: BTreeMap<String, u32>,
    /// Longest wait in each named queue (the menu's `queues.NAME.max_wait`): a training
    /// shift's scripted caller who waits that long leaves the queue (`left`), as a live
    /// caller's engine takes it out and tells the console (`leave`).
    pub max_wait: BTreeMap<String, Duration>,
    /// The token callers must present in `hello`, when set.
    pub token: Option<String>,
    /// The queues `:transfer` may name (the menu's transfer queues); empty: any.
    pub queues: Vec<String>,
}

/// What the console wants done.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Send a message to a caller's connection.
    Send(ConnId, ToCaller),
    /// Close a connection (after what was sent to it).
    Close(ConnId),
    /// Show lines to the call-taker.
    Show(Vec<String>),
    /// Append a record to the session log (one JSON line).
    Record(serde_json::Value),
    /// Move the (virtual) clock on by this much (`:wait`): the driver's to do.
    Wait(Duration),
    /// The call-taker is leaving (`:quit`).
    Quit,
}

/// One line of a call's conversation: words, or keys the caller pressed. In the session
/// log: `{"at_ms", "who", "text"}` for words, `{"at_ms", "who": "caller", "keys"}` for keys.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    /// Console time.
    pub at: Duration,
    /// `caller` or `call-taker`.
    pub who: &'static str,
    /// The words, or the keys (`0`-`9`, `*`, `#`) when [`Said::keys`].
    pub text: String,
    /// The caller pressed keys (DTMF) rather than speaking.
    pub keys: bool,
}

impl Serialize for Said {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(3))?;
        /// The time as the rest of the log writes it (`engine::ms_ser`).
        struct Ms<'a>(&'a Duration);
        impl Serialize for Ms<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::engine::ms_ser(self.0, s)
            }
        }
        map.serialize_entry("at_ms", &Ms(&self.at))?;
        map.serialize_entry("who", self.who)?;
        map.serialize_entry(if self.keys { "keys" } else { "text" }, &self.text)?;
        map.end()
    }
}

/// Where a call stands at the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// In a queue.
    Waiting,
    /// With the call-taker.
    Talking,
    /// With the call-taker, on hold.
    Held,
    /// Over.
    Ended,
}

/// A call the console knows of, and everything observed of it (the session log's record).
#[derive(Clone, Debug, Serialize)]
pub struct CallRecord {
    /// The console's number for the call (`:answer 3`).
    pub id: CallId,
    /// Who called (the caller's `hello`).
    pub caller: String,
    /// The IVR's screen pop.
    pub handoff: Handoff,
    /// The queue it is (or was last) in.
    pub queue: String,
    /// Where it stands.
    pub state: CallState,
    /// When it joined its first queue (console time).
    #[serde(serialize_with = "crate::engine::ms_ser", rename = "arrived_ms")]
    pub arrived: Duration,
    /// When it joined the queue it is in now.
    #[serde(skip)]
    pub joined: Duration,
    /// When the call-taker first answered.
    #[serde(serialize_with = "crate::engine::opt_ms_ser", rename = "answered_ms")]
    pub answered: Option<Duration>,
    /// When it was answered in the queue it is in now (`None` while it waits there): the end
    /// of its "time waiting".
    #[serde(skip)]
    pub answered_here: Option<Duration>,
    /// When it ended.
    #[serde(serialize_with = "crate::engine::opt_ms_ser", rename = "ended_ms")]
    pub ended: Option<Duration>,
    /// How it ended: `completed` (`:end`), `abandoned` (the caller hung up while waiting),
    /// `hung_up` (the caller hung up once answered), `left` (the IVR took it back: no
    /// call-taker), `lost` (the connection broke), `console_closed` (`:quit`).
    pub end: Option<String>,
    /// The call-taker's wrap-up code.
    pub disposition: Option<String>,
    /// `:note FIELD TEXT`, in order.
    pub notes: Vec<(String, String)>,
    /// The conversation.
    pub transcript: Vec<Said>,
    /// The caller is gone (hung up, or the connection broke) while the call is still open.
    #[serde(skip)]
    pub caller_gone: bool,
    /// The connection, for a live caller.
    #[serde(skip)]
    pub conn: Option<ConnId>,
    /// The training call, for a scripted caller (its index in the shift).
    #[serde(skip)]
    pub script: Option<usize>,
    /// The position last told to the caller.
    #[serde(skip)]
    told: Option<usize>,
}

impl CallRecord {
    /// Keeps a line of the conversation, up to [`MAX_TRANSCRIPT`] lines (then one line saying
    /// the rest is not kept).
    fn keep(&mut self, said: Said) {
        match self.transcript.len() {
            n if n < MAX_TRANSCRIPT => self.transcript.push(said),
            n if n == MAX_TRANSCRIPT => self.transcript.push(Said {
                text: format!("(the conversation goes on; only its first {MAX_TRANSCRIPT} lines are kept)"),
                ..said
            }),
            _ => {}
        }
    }
}

/// A callback a caller asked for when nobody could take the call.
#[derive(Clone, Debug, Serialize)]
pub struct CallbackRequest {
    /// Console time.
    #[serde(serialize_with = "crate::engine::ms_ser", rename = "at_ms")]
    pub at: Duration,
    /// Who.
    pub caller: String,
    /// For which queue.
    pub queue: String,
    /// The number to call.
    pub number: String,
    /// The request's priority.
    pub priority: crate::menu::Priority,
    /// The call's variables (at most 200, each cut to 200 characters).
    pub variables: BTreeMap<String, String>,
}

#[derive(Debug)]
enum Conn {
    /// Connected; no `hello` yet.
    Greeting,
    /// Said hello.
    Ready { caller: String, call: Option<CallId> },
}

/// A scripted caller of a training shift.
struct Scripted {
    call: TrainingCall,
    handoff: Handoff,
    caller: Caller,
    /// When it joins its queue: its arrival plus its time in the IVR.
    joins_at: Duration,
    /// Its number at the console, once it has joined.
    id: Option<CallId>,
    /// Its scorecard, once it is over.
    card: Option<Scorecard>,
    /// It had not arrived when the shift ended: not scored.
    skipped: bool,
}

/// The console.
pub struct Console {
    config: ConsoleConfig,
    queues: Queues<()>,
    calls: BTreeMap<CallId, CallRecord>,
    conns: HashMap<ConnId, Conn>,
    active: Option<CallId>,
    logged_in: bool,
    callbacks: Vec<CallbackRequest>,
    out: VecDeque<Output>,
    /// The training shift's scripted callers, in arrival order.
    shift: Vec<Scripted>,
    shift_over: bool,
    /// When the shift's status line ([`Console::shift_status`]) was last shown.
    status_shown: Duration,
    /// `:quit` was typed once with calls open.
    quit_armed: bool,
}

/// Console commands, for `:help` and completion.
pub const COMMANDS: [(&str, &str); 13] = [
    (":queue", "the calls waiting, callback requests, and the shift clock"),
    (
        ":answer",
        "answer the next call (highest priority, then longest wait), or `:answer ID`",
    ),
    (":hold", "put the caller on hold"),
    (":resume", "take the caller off hold"),
    (
        ":transfer",
        "`:transfer QUEUE`: put the call back in a queue, with its record",
    ),
    (
        ":note",
        "`:note FIELD TEXT`: a case note (e.g. `:note where Harbour Road 14`)",
    ),
    (
        ":end",
        "`:end DISPOSITION`: wrap the call up (`:end` alone lists the codes)",
    ),
    (":pop", "the screen pop of the current call again"),
    (":logout", "stop taking calls (callers' `when_no_operator` plans run)"),
    (":login", "take calls again"),
    (
        ":wait",
        "`:wait 30s`: let time pass (scripted consoles, in virtual time)",
    ),
    (":help", "this list"),
    (":quit", "leave (calls waiting hear that nobody is available)"),
];

impl Console {
    /// A console with no calls, logged in.
    pub fn new(mut config: ConsoleConfig) -> Self {
        if config.dispositions.is_empty() {
            config.dispositions = BUILTIN_DISPOSITIONS
                .iter()
                .map(|(c, d)| ((*c).to_owned(), (*d).to_owned()))
                .collect();
        }
        let mut queues = Queues::new();
        queues.max_waiting = config.max_waiting;
        queues.capacity = config.capacity.clone();
        Console {
            config,
            queues,
            calls: BTreeMap::new(),
            conns: HashMap::new(),
            active: None,
            logged_in: true,
            callbacks: Vec::new(),
            out: VecDeque::new(),
            shift: Vec::new(),
            shift_over: false,
            status_shown: Duration::ZERO,
            quit_armed: false,
        }
    }

    /// The next output, if any. Drivers drain this after every input.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// The calls not yet over (waiting, or with the call-taker), by number.
    pub fn calls(&self) -> &BTreeMap<CallId, CallRecord> {
        &self.calls
    }

    /// The call with the call-taker now.
    pub fn active(&self) -> Option<CallId> {
        self.active
    }

    /// Calls waiting in queues.
    pub fn waiting(&self) -> usize {
        self.queues.len()
    }

    /// The wrap-up codes.
    pub fn dispositions(&self) -> &[(String, String)] {
        &self.config.dispositions
    }

    fn show(&mut self, line: impl Into<String>) {
        self.out.push_back(Output::Show(vec![line.into()]));
    }

    fn send(&mut self, conn: Option<ConnId>, msg: ToCaller) {
        if let Some(c) = conn {
            self.out.push_back(Output::Send(c, msg));
        }
    }

    fn refuse(&mut self, conn: ConnId, code: &str, message: String, fatal: bool) {
        self.out.push_back(Output::Send(
            conn,
            ToCaller::Error {
                code: code.into(),
                message,
                fatal,
            },
        ));
        if fatal {
            self.out.push_back(Output::Close(conn));
            self.conns.remove(&conn);
        }
    }

    // ------------------------------------------------------------------ callers

    /// A caller connected.
    pub fn connected(&mut self, conn: ConnId) {
        self.conns.insert(conn, Conn::Greeting);
    }

    /// Whether `conn` has said `hello`.
    pub fn greeted(&self, conn: ConnId) -> bool {
        matches!(self.conns.get(&conn), Some(Conn::Ready { .. }))
    }

    /// `conn` did not say `hello` in time: it is told so and closed.
    pub fn no_hello(&mut self, conn: ConnId, within: Duration) {
        if self.conns.contains_key(&conn) && !self.greeted(conn) {
            self.refuse(
                conn,
                "unexpected",
                format!("no `hello` within {} s", within.as_secs()),
                true,
            );
        }
    }

    /// A line from `conn` could not be read (`code`, `message`): the caller is told, the
    /// connection stays.
    pub fn bad_message(&mut self, conn: ConnId, code: &str, message: String) {
        if self.conns.contains_key(&conn) {
            self.refuse(conn, code, message, false);
        }
    }

    /// A message from a caller at `now`.
    pub fn message(&mut self, now: Duration, conn: ConnId, msg: ToConsole) {
        let Some(state) = self.conns.get_mut(&conn) else { return };
        match (state, msg) {
            (_, ToConsole::Ping) => {}
            (Conn::Greeting, ToConsole::Hello { caller, token }) => {
                if self.config.token.is_some() && token != self.config.token {
                    let why = if token.is_none() {
                        "this console needs a token"
                    } else {
                        "wrong token"
                    };
                    self.refuse(conn, "token", why.into(), true);
                    return;
                }
                let caller: String = printable_line(&caller).chars().take(80).collect();
                self.conns.insert(conn, Conn::Ready { caller, call: None });
                let console = self.config.name.clone();
                self.out.push_back(Output::Send(conn, ToCaller::Welcome { console }));
            }
            (Conn::Greeting, _) => self.refuse(conn, "unexpected", "say `hello` first".into(), true),
            (Conn::Ready { .. }, ToConsole::Hello { .. }) => {
                self.refuse(conn, "unexpected", "already said hello".into(), false)
            }
            (Conn::Ready { call: Some(_), .. }, ToConsole::Join { .. }) => self.refuse(
                conn,
                "unexpected",
                "this connection already has a call; one call a connection".into(),
                false,
            ),
            (Conn::Ready { caller, .. }, ToConsole::Join { handoff }) => {
                let caller = caller.clone();
                match self.join(now, &caller, Some(conn), handoff) {
                    Ok(id) => {
                        if let Some(Conn::Ready { call, .. }) = self.conns.get_mut(&conn) {
                            *call = Some(id);
                        }
                    }
                    Err(why) => self.send(Some(conn), ToCaller::Unavailable { why: why.to_string() }),
                }
            }
            (
                Conn::Ready { call: None, .. },
                ToConsole::Callback {
                    queue,
                    number,
                    priority,
                    variables,
                },
            ) => {
                let caller = match self.conns.get(&conn) {
                    Some(Conn::Ready { caller, .. }) => caller.clone(),
                    _ => String::new(),
                };
                self.callback(now, caller, queue, number, priority.unwrap_or_default(), variables);
            }
            (Conn::Ready { call: None, .. }, ToConsole::Hangup) => {
                self.conns.remove(&conn);
                self.out.push_back(Output::Close(conn));
            }
            (Conn::Ready { call: None, .. }, _) => {
                self.refuse(conn, "unexpected", "no call yet: send `join` first".into(), false)
            }
            (Conn::Ready { call: Some(id), .. }, msg) => {
                let id = *id;
                self.call_message(now, conn, id, msg);
            }
        }
    }

    fn call_message(&mut self, now: Duration, conn: ConnId, id: CallId, msg: ToConsole) {
        let Some(call) = self.calls.get_mut(&id) else { return };
        match msg {
            ToConsole::Say { .. } | ToConsole::Keys { .. } if call.state == CallState::Held => {} // on hold: nobody hears it
            ToConsole::Keys { keys } => match call.state {
                CallState::Talking if self.active == Some(id) => {
                    if keys.is_empty()
                        || keys.chars().count() > MAX_KEYS
                        || !keys.chars().all(crate::menu::dtmf::is_dtmf)
                    {
                        let shown: String = printable_line(&keys).chars().take(MAX_KEYS).collect();
                        self.refuse(
                            conn,
                            "malformed",
                            format!("`{shown}` is not 1 to {MAX_KEYS} keys (0-9, * and #)"),
                            false,
                        );
                        return;
                    }
                    call.keep(Said {
                        at: now,
                        who: "caller",
                        text: keys.clone(),
                        keys: true,
                    });
                    self.show(format!("  caller pressed {keys}"));
                }
                _ => self.refuse(conn, "unexpected", "nobody has answered yet".into(), false),
            },
            ToConsole::Say { text } => match call.state {
                CallState::Talking if self.active == Some(id) => {
                    let text: String = printable_line(&text).chars().take(MAX_SAY).collect();
                    call.keep(Said {
                        at: now,
                        who: "caller",
                        text: text.clone(),
                        keys: false,
                    });
                    self.show(format!("  caller: {text}"));
                }
                _ => self.refuse(conn, "unexpected", "nobody has answered yet".into(), false),
            },
            ToConsole::Leave { reason } => {
                if call.state == CallState::Waiting {
                    let r = printable_line(&reason).chars().take(200).collect::<String>();
                    self.show(format!("call {id} left its queue: {r}"));
                    self.finish(now, id, "left");
                }
            }
            ToConsole::Callback {
                queue,
                number,
                priority,
                variables,
            } => {
                let caller = call.caller.clone();
                self.callback(now, caller, queue, number, priority.unwrap_or_default(), variables);
            }
            ToConsole::Hangup => self.caller_gone(now, id, "the caller hung up", "abandoned"),
            ToConsole::Hello { .. } | ToConsole::Join { .. } | ToConsole::Ping => {}
        }
    }

    /// A connection ended or went silent (`why`): its call, if any, is told to the
    /// call-taker.
    pub fn gone(&mut self, now: Duration, conn: ConnId, why: &str) {
        let Some(c) = self.conns.remove(&conn) else { return };
        if let Conn::Ready { call: Some(id), .. } = c
            && self
                .calls
                .get(&id)
                .is_some_and(|c| c.state != CallState::Ended && !c.caller_gone)
        {
            self.caller_gone(now, id, &format!("the caller's line was lost ({why})"), "lost");
        }
    }

    fn caller_gone(&mut self, now: Duration, id: CallId, what: &str, end: &str) {
        let Some(call) = self.calls.get_mut(&id) else { return };
        call.conn = None;
        match call.state {
            CallState::Waiting => {
                let (waited, queue) = (now.saturating_sub(call.joined), call.queue.clone());
                self.show(format!(
                    "call {id} left `{queue}` after {}: {what}",
                    duration_text(waited)
                ));
                self.finish(now, id, end);
            }
            CallState::Talking | CallState::Held => {
                call.caller_gone = true;
                // Hanging up once answered is not abandoning: the caller was served.
                call.end = Some(if end == "abandoned" { "hung_up" } else { end }.to_owned());
                self.show(format!("! call {id}: {what}: wrap the call up with `:end DISPOSITION`"));
            }
            CallState::Ended => {}
        }
    }

    fn callback(
        &mut self,
        now: Duration,
        caller: String,
        queue: String,
        number: String,
        priority: crate::menu::Priority,
        variables: BTreeMap<String, String>,
    ) {
        let clean = |s: &str| -> String { printable_line(s).chars().take(200).collect() };
        let variables: BTreeMap<String, String> =
            variables.iter().take(200).map(|(k, v)| (clean(k), clean(v))).collect();
        let number: String = number.chars().filter(|c| c.is_ascii_digit()).take(32).collect();
        let queue: String = printable_line(&queue).chars().take(80).collect();
        let urgency = if priority == crate::menu::Priority::Normal {
            String::new()
        } else {
            format!(" ({} priority)", priority.name())
        };
        self.show(format!(
            "callback requested by {caller} for `{queue}`: {number}{urgency}"
        ));
        let req = CallbackRequest {
            at: now,
            caller,
            queue,
            number,
            priority,
            variables,
        };
        self.out.push_back(Output::Record(log_record("callback", &req)));
        self.callbacks.push(req);
    }

    /// Puts a handed-off call in its queue; its number, or why it cannot wait.
    fn join(
        &mut self,
        now: Duration,
        caller: &str,
        conn: Option<ConnId>,
        handoff: Handoff,
    ) -> Result<CallId, crate::operator::queue::JoinError> {
        let handoff = sanitize(handoff);
        let queue = handoff.queue.clone();
        let (id, position) = self.queues.join(&queue, handoff.priority, now, ())?;
        let route = printable_line(&route_of(&handoff.path)).into_owned();
        self.show(format!(
            "call {id} waits in `{queue}` ({}, {}) at position {position}: {caller}: {route}",
            handoff.priority.name(),
            handoff.reason.name()
        ));
        self.calls.insert(
            id,
            CallRecord {
                id,
                caller: caller.to_owned(),
                queue: queue.clone(),
                handoff,
                state: CallState::Waiting,
                arrived: now,
                joined: now,
                answered_here: None,
                answered: None,
                ended: None,
                end: None,
                disposition: None,
                notes: Vec::new(),
                transcript: Vec::new(),
                caller_gone: false,
                conn,
                script: None,
                told: None,
            },
        );
        self.tell_positions(&queue);
        Ok(id)
    }

    /// Tells every caller waiting in `queue` whose position changed where they stand now.
    fn tell_positions(&mut self, queue: &str) {
        let staffed = self.logged_in;
        let now: Vec<(CallId, usize)> = self
            .queues
            .waiting_in(queue)
            .enumerate()
            .map(|(i, w)| (w.id, i + 1))
            .collect();
        for (id, position) in now {
            let Some(call) = self.calls.get_mut(&id) else { continue };
            if call.told != Some(position) {
                call.told = Some(position);
                let conn = call.conn;
                self.send(
                    conn,
                    ToCaller::Waiting {
                        queue: queue.to_owned(),
                        position,
                        staffed,
                    },
                );
            }
        }
    }

    /// Ends call `id` at `now` (`end`: how), logs its record.
    fn finish(&mut self, now: Duration, id: CallId, end: &str) {
        let Some(call) = self.calls.get_mut(&id) else { return };
        let was_waiting = call.state == CallState::Waiting;
        call.state = CallState::Ended;
        call.ended = Some(now);
        if call.end.is_none() {
            call.end = Some(end.to_owned());
        }
        let queue = call.queue.clone();
        let rec = log_record("call", &*call);
        self.out.push_back(Output::Record(rec));
        if was_waiting {
            self.queues.take(id);
            self.tell_positions(&queue);
        }
        if self.active == Some(id) {
            self.active = None;
        }
        // A call that is over lives on in the session log only: a console open for days keeps
        // no more than the calls in progress.
        let Some(call) = self.calls.remove(&id) else { return };
        // Its connection (if still open) may bring another call, or a callback request.
        if let Some(c) = call.conn
            && let Some(Conn::Ready { call: on, .. }) = self.conns.get_mut(&c)
            && *on == Some(id)
        {
            *on = None;
        }
        if let Some(i) = call.script {
            self.score(i, now, Some(&call));
        }
    }
}

/// Most path steps of a handoff the console keeps (the first ones, and a last line saying so):
/// as many as a call keeps of its own path ([`crate::engine::MAX_PATH_STEPS`]), so a handoff
/// from ivrsim's own engine always arrives whole.
pub const MAX_PATH_STEPS: usize = crate::engine::MAX_PATH_STEPS;

/// Most lines of conversation a call keeps; later ones are shown but not kept.
pub const MAX_TRANSCRIPT: usize = 1000;

/// A handoff from the other side of a connection, made safe to show and keep: every text
/// on one line without control characters and at most 200 characters, at most
/// [`MAX_PATH_STEPS`] path steps and 200 variables.
fn sanitize(mut h: Handoff) -> Handoff {
    let clean = |s: &str| -> String { printable_line(s).chars().take(200).collect() };
    h.node = clean(&h.node);
    h.queue = printable_line(&h.queue).chars().take(80).collect();
    h.language = clean(&h.language);
    h.variables = h
        .variables
        .iter()
        .take(200)
        .map(|(k, v)| (clean(k), clean(v)))
        .collect();
    if h.path.len() > MAX_PATH_STEPS {
        let more = h.path.len() - MAX_PATH_STEPS;
        h.path.truncate(MAX_PATH_STEPS);
        if let Some(last) = h.path.last().cloned() {
            h.path.push(crate::engine::StepRecord {
                event: format!("({more} more steps not kept)"),
                ..last
            });
        }
    }
    for step in &mut h.path {
        step.node = clean(&step.node);
        step.event = clean(&step.event);
    }
    h
}

/// A session-log record: the fields of `value` (an object) and `"type": kind`, the kind of
/// record: `call`, `callback`, `scorecard` or `shift` (docs/operator-protocol.md).
pub fn log_record(kind: &str, value: &impl Serialize) -> serde_json::Value {
    let mut rec = match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    rec.insert("type".into(), kind.into());
    serde_json::Value::Object(rec)
}

fn one_line(s: &str, max: usize) -> String {
    let s = printable_line(s);
    if s.chars().count() <= max {
        s.into_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// What the call-taker sees on answering: the IVR's screen pop, with the time waiting (in
/// the queue the call is in now, from joining it to the answer; docs/call-semantics.md, "Times").
pub fn screen_pop(call: &CallRecord, now: Duration) -> Vec<String> {
    let mut pop = ScreenPop::from_handoff(&call.handoff);
    pop.call = Some((call.id, &call.caller));
    pop.now_in = (call.queue != call.handoff.queue).then_some(call.queue.as_str());
    pop.waiting = Some(call.answered_here.unwrap_or(now).saturating_sub(call.joined));
    pop.notes = &call.notes;
    pop.hint = true;
    pop.lines()
}

#[cfg(test)]
mod tests;
