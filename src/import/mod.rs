//! Importing menus written for other IVR platforms: Amazon Connect contact flows, Twilio
//! Studio flows, FreeSWITCH mod_ivr menus, VoiceXML 2.1 documents and Asterisk dialplans.
//!
//! Each platform has a module of its own that reads the platform's file into its own model
//! (keeping where each element is written: a JSON pointer, or a byte range of XML or
//! dialplan text) and maps it onto ivrsim's menu through the one [`MenuBuilder`], so an
//! imported menu gets the same findings as one written in YAML, pointing into the original
//! file. Nothing downstream (checks, engine, scenarios, maps) knows a menu was imported.
//!
//! What an importer cannot map faithfully is a finding, never a silent drop:
//! [`Code::ImportApproximated`] (W027) says what the platform does, what ivrsim does instead
//! and what a caller would notice; [`Code::ImportUnreadable`] (E022) is a file that cannot be
//! read as the platform's format at all (bad JSON or XML, a DTD, a size or depth limit).
//! `docs/import.md` has the mapping tables and the sources of every rule.
//!
//! [`load_menu`](crate::menu::load_menu) detects these formats by their content
//! ([`Platform::detect`]), so `ivrsim check flow.json` works like `ivrsim check menu.yaml`.
//!
//! `ivrsim import` also takes an Amazon Connect test case (the testing language), which is
//! no menu: [`import_any`] writes it as a scenario for the flow given with it
//! ([`connect_cases`]).

pub mod asterisk;
pub mod connect;
pub mod connect_cases;
pub mod freeswitch;
pub mod ssml;
pub mod studio;
pub mod vxml;
mod xml;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::menu::LoadOutcome;
use crate::menu::build::MenuBuilder;
use crate::source::{FileId, Sources, Span};

pub use xml::parse_xml;

/// Largest companion file (another flow, a phrase file, `queues.conf`) an importer reads, in
/// bytes (the same limit as a menu file's).
pub const MAX_COMPANION_BYTES: u64 = crate::menu::load::MAX_FILE_BYTES;

/// A platform whose menus ivrsim imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Platform {
    /// Amazon Connect contact flow (flow language JSON: `Version`, `StartAction`, `Actions`).
    Connect,
    /// Twilio Studio flow definition (JSON: `states`, `initial_state`).
    Studio,
    /// FreeSWITCH mod_ivr menus (`ivr.conf` XML: `<menus>`/`<menu>`).
    Freeswitch,
    /// W3C VoiceXML 2.0/2.1 document (`<vxml>`).
    Vxml,
    /// Asterisk dialplan (`extensions.conf`: `[context]` and `exten =>` lines).
    Asterisk,
}

impl Platform {
    /// Every platform, in the order of `--from`'s help.
    pub const ALL: [Platform; 5] = [
        Platform::Connect,
        Platform::Studio,
        Platform::Freeswitch,
        Platform::Vxml,
        Platform::Asterisk,
    ];

