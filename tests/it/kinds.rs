//! The `kinds` constructs through the real binary: `call` on a menu whose only errors are
//! design findings, external steps and recordings in a piped call, and the transcript's
//! outcome (docs/checks.md "Design findings", docs/call-semantics.md).

use std::time::Duration;

use assert_cmd::Command;

use crate::support::Dir;

/// `ivrsim call ARGS` in `dir` with `input` on stdin.
fn call(dir: &Dir, args: &[&str], input: &str) -> (String, String, i32) {
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
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

/// No transfer and no handoff: E014 only, a design finding.
const DESIGN_ONLY: &str = r#"name: Info line
entry: main
defaults:
  no_input: [{ text: "Sorry." }]
  no_match: [{ text: "Sorry." }]
  fallback: bye
nodes:
  main:
    kind: menu
    prompt: { text: "For our hours press 1." }
    options:
      - { key: "1", to: hours }
  hours: { kind: message, prompt: { text: "We are open nine to five." }, next: bye }
  bye: { kind: hangup, prompt: { text: "Goodbye." } }
"#;

#[test]
fn call_rehearses_a_menu_whose_only_errors_are_design_findings() {
    let dir = Dir::new();
    dir.write("info.yaml", DESIGN_ONLY);
    let check = dir.ivrsim(&["check", "info.yaml"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(check.stdout.contains("error[E014]"), "{}", check.stdout);
    let (out, err, code) = call(&dir, &["info.yaml"], "1\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.matches("note: `info.yaml` has 1 design finding (E014); the call runs anyway")
            .count(),
        1,
        "{err}"
    );
    assert!(out.contains("hours: We are open nine to five."), "{out}");
    // Any other error still refuses the menu, as do scenarios and generation.
    dir.write("broken.yaml", DESIGN_ONLY.replace("next: bye }", "next: byee }"));
    let (_, err, code) = call(&dir, &["broken.yaml"], "1\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[E006]"), "{err}");
    let generated = dir.ivrsim(&["scenarios", "generate", "info.yaml"]);
    assert_eq!(generated.code, 1, "{}", generated.stderr);
}

const VOICEMAIL: &str = r#"name: Reports line
entry: main
# No person in this design: it says so.
self_service: true
variables: [caller_id]
defaults:
  no_input: [{ text: "Sorry." }]
  no_match: [{ text: "Sorry." }]
  fallback: vm
nodes:
  main:
    kind: menu
    prompt: { text: "To leave a report press 1. For our mailbox press 2." }
    options:
      - { key: "1", to: report }
      - { key: "2", to: vm }
  report:
    kind: record
    prompt: { text: "Your report after the tone." }
    final_silence: 2s
    next: thanks
  thanks: { kind: hangup, prompt: { text: "Your report of {recording_length} seconds is saved." } }
  vm: { kind: external, app: voicemail, target: reports-box, prompt: { text: "Transferring you to our mailbox." } }
"#;

#[test]
fn a_recording_and_a_voicemail_in_a_piped_call() {
    let dir = Dir::new();
    dir.write("vm.yaml", VOICEMAIL);
    let check = dir.ivrsim(&["check", "vm.yaml"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(!check.stdout.contains("E014"), "{}", check.stdout);
    // "To leave ... press 2." is 11 words (4.4 s); the record prompt 5 words (2.0 s) and the
    // beep (0.5 s): the recording starts at 6.9 s; "there is a leak" (1.6 s) and 2 s of silence:
    // 3.600 s recorded, ended at 10.5 s.
    let (out, err, code) = call(&dir, &["vm.yaml", "--transcript", "t.json"], "1\nthere is a leak\n\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("recording ended by silence: 3.600 s"), "{out}");
    assert!(
        out.contains("[00:10.5] thanks: Your report of 3.600 seconds is saved."),
        "{out}"
    );
    // The mailbox: the IVR's part ends by design.
    let (out, err, code) = call(&dir, &["vm.yaml", "--transcript", "v.json"], "2\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("handed to voicemail `reports-box` (by design)"), "{out}");
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("v.json")).unwrap()).unwrap();
    assert_eq!(
        t["summary"]["outcome"],
        serde_json::json!({ "kind": "external", "app": "voicemail", "name": "reports-box" })
    );
}

#[test]
fn maps_draw_the_new_kinds_and_their_edges() {
    let dir = Dir::new();
    dir.write(
        "m.yaml",
        format!(
            "{}  pay: {{ kind: external, app: application, target: pay, on: {{ success: thanks, error: main }} }}\n  cb: {{ kind: callback, queue: q, number: caller_id, next: thanks }}\n",
            VOICEMAIL.replace("      - { key: \"2\", to: vm }", "      - { key: \"2\", to: vm }\n      - { key: \"3\", to: pay }\n      - { key: \"4\", to: cb }")
        ),
    );
    let out = dir.ivrsim(&["graph", "--format", "mermaid", "m.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for class in ["external", "record", "callback"] {
        assert!(out.stdout.contains(&format!("classDef {class} ")), "{}", out.stdout);
    }
    assert!(
        out.stdout.contains("success") && out.stdout.contains("error"),
        "{}",
        out.stdout
    );
    let svg = dir.ivrsim(&["graph", "m.yaml", "-o", "m.svg"]);
    assert_eq!(svg.code, 0, "{}", svg.stderr);
}
