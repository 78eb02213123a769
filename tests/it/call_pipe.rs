//! `ivrsim call` with input from a pipe: one input per line, virtual time, a stable transcript.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use assert_cmd::Command;
use ivrsim::audio::ClipLibrary;
use ivrsim::engine::{Call, CallClock, CallStart, Effect, Outcome};
use ivrsim::menu::{Menu, NodeKind, load_menu};
use ivrsim::source::Sources;

use crate::support::{Dir, MINIMAL, UNICODE_KEYWORDS, root};

/// `ivrsim call ARGS` in the repository root with `input` on stdin.
fn call(args: &[&str], input: &str) -> (String, String, i32) {
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(root())
        .arg("call")
        .args(args)
        .write_stdin(input)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

const MONDAY_10: &str = "2026-03-02T10:00";
const SUNDAY_10: &str = "2026-03-01T10:00";

#[test]
fn silence_ends_with_a_representative() {
    let (out, err, code) = call(&["--at", MONDAY_10], "1\n\n\n\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no input: 3 of 3"), "{out}");
    assert!(
        out.contains("queue: general   priority: normal   reason: max_no_input"),
        "{out}"
    );
    assert!(out.contains("=== call over: transferred to queue general"), "{out}");
}

#[test]
fn the_transcript_on_stdout_is_the_same_every_run() {
    let input = "2\n2026\n#\n20261234#\n";
    let first = call(&["--at", MONDAY_10], input);
    let second = call(&["--at", MONDAY_10], input);
    assert_eq!(first.0, second.0);
    assert!(first.0.contains("case_number = 20261234"), "{}", first.0);
    insta::assert_snapshot!("call-follow-up", first.0);
}

#[test]
fn bad_input_gets_one_line_and_the_call_goes_on() {
    let long = "1".repeat(10_000);
    let input = format!(":frobnicate\n\u{1b}[2J\n{long}\n12a\n!!!\n0\n");
    let (out, err, code) = call(&["--at", MONDAY_10], &input);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("! unknown command `:frobnicate`"), "{out}");
    assert!(out.contains("! control characters"), "{out}");
    assert!(out.contains("the limit is 1000"), "{out}");
    // A line with a letter is words, as a spoken keyword is (it used to be refused as keys).
    assert!(out.contains("\"12a\": no option matches"), "{out}");
    assert!(out.contains("! `!!!` is neither keys"), "{out}");
    assert!(
        out.contains("reason: operator_key"),
        "the last line still worked:\n{out}"
    );
    assert!(!out.contains('\u{1b}'), "no escape sequence is echoed");
}

// Every keyword `check` passes can be said through the pipe, by the one keyword rule: a
// precomposed or decomposed accent, a Turkish capital I, digits with a word, Arabic-Indic
// digits. (Before: "İstanbul" was a no-match, the decomposed keyword matched only "re sume",
// "24 hours" was refused as keys, "٣" as neither keys nor words.)
#[test]
fn every_kind_of_keyword_can_be_said_through_the_pipe() {
    let dir = Dir::new();
    dir.write("menu.yaml", UNICODE_KEYWORDS);
    let said = |line: &str| {
        let out = Command::cargo_bin("ivrsim")
            .unwrap()
            .current_dir(dir.path())
            .args(["call", "menu.yaml"])
            .write_stdin(format!("{line}\n"))
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for (line, queue) in [
        ("café", "q1"),
        ("cafe\u{301}", "q1"),
        ("CAFÉ please", "q1"),
        ("résumé", "q2"),
        ("re\u{301}sume\u{301}", "q2"),
        ("İstanbul", "q3"),
        ("24 hours", "q4"),
        ("٣", "q5"),
    ] {
        let out = said(line);
        assert!(
            out.contains(&format!("transferred to queue {queue} (normal priority, chosen)")),
            "{line:?}:\n{out}"
        );
    }
    assert!(said("re sume").contains("no option matches"));
}

#[test]
fn commands() {
    let (out, _, code) = call(
        &["--at", MONDAY_10],
        ":help\n1\n:where\n:map\n:back\n:vars\n:hangup\n:restart\n:quit\n",
    );
    assert_eq!(code, 0);
    assert!(out.contains(":where    where you are"), "{out}");
    assert!(out.contains("you are at `report_menu`"), "{out}");
    assert!(out.contains("options of `report_menu`:"), "{out}");
    assert!(out.contains("nothing collected yet"), "{out}");
    assert!(out.contains("the caller hung up"), "{out}");
    assert!(out.contains("--- a new call ---"), "{out}");
}

#[test]
fn a_menu_with_errors_is_refused_with_the_findings() {
    let dir = Dir::new();
    dir.write("bad.yaml", MINIMAL.replace("to: operator", "to: nowhere"));
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["call", "bad.yaml"])
        .write_stdin("1\n")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E006]") && err.contains("bad.yaml:"), "{err}");
    assert!(err.contains("a call needs a menu that `ivrsim check` passes"), "{err}");
}

