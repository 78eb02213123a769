//! `ivrsim call --save-scenario FILE`: the trainee's call written as a scenario that replays
//! it (`docs/scenario-format.md`): the keys (with `at:` when they barged in), words, silences
//! and hang-up, and the expectations of what happened.

use std::path::Path;
use std::time::Duration;

use crate::audio::ClipLibrary;
use crate::engine::{CallStart, CallTime, Effect, PathEvent, PathStep};
use crate::menu::Menu;
use crate::scenario::generate::{Act, Sim, menu_ref, q, schema_line, step_yaml};

/// A caller event of the real call.
enum Event {
    Keys(String),
    Say(String),
    Hangup,
}

/// The caller's events, in time order.
fn events(log: &[Effect], path: &[PathStep<'_>]) -> Vec<(CallTime, Event)> {
    let mut out: Vec<(CallTime, Event)> = Vec::new();
    for e in log {
        if let Effect::DtmfTone { at, key } = e {
            match out.last_mut() {
                Some((t, Event::Keys(k))) if *t == *at => k.push(*key),
                _ => out.push((*at, Event::Keys(key.to_string()))),
            }
        }
    }
    for s in path {
        match &s.event {
            PathEvent::Said(w) => out.push((s.at, Event::Say(w.clone()))),
            PathEvent::CallerHangsUp => out.push((s.at, Event::Hangup)),
            _ => {}
        }
    }
    out.sort_by_key(|(t, _)| *t); // stable: keys before words at one instant
    out
}

/// The scenario file text reproducing a call with `start` whose effects were `log` and
/// whose path was `path`; `menu_path` is written as `menu:`.
pub fn scenario_yaml(
    menu: &Menu,
    clips: &ClipLibrary,
    start: &CallStart,
    log: &[Effect],
    path: &[PathStep<'_>],
    menu_path: &str,
) -> String {
    let mut sim = Sim::new(menu, clips, start.clone());
    let mut steps = String::new();
    let mut pending_expect = false;
    // Real time minus the replay's time (the replay acts as soon as the caller's turn comes).
    let mut shift = Duration::ZERO;
    for (t_real, ev) in events(log, path) {
        if sim.call.is_ended() {
            break;
        }
        let ts = t_real.saturating_sub(shift);
        // Prompts ending and timers firing before the event.
        while let Some(due) = sim.call.poll_timeout() {
            if due > ts || sim.call.is_ended() {
                break;
            }
            if sim.call.is_playing() {
                sim.advance(due);
            } else {
                flush(&mut sim, &mut steps, &mut pending_expect);
                step_yaml(&mut steps, &Act::Silence);
                sim.act(&Act::Silence);
            }
        }
        if sim.call.is_ended() {
            break;
        }
        // Keys and a hang-up during a prompt keep their time in it (whole milliseconds, as
        // written), so the replay does not hear the rest of the prompt first.
        let during = sim.call.is_playing();
        // Rounded up to the millisecond, so the time written is never before now: a replay
        // refuses an `at:` whose time has passed.
        let since = ts.saturating_sub(sim.anchor()).as_nanos().div_ceil(1_000_000);
        let off = Duration::from_millis(u64::try_from(since).unwrap_or(0));
        let act = match ev {
            Event::Keys(k) if during => Act::Press(k, Some(off)),
            Event::Keys(k) => Act::Press(k, None),
            Event::Say(w) => Act::Say(w),
            Event::Hangup => Act::Hangup(during.then_some(off)),
        };
        if !during {
            flush(&mut sim, &mut steps, &mut pending_expect);
        }
        step_yaml(&mut steps, &act);
        sim.act(&act);
        shift = t_real.saturating_sub(sim.call.now());
        pending_expect = !matches!(act, Act::Hangup(_));
    }
    // A call that ended by itself after the last input: the silences that ended it.
    let ended_by_itself = log.iter().any(|e| matches!(e, Effect::Ended(_)));
    if ended_by_itself {
        for _ in 0..64 {
            sim.listen();
            if sim.call.is_ended() {
                break;
            }
            flush(&mut sim, &mut steps, &mut pending_expect);
            step_yaml(&mut steps, &Act::Silence);
            sim.act(&Act::Silence);
        }
    }
    let expect = sim.final_expect();
    let mut y = String::new();
    y.push_str("# Recorded by `ivrsim call --save-scenario`.\n");
    y.push_str(&format!("menu: {}\nscenarios:\n", q(menu_path)));
    y.push_str("  - name: \"recorded call\"\n");
    let mut start_parts = vec![format!("at: {}", start.clock.start.strftime("%Y-%m-%dT%H:%M:%S"))];
    if let Some(l) = &start.language {
        start_parts.push(format!("language: {}", q(l)));
    }
    if !start.variables.is_empty() {
        let vars: Vec<String> = start
            .variables
            .iter()
            .map(|(k, v)| format!("{}: {}", q(k), q(v)))
            .collect();
        start_parts.push(format!("vars: {{ {} }}", vars.join(", ")));
    }
    y.push_str(&format!("    start: {{ {} }}\n    steps:\n", start_parts.join(", ")));
    y.push_str(&steps);
    y.push_str(&format!("      - expect: {expect}\n"));
    y
}

/// Writes the pending `expect: { at_node }` after an action: where the call is once the
/// prompts after it have played (with `listen: true` when it moved on meanwhile, as after a
/// message: an expectation checks the present).
fn flush(sim: &mut Sim, steps: &mut String, pending: &mut bool) {
    if !*pending {
        return;
    }
    *pending = false;
    let before = sim.node();
    sim.listen();
    if let Some(n) = sim.node() {
        let listen = if before.as_ref() == Some(&n) {
            ""
        } else {
            "listen: true, "
        };
        steps.push_str(&format!("      - expect: {{ {listen}at_node: {} }}\n", q(&n)));
    }
}

/// Writes the scenario file for a call at `out`, atomically, with `menu:` relative to its folder.
///
/// # Errors
/// [`crate::error::WriteError`] naming the file.
pub fn save(
    out: &Path,
    menu: &Menu,
    clips: &ClipLibrary,
    start: &CallStart,
    log: &[Effect],
    path: &[PathStep<'_>],
) -> Result<(), crate::error::WriteError> {
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let menu_path = menu_ref(&menu.path, dir);
    let yaml = schema_line(dir, &menu.path) + &scenario_yaml(menu, clips, start, log, path, &menu_path);
    crate::atomic::write(out, yaml.as_bytes()).map_err(|e| crate::error::WriteError::file(out, e))
}
