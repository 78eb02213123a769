//! Findings ([`Diagnostic`]) and how they are shown: rustc-style text through
//! [`codespan_reporting`], or JSON for machines.
//!
//! Every finding has a stable [`Code`]; `docs/checks.md` documents each one and the
//! test suite has a fixture per code under `tests/fixtures/check/`.

use std::io;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;
use serde::Serialize;

use crate::source::{LineCol, Sources, Span, printable};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; does not fail `check` unless `--deny-warnings`.
    Warning,
    /// The menu cannot be used as written; `check` exits 1.
    Error,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $slug:literal, $sev:ident, $summary:literal;)*) => {
        /// Stable identifier of a kind of finding. `E…` are errors, `W…` warnings.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(#[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in output and in `lint.allow`, e.g. `E006`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A short kebab-case name, e.g. `unknown-target`.
            pub fn slug(self) -> &'static str {
                match self { $(Code::$variant => $slug,)* }
            }

            /// Whether the code is an error or a warning.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// Parses a code (`E006`, any case) or its name (`unknown-target`).
            pub fn parse(s: &str) -> Option<Code> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s) || c.slug() == s)
            }
        }
    };
}

codes! {
    YamlSyntax = "E001", "yaml-syntax", Error, "The file is not valid YAML, is empty, or exceeds a parser safety limit.";
    UnknownField = "E002", "unknown-field", Error, "A field that the format does not have (often a typo).";
    WrongType = "E003", "wrong-type", Error, "A value of the wrong type, e.g. text where a number is expected.";
    MissingField = "E004", "missing-field", Error, "A required field is missing or empty.";
    DuplicateNode = "E005", "duplicate-node", Error, "Two nodes have the same id.";
    UnknownTarget = "E006", "unknown-target", Error, "`entry`, `to`, `next`, `fallback`, `default`, `operator` or `main_menu` names a node that does not exist.";
    InvalidKey = "E007", "invalid-key", Error, "A DTMF key with characters other than 0-9, * and #.";
    DuplicateKey = "E008", "duplicate-key", Error, "The same key (or spoken keyword) twice in one menu.";
    IncompleteNode = "E009", "incomplete-node", Error, "A node lacks what its kind needs, e.g. a menu with no options.";
    FieldNotForKind = "E010", "field-not-for-kind", Error, "A field that this node kind does not use.";
    MissingClip = "E011", "missing-clip", Error, "A prompt's audio clip does not exist.";
    BadClip = "E012", "bad-clip", Error, "A prompt's audio clip is not a readable WAV file, or not at an audio sample rate.";
    ClipEscapes = "E013", "clip-escapes", Error, "A clip path leaves `audio_dir` (absolute, or `..` above it).";
    NoOperator = "E014", "no-operator", Error, "A node from which no sequence of caller actions reaches an operator.";
    UnquotedKey = "E015", "unquoted-key", Error, "An unquoted `#` or `*` where a key is written: YAML reads a comment or an alias.";
    InvalidValue = "E016", "invalid-value", Error, "A value outside what the field accepts (durations, names, ranges, regexes).";
    IncludeFailed = "E017", "include-failed", Error, "An included file cannot be read, or includes form a cycle.";
    CallbackNotCollect = "E018", "callback-not-collect", Error, "A `when_no_operator` callback that does not lead to a `collect` node (which takes the number).";
    ImportUnreadable = "E022", "import-unreadable", Error, "A file of another IVR platform (Connect or Studio JSON, FreeSWITCH or VoiceXML XML, an Asterisk dialplan) that cannot be read as that format: bad syntax, a DTD or entity, a size or nesting limit, or a part the importer cannot read.";
    EmptyPattern = "E021", "empty-pattern", Error, "A pattern option (`pattern:`) that no entry of 0-9, * and # matches, so it can never be taken.";
    Unreachable = "W001", "unreachable", Warning, "A node no caller can reach from `entry`.";
    InescapableLoop = "W002", "inescapable-loop", Warning, "A loop that a caller, once in it, can never leave.";
    NoInputHandling = "W003", "no-input-handling", Warning, "A menu or collect with no no-input re-prompt (its own or from `defaults`).";
    NoMatchHandling = "W004", "no-match-handling", Warning, "A menu or collect with no no-match re-prompt (its own or from `defaults`).";
    NoZeroOut = "W005", "no-zero-out", Warning, "A menu from which no single key leads to an operator.";
    ShadowedGlobalKey = "W006", "shadowed-global-key", Warning, "A menu option uses the key of a global key, which it hides in that menu.";
    TooManyOptions = "W007", "too-many-options", Warning, "A menu with more options than `lint.max_options`.";
    OperatorTooDeep = "W008", "operator-too-deep", Warning, "The fewest keypresses from a node to an operator exceed `lint.max_operator_keys`.";
    PromptTooLong = "W009", "prompt-too-long", Warning, "A menu prompt clip longer than `lint.max_prompt`.";
    NotTelephony = "W010", "not-telephony", Warning, "A clip that is not mono 16-bit PCM at 8 or 16 kHz.";
    NoFallback = "W011", "no-fallback", Warning, "A node whose retry limit ends the call because no `fallback` is set.";
    PrefixKeys = "W012", "prefix-keys", Warning, "A key that acts at a node (an option or a global key) is the start of another there, so the shorter waits for the inter-digit timeout.";
    StaleClip = "W013", "stale-clip", Warning, "A clip rendered from another text than its prompt has now (by the render script's manifest).";
    NoOperatorPlan = "W014", "no-operator-plan", Warning, "A transfer that does not say what happens when no call-taker can take the call (`when_no_operator`).";
    KeywordNotAlone = "W015", "keyword-not-alone", Warning, "A spoken keyword that also says another option's keyword, so saying it matches two options and never chooses its own.";
    EndlessLoop = "W016", "endless-loop", Warning, "A caller who stays silent (or keeps pressing wrong keys) goes round without end, never reaching a person or an ending: a fallback back to its own node, unlimited retries, or fallbacks and `next`s that lead back, under the node's counting policy.";
    ShadowedPattern = "W018", "shadowed-pattern", Warning, "A pattern option every entry of which another option, a global key or an earlier pattern takes, so it is never taken.";
    AnnouncedKey = "W019", "announced-key", Warning, "A prompt announces a key (`press 4 for X`) that does not act at its node, or that leads somewhere other than X.";
    UnannouncedOption = "W020", "unannounced-option", Warning, "A menu option whose key no prompt or re-prompt of its node ever announces.";
    NoOperatorSometimes = "W023", "no-operator-sometimes", Warning, "During some period of the week (or on a dated exception of a schedule), no way from a node leads to a person: the routes on opening hours that cannot be taken then are left out.";
    UnknownQueue = "W025", "unknown-queue", Warning, "A transfer names a queue that is not under `queues:` (the menu describes its queues, and this one gets the built-in settings).";
    PlanNeverUsed = "W026", "plan-never-used", Warning, "A queue's plan for a reason that cannot happen for it: `when_full` without `max_waiting`, `when_closed` without `hours`, `when_waited_too_long` without `max_wait`.";
    ImportApproximated = "W027", "import-approximated", Warning, "A construct of an imported platform file that ivrsim runs differently from the platform, or cannot run: the finding says what was done instead and what a caller would notice.";
    UnsetVariable = "W021", "unset-variable", Warning, "A prompt's `{name}`, a `set` or a route reads a variable that nothing in the menu sets (nor `variables:` lists).";
    RecordingLimits = "W022", "recording-limits", Warning, "A `record` node whose `final_silence` or `timeout` is not shorter than its `max_length`, so silence never ends the recording before its maximum length.";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place a finding points at.
#[derive(Clone, Debug)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

/// One finding about a menu (or scenario) file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// What kind of finding.
    pub code: Code,
    /// Main message, lowercase, names in backticks (rustc style).
    pub message: String,
    /// The place the finding is about, with a short label.
    pub primary: Label,
    /// Other places that explain it.
    pub secondary: Vec<Label>,
    /// Extra explanation lines (`= note: …`).
    pub notes: Vec<String>,
    /// Suggested fixes (`= help: …`).
    pub help: Vec<String>,
}

