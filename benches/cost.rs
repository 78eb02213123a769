//! `cargo bench --bench cost`: what one call costs the engine, in-process, on the bundled
//! hotline (`menus/hotline.yaml`): heap allocations, bytes allocated, and calls a second on
//! one core. Printed as a table (not criterion: the allocation counts are exact, and the
//! rate is the best of several rounds on a shared machine).
//!
//! Each call runs from `Call::new` to the call being dropped, with every effect taken
//! (`poll_effect`) and dropped, the way a virtual-time driver (the scenario runner, the pipe,
//! a traffic simulation) runs it: the caller listens to every prompt to its end and acts at
//! its turn.
//!
//! - `two keys to a handoff`: keys 1 then 2 (suspicious activity), no operator line: the
//!   call ends at its handoff to `reports`.
//! - `queued with hold announcements`: the same call on an operator line; the console says
//!   it waits at position 3, then 2, then 1 (an announcement every 30 s plays the position),
//!   a call-taker answers after 100 s and ends the call 120 s later.
//! - `no-match and no-input retries`: key 9 (no match, re-prompt), silence (no input,
//!   re-prompt), then keys 1 and 2 to the handoff.
//!
//! Allocations count every `alloc`, `alloc_zeroed` and `realloc` (a `realloc` is one
//! allocation of its new size); bytes are the sizes asked for, freed or not. Each scenario
//! checks the call took the way it describes, so the bench fails rather than measure another
//! call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ivrsim::audio::ClipLibrary;
use ivrsim::engine::{Call, CallStart, Effect, Outcome, PromptRole, QueueEvent};
use ivrsim::menu::{Menu, load_menu};
use ivrsim::source::Sources;

/// Counts allocations and bytes, and hands every request to the system allocator.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

fn count(size: usize) {
    ALLOCS.fetch_add(1, Ordering::Relaxed);
    BYTES.fetch_add(size as u64, Ordering::Relaxed);
}

// The crate denies unsafe code everywhere and forbids it in the library and the binary
// (`#![forbid(unsafe_code)]` in src/lib.rs and src/main.rs). A global allocator cannot be
// written without it: this bench target allows it here, for this wrapper only, which adds
// two counters to `System` and changes nothing else.
#[allow(unsafe_code)]
// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counters are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded as received (the caller upholds `alloc`'s contract).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded as received.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: forwarded as received (`ptr` was allocated by this allocator, i.e. `System`).
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Calls a round; the rate is the best of `ROUNDS` rounds.
const CALLS: u32 = 20_000;
const ROUNDS: u32 = 5;

fn hotline() -> (Menu, ClipLibrary) {
    let mut sources = Sources::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let outcome = load_menu(&root.join("menus/hotline.yaml"), &mut sources).expect("the hotline reads");
    let menu = outcome.menu.expect("the hotline parses");
    let (clips, _) = ClipLibrary::load(&menu);
    (menu, clips)
}

/// What a call left behind, for the scenario's checks.
#[derive(Default)]
struct Seen {
    outcome: Option<Outcome>,
    answered: bool,
    holds: u32,
    no_match: u32,
    no_input: u32,
    handoffs: u32,
}

/// Takes every effect ready, noting what the checks need, and drops it.
fn drain(call: &mut Call, seen: &mut Seen) {
    while let Some(e) = call.poll_effect() {
        match &e {
            Effect::StartPrompt(p) => match p.role {
                PromptRole::Hold(_) => seen.holds += 1,
                PromptRole::NoMatch(_) => seen.no_match += 1,
                PromptRole::NoInput(_) => seen.no_input += 1,
                _ => {}
            },
            Effect::Handoff(_) => seen.handoffs += 1,
            Effect::Ended(s) => {
                seen.outcome = Some(s.outcome.clone());
                seen.answered = s.answered;
            }
            _ => {}
        }
        black_box(e);
    }
}

/// Lets every prompt play to its end, then presses `key` at the caller's turn.
fn key_at_turn(call: &mut Call, seen: &mut Seen, key: &str) {
    call.play_to_turn(100);
    drain(call, seen);
    let t = call.now();
    call.handle_keys(t, key);
    drain(call, seen);
}

/// Fires every timer due up to `until`, each at its own time, as a driver woken for each.
fn run_until(call: &mut Call, seen: &mut Seen, until: Duration) {
    while let Some(t) = call.poll_timeout() {
        if t > until {
            break;
        }
        call.handle_timeout(t);
        drain(call, seen);
    }
}

/// Fires timers until the call ends.
fn run_to_end(call: &mut Call, seen: &mut Seen) {
    run_until(call, seen, Duration::MAX);
}

