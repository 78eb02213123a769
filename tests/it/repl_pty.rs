//! `ivrsim call` in a pseudo-terminal (rexpect): what a trainee sees and types.
//!
//! Every wait has a deadline ([`WAIT_MS`], generous for slow, shared CI machines) and the
//! child is killed if it does not exit in time, so a broken REPL fails a test with what it
//! printed, never hangs it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rexpect::process::{Signal, WaitStatus};
use rexpect::session::{Options, PtySession, spawn_with_options};

use crate::support::Dir;

/// Longest wait for any expected output, in ms.
const WAIT_MS: u64 = 60_000;

/// A menu whose prompts are one or two words of text (under a second each) and whose
/// no-input time-out is `timeout`.
fn menu(timeout: &str) -> String {
    format!(
        r#"name: Quick
entry: main
defaults:
  when_no_operator: {{ action: message, prompt: {{ text: "No one can take your call now." }} }}
  timeout: {timeout}
  max_no_input: 9
  fallback: operator
  keys: {{ operator: "0" }}
  no_input: [{{ text: "Hello?" }}]
  no_match: [{{ text: "Pardon?" }}]
nodes:
  main:
    kind: menu
    prompt: {{ text: "Press one." }}
    options:
      - {{ key: "1", to: operator, label: "an operator" }}
      - {{ key: "2", to: bye, label: "goodbye" }}
  bye:
    kind: hangup
    prompt: {{ text: "Goodbye." }}
  operator:
    kind: transfer
    queue: general
"#
    )
}

/// `ivrsim call quick.yaml --mute --transcript t.json` in a terminal, in `dir`, with the
/// history in `dir`.
fn spawn(dir: &Path, extra: &[&str]) -> PtySession {
    let mut args = vec!["call", "quick.yaml", "--mute", "--transcript", "t.json"];
    args.extend_from_slice(extra);
    spawn_args(dir, &args, WAIT_MS)
}

/// `ivrsim ARGS` in a terminal, in `dir`, with the history in `dir`; every wait for output
/// ends after `wait_ms`.
fn spawn_args(dir: &Path, args: &[&str], wait_ms: u64) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ivrsim"));
    cmd.current_dir(dir)
        .args(args)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env_remove("IVRSIM_LOG")
        .env_remove("IVRSIM_TOKEN");
    spawn_with_options(
        cmd,
        Options::new().timeout_ms(Some(wait_ms)).strip_ansi_escape_codes(true),
    )
    .expect("spawn ivrsim in a pty")
}

/// Waits for `needle`; on failure, says what was printed instead.
fn expect(p: &mut PtySession, needle: &str) {
    if let Err(e) = p.exp_string(needle) {
        panic!("waiting for {needle:?}: {e}");
    }
}

/// Types `text` (Enter is `\r`, as a terminal sends it).
fn type_(p: &mut PtySession, text: &str) {
    p.send(text).expect("type");
    p.flush().expect("flush");
}

/// Reads the rest of the output and the exit status, killing the child after the deadline.
fn exit_code(mut p: PtySession) -> i32 {
    let rest = p.exp_eof();
    let deadline = Instant::now() + Duration::from_millis(WAIT_MS);
    loop {
        match p.process().status() {
            Some(WaitStatus::Exited(_, code)) => return code,
            Some(WaitStatus::StillAlive) | None if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            other => {
                let _ = p.process_mut().signal(Signal::SIGKILL);
                panic!("ivrsim did not exit in time: {other:?}; output: {rest:?}");
            }
        }
    }
}

fn transcript(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("t.json")).expect("--transcript written");
    serde_json::from_str(&text).expect("transcript is JSON")
}

fn path_events(t: &serde_json::Value) -> Vec<String> {
    t["summary"]["path"]
        .as_array()
        .expect("a path")
        .iter()
        .map(|s| format!("{} {}", s["at_ms"], s["event"].as_str().unwrap_or_default()))
        .collect()
}

#[test]
fn captions_completion_and_ctrl_d() {
    let dir = Dir::new();
    dir.write("quick.yaml", menu("60s"));
    let mut p = spawn(dir.path(), &[]);
    // (1) The prompt is a caption.
    expect(&mut p, "[00:00.0] main: Press one.");
    expect(&mut p, "> ");
    // (2) Tab completes a command: `:he` becomes `:help`, which Enter runs.
    type_(&mut p, ":he\t");
    type_(&mut p, "\r");
    expect(&mut p, "show this help");
    expect(&mut p, "Tab completes commands");
    // Tab twice on an empty line lists this menu's keys.
    type_(&mut p, "\t\t");
    expect(&mut p, "an operator");
    expect(&mut p, "goodbye");
    // (4) Ctrl-D hangs up and leaves; the transcript is written.
    p.send_control('d').expect("Ctrl-D");
    expect(&mut p, "the caller hung up");
    assert_eq!(exit_code(p), 0);
    let t = transcript(dir.path());
    assert_eq!(t["summary"]["outcome"]["kind"], "abandoned", "{t}");
    let path = path_events(&t);
    assert_eq!(path.first().map(String::as_str), Some("0 enter"), "{path:?}");
    assert!(path.last().unwrap().ends_with("caller hangs up"), "{path:?}");
    let history = std::fs::read_to_string(dir.path().join("data/ivrsim/history.txt")).expect("history saved");
    assert!(history.contains(":help"), "{history}");
}

