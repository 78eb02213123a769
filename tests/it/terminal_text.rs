//! Text from files and from the other side of a connection never reaches the terminal as
//! terminal controls: escape sequences (ESC, CSI, OSC), bells, bidi overrides and invisible
//! characters are shown as `?` by every command that prints them.

use crate::support::Dir;

/// Characters that must never reach the terminal from a file's text.
const FORBIDDEN: &[char] = &[
    '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{200d}', '\u{feff}',
];

/// A menu whose node ids, prompts, queue, keywords and variables carry terminal controls.
const HOSTILE: &str = r##"name: "Hostile\e]0;pwned\a"
entry: "main\e[2J"
defaults:
  fallback: "op\u202Eerator"
  keys: { operator: "0" }
  no_input: [{ text: "Sorry\e[31m, I did not hear you.\u200B" }]
  no_match: [{ text: "Sorry, that is not a choice.\uFEFF" }]
nodes:
  "main\e[2J":
    kind: menu
    prompt: { text: "For help press 1.\e]8;;http://x\a link\e]8;;\a \u2066hidden\u2069" }
    options:
      - { key: "1", say: ["he\u200Dlp"], to: "number\u200B" }
  "number\u200B":
    kind: collect
    prompt: { text: "Your number\e[1A, then hash.\u202E", audio: "num\e[2Jber.wav" }
    store: case_number
    digits: { min: 4, max: 8, terminator: "#" }
    next: "op\u202Eerator"
  "op\u202Eerator":
    kind: transfer
    queue: "gen\e[8meral"
    when_no_operator: { action: message, prompt: { text: "No one\a can take your call now." } }
"##;

fn assert_clean(what: &str, text: &str) {
    for c in FORBIDDEN {
        assert!(!text.contains(*c), "{what} printed {c:?} raw:\n{}", text.escape_debug());
    }
}

#[test]
fn no_command_prints_terminal_controls_from_a_menu() {
    let dir = Dir::new();
    dir.write("hostile.yaml", HOSTILE);
    crate::support::write_wav(&dir.path().join("num\u{1b}[2Jber.wav"), 8000, 1, 8000);
    let check = dir.ivrsim(&["check", "--report", "hostile.yaml"]);
    assert!(check.code <= 1, "{}", check.stderr);
    assert!(check.stdout.contains("main?[2J"), "{}", check.stdout);
    assert_clean("check --report (stdout)", &check.stdout);
    assert_clean("check --report (stderr)", &check.stderr);

    let prompts = dir.ivrsim(&["prompts", "hostile.yaml"]);
    assert!(prompts.stdout.contains("num?[2Jber.wav"), "{}", prompts.stdout);
    assert_clean("prompts (stdout)", &prompts.stdout);
    assert_clean("prompts (stderr)", &prompts.stderr);

    dir.write(
        "hostile-test.yaml",
        "menu: hostile.yaml\nscenarios:\n  - name: \"a\\e]0;x\\a\\u202Eb\"\n    start: { at: 2026-03-02T10:00 }\n    steps:\n      - press: \"1\"\n      - expect: { prompt: \"n\\e[2J\\u200B\" }\n",
    );
    let test = dir.ivrsim(&["test", "hostile-test.yaml"]);
    assert_eq!(test.code, 1, "{}{}", test.stdout, test.stderr);
    assert_clean("test (stdout)", &test.stdout);
    assert_clean("test (stderr)", &test.stderr);
    // An expectation naming a node the menu does not have is refused at load, its name
    // shown without its controls.
    dir.write(
        "hostile-node.yaml",
        "menu: hostile.yaml\nscenarios:\n  - name: a\n    steps:\n      - expect: { node: \"n\\e[2J\\u200B\" }\n",
    );
    let test = dir.ivrsim(&["test", "hostile-node.yaml"]);
    assert_eq!(test.code, 2, "{}{}", test.stdout, test.stderr);
    assert!(test.stderr.contains("E006"), "{}", test.stderr);
    assert_clean("test (stdout)", &test.stdout);
    assert_clean("test (stderr)", &test.stderr);

    let out = assert_cmd::Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["call", "hostile.yaml", "--at", "2026-03-02T10:00"])
        .write_stdin("1\n1234#\n")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("case_number = 1234"), "{stdout}");
    assert_clean("call (stdout)", &stdout);
    assert_clean("call (stderr)", &String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_sanitiser_keeps_ordinary_text_and_replaces_controls() {
    use ivrsim::source::{printable, printable_line};
    assert_eq!(
        printable_line("Harbour Road 14, café ☕ 東京"),
        "Harbour Road 14, café ☕ 東京"
    );
    assert_eq!(printable_line("a\u{1b}[2Jb"), "a?[2Jb");
    assert_eq!(printable_line("x\u{202e}y\u{200b}z\u{9b}"), "x?y?z?");
    assert_eq!(printable_line("line\nbreak\ttab"), "line?break?tab");
    // `printable` keeps line breaks and tabs, and keeps byte offsets (one `?` per byte).
    let s = "a\u{202e}b\n\tc";
    assert_eq!(printable(s).len(), s.len());
    assert_eq!(printable(s), "a???b\n\tc");
}

/// What a command says about a value from its command line (a file name, `--language`,
/// `--focus`) goes through the same sanitiser.
#[test]
fn messages_about_command_line_values_are_sanitised() {
    let dir = Dir::new();
    dir.write("m.yaml", crate::support::MINIMAL);
    for args in [
        &["check", "nothere\u{1b}[31m.yaml"][..],
        &["test", "nothere\u{1b}[31m.yaml"],
        &["call", "m.yaml", "--language", "\u{1b}]0;pwn\u{7}"],
        &["graph", "m.yaml", "--focus", "\u{1b}[31m\u{202e}"],
    ] {
        let out = dir.ivrsim(args);
        assert_ne!(out.code, 0, "{args:?}");
        assert!(out.stderr.contains("error"), "{args:?}: {}", out.stderr);
        assert_clean(&format!("{args:?} (stderr)"), &out.stderr);
        assert_clean(&format!("{args:?} (stdout)"), &out.stdout);
    }
}
