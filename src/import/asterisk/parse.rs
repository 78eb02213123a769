//! Reading `extensions.conf` text into contexts, extensions and priorities, as Asterisk's
//! config reader (`main/config.c`) and dialplan loader (`pbx/pbx_config.c`, `pbx_load_config`)
//! do, keeping the byte range of every part so findings point at `file:line:column`.
//!
//! - Lines are `name => value` or `name = value` (`=>` and `=` are the same, `config.c`
//!   `process_text_line`); `[name]` starts a section; `;` starts a comment to the end of the
//!   line, `\;` is a semicolon, `;--` … `--;` is a block comment that may span lines and nest
//!   (up to 128 levels, `MAX_NESTED_COMMENTS`).
//! - `[general]` and `[globals]` are not contexts; every other section is, and a section
//!   named twice is one context (`ast_context_find_or_create`).
//! - `exten => EXT,PRIO,App(args)`; `same => PRIO,App(args)` reuses the last `exten` of the
//!   context. `PRIO` is a number, `n` (the last priority written in this context plus one:
//!   `lastpri`, reset per context), `s`/`same` (the last one again), `hint` (not a step), a
//!   label of the extension, each optionally `+N` and `(label)`. The application is the text
//!   up to the first `(`, its argument the text up to the last `)`.
//! - A priority written twice for one extension is refused by Asterisk (`ast_add_extension2`
//!   without replace): the first is kept.
//!
//! Bounds (ours): lines of at most [`MAX_LINE_BYTES`] (Asterisk reads lines into an
//! 8,192-byte buffer, `config.c` `config_text_file_load`), at most [`MAX_CONTEXTS`] contexts
//! and [`MAX_PRIORITIES`] priorities; past them the rest is reported and left out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

/// Longest line read, in bytes: the size of Asterisk's line buffer (`char buf[8192]` in
/// `main/config.c`, `config_text_file_load`).
pub(crate) const MAX_LINE_BYTES: usize = 8192;
/// Most contexts read from one file (ours: far beyond any IVR dialplan).
pub(crate) const MAX_CONTEXTS: usize = 10_000;
/// Most priorities read from one file (ours).
pub(crate) const MAX_PRIORITIES: usize = 100_000;
/// Deepest nesting of `;--` block comments (`MAX_NESTED_COMMENTS` in `main/config.c`).
const MAX_NESTED_COMMENTS: usize = 128;

/// A finding made while reading, with byte ranges of the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Note {
    /// E022: this part cannot be read.
    Unreadable(Range<usize>, String),
    /// W027: read, but run differently: what is done instead, and what a caller notices.
    Approx(Range<usize>, String, String),
}

/// One step of an extension: `App(args)` at a priority.
#[derive(Debug, Clone)]
pub(crate) struct Priority {
    /// The priority number.
    pub number: u32,
    /// Its label (`n(menu)`), if any.
    pub label: Option<String>,
    /// The application's name as written (`Background`).
    pub app: String,
    /// The argument text between the parentheses, as written.
    pub args: String,
    /// Where the argument text starts in the file.
    pub args_start: usize,
    /// The whole step, from the priority to the end of the line's content.
    pub range: Range<usize>,
    /// The application's name and argument (`Background(main-menu)`).
    pub app_range: Range<usize>,
}

/// An extension of a context: a name (`1`, `s`, `_7XXX`, `leak`) and its priorities.
#[derive(Debug, Clone)]
pub(crate) struct Extension {
    /// The name as written (dashes kept).
    pub name: String,
    /// Where the name is first written.
    pub name_range: Range<usize>,
    /// The priorities by number.
    pub prios: BTreeMap<u32, Priority>,
    /// Labels to priority numbers.
    pub labels: HashMap<String, u32>,
}

/// A context: `[name]` and what it holds.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    /// The name.
    pub name: String,
    /// Where its (first) header is.
    pub range: Range<usize>,
    /// The extensions, in the order first written.
    pub exts: Vec<Extension>,
    /// Extension name to index in `exts`.
    pub by_name: HashMap<String, usize>,
    /// `include => other`, in order, with their places.
    pub includes: Vec<(String, Range<usize>)>,
}

