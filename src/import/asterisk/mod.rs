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
//!   `custom/welcome.wav` beside the dialplan when it exists (`es/custom/welcome.wav` for a
//!   translation), never a clip that is not there.
//! - Anything else is a finding: an application ivrsim cannot run becomes an `external`
//!   application step named after it (the IVR part of the call ends there, W027); a
//!   condition it cannot read takes the false branch (W027); a `Goto` to a place that does
//!   not exist is E006 and runs as Asterisk runs it (the call ends).
//!
//! Bounds: see [`parse`] for the file; at most [`MAX_NODES`] nodes, [`MAX_CHASE`] steps
//! followed without a node, [`MAX_INCLUDE_DEPTH`] levels of `include`.

mod expr;
mod parse;
mod queues;
mod timespec;

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

/// The score of one position of a pattern and its set of characters (`ext_cmp_pattern_pos`,
/// `main/pbx.c` 1603-1712); `None` at the end.
fn pattern_pos(p: &[u8], i: &mut usize) -> (u32, [u8; 32]) {
    let mut bits = [0u8; 32];
    let set = |bits: &mut [u8; 32], c: u8| bits[(c / 8) as usize] |= 1 << (7 - c % 8);
    loop {
        while p.get(*i) == Some(&b'-') {
            *i += 1;
        }
        let Some(&c) = p.get(*i) else {
            return (0x30000, bits);
        };
        *i += 1;
        match c {
            b'n' | b'N' => {
                (b'2'..=b'9').for_each(|c| set(&mut bits, c));
                return (0x0800 | u32::from(b'2'), bits);
            }
            b'x' | b'X' => {
                (b'0'..=b'9').for_each(|c| set(&mut bits, c));
                return (0x0A00 | u32::from(b'0'), bits);
            }
            b'z' | b'Z' => {
                (b'1'..=b'9').for_each(|c| set(&mut bits, c));
                return (0x0900 | u32::from(b'1'), bits);
            }
            b'.' => return (0x18000, bits),
            b'!' => return (0x28000, bits),
            b'[' => {
                let Some(end) = p[*i..].iter().position(|&b| b == b']').map(|e| e + *i) else {
                    return (0x40000, bits);
                };
                let mut count = 0u32;
                let mut cmin = 0xFFu8;
                while *i < end {
                    let c1 = p[*i];
                    let c2 = if *i + 2 < end && p[*i + 1] == b'-' {
                        *i += 2;
                        p[*i]
                    } else {
                        c1
                    };
                    cmin = cmin.min(c1);
                    for c in c1..=c2 {
                        if bits[(c / 8) as usize] & (1 << (7 - c % 8)) == 0 {
                            set(&mut bits, c);
                            count += 0x100;
                        }
                    }
                    *i += 1;
                }
                *i = end + 1;
                if count > 0 {
                    return (count | u32::from(cmin), bits);
                }
            }
            c => {
                set(&mut bits, c);
                return (0x0100 | u32::from(c), bits);
            }
        }
    }
}

/// Asterisk's order of extensions (`ext_cmp`, `main/pbx.c` 1766-1786): literal names
/// before patterns; patterns position by position, fewer possible keys first, then the
/// lowest key.
fn ext_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a.starts_with('_'), b.starts_with('_')) {
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
        (false, false) => return a.replace('-', "").cmp(&b.replace('-', "")),
        _ => {}
    }
    let (pa, pb) = (&a.as_bytes()[1..], &b.as_bytes()[1..]);
    let (mut i, mut j) = (0, 0);
    loop {
        let (sa, ba) = pattern_pos(pa, &mut i);
        let (sb, bb) = pattern_pos(pb, &mut j);
        let c = sa.cmp(&sb).then_with(|| bb.cmp(&ba));
        if c != Ordering::Equal || sa == 0x30000 || sa == 0x40000 {
            return c;
        }
    }
}

/// What an extension name is to a caller dialling.
#[derive(Clone)]
enum Dialable {
    Key(DtmfKey),
    Pattern(Box<KeyPattern>),
    /// Keys A-D, or a pattern ivrsim cannot take: why.
    Not(String),
    /// A name (`s`, `t`, `leak`): reached only by `Goto`.
    Name,
}

