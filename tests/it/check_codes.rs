//! One fixture menu per finding code (`tests/fixtures/check/CODE-what-it-shows.yaml`), each
//! checked by the real binary with its full output pinned by an insta snapshot, so the
//! message, the `--> file:line:column`, the caret, the notes and the help of every code are
//! reviewed once and cannot change unnoticed.
//!
//! Fixtures are run with their folder as the working directory, so the paths in the output
//! are relative and the snapshots do not depend on where the repository is checked out.

use std::collections::BTreeSet;
use std::path::PathBuf;

use ivrsim::diag::Code;

use crate::support::{self, Dir, Output, write_wav};

/// The folder of the fixtures.
fn fixtures_dir() -> PathBuf {
    support::root().join("tests/fixtures/check")
}

/// `ivrsim check FILE` run in the fixtures folder, with the (canonical) fixtures folder
/// replaced by `[FIXTURES]` in the output, for the findings that print absolute paths.
fn check_fixture_file(file: &str, extra: &[&str]) -> Output {
    let dir = fixtures_dir();
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    args.push(file);
    let mut out = support::run_in(&dir, &args);
    for d in [dir.canonicalize().expect("fixtures dir"), dir] {
        let d = d.display().to_string();
        out.stdout = out.stdout.replace(&d, "[FIXTURES]");
        out.stderr = out.stderr.replace(&d, "[FIXTURES]");
    }
    out
}

/// The codes of the findings in a text output, e.g. `error[E006]: …` gives `E006`.
pub(crate) fn codes_in(stdout: &str) -> BTreeSet<String> {
    stdout
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("error[").or_else(|| l.strip_prefix("warning["))?;
            Some(rest.split(']').next()?.to_owned())
        })
        .collect()
}

