//! Lowering: from the file as written ([`super::raw`]) to the menu model, reporting every
//! missing, misplaced or out-of-range value on the way.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;
use serde_saphyr::Location;

use super::load::{Fragment, suggest};
use super::raw::{RawDefaults, RawMenu, RawNode, RawPrompt, RawPromptText, S};
use super::schedule::{OpenPeriod, Schedule, parse_days, parse_time};
use super::*;
use crate::diag::{Code, Diagnostic, Severity};
use crate::source::{FileId, Sources, Span};

/// Built-in default of `defaults.timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Built-in default of `defaults.inter_digit_timeout`.
pub const DEFAULT_INTER_DIGIT_TIMEOUT: Duration = Duration::from_secs(3);
/// Built-in default of `defaults.max_no_input` and `defaults.max_no_match`.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Largest `digits.max` of a collect (a phone number with country code is 15 digits, E.164).
pub const MAX_COLLECT_DIGITS: u32 = 64;

const KINDS: [&str; 6] = ["menu", "message", "collect", "route", "transfer", "hangup"];
const LISTEN_FIELDS: [&str; 9] = [
    "no_input",
    "no_match",
    "timeout",
    "inter_digit_timeout",
    "max_no_input",
    "max_no_match",
    "fallback",
    "barge_in",
    "type_ahead",
];

/// Fields each kind uses besides `kind` and `description`.
fn allowed(kind: &str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = match kind {
        "menu" => vec!["prompt", "options"],
        "message" => vec!["prompt", "next", "barge_in"],
        "collect" => vec!["prompt", "digits", "pattern", "store", "next"],
        "route" => vec!["routes", "default"],
        "transfer" => vec!["queue", "priority", "prompt", "context"],
        "hangup" => vec!["prompt", "reason"],
        _ => vec![],
    };
    match kind {
        "menu" => v.extend(LISTEN_FIELDS),
        "collect" => v.extend(LISTEN_FIELDS.iter().filter(|f| **f != "type_ahead")),
        _ => {}
    }
    v
}

struct Cx<'a> {
    sources: &'a Sources,
    diags: &'a mut Vec<Diagnostic>,
    ids: HashMap<String, NodeId>,
    unreadable: HashSet<String>,
    languages: Vec<String>,
    schedules: IndexMap<String, Schedule>,
    audio_dir: PathBuf,
}

/// Defaults of the listening settings, after `defaults:` is applied.
struct ListenDefaults {
    timeout: Duration,
    inter_digit_timeout: Duration,
    max_no_input: u32,
    max_no_match: u32,
    fallback: Option<NodeRef>,
    no_input: Vec<Prompt>,
    no_match: Vec<Prompt>,
    barge_in: bool,
    type_ahead: bool,
}

