//! `cargo bench --bench latency`: how fast a call reacts. Target: each under 10 ms.
//!
//! - `engine/barge_in`: a key during the hotline's main-menu prompt, from
//!   `Call::handle_keys` to the `StopPrompt` effect being available (criterion).
//! - `engine/due_timer`: the no-input deadline of the main menu, from
//!   `Call::handle_timeout` to its first effect (criterion).
//! - wake-up lateness, printed as a table (not criterion: the time is spent sleeping):
//!   `tokio::time::sleep_until` on the REPL's own runtime (`ivrsim::repl::runtime`) over
//!   200 timers of 1–20 ms; and the real-time driver itself (`ivrsim::repl::driver`)
//!   running a call whose 200 timers are prompt ends 1–20 ms apart, its lateness read
//!   from the driver's `timer` tracing events (`late_us`).

use std::hint::black_box;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group};
use ivrsim::audio::ClipLibrary;
use ivrsim::call::{Session, SessionOptions};
use ivrsim::engine::{Call, CallStart, Effect};
use ivrsim::menu::{Menu, load_menu};
use ivrsim::repl::driver::{Driver, DriverOptions, Screen};
use ivrsim::repl::sound::Sound;
use ivrsim::source::Sources;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Timers measured for lateness.
const TIMERS: usize = 200;

fn hotline() -> (Menu, ClipLibrary) {
    let mut sources = Sources::new();
    let outcome = load_menu(Path::new("menus/hotline.yaml"), &mut sources).expect("the hotline reads");
    let menu = outcome.menu.expect("the hotline parses");
    let (clips, _) = ClipLibrary::load(&menu);
    (menu, clips)
}

/// A call at the hotline's main menu, its prompt just started (the welcome played).
fn at_main_menu<'m>(menu: &'m Menu, clips: &'m ClipLibrary) -> Call<'m> {
    let mut call = Call::new(menu, clips.timings(), CallStart::default());
    let welcome_end = call.poll_timeout().expect("the welcome plays");
    call.handle_timeout(welcome_end);
    while call.poll_effect().is_some() {}
    assert!(call.is_playing(), "the main menu prompt plays");
    call
}

fn engine(c: &mut Criterion) {
    let (menu, clips) = hotline();
    let mut group = c.benchmark_group("engine");
    group.bench_function("barge_in", |b| {
        b.iter_batched(
            || at_main_menu(&menu, &clips),
            |mut call| {
                let now = call.now() + Duration::from_millis(700);
                call.handle_keys(now, "3");
                while let Some(e) = call.poll_effect() {
                    if matches!(e, Effect::StopPrompt { .. }) {
                        return call;
                    }
                }
                panic!("no StopPrompt");
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("due_timer", |b| {
        b.iter_batched(
            || {
                let mut call = at_main_menu(&menu, &clips);
                let prompt_end = call.poll_timeout().expect("the prompt ends");
                call.handle_timeout(prompt_end);
                while call.poll_effect().is_some() {}
                let due = call.poll_timeout().expect("the no-input deadline");
                (call, due)
            },
            |(mut call, due)| {
                call.handle_timeout(due);
                let first = call.poll_effect().expect("the no-input re-prompt");
                (call, black_box(first))
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(benches, engine);

/// 1, 2, …, 20, 1, 2, … ms.
fn durations() -> impl Iterator<Item = Duration> {
    (0..TIMERS).map(|i| Duration::from_millis(1 + (i % 20) as u64))
}

fn report(what: &str, mut late_us: Vec<u64>) {
    late_us.sort_unstable();
    let n = late_us.len();
    if n == 0 {
        println!("{what}: no timers measured");
        return;
    }
    let at = |q: f64| late_us[((n - 1) as f64 * q).round() as usize];
    let mean = late_us.iter().sum::<u64>() as f64 / n as f64;
    println!(
        "{what}: {n} timers, lateness mean {:.3} ms, p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        mean / 1000.0,
        at(0.5) as f64 / 1000.0,
        at(0.9) as f64 / 1000.0,
        at(0.99) as f64 / 1000.0,
        late_us[n - 1] as f64 / 1000.0,
    );
}

/// `sleep_until` on the REPL's runtime, one timer after another.
fn tokio_lateness() -> Vec<u64> {
    let rt = ivrsim::repl::runtime().expect("runtime");
    rt.block_on(async {
        let mut late = Vec::with_capacity(TIMERS);
        for d in durations() {
            let deadline = tokio::time::Instant::now() + d;
            tokio::time::sleep_until(deadline).await;
            late.push(deadline.elapsed().as_micros() as u64);
        }
        late
    })
}

/// Collects `late_us` of the driver's `timer` events.
struct Lateness(Arc<Mutex<Vec<u64>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Lateness {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        struct Late(Option<u64>);
        impl Visit for Late {
            fn record_u64(&mut self, field: &Field, value: u64) {
                if field.name() == "late_us" {
                    self.0 = Some(value);
                }
            }
            fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
        }
        let mut late = Late(None);
        event.record(&mut late);
        if let Some(us) = late.0 {
            self.0.lock().expect("lateness").push(us);
        }
    }
}

struct Nowhere;

impl Screen for Nowhere {
    fn show(&mut self, lines: &[String]) -> std::io::Result<()> {
        black_box(lines);
        Ok(())
    }
}

/// The real driver on a call of 20 message nodes in a ring, whose clips last 1–20 ms: every
/// timer is a prompt's end.
fn driver_lateness() -> Vec<u64> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut yaml = String::from("name: Ring\nentry: m1\nnodes:\n");
    for k in 1..=20u32 {
        let wav = dir.path().join(format!("m{k}.wav"));
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&wav, spec).expect("wav");
        for _ in 0..8 * k {
            w.write_sample(0i16).expect("sample");
        }
        w.finalize().expect("wav");
        let next = k % 20 + 1;
        yaml.push_str(&format!(
            "  m{k}:\n    kind: message\n    prompt: {{ text: \"Ring {k}.\", audio: m{k}.wav }}\n    next: m{next}\n"
        ));
    }
    let path = dir.path().join("ring.yaml");
    std::fs::write(&path, yaml).expect("menu");
    let mut sources = Sources::new();
    let menu = load_menu(&path, &mut sources).expect("reads").menu.expect("parses");
    let (clips, _) = ClipLibrary::load(&menu);

    let late = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Lateness(late.clone()));
    let rt = ivrsim::repl::runtime().expect("runtime");
    tracing::subscriber::with_default(subscriber, || {
        let mut session = Session::new(&menu, &clips, SessionOptions::default());
        let mut sound = Sound::off();
        let mut screen = Nowhere;
        let (_tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let options = DriverOptions {
            timeouts: true,
            echo: false,
            editor: false,
            turns: false,
        };
        let driver = Driver::new(&mut session, &mut screen, &mut sound, None, options);
        // 10 rings of 210 ms: 200 timers, and a little more.
        rt.block_on(async {
            let stop = tokio::time::sleep(Duration::from_millis(10 * 210 + 50));
            driver.run(&mut rx, &mut || {}, stop).await
        })
        .expect("runs");
    });
    let mut late = std::mem::take(&mut *late.lock().expect("lateness"));
    late.truncate(TIMERS);
    late
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report("tokio sleep_until (1-20 ms)", tokio_lateness());
    report("real-time driver (prompt ends 1-20 ms apart)", driver_lateness());
}
