//! `ivrsim scenarios generate` and `ivrsim call --save-scenario`: generated and recorded
//! scenario files pass `ivrsim test`, and a generated suite takes every target it lists.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;

use crate::support::{Dir, UNICODE_KEYWORDS, root};

/// Generates in-process for `menu`, checks every target is covered, runs the suite through the
/// scenario runner, and returns the YAML.
fn generate_and_run(menu_path: &Path) -> String {
    let mut sources = ivrsim::source::Sources::new();
    let menu = ivrsim::menu::load_menu(menu_path, &mut sources).unwrap().menu.unwrap();
    let (clips, _) = ivrsim::audio::ClipLibrary::load(&menu);
    let suite = ivrsim::scenario::generate::generate(&menu, &clips, &menu_path.display().to_string());
    assert!(suite.missed.is_empty(), "{:#?}", suite.missed);
    let covered: BTreeSet<_> = suite.scenarios.iter().flat_map(|s| s.covers.iter().cloned()).collect();
    let missing: Vec<_> = suite.targets.difference(&covered).collect();
    assert!(missing.is_empty(), "{missing:?}");
    assert!(!suite.targets.is_empty());
    // The same output every run.
    let again = ivrsim::scenario::generate::generate(&menu, &clips, &menu_path.display().to_string());
    assert_eq!(suite.yaml, again.yaml);
    // Every scenario passes the runner.
    let dir = Dir::new();
    let file = dir.write("suite.yaml", &suite.yaml);
    let mut sources = ivrsim::source::Sources::new();
    let (loaded, diags) = ivrsim::scenario::load_scenarios(&file, &mut sources).unwrap();
    let loaded = loaded.unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(loaded.scenarios.len(), suite.scenarios.len());
    for sc in &loaded.scenarios {
        let run = ivrsim::scenario::runner::run(&menu, &clips, sc);
        assert!(run.failure.is_none(), "{}: {:?}", sc.name, run.failure);
    }
    suite.yaml
}

#[test]
fn generated_suites_cover_the_bundled_menus_and_pass() {
    for m in ["menus/hotline.yaml", "menus/clinic.yaml"] {
        generate_and_run(&root().join(m));
    }
}

// Generated scenarios say each keyword as the menu's normalised form, which the engine takes
// (it wrote `say: "i stanbul"` and `"re sume"`, splitting words at combining marks).
#[test]
fn generated_scenarios_say_unicode_keywords_whole() {
    let dir = Dir::new();
    let menu = dir.write("menu.yaml", UNICODE_KEYWORDS);
    let yaml = generate_and_run(&menu);
    for bad in ["i stanbul", "re sume", "re\u{301} sume"] {
        assert!(!yaml.contains(bad), "{bad:?} in\n{yaml}");
    }
    assert!(yaml.contains("résumé"), "{yaml}");
}

#[test]
fn a_generated_suite_covers_a_synthetic_menu_of_1000_nodes() {
    let dir = Dir::new();
    let menu = dir.write("big.yaml", ivrsim::synth::menu_yaml(1000));
    generate_and_run(&menu);
}

