//! Importing an Asterisk dialplan (`extensions.conf`): the subset IVR designers write, run
//! the way Asterisk runs it, node by node. `docs/import.md` ("Asterisk dialplan") has the
//! mapping table with the source of every rule; line numbers below are of Asterisk's source
//! at commit `f0c1c1a7b79b0f8cc0311649bf36824cbeee30a9` (github.com/asterisk/asterisk).
//!
//! # How a dialplan becomes a menu
//!
//! The file is read into contexts, extensions and priorities ([`parse`]). Then the call is
//! followed from the entry, as `__ast_pbx_run` (`main/pbx.c`) follows it: priority after
//! priority, jumping at `Goto`s. Each step that the caller hears or that decides where the
//! call goes becomes one ivrsim node, named after where it is written
//! (`context.extension.priority-or-label`, or the context's name for the node `s,1` leads
//! to), with its place on the `exten`/`same` line; steps the caller does not notice (`NoOp`,
//! `Answer`, `Verbose`, `Set` of a channel setting) are passed over. Only what the call can
//! reach is imported; a context it never reaches is reported (W027).
//!
//! - **Entry**: the context named by a comment `; ivrsim-entry: CONTEXT` (incoming calls'
//!   context is set in the channel driver's configuration, not in `extensions.conf`), else
//!   the first context whose `s` extension waits for keys (`Background`, `WaitExten`), else
//!   the first context with an `s` extension (a call with no extension starts at `s,1`,
//!   `main/pbx.c` 2915-2923), else the first extension of the first context (W027).
//!   A context that only `Goto`s elsewhere (`[from-pstn]`) is followed like any other.
//! - **Menus**: `Background(files)` (one or several in a row) then `WaitExten([seconds])` is
//!   a `menu`: its options are the extensions of the call's context and of its `include`s
//!   that a caller can dial (digits, `*`, `#`, and `_` patterns, which become ivrsim
//!   [`KeyPattern`](crate::menu::KeyPattern)s storing the keys in `EXTEN`), literal keys
//!   before patterns and patterns in Asterisk's sorted order (`ext_cmp`, `main/pbx.c`
//!   1718-1786: the first that matches wins). `Playback(files)` then `WaitExten` is the same
//!   menu without barge-in (keys during `Playback` are thrown away, `apps/app_playback.c`).
//!   Keys act as ivrsim's early match acts (`collect_digits`, `main/pbx.c` 2839-2864).
//! - **Timeouts**: `WaitExten(seconds)` is the time to the first key; without it (or 0),
//!   `TIMEOUT(response)` ([`DEFAULT_RESPONSE_TIMEOUT`]); between keys `TIMEOUT(digit)`
//!   ([`DEFAULT_DIGIT_TIMEOUT`]). `Set(TIMEOUT(...)=N)` changes them for the rest of the call,
//!   so they are carried along each path: a node reached with other values is imported once
//!   for each (at most [`MAX_VARIANTS`]).
//! - **No input, no match**: Asterisk counts nothing. After `WaitExten`'s time, the call
//!   goes on at the next priority if there is one, else at `t`, else `e`, else it ends
//!   (`pbx_builtins.c` 1186-1206); keys that match no extension go to `i`, else `e`, else the
//!   call ends (`pbx.c` 3100-3121). So a menu gets `max_no_input: 1` and `max_no_match: 1`
//!   with those places as its fallbacks. When `t` or `i` `Goto`s back to the menu the
//!   caller goes round for ever, as in Asterisk (`check` reports the loop, W016); a counter
//!   kept in a variable (`Set(TRIES=$[${TRIES}+1])`, `GotoIf($[${TRIES} >= 3]?...)`) becomes
//!   a `set` counter and a `route` on it, and limits the loop exactly as the dialplan does.
//! - `Background` with no `WaitExten` after it: keys during the prompt count; at its end the
//!   call goes on at once (a 1 ms timeout), or, as the last priority, hangs up
//!   (`autofallthrough`, default yes: `pbx.c` 3074-3096; W027).
//! - `Read(var,files,maxdigits,options,attempts,timeout)` is a `collect` (`apps/app_read.c`):
//!   `#` ends it (`t(keys)` another key, `t` alone none), at most `maxdigits` (no limit or over
//!   64: 64, W027), the timeout for both waits, else `TIMEOUT(response)` and
//!   `TIMEOUT(digit)` (`main/app.c` 214-223); `attempts` tries when nothing is entered, then
//!   the variable is empty and the call goes on (a `route` that sets it to `""`).
//! - `GotoIf(cond?a:b)` is a `route` when the condition is a plain comparison ([`expr`]);
//!   `GotoIfTime(spec?a:b)` a `route` on a schedule built from the spec ([`timespec`]);
//!   `Goto` is an edge; `Set(VAR=value)` a `route` with `set:` (counters `$[${V} + 1]` as
//!   `+1`); `Set(CHANNEL(language)=xx)` at the start of an option's extension is the option's
//!   `language`.
//! - `Queue(name,options,,,timeout)` is a `transfer` to `name` (priority `5 − QUEUE_PRIO`,
//!   `apps/app_queue.c` 8865-8877), whose `when_no_operator` goes on at the next priority
//!   (the dialplan continues when the queue gives up); `queues.conf` beside the dialplan (or
//!   named with `--with`) gives the queue's settings ([`queues`]); the `timeout` argument is
//!   the queue's `max_wait`. `Dial` is a transfer to a "queue" named after what it dials
//!   (W027). `VoiceMail(box)` is an `external` voicemail step (the IVR part of the call ends
//!   there), `Hangup` a `hangup`; the end of an extension (autofallthrough) and a missing `t`
//!   or `i` are a `hangup` with reason `fallthrough`.
//! - **Prompts** are sound files (`custom/welcome`): the caption is the file's words from
//!   `sounds.txt` beside the dialplan (Asterisk's `core-sounds-en.txt` format, `name: words`),
//!   else `[audio: custom/welcome]` (timed as those two words, W027); the clip is
//!   `custom/welcome.wav` beside the dialplan when it exists, never a clip that is not there.
//!   In another language of the menu, Asterisk plays `es/custom/welcome`: the translation's
//!   words come from `sounds.es.txt`, its clip is `es/custom/welcome.wav`.
//! - The `h` extension runs after the caller has hung up: not imported. `Answer`, `NoOp`,
//!   `Verbose`, `Set(CDR(...))` and the like are passed over without a finding.
//! - Anything else is a finding: an application ivrsim cannot run becomes an `external`
//!   application step named after it (the IVR part of the call ends there, W027); a
//!   condition it cannot read takes the false branch (W027); a `Goto` to a place that does
//!   not exist is E006 and runs as Asterisk runs it (the call ends).
//!
//! Bounds: see [`parse`] for the file; at most [`MAX_NODES`] nodes, [`MAX_CHASE`] steps
//! followed without a node, [`MAX_INCLUDE_DEPTH`] levels of `include`.

