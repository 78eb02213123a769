//! Reports of a scenario run for CI: JUnit XML (`--junit`) and JSON (`--format json`), and
//! running many scenarios on all cores in input order.
//!
//! The reports take [`FileRuns`]: one scenario file's results with every span already
//! resolved to `file:line:column` (so they need no [`Sources`] and can be built, sent or
//! serialised anywhere). Build one with [`FileRuns::new`] from the loaded file and its runs.

use std::path::PathBuf;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde::Serialize;

use super::coverage::{Coverage, Marks};
use super::runner::{self, Run};
use super::{Scenario, ScenarioFile};
use crate::audio::ClipLibrary;
use crate::diag::Diagnostic;
use crate::map::xml::xml_safe;
use crate::menu::Menu;
use crate::source::{Sources, Span};

/// From this many scenarios on, [`run_parallel`] uses a worker per core.
pub const PARALLEL_FROM: usize = 64;

/// A place in a source file, 1-based, shown as `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file as named on the command line (as in the text report's `-->` lines).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// Resolves a span to its start.
    pub fn of(sources: &Sources, span: Span) -> Self {
        let lc = sources.line_col(span);
        Self {
            file: sources.name(span.file).to_owned(),
            line: lc.line,
            column: lc.column,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One scenario's result, its spans resolved.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// Where the scenario is written (its list item).
    pub location: Location,
    /// Where its failing step is written, when it failed.
    pub failure_at: Option<Location>,
    /// The run itself (name, failure message and path, call time).
    pub run: Run,
}

/// A finding that kept a scenario file from running, its place resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadFinding {
    /// Its code (`E001`...); none for a file that cannot be read at all.
    pub code: Option<String>,
    /// What is wrong.
    pub message: String,
    /// Where; none for a file that cannot be read at all (the message names it).
    #[serde(flatten)]
    pub location: Option<Location>,
}

impl LoadFinding {
    /// A finding of `check` or of loading, at its primary span.
    pub fn of(sources: &Sources, d: &Diagnostic) -> Self {
        Self {
            code: Some(d.code.as_str().to_owned()),
            message: d.message.clone(),
            location: Some(Location::of(sources, d.primary.span)),
        }
    }

    /// A finding with no place (a file that cannot be read: the message names it).
    pub fn unplaced(message: impl Into<String>) -> Self {
        Self {
            code: None,
            message: message.into(),
            location: None,
        }
    }
}

/// `file:line:column: message`, or the message alone when it has no place.
impl std::fmt::Display for LoadFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{at}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The results of one scenario file, in file order; or why it could not be run.
#[derive(Debug, Clone)]
pub struct FileRuns {
    /// The scenario file.
    pub file: PathBuf,
    /// The menu it tests (empty when the file could not be loaded far enough to say).
    pub menu: PathBuf,
    /// One per scenario, in file order.
    pub runs: Vec<ScenarioResult>,
    /// Why the file could not be loaded or its menu not used (then it has no runs, and the
    /// reports show it as an error); empty when it ran.
    pub load_errors: Vec<LoadFinding>,
}

impl FileRuns {
    /// Pairs `file`'s scenarios with their `runs` (same order, as [`run_parallel`] returns
    /// them) and resolves their spans.
    ///
    /// # Panics
    /// When `runs` and the scenarios differ in number.
    pub fn new(file: &ScenarioFile, runs: Vec<Run>, sources: &Sources) -> Self {
        assert_eq!(file.scenarios.len(), runs.len(), "one run per scenario");
        let runs = file
            .scenarios
            .iter()
            .zip(runs)
            .map(|(sc, run)| ScenarioResult {
                location: Location::of(sources, sc.span),
                failure_at: run.failure.as_ref().map(|f| Location::of(sources, f.step)),
                run,
            })
            .collect();
        Self {
            file: file.path.clone(),
            menu: file.menu.clone(),
            runs,
            load_errors: Vec::new(),
        }
    }

