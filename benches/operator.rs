//! `cargo bench --bench operator`: the call-taker console (`ivrsim operator`, the real binary
//! on a loopback port) under callers speaking the protocol over TCP, each joining with the
//! handoff record of a real call on the hotline (keys 1, 2: the `reports` queue).
//!
//! - `operator/connect_to_queued` (criterion): from TCP connect to the `waiting` reply
//!   (connect, `hello`, `welcome`, `join`, `waiting`), one caller at a time; each then hangs
//!   up, so the queue stays short.
//! - printed as a table (not criterion: the figures are about a growing queue):
//!   - the same latency for 1,000 callers who stay queued (mean, p50, p99, max);
//!   - 200 callers connecting at once: each one's connect-to-queued time, and the time
//!     until all are queued;
//!   - memory: the console's VmRSS (`/proc/PID/status`) with 0 and with 1,000 waiting
//!     callers, and the difference per caller.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use criterion::Criterion;
use ivrsim::audio::ClipLibrary;
use ivrsim::engine::Handoff;
use ivrsim::menu::load_menu;
use ivrsim::operator::protocol::{ToCaller, ToConsole, decode, encode};
use ivrsim::source::Sources;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The handoff of a real hotline call pressing 1 then 2 (suspicious activity: `reports`).
fn real_handoff() -> Handoff {
    let mut sources = Sources::new();
    let menu = load_menu(&std::path::Path::new(ROOT).join("menus/hotline.yaml"), &mut sources)
        .expect("reads")
        .menu
        .expect("loads");
    let (clips, _) = ClipLibrary::load(&menu);
    ivrsim::synth::handoff_after_keys(&menu, &clips, "12").expect("the call reaches its handoff")
}

/// A console process; killed when dropped.
struct Console {
    child: Child,
    addr: String,
}

impl Console {
    fn start() -> Console {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ivrsim"))
            .current_dir(ROOT)
            .args([
                "operator",
                "menus/hotline.yaml",
                "--listen",
                "127.0.0.1:0",
                "--clock",
                "virtual",
            ])
            .env("NO_COLOR", "1")
            .env_remove("IVRSIM_LOG")
            .env_remove("IVRSIM_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn ivrsim operator");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut addr = None;
        let mut line = String::new();
        while addr.is_none() {
            line.clear();
            assert!(out.read_line(&mut line).expect("read") > 0, "the console ended");
            if let Some(rest) = line.strip_prefix("listening on ") {
                addr = rest.split_once(": ").map(|(a, _)| a.to_owned());
            }
        }
        // Keep reading what it shows, so that it never waits on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        Console {
            child,
            addr: addr.expect("address"),
        }
    }

    /// VmRSS in KB.
    fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("/proc");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A queued caller's socket.
struct Queued {
    stream: TcpStream,
}

/// Reads messages until one that is not `ping`.
fn next(r: &mut BufReader<TcpStream>) -> ToCaller {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            r.read_line(&mut line).expect("read") > 0,
            "the console closed the connection"
        );
        let m: ToCaller = decode(line.trim_end()).expect("a message");
        if m != ToCaller::Ping {
            return m;
        }
    }
}

/// Connects, says hello, joins: the caller and the time from connect to `waiting`.
fn queue_one(addr: &str, hello: &str, join: &str) -> (Queued, Duration) {
    let t = Instant::now();
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut r = BufReader::new(stream.try_clone().expect("clone"));
    let mut w = stream.try_clone().expect("clone");
    w.write_all(hello.as_bytes()).expect("hello");
    assert!(matches!(next(&mut r), ToCaller::Welcome { .. }));
    w.write_all(join.as_bytes()).expect("join");
    assert!(matches!(next(&mut r), ToCaller::Waiting { .. }));
    (Queued { stream }, t.elapsed())
}

