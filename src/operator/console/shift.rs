//! Training shifts at the console: scripted callers join their queues at their arrival,
//! answer the call-taker in persona, hang up when their patience runs out, and are scored
//! when their call ends; after the last one, the shift summary.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;

/// How often an idle training shift shows its status line (shift time).
pub const STATUS_EVERY: Duration = Duration::from_secs(30);

impl Console {
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
    /// its queue, or running out of patience, or the next idle status line; `None`: nothing
    /// is due.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.shift
            .iter()
            .filter_map(|s| self.deadline(s))
            .chain(self.status_due())
            .min()
    }

    /// The shift's status, while calls are still to come: `shift 2:10 · next call in 0:40`
    /// (shift time, and the time until the next scripted caller joins its queue, both as
    /// [`duration_text`]). `None` without a shift, or once every call has come.
    pub fn shift_status(&self, now: Duration) -> Option<String> {
        let next = self.next_arrival()?;
        Some(format!(
            "shift {} · next call in {}",
            duration_text(now),
            duration_text(next.saturating_sub(now))
        ))
    }

    /// When the next scripted caller joins its queue.
    fn next_arrival(&self) -> Option<Duration> {
        self.shift
            .iter()
            .filter(|s| s.id.is_none() && s.card.is_none() && !s.skipped)
            .map(|s| s.joins_at)
            .min()
    }

    /// Idle (no call taken, none waiting) with calls to come: the status line is due every
    /// [`STATUS_EVERY`] after it was last shown.
    pub(super) fn status_due(&self) -> Option<Duration> {
        let idle = self.active.is_none() && self.queues.is_empty() && !self.shift_over;
        (idle && self.next_arrival().is_some()).then(|| self.status_shown.saturating_add(STATUS_EVERY))
    }

    /// Shows the shift's status line at `now`, if there is one.
    pub(super) fn show_status(&mut self, now: Duration) {
        if let Some(line) = self.shift_status(now) {
            self.status_shown = now;
            self.show(line);
        }
    }

    /// When a waiting call reaches its queue's `max_wait` (the menu's `queues:`), if it has one.
    fn queue_limit(&self, c: &CallRecord) -> Option<Duration> {
        self.config.max_wait.get(&c.queue).map(|m| c.joined.saturating_add(*m))
    }

    fn deadline(&self, s: &Scripted) -> Option<Duration> {
        if s.card.is_some() || s.skipped {
            return None; // over: scored, turned away, or not arrived when the shift ended
        }
        match s.id {
            None => Some(s.joins_at),
            Some(id) => {
                let c = self.calls.get(&id)?;
                (c.state == CallState::Waiting && c.answered.is_none()).then(|| {
                    let patience = c.joined.saturating_add(s.call.persona.patience);
                    self.queue_limit(c).map_or(patience, |l| l.min(patience))
                })
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
            // A caller joining at the same time as the status line comes first.
            if let Some(t) = self
                .status_due()
                .filter(|t| *t <= now && due.is_none_or(|(d, _)| *t < d))
            {
                self.show_status(t);
                continue;
            }
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
                    let limit = self.calls.get(&id).and_then(|c| self.queue_limit(c));
                    if let Some(l) = limit
                        && l <= t
                    {
                        let max = self
                            .config
                            .max_wait
                            .get(&self.calls[&id].queue)
                            .copied()
                            .unwrap_or_default();
                        self.caller_gone(
                            t,
                            id,
                            &format!(
                                "the caller waited the queue's longest wait ({}): the IVR's plan takes the call",
                                duration_text(max)
                            ),
                            "left",
                        );
                        continue;
                    }
                    self.caller_gone(
                        t,
                        id,
                        &format!("the caller hung up (patience {})", duration_text(patience)),
                        "abandoned",
                    );
                }
            }
        }
    }

    /// Scores scripted call `i` (ended at `now`; `call` is what the console saw, `None` if
    /// it never got a place); after the last one, the shift summary.
    pub(super) fn score(&mut self, i: usize, now: Duration, call: Option<&CallRecord>) {
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
        let mut rec = super::log_record("scorecard", &card);
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
    pub(super) fn summarize_shift(&mut self) {
        if !self.shift_over && !self.shift.is_empty() && self.shift.iter().all(|s| s.card.is_some() || s.skipped) {
            self.shift_over = true;
            let cards: Vec<Scorecard> = self.shift.iter().filter_map(|s| s.card.clone()).collect();
            let summary = ShiftSummary::new(&cards);
            let mut lines = vec![String::new(), "=== shift summary ===".to_owned()];
            lines.extend(summary.to_string().lines().map(str::to_owned));
            self.out.push_back(Output::Show(lines));
            let mut rec = super::log_record("shift", &summary);
            let not_arrived: Vec<&str> = self
                .shift
                .iter()
                .filter(|s| s.skipped)
                .map(|s| s.call.name.as_str())
                .collect();
            rec["not_arrived"] = serde_json::to_value(not_arrived).unwrap_or_default();
            self.out.push_back(Output::Record(rec));
        }
    }

    /// Whether a training shift was given and every call of it is over.
    pub fn shift_over(&self) -> bool {
        self.shift_over
    }
}