fn two_keys(menu: &Menu, clips: &ClipLibrary) -> Seen {
    let mut seen = Seen::default();
    let mut call = Call::new(menu, clips.timings(), CallStart::default());
    key_at_turn(&mut call, &mut seen, "1");
    key_at_turn(&mut call, &mut seen, "2");
    run_to_end(&mut call, &mut seen);
    seen
}

fn queued(menu: &Menu, clips: &ClipLibrary) -> Seen {
    let mut seen = Seen::default();
    let start = CallStart {
        operator_line: true,
        ..CallStart::default()
    };
    let mut call = Call::new(menu, clips.timings(), start);
    key_at_turn(&mut call, &mut seen, "1");
    key_at_turn(&mut call, &mut seen, "2");
    while seen.handoffs == 0 {
        let t = call.poll_timeout().expect("the call goes on to its handoff");
        call.handle_timeout(t);
        drain(&mut call, &mut seen);
    }
    let handoff = call.now();
    let s = |secs: u64| handoff + Duration::from_millis(100) + Duration::from_secs(secs);
    let waiting = |position| QueueEvent::Waiting {
        queue: "reports".into(),
        position,
        staffed: true,
    };
    let events = [
        (s(0), waiting(3)),
        (s(45), waiting(2)),
        (s(75), waiting(1)),
        (s(100), QueueEvent::Answered { operator: "Sam".into() }),
        (
            s(220),
            QueueEvent::Ended {
                disposition: "report_taken".into(),
            },
        ),
    ];
    for (at, event) in events {
        run_until(&mut call, &mut seen, at);
        call.handle_queue(at, event);
        drain(&mut call, &mut seen);
    }
    seen
}

fn retries(menu: &Menu, clips: &ClipLibrary) -> Seen {
    let mut seen = Seen::default();
    let mut call = Call::new(menu, clips.timings(), CallStart::default());
    key_at_turn(&mut call, &mut seen, "9");
    // Silence: the re-prompt plays, then the no-input deadline passes.
    call.play_to_turn(100);
    drain(&mut call, &mut seen);
    let deadline = call.poll_timeout().expect("the no-input deadline");
    call.handle_timeout(deadline);
    drain(&mut call, &mut seen);
    key_at_turn(&mut call, &mut seen, "1");
    key_at_turn(&mut call, &mut seen, "2");
    run_to_end(&mut call, &mut seen);
    seen
}

fn reports(seen: &Seen) -> bool {
    matches!(&seen.outcome, Some(Outcome::Transferred { queue, .. }) if queue == "reports")
}

/// Runs one call.
type Scenario = fn(&Menu, &ClipLibrary) -> Seen;
/// Whether the call took the way its scenario describes.
type Took = fn(&Seen) -> bool;

fn main() {
    let (menu, clips) = hotline();
    let scenarios: [(&str, Scenario, Took); 3] = [
        ("two keys to a handoff", two_keys, |s| {
            reports(s) && s.handoffs == 1 && s.no_match + s.no_input + s.holds == 0
        }),
        ("queued with hold announcements", queued, |s| {
            // At 0 s, 30 s, 60 s and 90 s after joining; answered at 100 s.
            reports(s) && s.answered && s.holds == 4
        }),
        ("no-match and no-input retries", retries, |s| {
            reports(s) && s.no_match == 1 && s.no_input == 1
        }),
    ];
    println!("cost per call on menus/hotline.yaml ({CALLS} calls a round, best of {ROUNDS} rounds)");
    println!(
        "{:<32} {:>12} {:>12} {:>14} {:>10}",
        "call", "allocations", "bytes", "calls/s/core", "µs/call"
    );
    for (name, run, ok) in scenarios {
        let seen = run(&menu, &clips);
        assert!(ok(&seen), "`{name}` did not take its way: {:?}", seen.outcome);
        // One call alone, counted exactly (the menu and clips are loaded before).
        let (a0, b0) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
        black_box(run(black_box(&menu), black_box(&clips)));
        let (allocs, bytes) = (ALLOCS.load(Ordering::Relaxed) - a0, BYTES.load(Ordering::Relaxed) - b0);
        let mut best = Duration::MAX;
        for _ in 0..ROUNDS {
            let t0 = Instant::now();
            for _ in 0..CALLS {
                black_box(run(black_box(&menu), black_box(&clips)));
            }
            best = best.min(t0.elapsed());
        }
        let per_call = best / CALLS;
        println!(
            "{name:<32} {allocs:>12} {bytes:>12} {:>14.0} {:>10.2}",
            f64::from(CALLS) / best.as_secs_f64(),
            per_call.as_secs_f64() * 1e6
        );
    }
}
