//! Reading menu files: text, YAML (with safety budgets), includes; then lowering to a [`Menu`].
//!
//! Loading never stops at the first finding it can avoid stopping at: YAML and shape
//! errors end one file, but every other finding of every file is collected.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_saphyr::{DuplicateKeyPolicy, Error as YamlError};

use super::raw::{RawFragment, RawMenu, S};
use super::{Menu, lower, traps};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::source::{FileId, Sources, Span};

/// Largest menu file ivrsim reads, in bytes (256 MiB). A 100,000-node menu is about 20 MB.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What loading a menu gave.
#[derive(Debug)]
pub struct LoadOutcome {
    /// The menu, unless a file could not be parsed at all.
    pub menu: Option<Menu>,
    /// Every finding made while loading (errors and warnings).
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadOutcome {
    /// The menu, when every field of its files was read: `None` when a file could not be
    /// parsed, and also when a node has an unknown field (E002). Such a node is read without
    /// that field (often a misspelt `options` or `next`), so its ways on are unknown: the
    /// graph checks, the report, maps and generated scenarios would describe a menu nobody
    /// wrote. The lowering's own findings about it are still in [`Self::diagnostics`].
    pub fn whole_menu(&self) -> Option<&Menu> {
        if self.diagnostics.iter().any(|d| d.code == Code::UnknownField) {
            return None;
        }
        self.menu.as_ref()
    }
}

/// Why a menu file could not be read at all (exit status 2, not a finding).
#[derive(Debug, thiserror::Error)]
#[error("cannot read `{}`: {}", crate::source::printable(&path.display().to_string()), describe_io(source))]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    #[source]
    pub source: std::io::Error,
}

/// Loads the menu at `path` and every file it includes.
///
/// A file of another IVR platform (an Amazon Connect or Twilio Studio flow, a FreeSWITCH
/// `ivr.conf`, a VoiceXML document, an Asterisk dialplan; see
/// [`Platform::detect`](crate::import::Platform::detect)) is imported instead, with the
/// companion files of its folder ([`crate::import`]).
///
/// The files' texts are added to `sources`, so findings can be rendered.
///
/// # Errors
/// [`ReadError`] when the menu file itself cannot be read (missing, a folder, no
/// permission, larger than [`MAX_FILE_BYTES`]). Problems in its contents, and in included
/// files, are findings in [`LoadOutcome::diagnostics`] instead.
pub fn load_menu(path: &Path, sources: &mut Sources) -> Result<LoadOutcome, ReadError> {
    crate::import::import_file(path, None, &[], sources).map(|(_, outcome)| outcome)
}

/// Loads a menu from text already in memory, as if read from `path` (which names it in
/// findings and anchors `include` and `audio_dir`). Nothing is read but included files
/// and, later, clips (and, for another platform's file, its companion files).
pub fn load_menu_text(path: &Path, text: impl Into<String>, sources: &mut Sources) -> LoadOutcome {
    let text = text.into();
    if let Some(platform) = crate::import::Platform::detect(&text) {
        let file = sources.add(path.display().to_string(), text);
        return crate::import::import(platform, path, file, &[], sources);
    }
    load(path, text, None, sources)
}

/// Loads an ivrsim menu from `text`, the content of `path` as [`read_text`] gave it.
pub(crate) fn load_read(path: &Path, text: Text, sources: &mut Sources) -> LoadOutcome {
    load(path, text.text, text.invalid_utf8_at, sources)
}

fn load(path: &Path, text: String, invalid_utf8_at: Option<usize>, sources: &mut Sources) -> LoadOutcome {
    let file = sources.add(path.display().to_string(), text);
    let mut diags = Vec::new();
    let Some(raw) = parse_file::<RawMenu>(sources, file, invalid_utf8_at, &mut diags) else {
        return LoadOutcome {
            menu: None,
            diagnostics: diags,
        };
    };

    let mut includer = Includer {
        sources,
        diags: &mut diags,
        out: Vec::new(),
        seen: HashSet::from([canonical(path)]),
        stack: vec![(canonical(path), path.display().to_string())],
    };
    if let Some(includes) = &raw.value.include {
        includer.follow(path, file, includes);
    }
    let fragments = includer.out;

    let menu = lower::lower(path, file, raw, fragments, sources, &mut diags);
    drop_explained_by_traps(sources, &mut diags);
    LoadOutcome {
        menu: Some(menu),
        diagnostics: diags,
    }
}