    /// The name users know it by, e.g. `Amazon Connect`.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Connect => "Amazon Connect",
            Platform::Studio => "Twilio Studio",
            Platform::Freeswitch => "FreeSWITCH mod_ivr",
            Platform::Vxml => "VoiceXML",
            Platform::Asterisk => "Asterisk dialplan",
        }
    }

    /// The value of `--from` that names it.
    pub fn flag(self) -> &'static str {
        match self {
            Platform::Connect => "connect",
            Platform::Studio => "studio",
            Platform::Freeswitch => "freeswitch",
            Platform::Vxml => "vxml",
            Platform::Asterisk => "asterisk",
        }
    }

    /// The platform whose file `text` is, judged by its content (the file name is not
    /// trusted: exports are often renamed), or `None` for anything else, which is read as an
    /// ivrsim YAML menu.
    ///
    /// - JSON (first non-blank character `{`) with a top-level `"Actions"` and `"StartAction"`
    ///   (or `"Version"`) key, or an `"Observations"` key (a test case, which the Connect
    ///   importer refuses as a menu): Connect; with `"states"` and `"initial_state"`: Studio.
    /// - XML (first non-blank character `<`): a `<vxml` element: VoiceXML; a `<menus>` or a
    ///   `<menu` with a `greet-long` attribute: FreeSWITCH.
    /// - Text with a `[context]` header line and an `exten =>` (or `same =>`) line, and no
    ///   line that YAML would read as a mapping at the top: Asterisk.
    ///
    /// Only the first 64 KiB are looked at, so detection is cheap on any file.
    pub fn detect(text: &str) -> Option<Platform> {
        let head = &text[..floor_boundary(text, 64 * 1024)];
        let trimmed = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if trimmed.starts_with('{') {
            let has = |key: &str| head.contains(&format!("\"{key}\""));
            if (has("Actions") && (has("StartAction") || has("Version")))
                || (has("ContactFlow") && has("Content"))
                || connect_cases::is_test_case(head)
            {
                return Some(Platform::Connect);
            }
            if has("states") && has("initial_state") {
                return Some(Platform::Studio);
            }
            return None;
        }
        if trimmed.starts_with('<') {
            if head.contains("<vxml") {
                return Some(Platform::Vxml);
            }
            if head.contains("<menus") || (head.contains("<menu") && head.contains("greet-long")) {
                return Some(Platform::Freeswitch);
            }
            return None;
        }
        // A dialplan starts (after blank lines and `;` comments) with a `[context]` header
        // or an `exten`/`same`/`include` line; a YAML menu starts with a `key:` line.
        let first = head
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with(';') && !l.starts_with('#'));
        let dialplan_start = first.is_some_and(|l| {
            (l.starts_with('[') && l.contains(']') && !l.starts_with("[["))
                || l.starts_with("exten")
                || l.starts_with("include")
        });
        if !dialplan_start {
            return None;
        }
        let mut context = false;
        let mut exten = false;
        for line in head.lines() {
            let l = line.trim();
            if l.starts_with('[') && l.contains(']') && !l.starts_with("[[") {
                context = true;
            } else if l.starts_with("exten") || l.starts_with("same") {
                let rest = l.trim_start_matches("exten").trim_start_matches("same").trim_start();
                exten |= rest.starts_with("=>") || rest.starts_with('=');
            }
        }
        (context && exten).then_some(Platform::Asterisk)
    }
}

fn floor_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// What an importer works with: the file being imported, the run's [`Sources`], the
/// findings so far, and the other files the user named (`ivrsim import --with`).
pub struct Cx<'s> {
    /// Every file read in this run.
    pub sources: &'s mut Sources,
    /// The file being imported, as the user named it.
    pub path: PathBuf,
    /// Its id in `sources`.
    pub file: FileId,
    /// The findings made so far, in order.
    pub diags: Vec<Diagnostic>,
    /// Other files the user named for this import (sub-flows, phrase files, `queues.conf`).
    pub companions: Vec<PathBuf>,
}

