//! Indentation mistakes. YAML nests by indentation, so a line moved left or right by a few
//! spaces, or indented with a tab, makes the parser report something else: an unknown field
//! (`text` under a node instead of under its `prompt:`), a field read as a node id (a dedented
//! `next:`), or its own raw text ("did not find expected key") about a neighbouring line. This
//! module recognises those shapes from the file's lines and rewrites the finding to say what
//! happened, at the line that moved.
//!
//! It serves every file read by [`super::load::parse_file`] (menus, included files, scenario
//! and training files) and the node fields the lowering finds unknown. The shapes, each with a
//! fixture under `tests/fixtures/indent/`:
//!
//! - **tab**: a YAML error on, just before or just after a line whose indentation holds a tab
//!   (YAML forbids tabs there): the finding points at the tab.
//! - **more than its siblings**: a YAML error at a line indented more than the `key: value`
//!   line before it (which can have nothing under it).
//! - **between levels**: a YAML error at a line indented less than the line before it but to a
//!   column no line above it opens (e.g. 5 spaces between items at 6 and keys at 4), a list
//!   item dedented to the column of mapping keys, or a key dedented to the `-` of the list item
//!   it continues: "this line is indented less than its siblings", with the siblings shown.
//!   The words follow the direction of the move: a line nearer the column below it (an item
//!   at 7 after `- { ... }` at 6, a field at 5 after a nested mapping at 8) is "indented more
//!   than its siblings". An item stands only at a `-` column, a key only at a column of keys,
//!   and `- { ... }` or `- text` opens no column after its `-`.
//! - **under an empty key**: an unknown field on a line right after `key:` with no value, at
//!   the same column, when the format's `key` takes that field (`prompt:` then `text:`).
//! - **over-indented field**: an unknown field at the column of the fields of a mapping
//!   (`prompt:` then `text:`) whose name goes with the keys of a mapping further out (`options`
//!   beside `prompt` in a node): "`options` is indented as a field of `prompt`; it belongs to
//!   node `welcome`", with the column of `prompt:` to use.
//! - **dedented field**: a wrong-shaped value (E003) on a line indented less than the one
//!   before, whose key is a field name of the format (`next: main` at the column of node ids,
//!   read as a node `next`).

use std::collections::{HashMap, HashSet};

use schemars::JsonSchema;
use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span};

/// The field names of a file format, from its JSON Schema (the same `Raw*` types the loader
/// reads): every field name, and for each field that holds a mapping, that mapping's fields.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    all: HashSet<String>,
    children: HashMap<String, HashSet<String>>,
    /// The fields of each kind of mapping.
    mappings: Vec<HashSet<String>>,
}

impl Fields {
    /// The fields of the format read into `T`.
    pub(crate) fn of<T: JsonSchema>() -> Self {
        let root = schemars::SchemaGenerator::default().into_root_schema_for::<T>();
        let root = root.as_value();
        let mut fields = Self::default();
        let mut seen = HashSet::new();
        fields.walk(root, root, &mut seen);
        fields
    }

    fn walk(&mut self, root: &Value, v: &Value, seen: &mut HashSet<*const Value>) {
        let v = resolve(root, v);
        if !seen.insert(std::ptr::from_ref(v)) {
            return;
        }
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    self.mappings.push(props.keys().cloned().collect());
                    for (name, sub) in props {
                        self.all.insert(name.clone());
                        let mut kids = HashSet::new();
                        properties(root, sub, &mut kids, 0);
                        self.children.entry(name.clone()).or_default().extend(kids);
                    }
                }
                for sub in map.values() {
                    self.walk(root, sub, seen);
                }
            }
            Value::Array(items) => {
                for sub in items {
                    self.walk(root, sub, seen);
                }
            }
            _ => {}
        }
    }

    /// Whether some kind of mapping of the format takes all of `names`.
    fn one_mapping(&self, names: &[&str]) -> bool {
        self.mappings.iter().any(|m| names.iter().all(|n| m.contains(*n)))
    }

    /// Whether the mapping under field `parent` takes the field `child`.
    fn takes(&self, parent: &str, child: &str) -> bool {
        self.children.get(parent).is_some_and(|c| c.contains(child))
    }
}

/// The fields of the menu format ([`crate::menu::raw::RawMenu`]), built once.
pub(crate) fn menu_fields() -> &'static Fields {
    static FIELDS: std::sync::LazyLock<Fields> = std::sync::LazyLock::new(Fields::of::<crate::menu::raw::RawMenu>);
    &FIELDS
}

