//! A simulated caller's way through the menu: the intent's steps, with the caller's
//! mistakes, performed on a [`VirtualCaller`] exactly as a scenario's caller performs them.

use crate::engine::{At, VirtualCaller};
use crate::scenario::{Step, StepKind};

/// Performs one caller action of a scenario step on `caller` (what `ivrsim test` does for
/// it): `press` (at the caller's turn, or `at` into the prompt playing, keys `gap` apart),
/// `say`, `silence` (for a time, or until the next time-out) and `hangup`. Expectations and
/// operator steps do nothing here (a traffic file has none).
pub fn perform(caller: &mut VirtualCaller<'_>, step: &Step) {
    match &step.kind {
        StepKind::Press { keys, at, gap } => caller.press_spaced(At::from_offset(*at), keys, *gap),
        StepKind::Say { words, at } => caller.say(At::from_offset(*at), words),
        StepKind::Silence(d) => caller.silence(*d),
        StepKind::Hangup { at } => caller.hang_up(At::from_offset(*at)),
        StepKind::Expect(_) | StepKind::Operator(_) => {}
    }
}