impl Cx<'_> {
    /// A JSON pointer (RFC 6901) into `file`, as a place for findings.
    pub fn pointer(&mut self, file: FileId, pointer: &str) -> Span {
        self.sources.pointer(file, pointer)
    }

    /// The bytes `range` of `file`, as a place for findings (`file:line:column`).
    pub fn bytes(&self, file: FileId, range: std::ops::Range<usize>) -> Span {
        Span {
            file,
            start: range.start.min(u32::MAX as usize) as u32,
            end: range.end.min(u32::MAX as usize) as u32,
            pointer: None,
        }
    }

    /// Reports a construct that is imported differently from what the platform does (W027):
    /// `what` names it and what ivrsim does instead; `caller` says what a caller would notice.
    pub fn approx(&mut self, at: Span, what: impl Into<String>, caller: impl Into<String>) {
        self.diags.push(
            Diagnostic::new(Code::ImportApproximated, at, what)
                .label("imported differently")
                .note(format!("a caller would notice: {}", caller.into())),
        );
    }

    /// Reports a part of a test case imported differently (W027), as [`Cx::approx`] does a
    /// part of a menu: `what` names it and what the scenario does instead; `verdict` says how
    /// the scenario's verdict may differ from the platform's test.
    pub fn approx_test(&mut self, at: Span, what: impl Into<String>, verdict: impl Into<String>) {
        self.diags.push(
            Diagnostic::new(Code::ImportApproximated, at, what)
                .label("imported differently")
                .note(format!("the scenario: {}", verdict.into())),
        );
    }

    /// Reports that the file (or a part of it) cannot be read as the platform's format
    /// (E022).
    pub fn unreadable(&mut self, at: Span, what: impl Into<String>) {
        self.diags
            .push(Diagnostic::new(Code::ImportUnreadable, at, what).label("cannot be imported"));
    }

    /// Finds and reads another file an element names (`name`, e.g. a sub-flow's name or a
    /// document's relative URI): first among the files the user named (by file name, or by
    /// file stem when `name` has no extension), then `name` relative to the imported file's
    /// folder, then `name` plus each of `extensions` there. Returns its path and id in
    /// `sources`, or `None` when there is no such readable file (the caller reports it, with
    /// what it does instead). A file read before is not read again.
    pub fn companion(&mut self, name: &str, extensions: &[&str]) -> Option<(PathBuf, FileId)> {
        let dir = self.path.parent().unwrap_or(Path::new("")).to_owned();
        let wanted = Path::new(name);
        let named = self.companions.iter().find(|p| {
            p.file_name() == wanted.file_name() || (wanted.extension().is_none() && p.file_stem() == wanted.file_name())
        });
        let mut candidates: Vec<PathBuf> = named.cloned().into_iter().collect();
        // Only files at or below the imported file's folder: a reference with `..` in it
        // (`../../etc/passwd`) is not followed.
        let escapes = wanted
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
        if !name.is_empty() && !wanted.is_absolute() && !name.contains("://") && !escapes {
            candidates.push(dir.join(wanted));
            for ext in extensions {
                candidates.push(dir.join(format!("{name}.{ext}")));
            }
        }
        for path in candidates {
            let shown = path.display().to_string();
            if let Some(id) = self.sources.find(&shown) {
                return Some((path, id));
            }
            let Ok(text) = crate::menu::load::read_text(&path) else {
                continue;
            };
            let id = self.sources.add(shown, text.text);
            return Some((path, id));
        }
        None
    }

    /// Finishes `builder` and returns the menu with every finding, the importer's first.
    pub fn finish(self, builder: MenuBuilder) -> LoadOutcome {
        let (menu, built) = builder.finish();
        let mut diagnostics = self.diags;
        diagnostics.extend(built);
        LoadOutcome {
            menu: Some(menu),
            diagnostics,
        }
    }

    /// The outcome when nothing could be imported: no menu, the findings so far.
    pub fn nothing(self) -> LoadOutcome {
        LoadOutcome {
            menu: None,
            diagnostics: self.diags,
        }
    }
}

/// Imports `text`, the content of `path` (already added to `sources` as `file`), as a menu
/// of `platform`; `companions` are other files the user named for it.
///
/// The outcome's menu is `None` when the file could not be read as the platform's format (a
/// [`Code::ImportUnreadable`] finding says why); otherwise the menu is built with every
/// finding: the importer's (W027, E022 for parts it could not read) and the builder's.
pub fn import(
    platform: Platform,
    path: &Path,
    file: FileId,
    companions: &[PathBuf],
    sources: &mut Sources,
) -> LoadOutcome {
    let cx = Cx {
        sources,
        path: path.to_owned(),
        file,
        diags: Vec::new(),
        companions: companions.to_vec(),
    };
    match platform {
        Platform::Connect => connect::import(cx),
        Platform::Studio => studio::import(cx),
        Platform::Freeswitch => freeswitch::import(cx),
        Platform::Vxml => vxml::import(cx),
        Platform::Asterisk => asterisk::import(cx),
    }
}