mod expr;
mod keys;
mod menus;
mod parse;
mod queues;
mod sounds;
mod steps;
mod timespec;
mod transfers;

use keys::{Dialable, dialable, ext_cmp};
use sounds::split_files;

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use indexmap::IndexMap;

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::menu::build::{At, DigitsSpec, HoldSpec, ListenSpec, MenuBuilder, NodeSpec, OptionSpec, QueueSpec};
use crate::menu::{
    DtmfKey, ExternalApp, ExternalNode, HangupNode, HoldExit, KeyMatchPolicy, KeyPattern, LoadOutcome, NoOperator,
    Periodic, Priority, Prompt, PromptText, Retries, Route, RouteNode, SetValue, SetVar,
};
use crate::source::{FileId, Span};
use parse::{Arg, Dialplan, Note, split_args};

/// `TIMEOUT(response)` when the dialplan does not set it: 10 s (`main/pbx.c` 2907,
/// `rtimeoutms = 10000`; doc `funcs/func_timeout.c`). How long `WaitExten()` without a time,
/// and `Read()` without a timeout, wait for the first key.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);
/// `TIMEOUT(digit)` when the dialplan does not set it: 5 s (`main/pbx.c` 2908,
/// `dtimeoutms = 5000`). How long Asterisk waits for each further key of an extension, and
/// `Read()` without a timeout for each further digit.
pub const DEFAULT_DIGIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a `Background` prompt that no `WaitExten` follows waits for a key after it ends:
/// none in Asterisk (the next priority runs at once); ivrsim needs a time-out of more than 0,
/// so 1 ms.
pub const NO_WAIT: Duration = Duration::from_millis(1);
/// `hold.every` of a queue that announces no position (`announce-frequency=0`, Asterisk's
/// default, `init_queue` in `apps/app_queue.c`): the longest interval ivrsim takes (24 h), so
/// the only announcement is the one when the caller joins.
pub const NO_ANNOUNCEMENTS: Duration = Duration::from_secs(24 * 3600);
/// Most nodes one dialplan is imported into (ours).
pub const MAX_NODES: usize = 5_000;
/// Most steps followed from one place without reaching a node (`Goto`s and passed-over
/// steps): a `Goto` loop with nothing in it is reported instead of followed (ours).
pub const MAX_CHASE: usize = 256;
/// Most copies of one priority for different channel settings (`TIMEOUT`, `QUEUE_PRIO`)
/// reaching it (ours); past it the first copy is used (W027).
pub const MAX_VARIANTS: usize = 8;
/// Most options one menu is given (ours: far beyond any IVR menu; the rest is reported).
pub const MAX_MENU_OPTIONS: usize = 500;
/// Most dated opening periods all `GotoIfTime` schedules together may list (ours).
pub const MAX_DATED_PERIODS: usize = 100_000;
/// Deepest chain of `include =>` followed (ours).
pub const MAX_INCLUDE_DEPTH: usize = 16;
/// Most digits a `collect` takes (ivrsim's `digits.max` limit, `docs/menu-format.md`);
/// `Read()` takes up to 255.
const MAX_READ_DIGITS: u32 = 64;
/// Asterisk's language when nothing sets one (`DEFAULT_LANGUAGE`, `include/asterisk.h` 46).
const DEFAULT_LANGUAGE: &str = "en";

/// A place in the dialplan as the call is there: the channel's context (`${CONTEXT}`, which
/// an extension found through an `include` does not change), the context and index of the
/// extension, and the priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Loc {
    chan: usize,
    def: usize,
    ext: usize,
    prio: u32,
}

impl Loc {
    fn next(self) -> Loc {
        Loc {
            prio: self.prio.saturating_add(1),
            ..self
        }
    }
}

/// The channel settings a call carries from step to step.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct State {
    /// `TIMEOUT(response)`, in ms.
    response_ms: u64,
    /// `TIMEOUT(digit)`, in ms.
    digit_ms: u64,
    /// `QUEUE_PRIO`.
    queue_prio: i64,
}