/// An unquoted `#` leaves `key:` empty; E015 on that line already says so and why, so the
/// E004 "empty key" finding on the same line is dropped.
fn drop_explained_by_traps(sources: &Sources, diags: &mut Vec<Diagnostic>) {
    let traps: HashSet<(FileId, usize)> = diags
        .iter()
        .filter(|d| d.code == Code::UnquotedKey)
        .map(|d| (d.primary.span.file, sources.line_col(d.primary.span).line))
        .collect();
    if traps.is_empty() {
        return;
    }
    diags.retain(|d| {
        d.code != Code::MissingField || !traps.contains(&(d.primary.span.file, sources.line_col(d.primary.span).line))
    });
}

/// A parsed included file.
pub(super) struct Fragment {
    pub file: FileId,
    pub raw: RawFragment,
}

/// Follows `include:` lists depth first, reading each file once and refusing cycles.
struct Includer<'a> {
    sources: &'a mut Sources,
    diags: &'a mut Vec<Diagnostic>,
    out: Vec<Fragment>,
    seen: HashSet<PathBuf>,
    /// The files being included, outermost first: canonical path (to compare) and the path
    /// as reached from the menu (to show).
    stack: Vec<(PathBuf, String)>,
}

impl Includer<'_> {
    fn follow(&mut self, from: &Path, from_file: FileId, includes: &[S<String>]) {
        let dir = from.parent().unwrap_or(Path::new(""));
        for inc in includes {
            let span = self.sources.span_of(from_file, &inc.referenced);
            if inc.value.trim().is_empty() {
                self.diags
                    .push(Diagnostic::new(Code::MissingField, span, "empty include path").label("name a file"));
                continue;
            }
            let path = super::lower::normalize(&dir.join(&inc.value));
            let shown = path.display().to_string();
            let canon = canonical(&path);
            if let Some(pos) = self.stack.iter().position(|(c, _)| *c == canon) {
                let chain: Vec<&str> = self.stack[pos..]
                    .iter()
                    .map(|(_, d)| d.as_str())
                    .chain([shown.as_str()])
                    .collect();
                self.diags.push(
                    Diagnostic::new(
                        Code::IncludeFailed,
                        span,
                        format!("include cycle: `{shown}` is already being included"),
                    )
                    .label("including it again would loop forever")
                    .note(format!("the cycle is {}", chain.join(" -> "))),
                );
                continue;
            }
            if !self.seen.insert(canon.clone()) {
                continue; // Included twice through different files: its nodes join once.
            }
            if self.stack.len() > MAX_INCLUDE_DEPTH {
                self.diags.push(
                    Diagnostic::new(
                        Code::IncludeFailed,
                        span,
                        format!("includes are nested more than {MAX_INCLUDE_DEPTH} deep"),
                    )
                    .label("not followed")
                    .help("include the files from the menu itself rather than each from the one before"),
                );
                continue;
            }
            let Text { text, invalid_utf8_at } = match read_text(&path) {
                Ok(t) => t,
                Err(e) => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::IncludeFailed,
                            span,
                            format!("cannot read included file `{shown}`"),
                        )
                        .label(describe_io(&e)),
                    );
                    continue;
                }
            };
            let file = self.sources.add(shown.clone(), text);
            let Some(raw) = parse_file::<RawFragment>(self.sources, file, invalid_utf8_at, self.diags) else {
                continue;
            };
            let raw = raw.value;
            self.stack.push((canon, shown));
            if let Some(nested) = &raw.include {
                self.follow(&path, file, nested);
            }
            self.stack.pop();
            self.out.push(Fragment { file, raw });
        }
    }
}