/// `v`, or what its `$ref` names.
fn resolve<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    for _ in 0..16 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target) = r.strip_prefix('#').and_then(|p| root.pointer(p)) else {
            break;
        };
        v = target;
    }
    v
}

/// The field names of the mapping(s) `v` describes, looking through `$ref`, `anyOf`, `oneOf`,
/// `allOf` and list `items` (a field that holds a list of mappings takes their fields).
fn properties(root: &Value, v: &Value, out: &mut HashSet<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    let v = resolve(root, v);
    if let Some(Value::Object(props)) = v.get("properties") {
        out.extend(props.keys().cloned());
    }
    for k in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(alts)) = v.get(k) {
            for a in alts {
                properties(root, a, out, depth + 1);
            }
        }
    }
    if let Some(items) = v.get("items") {
        properties(root, items, out, depth + 1);
    }
}

/// One line of the file that holds something (not blank, not only a comment).
#[derive(Debug)]
struct Line<'a> {
    /// 1-based line number.
    no: usize,
    /// Byte offset of the line's start.
    start: usize,
    /// Leading spaces (and tabs), in characters.
    indent: usize,
    /// Byte offset of the first tab in the indentation, if any.
    tab: Option<usize>,
    /// Whether the line starts a list item (`- ...`).
    item: bool,
    /// The column (0-based) of what follows `- ` on an item line, else `indent`.
    inner: usize,
    /// The key, when the line (after `- `) is `key:` or `key: value`.
    key: Option<&'a str>,
    /// Whether that key has nothing after it on the line (a comment aside).
    empty: bool,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        out.extend(line(i + 1, start, raw));
        start += raw.len();
    }
    out
}

/// Line `no`, starting at byte `start` with text `raw`, unless it is blank or only a comment.
fn line(no: usize, start: usize, raw: &str) -> Option<Line<'_>> {
    let body = raw.trim_end_matches(['\n', '\r']);
    let rest = body.trim_start_matches([' ', '\t']);
    if rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    let lead = &body[..body.len() - rest.len()];
    let indent = lead.chars().count();
    let tab = lead.find('\t').map(|t| start + t);
    let (item, after) = match rest.strip_prefix('-') {
        Some(a) if a.is_empty() || a.starts_with([' ', '\t']) => (true, a.trim_start_matches([' ', '\t'])),
        _ => (false, rest),
    };
    let inner = indent + (rest.len() - after.len());
    let (key, empty) = match key_of(after) {
        Some((k, value)) => {
            let v = value.trim();
            (Some(k), v.is_empty() || v.starts_with('#'))
        }
        None => (None, false),
    };
    Some(Line {
        no,
        start,
        indent,
        tab,
        item,
        inner,
        key,
        empty,
    })
}

/// The line holding byte `offset` (line number `no`), and the nearest line above it that holds
/// something; found by looking at those lines only, so that a finding per node stays cheap.
fn line_and_previous(text: &str, offset: usize, no: usize) -> Option<(Line<'_>, Line<'_>)> {
    let start_of = |off: usize| text[..off].rfind('\n').map_or(0, |i| i + 1);
    let end_of = |off: usize| text[off..].find('\n').map_or(text.len(), |i| off + i + 1);
    let at = start_of(offset.min(text.len()));
    let here = line(no, at, &text[at..end_of(at)])?;
    let (mut s, mut n) = (at, no);
    loop {
        if s == 0 || n <= 1 {
            return None;
        }
        let p = start_of(s - 1);
        n -= 1;
        if let Some(prev) = line(n, p, &text[p..s]) {
            return Some((here, prev));
        }
        s = p;
    }
}

/// `key` and what follows `key:` when `s` starts with a plain or quoted key and a colon.
fn key_of(s: &str) -> Option<(&str, &str)> {
    let (key, rest) = if let Some(q) = s.strip_prefix(['"', '\'']) {
        let quote = s.chars().next()?;
        let end = q.find(quote)?;
        (&q[..end], &q[end + 1..])
    } else {
        let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?;
        (&s[..end], &s[end..])
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let value = rest.strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with([' ', '\t'])) || key.is_empty() {
        return None;
    }
    Some((key, value))
}

fn spaces(n: usize) -> String {
    format!("{n} space{}", if n == 1 { "" } else { "s" })
}

