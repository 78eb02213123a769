//! The call-taker console as a state machine: callers' messages and the call-taker's
//! commands in, [`Output`]s out (messages to send, lines to show, records to log), on the
//! console's clock (time since it started, passed in). No sockets, no terminal, no sleeping:
//! the server ([`super::server`]) and the console's REPL drive it, and tests drive it
//! directly.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use serde::Serialize;

use super::persona::Caller;
use super::protocol::{MAX_SAY, ToCaller, ToConsole};
use super::queue::{CallId, Queues};
use super::score::{Observed, Scorecard, ShiftSummary};
use super::training::TrainingCall;
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
    /// `:quit` was typed once with calls open.
    quit_armed: bool,
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
    (":logout", "stop taking calls (callers' `when_no_operator` plans run)"),
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
            shift: Vec::new(),
            shift_over: false,
            quit_armed: false,
        }
    }

    /// Adds a scripted caller to the shift: it joins its queue at its `arrival` plus its
    /// time in the IVR (`handoff.time_in_ivr`), answers the call-taker in persona, hangs up
    /// when its patience runs out unanswered, and is scored when it ends.
    pub fn add_scripted(&mut self, call: TrainingCall, handoff: Handoff) {
        let joins_at = call.arrival.saturating_add(handoff.time_in_ivr);
        let caller = Caller::new(&call);
        self.shift.push(Scripted {
            call,
            handoff,
            caller,
            joins_at,
            id: None,
            card: None,
            skipped: false,
        });
        self.shift.sort_by_key(|s| s.joins_at);
    }

    /// The scorecards of the shift's calls that are over, in arrival order.
    pub fn scorecards(&self) -> Vec<&Scorecard> {
        self.shift.iter().filter_map(|s| s.card.as_ref()).collect()
    }

    /// When the console next needs [`Console::handle_timeout`]: a scripted caller joining
    /// its queue, or running out of patience; `None`: nothing is due.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.shift.iter().filter_map(|s| self.deadline(s)).min()
    }

    fn deadline(&self, s: &Scripted) -> Option<Duration> {
        match s.id {
            None => Some(s.joins_at),
            Some(id) => {
                let c = self.calls.get(&id)?;
                (c.state == CallState::Waiting && c.answered.is_none())
                    .then(|| c.joined.saturating_add(s.call.persona.patience))
            }
        }
    }

    /// Time `now` has come: whatever was due happens, each at its own time, in order.
    pub fn handle_timeout(&mut self, now: Duration) {
        loop {
            let due = self
                .shift
                .iter()
                .enumerate()
                .filter_map(|(i, s)| self.deadline(s).map(|t| (t, i)))
                .min();
            let Some((t, i)) = due else { break };
            if t > now {
                break;
            }
            match self.shift[i].id {
                None => {
                    let s = &self.shift[i];
                    let (name, handoff) = (s.call.persona.name.clone(), s.handoff.clone());
                    match self.join(t, &name, None, handoff) {
                        Ok(id) => {
                            self.shift[i].id = Some(id);
                            if let Some(c) = self.calls.get_mut(&id) {
                                c.script = Some(i);
                            }
                        }
                        Err(why) => {
                            self.show(format!("{name} could not wait: {why}"));
                            self.score(i, t, None);
                        }
                    }
                }
                Some(id) => {
                    let patience = self.shift[i].call.persona.patience;
                    self.caller_gone(
                        t,
                        id,
                        &format!("the caller hung up (patience {})", secs(patience)),
                        "abandoned",
                    );
                }
            }
        }
    }

    /// Scores scripted call `i` (ended at `now`; `call` is what the console saw, `None` if
    /// it never got a place); after the last one, the shift summary.
    fn score(&mut self, i: usize, now: Duration, call: Option<&CallRecord>) {
        let s = &self.shift[i];
        let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut observed = Observed {
            arrived: s.joins_at,
            answered: None,
            ended: now,
            notes: BTreeMap::new(),
            questions: Vec::new(),
            disposition: None,
            abandoned: true,
        };
        if let Some(c) = call {
            for (f, t) in &c.notes {
                notes.entry(f.clone()).or_default().push(t.clone());
            }
            observed.answered = c.answered;
            // Hanging up unanswered is abandoning; still waiting when the shift ends is not.
            observed.abandoned = c.answered.is_none() && c.end.as_deref() == Some("abandoned");
            observed.notes = notes;
            observed.questions = c
                .transcript
                .iter()
                .filter(|l| l.who == "call-taker" && !l.text.starts_with('('))
                .map(|l| l.text.clone())
                .collect();
            observed.disposition = c.disposition.clone();
        }
        let card = Scorecard::new(&s.call, &observed);
        let mut lines = vec![String::new(), "--- scorecard ---".to_owned()];
        lines.extend(card.to_string().lines().map(str::to_owned));
        self.out.push_back(Output::Show(lines));
        let mut rec = serde_json::to_value(&card).unwrap_or_default();
        rec["record"] = "scorecard".into();
        rec["file"] = s.call.path.display().to_string().into();
        if let Some(c) = call {
            rec["transcript"] = serde_json::to_value(&c.transcript).unwrap_or_default();
        }
        self.out.push_back(Output::Record(rec));
        self.shift[i].card = Some(card);
        self.summarize_shift();
    }

    /// After the last call of the shift (scored, or not arrived when the shift ended): the
    /// shift summary, over the calls that arrived.
    fn summarize_shift(&mut self) {
        if !self.shift_over && !self.shift.is_empty() && self.shift.iter().all(|s| s.card.is_some() || s.skipped) {
            self.shift_over = true;
            let cards: Vec<Scorecard> = self.shift.iter().filter_map(|s| s.card.clone()).collect();
            let summary = ShiftSummary::new(&cards);
            let mut lines = vec![String::new(), "=== shift summary ===".to_owned()];
            lines.extend(summary.to_string().lines().map(str::to_owned));
            self.out.push_back(Output::Show(lines));
            let mut rec = serde_json::to_value(&summary).unwrap_or_default();
            rec["record"] = "shift".into();
            self.out.push_back(Output::Record(rec));
        }
    }

    /// Whether a training shift was given and every call of it is over.
    pub fn shift_over(&self) -> bool {
        self.shift_over
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
            ToConsole::Say { .. } if call.state == CallState::Held => {} // on hold: nobody hears it
            ToConsole::Say { text } => match call.state {
                CallState::Talking if self.active == Some(id) => {
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
                // Hanging up once answered is not abandoning: the caller was served.
                call.end = Some(if end == "abandoned" { "hung_up" } else { end }.to_owned());
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
        if let Some(i) = self.calls.get(&id).and_then(|c| c.script) {
            let call = self.calls.get(&id).cloned();
            self.score(i, now, call.as_ref());
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
        if !matches!(name, "quit" | "exit") {
            self.quit_armed = false;
        }
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
            "quit" | "exit" => {
                let open = self.calls.values().filter(|c| c.state != CallState::Ended).count();
                if open > 0 && !self.quit_armed {
                    self.quit_armed = true;
                    self.show(format!(
                        "! {open} call{} still open or waiting: they will hear that the console closed. `:quit` again to leave",
                        if open == 1 { " is" } else { "s are" }
                    ));
                } else {
                    self.close(now);
                }
            }
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
        if call.state == CallState::Held {
            self.show("! the caller is on hold and cannot hear you: `:resume` first");
            return;
        }
        let text: String = text.chars().take(MAX_SAY).collect();
        call.transcript.push(Said {
            at: now,
            who: "call-taker",
            text: text.clone(),
        });
        let (conn, script) = (call.conn, call.script);
        self.send(conn, ToCaller::Say { text: text.clone() });
        if let Some(i) = script {
            let reply = self.shift[i].caller.reply(&text).text;
            self.caller_says(now, id, reply);
        }
    }

    /// A scripted caller says `text`.
    fn caller_says(&mut self, now: Duration, id: CallId, text: String) {
        if let Some(call) = self.calls.get_mut(&id) {
            call.transcript.push(Said {
                at: now,
                who: "caller",
                text: text.clone(),
            });
            self.show(format!("  caller: {text}"));
        }
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
                "     {:>4}  {:<12} {:<8} {:>6}  path   (in answer order: highest priority, then longest wait)",
                "call", "queue", "priority", "wait"
            ));
            for (i, (q, w)) in self.queues.in_answer_order().into_iter().enumerate() {
                let Some(c) = self.calls.get(&w.id) else { continue };
                v.push(format!(
                    "{} {:>4}  {:<12} {:<8} {:>6}  {}",
                    if i == 0 { "next" } else { "    " },
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
        let script = call.script;
        let first = call.transcript.is_empty();
        self.active = Some(id);
        self.send(conn, ToCaller::Answered { operator });
        self.out.push_back(Output::Show(lines));
        self.tell_positions(&queue);
        if let Some(i) = script {
            let words = if first {
                self.shift[i].caller.greeting()
            } else {
                "Hello? Yes, I'm still here.".to_owned()
            };
            self.caller_says(now, id, words);
        }
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
            self.show(if hold {
                "! the call is already on hold"
            } else {
                "! the call is not on hold"
            });
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
        if !self.config.queues.is_empty() && !self.config.queues.iter().any(|q| q == queue) {
            let hint = crate::menu::load::suggest(queue, self.config.queues.iter().map(String::as_str))
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            self.show(format!(
                "! no queue `{}`{hint} (queues: {})",
                printable(queue),
                self.config.queues.join(", ")
            ));
            return;
        }
        match self.queues.rejoin(id, queue, priority, now, ()) {
            Ok(_) => {
                let call = self.calls.get_mut(&id).expect("present");
                call.transcript.push(Said {
                    at: now,
                    who: "call-taker",
                    text: format!("(transferred to `{queue}`)"),
                });
                call.queue = queue.to_owned();
                call.state = CallState::Waiting;
                call.joined = now;
                call.told = None;
                self.active = None;
                self.show(format!("call {id} is back in `{queue}`, with its record and notes"));
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
        self.show(format!("call {id} ended: {code} (handled in {})", secs(handled)));
        self.finish(now, id, "completed");
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
            "logged out: waiting and new callers are told no call-taker is logged in, and their transfer's `when_no_operator` plan runs"
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

    /// Closes the console at `now` (`:quit`, the end of its input, a signal): waiting callers
    /// hear that nobody is available, a call in progress is cut off, scripted calls still to
    /// come are scored as unanswered.
    pub fn close(&mut self, now: Duration) {
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
        // Scripted callers who had not arrived yet are not scored.
        let pending: Vec<usize> = (0..self.shift.len())
            .filter(|&i| self.shift[i].id.is_none() && self.shift[i].card.is_none())
            .collect();
        if !pending.is_empty() {
            let names: Vec<String> = pending.iter().map(|&i| self.shift[i].call.name.clone()).collect();
            self.show(format!(
                "the shift ended before {} call{} arrived (not scored): {}",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join("; ")
            ));
            for i in pending {
                self.shift[i].skipped = true;
            }
            self.summarize_shift();
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
    if call.queue != call.handoff.queue {
        v.insert(
            3,
            format!(
                "now in: {} (put back by a call-taker; the IVR sent it to {})",
                printable(&call.queue),
                printable(&call.handoff.queue)
            ),
        );
    }
    v.push("(type to speak to the caller; `:note FIELD TEXT`, `:end DISPOSITION`)".into());
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::HandoffReason;
    use crate::menu::Priority;

    fn console() -> Console {
        Console::new(ConsoleConfig {
            operator: "Sam".into(),
            name: "test".into(),
            dispositions: Vec::new(),
            max_waiting: Some(3),
            token: Some("s3cret".into()),
            queues: Vec::new(),
        })
    }

    fn handoff(queue: &str, priority: Priority) -> Handoff {
        Handoff {
            node: "t".into(),
            queue: queue.into(),
            priority,
            reason: HandoffReason::Chosen,
            path: Vec::new(),
            variables: Default::default(),
            language: "en".into(),
            time_in_ivr: Duration::from_secs(10),
        }
    }

    fn drain(c: &mut Console) -> Vec<Output> {
        std::iter::from_fn(|| c.poll_output()).collect()
    }

    fn sent(out: &[Output], conn: ConnId) -> Vec<ToCaller> {
        out.iter()
            .filter_map(|o| match o {
                Output::Send(c, m) if *c == conn => Some(m.clone()),
                _ => None,
            })
            .collect()
    }

    /// Connects `conn`, says hello with the token and joins `queue` at second `t`.
    fn caller(c: &mut Console, conn: ConnId, t: u64, queue: &str, priority: Priority) -> Vec<Output> {
        c.connected(conn);
        let now = Duration::from_secs(t);
        c.message(
            now,
            conn,
            ToConsole::Hello {
                caller: format!("c{conn}"),
                token: Some("s3cret".into()),
            },
        );
        c.message(
            now,
            conn,
            ToConsole::Join {
                handoff: handoff(queue, priority),
            },
        );
        drain(c)
    }

    fn waiting(queue: &str, position: usize) -> ToCaller {
        ToCaller::Waiting {
            queue: queue.into(),
            position,
            staffed: true,
        }
    }

    #[test]
    fn calls_are_answered_by_priority_then_arrival_and_positions_follow() {
        let mut c = console();
        let o = caller(&mut c, 1, 0, "reports", Priority::Normal);
        assert!(sent(&o, 1).contains(&waiting("reports", 1)));
        caller(&mut c, 2, 1, "reports", Priority::Normal);
        let o = caller(&mut c, 3, 2, "reports", Priority::Urgent);
        // The urgent call goes ahead: the two before it move back.
        assert_eq!(
            sent(&o, 3),
            vec![ToCaller::Welcome { console: "test".into() }, waiting("reports", 1)]
        );
        assert_eq!(sent(&o, 1), vec![waiting("reports", 2)]);
        assert_eq!(sent(&o, 2), vec![waiting("reports", 3)]);
        c.command(Duration::from_secs(5), ":answer");
        let o = drain(&mut c);
        assert_eq!(sent(&o, 3), vec![ToCaller::Answered { operator: "Sam".into() }]);
        assert_eq!(sent(&o, 1), vec![waiting("reports", 1)]);
        c.command(Duration::from_secs(6), ":end nope");
        assert!(c.active().is_some(), "an unknown code does not end the call");
        c.command(Duration::from_secs(7), ":end resolved");
        let o = drain(&mut c);
        assert!(sent(&o, 3).contains(&ToCaller::Ended {
            disposition: "resolved".into()
        }));
        assert!(
            o.iter()
                .any(|o| matches!(o, Output::Record(r) if r["record"] == "call"))
        );
        c.command(Duration::from_secs(8), ":answer");
        assert_eq!(
            sent(&drain(&mut c), 1),
            vec![ToCaller::Answered { operator: "Sam".into() }]
        );
    }

    #[test]
    fn a_full_queue_refuses_and_a_hang_up_moves_the_others_up() {
        let mut c = console();
        for conn in 1..=3 {
            caller(&mut c, conn, conn, "q", Priority::Normal);
        }
        let o = caller(&mut c, 4, 4, "q", Priority::Normal);
        assert!(matches!(sent(&o, 4).last(), Some(ToCaller::Unavailable { .. })));
        c.message(Duration::from_secs(5), 1, ToConsole::Hangup);
        let o = drain(&mut c);
        assert_eq!(sent(&o, 2), vec![waiting("q", 1)]);
        assert_eq!(sent(&o, 3), vec![waiting("q", 2)]);
        c.gone(Duration::from_secs(6), 2, "closed the connection");
        assert_eq!(sent(&drain(&mut c), 3), vec![waiting("q", 1)]);
        assert_eq!(c.waiting(), 1);
    }

    #[test]
    fn a_wrong_token_or_no_hello_closes_the_connection() {
        let mut c = console();
        c.connected(1);
        c.message(
            Duration::ZERO,
            1,
            ToConsole::Hello {
                caller: "x".into(),
                token: Some("guess".into()),
            },
        );
        let o = drain(&mut c);
        assert!(matches!(&sent(&o, 1)[0], ToCaller::Error { code, fatal: true, .. } if code == "token"));
        assert!(o.contains(&Output::Close(1)));
        c.connected(2);
        c.message(Duration::ZERO, 2, ToConsole::Say { text: "hi".into() });
        assert!(drain(&mut c).contains(&Output::Close(2)));
        // A bad line is an error reply; the connection stays.
        let _ = caller(&mut c, 3, 0, "q", Priority::Low);
        c.bad_message(3, "malformed", "not JSON".into());
        let o = drain(&mut c);
        assert!(matches!(&sent(&o, 3)[0], ToCaller::Error { fatal: false, .. }));
        assert!(!o.contains(&Output::Close(3)));
    }

    #[test]
    fn transfer_puts_the_call_in_another_queue_with_its_record_and_logout_tells_the_waiting() {
        let mut c = console();
        caller(&mut c, 1, 0, "reports", Priority::High);
        c.command(Duration::from_secs(1), ":answer");
        c.command(Duration::from_secs(2), ":note where Harbour Road 14");
        c.command(Duration::from_secs(3), ":transfer national");
        let o = drain(&mut c);
        assert_eq!(sent(&o, 1).last(), Some(&waiting("national", 1)));
        assert!(c.active().is_none());
        let call = c.calls().values().find(|r| r.queue == "national").expect("moved");
        assert_eq!(call.notes, vec![("where".to_owned(), "Harbour Road 14".to_owned())]);
        assert_eq!(call.handoff.priority, Priority::High);
        c.command(Duration::from_secs(4), ":logout");
        let o = drain(&mut c);
        assert_eq!(
            sent(&o, 1),
            vec![ToCaller::Waiting {
                queue: "national".into(),
                position: 1,
                staffed: false
            }]
        );
        c.command(Duration::from_secs(5), ":answer");
        assert!(c.active().is_none(), "logged out: no answering");
    }

    #[test]
    fn the_caller_and_the_call_taker_talk_and_a_lost_line_is_told() {
        let mut c = console();
        caller(&mut c, 1, 0, "q", Priority::Normal);
        c.message(Duration::from_secs(1), 1, ToConsole::Say { text: "early".into() });
        assert!(
            matches!(&sent(&drain(&mut c), 1)[0], ToCaller::Error { .. }),
            "nobody answered yet"
        );
        c.command(Duration::from_secs(2), ":answer");
        c.command(Duration::from_secs(3), "Where are you?");
        let o = drain(&mut c);
        assert!(sent(&o, 1).contains(&ToCaller::Say {
            text: "Where are you?".into()
        }));
        c.message(Duration::from_secs(4), 1, ToConsole::Say { text: "At home".into() });
        let o = drain(&mut c);
        assert!(o.contains(&Output::Show(vec!["  caller: At home".into()])));
        c.gone(Duration::from_secs(5), 1, "no word for 6 s");
        let o = drain(&mut c);
        assert!(
            o.iter()
                .any(|o| matches!(o, Output::Show(v) if v[0].contains("line was lost (no word for 6 s)"))),
            "{o:?}"
        );
        c.command(Duration::from_secs(6), ":end no_action");
        let rec = drain(&mut c)
            .into_iter()
            .find_map(|o| match o {
                Output::Record(r) => Some(r),
                _ => None,
            })
            .expect("record");
        assert_eq!(rec["end"], "lost");
        assert_eq!(rec["transcript"].as_array().map(Vec::len), Some(2));
    }
}
