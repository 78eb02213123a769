//! How a call looks on screen: prompts as captions (node id, then the words), what the line
//! did with the caller's input, the call-taker's screen pop on handoff, and the summary.
//! Plain text, the same in the terminal and in a pipe (where it is the transcript).

use std::fmt::Write as _;
use std::time::Duration;

use crate::engine::{Effect, Handoff, Outcome, PromptRole, StepRecord, Summary};
use crate::source::printable_line;
use crate::timing::duration_text;

/// Text from the menu or the other side of the line, made safe for one line of the screen
/// ([`printable_line`], with line breaks and tabs shown as spaces).
pub(crate) fn printable(s: &str) -> String {
    printable_line(&s.replace(['\n', '\r', '\t'], " ")).into_owned()
}

/// `mm:ss.s` of a call time, `h:mm:ss.s` from an hour on.
pub fn clock(t: Duration) -> String {
    let tenths = (t.as_millis() + 50) / 100; // rounded, like the seconds in the path
    let (h, m, s, d) = (tenths / 36_000, (tenths / 600) % 60, (tenths / 10) % 60, tenths % 10);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{d}")
    } else {
        format!("{m:02}:{s:02}.{d}")
    }
}

/// A time on the call's clock, as the path shows it (`12.3 s`): where a step happened, not a
/// duration (durations are [`duration_text`]).
fn secs(t: Duration) -> String {
    format!("{:.1} s", t.as_secs_f64())
}

/// The lines to show for one effect (none for tones and stops).
pub fn lines(effect: &Effect) -> Vec<String> {
    match effect {
        Effect::StartPrompt(p) => {
            let role = match &p.role {
                PromptRole::Main => String::new(),
                PromptRole::NoInput(n) => format!(" (no input {n})"),
                PromptRole::NoMatch(n) => format!(" (no match {n})"),
                PromptRole::Goodbye => " (goodbye)".into(),
                PromptRole::Hold(n) => format!(" (hold {n})"),
            };
            vec![format!(
                "[{}] {}{role}: {}",
                clock(p.at),
                printable(&p.node),
                printable(&p.text)
            )]
        }
        Effect::Caption { text, .. } => vec![format!("           · {}", printable(text))],
        Effect::Handoff(h) => screen_pop(h),
        Effect::Hangup { at } => vec![format!("[{}] the line hangs up", clock(*at))],
        Effect::Ended(s) => summary(s),
        Effect::LeftQueue { at, queue, reason } => vec![format!(
            "[{}] the call leaves the `{}` queue: {}",
            clock(*at),
            printable(queue),
            printable(reason)
        )],
        Effect::CallbackRequested { at, queue, number, .. } => vec![format!(
            "[{}] callback requested for the `{}` queue: {}",
            clock(*at),
            printable(queue),
            printable(number)
        )],
        Effect::StopPrompt { .. } | Effect::DtmfTone { .. } | Effect::Moved { .. } => Vec::new(),
    }
}

pub(crate) fn path_lines(path: &[StepRecord]) -> Vec<String> {
    let w = path
        .iter()
        .map(|s| printable(&s.node).chars().count())
        .max()
        .unwrap_or(4);
    path.iter()
        .map(|s| {
            format!(
                "  {:>8}  {:<w$}  {}",
                secs(s.at),
                printable(&s.node),
                printable(&s.event)
            )
        })
        .collect()
}

/// The call-taker's screen pop: what they see when the call is handed over (the IVR's
/// [`ScreenPop`](super::screen_pop::ScreenPop)).
pub fn screen_pop(h: &Handoff) -> Vec<String> {
    super::screen_pop::ScreenPop::from_handoff(h).lines()
}

/// The end-of-call summary.
pub fn summary(s: &Summary) -> Vec<String> {
    let outcome = match &s.outcome {
        Outcome::Transferred {
            queue,
            priority,
            reason,
        } => {
            // `normal priority`, but `priority 2` for a level without a name.
            let name = priority.name();
            let priority = if name.bytes().all(|b| b.is_ascii_digit()) {
                format!("priority {name}")
            } else {
                format!("{name} priority")
            };
            format!(
                "transferred to queue {} ({priority}, {})",
                printable(queue),
                reason.name()
            )
        }
        Outcome::HungUp { reason } => format!("ended by the line ({})", printable(reason)),
        Outcome::RetriesExhausted { node } => format!("ended after too many failed tries at `{}`", printable(node)),
        Outcome::Abandoned => "the caller hung up".into(),
        Outcome::CutOff { why } => format!("cut off: the line to the call-taker was lost ({})", printable(why)),
        Outcome::NoOperator { queue } => format!("no call-taker could take it (queue {})", printable(queue)),
        Outcome::Failed { error } => format!("the menu failed: {}", printable(error)),
        Outcome::External { app, name } => format!("handed to {} `{}` (by design)", app.name(), printable(name)),
    };
    let mut line = match (s.time_waiting, s.time_to_operator) {
        // On an operator line the call went on past the IVR: its length is not time in the IVR.
        (Some(_), Some(t)) => format!(
            "keys pressed: {}   time in IVR (to the operator): {}   call length: {}",
            s.keys_pressed,
            duration_text(t),
            duration_text(s.time_in_ivr)
        ),
        _ => format!(
            "keys pressed: {}   time in IVR: {}",
            s.keys_pressed,
            duration_text(s.time_in_ivr)
        ),
    };
    if let (None, Some(t)) = (s.time_waiting, s.time_to_operator) {
        let _ = write!(line, "   time to operator: {}", duration_text(t));
    }
    if let Some(t) = s.time_waiting {
        let what = if s.answered {
            "time to answer"
        } else {
            "waited unanswered"
        };
        let _ = write!(line, "   {what}: {}", duration_text(t));
    }
    if let Some(d) = &s.disposition {
        let _ = write!(line, "   disposition: {}", printable(d));
    }
    vec![
        String::new(),
        format!("=== call over: {outcome} ==="),
        format!("path: {}", printable(&crate::engine::route_of(&s.path))),
        line,
    ]
}
