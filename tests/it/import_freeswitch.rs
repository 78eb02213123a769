//! FreeSWITCH mod_ivr menus (`ivr.conf` XML) through the real binary: `check` points into the
//! XML, a generated suite passes with full coverage, `graph` draws the import, scenarios
//! with the times `src/switch_ivr_menu.c` gives pass, and bad input is a finding, never a
//! panic.

use crate::support::{Dir, Output, ivrsim, root, run_in};

const FIXTURE: &str = "tests/fixtures/import/freeswitch/hotline.xml";

/// The findings of `ivrsim check --format json` as `CODE line:column message` lines.
fn findings(out: &Output) -> String {
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let mut lines = String::new();
    for m in json["menus"].as_array().expect("menus") {
        for f in m["findings"].as_array().expect("findings") {
            lines.push_str(&format!(
                "{} {}:{} {}\n",
                f["code"].as_str().unwrap_or("?"),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap_or("?")
            ));
        }
    }
    lines
}

#[test]
fn check_reports_findings_at_their_place_in_the_xml() {
    let out = ivrsim(&["check", FIXTURE]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // The text form points at file:line:column of the XML, attribute values included.
    for place in [
        "--> tests/fixtures/import/freeswitch/hotline.xml:10:26",
        "--> tests/fixtures/import/freeswitch/hotline.xml:22:55",
    ] {
        assert!(out.stdout.contains(place), "{place} in\n{}", out.stdout);
    }
    assert!(out.stdout.contains("hotline.xml: 0 errors, "), "{}", out.stdout);
    let json = ivrsim(&["check", "--format", "json", FIXTURE]);
    insta::assert_snapshot!("freeswitch-hotline-check", findings(&json));
}

#[test]
fn a_generated_suite_passes_with_full_coverage_and_graph_draws_the_import() {
    let dir = Dir::new();
    let menu = root().join(FIXTURE);
    let menu = menu.to_str().expect("utf-8 path");
    let out = dir.ivrsim(&["scenarios", "generate", menu, "-o", "suite.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = dir.ivrsim(&["test", "suite.yaml", "--min-coverage", "100"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("nodes 26/26 (100.0%), options 24/24 (100.0%), failure edges 15/15 (100.0%)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("27 passed, 0 failed"), "{}", out.stdout);

    let out = ivrsim(&["graph", "--format", "dot", FIXTURE]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for id in [
        "hotline_main",
        "hotline_followup",
        "transfer_urgent",
        "voicemail_reports",
        "exit",
    ] {
        assert!(out.stdout.contains(&format!("\"{id}\"")), "{id} in\n{}", out.stdout);
    }
    let svg = dir.path().join("map.svg");
    let out = ivrsim(&["graph", FIXTURE, "-o", svg.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("26 nodes"), "{}", out.stderr);
    assert!(std::fs::read_to_string(svg).unwrap().starts_with("<svg"));
}

/// A menu shaped like FreeSWITCH's demo IVR (`conf/vanilla/ivr_menus/demo_ivr.xml`: timeout
/// 10000 ms, inter-digit 2000 ms, 3 failures, 3 timeouts, `digit-len` 4), with `say:` sounds
/// of known length at 150 words a minute: greet-long 15 words (6.0 s), greet-short 8 words
/// (3.2 s), invalid-sound 5 words (2.0 s), exit-sound 3 words (1.2 s).
const DEMO: &str = r#"<configuration name="ivr.conf">
  <menus>
    <menu name="main"
          greet-long="say:one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
          greet-short="say:one two three four five six seven eight"
          invalid-sound="say:that was not valid here"
          exit-sound="say:goodbye for now"
          tts-engine="flite" tts-voice="slt"
          timeout="10000" inter-digit-timeout="2000"
          max-failures="3" max-timeouts="3" digit-len="4">
      <entry action="menu-sub" digits="6" param="sub"/>
      <entry action="menu-exec-app" digits="/^(10[01][0-9])$/" param="transfer $1 XML features"/>
      <entry action="menu-exec-app" digits="0" param="transfer operator XML default"/>
    </menu>
    <menu name="sub" greet-long="say:press star to go back" max-failures="2">
      <entry action="menu-back" digits="*"/>
      <entry action="menu-exec-app" digits="0" param="transfer operator XML default"/>
    </menu>
    <menu name="bare" greet-long="say:one two">
      <entry action="menu-exit" digits="1"/>
      <entry action="menu-exec-app" digits="0" param="transfer operator XML default"/>
    </menu>
  </menus>
</configuration>
"#;

/// The times `switch_ivr_menu_execute` gives (docs/import.md, FreeSWITCH mod_ivr, "Timing
/// facts"): each comment names the rule of `src/switch_ivr_menu.c` (M) or
/// `src/switch_ivr.c` (I) it follows.
const TIMING: &str = r#"menu: demo.xml
scenarios:
  # The timeout runs from the end of the greeting (M play_and_collect: collection starts
  # after switch_ivr_play_file); a timeout plays no sound (M: `timeouts++; continue`), the
  # next turn plays greet-short (`reps > 0`); the third timeout ends the top menu's run
  # (`timeouts == max_timeouts`) and its exit-sound plays (`stack_count == 1`).
  - name: a silent caller hears the greeting three times, then the exit-sound
    steps:
      - silence: timeout
      - expect: { no_input: { node: main, at: 16s }, prompt_started: { node: main, prompt: "one two three four five six seven eight", at: 16s } }
      - silence: timeout
      - expect: { no_input: { node: main, at: 29.2s } }
      - silence: timeout
      - expect: { no_input: { node: main, at: 42.4s }, prompt_started: { node: exit_max_timeouts, prompt: "goodbye for now", at: 42.4s } }
      - expect: { hangup: max-timeouts, hung_up: { by: line, at: 43.6s } }
  # No early match: with digit-len 4 a single key waits for the inter-digit timeout
  # (I switch_ivr_collect_digits_count: the entry ends at `maxdigits` keys or the digit
  # timeout), then the whole entry is compared (M: strcmp with each bind).
  - name: one key under digit-len 4 acts after the inter-digit timeout
    steps:
      - press: "6"
        at: 2s
      - expect: { prompt_stopped: { node: main, by: barge_in, at: 2s }, entered: { node: sub, at: 4s } }
  # The fourth key reaches inlen: the entry is matched at once against the regex bind
  # (M: switch_regex_perform), whose `$1` is the extension dialled.
  - name: a regex bind takes four keys at the fourth
    steps:
      - press: "1005"
        at: 7s
        gap: 500ms
      - expect: { handoff: { at: 8.5s }, transfer: { queue: extension }, var: { digits: "1005" } }
  # An invalid entry plays invalid-sound, then greet-short (M: `errs++` after
  # play_and_collect of invalid_sound); the third one plays invalid-sound too before the
  # run ends (`errs == max_failures` at the top of the loop), then the exit-sound.
  - name: three wrong keys end the IVR after the invalid-sound and the exit-sound
    steps:
      - press: "7"
        at: 7s
      - expect: { no_match: { node: main, at: 9s }, reprompt: { kind: no_match, node: main, at: 9s } }
      - expect: { prompt_started: { node: main, prompt: "one two three four five six seven eight", at: 11s } }
      - press: "7"
        at: 4.2s
      - expect: { no_match: { node: main, at: 17.2s } }
      - press: "7"
        at: 6.2s
      - expect: { no_match: { node: main, at: 25.4s }, prompt_started: { node: main_invalid_exit_max_failures, prompt: "that was not valid here goodbye for now", at: 25.4s } }
      - expect: { hangup: max-failures, hung_up: { by: line, at: 28.6s } }
  # A sub-menu without timeout attributes: 10000 ms (M switch_ivr_menu_init); max-timeouts
  # copies max-failures (2, M switch_ivr_menu_stack_xml_build); without greet-short its
  # greet-long (2.0 s) plays again; at its limit the run ends and the parent goes on with
  # greet-long (M: `reps = -1` before the nested run). `6` at the end of main's greeting
  # (6.0 s) acts at 8.0 s; timeouts at 8.0 + 2.0 + 10 = 20.0 s and 20.0 + 2.0 + 10 = 32.0 s.
  - name: a sub-menu's second timeout returns to the parent's long greeting
    steps:
      - press: "6"
      - expect: { entered: { node: sub, at: 8s } }
      - silence: timeout
      - silence: timeout
      - expect: { no_input: { node: sub, at: 20s } }
      - expect: { no_input: { node: sub, at: 32s }, entered: { node: main, at: 32s }, prompt_started: { node: main, prompt: "fifteen", at: 32s } }
"#;

#[test]
fn scenarios_with_freeswitch_timings_pass() {
    let dir = Dir::new();
    dir.write("demo.xml", DEMO);
    dir.write("timing.yaml", TIMING);
    let out = dir.ivrsim(&["test", "timing.yaml", "--coverage", "none"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("5 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn a_piped_call_takes_the_urgent_path() {
    let out = assert_cmd::Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(root())
        .args(["call", FIXTURE, "--at", "2026-03-02T10:00"])
        .env("NO_COLOR", "1")
        .write_stdin("2\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Welcome to the public service hotline"), "{stdout}");
    assert!(stdout.contains("Please hold while we connect you."), "{stdout}");
    assert!(stdout.contains("urgent"), "{stdout}");
}

#[test]
fn bad_syntax_is_e022_at_its_line_and_column() {
    let out = ivrsim(&["check", "tests/fixtures/import/freeswitch/bad/syntax.xml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("error[E022]: not well-formed XML"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("--> tests/fixtures/import/freeswitch/bad/syntax.xml:5:3"),
        "{}",
        out.stdout
    );
    let out = ivrsim(&["check", "tests/fixtures/import/freeswitch/bad/dtd.xml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("a document type declaration (DTD) is not read"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("bad/dtd.xml:2:1"), "{}", out.stdout);
}

#[test]
fn constructs_freeswitch_reads_differently_are_reported_at_their_place() {
    let out = ivrsim(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/import/freeswitch/bad/constructs.xml",
    ]);
    // The unknown sub-menu is an error (E006); the rest are warnings.
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    insta::assert_snapshot!("freeswitch-bad-constructs", findings(&out));
}

#[test]
fn deep_and_huge_files_are_bounded() {
    let dir = Dir::new();
    // 200 000 nested elements inside <menus>: read without recursion.
    let depth = 200_000;
    let deep = format!(
        "<configuration name=\"ivr.conf\"><menus>{}{}<menu name=\"m\" greet-long=\"say:Hello.\"><entry action=\"menu-exec-app\" digits=\"0\" param=\"transfer operator XML default\"/></menu></menus></configuration>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    dir.write("deep.xml", deep);
    let out = dir.ivrsim(&["check", "deep.xml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("`<a>` is not read"), "{}", out.stdout);

    // 3000 menus, each a sub-menu of the one before: a long chain, no recursion.
    let mut big = String::from("<configuration name=\"ivr.conf\"><menus>\n");
    for i in 0..3000 {
        let next = if i + 1 < 3000 {
            format!("<entry action=\"menu-sub\" digits=\"1\" param=\"m{}\"/>", i + 1)
        } else {
            String::new()
        };
        big.push_str(&format!(
            "<menu name=\"m{i}\" greet-long=\"say:Menu {i}.\">{next}<entry action=\"menu-back\" digits=\"*\"/><entry action=\"menu-exec-app\" digits=\"0\" param=\"transfer operator XML default\"/></menu>\n"
        ));
    }
    big.push_str("</menus></configuration>\n");
    dir.write("big.xml", big);
    let out = dir.ivrsim(&["check", "big.xml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("big.xml: 0 errors"), "{}", out.stdout);

    // More nodes than the XML limit (2 000 000): refused with a finding.
    let many = format!(
        "<configuration name=\"ivr.conf\"><menus>{}</menus></configuration>",
        "<x/>".repeat(2_000_100)
    );
    dir.write("many.xml", many);
    let out = dir.ivrsim(&["check", "many.xml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("more than 2000000 XML nodes"), "{}", out.stdout);
}

#[test]
fn missing_companions_and_includes_are_findings() {
    let dir = Dir::new();
    dir.write(
        "ivr.conf.xml",
        r#"<configuration name="ivr.conf"><menus>
<X-PRE-PROCESS cmd="include" data="ivr_menus/*.xml"/>
<X-PRE-PROCESS cmd="include" data="other.xml"/>
</menus></configuration>"#,
    );
    dir.write(
        "ivr_menus/main.xml",
        r#"<include><menu name="main" greet-long="phrase:welcome"><entry action="menu-exec-app" digits="0" param="transfer operator XML default"/></menu></include>"#,
    );
    dir.write("ivr_menus/broken.xml", "<include><menu name=\"x\"></include>");
    let out = dir.ivrsim(&["check", "ivr.conf.xml"]);
    // The broken included file is E022 at its own line and column; the rest is imported.
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for words in [
        "error[E022]: included file: not well-formed XML",
        "ivr_menus/broken.xml:1:",
        "other.xml` is not read",
        "the phrase macro `welcome` is imported as the caption `[phrase: welcome]`: no phrase file was found",
    ] {
        assert!(out.stdout.contains(words), "{words:?} in\n{}", out.stdout);
    }
    // With the phrase file beside it (and the broken file fixed), the macro's words are the
    // prompt.
    std::fs::remove_file(dir.path().join("ivr_menus/broken.xml")).unwrap();
    dir.write(
        "phrases.xml",
        r#"<include><macro name="welcome"><input pattern="(.*)"><match><action function="speak-text" data="Welcome to the line."/></match></input></macro></include>"#,
    );
    let out = run_in(dir.path(), &["check", "ivr.conf.xml"]);
    assert!(!out.stdout.contains("[phrase: welcome]"), "{}", out.stdout);
    let out = run_in(dir.path(), &["call", "ivr.conf.xml"]);
    assert!(out.stdout.contains("Welcome to the line."), "{}", out.stdout);
}