fn dialable(name: &str) -> Dialable {
    if name.starts_with('_') {
        if name == "_." || name == "_!" {
            return Dialable::Not(format!(
                "`{name}` also matches `s`, `t`, `i` and `h` (Asterisk warns against it): write `_X.` or `_X!`"
            ));
        }
        return match KeyPattern::parse(name) {
            Ok(p) if p.sample().is_some() => Dialable::Pattern(Box::new(p)),
            Ok(_) => Dialable::Not(format!("`{name}` matches no keys of a phone")),
            Err(e) => Dialable::Not(format!("`{name}`: {e}")),
        };
    }
    let keys = name.replace('-', "");
    if !keys.is_empty() && keys.chars().all(|c| matches!(c, '0'..='9' | '*' | '#')) {
        return match DtmfKey::parse(&keys) {
            Ok(k) => Dialable::Key(k),
            Err(_) => Dialable::Name,
        };
    }
    if !keys.is_empty() && keys.chars().all(|c| matches!(c, '0'..='9' | '*' | '#' | 'A'..='D')) && keys.len() > 1
        || matches!(keys.as_str(), "A" | "B" | "C" | "D")
    {
        return Dialable::Not(format!(
            "`{name}` uses the keys A-D, which phones do not have (ivrsim takes 0-9, * and #)"
        ));
    }
    Dialable::Name
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
            None => (usize::MAX, usize::MAX),
            Some(e) => match self.find_ext(chan, e) {
                Some(x) => x,
                None => (usize::MAX, usize::MAX),
            },
        };
        if def == usize::MAX {
            let e = t.exten.clone().unwrap_or_default();
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
        for c in 0..self.plan.contexts.len() {
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

    /// A `Background`/`Playback` run, with or without `WaitExten` after it.
    fn prompts(&mut self, job: Job, first: &parse::Priority) {
        let kind = app_kind(&first.app);
        let mut state = job.state.clone();
        let mut files: Vec<Arg> = Vec::new();
        let mut cur = job.loc;
        let mut barge_in = kind != App::Playback;
        if kind != App::WaitExten {
            while let Some(p) = self.prio(cur).cloned() {
                let k = app_kind(&p.app);
                if k == kind {
                    let args = Self::args(&p);
                    if let Some(f) = args.first() {
                        files.extend(split_files(f));
                    }
                    if kind == App::Background {
                        if let Some(o) = args.get(1).filter(|o| !o.text.is_empty()) {
                            let opts = o.text.to_ascii_lowercase();
                            if opts.contains('p') && opts != "skip" {
                                barge_in = false;
                            }
                            if opts.contains('m') {
                                let at = self.span(o.range.clone());
                                self.approx_once(
                                    format!("bg m {cur:?}"),
                                    at,
                                    "option `m` (stop only for a one-key extension) is not imported: any key stops the prompt",
                                    "a key that starts a longer extension stops the prompt here",
                                );
                            }
                        }
                        for (i, what) in [(2, "language"), (3, "context")] {
                            if let Some(a) = args.get(i).filter(|a| !a.text.is_empty()) {
                                let at = self.span(a.range.clone());
                                self.approx_once(
                                    format!("bg {i} {cur:?}"),
                                    at,
                                    format!("the {what} argument of `Background` is not imported"),
                                    if i == 2 {
                                        "the prompt plays in the call's language"
                                    } else {
                                        "keys are matched in the call's context"
                                    },
                                );
                            }
                        }
                    }
                } else if k == App::Silent {
                    // Passed over inside the run.
                } else if k == App::Set
                    && let Some((n, v)) = p.args.split_once('=')
                    && matches!(set_kind(n), SetKind::Response | SetKind::Digit)
                    && let Some(ms) = timelen_ms(v)
                {
                    if matches!(set_kind(n), SetKind::Response) {
                        state.response_ms = ms;
                    } else {
                        state.digit_ms = ms;
                    }
                } else {
                    break;
                }
                cur = cur.next();
            }
        }
        let wait = self.prio(cur).filter(|p| app_kind(&p.app) == App::WaitExten).cloned();
        if kind == App::Playback && wait.is_none() {
            // A message: only this Playback; what follows is its own node, unless it is a
            // hang-up, a queue or a voicemail, whose prompt it then is.
            let args = Self::args(first);
            let files = args.first().map(split_files).unwrap_or_default();
            let (prompt, placeholder) = self.prompt(&files, self.node_span(first));
            let (after, after_state) = self.skip_quiet(job.loc.next(), &job.state);
            if let Some(p) = self.prio(after).cloned()
                && matches!(app_kind(&p.app), App::Hangup | App::Queue | App::Dial | App::VoiceMail)
            {
                let lead = Lead {
                    prompt,
                    placeholder,
                    at: self.node_span(first),
                    loc: job.loc,
                };
                let job = Job {
                    loc: after,
                    state: after_state,
                    id: job.id,
                };
                match app_kind(&p.app) {
                    App::Hangup => self.hangup(job, &p, Some(lead)),
                    App::VoiceMail => self.voicemail(job, &p, Some(lead)),
                    _ => self.transfer(job, &p, Some(lead)),
                }
                return;
            }
            let next = self.resolve(job.loc.next(), &job.state);
            let at = self.node_span(first);
            let next = self.reference(&next, at);
            let here = self.here(job.loc);
            self.b.add_node(
                At::new(job.id.clone(), at),
                Some(format!("Asterisk Playback at {here}")),
                NodeSpec::Message {
                    prompt,
                    next,
                    barge_in: Some(false),
                },
            );
            if placeholder {
                self.lint_allow(&job.id);
            }
            return;
        }
        let node_at = self.node_span(first);
        let (prompt, placeholder) = if files.is_empty() {
            (
                Prompt {
                    text: String::new(),
                    audio: None,
                    translations: IndexMap::new(),
                    span: node_at,
                    text_span: node_at,
                },
                false,
            )
        } else {
            self.prompt(&files, node_at)
        };
        // The wait for the first key, and where silence leads.
        let (timeout, timeout_at, no_input) = match &wait {
            Some(w) => {
                let wl = Loc { prio: w.number, ..cur };
                let args = Self::args(w);
                let wat = self.span(w.range.clone());
                let ms = args.first().and_then(|a| timelen_ms(&a.text));
                if let Some(a) = args.first().filter(|a| !a.text.is_empty() && ms.is_none()) {
                    let at = self.span(a.range.clone());
                    if a.text.trim().parse::<f64>().map_or(true, |v| v > 0.0) {
                        self.approx_once(
                            format!("wait {wl:?}"),
                            at,
                            format!(
                                "`{}` is not a time ivrsim can read: `TIMEOUT(response)` is used",
                                a.text
                            ),
                            "the wait for the first key",
                        );
                    }
                }
                if let Some(o) = args.get(1).filter(|o| !o.text.is_empty()) {
                    let at = self.span(o.range.clone());
                    self.approx_once(
                        format!("wait opts {wl:?}"),
                        at,
                        format!("the options `{}` of `WaitExten` are not imported", o.text),
                        "the music on hold or dial tone played while waiting: ivrsim is silent",
                    );
                }
                let timeout = Duration::from_millis(ms.unwrap_or(state.response_ms));
                let next = wl.next();
                let target = if self.prio(next).is_some() {
                    self.resolve(next, &state)
                } else {
                    self.special(job.loc.chan, "t", &state)
                };
                (timeout, wat, target)
            }
            None => {
                if self.prio(cur).is_some() {
                    (NO_WAIT, node_at, self.resolve(cur, &state))
                } else if self.autofallthrough {
                    self.approx_once(
                        format!("bg end {:?}", job.loc),
                        node_at,
                        "a `Background` prompt with no `WaitExten` after it, at the end of its extension: Asterisk hangs up as soon as it ends (`autofallthrough`); imported as a menu that waits 1 ms",
                        "callers must choose while the prompt plays: there is no time to answer after it",
                    );
                    (NO_WAIT, node_at, self.end_node(job.loc.chan))
                } else {
                    let t = self.special(job.loc.chan, "t", &state);
                    (Duration::from_millis(state.response_ms), node_at, t)
                }
            }
        };
        let no_match = self.special(job.loc.chan, "i", &state);
        let options = self.options(job.loc.chan, &state);
        let ni = self.reference(&no_input, timeout_at);
        let nm = self.reference(&no_match, node_at);
        let listen = ListenSpec {
            timeout: Some(At::new(timeout, timeout_at)),
            inter_digit_timeout: Some(At::new(Duration::from_millis(state.digit_ms), timeout_at)),
            max_no_input: Some(At::new(Retries::Limit(1), timeout_at)),
            max_no_match: Some(At::new(Retries::Limit(1), node_at)),
            fallback_no_input: Some(ni),
            fallback_no_match: Some(nm),
            barge_in: Some(barge_in),
            type_ahead: Some(false),
            key_match: Some(At::new(KeyMatchPolicy::Early, node_at)),
            ..ListenSpec::default()
        };
        let what = match (kind, wait.is_some()) {
            (App::WaitExten, _) => "WaitExten".to_owned(),
            (_, true) => format!("{} + WaitExten", first.app),
            (_, false) => first.app.clone(),
        };
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id.clone(), node_at),
            Some(format!("Asterisk {what} at {here}")),
            NodeSpec::Menu {
                prompt,
                options,
                listen,
            },
        );
        if placeholder {
            self.lint_allow(&job.id);
        }
    }

    /// The first step from `loc` that is not passed over without a finding (silent
    /// applications, channel settings that are read), and the settings then.
    fn skip_quiet(&self, mut loc: Loc, state: &State) -> (Loc, State) {
        let mut state = state.clone();
        for _ in 0..MAX_CHASE {
            let Some(p) = self.prio(loc) else { break };
            match app_kind(&p.app) {
                App::Silent => {}
                App::Set => {
                    let Some((n, v)) = p.args.split_once('=') else { break };
                    match set_kind(n) {
                        SetKind::Response => match timelen_ms(v) {
                            Some(ms) => state.response_ms = ms,
                            None => break,
                        },
                        SetKind::Digit => match timelen_ms(v) {
                            Some(ms) => state.digit_ms = ms,
                            None => break,
                        },
                        SetKind::QueuePrio => match v.trim().parse::<i64>() {
                            Ok(n) => state.queue_prio = n,
                            Err(_) => break,
                        },
                        SetKind::Quiet => {}
                        _ => break,
                    }
                }
                _ => break,
            }
            loc = loc.next();
        }
        (loc, state)
    }

    /// The node of the special extension `name` (`t`, `i`) of `ctx` (else `e`, else the end).
    fn special(&mut self, ctx: usize, name: &str, state: &State) -> String {
        for n in [name, "e"] {
            if let Some((d, e)) = self.find_ext(ctx, n) {
                return self.resolve(
                    Loc {
                        chan: ctx,
                        def: d,
                        ext: e,
                        prio: 1,
                    },
                    state,
                );
            }
        }
        self.end_node(ctx)
    }

    /// The options of a menu in `ctx`.
    fn options(&mut self, ctx: usize, state: &State) -> Vec<OptionSpec> {
        let mut out = Vec::new();
        for (def, ext) in self.dialable_exts(ctx) {
            let e = &self.plan.contexts[def].exts[ext];
            let name = e.name.clone();
            let first = e.prios.keys().next().copied();
            let at = self.span(e.name_range.clone());
            let (key, pattern) = match self.dialable(&name) {
                Dialable::Name => continue,
                Dialable::Not(why) => {
                    self.approx_once(
                        format!("not dialable {def} {ext}"),
                        at,
                        format!("{why}: this extension is not an option"),
                        "these keys go to `i` (invalid) instead",
                    );
                    continue;
                }
                Dialable::Key(k) => (Some(At::new(k, at)), None),
                Dialable::Pattern(p) => (None, Some(At::new(*p, at))),
            };
            let Some(first) = first else { continue };
            if first != 1 {
                self.approx_once(
                    format!("no prio 1 {def} {ext}"),
                    at,
                    format!("extension `{name}` has no priority 1, so Asterisk never runs it: not an option"),
                    "these keys go to `i` (invalid)",
                );
                continue;
            }
            let mut target = Loc {
                chan: ctx,
                def,
                ext,
                prio: 1,
            };
            let mut language = None;
            if let Some(p) = self.prio(target)
                && app_kind(&p.app) == App::Set
                && let Some((n, v)) = p.args.split_once('=')
                && matches!(set_kind(n), SetKind::Language)
            {
                let lat = self.span(p.app_range.clone());
                language = Some(At::new(language_tag(v), lat));
                target = target.next();
            }
            let to = self.resolve(target, state);
            let to = self.reference(&to, at);
            out.push(OptionSpec {
                key,
                at,
                to,
                say: Vec::new(),
                label: None,
                language,
                store: pattern.is_some().then(|| "EXTEN".to_owned()),
                pattern,
                set: Vec::new(),
            });
        }
        out
    }

    fn lint_allow(&mut self, id: &str) {
        // The captions of sound files without words cannot announce keys: the checks of
        // announced keys (W019, W020) cannot judge these prompts.
        self.b
            .node_lint_allow(id, vec![Code::AnnouncedKey, Code::UnannouncedOption]);
    }

    /// `Read()`.
    fn read(&mut self, job: Job, p: &parse::Priority) {
        let args = Self::args(p);
        let at = self.node_span(p);
        let arg = |i: usize| args.get(i).filter(|a| !a.text.is_empty());
        let var = arg(0).map(|a| a.text.trim().to_owned()).unwrap_or_default();
        let var_at = arg(0).map_or(at, |a| self.span(a.range.clone()));
        let store = if expr::is_var_name(&var) {
            var.clone()
        } else {
            self.approx_once(
                format!("read var {:?}", job.loc),
                var_at,
                format!("`{var}` is not a variable name ivrsim can use: the digits are stored in `READ`"),
                "nothing, unless a later step reads the variable",
            );
            "READ".to_owned()
        };
        let files = arg(1).map(split_files).unwrap_or_default();
        let (prompt, placeholder) = if files.is_empty() {
            (
                Prompt {
                    text: String::new(),
                    audio: None,
                    translations: IndexMap::new(),
                    span: at,
                    text_span: at,
                },
                false,
            )
        } else {
            self.prompt(&files, at)
        };
        let max_at = arg(2).map_or(at, |a| self.span(a.range.clone()));
        let max = match arg(2).and_then(|a| a.text.trim().parse::<i64>().ok()) {
            Some(n) if (1..=i64::from(MAX_READ_DIGITS)).contains(&n) => n as u32,
            other => {
                let asked = match other {
                    Some(n) if (1..=255).contains(&n) => n.to_string(),
                    _ => "255 (no limit given)".to_owned(),
                };
                self.approx_once(
                    format!("read max {:?}", job.loc),
                    max_at,
                    format!("`Read` takes up to {asked} digits; ivrsim's collect takes at most {MAX_READ_DIGITS}"),
                    format!("an entry ends at the {MAX_READ_DIGITS}th digit"),
                );
                MAX_READ_DIGITS
            }
        };
        let mut terminator = Some("#".to_owned());
        let opts = arg(3).map(|a| a.text.clone()).unwrap_or_default();
        let opts_at = arg(3).map_or(at, |a| self.span(a.range.clone()));
        let mut rest = opts.as_str();
        while let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            match c {
                't' => {
                    let mut keys = String::new();
                    if let Some(r) = rest.strip_prefix('(') {
                        let end = r.find(')').unwrap_or(r.len());
                        keys = r[..end].to_owned();
                        rest = r.get(end + 1..).unwrap_or("");
                    }
                    let usable: Vec<char> = keys.chars().filter(|c| matches!(c, '#' | '*')).collect();
                    if usable.len() != keys.chars().count() || usable.len() > 1 {
                        self.approx_once(
                            format!("read t {:?}", job.loc),
                            opts_at,
                            format!(
                                "the end keys `{keys}`: ivrsim's collect ends on one key, `#` or `*`; {}",
                                match usable.first() {
                                    Some(k) => format!("`{k}` is used"),
                                    None => "none is used".to_owned(),
                                }
                            ),
                            "the other keys are taken as part of the entry",
                        );
                    }
                    terminator = usable.first().map(char::to_string);
                }
                's' | 'n' => {}
                other => self.approx_once(
                    format!("read opt {other} {:?}", job.loc),
                    opts_at,
                    format!("option `{other}` of `Read` is not imported"),
                    match other {
                        'i' => "the prompt is a tone Asterisk plays, not a sound file",
                        'e' => "`#` alone gives the value `#` in Asterisk; here it is a no-input",
                        _ => "what the option changes",
                    },
                ),
            }
        }
        let attempts = arg(4)
            .and_then(|a| a.text.trim().parse::<i64>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(1)
            .min(i64::from(crate::menu::MAX_RETRIES)) as u32;
        let timeout_ms = arg(5)
            .and_then(|a| a.text.trim().parse::<f64>().ok())
            .filter(|t| t.is_finite() && *t > 0.0)
            .map(|t| (t * 1000.0).round().max(1.0) as u64);
        let t_at = arg(5).map_or(at, |a| self.span(a.range.clone()));
        let (first_ms, digit_ms) = match timeout_ms {
            Some(ms) => (ms, ms),
            None => (job.state.response_ms, job.state.digit_ms),
        };
        if files.len() > 1 {
            self.approx_once(
                format!("read files {:?}", job.loc),
                at,
                "`Read` plays its files one after another with a 50 ms wait for a key between them (`main/app.c` 231-236); imported as one prompt",
                "50 ms less silence between the files",
            );
        }
        let next = self.resolve(job.loc.next(), &job.state);
        let empty_id = self.unique(format!("{}.nothing", job.id));
        let next_ref = self.reference(&next, at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(empty_id.clone(), at),
            Some(format!(
                "Asterisk Read at {here}: nothing entered in {attempts} attempt(s), `{store}` is empty"
            )),
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default: next_ref,
            }),
        );
        self.b.node_set(
            &empty_id,
            vec![SetVar {
                var: store.clone(),
                value: SetValue::Text(String::new()),
                span: at,
            }],
        );
        let next_ref = self.reference(&next, at);
        let fb = self.reference(&empty_id, t_at);
        let listen = ListenSpec {
            timeout: Some(At::new(Duration::from_millis(first_ms), t_at)),
            inter_digit_timeout: Some(At::new(Duration::from_millis(digit_ms), t_at)),
            max_no_input: Some(At::new(
                Retries::Limit(attempts),
                arg(4).map_or(at, |a| self.span(a.range.clone())),
            )),
            // No key is a wrong entry for `Read` (no minimum, no pattern): only words are, which
            // Asterisk does not take; they re-prompt.
            max_no_match: Some(At::new(Retries::Unlimited, at)),
            fallback_no_input: Some(fb),
            barge_in: Some(true),
            ..ListenSpec::default()
        };
        self.b.add_node(
            At::new(job.id.clone(), at),
            Some(format!("Asterisk Read at {here}")),
            NodeSpec::Collect {
                prompt,
                digits: DigitsSpec {
                    at: max_at,
                    min: Some(At::new(1, max_at)),
                    max: Some(At::new(max, max_at)),
                    // Every key but the terminator is part of the value (`ast_readstring`).
                    keys: Some(At::new(
                        format!(
                            "0123456789{}",
                            ['*', '#']
                                .iter()
                                .filter(|k| terminator.as_deref() != Some(k.to_string().as_str()))
                                .collect::<String>()
                        ),
                        opts_at,
                    )),
                    terminator: terminator
                        .and_then(|t| DtmfKey::parse(&t).ok())
                        .map(|t| At::new(t, opts_at)),
                },
                pattern: None,
                store,
                next: next_ref,
                listen,
            },
        );
        if placeholder {
            self.lint_allow(&job.id);
        }
        // Every key is data here, so no key entry is a no-match: a no-match re-prompt could
        // never play (W004 would ask for one).
        self.b.node_lint_allow(&job.id, vec![Code::NoMatchHandling]);
    }

    /// The places a branch of `GotoIf`/`GotoIfTime` at `loc` leads (an empty one: the next
    /// priority).
    fn branch(&mut self, loc: Loc, b: Option<&(String, Range<usize>)>, state: &State, at: Span) -> (String, Span) {
        match b {
            None => (self.resolve(loc.next(), state), at),
            Some((text, r)) => {
                let bat = self.span(r.clone());
                match self.goto(loc, text, r.clone()) {
                    Ok(t) => (self.resolve(t, state), bat),
                    Err(id) => (id, bat),
                }
            }
        }
    }

    fn goto_if(&mut self, job: Job, p: &parse::Priority) {
        let at = self.node_span(p);
        let Some((cond, yes, no)) = expr::branches(&p.args, p.args_start) else {
            self.approx_once(
                format!("gotoif {:?}", job.loc),
                at,
                "`GotoIf` without `?`: Asterisk goes on at the next priority",
                "nothing",
            );
            let next = self.resolve(job.loc.next(), &job.state);
            let r = self.reference(&next, at);
            let here = self.here(job.loc);
            self.b.add_node(
                At::new(job.id, at),
                Some(format!("Asterisk GotoIf at {here}")),
                NodeSpec::Route(RouteNode {
                    routes: Vec::new(),
                    default: r,
                }),
            );
            return;
        };
        let (yes_id, yes_at) = self.branch(job.loc, yes.as_ref(), &job.state, at);
        let (no_id, no_at) = self.branch(job.loc, no.as_ref(), &job.state, at);
        let cond_at = self.span(cond.1.clone());
        let parsed = expr::condition(&cond.0, &self.constant());
        let (routes, default) = match parsed {
            Ok(c) => {
                let (to, to_at, other, other_at) = if c.negated {
                    (no_id, no_at, yes_id, yes_at)
                } else {
                    (yes_id, yes_at, no_id, no_at)
                };
                let mut routes = Vec::new();
                for when in c.alternatives {
                    routes.push(Route {
                        when,
                        to: self.b.reference(&to, to_at),
                    });
                }
                (routes, self.b.reference(&other, other_at))
            }
            Err(e) => {
                self.cx.approx(
                    cond_at,
                    format!(
                        "the condition `{}` is not imported ({e}): the call always takes the false branch",
                        cond.0
                    ),
                    "callers for whom the condition holds go the other way",
                );
                (Vec::new(), self.b.reference(&no_id, no_at))
            }
        };
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk GotoIf at {here}")),
            NodeSpec::Route(RouteNode { routes, default }),
        );
    }

    fn goto_if_time(&mut self, job: Job, p: &parse::Priority) {
        let at = self.node_span(p);
        let Some((spec, yes, no)) = expr::branches(&p.args, p.args_start) else {
            self.approx_once(
                format!("gotoiftime {:?}", job.loc),
                at,
                "`GotoIfTime` without `?`: not imported, the call goes on at the next priority",
                "nothing",
            );
            let next = self.resolve(job.loc.next(), &job.state);
            let r = self.reference(&next, at);
            let here = self.here(job.loc);
            self.b.add_node(
                At::new(job.id, at),
                Some(format!("Asterisk GotoIfTime at {here}")),
                NodeSpec::Route(RouteNode {
                    routes: Vec::new(),
                    default: r,
                }),
            );
            return;
        };
        let (yes_id, yes_at) = self.branch(job.loc, yes.as_ref(), &job.state, at);
        let (no_id, no_at) = self.branch(job.loc, no.as_ref(), &job.state, at);
        let spec_at = self.span(spec.1.clone());
        let key = spec.0.split_whitespace().collect::<String>();
        let schedule = match self.schedules.get(&key) {
            Some(name) => Some(name.clone()),
            None => {
                let (t, bad) = timespec::parse(&key);
                for b in bad {
                    self.cx.approx(
                        spec_at,
                        format!("{b}: Asterisk skips this element (and logs a warning); so does the import"),
                        "the times it was meant to add or remove",
                    );
                }
                if let Some(tz) = &t.timezone {
                    self.cx.approx(
                        spec_at,
                        format!("the time zone `{tz}` is not imported: the times are read in the hotline's local time"),
                        "the hours shift by the difference between the two time zones",
                    );
                }
                match timespec::schedule(&t) {
                    Ok((s, dated)) => {
                        if dated {
                            self.cx.approx(
                                spec_at,
                                format!(
                                    "days of the month and months hold every year in Asterisk; the imported schedule lists the dates of {} to {}",
                                    timespec::FIRST_YEAR,
                                    timespec::LAST_YEAR
                                ),
                                "a call outside those years takes the false branch",
                            );
                        }
                        let name = key.clone();
                        self.b.add_schedule(At::new(name.clone(), spec_at), s);
                        self.schedules.insert(key.clone(), name.clone());
                        Some(name)
                    }
                    Err(e) => {
                        self.cx.approx(
                            spec_at,
                            format!("the times are not imported ({e}): the call always takes the false branch"),
                            "callers in those times go the other way",
                        );
                        None
                    }
                }
            }
        };
        let routes = match schedule {
            Some(s) => vec![Route {
                when: vec![crate::menu::Test::Hours(s)],
                to: self.b.reference(&yes_id, yes_at),
            }],
            None => Vec::new(),
        };
        let default = self.b.reference(&no_id, no_at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk GotoIfTime at {here}")),
            NodeSpec::Route(RouteNode { routes, default }),
        );
    }

    /// A run of `Set(VAR=value)` of call variables: a route that sets them.
    fn sets(&mut self, job: Job) {
        let mut cur = job.loc;
        let mut sets = Vec::new();
        let first_at = self.prio(cur).map(|p| self.span(p.range.clone()));
        while let Some(p) = self.prio(cur).cloned() {
            if app_kind(&p.app) != App::Set {
                break;
            }
            let Some((name, value)) = p.args.split_once('=') else {
                break;
            };
            let SetKind::Var(var) = set_kind(name) else { break };
            let at = self.span(p.range.clone());
            let value_at = self.span(p.args_start + name.len() + 1..p.args_start + p.args.len());
            let parsed = expr::set_value(&var, value, &self.constant());
            match parsed {
                Ok(v) => sets.push(SetVar {
                    var,
                    value: v,
                    span: at,
                }),
                Err(e) => self.cx.approx(
                    value_at,
                    format!("`{var}` is not set: {e}"),
                    format!("steps that test `{var}` see the value it had before"),
                ),
            }
            cur = cur.next();
        }
        let at = first_at.unwrap_or_else(|| self.cx.sources.whole(self.file));
        let next = self.resolve(cur, &job.state);
        let default = self.reference(&next, at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id.clone(), at),
            Some(format!("Asterisk Set at {here}")),
            NodeSpec::Route(RouteNode {
                routes: Vec::new(),
                default,
            }),
        );
        self.b.node_set(&job.id, sets);
    }

    /// `Queue()` or `Dial()`.
    fn transfer(&mut self, job: Job, p: &parse::Priority, lead: Option<Lead>) {
        let at = self.node_span(p);
        let args = Self::args(p);
        let dial = app_kind(&p.app) == App::Dial;
        let name = args.first().map(|a| a.text.trim().to_owned()).unwrap_or_default();
        let name_at = args.first().map_or(at, |a| self.span(a.range.clone()));
        let queue = if name.is_empty() {
            "queue".to_owned()
        } else {
            name.clone()
        };
        if name.contains("${") {
            self.approx_once(
                format!("queue name {:?}", job.loc),
                name_at,
                format!("`{name}` is computed while the call runs: imported as a queue of that name"),
                "the call may be queued elsewhere",
            );
        }
        let timeout_arg = if dial { args.get(1) } else { args.get(4) };
        let max_wait = timeout_arg
            .filter(|a| !a.text.is_empty())
            .and_then(|a| {
                a.text
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(|n| (n, a.range.clone()))
            })
            .map(|(n, r)| At::new(Duration::from_secs(n as u64), self.span(r)));
        let opts_arg = if dial { args.get(2) } else { args.get(1) };
        if let Some(o) = opts_arg.filter(|o| !o.text.is_empty()) {
            let oat = self.span(o.range.clone());
            self.approx_once(
                format!("queue opts {:?}", job.loc),
                oat,
                format!("the options `{}` of `{}` are not imported", o.text, p.app),
                "what they change: ringing instead of music, who may transfer, how long members ring",
            );
        }
        if dial {
            self.approx_once(
                format!("dial {:?}", job.loc),
                name_at,
                format!("`Dial` rings `{name}` itself; imported as a transfer to a queue named `{name}` (call-takers answer it in ivrsim)"),
                "a person answers from the queue, or the call goes on at the next priority when nobody does",
            );
        }
        let known = self.queues.get(&queue).map(|q| q.max_wait.clone());
        match known {
            Some(old) => {
                if let (Some(new), Some(old)) = (&max_wait, &old)
                    && new.value != old.value
                {
                    let (nv, ov) = (new.value.as_secs(), old.value.as_secs());
                    let nat = new.at;
                    self.approx_once(
                        format!("queue wait {:?}", job.loc),
                        nat,
                        format!("queue `{queue}` is given a timeout of {nv} s here and {ov} s before: ivrsim keeps one wait limit a queue, the first"),
                        "callers who come this way wait as long as the first timeout says",
                    );
                } else if old.is_none()
                    && let Some(q) = self.queues.get_mut(&queue)
                {
                    q.max_wait = max_wait;
                }
            }
            None => {
                self.queues.insert(
                    queue.clone(),
                    QueueUse {
                        at: name_at,
                        max_wait,
                        dial,
                    },
                );
            }
        }
        let level = (5 - job.state.queue_prio.clamp(-4, 4)) as u64;
        let priority = if dial {
            Priority::Normal
        } else {
            Priority::from_level(level).unwrap_or_default()
        };
        let next = self.resolve(job.loc.next(), &job.state);
        let next = self.reference(&next, at);
        let hold = if dial {
            None
        } else {
            Some(self.hold(&queue, &job.state, name_at))
        };
        let (node_at, what, prompt) = self.lead(lead, &job, p, at);
        self.b.add_node(
            At::new(job.id, node_at),
            Some(what),
            NodeSpec::Transfer {
                queue,
                priority,
                prompt,
                context: None,
                hold,
                when_no_operator: Some(Some(NoOperator::Goto { to: next })),
            },
        );
    }

    /// `queues.conf`, read once.
    fn queue_conf(&mut self) -> Option<QueueConf> {
        if let Some(q) = &self.qconf {
            return q.clone();
        }
        let read = self.cx.companion("queues.conf", &[]).map(|(_, id)| {
            let (q, notes) = queues::parse(self.cx.sources.text(id));
            for n in notes {
                match n {
                    Note::Unreadable(r, m) => {
                        let at = self.cx.bytes(id, r);
                        self.cx.unreadable(at, m);
                    }
                    Note::Approx(r, m, c) => {
                        let at = self.cx.bytes(id, r);
                        self.cx.approx(at, m, c);
                    }
                }
            }
            (id, Rc::new(q))
        });
        self.qconf = Some(read.clone());
        read
    }

    /// The hold announcements of queue `name` from `queues.conf`.
    fn hold(&mut self, name: &str, state: &State, queue_at: Span) -> HoldSpec {
        let conf = self.queue_conf();
        let section = conf.as_ref().and_then(|(_, c)| c.get(name).cloned());
        let file = conf.as_ref().map_or(self.file, |(f, _)| *f);
        let settings = section.as_ref().map(|s| s.settings.clone()).unwrap_or_default();
        let mut hold = HoldSpec::default();
        let mut periodic_every = None;
        let mut periodic_files: Option<(String, Range<usize>)> = None;
        let mut announce = None;
        for s in &settings {
            let at = self.cx.bytes(file, s.range.clone());
            match s.key.as_str() {
                "announce-frequency" => announce = Some((s.value.trim().parse::<u64>().unwrap_or(0), at)),
                "periodic-announce-frequency" => {
                    periodic_every = Some((s.value.trim().parse::<u64>().unwrap_or(0), at));
                }
                "periodic-announce" => periodic_files = Some((s.value.clone(), s.range.clone())),
                "context" => {
                    let cname = s.value.trim().to_owned();
                    match self.plan.by_name.get(&cname).copied() {
                        None => self.approx_once(
                            format!("qctx {name}"),
                            at,
                            format!("there is no context `{cname}` in the dialplan: no key takes a waiting caller out"),
                            "keys pressed while waiting do nothing",
                        ),
                        Some(c) => {
                            self.reached.insert(c);
                            let one: Vec<(usize, usize)> = self
                                .dialable_exts(c)
                                .into_iter()
                                .filter(|(d, e)| {
                                    let n = &self.plan.contexts[*d].exts[*e].name;
                                    n.len() == 1 && n.chars().all(|c| matches!(c, '0'..='9' | '*' | '#'))
                                })
                                .collect();
                            if one.len() > 1 {
                                self.approx_once(
                                    format!("qctx many {name}"),
                                    at,
                                    format!("context `{cname}` has {} one-key extensions; ivrsim takes a waiting caller out with one key, the first", one.len()),
                                    "the other keys do nothing while waiting",
                                );
                            }
                            if let Some(&(d, e)) = one.first() {
                                let key = self.plan.contexts[d].exts[e].name.chars().next().unwrap_or('1');
                                let to = self.resolve(
                                    Loc {
                                        chan: c,
                                        def: d,
                                        ext: e,
                                        prio: 1,
                                    },
                                    state,
                                );
                                hold.exit = Some(Box::new(HoldExit {
                                    key,
                                    key_span: at,
                                    to: self.b.reference(&to, at),
                                }));
                            } else {
                                self.approx_once(
                                    format!("qctx none {name}"),
                                    at,
                                    format!(
                                        "context `{cname}` has no one-key extension: no key takes a waiting caller out"
                                    ),
                                    "nothing",
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let qat = section
            .as_ref()
            .map_or(queue_at, |s| self.cx.bytes(file, s.range.clone()));
        match announce {
            Some((n, at)) if n > 0 => {
                let secs = n.max(5);
                if n < 5 {
                    self.approx_once(
                        format!("announce {name}"),
                        at,
                        format!("position announcements every {n} s: ivrsim announces at most every 5 s"),
                        "fewer announcements",
                    );
                }
                hold.every = Some(At::new(Duration::from_secs(secs), at));
            }
            other => {
                let at = other.map_or(qat, |(_, at)| at);
                self.approx_once(
                    format!("announce none {name}"),
                    at,
                    format!("queue `{name}` announces no position (`announce-frequency` 0, Asterisk's default); ivrsim announces the position once, when the caller joins"),
                    "one announcement of the caller's place when joining the queue",
                );
                hold.every = Some(At::new(NO_ANNOUNCEMENTS, at));
            }
        }
        if let Some((n, at)) = periodic_every.filter(|(n, _)| *n > 0) {
            let (files, r) = periodic_files.unwrap_or(("queue-periodic-announce".into(), at.range()));
            let fat = self.cx.bytes(file, r.clone());
            let args: Vec<Arg> = files
                .split(',')
                .map(|f| Arg {
                    text: f.trim().to_owned(),
                    range: r.clone(),
                })
                .filter(|a| !a.text.is_empty())
                .collect();
            let (prompt, _) = self.prompt_in(&args, fat, Some(file));
            if n < 5 {
                self.approx_once(
                    format!("periodic {name}"),
                    at,
                    format!("periodic announcements every {n} s: ivrsim plays them at most every 5 s"),
                    "fewer announcements",
                );
            }
            hold.periodic = Some(Box::new(Periodic {
                every: Duration::from_secs(n.max(5)),
                prompt,
            }));
        }
        hold
    }

    /// The queues the transfers name, with their settings.
    fn add_queues(&mut self) {
        let uses: Vec<(String, Span, Option<At<Duration>>, bool)> = self
            .queues
            .iter()
            .map(|(n, q)| (n.clone(), q.at, q.max_wait.clone(), q.dial))
            .collect();
        let mut conf_missing_told = false;
        for (name, at, max_wait, dial) in uses {
            let mut spec = QueueSpec {
                max_wait,
                ..QueueSpec::default()
            };
            if dial {
                // A device that cannot be reached fails at once (`DIALSTATUS` CHANUNAVAIL).
                spec.join_empty = Some(false);
                spec.leave_when_empty = Some(true);
                self.b.add_queue(At::new(name, at), spec);
                continue;
            }
            // Asterisk's defaults (`init_queue`, app_queue.c 3120-3146): no limit, a caller
            // may join an empty queue and is never taken out of it.
            spec.join_empty = Some(true);
            spec.leave_when_empty = Some(false);
            match self.queue_conf() {
                None => {
                    if !conf_missing_told {
                        conf_missing_told = true;
                        self.cx.approx(
                            at,
                            "no `queues.conf` beside the dialplan (or named with `--with`): every queue has Asterisk's default settings (no limit, callers may wait with nobody logged in)",
                            "the limits and announcements `queues.conf` would give",
                        );
                    }
                }
                Some((file, conf)) => match conf.get(&name) {
                    None => self.cx.approx(
                        at,
                        format!("queue `{name}` is not in `queues.conf`: Asterisk could not queue the caller and would go on at the next priority; imported as a queue with Asterisk's default settings"),
                        "the caller waits for a call-taker where Asterisk would move on at once",
                    ),
                    Some(section) => {
                        // Settings without a counterpart, by the section they are written in
                        // (a template's once for all its queues).
                        let mut unmapped: Vec<(Range<usize>, bool, Vec<String>)> = Vec::new();
                        for s in &section.settings {
                            let sat = self.cx.bytes(file, s.range.clone());
                            match s.key.as_str() {
                                "maxlen" => {
                                    let n = s.value.trim().parse::<i64>().unwrap_or(0);
                                    spec.max_waiting = (n > 0).then(|| At::new(n.min(i64::from(u32::MAX)) as u32, sat));
                                }
                                "joinempty" | "leavewhenempty" => {
                                    let join = s.key == "joinempty";
                                    let (any, other) = queues::empty_conditions(&s.value, join);
                                    if join {
                                        spec.join_empty = Some(!any);
                                    } else {
                                        spec.leave_when_empty = Some(any);
                                    }
                                    if !other.is_empty() {
                                        self.approx_once(
                                            format!("empty {:?}", s.range),
                                            sat,
                                            format!("`{}`: ivrsim's call-takers are logged in or not; the member states {} have no counterpart", s.key, other.join(", ")),
                                            if join {
                                                "a caller may join while every call-taker is in one of those states"
                                            } else {
                                                "a waiting caller stays while every call-taker is in one of those states"
                                            },
                                        );
                                    }
                                }
                                k if queues::MAPPED.contains(&k) => {}
                                k => {
                                    let heard = queues::HEARD.contains(&k);
                                    match unmapped.iter_mut().find(|u| u.0 == s.origin && u.1 == heard) {
                                        Some(u) => {
                                            if !u.2.iter().any(|x| x == k) {
                                                u.2.push(k.to_owned());
                                            }
                                        }
                                        None => unmapped.push((s.origin.clone(), heard, vec![k.to_owned()])),
                                    }
                                }
                            }
                        }
                        for (origin, heard, keys) in unmapped {
                            let oat = self.cx.bytes(file, origin.clone());
                            let section = self.cx.sources.text(file).get(origin.clone()).unwrap_or("").to_owned();
                            let keys = format!("`[{section}]`: {}", keys.join(", "));
                            if heard {
                                self.approx_once(
                                    format!("heard {origin:?}"),
                                    oat,
                                    format!("{keys} are not imported"),
                                    "the music and the wording of the announcements while waiting: ivrsim plays its own announcement, with silence between",
                                );
                            } else {
                                self.approx_once(
                                    format!("unmapped {origin:?}"),
                                    oat,
                                    format!("{keys} are not imported (no counterpart in ivrsim)"),
                                    "who answers and when: in ivrsim the call-takers (the console, or a scenario) decide",
                                );
                            }
                        }
                    }
                },
            }
            self.b.add_queue(At::new(name, at), spec);
        }
    }

    fn voicemail(&mut self, job: Job, p: &parse::Priority, lead: Option<Lead>) {
        let at = self.node_span(p);
        let args = Self::args(p);
        let target = args
            .first()
            .map(|a| a.text.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "voicemail".into());
        if let Some(n) = self.prio(job.loc.next()).cloned()
            && app_kind(&n.app) != App::Hangup
        {
            let nat = self.span(n.range.clone());
            self.approx_once(
                format!("after vm {:?}", job.loc),
                nat,
                "what follows `VoiceMail` is not imported here: in ivrsim the voicemail ends the IVR part of the call",
                "a caller who leaves the voicemail (`#`, or `0`/`*` to `o`/`a`) goes no further",
            );
        }
        let (node_at, what, prompt) = self.lead(lead, &job, p, at);
        self.b.add_node(
            At::new(job.id, node_at),
            Some(what),
            NodeSpec::External(ExternalNode {
                app: ExternalApp::Voicemail,
                name: target,
                prompt,
                on: None,
                store: crate::menu::DEFAULT_EXTERNAL_STORE.into(),
            }),
        );
    }

    fn hangup(&mut self, job: Job, p: &parse::Priority, lead: Option<Lead>) {
        let at = self.node_span(p);
        let reason = if app_kind(&p.app) == App::Tone {
            self.approx_once(
                format!("tone {:?}", job.loc),
                at,
                format!(
                    "`{}` plays a tone until the caller hangs up; imported as a hang-up",
                    p.app
                ),
                "the tone",
            );
            p.app.to_ascii_lowercase()
        } else {
            "hangup".into()
        };
        let (node_at, what, prompt) = self.lead(lead, &job, p, at);
        self.b.add_node(
            At::new(job.id, node_at),
            Some(what),
            NodeSpec::Hangup(HangupNode { prompt, reason }),
        );
    }

    /// The place, description and prompt of a node made at `job` from `p`, led by a
    /// `Playback` or not.
    fn lead(&mut self, lead: Option<Lead>, job: &Job, p: &parse::Priority, at: Span) -> (Span, String, Option<Prompt>) {
        match lead {
            None => (at, format!("Asterisk {} at {}", p.app, self.here(job.loc)), None),
            Some(l) => {
                if l.placeholder {
                    self.lint_allow(&job.id);
                }
                (
                    l.at,
                    format!("Asterisk Playback + {} at {}", p.app, self.here(l.loc)),
                    Some(l.prompt),
                )
            }
        }
    }

    /// `SayDigits(${VAR})`, `SayNumber(${VAR})`: a message reading the value back.
    fn say(&mut self, job: Job, p: &parse::Priority) {
        let at = self.node_span(p);
        let args = Self::args(p);
        let value = args.first().map(|a| a.text.trim().to_owned()).unwrap_or_default();
        let digits = p.app.eq_ignore_ascii_case("saydigits");
        let text = match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
            Some(v) if expr::is_var_name(v) => format!("{{{v}{}}}", if digits { ":digits" } else { ":number" }),
            _ if !value.contains('$') && digits => value.chars().map(String::from).collect::<Vec<_>>().join(" "),
            _ if !value.contains('$') => value.clone(),
            _ => {
                self.approx_once(
                    format!("say {:?}", job.loc),
                    at,
                    format!("`{value}` is not read: only `${{NAME}}` or a constant"),
                    "what is read back",
                );
                format!("[{}: {value}]", p.app)
            }
        };
        let next = self.resolve(job.loc.next(), &job.state);
        let next = self.reference(&next, at);
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk {} at {here}", p.app)),
            NodeSpec::Message {
                prompt: Prompt {
                    text,
                    audio: None,
                    translations: IndexMap::new(),
                    span: at,
                    text_span: at,
                },
                next,
                barge_in: Some(false),
            },
        );
    }

    /// An application ivrsim cannot run: an external application step named after it.
    fn unknown(&mut self, job: Job, p: &parse::Priority) {
        let at = self.node_span(p);
        let mut name = format!("{}({})", p.app, p.args);
        if name.len() > 80 {
            let mut cut = 77;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name.truncate(cut);
            name.push_str("...");
        }
        self.cx.approx(
            at,
            format!(
                "`{}` is not imported: the call is handed to an application named `{name}` and the IVR part ends there",
                p.app
            ),
            format!("whatever `{}` does, and everything after it", p.app),
        );
        let here = self.here(job.loc);
        self.b.add_node(
            At::new(job.id, at),
            Some(format!("Asterisk {} at {here} (not imported)", p.app)),
            NodeSpec::External(ExternalNode {
                app: ExternalApp::Application,
                name,
                prompt: None,
                on: None,
                store: crate::menu::DEFAULT_EXTERNAL_STORE.into(),
            }),
        );
    }

    /// Reads `sounds.txt` (`name: words` a line), if there is one.
    fn load_sounds(&mut self) {
        if let Some(words) = self.sound_words("sounds.txt") {
            self.sounds = words;
        }
        for lang in self.b.language_tags().iter().skip(1).cloned().collect::<Vec<_>>() {
            let words = self
                .sound_words(&format!("sounds.{lang}.txt"))
                .map(|w| Rc::new(w.into_iter().map(|(k, (v, _))| (k, v)).collect()));
            self.sounds_in.insert(lang, words);
        }
    }

    /// The words of each sound file in the companion `name` (`sound-file: words` lines, the
    /// format of Asterisk's `core-sounds-en.txt`), with where they are written.
    fn sound_words(&mut self, name: &str) -> Option<HashMap<String, (String, Span)>> {
        let (_, id) = self.cx.companion(name, &[])?;
        let text = self.cx.sources.text(id).to_owned();
        let mut out = HashMap::new();
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let at = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let t = line.trim();
            if t.is_empty() || t.starts_with(';') || t.starts_with('#') {
                continue;
            }
            match t.split_once(':') {
                Some((name, words)) if !name.trim().is_empty() && !words.trim().is_empty() => {
                    let lead = line.len() - line.trim_start().len() + name.len() + 1;
                    let w = words.trim();
                    let start = at + lead + (words.len() - words.trim_start().len());
                    let span = self.cx.bytes(id, start..start + w.len());
                    out.insert(name.trim().to_owned(), (w.to_owned(), span));
                }
                _ => {
                    let span = self.cx.bytes(id, at..at + line.len());
                    self.cx.unreadable(span, "not a `sound-file: words` line");
                }
            }
        }
        Some(out)
    }

    /// The prompt of sound `files` (in the dialplan), and whether its caption is a
    /// placeholder.
    fn prompt(&mut self, files: &[Arg], at: Span) -> (Prompt, bool) {
        self.prompt_in(files, at, None)
    }

    /// As [`Importer::prompt`], the files' places in `file` (default: the dialplan).
    fn prompt_in(&mut self, files: &[Arg], at: Span, file: Option<FileId>) -> (Prompt, bool) {
        let file = file.unwrap_or(self.file);
        let mut words = Vec::new();
        let mut placeholder = false;
        let mut text_span = at;
        for f in files {
            let fat = self.cx.bytes(file, f.range.clone());
            let local = clip_path(&f.text).filter(|p| self.dir.join(p).is_file());
            match self.sounds.get(&f.text) {
                Some((w, span)) => {
                    if files.len() == 1 {
                        text_span = *span;
                    }
                    words.push(w.clone());
                }
                None => {
                    placeholder = true;
                    words.push(format!("[audio: {}]", f.text));
                    if local.is_none() && self.seen_audio.insert(f.text.clone()) {
                        self.missing_audio.push((f.text.clone(), fat));
                    }
                }
            }
        }
        let audio = match files {
            [one] => clip_path(&one.text)
                .filter(|p| self.dir.join(p).is_file())
                .and_then(|p| {
                    let fat = self.cx.bytes(file, one.range.clone());
                    self.b.clip(&At::new(p.to_string_lossy().into_owned(), fat))
                }),
            _ => {
                if files
                    .iter()
                    .filter_map(|f| clip_path(&f.text))
                    .any(|p| self.dir.join(p).is_file())
                {
                    self.approx_once(
                        format!("clips {}:{}", at.start, at.end),
                        at,
                        "several sound files in one prompt: ivrsim plays one clip a prompt, so none is played; the prompt is timed from its words",
                        "the recordings are not heard and the prompt's length differs",
                    );
                }
                None
            }
        };
        // The same files in the other languages: Asterisk plays `LANG/NAME`; their words
        // from `sounds.LANG.txt`, their clips `LANG/NAME.wav`.
        let mut translations = IndexMap::new();
        for lang in self.b.language_tags().iter().skip(1).cloned().collect::<Vec<_>>() {
            let table = self.sounds_in.get(&lang).cloned().flatten();
            let mut said = Vec::new();
            let mut own = false;
            for (f, default) in files.iter().zip(&words) {
                match table.as_ref().and_then(|t| t.get(&f.text)) {
                    Some(w) => {
                        own = true;
                        said.push(w.clone());
                    }
                    None => {
                        said.push(default.clone());
                        // (A file without words at all is reported once, above.)
                        if table.is_some() && self.sounds.contains_key(&f.text) {
                            let fat = self.cx.bytes(file, f.range.clone());
                            let list = self.missing_words.entry(lang.clone()).or_default();
                            if !list.iter().any(|(n, _)| *n == f.text) {
                                list.push((f.text.clone(), fat));
                            }
                        }
                    }
                }
            }
            let clip = match files {
                [one] => clip_path(&format!("{lang}/{}", one.text))
                    .filter(|p| self.dir.join(p).is_file())
                    .and_then(|p| {
                        let fat = self.cx.bytes(file, one.range.clone());
                        self.b.clip(&At::new(p.to_string_lossy().into_owned(), fat))
                    }),
                _ => None,
            };
            if own || clip.is_some() {
                translations.insert(
                    lang.clone(),
                    PromptText {
                        text: said.join(" "),
                        audio: clip,
                    },
                );
            }
        }
        (
            Prompt {
                text: words.join(" "),
                audio,
                translations,
                span: at,
                text_span,
            },
            placeholder,
        )
    }

    /// One finding for all the sound files that have neither words nor a clip, and one for
    /// each other language whose words are missing.
    fn report_audio(&mut self) {
        let top = self.cx.sources.whole(self.file);
        for (lang, table) in self.sounds_in.clone() {
            if table.is_none() {
                let at = self.language_at.get(&lang).copied().unwrap_or(top);
                self.cx.approx(
                    at,
                    format!("no `sounds.{lang}.txt` beside the dialplan: callers who choose `{lang}` see the words of `sounds.txt` (Asterisk plays the `{lang}/` recordings)"),
                    format!("captions in the default language, and prompts timed by those words, for `{lang}` callers"),
                );
            }
        }
        for (lang, missing) in std::mem::take(&mut self.missing_words) {
            let Some((first, at)) = missing.first().cloned() else {
                continue;
            };
            let mut d = Diagnostic::new(
                Code::ImportApproximated,
                at,
                format!(
                    "{} sound file(s) have no words in `sounds.{lang}.txt`, starting with `{first}`: `{lang}` callers see the default words",
                    missing.len()
                ),
            )
            .label("imported differently");
            for (name, s) in missing.iter().skip(1).take(20) {
                d = d.with_secondary(*s, format!("`{name}`"));
            }
            d = d.note("a caller would notice: a caption in the default language");
            self.cx.diags.push(d);
        }
        let missing = std::mem::take(&mut self.missing_audio);
        let Some((first, at)) = missing.first().cloned() else {
            return;
        };
        let n = missing.len();
        let mut d = Diagnostic::new(
            Code::ImportApproximated,
            at,
            if n == 1 {
                format!("sound file `{first}` has neither a clip (`{first}.wav` beside the dialplan) nor its words in `sounds.txt`: its caption is `[audio: {first}]`")
            } else {
                format!("{n} sound files have neither a clip (`NAME.wav` beside the dialplan) nor their words in `sounds.txt`: their captions are `[audio: NAME]`, starting with `{first}`")
            },
        )
        .label("imported differently");
        for (name, s) in missing.iter().skip(1).take(20) {
            d = d.with_secondary(*s, format!("`{name}`"));
        }
        if n > 21 {
            d = d.note(format!("and {} more", n - 21));
        }
        d = d
            .note("a caller would notice: the recording is not played; each such prompt is timed as its caption's words at 150 a minute (0.8 s for `[audio: NAME]`)")
            .help("put the recordings beside the dialplan as WAV (`custom/welcome.wav`), or write `custom/welcome: Welcome to ...` lines in `sounds.txt`");
        self.cx.diags.push(d);
    }
}

/// The sound files of a `&` list, each with its place.
fn split_files(a: &Arg) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut start = 0;
    // The argument's text is unquoted; its place is the raw text's. Sound names have no
    // quotes, so offsets within the text match the place when it has none.
    let raw_len = a.range.end - a.range.start;
    let exact = raw_len == a.text.len();
    for piece in a.text.split('&') {
        let t = piece.trim();
        let lead = piece.len() - piece.trim_start().len();
        let r = if exact {
            a.range.start + start + lead..a.range.start + start + lead + t.len()
        } else {
            a.range.clone()
        };
        if !t.is_empty() {
            out.push(Arg {
                text: t.to_owned(),
                range: r,
            });
        }
        start += piece.len() + 1;
    }
    out
}

/// The clip of sound file `name` beside the dialplan (`name.wav`), when `name` is a plain
/// relative path.
fn clip_path(name: &str) -> Option<PathBuf> {
    if name.is_empty() || name.contains('$') {
        return None;
    }
    let p = Path::new(name);
    if !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut s = p.as_os_str().to_owned();
    s.push(".wav");
    Some(PathBuf::from(s))
}

#[cfg(test)]
mod tests;