/// Checks one fixture: the exit status, the exact set of codes found (the fixture's own
/// code plus `also`, the findings that cannot be avoided), and a snapshot of stdout.
fn check_fixture(stem: &str, exit: i32, also: &[&str]) {
    // A menu, or (for the import codes) a file of another platform.
    let file = FIXTURE_EXTENSIONS
        .iter()
        .map(|e| format!("{stem}.{e}"))
        .find(|f| fixtures_dir().join(f).is_file())
        .unwrap_or_else(|| format!("{stem}.yaml"));
    assert!(
        fixtures_dir().join(&file).is_file(),
        "no fixture tests/fixtures/check/{file}"
    );
    let code = &stem[..4];
    let out = check_fixture_file(&file, &[]);
    assert_eq!(
        out.code, exit,
        "`ivrsim check {file}` exit status\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    let expected: BTreeSet<String> = std::iter::once(code)
        .chain(also.iter().copied())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        codes_in(&out.stdout),
        expected,
        "codes found in {file}:\n{}",
        out.stdout
    );
    // The finding points into a file, with a caret (or, in an imported JSON flow, at a JSON
    // pointer), and the run ends with the verdict.
    assert!(out.stdout.contains("--> "), "{}", out.stdout);
    assert!(
        out.stdout.contains('^') || out.stdout.contains(".json: /"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.lines().last().is_some_and(|l| l.starts_with(&file)),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(stem, out.stdout);
}

macro_rules! fixtures {
    ($($test:ident: $stem:literal => exit $exit:literal $(, also [$($also:literal),*])?;)*) => {
        /// Every fixture menu with a test, by file stem.
        const FIXTURES: &[&str] = &[$($stem),*];
        $(
            #[test]
            fn $test() {
                check_fixture($stem, $exit, &[$($($also),*)?]);
            }
        )*
    };
}

fixtures! {
    e001_yaml_syntax: "E001-yaml-syntax" => exit 1;
    e002_unknown_field: "E002-unknown-field" => exit 1;
    e002_several_unknown_fields: "E002-several-unknown-fields" => exit 1;
    e002_type_for_kind: "E002-type-for-kind" => exit 1;
    e003_wrong_type: "E003-wrong-type" => exit 1;
    e004_missing_field: "E004-missing-field" => exit 1;
    e005_duplicate_node: "E005-duplicate-node" => exit 1;
    e005_duplicate_node_across_include: "E005-duplicate-node-across-include" => exit 1;
    e006_unknown_target: "E006-unknown-target" => exit 1;
    // the prompt's `press star` finds no key: the invalid `star` is no key (W019/W020 see what the error left).
    e007_invalid_key: "E007-invalid-key" => exit 1, also ["W019"];
    // the prompt's `press 3` finds no key: the option meant for 3 says 2 again (W019/W020 see what the error left).
    e008_duplicate_key: "E008-duplicate-key" => exit 1, also ["W019"];
    e009_incomplete_node: "E009-incomplete-node" => exit 1;
    e009_external_incomplete: "E009-external-incomplete" => exit 1, also ["E004"];
    e010_field_not_for_kind: "E010-field-not-for-kind" => exit 1;
    e011_missing_clip: "E011-missing-clip" => exit 1;
    e012_bad_clip: "E012-bad-clip" => exit 1;
    e013_clip_escapes: "E013-clip-escapes" => exit 1;
    e014_no_operator: "E014-no-operator" => exit 1;
    // the prompt's `press hash` finds no key: YAML lost it (W019/W020 see what the error left).
    e015_unquoted_hash_key: "E015-unquoted-hash-key" => exit 1, also ["W019"];
    e015_unquoted_star_key: "E015-unquoted-star-key" => exit 1;
    // the prompt's `press hash` finds no terminator: YAML lost it (W019/W020 see what the error left).
    e015_unquoted_terminator: "E015-unquoted-terminator" => exit 1, also ["W019"];
    e016_invalid_value: "E016-invalid-value" => exit 1;
    e016_retry_limit_too_large: "E016-retry-limit-too-large" => exit 1;
    // option 2 is never announced (W019/W020 see what the error left).
    e016_keyword_of_digits: "E016-keyword-of-digits" => exit 1, also ["W020"];
    e016_schedule_dates: "E016-schedule-dates" => exit 1;
    e016_queue_settings: "E016-queue-settings" => exit 1;
    e016_bad_variable_reading: "E016-bad-variable-reading" => exit 1;
    e017_include_missing: "E017-include-missing" => exit 1;
    e017_include_cycle: "E017-include-cycle" => exit 1;
    e018_callback_not_collect: "E018-callback-not-collect" => exit 1;
    e021_empty_pattern: "E021-empty-pattern" => exit 1;
    w001_unreachable: "W001-unreachable" => exit 0;
    // A loop nobody can leave cannot reach an operator either: E014 on every node of it.
    w002_inescapable_loop: "W002-inescapable-loop" => exit 1, also ["E014"];
    w003_no_input_handling: "W003-no-input-handling" => exit 0;
    w004_no_match_handling: "W004-no-match-handling" => exit 0;
    w005_no_zero_out: "W005-no-zero-out" => exit 0;
    w006_shadowed_global_key: "W006-shadowed-global-key" => exit 0;
    w007_too_many_options: "W007-too-many-options" => exit 0;
    w008_operator_too_deep: "W008-operator-too-deep" => exit 0;
    w009_prompt_too_long: "W009-prompt-too-long" => exit 0;
    w010_not_telephony: "W010-not-telephony" => exit 0;
    w011_no_fallback: "W011-no-fallback" => exit 0;
    w012_prefix_keys: "W012-prefix-keys" => exit 0;
    // A global key that starts another global key (`0`/`00`, `*`/`**`) or an option (`0`/`01`):
    // W012, and the time to the operator counts the inter-digit wait (4.6 s, not 1.6 s).
    w012_global_prefix_keys: "W012-global-prefix-keys" => exit 0;
    w012_global_option_prefix_keys: "W012-global-option-prefix-keys" => exit 0;
    w013_stale_clip: "W013-stale-clip" => exit 0;
    w014_no_operator_plan: "W014-no-operator-plan" => exit 0;
    w015_keyword_not_alone: "W015-keyword-not-alone" => exit 0;
    // A fallback back to its own node, and a fallback through a message back to its menu.
    w016_endless_loop: "W016-endless-loop" => exit 0;
    w016_unlimited_retries: "W016-unlimited-retries" => exit 0;
    // The shadowed pattern is the only way to `desk`, which no call can reach then (W001).
    w018_shadowed_pattern: "W018-shadowed-pattern" => exit 0, also ["W001"];
    w019_announced_key: "W019-announced-key" => exit 0;
    w020_unannounced_option: "W020-unannounced-option" => exit 0;
    w023_no_operator_at_night_and_on_holidays: "W023-no-operator-at-night-and-on-holidays" => exit 0;
    w025_unknown_queue: "W025-unknown-queue" => exit 0;
    w026_plan_never_used: "W026-plan-never-used" => exit 0;
    // A Connect flow whose hours and recorded prompt are kept in Connect, not in the file.
    w027_import_approximated: "W027-import-approximated" => exit 0, also ["W014"];
    e022_import_unreadable: "E022-import-unreadable" => exit 1;
    w021_unset_variable: "W021-unset-variable" => exit 0;
    w022_recording_limits: "W022-recording-limits" => exit 0;
}

/// The extensions of fixtures: menus, and other platforms' files (E022, W027).
const FIXTURE_EXTENSIONS: [&str; 3] = ["yaml", "json", "xml"];

/// The fixture menus in the folder (top-level `*.yaml`; included files live in
/// `includes/`), by file stem.
fn fixture_files() -> BTreeSet<String> {
    std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/check")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| FIXTURE_EXTENSIONS.iter().any(|x| e == *x))
        })
        .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_code_has_a_fixture() {
    let files = fixture_files();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !files.iter().any(|f| f.starts_with(&format!("{c}-"))))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture tests/fixtures/check/CODE-*.yaml: {missing:?}"
    );
}