impl Default for State {
    fn default() -> Self {
        State {
            response_ms: DEFAULT_RESPONSE_TIMEOUT.as_millis() as u64,
            digit_ms: DEFAULT_DIGIT_TIMEOUT.as_millis() as u64,
            queue_prio: 0,
        }
    }
}

/// A node to build.
struct Job {
    loc: Loc,
    state: State,
    id: String,
}

/// A `Playback` that a hang-up, a queue or a voicemail follows: it becomes that node's prompt.
struct Lead {
    prompt: Prompt,
    placeholder: bool,
    /// The `Playback` step.
    at: Span,
    loc: Loc,
}

/// `queues.conf`: its file and its queues.
type QueueConf = (FileId, Rc<HashMap<String, queues::Section>>);

/// How one queue is used by the dialplan.
struct QueueUse {
    /// Where it is first named.
    at: Span,
    /// `Queue()`'s timeout (the queue's `max_wait`), with its place.
    max_wait: Option<At<Duration>>,
    /// Named by `Dial`, not `Queue`.
    dial: bool,
}

/// What an application is to the importer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum App {
    /// Not noticed by the caller: passed over.
    Silent,
    /// Passed over, with a finding (the caller notices something).
    Skipped,
    Set,
    Goto,
    Background,
    Playback,
    WaitExten,
    Read,
    GotoIf,
    GotoIfTime,
    Queue,
    Dial,
    VoiceMail,
    Hangup,
    Tone,
    Say,
    Unknown,
}

fn app_kind(name: &str) -> App {
    match name.to_ascii_lowercase().as_str() {
        "noop" | "verbose" | "log" | "answer" | "progress" | "dumpchan" | "userevent" | "celgenuserevent"
        | "mixmonitor" | "stopmixmonitor" | "monitor" | "stopmonitor" | "system" | "trysystem" => App::Silent,
        "wait" | "ringing" | "playtones" | "stopplaytones" | "startmusiconhold" | "stopmusiconhold" => App::Skipped,
        "set" => App::Set,
        "goto" => App::Goto,
        "background" => App::Background,
        "playback" => App::Playback,
        "waitexten" => App::WaitExten,
        "read" => App::Read,
        "gotoif" => App::GotoIf,
        "gotoiftime" => App::GotoIfTime,
        "queue" => App::Queue,
        "dial" => App::Dial,
        "voicemail" => App::VoiceMail,
        "hangup" => App::Hangup,
        "busy" | "congestion" => App::Tone,
        "saydigits" | "saynumber" => App::Say,
        _ => App::Unknown,
    }
}

/// What a `Set(NAME=...)` sets.
enum SetKind {
    /// A variable of the call.
    Var(String),
    /// `TIMEOUT(response)`.
    Response,
    /// `TIMEOUT(digit)`.
    Digit,
    /// `QUEUE_PRIO`.
    QueuePrio,
    /// `CHANNEL(language)` or `LANGUAGE()`.
    Language,
    /// A function that changes nothing a caller hears (`CDR()`, `CALLERID()`).
    Quiet,
    /// Another function or setting.
    Other(String),
}

fn set_kind(name: &str) -> SetKind {
    let n = name.trim().trim_start_matches('_');
    let lower = n.to_ascii_lowercase();
    match lower.replace(' ', "").as_str() {
        "timeout(response)" => SetKind::Response,
        "timeout(digit)" => SetKind::Digit,
        "queue_prio" => SetKind::QueuePrio,
        "channel(language)" | "language()" => SetKind::Language,
        l if l.starts_with("cdr(") || l.starts_with("callerid(") => SetKind::Quiet,
        _ if expr::is_var_name(n) => SetKind::Var(n.to_owned()),
        _ => SetKind::Other(n.to_owned()),
    }
}

/// An Asterisk language name as a BCP 47 tag (`pt_BR` → `pt-BR`).
fn language_tag(s: &str) -> String {
    s.trim().replace('_', "-")
}

/// Seconds as Asterisk's `ast_app_parse_timelen` reads them (`5`, `2.5`, `500ms`, `1m`), in
/// ms; `None` when it is not a time or not above 0.
fn timelen_ms(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_lowercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60_000.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3_600_000.0)
    } else {
        (t.as_str(), 1000.0)
    };
    let v: f64 = num.trim().parse().ok()?;
    let ms = v * mult;
    (ms.is_finite() && (1.0..=1e12).contains(&ms)).then_some(ms.round() as u64)
}

