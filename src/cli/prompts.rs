//! `ivrsim prompts MENU`: every prompt clip with its language and text, one per line, for
//! `scripts/render-prompts.sh` (or any other renderer).

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::diag::{self, ColorChoice, Severity};
use crate::menu::load_menu;
use crate::source::Sources;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path<TAB>language<TAB>text` per line; tabs and newlines in texts become spaces.
    Tsv,
    /// A JSON array of `{path, language, text}`.
    Json,
}

/// Arguments of `ivrsim prompts`.
#[derive(Debug, Args)]
pub struct PromptsArgs {
    /// The menu file.
    #[arg(value_name = "MENU", default_value = "menus/hotline.yaml")]
    pub menu: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Tsv)]
    pub format: Format,
}

/// One clip to render.
#[derive(Debug, Serialize)]
struct Clip {
    /// Path of the WAV file, as reached from the current folder.
    path: String,
    /// Language tag of the text.
    language: String,
    /// What the clip says.
    text: String,
}

/// Lists the clips; refuses (exit 1, findings on stderr) when the menu has errors.
pub fn run(args: &PromptsArgs, color: ColorChoice) -> u8 {
    let mut sources = Sources::new();
    let outcome = match load_menu(&args.menu, &mut sources) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let errors: Vec<_> = outcome
        .diagnostics
        .into_iter()
        .filter(|d| d.severity() == Severity::Error)
        .collect();
    let Some(menu) = outcome.menu.filter(|_| errors.is_empty()) else {
        let _ = diag::render_text(&mut super::stderr(color), &sources, &errors);
        return EXIT_FINDINGS;
    };
    let default_lang = menu.languages.first().cloned().unwrap_or_default();
    let mut seen = HashSet::new();
    let mut clips = Vec::new();
    for p in menu.prompts() {
        for (lang, clip) in p.clips() {
            if !seen.insert(clip.path.clone()) {
                continue;
            }
            let language = lang.unwrap_or(&default_lang).to_owned();
            let text = match lang {
                Some(l) => p.in_language(l).0,
                None => &p.text,
            };
            clips.push(Clip {
                path: clip.path.display().to_string(),
                language,
                text: text.to_owned(),
            });
        }
    }
    let mut out = std::io::stdout().lock();
    let res = match args.format {
        Format::Json => super::write_json(&clips),
        Format::Tsv => clips.iter().try_for_each(|c| {
            let clean = |t: &str| crate::source::printable_line(&crate::audio::clip::one_line(t)).into_owned();
            writeln!(out, "{}\t{}\t{}", clean(&c.path), c.language, clean(&c.text))
        }),
    };
    match res {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            EXIT_USAGE
        }
    }
}