#[test]
fn every_fixture_is_named_after_a_code_and_has_a_test() {
    let listed: BTreeSet<String> = FIXTURES.iter().map(|s| (*s).to_owned()).collect();
    for f in fixture_files() {
        assert!(
            Code::parse(&f[..4.min(f.len())]).is_some() && f.as_bytes().get(4) == Some(&b'-'),
            "fixture `{f}.yaml` is not named CODE-what-it-shows.yaml"
        );
        assert!(
            listed.contains(&f),
            "fixture `{f}.yaml` has no test: add it to `fixtures!` in tests/it/check_codes.rs"
        );
    }
}

#[test]
fn every_code_is_documented() {
    let docs = std::fs::read_to_string(support::root().join("docs/checks.md")).expect("docs/checks.md");
    for c in Code::ALL {
        let row = format!("| {} | {} |", c.as_str(), c.slug());
        assert!(
            docs.lines().any(|l| l.starts_with(&row)),
            "docs/checks.md has no row `{row} ...` for {c}"
        );
    }
}

#[test]
fn fixture_clips_are_what_they_claim() {
    let audio = fixtures_dir().join("audio");
    let good = ivrsim::audio::clip::read_clip(&audio.join("cd-quality.wav")).expect("cd-quality.wav is readable");
    assert_eq!((good.sample_rate, good.channels), (44100, 2));
    assert!(!good.is_telephony());
    assert!(
        ivrsim::audio::clip::read_clip(&audio.join("truncated.wav")).is_err(),
        "truncated.wav must not be readable"
    );
}

// ----------------------------------------------------------------------------------------
// Variants of a code that need files written at run time, or are too odd for a fixture.

/// A menu whose only prompt plays `audio/welcome.wav`.
const ONE_CLIP: &str = r#"name: City Water Emergency Line
entry: main_menu
audio_dir: audio
defaults:
  when_no_operator: { action: message, prompt: { text: "No one can take your call now. Please call again later." } }
  fallback: operator
  keys: { operator: "0" }
  no_input: [{ text: "Sorry, I did not hear a choice." }]
  no_match: [{ text: "Sorry, that is not one of the choices." }]
nodes:
  main_menu:
    kind: menu
    prompt:
      text: "To report a water leak, press 1."
      audio: welcome.wav
    options:
      - { key: "1", to: operator }
  operator:
    kind: transfer
    queue: general
"#;

