//! `ivrsim operator --shift`: a scripted call-taker (tests/fixtures/operator/model-shift.txt,
//! read from a pipe in virtual time) works the five bundled training calls; the scorecards,
//! the shift summary and the session log are pinned.

use std::io::Write;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

use crate::support::{Dir, root};

/// Runs the console on the bundled shift with `script` as its input; stdout and the log.
fn shift(script: &str, log: &std::path::Path) -> (String, i32) {
    let training: Vec<String> = std::fs::read_dir(root().join("scenarios/training"))
        .expect("scenarios/training")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(training.len(), 5, "five bundled training calls");
    let mut cmd = Command::cargo_bin("ivrsim").expect("binary");
    cmd.current_dir(root())
        .args(["operator", "--no-listen", "--log"])
        .arg(log)
        .arg("--shift")
        .args(&training)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write script");
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (stdout, out.status.code().unwrap_or(-1))
}

fn records(log: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .expect("log")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every log line is one JSON object"))
        .collect()
}

#[test]
fn a_model_call_taker_scores_every_call_in_full() {
    let dir = Dir::new();
    let log = dir.path().join("shift.jsonl");
    let script = std::fs::read_to_string(root().join("tests/fixtures/operator/model-shift.txt")).expect("script");
    let (out, code) = shift(&script, &log);
    assert_eq!(code, 0, "{out}");
    // Persona answers come from the caller's facts.
    assert!(out.contains("caller: 14 Linden Row in Ostermere"), "{out}");
    let scores: Vec<&str> = out.lines().filter(|l| l.trim_start().starts_with("score ")).collect();
    assert_eq!(
        scores,
        [
            "  score 100% (6 of 6 checks)",
            "  score 100% (6 of 6 checks)",
            "  score 100% (5 of 5 checks)",
            "  score 100% (6 of 6 checks)",
            "  score 100% (6 of 6 checks)",
        ],
        "{out}"
    );
    assert!(out.contains("=== shift summary ==="), "{out}");
    assert!(out.contains("shift: 5 calls, 5 answered, 0 abandoned"), "{out}");
    assert!(out.contains("callback numbers 1/1"), "{out}");
    assert!(out.contains("overall 100%"), "{out}");
    // The last call's end comes before the summary.
    assert!(out.find("call 5 ended").expect("ended") < out.find("=== shift summary").expect("summary"));

    let recs = records(&log);
    let kinds: Vec<&str> = recs.iter().map(|r| r["type"].as_str().expect("type")).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "scorecard").count(), 5, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "call").count(), 5, "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"shift"), "the summary comes last: {kinds:?}");
    let urgent = recs
        .iter()
        .find(|r| r["type"] == "call" && r["queue"] == "urgent")
        .expect("the urgent call's record");
    assert_eq!(urgent["disposition"], "urgent_escalated");
    assert_eq!(urgent["end"], "completed");
    assert_eq!(urgent["handoff"]["priority"], "urgent");
    assert!(urgent["notes"].as_array().is_some_and(|n| n.len() == 4), "{urgent:#}");
    assert!(
        urgent["transcript"]
            .as_array()
            .is_some_and(|t| t.iter().any(|l| l["who"] == "caller")),
        "{urgent:#}"
    );
}

#[test]
fn a_slow_call_taker_loses_the_impatient_caller() {
    let dir = Dir::new();
    let log = dir.path().join("slow.jsonl");
    // The urgent call is handled, but slowly: the impatient caller waits 20 s, then hangs up.
    let script = ":wait 40s\n:answer\nWhere are you?\n:wait 1m\n:end urgent_escalated\n:answer\n";
    let (out, code) = shift(script, &log);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("call 2 left `general` after 0:20: the caller hung up (patience 0:20)"),
        "{out}"
    );
    assert!(out.contains("[ ] abandoned after 0:20 waiting"), "{out}");
    // The three calls still to come when the input ends are not scored.
    assert!(
        out.contains("the shift ended before 3 calls arrived (not scored)"),
        "{out}"
    );
    assert!(out.contains("shift: 2 calls, 1 answered, 1 abandoned"), "{out}");
    let abandoned = records(&log)
        .into_iter()
        .find(|r| r["type"] == "call" && r["end"] == "abandoned")
        .expect("the abandoned call's record");
    assert_eq!(abandoned["queue"], "general");
}

#[test]
fn the_same_script_scores_the_same_on_every_run() {
    let dir = Dir::new();
    let script = std::fs::read_to_string(root().join("tests/fixtures/operator/model-shift.txt")).expect("script");
    let (a, _) = shift(&script, &dir.path().join("a.jsonl"));
    let (b, _) = shift(&script, &dir.path().join("b.jsonl"));
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("session log:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn a_shift_left_early_scores_the_waiting_as_unanswered_and_not_the_ones_to_come() {
    let dir = Dir::new();
    let log = dir.path().join("early.jsonl");
    let (out, code) = shift(":wait 45s\n", &log);
    assert_eq!(code, 0, "{out}");
    // The urgent caller was waiting when the shift ended: not answered, not abandoned.
    assert!(out.contains("[ ] not answered"), "{out}");
    assert!(out.contains("shift: 1 call, 0 answered, 0 abandoned"), "{out}");
    assert_eq!(records(&log).last().expect("records")["type"], "shift");
}

#[test]
fn the_log_keeps_earlier_sessions_and_a_bad_training_file_is_refused_with_its_place() {
    let dir = Dir::new();
    let log = dir.path().join("kept.jsonl");
    std::fs::write(&log, "{\"type\":\"earlier\"}\n").expect("seed");
    let (_, code) = shift(":quit\n", &log);
    assert_eq!(code, 0);
    assert_eq!(records(&log)[0]["type"], "earlier", "an existing log is appended to");

    let bad = dir.write("bad.yaml", "menu: ../../menus/hotline.yaml\nname: x\nstps: []\n");
    let out = Command::cargo_bin("ivrsim")
        .expect("binary")
        .current_dir(root())
        .args(["operator", "--no-listen", "--shift"])
        .arg(&bad)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("bad.yaml:3:1"), "{err}");
}

