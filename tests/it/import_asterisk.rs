//! The Asterisk dialplan importer through the real binary: `check`, `scenarios generate` +
//! `test`, `graph` and scenarios with Asterisk's own timings on the hotline fixture
//! (`tests/fixtures/import/asterisk/hotline`: `extensions.conf` with `queues.conf` and
//! `sounds.txt` beside it), and bad input (`tests/fixtures/import/asterisk/bad`, and large
//! files written here). Fixtures run with their folder as the working directory, so paths in
//! the output are relative.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::check_codes::codes_in;
use crate::support::{self, Dir, Output, write_wav};

fn fixtures() -> PathBuf {
    support::root().join("tests/fixtures/import/asterisk")
}

/// `ivrsim ARGS` in the fixture folder `sub`.
fn run(sub: &str, args: &[&str]) -> Output {
    support::run_in(&fixtures().join(sub), args)
}

/// A copy of the hotline fixture in a temp folder (to write beside it).
fn hotline_copy() -> Dir {
    let dir = Dir::new();
    for f in [
        "extensions.conf",
        "queues.conf",
        "sounds.txt",
        "sounds.es.txt",
        "timings.yaml",
    ] {
        let text = std::fs::read_to_string(fixtures().join("hotline").join(f)).expect("fixture");
        dir.write(f, text);
    }
    dir
}

#[test]
fn check_points_into_the_dialplan_and_its_companions() {
    let out = run("hotline", &["check", "extensions.conf"]);
    assert_eq!(out.code, 0, "warnings only\n{}{}", out.stdout, out.stderr);
    // Findings point at `file:line:column` of the dialplan, of queues.conf and of the words.
    assert!(out.stdout.contains("--> extensions.conf:54:24"), "{}", out.stdout);
    assert!(out.stdout.contains("--> queues.conf:"), "{}", out.stdout);
    insta::assert_snapshot!("hotline-check", out.stdout);
}