/// The span of the word at column `col` (0-based, in characters) of line `l`.
fn col_span(file: FileId, text: &str, l: &Line<'_>, col: usize) -> Span {
    let body = &text[l.start..];
    let end = body.find(['\n', '\r']).unwrap_or(body.len());
    let body = &body[..end];
    let at = body.char_indices().nth(col).map_or(body.len(), |(b, _)| b);
    let word = body[at..]
        .find([' ', ':'])
        .unwrap_or(body.len() - at)
        .max(1)
        .min(body.len() - at);
    Span {
        file,
        start: (l.start + at) as u32,
        end: (l.start + at + word) as u32,
        pointer: None,
    }
}

/// The span of a line's indentation and first word, for the caret.
fn line_span(file: FileId, text: &str, l: &Line<'_>) -> Span {
    let body = &text[l.start..];
    let end = body.find(['\n', '\r']).unwrap_or(body.len());
    let content = body[..end].trim_start_matches([' ', '\t']);
    let lead = end - content.len();
    let word = content
        .find([' ', ':'])
        .unwrap_or(content.len())
        .max(1)
        .min(content.len());
    Span {
        file,
        start: (l.start + lead) as u32,
        end: (l.start + lead + word) as u32,
        pointer: None,
    }
}

/// `d` rewritten when an indentation mistake explains it, else `d` unchanged. `fields` are the
/// format's fields (see [`Fields::of`]).
pub(crate) fn explain(sources: &Sources, file: FileId, fields: &Fields, d: Diagnostic) -> Diagnostic {
    if d.primary.span.file != file {
        return d;
    }
    let text = sources.text(file);
    let at = sources.line_col(d.primary.span).line;
    let all = lines(text);
    let Some(pos) = all.iter().position(|l| l.no >= at) else {
        return d;
    };
    let parser_said = |d: &Diagnostic| format!("the YAML parser said: {}", d.message);
    match d.code {
        Code::YamlSyntax => {
            // A tab in the indentation of the error's line or a neighbour.
            let near = pos.saturating_sub(1)..(pos + 2).min(all.len());
            let first = pos.saturating_sub(1);
            if let Some(k) = all[near].iter().position(|l| l.tab.is_some()) {
                let l = &all[first + k];
                let t = l.tab.unwrap_or(l.start);
                let mut help = "YAML indents with spaces only: replace the tab with spaces".to_owned();
                // As many as the line above, when that one is indented with spaces.
                if let Some(above) = (first + k).checked_sub(1).map(|a| &all[a]).filter(|a| a.tab.is_none()) {
                    help.push_str(&format!(
                        " ({} to line up with line {}, or more to go under it)",
                        spaces(above.inner),
                        above.no
                    ));
                }
                return Diagnostic::new(
                    Code::YamlSyntax,
                    Span {
                        file,
                        start: t as u32,
                        end: t as u32 + 1,
                        pointer: None,
                    },
                    "this line is indented with a tab",
                )
                .label("a tab")
                .note(parser_said(&d))
                .help(help);
            }
            // The error's line indented more than the line above, which has its value already.
            if let Some(nd) = more_than_siblings(file, text, &all, pos).filter(|_| all[pos].no == at) {
                return nd.note(parser_said(&d));
            }
            // The error's line, or the one after (the parser may stop at the line before).
            for i in [pos, pos + 1] {
                if let Some(nd) = between_levels(file, text, &all, i) {
                    return nd.note(parser_said(&d));
                }
            }
            d
        }
        Code::UnknownField => match under_empty_key(sources, file, fields, &d) {
            Some((nd, _)) => nd,
            None => over_indented_field(sources, file, fields, &d).unwrap_or(d),
        },
        Code::WrongType => {
            let l = &all[pos];
            let Some(key) = l.key.filter(|_| l.no == at) else {
                return d;
            };
            let Some(prev) = pos.checked_sub(1).map(|p| &all[p]) else {
                return d;
            };
            if l.inner >= prev.inner {
                return d;
            }
            // The siblings it left: the lines at the previous line's column (the first one is
            // shown); the key must be a field of the same kind of mapping as theirs (a node
            // called `operator` after a node's fields is not a dedented field), and there must be
            // such keys (not only list items).
            let mut sibling = prev;
            let mut keys = vec![key];
            for s in all[..pos].iter().rev() {
                if s.inner < prev.inner {
                    break;
                }
                if s.inner == prev.inner {
                    sibling = s;
                    keys.extend(s.key);
                }
            }
            if keys.len() < 2 || !fields.one_mapping(&keys) {
                return d;
            }
            let owner = all[..pos].iter().rev().find(|s| s.inner == l.inner && s.key.is_some());
            let read_as = owner.and_then(|o| o.key).map_or(String::new(), |o| {
                format!(", like `{o}` (line {})", owner.map_or(0, |o| o.no))
            });
            Diagnostic::new(Code::WrongType, line_span(file, text, l), "this line is indented less than its siblings")
                .label(format!("`{key}` starts at column {}, the fields above at column {}", l.inner + 1, prev.inner + 1))
                .with_secondary(line_span(file, text, sibling), "a sibling")
                .note(format!("so `{key}` is read as a key of the mapping further out{read_as}, and its value has the wrong shape there: {}", d.message))
                .help(format!("indent it {} to line up with `{}` on line {}", spaces(prev.inner), sibling.key.unwrap_or("the line"), sibling.no))
        }
        _ => d,
    }
}

