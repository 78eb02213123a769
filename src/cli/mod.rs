//! The command line: one file per subcommand. `main.rs` parses the arguments with clap and
//! calls [`run`], which returns the process exit status.
//!
//! Each subcommand's `run` returns `Result<Outcome, Error>` ([`crate::error`]); [`run`] is the
//! one place that prints an error (`error: …`, through the terminal sanitiser) and maps the
//! result to the exit status with [`crate::error::exit_status`], whose table the README's
//! "Exit status" section shows: 0 success, 1 findings that fail the run, 2 usage or I/O
//! error, 129/130/143 a call ended by SIGHUP/SIGINT/SIGTERM.

/// `eprintln!` for what a command tells its user: the text goes through the one terminal
/// sanitiser ([`crate::source::printable`]), since it may hold a file name, a node id or a
/// value typed on the command line (`--language`, `--focus`) with escape sequences in it.
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::source::printable(&format!($($arg)*)))
    };
}

mod call;
mod check;
mod graph;
mod import;
mod operator;
mod prompts;
mod scenarios;
mod schema;
mod simulate;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::ColorChoice;
use crate::error::{Error, WriteError};

/// ivrsim: a hotline IVR simulator. Check a menu before it goes live: can every caller reach a
/// person, and how many keys and seconds does it take?
#[derive(Debug, Parser)]
#[command(name = "ivrsim", version, propagate_version = true)]
pub struct Cli {
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rehearse a call: hear (or read) the prompts, press keys, stay silent, reach an operator.
    Call(call::CallArgs),
    /// Check menus before they go live: every finding, and the time to an operator.
    Check(check::CheckArgs),
    /// Draw a menu map: SVG (default), Graphviz DOT, Mermaid or JSON, with findings, coverage or simulated traffic.
    Graph(graph::GraphArgs),
    /// Import a menu of Amazon Connect, Twilio Studio, FreeSWITCH, VoiceXML or Asterisk as an ivrsim menu
    /// (an Amazon Connect test case as a scenario).
    Import(import::ImportArgs),
    /// The call-taker console: answer handed-off calls, take notes, wrap up; or run a training shift.
    Operator(operator::OperatorArgs),
    /// List every prompt clip of a menu with its language and text (for rendering audio).
    Prompts(prompts::PromptsArgs),
    /// Run scripted scenarios against menus, in virtual time.
    Test(test::TestArgs),
    /// Scenario tools: `generate` a suite covering a menu.
    Scenarios(scenarios::ScenariosArgs),
    /// Print the JSON Schema of the menu, scenario, training-call or traffic format, for editors.
    Schema(schema::SchemaArgs),
    /// Simulate days of traffic through a menu and its queues: containment, waits, service
    /// level, abandonment, occupancy; and staffing plans (`--staff-for`).
    Simulate(simulate::SimulateArgs),
}

/// Loads a menu that can at least be read as one (it may have check findings), for `purpose`
/// (e.g. "drawn").
///
/// # Errors
/// [`Error::Read`] when the file cannot be read; [`Error::MenuUnreadable`] (the findings
/// shown first) when it cannot be read as a menu.
pub(crate) fn load_readable(
    path: &std::path::Path,
    sources: &mut crate::source::Sources,
    color: ColorChoice,
    purpose: &'static str,
) -> Result<(crate::menu::Menu, Vec<crate::diag::Diagnostic>), Error> {
    let outcome = crate::menu::load_menu(path, sources)?;
    // A menu with an unknown node field is not drawn or explored either (see `whole_menu`).
    let whole = outcome.whole_menu().is_some();
    match outcome.menu {
        Some(menu) if whole => Ok((menu, outcome.diagnostics)),
        _ => {
            let _ = crate::diag::render_text(&mut stderr(color), sources, &outcome.diagnostics);
            Err(Error::MenuUnreadable {
                path: path.to_owned(),
                purpose,
            })
        }
    }
}

