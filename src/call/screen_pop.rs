//! The call-taker's screen pop: what a call-taker sees of a handed-off call, as one struct
//! rendered by one function ([`ScreenPop::lines`]).
//!
//! The IVR's pop (shown at the handoff in a rehearsal and its transcript) is built from the
//! [`Handoff`] alone ([`ScreenPop::from_handoff`]); the console sets the fields only it knows
//! (its call number and the caller's name, the queue the call is in now, the time waiting,
//! the notes, its hint) and renders the same struct, so no one edits another's lines.

use std::collections::BTreeMap;
use std::time::Duration;

use super::render::{path_lines, printable};
use crate::engine::{Handoff, HandoffReason, StepRecord};
use crate::menu::Priority;
use crate::source::printable_line;
use crate::timing::duration_text;

/// The console's hint under its screen pop.
pub const CONSOLE_HINT: &str = "(type to speak to the caller; `:note FIELD TEXT`, `:end DISPOSITION`)";

/// What a call-taker sees of a handed-off call. Lines, in order: a blank line, the heading
/// (the console's call number and caller, or the IVR's "handed to an operator"), queue,
/// priority and reason, the queue the call is in now (when put back in another), language and
/// time in the IVR, the time waiting (console), the collected variables, the path, the notes
/// (console), the console's hint. Text from files or from the caller is made printable.
#[derive(Clone, Debug)]
pub struct ScreenPop<'a> {
    /// The console's number for the call and the caller's name (`=== call 3 from Ada: screen
    /// pop ===`); `None`: the IVR's heading.
    pub call: Option<(u64, &'a str)>,
    /// The queue the IVR sent the call to.
    pub queue: &'a str,
    /// The queue the call is in now, when a call-taker put it back in another one.
    pub now_in: Option<&'a str>,
    /// Its priority in the queue.
    pub priority: Priority,
    /// Why the IVR handed it over.
    pub reason: HandoffReason,
    /// The call's language tag.
    pub language: &'a str,
    /// Time from the start of the call to the handoff (shown as [`duration_text`]).
    pub time_in_ivr: Duration,
    /// Time waiting in the queue the call is in now, from joining it to the answer (console;
    /// docs/call-semantics.md, "Times").
    pub waiting: Option<Duration>,
    /// Collected and preset variables.
    pub variables: &'a BTreeMap<String, String>,
    /// The call's way through the IVR.
    pub path: &'a [StepRecord],
    /// The call-taker's notes (`:note FIELD TEXT`), in order.
    pub notes: &'a [(String, String)],
    /// Ends with the console's [`CONSOLE_HINT`].
    pub hint: bool,
}

impl<'a> ScreenPop<'a> {
    /// The IVR's screen pop of `h`: no console fields.
    pub fn from_handoff(h: &'a Handoff) -> Self {
        ScreenPop {
            call: None,
            queue: &h.queue,
            now_in: None,
            priority: h.priority,
            reason: h.reason,
            language: &h.language,
            time_in_ivr: h.time_in_ivr,
            waiting: None,
            variables: &h.variables,
            path: &h.path,
            notes: &[],
            hint: false,
        }
    }

    /// The lines to show, in the order of [`ScreenPop`]'s fields.
    pub fn lines(&self) -> Vec<String> {
        let mut v = vec![String::new()];
        v.push(match self.call {
            Some((id, caller)) => format!("=== call {id} from {}: screen pop ===", printable_line(caller)),
            None => "=== handed to an operator: what the call-taker sees ===".to_owned(),
        });
        v.push(format!(
            "queue: {}   priority: {}   reason: {}",
            printable(self.queue),
            self.priority.name(),
            self.reason.name()
        ));
        if let Some(now_in) = self.now_in {
            v.push(format!(
                "now in: {} (put back by a call-taker; the IVR sent it to {})",
                printable_line(now_in),
                printable_line(self.queue)
            ));
        }
        v.push(format!(
            "language: {}   time in IVR: {}",
            self.language,
            duration_text(self.time_in_ivr)
        ));
        if let Some(waited) = self.waiting {
            v.push(format!("time waiting: {}", duration_text(waited)));
        }
        if self.variables.is_empty() {
            v.push("collected: nothing".into());
        } else {
            v.push("collected:".into());
            v.extend(
                self.variables
                    .iter()
                    .map(|(k, val)| format!("  {} = {}", printable(k), printable(val))),
            );
        }
        v.push("path:".into());
        v.extend(path_lines(self.path));
        if !self.notes.is_empty() {
            v.push("notes:".into());
            v.extend(self.notes.iter().map(|(f, t)| format!("  {f}: {}", printable_line(t))));
        }
        if self.hint {
            v.push(CONSOLE_HINT.into());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handoff() -> Handoff {
        Handoff {
            node: "t".into(),
            queue: "reports".into(),
            priority: Priority::Normal,
            reason: HandoffReason::Chosen,
            path: Vec::new(),
            variables: BTreeMap::new(),
            language: "en".into(),
            time_in_ivr: Duration::from_millis(9_600),
        }
    }

    #[test]
    fn the_ivrs_pop_has_no_console_fields() {
        let h = handoff();
        assert_eq!(
            ScreenPop::from_handoff(&h).lines(),
            [
                "",
                "=== handed to an operator: what the call-taker sees ===",
                "queue: reports   priority: normal   reason: chosen",
                "language: en   time in IVR: 0:10",
                "collected: nothing",
                "path:",
            ]
        );
    }

    /// The console used to take the IVR's lines and insert its own at fixed indices
    /// (`v[1] = …`, `v.insert(4, …)`, `v.insert(3, …)`), which panics, or puts a line in
    /// the wrong place, as soon as the IVR's pop has another shape. Now each field has its
    /// place: every combination of the console's fields renders, in order, around a pop with
    /// nothing collected and no path (the shortest the IVR makes).
    #[test]
    fn every_combination_of_console_fields_renders_in_its_place() {
        let h = handoff();
        let notes = [("where".to_owned(), "12 Main St".to_owned())];
        for mask in 0..32u32 {
            let on = |bit: u32| mask & (1 << bit) != 0;
            let mut pop = ScreenPop::from_handoff(&h);
            pop.call = on(0).then_some((7, "Ada"));
            pop.now_in = on(1).then_some("national");
            pop.waiting = on(2).then_some(Duration::from_secs(65));
            if on(3) {
                pop.notes = &notes;
            }
            pop.hint = on(4);
            let lines = pop.lines();
            let mut want = vec![String::new()];
            want.push(if on(0) {
                "=== call 7 from Ada: screen pop ===".into()
            } else {
                "=== handed to an operator: what the call-taker sees ===".into()
            });
            want.push("queue: reports   priority: normal   reason: chosen".into());
            if on(1) {
                want.push("now in: national (put back by a call-taker; the IVR sent it to reports)".into());
            }
            want.push("language: en   time in IVR: 0:10".into());
            if on(2) {
                want.push("time waiting: 1:05".into());
            }
            want.push("collected: nothing".into());
            want.push("path:".into());
            if on(3) {
                want.push("notes:".into());
                want.push("  where: 12 Main St".into());
            }
            if on(4) {
                want.push(CONSOLE_HINT.into());
            }
            assert_eq!(lines, want, "fields {mask:05b}");
        }
    }
}
