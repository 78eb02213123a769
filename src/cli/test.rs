//! `ivrsim test [PATH...]`: run scenario files in virtual time and report each scenario.
//! (First part of the scenario issue: coverage, JSON/JUnit reports and generated suites come next.)

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::audio::ClipLibrary;
use crate::diag::{self, ColorChoice, Severity};
use crate::error::{Error, Outcome, UsageError, WriteError};
use crate::menu::{Menu, load_menu};
use crate::scenario::coverage::Coverage;
use crate::scenario::load::open_scenarios;
use crate::scenario::report;
use crate::source::{Sources, printable};

/// Arguments of `ivrsim test`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 every scenario passed, 1 a scenario failed, 2 a file could not be \
loaded (or usage error). The format is in docs/scenario-format.md."
)]
pub struct TestArgs {
    /// Scenario files, or folders searched for `*.yaml` [default: scenarios/].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Fail (exit 1) when a menu's coverage (nodes, options and failure edges together) is
    /// below this percentage.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
    /// Write every menu's coverage as JSON to this file (for tools and menu maps).
    #[arg(long, value_name = "FILE")]
    pub coverage_json: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a JUnit XML report to this file (one test case per scenario), for CI systems.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Run only the scenarios whose name contains PATTERN (case-sensitive, as `cargo test`
    /// filters); coverage is then of what ran, and says so.
    #[arg(long, value_name = "PATTERN", allow_hyphen_values = true)]
    pub filter: Option<String>,
    /// How much coverage to show in the text: `full` (the numbers and what no scenario
    /// exercised), `summary` (the numbers), `none`.
    #[arg(long, value_enum, value_name = "HOW", default_value_t = CoverageShown::Full)]
    pub coverage: CoverageShown,
    /// Run scenarios on N workers (threads that steal scenarios from each other); 1 runs them
    /// one after the other on the main thread. Reports are the same, in the same order,
    /// whatever N is. [default: one per core]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// How much coverage `ivrsim test` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CoverageShown {
    /// Each menu's numbers and the list of what no scenario exercised.
    Full,
    /// Each menu's numbers only.
    Summary,
    /// No coverage (`--min-coverage` cannot be used).
    None,
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A line per scenario, coverage, a summary.
    Text,
    /// One JSON document: scenarios, totals and coverage.
    Json,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('%').parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err("a percentage from 0 to 100".into()),
    }
}

/// Folders of other file formats beside the scenarios, not scenarios: training calls
/// (`docs/training-format.md`) and traffic files (`docs/traffic-format.md`). Skipped when a
/// folder is searched (`scenarios/training/`, `scenarios/traffic/`), loaded (and refused)
/// only when named.
const OTHER_DIRS: [&str; 2] = ["training", "traffic"];

/// The scenario files at `path`: the file itself, or the `.yaml`/`.yml` files under the folder,
/// in name order. Inside a folder, links to folders are not followed (as `find` and ripgrep do
/// by default), so a link back up the tree cannot make the search go round without end; a
/// folder named on the command line is searched even when it is a link.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<(PathBuf, bool)> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok())
            .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect();
        entries.sort();
        for (p, is_dir) in entries {
            if is_dir && p.file_name().is_some_and(|n| OTHER_DIRS.iter().any(|d| n == *d)) {
                continue;
            }
            let scenario_file = p.extension().is_some_and(|e| e == "yaml" || e == "yml") && !p.is_dir();
            if is_dir || scenario_file {
                collect(&p, out)?;
            }
        }
    } else {
        std::fs::metadata(path)?;
        out.push(path.to_owned());
    }
    Ok(())
}

/// Runs the scenarios: [`Outcome::Findings`] when a scenario failed or coverage is below
/// `--min-coverage`.
///
/// # Errors
/// Usage errors, paths that cannot be read, reports that cannot be written, and
/// [`Error::NotLoaded`] when files could not be loaded (each said as it came; the others ran).
pub fn run(args: &TestArgs, color: ColorChoice) -> Result<Outcome, Error> {
    // Everything (loading the files in parts, running, marking coverage) on one pool of
    // `--jobs` workers; one worker is the main thread alone.
    let workers = args.jobs.map_or_else(report::default_workers, usize::from);
    if workers > 1
        && let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(workers).build()
    {
        return pool.install(|| run_on(args, color, workers));
    }
    run_on(args, color, 1)
}

