//! Operational errors, as types: why a command stopped (or could not use one of its inputs),
//! and the one table from what a command ended with to its exit status ([`exit_status`]).
//!
//! Each subcommand of [`crate::cli`] returns `Result<Outcome, Error>`: an [`Outcome`] when it
//! ran to its end (with or without findings, or cut short by a signal), an [`Error`] when it
//! stopped. `cli::run` is the only place that prints an error (`error: ` and its
//! [`Display`](std::fmt::Display), through the terminal sanitiser) and turns the result into
//! the exit status, as just and ripgrep do. The messages are the ones users saw before the
//! types existed (the integration tests pin them).
//!
//! Findings about a file's contents are not errors here: they are [`crate::diag::Diagnostic`]s,
//! rendered as they are found. An error says that the file could not be used because of them
//! ([`Error::MenuHasErrors`] …), with status 1.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::signals::Signal;

pub use crate::map::UnknownNode;
pub use crate::map::coverage::CoverageError;
pub use crate::map::traffic::TrafficError;
pub use crate::menu::load::ReadError;
pub use crate::operator::training::HandoffError;

/// How a command that ran to its end went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It did what it was asked (warnings allowed): status 0.
    Success,
    /// Findings that fail the run: a menu with errors (`check`, `prompts`), a scenario that
    /// failed, coverage below `--min-coverage`: status 1.
    Findings,
    /// Some inputs could not be used (each error was shown as it came) and the command went on
    /// with the others, as ripgrep does with a file it cannot read: status 2.
    Errored,
    /// A signal ended the session after the files were written: 128 + the signal's number.
    Interrupted(Signal),
}

/// Why an output file (or stdout) could not be written. The path is shown as given; the
/// message goes through the terminal sanitiser where it is printed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Writing (or refusing, see [`crate::atomic::check_target`]) the file failed.
    #[error("cannot write `{}`: {source}", path.display())]
    File {
        /// The file, as given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Standard output could not be written (a closed pipe is not an error).
    #[error("cannot write output: {0}")]
    Stdout(std::io::Error),
    /// A recording longer than [`crate::call::session::MAX_RECORDING`].
    #[error(
        "cannot write `{}`: the call lasted {:.1} h; recordings stop at {} h",
        path.display(),
        lasted.as_secs_f64() / 3600.0,
        limit.as_secs() / 3600
    )]
    TooLong {
        /// The recording file.
        path: PathBuf,
        /// How long the call lasted.
        lasted: std::time::Duration,
        /// The longest recording.
        limit: std::time::Duration,
    },
    /// The JSON of a file could not be made (serde_json's message alone).
    #[error(transparent)]
    Encode(#[from] serde_json::Error),
}

impl WriteError {
    /// [`WriteError::File`] for `path`.
    pub fn file(path: &std::path::Path, source: std::io::Error) -> Self {
        WriteError::File {
            path: path.to_owned(),
            source,
        }
    }
}