/// An I/O error in words, without the OS's error number.
fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

/// Most nested includes (a menu including a file including a file …). serde-saphyr's own
/// `!include` support stops at 24; ivrsim allows more but keeps a limit so that a long chain
/// is a finding, not a stack overflow.
pub const MAX_INCLUDE_DEPTH: usize = 256;

/// A file's text, and where its first invalid UTF-8 byte was (the text then has U+FFFD there).
pub(crate) struct Text {
    pub(crate) text: String,
    pub(crate) invalid_utf8_at: Option<usize>,
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`]. Folders, pipes, devices (`/dev/zero`)
/// and sockets are refused before anything is read, so nothing blocks or reads forever.
pub(crate) fn read_text(path: &Path) -> std::io::Result<Text> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(std::io::Error::other("it is a folder, not a file"));
    }
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a pipe, device or socket)",
        ));
    }
    crate::atomic::note_read_meta(path, &meta);
    let too_big = || std::io::Error::other(format!("it is larger than the {MAX_FILE_BYTES} byte limit"));
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    // A UTF-8 byte order mark (editors on Windows write one) is not text: columns count from
    // after it, and snippets do not show it.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // Invalid UTF-8 is reported as a finding on the file, not as an I/O error.
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Text {
            text,
            invalid_utf8_at: None,
        },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Text {
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                invalid_utf8_at: Some(at),
            }
        }
    })
}

/// Parses `file` as YAML into `T`, keeping serde-saphyr's safety budgets on but scaled to
/// the input: a large hand-written menu must load, an alias bomb must not.
///
/// On failure pushes the findings and returns `None`. A finding an indentation mistake
/// explains is rewritten to say so ([`super::indent`]), from `T`'s JSON Schema (its fields).
pub(crate) fn parse_file<T: DeserializeOwned + schemars::JsonSchema>(
    sources: &Sources,
    file: FileId,
    invalid_utf8_at: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<S<T>> {
    parse_file_with::<T, S<T>>(sources, file, invalid_utf8_at, diags, |text, options| {
        serde_saphyr::from_str_with_options::<S<T>>(text, options)
    })
}

/// [`parse_file`] with the deserialization given: `parse` gets the text and the options and
/// returns what it read (a loader that lowers values as they are read, without the whole
/// file's raw tree, passes a `DeserializeSeed` here). `T` is the file's raw type, whose
/// fields explain findings (indentation, more unknown fields) when `parse` fails.
pub(crate) fn parse_file_with<T: DeserializeOwned + schemars::JsonSchema, R>(
    sources: &Sources,
    file: FileId,
    invalid_utf8_at: Option<usize>,
    diags: &mut Vec<Diagnostic>,
    parse: impl FnOnce(&str, serde_saphyr::Options) -> Result<R, YamlError>,
) -> Option<R> {
    let text = sources.text(file);
    let (trap_diags, trap_lines) = traps::scan(sources, file);
    diags.extend(trap_diags);
    if let Some(pos) = invalid_utf8_at {
        let span = Span {
            file,
            start: pos as u32,
            end: (pos + 3).min(text.len()) as u32,
            pointer: None,
        };
        diags.push(
            Diagnostic::new(Code::YamlSyntax, span, "the file is not UTF-8 text")
                .label("invalid UTF-8 here")
                .help("menu files must be UTF-8 encoded YAML"),
        );
        return None;
    }
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        let help = empty_file_help::<T>();
        diags.push(
            Diagnostic::new(Code::YamlSyntax, sources.whole(file), "the file is empty")
                .label("nothing but blank lines and comments")
                .help(help),
        );
        return None;
    }
    match parse(text, options(text.len())) {
        Ok(v) => Some(v),
        Err(e) => {
            let d = yaml_error(sources, file, &e);
            let line = sources.line_col(d.primary.span).line;
            // A syntax error caused by an unquoted `#` or `*` (on its line, or just after it when
            // the comment swallowed the end of a flow mapping) is already explained by E015.
            let explained = trap_lines.iter().any(|&t| (t..=t + 2).contains(&line));
            if !(d.code == Code::YamlSyntax && explained) {
                // A line indented a little too much or too little is said to be that.
                let fields = super::indent::Fields::of::<T>();
                let unknown = matches!(unaliased(&e), YamlError::SerdeUnknownField { .. });
                let first = d.primary.span;
                diags.push(super::indent::explain(sources, file, &fields, d));
                if unknown {
                    for d in more_unknown_fields::<T>(sources, file, first) {
                        diags.push(super::indent::explain(sources, file, &fields, d));
                    }
                }
            }
            None
        }
    }
}

