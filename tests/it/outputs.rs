//! Outputs: no command writes over a file it read (compared by device and inode, whatever
//! name it is given by), devices and pipes are written as streams, kernel files are refused,
//! and messages name the file the user gave, never a temporary one.

use crate::support::{Dir, MINIMAL};

const SCENARIOS: &str = r#"menu: menu.yaml
scenarios:
  - name: help
    steps:
      - press: "1"
      - expect: { transfer: { queue: general } }
"#;

/// A folder with `menu.yaml`, `s.yaml` (its scenarios), a hard link `hard.yaml` to the menu
/// and a hard link `hard-s.yaml` to the scenarios.
fn setup() -> Dir {
    let dir = Dir::new();
    dir.write("menu.yaml", MINIMAL);
    dir.write("s.yaml", SCENARIOS);
    std::fs::hard_link(dir.path().join("menu.yaml"), dir.path().join("hard.yaml")).unwrap();
    std::fs::hard_link(dir.path().join("s.yaml"), dir.path().join("hard-s.yaml")).unwrap();
    dir
}

/// Runs `args` and asserts it is refused (exit 2) for writing over an input, leaving the
/// inputs as they were.
fn refused(dir: &Dir, args: &[&str]) {
    let out = dir.ivrsim(args);
    assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    assert!(
        out.stderr.contains("it is a file this command reads"),
        "{args:?}: {}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("menu.yaml")).unwrap(), MINIMAL);
    assert_eq!(std::fs::read_to_string(dir.path().join("s.yaml")).unwrap(), SCENARIOS);
}

#[test]
fn scenarios_generate_never_writes_over_its_menu() {
    let dir = setup();
    refused(&dir, &["scenarios", "generate", "menu.yaml", "-o", "menu.yaml"]);
    refused(&dir, &["scenarios", "generate", "menu.yaml", "-o", "./hard.yaml"]);
}

#[test]
fn test_never_writes_its_reports_over_its_inputs() {
    let dir = setup();
    refused(&dir, &["test", "s.yaml", "--junit", "s.yaml"]);
    refused(&dir, &["test", "s.yaml", "--junit", "hard-s.yaml"]);
    refused(&dir, &["test", "s.yaml", "--coverage-json", "menu.yaml"]);
    refused(&dir, &["test", "s.yaml", "--coverage-json", "hard.yaml"]);
    // An included file is an input too.
    dir.write(
        "inc.yaml",
        "nodes:\n  extra:\n    kind: hangup\n    prompt: { text: \"Bye.\" }\n",
    );
    dir.write("menu2.yaml", format!("{MINIMAL}include: [inc.yaml]\n"));
    dir.write("s2.yaml", SCENARIOS.replace("menu.yaml", "menu2.yaml"));
    let out = dir.ivrsim(&["test", "s2.yaml", "--junit", "inc.yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("it is a file this command reads"), "{}", out.stderr);
}

#[test]
fn graph_never_writes_over_its_inputs_by_any_name() {
    let dir = setup();
    refused(&dir, &["graph", "menu.yaml", "-o", "hard.yaml", "--format", "json"]);
    let out = dir.ivrsim(&["test", "s.yaml", "--coverage-json", "cov.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::hard_link(dir.path().join("cov.json"), dir.path().join("cov2.json")).unwrap();
    refused(
        &dir,
        &["graph", "menu.yaml", "--coverage", "cov.json", "-o", "cov2.json"],
    );
}

#[test]
fn call_and_operator_never_write_over_their_inputs() {
    let dir = setup();
    for flag in ["--transcript", "--record", "--save-scenario"] {
        refused(&dir, &["call", "menu.yaml", flag, "hard.yaml"]);
    }
    refused(&dir, &["operator", "--no-listen", "menu.yaml", "--log", "hard.yaml"]);
}

#[test]
fn devices_are_written_as_streams() {
    let dir = setup();
    let out = dir.ivrsim(&["graph", "menu.yaml", "-o", "/dev/null"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("wrote /dev/null"), "{}", out.stderr);
    let out = dir.ivrsim(&["test", "s.yaml", "--junit", "/dev/null", "--coverage-json", "/dev/null"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = dir.ivrsim(&["scenarios", "generate", "menu.yaml", "-o", "/dev/null"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // /dev/stdout is a link to the process's stdout (here a pipe): the map comes out there.
    let out = dir.ivrsim(&["graph", "menu.yaml", "--format", "json", "-o", "/dev/stdout"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.trim_start().starts_with('{'), "{}", out.stdout);
}

#[test]
fn kernel_files_are_refused_and_temporary_names_never_shown() {
    let dir = setup();
    let out = dir.ivrsim(&["graph", "menu.yaml", "-o", "/proc/self/mem"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("cannot write `/proc/self/mem`: it is a file of the kernel"),
        "{}",
        out.stderr
    );
    let out = dir.ivrsim(&["operator", "--no-listen", "menu.yaml", "--log", "/proc/self/mem"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("it is a file of the kernel"), "{}", out.stderr);
    // A device is written as it comes: `/dev/null` for no log, as for every other output.
    let out = dir.ivrsim(&["operator", "--no-listen", "menu.yaml", "--log", "/dev/null"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A folder where no file can be created: the message names the folder, not a temporary file.
    let out = dir.ivrsim(&["graph", "menu.yaml", "-o", "/proc/self/new.svg"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot write `/proc/self/new.svg`"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains(".part") && !out.stderr.contains(".ivrsim-"),
        "{}",
        out.stderr
    );
    for args in [
        &["test", "s.yaml", "--junit", "missing/dir/x.xml"][..],
        &["graph", "menu.yaml", "-o", "missing/dir/x.svg"],
    ] {
        let out = dir.ivrsim(args);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.contains("the folder `missing/dir` does not exist"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains(".part"), "{}", out.stderr);
    }
}

/// Two outputs of one `call` that name one file, however spelt, are refused before the call:
/// one would silently replace the other. A device takes both.
#[test]
fn two_outputs_of_a_call_on_one_file_are_refused() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    for (a, b, fa, fb) in [
        ("--transcript", "--save-scenario", "s4.json", "./s4.json"),
        ("--transcript", "--record", "s5.json", "sub/../s5.json"),
        ("--record", "--save-scenario", "x.wav", "x.wav"),
    ] {
        let out = dir.ivrsim(&["call", "menu.yaml", a, fa, b, fb]);
        assert_eq!(out.code, 2, "{a} {fa} {b} {fb}: {}", out.stderr);
        assert!(out.stderr.contains("name the same file"), "{}", out.stderr);
        assert!(!dir.path().join(fa).exists(), "nothing was written");
    }
    let out = dir.ivrsim(&[
        "call",
        "menu.yaml",
        "--transcript",
        "/dev/null",
        "--record",
        "/dev/null",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}
