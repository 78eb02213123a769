//! `ivrsim test` at scale (issue 14): a suite of 10,000 generated scenarios (and a few that
//! fail) gives the same text, JSON, JUnit and coverage reports with one worker and with four,
//! in the same order, and nothing but them: no progress bar in a pipe.

use crate::support::Dir;

/// A synthetic menu, its generated suite of at least `at_least` scenarios, and a file of
/// scenarios that fail, in `dir`; returns the suite's scenario count.
fn suite(dir: &Dir, nodes: usize, at_least: usize) -> usize {
    let menu_path = dir.write("menu.yaml", ivrsim::synth::menu_yaml(nodes));
    let mut sources = ivrsim::source::Sources::new();
    let menu = ivrsim::menu::load_menu(&menu_path, &mut sources).unwrap().menu.unwrap();
    let (clips, _) = ivrsim::audio::ClipLibrary::load(&menu);
    let suite = ivrsim::scenario::generate::generate(&menu, &clips, "menu.yaml");
    assert!(suite.scenarios.len() >= at_least, "{}", suite.scenarios.len());
    dir.write("a-suite.yaml", &suite.yaml);
    // Failures in two places of the file order, so their reports must keep it.
    dir.write(
        "b-fails.yaml",
        r#"menu: menu.yaml
scenarios:
  - name: wrong queue
    steps:
      - press: "0"
      - expect: { transfer: { queue: nowhere } }
  - name: not there
    steps:
      - press: "1"
      - expect: { node: operator }
  - name: too slow
    steps:
      - silence: timeout
      - expect: { elapsed: { max: 1s } }
"#,
    );
    suite.scenarios.len()
}

/// `ivrsim test` with `args` and `--jobs jobs`: (exit code, stdout, stderr).
fn test(dir: &Dir, jobs: &str, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["test", "a-suite.yaml", "b-fails.yaml", "--jobs", jobs];
    all.extend_from_slice(args);
    let out = dir.ivrsim(&all);
    (out.code, out.stdout, out.stderr)
}