impl Diagnostic {
    /// A finding of `code` at `span`.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: Vec::new(),
        }
    }

    /// Sets the label under the primary caret.
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    /// Adds a secondary place.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a `note:` line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds a `help:` line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// The finding's severity (that of its code).
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    fn to_codespan(&self) -> cs::Diagnostic<crate::source::FileId> {
        let sev = match self.severity() {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let p = |s: &str| printable(s).into_owned();
        let mut labels = vec![
            cs::Label::primary(self.primary.span.file, self.primary.span.range())
                .with_message(p(&self.primary.message)),
        ];
        labels.extend(
            self.secondary
                .iter()
                .map(|l| cs::Label::secondary(l.span.file, l.span.range()).with_message(p(&l.message))),
        );
        let mut notes: Vec<String> = self.notes.iter().map(|n| format!("note: {}", p(n))).collect();
        notes.extend(self.help.iter().map(|h| format!("help: {}", p(h))));
        cs::Diagnostic::new(sev)
            .with_code(self.code.as_str())
            .with_message(p(&self.message))
            .with_labels(labels)
            .with_notes(notes)
    }
}

/// Whether to colour text output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Longest source line (in bytes) shown in a snippet; findings on longer lines are shown
/// as `file:line:column: message` with their notes, without the line.
pub const MAX_SNIPPET_LINE: usize = 1000;