/// A whole dialplan file.
#[derive(Debug, Default)]
pub(crate) struct Dialplan {
    /// The contexts, in file order.
    pub contexts: Vec<Context>,
    /// Context name to index.
    pub by_name: HashMap<String, usize>,
    /// `[general] autofallthrough`, with its place, if written.
    pub autofallthrough: Option<(bool, Range<usize>)>,
    /// `[globals]`: name to value and place.
    pub globals: HashMap<String, (String, Range<usize>)>,
    /// Names of variables some `Set()` assigns (so a global of that name is not a constant).
    pub assigned: HashSet<String>,
    /// `; ivrsim-entry: CONTEXT`: the entry context named in a comment, with its place.
    pub entry_hint: Option<(String, Range<usize>)>,
    /// Whether any context or extension was read at all.
    pub lines_read: usize,
}

/// What a section is.
enum Section {
    None,
    General,
    Globals,
    Context(usize),
    /// A section left out (past a limit): its lines are skipped.
    Skipped,
}

/// Replaces the comments of `line` by spaces (same byte length, so offsets stay those of the
/// file), or cuts the line at a `;` comment; `depth` is the block-comment nesting carried
/// from line to line. Returns the live text and the text of a `;` comment, if any.
pub(crate) fn decomment(line: &str, depth: &mut usize) -> (String, Option<String>) {
    let b = line.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut comment = None;
    while i < b.len() {
        let c = b[i];
        if *depth > 0 {
            if c == b'-' && b.get(i + 1) == Some(&b'-') && b.get(i + 2) == Some(&b';') {
                *depth -= 1;
                out.extend_from_slice(b"   ");
                i += 3;
                continue;
            }
            if c == b';' && b.get(i + 1) == Some(&b'-') && b.get(i + 2) == Some(&b'-') && b.get(i + 3) != Some(&b'-') {
                *depth = (*depth + 1).min(MAX_NESTED_COMMENTS);
                out.extend_from_slice(b"   ");
                i += 3;
                continue;
            }
            out.push(b' ');
            i += 1;
            continue;
        }
        if c == b';' {
            if i > 0 && b[i - 1] == b'\\' {
                out.push(c);
                i += 1;
                continue;
            }
            if b.get(i + 1) == Some(&b'-') && b.get(i + 2) == Some(&b'-') && b.get(i + 3) != Some(&b'-') {
                *depth = 1;
                out.extend_from_slice(b"   ");
                i += 3;
                continue;
            }
            comment = Some(String::from_utf8_lossy(&b[i + 1..]).into_owned());
            break;
        }
        out.push(c);
        i += 1;
    }
    // Only ASCII bytes were replaced, by ASCII spaces, and a cut is at an ASCII `;`: the
    // result is still UTF-8 (a multi-byte character inside a block comment becomes spaces).
    let live = String::from_utf8(out).unwrap_or_default();
    (live, comment)
}

/// Trims `s` (a slice of the line starting at byte `at` of the file): the trimmed text and
/// where it is.
pub(crate) fn trimmed(s: &str, at: usize) -> (&str, Range<usize>) {
    let start = s.len() - s.trim_start().len();
    let t = s.trim();
    (t, at + start..at + start + t.len())
}

/// Splits at the first `,` that is not inside `[...]` (`pbx_strsep` keeps a pattern's set
/// whole): the part before and the rest after the comma.
fn split_ext(s: &str) -> (&str, Option<&str>) {
    let mut square = false;
    for (i, c) in s.char_indices() {
        match c {
            '[' => square = true,
            ']' => square = false,
            ',' if !square => return (&s[..i], Some(&s[i + 1..])),
            _ => {}
        }
    }
    (s, None)
}

/// What a priority field says.
enum Prio {
    /// A number (`+N` added), with a label.
    Number(u32, Option<String>),
    /// `hint`: not a step.
    Hint,
}

