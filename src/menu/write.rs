//! Writing a [`Menu`] back out as a menu file (docs/menu-format.md, version 2): what
//! `ivrsim import FILE -o menu.yaml` writes for a menu read from another platform, and what any
//! menu, loaded or built with [`super::build::MenuBuilder`], reads back from.
//!
//! The model is the menu *after* lowering: `defaults` are merged into every node, included
//! files' nodes are part of the menu, clip paths are resolved. The writer undoes what it can:
//!
//! - every node goes into the one file, in [`Menu::nodes`] order, with a comment before it
//!   saying where it came from (`# from flow.json: /Actions/12` for a JSON pointer,
//!   `# from demo_ivr.xml:14:5` for a byte place) and its `description`;
//! - `defaults` are found again: for each setting, the value most nodes share is written once
//!   under `defaults` (when that saves lines) and nodes that differ say their own; a setting a
//!   node cannot override (a collect's `type_ahead`, a transfer without a `when_no_operator`
//!   when the others share one) decides the default, so the file reads back to the same model;
//! - `audio_dir` is written relative to the folder of the file written (see
//!   [`WriteOptions::out_path`]), and each clip as its name under `audio_dir`
//!   ([`ClipRef::name`]), as the loader resolves them;
//! - strings are written plain only when YAML reads them back as the same text (letters first,
//!   no `:`, `#`, `,`, brackets or quotes, not `yes`/`no`/`null`/…); otherwise double-quoted
//!   with escapes. DTMF keys, prompt texts, descriptions, times and dates are always quoted.
//!
//! What the format cannot say is listed in [`Written::lost`] instead of being written wrong:
//! places (spans) other than the comments, a `when` with two variable tests, a schedule
//! period without days, and settings that no combination of `defaults` and node fields gives
//! back (for menus the loader made, none).

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use super::schedule::{DateRange, OpenPeriod, Weekday};
use super::*;
use crate::source::{Sources, Span, printable_line};

/// How [`write`] writes a menu.
#[derive(Clone, Copy, Default)]
pub struct WriteOptions<'a> {
    /// The files the menu's places point into: with them, each node gets a comment saying
    /// where it came from. `None`: no such comments.
    pub sources: Option<&'a Sources>,
    /// Lines of the comment at the top of the file (without `#`), e.g. `Imported by ivrsim
    /// from flow.json (Amazon Connect)`.
    pub header: &'a [String],
    /// The path the text will be written to: `audio_dir` is written relative to its folder.
    /// `None`: the menu's own path ([`Menu::path`]), so that the text loads back from there.
    pub out_path: Option<&'a Path>,
}

/// A menu written as YAML.
#[derive(Clone, Debug)]
pub struct Written {
    /// The menu file.
    pub text: String,
    /// What the menu has that the text does not say (empty for every menu the YAML loader
    /// reads without errors), one line each.
    pub lost: Vec<String>,
}

/// `menu` as a menu file, with a comment of `header` lines on top and, before each node, a
/// comment saying where it came from (looked up in `sources`). `audio_dir` is written so that
/// the text loads back from [`Menu::path`]; use [`write`] with [`WriteOptions::out_path`] to
/// write it elsewhere, and to learn what could not be written.
pub fn to_yaml(menu: &Menu, sources: &Sources, header: &[String]) -> String {
    write(
        menu,
        &WriteOptions {
            sources: Some(sources),
            header,
            out_path: None,
        },
    )
    .text
}

/// `menu` as a menu file, as `options` say; see the module documentation for what is written.
pub fn write(menu: &Menu, options: &WriteOptions<'_>) -> Written {
    let mut w = Writer {
        menu,
        options,
        lost: Vec::new(),
    };
    let root = w.root();
    let mut text = String::new();
    for line in options.header.iter().flat_map(|h| h.split('\n')) {
        let line = printable_line(line.trim_end());
        if line.is_empty() {
            text.push_str("#\n");
        } else {
            text.push_str("# ");
            text.push_str(&line);
            text.push('\n');
        }
    }
    if !options.header.is_empty() {
        text.push('\n');
    }
    emit_map(&mut text, &root, 0);
    Written { text, lost: w.lost }
}

// ---------------------------------------------------------------------------------------
// A small YAML tree and its printer.

/// A YAML value to print: a scalar already written as YAML, a mapping or a list.
#[derive(Clone, Debug)]
enum Y {
    S(String),
    M(Vec<Entry>, Style),
    L(Vec<Y>, Style),
}

/// Whether a mapping or list may be printed in flow style (`{ a: 1 }`, `[a, b]`) when it fits
/// on its line, or is always printed as a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Auto,
    Block,
}

#[derive(Clone, Debug)]
struct Entry {
    key: String,
    value: Y,
    /// Comment lines before the entry.
    comments: Vec<String>,
    /// An empty line before the entry (and its comments).
    blank: bool,
}

/// Longest line the printer makes a flow mapping or list for (longer ones become blocks).
const WIDTH: usize = 100;

impl Y {
    fn map() -> Y {
        Y::M(Vec::new(), Style::Auto)
    }

    fn block() -> Y {
        Y::M(Vec::new(), Style::Block)
    }

    fn list(items: Vec<Y>) -> Y {
        Y::L(items, Style::Auto)
    }

    /// Adds `key: value` to a mapping.
    fn put(&mut self, key: &str, value: Y) {
        self.put_entry(Entry {
            key: key.to_owned(),
            value,
            comments: Vec::new(),
            blank: false,
        });
    }

    fn put_entry(&mut self, e: Entry) {
        match self {
            Y::M(entries, _) => entries.push(e),
            _ => unreachable!("put on a mapping only"),
        }
    }

    fn is_empty_map(&self) -> bool {
        matches!(self, Y::M(e, _) if e.is_empty())
    }