    /// A scenario file that could not be run, with why (at least one finding; the first is
    /// the one a JUnit report's `message` shows). `menu` when the file names one.
    ///
    /// # Panics
    /// When `findings` is empty.
    pub fn not_loaded(file: PathBuf, menu: Option<PathBuf>, findings: Vec<LoadFinding>) -> Self {
        assert!(!findings.is_empty(), "a file that could not be loaded has a finding");
        Self {
            file,
            menu: menu.unwrap_or_default(),
            runs: Vec::new(),
            load_errors: findings,
        }
    }

    /// Whether the file could not be run (see [`FileRuns::load_errors`]).
    pub fn is_broken(&self) -> bool {
        !self.load_errors.is_empty()
    }
}

/// The nodes a path entered, `a → b → c` (as in the text report).
fn path_text(run: &Run) -> String {
    run.failure
        .as_ref()
        .map_or_else(String::new, |f| crate::engine::route_of(&f.path))
}

/// The JUnit XML report: a test suite per scenario file (named by its path), a test case
/// per scenario (its name; `classname` the menu file; `time` the wall-clock seconds the run
/// took, as CI dashboards read it; the simulated call time in virtual seconds as the property
/// `call_time`, next to `location`). A failure has the expectation's message as `message`, and as text the
/// `--> file:line:column` of the failing step, the message and the path the call took.
///
/// A file that could not be loaded (or whose menu could not be used) is a test suite too,
/// named by the file, with one test case `load` in the `error` state: its `message` is the
/// first finding (`file:line:column: message`), its text every finding, a line each. So a
/// CI dashboard never shows a run green that stopped at a broken file.
///
/// Characters XML 1.0 forbids (in scenario names, prompt texts quoted in messages) are
/// replaced by [`xml_safe`], so the report is always well-formed.
pub fn junit(files: &[FileRuns]) -> String {
    let mut report = Report::new("ivrsim test");
    let mut total = Duration::ZERO;
    for f in files {
        let mut suite = TestSuite::new(f.file.display().to_string());
        if let Some(first) = f.load_errors.first() {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            let all: Vec<String> = f.load_errors.iter().map(ToString::to_string).collect();
            status
                .set_message(first.to_string())
                .set_type("load error")
                .set_description(all.join("\n"));
            let mut case = TestCase::new("load", status);
            case.set_classname(f.file.display().to_string());
            suite.add_test_case(case);
            report.add_test_suite(suite);
            continue;
        }
        let mut suite_time = Duration::ZERO;
        for r in &f.runs {
            let status = match (&r.run.failure, &r.failure_at) {
                (Some(fail), at) => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    let at = at.as_ref().map_or_else(|| r.location.clone(), Clone::clone);
                    s.set_message(fail.message.as_str())
                        .set_type("expectation")
                        .set_description(format!("--> {at}\n{}\npath: {}", fail.message, path_text(&r.run)));
                    s
                }
                (None, _) => TestCaseStatus::success(),
            };
            let mut case = TestCase::new(r.run.name.as_str(), status);
            case.set_classname(f.menu.display().to_string())
                .set_time(r.run.run_time);
            case.add_property(("location", r.location.to_string().as_str()));
            case.add_property(("call_time", format!("{:.3}", r.run.call_time.as_secs_f64()).as_str()));
            suite.add_test_case(case);
            suite_time = suite_time.saturating_add(r.run.run_time);
        }
        suite.set_time(suite_time);
        total = total.saturating_add(suite_time);
        report.add_test_suite(suite);
    }
    report.set_time(total);
    // Serialising to a String writes to memory: it only fails on an I/O error.
    let xml = report.to_string().unwrap_or_default();
    xml_safe(&xml).into_owned()
}

/// `--format json`: one entry per scenario, one per file that could not be loaded, and
/// totals.
#[derive(Debug, Clone, Serialize)]
pub struct JsonReport {
    /// Every scenario, file by file, in file order.
    pub scenarios: Vec<JsonScenario>,
    /// Every file that could not be loaded (or whose menu could not be used), in order.
    pub load_errors: Vec<JsonLoadError>,
    /// Counts.
    pub totals: JsonTotals,
}