/// [`run`] with `workers` workers (the current rayon pool's, when more than one).
fn run_on(args: &TestArgs, color: ColorChoice, workers: usize) -> Result<Outcome, Error> {
    if args.coverage == CoverageShown::None && args.min_coverage.is_some() {
        return Err(UsageError::CoverageHidden.into());
    }
    // Two reports in one file lose one; a device (`/dev/null`) takes both as they come.
    if let (Some(cov), Some(junit)) = (&args.coverage_json, &args.junit)
        && super::same_output(cov, junit)
    {
        return Err(UsageError::SameOutput {
            first: "--coverage-json",
            second: "--junit",
            path: junit.clone(),
        }
        .into());
    }
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for r in &roots {
        collect(r, &mut files).map_err(|source| Error::ReadDir {
            path: r.clone(),
            source,
        })?;
    }
    if files.is_empty() {
        return Err(UsageError::NoScenarioFiles(roots).into());
    }
    // A file named twice (`scenarios scenarios/hotline.yaml`, a link) runs once, where it
    // first comes.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    let mut sources = Sources::new();
    type Usable = Result<(Menu, ClipLibrary, Coverage), Vec<report::LoadFinding>>;
    let mut menus: HashMap<PathBuf, Usable> = HashMap::new();
    let mut order: Vec<PathBuf> = Vec::new();
    let (mut passed, mut failed, mut broken, mut filtered) = (0usize, 0usize, 0usize, 0usize);
    let mut ran = HashMap::<PathBuf, usize>::new();
    let mut out = String::new();
    // Every file is loaded first (findings on stderr in file order), then the scenarios of all
    // of them run together on every core, and their results are reported in file order.
    enum Slot {
        NotLoaded(report::FileRuns),
        Ready(crate::scenario::ScenarioFile),
    }
    let mut slots = Vec::new();
    let started = std::time::Instant::now();
    for path in files {
        let loading = std::time::Instant::now();
        let opened = match open_scenarios(&path, &mut sources) {
            Ok(x) => x,
            Err(e) => {
                let e = Error::from(e);
                super::report(&e);
                broken += 1;
                slots.push(Slot::NotLoaded(report::FileRuns::not_loaded(
                    path,
                    None,
                    vec![report::LoadFinding::unplaced(e.to_string())],
                )));
                continue;
            }
        };
        // With more than one worker, the menu the file names (when its head names it) is
        // loaded while the scenarios are read; it is used only if the file can be run.
        let ahead = opened
            .menu_ahead()
            .filter(|m| workers > 1 && !menus.contains_key(*m))
            .map(Path::to_owned);
        let ((file, diags), mut early) = match ahead {
            Some(menu) => {
                let mut next = sources.continuing();
                let (read, loaded) = rayon::join(|| opened.read(&sources, workers), || load_usable(&menu, &mut next));
                sources.append(next);
                (read, Some((menu, loaded)))
            }
            None => (opened.read(&sources, workers), None),
        };
        tracing::debug!(file = %path.display(), seconds = loading.elapsed().as_secs_f64(), "scenarios read");
        let errors: Vec<_> = diags.into_iter().filter(|d| d.severity() == Severity::Error).collect();
        let Some(mut file) = file.filter(|_| errors.is_empty()) else {
            let _ = diag::render_text(&mut super::stderr(color), &sources, &errors);
            broken += 1;
            let mut findings: Vec<_> = errors.iter().map(|d| report::LoadFinding::of(&sources, d)).collect();
            if findings.is_empty() {
                findings.push(report::LoadFinding::unplaced(format!(
                    "{}: cannot be used",
                    path.display()
                )));
            }
            slots.push(Slot::NotLoaded(report::FileRuns::not_loaded(path, None, findings)));
            continue;
        };
        if let Some(pattern) = &args.filter {
            let before = file.scenarios.len();
            file.scenarios.retain(|sc| sc.name.contains(pattern.as_str()));
            filtered += before - file.scenarios.len();
            if file.scenarios.is_empty() {
                continue;
            }
        }
        *ran.entry(file.menu.clone()).or_default() += file.scenarios.len();
        if !menus.contains_key(&file.menu) {
            order.push(file.menu.clone());
        }
        let entry = menus.entry(file.menu.clone()).or_insert_with(|| {
            let loading = std::time::Instant::now();
            let loaded = match early.take() {
                Some((menu, loaded)) if menu == file.menu => loaded,
                _ => load_usable(&file.menu, &mut sources),
            };
            let seconds = loading.elapsed().as_secs_f64();
            tracing::debug!(menu = %file.menu.display(), seconds, "menu read and checked");
            loaded.settle(&sources, color)
        });
        if let Err(menu_findings) = entry {
            super::report(&Error::ScenarioMenu {
                path: path.clone(),
                menu: file.menu.clone(),
            });
            broken += 1;
            let mut findings = vec![report::LoadFinding {
                code: None,
                message: format!("its menu `{}` cannot be used", file.menu.display()),
                location: Some(report::Location::of(&sources, file.menu_span)),
            }];
            findings.extend(menu_findings.iter().cloned());
            slots.push(Slot::NotLoaded(report::FileRuns::not_loaded(
                path,
                Some(file.menu.clone()),
                findings,
            )));
            continue;
        }
        // Expectations that name a node the menu does not have can never hold: a load-time
        // finding at the step, not a failure found by running.
        if let Some(Ok((menu, ..))) = menus.get(&file.menu) {
            let unknown = crate::scenario::expect::menu_findings(&file, menu);
            if !unknown.is_empty() {
                let _ = diag::render_text(&mut super::stderr(color), &sources, &unknown);
                broken += 1;
                let findings = unknown.iter().map(|d| report::LoadFinding::of(&sources, d)).collect();
                slots.push(Slot::NotLoaded(report::FileRuns::not_loaded(
                    path,
                    Some(file.menu.clone()),
                    findings,
                )));
                continue;
            }
        }
        slots.push(Slot::Ready(file));
    }
    // Every menu's coverage, by its place in `order`: the jobs name it by that index.
    let at: HashMap<&PathBuf, usize> = order.iter().enumerate().map(|(i, p)| (p, i)).collect();
    let mut jobs: Vec<report::Job> = Vec::new();
    for slot in &slots {
        if let Slot::Ready(file) = slot
            && let Some(Ok((menu, clips, _))) = menus.get(&file.menu)
        {
            let k = at[&file.menu];
            jobs.extend(file.scenarios.iter().map(|sc| (menu, clips, sc, k)));
        }
    }
    let (runs, marks) = {
        let coverages: Vec<Option<&Coverage>> = order
            .iter()
            .map(|p| match menus.get(p) {
                Some(Ok((_, _, cov))) => Some(cov),
                _ => None,
            })
            .collect();
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "every file read");
        let bar = progress_bar(jobs.len());
        let tick = || bar.inc(1);
        let out = report::run_and_cover(jobs, &coverages, workers, &tick);
        bar.finish_and_clear();
        out
    };
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "every scenario run");
    for (path, marks) in order.iter().zip(marks) {
        if let (Some(Ok((_, _, cov))), Some(marks)) = (menus.get_mut(path), marks) {
            cov.apply(marks);
        }
    }
    let mut runs = runs.into_iter();
    let mut all_runs = Vec::new();
    let mut steps = 0usize;
    for slot in slots {
        let file = match slot {
            Slot::NotLoaded(not_loaded) => {
                all_runs.push(not_loaded);
                continue;
            }
            Slot::Ready(file) => file,
        };
        if !matches!(menus.get(&file.menu), Some(Ok(_))) {
            continue;
        }
        let runs: Vec<_> = runs.by_ref().take(file.scenarios.len()).collect();
        for run in &runs {
            steps += run.steps;
            let secs = run.call_time.as_secs_f64();
            match &run.failure {
                None => {
                    passed += 1;
                    let _ = writeln!(out, "PASS  {} ({secs:.1} s)", printable(&run.name));
                }
                Some(f) => {
                    failed += 1;
                    let lc = sources.line_col(f.step);
                    let _ = writeln!(out, "FAIL  {} ({secs:.1} s)", printable(&run.name));
                    let _ = writeln!(
                        out,
                        "      --> {}:{}:{}",
                        printable(sources.name(f.step.file)),
                        lc.line,
                        lc.column
                    );
                    let _ = writeln!(out, "      {}", printable(&f.message));
                    let _ = writeln!(out, "      path: {}", printable(&crate::engine::route_of(&f.path)));
                }
            }
        }
        all_runs.push(report::FileRuns::new(&file, runs, &sources));
    }
    let mut below = false;
    let mut report_coverage = Vec::new();
    for path in &order {
        let Some(Ok((_, _, cov))) = menus.get(path) else {
            continue;
        };
        let (n, o, f, t) = (cov.node_count(), cov.option_count(), cov.failure_count(), cov.total());
        let only = match &args.filter {
            Some(pattern) => {
                let k = ran.get(path).copied().unwrap_or(0);
                format!(
                    " ({k} scenario{} matching `{}`)",
                    if k == 1 { "" } else { "s" },
                    printable(pattern)
                )
            }
            None => String::new(),
        };
        report_coverage.push(cov.clone());
        if args.coverage == CoverageShown::None {
            continue;
        }
        let _ = writeln!(
            out,
            "coverage of {}{only}: nodes {}/{} ({:.1}%), options {}/{} ({:.1}%), failure edges {}/{} ({:.1}%)",
            printable(&cov.menu),
            n.covered,
            n.total,
            n.percent,
            o.covered,
            o.total,
            o.percent,
            f.covered,
            f.total,
            f.percent
        );
        let missing: Vec<_> = cov.missing().collect();
        if !missing.is_empty() && args.coverage == CoverageShown::Full {
            let _ = writeln!(out, "  never exercised:");
            for m in missing {
                let _ = writeln!(out, "    {}  {}", printable(&m.at), printable(&m.what));
            }
        }
        if let Some(min) = args.min_coverage
            && t.percent < min
        {
            below = true;
            let _ = writeln!(out, "  {:.1}% is below --min-coverage {min}%", t.percent);
        }
    }
    if let Some(path) = &args.coverage_json {
        let json = serde_json::to_vec_pretty(&serde_json::json!({ "menus": report_coverage })).unwrap_or_default();
        super::write_output(Some(path), &json)?;
    }
    if let Some(pattern) = &args.filter
        && passed + failed == 0
        && broken == 0
    {
        return Err(UsageError::NoScenarioMatches {
            pattern: pattern.clone(),
            filtered,
        }
        .into());
    }
    let _ = write!(out, "{passed} passed, {failed} failed");
    if args.filter.is_some() {
        let _ = write!(out, ", {filtered} filtered out");
    }
    // Files that could not be run count too: "0 passed, 0 failed" alone reads as a clean run.
    if broken > 0 {
        let _ = write!(out, ", {broken} file{} not loaded", if broken == 1 { "" } else { "s" });
    }
    let _ = writeln!(out, " ({steps} step{})", if steps == 1 { "" } else { "s" });
    if let Some(path) = &args.junit {
        super::write_output(Some(path), report::junit(&all_runs).as_bytes())?;
    }
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "reports made");
    let printed = match args.format {
        Format::Text => std::io::stdout().lock().write_all(out.as_bytes()),
        Format::Json => {
            let mut doc = report::json(&all_runs);
            doc["coverage"] = serde_json::json!(report_coverage);
            super::write_json(&doc)
        }
    };
    if let Err(e) = printed
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(WriteError::Stdout(e).into());
    }
    if broken > 0 {
        Err(Error::NotLoaded(broken))
    } else if failed > 0 || below {
        Ok(Outcome::Findings)
    } else {
        Ok(Outcome::Success)
    }
}

