//! Lowering: from the file as written ([`super::raw`]) to the menu model, reporting every
//! missing, misplaced or out-of-range value on the way.

mod listen;
mod nodes;
mod prompts;
mod transfer;
mod values;

pub(crate) use transfer::MIN_HOLD_EVERY;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;
use serde_saphyr::Location;

use super::build::{At, DigitsSpec, HoldSpec, ListenSpec, MenuBuilder, NodeSpec, OptionSpec, QueueSpec};
use super::load::{Fragment, suggest};
use super::raw::{RawCount, RawDefaults, RawMenu, RawNode, RawPrompt, RawPromptText, S};
use super::schedule::{DateRange, OpenPeriod, Schedule, SpecialHours, parse_dates, parse_days, parse_time};
use super::*;
use crate::diag::{Code, Diagnostic, Severity, did_you_mean};
use crate::source::{FileId, Sources, Span};

/// Built-in default of `defaults.timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Built-in default of `defaults.inter_digit_timeout`.
pub const DEFAULT_INTER_DIGIT_TIMEOUT: Duration = Duration::from_secs(3);
/// Built-in default of `defaults.max_no_input` and `defaults.max_no_match`.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Longest duration a menu may give (timeouts, `lint.max_prompt`): 24 hours.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);
/// Largest `digits.max` of a collect (a phone number with country code is 15 digits, E.164).
pub const MAX_COLLECT_DIGITS: u32 = 64;

const KINDS: [&str; 9] = [
    "menu", "message", "collect", "route", "transfer", "hangup", "external", "record", "callback",
];
/// The values of `key_match:`.
pub(super) const KEY_MATCH_NAMES: [&str; 2] = ["early", "full_length"];

/// `key_match:` in the menu's JSON Schema: one of [`KEY_MATCH_NAMES`].
pub(super) fn key_match_names(s: &mut schemars::Schema) {
    super::raw::schema::one_of(s, &KEY_MATCH_NAMES);
}

const LISTEN_FIELDS: [&str; 13] = [
    "no_input",
    "no_match",
    "timeout",
    "inter_digit_timeout",
    "max_no_input",
    "max_no_match",
    "fallback",
    "barge_in",
    "type_ahead",
    "counting",
    "fallback_no_input",
    "fallback_no_match",
    "short_prompt",
];

/// Fields each kind requires (lowering reports each missing one, E004/E011).
const REQUIRED: [(&str, &[&str]); 9] = [
    ("menu", &["prompt", "options"]),
    ("message", &["prompt", "next"]),
    ("collect", &["prompt", "digits", "store", "next"]),
    ("route", &["routes", "default"]),
    ("transfer", &["queue"]),
    ("hangup", &[]),
    ("external", &["app", "target"]),
    ("record", &["next"]),
    ("callback", &["queue", "number", "next"]),
];

/// Fields each kind uses besides `kind`, `description` and `lint_allow` (any kind).
fn allowed(kind: &str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = match kind {
        "menu" => vec!["prompt", "options"],
        "message" => vec!["prompt", "next", "barge_in"],
        "collect" => vec!["prompt", "digits", "pattern", "store", "next"],
        "route" => vec!["routes", "default"],
        "transfer" => vec!["queue", "priority", "prompt", "context", "hold", "when_no_operator"],
        "hangup" => vec!["prompt", "reason"],
        "external" => vec!["app", "target", "prompt", "on", "store"],
        "callback" => vec!["queue", "number", "priority", "prompt", "next"],
        "record" => vec![
            "prompt",
            "beep",
            "max_length",
            "final_silence",
            "timeout",
            "terminator",
            "store",
            "next",
            "no_speech",
        ],
        _ => vec![],
    };
    if KINDS.contains(&kind) {
        v.push("set");
    }
    match kind {
        "menu" => {
            v.extend(LISTEN_FIELDS);
            v.extend(["key_match", "digit_len"]);
        }
        "collect" => v.extend(LISTEN_FIELDS.iter().filter(|f| **f != "type_ahead")),
        _ => {}
    }
    v
}