/// The finding for line `i` when it is indented more than the line before it, a `key: value`
/// line (which can have nothing under it).
fn more_than_siblings(file: FileId, text: &str, all: &[Line<'_>], i: usize) -> Option<Diagnostic> {
    let l = all.get(i)?;
    let prev = all.get(i.checked_sub(1)?)?;
    let key = prev.key?;
    if prev.empty || l.indent <= prev.inner {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::YamlSyntax,
            line_span(file, text, l),
            "this line is indented more than its siblings",
        )
        .label(format!("{}, more than the line above", spaces(l.indent)))
        .with_secondary(
            col_span(file, text, prev, prev.inner),
            format!("`{key}` has its value on its line, so nothing goes under it"),
        )
        .help(format!(
            "indent it {} to line up with `{key}` on line {}",
            spaces(prev.inner),
            prev.no
        )),
    )
}

/// The finding for line `i` when it is indented to a column between the levels open above it.
fn between_levels(file: FileId, text: &str, all: &[Line<'_>], i: usize) -> Option<Diagnostic> {
    let l = all.get(i)?;
    let prev = all.get(i.checked_sub(1)?)?;
    if l.indent >= prev.inner {
        return None;
    }
    // Open levels above the line: (column, line index, is a `-` column).
    let mut open: Vec<(usize, usize, bool)> = Vec::new();
    for (j, a) in all[..i].iter().enumerate() {
        // An item closes what is deeper and the item before it, but not a key at its column
        // (`options:` with its items under it at the same column).
        while open
            .last()
            .is_some_and(|&(c, _, dash)| c > a.indent || (c == a.indent && (dash || !a.item)))
        {
            open.pop();
        }
        open.push((a.indent, j, a.item));
        // An item opens a mapping at the column after its `-` only when a key starts there
        // (`- key: value`); `- { ... }` or `- text` has nothing that a line could continue.
        if a.item && a.key.is_some() {
            open.push((a.inner, j, false));
        }
    }
    let mut closed: Vec<(usize, usize, bool)> = Vec::new();
    while open.last().is_some_and(|&(c, _, _)| c > l.indent) {
        closed.extend(open.pop());
    }
    // The nearest line above with something at the level's column, and that thing's span.
    let sibling_at = |level: &(usize, usize, bool)| -> (&Line<'_>, Span) {
        let s = all[..i]
            .iter()
            .rev()
            .find(|s| s.indent == level.0 || s.inner == level.0)
            .unwrap_or(&all[level.1]);
        (s, col_span(file, text, s, level.0))
    };
    let here = line_span(file, text, l);
    match open.last() {
        // Matches an open column: wrong only for a key at the `-` of an item it continues,
        // or an item at the column of mapping keys.
        Some(&(c, j, dash)) if c == l.indent => {
            let under_key = open.len() >= 2 && open[open.len() - 2].0 == c && !open[open.len() - 2].2;
            if dash && !l.item && !under_key {
                let item = &all[j];
                let sib = all[j..i].iter().rev().find(|s| s.inner == item.inner).unwrap_or(item);
                return Some(
                    Diagnostic::new(Code::YamlSyntax, here, "this line is indented less than its siblings")
                        .label(format!("at column {}, the `-` of the list item above", l.indent + 1))
                        .with_secondary(
                            col_span(file, text, sib, item.inner),
                            format!("a sibling, at column {}", item.inner + 1),
                        )
                        .help(format!(
                            "indent it {} to continue the item of line {}",
                            spaces(item.inner),
                            item.no
                        )),
                );
            }
            if l.item && !dash {
                let items = closed.iter().rev().find(|c| c.2)?;
                let (sib, sib_span) = sibling_at(items);
                return Some(
                    Diagnostic::new(
                        Code::YamlSyntax,
                        here,
                        "this list item is indented less than its siblings",
                    )
                    .label(format!("at column {}, the column of the keys above", l.indent + 1))
                    .with_secondary(sib_span, format!("a sibling item, at column {}", items.0 + 1))
                    .help(format!(
                        "indent it {} like the item on line {}",
                        spaces(items.0),
                        sib.no
                    )),
                );
            }
            None
        }
        // Between two open columns, or deeper than the deepest one (after an item whose value
        // is on its line). The line moved from the nearest column it can stand at: the level
        // above it (it is indented less) or the one below it (more); when both are as near,
        // the one above, as the parser closed it.
        outer => {
            // An item stands at a `-` column; a key at a column of keys.
            let up = closed.iter().rev().find(|c| c.2 == l.item);
            let down = outer.filter(|o| !o.2 || l.item);
            if up.is_none() && !(l.item || l.key.is_some()) {
                return None;
            }
            let more = match (up, down) {
                (Some(u), Some(o)) => l.indent - o.0 < u.0 - l.indent,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (None, None) => return None,
            };
            let (first, second) = if more { (down?, up) } else { (up?, down) };
            let (sib, sib_span) = sibling_at(first);
            let (message, label) = if more {
                (
                    "this line is indented more than its siblings",
                    format!("{}, {} more than line {}", spaces(l.indent), l.indent - first.0, sib.no),
                )
            } else {
                (
                    "this line is indented less than its siblings",
                    format!("{}: it lines up with no line above it", spaces(l.indent)),
                )
            };
            let mut nd = Diagnostic::new(Code::YamlSyntax, here, message)
                .label(label)
                .with_secondary(sib_span, format!("{} here", spaces(first.0)));
            let mut help = format!("indent it {} like line {}", spaces(first.0), sib.no);
            if let Some(o) = second {
                let (osib, osib_span) = sibling_at(o);
                nd = nd.with_secondary(osib_span, format!("{} here", spaces(o.0)));
                let where_ = if more { "further in" } else { "further out" };
                help.push_str(&format!(
                    ", or {} like line {} if it belongs {where_}",
                    spaces(o.0),
                    osib.no
                ));
            }
            Some(nd.help(help))
        }
    }
}

/// For an unknown-field finding `d`: when its line comes right after `parent:` with no value, at
/// the same column, and `parent` takes that field, the finding that says so, and `parent`.
pub(crate) fn under_empty_key<'t>(
    sources: &'t Sources,
    file: FileId,
    fields: &Fields,
    d: &Diagnostic,
) -> Option<(Diagnostic, &'t str)> {
    if d.primary.span.file != file {
        return None;
    }
    let text = sources.text(file);
    let at = sources.line_col(d.primary.span).line;
    let (ref l, ref prev) = line_and_previous(text, d.primary.span.start as usize, at)?;
    let field = l.key?;
    let parent = prev.key?;
    if !(prev.empty && prev.inner == l.inner && !l.item && fields.takes(parent, field)) {
        return None;
    }
    let nd = Diagnostic::new(
        Code::UnknownField,
        line_span(file, text, l),
        format!("`{field}` is indented as a sibling of `{parent}`, not as its field"),
    )
    .label(format!("this line is indented like `{parent}:` above it"))
    .with_secondary(
        line_span(file, text, prev),
        format!("`{parent}` has no value on its line"),
    )
    .note(format!(
        "read this way, `{field}` is an unknown field here, and `{parent}` is empty"
    ))
    .help(format!(
        "indent `{field}:` (and the lines of `{parent}` after it) 2 more spaces, under `{parent}:` on line {}",
        prev.no
    ));
    Some((nd, parent))
}

