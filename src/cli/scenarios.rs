//! `ivrsim scenarios generate MENU`: write a scenario suite that takes every option, re-prompt,
//! fallback and route branch of a menu (see `docs/scenario-format.md`).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::diag::ColorChoice;
use crate::error::{Error, Outcome};
use crate::scenario::generate::{generate, menu_ref, schema_line};

/// Arguments of `ivrsim scenarios`.
#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ScenariosCommand,
}

/// `ivrsim scenarios` subcommands.
#[derive(Debug, Subcommand)]
pub enum ScenariosCommand {
    /// Write a scenario file covering every option and failure edge of a menu (to stdout, or `-o FILE`);
    /// a menu with errors (`ivrsim check`) is refused with its findings (exit 1).
    Generate(GenerateArgs),
}

/// Arguments of `ivrsim scenarios generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The menu.
    #[arg(value_name = "MENU")]
    pub menu: PathBuf,
    /// Write the scenarios to this file (atomically) instead of stdout; `menu:` is then relative to its folder.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The path to write as `menu:` [default: relative to the folder of -o, else the MENU as given].
    #[arg(long, value_name = "PATH")]
    pub menu_path: Option<String>,
}

/// Runs `ivrsim scenarios …`.
///
/// # Errors
/// A menu that cannot be used (status 1), an output that cannot be written.
pub fn run(args: &ScenariosArgs, color: ColorChoice) -> Result<Outcome, Error> {
    match &args.command {
        ScenariosCommand::Generate(g) => run_generate(g, color),
    }
}

fn run_generate(args: &GenerateArgs, color: ColorChoice) -> Result<Outcome, Error> {
    // As `ivrsim test` would refuse the menu, generating for it is refused too (exit 1, findings).
    let (menu, clips) = super::load_usable(&args.menu, color, "generating scenarios")?;
    let out_dir = args
        .output
        .as_deref()
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let menu_path = match (&args.menu_path, &args.output) {
        (Some(p), _) => p.clone(),
        (None, Some(_)) => menu_ref(&args.menu, out_dir),
        (None, None) => args.menu.to_string_lossy().into_owned(),
    };
    let mut suite = generate(&menu, &clips, &menu_path);
    suite.yaml.insert_str(0, &schema_line(out_dir, &args.menu));
    for m in &suite.missed {
        say!("note: {m}");
    }
    match &args.output {
        Some(out) => {
            super::write_output(Some(out), suite.yaml.as_bytes())?;
            say!("wrote {} scenarios to `{}`", suite.scenarios.len(), out.display());
        }
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(suite.yaml.as_bytes())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    Ok(Outcome::Success)
}