/// A command line that clap accepts but that cannot be used (values that depend on each
/// other, on the menu or on the machine). Status 2, as clap's own usage errors.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// A flag's value that cannot be used, in words (`--days 0 must be more than 0`).
    #[error("{0}")]
    Flag(String),
    /// `call --language` names a language the menu does not have.
    #[error("`{language}` is not one of the menu's languages ({})", languages.join(", "))]
    UnknownLanguage {
        /// The language asked for.
        language: String,
        /// The menu's languages.
        languages: Vec<String>,
    },
    /// Two outputs of one command name the same file (see `cli::same_output`).
    #[error(
        "{first} and {second} name the same file `{}`: one would overwrite the other; give each its own",
        path.display()
    )]
    SameOutput {
        /// The first flag, `--transcript`.
        first: &'static str,
        /// The second flag.
        second: &'static str,
        /// The file, as the second flag gives it.
        path: PathBuf,
    },
    /// An output the call could not write, refused before the call (`--record` …).
    #[error("{flag} {source}")]
    Output {
        /// The flag.
        flag: &'static str,
        /// Why the file cannot be written.
        source: WriteError,
    },
    /// `call --operator` is not an address.
    #[error(
        "--operator `{addr}` is not an address a console can be reached at ({why}): write HOST:PORT, e.g. 127.0.0.1:7410"
    )]
    OperatorAddress {
        /// The address given.
        addr: String,
        /// The resolver's reason.
        why: String,
    },
    /// `import FILE` names a file of no platform ivrsim imports.
    #[error(
        "`{}` is not a file of a platform ivrsim imports (Amazon Connect or Twilio Studio JSON, FreeSWITCH or VoiceXML XML, an Asterisk dialplan): an ivrsim menu needs no import, and `--from` names the platform of a file that is not recognised",
        .0.display()
    )]
    NotImportable(PathBuf),
    /// `import CASE.json` names an Amazon Connect test case without the flow it tests.
    #[error(
        "`{}` is an Amazon Connect test case: name the flow it tests with `--with FLOW.json` (the scenario it becomes runs against that flow)",
        .0.display()
    )]
    CaseWithoutFlow(PathBuf),
    /// `operator --listen` is not an address.
    #[error("--listen `{0}` is not an address: write IP:PORT, e.g. 127.0.0.1:7410 (port 0 picks a free one)")]
    ListenAddress(String),
    /// `operator --listen` off loopback without `--token`.
    #[error(
        "--listen {0} takes calls from other machines: give --token SECRET (callers pass it with `ivrsim call --token`)"
    )]
    TokenNeeded(SocketAddr),
    /// `--token ""`.
    #[error("--token is empty")]
    EmptyToken,
    /// `test --coverage=none --min-coverage`.
    #[error("--min-coverage judges the coverage that --coverage=none leaves out; drop one of them")]
    CoverageHidden,
    /// `test` found no scenario file.
    #[error("no scenario files (`*.yaml`) in {}", .0.iter().map(|r| format!("`{}`", r.display())).collect::<Vec<_>>().join(", "))]
    NoScenarioFiles(Vec<PathBuf>),
    /// `test --filter` matched no scenario.
    #[error(
        "no scenario name contains `{pattern}` ({filtered} scenario{} filtered out)",
        if *filtered == 1 { "" } else { "s" }
    )]
    NoScenarioMatches {
        /// The pattern.
        pattern: String,
        /// How many scenarios it left out.
        filtered: usize,
    },
    /// `graph --focus` names no node of the menu.
    #[error(transparent)]
    UnknownNode(#[from] UnknownNode),
}

/// Why a command stopped. `Display` is the message after `error: `; [`exit_status`] gives the
/// status.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line cannot be used.
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// A menu, scenario or training file cannot be read at all (missing, a folder, too large).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A folder of scenario files (or a path given to `test`) cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    ReadDir {
        /// The path given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An output cannot be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// `graph --coverage` names a file that is not a coverage file or cannot be read.
    #[error(transparent)]
    Coverage(#[from] CoverageError),
    /// `graph --traffic` names a file that is not simulation results of the menu, or cannot
    /// be read.
    #[error(transparent)]
    Traffic(#[from] TrafficError),
    /// The terminal, standard input or the event loop failed (I/O).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The folder of the default shift log cannot be made.
    #[error("cannot create {}: {source}", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `operator --log` cannot be opened for appending.
    #[error("--log: {0}")]
    Log(std::io::Error),
    /// The console cannot listen on its address.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A schema could not be encoded as JSON.
    #[error("cannot encode the schema: {0}")]
    Schema(serde_json::Error),
    /// `test`: a scenario file whose menu cannot be used (its findings shown first; said as
    /// it comes, the other files still run, and the run ends with [`Error::NotLoaded`]).
    #[error("{}: its menu `{}` cannot be used (see above)", path.display(), menu.display())]
    ScenarioMenu {
        /// The scenario file.
        path: PathBuf,
        /// Its `menu:`.
        menu: PathBuf,
    },
    /// `test`: files that could not be loaded (each was shown as it came).
    #[error("{0} file(s) could not be loaded")]
    NotLoaded(usize),
    /// A menu that cannot be read as a menu (YAML or shape errors), for `purpose` ("drawn").
    #[error(
        "`{}` cannot be {purpose}: it could not be read as a menu; see the findings above",
        path.display()
    )]
    MenuUnreadable {
        /// The menu file.
        path: PathBuf,
        /// What it was loaded for.
        purpose: &'static str,
    },
    /// A menu that cannot be lowered at all, for `purpose` ("a call").
    #[error("`{}` cannot be used for {purpose}; see the findings above", path.display())]
    MenuUnusable {
        /// The menu file.
        path: PathBuf,
        /// What it was loaded for.
        purpose: &'static str,
    },
    /// A menu with errors (as `ivrsim check` finds them), for `purpose`.
    #[error("`{}` has errors; {purpose} needs a menu that `ivrsim check` passes", path.display())]
    MenuHasErrors {
        /// The menu file.
        path: PathBuf,
        /// What it was loaded for.
        purpose: &'static str,
    },
    /// `graph`: the menu has no node that can be drawn (an existing map is left as it was).
    #[error(
        "`{}` has no node that can be drawn; see the findings above (nothing was written)",
        crate::source::printable(&path.display().to_string())
    )]
    NothingToDraw {
        /// The menu file.
        path: PathBuf,
    },
    /// `operator --shift`: a training call whose steps do not reach a call-taker (shown as it
    /// comes; the shift is then refused with [`Error::ShiftUnusable`]).
    #[error("{}: the caller's steps do not reach a call-taker: {source}", path.display())]
    Handoff {
        /// The training file.
        path: PathBuf,
        /// Where and why.
        source: Box<HandoffError>,
    },
    /// `operator --shift`: training calls that cannot be used (see the findings above).
    #[error("the shift has training calls that cannot be used; see above")]
    ShiftUnusable,
    /// `simulate`: a traffic file with errors (the findings shown first).
    #[error("`{}` has errors; see the findings above (nothing was simulated)", crate::source::printable(&path.display().to_string()))]
    TrafficHasErrors {
        /// The traffic file.
        path: PathBuf,
    },
}

