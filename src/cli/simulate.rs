//! `ivrsim simulate [MENU] --traffic FILE`: a day, a week or a year of callers through the
//! menu and its queues (src/simulate/, docs/simulation.md), reported as text, JSON and SVG;
//! with `--staff-for`, the fewest call-takers that meet a goal.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};

use crate::diag::ColorChoice;
use crate::error::{Error, Outcome, UsageError, WriteError};
use crate::simulate::events::RunLength;
use crate::simulate::load::open_traffic;
use crate::simulate::run::{Input, Options, simulate};
use crate::simulate::staffing::{Goal, search};
use crate::source::Sources;

/// Output format of the results on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The text report.
    Text,
    /// The results as JSON (as `-o` writes them).
    Json,
}

/// Arguments of `ivrsim simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The menu callers walk [default: the traffic file's `menu:`; without one, a bare queue].
    #[arg(value_name = "MENU")]
    pub menu: Option<PathBuf>,
    /// The traffic file (docs/traffic-format.md): arrivals, callers, queues, call-takers.
    #[arg(long, value_name = "FILE")]
    pub traffic: PathBuf,
    /// Days to simulate from the traffic's `start` (fractions allowed).
    #[arg(long, value_name = "N", default_value_t = 7.0)]
    pub days: f64,
    /// Stop arriving after N callers (each replication), then let every caller finish.
    #[arg(long, value_name = "N")]
    pub callers: Option<u64>,
    /// Seed of the random draws: the same seed gives the same results, on any number of cores.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Independent replications (for the confidence intervals), run on every core.
    #[arg(long, value_name = "R", default_value_t = 10)]
    pub replications: u32,
    /// Format of the results on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write an SVG report (charts) to FILE, atomically.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Write the results as JSON to FILE, atomically (for `ivrsim graph --traffic`).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Find the fewest call-takers per group and interval that meet GOAL, by simulation:
    /// `sl=80/20` (80 % answered within 20 s), `abandon<=5%`, `asa<=30s`, comma-separated.
    #[arg(long, value_name = "GOAL")]
    pub staff_for: Option<String>,
}

/// The most days one replication may simulate (a year and a day).
pub const MAX_DAYS: f64 = 366.0;

/// Most replications.
pub const MAX_REPLICATIONS: u32 = 10_000;

/// Most replications × days: each replication keeps its per-interval results until they are
/// pooled (about 30 KB a day), so this bounds memory (10 replications of a year, 500 of a
/// week: a few hundred MB at most).
pub const MAX_REPLICATION_DAYS: f64 = 3_660.0;