/// A progress bar on stderr for `total` scenarios, drawn only when stderr is a terminal
/// (nothing is written to a pipe or a file, so JSON, JUnit and logs stay as they are) and
/// the run is long enough to need one.
fn progress_bar(total: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal as _;
    const FROM: usize = 2_000;
    if total < FROM || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(total as u64), indicatif::ProgressDrawTarget::stderr_with_hz(10));
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} scenarios ({per_sec}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// A menu loaded for `ivrsim test` ([`load_usable`]), what is wrong with it not yet shown:
/// a menu loaded ahead, while its scenarios were read, is shown only if they can run.
enum MenuLoad {
    /// Loaded, with no blocking finding: the menu, its clips and its coverage targets.
    Usable(Box<(Menu, ClipLibrary, Coverage)>),
    /// The file could not be read.
    Unreadable(Error),
    /// Its blocking findings.
    Refused(Vec<diag::Diagnostic>),
}

impl MenuLoad {
    /// Shows what is wrong (on stderr) and gives the menu, or the findings for the reports.
    fn settle(
        self,
        sources: &Sources,
        color: ColorChoice,
    ) -> Result<(Menu, ClipLibrary, Coverage), Vec<report::LoadFinding>> {
        match self {
            MenuLoad::Usable(usable) => Ok(*usable),
            MenuLoad::Unreadable(e) => {
                super::report(&e);
                Err(vec![report::LoadFinding::unplaced(e.to_string())])
            }
            MenuLoad::Refused(findings) => {
                let _ = diag::render_text(&mut super::stderr(color), sources, &findings);
                Err(findings.iter().map(|d| report::LoadFinding::of(sources, d)).collect())
            }
        }
    }
}

/// Loads the menu at `path` and its clips, with the checks that keep a menu from being
/// tested ([`crate::check::blocking_errors`]), into `sources`.
fn load_usable(path: &Path, sources: &mut Sources) -> MenuLoad {
    let outcome = match load_menu(path, sources) {
        Ok(o) => o,
        Err(e) => return MenuLoad::Unreadable(Error::from(e)),
    };
    let mut findings = outcome.diagnostics;
    findings.retain(|d| d.severity() == Severity::Error);
    let Some(menu) = outcome.menu else {
        return MenuLoad::Refused(findings);
    };
    let (clips, clip_findings) = ClipLibrary::load(&menu);
    findings.extend(crate::check::blocking_errors(&menu, clip_findings, &clips));
    if findings.is_empty() {
        let coverage = Coverage::new(&menu, sources);
        MenuLoad::Usable(Box::new((menu, clips, coverage)))
    } else {
        MenuLoad::Refused(findings)
    }
}