/// Imports the dialplan of `cx`.
pub fn import(mut cx: Cx<'_>) -> LoadOutcome {
    let file = cx.file;
    let (plan, notes) = parse::parse(cx.sources.text(file));
    for n in notes {
        match n {
            Note::Unreadable(r, m) => {
                let at = cx.bytes(file, r);
                cx.unreadable(at, m);
            }
            Note::Approx(r, m, c) => {
                let at = cx.bytes(file, r);
                cx.approx(at, m, c);
            }
        }
    }
    if plan.contexts.iter().all(|c| c.exts.is_empty()) {
        let at = cx.sources.whole(file);
        cx.unreadable(
            at,
            "no context with an extension: an Asterisk dialplan needs `[context]` and `exten =>` lines",
        );
        return cx.nothing();
    }
    let top = cx.sources.whole(file);
    let name = cx
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "extensions.conf".into());
    let b = MenuBuilder::new(&cx.path.clone(), format!("Asterisk dialplan {name}"), top);
    let dir = cx.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let autofallthrough = plan.autofallthrough.as_ref().is_none_or(|a| a.0);
    let mut imp = Importer {
        cx,
        file,
        plan,
        b,
        dir,
        autofallthrough,
        memo: HashMap::new(),
        variants: HashMap::new(),
        todo: VecDeque::new(),
        taken: HashSet::new(),
        ends: HashMap::new(),
        too_large: None,
        reached: HashSet::new(),
        queues: IndexMap::new(),
        qconf: None,
        sounds: HashMap::new(),
        missing_audio: Vec::new(),
        seen_audio: HashSet::new(),
        schedules: HashMap::new(),
        warned: HashSet::new(),
        constants: HashMap::new(),
        dialables: HashMap::new(),
        sounds_in: IndexMap::new(),
        missing_words: IndexMap::new(),
        language_at: HashMap::new(),
        dated_periods: 0,
    };
    imp.run();
    imp.finish()
}

struct Importer<'s> {
    cx: Cx<'s>,
    file: FileId,
    plan: Dialplan,
    b: MenuBuilder,
    /// The dialplan's folder (where clips, `sounds.txt` and `queues.conf` are looked for).
    dir: PathBuf,
    autofallthrough: bool,
    memo: HashMap<(Loc, State), String>,
    /// Ids of the copies of each place, in order made.
    variants: HashMap<Loc, Vec<String>>,
    todo: VecDeque<Job>,
    taken: HashSet<String>,
    /// The `fallthrough` hang-up of each context.
    ends: HashMap<usize, String>,
    /// The stand-in when the dialplan has more nodes than [`MAX_NODES`].
    too_large: Option<String>,
    /// Contexts the call can be in or take extensions from.
    reached: HashSet<usize>,
    queues: IndexMap<String, QueueUse>,
    /// `queues.conf`: its file, and its queues (`None` inside when there is no such file).
    qconf: Option<Option<QueueConf>>,
    /// `sounds.txt`: a sound file's words, and where they are written.
    sounds: HashMap<String, (String, Span)>,
    /// `sounds.LANG.txt` for each other language of the menu (`None`: no such file): a
    /// sound file's words in that language.
    sounds_in: IndexMap<String, Option<Rc<HashMap<String, String>>>>,
    /// Sound files without words in a language whose `sounds.LANG.txt` exists.
    missing_words: IndexMap<String, Vec<(String, Span)>>,
    /// Where each language other than the default is first named.
    language_at: HashMap<String, Span>,
    /// Dated periods the schedules list so far ([`MAX_DATED_PERIODS`]).
    dated_periods: usize,
    /// Sound files with neither words nor a clip, at their first place.
    missing_audio: Vec<(String, Span)>,
    seen_audio: HashSet<String>,
    /// Schedule name of each `GotoIfTime` specification.
    schedules: HashMap<String, String>,
    /// Findings made once (by a key).
    warned: HashSet<String>,
    /// `[globals]` that no `Set()` changes.
    constants: HashMap<String, String>,
    /// What each extension name is to a caller (patterns compiled once).
    dialables: HashMap<String, Dialable>,
}