    /// The value on one line, in flow style.
    fn flow(&self) -> String {
        match self {
            Y::S(s) => s.clone(),
            Y::M(entries, _) if entries.is_empty() => "{}".into(),
            Y::M(entries, _) => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|e| format!("{}: {}", e.key, e.value.flow()))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
            Y::L(items, _) => format!("[{}]", items.iter().map(Y::flow).collect::<Vec<_>>().join(", ")),
        }
    }

    /// Whether the value may be printed in flow style.
    fn can_flow(&self) -> bool {
        match self {
            Y::S(_) => true,
            Y::M(entries, style) => {
                *style == Style::Auto && entries.iter().all(|e| e.comments.is_empty() && e.value.can_flow())
            }
            Y::L(items, style) => *style == Style::Auto && items.iter().all(Y::can_flow),
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn emit_map(out: &mut String, map: &Y, indent: usize) {
    let Y::M(entries, _) = map else {
        unreachable!("a mapping")
    };
    for e in entries {
        if e.blank {
            out.push('\n');
        }
        for c in &e.comments {
            pad(out, indent);
            out.push_str("# ");
            out.push_str(c);
            out.push('\n');
        }
        pad(out, indent);
        out.push_str(&e.key);
        out.push(':');
        emit_value(out, &e.value, indent, indent + e.key.len() + 1);
    }
}

/// Prints `value` after a `key:` or `-` already on the line (`used` columns of it), then the
/// line's end; nested blocks go at `indent + 2`.
fn emit_value(out: &mut String, value: &Y, indent: usize, used: usize) {
    match value {
        Y::S(s) => {
            out.push(' ');
            out.push_str(s);
            out.push('\n');
        }
        Y::M(e, _) if e.is_empty() => out.push_str(" {}\n"),
        Y::L(i, _) if i.is_empty() => out.push_str(" []\n"),
        v if v.can_flow() && used + 1 + v.flow().len() <= WIDTH => {
            out.push(' ');
            out.push_str(&v.flow());
            out.push('\n');
        }
        Y::M(..) => {
            out.push('\n');
            emit_map(out, value, indent + 2);
        }
        Y::L(items, _) => {
            out.push('\n');
            emit_list(out, items, indent + 2);
        }
    }
}

/// Prints a block list: each item on its `- ` line, mappings in flow style when every item of
/// the list fits so (one style for the items of one list), else as blocks.
fn emit_list(out: &mut String, items: &[Y], indent: usize) {
    let flows = items
        .iter()
        .all(|i| matches!(i, Y::S(_)) || (i.can_flow() && indent + 2 + i.flow().len() <= WIDTH));
    for item in items {
        match item {
            Y::M(entries, _) if !entries.is_empty() && !flows => {
                // `- first: …` then the other entries under it.
                let mut block = String::new();
                emit_map(&mut block, item, indent + 2);
                pad(out, indent);
                out.push_str("- ");
                out.push_str(&block[indent + 2..]);
            }
            _ => {
                pad(out, indent);
                out.push('-');
                emit_value(out, item, indent, indent + 1);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scalars.

/// `s` as a YAML double-quoted scalar: `"` and `\` escaped, and every character YAML does not
/// allow as it is, or that a reader could take for a line break (controls, DEL, C1 controls,
/// U+2028/U+2029, the byte-order mark, U+FFFE/U+FFFF), as an escape.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c < ' '
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') =>
            {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Words YAML 1.1 or 1.2 reads as something other than text (booleans, null, numbers).
const NOT_TEXT: [&str; 16] = [
    "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf", "infinity", "none", "nil", "ok", "x",
];

/// Whether `s` may be written as a plain (unquoted) scalar, in a block or a flow collection,
/// and be read back as the same text: it starts with a letter or `_`, holds only letters,
/// digits, single inner spaces and `_ - . / ( ) ' ! ? ; + = @ $ % ^ ~ &`, and is not a word
/// YAML reads otherwise (`yes`, `no`, `null`, …, any case; a few more than needed, to read
/// the same in every YAML reader).
pub fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if !(first.is_alphabetic() || first == '_') || s.ends_with(' ') || s.contains("  ") {
        return false;
    }
    let ok = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | '_'
                    | '-'
                    | '.'
                    | '/'
                    | '('
                    | ')'
                    | '\''
                    | '!'
                    | '?'
                    | ';'
                    | '+'
                    | '='
                    | '@'
                    | '$'
                    | '%'
                    | '^'
                    | '~'
            )
    };
    s.chars().all(|c| ok(c) && crate::source::shows_as_itself(c)) && !NOT_TEXT.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// `s` plain when [`is_plain`], else quoted.
fn text(s: &str) -> Y {
    Y::S(if is_plain(s) { s.to_owned() } else { quoted(s) })
}

/// `s` always quoted.
fn q(s: &str) -> Y {
    Y::S(quoted(s))
}

/// A mapping key: plain when [`is_plain`], else quoted.
fn key(s: &str) -> String {
    if is_plain(s) { s.to_owned() } else { quoted(s) }
}

fn raw(s: impl Into<String>) -> Y {
    Y::S(s.into())
}

fn boolean(b: bool) -> Y {
    raw(if b { "true" } else { "false" })
}

/// A duration as the loader reads it: the largest unit it is a whole number of (`2m`, `30s`,
/// `1500ms`).
pub fn duration(d: Duration) -> String {
    let ns = d.as_nanos();
    const S: u128 = 1_000_000_000;
    let units: [(u128, &str); 6] = [
        (3600 * S, "h"),
        (60 * S, "m"),
        (S, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
        (1, "ns"),
    ];
    if ns == 0 {
        return "0s".into();
    }
    let (size, unit) = units
        .iter()
        .find(|(size, _)| ns.is_multiple_of(*size))
        .copied()
        .unwrap_or((1, "ns"));
    format!("{}{unit}", ns / size)
}

fn dur(d: Duration) -> Y {
    raw(duration(d))
}

/// A number of a route test: whole numbers as such, others as Rust writes them shortest
/// (`4.5`, `1e300`), which YAML reads back as the same `f64`.
fn number(v: f64) -> Y {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        raw(format!("{}", v as i64))
    } else {
        raw(format!("{v:?}"))
    }
}

fn retries(r: Retries) -> Y {
    raw(r.to_string())
}

fn node_ref(r: &NodeRef) -> Y {
    text(&r.name)
}

fn texts<'a>(items: impl IntoIterator<Item = &'a String>) -> Y {
    Y::list(items.into_iter().map(|s| text(s)).collect())
}

// ---------------------------------------------------------------------------------------
// Values of the model.

fn prompt(p: &Prompt) -> Y {
    let mut m = Y::map();
    m.put("text", q(&p.text));
    if let Some(a) = &p.audio {
        m.put("audio", text(&a.name));
    }
    if !p.translations.is_empty() {
        let mut t = Y::map();
        for (lang, pt) in &p.translations {
            let mut one = Y::map();
            one.put("text", q(&pt.text));
            if let Some(a) = &pt.audio {
                one.put("audio", text(&a.name));
            }
            t.put(&key(lang), one);
        }
        m.put("translations", t);
    }
    m
}

fn prompts(list: &[Prompt]) -> Y {
    Y::list(list.iter().map(prompt).collect())
}

fn set_map(set: &[SetVar]) -> Y {
    let mut m = Y::map();
    for s in set {
        let v = match &s.value {
            SetValue::Text(t) => text(t),
            SetValue::Add(n) => q(&format!("{n:+}")),
        };
        m.put(&key(&s.var), v);
    }
    m
}

fn no_operator(n: &NoOperator) -> Y {
    let mut m = Y::map();
    m.put("action", raw(n.name()));
    match n {
        NoOperator::Hold { max_wait, prompt: p } => {
            m.put("max_wait", dur(*max_wait));
            if let Some(p) = p {
                m.put("prompt", prompt(p));
            }
        }
        NoOperator::Message { prompt: p } => m.put("prompt", prompt(p)),
        NoOperator::Callback { to } | NoOperator::Goto { to } => m.put("to", node_ref(to)),
    }
    m
}

fn expected_wait(e: &ExpectedWait) -> Y {
    let mut m = Y::map();
    m.put("handle_time", dur(e.handle_time));
    if e.call_takers != 1 {
        m.put("call_takers", raw(e.call_takers.to_string()));
    }
    if let Some(p) = &e.prompt {
        m.put("prompt", prompt(p));
    }
    m
}

fn periodic(p: &Periodic) -> Y {
    let mut m = Y::map();
    m.put("every", dur(p.every));
    m.put("prompt", prompt(&p.prompt));
    m
}

fn hold_exit(x: &HoldExit) -> Y {
    let mut m = Y::map();
    m.put("key", q(&x.key.to_string()));
    m.put("to", node_ref(&x.to));
    m
}

fn priority(p: Priority) -> Y {
    raw(p.name())
}

fn time(minutes: u16) -> Y {
    q(&format!("{:02}:{:02}", minutes / 60, minutes % 60))
}

fn dates(r: &DateRange) -> Y {
    if r.first == r.last {
        q(&r.first.to_string())
    } else {
        q(&format!("{}/{}", r.first, r.last))
    }
}

/// `days:` of a period: runs of days as ranges, `mon-fri,sun`; `None` for no day at all.
fn days(d: &[bool; 7]) -> Option<String> {
    const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let mut parts = Vec::new();
    let mut i = 0;
    while i < 7 {
        if !d[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i + 1 < 7 && d[i + 1] {
            i += 1;
        }
        parts.push(if start == i {
            ALL[i].to_string()
        } else {
            format!("{}-{}", ALL[start], ALL[i])
        });
        i += 1;
    }
    (!parts.is_empty()).then(|| parts.join(","))
}

fn codes(list: &[crate::diag::Code]) -> Y {
    Y::list(list.iter().map(|c| raw(c.as_str())).collect())
}

/// The data keys of a collect as `digits.keys` writes them (`None`: the digits only).
fn data_keys(d: DataKeys) -> Option<String> {
    (d.star || d.hash).then(|| {
        let mut s = String::from("0123456789");
        if d.star {
            s.push('*');
        }
        if d.hash {
            s.push('#');
        }
        s
    })
}

/// `dir` relative to `from` (both as the loader resolves them), for `audio_dir`: lexically
/// when the two can be compared so, else through the current folder; `None` when the folder
/// cannot be named relative to `from` at all.
fn relative(dir: &Path, from: &Path) -> Option<PathBuf> {
    fn lexical(dir: &Path, from: &Path) -> Option<PathBuf> {
        let d: Vec<Component> = dir.components().collect();
        let f: Vec<Component> = from.components().collect();
        let common = d.iter().zip(&f).take_while(|(a, b)| a == b).count();
        if f[common..].iter().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        let mut out = PathBuf::new();
        for _ in common..f.len() {
            out.push("..");
        }
        for c in &d[common..] {
            out.push(c);
        }
        Some(out)
    }
    if dir.is_absolute() == from.is_absolute()
        && let Some(p) = lexical(dir, from)
    {
        return Some(p);
    }
    let cwd = std::env::current_dir().ok()?;
    let abs = |p: &Path| normalize_path(&cwd.join(p));
    lexical(&abs(dir), &abs(from)).or_else(|| Some(abs(dir)))
}

// ---------------------------------------------------------------------------------------
// Defaults found again.

/// A value that takes `LOST` in [`choose`]'s cost cannot be written under that default.
const LOST: usize = 1_000_000;

/// The default that writes the fewest lines: among `builtin` and the nodes' values, the one
/// with the fewest nodes that must say their own (`can` false: the node cannot override the
/// default; `expressible(v, d)`: a node's `v` can be written under default `d`), counting the
/// line of the default itself; the built-in one, then the first met, on a tie.
fn choose<T: PartialEq + Clone>(builtin: T, values: &[(T, bool)], expressible: impl Fn(&T, &T) -> bool) -> T {
    candidates(&builtin, values)
        .into_iter()
        .min_by_key(|d| cost(d, &builtin, values, &expressible))
        .unwrap_or(builtin)
}

/// `builtin`, then each value of `values` once, in order.
fn candidates<T: PartialEq + Clone>(builtin: &T, values: &[(T, bool)]) -> Vec<T> {
    let mut out = vec![builtin.clone()];
    for (v, _) in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// The lines default `d` takes (see [`choose`]); [`LOST`] for each node it cannot be written for.
fn cost<T: PartialEq>(d: &T, builtin: &T, values: &[(T, bool)], expressible: &impl Fn(&T, &T) -> bool) -> usize {
    let own = usize::from(d != builtin);
    own + values
        .iter()
        .map(|(v, can)| {
            if v == d {
                0
            } else if *can && expressible(v, d) {
                1
            } else {
                LOST
            }
        })
        .sum::<usize>()
}

fn any<T>(_: &T, _: &T) -> bool {
    true
}

/// An `Option` value can be written under a default unless it is `None` and the default is not
/// (a node cannot take a default away).
fn some_or_none<T>(v: &Option<T>, d: &Option<T>) -> bool {
    v.is_some() || d.is_none()
}

/// The key-match policy of a menu under a default: `full_length` without a length cannot be
/// written under a default that gives one.
fn key_match_ok(v: &KeyMatchPolicy, d: &KeyMatchPolicy) -> bool {
    !matches!(
        (v, d),
        (
            KeyMatchPolicy::FullLength { digit_len: None },
            KeyMatchPolicy::FullLength { digit_len: Some(_) }
        )
    )
}

/// The defaults chosen for the listening settings, hold announcements and no-operator plan.
struct Chosen {
    timeout: Duration,
    inter_digit_timeout: Duration,
    max_no_input: Retries,
    max_no_match: Retries,
    counting: Counting,
    fallback_no_input: Option<String>,
    fallback_no_match: Option<String>,
    no_input: String,
    no_match: String,
    barge_in: bool,
    type_ahead: bool,
    key_match: KeyMatchPolicy,
    hold_every: Duration,
    hold_prompt: Option<String>,
    hold_expected_wait: Option<String>,
    hold_periodic: Option<String>,
    hold_exit: Option<String>,
    when_no_operator: Option<String>,
}

fn flow_of<T>(v: Option<&T>, f: impl Fn(&T) -> Y) -> Option<String> {
    v.map(|v| f(v).flow())
}

/// What a node writes of its fallbacks, under `defaults.fallback` `df` and the chosen
/// `defaults.fallback_no_input`/`_no_match`: `(fallback, fallback_no_input, fallback_no_match)`,
/// or `None` when no fields give the node's back. `unlimited`: whether the node writes
/// `max_no_input: unlimited` / `max_no_match: unlimited` itself (a kind's own fallback beside
/// it on the node is E016).
type Fallbacks = (Option<String>, Option<String>, Option<String>);

fn fallbacks_written(
    node: (Option<&str>, Option<&str>, Option<&str>),
    df: Option<&str>,
    (dni, dnm): (Option<&str>, Option<&str>),
    (unl_i, unl_m): (bool, bool),
) -> Option<Fallbacks> {
    let (f, ni, nm) = node;
    let own = |v: Option<&str>| v.map(str::to_owned);
    // Without the node's own `fallback`: it inherits `df` and the kinds' defaults.
    if f == df {
        let kind = |v: Option<&str>, d: Option<&str>, unlimited: bool| -> Option<Option<String>> {
            match v {
                _ if v == d => Some(None),
                Some(v) if !unlimited => Some(Some(v.to_owned())),
                _ => None,
            }
        };
        if let (Some(wi), Some(wm)) = (kind(ni, dni, unl_i), kind(nm, dnm, unl_m)) {
            return Some((None, wi, wm));
        }
    }
    // With it: the kinds' defaults are not inherited; all three at once is E016.
    if f.is_some() && !(ni.is_some() && nm.is_some()) && !(unl_i && ni.is_some()) && !(unl_m && nm.is_some()) {
        return Some((own(f), own(ni), own(nm)));
    }
    None
}

fn fallback_cost(w: &Option<Fallbacks>) -> usize {
    match w {
        Some((a, b, c)) => [a, b, c].iter().filter(|x| x.is_some()).count(),
        None => LOST,
    }
}

struct Writer<'a> {
    menu: &'a Menu,
    options: &'a WriteOptions<'a>,
    lost: Vec<String>,
}

/// The menus and collects of `menu`, with their listening settings.
fn listens(menu: &Menu) -> impl Iterator<Item = (&Node, &Listen)> {
    menu.nodes.iter().filter_map(|n| n.kind.listen().map(|l| (n, l)))
}

/// The transfers of `menu`.
fn transfers(menu: &Menu) -> impl Iterator<Item = (&Node, &TransferNode)> {
    menu.nodes.iter().filter_map(|n| match &n.kind {
        NodeKind::Transfer(t) => Some((n, t)),
        _ => None,
    })
}

fn no_input_of(l: &Listen) -> &Vec<Prompt> {
    &l.no_input
}

fn no_match_of(l: &Listen) -> &Vec<Prompt> {
    &l.no_match
}

impl<'a> Writer<'a> {
    fn lose(&mut self, what: String) {
        self.lost.push(what);
    }

    fn listens(&self) -> impl Iterator<Item = (&'a Node, &'a Listen)> + 'a {
        listens(self.menu)
    }

    fn transfers(&self) -> impl Iterator<Item = (&'a Node, &'a TransferNode)> + 'a {
        transfers(self.menu)
    }

    fn choose_defaults(&self) -> Chosen {
        let is_menu = |n: &Node| matches!(n.kind, NodeKind::Menu(_));
        let of = |f: &dyn Fn(&Listen) -> Duration| -> Vec<(Duration, bool)> {
            self.listens().map(|(_, l)| (f(l), true)).collect()
        };
        let mut timeouts = of(&|l| l.timeout);
        timeouts.extend(self.menu.nodes.iter().filter_map(|n| match &n.kind {
            NodeKind::Record(r) => Some((r.timeout, true)),
            _ => None,
        }));
        let retries = |f: &dyn Fn(&Listen) -> Retries| -> Vec<(Retries, bool)> {
            self.listens().map(|(_, l)| (f(l), true)).collect()
        };
        let counting: Vec<(Counting, bool)> = self.listens().map(|(_, l)| (l.counting, true)).collect();
        let reprompts = |f: &dyn Fn(&Listen) -> &Vec<Prompt>| -> Vec<(String, bool)> {
            self.listens().map(|(_, l)| (prompts(f(l)).flow(), true)).collect()
        };
        let mut barge_in: Vec<(bool, bool)> = self.listens().map(|(_, l)| (l.barge_in, true)).collect();
        barge_in.extend(self.menu.nodes.iter().filter_map(|n| match &n.kind {
            NodeKind::Message(m) => Some((m.barge_in, true)),
            _ => None,
        }));
        let type_ahead: Vec<(bool, bool)> = self.listens().map(|(n, l)| (l.type_ahead, is_menu(n))).collect();
        let key_match: Vec<(KeyMatchPolicy, bool)> = self.listens().map(|(n, l)| (l.key_match, is_menu(n))).collect();
        let holds: Vec<&Hold> = self.transfers().map(|(_, t)| &t.hold).collect();
        let opt = |f: &dyn Fn(&Hold) -> Option<String>| -> Vec<(Option<String>, bool)> {
            holds.iter().map(|h| (f(h), true)).collect()
        };
        let plans: Vec<(Option<String>, bool)> = self
            .transfers()
            .map(|(_, t)| (flow_of(t.when_no_operator.as_ref(), no_operator), true))
            .collect();
        let empty = Y::list(Vec::new()).flow();
        let mut c = Chosen {
            timeout: choose(lower::DEFAULT_TIMEOUT, &timeouts, any),
            inter_digit_timeout: self.menu.defaults.inter_digit_timeout,
            max_no_input: choose(
                Retries::Limit(lower::DEFAULT_MAX_RETRIES),
                &retries(&|l| l.max_no_input),
                any,
            ),
            max_no_match: choose(
                Retries::Limit(lower::DEFAULT_MAX_RETRIES),
                &retries(&|l| l.max_no_match),
                any,
            ),
            counting: choose(Counting::Visit, &counting, any),
            fallback_no_input: None,
            fallback_no_match: None,
            no_input: choose(empty.clone(), &reprompts(&no_input_of), any),
            no_match: choose(empty, &reprompts(&no_match_of), any),
            barge_in: choose(true, &barge_in, any),
            type_ahead: choose(false, &type_ahead, any),
            key_match: choose(KeyMatchPolicy::Early, &key_match, key_match_ok),
            hold_every: choose(
                DEFAULT_HOLD_EVERY,
                &holds.iter().map(|h| (h.every, true)).collect::<Vec<_>>(),
                any,
            ),
            hold_prompt: choose(None, &opt(&|h| flow_of(h.prompt.as_ref(), prompt)), some_or_none),
            hold_expected_wait: choose(
                None,
                &opt(&|h| flow_of(h.expected_wait.as_deref(), expected_wait)),
                some_or_none,
            ),
            hold_periodic: choose(None, &opt(&|h| flow_of(h.periodic.as_deref(), periodic)), some_or_none),
            hold_exit: choose(None, &opt(&|h| flow_of(h.exit.as_deref(), hold_exit)), some_or_none),
            when_no_operator: choose(None, &plans, some_or_none),
        };
        // The retry limits and the kinds' own fallbacks, together: a kind's fallback beside
        // `unlimited` retries of that kind in one place is E016.
        let ni = retries(&|l| l.max_no_input);
        let nm = retries(&|l| l.max_no_match);
        let builtin = Retries::Limit(lower::DEFAULT_MAX_RETRIES);
        // (cost, max_no_input, max_no_match, fallback_no_input, fallback_no_match)
        #[allow(clippy::type_complexity)]
        let mut best: Option<(usize, Retries, Retries, Option<String>, Option<String>)> = None;
        for a in candidates(&builtin, &ni).into_iter().take(8) {
            for b in candidates(&builtin, &nm).into_iter().take(8) {
                let (fc, dni, dnm) = self.fallback_defaults(a, b);
                let total = cost(&a, &builtin, &ni, &any) + cost(&b, &builtin, &nm, &any) + fc;
                if best.as_ref().is_none_or(|x| total < x.0) {
                    best = Some((total, a, b, dni, dnm));
                }
            }
        }
        if let Some((_, a, b, dni, dnm)) = best {
            c.max_no_input = a;
            c.max_no_match = b;
            c.fallback_no_input = dni;
            c.fallback_no_match = dnm;
        }
        c
    }

    /// Whether a node writes `max_no_input: unlimited` and `max_no_match: unlimited` itself
    /// under the default limits `mi` and `mm`.
    fn unlimited_on(l: &Listen, mi: Retries, mm: Retries) -> (bool, bool) {
        (
            l.max_no_input != mi && l.max_no_input == Retries::Unlimited,
            l.max_no_match != mm && l.max_no_match == Retries::Unlimited,
        )
    }

    /// The `defaults.fallback_no_input` and `_no_match` that write the fewest fields under the
    /// default retry limits `mi` and `mm`, with their cost.
    fn fallback_defaults(&self, mi: Retries, mm: Retries) -> (usize, Option<String>, Option<String>) {
        fn name(r: &Option<NodeRef>) -> Option<&str> {
            r.as_ref().map(|r| r.name.as_str())
        }
        let df = name(&self.menu.defaults.fallback);
        let nodes: Vec<_> = self
            .listens()
            .map(|(_, l)| {
                (
                    (
                        name(&l.fallback),
                        name(&l.fallback_no_input),
                        name(&l.fallback_no_match),
                    ),
                    Self::unlimited_on(l, mi, mm),
                )
            })
            .collect();
        #[allow(clippy::type_complexity)]
        let mode = |pick: &dyn Fn(&(Option<&str>, Option<&str>, Option<&str>)) -> Option<String>| {
            let values: Vec<(Option<String>, bool)> = nodes
                .iter()
                .filter(|(n, _)| n.0 == df)
                .map(|(n, _)| (pick(n), true))
                .collect();
            choose(None, &values, any)
        };
        let (ci, cm) = (mode(&|n| n.1.map(str::to_owned)), mode(&|n| n.2.map(str::to_owned)));
        [(None, None), (ci.clone(), None), (None, cm.clone()), (ci, cm)]
            .into_iter()
            // In `defaults` too: beside `unlimited`, or both beside `fallback`, is E016.
            .filter(|(i, m)| {
                !(i.is_some() && mi == Retries::Unlimited
                    || m.is_some() && mm == Retries::Unlimited
                    || i.is_some() && m.is_some() && df.is_some())
            })
            .map(|(dni, dnm)| {
                let total = usize::from(dni.is_some())
                    + usize::from(dnm.is_some())
                    + nodes
                        .iter()
                        .map(|(n, unl)| {
                            fallback_cost(&fallbacks_written(*n, df, (dni.as_deref(), dnm.as_deref()), *unl))
                        })
                        .sum::<usize>();
                (total, dni, dnm)
            })
            .min_by_key(|x| x.0)
            .unwrap_or((LOST, None, None))
    }

    fn root(&mut self) -> Y {
        let menu = self.menu;
        let mut root = Y::block();
        root.put("name", text(&menu.name));
        root.put("entry", node_ref(&menu.entry));
        self.audio_dir(&mut root);
        if menu.languages != ["en"] {
            root.put("languages", texts(&menu.languages));
        }
        if !menu.variables.is_empty() {
            root.put("variables", texts(&menu.variables));
        }
        if menu.self_service {
            root.put("self_service", boolean(true));
        }
        let chosen = self.choose_defaults();
        let defaults = self.defaults(&chosen);
        let section = |root: &mut Y, name: &str, value: Y| {
            root.put_entry(Entry {
                key: name.to_owned(),
                value,
                comments: Vec::new(),
                blank: true,
            });
        };
        if !defaults.is_empty_map() {
            section(&mut root, "defaults", defaults);
        }
        if !menu.schedules.is_empty() {
            let s = self.schedules();
            section(&mut root, "schedules", s);
        }
        if !menu.queues.is_empty() {
            let q = self.queues();
            section(&mut root, "queues", q);
        }
        if !menu.dispositions.is_empty() {
            let mut d = Y::block();
            for x in &menu.dispositions {
                d.put(&key(&x.code), text(&x.description));
            }
            section(&mut root, "dispositions", d);
        }
        let lint = &menu.lint;
        if lint.max_options.is_some()
            || lint.max_operator_keys.is_some()
            || lint.max_prompt.is_some()
            || !lint.allow.is_empty()
        {
            let mut l = Y::block();
            if let Some(n) = lint.max_options {
                l.put("max_options", raw(n.to_string()));
            }
            if let Some(n) = lint.max_operator_keys {
                l.put("max_operator_keys", raw(n.to_string()));
            }
            if let Some(d) = lint.max_prompt {
                l.put("max_prompt", dur(d));
            }
            if !lint.allow.is_empty() {
                l.put("allow", codes(&lint.allow));
            }
            section(&mut root, "lint", l);
        }
        let mut nodes = Y::block();
        for (i, n) in menu.nodes.iter().enumerate() {
            let value = self.node(n, &chosen);
            let comments = self.origin(n.span).into_iter().collect();
            nodes.put_entry(Entry {
                key: key(&n.id),
                value,
                comments,
                blank: i > 0,
            });
        }
        section(&mut root, "nodes", nodes);
        root
    }

    /// `from FILE: POINTER` or `from FILE:LINE:COLUMN` for `span`, when its file is known.
    fn origin(&self, span: Span) -> Option<String> {
        use codespan_reporting::files::Files;
        let sources = self.options.sources?;
        let name = Files::name(sources, span.file).ok()?;
        let at = match sources.pointer_of(span) {
            Some("") => format!("from {name}"),
            Some(p) => format!("from {name}: {p}"),
            None => {
                let lc = sources.line_col(span);
                format!("from {name}:{}:{}", lc.line, lc.column)
            }
        };
        Some(printable_line(&at).into_owned())
    }

    fn audio_dir(&mut self, root: &mut Y) {
        let menu = self.menu;
        let out = self.options.out_path.unwrap_or(&menu.path);
        let from = normalize_path(out.parent().unwrap_or(Path::new("")));
        let dir = normalize_path(&menu.audio_dir);
        if dir == from {
            return;
        }
        match relative(&dir, &from) {
            Some(p) if p.as_os_str().is_empty() => {}
            Some(p) => match p.to_str() {
                Some(s) => root.put("audio_dir", text(s)),
                None => self.lose(format!("`audio_dir` {} is not UTF-8 text", p.display())),
            },
            None => self.lose(format!(
                "`audio_dir` {} cannot be named from {}",
                dir.display(),
                from.display()
            )),
        }
    }

    fn defaults(&mut self, c: &Chosen) -> Y {
        let menu = self.menu;
        let d = &menu.defaults;
        let mut m = Y::block();
        if c.timeout != lower::DEFAULT_TIMEOUT {
            m.put("timeout", dur(c.timeout));
        }
        if c.inter_digit_timeout != lower::DEFAULT_INTER_DIGIT_TIMEOUT {
            m.put("inter_digit_timeout", dur(c.inter_digit_timeout));
        }
        let builtin = Retries::Limit(lower::DEFAULT_MAX_RETRIES);
        if c.max_no_input != builtin {
            m.put("max_no_input", retries(c.max_no_input));
        }
        if c.max_no_match != builtin {
            m.put("max_no_match", retries(c.max_no_match));
        }
        if c.counting != Counting::Visit {
            m.put("counting", raw(c.counting.name()));
        }
        if let Some(f) = &d.fallback {
            m.put("fallback", node_ref(f));
        }
        if let Some(f) = &c.fallback_no_input {
            m.put("fallback_no_input", text(f));
        }
        if let Some(f) = &c.fallback_no_match {
            m.put("fallback_no_match", text(f));
        }
        match (&d.operator, &d.fallback) {
            (Some(o), Some(f)) if o.name == f.name => {}
            (Some(o), _) => m.put("operator", node_ref(o)),
            (None, Some(_)) => self.lose("`defaults.operator` is none, but `defaults.fallback` is given".into()),
            (None, None) => {}
        }
        if let Some(x) = &d.main_menu {
            m.put("main_menu", node_ref(x));
        }
        let keys: Vec<_> = d.keys.iter().collect();
        if !keys.is_empty() {
            let mut k = Y::map();
            for (action, g) in keys {
                k.put(action.name(), q(g.key.as_str()));
            }
            m.put("keys", k);
        }
        if !c.barge_in {
            m.put("barge_in", boolean(false));
        }
        if c.type_ahead {
            m.put("type_ahead", boolean(true));
        }
        if let KeyMatchPolicy::FullLength { digit_len } = c.key_match {
            m.put("key_match", raw("full_length"));
            if let Some(n) = digit_len {
                m.put("digit_len", raw(n.to_string()));
            }
        }
        for (field, chosen, f) in [
            ("no_input", &c.no_input, no_input_of as fn(&Listen) -> &Vec<Prompt>),
            ("no_match", &c.no_match, no_match_of),
        ] {
            if let Some((_, l)) = self.listens().find(|(_, l)| prompts(f(l)).flow() == *chosen)
                && !f(l).is_empty()
            {
                m.put(field, prompts(f(l)));
            }
        }
        if let Some(g) = &d.goodbye {
            m.put("goodbye", prompt(g));
        }
        let hold = self.hold_of(None, c);
        if !hold.is_empty_map() {
            m.put("hold", hold);
        }
        if c.when_no_operator.is_some()
            && let Some(p) = self
                .transfers()
                .filter_map(|(_, t)| t.when_no_operator.as_ref())
                .find(|p| Some(no_operator(p).flow()) == c.when_no_operator)
        {
            m.put("when_no_operator", no_operator(p));
        }
        m
    }

    /// The `hold:` of a transfer (`Some`): the fields that differ from the chosen defaults;
    /// of `defaults` (`None`): the chosen defaults that are not the built-in ones.
    fn hold_of(&mut self, node: Option<(&str, &Hold)>, c: &Chosen) -> Y {
        let mut m = Y::map();
        let every = node.map_or(c.hold_every, |(_, h)| h.every);
        let base = if node.is_some() {
            c.hold_every
        } else {
            DEFAULT_HOLD_EVERY
        };
        if every != base {
            m.put("every", dur(every));
        }
        // The defaults' values are found in the transfers that have them.
        let holds: Vec<&Hold> = transfers(self.menu).map(|(_, t)| &t.hold).collect();
        let id = node.map(|(id, _)| id.to_owned());
        let mut field = |m: &mut Y, name: &str, chosen: &Option<String>, get: &dyn Fn(&Hold) -> Option<Y>| {
            let value = match node {
                Some((_, h)) => {
                    let v = get(h);
                    let flow = v.as_ref().map(Y::flow);
                    if flow == *chosen {
                        return;
                    }
                    if v.is_none() {
                        self.lost.push(format!(
                            "transfer `{}`: no `hold.{name}`, while the defaults have one",
                            id.as_deref().unwrap_or_default()
                        ));
                        return;
                    }
                    v
                }
                None => {
                    let Some(chosen) = chosen else { return };
                    holds.iter().filter_map(|h| get(h)).find(|y| y.flow() == *chosen)
                }
            };
            if let Some(v) = value {
                m.put(name, v);
            }
        };
        field(&mut m, "prompt", &c.hold_prompt, &|h| h.prompt.as_ref().map(prompt));
        field(&mut m, "expected_wait", &c.hold_expected_wait, &|h| {
            h.expected_wait.as_deref().map(expected_wait)
        });
        field(&mut m, "periodic", &c.hold_periodic, &|h| {
            h.periodic.as_deref().map(periodic)
        });
        field(&mut m, "exit", &c.hold_exit, &|h| h.exit.as_deref().map(hold_exit));
        m
    }

    fn schedules(&mut self) -> Y {
        let mut out = Y::block();
        for (name, s) in &self.menu.schedules {
            let weekly: Vec<Y> = s.periods.iter().filter_map(|p| self.period(name, p)).collect();
            let value = if s.closed.is_empty() && s.special.is_empty() {
                Y::L(weekly, Style::Block)
            } else {
                let mut m = Y::block();
                if !weekly.is_empty() {
                    m.put("weekly", Y::L(weekly, Style::Block));
                }
                if !s.closed.is_empty() {
                    m.put("closed", Y::list(s.closed.iter().map(dates).collect()));
                }
                if !s.special.is_empty() {
                    let special = s
                        .special
                        .iter()
                        .map(|sp| {
                            let mut m = Y::map();
                            m.put("date", dates(&sp.dates));
                            m.put("from", time(sp.from));
                            m.put("to", time(sp.to));
                            m
                        })
                        .collect();
                    m.put("special", Y::L(special, Style::Block));
                }
                m
            };
            out.put(&key(name), value);
        }
        out
    }

    fn period(&mut self, schedule: &str, p: &OpenPeriod) -> Option<Y> {
        let Some(d) = days(&p.days) else {
            self.lose(format!("schedule `{schedule}`: a period on no day of the week"));
            return None;
        };
        let mut m = Y::map();
        m.put("days", text(&d));
        m.put("from", time(p.from));
        m.put("to", time(p.to));
        Some(m)
    }

    fn queues(&mut self) -> Y {
        let mut out = Y::block();
        for (name, s) in &self.menu.queues {
            let mut m = Y::map();
            if let Some(n) = s.max_waiting {
                m.put("max_waiting", raw(n.to_string()));
            }
            if let Some(h) = &s.hours {
                m.put("hours", text(h));
            }
            if let Some(d) = s.max_wait {
                m.put("max_wait", dur(d));
            }
            if s.join_empty {
                m.put("join_empty", boolean(true));
            }
            if !s.leave_when_empty {
                m.put("leave_when_empty", boolean(false));
            }
            for r in NoOperatorReason::ALL {
                if let Some(p) = s.plans.get(r) {
                    m.put(r.field(), no_operator(p));
                }
            }
            out.put(&key(name), m);
        }
        out
    }

    fn node(&mut self, n: &Node, c: &Chosen) -> Y {
        let mut m = Y::block();
        m.put("kind", raw(n.kind.name()));
        if let Some(d) = &n.description {
            m.put("description", q(d));
        }
        if !n.lint_allow.is_empty() {
            m.put("lint_allow", codes(&n.lint_allow));
        }
        if !n.set.is_empty() {
            m.put("set", set_map(&n.set));
        }
        let opt_prompt = |m: &mut Y, p: &Option<Prompt>| {
            if let Some(p) = p {
                m.put("prompt", prompt(p));
            }
        };
        match &n.kind {
            NodeKind::Menu(x) => {
                m.put("prompt", prompt(&x.prompt));
                self.short_prompt(&mut m, &x.listen);
                let options = x.options.iter().map(|o| self.option(o)).collect();
                m.put("options", Y::L(options, Style::Block));
                self.listen(&mut m, n, &x.listen, c);
            }
            NodeKind::Message(x) => {
                m.put("prompt", prompt(&x.prompt));
                m.put("next", node_ref(&x.next));
                if x.barge_in != c.barge_in {
                    m.put("barge_in", boolean(x.barge_in));
                }
            }
            NodeKind::Collect(x) => {
                m.put("prompt", prompt(&x.prompt));
                self.short_prompt(&mut m, &x.listen);
                let mut d = Y::map();
                d.put("min", raw(x.min.to_string()));
                d.put("max", raw(x.max.to_string()));
                if let Some(t) = &x.terminator {
                    d.put("terminator", q(t.as_str()));
                }
                if let Some(k) = data_keys(x.data_keys) {
                    d.put("keys", q(&k));
                }
                m.put("digits", d);
                if let Some(p) = &x.pattern {
                    m.put("pattern", q(p.as_str()));
                }
                m.put("store", text(&x.store));
                m.put("next", node_ref(&x.next));
                self.listen(&mut m, n, &x.listen, c);
            }
            NodeKind::Route(x) => {
                let routes = x.routes.iter().map(|r| self.route(&n.id, r)).collect();
                m.put("routes", Y::L(routes, Style::Block));
                m.put("default", node_ref(&x.default));
            }
            NodeKind::Transfer(x) => {
                m.put("queue", text(&x.queue));
                if x.priority != Priority::Normal {
                    m.put("priority", priority(x.priority));
                }
                opt_prompt(&mut m, &x.prompt);
                if let Some(ctx) = &x.context {
                    m.put("context", texts(ctx));
                }
                let hold = self.hold_of(Some((&n.id, &x.hold)), c);
                if !hold.is_empty_map() {
                    m.put("hold", hold);
                }
                let plan = flow_of(x.when_no_operator.as_ref(), no_operator);
                if plan != c.when_no_operator {
                    match &x.when_no_operator {
                        Some(p) => m.put("when_no_operator", no_operator(p)),
                        None => self.lose(format!(
                            "transfer `{}`: no `when_no_operator`, while the defaults have one",
                            n.id
                        )),
                    }
                }
            }
            NodeKind::Hangup(x) => {
                opt_prompt(&mut m, &x.prompt);
                if x.reason != "self-service" {
                    m.put("reason", text(&x.reason));
                }
            }
            NodeKind::External(x) => {
                m.put("app", raw(x.app.name()));
                m.put("target", text(&x.name));
                opt_prompt(&mut m, &x.prompt);
                if let Some(on) = &x.on {
                    let mut o = Y::map();
                    o.put("success", node_ref(&on.success));
                    o.put("error", node_ref(&on.error));
                    m.put("on", o);
                }
                if x.store != DEFAULT_EXTERNAL_STORE {
                    m.put("store", text(&x.store));
                }
            }
            NodeKind::Record(x) => {
                opt_prompt(&mut m, &x.prompt);
                if !x.beep {
                    m.put("beep", boolean(false));
                }
                if x.max_length != DEFAULT_MAX_RECORDING {
                    m.put("max_length", dur(x.max_length));
                }
                if x.final_silence != DEFAULT_FINAL_SILENCE {
                    m.put("final_silence", dur(x.final_silence));
                }
                if x.timeout != c.timeout {
                    m.put("timeout", dur(x.timeout));
                }
                if let Some(t) = &x.terminator {
                    m.put("terminator", q(t.as_str()));
                }
                if x.store != DEFAULT_RECORDING_STORE {
                    m.put("store", text(&x.store));
                }
                m.put("next", node_ref(&x.next));
                if let Some(s) = &x.no_speech {
                    m.put("no_speech", node_ref(s));
                }
            }
            NodeKind::Callback(x) => {
                m.put("queue", text(&x.queue));
                m.put("number", text(&x.number));
                if x.priority != Priority::Normal {
                    m.put("priority", priority(x.priority));
                }
                opt_prompt(&mut m, &x.prompt);
                m.put("next", node_ref(&x.next));
            }
        }
        m
    }

    fn short_prompt(&self, m: &mut Y, l: &Listen) {
        if let Some(p) = &l.short_prompt {
            m.put("short_prompt", prompt(p));
        }
    }

    fn option(&self, o: &MenuOption) -> Y {
        let mut m = Y::map();
        match &o.pattern {
            Some(p) => m.put("pattern", q(p.as_str())),
            None => m.put("key", q(o.key.as_str())),
        }
        m.put("to", node_ref(&o.to));
        if !o.say.is_empty() {
            m.put("say", Y::list(o.say.iter().map(|k| text(k.as_str())).collect()));
        }
        if let Some(l) = &o.label {
            m.put("label", text(l));
        }
        if let Some(l) = &o.language {
            m.put("language", text(l));
        }
        if let Some(s) = &o.store {
            m.put("store", text(s));
        }
        if !o.set.is_empty() {
            m.put("set", set_map(&o.set));
        }
        m
    }

    fn route(&mut self, id: &str, r: &Route) -> Y {
        let mut when = Y::map();
        let (mut var, mut hours, mut language) = (false, false, false);
        for t in &r.when {
            let seen = match t {
                Test::Hours(_) => &mut hours,
                Test::Language(_) => &mut language,
                _ => &mut var,
            };
            if std::mem::replace(seen, true) {
                self.lose(format!(
                    "route `{id}`: a `when` with two tests of one sort (only the first is written)"
                ));
                continue;
            }
            match t {
                Test::Equals { var, value } => {
                    when.put("var", text(var));
                    when.put("equals", text(value));
                }
                Test::Matches { var, pattern } => {
                    when.put("var", text(var));
                    when.put("matches", q(pattern.as_str()));
                }
                Test::OneOf { var, values } => {
                    when.put("var", text(var));
                    when.put("in", texts(values));
                }
                Test::Hours(h) => when.put("hours", text(h)),
                Test::Language(l) => when.put("language", text(l)),
                Test::Compare { var, op, value } => {
                    when.put("var", text(var));
                    when.put(op.name(), number(*value));
                }
                Test::Between { var, low, high } => {
                    when.put("var", text(var));
                    when.put("between", Y::list(vec![number(*low), number(*high)]));
                }
            }
        }
        if r.when.is_empty() {
            self.lose(format!("route `{id}`: a `when` without a test"));
        }
        let mut m = Y::map();
        m.put("when", when);
        m.put("to", node_ref(&r.to));
        m
    }

    /// The listening settings of a menu or collect that differ from the chosen defaults.
    fn listen(&mut self, m: &mut Y, n: &Node, l: &Listen, c: &Chosen) {
        let is_menu = matches!(n.kind, NodeKind::Menu(_));
        for (field, list, chosen) in [
            ("no_input", &l.no_input, &c.no_input),
            ("no_match", &l.no_match, &c.no_match),
        ] {
            let y = prompts(list);
            if y.flow() != *chosen {
                m.put(field, y);
            }
        }
        if l.timeout != c.timeout {
            m.put("timeout", dur(l.timeout));
        }
        if l.inter_digit_timeout != c.inter_digit_timeout {
            m.put("inter_digit_timeout", dur(l.inter_digit_timeout));
        }
        if l.max_no_input != c.max_no_input {
            m.put("max_no_input", retries(l.max_no_input));
        }
        if l.max_no_match != c.max_no_match {
            m.put("max_no_match", retries(l.max_no_match));
        }
        if l.counting != c.counting {
            m.put("counting", raw(l.counting.name()));
        }
        fn name(r: &Option<NodeRef>) -> Option<&str> {
            r.as_ref().map(|r| r.name.as_str())
        }
        let df = name(&self.menu.defaults.fallback);
        match fallbacks_written(
            (
                name(&l.fallback),
                name(&l.fallback_no_input),
                name(&l.fallback_no_match),
            ),
            df,
            (c.fallback_no_input.as_deref(), c.fallback_no_match.as_deref()),
            Self::unlimited_on(l, c.max_no_input, c.max_no_match),
        ) {
            Some((f, ni, nm)) => {
                for (field, v) in [("fallback", f), ("fallback_no_input", ni), ("fallback_no_match", nm)] {
                    if let Some(v) = v {
                        m.put(field, text(&v));
                    }
                }
            }
            None => self.lose(format!("node `{}`: its fallbacks cannot be written", n.id)),
        }
        if l.barge_in != c.barge_in {
            m.put("barge_in", boolean(l.barge_in));
        }
        if l.type_ahead != c.type_ahead {
            if is_menu {
                m.put("type_ahead", boolean(l.type_ahead));
            } else {
                self.lose(format!("collect `{}`: `type_ahead` other than the defaults'", n.id));
            }
        }
        if l.key_match != c.key_match {
            if !is_menu {
                self.lose(format!("collect `{}`: `key_match` other than the defaults'", n.id));
                return;
            }
            match l.key_match {
                KeyMatchPolicy::Early => m.put("key_match", raw("early")),
                KeyMatchPolicy::FullLength { digit_len } => {
                    m.put("key_match", raw("full_length"));
                    match digit_len {
                        Some(d) => m.put("digit_len", raw(d.to_string())),
                        None if matches!(c.key_match, KeyMatchPolicy::FullLength { digit_len: Some(_) }) => {
                            self.lose(format!(
                                "menu `{}`: `full_length` without `digit_len`, while the defaults give one",
                                n.id
                            ));
                        }
                        None => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(path: &str, text: &str) -> (Menu, Sources, Vec<crate::diag::Diagnostic>) {
        let mut sources = Sources::new();
        let out = load_menu_text(Path::new(path), text.to_owned(), &mut sources);
        (out.menu.expect("a menu"), sources, out.diagnostics)
    }

    fn errors(sources: &Sources, d: &[crate::diag::Diagnostic]) -> String {
        crate::diag::render_plain(sources, d)
    }

    /// Writes `yaml`'s menu, loads the text back, writes it again: the two texts are the same
    /// (but for the comments of places) and the reloaded menu has no findings.
    fn round_trip(yaml: &str) -> String {
        let (m, sources, d) = load("t/m.yaml", yaml);
        assert!(d.is_empty(), "{}", errors(&sources, &d));
        let first = write(
            &m,
            &WriteOptions {
                sources: Some(&sources),
                ..Default::default()
            },
        );
        assert!(first.lost.is_empty(), "{:?}", first.lost);
        let (again, s2, d2) = load("t/m.yaml", &first.text);
        assert!(d2.is_empty(), "{}\n{}", first.text, errors(&s2, &d2));
        let second = write(&again, &WriteOptions::default());
        let plain = |t: &str| {
            t.lines()
                .filter(|l| !l.trim_start().starts_with("# from "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(plain(&first.text), plain(&second.text));
        assert_eq!(shape(&m), shape(&again), "{yaml}\n---\n{}", first.text);
        first.text
    }

    /// The menu without its places (its `Debug` text with every `Span` and the id index left
    /// out): all else the model holds.
    fn shape(menu: &Menu) -> String {
        let mut m = menu.clone();
        m.ids.clear();
        let span = regex::Regex::new(
            r"Span \{ file: FileId\(\d+\), start: \d+, end: \d+, pointer: (None|Some\(PointerId\(\d+\)\)) \}",
        )
        .unwrap();
        span.replace_all(&format!("{m:?}"), "Span").into_owned()
    }

    /// A small deterministic random source (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[(self.next() % from.len() as u64) as usize]
        }
    }

    /// A menu whose settings are scattered at random over `defaults` and the nodes (values
    /// from small pools, so that nodes share some): what the writer must find its defaults in.
    /// Some such menus have errors (two fallbacks and `fallback` on one node, …); the caller
    /// skips them.
    fn random_menu(seed: u64) -> String {
        let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let targets = ["t0", "t1", "end", "msg"];
        let lists = [
            "[{ text: \"Sorry?\" }]",
            "[{ text: \"Sorry?\" }, { text: \"Press 0.\" }]",
            "[]",
            "[{ text: \"What was that?\", audio: what.wav }]",
        ];
        let plans = [
            "{ action: hold, max_wait: 2m }",
            "{ action: message, prompt: { text: \"Busy.\" } }",
            "{ action: goto, to: end }",
            "{ action: callback, to: c0 }",
        ];
        let holds = [
            ("every", "45s"),
            ("prompt", "{ text: \"You are number {position}.\" }"),
            ("expected_wait", "{ handle_time: 4m, call_takers: 2 }"),
            ("periodic", "{ every: 60s, prompt: { text: \"Try our website.\" } }"),
            ("exit", "{ key: \"1\", to: msg }"),
        ];
        let mut y = String::from("name: Random\nentry: m0\n");
        let mut d = String::new();
        let mut field = |r: &mut Rng, out: &mut String, indent: &str, percent: u64, name: &str, values: &[&str]| {
            if r.chance(percent) {
                out.push_str(&format!("{indent}{name}: {}\n", r.pick(values)));
            }
        };
        #[allow(clippy::type_complexity)]
        let listen = |r: &mut Rng,
                      out: &mut String,
                      indent: &str,
                      menu: bool,
                      field: &mut dyn FnMut(&mut Rng, &mut String, &str, u64, &str, &[&str])| {
            field(r, out, indent, 30, "timeout", &["5s", "10s", "2s"]);
            field(r, out, indent, 20, "inter_digit_timeout", &["3s", "1500ms"]);
            field(r, out, indent, 30, "max_no_input", &["1", "3", "2"]);
            field(r, out, indent, 20, "max_no_match", &["1", "unlimited", "2"]);
            field(
                r,
                out,
                indent,
                20,
                "counting",
                &["shared", "freeswitch", "call", "visit"],
            );
            field(r, out, indent, 30, "fallback", &targets);
            field(r, out, indent, 20, "fallback_no_input", &targets);
            field(r, out, indent, 20, "fallback_no_match", &targets);
            field(r, out, indent, 20, "barge_in", &["true", "false"]);
            field(r, out, indent, 30, "no_input", &lists);
            field(r, out, indent, 30, "no_match", &lists);
            if menu {
                field(r, out, indent, 20, "type_ahead", &["true", "false"]);
                if r.chance(30) {
                    out.push_str(&format!("{indent}key_match: full_length\n"));
                    field(r, out, indent, 50, "digit_len", &["2", "3"]);
                } else {
                    field(r, out, indent, 10, "key_match", &["early"]);
                }
            }
        };
        listen(&mut r, &mut d, "  ", false, &mut field);
        if r.chance(30) {
            d.push_str("  key_match: full_length\n");
            field(&mut r, &mut d, "  ", 50, "digit_len", &["2", "4"]);
        }
        field(&mut r, &mut d, "  ", 20, "type_ahead", &["true", "false"]);
        field(&mut r, &mut d, "  ", 20, "operator", &targets);
        field(&mut r, &mut d, "  ", 20, "main_menu", &["m1"]);
        field(
            &mut r,
            &mut d,
            "  ",
            40,
            "keys",
            &["{ operator: \"0\", repeat: \"*\" }", "{ back: \"#\" }"],
        );
        field(&mut r, &mut d, "  ", 20, "goodbye", &["{ text: \"Bye.\" }"]);
        field(&mut r, &mut d, "  ", 40, "when_no_operator", &plans);
        let hold = |r: &mut Rng, indent: &str| -> String {
            let mut h = String::new();
            for (name, value) in holds {
                if r.chance(30) {
                    h.push_str(&format!("{indent}  {name}: {value}\n"));
                }
            }
            if h.is_empty() { h } else { format!("{indent}hold:\n{h}") }
        };
        d.push_str(&hold(&mut r, "  "));
        if !d.is_empty() {
            y.push_str(&format!("defaults:\n{d}"));
        }
        y.push_str("nodes:\n");
        for i in 0..4 {
            let next = ["m1", "m2", "m3", "c0"][i];
            y.push_str(&format!(
                "  m{i}:\n    kind: menu\n    prompt: {{ text: \"Menu {i}.\" }}\n    options:\n      - {{ key: \"1\", to: {next} }}\n      - {{ key: \"2\", to: t{} }}\n",
                i % 2
            ));
            field(&mut r, &mut y, "    ", 10, "short_prompt", &["{ text: \"Short.\" }"]);
            listen(&mut r, &mut y, "    ", true, &mut field);
        }
        for i in 0..2 {
            y.push_str(&format!(
                "  c{i}:\n    kind: collect\n    prompt: {{ text: \"Number.\" }}\n    digits: {{ min: 1, max: 4 }}\n    store: n{i}\n    next: {}\n",
                ["c1", "msg"][i]
            ));
            listen(&mut r, &mut y, "    ", false, &mut field);
        }
        y.push_str("  msg:\n    kind: message\n    prompt: { text: \"Note.\" }\n    next: rec\n");
        field(&mut r, &mut y, "    ", 30, "barge_in", &["true", "false"]);
        y.push_str("  rec:\n    kind: record\n    next: end\n");
        field(&mut r, &mut y, "    ", 30, "timeout", &["5s", "10s", "7s"]);
        for i in 0..2 {
            y.push_str(&format!("  t{i}:\n    kind: transfer\n    queue: q{i}\n"));
            field(&mut r, &mut y, "    ", 30, "when_no_operator", &plans);
            y.push_str(&hold(&mut r, "    "));
        }
        y.push_str("  end: { kind: hangup }\n");
        y
    }

    #[test]
    fn menus_with_settings_scattered_over_defaults_and_nodes_read_back_the_same() {
        let mut done = 0;
        for seed in 0..300 {
            let yaml = random_menu(seed);
            let (_, _, d) = load("t/m.yaml", &yaml);
            if d.iter().any(|d| d.severity() == crate::diag::Severity::Error) {
                continue;
            }
            let (m, _, _) = load("t/m.yaml", &yaml);
            let w = write(&m, &WriteOptions::default());
            assert!(w.lost.is_empty(), "seed {seed}: {:?}\n{yaml}", w.lost);
            if d.is_empty() {
                round_trip(&yaml);
            } else {
                let (again, s2, d2) = load("t/m.yaml", &w.text);
                assert_eq!(d2.len(), d.len(), "seed {seed}\n{}", errors(&s2, &d2));
                assert_eq!(shape(&m), shape(&again), "seed {seed}\n{yaml}\n---\n{}", w.text);
            }
            done += 1;
        }
        assert!(done >= 200, "only {done} of 300 random menus loaded without errors");
    }

    #[test]
    fn scalars_that_yaml_would_read_otherwise_are_quoted() {
        for s in [
            "#", "*", "0", "12", "yes", "No", "on", "OFF", "null", "~", "1.5", "true", " x", "x ", "a: b", "a #b",
            "&a", "!x", "%x", "@x", "-x", "?x", "'x", "\"x", "[x", "{x", "a,b", "", "a\nb", "x:", "y", "N",
        ] {
            assert!(!is_plain(s), "{s:?}");
        }
        for s in [
            "main",
            "main_menu",
            "report-line",
            "welcome.wav",
            "Example clinic line",
            "a/b.wav",
            "línea",
        ] {
            assert!(is_plain(s), "{s:?}");
        }
        assert_eq!(
            quoted("a\"b\\c\nd\te\u{7}\u{85}\u{2028}"),
            r#""a\"b\\c\nd\te\u0007\u0085\u2028""#
        );
    }

    #[test]
    fn durations_in_their_largest_whole_unit() {
        assert_eq!(duration(Duration::from_secs(5)), "5s");
        assert_eq!(duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(duration(Duration::from_secs(120)), "2m");
        assert_eq!(duration(Duration::from_secs(90)), "90s");
        assert_eq!(duration(Duration::from_secs(7200)), "2h");
        assert_eq!(duration(Duration::from_nanos(1500)), "1500ns");
        for d in [
            5_000_000_000u64,
            1_500_000_000,
            120_000_000_000,
            7_200_000_000_000,
            1_500,
            2_000,
        ] {
            let d = Duration::from_nanos(d);
            assert_eq!(parse_duration(&duration(d)), Ok(d));
        }
    }

    #[test]
    fn hostile_strings_survive() {
        let hostile = [
            "#",
            "*",
            "yes",
            "no",
            "null",
            "1.5",
            "0",
            "Press # then *: done",
            "She said \"hi\" # not a comment",
            "line one\nline two",
            "  leading and trailing  ",
            "tab\there",
            "Unicode: ñ, 日本語, emoji 📞, \u{2028} and \u{85}",
            "back\\slash 'single' & *alias and &anchor",
            "{position} [x] {a:digits}",
            "- dash",
            "? question",
        ];
        for h in hostile {
            let yaml = format!(
                "name: {name}\nentry: main\nnodes:\n  main:\n    kind: menu\n    description: {name}\n    prompt: {{ text: {name} }}\n    options:\n      - {{ key: \"1\", to: bye, label: {name} }}\n  bye:\n    kind: hangup\n    reason: {name}\n    set: {{ v: {name} }}\n",
                name = quoted(h)
            );
            let text = round_trip(&yaml);
            let (m, _, _) = load("t/m.yaml", &text);
            assert_eq!(m.name, h);
            assert_eq!(m.nodes[0].description.as_deref(), Some(h));
            let NodeKind::Menu(menu) = &m.nodes[0].kind else {
                panic!()
            };
            assert_eq!(menu.prompt.text, h);
            assert_eq!(menu.options[0].label.as_deref(), Some(h));
            let NodeKind::Hangup(bye) = &m.nodes[1].kind else {
                panic!()
            };
            assert_eq!(bye.reason, h);
            assert!(matches!(&m.nodes[1].set[0].value, SetValue::Text(t) if t == h));
        }
    }

    #[test]
    fn hostile_ids_queues_and_keys_survive() {
        let ids = ["yes", "0", "a: b", "#x", "*star", "on", "x y", "ñ"];
        let mut yaml = String::from("name: T\nentry: \"yes\"\nnodes:\n");
        for (i, id) in ids.iter().enumerate() {
            let next = ids.get(i + 1).map_or("end".to_owned(), |n| quoted(n));
            yaml.push_str(&format!(
                "  {}:\n    kind: menu\n    prompt: {{ text: Hi }}\n    options:\n      - {{ key: \"#\", to: {next} }}\n      - {{ key: \"*0\", to: q }}\n",
                quoted(id)
            ));
        }
        yaml.push_str("  end: { kind: hangup }\n  q: { kind: transfer, queue: \"no\", priority: 4 }\n");
        let text = round_trip(&yaml);
        let (m, _, _) = load("t/m.yaml", &text);
        for id in ids {
            assert!(m.find(id).is_some(), "{id} in\n{text}");
        }
        let NodeKind::Transfer(t) = &m.node(m.find("q").unwrap()).kind else {
            panic!()
        };
        assert_eq!((t.queue.as_str(), t.priority.level()), ("no", 4));
    }

    #[test]
    fn shared_settings_become_defaults_and_differences_stay_on_nodes() {
        let yaml = r#"
name: T
entry: a
nodes:
  a:
    kind: menu
    prompt: { text: A }
    timeout: 10s
    no_input: [{ text: "Sorry?" }]
    fallback: op
    options: [{ key: "1", to: b }]
  b:
    kind: menu
    prompt: { text: B }
    timeout: 10s
    no_input: [{ text: "Sorry?" }]
    fallback: op
    options: [{ key: "1", to: c }]
  c:
    kind: menu
    prompt: { text: C }
    timeout: 7s
    no_input: [{ text: "Sorry?" }]
    options: [{ key: "1", to: op }]
  op: { kind: transfer, queue: q }
"#;
        let text = round_trip(yaml);
        let defaults = text.split("\nnodes:").next().unwrap();
        assert!(defaults.contains("timeout: 10s"), "{text}");
        assert!(defaults.contains("no_input:"), "{text}");
        assert!(text.contains("timeout: 7s"), "{text}");
        assert_eq!(text.matches("Sorry?").count(), 1, "{text}");
    }

    #[test]
    fn nodes_say_where_they_came_from() {
        let mut sources = Sources::new();
        let file = sources.add("flow.json", "{}");
        let xml = sources.add("demo_ivr.xml", "<a>\n    <menu/>\n</a>\n");
        let mut b = build::MenuBuilder::new(Path::new("flow.json"), "Flow", sources.pointer(file, ""));
        let entry = b.reference("main", sources.pointer(file, "/StartAction"));
        b.entry(entry);
        let at = sources.pointer(file, "/Actions/12");
        b.add_node(
            build::At::new("main".into(), at),
            Some("Connect block 12ab".into()),
            build::NodeSpec::Hangup(HangupNode {
                prompt: None,
                reason: "done".into(),
            }),
        );
        let place = Span {
            file: xml,
            start: 8,
            end: 14,
            pointer: None,
        };
        b.add_node(
            build::At::new("second".into(), place),
            None,
            build::NodeSpec::Hangup(HangupNode {
                prompt: None,
                reason: "self-service".into(),
            }),
        );
        let (menu, findings) = b.finish();
        assert!(findings.is_empty());
        let text = to_yaml(
            &menu,
            &sources,
            &["Imported by ivrsim from flow.json (Amazon Connect)".into()],
        );
        assert!(
            text.starts_with("# Imported by ivrsim from flow.json (Amazon Connect)\n"),
            "{text}"
        );
        assert!(text.contains("  # from flow.json: /Actions/12\n  main:\n"), "{text}");
        assert!(text.contains("description: \"Connect block 12ab\""), "{text}");
        assert!(text.contains("  # from demo_ivr.xml:2:5\n  second:\n"), "{text}");
    }

    #[test]
    fn audio_dir_is_relative_to_the_file_written() {
        let yaml = "name: T\nentry: a\naudio_dir: ../audio/x\nnodes:\n  a: { kind: hangup, prompt: { text: Bye, audio: sub/bye.wav } }\n";
        let (m, _, d) = load("menus/m.yaml", yaml);
        assert!(d.is_empty());
        assert_eq!(m.audio_dir, Path::new("audio/x"));
        let here = write(&m, &WriteOptions::default()).text;
        assert!(here.contains("audio_dir: \"../audio/x\""), "{here}");
        assert!(here.contains("audio: sub/bye.wav"), "{here}");
        let out = Path::new("out/deep/m.yaml");
        let there = write(
            &m,
            &WriteOptions {
                out_path: Some(out),
                ..Default::default()
            },
        )
        .text;
        let (again, _, d) = load("out/deep/m.yaml", &there);
        assert!(d.is_empty());
        assert_eq!(again.audio_dir, m.audio_dir, "{there}");
        let NodeKind::Hangup(h) = &again.nodes[0].kind else {
            panic!()
        };
        assert_eq!(
            h.prompt.as_ref().unwrap().audio.as_ref().unwrap().path,
            Path::new("audio/x/sub/bye.wav")
        );
        let beside = write(
            &m,
            &WriteOptions {
                out_path: Some(Path::new("audio/x/m.yaml")),
                ..Default::default()
            },
        )
        .text;
        assert!(!beside.contains("audio_dir"), "{beside}");
    }

    #[test]
    fn numbers_of_routes_read_back() {
        let yaml = "name: T\nentry: r\nnodes:\n  r:\n    kind: route\n    routes:\n      - { when: { var: n, between: [-2.5, 1e300] }, to: e }\n      - { when: { var: n, less_than: 0.1 }, to: e }\n      - { when: { var: n, at_least: 3 }, to: e }\n    default: e\n  e: { kind: hangup }\nvariables: [n]\n";
        let text = round_trip(yaml);
        let (m, _, _) = load("t/m.yaml", &text);
        let NodeKind::Route(r) = &m.nodes[0].kind else { panic!() };
        assert!(matches!(r.routes[0].when[0], Test::Between { low, high, .. } if low == -2.5 && high == 1e300));
        assert!(matches!(r.routes[1].when[0], Test::Compare { value, .. } if value == 0.1));
    }
}