#[test]
fn generated_scenarios_cover_the_imported_dialplan_whole() {
    let dir = hotline_copy();
    let out = dir.ivrsim(&["scenarios", "generate", "extensions.conf", "-o", "suite.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = dir.ivrsim(&["test", "suite.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(" 0 failed"), "{}", out.stdout);
    let coverage = out
        .stdout
        .lines()
        .find(|l| l.starts_with("coverage of"))
        .expect("a coverage line");
    assert_eq!(coverage.matches("(100.0%)").count(), 3, "{coverage}");
}

#[test]
fn graph_draws_the_dialplan() {
    let out = run("hotline", &["graph", "extensions.conf"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("<svg"),
        "{}",
        &out.stdout[..out.stdout.len().min(200)]
    );
    let out = run("hotline", &["graph", "--format", "mermaid", "extensions.conf"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for id in ["hotline-main.s.menu", "hotline-followup", "hotline-regions.north"] {
        assert!(out.stdout.contains(id), "no `{id}` in\n{}", out.stdout);
    }
}

#[test]
fn asterisk_timings_hold() {
    // Every expected time in timings.yaml is derived in its comments from Asterisk's source.
    let out = run("hotline", &["test", "--coverage", "none", "timings.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("15 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn local_recordings_are_played_and_their_length_counts() {
    let dir = hotline_copy();
    // A 2 s welcome instead of its 17 words (6.8 s), and a Spanish main menu of 1 s.
    write_wav(&dir.path().join("hotline/welcome.wav"), 8000, 1, 16_000);
    write_wav(&dir.path().join("es/hotline/main-menu.wav"), 8000, 1, 8_000);
    dir.write(
        "clips.yaml",
        r#"menu: extensions.conf
scenarios:
  - name: the welcome plays its clip
    steps:
      - expect: { prompt_started: { node: hotline-lang, at: 2s } }
  - name: the Spanish main menu plays its own clip
    steps:
      - expect: { prompt_started: { node: hotline-lang, at: 2s } }
      - press: "2"
        at: 0.5s
      - expect: { prompt_started: { node: hotline-main.s.menu, at: 2.5s } }
      - expect: { prompt_stopped: { node: hotline-main.s.menu, by: end, at: 3.5s } }
"#,
    );
    let out = dir.ivrsim(&["test", "--coverage", "none", "clips.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = dir.ivrsim(&["check", "extensions.conf"]);
    assert!(
        !out.stdout.contains("E011"),
        "no clip is named that is not there:\n{}",
        out.stdout
    );
}

#[test]
fn syntax_errors_point_at_their_line_and_column() {
    let out = run("bad", &["check", "syntax.conf"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.is_empty() || !out.stderr.contains("panicked"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!("bad-syntax", out.stdout);
    let out = run("bad", &["check", "same-first.conf"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("--> same-first.conf:3:1"), "{}", out.stdout);
    assert!(out.stdout.contains("no context with an extension"), "{}", out.stdout);
}

#[test]
fn unknown_applications_and_a_missing_queues_conf_are_approximations() {
    let out = run("bad", &["check", "unknown.conf"]);
    assert_eq!(out.code, 0, "warnings only:\n{}", out.stdout);
    let codes = codes_in(&out.stdout);
    assert!(codes.contains("W027"), "{codes:?}");
    for text in [
        "--> unknown.conf:6:12",
        "`AGI` is not imported",
        "`Macro` is not imported",
        "the condition `$[${CALLERID(num)} = 5551234]` is not imported",
        "no `queues.conf` beside the dialplan",
        "`A` uses the keys A-D",
        "`_.` also matches",
        "`switch =>` is not imported",
        "the options `m(default)` of `WaitExten` are not imported",
    ] {
        assert!(out.stdout.contains(text), "no `{text}` in\n{}", out.stdout);
    }
}

#[test]
fn missing_destinations_are_unknown_targets() {
    let out = run("bad", &["check", "missing.conf"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for text in [
        "error[E006]: no context `sales` in the dialplan\n  --> missing.conf:6:19",
        "error[E006]: no extension `9` in context `ivr`\n  --> missing.conf:7:19",
        "error[E006]: no label `nolabel` in extension `s`\n  --> missing.conf:8:19",
        "error[E006]: extension `s` has no priority 7\n  --> missing.conf:9:19",
        "there is no context `common`: this `include` adds nothing",
        "`${DEST},1` is computed while the call runs",
    ] {
        assert!(out.stdout.contains(text), "no `{text}` in\n{}", out.stdout);
    }
}

#[test]
fn goto_cycles_are_bounded_and_menu_loops_reported() {
    let out = run("bad", &["check", "cycle.conf"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("goes round more than 256 steps"), "{}", out.stdout);
    assert!(out.stdout.contains("warning[W016]"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("context `never-called` is not reached from the entry"),
        "{}",
        out.stdout
    );
}

/// Runs `check` on `text` written as `name` and returns the output, in bounded time.
fn check_large(name: &str, text: &str) -> Output {
    let dir = Dir::new();
    dir.write(name, text);
    let started = Instant::now();
    let out = dir.ivrsim(&["check", name]);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "`check {name}` took {:?}",
        started.elapsed()
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

#[test]
fn too_many_priorities_are_refused_past_the_limit() {
    let mut text = String::from("[c]\nexten => s,1,Playback(x)\n");
    for _ in 0..100_050 {
        text.push_str(" same => n,NoOp()\n");
    }
    let out = check_large("many.conf", &text);
    assert_eq!(out.code, 1, "{}", &out.stdout[..out.stdout.len().min(2000)]);
    assert!(
        out.stdout.contains("more than 100000 priorities"),
        "{}",
        &out.stdout[..2000.min(out.stdout.len())]
    );
    assert!(
        out.stdout.contains("--> many.conf:100002:"),
        "{}",
        &out.stdout[..2000.min(out.stdout.len())]
    );
}

#[test]
fn too_many_steps_are_refused_past_the_limit() {
    // 6,000 menus in a chain, each leading to the next by key 1.
    let mut text = String::new();
    for i in 0..6_000 {
        let _ = write!(
            text,
            "[m{i}]\nexten => s,1,Background(x)\n same => n,WaitExten(1)\nexten => 1,1,Goto(m{},s,1)\n",
            i + 1
        );
    }
    let out = check_large("chain.conf", &text);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("the dialplan makes more than 5000 steps"),
        "{}",
        &out.stdout[..out.stdout.len().min(3000)]
    );
}

#[test]
fn long_lines_deep_includes_and_unclosed_comments_are_bounded() {
    let mut text = format!("[c]\nexten => s,1,Playback({})\n", "x".repeat(10_000));
    // 40 contexts, each including the next: the search stops at 16.
    text.push_str("exten => s,2,Background(menu)\nexten => s,3,WaitExten(1)\ninclude => i0\n");
    for i in 0..40 {
        let _ = write!(text, "[i{i}]\ninclude => i{}\nexten => {i}{i},1,Hangup()\n", i + 1);
    }
    text.push_str(";-- never closed\n");
    let out = check_large("deep.conf", &text);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("bytes are not read"), "{}", out.stdout);
    assert!(
        out.stdout.contains("a `;--` block comment is not closed"),
        "{}",
        out.stdout
    );
    // Options from the first 16 levels of includes only.
    assert!(out.stdout.contains("context `i20` is not reached"), "{}", out.stdout);
}

#[test]
fn a_dialplan_is_detected_by_its_content_whatever_its_name() {
    let dir = Dir::new();
    dir.write(
        "ivr.txt",
        "[ivr]\nexten => s,1,Background(menu)\n same => n,WaitExten(3)\nexten => 1,1,Queue(help)\n",
    );
    let out = dir.ivrsim(&["check", "ivr.txt"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Asterisk dialplan ivr.txt"), "{}", out.stdout);
}