#[test]
fn transcript_is_written_also_when_quitting_mid_call() {
    let dir = Dir::new();
    let t = dir.path().join("t.json");
    let (_, err, code) = call(&["--at", MONDAY_10, "--transcript", t.to_str().unwrap()], "1\n:quit\n");
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&t).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["outcome"]["kind"], "abandoned");
    let events = json["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["effect"] == "dtmf_tone" && e["key"] == "1"));
    assert_eq!(events.last().unwrap()["effect"], "ended");
}

// ------------------------------------------------------------- every queue, by keys and by silence

fn hotline() -> (Menu, ClipLibrary) {
    let mut sources = Sources::new();
    let menu = load_menu(&root().join("menus/hotline.yaml"), &mut sources)
        .unwrap()
        .menu
        .unwrap();
    let (clips, _) = ClipLibrary::load(&menu);
    (menu, clips)
}

/// Plays `inputs` (keys, or "" for silence) as the pipe driver does; returns the outcome.
fn play(menu: &Menu, clips: &ClipLibrary, clock: CallClock, inputs: &[&str]) -> Option<Outcome> {
    let mut c = Call::new(
        menu,
        clips.timings(),
        CallStart {
            clock,
            ..CallStart::default()
        },
    );
    let settle = |c: &mut Call| {
        while !c.is_ended() && c.is_playing() {
            let t = c.poll_timeout().unwrap();
            c.handle_timeout(t);
        }
    };
    settle(&mut c);
    for i in inputs {
        if c.is_ended() {
            break;
        }
        if i.is_empty() {
            let t = c.poll_timeout().unwrap();
            c.handle_timeout(t);
        } else {
            c.handle_keys(c.now(), i);
        }
        settle(&mut c);
    }
    std::iter::from_fn(|| c.poll_effect()).find_map(|e| match e {
        Effect::Ended(s) => Some(s.outcome),
        _ => None,
    })
}