#[test]
fn a_real_time_re_prompt_comes_without_typing_then_quit() {
    let dir = Dir::new();
    dir.write("quick.yaml", menu("300ms"));
    let mut p = spawn(dir.path(), &[]);
    expect(&mut p, "main: Press one.");
    // (3) Nobody types: the prompt ends at 0.8 s, the no-input time-out fires at 1.1 s.
    expect(&mut p, "[00:01.1] main (no input 1): Hello?");
    expect(&mut p, "main: Press one.");
    // (4) :quit hangs up and leaves.
    type_(&mut p, ":quit\r");
    expect(&mut p, "the caller hung up");
    assert_eq!(exit_code(p), 0);
    let path = path_events(&transcript(dir.path()));
    assert_eq!(path[..2], ["0 enter", "1100 no-input 1"], "{path:?}");
}

#[test]
fn keys_in_real_time_and_ctrl_c_after_the_end() {
    let dir = Dir::new();
    dir.write("quick.yaml", menu("60s"));
    let mut p = spawn(dir.path(), &[]);
    expect(&mut p, "main: Press one.");
    expect(&mut p, "> ");
    type_(&mut p, "1\r");
    expect(&mut p, "=== handed to an operator: what the call-taker sees ===");
    expect(&mut p, "transferred to queue general");
    expect(&mut p, "`:restart` for a new one");
    // The file is written while the program still runs (just after the screen shows the end).
    let deadline = Instant::now() + Duration::from_millis(WAIT_MS);
    while !std::fs::read_to_string(dir.path().join("t.json")).is_ok_and(|t| t.contains("\"transferred\"")) {
        assert!(
            Instant::now() < deadline,
            "the transcript is not written before the end"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    type_(&mut p, "nonsense!\r");
    expect(&mut p, "`:restart` for a new one");
    p.send_control('c').expect("Ctrl-C");
    assert_eq!(exit_code(p), 0);
    let t = transcript(dir.path());
    assert_eq!(t["summary"]["outcome"]["kind"], "transferred", "{t}");
}

#[test]
fn sigterm_hangs_up_and_writes_the_transcript() {
    let dir = Dir::new();
    dir.write("quick.yaml", menu("60s"));
    let mut p = spawn(dir.path(), &[]);
    expect(&mut p, "main: Press one.");
    expect(&mut p, "> ");
    p.process_mut().signal(Signal::SIGTERM).expect("SIGTERM");
    expect(&mut p, "the caller hung up");
    assert_eq!(
        exit_code(p),
        143,
        "a signal (not Ctrl-C at the prompt) says which: 128 + 15"
    );
    let path = path_events(&transcript(dir.path()));
    assert!(path.last().unwrap().ends_with("caller hangs up"), "{path:?}");
}

/// `--timeouts` with input from a pipe: the same real-time driver, lines read without the
/// line editor (and echoed, as a pipe does not).
#[test]
fn a_pipe_with_timeouts_runs_in_real_time() {
    use std::io::Write;
    use std::process::Stdio;

    let dir = Dir::new();
    dir.write("quick.yaml", menu("300ms"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_ivrsim"))
        .current_dir(dir.path())
        .args(["call", "quick.yaml", "--timeouts", "--mute", "--transcript", "t.json"])
        .env("NO_COLOR", "1")
        .env_remove("IVRSIM_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ivrsim");
    let mut stdin = child.stdin.take().expect("stdin");
    // Silence until the transcript shows the first re-prompt (written after it), then quit.
    let deadline = Instant::now() + Duration::from_millis(WAIT_MS);
    while !std::fs::read_to_string(dir.path().join("t.json")).is_ok_and(|t| t.contains("\"no_input\"")) {
        if Instant::now() > deadline || child.try_wait().expect("status").is_some() {
            let _ = child.kill();
            panic!("no re-prompt in the transcript: {:?}", child.wait_with_output());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    writeln!(stdin, ":quit").expect("type :quit");
    drop(stdin);
    let deadline = Instant::now() + Duration::from_millis(WAIT_MS);
    while child.try_wait().expect("status").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ivrsim did not exit in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("[00:01.1] main (no input 1): Hello?"), "{stdout}");
    assert!(
        stdout.contains("> :quit") && stdout.contains("the caller hung up"),
        "{stdout}"
    );
    let path = path_events(&transcript(dir.path()));
    assert_eq!(path[..2], ["0 enter", "1100 no-input 1"], "{path:?}");
}

/// How long a line shown by a timer may take to appear, in ms: the timers fire within a
/// second or two, so a screen held back until the next keystroke (which never comes in
/// these tests) fails the wait.
const ON_TIME_MS: u64 = 15_000;

/// One Tab (several candidates, nothing to add) must not hold back what the call shows: the
/// re-prompts appear on time, without another keystroke. Then one Tab that completes, and
/// Tab on a line with one candidate, leave the screen live as well.
#[test]
fn a_tab_does_not_freeze_the_screen_in_call() {
    let dir = Dir::new();
    dir.write("quick.yaml", menu("300ms"));
    let mut p = spawn_args(
        dir.path(),
        &["call", "quick.yaml", "--mute", "--transcript", "t.json"],
        ON_TIME_MS,
    );
    expect(&mut p, "main: Press one.");
    expect(&mut p, "> ");
    type_(&mut p, "\t");
    // The one Tab lists the keys at once (nothing to add to an empty line).
    expect(&mut p, "an operator");
    expect(&mut p, "(no input 1): Hello?");
    expect(&mut p, "(no input 2): Hello?");
    type_(&mut p, ":");
    type_(&mut p, "\t");
    expect(&mut p, "(no input 3): Hello?");
    type_(&mut p, "\t\t\t");
    expect(&mut p, "(no input 4): Hello?");
    p.send_control('u').expect("Ctrl-U");
    type_(&mut p, ":wh\t");
    expect(&mut p, "(no input 5): Hello?");
    type_(&mut p, "\r");
    expect(&mut p, "you are at `main`");
    p.send_control('d').expect("Ctrl-D");
    expect(&mut p, "the caller hung up");
    assert_eq!(exit_code(p), 0);
}

/// The same at the call-taker console: `:` then Tab, and a training call still shows as it
/// joins the queue.
#[test]
fn a_tab_does_not_freeze_the_operator_console() {
    let dir = Dir::new();
    let mut quick = menu("60s");
    quick.push_str("dispositions:\n  done: Done.\n");
    dir.write("quick.yaml", quick);
    dir.write(
        "call.yaml",
        r#"menu: quick.yaml
name: a quick caller
arrival: 2s
steps:
  - press: "1"
persona: { name: Ada Quill, mood: calm }
opening: "Hello."
facts:
  - { topic: where, keywords: [where], answer: "Harbour Road 14." }
record:
  - { field: where, expect: [Harbour Road] }
disposition: done
"#,
    );
    let mut p = spawn_args(
        dir.path(),
        &[
            "operator",
            "quick.yaml",
            "--no-listen",
            "--log",
            "log.jsonl",
            "--shift",
            "call.yaml",
        ],
        ON_TIME_MS,
    );
    expect(&mut p, "> ");
    type_(&mut p, ":");
    type_(&mut p, "\t");
    expect(&mut p, "call 1 waits in `general`");
    p.send_control('u').expect("Ctrl-U");
    type_(&mut p, ":quit\r");
    expect(&mut p, "`:quit` again to leave");
    type_(&mut p, ":quit\r");
    assert_eq!(exit_code(p), 0);
}

/// Keys typed quickly, in one write (`1` Enter `2` Enter), all reach the call.
#[test]
fn keys_typed_quickly_are_not_lost() {
    let dir = Dir::new();
    dir.write(
        "two.yaml",
        r#"name: Two
entry: main
defaults:
  when_no_operator: { action: message, prompt: { text: "No one." } }
  timeout: 60s
  fallback: operator
  no_input: [{ text: "Hello?" }]
  no_match: [{ text: "Pardon?" }]
nodes:
  main:
    kind: menu
    prompt: { text: "Press one." }
    options:
      - { key: "1", to: second }
  second:
    kind: menu
    prompt: { text: "Press two." }
    options:
      - { key: "2", to: third }
  third:
    kind: menu
    prompt: { text: "Press three." }
    options:
      - { key: "3", to: operator }
  operator:
    kind: transfer
    queue: general
"#,
    );
    let mut p = spawn_args(
        dir.path(),
        &["call", "two.yaml", "--mute", "--transcript", "t.json"],
        WAIT_MS,
    );
    expect(&mut p, "main: Press one.");
    expect(&mut p, "> ");
    type_(&mut p, "1\r2\r");
    expect(&mut p, "third: Press three.");
    type_(&mut p, ":where\r");
    expect(&mut p, "keys pressed: 2 (1 2)");
    p.send_control('d').expect("Ctrl-D");
    assert_eq!(exit_code(p), 0);
}

/// No key leaves the line editor waiting for another without drawing: after a lone Esc,
/// Ctrl-R, Ctrl-X, Ctrl-V and Ctrl-], each re-prompt still appears on time.
#[test]
fn no_key_holds_back_the_screen() {
    let dir = Dir::new();
    dir.write("quick.yaml", menu("300ms"));
    let mut p = spawn_args(
        dir.path(),
        &["call", "quick.yaml", "--mute", "--transcript", "t.json"],
        ON_TIME_MS,
    );
    expect(&mut p, "main: Press one.");
    expect(&mut p, "> ");
    for (i, key) in ["\x1b", "\x12", "\x18", "\x16", "\x1d"].into_iter().enumerate() {
        type_(&mut p, key);
        expect(&mut p, &format!("(no input {}): Hello?", i + 1));
    }
    p.send_control('d').expect("Ctrl-D");
    assert_eq!(exit_code(p), 0);
}
