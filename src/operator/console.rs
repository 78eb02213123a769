//! The call-taker console as a state machine: callers' messages and the call-taker's
//! commands in, [`Output`]s out (messages to send, lines to show, records to log), on the
//! console's clock (time since it started, passed in). No sockets, no terminal, no sleeping:
//! the server ([`super::server`]) and the console's REPL drive it, and tests drive it
//! directly.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use serde::Serialize;

use super::protocol::{MAX_SAY, ToCaller, ToConsole};
use super::queue::{CallId, Queues};
use crate::engine::{Handoff, route_of};
use crate::source::printable;

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
    /// The token callers must present in `hello`, when set.
    pub token: Option<String>,
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

/// One line of a call's conversation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Said {
    /// Console time.
    #[serde(serialize_with = "crate::engine::ms_ser", rename = "at_ms")]
    pub at: Duration,
    /// `caller` or `call-taker`.
    pub who: &'static str,
    /// The words.
    pub text: String,
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
    /// When the call-taker answered.
    #[serde(serialize_with = "crate::engine::opt_ms_ser", rename = "answered_ms")]
    pub answered: Option<Duration>,
    /// When it ended.
    #[serde(serialize_with = "crate::engine::opt_ms_ser", rename = "ended_ms")]
    pub ended: Option<Duration>,
    /// How it ended: `completed`, `abandoned`, `left` (the IVR took it back), `lost`
    /// (the connection broke).
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
    /// The position last told to the caller.
    #[serde(skip)]
    told: Option<usize>,
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
}

#[derive(Debug)]
enum Conn {
    /// Connected; no `hello` yet.
    Greeting,
    /// Said hello.
    Ready { caller: String, call: Option<CallId> },
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
}

/// Console commands, for `:help` and completion.
pub const COMMANDS: [(&str, &str); 13] = [
    (":queue", "the calls waiting, and callback requests"),
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
    (":logout", "stop taking calls (callers hear that nobody is available)"),
    (":login", "take calls again"),
    (
        ":wait",
        "`:wait 30s`: let time pass (scripted consoles, in virtual time)",
    ),
    (":help", "this list"),
    (":quit", "leave (calls waiting hear that nobody is available)"),
];