#[test]
fn telephony_clip_is_clean() {
    let dir = Dir::new();
    dir.write("menu.yaml", ONE_CLIP);
    std::fs::create_dir_all(dir.path().join("audio")).expect("mkdir");
    write_wav(&dir.path().join("audio/welcome.wav"), 8000, 1, 8000);
    let out = dir.ivrsim(&["check", "--deny-warnings", "menu.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(codes_in(&out.stdout).is_empty(), "{}", out.stdout);
}

#[test]
fn e012_junk_and_float_header_lies() {
    let dir = Dir::new();
    dir.write("menu.yaml", ONE_CLIP);
    dir.write("audio/welcome.wav", b"RIFF\x24\x00\x00\x00WAVEjunkjunk");
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E012".to_owned()]));
    assert!(out.stdout.contains("--> menu.yaml:15:14"), "{}", out.stdout);

    // Not a WAV at all: an MP3 renamed.
    dir.write("audio/welcome.wav", b"ID3\x03\x00\x00\x00\x00\x00\x00not a wav");
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E012".to_owned()]));
}

#[test]
fn w010_generated_cd_quality_clip() {
    let dir = Dir::new();
    dir.write("menu.yaml", ONE_CLIP);
    std::fs::create_dir_all(dir.path().join("audio")).expect("mkdir");
    write_wav(&dir.path().join("audio/welcome.wav"), 44100, 2, 4410);
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["W010".to_owned()]));
    assert!(out.stdout.contains("44100 Hz, stereo, 16-bit PCM"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn e013_link_pointing_outside_audio_dir() {
    let dir = Dir::new();
    dir.write("menu.yaml", ONE_CLIP);
    std::fs::create_dir_all(dir.path().join("audio")).expect("mkdir");
    // A real WAV, but outside `audio_dir`, reached through a link inside it.
    write_wav(&dir.path().join("secret.wav"), 8000, 1, 800);
    std::os::unix::fs::symlink("../secret.wav", dir.path().join("audio/welcome.wav")).expect("symlink");
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E013".to_owned()]));
    assert!(out.stdout.contains("--> menu.yaml:15:14"), "{}", out.stdout);
    insta::assert_snapshot!("E013-link-outside-audio-dir", out.stdout);
}

#[test]
fn e013_absolute_clip_path() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        ONE_CLIP.replace("audio: welcome.wav", "audio: /etc/passwd"),
    );
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E013".to_owned()]));
    assert!(out.stdout.contains("--> menu.yaml:15:14"), "{}", out.stdout);
}

#[test]
fn e001_empty_file_and_not_utf8() {
    let dir = Dir::new();
    dir.write("empty.yaml", "\n  \n");
    let out = dir.ivrsim(&["check", "empty.yaml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E001".to_owned()]));
    insta::assert_snapshot!("E001-empty-file", out.stdout);

    // Latin-1 `ñ` in a prompt.
    let mut bytes = support::MINIMAL.as_bytes().to_vec();
    let at = support::MINIMAL.find("For help").expect("prompt");
    bytes.splice(at..at, b"Espa\xf1ol. ".iter().copied());
    dir.write("latin1.yaml", bytes);
    let out = dir.ivrsim(&["check", "latin1.yaml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E001".to_owned()]));
    let line = support::MINIMAL[..at].matches('\n').count() + 1;
    assert!(
        out.stdout.contains(&format!("--> latin1.yaml:{line}:")),
        "{}",
        out.stdout
    );
}

#[test]
fn e008_two_global_keys_on_one_key() {
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        support::MINIMAL.replace(r#"keys: { operator: "0" }"#, r#"keys: { operator: "0", back: "0" }"#),
    );
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(codes_in(&out.stdout), BTreeSet::from(["E008".to_owned()]));
    // The second key is the finding, the first is shown as related.
    assert!(out.stdout.contains("--> menu.yaml:5:32"), "{}", out.stdout);
}