impl Importer<'_> {
    /// [`dialable`], compiled once a name.
    fn dialable(&mut self, name: &str) -> Dialable {
        if let Some(d) = self.dialables.get(name) {
            return d.clone();
        }
        let d = dialable(name);
        self.dialables.insert(name.to_owned(), d.clone());
        d
    }

    fn span(&self, r: Range<usize>) -> Span {
        self.cx.bytes(self.file, r)
    }

    /// A W027 finding made once for `key`.
    fn approx_once(&mut self, key: String, at: Span, what: impl Into<String>, caller: impl Into<String>) {
        if self.warned.insert(key) {
            self.cx.approx(at, what, caller);
        }
    }

    fn prio(&self, loc: Loc) -> Option<&parse::Priority> {
        self.plan.contexts.get(loc.def)?.exts.get(loc.ext)?.prios.get(&loc.prio)
    }

    /// `[ctx] ext,prio` (and the label) for descriptions.
    fn here(&self, loc: Loc) -> String {
        let c = &self.plan.contexts[loc.chan].name;
        let e = &self.plan.contexts[loc.def].exts[loc.ext];
        let label = e
            .prios
            .get(&loc.prio)
            .and_then(|p| p.label.as_ref())
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        format!("[{c}] {},{}{label}", e.name, loc.prio)
    }

    fn constant(&self) -> impl Fn(&str) -> Option<String> + '_ {
        |n: &str| self.constants.get(n).cloned()
    }

    /// The contexts searched for an extension of `ctx`: itself, then its includes in order,
    /// depth first (`pbx_find_extension`).
    fn search_order(&mut self, ctx: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![(ctx, 0usize)];
        let mut missing = Vec::new();
        while let Some((c, depth)) = stack.pop() {
            if out.contains(&c) {
                continue;
            }
            out.push(c);
            if depth >= MAX_INCLUDE_DEPTH {
                if let Some((_, r)) = self.plan.contexts[c].includes.first() {
                    missing.push((r.clone(), Some(false), String::new()));
                }
                continue;
            }
            for (name, r) in self.plan.contexts[c].includes.iter().rev() {
                let (base, timed) = match name.split_once([',', '|']) {
                    Some((b, _)) => (b.trim(), true),
                    None => (name.trim(), false),
                };
                if timed {
                    missing.push((r.clone(), None, base.to_owned()));
                }
                match self.plan.by_name.get(base) {
                    Some(&i) => stack.push((i, depth + 1)),
                    None => missing.push((r.clone(), Some(true), base.to_owned())),
                }
            }
        }
        for (r, missing, name) in missing {
            let at = self.span(r.clone());
            if missing == Some(false) {
                self.approx_once(
                    format!("deep include {r:?}"),
                    at,
                    format!("`include`s more than {MAX_INCLUDE_DEPTH} levels deep are not followed"),
                    "the extensions of the deeper contexts are not options here",
                );
            } else if missing.is_some() {
                self.approx_once(
                    format!("include {r:?}"),
                    at,
                    format!("there is no context `{name}`: this `include` adds nothing (Asterisk warns the same)"),
                    "nothing: the included extensions do not exist",
                );
            } else {
                self.approx_once(
                    format!("timed include {r:?}"),
                    at,
                    format!("the times after `{name}` are not imported: its extensions are included at all times"),
                    "outside those times, Asterisk would not take these extensions",
                );
            }
        }
        out
    }

    /// The extension `name` as the call in context `ctx` finds it: by name in the context
    /// and its includes, else (a number dialled) by the patterns there, in Asterisk's order.
    fn find_ext(&mut self, ctx: usize, name: &str) -> Option<(usize, usize)> {
        let order = self.search_order(ctx);
        for &c in &order {
            self.reached.insert(c);
            if let Some(&e) = self.plan.contexts[c].by_name.get(name) {
                return Some((c, e));
            }
        }
        if name.chars().all(|c| matches!(c, '0'..='9' | '*' | '#')) && !name.is_empty() {
            for &c in &order {
                let mut pats: Vec<(usize, String)> = self.plan.contexts[c]
                    .exts
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.name.starts_with('_'))
                    .map(|(i, e)| (i, e.name.clone()))
                    .collect();
                pats.sort_by(|a, b| ext_cmp(&a.1, &b.1));
                for (i, p) in pats {
                    if let Dialable::Pattern(k) = self.dialable(&p)
                        && k.matches(name)
                    {
                        return Some((c, i));
                    }
                }
            }
        }
        None
    }

    /// The extensions a caller can dial in context `ctx`, in Asterisk's order.
    fn dialable_exts(&mut self, ctx: usize) -> Vec<(usize, usize)> {
        let order = self.search_order(ctx);
        let mut names = HashSet::new();
        let mut out = Vec::new();
        for c in order {
            self.reached.insert(c);
            let mut exts: Vec<usize> = (0..self.plan.contexts[c].exts.len()).collect();
            exts.sort_by(|&a, &b| ext_cmp(&self.plan.contexts[c].exts[a].name, &self.plan.contexts[c].exts[b].name));
            for e in exts {
                let name = self.plan.contexts[c].exts[e].name.clone();
                if names.insert(name) {
                    out.push((c, e));
                }
            }
        }
        out
    }

    /// The hang-up of `ctx` for the end of the dialplan there.
    fn end_node(&mut self, ctx: usize) -> String {
        if let Some(id) = self.ends.get(&ctx) {
            return id.clone();
        }
        let name = self.plan.contexts[ctx].name.clone();
        let id = self.unique(format!("{name}.end"));
        let at = self.span(self.plan.contexts[ctx].range.clone());
        if !self.autofallthrough {
            let r = self.plan.autofallthrough.as_ref().map(|a| a.1.clone()).unwrap_or(0..0);
            let fat = self.span(r);
            self.approx_once(
                "autofallthrough".into(),
                fat,
                "with `autofallthrough=no`, where an extension runs out of priorities Asterisk waits `TIMEOUT(response)` for keys, then goes to `t`; imported as the end of the call",
                "the call is hung up there instead of waiting for an extension",
            );
        }
        self.b.add_node(
            At::new(id.clone(), at),
            Some(format!(
                "Asterisk: nothing more runs in [{name}] here (an extension's last priority with autofallthrough, or no `t`/`i` extension): the call is hung up"
            )),
            NodeSpec::Hangup(HangupNode {
                prompt: None,
                reason: "fallthrough".into(),
            }),
        );
        self.ends.insert(ctx, id.clone());
        id
    }

    fn unique(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 2;
        while !self.taken.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }

    /// The node a call arriving at `from` with `state` reaches: steps the caller does not
    /// notice are passed over (their channel settings applied), `Goto`s followed.
    fn resolve(&mut self, from: Loc, state: &State) -> String {
        let mut loc = from;
        let mut state = state.clone();
        // The place the call came in at, last (the start, or a `Goto`'s destination): the
        // node is named after it when it is a priority 1.
        let mut name_from = from;
        for _ in 0..MAX_CHASE {
            self.reached.insert(loc.chan);
            self.reached.insert(loc.def);
            let Some(p) = self.prio(loc).cloned() else {
                return self.end_node(loc.chan);
            };
            let at = self.span(p.range.clone());
            match app_kind(&p.app) {
                App::Silent => {}
                App::Skipped => {
                    let (what, caller) = if p.app.eq_ignore_ascii_case("wait") {
                        (
                            format!(
                                "`{}({})`: the pause is not imported, the call goes on at once",
                                p.app, p.args
                            ),
                            format!(
                                "{} s of silence less: what follows starts that much earlier",
                                p.args.trim()
                            ),
                        )
                    } else {
                        (
                            format!("`{}({})` is passed over", p.app, p.args),
                            "the tones or music it plays".to_owned(),
                        )
                    };
                    self.approx_once(format!("skip {loc:?}"), at, what, caller);
                }
                App::Set => {
                    let args = p.args.clone();
                    let Some((name, value)) = args.split_once('=') else {
                        self.approx_once(
                            format!("set {loc:?}"),
                            at,
                            "a `Set` without `=` sets nothing",
                            "nothing",
                        );
                        loc = loc.next();
                        continue;
                    };
                    match set_kind(name) {
                        SetKind::Var(_) => return self.node_at(loc, &state, Some(name_from)),
                        SetKind::Response | SetKind::Digit => match timelen_ms(value) {
                            Some(ms) => {
                                if matches!(set_kind(name), SetKind::Response) {
                                    state.response_ms = ms;
                                } else {
                                    state.digit_ms = ms;
                                }
                            }
                            None => self.approx_once(
                                format!("set {loc:?}"),
                                at,
                                format!("`{}` is not a time ivrsim can read: the time-out is left as it was", value.trim()),
                                "the waits that follow last as long as before this step",
                            ),
                        },
                        SetKind::QueuePrio => match value.trim().parse::<i64>() {
                            Ok(n) => state.queue_prio = n,
                            Err(_) => self.approx_once(
                                format!("set {loc:?}"),
                                at,
                                format!("`QUEUE_PRIO` `{}` is not a number: the priority is left as it was", value.trim()),
                                "the caller's place in the queue",
                            ),
                        },
                        SetKind::Language => self.approx_once(
                            format!("set {loc:?}"),
                            at,
                            "the language is changed here, which ivrsim does only when a menu option is taken (`Set(CHANNEL(language)=...)` as an option's first step): not imported",
                            "the prompts after it play in the language the call had before",
                        ),
                        SetKind::Quiet => {}
                        SetKind::Other(n) => self.approx_once(
                            format!("set {loc:?}"),
                            at,
                            format!("`Set({n}=...)` is not imported"),
                            format!("whatever `{n}` changes for the rest of the call"),
                        ),
                    }
                }
                App::Goto => {
                    let arg_range = p.args_start..p.args_start + p.args.len();
                    match self.goto(loc, &p.args, arg_range) {
                        Ok(t) => {
                            loc = t;
                            name_from = t;
                            continue;
                        }
                        Err(id) => return id,
                    }
                }
                _ => return self.node_at(loc, &state, Some(name_from)),
            }
            loc = loc.next();
        }
        let at = self.prio(from).map(|p| p.range.clone()).unwrap_or(0..0);
        let at = self.span(at);
        self.approx_once(
            format!("chase {from:?}"),
            at,
            format!("from here the dialplan goes round more than {MAX_CHASE} steps without playing anything or waiting: imported as the end of the call"),
            "Asterisk would loop here without end; ivrsim hangs up",
        );
        self.end_node(from.chan)
    }

    /// Where `Goto(text)` at `from` leads (`Err`: the node the call reaches instead, when
    /// the place does not exist or cannot be known).
    fn goto(&mut self, from: Loc, text: &str, range: Range<usize>) -> Result<Loc, String> {
        let at = self.span(range.clone());
        let t = match expr::target(text) {
            Ok(t) => t,
            Err(e) => {
                self.approx_once(
                    format!("goto {range:?}"),
                    at,
                    format!("this destination is not imported ({e}): the call ends here instead"),
                    "the call is hung up where Asterisk would go on",
                );
                return Err(self.end_node(from.chan));
            }
        };
        let chan = match &t.context {
            None => from.chan,
            Some(name) => match self.plan.by_name.get(name) {
                Some(&c) => c,
                None => {
                    self.missing(
                        at,
                        format!("no context `{name}` in the dialplan"),
                        "Asterisk finds no `i` extension there and hangs up: imported so",
                        self.plan.contexts.iter().map(|c| c.name.clone()).collect(),
                        name,
                    );
                    return Err(self.end_node(from.chan));
                }
            },
        };
        let (def, ext) = match &t.exten {
            None if t.context.is_none() => (from.def, from.ext),
            // `Goto(ctx,,1)`: the same extension name in the other context
            // (`ast_explicit_goto` keeps the channel's extension when none is given).
            None => {
                let name = self.plan.contexts[from.def].exts[from.ext].name.clone();
                self.find_ext(chan, &name).unwrap_or((usize::MAX, usize::MAX))
            }
            Some(e) => match self.find_ext(chan, e) {
                Some(x) => x,
                None => (usize::MAX, usize::MAX),
            },
        };
        if def == usize::MAX {
            let e = t
                .exten
                .clone()
                .unwrap_or_else(|| self.plan.contexts[from.def].exts[from.ext].name.clone());
            let cname = self.plan.contexts[chan].name.clone();
            let known = self.plan.contexts[chan].exts.iter().map(|x| x.name.clone()).collect();
            self.missing(
                at,
                format!("no extension `{e}` in context `{cname}`"),
                "Asterisk goes to the context's `i` extension, or hangs up when it has none: imported so",
                known,
                &e,
            );
            // Asterisk goes to `i` of that context, else hangs up (pbx.c 3049-3070).
            return match self.find_ext(chan, "i") {
                Some((d, x)) => Ok(Loc {
                    chan,
                    def: d,
                    ext: x,
                    prio: 1,
                }),
                None => Err(self.end_node(chan)),
            };
        }
        let exten = &self.plan.contexts[def].exts[ext];
        let prio = match &t.prio {
            expr::PrioRef::Number(n) => *n,
            expr::PrioRef::Relative(d) => {
                let p = i64::from(from.prio) + d;
                u32::try_from(p).unwrap_or(0)
            }
            expr::PrioRef::Label(l) => match exten.labels.get(l) {
                Some(&n) => n,
                None => {
                    let known = exten.labels.keys().cloned().collect();
                    let ename = exten.name.clone();
                    self.missing(
                        at,
                        format!("no label `{l}` in extension `{ename}`"),
                        "the `Goto` fails and Asterisk hangs up: imported so",
                        known,
                        l,
                    );
                    // `Goto` fails and the call hangs up.
                    return Err(self.end_node(chan));
                }
            },
        };
        let loc = Loc { chan, def, ext, prio };
        if self.prio(loc).is_none() {
            let ename = self.plan.contexts[def].exts[ext].name.clone();
            self.missing(
                at,
                format!("extension `{ename}` has no priority {prio}"),
                "the extension has run out of priorities and Asterisk hangs up (`autofallthrough`): imported so",
                Vec::new(),
                "",
            );
            return Err(self.end_node(chan));
        }
        Ok(loc)
    }

    /// E006 for a destination that is not in the dialplan, once per place.
    fn missing(&mut self, at: Span, what: String, then: &str, known: Vec<String>, wrong: &str) {
        if !self.warned.insert(format!("missing {}:{}", at.start, at.end)) {
            return;
        }
        let mut d = Diagnostic::new(Code::UnknownTarget, at, what)
            .label("not in the dialplan")
            .note(then);
        if !wrong.is_empty()
            && let Some(h) = crate::menu::load::suggest(wrong, known.iter().map(String::as_str))
        {
            d = d.help(h);
        }
        self.cx.diags.push(d);
    }

    /// The id of the node at `loc` for `state` (made and queued to be built the first time);
    /// `name_from` is the place the call came in at, when only passed-over steps lie between
    /// (the node is named after it).
    fn node_at(&mut self, loc: Loc, state: &State, name_from: Option<Loc>) -> String {
        if let Some(id) = self.memo.get(&(loc, state.clone())) {
            return id.clone();
        }
        let copies = self.variants.get(&loc).map_or(0, Vec::len);
        if copies >= MAX_VARIANTS {
            let first = self.variants[&loc][0].clone();
            let at = self.span(self.prio(loc).map(|p| p.range.clone()).unwrap_or(0..0));
            self.approx_once(
                format!("variants {loc:?}"),
                at,
                format!("this step is reached with more than {MAX_VARIANTS} different channel settings (`TIMEOUT`, `QUEUE_PRIO`): the first are used for the others"),
                "time-outs or the queue priority on some paths",
            );
            return first;
        }
        if self.memo.len() >= MAX_NODES {
            if let Some(id) = &self.too_large {
                return id.clone();
            }
            let id = self.unique("dialplan-too-large".into());
            let at = self.span(self.prio(loc).map(|p| p.range.clone()).unwrap_or(0..0));
            self.cx.unreadable(
                at,
                format!("the dialplan makes more than {MAX_NODES} steps: the rest is not imported"),
            );
            self.b.add_node(
                At::new(id.clone(), at),
                Some("the rest of the dialplan, not imported".into()),
                NodeSpec::Hangup(HangupNode {
                    prompt: None,
                    reason: "not imported".into(),
                }),
            );
            self.too_large = Some(id.clone());
            return id;
        }
        let named = name_from.filter(|f| f.prio == 1).unwrap_or(loc);
        let ctx = &self.plan.contexts[named.chan].name;
        let e = &self.plan.contexts[named.def].exts[named.ext];
        let label = e.prios.get(&named.prio).and_then(|p| p.label.clone());
        let mut base = if e.name == "s" && named.prio == 1 {
            ctx.clone()
        } else if named.prio == 1 {
            format!("{ctx}.{}", e.name)
        } else if let Some(l) = label {
            format!("{ctx}.{}.{l}", e.name)
        } else {
            format!("{ctx}.{}.{}", e.name, named.prio)
        };
        if copies > 0 {
            base = format!("{base}.{}", copies + 1);
        }
        let id = self.unique(base);
        self.memo.insert((loc, state.clone()), id.clone());
        self.variants.entry(loc).or_default().push(id.clone());
        self.todo.push_back(Job {
            loc,
            state: state.clone(),
            id: id.clone(),
        });
        id
    }

    fn reference(&mut self, id: &str, at: Span) -> crate::menu::NodeRef {
        self.b.reference(id, at)
    }

    fn run(&mut self) {
        self.constants = self
            .plan
            .globals
            .iter()
            .filter(|(k, _)| !self.plan.assigned.contains(*k))
            .map(|(k, v)| (k.clone(), v.0.clone()))
            .collect();
        self.languages();
        self.load_sounds();
        let Some((entry, at)) = self.entry() else {
            return;
        };
        let id = self.resolve(entry, &State::default());
        let r = self.reference(&id, at);
        self.b.entry(r);
        while let Some(job) = self.todo.pop_front() {
            self.build(job);
        }
        self.add_queues();
        self.report_audio();
        for i in 0..self.plan.contexts.len() {
            if !self.reached.contains(&i) {
                let c = &self.plan.contexts[i];
                let at = self.span(c.range.clone());
                let name = c.name.clone();
                self.cx.approx(
                    at,
                    format!("context `{name}` is not reached from the entry: not imported"),
                    "nothing, unless calls come into this context by another way (another channel's `context=`)",
                );
            }
        }
    }

    fn finish(self) -> LoadOutcome {
        self.cx.finish(self.b)
    }

    /// The menu's languages: Asterisk's default, and those options switch to or routes test.
    fn languages(&mut self) {
        let mut tags: Vec<At<String>> = vec![At::new(DEFAULT_LANGUAGE.into(), self.cx.sources.whole(self.file))];
        let mut found: Vec<(String, Range<usize>)> = Vec::new();
        for c in &self.plan.contexts {
            for e in &c.exts {
                for p in e.prios.values() {
                    match app_kind(&p.app) {
                        App::Set if p.number == 1 => {
                            if let Some((n, v)) = p.args.split_once('=')
                                && matches!(set_kind(n), SetKind::Language)
                            {
                                found.push((language_tag(v), p.app_range.clone()));
                            }
                        }
                        App::GotoIf => {
                            if let Some((cond, _, _)) = expr::branches(&p.args, p.args_start)
                                && let Ok(c) = expr::condition(&cond.0, &|_| None)
                            {
                                for t in c.alternatives.iter().flatten() {
                                    if let crate::menu::Test::Language(l) = t {
                                        found.push((language_tag(l), cond.1.clone()));
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        for (tag, r) in found {
            if !tags.iter().any(|t| t.value == tag) {
                let at = self.span(r);
                self.language_at.insert(tag.clone(), at);
                tags.push(At::new(tag, at));
            }
        }
        let at = self.cx.sources.whole(self.file);
        self.b.languages(tags, at);
    }

    /// Where the call starts, and the place to point at for it.
    fn entry(&mut self) -> Option<(Loc, Span)> {
        if let Some((name, r)) = self.plan.entry_hint.clone() {
            let at = self.span(r);
            match self.plan.by_name.get(&name).copied() {
                Some(c) => match self.find_ext(c, "s") {
                    Some((d, e)) => {
                        return Some((
                            Loc {
                                chan: c,
                                def: d,
                                ext: e,
                                prio: 1,
                            },
                            at,
                        ));
                    }
                    None => self
                        .cx
                        .unreadable(at, format!("context `{name}` has no `s` extension to start at")),
                },
                None => self.cx.unreadable(
                    at,
                    format!("`ivrsim-entry` names context `{name}`, which is not in the dialplan"),
                ),
            }
        }
        // A context whose `s` extension waits for keys (`Background`, `WaitExten`) is the IVR;
        // a sample dialplan has helper contexts with an `s` before it (`[dundi-e164]`).
        let waits = |ctx: &parse::Context| {
            ctx.by_name.get("s").is_some_and(|&e| {
                ctx.exts[e]
                    .prios
                    .values()
                    .any(|p| p.app.eq_ignore_ascii_case("WaitExten") || p.app.eq_ignore_ascii_case("Background"))
            })
        };
        let first_waiting = (0..self.plan.contexts.len()).find(|&c| waits(&self.plan.contexts[c]));
        for c in first_waiting.into_iter().chain(0..self.plan.contexts.len()) {
            if let Some(&e) = self.plan.contexts[c].by_name.get("s") {
                let at = self.span(self.plan.contexts[c].range.clone());
                return Some((
                    Loc {
                        chan: c,
                        def: c,
                        ext: e,
                        prio: 1,
                    },
                    at,
                ));
            }
        }
        let c = self.plan.contexts.iter().position(|c| !c.exts.is_empty())?;
        let ctx = &self.plan.contexts[c];
        let e = &ctx.exts[0];
        let at = self.span(e.name_range.clone());
        let (cname, ename) = (ctx.name.clone(), e.name.clone());
        let prio = e.prios.keys().next().copied().unwrap_or(1);
        self.cx.approx(
            at,
            format!("no context has an `s` extension: calls are taken to start at `{ename}` of `{cname}`"),
            "calls that Asterisk would start elsewhere (the channel's extension) start here",
        );
        Some((
            Loc {
                chan: c,
                def: c,
                ext: 0,
                prio,
            },
            at,
        ))
    }

    fn build(&mut self, job: Job) {
        let Some(p) = self.prio(job.loc).cloned() else {
            return;
        };
        match app_kind(&p.app) {
            App::Background | App::Playback | App::WaitExten => self.prompts(job, &p),
            App::Read => self.read(job, &p),
            App::GotoIf => self.goto_if(job, &p),
            App::GotoIfTime => self.goto_if_time(job, &p),
            App::Set => self.sets(job),
            App::Queue | App::Dial => self.transfer(job, &p, None),
            App::VoiceMail => self.voicemail(job, &p, None),
            App::Hangup | App::Tone => self.hangup(job, &p, None),
            App::Say => self.say(job, &p),
            _ => self.unknown(job, &p),
        }
    }

    fn args(p: &parse::Priority) -> Vec<Arg> {
        split_args(&p.args, p.args_start)
    }

    fn node_span(&self, p: &parse::Priority) -> Span {
        self.span(p.range.clone())
    }
}

#[cfg(test)]
mod tests;