/// Loads a menu that `purpose` (e.g. "a call") can use: no errors, clips readable.
///
/// # Errors
/// [`Error::Read`] when the file cannot be read; [`Error::MenuUnusable`] or
/// [`Error::MenuHasErrors`] (the findings shown first) when the menu cannot be used.
pub(crate) fn load_usable(
    path: &std::path::Path,
    color: ColorChoice,
    purpose: &'static str,
) -> Result<(crate::menu::Menu, crate::audio::ClipLibrary), Error> {
    load_checked(path, color, purpose, false)
}

/// [`load_usable`] for a rehearsal (`ivrsim call`): a menu whose only errors are design
/// findings ([`crate::check::DESIGN_FINDINGS`], E014) is used, and a one-line note on
/// standard error says so once, so a trainee can rehearse a menu still being designed.
pub(crate) fn load_rehearsable(
    path: &std::path::Path,
    color: ColorChoice,
    purpose: &'static str,
) -> Result<(crate::menu::Menu, crate::audio::ClipLibrary), Error> {
    load_checked(path, color, purpose, true)
}

fn load_checked(
    path: &std::path::Path,
    color: ColorChoice,
    purpose: &'static str,
    design_ok: bool,
) -> Result<(crate::menu::Menu, crate::audio::ClipLibrary), Error> {
    use crate::diag::{self, Severity};
    let mut sources = crate::source::Sources::new();
    let outcome = crate::menu::load_menu(path, &mut sources)?;
    let mut findings = outcome.diagnostics;
    let Some(menu) = outcome.menu else {
        let _ = diag::render_text(&mut stderr(color), &sources, &findings);
        return Err(Error::MenuUnusable {
            path: path.to_owned(),
            purpose,
        });
    };
    let (clips, clip_findings) = crate::audio::ClipLibrary::load(&menu);
    findings.retain(|d| d.severity() == Severity::Error);
    findings.extend(crate::check::blocking_errors(&menu, clip_findings, &clips));
    if design_ok && !findings.is_empty() && findings.iter().all(|d| crate::check::is_design_finding(d.code)) {
        let mut codes: Vec<&str> = findings.iter().map(|d| d.code.as_str()).collect();
        codes.dedup();
        let _ = std::io::Write::write_fmt(
            &mut stderr(color),
            format_args!(
                "note: `{}` has {} design finding{} ({}); the call runs anyway (`ivrsim check` shows them)\n",
                crate::source::printable_line(&path.display().to_string()),
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                codes.join(", ")
            ),
        );
        return Ok((menu, clips));
    }
    if !findings.is_empty() {
        let _ = diag::render_text(&mut stderr(color), &sources, &findings);
        return Err(Error::MenuHasErrors {
            path: path.to_owned(),
            purpose,
        });
    }
    Ok((menu, clips))
}

/// The default menu: the bundled hotline.
pub fn default_menu() -> PathBuf {
    PathBuf::from("menus/hotline.yaml")
}

/// Runs a parsed command line and returns the exit status: the one place where a command's
/// error is printed ([`report`]) and its result becomes a status
/// ([`crate::error::exit_status`]).
pub fn run(cli: Cli) -> ExitCode {
    crate::atomic::track_inputs();
    let result = match cli.command {
        Command::Call(args) => call::run(&args, cli.color),
        Command::Check(args) => check::run(&args, cli.color),
        Command::Graph(args) => graph::run(&args, cli.color),
        Command::Prompts(args) => prompts::run(&args, cli.color),
        Command::Import(args) => import::run(&args, cli.color),
        Command::Operator(args) => operator::run(&args, cli.color),
        Command::Test(args) => test::run(&args, cli.color),
        Command::Scenarios(args) => scenarios::run(&args, cli.color),
        Command::Schema(args) => schema::run(&args),
        Command::Simulate(args) => simulate::run(&args, cli.color),
    };
    if let Err(e) = &result {
        report(e);
    }
    ExitCode::from(crate::error::exit_status(&result))
}

