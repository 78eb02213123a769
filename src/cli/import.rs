//! `ivrsim import FILE`: a menu of another IVR platform (Amazon Connect, Twilio Studio,
//! FreeSWITCH mod_ivr, VoiceXML, Asterisk) written out as an ivrsim menu (format v2), with a
//! finding for everything that could not be mapped faithfully; an Amazon Connect test case
//! is written as a scenario for the flow named first with `--with`. See `src/import/` and
//! `docs/import.md`.

use std::path::PathBuf;

use clap::Args;

use crate::diag::{ColorChoice, Diagnostic, Severity};
use crate::error::{Error, Outcome, UsageError};
use crate::import::{self, Imported, ImportedCase, Platform};
use crate::source::Sources;

/// Arguments of `ivrsim import`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when everything mapped; 1 when something was approximated (a W027 \
                  finding: what the platform does that ivrsim runs otherwise) or the menu has errors, \
                  the menu written all the same; 2 when the file cannot be read as the platform's \
                  format (nothing written). The mapping of each platform is in docs/import.md."
)]
pub struct ImportArgs {
    /// The platform's file: a Connect or Studio flow (JSON), a FreeSWITCH `ivr.conf` or a
    /// VoiceXML document (XML), an Asterisk dialplan (`extensions.conf`); or a Connect test
    /// case (JSON with `Observations`), written as a scenario for the flow named by `--with`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the menu to FILE (atomically) instead of stdout (`-`: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The platform [default: detected from the file's content].
    #[arg(long, value_enum)]
    pub from: Option<Platform>,
    /// Another file the first one refers to: a flow it transfers to, a VoiceXML document it
    /// goes to, a FreeSWITCH phrase file, Asterisk's `queues.conf` (repeatable; files in the
    /// same folder are found without it). For a Connect test case, the first names the flow
    /// it tests (a Connect flow or an ivrsim menu), the others the flows that one refers to.
    #[arg(long = "with", value_name = "FILE")]
    pub with: Vec<PathBuf>,
}

/// Imports the file and writes the menu: [`Outcome::Success`] (status 0) when everything
/// mapped, [`Outcome::Findings`] (1) when something was approximated or the menu has errors
/// (each finding shown on stderr, the menu written all the same), [`Outcome::Errored`] (2)
/// when the file cannot be read as the platform's format (nothing written).
///
/// # Errors
/// The file cannot be read at all, it is no platform's file, or the output cannot be written
/// (status 2).
pub fn run(args: &ImportArgs, color: ColorChoice) -> Result<Outcome, Error> {
    let mut sources = Sources::new();
    let (platform, outcome) = match import::import_any(&args.file, args.from, &args.with, &mut sources)? {
        Imported::Menu(platform, outcome) => (platform, outcome),
        Imported::CaseWithoutFlow => return Err(Error::Usage(UsageError::CaseWithoutFlow(args.file.clone()))),
        Imported::Case(case) => return run_case(args, color, &sources, case),
    };
    let Some(platform) = platform else {
        return Err(Error::Usage(UsageError::NotImportable(args.file.clone())));
    };
    let shown = |findings: &[Diagnostic]| {
        let _ = crate::diag::render_text(&mut super::stderr(color), &sources, findings);
    };
    let Some(menu) = &outcome.menu else {
        shown(&outcome.diagnostics);
        say!(
            "error: `{}` cannot be read as {}: nothing written",
            args.file.display(),
            platform.name()
        );
        return Ok(Outcome::Errored);
    };
    shown(&outcome.diagnostics);
    let out_path = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let header = vec![
        format!("Imported by ivrsim from {} ({}).", args.file.display(), platform.name()),
        "Each node's comment says where in that file it came from; `ivrsim import` listed what it".into(),
        "could not map faithfully. Run `ivrsim check` on this file before it goes live.".into(),
    ];
    let written = crate::menu::write::write(
        menu,
        &crate::menu::write::WriteOptions {
            sources: Some(&sources),
            header: &header,
            out_path,
        },
    );
    for lost in &written.lost {
        say!("warning: the menu file cannot say this, so it is not written: {lost}");
    }
    super::write_output(out_path, written.text.as_bytes())?;
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    let approximated = outcome.diagnostics.len() - errors + written.lost.len();
    if let Some(path) = out_path {
        say!(
            "wrote `{}` from {} `{}`: {} node{}, {approximated} approximation{}, {errors} error{}",
            path.display(),
            platform.name(),
            args.file.display(),
            menu.nodes.len(),
            if menu.nodes.len() == 1 { "" } else { "s" },
            if approximated == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
        );
    }
    Ok(if errors + approximated == 0 {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

/// Writes the scenario a Connect test case became: status 0 when every observation mapped,
/// 1 when something was approximated (or the flow has errors), 2 when the test case or the
/// flow cannot be read (nothing written).
fn run_case(args: &ImportArgs, color: ColorChoice, sources: &Sources, case: ImportedCase) -> Result<Outcome, Error> {
    let shown = |findings: &[Diagnostic]| {
        let _ = crate::diag::render_text(&mut super::stderr(color), sources, findings);
    };
    let (_, flow) = &case.flow_outcome;
    let flow_errors: Vec<Diagnostic> = flow
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .cloned()
        .collect();
    if flow.menu.is_none() {
        shown(&flow_errors);
        say!(
            "error: the flow `{}` cannot be read: nothing written for `{}`",
            case.flow.display(),
            args.file.display()
        );
        return Ok(Outcome::Errored);
    }
    shown(&case.diagnostics);
    let Some(scenario) = &case.scenario else {
        say!(
            "error: `{}` cannot be read as an Amazon Connect test case: nothing written",
            args.file.display()
        );
        return Ok(Outcome::Errored);
    };
    if !flow_errors.is_empty() {
        shown(&flow_errors);
        say!(
            "warning: the flow `{}` has {} error{}: `ivrsim test` refuses it until they are fixed",
            case.flow.display(),
            flow_errors.len(),
            if flow_errors.len() == 1 { "" } else { "s" }
        );
    }
    let out_path = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let out_dir = out_path
        .and_then(std::path::Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let menu = match out_path {
        Some(_) => crate::scenario::generate::menu_ref(&case.flow, out_dir),
        None => case.flow.to_string_lossy().into_owned(),
    };
    let yaml = crate::scenario::generate::schema_line(out_dir, &case.flow)
        + &scenario.yaml(
            &args.file.display().to_string(),
            &case.flow.display().to_string(),
            &menu,
        );
    super::write_output(out_path, yaml.as_bytes())?;
    let errors = case
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    let approximated = case.diagnostics.len() - errors;
    if let Some(path) = out_path {
        let steps = scenario
            .steps
            .iter()
            .filter(|s| !matches!(s, import::connect_cases::Step::Comment(_)))
            .count();
        say!(
            "wrote `{}` from Amazon Connect test case `{}`: 1 scenario of {steps} step{} for `{}`, {approximated} approximation{}, {errors} error{}",
            path.display(),
            args.file.display(),
            if steps == 1 { "" } else { "s" },
            case.flow.display(),
            if approximated == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
        );
    }
    Ok(if errors + approximated + flow_errors.len() == 0 {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}