/// The lines above the line starting at byte `at` (line number `no`) that hold something,
/// nearest first; read one at a time, so that a finding per node stays cheap.
fn lines_above(text: &str, at: usize, no: usize) -> impl Iterator<Item = Line<'_>> {
    let (mut s, mut n) = (at.min(text.len()), no);
    std::iter::from_fn(move || {
        loop {
            if s == 0 || n <= 1 {
                return None;
            }
            let p = text[..s - 1].rfind('\n').map_or(0, |i| i + 1);
            n -= 1;
            let found = line(n, p, &text[p..s]);
            s = p;
            if found.is_some() {
                return found;
            }
        }
    })
}

/// How many mappings out [`over_indented_field`] looks for the one a field belongs to, and how
/// many lines above the field it reads.
const OVER_INDENTED_LEVELS: usize = 4;
/// See [`OVER_INDENTED_LEVELS`].
const OVER_INDENTED_LINES: usize = 4096;

/// The index in `above` (lines nearest first, from index `from`) of the line that holds the
/// mapping whose keys are at column `col`: the first one further left; for a `- key:` item (at
/// `col` after its `-`) the one left of its `-`.
fn holder(above: &[Line<'_>], from: usize, col: usize) -> Option<usize> {
    let mut col = col;
    for (k, a) in above.iter().enumerate().skip(from) {
        if a.inner < col {
            return Some(k);
        }
        if a.item && a.inner == col {
            col = a.indent;
        }
    }
    None
}

/// For an unknown-field finding `d`: when its line is a key indented as a field of the mapping
/// under `parent:` (a key with no value on its line, further left above it), and the key is no
/// field of that mapping but one of the mapping that holds `parent` (with `parent` and its
/// siblings there), or of one further out, the finding that says so: "`options` is indented
/// as a field of `prompt`; it belongs to node `welcome`".
pub(crate) fn over_indented_field(
    sources: &Sources,
    file: FileId,
    fields: &Fields,
    d: &Diagnostic,
) -> Option<Diagnostic> {
    if d.primary.span.file != file {
        return None;
    }
    let text = sources.text(file);
    let at = sources.line_col(d.primary.span).line;
    let offset = (d.primary.span.start as usize).min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i + 1);
    let l = line(at, start, &text[start..end])?;
    let field = l.key.filter(|_| !l.item)?;
    let above: Vec<Line<'_>> = lines_above(text, start, at).take(OVER_INDENTED_LINES).collect();
    // The mapping the field was read into, under `inside:`.
    let first = holder(&above, 0, l.inner)?;
    let inside = &above[first];
    let inside_name = inside.key.filter(|_| inside.empty)?;
    if fields.takes(inside_name, field) {
        return None;
    }
    // `welcome` as "node `welcome`" when it is under `nodes:`.
    let named = |k: usize| {
        let a = &above[k];
        let outer = holder(&above, k + 1, a.inner).and_then(|h| above[h].key);
        match (a.key, outer) {
            (Some(id), Some("nodes")) if !a.item => Some(format!("node `{id}`")),
            (Some(key), _) if !a.item => Some(format!("`{key}`")),
            _ => None,
        }
    };
    let inside_named = named(first)?;
    let mut p = first;
    for _ in 0..OVER_INDENTED_LEVELS {
        let parent = &above[p];
        let name = parent.key.filter(|_| parent.empty)?;
        // `parent` and the keys beside it, up to the line that holds them.
        let owner = holder(&above, p + 1, parent.inner);
        let mut keys = vec![name, field];
        let mut col = parent.inner;
        for a in &above[p + 1..owner.unwrap_or(above.len())] {
            if a.inner == col {
                keys.extend(a.key);
                if a.item {
                    col = a.indent;
                }
            }
        }
        if fields.one_mapping(&keys) && !keys[2..].contains(&field) {
            let belongs = match owner {
                None => "the top level".to_owned(),
                Some(o) => named(o).unwrap_or_else(|| format!("the list item of line {}", above[o].no)),
            };
            let mut nd = Diagnostic::new(
                Code::UnknownField,
                line_span(file, text, &l),
                format!("`{field}` is indented as a field of {inside_named}; it belongs to {belongs}"),
            )
            .label(format!("{}, like the fields of {inside_named}", spaces(l.inner)))
            .with_secondary(
                col_span(file, text, inside, inside.inner),
                format!("{inside_named} has no field `{field}`"),
            );
            if p != first {
                nd = nd.with_secondary(
                    col_span(file, text, parent, parent.inner),
                    format!("`{field}` goes beside `{name}`"),
                );
            }
            return Some(
                nd.note(match d.notes.first() {
                    Some(n) => format!("read this way, `{field}` is an unknown field of {inside_named} ({n})"),
                    None => format!("read this way, `{field}` is an unknown field of {inside_named}"),
                })
                .help(format!(
                    "indent it {} like `{name}:` on line {}",
                    spaces(parent.inner),
                    parent.no
                )),
            );
        }
        p = owner?;
    }
    None
}