#[test]
fn columns_count_characters_not_bytes() {
    // `ñ` and `—` are several bytes each; the column is in characters.
    let dir = Dir::new();
    dir.write(
        "menu.yaml",
        support::MINIMAL.replace(
            r#"- { key: "1", to: operator }"#,
            r#"- { label: Español—ñ, key: "1", to: operatr }"#,
        ),
    );
    let out = dir.ivrsim(&["check", "--format", "json", "menu.yaml"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let f = &json["menus"][0]["findings"][0];
    assert_eq!(f["code"], "E006", "{json:#}");
    let line = r#"      - { label: Español—ñ, key: "1", to: operatr }"#;
    let column = line[..line.find("operatr").expect("target")].chars().count() + 1;
    assert_eq!(f["line"], 13, "{json:#}");
    assert_eq!(f["column"], column, "{json:#}");
}

// ----------------------------------------------------------------------------------------
// Bugs found while writing the fixtures: written as ivrsim should behave, ignored until fixed.

#[test]
fn duplicate_field_points_at_the_repeat() {
    let dir = Dir::new();
    // `queue` is given twice in the `operator` transfer (lines 16 and 18).
    let menu = format!("{}    queue: general-2\n", support::MINIMAL);
    dir.write("menu.yaml", &menu);
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("`queue`"), "{}", out.stdout);
    assert!(
        out.stdout.contains("--> menu.yaml:18:5"),
        "the finding must point at the second `queue:` (line 18), not at the mapping:\n{}",
        out.stdout
    );
}

#[test]
fn unquoted_hash_in_flow_mapping_is_only_e015() {
    let dir = Dir::new();
    let menu = std::fs::read_to_string(fixtures_dir().join("E015-unquoted-terminator.yaml"))
        .expect("fixture")
        .replace(
            "    digits:\n      min: 6\n      max: 6\n      terminator: #\n",
            "    digits: { min: 6, max: 6, terminator: # }\n",
        );
    dir.write("menu.yaml", &menu);
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        codes_in(&out.stdout),
        BTreeSet::from(["E015".to_owned()]),
        "E015 explains the problem; the YAML error it causes on the next line is noise:\n{}",
        out.stdout
    );
}

#[test]
fn include_cycle_message_names_the_cycle_with_display_paths() {
    let out = check_fixture_file("E017-include-cycle.yaml", &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        !out.stdout.contains("includes itself"),
        "`../E017-include-cycle.yaml` does not include itself: it is included again by \
         `includes/billing-cycle.yaml`:\n{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("[FIXTURES]"),
        "paths in findings are shown as given (relative), not canonical absolute paths:\n{}",
        out.stdout
    );
}

#[test]
fn empty_clip_path_is_not_an_escape() {
    let dir = Dir::new();
    dir.write("menu.yaml", ONE_CLIP.replace("audio: welcome.wav", "audio: \"\""));
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let codes = codes_in(&out.stdout);
    assert!(
        codes == BTreeSet::from(["E004".to_owned()]) || codes == BTreeSet::from(["E016".to_owned()]),
        "an empty clip name is a missing or invalid value, not a path leaving `audio_dir`:\n{}",
        out.stdout
    );
    assert!(out.stdout.contains("empty"), "{}", out.stdout);
}