/// Reads the priority field `pri` of extension `ext` (whose labels are `labels`), with the
/// context's `lastpri`.
fn read_priority(pri: &str, lastpri: Option<u32>, labels: Option<&HashMap<String, u32>>) -> Result<Prio, String> {
    let mut pri = pri.trim().to_owned();
    let mut label = None;
    if let Some(open) = pri.find('(') {
        let Some(close) = pri[open..].find(')') else {
            return Err("the label has no closing `)`".into());
        };
        let l = pri[open + 1..open + close].trim().to_owned();
        if !l.is_empty() {
            label = Some(l);
        }
        pri = format!("{}{}", &pri[..open], &pri[open + close + 1..]);
    }
    let mut plus = 0u32;
    if let Some(p) = pri.find('+') {
        let n = pri[p + 1..].trim();
        plus = n
            .parse::<u32>()
            .map_err(|_| format!("`+{n}` is not a number of priorities"))?;
        pri.truncate(p);
    }
    let pri = pri.trim();
    let base = if pri == "hint" {
        return Ok(Prio::Hint);
    } else if pri == "n" || pri == "next" {
        lastpri
            .and_then(|l| l.checked_add(1))
            .ok_or("`n` needs a priority before it in this context")?
    } else if pri == "s" || pri == "same" {
        lastpri.ok_or("`same` needs a priority before it in this context")?
    } else if let Ok(n) = pri.parse::<u32>() {
        if n < 1 {
            return Err("priorities start at 1".into());
        }
        n
    } else if let Some(n) = labels.and_then(|l| l.get(pri)) {
        *n
    } else {
        return Err(format!(
            "`{pri}` is not a priority (a number, `n`, or a label of this extension)"
        ));
    };
    base.checked_add(plus)
        .map(|n| Prio::Number(n, label))
        .ok_or_else(|| "the priority is too large".into())
}