/// Renders findings as rustc-style text into `out`.
///
/// # Errors
/// Fails only if writing to `out` fails.
pub fn render_text(
    out: &mut dyn termcolor::WriteColor,
    sources: &Sources,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    let config = term::Config {
        chars: term::Chars::ascii(),
        ..term::Config::default()
    };
    for d in diagnostics {
        let long = std::iter::once(&d.primary)
            .chain(&d.secondary)
            .any(|l| l.span.pointer.is_some() || sources.line_len(l.span) > MAX_SNIPPET_LINE);
        if long {
            render_without_snippet(out, sources, d)?;
            continue;
        }
        term::emit_to_write_style(out, &config, sources, &d.to_codespan()).map_err(|e| match e {
            codespan_reporting::files::Error::Io(io) => io,
            other => io::Error::other(other.to_string()),
        })?;
    }
    Ok(())
}

/// A finding on a line too long to show: the same header, place, notes and help as the
/// rustc style, without the source line (a 10 MB one-line file would otherwise be printed
/// once per finding). Also a finding with a place given as a JSON pointer
/// ([`Sources::pointer`]), which has no line to show: its place reads `file.json: /Actions/3`.
fn render_without_snippet(out: &mut dyn termcolor::WriteColor, sources: &Sources, d: &Diagnostic) -> io::Result<()> {
    use termcolor::{Color, ColorSpec};
    let (word, color) = match d.severity() {
        Severity::Error => ("error", Color::Red),
        Severity::Warning => ("warning", Color::Yellow),
    };
    out.set_color(ColorSpec::new().set_fg(Some(color)).set_bold(true))?;
    write!(out, "{word}[{}]", d.code)?;
    out.set_color(ColorSpec::new().set_bold(true))?;
    writeln!(out, ": {}", printable(&d.message))?;
    out.reset()?;
    let at = |span: Span| match sources.pointer_of(span) {
        Some(pointer) => format!("{}: {}", printable(sources.name(span.file)), printable(pointer)),
        None => {
            let lc = sources.line_col(span);
            format!("{}:{}:{}", printable(sources.name(span.file)), lc.line, lc.column)
        }
    };
    writeln!(out, "  --> {}", at(d.primary.span))?;
    // Shown here for a JSON pointer somewhere, not for its line's length: the label alone.
    let pointer = std::iter::once(&d.primary)
        .chain(&d.secondary)
        .any(|l| l.span.pointer.is_some());
    let short = d.primary.span.pointer.is_some() || sources.line_len(d.primary.span) <= MAX_SNIPPET_LINE;
    if pointer && short {
        if !d.primary.message.is_empty() {
            writeln!(out, "   = note: {}", printable(&d.primary.message))?;
        }
    } else {
        writeln!(
            out,
            "   = note: {} (the line is {} bytes long, too long to show)",
            printable(&d.primary.message),
            sources.line_len(d.primary.span)
        )?;
    }
    for l in &d.secondary {
        writeln!(out, "   = note: {}: {}", at(l.span), printable(&l.message))?;
    }
    for n in &d.notes {
        writeln!(out, "   = note: {}", printable(n))?;
    }
    for h in &d.help {
        writeln!(out, "   = help: {}", printable(h))?;
    }
    writeln!(out)
}

/// Renders findings as a plain string without colour (for tests and logs).
pub fn render_plain(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut buf = termcolor::NoColor::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = render_text(&mut buf, sources, diagnostics);
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}

/// A finding as JSON: `{code, name, severity, message, file, line, column, labels, notes, help}`.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// `E006`.
    pub code: &'static str,
    /// `unknown-target`.
    pub name: &'static str,
    /// `error` or `warning`.
    pub severity: Severity,
    /// Main message.
    pub message: &'a str,
    /// Display path of the file.
    pub file: &'a str,
    /// 1-based line of the primary place; absent when the place is a JSON pointer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column (characters) of the primary place; absent when the place is a JSON
    /// pointer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The primary place as a JSON pointer into the file (`/Actions/3`), when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<&'a str>,
    /// The label under the primary place.
    pub label: &'a str,
    /// Secondary places.
    pub related: Vec<JsonLabel<'a>>,
    /// Notes.
    pub notes: &'a [String],
    /// Suggested fixes.
    pub help: &'a [String],
}