/// Reads the file at `path` and imports it as `platform` (detected from its content when
/// `None`; a file of no known platform is then read as an ivrsim menu).
///
/// # Errors
/// [`crate::menu::load::ReadError`] when the file cannot be read at all.
pub fn import_file(
    path: &Path,
    platform: Option<Platform>,
    companions: &[PathBuf],
    sources: &mut Sources,
) -> Result<(Option<Platform>, LoadOutcome), crate::menu::load::ReadError> {
    let text = crate::menu::load::read_text(path).map_err(|source| crate::menu::load::ReadError {
        path: path.to_owned(),
        source,
    })?;
    Ok(import_read(path, platform, text, companions, sources))
}

/// What [`import_any`] made of a file.
pub enum Imported {
    /// A menu of `platform` (`None`: an ivrsim menu, read as it is), as [`import_file`] gives it.
    Menu(Option<Platform>, LoadOutcome),
    /// An Amazon Connect test case given without the flow it tests.
    CaseWithoutFlow,
    /// An Amazon Connect test case, imported as a scenario for the flow given first with it.
    Case(ImportedCase),
}

/// An Amazon Connect test case imported as a scenario ([`connect_cases`]).
pub struct ImportedCase {
    /// The flow the scenario tests: the first file given with the test case.
    pub flow: PathBuf,
    /// The flow's platform (`None`: an ivrsim menu) and the flow as loaded.
    pub flow_outcome: (Option<Platform>, LoadOutcome),
    /// The scenario; `None` when the test case, or the flow, cannot be read.
    pub scenario: Option<connect_cases::Scenario>,
    /// The test case's findings (W027, E022), pointing into it.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the file at `path` for `ivrsim import`: an Amazon Connect test case (recognised by
/// its content, unless `platform` names another platform) becomes a scenario for the flow
/// named first in `companions` (the others are the files that flow refers to); anything else
/// is imported as [`import_file`] does.
///
/// # Errors
/// [`crate::menu::load::ReadError`] when the file, or the flow, cannot be read at all.
pub fn import_any(
    path: &Path,
    platform: Option<Platform>,
    companions: &[PathBuf],
    sources: &mut Sources,
) -> Result<Imported, crate::menu::load::ReadError> {
    let text = crate::menu::load::read_text(path).map_err(|source| crate::menu::load::ReadError {
        path: path.to_owned(),
        source,
    })?;
    if platform.is_none_or(|p| p == Platform::Connect) && connect_cases::is_test_case(&text.text) {
        let Some((flow, rest)) = companions.split_first() else {
            return Ok(Imported::CaseWithoutFlow);
        };
        let flow_outcome = import_file(flow, None, rest, sources)?;
        let invalid_utf8_at = text.invalid_utf8_at;
        let file = sources.add(path.display().to_string(), text.text);
        let mut cx = Cx {
            sources,
            path: path.to_owned(),
            file,
            diags: Vec::new(),
            companions: Vec::new(),
        };
        let scenario = match (invalid_utf8_at, &flow_outcome.1.menu) {
            (Some(at), _) => {
                let span = Span {
                    file,
                    start: at as u32,
                    end: at as u32 + 1,
                    pointer: None,
                };
                cx.unreadable(span, "the file is not valid UTF-8");
                None
            }
            (None, Some(menu)) => connect_cases::import(&mut cx, menu),
            (None, None) => None,
        };
        return Ok(Imported::Case(ImportedCase {
            flow: flow.clone(),
            flow_outcome,
            scenario,
            diagnostics: cx.diags,
        }));
    }
    let (platform, outcome) = import_read(path, platform, text, companions, sources);
    Ok(Imported::Menu(platform, outcome))
}

/// Imports `text`, read from `path`, as [`import_file`] does.
fn import_read(
    path: &Path,
    platform: Option<Platform>,
    text: crate::menu::load::Text,
    companions: &[PathBuf],
    sources: &mut Sources,
) -> (Option<Platform>, LoadOutcome) {
    let platform = platform.or_else(|| Platform::detect(&text.text));
    let Some(platform) = platform else {
        return (None, crate::menu::load::load_read(path, text, sources));
    };
    let file = sources.add(path.display().to_string(), text.text);
    if let Some(at) = text.invalid_utf8_at {
        let span = Span {
            file,
            start: at as u32,
            end: at as u32 + 1,
            pointer: None,
        };
        let d = Diagnostic::new(Code::ImportUnreadable, span, "the file is not valid UTF-8")
            .label("this byte is not UTF-8")
            .help("save the export as UTF-8");
        return (
            Some(platform),
            LoadOutcome {
                menu: None,
                diagnostics: vec![d],
            },
        );
    }
    (Some(platform), import(platform, path, file, companions, sources))
}

/// A readable, unique node id made from a platform element's name (`Main menu` →
/// `main_menu`), keeping letters, digits, `_`, `-` and `.`; `fallback` when nothing is left.
/// `taken` holds the ids given so far; a clash gets `_2`, `_3`, ….
pub fn node_id(name: &str, fallback: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let mut id = String::new();
    let mut gap = false;
    for c in name.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
            if gap && !id.is_empty() {
                id.push('_');
            }
            gap = false;
            id.extend(c.to_lowercase());
        } else {
            gap = true;
        }
        if id.len() >= 48 {
            break;
        }
    }
    if id.is_empty() {
        id = fallback.to_owned();
    }
    let mut unique = id.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{id}_{n}");
        n += 1;
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_platform_by_content() {
        let connect = r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": []}"#;
        let studio = r#"{"description": "x", "states": [], "initial_state": "Trigger"}"#;
        let vxml = "<?xml version=\"1.0\"?>\n<vxml version=\"2.1\"><form/></vxml>";
        let fs = "<configuration name=\"ivr.conf\"><menus><menu name=\"m\"/></menus></configuration>";
        let ast = "; dialplan\n[ivr]\nexten => s,1,Answer()\n";
        assert_eq!(Platform::detect(connect), Some(Platform::Connect));
        let case = r#"{"Version": "2025-06-21", "Observations": [{"Event": {"Type": "TestInitiated"}}]}"#;
        assert_eq!(Platform::detect(case), Some(Platform::Connect));
        assert_eq!(Platform::detect(studio), Some(Platform::Studio));
        assert_eq!(Platform::detect(vxml), Some(Platform::Vxml));
        assert_eq!(Platform::detect(fs), Some(Platform::Freeswitch));
        assert_eq!(Platform::detect(ast), Some(Platform::Asterisk));
        assert_eq!(Platform::detect("name: x\nentry: main\nnodes: {}\n"), None);
        assert_eq!(Platform::detect(r#"{"name": "x", "entry": "m", "nodes": {}}"#), None);
        assert_eq!(Platform::detect("nodes:\n  a: {kind: menu}  # [ivr]\n"), None);
        let yaml_with_dialplan_words = "name: Demo\nnodes:\n  main:\n    prompt:\n      text: |\n        [Read slowly]\n        exten => 100 is retired.\n";
        assert_eq!(Platform::detect(yaml_with_dialplan_words), None);
    }

    #[test]
    fn node_ids_are_readable_and_unique() {
        let mut taken = std::collections::HashSet::new();
        assert_eq!(node_id("Main menu", "x", &mut taken), "main_menu");
        assert_eq!(node_id("Main  Menu!", "x", &mut taken), "main_menu_2");
        assert_eq!(node_id("???", "block", &mut taken), "block");
        assert_eq!(node_id("", "block", &mut taken), "block_2");
    }
}