/// A file that could not be run, in [`JsonReport`].
#[derive(Debug, Clone, Serialize)]
pub struct JsonLoadError {
    /// The scenario file.
    pub file: String,
    /// Why, every finding (`code`, `message`, `file`, `line`, `column`; no place for a file
    /// that cannot be read at all).
    pub findings: Vec<LoadFinding>,
}

/// One scenario in [`JsonReport`].
#[derive(Debug, Clone, Serialize)]
pub struct JsonScenario {
    /// Its name.
    pub name: String,
    /// The scenario file.
    pub file: String,
    /// The menu file.
    pub menu: String,
    /// Where the scenario is written.
    pub location: Location,
    /// Every expectation held.
    pub passed: bool,
    /// Call time at its end (or at the failing step), in virtual milliseconds.
    pub call_time_ms: u64,
    /// Why it failed.
    pub failure: Option<JsonFailure>,
}

/// A failure in [`JsonScenario`].
#[derive(Debug, Clone, Serialize)]
pub struct JsonFailure {
    /// Expected and found, in words.
    pub message: String,
    /// The file of the failing step.
    pub file: String,
    /// Its line.
    pub line: usize,
    /// Its column.
    pub column: usize,
    /// The path the call took, step by step (`at_ms`, `node`, `event`).
    pub path: Vec<crate::engine::StepRecord>,
}

