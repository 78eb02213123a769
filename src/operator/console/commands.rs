//! What the call-taker types at the console: `:commands`, and words to the caller.

use std::time::Duration;

use super::*;

impl Console {
    /// A line the call-taker typed at `now`: a `:command`, or words to the caller.
    pub fn command(&mut self, now: Duration, line: &str) {
        let line = line.trim();
        if line.is_empty() {
            // Enter on an empty line: where the shift stands (nothing without one).
            self.show_status(now);
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
                Err(e) => self.show(format!("! `:wait {}`: {e} (e.g. `:wait 30s`)", printable_line(rest))),
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
                    printable_line(other)
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
        call.keep(Said {
            at: now,
            who: "call-taker",
            text: text.clone(),
            keys: false,
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
            call.keep(Said {
                at: now,
                who: "caller",
                text: text.clone(),
                keys: false,
            });
            self.show(format!("  caller: {text}"));
        }
    }

    fn list(&mut self, now: Duration) {
        let mut v = Vec::new();
        if let Some(status) = self.shift_status(now) {
            self.status_shown = now;
            v.push(status);
        }
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
                    duration_text(now.saturating_sub(c.joined)),
                    one_line(&route_of(&c.handoff.path), 60)
                ));
            }
        }
        if !self.callbacks.is_empty() {
            v.push(format!("callback requests: {}", self.callbacks.len()));
            for r in &self.callbacks {
                let urgency = if r.priority == crate::menu::Priority::Normal {
                    String::new()
                } else {
                    format!(" ({} priority)", r.priority.name())
                };
                v.push(format!("  {} for `{}`: {}{urgency}", r.caller, r.queue, r.number));
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
                        printable_line(arg)
                    ));
                    return;
                }
            }
        };
        let Some(w) = taken else {
            self.show(if arg.is_empty() {
                "no calls waiting".to_owned()
            } else {
                format!("! no call {} waiting (`:queue` lists them)", printable_line(arg))
            });
            return;
        };
        let id = w.id;
        let operator = self.config.operator.clone();
        let Some(call) = self.calls.get_mut(&id) else { return };
        call.state = CallState::Talking;
        call.answered.get_or_insert(now);
        call.answered_here = Some(now);
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
        call.keep(Said {
            at: now,
            who: "call-taker",
            text: format!("({what})"),
            keys: false,
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
                printable_line(queue),
                self.config.queues.join(", ")
            ));
            return;
        }
        match self.queues.rejoin(id, queue, priority, now, ()) {
            Ok(_) => {
                let call = self.calls.get_mut(&id).expect("present");
                call.keep(Said {
                    at: now,
                    who: "call-taker",
                    text: format!("(transferred to `{queue}`)"),
                    keys: false,
                });
                call.queue = queue.to_owned();
                call.state = CallState::Waiting;
                call.joined = now;
                call.answered_here = None;
                call.told = None;
                self.active = None;
                self.show(format!("call {id} now waits in `{queue}`, with its record and notes"));
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
            let cut = text.chars().count() > MAX_SAY;
            self.show(if cut {
                format!("noted {field} (its first {MAX_SAY} characters: a note is at most that long)")
            } else {
                format!("noted {field}")
            });
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
                v.push(format!("! `{}` is not a disposition code{hint}", printable_line(code)));
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
        self.show(format!(
            "call {id} ended: {code} (handled in {})",
            duration_text(handled)
        ));
        self.finish(now, id, "completed");
        if self.status_due().is_some() {
            self.show_status(now); // idle again, with calls to come
        }
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