pub(super) fn lower(
    path: &Path,
    file: FileId,
    raw: S<RawMenu>,
    fragments: Vec<Fragment>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Menu {
    let top = sources.span_of(file, &raw.referenced);
    let top = Span { end: top.start, ..top };
    let raw = raw.value;
    let menu_dir = path.parent().unwrap_or(Path::new("")).to_owned();
    let audio_dir = normalize(&match &raw.audio_dir {
        Some(d) => menu_dir.join(&d.value),
        None => menu_dir.clone(),
    });
    let mut cx = Cx {
        sources,
        diags,
        ids: HashMap::new(),
        unreadable: HashSet::new(),
        languages: Vec::new(),
        schedules: IndexMap::new(),
        audio_dir: audio_dir.clone(),
    };

    let name = match &raw.name {
        Some(n) if !n.value.trim().is_empty() => n.value.clone(),
        Some(n) => {
            let span = cx.span(file, &n.referenced);
            cx.push(Diagnostic::new(Code::MissingField, span, "`name` is empty").label("give the hotline a name"));
            String::new()
        }
        None => {
            cx.push(Diagnostic::new(Code::MissingField, top, "missing field `name`").label("the menu needs a `name`"));
            String::new()
        }
    };

    cx.languages = cx.lower_languages(file, &raw);

    // Schedules, from the menu and its includes.
    let mut schedule_spans: HashMap<String, Span> = HashMap::new();
    let schedule_sets = std::iter::once((file, raw.schedules.as_ref()))
        .chain(fragments.iter().map(|f| (f.file, f.raw.schedules.as_ref())));
    for (f, set) in schedule_sets {
        for (sname, periods) in set.iter().flat_map(|s| s.0.iter()) {
            let span = cx.span(f, &sname.referenced);
            if let Some(first) = schedule_spans.get(&sname.value) {
                let d = Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("schedule `{}` is defined twice", sname.value),
                )
                .label("defined again here")
                .with_secondary(*first, "first defined here");
                cx.push(d);
                continue;
            }
            schedule_spans.insert(sname.value.clone(), span);
            let sched = cx.lower_schedule(f, periods);
            cx.schedules.insert(sname.value.clone(), sched);
        }
    }

    // Pass 1: give every readable node an index, so references can be resolved.
    let mut entries: Vec<(FileId, &S<String>, &S<RawNode>)> = Vec::new();
    let node_sets =
        std::iter::once((file, raw.nodes.as_ref())).chain(fragments.iter().map(|f| (f.file, f.raw.nodes.as_ref())));
    for (f, set) in node_sets {
        for (id, node) in set.iter().flat_map(|s| s.value.0.iter()) {
            entries.push((f, id, node));
        }
    }
    if raw.nodes.as_ref().is_none_or(|n| n.value.0.is_empty()) && entries.is_empty() {
        let span = raw.nodes.as_ref().map_or(top, |n| cx.span(file, &n.referenced));
        cx.push(
            Diagnostic::new(Code::MissingField, span, "the menu has no `nodes`").label("at least one node is needed"),
        );
    }
    let mut first_span: HashMap<&str, Span> = HashMap::new();
    let mut accepted: Vec<(FileId, &S<String>, &S<RawNode>, &'static str)> = Vec::new();
    for &(f, id, node) in &entries {
        let span = cx.span(f, &id.referenced);
        if let Some(first) = first_span.get(id.value.as_str()) {
            let d = Diagnostic::new(
                Code::DuplicateNode,
                span,
                format!("node id `{}` is used twice", id.value),
            )
            .label("second node with this id")
            .with_secondary(*first, "first defined here")
            .help("rename one of the nodes; ids must be unique across the menu and its includes");
            cx.push(d);
            continue;
        }
        first_span.insert(&id.value, span);
        if id.value.trim().is_empty() {
            cx.push(Diagnostic::new(Code::InvalidValue, span, "empty node id").label("give the node an id"));
            continue;
        }
        match cx.kind_of(f, id, node) {
            Some(kind) => {
                cx.ids.insert(id.value.clone(), NodeId(accepted.len() as u32));
                accepted.push((f, id, node, kind));
            }
            None => {
                cx.unreadable.insert(id.value.clone());
            }
        }
    }

    // Defaults.
    let empty = RawDefaults::default();
    let (raw_defaults, dfile) = match &raw.defaults {
        Some(d) => (&d.value, file),
        None => (&empty, file),
    };
    let ld = cx.lower_listen_defaults(dfile, raw_defaults);
    let keys = cx.lower_keys(dfile, raw_defaults);
    let operator = match &raw_defaults.operator {
        Some(o) => Some(cx.resolve(dfile, o)),
        None => ld.fallback.clone(),
    };
    let main_menu = raw_defaults.main_menu.as_ref().map(|m| cx.resolve(dfile, m));
    let goodbye = raw_defaults.goodbye.as_ref().map(|g| cx.prompt(dfile, g));
    let defaults = Defaults {
        keys,
        operator,
        main_menu,
        goodbye,
        fallback: ld.fallback.clone(),
    };

    let entry = match &raw.entry {
        Some(e) => cx.resolve(file, e),
        None => {
            cx.push(
                Diagnostic::new(Code::MissingField, top, "missing field `entry`")
                    .label("the menu needs an `entry` node"),
            );
            NodeRef {
                name: String::new(),
                span: top,
                target: Target::Missing,
            }
        }
    };

    // Pass 2: lower every node.
    let mut nodes = Vec::with_capacity(accepted.len());
    for (f, id, node, kind) in accepted {
        let span = cx.span(f, &id.referenced);
        let lowered = cx.lower_node(f, span, &id.value, &node.value, kind, &ld);
        nodes.push(Node {
            id: id.value.clone(),
            span,
            description: node.value.description.as_ref().map(|d| d.value.clone()),
            kind: lowered,
        });
    }

    let lint = cx.lower_lint(file, raw.lint.as_ref());
    let Cx {
        ids,
        languages,
        schedules,
        ..
    } = cx;
    Menu {
        name,
        path: path.to_owned(),
        entry,
        audio_dir,
        languages,
        defaults,
        schedules,
        lint,
        nodes,
        ids,
    }
}

/// Removes `.` and `name/..` pairs without touching the file system, so paths in
/// messages read `audio/hotline/x.wav` rather than `menus/../audio/hotline/x.wav`.
pub(super) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A folder for messages: `.` rather than an empty path.
pub(crate) fn display_dir(p: &Path) -> String {
    if p.as_os_str().is_empty() {
        ".".into()
    } else {
        p.display().to_string()
    }
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!(
            "`{t}` has no unit: write `{t}s` for seconds or `{t}ms` for milliseconds"
        ));
    }
    humantime::parse_duration(t).map_err(|e| format!("`{t}` is not a duration ({e}); write e.g. `5s` or `1500ms`"))
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Cx<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn span(&self, file: FileId, loc: &Location) -> Span {
        self.sources.span_of(file, loc)
    }

    /// The span of `field:` written before the value at `value`, for findings about the
    /// field itself; the value's span when the key cannot be found.
    fn key_span(&self, file: FileId, value: Span, field: &str) -> Span {
        let text = self.sources.text(file);
        let start = (value.start as usize).min(text.len());
        let window_start = start.saturating_sub(4096);
        let mut window_start = window_start;
        while !text.is_char_boundary(window_start) {
            window_start += 1;
        }
        let before = &text[window_start..start];
        let mut search_end = before.len();
        while let Some(i) = before[..search_end].rfind(field) {
            let after = before[i + field.len()..].trim_start_matches([' ', '\t']);
            let ok_before = i == 0 || !before[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            if after.starts_with(':') && ok_before {
                let s = (window_start + i) as u32;
                return Span {
                    file,
                    start: s,
                    end: s + field.len() as u32,
                };
            }
            search_end = i;
        }
        value
    }

    fn resolve(&mut self, file: FileId, s: &S<String>) -> NodeRef {
        let span = self.span(file, &s.referenced);
        let target = if let Some(&id) = self.ids.get(&s.value) {
            Target::Node(id)
        } else if self.unreadable.contains(&s.value) {
            Target::Unreadable
        } else {
            let mut d =
                Diagnostic::new(Code::UnknownTarget, span, format!("no node `{}`", s.value)).label("unknown node id");
            let known: Vec<&str> = self.ids.keys().map(String::as_str).collect();
            if let Some(h) = suggest(&s.value, known) {
                d = d.help(h);
            }
            self.push(d);
            Target::Missing
        };
        NodeRef {
            name: s.value.clone(),
            span,
            target,
        }
    }

    fn lower_languages(&mut self, file: FileId, raw: &RawMenu) -> Vec<String> {
        let Some(langs) = &raw.languages else {
            return vec!["en".into()];
        };
        let mut out: Vec<String> = Vec::new();
        for l in &langs.value {
            let span = self.span(file, &l.referenced);
            if !is_language_tag(&l.value) {
                self.push(
                    Diagnostic::new(Code::InvalidValue, span, format!("`{}` is not a language tag", l.value))
                        .label("expected a tag such as `en`, `es` or `pt-BR` (BCP 47)"),
                );
            } else if out.contains(&l.value) {
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!("language `{}` is listed twice", l.value),
                    )
                    .label("repeated"),
                );
            } else {
                out.push(l.value.clone());
            }
        }
        if out.is_empty() {
            let span = self.span(file, &langs.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, span, "`languages` is empty")
                    .label("list at least one language, e.g. `[en]`"),
            );
            out.push("en".into());
        }
        out
    }

    fn lower_schedule(&mut self, file: FileId, periods: &S<Vec<S<super::raw::RawPeriod>>>) -> Schedule {
        let mut out = Schedule::default();
        for p in &periods.value {
            let pspan = self.span(file, &p.referenced);
            let days = match &p.value.days {
                Some(d) => match parse_days(&d.value) {
                    Ok(days) => Some(days),
                    Err(e) => {
                        let span = self.span(file, &d.referenced);
                        self.push(Diagnostic::new(Code::InvalidValue, span, "invalid `days`").label(e));
                        None
                    }
                },
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, pspan, "missing field `days`")
                            .label("e.g. `days: mon-fri`"),
                    );
                    None
                }
            };
            let mut time = |field: &str, v: &Option<S<String>>| match v {
                Some(t) => match parse_time(&t.value) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        let span = self.span(file, &t.referenced);
                        self.push(Diagnostic::new(Code::InvalidValue, span, format!("invalid `{field}`")).label(e));
                        None
                    }
                },
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, pspan, format!("missing field `{field}`"))
                            .label("e.g. `from: \"08:00\"`"),
                    );
                    None
                }
            };
            let from = time("from", &p.value.from);
            let to = time("to", &p.value.to);
            if let (Some(days), Some(from), Some(to)) = (days, from, to) {
                if from >= to {
                    self.push(
                        Diagnostic::new(Code::InvalidValue, pspan, "the period closes before it opens")
                            .label("`from` must be before `to`")
                            .help("write a period across midnight as two entries, e.g. `22:00`-`24:00` and `00:00`-`06:00`"),
                    );
                } else {
                    out.periods.push(OpenPeriod { days, from, to });
                }
            }
        }
        out
    }

    /// The node's kind, or `None` (with a finding) when it is missing or unknown.
    fn kind_of(&mut self, file: FileId, id: &S<String>, node: &S<RawNode>) -> Option<&'static str> {
        match &node.value.kind {
            Some(k) => match KINDS.iter().find(|n| **n == k.value) {
                Some(n) => Some(n),
                None => {
                    let span = self.span(file, &k.referenced);
                    let mut d = Diagnostic::new(Code::InvalidValue, span, format!("unknown node kind `{}`", k.value))
                        .label("not a node kind")
                        .note("kinds are `menu`, `message`, `collect`, `route`, `transfer` and `hangup`");
                    if let Some(h) = suggest(&k.value, KINDS) {
                        d = d.help(h);
                    }
                    self.push(d);
                    None
                }
            },
            None => {
                let span = self.span(file, &id.referenced);
                self.push(
                    Diagnostic::new(Code::MissingField, span, format!("node `{}` has no `kind`", id.value))
                        .label("add `kind: menu` (or message, collect, route, transfer, hangup)"),
                );
                None
            }
        }
    }

    fn duration(&mut self, file: FileId, field: &str, v: &S<String>, allow_zero: bool) -> Option<Duration> {
        let span = self.span(file, &v.referenced);
        match parse_duration(&v.value) {
            Ok(d) if d.is_zero() && !allow_zero => {
                self.push(
                    Diagnostic::new(Code::InvalidValue, span, format!("`{field}` must be longer than zero"))
                        .label("zero"),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                self.push(Diagnostic::new(Code::InvalidValue, span, format!("invalid duration in `{field}`")).label(e));
                None
            }
        }
    }

    fn at_least_one(&mut self, file: FileId, field: &str, v: &S<u32>) -> Option<u32> {
        if v.value == 0 {
            let span = self.span(file, &v.referenced);
            self.push(
                Diagnostic::new(Code::InvalidValue, span, format!("`{field}` must be at least 1")).label(
                    if field.starts_with("max_no_") {
                        "0 would send every caller to the fallback before they could answer"
                    } else {
                        "0 would flag every menu"
                    },
                ),
            );
            None
        } else {
            Some(v.value)
        }
    }

    fn prompts(&mut self, file: FileId, list: &S<Vec<S<RawPrompt>>>) -> Vec<Prompt> {
        list.value.iter().map(|p| self.prompt(file, p)).collect()
    }

    fn lower_listen_defaults(&mut self, file: FileId, d: &RawDefaults) -> ListenDefaults {
        let timeout = d
            .timeout
            .as_ref()
            .and_then(|t| self.duration(file, "timeout", t, false));
        let idt = d
            .inter_digit_timeout
            .as_ref()
            .and_then(|t| self.duration(file, "inter_digit_timeout", t, false));
        let max_ni = d
            .max_no_input
            .as_ref()
            .and_then(|v| self.at_least_one(file, "max_no_input", v));
        let max_nm = d
            .max_no_match
            .as_ref()
            .and_then(|v| self.at_least_one(file, "max_no_match", v));
        ListenDefaults {
            timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
            inter_digit_timeout: idt.unwrap_or(DEFAULT_INTER_DIGIT_TIMEOUT),
            max_no_input: max_ni.unwrap_or(DEFAULT_MAX_RETRIES),
            max_no_match: max_nm.unwrap_or(DEFAULT_MAX_RETRIES),
            fallback: d.fallback.as_ref().map(|f| self.resolve(file, f)),
            no_input: d.no_input.as_ref().map(|l| self.prompts(file, l)).unwrap_or_default(),
            no_match: d.no_match.as_ref().map(|l| self.prompts(file, l)).unwrap_or_default(),
            barge_in: d.barge_in.as_ref().is_none_or(|b| b.value),
            type_ahead: d.type_ahead.as_ref().is_some_and(|b| b.value),
        }
    }

    fn lower_keys(&mut self, file: FileId, d: &RawDefaults) -> GlobalKeys {
        let mut keys = GlobalKeys::default();
        let Some(raw) = &d.keys else { return keys };
        let slots = [
            (&raw.value.operator, &mut keys.operator, "operator"),
            (&raw.value.repeat, &mut keys.repeat, "repeat"),
            (&raw.value.back, &mut keys.back, "back"),
            (&raw.value.main_menu, &mut keys.main_menu, "main_menu"),
        ];
        let mut seen: Vec<(DtmfKey, Span, &str)> = Vec::new();
        for (raw_key, slot, name) in slots {
            let Some(k) = raw_key else { continue };
            let span = self.span(file, &k.referenced);
            let Some(key) = self.key(file, k, name) else {
                continue;
            };
            if let Some((_, first, other)) = seen.iter().find(|(s, _, _)| *s == key) {
                let d = Diagnostic::new(
                    Code::DuplicateKey,
                    span,
                    format!("global keys `{other}` and `{name}` are both `{key}`"),
                )
                .label("same key")
                .with_secondary(*first, format!("`{other}` is defined here"));
                self.diags.push(d);
                continue;
            }
            seen.push((key.clone(), span, name));
            *slot = Some(GlobalKey { key, span });
        }
        keys
    }

    /// Parses a DTMF key value; `None` (with a finding) when empty or invalid.
    fn key(&mut self, file: FileId, k: &S<Option<String>>, field: &str) -> Option<DtmfKey> {
        let span = self.span(file, &k.referenced);
        let Some(text) = &k.value else {
            self.push(
                Diagnostic::new(Code::MissingField, span, format!("`{field}` is empty"))
                    .label("no key here")
                    .help("if you wrote `#` or `*`, quote it: YAML reads an unquoted `#` as a comment"),
            );
            return None;
        };
        match DtmfKey::parse(text) {
            Ok(key) => Some(key),
            Err(e) => {
                self.push(
                    Diagnostic::new(Code::InvalidKey, span, format!("invalid DTMF key `{text}`"))
                        .label(e.to_string())
                        .note("a key is one or more of 0-9, * and #"),
                );
                None
            }
        }
    }

    fn clip(&mut self, file: FileId, a: &S<String>) -> Option<ClipRef> {
        let span = self.span(file, &a.referenced);
        if a.value.trim().is_empty() {
            self.push(
                Diagnostic::new(Code::MissingField, span, "`audio` is empty")
                    .label("name a clip under `audio_dir`, or remove `audio`"),
            );
            return None;
        }
        let p = Path::new(&a.value);
        let mut depth = 0i32;
        let mut escapes = false;
        for c in p.components() {
            match c {
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
                Component::ParentDir => {
                    depth -= 1;
                    if depth < 0 {
                        escapes = true;
                    }
                }
                Component::RootDir | Component::Prefix(_) => escapes = true,
            }
        }
        if escapes || depth <= 0 {
            self.push(
                Diagnostic::new(
                    Code::ClipEscapes,
                    span,
                    format!("clip path `{}` leaves `audio_dir`", a.value),
                )
                .label("refused")
                .note(format!(
                    "clips are read only from inside `audio_dir` ({})",
                    display_dir(&self.audio_dir)
                ))
                .help("name a file inside `audio_dir`, e.g. `welcome.wav`"),
            );
            return None;
        }
        Some(ClipRef {
            name: a.value.clone(),
            path: self.audio_dir.join(p),
            span,
        })
    }

    fn prompt_text(&mut self, file: FileId, whole: Span, t: &Option<S<String>>) -> String {
        match t {
            Some(t) if !t.value.trim().is_empty() => t.value.clone(),
            Some(t) => {
                let span = self.span(file, &t.referenced);
                self.push(
                    Diagnostic::new(Code::MissingField, span, "prompt `text` is empty")
                        .label("write what the caller hears"),
                );
                String::new()
            }
            None => {
                self.push(
                    Diagnostic::new(Code::MissingField, whole, "prompt has no `text`")
                        .label("the caption and the words of the clip are needed")
                        .help("write `prompt: { text: \"...\", audio: clip.wav }`"),
                );
                String::new()
            }
        }
    }

    fn prompt(&mut self, file: FileId, p: &S<RawPrompt>) -> Prompt {
        let span = self.span(file, &p.referenced);
        let text = self.prompt_text(file, span, &p.value.text);
        let audio = p.value.audio.as_ref().and_then(|a| self.clip(file, a));
        let mut translations = IndexMap::new();
        for (lang, t) in p.value.translations.iter().flat_map(|t| t.0.iter()) {
            let lspan = self.span(file, &lang.referenced);
            if !self.languages[1..].contains(&lang.value) {
                let mut d = Diagnostic::new(
                    Code::InvalidValue,
                    lspan,
                    format!("`{}` is not one of the menu's other languages", lang.value),
                );
                d = if self.languages.first() == Some(&lang.value) {
                    d.label("this is the default language: write it in the prompt's own `text`")
                } else {
                    d.label(format!("`languages` is [{}]", self.languages.join(", ")))
                };
                if let Some(h) = suggest(
                    &lang.value,
                    self.languages.iter().map(String::as_str).chain(["text", "audio"]),
                ) {
                    d = d.help(h);
                }
                self.push(d);
                continue;
            }
            if translations.contains_key(&lang.value) {
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        lspan,
                        format!("translation `{}` is given twice", lang.value),
                    )
                    .label("repeated"),
                );
                continue;
            }
            let tspan = self.span(file, &t.referenced);
            let RawPromptText { text, audio } = &t.value;
            let text = self.prompt_text(file, tspan, text);
            let audio = audio.as_ref().and_then(|a| self.clip(file, a));
            translations.insert(lang.value.clone(), PromptText { text, audio });
        }
        let text_span = p.value.text.as_ref().map_or(span, |t| self.span(file, &t.referenced));
        Prompt {
            text,
            audio,
            translations,
            span,
            text_span,
        }
    }

    fn empty_prompt(span: Span) -> Prompt {
        Prompt {
            text: String::new(),
            audio: None,
            translations: IndexMap::new(),
            span,
            text_span: span,
        }
    }

    fn missing_ref(span: Span) -> NodeRef {
        NodeRef {
            name: String::new(),
            span,
            target: Target::Missing,
        }
    }

    fn lower_node(
        &mut self,
        file: FileId,
        span: Span,
        id: &str,
        n: &RawNode,
        kind: &'static str,
        ld: &ListenDefaults,
    ) -> NodeKind {
        // Fields this kind does not use.
        let ok = allowed(kind);
        for (field, loc) in n.present() {
            if field == "kind" || field == "description" || ok.contains(&field) {
                continue;
            }
            let vspan = self.span(file, loc);
            let kspan = self.key_span(file, vspan, field);
            let users: Vec<&str> = KINDS.iter().copied().filter(|k| allowed(k).contains(&field)).collect();
            self.push(
                Diagnostic::new(
                    Code::FieldNotForKind,
                    kspan,
                    format!("`{kind}` nodes do not use `{field}`"),
                )
                .label(format!("ignored on node `{id}`"))
                .note(format!("`{field}` belongs to {} nodes", users.join(", ")))
                .note(format!(
                    "`{kind}` nodes use {}",
                    ok.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        let need = |cx: &mut Self, what: &str, help: &str| {
            cx.push(
                Diagnostic::new(
                    Code::IncompleteNode,
                    span,
                    format!("`{kind}` node `{id}` has no `{what}`"),
                )
                .label(format!("`{what}` is required here"))
                .help(help.to_owned()),
            );
        };
        let prompt = |cx: &mut Self| match &n.prompt {
            Some(p) => cx.prompt(file, p),
            None => {
                need(cx, "prompt", "add `prompt: { text: \"...\", audio: clip.wav }`");
                Self::empty_prompt(span)
            }
        };
        let next = |cx: &mut Self| match &n.next {
            Some(t) => cx.resolve(file, t),
            None => {
                need(cx, "next", "add `next: <node id>` for where the call goes afterwards");
                Self::missing_ref(span)
            }
        };
        match kind {
            "menu" => {
                let prompt = prompt(self);
                let options = self.lower_options(file, span, id, n);
                let listen = self.listen(file, n, ld);
                NodeKind::Menu(MenuNode {
                    prompt,
                    options,
                    listen,
                })
            }
            "message" => NodeKind::Message(MessageNode {
                prompt: prompt(self),
                next: next(self),
                barge_in: n.barge_in.as_ref().map_or(ld.barge_in, |b| b.value),
            }),
            "collect" => {
                let prompt = prompt(self);
                let (min, max, terminator) = self.lower_digits(file, span, n);
                let pattern = n.pattern.as_ref().and_then(|p| self.regex(file, "pattern", p));
                let store = match &n.store {
                    Some(s) => self.identifier(file, "store", s),
                    None => {
                        need(self, "store", "add `store: <variable name>` for the collected value");
                        String::new()
                    }
                };
                let next = next(self);
                let listen = self.listen(file, n, ld);
                NodeKind::Collect(CollectNode {
                    prompt,
                    min,
                    max,
                    terminator,
                    pattern,
                    store,
                    next,
                    listen,
                })
            }
            "route" => {
                let routes = self.lower_routes(file, span, id, n);
                let default = match &n.default {
                    Some(t) => self.resolve(file, t),
                    None => {
                        need(self, "default", "add `default: <node id>` for calls no route matches");
                        Self::missing_ref(span)
                    }
                };
                NodeKind::Route(RouteNode { routes, default })
            }
            "transfer" => {
                let queue = match &n.queue {
                    Some(q) if !q.value.trim().is_empty() => q.value.clone(),
                    _ => {
                        need(self, "queue", "add `queue: <queue name>` for where the call waits");
                        String::new()
                    }
                };
                let priority = match &n.priority {
                    Some(p) => match Priority::ALL.iter().find(|x| x.name() == p.value) {
                        Some(&x) => x,
                        None => {
                            let pspan = self.span(file, &p.referenced);
                            let mut d =
                                Diagnostic::new(Code::InvalidValue, pspan, format!("unknown priority `{}`", p.value))
                                    .label("expected `low`, `normal`, `high` or `urgent`");
                            if let Some(h) = suggest(&p.value, Priority::ALL.iter().map(|x| x.name())) {
                                d = d.help(h);
                            }
                            self.push(d);
                            Priority::Normal
                        }
                    },
                    None => Priority::Normal,
                };
                let context = n
                    .context
                    .as_ref()
                    .map(|c| c.value.iter().map(|v| self.identifier(file, "context", v)).collect());
                NodeKind::Transfer(TransferNode {
                    queue,
                    priority,
                    prompt: n.prompt.as_ref().map(|p| self.prompt(file, p)),
                    context,
                })
            }
            _ => NodeKind::Hangup(HangupNode {
                prompt: n.prompt.as_ref().map(|p| self.prompt(file, p)),
                reason: n
                    .reason
                    .as_ref()
                    .map_or_else(|| "self-service".to_owned(), |r| r.value.clone()),
            }),
        }
    }

    fn identifier(&mut self, file: FileId, field: &str, s: &S<String>) -> String {
        if !is_identifier(&s.value) {
            let span = self.span(file, &s.referenced);
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    format!("`{}` is not a variable name", s.value),
                )
                .label(format!(
                    "`{field}` takes letters, digits and `_`, starting with a letter"
                )),
            );
        }
        s.value.clone()
    }

    fn regex(&mut self, file: FileId, field: &str, s: &S<String>) -> Option<Regex> {
        match regex::RegexBuilder::new(&s.value).size_limit(1 << 20).build() {
            Ok(r) => Some(r),
            Err(e) => {
                let span = self.span(file, &s.referenced);
                let msg = e.to_string();
                let last = msg
                    .lines()
                    .last()
                    .unwrap_or("invalid regular expression")
                    .trim()
                    .trim_start_matches("error: ")
                    .to_owned();
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!("invalid regular expression in `{field}`"),
                    )
                    .label(last)
                    .note("the syntax is that of the `regex` crate: https://docs.rs/regex/#syntax"),
                );
                None
            }
        }
    }

    fn listen(&mut self, file: FileId, n: &RawNode, ld: &ListenDefaults) -> Listen {
        let timeout = n
            .timeout
            .as_ref()
            .and_then(|t| self.duration(file, "timeout", t, false));
        let idt = n
            .inter_digit_timeout
            .as_ref()
            .and_then(|t| self.duration(file, "inter_digit_timeout", t, false));
        let max_ni = n
            .max_no_input
            .as_ref()
            .and_then(|v| self.at_least_one(file, "max_no_input", v));
        let max_nm = n
            .max_no_match
            .as_ref()
            .and_then(|v| self.at_least_one(file, "max_no_match", v));
        Listen {
            timeout: timeout.unwrap_or(ld.timeout),
            inter_digit_timeout: idt.unwrap_or(ld.inter_digit_timeout),
            max_no_input: max_ni.unwrap_or(ld.max_no_input),
            max_no_match: max_nm.unwrap_or(ld.max_no_match),
            fallback: match &n.fallback {
                Some(f) => Some(self.resolve(file, f)),
                None => ld.fallback.clone(),
            },
            no_input: match &n.no_input {
                Some(l) => self.prompts(file, l),
                None => ld.no_input.clone(),
            },
            no_match: match &n.no_match {
                Some(l) => self.prompts(file, l),
                None => ld.no_match.clone(),
            },
            barge_in: n.barge_in.as_ref().map_or(ld.barge_in, |b| b.value),
            type_ahead: n.type_ahead.as_ref().map_or(ld.type_ahead, |b| b.value),
        }
    }

    fn lower_options(&mut self, file: FileId, span: Span, id: &str, n: &RawNode) -> Vec<MenuOption> {
        let Some(raw) = &n.options else {
            self.push(
                Diagnostic::new(
                    Code::IncompleteNode,
                    span,
                    format!("`menu` node `{id}` has no `options`"),
                )
                .label("`options` is required here")
                .help("add `options: [{ key: \"1\", to: <node id> }]`"),
            );
            return Vec::new();
        };
        if raw.value.is_empty() {
            let ospan = self.span(file, &raw.referenced);
            let ospan = self.key_span(file, ospan, "options");
            self.push(
                Diagnostic::new(Code::IncompleteNode, ospan, format!("menu `{id}` has no options"))
                    .label("empty list")
                    .help("a menu needs at least one option; use a `message` node to only play a prompt"),
            );
        }
        let mut out = Vec::new();
        let mut keys: HashMap<DtmfKey, Span> = HashMap::new();
        let mut words: HashMap<String, Span> = HashMap::new();
        for o in &raw.value {
            let ospan = self.span(file, &o.referenced);
            let key = match &o.value.key {
                Some(k) => self.key(file, k, "key"),
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, ospan, "option has no `key`")
                            .label("add `key: \"1\"`")
                            .help("if you wrote `key: #` or `key: *`, quote the key"),
                    );
                    None
                }
            };
            let to = match &o.value.to {
                Some(t) => self.resolve(file, t),
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, ospan, "option has no `to`").label("add `to: <node id>`"),
                    );
                    Self::missing_ref(ospan)
                }
            };
            let key_span = o.value.key.as_ref().map_or(ospan, |k| self.span(file, &k.referenced));
            if let Some(key) = &key {
                if let Some(first) = keys.get(key) {
                    let d = Diagnostic::new(
                        Code::DuplicateKey,
                        key_span,
                        format!("key `{key}` is used twice in menu `{id}`"),
                    )
                    .label("second use")
                    .with_secondary(*first, "first use")
                    .help("give each option its own key");
                    self.push(d);
                } else {
                    keys.insert(key.clone(), key_span);
                }
            }
            let mut say = Vec::new();
            for w in o.value.say.iter().flatten() {
                let wspan = self.span(file, &w.referenced);
                let word = w.value.trim().to_lowercase();
                if word.is_empty() {
                    self.push(
                        Diagnostic::new(Code::InvalidValue, wspan, "empty spoken keyword")
                            .label("write a word or phrase"),
                    );
                    continue;
                }
                if let Some(first) = words.get(&word) {
                    let d = Diagnostic::new(
                        Code::DuplicateKey,
                        wspan,
                        format!("keyword `{word}` is used twice in menu `{id}`"),
                    )
                    .label("second use")
                    .with_secondary(*first, "first use");
                    self.push(d);
                    continue;
                }
                words.insert(word.clone(), wspan);
                say.push(word);
            }
            let language = o.value.language.as_ref().map(|l| {
                if !self.languages.contains(&l.value) {
                    let lspan = self.span(file, &l.referenced);
                    self.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            lspan,
                            format!("`{}` is not one of the menu's languages", l.value),
                        )
                        .label(format!("`languages` is [{}]", self.languages.join(", "))),
                    );
                }
                l.value.clone()
            });
            if let Some(key) = key {
                out.push(MenuOption {
                    key,
                    key_span,
                    to,
                    say,
                    label: o.value.label.as_ref().map(|l| l.value.clone()),
                    language,
                });
            }
        }
        out
    }

    fn lower_digits(&mut self, file: FileId, span: Span, n: &RawNode) -> (u32, u32, Option<DtmfKey>) {
        let Some(d) = &n.digits else {
            self.push(
                Diagnostic::new(Code::IncompleteNode, span, "`collect` node has no `digits`")
                    .label("`digits` is required here")
                    .help("add `digits: { min: 1, max: 10, terminator: \"#\" }`"),
            );
            return (1, 1, None);
        };
        let dspan = self.span(file, &d.referenced);
        let min = d.value.min.as_ref().map_or(1, |m| m.value);
        let max = match &d.value.max {
            Some(m) => m.value,
            None => {
                self.push(
                    Diagnostic::new(Code::MissingField, dspan, "`digits` has no `max`")
                        .label("add `max: <most digits>`"),
                );
                min.max(1)
            }
        };
        let mut ok = true;
        if min == 0 {
            let s = d.value.min.as_ref().map_or(dspan, |m| self.span(file, &m.referenced));
            self.push(
                Diagnostic::new(Code::InvalidValue, s, "`min` must be at least 1")
                    .label("an empty entry is a no-input, never a value"),
            );
            ok = false;
        }
        if max < min {
            let s = d.value.max.as_ref().map_or(dspan, |m| self.span(file, &m.referenced));
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    s,
                    format!("`max` ({max}) is less than `min` ({min})"),
                )
                .label("too small"),
            );
            ok = false;
        }
        if max > MAX_COLLECT_DIGITS {
            let s = d.value.max.as_ref().map_or(dspan, |m| self.span(file, &m.referenced));
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    s,
                    format!("`max` is more than {MAX_COLLECT_DIGITS} digits"),
                )
                .label("no caller types that many"),
            );
            ok = false;
        }
        let terminator = d.value.terminator.as_ref().and_then(|t| {
            let key = self.key(file, t, "terminator")?;
            if key.len() != 1 || key.has_digit() {
                let s = self.span(file, &t.referenced);
                self.push(
                    Diagnostic::new(Code::InvalidValue, s, format!("terminator `{key}` must be `#` or `*`"))
                        .label("a digit (or several keys) cannot end an entry of digits"),
                );
                return None;
            }
            Some(key)
        });
        if ok {
            (min, max, terminator)
        } else {
            (min.max(1), max.max(min).clamp(1, MAX_COLLECT_DIGITS), terminator)
        }
    }

    fn lower_routes(&mut self, file: FileId, span: Span, id: &str, n: &RawNode) -> Vec<Route> {
        let Some(raw) = &n.routes else {
            self.push(
                Diagnostic::new(
                    Code::IncompleteNode,
                    span,
                    format!("`route` node `{id}` has no `routes`"),
                )
                .label("`routes` is required here")
                .help("add `routes: [{ when: { hours: office_hours }, to: <node id> }]`"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for r in &raw.value {
            let rspan = self.span(file, &r.referenced);
            let to = match &r.value.to {
                Some(t) => self.resolve(file, t),
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, rspan, "route has no `to`").label("add `to: <node id>`"),
                    );
                    Self::missing_ref(rspan)
                }
            };
            let when = match &r.value.when {
                Some(w) => self.lower_when(file, w),
                None => {
                    self.push(
                        Diagnostic::new(Code::MissingField, rspan, "route has no `when`")
                            .label("add a condition, e.g. `when: { hours: office_hours }`")
                            .help("for the route taken when nothing else holds, use the node's `default`"),
                    );
                    Vec::new()
                }
            };
            out.push(Route { when, to });
        }
        out
    }

    fn lower_when(&mut self, file: FileId, w: &S<super::raw::RawWhen>) -> Vec<Test> {
        let wspan = self.span(file, &w.referenced);
        let w = &w.value;
        let mut tests = Vec::new();
        let ops = [w.equals.is_some(), w.matches.is_some(), w.one_of.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        match (&w.var, ops) {
            (Some(v), 1) => {
                let var = self.identifier(file, "var", v);
                if let Some(e) = &w.equals {
                    tests.push(Test::Equals {
                        var,
                        value: e.value.clone(),
                    });
                } else if let Some(m) = &w.matches {
                    if let Some(pattern) = self.regex(file, "matches", m) {
                        tests.push(Test::Matches { var, pattern });
                    }
                } else if let Some(values) = &w.one_of {
                    tests.push(Test::OneOf {
                        var,
                        values: values.value.iter().map(|v| v.value.clone()).collect(),
                    });
                }
            }
            (Some(v), 0) => {
                let s = self.span(file, &v.referenced);
                self.push(
                    Diagnostic::new(
                        Code::IncompleteNode,
                        s,
                        format!("`var: {}` needs a comparison", v.value),
                    )
                    .label("add `equals`, `matches` or `in`"),
                );
            }
            (Some(_), _) => {
                self.push(
                    Diagnostic::new(Code::InvalidValue, wspan, "more than one of `equals`, `matches`, `in`")
                        .label("give exactly one"),
                );
            }
            (None, 0) => {}
            (None, _) => {
                self.push(
                    Diagnostic::new(Code::IncompleteNode, wspan, "comparison without `var`")
                        .label("add `var: <variable name>`"),
                );
            }
        }
        if let Some(h) = &w.hours {
            if self.schedules.contains_key(&h.value) {
                tests.push(Test::Hours(h.value.clone()));
            } else {
                let s = self.span(file, &h.referenced);
                let mut d = Diagnostic::new(Code::InvalidValue, s, format!("no schedule `{}`", h.value))
                    .label("not defined under `schedules`");
                if let Some(help) = suggest(&h.value, self.schedules.keys().map(String::as_str)) {
                    d = d.help(help);
                }
                self.push(d);
            }
        }
        if let Some(l) = &w.language {
            if self.languages.contains(&l.value) {
                tests.push(Test::Language(l.value.clone()));
            } else {
                let s = self.span(file, &l.referenced);
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        s,
                        format!("`{}` is not one of the menu's languages", l.value),
                    )
                    .label(format!("`languages` is [{}]", self.languages.join(", "))),
                );
            }
        }
        if w.var.is_none() && ops == 0 && w.hours.is_none() && w.language.is_none() {
            self.push(
                Diagnostic::new(Code::IncompleteNode, wspan, "empty `when`")
                    .label("add `var`, `hours` or `language`")
                    .help("for the route taken when nothing else holds, use the node's `default`"),
            );
        }
        tests
    }

    fn lower_lint(&mut self, file: FileId, raw: Option<&S<super::raw::RawLint>>) -> LintSettings {
        let Some(raw) = raw else {
            return LintSettings::default();
        };
        let raw = &raw.value;
        let mut allow = Vec::new();
        for a in raw.allow.iter().flatten() {
            let span = self.span(file, &a.referenced);
            match crate::diag::Code::parse(&a.value) {
                Some(c) if c.severity() == Severity::Warning => allow.push(c),
                Some(c) => self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!("`{c}` is an error and cannot be allowed"),
                    )
                    .label("only warnings (`W…`) can be allowed"),
                ),
                None => self.push(
                    Diagnostic::new(Code::InvalidValue, span, format!("unknown finding code `{}`", a.value))
                        .label("see docs/checks.md"),
                ),
            }
        }
        LintSettings {
            max_options: raw
                .max_options
                .as_ref()
                .and_then(|v| self.at_least_one(file, "max_options", v)),
            max_operator_keys: raw
                .max_operator_keys
                .as_ref()
                .and_then(|v| self.at_least_one(file, "max_operator_keys", v)),
            max_prompt: raw
                .max_prompt
                .as_ref()
                .and_then(|v| self.duration(file, "max_prompt", v, false)),
            allow,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_units() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("5").unwrap_err().contains("no unit"));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn names() {
        assert!(is_identifier("case_number"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier("a-b"));
        assert!(is_language_tag("en"));
        assert!(is_language_tag("pt-BR"));
        assert!(!is_language_tag("english!"));
    }
}