/// Prints an error as `error: MESSAGE` on stderr, through the terminal sanitiser: for the
/// error a command stopped at ([`run`]), and for those a command shows as they come and goes
/// on (a menu of `check` that cannot be read, a scenario file of `test`).
pub(crate) fn report(e: &Error) {
    say!("error: {e}");
}

/// Writes `value` as pretty JSON and a newline to stdout, keeping the I/O error kind (so a
/// closed pipe, as in `| head`, is recognised and not reported).
pub(crate) fn write_json<T: serde::Serialize>(value: &T) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => std::io::Error::from(kind),
        None => std::io::Error::other(e),
    })?;
    writeln!(out)
}

/// Writes `bytes` to `path` (atomically for a file, see [`crate::atomic`], which also refuses
/// any file this command read), or to stdout when there is no path; a closed stdout pipe (as
/// in `| head`) is not an error.
///
/// # Errors
/// [`WriteError::File`] naming the file as given, or [`WriteError::Stdout`].
pub(crate) fn write_output(path: Option<&std::path::Path>, bytes: &[u8]) -> Result<(), WriteError> {
    use std::io::Write as _;
    match path {
        Some(path) => crate::atomic::write(path, bytes).map_err(|e| WriteError::file(path, e)),
        None => match std::io::stdout().lock().write_all(bytes) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(WriteError::Stdout(e)),
            _ => Ok(()),
        },
    }
}

/// A termcolor stream for stdout honouring `--color` (auto: colour only on a terminal).
pub(crate) fn stdout(color: ColorChoice) -> termcolor::StandardStream {
    use std::io::IsTerminal;
    let choice = match color {
        ColorChoice::Always => termcolor::ColorChoice::Always,
        ColorChoice::Never => termcolor::ColorChoice::Never,
        ColorChoice::Auto if std::io::stdout().is_terminal() => termcolor::ColorChoice::Auto,
        ColorChoice::Auto => termcolor::ColorChoice::Never,
    };
    termcolor::StandardStream::stdout(choice)
}

/// A termcolor stream for stderr honouring `--color`.
pub(crate) fn stderr(color: ColorChoice) -> termcolor::StandardStream {
    use std::io::IsTerminal;
    let choice = match color {
        ColorChoice::Always => termcolor::ColorChoice::Always,
        ColorChoice::Never => termcolor::ColorChoice::Never,
        ColorChoice::Auto if std::io::stderr().is_terminal() => termcolor::ColorChoice::Auto,
        ColorChoice::Auto => termcolor::ColorChoice::Never,
    };
    termcolor::StandardStream::stderr(choice)
}

/// Whether two output paths name the same file: the same path, or the same name in the same
/// folder once both folders are resolved (`c.json`, `./c.json`, `out/../c.json`, links).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    fn resolved(p: &std::path::Path) -> Option<PathBuf> {
        if let Ok(p) = p.canonicalize() {
            return Some(p);
        }
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        Some(dir.canonicalize().ok()?.join(p.file_name()?))
    }
    a == b || resolved(a).is_some_and(|ra| resolved(b).is_some_and(|rb| ra == rb))
}

/// Refuses an output a command could not write (a missing folder, a folder, a file the
/// command reads: see [`crate::atomic::check_target`]) before the work, so a long run is not
/// lost to a typo in the path.
pub(crate) fn check_output(flag: &'static str, path: &std::path::Path) -> Result<(), crate::error::UsageError> {
    crate::atomic::check_target(path)
        .map(|_| ())
        .map_err(|e| crate::error::UsageError::Output {
            flag,
            source: crate::error::WriteError::file(path, e),
        })
}

/// Whether two outputs of one command would write over each other: they name the same file
/// (see `same_file`) and it is not a device or pipe (`/dev/null` takes both as they come).
pub(super) fn same_output(a: &std::path::Path, b: &std::path::Path) -> bool {
    same_file(a, b) && !matches!(crate::atomic::check_target(a), Ok(crate::atomic::Target::Stream))
}