/// A secondary place in JSON output.
#[derive(Debug, Serialize)]
pub struct JsonLabel<'a> {
    /// Display path of the file.
    pub file: &'a str,
    /// 1-based line; absent when the place is a JSON pointer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column; absent when the place is a JSON pointer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The place as a JSON pointer into the file, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<&'a str>,
    /// What is said there.
    pub message: &'a str,
}

/// The JSON form of a finding.
pub fn to_json<'a>(sources: &'a Sources, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    // Line and column of a byte range; none for a JSON pointer.
    let place = |span: Span| match sources.pointer_of(span) {
        Some(p) => (None, None, Some(p)),
        None => {
            let LineCol { line, column } = sources.line_col(span);
            (Some(line), Some(column), None)
        }
    };
    let (line, column, pointer) = place(d.primary.span);
    JsonDiagnostic {
        code: d.code.as_str(),
        name: d.code.slug(),
        severity: d.severity(),
        message: &d.message,
        file: sources.name(d.primary.span.file),
        line,
        column,
        pointer,
        label: &d.primary.message,
        related: d
            .secondary
            .iter()
            .map(|l| {
                let (line, column, pointer) = place(l.span);
                JsonLabel {
                    file: sources.name(l.span.file),
                    line,
                    column,
                    pointer,
                    message: &l.message,
                }
            })
            .collect(),
        notes: &d.notes,
        help: &d.help,
    }
}

/// "did you mean `x`?" by edit distance: the closest candidate within a third of the
/// word's length (at least 1, at most 3 edits), as cargo and just do. The words are compared
/// without case, `_` and `-` first, so that `maxNoInput`, `Max-No-Input` and `maxnoinput` find
/// `max_no_input` however many such edits they are; then as written, and without case.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    fn fold(s: &str) -> String {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect()
    }
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let folded = fold(word);
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(c) = candidates.iter().find(|c| !folded.is_empty() && fold(c) == folded) {
        return Some(c);
    }
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let d = strsim::damerau_levenshtein(word, c).min(strsim::damerau_levenshtein(&lower, c));
            (d, c)
        })
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse() {
        for (i, a) in Code::ALL.iter().enumerate() {
            assert_eq!(Code::parse(a.as_str()), Some(*a));
            for b in &Code::ALL[i + 1..] {
                assert_ne!(a.as_str(), b.as_str());
                assert_ne!(a.slug(), b.slug());
            }
            let expected = if a.as_str().starts_with('E') {
                Severity::Error
            } else {
                Severity::Warning
            };
            assert_eq!(a.severity(), expected);
        }
    }

    /// A place given as a JSON pointer is shown as `file: pointer`, without a snippet; a
    /// finding in a text file that also points at one shows its own place by line.
    #[test]
    fn json_pointer_places() {
        let mut sources = Sources::new();
        let yaml = sources.add("a.yaml", "name: A\nentry: x\n");
        let json = sources.add("flow.json", "{}");
        let first = sources.pointer(json, "/Actions/0");
        let at = Span {
            file: yaml,
            start: 15,
            end: 16,
            pointer: None,
        };
        let d = Diagnostic::new(Code::DuplicateNode, at, "node id `x` is used twice")
            .label("second")
            .with_secondary(first, "first");
        assert_eq!(
            render_plain(&sources, &[d]),
            "error[E005]: node id `x` is used twice\n  --> a.yaml:2:8\n   = note: second\n   = note: flow.json: /Actions/0: first\n\n"
        );
        assert_eq!(sources.pointer(json, "/Actions/0"), first, "one pointer, one place");
        assert_eq!(sources.pointer_of(first), Some("/Actions/0"));
        assert_eq!(sources.pointer_of(at), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("optoins", ["options", "prompt"]), Some("options"));
        assert_eq!(did_you_mean("zzz", ["options", "prompt"]), None);
        for word in [
            "maxNoInput",
            "Max-No-Input",
            "maxnoinput",
            "MAX_NO_INPUT",
            "max_no_inptu",
        ] {
            assert_eq!(
                did_you_mean(word, ["max_no_match", "max_no_input"]),
                Some("max_no_input"),
                "{word}"
            );
        }
        assert_eq!(did_you_mean("NXET", ["next", "prompt"]), Some("next"));
        assert_eq!(did_you_mean("", ["next"]), None);
    }
}