#[test]
fn a_training_caller_who_finds_the_queue_full_is_turned_away_once() {
    let mut cmd = assert_cmd::Command::cargo_bin("ivrsim").expect("binary");
    let out = cmd
        .current_dir(root())
        .args([
            "operator",
            "--no-listen",
            "--max-waiting",
            "0",
            "--shift",
            "scenarios/training/01-urgent-gas-smell.yaml",
        ])
        .env("NO_COLOR", "1")
        .env("HOME", Dir::new().path())
        .write_stdin(":wait 1m\n")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.matches("could not wait").count(), 1, "{stdout}");
    assert!(stdout.contains("shift: 1 call, 0 answered, 1 abandoned"), "{stdout}");
}

#[test]
fn the_session_log_is_appended_to_and_never_one_of_the_inputs_or_unwritable() {
    let dir = Dir::new();
    let run = |log: &std::path::Path| {
        assert_cmd::Command::cargo_bin("ivrsim")
            .expect("binary")
            .current_dir(root())
            .args(["operator", "--no-listen", "--log"])
            .arg(log)
            .args(["--shift", "scenarios/training/05-impatient-caller.yaml"])
            .env("NO_COLOR", "1")
            .write_stdin(":wait 3m\n")
            .output()
            .expect("run")
    };
    // Another writer's line survives: the console appends, it does not rewrite.
    let log = dir.path().join("shared.jsonl");
    std::fs::write(&log, "{\"type\":\"other\"}").expect("seed"); // no final newline
    let out = run(&log);
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&log);
    assert_eq!(recs[0]["type"], "other");
    assert_eq!(recs.last().expect("records")["type"], "shift");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        run(&log);
        let mode = std::fs::metadata(&log).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the log keeps its permissions");
    }
    for (bad, why) in [
        (root().join("menus/hotline.yaml"), "a file this command reads"),
        (
            dir.path().join("no/such/folder/log.jsonl"),
            "folder/log.jsonl`: the folder",
        ),
    ] {
        let out = run(&bad);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", bad.display());
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn the_help_the_readme_and_the_virtual_clock_tell_one_story() {
    let out = Command::cargo_bin("ivrsim")
        .expect("binary")
        .args(["operator", "--help"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    // The behaviour: a typed line takes its typing time, `:wait` lets time pass.
    let story =
        "each line typed takes its typing time (0.2 s a character, at least 1 s) and `:wait 30s` lets time pass";
    assert_eq!(
        help.matches(story).count(),
        2,
        "`--clock virtual` and the closing note say it: {help}"
    );
    assert!(!help.contains("only `:wait`") && !help.contains("moves only"), "{help}");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(readme.contains(story), "the README tells the same story");
}

#[test]
fn a_real_time_shift_in_a_terminal_shows_its_clock_and_the_next_call() {
    use rexpect::session::{Options, spawn_with_options};
    let dir = Dir::new();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ivrsim"));
    cmd.current_dir(root())
        .args(["operator", "--no-listen", "--log"])
        .arg(dir.path().join("log.jsonl"))
        .args(["--shift", "scenarios/training/01-urgent-gas-smell.yaml"])
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"));
    let mut p = spawn_with_options(
        cmd,
        Options::new().timeout_ms(Some(60_000)).strip_ansi_escape_codes(true),
    )
    .expect("spawn ivrsim in a pty");
    // The caller joins after their steps through the IVR (39 s): said at the start...
    // (rexpect reads bytes as Latin-1: the `·` is matched as any non-space.)
    p.exp_regex(r"shift 0:00 \S+ next call in 0:39")
        .expect("the shift clock at the start");
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    // ...and on Enter, in real time.
    p.send("\r").expect("type");
    p.flush().expect("flush");
    p.exp_regex(r"shift 0:0[2-9] \S+ next call in 0:3[0-7]")
        .expect("the shift clock on Enter, in real time");
    p.send(":quit\r").expect("type");
    p.flush().expect("flush");
    p.exp_eof().expect("the console leaves");
}

/// A console read from a pipe that a signal ends exits 128 + the signal's number (143 for
/// SIGTERM, 129 for SIGHUP), as `call` does; before, it exited 0.
#[test]
fn a_signal_ends_a_piped_shift_with_its_status() {
    let dir = Dir::new();
    for (signal, status) in [("-TERM", 143), ("-HUP", 129)] {
        let mut child = Command::cargo_bin("ivrsim")
            .expect("binary")
            .current_dir(root())
            .args(["operator", "--no-listen", "--log"])
            .arg(dir.path().join("log.jsonl"))
            .arg("--shift")
            .arg("scenarios/training/01-urgent-gas-smell.yaml")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let mut stdout = child.stdout.take().expect("stdout");
        // Signal once the console has said its first line (its handlers are in place).
        let mut first = [0u8; 1];
        std::io::Read::read_exact(&mut stdout, &mut first).expect("the console starts");
        std::thread::sleep(std::time::Duration::from_millis(300));
        let killed = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let start = std::time::Instant::now();
        let code = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break s.code();
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "still running after kill {signal}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        drop(child.stdin.take());
        assert_eq!(code, Some(status), "kill {signal}");
    }
}