/// The JUnit report without its wall-clock times (the only thing that differs run to run).
fn without_times(xml: &str) -> String {
    let re = regex::Regex::new(r#" time="[0-9.]+""#).unwrap();
    re.replace_all(xml, "").into_owned()
}

#[test]
fn a_10000_scenario_suite_gives_the_same_reports_with_1_and_4_workers() {
    let dir = Dir::new();
    let n = suite(&dir, 3600, 10_000);
    let mut texts = Vec::new();
    let mut jsons = Vec::new();
    for jobs in ["1", "4"] {
        let junit = format!("junit-{jobs}.xml");
        let cov = format!("coverage-{jobs}.json");
        let (code, text, err) = test(&dir, jobs, &["--junit", &junit, "--coverage-json", &cov]);
        assert_eq!(code, 1, "{err}");
        // A pipe gets no progress bar, nor anything else, on stderr.
        assert_eq!(err, "", "stderr of a piped run");
        let (code, json, err) = test(&dir, jobs, &["--format", "json"]);
        assert_eq!((code, err.as_str()), (1, ""));
        let junit = std::fs::read_to_string(dir.path().join(junit)).unwrap();
        let cov = std::fs::read_to_string(dir.path().join(cov)).unwrap();
        texts.push((text, without_times(&junit), cov));
        jsons.push(json);
    }
    assert!(
        texts[0] == texts[1],
        "text, JUnit or coverage differ between 1 and 4 workers"
    );
    assert!(jsons[0] == jsons[1], "JSON differs between 1 and 4 workers");
    let (text, junit, _) = &texts[0];
    assert!(
        text.contains(&format!("{n} passed, 3 failed")),
        "{}",
        &text[text.len().saturating_sub(500)..]
    );
    let fails: Vec<&str> = text.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fails.len(), 3);
    assert!(
        fails[0].contains("wrong queue") && fails[2].contains("too slow"),
        "{fails:?}"
    );
    // Every scenario in file order: the suite's first, then the failing file's.
    let v: serde_json::Value = serde_json::from_str(&jsons[0]).unwrap();
    let scenarios = v["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), n + 3);
    let lines: Vec<u64> = scenarios[..n]
        .iter()
        .map(|s| s["location"]["line"].as_u64().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "scenarios out of file order");
    assert_eq!(scenarios[n]["name"], "wrong queue");
    assert_eq!(v["totals"]["steps"].as_u64(), text_steps(text));
    assert!(junit.matches("<testcase").count() == n + 3);
    // The generated suite covers its menu whole, however many workers marked it.
    assert!(
        text.contains("nodes 3600/3600 (100.0%)"),
        "{}",
        &text[text.len().saturating_sub(500)..]
    );
}

/// The steps of the summary line (`N passed, M failed (S steps)`).
fn text_steps(text: &str) -> Option<u64> {
    let last = text.lines().last()?;
    let inner = last.rsplit_once('(')?.1.strip_suffix(" steps)")?;
    inner.parse().ok()
}

/// On a terminal, the same run draws a progress bar (on stderr, which is the terminal).
#[test]
fn a_terminal_gets_a_progress_bar() {
    use rexpect::session::{Options, spawn_with_options};
    let dir = Dir::new();
    suite(&dir, 1200, 3_000);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ivrsim"));
    cmd.current_dir(dir.path())
        .args(["test", "a-suite.yaml", "--coverage", "none", "--jobs", "1"])
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut p = spawn_with_options(
        cmd,
        Options::new().timeout_ms(Some(120_000)).strip_ansi_escape_codes(true),
    )
    .expect("spawn ivrsim in a pty");
    let seen = p.exp_string("scenarios (").map_err(|e| e.to_string());
    assert!(seen.is_ok(), "no progress bar on a terminal: {seen:?}");
    p.exp_string("passed, 0 failed").expect("the summary");
}

/// With more than one worker, a scenario file's menu is loaded while its scenarios are read
/// (when the file names it before them). What is shown must not change: a menu with errors is
/// refused with its findings once, and a scenario file that cannot be used shows its own
/// findings only, never those of its menu (loaded ahead, then dropped unseen).
#[test]
fn a_menu_loaded_ahead_shows_what_a_menu_loaded_after_shows() {
    let dir = Dir::new();
    dir.write("good.yaml", ivrsim::synth::menu_yaml(3));
    // The entry names a node the menu does not have (E006).
    dir.write(
        "bad.yaml",
        ivrsim::synth::menu_yaml(3).replacen("entry: n0", "entry: nowhere", 1),
    );
    let scenarios = "scenarios:\n  - name: one\n    steps:\n      - expect: { listen: true, at_node: operator }\n";
    dir.write("a-runs.yaml", format!("menu: good.yaml\n{scenarios}"));
    dir.write("b-bad-menu.yaml", format!("menu: bad.yaml\n{scenarios}"));
    dir.write(
        "c-bad-both.yaml",
        format!("menu: bad.yaml\n{scenarios}      - press: [1]\n"),
    );
    dir.write("d-missing-menu.yaml", format!("menu: absent.yaml\n{scenarios}"));
    for files in [
        &["a-runs.yaml"][..],
        &["b-bad-menu.yaml"],
        &["c-bad-both.yaml"],
        &["d-missing-menu.yaml"],
        &["c-bad-both.yaml", "b-bad-menu.yaml", "a-runs.yaml"],
    ] {
        let run = |jobs: &str| {
            let mut args = vec!["test", "--jobs", jobs, "--coverage", "summary"];
            args.extend_from_slice(files);
            let out = dir.ivrsim(&args);
            (out.code, out.stdout, out.stderr)
        };
        let one = run("1");
        if files == ["a-runs.yaml"] {
            assert_eq!(one.0, 0, "{one:?}");
        }
        assert_eq!(run("2"), one, "{files:?}");
        assert_eq!(run("4"), one, "{files:?}");
        if files == ["c-bad-both.yaml"] {
            assert!(
                !one.2.contains("nowhere"),
                "the menu's findings are not shown: {}",
                one.2
            );
            assert!(one.2.contains("c-bad-both.yaml"), "{}", one.2);
        }
        if files == ["d-missing-menu.yaml"] {
            assert!(one.1.contains("0 passed, 0 failed, 1 file not loaded"), "{}", one.1);
        }
        if files == ["b-bad-menu.yaml"] {
            assert_eq!(one.2.matches("no node `nowhere`").count(), 1, "shown once: {}", one.2);
        }
    }
}