/// Whether `s` is an application name (letters, digits, `_`).
fn is_app_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Reads `text` as `extensions.conf`: the dialplan and the findings of reading it.
pub(crate) fn parse(text: &str) -> (Dialplan, Vec<Note>) {
    let mut plan = Dialplan::default();
    let mut notes = Vec::new();
    let mut section = Section::None;
    let mut depth = 0usize;
    let mut lastpri: Option<u32> = None;
    let mut lastext: Option<usize> = None;
    let mut priorities = 0usize;
    let mut over_prios = false;
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let at = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.len() > MAX_LINE_BYTES {
            notes.push(Note::Unreadable(
                at..at + line.len(),
                format!(
                    "this line is {} bytes long: lines of more than {MAX_LINE_BYTES} bytes are not read (Asterisk's line buffer)",
                    line.len()
                ),
            ));
            continue;
        }
        let (live, comment) = decomment(line, &mut depth);
        if let Some(c) = comment {
            let c = c.trim();
            if let Some(rest) = c.strip_prefix("ivrsim-entry:") {
                let name = rest.trim();
                if plan.entry_hint.is_none() && !name.is_empty() {
                    let start = line.find(name).unwrap_or(0);
                    plan.entry_hint = Some((name.to_owned(), at + start..at + start + name.len()));
                }
            }
        }
        let (l, lr) = trimmed(&live, at);
        if l.is_empty() {
            continue;
        }
        plan.lines_read += 1;
        if l.starts_with('#') {
            notes.push(Note::Approx(
                lr,
                format!(
                    "`{}` is not followed: the files it names are not imported",
                    l.split_whitespace().next().unwrap_or("#")
                ),
                "what those files define (contexts, extensions) is missing from the imported menu".into(),
            ));
            continue;
        }
        if let Some(rest) = l.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                notes.push(Note::Unreadable(lr, "a section header needs a closing `]`".into()));
                section = Section::Skipped;
                continue;
            };
            let name = rest[..close].trim();
            let after = rest[close + 1..].trim();
            let name_start = lr.start + 1 + (rest.len() - rest.trim_start().len());
            let name_range = name_start..name_start + name.len();
            if name.is_empty() {
                notes.push(Note::Unreadable(
                    lr,
                    "a section needs a name between `[` and `]`".into(),
                ));
                section = Section::Skipped;
                continue;
            }
            if !after.is_empty() && after != "(+)" {
                notes.push(Note::Approx(
                    lr.clone(),
                    format!("the template options `{after}` are not imported: `[{name}]` is read as a plain context"),
                    "extensions a template would add to this context are missing".into(),
                ));
            }
            lastpri = None;
            lastext = None;
            section = if name.eq_ignore_ascii_case("general") {
                Section::General
            } else if name.eq_ignore_ascii_case("globals") {
                Section::Globals
            } else if let Some(&i) = plan.by_name.get(name) {
                Section::Context(i)
            } else if plan.contexts.len() >= MAX_CONTEXTS {
                notes.push(Note::Unreadable(
                    name_range,
                    format!("more than {MAX_CONTEXTS} contexts: this one and the rest of its kind are not read"),
                ));
                Section::Skipped
            } else {
                plan.by_name.insert(name.to_owned(), plan.contexts.len());
                plan.contexts.push(Context {
                    name: name.to_owned(),
                    range: name_range,
                    exts: Vec::new(),
                    by_name: HashMap::new(),
                    includes: Vec::new(),
                });
                Section::Context(plan.contexts.len() - 1)
            };
            continue;
        }
        let Some(eq) = l.find('=') else {
            notes.push(Note::Unreadable(
                lr,
                "not a `name => value` line, a `[section]` or a comment".into(),
            ));
            continue;
        };
        let key = l[..eq].trim();
        let mut vstart = eq + 1;
        if l[vstart..].starts_with('>') {
            vstart += 1;
        }
        let value_text = &l[vstart..];
        let (value, vr) = trimmed(value_text, lr.start + vstart);
        match &section {
            Section::Skipped => {}
            Section::None => notes.push(Note::Unreadable(lr, "this line is outside any `[context]`".into())),
            Section::General => {
                if key.eq_ignore_ascii_case("autofallthrough") {
                    plan.autofallthrough = Some((is_true(value), lr));
                } else if key.eq_ignore_ascii_case("extenpatternmatchnew") && is_true(value) {
                    notes.push(Note::Approx(
                        lr,
                        "`extenpatternmatchnew=yes` (the trie matcher) is not imported: patterns are matched in Asterisk's sorted order".into(),
                        "nothing in a dialplan whose patterns do not overlap; where two patterns match the same keys, which one wins may differ".into(),
                    ));
                }
                // `static`, `writeprotect`, `clearglobalvars`, `userscontext`: how Asterisk
                // keeps the dialplan, not what a caller hears.
            }
            Section::Globals => {
                plan.globals.insert(key.to_owned(), (value.to_owned(), lr));
            }
            Section::Context(ci) => {
                let ci = *ci;
                let k = key.to_ascii_lowercase();
                if k == "include" {
                    plan.contexts[ci].includes.push((value.to_owned(), vr));
                } else if k == "exten" || k.starts_with("same") {
                    if priorities >= MAX_PRIORITIES {
                        if !over_prios {
                            over_prios = true;
                            notes.push(Note::Unreadable(
                                lr,
                                format!("more than {MAX_PRIORITIES} priorities: this one and the rest are not read"),
                            ));
                        }
                        continue;
                    }
                    let step = if k == "exten" {
                        let (ext, rest) = split_ext(value);
                        let ext_t = ext.trim();
                        let ext_start = vr.start + (ext.len() - ext.trim_start().len());
                        let ext_range = ext_start..ext_start + ext_t.len();
                        if ext_t.is_empty() {
                            notes.push(Note::Unreadable(ext_range, "an `exten` line needs an extension".into()));
                            continue;
                        }
                        if let Some(slash) = ext_t.find('/') {
                            notes.push(Note::Approx(
                                ext_range,
                                format!(
                                    "`{ext_t}` matches only callers whose number is `{}`: ivrsim does not know the caller's number, so the extension is not imported",
                                    &ext_t[slash + 1..]
                                ),
                                "callers with that number are not treated apart".into(),
                            ));
                            lastext = None;
                            continue;
                        }
                        let ctx = &mut plan.contexts[ci];
                        let ei = match ctx.by_name.get(ext_t) {
                            Some(&i) => i,
                            None => {
                                ctx.by_name.insert(ext_t.to_owned(), ctx.exts.len());
                                ctx.exts.push(Extension {
                                    name: ext_t.to_owned(),
                                    name_range: ext_range,
                                    prios: BTreeMap::new(),
                                    labels: HashMap::new(),
                                });
                                ctx.exts.len() - 1
                            }
                        };
                        lastext = Some(ei);
                        let rest_start = vr.start + ext.len() + 1;
                        (ei, rest.unwrap_or(""), rest_start)
                    } else {
                        let Some(ei) = lastext else {
                            notes.push(Note::Unreadable(
                                lr,
                                "`same =>` needs an `exten =>` line before it in this context".into(),
                            ));
                            continue;
                        };
                        (ei, value, vr.start)
                    };
                    let (ei, rest, rest_start) = step;
                    let (pri, app_part) = match rest.find(',') {
                        Some(c) => (&rest[..c], Some((&rest[c + 1..], rest_start + c + 1))),
                        None => (rest, None),
                    };
                    let pri_start = rest_start + (pri.len() - pri.trim_start().len());
                    let pri_range = pri_start..pri_start + pri.trim().len();
                    let labels = plan.contexts[ci].exts.get(ei).map(|e| &e.labels);
                    let number = match read_priority(pri, lastpri, labels) {
                        Ok(Prio::Hint) => continue,
                        Ok(Prio::Number(n, label)) => (n, label),
                        Err(e) => {
                            notes.push(Note::Unreadable(pri_range, e));
                            continue;
                        }
                    };
                    let Some((app_text, app_at)) = app_part else {
                        notes.push(Note::Unreadable(lr, "a priority needs an application after it".into()));
                        continue;
                    };
                    let (app_t, app_range) = trimmed(app_text, app_at);
                    let (app, args, args_start) = match app_t.find('(') {
                        None => (app_t.to_owned(), String::new(), app_range.end),
                        Some(open) => {
                            let name = app_t[..open].trim().to_owned();
                            let body = &app_t[open + 1..];
                            let args = match body.rfind(')') {
                                Some(close) => &body[..close],
                                None => {
                                    notes.push(Note::Unreadable(
                                        app_range.clone(),
                                        format!("`{name}(` has no closing `)`"),
                                    ));
                                    body
                                }
                            };
                            (name, args.to_owned(), app_range.start + open + 1)
                        }
                    };
                    if !is_app_name(&app) {
                        notes.push(Note::Unreadable(
                            app_range.clone(),
                            format!("`{app}` is not an application name"),
                        ));
                        continue;
                    }
                    if app.eq_ignore_ascii_case("Set") || app.eq_ignore_ascii_case("MSet") {
                        for a in args.split(',') {
                            if let Some((name, _)) = a.split_once('=') {
                                plan.assigned.insert(name.trim().trim_start_matches('_').to_owned());
                            }
                        }
                    }
                    let (n, label) = number;
                    lastpri = Some(n);
                    priorities += 1;
                    let ext = &mut plan.contexts[ci].exts[ei];
                    if let Some(first) = ext.prios.get(&n) {
                        let first_line = first.range.start;
                        notes.push(Note::Approx(
                            pri_range,
                            format!(
                                "priority {n} of `{}` is written twice: the first one (at byte {first_line}) is kept, as Asterisk keeps it",
                                ext.name
                            ),
                            "this step never runs".into(),
                        ));
                        continue;
                    }
                    if let Some(l) = &label {
                        ext.labels.entry(l.clone()).or_insert(n);
                    }
                    ext.prios.insert(
                        n,
                        Priority {
                            number: n,
                            label,
                            app,
                            args,
                            args_start,
                            range: pri_range.start..app_range.end,
                            app_range,
                        },
                    );
                } else if k == "switch" || k == "lswitch" || k == "eswitch" || k == "ignorepat" {
                    notes.push(Note::Approx(
                        lr,
                        format!("`{key} =>` is not imported"),
                        if k == "ignorepat" {
                            "the dial tone Asterisk keeps playing after these keys is not heard".into()
                        } else {
                            "extensions another server would provide are missing".into()
                        },
                    ));
                } else {
                    notes.push(Note::Unreadable(
                        lr,
                        format!("`{key}` is not a dialplan line (`exten`, `same`, `include`)"),
                    ));
                }
            }
        }
    }
    if depth > 0 {
        notes.push(Note::Unreadable(
            text.len()..text.len(),
            "a `;--` block comment is not closed with `--;`".into(),
        ));
    }
    (plan, notes)
}