#[test]
fn the_cli_writes_a_suite_that_ivrsim_test_passes() {
    let dir = Dir::new();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    let menu = root().join("menus/hotline.yaml");
    let out = dir.ivrsim(&[
        "scenarios",
        "generate",
        menu.to_str().unwrap(),
        "-o",
        "scenarios/hotline.yaml",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(dir.path().join("scenarios/hotline.yaml")).unwrap();
    assert!(text.contains("scenarios:"), "{text}");
    let test = dir.ivrsim(&["test", "scenarios/hotline.yaml"]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert!(test.stdout.contains(" 0 failed"), "{}", test.stdout);
    // To stdout, with the menu path as given.
    let out = dir.ivrsim(&["scenarios", "generate", menu.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("menu: \"{}\"", menu.display())),
        "{}",
        out.stdout
    );
}

fn call_and_save(dir: &Dir, input: &str, extra: &[&str]) -> String {
    let menu = root().join("menus/hotline.yaml");
    let mut args = vec![
        "call".to_owned(),
        menu.to_str().unwrap().to_owned(),
        "--at".into(),
        "2026-03-02T10:00".into(),
        "--save-scenario".into(),
        "rec/saved.yaml".into(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    std::fs::create_dir_all(dir.path().join("rec")).unwrap();
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .args(&args)
        .env("NO_COLOR", "1")
        .write_stdin(input.to_owned())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.path().join("rec/saved.yaml")).unwrap();
    let test = dir.ivrsim(&["test", "rec/saved.yaml"]);
    assert_eq!(test.code, 0, "{text}\n{}{}", test.stdout, test.stderr);
    assert!(test.stdout.contains("1 passed, 0 failed"), "{}", test.stdout);
    text
}

#[test]
fn a_saved_call_replays_as_a_passing_scenario() {
    let dir = Dir::new();
    let text = call_and_save(&dir, "1\n1\n", &[]);
    assert!(text.contains("press: \"1\""), "{text}");
    assert!(text.contains("queue: \"urgent\""), "{text}");
    // Silences, a no-match and a fallback.
    let text = call_and_save(&dir, "2\n2026\n\n\n\n\n", &[]);
    assert!(text.contains("silence: timeout"), "{text}");
}

#[test]
fn a_call_the_caller_hangs_up_is_saved_too() {
    let dir = Dir::new();
    let text = call_and_save(&dir, "3\n:hangup\n", &[]);
    assert!(text.contains("hangup: true"), "{text}");
    let text = call_and_save(&dir, "4\n", &["--var", "region=north"]);
    assert!(text.contains("hangup: true"), "{text}");
    assert!(text.contains("vars: {"), "{text}");
}

/// The minimal menu with key `1` twice in `main` (E008): the second option is never taken.
fn duplicate_key_menu() -> String {
    crate::support::MINIMAL.replace(
        "      - { key: \"1\", to: operator }\n",
        "      - { key: \"1\", to: operator }\n      - { key: \"1\", to: operator }\n",
    )
}

#[test]
fn generate_refuses_a_menu_that_check_rejects() {
    let dir = Dir::new();
    dir.write("menu.yaml", duplicate_key_menu());
    let out = dir.ivrsim(&["scenarios", "generate", "menu.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("error[E008]"),
        "the findings are shown: {}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let out = dir.ivrsim(&["scenarios", "generate", "menu.yaml", "-o", "s.yaml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!dir.path().join("s.yaml").exists());
}

#[test]
fn what_generation_misses_is_said_in_words() {
    let dir = Dir::new();
    let path = dir.write("menu.yaml", duplicate_key_menu());
    let mut sources = ivrsim::source::Sources::new();
    let menu = ivrsim::menu::load_menu(&path, &mut sources).unwrap().menu.unwrap();
    let (clips, _) = ivrsim::audio::ClipLibrary::load(&menu);
    let suite = ivrsim::scenario::generate::generate(&menu, &clips, "menu.yaml");
    assert_eq!(
        suite.missed,
        ["`main` option 2 (key `1`) is not reached by any generated scenario"],
        "no Rust debug text"
    );
}

/// A folder laid out like a checkout: `docs/schema/scenario.schema.json` and `menus/menu.yaml`.
fn checkout_like() -> Dir {
    let dir = Dir::new();
    dir.write(
        "docs/schema/scenario.schema.json",
        std::fs::read(root().join("docs/schema/scenario.schema.json")).unwrap(),
    );
    dir.write("menus/menu.yaml", crate::support::MINIMAL);
    std::fs::create_dir_all(dir.path().join("scenarios")).unwrap();
    dir
}

#[test]
fn generated_and_recorded_files_name_their_schema() {
    let dir = checkout_like();
    let line = "# yaml-language-server: $schema=../docs/schema/scenario.schema.json";
    let out = dir.ivrsim(&["scenarios", "generate", "menus/menu.yaml", "-o", "scenarios/gen.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(dir.path().join("scenarios/gen.yaml")).unwrap();
    assert_eq!(text.lines().next(), Some(line), "{text}");
    let out = Command::cargo_bin("ivrsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["call", "menus/menu.yaml", "--save-scenario", "scenarios/rec.yaml"])
        .write_stdin("1\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.path().join("scenarios/rec.yaml")).unwrap();
    assert_eq!(text.lines().next(), Some(line), "{text}");
    // To stdout: relative to the current folder.
    let out = dir.ivrsim(&["scenarios", "generate", "menus/menu.yaml"]);
    assert_eq!(
        out.stdout.lines().next(),
        Some("# yaml-language-server: $schema=docs/schema/scenario.schema.json")
    );
    for f in ["scenarios/gen.yaml", "scenarios/rec.yaml"] {
        let test = dir.ivrsim(&["test", f]);
        assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    }
}

/// The bundled hotline, its clips, and the start of a call on a Monday morning (offices open).
fn hotline_monday() -> (
    std::path::PathBuf,
    ivrsim::menu::Menu,
    ivrsim::audio::ClipLibrary,
    ivrsim::engine::CallStart,
) {
    let mut sources = ivrsim::source::Sources::new();
    let menu_path = root().join("menus/hotline.yaml");
    let menu = ivrsim::menu::load_menu(&menu_path, &mut sources).unwrap().menu.unwrap();
    let (clips, _) = ivrsim::audio::ClipLibrary::load(&menu);
    let start = ivrsim::engine::CallStart {
        clock: ivrsim::engine::CallClock::new(jiff::civil::date(2026, 3, 2).at(10, 0, 0, 0)),
        ..ivrsim::engine::CallStart::default()
    };
    (menu_path, menu, clips, start)
}

/// A caller who hangs up during a prompt (here the transfer's "Connecting you…", so before
/// the handoff) is saved with the hang-up's time in that prompt, and the replay hangs up
/// there too: no transfer is expected of a call that never reached one.
#[test]
fn a_hang_up_during_a_prompt_is_saved_at_its_time() {
    use ivrsim::engine::{Call, Effect};
    let (menu_path, menu, clips, start) = hotline_monday();
    let mut call = Call::new(&menu, clips.timings(), start.clone());
    let mut log = Vec::new();
    let settle = |call: &mut Call, log: &mut Vec<Effect>| {
        while call.is_playing() {
            let t = call.poll_timeout().unwrap();
            call.handle_timeout(t);
        }
        log.extend(std::iter::from_fn(|| call.poll_effect()));
    };
    settle(&mut call, &mut log);
    call.handle_keys(call.now(), "4");
    settle(&mut call, &mut log);
    call.handle_keys(call.now(), "2");
    log.extend(std::iter::from_fn(|| call.poll_effect()));
    assert!(call.is_playing(), "the south office's transfer prompt plays");
    let during = call.now() + std::time::Duration::from_millis(700);
    call.handle_hangup(during);
    log.extend(std::iter::from_fn(|| call.poll_effect()));
    assert!(
        !log.iter().any(|e| matches!(e, Effect::Handoff(_))),
        "no handoff in the real call"
    );
    let dir = Dir::new();
    let yaml = ivrsim::call::save::scenario_yaml(&menu, &clips, &start, &log, call.path(), menu_path.to_str().unwrap());
    assert!(yaml.contains("{ hangup: true, at: 700ms }"), "{yaml}");
    assert!(!yaml.contains("transfer:"), "{yaml}");
    dir.write("saved.yaml", &yaml);
    let test = dir.ivrsim(&["test", "saved.yaml"]);
    assert_eq!(test.code, 0, "{yaml}\n{}{}", test.stdout, test.stderr);
}

/// Keys that barge in at several prompts, then a hang-up during one, are saved each with its
/// own time in its prompt, and the replay takes the call's timeline (same length, same path).
#[test]
fn barge_ins_at_several_prompts_are_saved_at_their_times() {
    use ivrsim::engine::{Call, Effect, PromptPlay};
    let (menu_path, menu, clips, start) = hotline_monday();
    let mut call = Call::new(&menu, clips.timings(), start.clone());
    let mut log: Vec<Effect> = Vec::new();
    // Plays until `node`'s prompt starts; returns it.
    let until_prompt = |call: &mut Call, log: &mut Vec<Effect>, node: &str| -> PromptPlay {
        loop {
            while let Some(e) = call.poll_effect() {
                log.push(e.clone());
                if let Effect::StartPrompt(p) = e
                    && p.node == node
                {
                    return p;
                }
            }
            let t = call.poll_timeout().unwrap();
            call.handle_timeout(t);
        }
    };
    let ms = std::time::Duration::from_millis;
    let main = until_prompt(&mut call, &mut log, "main_menu");
    call.handle_keys(main.at + ms(1000), "4");
    let regions = until_prompt(&mut call, &mut log, "regions_menu");
    assert!(regions.duration > ms(2005));
    call.handle_keys(regions.at + ms(2005), "2");
    let south = until_prompt(&mut call, &mut log, "south_office");
    call.handle_hangup(south.at + ms(1004));
    log.extend(std::iter::from_fn(|| call.poll_effect()));
    let length = call.now();
    let yaml = ivrsim::call::save::scenario_yaml(&menu, &clips, &start, &log, call.path(), menu_path.to_str().unwrap());
    assert!(yaml.contains(r#"{ press: "2", at: 2005ms }"#), "{yaml}");
    assert!(yaml.contains("{ hangup: true, at: 1004ms }"), "{yaml}");
    let dir = Dir::new();
    dir.write("saved.yaml", &yaml);
    let test = dir.ivrsim(&["test", "saved.yaml"]);
    assert_eq!(test.code, 0, "{yaml}\n{}{}", test.stdout, test.stderr);
    assert!(
        test.stdout.contains(&format!("({:.1} s)", length.as_secs_f64())),
        "the replay lasts as long as the call ({length:?}):\n{yaml}\n{}",
        test.stdout
    );
}

// Issue 14: coverage targets are only what can happen. A menu with no re-prompts at all (the
// prompt simply plays again) has no re-prompt targets, so a generated suite covers it whole,
// under every counting policy.
#[test]
fn a_menu_without_reprompts_is_covered_whole_under_every_counting_policy() {
    for counting in ["visit", "shared", "freeswitch", "call"] {
        let dir = Dir::new();
        let menu = dir.write(
            "menu.yaml",
            format!(
                r#"name: T
entry: main
defaults: {{ fallback: op, operator: op, keys: {{ operator: "0" }}, counting: {counting} }}
nodes:
  main:
    kind: menu
    prompt: {{ text: "For billing, press 1. For an operator, press 0." }}
    options: [{{ key: "1", to: bill }}]
  bill:
    kind: collect
    prompt: {{ text: "Your account number, please." }}
    digits: {{ min: 4, max: 4 }}
    store: account
    next: op
  op: {{ kind: transfer, queue: q, when_no_operator: {{ action: message, prompt: {{ text: "busy" }} }} }}
"#
            ),
        );
        generate_and_run(&menu);
        generated_by_the_cli_covers(
            &dir,
            counting,
            "nodes 3/3 (100.0%), options 1/1 (100.0%), failure edges 4/4 (100.0%)",
        );
    }
}

/// `ivrsim scenarios generate menu.yaml -o suite.yaml` in `dir`, then `ivrsim test` of the
/// suite, which passes with the coverage `summary` (`nodes 3/3 (100.0%), …`).
fn generated_by_the_cli_covers(dir: &Dir, counting: &str, summary: &str) {
    let out = dir.ivrsim(&["scenarios", "generate", "menu.yaml", "-o", "suite.yaml"]);
    assert_eq!(out.code, 0, "{counting}: {}{}", out.stdout, out.stderr);
    assert!(dir.path().join("suite.yaml").exists());
    let out = dir.ivrsim(&["test", "suite.yaml", "--coverage", "summary"]);
    assert_eq!(out.code, 0, "{counting}: {}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(summary), "{counting}: {}", out.stdout);
}

// Issue 14: a generated suite covers every target of a menu that uses every construct of menu
// format v2 (failure handling with its own fallbacks and `unlimited`, short prompts, patterns
// under `full_length`, data keys, routes on values and hours, record, external, callback,
// queues full, closed, unstaffed and waited too long, a hold exit key, languages), under every
// counting policy: the generator reaches what only an operator line, a global key, a second
// valid entry or a way out of an endless re-prompt reaches.
#[test]
fn a_suite_generated_for_every_construct_covers_it_whole_under_every_counting_policy() {
    let template = std::fs::read_to_string(root().join("tests/fixtures/generate/every-construct.yaml")).unwrap();
    for counting in ["visit", "shared", "freeswitch", "call"] {
        let dir = Dir::new();
        dir.write("menu.yaml", template.replace("COUNTING", counting));
        generate_and_run(&dir.path().join("menu.yaml"));
        generated_by_the_cli_covers(
            &dir,
            counting,
            "nodes 20/20 (100.0%), options 7/7 (100.0%), failure edges 19/19 (100.0%)",
        );
        // The operator lines it needed are written as starts.
        let suite = std::fs::read_to_string(dir.path().join("suite.yaml")).unwrap();
        for start in [
            "operator: unavailable",
            "operator: busy, waiting: 3",
            "operator: busy }",
        ] {
            assert!(suite.contains(start), "{counting}: no `{start}` in\n{suite}");
        }
    }
}

// The platform-style fixtures (Asterisk, Amazon Connect, FreeSWITCH, Twilio Studio, VoiceXML)
// and the menus of the check fixtures that go live: a generated suite covers each whole.
#[test]
fn generated_suites_cover_the_platform_and_check_fixtures_whole() {
    let mut menus: Vec<std::path::PathBuf> = Vec::new();
    for dir in [
        "tests/fixtures/announced",
        "tests/fixtures/hours",
        "tests/fixtures/check",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            // Check fixtures with errors (E…) and W002 (an inescapable loop is an error too)
            // cannot be generated for.
            if p.extension().is_some_and(|x| x == "yaml") && !name.starts_with('E') && !name.starts_with("W002") {
                menus.push(p);
            }
        }
    }
    menus.sort();
    assert!(menus.len() > 30, "{menus:?}");
    for m in &menus {
        let mut sources = ivrsim::source::Sources::new();
        let loaded = ivrsim::menu::load_menu(m, &mut sources).unwrap();
        if loaded
            .diagnostics
            .iter()
            .any(|d| d.severity() == ivrsim::diag::Severity::Error)
        {
            continue; // a fixture of an error found after loading (W010's bad clip …)
        }
        generate_and_run(m);
    }
}