/// `kind:` in the menu's JSON Schema: one of [`KINDS`].
pub(super) fn node_kind_names(s: &mut schemars::Schema) {
    super::raw::schema::one_of(s, &KINDS);
}

/// `counting:` in the menu's JSON Schema: one of the [`Counting`] names.
pub(super) fn counting_names(s: &mut schemars::Schema) {
    let names: Vec<&str> = Counting::ALL.iter().map(|(_, n)| *n).collect();
    super::raw::schema::one_of(s, &names);
}

/// `app:` of an external node in the menu's JSON Schema.
pub(super) fn external_apps(s: &mut schemars::Schema) {
    let names: Vec<&str> = crate::menu::ExternalApp::ALL.iter().map(|a| a.name()).collect();
    super::raw::schema::one_of(s, &names);
}

/// `action:` of `when_no_operator` in the menu's JSON Schema.
pub(super) fn no_operator_actions(s: &mut schemars::Schema) {
    super::raw::schema::one_of(s, &transfer::NO_OPERATOR_ACTIONS);
}

/// The per-kind rules of a node in the menu's JSON Schema: for each kind, the fields of other
/// kinds must be absent (E010) and its required fields given, as [`allowed`] and [`REQUIRED`]
/// say (a YAML null counts as absent, as for the loader).
pub(super) fn node_kinds_schema(s: &mut schemars::Schema) {
    let fields = property_names(s);
    let rules: Vec<serde_json::Value> = KINDS
        .iter()
        .map(|&kind| {
            let ok = allowed(kind);
            let required = REQUIRED.iter().find(|(k, _)| *k == kind).map_or(&[][..], |(_, r)| *r);
            let not_used = fields
                .iter()
                .filter(|f| *f != "kind" && *f != "description" && *f != "lint_allow" && !ok.contains(&f.as_str()));
            conditional(
                "kind",
                kind,
                not_used.map(|f| (f.as_str(), format!("`{kind}` nodes do not use `{f}`"))),
                required,
            )
        })
        .collect();
    s.insert("allOf".into(), rules.into());
}

/// The per-action rules of `when_no_operator` in the menu's JSON Schema, as the lowering
/// applies them ([`transfer::action_fields`]).
pub(super) fn no_operator_schema(s: &mut schemars::Schema) {
    let fields = property_names(s);
    let rules: Vec<serde_json::Value> = transfer::NO_OPERATOR_ACTIONS
        .iter()
        .map(|&action| {
            let (uses, required) = transfer::action_fields(action);
            let not_used = fields.iter().filter(|f| *f != "action" && !uses.contains(&f.as_str()));
            conditional(
                "action",
                action,
                not_used.map(|f| (f.as_str(), format!("`action: {action}` does not use `{f}`"))),
                &[required],
            )
        })
        .collect();
    s.insert("allOf".into(), rules.into());
}