/// Asterisk's `ast_true`: `yes`, `true`, `y`, `t`, `1`, `on` (any case).
pub(crate) fn is_true(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "yes" | "true" | "y" | "t" | "1" | "on"
    )
}

/// Asterisk's `ast_false`: `no`, `false`, `n`, `f`, `0`, `off` (any case).
pub(crate) fn is_false(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "no" | "false" | "n" | "f" | "0" | "off"
    )
}

/// One argument of an application, unquoted, with the place of its text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Arg {
    /// The value: surrounding space trimmed, `"` quotes and `\` escapes removed (as
    /// `AST_STANDARD_APP_ARGS` removes them).
    pub text: String,
    /// Where it is written.
    pub range: Range<usize>,
}

/// Splits an application's argument text (starting at byte `base`) at the commas that are
/// not inside `()`, `[]`, `{}` or `"..."`, as `ast_app_separate_args` does.
pub(crate) fn split_args(args: &str, base: usize) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    let mut start = 0;
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    for (i, c) in args.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                pieces.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push((start, args.len()));
    if args.trim().is_empty() {
        return out;
    }
    for (s, e) in pieces {
        let raw = &args[s..e];
        let (t, r) = trimmed(raw, base + s);
        out.push(Arg {
            text: unquote(t),
            range: r,
        });
    }
    out
}

