//! `ivrsim check MENU...`: load, build the graph, run every check, print the findings and
//! the time-to-operator report.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::audio::ClipLibrary;
use crate::check::report::Report;
use crate::check::{self, Analysis, Overrides, Thresholds};
use crate::diag::{self, Code, ColorChoice, Diagnostic, JsonDiagnostic, Severity};
use crate::error::{Error, Outcome, WriteError};
use crate::menu::load_menu;
use crate::source::{Sources, printable};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style text.
    Text,
    /// One JSON document on stdout.
    Json,
}

/// Arguments of `ivrsim check`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 no errors (warnings allowed), 1 errors (or warnings with --deny-warnings), \
2 usage or I/O error.\nEvery finding code is explained in docs/checks.md; thresholds can also be set in the \
menu's `lint:` section."
)]
pub struct CheckArgs {
    /// Menu files to check [default: menus/hotline.yaml].
    #[arg(value_name = "MENU")]
    pub menus: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long, short = 'D')]
    pub deny_warnings: bool,
    /// Print the way to an operator from every node, not only the summary.
    #[arg(long)]
    pub report: bool,
    /// Warn (W007) when a menu has more options than this [default: the menu's `lint.max_options`, else 5].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_options: Option<u32>,
    /// Warn (W008) when an operator is more keypresses away [default: `lint.max_operator_keys`, else 3].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_operator_keys: Option<u32>,
    /// Warn (W009) when a menu prompt lasts longer, e.g. `8s` [default: `lint.max_prompt`, else 10s].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_prompt: Option<Duration>,
    /// Do not report these warnings, by code or name: `--allow W007,no-fallback` (repeatable).
    #[arg(long, value_name = "CODE", value_parser = parse_warning, value_delimiter = ',')]
    pub allow: Vec<Code>,
    /// Check one moment, a local date and time such as 2026-12-25T10:00 (as `call --at`): only the route branches that hold then count [default: every period of the week and every dated exception of the schedules].
    #[arg(long, value_name = "DATETIME", value_parser = crate::engine::parse_local_datetime, allow_hyphen_values = true)]
    pub at: Option<jiff::civil::DateTime>,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if d.is_zero() => Err("the limit must be longer than zero".into()),
        Ok(d) => Ok(d),
        Err(e) => Err(format!("{e}; write e.g. `10s` or `1500ms`")),
    }
}

fn parse_warning(s: &str) -> Result<Code, String> {
    match Code::parse(s) {
        Some(c) if c.severity() == Severity::Warning => Ok(c),
        Some(c) => Err(format!("`{c}` is an error; only warnings can be allowed")),
        None => Err(format!("unknown finding code `{s}` (see docs/checks.md)")),
    }
}

/// The result of checking one menu file.
struct Checked {
    file: String,
    diagnostics: Vec<Diagnostic>,
    report: Option<Report>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    menus: Vec<JsonMenu<'a>>,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonMenu<'a> {
    file: &'a str,
    findings: Vec<JsonDiagnostic<'a>>,
    report: Option<&'a Report>,
}

/// Checks every menu: [`Outcome::Findings`] when one has errors (or warnings under
/// `--deny-warnings`), [`Outcome::Errored`] when one could not be read (said as it came; the
/// others are still checked).
///
/// # Errors
/// [`WriteError::Stdout`] when the findings cannot be printed.
pub fn run(args: &CheckArgs, color: ColorChoice) -> Result<Outcome, Error> {
    let mut sources = Sources::new();
    let overrides = Overrides {
        max_options: args.max_options,
        max_operator_keys: args.max_operator_keys,
        max_prompt: args.max_prompt,
        allow: args.allow.clone(),
    };
    let mut io_failed = false;
    let mut checked = Vec::new();
    let default = [super::default_menu()];
    let menus = if args.menus.is_empty() {
        &default[..]
    } else {
        &args.menus[..]
    };
    for path in menus {
        match check_one(path, &mut sources, &overrides, args.at) {
            Ok(c) => checked.push(c),
            Err(e) => {
                io_failed = true;
                super::report(&e.into());
                let mut err = super::stderr(color);
                if args.menus.is_empty() {
                    let _ = writeln!(
                        err,
                        "note: no MENU was given, so the bundled hotline was looked for; run from the repository \
                         root or name a menu: `ivrsim check my-menu.yaml`"
                    );
                }
            }
        }
    }
    let errors: usize = checked
        .iter()
        .flat_map(|c| &c.diagnostics)
        .filter(|d| d.severity() == Severity::Error)
        .count();
    let warnings: usize = checked
        .iter()
        .flat_map(|c| &c.diagnostics)
        .filter(|d| d.severity() == Severity::Warning)
        .count();

    let written = match args.format {
        Format::Json => {
            let out = JsonOut {
                menus: checked
                    .iter()
                    .map(|c| JsonMenu {
                        file: &c.file,
                        findings: c.diagnostics.iter().map(|d| diag::to_json(&sources, d)).collect(),
                        report: c.report.as_ref(),
                    })
                    .collect(),
                errors,
                warnings,
            };
            super::write_json(&out)
        }
        Format::Text => print_text(args, color, &sources, &checked),
    };
    // A reader that stopped early (`| head`) is not an error; the status still reports the menus.
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(WriteError::Stdout(e).into());
    }
    Ok(if io_failed {
        Outcome::Errored
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

fn print_text(args: &CheckArgs, color: ColorChoice, sources: &Sources, checked: &[Checked]) -> std::io::Result<()> {
    let mut out = super::stdout(color);
    for c in checked {
        diag::render_text(&mut out, sources, &c.diagnostics)?;
        if let Some(r) = &c.report {
            if args.report {
                writeln!(out, "{}", printable(&r.table()))?;
            }
            write!(out, "{}", printable(&r.summary()))?;
        }
        let e = c.diagnostics.iter().filter(|d| d.severity() == Severity::Error).count();
        let w = c.diagnostics.len() - e;
        let verdict = if e > 0 {
            "cannot go live"
        } else if w > 0 && args.deny_warnings {
            "fails --deny-warnings"
        } else {
            "ok"
        };
        writeln!(
            out,
            "{}: {e} error{}, {w} warning{}: {verdict}",
            printable(&c.file),
            plural(e),
            plural(w)
        )?;
    }
    out.flush()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn check_one(
    path: &std::path::Path,
    sources: &mut Sources,
    overrides: &Overrides,
    at: Option<jiff::civil::DateTime>,
) -> Result<Checked, crate::menu::load::ReadError> {
    let outcome = load_menu(path, sources)?;
    let whole = outcome.whole_menu().is_some();
    let mut diagnostics = outcome.diagnostics;
    let mut report = None;
    if let Some(menu) = &outcome.menu {
        let thresholds = Thresholds::resolve(menu, overrides);
        let (clips, clip_diags) = ClipLibrary::load(menu);
        diagnostics.extend(clip_diags);
        // Not when a node has an unknown field (see `LoadOutcome::whole_menu`), as for a
        // YAML error.
        if whole {
            let analysis = Analysis::of_at(menu, &clips, at);
            diagnostics.extend(check::check_menu(menu, &clips, &analysis, &thresholds));
            report = Some(Report::build(menu, sources, &analysis));
        }
        diagnostics.retain(|d| !thresholds.allow.contains(&d.code));
    } else {
        diagnostics.retain(|d| !overrides.allow.contains(&d.code));
    }
    check::sort(&mut diagnostics);
    Ok(Checked {
        file: path.display().to_string(),
        diagnostics,
        report,
    })
}