fn queues(menu: &Menu) -> BTreeSet<String> {
    menu.nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::Transfer(t) => Some(t.queue.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_queue_of_the_hotline_can_be_reached_by_keys() {
    let (menu, clips) = hotline();
    let clocks = [
        CallClock::new("2026-03-02T10:00".parse().unwrap()),
        CallClock::new("2026-03-01T10:00".parse().unwrap()),
    ];
    let mut reached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Breadth first over key sequences (one key or a case number per step).
    let steps = ["0", "1", "2", "3", "4", "5", "20261234#"];
    for clock in clocks {
        let mut queue: VecDeque<Vec<&str>> = VecDeque::from([vec![]]);
        while let Some(seq) = queue.pop_front() {
            match play(&menu, &clips, clock, &seq) {
                Some(Outcome::Transferred { queue: q, reason, .. }) => {
                    assert_ne!(reason, ivrsim::engine::HandoffReason::MaxNoInput);
                    reached
                        .entry(q)
                        .or_insert_with(|| seq.iter().map(|s| s.to_string()).collect());
                }
                Some(_) => {}
                None if seq.len() < 4 => {
                    for s in steps {
                        let mut next = seq.clone();
                        next.push(s);
                        queue.push_back(next);
                    }
                }
                None => {}
            }
        }
    }
    let missing: Vec<_> = queues(&menu).into_iter().filter(|q| !reached.contains_key(q)).collect();
    assert!(
        missing.is_empty(),
        "queues no key sequence reaches: {missing:?}\nreached: {reached:?}"
    );
}

#[test]
fn silence_anywhere_reaches_a_person() {
    // From every menu and collect a caller can get to, staying silent ends with an operator.
    let (menu, clips) = hotline();
    let clock = CallClock::new("2026-03-02T10:00".parse().unwrap());
    for prefix in [vec![], vec!["1"], vec!["2"], vec!["3"], vec!["4"], vec!["3", "1"]] {
        let mut inputs = prefix.clone();
        inputs.extend(["", "", "", "", ""]);
        match play(&menu, &clips, clock, &inputs) {
            Some(Outcome::Transferred { reason, .. }) => {
                assert!(
                    matches!(
                        reason,
                        ivrsim::engine::HandoffReason::MaxNoInput | ivrsim::engine::HandoffReason::Chosen
                    ),
                    "{prefix:?}: {reason:?}"
                );
            }
            other => panic!("{prefix:?} then silence: {other:?}"),
        }
    }
}

#[test]
fn the_recording_is_as_long_as_the_call() {
    let dir = Dir::new();
    let (t, w) = (dir.path().join("t.json"), dir.path().join("call.wav"));
    let args = [
        "--at",
        MONDAY_10,
        "--transcript",
        t.to_str().unwrap(),
        "--record",
        w.to_str().unwrap(),
    ];
    let (_, err, code) = call(&args, "1\n2\n");
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&t).unwrap()).unwrap();
    let end_ms = json["summary"]["time_in_ivr_ms"].as_u64().unwrap();
    let wav = hound::WavReader::open(&w).unwrap();
    let spec = wav.spec();
    assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample), (1, 8000, 16));
    // 8 samples per millisecond; the transcript's times are whole milliseconds, the call's
    // end is not (clip lengths are samples), so they agree to within one millisecond.
    let samples = u64::from(wav.len());
    assert!(
        samples.abs_diff(end_ms * 8) < 8,
        "{samples} samples for a call of {end_ms} ms"
    );
    // Not silence: the prompts and the key tones are in it.
    let loud = wav
        .into_samples::<i16>()
        .filter(|s| s.as_ref().unwrap().unsigned_abs() > 1000)
        .count();
    assert!(loud > 8000, "{loud} loud samples");
}

#[test]
fn after_hours_a_regional_call_goes_to_the_national_line() {
    // Closed: the after-hours menu offers a recorded report (1) or the national line (2).
    let (out, _, code) = call(&["--at", SUNDAY_10], "4\n1\n2\n");
    assert_eq!(code, 0);
    assert!(out.contains("regions_closed"), "{out}");
    assert!(out.contains("transferred to queue national"), "{out}");
    let (out, _, _) = call(&["--at", MONDAY_10], "4\n1\n");
    assert!(out.contains("transferred to queue region-north"), "{out}");
}

#[test]
fn bad_flags_are_refused_before_the_call() {
    for args in [
        vec!["--record", "/nonexistent-folder/t.wav"],
        vec!["--transcript", "/"],
        vec!["--at", "2026-03-02T10:00Z"],
        vec!["--at", "2026-03-02T10:00+09:00"],
        vec!["--var", "=x"],
        vec!["--var", "region"],
        vec!["--language", "xx"],
        vec!["--transcript", "same.out", "--record", "same.out"],
    ] {
        let (out, err, code) = call(&args, "1\n");
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?}: the call did not start:\n{out}");
        assert!(!err.is_empty(), "{args:?}: says why");
    }
}

#[test]
fn a_line_that_is_not_utf8_is_refused_and_the_call_goes_on() {
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(root())
        .args(["call", "--at", MONDAY_10])
        .write_stdin(b"\xff\xfe\n0\n".to_vec())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("is neither keys"), "{text}");
    assert!(text.contains("reason: operator_key"), "{text}");
}