/// `s` without `"` quotes and with `\x` read as `x`.
pub(crate) fn unquote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c != '"' {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'t>(text: &'t str, r: &Range<usize>) -> &'t str {
        &text[r.clone()]
    }

    #[test]
    fn reads_contexts_extensions_priorities_and_labels() {
        let text = "[general]\nautofallthrough=no\n[globals]\nMAX=3\n; ivrsim-entry: main\n[main]\nexten => s,1,Answer()\n same => n(menu),Background(a&b) ; comment\n same => n,WaitExten(5)\nexten => _7XXX,1,Goto(s,menu)\ninclude => other\n[other]\nexten=>1,1,Hangup\n";
        let (plan, notes) = parse(text);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(plan.autofallthrough.as_ref().map(|a| a.0), Some(false));
        assert_eq!(plan.globals["MAX"].0, "3");
        assert_eq!(plan.entry_hint.as_ref().map(|e| e.0.as_str()), Some("main"));
        assert_eq!(plan.contexts.len(), 2);
        let main = &plan.contexts[0];
        assert_eq!(main.name, "main");
        assert_eq!(main.includes[0].0, "other");
        let s = &main.exts[0];
        assert_eq!(s.name, "s");
        assert_eq!(s.labels["menu"], 2);
        let bg = &s.prios[&2];
        assert_eq!(bg.app, "Background");
        assert_eq!(bg.args, "a&b");
        assert_eq!(at(text, &bg.app_range), "Background(a&b)");
        assert_eq!(at(text, &bg.range), "n(menu),Background(a&b)");
        assert_eq!(&text[bg.args_start..bg.args_start + 3], "a&b");
        assert_eq!(s.prios[&3].args, "5");
        assert_eq!(at(text, &main.exts[1].name_range), "_7XXX");
        assert_eq!(plan.contexts[1].exts[0].prios[&1].app, "Hangup");
    }

    #[test]
    fn n_continues_the_context_and_duplicates_keep_the_first() {
        let text = "[c]\nexten => 1,1,NoOp()\nexten => 2,n,NoOp()\nexten => 2,2,Hangup()\n";
        let (plan, notes) = parse(text);
        // `n` after priority 1 of extension 1 is priority 2 of extension 2 (`lastpri`).
        assert_eq!(plan.contexts[0].exts[1].prios[&2].app, "NoOp");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(matches!(&notes[0], Note::Approx(_, m, _) if m.contains("written twice")));
    }

    #[test]
    fn comments_and_bad_lines() {
        let text = "[c]\n;-- a block\nexten => 1,1,Hangup()\n--;\nexten => 2,1,Playback(a\\;b)\nrubbish\nsame => n,NoOp()\n[]\n";
        let (plan, notes) = parse(text);
        let c = &plan.contexts[0];
        assert!(!c.by_name.contains_key("1"), "inside the block comment");
        assert_eq!(c.exts[0].prios[&1].args, "a\\;b");
        let unread: Vec<_> = notes
            .iter()
            .filter_map(|n| match n {
                Note::Unreadable(r, m) => Some((at(text, r).to_owned(), m.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(unread.len(), 2, "{unread:?}");
        assert_eq!(unread[0].0, "rubbish");
        assert_eq!(unread[1].0, "[]");
        // `same` after `exten => 2` is fine.
        assert_eq!(c.exts[0].prios.len(), 2);
    }

    #[test]
    fn long_lines_and_unclosed_parts_are_reported() {
        let long = format!(
            "[c]\nexten => 1,1,NoOp({})\nexten => 2,1,Playback(x\nsame => n(lbl,Hangup()\n",
            "x".repeat(9000)
        );
        let (plan, notes) = parse(&long);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(matches!(&notes[0], Note::Unreadable(_, m) if m.contains("9019 bytes long")));
        assert_eq!(plan.contexts[0].exts[0].prios[&1].args, "x");
    }

    #[test]
    fn arguments_split_like_asterisk() {
        let args = split_args(r#"ACCT, "enter&x" ,8,,2,${X(a,b)}"#, 10);
        let texts: Vec<_> = args.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["ACCT", "enter&x", "8", "", "2", "${X(a,b)}"]);
        assert_eq!(args[1].range, 16..25);
        assert!(split_args("  ", 0).is_empty());
    }
}