/// Totals in [`JsonReport`].
#[derive(Debug, Clone, Copy, Serialize)]
pub struct JsonTotals {
    /// Scenario files, those that could not be loaded included.
    pub files: usize,
    /// Scenario files that could not be loaded (or whose menu could not be used).
    pub load_errors: usize,
    /// Scenarios.
    pub scenarios: usize,
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Call time of all scenarios, in virtual milliseconds.
    pub call_time_ms: u64,
    /// Steps run, all scenarios together (actions and expectations; a failed scenario's up
    /// to its failing step), as the text summary's `(N steps)`.
    pub steps: usize,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The JSON report (as a struct; `serde_json::to_value`/`to_string_pretty` it, or add
/// fields such as coverage next to it).
pub fn json_report(files: &[FileRuns]) -> JsonReport {
    let mut scenarios = Vec::new();
    let load_errors: Vec<JsonLoadError> = files
        .iter()
        .filter(|f| f.is_broken())
        .map(|f| JsonLoadError {
            file: f.file.display().to_string(),
            findings: f.load_errors.clone(),
        })
        .collect();
    for f in files {
        for r in &f.runs {
            let failure = r.run.failure.as_ref().map(|fail| {
                let at = r.failure_at.clone().unwrap_or_else(|| r.location.clone());
                JsonFailure {
                    message: fail.message.clone(),
                    file: at.file,
                    line: at.line,
                    column: at.column,
                    path: fail.path.clone(),
                }
            });
            scenarios.push(JsonScenario {
                name: r.run.name.clone(),
                file: f.file.display().to_string(),
                menu: f.menu.display().to_string(),
                location: r.location.clone(),
                passed: failure.is_none(),
                call_time_ms: ms(r.run.call_time),
                failure,
            });
        }
    }
    let passed = scenarios.iter().filter(|s| s.passed).count();
    let totals = JsonTotals {
        files: files.len(),
        load_errors: load_errors.len(),
        scenarios: scenarios.len(),
        passed,
        failed: scenarios.len() - passed,
        call_time_ms: scenarios.iter().map(|s| s.call_time_ms).fold(0, u64::saturating_add),
        steps: files.iter().flat_map(|f| &f.runs).map(|r| r.run.steps).sum(),
    };
    JsonReport {
        scenarios,
        load_errors,
        totals,
    }
}

/// [`json_report`] as a JSON value (an object with `scenarios`, `load_errors` and `totals`).
pub fn json(files: &[FileRuns]) -> serde_json::Value {
    serde_json::to_value(json_report(files)).unwrap_or(serde_json::Value::Null)
}

/// Runs every job and returns the runs in input order: on rayon's pool (a worker per core)
/// when there are [`PARALLEL_FROM`] jobs or more, else one after the other. Rayon's indexed
/// `collect` puts each run at its job's place, so the order (and every report) is the same
/// whatever the number of cores.
pub fn run_parallel(jobs: Vec<(&Menu, &ClipLibrary, &Scenario)>) -> Vec<Run> {
    use rayon::prelude::*;
    if jobs.len() < PARALLEL_FROM || rayon::current_num_threads() < 2 {
        return jobs.into_iter().map(|(m, c, s)| runner::run(m, c, s)).collect();
    }
    jobs.into_par_iter().map(|(m, c, s)| runner::run(m, c, s)).collect()
}

/// One scenario to run by [`run_and_cover`]: its menu, clips, the scenario, and the index of
/// its menu's coverage in the `coverages` given.
pub type Job<'a> = (&'a Menu, &'a ClipLibrary, &'a Scenario, usize);

/// How many workers `ivrsim test` uses by default: one per core the process may use.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Runs every job and records its coverage, as `ivrsim test` does at scale: with
/// `workers` = 1 on the calling thread, one after the other; else on a rayon pool of
/// `workers` threads, which steal scenarios from each other. Each worker marks the coverage
/// of what it ran in its own [`Marks`] (one per menu, by the job's coverage index), and the
/// workers' marks are merged at the end, so recording is linear in what the runs did and
/// needs no lock. Each run's hits are emptied once marked and its handoff record dropped
/// (no report prints them), so what is kept per scenario until the report is its name,
/// times, step count and failure.
///
/// Returns the runs in input order (the same whatever `workers` is, so every report is too)
/// and, per coverage, what they exercised (`None` where no job names it; a job whose
/// coverage is `None` is run and not recorded). `tick` is called
/// once per finished run (a progress bar).
pub fn run_and_cover(
    jobs: Vec<Job<'_>>,
    coverages: &[Option<&Coverage>],
    workers: usize,
    tick: &(dyn Fn() + Sync),
) -> (Vec<Run>, Vec<Option<Marks>>) {
    use rayon::prelude::*;
    type Acc = (Vec<(usize, Run)>, Vec<Option<Marks>>);
    let empty = || -> Acc { (Vec::new(), vec![None; coverages.len()]) };
    let step = |mut acc: Acc, (i, (menu, clips, sc, k)): (usize, Job<'_>)| {
        let mut run = runner::run(menu, clips, sc);
        if let Some(cov) = coverages.get(k).copied().flatten() {
            let marks = acc.1[k].get_or_insert_with(|| cov.marks());
            cov.mark(marks, &run.hits);
        }
        run.hits = super::coverage::Hits::new();
        run.handoff = None;
        acc.0.push((i, run));
        tick();
        acc
    };
    let merge = |mut a: Acc, b: Acc| {
        a.0.extend(b.0);
        for (mine, theirs) in a.1.iter_mut().zip(b.1) {
            match (mine.as_mut(), theirs) {
                (Some(m), Some(t)) => m.merge(t),
                (None, t) => *mine = t,
                (Some(_), None) => {}
            }
        }
        a
    };
    let n = jobs.len();
    let parallel = |jobs: Vec<Job<'_>>| jobs.into_par_iter().enumerate().fold(empty, step).reduce(empty, merge);
    // Already on a pool of `workers` threads (`ivrsim test` loads and runs on one): use it.
    let in_pool = rayon::current_thread_index().is_some() && rayon::current_num_threads() == workers;
    let pool = (workers > 1 && !in_pool)
        .then(|| rayon::ThreadPoolBuilder::new().num_threads(workers).build().ok())
        .flatten();
    let (mut runs, marks) = match pool {
        Some(pool) => pool.install(|| parallel(jobs)),
        None if workers > 1 && in_pool => parallel(jobs),
        None => jobs.into_iter().enumerate().fold(empty(), step),
    };
    // Workers finish in any order: put every run back at its job's place.
    runs.sort_unstable_by_key(|(i, _)| *i);
    debug_assert_eq!(runs.len(), n);
    (runs.into_iter().map(|(_, r)| r).collect(), marks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::load_menu;
    use crate::scenario::load_scenarios;

    const MENU: &str = r#"name: Minimal
entry: main
defaults:
  fallback: operator
  keys: { operator: "0" }
  no_input: [{ text: "Sorry, I did not hear you." }]
  no_match: [{ text: "Sorry, that is not a choice." }]
nodes:
  main:
    kind: menu
    prompt: { text: "For help press 1." }
    options:
      - { key: "1", to: operator }
  operator:
    kind: transfer
    queue: general
"#;

    const SCENARIOS: &str = r#"menu: menu.yaml
scenarios:
  - name: help reaches the general queue
    steps:
      - press: "1"
      - expect: { transfer: { queue: general } }
  - name: wrong <queue> & "quotes"
    steps:
      - press: "1"
      - expect: { transfer: { queue: billing } }
"#;

    struct Loaded {
        _dir: tempfile::TempDir,
        sources: Sources,
        file: ScenarioFile,
        menu: Menu,
        clips: ClipLibrary,
    }

    fn load() -> Loaded {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("menu.yaml"), MENU).unwrap();
        let path = dir.path().join("s.yaml");
        std::fs::write(&path, SCENARIOS).unwrap();
        let mut sources = Sources::new();
        let (file, diags) = load_scenarios(&path, &mut sources).unwrap();
        let file = file.unwrap_or_else(|| panic!("{diags:?}"));
        let menu = load_menu(&file.menu, &mut sources).unwrap().menu.unwrap();
        let (clips, _) = ClipLibrary::load(&menu);
        Loaded {
            _dir: dir,
            sources,
            file,
            menu,
            clips,
        }
    }

    fn file_runs(l: &Loaded) -> FileRuns {
        let jobs = l.file.scenarios.iter().map(|s| (&l.menu, &l.clips, s)).collect();
        FileRuns::new(&l.file, run_parallel(jobs), &l.sources)
    }

    #[test]
    fn junit_has_a_suite_per_file_and_a_case_per_scenario() {
        let l = load();
        let fr = file_runs(&l);
        let xml = junit(&[fr.clone(), fr]);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("tests"), Some("4"));
        assert_eq!(root.attribute("failures"), Some("2"));
        let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
        assert_eq!(suites.len(), 2);
        let suite = suites[0];
        assert_eq!(
            suite.attribute("name"),
            Some(l.file.path.display().to_string().as_str())
        );
        assert_eq!(suite.attribute("tests"), Some("2"));
        assert_eq!(suite.attribute("failures"), Some("1"));
        let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].attribute("name"), Some("help reaches the general queue"));
        assert_eq!(cases[1].attribute("name"), Some("wrong <queue> & \"quotes\""));
        let menu = l.file.menu.display().to_string();
        assert!(cases.iter().all(|c| c.attribute("classname") == Some(menu.as_str())));
        let time: f64 = cases[0].attribute("time").unwrap().parse().unwrap();
        let call_time: f64 = cases[0]
            .descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some("call_time"))
            .and_then(|n| n.attribute("value"))
            .expect("the call time is a property")
            .parse()
            .unwrap();
        assert!(call_time > 1.0, "the simulated call lasts seconds: {call_time}");
        assert!(
            time < call_time,
            "`time` is the run time (CI reads it so), not the call time: {time}"
        );
        let suite_time: f64 = suite.attribute("time").unwrap().parse().unwrap();
        assert!(suite_time < call_time, "{suite_time}");
        assert!(!cases[0].children().any(|n| n.has_tag_name("failure")));
        let failure = cases[1].children().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(
            failure.attribute("message"),
            Some("expected a transfer with queue `billing`, found `general`")
        );
        let text = failure.text().unwrap();
        let want = format!("--> {}:10:9", l.file.path.display());
        assert!(text.contains(&want), "{text}");
        assert!(text.contains("path: main → operator"), "{text}");
    }

    #[test]
    fn json_has_each_scenario_and_totals() {
        let l = load();
        let v = json(&[file_runs(&l)]);
        assert_eq!(v["totals"]["scenarios"], 2);
        assert_eq!(v["totals"]["passed"], 1);
        assert_eq!(v["totals"]["failed"], 1);
        assert_eq!(v["totals"]["files"], 1);
        let s = &v["scenarios"];
        assert_eq!(s[0]["name"], "help reaches the general queue");
        assert_eq!(s[0]["passed"], true);
        assert!(s[0]["failure"].is_null());
        assert!(s[0]["call_time_ms"].as_u64().unwrap() > 0);
        assert_eq!(s[0]["location"]["line"], 3);
        assert_eq!(s[1]["passed"], false);
        let f = &s[1]["failure"];
        assert_eq!(
            f["message"],
            "expected a transfer with queue `billing`, found `general`"
        );
        assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(10), Some(9)));
        assert_eq!(f["path"][0]["node"], "main");
        assert_eq!(f["path"][0]["event"], "enter");
    }

    #[test]
    fn junit_replaces_what_xml_forbids() {
        let l = load();
        let mut fr = file_runs(&l);
        fr.runs[0].run.name = "a\u{fffe}b\u{ffff}".into();
        if let Some(f) = fr.runs[1].run.failure.as_mut() {
            f.message = "heard `Press\u{fffe} 1`\u{0}".into();
        }
        let xml = junit(&[fr]);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml:?}"));
        let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(cases[0].attribute("name"), Some("a\u{fffd}b\u{fffd}"));
        let failure = cases[1].children().find(|n| n.has_tag_name("failure")).unwrap();
        let message = failure.attribute("message").unwrap();
        assert!(message.starts_with("heard `Press\u{fffd} 1`"), "{message:?}");
    }

    #[test]
    fn a_file_not_loaded_is_a_suite_with_one_case_in_error() {
        let l = load();
        let at = Location {
            file: "bad.yaml".into(),
            line: 4,
            column: 5,
        };
        let findings = vec![
            LoadFinding {
                code: Some("E001".into()),
                message: "unknown field `stepz`".into(),
                location: Some(at),
            },
            LoadFinding::unplaced("a second finding"),
        ];
        let bad = FileRuns::not_loaded("bad.yaml".into(), None, findings);
        assert!(bad.is_broken() && !file_runs(&l).is_broken());
        let files = [file_runs(&l), bad];
        let xml = junit(&files);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(
            (
                root.attribute("tests"),
                root.attribute("failures"),
                root.attribute("errors")
            ),
            (Some("3"), Some("1"), Some("1"))
        );
        let suite = root.children().filter(|n| n.has_tag_name("testsuite")).nth(1).unwrap();
        assert_eq!(suite.attribute("name"), Some("bad.yaml"));
        assert_eq!(
            (suite.attribute("tests"), suite.attribute("errors")),
            (Some("1"), Some("1"))
        );
        let error = suite.descendants().find(|n| n.has_tag_name("error")).unwrap();
        assert_eq!(error.attribute("message"), Some("bad.yaml:4:5: unknown field `stepz`"));
        assert_eq!(
            error.text(),
            Some("bad.yaml:4:5: unknown field `stepz`\na second finding")
        );

        let v = json(&files);
        assert_eq!(v["totals"]["files"], 2);
        assert_eq!(v["totals"]["load_errors"], 1);
        assert_eq!(v["totals"]["scenarios"], 2);
        let e = &v["load_errors"][0];
        assert_eq!(e["file"], "bad.yaml");
        assert_eq!(e["findings"][0]["code"], "E001");
        assert_eq!(e["findings"][0]["line"], 4);
        assert_eq!(e["findings"][1]["message"], "a second finding");
        assert!(e["findings"][1].get("line").is_none());
    }

    #[test]
    fn parallel_runs_keep_the_input_order() {
        let l = load();
        let jobs: Vec<_> = (0..PARALLEL_FROM * 3 + 5)
            .map(|i| (&l.menu, &l.clips, &l.file.scenarios[i % 2]))
            .collect();
        let runs = run_parallel(jobs);
        assert_eq!(runs.len(), PARALLEL_FROM * 3 + 5);
        for (i, r) in runs.iter().enumerate() {
            assert_eq!(r.name, l.file.scenarios[i % 2].name);
            assert_eq!(r.failure.is_some(), i % 2 == 1);
        }
    }

    #[test]
    fn menus_and_clips_can_be_shared_across_threads() {
        fn sync<T: Sync>() {}
        sync::<Menu>();
        sync::<ClipLibrary>();
        sync::<Scenario>();
    }
}