/// Most times a file is parsed again to find one more unknown field, and most bytes parsed
/// again in all ([`more_unknown_fields`]): a small file reports up to 64 unknown fields, a
/// 20 MB one a few, and a file never costs more than a few more parses of itself.
const RESCANS: usize = 64;
/// See [`RESCANS`].
const RESCAN_BYTES: usize = 64 * 1024 * 1024;

/// The unknown fields after the first (at `first`): serde stops at an unknown field, so the
/// file is parsed again with that entry blanked out (its bytes replaced by spaces, so every
/// offset stays true) until it parses, or fails for another reason (not reported: it may be
/// an effect of the blanking), or the [`RESCANS`] budget is spent.
fn more_unknown_fields<T: DeserializeOwned>(sources: &Sources, file: FileId, first: Span) -> Vec<Diagnostic> {
    let mut text = sources.text(file).as_bytes().to_vec();
    let mut at = first.start as usize;
    let mut out = Vec::new();
    let mut spent = 0;
    for _ in 0..RESCANS {
        spent += text.len();
        if spent > RESCAN_BYTES || !blank_entry(&mut text, at) {
            break;
        }
        let Ok(again) = std::str::from_utf8(&text) else { break };
        let Err(e) = serde_saphyr::from_str_with_options::<S<T>>(again, options(again.len())) else {
            break;
        };
        if !matches!(unaliased(&e), YamlError::SerdeUnknownField { .. }) {
            break;
        }
        let d = yaml_error(sources, file, &e);
        if d.primary.span.start as usize == at {
            break; // Nothing was blanked after all.
        }
        at = d.primary.span.start as usize;
        out.push(d);
    }
    out
}

/// Blanks the mapping entry whose key starts at byte `key`: in a block mapping (the key first
/// on its line) the line and the lines of its value (indented more, or `- ` items at its
/// column); in a flow mapping the entry up to its `,` or `}`, with one comma. `false` when the
/// entry's extent is not clear (then nothing changes).
fn blank_entry(text: &mut [u8], key: usize) -> bool {
    fn blank(t: &mut [u8], from: usize, to: usize) {
        for b in &mut t[from..to] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    if key >= text.len() {
        return false;
    }
    let line_start = text[..key].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let before = &text[line_start..key];
    if before.iter().all(|&b| b == b' ') {
        let col = before.len();
        let line_end = |t: &[u8], from: usize| {
            t[from..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(t.len(), |i| from + i + 1)
        };
        let mut end = line_end(text, key);
        while end < text.len() {
            let next_end = line_end(text, end);
            let line = &text[end..next_end];
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            let rest = &line[indent..];
            let empty = rest.iter().all(u8::is_ascii_whitespace) || rest.starts_with(b"#");
            let item = rest.starts_with(b"- ") || rest.starts_with(b"-\n") || rest == b"-";
            if !(empty || indent > col || (indent == col && item)) {
                break;
            }
            end = next_end;
        }
        blank(text, key, end);
        return true;
    }
    // Flow: the entry ends at a `,` or `}` outside quotes and brackets.
    if !before
        .iter()
        .rev()
        .find(|b| **b != b' ')
        .is_some_and(|b| matches!(b, b'{' | b','))
    {
        return false;
    }
    let (mut i, mut depth, mut quote) = (key, 0usize, None::<u8>);
    while i < text.len() {
        let b = text[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'{' | b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b'}' if depth > 0 => depth -= 1,
                b',' | b'}' if depth == 0 => break,
                b'#' => return false, // A comment inside: not worth the risk.
                _ => {}
            },
        }
        i += 1;
    }
    if i >= text.len() {
        return false;
    }
    if text[i] == b',' {
        blank(text, key, i + 1);
    } else {
        // The last entry: blank the comma before it instead.
        blank(text, key, i);
        if let Some(c) = text[..key].iter().rposition(|b| !b.is_ascii_whitespace())
            && text[c] == b','
        {
            text[c] = b' ';
        }
    }
    true
}

/// The error itself, through aliases.
fn unaliased(e: &YamlError) -> &YamlError {
    let mut inner = e.without_snippet();
    while let YamlError::AliasError { error, .. } = inner {
        inner = error.without_snippet();
    }
    inner
}

/// serde-saphyr options: default budgets, except that the event and node counts grow with
/// the input (one per byte at most, which plain YAML cannot exceed without aliases, and
/// aliases keep their default limits), and duplicate keys pass through to [`super::raw::Entries`].
pub(crate) fn options(len: usize) -> serde_saphyr::Options {
    let defaults = serde_saphyr::Budget::default();
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: defaults.max_events.max(len + 1024),
            max_nodes: defaults.max_nodes.max(len + 1024),
        },
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
    }
}

