//! `ivrsim operator` under load and abuse: many callers at once, garbage on the wire, callers
//! and consoles dying mid-call, silent and stuck peers. The real console binary, raw TCP
//! callers (see `desk.rs`), and the real `ivrsim call --operator` caller.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use ivrsim::menu::Priority;
use ivrsim::operator::protocol::{ToCaller, ToConsole, encode};

use crate::desk::{Console, RawCaller, RealCaller, WAIT, error_of, handoff, waiting_of};

/// "Within a few seconds": how soon a broken connection must show.
const FEW: Duration = Duration::from_secs(5);

const QUEUES: [&str; 3] = ["reports", "urgent", "national"];

/// `call 12 waits in `urgent` (high, chosen) at position 3: caller-042: …` → (12, "high", "caller-042").
fn parse_waits(line: &str) -> (u64, String, String) {
    let rest = line.strip_prefix("call ").expect("call N waits");
    let (id, rest) = rest.split_once(" waits in `").expect("waits in");
    let (_queue, rest) = rest.split_once("` (").expect("queue");
    let (priority, rest) = rest.split_once(", ").expect("priority");
    let (_, rest) = rest.split_once(": ").expect("position");
    let (name, _) = rest.split_once(": ").expect("name");
    (id.parse().expect("id"), priority.to_owned(), name.to_owned())
}

fn rank(priority: &str) -> usize {
    Priority::ALL
        .iter()
        .position(|p| p.name() == priority)
        .expect("a priority")
}

#[test]
fn two_hundred_callers_at_once_are_queued_and_answered_in_priority_then_arrival_order() {
    const N: usize = 200;
    let mut c = Console::start(&[]);
    let base = handoff("12");
    let barrier = Arc::new(Barrier::new(N));
    let joins: Vec<_> = (0..N)
        .map(|i| {
            let (addr, barrier) = (c.addr.clone(), barrier.clone());
            let mut h = base.clone();
            h.priority = Priority::ALL[i % 4];
            h.queue = QUEUES[(i / 4) % 3].to_owned();
            std::thread::spawn(move || {
                barrier.wait(); // all connect at once
                RawCaller::join(&addr, &format!("caller-{i:03}"), h)
            })
        })
        .collect();
    let mut callers: Vec<(RawCaller, ToCaller)> = joins.into_iter().map(|j| j.join().expect("caller thread")).collect();

    // Every caller is queued once, in some arrival order the console decides.
    let mut queued: HashMap<String, (u64, String)> = HashMap::new();
    for _ in 0..N {
        let (id, priority, name) = parse_waits(&c.expect(" waits in `"));
        assert!(queued.insert(name.clone(), (id, priority)).is_none(), "{name} twice");
    }
    let ids: std::collections::BTreeSet<u64> = queued.values().map(|(id, _)| *id).collect();
    assert_eq!(ids, (1..=N as u64).collect(), "call numbers 1..=200, one each");
    for i in 0..N {
        let (_, p) = &queued[&format!("caller-{i:03}")];
        assert_eq!(p, &Priority::ALL[i % 4].name(), "caller-{i:03}");
    }
    let rows = c.queue().iter().filter(|l| l.contains("welcome → ")).count();
    assert_eq!(rows, N);

    // Answered highest priority first, then by arrival (the console's call numbers).
    let mut expected: Vec<(&String, &(u64, String))> = queued.iter().collect();
    expected.sort_by_key(|(_, (id, p))| (std::cmp::Reverse(rank(p)), *id));
    let expected: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    let mut answered = Vec::new();
    for _ in 0..N {
        c.cmd(":answer");
        let pop = c.expect(": screen pop ===");
        let name = pop
            .split_once(" from ")
            .unwrap()
            .1
            .strip_suffix(": screen pop ===")
            .unwrap();
        answered.push(name.to_owned());
        c.cmd(":end no_action");
        c.expect("ended: no_action");
    }
    assert_eq!(answered, expected);
    c.run(":queue");
    c.expect("no calls waiting");

    // Each caller heard its place, every change of it, then the call-taker, then the end.
    // (A position grows while callers of a higher priority join, and shrinks as calls ahead
    // are answered.)
    for (i, (caller, first)) in callers.iter_mut().enumerate() {
        let (queue, mut position, _) = waiting_of(first);
        assert_eq!(queue, QUEUES[(i / 4) % 3]);
        loop {
            match caller.recv() {
                ToCaller::Waiting { position: p, .. } => {
                    assert!(p != position && p >= 1, "caller-{i:03}: position {position} then {p}");
                    position = p;
                }
                ToCaller::Answered { .. } => break,
                other => panic!("caller-{i:03}: {other:?}"),
            }
        }
        assert_eq!(position, 1, "caller-{i:03} was answered from position {position}");
        assert!(matches!(caller.recv(), ToCaller::Ended { .. }), "caller-{i:03}");
    }
}