fn property_names(s: &schemars::Schema) -> Vec<String> {
    s.get("properties")
        .and_then(serde_json::Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// `if: { TAG: VALUE }, then:` the fields `absent` are null or missing and `required` are given.
fn conditional<'a>(
    tag: &str,
    value: &str,
    absent: impl Iterator<Item = (&'a str, String)>,
    required: &[&str],
) -> serde_json::Value {
    use serde_json::json;
    let mut props = serde_json::Map::new();
    for (f, why) in absent {
        props.insert(f.to_owned(), json!({ "type": "null", "description": why }));
    }
    for f in required {
        props.insert((*f).to_owned(), json!({ "not": { "type": "null" } }));
    }
    json!({
        "if": { "properties": { tag: { "const": value } }, "required": [tag] },
        "then": { "properties": props, "required": required },
    })
}

struct Cx<'a> {
    sources: &'a Sources,
    /// The menu being built; every finding goes through it, in order.
    b: MenuBuilder,
    /// Compiled patterns by source text: a menu repeats the same few patterns, and a
    /// `Regex` clone shares its compiled program.
    regexes: HashMap<String, Regex>,
    /// Node fields reported misspelt (E002 with "did you mean"), by the node id's span: the
    /// node is not also said to lack them (E009).
    misspelt: HashSet<(Span, String)>,
}

/// Lowers the menu `raw` read from `path` (its text is `file`) and its included `fragments`:
/// each value read becomes a [`MenuBuilder`] call; the findings of the syntax (and the
/// builder's) are added to `diags`.
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
    let mut cx = Cx {
        sources,
        b: MenuBuilder::new(path, String::new(), top),
        regexes: HashMap::new(),
        misspelt: HashSet::new(),
    };
    if let Some(d) = &raw.audio_dir {
        cx.b.audio_dir(normalize(&menu_dir.join(&d.value)));
    }

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
    cx.b.name(name);

    cx.lower_languages(file, &raw);

    // Schedules, from the menu and its includes.
    let schedule_sets = std::iter::once((file, raw.schedules.as_ref()))
        .chain(fragments.iter().map(|f| (f.file, f.raw.schedules.as_ref())));
    for (f, set) in schedule_sets {
        for (sname, periods) in set.iter().flat_map(|s| s.0.iter()) {
            let name = At::new(sname.value.clone(), cx.span(f, &sname.referenced));
            if !cx.b.declare_schedule(&name) {
                continue;
            }
            let sched = cx.lower_schedule(f, periods);
            cx.b.add_schedule(name, sched);
        }
    }

    // Pass 1: declare every node, so that nodes that cannot be read are known as such.
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
    let mut accepted: Vec<(FileId, &S<String>, &S<RawNode>, &'static str)> = Vec::new();
    for &(f, id, node) in &entries {
        cx.unknown_fields(f, id, node);
        let span = cx.span(f, &id.referenced);
        if !cx.b.declare(&At::new(id.value.clone(), span)) {
            continue;
        }
        if let Some(kind) = cx.kind_of(f, id, node) {
            accepted.push((f, id, node, kind));
        }
    }

    // Defaults.
    let empty = RawDefaults::default();
    let (raw_defaults, dfile) = match &raw.defaults {
        Some(d) => (&d.value, file),
        None => (&empty, file),
    };
    cx.lower_listen_defaults(dfile, raw_defaults);
    cx.lower_keys(dfile, raw_defaults);
    if let Some(o) = &raw_defaults.operator {
        let o = cx.resolve(dfile, o);
        cx.b.operator(o);
    }
    if let Some(m) = &raw_defaults.main_menu {
        let m = cx.resolve(dfile, m);
        cx.b.main_menu(m);
    }
    if let Some(g) = &raw_defaults.goodbye {
        let g = cx.prompt(dfile, g);
        cx.b.goodbye(g);
    }

    match &raw.entry {
        Some(e) => {
            let e = cx.resolve(file, e);
            cx.b.entry(e);
        }
        None => {
            cx.push(
                Diagnostic::new(Code::MissingField, top, "missing field `entry`")
                    .label("the menu needs an `entry` node"),
            );
            cx.b.entry(NodeRef {
                name: String::new(),
                span: top,
                target: Target::Missing,
            });
        }
    }

    if let Some(q) = &raw.queues {
        cx.lower_queues(file, q);
    }

    // Pass 2: lower every node.
    for (f, id, node, kind) in accepted {
        let span = cx.span(f, &id.referenced);
        let spec = cx.lower_node(f, span, &id.value, &node.value, kind);
        let description = node.value.description.as_ref().map(|d| d.value.clone());
        if let Some(list) = &node.value.lint_allow {
            let codes = cx.allow_codes(f, list.value.iter());
            cx.b.node_lint_allow(&id.value, codes);
        }
        let set = node
            .value
            .set
            .as_deref()
            .map(|s| cx.lower_set(f, &s.value))
            .unwrap_or_default();
        cx.b.add_node(At::new(id.value.clone(), span), description, spec);
        if !set.is_empty() {
            cx.b.node_set(&id.value, set);
        }
    }
    if let Some(s) = &raw.self_service {
        cx.b.self_service(s.value);
    }
    if let Some(vars) = &raw.variables {
        let names = vars.iter().map(|v| cx.identifier(file, "variables", v)).collect();
        cx.b.preset_variables(names);
    }

    let lint = cx.lower_lint(file, raw.lint.as_ref());
    cx.b.lint(lint);
    if let Some(d) = &raw.dispositions {
        cx.lower_dispositions(file, d);
    }
    let (menu, findings) = cx.b.finish();
    diags.extend(findings);
    menu
}

/// Removes `.` and `name/..` pairs without touching the file system, so paths in
/// messages read `audio/hotline/x.wav` rather than `menus/../audio/hotline/x.wav`.
pub(crate) fn normalize(p: &Path) -> PathBuf {
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

pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!(
            "`{t}` has no unit: write `{t}s` for seconds or `{t}ms` for milliseconds"
        ));
    }
    humantime::parse_duration(t).map_err(|e| format!("`{t}` is not a duration ({e}); write e.g. `5s` or `1500ms`"))
}