/// Turns a serde-saphyr error into a finding with the right code.
fn yaml_error(sources: &Sources, file: FileId, e: &YamlError) -> Diagnostic {
    let mut inner = e.without_snippet();
    // An error met through an alias is the error at the alias's target; say that one.
    while let YamlError::AliasError { error, .. } = inner {
        inner = error.without_snippet();
    }
    let span = e
        .location()
        .map(|l| sources.span_of(file, &l))
        .unwrap_or_else(|| sources.whole(file));
    let message = strip_location(&inner.to_string());
    match inner {
        YamlError::SerdeUnknownField { field, expected, .. } => {
            let mut d =
                Diagnostic::new(Code::UnknownField, span, format!("unknown field `{field}`")).label("not a field here");
            if let Some(s) = did_you_mean(field, expected.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            d.note(format!(
                "expected one of {}",
                expected.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
            ))
        }
        YamlError::SerdeMissingField { field, .. } => {
            Diagnostic::new(Code::MissingField, span, format!("missing field `{field}`")).label("in this mapping")
        }
        YamlError::SerdeInvalidType {
            unexpected, expected, ..
        }
        | YamlError::SerdeInvalidValue {
            unexpected, expected, ..
        } => Diagnostic::new(
            Code::WrongType,
            span,
            format!("expected {expected}, found {unexpected}"),
        )
        .label(format!("expected {expected}")),
        YamlError::InvalidScalar { ty, .. } => {
            // A whole number out of the field's range is not "not a whole number".
            let value = sources.text(span.file).get(span.range()).unwrap_or_default().trim();
            match (int_range(ty), value.replace('_', "").parse::<i128>()) {
                (Some((min, max)), Ok(n)) if n < min || n > max => {
                    let (what, bound) = if n > max {
                        ("too large", format!("at most {max}"))
                    } else if min == 0 {
                        ("negative", "0 or more".to_owned())
                    } else {
                        ("too small", format!("at least {min}"))
                    };
                    Diagnostic::new(Code::WrongType, span, format!("`{value}` is {what} for this field"))
                        .label(format!("this field takes a whole number {bound}"))
                }
                _ => Diagnostic::new(Code::WrongType, span, format!("expected {}", type_name(ty)))
                    .label(format!("not {}", type_name(ty))),
            }
        }
        YamlError::InvalidBooleanStrict { .. } => {
            Diagnostic::new(Code::WrongType, span, "expected `true` or `false`").label("not a boolean")
        }
        YamlError::NullIntoString { .. } => Diagnostic::new(Code::MissingField, span, "empty value")
            .label("a value is needed here")
            .help("if you meant the key `#` or `*`, quote it: `\"#\"`"),
        YamlError::SerdeInvalidLength { .. } | YamlError::UnexpectedValueForUnit { .. } => {
            Diagnostic::new(Code::WrongType, span, message).label("here")
        }
        YamlError::Budget { breach, .. } => Diagnostic::new(Code::YamlSyntax, span, "the file exceeds a parser safety limit")
            .label("reading stopped here")
            .note(format!("limit reached: {}", budget_words(breach)))
            .note("the limits guard against YAML alias bombs and runaway nesting; a real menu stays far below them"),
        YamlError::MultipleDocuments { .. } => Diagnostic::new(Code::YamlSyntax, span, "the file holds more than one YAML document")
            .label("a second document starts here")
            .help("a menu is one document: remove the extra `---` line (or split the file and use `include`)"),
        YamlError::DuplicateMappingKey { .. } => {
            Diagnostic::new(Code::DuplicateNode, span, message).label("repeated here")
        }
        YamlError::Unexpected { expected, .. } => {
            let what = match *expected {
                "sequence start" => "a list (`- item` lines, or `[a, b]`)",
                "mapping start" => "a mapping (`field: value` lines, or `{ field: value }`)",
                other => other,
            };
            let mut d = Diagnostic::new(Code::WrongType, span, format!("expected {what}")).label("wrong shape of value");
            if *expected == "sequence start" {
                let text = sources.text(span.file);
                let value = text[span.range()].trim();
                let one_line = !value.is_empty() && !value.contains('\n') && !value.starts_with('{');
                d = d.help(if one_line {
                    format!("a list of one is written `[{value}]`")
                } else {
                    "write the items as a list: `[a, b]`, or one `- item` per line".to_owned()
                });
            }
            d
        }
        YamlError::Message { msg, .. } if msg.starts_with("duplicate field") => {
            let field = msg.split('`').nth(1).unwrap_or_default();
            let span = repeated_key(sources, span, field).unwrap_or(span);
            Diagnostic::new(Code::YamlSyntax, span, format!("field `{field}` is given twice"))
                .label("repeated here")
                .help("a mapping may give each field once; remove one of them")
        }
        _ if message.contains("mapping values are not allowed") => Diagnostic::new(Code::YamlSyntax, span, message)
            .label("here")
            .help("a text with `: ` in it, or starting with `*`, `&`, `!`, `%`, `@`, `{` or `[`, must be quoted: `text: \"...\"`"),
        _ => Diagnostic::new(Code::YamlSyntax, span, message).label("here"),
    }
}

/// What an empty file of `T` should hold: the fields its JSON Schema requires, and the doc.
fn empty_file_help<T: schemars::JsonSchema>() -> String {
    let name = std::any::type_name::<T>();
    let (what, doc) = if name.ends_with("RawFragment") {
        return "an included file holds `nodes` (and optionally `schedules` and `include`); see docs/menu-format.md"
            .into();
    } else if name.ends_with("RawTraining") {
        ("a training call", "docs/training-format.md")
    } else if name.contains("scenario") {
        ("a scenario file", "docs/scenario-format.md")
    } else {
        // `nodes` may come from included files, so the schema does not require it.
        return "a menu needs at least `name`, `entry` and `nodes`; see docs/menu-format.md".into();
    };
    let root = schemars::SchemaGenerator::default().into_root_schema_for::<T>();
    let required: Vec<String> = root
        .get("required")
        .and_then(|r| r.as_array())
        .map(|r| r.iter().filter_map(|v| v.as_str()).map(|f| format!("`{f}`")).collect())
        .unwrap_or_default();
    let fields = match required.split_last() {
        None => return format!("see {doc} for what {what} holds"),
        Some((one, [])) => one.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    };
    format!("{what} needs at least {fields}; see {doc}")
}

/// The second `field:` at or after `from` (serde reports a repeated field at the start of
/// its mapping; the finding should point at the repeat).
fn repeated_key(sources: &Sources, from: Span, field: &str) -> Option<Span> {
    if field.is_empty() {
        return None;
    }
    let text = sources.text(from.file);
    let start = from.start as usize;
    let mut found = 0;
    let mut at = start;
    while let Some(i) = text.get(at..)?.find(field) {
        let pos = at + i;
        let before_ok = pos == 0 || text[..pos].ends_with(|c: char| c.is_whitespace() || c == '{' || c == ',');
        let after = text[pos + field.len()..].trim_start_matches([' ', '\t']);
        if before_ok && after.starts_with(':') {
            found += 1;
            if found == 2 {
                return Some(Span {
                    file: from.file,
                    start: pos as u32,
                    end: (pos + field.len()) as u32,
                    pointer: None,
                });
            }
        }
        at = pos + field.len();
    }
    None
}

/// A budget breach in words (serde-saphyr's `BudgetBreach` debug names are for programmers).
fn budget_words(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    let name = format!("{breach:?}");
    let kind = name.split([' ', '{', '(']).next().unwrap_or_default();
    let words = match kind {
        "Depth" => "nesting is too deep (more than 64 levels)",
        "ScalarBytes" => "too much text in total, counting what aliases repeat",
        "Aliases" | "Anchors" | "AliasAnchorRatio" | "RecordedAnchorEvents" | "RecordedAnchorBytes" => {
            "aliases repeat too much of the file (an alias bomb?)"
        }
        "Events" | "Nodes" => "too many YAML values",
        "Documents" => "too many YAML documents",
        _ => return kind.to_owned(),
    };
    format!("{words} ({kind})")
}

/// The range of an integer type named as serde-saphyr names it.
fn int_range(ty: &str) -> Option<(i128, i128)> {
    Some(match ty {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" => (0, u64::MAX.into()),
        "usize" => (0, usize::MAX as i128),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

fn type_name(ty: &str) -> String {
    match ty {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number".into(),
        "i8" | "i16" | "i32" | "i64" => "a whole number".into(),
        "bool" => "`true` or `false`".into(),
        other => format!("a value of type {other}"),
    }
}

/// serde-saphyr appends " at line L, column C" to messages; the span says that already.
fn strip_location(msg: &str) -> String {
    static AT: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\s+at line \d+, column \d+\s*$").expect("static regex"));
    let mut msg = AT.replace(msg.trim(), "").into_owned();
    if let Some(first) = msg.get(..1) {
        let lower = first.to_lowercase();
        msg.replace_range(..1, &lower);
    }
    msg
}

/// Suggests a known name for an unknown one: `did you mean `x`?`.
pub(crate) fn suggest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, known).map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::blank_entry;

    fn blanked(text: &str, key: &str) -> Option<String> {
        let mut t = text.as_bytes().to_vec();
        let at = text.find(key).expect("key");
        blank_entry(&mut t, at).then(|| String::from_utf8(t).expect("utf-8"))
    }

    #[test]
    fn block_entries_take_their_value_lines() {
        let text = "a:\n  bad:\n    - x\n    - y\n  ok: 1\n";
        assert_eq!(blanked(text, "bad").unwrap(), "a:\n      \n       \n       \n  ok: 1\n");
        let text = "a:\n  bad:\n  - x\n  ok: 1\n";
        assert_eq!(blanked(text, "bad").unwrap(), "a:\n      \n     \n  ok: 1\n");
    }

    #[test]
    fn flow_entries_take_one_comma() {
        assert_eq!(
            blanked("{ a: 1, bad: \"x, }\", c: 2 }", "bad").unwrap(),
            format!("{{ a: 1,{}c: 2 }}", " ".repeat(14))
        );
        assert_eq!(
            blanked("{ a: 1, bad: [1, 2] }", "bad").unwrap(),
            format!("{{ a: 1{}}}", " ".repeat(14))
        );
        assert_eq!(blanked("{ a: 1, bad: x # c\n}", "bad"), None);
        assert_eq!(blanked("- bad: 1\n", "bad"), None);
    }
}