/// Bytes that are not JSON, deterministic (no newline).
fn junk(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x2545_f491;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .map(|b| if b == b'\n' { b'?' } else { b })
        .collect()
}

#[test]
fn garbage_gets_an_error_each_and_the_connection_stays_usable() {
    let mut c = Console::start(&[]);
    let (mut other, _) = RawCaller::join(&c.addr, "patient", handoff("11"));
    c.expect("call 1 waits");

    let mut big = br#"{"v":1,"type":"say","text":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    big.extend(br#""}"#);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("random bytes", junk(300), "malformed"),
        (
            "invalid UTF-8",
            b"\xff\xfe\xfd{\"v\":1,\"type\":\"ping\"}".to_vec(),
            "malformed",
        ),
        (
            "truncated JSON",
            br#"{"v":1,"type":"join","handoff":{"node":"#.to_vec(),
            "malformed",
        ),
        ("a 1 MB line", big.clone(), "too_long"),
        ("a JSON array", br#"[{"v":1,"type":"ping"}]"#.to_vec(), "malformed"),
        ("a wrong version", br#"{"v":2,"type":"ping"}"#.to_vec(), "version"),
        ("an unknown type", br#"{"v":1,"type":"dance"}"#.to_vec(), "malformed"),
        ("a NUL byte", b"\0".to_vec(), "malformed"),
        ("another 1 MB line", big, "too_long"),
    ];
    // Before hello: refused, not fatal; hello still works after.
    let mut bad = RawCaller::connect(&c.addr);
    for (what, bytes, code) in &cases {
        let mut line = bytes.clone();
        line.push(b'\n');
        bad.send_raw(&line);
        let reply = bad.recv();
        assert_eq!(error_of(&reply), (*code, false), "{what} before hello: {reply:?}");
    }
    bad.send(&ToConsole::Hello {
        caller: "garbler".into(),
        token: None,
    });
    assert!(matches!(bad.recv(), ToCaller::Welcome { .. }));
    // After hello, and with a call waiting.
    for (what, bytes, code) in &cases {
        let mut line = bytes.clone();
        line.push(b'\n');
        bad.send_raw(&line);
        let reply = bad.recv();
        assert_eq!(error_of(&reply), (*code, false), "{what}: {reply:?}");
    }
    bad.send(&ToConsole::Ping);
    bad.send(&ToConsole::Join { handoff: handoff("12") });
    assert_eq!(waiting_of(&bad.recv()), ("reports", 1, true));
    c.expect("call 2 waits in `reports` (normal, chosen) at position 1: garbler:");
    for (what, bytes, code) in &cases {
        let mut line = bytes.clone();
        line.push(b'\n');
        bad.send_raw(&line);
        let reply = bad.recv();
        assert_eq!(error_of(&reply), (*code, false), "{what} while waiting: {reply:?}");
    }

    // The console went on serving the others, and the garbler is still in its queue.
    c.run(":answer");
    c.expect("=== call 1 from patient: screen pop ===");
    assert!(matches!(other.recv(), ToCaller::Answered { .. }));
    c.run(":end no_action");
    c.run(":answer");
    c.expect("=== call 2 from garbler: screen pop ===");
    assert!(matches!(bad.recv(), ToCaller::Answered { .. }));
    bad.send(&ToConsole::Say {
        text: "still here".into(),
    });
    c.expect("  caller: still here");
}

#[test]
fn a_line_split_across_many_writes_is_one_message() {
    let mut c = Console::start(&[]);
    let mut caller = RawCaller::hello(&c.addr, "slow typist");
    let line = encode(&ToConsole::Join { handoff: handoff("12") });
    for chunk in line.as_bytes().chunks(7) {
        caller.send_raw(chunk);
    }
    assert_eq!(waiting_of(&caller.recv()), ("reports", 1, true));
    c.expect("call 1 waits in `reports`");
}

#[test]
fn a_caller_dropped_mid_call_is_shown_on_the_console_within_seconds() {
    let mut c = Console::start(&[]);
    let (mut caller, _) = RawCaller::join(&c.addr, "Ivy", handoff("12"));
    c.expect("call 1 waits");
    c.run(":answer");
    assert!(matches!(caller.recv(), ToCaller::Answered { .. }));
    caller.send(&ToConsole::Say { text: "hello?".into() });
    c.expect("  caller: hello?");

    let t = Instant::now();
    caller.close();
    c.expect("! call 1: the caller's line was lost (closed the connection): wrap the call up with `:end DISPOSITION`");
    assert!(t.elapsed() < FEW, "shown after {:?}", t.elapsed());
    c.run("are you there?");
    c.expect("! the caller is gone: `:end DISPOSITION` to wrap up");
    c.run(":end no_action");
    c.expect("call 1 ended: no_action");
    assert!(c.quit().success());
    let r = &c.records()[0];
    assert_eq!(
        (r["end"].as_str(), r["disposition"].as_str()),
        (Some("lost"), Some("no_action"))
    );
}

#[test]
fn a_caller_that_goes_silent_mid_call_is_taken_for_gone_after_six_seconds() {
    let mut c = Console::start(&[]);
    let (mut caller, _) = RawCaller::join(&c.addr, "Jo", handoff("12"));
    c.expect("call 1 waits");
    c.run(":answer");
    assert!(matches!(caller.recv(), ToCaller::Answered { .. }));
    let t = Instant::now();
    caller.stop_heartbeat(); // the socket stays open; nothing more comes
    c.expect("the caller's line was lost (no word for 6 s): wrap the call up");
    let after = t.elapsed();
    assert!(after >= Duration::from_secs(4) && after < WAIT, "after {after:?}");
}

#[test]
fn a_waiting_caller_that_never_pings_is_dropped_from_the_queue() {
    let mut c = Console::start(&[]);
    let mut mute = RawCaller::silent(&c.addr);
    mute.send(&ToConsole::Hello {
        caller: "mute".into(),
        token: None,
    });
    mute.send(&ToConsole::Join { handoff: handoff("12") });
    c.expect("call 1 waits");
    let t = Instant::now();
    c.expect("call 1 left `reports` after 0:00: the caller's line was lost (no word for 6 s)");
    assert!(t.elapsed() >= Duration::from_secs(4), "after {:?}", t.elapsed());
    let msgs = mute.expect_eof(FEW);
    assert!(matches!(msgs.first(), Some(ToCaller::Welcome { .. })), "{msgs:?}");
}

#[test]
fn a_caller_that_only_pings_is_kept_alive_by_the_heartbeat() {
    let mut c = Console::start(&[]);
    let (mut caller, _) = RawCaller::join(&c.addr, "quiet", handoff("12"));
    c.expect("call 1 waits");
    // Nothing but heartbeats both ways for longer than the 6 s a silent peer is given.
    caller.expect_quiet(Duration::from_secs(8));
    assert!(caller.pings >= 3, "the console pinged {} times in 8 s", caller.pings);
    assert!(
        !c.out.seen.iter().any(|l| l.contains("left") || l.contains("lost")),
        "{:?}",
        c.out.seen
    );
    c.run(":answer");
    c.expect("=== call 1 from quiet: screen pop ===");
    assert!(matches!(caller.recv(), ToCaller::Answered { .. }));
}

#[test]
fn the_library_client_keeps_a_silent_call_alive_with_its_own_heartbeat() {
    use ivrsim::operator::client::{Client, ClientEvent};
    let mut c = Console::start(&[]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let addr = c.addr.clone();
    let mut client = rt.block_on(async {
        let mut client = Client::connect(&addr, "library caller", None).await.expect("connect");
        assert_eq!(client.console, crate::desk::HOTLINE);
        client.send(ToConsole::Join { handoff: handoff("13") });
        match client.recv().await {
            Some(ClientEvent::Message(m)) => assert_eq!(waiting_of(&m), ("reports", 1, true)),
            other => panic!("{other:?}"),
        }
        // Say nothing for 8 s: the client pings by itself, and hears only pings.
        let quiet = tokio::time::timeout(Duration::from_secs(8), client.recv()).await;
        assert!(quiet.is_err(), "{quiet:?}");
        client
    });
    c.run(":answer");
    c.expect("=== call 1 from library caller: screen pop ===");
    rt.block_on(async {
        match tokio::time::timeout(WAIT, client.recv()).await {
            Ok(Some(ClientEvent::Message(ToCaller::Answered { .. }))) => {}
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn killing_the_console_mid_call_ends_the_callers_connection_within_seconds() {
    let mut c = Console::start(&[]);
    let (mut talking, _) = RawCaller::join(&c.addr, "talking", handoff("11"));
    c.expect("call 1 waits");
    let (mut waiting, _) = RawCaller::join(&c.addr, "waiting", handoff("12"));
    c.expect("call 2 waits");
    c.run(":answer");
    assert!(matches!(talking.recv(), ToCaller::Answered { .. }));
    c.run("one moment");
    assert_eq!(
        talking.recv(),
        ToCaller::Say {
            text: "one moment".into()
        }
    );

    let t = Instant::now();
    c.kill();
    assert_eq!(talking.expect_eof(FEW), []);
    assert_eq!(waiting.expect_eof(FEW), []);
    assert!(t.elapsed() < FEW, "{:?}", t.elapsed());
}

/// The real caller (`ivrsim call --operator ADDR` from a pipe) reaches the urgent queue on
/// the hotline, is answered, and hears that the line was lost when the console dies.
#[test]
fn a_real_caller_hears_the_line_was_lost_when_the_console_dies() {
    let mut c = Console::start(&[]);
    let mut caller = RealCaller::start(&c.addr, "Grace");
    caller.reach("1"); // happening now: the urgent queue
    let waits = c
        .out
        .expect_within(Duration::from_secs(60), "the call", &c.stderr(), |l| {
            l.contains(" waits in `urgent`")
        });
    assert!(
        waits.contains(
            "(urgent, chosen) at position 1: Grace: welcome → main_menu → report_menu → urgent_notice → urgent_transfer"
        ),
        "{waits}"
    );
    c.run(":answer");
    c.expect("=== call 1 from Grace: screen pop ===");
    caller.expect("the call-taker answered");
    c.run("Hotline, what is happening?");
    caller.expect("Hotline, what is happening?");

    let t = Instant::now();
    c.kill();
    let lost = caller.expect("the line to the call-taker was lost");
    assert!(t.elapsed() < FEW, "shown after {:?}: {lost}", t.elapsed());
    assert!(
        lost.contains("closed the connection") || lost.contains("connection broken"),
        "{lost}"
    );
    // The call is over for the caller, who is told so.
    caller.expect("=== call over: cut off");
}

#[test]
fn a_caller_that_never_reads_does_not_stall_the_console() {
    let mut c = Console::start(&[]);
    // It pings (so it is not silent) but never reads a byte of what it is sent.
    let (stuck, _) = RawCaller::join(&c.addr, "stuck", handoff("11"));
    c.expect("call 1 waits");
    let (mut other, _) = RawCaller::join(&c.addr, "other", handoff("12"));
    c.expect("call 2 waits");
    c.run(":answer");
    c.expect("=== call 1 from stuck: screen pop ===");

    // Talk to the stuck caller, long lines, until the console gives up on it; written from
    // a thread so that a stalled console fails the test instead of hanging it.
    let mut stdin = c.take_stdin();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let writer = std::thread::spawn(move || {
        let text = format!("{}\n", "words to a caller who does not listen ".repeat(52));
        for _ in 0..20_000 {
            if flag.load(Ordering::Relaxed) || stdin.write_all(text.as_bytes()).is_err() {
                break;
            }
        }
        stdin
    });
    let lost = c.expect_by("the stuck caller dropped", |l| {
        l.starts_with("! call ") && l.contains(": the caller's line was lost (not reading")
    });
    stop.store(true, Ordering::Relaxed);
    let mut stdin = writer.join().expect("writer");
    assert!(lost.ends_with(": wrap the call up with `:end DISPOSITION`"), "{lost}");
    drop(stuck);
    // The console still answers the others at once.
    writeln!(stdin, ":end no_action").unwrap();
    writeln!(stdin, ":answer").unwrap();
    stdin.flush().unwrap();
    c.expect("call 1 ended: no_action");
    c.expect("=== call 2 from other: screen pop ===");
    assert!(matches!(other.recv(), ToCaller::Answered { .. }));
    writeln!(stdin, "hello").unwrap();
    stdin.flush().unwrap();
    assert_eq!(other.recv(), ToCaller::Say { text: "hello".into() });
}

#[test]
fn a_connection_that_pings_but_never_says_hello_is_closed() {
    let c = Console::start(&[]);
    // It keeps up the heartbeat, so only the hello deadline can close it.
    let mut lurker = RawCaller::connect(&c.addr);
    let t = Instant::now();
    let msgs = lurker.expect_eof(WAIT);
    assert!(t.elapsed() < Duration::from_secs(10), "closed after {:?}", t.elapsed());
    assert!(
        msgs.iter()
            .any(|m| matches!(m, ToCaller::Error { message, fatal: true, .. } if message.contains("no `hello`"))),
        "{msgs:?}"
    );
}

#[test]
fn what_a_caller_sends_cannot_forge_or_clear_console_lines() {
    let mut c = Console::start(&[]);
    let mut h = handoff("12");
    h.language = "en\u{1b}[2J".into();
    h.variables
        .insert("note\nfake".into(), "x\r\ncall 9 waits in `x`".into());
    let (mut caller, _) = RawCaller::join(&c.addr, "Bob\u{202e}\ncall 8 waits in `fake`", h);
    c.expect("call 1 waits");
    c.run(":answer");
    c.expect("=== call 1 from Bob??call 8 waits in `fake`: screen pop ===");
    assert!(matches!(caller.recv(), ToCaller::Answered { .. }));
    caller.send(&ToConsole::Say {
        text: "hi\r\n> :fake\u{200b}\u{2066}".into(),
    });
    c.expect("  caller: hi??> :fake??");
    assert!(c.quit().success());
    let shown = c.out.seen.join("\n");
    assert!(!shown.contains('\u{1b}'), "an escape reached the screen");
    assert!(
        !shown.contains(['\u{202e}', '\u{200b}', '\u{2066}']),
        "a bidi override or an invisible character reached the screen"
    );
    assert!(
        !c.out
            .seen
            .iter()
            .any(|l| l.starts_with("call 9") || l.starts_with("call 8"))
    );
}

/// A console whose answer to the hello is longer than a message may be: the caller says its
/// answer was dropped, not that the console refused the call.
#[test]
fn an_oversized_answer_is_not_called_a_refusal() {
    use std::io::BufRead;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let server = std::thread::spawn(move || {
        // Two connection attempts at most (the caller tries again while it holds).
        for _ in 0..2 {
            let Ok((stream, _)) = listener.accept() else { return };
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut hello = String::new();
            let _ = reader.read_line(&mut hello);
            let mut w = stream;
            let long = format!(
                "{{\"v\":1,\"type\":\"welcome\",\"console\":\"{}\"}}\n",
                "x".repeat(70_000)
            );
            let _ = w.write_all(long.as_bytes());
            std::thread::sleep(Duration::from_millis(300));
        }
    });
    let dir = crate::support::Dir::new();
    dir.write("m.yaml", crate::support::MINIMAL);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ivrsim"))
        .current_dir(dir.path())
        .args([
            "call",
            "m.yaml",
            "--mute",
            "--at",
            "2026-03-02T10:00",
            "--operator",
            &addr,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"0\n").unwrap();
    // The input stays open while the caller is handed over and connects.
    std::thread::sleep(Duration::from_secs(4));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("could not be used: its answer was dropped"), "{all}");
    assert!(!all.contains("refused the connection"), "{all}");
    drop(server);
}
