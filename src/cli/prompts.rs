//! `ivrsim prompts MENU`: every prompt clip with its language and text, one per line, for
//! `scripts/render-prompts.sh` (or any other renderer).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::diag::{self, ColorChoice, Severity};
use crate::error::{Error, Outcome, WriteError};
use crate::menu::{Menu, NoOperator, NodeKind, Prompt, load_menu};
use crate::source::{Sources, Span, printable};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path<TAB>language<TAB>text` per clip; tabs and newlines in texts become spaces. Text-only
    /// prompts are listed on stderr, with the clip each would get.
    Tsv,
    /// A JSON array of `{path, language, text, text_only}`; a text-only prompt also has
    /// `audio` (the name to give it) and `at` (`file:line:column`).
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

/// One clip to render, or a text-only prompt and the clip it would get.
#[derive(Debug, Serialize)]
struct Clip {
    /// Path of the WAV file, as reached from the current folder (for a text-only prompt: where
    /// its clip would be, `audio_dir` joined with `audio`).
    path: String,
    /// Language tag of the text.
    language: String,
    /// What the clip says.
    text: String,
    /// Whether the prompt has no `audio:` in this language (then not rendered by the script).
    text_only: bool,
    /// For a text-only prompt: the `audio:` name to give it (none when it says `{position}`,
    /// which is filled in during the call), by the bundled menus' convention
    /// (`NODE.wav`, `NODE.no_input.1.wav`, `NODE.hold.wav`, `NODE.no_operator.wav`,
    /// `default.no_input.1.wav` for a re-prompt from `defaults` that several nodes use, and
    /// `.LANG` before `.wav` for a translation).
    #[serde(skip_serializing_if = "Option::is_none")]
    audio: Option<String>,
    /// For a text-only prompt: where it is written, `file:line:column`.
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<String>,
    /// For a text-only prompt: the node and role, e.g. `` `main` prompt ``.
    #[serde(skip)]
    what: String,
}

/// Every prompt of the menu with the base name of its clip by the bundled menus' convention
/// (`main_menu`, `main_menu.no_input.1`, `default.no_match.2` …) and what it is, in file order.
fn named_prompts(menu: &Menu) -> Vec<(&Prompt, String, String)> {
    let mut list = Vec::new();
    for n in &menu.nodes {
        let id = &n.id;
        if let Some(p) = n.kind.prompt() {
            list.push((p, id.clone(), format!("`{id}` prompt"), "prompt".to_owned()));
        }
        if let Some(l) = n.kind.listen() {
            if let Some(p) = l.short_prompt.as_deref() {
                list.push((
                    p,
                    format!("{id}.short"),
                    format!("`{id}` short_prompt"),
                    "short".to_owned(),
                ));
            }
            for (role, prompts) in [("no_input", &l.no_input), ("no_match", &l.no_match)] {
                for (i, p) in prompts.iter().enumerate() {
                    let role = format!("{role}.{}", i + 1);
                    list.push((p, format!("{id}.{role}"), format!("`{id}` {role}"), role));
                }
            }
        }
        if let NodeKind::Transfer(t) = &n.kind {
            if let Some(p) = &t.hold.prompt {
                list.push((p, format!("{id}.hold"), format!("`{id}` hold"), "hold".to_owned()));
            }
            if let Some(p) = t.hold.expected_wait.as_ref().and_then(|e| e.prompt.as_ref()) {
                let role = "expected_wait".to_owned();
                list.push((p, format!("{id}.{role}"), format!("`{id}` hold.expected_wait"), role));
            }
            if let Some(p) = t.hold.periodic.as_ref().map(|p| &p.prompt) {
                let role = "periodic".to_owned();
                list.push((p, format!("{id}.{role}"), format!("`{id}` hold.periodic"), role));
            }
            let plan = match &t.when_no_operator {
                Some(NoOperator::Hold { prompt, .. }) => prompt.as_ref(),
                Some(NoOperator::Message { prompt }) => Some(prompt),
                _ => None,
            };
            if let Some(p) = plan {
                let role = "no_operator".to_owned();
                list.push((p, format!("{id}.{role}"), format!("`{id}` when_no_operator"), role));
            }
        }
    }
    if let Some(p) = &menu.defaults.goodbye {
        list.push((
            p,
            "default.goodbye".into(),
            "`defaults` goodbye".into(),
            "goodbye".into(),
        ));
    }
    // A prompt inherited from `defaults` appears under every node that uses it (same span).
    let mut users: HashMap<Span, usize> = HashMap::new();
    for (p, ..) in &list {
        *users.entry(p.span).or_default() += 1;
    }
    let mut seen = HashSet::new();
    list.into_iter()
        .filter(|(p, ..)| seen.insert(p.span))
        .map(|(p, base, what, role)| {
            if users.get(&p.span).copied().unwrap_or(0) > 1 {
                (p, format!("default.{role}"), format!("`defaults` {role}"))
            } else {
                (p, base, what)
            }
        })
        .collect()
}

/// Lists the clips; refuses ([`Outcome::Findings`], findings on stderr) when the menu has
/// errors. Prompts without a clip are listed on stderr (TSV) or marked `text_only` (JSON),
/// with the clip each would get and how to render it.
///
/// # Errors
/// The menu file cannot be read, or the list cannot be written.
pub fn run(args: &PromptsArgs, color: ColorChoice) -> Result<Outcome, Error> {
    let mut sources = Sources::new();
    let outcome = load_menu(&args.menu, &mut sources)?;
    let errors: Vec<_> = outcome
        .diagnostics
        .into_iter()
        .filter(|d| d.severity() == Severity::Error)
        .collect();
    let Some(menu) = outcome.menu.filter(|_| errors.is_empty()) else {
        let _ = diag::render_text(&mut super::stderr(color), &sources, &errors);
        return Ok(Outcome::Findings);
    };
    let default_lang = menu.languages.first().cloned().unwrap_or_default();
    let mut seen = HashSet::new();
    let mut clips = Vec::new();
    for (p, base, what) in named_prompts(&menu) {
        let langs = std::iter::once((default_lang.as_str(), p.text.as_str(), p.audio.as_ref(), None)).chain(
            p.translations
                .iter()
                .map(|(l, t)| (l.as_str(), t.text.as_str(), t.audio.as_ref(), Some(l.as_str()))),
        );
        for (language, text, audio, tag) in langs {
            let clip = match audio {
                Some(clip) if !seen.insert(clip.path.clone()) => continue,
                Some(clip) => Clip {
                    path: clip.path.display().to_string(),
                    language: language.to_owned(),
                    text: text.to_owned(),
                    text_only: false,
                    audio: None,
                    at: None,
                    what: String::new(),
                },
                None => {
                    let name = match tag {
                        Some(l) => format!("{base}.{l}.wav"),
                        None => format!("{base}.wav"),
                    };
                    let lc = sources.line_col(p.span);
                    Clip {
                        path: menu.audio_dir.join(&name).display().to_string(),
                        language: language.to_owned(),
                        text: text.to_owned(),
                        text_only: true,
                        // A clip cannot say the number the call fills in (`engine::line`).
                        audio: (!text.contains("{position}")).then_some(name),
                        at: Some(format!("{}:{}:{}", sources.name(p.span.file), lc.line, lc.column)),
                        what: what.clone(),
                    }
                }
            };
            clips.push(clip);
        }
    }
    let mut out = std::io::stdout().lock();
    let res = match args.format {
        Format::Json => super::write_json(&clips),
        Format::Tsv => clips.iter().filter(|c| !c.text_only).try_for_each(|c| {
            let clean = |t: &str| crate::source::printable_line(&crate::audio::clip::one_line(t)).into_owned();
            writeln!(out, "{}\t{}\t{}", clean(&c.path), c.language, clean(&c.text))
        }),
    };
    let text_only: Vec<&Clip> = clips.iter().filter(|c| c.text_only).collect();
    if args.format == Format::Tsv && !text_only.is_empty() {
        let clean = |s: &str| printable(&crate::audio::clip::one_line(s)).into_owned();
        let n = text_only.len();
        say!(
            "note: {n} prompt{} text only (no `audio:`), so the render script has no clip to make for {}:",
            if n == 1 { " has" } else { "s have" },
            if n == 1 { "it" } else { "them" }
        );
        for c in &text_only {
            let clip = match &c.audio {
                Some(name) => format!("audio: {}", clean(name)),
                None => "stays text-only: `{position}` is filled in during the call".into(),
            };
            say!(
                "  {}  {} ({}): \"{}\"  →  {clip}",
                clean(c.at.as_deref().unwrap_or_default()),
                clean(&c.what),
                clean(&c.language),
                clean(&c.text),
            );
        }
        say!(
            "  = help: to give them clips, add each `audio:` shown to its prompt (a translation's in its \
             `translations` entry), then run `{}`",
            crate::audio::clip::render_command(&args.menu)
        );
    }
    match res {
        Ok(()) => Ok(Outcome::Success),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Success),
        Err(e) => Err(WriteError::Stdout(e).into()),
    }
}