fn lines(name: &str, handoff: &Handoff) -> (String, String) {
    (
        encode(&ToConsole::Hello {
            caller: name.into(),
            token: None,
        }),
        encode(&ToConsole::Join {
            handoff: handoff.clone(),
        }),
    )
}

fn connect_to_queued(c: &mut Criterion, handoff: &Handoff) {
    let console = Console::start();
    let (hello, join) = lines("bench", handoff);
    let hangup = encode(&ToConsole::Hangup);
    let mut g = c.benchmark_group("operator");
    g.bench_function("connect_to_queued", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (mut q, d) = queue_one(&console.addr, &hello, &join);
                total += d;
                let _ = q.stream.write_all(hangup.as_bytes());
            }
            total
        });
    });
    g.finish();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn summary(what: &str, mut d: Vec<Duration>) {
    d.sort();
    let mean = d.iter().sum::<Duration>() / d.len() as u32;
    println!(
        "{what:<46} n={:<5} mean {:>8.1} µs  p50 {:>8.1} µs  p99 {:>8.1} µs  max {:>8.1} µs",
        d.len(),
        mean.as_secs_f64() * 1e6,
        percentile(&d, 0.5).as_secs_f64() * 1e6,
        percentile(&d, 0.99).as_secs_f64() * 1e6,
        d[d.len() - 1].as_secs_f64() * 1e6,
    );
}

/// 1,000 callers who stay queued: each one's latency, and the console's memory.
fn growing_queue(handoff: &Handoff) {
    const N: usize = 1000;
    let console = Console::start();
    let rss0 = console.rss_kb();
    let ping = encode(&ToConsole::Ping);
    let mut queued = Vec::with_capacity(N);
    let mut times = Vec::with_capacity(N);
    let mut last_ping = Instant::now();
    for i in 0..N {
        let (hello, join) = lines(&format!("caller-{i:04}"), handoff);
        let (q, d) = queue_one(&console.addr, &hello, &join);
        queued.push(q);
        times.push(d);
        if last_ping.elapsed() > Duration::from_secs(1) {
            // The callers' heartbeat: the console drops a caller silent for 6 s.
            for q in &mut queued {
                let _ = q.stream.write_all(ping.as_bytes());
            }
            last_ping = Instant::now();
        }
    }
    let rss1 = console.rss_kb();
    summary("connect to queued, 1,000 callers who stay", times);
    println!(
        "console VmRSS: {rss0} KB with 0 waiting, {rss1} KB with {N} waiting: {:.1} KB per waiting caller",
        (rss1.saturating_sub(rss0)) as f64 / N as f64
    );
    drop(queued);
}

/// 200 callers connecting at once.
fn at_once(handoff: &Handoff) {
    const N: usize = 200;
    let console = Console::start();
    let barrier = Arc::new(Barrier::new(N + 1));
    let threads: Vec<_> = (0..N)
        .map(|i| {
            let (addr, barrier) = (console.addr.clone(), barrier.clone());
            let (hello, join) = lines(&format!("caller-{i:03}"), handoff);
            std::thread::spawn(move || {
                barrier.wait();
                queue_one(&addr, &hello, &join)
            })
        })
        .collect();
    barrier.wait();
    let t = Instant::now();
    let done: Vec<(Queued, Duration)> = threads.into_iter().map(|t| t.join().expect("caller")).collect();
    let all = t.elapsed();
    summary(
        "connect to queued, 200 callers at once",
        done.iter().map(|(_, d)| *d).collect(),
    );
    println!(
        "200 callers at once: all queued after {:.1} ms",
        all.as_secs_f64() * 1e3
    );
}

fn main() {
    let handoff = real_handoff();
    let mut c = Criterion::default().configure_from_args();
    connect_to_queued(&mut c, &handoff);
    c.final_summary();
    if std::env::args().any(|a| a == "--bench") {
        println!(
            "\nivrsim operator ({} CPUs, release build, loopback TCP):",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        growing_queue(&handoff);
        at_once(&handoff);
    }
}