/// Runs the simulation.
///
/// # Errors
/// The traffic file or the menu cannot be read or has errors (status 1 with findings, 2 when
/// unreadable); bad flags; an output that cannot be written (status 2).
pub fn run(args: &SimulateArgs, color: ColorChoice) -> Result<Outcome, Error> {
    if !(args.days > 0.0 && args.days <= MAX_DAYS) {
        return Err(UsageError::Flag(format!(
            "--days {} must be more than 0 and at most {MAX_DAYS}",
            args.days
        ))
        .into());
    }
    if args.replications == 0 || args.replications > MAX_REPLICATIONS {
        return Err(UsageError::Flag(format!(
            "--replications {} must be 1 to {MAX_REPLICATIONS}",
            args.replications
        ))
        .into());
    }
    if f64::from(args.replications) * args.days > MAX_REPLICATION_DAYS {
        return Err(UsageError::Flag(format!(
            "--replications {} × --days {} is more than {MAX_REPLICATION_DAYS} replication-days (each keeps its intervals in memory until pooled): give fewer of either",
            args.replications, args.days
        ))
        .into());
    }
    let goal = match &args.staff_for {
        Some(g) => Some(Goal::parse(g).map_err(|e| UsageError::Flag(format!("--staff-for: {e}")))?),
        None => None,
    };
    if let (Some(a), Some(b)) = (&args.svg, &args.output)
        && super::same_output(a, b)
    {
        return Err(UsageError::SameOutput {
            first: "--svg",
            second: "--output",
            path: b.clone(),
        }
        .into());
    }
    let mut sources = Sources::new();
    let opened = open_traffic(&args.traffic, &mut sources)?;
    let menu_path = args.menu.clone().or_else(|| opened.menu());
    let loaded = match &menu_path {
        Some(p) => Some(super::load_usable(p, color, "a simulation")?),
        None => None,
    };
    let menu = loaded.as_ref().map(|(m, c)| (m, c.timings()));
    let (traffic, findings) = opened.read(&mut sources, menu);
    if !findings.is_empty() {
        let _ = crate::diag::render_text(&mut super::stderr(color), &sources, &findings);
    }
    let Some(traffic) = traffic else {
        return Err(Error::TrafficHasErrors {
            path: args.traffic.clone(),
        });
    };
    // Before the work: an output that cannot be written (or names an input) is refused now.
    if let Some(p) = &args.output {
        super::check_output("--output", p)?;
    }
    if let Some(p) = &args.svg {
        super::check_output("--svg", p)?;
    }
    let input = Input {
        menu,
        traffic: &traffic,
    };
    let opts = Options {
        length: RunLength {
            days: args.days,
            max_callers: args.callers,
        },
        seed: args.seed,
        replications: args.replications,
    };
    let names = (
        menu_path.as_ref().map(|p| p.display().to_string()),
        args.traffic.display().to_string(),
    );
    let started = Instant::now();
    let report = match (&goal, &args.staff_for) {
        (Some(goal), Some(text)) => {
            let spinner = progress(None, "searching for a staffing plan");
            let (_, report) = search(input, &opts, goal, text, names);
            spinner.finish_and_clear();
            report
        }
        _ => {
            let bar = progress(Some(u64::from(opts.replications)), "replications");
            let tick = || bar.inc(1);
            let report = simulate(input, &opts, names, &tick);
            bar.finish_and_clear();
            report
        }
    };
    let secs = started.elapsed().as_secs_f64();
    say!(
        "simulated {} callers in {:.2} s ({:.0} callers/s on {} thread(s); {} distinct walks through the menu)",
        report.callers_simulated,
        secs,
        report.callers_simulated as f64 / secs.max(1e-9),
        rayon::current_num_threads(),
        report.walks_computed
    );
    // The JSON of a year holds 17,520 intervals: made only when asked for.
    let json = if args.output.is_some() || args.format == Format::Json {
        serde_json::to_string_pretty(&report).map_err(WriteError::Encode)?
    } else {
        String::new()
    };
    if let Some(path) = &args.output {
        crate::atomic::write(path, format!("{json}\n").as_bytes()).map_err(|e| WriteError::file(path, e))?;
    }
    if let Some(path) = &args.svg {
        let svg = crate::simulate::svg::render(&report);
        crate::atomic::write(path, svg.as_bytes()).map_err(|e| WriteError::file(path, e))?;
    }
    let text = match args.format {
        Format::Text => report.text(),
        Format::Json => format!("{json}\n"),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(WriteError::Stdout)?;
    if report.overloaded {
        say!(
            "error: overloaded: {} callers were in the system at once and arrivals stopped there; the queues grow without end (add call-takers, or give callers a `patience`)",
            crate::simulate::events::MAX_IN_SYSTEM
        );
        return Ok(Outcome::Findings);
    }
    Ok(Outcome::Success)
}

/// A progress bar (or spinner, without `len`) on stderr, drawn only when stderr is a
/// terminal, so pipes, files and CI logs get nothing.
fn progress(len: Option<u64>, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal as _;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let target = indicatif::ProgressDrawTarget::stderr_with_hz(10);
    let bar = indicatif::ProgressBar::with_draw_target(len, target);
    let template = if len.is_some() {
        format!("{{bar:40}} {{pos}}/{{len}} {what} ({{elapsed}})")
    } else {
        format!("{{spinner}} {what} ({{elapsed}})")
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}