#[test]
fn w005_help_when_the_operator_key_leads_to_a_menu() {
    let dir = Dir::new();
    // `0` is the operator key, but `defaults.operator` is the help menu, not a transfer.
    let menu = r#"name: City Water Emergency Line
entry: main_menu
defaults:
  when_no_operator: { action: message, prompt: { text: "No one can take your call now. Please call again later." } }
  fallback: operator
  operator: help_menu
  keys: { operator: "0" }
  no_input: [{ text: "Sorry, I did not hear a choice." }]
  no_match: [{ text: "Sorry, that is not one of the choices." }]
nodes:
  main_menu:
    kind: menu
    prompt: { text: "For help, press 1." }
    options:
      - { key: "1", to: help_menu }
  help_menu:
    kind: menu
    prompt: { text: "To speak to a person, press 1." }
    options:
      - { key: "1", to: operator }
  operator:
    kind: transfer
    queue: general
"#;
    dir.write("menu.yaml", menu);
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert!(codes_in(&out.stdout).contains("W005"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("set a global `operator` key"),
        "the menu has a global `operator` key; the help should say that it leads to \
         `help_menu`, which is not a transfer:\n{}",
        out.stdout
    );
}

#[test]
fn nodes_reached_only_when_no_call_taker_is_free_are_not_e014() {
    // The callback's collect and what follows it cannot reach an operator: that is why the
    // call is there. They are checked like any node otherwise.
    let out = support::ivrsim(&["check", "tests/fixtures/operator/callback-menu.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(codes_in(&out.stdout).is_empty(), "{}", out.stdout);
    // The same nodes reached by a caller's key are held to the rule.
    let dir = Dir::new();
    let text = std::fs::read_to_string(support::root().join("tests/fixtures/operator/callback-menu.yaml"))
        .expect("fixture")
        .replace(
            r#"options: [{ key: "1", to: op }]"#,
            r#"options: [{ key: "1", to: op }, { key: "2", to: thanks }]"#,
        )
        .replace("  keys: { operator: \"0\" }\n", "");
    dir.write("menu.yaml", text);
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert!(codes_in(&out.stdout).contains("E014"), "{}", out.stdout);
}

#[test]
fn a_no_operator_plan_back_to_its_own_transfer_and_too_frequent_announcements_are_refused() {
    let dir = Dir::new();
    let menu = support::MINIMAL.replace(
        "when_no_operator: { action: message, prompt: { text: \"No one can take your call now.\" } }",
        "when_no_operator: { action: goto, to: operator }\n    hold: { every: 1ms }",
    );
    dir.write("menu.yaml", menu);
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("leads back to `operator` itself"), "{}", out.stdout);
    assert!(
        out.stdout.contains("`hold.every` is shorter than 5 seconds"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_hold_announcement_with_an_unknown_placeholder_is_refused() {
    let dir = Dir::new();
    let menu = support::MINIMAL.replace(
        "    queue: general\n",
        "    queue: general\n    hold: { prompt: { text: \"You are number {position} in {bogus}\" } }\n",
    );
    dir.write("menu.yaml", &menu);
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("`{bogus}` in a hold announcement is not a placeholder"),
        "{}",
        out.stdout
    );
    // The known ones are fine, and an unclosed one is caught too.
    dir.write("menu.yaml", menu.replace("{bogus}", "{queue}"));
    assert_eq!(dir.ivrsim(&["check", "menu.yaml"]).code, 0);
    dir.write("menu.yaml", menu.replace("{bogus}", "{queue"));
    assert!(
        dir.ivrsim(&["check", "menu.yaml"])
            .stdout
            .contains("`{queue` in a hold announcement")
    );
}

/// Every misspelt node field of a file is reported, not only the first, and each finding
/// lists the fields of its own node's kind (a `message` node's, not all of them).
#[test]
fn unknown_node_fields_are_all_reported_with_their_kinds_fields() {
    let out = check_fixture_file("E002-several-unknown-fields.yaml", &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for field in ["bargein", "pattren", "priorty"] {
        assert!(
            out.stdout.contains(&format!("error[E002]: unknown field `{field}`")),
            "`{field}` not reported:\n{}",
            out.stdout
        );
    }
    assert!(
        out.stdout
            .contains("expected one of `kind`, `description`, `prompt`, `next`, `barge_in`"),
        "a message node's fields:\n{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("`reason`"),
        "no list of every node field:\n{}",
        out.stdout
    );
}

/// Unknown fields outside nodes (a prompt's, an option's, `defaults`') stop the parser, which
/// is then run again with each one blanked out, so that all of them are reported too.
#[test]
fn unknown_fields_outside_nodes_are_all_reported() {
    let dir = support::Dir::new();
    dir.write(
        "menu.yaml",
        "name: T\nentry: main\ndefaults:\n  fallback: operator\n  timout: 5s\nnodes:\n  main:\n    kind: menu\n    prompt: { text: \"Press 1.\", audoi: main.wav }\n    options:\n      - key: \"1\"\n        ot: operator\n        to: operator\n      - { key: \"2\", to: operator, lable: two }\n  operator:\n    kind: transfer\n    queue: general\n",
    );
    let out = dir.ivrsim(&["check", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for (field, at) in [("timout", "5:3"), ("audoi", "9:33"), ("ot", "12:9"), ("lable", "14:35")] {
        assert!(
            out.stdout.contains(&format!("error[E002]: unknown field `{field}`")),
            "`{field}` not reported:\n{}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!("menu.yaml:{at}")),
            "`{field}` at {at}:\n{}",
            out.stdout
        );
    }
    assert_eq!(out.stdout.matches("error[").count(), 4, "{}", out.stdout);
}

/// `type:` for `kind:`: one finding per node (E002 with "did you mean `kind`?"), not also
/// E004 "node has no `kind`", nor a list of every node field.
#[test]
fn type_for_kind_is_one_finding_per_node() {
    let out = check_fixture_file("E002-type-for-kind.yaml", &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.stdout.matches("error[").count(), 3, "{}", out.stdout);
    assert_eq!(
        out.stdout.matches("error[E002]: unknown field `type`").count(),
        3,
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout.matches("help: did you mean `kind`?").count(),
        3,
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("`reason`"), "{}", out.stdout);
}