fn secs(d: Duration) -> String {
    format!("{:.0} s", d.as_secs_f64())
}

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
        Console {
            config,
            queues,
            calls: BTreeMap::new(),
            conns: HashMap::new(),
            active: None,
            logged_in: true,
            callbacks: Vec::new(),
            out: VecDeque::new(),
        }
    }

    /// When the console next needs [`Console::handle_timeout`] (a scripted caller arriving
    /// or running out of patience); `None`: nothing is due.
    pub fn poll_timeout(&self) -> Option<Duration> {
        None
    }

    /// Time `now` has come: whatever was due happens.
    pub fn handle_timeout(&mut self, now: Duration) {
        let _ = now;
    }

    /// The next output, if any. Drivers drain this after every input.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// Every call the console has seen, by number.
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
                let caller: String = printable(&caller).chars().take(80).collect();
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
                    Err(why) => self.send(Some(conn), ToCaller::Unavailable { why }),
                }
            }
            (Conn::Ready { call: None, .. }, ToConsole::Callback { queue, number, .. }) => {
                let caller = match self.conns.get(&conn) {
                    Some(Conn::Ready { caller, .. }) => caller.clone(),
                    _ => String::new(),
                };
                self.callback(now, caller, queue, number);
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
            ToConsole::Say { text } => match call.state {
                CallState::Talking | CallState::Held if self.active == Some(id) => {
                    let text: String = printable(&text).chars().take(MAX_SAY).collect();
                    call.transcript.push(Said {
                        at: now,
                        who: "caller",
                        text: text.clone(),
                    });
                    self.show(format!("  caller: {text}"));
                }
                _ => self.refuse(conn, "unexpected", "nobody has answered yet".into(), false),
            },
            ToConsole::Leave { reason } => {
                if call.state == CallState::Waiting {
                    let r = printable(&reason).chars().take(200).collect::<String>();
                    self.show(format!("call {id} left its queue: {r}"));
                    self.finish(now, id, "left");
                }
            }
            ToConsole::Callback { queue, number, .. } => {
                let caller = call.caller.clone();
                self.callback(now, caller, queue, number);
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
                self.show(format!("call {id} left `{queue}` after {}: {what}", secs(waited)));
                self.finish(now, id, end);
            }
            CallState::Talking | CallState::Held => {
                call.caller_gone = true;
                call.end = Some(end.to_owned());
                self.show(format!("! {what}: wrap the call up with `:end DISPOSITION`"));
            }
            CallState::Ended => {}
        }
    }

    fn callback(&mut self, now: Duration, caller: String, queue: String, number: String) {
        let number: String = number.chars().filter(|c| c.is_ascii_digit()).take(32).collect();
        let queue: String = printable(&queue).chars().take(80).collect();
        self.show(format!("callback requested by {caller} for `{queue}`: {number}"));
        let req = CallbackRequest {
            at: now,
            caller,
            queue,
            number,
        };
        let mut rec = serde_json::to_value(&req).unwrap_or_default();
        rec["record"] = "callback".into();
        self.out.push_back(Output::Record(rec));
        self.callbacks.push(req);
    }

    /// Puts a handed-off call in its queue; its number, or why it cannot wait.
    fn join(&mut self, now: Duration, caller: &str, conn: Option<ConnId>, handoff: Handoff) -> Result<CallId, String> {
        let queue: String = printable(&handoff.queue).chars().take(80).collect();
        let (id, position) = self
            .queues
            .join(&queue, handoff.priority, now, ())
            .map_err(|e| e.to_string())?;
        let route = printable(&route_of(&handoff.path)).into_owned();
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
                answered: None,
                ended: None,
                end: None,
                disposition: None,
                notes: Vec::new(),
                transcript: Vec::new(),
                caller_gone: false,
                conn,
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
            .waiting()
            .filter(|(q, _)| *q == queue)
            .enumerate()
            .map(|(i, (_, w))| (w.id, i + 1))
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
        let mut rec = serde_json::to_value(&*call).unwrap_or_default();
        rec["record"] = "call".into();
        self.out.push_back(Output::Record(rec));
        if was_waiting {
            self.queues.take(id);
            self.tell_positions(&queue);
        }
        if self.active == Some(id) {
            self.active = None;
        }
    }

    // ------------------------------------------------------------------ call-taker

    /// A line the call-taker typed at `now`: a `:command`, or words to the caller.
    pub fn command(&mut self, now: Duration, line: &str) {
        let line = line.trim();
        if line.is_empty() {
            return;
        }
        let Some(cmd) = line.strip_prefix(':') else {
            self.say(now, line);
            return;
        };
        let (name, rest) = cmd.split_once(char::is_whitespace).unwrap_or((cmd, ""));
        let rest = rest.trim();
        match name.to_lowercase().as_str() {
            "queue" | "q" => self.list(now),
            "answer" | "a" => self.answer(now, rest),
            "hold" => self.hold(now, true),
            "resume" => self.hold(now, false),
            "transfer" => self.transfer(now, rest),
            "note" => self.note(rest),
            "end" => self.end(now, rest),
            "pop" => match self.active.and_then(|id| self.calls.get(&id)) {
                Some(c) => {
                    let lines = screen_pop(c, now);
                    self.out.push_back(Output::Show(lines));
                }
                None => self.show("no call: `:answer` one first"),
            },
            "logout" => self.login(false),
            "login" => self.login(true),
            "wait" => match crate::menu::parse_duration(rest) {
                Ok(d) if d <= Duration::from_secs(24 * 3600) => self.out.push_back(Output::Wait(d)),
                Ok(_) => self.show("! `:wait` takes at most 24h"),
                Err(e) => self.show(format!("! `:wait {rest}`: {e} (e.g. `:wait 30s`)")),
            },
            "help" | "h" | "?" => {
                let mut v = vec!["type words and Enter to speak to the caller; commands:".to_owned()];
                v.extend(COMMANDS.iter().map(|(c, what)| format!("  {c:<10} {what}")));
                self.out.push_back(Output::Show(v));
            }
            "quit" | "exit" => self.quit(now),
            other => {
                let names: Vec<&str> = COMMANDS.iter().map(|(c, _)| &c[1..]).collect();
                let hint = crate::menu::load::suggest(other, names)
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                self.show(format!(
                    "! unknown command `:{}`{hint} (`:help` lists them)",
                    printable(other)
                ));
            }
        }
    }

    fn say(&mut self, now: Duration, text: &str) {
        let Some(id) = self.active else {
            self.show("! no call: `:answer` one first (`:queue` shows who waits)");
            return;
        };
        let Some(call) = self.calls.get_mut(&id) else { return };
        if call.caller_gone {
            self.show("! the caller is gone: `:end DISPOSITION` to wrap up");
            return;
        }
        let text: String = text.chars().take(MAX_SAY).collect();
        call.transcript.push(Said {
            at: now,
            who: "call-taker",
            text: text.clone(),
        });
        let conn = call.conn;
        self.send(conn, ToCaller::Say { text });
    }

    fn list(&mut self, now: Duration) {
        let mut v = Vec::new();
        if let Some(c) = self.active.and_then(|id| self.calls.get(&id)) {
            let state = if c.state == CallState::Held {
                "on hold"
            } else {
                "talking"
            };
            v.push(format!("now: call {} from `{}` ({state})", c.id, c.queue));
        }
        if self.queues.is_empty() {
            v.push("no calls waiting".into());
        } else {
            v.push(format!(
                "{:>4}  {:<12} {:<8} {:>6}  path",
                "call", "queue", "priority", "wait"
            ));
            for (q, w) in self.queues.waiting() {
                let Some(c) = self.calls.get(&w.id) else { continue };
                v.push(format!(
                    "{:>4}  {:<12} {:<8} {:>6}  {}",
                    w.id,
                    q,
                    w.priority.name(),
                    secs(now.saturating_sub(c.joined)),
                    one_line(&route_of(&c.handoff.path), 60)
                ));
            }
        }
        if !self.callbacks.is_empty() {
            v.push(format!("callback requests: {}", self.callbacks.len()));
            for r in &self.callbacks {
                v.push(format!("  {} for `{}`: {}", r.caller, r.queue, r.number));
            }
        }
        if !self.logged_in {
            v.push("(logged out: `:login` to take calls)".into());
        }
        self.out.push_back(Output::Show(v));
    }

    fn answer(&mut self, now: Duration, arg: &str) {
        if let Some(id) = self.active {
            self.show(format!("! call {id} is still open: `:end DISPOSITION` first"));
            return;
        }
        if !self.logged_in {
            self.show("! logged out: `:login` first");
            return;
        }
        let taken = if arg.is_empty() {
            self.queues.answer_any()
        } else {
            match arg.trim_start_matches('#').parse::<CallId>() {
                Ok(id) => self.queues.take(id),
                Err(_) => {
                    self.show(format!(
                        "! `:answer {}`: give a call number from `:queue`",
                        printable(arg)
                    ));
                    return;
                }
            }
        };
        let Some(w) = taken else {
            self.show(if arg.is_empty() {
                "no calls waiting".to_owned()
            } else {
                format!("! no call {} waiting (`:queue` lists them)", printable(arg))
            });
            return;
        };
        let id = w.id;
        let operator = self.config.operator.clone();
        let Some(call) = self.calls.get_mut(&id) else { return };
        call.state = CallState::Talking;
        call.answered.get_or_insert(now);
        call.told = None;
        let queue = call.queue.clone();
        let conn = call.conn;
        let lines = screen_pop(call, now);
        self.active = Some(id);
        self.send(conn, ToCaller::Answered { operator });
        self.out.push_back(Output::Show(lines));
        self.tell_positions(&queue);
    }

    fn with_active(&mut self) -> Option<CallId> {
        let id = self.active;
        if id.is_none() {
            self.show("! no call: `:answer` one first");
        }
        id
    }

    fn hold(&mut self, now: Duration, hold: bool) {
        let Some(id) = self.with_active() else { return };
        let Some(call) = self.calls.get_mut(&id) else { return };
        let (from, to, msg, what) = if hold {
            (CallState::Talking, CallState::Held, ToCaller::Held, "on hold")
        } else {
            (CallState::Held, CallState::Talking, ToCaller::Resumed, "off hold")
        };
        if call.state != from {
            self.show(format!("! the call is not {}", if hold { "live" } else { "on hold" }));
            return;
        }
        call.state = to;
        call.transcript.push(Said {
            at: now,
            who: "call-taker",
            text: format!("({what})"),
        });
        let conn = call.conn;
        self.send(conn, msg);
        self.show(format!("call {id} {what}"));
    }

    fn transfer(&mut self, now: Duration, queue: &str) {
        let Some(id) = self.with_active() else { return };
        if queue.is_empty() || queue.chars().any(char::is_whitespace) || queue.chars().count() > 80 {
            self.show("! `:transfer QUEUE`: name one queue, e.g. `:transfer national`");
            return;
        }
        let Some(call) = self.calls.get(&id) else { return };
        if call.caller_gone {
            self.show("! the caller is gone: `:end DISPOSITION` to wrap up");
            return;
        }
        let priority = call.handoff.priority;
        match self.queues.join(queue, priority, now, ()) {
            Ok((ticket, _)) => {
                // The queue's ticket is the call's new number there; keep the record under it.
                let mut call = self.calls.remove(&id).expect("present");
                call.transcript.push(Said {
                    at: now,
                    who: "call-taker",
                    text: format!("(transferred to `{queue}`)"),
                });
                call.id = ticket;
                call.queue = queue.to_owned();
                call.state = CallState::Waiting;
                call.joined = now;
                call.told = None;
                let conn = call.conn;
                self.calls.insert(ticket, call);
                if let Some(c) = conn
                    && let Some(Conn::Ready { call, .. }) = self.conns.get_mut(&c)
                {
                    *call = Some(ticket);
                }
                self.active = None;
                self.show(format!(
                    "call {id} is back in `{queue}` as call {ticket}, with its record"
                ));
                self.tell_positions(queue);
            }
            Err(e) => self.show(format!("! {e}; the call stays with you")),
        }
    }

    fn note(&mut self, rest: &str) {
        let Some(id) = self.with_active() else { return };
        let (field, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let (field, text) = (field.trim().to_lowercase(), text.trim());
        if field.is_empty() || text.is_empty() {
            self.show("! `:note FIELD TEXT`, e.g. `:note where Harbour Road 14`");
            return;
        }
        if let Some(call) = self.calls.get_mut(&id) {
            call.notes.push((field.clone(), text.chars().take(MAX_SAY).collect()));
            self.show(format!("noted {field}"));
        }
    }

    fn end(&mut self, now: Duration, code: &str) {
        let Some(id) = self.with_active() else { return };
        let known = self.config.dispositions.iter().any(|(c, _)| c == code);
        if !known {
            let mut v = Vec::new();
            if !code.is_empty() {
                let hint = crate::menu::load::suggest(code, self.config.dispositions.iter().map(|(c, _)| c.as_str()))
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                v.push(format!("! `{}` is not a disposition code{hint}", printable(code)));
            }
            v.push("`:end CODE` with one of:".into());
            v.extend(self.config.dispositions.iter().map(|(c, d)| format!("  {c:<20} {d}")));
            self.out.push_back(Output::Show(v));
            return;
        }
        let Some(call) = self.calls.get_mut(&id) else { return };
        call.disposition = Some(code.to_owned());
        let conn = call.conn.take();
        let handled = call.answered.map(|a| now.saturating_sub(a)).unwrap_or_default();
        self.send(
            conn,
            ToCaller::Ended {
                disposition: code.to_owned(),
            },
        );
        self.finish(now, id, "completed");
        self.show(format!("call {id} ended: {code} (handled in {})", secs(handled)));
    }

    fn login(&mut self, on: bool) {
        if self.logged_in == on {
            self.show(if on { "already logged in" } else { "already logged out" });
            return;
        }
        self.logged_in = on;
        self.show(if on {
            "logged in: taking calls"
        } else {
            "logged out: callers hear that nobody is available"
        });
        let queues: Vec<String> = self.queues.waiting().map(|(q, _)| q.to_owned()).collect();
        for c in self.calls.values_mut() {
            c.told = None;
        }
        let mut seen = std::collections::BTreeSet::new();
        for q in queues {
            if seen.insert(q.clone()) {
                self.tell_positions(&q);
            }
        }
    }

    fn quit(&mut self, now: Duration) {
        // Waiting callers hear nobody is available; a call in progress is cut.
        let open: Vec<CallId> = self
            .calls
            .values()
            .filter(|c| c.state != CallState::Ended)
            .map(|c| c.id)
            .collect();
        for id in open {
            let conn = self.calls.get(&id).and_then(|c| c.conn);
            self.send(
                conn,
                ToCaller::Unavailable {
                    why: "the call-taker's console closed".into(),
                },
            );
            self.finish(now, id, "console_closed");
        }
        let conns: Vec<ConnId> = self.conns.keys().copied().collect();
        for c in conns {
            self.out.push_back(Output::Close(c));
        }
        self.conns.clear();
        self.out.push_back(Output::Quit);
    }
}

fn one_line(s: &str, max: usize) -> String {
    let s = printable(s);
    if s.chars().count() <= max {
        s.into_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// What the call-taker sees on answering: the IVR's screen pop, with the time waited.
pub fn screen_pop(call: &CallRecord, now: Duration) -> Vec<String> {
    let mut v = crate::call::render::screen_pop(&call.handoff);
    v[1] = format!("=== call {} from {}: screen pop ===", call.id, printable(&call.caller));
    let waited = call.answered.unwrap_or(now).saturating_sub(call.arrived);
    v.insert(4, format!("time waiting: {}", secs(waited)));
    v.push("(type to speak to the caller; `:note FIELD TEXT`, `:end DISPOSITION`)".into());
    v
}