/// A duration written at `span` in a scenario or training file (`30s`, `1m30s`, `500ms`), or
/// the E016 finding "invalid duration" there, labelled with why ([`parse_duration`]).
pub(crate) fn duration_at(text: &str, span: Span) -> Result<Duration, Box<Diagnostic>> {
    parse_duration(text)
        .map_err(|why| Box::new(Diagnostic::new(Code::InvalidValue, span, "invalid duration").label(why)))
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(super) fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Cx<'_> {
    pub(super) fn push(&mut self, d: Diagnostic) {
        self.b.report(d);
    }

    pub(super) fn span(&self, file: FileId, loc: &Location) -> Span {
        self.sources.span_of(file, loc)
    }

    /// The span of `field:` written before the value at `value`, for findings about the
    /// field itself; the value's span when the key cannot be found.
    pub(super) fn key_span(&self, file: FileId, value: Span, field: &str) -> Span {
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
                    pointer: None,
                };
            }
            search_end = i;
        }
        value
    }

    /// A reference to the node named by `s`, resolved when the menu is finished.
    pub(super) fn resolve(&mut self, file: FileId, s: &S<String>) -> NodeRef {
        let span = self.span(file, &s.referenced);
        self.b.reference(s.value.clone(), span)
    }

    /// `s` with its place.
    pub(super) fn at<T: Clone>(&self, file: FileId, s: &S<T>) -> At<T> {
        At::new(s.value.clone(), self.span(file, &s.referenced))
    }

    pub(super) fn empty_prompt(span: Span) -> Prompt {
        Prompt {
            text: String::new(),
            audio: None,
            translations: IndexMap::new(),
            span,
            text_span: span,
        }
    }

    pub(super) fn missing_ref(span: Span) -> NodeRef {
        NodeRef {
            name: String::new(),
            span,
            target: Target::Missing,
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

    /// Misspellings of every node field: a letter left out, doubled or swapped with the next,
    /// another case, `-` or nothing for `_`, camelCase.
    fn near_misses(field: &str) -> Vec<String> {
        let chars: Vec<char> = field.chars().collect();
        let mid = chars.len() / 2;
        let mut out = Vec::new();
        let mut dropped = chars.clone();
        dropped.remove(mid);
        out.push(dropped.iter().collect());
        let mut doubled = chars.clone();
        doubled.insert(mid, chars[mid]);
        out.push(doubled.iter().collect());
        let mut swapped = chars.clone();
        swapped.swap(mid - 1, mid);
        out.push(swapped.iter().collect());
        out.push(field.to_uppercase());
        let mut capital = chars.clone();
        capital[0] = capital[0].to_ascii_uppercase();
        out.push(capital.iter().collect());
        if field.contains('_') {
            out.push(field.replace('_', "-"));
            out.push(field.replace('_', ""));
            let camel: String = field
                .split('_')
                .enumerate()
                .map(|(i, w)| {
                    let mut w = w.to_owned();
                    if i > 0 {
                        w[..1].make_ascii_uppercase();
                    }
                    w
                })
                .collect();
            out.push(camel);
        }
        out.retain(|v| v != field);
        out
    }

    /// The E002 findings of a menu whose node `n` is `node` (YAML lines at 4 spaces).
    fn unknown_field_findings(node: &str) -> (String, Vec<crate::diag::Diagnostic>) {
        let text = format!("name: T\nentry: n\nnodes:\n  n:\n{node}");
        let mut sources = crate::source::Sources::new();
        let out = crate::menu::load::load_menu_text(Path::new("m.yaml"), text, &mut sources);
        let all = crate::diag::render_plain(&sources, &out.diagnostics);
        let e002 = out
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::UnknownField)
            .collect();
        (all, e002)
    }

    /// Every near miss of every node field gets "did you mean" that field: on a node of each
    /// kind that uses it, and on a node without a kind.
    #[test]
    fn near_misses_of_node_fields_are_suggested() {
        for kind in KINDS.iter().map(Some).chain([None]) {
            let fields: Vec<&str> = match kind {
                Some(k) => ["kind", "description"].into_iter().chain(allowed(k)).collect(),
                None => RawNode::FIELDS.to_vec(),
            };
            for field in fields {
                for miss in near_misses(field) {
                    let kind_line = kind.map_or(String::new(), |k| format!("    kind: {k}\n"));
                    let (all, e002) = unknown_field_findings(&format!("{kind_line}    {miss}: x\n"));
                    let said = e002.iter().any(|d| {
                        d.message == format!("unknown field `{miss}`")
                            && d.help
                                .first()
                                .is_some_and(|h| h.starts_with(&format!("did you mean `{field}`?")))
                    });
                    assert!(said, "`{miss}` for `{field}` on a {kind:?} node:\n{all}");
                }
            }
        }
    }

    /// `type:` (and other names for `kind`) on a node without `kind`: one finding, E002 with
    /// "did you mean `kind`?", and not also E004 "node has no `kind`".
    #[test]
    fn another_name_for_kind_is_one_finding() {
        for name in ["type", "Type", "node_type", "nodeKind", "kidn", "knid", "kinds"] {
            let (all, e002) = unknown_field_findings(&format!("    {name}: menu\n    prompt: {{ text: Hi }}\n"));
            assert_eq!(e002.len(), 1, "{all}");
            assert_eq!(e002[0].help, ["did you mean `kind`?"], "{all}");
            assert!(!all.contains("E004"), "{all}");
            assert!(!all.contains("expected one of"), "{all}");
        }
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

    /// The schema's patterns accept every text the loader accepts (and, where the schema says
    /// so, nothing else), checked against the loader's own parsers.
    mod schema_patterns {
        use schemars::Schema;

        use super::super::super::raw::schema::*;
        use super::*;

        fn re(p: &str) -> regex::Regex {
            regex::Regex::new(p).unwrap()
        }

        /// Every string of `alphabet` up to `len` characters.
        fn strings(alphabet: &str, len: usize) -> Vec<String> {
            let mut all = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..len {
                last = last
                    .iter()
                    .flat_map(|s| alphabet.chars().map(move |c| format!("{s}{c}")))
                    .collect();
                all.extend(last.iter().cloned());
            }
            all
        }

        #[test]
        fn exact_patterns_agree_with_the_loader() {
            let time = re(TIME);
            for s in strings("0123456789:+", 5) {
                assert_eq!(
                    time.is_match(&s),
                    crate::menu::schedule::parse_time(&s).is_ok(),
                    "time {s:?}"
                );
            }
            let dtmf = re(DTMF);
            for s in strings("019*#aA -", 3) {
                assert_eq!(dtmf.is_match(&s), DtmfKey::parse(&s).is_ok(), "key {s:?}");
            }
            let tag = re(LANGUAGE_TAG);
            for s in strings("enPT1-_", 5)
                .into_iter()
                .chain(["pt-BR".into(), "zh-Hant-TW".into()])
            {
                assert_eq!(tag.is_match(&s), is_language_tag(&s), "tag {s:?}");
            }
            let ident = re(IDENTIFIER);
            for s in strings("aZ_1-", 3) {
                assert_eq!(ident.is_match(&s), is_identifier(&s), "identifier {s:?}");
            }
        }

        #[test]
        fn loose_patterns_accept_all_the_loader_does() {
            let duration = re(DURATION);
            let samples = [
                "5s", "1500ms", "1m 30s", "1m30s", " 2m ", "1.5s", "0s", "1h", "2 hours", "3 min", "10 s", "1 0s",
                "5µs", "1d", "5", "5.5", "", "soon", "s5", "-5s", "5s!",
            ];
            for s in samples {
                if parse_duration(s).is_ok() {
                    assert!(duration.is_match(s), "duration {s:?}");
                }
            }
            for bad in ["5", "5.5", "", "soon"] {
                assert!(!duration.is_match(bad), "not a duration: {bad:?}");
            }
            let days = {
                let mut sink = Schema::default();
                days(&mut sink);
                re(sink.get("pattern").and_then(|p| p.as_str()).unwrap())
            };
            for s in strings("mon-fri,sat ", 3).into_iter().chain(
                [
                    "mon-fri",
                    "Mon - FRI",
                    "mon-wed,fri",
                    " sat , sun ",
                    "funday",
                    "mon,",
                    "fri-mon",
                ]
                .map(String::from),
            ) {
                if crate::menu::schedule::parse_days(&s).is_ok() {
                    assert!(days.is_match(&s), "days {s:?}");
                }
            }
            assert!(!days.is_match("funday") && !days.is_match("mon,"));
        }

        #[test]
        fn scalars_read_from_quoted_text_are_accepted() {
            let (uint, boolean) = (re(UINT_TEXT), re(BOOL_TEXT));
            let words = [
                "yes", "No", "TRUE", "false", "on", "Off", "y", "N", "1", "0", "maybe", " true ", "tRuE",
            ];
            let numbers = ["3", "+3", " 3", "0x10", "0o7", "1_000", "3.0", "-1", "x", ""];
            for w in words.iter().chain(&numbers) {
                let yaml = format!("'{w}'");
                if serde_saphyr::from_str::<bool>(&yaml).is_ok() {
                    assert!(boolean.is_match(w), "boolean {w:?}");
                }
                if serde_saphyr::from_str::<u32>(&yaml).is_ok() {
                    assert!(uint.is_match(w), "number {w:?}");
                }
            }
        }

        #[test]
        fn warnings_may_be_allowed_errors_not() {
            let mut sink = Schema::default();
            sink.insert("type".into(), "string".into());
            warning(&mut sink);
            let allow = re(sink.get("pattern").and_then(|p| p.as_str()).unwrap());
            for c in crate::diag::Code::ALL {
                assert!(
                    c.slug().chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                    "{}",
                    c.slug()
                );
                let ok = c.severity() == Severity::Warning;
                for s in [c.as_str().to_owned(), c.as_str().to_lowercase(), c.slug().to_owned()] {
                    assert_eq!(allow.is_match(&s), ok, "{s}");
                    assert_eq!(
                        crate::diag::Code::parse(&s).is_some_and(|c| c.severity() == Severity::Warning),
                        ok
                    );
                }
            }
        }
    }
}