#[test]
fn devices_links_and_the_menu_are_never_replaced_by_output_files() {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    std::os::unix::fs::symlink(dir.path().join("menu.yaml"), dir.path().join("link.json")).unwrap();
    for (target, code) in [("/dev/null", 0), ("link.json", 2), ("menu.yaml", 2)] {
        let out = Command::cargo_bin("ivrsim")
            .unwrap()
            .current_dir(dir.path())
            .args(["call", "menu.yaml", "--transcript", target])
            .write_stdin("1\n")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{target}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let null = std::fs::metadata("/dev/null").unwrap().file_type();
    assert!(
        std::os::unix::fs::FileTypeExt::is_char_device(&null),
        "/dev/null is still a device"
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("menu.yaml")).unwrap(), MINIMAL);
}

#[test]
fn a_loop_of_messages_still_lets_the_caller_act() {
    // Two messages leading to each other: the line never pauses, but the caller's `0` (the
    // operator key, which works during messages) still gets through.
    let dir = Dir::new();
    dir.write(
        "loop.yaml",
        r#"name: Loop
entry: a
defaults: { keys: { operator: "0" }, operator: op }
nodes:
  a: { kind: message, prompt: { text: "one" }, next: b }
  b: { kind: message, prompt: { text: "two" }, next: a }
  op: { kind: transfer, queue: general }
"#,
    );
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["call", "loop.yaml"])
        .write_stdin("0\n")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text.contains("prompts without a pause"),
        "{}",
        &text[text.len().saturating_sub(2000)..]
    );
    assert!(
        text.contains("reason: operator_key"),
        "{}",
        &text[text.len().saturating_sub(2000)..]
    );
}

#[test]
fn absurd_timeouts_are_menu_errors_not_crashes() {
    let dir = Dir::new();
    dir.write(
        "huge.yaml",
        MINIMAL.replace(
            "  fallback: operator\n",
            "  fallback: operator\n  timeout: 200000000000years\n",
        ),
    );
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["call", "huge.yaml"])
        .write_stdin("\n\n")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E016") && err.contains("longer than 24 hours"), "{err}");
}

#[test]
fn an_operator_address_that_cannot_be_one_is_refused_before_the_call() {
    for addr in ["nonsense", "127.0.0.1:99999", ":::", ""] {
        let out = crate::support::ivrsim(&["call", "--operator", addr]);
        assert_eq!(out.code, 2, "{addr}: {}", out.stderr);
        assert!(out.stderr.contains("is not an address"), "{addr}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "no call was started: {}", out.stdout);
    }
}

/// A caller who repeats a prompt of no length without end: the call's memory stays bounded
/// (the transcript keeps `MAX_LOG_EFFECTS` effects and counts the rest, the path is compacted).
#[test]
fn endless_repeats_of_an_empty_prompt_keep_the_transcript_bounded() {
    let dir = Dir::new();
    crate::support::write_wav(&dir.path().join("empty.wav"), 8000, 1, 0);
    dir.write(
        "m.yaml",
        MINIMAL
            .replace(r#"keys: { operator: "0" }"#, r#"keys: { operator: "0", repeat: "*" }"#)
            .replace(
                r#"prompt: { text: "For help press 1." }"#,
                r#"prompt: { text: "For help press 1.", audio: empty.wav }"#,
            ),
    );
    let input = "*\n".repeat(60_000);
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["call", "m.yaml", "--transcript", "t.json"])
        .write_stdin(input)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("t.json")).unwrap()).unwrap();
    let events = t["events"].as_array().unwrap();
    assert!(
        events.len() <= ivrsim::call::session::MAX_LOG_EFFECTS + 1,
        "{} events kept",
        events.len()
    );
    assert!(t["left_out"].as_u64().unwrap() > 0, "the effects left out are counted");
    assert!(
        t["summary"]["outcome"].is_object(),
        "the call's end is kept: {}",
        t["summary"]
    );
    let path = t["summary"]["path"].as_array().unwrap();
    assert_eq!(path.len(), ivrsim::engine::MAX_PATH_STEPS);
}