/// The exit status of a command. This is the one table (the README's "Exit status" section
/// shows the same one, and a test keeps them equal):
///
/// | status | meaning |
/// | --- | --- |
/// | 0 | Success: the command did what it was asked (warnings allowed, unless `--deny-warnings`); a call ended by its caller, `:quit`, the end of its input, or Ctrl-C in a terminal. |
/// | 1 | Findings: a menu has errors (or warnings under `--deny-warnings`) and `check` or `prompts` says so, or a command that needs a usable menu refuses it; a scenario failed, or coverage is below `--min-coverage`; a training call of `--shift` cannot be used. |
/// | 2 | Usage or I/O error: bad flags, a file that cannot be read (missing, a folder, too large), an output that cannot be written, an address to listen on or a terminal that cannot be used. |
/// | 129 | SIGHUP ended the call or the console (their files are written). |
/// | 130 | SIGINT ended the call or the console (their files are written); not Ctrl-C in a terminal. |
/// | 143 | SIGTERM ended the call or the console (their files are written). |
#[must_use]
pub fn exit_status(result: &Result<Outcome, Error>) -> u8 {
    const SUCCESS: u8 = 0;
    const FINDINGS: u8 = 1;
    const USAGE_OR_IO: u8 = 2;
    match result {
        Ok(Outcome::Success) => SUCCESS,
        Ok(Outcome::Findings) => FINDINGS,
        Ok(Outcome::Errored) => USAGE_OR_IO,
        // 128 + the signal's number, as shells report a command a signal ended.
        Ok(Outcome::Interrupted(Signal::Hangup)) => 129,
        Ok(Outcome::Interrupted(Signal::Interrupt)) => 130,
        Ok(Outcome::Interrupted(Signal::Terminate)) => 143,
        Err(
            Error::MenuUnreadable { .. }
            | Error::MenuUnusable { .. }
            | Error::MenuHasErrors { .. }
            | Error::NothingToDraw { .. }
            | Error::Handoff { .. }
            | Error::ShiftUnusable
            | Error::TrafficHasErrors { .. },
        ) => FINDINGS,
        Err(
            Error::Usage(_)
            | Error::Read(_)
            | Error::ReadDir { .. }
            | Error::Write(_)
            | Error::Coverage(_)
            | Error::Traffic(_)
            | Error::Io(_)
            | Error::CreateDir { .. }
            | Error::Log(_)
            | Error::Listen { .. }
            | Error::Schema(_)
            | Error::ScenarioMenu { .. }
            | Error::NotLoaded(_),
        ) => USAGE_OR_IO,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::io;

    use super::*;

    fn io_err() -> io::Error {
        io::Error::from(io::ErrorKind::NotFound)
    }

    /// One of every kind of result, with the status its documentation gives it.
    fn every_kind() -> Vec<(Result<Outcome, Error>, u8)> {
        let p = || PathBuf::from("m.yaml");
        let addr: SocketAddr = "0.0.0.0:7410".parse().unwrap();
        let json = || serde_json::from_str::<u8>("x").unwrap_err();
        let usage = [
            UsageError::UnknownLanguage {
                language: "fr".into(),
                languages: vec!["en".into()],
            },
            UsageError::SameOutput {
                first: "--a",
                second: "--b",
                path: p(),
            },
            UsageError::Output {
                flag: "--record",
                source: WriteError::file(&p(), io_err()),
            },
            UsageError::OperatorAddress {
                addr: "x".into(),
                why: "no".into(),
            },
            UsageError::ListenAddress("x".into()),
            UsageError::TokenNeeded(addr),
            UsageError::EmptyToken,
            UsageError::CoverageHidden,
            UsageError::NoScenarioFiles(vec![p()]),
            UsageError::NoScenarioMatches {
                pattern: "x".into(),
                filtered: 1,
            },
            UsageError::UnknownNode(UnknownNode {
                node: "n".into(),
                file: "m.yaml".into(),
                suggestion: None,
            }),
        ];
        let write = [
            WriteError::file(&p(), io_err()),
            WriteError::Stdout(io_err()),
            WriteError::TooLong {
                path: p(),
                lasted: std::time::Duration::from_secs(4 * 3600),
                limit: std::time::Duration::from_secs(3 * 3600),
            },
            WriteError::Encode(json()),
        ];
        let mut all: Vec<(Result<Outcome, Error>, u8)> = vec![
            (Ok(Outcome::Success), 0),
            (Ok(Outcome::Findings), 1),
            (Ok(Outcome::Errored), 2),
            (Ok(Outcome::Interrupted(Signal::Hangup)), 129),
            (Ok(Outcome::Interrupted(Signal::Interrupt)), 130),
            (Ok(Outcome::Interrupted(Signal::Terminate)), 143),
        ];
        all.extend(usage.into_iter().map(|u| (Err(Error::Usage(u)), 2)));
        all.extend(write.into_iter().map(|w| (Err(Error::Write(w)), 2)));
        all.extend(
            [
                Error::Read(ReadError {
                    path: p(),
                    source: io_err(),
                }),
                Error::ReadDir {
                    path: p(),
                    source: io_err(),
                },
                Error::Coverage(CoverageError::Read {
                    path: "c.json".into(),
                    source: io_err(),
                }),
                Error::Traffic(TrafficError::NoMenu { path: "r.json".into() }),
                Error::Io(io_err()),
                Error::CreateDir {
                    path: p(),
                    source: io_err(),
                },
                Error::Log(io_err()),
                Error::Listen { addr, source: io_err() },
                Error::Schema(json()),
                Error::ScenarioMenu { path: p(), menu: p() },
                Error::NotLoaded(2),
            ]
            .into_iter()
            .map(|e| (Err(e), 2)),
        );
        all.extend(
            [
                Error::MenuUnreadable {
                    path: p(),
                    purpose: "drawn",
                },
                Error::MenuUnusable {
                    path: p(),
                    purpose: "a call",
                },
                Error::MenuHasErrors {
                    path: p(),
                    purpose: "a call",
                },
                Error::NothingToDraw { path: p() },
                Error::Handoff {
                    path: p(),
                    source: Box::new(HandoffError::NoHandoff {
                        path: "t.yaml".into(),
                        name: "a call".into(),
                    }),
                },
                Error::ShiftUnusable,
                Error::TrafficHasErrors { path: p() },
            ]
            .into_iter()
            .map(|e| (Err(e), 1)),
        );
        all
    }

    #[test]
    fn every_kind_of_result_has_its_documented_status() {
        for (result, status) in every_kind() {
            assert_eq!(exit_status(&result), status, "{result:?}");
        }
    }

    /// The rows of the first Markdown table after the line `heading` (or in `///` comments).
    fn table_after(text: &str, heading: &str) -> Vec<String> {
        text.lines()
            .map(|l| l.trim_start().trim_start_matches("///").trim())
            .skip_while(|l| *l != heading)
            .skip(1)
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_readme_shows_the_table_of_exit_status() {
        let readme = table_after(include_str!("../README.md"), "## Exit status");
        let doc = table_after(
            include_str!("error.rs"),
            "The exit status of a command. This is the one table (the README's \"Exit status\" section",
        );
        assert!(readme.len() > 2, "no table under `## Exit status` in the README");
        assert_eq!(readme, doc, "the README's table and `exit_status`'s doc differ");
        let documented: BTreeSet<u8> = readme[2..]
            .iter()
            .map(|row| row.split('|').nth(1).unwrap().trim().parse().unwrap())
            .collect();
        let mapped: BTreeSet<u8> = every_kind().iter().map(|(r, _)| exit_status(r)).collect();
        assert_eq!(documented, mapped, "statuses documented vs. statuses the mapping gives");
    }
}