fn input_after_the_end() -> &'static str {
    "! the call is over: this line is ignored"
}

/// Whatever is piped in, a call ends at its maximum length (4 hours of call time).
#[test]
fn a_call_ends_at_its_maximum_length() {
    // `*` replays the main menu's short prompt: 4,000 of them run past 4 hours.
    let (out, err, code) = call(&["--at", MONDAY_10], &"*\n".repeat(4_000));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("=== call over: ended by the line (the call reached its maximum length) ==="),
        "{}",
        &out[out.len().saturating_sub(2000)..]
    );
    assert!(out.contains("[4:00:00.0] the line hangs up"), "at 4 h exactly");
    // Lines after the end: the first is answered, the rest counted.
    assert_eq!(
        out.matches(input_after_the_end()).count(),
        1,
        "{}",
        &out[out.len().saturating_sub(2000)..]
    );
    assert!(
        out.contains("more lines after the end of the call ignored)"),
        "{}",
        &out[out.len().saturating_sub(500)..]
    );
}

#[test]
fn an_at_with_a_year_out_of_range_says_so() {
    for at in [
        "-0001-01-01T00:00",
        "+12026-01-01T00:00",
        "0000-01-01T00:00",
        "12026-01-01T00:00",
    ] {
        let (_, err, code) = call(&["--at", at], "0\n");
        assert_eq!(code, 2, "{at}: {err}");
        assert!(!err.contains("unexpected argument"), "{at}: {err}");
        assert!(err.contains("the year must be from 0001 to 9999"), "{at}: {err}");
    }
    let (_, err, code) = call(&["--at", "2026-13-01T00:00"], "0\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("such as 2026-03-02T19:30"), "{err}");
}

/// From a pipe the end of a call says nothing about `:quit` (the end of the input leaves);
/// a key after the end says it is ignored and how to start again.
#[test]
fn a_piped_call_ends_with_what_applies_to_a_pipe() {
    let (out, err, code) = call(&["--at", MONDAY_10], "0\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("=== call over: transferred"), "{out}");
    assert!(!out.contains(":quit"), "{out}");
    let (out, err, code) = call(&["--at", MONDAY_10], "0\n1\n");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("> 1\n           ! the call is over: this line is ignored (`:restart` starts a new call)\n"),
        "{out}"
    );
    assert!(!out.contains(":quit"), "{out}");
}

/// `:help` says one true thing about an empty line, for a pipe.
#[test]
fn help_from_a_pipe_says_one_thing_about_an_empty_line() {
    let (out, err, code) = call(&["--at", MONDAY_10], ":help\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("empty line").count(), 1, "{out}");
    assert!(
        out.contains("an empty line is silence until the next time-out"),
        "{out}"
    );
}

/// `call --operator` from a pipe: the end of the input hangs up, console or not (here none
/// listens at the address), so the command ends instead of holding until killed. Like every
/// piped line, it waits for the caller's turn: after the empty line's silence (the no-input
/// time-out at 3.2 s), the re-prompt and the prompt again (to 4.4 s), in real time.
#[test]
fn the_end_of_input_hangs_up_a_call_with_an_operator_line() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let dir = Dir::new();
    dir.write("short.yaml", crate::support::SHORT_PROMPTS);
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["call", "short.yaml", "--mute", "--at", MONDAY_10, "--operator", &addr])
        .write_stdin("\n")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("[00:03.2] main_menu (no input 1): Hello?")
            && stdout.contains("[00:03.6] main_menu: Press one.")
            && stdout.contains("=== call over: the caller hung up ===")
            && stdout.contains("time in IVR: 0:04"),
        "{stdout}"
    );
}

// ------------------------------------------------------------- signals: the call ends, nothing is lost

/// `ivrsim call` in `dir` with every output asked for, its stdin a pipe that `feed` writes
/// (and keeps open); once the transcript exists and `settle` has passed, `kill -SIGNAL`.
/// Returns the exit code (it must come within 10 s) and what it printed.
fn killed_call(
    dir: &std::path::Path,
    extra: &[&str],
    signal: &str,
    settle: Duration,
    feed: impl FnOnce(std::process::ChildStdin) + Send + 'static,
) -> (Option<i32>, String) {
    use std::io::Read;
    use std::process::Stdio;
    let menu = root().join("menus/hotline.yaml");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ivrsim"))
        .current_dir(dir)
        .arg("call")
        .args(["--at", MONDAY_10])
        .arg(&menu)
        .args(extra)
        .args([
            "--transcript",
            "t.json",
            "--save-scenario",
            "s.yaml",
            "--record",
            "r.wav",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || feed(stdin));
    let mut stdout = child.stdout.take().unwrap();
    let printed = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let start = std::time::Instant::now();
    while !dir.join("t.json").exists() {
        assert!(start.elapsed() < Duration::from_secs(30), "no transcript after 30 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(settle);
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success()
    );
    let killed = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if killed.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running 10 s after kill {signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status.code(), printed.join().unwrap())
}

/// Every output of a call ended by a signal is there and complete, and no temporary file is left.
fn assert_nothing_lost(dir: &std::path::Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with(".part")),
        "a temporary file was left: {names:?}"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("t.json")).unwrap()).unwrap();
    assert_eq!(
        json["events"].as_array().unwrap().last().unwrap()["effect"],
        "ended",
        "{json}"
    );
    assert_eq!(json["summary"]["outcome"]["kind"], "abandoned", "{json}");
    let wav = hound::WavReader::open(dir.join("r.wav")).expect("a complete WAV");
    assert!(wav.duration() > 0);
    assert!(dir.join("s.yaml").exists(), "no scenario saved: {names:?}");
    // The saved scenario replays the call, hang-up included.
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir)
        .args(["test", "s.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sigint_and_sigterm_end_a_call_waiting_on_an_open_pipe() {
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let dir = Dir::new();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (status, out) = killed_call(dir.path(), &[], signal, Duration::ZERO, move |mut stdin| {
            use std::io::Write;
            stdin.write_all(b"1\n").unwrap();
            // The pipe stays open: the call waits for its next line when the signal comes.
            let _ = rx.recv();
        });
        drop(tx);
        assert_eq!(status, Some(code), "kill {signal}: {out}");
        let name = if signal == "-INT" { "SIGINT" } else { "SIGTERM" };
        assert!(out.contains(&format!("{name}: the call ends here")), "{out}");
        assert!(out.contains("the caller hung up"), "{out}");
        assert_nothing_lost(dir.path());
    }
}

#[test]
fn sigterm_during_a_fast_script_leaves_every_file_and_no_temporary_one() {
    let dir = Dir::new();
    let (status, out) = killed_call(dir.path(), &[], "-TERM", Duration::from_millis(700), |mut stdin| {
        use std::io::Write;
        // Until the call is gone: a script that restarts and presses 1, as fast as it can.
        while stdin.write_all(b":restart\n1\n").is_ok() {}
    });
    assert_eq!(
        status,
        Some(143),
        "{}",
        out.lines().rev().take(20).collect::<Vec<_>>().join("\n")
    );
    assert_nothing_lost(dir.path());
}

/// The real-time driver (`--timeouts` from a pipe, as `--operator` uses) ends on a signal the
/// same way: files written, and the status says which signal (one set of signals for every
/// driver, `ivrsim::signals`).
#[test]
fn a_signal_ends_a_real_time_piped_call_with_its_status() {
    let dir = Dir::new();
    let (status, _out) = killed_call(
        dir.path(),
        &["--timeouts"],
        "-TERM",
        Duration::from_millis(300),
        |mut stdin| {
            use std::io::Write;
            let _ = stdin.write_all(b"1\n");
            std::thread::sleep(Duration::from_secs(60));
        },
    );
    assert_eq!(status, Some(143));
    assert_nothing_lost(dir.path());
}
